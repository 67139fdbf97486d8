"""Where a module's picture is cut into segments, and what each segment's picture depends on.

A module's body (the footage timeline, cards excluded) is encoded as closed-GOP segments of about
SEGMENT_SECONDS, each by its own x264 run with the same settings, and joined by stream copy (see
segment_encode.py). A segment is cached under a key made of everything its frames depend on, so a
re-render encodes again only the segments whose key changed.

Boundaries are chosen for small edits. Each boundary sits near a point of a fixed grid (every
SEGMENT_SECONDS from the body's start, which is where the opening card ends) and is moved, within a
third of a segment either way, to the module's own structure: an edit point first, else a frame where
no subtitle and no lower-third runs across the cut (a cue-free gap, or a cue's first frame). Each
boundary is chosen from its own window only, so retiming a cue moves at most the boundary next to it,
never the ones after it; and a cue lies in one segment unless it is longer than a window allows.

Frames are counted on the project's ticks: clip n (in, duration d) gives ceil(d × fps) frames, one per
tick before its out point (segment_encode.py makes exactly those).
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

# Half x264's default keyint at 25 fps. 10 s segments cost 2.6 % less CPU over a whole render, but a
# one-cue fix re-encodes twice as many frames: on a 15-minute module the re-render was 6.6 % of the full
# render with 10 s segments (docs/DESIGN.md, "Segments").
SEGMENT_SECONDS = 5
SEGMENT_VERSION = 1  # bump when the segments' pictures from the same inputs change
_EPSILON = 1e-6


@dataclass(frozen=True)
class Piece:
    """The frames [first, end) of clip `clip` (clip-local frame numbers) that a segment shows."""

    clip: int
    first: int
    end: int
    frames: int  # the clip's frame count in the body


@dataclass(frozen=True)
class Segment:
    index: int
    start: int  # first frame on the body's timeline
    end: int  # one past the last frame
    pieces: tuple[Piece, ...]

    @property
    def frames(self) -> int:
        return self.end - self.start

    def seconds(self, fps: Fraction) -> tuple[float, float]:
        return float(self.start / fps), float(self.end / fps)


def clip_frames(duration: float, fps: Fraction) -> int:
    """Frames a clip of `duration` seconds contributes to the body (as the single encode's trim keeps them)."""
    return max(1, math.ceil(duration * fps - _EPSILON))


def first_frame_at(seconds: float, fps: Fraction) -> int:
    """The first frame whose time is at or after `seconds`."""
    return max(0, math.ceil(seconds * fps - _EPSILON))


def spanned_cuts(intervals: list[tuple[float, float]], total: int, fps: Fraction) -> list[bool]:
    """For each possible cut f (between frame f-1 and frame f): True when something shown on both frames
    runs across it. `intervals`: [start, end) seconds of what is overlaid (subtitle states, lower-thirds)."""
    spanned = [False] * (total + 1)
    for start, end in intervals:
        first, stop = first_frame_at(start, fps), min(total, first_frame_at(end, fps))  # frames [first, stop)
        for cut in range(first + 1, stop):
            spanned[cut] = True
    return spanned


def plan_segments(durations: list[float], fps: Fraction, busy: list[tuple[float, float]], *,
                  seconds: float | None = None) -> list[Segment]:
    """The body's segments, given each clip's duration (in edit order) and the overlays' [start, end)."""
    seconds = seconds or SEGMENT_SECONDS  # read at the call: tests shorten it
    counts = [clip_frames(d, fps) for d in durations]
    total = sum(counts)
    starts = [sum(counts[:n]) for n in range(len(counts))]
    length = max(1, round(seconds * fps))
    reach = length // 3
    spanned = spanned_cuts(busy, total, fps)
    edits = set(starts[1:])
    cuts: list[int] = []
    for k in range(1, total // length + 1):
        grid = k * length
        if total - grid < length // 2:  # a short tail joins the segment before it
            break
        window = range(max(1, grid - reach), min(total - 1, grid + reach) + 1)
        by_distance = sorted(window, key=lambda f: (abs(f - grid), f))
        cut = next((f for f in by_distance if f in edits), None)
        if cut is None:
            cut = next((f for f in by_distance if not spanned[f]), grid)
        if not cuts or cut > cuts[-1]:
            cuts.append(cut)
    bounds = [0, *cuts, total]
    segments = []
    for index, (a, b) in enumerate(zip(bounds, bounds[1:])):
        pieces = []
        for clip, (offset, count) in enumerate(zip(starts, counts)):
            first, end = max(a, offset) - offset, min(b, offset + count) - offset
            if end > first:
                pieces.append(Piece(clip, first, end, count))
        segments.append(Segment(index, a, b, tuple(pieces)))
    return segments


def span(run: list[Segment]) -> Segment:
    """Consecutive segments as one stretch of the body (index: the first one's), each clip's pieces joined:
    what one encoder run reads when it encodes them all (segment_encode.py)."""
    assert run and all(b.start == a.end for a, b in zip(run, run[1:])), "segments not consecutive"
    pieces: list[Piece] = []
    for piece in (p for seg in run for p in seg.pieces):
        if pieces and pieces[-1].clip == piece.clip and pieces[-1].end == piece.first:
            pieces[-1] = Piece(piece.clip, pieces[-1].first, piece.end, piece.frames)
        else:
            pieces.append(piece)
    return Segment(run[0].index, run[0].start, run[-1].end, tuple(pieces))


def runs(todo: list[Segment], parallel: int) -> list[list[Segment]]:
    """The segments to encode, grouped into runs of consecutive ones (one encoder run each: no start-up
    cost per segment), the longest split in halves until there are `parallel` runs to encode at once."""
    grouped: list[list[Segment]] = []
    for seg in todo:
        if grouped and grouped[-1][-1].index + 1 == seg.index:
            grouped[-1].append(seg)
        else:
            grouped.append([seg])
    while grouped and len(grouped) < parallel:
        longest = max(grouped, key=len)
        if len(longest) < 2:
            break
        at = grouped.index(longest)
        half = len(longest) // 2
        grouped[at:at + 1] = [longest[:half], longest[half:]]
    return grouped


# ---------------------------------------------------------------------------------------------- keys


@dataclass(frozen=True)
class Held:
    """An image overlaid from `start` to `end` (milliseconds on the body's timeline; None: to the end)."""

    image: Path
    start: int
    end: int | None


def read_playlist(path: Path) -> tuple[list[Held], Path | None]:
    """The subtitle states' ffconcat list (burn.py) as held images in time order, and the blank image
    (the last one, held to the end: the picture between states)."""
    held: list[Held] = []
    clock = 0
    image: Path | None = None
    duration: int | None = None

    def flush() -> None:
        nonlocal clock
        if image is not None:
            held.append(Held(image, clock, None if duration is None else clock + duration))
            clock += duration or 0

    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("file "):
            flush()
            image, duration = path.parent / line[5:].strip(), None
        elif line.startswith("duration "):
            duration = round(float(line.split()[1]) * 1000)
    flush()
    return held, (held[-1].image if held else None)


def shown_between(held: list[Held], start_ms: float, last_ms: float) -> list[Held]:
    """The images a frame between start_ms and last_ms (both included) can show: the one in place at
    start_ms and every one that starts up to last_ms."""
    return [h for h in held if h.start <= last_ms and (h.end is None or h.end > start_ms)]


class Hashes:
    """sha256 of small files (state and lower-third images), read once per render."""

    def __init__(self) -> None:
        self._known: dict[Path, str] = {}

    def __call__(self, path: Path) -> str:
        if path not in self._known:
            self._known[path] = hashlib.sha256(path.read_bytes()).hexdigest()
        return self._known[path]


def segment_key(parts: dict) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
