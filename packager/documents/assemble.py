"""The four kinds of documents, assembled from the project with `DocWriter`.

Each function returns the writer (ready to save) and a list of notes about what is missing (shown by
`docs` and kept in the manifest for `status`).
"""

from __future__ import annotations

from pathlib import Path

from ..project import WORKBOOKS_DIR, Module, Project
from ..texts import Block, read_markdown, read_units
from ..timecode import format_timecode
from .docx import MISSING_MARK, DocWriter, add_line, add_run, fill_paragraph
from .model import CARD_SECONDS, Reviewer, kind_label, outline, theme_title, training_plan, transcript, viewing_minutes

FR, ES = "fr", "es"


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
    w.title_block(title["fr"], [title["es"]])
    w.paragraph(programme.title_fr)
    w.paragraph(programme.title_es, "Spanish Text")
    for line in lines:
        w.paragraph(line)


# ---------------------------------------------------------------------------------------------- workbook

HOW_TO = {
    "fr": ("Lisez les questions de réflexion avant de regarder le module : vous saurez ce que vous cherchez. "
           "Le plan donne le temps de chaque partie dans la vidéo pour y revenir pendant la discussion. "
           "Le texte de la vidéo suit, en français et en espagnol; écrivez vos réponses dans les cadres prévus."),
    "es": ("Lea las preguntas de reflexión antes de ver el módulo: sabrá qué buscar. "
           "La estructura indica el tiempo de cada parte en el video para volver a ella durante la discusión. "
           "Sigue el texto del video, en francés y en español; escriba sus respuestas en los recuadros previstos."),
}


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


def _glossary_terms(project: Project, texts: list[str]) -> list | None:
    """The glossary terms that occur in the module's French text; None when there is no glossary module."""
    try:
        from ..glossary import load_glossary
    except ImportError:
        return None
    haystack = " ".join(texts).casefold()
    return [term for term in load_glossary(project).terms if term.fr and term.fr.casefold() in haystack]


def build_workbook(project: Project, module: Module) -> tuple[DocWriter, list[str]]:
    notes: list[str] = []
    title = workbook_title(module)
    w = DocWriter(title["fr"])
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
        w.table(rows)
    w.page_break()
    w.toc("Table des matières · Índice")
    w.page_break()

    w.heading(_pair("Comment utiliser ce cahier", "Cómo usar este cuaderno"), 1)
    w.paragraph(HOW_TO[FR])
    w.paragraph(HOW_TO[ES], "Spanish Text")

    w.heading(_pair("Plan du module", "Estructura del módulo"), 1)
    w.paragraph("Les temps sont ceux de la vidéo du module (carton d'ouverture compris). · "
                "Los tiempos son los del video del módulo (incluida la placa de apertura).")
    parts = outline(module)
    if parts:
        rows = [["N°", "Thème", "Tema", "Temps · Tiempo"]]
        rows += [[str(i), fr, es, _clock(t)] for i, (_theme, fr, es, t) in enumerate(parts, start=1)]
        w.table(rows, widths=[1.2, 6, 6, 2.8])

    w.heading(_pair("Texte de la vidéo", "Texto del video"), 1)
    text = transcript(module)
    if text.source_missing:
        notes.append(f"transcript missing: {module.subtitle_path(project.source_language).relative_to(project.root)}")
        w.paragraph("Transcription manquante · Falta la transcripción : "
                    f"{module.subtitle_path(project.source_language).relative_to(project.root)}", "Draft Note")
    else:
        if text.target_missing:
            notes.append("Spanish subtitles missing: "
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
                w.draft_note()
            rows = [["Temps · Tiempo", "Français", "Español"]]
            rows += [[_clock(p.start), p.text_fr, p.text_es] for p in group]
            drafts = [[False] * 3] + [[False, False, p.draft] for p in group]
            table = w.table(rows, style="Table Grid", drafts=drafts, widths=[2.6, 7.2, 7.2])
            for r, passage in enumerate(group, start=1):
                if passage.speaker is not None:
                    add_line(table.cell(r, 0), passage.speaker.name, "Speaker")
                if passage.missing and not passage.text_es:
                    add_run(table.cell(r, 2).paragraphs[0], MISSING_MARK, "Draft Mark")

    source_questions = _questions(module.questions_path(project.source_language))
    if source_questions:
        target_path = module.questions_path(project.target_language)
        target_questions = _questions(target_path)
        reviewer = Reviewer(target_path if target_questions else None)
        if not target_questions:
            notes.append("Spanish questions missing")
        w.heading(_pair("Questions de réflexion", "Preguntas de reflexión"), 1)
        for i, question in enumerate(source_questions, start=1):
            theme = question.get("section", "")
            label = _pair(f"Question {i}", f"Pregunta {i}")
            if theme:
                label += f" — {_pair(theme_title(module, theme, FR), theme_title(module, theme, ES))}"
            w.heading(label, 3)
            w.paragraph(question["text"])
            other = target_questions[i - 1]["text"] if i <= len(target_questions) else ""
            draft = bool(other) and reviewer.is_draft(f"question.{i}.text", question["text"], other)
            w.paragraph(other, "Spanish Text", draft=draft, missing=not other)
            w.answer_space()

    texts = [p.text_fr for p in text.passages] + [q["text"] for q in source_questions]
    terms = _glossary_terms(project, texts)
    if terms:
        w.heading(_pair("Glossaire", "Glosario"), 1)
        rows = [["Français", "Español", "Note · Nota"]]
        for term in terms:
            note = " · ".join(n for n in (getattr(term, "note_fr", None), getattr(term, "note_es", None)) if n)
            rows.append([term.fr, term.es, note])
        w.table(rows, widths=[5, 5, 7])
    return w, notes


# ---------------------------------------------------------------------------------------------- markdown


def render_markdown(w: DocWriter, blocks: list[Block], *, reviewer: Reviewer | None = None,
                    source: dict[str, str] | None = None) -> int:
    """Blocks as headings, paragraphs, bullets, real tables and source lines. Returns the draft count.

    With a reviewer (the target-language side), draft units carry the mark and each heading whose
    section holds a draft is followed by the draft note.
    """
    source = source or {}

    def is_draft(key: str, text: str) -> bool:
        return reviewer is not None and reviewer.is_draft(key, source.get(key, ""), text)

    flags: list[list[bool]] = []
    for block in blocks:
        flags.append([is_draft(unit.key, unit.text) for unit in block.units()])
    drafts = sum(sum(f) for f in flags)
    for index, block in enumerate(blocks):
        block_flags = flags[index]
        if block.kind == "heading":
            w.heading(block.text, block.level, draft=block_flags[0])
            following = []
            for later, other in enumerate(blocks[index + 1:], start=index + 1):
                if other.kind == "heading":
                    break
                following += flags[later]
            if any(following):
                w.draft_note()
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


def _language_parts(w: DocWriter, project: Project, name: str, notes: list[str]) -> None:
    """The French text, then the Spanish text (marked where still draft)."""
    base = project.root / WORKBOOKS_DIR
    source_path = base / project.source_language / name
    target_path = base / project.target_language / name
    render_markdown(w, read_markdown(source_path))
    w.page_break()
    if not target_path.is_file():
        notes.append(f"Spanish text missing: {target_path.relative_to(project.root)}")
        w.heading("Versión en español", 1)
        w.paragraph("", missing=True)
        return
    drafts = render_markdown(w, read_markdown(target_path), reviewer=Reviewer(target_path),
                             source=read_units(source_path))
    if drafts:
        notes.append(f"{drafts} draft unit(s)")


# ---------------------------------------------------------------------------------------------- booklet


def build_booklet(project: Project) -> tuple[DocWriter, list[str]]:
    notes: list[str] = []
    w = DocWriter(TITLES["booklet"]["fr"])
    _cover(w, project, TITLES["booklet"])
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
        notes.append(f"Spanish text missing: {target_path.relative_to(project.root)}")
    reviewer = Reviewer(target_path if es else None)
    source_units = read_units(source_path)
    target_units = read_units(target_path)
    drafts = 0

    def spanish(key: str) -> tuple[str, bool, bool]:
        nonlocal drafts
        text = target_units.get(key, "")
        draft = bool(text) and reviewer.is_draft(key, source_units.get(key, ""), text)
        drafts += draft
        return text, draft, not text

    def both(key: str, style: str | None = None) -> None:
        if key in source_units:
            w.paragraph(source_units[key], style)
            text, draft, missing = spanish(key)
            w.paragraph(text, "Spanish Text" if style is None else style, draft=draft, missing=missing)

    title = {"fr": fr.get("title") or TITLES["synthesis"]["fr"], "es": es.get("title") or TITLES["synthesis"]["es"]}
    w = DocWriter(TITLES["synthesis"]["fr"])
    _cover(w, project, title)
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
    w.paragraph("Six entreprises, neuf thèmes : chaque case donne le texte français puis l'espagnol. · "
                "Seis empresas, nueve temas: cada casilla da el texto francés y luego el español.")
    header = ["Thème · Tema"]
    for module_id in enterprises:
        try:
            module = project.module(module_id)
            header.append(_pair(module.title(FR), module.title(ES)))
        except PackagerError:
            header.append(module_id)
    themes = list(ENTERPRISE_THEMES)
    extra = [t for module_id in enterprises for t in matrix[module_id] if t not in themes]
    themes += list(dict.fromkeys(extra))
    table = w.table([header] + [[""] * len(header) for _ in themes], text_style="Matrix Text")
    matrix_drafts = False
    cells = table._cells
    for r, theme in enumerate(themes, start=1):
        name_fr, name_es = ENTERPRISE_THEMES.get(theme, (theme, theme))
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
            matrix_drafts |= draft
            line = add_line(cell, text, "Matrix Spanish", draft=draft)
            if missing:
                add_run(line, MISSING_MARK, "Draft Mark")
    if matrix_drafts:
        w.draft_note()
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
            w.heading("Français", 3)
            w.bullets(points)
            w.heading("Español", 3)
            marks = [spanish(f"key_points.{module_id}.{i}") for i in range(1, len(points) + 1)]
            if any(m[1] for m in marks):
                w.draft_note()
            for text, draft, missing in marks:
                w.paragraph(text, "List Bullet", draft=draft, missing=missing)
    if "conclusion" in source_units:
        w.heading(_pair("Conclusion", "Conclusión"), 1)
        both("conclusion")
    if drafts:
        notes.append(f"{drafts} draft unit(s)")
    return w, notes


# ---------------------------------------------------------------------------------------------- guide


def build_guide(project: Project) -> tuple[DocWriter, list[str]]:
    notes: list[str] = []
    training = project.config.training
    expected = round(training.hours * 60)
    base = project.root / WORKBOOKS_DIR
    source_path = base / project.source_language / "guide.md"
    target_path = base / project.target_language / "guide.md"
    plan_fr = training_plan(read_markdown(source_path), source_path, expected)
    plan_es = training_plan(read_markdown(target_path), target_path, expected) if target_path.is_file() else []

    w = DocWriter(TITLES["guide"]["fr"])
    _cover(w, project, TITLES["guide"], [
        f"{training.hours:g} heures · {training.hours:g} horas — "
        f"{training.sessions} séances · {training.sessions} sesiones"])
    w.toc("Table des matières · Índice")
    w.page_break()

    w.heading(_pair("Plan de la formation", "Plan de la formación"), 1)
    w.paragraph(f"La formation dure {training.hours:g} heures ({expected} minutes), pauses comprises "
                f"({training.break_minutes} min par séance prévues dans la configuration).")
    w.paragraph(f"La formación dura {training.hours:g} horas ({expected} minutos), pausas incluidas "
                f"({training.break_minutes} min por sesión previstas en la configuración).", "Spanish Text")
    rows = [["Séance · Sesión", "Minutes · Minutos"]]
    rows += [[session.title, str(session.minutes)] for session in plan_fr]
    rows.append(["Total", str(sum(s.minutes for s in plan_fr))])
    table = w.table(rows, widths=[13, 4])
    for i, session in enumerate(plan_es[:len(plan_fr)], start=1):
        add_line(table.rows[i].cells[0], session.title, "Table Text")
    for shortfall in viewing_shortfalls(project, plan_fr):
        notes.append(shortfall)
        w.paragraph(shortfall, "Draft Note")
    if len(plan_fr) != training.sessions:
        notes.append(f"the guide plans {len(plan_fr)} sessions, packager.toml says {training.sessions}")

    w.heading(_pair("Utiliser chaque module", "Usar cada módulo"), 1)
    for module in project.modules:
        used_in = [s.title for s in plan_fr
                   if any(len(row) > 1 and row[1].split("·")[0].strip() == str(module.order) for row in s.rows[1:])]
        themes_fr = ", ".join(s.title_fr for s in module.definition.sections) or "—"
        themes_es = ", ".join(s.title_es for s in module.definition.sections) or "—"
        questions = len(_questions(module.questions_path(project.source_language)))
        minutes = viewing_minutes(module)
        w.heading(f"{module.order} — {_pair(module.title(FR), module.title(ES))}", 2)
        w.bullets([
            f"{kind_label(module.kind, FR)}; visionnement : {minutes} min (prévu : {module.planned_window} min).",
            f"Thèmes : {themes_fr}.",
            f"Cahier : {workbook_name(module)}, {questions} question(s) de réflexion.",
            "Séance(s) : " + ("; ".join(used_in) if used_in else "hors du plan") + ".",
        ])
        w.bullets([
            f"{kind_label(module.kind, ES)}; visionado: {minutes} min (previsto: {module.planned_window} min).",
            f"Temas: {themes_es}.",
            f"Cuaderno: {workbook_name(module)}, {questions} pregunta(s) de reflexión.",
        ])
        if not used_in:
            notes.append(f"module {module.id} is not in the session plan")
    w.page_break()
    _language_parts(w, project, "guide.md", notes)
    return w, notes


def viewing_shortfalls(project: Project, plan) -> list[str]:
    """Viewing rows of the plan shorter than the module they show (its real duration, from the edit list)."""
    found = []
    for session in plan:
        header = [h.casefold() for h in session.rows[0]]
        minutes_col = len(header) - 1
        for row in session.rows[1:]:
            if len(row) < 3 or not row[0].casefold().startswith(("visionn", "visiona", "visualiz")):
                continue
            number = row[1].split("·")[0].strip()
            module = next((m for m in project.modules if str(m.order) == number), None)
            if module is None or not row[minutes_col].strip().isdigit():
                continue
            needed = viewing_minutes(module)
            if int(row[minutes_col]) < needed:
                found.append(f"{session.title}: {row[minutes_col]} min planned to view module {module.order} "
                             f"({module.id}), which runs {needed} min")
    return found
