"""SCORM 1.2 as an LMS runs it: the zip carries the schemas its manifest names and the manifest is valid
against them (IMS CP 1.1.2 + ADL's extension); the SCO, loaded in a frame under a stub `window.API`
served over HTTP as an LMS serves it, in Debian's headless Chromium, across three launches: reads
before it writes, completes only when every module has been watched (seeking to the end counts for
nothing), keeps progress in cmi.suspend_data, calls LMSFinish when the page goes, and leaves a
completed learner completed."""

from __future__ import annotations

import functools
import io
import re
import http.server
import json
import shutil
import threading
import urllib.parse
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from packager.bundle.build import make_bundle
from packager.bundle.scorm import SCHEMAS

from test_bundle import MODULES, make_inputs

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
        "--autoplay-policy=no-user-gesture-required"]
XML_XSD = Path(__file__).parent / "schemas" / "xliff20" / "xml.xsd"  # W3C's xml.xsd

LAUNCHER = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>LMS</title><script>
var cmi = JSON.parse(decodeURIComponent(location.hash.slice(1)) || "{}");
function call(name, args, result) { window.record(name, args, result); return result; }
window.API = {
  LMSInitialize: function (a) { return call("LMSInitialize", [a], "true"); },
  LMSGetValue: function (k) {
    var v = k in cmi ? cmi[k] : (k === "cmi.core.lesson_status" ? "not attempted" : "");
    return call("LMSGetValue", [k], v); },
  LMSSetValue: function (k, v) { cmi[k] = String(v); return call("LMSSetValue", [k, String(v)], "true"); },
  LMSCommit: function (a) { return call("LMSCommit", [a], "true"); },
  LMSFinish: function (a) { return call("LMSFinish", [a], "true"); },
  LMSGetLastError: function () { return "0"; },
  LMSGetErrorString: function () { return ""; },
  LMSGetDiagnostic: function () { return ""; }
};
</script></head>
<body><iframe id="sco" src="course/index.html" width="1000" height="700"></iframe></body></html>
"""


@pytest.fixture(scope="module")
def scorm_zip(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("scorm") / "proj"
    project = make_inputs(root)
    result = make_bundle(project, "usb", scorm=True, iso=False)
    assert result.scorm is not None
    return result.scorm


def test_the_zip_carries_the_schemas_its_manifest_names_and_validates_against_them(scorm_zip, tmp_path):
    with zipfile.ZipFile(scorm_zip) as archive:
        archive.extractall(tmp_path)
        names = set(archive.namelist())
    manifest = etree.parse(str(tmp_path / "imsmanifest.xml"))
    location = manifest.getroot().get("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation").split()
    named = set(location[1::2])
    assert named <= names and set(SCHEMAS) <= names  # at the zip's root, beside the manifest
    for name in SCHEMAS:  # as published
        assert (tmp_path / name).read_bytes() == (Path("/work/shared/schemas/scorm12") / name).read_bytes() \
            if Path("/work/shared/schemas/scorm12").is_dir() else (tmp_path / name).stat().st_size > 1000

    class Local(etree.Resolver):
        # libxml2 refuses IMS's ims_xml.xsd (it declares the xml namespace as its default): use W3C's.
        def resolve(self, url, pubid, context):
            if url.endswith("ims_xml.xsd"):
                return self.resolve_filename(str(XML_XSD), context)
            return self.resolve_filename(str(tmp_path / Path(url).name), context)

    parser = etree.XMLParser()
    parser.resolvers.add(Local())
    schema = etree.XMLSchema(etree.parse(str(tmp_path / "adlcp_rootv1p2.xsd"), parser))  # imports IMS CP 1.1.2
    assert schema.validate(manifest), schema.error_log
    # The validation is real: a manifest without its resources fails.
    broken = etree.fromstring(etree.tostring(manifest))
    broken.remove(broken.find("{http://www.imsproject.org/xsd/imscp_rootv1p1p2}resources"))
    assert not schema.validate(etree.ElementTree(broken))


@pytest.fixture(scope="module")
def lms(scorm_zip, tmp_path_factory):
    """The course unzipped under an LMS's launcher page, served over HTTP on localhost."""
    site = tmp_path_factory.mktemp("lms")
    with zipfile.ZipFile(scorm_zip) as archive:
        archive.extractall(site / "course")
    (site / "launcher.html").write_text(LAUNCHER, "utf-8")
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/launcher.html"
    server.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves byte ranges, as a web server does: without them a browser cannot seek in a video."""

    def log_message(self, *args) -> None:
        pass

    def send_head(self):
        match = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
        path = Path(self.translate_path(self.path))
        if not match or not path.is_file():
            return super().send_head()
        size = path.stat().st_size
        start = int(match.group(1))
        end = min(int(match.group(2)) if match.group(2) else size - 1, size - 1)
        with open(path, "rb") as handle:
            handle.seek(start)
            body = handle.read(end - start + 1)
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(end - start + 1))
        self.end_headers()
        return io.BytesIO(body)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


def launch(browser, url: str, cmi: dict[str, str], actions) -> tuple[list[tuple], dict[str, str]]:
    """One learner session: the launcher with the LMS's stored values, `actions(frame)`, then the page
    is left (pagehide). Returns the API calls in order and the values the LMS stores afterwards."""
    calls: list[tuple] = []
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.expose_function("record", lambda name, args, result: calls.append((name, *args)))
    page.goto(url + "#" + urllib.parse.quote(json.dumps(cmi)))
    frame = page.frame_locator("#sco")  # wait until the SCO has started
    frame.locator("button.play").first.wait_for()
    sco = next(f for f in page.frames if f.url.endswith("course/index.html"))
    sco.wait_for_function("() => window.packagerIndex !== undefined")
    actions(sco)
    page.goto("about:blank")  # the learner leaves: pagehide
    page.close()
    assert not errors, errors
    stored = dict(cmi)
    for call in calls:
        if call[0] == "LMSSetValue":
            stored[call[1]] = call[2]
    return calls, stored


def watch(sco, index: int) -> None:
    sco.evaluate(f"() => window.packagerIndex.load({index}, true)")
    sco.wait_for_function("() => { const v = document.getElementById('video'); return v.ended; }", timeout=20_000)


def skip_to_end(sco, index: int) -> None:
    sco.evaluate(f"() => window.packagerIndex.load({index}, true)")
    sco.wait_for_function("() => document.getElementById('video').readyState >= 1")
    sco.evaluate("() => { const v = document.getElementById('video'); v.currentTime = v.duration - 0.05; }")
    sco.wait_for_function("() => document.getElementById('video').ended", timeout=20_000)


def status_writes(calls) -> list[str]:
    return [c[2] for c in calls if c[0] == "LMSSetValue" and c[1] == "cmi.core.lesson_status"]


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (apt install chromium)")
def test_completion_means_every_module_watched_across_sessions(browser, lms):
    ids = [m[0] for m in MODULES]

    # First launch: skipping to the end of the last module, then watching all but the last.
    def first(sco):
        skip_to_end(sco, len(ids) - 1)
        for index in range(len(ids) - 1):
            watch(sco, index)

    calls, stored = launch(browser, lms, {}, first)
    names = [c[0] for c in calls]
    assert names[0] == "LMSInitialize"
    read = names.index("LMSGetValue")
    assert ("LMSGetValue", "cmi.core.lesson_status") in calls and ("LMSGetValue", "cmi.suspend_data") in calls
    assert read < names.index("LMSSetValue")  # reads before it writes
    assert status_writes(calls) == ["incomplete"], [c for c in calls if c[0] == "LMSSetValue"]  # not by a skip
    assert names[-1] == "LMSFinish" and names.count("LMSFinish") == 1
    progress = stored["cmi.suspend_data"]
    assert all(f"{module_id}:done" in progress for module_id in ids[:-1]), progress
    assert f"{ids[-1]}:done" not in progress
    assert stored["cmi.core.exit"] == "suspend" and stored["cmi.core.lesson_status"] == "incomplete"
    assert stored["cmi.core.session_time"].count(":") == 2

    # Second launch: the progress is read back; watching the last module completes the course.
    calls, stored = launch(browser, lms, stored, lambda sco: watch(sco, len(ids) - 1))
    assert status_writes(calls) == ["completed"]  # not set back to incomplete first
    assert all(f"{module_id}:done" in stored["cmi.suspend_data"] for module_id in ids)
    assert [c[0] for c in calls][-1] == "LMSFinish" and stored["cmi.core.exit"] == ""

    # Third launch: a completed learner stays completed, whatever they do.
    calls, stored = launch(browser, lms, stored, lambda sco: skip_to_end(sco, 0))
    assert ("LMSGetValue", "cmi.core.lesson_status") in calls
    assert status_writes(calls) == [] and stored["cmi.core.lesson_status"] == "completed"
    assert [c[0] for c in calls][-1] == "LMSFinish"
