"""Entities where the user is: the open article goes through NER first, its entities are
shown grouped within the article until the corpus is done, and the model setting.

Core tests use the fake pipeline of test_entities_support (no spaCy); the Pilot tests run a
slowed fake in the app's worker (`app.entities.nlp`); only the model-message test imports
spaCy (to find that a model is not installed).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from test_entities_support import FakeDoc, FakeNlp, write_workspace

from tuireader.core.entities import index as entity_index
from tuireader.core.entities.extract import ModelUnavailable, load_ner, run_ner
from tuireader.core.entities.index import (
    EntityIndex,
    NerStore,
    extract_first,
    want_first,
    wanted_articles,
)
from tuireader.core.settings import DEFAULT_SPACY_MODEL, Settings
from tuireader.core.workspace import Workspace

# Forty one-paragraph stories, each naming the witness once in full and once by surname.
STORY = "Story {i}\n\nSayragul Sauytbay reached Kazakhstan. Sauytbay spoke in 2018.\n"
STORIES = {f"{i:02d}.txt": STORY.format(i=i) for i in range(40)}


def stories(tmp_path: Path) -> Workspace:
    return write_workspace(tmp_path, STORIES)


# ---------------------------------------------------------------------- NER order


def test_a_wanted_article_jumps_the_queue_in_one_process(tmp_path: Path) -> None:
    articles = list(stories(tmp_path).articles.values())
    done: list[str] = []
    wanted: set[str] = set()

    def first() -> set[str]:
        if len(done) == 3:  # the user opens article 30 while the fourth is on its way
            wanted.add("30")
        return wanted

    results = []
    for article, found in run_ner(FakeNlp(), articles, batch_size=2, first=first):
        done.append(article.id)
        results.append((article.id, found))
    assert done.index("30") <= 5  # not 30th: at most the text already in the model's hands
    assert sorted(done) == sorted(a.id for a in articles)  # every article once
    serial = dict((a.id, f) for a, f in run_ner(FakeNlp(), articles, n_process=1))
    assert dict(results) == serial  # the same entities, whatever the order


def test_a_wanted_article_is_run_at_once_beside_the_worker_processes(tmp_path: Path) -> None:
    articles = list(stories(tmp_path).articles.values())
    order = [a.id for a, _ in run_ner(FakeNlp(), articles, n_process=2, first=lambda: {"37", "38"})]
    # The main process runs 37 then 38 at once; a worker's first task may finish in between
    # (they run concurrently), but neither waits behind the queue (they would be 37th, 38th).
    assert order[0] == "37" or order.index("37") <= 2
    assert order.index("38") <= 3
    assert sorted(order) == sorted(a.id for a in articles)


def test_two_wanted_articles_at_once_are_both_run_in_one_process(tmp_path: Path) -> None:
    # Serial extraction (no fork: the app's threads are running) takes one article at a time;
    # two wanted at once once dropped the second for good.
    articles = list(stories(tmp_path).articles.values())
    order = [a.id for a, _ in run_ner(FakeNlp(), articles, n_process=1, first=lambda: {"37", "38"})]
    assert order[:2] == ["37", "38"]
    assert sorted(order) == sorted(a.id for a in articles)


def test_build_stores_a_wanted_article_at_once_and_says_so(tmp_path: Path) -> None:
    workspace = stories(tmp_path)
    announced: list[tuple[str, int]] = []
    progress: list[str] = []

    def ready(article_id: str) -> None:
        # by now the article is in the cache (not only in the batch of the next commit)
        alone = EntityIndex.article_alone(Workspace.open(tmp_path), article_id)
        assert alone is not None
        announced.append((article_id, len(progress)))

    assert EntityIndex.article_alone(workspace, "25") is None  # nothing extracted yet
    index = EntityIndex.build(
        workspace,
        lambda done, total, article_id: progress.append(article_id),
        nlp=FakeNlp(),
        first=lambda: {"25"},
        ready=ready,
    )
    assert announced == [("25", 0)]  # the first through NER, announced before any other
    assert progress[0] == "25" and len(progress) == 40
    assert index.is_complete


def test_a_wanted_article_already_cached_is_announced_before_the_others_run(
    tmp_path: Path,
) -> None:
    workspace = stories(tmp_path)
    EntityIndex.build(workspace, nlp=FakeNlp())
    (tmp_path / "seeds" / "05.txt").write_text("Changed\n\nSauytbay again.\n", encoding="utf-8")
    announced: list[str] = []
    nlp = FakeNlp()
    EntityIndex.build(
        Workspace.open(tmp_path), nlp=nlp, first=lambda: {"12"}, ready=announced.append
    )
    assert announced == ["12"]  # cached: no NER needed for it
    assert nlp.texts == ["Changed", "Sauytbay again."]


def test_an_article_alone_is_grouped_within_itself(tmp_path: Path) -> None:
    files = {
        "x.txt": "Brief\n\nSayragul Sauytbay spoke in Xinjiang. Later Sauytbay said more.\n",
        "y.txt": "Other\n\nSauytbay was named in Kazakhstan. Sauytbay again.\n",
    }
    workspace = write_workspace(tmp_path, files)
    raw_only = NerStore(workspace.indexes_dir / "entities")
    x = workspace.article("x")
    nlp = FakeNlp()
    [(_, found)] = list(run_ner(nlp, [x]))
    raw_only.store(DEFAULT_SPACY_MODEL, [(x.checksum, found)])
    assert EntityIndex.article_alone(workspace, "y") is None  # not extracted
    alone = EntityIndex.article_alone(workspace, "x")
    assert alone is not None
    people = [i for i in alone.for_article("x") if i.entity.kind == "PERSON"]
    # the surname is the witness the article introduced, counted in this article only
    assert [(i.entity.name, i.count) for i in people] == [("Sayragul Sauytbay", 2)]
    assert people[0].entity.articles == {"x": 2}
    assert [x.text[s:e] for s, e in people[0].spans] == ["Sayragul Sauytbay", "Sauytbay"]


def test_an_open_article_is_extracted_before_the_others_are_read(tmp_path: Path) -> None:
    stories(tmp_path)
    workspace = Workspace.open(tmp_path)
    nlp = FakeNlp()
    stored = extract_first(workspace, nlp, {"12", "no-such-article"}, DEFAULT_SPACY_MODEL)
    assert stored == (["12"], 1)
    assert nlp.texts == ["Story 12", STORY.format(i=12).split("\n\n")[1].strip()]
    assert "articles" not in workspace.__dict__  # the other 39 files were not read
    alone = EntityIndex.article_alone(Workspace.open(tmp_path), "12")
    assert alone is not None and alone.find("Sauytbay") is not None
    rest = FakeNlp()
    index = EntityIndex.build(Workspace.open(tmp_path), nlp=rest)
    assert index.extracted == 39 and "Story 12" not in rest.texts  # found in the cache
    again = extract_first(Workspace.open(tmp_path), FakeNlp(), {"12"}, DEFAULT_SPACY_MODEL)
    assert again == (["12"], 0)  # cached: no model run, still reported as there


def test_wanted_articles_follow_the_file(tmp_path: Path) -> None:
    workspace = stories(tmp_path)
    wanted = wanted_articles(workspace)
    assert wanted() == frozenset()
    want_first(workspace, ["07", "03", "07"])
    assert wanted() == {"07", "03"}
    want_first(workspace, ["11"])
    assert wanted() == {"11"}
    (workspace.indexes_dir / "entities" / entity_index.WANTED_FILE).write_text("{not json")
    assert wanted() == frozenset()


# ---------------------------------------------------------------------- the model setting


def test_the_model_setting_reaches_the_model_loader(
    tmp_path: Path, isolated_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (isolated_config / "settings.yaml").write_text(
        "spacy_model: en_core_web_md\n", encoding="utf-8"
    )
    assert Settings.load().spacy_model == "en_core_web_md"
    asked: list[str] = []

    def loader(name: str) -> object:
        asked.append(name)
        raise ModelUnavailable(f"no {name} here")

    monkeypatch.setattr(entity_index, "load_ner", loader)
    index = EntityIndex.build(write_workspace(tmp_path))
    assert asked == ["en_core_web_md"]
    assert index.problems == ["no en_core_web_md here"] and index.missing == ["a", "b"]


def test_a_larger_model_that_is_not_installed_gets_a_clear_message() -> None:
    with pytest.raises(ModelUnavailable) as raised:
        load_ner("en_core_web_md_not_installed_here")
    message = str(raised.value)
    assert "'en_core_web_md_not_installed_here' cannot be loaded" in message
    assert "not installed" in message and "spacy_model setting" in message
    assert DEFAULT_SPACY_MODEL in message


@pytest.mark.parametrize("value", ["'en core web'", "'-x'", "'en_core_web_md;rm'"])
def test_a_model_name_that_names_nothing_is_reported(isolated_config: Path, value: str) -> None:
    (isolated_config / "settings.yaml").write_text(f"spacy_model: {value}\n", encoding="utf-8")
    settings = Settings.load()
    assert settings.spacy_model == DEFAULT_SPACY_MODEL
    assert len(settings.problems) == 1
    assert "line 1: 'spacy_model' must name an installed spaCy model" in settings.problems[0]


@pytest.mark.parametrize("value", ["en_core_web_lg", "~/models/news", "/opt/models/ner-1.0"])
def test_model_packages_and_folders_are_accepted(isolated_config: Path, value: str) -> None:
    (isolated_config / "settings.yaml").write_text(f"spacy_model: {value}\n", encoding="utf-8")
    settings = Settings.load()
    assert (settings.spacy_model, settings.problems) == (value, [])


# ---------------------------------------------------------------------- the app


class SlowNlp(FakeNlp):
    """A fake pipeline slowed on every article but the ones the test wants, until the test
    opens the gate (then it runs at full speed): the corpus is still being extracted when
    the open article's entities arrive, however busy the machine."""

    def __init__(self, fast: set[str]) -> None:
        super().__init__()
        self.fast = fast
        self.gate = threading.Event()

    def pipe(self, texts: Iterable[str], *, batch_size: int, n_process: int) -> Iterator[FakeDoc]:
        for text in texts:
            if not any(marker in text for marker in self.fast):
                self.gate.wait(0.2)
            yield from super().pipe([text], batch_size=batch_size, n_process=n_process)


APP_STORY = (
    "Story {i}\n\n"
    "Sayragul Sauytbay, marker {i}, reached Kazakhstan. Sauytbay spoke in 2018.\n\n"
    "Human Rights Watch followed her case in Xinjiang.\n"
)


async def test_the_open_article_fills_its_sidebar_before_the_corpus_is_done(
    tmp_path: Path,
) -> None:
    from app_harness import open_reader_on, wait_for
    from textual.widgets import Static

    from tuireader.app.app import TuiReaderApp
    from tuireader.app.reader.screen import ReaderScreen

    files = {f"{i:02d}.txt": APP_STORY.format(i=i) for i in range(30)}
    workspace = write_workspace(tmp_path, files)
    app = TuiReaderApp(workspace)
    nlp = SlowNlp({"marker 27,", "Story 27"})
    app.entities.nlp = nlp
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.articles_loaded, what="the articles")
        await open_reader_on(pilot, "27", paragraph=1)
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        await pilot.press("p")

        def listed() -> list[tuple[str, int]]:
            sidebar = reader.entities.sidebar
            return [(item.entity.name, item.count) for item in sidebar.items] if sidebar else []

        await wait_for(pilot, lambda: bool(listed()), what="the open article's entities")
        state = app.entities.state
        assert state.phase == "extracting" and state.done < 30  # the corpus goes on
        assert app.entities.index is None or "27" in app.entities.index.missing
        # the surname resolved to the full name within the article; by kind, then count
        assert listed() == [
            ("Sayragul Sauytbay", 2),
            ("Human Rights Watch", 1),
            ("Kazakhstan", 1),
            ("Xinjiang", 1),
            ("2018", 1),
        ]
        sidebar = reader.entities.sidebar
        assert sidebar is not None
        message = str(sidebar.query_one("#entity-message", Static).content)
        assert "Grouped within this article" in message and "Extracting entities" in message
        # an entity: search meanwhile says it uses what is known so far, and why
        assert app.entities.spellings("Sauytbay") == ["Sauytbay", "Sayragul Sauytbay"]
        note = app.entities.search_note('entity:"Sauytbay" camps')
        assert "Extracting entities" in note and "known so far" in note
        assert "“Sauytbay” as Sauytbay, Sayragul Sauytbay" in note
        assert app.entities.search_note("camps") == ""  # no entity: term, nothing to say
        # the cursor on the witness stays on her when the corpus grouping arrives
        sidebar.highlight("PERSON:Sayragul Sauytbay")
        await pilot.press("enter")
        await wait_for(pilot, lambda: reader.entities.active is not None, what="selection")
        nlp.gate.set()
        deadline = time.monotonic() + 30
        while app.entities.state.phase != "ready":
            assert time.monotonic() < deadline, app.entities.state
            await asyncio.sleep(0.02)
        await wait_for(pilot, lambda: not app.entities.alone, what="the corpus grouping")
        highlighted = sidebar.highlighted_item()
        assert highlighted is not None and highlighted.entity.name == "Sayragul Sauytbay"
        assert highlighted.entity.mentions == 60  # now counted across the 30 stories
        assert reader.entities.active is highlighted
        assert app.entities.search_note('entity:"Sauytbay"') == ""  # done: nothing to add
        assert "Grouped within" not in str(sidebar.query_one("#entity-message", Static).content)
