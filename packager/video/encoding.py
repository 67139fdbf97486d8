"""The x264 settings shared by a module's body and the card clips (`stitchable`: the concat demuxer joins
them without re-encoding), the BT.709 colour tags every file carries, and the card clips' encode.
"""

from __future__ import annotations

import hashlib
import json
import threading
from fractions import Fraction
from pathlib import Path

from ..atomic import atomic_path
from ..errors import PackagerError
from . import ffmpeg
from .cards import CARD_SECONDS
from .footage_graph import BT709
from .job import RENDER_VERSION
from .targets import Plan


def _fps_text(fps: Fraction) -> str:
    return f"{fps.numerator}/{fps.denominator}"


def x264_args(plan: Plan, fps: Fraction, preset: str, threads: int | None) -> list[str]:
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
                                *x264_args(plan, fps, preset, None), *rate, "-frames:v", str(frames), "-an",
                                "-f", "mp4", str(tmp)], background=True)
                except ffmpeg.FFmpegFailed as exc:
                    raise PackagerError(f"could not encode a card:\n{exc.tail()}", path=png) from None
    return path
