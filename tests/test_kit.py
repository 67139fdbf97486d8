"""The translator's kit: `packager kit` and `packager review import KIT.zip|folder`, with real zips and videos."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import imageio_ffmpeg
import numpy as np
import pytest
from lxml import etree

from packager.project import Project
from packager.review.kit_records import kit_history
from packager.review.states import StateFile, effective_state, text_hash
from packager.subtitles.cues import read_srt
from review_support import drafted_project, edit_review_docx, run, srt

FR = [
    (1.0, 3.0, "Bonjour à tous."),
    (3.5, 6.0, "Nous formons des jeunes\nen cuisine."),
    (6.5, 9.0, "Le taux de placement est de 14,9 %."),
]
ES = ["Hola a todos.", "Formamos a jóvenes\nen cocina.", "La tasa de colocación es de 14,9 %."]
FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()


def make_project(root: Path) -> Path:
    drafted_project(root, FR, ES)
    (root / "glossary.toml").write_text('[[term]]\nfr = "entreprise d\'insertion"\nes = "empresa de inserción"\n\n'
                                        '[[term]]\nfr = "MESS"\nkeep = true\n', encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def proxy_kit(tmp_path_factory) -> tuple[Path, Path]:
    """One kit with its proxy video, made once (the encode is the slow part)."""
    root = make_project(tmp_path_factory.mktemp("kitp") / "proj")
    out = root.parent / "kit.zip"
    run(root, "kit", "-o", str(out), "--preset", "ultrafast")
    return root, out


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "proj")


def snapshot(root: Path) -> dict[str, bytes]:
    files = [*sorted((root / "subtitles/es").iterdir()), *sorted((root / "workbooks").rglob("*.*"))]
    return {str(p.relative_to(root)): p.read_bytes() for p in files if p.is_file()}


def states_now(root: Path) -> list[str]:
    module = Project.load(root).module("module-1")
    source, target = read_srt(module.subtitle_path("fr")), read_srt(module.subtitle_path("es"))
    states = StateFile.load(module.subtitle_path("es"))
    return [effective_state(states.units.get(str(n)), s.text, t.text)
            for n, (s, t) in enumerate(zip(source, target), start=1)]


def unzip(kit: Path, where: Path) -> Path:
    with zipfile.ZipFile(kit) as archive:
        archive.extractall(where)
    (top,) = list(where.iterdir())
    return top


def rezip(folder: Path, out: Path) -> Path:
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                archive.write(file, f"{folder.name}/{file.relative_to(folder).as_posix()}")
    return out


def gray_frame(path: Path, seconds: float) -> np.ndarray:
    raw = subprocess.run([FFMPEG, "-loglevel", "error", "-ss", str(seconds), "-i", str(path), "-frames:v", "1",
                          "-vf", "scale=640:360", "-f", "rawvideo", "-pix_fmt", "gray", "-"],
                         capture_output=True, check=True).stdout
    return np.frombuffer(raw, dtype=np.uint8).reshape(360, 640).astype(int)


# ---------------------------------------------------------------------------------------------- making


def test_kit_contents_and_proxy(proxy_kit):
    root, kit = proxy_kit
    with zipfile.ZipFile(kit) as archive:
        names = archive.namelist()
        tops = {n.split("/", 1)[0] for n in names}
        assert len(tops) == 1
        top = tops.pop()
        inner = {n.split("/", 1)[1] for n in names}
        assert {"01-module-1/01-module-1.es.docx", "01-module-1/01-module-1.es.srt", "01-module-1/01-module-1.es.xliff",
                "01-module-1/01-module-1.proxy.mp4", "glosario-glossaire.docx", "glosario-glossaire.csv",
                "qa-borradores.csv", "LEAME.txt", "LISEZMOI.txt", "manifest.json"} <= inner
        manifest = json.loads(archive.read(f"{top}/manifest.json"))
        leame = archive.read(f"{top}/LEAME.txt").decode("utf-8")
        lisezmoi = archive.read(f"{top}/LISEZMOI.txt").decode("utf-8")
        glossary_csv = archive.read(f"{top}/glosario-glossaire.csv").decode("utf-8-sig")
        (tmp_proxy := root.parent / "proxy.mp4").write_bytes(archive.read(f"{top}/01-module-1/01-module-1.proxy.mp4"))
    assert manifest["format"] == "packager-kit/1" and manifest["created"].endswith("Z")
    cues = manifest["modules"][0]["cues"]
    assert [c["draft"] for c in cues] == ES and cues[1]["source_hash"] == text_hash(FR[1][2])
    # The notes: what is inside, how to work in each format, what never to touch, what to send back.
    expected = {
        "es": ["01-module-1.proxy.mp4", "[37] = subtítulo 37", "aprobado", "Comentario", "a revisar",
               "42 caracteres por línea", "17 caracteres por segundo", "Subtitle Edit", 'state="final"',
               "QUÉ NO TOCAR NUNCA", "los tiempos", "QUÉ DEVOLVER", ".zip", "no hace falta devolverlos",
               "documentos-borrador.docx", "manifest.json"],
        "fr": ["01-module-1.proxy.mp4", "[37] = sous-titre 37", "approuvé", "Commentaire", "a revisar",
               "42 caractères par ligne", "17 caractères par seconde", "Subtitle Edit", 'state="final"',
               "CE QU'ON NE TOUCHE JAMAIS", "les temps", "CE QU'ON RENVOIE", ".zip",
               "Inutile de renvoyer les vidéos", "documentos-borrador.docx", "manifest.json"],
    }
    for lang, text in (("es", leame), ("fr", lisezmoi)):
        flat = " ".join(text.split())
        missing = [w for w in expected[lang] if w not in flat]
        assert not missing, (lang, missing)
    assert "empresa de inserción" in glossary_csv and "MESS" in glossary_csv
    # Workbook questions with no Spanish yet: in the documents DOCX.
    assert "documentos-borrador.docx" in inner
    # The proxy: H.264, 360 lines, the timecode burned in (the top-left corner differs from the footage).
    info = subprocess.run([FFMPEG, "-hide_banner", "-i", str(tmp_proxy)], capture_output=True, text=True).stderr
    assert "Video: h264" in info and "640x360" in info
    # Small: a 20-minute module in 30 MB or less is 200 kb/s, video, audio and container together.
    h, m, sec = re.search(r"Duration: (\d+):(\d+):([\d.]+)", info).groups()
    duration = int(h) * 3600 + int(m) * 60 + float(sec)
    assert tmp_proxy.stat().st_size * 8 / duration < 200_000, tmp_proxy.stat().st_size
    # Readable: against the footage, the timecode (top left) and the French cue (bottom) are burned
    # in and the rest of the picture is intact; the timecode runs.
    footage = root / ".packager/sample-footage/footage/module-1.mp4"
    proxy_frame, plain = gray_frame(tmp_proxy, 2.0), gray_frame(footage, 2.0)
    corner = np.abs(proxy_frame[4:28, 4:140] - plain[4:28, 4:140]).mean()
    background = np.abs(proxy_frame[40:90, 250:400] - plain[40:90, 250:400]).mean()
    subtitle = np.abs(proxy_frame[296:330, 200:440] - plain[296:330, 200:440]).mean()
    assert corner > 25 and subtitle > 8 and background < 6, (corner, subtitle, background)
    later = gray_frame(tmp_proxy, 4.0)
    assert np.abs(later[4:28, 4:140] - proxy_frame[4:28, 4:140]).mean() > 3  # 00:00:02 → 00:00:04
    assert kit_history(Project.load(root))["module-1"]["returned"] is None


def test_kit_returned_unchanged_changes_nothing(proxy_kit, tmp_path: Path):
    root, kit = proxy_kit
    before = snapshot(root)
    result = run(root, "review", "import", str(kit))
    assert "0 changed, 0 approved, 0 commented" in result.output
    assert snapshot(root) == before
    assert kit_history(Project.load(root))["module-1"]["returned"] is not None
    # The unzipped folder (or the folder holding it) works the same.
    folder = unzip(kit, tmp_path / "unz")
    run(root, "review", "import", str(folder))
    run(root, "review", "import", str(folder.parent))
    assert snapshot(root) == before


def test_kit_with_edits_applies_exactly_those(project: Path, tmp_path: Path):
    kit = tmp_path / "kit.zip"
    run(project, "kit", "-o", str(kit), "--no-proxy")
    folder = unzip(kit, tmp_path / "unz")
    table_doc = folder / "01-module-1/01-module-1.es.docx"
    edit_review_docx(table_doc, texts={1: "¡Hola a todos!"}, states={2: "aprobado"}, comments={3: "Cifra verificada."})
    # The documents DOCX: translate the first question.
    documents = folder / "documentos-borrador.docx"
    doc = docx.Document(str(documents))
    first = doc.tables[0].rows[1]
    key = first.cells[0].text.split(" ")[0]
    first.cells[2].text = "¿Qué aprendió usted?"
    doc.save(str(documents))
    back = rezip(folder, tmp_path / "back.zip")
    timing = [(c.start, c.end) for c in read_srt(project / "subtitles/es/module-1.srt")]
    result = run(project, "review", "import", str(back))
    assert "2 changed, 1 approved, 1 commented" in result.output
    assert [c.text for c in read_srt(project / "subtitles/es/module-1.srt")] == ["¡Hola a todos!", ES[1], ES[2]]
    assert [(c.start, c.end) for c in read_srt(project / "subtitles/es/module-1.srt")] == timing
    assert states_now(project) == ["edited", "approved", "draft"]
    assert StateFile.load(project / "subtitles/es/module-1.srt").units["3"].comment == "Cifra verificada."
    doc_id, unit_key = key.split("|")
    target = project / "workbooks/es/questions/module-1.toml"
    from packager.texts import read_units
    assert read_units(target)[unit_key] == "¿Qué aprendió usted?"
    assert StateFile.load(target).units[unit_key].state == "edited"


def test_stale_kit_keeps_the_newer_approval(project: Path, tmp_path: Path):
    kit = tmp_path / "kit.zip"
    run(project, "kit", "-o", str(kit), "--no-proxy")
    run(project, "review", "approve", "module-1", "--cues", "2")  # after the kit went out
    folder = unzip(kit, tmp_path / "unz")
    xliff = folder / "01-module-1/01-module-1.es.xliff"
    xliff.write_text(xliff.read_text(encoding="utf-8").replace("Formamos a jóvenes", "Capacitamos a jóvenes"),
                     encoding="utf-8")
    result = run(project, "review", "import", str(rezip(folder, tmp_path / "back.zip")), code=1)
    assert "conflict" in result.output and "Capacitamos" in result.output
    assert read_srt(project / "subtitles/es/module-1.srt")[1].text == ES[1]
    assert states_now(project)[1] == "approved"


def test_french_changed_since_the_kit_is_needs_review(project: Path, tmp_path: Path):
    kit = tmp_path / "kit.zip"
    run(project, "kit", "-o", str(kit), "--no-proxy")
    changed = list(FR)
    changed[0] = (1.0, 3.0, "Bonjour à toutes et à tous.")
    (project / "subtitles/fr/module-1.srt").write_text(srt(changed), encoding="utf-8")
    folder = unzip(kit, tmp_path / "unz")
    srt_file = folder / "01-module-1/01-module-1.es.srt"
    srt_file.write_text(srt_file.read_text(encoding="utf-8").replace("Hola a todos.", "Hola, buenos días."),
                        encoding="utf-8")
    result = run(project, "review", "import", str(folder))
    assert "1 needs-review" in result.output
    assert states_now(project)[0] == "needs-review"


def test_two_returned_files_that_disagree_are_a_conflict(project: Path, tmp_path: Path):
    kit = tmp_path / "kit.zip"
    run(project, "kit", "-o", str(kit), "--no-proxy")
    folder = unzip(kit, tmp_path / "unz")
    table_doc = folder / "01-module-1/01-module-1.es.docx"
    edit_review_docx(table_doc, texts={1: "Hola, versión Word.", 2: "Formamos a jóvenes\nen cocina profesional."})
    srt_file = folder / "01-module-1/01-module-1.es.srt"
    srt_file.write_text(srt_file.read_text(encoding="utf-8").replace("Hola a todos.", "Hola, versión SRT."),
                        encoding="utf-8")
    result = run(project, "review", "import", str(folder), code=1)
    assert "module-1 cue 1: it was changed differently in two returned files, so neither is applied" in result.output
    assert "'Hola, versión Word.'" in result.output and "'Hola, versión SRT.'" in result.output
    assert "module-1: changed cue 2" in result.output  # the rest is applied
    assert [c.text for c in read_srt(project / "subtitles/es/module-1.srt")][:2] == \
        [ES[0], "Formamos a jóvenes\nen cocina profesional."]


def test_per_module_kits(project: Path, tmp_path: Path):
    run(project, "kit", "module-1", "-o", str(tmp_path / "kit.zip"), "--per-module", "--no-proxy")
    assert (tmp_path / "kit-module-1.zip").is_file()
    with zipfile.ZipFile(tmp_path / "kit-module-1.zip") as archive:
        assert not any(n.endswith(".mp4") for n in archive.namelist())
        (leame,) = [n for n in archive.namelist() if n.endswith("/LEAME.txt")]
        notes = archive.read(leame).decode("utf-8-sig")
    assert ".mp4" not in notes and "01-module-1.es.docx" in notes  # a texts-only kit promises no video
    assert "\r\n" in notes  # Windows' Notepad shows the lines


def test_kit_into_a_missing_folder_is_refused(project: Path, tmp_path: Path):
    missing = tmp_path / "nowhere"
    for extra in ((), ("--per-module",)):
        result = run(project, "kit", "-o", str(missing / "kit.zip"), "--no-proxy", *extra, code=2)
        assert f"error: folder {missing} does not exist: create it or choose another path" in result.output
        assert not missing.exists() and "kit: " not in result.output
    assert kit_history(Project.load(project)) == {}  # no kit recorded as sent
    (tmp_path / "file").write_text("x")
    result = run(project, "kit", "-o", str(tmp_path / "file" / "kit.zip"), "--no-proxy", code=2)
    assert "is not a folder" in result.output


def test_a_kit_file_sent_back_alone(project: Path, tmp_path: Path):
    """The translator e-mails only the DOCX: imported on its own, it is applied and the kit counts as back."""
    kit = tmp_path / "kit.zip"
    run(project, "kit", "-o", str(kit), "--no-proxy")
    folder = unzip(kit, tmp_path / "unz")
    table_doc = folder / "01-module-1/01-module-1.es.docx"
    edit_review_docx(table_doc, texts={3: "La tasa de inserción es de 14,9 %."})
    result = run(project, "review", "import", str(table_doc))
    assert "module-1: changed cue 3" in result.output
    assert kit_history(Project.load(project))["module-1"]["returned"] is not None


# ---------------------------------------------------------------------------------------------- refusals


def _refused(project: Path, kit: Path, message: str) -> None:
    before = snapshot(project)
    history = kit_history(Project.load(project))
    result = run(project, "review", "import", str(kit), code=2)
    assert message in result.output and "nothing was written" in result.output, result.output
    assert "Traceback" not in result.output
    assert snapshot(project) == before
    assert kit_history(Project.load(project)) == history


def test_zip_with_a_parent_path_member_is_refused(project: Path, tmp_path: Path):
    kit = tmp_path / "kit.zip"
    run(project, "kit", "-o", str(kit), "--no-proxy")
    folder = unzip(kit, tmp_path / "unz")
    table_doc = folder / "01-module-1/01-module-1.es.docx"
    edit_review_docx(table_doc, texts={1: "Cambiado."})
    evil = rezip(folder, tmp_path / "evil.zip")
    with zipfile.ZipFile(evil, "a") as archive:
        archive.writestr(f"{folder.name}/../../escape.txt", "x")
    _refused(project, evil, "unsafe member name")
    assert not (tmp_path / "escape.txt").exists()


def test_foreign_or_damaged_kits_are_refused(project: Path, tmp_path: Path):
    kit = tmp_path / "kit.zip"
    run(project, "kit", "-o", str(kit), "--no-proxy")
    folder = unzip(kit, tmp_path / "unz")
    table_doc = folder / "01-module-1/01-module-1.es.docx"
    edit_review_docx(table_doc, texts={1: "Cambiado."})
    # An unexpected member.
    (folder / "extra.exe").write_bytes(b"MZ")
    _refused(project, rezip(folder, tmp_path / "extra.zip"), "unexpected member extra.exe")
    (folder / "extra.exe").unlink()
    # A manifest from another project.
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["project"] = "otro-proyecto"
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    _refused(project, rezip(folder, tmp_path / "foreign.zip"), "made for project 'otro-proyecto'")
    # Not a zip at all.
    (tmp_path / "junk.zip").write_bytes(b"PK\x03\x04 damaged")
    _refused(project, tmp_path / "junk.zip", "not a readable zip")
    # The table saved as .odt beside the .docx, a renamed copy: refused, saying what to do.
    manifest["project"] = "entreprises-insertion-quebec"
    shutil.rmtree(tmp_path / "unz")
    folder = unzip(kit, tmp_path / "unz")
    odt = folder / "01-module-1/01-module-1.es.odt"
    odt.write_bytes(b"PK")
    _refused(project, rezip(folder, tmp_path / "odt.zip"), "saved as OpenDocument (.odt): save it as the kit's "
                                                           "01-module-1.es.docx instead")
    odt.rename(folder / "01-module-1/01-module-1.es (revisado).docx")
    _refused(project, rezip(folder, tmp_path / "renamed.zip"), "renamed? a returned file keeps its name")
    (folder / "01-module-1/01-module-1.es (revisado).docx").unlink()
    # The same member twice (which one would count?).
    twice = rezip(folder, tmp_path / "twice.zip")
    with zipfile.ZipFile(twice, "a") as archive, pytest.warns(UserWarning, match="Duplicate name"):
        archive.writestr(f"{folder.name}/01-module-1/01-module-1.es.srt", "1\n00:00:01,000 --> 00:00:03,000\nX\n")
    _refused(project, twice, "is in the archive twice")
    # Office junk left by Word is ignored, not refused.
    shutil.rmtree(tmp_path / "unz")
    folder = unzip(kit, tmp_path / "unz")
    (folder / "01-module-1/~$-module-1.es.docx").write_bytes(b"lock")
    run(project, "review", "import", str(rezip(folder, tmp_path / "ok.zip")))


def test_rezipped_contents_or_parent_folder_and_dry_run(project: Path, tmp_path: Path):
    kit = tmp_path / "kit.zip"
    run(project, "kit", "-o", str(kit), "--no-proxy")
    folder = unzip(kit, tmp_path / "unz")
    srt_file = folder / "01-module-1/01-module-1.es.srt"
    srt_file.write_text(srt_file.read_text(encoding="utf-8").replace("Hola a todos.", "Hola, gente."),
                        encoding="utf-8")
    (folder / "01-module-1/01-module-1.es.docx").unlink()  # the translator sent back only what they used
    # Zipped without the top folder (the files selected, not the folder).
    flat = tmp_path / "flat.zip"
    with zipfile.ZipFile(flat, "w") as archive:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                archive.write(file, file.relative_to(folder).as_posix())
    before = snapshot(project)
    result = run(project, "review", "import", str(flat), "--dry-run")
    assert "1 changed" in result.output and snapshot(project) == before
    # Zipped one folder too high ("Descargas/kit-…/…").
    nested = tmp_path / "nested.zip"
    with zipfile.ZipFile(nested, "w") as archive:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                archive.write(file, f"Descargas/{folder.name}/{file.relative_to(folder).as_posix()}")
    result = run(project, "review", "import", str(nested))
    assert "1 changed" in result.output
    assert read_srt(project / "subtitles/es/module-1.srt")[0].text == "Hola, gente."


def test_status_shows_when_the_kit_went_out_and_came_back(project: Path, tmp_path: Path):
    kit = tmp_path / "kit.zip"
    run(project, "kit", "-o", str(kit), "--no-proxy")
    result = run(project, "status")
    assert "sent" in result.output and "back" not in result.output
    run(project, "review", "import", str(kit))
    result = run(project, "status")
    assert "back" in result.output
    history = kit_history(Project.load(project))
    assert history["module-1"]["returned"] >= history["module-1"]["sent"]


@pytest.mark.parametrize("member", ["/tmp/absolute.txt", "C:/Windows/evil.txt", "link"])
def test_absolute_drive_and_symlink_members_are_refused(project: Path, tmp_path: Path, member: str):
    kit = tmp_path / "kit.zip"
    run(project, "kit", "-o", str(kit), "--no-proxy")
    evil = tmp_path / "evil.zip"
    shutil.copy(kit, evil)
    with zipfile.ZipFile(evil, "a") as archive:
        info = zipfile.ZipInfo(member)
        if member == "link":
            info.external_attr = 0o120777 << 16  # a symbolic link to ../../etc/passwd
            archive.writestr(info, "../../etc/passwd")
        else:
            archive.writestr(info, "x")
    _refused(project, evil, "refused: this is not a kit packager made")


# ---------------------------------------------------------------------------------------------- the sample


REPO = Path(__file__).resolve().parents[1]
XLIFF = "urn:oasis:names:tc:xliff:document:2.0"


def sample_copy(where: Path) -> Path:
    """A copy of the repository's sample project, with entreprise-a's Spanish turned back into
    machine drafts (cues and reflection questions), as `packager translate` leaves them."""
    root = where / "sample"
    root.mkdir()
    shutil.copy(REPO / "packager.toml", root)
    shutil.copy(REPO / "glossary.toml", root)
    for folder in ("modules", "subtitles", "workbooks"):
        shutil.copytree(REPO / folder, root / folder)
    for target in (root / "subtitles/es/entreprise-a.srt", root / "workbooks/es/questions/entreprise-a.toml"):
        states = StateFile.load(target)
        for unit in states.units.values():
            unit.state, unit.who = "draft", "packager translate"
        states.save()
    return root


def sample_states(root: Path, module_id: str) -> list[str]:
    module = Project.load(root).module(module_id)
    source, target = read_srt(module.subtitle_path("fr")), read_srt(module.subtitle_path("es"))
    states = StateFile.load(module.subtitle_path("es"))
    return [effective_state(states.units.get(str(n)), s.text, t.text)
            for n, (s, t) in enumerate(zip(source, target), start=1)]


def sample_snapshot(root: Path) -> dict[str, bytes]:
    files = [*sorted((root / "subtitles").rglob("*")), *sorted((root / "workbooks").rglob("*"))]
    return {str(p.relative_to(root)): p.read_bytes() for p in files if p.is_file()}


def libreoffice_resave(files: list[Path], tmp: Path) -> bool:
    """Open and save the files in LibreOffice, as a translator would (one headless run). False
    (files left as python-docx wrote them) when LibreOffice is not installed."""
    if shutil.which("soffice") is None:
        return False
    out = tmp / "lo-out"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp / 'lo-profile'}", "--headless",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), *map(str, files)],
                   capture_output=True, timeout=180, check=True)
    for file in files:
        shutil.move(str(out / file.name), str(file))
    return True


def test_round_trip_on_the_sample_in_three_formats(tmp_path: Path):
    """A producer makes a kit of three sample modules; the translator edits one module in Word
    (saved again by LibreOffice), one in Subtitle Edit (Windows-1252, CRLF, renumbered) and one in a
    CAT tool, plus a reflection question; zips the folder on a Mac; the producer takes it back with
    one command and sees the progress in `status`."""
    root = sample_copy(tmp_path)
    kit = tmp_path / "kit.zip"
    result = run(root, "kit", "entreprise-a", "entreprise-b", "collectif", "-o", str(kit), "--no-proxy")
    # The next step names the translator's returned copy, never the kit just written.
    assert "when the translator sends it back: packager review import <the returned zip or folder>\n" \
        in result.output
    assert f"review import {kit}" not in result.output
    folder = unzip(kit, tmp_path / "unz")
    a_before, b_before = sample_states(root, "entreprise-a"), sample_states(root, "entreprise-b")
    assert set(a_before) == {"draft"} and set(b_before) == {"approved"}
    es_before = {m: read_srt(root / f"subtitles/es/{m}.srt") for m in ("entreprise-a", "entreprise-b", "collectif")}

    # Word / LibreOffice: entreprise-a's table and the workbook texts.
    table_doc = folder / "01-entreprise-a/01-entreprise-a.es.docx"
    edit_review_docx(table_doc, texts={1: "Texto de muestra, que se cambiará\npor la transcripción verdadera."},
                     states={2: "Aprobado"}, comments={3: "¿«oficio» o «profesión»?"})
    documents = folder / "documentos-borrador.docx"
    doc = docx.Document(str(documents))
    assert all(r.cells[0].text.startswith("questions/entreprise-a|") for r in doc.tables[0].rows[1:])
    question_key = doc.tables[0].rows[1].cells[0].text.split(" ")[0].split("|")[1]
    doc.tables[0].rows[1].cells[2].text = "¿Qué financia la ayuda pública, y por qué?"
    doc.save(str(documents))
    if libreoffice_resave([table_doc, documents], tmp_path):
        with zipfile.ZipFile(table_doc) as saved:
            assert b"LibreOffice" in saved.read("docProps/app.xml")  # really written by LibreOffice
    elif os.environ.get("PACKAGER_REQUIRE_SYSTEM_TOOLS") == "1":
        pytest.fail("LibreOffice (soffice) is not installed")

    # Subtitle Edit on Windows: entreprise-b's track, cue 2 changed, renumbered from 101, ANSI, CRLF.
    srt_file = folder / "02-entreprise-b/02-entreprise-b.es.srt"
    cues = read_srt(srt_file)
    texts = [c.text for c in cues]
    texts[1] = "Todo empezó con un taller\nde reciclaje en el barrio."
    renumbered = srt([(c.start, c.end, t) for c, t in zip(cues, texts)])
    renumbered = "\n\n".join(f"{100 + int(b.split(chr(10), 1)[0])}\n{b.split(chr(10), 1)[1]}"
                             for b in renumbered.strip().split("\n\n")) + "\n"
    srt_file.write_bytes(renumbered.replace("\n", "\r\n").encode("cp1252"))

    # A CAT tool: collectif's XLIFF, unit 1 rewritten and confirmed, a note on unit 3.
    xliff_file = folder / "08-collectif/08-collectif.es.xliff"
    tree = etree.parse(str(xliff_file))
    units = tree.getroot().findall(f".//{{{XLIFF}}}unit")
    units[0].find(f"{{{XLIFF}}}segment/{{{XLIFF}}}target").text = "Entrevista de ejemplo, revisada."
    units[0].find(f"{{{XLIFF}}}segment").set("state", "final")
    notes = etree.Element(f"{{{XLIFF}}}notes")
    etree.SubElement(notes, f"{{{XLIFF}}}note").text = "Nota del traductor."
    units[2].find(f"{{{XLIFF}}}segment").addprevious(notes)
    tree.write(str(xliff_file), xml_declaration=True, encoding="UTF-8")

    # Zipped on a Mac (resource forks, folder settings) with Word's lock file left behind.
    back = tmp_path / "back.zip"
    with zipfile.ZipFile(back, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                archive.write(file, f"{folder.name}/{file.relative_to(folder).as_posix()}")
        archive.writestr(f"__MACOSX/{folder.name}/._manifest.json", b"\x00\x05\x16\x07")
        archive.writestr(f"{folder.name}/.DS_Store", b"\x00")
        archive.writestr(f"{folder.name}/01-entreprise-a/._01-entreprise-a.es.docx", b"\x00")
        archive.writestr(f"{folder.name}/01-entreprise-a/~$-entreprise-a.es.docx", b"lock")

    before = sample_snapshot(root)
    result = run(root, "review", "import", str(back), "--dry-run")
    assert "dry run" in result.output and sample_snapshot(root) == before
    result = run(root, "review", "import", str(back))
    assert "4 changed, 2 approved, 2 commented, 0 needs-review, 0 refused, 0 conflict(s)" in result.output
    assert "entreprise-a: changed cue 1; approved cue 2; commented cue 3" in result.output
    assert "entreprise-b: changed cue 2" in result.output
    assert "collectif: changed cue 1; approved cue 1; commented cue 3" in result.output

    # Exactly those changes, timing untouched.
    es_after = {m: read_srt(root / f"subtitles/es/{m}.srt") for m in es_before}
    for module_id, cues_before in es_before.items():
        assert [(c.start, c.end) for c in es_after[module_id]] == [(c.start, c.end) for c in cues_before]
    assert es_after["entreprise-a"][0].text == "Texto de muestra, que se cambiará\npor la transcripción verdadera."
    assert [c.text for c in es_after["entreprise-a"][1:]] == [c.text for c in es_before["entreprise-a"][1:]]
    assert es_after["entreprise-b"][1].text == texts[1]
    assert [c.text for c in es_after["entreprise-b"]][2:] == [c.text for c in es_before["entreprise-b"]][2:]
    assert es_after["collectif"][0].text == "Entrevista de ejemplo, revisada."
    assert sample_states(root, "entreprise-a") == ["edited", "approved"] + ["draft"] * (len(a_before) - 2)
    assert sample_states(root, "entreprise-b") == ["approved", "edited"] + ["approved"] * (len(b_before) - 2)
    assert set(sample_states(root, "collectif")) == {"approved"}
    states = StateFile.load(root / "subtitles/es/entreprise-a.srt")
    assert states.units["3"].comment == "¿«oficio» o «profesión»?"
    assert StateFile.load(root / "subtitles/es/collectif.srt").units["3"].comment == "Nota del traductor."
    from packager.texts import read_units
    questions = root / "workbooks/es/questions/entreprise-a.toml"
    assert read_units(questions)[question_key] == "¿Qué financia la ayuda pública, y por qué?"
    assert StateFile.load(questions).units[question_key].state == "edited"
    run(root, "check")  # the project is still valid

    # The producer's dashboard.
    status = run(root, "status").output
    history = kit_history(Project.load(root))
    assert {m: bool(history[m]["returned"]) for m in history} == {"entreprise-a": True, "entreprise-b": True,
                                                                   "collectif": True}
    assert "back" in status and "1 edited" in status

    # The same return imported again changes nothing, and never undoes a newer approval.
    after = sample_snapshot(root)
    result = run(root, "review", "import", str(back))
    assert "0 changed, 0 approved, 0 commented" in result.output and sample_snapshot(root) == after
    run(root, "review", "approve", "entreprise-a", "--cues", "1")
    result = run(root, "review", "import", str(back))
    assert "0 changed, 0 approved" in result.output and "0 conflict(s)" in result.output
    assert sample_states(root, "entreprise-a")[:2] == ["approved", "approved"]


def test_home_approval_stands_after_the_french_changed(project: Path, tmp_path: Path):
    """Approved at home after the kit went out, then the French changed: an older return is a conflict,
    not a silent replacement of the approved text."""
    kit = tmp_path / "kit.zip"
    run(project, "kit", "-o", str(kit), "--no-proxy")
    folder = unzip(kit, tmp_path / "unz")
    table_doc = folder / "01-module-1/01-module-1.es.docx"
    edit_review_docx(table_doc, texts={2: "Formamos a jóvenes en gastronomía."})
    back = tmp_path / "back.zip"
    shutil.make_archive(str(back.with_suffix("")), "zip", folder.parent)
    run(project, "review", "approve", "module-1", "--cues", "2")  # the draft, approved as it is
    french = project / "subtitles/fr/module-1.srt"
    french.write_text(french.read_text(encoding="utf-8").replace("Nous formons", "Nous formions"), encoding="utf-8")
    result = run(project, "review", "import", str(back), code=1)
    assert "conflict: module-1 cue 2" in result.output and "1 conflict(s)" in result.output
    assert read_srt(project / "subtitles/es/module-1.srt")[1].text == ES[1]


def test_a_reversed_pair_kit_names_its_languages(tmp_path):
    """A partner's Spanish video with French subtitles (es→fr): the kit's columns, instructions and
    read-mes name Spanish as the source and French as the language to correct."""
    root = tmp_path / "rev"
    run(tmp_path, "init", str(root))
    toml = root / "packager.toml"
    toml.write_text(toml.read_text("utf-8").replace('source_language = "fr"', 'source_language = "es"')
                    .replace('target_language = "es"', 'target_language = "fr"'), encoding="utf-8")
    (root / "subtitles/fr/module-1.srt").unlink()
    (root / "workbooks/fr/questions/module-1.toml").rename(root / "workbooks/es/questions/module-1.toml")
    module_file = root / "modules/01-module-1.toml"
    module_file.write_text(module_file.read_text("utf-8").replace("subtitles/fr/", "subtitles/es/")
                           .replace("workbooks/fr/questions/", "workbooks/es/questions/"), encoding="utf-8")
    spanish = [(a, b, t) for (a, b, _), t in zip(FR, ES)]
    french = [t for _, _, t in FR]
    (root / "subtitles/es/module-1.srt").write_text(srt(spanish), encoding="utf-8")
    (root / "subtitles/fr/module-1.srt").write_text(srt([(a, b, t) for (a, b, _), t in zip(spanish, french)]),
                                                    encoding="utf-8")
    units = {str(n): {"state": "draft", "source_hash": text_hash(s[2]), "target_hash": text_hash(t), "machine": t,
                      "who": "packager translate", "when": "2026-01-01T00:00:00Z", "comment": None}
             for n, (s, t) in enumerate(zip(spanish, french), start=1)}
    (root / "subtitles/fr/module-1.srt.states.json").write_text(
        json.dumps({"format": "packager-states/1", "units": units}), encoding="utf-8")
    (root / "glossary.toml").write_text('[[term]]\nfr = "entreprise d\'insertion"\nes = "empresa de inserción"\n',
                                        encoding="utf-8")

    kit = tmp_path / "kit.zip"
    run(root, "kit", "-o", str(kit), "--no-proxy")
    with zipfile.ZipFile(kit) as archive:
        files = {name.split("/", 1)[1]: archive.read(name) for name in archive.namelist()}
    assert {"01-module-1/01-module-1.fr.docx", "01-module-1/01-module-1.fr.srt"} <= set(files)
    cues = docx.Document(io.BytesIO(files["01-module-1/01-module-1.fr.docx"]))
    header = [c.text for c in cues.tables[0].rows[0].cells]
    assert header[2:4] == ["Español (no editar / ne pas modifier)", "Français"]
    assert [c.text for c in cues.tables[0].rows[1].cells][2:4] == ["Hola a todos.", "Bonjour à tous."]
    instructions = [p.text for p in cues.paragraphs]
    assert any(p.startswith("ES: Corrija solo la columna «Français».") and p.endswith("ni el español.")
               for p in instructions)
    assert any(p.startswith("FR : Ne modifiez que la colonne « Français ».") and p.endswith("ni à l'espagnol.")
               for p in instructions)
    documents = docx.Document(io.BytesIO(files["documentos-borrador.docx"]))
    assert [c.text for c in documents.tables[0].rows[0].cells][1:3] == ["Español (no editar / ne pas modifier)",
                                                                         "Français"]
    glossary = docx.Document(io.BytesIO(files["glosario-glossaire.docx"]))
    assert [c.text for c in glossary.tables[0].rows[0].cells][:2] == ["Español", "Français"]
    assert [c.text for c in glossary.tables[0].rows[1].cells][:2] == ["empresa de inserción", "entreprise d'insertion"]

    leame = files["LEAME.txt"].decode("utf-8-sig")
    assert "Este kit contiene los subtítulos en francés de los módulos" in leame
    assert "01-module-1.fr.docx    tabla bilingüe para Word o LibreOffice: número, tiempo, español,\r\n" \
           "        francés, estado, comentario." in leame
    assert "la pista de subtítulos en francés" in leame and "Corrija solo la columna «Français»." in leame
    assert "«a revisar» = el español cambió" in leame and "la columna española" in leame
    lisez = files["LISEZMOI.txt"].decode("utf-8-sig")
    assert "Ce kit contient les sous-titres français des modules" in lisez
    assert "la piste de sous-titres français" in lisez and "Ne modifiez que la colonne « Français »." in lisez
    assert "« a revisar » = l'espagnol a changé" in lisez and "la colonne espagnole" in lisez
    assert "Español»" not in leame + lisez and "Español »" not in leame + lisez


def test_the_kit_readmes_name_the_burned_in_source(project):
    from packager.review.kit_readme import kit_readme

    toml = project / "packager.toml"
    loaded = Project.load(project)
    assert "con los subtítulos FRANCESES incrustados" in kit_readme(loaded, loaded.modules, "es", False)
    assert "sous-titres FRANÇAIS incrustés" in kit_readme(loaded, loaded.modules, "fr", False)
    toml.write_text(toml.read_text("utf-8").replace('source_language = "fr"', 'source_language = "es"')
                    .replace('target_language = "es"', 'target_language = "fr"'), encoding="utf-8")
    loaded = Project.load(project)
    assert "con los subtítulos ESPAÑOLES incrustados" in kit_readme(loaded, loaded.modules, "es", False)
    assert "sous-titres ESPAGNOLS incrustés" in kit_readme(loaded, loaded.modules, "fr", False)


def test_general_documents_travel_with_one_module_on_request(project: Path, tmp_path: Path):
    def document_keys(kit: Path) -> set[str]:
        with zipfile.ZipFile(kit) as archive:
            manifest = json.loads(archive.read(next(n for n in archive.namelist() if n.endswith("manifest.json"))))
        return {key.split("|", 1)[0] for key in manifest["documents"]["units"]}

    second = (project / "modules/01-module-1.toml").read_text(encoding="utf-8")
    (project / "modules/02-module-2.toml").write_text(  # a second module, so module-1 alone is not every module
        second.replace('"module-1"', '"module-2"').replace("order = 1", "order = 2")
        .replace("module-1.srt", "module-2.srt").replace('questions = "workbooks/fr/questions/module-1.toml"\n', ""),
        encoding="utf-8")
    for lang in ("fr", "es"):
        shutil.copyfile(project / f"subtitles/{lang}/module-1.srt", project / f"subtitles/{lang}/module-2.srt")
    (project / "workbooks/fr/booklet.md").write_text("# Historique\n\nLes premières entreprises d'insertion.\n",
                                                     encoding="utf-8")  # not translated yet: in draft
    run(project, "kit", "module-1", "-o", str(tmp_path / "one.zip"), "--no-proxy")
    run(project, "kit", "module-1", "--documents", "-o", str(tmp_path / "docs.zip"), "--no-proxy")
    run(project, "kit", "-o", str(tmp_path / "all.zip"), "--no-proxy")
    run(project, "kit", "-o", str(tmp_path / "none.zip"), "--no-proxy", "--no-documents")
    general = document_keys(tmp_path / "all.zip") - {k for k in document_keys(tmp_path / "all.zip")
                                                        if k.startswith("questions/")}
    assert general == {"booklet"}
    assert not document_keys(tmp_path / "one.zip") & general
    assert general <= document_keys(tmp_path / "docs.zip")
    assert not document_keys(tmp_path / "none.zip") & general
    refused = run(project, "kit", "--per-module", "--documents", "-o", str(tmp_path / "k.zip"), code=2)
    assert "--documents" in refused.output and not list(tmp_path.glob("k*.zip"))


def test_an_approval_taken_back_in_a_kit_is_needs_review(project: Path, tmp_path: Path):
    run(project, "review", "approve", "module-1", "--cues", "2")
    kit = tmp_path / "kit.zip"
    run(project, "kit", "-o", str(kit), "--no-proxy")
    folder = unzip(kit, tmp_path / "unz")
    edit_review_docx(folder / "01-module-1/01-module-1.es.docx", states={2: "a revisar"})
    result = run(project, "review", "import", str(rezip(folder, tmp_path / "back.zip")))
    assert "1 needs-review" in result.output  # the SRT and XLIFF beside it, unchanged, do not undo it
    assert states_now(project) == ["draft", "needs-review", "draft"]
