"""File names that survive every medium: ASCII slugs (Joliet allows 64 characters)."""

from __future__ import annotations

import re
import unicodedata


def slugify(text: str, max_length: int = 64) -> str:
    """"Entreprise d'insertion A (exemple)" -> "entreprise-d-insertion-a-exemple"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "untitled"
