"""`packager models install FILE | list | download FROM TO`: the offline translation models."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import tempfile
import zipfile
import zlib
from pathlib import Path, PurePosixPath

import click

from ..cli import AppContext, pass_app
from ..errors import PackagerError

MAX_UNPACKED = 8 * 1024**3  # no real Argos package comes near this: refuse zip bombs


def check_archive(path: Path) -> tuple[str, dict]:
    """Check a .argosmodel before anything is unpacked; returns (top folder, metadata).

    A zip whose members all stay inside one top folder (no absolute path, no `..`, no link), with
    `<top>/metadata.json` of type translate naming from_code and to_code, and a model folder.
    """
    if not path.is_file():
        raise PackagerError("model file not found", path=path)
    if not zipfile.is_zipfile(path):
        with open(path, "rb") as handle:
            starts_as_zip = handle.read(4) == b"PK\x03\x04"
        if starts_as_zip:  # a zip whose end is missing: the download stopped part way
            raise PackagerError("damaged or incomplete download (the zip archive is cut short); nothing was "
                                "unpacked", path=path, hint="download the model again and check its size")
        raise PackagerError("not an Argos model (an .argosmodel file is a zip archive)", path=path)
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            tops: set[str] = set()
            total = 0
            for info in infos:
                name = info.filename
                posix = name.replace("\\", "/")
                parts = PurePosixPath(posix).parts
                if posix.startswith("/") or re.match(r"^[A-Za-z]:", posix) or not parts:
                    raise PackagerError(f"unsafe archive: member {name!r} has an absolute path; nothing was "
                                        f"unpacked", path=path, hint="use a model from a trusted source")
                if ".." in parts:
                    raise PackagerError(f"unsafe archive: member {name!r} points outside its folder ('..'); "
                                        f"nothing was unpacked", path=path, hint="use a model from a trusted source")
                mode = info.external_attr >> 16
                if stat.S_ISLNK(mode):
                    raise PackagerError(f"unsafe archive: member {name!r} is a symbolic link; nothing was unpacked",
                                        path=path)
                tops.add(parts[0])
                if len(parts) == 1 and not info.is_dir():
                    raise PackagerError(f"member {name!r} is outside the package's top folder; nothing was "
                                        f"unpacked", path=path)
                total += info.file_size
            if len(tops) != 1:
                raise PackagerError(f"the archive must hold one top folder, it holds {len(tops)} "
                                    f"({', '.join(sorted(tops)[:5])}); nothing was unpacked", path=path)
            top = tops.pop()
            if top in (".", "") or top.startswith("."):
                raise PackagerError(f"bad top folder name {top!r}; nothing was unpacked", path=path)
            if total > MAX_UNPACKED:
                raise PackagerError(f"the archive unpacks to {total / 1024**3:.1f} GB; refused", path=path)
            names = {i.filename.replace("\\", "/") for i in infos}
            if f"{top}/metadata.json" not in names:
                raise PackagerError(f"no {top}/metadata.json in the archive: not an Argos package", path=path)
            try:
                metadata = json.loads(zf.read(f"{top}/metadata.json").decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise PackagerError(f"{top}/metadata.json is not valid JSON ({exc})", path=path) from None
            if not any(n.startswith(f"{top}/model/") for n in names):
                raise PackagerError(f"no {top}/model/ folder in the archive: not a translation package", path=path)
            if f"{top}/sentencepiece.model" not in names and f"{top}/bpe.model" not in names:
                raise PackagerError(f"no {top}/sentencepiece.model (or bpe.model) in the archive: "
                                    f"the package cannot tokenize text", path=path)
    except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
        raise PackagerError(f"damaged or incomplete download ({exc}); nothing was unpacked", path=path,
                            hint="download the model again and check its size") from None
    if not isinstance(metadata, dict):
        raise PackagerError("metadata.json is not an object", path=path)
    if metadata.get("type", "translate") != "translate":
        raise PackagerError(f"this package is of type {metadata.get('type')!r}, not a translation model", path=path)
    for key in ("from_code", "to_code"):
        if not isinstance(metadata.get(key), str) or not metadata[key]:
            raise PackagerError(f"metadata.json lacks {key!r}", path=path)
        if not LANGUAGE_CODE.match(metadata[key]):
            raise PackagerError(f"metadata.json: {key} {metadata[key][:40]!r} is not a language code; nothing was "
                                "unpacked", path=path, hint="a language code is 2 or 3 lower-case letters "
                                "(fr, es, en), optionally with a region (pt-BR): use a genuine Argos package")
    return top, metadata


LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?$")


def _installed_pair(folder: Path) -> tuple[str, str] | None:
    try:
        data = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
        return str(data["from_code"]), str(data["to_code"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def install_archive(path: Path) -> tuple[Path, dict]:
    """Check, then unpack into packager's Argos folder atomically (a crash leaves no half package)."""
    from ..translation.engine import argos_dir, configure_argos

    top, metadata = check_archive(path)
    configure_argos()
    packages = argos_dir()
    installed = _installed_pair(packages / top)
    pair = (metadata["from_code"], metadata["to_code"])
    if installed is not None and installed != pair:
        raise PackagerError(f"the folder {top!r} already holds the {installed[0]}→{installed[1]} model, and this "
                            f"package ({pair[0]}→{pair[1]}) would replace it; nothing was installed", path=path,
                            hint=f"if that is what you want, remove {packages / top} first "
                                 "(`packager models list` shows what is installed)")
    packages.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".installing-", dir=packages))
    try:
        with zipfile.ZipFile(path) as zf:
            root = work.resolve()
            for info in zf.infolist():
                dest = (work / info.filename).resolve()
                if root not in dest.parents and dest != root:  # belt and braces after check_archive
                    raise PackagerError(f"unsafe member {info.filename!r}", path=path)
            try:
                zf.extractall(work)
            except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
                raise PackagerError(f"damaged or incomplete download ({exc}); nothing was installed", path=path,
                                    hint="download the model again and check its size") from None
        final = packages / top
        old = None
        if final.exists():
            old = packages / f".old-{top}-{os.getpid()}"
            os.replace(final, old)
        os.replace(work / top, final)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return final, metadata


@click.group("models")
def command() -> None:
    """Install and list the offline models: translation (Argos Translate packages) and transcription
    (faster-whisper folders, for `packager transcribe`; in ~/.local/share/packager/whisper-models,
    PACKAGER_WHISPER_DIR to change it).

    Models live in ~/.local/share/packager/argos-packages (set PACKAGER_ARGOS_DIR to change it).
    There is no direct French→Spanish Argos model: install fr→en and en→es, and packager pivots
    through English. Only `download` uses the network, and only when you run it.
    Exit 0 on success, 2 for a refused or unreadable model file, or no network for `download`.
    """


@command.command("install")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path),
                metavar="FILE.argosmodel|WHISPER-FOLDER|WHISPER.zip...")
@pass_app
def install(app: AppContext, files: tuple[Path, ...]) -> None:
    """Install .argosmodel files, after checking each archive before anything is unpacked.

    Refused: a member outside one top folder (absolute path, '..', link), no metadata.json of type
    translate, no model folder. Installing a package again replaces it.

    A folder, or a .zip of one, is a faster-whisper model for `packager transcribe` (model.bin,
    config.json, tokenizer.json, preprocessor_config.json, vocabulary), checked the same way.
    """
    from ..transcription.models import install_whisper, is_whisper_source

    for file in files:
        if is_whisper_source(file):
            final = install_whisper(file)
            app.out.print(f"models: installed Whisper model {final.name} in {final.parent}")
            continue
        final, metadata = install_archive(file)
        app.out.print(f"models: installed {metadata['from_code']}→{metadata['to_code']} "
                      f"({final.name}, version {metadata.get('package_version', '?')}) in {final.parent}")


@command.command("list")
@pass_app
def list_models(app: AppContext) -> None:
    """Show the installed models and every language pair they translate (direct or through a pivot)."""
    from ..translation.engine import all_paths, argos_dir, installed_packages

    _list_whisper(app)
    packages = installed_packages()
    if not packages:
        app.out.print(f"models: none installed in {argos_dir()}")
        app.out.print("install one: packager models install FILE.argosmodel  (or: packager models download fr es)")
        return
    app.out.print(f"installed in {argos_dir()}:")
    for p in packages:
        app.out.print(f"  {p.from_code} → {p.to_code}  {p.path.name}  version {p.version or '?'}")
    app.out.print("pairs:")
    for (source, target), steps in sorted(all_paths(packages).items()):
        route = " → ".join([steps[0].from_code] + [s.to_code for s in steps])
        kind = "direct" if len(steps) == 1 else "pivot"
        app.out.print(f"  {source} → {target}  {kind}: {route}")


def _list_whisper(app: AppContext) -> None:
    from ..transcription.engine import installed_models, whisper_dir

    models = installed_models()
    if not models:
        app.out.print(f"transcription (Whisper): none installed in {whisper_dir()}")
        return
    app.out.print(f"transcription (Whisper), installed in {whisper_dir()}:")
    for m in models:
        app.out.print(f"  {m.name}  {m.size_bytes / 1024**2:.0f} MB  ({m.detail})")


@command.command("download")
@click.argument("source", metavar="FROM")
@click.argument("target", metavar="TO")
@pass_app
def download(app: AppContext, source: str, target: str) -> None:
    """Download and install the models for FROM→TO from the Argos package index (needs the internet).

    Uses a direct package when the index has one, else FROM→en and en→TO. The index is read only here.
    `packager models download whisper small` downloads faster-whisper-small for `transcribe`.
    """
    if source == "whisper":
        from ..transcription.models import download_whisper

        final = download_whisper(target)
        app.out.print(f"models: installed Whisper model {final.name} in {final.parent}")
        return
    import urllib.error
    import urllib.request

    from ..translation.engine import configure_argos

    settings = configure_argos()
    url = settings.remote_package_index
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - the Argos index
            data = response.read()
        index = json.loads(data)
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise PackagerError(f"no network: cannot reach the Argos package index ({reason})", where=url,
                            hint="on a machine with internet, download the .argosmodel files "
                                 "(https://www.argosopentech.com/argospm/index/) and run "
                                 "`packager models install FILE.argosmodel`") from None
    except ValueError:
        raise PackagerError("the Argos package index is not valid JSON", where=url) from None
    Path(settings.local_package_index).write_bytes(data)
    entries = [e for e in index if isinstance(e, dict) and e.get("type", "translate") == "translate"]
    by_pair = {(e.get("from_code"), e.get("to_code")): e for e in entries}
    if (source, target) in by_pair:
        wanted = [by_pair[source, target]]
    elif (source, "en") in by_pair and ("en", target) in by_pair:
        wanted = [by_pair[source, "en"], by_pair["en", target]]
    else:
        raise PackagerError(f"the Argos index has no {source}→{target} model, not even through English",
                            hint="`packager models list` shows what is installed")
    import argostranslate.package as argos_package

    for entry in wanted:
        available = argos_package.AvailablePackage(entry)
        app.err.print(f"downloading {entry['from_code']}→{entry['to_code']} …")
        try:
            file = available.download()
        except Exception as exc:  # argostranslate raises a bare Exception on a failed download
            raise PackagerError(f"download of {entry['from_code']}→{entry['to_code']} failed: {exc}",
                                hint="check the network and try again") from None
        final, metadata = install_archive(Path(file))
        Path(file).unlink(missing_ok=True)  # installed: the download is not needed any more
        app.out.print(f"models: installed {metadata['from_code']}→{metadata['to_code']} ({final.name})")
