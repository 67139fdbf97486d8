"""`packager review import`: take back what a translator returned (DOCX, SRT, XLIFF), safely.

The rules, for every format (readers.py turns each into the same records, returns.py):
- timing is never shifted and no cue is ever dropped: a file whose cue count or timing differs from
  the Spanish track is refused as a whole, with the list of differences;
- a cue whose Spanish changed becomes `edited`; one whose state says approved becomes `approved`;
  comments are kept (in the review-state sidecar);
- nothing changed at home since the export (a newer approval, a newer edit) is overwritten by an
  older return: it is a conflict, both texts kept in the unit history (history.py) until
  `packager review resolve` settles it, the current text kept meanwhile;
- a cue whose French changed since the export takes the returned text but is `needs-review`;
- every change is computed first, then written: the unit history (fsynced), the target file, its
  review states (each atomically).

"What the export carried" per cue (source hash, Spanish hash, state) comes from the kit's manifest,
or from the identity a DOCX (hidden runs) or XLIFF (metadata) carries. A file that carries none (a
bare SRT, an XLIFF whose metadata a tool dropped, a DOCX whose grey identity text was deleted) is
matched with the recorded exports; failing that, each unit is compared with every text the exports
carried: one changed at home since is a conflict, never overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import PackagerError
from .approve import approve, approve_documents, format_cue_ranges, parse_cue_ranges  # noqa: F401  (importable here)
from .alignment import align_subtitles, module_with_timing
from .clock import now_iso
from .readers import OTHER_OFFICE_FORMATS, module_from_name, parse_return  # noqa: F401  (importable from here)
from .returns import (ACTIONS, KEPT_NEWER, Conflict, ReturnedFile, ReturnedUnit,  # noqa: F401  (importable from here)
                      Summary)

if TYPE_CHECKING:
    from ..project import Module, Project
    from .states import UnitState

# ---------------------------------------------------------------------------------------------- deciding


@dataclass
class UnitPlan:
    """The new target text (None = keep) and the new sidecar entry (None = keep) of one unit."""

    text: str | None = None
    entry: UnitState | None = None


def decide(module_label: str, key: str, unit: ReturnedUnit, *, source: str, target: str,
           entry: UnitState | None, carried: dict | None, who: str, when: str, summary: Summary,
           exported: str | None = None, exported_hashes: dict[str, set[str]] | None = None) -> UnitPlan | None:
    """Apply the rules to one returned unit; count it in `summary`. None when nothing changes.

    What the translator did is read against what the export carried (`carried`: the Spanish's hash,
    its state, the French's hash); what happened at home since, against the files now. A return
    that adds nothing to what is here now (imported twice, or the same text already here) changes
    nothing, so an old return can never downgrade a newer approval. A file that carries nothing is
    compared with `exported_hashes` (cue key → the Spanish hashes every recorded export carried): a
    text one of them carried, back unchanged, never replaces a newer one.
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
    if same_as_now and (current_state == "approved" or not approve_new):
        # Already here (this return was imported before, or the same text was written at home). A
        # machine draft returned as it stands stays a draft, whatever the export carried (a file
        # copied from the project after a translate, traced to an older export): only an approval
        # makes a person's text of it.
        return comment_only()
    if exported_hashes and returned_hash in exported_hashes.get(key, ()) and not same_as_now:
        # Back as an export carried it, and the cue has moved on here since: a file that does not say
        # which export it is (even one traced by its texts: two exports can match it as well) gives
        # back an older text the translator left as it was. It never replaces the newer one; a file
        # that approves it is a conflict.
        if approve_new:
            summary.conflicts.append(Conflict(module_label, label, target, unit.target, current_state,
                                              "the file approves an older text of this cue", unit.file))
        else:
            summary.events.append((module_label, label, KEPT_NEWER))
            hint = ("the returned file gives back texts an earlier kit carried (an older save?): the newer "
                    "ones were kept; to take one back, find it with `packager review history MODULE --cue N` "
                    "and bring it back with `packager review restore`")
            if hint not in summary.notes:
                summary.notes.append(hint)
        return comment_only()
    if carried and carried.get("target_hash"):
        changed_at_home = current_hash != carried["target_hash"]
        # An approval made here after the export stands even when the French changed since (the cue is
        # then needs-review, and the approved text must not silently give way to an older return).
        recorded = entry.state if entry else None
        approved_at_home = carried.get("state") != "approved" and (
            current_state == "approved" or (recorded in ("approved", "needs-review")
                                            and recorded != carried.get("state")))
    else:  # a file with no record of what it carried: compared with the project's text now
        # Changed at home since any export went out (a text none of them carried), or a person's
        # text no export is recorded for: an overwrite could lose it, so it is a conflict.
        if exported_hashes is not None and exported_hashes.get(key):
            changed_at_home = current_hash not in exported_hashes[key]
        else:
            changed_at_home = current_state in ("edited", "needs-review")
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
    if (same_as_now and not comment_new and seen_source != text_hash(source) and entry is not None
            and entry.state != "draft" and (entry.source_hash, entry.target_hash) == (seen_source, final_hash)):
        # Already taken in against the French it answered (this return was imported before): the
        # cue waits for a person to review it; importing it again changes nothing.
        summary.unchanged += 1
        return None
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
    decided = _decided(target_path)
    exported_hashes = None
    if not any(u.carried for u in units.values()):  # traced by its texts (`carried`), or not at all
        from .export import exported_target_hashes

        exported_hashes = exported_target_hashes(project, module)
    for key in sorted(units, key=int):
        n = int(key)
        unit = units[key]
        unit_carried = (carried or {}).get(key) or unit.carried
        before = len(summary.conflicts)
        result = decide(module.id, key, unit, source=source[n - 1].text if n <= len(source) else "",
                        target=target[n - 1].text, entry=states.units.get(key), carried=unit_carried,
                        who=who, when=when, summary=summary, exported=exported, exported_hashes=exported_hashes)
        _queue(summary, before, key, target_path, decided)
        plan.add(key, result)
    return plan


def _queue(summary: Summary, before: int, key: str, target_path: Path, decided: set[tuple[str, str, str]]) -> None:
    """Tie the conflicts `decide` just found to their unit, so that `commit` keeps them in the unit
    history; one already settled (the same returned text against the same home text, decided with
    `review resolve`) is not asked again: the return changes nothing."""
    from .states import text_hash

    for conflict in summary.conflicts[before:]:
        conflict.unit_key, conflict.target_path = key, target_path
        if (key, text_hash(conflict.returned), text_hash(conflict.current)) in decided:
            summary.conflicts.remove(conflict)
            summary.unchanged += 1
            summary.notes.append(f"{conflict.module} {conflict.key}: this returned text was already decided "
                                 "(`packager review history`); nothing changed")


def _decided(target_path: Path) -> set[tuple[str, str, str]]:
    """(key, returned hash, home hash) of the settled conflicts of a target file."""
    from . import history
    from .states import text_hash

    records = history.read(target_path)
    settled = {r.settles for r in records if r.event == "settled"}
    return {(r.key, text_hash(r.text), text_hash(r.home or "")) for r in records
            if r.event == "conflict" and r.n in settled}


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
        decided = _decided(doc.target_path)
        for unit in doc_units:
            key = unit.key.partition("|")[2]
            unit.label = key
            source_text = doc.unit(key).text
            before = len(summary.conflicts)
            result = decide(doc_id, key, unit, source=source_text, target=current.get(key, ""),
                            entry=states.units.get(key), carried=(carried or {}).get(unit.key) or unit.carried,
                            who=who, when=when, summary=summary, exported=exported)
            _queue(summary, before, key, doc.target_path, decided)
            plan.add(key, result)
        plans.append(plan)
    return plans


def commit(plans: list[FilePlan], conflicts: list[Conflict] = (), *, who: str | None = None) -> None:
    """Write every plan: the unit history first (appended, fsynced: every returned text, applied or
    queued as a conflict, and any text of a person it replaces), then the target file (atomically),
    then its sidecar (atomically).

    Should a crash fall between the last two, the history knows the new text (see
    `StateFile.reconcile`): a person's text is never lost nor taken for a machine draft."""
    from ..atomic import write_text
    from ..subtitles.cues import format_srt, read_srt
    from ..texts import read_units, write_target
    from .states import StateFile, UnitState, notice_person_texts, text_hash

    by_path: dict[Path, list[Conflict]] = {}
    for conflict in conflicts:
        if conflict.target_path is not None and conflict.unit_key:
            by_path.setdefault(conflict.target_path, []).append(conflict)
    for path in [p for p in by_path if p not in {plan.target_path for plan in plans}]:
        _record_history(path, {}, {}, by_path[path], who=who)
    for plan in plans:
        notice_person_texts(plan.target_path)
        _record_history(plan.target_path, plan.texts, plan.entries, by_path.get(plan.target_path, []), who=who)
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


def _record_history(target_path: Path, texts: dict[str, str], entries: dict[str, UnitState],
                    conflicts: list[Conflict], *, who: str | None) -> None:
    """Append to the target's history what `commit` is about to write (see `commit`)."""
    from . import history
    from .states import StateFile, target_texts, text_hash

    if not (texts or entries or conflicts):
        return
    current = target_texts(target_path)
    states = StateFile.load(target_path)
    pending = history.Pending(target_path)
    for key, text in current.items():
        if key in texts or any(c.unit_key == key for c in conflicts):
            entry = states.units.get(key)
            state = entry.state if entry is not None and entry.target_hash == text_hash(text) else "edited"
            pending.keep_person_text(key, text, state, source_hash=entry.source_hash if entry else None)
    for key, entry in entries.items():
        text = texts.get(key, current.get(key))
        if text is None or not text.strip() or entry.state == "draft":
            continue
        pending.version(key, text, state=entry.state, who=history.PERSON, origin="kit return",
                        by=entry.who or who, when=entry.when, source_hash=entry.source_hash, comment=entry.comment)
    seen = {(r.key, text_hash(r.text), text_hash(r.home or "")) for r in pending.known if r.event == "conflict"}
    for conflict in conflicts:
        home = current.get(conflict.unit_key, "")
        returned = [conflict.returned]
        if conflict.labels != ("current", "returned"):  # two returned files disagree: keep both texts
            returned.insert(0, conflict.current)
        for text in returned:
            mark = (conflict.unit_key, text_hash(text), text_hash(home))
            if mark in seen:  # the same return imported again: already queued (or settled)
                continue
            seen.add(mark)
            pending.add(history.Record("conflict", conflict.unit_key, text, who=history.PERSON, by=who,
                                       origin="kit return", home=home, home_state=conflict.current_state or None,
                                       reason=conflict.reason, file=conflict.file or None))
    pending.flush()


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
            other = module_with_timing(project, returned, exclude="")
            if other is not None:
                hint = f"its timing is that of module {other!r}: import it with --module {other}"
            raise PackagerError(f"this file is for module {wanted!r} (from {how}), which this project does not have",
                                path=path, hint=hint)
        module = project.module(wanted)
        units = align_subtitles(project, module, returned)
        carried = None
        if not any(u.carried for u in units.values()):  # no identity inside: find the export it came from
            from .export import matching_export

            carried = matching_export(project, module, {k: (u.start, u.end, u.target) for k, u in units.items()})
        plans = [plan_subtitles(project, module, units, carried=carried, who=who, when=when, summary=summary,
                                exported=returned.exported)]
    if not dry_run:
        commit(plans, summary.conflicts, who=who)
        if returned.kit:  # a file of a kit sent back on its own: the kit came back (for `status`)
            from .kit_records import record_returned_file

            record_returned_file(project, returned.kit, returned.module_id)
    summary.applied.append(str(path))
    return summary
