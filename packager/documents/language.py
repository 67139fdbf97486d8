"""The language a DOCX declares, for its whole text and for the runs written in the other language.

python-docx's template declares en-US (styles.xml's docDefaults, settings.xml's themeFontLang): Word
and LibreOffice then spell-check, hyphenate and read aloud French and Spanish as English, and
LibreOffice's PDFs say /Lang(en-US). Every DOCX packager writes declares the source language as its
default and marks the target-language runs with `w:lang` (in their style, or on the run itself).
"""

from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

# CT_RPr's elements after w:lang, in ECMA-376's order (a w:lang must come before them).
_AFTER_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath", "w:rPrChange")


def _set_lang(rpr, tag: str) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.insert_element_before(lang, *_AFTER_LANG)
    lang.set(qn("w:val"), tag)


def set_document_language(document, tag: str) -> None:
    """The default language of every run (docDefaults), the theme's and the file's properties."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_lang(rpr, tag)
    theme_lang = document.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:val"), tag)
    document.core_properties.language = tag


def set_style_language(style, tag: str) -> None:
    """Every run in this (paragraph or character) style is in `tag`."""
    _set_lang(style.element.get_or_add_rPr(), tag)


def mark_runs(element, tag: str) -> None:
    """Every run under `element` (a paragraph, a cell, a table, the body's child) is in `tag`."""
    for run in element.iter(qn("w:r")):
        _set_lang(run.get_or_add_rPr(), tag)


PAIR = " · "  # "Plan du module · Estructura del módulo": French, then Spanish (writing.pair)
PART = " — "  # "2 — Titre · Título": parts of a heading, each maybe a pair


def mark_pairs(body, spanish_tag: str) -> None:
    """The Spanish half of each bilingual pair ("Glossaire · Glosario") in its own run, in Spanish.

    Only paragraphs written as one plain run (no style, no language of their own) are split: those are
    the bilingual headings, table headers and labels; the Spanish is what follows " · " in each
    " — "-separated part."""
    from copy import deepcopy

    for paragraph in body.iter(qn("w:p")):
        runs = paragraph.findall(qn("w:r"))
        if len(runs) != 1:
            continue
        run = runs[0]
        texts = run.findall(qn("w:t"))
        rpr = run.find(qn("w:rPr"))
        if len(texts) != 1 or len(run) != len(texts) + (rpr is not None) or PAIR not in (texts[0].text or ""):
            continue
        if rpr is not None and (rpr.find(qn("w:lang")) is not None or rpr.find(qn("w:rStyle")) is not None):
            continue
        pieces: list[tuple[str, bool]] = []  # (text, is Spanish)
        for n, part in enumerate(texts[0].text.split(PART)):
            if n:
                pieces.append((PART, False))
            french, sep, spanish = part.partition(PAIR)
            pieces += [(french, False), (sep, False), (spanish, True)] if sep else [(part, False)]
        previous = run
        for text, spanish in [p for p in pieces if p[0]]:
            new = deepcopy(run)
            t = new.find(qn("w:t"))
            t.text = text
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            if spanish:
                _set_lang(new.get_or_add_rPr(), spanish_tag)
            previous.addnext(new)
            previous = new
        paragraph.remove(run)


def review_document_language(document, source_tag: str, target_tag: str, target_cells) -> None:
    """A translator's DOCX (review, kit): the source language by default, the target column in the target."""
    set_document_language(document, source_tag)
    for cell in target_cells:
        mark_runs(cell._element, target_tag)
