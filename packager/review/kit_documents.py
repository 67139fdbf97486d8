"""The kit's workbook texts still in draft, as one Word table (documentos-borrador.docx): the same review
table as a module's DOCX (export.py), keyed by document and unit, imported back by the same reader."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from .export import LANGUAGE_FORMS, STATE_LABELS, source_header
from .word_table import (add_hidden, finish_table, hidden_identity, identity_line, new_document, review_table,
                         set_cell_text, shade_cell)

if TYPE_CHECKING:
    from ..project import Project


DOC_WIDTHS = [4.2, 8.2, 8.2, 2.3, 3.8]  # 26.7 cm: landscape A4 within 1.5 cm margins


def doc_headers(src: str, dst: str) -> list[str]:
    return ["Clave / Clé", source_header(src), LANGUAGE_FORMS[dst]["name"], "Estado / État",
            "Comentario / Commentaire"]


def document_units(project: Project, module_ids: list[str], *, general: bool) -> list[dict]:
    """Document units still in draft (or needs-review) of the kit's documents."""
    from ..texts import project_documents, read_units
    from .states import StateFile, effective_state, text_hash

    units = []
    for doc in project_documents(project):
        if doc.doc_id.startswith("questions/"):
            if doc.doc_id.split("/", 1)[1] not in module_ids:
                continue
        elif not general:
            continue
        targets = read_units(doc.target_path)
        states = StateFile.load(doc.target_path)
        for unit in doc.units:
            target = targets.get(unit.key, "")
            state = effective_state(states.units.get(unit.key), unit.text, target)
            if state not in ("draft", "needs-review"):
                continue
            entry = states.units.get(unit.key)
            units.append({"key": f"{doc.doc_id}|{unit.key}", "source": unit.text, "draft": target,
                          "source_hash": text_hash(unit.text), "target_hash": text_hash(target), "state": state,
                          "comment": entry.comment if entry else None})
    return units


def doc_instructions(src: str, dst: str) -> list[str]:
    s, t = LANGUAGE_FORMS[src], LANGUAGE_FORMS[dst]
    return [
        "ES: Textos de los cuadernos (preguntas de reflexión, folleto, síntesis) aún en borrador. Corrija solo la "
        f"columna «{t['name']}». Escriba «aprobado» en la columna «Estado» para aprobar un texto, y sus "
        f"observaciones en «Comentario». No cambie la primera columna (la clave) ni el {s['es_noun']}.",
        "FR : Textes des cahiers (questions de réflexion, livret, synthèse) encore en brouillon. Ne modifiez que la "
        f"colonne « {t['name']} ». Écrivez « approuvé » dans la colonne « État » pour approuver un texte, et "
        f"vos remarques dans « Commentaire ». Ne touchez ni à la première colonne (la clé) ni {s['fr_to_the']}.",
    ]


def documents_docx(units: list[dict], kit_id: str, created: str, src: str = "fr", dst: str = "es",
                    tags: tuple[str, str] = ("fr-CA", "es")) -> bytes:
    from docx.shared import RGBColor

    document = new_document("Textos de los cuadernos / Textes des cahiers",
                            identity_line("documents", kit_id, created, f" kit={kit_id}"), doc_instructions(src, dst))
    table = review_table(document, doc_headers(src, dst), DOC_WIDTHS)
    grey = RGBColor(0x55, 0x55, 0x55)
    for unit in units:
        cells = table.add_row().cells
        set_cell_text(cells[0], unit["key"], size=7, colour=grey)
        add_hidden(cells[0], hidden_identity(unit["source_hash"], unit["target_hash"], unit["state"]))
        set_cell_text(cells[1], unit["source"], colour=grey)
        shade_cell(cells[1], "EEEEEE")
        set_cell_text(cells[2], unit["draft"])
        set_cell_text(cells[3], STATE_LABELS.get(unit["state"], unit["state"]), size=9)
        set_cell_text(cells[4], unit["comment"] or "", size=9)
    finish_table(table, DOC_WIDTHS)
    from ..documents.language import review_document_language

    review_document_language(document, *tags, [row.cells[2] for row in table.rows[1:]])
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
