"""A returned subtitle file keyed to the module's cues by number: the same count and the same timing
(to the millisecond files carry), or refused as a whole with the list of differences (and, when its
timing is another module's, that module named). Timing is never shifted and no cue is ever dropped."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import PackagerError
from .approve import format_cue_ranges

if TYPE_CHECKING:
    from ..project import Module, Project
    from .returns import ReturnedFile, ReturnedUnit

TIMING_TOLERANCE = 0.0015  # seconds: files carry milliseconds


def align_subtitles(project: Project, module: Module, returned: ReturnedFile) -> dict[str, ReturnedUnit]:
    """Key every returned cue by its cue number, checking count and timing; raise with the differences."""
    from ..subtitles.cues import read_srt

    current = read_srt(module.subtitle_path(project.target_language))
    diffs: list[str] = []
    if len(returned.units) != len(current):
        diffs.append(f"{len(returned.units)} cues returned, the Spanish track has {len(current)}")
    keyed: dict[str, ReturnedUnit] = {}
    if returned.kind == "srt":  # match by timing (editors renumber)
        by_time = {(round(c.start, 3), round(c.end, 3)): n for n, c in enumerate(current, start=1)}
        for unit in returned.units:
            n = by_time.get((round(unit.start, 3), round(unit.end, 3)))
            if n is None:
                n = next((i for i, c in enumerate(current, start=1) if abs(c.start - unit.start) <= TIMING_TOLERANCE
                          and abs(c.end - unit.end) <= TIMING_TOLERANCE), None)
            if n is None:
                diffs.append(f"returned {unit.label} ({_timecode(unit.start)} → {_timecode(unit.end)}) matches no cue's timing")
            elif str(n) in keyed:
                diffs.append(f"returned {unit.label} repeats the timing of cue {n}")
            else:
                unit.key = str(n)
                unit.label = f"cue {n}"  # editors renumber: messages name the cue by its number here
                keyed[str(n)] = unit
        for n, cue in enumerate(current, start=1):
            if str(n) not in keyed:
                diffs.append(f"cue {n} ({_timecode(cue.start)} → {_timecode(cue.end)}) is missing from the returned file")
    else:
        for unit in returned.units:
            if not (unit.key or "").isdigit() or not 1 <= int(unit.key) <= len(current):
                diffs.append(f"returned {unit.label}: no such cue")
                continue
            if unit.key in keyed:
                diffs.append(f"returned {unit.label} appears twice")
                continue
            cue = current[int(unit.key) - 1]
            if unit.start is not None and (abs(cue.start - unit.start) > TIMING_TOLERANCE
                                           or abs(cue.end - unit.end) > TIMING_TOLERANCE):
                diffs.append(f"cue {unit.key}: timing {_timecode(unit.start)} → {_timecode(unit.end)} differs from "
                             f"{_timecode(cue.start)} → {_timecode(cue.end)}")
            keyed[unit.key] = unit
        missing = [n for n in range(1, len(current) + 1) if str(n) not in keyed]
        if missing:  # a row deleted in Word: say which cue it was
            diffs.append(f"cue{'s' if len(missing) > 1 else ''} {format_cue_ranges(missing)} missing from the "
                         "returned file (a deleted row?)")
    if diffs:
        shown = 12
        listing = "\n".join(f"  - {d}" for d in diffs[:shown])
        if len(diffs) > shown:
            listing += f"\n  … and {len(diffs) - shown} more"
        hint = "import never shifts timing nor drops a cue: keep every cue and its times as exported"
        other = module_with_timing(project, returned, exclude=module.id)
        if other is not None:
            hint = (f"its timing is that of module {other!r}: this looks like the file of {other}; "
                    f"import it with --module {other}")
        elif returned.kind == "xliff" and (returned.version or "").startswith("1"):
            hint = ("the CAT tool saved XLIFF 1.2 and renumbered or changed the units: save as XLIFF 2.0 "
                    "(the format packager sent), keeping every unit and its id")
        raise PackagerError(f"refused: its cues do not match the Spanish track of {module.id} "
                            f"({len(diffs)} difference(s)); nothing was written\n{listing}", path=returned.label,
                            hint=hint)
    return keyed


def module_with_timing(project: Project, returned: ReturnedFile, *, exclude: str) -> str | None:
    """The module whose Spanish track has exactly the returned cues' timing (a file imported for the
    wrong module), or None."""
    from ..subtitles.cues import read_srt

    timing = [(u.start, u.end) for u in returned.units]
    if not timing or any(a is None for a, _ in timing):
        return None
    for other in project.modules:
        if other.id == exclude:
            continue
        try:
            cues = read_srt(other.subtitle_path(project.target_language))
        except (PackagerError, OSError):
            continue
        if len(cues) == len(timing) and all(abs(c.start - a) <= TIMING_TOLERANCE and abs(c.end - b) <= TIMING_TOLERANCE
                                            for c, (a, b) in zip(cues, timing)):
            return other.id
    return None


def _timecode(seconds: float | None) -> str:
    from ..timecode import srt_timecode

    return srt_timecode(seconds) if seconds is not None else "?"
