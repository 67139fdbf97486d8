"""The translator's kit: everything to review the target-language drafts (Spanish for the sample)
offline, in one zip, and its return.

A kit (`packager kit`) is one zip with a single top folder::

    kit-<slug>-<YYYYMMDD-HHMMSS>/
        LEAME.txt, LISEZMOI.txt         what is inside, what to edit, what to send back
        manifest.json                   what the kit was made from (per cue: source hash, the draft)
        glosario-glossaire.docx / .csv  the glossary
        qa-borradores.csv               the QA report of the drafts
        documentos-borrador.docx        document units still in draft (if any)
        01-entreprise-a/
            01-entreprise-a.proxy.mp4   360p, source subtitles and timecode burned in
            01-entreprise-a.es.docx / .es.srt / .es.xliff

The read-mes are written by kit_readme.py, the workbook texts' table by kit_documents.py. Taking it
back is take_back.py's job; when a kit goes out and comes back is recorded in `.packager/kits.json`
(kit_records.py, for `packager status`).
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from ..atomic import atomic_path
from ..errors import PackagerError
from ..timecode import srt_timecode
from .export import FORMATS, LANGUAGE_FORMS, export_bytes, file_stem, module_rows
from .kit_documents import document_units, documents_docx
from .kit_readme import kit_readme
from .kit_records import KIT_FORMAT, MANIFEST, record_sent
from .kit_records import sha256 as _sha256
from .states import notice_person_texts
from .word_table import finish_table, new_document, review_table, set_cell_text

if TYPE_CHECKING:
    from ..project import Module, Project

@dataclass
class KitResult:
    path: Path
    kit_id: str
    modules: list[str]
    size: int
    files: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------- building


def _glossary_files(project: Project) -> tuple[bytes, bytes]:
    from ..glossary import load_glossary

    glossary = load_glossary(project)
    src, dst = project.source_language, project.target_language
    headers = [LANGUAGE_FORMS[src]["name"], LANGUAGE_FORMS[dst]["name"], "Conservar / Garder tel quel",
               "Nota (FR)", "Nota (ES)"]
    rows = [[t.text(src), t.text(dst), "sí / oui" if t.keep else "", t.note_fr or "", t.note_es or ""]
            for t in glossary.terms]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    csv_bytes = buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8
    document = new_document("Glosario / Glossaire", f"{project.config.programme.slug} glossary", [
        "ES: Términos que se conservan tal cual (nombres, siglas) y traducciones obligatorias.",
        "FR : Termes conservés tels quels (noms, sigles) et traductions imposées.",
    ])
    widths = [6.5, 6.5, 3.0, 5.5, 5.5]
    table = review_table(document, headers, widths)
    for row in rows:
        for cell, value in zip(table.add_row().cells, row):
            set_cell_text(cell, value, size=9)
    finish_table(table, widths)
    from ..documents.language import review_document_language

    tags = project.config.documents.language_tag
    review_document_language(document, tags(src), tags(dst), [row.cells[1] for row in table.rows[1:]])
    out = io.BytesIO()
    document.save(out)
    return out.getvalue(), csv_bytes


# The QA rules in the translator's languages (the report's messages are the producer's, in English).
QA_RULES_ES_FR = {
    "empty": "subtítulo vacío / sous-titre vide",
    "line-length": "línea demasiado larga / ligne trop longue",
    "line-count": "demasiadas líneas / trop de lignes",
    "reading-speed": "lectura demasiado rápida / lecture trop rapide",
    "min-duration": "subtítulo demasiado corto / sous-titre trop court",
    "max-duration": "subtítulo demasiado largo / sous-titre trop long",
    "min-gap": "pausa demasiado corta entre subtítulos / pause trop courte entre sous-titres",
    "overlap": "subtítulos superpuestos / sous-titres qui se chevauchent",
    "spanish-punctuation": "¿ ¡ sin abrir o sin cerrar / ¿ ¡ non ouverts ou non fermés",
    "untranslated": "sin traducir / non traduit",
    "numbers": "cifra distinta del {es_noun} / nombre différent {fr_of_the}",
    "glossary": "término del glosario no respetado / terme du glossaire non respecté",
}


def qa_rule_label(rule: str, source_language: str) -> str:
    """A QA rule in the translator's languages; a rule comparing with the source names its language."""
    return QA_RULES_ES_FR.get(rule, "").format(**LANGUAGE_FORMS[source_language])


def _qa_csv(project: Project, modules: list[Module]) -> tuple[bytes, int]:
    """The QA report of the kit's Spanish drafts as CSV (Excel and LibreOffice read it), and its count."""
    from ..subtitles.qa import run_qa

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Module", "Line number", "Cue", "Time code", "Severity", "Rule", "Regla / Règle", "Message"])
    report = run_qa(project, [m.id for m in modules])
    order = {m.id: m.order for m in modules}
    findings = [f for f in report.findings if f.lang == project.target_language]
    for f in sorted(findings, key=lambda f: (order.get(f.module_id, 0), f.cue or 0, f.rule)):
        writer.writerow([f.module_id, f.line if f.line is not None else "", f.cue if f.cue is not None else "",
                         srt_timecode(f.start) if f.start is not None else "", f.severity, f.rule,
                         qa_rule_label(f.rule, project.source_language), f.message])
    return buffer.getvalue().encode("utf-8-sig"), len(findings)


def build_kit(project: Project, modules: list[Module], output: Path, *, proxy: bool = True,
              preset: str = "veryfast", general_documents: bool | None = None,
              on_step: Callable[[str], None] | None = None) -> KitResult:
    """Make one kit zip for `modules` at `output` (atomically) and record it in .packager/kits.json."""
    step = on_step or (lambda _msg: None)
    output = Path(output)
    if output.suffix.lower() != ".zip":
        raise PackagerError("the kit is a .zip file", path=output, hint="name the output FILE.zip")
    if not modules:
        raise PackagerError("no module to put in the kit")
    if general_documents is None:
        general_documents = len(modules) == len(project.modules)
    created_at = datetime.now(timezone.utc).replace(microsecond=0)
    created = created_at.isoformat().replace("+00:00", "Z")
    slug = project.config.programme.slug
    stamp = created_at.strftime("%Y%m%d-%H%M%S")
    suffix = "" if len(modules) != 1 or general_documents else f"-{modules[0].id}"
    kit_id = f"{slug}{suffix}-{stamp}"
    top = f"kit-{kit_id}"
    module_ids = [m.id for m in modules]
    files: dict[str, bytes | Path] = {}
    manifest_modules = []
    rows_by_module = {}
    for module in modules:  # fails early, before any encode
        try:
            notice_person_texts(module.subtitle_path(project.target_language))
            rows_by_module[module.id] = module_rows(project, module)
        except PackagerError as exc:
            if len(modules) > 1:
                others = " ".join(m.id for m in modules if m.id != module.id)
                exc.hint = f"{exc.hint + '; ' if exc.hint else ''}or make the kit without it: packager kit {others} -o …"
            raise
    with tempfile.TemporaryDirectory(prefix="packager-kit-") as tmp_name:
        tmp = Path(tmp_name)
        for module in modules:
            rows = rows_by_module[module.id]
            folder = f"{module.order:02d}-{module.id}"
            stem = file_stem(project, module)
            entry = {"id": module.id, "order": module.order, "title": {lang: module.title(lang) for lang in project.languages},
                     "files": {}, "cues": [r.carried() for r in rows]}
            for fmt in FORMATS:
                name = f"{folder}/{stem}.{fmt}"
                files[name] = export_bytes(project, module, fmt, exported=created, kit=kit_id, rows=rows)
                entry["files"][fmt] = name
            if proxy:
                step(f"proxy of {module.id}")
                proxy_path = tmp / f"{module.id}.mp4"
                from .proxy import make_proxy

                make_proxy(project, module, proxy_path, preset=preset)
                name = f"{folder}/{folder}.proxy.mp4"
                files[name] = proxy_path
                entry["files"]["proxy"] = name
            manifest_modules.append(entry)
        step("editor")  # editor.html: the kit's own subtitle editor (editor.py)
        from .editor import editor_html

        videos = {m["id"]: m["files"]["proxy"] for m in manifest_modules if "proxy" in m["files"]}
        files["editor.html"] = editor_html(project, modules, rows_by_module, kit_id=kit_id, created=created,
                                           videos=videos)
        step("glossary, QA report, documents")
        glossary_docx, glossary_csv = _glossary_files(project)
        files["glosario-glossaire.docx"] = glossary_docx
        files["glosario-glossaire.csv"] = glossary_csv
        qa_bytes, qa_findings = _qa_csv(project, modules)
        files["qa-borradores.csv"] = qa_bytes
        doc_units = document_units(project, module_ids, general=general_documents)
        documents = {"file": None, "units": {}}
        if doc_units:
            tags = tuple(project.config.documents.language_tag(c) for c in project.languages)
            files["documentos-borrador.docx"] = documents_docx(doc_units, kit_id, created, project.source_language,
                                                                project.target_language, tags)
            documents = {"file": "documentos-borrador.docx",
                         "units": {u["key"]: {k: u[k] for k in ("source_hash", "target_hash", "draft", "state",
                                                                  "comment")} for u in doc_units}}
        # CRLF and a BOM: Windows' Notepad shows the accents and the lines right.
        for name, lang in (("LEAME.txt", "es"), ("LISEZMOI.txt", "fr")):
            text = kit_readme(project, modules, lang, bool(doc_units), proxy, qa_findings=qa_findings)
            files[name] = text.replace("\n", "\r\n").encode("utf-8-sig")
        hashes = {name: _sha256(data) for name, data in files.items()}
        manifest = {"format": KIT_FORMAT, "kit": kit_id, "created": created, "project": slug,
                    "source_language": project.source_language, "target_language": project.target_language,
                    "modules": manifest_modules, "documents": documents, "files": hashes}
        files[MANIFEST] = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        step("zip")
        with atomic_path(output) as tmp_zip:
            with zipfile.ZipFile(tmp_zip, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                for name in sorted(files):
                    data = files[name]
                    info = zipfile.ZipInfo(f"{top}/{name}", date_time=created_at.timetuple()[:6])
                    info.external_attr = 0o644 << 16
                    if isinstance(data, Path):
                        info.compress_type = zipfile.ZIP_STORED
                        with data.open("rb") as src, archive.open(info, "w") as dst:
                            shutil.copyfileobj(src, dst, 1024 * 1024)
                    else:
                        info.compress_type = zipfile.ZIP_DEFLATED
                        archive.writestr(info, data)
    record_sent(project, kit_id, created, module_ids, output)
    from .export import record_export

    for module in modules:  # an SRT of the kit sent back on its own is then recognised too
        record_export(project, module, rows_by_module[module.id], exported=created, fmt="kit")
    return KitResult(path=output, kit_id=kit_id, modules=module_ids, size=output.stat().st_size,
                     files=[f"{top}/{n}" for n in sorted(files)])
