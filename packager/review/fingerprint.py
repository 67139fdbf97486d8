"""The one fingerprint of a unit's text, shared by the review states, the history and the exports."""

from __future__ import annotations

import hashlib


def text_hash(text: str) -> str:
    """A short hash of a text's words: line breaks and runs of spaces do not count (re-breaking a
    subtitle's lines is not an edit), everything else does (accents, punctuation, italics tags)."""
    normalised = " ".join(text.split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:16]
