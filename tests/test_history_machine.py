"""A stateful property test: whatever people and the machine do, in any order, with kills at any
write, nothing a person wrote is lost and no machine text passes for a person's.

hypothesis drives a one-module project through random sequences of: edit the French, edit the
Spanish by hand, translate, approve, export a kit, return it (DOCX, SRT, XLIFF or the kit editor's
.return.json; the whole zip or one file; a fresh or a stale kit; identity stripped or not), drop a
French cue, settle a pending conflict (home, returned or a new text), restore a version from the
history, and a simulated kill (an interrupt at the Nth atomic rename, or a history line torn half
way) during a translate, an import, an approval, a kit's export, a settling or a restore. After
every step:

- every text a person ever wrote is a cue's text now or is in the unit history;
- no cue whose text is the machine's is counted as a person's (edited);
- after a `translate` that ran to its end, the states file and the SRT agree, cue for cue;
- importing the same return a second time changes nothing.

Everything is real (the CLI, python-docx, lxml, the kit zips) except the translation model: a
deterministic stand-in is injected at the engine boundary (`load_engine`), because a real model
(even the tiny one of tests/argos_tiny.py) costs seconds per run in a fresh process and the
property needs hundreds of runs. Its output is recognisable: every word starts with "mq".

The default profile (conftest.py) keeps the run under a minute; `--hypothesis-profile=long` searches
much deeper.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import zipfile
from pathlib import Path

import docx
import hypothesis.strategies as st
import pytest
from click.testing import CliRunner
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from lxml import etree

import packager.atomic as atomic
import packager.translation.engine as engine_module
from packager.cli import cli
from packager.review import history
from packager.review.states import StateFile, effective_state, text_hash
from packager.subtitles.cues import read_srt
from review_support import editor_file, srt, strip_docx_identity

FRENCH_WORDS = ["bonjour", "formation", "jeunes", "cuisine", "taux", "emploi", "atelier", "quartier", "projet"]
SPANISH_WORDS = ["hola", "formación", "jóvenes", "cocina", "tasa", "empleo", "taller", "barrio", "proyecto"]


class FakeEngine:
    """Deterministic, recognisable machine translation: "Bonjour les jeunes." → "mqbonjour mqles mqjeunes."."""

    pair = "fr-es"
    model_id = "fake-mq-1"
    description = "deterministic stand-in"

    def __init__(self):
        self.calls = 0

    def translate(self, texts: list[str]) -> list[str]:
        return [text for text, _ in self.translate_scored(texts)]

    def translate_scored(self, texts: list[str]) -> list[tuple[str, float | None]]:
        self.calls += 1
        return [(" ".join("mq" + w.lower() for w in t.split()), 0.5) for t in texts]


def is_machine(text: str) -> bool:
    words = re.sub(r"<[^>]+>|[.,;:!?¿¡«»\"-]", " ", text).split()
    return bool(words) and all(w.startswith("mq") for w in words)


def sentence(words: list[str]) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(words), min_size=1, max_size=4).map(lambda ws: " ".join(ws).capitalize() + ".")


class Killed(KeyboardInterrupt):
    """A simulated kill: the CLI treats it as Ctrl-C (exit 130), with no clean-up of its own."""


class ReviewMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        # In memory where the system has it: hundreds of fsyncs a run cost seconds on a shared disk.
        shm = Path("/dev/shm")
        self.tmp = Path(tempfile.mkdtemp(prefix="history-machine-", dir=shm if shm.is_dir() else None))
        self.root = self.tmp / "proj"
        self.person_texts: set[str] = set()  # texts a person wrote that a packager command has seen
        self.unseen: set[str] = set()  # hand edits made since the last command
        self.adopted: set[tuple[int, str]] = set()  # (cue, machine text) a person restored as theirs
        self.cli("init", str(self.root), project=self.tmp)
        self.french = [(1.0 + 3 * i, 3.0 + 3 * i, f"Bonjour {w}.") for i, w in enumerate(FRENCH_WORDS[:4])]
        self.write_french()
        self.kits: list[Path] = []
        self.translated_clean = False
        self.cli("translate", "--no-documents")

    def teardown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    # ------------------------------------------------------------------ helpers

    def cli(self, *args: str, project: Path | None = None, codes=(0,)):
        runner = CliRunner()
        original = engine_module.load_engine
        engine_module.load_engine = lambda source, target: FakeEngine()
        try:
            result = runner.invoke(cli, ["-C", str(project or self.root), *args], catch_exceptions=True)
        finally:
            engine_module.load_engine = original
        if isinstance(result.exception, Killed) or result.exit_code == 130:
            return None  # a killed run may not have seen the hand edits: they stay unseen
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        assert result.exit_code in codes, (args, result.exit_code, result.output)
        works_from_spanish = args[0] in ("translate", "kit") or args[:2] in (
            ("review", "approve"), ("review", "resolve"), ("review", "restore"))
        if (works_from_spanish and result.exit_code == 0) or (
                args[:2] == ("review", "import") and result.exit_code in (0, 1) and "refused" not in result.output):
            self.seen()
        return result

    def seen(self) -> None:
        """A command that worked from the module's Spanish ran to its end: the hand edits made before
        it are the person's texts it must have kept (in the file or in the history). A hand edit
        overwritten by another before such a command ran was never seen by packager, and a refused
        import writes nothing (not even history)."""
        self.person_texts |= self.unseen
        self.unseen.clear()

    @property
    def es(self) -> Path:
        return self.root / "subtitles/es/module-1.srt"

    def write_french(self) -> None:
        (self.root / "subtitles/fr/module-1.srt").write_text(srt(self.french), encoding="utf-8")

    def texts(self) -> list[str]:
        return [c.text for c in read_srt(self.es)] if self.es.is_file() else []

    def snapshot(self) -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in self.es.parent.iterdir() if p.is_file()}

    # ------------------------------------------------------------------ rules

    @rule(cue=st.integers(0, 5), text=sentence(FRENCH_WORDS))
    def edit_french(self, cue, text):
        cue %= len(self.french)
        a, b, _ = self.french[cue]
        self.french[cue] = (a, b, text)
        self.write_french()
        self.translated_clean = False

    @precondition(lambda self: len(self.french) > 2)
    @rule()
    def drop_last_french_cue(self):
        self.french.pop()
        self.write_french()
        self.translated_clean = False

    @rule(cue=st.integers(0, 5), text=sentence(SPANISH_WORDS))
    def edit_spanish_by_hand(self, cue, text):
        cues = read_srt(self.es) if self.es.is_file() else []
        if not cues:
            return
        cue %= len(cues)
        self.unseen.discard(cues[cue].text)
        self.es.write_text(srt([(c.start, c.end, text if n == cue else c.text) for n, c in enumerate(cues)]),
                           encoding="utf-8")
        self.unseen.add(text)
        self.translated_clean = False

    @rule()
    def translate(self):
        self.cli("translate", "--no-documents")
        self.translated_clean = True

    @rule(cue=st.integers(1, 6))
    def approve(self, cue):
        if cue <= len(self.texts()) and len(self.texts()) == len(self.french):
            self.cli("review", "approve", "module-1", "--cues", str(cue))
            self.translated_clean = False

    @precondition(lambda self: len(self.kits) < 3)
    @rule()
    def export_kit(self):
        if len(self.texts()) != len(self.french):
            return
        kit = self.tmp / f"kit{len(self.kits)}.zip"
        self.cli("kit", "module-1", "-o", str(kit), "--no-proxy")
        self.kits.append(kit)

    @precondition(lambda self: self.kits)
    @rule(which=st.integers(0, 2), fmt=st.sampled_from(["docx", "srt", "xliff", "editor"]),
          whole_zip=st.booleans(), strip=st.booleans(),
          edits=st.dictionaries(st.integers(1, 4), sentence(SPANISH_WORDS), max_size=4),
          approvals=st.sets(st.integers(1, 4), max_size=2))
    def return_kit(self, which, fmt, whole_zip, strip, edits, approvals):
        kit = self.kits[which % len(self.kits)]
        folder = self.tmp / "returned"
        shutil.rmtree(folder, ignore_errors=True)
        with zipfile.ZipFile(kit) as archive:
            archive.extractall(folder)
        (top,) = list(folder.iterdir())
        if fmt == "editor":  # "Save my work" in the kit's editor.html: saved beside it
            path = top / "01-module-1.return.json"
            manifest = json.loads((top / "manifest.json").read_text(encoding="utf-8"))
            changes = {n: {"target": text} for n, text in edits.items()}
            for n in approvals:
                changes.setdefault(n, {})["state"] = "approved"
            document = editor_file(manifest, changes)
            path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
            written = [text for n, text in edits.items() if n <= len(document["cues"])]
        else:
            path = top / "01-module-1" / f"01-module-1.es.{fmt}"
            written = edit_returned(path, fmt, edits, approvals, strip)
        if whole_zip:
            back = self.tmp / "back.zip"
            with zipfile.ZipFile(back, "w") as archive:
                for file in sorted(top.rglob("*")):
                    if file.is_file():
                        archive.write(file, f"{top.name}/{file.relative_to(top).as_posix()}")
        else:
            back = path
        result = self.cli("review", "import", str(back), codes=(0, 1, 2))
        if result is None or result.exit_code == 2 or "refused" in result.output:
            return  # refused (whole, or the file inside a kit): none of its texts was taken in
        self.person_texts.update(written)
        before = self.snapshot()
        self.cli("review", "import", str(back), codes=(0, 1, 2))
        assert self.snapshot() == before, "importing the same return twice changed something"
        self.translated_clean = False

    def settle(self, pick: int, take: str, text: str):
        """`review resolve` on one of the cues with a pending conflict (None when there is none, or
        when the run was killed)."""
        count = len(self.texts())
        conflicts = [r for r in history.pending(history.read(self.es), "conflict") if int(r.key) <= count]
        if not conflicts:
            return None
        keys = sorted({r.key for r in conflicts}, key=int)
        key = keys[pick % len(keys)]
        returned = [r.text for r in conflicts if r.key == key][-1]
        args = ["review", "resolve", "module-1", "--cue", key, "--take", take]
        if take == "edit":
            args += ["--text", text]
        result = self.cli(*args)
        if result is not None and take == "returned":
            self.adopt(int(key), returned)  # a person chose it (a machine draft the translator approved)
        return result

    def restore_choice(self, pick: int, cue: int) -> tuple[list[str], int, str] | None:
        """The `review restore` arguments for one of the history's versions onto one cue, the cue and
        the text (None when there is nothing to restore)."""
        versions = [r for r in history.read(self.es) if r.event in ("version", "orphan", "conflict")]
        if not versions or not self.texts():
            return None
        record = versions[pick % len(versions)]
        cue = cue % len(self.texts()) + 1
        return ["review", "restore", "module-1", "--cue", str(cue), "--version", str(record.n)], cue, record.text

    def adopt(self, cue: int, text: str) -> None:
        """A person chose `text` for `cue` (a restore, a resolve taking the returned text): theirs
        from now on, even a machine draft."""
        if is_machine(text):
            self.adopted.add((cue, text))
        else:
            self.person_texts.add(text)

    @rule(pick=st.integers(0, 5), take=st.sampled_from(["home", "returned", "edit"]), text=sentence(SPANISH_WORDS))
    def resolve_a_conflict(self, pick, take, text):
        if self.settle(pick, take, text) is not None and take == "edit":
            self.person_texts.add(text)
        self.translated_clean = False

    @rule(pick=st.integers(0, 30), cue=st.integers(0, 5))
    def restore_a_version(self, pick, cue):
        choice = self.restore_choice(pick, cue)
        if choice is not None and self.cli(*choice[0]) is not None:
            self.adopt(*choice[1:])
        self.translated_clean = False

    @rule(command=st.sampled_from(["translate", "import", "approve", "kit", "resolve", "restore"]),
          at=st.integers(1, 3), tear=st.booleans(), text=sentence(SPANISH_WORDS), pick=st.integers(0, 30))
    def kill_during_a_write(self, command, at, tear, text, pick):
        """An interrupt at the `at`-th atomic rename (the file is not replaced), or a history line
        torn half way, during a translate, an import of a one-cue hand edit, an approval, a kit's
        export, the settling of a conflict (with a new text) or a restore."""
        original_publish, original_append = atomic._publish, history.append
        count = {"n": 0}

        def publish(tmp, final):
            count["n"] += 1
            if count["n"] == at:
                raise Killed
            original_publish(tmp, final)

        def torn_append(target_path, records):
            records = list(records)
            if records:
                path = history.history_path(target_path)
                path.parent.mkdir(parents=True, exist_ok=True)
                line = records[0].to_line().encode("utf-8")
                with open(path, "ab") as handle:
                    handle.write(line[: len(line) // 2])
                raise Killed
            return original_append(target_path, records)

        if tear:
            history.append = torn_append
        else:
            atomic._publish = publish
        try:
            if command == "translate":
                self.cli("translate", "--no-documents", codes=(0, 2))
            elif command == "import":
                if self.es.is_file() and len(self.texts()) == len(self.french):
                    out = self.tmp / "single.srt"
                    cues = read_srt(self.es)
                    out.write_text(srt([(c.start, c.end, text if n == 0 else c.text) for n, c in enumerate(cues)]),
                                   encoding="utf-8")
                    self.cli("review", "import", str(out), "--module", "module-1", codes=(0, 1, 2))
            elif command == "approve":
                if self.texts() and len(self.texts()) == len(self.french):
                    self.cli("review", "approve", "module-1", "--cues", str(pick % len(self.texts()) + 1))
            elif command == "kit":
                if len(self.kits) < 3 and self.texts() and len(self.texts()) == len(self.french):
                    kit = self.tmp / f"kit{len(self.kits)}.zip"
                    self.cli("kit", "module-1", "-o", str(kit), "--no-proxy")
                    if kit.is_file():  # killed after the zip was written: the translator may have it
                        self.kits.append(kit)
            elif command == "resolve":
                if self.settle(pick, "edit", text) is not None:  # not killed after all (no write to kill)
                    self.person_texts.add(text)
            else:
                choice = self.restore_choice(pick, at)
                if choice is not None:
                    args, cue, restored = choice
                    # A person chose the text: theirs once it is on the cue, whether the run ended or not.
                    if self.cli(*args) is not None or self.texts()[cue - 1] == restored:
                        self.adopt(cue, restored)
        finally:
            atomic._publish, history.append = original_publish, original_append
        self.translated_clean = False

    # ------------------------------------------------------------------ invariants

    @invariant()
    def no_person_text_is_lost(self):
        kept = {text_hash(t) for t in self.texts()}
        for record in history.read(self.es):
            kept.add(text_hash(record.text))
            if record.home:
                kept.add(text_hash(record.home))
        lost = [t for t in self.person_texts if text_hash(t) not in kept]
        assert not lost, f"a person's text is nowhere: {lost}"

    @invariant()
    def machine_text_is_never_a_persons(self):
        if not self.es.is_file():
            return
        source = read_srt(self.root / "subtitles/fr/module-1.srt")
        states = StateFile.load(self.es)
        for n, cue in enumerate(read_srt(self.es), start=1):
            if is_machine(cue.text) and cue.text not in self.person_texts and (n, cue.text) not in self.adopted:
                src = source[n - 1].text if n <= len(source) else ""
                state = effective_state(states.units.get(str(n)), src, cue.text)
                assert state != "edited", f"cue {n}: machine text {cue.text!r} counted as a person's"

    @invariant()
    def states_agree_with_the_srt_after_translate(self):
        if not self.translated_clean:
            return
        cues = read_srt(self.es)
        states = StateFile.load(self.es)
        assert sorted(states.units, key=int) == [str(n) for n in range(1, len(cues) + 1)]
        for n, cue in enumerate(cues, start=1):
            assert states.units[str(n)].target_hash == text_hash(cue.text), f"cue {n}"


def edit_returned(path: Path, fmt: str, edits: dict[int, str], approvals: set[int], strip: bool) -> list[str]:
    """What a translator (and their tools) do to a returned file; returns the texts written into it
    (edits of cues the file has)."""
    if fmt == "srt":
        cues = read_srt(path)
        path.write_text(srt([(c.start, c.end, edits.get(n, c.text)) for n, c in enumerate(cues, start=1)]),
                        encoding="utf-8")
        return [text for n, text in edits.items() if n <= len(cues)]
    if fmt == "xliff":
        root = etree.fromstring(path.read_bytes())
        units = [el for el in root.iter() if etree.QName(el).localname == "unit"]
        for n, unit in enumerate(units, start=1):
            for segment in [el for el in unit if etree.QName(el).localname == "segment"]:
                target = next(el for el in segment if etree.QName(el).localname == "target")
                if n in edits:
                    target.text = edits[n]
                if n in approvals:
                    segment.set("state", "final")
        if strip:
            for meta in [el for el in root.iter() if etree.QName(el).localname == "metadata"]:
                meta.getparent().remove(meta)
        path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
        return [text for n, text in edits.items() if n <= len(units)]
    document = docx.Document(str(path))
    rows = document.tables[0].rows
    for n, row in enumerate(rows[1:], start=1):
        if n in edits:
            row.cells[3].text = edits[n]
        if n in approvals:
            row.cells[4].text = "aprobado"
    if strip:
        strip_docx_identity(document)
    document.save(str(path))
    return [text for n, text in edits.items() if n < len(rows)]


TestReviewMachine = ReviewMachine.TestCase


@pytest.fixture(autouse=True)
def _quiet_progress(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
