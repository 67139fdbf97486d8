"""The whole programme of a target: render.json (the manifest of the current modules) and, once every
module is rendered, programme.mp4 (the modules joined by the concat demuxer, no second encode, a chapter
per module) or programme.m3u (cd).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from rich.console import Console

from .. import __version__
from ..atomic import atomic_path, write_text
from ..errors import PackagerError
from ..project import Project
from ..timecode import format_runtime
from . import ffmpeg, mp4boxes
from .audio import LOUDNESS_TARGET, TRUE_PEAK
from .cards import CARD_SECONDS
from .job import RENDER_VERSION, RenderOptions, RenderResult, base_name
from .mux import spoken_language, module_chapters, write_ffmetadata
from .render_cache import (cache_file, file_identity, make_readable, module_key, output_record, outputs_current,
                           read_cache_entry)
from .targets import Plan


def programme_and_manifest(project: Project, target: str, plan: Plan, result: RenderResult,
                            console: Console, options: RenderOptions) -> None:
    out_dir = result.directory
    languages = project.languages
    entries: list[dict[str, Any]] = []
    complete = True
    for module in project.modules:
        entry = read_cache_entry(cache_file(project, target, module.id))
        if not entry or not outputs_current(entry, out_dir) or \
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
        console.print(f"render: programme {format_runtime(runtime)} ({format_runtime(runtime - cards)} of footage + "
                      f"{format_runtime(cards)} of cards) against a target of {format_runtime(wanted)}{scale}: "
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
        make_readable(out_dir, [path.name])
    result.manifest = path


def _write_programme(project: Project, target: str, entries: list[dict[str, Any]], final: Path,
                     console: Console, *, audio_kbps: int) -> None:
    out_dir = final.parent
    languages = project.languages
    inputs = [[e["video"], *(file_identity(out_dir / e["video"])[1:])] for e in entries]
    key = hashlib.sha256(json.dumps([RENDER_VERSION, __version__, final.name, inputs,
                                     [e["title"] for e in entries],
                                     project.config.programme.model_dump(mode="json")],
                                    ensure_ascii=False).encode()).hexdigest()
    cache_path = cache_file(project, target, "programme")
    entry = read_cache_entry(cache_path)
    if entry.get("key") == key and outputs_current(entry, out_dir):
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
                    spoken = spoken_language(project)
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
    make_readable(out_dir, [final.name])
    write_text(cache_path, json.dumps({"key": key, "outputs": output_record(out_dir, [final.name])}) + "\n")
