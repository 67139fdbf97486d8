"""Column widths that hold their words: a table column is never narrower than its longest word
("Visionnement", not "Visionneme / nt"), the room taken from the columns that have some to spare."""

from __future__ import annotations

from functools import lru_cache

CELL_PADDING_CM = 0.5  # the table style's cell margins (2 × 0.19 cm) and a little room


@lru_cache(maxsize=2)
def _font(bold: bool):
    from PIL import ImageFont

    from ..fonts import font_file

    return ImageFont.truetype(str(font_file(bold=bold)), 100)


@lru_cache(maxsize=4096)
def word_width_cm(word: str, *, bold: bool, size: float = 9) -> float:
    """How wide `word` prints at `size` points, measured with DejaVu Sans (wider than Arial, so the
    estimate holds whichever of the two a reader has)."""
    return _font(bold).getlength(word) / 100 * size / 72 * 2.54


def fit_words(rows: list[list[str]], widths: list[float], *, header: bool = True) -> list[float]:
    """Widths where every column holds its longest word on one line, taken from the widest columns."""
    widths = list(widths)
    need = []
    for c in range(len(widths)):
        longest = 0.0
        for r, row in enumerate(rows):
            for word in (row[c] if c < len(row) else "").split():
                longest = max(longest, word_width_cm(word, bold=header and r == 0))
        need.append(longest + CELL_PADDING_CM)
    for c, wanted in enumerate(need):
        missing = wanted - widths[c]
        if missing <= 0:
            continue
        widths[c] = wanted
        for d in sorted(range(len(widths)), key=lambda d: widths[d] - need[d], reverse=True):
            if missing <= 0:
                break
            spare = widths[d] - need[d]
            if d != c and spare > 0:
                taken = min(spare, missing)
                widths[d] -= taken
                missing -= taken
    return widths
