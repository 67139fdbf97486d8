"""`verify(path)`: check a copy of a bundle (folder, mounted disc or .iso image) against its SHA256SUMS."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import PackagerError
from .checksums import SUMS_NAME, HashWriter, parse_sums, sha256_file

# Files operating systems drop on a stick or disc they mount; never part of a bundle, not "extra".
OS_LITTER = {".ds_store", "thumbs.db", "desktop.ini", "system volume information", "$recycle.bin", ".trashes",
             ".spotlight-v100", ".fseventsd", ".trash-1000", "autorun.inf"}


@dataclass
class VerifyReport:
    path: Path
    checked: int = 0  # files whose checksum was compared
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    corrupt: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.extra or self.corrupt)

    @property
    def matched(self) -> int:
        return self.checked - len(self.corrupt)


def verify(path: Path | str) -> VerifyReport:
    """Recompute the SHA-256 of every file and compare with SHA256SUMS.

    PATH is a bundle folder, a mounted disc (a folder too) or an ISO image (read with pycdlib, nothing
    is mounted or extracted). Missing, extra and corrupt files are reported by their path in the bundle.
    Raises PackagerError when PATH is not a bundle (no SHA256SUMS) or the image cannot be read.
    """
    path = bundle_root(Path(path))
    if path.is_dir():
        return _verify_tree(path, _folder_files(path), lambda rel: sha256_file(path / rel))
    if path.is_file():
        return _verify_iso(path)
    raise PackagerError("no such file or folder", path=path,
                        hint="give a bundle folder (dist/<programme>-<target>), a mounted disc or an .iso image")


def bundle_root(path: Path) -> Path:
    """The folder (or image) to check for what a person typed.

    `SHA256SUMS` itself means its folder. A stick or disc whose root has no SHA256SUMS but exactly one
    folder that has one (the bundle folder was copied, not its contents) means that folder. With several
    such folders (dist/ after bundling for usb and dvd), which one is meant is not guessed: the
    PackagerError names them.
    """
    if path.is_file() and path.name == SUMS_NAME:
        return path.parent
    if path.is_dir() and not (path / SUMS_NAME).is_file():
        try:
            inner = sorted(p for p in path.iterdir() if _holds_sums(p))
        except OSError:
            return path
        if len(inner) == 1:
            return inner[0]
        if len(inner) > 1:
            raise PackagerError(
                f"no {SUMS_NAME} here, but {len(inner)} bundle folders inside: "
                + ", ".join(p.name for p in inner), path=path,
                hint=f"pass one of them, e.g. `packager verify {_shell_arg(inner[0])}`")
    return path


def _shell_arg(path: Path) -> str:
    text = str(path)
    return f'"{text}"' if any(c in text for c in " '&()") else text


def _holds_sums(folder: Path) -> bool:
    try:  # a stick's "System Volume Information" refuses to be read on Windows
        return folder.is_dir() and (folder / SUMS_NAME).is_file()
    except OSError:
        return False


def _verify_tree(root: Path, files: list[str], digest_of: Callable[[str], str],
                 read_sums: Callable[[], bytes] | None = None) -> VerifyReport:
    if read_sums is None:
        sums_path = root / SUMS_NAME
        if not sums_path.is_file():
            raise PackagerError(f"no {SUMS_NAME} here: this is not a packager bundle", path=root,
                                hint="give the bundle's top folder (the one holding index.html and SHA256SUMS)")
        data = sums_path.read_bytes()
    else:
        data = read_sums()
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError:
        raise PackagerError(f"{SUMS_NAME} is damaged (not plain text)", path=root / SUMS_NAME,
                            hint="copy it again from the original bundle") from None
    expected = parse_sums(text, source=root / SUMS_NAME)
    present = set(files) - {SUMS_NAME}
    report = VerifyReport(path=root)
    report.missing = sorted(set(expected) - present)
    report.extra = sorted(present - set(expected))
    for rel in sorted(set(expected) & present):
        report.checked += 1
        try:
            actual = digest_of(rel)
        except OSError:  # an unreadable sector on a scratched disc is a corrupt file, not a crash
            actual = ""
        if actual != expected[rel]:
            report.corrupt.append(rel)
    return report


def _folder_files(root: Path) -> list[str]:
    out = []
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root)
        if any(part.lower() in OS_LITTER or part.startswith("._") for part in rel.parts):
            continue
        if p.is_file():
            out.append(rel.as_posix())
    return out


def _verify_iso(path: Path) -> VerifyReport:
    import pycdlib
    from pycdlib.pycdlibexception import PyCdlibException

    iso = pycdlib.PyCdlib()
    try:
        iso.open(str(path))
    except (PyCdlibException, OSError, ValueError) as exc:
        raise PackagerError(f"cannot read this as an ISO image: {exc}", path=path,
                            hint="give a bundle folder, a mounted disc, or an .iso made by `packager bundle`") \
            from None
    try:
        facade, strip = _facade(iso)
        names = {strip(name): name for name in _iso_files(facade, strip)}

        def digest_of(rel: str) -> str:
            writer = HashWriter()
            facade.get_file_from_iso_fp(writer, names[rel])
            return writer.hexdigest()

        def read_sums() -> bytes:
            if SUMS_NAME not in names:
                raise PackagerError(f"no {SUMS_NAME} in this image: it is not a packager bundle", path=path)
            writer = _BytesWriter()
            facade.get_file_from_iso_fp(writer, names[SUMS_NAME])
            return bytes(writer.data)

        try:
            return _verify_tree(path, list(names), digest_of, read_sums)
        except PyCdlibException as exc:
            raise PackagerError(f"the image is damaged: {exc}", path=path) from None
    finally:
        iso.close()


class _BytesWriter:
    def __init__(self) -> None:
        self.data = bytearray()

    def write(self, data: bytes) -> int:
        self.data += data
        return len(data)


def _facade(iso):
    """The richest name space the image has: Rock Ridge, then Joliet, then plain ISO 9660."""
    if iso.has_rock_ridge():
        return iso.get_rock_ridge_facade(), lambda name: name.lstrip("/")
    if iso.has_joliet():
        return iso.get_joliet_facade(), lambda name: name.lstrip("/")
    return iso.get_iso9660_facade(), lambda name: name.lstrip("/").split(";")[0].rstrip(".").lower()


def _iso_files(facade, strip) -> Iterator[str]:
    for dirpath, _dirs, filelist in facade.walk("/"):
        for name in filelist:
            full = (dirpath.rstrip("/") + "/" + name)
            if any(part.lower() in OS_LITTER for part in strip(full).split("/")):
                continue
            yield full
