"""Target against source: the checks that need both languages of a module, cue by cue.

The cues are aligned first (`align`: the same number at the same time, else the source cue overlapped
most), then each pair is checked: missing-cue (a source cue no target cue covers), alignment (a target
cue at a time no source cue covers), untranslated (target identical to source, names and kept terms
aside), numbers (a number of the source lost or changed: "14,9 %" and "14.9 %" are the same number, a
number spelled out in words counts, and one may move to a neighbouring cue of the sentence) and
glossary (a term whose expected rendering is missing). Apart from the per-track rules (qa.py) because
this is a different job: reading what a number can mean in either language and pairing cues.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from ..timecode import srt_timecode
from .cues import Cue, strip_tags
from .qa_measure import EPS
from .qa_report import WARNING, Hit


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFC", strip_tags(text)).replace("’", "'")
    return " ".join(text.split()).casefold()


_NUMBER = re.compile(r"(?<![\w.,])\d+(?:(?:[\u00a0\u202f ]|\.)\d{3}(?!\d))*(?:[.,]\d+)?")
_NUMBER_WORDS = {
    "es": {"cero": 0, "uno": 1, "una": 1, "un": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6,
           "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12, "veinte": 20, "treinta": 30,
           "cuarenta": 40, "cincuenta": 50, "cien": 100, "ciento": 100, "mil": 1000,
           "primer": 1, "primero": 1, "primera": 1, "segundo": 2, "segunda": 2, "tercer": 3, "tercero": 3,
           "tercera": 3, "cuarto": 4, "cuarta": 4, "quinto": 5, "quinta": 5},
    "fr": {"zéro": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
           "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "vingt": 20, "trente": 30, "quarante": 40,
           "cinquante": 50, "cent": 100, "mille": 1000,
           "premier": 1, "première": 1, "deuxième": 2, "second": 2, "seconde": 2, "troisième": 3,
           "quatrième": 4, "cinquième": 5},
}


@dataclass(frozen=True)
class _Number:
    written: str
    values: frozenset[float]


def extract_numbers(text: str) -> list[_Number]:
    """Numbers written with digits, each with the values it can mean: "14,9" and "14.9" are 14.9;
    "1 500", "1 500" and "1500" are 1500; "1.500" is 1500 (Spanish) or 1.5."""
    found = []
    for match in _NUMBER.finditer(strip_tags(text)):
        written = match.group(0)
        compact = re.sub(r"[\u00a0\u202f ]", "", written)
        values: set[float] = set()
        grouped = re.fullmatch(r"\d{1,3}(?:\.\d{3})+", compact)
        if grouped:
            values.add(float(compact.replace(".", "")))
            if compact.count(".") == 1:
                values.add(float(compact))
        else:
            head, _, tail = re.match(r"^(.*?)(?:([.,])(\d+))?$", compact).group(1, 2, 3)
            value = head.replace(".", "") + ("." + tail if tail else "")
            values.add(float(value))
        found.append(_Number(written.strip(), frozenset(round(v, 6) for v in values)))
    return found


def _number_words(text: str, lang: str) -> Counter[float]:
    words = _NUMBER_WORDS.get(lang, {})
    return Counter(float(words[w]) for w in re.findall(r"\w+", _norm(text)) if w in words)


def _match_numbers(source: list[_Number], target: list[_Number], source_words: Counter[float],
                   target_words: Counter[float]) -> tuple[list[_Number], list[_Number]]:
    """(source numbers the target lacks, target numbers the source lacks)."""
    remaining = list(target)
    missing = []
    words_left = target_words.copy()
    for number in source:
        hit = next((t for t in remaining if t.values & number.values), None)
        if hit is not None:
            remaining.remove(hit)
            continue
        spelled = next((v for v in number.values if words_left[v] > 0), None)
        if spelled is not None:
            words_left[spelled] -= 1
            continue
        missing.append(number)
    source_left = source_words.copy()
    extra = []
    for number in remaining:
        spelled = next((v for v in number.values if source_left[v] > 0), None)
        if spelled is not None:
            source_left[spelled] -= 1
            continue
        extra.append(number)
    return missing, extra


def align(source: list[Cue], target: list[Cue], frame_rate: float) -> list[tuple[Cue, Cue | None]]:
    """Each target cue with its source cue: the same number at the same time (within a frame), else
    the source cue it overlaps most, else None."""
    frame = 1.0 / frame_rate + 0.001
    pairs = []
    for cue in target:
        same = source[cue.index - 1] if 0 < cue.index <= len(source) else None
        if same is not None and abs(same.start - cue.start) <= frame and abs(same.end - cue.end) <= frame:
            pairs.append((cue, same))
            continue
        best, best_overlap = None, 0.0
        for s in source:
            overlap = min(s.end, cue.end) - max(s.start, cue.start)
            if overlap > best_overlap + EPS:
                best, best_overlap = s, overlap
        pairs.append((cue, best))
    return pairs


def _is_name_like(text: str, keep_terms: set[str]) -> bool:
    """Text that legitimately stays the same in translation: names, acronyms, numbers, kept terms."""
    norm = _norm(text).strip(" .,;:!?¡¿…-–—\"«»")
    if not re.search(r"[^\W\d_]", norm):
        return True
    if norm in keep_terms:
        return True
    words = re.findall(r"[^\W\d_][\w'’-]*", strip_tags(text))
    return len(words) <= 1 or all(w[:1].isupper() for w in words)


def compare_tracks(source: list[Cue], target: list[Cue], *, source_lang: str, target_lang: str,
                   frame_rate: float, glossary=None) -> list[Hit]:
    hits: list[Hit] = []
    pairs = align(source, target, frame_rate)
    covered = {id(s) for _, s in pairs if s is not None}
    for s in source:
        if id(s) in covered:
            continue
        if any(min(s.end, t.end) - max(s.start, t.start) > EPS for t in target):
            continue
        hits.append(Hit(None, "missing-cue",
                        f"source cue {s.index} ({srt_timecode(s.start)}) has no {target_lang} cue at its time",
                        start=s.start))
    keep_terms = set()
    if glossary is not None:
        keep_terms = {_norm(t.text(target_lang)) for t in glossary.terms if t.keep}

    # numbers: per aligned pair first, then a number may have moved to a neighbouring cue of the sentence
    missing_by: dict[int, list[_Number]] = {}
    extra_by: dict[int, list[_Number]] = {}
    for i, (t, s) in enumerate(pairs):
        if s is None:
            hits.append(Hit(t, "alignment", f"no {source_lang} cue at this time ({srt_timecode(t.start)})"))
            continue
        if _norm(s.text) and _norm(s.text) == _norm(t.text) and not _is_name_like(s.text, keep_terms):
            hits.append(Hit(t, "untranslated", f"identical to the {source_lang} cue {s.index}"))
        missing, extra = _match_numbers(extract_numbers(s.text), extract_numbers(t.text),
                                        _number_words(s.text, source_lang), _number_words(t.text, target_lang))
        missing_by[i], extra_by[i] = missing, extra
    for i in list(missing_by):
        for j in (i - 1, i + 1):
            if j not in extra_by:
                continue
            for number in list(missing_by[i]):
                hit = next((e for e in extra_by[j] if e.values & number.values), None)
                if hit is not None:
                    missing_by[i].remove(number)
                    extra_by[j].remove(hit)
    for i, (t, s) in enumerate(pairs):
        missing, extra = missing_by.get(i, []), extra_by.get(i, [])
        if missing:
            message = (f"{_list(missing)} of the {source_lang} cue {s.index} "
                       f"{'is' if len(missing) == 1 else 'are'} missing or changed")
            if extra:
                message += f" (the {target_lang} has {_list(extra)})"
            hits.append(Hit(t, "numbers", message))
        elif extra:
            hits.append(Hit(t, "numbers", f"{_list(extra)} is not in the {source_lang} cue {s.index}",
                            severity=WARNING))

    if glossary is not None and glossary.terms:
        for i, (t, s) in enumerate(pairs):
            if s is None:
                continue
            missing_terms = glossary.missing_terms(strip_tags(s.text), strip_tags(t.text), source_lang, target_lang)
            if not missing_terms:
                continue
            neighbours = " ".join(strip_tags(pairs[j][0].text) for j in (i - 1, i + 1) if 0 <= j < len(pairs))
            number = {m.term: m.form for m in glossary.find(strip_tags(s.text), source_lang)}
            for term in missing_terms:
                if neighbours and glossary.contains(neighbours, term, target_lang):
                    continue  # the sentence's words were shared over the next cue
                form = number.get(term, 0)
                source_forms, target_forms = term.forms(source_lang), term.forms(target_lang)
                said = source_forms[form] if form < len(source_forms) else source_forms[0]
                expected = target_forms[form] if form < len(target_forms) else target_forms[0]
                if term.keep:
                    message = f"“{said}” must stay as it is (“{expected}”)"
                else:
                    message = f"“{said}” must be translated as “{expected}”"
                hits.append(Hit(t, "glossary", message))
    return hits


def _list(numbers: list[_Number]) -> str:
    return ", ".join(f"“{n.written}”" for n in numbers)
