"""The one cue model every stage shares, and SRT/WebVTT reading and writing.

SRT arrives from real editors (Subtitle Edit, Aegisub, Word exports): UTF-8 with or without BOM,
UTF-16, Windows-1252/Latin-1, CRLF, missing blank lines, renumbered or unnumbered cues, trailing
spaces, italics tags. `read_srt` accepts all of that; pysrt parses each cue's timing and text.
A bad timecode or an end before its start is a PackagerError naming the file, the cue and the line.
Output is always clean UTF-8 (LF) SRT or WebVTT, written atomically.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

import pysrt
from charset_normalizer import from_bytes

from ..atomic import write_text
from ..errors import PackagerError
from ..timecode import srt_timecode

_TIMING = re.compile(r"^\s*\d{1,2}:\d{1,2}:\d{1,2}[,.]\d{1,3}\s*-->\s*\d{1,2}:\d{1,2}:\d{1,2}[,.]\d{1,3}")
_LOOSE_TIMING = re.compile(r"-->")
_TIME_LIKE = re.compile(r"\d{1,2}:\d{2}:\d{2}")
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


# Single-byte encodings of Western-European subtitle files, most likely first (ties go to the first).
# Latin-1 is read as Windows-1252, its superset for printable text.
WESTERN_ENCODINGS = ("cp1252", "iso8859_15", "mac_roman")
_COMMON_LOWER = set("éèàçêôîûùâëïüñáíóúœæÿ")
_COMMON_UPPER = set("ÉÈÀÇÊÔÎÛÙÂËÏÜÑÁÍÓÚŒÆ")
_COMMON_PUNCT = set("«»¿¡’‘“”–—…°€ºª\u00a0\u202f")
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _western_plausibility(text: str) -> float:
    """How much `text` reads like French or Spanish: accented letters where words have them score,
    symbols inside words ("dÈj‡", "l'Ècart", "½uvre"), capitals after small letters and control
    characters cost. The wrong one of two Western code pages scores clearly lower."""
    score = 0.0
    prev = " "
    for i, ch in enumerate(text):
        code = ord(ch)
        if code < 128:
            if code < 32 and ch not in "\r\n\t":
                score -= 20
        elif unicodedata.category(ch)[0] == "C":
            score -= 20
        elif ch in _COMMON_LOWER:
            score += 2
        elif ch in _COMMON_UPPER:
            score += -3 if prev.isalpha() and prev.islower() else 1
        elif ch in _COMMON_PUNCT:
            nxt = text[i + 1] if i + 1 < len(text) else " "
            score += -3 if prev.isalpha() and nxt.isalpha() and ch not in "’‘" else 1
        else:
            score -= 5 if prev.isalpha() else 3
        prev = ch
    return score


def _bad_bytes(path: Path | None, data: bytes, encoding: str, exc: UnicodeDecodeError) -> PackagerError:
    line = data[:exc.start].count(b"\n") + 1 if not encoding.startswith("utf-16") else \
        data[:exc.start].decode(encoding, errors="replace").count("\n") + 1
    return PackagerError(f"the file says it is {encoding.upper()} (it starts with that byte-order mark) but "
                         f"holds bytes that are not", path=path, where=f"line {line}",
                         hint="save it again as UTF-8 from your subtitle editor")


def decode_subtitle_bytes(data: bytes, path: Path | None) -> str:
    """Text from bytes in whatever encoding an editor used.

    A byte-order mark decides (UTF-8, UTF-16); else strict UTF-8; else UTF-16 without a mark (every
    other byte NUL); else a Western single-byte code page: charset-normalizer decodes the bytes as
    Windows-1252, ISO-8859-15 and Mac Roman, and the text that reads most like French or Spanish wins
    (charset-normalizer's own pick takes Mac Roman for a short Windows-1252 file about once in twenty:
    "l'Ècart" for "l'écart"). A file that is UTF-8 except for a few bytes, or binary, is an error.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _bad_bytes(path, data[3:], "utf-8", exc) from None
    for bom, encoding in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[2:].decode(encoding)
            except UnicodeDecodeError as exc:
                raise _bad_bytes(path, data[2:], encoding, exc) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    # UTF-16 without BOM: every other byte of ASCII text is NUL.
    head = data[:200]
    if len(head) >= 4:
        for offset, encoding in ((1, "utf-16-le"), (0, "utf-16-be")):
            if head[offset::2].count(0) >= 0.6 * len(head[offset::2]):
                try:
                    return data[: len(data) // 2 * 2].decode(encoding)
                except UnicodeDecodeError:
                    break
    if b"\x00" in data:
        raise PackagerError("this is not a subtitle file: it holds binary data", path=path,
                            hint="give the .srt file that your subtitle editor exported")
    sequences = _UTF8_SEQUENCE.findall(data)
    invalid = len(re.findall(rb"[\x80-\xff]", data)) - sum(len(m) for m in sequences)
    if len(sequences) >= 2 and len(sequences) >= invalid:
        line = data[:utf8_error.start].count(b"\n") + 1
        raise PackagerError("the file is UTF-8 except for a few bytes (two encodings mixed, as when text is "
                            "pasted from another file)", path=path, where=f"line {line}",
                            hint="retype the accented characters of that line, or save the file as UTF-8 again")
    candidates: dict[str, str] = {}
    for match in from_bytes(data, cp_isolation=list(WESTERN_ENCODINGS), threshold=1.0):
        candidates[match.encoding] = str(match)
    for encoding in WESTERN_ENCODINGS:  # charset-normalizer may leave out a candidate on a very short file
        if encoding not in candidates:
            try:
                candidates[encoding] = data.decode(encoding)
            except UnicodeDecodeError:
                continue
    if not candidates:
        best = from_bytes(data).best()
        if best is None:
            raise PackagerError("cannot tell the text encoding of this file", path=path,
                                hint="save it as UTF-8 from your subtitle editor")
        return str(best)
    order = {encoding: n for n, encoding in enumerate(WESTERN_ENCODINGS)}
    encoding = max(candidates, key=lambda e: (_western_plausibility(candidates[e]), -order.get(e, 99)))
    return candidates[encoding]


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
            damaged = next((i for i, line in enumerate(block) if len(_TIME_LIKE.findall(line)) >= 2), None)
            if damaged is not None:  # "00:00:01,000 -> 00:00:03,000": a timing line with its arrow broken
                raise PackagerError(f"malformed timing line {block[damaged].strip()!r}", path=path,
                                    where=f"cue {cue_number}, line {first_line + damaged}",
                                    hint="write it as 00:00:01,000 --> 00:00:03,000")
            raise PackagerError(f"no timing line (\"00:00:01,000 --> 00:00:03,000\") for the text "
                                f"{block[0].strip()[:40]!r}", path=path, where=f"cue {cue_number}, line {first_line}",
                                hint="add the cue's timing or a blank line between cues")
        timing_line = first_line + timing_offset
        timing = block[timing_offset]
        written = block[timing_offset - 1].strip() if timing_offset else ""
        if written.isdigit() and int(written) != cue_number:  # the editor's own numbering differs
            cue_label = f"cue {cue_number} (numbered {written} in the file)"
        else:
            cue_label = f"cue {cue_number}"
        if not _TIMING.match(timing):
            raise PackagerError(f"bad timecode {timing.strip()!r}", path=path,
                                where=f"{cue_label}, line {timing_line}",
                                hint="write it as HH:MM:SS,mmm --> HH:MM:SS,mmm")
        try:
            item = pysrt.SubRipItem.from_lines(["0", timing.replace(".", ","), *block[timing_offset + 1:]])
        except (pysrt.Error, ValueError):
            raise PackagerError(f"bad timecode {timing.strip()!r}", path=path,
                                where=f"{cue_label}, line {timing_line}",
                                hint="write it as HH:MM:SS,mmm --> HH:MM:SS,mmm") from None
        start, end = item.start.ordinal / 1000, item.end.ordinal / 1000
        if end <= start:
            raise PackagerError(f"the cue ends ({item.end}) before it starts ({item.start})", path=path,
                                where=f"{cue_label}, line {timing_line}", hint="fix the end time")
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
    return list(_parsed_srt(data, str(path)))


@functools.lru_cache(maxsize=128)
def _parsed_srt(data: bytes, path: str) -> tuple[Cue, ...]:
    # Keyed on the file's bytes: check, QA, status and render each read the same files in one run, and
    # parse them once; an edited file is parsed again. Cues are frozen, so sharing them is safe.
    return tuple(parse_srt(decode_subtitle_bytes(data, Path(path)), Path(path)))


def _clean_text(text: str) -> str:
    """A cue's text as written to a file: LF only, no trailing spaces, no blank line (a blank line
    would end the cue for every reader)."""
    lines = (line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line.strip())


# Where a sidecar's cues appear when a player shows them: at the top of the picture for a language read
# above subtitles burned in at the bottom. SRT has no position of its own: `{\an8}` (SSA's "top centre")
# is the tag VLC, mpv and most players honour; WebVTT's `line:0` is the first line from the top.
SRT_TOP = "{\\an8}"
VTT_TOP = "line:0"


def format_srt(cues: list[Cue], *, top: bool = False) -> str:
    """Clean SRT: renumbered from 1, LF, a blank line after every cue (the last one too).
    `top`: every cue marked to be shown at the top of the picture."""
    mark = SRT_TOP if top else ""
    return "".join(f"{n}\n{srt_timecode(c.start)} --> {srt_timecode(c.end)}\n{mark}{_clean_text(c.text)}\n\n"
                   for n, c in enumerate(cues, start=1))


def format_vtt(cues: list[Cue], *, top: bool = False) -> str:
    """WebVTT; `top`: every cue on the first line from the top of the picture."""
    settings = f" {VTT_TOP}" if top else ""
    body = "".join(f"{n}\n{srt_timecode(c.start).replace(',', '.')} --> {srt_timecode(c.end).replace(',', '.')}"
                   f"{settings}\n{_vtt_escape(_clean_text(c.text))}\n\n" for n, c in enumerate(cues, start=1))
    return "WEBVTT\n\n" + body


_NOT_VTT = re.compile(r"</?font[^>]*>|\{\\[^}]*\}", re.IGNORECASE)


def _vtt_escape(text: str) -> str:
    # WebVTT keeps <i>/<b>/<u>; SRT's <font> and ASS's {\an8} have no WebVTT meaning and go; anything
    # else that looks like markup is escaped, and so is "-->" (it would end the timing line).
    escaped = _NOT_VTT.sub("", text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"&lt;(/?[ibu])&gt;", lambda m: f"<{m.group(1).lower()}>", escaped, flags=re.IGNORECASE)


def write_srt(path: Path | str, cues: list[Cue]) -> None:
    write_text(path, format_srt(cues))


def write_vtt(path: Path | str, cues: list[Cue]) -> None:
    write_text(path, format_vtt(cues))


def shift(cues: list[Cue], seconds: float) -> list[Cue]:
    return [replace(c, start=c.start + seconds, end=c.end + seconds) for c in cues]
