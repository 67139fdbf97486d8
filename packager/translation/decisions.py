"""What the machine may do with one unit (a cue, a document unit), given its target text and its
review-state entry: the rules of translation/flow.py's docstring, shared by the subtitles (flow.py) and
the workbook texts (documents.py). A machine never overwrites a person's text."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path

from ..review.states import UnitState, text_hash

MACHINE = "packager translate"


@dataclass
class Stats:
    drafted: int = 0  # units drafted with new model output
    reused: int = 0  # units drafted entirely from the translation memory
    kept: int = 0  # a person's text kept (edited, approved)
    needs_review: int = 0  # a person's text kept whose source changed
    model_calls: int = 0
    files_written: int = 0
    dropped: list[str] = field(default_factory=list)  # people's texts with no source cue left

    def add(self, other: Stats) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    @property
    def units(self) -> int:
        return self.drafted + self.reused + self.kept + self.needs_review


def decide(entry: UnitState | None, source_text: str, target_text: str | None) -> str:
    """draft | new-edit | keep | needs-review (see the module docstring)."""
    if target_text is None or not target_text.strip():
        return "draft"
    if entry is None or entry.target_hash != text_hash(target_text):
        if entry is not None and entry.source_hash != text_hash(source_text):
            return "needs-review"  # edited by hand, but against the French as it was before
        return "new-edit"
    if entry.state == "draft":
        return "draft"
    if entry.state == "needs-review" or entry.source_hash != text_hash(source_text):
        return "needs-review"
    return "keep"


def resolve(decision: str, entry: UnitState | None, source_text: str, target_text: str | None,
             machine: str | None, from_memory: bool, stats: Stats, when: str) -> tuple[str, UnitState]:
    """The unit's new text and state entry, counting it in `stats`."""
    source_hash = text_hash(source_text)
    if decision == "draft":
        assert machine is not None
        if from_memory:
            stats.reused += 1
        else:
            stats.drafted += 1
        if (entry is not None and entry.state == "draft" and entry.machine == machine
                and entry.source_hash == source_hash and entry.target_hash == text_hash(machine)):
            return machine, entry  # unchanged: no churn in the sidecar
        return machine, UnitState("draft", source_hash, text_hash(machine), machine=machine, who=MACHINE,
                                  when=when, comment=entry.comment if entry else None)
    assert target_text is not None
    if decision == "new-edit":
        stats.kept += 1
        return target_text, UnitState("edited", source_hash, text_hash(target_text),
                                      machine=entry.machine if entry else None, who=None, when=when,
                                      comment=entry.comment if entry else None)
    if decision == "merged":  # people's texts of several cues now on one source cue
        stats.needs_review += 1
        return target_text, UnitState("needs-review", source_hash, text_hash(target_text), machine=machine,
                                      who=entry.who if entry else None, when=when,
                                      comment=entry.comment if entry else None)
    if decision == "needs-review":
        stats.needs_review += 1
        assert entry is not None
        if entry.state == "needs-review" and (machine is None or entry.machine == machine) \
                and entry.source_hash == source_hash:
            return target_text, entry
        return target_text, UnitState("needs-review", source_hash, text_hash(target_text),
                                      machine=machine if machine is not None else entry.machine,
                                      who=entry.who, when=when, comment=entry.comment)
    stats.kept += 1
    assert entry is not None
    return target_text, entry


def is_person_text(entry: UnitState | None, text: str | None) -> bool:
    """A target text a person wrote, edited or approved (anything but an untouched machine draft)."""
    if text is None or not text.strip():
        return False
    return entry is None or entry.state != "draft" or entry.target_hash != text_hash(text)


def person_state(entry: UnitState | None, text: str) -> str:
    """The state a person's text has now: its recorded state, or edited when the sidecar does not know it."""
    return entry.state if entry is not None and entry.target_hash == text_hash(text) else "edited"


def content_changed(path: Path, content: str) -> bool:
    try:
        return path.read_text(encoding="utf-8") != content
    except (OSError, UnicodeDecodeError):
        return True
