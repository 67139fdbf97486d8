"""The documents' named styles, defined once per document (python-docx's default template plus the
project's own: Source, the draft and review marks, the blue target-language styles, table and question
styles, toc 1-3). A reader who changes a style in Word changes every place that uses it."""

from __future__ import annotations

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

TABLE_STYLE = "Light Grid Accent 1"  # data tables: statistics, plans, glossary, matrix
GRID_STYLE = "Table Grid"  # the transcript and the room to write


def shade_style(style, fill: str) -> None:
    """Background shading on a style's run properties (Word and LibreOffice both honour it in styles)."""
    rpr = style.element.get_or_add_rPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    rpr.append(shd)


def define_styles(document) -> None:
    styles = document.styles
    normal = styles["Normal"]
    normal.font.name = "Arial"  # Word has it on every system; DejaVu Sans was substituted
    for fonts in styles.element.iter(qn("w:rFonts")):  # the template's Macro Text: Word has Courier New
        for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            if fonts.get(qn(attribute)) == "Courier":
                fonts.set(qn(attribute), "Courier New")
    normal.font.size = Pt(10)

    def paragraph_style(name: str, base: str = "Normal"):
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles[base]
        style.quick_style = True
        return style

    def character_style(name: str):
        style = styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
        style.base_style = styles["Default Paragraph Font"]
        style.quick_style = True
        return style

    source = paragraph_style("Source")
    source.font.italic = True
    source.font.size = Pt(8.5)
    source.paragraph_format.space_after = Pt(10)

    note = paragraph_style("Draft Note")
    note.font.bold = True
    note.font.color.rgb = RGBColor(0x9C, 0x27, 0x00)
    shade_style(note, "FFF2CC")

    small = paragraph_style("Matrix Text")
    small.font.size = Pt(7.5)
    small.paragraph_format.space_after = Pt(2)

    small_es = paragraph_style("Matrix Spanish", "Matrix Text")
    small_es.font.color.rgb = RGBColor(0x1F, 0x4E, 0x79)

    table_text = paragraph_style("Table Text")
    table_text.font.size = Pt(9)
    table_text.paragraph_format.space_after = Pt(0)

    table_header = paragraph_style("Table Header", "Table Text")
    table_header.font.bold = True

    speaker = paragraph_style("Speaker", "Table Text")
    speaker.font.italic = True

    question = paragraph_style("Question")
    question.paragraph_format.keep_with_next = True  # a question stays with its frame to write in
    question.paragraph_format.space_after = Pt(4)

    question_es = paragraph_style("Question Spanish", "Question")
    question_es.font.color.rgb = RGBColor(0x1F, 0x4E, 0x79)
    question_es.paragraph_format.keep_with_next = True

    answer = paragraph_style("Answer Space")
    answer.paragraph_format.space_after = Pt(0)
    answer.paragraph_format.line_spacing = 1.6

    spanish = paragraph_style("Spanish Text")
    spanish.font.color.rgb = RGBColor(0x1F, 0x4E, 0x79)

    table_spanish = paragraph_style("Table Spanish", "Table Text")
    table_spanish.font.color.rgb = RGBColor(0x1F, 0x4E, 0x79)

    table_total = paragraph_style("Table Total", "Table Text")
    table_total.font.bold = True

    bullet_spanish = paragraph_style("List Bullet Spanish", "List Bullet")
    bullet_spanish.font.color.rgb = RGBColor(0x1F, 0x4E, 0x79)

    # TOC lines end with their page number at the right margin, after a dotted leader.
    first = document.sections[0]
    right = first.page_width - first.left_margin - first.right_margin
    for level in (1, 2, 3):
        toc = paragraph_style(f"toc {level}")
        toc.paragraph_format.left_indent = Cm(0.6 * (level - 1))
        toc.paragraph_format.space_after = Pt(2)
        toc.paragraph_format.tab_stops.add_tab_stop(right, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)

    mark = character_style("Draft Mark")
    mark.font.bold = True
    mark.font.color.rgb = RGBColor(0x9C, 0x27, 0x00)
    shade_style(mark, "FFD966")

    draft_text = character_style("Draft Text")
    shade_style(draft_text, "FFF2CC")

    placeholder = character_style("Placeholder")
    placeholder.font.italic = True
    shade_style(placeholder, "FCE4D6")


# The blue styles: the target language's text.
TARGET_STYLES = ("Spanish Text", "Table Spanish", "List Bullet Spanish", "Question Spanish", "Matrix Spanish")
