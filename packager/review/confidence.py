"""The machine's confidence in its drafts: how sure the translation model was of each cue it wrote.

`packager translate` asks CTranslate2 for the score of every translation (`translate_batch(...,
return_scores=True)`): the summed log-probability of the tokens it chose divided by length **
length_penalty. The engine undoes that division (engine.token_confidence) and keeps exp(mean
log-probability per token, end-of-sentence included): a number in (0, 1], the geometric mean of the
probabilities the model gave its own tokens, the same as CTranslate2's `score_batch` of that output
gives (tests/test_confidence.py). Near 1 the model hardly hesitated; a low value marks a draft where
it was choosing between several continuations, which is where a reviewer should look first.

Through a pivot language (fr→en→es) the steps' confidences are multiplied (both had to be right).
A text of several sentences gets its least sure sentence's confidence, and a cue cut from a
sentence translated whole gets the sentence's. Drafts from the translation memory keep the
confidence recorded with them (None for entries written before).

The editor lists the least confident drafts first; the kit's DOCX and `packager status` count the low ones.
"""

from __future__ import annotations

import math
from pathlib import Path

# Below this a draft is "low confidence": on average the model gave each of its own tokens less than
# even odds. A chosen threshold, not a measured one (no real Argos model can be downloaded on the
# machines this was written on): revisit it on real drafts, where a good sentence usually scores far
# higher. Through a pivot the two steps multiply, so a pivoted draft reaches it sooner.
LOW_CONFIDENCE = 0.5


def confidence_from_score(score: float | None) -> float | None:
    """CTranslate2's length-normalised log-probability → exp(score) in (0, 1], rounded to 3 decimals."""
    if score is None or not math.isfinite(score):
        return None
    return round(min(1.0, math.exp(score)), 3)


def combine(values: list[float | None]) -> float | None:
    """The confidence of a draft made in several steps (pivot) or from several pieces: the product."""
    if not values or any(v is None for v in values):
        return None
    out = 1.0
    for v in values:
        out *= v
    return round(out, 3)


def unit_confidences(target_path: Path) -> dict[str, float]:
    """Unit key → the confidence recorded for its machine draft (units without one are left out)."""
    from ..errors import PackagerError
    from .states import StateFile

    try:
        states = StateFile.load(target_path)
    except PackagerError:
        return {}
    return {key: unit.confidence for key, unit in states.units.items() if unit.confidence is not None}


def low_confidence_count(project, module) -> int:
    """How many of the module's cues are untouched drafts the machine was not sure of."""
    from ..subtitles.cues import read_srt
    from ..errors import PackagerError
    from .states import StateFile, effective_state

    target_path = module.subtitle_path(project.target_language)
    source_path = module.subtitle_path(project.source_language)
    if not target_path.is_file() or not source_path.is_file():
        return 0
    try:
        target, source = read_srt(target_path), read_srt(source_path)
        states = StateFile.load(target_path)
    except PackagerError:
        return 0
    count = 0
    for n, (s, t) in enumerate(zip(source, target), start=1):
        entry = states.units.get(str(n))
        if entry is not None and entry.confidence is not None and entry.confidence < LOW_CONFIDENCE \
                and effective_state(entry, s.text, t.text) == "draft":
            count += 1
    return count


def low_confidence_rows(target_path: Path, rows) -> dict[int, float]:
    """Cue number → confidence, for the rows (export.ReviewRow) that are drafts the machine was unsure of."""
    scores = unit_confidences(target_path)
    return {r.number: scores[str(r.number)] for r in rows
            if r.state == "draft" and str(r.number) in scores and scores[str(r.number)] < LOW_CONFIDENCE}


def low_confidence_note(project, module) -> str:
    """" · 3 low-confidence" for `packager status`'s review cell (empty when there is none)."""
    count = low_confidence_count(project, module)
    return f" · {count} low-confidence" if count else ""


def low_confidence_lines(count: int) -> list[str]:
    """The review DOCX's note on low-confidence drafts, in the translator's languages (none when none)."""
    if not count:
        return []
    return [f"ES: {count} borrador(es) de baja confianza de la máquina (⚠ bajo el tiempo, con su confianza): "
            "revíselos primero.",
            f"FR : {count} brouillon(s) dont la machine est peu sûre (⚠ sous le temps, avec sa confiance) : "
            "à revoir en premier."]
