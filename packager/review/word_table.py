"""The Word review table, shared by a module's DOCX export (export.py) and the kit's workbook-texts table
(kit_documents.py), and read back by readers.py: a landscape page with its identity line, a table with a
repeated header row, and on each row's key a hidden run (Word's hidden font) saying what the export
carried, so the import can tell what the translator changed."""

from __future__ import annotations

import re

IDENTITY_FORMAT = "packager-review/1"


def shade_cell(cell, colour: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    cell._tc.get_or_add_tcPr().append(shading)


def set_cell_text(cell, text: str, *, size: float = 10, bold: bool = False, colour=None) -> None:
    from docx.shared import Pt

    paragraph = cell.paragraphs[0]
    for n, line in enumerate(text.split("\n")):
        if n:
            paragraph = cell.add_paragraph()
        run = paragraph.add_run(line)
        run.font.size = Pt(size)
        run.bold = bold
        if colour is not None:
            run.font.color.rgb = colour


def identity_line(kind: str, module_id: str, exported: str, extra: str = "") -> str:
    return f"{IDENTITY_FORMAT} {kind}={module_id} exported={exported}{extra}"


_IDENTITY = re.compile(r"packager-review/1 (module|documents)=(\S+) exported=(\S+)(?: kit=(\S+))?")


def parse_identity(text: str) -> dict | None:
    match = _IDENTITY.search(text or "")
    if not match:
        return None
    return {"kind": match.group(1), "id": match.group(2), "exported": match.group(3), "kit": match.group(4)}


def new_document(title: str, identity: str, instructions: list[str]):
    """A landscape A4 document with a title, its identity line and the instructions."""
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt, RGBColor

    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))
    document.add_heading(title, level=1)
    run = document.add_paragraph().add_run(identity)
    run.font.size = Pt(7)
    run.font.color.rgb = RGBColor(0x88, 0x88, 0x88)
    for line in instructions:
        document.add_paragraph(line).runs[0].font.size = Pt(9)
    document.core_properties.subject = identity
    document.core_properties.title = title
    return document


def review_table(document, headers: list[str], widths_cm: list[float]):
    from docx.shared import Cm, RGBColor

    from ..documents.docx import repeat_header_row

    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.autofit = False
    for cell, header, width in zip(table.rows[0].cells, headers, widths_cm):
        set_cell_text(cell, header, size=9, bold=True, colour=RGBColor(0xFF, 0xFF, 0xFF))
        shade_cell(cell, "404040")
        cell.width = Cm(width)
    repeat_header_row(table.rows[0])
    return table


def finish_table(table, widths_cm: list[float]) -> None:
    """Column widths on the grid and on every cell (Word reads the cells, LibreOffice the grid)."""
    from docx.shared import Cm

    for column, width in zip(table.columns, widths_cm):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm):
            cell.width = Cm(width)


def add_hidden(cell, text: str) -> None:
    """A run the translator does not see (hidden font), read back by the import."""
    from docx.shared import Pt

    run = cell.paragraphs[0].add_run(text)
    run.font.hidden = True
    run.font.size = Pt(6)


def hidden_identity(source_hash: str, target_hash: str, state: str) -> str:
    """The hidden run after a row's key (cue number, or document unit key): what the export carried."""
    return f" [{source_hash}/{target_hash}/{state}]"


_CARRIED = r"\s*(?:\[([0-9a-f]{16})/([0-9a-f]{16})/([a-z-]+)\])?\s*$"
_HIDDEN_CUE = re.compile(r"^\s*(\d+)" + _CARRIED)
_HIDDEN_DOC = re.compile(r"^\s*(\S+\|\S+)" + _CARRIED)


def _parse_key_cell(pattern: re.Pattern[str], text: str) -> tuple[str | None, dict | None]:
    """A row's key and what its hidden run says the export carried (None when it has none)."""
    match = pattern.match(text or "")
    if not match:
        return None, None
    carried = None
    if match.group(2):
        carried = {"source_hash": match.group(2), "target_hash": match.group(3), "state": match.group(4)}
    return match.group(1), carried


def parse_cue_cell(text: str) -> tuple[int | None, dict | None]:
    key, carried = _parse_key_cell(_HIDDEN_CUE, text)
    return (int(key) if key is not None else None), carried


def parse_doc_cell(text: str) -> tuple[str | None, dict | None]:
    """A documents table's key cell: "booklet|b012" and its hidden run."""
    return _parse_key_cell(_HIDDEN_DOC, text)
