"""Pilot tests of forgiving spelling on the search screen: variants shown and flagged,
ctrl+r turning them off, "did you mean" shown and accepted with enter."""

from __future__ import annotations

import pytest
from app_harness import (
    make_workspace,
    open_search,
    search_current,
    search_status,
    wait_for,
)

from tuireader.app.app import TuiReaderApp
from tuireader.core.workspace import Workspace

# Two outlets spell one (invented) name two ways; Kazakhstan is in three paragraphs.
ARTICLES = {
    "astana": (
        "Report from Astana\n\n"
        "The activist Zhanibek Sultanov said the camps held his brother.\n\n"
        "Officials in Kazakhstan denied it."
    ),
    "almaty": (
        "Another outlet\n\n"
        "Reporters reached Janibek Sultanov by telephone in Kazakhstan.\n\n"
        "He said Kazakhstan had not answered his letters."
    ),
}


@pytest.fixture(autouse=True)
def _config(tmp_path, monkeypatch):
    monkeypatch.setenv("TUIREADER_CONFIG_DIR", str(tmp_path / "config"))


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    path = tmp_path_factory.mktemp("spelling")
    make_workspace(path, ARTICLES, catalog=None).reindex()
    return path


async def test_variant_spelling_is_listed_flagged_and_named(root):
    app = TuiReaderApp(Workspace.open(root))
    async with app.run_test(size=(100, 24)) as pilot:
        screen = await open_search(pilot, "Zhanibek")
        assert screen.articles is not None
        assert [(a.doc_id, a.variant) for a in screen.articles.articles] == [
            ("astana", False),
            ("almaty", True),
        ]
        assert "also matching janibek" in search_status(screen)
        assert "≈ variants on" in str(screen.query_one("#search-mode").render())
        # ctrl+r: exact spellings only, the other outlet's spelling is gone.
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: search_current(app), what="the exact search")
        assert screen.exact
        assert [a.doc_id for a in screen.articles.articles] == ["astana"]
        assert "also matching" not in search_status(screen)
        assert "exact spellings" in str(screen.query_one("#search-mode").render())


async def test_did_you_mean_is_shown_and_enter_accepts_it(root):
    app = TuiReaderApp(Workspace.open(root))
    async with app.run_test(size=(100, 24)) as pilot:
        screen = await open_search(pilot, "kazahkstan")
        assert search_status(screen).startswith("No hits for “kazahkstan”.")
        assert "Did you mean “Kazakhstan”? (enter)" in search_status(screen)
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: screen.query_input.value == "Kazakhstan" and search_current(app),
            what="the suggested search",
        )
        assert screen.articles is not None
        assert {a.doc_id for a in screen.articles.articles} == {"astana", "almaty"}
        assert "Did you mean" not in search_status(screen)
        # With hits, enter goes to the results as before.
        await pilot.press("enter")
        assert screen.result_list.has_focus


async def test_no_suggestion_when_exact(root):
    app = TuiReaderApp(Workspace.open(root))
    async with app.run_test(size=(100, 24)) as pilot:
        screen = await open_search(pilot, "kazahkstan")
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: search_current(app) and screen.exact, what="exact")
        assert "Did you mean" not in search_status(screen)
        assert screen.query_input.value == "kazahkstan"
