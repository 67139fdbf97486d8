"""The ffmpeg that imageio-ffmpeg ships: where it is, how to run it with progress, a loudness meter.

What a footage file holds is read as data with PyAV, not from this binary's log: see probe.py.
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
