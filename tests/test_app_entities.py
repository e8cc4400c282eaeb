"""Pilot tests of the entity features: the reader's sidebar (p), highlights with n/N, the
articles naming an entity (o), the entities screen (E), the palette provider, extraction in
the app's index worker, the model-missing message, and a start-up that never imports spaCy.

Entities come from the fake pipeline of test_entities_support (no spaCy), cached on disk the
way the app reads them, or run by the app's worker (`app.entities.nlp`). The real path, a
child process that loads spaCy, runs in the model-missing test (the test process itself never
imports spaCy).
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from app_harness import (
    notifications,
    open_reader_on,
    palette_ready,
    screen_strips,
    screen_text,
    search_current,
    wait_for,
    wait_until_ready,
    workers_running,
)
from test_entities_support import ARTICLE_A, ARTICLE_B, FakeDoc, FakeNlp
from textual.widgets import Static

from tuireader.app.app import TuiReaderApp
from tuireader.app.entities.articles_screen import EntityArticlesScreen
from tuireader.app.entities.commands import EntityCommands, SidebarCommands
from tuireader.app.entities.reader_sidebar import ENTITY_STYLE
from tuireader.app.entities.screen import EntitiesScreen
from tuireader.app.entities.sidebar import EntitySidebar, entity_prompt
from tuireader.app.reader.screen import ReaderScreen
from tuireader.app.search.screen import SearchScreen
from tuireader.app.shell.index_status import IndexStatus
from tuireader.app.shell.render import MATCH_STYLE
from tuireader.app.state.entities import EntitiesUpdate, run_entity_job
from tuireader.core.child_job import JobCancelled
from tuireader.core.entities.extract import ENABLE_ENTITIES_HELP
from tuireader.core.entities.index import ArticleEntity, Entity, EntityIndex
from tuireader.core.entities.mention import Mention
from tuireader.core.settings import DEFAULT_SPACY_MODEL
from tuireader.core.workspace import Workspace

# Kazakhstan: 6 mentions in 3 articles; Xinjiang: 4 mentions in 4 articles (sorting differs).
ARTICLE_C = "Third report\n\nKazakhstan, Kazakhstan and Kazakhstan again, then Xinjiang.\n"
ARTICLE_D = "Fourth report\n\nXinjiang once more, says Human Rights Watch.\n"
FILES = {"a.txt": ARTICLE_A, "b.txt": ARTICLE_B, "c.txt": ARTICLE_C, "d.txt": ARTICLE_D}
SETTLED = ("ready", "unavailable", "failed")


def write_files(root: Path) -> Workspace:
    """A workspace with the four articles (no indexes)."""
    seeds = root / "seeds"
    seeds.mkdir(parents=True, exist_ok=True)
    for name, text in FILES.items():
        (seeds / name).write_text(text, encoding="utf-8")
    return Workspace.open(root)


def build_caches(root: Path) -> None:
    """Search index and entity cache, as a finished index run leaves them."""
    workspace = write_files(root)
    workspace.reindex()
    EntityIndex.build(workspace, nlp=FakeNlp(), model=DEFAULT_SPACY_MODEL)


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("entities")
    build_caches(path)
    return path


async def wait_for_entities(pilot, timeout: float = 20.0) -> TuiReaderApp:
    """Wait until the app is ready and entity extraction has settled."""
    app = await wait_until_ready(pilot)
    deadline = time.monotonic() + timeout
    while app.entities.state.phase not in SETTLED:
        if time.monotonic() > deadline:
            raise TimeoutError(f"entities never settled: {app.entities.state}")
        await asyncio.sleep(0.02)
    await pilot.pause()
    return app


async def open_reader(pilot, article_id: str) -> ReaderScreen:
    app = await wait_for_entities(pilot)
    await open_reader_on(pilot, article_id, paragraph=1)
    assert isinstance(app.screen, ReaderScreen)
    return app.screen


async def open_sidebar(pilot, article_id: str = "a") -> tuple[ReaderScreen, EntitySidebar]:
    reader = await open_reader(pilot, article_id)
    await pilot.press("p")
    await wait_for(
        pilot,
        lambda: reader.entities.sidebar is not None and reader.entities.sidebar.display,
        what="the entity sidebar",
    )
    sidebar = reader.entities.sidebar
    assert sidebar is not None and sidebar.display
    return reader, sidebar


def option_lines(sidebar: EntitySidebar) -> list[str]:
    listing = sidebar.entity_list
    return [str(listing.get_option_at_index(i).prompt).strip() for i in range(listing.option_count)]


def mention_texts(reader: ReaderScreen) -> list[str]:
    """The highlighted words of the reader, as they read in the text."""
    paragraphs = reader.article.paragraphs
    return [paragraphs[m.index].text[m.start : m.end] for m in reader.view.matches]


def styles_of(app: TuiReaderApp, word: str) -> list[str]:
    """The rich styles of every segment on screen whose text is exactly `word`."""
    found = []
    for strip in screen_strips(app):
        for segment in strip:
            if segment.text == word:
                found.append(str(segment.style))
    return found


# ---------------------------------------------------------------------- sidebar


async def test_p_toggles_a_sidebar_grouped_by_type_with_counts(root):
    app = TuiReaderApp(Workspace.open(root))
    async with app.run_test(size=(120, 40)) as pilot:
        reader, sidebar = await open_sidebar(pilot)
        assert sidebar.entity_list.has_focus
        lines = option_lines(sidebar)
        # headings in type order, entities most mentioned first, furniture not counted
        assert lines == [
            "People · 1",
            "3 Sayragul Sauytbay",
            "Organisations · 1",
            "1 Human Rights Watch",
            "Places · 2",
            "2 Kazakhstan",
            "1 Xinjiang",
            "Groups · 1",
            "2 Uighur",
            "Dates · 1",
            "1 2018",
        ]
        assert sidebar.entity_list.highlighted == 1  # the first entity, not a heading
        text = screen_text(app)
        assert "Entities · 6" in text and "3 Sayragul Sauytbay" in text
        # beside the text on a wide terminal
        assert reader.view.size.width > 60 and sidebar.size.width < 40
        await pilot.press("p")
        assert not sidebar.display and reader.view.has_focus
        await pilot.press("p")
        assert sidebar.display and sidebar.entity_list.has_focus


async def test_enter_highlights_mentions_and_n_steps_through_them(root):
    app = TuiReaderApp(Workspace.open(root))
    async with app.run_test(size=(120, 40)) as pilot:
        reader, sidebar = await open_sidebar(pilot)
        await pilot.press("enter")  # Sayragul Sauytbay
        await pilot.pause()
        view = reader.view
        assert view.match_style == ENTITY_STYLE != MATCH_STYLE
        assert mention_texts(reader) == ["Sayragul Sauytbay", "Sauytbay", "Sauytbay"]
        assert view.current_match == 0
        status = str(reader.query_one("#reader-status").render())
        assert "mention 1/3 of “Sayragul Sauytbay” (n/N)" in status
        assert "● " in option_lines(sidebar)[1]  # marked in the list, without colour
        # mentions are underlined, not reversed like search matches; the current one is both
        others = styles_of(app, "Sauytbay")
        assert others and all("underline" in s and "reverse" not in s for s in others)
        assert any("reverse" in s for s in styles_of(app, "Sayragul Sauytbay"))
        await pilot.press("escape")  # back to the text; the sidebar stays on a wide screen
        assert reader.view.has_focus and sidebar.display
        await pilot.press("n")
        assert view.current_match == 1
        await pilot.press("n", "n")
        assert view.current_match == 0  # wrapped
        await pilot.press("N")
        assert view.current_match == 2
        assert "mention 3/3" in str(reader.query_one("#reader-status").render())
        # enter on the same entity clears it
        await pilot.press("tab")
        await pilot.pause()
        assert sidebar.entity_list.has_focus
        await pilot.press("enter")
        assert view.matches == [] and reader.entities.active is None
        assert "● " not in option_lines(sidebar)[1]


async def test_find_replaces_the_entity_highlights(root):
    app = TuiReaderApp(Workspace.open(root))
    async with app.run_test(size=(120, 40)) as pilot:
        reader, _sidebar = await open_sidebar(pilot)
        await pilot.press("enter", "escape", "f", *"court")
        await wait_for(
            pilot,
            lambda: reader.matches.query == "court" and not workers_running(app, reader),
            what="the find for “court”",
        )
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert reader.entities.active is None
        assert reader.view.match_style == MATCH_STYLE and len(reader.view.matches) == 1
        assert "match 1/1 for “court”" in str(reader.query_one("#reader-status").render())


async def test_narrow_terminal_sidebar_takes_the_width_and_closes_on_enter(root):
    app = TuiReaderApp(Workspace.open(root))
    async with app.run_test(size=(80, 24)) as pilot:
        reader, sidebar = await open_sidebar(pilot)
        assert sidebar.size.width == 80  # the text is not squeezed beside it
        await pilot.press("down", "enter")  # Human Rights Watch (skips the heading)
        await pilot.pause()
        assert not sidebar.display and reader.view.has_focus
        assert reader.entities.active is not None
        assert reader.entities.active.entity.name == "Human Rights Watch"  # type: ignore[union-attr]
        assert "mention 1/1 of “Human Rights Watch”" in screen_text(app)
        await pilot.press("p", "escape")  # escape closes it too
        assert not sidebar.display and reader.view.has_focus


async def test_o_lists_the_articles_and_enter_opens_one_highlighted(root):
    app = TuiReaderApp(Workspace.open(root))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_sidebar(pilot)
        await pilot.press("down", "down", "enter", "o")  # Kazakhstan, then o
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, EntityArticlesScreen)
        assert modal.entity.name == "Kazakhstan"
        text = screen_text(app)
        assert "6 mentions in 3 articles" in text
        assert 'Search all articles: entity:"Kazakhstan"' in text
        rows = [
            str(modal.option_list.get_option_at_index(i).prompt)
            for i in range(modal.option_list.option_count)
        ]
        assert [r.split()[0] for r in rows[1:]] == ["3", "2", "1"]  # c, a, b: most first
        assert "Third report" in rows[1] and "Another view" in rows[3]
        assert modal.option_list.highlighted == 1
        await pilot.press("j", "j", "enter")  # b
        await pilot.pause()
        await pilot.pause()
        opened = app.screen
        assert isinstance(opened, ReaderScreen) and opened.article.id == "b"
        assert opened.entities.active is not None
        assert mention_texts(opened) == ["Kazakhstan"]
        assert opened.view.match_style == ENTITY_STYLE


async def test_o_search_row_opens_the_entity_search(root):
    app = TuiReaderApp(Workspace.open(root))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_sidebar(pilot)
        await pilot.press("o", "slash")
        await wait_for(pilot, lambda: search_current(app), what="the entity search")
        await app.workers.wait_for_complete()
        await pilot.pause()
        search = app.screen
        assert isinstance(search, SearchScreen)
        assert search.query_input.value == 'entity:"Sayragul Sauytbay"'
        assert search.results is not None
        assert {hit.doc_id for hit in search.results.hits} == {"a", "b"}


async def test_o_without_an_entity_says_what_to_do(root):
    app = TuiReaderApp(Workspace.open(root))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_reader(pilot, "a")
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert any("Select an entity first" in str(n.message) for n in notifications(app))
        # the palette offers the sidebar in a reader (p is not in the 80-column footer):
        # the app's entity commands and the reader's own
        # (a provider may be listed as a function returning it: loaded when the palette opens)
        listed = app.COMMANDS | app.screen.COMMANDS
        palette = {p if isinstance(p, type) else p() for p in listed}
        providers = [p(app.screen) for p in (EntityCommands, SidebarCommands) if p in palette]
        hits = {hit.text: hit for hit in [h for p in providers async for h in p.discover()]}
        assert set(hits) == {"Entities of the workspace", "Entities in this article"}
        await hits["Entities in this article"].command()  # type: ignore[misc]
        await pilot.pause()
        assert app.screen.entities.sidebar is not None and app.screen.entities.sidebar.display


async def test_without_an_index_check_the_sidebar_starts_one(root):
    app = TuiReaderApp(Workspace.open(root), check_index=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until_ready(pilot, index=False)
        assert app.entities.state.phase == "off" and app.entities.index is None
        await open_reader_on(pilot, "a", paragraph=1)
        await pilot.press("p")
        await wait_for_entities(pilot)
        await pilot.pause()
        assert "3 Sayragul Sauytbay" in option_lines(app.screen.query_one(EntitySidebar))


# ---------------------------------------------------------------------- entities screen


async def test_entities_screen_sorts_filters_and_opens(root):
    app = TuiReaderApp(Workspace.open(root))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_entities(pilot)
        await pilot.press("E")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, EntitiesScreen)
        names = [e.name for e in screen.shown]
        assert names[0] == "Sayragul Sauytbay"  # people first
        assert names.index("Kazakhstan") < names.index("Xinjiang")  # 6 mentions vs 4
        assert "Kazakhstan" in screen_text(app) and "Organisation" in screen_text(app)
        # the detail pane: spellings and articles of the entity under the cursor
        text = screen_text(app)
        assert "4 mentions in 2 articles" in text and "also spelt Sauytbay" in text
        await pilot.press("s")
        names = [e.name for e in screen.shown]
        assert names.index("Xinjiang") < names.index("Kazakhstan")  # 4 articles vs 3
        assert "by articles (s)" in screen_text(app)
        await pilot.press("t")  # people only
        assert {e.kind for e in screen.shown} == {"PERSON"}
        await pilot.press("t", "t")  # places
        assert [e.name for e in screen.shown] == ["Xinjiang", "Kazakhstan"]
        for _ in range(4):  # groups, dates, figures, all
            await pilot.press("t")
        assert screen.kind is None
        # filter as you type, any spelling, case and accents ignored
        await pilot.press("f", *"UYGHUR")
        await wait_for(
            pilot, lambda: [e.name for e in screen.shown] == ["Uighur"], what="the filter"
        )
        assert [e.name for e in screen.shown] == ["Uighur"]
        await pilot.press("escape")  # clears the filter
        assert screen.filter_input.value == "" and len(screen.shown) == 6
        await pilot.press("f", *"zzz")
        await wait_for(pilot, lambda: screen.shown == [], what="the filter")
        assert screen.shown == [] and "escape clears the filter" in screen_text(app)
        await pilot.press("escape")
        # enter searches for the entity under the cursor
        await pilot.press("enter")
        await wait_for(pilot, lambda: search_current(app), what="the entity search")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        assert app.screen.query_input.value == 'entity:"Sayragul Sauytbay"'
        await pilot.press("escape")
        assert app.screen is screen
        # E in a reader opened from here goes back to this entities screen
        await pilot.press("o", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        await pilot.press("E")
        assert app.screen is screen


async def test_entities_screen_o_opens_an_article(root):
    app = TuiReaderApp(Workspace.open(root))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_entities(pilot)
        await pilot.press("E", "o")
        await pilot.pause()
        assert isinstance(app.screen, EntityArticlesScreen)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        reader = app.screen
        assert isinstance(reader, ReaderScreen) and reader.article.id == "a"
        assert len(reader.view.matches) == 3
        await pilot.press("escape")
        assert isinstance(app.screen, EntitiesScreen)


# ---------------------------------------------------------------------- palette


async def test_palette_finds_entities_by_any_spelling(root):
    app = TuiReaderApp(Workspace.open(root))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_entities(pilot)
        provider = EntityCommands(app.screen)
        hits = [hit async for hit in provider.search("uyghur")]
        assert hits and hits[0].text == "Uighur"
        assert str(hits[0].match_display) == "Uyghur → Uighur"
        assert "also" in (hits[0].help or "")
        # the palette itself: typing a short form, enter opens the entity search
        await pilot.press("ctrl+p", *"sauytbay")
        await wait_for(pilot, lambda: palette_ready(app), what="the palette's matches")
        await pilot.press("enter")
        await wait_for(pilot, lambda: search_current(app), what="the entity search")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        assert app.screen.query_input.value == 'entity:"Sayragul Sauytbay"'
        discovered = [hit async for hit in EntityCommands(app.screen).discover()]
        assert [h.text for h in discovered] == ["Entities of the workspace"]


def test_entity_names_are_shown_as_text_not_markup():
    name = "[@click=app.quit]Evil[/] [bold]Corp"
    entity = Entity(name, "ORG", "ORG", [name], 1, {"a": 1})
    item = ArticleEntity(entity, [Mention(name, "ORG", "ORG", 0, len(name), 1)])
    assert entity_prompt(item, selected=False).plain.strip() == f"1 {name}"


# ---------------------------------------------------------------------- extraction


class GatedNlp(FakeNlp):
    """A fake pipeline that waits for the test before each text (to see progress)."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()

    def pipe(self, texts: Iterable[str], *, batch_size: int, n_process: int) -> Iterator[FakeDoc]:
        for doc in super().pipe(texts, batch_size=batch_size, n_process=n_process):
            if not self.gate.wait(10):
                raise TimeoutError("the test never opened the gate")
            yield doc


async def test_entities_are_extracted_after_the_search_index_with_progress(tmp_path):
    write_files(tmp_path)
    app = TuiReaderApp(Workspace.open(tmp_path))
    nlp = GatedNlp()
    app.entities.nlp = nlp
    phases: list[tuple[str, int, int]] = []
    apply = app.entities.apply

    def record(message: EntitiesUpdate) -> None:
        phases.append((message.state.phase, message.state.done, message.state.total))
        apply(message)

    app.entities.apply = record  # type: ignore[method-assign]
    async with app.run_test(size=(100, 30)) as pilot:
        deadline = time.monotonic() + 20  # (wait_until_ready would wait for the worker)
        while app.entities.state.phase != "extracting" or not app.index_state.ready:
            assert time.monotonic() < deadline, app.entities.state
            await asyncio.sleep(0.02)
        await pilot.pause()
        status = app.screen.query_one(IndexStatus)
        assert status.display
        assert "Extracting entities" in screen_text(app)
        await open_reader_on(pilot, "a")
        await pilot.press("p")
        await pilot.pause()
        assert "Extracting entities" in screen_text(app)
        nlp.gate.set()
        await wait_for_entities(pilot)
        assert app.entities.state.phase == "ready"
        assert phases[0][0] == "checking"
        assert ("extracting", 4, 4) in phases and phases[-1][0] == "ready"
        sidebar = app.screen.query_one(EntitySidebar)  # refreshed when entities arrived
        assert "3 Sayragul Sauytbay" in option_lines(sidebar)
        assert "Extracting" not in screen_text(app)


async def test_while_new_articles_are_extracted_the_others_show_their_entities(tmp_path):
    build_caches(tmp_path)
    (tmp_path / "seeds" / "e.txt").write_text("Fifth\n\nSauytbay in Xinjiang.\n", "utf-8")
    app = TuiReaderApp(Workspace.open(tmp_path))
    nlp = GatedNlp()
    app.entities.nlp = nlp
    async with app.run_test(size=(120, 40)) as pilot:
        deadline = time.monotonic() + 20
        while app.entities.state.phase != "extracting" or app.entities.index is None:
            assert time.monotonic() < deadline, app.entities.state
            await asyncio.sleep(0.02)
        assert app.entities.index.missing == ["e"]
        await open_reader_on(pilot, "a")
        await pilot.press("p")
        await wait_for(
            pilot,
            lambda: "3 Sayragul Sauytbay" in option_lines(app.screen.query_one(EntitySidebar)),
            what="the cached article's entities in the sidebar",
        )
        await open_reader_on(pilot, "e")
        await pilot.press("p")
        await wait_for(
            pilot,
            lambda: "Extracting entities" in screen_text(app),
            what="the extraction notice for the new article",
        )
        sidebar = app.screen.query_one(EntitySidebar)
        assert sidebar.items == [] and "Extracting entities" in screen_text(app)
        nlp.gate.set()
        await wait_for_entities(pilot)
        assert option_lines(sidebar) == [
            "People · 1",
            "1 Sauytbay",  # a surname alone, with no full name in its article: its own
            "Places · 1",
            "1 Xinjiang",
        ]
        assert nlp.texts == ["Fifth", "Sauytbay in Xinjiang."]  # only the new article


async def test_missing_model_explains_how_to_enable_entities(tmp_path, isolated_config):
    (isolated_config / "settings.yaml").write_text(
        "spacy_model: no_such_model_for_tuireader\n", encoding="utf-8"
    )
    write_files(tmp_path)
    app = TuiReaderApp(Workspace.open(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        _reader, sidebar = await open_sidebar(pilot)
        assert app.entities.state.phase == "unavailable"
        assert sidebar.items == []
        message = str(sidebar.query_one("#entity-message", Static).content)
        assert "no_such_model_for_tuireader" in message and ENABLE_ENTITIES_HELP in message
        await wait_for(
            pilot,
            lambda: any(n.title == "Entities" for n in notifications(app)),
            what="the Entities notification",
        )
        warnings = [n for n in notifications(app) if n.title == "Entities"]
        assert len(warnings) == 1 and ENABLE_ENTITIES_HELP in warnings[0].message
        # search still works, and the entities screen says the same
        assert app.index_state.ready
        await pilot.press("E")
        await pilot.pause()
        status = str(app.screen.query_one("#entity-status", Static).content)
        assert ENABLE_ENTITIES_HELP in status
        await pilot.press("escape", "p")
        assert isinstance(app.screen, ReaderScreen)


def test_the_extraction_child_is_killed_when_cancelled_and_its_failures_are_reported(
    tmp_path,
):
    write_files(tmp_path)
    started = time.monotonic()
    with pytest.raises(JobCancelled):
        run_entity_job(tmp_path, lambda *_: None, lambda: True)
    assert time.monotonic() - started < 5
    with pytest.raises(RuntimeError, match="no seeds/ folder"):
        run_entity_job(tmp_path / "seeds", lambda *_: None, lambda: False)


STARTUP = textwrap.dedent(
    """
    import asyncio, json, sys
    from tuireader.core.workspace import Workspace
    from tuireader.app.app import TuiReaderApp
    from app_harness import open_reader_on, wait_for, wait_until_ready

    async def main(root):
        app = TuiReaderApp(Workspace.open(root))
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_until_ready(pilot)
            settled = ("ready", "unavailable", "failed")
            await wait_for(pilot, lambda: app.entities.state.phase in settled, what="entities")
            await open_reader_on(pilot, "a")
            await pilot.press("p")
            await wait_for(
                pilot, lambda: app.screen.query("#entity-sidebar").first().items, what="listed"
            )
            sidebar = app.screen.query_one("#entity-sidebar")
            out = {
                "phase": app.entities.state.phase,
                "entities": len(app.entities.index.entities) if app.entities.index else 0,
                "listed": len(sidebar.items),
                "spacy": "spacy" in sys.modules,
            }
        print(json.dumps(out))

    asyncio.run(main(sys.argv[1]))
    """
)


def test_a_warm_cache_shows_entities_without_importing_spacy(root, isolated_config):
    result = subprocess.run(
        [sys.executable, "-c", STARTUP, str(root)],
        capture_output=True,
        text=True,
        timeout=120,
        env={
            "TUIREADER_CONFIG_DIR": str(isolated_config),
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(Path(__file__).parent),  # app_harness
        },
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out == {"phase": "ready", "entities": 6, "listed": 6, "spacy": False}
