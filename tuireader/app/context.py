"""What screens and widgets may know of the running app: the `ReaderContext` Protocol.

Screens and widgets depend on this, never on `TuiReaderApp`: data comes down through their
constructors and this context; requests go up as messages (`tuireader.app.shell.navigation`)
that the app handles. `reader_context(node)` is the one typed way to reach it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, cast

if TYPE_CHECKING:
    from textual.dom import DOMNode
    from textual.signal import Signal

    from tuireader.app.state.entities import AppEntities
    from tuireader.app.state.index_state import IndexState
    from tuireader.app.state.reading_state import ReadingState
    from tuireader.core.corpus import Article
    from tuireader.core.settings import Settings
    from tuireader.core.workspace import Workspace


class ReaderContext(Protocol):
    """The app as its screens see it: the workspace and what is known about it now."""

    workspace: Workspace
    """The workspace being read (paths, catalog, search index)."""
    settings: Settings
    """Theme, keymap and citation style from settings.yaml."""
    articles: dict[str, Article]
    """Every article, by id (empty until loaded)."""
    articles_loaded: bool
    """Whether the articles have been read."""
    articles_changed: Signal[None]
    """Published when `articles` has been (re)loaded."""
    index_state: IndexState
    """Where the search index check/build stands."""
    index_changed: Signal[IndexState]
    """Published with every new IndexState."""
    entities: AppEntities
    """Named entities: the cached index and its extraction."""
    reading_state: ReadingState
    """Remembered open article and positions for this workspace."""
    save_failures: list[str]
    """Errors of annotation saves since the last quit attempt (the next q only shows them)."""
    keymap_in_use: dict[str, str]
    """The user's keymap entries that were applied (binding id → keys)."""

    def check_search_index(self, rebuild: bool = False) -> object:
        """Bring the search index (then the entities) up to date, in a worker."""
        ...


def reader_context(node: DOMNode) -> ReaderContext:
    """The context of the app `node` runs in (a screen, a widget or a palette provider)."""
    return cast("ReaderContext", node.app)
