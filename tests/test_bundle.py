"""The bundle: layout, checksums and `verify`, the ISO image, capacity and names, SCORM, failures.

Inputs are made here the way the render and documents stages make them (contract in docs/HELPERS.md):
a `packager init` project, dist/render/<target>/render.json with real tiny H.264/AAC MP4s made with
ffmpeg, SRT/VTT and chapters, and dist/documents/manifest.json with real DOCX files.
`make_inputs` is also used by tests/test_index_browser.py.
"""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from packager.bundle import capacity
from packager.bundle.build import make_bundle
from packager.bundle.checksums import SUMS_NAME
from packager.bundle.verify import verify
from packager.cli import cli
from packager.errors import PackagerError
from packager.project import Project
from packager.subtitles.cues import Cue, write_srt, write_vtt

HOSTILE_TITLE = 'Formation <b id="injected">&amp; "citoyenne" l\'atelier</b> & co'

MODULES = [  # id, kind, title fr, title es
    ("entreprise-a", "enterprise", "Entreprise A : la menuiserie", "Empresa A: la carpintería"),
    ("sous-ministre", "interview", "Entretien avec le sous-ministre", "Entrevista con el viceministro"),
    ("table-ronde", "roundtable", "Table ronde", "Mesa redonda"),
]
# What render.json says is burned into each picture: "es" said, null said (rendered without burn-in),
# and not said at all (the render's rule then applies: the target language whenever it has cues).
BURNED = {"entreprise-a": "es", "sous-ministre": None}
SPANISH_CUES = ["Hola, bienvenidos <al> taller & más.", "Hablamos del financiamiento."]
FRENCH_CUES = ["Bonjour, bienvenue à l'atelier.", "Parlons du financement."]
VIDEO_SECONDS = 3


@functools.lru_cache(maxsize=None)
def tiny_mp4(cache_dir: str) -> Path:
    """A real 3 s 320x180 H.264/AAC MP4 with the moov atom first (+faststart), made once per session."""
    import imageio_ffmpeg

    out = Path(cache_dir) / "tiny.mp4"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error",
                    "-f", "lavfi", "-i", f"testsrc=size=320x180:rate=25:duration={VIDEO_SECONDS}",
                    "-f", "lavfi", "-i", f"sine=frequency=440:duration={VIDEO_SECONDS}",
                    "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest",
                    "-movflags", "+faststart", str(out)], check=True)
    return out


def make_inputs(root: Path, *, target: str = "usb", title_fr: str = "Programme d'essai",
                title_es: str = "Programa de prueba", video_cache: Path | None = None) -> Project:
    """A project with render outputs for `target` and documents, as the other stages write them."""
    result = CliRunner().invoke(cli, ["init", str(root), "--title-fr", title_fr, "--title-es", title_es],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    project = Project.load(root)
    add_render(project, target, video_cache=video_cache or root.parent)
    add_documents(project)
    return project


def add_render(project: Project, target: str, *, video_cache: Path) -> Path:
    out = project.dist_dir / "render" / target
    out.mkdir(parents=True, exist_ok=True)
    video = tiny_mp4(str(video_cache))
    modules = []
    for order, (module_id, kind, title_fr, title_es) in enumerate(MODULES, start=1):
        stem = f"{order:02d}-{module_id}"
        shutil.copyfile(video, out / f"{stem}.mp4")
        subs = {}
        for lang, texts in (("fr", FRENCH_CUES), ("es", SPANISH_CUES)):
            cues = [Cue(1, 0.2, 1.4, f"{texts[0]} ({order})"), Cue(2, 1.6, 2.8, texts[1])]
            write_srt(out / f"{stem}.{lang}.srt", cues)
            write_vtt(out / f"{stem}.{lang}.vtt", cues)
            subs[lang] = {"srt": f"{stem}.{lang}.srt", "vtt": f"{stem}.{lang}.vtt"}
        chapters = [{"start": 0.0, "title": {"fr": "Histoire", "es": "Historia"}},
                    {"start": 1.5, "title": {"fr": "Financement", "es": "Financiamiento"}}]
        (out / f"{stem}.chapters.json").write_text(json.dumps({"duration": VIDEO_SECONDS, "chapters": chapters}))
        modules.append({
            "id": module_id, "order": order, "kind": kind, "title": {"fr": title_fr, "es": title_es},
            "video": f"{stem}.mp4", "duration": VIDEO_SECONDS,
            "speakers": [{"name": f"Intervenant {order}", "role": {"fr": "Directrice", "es": "Directora"}}],
            "subtitles": subs, "chapters": chapters})
        if module_id in BURNED:
            modules[-1]["burned"] = BURNED[module_id]
    if target == "cd":
        (out / "programme.m3u").write_text("".join(f"{m['video']}\n" for m in modules))
        programme = "programme.m3u"
    else:
        shutil.copyfile(video, out / "programme.mp4")
        programme = "programme.mp4"
    render = {"target": target, "programme": programme, "runtime": VIDEO_SECONDS * len(modules),
              "width": 320, "height": 180, "modules": modules}
    (out / "render.json").write_text(json.dumps(render, ensure_ascii=False, indent=1), encoding="utf-8")
    return out


def add_documents(project: Project) -> Path:
    import docx

    out = project.dist_dir / "documents"
    out.mkdir(parents=True, exist_ok=True)
    entries = []

    def write(name: str, kind: str, module: str | None, fr: str, es: str) -> None:
        document = docx.Document()
        document.add_heading(fr, level=1)
        document.add_paragraph(es)
        document.save(str(out / name))
        entries.append({"file": name, "pdf": None, "kind": kind, "module": module, "title": {"fr": fr, "es": es}})

    for order, (module_id, _kind, title_fr, title_es) in enumerate(MODULES, start=1):
        write(f"cahier-{order:02d}-{module_id}.docx", "workbook", module_id, f"Cahier : {title_fr}",
              f"Cuaderno: {title_es}")
    write("introduction.docx", "booklet", None, "Livret d'introduction", "Cuadernillo de introducción")
    write("analyse-synthese.docx", "synthesis", None, "Analyse et synthèse", "Análisis y síntesis")
    write("guide-formateur.docx", "guide", None, "Guide du formateur", "Guía del formador")
    # One document with its PDF, as when LibreOffice is available.
    (out / "guide-formateur.pdf").write_bytes(b"%PDF-1.4\n% tiny stand-in\n%%EOF\n")
    entries[-1]["pdf"] = "guide-formateur.pdf"
    (out / "manifest.json").write_text(json.dumps({"documents": entries}, ensure_ascii=False), encoding="utf-8")
    return out


def files_of(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_size for p in folder.rglob("*") if p.is_file()}


def run(project: Path, *args: str):
    return CliRunner().invoke(cli, ["-C", str(project), *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def usb(tmp_path_factory):
    """One USB bundle shared by the read-only tests of this file."""
    root = tmp_path_factory.mktemp("usb") / "proj"
    project = make_inputs(root)
    return project, make_bundle(project, "usb")


@pytest.fixture(scope="module")
def cd(tmp_path_factory):
    root = tmp_path_factory.mktemp("cd") / "proj"
    project = make_inputs(root, target="cd")
    return project, make_bundle(project, "cd", scorm=True)


# ------------------------------------------------------------------------------------------ layout


def test_usb_bundle_layout(usb):
    project, result = usb
    assert result.path == project.dist_dir / "programme-d-essai-usb"
    assert result.iso is None and result.budget is None
    files = files_of(result.path)
    assert {"index.html", "LISEZMOI.txt", "LEAME.txt", SUMS_NAME, "videos/01-entreprise-a.mp4",
            "videos/programme.mp4", "subtitles/01-entreprise-a.es.srt", "subtitles/03-table-ronde.fr.vtt",
            "documents/cahier-02-sous-ministre.docx", "documents/guide-formateur.pdf"} <= set(files)
    assert not any(name.endswith(".json") for name in files)  # the stage manifests stay in dist/render
    assert result.size == sum(files.values())
    # Nothing temporary left next to it.
    assert sorted(p.name for p in project.dist_dir.iterdir()) == ["documents", "programme-d-essai-usb", "render"]
    lisez = (result.path / "LISEZMOI.txt").read_text(encoding="utf-8")
    leame = (result.path / "LEAME.txt").read_text(encoding="utf-8")
    assert "ouvrez index.html" in lisez and "Contenu de cette clé USB :" in lisez
    assert "cahier-01-entreprise-a.docx" in lisez and "Contenido de esta memoria USB:" in leame
    assert "(H.264/AAC) et le programme complet" in lisez
    assert "abra index.html" in leame and "Mesa redonda" in leame and "sha256sum -c SHA256SUMS" in leame


def test_index_links_and_data(usb):
    _project, result = usb
    html = (result.path / "index.html").read_text(encoding="utf-8")
    for href in ("videos/02-sous-ministre.mp4", "documents/cahier-01-entreprise-a.docx",
                 "documents/introduction.docx", "documents/analyse-synthese.docx",
                 "documents/guide-formateur.docx", "documents/guide-formateur.pdf"):
        assert f'href="{href}"' in html, href
        assert (result.path / href).is_file()
    assert "http://" not in html and "https://" not in html  # no CDN, no web font, no external script
    assert "<track" not in html  # captions are added through the TextTrack API (file:// refuses track files)
    raw = html.split('<script type="application/json" id="data">')[1].split("</script>")[0]
    assert "<" not in raw and "&" not in raw  # written as \u003c / \u0026
    data = json.loads(raw)
    assert [m["id"] for m in data["modules"]] == [m[0] for m in MODULES]
    assert data["modules"][0]["cues"]["es"][0] == [0.2, 1.4, "Hola, bienvenidos &lt;al&gt; taller &amp; más. (1)"]
    assert data["modules"][0]["chapters"] == [0.0, 1.5]
    assert data["captionDefault"] == "es"
    # The index knows which language is already in the picture, so it never draws it a second time.
    assert [m["burned"] for m in data["modules"]] == ["es", None, "es"]
    # Every module's subtitle files are one click away too (for VLC), and the programme video.
    for href in ("subtitles/01-entreprise-a.es.srt", "subtitles/03-table-ronde.fr.srt", "videos/programme.mp4"):
        assert f'href="{href}"' in html and (result.path / href).is_file(), href


def test_checksums_match_sha256sum(usb):
    _project, result = usb
    if shutil.which("sha256sum") is None:
        pytest.skip("sha256sum (coreutils) is not installed")
    done = subprocess.run(["sha256sum", "--strict", "-c", SUMS_NAME], cwd=result.path, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(done.stdout.splitlines()) == len(files_of(result.path)) - 1


# ------------------------------------------------------------------------------------------ verify


def test_verify_clean_copy_and_damage(usb, tmp_path):
    project, result = usb
    copy = tmp_path / "copy"
    shutil.copytree(result.path, copy)
    assert verify(copy).ok
    clean = run(project.root, "verify", str(copy))
    assert clean.exit_code == 0 and f"{len(files_of(copy)) - 1} files OK against SHA256SUMS" in clean.output

    video = copy / "videos" / "02-sous-ministre.mp4"
    data = bytearray(video.read_bytes())
    data[len(data) // 2] ^= 0x01  # one flipped bit: same size, different content
    video.write_bytes(bytes(data))
    (copy / "documents" / "introduction.docx").unlink()
    (copy / "notes.txt").write_text("added by hand\n")
    (copy / ".DS_Store").write_bytes(b"\0")  # what a Mac leaves on a stick: not an extra file

    report = verify(copy)
    assert report.corrupt == ["videos/02-sous-ministre.mp4"]
    assert report.missing == ["documents/introduction.docx"]
    assert report.extra == ["notes.txt"]
    assert not report.ok
    bad = run(project.root, "verify", str(copy))
    assert bad.exit_code == 1
    for line in ("corrupt: videos/02-sous-ministre.mp4", "missing: documents/introduction.docx", "extra: notes.txt"):
        assert line in bad.output


def test_verify_finds_the_bundle_a_person_means(usb, tmp_path):
    """`verify /media/stick` when the bundle folder itself was copied onto the stick; `verify …/SHA256SUMS`."""
    project, result = usb
    stick = tmp_path / "stick"
    shutil.copytree(result.path, stick / result.path.name)
    (stick / "System Volume Information").mkdir()
    report = verify(stick)
    assert report.ok and report.path == stick / result.path.name
    said = run(project.root, "verify", str(stick))
    assert said.exit_code == 0 and f"checking the bundle in {stick / result.path.name}" in said.output
    assert verify(stick / result.path.name / SUMS_NAME).ok
    # Two bundles on one stick: which one is meant is not guessed.
    shutil.copytree(result.path, stick / "other")
    two = CliRunner().invoke(cli, ["verify", str(stick)])
    assert two.exit_code == 2 and f"bundle folders inside: other, {result.path.name}" in two.output


def test_verify_not_a_bundle(tmp_path):
    (tmp_path / "a.txt").write_text("x")
    result = CliRunner().invoke(cli, ["verify", str(tmp_path)])
    assert result.exit_code == 2 and "no SHA256SUMS here" in result.output
    junk = tmp_path / "junk.iso"
    junk.write_bytes(b"not an image" * 100)
    result = CliRunner().invoke(cli, ["verify", str(junk)])
    assert result.exit_code == 2 and "cannot read this as an ISO image" in result.output
    assert "Traceback" not in result.output


def test_verify_names_the_bundles_of_a_folder_that_holds_several(usb, tmp_path):
    """`verify dist/` after bundling for two media: the bundle folders are named, one is to be passed."""
    _project, result = usb
    shutil.copytree(result.path, tmp_path / "programme-usb")
    shutil.copytree(result.path, tmp_path / "programme-dvd")
    (tmp_path / "render").mkdir()
    said = CliRunner().invoke(cli, ["verify", str(tmp_path)])
    assert said.exit_code == 2 and "Traceback" not in said.output
    assert "2 bundle folders inside: programme-dvd, programme-usb" in said.output
    assert "this is not a packager bundle" not in said.output
    assert f"pass one of them, e.g. `packager verify {tmp_path / 'programme-dvd'}`" in said.output


def test_bundle_and_verify_count_the_same_files(tmp_path):
    project = make_inputs(tmp_path / "proj", video_cache=tmp_path)
    made = run(project.root, "bundle")
    assert made.exit_code == 0, made.output
    folder = project.dist_dir / "programme-d-essai-usb"
    listed = len(files_of(folder)) - 1  # every file but SHA256SUMS itself
    assert f"writing programme-d-essai-usb/ ({listed} files + SHA256SUMS)" in made.output
    checked = run(project.root, "verify", str(folder))
    assert checked.exit_code == 0 and f"verify: {listed} files OK against SHA256SUMS" in checked.output


def test_hints_name_real_commands():
    """Every `packager VERB` a bundle message tells a person to run is a command that exists."""
    import re

    import packager.bundle.build as build_module
    import packager.bundle.verify as verify_module
    import packager.commands.bundle as bundle_command

    verbs = set()
    for module in (build_module, verify_module, bundle_command):
        verbs |= set(re.findall(r"`packager (\w+)", Path(module.__file__).read_text(encoding="utf-8")))
    assert {"render", "docs", "build"} <= verbs
    assert verbs <= set(cli.commands), verbs - set(cli.commands)


@pytest.mark.parametrize(("target", "fr", "es"), [("usb", "Contenu de cette clé USB :", "Contenido de esta memoria USB:"),
                                                   ("dvd", "Contenu de ce DVD :", "Contenido de este DVD:"),
                                                   ("cd", "Contenu de ce CD :", "Contenido de este CD:")])
def test_readme_names_the_medium_with_the_right_gender(target, fr, es):
    from packager.bundle.texts import readme_text

    kwargs = dict(title="T", target=target, modules=[("1", "A")], runtime="1:00", documents=[])
    assert fr in readme_text("fr", **kwargs).splitlines()
    assert es in readme_text("es", **kwargs).splitlines()


def test_readme_names_the_target_language_shown_by_default():
    """The read-me names the pair: the target's subtitles (burned into the picture) are the default."""
    from packager.bundle.texts import readme_text

    kwargs = dict(title="T", target="usb", modules=[("1", "A")], runtime="1:00", documents=[])
    fr, es = readme_text("fr", **kwargs), readme_text("es", **kwargs)  # the sample's pair, fr→es
    assert "les sous-titres espagnols sont affichés par défaut, le français se choisit" in fr
    assert "los subtítulos en español se muestran por defecto, el francés se elige bajo" in es
    kwargs.update(source_language="es", target_language="fr")  # a Spanish video with French subtitles
    fr, es = readme_text("fr", **kwargs), readme_text("es", **kwargs)
    assert "les sous-titres français sont affichés par défaut, l'espagnol se choisit" in fr
    assert "  subtitles/      les sous-titres en espagnol et en français (SRT et WebVTT)" in fr.splitlines()
    assert "los subtítulos en francés se muestran por defecto, el español se elige bajo" in es
    assert "  subtitles/      los subtítulos en español y en francés (SRT y WebVTT)" in es.splitlines()


@pytest.mark.parametrize(("seconds", "text"), [(0, "0:00"), (10.6, "0:10"), (10.9999999, "0:11"), (59.9, "0:59"),
                                               (61.4, "1:01"), (3725.8, "1:02:05")])
def test_index_times_are_truncated_like_the_workbooks(seconds, text):
    from packager.bundle.index import clock
    from packager.timecode import format_timecode

    def whole_seconds(shown: str) -> int:
        return sum(int(part) * 60 ** n for n, part in enumerate(reversed(shown.split(":"))))

    assert clock(seconds) == text
    assert whole_seconds(clock(seconds)) == whole_seconds(format_timecode(seconds))  # the workbooks' time


def test_index_chapter_times_truncated_and_jump_exact():
    from packager.bundle.index import render_index

    html = render_index(
        slug="x", title={"fr": "T", "es": "T"}, source_language="fr", target_language="es", runtime=61.6,
        documents=[], programme_video=None,
        modules=[{"id": "m", "order": 1, "kind": "interview", "title": {"fr": "A", "es": "B"}, "duration": 61.6,
                  "speakers": [{"name": "Sous-ministre (à confirmer)", "role": {"fr": "Sous-ministre",
                                                                             "es": "Viceministro"}}],
                  "video": "videos/01-m.mp4", "workbook": None, "cues": {},
                  "chapters": [{"start": 10.6, "title": {"fr": "Un", "es": "Uno"}}]}])
    assert 'data-start="10.6"><span class="time">0:10</span>' in html
    assert "1:01" in html and "1:02" not in html
    # The speaker's name is data (one string); the role is shown in the interface language.
    assert ('Sous-ministre (à confirmer) — <span class="l-fr" lang="fr">Sous-ministre</span>'
            '<span class="l-es" lang="es">Viceministro</span>') in html


# ------------------------------------------------------------------------------------------ ISO


def test_cd_iso_matches_folder(cd, tmp_path):
    import pycdlib

    project, result = cd
    assert result.iso == project.dist_dir / "programme-d-essai-cd.iso"
    assert result.budget == capacity.CD_R and result.size == result.iso.stat().st_size < capacity.CD_R
    folder = files_of(result.path)
    assert "videos/programme.m3u" in folder
    # On cd the whole programme is a playlist, and the index and read-me say so.
    html = (result.path / "index.html").read_text(encoding="utf-8")
    assert '<a href="videos/programme.m3u"><span class="l-fr" lang="fr">Liste de lecture du programme (VLC)' in html
    lisez = (result.path / "LISEZMOI.txt").read_text(encoding="utf-8-sig")
    assert "et leur liste de lecture (programme.m3u, pour VLC)" in lisez and "programme complet" not in lisez
    iso = pycdlib.PyCdlib()
    iso.open(str(result.iso))
    try:
        assert iso.pvd.volume_identifier.decode().strip() == "PROGRAMME_D_ESSAI"
        assert iso.has_joliet() and iso.has_rock_ridge() and not iso.has_udf()
        for facade in (iso.get_rock_ridge_facade(), iso.get_joliet_facade()):
            listed = {}
            for dirpath, _dirs, names in facade.walk("/"):
                for name in names:
                    path = f"{dirpath.rstrip('/')}/{name}"
                    listed[path.lstrip("/")] = facade.get_record(path).get_data_length()
            assert listed == folder
        # ISO 9660 names: upper-case d-characters, at most 30 characters with the extension.
        for dirpath, _dirs, names in iso.walk(iso_path="/"):
            for name in names:
                plain = name.split(";")[0]
                assert len(plain) <= 31 and plain == plain.upper() and "-" not in plain, name
    finally:
        iso.close()
    assert verify(result.iso).ok
    assert run(project.root, "verify", str(result.iso)).exit_code == 0

    # A damaged image: one byte of index.html's data flipped.
    damaged = tmp_path / "damaged.iso"
    data = bytearray(result.iso.read_bytes())
    at = data.find(b"<!DOCTYPE html>")
    assert at > 0
    data[at + 2] ^= 0x20
    damaged.write_bytes(bytes(data))
    report = verify(damaged)
    assert report.corrupt == ["index.html"] and not report.missing and not report.extra


def test_udf_when_forced(cd, tmp_path):
    """UDF 2.60 is added when a file exceeds 4 GiB; too big to test for real, so force it on the tiny bundle."""
    import pycdlib

    from packager.bundle.iso import needs_udf, write_iso

    _project, result = cd
    assert not needs_udf(result.path)
    dest = tmp_path / "udf.iso"
    write_iso(result.path, dest, "TEST", udf=True)
    iso = pycdlib.PyCdlib()
    iso.open(str(dest))
    try:
        assert iso.has_udf()
    finally:
        iso.close()
    assert verify(dest).ok


def test_volume_label():
    from packager.bundle.iso import volume_label

    label = volume_label("formation-a-l-economie-sociale-et-solidaire-bilingue")
    assert label == "FORMATION_A_L_ECONOMIE_SOCIALE_E" and len(label) == 32


def test_scorm_manifest_lists_every_file(cd):
    from lxml import etree

    project, result = cd
    assert result.scorm == project.dist_dir / "programme-d-essai-cd-scorm.zip"
    with zipfile.ZipFile(result.scorm) as archive:
        names = archive.namelist()
        manifest = etree.fromstring(archive.read("imsmanifest.xml"))
        assert archive.read("index.html") == (result.path / "index.html").read_bytes()
    assert names[0] == "imsmanifest.xml"
    ns = {"cp": "http://www.imsproject.org/xsd/imscp_rootv1p1p2", "adlcp": "http://www.adlnet.org/xsd/adlcp_rootv1p2"}
    assert manifest.findtext("cp:metadata/cp:schemaversion", namespaces=ns) == "1.2"
    resource = manifest.find("cp:resources/cp:resource", ns)
    assert resource.get("href") == "index.html"
    assert resource.get("{http://www.adlnet.org/xsd/adlcp_rootv1p2}scormtype") == "sco"
    listed = {f.get("href") for f in resource.findall("cp:file", ns)}
    from packager.bundle.scorm import SCHEMAS

    assert listed == set(files_of(result.path)) == set(names) - {"imsmanifest.xml", *SCHEMAS}
    assert manifest.findtext("cp:organizations/cp:organization/cp:title", namespaces=ns) == "Programa de prueba"


# ------------------------------------------------------------------------------------------ capacity, names


def test_over_budget_cd(tmp_path, monkeypatch):
    project = make_inputs(tmp_path / "proj", target="cd", video_cache=tmp_path)
    monkeypatch.setitem(capacity.BUDGETS, "cd", 200_000)  # the tiny bundle is ~600 kB
    result = run(project.root, "bundle", "--target", "cd")
    assert result.exit_code == 2
    assert "over the CD-R" in result.output and "largest items" in result.output
    assert "videos/01-entreprise-a.mp4" in result.output and "--target dvd" in result.output
    assert result.output.count("error:") == 1
    assert not list(project.dist_dir.glob("*.iso")) and not list(project.dist_dir.glob("*.part*"))
    assert not (project.dist_dir / "programme-d-essai-cd").exists()


def test_image_over_budget_once_written_is_not_kept(tmp_path, monkeypatch):
    """The estimate errs large, but if the real image still came out over the medium it is removed."""
    project = make_inputs(tmp_path / "proj", target="cd", video_cache=tmp_path)
    monkeypatch.setitem(capacity.BUDGETS, "cd", 200_000)
    monkeypatch.setattr(capacity, "iso_estimate", lambda items: 1)
    result = run(project.root, "bundle", "--target", "cd")
    assert result.exit_code == 2, result.output
    assert "over the CD-R (200,000 bytes)" in result.output and "no image was kept" in result.output
    assert "packager render --target cd" in result.output
    assert not list(project.dist_dir.glob("*.iso")) and not list(project.dist_dir.glob(".*"))


def test_usb_file_over_fat32_limit(tmp_path, monkeypatch):
    project = make_inputs(tmp_path / "proj", video_cache=tmp_path)
    monkeypatch.setattr(capacity, "FAT32_MAX_FILE", 50_000)
    with pytest.raises(PackagerError) as caught:
        make_bundle(project, "usb")
    assert "FAT32" in caught.value.message and "videos/programme.mp4" in caught.value.message
    assert not (project.dist_dir / "programme-d-essai-usb").exists()


def test_name_collisions_and_bad_names(tmp_path):
    project = make_inputs(tmp_path / "proj", target="cd", video_cache=tmp_path)
    render_dir = project.dist_dir / "render" / "cd"
    render = json.loads((render_dir / "render.json").read_text())
    shutil.copyfile(render_dir / "01-entreprise-a.mp4", render_dir / "01-Entreprise-A.mp4")
    render["modules"][1]["video"] = "01-Entreprise-A.mp4"
    long_name = "x" * 70 + ".vtt"
    shutil.copyfile(render_dir / "01-entreprise-a.es.vtt", render_dir / long_name)
    render["modules"][2]["subtitles"]["es"]["vtt"] = long_name
    shutil.copyfile(render_dir / "01-entreprise-a.es.srt", render_dir / "módulo.srt")
    render["modules"][2]["subtitles"]["fr"]["srt"] = "módulo.srt"
    (render_dir / "render.json").write_text(json.dumps(render, ensure_ascii=False), encoding="utf-8")
    result = run(project.root, "bundle", "--target", "cd")
    assert result.exit_code == 2
    assert "differ only in case" in result.output and "01-Entreprise-A.mp4" in result.output
    assert "74 characters" in result.output and "is not an ASCII name" in result.output
    assert not list(project.dist_dir.glob("*.iso")) and not (project.dist_dir / "programme-d-essai-cd").exists()


# ------------------------------------------------------------------------------------------ failures


def test_missing_inputs_say_what_to_run(tmp_path):
    root = tmp_path / "proj"
    CliRunner().invoke(cli, ["init", str(root)], catch_exceptions=False)
    result = run(root, "bundle", "--target", "dvd")
    assert result.exit_code == 2 and "run `packager render --target dvd` first" in result.output

    project = make_inputs(tmp_path / "proj2", video_cache=tmp_path)
    (project.dist_dir / "render" / "usb" / "02-sous-ministre.es.srt").unlink()
    (project.dist_dir / "documents" / "introduction.docx").unlink()
    result = run(project.root, "bundle")
    assert result.exit_code == 2
    assert "02-sous-ministre.es.srt" in result.output and "introduction.docx" in result.output
    assert "packager render --target usb" in result.output and "`packager docs`" in result.output
    assert "packager documents" not in result.output  # the verb is `docs`
    assert "Traceback" not in result.output
    assert not (project.dist_dir / "programme-d-essai-usb").exists()


def test_failed_write_leaves_no_folder_and_rebuild_replaces(tmp_path, monkeypatch):
    from packager.bundle import build

    project = make_inputs(tmp_path / "proj", video_cache=tmp_path)
    first = make_bundle(project, "usb")
    (first.path / "stale.txt").write_text("from an older bundle")
    killed = project.dist_dir / ".programme-d-essai-usb.k1ll3d.part"  # a run killed with SIGKILL
    (killed / "videos").mkdir(parents=True)

    def broken(root):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(build, "write_sums", broken)
    with pytest.raises(PackagerError, match="No space left"):
        make_bundle(project, "usb")
    # The previous bundle is untouched, and no temporary folder is left.
    assert (first.path / "stale.txt").exists()
    assert sorted(p.name for p in project.dist_dir.iterdir()) == ["documents", "programme-d-essai-usb", "render"]
    monkeypatch.undo()
    again = make_bundle(project, "usb")
    assert not (again.path / "stale.txt").exists() and verify(again.path).ok
    assert sorted(p.name for p in project.dist_dir.iterdir()) == ["documents", "programme-d-essai-usb", "render"]


def test_bundle_command_cd_no_iso(tmp_path):
    project = make_inputs(tmp_path / "proj", target="cd", video_cache=tmp_path)
    result = run(project.root, "bundle", "--target", "cd", "--no-iso")
    assert result.exit_code == 0, result.output
    assert "for cd" in result.output and "disc image" not in result.output
    assert not list(project.dist_dir.glob("*.iso"))
    assert verify(project.dist_dir / "programme-d-essai-cd").ok


def test_unchanged_bundle_is_reused(tmp_path):
    from io import StringIO

    from rich.console import Console

    project = make_inputs(tmp_path / "proj", target="cd", video_cache=tmp_path)
    first = make_bundle(project, "cd")
    stamps = {p: p.stat().st_mtime_ns for p in [first.iso, *first.path.rglob("*")]}
    out = StringIO()
    again = make_bundle(project, "cd", console=Console(file=out, width=200))
    assert "is up to date" in out.getvalue() and again.iso == first.iso and again.size == first.size
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps
    # A changed input (a re-rendered subtitle) rebuilds the folder and the image.
    srt = project.dist_dir / "render" / "cd" / "03-table-ronde.es.srt"
    srt.write_text(srt.read_text(encoding="utf-8").replace("Hablamos", "Hablemos"), encoding="utf-8")
    third = make_bundle(project, "cd")
    assert "Hablemos" in (third.path / "subtitles" / "03-table-ronde.es.srt").read_text(encoding="utf-8")
    assert "Hablemos" in (third.path / "index.html").read_text(encoding="utf-8")
    assert third.iso.stat().st_mtime_ns != stamps[first.iso] and verify(third.iso).ok
    # A hand-edited bundle is rebuilt too, not trusted.
    (third.path / "index.html").write_text("edited")
    assert verify(make_bundle(project, "cd").path).ok


def test_dvd_falls_back_to_dvd9(tmp_path, monkeypatch):
    from io import StringIO

    from rich.console import Console

    project = make_inputs(tmp_path / "proj", target="dvd", video_cache=tmp_path)
    monkeypatch.setitem(capacity.BUDGETS, "dvd", 300_000)
    out = StringIO()
    result = make_bundle(project, "dvd", console=Console(file=out, width=200), iso=False)
    assert result.budget == capacity.DVD_9 and "DVD-9" in out.getvalue()
    monkeypatch.setitem(capacity.BUDGETS, "dvd9", 400_000)
    with pytest.raises(PackagerError, match=r"over the DVD-9 \(dual layer\) \(400,000 bytes\)"):
        make_bundle(project, "dvd", iso=False)


def test_index_without_chapters_speakers_or_documents():
    from packager.bundle.index import render_index

    html = render_index(
        slug="x", title={"fr": "T & <fr>", "es": "T & <es>"}, source_language="fr", target_language="es",
        runtime=3725, documents=[], programme_video=None,
        modules=[{"id": "m", "order": 1, "kind": "workshop", "title": {"fr": "A", "es": "B"}, "duration": 61.4,
                  "speakers": [], "video": "videos/01-m.mp4", "chapters": [], "workbook": None, "cues": {},
                  "subtitle_files": {"fr": {"srt": "subtitles/01-m.fr.srt"}}}])  # no Spanish yet
    assert "Pas de chapitres pour ce module." in html and "Este módulo no tiene cuaderno." in html
    assert 'href="subtitles/01-m.fr.srt"' in html and ".es.srt" not in html
    assert "1:02:05" in html and "1:01" in html and "workshop" in html
    assert "T &amp; &lt;es&gt;" in html and "<es>" not in html


@pytest.mark.parametrize(("said", "expected"), [("es", "es"), (True, "es"), (False, None), (None, None), ("fr", "fr")])
def test_burned_language_as_render_json_says(said, expected):
    from packager.bundle.build import _UNSAID, _burned

    cues = {"es": [(0.0, 1.0, "hola")], "fr": [(0.0, 1.0, "salut")]}
    assert _burned(said, cues, "es") == expected
    # Not said: the render burns the target language in whenever it has cues.
    assert _burned(_UNSAID, cues, "es") == "es" and _burned(_UNSAID, {"fr": cues["fr"]}, "es") is None
