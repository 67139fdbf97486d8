"""A module's speech, cut from the footage by ffmpeg as 16 kHz mono samples (what Whisper takes)."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..errors import PackagerError
from ..video.ffmpeg import ffmpeg_exe
from .engine import SAMPLE_RATE


@dataclass(frozen=True)
class Span:
    """A piece of the module's timeline to transcribe, and where it comes from in its footage file."""

    start: float  # on the module's timeline
    end: float
    source: Path
    source_in: float  # the same instant in the footage file

    @property
    def duration(self) -> float:
        return self.end - self.start


def timeline_spans(module, windows: list[tuple[float, float]]) -> list[Span]:
    """The parts of the module's edits (on its timeline: edits laid end to end) inside `windows`."""
    spans = []
    offset = 0.0
    for edit in module.definition.edits:
        edit_start, edit_end = offset, offset + edit.duration
        for lo, hi in windows:
            start, end = max(lo, edit_start), min(hi, edit_end)
            if end - start > 0.05:
                spans.append(Span(start=start, end=end, source=module.footage_path(edit),
                                  source_in=edit.in_ + (start - edit_start)))
        offset = edit_end
    return spans


def edit_points(module) -> list[float]:
    """Where one edit ends and the next begins, on the module's timeline."""
    points, offset = [], 0.0
    for edit in module.definition.edits[:-1]:
        offset += edit.duration
        points.append(offset)
    return points


def read_span(span: Span):
    """The span's sound as float32 samples at 16 kHz, mono (numpy)."""
    import numpy as np

    if not span.source.is_file():
        raise PackagerError("footage file not found", path=span.source,
                            hint="put the file there, or for a sample project run `packager footage`")
    cmd = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin",
           "-ss", f"{span.source_in:.3f}", "-t", f"{span.duration:.3f}", "-i", str(span.source),
           "-vn", "-ac", "1", "-ar", str(SAMPLE_RATE), "-f", "s16le", "-acodec", "pcm_s16le", "-"]
    result = subprocess.run(cmd, capture_output=True)
    if result.returncode != 0:
        raise PackagerError(f"ffmpeg could not read the sound: {result.stderr.decode(errors='replace').strip()[-300:]}",
                            path=span.source, hint="check that the file plays, and that it has a sound track")
    return np.frombuffer(result.stdout, dtype=np.int16).astype(np.float32) / 32768.0
