"""Ctrl-C: stop within a second, kill what packager started, leave nothing half-made, exit 130.

A terminal's Ctrl-C sends SIGINT to the whole foreground process group; `kill -INT` to packager alone
sends it to packager only. Both must end the same way, so the programs packager starts (ffmpeg,
LibreOffice) run in their own process group, out of the terminal's reach, and packager's SIGINT
handler kills them (the whole group: LibreOffice starts helpers of its own) before raising
KeyboardInterrupt in the main thread. Threads still waiting on a child see it die and raise
`Interrupted` instead of an error about their input: an interrupted encode is not a broken module.
Temporary outputs go on the way out (atomic.py removes them on any exception).

A signal sent to a process reaches one of its threads, not always the main one. Python runs its handler
in the main thread only, at its next bytecode: a main thread asleep on a lock (waiting for a worker's
encode) would sleep on until the encode ends. So a watcher thread reads the signal's byte from the wakeup
pipe, kills the children and sets `interrupted` at once, and wakes the main thread with SIGINT aimed at it
(which interrupts the lock's wait: the handler runs and raises there).
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


_handled = threading.Event()  # the main thread's handler ran for this run's Ctrl-C
_nudged = threading.Event()  # the watcher aimed SIGINT at the main thread (once per run)
_holding = threading.local()  # main thread: Ctrl-C waits for the end of a `held()` block


def _on_sigint(signum, frame) -> None:
    interrupted.set()
    stop_children()
    if getattr(_holding, "depth", 0):
        return  # raised when the held block ends
    if not _handled.is_set():  # a second Ctrl-C during the clean-up only kills again: it is not cut short
        _handled.set()
        raise KeyboardInterrupt()


def _watch(read_end: int, main_thread: int) -> None:
    while True:
        try:
            data = os.read(read_end, 512)
        except OSError:
            return
        if not data:  # the write end closed: the command ended
            return
        if signal.SIGINT in data:
            interrupted.set()
            stop_children()
            if not _handled.is_set() and not _nudged.is_set():
                _nudged.set()
                with contextlib.suppress(OSError, ValueError):
                    signal.pthread_kill(main_thread, signal.SIGINT)


@contextlib.contextmanager
def held() -> Iterator[None]:
    """Ctrl-C during the block (e.g. two renames that must happen together) takes effect when it ends:
    children are killed at once, KeyboardInterrupt is raised after the block. Main thread only."""
    _holding.depth = getattr(_holding, "depth", 0) + 1
    try:
        yield
    finally:
        _holding.depth -= 1
    if not _holding.depth and interrupted.is_set() and not _handled.is_set() \
            and threading.current_thread() is threading.main_thread():
        _handled.set()
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
    _handled.clear()
    _nudged.clear()
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)  # the C handler must never block on it
    previous = signal.signal(signal.SIGINT, _on_sigint)
    previous_fd = signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)
    watcher = threading.Thread(target=_watch, args=(read_end, threading.main_thread().ident),
                               name="sigint-watcher", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        signal.set_wakeup_fd(previous_fd)
        signal.signal(signal.SIGINT, previous)
        os.close(write_end)  # the watcher reads the end of the pipe and returns
        watcher.join(timeout=1)
        os.close(read_end)
