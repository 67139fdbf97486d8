"""The one cue model every stage shares, and SRT/WebVTT reading and writing.

SRT arrives from real editors (Subtitle Edit, Aegisub, Word exports): UTF-8 with or without BOM,
UTF-16, Windows-1252/Latin-1, CRLF, missing blank lines, renumbered or unnumbered cues, trailing
spaces, italics tags. `read_srt` accepts all of that; pysrt parses each cue's timing and text.
A bad timecode or an end before its start is a PackagerError naming the file, the cue and the line.
Output is always clean UTF-8 (LF) SRT or WebVTT, written atomically.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

import pysrt
from charset_normalizer import from_bytes

from ..atomic import write_text
from ..errors import PackagerError

_TIMING = re.compile(r"^\s*\d{1,2}:\d{1,2}:\d{1,2}[,.]\d{1,3}\s*-->\s*\d{1,2}:\d{1,2}:\d{1,2}[,.]\d{1,3}")
_LOOSE_TIMING = re.compile(r"-->")
_TAG = re.compile(r"</?[ibu]>|</?font[^>]*>|\{\\[^}]*\}", re.IGNORECASE)


@dataclass(frozen=True)
class Cue:
    """One subtitle: its number in the file (1-based), timing in seconds, and text (lines joined by \\n)."""

    index: int
    start: float
    end: float
    text: str
    line: int = 0  # line of its timing in the source file (0 when made in memory)

    @property
    def duration(self) -> float:
        return self.end - self.start

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")

    @property
    def plain_text(self) -> str:
        """Text without formatting tags, lines joined by a space (what is read, for cps and translation)."""
        return " ".join(line.strip() for line in strip_tags(self.text).split("\n") if line.strip())

    def with_text(self, text: str) -> Cue:
        return replace(self, text=text)


def strip_tags(text: str) -> str:
    return _TAG.sub("", text)


def decode_subtitle_bytes(data: bytes, path: Path) -> str:
    """Text from bytes in whatever encoding an editor used. BOMs first, then charset-normalizer."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # UTF-16 without BOM: every other byte of ASCII text is NUL.
    if len(data) >= 4 and data[1:8:2].count(0) >= 3:
        return data.decode("utf-16-le")
    if len(data) >= 4 and data[0:8:2].count(0) >= 3:
        return data.decode("utf-16-be")
    best = from_bytes(data, cp_isolation=["cp1252", "latin_1", "utf_16", "mac_roman"]).best()
    if best is None:
        raise PackagerError("cannot tell the text encoding of this file", path=path,
                            hint="save it as UTF-8 from your subtitle editor")
    # Windows-1252 is a superset of Latin-1 for printable text; editors on Windows write it.
    encoding = "cp1252" if best.encoding in ("latin_1", "iso8859_15") else best.encoding
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return str(best)


def parse_srt(text: str, path: Path) -> list[Cue]:
    """Cues from SRT text. Tolerates missing blank lines, missing or wrong numbers, extra spaces."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    blocks: list[tuple[int, list[str]]] = []  # (line number of the block's first line, lines)
    current: list[str] = []
    start_line = 0
    for number, line in enumerate(lines, start=1):
        is_timing = bool(_LOOSE_TIMING.search(line))
        if not line.strip():
            if current:
                blocks.append((start_line, current))
                current = []
            continue
        if is_timing and any(_LOOSE_TIMING.search(previous) for previous in current):
            # A second timing line in one block: a blank line is missing. The new cue starts here,
            # taking the previous line along when it is a bare cue number.
            carried = [current.pop()] if current[-1].strip().isdigit() else []
            blocks.append((start_line, current))
            current = carried
            start_line = number - len(carried)
        if not current:
            start_line = number
        current.append(line)
    if current:
        blocks.append((start_line, current))

    cues: list[Cue] = []
    for first_line, block in blocks:
        timing_offset = next((i for i, line in enumerate(block) if _LOOSE_TIMING.search(line)), None)
        cue_number = len(cues) + 1
        if timing_offset is None:
            raise PackagerError(f"no timing line (\"00:00:01,000 --> 00:00:03,000\") for the text "
                                f"{block[0].strip()[:40]!r}", path=path, where=f"cue {cue_number}, line {first_line}",
                                hint="add the cue's timing or a blank line between cues")
        timing_line = first_line + timing_offset
        timing = block[timing_offset]
        if not _TIMING.match(timing):
            raise PackagerError(f"bad timecode {timing.strip()!r}", path=path,
                                where=f"cue {cue_number}, line {timing_line}",
                                hint="write it as HH:MM:SS,mmm --> HH:MM:SS,mmm")
        try:
            item = pysrt.SubRipItem.from_lines(["0", timing.replace(".", ","), *block[timing_offset + 1:]])
        except (pysrt.Error, ValueError):
            raise PackagerError(f"bad timecode {timing.strip()!r}", path=path,
                                where=f"cue {cue_number}, line {timing_line}",
                                hint="write it as HH:MM:SS,mmm --> HH:MM:SS,mmm") from None
        start, end = item.start.ordinal / 1000, item.end.ordinal / 1000
        if end <= start:
            raise PackagerError(f"the cue ends ({item.end}) before it starts ({item.start})", path=path,
                                where=f"cue {cue_number}, line {timing_line}", hint="fix the end time")
        text = "\n".join(line.strip() for line in item.text.split("\n")).strip("\n")
        cues.append(Cue(index=cue_number, start=start, end=end, text=text, line=timing_line))
    return cues


def read_srt(path: Path | str) -> list[Cue]:
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise PackagerError("subtitle file not found", path=path) from None
    except OSError as exc:
        raise PackagerError(f"cannot read the subtitle file: {exc.strerror}", path=path) from None
    return parse_srt(decode_subtitle_bytes(data, path), path)


def _srt_time(seconds: float) -> str:
    ms = round(seconds * 1000)
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d},{ms:03d}"


def format_srt(cues: list[Cue]) -> str:
    """Clean SRT: renumbered from 1, LF, a blank line after every cue (the last one too)."""
    return "".join(f"{n}\n{_srt_time(c.start)} --> {_srt_time(c.end)}\n{c.text}\n\n"
                   for n, c in enumerate(cues, start=1))


def format_vtt(cues: list[Cue]) -> str:
    body = "".join(f"{n}\n{_srt_time(c.start).replace(',', '.')} --> {_srt_time(c.end).replace(',', '.')}\n"
                   f"{_vtt_escape(c.text)}\n\n" for n, c in enumerate(cues, start=1))
    return "WEBVTT\n\n" + body


def _vtt_escape(text: str) -> str:
    # WebVTT keeps <i>/<b>/<u>; everything else that looks like markup must be escaped.
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"&lt;(/?[ibu])&gt;", r"<\1>", escaped)


def write_srt(path: Path | str, cues: list[Cue]) -> None:
    write_text(path, format_srt(cues))


def write_vtt(path: Path | str, cues: list[Cue]) -> None:
    write_text(path, format_vtt(cues))


def shift(cues: list[Cue], seconds: float) -> list[Cue]:
    return [replace(c, start=c.start + seconds, end=c.end + seconds) for c in cues]
