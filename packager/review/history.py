"""Every version of every translated unit, kept append-only beside its target file.

``subtitles/es/<id>.srt`` has ``subtitles/es/<id>.srt.history.jsonl``; a workbook text such as
``workbooks/es/booklet.md`` has ``workbooks/es/booklet.md.history.jsonl``; the French transcript
(``subtitles/fr/<id>.srt``, written by `transcribe`) has its own the same way. One JSON object a line,
only ever appended (a merge of two branches is a union of lines; git diffs show only new lines)::

    {"event": "version", "key": "3", "text": "…", "state": "draft", "who": "machine",
     "by": "packager translate", "origin": "translate", "when": "2026-…Z", "source_hash": "…"}

Events:

- ``version``: a unit's text and state as someone wrote them. ``who`` is ``machine`` or ``person``;
  ``origin`` says where it came from: ``translate`` (a machine draft, or a state the run set),
  ``transcribe`` (a French transcript's machine draft), ``typed transcript`` (`transcribe --text`),
  ``hand edit`` (a person's edit noticed in the target file), ``kit return`` (a review import),
  ``approve``, ``restore``, ``resolve``.
- ``conflict``: a returned text that could not be applied because the unit changed at home since the
  file went out; ``text`` is the returned text, ``home`` the text kept. Pending until settled.
- ``orphan``: a person's text whose source unit disappeared; kept here, pending until restored.
- ``settled``: closes the conflict or orphan numbered ``settles`` (``take``: home, returned, edit,
  restore, dismissed).

A record is appended and fsynced **before** the file it describes is written, so after a kill at
any point the history knows what the machine wrote and what a person wrote: `reconcile` uses it to
rebuild a review state the sidecar missed. Records are numbered by their position (1, 2, …):
`review history` shows those numbers and `review restore --version K` takes one.

A line torn by a kill mid-append is ignored when read, and the next append starts on a new line.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from .clock import now_iso
from .fingerprint import text_hash

SUFFIX = ".history.jsonl"
EVENTS = ("version", "conflict", "orphan", "settled")
ORIGINS = ("translate", "transcribe", "typed transcript", "hand edit", "kit return", "approve", "restore",
           "resolve")
MACHINE, PERSON = "machine", "person"


def history_path(target_path: Path | str) -> Path:
    target_path = Path(target_path)
    return target_path.with_name(target_path.name + SUFFIX)


@dataclass
class Record:
    """One line of a history file. `n` is its position (1-based), not stored."""

    event: str
    key: str
    text: str = ""
    state: str | None = None
    who: str = PERSON  # machine | person
    by: str | None = None  # "packager translate", "review import (x.docx)", a --who
    origin: str | None = None
    when: str = ""
    source_hash: str | None = None
    comment: str | None = None
    home: str | None = None  # conflict: the text kept at home
    home_state: str | None = None
    reason: str | None = None
    file: str | None = None  # conflict: the returned file
    settles: int | None = None
    take: str | None = None
    n: int = 0

    def to_line(self) -> str:
        data = {k: v for k, v in asdict(self).items() if v is not None and k != "n"}
        return json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, data: dict, n: int) -> Record | None:
        if not isinstance(data, dict) or data.get("event") not in EVENTS or not isinstance(data.get("key"), str):
            return None
        known = {f for f in cls.__dataclass_fields__ if f != "n"}
        try:
            return cls(**{k: v for k, v in data.items() if k in known}, n=n)
        except TypeError:
            return None

    @property
    def is_person(self) -> bool:
        return self.who != MACHINE


def read(target_path: Path | str) -> list[Record]:
    """Every readable record of a target file's history, in order (numbered from 1)."""
    path = history_path(target_path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return []
    records: list[Record] = []
    for line in raw.decode("utf-8", errors="replace").splitlines():
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except ValueError:  # a line torn by a kill mid-append
            continue
        record = Record.from_json(data, len(records) + 1)
        if record is not None:
            records.append(record)
    return records


def append(target_path: Path | str, records: Iterable[Record]) -> list[Record]:
    """Append records and fsync them before returning (call it before writing the target file).
    Returns the records appended, numbered."""
    records = list(records)
    if not records:
        return []
    path = history_path(target_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    count = len(read(target_path))
    new_file = not path.exists()
    with open(path, "ab") as handle:
        if handle.tell() > 0:  # a kill may have torn the last line: never glue a record onto it
            with open(path, "rb") as reader:
                reader.seek(-1, os.SEEK_END)
                if reader.read(1) != b"\n":
                    handle.write(b"\n")
        for i, record in enumerate(records, start=1):
            record.when = record.when or now_iso()
            record.n = count + i
        handle.write("".join(r.to_line() for r in records).encode("utf-8"))
        handle.flush()
        os.fsync(handle.fileno())
    if new_file:  # the new name must survive a crash too
        _fsync_dir(path.parent)
    return records


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def latest_versions(records: list[Record]) -> dict[str, Record]:
    """key → the unit's last `version` record."""
    out: dict[str, Record] = {}
    for record in records:
        if record.event == "version":
            out[record.key] = record
    return out


def record(target_path: Path | str, key: str, text: str, *, state: str, who: str, origin: str,
           by: str | None = None, when: str | None = None, source_hash: str | None = None,
           comment: str | None = None, known: list[Record] | None = None) -> Record | None:
    """Record one version of a unit (the public door for every writer). Nothing is appended when
    the unit's last version already has this text, state and author kind; returns the record
    appended, or None. `known`: the file's records already read (saves a read)."""
    pending = Pending(target_path, known)
    pending.version(key, text, state=state, who=who, origin=origin, by=by, when=when, source_hash=source_hash,
                    comment=comment)
    appended = pending.flush()
    return appended[0] if appended else None


class Pending:
    """Records for one target file gathered, then appended and fsynced at once (`flush`): one fsync
    per file written, not per unit."""

    def __init__(self, target_path: Path | str, known: list[Record] | None = None):
        self.target_path = Path(target_path)
        self.known = read(self.target_path) if known is None else known
        self.latest = latest_versions(self.known)
        self.records: list[Record] = []
        # (key, text hash) of every version known: "is this text in the history?" in constant time
        self._texts = {(r.key, text_hash(r.text)) for r in self.known if r.event == "version"}

    def version(self, key: str, text: str, *, state: str, who: str, origin: str, by: str | None = None,
                when: str | None = None, source_hash: str | None = None, comment: str | None = None) -> None:
        last = self.latest.get(key)
        if last is not None and text_hash(last.text) == text_hash(text) and last.state == state \
                and last.who == who:
            return
        new = Record("version", key, text, state=state, who=who, by=by, origin=origin, when=when or "",
                     source_hash=source_hash, comment=comment)
        self.latest[key] = new
        self.records.append(new)
        self._texts.add((key, text_hash(text)))

    def keep_person_text(self, key: str, text: str | None, state: str, *, source_hash: str | None = None,
                         by: str | None = None) -> None:
        """Before a unit's text is replaced: make sure the text there now is in the history when a
        person wrote it (an edit never noticed by a run of packager)."""
        if not text or not text.strip() or state == "draft":
            return
        if (key, text_hash(text)) in self._texts:
            return
        self.version(key, text, state=state, who=PERSON, origin="hand edit", by=by, source_hash=source_hash)

    def orphan(self, key: str, text: str, *, state: str, by: str | None = None, when: str | None = None) -> None:
        """A person's text whose source unit is gone: kept, pending until restored (once per text)."""
        if any(r.key == key and text_hash(r.text) == text_hash(text) for r in pending(self.known, "orphan")):
            return
        self.records.append(Record("orphan", key, text, state=state, who=PERSON, origin="translate", by=by,
                                   when=when or ""))

    def add(self, record: Record) -> None:
        self.records.append(record)

    def flush(self) -> list[Record]:
        appended = append(self.target_path, self.records)
        self.known.extend(appended)
        self.records = []
        return appended


def record_run(pending: Pending, units: dict, texts: dict[str, str], *, by: str, origin: str, when: str) -> None:
    """One version per unit whose text or state a run (`translate`, `transcribe`) sets: a draft as
    the machine's, any other state as a person's (a text the history does not have yet is an edit
    noticed: origin "hand edit"). `units`: key → the UnitState the run writes. Nothing when unchanged."""
    for key, text in texts.items():
        entry = units.get(key)
        if entry is None or not text.strip():
            continue
        fresh = entry.target_hash == text_hash(text)  # else a person changed it after the entry was set
        if entry.state == "draft" and fresh:
            pending.version(key, text, state="draft", who=MACHINE, origin=origin, by=by, when=when,
                            source_hash=entry.source_hash)
            continue
        last = pending.latest.get(key)
        noticed = last is None or text_hash(last.text) != text_hash(text)
        pending.version(key, text, state=entry.state if fresh else "edited", who=PERSON, origin="hand edit" if noticed else origin,
                        by=entry.who if noticed else by, when=when, source_hash=entry.source_hash,
                        comment=entry.comment)


def pending(records: list[Record], event: str) -> list[Record]:
    """The `conflict` (or `orphan`) records not yet settled."""
    settled = {r.settles for r in records if r.event == "settled"}
    return [r for r in records if r.event == event and r.n not in settled]


def pending_counts(target_path: Path | str) -> tuple[int, int]:
    """(conflicts, orphans) still pending for a target file."""
    records = read(target_path)
    return len(pending(records, "conflict")), len(pending(records, "orphan"))
