"""The tuireader Textual app: owns the workspace, its articles, the index state and settings.

Start-up order (see DESIGN.md "Responsiveness"): the library screen is shown at once; the
articles are read in a thread worker; then the search index is checked (and updated or built)
in another, posting IndexProgress messages the status bars show. Whoosh is imported only by
that worker (tuireader.core.index), spaCy never at start-up. Screens other than the library
are imported when first opened.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual import work
from textual.app import App
from textual.binding import BindingType
from textual.signal import Signal
from textual.theme import Theme

from tuireader.core.corpus import Article
from tuireader.core.settings import Settings
from tuireader.core.workspace import Workspace

from . import bindings
from .commands import PROVIDERS
from .entity_state import AppEntities, EntitiesUpdate
from .index_state import IndexState
from .messages import ArticlesLoaded, IndexFailed, IndexProgress, IndexReady
from .reading_state import ReadingState
from .screens.library import LibraryScreen

if TYPE_CHECKING:
    from textual.screen import Screen

SMALL_WORKSPACE = 50
"""Up to this many files directly in seeds/ (and no sub-folders) are read before the first
frame; bigger corpora are read in a worker while the library shows "Loading…"."""
MAX_WARNING_TOASTS = 5
"""Load warnings shown one by one; beyond that they are summed up in one notification."""


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


ScreenT = TypeVar("ScreenT", bound="Screen[Any]")


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
    ) -> None:
        """`check_index=False` leaves the index alone until the first search (tests use it to
        prove Whoosh is not imported at start-up); `restore=False` ignores the remembered
        open article."""
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
        self.entities = AppEntities(self, checking=check_index)
        """Named entities: the cached index and its extraction (after the search index)."""
        self.reading_state = ReadingState.load(workspace.root)
        """Remembered open article and positions for this workspace."""
        self.keymap_in_use: dict[str, str] = {}
        """The user's keymap entries that were applied (for the help screen)."""
        self.quitting = False
        """Set while quitting, so an open reader is remembered as open."""
        self._loaded_once = False

    def get_default_screen(self) -> Screen[None]:
        """The library is the screen everything else opens on top of."""
        return LibraryScreen()

    def on_mount(self) -> None:
        """Apply settings, then load the articles in a worker."""
        self.sub_title = str(self.workspace.root)
        for problem in self.settings.problems:
            self.notify(problem, title="Settings", severity="warning", markup=False)
        self._apply_theme()
        self._apply_keymap()
        self.theme_changed_signal.subscribe(self, self._save_theme)
        if is_small(self.workspace.seeds_dir):
            # A few files load in milliseconds: doing it now puts the rows in the very first
            # frame instead of a "Loading…" frame followed by a second one.
            self.post_message(self._read_articles())
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
    def load_articles(self, refresh: bool = False) -> None:
        """Read every article (a moment for 2,000 files) off the UI thread; `refresh`
        re-reads the files (after articles were added or edited)."""
        if refresh:
            self.workspace.refresh()
        self.post_message(self._read_articles())

    def action_reload(self) -> None:
        """Re-read seeds/ and bring the index up to date (articles added or edited)."""
        self.notify("Re-reading the articles…", timeout=2)
        # Until the new articles are in: searches wait, status bars say why.
        self.articles_loaded = False
        self._set_index_state(IndexState("waiting"))
        self.load_articles(refresh=True)

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

    def _update_search_index(self, rebuild: bool) -> None:
        """The search part of check_search_index (in its thread)."""
        self.post_message(IndexProgress(0, 0, "checking"))
        try:
            index = self.workspace.index  # first use imports tuireader.core.index (Whoosh)
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

    def on_entities_update(self, message: EntitiesUpdate) -> None:
        """Entity extraction made progress or finished (posted by the index worker)."""
        self.entities.apply(message)

    def on_index_failed(self, message: IndexFailed) -> None:
        """Search is unavailable: say why, keep reading possible."""
        self.notify(message.error, title="Search index", severity="error", markup=False)
        self._set_index_state(IndexState("failed", message=message.error))

    # ------------------------------------------------------------------ navigation
    def open_article(
        self,
        article_id: str,
        paragraph: int | None = None,
        query: str | None = None,
        exact: bool = False,
    ) -> None:
        """Open an article in the reader (replacing a reader that is on top)."""
        from .screens.reader import ReaderScreen

        article = self.articles.get(article_id)
        if article is None:
            self.notify(f"No article {article_id!r}.", severity="error", markup=False)
            return
        if paragraph is None and query is None:
            paragraph = self.reading_state.positions.get(article_id)
        screen = ReaderScreen(article, paragraph=paragraph, query=query, exact=exact)
        from .screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.pop_screen()  # opened from the palette over the help screen
        if isinstance(self.screen, ReaderScreen):
            self.screen.remember(is_open=False)
            self.switch_screen(screen)
        else:
            self.push_screen(screen)
        self.reading_state.remember(article_id, paragraph or 1, is_open=True)

    def action_search(self) -> None:
        """Open corpus search, or go back to the search already open under this screen."""
        from .screens.search import SearchScreen

        screen = self.back_to(SearchScreen)
        if screen is not None:
            screen.action_focus_query()
            return
        self.push_screen(SearchScreen())

    def action_help(self) -> None:
        """Show the keys (or close the help screen)."""
        from .screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
        else:
            self.push_screen(HelpScreen())

    def action_export(self) -> None:
        """Open the export dialog (x): annotations and references to a file."""
        from .dialogs.export import open_export_dialog

        open_export_dialog(self)

    def action_entities(self) -> None:
        """Open the entities screen (E), or go back to the one already open."""
        from .screens.entities import open_entities_screen

        open_entities_screen(self)

    def action_figures(self) -> None:
        """Figures several articles give for the same thing (F); see comparing.py."""
        from .comparing import open_figures

        open_figures(self)

    def action_annotations(self) -> None:
        """Open the annotations view (A), or go back to the one already open."""
        from .screens.annotations import open_annotations_view

        open_annotations_view(self)

    def action_library(self) -> None:
        """Back to the library (closing everything above it)."""
        while len(self.screen_stack) > 1:
            self._leave(self.screen)
            self.pop_screen()

    def back_to(self, screen_type: type[ScreenT]) -> ScreenT | None:
        """Close the screens above the open screen of this type (remembering the position of
        any reader closed) and return it; None when no such screen is open."""
        stack = self.screen_stack
        for position, screen in enumerate(stack):
            if isinstance(screen, screen_type):
                for above in stack[position + 1 :]:
                    self._leave(above)
                    self.pop_screen()
                return screen
        return None

    def _leave(self, screen: Screen[object]) -> None:
        """Remember the position of a reader that is being closed."""
        from .screens.reader import ReaderScreen

        if isinstance(screen, ReaderScreen):
            screen.remember(is_open=False)

    async def action_quit(self) -> None:
        """Remember the open article and position, then quit."""
        from .screens.reader import ReaderScreen

        self.quitting = True
        if isinstance(self.screen, ReaderScreen):
            self.screen.remember(is_open=True)
        else:
            self.reading_state.close_article()
            self.reading_state.save()
        self.exit()
