"""Paths from project files stay inside the project; messages say the rule in words (issue 11)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from review_support import run


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    run(tmp_path, "init", str(root))
    return root


def _set(project: Path, key: str, value: str) -> None:
    module = project / "modules/01-module-1.toml"
    lines = module.read_text(encoding="utf-8").splitlines()
    lines = [f'{key} = "{value}"' if line.startswith(f"{key} =") else line for line in lines]
    module.write_text("\n".join(lines) + "\n", encoding="utf-8")


SECRET = "root:x:0:0:SECRET-LINE"


@pytest.mark.parametrize("how", ["parent", "absolute", "symlink"])
def test_a_path_leading_outside_the_project_is_refused_unread(project: Path, tmp_path: Path, how: str):
    outside = tmp_path / "secret.srt"
    outside.write_text(f"1\n00:00:00,000 --> 00:00:01,000\n{SECRET}\n\nnot an srt {SECRET}\n", encoding="utf-8")
    if how == "parent":
        _set(project, "subtitles", "../secret.srt")
    elif how == "absolute":
        _set(project, "subtitles", str(outside))
    else:
        os.symlink(outside, project / "subtitles/fr/link.srt")
        _set(project, "subtitles", "subtitles/fr/link.srt")
    result = run(project, "check", code=2)
    assert "the subtitles path" in result.output and "leads outside the project folder" in result.output
    assert "SECRET" not in result.output
    translate = run(project, "translate", code=2)  # refused before any model is looked for
    assert "leads outside the project folder" in translate.output and "nothing was translated" in translate.output
    assert "SECRET" not in translate.output
    assert not (project / "subtitles/es/module-1.srt").exists()


def test_footage_and_questions_outside_are_refused(project: Path, tmp_path: Path):
    _set(project, "questions", "/etc/hostname")
    module = project / "modules/01-module-1.toml"
    module.write_text(module.read_text(encoding="utf-8").replace('source = "', 'source = "../../', 1),
                      encoding="utf-8")
    result = run(project, "check", code=2)
    assert "the questions path '/etc/hostname' leads outside" in result.output
    assert "the footage path '../../" in result.output


def test_render_on_a_module_check_rejects_stops_with_checks_message(project: Path):
    (project / "subtitles/fr/module-1.srt").write_text("", encoding="utf-8")
    result = run(project, "render", "module-1", code=2)
    assert "the transcript has no cues" in result.output and "nothing was rendered" in result.output
    assert not (project / "dist/render").exists()


def test_a_bad_module_id_states_the_rule_in_words(project: Path):
    _set(project, "id", "Module_1")
    result = run(project, "check", code=2)
    assert "'Module_1' is not a valid id" in result.output
    assert "lower-case letters" in result.output and "hyphens" in result.output
    assert "^[a-z0-9]" not in result.output
