"""Pilot tests of the search screen's by-article view: articles with their passages under
them, enter opening the reader at the passage, the flat-list toggle, hiding passages and
the "N articles, M passages" totals line."""

from __future__ import annotations

import pytest
from app_harness import (
    make_workspace,
    open_search,
    result_text,
    screen_text,
    search_current,
    search_status,
    wait_for,
)

from tuireader.app.app import TuiReaderApp
from tuireader.app.reader.screen import ReaderScreen
from tuireader.core.workspace import Workspace

# Three small articles written for these tests. "otters" is in paragraphs 2 and 4 of
# "lakes" and paragraph 3 of "rivers"; "hills" never says it. Paragraph 1 is the title.
ARTICLES = {
    "lakes": (
        "Lake Report\n\n"
        "Otters were counted along the northern shore of the lake this spring, and the "
        "wardens say the count is the highest in a decade.\n\n"
        "Herons nest in the reeds at the southern end, where the water is shallow and the "
        "fishing is easy for birds that wait patiently.\n\n"
        "The wardens will repeat the survey of otters in the autumn, when the young leave "
        "their holts and move along the streams that feed the lake."
    ),
    "rivers": (
        "River Notes\n\n"
        "The river rose after a week of rain and flooded the meadows below the old mill, "
        "which the farmers had expected since the winter.\n\n"
        "Anglers reported otters near the weir, a sign that the water is cleaner than it "
        "was when the factory upstream still emptied its drains into it."
    ),
    "hills": (
        "Hill Walks\n\n"
        "The ridge path is steep in places but the view from the top reaches the sea on a "
        "clear day, and the walk back follows an easier track through the woods."
    ),
}


@pytest.fixture(autouse=True)
def _config(tmp_path, monkeypatch):
    monkeypatch.setenv("TUIREADER_CONFIG_DIR", str(tmp_path / "config"))


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    path = tmp_path_factory.mktemp("by_article")
    make_workspace(path, ARTICLES, catalog=None).reindex()
    return path


async def test_default_view_lists_articles_with_their_passages(root):
    app = TuiReaderApp(Workspace.open(root))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_search(pilot, "otters")
        assert screen.view == "articles"
        # lakes (2 passages), rivers (1 passage): five rows, articles first in each group.
        assert screen.result_list.option_count == 5
        assert result_text(screen, 0).startswith("1. Lake Report")
        assert "2 matching paragraphs" in result_text(screen, 0)
        assert {result_text(screen, 1).split()[0], result_text(screen, 2).split()[0]} == {
            "¶2",
            "¶4",
        }
        assert "otters" in result_text(screen, 1).lower()
        assert result_text(screen, 3).startswith("2. River Notes")
        assert "1 matching paragraph" in result_text(screen, 3)
        assert result_text(screen, 4).split()[0] == "¶3"
        text = screen_text(app)
        assert "Hill Walks" not in text
        assert "Lake Report" in text and "River Notes" in text


async def test_totals_line_counts_articles_and_passages(root):
    app = TuiReaderApp(Workspace.open(root))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_search(pilot, "otters")
        assert search_status(screen).startswith("2 articles, 3 passages for “otters”")
        # A title-only query lists the article and no passages.
        await pilot.press(*["backspace"] * 6, *"title:lake")
        await wait_for(pilot, lambda: search_current(app), what="the title search")
        assert search_status(screen).startswith("1 article, 0 passages for “title:lake”")
        assert result_text(screen, 0).startswith("1. Lake Report")
        assert "title and metadata match" in result_text(screen, 0)
        assert screen.result_list.option_count == 1


async def test_enter_on_an_article_opens_it_at_its_best_passage(root):
    app = TuiReaderApp(Workspace.open(root))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_search(pilot, "otters")
        best = result_text(screen, 1).split()[0]  # the first passage under the article
        await pilot.press("enter")  # query box → results, cursor on the first article
        assert app.focused is screen.result_list
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReaderScreen), what="the reader")
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        assert reader.article.id == "lakes"
        assert f"¶{reader.article.paragraphs[reader.view.cursor].number}" == best


async def test_enter_on_a_passage_opens_the_reader_at_that_passage(root):
    app = TuiReaderApp(Workspace.open(root))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_search(pilot, "otters")
        await pilot.press("enter", "down", "down", "down", "down")  # River Notes' ¶3
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReaderScreen), what="the reader")
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        assert reader.article.id == "rivers"
        view = reader.view
        assert reader.article.paragraphs[view.cursor].number == 3
        assert view.matches and view.matches[view.current_match or 0].index == view.cursor


async def test_ctrl_l_switches_to_the_flat_paragraph_list_and_back(root):
    app = TuiReaderApp(Workspace.open(root))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_search(pilot, "otters")
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: screen.view == "paragraphs", what="the flat view")
        assert screen.result_list.option_count == 3  # one option per matching paragraph
        assert search_status(screen).startswith("3 hits for “otters”")
        assert "Lake Report  ¶" in result_text(screen, 0)
        # enter in the flat view opens the hit under the cursor.
        await pilot.press("enter", "down", "down")
        third = screen.results.hits[2]  # type: ignore[union-attr]
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReaderScreen), what="the reader")
        reader = app.screen
        assert isinstance(reader, ReaderScreen) and reader.article.id == third.doc_id
        assert reader.article.paragraphs[reader.view.cursor].number == third.paragraph
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen, what="back to search")
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: screen.view == "articles", what="the article view")
        assert screen.result_list.option_count == 5
        assert search_status(screen).startswith("2 articles, 3 passages")


async def test_space_hides_and_shows_an_articles_passages(root):
    app = TuiReaderApp(Workspace.open(root))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_search(pilot, "otters")
        await pilot.press("enter", "space")  # on Lake Report
        assert screen.result_list.option_count == 3  # its two passages hidden
        assert result_text(screen, 0).startswith("1. ▸ Lake Report")
        assert screen.result_list.highlighted == 0
        await pilot.press("down", "enter")  # the next row is now River Notes
        await wait_for(pilot, lambda: isinstance(app.screen, ReaderScreen), what="the reader")
        assert app.screen.article.id == "rivers"  # type: ignore[attr-defined]
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen, what="back to search")
        await pilot.press("up", "space")
        assert screen.result_list.option_count == 5
        assert result_text(screen, 0).startswith("1. Lake Report")


async def test_legible_without_colour_at_80x24(root, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = TuiReaderApp(Workspace.open(root))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_search(pilot, "otters")
        lines = screen_text(app).splitlines()
        assert len(lines) == 24 and all(len(line) <= 80 for line in lines)
        # Every row is one line: the article rows and passages read in words, not colour.
        assert any(line.strip().startswith("1. Lake Report") for line in lines)
        assert any(line.strip().startswith("¶3") for line in lines)
        assert "ctrl+l" in search_status(screen)
