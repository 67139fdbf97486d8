"""Ctrl-C: stop within a second, kill what packager started, leave nothing half-made, exit 130.

A terminal's Ctrl-C sends SIGINT to the whole foreground process group; `kill -INT` to packager alone
sends it to packager only. Both must end the same way, so the programs packager starts (ffmpeg,
LibreOffice) run in their own process group, out of the terminal's reach, and packager's SIGINT
handler kills them (the whole group: LibreOffice starts helpers of its own) before raising
KeyboardInterrupt in the main thread. Threads still waiting on a child see it die and raise
`Interrupted` instead of an error about their input: an interrupted encode is not a broken module.
Temporary outputs go on the way out (atomic.py removes them on any exception).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_children: set[subprocess.Popen] = set()
interrupted = threading.Event()
EXIT_CODE = 130  # 128 + SIGINT, as shells report a program Ctrl-C stopped


class Interrupted(KeyboardInterrupt):
    """Raised where work stops because the run was interrupted (in any thread)."""


def check() -> None:
    """Raise Interrupted when the run was interrupted: no new work starts after Ctrl-C."""
    if interrupted.is_set():
        raise Interrupted()


def _kill(process: subprocess.Popen) -> None:
    with contextlib.suppress(OSError):
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGKILL)  # its own group (start_new_session): helpers too
            except OSError:
                process.kill()


def stop_children() -> None:
    with _lock:
        running = list(_children)
    for process in running:
        _kill(process)


@contextlib.contextmanager
def child(command: list[str], **popen: object) -> Iterator[subprocess.Popen]:
    """Start `command` in its own process group and yield it; it is killed when the block fails or the run
    is interrupted. After the block, raises Interrupted if the run was interrupted meanwhile (the child's
    failure is then the interruption, not its input's fault)."""
    check()
    process = subprocess.Popen(command, start_new_session=True, **popen)  # type: ignore[arg-type]
    with _lock:
        _children.add(process)
    try:
        if interrupted.is_set():  # interrupted while it started: the handler may have missed it
            _kill(process)
        yield process
    except BaseException:
        _kill(process)
        with contextlib.suppress(Exception):
            process.wait(timeout=5)
        if interrupted.is_set():
            raise Interrupted() from None
        raise
    finally:
        with _lock:
            _children.discard(process)
    check()


def _on_sigint(signum, frame) -> None:
    first = not interrupted.is_set()
    interrupted.set()
    stop_children()
    if first:  # a second Ctrl-C during the clean-up only kills again: the clean-up is not cut short
        raise KeyboardInterrupt()


@contextlib.contextmanager
def handling_sigint() -> Iterator[None]:
    """SIGINT handled as above while the block runs, the previous handler back after it (a command run
    inside another program, e.g. a test runner, leaves its handler as it was). Main thread only: signals
    are delivered there; elsewhere nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    interrupted.clear()  # each command starts uninterrupted (a program may run several, e.g. tests)
    previous = signal.signal(signal.SIGINT, _on_sigint)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
