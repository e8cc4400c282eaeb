"""Pilot tests of the reader: layout, scrolling keys, paragraph cursor, furniture, find, n/N."""

from __future__ import annotations

import pytest
from app_harness import (
    SAMPLE_ARTICLES,
    make_workspace,
    notifications,
    open_reader_on,
    screen_strips,
    screen_text,
    wait_for,
    wait_until_ready,
    workers_running,
)

from tuireader.app.app import TuiReaderApp
from tuireader.app.library.screen import LibraryScreen
from tuireader.app.reader.matching import literal_spans
from tuireader.app.reader.screen import ReaderScreen
from tuireader.app.search.screen import SearchScreen
from tuireader.app.shell.article_view import ArticleView
from tuireader.app.shell.render import CURRENT_MATCH_STYLE, MATCH_STYLE
from tuireader.core.workspace import Workspace

LONG = "Long Article\n\n" + "\n\n".join(
    f"Paragraph {n} says something about the steppe and the border, "
    "long enough to wrap on a narrow terminal and take a few lines of the screen. "
    + ("The word needle appears here. " if n in (5, 30, 55) else "")
    for n in range(1, 61)
)


@pytest.fixture(autouse=True)
def _config(tmp_path, monkeypatch):
    monkeypatch.setenv("TUIREADER_CONFIG_DIR", str(tmp_path / "config"))


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    path = tmp_path_factory.mktemp("reader")
    workspace = make_workspace(path, articles={**SAMPLE_ARTICLES, "long": LONG})
    workspace.reindex()
    return path


def gutter_is_reversed(app: TuiReaderApp, label: str) -> bool:
    """Whether the gutter cell showing `label` (e.g. "   3 ") is drawn in reverse video."""
    for strip in screen_strips(app):
        text = ""
        for segment in strip:
            if segment.text.startswith(label.rstrip()) and label.strip() == segment.text.strip():
                return bool(segment.style and segment.style.reverse)
            text += segment.text
    raise AssertionError(f"no gutter {label!r} on screen")


def find_done(app: TuiReaderApp, reader: ReaderScreen, query: str) -> bool:
    """Whether the find bar's search for `query` has run (its debounce is over and the
    matching worker done)."""
    return reader.matches.query == query and not workers_running(app, reader)


async def open_reader(pilot, article_id: str, **kwargs) -> ReaderScreen:
    app = await wait_until_ready(pilot)
    await open_reader_on(pilot, article_id, **kwargs)
    await app.workers.wait_for_complete()
    await pilot.pause()
    assert isinstance(app.screen, ReaderScreen)
    return app.screen


async def test_reader_shows_header_numbered_paragraphs_and_furniture(root):
    app = TuiReaderApp(Workspace.open(root))
    async with app.run_test(size=(100, 30)) as pilot:
        reader = await open_reader(pilot, "alpha")
        text = screen_text(app)
        assert "Alpha Report on Xinjiang" in text
        assert "Ann Author · The Example Times · 2019-05-01" in text
        assert "   3  The first paragraph" in text
        assert "   2~ Recent Features" in text  # furniture marked in the gutter
        assert "   6~ Subscribe today" in text
        assert [p.number for p in reader.article.paragraphs if p.furniture] == [2, 6]


async def test_scroll_keys_move_the_view(root):
    app = TuiReaderApp(Workspace.open(root))
    async with app.run_test(size=(80, 24)) as pilot:
        reader = await open_reader(pilot, "long")
        view = reader.view
        assert view.scroll_y == 0
        await pilot.press("j", "j", "down")
        assert view.scroll_y == 3
        await pilot.press("k", "up")
        assert view.scroll_y == 1
        await pilot.press("space")
        after_page = view.scroll_y
        assert after_page > 10
        await pilot.press("b")
        assert view.scroll_y == 1
        await pilot.press("pagedown", "pageup")
        assert view.scroll_y == 1
        await pilot.press("G")
        assert view.scroll_y == view.max_scroll_y > 100
        assert reader.view.cursor == len(reader.article.paragraphs) - 1
        assert "100%" in screen_text(app)
        await pilot.press("g")
        assert view.scroll_y == 0
        await pilot.press("end")
        assert view.scroll_y == view.max_scroll_y
        await pilot.press("home")
        assert view.scroll_y == 0


async def test_brackets_move_the_cursor_paragraph(root):
    app = TuiReaderApp(Workspace.open(root))
    async with app.run_test(size=(80, 24)) as pilot:
        reader = await open_reader(pilot, "long")
        view = reader.view
        assert view.cursor == 0
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert view.cursor == 2
        assert gutter_is_reversed(app, "   3 ")
        assert not gutter_is_reversed(app, "   2 ")
        assert "¶ 3/61" in screen_text(app)
        await pilot.press("left_square_bracket")
        assert view.cursor == 1
        for _ in range(20):
            await pilot.press("right_square_bracket")
        await pilot.pause()
        assert view.cursor == 21
        assert view.is_visible(21), "the cursor paragraph is scrolled into view"
        # After scrolling away, ] starts from what is on screen, not from the old cursor.
        await pilot.press("G")
        await pilot.press("g", "right_square_bracket")
        assert view.cursor == 0 or view.is_visible(view.cursor)


async def test_z_folds_and_unfolds_furniture(root):
    app = TuiReaderApp(Workspace.open(root))
    async with app.run_test(size=(100, 30)) as pilot:
        reader = await open_reader(pilot, "alpha")
        view = reader.view
        assert view.placement(1)[1] == 1 and "Recent Features" in screen_text(app)
        await pilot.press("z")
        await pilot.pause()
        assert view.placement(1)[1] == 0 and view.placement(5)[1] == 0
        assert "Recent Features" not in screen_text(app)
        assert "Subscribe today" not in screen_text(app)
        assert "furniture folded" in screen_text(app)
        await pilot.press("z")
        await pilot.pause()
        assert view.placement(1)[1] == 1 and "Recent Features" in screen_text(app)


async def test_escape_goes_back_and_slash_opens_search(root):
    app = TuiReaderApp(Workspace.open(root))
    async with app.run_test(size=(100, 30)) as pilot:
        await open_reader(pilot, "alpha")
        await pilot.press("slash")
        assert isinstance(app.screen, SearchScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, ReaderScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, LibraryScreen)


async def test_opening_at_a_paragraph_with_a_query_highlights_and_n_steps(root):
    app = TuiReaderApp(Workspace.open(root))
    async with app.run_test(size=(80, 24)) as pilot:
        reader = await open_reader(pilot, "long", paragraph=31, query="needle")
        view = reader.view
        assert len(view.matches) == 3
        # Opened on the hit: the current match is the one in paragraph 31, which is on screen.
        assert view.current_match == 1
        assert view.cursor == 30 and view.is_visible(30)
        assert "match 2/3" in screen_text(app)
        await pilot.press("n")
        assert view.current_match == 2 and view.cursor == 55
        assert view.is_visible(55)
        await pilot.press("n")  # wraps to the first
        assert view.current_match == 0 and view.is_visible(5)
        await pilot.press("N")
        assert view.current_match == 2
        # The current match is styled differently from the others.
        styles = {
            span.style for line in view.lines if line.paragraph == 55 for span in line.content.spans
        }
        assert styles == {CURRENT_MATCH_STYLE}
        others = {
            span.style for line in view.lines if line.paragraph == 5 for span in line.content.spans
        }
        assert others == {MATCH_STYLE}


async def test_find_in_article_highlights_and_steps(root):
    app = TuiReaderApp(Workspace.open(root))
    async with app.run_test(size=(100, 30)) as pilot:
        reader = await open_reader(pilot, "alpha")
        await pilot.press("f")
        assert reader.find_bar.display
        await pilot.press(*"camps")
        await wait_for(pilot, lambda: find_done(app, reader, "camps"), what="the find for camps")
        await app.workers.wait_for_complete()
        await pilot.pause()
        view = reader.view
        found = [
            (m.index, reader.article.paragraphs[m.index].text[m.start : m.end])
            for m in view.matches
        ]
        assert len(found) == 4 and all(word.lower() == "camps" for _, word in found)
        assert "4 matches" in screen_text(app)
        await pilot.press("enter")  # closes the bar, keeps the matches
        assert not reader.find_bar.display
        assert isinstance(app.focused, ArticleView)
        first = view.current_match
        await pilot.press("n")
        assert view.current_match == (first or 0) + 1
        # Partial words fall back to a literal search.
        await pilot.press("ctrl+f", *"etain")
        await wait_for(pilot, lambda: find_done(app, reader, "etain"), what="the find for etain")
        await app.workers.wait_for_complete()
        await pilot.pause()
        # The input selected its old text on focus, so typing replaced it: "etain" only.
        assert len(view.matches) == 1 and "literal" in screen_text(app)
        await pilot.press("escape")
        assert not reader.find_bar.display
        assert isinstance(app.screen, ReaderScreen)


async def test_n_without_matches_says_how_to_get_some(root):
    app = TuiReaderApp(Workspace.open(root))
    async with app.run_test(size=(100, 30)) as pilot:
        await open_reader(pilot, "gamma")
        await pilot.press("n")
        await pilot.pause()
        assert any("No matches here" in str(n.message) for n in notifications(app))


def test_literal_spans_is_case_insensitive_and_escapes_regex():
    assert literal_spans("A.b a.B axb", "a.b") == [(0, 3), (4, 7)]
    assert literal_spans("text", "  ") == []
