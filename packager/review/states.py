"""Review states of translated units, kept in a git-friendly sidecar beside the target file.

``subtitles/es/<id>.srt`` has ``subtitles/es/<id>.srt.states.json``; a document target such as
``workbooks/es/booklet.md`` has ``workbooks/es/booklet.md.states.json``::

    {"format": "packager-states/1",
     "units": {"1": {"state": "draft", "source_hash": "…", "target_hash": "…",
                     "machine": "…", "who": "packager translate", "when": "2026-…", "comment": null}}}

A machine draft may also carry ``"confidence"`` (0-1, the model's score: review/confidence.py); the
key is absent when unknown, so older sidecars read and write as before.

States: ``draft`` (a machine wrote it), ``edited`` (a person changed it), ``approved``,
``needs-review`` (its source changed after a person worked on it). The sidecar records what the
files looked like when the state was set; `effective_state` compares that with the files now, so a
person who edits the Spanish in any editor is detected without telling packager.

Subtitle units are keyed by cue number ("1", "2", …) and hashed on the cue's text (`Cue.text`);
document units are keyed by the keys of `packager.texts`. The file is sorted and indented (small diffs) and written atomically.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..atomic import write_text
from ..errors import PackagerError
from .clock import now_iso
from .fingerprint import text_hash  # noqa: F401  (re-exported: callers import it from here)

if TYPE_CHECKING:
    from ..project import Module, Project

FORMAT = "packager-states/1"
STATES = ("draft", "edited", "approved", "needs-review")
SUFFIX = ".states.json"


def sidecar_path(target_path: Path | str) -> Path:
    target_path = Path(target_path)
    return target_path.with_name(target_path.name + SUFFIX)


@dataclass
class UnitState:
    state: str
    source_hash: str
    target_hash: str
    machine: str | None = None  # the machine draft's text, kept for reviewers and to tell edits apart
    who: str | None = None
    when: str | None = None  # ISO 8601, UTC
    comment: str | None = None
    confidence: float | None = None  # the machine's confidence in its draft, 0-1 (review/confidence.py)

    def to_json(self) -> dict:
        data = asdict(self)
        if data["confidence"] is None:  # optional: sidecars without it stay as they were
            del data["confidence"]
        return data

    @classmethod
    def from_json(cls, data: dict, *, path: Path, key: str) -> UnitState:
        if not isinstance(data, dict):
            raise PackagerError(f"unit {key!r} is not an object", path=path,
                                hint="restore the file from version control or delete it (states are then rebuilt)")
        state = data.get("state")
        if state not in STATES:
            raise PackagerError(f"unit {key!r} has an unknown state {state!r}", path=path,
                                hint=f"use one of: {', '.join(STATES)}")
        try:
            return cls(state=state, source_hash=str(data.get("source_hash") or ""),
                       target_hash=str(data.get("target_hash") or ""),
                       machine=data.get("machine"), who=data.get("who"), when=data.get("when"),
                       comment=data.get("comment"), confidence=_confidence(data.get("confidence")))
        except TypeError:  # pragma: no cover - defensive
            raise PackagerError(f"unit {key!r} is malformed", path=path) from None


def _confidence(value) -> float | None:
    """An optional recorded confidence; anything but a number in [0, 1] is ignored (it is advice only)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 1:
        return float(value)
    return None


@dataclass
class StateFile:
    target_path: Path
    units: dict[str, UnitState] = field(default_factory=dict)

    @property
    def path(self) -> Path:
        return sidecar_path(self.target_path)

    @classmethod
    def load(cls, target_path: Path | str) -> StateFile:
        """The states of one target file; a missing sidecar is an empty one."""
        target_path = Path(target_path)
        path = sidecar_path(target_path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls(target_path=target_path).reconcile()
        except (OSError, UnicodeDecodeError) as exc:
            raise PackagerError(f"cannot read the review states: {exc}", path=path) from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise PackagerError(f"malformed JSON: {exc.msg}", path=path, where=f"line {exc.lineno}",
                                hint="fix it (a merge conflict?) or restore it from version control") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("units"), dict):
            raise PackagerError(f"not a review-state file (expected \"format\": \"{FORMAT}\")", path=path)
        units = {str(k): UnitState.from_json(v, path=path, key=str(k)) for k, v in data["units"].items()}
        return cls(target_path=target_path, units=units).reconcile()

    def reconcile(self) -> StateFile:
        """Take from the unit history what the sidecar missed (a kill between writing the target file
        and this sidecar): a unit whose text is not the one recorded here but is a version in the
        history gets the state and author of its last version with that text. Not only the unit's
        last version: a later run may have appended one and been killed before writing the file
        (a translate killed before its sidecar, then an import killed before its SRT). So a machine
        draft is never taken for a person's text, whatever the points runs were killed at. A unit whose
        text is the recorded one but whose latest version is a person's with another state (an approval
        killed before this sidecar) takes that state. Returns self."""
        from . import history

        if not history.history_path(self.target_path).is_file():
            return self
        texts = target_texts(self.target_path)
        records = history.read(self.target_path)
        versions = history.versions_by_text(records)
        latest = history.latest_versions(records)
        for key, text in texts.items():
            entry = self.units.get(key)
            current = text_hash(text)
            if entry is not None and entry.target_hash == current:
                # Same text, but the unit's latest version (written before the sidecar) is a person's with
                # another state: a run killed between the two (an approval) did set it. Never the machine's:
                # a state a sidecar holds without history (written by an older packager) is not undone.
                last = latest.get(key)
                if last is not None and last.who == history.PERSON and text_hash(last.text) == current \
                        and last.state in STATES and last.state != entry.state:
                    self.units[key] = replace(entry, state=last.state, who=last.by, when=last.when,
                                              source_hash=last.source_hash or entry.source_hash)
                continue
            last = versions.get((key, current))
            if last is None or last.state not in STATES:
                continue
            machine = last.text if last.who == history.MACHINE else (entry.machine if entry else None)
            self.units[key] = UnitState(last.state, last.source_hash or (entry.source_hash if entry else ""),
                                        current, machine=machine, who=last.by, when=last.when,
                                        comment=entry.comment if entry else last.comment)
        return self

    def record(self, key: str, state: str, source_text: str, target_text: str, *, who: str | None = None,
               when: str | None = None, comment: str | None = None, machine: str | None = None) -> UnitState:
        """Set a unit's state against the current texts (keeps the machine draft and the comment
        already recorded unless new ones are given). For review imports: edited / approved."""
        if state not in STATES:
            raise ValueError(f"unknown state {state!r}")
        previous = self.units.get(key)
        if when is None:
            when = now_iso()
        entry = UnitState(state=state, source_hash=text_hash(source_text), target_hash=text_hash(target_text),
                          machine=machine if machine is not None else (previous.machine if previous else None),
                          who=who, when=when,
                          comment=comment if comment is not None else (previous.comment if previous else None))
        self.units[key] = entry
        return entry

    def to_text(self) -> str:
        units = {key: self.units[key].to_json() for key in sorted(self.units, key=_unit_sort_key)}
        return json.dumps({"format": FORMAT, "units": units}, ensure_ascii=False, indent=2) + "\n"

    def save(self) -> bool:
        """Write the sidecar atomically; returns False (and writes nothing) when it would not change."""
        text = self.to_text()
        try:
            if self.path.read_text(encoding="utf-8") == text:
                return False
        except (OSError, UnicodeDecodeError):
            pass
        write_text(self.path, text)
        return True


def target_texts(target_path: Path | str) -> dict[str, str]:
    """key → text of a target file (cue numbers of an SRT, unit keys of a workbook text); empty when
    it is missing or unreadable (`check` explains)."""
    target_path = Path(target_path)
    try:
        if target_path.suffix.lower() == ".srt":
            from ..subtitles.cues import read_srt

            return {str(n): cue.text for n, cue in enumerate(read_srt(target_path), start=1)} \
                if target_path.is_file() else {}
        from ..texts import read_units

        return read_units(target_path)
    except (PackagerError, OSError):
        return {}


def notice_person_texts(target_path: Path | str) -> None:
    """Record in the unit history every text of a person the target file holds and the history
    lacks (an edit made in an editor since packager last looked), before a command works from it:
    `review export`, `kit`, `review approve`, `review import`, `review resolve` and `restore`. A person
    may overwrite it next."""
    from . import history

    target_path = Path(target_path)
    texts = target_texts(target_path)
    if not texts:
        return
    states = StateFile.load(target_path)
    pending = history.Pending(target_path)
    for key, text in texts.items():
        entry = states.units.get(key)
        state = entry.state if entry is not None and entry.target_hash == text_hash(text) else "edited"
        pending.keep_person_text(key, text, state, source_hash=entry.source_hash if entry else None)
    pending.flush()


def _unit_sort_key(key: str) -> tuple:
    """Cue numbers in numeric order ("2" before "10"), other keys alphabetically after them."""
    return (0, int(key), "") if key.isdigit() else (1, 0, key)


def effective_state(entry: UnitState | None, source_text: str, target_text: str | None) -> str:
    """The state of a unit now, given what the sidecar recorded and the files' texts.

    No entry and a target text → "edited" (a person wrote it); the target differs from what was
    recorded → "edited"; the source differs → "needs-review" (a machine draft stays a "draft": the
    next translate redoes it); otherwise the recorded state.
    With no target text at all (nothing written yet) the unit is a "draft" to be made.
    """
    if not target_text or not target_text.strip():
        return "draft"
    if entry is None:
        return "edited"
    if entry.target_hash != text_hash(target_text):
        return "edited"
    if entry.source_hash != text_hash(source_text):
        # A machine draft is simply redone by the next `translate`; a person's text needs a person.
        return "draft" if entry.state == "draft" else "needs-review"
    return entry.state


def state_counts(project: Project, module: Module) -> dict[str, int]:
    """How many of the module's target cues are in each state (every state is a key, zero included).

    Cues the target file lacks are not counted (they are untranslated). An unreadable file counts
    nothing: `packager qa` and `check` explain the problem.
    """
    from ..subtitles.cues import read_srt

    counts = dict.fromkeys(STATES, 0)
    target_path = module.subtitle_path(project.target_language)
    source_path = module.subtitle_path(project.source_language)
    if not target_path.is_file():
        return counts
    try:
        target = read_srt(target_path)
        source = read_srt(source_path) if source_path.is_file() else []
        states = StateFile.load(target_path)
    except PackagerError:
        return counts
    for n, cue in enumerate(target, start=1):
        source_text = source[n - 1].text if n <= len(source) else ""
        counts[effective_state(states.units.get(str(n)), source_text, cue.text)] += 1
    return counts


def document_state_counts(project: Project) -> dict[str, int]:
    """How many units of the workbook texts (questions, booklet, guide, synthesis) are in each state
    (every state is a key). A unit without target text yet is a draft still to be made; an unreadable
    file counts nothing (`check` and `docs` explain the problem)."""
    from ..texts import project_documents, read_units

    counts = dict.fromkeys(STATES, 0)
    for document in project_documents(project):
        try:
            targets = read_units(document.target_path)
            states = StateFile.load(document.target_path)
        except PackagerError:
            continue
        for unit in document.units:
            counts[effective_state(states.units.get(unit.key), unit.text, targets.get(unit.key))] += 1
    return counts
