"""The documents as Word, LibreOffice and a screen reader take them: the languages they declare (the
source language by default, the target language on the target's runs), settings/styles/document XML
valid against ECMA-376's WordprocessingML schema, fonts Word has, guide tables whose headers keep
their words and whose session tables stay on one page, and tagged PDFs with /Lang.

The project is test_documents' small two-module project (make_project)."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree

from packager.documents.build import build_documents
from packager.project import Project

from test_documents import make_project

TESTS_SCHEMAS = Path(__file__).parent / "schemas"
WORD_FONTS = {"Arial", "Calibri", "Cambria", "Courier New", "Times New Roman", "Symbol", "Calibri Light",
              "Cambria Math"}


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> tuple[Project, Path]:
    project = make_project(tmp_path_factory.mktemp("readers") / "proj")
    build_documents(project, pdf=False)
    return project, project.dist_dir / "documents"


def effective_language(run, document) -> str:
    """The language Word gives a run: its own w:lang, its character style's, its paragraph style's
    (through the based-on chain), else the document default."""
    def own(element) -> str | None:
        rpr = element.find(qn("w:rPr")) if element is not None else None
        lang = rpr.find(qn("w:lang")) if rpr is not None else None
        return lang.get(qn("w:val")) if lang is not None else None

    found = own(run._r)
    if found:
        return found
    styles = {s.style_id: s for s in document.styles}
    rstyle = run._r.rPr.rStyle.val if run._r.rPr is not None and run._r.rPr.rStyle is not None else None
    pstyle = run._parent.style if hasattr(run._parent, "style") else None
    for style in ([styles[rstyle]] if rstyle in styles else []) + ([pstyle] if pstyle is not None else []):
        while style is not None:
            found = own(style.element)
            if found:
                return found
            style = style.base_style
    default = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    return default.find(qn("w:lang")).get(qn("w:val"))


def test_documents_say_french_by_default_and_spanish_where_spanish(documents):
    project, out = documents
    names = sorted(p.name for p in out.glob("*.docx"))
    assert len(names) == 5
    for name in names:
        with zipfile.ZipFile(out / name) as z:
            styles = z.read("word/styles.xml").decode()
            settings = z.read("word/settings.xml").decode()
            core = z.read("docProps/core.xml").decode()
        assert 'w:val="en-US"' not in styles + settings, name
        assert re.search(r'<w:rPrDefault><w:rPr>.*<w:lang w:val="fr-CA"', styles), name
        assert '<w:themeFontLang w:val="fr-CA"' in settings and "<dc:language>fr-CA</dc:language>" in core

    workbook = docx.Document(str(out / "cahier-01-ent-a.docx"))
    transcript = next(t for t in workbook.tables if t.rows[0].cells[1].text == "Français")
    for row in transcript.rows[1:]:
        french = [r for p in row.cells[1].paragraphs for r in p.runs if r.text.strip()]
        spanish = [r for p in row.cells[2].paragraphs for r in p.runs if r.text.strip()]
        assert french and spanish
        assert {effective_language(r, workbook) for r in french} == {"fr-CA"}
        assert {effective_language(r, workbook) for r in spanish} == {"es"}
    questions = [p for p in workbook.paragraphs if p.style.name in ("Question", "Question Spanish")]
    assert {(p.style.name, effective_language(p.runs[-1], workbook)) for p in questions} == {
        ("Question", "fr-CA"), ("Question Spanish", "es")}

    # A bilingual heading: the French half in French, the Spanish half in Spanish.
    heading = next(p for p in workbook.paragraphs if p.text == "Plan du module · Estructura del módulo")
    assert [(r.text, effective_language(r, workbook)) for r in heading.runs if r.text.strip(" ·")] == [
        ("Plan du module", "fr-CA"), ("Estructura del módulo", "es")]

    # The booklet's Spanish half (after the page break that follows the French) is Spanish throughout.
    booklet = docx.Document(str(out / "introduction.docx"))
    texts = [p for p in booklet.paragraphs if p.text.strip()]
    spanish_heading = next(i for i, p in enumerate(texts) if p.text == "Cuaderno de introducción" and p.style.name == "Heading 1")
    assert {effective_language(r, booklet) for p in texts[spanish_heading:] for r in p.runs if r.text.strip()} == {"es"}
    french_heading = next(i for i, p in enumerate(texts) if p.text == "Les mesures")
    assert {effective_language(r, booklet) for r in texts[french_heading].runs} == {"fr-CA"}

    # The guide's Spanish session tables (inside the Spanish half) are Spanish too.
    guide = docx.Document(str(out / "guide-formateur.docx"))
    spanish_tables = [t for t in guide.tables if t.rows[0].cells[0].text == "Inicio"]
    assert spanish_tables
    for table in spanish_tables:
        assert {effective_language(r, guide) for row in table.rows for c in row.cells
                for p in c.paragraphs for r in p.runs if r.text.strip()} == {"es"}


def test_a_project_can_say_which_spanish(tmp_path):
    project = make_project(tmp_path / "proj")
    config = project.root / "packager.toml"
    config.write_text(config.read_text("utf-8") + '\n[documents]\nlanguage_tags = { es = "es-AR" }\n', "utf-8")
    project = Project.load(project.root)
    build_documents(project, pdf=False)
    with zipfile.ZipFile(project.dist_dir / "documents" / "introduction.docx") as z:
        styles = z.read("word/styles.xml").decode()
    assert '<w:lang w:val="fr-CA"' in styles and '<w:lang w:val="es-AR"/>' in styles


def wml_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(TESTS_SCHEMAS / "ooxml" / "wml.xsd")))


def without_ignorable(data: bytes) -> etree._ElementTree:
    """The part as Word reads it: the elements and attributes of mc:Ignorable namespaces dropped."""
    mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    root = etree.fromstring(data)
    ignorable = {root.nsmap[p] for p in root.get(f"{{{mc}}}Ignorable", "").split()} | {mc}
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        if etree.QName(element).namespace in ignorable:
            element.getparent().remove(element)
            continue
        for name in list(element.attrib):
            if etree.QName(name).namespace in ignorable:
                del element.attrib[name]
    return etree.ElementTree(root)


def test_settings_styles_and_body_are_valid_wordprocessingml(documents):
    """ECMA-376 transitional schema: Word is strict about the order of settings.xml (w:updateFields
    was appended at its end); styles with their w:lang and the body with its marked runs."""
    _project, out = documents
    schema = wml_schema()
    for path in sorted(out.glob("*.docx")):
        with zipfile.ZipFile(path) as z:
            for part in ("word/settings.xml", "word/styles.xml", "word/document.xml"):
                tree = without_ignorable(z.read(part))
                assert schema.validate(tree), (path.name, part, str(schema.error_log.last_error))
            settings = z.read("word/settings.xml").decode()
        assert '<w:updateFields w:val="true"/>' in settings  # still refreshed on open


def test_fonts_are_ones_word_has(documents):
    _project, out = documents
    for path in sorted(out.glob("*.docx")):
        with zipfile.ZipFile(path) as z:
            named = set()
            for part in ("word/styles.xml", "word/document.xml"):
                named |= set(re.findall(r'w:(?:ascii|hAnsi)="([^"]+)"', z.read(part).decode()))
        assert named and named <= WORD_FONTS, (path.name, named - WORD_FONTS)


def test_guide_tables_keep_their_words_and_sessions_together(documents):
    from packager.documents.widths import CELL_PADDING_CM, word_width_cm

    _project, out = documents
    guide = docx.Document(str(out / "guide-formateur.docx"))
    checked = 0
    for table in guide.tables:
        grid = table._tbl.tblGrid.findall(qn("w:gridCol"))
        widths = [int(col.get(qn("w:w"))) / 567 for col in grid]  # twips → cm
        header = [cell.text for cell in table.rows[0].cells]
        if header[0] not in ("Début", "Inicio", "Séance · Sesión"):
            continue
        checked += 1
        for text, width in zip(header, widths):
            for word in text.split():
                assert word_width_cm(word, bold=True) + CELL_PADDING_CM <= width + 0.01, (word, width)
        # Every row but the last keeps with the next: a session's table moves to the next page whole.
        for row in table.rows[:-1]:
            assert all(p.paragraph_format.keep_with_next for c in row.cells for p in c.paragraphs)
        assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)
    assert checked >= 5


def test_review_and_kit_documents_mark_the_spanish_column_and_fit_the_page(tmp_path):
    from docx.shared import Cm

    from packager.review.export import export_bytes
    from packager.review.kit_documents import DOC_WIDTHS, documents_docx

    project = make_project(tmp_path / "proj")
    document = docx.Document(io.BytesIO(export_bytes(project, project.modules[0], "docx")))
    table = document.tables[0]
    assert table.rows[0].cells[3].text == "Español"
    for row in table.rows[1:]:
        assert {effective_language(r, document) for p in row.cells[3].paragraphs for r in p.runs} == {"es"}
        assert {effective_language(r, document) for p in row.cells[2].paragraphs for r in p.runs} == {"fr-CA"}

    units = [{"key": "booklet|b001", "source_hash": "a", "target_hash": "b", "state": "needs-review",
              "source": "Texte français.", "draft": "Texto español.", "comment": None}]
    kit_doc = docx.Document(io.BytesIO(documents_docx(units, "kit-1", "2026-12-06T00:00:00Z")))
    section = kit_doc.sections[0]
    text_width = section.page_width - section.left_margin - section.right_margin
    grid = kit_doc.tables[0]._tbl.tblGrid.findall(qn("w:gridCol"))
    assert sum(int(col.get(qn("w:w"))) for col in grid) * 635 <= text_width  # twips → EMU
    assert sum(Cm(w) for w in DOC_WIDTHS) <= text_width
    cell = kit_doc.tables[0].rows[1].cells[2]
    assert {effective_language(r, kit_doc) for p in cell.paragraphs for r in p.runs} == {"es"}

    # Every DOCX of a translator's kit: French by default, the Spanish column in Spanish.
    from packager.review.kit import build_kit

    kit = tmp_path / "kit.zip"
    build_kit(project, project.modules, kit, proxy=False)
    with zipfile.ZipFile(kit) as archive:
        names = [n for n in archive.namelist() if n.endswith(".docx")]
        assert any("glos" in n for n in names) and len(names) >= 3
        for name in names:
            document = docx.Document(io.BytesIO(archive.read(name)))
            styles = document.styles.element
            default = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
            assert default.find(qn("w:lang")).get(qn("w:val")) == "fr-CA", name
            table = document.tables[0]
            column = [c.text for c in table.rows[0].cells].index("Español")
            found = {effective_language(r, document) for row in table.rows[1:]
                     for p in row.cells[column].paragraphs for r in p.runs if r.text.strip()}
            assert found <= {"es"} and (found or "glos" in name), name  # (a glossary may keep every term)


@pytest.mark.skipif(shutil.which("soffice") is None and shutil.which("libreoffice") is None,
                    reason="LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
def test_pdfs_are_tagged_with_their_languages(tmp_path):
    from pypdf import PdfReader

    project = make_project(tmp_path / "proj")
    build_documents(project, pdf=True)
    out = project.dist_dir / "documents"
    pdf = PdfReader(str(out / "guide-formateur.pdf"))
    root = pdf.trailer["/Root"]
    assert root["/Lang"] == "fr-CA" and root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root
    languages = set()

    def walk(node, depth=0):
        node = node.get_object()
        if isinstance(node, dict):
            if "/Lang" in node:
                languages.add(str(node["/Lang"]))
            kids = node.get("/K")
            if kids is not None and depth < 60:
                for kid in (kids if isinstance(kids, list) else [kids]):
                    if hasattr(kid, "get_object") or isinstance(kid, (dict, list)):
                        walk(kid, depth + 1)
        elif isinstance(node, list):
            for kid in node:
                walk(kid, depth + 1)

    walk(root["/StructTreeRoot"])
    assert any(lang.startswith("es") for lang in languages), languages  # Spanish paragraphs say so
    # The guide's table headers print whole words.
    lines = [line.strip() for page in pdf.pages for line in page.extract_text().splitlines()]
    for word in ("Début", "Minutes", "Visionnement", "Proyección", "Inicio", "Minutos", "Séance", "Modules"):
        assert any(re.search(rf"\b{word}\b", line) for line in lines), word
        # "Débu" on one line and "t" on the next: a word cut by a column too narrow for it.
        for cut in range(2, len(word)):
            assert not any(line.endswith(word[:cut]) and following.startswith(word[cut:])
                           for line, following in zip(lines, lines[1:])), word
