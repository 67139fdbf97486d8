"""The offline index page: one HTML file with its CSS, script and data inline (no network, no CDN).

Every text from the project goes through Jinja's autoescape; the data the script needs (video paths,
chapter times, caption cues) is JSON in a <script type="application/json"> with `<`, `>` and `&`
written as \\u003c, \\u003e, \\u0026, so no text can close the script element.
Captions are embedded as cues and added with the TextTrack API: browsers refuse <track src> files on
pages opened from file://.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .texts import LANGUAGE_NAMES, UI

# In an LMS (SCORM 1.2), the course is completed when every module has been watched: this share of each
# module's duration played (seeking over a part does not count it), summed across sessions.
COMPLETION_SHARE = 0.9

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"


def script_json(data: Any) -> str:
    """JSON safe inside a <script> element: no `<`, `>` or `&` (nor U+2028/9) appears literally."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def clock(seconds: float) -> str:
    """1:05 or 1:02:03, whole seconds truncated (10.6 s is 0:10), as the workbooks print times.

    A chapter starting at 10.6 s is listed at 0:10 here and 00:00:10 in its workbook; the button still
    jumps to 10.6 s. Rounded to the millisecond first, so 10.9999999 (float noise) is 0:11.
    """
    total = max(0, round(seconds * 1000)) // 1000
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def render_index(*, slug: str, title: dict[str, str], source_language: str, target_language: str,
                 runtime: float, modules: list[dict[str, Any]], documents: list[dict[str, Any]],
                 programme_video: str | None) -> str:
    """The page's HTML.

    `modules`: dicts with id, order, kind, title {fr, es}, duration, speakers [{name {fr, es}, role {fr, es}}],
    video (path in the bundle), chapters [{start, title {fr, es}}], workbook ({title, docx, pdf} or None),
    cues {lang: [(start, end, text)]}, and optionally burned (the language burned into the picture, or
    None) and subtitle_files {lang: {"srt": path, "vtt": path}}. `documents`: the programme-wide
    documents {title, docx, pdf}.
    """
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=False, lstrip_blocks=False)
    languages = [lang for lang in ("fr", "es") if lang in UI]
    captions = [target_language, source_language]
    language_names = {ui: {lang: _cap(LANGUAGE_NAMES[ui][lang]) for lang in captions} for ui in languages}
    for module in modules:
        module.setdefault("burned", None)
        module.setdefault("subtitle_files", {})
        module["duration_text"] = clock(module["duration"])
        for speaker in module.get("speakers", []):
            if isinstance(speaker.get("name"), str):  # one name for both languages
                speaker["name"] = {"fr": speaker["name"], "es": speaker["name"]}
        for chapter in module["chapters"]:
            chapter["start_text"] = clock(chapter["start"])
    data = {
        "slug": slug,
        "title": title,
        "languages": languages,
        "defaultLanguage": target_language,
        "captionLanguages": captions,
        "captionDefault": target_language,
        "languageNames": language_names,
        "strings": {lang: {k: UI[lang][k] for k in ("captions_off", "in_picture", "play_all_hint")}
                    for lang in languages},
        "completionShare": COMPLETION_SHARE,
        "modules": [{"id": m["id"], "video": m["video"], "chapters": [c["start"] for c in m["chapters"]],
                     "duration": round(float(m["duration"]), 3),
                     "burned": m.get("burned"),
                     "cues": {lang: [[round(s, 3), round(e, 3), text] for s, e, text in cues]
                              for lang, cues in m["cues"].items()}}
                    for m in modules],
    }
    template = env.get_template("index.html.j2")
    return template.render(
        title=title, default_lang=target_language, strings=UI, ui_languages=languages,
        caption_languages=captions, first_burned=modules[0]["burned"] if modules else None,
        language_names=language_names,
        runtime_text=clock(runtime), modules=modules, documents=documents, programme_video=programme_video,
        data_json=script_json(data))


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]
