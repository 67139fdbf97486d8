"""`packager review import`'s entry: a returned kit (its .zip or unzipped folder) or one returned file.

A kit is checked whole first (member names, the manifest, the identity inside each returned file),
then every returned file that differs from what was sent is parsed and planned, and only then is
anything written (importer.commit: the unit history first, then the files). When the kit came back
is recorded for `packager status` (kit_records.py).
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from ..errors import PackagerError
from .clock import now_iso
from .export import FORMATS
from .alignment import align_subtitles
from .importer import FilePlan, commit, import_file, plan_documents, plan_subtitles
from .kit_records import JUNK, KIT_FORMAT, MANIFEST, MAX_MEMBER_BYTES, MAX_TOTAL_BYTES, record_returned, sha256
from .readers import OTHER_OFFICE_FORMATS, parse_return
from .returns import Conflict, Summary
from .states import text_hash

if TYPE_CHECKING:
    from ..project import Project


def import_path(project: Project, path: Path, *, module_id: str | None = None, who: str | None = None,
                dry_run: bool = False) -> Summary:
    """A returned file, or a whole kit (.zip, or the unzipped folder)."""
    path = Path(path)
    if path.is_dir() or path.suffix.lower() == ".zip":
        return import_kit(project, path, who=who, dry_run=dry_run)
    if not path.exists():
        raise PackagerError("file not found", path=path)
    return import_file(project, path, module_id=module_id, who=who, dry_run=dry_run)


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
    names: dict[PurePosixPath, zipfile.ZipInfo] = {}  # in archive order
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
        if safe in names:
            problems.append(f"member {info.filename!r} is in the archive twice")
            continue
        names[safe] = info
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
    members: dict[str, Callable[[], bytes]] = {}
    sizes: dict[str, int] = {}
    for n in kept:
        relative = str(n)[len(prefix):] if str(n).startswith(prefix) else f"../{n}"  # outside: unexpected
        info = names[n]
        members[relative] = (lambda i=info: archive.read(i))
        sizes[relative] = info.file_size
    return KitSource(str(path), members, sizes), archive


def open_folder(path: Path) -> KitSource:
    base = path
    if not (base / MANIFEST).is_file():
        candidates = sorted(d for d in path.iterdir() if d.is_dir() and (d / MANIFEST).is_file())
        if len(candidates) > 1:
            raise PackagerError(f"{len(candidates)} kits here: {', '.join(d.name for d in candidates)}", path=path,
                                hint="import them one at a time: packager review import FOLDER/KIT")
        if not candidates:
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
    from .editor_return import is_editor_return

    unexpected = [name for name in source.members if name != MANIFEST and name not in files
                  and not is_editor_return(name)]  # the editor's saved work may be put anywhere in the kit
    for name in unexpected:
        problems.append(f"unexpected member {name}{_unexpected_why(name, files)}")
    if problems:
        hint = None
        if unexpected and len(unexpected) == len(problems):
            hint = ("remove the unexpected files (or give them back their names) and import the kit again; "
                    "a returned .docx, .srt or .xliff can also be imported on its own: packager review import FILE")
        raise PackagerError("refused: the kit does not match its manifest; nothing was written\n"
                            + "\n".join(f"  - {p}" for p in problems), path=source.label, hint=hint)
    return manifest


def _unexpected_why(name: str, files: dict) -> str:
    """Why a member the kit did not send may be there, when it looks like one of the kit's files."""

    member = PurePosixPath(name)
    siblings = [PurePosixPath(f) for f in files if PurePosixPath(f).parent == member.parent]
    stem = member.name.split(".")[0]
    alike = [f for f in siblings if f.name.split(".")[0] == stem or stem.startswith(f.name.split(".")[0])]
    suffix = member.suffix.lower()
    if alike and suffix in OTHER_OFFICE_FORMATS:
        return f" (saved as {OTHER_OFFICE_FORMATS[suffix]}: save it as the kit's {alike[0].name} instead)"
    if alike and suffix in (".docx", ".srt", ".xliff", ".xlf"):
        same_kind = [f for f in alike if f.suffix.lower() == suffix] or alike
        return f" (renamed? a returned file keeps its name: {same_kind[0].name})"
    return ""


# ---------------------------------------------------------------------------------------------- import


def _touched(unit, base: dict) -> bool:
    if text_hash(unit.target) != base.get("target_hash"):
        return True
    if unit.approve and base.get("state") != "approved":
        return True
    if unit.unapprove and not unit.approve and base.get("state") == "approved":
        return True
    return unit.comment is not None and unit.comment != (base.get("comment") or None)


def _parse_member(parse_return, data: bytes, name: str, kit_label: str, **kwargs):
    """Parse one returned file of a kit; a file that cannot be read refuses the whole kit, saying which."""
    try:
        return parse_return(data, name, **kwargs)
    except PackagerError as exc:
        where = f", {exc.where}" if exc.where else ""
        hint = (exc.hint + "; " if exc.hint else "") + ("or import the kit's other files one by one: "
                                                         "packager review import FILE")
        raise PackagerError(f"refused: {name}{where}: {exc.message}; nothing was written", path=kit_label,
                            hint=hint) from None


def import_kit(project: Project, path: Path, *, who: str | None = None, dry_run: bool = False) -> Summary:
    """Check a returned kit whole, then apply every returned file in one go (see the module doc)."""

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
        from .editor_return import kit_editor_returns

        editor_returns = kit_editor_returns(source, lambda data, name: _parse_member(parse_return, data, name,
                                                                                     source.label), summary.notes)
        for entry in manifest["modules"]:
            returned = list(editor_returns.pop(entry["id"], []))  # the editor's saved work on this module
            problems += [f"{rf.label} was saved in the editor of kit {rf.kit!r}, not of this kit"
                         for rf in returned if rf.kit != kit_id]
            for fmt in FORMATS:
                name = entry["files"].get(fmt)
                if not name or name not in source.members:
                    continue
                data = source.read(name)
                if sha256(data) == hashes.get(name):
                    continue
                rf = _parse_member(parse_return, data, name, source.label, module_id=entry["id"])
                if rf.kind != "srt" and (rf.module_id != entry["id"] or (rf.kit and rf.kit != kit_id)):
                    problems.append(f"{name} belongs to module {rf.module_id!r} of kit {rf.kit!r}, "
                                    f"not to {entry['id']!r} of this kit")
                returned.append(rf)
            parsed.append((entry, returned))
        problems += [f"{rf.label} is the editor's work on module {module_id!r}, which this kit does not carry"
                     for module_id, rfs in editor_returns.items() for rf in rfs]
        doc_returned = None
        doc_name = (manifest.get("documents") or {}).get("file")
        if doc_name and doc_name in source.members:
            data = source.read(doc_name)
            if sha256(data) != hashes.get(doc_name):
                doc_returned = _parse_member(parse_return, data, doc_name, source.label)
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
                                    module.id, f"cue {key}", previous.target, unit.target, "",
                                    reason="it was changed differently in two returned files, so neither is applied",
                                    labels=(PurePosixPath(touched_by[key]).name, PurePosixPath(label).name),
                                    unit_key=key, target_path=module.subtitle_path(project.target_language)))
                                continue
                            previous.target = unit.target
                        previous.approve = previous.approve or unit.approve
                        previous.unapprove = previous.unapprove or unit.unapprove
                        previous.comment = previous.comment or unit.comment
                        continue
                    merged[key] = unit
                    touched_by[key] = label
            for key in disagree:
                merged.pop(key, None)
            plans.append(plan_subtitles(project, module, merged, carried=carried, who=who, when=when,
                                        summary=summary, exported=manifest.get("created")))
        if doc_returned is not None:
            plans += plan_documents(project, doc_returned.units,
                                    carried=(manifest.get("documents") or {}).get("units") or {}, who=who,
                                    when=when, summary=summary, label=doc_name, exported=manifest.get("created"))
            summary.applied.append(doc_name)
        if not dry_run:
            commit(plans, summary.conflicts, who=who)
            record_returned(project, kit_id, manifest.get("created", ""), [m["id"] for m in manifest["modules"]])
        if not summary.applied:
            summary.notes.append("no returned file differs from what the kit carried: nothing to apply")
        return summary
    finally:
        if archive is not None:
            archive.close()
