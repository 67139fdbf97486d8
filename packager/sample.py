"""Synthetic footage for sample projects: a colour slate with the module title and a tone, made by ffmpeg.

The real video does not exist yet; a project whose packager.toml says `[sample] enabled = true`
gets every missing footage file generated here, in the cache, long enough for its edit points.
"""

from __future__ import annotations

import colorsys
import hashlib
import subprocess
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg

from . import interrupt
from .atomic import atomic_path
from .errors import PackagerError
from .fonts import font_file
from .project import Module, Project


@dataclass(frozen=True)
class SampleClip:
    path: Path
    seconds: float
    title: str
    caption: str
    colour: str
    tone_hz: int


def planned_clips(project: Project) -> list[SampleClip]:
    """One clip per missing footage file, as long as its furthest out point plus a second."""
    longest: dict[Path, float] = {}
    owner: dict[Path, tuple[Module, str]] = {}
    for module, edit in project.missing_footage():
        path = module.footage_path(edit)
        longest[path] = max(longest.get(path, 0.0), edit.out + 1.0)
        owner.setdefault(path, (module, edit.source))
    clips = []
    for path, seconds in longest.items():
        module, source = owner[path]
        digest = hashlib.sha256(module.id.encode()).digest()
        r, g, b = colorsys.hsv_to_rgb(digest[0] / 255, 0.55, 0.45)
        clips.append(SampleClip(
            path=path, seconds=seconds,
            title=f"{module.order}. {module.title(project.source_language)}",
            caption=f"{module.title(project.target_language)}\n{Path(source).name} — vidéo d'exemple / video de ejemplo",
            colour=f"0x{int(r * 255):02x}{int(g * 255):02x}{int(b * 255):02x}",
            tone_hz=220 + digest[1] * 2,
        ))
    return clips


def make_clip(clip: SampleClip, fps: float) -> None:
    """Encode one slate with ffmpeg (fast preset: it is placeholder footage)."""
    with tempfile.TemporaryDirectory() as tmp:
        title_file = Path(tmp) / "title.txt"
        caption_file = Path(tmp) / "caption.txt"
        title_file.write_text(clip.title, encoding="utf-8")
        caption_file.write_text(clip.caption, encoding="utf-8")
        font = _filter_path(font_file(bold=True))
        regular = _filter_path(font_file())
        video = (
            f"color=c={clip.colour}:s=1280x720:r={fps:g}:d={clip.seconds:.3f},"
            f"drawtext=fontfile='{font}':textfile='{_filter_path(title_file)}':fontsize=44:fontcolor=white:"
            "x=(w-text_w)/2:y=h/2-120,"
            f"drawtext=fontfile='{regular}':textfile='{_filter_path(caption_file)}':fontsize=30:fontcolor=white@0.85:"
            "x=(w-text_w)/2:y=h/2,"
            f"drawtext=fontfile='{regular}':text='%{{pts\\:hms}}':fontsize=26:fontcolor=white@0.7:x=40:y=h-60"
        )
        audio = f"sine=frequency={clip.tone_hz}:sample_rate=48000:duration={clip.seconds:.3f},volume=0.3"
        with atomic_path(clip.path) as tmp_out:
            cmd = [
                imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
                "-f", "lavfi", "-i", video, "-f", "lavfi", "-i", audio,
                "-c:v", "libx264", "-preset", "ultrafast", "-crf", "30", "-pix_fmt", "yuv420p",
                "-c:a", "aac", "-b:a", "96k", "-shortest", "-movflags", "+faststart", str(tmp_out),
            ]
            with interrupt.child(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as process:
                _, stderr = process.communicate()
            if process.returncode != 0:
                raise PackagerError(f"ffmpeg could not make sample footage: {stderr.strip()[-500:]}",
                                    path=clip.path)


def _filter_path(path: Path) -> str:
    """A path quoted for an ffmpeg filter argument (':' and '\\' and "'" are special there)."""
    return str(path).replace("\\", "/").replace(":", "\\:").replace("'", "\\'")


def generate_sample_footage(project: Project, *, jobs: int = 2,
                            on_done: Callable[[SampleClip], None] | None = None) -> list[SampleClip]:
    """Make every missing footage file of a sample project. Returns what was made (nothing if complete)."""
    if not project.is_sample:
        return []
    clips = planned_clips(project)
    fps = project.config.programme.frame_rate
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for clip in pool.map(lambda c: (make_clip(c, fps), c)[1], clips):
            if on_done:
                on_done(clip)
    return clips
