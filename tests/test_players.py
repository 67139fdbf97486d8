"""The videos as ordinary players read them: which subtitle track shows, where, in which language, in
which colours. Real renders of a tiny project (test_render's), read back by libavformat (PyAV, what
ffprobe reports), by the MP4 boxes themselves, by FFmpeg's own mov_text decoder, and by webvtt-py."""

from __future__ import annotations

import re
import subprocess
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
import webvtt
from PIL import Image

from packager.project import Project
from packager.review.proxy import make_proxy
from packager.subtitles.cues import read_srt
from packager.video import mp4boxes
from packager.video.cards import ACCENT, BACKGROUND, SOFT
from packager.video.render import card_clip, plan_for, render_project
from test_render import FFMPEG, OPTIONS, make_clip, make_project


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("footage")
    make_clip(folder / "wide.mp4", size="320x180", rate=25, seconds=6)
    make_clip(folder / "square.mp4", size="240x180", rate=30, seconds=4, channels=2)
    root = make_project(tmp_path_factory.mktemp("players") / "p", folder)
    render_project(Project.load(root), "usb", options=OPTIONS)
    return root


def videos(root: Path) -> list[Path]:
    found = sorted((root / "dist/render/usb").glob("*.mp4"))
    assert [p.name for p in found] == ["01-alpha.mp4", "02-beta.mp4", "programme.mp4"]
    return found


def test_no_subtitle_track_is_enabled_or_default_in_any_mp4(project):
    for path in videos(project):
        with av.open(str(path)) as container:
            subtitles = [s for s in container.streams if s.type == "subtitle"]
            assert [s.metadata.get("language") for s in subtitles] == ["fra", "spa"]
            # what ffprobe says ("default": libavformat reads the tkhd enabled flag as it)
            assert all(not s.disposition & av.stream.Disposition.default for s in subtitles), path.name
            assert container.streams.video[0].disposition & av.stream.Disposition.default
            assert container.streams.audio[0].disposition & av.stream.Disposition.default
        tracks = mp4boxes.tracks(path)
        flags = {t.handler: [] for t in tracks}
        for track in tracks:
            flags[track.handler].append(track.flags & mp4boxes.TKHD_ENABLED)
        assert flags[b"sbtl"] == [0, 0], path.name  # the box itself: neither subtitle track enabled
        assert flags[b"vide"] == [1] and flags[b"soun"] == [1]


def _decoded_style(path: Path, track: int, tmp: Path) -> str:
    """The ASS style FFmpeg's mov_text decoder (mpv's, VLC's libavcodec) gives a soft track."""
    out = tmp / f"{path.stem}-{track}.ass"
    subprocess.run([FFMPEG, "-hide_banner", "-loglevel", "error", "-y", "-i", str(path), "-map", f"0:s:{track}",
                    str(out)], check=True)
    return next(line for line in out.read_text(encoding="utf-8").splitlines() if line.startswith("Style:"))


def test_french_soft_track_is_at_the_top_spanish_stays_at_the_bottom(project, tmp_path):
    for path in videos(project):
        french, spanish = [t for t in mp4boxes.tracks(path) if t.is_subtitle]
        assert [mp4boxes.vertical_justification(path, at) for at in french.tx3g_at] == [mp4boxes.TOP]
        assert [mp4boxes.vertical_justification(path, at) for at in spanish.tx3g_at] == [mp4boxes.BOTTOM]
        # ASS alignment 8 is top centre, 2 bottom centre: what a player draws
        assert _decoded_style(path, 0, tmp_path).split(",")[18] == "8", path.name
        assert _decoded_style(path, 1, tmp_path).split(",")[18] == "2", path.name


def test_sidecars_put_the_french_at_the_top_and_pass_a_strict_webvtt_parser(project):
    out = project / "dist/render/usb"
    for name in ("01-alpha", "02-beta"):
        french = webvtt.read(str(out / f"{name}.fr.vtt"))
        spanish = webvtt.read(str(out / f"{name}.es.vtt"))
        assert french.captions and all(str(c.settings) == "line:0" and c.settings.line for c in french.captions)
        assert spanish.captions and all(not str(c.settings) for c in spanish.captions)
        assert not any("{" in c.text for c in french.captions)
        srt_text = (out / f"{name}.fr.srt").read_text(encoding="utf-8")
        cues = read_srt(out / f"{name}.fr.srt")
        assert len(re.findall(r"-->.*\n\{\\an8\}\S", srt_text)) == len(cues) > 0
        assert "\\an8" not in (out / f"{name}.es.srt").read_text(encoding="utf-8")


def test_every_stream_is_tagged_with_the_programme_language_and_bt709(project):
    for path in videos(project):
        with av.open(str(path)) as container:
            video = container.streams.video[0]
            assert video.metadata.get("language") == "fra"
            assert container.streams.audio[0].metadata.get("language") == "fra"
            context = video.codec_context
            assert (int(context.color_primaries), int(context.color_trc), int(context.colorspace)) == (1, 1, 1)
        assert all(t.language in ("fra", "spa") for t in mp4boxes.tracks(path)), path.name  # chapters too
        data = path.read_bytes()
        colr = data.index(b"colrnclx")
        assert data[colr + 8:colr + 14] == bytes([0, 1, 0, 1, 0, 1])  # primaries, transfer, matrix = BT.709


def _frame_rgb709(path: Path, seconds: float) -> np.ndarray:
    """A frame decoded with the BT.709 matrix (what a player uses for HD, and what the file says)."""
    out = path.with_name(f".{path.stem}-{seconds}.png")
    subprocess.run([FFMPEG, "-hide_banner", "-loglevel", "error", "-y", "-ss", str(seconds), "-i", str(path),
                    "-vf", "scale=in_color_matrix=bt709:in_range=tv,format=rgb24", "-frames:v", "1", str(out)],
                   check=True)
    data = np.asarray(Image.open(out).convert("RGB")).astype(float)
    out.unlink()
    return data


def test_title_card_colours_are_converted_with_bt709(project, tmp_path):
    """A card in the cards' own colours, encoded by card_clip, decoded as BT.709: the same colours."""
    palette = [BACKGROUND, ACCENT, SOFT, (255, 255, 255)]
    image = np.zeros((180, 320, 3), np.uint8)
    for n, colour in enumerate(palette):
        image[:, n * 80:(n + 1) * 80] = colour
    png = tmp_path / "palette.png"
    Image.fromarray(image).save(png)
    plan = plan_for(Project.load(project), "usb", OPTIONS)
    clip = card_clip(png, plan, Fraction(25), "ultrafast")
    frame = _frame_rgb709(clip, 2.0)  # between the fades
    for n, colour in enumerate(palette):
        measured = frame[40:140, n * 80 + 16:(n + 1) * 80 - 16].reshape(-1, 3).mean(axis=0)
        assert np.abs(measured - colour).max() <= 3, (colour, measured.round(1))


def test_kit_proxy_tags_its_picture_and_sound_with_the_spoken_language(project, tmp_path):
    loaded = Project.load(project)
    proxy = make_proxy(loaded, loaded.module("beta"), tmp_path / "beta.mp4", preset="ultrafast", height=180)
    with av.open(str(proxy)) as container:
        assert [s.metadata.get("language") for s in container.streams] == ["fra", "fra"]
        assert int(container.streams.video[0].codec_context.colorspace) == 1
