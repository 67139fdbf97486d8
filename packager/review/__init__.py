"""Review of the target-language texts: per-unit states (states.py), and the translator's round trip."""
