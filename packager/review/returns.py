"""What every return format produces, whatever it was read from: the records of one returned file.

A reader (DOCX, SRT, XLIFF; a new format such as a JSON return of a translator's editor) turns a
returned file into a `ReturnedFile` of `ReturnedUnit`s: per unit, the returned text, whether it says
approved (or, in so many words, not approved), its comment, and when the file carries them the cue's
timing, its source text and what the export carried (hashes and state). `importer.py` applies the
same rules to every format from there (alignment, conflicts, history); the outcome is a `Summary`,
and a returned text that cannot be applied is a `Conflict`, kept in the unit history until resolved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


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
    version: str | None = None  # of the format, when it has several (XLIFF "2.0", "1.2")


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
    unit_key: str = ""  # the unit's key in its target file ("3", "q1"), to queue it in the history
    target_path: Path | None = None  # the target file the unit belongs to

    def render(self) -> str:
        origin = f" [{self.file}]" if self.file else ""
        width = max(map(len, self.labels))
        state = f" ({self.current_state})" if self.current_state else ""
        return (f"{self.module} {self.key}{origin}: {self.reason}; the current text{state} is kept\n"
                f"    {self.labels[0]:<{width}}: {self.current!r}\n    {self.labels[1]:<{width}}: {self.returned!r}")


ACTIONS = ("changed", "approved", "commented", "needs-review")
# Reported, not counted: a text an earlier kit carried came back unchanged; the newer one was kept.
KEPT_NEWER = "kept the newer text of"


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
            for action in (*ACTIONS, KEPT_NEWER):
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
