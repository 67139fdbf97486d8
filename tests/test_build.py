"""`packager build` end to end, as a producer runs it: the console entry point in a subprocess, on a
new project (generated footage, real ffmpeg, real python-docx, real ISO), then `verify` on what it made."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

CD_CAPACITY = 737_280_000

SPANISH = """1
00:00:01,000 --> 00:00:04,000
Texto de ejemplo: se reemplazará.

2
00:00:05,000 --> 00:00:08,000
Reemplace este archivo por los subtítulos.
"""


def packager(*args: str) -> subprocess.CompletedProcess:
    """Run the CLI like a user; `.output` is what they see (progress on stderr, results on stdout)."""
    result = subprocess.run([sys.executable, "-m", "packager", *args], capture_output=True, text=True, timeout=600)
    result.output = result.stderr + result.stdout
    return result


def built_path(result: subprocess.CompletedProcess) -> Path:
    """The path `build` ends with (its last stage's result), from the line `build: done in … → PATH`."""
    match = re.search(r"^build: done in .+ → (.+)$", result.output, re.MULTILINE)
    assert match, result.output
    return Path(match.group(1).strip())


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("build") / "programme"
    assert packager("init", str(root)).returncode == 0
    (root / "subtitles" / "es").mkdir(parents=True, exist_ok=True)
    (root / "subtitles" / "es" / "module-1.srt").write_text(SPANISH, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def usb_build(project: Path) -> subprocess.CompletedProcess:
    result = packager("-C", str(project), "build", "--no-pdf")
    assert result.returncode == 0, result.output
    return result


def test_build_makes_a_complete_usb_bundle(project: Path, usb_build):
    bundle = built_path(usb_build)
    assert bundle == project / "dist" / "nouveau-programme-de-formation-usb"
    for name in ("index.html", "SHA256SUMS", "LISEZMOI.txt", "LEAME.txt", "videos/01-module-1.mp4",
                 "subtitles/01-module-1.es.vtt", "subtitles/01-module-1.fr.vtt",
                 "documents/cahier-01-module-1.docx"):
        assert (bundle / name).is_file(), name
    output = usb_build.output
    for stage in ("footage:", "QA:", "render:", "documents:", "bundle:"):
        assert stage in output, f"no {stage} line in the build's progress"
    assert re.search(r"size: [\d.]+ [kMG]B", output)
    # The Spanish was written by hand (no machine draft) and nobody approved it yet.
    assert re.search(r"still to approve: 2 cue\(s\) edited, not approved", output), output  # not "draft"
    verify = packager("verify", str(bundle))
    assert verify.returncode == 0 and "files OK" in verify.output
    # The dashboard says the workbook is built, and what it lacks (no Spanish questions were written).
    status = packager("-C", str(project), "status")
    assert "built (Spanish" in status.output, status.output
    assert "0/2 (0%) · 2 edited" in status.output  # cues approved of all, then the other states
    assert "workbook texts, ES approved: 0/1 (0%) · 1 draft" in status.output


def test_rebuild_redoes_only_what_changed(project: Path, usb_build):
    video = project / "dist" / "render" / "usb" / "01-module-1.mp4"
    workbook = project / "dist" / "documents" / "cahier-01-module-1.docx"
    video_mtime, workbook_mtime = video.stat().st_mtime_ns, workbook.stat().st_mtime_ns
    # What a killed run left: an old temporary ISO and a temporary clip (a fresh one may be a live run's).
    stale = [project / "dist" / ".nouveau-programme-de-formation-cd.iso.k1ll3d.part",
             project / ".packager" / "sample-footage" / "footage" / ".module-1.k1ll3d.part.mp4"]
    fresh = project / "dist" / ".other-run.l1v3.part.zip"
    for path in [*stale, fresh]:
        path.write_bytes(b"half written")
    # ... and a subtitle drawing a killed render left half done (a folder).
    drawing = project / ".packager" / "render-cache" / "subtitles" / ".01-module-1-1280x720-0123.k1ll3d.part"
    drawing.mkdir(parents=True)
    (drawing / "state00000.png").write_bytes(b"half drawn")
    stale.append(drawing)
    for path in stale:
        os.utime(path, (time.time() - 3600, time.time() - 3600))
    approve = packager("-C", str(project), "review", "approve", "module-1")
    assert approve.returncode == 0, approve.output
    # The workbook's input changed (its cues' states): the dashboard says so until the next build.
    assert "out of date (run docs)" in packager("-C", str(project), "status").output
    result = packager("-C", str(project), "build", "--no-pdf")
    assert result.returncode == 0, result.output
    # Every cue is approved; what is left is the reflection question nobody has translated yet.
    assert "still to approve: 1 workbook text unit(s) draft — see `packager status`" in result.output
    assert "2/2 (100%)" in packager("-C", str(project), "status").output
    assert video.stat().st_mtime_ns == video_mtime, "approving text must not re-encode the video"
    assert not any(path.exists() for path in stale) and fresh.exists()
    fresh.unlink()
    assert workbook.stat().st_mtime_ns != workbook_mtime, "the workbook loses its draft marks"
    assert packager("verify", str(built_path(result))).returncode == 0


def test_cd_build_makes_an_iso_that_verify_accepts(project: Path, usb_build):
    result = packager("-C", str(project), "build", "--no-pdf", "--target", "cd")
    assert result.returncode == 0, result.output
    iso = project / "dist" / "nouveau-programme-de-formation-cd.iso"
    assert f"disc image: {iso}" in result.output
    assert 0 < iso.stat().st_size < CD_CAPACITY
    assert re.search(r"size: .+ of 737\.3 MB for cd", result.output)
    verify = packager("verify", str(iso))
    assert verify.returncode == 0, verify.output
    # One flipped byte in the folder copy: verify names the file and exits 1.
    video = built_path(result) / "videos" / "01-module-1.mp4"
    data = bytearray(video.read_bytes())
    data[len(data) // 2] ^= 0xFF
    video.write_bytes(bytes(data))
    broken = packager("verify", str(built_path(result)))
    assert broken.returncode == 1 and "01-module-1.mp4" in broken.output
