"""Word fields (PAGE, NUMPAGES, TOC): begin, instruction, separate, a cached result, end. Marked dirty, so
Word and LibreOffice recompute them on open (settings.xml's w:updateFields does the asking)."""

from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn


def field(paragraph, instruction: str, result: str = "") -> None:
    """A complex field (begin, instruction, separate, cached result, end) in one paragraph."""
    field_begin(paragraph, instruction)
    if result:
        paragraph.add_run(result)
    field_end(paragraph)


def _fld_char(run, kind: str, dirty: bool = False) -> None:
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    if dirty:
        element.set(qn("w:dirty"), "true")
    run._r.append(element)


def field_begin(paragraph, instruction: str) -> None:
    _fld_char(paragraph.add_run(), "begin", dirty=True)
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    _fld_char(paragraph.add_run(), "separate")


def field_end(paragraph) -> None:
    _fld_char(paragraph.add_run(), "end")
