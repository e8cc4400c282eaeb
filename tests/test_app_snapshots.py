"""SVG snapshots of the library, reader, search and help screens at 80x24 and 120x40.

The workspace is a copy of the bundled seeds (five real articles), so the pictures show what a
user sees. Update with `pytest tests/test_app_snapshots.py --snapshot-update` and look at the
report before committing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from app_harness import search_current, wait_for, wait_until_ready

from tuireader.app.app import TuiReaderApp
from tuireader.app.search.screen import SearchScreen
from tuireader.core.workspace import Workspace

BUNDLED_SEEDS = Path(__file__).resolve().parents[1] / "seeds"
SIZES = [(80, 24), (120, 40)]


@pytest.fixture(autouse=True)
def _config(tmp_path, monkeypatch):
    monkeypatch.setenv("TUIREADER_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setattr(SearchScreen, "SHOW_TIMING", False)  # timings differ run to run


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    path = tmp_path_factory.mktemp("snapshots")
    shutil.copytree(BUNDLED_SEEDS, path / "seeds")
    Workspace.open(path).reindex()
    return path


def make_app(root: Path) -> TuiReaderApp:
    return TuiReaderApp(Workspace.open(root))


async def search_uyghur(pilot) -> None:
    await wait_until_ready(pilot)
    await pilot.press("slash", *"Uyghur camps")
    await wait_for(pilot, lambda: search_current(pilot.app), what="the search")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_library(snap_compare, root, size):
    async def ready(pilot) -> None:
        await wait_until_ready(pilot)

    assert snap_compare(make_app(root), terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_search(snap_compare, root, size):
    assert snap_compare(make_app(root), terminal_size=size, run_before=search_uyghur)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_reader_on_a_hit(snap_compare, root, size):
    async def open_second_hit(pilot) -> None:
        await search_uyghur(pilot)
        await pilot.press("enter", "down", "enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(make_app(root), terminal_size=size, run_before=open_second_hit)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_help(snap_compare, root, size):
    async def open_help(pilot) -> None:
        await wait_until_ready(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(make_app(root), terminal_size=size, run_before=open_help)
