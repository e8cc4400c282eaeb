"""Small messages that thread workers post to the UI (the only way they touch it).

Each is a dataclass-style Message: workers build one and call `post_message`; handlers on the
app or a screen update widgets on the UI thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from tuireader.core.corpus import Article


class ArticlesLoaded(Message):
    """The workspace's articles have been read (in a worker)."""

    def __init__(self, articles: dict[str, Article], warnings: list[str]) -> None:
        super().__init__()
        self.articles = articles
        """Every loadable article by id."""
        self.warnings = warnings
        """Files that could not be used, and other load problems, for notifications."""


class IndexProgress(Message):
    """The index check/update made progress."""

    def __init__(self, done: int, total: int, message: str) -> None:
        super().__init__()
        self.done = done
        """Articles processed so far."""
        self.total = total
        """Articles to process (0 while checking)."""
        self.message = message
        """What the indexer is doing, for the status line."""


class IndexReady(Message):
    """The index is up to date and can be searched."""

    def __init__(self, summary: str, messages: list[str]) -> None:
        super().__init__()
        self.summary = summary
        """One line saying what the update did."""
        self.messages = messages
        """Things the user should know (e.g. "the index was damaged; rebuilt")."""


class IndexFailed(Message):
    """The index could not be checked or built; search is unavailable."""

    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error
        """A readable reason."""


class MatchesFound(Message):
    """Match spans for the open article (from a corpus query or find-in-article)."""

    def __init__(
        self, generation: int, query: str, spans: list[tuple[int, int]], note: str
    ) -> None:
        super().__init__()
        self.generation = generation
        """Which request this answers (older answers are dropped)."""
        self.query = query
        """The query the spans are for."""
        self.spans = spans
        """Character spans into the article text, sorted."""
        self.note = note
        """Why there are no matches, or how they were found (e.g. "literal")."""
