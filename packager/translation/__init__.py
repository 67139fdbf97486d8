"""Offline machine-translated drafts: the Argos engine, sentences and glossary protection, the
translation memory, and the flow that respects review states (engine, sentences, memory, flow)."""
