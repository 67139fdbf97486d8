"""`packager review import`: take back what a translator returned (DOCX, SRT, XLIFF), safely.

The rules, for every format:
- timing is never shifted and no cue is ever dropped: a file whose cue count or timing differs from
  the Spanish track is refused as a whole, with the list of differences;
- a cue whose Spanish changed becomes `edited`; one whose state says approved becomes `approved`;
  comments are kept (in the review-state sidecar);
- nothing changed at home since the export (a newer approval, a newer edit) is overwritten by an
  older return: it is a conflict, reported with both texts, the current text kept;
- a cue whose French changed since the export takes the returned text but is `needs-review`;
- every change is computed first, then the SRT and its sidecar are written atomically.

"What the export carried" per cue (source hash, Spanish hash, state) comes from the kit's manifest,
or from the identity a DOCX (hidden runs) or XLIFF (metadata) carries; a bare SRT carries none, so
an approved cue's text is never changed through one (conflict).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import PackagerError
from .export import (
    XLIFF_NS,
    is_approve_word,
    is_unapprove_word,
    now_iso,
    parse_cue_cell,
    parse_doc_cell,
    parse_identity,
    parse_tc_pair,
)

if TYPE_CHECKING:
    from ..project import Module, Project
    from .states import StateFile, UnitState

TIMING_TOLERANCE = 0.0015  # seconds: files carry milliseconds


# ---------------------------------------------------------------------------------------------- model


@dataclass
class ReturnedUnit:
    """One unit as it came back. `key`: cue number ("12") or "doc_id|unit key" for documents."""

    key: str | None
    target: str
    approve: bool = False
    unapprove: bool = False  # the file says, in so many words, that it is not approved (a state changed back)
    comment: str | None = None
    start: float | None = None
    end: float | None = None
    source: str | None = None
    carried: dict | None = None  # source_hash, target_hash, state (what the export carried)
    label: str = ""  # "cue 12" for messages
    state_text: str | None = None  # what the DOCX's state column says, as written
    file: str = ""  # the returned file it came from, for messages


@dataclass
class ReturnedFile:
    label: str
    kind: str  # docx | srt | xliff
    module_id: str | None
    exported: str | None = None
    kit: str | None = None
    documents: bool = False  # a DOCX of document units (kit)
    units: list[ReturnedUnit] = field(default_factory=list)


@dataclass
class Conflict:
    module: str
    key: str
    current: str
    returned: str
    current_state: str
    reason: str = "changed at home since the export"
    file: str = ""
    labels: tuple[str, str] = ("current", "returned")  # what `current` and `returned` are

    def render(self) -> str:
        origin = f" [{self.file}]" if self.file else ""
        width = max(map(len, self.labels))
        state = f" ({self.current_state})" if self.current_state else ""
        return (f"{self.module} {self.key}{origin}: {self.reason}; the current text{state} is kept\n"
                f"    {self.labels[0]:<{width}}: {self.current!r}\n    {self.labels[1]:<{width}}: {self.returned!r}")


ACTIONS = ("changed", "approved", "commented", "needs-review")


@dataclass
class Summary:
    changed: int = 0
    approved: int = 0
    commented: int = 0
    needs_review: int = 0
    unchanged: int = 0
    refused: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    applied: list[str] = field(default_factory=list)  # labels of files applied
    notes: list[str] = field(default_factory=list)
    events: list[tuple[str, str, str]] = field(default_factory=list)  # (module or document, unit, action)

    def count(self, action: str, module: str, unit: str) -> None:
        """Count one applied change (changed / approved / commented / needs-review) and remember where."""
        attr = action.replace("-", "_")
        setattr(self, attr, getattr(self, attr) + 1)
        self.events.append((module, unit, action))

    def details(self) -> list[str]:
        """One line per module or document: "entreprise-a: changed cues 1, 3; approved cue 2"."""
        by_module: dict[str, dict[str, list[str]]] = {}
        for module, unit, action in self.events:
            by_module.setdefault(module, {}).setdefault(action, []).append(unit)
        lines = []
        for module, actions in by_module.items():
            parts = []
            for action in ACTIONS:
                units = actions.get(action)
                if not units:
                    continue
                if all(u.startswith("cue ") for u in units):
                    numbers = ", ".join(u[4:] for u in units)
                    units_text = f"cue{'s' if len(units) > 1 else ''} {numbers}"
                else:
                    units_text = ", ".join(units)
                parts.append(f"{action} {units_text}")
            lines.append(f"{module}: " + "; ".join(parts))
        return lines

    def line(self) -> str:
        return (f"{self.changed} changed, {self.approved} approved, {self.commented} commented, "
                f"{self.needs_review} needs-review, {len(self.refused)} refused, {len(self.conflicts)} conflict(s)")


def _clean(text: str) -> str:
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").replace("\v", "\n").split("\n")]
    return "\n".join(line for line in lines if line)


# ---------------------------------------------------------------------------------------------- parsing


def parse_docx(data: bytes, label: str) -> ReturnedFile:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise PackagerError(f"not a readable DOCX file ({exc})", path=label,
                            hint="send back the file as exported, saved as .docx (Word) from Word or LibreOffice") from None
    identity = None
    for paragraph in document.paragraphs[:8]:
        identity = parse_identity(paragraph.text)
        if identity:
            break
    if identity is None:
        identity = parse_identity(document.core_properties.subject or "")
    if identity is None:
        raise PackagerError("this DOCX is not a packager review file (its identity line is missing)", path=label,
                            hint="import the file packager exported (the grey line under the title must stay)")
    if not document.tables:
        raise PackagerError("the review table is missing", path=label)
    table = document.tables[0]
    documents = identity["kind"] == "documents"
    result = ReturnedFile(label=label, kind="docx", module_id=None if documents else identity["id"],
                          exported=identity["exported"], kit=identity["kit"], documents=documents)
    for row_number, row in enumerate(table.rows[1:], start=2):
        cells = [_cell_text(cell) for cell in row.cells]
        if documents:
            if len(cells) < 5:
                raise PackagerError("a row has lost columns", path=label, where=f"table row {row_number}")
            key, carried = parse_doc_cell(cells[0])
            if key is None:
                raise PackagerError(f"unreadable unit key {cells[0]!r}", path=label, where=f"table row {row_number}",
                                    hint="do not edit the first column")
            result.units.append(ReturnedUnit(key=key, source=cells[1], target=_clean(cells[2]),
                                             approve=is_approve_word(cells[3]), unapprove=is_unapprove_word(cells[3]),
                                             comment=cells[4].strip() or None, carried=carried, label=key,
                                             state_text=cells[3]))
            continue
        if len(cells) < 6:
            raise PackagerError("a row has lost columns", path=label, where=f"table row {row_number}")
        number, carried = parse_cue_cell(cells[0])
        timing = parse_tc_pair(cells[1])
        if number is None or timing is None:
            raise PackagerError(f"unreadable cue number or timecode ({cells[0].strip()!r}, {cells[1].strip()!r})",
                                path=label, where=f"table row {row_number}",
                                hint="do not edit the number and time columns")
        result.units.append(ReturnedUnit(key=str(number), start=timing[0], end=timing[1], source=cells[2],
                                         target=_clean(cells[3]), approve=is_approve_word(cells[4]),
                                         unapprove=is_unapprove_word(cells[4]), comment=cells[5].strip() or None,
                                         carried=carried, label=f"cue {number}", state_text=cells[4]))
    return result


def _cell_text(cell) -> str:
    """A cell's text with tracked changes taken as accepted (insertions in, deletions out), which
    python-docx's `cell.text` does not do; paragraphs and line breaks become "\n"."""
    from docx.oxml.ns import qn

    t, br, cr, tab, p = qn("w:t"), qn("w:br"), qn("w:cr"), qn("w:tab"), qn("w:p")
    skip = {qn("w:del"), qn("w:moveFrom")}
    paragraphs = []
    for paragraph in cell._tc.iter(p):
        parts = []
        for el in paragraph.iter(t, br, cr, tab):
            if any(ancestor.tag in skip for ancestor in el.iterancestors()):
                continue
            if el.tag == t:
                parts.append(el.text or "")
            elif el.tag == tab:
                parts.append(" ")
            else:
                parts.append("\n")
        paragraphs.append("".join(parts))
    return "\n".join(paragraphs)


def parse_srt_return(data: bytes, label: str, module_id: str | None) -> ReturnedFile:
    from ..subtitles.cues import decode_subtitle_bytes, parse_srt

    cues = parse_srt(decode_subtitle_bytes(data, Path(label)), Path(label))
    return ReturnedFile(label=label, kind="srt", module_id=module_id, units=[
        ReturnedUnit(key=None, target=_clean(c.text), start=c.start, end=c.end, label=f"cue {c.index}")
        for c in cues])


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def parse_xliff(data: bytes, label: str, module_id: str | None = None) -> ReturnedFile:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise PackagerError(f"not well-formed XML: {exc}", path=label) from None
    if _local(root.tag) != "xliff":
        raise PackagerError("not an XLIFF file (no <xliff> root)", path=label)
    version = root.get("version", "")
    files = [el for el in root if _local(el.tag) == "file"]
    if len(files) != 1:
        raise PackagerError(f"expected one <file> (one module), found {len(files)}", path=label)
    file_el = files[0]
    result = ReturnedFile(label=label, kind="xliff", module_id=module_id)

    def metas(parent) -> dict[str, str]:
        out = {}
        for child in parent:
            if _local(child.tag) == "metadata":
                for meta in child.iter():
                    if _local(meta.tag) == "meta" and meta.get("type"):
                        out[meta.get("type")] = (meta.text or "").strip()
        return out

    def text_of(el) -> str:
        return "".join(el.itertext()) if el is not None else ""

    if version.startswith("2"):
        info = metas(file_el)
        result.module_id = info.get("module") or file_el.get("id") or module_id
        result.exported, result.kit = info.get("exported"), info.get("kit")
        for unit in file_el.iter(f"{{{XLIFF_NS}}}unit"):
            info = metas(unit)
            segments = [el for el in unit if _local(el.tag) == "segment"]
            targets = [text_of(next((c for c in s if _local(c.tag) == "target"), None)) for s in segments]
            sources = [text_of(next((c for c in s if _local(c.tag) == "source"), None)) for s in segments]
            states = {s.get("state", "initial") for s in segments}
            notes = [text_of(n).strip() for n in unit.iter() if _local(n.tag) == "note"]
            carried = None
            if info.get("source-hash"):
                carried = {"source_hash": info["source-hash"], "target_hash": info.get("target-hash", ""),
                           "state": info.get("state", "")}
            start = float(info["start"]) if info.get("start") else None
            end = float(info["end"]) if info.get("end") else None
            if start is None:
                timing = parse_tc_pair(unit.get("name", ""))
                start, end = timing if timing else (None, None)
            result.units.append(ReturnedUnit(
                key=unit.get("id"), target=_clean(" ".join(targets)), source=" ".join(sources),
                approve=bool(states) and states <= {"reviewed", "final"},
                unapprove=bool(states) and not states <= {"reviewed", "final"},
                comment="\n".join(n for n in notes if n) or None, start=start, end=end, carried=carried,
                label=f"cue {unit.get('id')}"))
    else:  # XLIFF 1.2: <trans-unit id> <source> <target state="…"> <note>
        original = file_el.get("original", "")
        if module_id is None and original:
            module_id = Path(original).stem.split(".")[0]
        result.module_id = module_id
        for unit in file_el.iter():
            if _local(unit.tag) != "trans-unit":
                continue
            target = next((c for c in unit if _local(c.tag) == "target"), None)
            source = next((c for c in unit if _local(c.tag) == "source"), None)
            notes = [text_of(n).strip() for n in unit if _local(n.tag) == "note"]
            state = target.get("state", "") if target is not None else ""
            timing = parse_tc_pair(unit.get("resname", "") or "")
            approved = state in ("final", "signed-off") or unit.get("approved", "").lower() == "yes"
            result.units.append(ReturnedUnit(
                key=unit.get("id"), target=_clean(text_of(target)), source=text_of(source),
                approve=approved, unapprove=bool(state) and not approved,
                comment="\n".join(n for n in notes if n) or None,
                start=timing[0] if timing else None, end=timing[1] if timing else None,
                label=f"cue {unit.get('id')}"))
    return result


OTHER_OFFICE_FORMATS = {
    ".odt": "OpenDocument (.odt)", ".doc": "Word 97-2003 (.doc)", ".rtf": "RTF", ".docm": "Word with macros (.docm)",
    ".pdf": "PDF", ".txt": "plain text", ".ass": "Advanced SubStation (.ass)", ".ssa": "SubStation (.ssa)",
    ".vtt": "WebVTT", ".sub": "MicroDVD/SubViewer (.sub)", ".sdlxliff": "Trados (.sdlxliff)",
    ".mqxliff": "memoQ (.mqxliff)",
}


def parse_return(data: bytes, label: str, *, module_id: str | None = None) -> ReturnedFile:
    from .editor_return import is_editor_return, parse_editor_return

    suffix = Path(label).suffix.lower()
    if suffix == ".docx":
        result = parse_docx(data, label)
    elif suffix == ".srt":
        result = parse_srt_return(data, label, module_id or module_from_name(label))
    elif suffix in (".xliff", ".xlf"):
        result = parse_xliff(data, label, module_id)
    elif is_editor_return(label):  # the kit editor's "Save my work" (editor_return.py)
        result = parse_editor_return(data, label)
    elif suffix in OTHER_OFFICE_FORMATS:
        raise PackagerError(f"cannot import a file saved as {OTHER_OFFICE_FORMATS[suffix]}", path=label,
                            hint="open it and save it again as the format it was sent in: .docx (Word 2007-365; in "
                                 "LibreOffice \"Keep current format\"), .srt or .xliff")
    else:
        raise PackagerError(f"cannot import a {suffix or 'nameless'} file", path=label,
                            hint="import a .docx, .srt, .xliff/.xlf, an editor's .return.json, a kit .zip or "
                                 "an unzipped kit folder")
    for unit in result.units:
        unit.file = Path(label).name
    return result


def module_from_name(label: str) -> str | None:
    """"03-entreprise-c.es.srt" → "entreprise-c"; "entreprise-c.srt" → "entreprise-c"."""
    import re

    stem = Path(label).name.split(".")[0]
    return re.sub(r"^\d+-", "", stem) or None


# ---------------------------------------------------------------------------------------------- alignment


def align_subtitles(project: Project, module: Module, returned: ReturnedFile) -> dict[str, ReturnedUnit]:
    """Key every returned cue by its cue number, checking count and timing; raise with the differences."""
    from ..subtitles.cues import read_srt

    current = read_srt(module.subtitle_path(project.target_language))
    diffs: list[str] = []
    if len(returned.units) != len(current):
        diffs.append(f"{len(returned.units)} cues returned, the Spanish track has {len(current)}")
    keyed: dict[str, ReturnedUnit] = {}
    if returned.kind == "srt":  # match by timing (editors renumber)
        by_time = {(round(c.start, 3), round(c.end, 3)): n for n, c in enumerate(current, start=1)}
        for unit in returned.units:
            n = by_time.get((round(unit.start, 3), round(unit.end, 3)))
            if n is None:
                n = next((i for i, c in enumerate(current, start=1) if abs(c.start - unit.start) <= TIMING_TOLERANCE
                          and abs(c.end - unit.end) <= TIMING_TOLERANCE), None)
            if n is None:
                diffs.append(f"returned {unit.label} ({_tc(unit.start)} → {_tc(unit.end)}) matches no cue's timing")
            elif str(n) in keyed:
                diffs.append(f"returned {unit.label} repeats the timing of cue {n}")
            else:
                unit.key = str(n)
                unit.label = f"cue {n}"  # editors renumber: messages name the cue by its number here
                keyed[str(n)] = unit
        for n, cue in enumerate(current, start=1):
            if str(n) not in keyed:
                diffs.append(f"cue {n} ({_tc(cue.start)} → {_tc(cue.end)}) is missing from the returned file")
    else:
        for unit in returned.units:
            if not (unit.key or "").isdigit() or not 1 <= int(unit.key) <= len(current):
                diffs.append(f"returned {unit.label}: no such cue")
                continue
            if unit.key in keyed:
                diffs.append(f"returned {unit.label} appears twice")
                continue
            cue = current[int(unit.key) - 1]
            if unit.start is not None and (abs(cue.start - unit.start) > TIMING_TOLERANCE
                                           or abs(cue.end - unit.end) > TIMING_TOLERANCE):
                diffs.append(f"cue {unit.key}: timing {_tc(unit.start)} → {_tc(unit.end)} differs from "
                             f"{_tc(cue.start)} → {_tc(cue.end)}")
            keyed[unit.key] = unit
        missing = [str(n) for n in range(1, len(current) + 1) if str(n) not in keyed]
        if missing and len(returned.units) == len(current):
            diffs.append(f"cue(s) {', '.join(missing[:20])} missing")
    if diffs:
        shown = 12
        listing = "\n".join(f"  - {d}" for d in diffs[:shown])
        if len(diffs) > shown:
            listing += f"\n  … and {len(diffs) - shown} more"
        hint = "import never shifts timing nor drops a cue: keep every cue and its times as exported"
        other = _module_with_timing(project, returned, exclude=module.id)
        if other is not None:
            hint = (f"its timing is that of module {other!r}: this looks like the file of {other}; "
                    f"import it with --module {other}")
        raise PackagerError(f"refused: its cues do not match the Spanish track of {module.id} "
                            f"({len(diffs)} difference(s)); nothing was written\n{listing}", path=returned.label,
                            hint=hint)
    return keyed


def _module_with_timing(project: Project, returned: ReturnedFile, *, exclude: str) -> str | None:
    """The module whose Spanish track has exactly the returned cues' timing (a file imported for the
    wrong module), or None."""
    from ..subtitles.cues import read_srt

    timing = [(u.start, u.end) for u in returned.units]
    if not timing or any(a is None for a, _ in timing):
        return None
    for other in project.modules:
        if other.id == exclude:
            continue
        try:
            cues = read_srt(other.subtitle_path(project.target_language))
        except (PackagerError, OSError):
            continue
        if len(cues) == len(timing) and all(abs(c.start - a) <= TIMING_TOLERANCE and abs(c.end - b) <= TIMING_TOLERANCE
                                            for c, (a, b) in zip(cues, timing)):
            return other.id
    return None


def _tc(seconds: float | None) -> str:
    from ..timecode import srt_timecode

    return srt_timecode(seconds) if seconds is not None else "?"


# ---------------------------------------------------------------------------------------------- deciding


@dataclass
class UnitPlan:
    """The new target text (None = keep) and the new sidecar entry (None = keep) of one unit."""

    text: str | None = None
    entry: UnitState | None = None


def decide(module_label: str, key: str, unit: ReturnedUnit, *, source: str, target: str,
           entry: UnitState | None, carried: dict | None, who: str, when: str, summary: Summary,
           exported: str | None = None) -> UnitPlan | None:
    """Apply the rules to one returned unit; count it in `summary`. None when nothing changes.

    What the translator did is read against what the export carried (`carried`: the Spanish's hash,
    its state, the French's hash); what happened at home since, against the files now. A return
    that adds nothing to what is here now (imported twice, or the same text already here) changes
    nothing, so an old return can never downgrade a newer approval.
    """
    from .export import is_known_state_word
    from .states import UnitState, effective_state, text_hash

    label = unit.label or key
    current_state = effective_state(entry, source, target)
    base_hash = (carried or {}).get("target_hash") or text_hash(target)
    if unit.state_text is not None and not is_known_state_word(unit.state_text):
        summary.notes.append(f"{unit.file or module_label}: {module_label} {label}: the state "
                             f"«{' '.join(unit.state_text.split())}» is not understood, so it was not approved; "
                             "to approve it, write «aprobado» in that cell and import again")
    if not unit.target.strip():
        if text_hash(unit.target) == base_hash or not target.strip():
            summary.unchanged += 1
        else:
            summary.refused.append(f"{module_label} {label} [{unit.file}]: the Spanish text came back empty; "
                                   "kept the current one")
        return None
    returned_hash = text_hash(unit.target)
    current_hash = text_hash(target)
    text_changed = returned_hash != base_hash
    base_state = (carried or {}).get("state") or current_state
    approve_new = unit.approve and (base_state != "approved" or text_changed)
    # The translator took an approval back (the state changed from approved, the text did not).
    unapprove_new = unit.unapprove and not unit.approve and base_state == "approved" and not text_changed
    comment = (unit.comment or "").strip() or None
    base_comment = (carried or {}).get("comment", entry.comment if entry else None)
    current_comment = entry.comment if entry else None
    comment_new = comment is not None and comment != (base_comment or None) and comment != current_comment
    if not (text_changed or approve_new or unapprove_new or comment_new):
        summary.unchanged += 1
        return None
    machine = entry.machine if entry else None
    new_comment = comment if comment_new else current_comment

    def comment_only() -> UnitPlan | None:
        if not comment_new:
            summary.unchanged += 1
            return None
        summary.count("commented", module_label, label)
        keep = entry or UnitState(current_state, text_hash(source), current_hash, machine, who, when)
        return UnitPlan(entry=UnitState(keep.state, keep.source_hash, keep.target_hash, keep.machine,
                                        keep.who, keep.when, new_comment, keep.confidence))

    if unapprove_new:
        if current_state != "approved" or current_hash != base_hash or _since(entry, exported):
            # Home moved on since the export (approved again, or changed), or this return was imported before.
            return comment_only()
        if comment_new:
            summary.count("commented", module_label, label)
        summary.count("needs-review", module_label, label)
        return UnitPlan(entry=UnitState("needs-review", text_hash(source), current_hash, machine, who, when,
                                        new_comment))
    if not (text_changed or approve_new):
        return comment_only()
    same_as_now = returned_hash == current_hash
    if same_as_now and current_state != "draft" and (current_state == "approved" or not approve_new):
        # Already here (this return was imported before, or the same text was written at home).
        return comment_only()
    if carried and carried.get("target_hash"):
        changed_at_home = current_hash != carried["target_hash"]
        # An approval made here after the export stands even when the French changed since (the cue is
        # then needs-review, and the approved text must not silently give way to an older return).
        recorded = entry.state if entry else None
        approved_at_home = carried.get("state") != "approved" and (
            current_state == "approved" or (recorded in ("approved", "needs-review")
                                            and recorded != carried.get("state")))
    else:  # a file with no record of what it carried: only an approval stands in its way
        changed_at_home = False
        approved_at_home = current_state == "approved" and text_changed
    if (changed_at_home or approved_at_home) and not same_as_now:
        if changed_at_home:
            reason = "its Spanish was changed at home after the file went out"
        elif carried:
            reason = "it was approved at home after the file went out"
        else:
            reason = "it is approved, and this file does not say which export it came from"
        if not text_changed:
            reason += " (the file approves the older text)"
        summary.conflicts.append(Conflict(module_label, label, target, unit.target, current_state, reason,
                                          unit.file))
        return comment_only()
    if comment_new:
        summary.count("commented", module_label, label)
    if carried and carried.get("source_hash"):
        seen_source = carried["source_hash"]
    elif unit.source is not None and unit.source.strip():
        seen_source = text_hash(unit.source)
    else:
        seen_source = text_hash(source)
    new_text = unit.target if not same_as_now else None
    final_hash = returned_hash
    if text_changed and (not same_as_now or current_state == "draft"):
        summary.count("changed", module_label, label)
    if seen_source != text_hash(source):
        # The French changed since the export: keep the translator's text, but flag it.
        summary.count("needs-review", module_label, label)
        return UnitPlan(text=new_text, entry=UnitState("edited", seen_source, final_hash, machine, who, when,
                                                       new_comment))
    state = "approved" if unit.approve else "edited"
    if state == "approved" and (current_state != "approved" or new_text is not None):
        summary.count("approved", module_label, label)
    return UnitPlan(text=new_text, entry=UnitState(state, text_hash(source), final_hash, machine, who, when,
                                                   new_comment))


def _since(entry: UnitState | None, exported: str | None) -> bool:
    """Whether the unit's recorded state was set after the file went out (both times ISO 8601, UTC)."""
    from datetime import datetime

    if entry is None or not entry.when or not exported:
        return False
    try:
        return datetime.fromisoformat(entry.when) > datetime.fromisoformat(exported)
    except ValueError:
        return False


# ---------------------------------------------------------------------------------------------- planning


@dataclass
class FilePlan:
    """Everything to write for one target file: new texts and entries by key. Written by `commit`."""

    label: str
    target_path: Path
    kind: str  # subtitles | document
    texts: dict[str, str] = field(default_factory=dict)
    entries: dict[str, UnitState] = field(default_factory=dict)
    document: object = None  # texts.TextDocument for documents

    @property
    def empty(self) -> bool:
        return not self.texts and not self.entries

    def add(self, key: str, decision: UnitPlan | None) -> None:
        """Take what `decide` chose for one unit (None: nothing changes)."""
        if decision is None:
            return
        if decision.text is not None:
            self.texts[key] = decision.text
        if decision.entry is not None:
            self.entries[key] = decision.entry


def plan_subtitles(project: Project, module: Module, units: dict[str, ReturnedUnit], *, carried: dict[str, dict] | None,
                   who: str, when: str, summary: Summary, exported: str | None = None) -> FilePlan:
    from ..subtitles.cues import read_srt
    from .states import StateFile

    target_path = module.subtitle_path(project.target_language)
    source = read_srt(module.subtitle_path(project.source_language))
    target = read_srt(target_path)
    states = StateFile.load(target_path)
    plan = FilePlan(label=module.id, target_path=target_path, kind="subtitles")
    for key in sorted(units, key=int):
        n = int(key)
        unit = units[key]
        unit_carried = (carried or {}).get(key) or unit.carried
        result = decide(module.id, key, unit, source=source[n - 1].text if n <= len(source) else "",
                        target=target[n - 1].text, entry=states.units.get(key), carried=unit_carried,
                        who=who, when=when, summary=summary, exported=exported)
        plan.add(key, result)
    return plan


def plan_documents(project: Project, units: list[ReturnedUnit], *, carried: dict[str, dict] | None, who: str,
                   when: str, summary: Summary, label: str, exported: str | None = None) -> list[FilePlan]:
    from ..texts import project_documents, read_units
    from .states import StateFile

    documents = {doc.doc_id: doc for doc in project_documents(project)}
    by_doc: dict[str, list[ReturnedUnit]] = {}
    for unit in units:
        doc_id, _, key = (unit.key or "").partition("|")
        if doc_id not in documents or documents[doc_id].unit(key) is None:
            summary.refused.append(f"{label} {unit.key}: no such text unit in this project; ignored")
            continue
        by_doc.setdefault(doc_id, []).append(unit)
    plans = []
    for doc_id, doc_units in by_doc.items():
        doc = documents[doc_id]
        current = read_units(doc.target_path)
        states = StateFile.load(doc.target_path)
        plan = FilePlan(label=doc_id, target_path=doc.target_path, kind="document", document=doc)
        for unit in doc_units:
            key = unit.key.partition("|")[2]
            unit.label = key
            source_text = doc.unit(key).text
            result = decide(doc_id, key, unit, source=source_text, target=current.get(key, ""),
                            entry=states.units.get(key), carried=(carried or {}).get(unit.key) or unit.carried,
                            who=who, when=when, summary=summary, exported=exported)
            plan.add(key, result)
        plans.append(plan)
    return plans


def commit(plans: list[FilePlan]) -> None:
    """Write every plan: the target file first (atomically), then its sidecar (atomically).

    Should a crash fall between the two, the new text is seen as `edited` (its hash is not the
    recorded one): a person's text is never lost nor taken for a machine draft."""
    from ..atomic import write_text
    from ..subtitles.cues import format_srt, read_srt
    from ..texts import read_units, write_target
    from .states import StateFile, UnitState, text_hash

    for plan in plans:
        if plan.empty:
            continue
        if plan.texts:
            if plan.kind == "subtitles":
                cues = read_srt(plan.target_path)
                cues = [c.with_text(plan.texts.get(str(n), c.text)) for n, c in enumerate(cues, start=1)]
                write_text(plan.target_path, format_srt(cues))
            else:
                texts = read_units(plan.target_path)
                filled = [u for u in plan.document.units if u.key not in texts and u.key not in plan.texts]
                texts.update(plan.texts)
                write_target(plan.document, texts)
                # Units the target file lacked are written with the source text (the file stays
                # aligned): record them as drafts, not as a person's Spanish.
                for unit in filled:
                    plan.entries.setdefault(unit.key, UnitState("draft", text_hash(unit.text), text_hash(unit.text),
                                                                None, "review import (source text kept)", now_iso()))
        states = StateFile.load(plan.target_path)
        states.units.update(plan.entries)
        states.save()


# ---------------------------------------------------------------------------------------------- entry


def import_file(project: Project, path: Path, *, module_id: str | None = None, who: str | None = None,
                dry_run: bool = False) -> Summary:
    """Import one returned .docx/.srt/.xliff file. Refusals of the whole file raise PackagerError."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PackagerError(f"cannot read the file: {exc.strerror}", path=path) from None
    returned = parse_return(data, str(path), module_id=module_id)
    summary = Summary()
    who = who or f"review import ({path.name})"
    when = now_iso()
    if returned.documents:
        plans = plan_documents(project, returned.units, carried=None, who=who, when=when, summary=summary,
                               label=path.name, exported=returned.exported)
    else:
        if not returned.module_id:
            raise PackagerError("cannot tell which module this file is for", path=path,
                                hint="name it after the module (entreprise-a.es.srt) or pass --module ID")
        if module_id and returned.kind != "srt" and returned.module_id != module_id:
            raise PackagerError(f"this file is the review of module {returned.module_id!r}, not {module_id!r}",
                                path=path, hint="import it without --module, or pick the right file")
        wanted = module_id or returned.module_id
        if wanted not in {m.id for m in project.modules}:
            how = "its name" if returned.kind == "srt" and not module_id else "the file"
            hint = ("pass the module it belongs to: --module ID (modules: "
                    f"{', '.join(m.id for m in project.modules)})")
            other = _module_with_timing(project, returned, exclude="")
            if other is not None:
                hint = f"its timing is that of module {other!r}: import it with --module {other}"
            raise PackagerError(f"this file is for module {wanted!r} (from {how}), which this project does not have",
                                path=path, hint=hint)
        module = project.module(wanted)
        units = align_subtitles(project, module, returned)
        carried = None
        if returned.kind == "srt":  # no identity inside: find the export it came from
            from .export import matching_export

            carried = matching_export(project, module, {k: (u.start, u.end, u.target) for k, u in units.items()})
        plans = [plan_subtitles(project, module, units, carried=carried, who=who, when=when, summary=summary,
                                exported=returned.exported)]
    if not dry_run:
        commit(plans)
        if returned.kit:  # a file of a kit sent back on its own: the kit came back (for `status`)
            from .kit import record_returned_file

            record_returned_file(project, returned.kit, returned.module_id)
    summary.applied.append(str(path))
    return summary


def import_path(project: Project, path: Path, *, module_id: str | None = None, who: str | None = None,
                dry_run: bool = False) -> Summary:
    """A returned file, or a whole kit (.zip, or the unzipped folder)."""
    path = Path(path)
    if path.is_dir() or path.suffix.lower() == ".zip":
        from .kit import import_kit

        return import_kit(project, path, who=who, dry_run=dry_run)
    if not path.exists():
        raise PackagerError("file not found", path=path)
    return import_file(project, path, module_id=module_id, who=who, dry_run=dry_run)


def approve(project: Project, module: Module, cues: set[int] | None, *, who: str) -> int:
    """Mark the module's current Spanish text approved (all cues, or those numbered). Returns how many changed."""
    from ..subtitles.cues import read_srt
    from .states import StateFile

    target_path = module.subtitle_path(project.target_language)
    if not target_path.is_file():
        raise PackagerError(f"module {module.id!r} has no {project.target_language} subtitles", path=target_path)
    source = read_srt(module.subtitle_path(project.source_language))
    target = read_srt(target_path)
    if len(source) != len(target):
        raise PackagerError(f"the tracks are not aligned ({len(source)} vs {len(target)} cues)", path=target_path)
    if cues:
        unknown = sorted(n for n in cues if not 1 <= n <= len(target))
        if unknown:
            which = "cues" if len(unknown) > 1 else "cue"
            raise PackagerError(f"no {which} {format_cue_ranges(unknown)} in {module.id} (it has {len(target)})",
                                path=target_path, hint=f"name cues from 1 to {len(target)}")
    states = StateFile.load(target_path)
    when = now_iso()
    changed = sum(_approve_unit(states, str(n), s.text, t.text, who=who, when=when)
                  for n, (s, t) in enumerate(zip(source, target), start=1) if not cues or n in cues)
    states.save()
    return changed


def _approve_unit(states: StateFile, key: str, source_text: str, target_text: str, *, who: str, when: str) -> bool:
    """Record one unit approved against the current texts (its machine draft and comment kept);
    False when it already was."""
    from .states import text_hash

    entry = states.units.get(key)
    if entry and (entry.state, entry.source_hash, entry.target_hash) == ("approved", text_hash(source_text),
                                                                         text_hash(target_text)):
        return False
    states.record(key, "approved", source_text, target_text, who=who, when=when)
    return True


def format_cue_ranges(numbers) -> str:
    """{1, 2, 3, 5, 14, …, 99} → "1–3, 5, 14–99": runs of consecutive numbers as ranges (en dash)."""
    parts: list[str] = []
    ordered = sorted(set(numbers))
    start = prev = None
    for n in [*ordered, None]:
        if n is not None and prev is not None and n == prev + 1:
            prev = n
            continue
        if start is not None:
            parts.append(str(start) if start == prev else f"{start}–{prev}")
        start = prev = n
    return ", ".join(parts)


def parse_cue_ranges(text: str) -> set[int]:
    """"1-5,8" → {1, 2, 3, 4, 5, 8}."""
    out: set[int] = set()
    for part in (text or "").replace(" ", "").split(","):
        if not part:
            continue
        try:
            if "-" in part:
                a, b = part.split("-", 1)
                lo, hi = int(a), int(b)
                if hi < lo:
                    raise ValueError
                out.update(range(lo, hi + 1))
            else:
                out.add(int(part))
        except ValueError:
            raise PackagerError(f"bad cue range {part!r}", hint="write cue numbers and ranges like 1-5,8") from None
    return out


def approve_documents(project: Project, *, who: str) -> int:
    """Mark the current target text of every workbook unit approved (those with a target text)."""
    from ..texts import project_documents, read_units
    from .states import StateFile

    when = now_iso()
    changed = 0
    for doc in project_documents(project):
        targets = read_units(doc.target_path)
        if not targets:
            continue
        states = StateFile.load(doc.target_path)
        for unit in doc.units:
            target = targets.get(unit.key)
            if target and target.strip():
                changed += _approve_unit(states, unit.key, unit.text, target, who=who, when=when)
        states.save()
    return changed
