"""The machine's confidence in its drafts: what CTranslate2's score is turned into, where `translate`
records it, and where reviewers see it (the states sidecar, the review DOCX, `packager status`)."""

from __future__ import annotations

import json
import math
import sys
import zipfile
from pathlib import Path

import docx
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from argos_tiny import build_tiny_argos_package  # noqa: E402
from packager.review.confidence import LOW_CONFIDENCE  # noqa: E402
from packager.review.states import StateFile  # noqa: E402
from packager.translation.engine import LENGTH_PENALTY, token_confidence  # noqa: E402
from review_support import run  # noqa: E402
import test_translate  # noqa: E402
from test_argos_tiny import _offline_env  # noqa: E402
from test_translate import argos_home, es_path, project  # noqa: E402,F401

REPO = Path(__file__).resolve().parents[1]


def translate(root: Path, argos: Path):
    """test_translate's offline `packager translate`, on this checkout's packager: its environment
    drops PYTHONPATH, so a worktree's subprocess would otherwise import the installed copy."""
    def env(*args, **kwargs):
        out = _offline_env(*args, **kwargs)
        out["PYTHONPATH"] = str(REPO)
        return out

    original = test_translate._offline_env
    test_translate._offline_env = env
    try:
        return test_translate.translate(root, argos)
    finally:
        test_translate._offline_env = original


def test_confidence_is_the_mean_token_probability(tmp_path: Path):
    """exp(mean log-probability per token, </s> included), checked against CTranslate2's own per-token
    scoring of the hypothesis it chose, with the beam sizes translate uses."""
    import ctranslate2
    import sentencepiece

    with zipfile.ZipFile(build_tiny_argos_package(tmp_path / "files", "en", "es")) as archive:
        archive.extractall(tmp_path / "pkg")
    (package,) = [p for p in (tmp_path / "pkg").iterdir() if p.is_dir()]
    pieces = sentencepiece.SentencePieceProcessor(model_file=str(package / "sentencepiece.model"))
    translator = ctranslate2.Translator(str(package / "model"), compute_type="float32")
    sources = [pieces.encode(s, out_type=str) for s in ("hello world", "the training of young people", "a b c d")]
    seen = set()
    for beam in (1, 4):
        results = translator.translate_batch(sources, beam_size=beam, length_penalty=LENGTH_PENALTY,
                                             return_scores=True)
        for source, result in zip(sources, results):
            hypothesis = result.hypotheses[0]
            log_probs = translator.score_batch([source], [hypothesis])[0].log_probs
            expected = math.exp(sum(log_probs) / len(log_probs))
            got = token_confidence(result.scores[0], len(hypothesis))
            assert 0 < got <= 1 and abs(got - expected) < 1e-3, (beam, got, expected)
            seen.add(got)
    assert len(seen) > 1  # a real score, not a constant


def test_translate_records_it_and_reviewers_see_the_low_ones(project, argos_home, tmp_path):  # noqa: F811
    translate(project, argos_home)
    states = StateFile.load(es_path(project))
    drafts = {k: u for k, u in states.units.items() if u.state == "draft"}
    assert drafts and all(u.confidence is not None and 0 < u.confidence <= 1 for u in drafts.values())
    memory = json.loads((project / ".packager/translation-memory.json").read_text(encoding="utf-8"))
    assert all(0 < e["confidence"] <= 1 for e in memory["entries"].values())
    # Recorded with the memory: a re-run (no model call) leaves the sidecar as it is.
    sidecar = states.path.read_text(encoding="utf-8")
    translate(project, argos_home)
    assert states.path.read_text(encoding="utf-8") == sidecar

    # One sure and one unsure draft, whatever the tiny model said: the low ones are counted and marked.
    data = json.loads(sidecar)
    data["units"]["1"]["confidence"] = 0.21
    data["units"]["2"]["confidence"] = 0.97
    states.path.write_text(json.dumps(data), encoding="utf-8")
    low = sum(1 for u in StateFile.load(es_path(project)).units.values()
              if u.state == "draft" and u.confidence is not None and u.confidence < LOW_CONFIDENCE)
    assert low >= 1
    status = run(project, "status").output
    assert f"{low} low-confidence" in " ".join(status.split())
    out = tmp_path / "review.docx"
    run(project, "review", "export", "module-1", "--format", "docx", "-o", str(out))
    document = docx.Document(str(out))
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"ES: {low} borrador(es) de baja confianza" in text and f"FR : {low} brouillon(s)" in text
    times = [row.cells[1].text for row in document.tables[0].rows[1:]]
    assert "⚠ 21 %" in times[0] and "⚠" not in times[1]
    assert sum("⚠" in t for t in times) == low
    # The marked DOCX still imports (the times are read, the mark is not): unchanged, nothing changes.
    assert "0 changed" in run(project, "review", "import", str(out)).output
