"""Nothing a person writes is lost: the unit history, the conflict queue, orphans, crash-proof states.

The three reproductions of issue 11 each have a test here (each failed on the main branch before the
history existed), with the real CLI, real DOCX/XLIFF/SRT files and, for `translate`, the tiny real
Argos model built offline (tests/argos_tiny.py) in a subprocess.
"""

from __future__ import annotations

import json
import re
import zipfile
from dataclasses import replace
from pathlib import Path

import docx
import pytest
from lxml import etree

from packager.dashboard import module_rows
from packager.project import Project
from packager.review import history
from packager.review.states import StateFile, effective_state, sidecar_path
from packager.subtitles.cues import format_srt, read_srt
from review_support import drafted_project, edit_review_docx, run, srt, strip_docx_identity

FR = [
    (1.0, 3.0, "Bonjour à tous."),
    (3.5, 6.0, "Nous formons des jeunes\nen cuisine."),
    (6.5, 9.0, "Le taux de placement est de 14,9 %."),
]
ES = ["Hola a todos.", "Formamos a jóvenes\nen cocina.", "La tasa de colocación es de 14,9 %."]
HOME = "Formamos a jóvenes en la cocina del restaurante."


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return drafted_project(tmp_path / "proj", FR, ES)


def es(project: Path) -> Path:
    return project / "subtitles/es/module-1.srt"


def texts(project: Path) -> list[str]:
    return [c.text for c in read_srt(es(project))]


def states(project: Path) -> list[str]:
    source = read_srt(project / "subtitles/fr/module-1.srt")
    sidecar = StateFile.load(es(project))
    return [effective_state(sidecar.units.get(str(n)), s.text, t.text)
            for n, (s, t) in enumerate(zip(source, read_srt(es(project))), start=1)]


def kit_folder(project: Path, tmp_path: Path) -> Path:
    kit = tmp_path / "kit.zip"
    run(project, "kit", "-o", str(kit), "--no-proxy")
    with zipfile.ZipFile(kit) as archive:
        archive.extractall(tmp_path / "unz")
    (top,) = list((tmp_path / "unz").iterdir())
    return top / "01-module-1"


def edit_at_home(project: Path, cue: int, text: str) -> None:
    cues = read_srt(es(project))
    es(project).write_text(srt([(c.start, c.end, text if n == cue else c.text)
                                for n, c in enumerate(cues, start=1)]), encoding="utf-8")


REWRITTEN = ["¡Hola a todas y a todos!", "Formamos a chicas y chicos en cocina.", "Colocamos al 14,9 %."]


def untraceable(folder: Path, fmt: str, tmp_path: Path) -> Path:
    """The kit's file of `fmt` with every cue rewritten and, for XLIFF and DOCX, its identity
    stripped the way tools and people do (a CAT tool drops mda:metadata; Word users delete grey text)."""
    if fmt == "srt":
        path = folder / "01-module-1.es.srt"
        cues = read_srt(path)
        path.write_text(srt([(c.start, c.end, t) for c, t in zip(cues, REWRITTEN)]), encoding="utf-8")
        return path
    if fmt == "xliff":
        path = folder / "01-module-1.es.xliff"
        root = etree.fromstring(path.read_bytes())
        for meta in [el for el in root.iter() if etree.QName(el).localname == "metadata"]:
            meta.getparent().remove(meta)
        for unit in [el for el in root.iter() if etree.QName(el).localname == "unit"]:
            unit.attrib.pop("name", None)  # some tools drop the timecode name too
        for target, text in zip([el for el in root.iter() if etree.QName(el).localname == "target"], REWRITTEN):
            target.text = text
        path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
        return path
    path = folder / "01-module-1.es.docx"
    document = docx.Document(str(path))
    strip_docx_identity(document)
    for n, row in enumerate(document.tables[0].rows[1:], start=1):
        row.cells[3].text = REWRITTEN[n - 1]
    document.save(str(path))
    return path


# ---------------------------------------------------------------------------------------------- reproduction 1


@pytest.mark.parametrize("fmt", ["srt", "xliff", "docx"])
def test_untraceable_return_never_overwrites_work_done_at_home(project: Path, tmp_path: Path, fmt: str):
    """Reproduction 1: kit out, cue 2 edited at home, the translator rewrites every cue of one file
    (and the file lost its identity): cue 2 is a conflict (exit 1), kept at home and queued with
    both texts; the other cues are applied; re-importing changes nothing; resolve settles it."""
    folder = kit_folder(project, tmp_path)
    edit_at_home(project, 2, HOME)
    back = untraceable(folder, fmt, tmp_path)
    result = run(project, "review", "import", str(back), code=1)
    assert "1 conflict(s)" in result.output
    assert texts(project) == [REWRITTEN[0], HOME, REWRITTEN[2]]  # home text survives, the rest applied
    assert states(project) == ["edited", "edited", "edited"]

    queued = run(project, "review", "conflicts", code=1).output
    assert "module-1 cue 2" in queued and HOME in queued and REWRITTEN[1] in queued
    assert "1 conflict" in run(project, "status").output

    before = {p.name: p.read_bytes() for p in es(project).parent.iterdir()}
    again = run(project, "review", "import", str(back), code=1)  # the same return again: nothing changes
    assert {p.name: p.read_bytes() for p in es(project).parent.iterdir()} == before
    assert "1 conflict(s) pending" in run(project, "review", "conflicts", code=1).output
    assert again.output.count("conflict") >= 1

    run(project, "review", "resolve", "module-1", "--cue", "2", "--take", "returned")
    assert texts(project)[1] == REWRITTEN[1]
    assert "0 conflict(s) pending" in run(project, "review", "conflicts").output
    shown = run(project, "review", "history", "module-1", "--cue", "2").output
    assert HOME in shown and REWRITTEN[1] in shown and "settled (returned)" in shown
    number = int(re.search(r"#(\d+) .*\n.*" + re.escape(repr(HOME)), shown).group(1))
    run(project, "review", "restore", "module-1", "--cue", "2", "--version", str(number))
    assert texts(project)[1] == HOME and states(project)[1] == "edited"


@pytest.mark.parametrize("fmt", ["srt", "docx"])
def test_an_older_save_of_a_kit_never_undoes_a_newer_text(project: Path, tmp_path: Path, fmt: str):
    """Found by the state machine: a translator returns their kit (cues 1 and 2 rewritten), a newer kit
    goes out, then an older save of the first kit's file comes back with no identity (only cue 1
    rewritten). Traced by its texts it matches both kits as well; cue 2 still holds the first kit's
    machine draft. That draft must not replace the translator's newer text, as a person's edit."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    folder = kit_folder(project, tmp_path / "a")
    path = folder / f"01-module-1.es.{fmt}"
    older = tmp_path / "older" / path.name  # a save of the same file, kept elsewhere
    older.parent.mkdir()
    if fmt == "srt":
        cues = read_srt(path)
        path.write_text(srt([(c.start, c.end, REWRITTEN[0] if c.index == 1 else c.text) for c in cues]),
                        encoding="utf-8")
        older.write_bytes(path.read_bytes())
        path.write_text(srt([(c.start, c.end, REWRITTEN[c.index - 1] if c.index <= 2 else c.text) for c in cues]),
                        encoding="utf-8")
    else:
        edit_review_docx(path, texts={1: REWRITTEN[0]}, save_to=older)
        document = docx.Document(str(older))
        strip_docx_identity(document)
        document.save(str(older))
        edit_review_docx(path, texts={1: REWRITTEN[0], 2: REWRITTEN[1]})
    run(project, "review", "import", str(path))
    kit_folder(project, tmp_path / "b")  # a newer kit goes out with the translator's texts
    assert texts(project)[:2] == REWRITTEN[:2]

    result = run(project, "review", "import", str(older), "--module", "module-1")
    assert "0 changed" in result.output and "0 conflict(s)" in result.output
    assert "module-1: kept the newer text of cue 2" in result.output and "an older save?" in result.output
    assert texts(project)[:2] == REWRITTEN[:2] and states(project) == ["edited", "edited", "draft"]
    if fmt == "docx":  # the older save approves that draft: a person must choose (a conflict)
        (tmp_path / "approving").mkdir()
        approving = edit_review_docx(older, states={2: "aprobado"}, save_to=tmp_path / "approving" / path.name)
        result = run(project, "review", "import", str(approving), "--module", "module-1", code=1)
        assert "cue 2" in result.output and "approves an older text" in result.output
        assert texts(project)[:2] == REWRITTEN[:2] and states(project) == ["edited", "edited", "draft"]


def test_resolve_home_and_edit(project: Path, tmp_path: Path):
    folder = kit_folder(project, tmp_path)
    edit_at_home(project, 2, HOME)
    run(project, "review", "import", str(untraceable(folder, "srt", tmp_path)), code=1)
    edit_at_home(project, 3, "Colocamos a casi todos.")  # by hand, after the import
    run(project, "review", "resolve", "module-1", "--cue", "2", "--take", "home")
    assert texts(project)[1] == HOME
    # resolve noticed the hand edit: a person's text in the history, whatever is typed over it next
    assert ("3", "Colocamos a casi todos.", "edited") in [(r.key, r.text, r.state) for r in history.read(es(project))]
    edit_at_home(project, 3, ES[2])
    assert "0 conflict(s)" in run(project, "review", "conflicts").output
    result = run(project, "review", "resolve", "module-1", "--cue", "2", "--take", "home", code=2)
    assert "no pending conflict" in result.output
    again = run(project, "review", "import", str(untraceable(folder, "srt", tmp_path)))  # already decided
    assert "0 conflict(s)" in again.output and "already decided" in again.output and texts(project)[1] == HOME
    edit_at_home(project, 2, "Otra versión de casa.")
    run(project, "review", "import", str(untraceable(folder, "srt", tmp_path)), code=1)
    run(project, "review", "resolve", "module-1", "--cue", "2", "--take", "edit", "--text", "Texto nuevo.")
    assert texts(project)[1] == "Texto nuevo."
    shown = run(project, "review", "history", "module-1", "--cue", "2").output
    assert HOME in shown and "Otra versión de casa." in shown and "Texto nuevo." in shown


def test_a_resolve_killed_before_its_file_stays_pending_and_completes_when_run_again(
        project: Path, tmp_path: Path, monkeypatch):
    """`review resolve` writes the person's text to the history, then the SRT and the states, and
    marks the conflict settled last: Ctrl-C before the SRT leaves the conflict pending (not settled
    with its text nowhere but the history); the same command again completes it."""
    import packager.atomic as atomic

    folder = kit_folder(project, tmp_path)
    edit_at_home(project, 2, HOME)
    run(project, "review", "import", str(untraceable(folder, "srt", tmp_path)), code=1)
    edit_at_home(project, 3, "Colocamos a casi todos.")  # after the import: no command has seen it

    def killed(tmp, final):
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic, "_publish", killed)
    args = ("review", "resolve", "module-1", "--cue", "2", "--take", "edit", "--text", "Texto nuevo.")
    assert run(project, *args, code=None).exit_code == 130
    monkeypatch.undo()
    assert texts(project)[1] == HOME and states(project)[1] == "edited"
    assert "module-1 cue 2" in run(project, "review", "conflicts", code=1).output  # still pending
    # resolve noticed cue 3's hand edit before writing: a person's text, in the history now
    assert "Colocamos a casi todos." in [r.text for r in history.read(es(project)) if r.key == "3"]
    run(project, *args)
    assert texts(project)[1] == "Texto nuevo." and states(project)[1] == "edited"
    assert "0 conflict(s)" in run(project, "review", "conflicts").output


def test_word_comment_balloon_arrives_as_the_cues_comment(project: Path, tmp_path: Path):
    """Review › New comment in Word: a w:comment in word/comments.xml anchored in the row's cell."""
    out = tmp_path / "m1.docx"
    run(project, "review", "export", "module-1", "-o", str(out))
    document = docx.Document(str(out))
    cell = document.tables[0].rows[3].cells[3]
    document.add_comment(cell.paragraphs[0].runs, text="¿Cifra de 2024 o de 2023?", author="Traductora")
    document.save(str(out))
    assert b"commentRangeStart" in zipfile.ZipFile(out).read("word/document.xml")
    result = run(project, "review", "import", str(out))
    assert "commented cue 3" in result.output
    assert StateFile.load(es(project)).units["3"].comment == "¿Cifra de 2024 o de 2023?"


# ---------------------------------------------------------------------------------------------- messages


def test_return_messages(project: Path, tmp_path: Path):
    empty = tmp_path / "01-module-1.es.srt"
    empty.write_bytes(b"")
    assert "the returned file is empty" in run(project, "review", "import", str(empty), code=2).output

    out = tmp_path / "m1.xliff"
    run(project, "review", "export", "module-1", "--format", "xliff", "-o", str(out))
    data = out.read_bytes().replace(b"?>", b'?>\n<!DOCTYPE xliff [<!ENTITY x SYSTEM "file:///etc/passwd">]>', 1)
    out.write_bytes(data)
    result = run(project, "review", "import", str(out), code=2)
    assert "DTD or entities" in result.output and "root:" not in result.output

    ns = "urn:oasis:names:tc:xliff:document:1.2"
    old = tmp_path / "old.xlf"
    old.write_text(f'<xliff xmlns="{ns}" version="1.2"><file original="module-1.srt"><body/></file></xliff>',
                   encoding="utf-8")
    assert "save as XLIFF 2.0" in run(project, "review", "import", str(old), code=2).output

    table = tmp_path / "m1.docx"
    run(project, "review", "export", "module-1", "-o", str(table))
    document = docx.Document(str(table))
    row = document.tables[0].rows[2]._tr
    row.getparent().remove(row)
    document.save(str(table))
    result = run(project, "review", "import", str(table), code=2)
    assert "cue 2 missing" in result.output and "nothing was written" in result.output


# ---------------------------------------------------------------------------------------------- the history file


def test_torn_last_line_is_ignored_and_the_next_append_starts_clean(tmp_path: Path):
    target = tmp_path / "x.srt"
    history.record(target, "1", "Hola.", state="draft", who=history.MACHINE, origin="translate")
    path = history.history_path(target)
    path.write_bytes(path.read_bytes() + b'{"event": "version", "key": "2", "te')  # killed mid-append
    assert [r.text for r in history.read(target)] == ["Hola."]
    history.record(target, "2", "Adiós.", state="edited", who=history.PERSON, origin="hand edit")
    assert [(r.n, r.text) for r in history.read(target)] == [(1, "Hola."), (2, "Adiós.")]
    # The same version again appends nothing.
    assert history.record(target, "2", "Adiós.", state="edited", who=history.PERSON, origin="hand edit") is None
    assert all(json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()[2:])


def test_a_kill_between_an_imports_writes_keeps_the_persons_text_and_state(project: Path, tmp_path: Path,
                                                                              monkeypatch):
    """The history is written before the SRT, the SRT before the states: a kill before the states
    leaves a text the history says a person wrote (edited), never a draft, never lost."""
    out = tmp_path / "m1.docx"
    run(project, "review", "export", "module-1", "-o", str(out))
    edit_review_docx(out, texts={1: "¡Hola a todas!"}, states={2: "aprobado"})

    def killed(self):
        raise KeyboardInterrupt

    monkeypatch.setattr(StateFile, "save", killed)
    with pytest.raises(KeyboardInterrupt):
        from packager.review.importer import import_file
        import_file(Project.load(project), out)
    monkeypatch.undo()
    assert texts(project)[0] == "¡Hola a todas!"
    # Cue 1's text is the person's (the history says so); cue 2's approval never reached the states
    # file, but the history has it (written first): it is approved.
    assert states(project) == ["edited", "approved", "draft"]
    loaded = StateFile.load(es(project))
    assert loaded.units["1"].who == loaded.units["2"].who == "review import (m1.docx)"
    run(project, "review", "import", str(out))  # importing again changes nothing
    assert states(project) == ["edited", "approved", "draft"] and texts(project)[0] == "¡Hola a todas!"


def test_an_approval_killed_before_the_states_file_is_kept(project: Path, monkeypatch):
    """`review approve` writes the history, then the states: killed between the two, the approval holds."""
    run(project, "review", "approve", "module-1", "--cues", "1")
    sidecar = sidecar_path(es(project))
    before = sidecar.read_bytes()

    def killed(self):
        raise KeyboardInterrupt

    monkeypatch.setattr(StateFile, "save", killed)
    run(project, "review", "approve", "module-1", "--cues", "2-3", code=130)
    monkeypatch.undo()
    assert sidecar.read_bytes() == before  # the states file was never written
    assert states(project) == ["approved", "approved", "approved"]
    # and a later edit by hand of an approved cue is still seen as an edit
    cues = read_srt(es(project))
    es(project).write_text(format_srt([replace(c, text="Otro texto.") if c.index == 2 else c for c in cues]),
                           encoding="utf-8")
    assert states(project)[1] == "edited"


def test_a_machine_draft_returned_as_it_stands_stays_a_draft(project: Path, tmp_path: Path):
    """Found by the state machine: a translator's file copied from the project after a `translate`
    (cue 2 is the new machine draft) is traced to the older kit by its unchanged cues; against that
    kit, cue 2 "changed", to the draft here now. It is the machine's text: it stays a draft, unmarked
    as a person's, and the cue the translator did edit is taken in."""
    kit_folder(project, tmp_path)  # the export the file will be traced to
    french = project / "subtitles/fr/module-1.srt"
    french.write_text(srt([(a, b, "Nous formons des jeunes." if n == 1 else t) for n, (a, b, t) in enumerate(FR)]),
                      encoding="utf-8")
    draft = "Formamos a jóvenes."  # what `translate` leaves: the new draft and its entry
    edit_at_home(project, 2, draft)
    sidecar = StateFile.load(es(project))
    sidecar.record("2", "draft", "Nous formons des jeunes.", draft, who="packager translate", machine=draft)
    sidecar.save()
    assert states(project) == ["draft", "draft", "draft"]

    returned = tmp_path / "single.srt"
    returned.write_text(srt([(c.start, c.end, "¡Hola a todas y a todos!" if c.index == 1 else c.text)
                             for c in read_srt(es(project))]), encoding="utf-8")
    result = run(project, "review", "import", str(returned), "--module", "module-1")
    assert "changed cue 1" in result.output and "cue 2" not in result.output
    assert texts(project)[:2] == ["¡Hola a todas y a todos!", draft]
    assert states(project) == ["edited", "draft", "draft"]
    assert [r.key for r in history.read(es(project)) if r.who == history.PERSON] == ["1"]


# ---------------------------------------------------------------------------------------------- with `translate`

from test_argos_tiny import NETWORK_GUARD, _offline_env, _unshare_prefix  # noqa: E402
from test_translate import RUN_CLI, SOURCE_SRT, argos_home, translate  # noqa: E402, F401  (fixture)
from test_translate import project as translated_project  # noqa: E402, F401  (fixture)

KILL_BEFORE_STATES = ("import os, signal\nfrom packager.review import states as _states\n"
                      "_states.StateFile.save = lambda self: os.kill(os.getpid(), signal.SIGKILL)\n")


def run_killed(cwd: Path, argos: Path, prelude: str, *args: str):
    """`packager ARGS` offline in a subprocess with `prelude` run first (here: a SIGKILL at a write)."""
    import subprocess
    import sys

    scratch = cwd / ".offline"
    scratch.mkdir(parents=True, exist_ok=True)
    env = _offline_env(scratch, PACKAGER_ARGOS_DIR=str(argos), ARGOS_COMPUTE_TYPE="float32")
    env.pop("ARGOS_PACKAGES_DIR")
    cmd = [*_unshare_prefix(), sys.executable, "-c", NETWORK_GUARD + prelude + RUN_CLI, *args]
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_a_kill_between_translates_two_writes_leaves_drafts_drafts(translated_project, argos_home):
    """Reproduction 3: SIGKILL after the SRT is written, before its states file: the next run must
    not take the machine's drafts for a person's text."""
    project = translated_project
    killed = run_killed(project, argos_home, KILL_BEFORE_STATES, "translate", "--no-documents")
    assert killed.returncode in (-9, 137), killed.stderr
    target = es(project)
    assert target.is_file() and not target.with_name("module-1.srt.states.json").exists()
    drafts = texts(project)
    assert states(project) == ["draft"] * 8  # from the history, not "edited"
    status = run(project, "status").output
    assert "edited" not in status and "0/8 (0%) · 8 draft" in status
    again = translate(project, argos_home, "--no-documents")
    assert "0 kept (human)" in again.stdout
    assert texts(project) == drafts and states(project) == ["draft"] * 8
    sidecar = StateFile.load(target)
    assert all(sidecar.units[str(n)].machine == text for n, text in enumerate(drafts, start=1))


KILL_AT_SECOND_RENAME = ("import os, signal\nimport packager.atomic as _atomic\n_publish, _renames = _atomic._publish, []\n"
                         "def _killing(tmp, final):\n    _renames.append(final)\n"
                         "    if len(_renames) == 2:\n        os.kill(os.getpid(), signal.SIGKILL)\n"
                         "    _publish(tmp, final)\n_atomic._publish = _killing\n")


def test_a_draft_from_a_killed_translate_stays_a_draft_after_an_import_killed_before_its_srt(
        translated_project, argos_home, tmp_path, monkeypatch):
    """Two kills in a row (found by the state machine): a translate killed between its SRT and its
    states leaves a new draft the sidecar does not know; an import killed after its history line,
    before its SRT, leaves a last version the file never got. The draft is still the machine's."""
    import packager.atomic as atomic

    project = translated_project
    translate(project, argos_home, "--no-documents")
    french = project / "subtitles/fr/module-1.srt"
    cues = read_srt(french)
    french.write_text(srt([(c.start, c.end, "Bonjour." if n == 0 else c.text) for n, c in enumerate(cues[:-2])]),
                      encoding="utf-8")
    sidecar = es(project).with_name("module-1.srt.states.json")
    before = sidecar.read_bytes()
    killed = run_killed(project, argos_home, KILL_AT_SECOND_RENAME, "translate", "--no-documents")
    assert killed.returncode in (-9, 137), killed.stderr
    assert sidecar.read_bytes() == before and len(texts(project)) == len(cues) - 2  # the SRT, not its states
    draft = texts(project)[0]
    assert states(project)[0] == "draft"

    returned = tmp_path / "single.srt"
    returned.write_text(srt([(c.start, c.end, "Hola." if n == 0 else c.text)
                             for n, c in enumerate(read_srt(es(project)))]), encoding="utf-8")

    def killed_rename(tmp, final):
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic, "_publish", killed_rename)
    assert run(project, "review", "import", str(returned), "--module", "module-1", code=None).exit_code == 130
    monkeypatch.undo()
    assert history.read(es(project))[-1].text == "Hola."  # recorded, never written
    assert texts(project)[0] == draft and states(project)[0] == "draft"
    assert "edited" not in run(project, "status").output
    run(project, "review", "import", str(returned), "--module", "module-1")  # completes it
    assert texts(project)[0] == "Hola." and states(project)[0] == "edited"


def test_translate_refuses_an_emptied_transcript_and_keeps_orphans_restorable(translated_project, argos_home):
    """Reproduction 2: approved Spanish, then the French emptied (translate exits 2, nothing
    written) or cut to 3 cues (the Spanish of the vanished cues is orphaned, kept, restorable)."""
    project = translated_project
    translate(project, argos_home, "--no-documents")
    run(project, "review", "approve", "module-1")
    approved = texts(project)
    folder = es(project).parent
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    french = project / "subtitles/fr/module-1.srt"

    french.write_text("", encoding="utf-8")
    from test_translate import run_packager
    refused = run_packager(project, argos_home, "translate", "--no-documents")
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "the transcript has no cues" in refused.stderr and "nothing was translated" in refused.stderr
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before

    french.write_text("\n\n".join(SOURCE_SRT.split("\n\n")[:3]) + "\n", encoding="utf-8")
    result = translate(project, argos_home, "--no-documents")
    assert texts(project) == approved[:3]
    assert result.stderr.count("orphaned: module-1 cue") == 5
    status = run(project, "status").output
    assert "5 orphaned" in status
    listing = run(project, "review", "conflicts").output
    assert "5 orphaned text(s)" in listing and all(repr(t) in listing for t in approved[3:])
    records = history.read(es(project))
    orphan = next(r for r in history.pending(records, "orphan") if r.text == approved[6])
    assert orphan.state == "approved" and orphan.key == "7"
    run(project, "review", "restore", "module-1", "--cue", "3", "--version", str(orphan.n))
    assert texts(project)[2] == approved[6] and states(project)[2] == "edited"
    assert "4 orphaned" in run(project, "status").output
    assert repr(approved[2]) in run(project, "review", "history", "module-1", "--cue", "3").output


def test_xliff_12_with_renumbered_units_says_save_as_xliff_20(project: Path, tmp_path: Path):
    ns = "urn:oasis:names:tc:xliff:document:1.2"
    units = "".join(f'<trans-unit id="tu{n}"><source>{fr}</source><target>{es}</target></trans-unit>'
                    for n, ((_, _, fr), es) in enumerate(zip(FR, ES), start=1))
    back = tmp_path / "01-module-1.es.xlf"
    back.write_text(f'<xliff xmlns="{ns}" version="1.2"><file original="module-1.srt"><body>{units}</body></file>'
                    "</xliff>", encoding="utf-8")
    result = run(project, "review", "import", str(back), code=2)
    assert "no such cue" in result.output and "save as XLIFF 2.0" in result.output


def test_a_transcripts_pending_conflict_and_orphan_are_listed_shown_and_settled(project: Path):
    """The French transcript has a unit history too: what waits in it is listed by `review conflicts`,
    counted by `status` (in the source cues' column) and settled with --source."""
    french = project / "subtitles/fr/module-1.srt"
    pending = history.Pending(french)
    pending.add(history.Record("conflict", "2", "Nous formons des jeunes\nen pâtisserie.", who=history.PERSON,
                               by="a returned transcript", origin="kit return", when="2026-12-01T10:00:00Z",
                               home=FR[1][2], reason="changed at home"))
    pending.orphan("4", "Merci à vous.", state="edited", by="packager transcribe", when="2026-12-01T10:00:00Z")
    pending.flush()
    listing = run(project, "review", "conflicts", code=1)
    assert "module-1 (transcript) cue 2" in listing.output and "en pâtisserie" in listing.output
    assert "module-1 (transcript): orphaned" in listing.output and "Merci à vous." in listing.output
    assert "--source" in listing.output
    (row,) = module_rows(Project.load(project))  # what `status` prints (its table wraps the cells)
    assert row.source_cues.endswith(" · 1 conflict · 1 orphaned") and "conflict" not in row.review
    wrong = run(project, "review", "resolve", "module-1", "--cue", "2", "--take", "returned", code=2)
    assert "has no pending conflict" in wrong.output  # the Spanish file's cue 2 has none
    run(project, "review", "resolve", "module-1", "--cue", "2", "--take", "returned", "--source")
    assert read_srt(french)[1].text == "Nous formons des jeunes\nen pâtisserie."
    listing = run(project, "review", "conflicts")  # exit 0: the orphan waits, nothing to settle
    assert "0 conflict(s) pending, 1 orphaned text(s)" in listing.output
