"""What the review and kit tests share: SRT text written by hand (not by the code under test), the CLI
run in-process, and a one-module project whose Spanish is machine drafts as `translate` records them."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from packager.cli import cli
from packager.review.states import text_hash


def srt(cues: list[tuple[float, float, str]]) -> str:
    def tc(s: float) -> str:
        ms = round(s * 1000)
        return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"
    return "".join(f"{n}\n{tc(a)} --> {tc(b)}\n{t}\n\n" for n, (a, b, t) in enumerate(cues, start=1))


def run(project: Path, *args: str, code: int | None = 0):
    result = CliRunner().invoke(cli, ["-C", str(project), *args], catch_exceptions=False)
    if code is not None:
        assert result.exit_code == code, result.output
    return result


def drafted_project(root: Path, french: list[tuple[float, float, str]], spanish: list[str]) -> Path:
    """`packager init ROOT`, module-1's French cues, and their Spanish as unreviewed machine drafts."""
    run(root.parent, "init", str(root))
    (root / "subtitles/fr/module-1.srt").write_text(srt(french), encoding="utf-8")
    es = root / "subtitles/es/module-1.srt"
    es.write_text(srt([(a, b, t) for (a, b, _), t in zip(french, spanish)]), encoding="utf-8")
    units = {str(n): {"state": "draft", "source_hash": text_hash(f[2]), "target_hash": text_hash(t), "machine": t,
                      "who": "packager translate", "when": "2026-01-01T00:00:00Z", "comment": None}
             for n, (f, t) in enumerate(zip(french, spanish), start=1)}
    (root / "subtitles/es/module-1.srt.states.json").write_text(
        json.dumps({"format": "packager-states/1", "units": units}), encoding="utf-8")
    return root


def editor_file(manifest: dict, edits: dict[int, dict]) -> dict:
    """What editor.html's "Save my work" writes for module-1 of a kit (its manifest), with `edits`
    (cue → target/state/comment) applied."""
    cues = []
    for cue in manifest["modules"][0]["cues"]:
        edit = edits.get(cue["n"], {})
        cues.append({"n": cue["n"], "start": cue["start"], "end": cue["end"], "source_hash": cue["source_hash"],
                     "exported_hash": cue["target_hash"], "exported_state": cue["state"],
                     "target": edit.get("target", cue["draft"]), "state": edit.get("state", cue["state"]),
                     "comment": edit.get("comment", cue["comment"] or "")})
    return {"format": "packager-editor/1", "kit": manifest["kit"], "module": "module-1",
            "exported": manifest["created"], "saved": manifest["created"], "cues": cues}


def strip_docx_identity(document) -> None:
    """What Word users do to a review table's "odd grey text" (python-docx `document`, saved by the
    caller): the identity line deleted, each row's first cell (with its hidden markers) retyped as the
    bare cue number, and the document's subject cleared."""
    for paragraph in document.paragraphs:
        if "packager-review/1" in paragraph.text:
            paragraph._p.getparent().remove(paragraph._p)
    document.core_properties.subject = ""
    for n, row in enumerate(document.tables[0].rows[1:], start=1):
        row.cells[0].text = str(n)


# The review table's columns (python-docx cell indexes): N°, times, source, target, state, comment.
TARGET, STATE, COMMENT = 3, 4, 5


def edit_review_docx(path: Path, *, texts: dict[int, str] | None = None, states: dict[int, str] | None = None,
                     comments: dict[int, str] | None = None, save_to: Path | None = None) -> Path:
    """Do what a translator does in Word to a review table: by table row (1 = first cue), new target
    text, a state word, a comment. Saves over `path` unless `save_to` is given; returns the saved path."""
    import docx

    document = docx.Document(str(path))
    rows = document.tables[0].rows
    for column, edits in ((TARGET, texts), (STATE, states), (COMMENT, comments)):
        for row, value in (edits or {}).items():
            rows[row].cells[column].text = value
    saved = save_to or path
    document.save(str(saved))
    return saved
