"""Drafts for a module's subtitles and for the workbook texts, respecting the review states.

For every unit (a cue, a document unit) the target text and its sidecar entry decide:

- no target text yet, or a machine draft (state ``draft``, text unchanged since) → (re)drafted by
  the machine, state ``draft`` with the source hash and the machine text;
- a target text the sidecar does not know (no entry, or the text changed since it was recorded) →
  a person wrote it: kept, recorded as ``edited`` against the current source;
- ``edited`` or ``approved`` → kept; if its source changed since, it becomes ``needs-review``, the
  person's text is kept and the new machine suggestion is stored in ``machine`` for the reviewer;
- ``needs-review`` → kept, until a person edits or approves it.

A machine never overwrites a person's text. Files are written only when they change, atomically.
Those rules are decisions.py's; this module drafts the subtitles (cues grouped into sentences, so a
sentence split over two cues is translated whole), documents.py the workbook texts.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from ..atomic import write_text
from ..review import history
from ..review.clock import now_iso
from ..review.states import StateFile, UnitState, text_hash
from ..subtitles.cues import Cue, format_srt, read_srt, strip_tags
from ..subtitles.linebreak import break_lines
from .decisions import MACHINE, Stats, content_changed, decide, is_person_text, person_state, resolve
from .sentences import distribute, group_cues, protect, split_sentences

if TYPE_CHECKING:
    from ..glossary import Glossary
    from ..project import Module, Project
    from .engine import Engine
    from .memory import TranslationMemory

class DraftMaker:
    """Texts in, translations out: sentences, glossary protection, memory first, one batch for the rest."""

    def __init__(self, engine: Engine, memory: TranslationMemory, glossary: Glossary | None,
                 source_lang: str, target_lang: str):
        self.engine = engine
        self.memory = memory
        self.glossary = glossary
        self.source_lang = source_lang
        self.target_lang = target_lang
        self._model_id: str | None = None
        self.fresh: set[str] = set()  # pieces the model translated during this run
        self.confidences: dict[str, float | None] = {}  # piece → the model's confidence (review/confidence.py)

    @property
    def model_id(self) -> str:
        if self._model_id is None:
            self._model_id = self.engine.model_id
        return self._model_id

    def _plan(self, text: str) -> list:
        return [protect(s, self.glossary, self.source_lang, self.target_lang) for s in split_sentences(text)]

    def prefetch(self, texts: list[str]) -> None:
        """Translate, in one batch, every piece of `texts` the memory lacks (later `translate` calls
        of these texts make no model call)."""
        self._fetch({piece: None for text in texts for t in self._plan(text) for piece in t.inputs})

    def _fetch(self, wanted: dict[str, str | None]) -> None:
        pair = self.engine.pair
        missing = []
        for piece in wanted:
            found = self.memory.get(pair, self.model_id, piece)
            if found is None:
                missing.append(piece)
            else:
                wanted[piece] = found
                self.confidences.setdefault(piece, self.memory.confidence(pair, self.model_id, piece))
        if missing:
            for piece, (output, confidence) in zip(missing, self.engine.translate_scored(missing)):
                wanted[piece] = output
                self.confidences[piece] = confidence
                self.memory.put(pair, self.model_id, piece, output, confidence)
            self.fresh.update(missing)

    def confidence(self, text: str) -> float | None:
        """The model's confidence in a text's translation: that of its least sure sentence (None when
        a piece has none, e.g. from a memory written before confidences were kept)."""
        values = [self.confidences.get(p) for t in self._plan(text) for p in t.inputs]
        if not values or any(v is None for v in values):
            return None
        return min(values)

    def translate(self, texts: list[str]) -> list[tuple[str, bool]]:
        """(translation, came entirely from memory) for each text, with as few model calls as possible.

        "From memory" means no piece of it was translated by the model during this run."""
        plans = [self._plan(text) for text in texts]
        wanted: dict[str, str | None] = {piece: None for templates in plans for t in templates for piece in t.inputs}
        self._fetch(wanted)
        results = []
        for text, templates in zip(texts, plans):
            sentences = [t.fill([wanted[p] or "" for p in t.inputs]) for t in templates]
            from_memory = not any(p in self.fresh for t in templates for p in t.inputs)
            # An empty output would lose the unit: keep the source, which QA flags as untranslated.
            translation = " ".join(s for s in sentences if s) or " ".join(text.split())
            results.append((translation, from_memory))
        return results


# ---------------------------------------------------------------------------------------------- subtitles


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


def _match(source: list[Cue], old: list[Cue], recorded: dict[str, UnitState] | None = None) -> list[int | None]:
    """For each source cue, the index of the existing target cue that is its translation (or None).

    Target cues follow their source cues in order. A pair is scored on what still ties them: the
    same timing, the French text the target was recorded against (the sidecar's source hash), the
    share of time they overlap, and, when nothing was added or removed, the same position. The
    monotonic alignment with the highest total wins (a small dynamic programme), so a re-timed,
    split, inserted or deleted French cue never moves a person's Spanish onto another cue.
    """
    recorded = recorded or {}
    n, m = len(source), len(old)
    if n == 0 or m == 0:
        return [None] * n
    same_count = n == m
    if same_count and all(_ms(s.start) == _ms(o.start) and _ms(s.end) == _ms(o.end) for s, o in zip(source, old)):
        return list(range(n))  # the usual case: nothing re-cut
    old_hash = [recorded[str(j + 1)].source_hash if str(j + 1) in recorded else None for j in range(m)]
    new_hash = [text_hash(c.text) for c in source]

    def score(i: int, j: int) -> float:
        s, o = source[i], old[j]
        value = 0.0
        if _ms(s.start) == _ms(o.start) and _ms(s.end) == _ms(o.end):
            value += 4.0
        if old_hash[j] is not None and old_hash[j] == new_hash[i]:
            value += 4.0
        overlap = min(s.end, o.end) - max(s.start, o.start)
        if overlap > 0:
            value += 2.0 * overlap / max(min(s.duration, o.duration), 1e-3)
        if same_count and i == j:
            value += 1.0
        return value

    # best[i][j]: the best total aligning source[:i] with old[:j]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        row, above = best[i], best[i - 1]
        for j in range(1, m + 1):
            value = max(above[j], row[j - 1])
            pair = score(i - 1, j - 1)
            if pair > 0:
                value = max(value, above[j - 1] + pair)
            row[j] = value
    matched: list[int | None] = [None] * n
    i, j = n, m
    while i > 0 and j > 0:
        pair = score(i - 1, j - 1)
        if pair > 0 and abs(best[i][j] - (best[i - 1][j - 1] + pair)) < 1e-9:
            matched[i - 1] = j - 1
            i, j = i - 1, j - 1
        elif abs(best[i][j] - best[i - 1][j]) < 1e-9:
            i -= 1
        else:
            j -= 1
    return matched


_DASH = re.compile(r"^\s*[-–—]\s*")
_ITALIC = re.compile(r"^\s*<i>(.*)</i>\s*$", re.DOTALL | re.IGNORECASE)


def _is_dialogue(cue: Cue) -> bool:
    """Two speakers in one cue: every line opens with a dash."""
    lines = [line for line in cue.text.split("\n") if line.strip()]
    return len(lines) >= 2 and all(_DASH.match(strip_tags(line)) for line in lines)


def machine_cues(project: Project, source: list[Cue], wanted: set[int], maker: DraftMaker,
                 confidences: dict[int, float] | None = None) -> dict[int, tuple[str, bool]]:
    """The machine's text for the cues `wanted` (indexes into `source`): (text, from memory).

    Sentence groups that hold a wanted cue are translated in one batch and spread over their cues;
    a dialogue cue ("- …" lines) is translated line by line and keeps its dashes; a cue wholly in
    italics stays in italics; a cue opening with a speaker dash keeps it. `confidences`, when given,
    receives each cue's confidence: that of its least sure text (a cue of a sentence: the sentence's).
    """
    if not wanted:
        return {}
    plain = [" ".join(strip_tags(c.text).split()) for c in source]
    dialogue = {i for i, cue in enumerate(source) if _is_dialogue(cue)}
    dash = {i for i, text in enumerate(plain) if i not in dialogue and _DASH.match(text)}
    bare = [_DASH.sub("", text, count=1) if i in dash else text for i, text in enumerate(plain)]
    groups: list[list[int]] = []
    for group in group_cues(plain):
        current: list[int] = []
        for i in group:  # a dialogue cue is a group of its own
            if i in dialogue:
                if current:
                    groups.append(current)
                groups.append([i])
                current = []
            else:
                current.append(i)
        if current:
            groups.append(current)
    groups = [g for g in groups if any(i in wanted for i in g)]

    texts: list[str] = []
    spans: list[tuple[list[int], int, int]] = []  # (group, first text, number of texts)
    for group in groups:
        if group[0] in dialogue:
            lines = [_DASH.sub("", " ".join(strip_tags(line).split()), count=1)
                     for line in source[group[0]].text.split("\n") if line.strip()]
        else:
            lines = [" ".join(bare[i] for i in group)]
        spans.append((group, len(texts), len(lines)))
        texts.extend(lines)
    results = maker.translate(texts)

    qa = project.config.subtitle_qa
    out: dict[int, tuple[str, bool]] = {}
    for group, first, count in spans:
        chunk = results[first:first + count]
        from_memory = all(m for _, m in chunk)
        if confidences is not None:
            scores = [maker.confidence(text) for text in texts[first:first + count]]
            if scores and all(v is not None for v in scores):
                confidences.update(dict.fromkeys(group, min(scores)))
        if group[0] in dialogue:
            out[group[0]] = ("\n".join(f"- {text}" for text, _ in chunk), from_memory)
            continue
        terms = ([maker.glossary.rendering(m, project.target_language)
                  for m in maker.glossary.find(" ".join(bare[i] for i in group), project.source_language)]
                 if maker.glossary else [])
        parts = distribute(chunk[0][0], [len(bare[i]) for i in group], keep_together=terms)
        for i, part in zip(group, parts):
            text = break_lines(part, max_chars=qa.max_chars_per_line, max_lines=qa.max_lines,
                               lang=project.target_language)
            if i in dash:
                text = "- " + text
            if _ITALIC.match(source[i].text) and "<i>" not in source[i].text[3:].lower():
                text = f"<i>{text}</i>"
            out[i] = (text, from_memory)
    return {i: value for i, value in out.items() if i in wanted}


def translate_subtitles(project: Project, module: Module, maker: DraftMaker, *, when: str | None = None) -> Stats:
    """Draft the module's target subtitles: same cues, same timing, people's text kept."""
    when = when or now_iso()
    stats = Stats()
    calls_before = maker.engine.calls
    source = read_srt(module.subtitle_path(project.source_language))
    target_path = module.subtitle_path(project.target_language)
    old = read_srt(target_path) if target_path.is_file() else []
    states = StateFile.load(target_path)
    matched = _match(source, old, states.units)

    entries: list[UnitState | None] = []
    old_texts: list[str | None] = []
    decisions: list[str] = []
    for cue, j in zip(source, matched):
        old_text = old[j].text if j is not None else None
        entry = states.units.get(str(j + 1)) if j is not None else None
        entries.append(entry)
        old_texts.append(old_text)
        decisions.append(decide(entry, cue.text, old_text))

    # A person's text whose cue no longer pairs with a French cue (French cues merged or re-cut) is
    # never dropped silently: it joins the text of the French cue it overlaps most, which then needs
    # review; with no French cue at its time any more, it is reported.
    taken = {j for j in matched if j is not None}
    joined: dict[int, list[tuple[int, str]]] = {}
    orphans: list[tuple[int, Cue, str]] = []
    for j, cue in enumerate(old):
        entry = states.units.get(str(j + 1))
        if j in taken or not is_person_text(entry, cue.text):
            continue
        overlap, i = max(((min(s.end, cue.end) - max(s.start, cue.start), i) for i, s in enumerate(source)),
                         default=(0.0, -1))
        if overlap <= 0:
            stats.dropped.append(f"{module.id} cue {j + 1} ({' '.join(cue.text.split())!r}): "
                                 f"no {project.source_language} cue at its time any more")
            orphans.append((j, cue, person_state(entry, cue.text)))
            continue
        if i not in joined:
            own = matched[i]
            joined[i] = [(own, old_texts[i])] if own is not None and is_person_text(entries[i], old_texts[i]) \
                else []
            entries[i] = UnitState("needs-review", "", "", machine=entry.machine if entry else None,
                                   who=entry.who if entry else None, comment=entry.comment if entry else None)
            decisions[i] = "merged"
        joined[i].append((j, cue.text))
    qa = project.config.subtitle_qa
    for i, parts in joined.items():
        texts = [text for _, text in sorted(parts)]
        old_texts[i] = texts[0] if len(texts) == 1 else break_lines(
            " ".join(texts), max_chars=qa.max_chars_per_line, max_lines=qa.max_lines, lang=project.target_language)

    # Translate the sentence groups that hold a cue needing the machine's text.
    wanted = {i for i, d in enumerate(decisions) if d in ("draft", "needs-review", "merged")}
    confidences: dict[int, float] = {}
    machine = machine_cues(project, source, wanted, maker, confidences)

    new_cues: list[Cue] = []
    new_states = StateFile(target_path=target_path)
    for i, cue in enumerate(source):
        suggestion, from_memory = machine.get(i, (None, True))
        text, entry = resolve(decisions[i], entries[i], cue.text, old_texts[i], suggestion, from_memory,
                               stats, when)
        if entry.state == "draft" and confidences.get(i) is not None:  # the model's score, for reviewers
            entry = replace(entry, confidence=confidences[i])
        new_cues.append(Cue(index=i + 1, start=cue.start, end=cue.end, text=text))
        new_states.units[str(i + 1)] = entry

    # The history first (fsynced), then the files: a kill anywhere leaves the history knowing who
    # wrote each text (see review/history.py).
    pending = history.Pending(target_path)
    for j, cue in enumerate(old):
        entry = states.units.get(str(j + 1))
        if is_person_text(entry, cue.text):
            pending.keep_person_text(str(j + 1), cue.text, person_state(entry, cue.text),
                                     source_hash=entry.source_hash if entry else None)
    for j, cue, dropped_state in orphans:
        pending.orphan(str(j + 1), cue.text, state=dropped_state, by=MACHINE, when=when)
    history.record_run(pending, new_states.units, {str(i + 1): c.text for i, c in enumerate(new_cues)}, by=MACHINE,
                       origin="translate", when=when)
    pending.flush()

    content = format_srt(new_cues)
    if content_changed(target_path, content):
        write_text(target_path, content)
        stats.files_written += 1
    if new_states.save():
        stats.files_written += 1
    stats.model_calls = maker.engine.calls - calls_before
    return stats
