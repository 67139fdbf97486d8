"""`build_documents`: the workbooks, the introduction booklet, the synthesis and the trainer guide.

Writes dist/documents/ (DOCX, PDF when LibreOffice exists, manifest.json). A document is rebuilt only
when its inputs changed: a digest of the files it reads (texts, subtitles, review sidecars, glossary,
module definitions, project settings) and of this package's code is kept in
.packager/documents/stamps.json.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console

from ..atomic import write_text
from ..errors import PackagerError
from ..project import WORKBOOKS_DIR, Project
from ..review.states import sidecar_path
from .model import CARD_SECONDS

OUT_DIR = "documents"
MANIFEST = "manifest.json"
STAMP_VERSION = 1


@dataclass
class DocumentsResult:
    out_dir: Path
    documents: list[dict] = field(default_factory=list)  # the manifest entries
    built: list[str] = field(default_factory=list)  # DOCX files written this run
    reused: list[str] = field(default_factory=list)  # DOCX files left as they were
    pdfs: list[str] = field(default_factory=list)  # PDFs written this run
    pdf_skipped: str | None = None  # why no PDF was made (None when PDFs are up to date)
    notes: dict[str, list[str]] = field(default_factory=dict)  # file → what is missing or draft
    seconds: float = 0.0


@dataclass
class _Plan:
    file: str
    kind: str
    module: str | None
    title: dict[str, str]
    inputs: list[Path]
    extra: object
    make: Callable


def _code_digest() -> str:
    digest = hashlib.sha256(str(STAMP_VERSION).encode())
    here = Path(__file__).parent
    for path in sorted([*here.glob("*.py"), here.parent / "texts.py"]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _digest(plan: _Plan, common: str) -> str:
    digest = hashlib.sha256(common.encode())
    digest.update(json.dumps(plan.extra, sort_keys=True, default=str).encode())
    for path in plan.inputs:
        digest.update(str(path).encode())
        for candidate in (path, sidecar_path(path)):
            if candidate.is_file():
                digest.update(hashlib.sha256(candidate.read_bytes()).digest())
            else:
                digest.update(b"-")
    return digest.hexdigest()


def _plans(project: Project) -> list[_Plan]:
    from .booklet import build_booklet
    from .guide import build_guide
    from .synthesis import build_synthesis
    from .workbook import build_workbook, workbook_name, workbook_title
    from .writing import TITLES

    src, dst = project.source_language, project.target_language
    base = project.root / WORKBOOKS_DIR
    glossary = project.root / "glossary.toml"
    modules = [m.definition.model_dump(mode="json") for m in project.modules]
    plans: list[_Plan] = []
    for module in project.modules:
        inputs = [module.subtitle_path(src), module.subtitle_path(dst), glossary]
        inputs += [p for p in (module.questions_path(src), module.questions_path(dst)) if p is not None]
        plans.append(_Plan(workbook_name(module), "workbook", module.id, workbook_title(module),
                           inputs, [module.definition.model_dump(mode="json"), CARD_SECONDS],
                           lambda m=module: build_workbook(project, m)))
    for name, kind, source, make in (
            ("introduction.docx", "booklet", "booklet.md", build_booklet),
            ("analyse-synthese.docx", "synthesis", "synthesis.toml", build_synthesis),
            ("guide-formateur.docx", "guide", "guide.md", build_guide)):
        if not (base / src / source).is_file():
            continue
        plans.append(_Plan(name, kind, None, TITLES[kind], [base / src / source, base / dst / source],
                           modules, lambda make=make: make(project)))
    return plans


def _load_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _common_digest(project: Project) -> str:
    """What every document depends on: this package's code and the project settings."""
    return _code_digest() + json.dumps(project.config.model_dump(mode="json"), sort_keys=True)


def outdated_documents(project: Project) -> set[str]:
    """The documents (file names) whose inputs changed since `docs` last wrote them, or never written:
    what `status` reports as out of date. Reads and hashes the inputs; writes nothing."""
    out = project.dist_dir / OUT_DIR
    stamps = _load_json(project.cache_dir / "documents" / "stamps.json")
    common = _common_digest(project)
    return {plan.file for plan in _plans(project)
            if not (out / plan.file).is_file() or stamps.get(plan.file, {}).get("docx") != _digest(plan, common)}


def _number_tables_of_contents(plans: list[_Plan], converted: dict[Path, Path], out: Path) -> None:
    """Give the tables of contents their page numbers, which LibreOffice does not fill in when it converts
    headless: read where each heading landed in the PDF, write the numbers into the DOCX, convert again.

    A page break follows the table, so the numbers move nothing unless they make the table a page
    longer: then the PDF has one more page, and it is read and numbered again (rarely; three rounds
    at most)."""
    from .pdf import convert_to_pdf, heading_pages, page_count, page_texts

    pending = {out / plan.file: plan for plan in plans}
    for _ in range(3):
        numbered: dict[Path, int] = {}
        for docx_path, plan in pending.items():
            writer, _notes = plan.make()  # the same inputs make the same document, now numbered
            entries = writer.toc_entries()
            texts = page_texts(converted[docx_path]) if entries else None
            pages = heading_pages(texts, writer.toc_heading or "", entries) if texts else None
            if pages is None:
                continue
            numbered[docx_path] = len(texts)
            writer.toc_pages = pages
            writer.save(docx_path)
        if not numbered:
            return
        convert_to_pdf(list(numbered), out)
        pending = {path: pending[path] for path, count in numbered.items() if page_count(converted[path]) != count}
        if not pending:
            return


def build_documents(project: Project, *, pdf: bool = True, console: Console | None = None) -> DocumentsResult:
    """Write dist/documents/: DOCX (and PDF with LibreOffice) for every document, and manifest.json."""
    from ..atomic import readable
    from .pdf import HINT, convert_to_pdf, find_soffice

    started = time.monotonic()
    out = project.dist_dir / OUT_DIR
    out.mkdir(parents=True, exist_ok=True)
    stamp_file = project.cache_dir / "documents" / "stamps.json"
    stamps = _load_json(stamp_file)
    common = _common_digest(project)
    result = DocumentsResult(out_dir=out)
    previous_notes = _load_json(out / MANIFEST)
    previous_notes = {e.get("file"): e.get("notes", []) for e in previous_notes.get("documents", [])
                      if isinstance(e, dict)}

    plans = _plans(project)
    digests: dict[str, str] = {}
    problems: list[PackagerError] = []
    for plan in plans:
        digest = _digest(plan, common)
        docx_path = out / plan.file
        entry = stamps.get(plan.file, {})
        if entry.get("docx") == digest and docx_path.is_file():
            result.reused.append(plan.file)
            result.notes[plan.file] = previous_notes.get(plan.file, entry.get("notes", []))
            digests[plan.file] = digest
            continue
        try:
            writer, notes = plan.make()
        except PackagerError as exc:
            problems.append(exc)
            continue
        writer.save(docx_path)
        result.built.append(plan.file)
        result.notes[plan.file] = notes
        digests[plan.file] = digest
        stamps[plan.file] = {"docx": digest, "notes": notes}
        stale_pdf = docx_path.with_suffix(".pdf")
        if stale_pdf.exists():
            stale_pdf.unlink()  # never ship a PDF of an older DOCX
        if console is not None:
            console.print(f"  wrote {plan.file}" + (f" ({'; '.join(notes)})" if notes else ""))
    write_text(stamp_file, json.dumps(stamps, indent=2, ensure_ascii=False))

    # PDFs: the DOCX files whose PDF is missing or older than this DOCX's digest.
    wanted = [p for p in plans if p.file in digests
              and not ((out / p.file).with_suffix(".pdf").is_file()
                       and stamps.get(p.file, {}).get("pdf") == digests[p.file])]
    if pdf and wanted:
        if find_soffice() is None:
            result.pdf_skipped = "LibreOffice (soffice) not found"
            if console is not None:
                console.print(f"  PDFs skipped: LibreOffice is not installed → {HINT}")
        else:
            try:
                converted = convert_to_pdf([out / p.file for p in wanted], out)
                _number_tables_of_contents([p for p in wanted if (out / p.file) in converted], converted, out)
            except PackagerError as exc:
                problems.append(exc)
                converted = {}
            for plan in wanted:
                if (out / plan.file) in converted:
                    stamps[plan.file]["pdf"] = digests[plan.file]
                    result.pdfs.append((out / plan.file).with_suffix(".pdf").name)
            write_text(stamp_file, json.dumps(stamps, indent=2, ensure_ascii=False))
            if console is not None and converted:
                console.print(f"  converted {len(converted)} document(s) to PDF")
    elif not pdf and wanted:
        result.pdf_skipped = "--no-pdf"

    for plan in plans:
        if plan.file not in digests:
            continue
        pdf_path = (out / plan.file).with_suffix(".pdf")
        has_pdf = pdf_path.is_file() and stamps.get(plan.file, {}).get("pdf") == digests[plan.file]
        result.documents.append({
            "file": plan.file, "pdf": pdf_path.name if has_pdf else None, "kind": plan.kind,
            "module": plan.module, "title": plan.title, "notes": result.notes.get(plan.file, []),
        })
    _remove_stale(out, {p.file for p in plans})
    write_text(out / MANIFEST, json.dumps({"documents": result.documents}, indent=2, ensure_ascii=False) + "\n")
    readable(out / MANIFEST)
    result.seconds = time.monotonic() - started
    if problems:
        from ..errors import CheckFailed

        raise problems[0] if len(problems) == 1 else CheckFailed(problems)
    return result


def _remove_stale(out: Path, current: set[str]) -> None:
    """Workbooks of modules that no longer exist (renumbered or removed) are not left behind."""
    for path in out.glob("cahier-*"):
        if path.suffix in (".docx", ".pdf") and path.with_suffix(".docx").name not in current:
            path.unlink()
