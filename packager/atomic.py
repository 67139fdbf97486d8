"""Atomic writes: a crash mid-write never leaves a half-written file that a later run trusts."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path


def _default_mode() -> int:
    # mkstemp makes 0600 files; a finished artifact gets the mode an ordinary open() would give it.
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


_DEFAULT_MODE = _default_mode()


def _publish(tmp: Path, final: Path) -> None:
    """Give `tmp` the permissions `final` has (or ordinary ones), then rename it onto `final`."""
    try:
        mode = final.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = _DEFAULT_MODE
    with contextlib.suppress(FileNotFoundError):
        os.chmod(tmp, mode)
    os.replace(tmp, final)


def temp_path_for(final: Path) -> Path:
    """A temporary sibling of `final` (same folder, so the rename is atomic) whose name no reader trusts."""
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".part", dir=final.parent)
    os.close(fd)
    os.chmod(name, _DEFAULT_MODE)
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
        _publish(tmp, final)
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


# A temporary file nobody has written to for this long belongs to a run that was killed: ffmpeg and the
# ISO writer touch theirs continually, so a live one is never this old.
STALE_SECONDS = 600


def readable(path: Path | str) -> None:
    """0644 for an output meant for everyone (documents, videos on the stick or disc), whatever the
    umask and whatever mode the file it replaced had."""
    os.chmod(path, 0o644)


def sweep_partials(*folders: Path, older_than: float = STALE_SECONDS, pattern: str = ".*.part*") -> int:
    """Remove the temporary files and folders (".NAME.XXXX.part…") that killed runs left under
    `folders`; returns how many. No reader ever trusts them; this only gives the space back."""
    now = time.time()
    removed = 0
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in list(folder.rglob(pattern)):  # listed first: removing a folder while walking it fails
            try:
                if now - path.stat().st_mtime <= older_than:
                    continue
                if path.is_dir():
                    shutil.rmtree(path)
                else:
                    path.unlink()
                removed += 1
            except OSError:  # gone meanwhile (inside a folder removed), or not ours to remove
                pass
    return removed
