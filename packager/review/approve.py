"""`packager review approve`: a person's text approved as it is, and the cue ranges people type."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import PackagerError
from . import history
from .clock import now_iso
from .states import StateFile, notice_person_texts, text_hash

if TYPE_CHECKING:
    from ..project import Module, Project


def approve(project: Project, module: Module, cues: set[int] | None, *, who: str) -> int:
    """Mark the module's current Spanish text approved (all cues, or those numbered). Returns how many changed."""
    from ..subtitles.cues import read_srt
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
    notice_person_texts(target_path)
    states = StateFile.load(target_path)
    when = now_iso()
    pending = history.Pending(target_path)
    changed = sum(approve_unit(states, str(n), s.text, t.text, who=who, when=when, pending=pending)
                  for n, (s, t) in enumerate(zip(source, target), start=1) if not cues or n in cues)
    pending.flush()
    states.save()
    return changed


def approve_unit(states: StateFile, key: str, source_text: str, target_text: str, *, who: str, when: str,
                  pending: history.Pending) -> bool:
    """Record one unit approved against the current texts (its machine draft and comment kept);
    False when it already was."""
    entry = states.units.get(key)
    if entry and (entry.state, entry.source_hash, entry.target_hash) == ("approved", text_hash(source_text),
                                                                         text_hash(target_text)):
        return False
    pending.version(key, target_text, state="approved", who=history.PERSON, origin="approve", by=who, when=when,
                    source_hash=text_hash(source_text))
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
    when = now_iso()
    changed = 0
    for doc in project_documents(project):
        targets = read_units(doc.target_path)
        if not targets:
            continue
        notice_person_texts(doc.target_path)
        states = StateFile.load(doc.target_path)
        pending = history.Pending(doc.target_path)
        for unit in doc.units:
            target = targets.get(unit.key)
            if target and target.strip():
                changed += approve_unit(states, unit.key, unit.text, target, who=who, when=when, pending=pending)
        pending.flush()
        states.save()
    return changed
