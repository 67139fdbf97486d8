"""The render's model: the options, one module's job (everything its encode needs, gathered and checked
before any encode starts), what a render produced, and the plan of a target for a project.

Shared by every part of the render (render.py runs it; audio.py, mux.py, render_cache.py, programme.py
work on it), so none of them imports render.py.
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path

from ..project import Module, Project
from ..subtitles.cues import Cue
from .burn import BurnOverlay
from .cards import CARD_SECONDS
from .footage_graph import Source
from .probe import FootageProbe
from .targets import Plan, plan_target

RENDER_VERSION = 9  # bump when the output of the same inputs changes


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


def _documents_bytes(project: Project) -> int:
    docs = project.dist_dir / "documents"
    if not docs.is_dir():
        return 0
    return sum(p.stat().st_size for p in docs.rglob("*") if p.is_file())


def plan_for(project: Project, target: str, options: RenderOptions | None = None) -> Plan:
    options = options or RenderOptions()
    plan = plan_target(target, [(m.id, module_runtime(m)) for m in project.modules],
                       documents_bytes=_documents_bytes(project))
    if options.size:
        plan = replace(plan, width=options.size[0], height=options.size[1])
    return plan
