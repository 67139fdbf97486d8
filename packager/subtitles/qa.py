"""Subtitle QA: the Netflix-style rules on every cue of both languages, and the run over a project.

Per track (each language), here:
    line-length, line-count, reading-speed (characters per second, spaces and punctuation count,
    tags do not), min-duration, max-duration, min-gap (frames at the project frame rate), overlap,
    order, empty, outside-footage (a cue past the module's edited footage), spanish-punctuation
    (¿ … ? and ¡ … ! opened and closed, across cues of one sentence).
Target against source (cues aligned by number and timing), in qa_compare.py:
    missing-cue, alignment, untranslated, numbers ("14,9 %" and "14.9 %" are the same number),
    glossary (a glossary term whose expected rendering is missing).

`run_qa(project, module_ids)` reads each module's tracks, runs both kinds of checks and returns a
QAReport (qa_report.py, which also writes the CSV). How a cue is counted is qa_measure.py's; the safe
fixes of `--fix` are qa_fix.py's. The CLI is packager/commands/qa.py.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import PackagerError
from ..timecode import srt_timecode
from .cues import Cue, read_srt
from .qa_compare import compare_tracks
from .qa_measure import EPS, char_count, frames_text, visible_lines
from .qa_report import ERROR, WARNING, Hit, QAFinding, QAReport

if TYPE_CHECKING:
    from ..config import SubtitleQAProfile
    from ..project import Module, Project

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


def _over(value: float, limit: float) -> str:
    """`value` with enough decimals to read as above `limit` (17.03, not a puzzling 17.0 over 17)."""
    for decimals in (1, 2, 3):
        text = f"{value:.{decimals}f}"
        if float(text) > limit:
            return text
    return f"{value:.3f}"


# ---------------------------------------------------------------------------------------------- track rules


def check_track(cues: list[Cue], *, lang: str, profile: SubtitleQAProfile, frame_rate: float,
                footage_seconds: float | None) -> list[Hit]:
    hits: list[Hit] = []
    for cue in cues:
        lines = visible_lines(cue)
        if not lines:
            hits.append(Hit(cue, "empty", "the cue has no text"))
        else:
            long = [(n, len(line)) for n, line in enumerate(lines, start=1) if len(line) > profile.max_chars_per_line]
            if long:
                detail = ", ".join(f"line {n} has {length}" for n, length in long)
                hits.append(Hit(cue, "line-length", f"{detail} characters (max {profile.max_chars_per_line})"))
            if len(lines) > profile.max_lines:
                hits.append(Hit(cue, "line-count", f"{len(lines)} lines (max {profile.max_lines})"))
            chars = char_count(cue)
            cps = chars / cue.duration if cue.duration > 0 else float("inf")
            if cps > profile.max_cps + EPS:
                hits.append(Hit(cue, "reading-speed",
                                f"{_over(cps, profile.max_cps)} characters per second (max {profile.max_cps:g}): "
                                f"{chars} characters in {cue.duration:.3f} s; "
                                f"at most {int(profile.max_cps * cue.duration + EPS)} fit"))
        if cue.duration < profile.min_duration - EPS:
            hits.append(Hit(cue, "min-duration", f"on screen {cue.duration:.3f} s (min {profile.min_duration:g} s)"))
        if cue.duration > profile.max_duration + EPS:
            hits.append(Hit(cue, "max-duration", f"on screen {cue.duration:.3f} s (max {profile.max_duration:g} s)"))
        if footage_seconds is not None and cue.end > footage_seconds + 0.001:
            hits.append(Hit(cue, "outside-footage",
                            f"ends at {srt_timecode(cue.end)}, after the end of the module's footage "
                            f"({srt_timecode(footage_seconds)})"))
    for prev, nxt in zip(cues, cues[1:]):
        if nxt.start < prev.start - EPS:
            hits.append(Hit(nxt, "order", f"starts before cue {prev.index} ({srt_timecode(prev.start)})"))
            continue
        gap = nxt.start - prev.end
        if gap < -EPS:
            hits.append(Hit(nxt, "overlap", f"starts {-gap:.3f} s before cue {prev.index} ends"))
            continue
        frames = gap * frame_rate
        if frames < profile.min_gap_frames - 1e-3:
            hits.append(Hit(prev, "min-gap",
                            f"gap to cue {nxt.index} is {frames_text(frames)} ({gap:.3f} s); "
                            f"at least {profile.min_gap_frames} frames at {frame_rate:g} fps"))
    if lang == "es":
        hits.extend(check_spanish_marks(cues))
    return hits


# A full stop after these does not end a sentence ("¿Conoce al Sr. Pérez?").
_ABBREVIATIONS = {"sr", "sra", "srta", "dr", "dra", "lic", "ing", "etc", "ej", "ee", "uu", "núm", "pág", "art",
                  "av", "st", "mme", "mlle", "vol", "cap"}


def check_spanish_marks(cues: list[Cue]) -> list[Hit]:
    """¿…? and ¡…! pairs. A question may run over several cues of one sentence: the opening mark is
    looked for back to the start of the sentence (a full stop or a new speaker's dash), the closing
    one up to its end."""
    hits: list[Hit] = []
    opened: dict[str, Cue | None] = {"?": None, "!": None}  # closer -> cue where its opener was seen
    opener_of = {"?": "¿", "!": "¡"}

    def unclosed(closer: str) -> None:
        cue = opened[closer]
        if cue is not None:
            hits.append(Hit(cue, "spanish-punctuation",
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
                        hits.append(Hit(cue, "spanish-punctuation",
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


def _to_findings(module: Module, lang: str, path: Path, hits: list[Hit]) -> list[QAFinding]:
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
