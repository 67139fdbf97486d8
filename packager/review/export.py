"""`packager review export`: a module's target-language cues (Spanish for the sample) in the forms
translators work in.

- DOCX: a bilingual table, one row per cue (number, timecode, source, target, state, comment),
  editable in Word or LibreOffice. Its identity travels inside it: a line under the title names the
  module and the export time, and each cue number carries a hidden run (Word's "hidden" font
  attribute) with the cue's source hash, the hash of the Spanish it carried and its state, so the
  import can tell what the translator changed and what changed at home since.
- SRT: the Spanish track as it is, for Subtitle Edit or Aegisub (no room for an identity: the import
  matches its cues by timing).
- XLIFF 2.0, built with lxml: one `<unit>` per cue (id = cue number), the state mapped on XLIFF's
  (draft → initial, edited → translated, approved → final, needs-review → initial with subState),
  comments as `<note>`s, timing and hashes in the metadata module (`mda`).

Every export is written atomically; nothing is written when the module cannot be exported.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..atomic import write_bytes, write_text
from ..errors import PackagerError
from ..timecode import srt_timecode
from .clock import now_iso  # noqa: F401  (re-exported: callers import it from here)
from .word_table import (IDENTITY_FORMAT, add_hidden, finish_table, hidden_identity, identity_line, new_document,
                         review_table, set_cell_text, shade_cell)

if TYPE_CHECKING:
    from ..project import Module, Project

FORMATS = ("docx", "srt", "xliff")
XLIFF_NS = "urn:oasis:names:tc:xliff:document:2.0"
MDA_NS = "urn:oasis:names:tc:xliff:metadata:2.0"

# What the translator sees in the state column (Spanish), and what the import accepts as "approved".
STATE_LABELS = {"draft": "borrador", "edited": "editado", "approved": "aprobado", "needs-review": "a revisar"}
APPROVE_WORDS = frozenset({
    "approved", "approve", "aprobado", "aprobada", "aprobar", "approuvé", "approuvée", "approuve", "approuver",
    "validé", "valide", "validado", "validada", "ok", "final", "✓", "✔", "x", "sí", "si", "oui",
})

XLIFF_STATES = {"draft": "initial", "edited": "translated", "approved": "final", "needs-review": "initial"}


_TC = re.compile(r"(\d{1,2}):(\d{1,2}):(\d{1,2})[,.](\d{1,3})")


def parse_tc_pair(text: str) -> tuple[float, float] | None:
    """"00:00:01,000 → 00:00:04,000" (as the DOCX shows it) → (1.0, 4.0); None when unreadable."""
    found = _TC.findall(text or "")
    if len(found) != 2:
        return None
    out = []
    for h, m, s, ms in found:
        out.append(int(h) * 3600 + int(m) * 60 + int(s) + int(ms.ljust(3, "0")) / 1000)
    return out[0], out[1]


def _state_word(text: str | None) -> str:
    return " ".join((text or "").lower().split()).rstrip(".!")


def is_approve_word(text: str | None) -> bool:
    return _state_word(text) in APPROVE_WORDS


# The other words the state column may hold without meaning "approved": the labels it was exported
# with (and their French and English names). Anything else is reported, not silently ignored.
OTHER_STATE_WORDS = frozenset({
    "", *STATE_LABELS.values(), *STATE_LABELS.keys(), "brouillon", "modifié", "édité", "à revoir", "à réviser",
    "pendiente", "por revisar", "revisar", "no", "non",
})


def is_unapprove_word(text: str | None) -> bool:
    """A state written out that is not an approval («a revisar», «editado»…); an empty cell is not one."""
    word = _state_word(text)
    return bool(word) and word in OTHER_STATE_WORDS and word not in APPROVE_WORDS


def is_known_state_word(text: str | None) -> bool:
    word = _state_word(text)
    return word in APPROVE_WORDS or word in OTHER_STATE_WORDS


@dataclass
class ReviewRow:
    """One cue as exported: where it is, both texts, its state now, and the hashes that identify it."""

    number: int
    start: float
    end: float
    source: str
    target: str
    state: str
    comment: str | None
    source_hash: str
    target_hash: str

    def carried(self) -> dict:
        """What a kit's manifest records for the cue (the draft it carried)."""
        return {"n": self.number, "start": round(self.start, 3), "end": round(self.end, 3),
                "source_hash": self.source_hash, "target_hash": self.target_hash, "draft": self.target,
                "state": self.state, "comment": self.comment}


def module_rows(project: Project, module: Module) -> list[ReviewRow]:
    """The module's cues, French beside Spanish, with their effective review states."""
    from ..subtitles.cues import read_srt
    from .states import StateFile, effective_state, text_hash

    src, dst = project.source_language, project.target_language
    target_path = module.subtitle_path(dst)
    if not target_path.is_file():
        raise PackagerError(f"module {module.id!r} has no {dst} subtitles to review yet", path=target_path,
                            hint=f"make the drafts first: packager translate {module.id}")
    source = read_srt(module.subtitle_path(src))
    target = read_srt(target_path)
    if len(source) != len(target):
        raise PackagerError(f"the {dst} file has {len(target)} cues, the {src} one {len(source)}", path=target_path,
                            hint="the tracks must be aligned cue for cue: run packager translate, or fix the file")
    states = StateFile.load(target_path)
    rows = []
    for n, (s, t) in enumerate(zip(source, target), start=1):
        entry = states.units.get(str(n))
        rows.append(ReviewRow(number=n, start=t.start, end=t.end, source=s.text, target=t.text,
                              state=effective_state(entry, s.text, t.text),
                              comment=entry.comment if entry else None,
                              source_hash=text_hash(s.text), target_hash=text_hash(t.text)))
    return rows


def file_stem(project: Project, module: Module) -> str:
    return f"{module.order:02d}-{module.id}.{project.target_language}"


# ---------------------------------------------------------------------------------------------- DOCX


# The pair is data (fr→es for the sample, es→fr for a partner's video): the column headers and the
# instructions name the project's source and target languages. How each language is named: by its
# own name in a column header, and in the Spanish (es_*) and French (fr_*) texts with the article or
# the agreement the sentence needs.
LANGUAGE_FORMS = {
    "fr": {"name": "Français", "es_noun": "francés", "es_adj_f": "francesa", "es_adj_mpl": "franceses",
           "fr_noun": "français", "fr_the": "le français", "fr_to_the": "au français", "fr_of_the": "du français",
           "fr_adj_f": "française", "fr_adj_mpl": "français"},
    "es": {"name": "Español", "es_noun": "español", "es_adj_f": "española", "es_adj_mpl": "españoles",
           "fr_noun": "espagnol", "fr_the": "l'espagnol", "fr_to_the": "à l'espagnol", "fr_of_the": "de l'espagnol",
           "fr_adj_f": "espagnole", "fr_adj_mpl": "espagnols"},
}


def source_header(src: str) -> str:
    """The header of the column the translator must not touch: the source language's name."""
    return f"{LANGUAGE_FORMS[src]['name']} (no editar / ne pas modifier)"


def subtitle_headers(src: str, dst: str) -> list[str]:
    return ["N°", "Tiempo / Temps", source_header(src), LANGUAGE_FORMS[dst]["name"],
            "Estado / État", "Comentario / Commentaire"]


def instructions(src: str, dst: str) -> list[str]:
    s, t = LANGUAGE_FORMS[src], LANGUAGE_FORMS[dst]
    return [
        f"ES: Corrija solo la columna «{t['name']}». Escriba «aprobado» en la columna «Estado» para aprobar un "
        f"subtítulo, y sus observaciones en «Comentario». No cambie los números, los tiempos ni el {s['es_noun']}.",
        f"FR : Ne modifiez que la colonne « {t['name']} ». Écrivez « approuvé » dans la colonne « État » pour "
        "approuver un sous-titre, et vos remarques dans « Commentaire ». Ne touchez ni aux numéros, ni aux temps, "
        f"ni {s['fr_to_the']}.",
    ]


SUBTITLE_WIDTHS = [1.2, 3.2, 8.0, 8.0, 2.3, 4.0]


def hidden_cue_identity(row: ReviewRow) -> str:
    return hidden_identity(row.source_hash, row.target_hash, row.state)


def docx_bytes(project: Project, module: Module, rows: list[ReviewRow], *, exported: str,
               kit: str | None = None) -> bytes:
    from docx.shared import RGBColor

    src, dst = project.source_language, project.target_language
    title = f"{module.order}. {module.title(src)} / {module.title(dst)}"
    identity = identity_line("module", module.id, exported, f" kit={kit}" if kit else "")
    from .confidence import low_confidence_lines, low_confidence_rows

    low = low_confidence_rows(module.subtitle_path(dst), rows)  # drafts the machine was unsure of
    document = new_document(title, identity, instructions(src, dst) + low_confidence_lines(len(low)))
    table = review_table(document, subtitle_headers(src, dst), SUBTITLE_WIDTHS)
    grey = RGBColor(0x55, 0x55, 0x55)
    for row in rows:
        cells = table.add_row().cells
        set_cell_text(cells[0], str(row.number), colour=grey)
        add_hidden(cells[0], hidden_cue_identity(row))
        # The import reads the two times only: the mark under them is for the eye.
        low_mark = f"\n⚠ {round(low[row.number] * 100)} %" if row.number in low else ""
        set_cell_text(cells[1], f"{srt_timecode(row.start)} → {srt_timecode(row.end)}{low_mark}", size=8, colour=grey)
        set_cell_text(cells[2], row.source, colour=grey)
        shade_cell(cells[2], "EEEEEE")
        set_cell_text(cells[3], row.target)
        set_cell_text(cells[4], STATE_LABELS.get(row.state, row.state), size=9)
        set_cell_text(cells[5], row.comment or "", size=9)
    finish_table(table, SUBTITLE_WIDTHS)
    from ..documents.language import review_document_language

    tags = project.config.documents.language_tag
    review_document_language(document, tags(src), tags(dst), [row.cells[3] for row in table.rows[1:]])
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------- SRT


def srt_bytes(rows: list[ReviewRow]) -> bytes:
    from ..subtitles.cues import Cue, format_srt

    return format_srt([Cue(r.number, r.start, r.end, r.target) for r in rows]).encode("utf-8")


# ---------------------------------------------------------------------------------------------- XLIFF


def xliff_bytes(project: Project, module: Module, rows: list[ReviewRow], *, exported: str,
                kit: str | None = None) -> bytes:
    from lxml import etree

    x = f"{{{XLIFF_NS}}}"
    m = f"{{{MDA_NS}}}"
    root = etree.Element(x + "xliff", nsmap={None: XLIFF_NS, "mda": MDA_NS},
                         version="2.0", srcLang=project.source_language, trgLang=project.target_language)
    source_path = module.subtitle_path(project.source_language)
    try:
        original = source_path.relative_to(project.root).as_posix()
    except ValueError:
        original = source_path.name
    file_el = etree.SubElement(root, x + "file", id=module.id, original=original)

    def meta(parent, values: dict[str, str]) -> None:
        group = etree.SubElement(etree.SubElement(parent, m + "metadata"), m + "metaGroup", category="packager")
        for key, value in values.items():
            etree.SubElement(group, m + "meta", type=key).text = value

    file_meta = {"format": IDENTITY_FORMAT, "module": module.id, "exported": exported}
    if kit:
        file_meta["kit"] = kit
    meta(file_el, file_meta)
    for row in rows:
        unit = etree.SubElement(file_el, x + "unit", id=str(row.number),
                                name=f"{srt_timecode(row.start)} --> {srt_timecode(row.end)}")
        meta(unit, {"start": f"{row.start:.3f}", "end": f"{row.end:.3f}", "source-hash": row.source_hash,
                    "target-hash": row.target_hash, "state": row.state})
        if row.comment:
            notes = etree.SubElement(unit, x + "notes")
            etree.SubElement(notes, x + "note", category="comment").text = row.comment
        segment = etree.SubElement(unit, x + "segment", id=str(row.number), state=XLIFF_STATES[row.state])
        if row.state in ("draft", "needs-review"):
            segment.set("subState", f"packager:{row.state}")
        source = etree.SubElement(segment, x + "source")
        source.text = row.source
        source.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        target = etree.SubElement(segment, x + "target")
        target.text = row.target
        target.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# ---------------------------------------------------------------------------------------------- entry


def export_bytes(project: Project, module: Module, fmt: str, *, exported: str | None = None,
                 kit: str | None = None, rows: list[ReviewRow] | None = None) -> bytes:
    exported = exported or now_iso()
    rows = rows if rows is not None else module_rows(project, module)
    if fmt == "docx":
        return docx_bytes(project, module, rows, exported=exported, kit=kit)
    if fmt == "srt":
        return srt_bytes(rows)
    if fmt in ("xliff", "xlf"):
        return xliff_bytes(project, module, rows, exported=exported, kit=kit)
    raise PackagerError(f"unknown review format {fmt!r}", hint=f"use one of: {', '.join(FORMATS)}")


EXPORTS_FILE = "review-exports.json"
KEEP_EXPORTS = 10


def export_module(project: Project, module: Module, fmt: str, output: Path) -> list[ReviewRow]:
    """Write one module's review file atomically. Returns the rows it carries."""
    from .states import notice_person_texts

    notice_person_texts(module.subtitle_path(project.target_language))
    rows = module_rows(project, module)
    exported = now_iso()
    write_bytes(output, export_bytes(project, module, fmt, rows=rows, exported=exported))
    record_export(project, module, rows, exported=exported, fmt=fmt)
    return rows


def _exports_path(project: Project) -> Path:
    return project.cache_dir / EXPORTS_FILE


def _read_exports(project: Project) -> dict[str, list[dict]]:
    try:
        data = json.loads(_exports_path(project).read_text(encoding="utf-8"))
        return {k: v for k, v in data.get("modules", {}).items() if isinstance(v, list)}
    except (OSError, ValueError, AttributeError):
        return {}


def record_export(project: Project, module: Module, rows: list[ReviewRow], *, exported: str, fmt: str) -> None:
    """Remember what an export carried (per cue: hashes, state, comment) in .packager/review-exports.json.

    An SRT has no room for an identity: when one comes back, the export it came from is found here
    (the one most of its cues still match), so a stale SRT cannot undo newer work."""
    exports = _read_exports(project)
    records = exports.get(module.id, [])
    records.append({"exported": exported, "format": fmt,
                    "cues": [{k: v for k, v in r.carried().items() if k != "draft"} for r in rows]})
    exports[module.id] = records[-KEEP_EXPORTS:]
    write_text(_exports_path(project), json.dumps({"format": "packager-review-exports/1", "modules": exports},
                                                  ensure_ascii=False, indent=1) + "\n")


def matching_export(project: Project, module: Module, returned: dict[str, tuple[float, float, str]]) -> dict | None:
    """The recorded export a returned file most likely came from: {cue key: carried}, or None.

    `returned`: cue key → (start, end, text). The export whose Spanish hashes match the most returned
    cues wins (the newest on a tie); none when no cue matches any recorded export."""
    from .states import text_hash

    best, best_score = None, 0
    for record in reversed(_read_exports(project).get(module.id, [])):
        cues = {str(c.get("n")): c for c in record.get("cues", []) if isinstance(c, dict)}
        score = sum(1 for key, (start, end, text) in returned.items()
                    if key in cues and cues[key].get("target_hash") == text_hash(text)
                    and _same_time(cues[key].get("start"), start) and _same_time(cues[key].get("end"), end))
        if score > best_score:
            best, best_score = cues, score
    return best


def _same_time(recorded, returned) -> bool:
    """A returned file that lost its times (a CAT tool dropping XLIFF's unit names) matches on text."""
    if returned is None:
        return True
    return isinstance(recorded, (int, float)) and abs(recorded - returned) < 0.002


def exported_target_hashes(project: Project, module: Module) -> dict[str, set[str]]:
    """cue key → the hashes of every Spanish text the module's recorded exports carried for that cue.

    A returned file that says nothing of its export is compared with these: a cue whose text now is
    none of them was changed at home after every export, so a return must not overwrite it."""
    out: dict[str, set[str]] = {}
    for record in _read_exports(project).get(module.id, []):
        for cue in record.get("cues", []):
            if isinstance(cue, dict) and cue.get("target_hash"):
                out.setdefault(str(cue.get("n")), set()).add(cue["target_hash"])
    return out
