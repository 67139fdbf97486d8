"""Subtitle QA: the Netflix-style rules on every cue of both languages, and the translation checks.

Per track (each language):
    line-length, line-count, reading-speed (characters per second, spaces and punctuation count,
    tags do not), min-duration, max-duration, min-gap (frames at the project frame rate), overlap,
    order, empty, outside-footage (a cue past the module's edited footage), spanish-punctuation
    (¿ … ? and ¡ … ! opened and closed, across cues of one sentence).
Target against source (cues aligned by number and timing):
    missing-cue (a source cue no target cue covers), alignment (a target cue at a time no source
    cue covers), untranslated (target identical to source), numbers (a number of the source lost
    or changed: "14,9 %" and "14.9 %" are the same number), glossary (a glossary term whose
    expected rendering is missing).

`run_qa(project, module_ids)` returns a QAReport; `apply_fixes` applies the safe fixes (close
gaps of at most 12 frames to the minimum gap, re-break lines that are too long or too many)
and returns what it changed. The CLI is packager/commands/qa.py.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..atomic import write_text
from ..errors import PackagerError
from ..timecode import srt_timecode
from .cues import Cue, read_srt, strip_tags, write_srt
from .linebreak import break_lines

if TYPE_CHECKING:
    from ..config import SubtitleQAProfile
    from ..project import Module, Project

ERROR, WARNING = "error", "warning"
SEVERITY_ORDER = {ERROR: 0, WARNING: 1}

# rule id -> (severity, what it checks); the CLI's help and the README list these.
RULES: dict[str, tuple[str, str]] = {
    "unreadable": (ERROR, "the file cannot be read (encoding, timecode, end before start)"),
    "missing-file": (ERROR, "the subtitle file is missing (a warning for a target not translated yet)"),
    "empty": (ERROR, "a cue without text"),
    "line-length": (ERROR, "a line longer than max_chars_per_line"),
    "line-count": (ERROR, "more lines than max_lines"),
    "reading-speed": (ERROR, "more characters per second than max_cps"),
    "min-duration": (ERROR, "shorter than min_duration"),
    "max-duration": (ERROR, "longer than max_duration"),
    "min-gap": (ERROR, "less than min_gap_frames between two cues"),
    "overlap": (ERROR, "a cue starting before the previous one ends"),
    "order": (ERROR, "a cue starting before the previous one"),
    "outside-footage": (ERROR, "a cue ending after the module's edited footage"),
    "spanish-punctuation": (ERROR, "¿ or ¡ not closed, or ? or ! not opened"),
    "missing-cue": (ERROR, "a source cue that no target cue covers"),
    "alignment": (WARNING, "a target cue at a time no source cue covers"),
    "untranslated": (WARNING, "the target text is identical to the source"),
    "numbers": (ERROR, "a number of the source missing or changed in the target (extra only: warning)"),
    "glossary": (ERROR, "a glossary term whose expected rendering is missing"),
}

FIX_MAX_GAP_FRAMES = 12
_EPS = 1e-6


@dataclass(frozen=True)
class QAFinding:
    module_id: str
    lang: str
    cue: int | None
    line: int | None  # line of the cue's timing in its file
    start: float | None
    rule: str
    severity: str
    message: str
    text: str = ""  # the cue's text, the CSV's context column
    path: Path | None = None


@dataclass
class QAReport:
    findings: list[QAFinding] = field(default_factory=list)
    module_ids: list[str] = field(default_factory=list)
    read_errors: list[PackagerError] = field(default_factory=list)

    @property
    def errors(self) -> list[QAFinding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[QAFinding]:
        return [f for f in self.findings if f.severity == WARNING]

    def count_for(self, module_id: str, severity: str) -> int:
        return sum(1 for f in self.findings if f.module_id == module_id and f.severity == severity)

    def for_module(self, module_id: str) -> list[QAFinding]:
        return sorted((f for f in self.findings if f.module_id == module_id), key=_finding_key)

    def by_module(self) -> list[tuple[str, list[QAFinding]]]:
        """Modules with findings, worst first (most errors, then most warnings, then programme order)."""
        order = {m: i for i, m in enumerate(self.module_ids)}
        ids = sorted({f.module_id for f in self.findings},
                     key=lambda m: (-self.count_for(m, ERROR), -self.count_for(m, WARNING), order.get(m, 999), m))
        return [(m, self.for_module(m)) for m in ids]

    def clean_modules(self) -> list[str]:
        dirty = {f.module_id for f in self.findings}
        return [m for m in self.module_ids if m not in dirty]


def _over(value: float, limit: float) -> str:
    """`value` with enough decimals to read as above `limit` (17.03, not a puzzling 17.0 over 17)."""
    for decimals in (1, 2, 3):
        text = f"{value:.{decimals}f}"
        if float(text) > limit:
            return text
    return f"{value:.3f}"


def _finding_key(f: QAFinding) -> tuple:
    return (SEVERITY_ORDER.get(f.severity, 9), f.lang, f.cue if f.cue is not None else -1, f.start or 0.0, f.rule)


# ---------------------------------------------------------------------------------------------- text


def visible_lines(cue: Cue) -> list[str]:
    return [line.strip() for line in strip_tags(cue.text).split("\n") if line.strip()]


def char_count(cue: Cue) -> int:
    """Characters read: every visible character of every line (spaces and punctuation count,
    formatting tags and line breaks do not)."""
    return sum(len(line) for line in visible_lines(cue))


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFC", strip_tags(text)).replace("’", "'")
    return " ".join(text.split()).casefold()


# ---------------------------------------------------------------------------------------------- track rules


@dataclass(frozen=True)
class _Hit:
    cue: Cue | None
    rule: str
    message: str
    severity: str | None = None
    start: float | None = None


def check_track(cues: list[Cue], *, lang: str, profile: SubtitleQAProfile, frame_rate: float,
                footage_seconds: float | None) -> list[_Hit]:
    hits: list[_Hit] = []
    for cue in cues:
        lines = visible_lines(cue)
        if not lines:
            hits.append(_Hit(cue, "empty", "the cue has no text"))
        else:
            long = [(n, len(line)) for n, line in enumerate(lines, start=1) if len(line) > profile.max_chars_per_line]
            if long:
                detail = ", ".join(f"line {n} has {length}" for n, length in long)
                hits.append(_Hit(cue, "line-length", f"{detail} characters (max {profile.max_chars_per_line})"))
            if len(lines) > profile.max_lines:
                hits.append(_Hit(cue, "line-count", f"{len(lines)} lines (max {profile.max_lines})"))
            chars = char_count(cue)
            cps = chars / cue.duration if cue.duration > 0 else float("inf")
            if cps > profile.max_cps + _EPS:
                hits.append(_Hit(cue, "reading-speed",
                                 f"{_over(cps, profile.max_cps)} characters per second (max {profile.max_cps:g}): "
                                 f"{chars} characters in {cue.duration:.3f} s; "
                                 f"at most {int(profile.max_cps * cue.duration + _EPS)} fit"))
        if cue.duration < profile.min_duration - _EPS:
            hits.append(_Hit(cue, "min-duration", f"on screen {cue.duration:.3f} s (min {profile.min_duration:g} s)"))
        if cue.duration > profile.max_duration + _EPS:
            hits.append(_Hit(cue, "max-duration", f"on screen {cue.duration:.3f} s (max {profile.max_duration:g} s)"))
        if footage_seconds is not None and cue.end > footage_seconds + 0.001:
            hits.append(_Hit(cue, "outside-footage",
                             f"ends at {srt_timecode(cue.end)}, after the end of the module's footage "
                             f"({srt_timecode(footage_seconds)})"))
    for prev, nxt in zip(cues, cues[1:]):
        if nxt.start < prev.start - _EPS:
            hits.append(_Hit(nxt, "order", f"starts before cue {prev.index} ({srt_timecode(prev.start)})"))
            continue
        gap = nxt.start - prev.end
        if gap < -_EPS:
            hits.append(_Hit(nxt, "overlap", f"starts {-gap:.3f} s before cue {prev.index} ends"))
            continue
        frames = gap * frame_rate
        if frames < profile.min_gap_frames - 1e-3:
            hits.append(_Hit(prev, "min-gap",
                             f"gap to cue {nxt.index} is {_frames(frames)} ({gap:.3f} s); "
                             f"at least {profile.min_gap_frames} frames at {frame_rate:g} fps"))
    if lang == "es":
        hits.extend(check_spanish_marks(cues))
    return hits


def _frames(frames: float) -> str:
    n = round(frames, 2)
    n_text = f"{n:g}"
    return f"{n_text} frame" + ("" if n == 1 else "s")


# A full stop after these does not end a sentence ("¿Conoce al Sr. Pérez?").
_ABBREVIATIONS = {"sr", "sra", "srta", "dr", "dra", "lic", "ing", "etc", "ej", "ee", "uu", "núm", "pág", "art",
                  "av", "st", "mme", "mlle", "vol", "cap"}


def check_spanish_marks(cues: list[Cue]) -> list[_Hit]:
    """¿…? and ¡…! pairs. A question may run over several cues of one sentence: the opening mark is
    looked for back to the start of the sentence (a full stop or a new speaker's dash), the closing
    one up to its end."""
    hits: list[_Hit] = []
    opened: dict[str, Cue | None] = {"?": None, "!": None}  # closer -> cue where its opener was seen
    opener_of = {"?": "¿", "!": "¡"}

    def unclosed(closer: str) -> None:
        cue = opened[closer]
        if cue is not None:
            hits.append(_Hit(cue, "spanish-punctuation",
                             f"“{opener_of[closer]}” is opened but not closed with “{closer}”"))
            opened[closer] = None

    for cue in cues:
        for line in visible_lines(cue):
            if re.match(r"^[-–—]", line):  # a new speaker starts a new sentence
                unclosed("?")
                unclosed("!")
            for i, ch in enumerate(line):
                before = line[i - 1] if i else ""
                after = line[i + 1] if i + 1 < len(line) else ""
                if ch in "¿¡":
                    closer = "?" if ch == "¿" else "!"
                    unclosed(closer)
                    opened[closer] = cue
                elif ch in "?!":
                    other = "!" if ch == "?" else "?"
                    if opened[ch] is not None:
                        opened[ch] = None
                    elif before in "?!" and before:
                        continue  # "?!" / "!?" after one opening mark
                    elif opened[other] is not None:
                        opened[other] = None  # "¡…?" : accepted mixed pair
                    else:
                        hits.append(_Hit(cue, "spanish-punctuation",
                                         f"“{ch}” without its opening “{opener_of[ch]}”"))
                elif ch == "." and before != "." and (not after or after.isspace()):
                    word = re.search(r"(\w+)$", line[:i])
                    if word and (word.group(1).casefold() in _ABBREVIATIONS or len(word.group(1)) == 1):
                        continue
                    unclosed("?")
                    unclosed("!")
    unclosed("?")
    unclosed("!")
    return hits


# ---------------------------------------------------------------------------------------------- target vs source

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
            if overlap > best_overlap + _EPS:
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
                   frame_rate: float, glossary=None) -> list[_Hit]:
    hits: list[_Hit] = []
    pairs = align(source, target, frame_rate)
    covered = {id(s) for _, s in pairs if s is not None}
    for s in source:
        if id(s) in covered:
            continue
        if any(min(s.end, t.end) - max(s.start, t.start) > _EPS for t in target):
            continue
        hits.append(_Hit(None, "missing-cue",
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
            hits.append(_Hit(t, "alignment", f"no {source_lang} cue at this time ({srt_timecode(t.start)})"))
            continue
        if _norm(s.text) and _norm(s.text) == _norm(t.text) and not _is_name_like(s.text, keep_terms):
            hits.append(_Hit(t, "untranslated", f"identical to the {source_lang} cue {s.index}"))
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
            hits.append(_Hit(t, "numbers", message))
        elif extra:
            hits.append(_Hit(t, "numbers", f"{_list(extra)} is not in the {source_lang} cue {s.index}",
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
                hits.append(_Hit(t, "glossary", message))
    return hits


def _list(numbers: list[_Number]) -> str:
    return ", ".join(f"“{n.written}”" for n in numbers)


# ---------------------------------------------------------------------------------------------- run


def _load_glossary(project: Project, report: QAReport):
    from ..glossary import load_glossary

    try:
        return load_glossary(project)
    except PackagerError as exc:
        report.read_errors.extend(getattr(exc, "problems", None) or [exc])
        return None


def _read(path: Path, report: QAReport) -> list[Cue] | None:
    try:
        return read_srt(path)
    except PackagerError as exc:
        report.read_errors.append(exc)
        return None


def run_qa(project: Project, module_ids: list[str] | tuple[str, ...] | None = None) -> QAReport:
    """Check every cue of both languages of the named modules (all when None).

    Never raises for a bad subtitle file: an unreadable file is an `unreadable` error finding and its
    PackagerError is kept in `report.read_errors` (the CLI stops on those with exit 2).
    """
    modules = project.select(module_ids or ())
    report = QAReport(module_ids=[m.id for m in modules])
    profile = project.config.subtitle_qa
    fps = project.config.programme.frame_rate
    glossary = _load_glossary(project, report)
    source_lang, target_lang = project.source_language, project.target_language
    for module in modules:
        tracks: dict[str, list[Cue]] = {}
        for lang in (source_lang, target_lang):
            path = module.subtitle_path(lang)
            if not path.is_file():
                severity = ERROR if lang == source_lang else WARNING
                hint = "" if lang == source_lang else " (not translated yet: run `packager translate`)"
                report.findings.append(QAFinding(module.id, lang, None, None, None, "missing-file", severity,
                                                 f"no {lang} subtitles: {_rel(path, project)}{hint}", path=path))
                continue
            cues = _read(path, report)
            if cues is None:
                error = report.read_errors[-1]
                report.findings.append(QAFinding(module.id, lang, None, None, None, "unreadable", ERROR,
                                                 error.message + (f" ({error.where})" if error.where else ""),
                                                 path=path))
                continue
            if not cues and lang == source_lang:  # nothing to subtitle from: not a clean module
                report.findings.append(QAFinding(module.id, lang, None, None, None, "missing-file", ERROR,
                                                 f"the {lang} transcript has no cues: {_rel(path, project)}",
                                                 path=path))
                continue
            tracks[lang] = cues
            hits = check_track(cues, lang=lang, profile=profile, frame_rate=fps,
                               footage_seconds=module.footage_seconds)
            report.findings.extend(_to_findings(module, lang, path, hits))
        if source_lang in tracks and target_lang in tracks:
            hits = compare_tracks(tracks[source_lang], tracks[target_lang], source_lang=source_lang,
                                  target_lang=target_lang, frame_rate=fps, glossary=glossary)
            report.findings.extend(_to_findings(module, target_lang, module.subtitle_path(target_lang), hits))
    return report


def _to_findings(module: Module, lang: str, path: Path, hits: list[_Hit]) -> list[QAFinding]:
    out = []
    for hit in hits:
        severity = hit.severity or RULES[hit.rule][0]
        cue = hit.cue
        out.append(QAFinding(
            module_id=module.id, lang=lang, cue=cue.index if cue else None, line=cue.line if cue else None,
            start=cue.start if cue else hit.start, rule=hit.rule, severity=severity, message=hit.message,
            text=cue.text if cue else "", path=path))
    return out


def _rel(path: Path, project: Project) -> str:
    try:
        return str(path.relative_to(project.root))
    except ValueError:
        return str(path)


# ---------------------------------------------------------------------------------------------- CSV

CSV_COLUMNS = ["LineNumber", "TimeCode", "Context", "Comment", "Module", "Language", "Severity", "Rule"]


def report_csv(report: QAReport) -> str:
    """The findings as Subtitle Edit's Netflix quality report writes them (LineNumber = cue number,
    TimeCode = its start, Context = its text, Comment = the message), then module, language,
    severity and rule."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for module_id, findings in report.by_module():
        for f in findings:
            writer.writerow([
                f.cue if f.cue is not None else "",
                srt_timecode(f.start) if f.start is not None else "",
                f.text.replace("\n", "\\n"),
                f.message,
                f.module_id, f.lang, f.severity, f.rule,
            ])
    return buffer.getvalue()


def write_report_csv(report: QAReport, path: Path | str) -> None:
    # UTF-8 with a BOM, as Subtitle Edit writes it: spreadsheets then read the accents right.
    write_text(path, "\ufeff" + report_csv(report))


# ---------------------------------------------------------------------------------------------- fixes


@dataclass(frozen=True)
class FixChange:
    module_id: str
    lang: str
    cue: int
    start: float
    message: str


def fix_track(cues: list[Cue], *, lang: str, profile: SubtitleQAProfile,
              frame_rate: float) -> tuple[list[Cue], list[tuple[Cue, str]]]:
    """The safe fixes on one track: (fixed cues, [(original cue, what changed)])."""
    changes: list[tuple[Cue, str]] = []
    fixed = list(cues)
    target_gap = profile.min_gap_frames / frame_rate
    for i in range(len(fixed) - 1):
        prev, nxt = fixed[i], fixed[i + 1]
        if nxt.start < prev.start:
            continue
        frames = (nxt.start - prev.end) * frame_rate
        if frames < -1e-3 or frames > FIX_MAX_GAP_FRAMES + 1e-3 or abs(frames - profile.min_gap_frames) < 1e-3:
            continue
        new_end = round(nxt.start - target_gap, 3)
        duration = new_end - prev.start
        if duration < min(profile.min_duration, prev.duration) - _EPS:
            continue  # closing the gap would make the cue too short to read: a person decides
        if duration > max(profile.max_duration, prev.duration) + _EPS:
            continue
        changes.append((cues[i], f"end {srt_timecode(prev.end)} → {srt_timecode(new_end)} "
                                 f"(gap to cue {nxt.index}: {_frames(frames)} → {profile.min_gap_frames})"))
        fixed[i] = replace(prev, end=new_end)
    for i, cue in enumerate(fixed):
        lines = visible_lines(cue)
        if not lines:
            continue
        too_long = max(len(line) for line in lines) > profile.max_chars_per_line
        if not too_long and len(lines) <= profile.max_lines:
            continue
        text = break_lines(cue.text, max_chars=profile.max_chars_per_line, max_lines=profile.max_lines, lang=lang)
        if text == cue.text:
            continue
        new_lines = visible_lines(cue.with_text(text))
        if not new_lines or (max(len(line) for line in new_lines), len(new_lines)) >= (
                max(len(line) for line in lines), len(lines)):
            continue  # no better than before (a dialogue cue, or a text that cannot fit)
        changes.append((cues[i], "lines re-broken: " + " / ".join(new_lines)))
        fixed[i] = cue.with_text(text)
    return fixed, changes


def apply_fixes(project: Project, module_ids: list[str] | tuple[str, ...] | None = None) -> list[FixChange]:
    """Apply the safe fixes to the subtitle files of the named modules; each changed file is
    rewritten atomically (clean UTF-8 SRT). Returns every change, per cue."""
    profile = project.config.subtitle_qa
    fps = project.config.programme.frame_rate
    plan: list[tuple[Path, list[Cue]]] = []
    changes: list[FixChange] = []
    for module in project.select(module_ids or ()):
        for lang in project.languages:
            path = module.subtitle_path(lang)
            if not path.is_file():
                continue
            cues = read_srt(path)  # a PackagerError stops everything before anything is written
            fixed, track_changes = fix_track(cues, lang=lang, profile=profile, frame_rate=fps)
            if track_changes:
                plan.append((path, fixed))
                changes.extend(FixChange(module.id, lang, cue.index, cue.start, message)
                               for cue, message in track_changes)
    for path, fixed in plan:
        write_srt(path, fixed)
    return changes
