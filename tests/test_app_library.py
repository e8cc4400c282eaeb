"""Pilot tests of the library screen: listing, keys, filter, sort, opening, columns."""

from __future__ import annotations

import pytest
from app_harness import make_workspace, notifications, screen_text, wait_until_ready

from tuireader.app.app import TuiReaderApp
from tuireader.app.library.screen import LibraryScreen
from tuireader.app.reader.screen import ReaderScreen
from tuireader.core.workspace import Workspace


@pytest.fixture(autouse=True)
def _config(tmp_path, monkeypatch):
    monkeypatch.setenv("TUIREADER_CONFIG_DIR", str(tmp_path / "config"))


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    path = tmp_path_factory.mktemp("library")
    make_workspace(path)
    return path


def shown_ids(app: TuiReaderApp) -> list[str]:
    screen = app.screen
    assert isinstance(screen, LibraryScreen)
    return [row.id for row in screen.shown]


async def test_lists_every_article_with_metadata(root):
    app = TuiReaderApp(Workspace.open(root), check_index=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until_ready(pilot, index=False)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        assert screen.table.row_count == 4
        assert sorted(shown_ids(app)) == ["alpha", "beta", "gamma", "hostile"]
        text = screen_text(app)
        for expected in (
            "Alpha Report on Xinjiang",
            "The Example Times",
            "Ann Author",
            "2019-05-01",
        ):
            assert expected in text
        assert "4 articles" in screen.sub_title


async def test_j_k_g_G_move_the_cursor(root):
    app = TuiReaderApp(Workspace.open(root), check_index=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until_ready(pilot, index=False)
        table = app.screen.table  # type: ignore[attr-defined]
        assert table.cursor_row == 0
        await pilot.press("j", "j")
        assert table.cursor_row == 2
        await pilot.press("k")
        assert table.cursor_row == 1
        await pilot.press("G")
        assert table.cursor_row == 3
        await pilot.press("g")
        assert table.cursor_row == 0
        await pilot.press("down")
        assert table.cursor_row == 1


async def test_filter_as_you_type_and_escape_clears(root):
    app = TuiReaderApp(Workspace.open(root), check_index=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until_ready(pilot, index=False)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        await pilot.press("f")
        assert app.focused is screen.filter_input
        await pilot.press(*"uighur")
        assert shown_ids(app) == ["beta"]
        await pilot.press("backspace", *"x")  # "uighux": nothing matches
        assert shown_ids(app) == []
        assert "No article matches" in screen_text(app)
        await pilot.press("escape")
        assert screen.filter_input.value == ""
        assert len(shown_ids(app)) == 4
        assert app.focused is screen.table
        # Several words: all must match, in any column.
        await pilot.press("f", *"weather 2018", "enter")
        assert shown_ids(app) == ["gamma"]
        assert app.focused is screen.table


async def test_s_cycles_sort_columns_and_S_reverses(root):
    app = TuiReaderApp(Workspace.open(root), check_index=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until_ready(pilot, index=False)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        by_title = shown_ids(app)
        assert by_title == sorted(by_title, key=lambda i: app.articles[i].title.lower())
        await pilot.press("s")
        assert screen.sort_key == "source"
        # Sources ascending, the article without a source last.
        assert shown_ids(app) == ["beta", "alpha", "gamma", "hostile"]
        await pilot.press("S")
        assert shown_ids(app) == ["gamma", "alpha", "beta", "hostile"]
        await pilot.press("s", "s")
        assert screen.sort_key == "date"
        assert shown_ids(app)[:3] == ["beta", "alpha", "gamma"]  # newest first
        assert "Date ▼" in screen_text(app)


async def test_clicking_a_header_sorts(root):
    app = TuiReaderApp(Workspace.open(root), check_index=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until_ready(pilot, index=False)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        words_x = screen_text(app).splitlines()[2].index("Words")
        await pilot.click("#articles", offset=(words_x, 0))
        await pilot.pause()
        assert screen.sort_key == "words"
        words = [app.articles[i].word_count for i in shown_ids(app)]
        assert words == sorted(words)


async def test_enter_opens_the_article_under_the_cursor(root):
    app = TuiReaderApp(Workspace.open(root), check_index=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until_ready(pilot, index=False)
        expected = shown_ids(app)[1]
        await pilot.press("j", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert app.screen.article.id == expected
        await pilot.press("escape")
        assert isinstance(app.screen, LibraryScreen)


async def test_columns_collapse_at_80_columns(root):
    app = TuiReaderApp(Workspace.open(root), check_index=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until_ready(pilot, index=False)
        header = screen_text(app).splitlines()[2]
        assert "Title" in header and "Source" in header and "Words" in header
        assert "Authors" not in header
        await pilot.resize_terminal(140, 30)
        await pilot.pause()
        assert "Authors" in screen_text(app).splitlines()[2]


async def test_empty_workspace_says_what_to_do(tmp_path):
    workspace = make_workspace(tmp_path / "empty", articles={}, catalog=None)
    app = TuiReaderApp(workspace, check_index=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until_ready(pilot, index=False)
        assert "No articles in" in screen_text(app)


async def test_unreadable_files_become_notifications_not_crashes(tmp_path):
    workspace = make_workspace(tmp_path / "bad", articles={"ok": "Fine\n\nSome text here."})
    (workspace.seeds_dir / "empty.txt").write_text("", encoding="utf-8")
    (workspace.seeds_dir / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    app = TuiReaderApp(workspace, check_index=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until_ready(pilot, index=False)
        messages = " ".join(str(n.message) for n in notifications(app))
        assert "empty.txt" in messages and "binary.txt" in messages
        assert shown_ids(app) == ["ok"]


def test_word_counts_fit_their_column() -> None:
    from tuireader.app.library.screen import WIDTHS, words_cell

    cases = {783: "783", 99_999: "99,999", 800_000: "800k", 1_700_000: "1.7M"}
    assert {n: words_cell(n) for n in cases} == cases
    assert all(len(words_cell(n)) <= WIDTHS["words"] for n in (9, 99_999, 999_999, 9_999_999))
