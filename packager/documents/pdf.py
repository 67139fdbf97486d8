"""DOCX → PDF with LibreOffice (`soffice --headless --convert-to pdf`).

Two LibreOffice instances sharing a user profile fail, so every run uses its own throw-away profile
(-env:UserInstallation). All documents of a run are converted by one soffice process (its start-up
is most of the cost). PDFs are written to a temporary folder and moved into place atomically.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..atomic import atomic_path
from ..errors import PackagerError

HINT = ("install LibreOffice to get PDFs (Debian/Ubuntu: apt-get install libreoffice-writer; "
        "macOS/Windows: libreoffice.org), or open the DOCX files and print them")


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
                   "--nolockcheck", "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(staging),
                   *[str(p) for p in docx_files]]
        env = dict(os.environ, HOME=tmp)  # nothing of the user's own LibreOffice is touched
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env,
                                    stdin=subprocess.DEVNULL)
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
            message = (result.stderr or result.stdout or "").strip().splitlines()
            detail = f": {message[-1]}" if message else ""
            raise PackagerError(f"LibreOffice could not convert {', '.join(missing)}{detail}",
                                hint="open the DOCX in LibreOffice to see the problem, or use --no-pdf")
        return converted
