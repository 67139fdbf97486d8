"""The ffmpeg that imageio-ffmpeg ships: where it is, how to probe a file with it, how to run it with progress.

imageio-ffmpeg ships ffmpeg but no ffprobe, so `probe` reads the stream header that `ffmpeg -i` prints
and reads every packet once with `-c copy -f null` (no decoding: a 2-hour file takes a second or two).
Reading the packets is what finds a truncated file: its header still claims the full duration, but the
packets stop early and ffmpeg says "partial file" or "corrupt input packet".
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg

from .. import interrupt
from ..errors import PackagerError


_exe_lock = threading.Lock()
_exe: str | None = None


def ffmpeg_exe() -> str:
    """imageio-ffmpeg's binary, looked up once per process. Its lookup runs `ffmpeg -version` and
    remembers a failure for good, and that run once failed on a heavily loaded machine: so the
    lookup is made by one thread at a time, and tried three times before giving up."""
    global _exe
    if _exe is not None:
        return _exe
    with _exe_lock:
        for attempt in range(3):
            if _exe is not None:
                break
            try:
                _exe = imageio_ffmpeg.get_ffmpeg_exe()
            except RuntimeError as exc:
                if attempt == 2:  # pragma: no cover - only on a broken install
                    raise PackagerError(f"ffmpeg not found: {exc}", hint="reinstall packager (it depends on "
                                        "imageio-ffmpeg, which ships ffmpeg)") from None
                forget = getattr(getattr(imageio_ffmpeg, "_utils", None), "_get_ffmpeg_exe", None)
                if hasattr(forget, "cache_clear"):
                    forget.cache_clear()
                time.sleep(0.5)
    assert _exe is not None
    return _exe


def filter_path(path: Path | str) -> str:
    """A path quoted for an ffmpeg filter option value (':' '\\' and "'" are special there)."""
    return str(path).replace("\\", "/").replace(":", "\\:").replace("'", "\\'")


@dataclass(frozen=True)
class MediaInfo:
    path: Path
    duration: float  # seconds of packets actually present (not what the header claims)
    header_duration: float | None
    width: int | None
    height: int | None
    fps: float | None
    has_video: bool
    has_audio: bool
    problems: tuple[str, ...] = ()  # "partial file", "corrupt packet", ... (a truncated or damaged file)
    audio_channels: int | None = None  # of the first audio stream

    @property
    def truncated(self) -> bool:
        if self.problems:
            return True
        return self.header_duration is not None and self.duration < self.header_duration - 0.5


_DURATION = re.compile(r"Duration: (\d+):(\d+):(\d+(?:\.\d+)?)")
_VIDEO = re.compile(r"Stream #\d+:\d+.*?: Video: .*?(\d{2,5})x(\d{2,5})")
_FPS = re.compile(r"(\d+(?:\.\d+)?) fps")
_AUDIO_LAYOUT = re.compile(r"Stream #\d+:\d+.*?: Audio: [^\n]*?, \d+ Hz, ([^,\n]+)")
_LAYOUT_CHANNELS = {"mono": 1, "stereo": 2, "2.1": 3, "quad": 4, "5.0": 5, "5.1": 6, "6.1": 7, "7.1": 8}
_TIME = re.compile(r"time=(-?\d+):(\d+):(\d+(?:\.\d+)?)")
_DAMAGE = ("partial file", "corrupt input packet", "Packet corrupt", "Invalid data found", "moov atom not found",
           "error reading header", "Truncating packet")


def _seconds(h: str, m: str, s: str) -> float:
    return int(h) * 3600 + int(m) * 60 + float(s)


def probe(path: Path) -> MediaInfo:
    """What a footage file holds, read without decoding. Raises PackagerError when it is not media at all."""
    path = Path(path)
    if not path.is_file():
        raise PackagerError("footage file not found", path=path)
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path), "-map", "0:v?", "-map", "0:a?",
           "-c", "copy", "-f", "null", "-"]
    with interrupt.child(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                         errors="replace") as process:
        _, log = process.communicate()
    header = log.split("Press [q]")[0] if "Press [q]" in log else log
    if process.returncode != 0 and "Input #0" not in log:
        reason = next((line.strip() for line in reversed(log.splitlines()) if line.strip()), "unknown error")
        raise PackagerError(f"cannot read the footage file: {reason.split(': ', 1)[-1]}", path=path)
    match = _DURATION.search(header)
    header_duration = _seconds(*match.groups()) if match else None
    video = _VIDEO.search(header)
    fps = None
    if video:
        video_line = next(line for line in header.splitlines() if "Video:" in line)
        fps_match = _FPS.search(video_line)
        fps = float(fps_match.group(1)) if fps_match else None
    times = _TIME.findall(log)
    duration = _seconds(*times[-1]) if times else 0.0
    problems = tuple(sorted({d for d in _DAMAGE if d in log}))
    return MediaInfo(audio_channels=_channels(header), path=path, duration=duration, header_duration=header_duration,
                     width=int(video.group(1)) if video else None, height=int(video.group(2)) if video else None,
                     fps=fps, has_video=bool(video), has_audio=bool(re.search(r"Stream #\d+:\d+.*?: Audio:", header)),
                     problems=problems)


def _channels(header: str) -> int | None:
    match = _AUDIO_LAYOUT.search(header)
    if not match:
        return None
    layout = match.group(1).strip()
    count = re.match(r"(\d+) channels", layout)
    return int(count.group(1)) if count else _LAYOUT_CHANNELS.get(layout.split("(")[0], 2)


class FFmpegFailed(Exception):
    def __init__(self, returncode: int, log: str):
        self.returncode = returncode
        self.log = log
        super().__init__(f"ffmpeg exited with {returncode}")

    def tail(self, lines: int = 6) -> str:
        kept = [line for line in self.log.splitlines() if line.strip() and not line.startswith(("frame=", "size="))]
        return "\n".join(kept[-lines:])


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    """Linux: the encoder gets SIGKILL when the thread that started it dies, so a render killed with
    `kill -9` does not leave ffmpeg processes encoding on."""
    if _PRCTL is not None:
        _PRCTL(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _lower_priority() -> None:  # pragma: no cover - runs in the child
    _die_with_parent()
    os.nice(10)


def _load_prctl():
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


_PRCTL = _load_prctl()


def run(args: list[str], *, cwd: Path | None = None, on_time: Callable[[float], None] | None = None,
        background: bool = False) -> str:
    """Run ffmpeg with `args` (without the binary). Calls `on_time(seconds encoded)` from `-progress`.

    `background`: a lower CPU priority (nice 10), for light work that runs beside a video encode: it
    fills the cores x264 leaves idle instead of preempting x264's threads.

    Returns ffmpeg's log (stderr). Raises FFmpegFailed with the log when ffmpeg fails, and
    interrupt.Interrupted when the run was interrupted (ffmpeg was killed: not a fault of its input).
    """
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-nostats", "-progress", "pipe:1", *args]
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as err:
        if background and hasattr(os, "nice"):
            setup = _lower_priority
        else:
            setup = _die_with_parent if _PRCTL is not None else None
        with interrupt.child(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=err, text=True, errors="replace",
                             preexec_fn=setup) as process:
            assert process.stdout is not None
            for line in process.stdout:
                if on_time and line.startswith("out_time_us="):
                    value = line.split("=", 1)[1].strip()
                    if value.lstrip("-").isdigit():
                        on_time(max(0, int(value)) / 1e6)
            returncode = process.wait()
        err.seek(0)
        log = err.read()
    if returncode != 0:
        raise FFmpegFailed(returncode, log)
    return log


def loudness(path: Path) -> dict[str, float]:
    """EBU R128 figures of a file's audio (integrated I in LUFS, LRA in LU, true peak in dBTP); mono
    measured as played, on both speakers (dual mono)."""
    result = subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path), "-vn", "-sn",
                             "-af", "ebur128=peak=true:dualmono=true", "-f", "null", "-"], capture_output=True,
                            text=True, errors="replace")
    summary = result.stderr.rsplit("Summary:", 1)[-1]
    out: dict[str, float] = {}
    for key, pattern in (("I", r"I:\s+(-?[\d.]+|-inf) LUFS"), ("LRA", r"LRA:\s+(-?[\d.]+) LU"),
                         ("peak", r"Peak:\s+(-?[\d.]+|-inf) dBFS")):
        match = re.search(pattern, summary)
        if match:
            out[key] = float(match.group(1))
    return out
