"""Cues from timed words, made to pass `packager qa` wherever the speech allows.

1. The words are cut into *runs* that no cue may cross: an edit point, a section start, the edge of
   the range being filled, and a change of speaker (a new speaker always starts a new cue, so the
   workbook's speaker column and the lower thirds, which look up who speaks at a cue's start, stay
   right).
2. Each run is cut into cues by dynamic programming over the places between words: a cue must fit
   the profile's lines (checked with the line breaker that will lay it out) and its speech must
   last at most `max_duration`; among the cuts that fit, the cheapest wins: each cue costs a
   little (fewer, fuller cues), a cut after a full stop costs nothing, after a comma or before a
   conjunction little, in the middle of a clause a lot, after an article or a preposition most;
   a pause in the speech makes any cut cheaper. A cue of a few words squeezed between others costs
   extra (it could not stay on screen long enough).
3. Timing, in whole milliseconds: a cue starts on its first word and stays on screen at least
   `min_duration` and long enough to be read at `max_cps`, extended into the silence after it (up to
   1.5 s, never past the next cue minus the minimum gap, nor past its run's edge), then before it
   (up to 0.5 s: a subtitle that shows long before the voice reads as a mistake). Whatever
   still breaks the reading speed or the minimum duration is forced by the speech itself: such a
   cue is flagged (`too_fast`) and counted by the command.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from ..subtitles.linebreak import _CONJUNCTIONS, _NO_BREAK_AFTER, _PREPOSITIONS, _key, break_lines
from .words import Word

if TYPE_CHECKING:
    from ..project import Project

_SENTENCE_END = re.compile(r"[.!?…]([»”\"')\]]*)$")
_CLAUSE_END = re.compile(r"[,;:]([»”\"')\]]*)$")

CUE_COST = 5.0  # each cue: prefer fewer, fuller cues
CLAUSE_COST = 3.0  # a cut after a comma, a semicolon or a colon
CONJUNCTION_COST = 6.0  # a cut just before "et", "mais", "qui"…
PREPOSITION_COST = 16.0  # a cut just before "à", "pour", "dans"…
MID_CLAUSE_COST = 24.0  # any other cut inside a clause
NO_BREAK_AFTER_COST = 30.0  # more for a cut after an article, a preposition, a clitic
PAUSE_BONUS_PER_SECOND = 10.0  # a pause in the speech is a natural cut (up to PAUSE_BONUS_MAX)
PAUSE_BONUS_MAX = 6.0
SHORT_CUE_COST = 6.0  # a cue that cannot stay min_duration on screen before the next one
CPS_COST = 0.5  # per character more than max_cps lets be read in the time the cue can have
MAX_LEAD_IN = 0.5  # a cue may appear this long before its first word (seconds), to be read
MAX_LEAD_OUT = 1.5  # and stay this long after its last word


@dataclass(frozen=True)
class CueRules:
    """The subtitle profile as the cue builder needs it (times in seconds)."""

    max_chars: int = 42
    max_lines: int = 2
    max_cps: float = 17.0
    min_duration: float = 5 / 6
    max_duration: float = 7.0
    min_gap: float = 0.08
    lang: str = "fr"

    @classmethod
    def for_project(cls, project: Project) -> CueRules:
        qa = project.config.subtitle_qa
        return cls(max_chars=qa.max_chars_per_line, max_lines=qa.max_lines, max_cps=qa.max_cps,
                   min_duration=qa.min_duration, max_duration=qa.max_duration,
                   min_gap=qa.min_gap_frames / project.config.programme.frame_rate, lang=project.source_language)


@dataclass(frozen=True)
class DraftCue:
    start: float
    end: float
    text: str  # broken into lines ("\n")
    speaker: str | None = None
    too_fast: bool = False  # over max_cps or under min_duration although all the room around was used

    @property
    def plain(self) -> str:
        return " ".join(self.text.split())


def build_cues(words: list[Word], rules: CueRules, *, barriers: list[float] = (),
               window: tuple[float, float] | None = None) -> list[DraftCue]:
    """Cues for `words` (in time order). `barriers` are times no cue may cross (edit points, section
    starts); `window` the range the cues must stay within (default: the words' span with the lead-in
    and lead-out a cue may take)."""
    words = [w for w in words if w.text.strip()]
    if not words:
        return []
    if window is None:
        window = (max(0.0, min(w.start for w in words) - MAX_LEAD_IN), max(w.end for w in words) + MAX_LEAD_OUT)
    lo_ms, hi_ms = _ms(window[0]), _ms(window[1])
    edges = sorted({b for b in (_ms(x) for x in barriers) if lo_ms < b < hi_ms} | {lo_ms, hi_ms})
    planned: list[tuple[list[Word], int, int]] = []  # (a cue's words, its run's start, its run's end)
    for run, run_lo, run_hi in _runs(words, edges):
        for i, j in _segment(run, rules, run_hi / 1000):
            planned.append((run[i:j], run_lo, run_hi))
    return _timed(planned, rules)


def _ms(seconds: float) -> int:
    return int(round(seconds * 1000))


def _runs(words: list[Word], edges: list[int]):
    """Words cut at the edges (by each word's middle) and at every change of speaker; yields
    (words, start of the run's room, end of the run's room) in milliseconds."""
    run: list[Word] = []
    run_edge = 0

    def edge_index(word: Word) -> int:
        middle = _ms((word.start + word.end) / 2)
        return max(0, min(len(edges) - 2, sum(1 for e in edges[1:-1] if e <= middle)))

    for word in words:
        index = edge_index(word)
        if run and (index != run_edge or word.speaker != run[-1].speaker):
            yield run, edges[run_edge], edges[run_edge + 1]
            run = []
        run_edge = index
        run.append(word)
    if run:
        yield run, edges[run_edge], edges[run_edge + 1]


@lru_cache(maxsize=4096)
def _fits(text: str, max_chars: int, max_lines: int, lang: str) -> bool:
    if len(text) <= max_chars:
        return True
    if len(text) > max_chars * max_lines or max_lines < 2:
        return False
    lines = break_lines(text, max_chars=max_chars, max_lines=max_lines, lang=lang).split("\n")
    return len(lines) <= max_lines and all(len(line) <= max_chars for line in lines)


def _cut_cost(before: Word, after: Word, lang: str) -> float:
    """The cost of ending a cue with `before` and starting the next with `after`."""
    text = before.text.strip()
    if _SENTENCE_END.search(text):
        cost = 0.0
    elif _CLAUSE_END.search(text):
        cost = CLAUSE_COST
    else:
        after_key = _key(after.text)
        if after_key in _CONJUNCTIONS.get(lang, _CONJUNCTIONS["fr"]):
            cost = CONJUNCTION_COST
        elif after_key in _PREPOSITIONS.get(lang, _PREPOSITIONS["fr"]):
            cost = PREPOSITION_COST
        else:
            cost = MID_CLAUSE_COST
        if _key(text) in _NO_BREAK_AFTER.get(lang, _NO_BREAK_AFTER["fr"]):
            cost += NO_BREAK_AFTER_COST
    pause = max(0.0, after.start - before.end)
    return max(0.0, cost - min(PAUSE_BONUS_MAX, pause * PAUSE_BONUS_PER_SECOND))


def _segment(run: list[Word], rules: CueRules, run_end: float) -> list[tuple[int, int]]:
    """The cheapest cut of a run into cues, as (first, past-last) word indices.

    Reading speed and minimum duration are judged on the time a cue can have: from its first word
    to the next cue's first word (less the gap), or to the end of the run, at most max_duration.
    So a fast stretch is not cut into more, shorter cues to look slower: they would not fit."""
    n = len(run)
    best = [math.inf] * (n + 1)
    back = [0] * (n + 1)
    best[0] = 0.0
    for i in range(n):
        if best[i] == math.inf:
            continue
        text = ""
        for j in range(i + 1, n + 1):
            text = f"{text} {run[j - 1].text.strip()}".strip()
            span = run[j - 1].end - run[i].start
            single = j == i + 1  # one word always makes a cue, whatever it breaks
            if not single and (len(text) > rules.max_chars * rules.max_lines or span > rules.max_duration):
                break
            if not single and not _fits(text, rules.max_chars, rules.max_lines, rules.lang):
                continue
            cost = CUE_COST
            if j < n:
                cost += _cut_cost(run[j - 1], run[j], rules.lang)
            room = (run[j].start if j < n else run_end) - rules.min_gap - run[i].start
            room = min(rules.max_duration, max(room, span, 0.001))
            if room < rules.min_duration:
                cost += SHORT_CUE_COST
            cost += CPS_COST * max(0.0, len(text) - rules.max_cps * room)
            if best[i] + cost < best[j]:
                best[j] = best[i] + cost
                back[j] = i
    cuts = []
    j = n
    while j > 0:
        cuts.append((back[j], j))
        j = back[j]
    return cuts[::-1]


def _timed(planned: list[tuple[list[Word], int, int]], rules: CueRules) -> list[DraftCue]:
    gap = math.ceil(rules.min_gap * 1000 - 1e-6)
    min_ms = math.ceil(rules.min_duration * 1000 - 1e-6)
    max_ms = int(rules.max_duration * 1000 + 1e-6)
    cues: list[DraftCue] = []
    previous_end: int | None = None
    for n, (words, run_lo, run_hi) in enumerate(planned):
        text = " ".join(w.text.strip() for w in words)
        chars = len(text)
        speech_start = max(run_lo, _ms(words[0].start))
        speech_end = min(run_hi, max(_ms(words[-1].end), speech_start + 1))
        wanted = min(max_ms, max(min_ms, math.ceil(chars * 1000 / rules.max_cps)))
        floor = run_lo if previous_end is None else max(run_lo, previous_end + gap)
        ceiling = run_hi
        if n + 1 < len(planned):
            following = planned[n + 1]
            ceiling = min(ceiling, max(following[1], _ms(following[0][0].start)) - gap)
        start = max(speech_start, floor)
        lead_in, lead_out = _ms(MAX_LEAD_IN), _ms(MAX_LEAD_OUT)
        end = min(max(speech_end, start + wanted), ceiling, speech_end + lead_out,
                  start + max(max_ms, speech_end - start))
        if end - start < wanted:  # no room after: take some before, in the silence
            start = max(floor, speech_start - lead_in, min(start, end - wanted))
        end = max(end, start + 1)
        duration = end - start
        too_fast = chars * 1000 / duration > rules.max_cps + 1e-6 or duration < min_ms
        cues.append(DraftCue(start=start / 1000, end=end / 1000,
                             text=break_lines(text, max_chars=rules.max_chars, max_lines=rules.max_lines,
                                              lang=rules.lang),
                             speaker=words[0].speaker, too_fast=too_fast))
        previous_end = end
    return cues
