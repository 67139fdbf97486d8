"""`make_bundle`: assemble dist/<slug>-<target>/ from the render and documents outputs, then the disc image.

Reads only dist/render/<target>/render.json, dist/documents/manifest.json and the files they name.
Order of work, so a failure never leaves something that looks finished:
1. read both manifests and check every named file exists (else: which command to run first);
2. plan the layout, check the names (ASCII slugs, ≤ 64 characters, unique regardless of case) and the
   medium's budget, before writing anything;
3. write the bundle in a hidden temporary folder, SHA256SUMS last, then rename it into place;
4. for cd and dvd, write the ISO to a temporary file and rename it (a failed image leaves none).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import PackagerError
from ..project import Project
from ..video.targets import TARGETS
from .capacity import Item, budget_for, check_names, iso_estimate
from .checksums import SUMS_NAME, write_sums

DISC_TARGETS = ("dvd", "cd")
INDEX = "index.html"


@dataclass
class BundleResult:
    path: Path  # the bundle folder
    size: int  # bytes: the ISO's size for a disc (its estimate with --no-iso), the folder's for usb
    budget: int | None  # the medium's capacity in bytes; None for usb (only a per-file limit)
    iso: Path | None = None
    scorm: Path | None = None

    def size_text(self, target: str) -> str:
        """"22.1 MB of 737.3 MB for cd (3%)", or for a stick the smallest usual one it fits."""
        if self.budget:
            return f"{human_size(self.size)} of {human_size(self.budget)} for {target} ({self.size / self.budget:.0%})"
        stick = next(gb for gb in (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024) if self.size <= gb * 10**9 * 0.93)
        return f"{human_size(self.size)}, fits a USB stick of {stick} GB or more"


def human_size(n: float) -> str:
    """Bytes in decimal units, as media are sold: "19.1 MB", "737.3 MB", "512 bytes"."""
    for unit in ("bytes", "kB", "MB"):
        if n < 1000:
            return f"{n:,} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:,.1f} GB"


def bundle_name(project: Project, target: str) -> str:
    return f"{project.config.programme.slug}-{target}"


def make_bundle(project: Project, target: str, *, scorm: bool = False, console=None, iso: bool = True) -> BundleResult:
    """Build the bundle for `target` (usb, dvd or cd); an ISO image too for dvd and cd unless iso=False."""
    if target not in TARGETS:
        raise PackagerError(f"unknown target {target!r}", hint=f"use one of: {', '.join(TARGETS)}")
    say = _sayer(console)
    render_dir = project.dist_dir / "render" / target
    docs_dir = project.dist_dir / "documents"
    render = _read_json(render_dir / "render.json", hint=f"run `packager render --target {target}` first "
                                                          f"(or `packager build --target {target}`)")
    manifest = _read_json(docs_dir / "manifest.json", hint="run `packager docs` first (or `packager build`)")

    copies: dict[str, Path] = {}  # path in the bundle -> source file
    missing: list[Path] = []

    def take(folder: str, base: Path, name: Any, *, what: str) -> str:
        if not isinstance(name, str) or not name or PurePosixPath(name).name != name:
            raise PackagerError(f"{what}: expected a file name, got {name!r}", path=base,
                                hint="render and document outputs name files in their own folder; "
                                     "run the stage that wrote it again")
        source = base / name
        if not source.is_file():
            missing.append(source)
        rel = f"{folder}/{name}"
        copies[rel] = source
        return rel

    modules = _modules(render, render_dir, take)
    programme_video = None
    if render.get("programme"):
        programme_video = take("videos", render_dir, render["programme"], what="render.json programme")
    documents, workbooks = _documents(manifest, docs_dir, take)
    if missing:
        stage = {render_dir: f"`packager render --target {target}`", docs_dir: "`packager docs`"}
        runs = sorted({stage.get(p.parent, "`packager build`") for p in missing})
        raise PackagerError("files named by the render or documents manifests are missing:\n    "
                            + "\n    ".join(str(p) for p in missing),
                            hint=f"run {' and '.join(runs)} first (or `packager build --target {target}`)")
    for module in modules:
        module["workbook"] = workbooks.get(module["id"])
        subs = module.pop("subs")
        module["subtitle_files"] = subs
        module["cues"] = {lang: _read_cues(copies[paths["srt"]]) for lang, paths in subs.items() if "srt" in paths}
        module["burned"] = _burned(module.pop("burned_raw"), module["cues"], project.target_language)

    programme = project.config.programme
    title = {lang: programme.title(lang) for lang in ("fr", "es")}
    from .index import clock, render_index
    from .texts import README_NAMES, readme_text

    runtime = float(render.get("runtime") or sum(m["duration"] for m in modules))
    generated: dict[str, bytes] = {}
    generated[INDEX] = render_index(
        slug=programme.slug, title=title, source_language=project.source_language,
        target_language=project.target_language, runtime=runtime,
        modules=modules, documents=documents, programme_video=programme_video).encode("utf-8")
    runtime_text = clock(runtime)
    doc_names = sorted(PurePosixPath(rel).name for rel in copies if rel.startswith("documents/"))
    for lang, name in README_NAMES.items():
        generated[name] = readme_text(
            lang, title=title[lang], target=target, runtime=runtime_text, documents=doc_names,
            modules=[(str(m["order"]), m["title"][lang]) for m in modules],
            programme=PurePosixPath(programme_video).name if programme_video else None,
            source_language=project.source_language, target_language=project.target_language,
        ).encode("utf-8-sig")  # BOM: old Notepad

    # Plan and check before writing anything.
    items = [Item(rel, src.stat().st_size) for rel, src in copies.items()]
    items += [Item(rel, len(data)) for rel, data in generated.items()]
    items.append(Item(SUMS_NAME, 100 * (len(items) + 1)))
    check_names([i.path for i in items])
    budget = budget_for(target, items, console=console)

    final = project.dist_dir / bundle_name(project, target)
    stamp_path = project.cache_dir / "bundle" / f"{final.name}.json"
    inputs = _inputs_key(copies, generated)
    stamp = _read_stamp(stamp_path)
    folder = _folder_key(final)
    if stamp.get("inputs") == inputs and stamp.get("folder") == folder:
        say(f"bundle: {final.name}/ is up to date")
    else:
        # Counted as `verify` counts them: the files SHA256SUMS lists, then SHA256SUMS itself.
        say(f"bundle: writing {final.name}/ ({len(items) - 1} files + {SUMS_NAME})")
        with contextlib.suppress(FileNotFoundError):
            stamp_path.unlink()
        _write_folder(final, copies, generated)
        folder = _folder_key(final)
        stamp = {"inputs": inputs, "folder": folder}
        _write_stamp(stamp_path, stamp)
    # The folder's files as the stamp records them: {path: [size, mtime]}, not walked again.
    sizes = {rel: size for rel, (size, _mtime) in (folder or {}).items()}
    result = BundleResult(path=final, size=sum(sizes.values()), budget=budget)

    if target in DISC_TARGETS:
        iso_path = project.dist_dir / f"{final.name}.iso"
        if iso and iso_path.is_file() and stamp.get("iso") == _file_key(iso_path):
            say(f"bundle: {iso_path.name} is up to date")
            result.iso = iso_path
            result.size = iso_path.stat().st_size
        elif iso:
            stamp.pop("iso", None)
            _write_stamp(stamp_path, stamp)
            result.iso = _write_iso(final, iso_path, programme.slug, budget, say, target)
            result.size = result.iso.stat().st_size
            stamp["iso"] = _file_key(iso_path)
            _write_stamp(stamp_path, stamp)
        else:
            result.size = iso_estimate([Item(rel, size) for rel, size in sizes.items()])
            if iso_path.exists():  # an image of an older bundle would not match this folder
                iso_path.unlink()
    if scorm:
        from .scorm import write_scorm

        dest = project.dist_dir / f"{final.name}-scorm.zip"
        if dest.is_file() and stamp.get("scorm") == _file_key(dest):
            say(f"bundle: {dest.name} is up to date")
        else:
            say(f"bundle: writing {dest.name}")
            write_scorm(final, dest, identifier=f"packager-{programme.slug}", title=title[project.target_language])
            _make_readable(dest)
            stamp["scorm"] = _file_key(dest)
            _write_stamp(stamp_path, stamp)
        result.scorm = dest
    return result


# ---------------------------------------------------------------------------------------------- reading


def _read_json(path: Path, *, hint: str) -> dict[str, Any]:
    if not path.is_file():
        raise PackagerError("not found: the bundle is made from this stage's outputs", path=path, hint=hint)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PackagerError(f"unreadable ({exc})", path=path, hint=hint.replace("first", "again")) from None
    if not isinstance(data, dict):
        raise PackagerError("expected a JSON object", path=path, hint=hint.replace("first", "again"))
    return data


def _bilingual(value: Any, fallback: str = "") -> dict[str, str]:
    if isinstance(value, dict):
        fr = str(value.get("fr") or value.get("es") or fallback)
        return {"fr": fr, "es": str(value.get("es") or fr)}
    text = str(value) if value is not None else fallback
    return {"fr": text, "es": text}


def _modules(render: dict[str, Any], render_dir: Path, take) -> list[dict[str, Any]]:
    where = render_dir / "render.json"
    raw = render.get("modules")
    if not isinstance(raw, list) or not raw:
        raise PackagerError("no modules listed", path=where, hint=f"run `packager render --target "
                                                                   f"{render.get('target', 'X')}` again")
    modules = []
    for n, entry in enumerate(raw):
        try:
            module_id = str(entry["id"])
            subs = {}
            for lang, files in (entry.get("subtitles") or {}).items():
                subs[lang] = {fmt: take("subtitles", render_dir, name, what=f"module {module_id} subtitles")
                              for fmt, name in files.items() if fmt in ("srt", "vtt")}
            modules.append({
                "id": module_id,
                "order": int(entry.get("order", n + 1)),
                "kind": str(entry.get("kind", "")),
                "title": _bilingual(entry.get("title"), module_id),
                "duration": float(entry.get("duration") or 0.0),
                "speakers": [{"name": _bilingual(s.get("name")), "role": _bilingual(s.get("role"))}
                             for s in entry.get("speakers") or []],
                "video": take("videos", render_dir, entry["video"], what=f"module {module_id} video"),
                "chapters": [{"start": float(c["start"]), "title": _bilingual(c.get("title"))}
                             for c in entry.get("chapters") or []],
                "subs": subs,
                "burned_raw": entry.get("burned", _UNSAID),
            })
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise PackagerError(f"module entry {n + 1} is malformed ({type(exc).__name__}: {exc})", path=where,
                                hint="run `packager render` again") from None
    modules.sort(key=lambda m: m["order"])
    return modules


_UNSAID = object()


def _burned(value: Any, cues: dict[str, list], target_language: str) -> str | None:
    """The language whose subtitles are part of the picture (burned in), or None.

    render.json may say it per module (`"burned": "es"`, true for the target language, false/null for none);
    when it does not, the render's rule applies: the target language is burned in whenever it has cues.
    The index must know, or it would draw the same Spanish a second time over the burned-in line.
    """
    if value is _UNSAID:
        return target_language if cues.get(target_language) else None
    if value is True:
        return target_language
    if isinstance(value, str) and value:
        return value
    return None


DOC_ORDER = {"booklet": 0, "synthesis": 1, "guide": 2}


def _documents(manifest: dict[str, Any], docs_dir: Path, take):
    where = docs_dir / "manifest.json"
    entries = manifest.get("documents")
    if not isinstance(entries, list):
        raise PackagerError("no \"documents\" list", path=where, hint="run `packager docs` again")
    general, workbooks = [], {}
    for n, entry in enumerate(entries):
        try:
            doc = {"kind": str(entry.get("kind", "")), "title": _bilingual(entry.get("title"), entry["file"]),
                   "docx": take("documents", docs_dir, entry["file"], what="documents manifest"),
                   "pdf": take("documents", docs_dir, entry["pdf"], what="documents manifest")
                   if entry.get("pdf") else None}
        except (KeyError, TypeError, AttributeError) as exc:
            raise PackagerError(f"document entry {n + 1} is malformed ({type(exc).__name__}: {exc})", path=where,
                                hint="run `packager docs` again") from None
        if doc["kind"] == "workbook" and entry.get("module"):
            workbooks[str(entry["module"])] = doc
        else:
            general.append(doc)
    general.sort(key=lambda d: DOC_ORDER.get(d["kind"], 9))
    return general, workbooks


def _read_cues(path: Path) -> list[tuple[float, float, str]]:
    """Cue text as the VTTCue constructor wants it: WebVTT cue text (<i>/<b>/<u> kept, `<` and `&` escaped).

    Without escaping, a `<` in a subtitle would start a tag and swallow words on screen.
    """
    from ..subtitles.cues import _NOT_VTT, _vtt_escape, read_srt

    return [(cue.start, cue.end, _vtt_escape(_NOT_VTT.sub("", cue.text))) for cue in read_srt(path)]


# ---------------------------------------------------------------------------------------------- reuse
# A bundle (and its image) whose inputs and files are unchanged since the last run is reused, not copied
# again: a DVD bundle is gigabytes. The stamp lives in .packager/bundle/, outside the bundle.


def _file_key(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns]


def _inputs_key(copies: dict[str, Path], generated: dict[str, bytes]) -> str:
    import hashlib

    from .. import __version__

    digest = hashlib.sha256(__version__.encode())
    for rel, source in sorted(copies.items()):
        digest.update(json.dumps([rel, str(source), *_file_key(source)]).encode())
    for rel, data in sorted(generated.items()):
        digest.update(rel.encode() + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


def _folder_key(folder: Path) -> dict[str, list[int]] | None:
    if not folder.is_dir():
        return None
    return {p.relative_to(folder).as_posix(): _file_key(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def _read_stamp(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_stamp(path: Path, stamp: dict[str, Any]) -> None:
    from ..atomic import write_text

    write_text(path, json.dumps(stamp))


# ---------------------------------------------------------------------------------------------- writing


def _write_folder(final: Path, copies: dict[str, Path], generated: dict[str, bytes]) -> None:
    """Write the bundle in a hidden sibling folder, then swap it in; on failure nothing is left behind."""
    final.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(final)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".part", dir=final.parent))
    try:
        for rel, source in sorted(copies.items()):
            dest = tmp / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, dest)
        for rel, data in generated.items():
            (tmp / rel).write_bytes(data)
        write_sums(tmp)
        _publish_modes(tmp)
        old = None
        if final.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".old", dir=final.parent))
            os.replace(final, old / "previous")
        os.replace(tmp, final)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise PackagerError(f"cannot write the bundle: {exc.strerror or exc}", path=final,
                            hint="free some disk space (the bundle is as large as the videos) and run again") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _remove_leftovers(final: Path) -> None:
    """Hidden temporaries of this bundle (or its image) left by a run that was killed outright."""
    for pattern in (f".{final.name}.*.part", f".{final.name}.*.old", f".{final.name}.iso.*.part",
                    f".{final.name}-scorm.*.part.zip"):
        for leftover in final.parent.glob(pattern):
            if leftover.is_dir():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                with contextlib.suppress(FileNotFoundError):
                    leftover.unlink()


def _publish_modes(root: Path) -> None:
    """mkdtemp makes a private folder; a bundle is read by everyone it is copied to."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(root, 0o777 & ~umask)
    for path in root.rglob("*"):
        os.chmod(path, (0o777 if path.is_dir() else 0o666) & ~umask)


def _write_iso(folder: Path, dest: Path, slug: str, budget: int | None, say, target: str) -> Path:
    from .capacity import medium_name
    from .iso import volume_label, write_iso

    label = volume_label(slug)
    say(f"bundle: writing {dest.name} (volume {label})")
    try:
        write_iso(folder, dest, label)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            dest.unlink()  # an image of an older bundle would not match the new folder
        raise
    size = dest.stat().st_size
    if budget is not None and size > budget:
        dest.unlink()
        raise PackagerError(f"the disc image is {size:,} bytes, over the {medium_name(budget)} by {size - budget:,} bytes; "
                            "no image was kept", path=dest,
                            hint="use a larger medium (--target dvd or usb), or render again "
                                 f"(`packager render --target {target}` fits the videos beside the documents as "
                                 "they are now)")
    return dest  # readable by everyone already: write_iso's temporary file gets ordinary permissions


def _make_readable(path: Path) -> None:
    """An existing package keeps its old permissions through atomic_path; a package is for everyone."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def _sayer(console):
    if console is None:
        return lambda text: None
    return lambda text: console.print(text, markup=False, highlight=False)
