"""Markdown texts (workbooks/<lang>/*.md) written into a document: the booklet's and the guide's body.

`render_markdown` writes parsed blocks (headings, paragraphs, bullets, tables, source lines) and marks
the target side's draft units; `language_parts` writes a text in the source language, then the same
text in the target language (or a note that it is missing).
"""

from __future__ import annotations

from collections.abc import Callable

from ..project import WORKBOOKS_DIR, Project
from ..texts import Block, read_markdown
from .docx import DocWriter
from .model import Reviewer
from .writing import ENGLISH_NAMES, TARGET_VERSION


def render_markdown(w: DocWriter, blocks: list[Block], *, reviewer: Reviewer | None = None,
                    source: dict[str, str] | None = None,
                    replace: dict[int, Callable[[list[bool]], None]] | None = None) -> int:
    """Blocks as headings, paragraphs, bullets, real tables and source lines. Returns the draft count.

    With a reviewer (the target-language side), draft units carry the mark and each heading whose
    section holds a draft is followed by the draft note. `replace` maps a block number to a function
    that writes something else in its place (given the block's draft flags): the guide's typed
    session tables become the computed ones.
    """
    replace = replace or {}
    source = source or {}

    def is_draft(key: str, text: str) -> str:
        return reviewer.is_draft(key, source.get(key, ""), text) if reviewer is not None else ""

    flags: list[list[bool]] = []
    for block in blocks:
        flags.append([is_draft(unit.key, unit.text) for unit in block.units()])
    drafts = sum(sum(map(bool, f)) for f in flags)
    for index, block in enumerate(blocks):
        block_flags = flags[index]
        if block.number in replace:
            replace[block.number](block_flags)
        elif block.kind == "heading":
            w.heading(block.text, block.level, draft=block_flags[0])
            following = []
            for later, other in enumerate(blocks[index + 1:], start=index + 1):
                if other.kind == "heading":
                    break
                following += flags[later]
            if any(following):
                w.draft_note(following)
        elif block.kind == "list":
            w.bullets(block.items, drafts=block_flags)
        elif block.kind == "table":
            width = len(block.rows[0])
            cells = [block_flags[r * width:(r + 1) * width] for r in range(len(block.rows))]
            w.table(block.rows, drafts=cells)
        elif block.kind == "source":
            w.paragraph(block.text, "Source", draft=block_flags[0])
        else:
            w.paragraph(block.text, draft=block_flags[0])
    return drafts


def language_parts(w: DocWriter, project: Project, name: str, notes: list[str],
                   replace: dict[str, dict[int, Callable[[list[bool]], None]]] | None = None,
                   blocks: tuple[list[Block], list[Block] | None] | None = None) -> None:
    """The source-language text, then the target-language text (marked where still draft).

    `blocks`: the (source, target) files' blocks when the caller has read them already (target None
    when that file is missing); each file is parsed once."""
    replace = replace or {}
    base = project.root / WORKBOOKS_DIR
    source_path = base / project.source_language / name
    target_path = base / project.target_language / name
    if blocks is None:
        blocks = (read_markdown(source_path), read_markdown(target_path) if target_path.is_file() else None)
    source_blocks, target_blocks = blocks
    render_markdown(w, source_blocks, replace=replace.get(project.source_language))
    w.page_break()
    if target_blocks is None:
        notes.append(f"{ENGLISH_NAMES[project.target_language]} text missing: "
                     f"{target_path.relative_to(project.root)}")
        with w.language(project.target_language):
            w.heading(TARGET_VERSION[project.target_language], 1)
            w.paragraph("", missing=True)
        return
    source_units = {unit.key: unit.text for block in source_blocks for unit in block.units()}
    with w.language(project.target_language):
        drafts = render_markdown(w, target_blocks, reviewer=Reviewer(target_path),
                                 source=source_units, replace=replace.get(project.target_language))
    if drafts:
        notes.append(f"{drafts} draft unit(s)")
