"""The `tuireader` entry point: imports with collection paused, the command with it on."""

from __future__ import annotations

import gc
import subprocess
import sys

import pytest

import tuireader.cli
from tuireader import launch


def test_the_command_runs_with_the_collector_on_and_its_exit_code_is_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[bool] = []

    def command() -> int:
        seen.append(gc.isenabled())
        return 3

    monkeypatch.setattr(tuireader.cli, "main", command)
    monkeypatch.setattr(sys, "argv", ["tuireader", "list"])
    try:
        assert launch.main() == 3
    finally:
        gc.unfreeze()  # the test process's objects go back to the collector
    assert seen == [True]


def test_python_dash_m_and_the_console_script_go_through_the_launcher() -> None:
    shown = subprocess.run(
        [sys.executable, "-m", "tuireader", "--version"], capture_output=True, text=True
    )
    assert shown.returncode == 0 and shown.stdout.startswith("tuireader "), shown.stderr
    from importlib.metadata import entry_points

    [script] = [e for e in entry_points(group="console_scripts") if e.name == "tuireader"]
    assert script.value == "tuireader.launch:main"
