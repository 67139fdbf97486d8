"""Render: real ffmpeg encodes of a tiny project (320×180 clips of a few seconds, x264 ultrafast)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from packager.cli import cli
from packager.errors import PackagerError
from packager.project import Project
from packager.video import ffmpeg, targets
from packager.video.burn import ass_text
from packager.video.probe import probe_footage
from packager.video.render import (CARD_SECONDS, LOUDNESS_TARGET, RenderOptions, normalise_filter,
                                    render_project)
from packager.video.targets import DVD_5, plan_target

FFMPEG = ffmpeg.ffmpeg_exe()
FPS = 25
SIZE = (320, 180)
OPTIONS = RenderOptions(size=SIZE, preset="ultrafast")

PROJECT_TOML = """
[programme]
title_fr = "Programme d'essai"
title_es = "Programa de prueba"
slug = "essai"
target_runtime_minutes = 1
frame_rate = 25
credits_fr = ["Réalisation : « essai »"]
credits_es = ["Realización: «prueba»"]
"""

MODULE_ONE = """
id = "alpha"
order = 1
kind = "enterprise"
title_fr = "Entreprise Alpha"
title_es = "Empresa Alfa"
planned_minutes = [0.1, 0.5]
subtitles = "subtitles/fr/alpha.srt"

[[speakers]]
id = "dir"
name = "Hélène L."
role_fr = "Directrice"
role_es = "Directora"
first_appearance = 0

[[sections]]
theme = "histoire"
title_fr = "Histoire"
title_es = "Historia"
start = 0

[[sections]]
theme = "financement"
title_fr = "Financement"
title_es = "Financiamiento"
start = 4

[[edits]]
source = "footage/wide.mp4"
in = 1
out = 5

[[edits]]
source = "footage/square.mp4"
in = 0.5
out = 3.5
"""

MODULE_TWO = """
id = "beta"
order = 2
kind = "interview"
title_fr = "Entretien Bêta"
title_es = "Entrevista Beta"
planned_minutes = [0.1, 0.5]
subtitles = "subtitles/fr/beta.srt"

[[edits]]
source = "footage/wide.mp4"
in = 0
out = 2
"""

SRT_FR_ONE = """1
00:00:00,500 --> 00:00:03,000
Bonjour, « ça va » ?

2
00:00:04,000 --> 00:00:06,500
Deuxième réplique
sur deux lignes.
"""

SRT_ES_ONE = """1
00:00:00,500 --> 00:00:03,000
Hola, «¿qué tal?» {sí}

2
00:00:04,000 --> 00:00:06,500
Segunda réplica
en dos líneas, señoría.
"""

SRT_FR_TWO = "1\n00:00:00,200 --> 00:00:01,800\nCourt.\n"
SRT_ES_TWO = "1\n00:00:00,200 --> 00:00:01,800\nCorto.\n"


def _ffmpeg(*args: str) -> None:
    subprocess.run([FFMPEG, "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


def make_clip(path: Path, *, size: str, rate: int, seconds: float, audio: bool = True, channels: int = 1) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    args = ["-f", "lavfi", "-i", f"testsrc2=s={size}:r={rate}:d={seconds}"]
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=f=440:sample_rate=48000:d={seconds},volume=0.05"]
    args += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    args += ["-c:a", "aac", "-ac", str(channels), "-shortest"] if audio else ["-an"]
    _ffmpeg(*args, "-movflags", "+faststart", str(path))


def make_peaky_clip(path: Path, seconds: float = 3.0) -> None:
    """Noisy picture (costly to encode); a quiet tone (about -28 LUFS) with a loud click every second (peaks
    near -1 dBFS)."""
    expr = "0.05*sin(2*PI*440*t)+0.85*lt(mod(t\\,1)\\,0.001)*sin(2*PI*2000*t)"
    _ffmpeg("-f", "lavfi", "-i", f"testsrc2=s=320x180:r=25:d={seconds},noise=alls=30:allf=t", "-f", "lavfi",
            "-i", f"aevalsrc={expr}:s=48000:d={seconds}", "-c:v", "libx264", "-preset", "ultrafast",
            "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "192k", "-shortest", str(path))


@pytest.fixture(scope="module")
def footage(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("footage")
    make_clip(folder / "wide.mp4", size="320x180", rate=25, seconds=6)
    # 4:3 at 30 fps: padded, not stretched; in stereo (the other clips are mono)
    make_clip(folder / "square.mp4", size="240x180", rate=30, seconds=4, channels=2)
    make_clip(folder / "silent.mp4", size="320x180", rate=25, seconds=6, audio=False)
    return folder


def make_project(root: Path, footage: Path, *, es: bool = True) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "packager.toml").write_text(PROJECT_TOML, encoding="utf-8")
    (root / "modules").mkdir()
    (root / "modules" / "01-alpha.toml").write_text(MODULE_ONE, encoding="utf-8")
    (root / "modules" / "02-beta.toml").write_text(MODULE_TWO, encoding="utf-8")
    for lang, texts in (("fr", (SRT_FR_ONE, SRT_FR_TWO)), ("es", (SRT_ES_ONE, SRT_ES_TWO))):
        if lang == "es" and not es:
            continue
        (root / "subtitles" / lang).mkdir(parents=True)
        (root / "subtitles" / lang / "alpha.srt").write_text(texts[0], encoding="utf-8")
        (root / "subtitles" / lang / "beta.srt").write_text(texts[1], encoding="utf-8")
    shutil.copytree(footage, root / "footage")
    return root


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, footage):
    root = make_project(tmp_path_factory.mktemp("project") / "p", footage)
    started = time.monotonic()
    result = render_project(Project.load(root), "usb", options=OPTIONS)
    return root, result, time.monotonic() - started


@pytest.fixture(scope="module")
def unsubtitled(tmp_path_factory, footage):
    root = make_project(tmp_path_factory.mktemp("bare") / "p", footage, es=False)
    result = render_project(Project.load(root), "usb", ["alpha"], options=OPTIONS)
    return root, result


def header(path: Path) -> str:
    return subprocess.run([FFMPEG, "-hide_banner", "-i", str(path)], capture_output=True, text=True).stderr


def frame(path: Path, seconds: float) -> np.ndarray:
    out = path.parent / f".frame-{path.stem}-{seconds}.png"
    _ffmpeg("-ss", f"{seconds}", "-i", str(path), "-frames:v", "1", str(out))
    data = np.asarray(Image.open(out).convert("RGB")).astype(float)
    out.unlink()
    return data


# ---------------------------------------------------------------------------------------------- outputs


def test_streams_video_audio_and_two_language_subtitle_tracks(rendered):
    root, result, _ = rendered
    text = header(root / "dist/render/usb/01-alpha.mp4")
    assert re.search(r"Video: h264.*320x180", text)
    assert re.search(r"Audio: aac.*48000 Hz, stereo", text)  # a stereo clip among its mono ones
    # mono clips only: delivered as two identical channels (a plain meter reads them right)
    assert re.search(r"Audio: aac.*48000 Hz, stereo", header(root / "dist/render/usb/02-beta.mp4"))
    subtitles = re.findall(r"Stream #0:\d+\[0x\w+\]\((\w+)\): Subtitle: mov_text", text)
    assert subtitles == ["fra", "spa"]


def test_chapters_titled_in_both_languages(rendered):
    root, _, _ = rendered
    text = header(root / "dist/render/usb/01-alpha.mp4")
    titles = re.findall(r"Chapter #0:\d+: start ([\d.]+).*\n(?:\s+Metadata:\n)?\s+title\s+: (.+)", text)
    assert titles == [("0.000000", "Entreprise Alpha / Empresa Alfa"), ("4.000000", "Histoire / Historia"),
                      ("8.000000", "Financement / Financiamiento")]
    data = json.loads((root / "dist/render/usb/01-alpha.chapters.json").read_text(encoding="utf-8"))
    assert data["duration"] == pytest.approx(15.0)
    assert data["chapters"][2] == {"start": 8.0, "title": {"fr": "Financement", "es": "Financiamiento"}}


def test_duration_is_edit_list_plus_cards_within_two_frames(rendered):
    root, _, _ = rendered
    for name, footage_seconds in (("01-alpha.mp4", 7.0), ("02-beta.mp4", 2.0)):
        info = probe_footage(root / "dist/render/usb" / name)
        assert abs(info.duration - (footage_seconds + 2 * CARD_SECONDS)) <= 2 / FPS, name


def test_subtitles_are_burned_in_the_bottom_band_only(rendered, unsubtitled):
    root, _, _ = rendered
    bare_root, bare = unsubtitled
    assert any("no es subtitles" in w for w in bare.warnings)
    bare_manifest = json.loads((bare_root / "dist/render/usb/render.json").read_text(encoding="utf-8"))
    assert bare_manifest["modules"][0]["burned"] is None
    at = CARD_SECONDS + 1.5  # cue 1 (0.5–3.0 s of footage) is on screen
    with_text = frame(root / "dist/render/usb/01-alpha.mp4", at)
    without = frame(bare_root / "dist/render/usb/01-alpha.mp4", at)
    h = with_text.shape[0]
    bottom = np.abs(with_text[int(h * 0.75):] - without[int(h * 0.75):]).mean()
    above = np.abs(with_text[: int(h * 0.6)] - without[: int(h * 0.6)]).mean()
    assert bottom > 3 and above < 1.5 and bottom > 4 * above, (bottom, above)  # above: encoder noise only
    # white text with a dark outline: the band holds near-white pixels that the bare frame lacks
    band = with_text[int(h * 0.75):]
    assert (band.min(axis=2) > 200).sum() > (without[int(h * 0.75):].min(axis=2) > 200).sum() + 10


def test_other_aspect_is_padded_not_stretched(rendered):
    root, _, _ = rendered
    # video time 4 (card) + 4 (first edit) + 1.5: the 240×180 clip, pillarboxed in 320×180
    image = frame(root / "dist/render/usb/01-alpha.mp4", CARD_SECONDS + 4 + 1.5)
    assert image[:100, :36].mean() < 20  # black side bars, 40 px each
    assert image[:100, 60:260].mean() > 40


def test_loudness_normalised_to_target(rendered):
    root, _, _ = rendered
    measured = ffmpeg.loudness(root / "dist/render/usb/01-alpha.mp4")
    assert abs(measured["I"] - LOUDNESS_TARGET) <= 1.0, measured
    # The module made of mono clips, read by a plain BS.1770 meter (no dual mono option): on target, and
    # its true peak under the ceiling. It is delivered as two identical channels.
    beta = root / "dist/render/usb/02-beta.mp4"
    log = subprocess.run([FFMPEG, "-hide_banner", "-i", str(beta), "-vn", "-af", "ebur128=peak=true", "-f", "null",
                          "-"], capture_output=True, text=True).stderr
    summary = log.rsplit("Summary:", 1)[-1]
    plain = float(re.findall(r"I:\s+(-?[\d.]+) LUFS", summary)[0])
    peak = float(re.findall(r"Peak:\s+(-?[\d.]+) dBFS", summary)[0])
    assert abs(plain - LOUDNESS_TARGET) <= 1.0 and peak <= -1.0, (plain, peak)


def test_sidecars_and_manifest_follow_the_contract(rendered):
    root, result, _ = rendered
    out = root / "dist/render/usb"
    srt = (out / "01-alpha.es.srt").read_text(encoding="utf-8")
    assert srt.startswith("1\n00:00:04,500 --> 00:00:07,000\nHola, «¿qué tal?» {sí}")
    assert (out / "01-alpha.fr.vtt").read_text(encoding="utf-8").startswith("WEBVTT\n\n1\n00:00:04.500 -->")
    manifest = json.loads((out / "render.json").read_text(encoding="utf-8"))
    assert manifest["target"] == "usb" and manifest["programme"] == "programme.mp4"
    assert (manifest["width"], manifest["height"]) == SIZE
    assert manifest["runtime"] == pytest.approx(25.0)
    alpha = manifest["modules"][0]
    assert alpha["id"] == "alpha" and alpha["order"] == 1 and alpha["kind"] == "enterprise"
    assert alpha["video"] == "01-alpha.mp4" and alpha["title"] == {"fr": "Entreprise Alpha", "es": "Empresa Alfa"}
    assert alpha["speakers"] == [{"name": {"fr": "Hélène L.", "es": "Hélène L."}, "role": {"fr": "Directrice", "es": "Directora"}}]
    assert alpha["subtitles"]["es"] == {"srt": "01-alpha.es.srt", "vtt": "01-alpha.es.vtt"}
    assert alpha["burned"] == "es"  # the index must not draw the Spanish a second time
    for module in manifest["modules"]:
        for name in [module["video"], *(f for s in module["subtitles"].values() for f in s.values())]:
            assert (out / name).is_file()
    assert not list(out.glob(".*part*"))


def test_programme_is_joined_with_a_chapter_per_module(rendered):
    root, _, _ = rendered
    programme = root / "dist/render/usb/programme.mp4"
    text = header(programme)
    assert re.findall(r"title\s+: (\d\. .+)", text) == ["1. Entreprise Alpha / 1. Empresa Alfa",
                                                         "2. Entretien Bêta / 2. Entrevista Beta"]
    assert abs(probe_footage(programme).duration - 25.0) <= 3 / FPS
    assert re.findall(r"\((\w+)\): Subtitle", text) == ["fra", "spa"]
    # Every module is stereo (mono footage too): the sound and the picture were joined by copying (the
    # same H.264 packets as the modules').
    assert re.search(r"Audio: aac.*48000 Hz, stereo", text)
    decoded = subprocess.run([FFMPEG, "-hide_banner", "-v", "error", "-i", str(programme), "-map", "0:a",
                              "-f", "null", "-"], capture_output=True, text=True)
    assert decoded.returncode == 0 and not decoded.stderr.strip()
    assert abs(sound_seconds(programme) - 25.0) <= 0.1

    def packets(path: Path) -> int:
        log = subprocess.run([FFMPEG, "-hide_banner", "-i", str(path), "-map", "0:v", "-c", "copy", "-f", "null",
                              "-"], capture_output=True, text=True).stderr
        return int(re.findall(r"frame=\s*(\d+)", log)[-1])

    modules = [root / "dist/render/usb/01-alpha.mp4", root / "dist/render/usb/02-beta.mp4"]
    assert packets(programme) == sum(packets(m) for m in modules)


def sound_seconds(path: Path) -> float:
    """How long the sound of `path` lasts, decoded."""
    log = subprocess.run([FFMPEG, "-hide_banner", "-i", str(path), "-map", "0:a", "-f", "null", "-"],
                         capture_output=True, text=True).stderr
    h, m, sec = re.findall(r"time=(\d+):(\d+):([\d.]+)", log)[-1]
    return int(h) * 3600 + int(m) * 60 + float(sec)


def test_noop_render_does_no_encode_and_a_change_renders_only_its_module(rendered):
    root, _, first = rendered
    video = root / "dist/render/usb/01-alpha.mp4"
    stamp = video.stat().st_mtime_ns
    started = time.monotonic()
    again = render_project(Project.load(root), "usb", options=OPTIONS)
    assert again.rendered == [] and time.monotonic() - started < 2.0
    assert video.stat().st_mtime_ns == stamp
    # what a render killed with kill -9 leaves (a temporary output) is removed, never taken for an output
    leftover = root / "dist/render/usb/.01-alpha.k9x2.part.mp4"
    leftover.write_bytes(b"half a video")
    render_project(Project.load(root), "usb", options=OPTIONS)
    assert not leftover.exists()
    (root / "subtitles/es/beta.srt").write_text(SRT_ES_TWO.replace("Corto", "Breve"), encoding="utf-8")
    changed = render_project(Project.load(root), "usb", options=OPTIONS)
    assert [m.module_id for m in changed.rendered] == ["beta"]
    assert video.stat().st_mtime_ns == stamp
    assert "Breve" in (root / "dist/render/usb/02-beta.es.srt").read_text(encoding="utf-8")


CD_TEST_BUDGET = 1_500_000  # bytes: leaves ~330 kb/s of video for the 27 s of the cd test's programme


@pytest.fixture
def small_cd(monkeypatch):
    """A CD-R small enough for the 25 s test programme to need the minimum bit rate (no documents)."""
    monkeypatch.setitem(targets.BUDGETS, "cd", CD_TEST_BUDGET)
    monkeypatch.setitem(targets.DOCUMENTS_ALLOWANCE, "cd", 0)


KILL_POINTS = {
    # the module's MP4 is complete under its temporary name, not yet renamed
    "before the rename": ("packager.atomic", "_publish", "final.suffix == '.mp4' and final.parent.name == 'usb'"),
    # every output renamed into place, the cache entry that vouches for them not yet written
    "before the cache entry": ("packager.video.render", "output_record", "True"),
}


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_a_render_killed_with_sigkill_leaves_nothing_the_next_run_trusts(tmp_path, footage, point):
    module, name, when = KILL_POINTS[point]
    root = make_project(tmp_path / "p", footage)
    code = f"""
import os, signal, sys
import {module} as target
original = target.{name}
def killed(*args, **kwargs):
    final = args[-1]
    if {when}:
        os.kill(os.getpid(), signal.SIGKILL)
    return original(*args, **kwargs)
target.{name} = killed
from packager.cli import cli
cli.main(["-C", sys.argv[1], "render", "alpha", "--size", "320x180", "--preset", "ultrafast"])
"""
    killed = subprocess.run([sys.executable, "-c", code, str(root)], capture_output=True, text=True, timeout=120)
    assert killed.returncode == -9, killed.stderr
    out = root / "dist/render/usb"
    if point == "before the rename":
        assert list(out.glob(".01-alpha.*.part.mp4")) and not (out / "01-alpha.mp4").exists()
    else:
        assert (out / "01-alpha.mp4").is_file()
    again = render_project(Project.load(root), "usb", ["alpha"], options=OPTIONS)
    assert [m.module_id for m in again.rendered] == ["alpha"]  # not taken for finished: rendered again
    assert not [p for p in out.iterdir() if ".part" in p.name]
    assert abs(probe_footage(out / "01-alpha.mp4").duration - 15.0) <= 2 / FPS
    assert not list((root / ".packager/render-tmp").iterdir())  # the killed run's working folder too


def test_cd_render_fits_its_byte_budget_and_lists_a_playlist(tmp_path, footage, small_cd):
    root = make_project(tmp_path / "p", footage)
    # module beta's sound: a quiet tone with loud clicks, whose peaks need limiting to reach -23 LUFS (4 s of
    # it: loudnorm's limiting looks 3 s ahead, shorter sound does not reach the target)
    make_peaky_clip(root / "footage/peaks.mp4", seconds=5)
    module = root / "modules/02-beta.toml"
    module.write_text(module.read_text(encoding="utf-8").replace(
        'source = "footage/wide.mp4"\nin = 0\nout = 2', 'source = "footage/peaks.mp4"\nin = 0\nout = 4'),
        encoding="utf-8")
    result = render_project(Project.load(root), "cd", options=OPTIONS)
    out = root / "dist/render/cd"
    plan = result.plan
    assert plan.two_pass and plan.budget == CD_TEST_BUDGET and plan.video_kbps < 400
    # at CRF (without the plan's rate) beta's noisy picture alone would take more than the budget
    total = sum(p.stat().st_size for p in out.iterdir())
    assert total < CD_TEST_BUDGET, (total, plan)
    assert not (out / "programme.mp4").exists()
    playlist = (out / "programme.m3u").read_text(encoding="utf-8").splitlines()
    assert playlist[0] == "#EXTM3U" and "01-alpha.mp4" in playlist and "02-beta.mp4" in playlist
    assert json.loads((out / "render.json").read_text(encoding="utf-8"))["programme"] == "programme.m3u"
    # the peaks were limited (loudnorm with the measured values), the loudness still reached
    measured = ffmpeg.loudness(out / "02-beta.mp4")
    assert abs(measured["I"] - LOUDNESS_TARGET) <= 0.5, measured  # loudnorm's own two passes: on target
    assert measured["peak"] <= -1.0 + 0.5, measured  # sample peak; loudnorm limits true peak to -1 dBTP


def test_cd_too_small_is_refused_with_what_would_have_to_go(tmp_path, footage, monkeypatch):
    monkeypatch.setitem(targets.BUDGETS, "cd", 900_000)
    monkeypatch.setitem(targets.DOCUMENTS_ALLOWANCE, "cd", 0)
    root = make_project(tmp_path / "p", footage)
    result = CliRunner().invoke(cli, ["-C", str(root), "render", "--target", "cd", "--size", "320x180",
                                      "--preset", "ultrafast"])
    assert result.exit_code == 2, result.output
    assert "do not fit a CD-R" in result.output and "would have to go: beta" in result.output
    assert not (root / "dist/render/cd").exists() or not list((root / "dist/render/cd").iterdir())


# ---------------------------------------------------------------------------------------------- planning


def test_plans_fit_the_media_with_a_margin():
    two_hours = [(f"m{i}", 800.0) for i in range(9)]  # 2 h of video
    dvd = plan_target("dvd", two_hours)
    cd = plan_target("cd", two_hours)
    usb = plan_target("usb", two_hours)
    assert (usb.width, usb.height, usb.crf) == (1280, 720, 23)
    assert dvd.height == 720 and cd.height < 720 and cd.height >= 360
    for plan, copies in ((dvd, 2), (cd, 1)):
        video_bytes = (plan.video_kbps + plan.audio_kbps) * 1000 / 8 * 7200 * copies
        assert video_bytes < plan.budget * 0.96
    assert dvd.budget == DVD_5


def test_cd_refuses_when_even_360p_does_not_fit():
    four_hours = [(f"m{i}", 1800.0) for i in range(8)]
    with pytest.raises(PackagerError) as info:
        plan_target("cd", four_hours)
    message = info.value.render()
    assert "do not fit a CD-R" in message and "640×360" in message
    assert "would have to go: " in message and "m7" in message and "m0, m1" in message


def test_ass_text_keeps_braces_and_backslashes_literal():
    assert ass_text("a {b}\nc\\nd <i>e</i>") == "a \\{b\\}\\Nc\\\u2060nd {\\i1}e{\\i0}"


# ---------------------------------------------------------------------------------------------- bad input


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


SQUARE = "modules/01-alpha.toml, line 35, field edits[1].source: "  # where `check` points too
BAD_INPUTS = {
    "missing footage": (lambda root: (root / "footage/square.mp4").unlink(),
                        SQUARE + "footage file not found: footage/square.mp4\n"
                                 "  → copy the footage there or fix the path (relative to the project folder)"),
    "truncated footage": (lambda root: _truncate(root / "footage/square.mp4"),
                          SQUARE + "footage file footage/square.mp4 is truncated"),
    "unreadable footage": (lambda root: (root / "footage/square.mp4").write_bytes(b"not a video" * 100),
                           SQUARE + "cannot read footage file footage/square.mp4: "),
    "sound-only file": (lambda root: _ffmpeg("-f", "lavfi", "-i", "sine=d=4", "-c:a", "aac",
                                             str(root / "footage/square.mp4")),
                        SQUARE + "footage file footage/square.mp4 has no video stream (sound only)"),
    "edit past the end": (lambda root: _edit_module(root, 'out = 3.5', 'out = 9.5'),
                          "modules/01-alpha.toml, line 37, field edits[1].out: out point 00:00:09.500 is past "
                          "the end of footage file footage/square.mp4 (00:00:0"),
    "cue past the end": (lambda root: (root / "subtitles/es/alpha.srt").write_text(
        SRT_ES_ONE + "\n3\n00:00:07,500 --> 00:00:09,000\nDemasiado tarde.\n", encoding="utf-8"),
        "subtitles/es/alpha.srt, cue 3, line 11: ends at 00:00:09.000, past the end of module alpha "
        "(00:00:07.000 of footage in its edit list, 01-alpha.toml)"),
}


def _edit_module(root: Path, old: str, new: str) -> None:
    path = root / "modules/01-alpha.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_names_module_file_line_and_clip_exits_2_and_leaves_nothing(tmp_path, footage, case):
    spoil, message = BAD_INPUTS[case]
    root = make_project(tmp_path / "p", footage)
    spoil(root)
    result = CliRunner().invoke(cli, ["-C", str(root), "render", "--size", "320x180", "--preset", "ultrafast"])
    assert result.exit_code == 2, result.output
    assert f"error: {message}" in result.output, result.output
    assert "module alpha, edit" not in result.output  # said once, where `check` says it
    out = root / "dist/render/usb"
    assert not out.exists() or not [p for p in out.iterdir() if p.suffix in (".mp4", ".srt", ".vtt", ".json")]


def test_bad_input_after_a_render_writes_nothing_and_keeps_the_earlier_outputs(tmp_path, footage):
    root = make_project(tmp_path / "p", footage)
    render_project(Project.load(root), "usb", ["beta"], options=OPTIONS)
    out = root / "dist/render/usb"
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    (root / "footage/wide.mp4").write_bytes(b"not a video" * 100)  # both modules use it
    result = CliRunner().invoke(cli, ["-C", str(root), "render", "--size", "320x180", "--preset", "ultrafast"])
    assert result.exit_code == 2, result.output
    assert "error: modules/01-alpha.toml, line 30, field edits[0].source: cannot read footage file " \
           "footage/wide.mp4" in result.output
    assert "error: modules/02-beta.toml, line 11, field edits[0].source: cannot read footage file " \
           "footage/wide.mp4" in result.output
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == before


def test_loudness_gain_is_linear_unless_the_peak_needs_loudnorm():
    assert normalise_filter(None) == "anull"
    assert normalise_filter({"I": -30.0, "thresh": -40.0, "LRA": 3.0, "TP": -12.0}) == "volume=7.00dB"
    limited = normalise_filter({"I": -30.0, "thresh": -40.0, "LRA": 3.0, "TP": -3.0})  # +7 dB would clip
    assert limited.startswith("loudnorm=I=-23.0:TP=-1.0:") and "measured_I=-30.0" in limited
    assert "linear=true" in limited and "offset" not in limited
    second = normalise_filter({"I": -30.1, "thresh": -40.2, "LRA": 3.0, "TP": -2.9, "offset": 0.4})  # loudnorm's pass 1
    assert "measured_I=-30.1" in second and "measured_TP=-2.9" in second and ":offset=0.4:" in second
