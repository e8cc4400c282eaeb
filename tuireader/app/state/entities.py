"""The app's named entities: the cached EntityIndex, where its extraction stands, and helpers
the entity screens share.

Extraction runs at index time, in the app's index worker, right after the search index is
current (`AppEntities.update`, called from that thread). A warm cache is read with
`EntityIndex.load_cached`, which never imports spaCy. Only when articles lack NER results does
the worker start `tuireader.app.entities.job` in a child process, which loads the model and
fills the cache while the worker relays its progress (why a process and not this thread: see
that module). The worker posts `EntitiesUpdate` messages; the app hands them to
`AppEntities.apply` on the UI thread, which keeps the index and publishes `changed` for the
sidebar, the entities screen and the index status bar.

The article the user opens goes first (`AppEntities.want` asks the extraction through
`want_first`): once the child has it cached, the worker groups it within the article alone
(`EntityIndex.article_alone`) and posts that, so the reader's sidebar fills in a second or
two; the corpus grouping replaces it when the whole index is done.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from textual.app import App
from textual.message import Message
from textual.signal import Signal
from textual.worker import get_current_worker

from tuireader.core.child_job import JobCancelled, run_child_job

if TYPE_CHECKING:
    from tuireader.app.state.index_state import IndexState
    from tuireader.core.entities.extract import NerPipeline
    from tuireader.core.entities.index import ArticleEntity, Entity, EntityIndex
    from tuireader.core.workspace import Workspace

EntityPhase = Literal["off", "waiting", "checking", "extracting", "ready", "unavailable", "failed"]

PROGRESS_EVERY = 0.1
"""Seconds between progress messages while the model runs (one per article would flood)."""


@dataclass(frozen=True)
class EntityState:
    """Where entity extraction stands, as the UI shows it."""

    phase: EntityPhase = "waiting"
    done: int = 0
    total: int = 0
    message: str = ""

    @property
    def busy(self) -> bool:
        """Whether the worker is reading the cache or running the model."""
        return self.phase in ("checking", "extracting")

    def describe(self) -> str:
        """One line for a status bar or the sidebar."""
        if self.phase == "off":
            return "Entities are extracted with the search index (not checked yet)."
        if self.phase == "waiting":
            return "Entities: waiting for the search index…"
        if self.phase == "checking":
            return "Entities: reading the cache…"
        if self.phase == "extracting":
            if not self.total:  # the open article may be done while the rest is read
                if self.done:
                    return "Extracting entities: reading the articles…"
                return "Extracting entities: loading the language model…"
            return f"Extracting entities: {self.done:,}/{self.total:,} articles"
        if self.phase == "failed":
            return f"Entities unavailable: {self.message}"
        return self.message


class EntitiesUpdate(Message):
    """Posted by the index worker: a new entity state, and the index once there is one."""

    def __init__(
        self,
        state: EntityState,
        index: EntityIndex | None = None,
        problems: list[str] | None = None,
        alone: dict[str, list[ArticleEntity]] | None = None,
    ) -> None:
        super().__init__()
        self.state = state
        """Where extraction stands."""
        self.index = index
        """The new index (None: keep the current one)."""
        self.problems = problems or []
        """Things the user should be told once (model missing, bad alias file)."""
        self.alone = alone or {}
        """Article id -> its entities grouped within that article alone (`article_alone`),
        ready before the rest of the corpus is."""


def run_entity_job(
    root: Path,
    progress: Callable[[int, int, str], None],
    cancelled: Callable[[], bool],
    ready: Callable[[str], None] | None = None,
) -> list[str]:
    """Run `tuireader.app.entities.job` on the workspace at `root` in a child process, relaying
    its progress and, to `ready`, each article the app asked for first (`want_first`) once it
    is cached; the problems it reports. Raises JobCancelled (the child is killed) when
    `cancelled()` becomes true, RuntimeError when the child fails."""

    def relay(data: dict[str, Any]) -> None:
        if "progress" in data:
            done, total = data["progress"]
            progress(int(done), int(total), "")
        if "article" in data and ready is not None:
            ready(str(data["article"]))

    final = run_child_job(
        "tuireader.app.entities.job", [str(root)], relay, cancelled, "entity extraction"
    )
    return [str(problem) for problem in final.get("problems", [])]


class AppEntities:
    """The app's entity index and the state of its extraction (one per app).

    `index` is read on the UI thread; only `update` runs in the index worker, and it reaches
    the UI only through `post_message`.
    """

    def __init__(
        self,
        app: App[Any],
        workspace: Workspace,
        check_index: Callable[[], object],
        checking: bool = True,
    ) -> None:
        """`checking=False` (the app does not check its index at start-up) starts "off";
        `check_index` starts the app's index check (entities are extracted after it)."""
        self.app = app
        """The app (messages are posted to it, problems notified through it)."""
        self.workspace = workspace
        """The workspace whose entities these are."""
        self._check_index = check_index
        self.index: EntityIndex | None = None
        """The workspace's entities (None until read or built)."""
        self.state = EntityState("waiting" if checking else "off")
        """Where extraction stands."""
        self.changed: Signal[EntityState] = Signal(app, "entities-changed")
        """Published on the UI thread with every new state (and new index)."""
        self.nlp: NerPipeline | None = None
        """A stand-in for the spaCy pipeline, run in the worker thread (tests); None runs the
        configured model in a child process (tuireader.app.entities.job)."""
        self.alone: dict[str, list[ArticleEntity]] = {}
        """Entities of open articles grouped within each article, while the corpus index
        does not cover them yet (see `article_entities`)."""
        self._told: set[str] = set()
        self._wanted: list[str] = []  # articles opened, newest first (extracted first)

    # ------------------------------------------------------------------ worker side
    def update(self) -> None:
        """Read the entity cache, or extract what it lacks (in the index worker thread).

        spaCy is only ever imported by the child process this starts when some article has
        no cached results (or, in tests, a stand-in pipeline runs here). Cancelling the worker
        kills the child.
        """
        from tuireader.core.entities.extract import ENABLE_ENTITIES_HELP
        from tuireader.core.entities.index import EntityIndex, wanted_articles

        worker = get_current_worker()
        if worker.is_cancelled:  # a newer check replaces this one
            return
        post = self.app.post_message
        post(EntitiesUpdate(EntityState("checking")))
        last = [0.0]
        current = [EntityState("extracting")]

        def progress(done: int, total: int, _article_id: str) -> None:
            if worker.is_cancelled:
                raise JobCancelled
            now = time.monotonic()
            if done == total or now - last[0] >= PROGRESS_EVERY:
                last[0] = now
                current[0] = EntityState("extracting", done, total)
                post(EntitiesUpdate(current[0]))

        def ready(article_id: str) -> None:
            """An open article is extracted: show it grouped alone until the corpus is."""
            alone = EntityIndex.article_alone(self.workspace, article_id)
            if alone is not None and not worker.is_cancelled:
                items = {article_id: alone.for_article(article_id)}
                post(EntitiesUpdate(current[0], alone=items))

        try:
            workspace = self.workspace
            index = EntityIndex.load_cached(workspace)  # warm: never imports spaCy
            if index is None:
                # Some articles are new or changed: the others' entities can be shown while
                # the model runs on these.
                partial = EntityIndex.load_cached(workspace, allow_partial=True)
                post(EntitiesUpdate(EntityState("extracting"), partial))
                if self.nlp is not None:  # a stand-in pipeline (tests): run it here
                    first = wanted_articles(workspace)
                    index = EntityIndex.build(
                        workspace, progress, nlp=self.nlp, first=first, ready=ready
                    )
                else:
                    cancelled = lambda: worker.is_cancelled  # noqa: E731
                    found = run_entity_job(workspace.root, progress, cancelled, ready)
                    index = EntityIndex.load_cached(workspace, allow_partial=True)
                    if index is None:  # nothing extracted at all (no model, say)
                        index = EntityIndex(entities=[], missing=sorted(workspace.articles))
                    index.problems[:0] = [p for p in found if p not in index.problems]
        except JobCancelled:
            return
        except Exception as error:  # a broken cache or model must not take the app down
            post(EntitiesUpdate(EntityState("failed", message=f"{type(error).__name__}: {error}")))
            return
        if worker.is_cancelled:
            return
        if index.is_complete:
            count = len(index.entities)
            state = EntityState("ready", message=f"{count:,} entities.")
        else:
            problem = next(
                (p for p in index.problems if ENABLE_ENTITIES_HELP in p), ENABLE_ENTITIES_HELP
            )
            state = EntityState("unavailable", message=problem)
        post(EntitiesUpdate(state, index, list(index.problems)))

    # ------------------------------------------------------------------ UI side
    def apply(self, message: EntitiesUpdate) -> None:
        """Take a worker's update (UI thread): keep the index, tell new problems once."""
        self.state = message.state
        self.alone.update(message.alone)
        if message.index is not None:
            self.index = message.index
            covered = [a for a in self.alone if a not in message.index.missing]
            for article_id in covered:  # the corpus grouping replaces the article's own
                del self.alone[article_id]
        for problem in message.problems:
            if problem not in self._told:
                self._told.add(problem)
                self.app.notify(problem, title="Entities", severity="warning", markup=False)
        self.changed.publish(self.state)

    def entity(self, entity_id: str) -> Entity | None:
        """The entity with this id in the current index (None: no index, or gone)."""
        if self.index is None:
            return None
        return next((e for e in self.index.entities if e.id == entity_id), None)

    def article_entities(self, article_id: str) -> tuple[list[ArticleEntity], bool] | None:
        """The article's entities and whether they are grouped within the article alone
        (the corpus is still being extracted); None while nothing is known of them."""
        index = self.index
        if index is not None and article_id not in index.missing:
            return index.for_article(article_id), False
        if article_id in self.alone:
            return self.alone[article_id], True
        return None

    def want(self, article_id: str) -> None:
        """The user opened this article: have extraction do it first, unless its entities
        are known already (the request is written off the UI thread: it syncs a file, and
        the entity modules are imported there)."""
        self._wanted = [article_id, *(a for a in self._wanted if a != article_id)]
        found = self.article_entities(article_id)
        if found is not None and not found[1]:
            return
        wanted, workspace = list(self._wanted), self.workspace

        def ask() -> None:
            from tuireader.core.entities.index import want_first

            want_first(workspace, wanted)

        self.app.run_worker(ask, thread=True, group="entities-want")

    def spellings(self, name: str) -> list[str]:
        """Every spelling known of the entity `name` for an `entity:"Name"` search: from the
        index in memory (complete, or what was extracted so far), else from the articles
        grouped alone, else from the cache on disk (before the app has read it). Safe from
        the search thread: it only reads the current objects."""
        index = self.index
        if index is not None:
            found = index.spellings(name)
            if found or index.is_complete:
                return found
        from tuireader.core.entities.groups import fold
        from tuireader.core.entities.index import entity_spellings

        wanted = fold(name)  # case and accents ignored, as the index's own lookup does
        for items in list(self.alone.values()):
            for item in items:
                if wanted in {fold(alias) for alias in item.entity.aliases}:
                    return list(item.entity.aliases)
        if index is None and self.state.phase in ("off", "waiting", "checking"):
            return entity_spellings(self.workspace, name)
        return []

    def search_note(self, query: str) -> str:
        """What the search status line adds to the results of a query with `entity:`
        terms while entities are still extracted: that the search uses the spellings known
        so far, and how far extraction is ("" when it does not apply)."""
        from tuireader.core.search.query_syntax import QueryError, rewrite_entity_terms

        names: list[str] = []

        def record(name: str) -> list[str]:
            names.append(name)
            return []

        try:
            rewrite_entity_terms(query, record)  # the one reading of entity: terms
        except QueryError:
            return ""
        state = self.state
        if not names or state.phase not in ("waiting", "checking", "extracting"):
            return ""
        known = []
        for name in names:
            forms = self.spellings(name)
            shown = ", ".join(forms[:4]) + (", …" if len(forms) > 4 else "")
            known.append(f"“{name}” as {shown}" if forms else f"“{name}” as written")
        return (
            f"{state.describe()} — entity: matches the spellings known so far "
            f"({'; '.join(known)}); search again when extraction is done for all of them."
        )

    def first_mention(self, article_id: str, entity_id: str) -> int | None:
        """The paragraph where the article first names the entity (None: unknown)."""
        found = self.article_entities(article_id)
        if found is None:
            return None
        for item in found[0]:
            if item.entity.id == entity_id and item.mentions:
                return item.mentions[0].paragraph
        return None

    def ensure(self) -> None:
        """Make sure entities are on their way: when the app has not checked its index
        (started with check_index=False), check it now; the worker extracts after it."""
        if self.state.phase == "off":
            self.apply(EntitiesUpdate(EntityState("waiting")))
            self._check_index()


def entity_progress(entities: AppEntities, search: IndexState) -> tuple[IndexState, str] | None:
    """What the index status bar shows while entities are extracted once search is ready:
    a state for its progress bar and a label. None when there is nothing to show."""
    from tuireader.app.state.index_state import IndexState

    state = entities.state
    if not search.ready or state.phase != "extracting":
        return None
    return IndexState("building", state.done, state.total, "entities"), state.describe()
