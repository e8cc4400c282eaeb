"""The live workspace: files added to, changed in and removed from seeds/ while the app runs
reach the library, the index and an open reader (tuireader.app.workspace)."""

from __future__ import annotations

import pytest
from app_harness import (
    SAMPLE_ARTICLES,
    make_workspace,
    notifications,
    open_reader_on,
    screen_text,
    wait_for,
    wait_until_ready,
)
from test_entities_support import FakeNlp

from tuireader.app.app import TuiReaderApp
from tuireader.app.reader.screen import ReaderScreen
from tuireader.app.reader.status import reload_notice
from tuireader.app.workspace.changes import (
    ArticleChanges,
    compare_articles,
    matching_paragraph,
)
from tuireader.app.workspace.watch import WatchMode, is_relevant, watch_mode
from tuireader.core.corpus import load_article
from tuireader.core.workspace import Workspace

LONG = "Long Article\n\n" + "\n\n".join(
    f"Paragraph {n} says something about the steppe and the border, long enough to wrap "
    "on a narrow terminal and take a few lines of the screen."
    for n in range(1, 41)
)

DELTA = (
    "Delta Dispatch\n\nA paragraph about zeppelins over the steppe, long enough to be body "
    "text rather than a heading in the corpus rules."
)


@pytest.fixture(autouse=True)
def _config(tmp_path, monkeypatch):
    monkeypatch.setenv("TUIREADER_CONFIG_DIR", str(tmp_path / "config"))
    # watchfiles' own setting: polls every 50 ms instead of 500 (the tests' pace only).
    monkeypatch.setenv("WATCHFILES_POLL_DELAY_MS", "50")


def live_app(root, watch: WatchMode, check_index: bool = False) -> TuiReaderApp:
    """The app on the workspace at `root`, watching seeds/ as `watch` says; a stand-in
    entity pipeline (a re-read updates the index, then the entities: no spaCy here)."""
    app = TuiReaderApp(Workspace.open(root), watch=watch, check_index=check_index)
    app.entities.nlp = FakeNlp()
    return app


def notes(app: TuiReaderApp) -> str:
    """Every notification shown now, one a line."""
    return "\n".join(str(n.message) for n in notifications(app))


def article_from(tmp_path, name: str, text: str):
    seeds = tmp_path / "seeds"
    seeds.mkdir(exist_ok=True)
    path = seeds / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    return load_article(path, seeds)


# ---------------------------------------------------------------------- without the app
def test_changes_are_counted_and_said_in_one_line(tmp_path):
    one = article_from(tmp_path, "one", "One\n\nFirst text of the first article here.")
    two = article_from(tmp_path, "two", "Two\n\nThe second article's text stays the same.")
    edited = article_from(tmp_path, "one", "One\n\nFirst text, now edited by the user.")
    three = article_from(tmp_path, "three", "Three\n\nA new article appears in the folder.")
    changes = compare_articles({"one": one, "two": two}, {"one": edited, "three": three})
    assert changes == ArticleChanges(added=("three",), changed=("one",), removed=("two",))
    assert changes.summary() == "1 article changed, 1 added, 1 removed."
    assert ArticleChanges(added=("a", "b")).summary() == "2 articles added."
    assert not compare_articles({"two": two}, {"two": two})


def test_a_catalog_fact_alone_counts_as_a_change(tmp_path):
    text = "Same\n\nThe text does not change, only its catalog entry does."
    before = article_from(tmp_path, "same", text)
    seeds = tmp_path / "seeds"
    after = load_article(seeds / "same.txt", seeds, {"same": {"title": "A New Title"}})
    assert compare_articles({"same": before}, {"same": after}).changed == ("same",)


def test_a_paragraph_is_found_again_after_paragraphs_are_added_above_it(tmp_path):
    old = article_from(tmp_path, "p", "Title\n\nAlpha one.\n\nBravo two.\n\nCharlie three.")
    new = article_from(
        tmp_path, "p", "Title\n\nNew first.\n\nNew second.\n\nAlpha one.\n\nBravo two edited."
    )
    assert matching_paragraph(old, new, 1) == 3  # "Alpha one." moved down by two
    assert matching_paragraph(old, new, 2) == 4  # edited in place: the one that replaced it
    assert matching_paragraph(old, new, 3) == 4  # deleted at the end: the last one
    assert matching_paragraph(old, new, 0) == 0


def test_only_article_files_the_catalog_and_folders_are_relevant():
    seeds = "/w/seeds"
    assert is_relevant("/w/seeds/a.txt", seeds)
    assert is_relevant("/w/seeds/sub/b.MD", seeds)
    assert is_relevant("/w/seeds/catalog.yaml", seeds)
    assert is_relevant("/w/seeds/old-folder", seeds)  # a folder moved away
    assert not is_relevant("/w/seeds/.a.txt.swp", seeds)
    assert not is_relevant("/w/seeds/.git/index", seeds)
    assert not is_relevant("/w/seeds/notes.docx", seeds)
    assert not is_relevant("/w/seeds/sub/catalog.yaml.bak", seeds)
    assert not is_relevant("/elsewhere/a.txt", seeds)


def test_watch_mode_comes_from_the_environment_value():
    assert watch_mode(None) == ("auto", None)
    assert watch_mode(" POLL ") == ("poll", None)
    assert watch_mode("off") == ("off", None)
    mode, problem = watch_mode("sometimes")
    assert mode == "auto" and problem is not None and "TUIREADER_WATCH" in problem


def test_the_reload_notice_counts_the_highlights_by_status():
    assert reload_notice([], {}) == "The article changed on disk: showing the new text."
    text = reload_notice(["anchored", "fuzzy", "orphaned", "anchored"], {})
    assert "4 highlights: 2 anchored, 1 fuzzy, 1 orphaned" in text
    assert "(the annotations view, A, lists the orphans)" in text


# ---------------------------------------------------------------------- in the app
async def test_edit_add_and_delete_while_the_app_runs(tmp_path):
    workspace = make_workspace(tmp_path / "ws")
    workspace.reindex()
    app = live_app(workspace.root, "poll", check_index=True)
    seeds = workspace.seeds_dir
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until_ready(pilot)
        await wait_for(pilot, lambda: app.live.watching, what="the watcher started")
        assert "Gamma Notes" in screen_text(app)
        (seeds / "delta.txt").write_text(DELTA, encoding="utf-8")
        (seeds / "gamma.txt").unlink()
        edited = SAMPLE_ARTICLES["beta"].replace("missing relatives", "lost cousins")
        (seeds / "beta.txt").write_text(edited, encoding="utf-8")

        def all_seen() -> bool:
            articles = app.articles
            return (
                "delta" in articles
                and "gamma" not in articles
                and "lost cousins" in articles["beta"].text
            )

        await wait_for(pilot, all_seen, what="the three changes")
        text = screen_text(app)
        assert "Delta Dispatch" in text and "Gamma Notes" not in text
        said = notes(app)
        assert "added" in said and "removed" in said and "changed" in said
        # The index follows, through the usual (incremental) index update.
        await wait_for(pilot, lambda: app.index_state.ready, what="the index updated")
        hits = app.workspace.index.search("zeppelins").hits
        assert [hit.doc_id for hit in hits] == ["delta"]
        assert not app.workspace.index.search("weather").hits  # only gamma said it
    assert not app.live.watching  # quitting stopped the thread


async def test_an_open_article_reloads_in_place_keeping_the_top_paragraph(tmp_path):
    workspace = make_workspace(tmp_path / "ws", articles={"long": LONG}, catalog=None)
    app = live_app(workspace.root, "poll")
    path = workspace.seeds_dir / "long.txt"
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until_ready(pilot, index=False)
        await open_reader_on(pilot, "long", paragraph=21)  # "Paragraph 20 says…" on top
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        top = reader.article.paragraphs[reader.view.top_paragraph()].text
        assert top.startswith("Paragraph 20 says")
        await pilot.press("h")  # highlight the cursor sentence (paragraph 20)
        await wait_for(pilot, lambda: len(reader.view.highlights) == 1, what="the highlight saved")
        await wait_for(pilot, lambda: app.live.watching, what="the watcher started")
        inserted = LONG.replace(
            "Long Article\n\n", "Long Article\n\nAn editor's note added above everything.\n\n"
        )
        path.write_text(inserted, encoding="utf-8")

        def reloaded() -> bool:
            screen = app.screen
            return (
                isinstance(screen, ReaderScreen)
                and screen is not reader
                and "editor's note" in screen.article.text
                and "Reloaded" in [n.title for n in notifications(app)]
            )

        await wait_for(pilot, reloaded, what="the reader reloaded")
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        new_top = screen.article.paragraphs[screen.view.top_paragraph()].text
        assert new_top.startswith("Paragraph 20 says")  # one paragraph further down now
        assert screen.article.paragraphs[screen.view.cursor].text.startswith("Paragraph 20")
        assert "1 highlight: 1 anchored" in notes(app)
        assert len(screen.view.highlights) == 1
        assert "1 article changed" in notes(app)


async def test_a_reader_under_another_screen_reloads_when_back_on_top(tmp_path):
    workspace = make_workspace(tmp_path / "ws")
    app = live_app(workspace.root, "poll")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until_ready(pilot, index=False)
        await open_reader_on(pilot, "gamma")
        reader = app.screen
        await pilot.press("question_mark")  # the help screen on top of the reader
        await wait_for(pilot, lambda: app.screen is not reader, what="help on top")
        await wait_for(pilot, lambda: app.live.watching, what="the watcher started")
        text = SAMPLE_ARTICLES["gamma"].replace("rain in the morning", "snow at dawn")
        (workspace.seeds_dir / "gamma.txt").write_text(text, encoding="utf-8")
        await wait_for(
            pilot, lambda: "snow at dawn" in app.articles["gamma"].text, what="the re-read"
        )
        assert app.screen is not reader and isinstance(reader, ReaderScreen)
        await pilot.press("escape")

        def new_text_shown() -> bool:
            screen = app.screen
            return isinstance(screen, ReaderScreen) and "snow at dawn" in screen.article.text

        await wait_for(pilot, new_text_shown, what="the reader reloaded on resume")
        assert "snow at dawn" in screen_text(app)


async def test_removing_the_open_article_keeps_its_text_and_says_so(tmp_path):
    workspace = make_workspace(tmp_path / "ws")
    app = live_app(workspace.root, "poll")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until_ready(pilot, index=False)
        await open_reader_on(pilot, "gamma")
        await wait_for(pilot, lambda: app.live.watching, what="the watcher started")
        (workspace.seeds_dir / "gamma.txt").unlink()
        await wait_for(pilot, lambda: "removed from seeds/" in notes(app), what="the warning")
        assert "Almaty" in screen_text(app)  # still the text last read
        assert "1 article removed" in notes(app)


async def test_real_file_system_events_are_noticed(tmp_path):
    workspace = make_workspace(tmp_path / "ws")
    app = live_app(workspace.root, "auto")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until_ready(pilot, index=False)
        await wait_for(pilot, lambda: app.live.watching, what="the watcher started")
        (workspace.seeds_dir / "delta.txt").write_text(DELTA, encoding="utf-8")
        await wait_for(pilot, lambda: "delta" in app.articles, what="the new article")
        assert "1 article added." in notes(app)
    assert not app.live.watching


async def test_watching_off_and_the_manual_reload(tmp_path):
    workspace = make_workspace(tmp_path / "ws")
    app = live_app(workspace.root, "off")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until_ready(pilot, index=False)
        assert not app.live.watching
        (workspace.seeds_dir / "delta.txt").write_text(DELTA, encoding="utf-8")
        app.action_reload()
        await wait_for(pilot, lambda: "delta" in app.articles, what="the manual reload")
        assert "1 article added." in notes(app)


def test_without_events_the_watch_falls_back_to_polling(tmp_path, monkeypatch):
    import threading

    import watchfiles

    calls: list[bool] = []
    said: list[str] = []
    stop = threading.Event()

    def fake_watch(*_paths, force_polling=None, **_options):
        calls.append(bool(force_polling))
        if not force_polling:
            raise OSError("OS file watch limit reached")
        yield {(watchfiles.Change.added, str(tmp_path / "a.txt"))}
        stop.set()

    monkeypatch.setattr(watchfiles, "watch", fake_watch)
    batches: list[set[str]] = []
    from tuireader.app.workspace.watch import watch_seeds

    watch_seeds(tmp_path, "auto", stop, batches.append, said.append)
    assert calls == [False, True]  # events first, then polling
    assert batches == [{str(tmp_path / "a.txt")}]
    assert said == [
        "File-system events are not available (OS file watch limit reached); "
        "polling seeds/ instead."
    ]
