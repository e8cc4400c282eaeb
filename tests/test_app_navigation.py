"""Escape goes back through the screens the user came through: opening a screen never closes
the ones in between (issue 11: library → reader A → search → reader B → E → enter → escape
used to land in reader A)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_app_entities import build_caches, wait_for_entities

from tuireader.app.app import TuiReaderApp
from tuireader.app.compare.figures_screen import CorpusFiguresScreen
from tuireader.app.entities.screen import EntitiesScreen
from tuireader.app.library.screen import LibraryScreen
from tuireader.app.reader.screen import ReaderScreen
from tuireader.app.search.screen import SearchScreen
from tuireader.core.workspace import Workspace


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("navigation")
    build_caches(path)
    return path


def describe(screen: object) -> str:
    """A screen as the test reads it: its kind, and the article for a reader."""
    if isinstance(screen, ReaderScreen):
        return f"reader {screen.article.id}"
    return type(screen).__name__


async def wait_for_top(pilot, kind: type) -> None:
    """Wait until a screen of `kind` is on top (messages are handled between frames)."""
    for _ in range(200):
        if isinstance(pilot.app.screen, kind):
            return
        await pilot.pause()
    raise AssertionError(f"{kind.__name__} never opened; on top: {describe(pilot.app.screen)}")


async def test_escape_retraces_library_reader_search_reader_entities_search(root: Path) -> None:
    app = TuiReaderApp(Workspace.open(root))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_entities(pilot)
        app.open_article("a", paragraph=1)  # reader A
        await wait_for_top(pilot, ReaderScreen)
        await pilot.press("slash", *"Xinjiang")
        await wait_for_top(pilot, SearchScreen)
        first_search = app.screen
        app.open_article("b", paragraph=1)  # a hit: reader B
        await wait_for_top(pilot, ReaderScreen)
        await pilot.press("E")
        await wait_for_top(pilot, EntitiesScreen)
        await pilot.press("enter")  # search for the entity under the cursor
        await wait_for_top(pilot, SearchScreen)
        assert app.screen is not first_search
        path = []
        while not isinstance(app.screen, LibraryScreen):
            path.append(describe(app.screen))
            await pilot.press("escape")
            await pilot.pause()
            if isinstance(app.screen, SearchScreen) and app.screen.query_input.has_focus:
                pass  # escape in the query box goes back too
        assert path == [
            "SearchScreen",
            "EntitiesScreen",
            "reader b",
            "SearchScreen",
            "reader a",
        ]


async def test_f_from_a_reader_opened_from_the_figures_goes_back_to_them(root: Path) -> None:
    """Reusing an open screen stays where only readers opened from it lie above it."""
    app = TuiReaderApp(Workspace.open(root))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_entities(pilot)
        await pilot.press("F")
        await wait_for_top(pilot, CorpusFiguresScreen)
        figures = app.screen
        app.open_article("a", paragraph=1)
        await wait_for_top(pilot, ReaderScreen)
        await pilot.press("F")
        await wait_for_top(pilot, CorpusFiguresScreen)
        assert app.screen is figures
        assert [describe(s) for s in app.screen_stack] == ["LibraryScreen", "CorpusFiguresScreen"]
