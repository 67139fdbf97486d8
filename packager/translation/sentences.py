"""Sentences from cues, glossary protection, and the translation spread back over the cues.

A French sentence often runs over several cues. The cues of a sentence are joined (`group_cues`),
the group's text is split into sentences (`split_sentences`), each sentence is translated whole,
and the translation is distributed back over the group's cues in proportion to the length of their
French text, cutting at word boundaries and preferring a cut after punctuation (`distribute`).
Then each cue's lines are re-broken (`packager.subtitles.linebreak.break_lines`). Timing never
changes: a cue keeps its times.

Glossary terms never go through the model (`protect`): a sentence becomes a template whose
placeholders hold the terms' target renderings, and only the text between them is translated, so
the model cannot damage, translate or drop a protected term. `Template.fill` restores them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..glossary import Glossary

_END = re.compile(r"[.!?…]+[\"»”’)\]]*\s*$")
_SPEAKER_DASH = re.compile(r"^\s*[-–—]\s")
_BOUNDARY = re.compile(r"(?<=[.!?…])([\"»”’)\]]*)(\s+)(?=[«\"“(¿¡\-–—]?\s?[A-ZÀ-ÖØ-Þ0-9])")
# Words whose final period does not end a sentence.
_ABBREVIATIONS = {"m", "mm", "mme", "mmes", "mlle", "dr", "pr", "st", "ste", "etc", "p", "art", "no", "n°",
                  "sr", "sra", "srta", "ud", "uds", "av", "vol", "chap", "fig", "cf", "ex"}
MAX_GROUP = 6  # a sentence longer than this many cues is translated in pieces


def ends_sentence(text: str) -> bool:
    return bool(_END.search(text))


def group_cues(texts: list[str], max_cues: int = MAX_GROUP) -> list[list[int]]:
    """Indexes of consecutive cues that make up sentences: a group closes at a cue ending with
    . ! ? … (closing quotes allowed), before a cue opening with a speaker dash, or at `max_cues`."""
    groups: list[list[int]] = []
    current: list[int] = []
    for i, text in enumerate(texts):
        if current and _SPEAKER_DASH.match(text):
            groups.append(current)
            current = []
        current.append(i)
        if ends_sentence(text) or len(current) >= max_cues:
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return groups


def split_sentences(text: str) -> list[str]:
    """Sentences of one text (a cue group, a paragraph), without the spaces between them."""
    text = " ".join(text.split())
    if not text:
        return []
    sentences: list[str] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        before = text[start:m.start()]
        last_word = before.rsplit(" ", 1)[-1].rstrip(".").lower()
        if before.endswith(".") and not before.endswith("..") and (last_word in _ABBREVIATIONS or len(last_word) == 1):
            continue  # "M. Tremblay", "p. 12", initials
        sentences.append(text[start:m.end(1)])
        start = m.end()
    sentences.append(text[start:])
    return [s for s in (s.strip() for s in sentences) if s]


# ---------------------------------------------------------------------------------------------- glossary


@dataclass
class Template:
    """A sentence cut into pieces: ("model", text) to translate, ("fixed", text) kept as is."""

    pieces: list[tuple[str, str]] = field(default_factory=list)

    @property
    def inputs(self) -> list[str]:
        return [text for kind, text in self.pieces if kind == "model"]

    def fill(self, translations: list[str]) -> str:
        """The target sentence: each model piece replaced by its translation, in order."""
        if len(translations) != len(self.inputs):
            raise ValueError("one translation per model piece")
        queue = iter(translations)
        parts = [next(queue) if kind == "model" else text for kind, text in self.pieces]
        return _tidy("".join(parts))


def _tidy(text: str) -> str:
    text = " ".join(text.split())
    return re.sub(r"\s+([,.;:)\]])(?=\s|$)", r"\1", text).strip() if text else text


def protect(sentence: str, glossary: Glossary | None, source_lang: str, target_lang: str) -> Template:
    """The sentence as a template: glossary terms become fixed pieces holding their target
    rendering; text without any letter (numbers, punctuation) is fixed too."""
    matches = glossary.find(sentence, source_lang) if glossary is not None else []
    template = Template()
    position = 0
    for match in matches:
        _add_text(template, sentence[position:match.start])
        template.pieces.append(("fixed", glossary.rendering(match, target_lang)))
        position = match.end
    _add_text(template, sentence[position:])
    return template


def _add_text(template: Template, text: str) -> None:
    if not text:
        return
    core = text.strip()
    leading = text[: len(text) - len(text.lstrip())]
    trailing = text[len(text.rstrip()):]
    if leading:
        template.pieces.append(("fixed", leading))
    if core:
        template.pieces.append(("model" if any(ch.isalpha() for ch in core) else "fixed", core))
    if trailing:
        template.pieces.append(("fixed", trailing))


# ---------------------------------------------------------------------------------------------- cues

_PUNCT_BONUS = 0.06  # how much a cut after punctuation may stray from the proportional point


def distribute(text: str, weights: list[int | float], *, keep_together: list[str] = ()) -> list[str]:
    """Cut `text` into len(weights) parts at word boundaries, in proportion to the weights.

    Every part gets at least one word when there are enough words; a part left without any is "…".
    A phrase of `keep_together` (a glossary term's rendering) is not cut when another cut will do.
    """
    k = len(weights)
    if k == 0:
        return []
    words = text.split()
    if k == 1:
        return [" ".join(words)]
    n = len(words)
    weights = [max(float(w), 1.0) for w in weights]
    total = sum(weights)
    ends = []  # characters up to the end of word b (1-based b)
    length = 0
    for b, word in enumerate(words, start=1):
        length += len(word) + (1 if b > 1 else 0)
        ends.append(length)
    chars = max(length, 1)
    joined = " ".join(words)
    inside: list[tuple[int, int]] = []  # (start, end) characters of the phrases kept whole
    for phrase in keep_together:
        phrase = " ".join(phrase.split())
        start = joined.find(phrase)
        while phrase and start >= 0:
            inside.append((start, start + len(phrase)))
            start = joined.find(phrase, start + 1)
    cuts: list[int] = []
    previous = 0
    cumulative = 0.0
    for j in range(k - 1):
        cumulative += weights[j]
        goal = cumulative / total
        remaining = k - 1 - j  # parts after this cut
        if n >= k:
            lo, hi = previous + 1, n - remaining
        else:
            lo, hi = previous, n
        best, best_score = lo, None
        for b in range(lo, hi + 1):
            at = ends[b - 1] / chars if b > 0 else 0.0
            score = abs(at - goal)
            if b > 0 and words[b - 1][-1:] in ",;:.!?…":
                score -= _PUNCT_BONUS
            if b > 0 and any(a < ends[b - 1] < z for a, z in inside):
                score += 1.0  # worse than any cut elsewhere
            if best_score is None or score < best_score:
                best, best_score = b, score
        cuts.append(best)
        previous = best
    bounds = [0, *cuts, n]
    parts = [" ".join(words[a:b]) for a, b in zip(bounds, bounds[1:])]
    return [part if part else "…" for part in parts]
