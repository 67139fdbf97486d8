"""Planning a render for a medium: resolution, rate control and the byte budget.

- usb: 1280×720, constant quality (x264 CRF), the full programme as a second file.
- dvd: the modules, the full programme (a second copy of the same video) and the documents must fit a
  DVD-5 (4,700,000,000 bytes) with a margin: a two-pass average bit rate is computed from the runtime.
- cd:  the modules and the documents must fit a CD-R (737,280,000 bytes) with a margin; the full
  programme is a playlist (M3U) of the module files, not a second copy. The resolution is lowered as the
  bit rate requires; below the minimum quality (360p at MIN_VIDEO_KBPS) the render is refused with what
  fits and what would have to go.

The plan depends on the whole programme's runtime (not on the modules named on the command line), so
rendering one module gives the same settings as rendering all nine.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..bundle.capacity import CD_R, DVD_5, MEDIA
from ..errors import PackagerError

TARGETS = ("usb", "dvd", "cd")  # the media, in the order the command line offers them

BUDGETS = {"dvd": DVD_5, "cd": CD_R}  # its own dict: tests shrink the render's budget, not the bundle's

MARGIN = 0.05  # of the budget: two-pass rate control error, container overhead, ISO structures, the index page
DOCUMENTS_ALLOWANCE = {"dvd": 100_000_000, "cd": 40_000_000}  # bytes kept for the documents (or their real size)
AUDIO_KBPS = {"usb": 128, "dvd": 128, "cd": 96}
USB_CRF = 23
MAX_VIDEO_KBPS = 4000  # above this a disc gains nothing visible at 720p
MIN_VIDEO_KBPS = 300  # the minimum quality: 360p below this is not watchable

# (width, height, lowest video kb/s at which this size still looks better than the next one down)
LADDER = ((1280, 720, 1800), (1024, 576, 1100), (854, 480, 650), (640, 360, MIN_VIDEO_KBPS))


@dataclass(frozen=True)
class Plan:
    target: str
    width: int
    height: int
    crf: int | None  # constant quality (usb)
    video_kbps: int | None  # two-pass average bit rate (dvd, cd)
    audio_kbps: int
    budget: int | None  # bytes of the medium (None for usb)
    programme_copy: bool  # True: programme.mp4 is a second copy; False: programme.m3u playlist
    runtime: float  # seconds of video the plan was made for

    @property
    def two_pass(self) -> bool:
        return self.video_kbps is not None

    def describe(self) -> str:
        rate = f"CRF {self.crf}" if self.crf is not None else f"{self.video_kbps} kb/s two-pass"
        text = f"{self.width}×{self.height}, {rate}, AAC {self.audio_kbps} kb/s"
        if self.budget:
            text += f", for {MEDIA[self.target]} ({self.budget:,} bytes)"
        return text

    def key(self) -> dict:
        return {"target": self.target, "width": self.width, "height": self.height, "crf": self.crf,
                "video_kbps": self.video_kbps, "audio_kbps": self.audio_kbps}


def _clock(seconds: float) -> str:
    minutes = round(seconds / 60)
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"


def plan_target(target: str, runtimes: list[tuple[str, float]], *, documents_bytes: int = 0) -> Plan:
    """The settings for `target` given each module's (id, seconds of rendered video), in programme order.

    Raises PackagerError (exit 2) when the medium cannot hold the programme at the minimum quality.
    """
    if target not in TARGETS:
        raise PackagerError(f"unknown target {target!r}", hint="use usb, dvd or cd")
    runtime = sum(seconds for _, seconds in runtimes)
    audio = AUDIO_KBPS[target]
    if target == "usb":
        return Plan(target, 1280, 720, USB_CRF, None, audio, None, True, runtime)
    budget = BUDGETS[target]
    copies = 2 if target == "dvd" else 1
    documents = max(documents_bytes, DOCUMENTS_ALLOWANCE[target])
    usable = budget * (1 - MARGIN) - documents
    total_kbps = usable * 8 / 1000 / (copies * max(runtime, 1.0))
    video_kbps = int(total_kbps - audio)
    if video_kbps < MIN_VIDEO_KBPS:
        # What fits at the minimum quality, and which modules (from the end) would have to go.
        per_second = (MIN_VIDEO_KBPS + audio) * 1000 / 8 * copies
        fits_seconds = max(0.0, usable / per_second)
        kept, dropped, total = [], [], 0.0
        for module_id, seconds in runtimes:
            if total + seconds <= fits_seconds and not dropped:
                kept.append(module_id)
                total += seconds
            else:
                dropped.append(module_id)
        what = "the modules" + (" and the full programme (a second copy)" if copies == 2 else "")
        raise PackagerError(
            f"{what} ({_clock(runtime)} of video) do not fit a {MEDIA[target]} ({budget:,} bytes) even at the "
            f"minimum quality (640×360, {MIN_VIDEO_KBPS} kb/s video + {audio} kb/s audio): that would leave "
            f"{max(video_kbps, 0)} kb/s for the video. At the minimum quality {_clock(fits_seconds)} fit"
            + (f" (modules {', '.join(kept)})" if kept else "")
            + (f"; to fit, these would have to go: {', '.join(dropped)}" if dropped else ""),
            hint="use --target dvd or --target usb, or split the programme over several discs")
    video_kbps = min(video_kbps, MAX_VIDEO_KBPS)
    width, height = next((w, h) for w, h, minimum in LADDER if video_kbps >= minimum)
    return Plan(target, width, height, None, video_kbps, audio, budget, copies == 2, runtime)
