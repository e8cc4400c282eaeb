"""Running the real `tuireader` command in tests (a child process, as a user runs it)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path


def run_tuireader(
    root: Path,
    *args: str,
    timeout: float = 120,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """`tuireader --workspace root ARGS…` with its output captured; `timeout` turns a hang
    into a failed test rather than a stuck suite."""
    return subprocess.run(
        [sys.executable, "-m", "tuireader", "--workspace", str(root), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        env=dict(env) if env is not None else None,
        check=False,
    )
