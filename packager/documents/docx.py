"""A thin writer over python-docx that only uses named styles (no direct formatting).

Styles come from python-docx's default template (Title, Subtitle, Heading 1–3, List Bullet, Table
Grid, Light Grid Accent 1, Header, Footer) plus a few project styles defined once (docx_styles.py: Source,
Draft Mark, Draft Text, Draft Note, Placeholder, Spanish Text, Table Text, Table Header, Table Total,
Table Spanish, List Bullet Spanish, Speaker, Question, Question Spanish, Matrix Text, Matrix Spanish,
Answer Space, toc 1–3).
A reader who changes a style in Word changes every place that uses it.

Every document gets a header (its title), a footer with the PAGE / NUMPAGES fields, table rows that
never split across pages (header rows repeat), and a table of contents
field that Word and LibreOffice refresh on open (w:updateFields in settings.xml, in its ECMA-376
position); the field's cached result already lists the headings, so the contents are readable even
before a refresh.

Language: the document's default is the source language (fr-CA for the sample); the target-language
styles (Spanish Text, Table Spanish, List Bullet Spanish, Question Spanish, Matrix Spanish: the blue
ones) and the runs written inside `DocWriter.language(...)` or in a table's target columns carry the
target language. The body font is Arial, which Word has everywhere (LibreOffice substitutes the
metric-compatible Liberation Sans), and the headings keep the template's theme fonts (Calibri, Cambria).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Inches, Mm

from ..atomic import readable, write_bytes
from ..config import DEFAULT_LANGUAGE_TAGS
from .docx_fields import field, field_begin, field_end
from .docx_styles import GRID_STYLE, TABLE_STYLE, TARGET_STYLES, define_styles
from .language import mark_pairs, mark_runs, set_document_language, set_style_language
from .widths import fit_words
from .word_settings import update_fields_on_open


# What marks a target-language text still in draft, or missing, written in the target language (the
# language of the text the mark sits on): (draft mark, draft note, missing mark). A draft is the
# machine's text nobody has reviewed.
MARKS = {
    "es": ("[BORRADOR]", "BORRADOR — traducción automática sin revisar", "[SIN TRADUCCIÓN]"),
    "fr": ("[BROUILLON]", "BROUILLON — traduction automatique non révisée", "[SANS TRADUCTION]"),
}
DRAFT_MARK, DRAFT_NOTE, MISSING_MARK = MARKS["es"]  # the sample's target (fr→es)
# A person's translation whose source text changed since ("needs-review"): not a machine draft.
REVIEW_MARKS = {
    "es": ("[A REVISAR]", "A REVISAR — el texto original cambió después de la traducción"),
    "fr": ("[À RÉVISER]", "À RÉVISER — le texte original a changé depuis la traduction"),
}
REVIEW_MARK, REVIEW_NOTE = REVIEW_MARKS["es"]

_PLACEHOLDER = re.compile(r"\[(?:À COMPLÉTER|A COMPLETAR)\s*:[^\]]*\]")


PAPER_SIZES = {"letter": (Inches(8.5), Inches(11)), "a4": (Mm(210), Mm(297))}


class DocWriter:
    """One document being written. Methods append in reading order; `save` writes atomically."""

    def __init__(self, title: str, *, lang: str = "fr", paper: str = "letter", target: str = "es",
                 tags: dict[str, str] | None = None):
        self.document = Document()
        tags = tags or {}
        self.tags = {code: tags.get(code) or DEFAULT_LANGUAGE_TAGS.get(code, code) for code in ("fr", "es")}
        self.lang, self.target = lang, target
        self._languages: list[tuple[object, str]] = []  # (element, language code) marked on save
        self._kept_whole: list = []  # tables kept on one page, set on save
        self.draft_mark, self.draft_note_text, self.missing_mark = MARKS.get(target, MARKS["es"])
        self.review_mark, self.review_note_text = REVIEW_MARKS.get(target, REVIEW_MARKS["es"])
        width, height = PAPER_SIZES[paper]
        for section in self.document.sections:  # python-docx's template is US Letter
            section.page_width, section.page_height = width, height
        self.title = title
        define_styles(self.document)  # after the page size: the TOC's tab stop is at the right margin
        set_document_language(self.document, self.tags.get(lang, lang))
        for name in TARGET_STYLES:
            set_style_language(self.document.styles[name], self.tags.get(target, target))
        # python-docx looks a style up by scanning every style on each use: map names to ids once.
        self.document.part._packager_ids = {style.name: style.style_id for style in self.document.styles}
        self.document.part._packager_marks = (self.draft_mark, self.draft_note_text, self.missing_mark,
                                              self.review_mark)
        self.document.core_properties.title = title
        self.document.core_properties.author = "packager"
        self._headings: list[tuple[int, str]] = []
        self._toc_paragraph = None
        self.toc_heading: str | None = None
        # The page of each TOC entry, when known (from a PDF of this document: see pdf.heading_pages).
        self.toc_pages: list[int] | None = None
        section = self.document.sections[0]
        section.header.paragraphs[0].text = title
        section.header.paragraphs[0].style = self.document.styles["Header"]
        footer = section.footer.paragraphs[0]
        footer.style = self.document.styles["Footer"]
        footer.add_run(f"{title} — ")
        field(footer, "PAGE", "1")
        footer.add_run(" / ")
        field(footer, "NUMPAGES", "1")
        update_fields_on_open(self.document)

    # ------------------------------------------------------------------ language

    @contextmanager
    def language(self, code: str) -> Iterator[None]:
        """Everything written inside is in language `code` (its runs are marked when saved)."""
        body = self.document.element.body
        before = len(body)
        try:
            yield
        finally:
            # The last child is the body's sectPr: what was added sits before it.
            for element in list(body)[before - 1:len(body) - 1]:
                self.mark(element, code)

    def mark(self, element, code: str) -> None:
        """`element` (a paragraph, cell or table, or its oxml element) is in language `code`."""
        self._languages.append((getattr(element, "_element", element), code))

    # ------------------------------------------------------------------ text

    def paragraph(self, text: str = "", style: str | None = None, *, draft: bool | str = False,
                  missing: bool = False):
        """A paragraph; author placeholders get the Placeholder style, drafts a visible mark."""
        paragraph = self.document.add_paragraph()
        set_style(paragraph, style)
        fill_paragraph(paragraph, text, draft=draft, missing=missing)
        return paragraph

    def title_block(self, title: str, subtitle_lines: Iterable[str] = ()) -> list:
        """The title and its subtitle lines; returns the subtitle paragraphs."""
        self.paragraph(title, "Title")
        return [self.paragraph(line, "Subtitle") for line in subtitle_lines]

    def heading(self, text: str, level: int = 1, *, draft: bool | str = False):
        level = max(1, min(level, 3))
        paragraph = self.paragraph(text, f"Heading {level}", draft=draft)
        self._headings.append((level, text))
        return paragraph

    def bullets(self, items: Iterable[str], *, drafts: Iterable[bool | str] | None = None,
                style: str = "List Bullet"):
        flags = list(drafts) if drafts is not None else None
        for i, item in enumerate(items):
            self.paragraph(item, style, draft=flags[i] if flags else False)

    def draft_note(self, marks: Iterable[bool | str] = (True,)) -> None:
        """The note over marked texts: one for machine drafts, one for texts to review, as present."""
        marks = set(marks)
        if marks & {True, "draft"}:
            self.paragraph(self.draft_note_text, "Draft Note")
        if "needs-review" in marks:
            self.paragraph(self.review_note_text, "Draft Note")

    def page_break(self) -> None:
        self.document.add_page_break()

    def toc(self, heading: str) -> None:
        """The table of contents: a TOC field, refreshed on open; filled in by `save` meanwhile (with
        page numbers when `toc_pages` is set)."""
        self.paragraph(heading, "TOC Heading")
        self.toc_heading = heading
        self._toc_paragraph = self.paragraph("", "toc 1")

    def toc_entries(self) -> list[str]:
        """The headings the table of contents lists, in order (none without a table of contents)."""
        if self._toc_paragraph is None:
            return []
        return [text for level, text in self._headings if level <= 2]

    # ------------------------------------------------------------------ tables

    def table(self, rows: list[list[str]], *, header: bool = True, style: str = TABLE_STYLE,
              text_style: str = "Table Text", drafts: list[list[bool]] | None = None,
              widths: list[float] | None = None, total: bool = False,
              languages: list[str | None] | None = None):
        """A real table. `rows[0]` is the header row when `header` (repeated on each page); `drafts`
        marks cells; `total` sets the last row in the Table Total style; `languages` gives a column's
        language when it is not the document's. Rows never split across pages."""
        columns = max(len(r) for r in rows)
        table = self.document.add_table(rows=len(rows), cols=columns)
        table.style = self.document.styles[style]
        if widths:
            # Column widths in the grid (LibreOffice reads these) and in each cell (Word), scaled to fit;
            # a column is first widened to hold its longest word ("Visionnement", not "Visionneme / nt").
            scale = min(1.0, self.text_width_cm() / sum(widths))
            widths = fit_words(rows, [w * scale for w in widths], header=header)
            table.autofit = False
            for c, column in enumerate(table.columns):
                if c < len(widths):
                    column.width = Cm(widths[c])
        cells = table._cells  # computed once: table.cell(r, c) recomputes the whole grid each call
        for r, row in enumerate(rows):
            for c in range(columns):
                cell = cells[r * columns + c]
                text = row[c] if c < len(row) else ""
                draft = drafts[r][c] if drafts else False
                paragraph = cell.paragraphs[0]
                style_name = text_style
                if header and r == 0:
                    style_name = "Table Header"
                elif total and r == len(rows) - 1:
                    style_name = "Table Total"
                set_style(paragraph, style_name)
                fill_paragraph(paragraph, text, draft=draft)
                if widths and c < len(widths):
                    cell.width = Cm(widths[c])
        for row in table.rows:
            _keep_row_together(row)
        if len(rows) <= KEEP_TOGETHER_ROWS:  # a short table is not split across pages (see to_bytes)
            self._kept_whole.append(table)
        for c, code in enumerate(languages or []):
            if code and code != self.lang:
                for r in range(len(rows)):
                    self.mark(cells[r * columns + c], code)
        if header:
            repeat_header_row(table.rows[0])
        return table

    def answer_space(self, lines: int = 6) -> None:
        """Room to write: a framed cell with a few empty lines, never split across pages."""
        table = self.document.add_table(rows=1, cols=1)
        table.style = self.document.styles[GRID_STYLE]
        _keep_row_together(table.rows[0])
        cell = table.cell(0, 0)
        set_style(cell.paragraphs[0], "Answer Space")
        for _ in range(lines - 1):
            set_style(cell.add_paragraph(), "Answer Space")
        self.document.add_paragraph()

    def landscape(self) -> None:
        """Continue on a new landscape section (for wide tables)."""
        from docx.enum.section import WD_SECTION

        section = self.document.add_section(WD_SECTION.NEW_PAGE)
        section.orientation = WD_ORIENT.LANDSCAPE
        if section.page_width < section.page_height:
            section.page_width, section.page_height = section.page_height, section.page_width
        section.left_margin = section.right_margin = Cm(1.5)

    def text_width_cm(self) -> float:
        """The width between the margins of the current section, in cm."""
        section = self.document.sections[-1]
        return (section.page_width - section.left_margin - section.right_margin) / 360000

    def portrait(self) -> None:
        from docx.enum.section import WD_SECTION

        section = self.document.add_section(WD_SECTION.NEW_PAGE)
        section.orientation = WD_ORIENT.PORTRAIT
        if section.page_width > section.page_height:
            section.page_width, section.page_height = section.page_height, section.page_width
        first = self.document.sections[0]
        section.left_margin, section.right_margin = first.left_margin, first.right_margin

    # ------------------------------------------------------------------ output

    def _fill_toc(self) -> None:
        paragraph = self._toc_paragraph
        if paragraph is None:
            return
        entries = [(level, text) for level, text in self._headings if level <= 2]
        field_begin(paragraph, 'TOC \\o "1-2" \\h \\z \\u')
        if not entries:
            paragraph.add_run(" ")
            field_end(paragraph)
            return
        pages = self.toc_pages if self.toc_pages and len(self.toc_pages) == len(entries) else None
        lines = [(level, f"{text}\t{pages[n]}" if pages else text) for n, (level, text) in enumerate(entries)]
        level, text = lines[0]
        set_style(paragraph, f"toc {level}")
        paragraph.add_run(text)
        last = paragraph
        for level, text in lines[1:]:
            last = _insert_paragraph_after(last, text, f"toc {level}")
        field_end(last)

    def to_bytes(self) -> bytes:
        self._fill_toc()
        self._toc_paragraph = None
        for element, code in self._languages:  # now: runs added after marking are marked too
            mark_runs(element, self.tags.get(code, code))
        mark_pairs(self.document.element.body, self.tags["es"])
        for table in self._kept_whole:  # each row keeps with the next (lines added to cells later too)
            for row in table.rows[:-1]:
                for cell in row.cells:
                    for paragraph in cell.paragraphs:
                        paragraph.paragraph_format.keep_with_next = True
        self._kept_whole = []
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()

    def save(self, path: Path) -> None:
        write_bytes(path, self.to_bytes())
        readable(path)


def fill_paragraph(paragraph, text: str, *, draft: bool | str = False, missing: bool = False) -> None:
    """Runs for `text`: placeholders in the Placeholder style; a draft gets the mark and Draft Text.

    `draft`: True or "draft" for the machine's text ([BORRADOR]), "needs-review" for a person's
    translation whose source changed since ([A REVISAR])."""
    if missing or draft:
        draft_mark, _note, missing_mark, review_mark = getattr(
            paragraph.part, "_packager_marks", MARKS["es"] + REVIEW_MARKS["es"][:1])
    if missing:
        add_run(paragraph, missing_mark, "Draft Mark")
        if text:
            add_run(paragraph, " ")
    elif draft:
        add_run(paragraph, review_mark if draft == "needs-review" else draft_mark, "Draft Mark")
        add_run(paragraph, " ")
    position = 0
    body_style = "Draft Text" if draft else None
    for match in _PLACEHOLDER.finditer(text):
        if match.start() > position:
            add_run(paragraph, text[position:match.start()], body_style)
        add_run(paragraph, match.group(0), "Placeholder")
        position = match.end()
    if position < len(text):
        add_run(paragraph, text[position:], body_style)


def _style_id(element, name: str) -> str:
    ids = getattr(element.part, "_packager_ids", None)
    if ids is None or name not in ids:
        raise KeyError(f"no style {name!r} in this document")
    return ids[name]


def set_style(paragraph, name: str | None) -> None:
    """Apply a paragraph style by name (fast path; the style must exist)."""
    if name:
        paragraph._p.get_or_add_pPr().style = _style_id(paragraph, name)


def add_run(paragraph, text: str, style: str | None = None):
    run = paragraph.add_run(text)
    if style:
        run._r.get_or_add_rPr().style = _style_id(paragraph, style)
    return run


def add_line(cell_or_doc, text: str, style: str | None = None, *, draft: bool | str = False):
    """Another paragraph in a table cell."""
    paragraph = cell_or_doc.add_paragraph()
    set_style(paragraph, style)
    fill_paragraph(paragraph, text, draft=draft)
    return paragraph


KEEP_TOGETHER_ROWS = 20  # tables up to this many rows fit on a page: kept whole


def _keep_row_together(row) -> None:
    """A table row is never split across two pages (w:cantSplit)."""
    element = OxmlElement("w:cantSplit")
    element.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(element)


def repeat_header_row(row) -> None:
    """The row repeats at the top of every page the table runs onto (Word and LibreOffice)."""
    tr_pr = row._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    tr_pr.append(element)


def _insert_paragraph_after(paragraph, text: str, style):
    from docx.text.paragraph import Paragraph

    new = OxmlElement("w:p")
    paragraph._p.addnext(new)
    result = Paragraph(new, paragraph._parent)
    set_style(result, style)
    result.add_run(text)  # a tab in the text becomes <w:tab/>
    return result
