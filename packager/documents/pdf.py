"""DOCX → PDF (tagged) with LibreOffice (`soffice --headless --convert-to pdf`), and the pages headings land on.

Two LibreOffice instances sharing a user profile fail, so every run uses its own throw-away profile
(-env:UserInstallation). All documents of a run are converted by one soffice process (its start-up
is most of the cost). PDFs are written to a temporary folder and moved into place atomically.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
from pathlib import Path

from .. import interrupt
from ..atomic import atomic_path
from ..errors import PackagerError

HINT = ("install LibreOffice to get PDFs (Debian/Ubuntu: apt-get install libreoffice-writer-nogui; "
        "macOS/Windows: libreoffice.org), or open the DOCX files and print them")


# Tagged PDF (a structure tree with each paragraph's language, /Lang from the document's default
# language): screen readers read French as French and Spanish as Spanish. JSON filter options need
# LibreOffice ≥ 7.4.
PDF_FILTER = 'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"}}'


def find_soffice() -> str | None:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return None


def convert_to_pdf(docx_files: list[Path], out_dir: Path, *, timeout: float | None = None) -> dict[Path, Path]:
    """Convert DOCX files to PDFs in `out_dir`; returns docx → pdf for those converted.

    Raises PackagerError when soffice is missing or fails on a file (naming it and soffice's message).
    """
    if not docx_files:
        return {}
    soffice = find_soffice()
    if soffice is None:
        raise PackagerError("LibreOffice (soffice) is not installed", hint=HINT)
    out_dir.mkdir(parents=True, exist_ok=True)
    timeout = timeout or 120 + 30 * len(docx_files)
    with tempfile.TemporaryDirectory(prefix="packager-soffice-") as tmp:
        profile = Path(tmp) / "profile"
        staging = Path(tmp) / "out"
        staging.mkdir()
        command = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                   "--nolockcheck", "--convert-to", PDF_FILTER, "--outdir", str(staging),
                   *[str(p) for p in docx_files]]
        env = dict(os.environ, HOME=tmp)  # nothing of the user's own LibreOffice is touched
        try:  # in its own process group, killed with its helpers on Ctrl-C (interrupt.py)
            with interrupt.child(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                                 stdin=subprocess.DEVNULL) as process:
                stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise PackagerError(f"LibreOffice did not finish converting {len(docx_files)} document(s) "
                                f"in {timeout:.0f} s", hint="run `packager docs --no-pdf` and convert by hand") from None
        converted: dict[Path, Path] = {}
        missing = []
        for docx in docx_files:
            pdf = staging / (docx.stem + ".pdf")
            if pdf.is_file() and pdf.stat().st_size > 0:
                final = out_dir / pdf.name
                with atomic_path(final) as part:  # staging may be on another file system
                    shutil.move(str(pdf), str(part))
                converted[docx] = final
            else:
                missing.append(docx.name)
        if missing:
            message = (stderr or stdout or "").strip().splitlines()
            detail = f": {message[-1]}" if message else ""
            raise PackagerError(f"LibreOffice could not convert {', '.join(missing)}{detail}",
                                hint="open the DOCX in LibreOffice to see the problem, or use --no-pdf")
        return converted


def _squeezed(text: str) -> str:
    # Compared without spaces or case, ligatures unfolded: a PDF's text breaks lines and words its own way.
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


def page_count(pdf: Path) -> int | None:
    """How many pages `pdf` has (None when pypdf cannot read it)."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        return len(PdfReader(str(pdf)).pages)
    except (PyPdfError, OSError, ValueError):
        return None


def page_texts(pdf: Path) -> list[str] | None:
    """The text of each page of `pdf`, as `heading_pages` compares it (None when pypdf cannot read it)."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        return [_squeezed(page.extract_text() or "") for page in PdfReader(str(pdf)).pages]
    except (PyPdfError, OSError, ValueError):
        return None


def heading_pages(pages: list[str], toc_heading: str, entries: list[str]) -> list[int] | None:
    """The page (1 = first) each TOC entry's heading is on, given a PDF's `page_texts`, or None when one
    is not found.

    LibreOffice does not update a TOC field when it converts headless, so the table is filled in with
    these numbers and the document converted again. The entries are looked for in order after the
    table of contents itself, which lists them all: first through the table's pages, then from the page
    after it, each heading at or after the page of the one before."""

    def find(text: str, start: int) -> int | None:
        return next((n for n in range(start, len(pages)) if text in pages[n]), None)

    page = find(_squeezed(toc_heading), 0)
    if page is None:
        return None
    for entry in entries:  # the table itself
        page = find(_squeezed(entry), page)
        if page is None:
            return None
    found: list[int] = []
    page += 1
    for entry in entries:
        page = find(_squeezed(entry), page)
        if page is None:
            return None
        found.append(page + 1)
    return found
