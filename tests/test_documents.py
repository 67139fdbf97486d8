"""Documents: the texts contract (units, keys, write_target) and the four DOCX documents, opened with
python-docx and checked for structure; draft marks; caching; the plan check; one real PDF conversion.

Each test builds a small project in tmp_path (`make_project`): two modules (an enterprise with the nine
themes and two speakers, an interview), French and Spanish subtitles, questions, booklet, guide and
synthesis. Review states and the glossary are the real ones, written as translate and review write them.
"""

from __future__ import annotations

import json
import re
import shutil
import tomllib
import unicodedata
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from packager.cli import cli
from packager.config import ENTERPRISE_THEMES
from packager.documents.build import build_documents
from packager.documents.docx import DRAFT_MARK, DRAFT_NOTE, REVIEW_MARK, REVIEW_NOTE
from packager.documents.model import CARD_SECONDS, clock
from packager.errors import PackagerError
from packager.project import Project
from packager.subtitles.cues import Cue, write_srt
from packager.texts import format_markdown, parse_markdown, project_documents, read_units, write_target
from packager.timecode import format_timecode
from docx.oxml.ns import qn

THEMES = list(ENTERPRISE_THEMES)
ENTERPRISES = [f"ent-{c}" for c in "abcdef"]

PROJECT = """
[programme]
title_fr = "Programme d'essai"
title_es = "Programa de prueba"
slug = "programme-essai"
target_runtime_minutes = 30

[sample]
enabled = true

[training]
hours = 15
sessions = 5
break_minutes = 15
"""


def _module(order: int, module_id: str, kind: str, sections: str, speakers: str) -> str:
    return f"""
id = "{module_id}"
order = {order}
kind = "{kind}"
title_fr = "Titre {module_id}"
title_es = "Título {module_id}"
planned_minutes = [15, 20]
subtitles = "subtitles/fr/{module_id}.srt"
questions = "workbooks/fr/questions/{module_id}.toml"
{speakers}
{sections}
[[edits]]
source = "footage/{module_id}.mp4"
in = 0
out = 40
"""


def _speaker(sid: str, name: str, at: float) -> str:
    return (f'[[speakers]]\nid = "{sid}"\nname = "{name}"\nrole_fr = "Rôle {sid}"\nrole_es = "Rol {sid}"\n'
            f"first_appearance = {at}\n")


def _section(theme: str, at: float) -> str:
    fr, es = ENTERPRISE_THEMES.get(theme, (theme.capitalize(), theme.capitalize() + " (es)"))
    return f'[[sections]]\ntheme = "{theme}"\ntitle_fr = "{fr}"\ntitle_es = "{es}"\nstart = {at}\n'


# The enterprise: nine sections, 4 s each; the participant speaks from 21 s (inside "performance").
ENTERPRISE_CUES = [(s * 4 + 0.1 + k * 2, s * 4 + 1.9 + k * 2) for s in range(9) for k in range(2)]
SPEAKER_CHANGE = 21.0


def expected_passages() -> list[list[int]]:
    """Cue numbers (1-based) of each merged paragraph: one per section and speaker."""
    groups: list[list[int]] = []
    key = None
    for n, (start, _end) in enumerate(ENTERPRISE_CUES, start=1):
        k = (int(start // 4), start >= SPEAKER_CHANGE)
        if k != key:
            groups.append([])
            key = k
        groups[-1].append(n)
    return groups


BOOKLET_FR = """# Cahier d'introduction

Ce cahier situe les expériences. [À COMPLÉTER : histoire des entreprises d'insertion.]

## Les mesures

- Premier point;
- Deuxième point.

## Statistiques

| Situation | Part |
|---|---|
| Sans contraintes | 40,7 % |
| Contraintes temporaires | 25,7 % |
| Contraintes sévères | 33,6 % |

Source : Convention de performance, 2006.

| Indicateur | Valeur |
|---|---|
| Centres locaux d'emploi | 154 |

Source : Convention, 2006 (fichier 002).
"""

BOOKLET_ES = """# Cuaderno de introducción

Este cuaderno sitúa las experiencias. [A COMPLETAR: historia de las empresas de inserción.]

## Las medidas

- Primer punto;
- Segundo punto.

## Estadísticas

| Situación | Proporción |
|---|---|
| Sin restricciones | 40,7 % |
| Restricciones temporales | 25,7 % |
| Restricciones severas | 33,6 % |

Fuente: Convenio de desempeño, 2006.

| Indicador | Valor |
|---|---|
| Centros locales de empleo | 154 |

Fuente: Convenio, 2006 (archivo 002).
"""


def guide_text(lang: str, minutes: list[list[int]]) -> str:
    word = {"fr": ("Guide du formateur", "Séance", "Activité", "Minutes", "Visionnement", "Source : plan."),
            "es": ("Guía del formador", "Sesión", "Actividad", "Minutos", "Visionado", "Fuente: plan.")}[lang]
    parts = [f"# {word[0]}", "Texte d'ouverture." if lang == "fr" else "Texto de apertura."]
    for s, rows in enumerate(minutes, start=1):
        parts.append(f"### {word[1]} {s}")
        table = [f"| {word[2]} | Module | {word[3]} |", "|---|---|---|"]
        for r, value in enumerate(rows):
            module = "1 · Ent A" if (s, r) == (1, 0) else ("2 · Entrevue" if (s, r) == (2, 0) else "—")
            label = ("Pause" if lang == "fr" else "Pausa") if r == 1 else f"{word[4]} {r}"
            table.append(f"| {label} | {module} | {value} |")
        parts.append("\n".join(table))
        parts.append(word[5])
    return "\n\n".join(parts) + "\n"


PLAN = [[100, 15, 65]] * 5  # 5 × 180 = 900


def synthesis_text(lang: str) -> str:
    word = "Exemple" if lang == "fr" else "Ejemplo"
    lines = [f'title = "{"Analyse-synthèse" if lang == "fr" else "Análisis y síntesis"}"',
             f'intro = "{word} : introduction."', f'conclusion = "{word} : conclusion."', ""]
    for ent in ENTERPRISES:
        lines.append(f"[matrix.{ent}]")
        lines += [f'{theme} = "{word} {ent} {theme}"' for theme in THEMES]
        lines.append("")
    lines.append("[key_points]")
    lines.append(f'entrevue = ["{word} point 1", "{word} point 2"]')
    return "\n".join(lines) + "\n"


def questions_text(lang: str, n: int) -> str:
    word = "Question" if lang == "fr" else "Pregunta"
    return "".join(f'[[question]]\nsection = "{THEMES[i % 9]}"\ntext = "{word} numéro {i + 1} ?"\n\n' for i in range(n))


def make_project(root: Path) -> Project:
    (root / "modules").mkdir(parents=True)
    (root / "packager.toml").write_text(PROJECT, encoding="utf-8")
    sections = "".join(_section(t, i * 4.0) for i, t in enumerate(THEMES))
    speakers = _speaker("dir", "Directrice X", 0) + _speaker("par", "Participant Y", SPEAKER_CHANGE)
    (root / "modules" / "01-ent-a.toml").write_text(_module(1, "ent-a", "enterprise", sections, speakers), "utf-8")
    (root / "modules" / "02-entrevue.toml").write_text(
        _module(2, "entrevue", "interview", _section("debut", 0) + _section("suite", 6),
                _speaker("sm", "Sous-ministre Z", 0)), "utf-8")
    for lang in ("fr", "es"):
        word = "Phrase" if lang == "fr" else "Frase"
        cues = [Cue(n, a, b, f"{word} {n}\nsuite {n}.") for n, (a, b) in enumerate(ENTERPRISE_CUES, start=1)]
        write_srt(root / "subtitles" / lang / "ent-a.srt", cues)
        write_srt(root / "subtitles" / lang / "entrevue.srt",
                  [Cue(n, n * 2.0, n * 2.0 + 1.5, f"{word} entrevue {n}.") for n in range(1, 6)])
        questions = root / "workbooks" / lang / "questions"
        questions.mkdir(parents=True)
        (questions / "ent-a.toml").write_text(questions_text(lang, 4), "utf-8")
        (questions / "entrevue.toml").write_text(questions_text(lang, 2), "utf-8")
        (root / "workbooks" / lang / "booklet.md").write_text(BOOKLET_FR if lang == "fr" else BOOKLET_ES, "utf-8")
        (root / "workbooks" / lang / "guide.md").write_text(guide_text(lang, PLAN), "utf-8")
        (root / "workbooks" / lang / "synthesis.toml").write_text(synthesis_text(lang), "utf-8")
    return Project.load(root)


@pytest.fixture
def project(tmp_path) -> Project:
    return make_project(tmp_path / "proj")


def built(project: Project, name: str) -> docx.document.Document:
    return docx.Document(str(project.dist_dir / "documents" / name))


def all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def headings(document, level: int | None = None) -> list[str]:
    names = {f"Heading {level}"} if level else {"Heading 1", "Heading 2", "Heading 3"}
    return [p.text for p in document.paragraphs if p.style.name in names]


def transcript_rows(document) -> list[tuple[str, str, str]]:
    rows = []
    for table in document.tables:
        if len(table.columns) == 3 and table.rows[0].cells[1].text == "Français":
            rows += [(r.cells[0].paragraphs[0].text, r.cells[1].text, r.cells[2].text) for r in table.rows[1:]]
    return rows


@pytest.fixture
def set_states(project):
    """set_states(target_path, {key: state}): records those review states in the target's real sidecar
    (packager.review.states), with the hashes of the texts as they are now, as translate/review would."""
    from packager.review import states
    from packager.subtitles.cues import read_srt
    from packager.texts import project_documents

    def unit_texts(target: Path, project: Project) -> tuple[dict[str, str], dict[str, str]]:
        for module in project.modules:
            if module.subtitle_path(project.target_language) == target:
                def numbered(path):
                    return {str(n): cue.text for n, cue in enumerate(read_srt(path), start=1)}
                return numbered(module.subtitle_path(project.source_language)), numbered(target)
        document = next(d for d in project_documents(project) if d.target_path == target)
        return read_units(document.source_path), read_units(target)

    def set_states_(target: Path, units: dict[str, str], of: Project = project) -> None:
        source, translated = unit_texts(target, of)
        state_file = states.StateFile.load(target)
        state_file.units = {key: states.UnitState(state=state, source_hash=states.text_hash(source[key]),
                                                  target_hash=states.text_hash(translated[key]),
                                                  machine="argos", who=None, when=None, comment=None)
                            for key, state in units.items()}
        state_file.save()

    return set_states_


# ---------------------------------------------------------------------------------------------- texts


def test_markdown_blocks_units_and_round_trip(tmp_path):
    blocks = parse_markdown(BOOKLET_FR)
    assert [b.kind for b in blocks] == ["heading", "paragraph", "heading", "list", "heading", "table", "source",
                                        "table", "source"]
    assert blocks[5].rows[1] == ["Sans contraintes", "40,7 %"]
    keys = [u.key for b in blocks for u in b.units()]
    assert keys[:5] == ["b001", "b002", "b003", "b004.i1", "b004.i2"]
    assert "b006.r2.c2" in keys and "b007" in keys
    assert format_markdown(blocks) == BOOKLET_FR
    with pytest.raises(PackagerError, match="separator"):
        parse_markdown("| a | b |\n| c | d |\n", tmp_path / "x.md")


def test_project_documents_keys_and_write_target(project):
    docs = {d.doc_id: d for d in project_documents(project)}
    assert list(docs) == ["questions/ent-a", "questions/entrevue", "booklet", "guide", "synthesis"]
    synthesis = docs["synthesis"]
    keys = [u.key for u in synthesis.units]
    assert keys[:3] == ["title", "intro", "conclusion"]
    assert "matrix.ent-c.financement" in keys and keys[-1] == "key_points.entrevue.2"
    assert [u.key for u in docs["questions/ent-a"].units] == [f"question.{i}.text" for i in range(1, 5)]

    # Rewriting a target: given keys change, others keep the source text, the structure follows the source.
    booklet = docs["booklet"]
    write_target(booklet, {"b001": "Nuevo título", "b006.r2.c1": "Sin | barreras"})
    units = read_units(booklet.target_path)
    assert units["b001"] == "Nuevo título" and units["b006.r2.c1"] == "Sin | barreras"
    assert units["b002"] == read_units(booklet.source_path)["b002"]
    assert list(units) == [u.key for u in booklet.units]
    write_target(synthesis, {"matrix.ent-a.histoire": 'Con "comillas" \\ y barra'})
    data = tomllib.loads(synthesis.target_path.read_text("utf-8"))
    assert data["matrix"]["ent-a"]["histoire"] == 'Con "comillas" \\ y barra'
    assert data["key_points"]["entrevue"] == ["Exemple point 1", "Exemple point 2"]
    questions = docs["questions/ent-a"]
    write_target(questions, {"question.2.text": "¿Otra?"})
    data = tomllib.loads(questions.target_path.read_text("utf-8"))
    assert [q["section"] for q in data["question"]] == [THEMES[i] for i in range(4)]
    assert data["question"][1]["text"] == "¿Otra?"


# ---------------------------------------------------------------------------------------------- documents


def test_workbook_structure(project):
    result = build_documents(project, pdf=False)
    names = [d["file"] for d in result.documents]
    assert names == ["cahier-01-ent-a.docx", "cahier-02-entrevue.docx", "introduction.docx",
                     "analyse-synthese.docx", "guide-formateur.docx"]
    manifest = json.loads((project.dist_dir / "documents" / "manifest.json").read_text("utf-8"))
    entry = manifest["documents"][0]
    assert entry["kind"] == "workbook" and entry["module"] == "ent-a" and entry["pdf"] is None
    assert set(entry["title"]) == {"fr", "es"}

    document = built(project, "cahier-01-ent-a.docx")
    styles = {p.style.name for p in document.paragraphs}
    assert {"Title", "Heading 1", "Heading 2", "Heading 3"} <= styles
    assert headings(document, 1)[:2] == ["Comment utiliser ce cahier · Cómo usar este cuaderno",
                                         "Plan du module · Estructura del módulo"]
    assert document.sections[0].header.paragraphs[0].text.startswith("Cahier 01 · Cuaderno 01 — Titre ent-a")
    footer_xml = document.sections[0].footer._element.xml
    assert "PAGE" in footer_xml and "NUMPAGES" in footer_xml
    # Every table row stays on one page; header rows repeat.
    assert all(row._tr.trPr is not None and row._tr.trPr.find(qn("w:cantSplit")) is not None
               for table in document.tables for row in table.rows)
    body = document.element.body.xml
    assert "TOC \\o" in body
    assert 'w:updateFields w:val="true"' in document.settings.element.xml

    # The outline: the nine themes, each at its time on the rendered video (footage + opening card).
    outline = next(t for t in document.tables if t.rows[0].cells[0].text == "N°")
    assert [r.cells[1].text for r in outline.rows[1:]] == [fr for fr, _es in ENTERPRISE_THEMES.values()]
    assert [r.cells[3].text for r in outline.rows[1:]] == [format_timecode(i * 4 + CARD_SECONDS) for i in range(9)]

    # The transcript: one row per merged paragraph (speaker × section), in order, both languages.
    rows = transcript_rows(document)
    groups = expected_passages()
    assert len(rows) == len(groups) == 10
    for (time, fr, es), cues in zip(rows, groups):
        assert time == format_timecode(ENTERPRISE_CUES[cues[0] - 1][0] + CARD_SECONDS)
        assert fr == " ".join(f"Phrase {n} suite {n}." for n in cues)
        assert es == " ".join(f"Frase {n} suite {n}." for n in cues)
    speaker_cells = [t.rows[r].cells[0].text for t in document.tables if len(t.columns) == 3
                     and t.rows[0].cells[1].text == "Français" for r in range(1, len(t.rows))]
    assert "Participant Y" in speaker_cells[-1] and "Directrice X" in speaker_cells[0]

    # Every question in both languages, each with a frame to write in.
    text = all_text(document)
    for i in range(1, 5):
        assert f"Question numéro {i} ?" in text and f"Pregunta numéro {i} ?" in text
    assert len([h for h in headings(document, 3) if h.startswith("Question")]) == 4
    frames = [t for t in document.tables if len(t.columns) == 1 and t.style.name == "Table Grid"]
    assert len(frames) == 4 and all(len(f.rows[0].cells[0].paragraphs) >= 5 for f in frames)
    # Each question is heading, French, Spanish, then its frame: the texts keep with the frame.
    body = list(document.element.body.iterchildren())
    for frame in frames:
        i = body.index(frame._tbl)
        before = [docx.text.paragraph.Paragraph(body[j], document) for j in (i - 3, i - 2, i - 1)]
        assert [p.style.name for p in before] == ["Heading 3", "Question", "Question Spanish"]
        assert all(p.style.paragraph_format.keep_with_next for p in before[1:])
    assert DRAFT_MARK not in text  # no review states: nothing is marked


def test_booklet_synthesis_and_guide(project):
    build_documents(project, pdf=False)
    booklet = built(project, "introduction.docx")
    h1 = headings(booklet, 1)
    assert "Cahier d'introduction" in h1 and "Cuaderno de introducción" in h1
    # The statistics tables are real tables, each followed by its source line, in both languages.
    body = list(booklet.element.body.iterchildren())
    tables = [i for i, el in enumerate(body) if el.tag.endswith("}tbl")]
    assert len(tables) == 4
    for i in tables:
        following = docx.text.paragraph.Paragraph(body[i + 1], booklet)
        assert following.style.name == "Source"
        assert following.text.startswith(("Source :", "Fuente:"))
    stats = booklet.tables[0]
    assert [c.text for c in stats.rows[1].cells] == ["Sans contraintes", "40,7 %"]
    assert [c.text for c in booklet.tables[2].rows[3].cells] == ["Restricciones severas", "33,6 %"]
    placeholders = [r for p in booklet.paragraphs for r in p.runs if r.style.name == "Placeholder"]
    assert len(placeholders) == 2

    synthesis = built(project, "analyse-synthese.docx")
    matrix = next(t for t in synthesis.tables if t.rows[0].cells[0].text == "Thème · Tema")
    assert len(matrix.rows) == 1 + 9 and len(matrix.columns) == 1 + 6
    for r, theme in enumerate(THEMES, start=1):
        for c, ent in enumerate(ENTERPRISES, start=1):
            cell = matrix.rows[r].cells[c]
            assert [p.text for p in cell.paragraphs] == [f"Exemple {ent} {theme}", f"Ejemplo {ent} {theme}"]
    assert matrix.rows[0].cells[1].text == "Titre ent-a\nTítulo ent-a"
    text = all_text(synthesis)
    for word in ("Exemple", "Ejemplo"):
        assert f"{word} point 2" in text and f"{word} : conclusion." in text

    guide = built(project, "guide-formateur.docx")
    plan = next(t for t in guide.tables if t.rows[0].cells[0].text == "Séance · Sesión")
    minutes = [int(r.cells[3].text) for r in plan.rows[1:-1]]
    assert minutes == [180] * 5 and plan.rows[-1].cells[3].text == "900"
    assert plan.rows[1].cells[0].text == "Séance 1\nSesión 1"
    assert [r.cells[1].text for r in plan.rows[1:-1]] == ["1", "2", "—", "—", "—"]
    assert "Titre ent-a" in " ".join(headings(guide, 2))
    assert "Séance(s) : Séance 1." in all_text(guide)
    assert {"Guide du formateur", "Guía del formador"} <= set(headings(guide, 1))
    # The guide's typed session tables are replaced by computed ones, in each language.
    for word, header in (("Séance", ["Début", "Activité", "Module", "Minutes"]),
                         ("Sesión", ["Inicio", "Actividad", "Módulo", "Minutos"])):
        sessions = session_tables(guide, header)
        assert len(sessions) == 5
        for rows in sessions:
            assert sum(int(r[3]) for r in rows[:-1]) == 180 and rows[-1][1:] == ["Total", "", "180"]
        first = sessions[0]
        # Viewing module 1 takes its real duration (40 s of sample footage = 20 planned minutes), the
        # typed 100 minutes notwithstanding; the break comes from packager.toml; the rest fills the session.
        assert first[0][1:] == [("Visionnement 0" if word == "Séance" else "Visionado 0"),
                                "1 · Ent A", "20"] and first[0][0] == "0:00"
        assert [r[1] for r in first if r[1] in ("Pause", "Pausa")] and \
            [r[3] for r in first if r[1] in ("Pause", "Pausa")] == ["15"]
        assert [r[0] for r in first[:3]] == ["0:00", "0:20", clock(20 + int(first[1][3]))]
    checklist = next(t for t in guide.tables if t.rows[0].cells[0].text == "☐")
    assert "cahier-01-ent-a.pdf" in checklist.rows[4].cells[1].text
    assert headings(guide, 1)[-1] == "Liste du matériel · Lista de material"


def session_tables(document, header: list[str]) -> list[list[list[str]]]:
    """The computed session tables of the guide in one language (rows without the header)."""
    return [[[c.text for c in r.cells] for r in t.rows[1:]] for t in document.tables
            if [c.text for c in t.rows[0].cells] == header]


def test_plan_shortens_what_does_not_fit_and_still_sums_to_the_hours(project):
    # Module 1 runs 150 planned minutes (300 s of sample footage): with a break, session 1's other
    # activities get only what is left of 180 minutes, and the plan says what it shortened.
    definition = project.root / "modules" / "01-ent-a.toml"
    definition.write_text(definition.read_text("utf-8").replace("out = 40", "out = 300"), "utf-8")
    result = build_documents(Project.load(project.root), pdf=False)
    notes = result.notes["guide-formateur.docx"]
    assert notes == ["Séance 1: shortened to fit 180 min — « Visionnement 2 » : 65 → 15 min"]
    guide = built(project, "guide-formateur.docx")
    first = session_tables(guide, ["Début", "Activité", "Module", "Minutes"])[0]
    assert [r[3] for r in first] == ["150", "15", "15", "180"]
    text = [p.text for p in guide.paragraphs]
    assert any(t.startswith("Séance 1 : raccourcie pour tenir en 180 min") for t in text)
    assert any(t.startswith("Sesión 1: acortada para caber en 180 min") for t in text)

    # 200 minutes cannot fit in 180: the break goes, then the viewing is cut to chapters.
    definition.write_text(definition.read_text("utf-8").replace("out = 300", "out = 400"), "utf-8")
    result = build_documents(Project.load(project.root), pdf=False)
    assert result.notes["guide-formateur.docx"] == [
        "Séance 1: shortened to fit 180 min — pause : 15 → 0 min; visionnement du module 1 (chapitres choisis) : "
        "200 → 175 min; « Visionnement 2 » : 65 → 5 min"]
    guide = built(project, "guide-formateur.docx")
    text = [p.text for p in guide.paragraphs]
    assert any("pausa: 15 → 0 min" in t for t in text)  # Spanish punctuation in the Spanish part
    sessions = session_tables(guide, ["Début", "Activité", "Module", "Minutes"])
    assert [int(rows[-1][3]) for rows in sessions] == [180] * 5


def test_plan_follows_the_project_file(project):
    # Six sessions in packager.toml, five tables in the guide: the plan is laid out from the modules.
    config = project.root / "packager.toml"
    config.write_text(config.read_text("utf-8").replace("sessions = 5", "sessions = 6").replace("hours = 15", "hours = 12"),
                      "utf-8")
    loaded = Project.load(project.root)
    result = build_documents(loaded, pdf=False)
    assert result.notes["guide-formateur.docx"] == [
        "the guide has 5 session table(s), packager.toml asks for 6 sessions: the plan was laid out from the modules"]
    guide = built(project, "guide-formateur.docx")
    plan = next(t for t in guide.tables if t.rows[0].cells[0].text == "Séance · Sesión")
    assert [int(r.cells[3].text) for r in plan.rows[1:-1]] == [120] * 6 and plan.rows[-1].cells[3].text == "720"
    sessions = session_tables(guide, ["Début · Inicio", "Activité · Actividad", "Module · Módulo", "Minutes · Minutos"])
    assert len(sessions) == 6
    viewings = [r for rows in sessions for r in rows if r[1].startswith("Visionnement")]
    assert [(r[2].split(" · ")[0], r[3]) for r in viewings] == [("1", "20"), ("2", "20")]
    assert sessions[0][0][1].startswith("Accueil") and sessions[-1][-2][1].startswith("Évaluation")
    assert all(any(r[1].startswith("Pause") for r in rows) for rows in sessions)


def test_plan_minutes_must_be_numbers_and_name_the_file(project):
    path = project.root / "workbooks" / "fr" / "guide.md"
    path.write_text(guide_text("fr", [[100, 15, 65]] * 4 + [[100, 15, 60]]).replace("| 60 |", "| une heure |"),
                    "utf-8")
    with pytest.raises(PackagerError) as caught:
        build_documents(project, pdf=False)
    assert caught.value.path == path and "'une heure' is not a whole number" in caught.value.message
    assert (project.dist_dir / "documents" / "cahier-01-ent-a.docx").is_file()  # the others are written
    result = CliRunner().invoke(cli, ["-C", str(project.root), "docs", "--no-pdf"])
    assert result.exit_code == 2 and "guide.md" in result.output and "une heure" in result.output


def test_draft_marks_appear_and_go_when_approved(project, set_states):
    srt = project.modules[0].subtitle_path("es")
    questions = project.modules[0].questions_path("es")
    booklet_es = project.root / "workbooks" / "es" / "booklet.md"
    set_states(srt, {"3": "draft"})
    set_states(questions, {"question.2.text": "needs-review"})
    set_states(booklet_es, {"b006.r3.c1": "draft"})
    result = build_documents(project, pdf=False)
    workbook = built(project, "cahier-01-ent-a.docx")
    rows = transcript_rows(workbook)
    marked = [i for i, (_t, _fr, es) in enumerate(rows) if es.startswith(DRAFT_MARK)]
    assert marked == [1]  # cue 3 opens the second paragraph
    assert DRAFT_NOTE in [p.text for p in workbook.paragraphs]
    paragraphs = [p.text for p in workbook.paragraphs]
    # A person's translation whose French changed is to review, not an unreviewed machine draft.
    assert f"{REVIEW_MARK} Pregunta numéro 2 ?" in paragraphs
    assert f"{DRAFT_MARK} Pregunta numéro 2 ?" not in paragraphs
    questions_at = next(i for i, p in enumerate(workbook.paragraphs) if p.style.name == "Heading 1"
                        and p.text == "Questions de réflexion · Preguntas de reflexión")
    assert paragraphs[questions_at + 1] == REVIEW_NOTE  # the section says what it holds
    mark_runs = [r for p in workbook.paragraphs for r in p.runs if r.text in (DRAFT_MARK, REVIEW_MARK)]
    assert mark_runs and all(r.style.name == "Draft Mark" for r in mark_runs)
    assert "1 draft cue(s)" in result.notes["cahier-01-ent-a.docx"]
    booklet = built(project, "introduction.docx")
    assert booklet.tables[2].rows[2].cells[0].text == f"{DRAFT_MARK} Restricciones temporales"
    assert booklet.tables[0].rows[2].cells[0].text == "Contraintes temporaires"  # French is never marked

    set_states(srt, {"3": "approved"})
    set_states(questions, {})
    set_states(booklet_es, {"b006.r3.c1": "approved"})
    result = build_documents(project, pdf=False)
    assert "cahier-01-ent-a.docx" in result.built
    for name in ("cahier-01-ent-a.docx", "introduction.docx"):
        text = all_text(built(project, name))
        assert DRAFT_MARK not in text and DRAFT_NOTE not in text
        assert REVIEW_MARK not in text and REVIEW_NOTE not in text


def test_draft_mark_with_the_real_review_states(project):
    from packager.review import states
    target = project.modules[0].subtitle_path("es")
    from packager.subtitles.cues import read_srt

    source, cues = read_srt(project.modules[0].subtitle_path("fr")), read_srt(target)
    state_file = states.StateFile.load(target)
    state_file.units["3"] = states.UnitState(state="draft", source_hash=states.text_hash(source[2].text),
                                             target_hash=states.text_hash(cues[2].text), machine="argos",
                                             who=None, when=None, comment=None)
    state_file.save()
    build_documents(project, pdf=False)
    assert DRAFT_MARK in all_text(built(project, "cahier-01-ent-a.docx"))
    state_file = states.StateFile.load(target)
    state_file.units["3"] = states.UnitState(state="approved", source_hash=states.text_hash(source[2].text),
                                             target_hash=states.text_hash(cues[2].text), machine="argos",
                                             who="test", when=None, comment=None)
    state_file.save()
    build_documents(project, pdf=False)
    assert DRAFT_MARK not in all_text(built(project, "cahier-01-ent-a.docx"))


def test_glossary_terms_of_the_module(project):
    # Whole words only (the acronym UIT is not in « suite »), plurals and section titles count.
    (project.root / "glossary.toml").write_text(
        '[[term]]\nfr = "Phrase 5"\nes = "Frase 5"\nnote_fr = "note"\nnote_es = "nota"\n\n'
        '[[term]]\nfr = "absent"\nes = "ausente"\n\n'
        '[[term]]\nfr = "UIT"\nes = "UIT"\nkeep = true\n\n'
        '[[term]]\nfr = "rapport avec l\'entreprise privée"\nes = "relación con la empresa privada"\n', encoding="utf-8")
    build_documents(project, pdf=False)
    document = built(project, "cahier-01-ent-a.docx")
    assert "Glossaire · Glosario" in headings(document, 1)
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Français" and len(t.columns) == 3
                 and t.style.name != "Table Grid")
    assert [[c.text for c in r.cells] for r in table.rows[1:]] == [
        ["Phrase 5", "Frase 5", "note · nota"],
        ["rapport avec l'entreprise privée", "relación con la empresa privada", ""]]


def test_long_turns_are_cut_into_paragraphs_at_sentence_ends(project):
    # The interview: cues 1–2 in « debut », 3–5 in « suite », one speaker; cues of ~350 characters.
    long = "Une phrase assez longue pour remplir la ligne, " * 7
    for lang in ("fr", "es"):
        cues = [Cue(n, n * 2.0, n * 2.0 + 1.5, f"{long}{n}.") for n in range(1, 6)]
        write_srt(project.root / "subtitles" / lang / "entrevue.srt", cues)
    build_documents(project, pdf=False)
    rows = transcript_rows(built(project, "cahier-02-entrevue.docx"))
    assert [r[1].count(long.strip()) for r in rows] == [2, 2, 1]
    assert [r[0] for r in rows] == [format_timecode(t + CARD_SECONDS) for t in (2.0, 6.0, 10.0)]


def test_unchanged_inputs_are_reused_and_missing_transcript_is_reported(project):
    first = build_documents(project, pdf=False)
    assert len(first.built) == 5
    again = build_documents(project, pdf=False)
    assert again.built == [] and len(again.reused) == 5
    path = project.root / "subtitles" / "es" / "entrevue.srt"
    path.write_text(path.read_text("utf-8").replace("Frase entrevue 2.", "Frase corregida."), "utf-8")
    third = build_documents(project, pdf=False)
    assert third.built == ["cahier-02-entrevue.docx"]
    assert "Frase corregida." in all_text(built(project, "cahier-02-entrevue.docx"))

    (project.root / "subtitles" / "fr" / "entrevue.srt").unlink()
    result = build_documents(project, pdf=False)
    assert any("transcript missing" in n for n in result.notes["cahier-02-entrevue.docx"])
    manifest = json.loads((project.dist_dir / "documents" / "manifest.json").read_text("utf-8"))
    entry = next(e for e in manifest["documents"] if e["module"] == "entrevue")
    assert any("transcript missing" in n for n in entry["notes"])
    assert transcript_rows(built(project, "cahier-02-entrevue.docx")) == []


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_pdf_conversion_and_docs_command(project):
    result = CliRunner().invoke(cli, ["-C", str(project.root), "docs"])
    assert result.exit_code == 0, result.output
    out = project.dist_dir / "documents"
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert all(e["pdf"] == e["file"].replace(".docx", ".pdf") for e in manifest["documents"])
    for entry in manifest["documents"]:
        data = (out / entry["pdf"]).read_bytes()
        assert data.startswith(b"%PDF") and len(data) > 5000
    assert "(5 written, 0 unchanged; 5 PDF)" in " ".join(result.output.split())
    again = CliRunner().invoke(cli, ["-C", str(project.root), "docs"])
    assert "(0 written, 5 unchanged; 5 PDF)" in " ".join(again.output.split())
    assert "converted" not in again.output
    # Every table of contents gives each heading the page it is printed on (LibreOffice leaves the
    # TOC field as written; packager numbers it from the PDF and converts again).
    for entry in manifest["documents"]:
        numbered = pdf_toc(out / entry["pdf"])
        assert len(numbered) >= 2, entry["pdf"]
        pages = [squeezed(page.extract_text()) for page in PdfReader(str(out / entry["pdf"])).pages]
        toc_page = next(n for n, text in enumerate(pages, start=1) if squeezed("Table des matières") in text)
        for heading, page in numbered:
            assert page > toc_page and heading in pages[page - 1], (entry["pdf"], heading, page)
        assert [page for _, page in numbered] == sorted(page for _, page in numbered)
    docx_toc = [p.text for p in built(project, manifest["documents"][0]["file"]).paragraphs
                if p.style.name.startswith("toc ")]
    assert docx_toc and all(re.search(r"\t\d+$", line) for line in docx_toc)  # Word shows the same


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


def pdf_toc(pdf: Path) -> list[tuple[str, int]]:
    """(heading, page) of each line of a PDF's table of contents: "heading ....... 12", a heading that
    wraps joined to its next line."""
    for page in PdfReader(str(pdf)).pages:
        text = page.extract_text()
        if "Table des matières" not in text:
            continue
        entries, pending = [], ""
        for line in text.splitlines():
            match = re.match(r"^(.*?)\.{4,}\s*(\d+)$", line.strip())
            if match:
                entries.append((squeezed(pending + match.group(1)), int(match.group(2))))
                pending = ""
            elif entries or "Table des matières" not in line:
                pending += line
            if "Table des matières" in line:
                pending = ""
        return entries
    return []


def test_without_libreoffice_pdfs_are_skipped_with_one_note(project, monkeypatch):
    import io

    from rich.console import Console

    import packager.documents.pdf as pdf

    monkeypatch.setattr(pdf, "find_soffice", lambda: None)
    console = Console(file=io.StringIO(), width=200)
    result = build_documents(project, pdf=True, console=console)
    output = console.file.getvalue()
    assert result.pdf_skipped == "LibreOffice (soffice) not found"
    assert output.count("PDFs skipped") == 1 and "apt-get install libreoffice-writer" in output
    assert all(entry["pdf"] is None for entry in result.documents)
    assert not list((project.dist_dir / "documents").glob("*.pdf"))


def test_paper_size_follows_the_project_file(project):
    """Letter for Québec by default; `[documents] paper = "a4"` for Buenos Aires, every page and document."""
    from docx.shared import Inches, Mm

    build_documents(project, pdf=False)
    assert built(project, "introduction.docx").sections[0].page_width == Inches(8.5)
    config = project.root / "packager.toml"
    config.write_text(config.read_text("utf-8") + '\n[documents]\npaper = "a4"\n', "utf-8")
    result = build_documents(Project.load(project.root), pdf=False)
    assert set(result.built) == {p.name for p in (project.dist_dir / "documents").glob("*.docx")}  # all rebuilt
    for name in result.built:
        for section in built(project, name).sections:
            size = sorted(round(x / Mm(1)) for x in (section.page_width, section.page_height))  # stored in twips
            assert size == [210, 297], name


def test_a_reversed_pair_names_its_languages_and_marks_drafts_in_the_target(project, set_states):
    """A partner's Spanish video with French subtitles (es→fr): the same files, the pair swapped."""
    root = project.root
    (root / "packager.toml").write_text(PROJECT.replace('slug = "programme-essai"\n', 'slug = "programme-essai"\n'
                                                        'source_language = "es"\ntarget_language = "fr"\n'), "utf-8")
    for path in (root / "modules").glob("*.toml"):
        path.write_text(path.read_text("utf-8").replace('"subtitles/fr/', '"subtitles/es/')
                        .replace('"workbooks/fr/questions/', '"workbooks/es/questions/'), "utf-8")
    reversed_project = Project.load(root)
    assert (reversed_project.source_language, reversed_project.target_language) == ("es", "fr")
    set_states(reversed_project.modules[0].subtitle_path("fr"), {"3": "draft"}, reversed_project)
    set_states(root / "workbooks" / "fr" / "synthesis.toml", {"intro": "draft"}, reversed_project)
    (root / "workbooks" / "fr" / "questions" / "entrevue.toml").unlink()
    result = build_documents(reversed_project, pdf=False)

    workbook = built(reversed_project, "cahier-01-ent-a.docx")
    transcript = [t for t in workbook.tables if len(t.columns) == 3 and t.rows[0].cells[0].text == "Temps · Tiempo"]
    assert transcript and all([c.text for c in t.rows[0].cells] == ["Temps · Tiempo", "Español", "Français"]
                              for t in transcript)
    rows = [(r.cells[1].text, r.cells[2].text) for t in transcript for r in t.rows[1:]]
    assert rows[0][0].startswith("Frase 1") and rows[0][1].startswith("Phrase 1")  # source first, under its name
    assert [i for i, (_es, fr) in enumerate(rows) if fr.startswith("[BROUILLON] ")] == [1]
    paragraphs = [p.text for p in workbook.paragraphs]
    assert "BROUILLON — traduction automatique non révisée" in paragraphs
    assert any("Le texte de la vidéo suit, en espagnol et en français;" in p for p in paragraphs)
    assert any("Sigue el texto del video, en español y en francés;" in p for p in paragraphs)
    text = all_text(workbook)
    assert "BORRADOR" not in text and DRAFT_MARK not in text

    interview = built(reversed_project, "cahier-02-entrevue.docx")
    assert "[SANS TRADUCTION]" in [p.text for p in interview.paragraphs]
    assert "French questions missing" in result.notes["cahier-02-entrevue.docx"]

    synthesis = all_text(built(reversed_project, "analyse-synthese.docx"))
    assert "chaque case donne le texte espagnol, puis le français en bleu." in synthesis
    assert "cada casilla da el texto español y luego el francés en azul." in synthesis
    assert "[BROUILLON] " in synthesis and "BORRADOR" not in synthesis

    guide = built(reversed_project, "guide-formateur.docx")
    french = session_tables(guide, ["Début", "Activité", "Module", "Minutes"])
    spanish = session_tables(guide, ["Inicio", "Actividad", "Módulo", "Minutos"])
    assert len(french) == len(spanish) == 5  # each session, in the Spanish source and in the French target
    assert [row[1] for row in spanish[0][:2]] == ["Visionado 0", "Pausa"]
    assert [row[1] for row in french[0][:2]] == ["Visionnement 0", "Pause"]
