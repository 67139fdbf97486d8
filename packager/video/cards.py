"""Opening and closing cards and lower-thirds, composed with moviepy and saved once as images.

moviepy composes the graphics (text in the shipped DejaVu Sans, colour, a translucent band); each is
rendered ONCE to a PNG (lower-thirds keep their alpha channel) and cached under
.packager/render-cache/cards/ by a hash of what it shows. ffmpeg then holds a card for CARD_SECONDS
with a fade and overlays the lower-thirds between times in its filter graph: no Python loop over frames.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from pathlib import Path

from ..atomic import atomic_path
from ..fonts import font_file

CARD_SECONDS = 4.0  # opening card and closing card, each
LOWER_THIRD_SECONDS = 5.0  # how long a speaker's name stays on screen at their first appearance

BACKGROUND = (16, 32, 56)
ACCENT = (242, 183, 5)
SOFT = (190, 205, 225)

_lock = threading.Lock()  # moviepy/Pillow compositing is done one image at a time


def _cached(cache_dir: Path, kind: str, params: dict, make: Callable[[Path], None]) -> Path:
    digest = hashlib.sha256(json.dumps([kind, params, CARD_VERSION], sort_keys=True,
                                       ensure_ascii=False).encode()).hexdigest()[:20]
    path = cache_dir / f"{kind}-{digest}.png"
    if path.is_file():
        return path
    with _lock:
        if not path.is_file():
            with atomic_path(path) as tmp:
                make(tmp)
    return path


CARD_VERSION = 3  # bump when the look changes, so cached images are made again


def _text(text: str, size: int, colour, width: int, *, bold: bool = False, align: str = "center"):
    from moviepy import TextClip

    return TextClip(font=str(font_file(bold=bold)), text=text, font_size=size, color=colour,
                    method="caption", size=(width, None), text_align=align, horizontal_align=align,
                    interline=max(2, size // 5), margin=(0, max(2, int(size * 0.3))), duration=1)


def _stack(clips, width: int, height: int, top: int, gap: int, background=BACKGROUND):
    from moviepy import ColorClip, CompositeVideoClip

    total = sum(gap if c is None else c.h + gap for c in clips) - gap
    placed, y = [], max(top, (height - total) // 2)
    for clip in clips:
        if clip is None:
            y += gap
            continue
        placed.append(clip.with_position(((width - clip.w) // 2, y)))
        y += clip.h + gap
    return CompositeVideoClip([ColorClip((width, height), color=background, duration=1), *placed],
                              size=(width, height))


def opening_card(cache_dir: Path, *, width: int, height: int, programme: dict[str, str], module: dict[str, str],
                 order: int, duration_text: dict[str, str], languages: tuple[str, str]) -> Path:
    """Programme title, module number and title in both languages, and the module's duration."""
    params = dict(width=width, height=height, programme=programme, module=module, order=order,
                  duration=duration_text, languages=languages)

    def make(path: Path) -> None:
        from moviepy import ColorClip

        u = height / 720
        inner = int(width * 0.8)  # inside the title-safe area (10 % each side)
        first, second = languages
        clips = [
            _text(f"{programme[first]}\n{programme[second]}", int(24 * u), SOFT, inner),
            None,
            ColorClip((int(width * 0.12), max(2, int(4 * u))), color=ACCENT, duration=1),
            _text(str(order), int(40 * u), ACCENT, inner, bold=True),
            _text(module[first], int(46 * u), "white", inner, bold=True),
            _text(module[second], int(38 * u), SOFT, inner),
            None,
            _text(f"{duration_text[first]} · {duration_text[second]}", int(24 * u), SOFT, inner),
        ]
        card = _stack(clips, width, height, top=int(height * 0.14), gap=int(14 * u))
        card.save_frame(str(path), t=0)

    return _cached(cache_dir, "opening", params, make)


def closing_card(cache_dir: Path, *, width: int, height: int, programme: dict[str, str],
                 credits: dict[str, list[str]], languages: tuple[str, str]) -> Path:
    """The credits in both languages under the programme title."""
    params = dict(width=width, height=height, programme=programme, credits=credits, languages=languages)

    def make(path: Path) -> None:
        u = height / 720
        inner = int(width * 0.8)
        first, second = languages
        clips = [
            _text(programme[first], int(34 * u), "white", inner, bold=True),
            _text(programme[second], int(28 * u), SOFT, inner),
            None,
        ]
        if credits[first]:
            clips.append(_text("\n".join(credits[first]), int(24 * u), "white", inner))
        if credits[second]:
            clips.append(None)
            clips.append(_text("\n".join(credits[second]), int(24 * u), SOFT, inner))
        card = _stack(clips, width, height, top=int(height * 0.16), gap=int(12 * u))
        card.save_frame(str(path), t=0)

    return _cached(cache_dir, "closing", params, make)


def lower_third_geometry(width: int, height: int) -> tuple[int, int, int]:
    """(x, bottom, box width) of a lower-third: left of the title-safe area, its bottom above two lines of
    burned subtitles (which sit on the safe area's bottom edge, 10 % from the bottom)."""
    return int(width * 0.1), int(height * 0.9) - int(height * 0.18), int(width * 0.55)


def lower_third(cache_dir: Path, *, width: int, height: int, name: str, roles: dict[str, str],
                languages: tuple[str, str]) -> Path:
    """A translucent band with the speaker's name and role in both languages (a PNG with alpha).

    Its height follows its text (a long role wraps); ffmpeg places its bottom edge at the geometry's bottom.
    """
    params = dict(width=width, height=height, name=name, roles=roles, languages=languages)

    def make(path: Path) -> None:
        from moviepy import ColorClip, CompositeVideoClip

        _, _, box_w = lower_third_geometry(width, height)
        u = height / 720
        pad = int(12 * u)
        first, second = languages
        inner = box_w - 3 * pad
        lines = [_text(name, int(28 * u), "white", inner, bold=True, align="left"),
                 _text(roles[first], int(20 * u), "white", inner, align="left"),
                 _text(roles[second], int(20 * u), SOFT, inner, align="left")]
        box_h = sum(c.h for c in lines) + pad
        placed, y = [], pad // 2
        for clip in lines:
            placed.append(clip.with_position((2 * pad, y)))
            y += clip.h
        band = ColorClip((box_w, box_h), color=(0, 0, 0), duration=1).with_opacity(0.62)
        bar = ColorClip((max(3, int(6 * u)), box_h), color=ACCENT, duration=1)
        clip = CompositeVideoClip([band, bar, *placed], size=(box_w, box_h))
        clip.save_frame(str(path), t=0, with_mask=True)

    return _cached(cache_dir, "lower-third", params, make)
