"""Running one of the app's jobs in a child process and relaying what it reports.

Heavy models (spaCy for entities, the sentence model for comparison) never load in the
app's process: loading and running them hold Python's GIL for long stretches, which made
the UI stutter, and a child can be killed at once when the user moves on or quits. A job is
a module run as `python -m MODULE ARGS…` that prints one JSON object per line on stdout and
ends with {"done": true, …}. No Textual import here.
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any


class JobCancelled(Exception):
    """The caller cancelled the job (a newer request, or the app is quitting)."""


def emit(**data: object) -> None:
    """One line of a job's output for the app."""
    print(json.dumps(data, ensure_ascii=False), flush=True)


def run_child_job(
    module: str,
    args: Sequence[str],
    on_message: Callable[[dict[str, Any]], None],
    cancelled: Callable[[], bool],
    what: str,
) -> dict[str, Any]:
    """Run `python -m module args…`, passing each JSON object it prints to `on_message`;
    the final {"done": true, …} object. Raises JobCancelled (the child and its own children
    are killed) when `cancelled()` becomes true, RuntimeError naming `what` and the end of
    the child's stderr when it stops without saying it is done."""
    package_parent = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_parent, env.get("PYTHONPATH")) if p)
    command = [sys.executable, "-m", module, *args]
    final: dict[str, Any] | None = None
    with tempfile.TemporaryFile() as errors:
        # No terminal for the child: stdin is not the TUI's, and a session of its own keeps
        # the terminal's signals away from it.
        child = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=errors,
            env=env,
            start_new_session=True,
        )
        assert child.stdout is not None
        pending = b""
        try:
            with selectors.DefaultSelector() as selector:
                selector.register(child.stdout, selectors.EVENT_READ)
                while True:
                    if cancelled():
                        raise JobCancelled
                    if not selector.select(timeout=0.1):
                        continue
                    chunk = os.read(child.stdout.fileno(), 65536)
                    if not chunk:
                        break  # the child closed its output: it is done
                    *lines, pending = (pending + chunk).split(b"\n")
                    for line in lines:
                        try:
                            data = json.loads(line)
                        except ValueError:
                            continue  # not ours (a library printing to stdout)
                        if not isinstance(data, dict):
                            continue
                        if data.get("done"):
                            final = data
                        else:
                            on_message(data)
        finally:
            if child.poll() is None:
                try:  # the child and any worker processes of its own (its process group)
                    os.killpg(child.pid, signal.SIGKILL)
                except OSError:
                    child.kill()
            child.wait()
            child.stdout.close()
        if final is None:
            errors.seek(0)
            tail = errors.read().decode("utf-8", "replace").strip().splitlines()[-3:]
            reason = " ".join(tail) or f"exit status {child.returncode}"
            raise RuntimeError(f"{what} stopped: {reason}")
    return final
