"""The translator's kit: everything to review the Spanish drafts offline, in one zip, and its return.

A kit (`packager kit`) is one zip with a single top folder::

    kit-<slug>-<YYYYMMDD-HHMMSS>/
        LEAME.txt, LISEZMOI.txt         what is inside, what to edit, what to send back
        manifest.json                   what the kit was made from (per cue: source hash, the draft)
        glosario-glossaire.docx / .csv  the glossary
        qa-borradores.csv               the QA report of the drafts
        documentos-borrador.docx        document units still in draft (if any)
        01-entreprise-a/
            01-entreprise-a.proxy.mp4   360p, French subtitles and timecode burned in
            01-entreprise-a.es.docx / .es.srt / .es.xliff

`import_kit` takes the zip (or the unzipped folder) back: the whole archive is checked first
(member names, the manifest, the identity inside each returned file), then every returned file that
differs from what was sent is parsed and planned, and only then is anything written. When a kit goes
out and comes back is recorded in `.packager/kits.json` (`kit_history`, for `packager status`).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from ..atomic import atomic_path, write_text
from ..errors import PackagerError
from .export import (
    FORMATS,
    INSTRUCTIONS,
    STATE_LABELS,
    _set_text,
    _shade,
    add_hidden,
    export_bytes,
    file_stem,
    finish_table,
    format_tc,
    identity_line,
    module_rows,
    new_document,
    now_iso,
    review_table,
)

if TYPE_CHECKING:
    from ..project import Module, Project
    from .importer import Summary

KIT_FORMAT = "packager-kit/1"
KITS_FILE = "kits.json"
MANIFEST = "manifest.json"
MAX_MEMBER_BYTES = 200 * 1024 * 1024  # an editable file larger than this is not one we sent
MAX_TOTAL_BYTES = 8 * 1024 * 1024 * 1024
JUNK = re.compile(r"(^|/)(__MACOSX/|\.DS_Store$|Thumbs\.db$|desktop\.ini$|~\$[^/]*$|\.~lock\.[^/]*#$)")


@dataclass
class KitResult:
    path: Path
    kit_id: str
    modules: list[str]
    size: int
    files: list[str] = field(default_factory=list)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------------------------------------- history


def _kits_path(project: Project) -> Path:
    return project.cache_dir / KITS_FILE


def _read_kits(project: Project) -> list[dict]:
    try:
        data = json.loads(_kits_path(project).read_text(encoding="utf-8"))
        kits = data.get("kits", [])
        return [k for k in kits if isinstance(k, dict)]
    except (OSError, ValueError, AttributeError):
        return []


def _write_kits(project: Project, kits: list[dict]) -> None:
    write_text(_kits_path(project), json.dumps({"format": "packager-kits/1", "kits": kits}, ensure_ascii=False,
                                               indent=2) + "\n")


def kit_history(project: Project) -> dict[str, dict]:
    """module id → {"sent": ISO time of its last kit, "returned": ISO time it came back, or None}."""
    history: dict[str, dict] = {}
    for kit in sorted(_read_kits(project), key=lambda k: str(k.get("created", ""))):
        for module_id in kit.get("modules", []):
            history[module_id] = {"sent": kit.get("created", ""), "returned": kit.get("returned")}
    return history


def _record_sent(project: Project, kit_id: str, created: str, modules: list[str], path: Path) -> None:
    kits = [k for k in _read_kits(project) if k.get("id") != kit_id]
    kits.append({"id": kit_id, "created": created, "modules": modules, "file": path.name, "returned": None})
    _write_kits(project, kits)


def _record_returned(project: Project, kit_id: str, created: str, modules: list[str]) -> None:
    kits = _read_kits(project)
    for kit in kits:
        if kit.get("id") == kit_id:
            kit["returned"] = now_iso()
            break
    else:  # a kit made elsewhere, or kits.json lost: still record it
        kits.append({"id": kit_id, "created": created, "modules": modules, "file": None, "returned": now_iso()})
    _write_kits(project, kits)


# ---------------------------------------------------------------------------------------------- building


def _glossary_files(project: Project) -> tuple[bytes, bytes]:
    from ..glossary import load_glossary

    glossary = load_glossary(project)
    headers = ["Français", "Español", "Conservar / Garder tel quel", "Nota (FR)", "Nota (ES)"]
    rows = [[t.fr, t.text("es"), "sí / oui" if t.keep else "", t.note_fr or "", t.note_es or ""]
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
            _set_text(cell, value, size=9)
    finish_table(table, widths)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue(), csv_bytes


def _qa_csv(project: Project, module_ids: list[str]) -> tuple[bytes, str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Module", "Line number", "Cue", "Time code", "Severity", "Rule", "Message"])
    note = ""
    try:
        from ..subtitles.qa import run_qa
    except ImportError:
        note = "QA not available in this version: the report is empty"
    else:
        report = run_qa(project, module_ids)
        findings = [f for f in report.findings if f.lang == project.target_language]
        for f in sorted(findings, key=lambda f: (f.module_id, f.cue or 0, f.rule)):
            writer.writerow([f.module_id, f.line if f.line is not None else "", f.cue if f.cue is not None else "",
                             format_tc(f.start) if f.start is not None else "", f.severity, f.rule, f.message])
        note = f"{len(findings)} QA finding(s) on the drafts"
    return buffer.getvalue().encode("utf-8-sig"), note


DOC_WIDTHS = [5.0, 9.0, 9.0, 2.3, 4.0]
DOC_HEADERS = ["Clave / Clé", "Français (no editar / ne pas modifier)", "Español", "Estado / État",
               "Comentario / Commentaire"]


def _document_units(project: Project, module_ids: list[str], *, general: bool) -> list[dict]:
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


def _documents_docx(units: list[dict], kit_id: str, created: str) -> bytes:
    from docx.shared import RGBColor

    document = new_document("Textos de los cuadernos / Textes des cahiers",
                            identity_line("documents", kit_id, created, f" kit={kit_id}"), INSTRUCTIONS)
    table = review_table(document, DOC_HEADERS, DOC_WIDTHS)
    grey = RGBColor(0x55, 0x55, 0x55)
    for unit in units:
        cells = table.add_row().cells
        _set_text(cells[0], unit["key"], size=7, colour=grey)
        add_hidden(cells[0], f" [{unit['source_hash']}/{unit['target_hash']}/{unit['state']}]")
        _set_text(cells[1], unit["source"], colour=grey)
        _shade(cells[1], "EEEEEE")
        _set_text(cells[2], unit["draft"])
        _set_text(cells[3], STATE_LABELS.get(unit["state"], unit["state"]), size=9)
        _set_text(cells[4], unit["comment"] or "", size=9)
    finish_table(table, DOC_WIDTHS)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _readme(project: Project, modules: list[Module], lang: str, has_documents: bool, proxy: bool = True) -> str:
    text = _readme_text(project, modules, lang, has_documents)
    if not proxy:  # a texts-only kit: no video lines
        text = "\n".join(line for line in text.split("\n") if "proxy.mp4" not in line and "[37]" not in line)
    return text


def _readme_text(project: Project, modules: list[Module], lang: str, has_documents: bool) -> str:
    listing = "\n".join(f"  {m.order:02d}-{m.id}/  {m.title(lang)}" for m in modules)
    if lang == "es":
        docs_line = ("  documentos-borrador.docx         textos de los cuadernos aún en borrador (misma tabla).\n"
                     if has_documents else "")
        return f"""KIT DE REVISIÓN — {project.config.programme.title('es')}

Este kit contiene los subtítulos en español (borradores) para revisar, sin instalar nada.

CONTENIDO
{listing}
  En cada carpeta de módulo:
    *.proxy.mp4   el video en baja resolución, con los subtítulos franceses y el tiempo incrustados.
                  Cada subtítulo empieza con su número: [37] = subtítulo 37.
    *.es.docx     tabla bilingüe (Word o LibreOffice): número, tiempo, francés, español, estado, comentario.
    *.es.srt      la pista española (Subtitle Edit, Aegisub).
    *.es.xliff    XLIFF 2.0 (herramientas de traducción asistida).
  glosario-glossaire.docx / .csv   términos que se conservan y traducciones obligatorias.
  qa-borradores.csv                problemas detectados en los borradores (líneas largas, lectura rápida…).
{docs_line}  manifest.json                    para packager: NO LO MODIFIQUE.

QUÉ EDITAR (use UNO de los tres formatos por módulo)
  - Solo la columna «Español» (o la pista SRT, o los <target> del XLIFF).
  - Columna «Estado»: escriba «aprobado» para aprobar un subtítulo (en XLIFF: state="final").
  - Columna «Comentario»: sus observaciones para el productor.

QUÉ NO TOCAR NUNCA
  - Los números de subtítulo, los tiempos (timecodes), la columna francesa, la línea gris bajo el título.
  - No agregue, borre, una ni divida subtítulos: un archivo con otros tiempos u otro número de
    subtítulos se rechaza entero.
  - Las cifras («14,9 %», «2 500») deben quedar iguales.

QUÉ DEVOLVER
  Guarde los archivos con el mismo nombre y formato, comprima la carpeta completa del kit en un .zip
  (o devuelva la carpeta) y envíela al productor. No agregue otros archivos.
"""
    docs_line = ("  documentos-borrador.docx         textes des cahiers encore en brouillon (même tableau).\n"
                 if has_documents else "")
    return f"""KIT DE RÉVISION — {project.config.programme.title('fr')}

Ce kit contient les sous-titres espagnols (brouillons) à réviser, sans rien installer.

CONTENU
{listing}
  Dans chaque dossier de module :
    *.proxy.mp4   la vidéo en basse résolution, sous-titres français et minutage incrustés.
                  Chaque sous-titre commence par son numéro : [37] = sous-titre 37.
    *.es.docx     tableau bilingue (Word ou LibreOffice) : numéro, temps, français, espagnol, état, commentaire.
    *.es.srt      la piste espagnole (Subtitle Edit, Aegisub).
    *.es.xliff    XLIFF 2.0 (outils de traduction assistée).
  glosario-glossaire.docx / .csv   termes conservés tels quels et traductions imposées.
  qa-borradores.csv                problèmes relevés dans les brouillons (lignes longues, lecture rapide…).
{docs_line}  manifest.json                    pour packager : NE PAS MODIFIER.

CE QU'ON MODIFIE (UN seul des trois formats par module)
  - Seulement la colonne « Español » (ou la piste SRT, ou les <target> du XLIFF).
  - Colonne « État » : écrire « approuvé » (ou « aprobado ») pour approuver un sous-titre (XLIFF : state="final").
  - Colonne « Commentaire » : vos remarques pour le producteur.

CE QU'ON NE TOUCHE JAMAIS
  - Les numéros de sous-titres, les temps (timecodes), la colonne française, la ligne grise sous le titre.
  - N'ajoutez, ne supprimez, ne fusionnez ni ne coupez aucun sous-titre : un fichier dont les temps ou
    le nombre de sous-titres diffèrent est refusé en entier.
  - Les nombres (« 14,9 % », « 2 500 ») restent identiques.

CE QU'ON RENVOIE
  Enregistrez les fichiers sous le même nom et le même format, compressez tout le dossier du kit en .zip
  (ou renvoyez le dossier) au producteur. N'y ajoutez pas d'autres fichiers.
"""


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
    rows_by_module = {m.id: module_rows(project, m) for m in modules}  # fails early, before any encode
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
        step("glossary, QA report, documents")
        glossary_docx, glossary_csv = _glossary_files(project)
        files["glosario-glossaire.docx"] = glossary_docx
        files["glosario-glossaire.csv"] = glossary_csv
        qa_bytes, _qa_note = _qa_csv(project, module_ids)
        files["qa-borradores.csv"] = qa_bytes
        doc_units = _document_units(project, module_ids, general=general_documents)
        documents = {"file": None, "units": {}}
        if doc_units:
            files["documentos-borrador.docx"] = _documents_docx(doc_units, kit_id, created)
            documents = {"file": "documentos-borrador.docx",
                         "units": {u["key"]: {k: u[k] for k in ("source_hash", "target_hash", "draft", "state",
                                                                  "comment")} for u in doc_units}}
        # CRLF and a BOM: Windows' Notepad shows the accents and the lines right.
        for name, lang in (("LEAME.txt", "es"), ("LISEZMOI.txt", "fr")):
            files[name] = _readme(project, modules, lang, bool(doc_units), proxy).replace("\n", "\r\n").encode("utf-8-sig")
        hashes = {name: _sha256(data if isinstance(data, bytes) else data.read_bytes()) for name, data in files.items()}
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
    _record_sent(project, kit_id, created, module_ids, output)
    from .export import record_export

    for module in modules:  # an SRT of the kit sent back on its own is then recognised too
        record_export(project, module, rows_by_module[module.id], exported=created, fmt="kit")
    return KitResult(path=output, kit_id=kit_id, modules=module_ids, size=output.stat().st_size,
                     files=[f"{top}/{n}" for n in sorted(files)])


# ---------------------------------------------------------------------------------------------- reading


def _safe_name(name: str) -> PurePosixPath | None:
    """A member name as a relative path, or None when it could escape (absolute, '..', drive letters)."""
    name = name.replace("\\", "/")
    if not name or name.startswith("/") or re.match(r"^[A-Za-z]:", name) or "\x00" in name:
        return None
    path = PurePosixPath(name)
    if any(part in ("..", "") for part in path.parts) or path.is_absolute():
        return None
    return path


class KitSource:
    """The members of a returned kit, relative to its top folder, read on demand."""

    def __init__(self, label: str, members: dict[str, Callable[[], bytes]], sizes: dict[str, int]):
        self.label = label
        self.members = members
        self.sizes = sizes

    def read(self, name: str) -> bytes:
        if self.sizes.get(name, 0) > MAX_MEMBER_BYTES:
            raise PackagerError(f"kit member {name} is too large to be a returned file", path=self.label)
        return self.members[name]()


def open_zip(path: Path) -> tuple[KitSource, zipfile.ZipFile]:
    try:
        archive = zipfile.ZipFile(path)
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise PackagerError(f"not a readable zip file ({exc}); nothing was written", path=path,
                            hint="send the kit again, zipped with any zip tool") from None
    problems = []
    names: list[PurePosixPath] = []
    total = 0
    for info in infos:
        safe = _safe_name(info.filename)
        mode = (info.external_attr >> 16) & 0o170000
        if safe is None:
            problems.append(f"unsafe member name {info.filename!r}")
            continue
        if mode == 0o120000:
            problems.append(f"member {info.filename!r} is a symbolic link")
            continue
        if info.flag_bits & 0x1:
            problems.append(f"member {info.filename!r} is encrypted")
            continue
        total += info.file_size
        if info.is_dir():
            continue
        names.append(safe)
    if total > MAX_TOTAL_BYTES:
        problems.append(f"the archive unpacks to {total / 1e9:.1f} GB")
    if problems:
        archive.close()
        raise PackagerError("refused: this is not a kit packager made; nothing was written\n"
                            + "\n".join(f"  - {p}" for p in problems), path=path)
    kept = [n for n in names if not JUNK.search(str(n))]
    # The kit's root is where its manifest is: at the top (the translator zipped the contents), one
    # folder down (as sent), or deeper (a folder holding the kit folder was zipped).
    manifests = sorted((n for n in kept if n.name == MANIFEST), key=lambda n: len(n.parts))
    prefix = ""
    if manifests:
        parent = str(manifests[0].parent)
        prefix = "" if parent == "." else parent + "/"
    by_name = {info.filename.replace("\\", "/"): info for info in infos}
    members: dict[str, Callable[[], bytes]] = {}
    sizes: dict[str, int] = {}
    for n in kept:
        original = next(k for k in by_name if PurePosixPath(k) == n)
        relative = str(n)[len(prefix):] if str(n).startswith(prefix) else f"../{n}"  # outside: unexpected
        info = by_name[original]
        members[relative] = (lambda i=info: archive.read(i))
        sizes[relative] = info.file_size
    return KitSource(str(path), members, sizes), archive


def open_folder(path: Path) -> KitSource:
    base = path
    if not (base / MANIFEST).is_file():
        candidates = [d for d in path.iterdir() if d.is_dir() and (d / MANIFEST).is_file()]
        if len(candidates) != 1:
            raise PackagerError("no kit here (no manifest.json in this folder or one folder below)", path=path,
                                hint="pass the unzipped kit folder, or the kit's .zip")
        base = candidates[0]
    members: dict[str, Callable[[], bytes]] = {}
    sizes: dict[str, int] = {}
    problems = []
    for file in sorted(base.rglob("*")):
        relative = file.relative_to(base).as_posix()
        if file.is_symlink():
            problems.append(f"{relative} is a symbolic link")
            continue
        if file.is_dir() or JUNK.search(relative):
            continue
        members[relative] = (lambda f=file: f.read_bytes())
        sizes[relative] = file.stat().st_size
    if problems:
        raise PackagerError("refused: this is not a kit packager made; nothing was written\n"
                            + "\n".join(f"  - {p}" for p in problems), path=path)
    return KitSource(str(base), members, sizes)


def check_manifest(project: Project, source: KitSource) -> dict:
    """The manifest, checked against the project and against the members present."""
    if MANIFEST not in source.members:
        raise PackagerError("refused: the kit has no manifest.json; nothing was written", path=source.label,
                            hint="send back the whole kit folder, manifest.json included")
    try:
        manifest = json.loads(source.read(MANIFEST).decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise PackagerError(f"refused: manifest.json is damaged ({exc}); nothing was written", path=source.label) from None
    problems = []
    if not isinstance(manifest, dict) or manifest.get("format") != KIT_FORMAT:
        raise PackagerError(f"refused: manifest.json is not a {KIT_FORMAT} manifest; nothing was written",
                            path=source.label)
    if manifest.get("project") != project.config.programme.slug:
        problems.append(f"the kit was made for project {manifest.get('project')!r}, "
                        f"this is {project.config.programme.slug!r}")
    files = manifest.get("files")
    modules = manifest.get("modules")
    if not isinstance(files, dict) or not isinstance(modules, list) or not isinstance(manifest.get("kit"), str):
        raise PackagerError("refused: manifest.json is incomplete; nothing was written", path=source.label)
    known = {m.id for m in project.modules}
    for entry in modules:
        if not isinstance(entry, dict) or entry.get("id") not in known:
            problems.append(f"the manifest names module {entry.get('id') if isinstance(entry, dict) else entry!r}, "
                            "which this project does not have")
            continue
        if not isinstance(entry.get("cues"), list) or not isinstance(entry.get("files"), dict):
            problems.append(f"the manifest's entry of {entry.get('id')} is incomplete")
            continue
        for name in entry["files"].values():
            if name not in files:
                problems.append(f"the manifest names {name} but does not list it")
    for name in source.members:
        if name != MANIFEST and name not in files:
            problems.append(f"unexpected member {name}")
    if problems:
        raise PackagerError("refused: the kit does not match its manifest; nothing was written\n"
                            + "\n".join(f"  - {p}" for p in problems), path=source.label)
    return manifest


# ---------------------------------------------------------------------------------------------- import


def _touched(unit, base: dict) -> bool:
    from .states import text_hash

    if text_hash(unit.target) != base.get("target_hash"):
        return True
    if unit.approve and base.get("state") != "approved":
        return True
    return unit.comment is not None and unit.comment != (base.get("comment") or None)


def import_kit(project: Project, path: Path, *, who: str | None = None, dry_run: bool = False) -> Summary:
    """Check a returned kit whole, then apply every returned file in one go (see the module doc)."""
    from .importer import (
        Conflict,
        FilePlan,
        Summary,
        align_subtitles,
        commit,
        parse_return,
        plan_documents,
        plan_subtitles,
    )
    from .states import text_hash

    path = Path(path)
    archive = None
    if path.is_dir():
        source = open_folder(path)
    elif path.is_file():
        source, archive = open_zip(path)
    else:
        raise PackagerError("kit not found", path=path)
    try:
        manifest = check_manifest(project, source)
        kit_id = manifest["kit"]
        hashes = manifest["files"]
        who = who or f"kit {kit_id}"
        when = now_iso()
        summary = Summary()
        # Parse every returned file that differs from what was sent; check its identity.
        parsed: list[tuple[dict, list]] = []
        problems = []
        for entry in manifest["modules"]:
            returned = []
            for fmt in FORMATS:
                name = entry["files"].get(fmt)
                if not name or name not in source.members:
                    continue
                data = source.read(name)
                if _sha256(data) == hashes.get(name):
                    continue
                rf = parse_return(data, name, module_id=entry["id"])
                if rf.kind != "srt" and (rf.module_id != entry["id"] or (rf.kit and rf.kit != kit_id)):
                    problems.append(f"{name} belongs to module {rf.module_id!r} of kit {rf.kit!r}, "
                                    f"not to {entry['id']!r} of this kit")
                returned.append(rf)
            parsed.append((entry, returned))
        doc_returned = None
        doc_name = (manifest.get("documents") or {}).get("file")
        if doc_name and doc_name in source.members:
            data = source.read(doc_name)
            if _sha256(data) != hashes.get(doc_name):
                doc_returned = parse_return(data, doc_name)
                if not doc_returned.documents or (doc_returned.kit and doc_returned.kit != kit_id):
                    problems.append(f"{doc_name} is not this kit's documents file")
        if problems:
            raise PackagerError("refused: the kit does not match its manifest; nothing was written\n"
                                + "\n".join(f"  - {p}" for p in problems), path=source.label)
        plans: list[FilePlan] = []
        for entry, returned in parsed:
            if not returned:
                continue
            module = project.module(entry["id"])
            carried = {str(c["n"]): c for c in entry["cues"] if isinstance(c, dict) and "n" in c}
            keyed_files = []
            for rf in returned:
                try:
                    keyed_files.append((rf.label, align_subtitles(project, module, rf)))
                except PackagerError as exc:
                    summary.refused.append(exc.message.replace("\n", "\n  ") + f" [{rf.label}]")
                    continue
                summary.applied.append(rf.label)
            merged: dict = {}
            touched_by: dict[str, str] = {}
            disagree: set[str] = set()
            for label, units in keyed_files:
                for key, unit in units.items():
                    base = carried.get(key, {})
                    if not _touched(unit, base):
                        merged.setdefault(key, unit)
                        continue
                    if key in touched_by and key not in disagree:
                        previous = merged[key]
                        if text_hash(previous.target) != text_hash(unit.target) and \
                                text_hash(unit.target) != base.get("target_hash"):
                            if text_hash(previous.target) != base.get("target_hash"):
                                disagree.add(key)
                                summary.conflicts.append(Conflict(
                                    module.id, f"cue {key}", previous.target, unit.target, "returned twice",
                                    reason=f"{touched_by[key]} and {label} disagree"))
                                continue
                            previous.target = unit.target
                        previous.approve = previous.approve or unit.approve
                        previous.comment = previous.comment or unit.comment
                        continue
                    merged[key] = unit
                    touched_by[key] = label
            for key in disagree:
                merged.pop(key, None)
            plans.append(plan_subtitles(project, module, merged, carried=carried, who=who, when=when,
                                        summary=summary))
        if doc_returned is not None:
            plans += plan_documents(project, doc_returned.units,
                                    carried=(manifest.get("documents") or {}).get("units") or {}, who=who,
                                    when=when, summary=summary, label=doc_name)
            summary.applied.append(doc_name)
        if not dry_run:
            commit(plans)
            _record_returned(project, kit_id, manifest.get("created", ""), [m["id"] for m in manifest["modules"]])
        if not summary.applied:
            summary.notes.append("no returned file differs from what the kit carried: nothing to apply")
        return summary
    finally:
        if archive is not None:
            archive.close()
