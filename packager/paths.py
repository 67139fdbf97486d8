"""Output paths the user names on the command line (`qa --csv`, `kit -o`, `review export -o`).

A user-given output file goes into a folder that already exists: a typo in the folder ("/tmp/kti/k.zip")
is an error (exit 2, nothing written), never a new folder tree created silently. Outputs packager
places itself (under dist/ and .packager/) create their folders as before (see atomic.py).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from .errors import PackagerError


def check_output_file(path: Path | str) -> Path:
    """`path` as given, once its folder is known to exist; PackagerError (exit 2) otherwise."""
    path = Path(path)
    folder = path.parent
    if folder.is_dir():
        return path
    if folder.exists():
        raise PackagerError(f"{folder} is not a folder: choose another path for {path.name}")
    raise PackagerError(f"folder {folder} does not exist: create it or choose another path")


def output_file_callback(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """A click callback for an output FILE option: checked while the command line is read, before any work."""
    if value is None or ctx.resilient_parsing:
        return value
    return check_output_file(value)


def output_file_option(*decls: str, **attrs: Any) -> Callable[[Any], Any]:
    """A click option for an output file: dir_okay=False, returned as a Path, its folder must exist."""
    attrs.setdefault("type", click.Path(dir_okay=False, path_type=Path))
    attrs["callback"] = output_file_callback
    return click.option(*decls, **attrs)
