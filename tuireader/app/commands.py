"""Command palette providers: articles by title, and the app's commands.

Extension point: a provider for entities (once tuireader.core.entities exists) goes in
PROVIDERS below; the app adds every entry to `App.COMMANDS`. A provider reaches the app's
data through `self.app` (articles, workspace) and acts through the app's methods
(`open_article`, `action_search`, ...).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.markup import escape

from .annotation_commands import AnnotationCommands
from .citing import CitationCommands
from .comparing import CompareCommands
from .entity_commands import EntityCommands
from .palette import CommandListProvider, highlight_plain
from .render import clean_text, safe_content

if TYPE_CHECKING:
    from .app import TuiReaderApp

DISCOVER_ARTICLES = 10
"""Articles listed when the palette opens with nothing typed."""
MAX_ARTICLE_HITS = 40
"""Most articles shown for a typed query (2,000 titles must not flood the palette)."""


class ArticleCommands(Provider):
    """Open an article by (fuzzy) title or id."""

    @property
    def reader_app(self) -> TuiReaderApp:
        """The app, typed."""
        return cast("TuiReaderApp", self.app)

    def _help(self, article_id: str) -> str:
        article = self.reader_app.articles[article_id]
        meta = article.meta
        parts = [p for p in (meta.container, meta.issued, article.id) if p]
        # Hit.help is read as markup by Textual: escape it, it comes from the article.
        return escape(clean_text(" · ".join(parts)))

    async def discover(self) -> Hits:
        """The most recently read article first, then the library's first few."""
        app = self.reader_app
        ids = list(app.articles)
        recent = [i for i in reversed(app.reading_state.positions) if i in app.articles]
        for article_id in list(dict.fromkeys(recent + ids))[:DISCOVER_ARTICLES]:
            title = clean_text(app.articles[article_id].title)
            yield DiscoveryHit(
                safe_content(title),
                partial(app.open_article, article_id),
                text=title,
                help=self._help(article_id),
            )

    async def search(self, query: str) -> Hits:
        """Articles whose title or id fuzzily matches `query`."""
        app = self.reader_app
        matcher = self.matcher(query)
        scored: list[tuple[float, str, str]] = []
        for article_id, article in app.articles.items():
            title = clean_text(article.title)
            score = max(matcher.match(title), matcher.match(article_id) * 0.9)
            if score > 0:
                scored.append((score, article_id, title))
        scored.sort(key=lambda item: -item[0])
        for score, article_id, title in scored[:MAX_ARTICLE_HITS]:
            yield Hit(
                score,
                highlight_plain(matcher, title),
                partial(app.open_article, article_id),
                text=title,
                help=self._help(article_id),
            )


class ActionCommands(CommandListProvider):
    """The app's own commands (search, help, index, folding)."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = cast("TuiReaderApp", self.app)
        return [
            ("Search the corpus", "Open corpus search (/)", app.action_search),
            ("Keys and help", "Every key binding (?)", app.action_help),
            ("Library", "Back to the list of articles", app.action_library),
            (
                "Reload the articles",
                "Re-read seeds/ (new or edited files) and update the index",
                app.action_reload,
            ),
            (
                "Rebuild the search index",
                "Build the index from scratch",
                partial(app.check_search_index, True),
            ),
        ]


PROVIDERS: list[type[Provider]] = [
    ArticleCommands,
    ActionCommands,
    CitationCommands,
    EntityCommands,
    AnnotationCommands,
    CompareCommands,
]
"""Providers the app registers (append an EntityCommands provider here)."""
