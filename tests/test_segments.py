"""Segmented render: a 12 s module of two clips cut into 2 s segments (real x264 encodes, 320×180)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from packager.project import Project
from packager.video import audio, ffmpeg, render, segment_encode, segments, targets
from packager.video.render import RenderOptions, render_project
from packager.video.segments import plan_segments

FFMPEG = ffmpeg.ffmpeg_exe()
FPS = 25
W, H = 320, 180
OPTIONS = RenderOptions(size=(W, H), preset="ultrafast")
SEGMENT = 2.0  # seconds: six segments in the 12 s body

PROJECT_TOML = """
[programme]
title_fr = "Segments"
title_es = "Segmentos"
slug = "seg"
target_runtime_minutes = 1
frame_rate = 25
"""

MODULE = """
id = "seg"
order = 1
kind = "interview"
title_fr = "Découpage"
title_es = "Corte"
planned_minutes = [0.1, 0.5]
subtitles = "subtitles/fr/seg.srt"

[[speakers]]
id = "a"
name = "Hélène L."
role_fr = "Directrice"
role_es = "Directora"
first_appearance = 0.5

[[edits]]
source = "footage/one.mp4"
in = 0
out = 6

[[edits]]
source = "footage/two.mp4"
in = 1
out = 7
"""

# (start, end, text): short cues with gaps, and one long cue (8.3-10.9) that no cut near 10 s can avoid
CUES = [(0.5, 1.5, "Hola a todos."), (2.6, 3.4, "Empezamos."), (4.5, 5.5, "Primera parte."),
        (7.0, 7.6, "Aquí."), (8.3, 10.9, "Una réplica larga\nque cruza un corte."), (11.2, 11.8, "Fin.")]


def srt(cues) -> str:
    def t(s: float) -> str:
        ms = round(s * 1000)
        return f"00:00:{ms // 1000:02d},{ms % 1000:03d}"
    return "".join(f"{n}\n{t(a)} --> {t(b)}\n{text}\n\n" for n, (a, b, text) in enumerate(cues, 1))


def _ffmpeg(*args: str) -> None:
    subprocess.run([FFMPEG, "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


@pytest.fixture(scope="module")
def footage(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("footage")
    for name, pattern in (("one", "testsrc2"), ("two", "smptebars")):
        # a camera-like stream: 1 s GOP, moving picture (testsrc2 moves; bars get a moving noise)
        source = f"{pattern}=s={W}x{H}:r={FPS}:d=8" + (",noise=alls=12:allf=t" if pattern == "smptebars" else "")
        _ffmpeg("-f", "lavfi", "-i", source, "-f", "lavfi", "-i", "sine=f=440:sample_rate=48000:d=8,volume=0.05",
                "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-pix_fmt", "yuv420p", "-c:a", "aac",
                "-shortest", str(folder / f"{name}.mp4"))
    return folder


def make_project(root: Path, footage: Path, cues=CUES) -> Path:
    root.mkdir(parents=True)
    (root / "packager.toml").write_text(PROJECT_TOML, encoding="utf-8")
    (root / "modules").mkdir()
    (root / "modules" / "01-seg.toml").write_text(MODULE, encoding="utf-8")
    for lang in ("fr", "es"):
        (root / "subtitles" / lang).mkdir(parents=True)
        (root / "subtitles" / lang / "seg.srt").write_text(srt(cues), encoding="utf-8")
    shutil.copytree(footage, root / "footage")
    return root


@pytest.fixture(autouse=True)
def short_segments(monkeypatch):
    monkeypatch.setattr(segments, "SEGMENT_SECONDS", SEGMENT)


def packets(path: Path) -> list[tuple[int, int]]:
    """(pts, duration) of every video packet, in the stream's time base, in presentation order."""
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        out = [(p.pts, p.duration) for p in container.demux(stream) if p.pts is not None]
    return sorted(out)


def keyframe_first(path: Path) -> bool:
    """The first video packet (in decoding order) is a keyframe."""
    import av

    with av.open(str(path)) as container:
        return next(container.demux(container.streams.video[0])).is_keyframe


def decoded(path: Path) -> np.ndarray:
    """Every frame as luma (Y), decoded by ffmpeg; fails on any decoding error."""
    result = subprocess.run([FFMPEG, "-hide_banner", "-v", "error", "-xerror", "-i", str(path), "-map", "0:v",
                             "-f", "rawvideo", "-pix_fmt", "gray", "-"], capture_output=True, check=True)
    assert not result.stderr.strip(), result.stderr.decode()
    return np.frombuffer(result.stdout, dtype=np.uint8).reshape(-1, H, W).astype(float)


def body_plan(root: Path, cues=CUES) -> list:
    from packager.video.cards import LOWER_THIRD_SECONDS
    busy = [(a, b) for a, b, _ in cues] + [(0.5, 0.5 + LOWER_THIRD_SECONDS)]
    return plan_segments([6.0, 6.0], Fraction(FPS), busy, seconds=SEGMENT)


@pytest.fixture(scope="module")
def clean(tmp_path_factory, footage):
    """A render of the module from nothing, with the segments it was made of."""
    mp = pytest.MonkeyPatch()
    mp.setattr(segments, "SEGMENT_SECONDS", SEGMENT)
    root = make_project(tmp_path_factory.mktemp("clean") / "p", footage)
    result = render_project(Project.load(root), "usb", options=OPTIONS)
    mp.undo()
    return root, result


def test_the_body_is_cut_at_the_edit_point_and_in_gaps_between_cues():
    plan = body_plan(Path())
    cuts = [s.start for s in plan[1:]]
    assert len(plan) == 6 and plan[-1].end == 300
    assert 150 in cuts  # the edit point (6 s)
    frames_of = [(round(a * FPS), round(b * FPS)) for a, b, _ in CUES]
    spanned = [c for c in cuts if any(a < c < b for a, b in frames_of)]
    assert spanned == [250]  # only the long cue is cut (no gap within a third of a segment of 10 s)


def test_segmented_render_matches_a_single_encode_with_no_seams(clean, tmp_path, footage, monkeypatch):
    root, result = clean
    (module,) = result.modules
    assert (module.segments, module.segments_reused) == (6, 0)
    video = root / "dist/render/usb/01-seg.mp4"
    # the reference: the same module as one segment (one x264 run over the whole body)
    monkeypatch.setattr(segments, "SEGMENT_SECONDS", 1000)
    single = make_project(tmp_path / "single", footage)
    (one,) = render_project(Project.load(single), "usb", options=OPTIONS).modules
    assert one.segments == 1
    reference = single / "dist/render/usb/01-seg.mp4"
    assert packets(video) == packets(reference)  # same frames, same timestamps and durations
    ours, theirs = decoded(video), decoded(reference)  # every frame decodes
    cards = round(render.CARD_SECONDS * FPS)
    assert len(ours) == len(theirs) == 2 * cards + 300
    # the same pictures, subtitles and lower thirds on the same frames (a frame late would be far apart)
    def psnr_to_single(n: int) -> float:
        return float(10 * np.log10(255 ** 2 / max(np.mean((ours[n] - theirs[n]) ** 2), 1e-9)))

    assert min(psnr_to_single(n) for n in range(len(ours))) > 35
    # picture quality at the seams, against the source (the clips' own frames, top third of the picture:
    # no overlay there): the frames either side of each cut are as good as the ones mid-segment
    source = np.concatenate([decoded(footage / "one.mp4")[:150], decoded(footage / "two.mp4")[25:175]])
    top = slice(0, H // 3)

    def psnr(n: int) -> float:
        a, b = ours[cards + n][top], source[n][top]
        return float(10 * np.log10(255 ** 2 / max(np.mean((a - b) ** 2), 1e-9)))

    plan = body_plan(root)
    at_seams = [psnr(s.start + d) for s in plan[1:] for d in (-1, 0)]
    in_middles = [psnr((s.start + s.end) // 2 + d) for s in plan for d in (-1, 0)]
    assert min(at_seams) > min(in_middles) - 1.0, (at_seams, in_middles)
    # (a segment's first frame is an IDR frame: if anything, a little better than the ones around it)
    assert np.mean(at_seams) > np.mean(in_middles) - 1.0, (at_seams, in_middles)


def test_editing_one_cue_encodes_again_only_the_segments_it_spans(tmp_path, footage, monkeypatch):
    root = make_project(tmp_path / "p", footage)
    render_project(Project.load(root), "usb", options=OPTIONS)
    video = root / "dist/render/usb/01-seg.mp4"
    before = decoded(video)
    audio_runs = []
    original = audio.encode_audio
    monkeypatch.setattr(audio, "encode_audio", lambda *a: audio_runs.append(1) or original(*a))
    cards = round(render.CARD_SECONDS * FPS)
    plan = body_plan(root)

    cues = list(CUES)

    def edit(index: int, text: str) -> tuple[int, int]:
        cues[index] = (*cues[index][:2], text)
        (root / "subtitles/es/seg.srt").write_text(srt(cues), encoding="utf-8")
        (module,) = render_project(Project.load(root), "usb", options=OPTIONS).modules
        return module.segments - module.segments_reused, module.segments

    a, b, _ = CUES[3]  # a short cue: one segment holds it
    assert edit(3, "Allí.") == (1, 6)
    after = decoded(video)
    inside = [k for k, s in enumerate(plan) if s.start < round(b * FPS) and s.end > round(a * FPS)]
    assert len(inside) == 1
    changed = [n for n in range(len(after)) if np.abs(after[n] - before[n]).max() > 40]
    seg = plan[inside[0]]
    assert changed and all(cards + round(a * FPS) <= n < cards + round(b * FPS) for n in changed)
    # the frames of every other segment are the cached ones, bit for bit
    others = [n for s in plan if s is not seg for n in range(cards + s.start, cards + s.end)]
    assert np.array_equal(after[others], before[others])
    a, b, _ = CUES[4]  # the long cue runs across a cut: the two segments it spans
    spans = [s for s in plan if s.start < round(b * FPS) and s.end > round(a * FPS)]
    assert len(spans) == 2
    assert edit(4, "Una réplica larga\nque cruza el corte.") == (2, 6)
    assert audio_runs == []  # the sound was not encoded again
    # the cache keeps the latest render's segments only (plus the audio)
    cached = list((root / ".packager/render-cache/segments").rglob("01-seg-*"))
    assert len([p for p in cached if p.suffix == ".mp4"]) == 6 and len([p for p in cached if p.suffix == ".m4a"]) == 1


def test_a_render_killed_mid_way_resumes_and_equals_a_clean_render(tmp_path, footage, clean):
    root = make_project(tmp_path / "p", footage)
    code = f"""
import os, signal, sys
import packager.atomic as atomic
from packager.video import segments
segments.SEGMENT_SECONDS = {SEGMENT}
original = atomic._publish
published = []
def killed(tmp, final):
    if final.parent.parent.name == "segments" and final.suffix == ".mp4":
        published.append(final)
        if len(published) == 3:
            os.kill(os.getpid(), signal.SIGKILL)
    return original(tmp, final)
atomic._publish = killed
from packager.cli import cli
cli.main(["-C", sys.argv[1], "render", "--size", "{W}x{H}", "--preset", "ultrafast"])
"""
    killed = subprocess.run([sys.executable, "-c", code, str(root)], capture_output=True, text=True, timeout=120)
    assert killed.returncode == -9, killed.stderr
    assert not (root / "dist/render/usb/01-seg.mp4").exists()
    (module,) = render_project(Project.load(root), "usb", options=OPTIONS).modules
    assert (module.segments, module.segments_reused) == (6, 2)  # the two finished before the kill
    clean_root, _ = clean
    video, reference = root / "dist/render/usb/01-seg.mp4", clean_root / "dist/render/usb/01-seg.mp4"
    assert packets(video) == packets(reference)
    assert len(decoded(video)) == len(decoded(reference))
    # the half-written segment the kill left is never taken for one (removed once stale: sweep_partials)
    finished = [p for p in (root / ".packager/render-cache/segments").rglob("01-seg-*.mp4")]
    assert len(finished) == 6 and not [p for p in (root / "dist").rglob("*") if ".part" in p.name]


def test_dvd_module_stays_within_its_budget(tmp_path, footage, monkeypatch):
    # a DVD small enough for ~500 kb/s of video: the noisy bars at CRF would take far more
    monkeypatch.setitem(targets.BUDGETS, "dvd", 3_000_000)
    monkeypatch.setitem(targets.DOCUMENTS_ALLOWANCE, "dvd", 0)
    root = make_project(tmp_path / "p", footage)
    result = render_project(Project.load(root), "dvd", options=OPTIONS)
    plan = result.plan
    assert plan.two_pass and result.modules[0].segments == 6
    out = root / "dist/render/dvd"
    total = sum(p.stat().st_size for p in out.iterdir())
    assert total < plan.budget * (1 - targets.MARGIN), (total, plan)
    # each segment lands near the plan's rate: the body's average within 10 % of it
    cached = sorted((root / ".packager/render-cache/segments").rglob("01-seg-*.mp4"))
    body_bits = sum(p.stat().st_size for p in cached) * 8
    assert abs(body_bits / 12.0 / 1000 - plan.video_kbps) < 0.1 * plan.video_kbps, (body_bits, plan.video_kbps)
    manifest = json.loads((out / "render.json").read_text(encoding="utf-8"))
    assert manifest["programme"] == "programme.mp4"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 58), st.floats(0.3, 4)), min_size=1, max_size=25), st.data())
def test_retiming_one_cue_moves_only_the_cuts_near_it(cues, data):
    fps = Fraction(25)
    busy = [(a, min(60.0, a + d)) for a, d in cues]
    before = plan_segments([30.0, 30.0], fps, busy, seconds=4)
    k = data.draw(st.integers(0, len(busy) - 1))
    start = data.draw(st.floats(0, 58))
    moved = list(busy)
    moved[k] = (start, min(60.0, start + busy[k][1] - busy[k][0]))
    after = plan_segments([30.0, 30.0], fps, moved, seconds=4)
    # frames cover the body exactly, in order
    for plan in (before, after):
        assert plan[0].start == 0 and plan[-1].end == 1500
        assert all(x.end == y.start for x, y in zip(plan, plan[1:]))
    near = [min(a for a, _ in (busy[k], moved[k])) - 3, max(b for _, b in (busy[k], moved[k])) + 3]
    far_before = [s.start for s in before[1:] if not near[0] * 25 <= s.start <= near[1] * 25]
    far_after = [s.start for s in after[1:] if not near[0] * 25 <= s.start <= near[1] * 25]
    assert far_before == far_after


def test_a_dvd_render_takes_the_usb_render_when_it_fits_the_plan_and_budget(tmp_path, footage, monkeypatch):
    root = make_project(tmp_path / "p", footage)
    render_project(Project.load(root), "usb", options=OPTIONS)
    usb = root / "dist/render/usb/01-seg.mp4"
    encodes = []
    original = ffmpeg.run
    monkeypatch.setattr(ffmpeg, "run", lambda args, **kw: encodes.append(args) or original(args, **kw))
    result = render_project(Project.load(root), "dvd", options=OPTIONS)  # a whole DVD-5 for 20 s: it fits
    (module,) = result.modules
    assert module.shared_from == "usb" and result.plan.two_pass
    dvd = root / "dist/render/dvd/01-seg.mp4"
    assert dvd.read_bytes() == usb.read_bytes()
    assert not [a for a in encodes if "libx264" in a]  # nothing encoded (the programme joined by copy)
    assert (root / "dist/render/dvd/programme.mp4").is_file()
    again = render_project(Project.load(root), "dvd", options=OPTIONS)
    assert again.rendered == []  # taken once, then current like any render
    # a budget the usb render does not fit: encoded at the plan's rate instead
    monkeypatch.setitem(targets.BUDGETS, "dvd", 3_000_000)
    monkeypatch.setitem(targets.DOCUMENTS_ALLOWANCE, "dvd", 0)
    (module,) = render_project(Project.load(root), "dvd", options=OPTIONS).modules
    assert module.shared_from is None and module.rendered
    assert dvd.stat().st_size < usb.stat().st_size


@pytest.mark.parametrize("grouping", ["runs", "one-by-one", "two-runs"])
def test_in_points_between_frames_and_other_rates_cut_alike_in_segments(tmp_path, footage, monkeypatch, grouping):
    """Footage whose frames do not sit on the in point's ticks (in 1.013 s at 25 fps: 0.68 frame late) and
    30 fps footage: segments of 0.7 s give the same frames, overlays on the same frames, as one segment;
    whether consecutive segments are encoded by one x264 run (the segment muxer cutting its output), one
    run each (as a re-render encodes a few), or by two runs side by side (as on a machine of 4 cores)."""
    made = []
    wanted = {"runs": 1, "one-by-one": 100, "two-runs": 2}[grouping]

    def grouped(todo, parallel):  # as segment_encode groups them, for `wanted` encodes at once
        made.append(segments.runs(todo, wanted))
        return made[-1]

    monkeypatch.setattr(segment_encode, "runs", grouped)
    encodes = []
    original = ffmpeg.run
    monkeypatch.setattr(ffmpeg, "run", lambda args, **kw: encodes.append(args) or original(args, **kw))
    _ffmpeg("-f", "lavfi", "-i", f"testsrc2=s=240x180:r=30:d=4", "-c:v", "libx264", "-preset", "ultrafast",
            "-pix_fmt", "yuv420p", str(tmp_path / "thirty.mp4"))
    edits = MODULE[MODULE.index("[[edits]]"):]
    module = MODULE.replace(edits, '[[edits]]\nsource = "footage/one.mp4"\nin = 1.013\nout = 4.77\n\n'
                                   '[[edits]]\nsource = "footage/thirty.mp4"\nin = 0.517\nout = 3.29\n')
    videos = []
    for seconds in (0.7, 1000):
        monkeypatch.setattr(segments, "SEGMENT_SECONDS", seconds)
        root = make_project(tmp_path / f"p{seconds}", footage, cues=CUES[:3])
        shutil.copyfile(tmp_path / "thirty.mp4", root / "footage/thirty.mp4")
        (root / "modules/01-seg.toml").write_text(module, encoding="utf-8")
        (result,) = render_project(Project.load(root), "usb", options=OPTIONS).modules
        assert result.segments == (9 if seconds < 1 else 1)
        videos.append(root / "dist/render/usb/01-seg.mp4")
        if seconds < 1:  # one x264 process per run, each run's segments cut by the segment muxer
            runs = made[0]
            assert [len(run) for run in runs] == {"runs": [9], "one-by-one": [1] * 9, "two-runs": [4, 5]}[grouping]
            # the body's encodes read the footage (the cards read their images)
            body_encodes = [a for a in encodes if "libx264" in a and any(x.startswith("footage/") or "/footage/" in x
                                                                         for x in a)]
            assert len(body_encodes) == len(runs)
            assert sum("segment" in a for a in body_encodes) == sum(len(run) > 1 for run in runs)
            cached = sorted((root / ".packager/render-cache/segments").rglob("01-seg-*.mp4"))
            assert len(cached) == 9
            for path in cached:  # each cached segment stands alone: starts at zero, on a keyframe
                assert packets(path)[0][0] == 0
                assert keyframe_first(path)
    assert packets(videos[0]) == packets(videos[1])
    ours, theirs = decoded(videos[0]), decoded(videos[1])
    cards = round(render.CARD_SECONDS * FPS)
    assert len(ours) == 2 * cards + 94 + 70  # ceil(3.757 × 25) + ceil(2.773 × 25)
    worst = min(10 * np.log10(255 ** 2 / max(np.mean((a - b) ** 2), 1e-9)) for a, b in zip(ours, theirs))
    assert worst > 35, worst


@settings(max_examples=80, deadline=None)
@given(st.floats(1, 40), st.floats(0.1, 0.9), st.data(), st.integers(1, 16))
def test_runs_are_the_consecutive_segments_to_encode_split_for_the_cores(seconds, share, data, parallel):
    plan = plan_segments([seconds * share, seconds * (1 - share)], Fraction(25), [], seconds=2)
    mask = data.draw(st.lists(st.booleans(), min_size=len(plan), max_size=len(plan)))
    todo = [seg for seg, wanted in zip(plan, mask) if wanted]
    grouped = segments.runs(todo, parallel)
    assert [seg for run in grouped for seg in run] == todo  # every segment once, in order
    for run in grouped:
        assert all(b.index == a.index + 1 for a, b in zip(run, run[1:]))
        stretch = segments.span(run)
        assert (stretch.start, stretch.end) == (run[0].start, run[-1].end)
        assert sum(p.end - p.first for p in stretch.pieces) == stretch.frames
        assert len({p.clip for p in stretch.pieces}) == len(stretch.pieces)  # one piece per clip
    gaps = sum(1 for a, b in zip(todo, todo[1:]) if b.index != a.index + 1)
    assert len(grouped) == max(gaps + 1 if todo else 0, min(parallel, len(todo)))


def test_segments_no_render_will_use_again_are_swept(tmp_path, footage):
    """A renumbered (or removed) module's segments and a target's segments at an earlier --size go when
    that target renders again; the module's current ones stay."""
    root = make_project(tmp_path / "p", footage)
    render_project(Project.load(root), "usb", options=OPTIONS)
    cache = root / ".packager/render-cache/segments"
    folder = cache / f"usb-{W}x{H}"
    first = sorted(p.name for p in folder.iterdir())
    assert len([n for n in first if n.startswith("01-seg-") and n.endswith(".mp4")]) == 6
    module = root / "modules/01-seg.toml"
    module.write_text(module.read_text(encoding="utf-8").replace("order = 1", "order = 2"), encoding="utf-8")
    render_project(Project.load(root), "usb", options=OPTIONS)
    names = sorted(p.name for p in folder.iterdir())
    assert not [n for n in names if n.startswith("01-seg-")]
    assert len([n for n in names if n.startswith("02-seg-") and n.endswith(".mp4")]) == 6
    assert len([n for n in names if n.startswith("02-seg-audio-")]) == 1
    render_project(Project.load(root), "usb", options=RenderOptions(size=(160, 90), preset="ultrafast"))
    assert sorted(p.name for p in cache.iterdir()) == ["usb-160x90"]
    assert len(list((cache / "usb-160x90").glob("02-seg-*.mp4"))) == 6
