"""What a producer reads at the terminal: the packager command in a subprocess, on real projects (real
ffmpeg renders, real bundles), its messages and streams asserted as printed."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from test_render import make_clip, make_project

WORKTREE = Path(__file__).resolve().parents[1]


def packager(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = dict(os.environ if env is None else env, PYTHONPATH=str(WORKTREE))
    return subprocess.run([sys.executable, "-m", "packager", *args], capture_output=True, text=True, timeout=600,
                          cwd=cwd, env=environment)


def video_cell(status_output: str, module_id: str) -> str:
    """The `video` cell of a module's row in `packager status`'s table (its first line)."""
    lines = status_output.splitlines()
    header = next(line for line in lines if "┃ module" in line)
    columns = [c.strip() for c in header.split("┃")]
    row = next(line for line in lines if f"│ {module_id} " in line)
    return [c.strip() for c in row.split("│")][columns.index("video")]


# ---------------------------------------------------------------------------------------------- init


def test_init_without_a_folder_scaffolds_the_current_one_and_refuses_a_non_empty_one(tmp_path):
    here = tmp_path / "programme"
    here.mkdir()
    (here / ".git").mkdir()  # a fresh repository is still an empty project folder
    made = packager("init", cwd=here)
    assert made.returncode == 0, made.stderr
    assert (here / "packager.toml").is_file() and (here / "modules" / "01-module-1.toml").is_file()
    assert "next: packager check" in made.stdout
    assert packager("check", cwd=here).returncode == 0

    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine", encoding="utf-8")
    refused = packager("init", cwd=busy)
    assert refused.returncode == 2
    assert "not empty" in refused.stderr and "→" in refused.stderr and "Traceback" not in refused.stderr
    assert sorted(p.name for p in busy.iterdir()) == ["notes.txt"]  # nothing written


def test_real_footage_in_a_project_still_marked_sample_is_measured_in_real_minutes(tmp_path):
    root = tmp_path / "real"
    assert packager("init", str(root)).returncode == 0
    make_clip(root / "footage" / "module-1.mp4", size="320x180", rate=25, seconds=6)
    module = root / "modules" / "01-module-1.toml"
    module.write_text(module.read_text(encoding="utf-8").replace('out = "00:00:20"', 'out = "00:00:06"'),
                      encoding="utf-8")
    checked = packager("-C", str(root), "check")
    assert checked.returncode == 2  # 6 s is not the planned 10 minutes
    duration = next(line for line in checked.stderr.splitlines() if "the edit list runs" in line)
    assert "0.1 min" in duration and "sample" not in duration, duration
    assert re.search(r"real footage found \(footage/module-1\.mp4\).*\n\s+→ set `enabled = false` under \[sample\]",
                     checked.stderr), checked.stderr
    # once set false, the warning is gone and the same duration error stands
    toml = root / "packager.toml"
    toml.write_text(re.sub(r"enabled = true", "enabled = false", toml.read_text(encoding="utf-8")), encoding="utf-8")
    again = packager("-C", str(root), "check")
    assert "real footage found" not in again.stderr and "the edit list runs 0.1 min" in again.stderr


# ---------------------------------------------------------------------------------------------- build, status, verify


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess, subprocess.CompletedProcess]:
    """test_render's two-module project built twice (the second build has nothing to do)."""
    folder = tmp_path_factory.mktemp("footage")
    make_clip(folder / "wide.mp4", size="320x180", rate=25, seconds=6)
    make_clip(folder / "square.mp4", size="240x180", rate=30, seconds=4, channels=2)
    root = make_project(tmp_path_factory.mktemp("built") / "p", folder)
    for module in (root / "modules").glob("*.toml"):
        module.write_text(module.read_text(encoding="utf-8").replace("[0.1, 0.5]", "[0.02, 0.5]"), encoding="utf-8")
    first = packager("-C", str(root), "build", "--no-pdf")
    assert first.returncode == 0, first.stderr
    second = packager("-C", str(root), "build", "--no-pdf")
    assert second.returncode == 0, second.stderr
    return root, first, second


def test_a_no_op_build_says_up_to_date_for_each_stage(built):
    _, first, second = built
    assert "up to date" not in first.stderr
    assert re.search(r"^documents: up to date \(\d+ unchanged\)$", second.stderr, re.MULTILINE), second.stderr
    assert re.search(r"^render: up to date \(2 module\(s\) unchanged for usb\)$", second.stderr, re.MULTILINE)
    assert re.search(r"^bundle: essai-usb/ is up to date$", second.stderr, re.MULTILINE)


def test_verify_prints_its_report_on_stdout_and_errors_on_stderr(built, tmp_path):
    root, _, _ = built
    copy = tmp_path / "copy"
    shutil.copytree(root / "dist" / "essai-usb", copy)
    good = packager("verify", str(copy))
    assert good.returncode == 0 and "files OK" in good.stdout and not good.stderr
    (copy / "index.html").write_text("damaged", encoding="utf-8")
    (copy / "LEAME.txt").unlink()
    bad = packager("verify", str(copy))
    assert bad.returncode == 1 and not bad.stderr
    assert re.search(r"^corrupt: index\.html$", bad.stdout, re.MULTILINE)
    assert re.search(r"^missing: LEAME\.txt$", bad.stdout, re.MULTILINE)
    assert re.search(r"^verify: .*1 corrupt, 1 missing, 0 extra", bad.stdout, re.MULTILINE)
    nothing = packager("verify", str(tmp_path / "nowhere"))
    assert nothing.returncode == 2 and not nothing.stdout and nothing.stderr.startswith("error:")


# ---------------------------------------------------------------------------------------------- hints and docs


def test_the_skipped_pdf_hint_names_the_debian_package_the_readme_names(built, tmp_path):
    root, _, _ = built
    copy = tmp_path / "p"
    shutil.copytree(root, copy, symlinks=True)
    shutil.rmtree(copy / "dist" / "documents")
    no_office = dict(os.environ, PATH=str(tmp_path / "empty-bin"))  # no soffice on this PATH
    docs = packager("-C", str(copy), "docs", env=no_office)
    assert docs.returncode == 0, docs.stderr
    package = re.search(r"apt-get install ([\w-]+)", docs.stdout + docs.stderr)
    assert package and package.group(1) == "libreoffice-writer-nogui", docs.stdout + docs.stderr
    readme = (WORKTREE / "README.md").read_text(encoding="utf-8")
    assert f"apt-get install chromium {package.group(1)}" in readme


def test_benchmark_docstrings_show_a_relative_path():
    for script in ("render.py", "translate.py"):
        doc = ast.get_docstring(ast.parse((WORKTREE / "benchmarks" / script).read_text(encoding="utf-8")))
        command = next(line.strip() for line in doc.splitlines() if f"benchmarks/{script}" in line)
        assert command.startswith(".venv/bin/python benchmarks/"), command


def test_status_shows_for_which_medium_each_video_is_rendered_or_out_of_date(built):
    """Last of the tests on `built`: it changes the project (a copy would change every footage path, which
    the render keys include)."""
    copy, _, _ = built
    status = packager("-C", str(copy), "status")
    assert status.returncode == 0, status.stderr
    assert video_cell(status.stdout, "alpha") == "usb" and video_cell(status.stdout, "beta") == "usb"
    # a changed subtitle: beta's video no longer shows what its files say
    srt = copy / "subtitles/es/beta.srt"
    srt.write_text(srt.read_text(encoding="utf-8").replace("Corto.", "Breve."), encoding="utf-8")
    # alpha's video gone (an interrupted render removed its partial file): never shown as rendered
    (copy / "dist/render/usb/01-alpha.mp4").unlink()
    status = packager("-C", str(copy), "status")
    assert video_cell(status.stdout, "beta") == "usb out of date"
    assert video_cell(status.stdout, "alpha") == "—"
