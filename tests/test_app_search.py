"""Pilot tests of corpus search: live results, variants, errors, opening hits, exact mode."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from app_harness import make_workspace, screen_text, search_current, wait_for, wait_until_ready

from tuireader.app.app import TuiReaderApp
from tuireader.app.library.screen import LibraryScreen
from tuireader.app.reader.screen import ReaderScreen
from tuireader.app.search.screen import SearchScreen
from tuireader.core.workspace import Workspace


@pytest.fixture(autouse=True)
def _config(tmp_path, monkeypatch):
    monkeypatch.setenv("TUIREADER_CONFIG_DIR", str(tmp_path / "config"))


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    path = tmp_path_factory.mktemp("search")
    make_workspace(path).reindex()
    return path


async def settle(pilot, until: Callable[[], bool] | None = None) -> None:
    """Wait out the debounce and the search worker: until the results are those of the
    query box's text (or `until()` holds: a query whose problem is shown instead)."""
    app = pilot.app
    await wait_for(pilot, until or (lambda: search_current(app)), what="the search")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def search(pilot, query: str, until: Callable[[], bool] | None = None) -> SearchScreen:
    await wait_until_ready(pilot)
    await pilot.press("slash", *query)
    await settle(pilot, until)
    screen = pilot.app.screen
    assert isinstance(screen, SearchScreen)
    return screen


def status(app) -> str:
    """The search screen's status line."""
    return str(app.screen.query_one("#search-status").render())


async def test_live_results_with_highlights_and_variant_marks(root):
    app = TuiReaderApp(Workspace.open(root))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await search(pilot, "Uyghur camps")
        # By article (the default), beta is found only through its spelling Uighur.
        assert screen.articles is not None
        beta = [a for a in screen.articles.articles if a.doc_id == "beta"]
        assert beta and beta[0].variant
        assert "matching paragraph" in screen_text(app) and "≈ variant" in screen_text(app)
        await pilot.press("ctrl+l")  # the flat list of paragraphs
        assert screen.view == "paragraphs"
        assert screen.results is not None
        ids = {hit.doc_id for hit in screen.results.hits}
        assert {"alpha", "beta"} <= ids
        text = screen_text(app)
        assert "hits for “Uyghur camps”" in text
        assert "Alpha Report on Xinjiang  ¶3" in text
        # beta spells it Uighur: found as a variant and marked so.
        assert any(hit.variant for hit in screen.results.hits if hit.doc_id == "beta")
        assert "≈ variant" in text
        assert "also matching uighur" in text
        # Snippet words are highlighted (reverse video) in the option prompts.
        prompt = screen.result_list.get_option_at_index(0).prompt
        highlighted = {
            prompt.plain[s.start : s.end].lower() for s in prompt.spans if s.style == "reverse"
        }  # type: ignore[union-attr]
        assert highlighted & {"uyghur", "camps"}


async def test_results_follow_typing_and_only_the_last_query_shows(root):
    app = TuiReaderApp(Workspace.open(root))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await search(pilot, "weather")
        assert [h.doc_id for h in screen.results.hits] == ["gamma"]  # type: ignore[union-attr]
        await pilot.press(*["backspace"] * 7, *"trade")
        await settle(pilot)
        assert screen.results is not None and screen.results.query == "trade"
        assert [h.doc_id for h in screen.results.hits] == ["alpha"]
        await pilot.press(*["backspace"] * 5)
        await settle(pilot)
        assert screen.result_list.option_count == 0
        assert "Type to search" in screen_text(app)


async def test_malformed_query_shows_its_message_inline(root):
    app = TuiReaderApp(Workspace.open(root))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await search(pilot, '"unbalanced', until=lambda: "Unbalanced" in status(app))
        text = screen_text(app)
        assert "Unbalanced quotes" in text
        assert screen.query_one("#search-status").has_class("-error")
        await pilot.press("backspace", *["backspace"] * 10, *"nosuchfield:x")
        await settle(pilot, until=lambda: "Unknown field" in status(app))
        assert "Unknown field" in screen_text(app)
        assert isinstance(app.screen, SearchScreen)


async def test_enter_opens_hit_at_its_paragraph_and_n_steps(root):
    app = TuiReaderApp(Workspace.open(root))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await search(pilot, "camps")
        hits = screen.results.hits  # type: ignore[union-attr]
        await pilot.press("ctrl+l")  # the flat list: one option per hit
        await pilot.press("enter")  # query box → results
        assert app.focused is screen.result_list
        await pilot.press("j")
        second = hits[1]
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        assert reader.article.id == second.doc_id
        view = reader.view
        assert reader.article.paragraphs[view.cursor].number == second.paragraph
        assert view.is_visible(view.cursor)
        assert view.matches and view.current_match is not None
        assert view.matches[view.current_match].index == view.cursor
        before = view.current_match
        await pilot.press("n")
        assert view.current_match == (before + 1) % len(view.matches)
        # escape → back to the results, / → the query box again.
        await pilot.press("escape")
        assert app.screen is screen
        await pilot.press("slash")
        assert app.focused is screen.query_input
        await pilot.press("escape")
        assert isinstance(app.screen, LibraryScreen)


async def test_ctrl_r_switches_to_exact_spellings(root):
    app = TuiReaderApp(Workspace.open(root))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await search(pilot, "Uighur")
        assert {h.doc_id for h in screen.results.hits} >= {"alpha", "beta"}  # type: ignore[union-attr]
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert screen.exact
        assert {h.doc_id for h in screen.results.hits} == {"beta"}  # type: ignore[union-attr]
        assert "exact spellings" in screen_text(app)


async def test_search_waits_for_the_index_then_runs(tmp_path):
    workspace = make_workspace(tmp_path / "fresh")
    app = TuiReaderApp(workspace, check_index=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until_ready(pilot, index=False)
        assert app.index_state.phase == "off"
        await pilot.press("slash", *"camps")
        # The debounce over, the search starts the index check it waits for.
        await wait_for(pilot, lambda: app.index_state.phase != "off", what="the index check")
        await wait_until_ready(pilot, index=True)
        await wait_for(pilot, lambda: search_current(app), what="the search for camps")
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        assert screen.results is not None and screen.results.total > 0


async def test_index_build_shows_progress_then_hides(tmp_path):
    workspace = make_workspace(tmp_path / "progress")
    app = TuiReaderApp(workspace)
    phases: list[str] = []
    async with app.run_test(size=(100, 30)) as pilot:
        app.index_changed.subscribe(app, lambda state: phases.append(state.phase))
        await wait_until_ready(pilot)
        assert phases[0] == "checking" and "building" in phases and phases[-1] == "ready"
        from tuireader.app.shell.index_status import IndexStatus

        assert not app.screen.query_one(IndexStatus).display


async def test_reload_picks_up_a_new_article_and_indexes_it(tmp_path):
    workspace = make_workspace(tmp_path / "reload")
    workspace.reindex()
    app = TuiReaderApp(Workspace.open(workspace.root))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until_ready(pilot)
        assert len(app.articles) == 4
        (workspace.seeds_dir / "delta.txt").write_text(
            "Delta Dispatch\n\nA paragraph about zeppelins over the steppe, long enough to be "
            "body text rather than a heading in the corpus rules.",
            encoding="utf-8",
        )
        app.action_reload()
        assert not app.articles_loaded and not app.index_state.ready
        await wait_until_ready(pilot)
        assert "delta" in app.articles
        assert "5 articles" in screen_text(app)
        await pilot.press("slash", *"zeppelins")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SearchScreen) and screen.results is not None
        assert [h.doc_id for h in screen.results.hits] == ["delta"]
