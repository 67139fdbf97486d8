"""Colours as the footage was shot, in files labelled BT.709: SD footage made with BT.601 (tagged, as a DVD
or a DV camera writes it, and untagged, as many archives are), a phone's full-range picture, HD BT.709,
HDR (HLG as phones record it, PQ) in 10-bit HEVC;
and the lower third's accent colour overlaid on footage that says nothing of its matrix. Each colour is
read back from the rendered MP4 the way a player reads it (BT.709, video range) and compared with the
RGB the clip was made from."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from packager.project import Project
from packager.video import ffmpeg
from packager.video.cards import ACCENT, CARD_SECONDS, lower_third_geometry
from packager.video.probe import probe_footage
from packager.video.render import RenderOptions, render_project

FFMPEG = ffmpeg.ffmpeg_exe()
UNTAGGED = ",setparams=colorspace=unknown:color_primaries=unknown:color_trc=unknown:range=unknown"
W, H = 1280, 720  # the lower third's accent bar is 6 pixels wide at 720p
EDIT = 2.0

# (file, stored size, RGB, how the clip's picture is made from that RGB, the stream's codec and tags)
HEVC10 = ["-c:v", "libx265", "-x265-params", "log-level=none", "-preset", "ultrafast", "-pix_fmt", "yuv420p10le",
          "-color_primaries", "bt2020", "-colorspace", "bt2020nc"]


def as_hdr(transfer: str) -> str:
    # SDR light placed as a camera places it: SDR white at the HDR reference white (BT.2408, 203 cd/m²)
    return f"format=gbrpf32le,zscale=tin=bt709:t={transfer}:pin=bt709:p=bt2020:m=bt2020nc:r=tv:npl=203,format=yuv420p10le"


CLIPS = [
    ("dvd601.mpg", "720x576", (200, 40, 40), "scale=out_color_matrix=bt601:out_range=tv,format=yuv420p",
     ["-c:v", "mpeg2video", "-q:v", "2", "-colorspace", "bt470bg", "-color_primaries", "bt470bg",
      "-color_trc", "gamma28"]),
    ("archive.mp4", "640x480", (40, 160, 80), "scale=out_color_matrix=bt601:out_range=tv,format=yuv420p" + UNTAGGED,
     ["-c:v", "libx264", "-preset", "ultrafast", "-qp", "0"]),  # no colour tags at all
    ("phone.mp4", "1280x720", (40, 90, 200), "scale=out_color_matrix=bt709:out_range=pc,format=yuv420p",
     ["-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", "-colorspace", "bt709", "-color_primaries", "bt709",
      "-color_trc", "bt709", "-color_range", "pc"]),
    ("camera.mp4", "1920x1080", (220, 150, 30), "scale=out_color_matrix=bt709:out_range=tv,format=yuv420p",
     ["-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", "-colorspace", "bt709", "-color_primaries", "bt709",
      "-color_trc", "bt709"]),
    ("hlg.mp4", "640x360", (200, 48, 40), as_hdr("arib-std-b67"), [*HEVC10, "-color_trc", "arib-std-b67"]),
    ("pq.mp4", "640x360", (60, 140, 190), as_hdr("smpte2084"), [*HEVC10, "-color_trc", "smpte2084"]),
    ("untagged.mp4", "640x360", (110, 110, 110), "scale=out_color_matrix=bt601:out_range=tv,format=yuv420p" + UNTAGGED,
     ["-c:v", "libx264", "-preset", "ultrafast", "-qp", "0"]),  # grey, under the lower third's bar
]
# How far a colour may come back: a few code values of rounding (4:2:0, two conversions); HDR clips go
# through a tone curve that bends in-range colours a little. A wrong matrix is 15 values off, an HDR
# clip shown as SDR without its tone mapping 50 to 60.
TOLERANCE = {"hlg.mp4": 16, "pq.mp4": 16}

PROJECT = """
[programme]
title_fr = "Couleurs"
title_es = "Colores"
slug = "couleurs"
target_runtime_minutes = 1
frame_rate = 25
"""


def make_clip(path: Path, size: str, rgb: tuple[int, int, int], picture: str, codec: list[str]) -> None:
    colour = "0x{:02X}{:02X}{:02X}".format(*rgb)
    subprocess.run([FFMPEG, "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
                    "-i", f"color=c={colour}:s={size}:r=25:d=2.5,format=rgb24", "-f", "lavfi",
                    "-i", "sine=f=440:r=48000:d=2.5", "-vf", picture,
                    *codec, "-c:a", "aac" if path.suffix == ".mp4" else "mp2", str(path)], check=True)


def as_player_sees_it(y: float, cb: float, cr: float) -> np.ndarray:
    """BT.709 video-range YCbCr → 8-bit RGB (what a player does with a file tagged BT.709)."""
    kr, kb = 0.2126, 0.0722
    luma, pb, pr = (y - 16) / 219, (cb - 128) / 224, (cr - 128) / 224
    r, b = luma + 2 * (1 - kr) * pr, luma + 2 * (1 - kb) * pb
    g = (luma - kr * r - kb * b) / (1 - kr - kb)
    return np.clip(np.array([r, g, b]) * 255, 0, 255)


def frame_ycbcr(video: Path, seconds: float) -> np.ndarray:
    raw = subprocess.run([FFMPEG, "-hide_banner", "-v", "error", "-ss", f"{seconds:.3f}", "-i", str(video),
                          "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "yuv444p", "-"],
                         capture_output=True, check=True).stdout
    return np.frombuffer(raw, dtype=np.uint8).reshape(3, H, W).astype(float)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("colour") / "p"
    (root / "footage").mkdir(parents=True)
    for name, size, rgb, conversion, codec in CLIPS:
        make_clip(root / "footage" / name, size, rgb, conversion, codec)
    (root / "packager.toml").write_text(PROJECT, encoding="utf-8")
    (root / "modules").mkdir()
    module = ('id = "couleurs"\norder = 1\nkind = "interview"\ntitle_fr = "Couleurs"\ntitle_es = "Colores"\n'
              'planned_minutes = [0.1, 0.5]\nsubtitles = "subtitles/fr/couleurs.srt"\n\n'
              '[[speakers]]\nid = "a"\nname = "Hélène L."\nrole_fr = "Directrice"\nrole_es = "Directora"\n'
              f'first_appearance = {EDIT * (len(CLIPS) - 1) + 0.2}\n')
    for name, *_ in CLIPS:
        module += f'\n[[edits]]\nsource = "footage/{name}"\nin = 0.2\nout = {0.2 + EDIT}\n'
    (root / "modules" / "01-couleurs.toml").write_text(module, encoding="utf-8")
    (root / "subtitles" / "fr").mkdir(parents=True)
    (root / "subtitles/fr/couleurs.srt").write_text("1\n00:00:00,200 --> 00:00:00,900\nCouleurs.\n", encoding="utf-8")
    render_project(Project.load(root), "usb", options=RenderOptions(size=(W, H), preset="ultrafast"))
    return root, root / "dist/render/usb/01-couleurs.mp4"


def test_the_probe_reads_each_clips_matrix_and_range(rendered):
    root, _ = rendered
    shapes = {name: probe_footage(root / "footage" / name).video for name, *_ in CLIPS}
    assert shapes["dvd601.mpg"].matrix == "bt601" and not shapes["dvd601.mpg"].full_range
    assert shapes["archive.mp4"].matrix == "unknown"
    assert shapes["phone.mp4"].matrix == "bt709" and shapes["phone.mp4"].full_range
    assert shapes["camera.mp4"].matrix == "bt709" and not shapes["camera.mp4"].full_range
    assert (shapes["hlg.mp4"].transfer, shapes["pq.mp4"].transfer, shapes["camera.mp4"].transfer) == ("hlg", "pq", "sdr")
    assert shapes["hlg.mp4"].matrix == "bt2020"


@pytest.mark.parametrize("index", range(len(CLIPS) - 1), ids=[c[0] for c in CLIPS[:-1]])
def test_each_clip_keeps_its_colours_in_the_bt709_file(rendered, index):
    _, video = rendered
    name, _, rgb, _, _ = CLIPS[index]
    frame = frame_ycbcr(video, CARD_SECONDS + EDIT * index + EDIT / 2)
    seen = as_player_sees_it(*(frame[:, H // 2, W // 2]))
    assert np.abs(seen - rgb).max() <= TOLERANCE.get(name, 6), (name, seen.round(), rgb)


def test_the_lower_thirds_accent_colour_on_untagged_footage(rendered):
    _, video = rendered
    frame = frame_ycbcr(video, CARD_SECONDS + EDIT * (len(CLIPS) - 1) + 1.0)
    x, bottom, _ = lower_third_geometry(W, H)
    seen = as_player_sees_it(*(frame[:, bottom - 20, x + 3]))  # the middle of the 6-pixel bar
    assert np.abs(seen - ACCENT).max() <= 8, (seen.round(), ACCENT)
