"""The editor's return file (.return.json) read back by `packager review import`, without a browser:
bad files get clear errors, a file of another kit is refused, and whatever a translator does in the
editor arrives exactly (property-based). The browser side is tests/test_editor_browser.py."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from packager.errors import PackagerError
from packager.project import Project
from packager.review.editor_return import is_editor_return, parse_editor_return
from packager.review.states import StateFile, UnitState, effective_state
from packager.subtitles.cues import read_srt
from review_support import drafted_project, editor_file, run

FR = [(1.0, 3.0, "Bonjour à tous."), (3.5, 6.0, "Nous formons des jeunes\nen cuisine."),
      (6.5, 9.0, "Le taux de placement est de 14,9 %.")]
ES = ["Hola a todos.", "Formamos a jóvenes\nen cocina.", "La tasa de colocación es de 14,9 %."]


def make_kit(root: Path) -> dict:
    """A drafted project and its kit (no proxy); returns the kit's manifest."""
    drafted_project(root, FR, ES)
    out = root.parent / "kit.zip"
    run(root, "kit", "-o", str(out), "--no-proxy")
    with zipfile.ZipFile(out) as archive:
        name = next(n for n in archive.namelist() if n.endswith("/manifest.json"))
        return json.loads(archive.read(name))


def returned_kit(root: Path, back: Path) -> tuple[Path, dict]:
    """A kit made for a drafted project at `root`, unzipped into `back` as a translator would: its folder
    and its manifest."""
    make_kit(root)
    with zipfile.ZipFile(root.parent / "kit.zip") as archive:
        archive.extractall(back)
    (folder,) = list(back.iterdir())
    return folder, json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def current(root: Path) -> list[tuple[str, str, str | None]]:
    module = Project.load(root).module("module-1")
    source, target = read_srt(module.subtitle_path("fr")), read_srt(module.subtitle_path("es"))
    states = StateFile.load(module.subtitle_path("es"))
    return [(t.text, effective_state(states.units.get(str(n)), s.text, t.text),
             states.units[str(n)].comment if str(n) in states.units else None)
            for n, (s, t) in enumerate(zip(source, target), start=1)]


def test_return_file_names():
    assert is_editor_return("01-entreprise-a.return.json")
    assert is_editor_return("Downloads/01-entreprise-a.return (1).json")  # Chromium's second download
    assert is_editor_return("01-entreprise-a.return(2).json")  # Firefox's
    assert not is_editor_return("manifest.json") and not is_editor_return("01-a.es.xliff")


@pytest.mark.parametrize("content, message, where", [
    (b"{not json", "not readable JSON", None),
    (b'{"format": "packager-review/1"}', "not a return file of the kit's editor", None),
    (b'{"format": "packager-editor/1", "module": "module-1"}', "no cue list", None),
    (b'{"format": "packager-editor/1", "module": "m", "cues": [{"n": 2, "start": 1, "end": 2, "target": "x", '
     b'"state": "ok"}]}', "unknown state 'ok'", "cue 2"),
    (b'{"format": "packager-editor/1", "module": "m", "cues": [{"n": 1, "start": 1, "target": "x", '
     b'"state": "draft"}]}', "times are missing", "cue 1"),
    (b'{"format": "packager-editor/1", "module": "m", "cues": [{"n": "1", "start": 1, "end": 2, "target": "x", '
     b'"state": "draft"}]}', "not a positive whole number", "cue 1"),
])
def test_bad_return_files_say_what_and_where(content: bytes, message: str, where: str | None):
    with pytest.raises(PackagerError) as caught:
        parse_editor_return(content, "01-m.return.json")
    assert message in caught.value.message and caught.value.where == where
    assert "01-m.return.json" in str(caught.value.path)


def test_a_broken_return_file_is_exit_2_without_traceback(tmp_path: Path):
    root = tmp_path / "proj"
    manifest = make_kit(root)
    document = editor_file(manifest, {})
    document["cues"][1]["state"] = "lu"
    path = tmp_path / "01-module-1.return.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = run(root, "review", "import", str(path), code=2)
    assert "unknown state 'lu'" in result.output and "cue 2" in result.output and "Traceback" not in result.output


def test_a_return_file_of_another_kit_inside_a_kit_is_refused(tmp_path: Path):
    root = tmp_path / "proj"
    folder, manifest = returned_kit(root, tmp_path / "back")
    document = editor_file(manifest, {1: {"target": "Buenos días a todos."}})
    document["kit"] = "some-other-kit-20260101-000000"
    (folder / "01-module-1.return.json").write_text(json.dumps(document), encoding="utf-8")
    before = current(root)
    result = run(root, "review", "import", str(folder), code=2)
    assert "01-module-1.return.json was saved in the editor of kit 'some-other-kit-20260101-000000'" in result.output
    assert current(root) == before


TEXTS = st.text(alphabet="abcdeáñ ¿?¡!,.\n", min_size=1, max_size=30).filter(lambda t: t.strip())


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.dictionaries(st.integers(1, 3), st.fixed_dictionaries({}, optional={
    "target": TEXTS, "state": st.sampled_from(["approved", "draft", "edited", "needs-review"]),
    "comment": st.text(alphabet="xyz ¿?", max_size=12)}), max_size=3))
def test_whatever_is_done_in_the_editor_arrives_exactly(tmp_path_factory, edits):
    """Every text, approval and comment of the return arrives; a cue left alone is not touched."""
    root = tmp_path_factory.mktemp("prop") / "proj"
    manifest = make_kit(root)
    before = current(root)
    path = root.parent / "01-module-1.return.json"
    path.write_text(json.dumps(editor_file(manifest, edits)), encoding="utf-8")
    run(root, "review", "import", str(path))
    after = current(root)
    for n in (1, 2, 3):
        edit = edits.get(n, {})
        text, state, comment = after[n - 1]
        wanted = "\n".join(line.strip() for line in edit.get("target", ES[n - 1]).split("\n") if line.strip())
        changed = " ".join(wanted.split()) != " ".join(ES[n - 1].split())
        assert " ".join(text.split()) == " ".join(wanted.split())
        if edit.get("state") == "approved":
            assert state == "approved"
        else:
            assert state == ("edited" if changed else "draft")
        assert comment == ((edit.get("comment") or "").strip() or None)
        if not edit:
            assert after[n - 1] == before[n - 1]


def test_states_without_confidence_read_and_write_as_before(tmp_path: Path):
    target = tmp_path / "a.srt"
    sidecar = tmp_path / "a.srt.states.json"
    old = {"format": "packager-states/1", "units": {"1": {"state": "draft", "source_hash": "a", "target_hash": "b",
                                                          "machine": "m", "who": "w", "when": "t", "comment": None}}}
    sidecar.write_text(json.dumps(old, indent=2) + "\n", encoding="utf-8")
    states = StateFile.load(target)
    assert states.units["1"].confidence is None
    assert json.loads(states.to_text()) == old  # no new key when there is no confidence
    states.units["2"] = UnitState("draft", "c", "d", confidence=0.42)
    states.save()
    again = StateFile.load(target)
    assert again.units["2"].confidence == 0.42 and again.units["1"] == states.units["1"]
    data = json.loads(sidecar.read_text(encoding="utf-8"))
    data["units"]["2"]["confidence"] = "high"  # advice only: a bad value is ignored, not an error
    sidecar.write_text(json.dumps(data), encoding="utf-8")
    assert StateFile.load(target).units["2"].confidence is None


def test_the_read_mes_explain_the_editor_first(tmp_path: Path):
    root = tmp_path / "proj"
    make_kit(root)
    with zipfile.ZipFile(root.parent / "kit.zip") as archive:
        texts = {name.rsplit("/", 1)[-1]: archive.read(name).decode("utf-8-sig") for name in archive.namelist()
                 if name.endswith(("LEAME.txt", "LISEZMOI.txt"))}
        assert any(name.endswith("/editor.html") for name in archive.namelist())
    for name, save in (("LEAME.txt", "«Guardar mi trabajo»"), ("LISEZMOI.txt", "« Enregistrer mon travail »")):
        text = " ".join(texts[name].split())
        assert text.index("editor.html") < text.index(".docx"), name  # the editor first
        assert save in text and "01-module-1.return.json" in text and "Alt+P" in text, name
        assert ".return.json" in text[text.index("QUÉ DEVOLVER" if name == "LEAME.txt" else "CE QU'ON RENVOIE"):]


def test_saved_twice_in_a_kit_only_the_last_save_counts(tmp_path: Path):
    root = tmp_path / "proj"
    folder, manifest = returned_kit(root, tmp_path / "back")
    monday = editor_file(manifest, {1: {"target": "Hola, buenos días."}})
    monday["saved"] = "2026-12-07T18:00:00Z"
    tuesday = editor_file(manifest, {1: {"target": "Buenos días a todos."}, 2: {"state": "approved"}})
    tuesday["saved"] = "2026-12-08T18:00:00Z"
    (folder / "01-module-1.return (1).json").write_text(json.dumps(tuesday), encoding="utf-8")
    (folder / "01-module-1.return.json").write_text(json.dumps(monday), encoding="utf-8")
    result = run(root, "review", "import", str(folder))
    assert "01-module-1.return.json: an older save" in " ".join(result.output.split())
    assert [t for t, _, _ in current(root)] == ["Buenos días a todos.", ES[1], ES[2]]
    assert [s for _, s, _ in current(root)] == ["edited", "approved", "draft"]


def test_an_approval_taken_back_in_the_editor_is_needs_review(tmp_path: Path):
    root = tmp_path / "proj"
    drafted_project(root, FR, ES)
    run(root, "review", "approve", "module-1", "--cues", "1")
    out = root.parent / "kit.zip"
    run(root, "kit", "-o", str(out), "--no-proxy")
    with zipfile.ZipFile(out) as archive:
        manifest = json.loads(archive.read(next(n for n in archive.namelist() if n.endswith("/manifest.json"))))
    assert manifest["modules"][0]["cues"][0]["state"] == "approved"
    # What the editor writes when "✓ Approved" is pressed again on an approved cue.
    path = root.parent / "01-module-1.return.json"
    path.write_text(json.dumps(editor_file(manifest, {1: {"state": "needs-review"}})), encoding="utf-8")
    assert "1 needs-review" in run(root, "review", "import", str(path)).output
    assert current(root)[0] == (ES[0], "needs-review", None)
    assert [s for _, s, _ in current(root)[1:]] == ["draft", "draft"]
