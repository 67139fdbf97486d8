"""The four kinds of documents, assembled from the project with `DocWriter`.

Each function returns the writer (ready to save) and a list of notes about what is missing (shown by
`docs` and kept in the manifest for `status`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..project import WORKBOOKS_DIR, Module, Project
from ..texts import Block, read_markdown, toml_units
from ..timecode import format_timecode
from .docx import DocWriter, add_line, add_run, fill_paragraph
from .model import (CARD_SECONDS, PlanSession, Reviewer, clock, kind_label, outline, plan_table_blocks, theme_title,
                    training_plan, transcript, viewing_minutes)

FR, ES = "fr", "es"

# The project's pair is data (fr→es for the sample, es→fr for a partner's video): every place that
# names the source or the target language takes the name from here, in the text's own language.
NATIVE_NAMES = {"fr": "Français", "es": "Español"}  # column headers: each language by its own name
ENGLISH_NAMES = {"fr": "French", "es": "Spanish"}  # the notes `docs` and `status` print
# How a French (FR) or a Spanish (ES) sentence names a language.
IN_LANGUAGE = {FR: {"fr": "en français", "es": "en espagnol"}, ES: {"fr": "en francés", "es": "en español"}}
ADJECTIVE = {FR: {"fr": "français", "es": "espagnol"}, ES: {"fr": "francés", "es": "español"}}
WITH_ARTICLE = {FR: {"fr": "le français", "es": "l'espagnol"}, ES: {"fr": "el francés", "es": "el español"}}
TARGET_VERSION = {"fr": "Version en français", "es": "Versión en español"}  # heading of a missing target text


def _writer(project: Project, title: str) -> DocWriter:
    """A document of this project: its paper, its languages, and draft marks in its target language."""
    documents = project.config.documents
    return DocWriter(title, lang=project.source_language, paper=documents.paper, target=project.target_language,
                     tags={code: documents.language_tag(code) for code in (FR, ES)})


def _pair(fr: str, es: str) -> str:
    return f"{fr} · {es}"


def _clock(seconds: float | None) -> str:
    return "—" if seconds is None else format_timecode(seconds)


def workbook_name(module: Module) -> str:
    return f"cahier-{module.order:02d}-{module.id}.docx"


def workbook_title(module: Module) -> dict[str, str]:
    return {"fr": f"Cahier de formation {module.order:02d} — {module.title(FR)}",
            "es": f"Cuaderno de formación {module.order:02d} — {module.title(ES)}"}


TITLES = {
    "booklet": {"fr": "Cahier d'introduction", "es": "Cuaderno de introducción"},
    "synthesis": {"fr": "Document d'analyse-synthèse", "es": "Documento de análisis y síntesis"},
    "guide": {"fr": "Guide du formateur", "es": "Guía del formador"},
}


def _cover(w: DocWriter, project: Project, title: dict[str, str], lines: list[str] = ()) -> None:
    programme = project.config.programme
    for subtitle in w.title_block(title["fr"], [title["es"]]):
        w.mark(subtitle, ES)
    w.paragraph(programme.title_fr)
    w.paragraph(programme.title_es, "Spanish Text")
    for line in lines:
        w.paragraph(line)


# ---------------------------------------------------------------------------------------------- workbook

HOW_TO = {
    "fr": ("Lisez les questions de réflexion avant de regarder le module : vous saurez ce que vous cherchez. "
           "Le plan donne le temps de chaque partie dans la vidéo pour y revenir pendant la discussion. "
           "Le texte de la vidéo suit, {source} et {target}; écrivez vos réponses dans les cadres prévus."),
    "es": ("Lea las preguntas de reflexión antes de ver el módulo: sabrá qué buscar. "
           "La estructura indica el tiempo de cada parte en el video para volver a ella durante la discusión. "
           "Sigue el texto del video, {source} y {target}; escriba sus respuestas en los recuadros previstos."),
}


def how_to(lang: str, source: str, target: str) -> str:
    """The workbook's how-to in `lang`, naming the transcript's two languages in their column order."""
    names = IN_LANGUAGE[lang]
    return HOW_TO[lang].format(source=names[source], target=names[target])


def _questions(path: Path | None) -> list[dict]:
    if path is None or not path.is_file():
        return []
    from ..config import read_toml
    from ..errors import PackagerError

    data, _ = read_toml(path)
    questions = data.get("question", [])
    if not isinstance(questions, list) or not all(isinstance(q, dict) and isinstance(q.get("text"), str)
                                                   for q in questions):
        raise PackagerError("expected [[question]] entries with a text", path=path,
                            hint='write each question as [[question]] section = "…" text = "…"')
    return questions


def _glossary_terms(project: Project, texts: list[str]) -> list:
    """The glossary terms that occur in the module's source texts (either number), in glossary order; a
    term inside a longer term that also occurs (MESS in « sous-ministre du MESS ») still counts."""
    from ..glossary import load_glossary

    glossary, source = load_glossary(project), project.source_language
    haystack = "\n".join(texts)
    return [term for term in glossary.terms if term.text(source) and glossary.contains(haystack, term, source)]


def build_workbook(project: Project, module: Module) -> tuple[DocWriter, list[str]]:
    notes: list[str] = []
    src, dst = project.source_language, project.target_language
    w = _writer(project, f"Cahier {module.order:02d} · Cuaderno {module.order:02d} — {module.title(FR)}")
    duration = module.footage_seconds + 2 * CARD_SECONDS
    _cover(w, project, {"fr": module.title(FR), "es": module.title(ES)}, [
        _pair(f"Module {module.order}", f"Módulo {module.order}") + " — " + _pair(kind_label(module.kind, FR),
                                                                                      kind_label(module.kind, ES)),
        f"Durée de la vidéo · Duración del video : {format_timecode(duration)} "
        f"(prévue · prevista : {module.planned_window} min)",
    ])
    if module.definition.speakers:
        rows = [["Intervenant · Participante", "Rôle", "Rol"]]
        rows += [[s.name, s.role(FR), s.role(ES)] for s in module.definition.speakers]
        w.table(rows, languages=[None, FR, ES])
    w.page_break()
    w.toc("Table des matières · Índice")
    w.page_break()

    w.heading(_pair("Comment utiliser ce cahier", "Cómo usar este cuaderno"), 1)
    w.paragraph(how_to(FR, src, dst))
    w.paragraph(how_to(ES, src, dst), "Spanish Text")

    w.heading(_pair("Plan du module", "Estructura del módulo"), 1)
    w.paragraph("Les temps sont ceux de la vidéo du module (carton d'ouverture compris). · "
                "Los tiempos son los del video del módulo (incluida la placa de apertura).")
    parts = outline(module)
    if parts:
        rows = [["N°", "Thème", "Tema", "Temps · Tiempo"]]
        rows += [[str(i), fr, es, _clock(t)] for i, (_theme, fr, es, t) in enumerate(parts, start=1)]
        w.table(rows, widths=[1.2, 6, 6, 2.8], languages=[None, FR, ES, None])

    w.heading(_pair("Texte de la vidéo", "Texto del video"), 1)
    text = transcript(module)
    if text.source_missing:
        notes.append(f"transcript missing: {module.subtitle_path(project.source_language).relative_to(project.root)}")
        w.paragraph("Transcription manquante · Falta la transcripción : "
                    f"{module.subtitle_path(project.source_language).relative_to(project.root)}", "Draft Note")
    else:
        if text.target_missing:
            notes.append(f"{ENGLISH_NAMES[dst]} subtitles missing: "
                         f"{module.subtitle_path(project.target_language).relative_to(project.root)}")
        if text.drafts:
            notes.append(f"{text.drafts} draft cue(s)")
        groups: list[list] = []
        for passage in text.passages:
            if groups and groups[-1][0].section == passage.section:
                groups[-1].append(passage)
            else:
                groups.append([passage])
        for group in groups:
            section = group[0].section
            if section is not None and len(module.definition.sections) > 1:
                w.heading(f"{_clock(section.start + CARD_SECONDS)} — {_pair(section.title_fr, section.title_es)}", 2)
            if any(p.draft for p in group):
                w.draft_note([p.draft for p in group])
            rows = [["Temps · Tiempo", NATIVE_NAMES[src], NATIVE_NAMES[dst]]]
            rows += [[_clock(p.start), p.text_fr, p.text_es] for p in group]
            drafts = [[""] * 3] + [["", "", p.draft] for p in group]
            table = w.table(rows, style="Table Grid", drafts=drafts, widths=[2.6, 7.2, 7.2],
                            languages=[None, src, dst])
            for r, passage in enumerate(group, start=1):
                if passage.speaker is not None:
                    add_line(table.cell(r, 0), passage.speaker.name, "Speaker")
                if passage.missing and not passage.text_es:
                    add_run(table.cell(r, 2).paragraphs[0], w.missing_mark, "Draft Mark")

    source_questions = _questions(module.questions_path(project.source_language))
    if source_questions:
        target_path = module.questions_path(project.target_language)
        target_questions = _questions(target_path)
        reviewer = Reviewer(target_path if target_questions else None)
        if not target_questions:
            notes.append(f"{ENGLISH_NAMES[dst]} questions missing")
        w.heading(_pair("Questions de réflexion", "Preguntas de reflexión"), 1)
        question_marks = [reviewer.is_draft(f"question.{i}.text", q["text"], target_questions[i - 1]["text"])
                          for i, q in enumerate(source_questions, start=1) if i <= len(target_questions)]
        if any(question_marks):
            w.draft_note(question_marks)
        for i, question in enumerate(source_questions, start=1):
            theme = question.get("section", "")
            label = _pair(f"Question {i}", f"Pregunta {i}")
            if theme:
                label += f" — {_pair(theme_title(module, theme, FR), theme_title(module, theme, ES))}"
            w.heading(label, 3)
            w.paragraph(question["text"], "Question")
            other = target_questions[i - 1]["text"] if i <= len(target_questions) else ""
            draft = reviewer.is_draft(f"question.{i}.text", question["text"], other) if other else ""
            w.paragraph(other, "Question Spanish", draft=draft, missing=not other)
            w.answer_space()

    texts = [p.text_fr for p in text.passages] + [q["text"] for q in source_questions]
    texts += [module.title(src)] + [s.title(src) for s in module.definition.sections]
    texts += [s.role(src) for s in module.definition.speakers]
    terms = _glossary_terms(project, texts)
    if terms:
        w.heading(_pair("Glossaire", "Glosario"), 1)
        rows = [[NATIVE_NAMES[src], NATIVE_NAMES[dst], "Note · Nota"]]
        for term in terms:
            note = " · ".join(n for n in (term.note_fr, term.note_es) if n)
            rows.append([getattr(term, src), getattr(term, dst), note])  # as written (a kept term: no es)
        w.table(rows, widths=[5, 5, 7], languages=[src, dst, None])
    return w, notes


# ---------------------------------------------------------------------------------------------- markdown


def render_markdown(w: DocWriter, blocks: list[Block], *, reviewer: Reviewer | None = None,
                    source: dict[str, str] | None = None,
                    replace: dict[int, Callable[[list[bool]], None]] | None = None) -> int:
    """Blocks as headings, paragraphs, bullets, real tables and source lines. Returns the draft count.

    With a reviewer (the target-language side), draft units carry the mark and each heading whose
    section holds a draft is followed by the draft note. `replace` maps a block number to a function
    that writes something else in its place (given the block's draft flags): the guide's typed
    session tables become the computed ones.
    """
    replace = replace or {}
    source = source or {}

    def is_draft(key: str, text: str) -> str:
        return reviewer.is_draft(key, source.get(key, ""), text) if reviewer is not None else ""

    flags: list[list[bool]] = []
    for block in blocks:
        flags.append([is_draft(unit.key, unit.text) for unit in block.units()])
    drafts = sum(sum(map(bool, f)) for f in flags)
    for index, block in enumerate(blocks):
        block_flags = flags[index]
        if block.number in replace:
            replace[block.number](block_flags)
        elif block.kind == "heading":
            w.heading(block.text, block.level, draft=block_flags[0])
            following = []
            for later, other in enumerate(blocks[index + 1:], start=index + 1):
                if other.kind == "heading":
                    break
                following += flags[later]
            if any(following):
                w.draft_note(following)
        elif block.kind == "list":
            w.bullets(block.items, drafts=block_flags)
        elif block.kind == "table":
            width = len(block.rows[0])
            cells = [block_flags[r * width:(r + 1) * width] for r in range(len(block.rows))]
            w.table(block.rows, drafts=cells)
        elif block.kind == "source":
            w.paragraph(block.text, "Source", draft=block_flags[0])
        else:
            w.paragraph(block.text, draft=block_flags[0])
    return drafts


def _language_parts(w: DocWriter, project: Project, name: str, notes: list[str],
                    replace: dict[str, dict[int, Callable[[list[bool]], None]]] | None = None,
                    blocks: tuple[list[Block], list[Block] | None] | None = None) -> None:
    """The source-language text, then the target-language text (marked where still draft).

    `blocks`: the (source, target) files' blocks when the caller has read them already (target None
    when that file is missing); each file is parsed once."""
    replace = replace or {}
    base = project.root / WORKBOOKS_DIR
    source_path = base / project.source_language / name
    target_path = base / project.target_language / name
    if blocks is None:
        blocks = (read_markdown(source_path), read_markdown(target_path) if target_path.is_file() else None)
    source_blocks, target_blocks = blocks
    render_markdown(w, source_blocks, replace=replace.get(project.source_language))
    w.page_break()
    if target_blocks is None:
        notes.append(f"{ENGLISH_NAMES[project.target_language]} text missing: "
                     f"{target_path.relative_to(project.root)}")
        with w.language(project.target_language):
            w.heading(TARGET_VERSION[project.target_language], 1)
            w.paragraph("", missing=True)
        return
    source_units = {unit.key: unit.text for block in source_blocks for unit in block.units()}
    with w.language(project.target_language):
        drafts = render_markdown(w, target_blocks, reviewer=Reviewer(target_path),
                                 source=source_units, replace=replace.get(project.target_language))
    if drafts:
        notes.append(f"{drafts} draft unit(s)")


# ---------------------------------------------------------------------------------------------- booklet


def build_booklet(project: Project) -> tuple[DocWriter, list[str]]:
    notes: list[str] = []
    w = _writer(project, _pair(TITLES["booklet"]["fr"], TITLES["booklet"]["es"]))
    _cover(w, project, TITLES["booklet"])
    w.page_break()
    w.toc("Table des matières · Índice")
    w.page_break()
    _language_parts(w, project, "booklet.md", notes)
    return w, notes


# ---------------------------------------------------------------------------------------------- synthesis


def build_synthesis(project: Project) -> tuple[DocWriter, list[str]]:
    from ..config import ENTERPRISE_THEMES, read_toml
    from ..errors import PackagerError

    notes: list[str] = []
    base = project.root / WORKBOOKS_DIR
    source_path = base / project.source_language / "synthesis.toml"
    target_path = base / project.target_language / "synthesis.toml"
    fr, _ = read_toml(source_path)
    es = read_toml(target_path)[0] if target_path.is_file() else {}
    if not es:
        notes.append(f"{ENGLISH_NAMES[project.target_language]} text missing: "
                     f"{target_path.relative_to(project.root)}")
    reviewer = Reviewer(target_path if es else None)
    source_units = {unit.key: unit.text for unit in toml_units(fr)}
    target_units = {unit.key: unit.text for unit in toml_units(es)}
    drafts = 0

    def spanish(key: str) -> tuple[str, bool, bool]:
        nonlocal drafts
        text = target_units.get(key, "")
        draft = reviewer.is_draft(key, source_units.get(key, ""), text) if text else ""
        drafts += bool(draft)
        return text, draft, not text

    def both(key: str, style: str | None = None) -> None:
        if key in source_units:
            w.paragraph(source_units[key], style)
            text, draft, missing = spanish(key)
            w.mark(w.paragraph(text, "Spanish Text" if style is None else style, draft=draft, missing=missing), dst)

    src, dst = project.source_language, project.target_language
    # `fr` and `es` hold the source and the target file (French and Spanish for the sample).
    title = {src: fr.get("title") or TITLES["synthesis"][src], dst: es.get("title") or TITLES["synthesis"][dst]}
    w = _writer(project, _pair(TITLES["synthesis"]["fr"], TITLES["synthesis"]["es"]))
    _cover(w, project, title)
    w.page_break()
    w.toc("Table des matières · Índice")
    w.page_break()
    w.heading(_pair("Introduction", "Introducción"), 1)
    both("intro")

    matrix = fr.get("matrix", {})
    if not isinstance(matrix, dict) or not matrix:
        raise PackagerError("no [matrix.<enterprise-id>] tables", path=source_path,
                            hint="add one [matrix.<id>] table per enterprise with the nine theme keys")
    order = {m.id: m.order for m in project.modules}
    enterprises = sorted(matrix, key=lambda i: (order.get(i, 999), i))
    w.landscape()
    w.heading(_pair("Matrice d'analyse", "Matriz de análisis"), 1)
    themes = list(ENTERPRISE_THEMES)
    extra = [t for module_id in enterprises for t in matrix[module_id] if t not in themes]
    themes += list(dict.fromkeys(extra))
    w.paragraph(f"{len(enterprises)} entreprises × {len(themes)} thèmes : chaque case donne le texte "
                f"{ADJECTIVE[FR][src]}, puis {WITH_ARTICLE[FR][dst]} en bleu.")
    w.paragraph(f"{len(enterprises)} empresas × {len(themes)} temas: cada casilla da el texto {ADJECTIVE[ES][src]} "
                f"y luego {WITH_ARTICLE[ES][dst]} en azul.", "Spanish Text")
    header, header_es = ["Thème · Tema"], [""]
    for module_id in enterprises:
        try:
            module = project.module(module_id)
            header.append(module.title(src))
            header_es.append(module.title(dst))
        except PackagerError:
            header.append(module_id)
            header_es.append("")
    first = 2.8
    rest = (w.text_width_cm() - first) / max(1, len(enterprises))
    table = w.table([header] + [[""] * len(header) for _ in themes], text_style="Matrix Text",
                    widths=[first] + [rest] * len(enterprises))
    for c, text in enumerate(header_es):
        if text:
            add_line(table.rows[0].cells[c], text, "Matrix Spanish")
    matrix_drafts: list[str] = []
    cells = table._cells
    for r, theme in enumerate(themes, start=1):
        theme_names = dict(zip((FR, ES), ENTERPRISE_THEMES.get(theme, (theme, theme))))
        name_fr, name_es = theme_names[src], theme_names[dst]  # source, then target in blue
        cell = cells[r * len(header)]
        cell.paragraphs[0].add_run(name_fr)
        add_line(cell, name_es, "Matrix Spanish")
        for c, module_id in enumerate(enterprises, start=1):
            key = f"matrix.{module_id}.{theme}"
            cell = cells[r * len(header) + c]
            text_fr = source_units.get(key, "")
            if not text_fr:
                notes.append(f"matrix cell missing: {module_id} × {theme}")
            fill_paragraph(cell.paragraphs[0], text_fr)
            text, draft, missing = spanish(key)
            matrix_drafts.append(draft)
            line = add_line(cell, text, "Matrix Spanish", draft=draft)
            if missing:
                add_run(line, w.missing_mark, "Draft Mark")
    if any(matrix_drafts):
        w.draft_note(matrix_drafts)
    w.portrait()

    key_points = fr.get("key_points", {})
    if not isinstance(key_points, dict) or not all(
            isinstance(v, list) and all(isinstance(x, str) for x in v) for v in key_points.values()):
        raise PackagerError("[key_points] must hold lists of strings, one list per module id", path=source_path,
                            hint='write e.g. collectif = ["first point", "second point"]')
    if key_points:
        w.heading(_pair("Points clés des entrevues et de la table ronde",
                        "Puntos clave de las entrevistas y de la mesa redonda"), 1)
        for module_id, points in key_points.items():
            try:
                module = project.module(module_id)
                w.heading(_pair(module.title(FR), module.title(ES)), 2)
            except PackagerError:
                w.heading(module_id, 2)
            w.heading(NATIVE_NAMES[src], 3)
            w.bullets(points)
            marks = [spanish(f"key_points.{module_id}.{i}") for i in range(1, len(points) + 1)]
            with w.language(dst):
                w.heading(NATIVE_NAMES[dst], 3)
                if any(m[1] for m in marks):
                    w.draft_note([m[1] for m in marks])
                for text, draft, missing in marks:
                    w.paragraph(text, "List Bullet", draft=draft, missing=missing)
    if "conclusion" in source_units:
        w.heading(_pair("Conclusion", "Conclusión"), 1)
        both("conclusion")
    if drafts:
        notes.append(f"{drafts} draft unit(s)")
    return w, notes


# ---------------------------------------------------------------------------------------------- guide

PLAN_HEADERS = {
    "fr": ["Début", "Activité", "Module", "Minutes"],
    "es": ["Inicio", "Actividad", "Módulo", "Minutos"],
}


def _session_rows(session: PlanSession, lang: str) -> list[list[str]]:
    """A session's table in one language: start (h:mm from the session's start), activity, module, minutes."""
    rows = [PLAN_HEADERS[lang]]
    start = 0
    for activity in session.activities:
        rows.append([clock(start), activity.fr if lang == FR else activity.es,
                     activity.module_fr if lang == FR else activity.module_es, str(activity.minutes)])
        start += activity.minutes
    rows.append([clock(start), "Total", "", str(session.minutes)])
    return rows


def _session_table(w: DocWriter, session: PlanSession, lang: str, flags: list[bool] | None = None) -> None:
    """The computed table of one session in `lang`; activity labels still in draft are marked."""
    rows = _session_rows(session, lang)
    drafts = [[""] * 4 for _ in rows]
    if flags and session.block is not None:
        width = len(flags) // max(1, session.source_rows)
        for r, activity in enumerate(session.activities, start=1):
            if activity.row is not None and width:
                drafts[r][1] = next((f for f in flags[activity.row * width:(activity.row + 1) * width] if f), "")
    w.table(rows, drafts=drafts, widths=[1.6, 9.4, 4, 2], total=True)
    note = session.cut_note(lang)
    if note:
        w.paragraph(note, "Draft Note")


def _bilingual_session_table(w: DocWriter, session: PlanSession) -> None:
    """The French table under a bilingual header; the Spanish labels below the French where they differ."""
    rows = [[_pair(f, e) for f, e in zip(PLAN_HEADERS[FR], PLAN_HEADERS[ES])], *_session_rows(session, FR)[1:]]
    table = w.table(rows, widths=[1.8, 9.2, 4, 2], total=True)
    for r, activity in enumerate(session.activities, start=1):
        if activity.es != activity.fr:
            add_line(table.rows[r].cells[1], activity.es, "Table Spanish")
        if activity.module_es != activity.module_fr:
            add_line(table.rows[r].cells[2], activity.module_es, "Table Spanish")


def build_guide(project: Project) -> tuple[DocWriter, list[str]]:
    notes: list[str] = []
    training = project.config.training
    base = project.root / WORKBOOKS_DIR
    source_path = base / project.source_language / "guide.md"
    target_path = base / project.target_language / "guide.md"
    fr_blocks = read_markdown(source_path)
    es_blocks = read_markdown(target_path) if target_path.is_file() else None
    plan = training_plan(project, fr_blocks, es_blocks, source_path)
    notes += plan.notes
    lengths = sorted({s.length for s in plan.sessions})
    length = "–".join(str(n) for n in lengths)

    w = _writer(project, _pair(TITLES["guide"]["fr"], TITLES["guide"]["es"]))
    _cover(w, project, TITLES["guide"], [
        f"{training.hours:g} heures · {training.hours:g} horas — "
        f"{training.sessions} séances · {training.sessions} sesiones"])
    w.page_break()
    w.toc("Table des matières · Índice")
    w.page_break()

    w.heading(_pair("Plan de la formation", "Plan de la formación"), 1)
    w.paragraph(f"La formation dure {training.hours:g} heures ({plan.expected} minutes) en {len(plan.sessions)} "
                f"séances de {length} minutes, pauses de {training.break_minutes} min comprises. Les temps sont "
                "calculés à partir des modules : chaque visionnement dure le temps réel du module, et les autres "
                "activités se partagent le reste de la séance.")
    w.paragraph(f"La formación dura {training.hours:g} horas ({plan.expected} minutos) en {len(plan.sessions)} "
                f"sesiones de {length} minutos, pausas de {training.break_minutes} min incluidas. Los tiempos se "
                "calculan a partir de los módulos: cada proyección dura lo que dura el módulo, y las demás "
                "actividades se reparten el resto de la sesión.", "Spanish Text")
    rows = [["Séance · Sesión", "Modules · Módulos", "Visionnement · Proyección", "Minutes · Minutos"]]
    for session in plan.sessions:
        viewing = sum(a.minutes for a in session.activities if a.kind == "view")
        rows.append([session.title_fr, ", ".join(str(m.order) for m in session.modules()) or "—",
                     str(viewing), str(session.minutes)])
    rows.append(["Total", "", str(sum(int(r[2]) for r in rows[1:])), str(plan.total)])
    table = w.table(rows, widths=[8.2, 2.6, 2.8, 2.9], total=True)
    for i, session in enumerate(plan.sessions, start=1):
        add_line(table.rows[i].cells[0], session.title_es, "Table Spanish")
    for session in plan.sessions:
        for lang in (FR, ES):
            if session.cut_note(lang):
                w.paragraph(session.cut_note(lang), "Draft Note")
    for note in plan.notes:
        if note.startswith("module ") or note.startswith("the guide has"):
            w.paragraph(note, "Draft Note")
    if not plan.from_guide:
        for session in plan.sessions:
            w.heading(_pair(session.title_fr, session.title_es), 2)
            _bilingual_session_table(w, session)
    if len(plan.sessions) != training.sessions:
        notes.append(f"the guide plans {len(plan.sessions)} sessions, packager.toml says {training.sessions}")

    w.heading(_pair("Utiliser chaque module", "Usar cada módulo"), 1)
    for module in project.modules:
        used_in = plan.sessions_of(module)
        themes_fr = ", ".join(s.title_fr for s in module.definition.sections) or "—"
        themes_es = ", ".join(s.title_es for s in module.definition.sections) or "—"
        questions = len(_questions(module.questions_path(project.source_language)))
        minutes = viewing_minutes(module)
        w.heading(f"{module.order} — {_pair(module.title(FR), module.title(ES))}", 2)
        w.bullets([
            f"{kind_label(module.kind, FR)}; visionnement : {minutes} min (prévu : {module.planned_window} min).",
            f"Thèmes : {themes_fr}.",
            f"Cahier : {workbook_name(module)}, {questions} question(s) de réflexion.",
            "Séance(s) : " + ("; ".join(s.title_fr for s in used_in) if used_in else "hors du plan") + ".",
        ])
        w.bullets([
            f"{kind_label(module.kind, ES)}; proyección: {minutes} min (prevista: {module.planned_window} min).",
            f"Temas: {themes_es}.",
            f"Cuaderno: {workbook_name(module)}, {questions} pregunta(s) de reflexión.",
            "Sesión(es): " + ("; ".join(s.title_es for s in used_in) if used_in else "fuera del plan") + ".",
        ], style="List Bullet Spanish")
    w.page_break()

    replace: dict[str, dict[int, Callable[[list[bool]], None]]] = {FR: {}, ES: {}}
    blocks = [s.block for s in plan.sessions if s.block is not None] if plan.from_guide else [
        b.number for b in plan_table_blocks(fr_blocks)]
    for lang in (FR, ES):
        for number in blocks:
            session = next((s for s in plan.sessions if s.block == number), None) if plan.from_guide else None
            if session is not None:
                replace[lang][number] = (lambda flags, s=session, lang=lang: _session_table(w, s, lang, flags))
            elif number == blocks[0]:
                text = ("Le plan détaillé, calculé à partir des modules, figure au début de ce guide "
                        "(« Plan de la formation »)." if lang == FR else
                        "El plan detallado, calculado a partir de los módulos, figura al principio de esta guía "
                        "(«Plan de la formación»).")
                replace[lang][number] = (lambda flags, text=text: w.paragraph(text))
            else:
                replace[lang][number] = lambda flags: None
    _language_parts(w, project, "guide.md", notes, replace, blocks=(fr_blocks, es_blocks))
    _checklist(w, project)
    return w, notes


def _checklist(w: DocWriter, project: Project) -> None:
    """What to bring: a bilingual checklist, with the names of the files to print."""
    slug = project.config.programme.slug
    workbooks = ", ".join(workbook_name(m).replace(".docx", ".pdf") for m in project.modules)
    items = [
        (f"Le disque (DVD ou CD) ou la clé USB du programme (dossier {slug}-…), vérifié avant la séance : "
         "dans le dossier, sha256sum -c SHA256SUMS (Linux) ou shasum -a 256 -c SHA256SUMS (macOS); "
         "sous Windows, la commande PowerShell de LISEZMOI.txt.",
         f"El disco (DVD o CD) o la memoria USB del programa (carpeta {slug}-…), verificado antes de la sesión: "
         "en la carpeta, sha256sum -c SHA256SUMS (Linux) o shasum -a 256 -c SHA256SUMS (macOS); "
         "en Windows, el comando PowerShell de LEAME.txt."),
        ("Un ordinateur (lecteur de disque ou port USB) qui lit le fichier index.html hors ligne, ou un "
         "lecteur DVD.", "Una computadora (lector de discos o puerto USB) que abra el archivo index.html sin "
         "conexión, o un reproductor de DVD."),
        ("Un projecteur ou un grand écran, et des haut-parleurs audibles dans toute la salle.",
         "Un proyector o una pantalla grande, y parlantes que se oigan en toda la sala."),
        (f"Les cahiers de formation imprimés, un par participant et par module ({workbooks}).",
         f"Los cuadernos de formación impresos, uno por participante y por módulo ({workbooks})."),
        ("Le cahier d'introduction (introduction.pdf) et le document d'analyse-synthèse "
         "(analyse-synthese.pdf) imprimés, un par participant.",
         "El cuaderno de introducción (introduction.pdf) y el documento de análisis y síntesis "
         "(analyse-synthese.pdf) impresos, uno por participante."),
        ("Ce guide (guide-formateur.pdf) et une grande copie de la matrice d'analyse-synthèse (tableau à "
         "feuilles ou tableau blanc).", "Esta guía (guide-formateur.pdf) y una copia grande de la matriz de "
         "análisis y síntesis (rotafolio o pizarra)."),
        ("Le questionnaire d'évaluation, un par participant.", "El cuestionario de evaluación, uno por participante."),
    ]
    w.heading(_pair("Liste du matériel", "Lista de material"), 1)
    rows = [["☐", "Français", "Español"]] + [["☐", fr, es] for fr, es in items]
    w.table(rows, widths=[0.8, 8, 8], languages=[None, FR, ES])
