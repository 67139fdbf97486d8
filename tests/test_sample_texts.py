"""The sample's own texts, as trainers read them: the guide says the Spanish subtitles are burned in;
the booklet cites documents, not file names (those are in the producers' workbooks/SOURCES.md); the
index footer and LISEZMOI/LEAME tell how to check a copy with the tools a trainer has; in the Spanish
interface speakers' names and roles are Spanish."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import docx
import pytest

from packager.bundle.build import make_bundle
from packager.documents.build import build_documents
from packager.project import Project

from test_bundle import make_inputs

REPO = Path(__file__).resolve().parent.parent
SEED_FILE = re.compile(r"\d{3}_[0-9a-f]{16}\.txt")


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Project:
    root = tmp_path_factory.mktemp("sample") / "proj"
    root.mkdir()
    for name in ("packager.toml", "glossary.toml"):
        shutil.copy(REPO / name, root / name)
    for name in ("modules", "subtitles", "workbooks"):
        shutil.copytree(REPO / name, root / name)
    project = Project.load(root)
    build_documents(project, pdf=False)
    return project


def document_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_the_guide_says_the_spanish_subtitles_are_in_the_picture(sample):
    text = document_text(sample.dist_dir / "documents" / "guide-formateur.docx")
    assert "activez les sous-titres" not in text and "active los subtítulos" not in text
    assert "Les sous-titres espagnols font partie de l'image" in text
    assert "Los subtítulos en español forman parte de la imagen" in text
    assert "packager verify" not in text and "sha256sum -c SHA256SUMS" in text  # the checklist
    assert "[BORRADOR]" not in text  # the sample's Spanish is approved, edits included


def test_the_booklet_cites_documents_and_file_names_stay_with_producers(sample):
    text = document_text(sample.dist_dir / "documents" / "introduction.docx")
    assert not SEED_FILE.search(text), SEED_FILE.findall(text)
    assert "[BORRADOR]" not in text
    for cited in ("fait à Québec le 10 décembre 2001",
                  "ministère de l'Emploi et de la Solidarité sociale du Québec, signée à Québec le 24 mars 2006",
                  "avril 2006, cote INSPQ-2006-064",
                  "signée à Québec le 22 juin 2022 et à Paris le 7 novembre 2022",
                  "hecha en Quebec el 10 de diciembre de 2001",
                  "firmado en Quebec el 22 de junio de 2022"):
        assert cited in text, cited
    for path in (REPO / "workbooks").rglob("*"):
        if path.is_file() and path.suffix in (".md", ".toml") and path.name != "SOURCES.md":
            assert not SEED_FILE.search(path.read_text("utf-8")), path
    note = (REPO / "workbooks" / "SOURCES.md").read_text("utf-8")
    assert {p.name for p in (REPO.parent / "shared" / "seeds").glob("*.txt")} <= set(SEED_FILE.findall(note)) \
        if (REPO.parent / "shared" / "seeds").is_dir() else len(set(SEED_FILE.findall(note))) == 5


def test_speakers_have_spanish_names_in_the_sample():
    project = Project.load(REPO)
    names = {s.name_in("es") for m in project.modules for s in m.definition.speakers}
    assert "Viceministro/a (por confirmar)" in names
    assert not [n for n in names if "exemple" in n or "à confirmer" in n or "Sous-ministre" in n], names


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    root = tmp_path_factory.mktemp("texts") / "proj"
    project = make_inputs(root)
    render = project.dist_dir / "render" / "usb" / "render.json"
    data = json.loads(render.read_text("utf-8"))
    # As render.py writes it since speakers have a name per language.
    data["modules"][1]["speakers"] = [{"name": {"fr": "Sous-ministre (à confirmer)",
                                                "es": "Viceministro/a (por confirmar)"},
                                       "role": {"fr": "Sous-ministre", "es": "Viceministro/a"}}]
    render.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return make_bundle(project, "usb")


def test_the_index_tells_trainers_how_to_check_a_copy_and_speaks_spanish(bundle):
    html = (bundle.path / "index.html").read_text("utf-8")
    footer = re.search(r"<footer>(.*)</footer>", html, re.S).group(1)
    assert "packager verify" not in footer
    for command in ("sha256sum -c SHA256SUMS", "shasum -a 256 -c SHA256SUMS", "Get-FileHash", "certutil -hashfile"):
        assert footer.count(command) == 2, command  # in French and in Spanish
    assert '<span class="l-es" lang="es">Viceministro/a (por confirmar)</span>' in html
    assert '<span class="l-fr" lang="fr">Sous-ministre (à confirmer)</span>' in html
    for name in ("LISEZMOI.txt", "LEAME.txt"):
        text = (bundle.path / name).read_text("utf-8-sig")
        assert "packager verify" not in text
        assert "sha256sum -c SHA256SUMS" in text and "shasum -a 256 -c SHA256SUMS" in text
        assert "Get-FileHash -LiteralPath $f" in text and "certutil -hashfile" in text


@pytest.mark.parametrize("command", [["sha256sum", "-c", "SHA256SUMS"], ["shasum", "-a", "256", "-c", "SHA256SUMS"]])
def test_the_commands_the_footer_gives_check_a_copy(bundle, tmp_path, command):
    import subprocess

    if shutil.which(command[0]) is None:
        pytest.skip(f"{command[0]} is not installed")
    copy = tmp_path / "copy"
    shutil.copytree(bundle.path, copy)
    assert subprocess.run(command, cwd=copy, capture_output=True).returncode == 0
    damaged = next(p for p in sorted(copy.rglob("*.docx")))
    damaged.write_bytes(damaged.read_bytes() + b"x")
    result = subprocess.run(command, cwd=copy, capture_output=True, text=True)
    assert result.returncode != 0 and damaged.name in result.stdout
