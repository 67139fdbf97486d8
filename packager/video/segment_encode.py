"""A module's body encoded segment by segment, each cached on its content; and its audio, cached too.

Each segment (segments.py) is one ffmpeg run over only the footage it shows: every clip it touches is
opened with a seek a few frames before the segment (MARGIN_FRAMES: the deinterlacer and the frame-rate
conversion see the same neighbours as in a single encode), brought to the project's shape by the same
filter chain, then put on the project's ticks counted from the clip's in point (`fps` with a start time:
clip frame k is at k/fps whatever the phase of the footage's own frames) and cut by frame count, so no
timestamp rounding moves a cut; a clip's last frame is repeated if the footage ends short of its last
tick, so every clip has exactly the frames the plan counted. The frames keep the body's clock while the
lower-thirds and the subtitle states are overlaid (the same `between(t…)` windows and the same state
images, from a playlist of only the states the segment shows), then start at zero for the encoder. x264
gets the same settings as the single encode; each segment starts with an IDR frame and needs nothing
from another, so the segments join by stream copy (concat demuxer), and the joined body joins the cards
as before.

Consecutive segments to encode are encoded by one ffmpeg run (a *run*: its span read and filtered as one
stretch, an IDR frame forced on each cut, the segment muxer writing one file per segment), so a full
render costs what one encode of the module costs; a re-render that redoes a few scattered segments runs
one each. Runs are split in halves until there is one per two cores (one module alone fills a machine of
many cores), and at most one encode per core runs at once across the render (modules rendered in
parallel share the cores). Bit-rate targets (dvd, cd) encode each segment alone, in two passes at the
plan's average rate, so any mix of cached and new segments keeps the budget (see docs/DESIGN.md,
"Segments").

Cache: .packager/render-cache/segments/<target>-<W>x<H>/<NN>-<id>-<key>.mp4, written under a temporary name
and renamed when complete, so a killed render keeps every segment it finished. When a module's render
completes, its segments from earlier renders that it no longer uses are removed: the cache holds the
latest render of each module for each target (about the size of the outputs), plus the segments a
killed render finished, until that module's next complete render. A target's render also removes the
files of modules the project no longer has (removed or renumbered) and that target's folders at
another frame size (an earlier `--size`).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__
from ..atomic import atomic_path, sweep_partials
from ..fonts import font_file
from . import ffmpeg
from .burn import BURN_VERSION, subtitle_states
from .cards import LOWER_THIRD_SECONDS, lower_third_geometry
from .footage_graph import video_chain
from .segments import (SEGMENT_VERSION, Hashes, Held, Segment, plan_segments, read_playlist, runs, segment_key,
                       shown_between, span)

if TYPE_CHECKING:
    from .job import Job

MARGIN_FRAMES = 3  # decoded before and after a segment's frames and dropped (bwdif and fps look at neighbours)

_slots_lock = threading.Lock()
_slots: threading.BoundedSemaphore | None = None


def _encode_slots() -> threading.BoundedSemaphore:
    """One encode per core at once, across every module of the render."""
    global _slots
    with _slots_lock:
        if _slots is None:
            _slots = threading.BoundedSemaphore(os.cpu_count() or 1)
        return _slots


@dataclass
class Body:
    parts: list[Path]  # the segments (video only) in order, in the cache: the mux joins them with the cards
    reused: int  # segments taken from the cache
    total: int


def _identity(path: Path) -> list:
    st = path.stat()
    return [str(path), st.st_size, st.st_mtime_ns]


def _fps_text(fps: Fraction) -> str:
    return f"{fps.numerator}/{fps.denominator}"


@dataclass
class _Overlays:
    held: list[Held]  # the subtitle states' images as the module's playlist holds them
    blank: Path | None
    states: list[tuple[int, int, list[str]]]  # (start ms, end ms, texts) of each state, in image order
    lower_thirds: list[tuple[Path, float, float]]  # (png, start, end) seconds on the body's timeline


def _overlays(job: Job) -> _Overlays:
    module = job.module
    footage = module.footage_seconds
    held, blank, states = [], None, []
    if job.burn is not None:
        held, blank = read_playlist(job.burn.playlist)
        cues = job.cues.get(module.project.target_language, [])
        states = [(round(s.start * 1000), round(s.end * 1000), [c.text for c in s.cues])
                  for s in subtitle_states(cues, footage)]
    lower_thirds = [(png, start, min(start + LOWER_THIRD_SECONDS, footage)) for png, start in job.lower_thirds]
    return _Overlays(held, blank, states, lower_thirds)


def _busy(overlays: _Overlays) -> list[tuple[float, float]]:
    return ([(start / 1000, end / 1000) for start, end, _ in overlays.states]
            + [(start, end) for _, start, end in overlays.lower_thirds])


def _key(job: Job, seg: Segment, overlays: _Overlays, hashes: Hashes, version: int, preset: str) -> str:
    """Everything the segment's frames depend on: the footage it reads (file identity, in point, frames,
    the filter chain the probe chose), the subtitle states and lower-thirds shown during it (clipped to
    it), the plan and the encoder settings, packager's version."""
    plan, fps = job.plan, job.fps
    t0, t1 = seg.seconds(fps)
    first_ms, last_ms = t0 * 1000, float((seg.end - 1) / fps) * 1000
    pieces = []
    for piece in seg.pieces:
        path, start, duration = job.clips[piece.clip]
        pieces.append([_identity(path), round(start, 6), round(duration, 6), piece.first, piece.end,
                       video_chain(job.probes[path], width=plan.width, height=plan.height, fps=fps)])
    states = [[max(start, round(first_ms)), min(end, round(t1 * 1000)), texts]
              for start, end, texts in overlays.states if start <= last_ms and end > first_ms]
    # How a state is drawn (not where the box around every state's pixels sits: the box grows with the
    # widest cue, yet each state's pixels land on the same place of the frame whatever the box)
    burn = [BURN_VERSION, font_file().stat().st_size] if job.burn is not None and states else None
    x, bottom, _ = lower_third_geometry(plan.width, plan.height)
    lower_thirds = [[hashes(png), x, bottom, round(max(start, t0), 3), round(min(end, t1), 3)]
                    for png, start, end in overlays.lower_thirds if start < t1 and end >= t0]
    return segment_key({
        "version": [__version__, version, SEGMENT_VERSION, MARGIN_FRAMES],
        "frames": [seg.start, seg.end, _fps_text(fps)], "pieces": pieces,
        "states": states, "burn": burn, "lower_thirds": lower_thirds,
        "plan": plan.key(), "preset": preset,
    })


def _playlist(overlays: _Overlays, seg: Segment, fps: Fraction, folder: Path) -> Path:
    """The module's ffconcat list cut to the states a segment shows, on the body's clock: a blank image
    held until the first of them, then each with its own duration."""
    first_ms, last_ms = float(seg.start / fps) * 1000, float((seg.end - 1) / fps) * 1000
    shown = shown_between(overlays.held, first_ms, last_ms) or overlays.held[-1:]
    lines = ["ffconcat version 1.0"]

    def hold(image: Path, milliseconds: int | None) -> None:
        quoted = str(image).replace("'", "'\\''")
        lines.extend([f"file '{quoted}'", "option framerate 1000"])
        if milliseconds is not None:
            lines.append(f"duration {milliseconds / 1000:.3f}")

    if shown[0].start > 0:
        assert overlays.blank is not None
        hold(overlays.blank, shown[0].start)
    for held in shown:
        hold(held.image, None if held.end is None else held.end - held.start)
    path = folder / f"states-{seg.index:05d}.ffconcat"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def segment_args(job: Job, seg: Segment, overlays: _Overlays, *, encoder: list[str], rate: list[str],
                 sink: list[str], playlist: Path | None) -> list[str]:
    """One segment's ffmpeg command (see the module's docstring), or a run's (`seg` its span); `rate`: the
    rate-control options; `sink`: the output's options and name."""
    plan, fps = job.plan, job.fps
    w, h = plan.width, plan.height
    t0, t1 = seg.seconds(fps)
    frame = 1 / float(fps)
    args = ["-y"]
    lower_thirds = [(png, start, end) for png, start, end in overlays.lower_thirds if start < t1 and end >= t0]
    for png, _, _ in lower_thirds:
        args += ["-i", str(png)]
    graph, labels = [], []
    for k, piece in enumerate(seg.pieces):
        path, start, duration = job.clips[piece.clip]
        before = min(piece.first, MARGIN_FRAMES)
        offset = max(0.0, float((piece.first - before) / fps) - frame / 2)  # the input's start on the clip's clock
        pad = ""
        if piece.end == piece.frames:
            length = duration - offset  # to the clip's out point
            # the last tick before the out point is not always given a frame (it depends on how the
            # footage's last frame ends): its frame is repeated, so a clip always has its planned frames
            pad = "tpad=stop_mode=clone:stop=2,"
        else:
            length = min(duration - offset, float((piece.end + MARGIN_FRAMES) / fps) - offset)
        args += ["-an", "-sn", "-dn", "-ss", f"{start + offset:.6f}", "-t", f"{length:.6f}", "-i", str(path)]
        shape = video_chain(job.probes[path], width=w, height=h, fps=fps)
        # `fps` with a start time puts the frames on the project's ticks from the piece's first frame
        # (clip frame k at k/fps: whatever the phase of the footage's own frames against its in point),
        # dropping the margin before it; the trim counts the piece's frames (`trim=end=` in seconds
        # rounds the time down to a tick, which dropped a clip's last frame).
        graph.append(f"[{len(lower_thirds) + k}:v]setpts=PTS+round({offset:.6f}/TB),{shape},"
                     f"fps={_fps_text(fps)}:start_time={float(piece.first / fps):.6f},"
                     f"{pad}trim=end_frame={piece.end - piece.first},setpts=PTS-STARTPTS[p{k}]")
        labels.append(f"[p{k}]")
    # the body's clock (rounded: setpts truncates, and 94/25/TB computes as 93.999…)
    clock = f"setpts=PTS-STARTPTS+round({seg.start}*{fps.denominator}/{fps.numerator}/TB)"
    if len(labels) > 1:
        graph.append(f"{''.join(labels)}concat=n={len(labels)}:v=1:a=0,{clock}[body]")
    else:
        graph.append(f"[p0]{clock}[body]")
    current = "body"
    x, bottom, _ = lower_third_geometry(w, h)
    for n, (_, start, end) in enumerate(lower_thirds):  # each overlaid from its start for LOWER_THIRD_SECONDS
        graph.append(f"[{current}][{n}:v]overlay=x={x}:y={bottom}-h:eof_action=repeat:"
                     f"enable='between(t,{start:.3f},{end:.3f})'[lt{n}]")
        current = f"lt{n}"
    if playlist is not None and job.burn is not None:
        burn = replace(job.burn, playlist=playlist)
        args += burn.input_args()
        graph.append(burn.overlay_filter(current, f"{len(lower_thirds) + len(seg.pieces)}:v", "vsub"))
        current = "vsub"
    graph.append(f"[{current}]setpts=PTS-STARTPTS[out]")
    return args + ["-filter_complex", ";".join(graph), "-map", "[out]", *encoder, *rate,
                   "-frames:v", str(seg.frames), "-an", *sink]


_KEYED = re.compile(r"-[0-9a-f]{24}\.(mp4|m4a)")


def _sweep(folder: Path, name: str, keep: set[str], suffix: str) -> None:
    """The module's cached files from earlier renders that this one does not use."""
    for path in folder.glob(f"{name}-*{suffix}"):
        if _KEYED.fullmatch(path.name[len(name):]) and path.name not in keep:
            with contextlib.suppress(OSError):
                path.unlink()


_CACHED_NAME = re.compile(r"(?P<module>.+?)-(audio-)?[0-9a-f]{24}\.(mp4|m4a)")


def sweep_segments(cache_root: Path, target: str, size: tuple[int, int], modules: set[str]) -> None:
    """What no render will use again: this target's folders at another frame size (an earlier `--size`),
    and in its folder the files of modules the project no longer has (removed, or renumbered: `modules`
    are the base names). Each module's own older segments go when it renders (`_sweep`)."""
    current = cache_root / f"{target}-{size[0]}x{size[1]}"
    for folder in cache_root.glob(f"{target}-*x*"):
        if folder.is_dir() and folder != current and re.fullmatch(rf"{re.escape(target)}-\d+x\d+", folder.name):
            shutil.rmtree(folder, ignore_errors=True)
    if current.is_dir():
        for path in current.iterdir():
            match = _CACHED_NAME.fullmatch(path.name)
            if match and match["module"] not in modules:
                with contextlib.suppress(OSError):
                    path.unlink()


def encode_body(job: Job, *, encoder: Callable[[int | None], list[str]], preset: str, cache_root: Path,
                version: int, threads: int | None, on_time: Callable[[float, float], None]) -> Body:
    """Encode the module's body as segments (those not in the cache); returns them in order.

    `encoder(threads)`: the x264 options shared with the cards; `threads`: per encode (None: chosen
    from the cores and the segments to encode). Raises ffmpeg.FFmpegFailed."""
    assert job.tmp is not None
    plan, fps = job.plan, job.fps
    folder = cache_root / f"{plan.target}-{plan.width}x{plan.height}"
    folder.mkdir(parents=True, exist_ok=True)
    sweep_partials(folder)  # what killed renders left half-written
    overlays = _overlays(job)
    segments = plan_segments([duration for _, _, duration in job.clips], fps, _busy(overlays))
    hashes = Hashes()
    names = [f"{job.name}-{_key(job, seg, overlays, hashes, version, preset)[:24]}.mp4" for seg in segments]
    todo = [seg for seg, name in zip(segments, names) if not (folder / name).is_file()]
    passes = [1, 2] if plan.two_pass else [None]
    body = sum(seg.frames for seg in segments)
    total = float(body / fps) * len(passes)
    progress = {seg.index: 0.0 for seg in todo}
    done_before = float(sum(seg.frames for seg in segments if seg not in todo) / fps) * len(passes)
    lock = threading.Lock()
    cores = os.cpu_count() or 1
    # Consecutive segments to encode are encoded by one x264 run (keyframes forced at their cuts, the
    # segment muxer writing one file each): a full render costs what one encode of the module costs.
    # Two-pass targets encode segment by segment: each lands on the plan's rate, so any mix of cached and
    # new segments stays within the budget.
    groups = runs(todo, parallel=max(1, cores // 2)) if not plan.two_pass else [[seg] for seg in todo]
    per_encode = threads or max(1, cores // max(1, min(cores, len(groups))))

    def report(first: Segment, seconds: float) -> None:
        with lock:
            progress[first.index] = seconds
            on_time(min(total, done_before + sum(progress.values())), total)

    def encode_one(seg: Segment, name: str) -> None:
        playlist = _playlist(overlays, seg, fps, job.tmp) if job.burn is not None else None
        length = float(seg.frames / fps)
        with atomic_path(folder / name) as out:
            for number, pass_no in enumerate(passes):
                if pass_no is None:
                    rate = ["-crf", str(plan.crf)]
                else:
                    rate = ["-b:v", f"{plan.video_kbps}k", "-pass", str(pass_no),
                            "-passlogfile", f"x264-{seg.index:05d}"]
                sink = ["-f", "null", "-"] if pass_no == 1 else ["-f", "mp4", str(out)]
                args = segment_args(job, seg, overlays, encoder=encoder(per_encode), rate=rate, sink=sink,
                                    playlist=playlist)
                ffmpeg.run(args, cwd=job.tmp, on_time=lambda t, o=number * length: report(seg, o + min(t, length)))

    def encode_run(run: list[Segment]) -> None:
        stretch = span(run)
        playlist = _playlist(overlays, stretch, fps, job.tmp) if job.burn is not None else None
        work = Path(tempfile.mkdtemp(prefix=f"run-{stretch.index:05d}-", dir=job.tmp))
        cuts = [seg.start - stretch.start for seg in run[1:]]  # frame numbers counted from the run's start
        # an IDR frame on each cut: the first frame at or after a time half a frame before it (an `expr:`
        # of one term per cut overflows ffmpeg's expression parser on a 15-minute module)
        keyframes = ["-force_key_frames", ",".join(f"{(cut - 0.5) / fps:.6f}" for cut in cuts), "-forced-idr", "1"]
        sink = ["-f", "segment", "-segment_format", "mp4", "-segment_frames", ",".join(map(str, cuts)),
                "-reset_timestamps", "1", str(work / "part%05d.mp4")]
        args = segment_args(job, stretch, overlays, encoder=[*encoder(per_encode), *keyframes],
                            rate=["-crf", str(plan.crf)], sink=sink, playlist=playlist)
        kept = 0

        def keep_finished(final: bool) -> None:
            # The muxer closes a segment's file before it opens the next one: a part is complete once the
            # part after it exists (or ffmpeg has ended). Each goes to the cache at once, so a killed
            # render keeps it.
            nonlocal kept
            while kept < len(run) and (final or (work / f"part{kept + 1:05d}.mp4").exists()):
                part = work / f"part{kept:05d}.mp4"
                with open(part, "rb") as fh:
                    os.fsync(fh.fileno())
                with atomic_path(folder / names[run[kept].index]) as out:
                    os.replace(part, out)
                kept += 1

        def on_progress(seconds: float) -> None:
            report(stretch, min(seconds, float(stretch.frames / fps)))
            keep_finished(final=False)

        ffmpeg.run(args, cwd=job.tmp, on_time=on_progress)
        keep_finished(final=True)

    def encode(run: list[Segment]) -> None:
        with _encode_slots():
            if len(run) == 1:
                encode_one(run[0], names[run[0].index])
            else:
                encode_run(run)

    if groups:
        with ThreadPoolExecutor(max_workers=min(len(groups), cores)) as pool:
            futures = [pool.submit(encode, run) for run in groups]
            try:
                for future in futures:
                    future.result()
            except BaseException:
                for future in futures:
                    future.cancel()
                raise
    on_time(total, total)
    _sweep(folder, job.name, set(names), ".mp4")
    return Body([folder / name for name in names], len(segments) - len(todo), len(segments))


def cached_audio(job: Job, tmp: Path, encode: Callable[[Job, Path], Path], *, cache_root: Path,
                 version: int) -> Path:
    """The module's audio (encode(job, tmp) → tmp/audio.m4a), kept in the segments' cache under a key of
    what it depends on (the clips read, the streams chosen, the rate, the cards' length): an edit of the
    subtitles re-encodes no sound."""
    edits = job.module.definition.edits
    key = segment_key({
        "version": [__version__, version, SEGMENT_VERSION],
        "clips": [[_identity(path), round(start, 6), round(duration, 6)] for path, start, duration in job.clips],
        "audio": [edit.audio for edit in edits], "kbps": job.plan.audio_kbps, "duration": round(job.duration, 6),
        "channels": job.audio_channels,
    })
    folder = cache_root / f"{job.plan.target}-{job.plan.width}x{job.plan.height}"
    name = f"{job.name}-audio-{key[:24]}.m4a"
    out = tmp / "audio.m4a"
    if (folder / name).is_file():
        shutil.copyfile(folder / name, out)
        return out
    made = encode(job, tmp)
    with atomic_path(folder / name) as keep:
        shutil.copyfile(made, keep)
    _sweep(folder, f"{job.name}-audio", {name}, ".m4a")
    return made
