"""The introduction booklet (introduction.docx): the Markdown text workbooks/<lang>/booklet.md, in the
source language, then in the target language, under a bilingual cover and a table of contents.
"""

from __future__ import annotations

from ..project import Project
from .docx import DocWriter
from .markdown import language_parts
from .writing import TITLES, cover, pair, project_writer


def build_booklet(project: Project) -> tuple[DocWriter, list[str]]:
    notes: list[str] = []
    w = project_writer(project, pair(TITLES["booklet"]["fr"], TITLES["booklet"]["es"]))
    cover(w, project, TITLES["booklet"])
    w.page_break()
    w.toc("Table des matières · Índice")
    w.page_break()
    language_parts(w, project, "booklet.md", notes)
    return w, notes
