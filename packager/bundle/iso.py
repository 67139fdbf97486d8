"""The disc image: ISO 9660 level 3 with Joliet and Rock Ridge 1.09 (UDF 2.60 too when a file is over 4 GiB).

ISO 9660 names are upper-case d-characters (A-Z, 0-9, _), at most 30 characters for a file; Joliet
(Windows) and Rock Ridge (Linux, macOS) carry the real names, so readers see `01-entreprise-a.mp4`.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

from ..atomic import temp_path_for
from ..errors import PackagerError
from .capacity import ISO_MAX_EXTENT

LABEL_MAX = 32


def _d_chars(text: str) -> str:
    return re.sub(r"[^A-Z0-9_]", "_", text.upper())


def volume_label(slug: str) -> str:
    """The volume identifier: the programme slug in d-characters, upper case, at most 32 characters."""
    return _d_chars(slug)[:LABEL_MAX].strip("_") or "PROGRAMME"


def iso_name(name: str, *, is_dir: bool, used: set[str]) -> str:
    """A unique ISO 9660 level 3 identifier for `name` in a folder whose names are `used` (updated)."""
    if is_dir:
        base, ext = _d_chars(name)[:31], ""
    else:
        stem, dot, suffix = name.rpartition(".")
        if not dot:
            stem, suffix = name, ""
        ext = _d_chars(suffix)[:8]
        base = _d_chars(stem)[: 30 - len(ext)] or "F"
    candidate, n = base, 1
    while (candidate + ("." + ext if ext else "")) in used:
        n += 1
        tail = f"_{n}"
        candidate = base[: (31 if is_dir else 30 - len(ext)) - len(tail)] + tail
    full = candidate + ("." + ext if ext else "")
    used.add(full)
    return full


def needs_udf(folder: Path) -> bool:
    return any(p.is_file() and p.stat().st_size > ISO_MAX_EXTENT for p in folder.rglob("*"))


def write_iso(folder: Path, dest: Path, label: str, *, udf: bool | None = None) -> Path:
    """Write an image of `folder` to `dest` (temp file, then rename: never a partial image at `dest`)."""
    import pycdlib
    from pycdlib.pycdlibexception import PyCdlibException

    if udf is None:
        udf = needs_udf(folder)
    iso = pycdlib.PyCdlib()
    # Joliet's label is UCS-2 in 32 bytes (16 characters): Windows shows those; the ISO 9660 label keeps 32.
    iso.new(interchange_level=3, vol_ident=label[:16], joliet=3, rock_ridge="1.09", udf="2.60" if udf else None)
    iso.pvd.volume_identifier = label.encode("ascii").ljust(LABEL_MAX)
    tmp = temp_path_for(dest)
    try:
        _add_tree(iso, folder, udf=udf)
        iso.write(str(tmp))
        iso.close()
        os.replace(tmp, dest)
    except PyCdlibException as exc:
        raise PackagerError(f"cannot make the disc image: {exc}", path=dest,
                            hint="no image was written; check the names and sizes in the bundle folder") from None
    except OSError as exc:
        raise PackagerError(f"cannot write the disc image: {exc.strerror}", path=dest,
                            hint="free some disk space (the image is as large as the bundle) and run again") \
            from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return dest


def _add_tree(iso, folder: Path, *, udf: bool) -> None:
    # Walk folder by folder so each gets its own set of used ISO names.
    stack: list[tuple[Path, str, str]] = [(folder, "/", "/")]  # (local dir, iso dir, real dir)
    while stack:
        local, iso_dir, real_dir = stack.pop()
        used: set[str] = set()
        for entry in sorted(local.iterdir(), key=lambda p: p.name):
            real = real_dir.rstrip("/") + "/" + entry.name
            if entry.is_dir():
                name = iso_name(entry.name, is_dir=True, used=used)
                iso_path = iso_dir.rstrip("/") + "/" + name
                iso.add_directory(iso_path, rr_name=entry.name, joliet_path=real,
                                  udf_path=real if udf else None)
                stack.append((entry, iso_path, real))
            elif entry.is_file():
                name = iso_name(entry.name, is_dir=False, used=used)
                iso_path = iso_dir.rstrip("/") + "/" + name + ";1"
                iso.add_file(str(entry), iso_path, rr_name=entry.name, joliet_path=real,
                             udf_path=real if udf else None)
