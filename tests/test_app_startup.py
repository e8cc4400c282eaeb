"""Start-up stays light: launching the app imports no spaCy, and Whoosh only once the index
is checked or searched. Run in a fresh interpreter so other tests' imports do not count."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from app_harness import make_workspace

SCRIPT = textwrap.dedent(
    """
    import asyncio, json, sys
    from tuireader.core.workspace import Workspace
    from tuireader.app.app import TuiReaderApp
    from tuireader.app.search.screen import SearchScreen
    from app_harness import search_current, wait_for, wait_until_ready

    def heavy():
        return sorted(m for m in ("spacy", "whoosh", "torch") if m in sys.modules)

    out = {}

    class Probe(TuiReaderApp):
        def on_articles_loaded(self, message):
            # Textual runs this before the base class handler, so this callback is queued
            # before the index check: it sees the library drawn with its rows.
            self.call_after_refresh(
                lambda: out.setdefault("library_shown", [heavy(), self.screen.table.row_count])
            )

    async def main(root, check_index):
        app = Probe(Workspace.open(root), check_index=check_index)
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_until_ready(pilot, index=False)
            out["loaded"] = heavy()
            out["rows"] = app.screen.table.row_count
            await pilot.press("slash", *"camps")
            # without an index check at start-up, the search (its debounce over) starts one
            await wait_until_ready(pilot, index=True)
            await wait_for(pilot, lambda: search_current(app), what="the search for camps")
            await app.workers.wait_for_complete()
            screen = app.screen
            found = isinstance(screen, SearchScreen) and screen.results
            out["hits"] = screen.results.total if found else 0
            out["after_search"] = heavy()
        print(json.dumps(out))

    asyncio.run(main(sys.argv[1], sys.argv[2] == "1"))
    """
)


def run_app_script(root, check_index: bool, config) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(root), "1" if check_index else "0"],
        capture_output=True,
        text=True,
        timeout=120,
        env={
            "TUIREADER_CONFIG_DIR": str(config),
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(Path(__file__).parent),  # app_harness
        },
    )
    assert result.returncode == 0, result.stderr[-3000:]
    data: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return data


@pytest.fixture
def root(tmp_path):
    make_workspace(tmp_path / "ws")
    return tmp_path / "ws"


def test_no_spacy_and_no_whoosh_until_first_search(root, tmp_path):
    out = run_app_script(root, check_index=False, config=tmp_path / "config")
    assert out["rows"] == 4
    assert out["library_shown"] == [[], 4] and out["loaded"] == []
    assert out["hits"] and out["after_search"] == ["whoosh"]  # and still no spaCy


def test_default_start_shows_library_before_whoosh_and_never_loads_spacy(root, tmp_path):
    out = run_app_script(root, check_index=True, config=tmp_path / "config")
    assert out["library_shown"] == [[], 4]
    assert out["hits"] and "spacy" not in out["after_search"]  # type: ignore[operator]


def test_the_tuireader_command_path_imports_no_whoosh_or_spacy_before_the_app():
    code = (
        "import sys\n"
        "from tuireader.cli import build_parser, names_a_command\n"
        "build_parser(names_a_command([]))  # what `tuireader` does before run_app\n"
        "import tuireader.app.app\n"
        "print(sorted(m for m in ('spacy', 'whoosh', 'torch') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "[]"
