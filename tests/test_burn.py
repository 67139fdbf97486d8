"""Burned-in subtitles drawn once per state by libass and overlaid: the same picture, at the same frames,
as ffmpeg's own per-frame `subtitles` filter (real ffmpeg and libass on a generated picture)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from packager.fonts import FONT_FAMILY, font_file
from packager.subtitles.cues import Cue
from packager.video import burn, ffmpeg
from packager.video.burn import cached_states, draw_states, subtitle_states, write_ass

FFMPEG = ffmpeg.ffmpeg_exe()
W, H, FPS, SECONDS = 320, 180, 25, 6


def cue(n: int, start: float, end: float, text: str) -> Cue:
    return Cue(n, start, end, text)


def test_states_are_the_stretches_with_the_same_cues_on_screen():
    a, b = cue(1, 0.5, 2.0, "a"), cue(2, 1.5, 3.0, "b")  # overlapping (QA calls it an error; still drawn)
    c, d = cue(3, 3.0, 4.0, "c"), cue(4, 4.5, 9.0, "d")  # c follows b with no gap; d runs past the end
    blank = cue(5, 4.0, 4.4, "  ")
    states = subtitle_states([d, c, blank, b, a], until=6.0)
    assert [(s.start, s.end, [x.text for x in s.cues]) for s in states] == [
        (0.5, 1.5, ["a"]), (1.5, 2.0, ["a", "b"]), (2.0, 3.0, ["b"]), (3.0, 4.0, ["c"]), (4.5, 6.0, ["d"])]
    assert subtitle_states([blank], until=6.0) == []


def frames(folder: Path, *args: str) -> np.ndarray:
    out = folder / "frames.raw"
    subprocess.run([FFMPEG, "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
                    "-i", f"testsrc2=s={W}x{H}:r={FPS}:d={SECONDS}", *args,
                    "-f", "rawvideo", "-pix_fmt", "rgb24", str(out)], check=True, cwd=folder)
    data = np.fromfile(out, dtype=np.uint8).reshape(-1, H, W, 3).astype(np.int16)
    out.unlink()
    return data


@pytest.mark.parametrize("tall", [False, True], ids=["bottom-half", "whole-frame"])
def test_overlay_matches_libass_burn_in_frame_for_frame(tmp_path, tall):
    cues = [cue(1, 0.53, 1.61, "Hola, «¿qué tal?» {sí}\nun año con <i>niños</i>"),
            cue(2, 1.61, 2.43, "Sin pausa: ¡seguimos!"),  # back to back with cue 1
            cue(3, 3.01, 3.5, "Primero"), cue(4, 3.22, 3.5, "Segundo, apilado encima"),  # stacked by libass
            cue(5, 4.05, 5.07, "\n".join(["línea"] * (9 if tall else 2)))]
    (tmp_path / "fonts").mkdir()
    shutil.copyfile(font_file(), tmp_path / "fonts" / font_file().name)
    overlay = draw_states(cues, until=SECONDS, width=W, height=H, folder=tmp_path)
    assert overlay is not None
    # A cue of nine lines does not fit in the bottom half: the whole frame was drawn, same pixels.
    assert (overlay.y < H // 2) == tall

    write_ass(tmp_path / "direct.ass", cues, W, H)
    direct = frames(tmp_path, "-vf", f"format=yuv420p,subtitles=direct.ass:fontsdir=fonts:"
                                     f"force_style='FontName={FONT_FAMILY}'")
    ours = frames(tmp_path, *overlay.input_args(), "-filter_complex",
                  "[0:v]format=yuv420p[m];" + overlay.overlay_filter("m", "1:v", "out"), "-map", "[out]")
    plain = frames(tmp_path, "-vf", "format=yuv420p")
    assert len(direct) == len(ours) == SECONDS * FPS

    def shown(video: np.ndarray) -> list[int]:
        return [n for n in range(len(video)) if np.abs(video[n] - plain[n]).max() > 40]

    expected = [n for n in range(SECONDS * FPS) if any(c.start <= n / FPS < c.end for c in cues)]
    assert shown(direct) == expected  # the reference itself shows each cue on its frames
    assert shown(ours) == expected  # same frames: on at the start, off at the end, to the frame
    for n in expected:
        changed = np.abs(direct[n] - plain[n]).max(axis=2) > 40
        difference = np.abs(ours[n] - direct[n])
        # same picture: where libass drew, ours matches it on average within a few levels (4:2:0 chroma
        # of the outline's edge over saturated colours is where they differ most), the white text too
        white = changed & (direct[n].min(axis=2) > 200)
        assert difference[changed].mean() < 6 and difference[white].mean() < 6, n
        assert difference.mean() < 0.3, n


def test_nothing_to_draw_gives_no_overlay(tmp_path):
    (tmp_path / "fonts").mkdir()
    assert draw_states([cue(1, 1, 2, " ")], until=5, width=W, height=H, folder=tmp_path) is None
    assert draw_states([], until=5, width=W, height=H, folder=tmp_path) is None


def test_drawings_are_cached_on_content_and_replaced_when_the_cues_change(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    cues = [cue(1, 0.5, 1.5, "uno"), cue(2, 2.0, 3.0, "dos")]
    first = cached_states(cues, until=4, width=W, height=H, cache_dir=cache, name="01-a")
    assert first is not None and first.playlist.is_file()
    assert not [p for p in cache.iterdir() if p.name.startswith(".")]  # no temporary folder left

    def no_ffmpeg(*args, **kwargs):
        raise AssertionError("drew again")

    monkeypatch.setattr(burn.ffmpeg, "run", no_ffmpeg)
    assert cached_states(cues, until=4, width=W, height=H, cache_dir=cache, name="01-a") == first
    monkeypatch.undo()

    changed = cached_states([cues[0], cues[1].with_text("tres")], until=4, width=W, height=H, cache_dir=cache,
                            name="01-a")
    assert changed is not None and changed.playlist.parent != first.playlist.parent
    assert not first.playlist.parent.exists()  # the module's older drawing at this size is gone
    other_size = cached_states(cues, until=4, width=2 * W, height=2 * H, cache_dir=cache, name="01-a")
    assert other_size is not None and changed.playlist.is_file()  # another size does not evict it
