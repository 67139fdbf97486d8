"""The French transcript has the unit history the Spanish has (issue 13 with issue 11): `transcribe`
records every version it writes before the files, a person's edit noticed by a re-run is recorded
as theirs, and a kill between the SRT and its states file leaves machine drafts as drafts.

Same fixtures as tests/test_transcribe.py: a tiny genuine faster-whisper model built offline and
footage whose sound is French spoken by espeak-ng.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from review_support import run  # noqa: E402
from test_transcribe import models_dir, project, transcript, voiced_footage, whisper_model  # noqa: E402,F401

from packager.review import history  # noqa: E402
from packager.subtitles.cues import read_srt  # noqa: E402


def fr(root: Path) -> Path:
    return root / "subtitles/fr/entrevue.srt"


def versions(root: Path) -> list[history.Record]:
    return [r for r in history.read(fr(root)) if r.event == "version"]


def test_transcribe_records_its_drafts_in_the_french_history(project):
    run(project, "transcribe")
    cues, states = transcript(project)
    assert set(states) == {"draft"}
    recorded = versions(project)
    assert [(r.key, r.text) for r in recorded] == [(str(n), c.text) for n, c in enumerate(cues, start=1)]
    assert {(r.state, r.who, r.origin, r.by) for r in recorded} == {("draft", "machine", "transcribe",
                                                                     "packager transcribe")}
    shown = run(project, "review", "history", "entrevue", "--source", "--cue", "1").output
    assert "cue 1  draft  [transcribe; machine, packager transcribe]" in shown
    assert repr(cues[0].text) in shown
    # the Spanish has no history yet: without --source nothing is shown
    assert "nothing recorded for entrevue" in run(project, "review", "history", "entrevue").output


def test_a_persons_edit_is_recorded_before_a_rerun_writes_and_can_be_restored(project):
    run(project, "transcribe")
    drafts, _ = transcript(project)
    assert len(drafts) >= 2
    path = fr(project)
    corrected = "Nous voulions offrir\nun premier emploi."
    blocks = path.read_text(encoding="utf-8").split("\n\n")
    blocks[1] = "\n".join(blocks[1].split("\n")[:2] + [corrected])
    path.write_text("\n\n".join(blocks), encoding="utf-8")
    first_run = len(history.read(path))

    assert "1 kept (a person's)" in run(project, "transcribe").output
    after, states = transcript(project)
    kept = [c.text for c in after].index(corrected)  # the drafts around it were redone: it may move
    assert states[kept] == "edited" and set(states[:kept] + states[kept + 1:]) == {"draft"}
    new = history.read(path)[first_run:]
    # the person's text comes first, as theirs, then what the re-run wrote (drafts the machine's)
    assert (new[0].key, new[0].text, new[0].who, new[0].origin, new[0].state) == (
        "2", corrected, "person", "hand edit", "edited")
    for record in new[1:]:
        if record.text == corrected:  # at its new number (if it moved): still the person's
            assert (record.key, record.who, record.state) == (str(kept + 1), "person", "edited")
        else:
            assert (record.who, record.state, record.origin) == ("machine", "draft", "transcribe")
    assert sum(r.text == corrected for r in new) == (1 if kept == 1 else 2)

    # restore the machine's first draft of cue 2 onto the corrected cue: a person's choice, the
    # correction stays in the history
    draft_2 = next(r for r in versions(project) if r.key == "2" and r.text == drafts[1].text)
    cue = str(kept + 1)
    run(project, "review", "restore", "entrevue", "--source", "--cue", cue, "--version", str(draft_2.n))
    restored, states = transcript(project)
    assert restored[kept].text == drafts[1].text and states[kept] == "edited"
    assert versions(project)[-1].origin == "restore" and versions(project)[-1].who == "person"
    assert any(r.text == corrected for r in versions(project))


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs (the CLI catches no BaseException of its own)."""


def test_a_kill_between_the_srt_and_its_states_leaves_drafts_drafts(project, monkeypatch):
    """The first transcription is killed after the SRT is renamed into place, before its states
    file is (an exception at the second rename stands for SIGKILL): the next run must not take the
    machine's cues for a person's transcript."""
    import packager.transcription.flow as flow

    real_replace, renames = os.replace, []

    def killed_at_second(src, dst):
        renames.append(Path(dst).name)
        if len(renames) == 2:
            raise Killed
        real_replace(src, dst)

    monkeypatch.setattr(flow.os, "replace", killed_at_second)
    with pytest.raises(Killed):
        run(project, "transcribe", code=None)
    monkeypatch.setattr(flow.os, "replace", real_replace)
    path = fr(project)
    assert renames == ["entrevue.srt", "entrevue.srt.states.json"]
    assert path.is_file() and not (path.parent / "entrevue.srt.states.json").exists()
    cues = read_srt(path)
    assert cues and set(transcript(project)[1]) == {"draft"}  # from the history, not "a person's"

    second = run(project, "transcribe").output
    assert "0 kept" in second and "kept, a person's transcript" not in second
    assert set(transcript(project)[1]) == {"draft"}
    assert f"{len(read_srt(path))} draft" in " ".join(run(project, "status").output.split("│"))
