"""Two settings of an MP4's soft subtitle tracks that FFmpeg's muxer cannot be told, written in its boxes.

- **Enabled.** FFmpeg's MP4 muxer sets the "enabled" flag of a track header (`tkhd`) on the first track of
  each type when no track of that type is default (`-disposition:s 0` is not enough), and players that
  honour the flag (mpv, and ffprobe reports it as default) then draw that subtitle track over the
  burned-in one. The flag is a bit of `tkhd`'s flags: cleared in place.
- **Language.** The chapter track FFmpeg adds (QuickTime text, listed by players as a stream) is always
  tagged English: it gets the programme's language (ISO 639-2, packed in `mdhd`).
- **Position.** A 3GPP timed-text sample entry (`tx3g`) says where its text goes: FFmpeg always writes
  "bottom" (vertical justification -1). A track meant to be read above burned-in subtitles is set to
  "top" (0), one byte in place; players that decode it (libavcodec's mov_text decoder, QuickTime) put
  it at the top of the picture.

Both edits change bytes inside boxes, never a size or an offset: the file stays valid as the muxer wrote
it. Only the `moov` box is read (a few kilobytes, at the start of a faststart file).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import PackagerError

TKHD_ENABLED = 0x000001
SUBTITLE_HANDLERS = (b"sbtl", b"subt")  # and "text" with tx3g entries; a "text" track without is the chapters
_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts"}


@dataclass(frozen=True)
class Box:
    kind: bytes
    start: int  # offset of the box header in the file
    body: int  # offset of the box's content
    end: int


def _boxes(data: bytes | memoryview, start: int, end: int, base: int = 0) -> Iterator[Box]:
    """The boxes between `start` and `end` of `data`; offsets are `base` + the offset in `data`."""
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, pos)
        header = 8
        if size == 1:
            (size,) = struct.unpack_from(">Q", data, pos + 8)
            header = 16
        elif size == 0:
            size = end - pos
        if size < header or pos + size > end:
            break
        yield Box(bytes(kind), base + pos, base + pos + header, base + pos + size)
        pos += size


@dataclass
class Track:
    """One `trak`: its handler, the offset of its tkhd flags, its flags, and its tx3g entries' offsets."""

    handler: bytes
    tkhd_flags_at: int
    flags: int
    tx3g_at: list[int]  # offset of each tx3g sample entry's box header
    language_at: int = -1  # offset of mdhd's packed language
    language: str = ""

    @property
    def is_subtitle(self) -> bool:
        return self.handler in SUBTITLE_HANDLERS or (self.handler == b"text" and bool(self.tx3g_at))

    @property
    def is_chapters(self) -> bool:
        return self.handler == b"text" and not self.tx3g_at

    @property
    def enabled(self) -> bool:
        return bool(self.flags & TKHD_ENABLED)


def _moov(path: Path) -> tuple[int, bytes]:
    """The moov box's offset in the file and its bytes."""
    size = path.stat().st_size
    with open(path, "rb") as fh:
        pos = 0
        while pos + 8 <= size:
            fh.seek(pos)
            head = fh.read(16)
            box_size, kind = struct.unpack_from(">I4s", head)
            if box_size == 1:
                (box_size,) = struct.unpack_from(">Q", head, 8)
            elif box_size == 0:
                box_size = size - pos
            if box_size < 8:
                break
            if kind == b"moov":
                fh.seek(pos)
                return pos, fh.read(box_size)
            pos += box_size
    raise PackagerError("not an MP4 file: no moov box", path=path)


def tracks(path: Path) -> list[Track]:
    """Every track of an MP4 file, in file order."""
    base, moov = _moov(path)
    found: list[Track] = []
    for trak in _boxes(moov, 8, len(moov)):
        if trak.kind != b"trak":
            continue
        handler, flags_at, flags, tx3g, language_at = b"", -1, 0, [], -1

        def walk(start: int, end: int) -> None:
            nonlocal handler, flags_at, flags, language_at
            for box in _boxes(moov, start, end):
                if box.kind in _CONTAINERS:
                    walk(box.body, box.end)
                elif box.kind == b"tkhd":
                    flags_at = base + box.body + 1
                    flags = int.from_bytes(moov[box.body + 1:box.body + 4], "big")
                elif box.kind == b"mdhd":  # version 1 has 64-bit times: the language comes later
                    language_at = box.body + (32 if moov[box.body] == 1 else 20)
                elif box.kind == b"hdlr":
                    handler = bytes(moov[box.body + 8:box.body + 12])
                elif box.kind == b"stsd":
                    for entry in _boxes(moov, box.body + 8, box.end):
                        if entry.kind == b"tx3g":
                            tx3g.append(base + entry.start)

        walk(trak.body, trak.end)
        language = ""
        if language_at >= 0:
            packed = int.from_bytes(moov[language_at:language_at + 2], "big")
            language = "".join(chr(0x60 + (packed >> shift & 0x1F)) for shift in (10, 5, 0))
            language_at += base
        found.append(Track(handler, flags_at, flags, tx3g, language_at, language))
    return found


# In a tx3g sample entry: 8 bytes of box header, 6 reserved, 2 of data reference index, 4 of display
# flags, then the horizontal and the vertical justification (signed bytes: 0 top, 1 centre, -1 bottom).
_VERTICAL_AT = 8 + 6 + 2 + 4 + 1
TOP, BOTTOM = 0, -1


def vertical_justification(path: Path, entry_at: int) -> int:
    with open(path, "rb") as fh:
        fh.seek(entry_at + _VERTICAL_AT)
        return struct.unpack(">b", fh.read(1))[0]


def settle_subtitle_tracks(path: Path, top: set[int] | frozenset[int] = frozenset(), *,
                           chapters_language: str | None = None) -> None:
    """Every subtitle track of `path` not enabled (so none is shown before a person chooses it); the
    subtitle tracks numbered in `top` (0 = the file's first subtitle track) placed at the top; the chapter
    track tagged `chapters_language` (ISO 639-2, e.g. "fra")."""
    found = tracks(path)
    subtitles = [t for t in found if t.is_subtitle]
    with open(path, "r+b") as fh:
        if chapters_language and len(chapters_language) == 3 and chapters_language.isalpha():
            packed = 0
            for char in chapters_language.lower():
                packed = packed << 5 | (ord(char) - 0x60)
            for track in found:
                if track.is_chapters and track.language_at >= 0:
                    fh.seek(track.language_at)
                    fh.write(packed.to_bytes(2, "big"))
        for number, track in enumerate(subtitles):
            if track.enabled and track.tkhd_flags_at >= 0:
                fh.seek(track.tkhd_flags_at)
                fh.write((track.flags & ~TKHD_ENABLED).to_bytes(3, "big"))
            for entry in track.tx3g_at:
                fh.seek(entry + _VERTICAL_AT)
                fh.write(struct.pack(">b", TOP if number in top else BOTTOM))
