"""What every printed document shares: its writer, its cover, its titles and how it names the languages.

The workbook, the booklet, the synthesis and the guide (one module each) are all written with a
`DocWriter` made by `project_writer` and open with `cover`; each builder returns the writer (ready to
save) and a list of notes about what is missing (shown by `docs` and kept in the manifest for `status`).
Bilingual labels are written "français · español" with `pair`.
"""

from __future__ import annotations

from ..project import Project
from ..timecode import format_timecode
from .docx import DocWriter

FR, ES = "fr", "es"

# The project's pair is data (fr→es for the sample, es→fr for a partner's video): every place that
# names the source or the target language takes the name from here, in the text's own language.
NATIVE_NAMES = {"fr": "Français", "es": "Español"}  # column headers: each language by its own name
ENGLISH_NAMES = {"fr": "French", "es": "Spanish"}  # the notes `docs` and `status` print
# How a French (FR) or a Spanish (ES) sentence names a language.
IN_LANGUAGE = {FR: {"fr": "en français", "es": "en espagnol"}, ES: {"fr": "en francés", "es": "en español"}}
ADJECTIVE = {FR: {"fr": "français", "es": "espagnol"}, ES: {"fr": "francés", "es": "español"}}
WITH_ARTICLE = {FR: {"fr": "le français", "es": "l'espagnol"}, ES: {"fr": "el francés", "es": "el español"}}
TARGET_VERSION = {"fr": "Version en français", "es": "Versión en español"}  # heading of a missing target text


def project_writer(project: Project, title: str) -> DocWriter:
    """A document of this project: its paper, its languages, and draft marks in its target language."""
    documents = project.config.documents
    return DocWriter(title, lang=project.source_language, paper=documents.paper, target=project.target_language,
                     tags={code: documents.language_tag(code) for code in (FR, ES)})


def pair(fr: str, es: str) -> str:
    return f"{fr} · {es}"


def timecode_or_dash(seconds: float | None) -> str:
    return "—" if seconds is None else format_timecode(seconds)


TITLES = {
    "booklet": {"fr": "Cahier d'introduction", "es": "Cuaderno de introducción"},
    "synthesis": {"fr": "Document d'analyse-synthèse", "es": "Documento de análisis y síntesis"},
    "guide": {"fr": "Guide du formateur", "es": "Guía del formador"},
}


def cover(w: DocWriter, project: Project, title: dict[str, str], lines: list[str] = ()) -> None:
    programme = project.config.programme
    for subtitle in w.title_block(title["fr"], [title["es"]]):
        w.mark(subtitle, ES)
    w.paragraph(programme.title_fr)
    w.paragraph(programme.title_es, "Spanish Text")
    for line in lines:
        w.paragraph(line)
