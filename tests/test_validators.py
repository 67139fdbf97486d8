"""The outputs against the validators their users' tools apply: XLIFF 2.0 against the OASIS core schema
and its Metadata module (tests/schemas/xliff20), every WebVTT through a strict parser (webvtt-py).

(settings.xml/styles.xml/document.xml against ECMA-376's WordprocessingML schema: test_documents_for_
readers; imsmanifest.xml against IMS CP 1.1.2 and ADL SCORM 1.2: test_scorm.)"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
import webvtt
from lxml import etree

from packager.review.export import export_bytes
from packager.subtitles.cues import Cue, format_vtt, read_srt, shift
from packager.documents.model import CARD_SECONDS
from packager.project import Project

from test_documents import make_project

XLIFF = Path(__file__).parent / "schemas" / "xliff20"
REPO = Path(__file__).resolve().parent.parent


def xliff_schema() -> etree.XMLSchema:
    """The OASIS core with the Metadata module packager writes (mda:), offline: xml.xsd is the local copy."""
    class Local(etree.Resolver):
        def resolve(self, url, pubid, context):
            if url.endswith("/xml.xsd") or url == "xml.xsd":
                return self.resolve_filename(str(XLIFF / "xml.xsd"), context)
            return None

    parser = etree.XMLParser()
    parser.resolvers.add(Local())
    wrapper = f"""<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:packager:test">
      <xs:import namespace="urn:oasis:names:tc:xliff:document:2.0"
                 schemaLocation="{(XLIFF / 'xliff_core_2.0.xsd').as_uri()}"/>
      <xs:import namespace="urn:oasis:names:tc:xliff:metadata:2.0"
                 schemaLocation="{(XLIFF / 'modules' / 'metadata.xsd').as_uri()}"/>
    </xs:schema>"""
    return etree.XMLSchema(etree.fromstring(wrapper.encode(), parser, base_url=str(XLIFF) + "/"))


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Project:
    return make_project(tmp_path_factory.mktemp("validators") / "proj")


def test_xliff_exports_and_kits_are_valid_xliff_2_0(project):
    schema = xliff_schema()
    documents = [export_bytes(project, module, "xliff") for module in project.modules]
    from packager.review.kit import build_kit

    kit = project.root / "kit.zip"
    build_kit(project, project.modules, kit, proxy=False)
    with zipfile.ZipFile(kit) as archive:
        documents += [archive.read(n) for n in archive.namelist() if n.endswith(".xliff")]
    assert len(documents) == 2 * len(project.modules)
    for data in documents:
        tree = etree.parse(io.BytesIO(data))
        assert schema.validate(tree), schema.error_log
        assert tree.getroot().get("srcLang") == "fr" and tree.getroot().get("trgLang") == "es"
        # mda:metadata is checked too (lax content is validated where a schema is known).
        assert tree.find(".//{urn:oasis:names:tc:xliff:metadata:2.0}metaGroup") is not None
    # The schema bites: a segment without its source is refused.
    tree = etree.parse(io.BytesIO(documents[0]))
    segment = tree.find(".//{urn:oasis:names:tc:xliff:document:2.0}segment")
    segment.remove(segment.find("{urn:oasis:names:tc:xliff:document:2.0}source"))
    assert not schema.validate(tree)


TIMING = re.compile(r"^(\d{2,}:)?[0-5]\d:[0-5]\d\.\d{3} --> (\d{2,}:)?[0-5]\d:[0-5]\d\.\d{3}( \S+:\S+)*$")


def seconds(stamp: str) -> float:
    parts = [float(p) for p in stamp.split(":")]
    return sum(p * 60 ** i for i, p in enumerate(reversed(parts)))


def check_vtt(text: str, cues: list[Cue], where: str) -> None:
    """webvtt-py parses it to the same cues, and each block has the W3C shape webvtt-py is lenient
    about: an optional identifier, a timing line (settings allowed), a payload without "-->"."""
    captions = list(webvtt.from_string(text))
    assert len(captions) == len(cues), where
    for caption, cue in zip(captions, cues):
        assert abs(seconds(caption.start) - cue.start) < 0.002 and abs(seconds(caption.end) - cue.end) < 0.002
        assert caption.text.strip(), where
    header, *blocks = text.split("\n\n")
    assert header == "WEBVTT", where
    blocks = [b for b in blocks if b.strip()]
    assert len(blocks) == len(cues), where
    for block in blocks:
        lines = block.split("\n")
        timing = 1 if "-->" not in lines[0] else 0
        assert TIMING.match(lines[timing]), (where, lines[timing])
        payload = lines[timing + 1:]
        assert payload and all(line and "-->" not in line for line in payload), (where, block)


def test_every_webvtt_parses_strictly(project, tmp_path):
    """The sidecars the render writes (format_vtt on the shifted cues) for the sample's every module and
    both languages, and hostile cue texts."""
    sample = Project.load(REPO)
    checked = 0
    for module in sample.modules:
        for lang in sample.languages:
            path = module.subtitle_path(lang)
            cues = shift(read_srt(path), CARD_SECONDS)
            # as render writes them: the language not burned in placed at the top (`line:0`)
            check_vtt(format_vtt(cues, top=lang != sample.target_language), cues, str(path))
            checked += 1
    assert checked == 2 * len(sample.modules)
    hostile = [Cue(1, 0.5, 1.5, "a --> b & <c> {\\an8}<font color=red>rouge</font>"),
               Cue(2, 2.0, 3.25, "<i>deux</i>\nlignes"),
               Cue(3, 3600.0, 3601.0, "une heure")]
    check_vtt(format_vtt(hostile), hostile, "hostile cues")
    check_vtt(format_vtt(hostile, top=True), hostile, "hostile cues at the top")
