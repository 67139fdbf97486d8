"""A typed transcript's words, timed by the machine's: the person's words are kept, only the timing
comes from the recogniser.

The typed words and the recognised ones are compared normalised (lower case, no punctuation,
"’" as "'", accents kept) by difflib's sequence alignment. Words that match take their partner's
times; a run of typed words facing a run of different recognised words (a misheard phrase) shares
that run's speech (its words' times, not the pauses between them) in proportion to the words'
lengths; typed words facing nothing (the machine
heard no such words there) cannot be placed: they get times between their neighbours' and are
reported, with those neighbours' times, for a person to check.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import PackagerError
from .words import Word

_PUNCT = re.compile(r"[^\w']+")


@dataclass
class Alignment:
    words: list[Word]  # the typed words, timed
    unplaced: list[tuple[int, str, float, float]] = field(default_factory=list)  # (index, word, after, before)
    matched: int = 0  # typed words that matched a recognised word exactly

    def report(self) -> list[str]:
        from ..timecode import srt_timecode

        return [f"word {index + 1} {text!r} not heard: placed between {srt_timecode(after)} and "
                f"{srt_timecode(before)} (its neighbours)" for index, text, after, before in self.unplaced]


def normalise(word: str) -> str:
    word = unicodedata.normalize("NFC", word).replace("’", "'").casefold()
    return _PUNCT.sub("", word)


def read_typed_text(path: Path) -> str:
    """The text of a .txt (any common encoding) or .docx transcript."""
    from ..subtitles.cues import decode_subtitle_bytes

    if not path.is_file():
        raise PackagerError("typed transcript not found", path=path)
    suffix = path.suffix.lower()
    if suffix == ".docx":
        import zipfile

        import docx

        try:
            document = docx.Document(str(path))
        except (zipfile.BadZipFile, KeyError, ValueError) as exc:
            raise PackagerError(f"not a readable Word document ({exc})", path=path,
                                hint="save it again as .docx, or as plain text (.txt)") from None
        return "\n".join(p.text for p in document.paragraphs)
    if suffix in (".txt", ".text", ".md"):
        return decode_subtitle_bytes(path.read_bytes(), path)
    raise PackagerError(f"a typed transcript must be a .docx or .txt file, not {suffix or 'a file without extension'}",
                        path=path, hint="save it as .docx or .txt")


class _SpeechClock:
    """Time measured in speech only: the recognised words' durations laid end to end, so that typed
    words shared over a misheard run fall in its words, not in the pauses between them."""

    def __init__(self, words: list[Word]):
        self.words = words
        self.spans = [max(w.end - w.start, 0.02) for w in words]  # a word timed 0 s still takes a little
        self.length = sum(self.spans)

    def at(self, position: float, *, end: bool = False) -> float:
        for word, span in zip(self.words, self.spans):
            if position < span or (end and position <= span):
                return min(word.end, word.start + position) if word.end > word.start else word.start
            position -= span
        return self.words[-1].end


def align_typed(typed_text: str, heard: list[Word]) -> Alignment:
    """Time the typed words (as written, punctuation kept) with the recognised words."""
    typed = typed_text.split()
    if not typed:
        return Alignment(words=[])
    if not heard:
        raise PackagerError("no speech was recognised to time the typed transcript with",
                            hint="check that the module's footage has its sound, and the model installed")
    typed_keys = [normalise(w) for w in typed]
    heard_keys = [normalise(w.text) for w in heard]
    times: list[tuple[float, float] | None] = [None] * len(typed)
    matcher = difflib.SequenceMatcher(None, typed_keys, heard_keys, autojunk=False)
    matched = 0
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for k in range(i2 - i1):
                times[i1 + k] = (heard[j1 + k].start, heard[j1 + k].end)
            matched += i2 - i1
        elif op == "replace":
            clock = _SpeechClock(heard[j1:j2])
            weights = [len(typed_keys[i]) + 1 for i in range(i1, i2)]
            total, done = sum(weights), 0
            for i, weight in zip(range(i1, i2), weights):
                a = clock.at(clock.length * done / total)
                done += weight
                times[i] = (a, clock.at(clock.length * done / total, end=True))
    unplaced = []
    i = 0
    while i < len(typed):
        if times[i] is not None:
            i += 1
            continue
        j = i
        while j < len(typed) and times[j] is None:
            j += 1
        after = times[i - 1][1] if i > 0 else heard[0].start
        before = times[j][0] if j < len(typed) else heard[-1].end
        if before < after:
            before = after
        step = (before - after) / (j - i)
        for k in range(i, j):
            times[k] = (after + step * (k - i), after + step * (k - i + 1))
            unplaced.append((k, typed[k], after, before))
        i = j
    words = [Word(text=w, start=t[0], end=t[1]) for w, t in zip(typed, times)]
    return Alignment(words=words, unplaced=unplaced, matched=matched)
