"""Article text is data: markup and terminal escapes in an article show literally and
trigger nothing — in the library, the reader, search results and the command palette."""

from __future__ import annotations

import pytest
from app_harness import (
    HOSTILE_TEXT,
    make_workspace,
    open_reader_on,
    palette_ready,
    screen_click_actions,
    screen_lines,
    screen_text,
    search_current,
    wait_for,
    wait_until_ready,
    workers_running,
)

from tuireader.app.app import TuiReaderApp
from tuireader.app.reader.screen import ReaderScreen
from tuireader.app.search.screen import SearchScreen

HOSTILE_TITLE = "[@click=app.quit]Click me[/] [bold]Bold?[/bold] \x1b[2J"
# YAML's double-quoted "\\e" is ESC: the catalog title carries a real escape sequence.
CATALOG = (
    "articles:\n"
    "  hostile:\n"
    '    title: "[@click=app.quit]Click me[/] [bold]Bold?[/bold] \\e[2J"\n'
    '    container: "[red]Source[/red]"\n'
)


@pytest.fixture(autouse=True)
def _config(tmp_path, monkeypatch):
    monkeypatch.setenv("TUIREADER_CONFIG_DIR", str(tmp_path / "config"))


@pytest.fixture
def workspace(tmp_path):
    ws = make_workspace(tmp_path / "ws", articles={"hostile": HOSTILE_TEXT}, catalog=CATALOG)
    ws.reindex()
    assert ws.articles["hostile"].title == HOSTILE_TITLE  # the catalog kept the ESC
    return ws


def assert_no_escape_on_screen(app: TuiReaderApp) -> None:
    for line in screen_lines(app):
        assert "\x1b" not in line and "\x07" not in line


async def test_library_shows_markup_literally(workspace):
    app = TuiReaderApp(workspace)
    async with app.run_test(size=(160, 30)) as pilot:
        await wait_until_ready(pilot)
        text = screen_text(app)
        assert "[@click=app.quit]Click me[/] [bold]Bold?[/bold]" in text
        assert "[red]Source[/red]" in text
        assert_no_escape_on_screen(app)
        assert "app.quit" not in " ".join(screen_click_actions(app))


async def test_reader_shows_markup_and_escapes_as_plain_text_and_clicks_do_nothing(workspace):
    app = TuiReaderApp(workspace)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until_ready(pilot)
        await open_reader_on(pilot, "hostile")
        assert isinstance(app.screen, ReaderScreen)
        text = screen_text(app)
        assert "Markup test [bold]x[/bold] and [@click=app.quit]q[/] here, in a sentence." in text
        # ESC and BEL removed; the printable rest of each sequence stays visible as text.
        assert "Escapes: [31mred[0m and ]52;c;aGVsbG8= clipboard and a bell ." in text
        assert_no_escape_on_screen(app)
        assert not any("quit" in action for action in screen_click_actions(app))
        # Click right on the would-be link: nothing happens but moving the cursor.
        row = next(n for n, line in enumerate(screen_lines(app)) if "[@click" in line)
        column = screen_lines(app)[row].index("[@click") + len("[@click=app.quit]")
        await pilot.click(offset=(column, row))
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, ReaderScreen)


async def test_search_results_and_find_show_markup_literally(workspace):
    app = TuiReaderApp(workspace)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until_ready(pilot)
        await pilot.press("slash", *"markup")
        await wait_for(pilot, lambda: search_current(app), what="the search for markup")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        text = screen_text(app)
        assert "[bold]x[/bold] and [@click=app.quit]q[/]" in text
        assert "[@click=app.quit]Click me[/]" in text  # the hit's title
        assert_no_escape_on_screen(app)
        assert not any("quit" in action for action in screen_click_actions(app))
        await pilot.press("enter", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        await pilot.press("f", *"[@click")
        reader = app.screen
        await wait_for(
            pilot,
            lambda: reader.matches.query == "[@click" and not workers_running(app, reader),
            what="the find for [@click",
        )
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.view.matches  # found literally, highlighted, still inert
        assert not any("quit" in action for action in screen_click_actions(app))


async def test_palette_shows_hostile_titles_literally(workspace):
    app = TuiReaderApp(workspace)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until_ready(pilot)
        await pilot.press("ctrl+p", *"click")
        await wait_for(pilot, lambda: palette_ready(app), what="the palette's matches")
        text = screen_text(app)
        assert "[@click=app.quit]Click me[/]" in text
        assert not any("quit" in action for action in screen_click_actions(app))
        await pilot.press("enter")
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, ReaderScreen)
