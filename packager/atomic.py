"""Atomic writes: a crash mid-write never leaves a half-written file that a later run trusts."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


def temp_path_for(final: Path) -> Path:
    """A temporary sibling of `final` (same folder, so the rename is atomic) whose name no reader trusts."""
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".part", dir=final.parent)
    os.close(fd)
    return Path(name)


@contextlib.contextmanager
def atomic_path(final: Path | str) -> Iterator[Path]:
    """Yield a temporary path to write to; rename it onto `final` only if the block succeeds.

    The temporary keeps `final`'s extension last (``.name.XXXX.part.mp4`` would confuse ffmpeg's
    muxer guessing), so tools that infer the format from the name still work.
    """
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{final.stem}.", suffix=f".part{final.suffix}", dir=final.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.replace(tmp, final)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def write_bytes(final: Path | str, data: bytes) -> None:
    with atomic_path(final) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())


def write_text(final: Path | str, text: str, encoding: str = "utf-8") -> None:
    write_bytes(final, text.encode(encoding))
