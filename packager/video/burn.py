"""Burned-in subtitles: drawn by libass once per subtitle state, overlaid by ffmpeg on every frame.

ffmpeg's `subtitles` filter asks libass for every frame of the video and blends the glyphs each time:
about 0.7 ms a 720p frame, 8 % of a veryfast x264 encode on two cores. Yet the subtitle picture only
changes at cue boundaries. So libass draws each *state* (a stretch of time during which the same cues
are shown) once, on a transparent canvas (the bottom half of the frame, or all of it for a very tall
cue), one state a frame; ffmpeg crops every state to the one box they all fit in (the `bbox` filter
finds it) and writes small PNGs; the encode overlays them, each held from its state's start to the
next state (an ffconcat list, timed to the millisecond). The overlay costs about a tenth of libass's
per-frame blending.

The picture is libass's own: same style, font, line breaks and collision stacking (cues that overlap in
time are drawn together in one state, as libass stacks them), so this is a cheaper way to run the
same burn-in, not a second renderer. One difference: when the first of two overlapping cues ends,
libass keeps the second where it was stacked; here it drops back to the bottom (`qa` reports overlaps
as errors).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from ..atomic import sweep_partials
from ..fonts import FONT_FAMILY, font_file
from ..subtitles.cues import Cue
from . import ffmpeg

SLOT_RATE = 1  # frames a second on the canvas: state k is drawn at t = k s
TIMESTAMP_RATE = 1000  # the overlay's timestamps are in milliseconds, like SRT's


# ---------------------------------------------------------------------------------------------- ASS files


def _ass_time(seconds: float) -> str:
    cs = max(0, round(seconds * 100))
    h, cs = divmod(cs, 360000)
    m, cs = divmod(cs, 6000)
    s, cs = divmod(cs, 100)
    return f"{h}:{m:02d}:{s:02d}.{cs:02d}"


_ASS_TAGS = {"<i>": r"{\i1}", "</i>": r"{\i0}", "<b>": r"{\b1}", "</b>": r"{\b0}", "<u>": r"{\u1}", "</u>": r"{\u0}"}


def ass_text(text: str) -> str:
    """Cue text as ASS dialogue text: braces and backslashes kept literal, <i>/<b>/<u> kept, lines as \\N."""
    text = re.sub(r"</?font[^>]*>", "", text, flags=re.IGNORECASE)
    text = re.sub(r"\{\\[^}]*\}", "", text)  # SSA override tags an editor left in an SRT
    out = []
    for part in re.split(r"(</?[ibu]>)", text, flags=re.IGNORECASE):
        tag = _ASS_TAGS.get(part.lower())
        if tag:
            out.append(tag)
            continue
        # A backslash followed by n, N or h is a command in libass; a word joiner keeps it literal.
        part = part.replace("\\", "\\\u2060")
        part = part.replace("{", "\\{").replace("}", "\\}")
        out.append(part)
    return "".join(out).replace("\n", "\\N")


def write_ass(path: Path, cues: list[Cue], width: int, height: int, *, matrix: str = "TV.709",
              canvas_height: int | None = None) -> None:
    """Burn-in style: white DejaVu Sans with a dark outline, bottom centre, inside the title-safe area.

    No drop shadow: a shadow is one more layer to blend, and the outline keeps the text readable on any
    picture. `matrix`: how the colours map to the video's YCbCr ("None": drawn on RGB as written).
    `canvas_height`: drawn on the bottom part of the frame only; sizes and the bottom margin stay those
    of the whole frame, so the text lands on the same pixels (libass scales by canvas / PlayResY = 1)."""
    u = height / 720
    style = (f"Style: Default,{FONT_FAMILY},{round(40 * u)},&H00FFFFFF,&H00FFFFFF,&H00101010,&H80000000,"
             f"0,0,0,0,100,100,0,0,1,{2.8 * u:.2f},0,2,{round(width * 0.1)},{round(width * 0.1)},"
             f"{round(height * 0.1)},1")
    lines = [
        "[Script Info]", "ScriptType: v4.00+", f"PlayResX: {width}", f"PlayResY: {canvas_height or height}",
        "WrapStyle: 0",
        "ScaledBorderAndShadow: yes", f"YCbCr Matrix: {matrix}", "",
        "[V4+ Styles]",
        "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, "
        "Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, "
        "MarginL, MarginR, MarginV, Encoding",
        style, "",
        "[Events]", "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
    ]
    lines += [f"Dialogue: 0,{_ass_time(c.start)},{_ass_time(c.end)},Default,,0,0,0,,{ass_text(c.text)}" for c in cues]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------------------------- states


@dataclass(frozen=True)
class State:
    """A stretch of time during which the same cues are on screen."""

    start: float
    end: float
    cues: tuple[Cue, ...]


def subtitle_states(cues: list[Cue], until: float) -> list[State]:
    """The picture's states between 0 and `until`, in time order; stretches without a cue are left out.

    Times are rounded to the millisecond first (SRT's precision; the overlay's clock)."""
    timed = sorted(((round(c.start, 3), round(min(c.end, until), 3), c) for c in cues if c.text.strip()),
                   key=lambda t: (t[0], t[2].index))
    timed = [t for t in timed if t[1] > t[0] and t[0] < until]
    bounds = sorted({t for start, end, _ in timed for t in (start, end)})
    states: list[State] = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        shown = tuple(c for start, end, c in timed if start < b and end > a)
        if not shown:
            continue
        if states and states[-1].cues == shown and states[-1].end == a:
            states[-1] = replace(states[-1], end=b)
        else:
            states.append(State(a, b, shown))
    return states


# ---------------------------------------------------------------------------------------------- drawing


@dataclass(frozen=True)
class BurnOverlay:
    """What the encode overlays: an ffconcat list of state images, and where they go on the frame."""

    playlist: Path
    x: int
    y: int

    def input_args(self) -> list[str]:
        return ["-f", "concat", "-safe", "0", "-i", str(self.playlist)]

    def overlay_filter(self, main: str, images: str, out: str) -> str:
        return f"[{main}][{images}]overlay=x={self.x}:y={self.y}:eof_action=repeat:format=yuv420[{out}]"


_BBOX = re.compile(r"lavfi\.bbox\.(x1|y1|x2|y2)=(\d+)")


def _union_box(metadata: str, width: int, height: int) -> tuple[int, int, int, int] | None:
    """The box (x, y, w, h) every state's pixels fit in, from the `bbox` filter's per-frame metadata;
    on even coordinates, so the overlay's 4:2:0 chroma lines up. None: nothing was drawn."""
    x1 = y1 = None
    x2 = y2 = -1
    frame: dict[str, int] = {}
    for key, value in _BBOX.findall(metadata):
        frame[key] = int(value)
        if len(frame) == 4:
            x1 = frame["x1"] if x1 is None else min(x1, frame["x1"])
            y1 = frame["y1"] if y1 is None else min(y1, frame["y1"])
            x2, y2 = max(x2, frame["x2"]), max(y2, frame["y2"])
            frame = {}
    if x1 is None or y1 is None:
        return None
    left, top = x1 // 2 * 2, y1 // 2 * 2
    right, bottom = min(width, (x2 + 2) // 2 * 2), min(height, (y2 + 2) // 2 * 2)
    return left, top, right - left, bottom - top


def draw_states(cues: list[Cue], *, until: float, width: int, height: int, folder: Path,
                fonts: str = "fonts") -> BurnOverlay | None:
    """Draw the cues' states with libass into `folder` (which holds the font folder `fonts`); None when
    there is nothing to draw.

    Two short ffmpeg runs over a transparent canvas of one frame per state, plus an empty last frame
    (the image of the gaps between states): the first finds the box every state fits in, the second
    writes each state's image cropped to it."""
    states = subtitle_states(cues, until)
    if not states:
        return None
    slots = [replace(cue, start=k / SLOT_RATE, end=(k + 1) / SLOT_RATE)
             for k, state in enumerate(states) for cue in state.cues]
    # Subtitles sit at the bottom: drawing on the bottom half of the frame halves the work. If some state
    # reaches the top of that half (a cue of many lines), the whole frame is drawn instead.
    for canvas_height in sorted({height // 4 * 2, height}):
        # Drawn on an RGB canvas: colours as written (the overlay converts them to the video's YCbCr).
        write_ass(folder / "states.ass", slots, width, height, matrix="None", canvas_height=canvas_height)
        canvas = (f"color=c=black@0:s={width}x{canvas_height}:r={SLOT_RATE}:d={(len(states) + 1) / SLOT_RATE},"
                  f"format=rgba")
        libass = f"subtitles=filename=states.ass:fontsdir={fonts}:force_style='FontName={FONT_FAMILY}':alpha=1"
        ffmpeg.run(["-f", "lavfi", "-i", canvas, "-vf",
                    f"{libass},alphaextract,bbox=min_val=0,metadata=mode=print:file=states.bbox",
                    "-f", "null", "-"], cwd=folder)
        box = _union_box((folder / "states.bbox").read_text(encoding="utf-8"), width, canvas_height)
        if box is None:
            return None
        if box[1] > 0 or canvas_height == height:
            break
    x, y, w, h = box
    # zlib level 1: the same pixels, written in three quarters of the time (the first encode waits for them)
    ffmpeg.run(["-y", "-f", "lavfi", "-i", canvas, "-vf", f"{libass},crop={w}:{h}:{x}:{y}",
                "-compression_level", "1", "-start_number", "0", "state%05d.png"], cwd=folder)
    blank = f"state{len(states):05d}.png"
    entries = ["ffconcat version 1.0"]

    def hold(image: str, seconds: float | None) -> None:
        # framerate: the image demuxer's clock, so each state starts on its millisecond (not 1/25 s)
        entries.extend([f"file {image}", f"option framerate {TIMESTAMP_RATE}"])
        if seconds is not None:
            entries.append(f"duration {seconds:.3f}")

    clock = 0.0
    for k, state in enumerate(states):
        if state.start > clock:
            hold(blank, state.start - clock)
        hold(f"state{k:05d}.png", state.end - state.start)
        clock = state.end
    hold(blank, None)  # held to the end of the video (the overlay repeats its last image)
    (folder / "states.ffconcat").write_text("\n".join(entries) + "\n", encoding="utf-8")
    return BurnOverlay(folder / "states.ffconcat", x, y + height - canvas_height)


# ---------------------------------------------------------------------------------------------- cache

BURN_VERSION = 2  # bump when the drawing of the same cues changes


def cached_states(cues: list[Cue], *, until: float, width: int, height: int, cache_dir: Path,
                  name: str) -> BurnOverlay | None:
    """`draw_states`, kept in `cache_dir` under a folder keyed on everything the drawing depends on:
    re-rendering a module whose subtitles did not change (new footage, another edit) draws nothing.

    The folder is drawn under a temporary name and renamed when complete; the module's older drawings
    at the same size are removed."""
    key = hashlib.sha256(json.dumps(
        [BURN_VERSION, width, height, round(until, 3), font_file().stat().st_size,
         [(round(c.start, 3), round(c.end, 3), c.text) for c in cues]], ensure_ascii=False).encode()).hexdigest()
    prefix = f"{name}-{width}x{height}-"
    folder = cache_dir / f"{prefix}{key[:16]}"
    record = folder / "overlay.json"
    if not record.is_file():
        cache_dir.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".part", dir=cache_dir))
        try:
            (work / "fonts").mkdir()
            shutil.copyfile(font_file(), work / "fonts" / font_file().name)
            drawn = draw_states(cues, until=until, width=width, height=height, folder=work)
            shutil.rmtree(work / "fonts")
            (work / "overlay.json").write_text(json.dumps(
                {"x": drawn.x, "y": drawn.y} if drawn else {"empty": True}) + "\n", encoding="utf-8")
            try:
                os.replace(work, folder)
            except OSError:  # drawn meanwhile by another render: theirs is the same
                if not record.is_file():
                    raise
        finally:
            shutil.rmtree(work, ignore_errors=True)
        for older in cache_dir.glob(f"{prefix}*"):
            if older != folder:
                shutil.rmtree(older, ignore_errors=True)
        sweep_partials(cache_dir, older_than=3600, pattern=f".{prefix}*.part")  # a killed render's drawing
    saved = json.loads(record.read_text(encoding="utf-8"))
    return None if saved.get("empty") else BurnOverlay(folder / "states.ffconcat", saved["x"], saved["y"])
