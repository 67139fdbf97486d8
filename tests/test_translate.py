"""`packager translate`: offline drafts with the real argostranslate packages (tiny, built here).

The tiny model's output is gibberish by design: the tests assert structure (cue count, timing),
review states, memory reuse (zero model calls on a re-run), glossary restoration and that people's
text survives, never wording. Every packager run is a fresh subprocess (argostranslate reads its
settings at import) under a network guard, and under `unshare -n` where the machine allows it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from argos_tiny import build_tiny_argos_package  # noqa: E402
from test_argos_tiny import NETWORK_GUARD, _offline_env, _unshare_prefix  # noqa: E402

from packager.glossary import Glossary, Term, load_glossary  # noqa: E402
from packager.review.states import STATES, StateFile, UnitState, effective_state, text_hash  # noqa: E402
from packager.subtitles.cues import read_srt  # noqa: E402
from packager.translation.sentences import distribute, group_cues, protect, split_sentences  # noqa: E402

RUN_CLI = "import sys\nfrom packager.cli import cli\nsys.exit(cli.main(args=sys.argv[1:], prog_name='packager'))\n"

SOURCE_SRT = textwrap.dedent("""\
    1
    00:00:00,500 --> 00:00:02,000
    Bonjour à tous.

    2
    00:00:02,100 --> 00:00:04,000
    Le Collectif des entreprises d'insertion du Québec

    3
    00:00:04,100 --> 00:00:06,000
    regroupe chaque entreprise d'insertion de la province.

    4
    00:00:06,100 --> 00:00:08,000
    Le MESS finance une partie

    5
    00:00:08,100 --> 00:00:10,000
    de la formation des jeunes.

    6
    00:00:10,100 --> 00:00:12,000
    <i>Nous commençons la formation ce matin !</i>

    7
    00:00:12,100 --> 00:00:14,000
    Ouvrez le classeur à la page trois.

    8
    00:00:14,100 --> 00:00:16,500
    - Merci beaucoup.
    - Avec plaisir.
    """)

GLOSSARY = textwrap.dedent("""\
    [[term]]
    fr = "Collectif des entreprises d'insertion du Québec"
    keep = true

    [[term]]
    fr = "MESS"
    keep = true
    note_fr = "Ministère de l'Emploi et de la Solidarité sociale"

    [[term]]
    fr = "entreprise d'insertion"
    es = "empresa de inserción"
    """)

BOOKLET = textwrap.dedent("""\
    # Introduction

    Ce cahier accompagne la formation. Il présente les entreprises.

    - Première idée.
    - Deuxième idée.

    | Indicateur | Valeur |
    |---|---|
    | Taux d'emploi | 14,9 % |

    Source : MESS, 2024.
    """)


# ---------------------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def argos_home(tmp_path_factory) -> Path:
    """fr→en and en→es tiny packages (argostranslate has no fr→es), installed with `models install`."""
    root = tmp_path_factory.mktemp("argos-home")
    files = [build_tiny_argos_package(root / "files", *pair) for pair in [("fr", "en"), ("en", "es")]]
    result = run_packager(root, root / "argos", "models", "install", *map(str, files))
    assert result.returncode == 0, result.stderr
    return root / "argos"


def run_packager(cwd: Path, argos: Path, *args: str) -> subprocess.CompletedProcess:
    """`packager ARGS` in a fresh, offline subprocess; fails the test on any network attempt."""
    scratch = cwd / ".offline"
    scratch.mkdir(parents=True, exist_ok=True)
    env = _offline_env(scratch, PACKAGER_ARGOS_DIR=str(argos), ARGOS_COMPUTE_TYPE="float32")
    env.pop("ARGOS_PACKAGES_DIR")  # packager sets it from PACKAGER_ARGOS_DIR
    cmd = [*_unshare_prefix(), sys.executable, "-c", NETWORK_GUARD + RUN_CLI, *args]
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    attempts = Path(env["NET_GUARD_LOG"]).read_text(encoding="utf-8")
    assert attempts == "", f"network access attempted:\n{attempts}\n{proc.stderr}"
    return proc


@pytest.fixture
def project(tmp_path, argos_home) -> Path:
    root = tmp_path / "proj"
    result = run_packager(tmp_path, argos_home, "init", str(root))
    assert result.returncode == 0, result.stderr
    (root / "subtitles" / "fr" / "module-1.srt").write_text(SOURCE_SRT, encoding="utf-8")
    (root / "glossary.toml").write_text(GLOSSARY, encoding="utf-8")
    (root / "workbooks" / "fr" / "booklet.md").write_text(BOOKLET, encoding="utf-8")
    return root


def translate(project: Path, argos: Path, *args: str) -> subprocess.CompletedProcess:
    result = run_packager(project, argos, "translate", *args)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def model_calls(result: subprocess.CompletedProcess) -> int:
    summary = result.stdout.strip().splitlines()[-1]
    assert summary.startswith("translate:"), result.stdout
    return int(summary.split(" model call(s)")[0].rsplit(" ", 1)[-1])


def es_path(project: Path) -> Path:
    return project / "subtitles" / "es" / "module-1.srt"


# ---------------------------------------------------------------------------------------------- end to end


def test_drafts_keep_structure_states_glossary_and_memory(project, argos_home):
    first = translate(project, argos_home)
    assert "fr → en → es" in first.stdout
    # Pivot fr→en→es: one batched call per step for the module's cues, the same for all documents.
    assert model_calls(first) == 4

    source = read_srt(project / "subtitles" / "fr" / "module-1.srt")
    target = read_srt(es_path(project))
    assert len(target) == len(source)
    assert [(c.start, c.end) for c in target] == [(c.start, c.end) for c in source]
    assert all(c.text.strip() for c in target)
    assert all(line.strip() for c in target for line in c.lines)  # re-broken, no empty line
    assert target[5].text.startswith("<i>") and target[5].text.endswith("</i>")  # italics kept
    dialogue = target[7].lines  # two speakers in one cue: one line each, dashes kept
    assert len(dialogue) == 2 and all(line.startswith("- ") and len(line) > 2 for line in dialogue)

    states = StateFile.load(es_path(project))
    assert sorted(states.units, key=int) == [str(i) for i in range(1, len(source) + 1)]
    for cue, out in zip(source, target):
        entry = states.units[str(cue.index)]
        assert entry.state == "draft"
        assert entry.source_hash == text_hash(cue.text)
        assert entry.machine == out.text and entry.target_hash == text_hash(out.text)
    sidecar = es_path(project).with_name("module-1.srt.states.json").read_text(encoding="utf-8")
    assert sidecar.startswith('{\n  "format": "packager-states/1"')

    # Glossary: kept terms as they are, the forced translation, never through the model.
    spanish = " ".join(" ".join(c.text.split()) for c in target)
    assert "Collectif des entreprises d'insertion du Québec" in spanish
    assert "MESS" in spanish
    assert "empresa de inserción" in spanish
    assert load_glossary_at(project).missing_terms(
        " ".join(c.plain_text for c in source), spanish, "fr", "es") == []

    # Documents: questions and the booklet, same keys as the source, drafted.
    from packager.texts import read_units
    booklet_fr = read_units(project / "workbooks" / "fr" / "booklet.md")
    booklet_es = read_units(project / "workbooks" / "es" / "booklet.md")
    assert booklet_es.keys() == booklet_fr.keys()
    assert booklet_es["b004.r2.c2"] == "14,9 %"  # no letters: copied, not translated
    assert booklet_es["b005"] == "Fuente: MESS, 2024."  # a source line: label translated, citation kept
    doc_states = StateFile.load(project / "workbooks" / "es" / "booklet.md")
    assert {e.state for e in doc_states.units.values()} == {"draft"}
    assert (project / "workbooks" / "es" / "questions" / "module-1.toml").is_file()

    # A re-run with nothing changed: zero model calls, nothing rewritten.
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file() and ".offline" not in p.parts}
    memory = project / ".packager" / "translation-memory.json"
    assert memory.is_file()
    again = translate(project, argos_home)
    assert model_calls(again) == 0
    assert "0 drafted" in again.stdout and "0 file(s) written" in again.stdout
    after = {p: p.read_bytes() for p in project.rglob("*") if p.is_file() and ".offline" not in p.parts}
    assert after == before


def load_glossary_at(root: Path) -> Glossary:
    class _P:  # load_glossary needs only .root
        pass
    p = _P()
    p.root = root
    return load_glossary(p)


def test_human_text_survives_and_french_change_needs_review(project, argos_home):
    translate(project, argos_home, "--no-documents")
    target = read_srt(es_path(project))
    states = StateFile.load(es_path(project))

    # A translator edits cue 2 in an editor; cue 7 was approved through a review import.
    edited = "El Colectivo de empresas\nde inserción de Quebec"
    approved = target[6].text
    states.units["7"] = UnitState("approved", states.units["7"].source_hash, text_hash(approved),
                                  machine=approved, who="Ana", when="2026-01-01T00:00:00Z", comment="ok")
    states.save()
    lines = es_path(project).read_text(encoding="utf-8").split("\n\n")
    lines[1] = "\n".join(lines[1].split("\n")[:2] + [edited])
    es_path(project).write_text("\n\n".join(lines), encoding="utf-8")

    # The French changes: cue 7 (approved), cue 1 (a machine draft) and cue 2 (just edited).
    srt = SOURCE_SRT.replace("Ouvrez le classeur à la page trois.", "Ouvrez le classeur à la page quatre.")
    srt = srt.replace("Bonjour à tous.", "Bonjour à toutes et à tous.")
    (project / "subtitles" / "fr" / "module-1.srt").write_text(srt, encoding="utf-8")

    result = translate(project, argos_home, "module-1", "--no-documents")
    assert 0 < model_calls(result) <= 2  # only the changed sentences, one batch per pivot step
    after = read_srt(es_path(project))
    source = read_srt(project / "subtitles" / "fr" / "module-1.srt")
    states = StateFile.load(es_path(project))
    assert len(after) == len(source)

    assert after[1].text == edited
    assert states.units["2"].state == "edited"
    assert states.units["2"].source_hash == text_hash(source[1].text)

    assert after[6].text == approved  # the person's Spanish is kept...
    assert states.units["7"].state == "needs-review"  # ...and flagged
    assert states.units["7"].comment == "ok" and states.units["7"].who == "Ana"
    assert effective_state(states.units["7"], source[6].text, after[6].text) == "needs-review"

    assert states.units["1"].state == "draft"
    assert states.units["1"].source_hash == text_hash(source[0].text)
    for i in (2, 3, 4, 5, 7):  # untouched drafts stay drafts, same text
        assert states.units[str(i + 1)].state == "draft" and after[i].text == target[i].text

    # A later run keeps everything as it is, without the model.
    again = translate(project, argos_home, "--no-documents")
    assert model_calls(again) == 0
    assert read_srt(es_path(project)) == after

    from packager.project import Project
    from packager.review.states import state_counts
    loaded = Project.load(project)
    counts = state_counts(loaded, loaded.module("module-1"))
    assert counts == {"draft": 6, "edited": 1, "approved": 0, "needs-review": 1}
    assert set(counts) == set(STATES)


def test_documents_follow_the_same_states(project, argos_home):
    from packager.texts import read_units

    translate(project, argos_home)
    booklet_es = project / "workbooks" / "es" / "booklet.md"
    booklet_fr = project / "workbooks" / "fr" / "booklet.md"
    drafted = read_units(booklet_es)
    person = "Este cuaderno acompaña la formación."
    booklet_es.write_text(booklet_es.read_text(encoding="utf-8").replace(drafted["b002"], person), encoding="utf-8")
    translate(project, argos_home)  # records the person's edit
    states = StateFile.load(booklet_es)
    assert states.units["b002"].state == "edited"

    booklet_fr.write_text(booklet_fr.read_text(encoding="utf-8")
                          .replace("Il présente les entreprises.", "Il présente six entreprises.")
                          .replace("# Introduction", "# Présentation"), encoding="utf-8")
    result = translate(project, argos_home)
    assert model_calls(result) == 2  # the new heading only, in one batch (two pivot steps)
    after = read_units(booklet_es)
    states = StateFile.load(booklet_es)
    assert after["b002"] == person and states.units["b002"].state == "needs-review"
    assert states.units["b001"].state == "draft" and states.units["b001"].machine == after["b001"]
    assert {k: v for k, v in after.items() if k not in ("b001", "b002")} == \
        {k: v for k, v in drafted.items() if k not in ("b001", "b002")}


def test_new_french_cue_keeps_people_text_on_their_cues(project, argos_home):
    """A cue inserted in the French: the other cues' Spanish and states follow them by timing."""
    translate(project, argos_home, "--no-documents")
    es = es_path(project)
    drafted = read_srt(es)
    person = "Abran la carpeta en la página tres."
    es.write_text(es.read_text(encoding="utf-8").replace(drafted[6].text, person), encoding="utf-8")
    translate(project, argos_home, "--no-documents")
    assert StateFile.load(es).units["7"].state == "edited"

    inserted = SOURCE_SRT.replace("\n\n7\n", "\n\n6b\n00:00:12,050 --> 00:00:12,090\nVoilà.\n\n7\n")
    (project / "subtitles" / "fr" / "module-1.srt").write_text(inserted, encoding="utf-8")
    translate(project, argos_home, "--no-documents")
    after = read_srt(es)
    states = StateFile.load(es)
    assert len(after) == len(drafted) + 1
    assert after[7].text == person and states.units["8"].state == "edited"
    assert states.units["7"].state == "draft" and after[6].text.strip()
    assert [c.text for c in after[:6]] == [c.text for c in drafted[:6]]


def test_translate_never_imports_argostranslate_translate(project, argos_home):
    """argostranslate.translate costs ~4 s and pulls torch, stanza and spacy: packager avoids it."""
    script = RUN_CLI.replace("sys.exit(cli.main(args=sys.argv[1:], prog_name='packager'))",
                             "code = cli.main(args=sys.argv[1:], prog_name='packager', standalone_mode=False)\n"
                             "heavy = sorted(m for m in ('argostranslate.translate', 'torch', 'stanza', 'spacy')"
                             " if m in sys.modules)\n"
                             "print('HEAVY', heavy)")
    scratch = project / ".offline"
    scratch.mkdir(exist_ok=True)
    env = _offline_env(scratch, PACKAGER_ARGOS_DIR=str(argos_home))
    proc = subprocess.run([*_unshare_prefix(), sys.executable, "-c", NETWORK_GUARD + script, "translate"],
                          cwd=project, env=env, capture_output=True, text=True, timeout=120)
    assert "HEAVY []" in proc.stdout, proc.stdout + proc.stderr
    assert Path(env["NET_GUARD_LOG"]).read_text(encoding="utf-8") == ""
    assert len(read_srt(es_path(project))) == 8


def test_no_model_names_the_pair_and_the_command(project, tmp_path):
    result = run_packager(project, tmp_path / "no-models", "translate")
    assert result.returncode == 2
    assert "fr→es" in result.stderr
    assert "packager models install FILE.argosmodel" in result.stderr
    assert "packager models download fr es" in result.stderr
    assert "Traceback" not in result.stderr
    assert not es_path(project).exists()


# ---------------------------------------------------------------------------------------------- units


def test_group_and_split_sentences():
    texts = ["Bonjour à tous.", "Le Collectif", "regroupe les entreprises.", "- Merci.", "- De rien !", "Et"]
    assert group_cues(texts) == [[0], [1, 2], [3], [4], [5]]
    assert split_sentences("M. Tremblay arrive. Il parle ! Fin") == ["M. Tremblay arrive.", "Il parle !", "Fin"]


def test_distribute_in_proportion_at_word_boundaries():
    parts = distribute("uno dos tres cuatro cinco seis siete ocho", [10, 30])
    assert len(parts) == 2 and " ".join(parts) == "uno dos tres cuatro cinco seis siete ocho"
    assert len(parts[0]) < len(parts[1])
    assert sorted(distribute("solo", [5, 5, 5])) == ["solo", "…", "…"]  # never an empty cue
    # A cut after punctuation is preferred near the proportional point.
    assert distribute("hola amigos, qué tal estáis", [1, 1])[0] == "hola amigos,"


def test_protect_keeps_terms_out_of_the_model():
    glossary = Glossary([Term("entreprise d'insertion", "empresa de inserción"), Term("MESS", "MESS", keep=True)])
    template = protect("Chaque entreprise d'insertion reçoit 14,9 % du MESS.", glossary, "fr", "es")
    assert template.inputs == ["Chaque", "reçoit 14,9 % du"]
    assert template.fill(["Cada", "recibe 14,9 % del"]) == "Cada empresa de inserción recibe 14,9 % del MESS."
    start = protect("Entreprise d'insertion.", glossary, "fr", "es")
    assert start.fill([]) == "Empresa de inserción."


def test_glossary_errors_name_the_line(tmp_path):
    (tmp_path / "glossary.toml").write_text('[[term]]\nfr = "MESS"\nkeep = true\n\n[[term]]\nfr = "CLE"\n',
                                            encoding="utf-8")
    from packager.errors import PackagerError
    with pytest.raises(PackagerError) as caught:
        load_glossary_at(tmp_path)
    assert "line 5" in caught.value.render() and "CLE" in caught.value.render()
    g = Glossary([Term("entreprise d'insertion", "empresa de inserción")])
    assert g.missing_terms("une entreprise d'insertion", "una empresa", "fr", "es") == g.terms
    assert g.missing_terms("une entreprise d'insertion", "una Empresa de Inserción", "fr", "es") == []


def test_effective_state_rules(tmp_path):
    entry = UnitState("approved", text_hash("Bonjour"), text_hash("Hola"))
    assert effective_state(None, "Bonjour", "Hola") == "edited"
    assert effective_state(entry, "Bonjour", "Hola\n") == "approved"  # re-breaking is not an edit
    assert effective_state(entry, "Bonjour", "Hola amigos") == "edited"
    assert effective_state(entry, "Bonsoir", "Hola") == "needs-review"
    state_file = StateFile(tmp_path / "x.srt", {"10": entry, "2": entry})
    assert state_file.save() and not state_file.save()
    data = json.loads((tmp_path / "x.srt.states.json").read_text(encoding="utf-8"))
    assert list(data["units"]) == ["2", "10"]
    assert StateFile.load(tmp_path / "x.srt").units == {"10": entry, "2": entry}
    recorded = state_file.record("2", "approved", "Bonjour", "Hola", who="Ana", comment="bien")
    assert effective_state(recorded, "Bonjour", "Hola") == "approved" and recorded.when
    with pytest.raises(ValueError):
        state_file.record("2", "done", "Bonjour", "Hola")


def test_sample_module_gets_drafts_and_approved_spanish_is_kept(tmp_path, argos_home):
    """Issue 3's acceptance on the repository's own sample: a module without Spanish gets drafts with the
    French timing and cue count; a module whose Spanish is approved is left exactly as it is."""
    repo = Path(__file__).resolve().parent.parent
    sample = tmp_path / "project3"
    sample.mkdir()
    for name in ("packager.toml", "glossary.toml"):
        shutil.copy2(repo / name, sample / name)
    for name in ("modules", "subtitles", "workbooks"):
        shutil.copytree(repo / name, sample / name)
    missing = sample / "subtitles" / "es" / "sous-ministre.srt"
    missing.unlink()
    Path(str(missing) + ".states.json").unlink()
    approved = sample / "subtitles" / "es" / "entreprise-a.srt"
    approved_bytes = approved.read_bytes()

    result = translate(sample, argos_home, "sous-ministre", "entreprise-a", "--no-documents")
    source = read_srt(sample / "subtitles" / "fr" / "sous-ministre.srt")
    drafts = read_srt(missing)
    assert [(c.start, c.end) for c in drafts] == [(c.start, c.end) for c in source]
    assert all(c.text.strip() for c in drafts)
    states = StateFile.load(missing)
    assert {states.units[str(n)].state for n in range(1, len(source) + 1)} == {"draft"}
    assert approved.read_bytes() == approved_bytes, "approved Spanish is never overwritten"
    assert result.returncode == 0


def test_retimed_split_merged_and_deleted_french_cues_never_lose_people_text(project, argos_home):
    """French cues re-cut after the Spanish was edited: each person's text follows its French cue (by
    timing and by the French text it was recorded against), merged cues join their texts for review,
    and a text whose French cue is gone is named on stderr, never silently dropped."""
    translate(project, argos_home, "--no-documents")
    es = es_path(project)
    people = {1: "Hola a todas y a todos.", 4: "El MESS financia una parte", 5: "de la formación de los jóvenes.",
              6: "<i>¡Empezamos la formación esta mañana!</i>", 7: "Abran la carpeta en la página tres."}
    drafted = read_srt(es)
    text = es.read_text(encoding="utf-8")
    for n, person in people.items():
        text = text.replace(f"{drafted[n - 1].text}\n\n", f"{person}\n\n", 1)
    es.write_text(text, encoding="utf-8")
    translate(project, argos_home, "--no-documents")  # records the five edits
    assert {n: StateFile.load(es).units[str(n)].state for n in people} == dict.fromkeys(people, "edited")

    recut = (SOURCE_SRT
             .replace("00:00:00,500 --> 00:00:02,000", "00:00:00,600 --> 00:00:02,000")  # re-timed
             .replace("Le MESS finance une partie\n\n5\n00:00:08,100 --> 00:00:10,000\n", "")  # 4 + 5 merged
             .replace("00:00:06,100 --> 00:00:08,000", "00:00:06,100 --> 00:00:10,000")
             .replace("de la formation des jeunes.", "Le MESS finance une partie de la formation des jeunes.")
             .replace("6\n00:00:10,100 --> 00:00:12,000\n<i>Nous commençons la formation ce matin !</i>\n\n",
                      "")  # deleted
             .replace("00:00:12,100 --> 00:00:14,000\nOuvrez le classeur à la page trois.",  # split
                      "00:00:12,100 --> 00:00:13,000\nOuvrez le classeur à la page trois.\n\n"
                      "7b\n00:00:13,100 --> 00:00:14,000\nVous y trouverez les exercices."))
    (project / "subtitles" / "fr" / "module-1.srt").write_text(recut, encoding="utf-8")
    result = translate(project, argos_home, "--no-documents")
    source = read_srt(project / "subtitles" / "fr" / "module-1.srt")
    after = read_srt(es)
    states = StateFile.load(es)
    assert [(c.start, c.end) for c in after] == [(c.start, c.end) for c in source] and len(after) == 7
    assert after[0].text == people[1] and states.units["1"].state == "edited"  # re-timed: same text, same state
    assert " ".join(after[3].text.split()) == f"{people[4]} {people[5]}"  # merged: both texts, in order
    assert states.units["4"].state == "needs-review" and states.units["4"].machine
    assert effective_state(states.units["4"], source[3].text, after[3].text) == "needs-review"
    assert after[4].text == people[7] and states.units["5"].state == "edited"  # split: kept on its first half
    assert states.units["6"].state == "draft" and states.units["7"].state == "draft"  # the new half is drafted
    assert "orphaned" in result.stderr and "Empezamos la formación" in result.stderr
    again = translate(project, argos_home, "--no-documents")
    assert model_calls(again) == 0 and read_srt(es) == after and "orphaned" not in again.stderr


def test_glossary_terms_match_in_either_number_and_render_in_the_same():
    from packager.glossary import other_number

    glossary = Glossary([Term("entreprise d'insertion", "empresa de inserción"),
                         Term("centre local d'emploi", "centro local de empleo"),
                         Term("contraintes sévères", "limitaciones severas"),
                         Term("Devenir", "Devenir", keep=True), Term("MESS", "MESS", keep=True)])
    template = protect("Les entreprises d’insertion et les centres locaux d'emploi du MESS.", glossary, "fr", "es")
    assert template.inputs == ["Les", "et les", "du"]
    assert template.fill(["Las", "y los", "del"]) == \
        "Las empresas de inserción y los centros locales de empleo del MESS."
    singular = protect("Une contrainte sévère, une entreprise d'insertion.", glossary, "fr", "es")
    assert [text for kind, text in singular.pieces if kind == "fixed" and text.strip()] == \
        ["limitación severa", "empresa de inserción", "."]
    # QA: a plural French term wants the term in Spanish, in either number.
    assert [t.fr for t in glossary.missing_terms("Les entreprises d'insertion.", "Las empresas sociales.",
                                                  "fr", "es")] == ["entreprise d'insertion"]
    assert glossary.missing_terms("Les entreprises d'insertion.", "Las empresas de inserción.", "fr", "es") == []
    assert glossary.missing_terms("Chaque entreprise d'insertion.", "Todas las empresas de inserción.",
                                  "fr", "es") == []
    # A kept name written with capitals matches only as written: the verb "devenir" is translated.
    assert [m.term.fr for m in glossary.find("Devenir, pour devenir autonome.", "fr")] == ["Devenir"]
    assert glossary.find("Le mess des officiers.", "fr") == []
    # The rules, both ways, French and Spanish; names and acronyms never inflect.
    assert other_number("aide financière de dernier recours", "fr") == "aides financières de dernier recours"
    assert other_number("limitaciones temporales", "es") == "limitación temporal"
    assert other_number("inserción laboral", "es") == "inserciones laborales"
    assert other_number("Ministerio de Empleo y Solidaridad Social", "es") == \
        "Ministerios de Empleo y Solidaridad Social"
    assert Term("MESS", "MESS", keep=True).forms("fr") == ["MESS"]


def test_hand_edit_against_old_french_needs_review_and_drafts_stay_drafts(project, argos_home):
    """A person edits cue 1's Spanish in place while its French also changes: their text is kept and
    flagged needs-review (they translated the old French). A draft whose French changed stays a draft
    for `status` (the next translate redoes it), never 'needs-review'."""
    from packager.project import Project
    from packager.review.states import state_counts

    translate(project, argos_home, "--no-documents")
    lines = es_path(project).read_text(encoding="utf-8").split("\n\n")
    lines[0] = "\n".join(lines[0].split("\n")[:2] + ["Hola a todos."])
    es_path(project).write_text("\n\n".join(lines), encoding="utf-8")
    french = project / "subtitles" / "fr" / "module-1.srt"
    changed = SOURCE_SRT.replace("Bonjour à tous.", "Bonjour à toutes et à tous.")
    french.write_text(changed.replace("Le MESS finance une partie", "Le MESS finance la plus grande partie"),
                      encoding="utf-8")
    loaded = Project.load(project)
    before = state_counts(loaded, loaded.module("module-1"))
    assert before["needs-review"] == 0 and before["edited"] == 1  # cue 4 is a draft to redo, not a person's job

    translate(project, argos_home, "module-1", "--no-documents")
    after = read_srt(es_path(project))
    assert after[0].text == "Hola a todos."
    states = StateFile.load(es_path(project))
    assert states.units["1"].state == "needs-review"
    assert effective_state(states.units["1"], read_srt(french)[0].text, after[0].text) == "needs-review"
    assert states.units["4"].state == "draft"


def test_distribute_keeps_a_glossary_rendering_in_one_cue():
    text = "El ministerio mira un Programa de Ayuda y Acompañamiento Social escribe mucho hoy"
    term = "Programa de Ayuda y Acompañamiento Social"
    assert all(term not in part for part in distribute(text, [30, 20]))  # cut inside it, by length alone
    parts = distribute(text, [30, 20], keep_together=[term])
    assert any(term in part for part in parts) and " ".join(parts) == text
