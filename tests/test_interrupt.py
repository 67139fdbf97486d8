"""Ctrl-C during a real build, render or docs run (a packager subprocess, real ffmpeg and LibreOffice):
SIGINT to the whole process group (what a terminal sends) and to the packager process alone."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from test_producer_terminal import video_cell
from test_render import make_clip, make_project

WORKTREE = Path(__file__).resolve().parents[1]


def _ppid(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def descendants(root: int) -> dict[int, str]:
    """Every live process under `root` (children, grandchildren…), with its command line."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            parent = _ppid(int(entry.name))
            if parent is not None:
                parents[int(entry.name)] = parent
    found: dict[int, str] = {}
    frontier = [root]
    while frontier:
        current = frontier.pop()
        for pid, parent in parents.items():
            if parent == current and pid not in found:
                found[pid] = _cmdline(pid)
                frontier.append(pid)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@pytest.fixture(scope="module")
def footage(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("footage")
    make_clip(folder / "wide.mp4", size="320x180", rate=25, seconds=20)  # long enough to be caught mid-encode
    make_clip(folder / "square.mp4", size="240x180", rate=30, seconds=4, channels=2)
    return folder


def buildable(root: Path, footage: Path) -> Path:
    """test_render's project, module alpha 18 s of footage (several seconds of encoding at 720p, on any
    machine), the planned durations widened so that `check` (and so `build`) accepts it."""
    make_project(root, footage)
    for module in (root / "modules").glob("*.toml"):
        text = module.read_text(encoding="utf-8").replace("[0.1, 0.5]", "[0.02, 0.5]")
        module.write_text(text.replace("in = 1\nout = 5\n", "in = 1\nout = 19\n"), encoding="utf-8")
    assert "out = 19" in (root / "modules" / "01-alpha.toml").read_text(encoding="utf-8")
    return root


# an encode of a module's body: a run of segments (cut by the segment muxer) or one segment alone
ENCODING_BODY = ("part%05d.mp4", "render-cache/segments/")


def interrupt_run(root: Path, args: list[str], *, when: str | tuple[str, ...], group: bool) -> tuple[subprocess.CompletedProcess,
                                                                                    float, dict[int, str]]:
    """Start `packager -C root ARGS`, wait until a child whose command line holds `when` runs, send SIGINT
    (to the group or the process alone); returns the finished run, the seconds it took to exit, and the
    children it had at that moment."""
    env = dict(os.environ, PYTHONPATH=str(WORKTREE))
    process = subprocess.Popen([sys.executable, "-m", "packager", "-C", str(root), *args], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=env, start_new_session=True)
    deadline = time.monotonic() + 120
    children: dict[int, str] = {}
    while time.monotonic() < deadline and process.poll() is None:
        children = descendants(process.pid)
        if any(w in line for w in ((when,) if isinstance(when, str) else when) for line in children.values()):
            break
        time.sleep(0.05)
    else:
        process.kill()
        out, err = process.communicate()
        pytest.fail(f"never saw {when!r} running: {err[-2000:]}")
    time.sleep(0.2)  # inside the work
    children = descendants(process.pid) or children
    sent = time.monotonic()
    if group:
        os.killpg(process.pid, signal.SIGINT)
    else:
        os.kill(process.pid, signal.SIGINT)
    try:
        out, err = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
        pytest.fail(f"still running 30 s after SIGINT: {err[-2000:]}")
    took = time.monotonic() - sent
    return subprocess.CompletedProcess(process.args, process.returncode, out, err), took, children


def assert_stopped_cleanly(result: subprocess.CompletedProcess, took: float, children: dict[int, str],
                           root: Path) -> None:
    assert result.returncode == 130, result.stderr
    assert "interrupted" in result.stderr
    assert took < 2.5, f"took {took:.1f} s to stop"
    # nothing blames the module files or the documents
    assert not re.search(r"^\s*(error|internal error)\b|failed", result.stderr, re.MULTILINE), result.stderr
    assert "received signal" not in result.stderr and "could not convert" not in result.stderr
    time.sleep(0.2)
    assert not [pid for pid in children if _alive(pid)], {p: c for p, c in children.items() if _alive(p)}
    partial = [p for p in (root / "dist").rglob("*") if ".part" in p.name]
    assert not partial, partial


@pytest.mark.parametrize("group", [True, False], ids=["terminal-group", "process-alone"])
def test_ctrl_c_during_build_render_stops_at_once_and_leaves_no_partial_output(tmp_path, footage, group):
    root = buildable(tmp_path / "p", footage)
    # a segment of module alpha encoding at 720p (usb): several seconds of work to interrupt
    result, took, children = interrupt_run(root, ["build", "--no-pdf", "-j", "1"], when=ENCODING_BODY, group=group)
    assert any("ffmpeg" in line for line in children.values())
    assert_stopped_cleanly(result, took, children, root)
    out = root / "dist/render/usb"
    assert not (out / "01-alpha.mp4").exists()  # the interrupted module: nothing that looks finished
    assert not (root / "dist/render/usb/programme.mp4").exists()
    status = subprocess.run([sys.executable, "-m", "packager", "-C", str(root), "status"], capture_output=True,
                            text=True, env=dict(os.environ, PYTHONPATH=str(WORKTREE)), timeout=120)
    assert video_cell(status.stdout, "alpha") == "—", status.stdout  # never shown as rendered
    # the next build renders it and finishes
    again = subprocess.run([sys.executable, "-m", "packager", "-C", str(root), "render", "--size", "320x180",
                            "--preset", "ultrafast"], capture_output=True, text=True,
                           env=dict(os.environ, PYTHONPATH=str(WORKTREE)), timeout=300)
    assert again.returncode == 0, again.stderr
    assert (out / "01-alpha.mp4").is_file() and (out / "programme.mp4").is_file()


def test_ctrl_c_during_render_alone(tmp_path, footage):
    root = buildable(tmp_path / "p", footage)
    result, took, children = interrupt_run(root, ["render", "-j", "2"], when=ENCODING_BODY, group=False)
    assert_stopped_cleanly(result, took, children, root)
    assert not list((root / "dist/render/usb").glob("*.mp4"))


@pytest.mark.skipif(shutil.which("soffice") is None and shutil.which("libreoffice") is None,
                    reason="LibreOffice (soffice) not installed")
@pytest.mark.parametrize("group", [True, False], ids=["terminal-group", "process-alone"])
def test_ctrl_c_during_docs_kills_libreoffice_and_its_helpers(tmp_path, footage, group):
    root = buildable(tmp_path / "p", footage)
    result, took, children = interrupt_run(root, ["docs"], when="soffice", group=group)
    assert_stopped_cleanly(result, took, children, root)
    assert not list((root / "dist/documents").glob("*.pdf"))
