"""The safe fixes of `packager qa --fix`: what can be corrected without a person's judgement.

Two fixes only: a gap of at most FIX_MAX_GAP_FRAMES between two cues is closed to the minimum gap
(the earlier cue's end moves, unless that makes it too short or too long to read), and lines that are
too long or too many are re-broken (linebreak.py), kept only when the result is better. Everything
else (reading speed, numbers, glossary) changes meaning or timing a viewer feels: a person decides.
The files are rewritten only after every one of them has been read, so a bad file changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..timecode import srt_timecode
from .cues import Cue, read_srt, write_srt
from .linebreak import break_lines
from .qa_measure import EPS, frames_text, visible_lines

if TYPE_CHECKING:
    from ..config import SubtitleQAProfile
    from ..project import Project

FIX_MAX_GAP_FRAMES = 12


@dataclass(frozen=True)
class FixChange:
    module_id: str
    lang: str
    cue: int
    start: float
    message: str


def fix_track(cues: list[Cue], *, lang: str, profile: SubtitleQAProfile,
              frame_rate: float) -> tuple[list[Cue], list[tuple[Cue, str]]]:
    """The safe fixes on one track: (fixed cues, [(original cue, what changed)])."""
    changes: list[tuple[Cue, str]] = []
    fixed = list(cues)
    target_gap = profile.min_gap_frames / frame_rate
    for i in range(len(fixed) - 1):
        prev, nxt = fixed[i], fixed[i + 1]
        if nxt.start < prev.start:
            continue
        frames = (nxt.start - prev.end) * frame_rate
        if frames < -1e-3 or frames > FIX_MAX_GAP_FRAMES + 1e-3 or abs(frames - profile.min_gap_frames) < 1e-3:
            continue
        new_end = round(nxt.start - target_gap, 3)
        duration = new_end - prev.start
        if duration < min(profile.min_duration, prev.duration) - EPS:
            continue  # closing the gap would make the cue too short to read: a person decides
        if duration > max(profile.max_duration, prev.duration) + EPS:
            continue
        changes.append((cues[i], f"end {srt_timecode(prev.end)} → {srt_timecode(new_end)} "
                                 f"(gap to cue {nxt.index}: {frames_text(frames)} → {profile.min_gap_frames})"))
        fixed[i] = replace(prev, end=new_end)
    for i, cue in enumerate(fixed):
        lines = visible_lines(cue)
        if not lines:
            continue
        too_long = max(len(line) for line in lines) > profile.max_chars_per_line
        if not too_long and len(lines) <= profile.max_lines:
            continue
        text = break_lines(cue.text, max_chars=profile.max_chars_per_line, max_lines=profile.max_lines, lang=lang)
        if text == cue.text:
            continue
        new_lines = visible_lines(cue.with_text(text))
        if not new_lines or (max(len(line) for line in new_lines), len(new_lines)) >= (
                max(len(line) for line in lines), len(lines)):
            continue  # no better than before (a dialogue cue, or a text that cannot fit)
        changes.append((cues[i], "lines re-broken: " + " / ".join(new_lines)))
        fixed[i] = cue.with_text(text)
    return fixed, changes


def apply_fixes(project: Project, module_ids: list[str] | tuple[str, ...] | None = None) -> list[FixChange]:
    """Apply the safe fixes to the subtitle files of the named modules; each changed file is
    rewritten atomically (clean UTF-8 SRT). Returns every change, per cue."""
    profile = project.config.subtitle_qa
    fps = project.config.programme.frame_rate
    plan: list[tuple[Path, list[Cue]]] = []
    changes: list[FixChange] = []
    for module in project.select(module_ids or ()):
        for lang in project.languages:
            path = module.subtitle_path(lang)
            if not path.is_file():
                continue
            cues = read_srt(path)  # a PackagerError stops everything before anything is written
            fixed, track_changes = fix_track(cues, lang=lang, profile=profile, frame_rate=fps)
            if track_changes:
                plan.append((path, fixed))
                changes.extend(FixChange(module.id, lang, cue.index, cue.start, message)
                               for cue, message in track_changes)
    for path, fixed in plan:
        write_srt(path, fixed)
    return changes
