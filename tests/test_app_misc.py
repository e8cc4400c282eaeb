"""Pilot tests of help, command palette, keymap, theme, remembered state and quitting."""

from __future__ import annotations

import json

import pytest
import yaml
from app_harness import (
    make_workspace,
    notifications,
    open_reader_on,
    palette_ready,
    screen_strips,
    screen_text,
    search_current,
    wait_for,
    wait_until_ready,
)

from tuireader.app.app import TuiReaderApp
from tuireader.app.library.screen import LibraryScreen
from tuireader.app.reader.screen import ReaderScreen
from tuireader.app.shell import bindings
from tuireader.app.shell.help import HelpScreen
from tuireader.core.settings import Settings
from tuireader.core.workspace import Workspace


@pytest.fixture(autouse=True)
def config(tmp_path, monkeypatch):
    path = tmp_path / "config"
    monkeypatch.setenv("TUIREADER_CONFIG_DIR", str(path))
    return path


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    path = tmp_path_factory.mktemp("misc")
    make_workspace(path).reindex()
    return path


async def test_help_lists_every_binding_from_the_bindings(root):
    app = TuiReaderApp(Workspace.open(root), check_index=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until_ready(pilot, index=False)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = "\n".join(str(static.render()) for static in app.screen.query(".help-section"))
        for section in bindings.SECTIONS.values():
            for binding in section:
                assert f"({binding.id})" in text
                assert binding.description in text
        await pilot.press("escape")
        assert isinstance(app.screen, LibraryScreen)
        await pilot.press("question_mark", "question_mark")  # ? toggles
        assert isinstance(app.screen, LibraryScreen)


async def test_keymap_from_settings_rebinds_by_id(root, config):
    config.mkdir(parents=True)
    (config / "settings.yaml").write_text(
        yaml.safe_dump({"keymap": {"reader.next_paragraph": "x", "bogus.id": "y"}}), "utf-8"
    )
    app = TuiReaderApp(Workspace.open(root), check_index=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until_ready(pilot, index=False)
        assert any("bogus.id" in str(n.message) for n in notifications(app))
        await open_reader_on(pilot, "alpha")
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        await pilot.press("right_square_bracket")  # no longer bound
        assert reader.view.cursor == 0
        await pilot.press("x")
        assert reader.view.cursor == 1
        await pilot.press("question_mark")
        help_text = "\n".join(str(s.render()) for s in app.screen.query(".help-section"))
        assert "x                 Next paragraph" in help_text


async def test_palette_finds_articles_by_title_and_commands(root):
    app = TuiReaderApp(Workspace.open(root), check_index=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until_ready(pilot, index=False)
        await pilot.press("ctrl+p", *"gamma notes")
        await wait_for(pilot, lambda: palette_ready(app), what="the palette's matches")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert app.screen.article.id == "gamma"
        await pilot.press("ctrl+p", *"keys and help")
        await wait_for(pilot, lambda: palette_ready(app), what="the palette's matches")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_theme_from_settings_and_changes_are_saved(root, config):
    config.mkdir(parents=True)
    (config / "settings.yaml").write_text("theme: nord\ncitation_style: mla\n", "utf-8")
    app = TuiReaderApp(Workspace.open(root), check_index=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until_ready(pilot, index=False)
        assert app.theme == "nord"
        app.theme = "gruvbox"
        await pilot.pause()
    saved = Settings.load()
    assert saved.theme == "gruvbox" and saved.citation_style == "mla"  # other keys kept
    again = TuiReaderApp(Workspace.open(root), check_index=False)
    async with again.run_test(size=(100, 30)) as pilot:
        await wait_until_ready(pilot, index=False)
        assert again.theme == "gruvbox"


async def test_ctrl_t_opens_the_theme_picker(root):
    app = TuiReaderApp(Workspace.open(root), check_index=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until_ready(pilot, index=False)
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: palette_ready(app), what="the theme picker's list")
        from textual.command import CommandPalette

        assert isinstance(app.screen, CommandPalette)


async def test_unknown_theme_is_reported_not_fatal(root, config):
    config.mkdir(parents=True)
    (config / "settings.yaml").write_text("theme: no-such-theme\n", "utf-8")
    app = TuiReaderApp(Workspace.open(root), check_index=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until_ready(pilot, index=False)
        assert any("no-such-theme" in str(n.message) for n in notifications(app))


async def test_last_article_and_position_are_restored(root, config):
    app = TuiReaderApp(Workspace.open(root), check_index=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until_ready(pilot, index=False)
        await open_reader_on(pilot, "alpha", paragraph=5)
        await pilot.press("q")
    state = json.loads((config / "state.json").read_text("utf-8"))
    entry = state["workspaces"][str(root)]
    assert entry["open_article"] == "alpha" and entry["positions"]["alpha"] >= 4

    again = TuiReaderApp(Workspace.open(root), check_index=False)
    async with again.run_test(size=(80, 24)) as pilot:
        await wait_until_ready(pilot, index=False)
        await pilot.pause()
        reader = again.screen
        assert isinstance(reader, ReaderScreen) and reader.article.id == "alpha"
        view = reader.view
        assert reader.article.paragraphs[view.cursor].number == 5 and view.is_visible(view.cursor)
        await pilot.press("escape", "q")  # closed before quitting: start in the library
    state = json.loads((config / "state.json").read_text("utf-8"))
    assert state["workspaces"][str(root)]["open_article"] is None

    third = TuiReaderApp(Workspace.open(root), check_index=False)
    async with third.run_test(size=(80, 24)) as pilot:
        await wait_until_ready(pilot, index=False)
        screen = third.screen
        assert isinstance(screen, LibraryScreen)
        assert screen.current_id() == "alpha"  # the cursor starts on the last article read


async def test_q_quits_and_returns_zero(root):
    app = TuiReaderApp(Workspace.open(root), check_index=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until_ready(pilot, index=False)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


async def test_80x24_keeps_the_essentials_visible(root):
    app = TuiReaderApp(Workspace.open(root))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until_ready(pilot)
        lines = screen_text(app).splitlines()
        assert len(lines) == 24 and all(len(line) <= 80 for line in lines)
        assert "q Quit" in lines[-1] and "Search" in lines[-1] and "^p" in lines[-1]
        await open_reader_on(pilot, "alpha")
        footer = screen_text(app).splitlines()[-1]
        for label in ("Back", "¶", "Match", "Find", "Search", "Help", "Quit", "Commands"):
            assert label in footer
        assert "¶ 1/" in screen_text(app).splitlines()[-2]  # the reader status line


def style_of(app: TuiReaderApp, text: str):
    """The style of the first on-screen segment containing `text`."""
    for strip in screen_strips(app):
        for segment in strip:
            if text in segment.text:
                return segment.style
    raise AssertionError(f"{text!r} is not on screen")


async def test_no_color_still_marks_cursor_selection_and_matches(root, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = TuiReaderApp(Workspace.open(root))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until_ready(pilot)
        assert app.no_color
        first_title = app.screen.shown[0].title  # type: ignore[attr-defined]
        assert style_of(app, first_title[:20]).reverse  # the library's cursor row
        await pilot.press("slash", *"camps")
        await wait_for(pilot, lambda: search_current(app), what="the search for camps")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("down")  # to the hits: the highlighted one is underlined
        await pilot.pause()
        assert style_of(app, "1. ").underline
        assert not style_of(app, "2. ").underline
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        # Matches in the reader: reverse video, so they show without colour.
        assert style_of(app, "camps").reverse
