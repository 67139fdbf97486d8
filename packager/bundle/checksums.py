"""SHA256SUMS in the format `sha256sum -c` reads: `<64 hex>  <path>` per line, paths relative, '/'-separated."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import BinaryIO

from ..errors import PackagerError

SUMS_NAME = "SHA256SUMS"
CHUNK = 1 << 20

_LINE = re.compile(r"^([0-9a-fA-F]{64}) [ *](.+)$")


def sha256_stream(stream: BinaryIO) -> str:
    digest = hashlib.sha256()
    for block in iter(lambda: stream.read(CHUNK), b""):
        digest.update(block)
    return digest.hexdigest()


def sha256_file(path: Path) -> str:
    with open(path, "rb") as fh:
        return sha256_stream(fh)


class HashWriter:
    """A write-only file object that hashes what it is given (pycdlib extracts into it)."""

    def __init__(self) -> None:
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        self.size += len(data)
        return len(data)

    def hexdigest(self) -> str:
        return self.digest.hexdigest()


def format_sums(sums: dict[str, str]) -> str:
    """Lines sorted by path, as `sha256sum` prints them (two spaces: text mode, the GNU default)."""
    return "".join(f"{digest}  {path}\n" for path, digest in sorted(sums.items()))


def parse_sums(text: str, *, source: Path | str) -> dict[str, str]:
    """{path: digest} from a SHA256SUMS text; a malformed line is a PackagerError naming it."""
    sums: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _LINE.match(line)
        if match is None:
            raise PackagerError("malformed checksum line (expected `<64 hex digits>  <path>`)", path=source,
                                where=f"line {number}", hint="the file was damaged: copy SHA256SUMS again from "
                                                             "the original bundle")
        path = match.group(2)
        if path.startswith("./"):
            path = path[2:]
        sums[path] = match.group(1).lower()
    return sums


def write_sums(root: Path) -> dict[str, str]:
    """Hash every file under `root` (except SHA256SUMS itself) and write SHA256SUMS there."""
    sums = {p.relative_to(root).as_posix(): sha256_file(p)
            for p in sorted(root.rglob("*")) if p.is_file() and p.relative_to(root).as_posix() != SUMS_NAME}
    (root / SUMS_NAME).write_text(format_sums(sums), encoding="ascii", newline="\n")
    return sums
