"""The editor's return file: what "Save my work" in a kit's editor.html downloads, read back for
`packager review import` like a returned DOCX or XLIFF.

``<NN-module>.return.json``::

    {"format": "packager-editor/1", "kit": "<kit id>", "module": "<module id>",
     "exported": "<when the kit was made>", "saved": "<when the translator saved>",
     "cues": [{"n": 1, "start": 1.0, "end": 3.0,
               "source": "Bonjour.", "source_hash": "…",          the French as exported
               "exported_hash": "…", "exported_state": "draft",   the Spanish as exported
               "target": "Hola.", "state": "approved", "comment": "…"}]}

Every cue of the module is in it (the import refuses a file that drops or moves a cue). `state` is
the cue's state in the editor: "approved" approves it, anything else says it is not approved
(so an approval withdrawn in the editor comes back as a withdrawn approval, as a DOCX's «a revisar»).
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import PackagerError

if TYPE_CHECKING:
    from ..project import Module
    from .returns import ReturnedFile

RETURN_FORMAT = "packager-editor/1"
RETURN_SUFFIX = ".return.json"
STATES = ("draft", "edited", "approved", "needs-review")


def return_name(module: Module) -> str:
    """"01-entreprise-a.return.json": the module's folder name in the kit."""
    return f"{module.order:02d}-{module.id}{RETURN_SUFFIX}"


# Browsers number a second download of the same name: "01-a.return (1).json" (Chromium), "…return(1).json".
_RETURN_NAME = re.compile(r"\.return(?: ?\(\d+\))?\.json$", re.IGNORECASE)


def is_editor_return(name: str) -> bool:
    return bool(_RETURN_NAME.search(Path(name).name))


def kit_editor_returns(source, parse, notes: list[str]) -> dict[str, list[ReturnedFile]]:
    """The editor's return files found anywhere in a returned kit, parsed (`parse(data, name)`), by
    module. A module saved several times (a translator saving every evening) keeps its last save
    only: each save holds all the work of the browser it was made in, so older ones would only
    conflict with it; `notes` says which were set aside."""
    found: dict[str, list[tuple[str, str, ReturnedFile]]] = {}
    for name in sorted(source.members):
        if is_editor_return(name):
            data = source.read(name)
            returned = parse(data, name)
            found.setdefault(returned.module_id, []).append((_saved(data), name, returned))
    by_module: dict[str, list[ReturnedFile]] = {}
    for module_id, saves in found.items():
        saves.sort(key=lambda save: (save[0], save[1]))
        by_module[module_id] = [saves[-1][2]]
        notes.extend(f"{name}: an older save of the editor's work on {module_id} than {saves[-1][1]}; "
                     "not applied" for _, name, _ in saves[:-1])
    return by_module


def _saved(data: bytes) -> str:
    """When the editor saved a return file (ISO 8601, UTC), "" when it does not say."""
    try:
        saved = json.loads(data.decode("utf-8-sig")).get("saved")
    except (ValueError, UnicodeDecodeError, AttributeError):
        return ""
    return saved if isinstance(saved, str) else ""


def parse_editor_return(data: bytes, label: str) -> ReturnedFile:
    """The returned units of one module, as the DOCX and XLIFF readers give them."""
    from .readers import _clean
    from .returns import ReturnedFile, ReturnedUnit

    hint = "import the .return.json file the editor saved, unchanged (Save my work / Guardar mi trabajo)"
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise PackagerError("not a UTF-8 text file", path=label, hint=hint) from None
    except ValueError as exc:
        raise PackagerError(f"not readable JSON ({exc})", path=label, hint=hint) from None
    if not isinstance(document, dict) or document.get("format") != RETURN_FORMAT:
        raise PackagerError(f"not a return file of the kit's editor (expected \"format\": \"{RETURN_FORMAT}\")",
                            path=label, hint=hint)
    module_id, cues = document.get("module"), document.get("cues")
    if not isinstance(module_id, str) or not module_id or not isinstance(cues, list):
        raise PackagerError("the file names no module or has no cue list", path=label, hint=hint)
    kit = document.get("kit") if isinstance(document.get("kit"), str) else None
    exported = document.get("exported") if isinstance(document.get("exported"), str) else None
    result = ReturnedFile(label=label, kind="editor", module_id=module_id, exported=exported, kit=kit)
    for position, cue in enumerate(cues, start=1):
        where = f"cue {cue.get('n')}" if isinstance(cue, dict) and "n" in cue else f"cue entry {position}"
        if not isinstance(cue, dict):
            raise PackagerError("a cue entry is not an object", path=label, where=where, hint=hint)
        number, target, state = cue.get("n"), cue.get("target"), cue.get("state")
        start, end, comment = cue.get("start"), cue.get("end"), cue.get("comment")
        if not isinstance(number, int) or isinstance(number, bool) or number < 1:
            raise PackagerError(f"cue number {number!r} is not a positive whole number", path=label, where=where,
                                hint=hint)
        if not isinstance(target, str):
            raise PackagerError("the cue's text is missing", path=label, where=where, hint=hint)
        if state not in STATES:
            raise PackagerError(f"unknown state {state!r}", path=label, where=where,
                                hint=f"a state is one of: {', '.join(STATES)}")
        if not all(isinstance(t, (int, float)) and not isinstance(t, bool) and math.isfinite(t) for t in (start, end)):
            raise PackagerError("the cue's times are missing", path=label, where=where, hint=hint)
        if comment is not None and not isinstance(comment, str):
            raise PackagerError("the comment is not text", path=label, where=where, hint=hint)
        carried = None
        if isinstance(cue.get("source_hash"), str) and isinstance(cue.get("exported_hash"), str):
            carried = {"source_hash": cue["source_hash"], "target_hash": cue["exported_hash"],
                       "state": cue.get("exported_state") if cue.get("exported_state") in STATES else ""}
        source = cue.get("source") if isinstance(cue.get("source"), str) else None
        result.units.append(ReturnedUnit(
            key=str(number), target=_clean(target), approve=state == "approved", unapprove=state != "approved",
            comment=(comment or "").strip() or None, start=float(start), end=float(end), source=source,
            carried=carried, label=f"cue {number}"))
    return result
