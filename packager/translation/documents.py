"""Drafts for the workbook texts (questions, booklet, guide, synthesis), unit by unit, with the same review
states, memory and history as the subtitles; a "Source :" line keeps its citation and only changes its
label."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..atomic import write_text
from ..review import history
from ..review.clock import now_iso
from ..review.states import StateFile
from .decisions import MACHINE, Stats, content_changed, decide, is_person_text, person_state, resolve

if TYPE_CHECKING:
    from ..project import Project
    from .flow import DraftMaker


_SOURCE_LINE = re.compile(r"^\s*(sources?|fuentes?)\s*:\s*(.*)$", re.IGNORECASE | re.DOTALL)
_SOURCE_LABELS = {"es": ("Fuente:", "Fuentes:"), "fr": ("Source :", "Sources :")}


def _source_line(text: str, target_lang: str) -> str | None:
    """A "Source : …" line: the label in the target language, the citation (names, titles, years) as is."""
    match = _SOURCE_LINE.match(text)
    if not match or target_lang not in _SOURCE_LABELS:
        return None
    singular, plural = _SOURCE_LABELS[target_lang]
    label = plural if match.group(1).lower().endswith("s") else singular
    return f"{label} {match.group(2).strip()}".strip()


def _document_plan(project: Project, doc):
    from ..texts import read_units

    old = read_units(doc.target_path)
    states = StateFile.load(doc.target_path)
    units = [u for u in doc.units if u.text.strip()]
    decisions = {u.key: decide(states.units.get(u.key), u.text, old.get(u.key)) for u in units}
    todo = [u for u in units if decisions[u.key] in ("draft", "needs-review")]
    sources = {u.key: _source_line(u.text, project.target_language) for u in todo if u.kind == "source"}
    todo = [u for u in todo if sources.get(u.key) is None]
    return old, states, units, decisions, todo, sources


def pending_document_texts(project: Project, docs: list) -> list[str]:
    """The texts of every document unit the machine has to (re)draft, to translate them in one batch."""
    return [u.text for doc in docs for u in _document_plan(project, doc)[4]]


def translate_document(project: Project, doc, maker: DraftMaker, *, when: str | None = None) -> Stats:
    """Draft one workbook text (questions, booklet, guide, synthesis) with the same states and memory."""
    from ..texts import render_target

    when = when or now_iso()
    stats = Stats()
    calls_before = maker.engine.calls
    old, states, units, decisions, todo, sources = _document_plan(project, doc)
    results = dict(zip((u.key for u in todo), maker.translate([u.text for u in todo])))
    results.update({key: (text, True) for key, text in sources.items() if text is not None})

    texts: dict[str, str] = {}
    new_states = StateFile(target_path=doc.target_path)
    for unit in units:
        suggestion, from_memory = results.get(unit.key, (None, True))
        text, entry = resolve(decisions[unit.key], states.units.get(unit.key), unit.text, old.get(unit.key),
                               suggestion, from_memory, stats, when)
        texts[unit.key] = text
        new_states.units[unit.key] = entry

    pending = history.Pending(doc.target_path)
    for key, text in old.items():
        entry = states.units.get(key)
        if is_person_text(entry, text):
            pending.keep_person_text(key, text, person_state(entry, text),
                                     source_hash=entry.source_hash if entry else None)
            if doc.unit(key) is None:  # its source unit is gone: kept in the history, to restore
                stats.dropped.append(f"{doc.doc_id} {key} ({' '.join(text.split())!r}): no source text any more")
                pending.orphan(key, text, state=person_state(entry, text), by=MACHINE, when=when)
    history.record_run(pending, new_states.units, texts, by=MACHINE, origin="translate", when=when)
    pending.flush()

    content = render_target(doc, texts)
    if content_changed(doc.target_path, content):
        write_text(doc.target_path, content)
        stats.files_written += 1
    if new_states.save():
        stats.files_written += 1
    stats.model_calls = maker.engine.calls - calls_before
    return stats
