"""Real footage shapes: clips made with ffmpeg in the shapes cameras, phones, recorders and archives write
(DV 4:3, anamorphic 16:9, truly interlaced TFF and BFF, a phone's display matrix, variable frame rate, 5.1,
two mono mics, no sound, 10-bit HEVC, ProRes, an odd size, 29.97 fps), joined in one module and rendered
once; each is then measured in the output: its active picture (cropdetect), combing, which frequencies
are heard, the module's length, and the flash and click of the sync clips."""

from __future__ import annotations

import os

import re
from fractions import Fraction
import subprocess
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from packager.cli import cli
from packager.errors import PackagerError
from packager.project import Project
from packager.video import ffmpeg
from packager.video.probe import probe_footage
from packager.video.render import CARD_SECONDS, LOUDNESS_TARGET, RenderOptions, render_project

FFMPEG = ffmpeg.ffmpeg_exe()
W, H = 320, 180
FPS = 25
CLIP = 2.5  # seconds of each shape's clip; its edit plays 2 of them
EDIT = 2.0


def ff(*args: str) -> None:
    subprocess.run([FFMPEG, "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


def gray(size: str, rate: str = "25", seconds: float = CLIP) -> list[str]:
    return ["-f", "lavfi", "-i", f"color=c=0x808080:s={size}:r={rate}:d={seconds}"]


def tone(freq: int, seconds: float = CLIP, layout: str = "mono") -> list[str]:
    return ["-f", "lavfi", "-i", f"sine=f={freq}:r=48000:d={seconds},aformat=channel_layouts={layout}"]


def moving_bar(size: str, rate: int, seconds: float = CLIP) -> str:
    """A white bar sweeping across gray at `rate` frames a second (a field each, once interlaced)."""
    return (f"color=c=0x808080:s={size}:r={rate}:d={seconds}[bg];color=c=white:s=24x{size.split('x')[1]}:r={rate}"
            f":d={seconds}[bar];[bg][bar]overlay=x='mod(t*600\\,{int(size.split('x')[0]) - 24})':y=0:shortest=1")


def flash_and_click(path: Path, rate: str, seconds: float, vfr: bool = False) -> None:
    """Black picture with two white frames every second, and a 10 ms click of 1 kHz at the first of them.
    `vfr`: frames dropped here and there (as a phone does), written with their own timestamps."""
    num, den = (int(x) for x in (rate.split("/") + ["1"])[:2])
    period = f"{30 * den / num:.6f}"  # the flash's period: every 30 frames (1.001 s at 29.97 fps)
    frames = f"select='not(eq(mod(n\\,30)\\,13)+eq(mod(n\\,30)\\,22)+eq(mod(n\\,30)\\,27))'," if vfr else ""
    ff("-f", "lavfi", "-i", f"color=c=black:s={W}x{H}:r={rate}:d={seconds}",
       "-f", "lavfi", "-i", f"aevalsrc='0.5*lt(mod(t\\,{period})\\,0.01)*sin(2*PI*1000*t)':s=48000:d={seconds}",
       "-filter_complex", f"[0:v]{frames}geq=lum='if(lt(mod(T\\,{period})\\,0.06)\\,235\\,16)':cb=128:cr=128[v]",
       "-map", "[v]", "-map", "1:a", *(["-fps_mode", "vfr"] if vfr else []),
       "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", str(path))


# Each shape: (file, how to make it, expected active picture in the 320×180 frame, frequencies heard)
def make_footage(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    x264 = ["-c:v", "libx264", "-preset", "ultrafast"]
    # DV NTSC 4:3, 720×480 with 8:9 pixels, stereo PCM (the DV muxer's own shape)
    ff(*gray("720x480", "30000/1001"), *tone(300, layout="stereo"), "-target", "ntsc-dv", str(folder / "dv43.dv"))
    # anamorphic PAL 16:9 (DVD, HDV, editing exports): 720×576, SAR 64:45
    ff(*gray("720x576"), *tone(400), "-vf", "setsar=64/45", "-c:v", "mpeg2video", "-q:v", "4", "-c:a", "mp2",
       str(folder / "pal169.mpg"))
    # truly interlaced: 50 pictures a second woven into 25 frames (each field from its own instant)
    ff("-filter_complex", moving_bar(f"{W}x{H}", 50) + ",tinterlace=mode=interleave_top,setfield=tff[v]",
       *tone(500), "-map", "[v]", "-map", "0:a", *x264, "-flags", "+ildct+ilme", "-x264-params", "tff=1",
       "-c:a", "aac", str(folder / "tff.mp4"))
    ff("-filter_complex", moving_bar(f"{W}x{H}", 50) + ",tinterlace=mode=interleave_bottom,setfield=bff[v]",
       *tone(600), "-map", "[v]", "-map", "0:a", "-c:v", "mpeg2video", "-q:v", "3", "-flags", "+ildct+ilme",
       "-c:a", "mp2", str(folder / "bff.mpg"))
    # a phone held upright: stored landscape, a display matrix turns it 90°
    ff(*gray(f"{W}x{H}", "30"), *tone(700, layout="stereo"), *x264, "-c:a", "aac", str(folder / ".phone.mp4"))
    ff("-display_rotation", "90", "-i", str(folder / ".phone.mp4"), "-c", "copy", str(folder / "phone.mp4"))
    (folder / ".phone.mp4").unlink()
    # 5.1: the voice in the centre channel only
    ff(*gray(f"{W}x{H}"), "-f", "lavfi", "-i", f"aevalsrc=0|0|0.3*sin(2*PI*800*t)|0|0|0:c=5.1:s=48000:d={CLIP}",
       *x264, "-c:a", "aac", str(folder / "surround.mp4"))
    # a camera with two lavalier mics, one mono stream each, at very different levels
    ff(*gray(f"{W}x{H}"), "-f", "lavfi", "-i", f"sine=f=1000:r=48000:d={CLIP},volume=-6dB",
       "-f", "lavfi", "-i", f"sine=f=1500:r=48000:d={CLIP},volume=-30dB", "-map", "0:v", "-map", "1:a",
       "-map", "2:a", *x264, "-c:a", "pcm_s16le", str(folder / "twomics.mov"))
    ff(*gray(f"{W}x{H}"), *x264, "-an", str(folder / "broll.mp4"))  # B-roll: no sound at all
    ff(*gray(f"{W}x{H}"), *tone(1800), "-c:v", "libx265", "-pix_fmt", "yuv420p10le", "-x265-params",
       "log-level=none", "-preset", "ultrafast", "-c:a", "aac", str(folder / "hevc10.mp4"))
    ff(*gray("320x240"), *tone(2100), "-c:v", "prores_ks", "-profile:v", "0", "-c:a", "pcm_s24le",
       str(folder / "prores.mov"))
    ff(*gray("321x241"), *tone(2500, layout="stereo"), *x264, "-pix_fmt", "yuv444p", "-c:a", "aac",
       str(folder / "odd.mp4"))
    # sync: 29.97 fps (a minute of it), and variable-rate phone footage, each with a flash and a click every 30 frames
    flash_and_click(folder / "sync2997.mp4", "30000/1001", 61)  # a minute: 29.97 taken for 30 would drift 60 ms
    flash_and_click(folder / "syncvfr.mp4", "30", 6.5, vfr=True)
    # a lavalier plugged into one input of a camera: stereo, the voice on the left, nothing on the right
    ff(*gray(f"{W}x{H}"), "-f", "lavfi", "-i", f"aevalsrc=0.3*sin(2*PI*1200*t)|0:c=stereo:s=48000:d={CLIP}",
       *x264, "-c:a", "aac", str(folder / "oneside.mp4"))


# (source, in, out, active width, active height, frequencies)
EDITS = [
    ("dv43.dv", 0.2, 2.2, 240, 180, [300]),
    ("pal169.mpg", 0.2, 2.2, 320, 180, [400]),
    ("tff.mp4", 0.2, 2.2, 320, 180, [500]),
    ("bff.mpg", 0.2, 2.2, 320, 180, [600]),
    ("phone.mp4", 0.2, 2.2, 102, 180, [700]),
    ("surround.mp4", 0.2, 2.2, 320, 180, [800]),
    ("twomics.mov", 0.2, 2.2, 320, 180, [1000, 1500]),
    ("broll.mp4", 0.2, 2.2, 320, 180, []),
    ("hevc10.mp4", 0.2, 2.2, 320, 180, [1800]),
    ("prores.mov", 0.2, 2.2, 240, 180, [2100]),
    ("odd.mp4", 0.2, 2.2, 240, 180, [2500]),
    ("sync2997.mp4", 0.4, 60.4, None, None, None),
    ("syncvfr.mp4", 0.4, 6.4, None, None, None),
    ("oneside.mp4", 0.2, 2.2, 320, 180, [1200]),
]
FOOTAGE_SECONDS = sum(out - in_ for _, in_, out, *_ in EDITS)

PROJECT = """
[programme]
title_fr = "Formes"
title_es = "Formas"
slug = "formes"
target_runtime_minutes = 1
frame_rate = 25
"""


def module_toml(edits) -> str:
    text = ('id = "shapes"\norder = 1\nkind = "interview"\ntitle_fr = "Formes"\ntitle_es = "Formas"\n'
            'planned_minutes = [0.4, 1.2]\nsubtitles = "subtitles/fr/shapes.srt"\n')
    for source, in_, out, *rest in edits:
        text += f'\n[[edits]]\nsource = "footage/{source}"\nin = {in_}\nout = {out}\n'
        if len(rest) > 3 and rest[3]:
            text += f"audio = {rest[3]}\n"
    return text


def make_project(root: Path, footage: Path, edits=EDITS) -> Path:
    (root / "modules").mkdir(parents=True)
    (root / "packager.toml").write_text(PROJECT, encoding="utf-8")
    (root / "modules" / "01-shapes.toml").write_text(module_toml(edits), encoding="utf-8")
    (root / "subtitles" / "fr").mkdir(parents=True)
    (root / "subtitles/fr/shapes.srt").write_text("1\n00:00:00,200 --> 00:00:01,000\nPlan de coupe.\n",
                                                  encoding="utf-8")
    # Hard links, not a symlink: footage reached through a link that leads outside the project is
    # refused by `check` (paths from project files stay inside the project).
    (root / "footage").mkdir()
    for clip in footage.iterdir():
        if clip.is_file():
            os.link(clip.resolve(), root / "footage" / clip.name)  # the clip itself, not a link to it
    return root


@pytest.fixture(scope="module")
def footage(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("shapes") / "footage"
    make_footage(folder)
    return folder


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, footage) -> Path:
    root = make_project(tmp_path_factory.mktemp("render") / "p", footage)
    render_project(Project.load(root), "usb", options=RenderOptions(size=(W, H), preset="ultrafast"))
    return root / "dist/render/usb/01-shapes.mp4"


def edit_start(index: int) -> float:
    """Where edit `index` starts in the rendered module (after the opening card)."""
    return CARD_SECONDS + sum(out - in_ for _, in_, out, *_ in EDITS[:index])


def run_log(*args: str) -> str:
    return subprocess.run([FFMPEG, "-hide_banner", "-nostdin", *args], capture_output=True, text=True).stderr


def active_picture(video: Path, start: float, seconds: float) -> tuple[int, int]:
    log = run_log("-ss", f"{start:.3f}", "-t", f"{seconds:.3f}", "-i", str(video), "-an",
                  "-vf", "cropdetect=limit=24:round=2:reset=0", "-f", "null", "-")
    width, height = re.findall(r"crop=(\d+):(\d+):\d+:\d+", log)[-1]
    return int(width), int(height)


def gray_frames(video: Path, start: float, seconds: float, size: tuple[int, int] = (W, H)) -> np.ndarray:
    raw = subprocess.run([FFMPEG, "-hide_banner", "-loglevel", "error", "-ss", f"{start:.3f}", "-t",
                          f"{seconds:.3f}", "-i", str(video), "-an", "-vf", f"scale={size[0]}:{size[1]},format=gray",
                          "-f", "rawvideo", "-"], capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, size[1], size[0]).astype(float)


def sound(video: Path, start: float, seconds: float) -> np.ndarray:
    raw = subprocess.run([FFMPEG, "-hide_banner", "-loglevel", "error", "-ss", f"{start:.3f}", "-t",
                          f"{seconds:.3f}", "-i", str(video), "-vn", "-ac", "1", "-ar", "48000", "-f", "f32le", "-"],
                         capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.float32)


def levels(samples: np.ndarray, freqs: list[int]) -> dict[int, float]:
    """dB of each frequency's spectral peak over the spectrum's median (the noise floor)."""
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    bins = np.fft.rfftfreq(len(samples), 1 / 48000)
    floor = np.median(spectrum) + 1e-12
    out = {}
    for f in freqs:
        near = (bins > f - 15) & (bins < f + 15)
        out[f] = 20 * np.log10((spectrum[near].max() + 1e-12) / floor)
    return out


def combing(frames: np.ndarray) -> float:
    """Mean difference between neighbouring rows (one field and the other) on the moving bar's rows: high
    when the two fields show the bar at two instants, low once they are woven into one picture."""
    return float(np.abs(frames[:, 1:, :] - frames[:, :-1, :]).mean())


ALL_FREQS = sorted({f for *_, freqs in EDITS if freqs for f in freqs})


# ---------------------------------------------------------------------------------------------- probing


def test_probe_reads_each_shape(footage):
    dv = probe_footage(footage / "dv43.dv")
    assert (dv.width, dv.height, dv.video.sar) == (720, 480, (8, 9)) and dv.video.display_aspect == Fraction(4, 3)
    assert abs(dv.fps - 29.97) < 0.01 and dv.audio[0].channels == 2
    pal = probe_footage(footage / "pal169.mpg")
    assert pal.video.sar == (64, 45) and pal.video.display_aspect == Fraction(16, 9)
    assert probe_footage(footage / "tff.mp4").video.scan == "tff"
    assert probe_footage(footage / "bff.mpg").video.scan == "bff"
    assert probe_footage(footage / "pal169.mpg").video.scan == "progressive"
    phone = probe_footage(footage / "phone.mp4")
    assert phone.video.rotation in (90, 270) and phone.video.display_size == (H, W)
    assert [a.channels for a in probe_footage(footage / "surround.mp4").audio] == [6]
    assert [a.channels for a in probe_footage(footage / "twomics.mov").audio] == [1, 1]
    assert probe_footage(footage / "broll.mp4").audio == ()
    hevc = probe_footage(footage / "hevc10.mp4")
    assert hevc.video.codec == "hevc" and "10" in hevc.video.pix_fmt
    assert probe_footage(footage / "syncvfr.mp4").video.variable_rate
    assert not probe_footage(footage / "sync2997.mp4").video.variable_rate
    assert "interlaced TFF" in probe_footage(footage / "tff.mp4").describe()


def test_probe_is_cached_by_size_and_mtime(footage, tmp_path):
    clip = tmp_path / "clip.mp4"
    clip.write_bytes((footage / "tff.mp4").read_bytes())
    first = probe_footage(clip, tmp_path / ".packager")
    assert list((tmp_path / ".packager/probe-cache").glob("*.json"))
    assert probe_footage(clip, tmp_path / ".packager") == first
    clip.write_bytes((footage / "broll.mp4").read_bytes())  # another file under the same name
    assert probe_footage(clip, tmp_path / ".packager").audio == ()


def test_probe_tells_truncated_from_not_a_video(footage, tmp_path):
    data = (footage / "hevc10.mp4").read_bytes()
    (tmp_path / "cut.mp4").write_bytes(data[: len(data) // 2])
    with pytest.raises(PackagerError, match="truncated or damaged"):
        probe_footage(tmp_path / "cut.mp4")  # the camera writes the index (moov) last: it is gone
    (tmp_path / "notes.mp4").write_text("not a video\n" * 50)
    with pytest.raises(PackagerError, match="not a video"):
        probe_footage(tmp_path / "notes.mp4")


# ---------------------------------------------------------------------------------------------- the render


def test_each_shape_shows_at_its_display_aspect(rendered):
    for index, (source, in_, out, width, height, _) in enumerate(EDITS):
        if width is None:
            continue
        got = active_picture(rendered, edit_start(index) + 0.3, out - in_ - 0.6)
        assert abs(got[0] - width) <= 0.02 * width + 2 and abs(got[1] - height) <= 0.02 * height + 2, (source, got)


def test_interlaced_footage_is_deinterlaced_and_progressive_is_not_touched(rendered, footage):
    for index, source in ((2, "tff.mp4"), (3, "bff.mpg")):
        out = gray_frames(rendered, edit_start(index) + 0.3, 1.4)
        raw = gray_frames(footage / source, 0.5, 1.4)
        assert combing(raw) > 3 * combing(out), (source, combing(raw), combing(out))
        log = run_log("-ss", f"{edit_start(index) + 0.3:.3f}", "-t", "1.4", "-i", str(rendered), "-an",
                      "-vf", "idet", "-f", "null", "-")
        tff, bff, progressive = map(int, re.findall(r"Multi frame detection:\s*TFF:\s*(\d+)\s*BFF:\s*(\d+)\s*"
                                                    r"Progressive:\s*(\d+)", log)[-1])
        assert progressive >= 4 * (tff + bff), (source, tff, bff, progressive)


def test_every_audio_stream_is_heard_and_b_roll_is_silent(rendered):
    for index, (source, in_, out, _, _, freqs) in enumerate(EDITS):
        if freqs is None:
            continue
        samples = sound(rendered, edit_start(index) + 0.3, out - in_ - 0.6)
        heard = levels(samples, ALL_FREQS)
        if not freqs:
            assert np.sqrt(np.mean(samples ** 2)) < 1e-3, source
            continue
        for f in freqs:
            assert heard[f] > 40, (source, f, heard)
        for f in set(ALL_FREQS) - set(freqs):
            assert heard[f] < heard[freqs[0]] - 30, (source, f, heard)  # nothing of the neighbours
    # the two mics (-6 dB and -30 dB in the file) are mixed at equal loudness
    mics = levels(sound(rendered, edit_start(6) + 0.3, 1.4), [1000, 1500])
    assert abs(mics[1000] - mics[1500]) < 4, mics
    # the mic on one side of a stereo pair is heard on both speakers (dual mono)
    raw = subprocess.run([FFMPEG, "-hide_banner", "-loglevel", "error", "-ss", f"{edit_start(13) + 0.3:.3f}",
                          "-t", "1.4", "-i", str(rendered), "-vn", "-f", "f32le", "-"], capture_output=True,
                         check=True).stdout
    pairs = np.frombuffer(raw, np.float32).reshape(-1, 2)
    assert np.abs(pairs).max() > 0.05 and np.abs(pairs[:, 0] - pairs[:, 1]).max() < 0.02 * np.abs(pairs).max()


def test_module_length_and_loudness_as_a_plain_meter_reads_them(rendered):
    assert abs(probe_footage(rendered).duration - (FOOTAGE_SECONDS + 2 * CARD_SECONDS)) <= 2 / FPS
    log = run_log("-i", str(rendered), "-vn", "-af", "ebur128=peak=true", "-f", "null", "-")
    summary = log.rsplit("Summary:", 1)[-1]
    loudness = float(re.findall(r"I:\s+(-?[\d.]+) LUFS", summary)[0])
    peak = float(re.findall(r"Peak:\s+(-?[\d.]+) dBFS", summary)[0])
    assert abs(loudness - LOUDNESS_TARGET) <= 1 and peak <= -1.0, (loudness, peak)


def _flashes(video: Path, start: float, seconds: float) -> list[float]:
    means = gray_frames(video, start, seconds, (32, 18)).mean(axis=(1, 2))
    return [start + n / FPS for n in range(len(means)) if means[n] > 120 and (n == 0 or means[n - 1] <= 120)]


def _clicks(video: Path, start: float, seconds: float) -> list[float]:
    samples = np.abs(sound(video, start, seconds))
    loud = samples > 0.3 * samples.max()
    onsets, last = [], -1.0
    for n in np.flatnonzero(loud):
        t = start + n / 48000
        if t - last > 0.2:
            onsets.append(t)
        last = t
    return onsets


@pytest.mark.parametrize("index", [11, 12], ids=["29.97fps", "variable-rate"])
def test_flash_and_click_stay_within_a_frame_from_start_to_end(rendered, index):
    start = edit_start(index)
    seconds = EDITS[index][2] - EDITS[index][1]
    flashes, clicks = _flashes(rendered, start, seconds), _clicks(rendered, start, seconds)
    assert len(flashes) >= seconds - 1 and len(clicks) >= seconds - 1, (flashes, clicks)
    for flash in (flashes[0], flashes[-1]):
        nearest = min(clicks, key=lambda c: abs(c - flash))
        assert abs(nearest - flash) <= 1 / FPS + 0.005, (flash, nearest, flashes, clicks)


# ---------------------------------------------------------------------------------------------- choosing and check


def test_an_edit_chooses_its_audio_streams_and_one_channel(tmp_path, footage):
    (tmp_path / "f").mkdir()
    ff(*gray(f"{W}x{H}"), "-f", "lavfi", "-i", f"aevalsrc=0.3*sin(2*PI*1000*t)|0.3*sin(2*PI*1500*t):c=stereo:"
       f"s=48000:d={CLIP}", *tone(2100), "-map", "0:v", "-map", "1:a", "-map", "2:a", "-c:v", "libx264",
       "-preset", "ultrafast", "-c:a", "pcm_s16le", str(tmp_path / "f/pair.mov"))
    edits = [("pair.mov", 0, 2, None, None, None, '["1:right"]'), ("pair.mov", 0, 2, None, None, None, '["2"]')]
    root = make_project(tmp_path / "p", tmp_path / "f", edits)
    render_project(Project.load(root), "usb", options=RenderOptions(size=(W, H), preset="ultrafast"))
    video = root / "dist/render/usb/01-shapes.mp4"
    first = levels(sound(video, CARD_SECONDS + 0.3, 1.4), [1000, 1500, 2100])
    assert first[1500] > 40 and first[1000] < first[1500] - 30 and first[2100] < first[1500] - 30, first
    second = levels(sound(video, CARD_SECONDS + 2.3, 1.4), [1000, 1500, 2100])
    assert second[2100] > 40 and max(second[1000], second[1500]) < second[2100] - 30, second
    # "1:right" is dual mono: the same on both speakers
    raw = subprocess.run([FFMPEG, "-hide_banner", "-loglevel", "error", "-ss", f"{CARD_SECONDS + 0.3}", "-t", "1",
                          "-i", str(video), "-vn", "-f", "f32le", "-"], capture_output=True, check=True).stdout
    pairs = np.frombuffer(raw, np.float32).reshape(-1, 2)
    assert np.abs(pairs[:, 0] - pairs[:, 1]).max() < 0.02 * np.abs(pairs).max()


def test_check_reports_bad_footage_with_file_line_and_field(tmp_path, footage):
    folder = tmp_path / "f"
    folder.mkdir()
    data = (footage / "tff.mp4").read_bytes()
    (folder / "cut.mp4").write_bytes(data[: len(data) // 2])
    (folder / "notes.mp4").write_text("not a video\n" * 50)
    ff(*tone(440), "-c:a", "aac", str(folder / "voice.m4a"))
    for name in ("tff.mp4", "twomics.mov", "pal169.mpg", "broll.mp4"):
        (folder / name).symlink_to(footage / name)
    edits = [("cut.mp4", 0, 1), ("notes.mp4", 0, 1), ("voice.m4a", 0, 1), ("tff.mp4", 0, 9),
             ("missing.mp4", 0, 1), ("twomics.mov", 0, 1, None, None, None, '["3"]'), ("tff.mp4", 0, 2),
             ("twomics.mov", 0, 2), ("pal169.mpg", 0, 2), ("broll.mp4", 0, 2)]
    root = make_project(tmp_path / "p", folder, edits)
    result = CliRunner().invoke(cli, ["-C", str(root), "-v", "check"])
    assert result.exit_code == 2, result.output
    out = result.output
    where = "modules/01-shapes.toml, line {}, field edits[{}].{}: "
    assert where.format(10, 0, "source") + "footage file footage/cut.mp4 is truncated or damaged" in out \
        or where.format(10, 0, "source") + "cannot read footage file footage/cut.mp4: truncated or damaged" in out
    assert where.format(15, 1, "source") + "cannot read footage file footage/notes.mp4: not a video" in out
    assert where.format(20, 2, "source") + "footage file footage/voice.m4a has no video stream (sound only)" in out
    assert where.format(27, 3, "out") + "out point 00:00:09.000 is past the end of footage file footage/tff.mp4" in out
    assert where.format(30, 4, "source") + "footage file not found: footage/missing.mp4" in out
    assert where.format(38, 5, "audio") + "audio '3': footage file footage/twomics.mov has 2 audio streams" in out
    # warnings: what render will do about the odd shapes
    assert "footage/tff.mp4: interlaced, TFF (the stream says so): deinterlaced (bwdif)" in out
    assert "footage/twomics.mov: 2 audio streams: all heard, mixed at equal loudness" in out
    assert "footage/pal169.mpg: non-square pixels (SAR 64:45): shown at its display aspect 16:9" in out
    assert "footage/broll.mp4: no sound: the edit is silent (B-roll)" in out
    # -v: each file's shape, as packager understood it
    assert re.search(r"footage/pal169\.mpg\s+720×576 mpeg2video · 16:9 \(SAR 64:45\) · progressive · 25 fps", out)
    status = CliRunner().invoke(cli, ["-C", str(root), "status"])
    assert "footage/twomics.mov" in status.output and "2 audio: mono 48 kHz, mono 48 kHz" in status.output


def test_an_audio_choice_in_the_wrong_form_is_refused_clearly(tmp_path, footage):
    root = make_project(tmp_path / "p", footage, [("tff.mp4", 0, 2, None, None, None, '["left"]')])
    result = CliRunner().invoke(cli, ["-C", str(root), "check"])
    assert result.exit_code == 2
    assert "modules/01-shapes.toml, line 13, field edits[0].audio: 'left' is not an audio stream choice" \
        in result.output, result.output
