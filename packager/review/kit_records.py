"""What a translator's kit is on disk, and the project's record of the kits sent and returned.

The constants of the kit format (its manifest, size limits, the junk office suites leave beside
files), the checksum every member is compared with, and `.packager/kits.json`: when each kit went
out and came back (`kit_history`, for `packager status`). Both the building (kit.py) and the taking
back (take_back.py) use them; neither imports the other.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

from ..atomic import write_text
from .clock import now_iso

if TYPE_CHECKING:
    from ..project import Project

KIT_FORMAT = "packager-kit/1"
KITS_FILE = "kits.json"
MANIFEST = "manifest.json"
MAX_MEMBER_BYTES = 200 * 1024 * 1024  # an editable file larger than this is not one we sent
MAX_TOTAL_BYTES = 8 * 1024 * 1024 * 1024
# What office suites and file managers leave beside the files (ignored, never refused): macOS's
# resource forks and folder settings, Windows' thumbnails, Word's owner and temporary files,
# LibreOffice's lock files.
JUNK = re.compile(r"(^|/)(__MACOSX/|\._[^/]*$|\.DS_Store$|Thumbs\.db$|desktop\.ini$|~\$[^/]*$|~WRL\d+\.tmp$"
                  r"|\.~lock\.[^/]*#$)", re.IGNORECASE)


def sha256(data: bytes | Path) -> str:
    """Of bytes, or of a file read in chunks (a proxy video is not loaded whole)."""
    if isinstance(data, Path):
        with data.open("rb") as file:
            return hashlib.file_digest(file, "sha256").hexdigest()
    return hashlib.sha256(data).hexdigest()


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


def record_sent(project: Project, kit_id: str, created: str, modules: list[str], path: Path) -> None:
    kits = [k for k in _read_kits(project) if k.get("id") != kit_id]
    kits.append({"id": kit_id, "created": created, "modules": modules, "file": path.name, "returned": None})
    _write_kits(project, kits)


def record_returned(project: Project, kit_id: str, created: str, modules: list[str]) -> None:
    kits = _read_kits(project)
    for kit in kits:
        if kit.get("id") == kit_id:
            kit["returned"] = now_iso()
            break
    else:  # a kit made elsewhere, or kits.json lost: still record it
        kits.append({"id": kit_id, "created": created, "modules": modules, "file": None, "returned": now_iso()})
    _write_kits(project, kits)


def record_returned_file(project: Project, kit_id: str, module_id: str | None) -> None:
    """A file of kit `kit_id` came back on its own (imported with `review import FILE`)."""
    record_returned(project, kit_id, "", [module_id] if module_id else [])
