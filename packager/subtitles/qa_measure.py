"""How subtitle QA measures a cue: the lines a viewer reads, the characters counted, the tolerance.

The rules (qa.py), the comparison with the source (qa_compare.py), the safe fixes (qa_fix.py) and the
kit's editor (review/editor.py passes `EPS` to the page) must count alike, or `packager qa`, `--fix`
and the editor would disagree on the same cue: so the counting lives here, once.
"""

from __future__ import annotations

from .cues import Cue, strip_tags

# Tolerance on times and rates: cue times are read to the millisecond, so a cue exactly at a limit
# must not fail it through float rounding.
EPS = 1e-6


def visible_lines(cue: Cue) -> list[str]:
    return [line.strip() for line in strip_tags(cue.text).split("\n") if line.strip()]


def char_count(cue: Cue) -> int:
    """Characters read: every visible character of every line (spaces and punctuation count,
    formatting tags and line breaks do not)."""
    return sum(len(line) for line in visible_lines(cue))


def frames_text(frames: float) -> str:
    """A frame count for a message: "1 frame", "1.5 frames"."""
    n = round(frames, 2)
    n_text = f"{n:g}"
    return f"{n_text} frame" + ("" if n == 1 else "s")
