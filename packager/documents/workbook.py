"""The module workbook (cahier-NN-<id>.docx): one per module, for the participants.

Cover and speakers, how to use it, the module's outline with video times, the transcript side by side
(source, then target, draft cues marked), the reflection questions with space to answer, and the
glossary terms that occur in the module. Its file name and reading of the questions are also used by
the trainer's guide and by `build`.
"""

from __future__ import annotations

from pathlib import Path

from ..project import Module, Project
from ..timecode import format_timecode
from .docx import DocWriter, add_line, add_run
from .model import CARD_SECONDS, Reviewer, kind_label, outline, theme_title, transcript
from .writing import ENGLISH_NAMES, ES, FR, IN_LANGUAGE, NATIVE_NAMES, cover, pair, project_writer, timecode_or_dash


def workbook_name(module: Module) -> str:
    return f"cahier-{module.order:02d}-{module.id}.docx"


def workbook_title(module: Module) -> dict[str, str]:
    return {"fr": f"Cahier de formation {module.order:02d} — {module.title(FR)}",
            "es": f"Cuaderno de formación {module.order:02d} — {module.title(ES)}"}


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


def read_questions(path: Path | None) -> list[dict]:
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
    w = project_writer(project, f"Cahier {module.order:02d} · Cuaderno {module.order:02d} — {module.title(FR)}")
    duration = module.footage_seconds + 2 * CARD_SECONDS
    cover(w, project, {"fr": module.title(FR), "es": module.title(ES)}, [
        pair(f"Module {module.order}", f"Módulo {module.order}") + " — " + pair(kind_label(module.kind, FR),
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

    w.heading(pair("Comment utiliser ce cahier", "Cómo usar este cuaderno"), 1)
    w.paragraph(how_to(FR, src, dst))
    w.paragraph(how_to(ES, src, dst), "Spanish Text")

    w.heading(pair("Plan du module", "Estructura del módulo"), 1)
    w.paragraph("Les temps sont ceux de la vidéo du module (carton d'ouverture compris). · "
                "Los tiempos son los del video del módulo (incluida la placa de apertura).")
    parts = outline(module)
    if parts:
        rows = [["N°", "Thème", "Tema", "Temps · Tiempo"]]
        rows += [[str(i), fr, es, timecode_or_dash(t)] for i, (_theme, fr, es, t) in enumerate(parts, start=1)]
        w.table(rows, widths=[1.2, 6, 6, 2.8], languages=[None, FR, ES, None])

    w.heading(pair("Texte de la vidéo", "Texto del video"), 1)
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
                start = timecode_or_dash(section.start + CARD_SECONDS)
                w.heading(f"{start} — {pair(section.title_fr, section.title_es)}", 2)
            if any(p.draft for p in group):
                w.draft_note([p.draft for p in group])
            rows = [["Temps · Tiempo", NATIVE_NAMES[src], NATIVE_NAMES[dst]]]
            rows += [[timecode_or_dash(p.start), p.text_fr, p.text_es] for p in group]
            drafts = [[""] * 3] + [["", "", p.draft] for p in group]
            table = w.table(rows, style="Table Grid", drafts=drafts, widths=[2.6, 7.2, 7.2],
                            languages=[None, src, dst])
            for r, passage in enumerate(group, start=1):
                if passage.speaker is not None:
                    add_line(table.cell(r, 0), passage.speaker.name, "Speaker")
                if passage.missing and not passage.text_es:
                    add_run(table.cell(r, 2).paragraphs[0], w.missing_mark, "Draft Mark")

    source_questions = read_questions(module.questions_path(project.source_language))
    if source_questions:
        target_path = module.questions_path(project.target_language)
        target_questions = read_questions(target_path)
        reviewer = Reviewer(target_path if target_questions else None)
        if not target_questions:
            notes.append(f"{ENGLISH_NAMES[dst]} questions missing")
        w.heading(pair("Questions de réflexion", "Preguntas de reflexión"), 1)
        question_marks = [reviewer.is_draft(f"question.{i}.text", q["text"], target_questions[i - 1]["text"])
                          for i, q in enumerate(source_questions, start=1) if i <= len(target_questions)]
        if any(question_marks):
            w.draft_note(question_marks)
        for i, question in enumerate(source_questions, start=1):
            theme = question.get("section", "")
            label = pair(f"Question {i}", f"Pregunta {i}")
            if theme:
                label += f" — {pair(theme_title(module, theme, FR), theme_title(module, theme, ES))}"
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
        w.heading(pair("Glossaire", "Glosario"), 1)
        rows = [[NATIVE_NAMES[src], NATIVE_NAMES[dst], "Note · Nota"]]
        for term in terms:
            note = " · ".join(n for n in (term.note_fr, term.note_es) if n)
            rows.append([getattr(term, src), getattr(term, dst), note])  # as written (a kept term: no es)
        w.table(rows, widths=[5, 5, 7], languages=[src, dst, None])
    return w, notes
