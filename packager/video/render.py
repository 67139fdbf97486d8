"""Render each module, and the full programme, for one medium (usb, dvd or cd).

Per module, one filter graph, run segment by segment (segment_encode.py: closed-GOP segments cached on
content and joined by copy; two passes each for the disc targets' average bit rate), does all the per-frame
work: the edit list cut and joined (scaled and padded to the target, never
stretched), the speakers' lower-thirds overlaid between times, the target-language subtitles burned in
(libass draws each subtitle state once in the shipped DejaVu Sans, the encode overlays it: burn.py).
At the same time, in other processes: the audio (EBU R128 loudness measured, then normalised to
LOUDNESS_TARGET LUFS and encoded to AAC; audio only, a few seconds) and the opening and closing cards
(composed once with moviepy, encoded once to short clips and cached).
A final mux copies the cards, the body and the audio into one MP4 (concat demuxer: the x264 streams are
`stitchable`), adds the soft subtitle tracks in both languages (mov_text, fra/spa), the chapters (the
module's title, then its outline sections, titled in both languages) and faststart; then mp4boxes.py
leaves every soft track off until a viewer picks one, the one not burned in placed at the top.

Writes dist/render/<target>/ (see the "Render outputs" contract): <NN>-<id>.mp4, sidecar SRT and WebVTT
timed on the rendered video (shifted by the opening card), <NN>-<id>.chapters.json, programme.mp4
(concat demuxer, no second encode, a chapter per module) or programme.m3u (cd), and render.json.
Every file is written under a temporary name and renamed when complete; leftovers of a killed run are
removed on the next one. Each module is keyed on everything it depends on
(.packager/render-cache/<target>/<id>.json): an unchanged module is not rendered again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import tempfile
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import Any

from rich.console import Console

from .. import __version__, interrupt
from ..atomic import atomic_path, readable, write_text
from ..errors import CheckFailed, PackagerError
from ..project import Module, Project
from ..subtitles.cues import Cue, format_srt, format_vtt, read_srt, shift
from ..timecode import format_timecode
from . import ffmpeg, mp4boxes
from .burn import BurnOverlay, cached_states
from .cards import CARD_SECONDS, CARD_VERSION, closing_card, lower_third, opening_card
from .footage_check import probe_edit
from .footage_graph import Source, audio_sources, balance_gains, clip_audio, resolve_sources
from .probe import FootageProbe
from .segment_encode import cached_audio, encode_body
from .targets import TARGETS, Plan, plan_target

__all__ = ["CARD_SECONDS", "LOUDNESS_TARGET", "TARGETS", "RenderOptions", "RenderResult", "ModuleRender",
           "render_project", "render_dir"]

RENDER_VERSION = 8  # bump when the output of the same inputs changes
LOUDNESS_TARGET = -23.0  # LUFS integrated, EBU R128 (broadcast); true peak ≤ -1 dBTP
TRUE_PEAK = -1.0
LOUDNESS_RANGE = 11.0
SUBTITLE_TOLERANCE = 0.05  # seconds a cue may run past the footage (rounding in editors)
LANGUAGE_TAGS = {"fr": "fra", "es": "spa", "en": "eng"}
LANGUAGE_NAMES = {"fr": "Français", "es": "Español", "en": "English"}


@dataclass(frozen=True)
class RenderOptions:
    """Knobs for tests and benchmarks; the defaults are what users get."""

    size: tuple[int, int] | None = None  # override the target's resolution (tests use tiny frames)
    preset: str = "veryfast"  # x264 preset
    threads: int | None = None  # x264 threads per encode (default: cores / jobs)


@dataclass
class ModuleRender:
    module_id: str
    video: Path
    duration: float
    rendered: bool  # False: reused from a previous run
    seconds: float = 0.0  # wall time of the encode
    segments_reused: int = 0  # segments of the body taken from the cache (segment_encode.py)
    segments: int = 0
    shared_from: str | None = None  # another target whose render this one took (it fits this plan)

    @property
    def realtime(self) -> float:
        return self.duration / self.seconds if self.seconds else 0.0


@dataclass
class RenderResult:
    target: str
    directory: Path
    plan: Plan
    modules: list[ModuleRender] = field(default_factory=list)
    programme: Path | None = None
    manifest: Path | None = None
    runtime: float = 0.0
    warnings: list[str] = field(default_factory=list)

    @property
    def rendered(self) -> list[ModuleRender]:
        return [m for m in self.modules if m.rendered]


def render_dir(project: Project, target: str) -> Path:
    return project.dist_dir / "render" / target


def base_name(module: Module) -> str:
    return f"{module.order:02d}-{module.id}"


def module_runtime(module: Module) -> float:
    return module.footage_seconds + 2 * CARD_SECONDS


# ---------------------------------------------------------------------------------------------- inputs


@dataclass
class Job:
    """Everything one module's render needs, gathered and checked before any encode starts."""

    module: Module
    plan: Plan
    fps: Fraction
    key: str
    out_dir: Path
    cues: dict[str, list[Cue]]  # lang -> cues on the footage timeline (a missing target file: absent)
    clips: list[tuple[Path, float, float]] = field(default_factory=list)  # (path, in, duration)
    opening_png: Path | None = None
    closing_png: Path | None = None
    cards: Future | None = None  # the card clips, encoded while the body encodes
    opening: Path | None = None  # the card clips
    closing: Path | None = None
    lower_thirds: list[tuple[Path, float]] = field(default_factory=list)  # (png, start on the footage timeline)
    probes: dict[Path, FootageProbe] = field(default_factory=dict)  # shared by every job: a clip is probed once
    sources: dict[int, list[Source]] = field(default_factory=dict)  # clip -> the audio it plays (footage_graph.py)
    gains: dict[int, list[float] | None] = field(default_factory=dict)  # clip -> dB per source (equal loudness)
    tmp: Path | None = None  # the job's temporary folder (under .packager/)
    states: Future | None = None  # the target-language subtitles' images (BurnOverlay | None), drawn early
    burn: BurnOverlay | None = None  # the same, when the encode starts
    audio: Future | None = None  # the audio encode, running while the video encodes
    options: RenderOptions = field(default_factory=RenderOptions)  # recorded in the cache entry, for `status`

    @property
    def name(self) -> str:
        return base_name(self.module)

    @property
    def duration(self) -> float:
        return module_runtime(self.module)

    @property
    def audio_channels(self) -> int:
        """Always stereo, mono footage too (as two identical channels): a plain BS.1770 meter reads a
        mono file 3 LU low, and every module then joins the programme by copying."""
        return 2


def _file_identity(path: Path) -> list:
    try:
        st = path.stat()
    except OSError:
        return [str(path), None]
    return [str(path), st.st_size, st.st_mtime_ns]


def _bytes_hash(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def module_key(project: Project, module: Module, plan: Plan, options: RenderOptions) -> str:
    """A hash of everything the module's outputs depend on (cheap: stats and small files only)."""
    parts = {
        "version": [__version__, RENDER_VERSION, CARD_VERSION],
        "definition": module.definition.model_dump(mode="json", by_alias=True),
        "programme": project.config.programme.model_dump(mode="json"),
        "footage": [_file_identity(module.footage_path(e)) for e in module.definition.edits],
        "subtitles": {lang: _bytes_hash(module.subtitle_path(lang)) for lang in project.languages},
        "plan": plan.key(),
        "options": [options.size, options.preset],
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _cache_file(project: Project, target: str, name: str) -> Path:
    return project.cache_dir / "render-cache" / target / f"{name}.json"


def _outputs_current(entry: dict, out_dir: Path) -> bool:
    for name, (size, mtime) in entry.get("outputs", {}).items():
        try:
            st = (out_dir / name).stat()
        except OSError:
            return False
        if st.st_size != size or st.st_mtime_ns != mtime:
            return False
    return bool(entry.get("outputs"))


def _read_cache(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def render_state(project: Project, module: Module, target: str) -> str | None:
    """What `status` says of a module's video for `target`: "current" (every output of its last render on
    disk, as that render left them, and its inputs unchanged), "out of date" (its outputs are there but
    its inputs changed), or None (never rendered, or an output is missing: e.g. an interrupted build).
    Compared with the options that render used (`--size`, `--preset`). Raises PackagerError when the
    medium cannot hold the programme."""
    entry = _read_cache(_cache_file(project, target, module.id))
    if not entry or not _outputs_current(entry, render_dir(project, target)):
        return None
    size, preset = entry.get("options") or [None, RenderOptions.preset]
    options = RenderOptions(size=tuple(size) if size else None, preset=preset)
    key = module_key(project, module, plan_for(project, target, options), options)
    return "current" if entry.get("key") == key else "out of date"


def _readable(out_dir: Path, names: list[str]) -> None:
    """Outputs are for everyone who gets the stick or disc."""
    for name in names:
        with contextlib.suppress(OSError):
            readable(out_dir / name)


def _record(out_dir: Path, names: list[str]) -> dict[str, list[int]]:
    out = {}
    for name in names:
        st = (out_dir / name).stat()
        out[name] = [st.st_size, st.st_mtime_ns]
    return out


def check_inputs(job: Job) -> None:
    """Footage readable, complete, with a picture, long enough for its edit points (footage_check.py, as
    `packager check` judges it); subtitles inside the module.

    Raises PackagerError naming the module file, the line and field of the edit, and the clip (exit 2),
    worded as `packager check` words it.
    """
    module = job.module
    for i, edit in enumerate(module.definition.edits):
        path = module.footage_path(edit)
        source = module.where("edits", i, "source")
        if edit.out <= edit.in_:
            raise PackagerError(f"edit point runs backwards: out {format_timecode(edit.out, millis=True)} is not "
                                f"after in {format_timecode(edit.in_, millis=True)}",
                                path=module.path, where=module.where("edits", i, "out"),
                                hint="swap the two points or fix the out point")
        if not path.is_file():
            raise PackagerError(f"footage file not found: {edit.source}", path=module.path, where=source,
                                hint="copy the footage there or fix the path (relative to the project folder)")
        _, findings = probe_edit(module, i, edit, job.probes)
        errors = [problem for severity, problem in findings if severity == "error"]
        if errors:
            raise errors[0]
        job.clips.append((path, edit.in_, edit.duration))
    for lang, cues in job.cues.items():
        for cue in cues:
            if cue.end > module.footage_seconds + SUBTITLE_TOLERANCE:
                raise PackagerError(
                    f"ends at {format_timecode(cue.end, millis=True)}, past the end of module {module.id} "
                    f"({format_timecode(module.footage_seconds, millis=True)} of footage in its edit list, "
                    f"{module.path.name})",
                    path=module.subtitle_path(lang), where=f"cue {cue.index}, line {cue.line}",
                    hint="fix the cue's timing or the module's edit list")


# ---------------------------------------------------------------------------------------------- files


def _ffmeta_escape(text: str) -> str:
    return re.sub(r"([=;#\\\n])", r"\\\1", text)


def write_ffmetadata(path: Path, title: str, chapters: list[tuple[float, float, str]]) -> None:
    lines = [";FFMETADATA1", f"title={_ffmeta_escape(title)}"]
    for start, end, name in chapters:
        lines += ["[CHAPTER]", "TIMEBASE=1/1000", f"START={round(start * 1000)}", f"END={round(end * 1000)}",
                  f"title={_ffmeta_escape(name)}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def module_chapters(module: Module, languages: tuple[str, str]) -> list[dict[str, Any]]:
    """Chapters on the rendered timeline: the opening (module title), then each outline section."""
    chapters = [{"start": 0.0, "title": {lang: module.title(lang) for lang in languages}}]
    for section in sorted(module.definition.sections, key=lambda s: s.start):
        start = round(section.start + CARD_SECONDS, 3)
        if section.start < module.footage_seconds:
            chapters.append({"start": start, "title": {lang: section.title(lang) for lang in languages}})
    return chapters


def _duration_text(seconds: float) -> dict[str, str]:
    seconds = round(seconds)
    minutes, secs = divmod(seconds, 60)
    value = f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"
    return {"fr": f"Durée : {value}", "es": f"Duración: {value}", "en": f"Length: {value}"}


# ---------------------------------------------------------------------------------------------- ffmpeg graphs
#
# A module is made by three ffmpeg commands: the video encode (the one per-frame pass: cards, edits,
# lower-thirds, burned subtitles) and, at the same time in another process, the audio (loudnorm's
# measuring pass, then its normalising pass and the AAC encode: audio only, a few seconds); then a mux
# that copies both and adds the soft subtitle tracks, the chapters and faststart (a fraction of a second).


def _fps_text(fps: Fraction) -> str:
    return f"{fps.numerator}/{fps.denominator}"


def _audio_inputs(job: Job) -> list[str]:
    args: list[str] = []
    for path, start, duration in job.clips:
        args += ["-vn", "-sn", "-dn", "-ss", f"{start:.6f}", "-t", f"{duration:.6f}", "-i", str(path)]
    return args


def _audio_graph(job: Job) -> list[str]:
    """The clips' sound cut and joined on the footage timeline (cards excluded), as [acat]."""
    graph, labels = [], []
    edits = job.module.definition.edits
    for n, (path, _, duration) in enumerate(job.clips):
        # every chosen stream, 48 kHz stereo, silence for a clip without sound (footage_graph.py)
        sources = job.sources.get(n) or audio_sources(edits[n].audio, job.probes[path])
        graph += clip_audio(n, sources, duration, f"a{n}", job.gains.get(n))
        labels.append(f"[a{n}]")
    graph.append(f"{''.join(labels)}concat=n={len(labels)}:v=0:a=1[acat]")
    return graph


def measure_loudness(job: Job, tmp: Path) -> dict[str, float] | None:
    """Pass 1: EBU R128 figures of the joined clips (integrated I, its gating threshold, LRA, true peak).

    Measured by ffmpeg's ebur128 filter (the BS.1770 meter loudnorm also uses), on the audio alone:
    about 200× realtime, a third of the cost of loudnorm's own measuring pass. None for silence.
    """
    graph = _audio_graph(job)
    graph.append("[acat]ebur128=peak=true:framelog=quiet[m]")  # stereo, as delivered and as a plain meter reads it
    log = ffmpeg.run([*_audio_inputs(job), "-filter_complex", ";".join(graph), "-map", "[m]", "-f", "null", "-"],
                     cwd=tmp, background=True)
    summary = log.rsplit("Summary:", 1)[-1]
    figures = {}
    for key, pattern in (("I", r"I:\s+(-?[\d.]+|-inf) LUFS\s+Threshold:\s+(-?[\d.]+|-inf) LUFS"),
                         ("LRA", r"LRA:\s+(-?[\d.]+) LU"), ("TP", r"Peak:\s+(-?[\d.]+|-inf) dBFS")):
        match = re.search(pattern, summary)
        if not match:
            return None
        figures[key] = float(match.group(1))
        if key == "I":
            figures["thresh"] = float(match.group(2))
    if figures["I"] < -70 or figures["TP"] == float("-inf"):
        return None
    return figures


def needs_limiting(loud: dict[str, float] | None) -> bool:
    """True when the gain to LOUDNESS_TARGET would push the true peak past TRUE_PEAK."""
    return loud is not None and loud["TP"] + LOUDNESS_TARGET - loud["I"] > TRUE_PEAK


def _loudness_range(loud: dict[str, float]) -> float:
    return min(50.0, max(LOUDNESS_RANGE, loud["LRA"] + 1))


def _loudnorm(loud: dict[str, float], **extra: str) -> str:
    options = ":".join(f"{key}={value}" for key, value in extra.items())
    return (f"loudnorm=I={LOUDNESS_TARGET}:TP={TRUE_PEAK}:LRA={_loudness_range(loud):.1f}:dual_mono=true"
            + (f":{options}" if options else ""))


def measure_loudnorm(job: Job, tmp: Path, loud: dict[str, float]) -> dict[str, float]:
    """loudnorm's own first pass (print_format=json), for sound whose peaks need limiting: its dynamic
    mode only lands on the target with the figures and the offset its own first pass reports."""
    graph = _audio_graph(job)
    graph.append(f"[acat]{_loudnorm(loud, print_format='json')}[m]")
    log = ffmpeg.run([*_audio_inputs(job), "-filter_complex", ";".join(graph), "-map", "[m]", "-f", "null", "-"],
                     cwd=tmp, background=True)
    try:
        report = json.loads(log[log.rindex("{"):log.rindex("}") + 1])
        return {"I": float(report["input_i"]), "TP": float(report["input_tp"]), "LRA": float(report["input_lra"]),
                "thresh": float(report["input_thresh"]), "offset": float(report["target_offset"])}
    except (ValueError, KeyError):
        return loud  # no report (never seen): the ebur128 figures, without the offset


def normalise_filter(loud: dict[str, float] | None) -> str:
    """Pass 2: the gain to LOUDNESS_TARGET. loudnorm's linear mode is one constant gain, so when the
    measured true peak leaves room for it, that gain is applied with `volume` (the same result, without
    loudnorm's 192 kHz resampling); otherwise loudnorm itself with the measured values (and the offset of
    its own first pass, when `loud` comes from measure_loudnorm), which limits the peaks (dynamic mode)."""
    if loud is None:
        return "anull"
    if not needs_limiting(loud):
        return f"volume={LOUDNESS_TARGET - loud['I']:.2f}dB"
    measured = {"measured_I": loud["I"], "measured_TP": loud["TP"], "measured_LRA": loud["LRA"],
                "measured_thresh": loud["thresh"]}
    if "offset" in loud:
        measured["offset"] = loud["offset"]
    return _loudnorm(loud, **measured, linear="true") + ",aresample=48000"


def encode_audio(job: Job, tmp: Path) -> Path:
    """Two-pass EBU R128 normalisation of the joined clips, silence under the cards, AAC: tmp/audio.m4a.

    Pass 1 measures with ebur128; when the peaks leave room for the gain (the usual case) pass 2 is that
    gain. Otherwise loudnorm's own two passes run (measure, then normalise with its figures and offset).
    First, each clip's sound is listened to: a stereo stream with a mic on one side only is made dual
    mono, and the streams a clip mixes are measured, to mix them at equal loudness."""
    edits = job.module.definition.edits
    for n, (path, start, duration) in enumerate(job.clips):
        job.sources[n] = resolve_sources(path, job.probes[path], edits[n].audio, start, duration, cwd=tmp)
        job.gains[n] = balance_gains(path, job.sources[n], start, duration, cwd=tmp)
    loud = measure_loudness(job, tmp)
    if needs_limiting(loud):
        loud = measure_loudnorm(job, tmp, loud)
    graph = _audio_graph(job)
    delay = round(CARD_SECONDS * 1000)
    graph.append(f"[acat]{normalise_filter(loud)},adelay=delays={delay}:all=1,apad=whole_dur={job.duration:.6f},"
                 f"atrim=duration={job.duration:.6f}[aout]")
    out = tmp / "audio.m4a"
    ffmpeg.run(["-y", *_audio_inputs(job), "-filter_complex", ";".join(graph), "-map", "[aout]",
                "-c:a", "aac", "-b:a", f"{job.plan.audio_kbps}k", "-ar", "48000", "-ac", str(job.audio_channels),
                str(out)], cwd=tmp,
               background=True)
    return out


def _x264(plan: Plan, fps: Fraction, preset: str, threads: int | None) -> list[str]:
    """Encoder settings shared by the body and the card clips: `stitchable` keeps the stream headers
    independent of the content, so the concat demuxer can join the parts without re-encoding."""
    args = ["-c:v", "libx264", "-preset", preset, "-pix_fmt", "yuv420p", "-profile:v", "high",
            "-x264-params", "stitchable=1", "-r", _fps_text(fps)]
    if threads:
        args += ["-threads", str(threads)]
    return args


def _fit(plan: Plan) -> str:
    w, h = plan.width, plan.height
    return f"scale={w}:{h}:force_original_aspect_ratio=decrease,pad={w}:{h}:(ow-iw)/2:(oh-ih)/2,setsar=1"


# HD video is BT.709 (what the footage's cameras write). The cards are converted from RGB with that matrix
# (swscale's default is BT.601, which shifts their colours against the footage), and every file says so:
# the H.264 stream's VUI (rewritten at the mux, whatever the encode wrote: FFmpeg's encoder takes the
# frames' unset primaries over `-color_primaries`) and the MP4's colr box, so players do not guess.
BT709 = "setparams=color_primaries=bt709:color_trc=bt709:colorspace=bt709:range=tv"
TO_BT709 = f"scale=out_color_matrix=bt709:out_range=tv,format=yuv420p,{BT709}"
BT709_VUI = ["-bsf:v", "h264_metadata=colour_primaries=1:transfer_characteristics=1:matrix_coefficients=1:"
                       "video_full_range_flag=0"]

_card_lock = threading.Lock()


def card_clip(png: Path, plan: Plan, fps: Fraction, preset: str) -> Path:
    """A card held for CARD_SECONDS with a fade in and out, encoded once (video only) and cached next to
    its image; the same encoder settings as the modules, so it joins them without re-encoding."""
    key = hashlib.sha256(json.dumps([png.name, plan.key(), _fps_text(fps), preset, RENDER_VERSION]).encode())
    path = png.with_name(f"{png.stem}-{key.hexdigest()[:12]}.mp4")
    if path.is_file():
        return path
    frames = max(1, round(CARD_SECONDS * float(fps)))
    fade = min(0.5, CARD_SECONDS / 4)
    graph = (f"[0:v]{_fit(plan)},{TO_BT709},loop=loop={frames - 1}:size=1:start=0,"
             f"setpts=N/({_fps_text(fps)})/TB,fade=t=in:st=0:d={fade},"
             f"fade=t=out:st={CARD_SECONDS - fade}:d={fade}[v]")
    rate = ["-crf", str(plan.crf)] if plan.crf is not None else ["-b:v", f"{plan.video_kbps}k"]
    with _card_lock:
        if not path.is_file():
            with atomic_path(path) as tmp:
                try:
                    ffmpeg.run(["-y", "-i", str(png), "-filter_complex", graph, "-map", "[v]",
                                *_x264(plan, fps, preset, None), *rate, "-frames:v", str(frames), "-an",
                                "-f", "mp4", str(tmp)], background=True)
                except ffmpeg.FFmpegFailed as exc:
                    raise PackagerError(f"could not encode a card:\n{exc.tail()}", path=png) from None
    return path


def _spoken(project: Project) -> str:
    """The programme's language (what is spoken), as MP4 streams are tagged: ISO 639-2."""
    return LANGUAGE_TAGS.get(project.source_language, project.source_language)


def build_mux_args(job: Job, output: str) -> list[str]:
    """Video and audio copied, soft subtitles (mov_text, fra/spa), chapters, faststart."""
    project = job.module.project
    parts = [job.opening, Path("video.mp4"), job.closing]
    (job.tmp / "parts.txt").write_text("".join(
        "file '{}'\n".format(str(p).replace("'", "'\\''")) for p in parts), encoding="utf-8")
    args = ["-y", "-f", "concat", "-safe", "0", "-i", "parts.txt", "-i", "audio.m4a"]
    maps = ["-map", "0:v", "-map", "1:a"]
    n = 2
    sub_index = 0
    for lang in project.languages:
        if lang in job.cues:
            args += ["-i", f"soft.{lang}.srt"]
            maps += ["-map", f"{n}:s", f"-metadata:s:s:{sub_index}", f"language={LANGUAGE_TAGS.get(lang, lang)}",
                     f"-metadata:s:s:{sub_index}", f"title={LANGUAGE_NAMES.get(lang, lang)}",
                     f"-disposition:s:{sub_index}", "0"]
            n += 1
            sub_index += 1
    args += ["-f", "ffmetadata", "-i", "chapters.ffmeta"]
    source = _spoken(project)
    return (args + maps + ["-c:v", "copy", *BT709_VUI, "-c:a", "copy", "-c:s", "mov_text",
                           "-metadata:s:v:0", f"language={source}", "-metadata:s:a:0", f"language={source}",
                           "-map_metadata", str(n), "-map_chapters", str(n), "-movflags", "+faststart",
                           "-f", "mp4", output])


# ---------------------------------------------------------------------------------------------- one module


def prepare_files(job: Job) -> None:
    """The job's temporary folder: the soft-track SRTs and the chapters."""
    module = job.module
    project = module.project
    languages = project.languages
    tmp = job.tmp
    for lang, cues in job.cues.items():
        (tmp / f"soft.{lang}.srt").write_text(format_srt(shift(cues, CARD_SECONDS)), encoding="utf-8")
    chapters = module_chapters(module, languages)
    spans = [(c["start"], (chapters[i + 1]["start"] if i + 1 < len(chapters) else job.duration),
              " / ".join(c["title"][lang] for lang in languages)) for i, c in enumerate(chapters)]
    write_ffmetadata(tmp / "chapters.ffmeta", " / ".join(module.title(lang) for lang in languages), spans)


def above_burned(job: Job) -> set[str]:
    """The languages whose soft tracks and sidecars are shown at the top of the picture when a person
    chooses them: every one but the language burned in at the bottom (none when nothing is burned)."""
    if job.burn is None:
        return set()
    return set(job.cues) - {job.module.project.target_language}


def _encode_module(job: Job, *, threads: int | None, preset: str, on_time, cache_path: Path) -> ModuleRender:
    module = job.module
    languages = module.project.languages
    started = time.monotonic()
    out_dir = job.out_dir
    name = job.name
    tmp = job.tmp
    assert job.states is not None
    job.burn = job.states.result()
    try:
        # the body as cached segments (segment_encode.py), joined into tmp/video.mp4
        body = encode_body(job, encoder=lambda n: _x264(job.plan, job.fps, preset, n), preset=preset,
                           cache_root=_segments_dir(module.project), version=RENDER_VERSION, threads=threads,
                           on_time=on_time)
        assert job.audio is not None and job.cards is not None
        job.audio.result()
        job.opening, job.closing = job.cards.result()
        final = out_dir / f"{name}.mp4"
        with atomic_path(final) as tmp_out:
            ffmpeg.run(build_mux_args(job, str(tmp_out)), cwd=tmp)
            tracks = [lang for lang in languages if lang in job.cues]  # the soft tracks, in mux order
            mp4boxes.settle_subtitle_tracks(tmp_out, top={n for n, lang in enumerate(tracks)
                                                          if lang in above_burned(job)},
                                            chapters_language=_spoken(module.project))
    except ffmpeg.FFmpegFailed as exc:
        raise PackagerError(f"module {module.id}: ffmpeg failed to render it:\n{exc.tail()}",
                            path=module.path, hint="check the footage clips this module names") from None
    produced = [f"{name}.mp4"]
    for lang, cues in job.cues.items():
        shifted = shift(cues, CARD_SECONDS)
        top = lang in above_burned(job)
        write_text(out_dir / f"{name}.{lang}.srt", format_srt(shifted, top=top))
        write_text(out_dir / f"{name}.{lang}.vtt", format_vtt(shifted, top=top))
        produced += [f"{name}.{lang}.srt", f"{name}.{lang}.vtt"]
    write_text(out_dir / f"{name}.chapters.json", json.dumps(
        {"duration": round(job.duration, 3), "chapters": module_chapters(module, languages)},
        ensure_ascii=False, indent=2) + "\n")
    produced.append(f"{name}.chapters.json")
    _readable(out_dir, produced)
    seconds = time.monotonic() - started
    entry = {"key": job.key, "outputs": _record(out_dir, produced), "duration": round(job.duration, 3),
             "subtitles": sorted(job.cues), "burned": job.burn is not None, "audio_channels": job.audio_channels,
             "options": [job.options.size, job.options.preset]}
    write_text(cache_path, json.dumps(entry, indent=1) + "\n")
    return ModuleRender(module.id, final, job.duration, True, seconds, body.reused, body.total)


# ---------------------------------------------------------------------------------------------- the project


def _documents_bytes(project: Project) -> int:
    docs = project.dist_dir / "documents"
    if not docs.is_dir():
        return 0
    return sum(p.stat().st_size for p in docs.rglob("*") if p.is_file())


def _clean_partials(out_dir: Path) -> None:
    """Temporary files a killed render left (named .<name>.XXXX.part.<ext>): never mistaken for outputs."""
    if out_dir.is_dir():
        for leftover in out_dir.glob(".*.part*"):
            with contextlib.suppress(OSError):
                leftover.unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: alive
        return True
    try:  # Linux: a killed process nobody has reaped yet is a zombie, not a running render
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _sweep(scratch: Path, max_age: float = 12 * 3600) -> None:
    """Working folders (named <module>-<pid>-XXXX) of renders that are no longer running (killed), or very old."""
    now = time.time()
    for folder in scratch.iterdir():
        match = re.search(r"-(\d+)-[^-]+$", folder.name)
        with contextlib.suppress(OSError):
            if (match and int(match.group(1)) != os.getpid() and not _alive(int(match.group(1)))) \
                    or now - folder.stat().st_mtime > max_age:
                shutil.rmtree(folder, ignore_errors=True)


def plan_for(project: Project, target: str, options: RenderOptions | None = None) -> Plan:
    options = options or RenderOptions()
    plan = plan_target(target, [(m.id, module_runtime(m)) for m in project.modules],
                       documents_bytes=_documents_bytes(project))
    if options.size:
        plan = replace(plan, width=options.size[0], height=options.size[1])
    return plan


def render_project(project: Project, target: str, module_ids=None, jobs: int | None = None,
                   console: Console | None = None, *, options: RenderOptions | None = None) -> RenderResult:
    """Render the named modules (all when None) for `target`, then the full programme and render.json.

    Unchanged modules are reused. Raises PackagerError (exit 2) on bad input, before any encode starts.
    """
    if target not in TARGETS:
        raise PackagerError(f"unknown target {target!r}", hint="use usb, dvd or cd")
    options = options or RenderOptions()
    console = console or Console(stderr=True, quiet=True)
    cores = os.cpu_count() or 1
    if project.is_sample:
        from ..sample import generate_sample_footage, planned_clips

        todo_clips = planned_clips(project)
        if todo_clips:
            console.print(f"render: generating {len(todo_clips)} sample footage clip(s)")
            generate_sample_footage(project, jobs=max(1, min(cores, 4)))
    plan = plan_for(project, target, options)
    out_dir = render_dir(project, target)
    out_dir.mkdir(parents=True, exist_ok=True)
    _clean_partials(out_dir)
    result = RenderResult(target=target, directory=out_dir, plan=plan)
    fps = Fraction(project.config.programme.frame_rate).limit_denominator(1001)
    selected = project.select(module_ids or [])

    # 1. What is already done (cheap: stats and hashes of small files), what must be rendered.
    todo: list[Job] = []
    probes: dict[Path, FootageProbe] = {}
    for module in selected:
        key = module_key(project, module, plan, options)
        entry = _read_cache(_cache_file(project, target, module.id))
        if entry.get("key") == key and _outputs_current(entry, out_dir):
            result.modules.append(ModuleRender(module.id, out_dir / f"{base_name(module)}.mp4",
                                               float(entry["duration"]), False))
            continue
        shared = _share_usb_render(project, module, plan, options, key, out_dir, console)
        if shared is not None:
            result.modules.append(shared)
            continue
        todo.append(Job(module=module, plan=plan, fps=fps, key=key, out_dir=out_dir, cues={}, probes=probes,
                        options=options))

    # 2. Check every input before encoding anything. Meanwhile the lower-thirds (which the video encodes
    #    overlay) are composed with moviepy in another thread: probing waits on ffmpeg, so composing them
    #    costs no time on the way to the first encode.
    #    The images of the burned-in subtitles are drawn (by ffmpeg processes) as soon as a module's
    #    cues are read, so they are ready when its encode starts.
    graphics_pool = ThreadPoolExecutor(max_workers=1)
    lower_thirds = graphics_pool.submit(_make_lower_thirds, project, plan, todo) if todo else None
    graphics_pool.shutdown(wait=False)
    states_pool = ThreadPoolExecutor(max_workers=1)
    problems: list[PackagerError] = []
    for job in todo:
        module = job.module
        try:
            for lang in project.languages:
                path = module.subtitle_path(lang)
                if path.is_file():
                    job.cues[lang] = read_srt(path)
                elif lang == project.source_language:
                    raise PackagerError(f"module {module.id}: source subtitles not found", path=path,
                                        hint="write the transcript, or fix the module's `subtitles` field")
                else:
                    warning = (f"module {module.id}: no {lang} subtitles ({path.relative_to(project.root)}): "
                               f"rendered without burned-in subtitles")
                    result.warnings.append(warning)
                    console.print(f"[yellow]warning:[/] {warning}")
            job.states = states_pool.submit(_draw_subtitles, job)  # needs only the cues: starts now
            check_inputs(job)
        except PackagerError as exc:
            # Nothing is written or removed: the outputs of an earlier render stay as render.json lists them.
            problems.append(exc)
    states_pool.shutdown(wait=bool(problems))  # never leave a thread drawing behind an error
    if lower_thirds is not None:
        if problems:
            with contextlib.suppress(Exception):
                lower_thirds.result()  # never leave a thread composing behind an error
        else:
            lower_thirds.result()
    if problems:
        raise problems[0] if len(problems) == 1 else CheckFailed(problems)

    # 3. Each module's audio starts in the background (other processes, lower priority); then the video
    #    encodes start, `jobs` at a time, and meanwhile the opening and closing cards are composed and
    #    encoded to short clips in the background (only the final mux needs them).
    if todo:
        jobs = max(1, min(jobs or min(2, cores), len(todo)))
        audio_pool = ThreadPoolExecutor(max_workers=jobs)
        card_pool = ThreadPoolExecutor(max_workers=1)
        try:
            scratch = project.cache_dir / "render-tmp"
            scratch.mkdir(parents=True, exist_ok=True)
            _sweep(scratch)
            for job in todo:  # in programme order, so each module's audio is ready when its video is
                job.tmp = Path(tempfile.mkdtemp(prefix=f"{job.name}-{os.getpid()}-", dir=scratch))
                prepare_files(job)
                job.audio = audio_pool.submit(cached_audio, job, job.tmp, encode_audio, version=RENDER_VERSION,
                                              cache_root=_segments_dir(project))
            for job in todo:
                job.cards = card_pool.submit(_make_cards, project, plan, job, options.preset)
            result.modules += _run_jobs(todo, jobs=jobs, cores=cores, options=options, console=console,
                                        cache=lambda m: _cache_file(project, target, m.id))
        finally:
            for job in todo:
                for future in (job.states, job.audio, job.cards):
                    if future is not None:
                        future.cancel()
            # After Ctrl-C, nothing waits for a card moviepy is still composing (it cannot be stopped, and
            # its children are already killed): the working folders go now, the CLI exits at once.
            waiting = not interrupt.interrupted.is_set()
            audio_pool.shutdown(wait=waiting)
            card_pool.shutdown(wait=waiting)
            for job in todo:
                if job.tmp is not None:
                    shutil.rmtree(job.tmp, ignore_errors=True)

    order = {m.id: m.order for m in project.modules}
    result.modules.sort(key=lambda r: order[r.module_id])

    # 4. The full programme and the manifest.
    _programme_and_manifest(project, target, plan, result, console, options)
    return result


def _share_usb_render(project: Project, module: Module, plan: Plan, options: RenderOptions, key: str,
                      out_dir: Path, console: Console) -> ModuleRender | None:
    """dvd or cd: the module's current usb render, taken as it is (hard-linked, else copied) instead of
    encoded again, when it fits this target's plan (the same frame size) and its share of the budget
    (its bytes no more than the plan's video and audio rates over its runtime allow)."""
    if plan.target == "usb" or plan.video_kbps is None:
        return None
    usb_plan = plan_for(project, "usb", options)
    usb_dir = render_dir(project, "usb")
    entry = _read_cache(_cache_file(project, "usb", module.id))
    if (usb_plan.width, usb_plan.height) != (plan.width, plan.height) or not entry \
            or entry.get("key") != module_key(project, module, usb_plan, options) \
            or not _outputs_current(entry, usb_dir):
        return None
    name = base_name(module)
    size = (usb_dir / f"{name}.mp4").stat().st_size
    runtime = module_runtime(module)
    allowed = (plan.video_kbps + plan.audio_kbps) * 1000 / 8 * runtime
    if size > allowed:
        return None
    started = time.monotonic()
    produced = list(entry["outputs"])
    for file_name in produced:
        with atomic_path(out_dir / file_name) as tmp:
            tmp.unlink()
            try:
                os.link(usb_dir / file_name, tmp)
            except OSError:
                shutil.copyfile(usb_dir / file_name, tmp)
    _readable(out_dir, produced)
    write_text(_cache_file(project, plan.target, module.id), json.dumps(
        dict(entry, key=key, outputs=_record(out_dir, produced), shared_from="usb"), indent=1) + "\n")
    console.print(f"render: {name}.mp4 taken from the usb render, not encoded again: it fits {plan.target}'s "
                  f"plan ({plan.width}×{plan.height}; {size * 8 / 1000 / runtime:.0f} kb/s within the "
                  f"{plan.video_kbps + plan.audio_kbps} kb/s of its budget)")
    return ModuleRender(module.id, out_dir / f"{name}.mp4", runtime, True, time.monotonic() - started,
                        shared_from="usb")


def _segments_dir(project: Project) -> Path:
    return project.cache_dir / "render-cache" / "segments"


def _cards_dir(project: Project) -> Path:
    return project.cache_dir / "render-cache" / "cards"


def _make_lower_thirds(project: Project, plan: Plan, todo: list[Job]) -> None:
    """The speakers' lower-thirds of every module to render (PNGs with alpha, composed once and cached)."""
    languages = project.languages
    for job in todo:
        module = job.module
        for speaker in sorted(module.definition.speakers, key=lambda s: s.first_appearance):
            if speaker.first_appearance < module.footage_seconds:
                png = lower_third(_cards_dir(project), width=plan.width, height=plan.height, name=speaker.name,
                                  roles={lang: speaker.role(lang) for lang in languages}, languages=languages)
                job.lower_thirds.append((png, speaker.first_appearance))


def _draw_subtitles(job: Job) -> BurnOverlay | None:
    """The images of the target-language subtitles to burn in (drawn once, cached; see burn.py)."""
    module = job.module
    target = module.project.target_language
    try:
        return cached_states(job.cues.get(target, []), until=module.footage_seconds, width=job.plan.width,
                             height=job.plan.height, cache_dir=module.project.cache_dir / "render-cache" / "subtitles",
                             name=job.name)  # on the footage timeline
    except ffmpeg.FFmpegFailed as exc:
        raise PackagerError(f"module {module.id}: libass could not draw the {target} subtitles:\n{exc.tail()}",
                            path=module.subtitle_path(target), hint="look for unusual characters or markup "
                            "in the cues (`packager qa` checks them)") from None


def _make_cards(project: Project, plan: Plan, job: Job, preset: str) -> tuple[Path, Path]:
    """A module's opening and closing cards: composed with moviepy (cached images), encoded to short clips
    (cached too; the closing card is the same for every module). Runs while the module's video encodes."""
    languages = project.languages
    programme_title = {lang: project.config.programme.title(lang) for lang in languages}
    credits = {lang: list(getattr(project.config.programme, f"credits_{lang}", [])) for lang in languages}
    module = job.module
    job.opening_png = opening_card(_cards_dir(project), width=plan.width, height=plan.height,
                                   programme=programme_title, module={lang: module.title(lang) for lang in languages},
                                   order=module.order, duration_text=_duration_text(job.duration),
                                   languages=languages)
    job.closing_png = closing_card(_cards_dir(project), width=plan.width, height=plan.height,
                                   programme=programme_title, credits=credits, languages=languages)
    return (card_clip(job.opening_png, plan, job.fps, preset), card_clip(job.closing_png, plan, job.fps, preset))


def _run_jobs(todo: list[Job], *, jobs: int, cores: int, options: RenderOptions, console: Console,
              cache) -> list[ModuleRender]:
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

    # Segments encode one per core at once across all modules (segment_encode.py); x264 threads per encode
    # are chosen there from the segments left to encode, unless the options fix them.
    threads = options.threads
    done: list[ModuleRender] = []
    errors: list[PackagerError] = []
    lock = threading.Lock()
    with Progress(TextColumn("render {task.description}"), BarColumn(), TaskProgressColumn(),
                  TimeRemainingColumn(), console=console, transient=True,
                  disable=not console.is_terminal) as progress:
        # a bar per module being encoded (the ones waiting for a free job are hidden until they start)
        tasks = {job.name: progress.add_task(job.name, total=job.duration, start=False, visible=False)
                 for job in todo}

        def work(job: Job) -> None:
            task = tasks[job.name]
            progress.start_task(task)
            progress.update(task, visible=True)

            def on_time(seconds: float, total: float) -> None:
                progress.update(task, completed=seconds, total=total)

            try:
                rendered = _encode_module(job, threads=threads, preset=options.preset, on_time=on_time,
                                          cache_path=cache(job.module))
            except PackagerError as exc:
                with lock:
                    errors.append(exc)
                progress.update(task, visible=False)
                return
            progress.update(task, completed=progress.tasks[task].total, visible=False)
            with lock:
                done.append(rendered)
            console.print(f"render: {job.name}.mp4  {rendered.duration:.1f} s of video in {rendered.seconds:.1f} s "
                          f"({rendered.realtime:.1f}× realtime; {rendered.segments_reused} of {rendered.segments} "
                          f"segments reused)")

        with ThreadPoolExecutor(max_workers=jobs) as pool:
            list(pool.map(work, todo))
    if errors:
        raise errors[0] if len(errors) == 1 else CheckFailed(errors)
    return done


def _programme_and_manifest(project: Project, target: str, plan: Plan, result: RenderResult,
                            console: Console, options: RenderOptions) -> None:
    out_dir = result.directory
    languages = project.languages
    entries: list[dict[str, Any]] = []
    complete = True
    for module in project.modules:
        entry = _read_cache(_cache_file(project, target, module.id))
        if not entry or not _outputs_current(entry, out_dir) or \
                entry.get("key") != module_key(project, module, plan, options):
            complete = False
            continue
        name = base_name(module)
        entries.append({
            "id": module.id, "order": module.order, "kind": module.kind,
            "title": {lang: module.title(lang) for lang in languages},
            "video": f"{name}.mp4", "duration": entry["duration"],
            "speakers": [{"name": {lang: s.name_in(lang) for lang in languages},
                          "role": {lang: s.role(lang) for lang in languages}}
                         for s in sorted(module.definition.speakers, key=lambda s: s.first_appearance)],
            "subtitles": {lang: {"srt": f"{name}.{lang}.srt", "vtt": f"{name}.{lang}.vtt"}
                          for lang in languages if lang in entry.get("subtitles", [])},
            "chapters": module_chapters(module, languages),
            # The language burned into the picture: the index must not draw it a second time.
            "burned": project.target_language if entry.get("burned") else None,
            "audio_channels": entry.get("audio_channels", 2),
        })
    runtime = round(sum(e["duration"] for e in entries), 3)
    result.runtime = runtime
    programme_name = None
    if complete and entries:
        programme_name = "programme.mp4" if plan.programme_copy else "programme.m3u"
        _write_programme(project, target, entries, out_dir / programme_name, console, audio_kbps=plan.audio_kbps)
        result.programme = out_dir / programme_name
        for stale in ("programme.mp4", "programme.m3u"):
            if stale != programme_name:
                with contextlib.suppress(OSError):
                    (out_dir / stale).unlink()
        wanted = project.config.programme.target_runtime_minutes * 60 * (project.time_scale / 60)
        scale = " (sample: 1 planned minute = {:g} s)".format(project.time_scale) if project.is_sample else ""
        cards = 2 * CARD_SECONDS * len(entries)
        console.print(f"render: programme {_clock(runtime)} ({_clock(runtime - cards)} of footage + "
                      f"{_clock(cards)} of cards) against a target of {_clock(wanted)}{scale}: "
                      f"{(runtime - wanted) / wanted:+.0%}")
    elif not complete:
        console.print("render: the full programme is made once every module is rendered for this target")
    manifest = {
        "target": target, "programme": programme_name, "runtime": runtime, "width": plan.width,
        "height": plan.height, "loudness": {"integrated_lufs": LOUDNESS_TARGET, "true_peak_dbtp": TRUE_PEAK},
        "modules": entries,
    }
    path = out_dir / "render.json"
    text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
    try:
        unchanged = path.read_text(encoding="utf-8") == text
    except OSError:
        unchanged = False
    if not unchanged:
        write_text(path, text)
        _readable(out_dir, [path.name])
    result.manifest = path


def _clock(seconds: float) -> str:
    seconds = round(seconds)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h} h {m:02d} min {s:02d} s" if h else f"{m} min {s:02d} s"


def _write_programme(project: Project, target: str, entries: list[dict[str, Any]], final: Path,
                     console: Console, *, audio_kbps: int) -> None:
    out_dir = final.parent
    languages = project.languages
    inputs = [[e["video"], *(_file_identity(out_dir / e["video"])[1:])] for e in entries]
    key = hashlib.sha256(json.dumps([RENDER_VERSION, __version__, final.name, inputs,
                                     [e["title"] for e in entries],
                                     project.config.programme.model_dump(mode="json")],
                                    ensure_ascii=False).encode()).hexdigest()
    cache_path = _cache_file(project, target, "programme")
    entry = _read_cache(cache_path)
    if entry.get("key") == key and _outputs_current(entry, out_dir):
        return
    titles = [" / ".join(f"{e['order']}. {e['title'][lang]}" for lang in languages) for e in entries]
    programme_title = " / ".join(project.config.programme.title(lang) for lang in languages)
    if final.suffix == ".m3u":
        lines = ["#EXTM3U", f"#PLAYLIST:{programme_title}"]
        for e, title in zip(entries, titles):
            lines += [f"#EXTINF:{round(e['duration'])},{title}", e["video"]]
        write_text(final, "\n".join(lines) + "\n")
    else:
        started = time.monotonic()
        project.cache_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="programme-", dir=project.cache_dir) as tmp_name:
            tmp = Path(tmp_name)
            (tmp / "list.txt").write_text("".join(
                "file '{}'\n".format(str(out_dir / e["video"]).replace("'", "'\\''")) for e in entries),
                encoding="utf-8")
            spans, t = [], 0.0
            for e, title in zip(entries, titles):
                spans.append((t, t + e["duration"], title))
                t += e["duration"]
            write_ffmetadata(tmp / "chapters.ffmeta", programme_title, spans)
            subtitle_tracks = all(len(e["subtitles"]) == len(languages) for e in entries)
            args = ["-y", "-f", "concat", "-safe", "0", "-i", "list.txt", "-f", "ffmetadata", "-i", "chapters.ffmeta"]
            mixed = len({e.get("audio_channels", 2) for e in entries}) > 1
            sound = "0:a"
            if mixed:
                # Mono modules and stereo ones: AAC streams of different channel counts cannot be joined
                # by copying, so the sound alone is joined by the concat filter and encoded (stereo) again.
                for e in entries:
                    args += ["-vn", "-sn", "-i", str(out_dir / e["video"])]
                graph = "".join(f"[{n + 2}:a]aformat=channel_layouts=stereo[a{n}];" for n in range(len(entries)))
                graph += "".join(f"[a{n}]" for n in range(len(entries))) + f"concat=n={len(entries)}:v=0:a=1[sound]"
                args += ["-filter_complex", graph]
                sound = "[sound]"
            maps = ["-map", "0:v", "-map", sound] + (["-map", "0:s"] if subtitle_tracks else [])
            with atomic_path(final) as tmp_out:
                try:
                    spoken = _spoken(project)
                    ffmpeg.run([*args, *maps, "-c", "copy",
                                *(["-c:a", "aac", "-b:a", f"{audio_kbps}k", "-ac", "2"] if mixed else []),
                                "-metadata:s:v:0", f"language={spoken}", "-metadata:s:a:0", f"language={spoken}",
                                "-map_metadata", "1", "-map_chapters", "1", "-movflags", "+faststart", "-f", "mp4",
                                str(tmp_out)], cwd=tmp)
                    # the muxer enables the first subtitle track again: disabled, placed, chapters tagged
                    burned = {e["burned"] for e in entries if e.get("burned")}
                    tracks = [lang for lang in languages if subtitle_tracks and lang in entries[0]["subtitles"]]
                    mp4boxes.settle_subtitle_tracks(tmp_out, top={n for n, lang in enumerate(tracks)
                                                                  if burned and lang not in burned},
                                                    chapters_language=spoken)
                except ffmpeg.FFmpegFailed as exc:
                    raise PackagerError(f"could not join the modules into the full programme:\n{exc.tail()}",
                                        path=final) from None
        how = "the sound re-encoded (mono and stereo modules)" if mixed else "without re-encoding"
        console.print(f"render: {final.name} joined {how} in {time.monotonic() - started:.1f} s")
    _readable(out_dir, [final.name])
    write_text(cache_path, json.dumps({"key": key, "outputs": _record(out_dir, [final.name])}) + "\n")

