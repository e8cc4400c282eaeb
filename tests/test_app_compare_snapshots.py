"""SVG snapshots of comparison in the app at 80x24 and 120x40, on a copy of the bundled
articles: the compare screen (000 vs 002 at its first pair; 001 vs 004 at the figure pair),
the pair's figures table, the workspace's figures and passage search.

No index check (so no entity extraction): names come from capitalised words, the same on
every run. The meaning vectors are in the workspace's cache (computed once per session with
the real model), so the screens show the comparison with meaning at once.
Update with `pytest tests/test_app_compare_snapshots.py --snapshot-update` and
look at the pictures before committing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from app_harness import wait_until_ready
from conftest import install_meaning_cache

from tuireader.app.app import TuiReaderApp
from tuireader.app.shell.navigation import CompareArticles
from tuireader.core.workspace import Workspace

BUNDLED_SEEDS = Path(__file__).resolve().parents[1] / "seeds"
SIZES = [(80, 24), (120, 40)]
A000, A001, A002, A004 = (
    "000_55308b7769cb3055",
    "001_e417b657d421601d",
    "002_6fec927dd12decab",
    "004_1d4f993d258ac59c",
)


@pytest.fixture(autouse=True)
def _config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUIREADER_CONFIG_DIR", str(tmp_path / "config"))


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory, bundled_meaning_cache: Path) -> Path:
    path = tmp_path_factory.mktemp("compare-snapshots")
    shutil.copytree(BUNDLED_SEEDS, path / "seeds")
    install_meaning_cache(bundled_meaning_cache, path)
    return path


def make_app(root: Path) -> TuiReaderApp:
    return TuiReaderApp(Workspace.open(root), check_index=False, restore=False)


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def compare_at_first_pair(a: str, b: str, *keys: str):
    async def run(pilot) -> None:
        app = await wait_until_ready(pilot, index=False)
        app.post_message(CompareArticles(a, b))
        await settle(pilot)
        await pilot.press("right_square_bracket", *keys)
        await settle(pilot)

    return run


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_compare_000_002(snap_compare, root: Path, size: tuple[int, int]) -> None:
    run = compare_at_first_pair(A000, A002)
    assert snap_compare(make_app(root), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_compare_001_004_figure_pair(snap_compare, root: Path, size: tuple[int, int]) -> None:
    # 001¶7 "up to 2 million Uighurs" ↔ 004¶1 "1.5 million detainees"; at 80 columns B shows.
    run = compare_at_first_pair(A001, A004, "o")
    assert snap_compare(make_app(root), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_pair_figures_table(snap_compare, root: Path, size: tuple[int, int]) -> None:
    run = compare_at_first_pair(A002, A001, "f")
    assert snap_compare(make_app(root), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_corpus_figures(snap_compare, root: Path, size: tuple[int, int]) -> None:
    async def run(pilot) -> None:
        await wait_until_ready(pilot, index=False)
        await pilot.press("F")
        await settle(pilot)

    assert snap_compare(make_app(root), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_passage_search(snap_compare, root: Path, size: tuple[int, int]) -> None:
    async def run(pilot) -> None:
        app = await wait_until_ready(pilot, index=False)
        app.open_article(A001, paragraph=32)
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)

    assert snap_compare(make_app(root), terminal_size=size, run_before=run)


def test_pick_article_dialog(snap_compare, root: Path) -> None:
    async def run(pilot) -> None:
        app = await wait_until_ready(pilot, index=False)
        app.open_article(A000, paragraph=1)
        await settle(pilot)
        await pilot.press("c", *"diplomat")
        await settle(pilot)

    assert snap_compare(make_app(root), terminal_size=(80, 24), run_before=run)
