"""Command palette providers: articles by title, the app's own commands, and every
feature's global provider (PROVIDERS, which the app adds to `App.COMMANDS`).

Part of the composition root, next to app.py: it gathers the features' providers but
imports no screen. A provider reads the app's data through `reader_context(self.screen)` and
acts by posting navigation messages (tuireader.app.shell.navigation) or running app actions.
Commands for one screen only live in that screen's COMMANDS (e.g. ReaderScreen's).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.markup import escape
from textual.message import Message

from tuireader.app.context import ReaderContext, reader_context
from tuireader.app.shell.navigation import OpenArticle, OpenHelp, OpenSearch
from tuireader.app.shell.palette import Command, CommandListProvider, highlight_plain
from tuireader.app.shell.render import clean_text, safe_content
from tuireader.app.workspace.commands import WorkspaceCommands

DISCOVER_ARTICLES = 10
"""Articles listed when the palette opens with nothing typed."""
MAX_ARTICLE_HITS = 40
"""Most articles shown for a typed query (2,000 titles must not flood the palette)."""


class ArticleCommands(Provider):
    """Open an article by (fuzzy) title or id."""

    @property
    def context(self) -> ReaderContext:
        """The app's data (articles, reading state)."""
        return reader_context(self.screen)

    def _open(self, article_id: str) -> None:
        """Open the article (a new message each time: a posted message is not re-posted)."""
        self.app.post_message(OpenArticle(article_id))

    def _help(self, article_id: str) -> str:
        article = self.context.articles[article_id]
        meta = article.meta
        parts = [p for p in (meta.container, meta.issued, article.id) if p]
        # Hit.help is read as markup by Textual: escape it, it comes from the article.
        return escape(clean_text(" · ".join(parts)))

    async def discover(self) -> Hits:
        """The most recently read article first, then the library's first few."""
        context = self.context
        ids = list(context.articles)
        recent = [i for i in reversed(context.reading_state.positions) if i in context.articles]
        for article_id in list(dict.fromkeys(recent + ids))[:DISCOVER_ARTICLES]:
            title = clean_text(context.articles[article_id].title)
            yield DiscoveryHit(
                safe_content(title),
                partial(self._open, article_id),
                text=title,
                help=self._help(article_id),
            )

    async def search(self, query: str) -> Hits:
        """Articles whose title or id fuzzily matches `query`."""
        matcher = self.matcher(query)
        scored: list[tuple[float, str, str]] = []
        for article_id, article in self.context.articles.items():
            title = clean_text(article.title)
            score = max(matcher.match(title), matcher.match(article_id) * 0.9)
            if score > 0:
                scored.append((score, article_id, title))
        scored.sort(key=lambda item: -item[0])
        for score, article_id, title in scored[:MAX_ARTICLE_HITS]:
            yield Hit(
                score,
                highlight_plain(matcher, title),
                partial(self._open, article_id),
                text=title,
                help=self._help(article_id),
            )


class ActionCommands(CommandListProvider):
    """The app's own commands (search, help, index, folding)."""

    def _commands(self) -> list[Command]:
        app = self.app

        def post(message: Callable[[], Message]) -> Callable[[], object]:
            return lambda: app.post_message(message())

        return [
            ("Search the corpus", "Open corpus search (/)", post(OpenSearch)),
            ("Keys and help", "Every key binding (?)", post(OpenHelp)),
            ("Library", "Back to the list of articles", partial(app.run_action, "app.library")),
            (
                "Reload the articles",
                "Re-read seeds/ (new or edited files) and update the index",
                partial(app.run_action, "app.reload"),
            ),
            (
                "Rebuild the search index",
                "Build the index from scratch",
                partial(reader_context(self.screen).check_search_index, True),
            ),
        ]


# The features' providers are imported when the palette first opens, not at start-up (the
# citing one alone brings the export and clipboard code): Textual accepts a function that
# returns the provider class.
def citation_commands() -> type[Provider]:
    """The citing package's provider (export, citation style, copy)."""
    from tuireader.app.citing.commands import CitationCommands

    return CitationCommands


def entity_commands() -> type[Provider]:
    """The entities package's provider (entities by any spelling)."""
    from tuireader.app.entities.commands import EntityCommands

    return EntityCommands


def annotation_commands() -> type[Provider]:
    """The annotations package's provider (the annotations view)."""
    from tuireader.app.annotations.commands import AnnotationCommands

    return AnnotationCommands


def compare_commands() -> type[Provider]:
    """The compare package's provider (compare two articles, figures)."""
    from tuireader.app.compare.commands import CompareCommands

    return CompareCommands


PROVIDERS: list[type[Provider] | Callable[[], type[Provider]]] = [
    ArticleCommands,
    ActionCommands,
    citation_commands,
    entity_commands,
    annotation_commands,
    compare_commands,
    WorkspaceCommands,
]
"""Providers the app registers: a feature's commands for every screen go here."""
