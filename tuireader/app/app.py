"""The tuireader Textual app: owns the workspace, its articles, the index state and settings.

Start-up order (see DESIGN.md "Responsiveness"): the library screen is shown at once; the
articles are read in a thread worker; then the search index is checked (and updated or built)
in another, posting IndexProgress messages the status bars show. Whoosh is imported only by
that worker (tuireader.core.search.index), spaCy never at start-up. Screens other than the library
are imported when first opened. Once the first articles are on screen, `self.live` starts
watching seeds/ in a thread of its own (tuireader.app.workspace.live).
"""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual import work
from textual.app import App
from textual.binding import BindingType
from textual.signal import Signal
from textual.theme import Theme
from textual.worker import Worker

from tuireader.app.commands import PROVIDERS
from tuireader.app.compare.background import MeaningUpdate, meaning_background
from tuireader.app.library.screen import LibraryScreen
from tuireader.app.shell import bindings
from tuireader.app.shell.messages import ArticlesLoaded, IndexFailed, IndexProgress, IndexReady
from tuireader.app.shell.navigation import (
    CompareArticles,
    CompareWith,
    FindSimilar,
    OpenAnnotations,
    OpenArticle,
    OpenEntities,
    OpenEntityArticles,
    OpenExport,
    OpenFigures,
    OpenHelp,
    OpenPairFigures,
    OpenSearch,
)
from tuireader.app.shell.render import clean_text
from tuireader.app.state.entities import AppEntities, EntitiesUpdate
from tuireader.app.state.index_state import IndexState
from tuireader.app.state.reading_state import ReadingState
from tuireader.app.workspace.live import (
    CatalogSaved,
    LiveWorkspace,
    WatchProblem,
    WorkspaceChanged,
)
from tuireader.app.workspace.watch import WatchMode
from tuireader.core.corpus import Article
from tuireader.core.settings import Settings
from tuireader.core.workspace import Workspace

if TYPE_CHECKING:
    from textual.screen import Screen

    from tuireader.app.reader.screen import ReaderScreen

SMALL_WORKSPACE = 50
"""Up to this many files directly in seeds/ (and no sub-folders) are read before the first
frame; bigger corpora are read in a worker while the library shows "Loading…"."""
MAX_WARNING_TOASTS = 5
"""Load warnings shown one by one; beyond that they are summed up in one notification."""


ScreenT = TypeVar("ScreenT", bound="Screen[Any]")


def is_small(seeds: Path) -> bool:
    """Whether seeds/ is small enough to read without a worker (looks at no more than
    SMALL_WORKSPACE + 1 directory entries, so the check itself is instant)."""
    try:
        with os.scandir(seeds) as entries:
            for count, entry in enumerate(entries):
                if count >= SMALL_WORKSPACE or entry.is_dir():
                    return False
    except OSError:
        return False  # let the worker report the problem
    return True


class TuiReaderApp(App[None]):
    """Library, reader, search and help over one workspace."""

    # Absolute, so subclasses defined elsewhere (tests, benchmarks) find the stylesheet.
    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "tuireader"
    BINDINGS: ClassVar[list[BindingType]] = list(bindings.GLOBAL)
    COMMANDS = App.COMMANDS | set(PROVIDERS)
    NOTIFICATION_TIMEOUT = 4

    def __init__(
        self,
        workspace: Workspace,
        *,
        settings: Settings | None = None,
        check_index: bool = True,
        restore: bool = True,
        watch: WatchMode | None = None,
        meaning_in_background: bool = False,
    ) -> None:
        """`check_index=False` leaves the index alone until the first search (tests use it to
        prove Whoosh is not imported at start-up); `restore=False` ignores the remembered
        open article; `watch` is how seeds/ is watched for changes (None: $TUIREADER_WATCH,
        see tuireader.app.workspace.watch); `meaning_in_background` computes the comparison's
        meaning vectors for the whole workspace once the index is current (`tuireader` turns
        it on; tests leave it off, as each run would start the sentence model)."""
        super().__init__()
        self.workspace = workspace
        """The workspace being read."""
        self.settings = settings if settings is not None else Settings.load()
        """Theme, keymap and citation style from settings.yaml."""
        self.check_index_on_start = check_index
        """Check/update the index once the articles are loaded."""
        self.restore = restore
        """Reopen the article that was open when the app last closed."""
        self.articles: dict[str, Article] = {}
        """Every article, by id (empty until loaded)."""
        self.articles_loaded = False
        """Whether the article worker has finished."""
        self.articles_changed: Signal[None] = Signal(self, "articles-changed")
        """Published when `articles` has been (re)loaded."""
        self.index_state = IndexState("waiting" if check_index else "off")
        """Where the index check/build stands."""
        self.index_changed: Signal[IndexState] = Signal(self, "index-changed")
        """Published with every new IndexState."""
        self.meaning_in_background = meaning_in_background
        """Fill the meaning cache for every paragraph after the index check."""
        self.entities = AppEntities(self, workspace, self.check_search_index, checking=check_index)
        """Named entities: the cached index and its extraction (after the search index)."""
        # entity:"Name" searches use the spellings known so far, also during extraction.
        workspace.use_entity_spellings(self.entities.spellings)
        self.reading_state = ReadingState.load(workspace.root)
        """Remembered open article and positions for this workspace."""
        self.keymap_in_use: dict[str, str] = {}
        """The user's keymap entries that were applied (for the help screen)."""
        self.save_failures: list[str] = []
        """Errors of annotation saves since the last quit attempt (the next q only shows
        them)."""
        self.quitting = False
        """Set while quitting, so an open reader is remembered as open."""
        self.live = LiveWorkspace(self, workspace, self._read_articles, watch)
        """Watches seeds/ while the app runs (started after the first screen)."""
        self._loaded_once = False
        self._first_articles: ArticlesLoaded | None = None

    def get_default_screen(self) -> Screen[None]:
        """The library is the screen everything else opens on top of."""
        return LibraryScreen()

    def on_load(self) -> None:
        """A few files load in milliseconds: reading them before the library is mounted
        puts the rows in the very first frame (instead of a "Loading…" frame and a
        second one), which is most of a small workspace's start-up time."""
        if is_small(self.workspace.seeds_dir):
            self._first_articles = self._read_articles()
            self.articles = self._first_articles.articles
            self.articles_loaded = True

    def on_mount(self) -> None:
        """Apply settings, then load the articles in a worker (unless on_load read them:
        their warnings, restoring the open article and the index check follow)."""
        self.sub_title = str(self.workspace.root)
        for problem in self.settings.problems:
            self.notify(problem, title="Settings", severity="warning", markup=False)
        self._apply_theme()
        self._apply_keymap()
        self.theme_changed_signal.subscribe(self, self._save_theme)
        if self._first_articles is not None:
            self.post_message(self._first_articles)  # read in on_load; now the rest of it
        else:
            self.load_articles()

    # ------------------------------------------------------------------ settings
    def _apply_theme(self) -> None:
        name = self.settings.theme
        if name in self.available_themes:
            self.theme = name
        else:
            self.notify(
                f"Unknown theme {name!r} in settings.yaml; using {self.theme}. "
                "Pick one with ctrl+t.",
                title="Settings",
                severity="warning",
                markup=False,
            )

    def _apply_keymap(self) -> None:
        usable, problems = bindings.check_keymap(self.settings.keymap)
        for problem in problems:
            self.notify(problem, title="Settings", severity="warning", markup=False)
        self.keymap_in_use = usable
        self.set_keymap(usable)

    def _save_theme(self, theme: Theme) -> None:
        """Remember the theme (re-reading settings.yaml so other edits are kept)."""
        if theme.name == self.settings.theme:
            return
        settings = Settings.load()
        settings.theme = theme.name
        self.settings.theme = theme.name
        if settings.problems:
            self.notify(
                "settings.yaml could not be read, so the theme is not saved.",
                severity="warning",
                markup=False,
            )
            return
        try:
            settings.save()
        except OSError as error:
            self.notify(f"Could not save the theme: {error}", severity="warning", markup=False)

    # ------------------------------------------------------------------ articles
    def _read_articles(self) -> ArticlesLoaded:
        """Read every article; problems become warnings, never exceptions."""
        try:
            articles = dict(self.workspace.articles)
            warnings = list(self.workspace.load_warnings)
        except Exception as error:  # e.g. seeds/ unreadable: say so, keep running
            articles, warnings = {}, [f"Could not read the articles: {error}"]
        return ArticlesLoaded(articles, warnings)

    @work(thread=True, exclusive=True, group="articles")
    def load_articles(self) -> None:
        """Read every article (a moment for 2,000 files) off the UI thread (re-reads go
        through `self.live`)."""
        self.post_message(self._read_articles())

    def action_reload(self) -> None:
        """Re-read seeds/ and bring the index up to date (articles added or edited)."""
        self.notify("Re-reading the articles…", timeout=2)
        # Until the new articles are in: searches wait, status bars say why.
        self.articles_loaded = False
        self._set_index_state(IndexState("waiting"))
        # Through the live workspace: its re-reads take turns with the watcher's.
        self.run_worker(partial(self.live.reload, force=True), thread=True, group="articles")

    def on_workspace_changed(self, message: WorkspaceChanged) -> None:
        """Files in seeds/ changed while the app ran (the library and the index follow
        the ArticlesLoaded posted before this; a reader reloads itself): say what."""
        self.notify(message.changes.summary(), title="Workspace", markup=False)

    def on_watch_problem(self, message: WatchProblem) -> None:
        """The watcher fell back to polling or stopped."""
        self.notify(message.text, title="Workspace", severity="warning", markup=False)

    def on_catalog_saved(self, _message: CatalogSaved) -> None:
        """A catalog entry was edited in the app: re-read now (the watcher may be off);
        the watcher's own re-read then finds nothing new."""
        self.run_worker(self.live.reload, thread=True, group="articles")

    def on_reader_screen_outdated(self, message: ReaderScreen.Outdated) -> None:
        """The open article's file or catalog entry changed: reload it in place."""
        reader = message.reader
        article = self.articles.get(reader.article.id)
        if reader is self.screen and article is not None:
            self.switch_screen(reader.reloaded(article))

    def on_articles_loaded(self, message: ArticlesLoaded) -> None:
        """Show the articles, report problems, reopen the last article, check the index."""
        self.articles = message.articles
        self.articles_loaded = True
        warnings = message.warnings
        for warning in warnings[:MAX_WARNING_TOASTS]:
            self.notify(warning, title="Articles", severity="warning", markup=False)
        if len(warnings) > MAX_WARNING_TOASTS:
            self.notify(
                f"…and {len(warnings) - MAX_WARNING_TOASTS} more files could not be used "
                "(`tuireader list` prints them all).",
                title="Articles",
                severity="warning",
                markup=False,
            )
        self.articles_changed.publish(None)
        state = self.reading_state
        first_load, self._loaded_once = not self._loaded_once, True
        if first_load and self.restore and state.open_article in self.articles:
            article_id = state.open_article
            self.open_article(article_id, paragraph=state.positions.get(article_id))
        if first_load:
            # After the first frame: watching costs start-up nothing.
            self.call_after_refresh(self.live.start, message.articles, warnings)
            if self.live.mode_problem:
                self.notify(
                    self.live.mode_problem, title="Settings", severity="warning", markup=False
                )
        if self.check_index_on_start or not first_load:
            # After the next refresh, so the library is on screen before Whoosh is imported.
            self.call_after_refresh(self.check_search_index)

    # ------------------------------------------------------------------ index
    def _set_index_state(self, state: IndexState) -> None:
        self.index_state = state
        self.index_changed.publish(state)

    @work(thread=True, exclusive=True, group="index")
    def check_search_index(self, rebuild: bool = False) -> None:
        """Bring the index up to date with the loaded articles, then the entities (in a
        thread: entity extraction is the only place spaCy may be imported)."""
        if not self.articles_loaded:
            return  # on_articles_loaded starts the check
        self._update_search_index(rebuild)
        self.entities.update()
        if self.meaning_in_background:
            meaning_background(self).start()  # in a child process, at low priority

    def _update_search_index(self, rebuild: bool) -> None:
        """The search part of check_search_index (in its thread)."""
        self.post_message(IndexProgress(0, 0, "checking"))
        try:
            index = self.workspace.index  # first use imports tuireader.core.search.index (Whoosh)
            articles = self.articles
            if not rebuild and index.is_current(articles):
                self.post_message(IndexReady(f"{len(articles):,} articles indexed.", []))
                return

            def progress(done: int, total: int, message: str) -> None:
                self.post_message(IndexProgress(done, total, message))

            report = index.update(articles, rebuild=rebuild, progress=progress)
            summary = (
                f"Indexed {len(report.added) + len(report.changed):,} articles "
                f"in {report.seconds:.1f} s."
            )
            self.post_message(IndexReady(summary, list(report.messages)))
        except Exception as error:  # damaged beyond repair, disk full, locked...
            self.post_message(IndexFailed(f"{type(error).__name__}: {error}"))

    def on_index_progress(self, message: IndexProgress) -> None:
        """Show progress in the status bars."""
        if message.total == 0:
            self._set_index_state(IndexState("checking"))
        else:
            self._set_index_state(
                IndexState("building", message.done, message.total, message.message)
            )

    def on_index_ready(self, message: IndexReady) -> None:
        """Searches can run now."""
        for text in message.messages:
            self.notify(text, title="Search index", markup=False)
        self._set_index_state(IndexState("ready", message=message.summary))

    def on_meaning_update(self, message: MeaningUpdate) -> None:
        """The background meaning job made progress or finished."""
        meaning_background(self).apply(message)

    def on_entities_update(self, message: EntitiesUpdate) -> None:
        """Entity extraction made progress or finished (posted by the index worker)."""
        self.entities.apply(message)

    def on_index_failed(self, message: IndexFailed) -> None:
        """Search is unavailable: say why, keep reading possible."""
        self.notify(message.error, title="Search index", severity="error", markup=False)
        self._set_index_state(IndexState("failed", message=message.error))

    # ------------------------------------------------------------------ navigation
    # Every screen is built here, from a navigation message (tuireader.app.shell.navigation)
    # or an action: the target gets all it needs through its constructor. An open screen is
    # reused only when nothing but readers opened from it lies above it (see `_return_to`);
    # otherwise a new one is pushed, so escape always goes back through the screens the user
    # came through.
    def open_article(
        self,
        article_id: str,
        paragraph: int | None = None,
        query: str | None = None,
        exact: bool = False,
        focus_annotation: str | None = None,
        entity: str | None = None,
    ) -> None:
        """Open an article in the reader (replacing a reader that is on top)."""
        from tuireader.app.reader.screen import ReaderScreen
        from tuireader.app.shell.help import HelpScreen

        article = self.articles.get(article_id)
        if article is None:
            self.notify(f"No article {article_id!r}.", severity="error", markup=False)
            return
        if paragraph is None and entity is not None:
            paragraph = self.entities.first_mention(article_id, entity)
        if paragraph is None and query is None:
            paragraph = self.reading_state.positions.get(article_id)
        screen = ReaderScreen(
            article,
            paragraph=paragraph,
            query=query,
            exact=exact,
            focus_annotation=focus_annotation,
            entity=entity,
        )
        if isinstance(self.screen, HelpScreen):
            self.pop_screen()  # opened from the palette over the help screen
        if isinstance(self.screen, ReaderScreen):
            self.screen.remember(is_open=False)
            self.switch_screen(screen)
        else:
            self.push_screen(screen)
        self.reading_state.remember(article_id, paragraph or 1, is_open=True)

    def on_open_article(self, message: OpenArticle) -> None:
        """A screen or command asked for an article."""
        self.open_article(
            message.article_id,
            paragraph=message.paragraph,
            query=message.query,
            exact=message.exact,
            focus_annotation=message.focus_annotation,
            entity=message.entity,
        )

    def action_search(self, query: str | None = None) -> None:
        """Open corpus search (focusing the query box of a search that is on top)."""
        from tuireader.app.search.screen import SearchScreen

        screen = self._return_to(SearchScreen)
        if screen is None:
            self.push_screen(SearchScreen(query or ""))
            return
        if query is not None:
            screen.set_query(query)
        screen.action_focus_query()

    def on_open_search(self, message: OpenSearch) -> None:
        """A screen or command asked for a search (e.g. every spelling of an entity)."""
        self.action_search(message.query)

    def on_compare_articles(self, message: CompareArticles) -> None:
        """Show two articles side by side."""
        from tuireader.app.compare.screen import CompareScreen

        a, b = self.articles.get(message.a_id), self.articles.get(message.b_id)
        if a is None or b is None:
            missing = message.a_id if a is None else message.b_id
            self.notify(f"No article {missing!r}.", severity="error", markup=False)
            return
        if a.id == b.id:
            self.notify("Pick another article: that is the same one.", severity="warning")
            return
        self.push_screen(
            CompareScreen(a, b, a_paragraph=message.a_paragraph, b_paragraph=message.b_paragraph)
        )

    def on_compare_with(self, message: CompareWith) -> None:
        """Ask for the other article (or both), then compare."""
        from tuireader.app.shell.pick_article import PickArticleDialog

        if not self.articles_loaded:
            self.notify("The articles are still loading.", severity="warning")
            return
        if len(self.articles) < 2:
            self.notify("Comparing needs at least two articles.", severity="warning")
            return
        article_id, paragraph = message.article_id, message.paragraph
        if article_id is None:

            def first(chosen: str | None) -> None:
                if chosen is not None:
                    self.post_message(CompareWith(chosen))

            self.push_screen(PickArticleDialog("Compare two articles: the first is…"), first)
            return
        article = self.articles.get(article_id)
        if article is None:
            self.notify(f"No article {article_id!r}.", severity="error", markup=False)
            return

        def chosen(other: str | None) -> None:
            if other is not None:
                self.post_message(CompareArticles(article_id, other, a_paragraph=paragraph))

        title = clean_text(article.title)
        self.push_screen(PickArticleDialog(f"Compare “{title}” with…", exclude=article_id), chosen)

    def on_find_similar(self, message: FindSimilar) -> None:
        """Who else says this: passages like the reader's selection or paragraph."""
        from tuireader.app.compare.passages_screen import PassagesScreen

        article = self.articles.get(message.article_id)
        if article is None:
            return
        if not message.text.strip():
            self.notify("Nothing to look for here: the paragraph is empty.", severity="warning")
            return
        self.push_screen(PassagesScreen(article, message.paragraph, message.text, message.label))

    def on_open_pair_figures(self, message: OpenPairFigures) -> None:
        """The figures of a comparison (f in compare); the figure chosen goes back to the
        compare screen through the message's callback."""
        from tuireader.app.compare.figures_screen import PairFiguresScreen

        def chosen(place: tuple[int, int] | None) -> None:
            if place is not None:
                message.on_chosen(place)

        self.push_screen(PairFiguresScreen(message.comparison), chosen)

    def action_figures(self) -> None:
        """Figures several articles give for the same thing (F)."""
        from tuireader.app.compare.figures_screen import CorpusFiguresScreen

        if self._return_to(CorpusFiguresScreen) is None:
            self.push_screen(CorpusFiguresScreen())

    def on_open_figures(self, _message: OpenFigures) -> None:
        """A command asked for the figures across articles."""
        self.action_figures()

    def action_entities(self) -> None:
        """Open the entities screen (E)."""
        from tuireader.app.entities.screen import EntitiesScreen

        if self._return_to(EntitiesScreen) is None:
            self.push_screen(EntitiesScreen())

    def on_open_entities(self, _message: OpenEntities) -> None:
        """A command asked for the entities screen."""
        self.action_entities()

    def on_open_entity_articles(self, message: OpenEntityArticles) -> None:
        """The articles that name an entity (o)."""
        from tuireader.app.entities.articles_screen import EntityArticlesScreen

        entity = self.entities.entity(message.entity_id)
        if entity is None:
            self.notify("That entity is no longer in the index.", severity="warning")
            return
        self.push_screen(EntityArticlesScreen(entity))

    def action_annotations(self) -> None:
        """Open the annotations view (A), or reload the one on top."""
        from textual.screen import ModalScreen

        from tuireader.app.annotations.screen import AnnotationsScreen

        if isinstance(self.screen, ModalScreen):
            return  # finish the dialog (or palette) first
        screen = self._return_to(AnnotationsScreen)
        if screen is None:
            self.push_screen(AnnotationsScreen())
        else:
            screen.load()

    def on_open_annotations(self, _message: OpenAnnotations) -> None:
        """A command asked for the annotations view."""
        self.action_annotations()

    def action_export(self) -> None:
        """Open the export dialog (x) for the article being read or under the cursor."""
        self.post_message(OpenExport(self._article_in_view()))

    def on_open_export(self, message: OpenExport) -> None:
        """The export dialog over the current screen (once: not over itself). The dialog
        returns the checked request; `export_annotations` writes it and reports."""
        from functools import partial

        from tuireader.app.citing.export_dialog import ExportDialog
        from tuireader.app.citing.exporting import export_annotations
        from tuireader.app.reader.screen import ReaderScreen

        if any(isinstance(screen, ExportDialog) for screen in self.screen_stack):
            return
        article = self.articles.get(message.article_id) if message.article_id else None
        in_reader = article is not None and any(
            isinstance(screen, ReaderScreen) and screen.article.id == article.id
            for screen in self.screen_stack
        )
        self.push_screen(
            ExportDialog(
                article.id if article else None,
                article.title if article else None,
                in_reader,
                export=partial(export_annotations, self),
            )
        )

    def _article_in_view(self) -> str | None:
        """The article the user is on: the open reader's, else the library row under the
        cursor (None elsewhere)."""
        from tuireader.app.library.screen import LibraryScreen
        from tuireader.app.reader.screen import ReaderScreen

        for screen in reversed(self.screen_stack):
            if isinstance(screen, ReaderScreen):
                return screen.article.id
            if isinstance(screen, LibraryScreen):
                return screen.current_id()
        return None

    def action_help(self) -> None:
        """Show the keys (or close the help screen)."""
        from tuireader.app.shell.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
        else:
            self.push_screen(HelpScreen())

    def on_open_help(self, _message: OpenHelp) -> None:
        """A command asked for the keys."""
        self.action_help()

    def action_library(self) -> None:
        """Back to the library (closing everything above it)."""
        while len(self.screen_stack) > 1:
            self._leave(self.screen)
            self.pop_screen()

    def _return_to(self, screen_type: type[ScreenT]) -> ScreenT | None:
        """The open screen of this type when only readers (opened from it) lie above it:
        those are closed (positions remembered) and it is returned. None otherwise: then the
        caller pushes a new one, so the screens in between stay to go back through."""
        from tuireader.app.reader.screen import ReaderScreen

        stack = self.screen_stack
        for position in range(len(stack) - 1, 0, -1):
            screen = stack[position]
            if isinstance(screen, screen_type):
                for _above in stack[position + 1 :]:
                    self._leave(self.screen)
                    self.pop_screen()
                return screen
            if not isinstance(screen, ReaderScreen):
                return None
        return None

    def _leave(self, screen: Screen[object]) -> None:
        """Remember the position of a reader that is being closed."""
        from tuireader.app.reader.screen import ReaderScreen

        if isinstance(screen, ReaderScreen):
            screen.remember(is_open=False)

    async def action_quit(self) -> None:
        """Quit once the saves still running are done (remembering the open article and
        position). After a save failed, the first q only says so; q again quits."""
        from tuireader.app.annotations.jobs import pending_saves

        # Keys typed ahead over a slow link (`h` then `q`) must not quit before the
        # highlight is on disk. The wait runs in a worker so the screen keeps answering.
        saves = pending_saves(self)
        if saves:
            self.notify("Saving annotations before quitting…", timeout=3)
            self.run_worker(self._quit_after(saves), group="quit", exclusive=True)
            return
        if self.save_failures:
            self.save_failures.clear()
            self.notify(
                "An annotation was not saved (see the message); q again quits anyway.",
                title="Not quitting",
                severity="error",
                timeout=10,
            )
            return
        self._quit_now()

    async def _quit_after(self, saves: list[Worker[Any]]) -> None:
        """Wait for `saves`, then quit as `q` would."""
        from tuireader.app.annotations.jobs import finish_saves

        await finish_saves(self, saves)
        await self.action_quit()

    def _quit_now(self) -> None:
        """Remember the open article and position, then quit."""
        from tuireader.app.reader.screen import ReaderScreen

        self.quitting = True
        if isinstance(self.screen, ReaderScreen):
            self.screen.remember(is_open=True)
        else:
            self.reading_state.close_article()
            self.reading_state.save()
        self.exit()

    def on_unmount(self) -> None:
        """Stop watching seeds/ (however the app ends)."""
        self.live.stop()
