"""The translator's proxy video: small, with the French subtitles and a running timecode burned in.

Made from the module's edit list (the edits cut and joined, scaled to 360 lines), on the footage
timeline the subtitles use, so the timecode in the picture is the cue's time in the review files.
Each burned subtitle starts with its cue number ("[37] …"): a translator finds cue 37 at 00:12:41.
Low bitrate (about 150 kb/s video + 48 kb/s mono audio: a 20-minute module is about 30 MB).
"""

from __future__ import annotations

import shutil
import tempfile
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from ..atomic import atomic_path
from ..errors import PackagerError

if TYPE_CHECKING:
    from ..project import Module, Project

PROXY_HEIGHT = 360
VIDEO_KBPS = 150
AUDIO_KBPS = 48


def ensure_footage(project: Project, module: Module) -> None:
    """The module's footage exists: generated for a sample project, an error naming the file otherwise."""
    missing = [e for e in module.definition.edits if not module.footage_path(e).exists()]
    if not missing:
        return
    if project.is_sample:
        from ..sample import make_clip, planned_clips

        wanted = {module.footage_path(e) for e in missing}
        for clip in planned_clips(project):
            if clip.path in wanted:
                make_clip(clip, project.config.programme.frame_rate)
        return
    edit = missing[0]
    raise PackagerError(f"footage of module {module.id!r} is missing", path=module.footage_path(edit),
                        hint="add the footage file or fix the module's edit list (packager check)")


def make_proxy(project: Project, module: Module, output: Path, *, preset: str = "veryfast",
               height: int = PROXY_HEIGHT) -> Path:
    """Encode the proxy of one module to `output` (atomically)."""
    from ..fonts import font_file
    from ..subtitles.cues import read_srt
    from ..video import ffmpeg
    from ..video.burn import draw_states
    from ..video.footage_graph import audio_sources, clip_audio, video_chain
    from ..video.encoding import BT709
    from ..video.mux import LANGUAGE_TAGS
    from ..video.probe import probe_footage

    ensure_footage(project, module)
    fps = project.config.programme.frame_rate
    rate = Fraction(fps).limit_denominator(1001)
    width = round(height * 16 / 9 / 2) * 2
    cues = read_srt(module.subtitle_path(project.source_language))
    spoken = LANGUAGE_TAGS.get(project.source_language, project.source_language)
    numbered = [c.with_text(f"[{n}] {c.text}") for n, c in enumerate(cues, start=1)]
    with tempfile.TemporaryDirectory(prefix="packager-proxy-") as tmp_name:
        tmp = Path(tmp_name)
        (tmp / "fonts").mkdir()
        shutil.copy(font_file(), tmp / "fonts" / "DejaVuSans.ttf")
        args: list[str] = ["-y"]
        graph: list[str] = []
        labels: list[str] = []
        n_input = 0
        for n, edit in enumerate(module.definition.edits):
            path = module.footage_path(edit)
            info = probe_footage(path, project.cache_dir)
            args += ["-ss", f"{edit.in_:.6f}", "-t", f"{edit.duration:.6f}", "-i", str(path)]
            video_input = n_input
            n_input += 1
            # the same picture and sound as the render's (display aspect, deinterlaced, every stream heard)
            graph.append(f"[{video_input}:v]{video_chain(info, width=width, height=height, fps=rate)},"
                         f"trim=duration={edit.duration:.6f},setpts=PTS-STARTPTS[v{n}]")
            graph += clip_audio(video_input, audio_sources(edit.audio, info), edit.duration, f"a{n}")
            labels.append(f"[v{n}][a{n}]")
        graph.append(f"{''.join(labels)}concat=n={len(labels)}:v=1:a=1[vcat][acat]")
        size = max(12, height // 20)
        # The numbered cues, drawn by libass once per cue and overlaid (see video/burn.py).
        burn = draw_states(numbered, until=module.footage_seconds, width=width, height=height, folder=tmp)
        if burn is None:
            graph.append("[vcat]null[vsub]")
        else:
            args += burn.input_args()
            graph.append(burn.overlay_filter("vcat", f"{n_input}:v", "vsub"))
        graph.append(f"[vsub]drawtext=fontfile=fonts/DejaVuSans.ttf:text='%{{pts\\:hms}}':fontsize={size}:"
                     f"fontcolor=white:box=1:boxcolor=black@0.75:boxborderw={size // 3}:x={size // 2}:y={size // 2},"
                     f"{BT709}[vout]")
        args += ["-filter_complex", ";".join(graph), "-map", "[vout]", "-map", "[acat]",
                 "-c:v", "libx264", "-preset", preset, "-b:v", f"{VIDEO_KBPS}k", "-maxrate", f"{VIDEO_KBPS * 3 // 2}k",
                 "-bufsize", f"{VIDEO_KBPS * 2}k", "-profile:v", "main", "-pix_fmt", "yuv420p",
                 "-g", str(round(fps * 2)), "-c:a", "aac", "-b:a", f"{AUDIO_KBPS}k", "-ac", "1",
                 # what a player lists: the language spoken, for the picture and the sound
                 "-metadata:s:v:0", f"language={spoken}", "-metadata:s:a:0", f"language={spoken}",
                 "-movflags", "+faststart"]
        with atomic_path(output) as tmp_out:
            try:
                ffmpeg.run([*args, "-f", "mp4", str(tmp_out)], cwd=tmp)
            except ffmpeg.FFmpegFailed as exc:
                raise PackagerError(f"ffmpeg could not make the proxy of {module.id}:\n{exc.tail()}",
                                    path=output) from None
    return output
