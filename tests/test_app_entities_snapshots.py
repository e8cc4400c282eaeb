"""SVG snapshots of the reader with the entity sidebar and of the entities screen, at 80x24
and 120x40.

The workspace is a copy of the bundled seeds with an entity cache built by the fake pipeline
of test_entities_support (a fixed list of names), so the pictures do not change with the spaCy
model. Update with `pytest tests/test_app_entities_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

import asyncio
import shutil
import time
from pathlib import Path

import pytest
from app_harness import wait_until_ready
from test_entities_support import KNOWN, FakeNlp

from tuireader.app.app import TuiReaderApp
from tuireader.core.entities.index import EntityIndex
from tuireader.core.settings import DEFAULT_SPACY_MODEL
from tuireader.core.workspace import Workspace

BUNDLED_SEEDS = Path(__file__).resolve().parents[1] / "seeds"
SIZES = [(80, 24), (120, 40)]
ARTICLE = "002_6fec927dd12decab"  # "Has Kazakhstan Failed Xinjiang's Ethnic Kazakhs?"
NAMES = {
    **KNOWN,
    "Serikzhan Bilash": "PERSON",
    "Bilash": "PERSON",
    "Nursultan Nazarbayev": "PERSON",
    "Atajurt": "ORG",
    "Radio Free Asia": "ORG",
    "China": "GPE",
    "Almaty": "GPE",
    "Kazakhs": "NORP",
    "2019": "DATE",
}


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("entity-snapshots")
    shutil.copytree(BUNDLED_SEEDS, path / "seeds")
    workspace = Workspace.open(path)
    workspace.reindex()
    EntityIndex.build(workspace, nlp=FakeNlp(known=dict(NAMES)), model=DEFAULT_SPACY_MODEL)
    return path


async def ready(pilot) -> None:
    """The app with its index checked and entities loaded."""
    app = await wait_until_ready(pilot)
    deadline = time.monotonic() + 20
    while app.entities.state.phase != "ready":
        assert time.monotonic() < deadline, app.entities.state
        await asyncio.sleep(0.02)
    await pilot.pause()


async def sidebar_with_a_selection(pilot) -> None:
    """Reader, sidebar open, the mentions of the most mentioned place highlighted."""
    await ready(pilot)
    pilot.app.open_article(ARTICLE, paragraph=1)
    await pilot.pause()
    await pilot.press("p", "down", "down", "enter")
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_reader_with_entity_sidebar(snap_compare, root, size):
    async def run(pilot) -> None:
        await sidebar_with_a_selection(pilot)
        if size[0] < 100:  # the drawer closed on enter: open it again to show it
            await pilot.press("p")
            await pilot.pause()

    assert snap_compare(TuiReaderApp(Workspace.open(root)), terminal_size=size, run_before=run)


def test_reader_with_entity_mentions_80x24(snap_compare, root):
    assert snap_compare(
        TuiReaderApp(Workspace.open(root)),
        terminal_size=(80, 24),
        run_before=sidebar_with_a_selection,
    )


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_entities_screen(snap_compare, root, size):
    async def run(pilot) -> None:
        await ready(pilot)
        await pilot.press("E", "down")
        await pilot.pause()

    assert snap_compare(TuiReaderApp(Workspace.open(root)), terminal_size=size, run_before=run)
