"""What fits on a medium: byte budgets, the FAT32 file limit, and file names every medium accepts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from ..errors import PackagerError

CD_R = 737_280_000
DVD_5 = 4_700_000_000
DVD_9 = 8_500_000_000
FAT32_MAX_FILE = 4_294_967_295  # 4 GiB - 1: the largest file FAT32 (most USB sticks) can hold
ISO_MAX_EXTENT = 0xFFFFFFFF  # a file larger than this needs several ISO 9660 extents, so UDF is added

MAX_NAME = 64  # Joliet's limit, in characters
SECTOR = 2048

BUDGETS = {"cd": CD_R, "dvd": DVD_5, "dvd9": DVD_9}
MEDIA = {"cd": "CD-R", "dvd": "DVD-5", "dvd9": "DVD-9 (dual layer)"}


def medium_name(budget: int) -> str:
    """"CD-R (737,280,000 bytes)" for a budget of BUDGETS."""
    key = next((k for k, v in BUDGETS.items() if v == budget), None)
    return f"{MEDIA[key]} ({budget:,} bytes)" if key else f"medium ({budget:,} bytes)"


_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class Item:
    """One file of the bundle as it will be laid out: its path inside the bundle and its size."""

    path: str  # posix, relative to the bundle root
    size: int


def check_names(paths: list[str]) -> None:
    """ASCII slug names of at most 64 characters, no two in a folder differing only in case.

    Raises one PackagerError listing every bad name (exit 2).
    """
    problems: list[str] = []
    seen: dict[str, str] = {}
    for path in paths:
        parts = PurePosixPath(path).parts
        for depth, part in enumerate(parts):
            if not part.isascii() or not _NAME.match(part):
                problems.append(f"{path}: {part!r} is not an ASCII name (letters, digits, '-', '_', '.')")
            elif len(part) > MAX_NAME:
                problems.append(f"{path}: {part!r} has {len(part)} characters (at most {MAX_NAME}, Joliet's limit)")
            full = "/".join(parts[: depth + 1])
            other = seen.setdefault(full.lower(), full)
            if other != full:
                problems.append(f"{full} and {other} differ only in case (Windows and discs see one file)")
    if problems:
        unique = list(dict.fromkeys(problems))
        raise PackagerError(
            "file names that will not survive every medium:\n    " + "\n    ".join(unique),
            hint="rename the module (its id) or the document so each name is an ASCII slug of at most 64 "
                 "characters, unique regardless of case, then run again")


def iso_estimate(items: list[Item]) -> int:
    """Bytes an ISO of these files takes: each file rounded up to a sector, plus the volume structures.

    The structures (volume descriptors, three directory trees: ISO 9660, Joliet, Rock Ridge) take
    about 40 sectors plus two sectors per file and folder; the estimate errs on the large side.
    """
    data = sum(-(-item.size // SECTOR) * SECTOR for item in items)
    folders = {str(PurePosixPath(i.path).parent) for i in items}
    return data + SECTOR * (64 + 3 * (len(items) + len(folders)))


def budget_for(target: str, items: list[Item], console=None) -> int | None:
    """The medium's byte budget for a target (None for USB, which has only a per-file limit).

    Raises PackagerError (exit 2) with the largest items and what to do when the bundle does not fit.
    """
    largest = sorted(items, key=lambda i: i.size, reverse=True)
    if target == "usb":
        too_big = [i for i in items if i.size > FAT32_MAX_FILE]
        if too_big:
            raise PackagerError(
                "files too large for a FAT32 USB stick (at most 4,294,967,295 bytes per file):\n"
                + _list(too_big),
                hint="render at a lower resolution or quality, or format the stick as exFAT and copy the folder "
                     "by hand")
        return None
    needed = iso_estimate(items)
    budget = BUDGETS[target]
    if target == "dvd" and budget < needed <= BUDGETS["dvd9"]:
        if console is not None:
            console.print(f"bundle: about {needed:,} bytes do not fit a DVD-5; burn it on a DVD-9 (dual layer) disc",
                          markup=False, highlight=False)
        return BUDGETS["dvd9"]
    if target == "dvd":
        budget = BUDGETS["dvd9"]
    if needed > budget:
        # The render fits bit rate and resolution to the space the documents it found leave (or an allowance
        # when there were none yet): rendering again after the documents grew lowers them to fit.
        advice = {"cd": "use --target dvd or --target usb; or render again (`packager render --target cd` lowers "
                        "the bit rate and resolution to fit beside the documents as they are now), or make the "
                        "largest items smaller",
                  "dvd": "use --target usb; or render again (`packager render --target dvd` lowers the bit rate "
                         "to fit beside the documents as they are now), or make the largest items smaller"}[target]
        raise PackagerError(
            f"the bundle needs about {needed:,} bytes, over the {medium_name(budget)} by {needed - budget:,} bytes; "
            f"largest items:\n" + _list(largest[:5]),
            hint=advice)
    return BUDGETS[target]


def _list(items: list[Item]) -> str:
    return "\n".join(f"    {item.size:>15,}  {item.path}" for item in items)
