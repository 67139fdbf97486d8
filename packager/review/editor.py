"""The translator's editor: `editor.html` at the top of every kit, one self-contained page (HTML, CSS
and JavaScript inline, no network, no server) that opens from file:// in any browser.

Per module it shows the proxy video with the French and the Spanish being edited drawn over it, the
cue list (number, times, French, editable Spanish, state, comment), live counters against the
project's `[subtitle_qa]` profile with the same verdicts and the same line-breaking advice as
`packager qa` (the tolerance and word lists come from qa_measure.py and linebreak.py, passed to the
page as data; tests/test_editor_browser.py runs both on one table of cases), the glossary terms of
the cue's French with their required Spanish, and the machine's confidence in each draft.

Every keystroke is kept in the browser's localStorage under the kit's identity; "Save my work"
downloads `<NN-module>.return.json` (see editor_return.py), which `packager review import` reads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .editor_return import RETURN_FORMAT, return_name

if TYPE_CHECKING:
    from ..project import Module, Project
    from .export import ReviewRow

TEMPLATE = "editor.html.j2"


def linebreak_rules(lang: str) -> dict:
    """What the page's line breaker needs from linebreak.py: its word lists and weights (one home)."""
    from ..subtitles import linebreak

    lang = lang if lang in linebreak._NO_BREAK_AFTER else "es"
    return {"noBreakAfter": sorted(linebreak._NO_BREAK_AFTER[lang]),
            "conjunctions": sorted(linebreak._CONJUNCTIONS[lang]),
            "prepositions": sorted(linebreak._PREPOSITIONS[lang]),
            "overflow": linebreak._OVERFLOW, "forbidden": linebreak._FORBIDDEN,
            "slack": linebreak._BALANCE_SLACK, "slackPunctuation": linebreak._BALANCE_SLACK_PUNCTUATION}


def qa_profile(project: Project) -> dict:
    from ..subtitles.qa_measure import EPS

    profile = project.config.subtitle_qa
    return {"maxChars": profile.max_chars_per_line, "maxLines": profile.max_lines, "maxCps": profile.max_cps,
            "minDuration": profile.min_duration, "maxDuration": profile.max_duration, "eps": EPS}


def cue_terms(glossary, source: str, src: str, dst: str) -> list[dict]:
    """The glossary terms found in a cue's source text, each with what the target must say."""
    from ..subtitles.cues import strip_tags

    terms, seen = [], set()
    for match in glossary.find(strip_tags(source), src):
        if match.term in seen:
            continue
        seen.add(match.term)
        terms.append({"said": match.matched, "expected": glossary.rendering(match, dst),
                      "forms": match.term.forms(dst), "cs": match.term.case_sensitive, "keep": match.term.keep,
                      "note": match.term.note(dst) or match.term.note(src) or ""})
    return terms


def editor_data(project: Project, modules: list[Module], rows_by_module: dict[str, list[ReviewRow]], *,
                kit_id: str, created: str, videos: dict[str, str]) -> dict:
    """Everything the page shows, as one JSON object (the page has no other input)."""
    from ..glossary import load_glossary
    from .confidence import LOW_CONFIDENCE, unit_confidences

    src, dst = project.source_language, project.target_language
    glossary = load_glossary(project)
    data_modules = []
    for module in modules:
        rows = rows_by_module[module.id]
        scores = unit_confidences(module.subtitle_path(dst))
        data_modules.append({
            "id": module.id, "order": module.order, "title": {lang: module.title(lang) for lang in project.languages},
            "video": videos.get(module.id), "returnName": return_name(module),
            "cues": [{"n": r.number, "start": r.start, "end": r.end, "source": r.source, "target": r.target,
                      "state": r.state, "comment": r.comment or "", "sourceHash": r.source_hash,
                      "targetHash": r.target_hash, "terms": cue_terms(glossary, r.source, src, dst),
                      "confidence": scores.get(str(r.number)) if r.state == "draft" else None}
                     for r in rows]})
    return {"format": RETURN_FORMAT, "kit": kit_id, "created": created, "project": project.config.programme.slug,
            "title": {lang: project.config.programme.title(lang) for lang in project.languages},
            "sourceLanguage": src, "targetLanguage": dst, "profile": qa_profile(project),
            "lowConfidence": LOW_CONFIDENCE, "linebreak": linebreak_rules(dst), "modules": data_modules}


def editor_html(project: Project, modules: list[Module], rows_by_module: dict[str, list[ReviewRow]], *,
                kit_id: str, created: str, videos: dict[str, str]) -> bytes:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    from ..bundle.index import TEMPLATE_DIR, script_json

    data = editor_data(project, modules, rows_by_module, kit_id=kit_id, created=created, videos=videos)
    env = Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True, undefined=StrictUndefined)
    html = env.get_template(TEMPLATE).render(data=data, data_json=script_json(data),
                                             default_lang=project.target_language)
    return html.encode("utf-8")
