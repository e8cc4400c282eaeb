"""Hints name the keys as the user has bound them, counts agree in number, and the keymap
check says when a rebinding hides a global key (issue 11, item 9).

Each hint test rebinds the keys it names in settings' keymap and reads the hint back: the
library's filter placeholder and empty-table message, the "compare with…" dialog, the search
status and mode, the compare status line, passage search and the figures screens.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from app_harness import (
    make_workspace,
    notifications,
    open_reader_on,
    search_current,
    wait_for,
    wait_until_ready,
)
from textual.widgets import Input, Static

from tuireader.app.app import TuiReaderApp
from tuireader.app.compare.figures_screen import CorpusFiguresScreen
from tuireader.app.compare.passages_screen import PassagesScreen
from tuireader.app.compare.screen import CompareScreen
from tuireader.app.library.screen import LibraryScreen
from tuireader.app.search.screen import SearchScreen
from tuireader.app.shell import bindings
from tuireader.app.shell.article_view import header_lines
from tuireader.app.shell.navigation import CompareArticles
from tuireader.app.shell.pick_article import PickArticleDialog
from tuireader.core.settings import Settings
from tuireader.core.workspace import Workspace

# Two articles that share two paragraphs word for word (so they pair) and a figure that
# differs (so the figures screens have a row); each has a paragraph of its own.
SHARED = (
    "A court in eastern Kazakhstan refused on Wednesday to deport Sayragul Sauytbay, a former "
    "camp teacher who crossed the border illegally from Xinjiang, and handed her a suspended "
    "sentence instead of returning her to China."
)
CENSUS = "According to official census figures, about {} million ethnic Kazakhs live in Xinjiang."
COMPARED = {
    "alpha": "\n\n".join(
        [
            "Alpha Report",
            SHARED,
            CENSUS.format("1.46"),
            "The village bakery has changed its sourdough recipe after forty years of rye.",
        ]
    ),
    "beta": "\n\n".join(
        [
            "Beta Story",
            "The orchestra announced its winter programme of rarely played symphonies.",
            SHARED,
            CENSUS.format("1.6"),
        ]
    ),
}


@pytest.fixture(autouse=True)
def _config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUIREADER_CONFIG_DIR", str(tmp_path / "config"))


def make_app(root: Path, keymap: dict[str, str], check_index: bool = False) -> TuiReaderApp:
    # compare_meaning off: the compare screen never starts the sentence model.
    settings = Settings(keymap=keymap, compare_meaning=False)
    return TuiReaderApp(
        Workspace.open(root), settings=settings, check_index=check_index, restore=False
    )


def static_text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


# ---------------------------------------------------------------------- hints and the keymap
async def test_library_and_pick_dialog_hints_follow_the_keymap(tmp_path: Path) -> None:
    make_workspace(tmp_path)
    keymap = {"library.filter": "ctrl+f", "library.clear": "ctrl+g", "pick.cancel": "ctrl+y"}
    app = make_app(tmp_path, keymap)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until_ready(pilot, index=False)
        library = app.screen
        assert isinstance(library, LibraryScreen)
        placeholder = library.query_one("#filter", Input).placeholder
        assert placeholder.startswith("Filter (ctrl+f): ")
        await pilot.press("ctrl+f", *"zzzz")
        await pilot.pause()
        assert app.focused is library.filter_input
        assert "Press ctrl+g to clear it." in static_text(library, "#library-empty")
        await pilot.press("ctrl+g")  # the rebound key clears the filter, as the hint says
        await pilot.pause()
        assert library.filter_input.value == ""
        await pilot.press("c", *"zzzz")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, PickArticleDialog)
        assert "ctrl+y to cancel" in static_text(dialog, "#pick-count")
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert app.screen is library


async def test_search_hints_follow_the_keymap(tmp_path: Path) -> None:
    make_workspace(tmp_path)
    app = make_app(tmp_path, {"search.exact": "ctrl+b"})
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until_ready(pilot, index=False)
        await pilot.press("slash")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        assert "(ctrl+b: exact)" in static_text(screen, "#search-status")
        assert static_text(screen, "#search-mode") == " ≈ variants on (ctrl+b)"
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert screen.exact
        assert static_text(screen, "#search-mode") == " exact spellings (ctrl+b)"


async def test_compare_status_follows_the_keymap(tmp_path: Path) -> None:
    make_workspace(tmp_path, articles=COMPARED, catalog=None)
    keymap = {
        "compare.next_pair": "n",
        "compare.prev_pair": "p",
        "compare.sync": "y",
        "compare.figures": "i",
        "compare.flip": "t",
        "figures.differ": "ctrl+d",
    }
    app = make_app(tmp_path, keymap)
    async with app.run_test(size=(80, 30)) as pilot:  # narrow: one pane, flipped with t
        await wait_until_ready(pilot, index=False)
        app.post_message(CompareArticles("alpha", "beta"))
        await wait_for(
            pilot,
            lambda: getattr(app.screen, "comparison", None) is not None,
            what="the comparison",
        )
        screen = app.screen
        assert isinstance(screen, CompareScreen) and screen.pairs
        status = static_text(screen, "#compare-status")
        assert "(n next pair, p previous)" in status
        assert "differ: i)" in status
        assert "sync on (y)" in status
        assert "showing A (t: B)" in status
        await pilot.press("i", "ctrl+d")
        await pilot.pause()
        assert "Showing the differences only (ctrl+d: all)." in static_text(
            app.screen, "#figures-intro"
        )


async def test_passage_and_figure_hints_follow_the_keymap(tmp_path: Path) -> None:
    make_workspace(tmp_path, articles=COMPARED, catalog=None)
    keymap = {"passages.open": "o", "passages.compare": "v", "figures.open": "space"}
    app = make_app(tmp_path, keymap)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until_ready(pilot, index=False)
        await open_reader_on(pilot, "alpha", paragraph=2)
        await pilot.press("w")
        await wait_for(
            pilot, lambda: bool(getattr(app.screen, "hits", None)), what="the similar passages"
        )
        passages = app.screen
        assert isinstance(passages, PassagesScreen)
        assert "o opens one; v compares the two articles." in static_text(
            passages, "#passages-status"
        )
        await pilot.press("F")
        await wait_for(
            pilot, lambda: getattr(app.screen, "groups", None) is not None, what="the figures"
        )
        figures = app.screen
        assert isinstance(figures, CorpusFiguresScreen)
        # A named key begins the sentence capitalised, as "Enter opens…" does by default.
        assert "Space opens the article at the figure." in static_text(figures, "#figures-intro")


async def test_help_intro_names_the_palette_key_in_use(tmp_path: Path) -> None:
    make_workspace(tmp_path)
    app = make_app(tmp_path, {"app.palette": "ctrl+k"})
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until_ready(pilot, index=False)
        await pilot.press("question_mark")
        await pilot.pause()
        assert "ctrl+k opens the command palette" in static_text(app.screen, ".help-intro")


# ---------------------------------------------------------------------- the keymap check
def test_check_keymap_warns_when_a_rebinding_hides_a_global_key() -> None:
    usable, problems = bindings.check_keymap({"library.filter": "F"})
    assert usable == {"library.filter": "F"}  # applied all the same
    assert len(problems) == 1
    assert "'library.filter'" in problems[0] and "'app.figures'" in problems[0]
    assert "Library" in problems[0]
    # A global binding moved onto a key a screen uses is hidden on that screen.
    _, problems = bindings.check_keymap({"app.help": "h"})
    assert problems and all("'app.help'" in problem for problem in problems)
    assert any("'highlight.sentence'" in problem for problem in problems)
    # The built-in overlaps (search's "/", help's "q") are on purpose: no warning.
    assert bindings.check_keymap({}) == ({}, [])
    assert bindings.check_keymap({"library.filter": "ctrl+f"}) == (
        {"library.filter": "ctrl+f"},
        [],
    )


async def test_a_keymap_that_hides_a_global_key_is_a_settings_warning(tmp_path: Path) -> None:
    make_workspace(tmp_path)
    app = make_app(tmp_path, {"library.filter": "F"})
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until_ready(pilot, index=False)
        said = [(n.title, str(n.message)) for n in notifications(app)]
        assert any(title == "Settings" and "'app.figures'" in text for title, text in said)
        library = app.screen
        assert isinstance(library, LibraryScreen)
        await pilot.press("F")  # the library's binding wins, as the warning says
        await pilot.pause()
        assert app.screen is library and app.focused is library.filter_input


# ---------------------------------------------------------------------- counts in number
def test_plural_agrees_with_the_count() -> None:
    from tuireader.core.text import plural

    assert plural(1, "hit") == "1 hit"
    assert plural(2, "hit") == "2 hits"
    assert plural(0, "article") == "0 articles"
    assert plural(1234, "article") == "1,234 articles"
    assert plural(1, "match", "matches") == "1 match"
    assert plural(3, "match", "matches") == "3 matches"


def test_reader_header_counts_one_word_and_one_paragraph(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path, articles={"solo": "Solo\n"}, catalog=None)
    size = header_lines(workspace.articles["solo"])[-1][0].plain
    assert size == "solo · 1 word · 1 paragraph"


async def test_library_title_says_1_article(tmp_path: Path) -> None:
    make_workspace(tmp_path, articles={"solo": "Solo\n\nA single article."}, catalog=None)
    app = make_app(tmp_path, {})
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until_ready(pilot, index=False)
        assert app.screen.sub_title == "1 article · by title ▲"


async def test_search_status_says_1_hit_and_names_the_open_key(tmp_path: Path) -> None:
    make_workspace(tmp_path).reindex()
    app = make_app(tmp_path, {"search.open": "ctrl+o"}, check_index=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until_ready(pilot)
        await pilot.press("slash", *"weather")  # only gamma's one paragraph says it
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        await wait_for(pilot, lambda: search_current(app), what="the search for weather")
        assert screen.results is not None and screen.results.total == 1
        status = static_text(screen, "#search-status")
        assert status.startswith("1 article, 1 passage for “weather”")
        assert status.endswith(" · ctrl+o opens")
