"""The render's stamps and clean-up: a module's cache key (everything its outputs depend on), the cache
entries under .packager/render-cache/<target>/ and what `status` reads of them, the outputs' recorded
sizes and times, and the removal of what a killed render left (partial files, working folders).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import time
from pathlib import Path

from .. import __version__
from ..atomic import readable
from ..project import Module, Project
from .cards import CARD_VERSION
from .job import RENDER_VERSION, RenderOptions, plan_for, render_dir
from .targets import Plan


def file_identity(path: Path) -> list:
    try:
        st = path.stat()
    except OSError:
        return [str(path), None]
    return [str(path), st.st_size, st.st_mtime_ns]


def _bytes_hash(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def module_key(project: Project, module: Module, plan: Plan, options: RenderOptions) -> str:
    """A hash of everything the module's outputs depend on (cheap: stats and small files only)."""
    parts = {
        "version": [__version__, RENDER_VERSION, CARD_VERSION],
        "definition": module.definition.model_dump(mode="json", by_alias=True),
        "programme": project.config.programme.model_dump(mode="json"),
        "footage": [file_identity(module.footage_path(e)) for e in module.definition.edits],
        "subtitles": {lang: _bytes_hash(module.subtitle_path(lang)) for lang in project.languages},
        "plan": plan.key(),
        "options": [options.size, options.preset],
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def cache_file(project: Project, target: str, name: str) -> Path:
    return project.cache_dir / "render-cache" / target / f"{name}.json"


def outputs_current(entry: dict, out_dir: Path) -> bool:
    for name, (size, mtime) in entry.get("outputs", {}).items():
        try:
            st = (out_dir / name).stat()
        except OSError:
            return False
        if st.st_size != size or st.st_mtime_ns != mtime:
            return False
    return bool(entry.get("outputs"))


def read_cache_entry(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def render_state(project: Project, module: Module, target: str) -> str | None:
    """What `status` says of a module's video for `target`: "current" (every output of its last render on
    disk, as that render left them, and its inputs unchanged), "out of date" (its outputs are there but
    its inputs changed), or None (never rendered, or an output is missing: e.g. an interrupted build).
    Compared with the options that render used (`--size`, `--preset`). Raises PackagerError when the
    medium cannot hold the programme."""
    entry = read_cache_entry(cache_file(project, target, module.id))
    if not entry or not outputs_current(entry, render_dir(project, target)):
        return None
    size, preset = entry.get("options") or [None, RenderOptions.preset]
    options = RenderOptions(size=tuple(size) if size else None, preset=preset)
    key = module_key(project, module, plan_for(project, target, options), options)
    return "current" if entry.get("key") == key else "out of date"


def make_readable(out_dir: Path, names: list[str]) -> None:
    """Outputs are for everyone who gets the stick or disc."""
    for name in names:
        with contextlib.suppress(OSError):
            readable(out_dir / name)


def output_record(out_dir: Path, names: list[str]) -> dict[str, list[int]]:
    out = {}
    for name in names:
        st = (out_dir / name).stat()
        out[name] = [st.st_size, st.st_mtime_ns]
    return out


def clean_partials(out_dir: Path) -> None:
    """Temporary files a killed render left (named .<name>.XXXX.part.<ext>): never mistaken for outputs."""
    if out_dir.is_dir():
        for leftover in out_dir.glob(".*.part*"):
            with contextlib.suppress(OSError):
                leftover.unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: alive
        return True
    try:  # Linux: a killed process nobody has reaped yet is a zombie, not a running render
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def sweep_scratch(scratch: Path, max_age: float = 12 * 3600) -> None:
    """Working folders (named <module>-<pid>-XXXX) of renders that are no longer running (killed), or very old."""
    now = time.time()
    for folder in scratch.iterdir():
        match = re.search(r"-(\d+)-[^-]+$", folder.name)
        with contextlib.suppress(OSError):
            if (match and int(match.group(1)) != os.getpid() and not _alive(int(match.group(1)))) \
                    or now - folder.stat().st_mtime > max_age:
                shutil.rmtree(folder, ignore_errors=True)
