"""A module's final mux: the cards, the body and the audio copied into one MP4, with the soft subtitle
tracks (mov_text, fra/spa), the chapters (ffmetadata: the module's title, then its outline sections) and
faststart; the languages' MP4 tags and names.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..project import Module, Project
from ..subtitles.cues import format_srt, shift
from .cards import CARD_SECONDS
from .encoding import BT709_VUI

if TYPE_CHECKING:
    from .job import Job

LANGUAGE_TAGS = {"fr": "fra", "es": "spa", "en": "eng"}
LANGUAGE_NAMES = {"fr": "Français", "es": "Español", "en": "English"}


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


def spoken_language(project: Project) -> str:
    """The programme's language (what is spoken), as MP4 streams are tagged: ISO 639-2."""
    return LANGUAGE_TAGS.get(project.source_language, project.source_language)


def build_mux_args(job: Job, body: list[Path], output: str) -> list[str]:
    """Video and audio copied (the opening card, the body's segments, the closing card: one concat list, so
    the body is copied once), soft subtitles (mov_text, fra/spa), chapters, faststart."""
    project = job.module.project
    parts = [job.opening, *body, job.closing]
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
    source = spoken_language(project)
    return (args + maps + ["-c:v", "copy", *BT709_VUI, "-c:a", "copy", "-c:s", "mov_text",
                           "-metadata:s:v:0", f"language={source}", "-metadata:s:a:0", f"language={source}",
                           "-map_metadata", str(n), "-map_chapters", str(n), "-movflags", "+faststart",
                           "-f", "mp4", output])


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
