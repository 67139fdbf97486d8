"""The trainer's guide (guide-formateur.docx): how to run the training.

The training plan computed from the modules (sessions, viewing times; `model.training_plan`), how each
module is used, the guide's Markdown text (workbooks/<lang>/guide.md) with its typed session tables
replaced by the computed ones, and the checklist of what to bring.
"""

from __future__ import annotations

from collections.abc import Callable

from ..project import WORKBOOKS_DIR, Project
from ..texts import read_markdown
from .docx import DocWriter, add_line
from .markdown import language_parts
from .model import PlanSession, clock, kind_label, plan_table_blocks, training_plan, viewing_minutes
from .workbook import read_questions, workbook_name
from .writing import ES, FR, TITLES, cover, pair, project_writer


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
    rows = [[pair(f, e) for f, e in zip(PLAN_HEADERS[FR], PLAN_HEADERS[ES])], *_session_rows(session, FR)[1:]]
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

    w = project_writer(project, pair(TITLES["guide"]["fr"], TITLES["guide"]["es"]))
    cover(w, project, TITLES["guide"], [
        f"{training.hours:g} heures · {training.hours:g} horas — "
        f"{training.sessions} séances · {training.sessions} sesiones"])
    w.page_break()
    w.toc("Table des matières · Índice")
    w.page_break()

    w.heading(pair("Plan de la formation", "Plan de la formación"), 1)
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
            w.heading(pair(session.title_fr, session.title_es), 2)
            _bilingual_session_table(w, session)
    if len(plan.sessions) != training.sessions:
        notes.append(f"the guide plans {len(plan.sessions)} sessions, packager.toml says {training.sessions}")

    w.heading(pair("Utiliser chaque module", "Usar cada módulo"), 1)
    for module in project.modules:
        used_in = plan.sessions_of(module)
        themes_fr = ", ".join(s.title_fr for s in module.definition.sections) or "—"
        themes_es = ", ".join(s.title_es for s in module.definition.sections) or "—"
        questions = len(read_questions(module.questions_path(project.source_language)))
        minutes = viewing_minutes(module)
        w.heading(f"{module.order} — {pair(module.title(FR), module.title(ES))}", 2)
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
    language_parts(w, project, "guide.md", notes, replace, blocks=(fr_blocks, es_blocks))
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
    w.heading(pair("Liste du matériel", "Lista de material"), 1)
    rows = [["☐", "Français", "Español"]] + [["☐", fr, es] for fr, es in items]
    w.table(rows, widths=[0.8, 8, 8], languages=[None, FR, ES])
