"""Ctrl-C reaching a thread other than the main one (the kernel gives a process's signal to any of its
threads): the main thread, asleep on a worker's future, must still stop at once, and the children must
die at once. Each case runs in its own Python process (real signals, no test runner's handler in the way)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

WORKTREE = Path(__file__).resolve().parents[1]

PRELUDE = """
import json, os, signal, sys, threading, time
from concurrent.futures import ThreadPoolExecutor
from packager import interrupt
"""


def run_program(body: str) -> dict:
    program = PRELUDE + textwrap.dedent(body)
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60,
                            env=dict(os.environ, PYTHONPATH=str(WORKTREE)))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_sigint_taken_by_a_worker_thread_wakes_the_main_thread_waiting_on_it():
    # the worker aims SIGINT at itself (as the kernel may), then works on for 10 s: without the watcher the
    # main thread, asleep in future.result(), would sleep through the whole 10 s
    out = run_program("""
        waiting = threading.Event()

        def work():
            waiting.wait()
            time.sleep(0.2)  # the main thread is asleep in future.result() by now
            signal.pthread_kill(threading.get_ident(), signal.SIGINT)
            started = time.monotonic()
            while time.monotonic() - started < 10 and not interrupt.interrupted.is_set():
                time.sleep(0.01)
            return interrupt.interrupted.is_set()

        pool = ThreadPoolExecutor(max_workers=1)
        future = pool.submit(work)
        raised = False
        with interrupt.handling_sigint():
            try:
                started = time.monotonic() + 0.2
                waiting.set()
                future.result()
            except KeyboardInterrupt:
                raised = True
            woke = time.monotonic() - started
        worker_saw = future.result()
        print(json.dumps({"raised": raised, "woke": woke, "worker_saw": worker_saw}))
    """)
    assert out["raised"]
    assert out["woke"] < 1.0, out
    assert out["worker_saw"]  # `interrupted` is set for the workers too: they start nothing new


def test_sigint_taken_by_a_worker_thread_kills_its_child_at_once():
    out = run_program("""
        child_pid = []

        def work():
            with interrupt.child(["sleep", "30"]) as process:
                child_pid.append(process.pid)
                process.wait()

        def deliver(target):
            while not child_pid:
                time.sleep(0.01)
            time.sleep(0.2)  # the main thread is asleep in future.result() by now
            signal.pthread_kill(target, signal.SIGINT)

        pool = ThreadPoolExecutor(max_workers=1)
        started = time.monotonic() + 0.2
        kind = None
        with interrupt.handling_sigint():
            try:
                future = pool.submit(work)
                while not pool._threads:
                    time.sleep(0.01)
                threading.Thread(target=deliver, args=(next(iter(pool._threads)).ident,)).start()
                future.result()
            except KeyboardInterrupt as exc:
                kind = type(exc).__name__
        stopped = time.monotonic() - started
        pool.shutdown(wait=True)
        try:
            os.kill(child_pid[0], 0)
            state = open(f"/proc/{child_pid[0]}/stat").read().rsplit(")", 1)[1].split()[0]
            alive = state != "Z"
        except OSError:
            alive = False
        print(json.dumps({"kind": kind, "stopped": stopped, "child_alive": alive}))
    """)
    assert out["kind"] in ("KeyboardInterrupt", "Interrupted"), out
    assert out["stopped"] < 2.0, out
    assert not out["child_alive"]


def test_ctrl_c_inside_a_held_block_takes_effect_when_the_block_ends():
    out = run_program("""
        steps = []
        raised_at = None
        with interrupt.handling_sigint():
            try:
                with interrupt.held():
                    os.kill(os.getpid(), signal.SIGINT)
                    time.sleep(0.3)  # the handler runs during this: it must not raise yet
                    steps.append("first rename")
                    steps.append("second rename")
                steps.append("after the block")
            except KeyboardInterrupt:
                raised_at = len(steps)
        print(json.dumps({"steps": steps, "raised_at": raised_at,
                          "interrupted": interrupt.interrupted.is_set()}))
    """)
    assert out["steps"] == ["first rename", "second rename"]
    assert out["raised_at"] == 2
    assert out["interrupted"]


def test_the_previous_handler_and_wakeup_fd_are_back_after_a_command():
    out = run_program("""
        before = signal.getsignal(signal.SIGINT)
        with interrupt.handling_sigint():
            pass
        after = signal.getsignal(signal.SIGINT)
        fd = signal.set_wakeup_fd(-1)
        names = [t.name for t in threading.enumerate()]
        print(json.dumps({"same_handler": before is after, "wakeup_fd": fd, "threads": names}))
    """)
    assert out["same_handler"]
    assert out["wakeup_fd"] == -1
    assert "sigint-watcher" not in out["threads"]
