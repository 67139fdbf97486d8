"""The open font shipped inside the package (DejaVu Sans, see fonts/LICENSE_DEJAVU).

Burned subtitles, cards and drawtext use it by file, so a fresh machine renders the same as this one
without any system font.
"""

from __future__ import annotations

from pathlib import Path

FONT_DIR = Path(__file__).parent / "fonts"
FONT_FAMILY = "DejaVu Sans"


def font_file(*, bold: bool = False) -> Path:
    return FONT_DIR / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
