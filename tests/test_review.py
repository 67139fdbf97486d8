"""The translator's round trip: `packager review export|import|approve` with real DOCX, SRT and XLIFF files."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import docx
import pytest
from lxml import etree

from packager.project import Project
from packager.review.export import EXPORTS_FILE
from packager.review.states import StateFile, effective_state, text_hash
from packager.subtitles.cues import read_srt
from review_support import drafted_project, edit_review_docx, run, srt

FR = [
    (1.0, 3.0, "Bonjour à tous."),
    (3.5, 6.0, "Nous formons des jeunes\nen cuisine."),
    (6.5, 9.0, "Le taux de placement est de 14,9 %."),
    (9.5, 12.0, "Merci de votre attention."),
]
ES = ["Hola a todos.", "Formamos a jóvenes\nen cocina.", "La tasa de colocación es de 14,9 %.", "Gracias por su atención."]
XLIFF = "urn:oasis:names:tc:xliff:document:2.0"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return drafted_project(tmp_path / "proj", FR, ES)


def snapshot(root: Path) -> dict[str, bytes]:
    base = root / "subtitles/es"
    return {p.name: p.read_bytes() for p in sorted(base.iterdir())}


def states_now(root: Path) -> list[str]:
    project = Project.load(root)
    module = project.module("module-1")
    source = read_srt(module.subtitle_path("fr"))
    target = read_srt(module.subtitle_path("es"))
    states = StateFile.load(module.subtitle_path("es"))
    return [effective_state(states.units.get(str(n)), s.text, t.text)
            for n, (s, t) in enumerate(zip(source, target), start=1)]


def es_texts(root: Path) -> list[str]:
    return [c.text for c in read_srt(root / "subtitles/es/module-1.srt")]


# ---------------------------------------------------------------------------------------------- DOCX


def test_docx_export_is_a_bilingual_table(project: Path, tmp_path: Path):
    out = tmp_path / "m1.docx"
    run(project, "review", "export", "module-1", "--format", "docx", "-o", str(out))
    document = docx.Document(str(out))
    table = document.tables[0]
    assert len(table.rows) == 1 + len(FR)
    header = [c.text for c in table.rows[0].cells]
    assert header[0] == "N°" and "Español" in header[3] and "Comentario" in header[5]
    row = [c.text for c in table.rows[2].cells]
    assert row[0].startswith("2 [")  # the number, then the hidden identity run
    assert row[1] == "00:00:03,500 → 00:00:06,000"
    assert row[2] == FR[1][2] and row[3] == ES[1] and row[4] == "borrador"
    hidden = [r for r in table.rows[2].cells[0].paragraphs[0].runs if r.font.hidden]
    assert hidden and text_hash(FR[1][2]) in hidden[0].text
    assert any("packager-review/1 module=module-1" in p.text for p in document.paragraphs)


def test_docx_unchanged_changes_nothing(project: Path, tmp_path: Path):
    out = tmp_path / "m1.docx"
    run(project, "review", "export", "module-1", "--format", "docx", "-o", str(out))
    before = snapshot(project)
    result = run(project, "review", "import", str(out))
    assert "0 changed, 0 approved, 0 commented" in result.output
    assert snapshot(project) == before


def test_docx_edits_approvals_and_comments(project: Path, tmp_path: Path):
    out = tmp_path / "m1.docx"
    run(project, "review", "export", "module-1", "--format", "docx", "-o", str(out))
    document = docx.Document(str(out))
    rows = document.tables[0].rows
    rows[2].cells[3].text = "Formamos a jóvenes\nen gastronomía."
    rows[3].cells[4].text = "Aprobado"
    rows[4].cells[5].text = "¿«atención» o «escucha»?"
    edited = tmp_path / "m1-back.docx"
    document.save(str(edited))
    timing_before = [(c.start, c.end) for c in read_srt(project / "subtitles/es/module-1.srt")]
    result = run(project, "review", "import", str(edited))
    assert "1 changed, 1 approved, 1 commented" in result.output
    assert "module-1: changed cue 2; approved cue 3; commented cue 4" in result.output  # which cues
    assert es_texts(project) == [ES[0], "Formamos a jóvenes\nen gastronomía.", ES[2], ES[3]]
    assert [(c.start, c.end) for c in read_srt(project / "subtitles/es/module-1.srt")] == timing_before
    assert states_now(project) == ["draft", "edited", "approved", "draft"]
    states = StateFile.load(project / "subtitles/es/module-1.srt")
    assert states.units["4"].comment == "¿«atención» o «escucha»?"
    assert states.units["2"].machine == ES[1]  # the machine draft is kept for reviewers
    # The comment comes back out in the next export.
    again = tmp_path / "again.docx"
    run(project, "review", "export", "module-1", "-o", str(again))
    assert docx.Document(str(again)).tables[0].rows[4].cells[5].text == "¿«atención» o «escucha»?"


def test_the_same_return_twice_changes_nothing_and_keeps_a_newer_approval(project: Path, tmp_path: Path):
    out = tmp_path / "m1.docx"
    run(project, "review", "export", "module-1", "-o", str(out))
    edit_review_docx(out, texts={1: "¡Hola a todos!"}, states={2: "aprobado"})
    assert "1 changed, 1 approved" in run(project, "review", "import", str(out)).output
    after = snapshot(project)
    result = run(project, "review", "import", str(out))
    assert "0 changed, 0 approved, 0 commented" in result.output and snapshot(project) == after
    # The producer approves the translator's text, then the old file is imported once more.
    run(project, "review", "approve", "module-1", "--cues", "1")
    result = run(project, "review", "import", str(out))
    assert "0 changed, 0 approved" in result.output and "0 conflict(s)" in result.output
    assert states_now(project) == ["approved", "approved", "draft", "draft"]


def test_a_state_word_not_understood_is_reported(project: Path, tmp_path: Path):
    out = tmp_path / "m1.docx"
    run(project, "review", "export", "module-1", "-o", str(out))
    document = docx.Document(str(out))
    document.tables[0].rows[1].cells[4].text = "listo"
    document.tables[0].rows[2].cells[4].text = "Aprobado."
    document.save(str(out))
    result = run(project, "review", "import", str(out))
    assert "cue 1: the state «listo» is not understood" in result.output and "write «aprobado»" in result.output
    assert states_now(project) == ["draft", "approved", "draft", "draft"]


def test_docx_with_a_deleted_row_or_moved_time_is_refused(project: Path, tmp_path: Path):
    out = tmp_path / "m1.docx"
    run(project, "review", "export", "module-1", "-o", str(out))
    before = snapshot(project)
    document = docx.Document(str(out))
    table = document.tables[0]
    table.rows[1].cells[3].text = "Cambiado."
    table._tbl.remove(table.rows[3]._tr)
    short = tmp_path / "short.docx"
    document.save(str(short))
    result = run(project, "review", "import", str(short), code=2)
    assert "3 cues returned, the Spanish track has 4" in result.output
    assert "nothing was written" in result.output
    assert snapshot(project) == before

    document = docx.Document(str(out))
    document.tables[0].rows[2].cells[1].text = "00:00:03,600 → 00:00:06,000"
    document.tables[0].rows[1].cells[3].text = "Cambiado."
    moved = tmp_path / "moved.docx"
    document.save(str(moved))
    result = run(project, "review", "import", str(moved), code=2)
    assert "cue 2: timing 00:00:03,600" in result.output
    assert snapshot(project) == before


def test_conflict_keeps_a_newer_approval(project: Path, tmp_path: Path):
    out = tmp_path / "m1.docx"
    run(project, "review", "export", "module-1", "-o", str(out))
    run(project, "review", "approve", "module-1", "--cues", "2")  # at home, after the export
    document = docx.Document(str(out))
    document.tables[0].rows[2].cells[3].text = "Texto viejo del traductor."
    document.tables[0].rows[1].cells[3].text = "¡Hola a todos!"
    back = tmp_path / "back.docx"
    document.save(str(back))
    result = run(project, "review", "import", str(back), code=1)
    assert "conflict" in result.output and "Texto viejo del traductor." in result.output
    assert ES[1].replace("\n", "\\n") in result.output  # both texts are shown
    assert es_texts(project)[1] == ES[1] and es_texts(project)[0] == "¡Hola a todos!"
    assert states_now(project)[:2] == ["edited", "approved"]


def test_french_changed_since_export_is_needs_review(project: Path, tmp_path: Path):
    out = tmp_path / "m1.docx"
    run(project, "review", "export", "module-1", "-o", str(out))
    changed = list(FR)
    changed[2] = (6.5, 9.0, "Le taux de placement atteint 14,9 %.")
    (project / "subtitles/fr/module-1.srt").write_text(srt(changed), encoding="utf-8")
    back = edit_review_docx(out, texts={3: "La tasa de inserción es de 14,9 %."}, states={3: "aprobado"},
                            save_to=tmp_path / "back.docx")
    result = run(project, "review", "import", str(back))
    assert "1 needs-review" in result.output and "0 approved" in result.output
    assert es_texts(project)[2] == "La tasa de inserción es de 14,9 %."
    assert states_now(project)[2] == "needs-review"


def test_not_a_review_docx_is_a_clean_error(project: Path, tmp_path: Path):
    plain = tmp_path / "plain.docx"
    docx.Document().save(str(plain))
    result = run(project, "review", "import", str(plain), code=2)
    assert "not a packager review file" in result.output and "Traceback" not in result.output
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"not a zip")
    result = run(project, "review", "import", str(broken), code=2)
    assert "not a readable DOCX" in result.output
    odt = tmp_path / "module-1.es.odt"
    odt.write_bytes(b"PK")
    result = run(project, "review", "import", str(odt), code=2)
    assert "saved as OpenDocument (.odt)" in result.output and "save it again as" in result.output


# ---------------------------------------------------------------------------------------------- SRT


def test_srt_from_a_subtitle_editor(project: Path, tmp_path: Path):
    out = tmp_path / "module-1.es.srt"
    run(project, "review", "export", "module-1", "--format", "srt", "-o", str(out))
    cues = read_srt(out)
    assert [c.text for c in cues] == ES
    # Subtitle Edit on Windows: renumbered from 10, CRLF, Windows-1252.
    edited = [(c.start, c.end, c.text) for c in cues]
    edited[3] = (edited[3][0], edited[3][1], "Muchas gracias por su atención.")
    text = srt(edited).replace("1\n00:", "10\n00:", 1).replace("\n", "\r\n")
    back = tmp_path / "module-1.es-back.srt"
    back.write_bytes(text.encode("cp1252"))
    result = run(project, "review", "import", str(back), "--module", "module-1")
    assert "1 changed" in result.output
    assert es_texts(project)[3] == "Muchas gracias por su atención."
    assert states_now(project) == ["draft", "draft", "draft", "edited"]


def test_srt_with_shifted_timing_lists_the_unmatched_cues(project: Path, tmp_path: Path):
    before = snapshot(project)
    shifted = [(a + 0.5, b + 0.5, t) if n == 2 else (a, b, t)
               for n, ((a, b, _), t) in enumerate(zip(FR, ES), start=1)]
    back = tmp_path / "module-1.srt"  # the module is found from the name
    back.write_text(srt(shifted), encoding="utf-8")
    result = run(project, "review", "import", str(back), code=2)
    assert "matches no cue's timing" in result.output
    assert "cue 2 (00:00:03,500 → 00:00:06,000) is missing" in result.output
    assert snapshot(project) == before


def test_srt_named_after_no_module_says_which_module_it_fits(project: Path, tmp_path: Path):
    back = tmp_path / "subtitulos-corregidos.srt"
    back.write_text(srt([(a, b, t) for (a, b, _), t in zip(FR, ES)]), encoding="utf-8")
    before = snapshot(project)
    result = run(project, "review", "import", str(back), code=2)
    assert "module 'subtitulos-corregidos' (from its name)" in result.output
    assert "its timing is that of module 'module-1': import it with --module module-1" in result.output
    assert snapshot(project) == before
    run(project, "review", "import", str(back), "--module", "module-1")


def test_srt_cannot_change_an_approved_cue(project: Path, tmp_path: Path):
    run(project, "review", "approve", "module-1")
    back = tmp_path / "module-1.srt"
    texts = list(ES)
    texts[0] = "Buenos días a todos."
    back.write_text(srt([(a, b, t) for (a, b, _), t in zip(FR, texts)]), encoding="utf-8")
    result = run(project, "review", "import", str(back), code=1)
    assert "conflict" in result.output
    assert es_texts(project)[0] == ES[0]


# ---------------------------------------------------------------------------------------------- XLIFF


def test_xliff_round_trip_with_a_cat_tool(project: Path, tmp_path: Path):
    out = tmp_path / "m1.xliff"
    run(project, "review", "export", "module-1", "--format", "xliff", "-o", str(out))
    tree = etree.parse(str(out))
    ns = {"x": XLIFF}
    root = tree.getroot()
    assert root.get("version") == "2.0" and root.get("srcLang") == "fr" and root.get("trgLang") == "es"
    units = root.findall(".//x:unit", ns)
    assert [u.get("id") for u in units] == ["1", "2", "3", "4"]
    assert units[0].find("x:segment", ns).get("state") == "initial"
    # A CAT tool: edits unit 1, confirms unit 3 as final, adds a note on unit 4.
    units[0].find("x:segment/x:target", ns).text = "¡Hola a todas y todos!"
    units[2].find("x:segment", ns).set("state", "final")
    notes = etree.Element(f"{{{XLIFF}}}notes")
    etree.SubElement(notes, f"{{{XLIFF}}}note").text = "Revisar la cifra."
    units[3].find("x:segment", ns).addprevious(notes)
    back = tmp_path / "m1-back.xlf"
    tree.write(str(back), xml_declaration=True, encoding="UTF-8")
    result = run(project, "review", "import", str(back))
    assert "1 changed, 1 approved, 1 commented" in result.output
    assert es_texts(project)[0] == "¡Hola a todas y todos!"
    assert states_now(project) == ["edited", "draft", "approved", "draft"]
    assert StateFile.load(project / "subtitles/es/module-1.srt").units["4"].comment == "Revisar la cifra."
    # Exported again: the states map onto XLIFF's.
    run(project, "review", "export", "module-1", "--format", "xliff", "-o", str(out))
    states = [s.get("state") for s in etree.parse(str(out)).getroot().findall(".//x:segment", ns)]
    assert states == ["translated", "initial", "final", "initial"]


def test_xliff_with_a_missing_unit_is_refused(project: Path, tmp_path: Path):
    out = tmp_path / "m1.xliff"
    run(project, "review", "export", "module-1", "--format", "xliff", "-o", str(out))
    tree = etree.parse(str(out))
    unit = tree.getroot().findall(f".//{{{XLIFF}}}unit")[1]
    unit.getparent().remove(unit)
    tree.write(str(out))
    before = snapshot(project)
    result = run(project, "review", "import", str(out), code=2)
    assert "3 cues returned, the Spanish track has 4" in result.output
    assert snapshot(project) == before


# ---------------------------------------------------------------------------------------------- approve


def test_approve_ranges(project: Path):
    result = run(project, "review", "approve", "module-1", "--cues", "1-2,4")
    assert "3 cue(s) newly approved" in result.output
    assert states_now(project) == ["approved", "approved", "draft", "approved"]
    run(project, "review", "approve", "module-1", "--cues", "9", code=2)
    run(project, "review", "approve", "module-1", "--cues", "3-1", code=2)


def test_approve_names_the_missing_cues_as_ranges(project: Path):
    before = snapshot(project)
    result = run(project, "review", "approve", "module-1", "--cues", "1-99", code=2)
    assert "no cues 5–99 in module-1 (it has 4)" in result.output, result.output
    assert "5, 6, 7" not in result.output
    result = run(project, "review", "approve", "module-1", "--cues", "2,6,8-9,0", code=2)
    assert "no cues 0, 6, 8–9 in module-1 (it has 4)" in result.output, result.output
    result = run(project, "review", "approve", "module-1", "--cues", "9", code=2)
    assert "no cue 9 in module-1 (it has 4)" in result.output, result.output
    assert snapshot(project) == before  # nothing approved, not even the cues that exist


def test_export_into_a_missing_folder_is_refused(project: Path, tmp_path: Path):
    missing = tmp_path / "nowhere" / "deeper"
    result = run(project, "review", "export", "module-1", "-o", str(missing / "m1.docx"), code=2)
    assert f"error: folder {missing} does not exist: create it or choose another path" in result.output
    assert not (tmp_path / "nowhere").exists()
    assert not (Project.load(project).cache_dir / EXPORTS_FILE).exists()  # no export recorded either


def test_xliff_12_with_state_attribute(project: Path, tmp_path: Path):
    """A CAT tool that only speaks XLIFF 1.2: trans-units, target state="final", notes."""
    ns = "urn:oasis:names:tc:xliff:document:1.2"
    root = etree.Element(f"{{{ns}}}xliff", nsmap={None: ns}, version="1.2")
    file_el = etree.SubElement(root, f"{{{ns}}}file", original="module-1.srt", datatype="plaintext",
                               **{"source-language": "fr", "target-language": "es"})
    body = etree.SubElement(file_el, f"{{{ns}}}body")
    for n, ((_, _, fr), es) in enumerate(zip(FR, ES), start=1):
        unit = etree.SubElement(body, f"{{{ns}}}trans-unit", id=str(n))
        etree.SubElement(unit, f"{{{ns}}}source").text = fr
        target = etree.SubElement(unit, f"{{{ns}}}target", state="final" if n == 2 else "translated")
        if n == 3:  # approved the other XLIFF 1.2 way
            unit.set("approved", "yes")
        target.text = "Gracias." if n == 4 else es
    back = tmp_path / "back.xlf"
    back.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    result = run(project, "review", "import", str(back))
    assert "1 changed, 2 approved" in result.output
    assert states_now(project) == ["draft", "approved", "approved", "edited"]


def test_docx_tracked_changes_are_taken_as_accepted(project: Path, tmp_path: Path):
    """Word with "track changes" on: insertions sit in <w:ins>, deletions in <w:del>."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    out = tmp_path / "m1.docx"
    run(project, "review", "export", "module-1", "-o", str(out))
    document = docx.Document(str(out))
    paragraph = document.tables[0].rows[1].cells[3].paragraphs[0]
    run_el = paragraph.runs[0]._r
    run_el.addprevious(parse_xml(f'<w:del {nsdecls("w")} w:id="1" w:author="T" w:date="2026-01-01T00:00:00Z">'
                                 '<w:r><w:delText>Hola a todos.</w:delText></w:r></w:del>'))
    run_el.addprevious(parse_xml(f'<w:ins {nsdecls("w")} w:id="2" w:author="T" w:date="2026-01-01T00:00:00Z">'
                                 '<w:r><w:t xml:space="preserve">Buenas tardes </w:t></w:r></w:ins>'))
    run_el.getparent().remove(run_el)
    paragraph._p.append(parse_xml(f'<w:ins {nsdecls("w")} w:id="3" w:author="T" w:date="2026-01-01T00:00:00Z">'
                                  '<w:r><w:t>a todos.</w:t></w:r></w:ins>'))
    back = tmp_path / "back.docx"
    document.save(str(back))
    run(project, "review", "import", str(back))
    assert es_texts(project)[0] == "Buenas tardes a todos."


# ---------------------------------------------------------------------------------------------- with `translate`


def test_edits_from_every_format_survive_translate(tmp_path: Path):
    """Machine drafts (the tiny offline Argos model), a person's work through DOCX, XLIFF and SRT, then
    `translate` again: the person's text stays; a French change on an approved cue makes it needs-review."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from argos_tiny import build_tiny_argos_package
    from test_argos_tiny import NETWORK_GUARD, _offline_env

    def packager(cwd: Path, *args: str) -> subprocess.CompletedProcess:
        scratch = tmp_path / ".offline"
        scratch.mkdir(exist_ok=True)
        env = _offline_env(scratch, PACKAGER_ARGOS_DIR=str(tmp_path / "argos"), ARGOS_COMPUTE_TYPE="float32")
        env.pop("ARGOS_PACKAGES_DIR", None)
        code = "import sys\nfrom packager.cli import cli\nsys.exit(cli.main(args=sys.argv[1:], prog_name='packager'))\n"
        proc = subprocess.run([sys.executable, "-c", NETWORK_GUARD + code, *args], cwd=cwd, env=env,
                              capture_output=True, text=True, timeout=180)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert Path(env["NET_GUARD_LOG"]).read_text(encoding="utf-8") == ""
        return proc

    files = [build_tiny_argos_package(tmp_path / "files", *pair) for pair in [("fr", "en"), ("en", "es")]]
    packager(tmp_path, "models", "install", *map(str, files))
    root = tmp_path / "proj"
    run(tmp_path, "init", str(root))
    (root / "subtitles/fr/module-1.srt").write_text(srt(FR), encoding="utf-8")
    packager(root, "translate", "module-1", "--no-documents")
    assert states_now(root) == ["draft"] * 4
    drafts = es_texts(root)
    timing = [(c.start, c.end) for c in read_srt(root / "subtitles/es/module-1.srt")]

    for fmt in ("docx", "xliff", "srt"):
        run(root, "review", "export", "module-1", "--format", fmt, "-o", str(tmp_path / f"module-1.{fmt}"))
    document = docx.Document(str(tmp_path / "module-1.docx"))
    document.tables[0].rows[1].cells[3].text = "Hola a todos."
    document.save(str(tmp_path / "module-1.docx"))
    tree = etree.parse(str(tmp_path / "module-1.xliff"))
    tree.getroot().findall(f".//{{{XLIFF}}}segment")[1].set("state", "final")
    tree.write(str(tmp_path / "module-1.xliff"))
    cues = read_srt(tmp_path / "module-1.srt")
    (tmp_path / "module-1.srt").write_text(srt([(c.start, c.end, "La tasa es de 14,9 %." if c.index == 3 else c.text)
                                                for c in cues]), encoding="utf-8")
    for fmt in ("docx", "xliff", "srt"):
        run(root, "review", "import", str(tmp_path / f"module-1.{fmt}"))
    expected = ["Hola a todos.", drafts[1], "La tasa es de 14,9 %.", drafts[3]]
    assert es_texts(root) == expected
    assert states_now(root) == ["edited", "approved", "edited", "draft"]

    # `translate` again, after the French of the approved cue 2 changed (one run, to keep the test
    # short: cues 1 and 3 go through the "nothing changed" path, cue 2 through the "French changed" one).
    changed = list(FR)
    changed[1] = (3.5, 6.0, "Nous formons des jeunes adultes.")
    (root / "subtitles/fr/module-1.srt").write_text(srt(changed), encoding="utf-8")
    proc = packager(root, "translate", "module-1", "--no-documents")
    assert "2 kept, 1 needs-review" in proc.stdout, proc.stdout
    assert es_texts(root) == expected
    assert states_now(root) == ["edited", "needs-review", "edited", "draft"]
    assert [(c.start, c.end) for c in read_srt(root / "subtitles/es/module-1.srt")] == timing


def test_a_stale_srt_does_not_undo_newer_work(project: Path, tmp_path: Path):
    run(project, "review", "export", "module-1", "--format", "srt", "-o", str(tmp_path / "module-1.srt"))
    run(project, "review", "export", "module-1", "--format", "docx", "-o", str(tmp_path / "m1.docx"))
    document = docx.Document(str(tmp_path / "m1.docx"))
    document.tables[0].rows[1].cells[3].text = "Buenos días a todos."
    document.save(str(tmp_path / "m1.docx"))
    run(project, "review", "import", str(tmp_path / "m1.docx"))
    # The SRT (exported before) comes back later with an edit of cue 4 only.
    cues = read_srt(tmp_path / "module-1.srt")
    (tmp_path / "module-1.srt").write_text(srt([(c.start, c.end, "Gracias." if c.index == 4 else c.text)
                                                for c in cues]), encoding="utf-8")
    result = run(project, "review", "import", str(tmp_path / "module-1.srt"))
    assert "1 changed" in result.output and "0 conflict" in result.output
    assert es_texts(project) == ["Buenos días a todos.", ES[1], ES[2], "Gracias."]


def test_approve_documents(project: Path):
    source = project / "workbooks/fr/questions/module-1.toml"
    target = project / "workbooks/es/questions/module-1.toml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")  # stands for a person's Spanish
    result = run(project, "review", "approve", "--documents")
    from packager.texts import read_units
    keys = list(read_units(target))
    assert keys and f"{len(keys)} unit(s) newly approved" in result.output
    states = StateFile.load(target)
    assert {states.units[k].state for k in keys} == {"approved"}
    run(project, "review", "approve", code=2)


def test_a_translator_can_take_an_approval_back(project: Path, tmp_path: Path):
    run(project, "review", "approve", "module-1", "--cues", "2,3")
    out = tmp_path / "m1.docx"
    run(project, "review", "export", "module-1", "-o", str(out))
    # Cue 2: «a revisar» instead of «aprobado», text untouched; cue 3 left approved; cue 1 cell emptied
    # on a draft (an empty cell takes nothing back).
    edit_review_docx(out, states={2: "a revisar", 1: ""})
    before = es_texts(project)
    result = run(project, "review", "import", str(out))
    assert "1 needs-review" in result.output and "module-1: needs-review cue 2" in result.output
    assert states_now(project) == ["draft", "needs-review", "approved", "draft"]
    assert es_texts(project) == before  # the text is the translator's, kept
    again = run(project, "review", "import", str(out))  # the same return twice changes nothing
    assert "0 changed, 0 approved, 0 commented, 0 needs-review" in again.output
    # Approved again at home after that: the old file does not take the new approval back.
    time.sleep(1.1)  # the states record times to the second
    run(project, "review", "approve", "module-1", "--cues", "2")
    run(project, "review", "import", str(out))
    assert states_now(project)[1] == "approved"


def test_a_cat_tool_taking_an_approval_back_in_xliff(project: Path, tmp_path: Path):
    run(project, "review", "approve", "module-1", "--cues", "3")
    out = tmp_path / "m1.xliff"
    run(project, "review", "export", "module-1", "--format", "xliff", "-o", str(out))
    tree = etree.parse(str(out))
    segment = tree.getroot().findall(".//x:segment", {"x": XLIFF})[2]
    assert segment.get("state") == "final"
    segment.set("state", "translated")
    tree.write(str(out), xml_declaration=True, encoding="UTF-8")
    assert "1 needs-review" in run(project, "review", "import", str(out)).output
    assert states_now(project)[2] == "needs-review"
