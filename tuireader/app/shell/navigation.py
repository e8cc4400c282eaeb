"""Requests to go somewhere, posted by screens, widgets and palette commands; the app
(`tuireader.app.app`) handles each by building the target screen with everything it needs.

Nothing below the app pushes a feature's screen or changes a screen after it is shown: it
posts one of these. A screen posts to itself (`self.post_message`) and the message bubbles up
to the app; a palette command posts to the app (`self.app.post_message`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from tuireader.core.compare.align import Comparison


class OpenArticle(Message):
    """Open an article in the reader (replacing a reader on top)."""

    def __init__(
        self,
        article_id: str,
        paragraph: int | None = None,
        query: str | None = None,
        exact: bool = False,
        focus_annotation: str | None = None,
        entity: str | None = None,
    ) -> None:
        super().__init__()
        self.article_id = article_id
        """The article to open."""
        self.paragraph = paragraph
        """1-based paragraph to show first (None: the remembered one, or the entity's)."""
        self.query = query
        """A corpus query whose matches are highlighted."""
        self.exact = exact
        """Whether `query` matches exact spellings only."""
        self.focus_annotation = focus_annotation
        """An annotation id to put the cursor on."""
        self.entity = entity
        """An entity id whose mentions are highlighted (starting at its first mention)."""


class OpenSearch(Message):
    """Open corpus search (or go back to the search already open), optionally with a query."""

    def __init__(self, query: str | None = None) -> None:
        super().__init__()
        self.query = query
        """The query to run (None: keep what the search screen has)."""


class CompareArticles(Message):
    """Show two articles side by side."""

    def __init__(
        self,
        a_id: str,
        b_id: str,
        a_paragraph: int | None = None,
        b_paragraph: int | None = None,
    ) -> None:
        super().__init__()
        self.a_id = a_id
        """The left article."""
        self.b_id = b_id
        """The right article."""
        self.a_paragraph = a_paragraph
        """A paragraph of A to start at."""
        self.b_paragraph = b_paragraph
        """A paragraph of B to start at."""


class CompareWith(Message):
    """Ask for the other article, then compare (`article_id` None: ask for both)."""

    def __init__(self, article_id: str | None = None, paragraph: int | None = None) -> None:
        super().__init__()
        self.article_id = article_id
        """The article to compare (None: pick it first)."""
        self.paragraph = paragraph
        """Its paragraph to start at."""


class FindSimilar(Message):
    """Who else says this: passages like `text` in other articles."""

    def __init__(self, article_id: str, paragraph: int, text: str, label: str) -> None:
        super().__init__()
        self.article_id = article_id
        """The article the passage comes from."""
        self.paragraph = paragraph
        """Its paragraph number."""
        self.text = text
        """The passage to look for."""
        self.label = label
        """What it is, for the title ("¶4", "the selection")."""


class OpenFigures(Message):
    """Figures several articles give for the same thing (F)."""


class OpenPairFigures(Message):
    """The figures two compared articles give for the same things (f in compare). The row
    the user goes to comes back through `on_chosen`, as a dismissed dialog's result would:
    the figures table is a full screen (the global keys work there), not a dialog."""

    def __init__(
        self, comparison: Comparison, on_chosen: Callable[[tuple[int, int]], object]
    ) -> None:
        super().__init__()
        self.comparison = comparison
        """The comparison whose figures are listed."""
        self.on_chosen = on_chosen
        """Called with (A paragraph, B paragraph) of the figure chosen with enter (not
        called when the user goes back without choosing)."""


class OpenEntities(Message):
    """The entities screen (E)."""


class OpenEntityArticles(Message):
    """The articles that name an entity (o)."""

    def __init__(self, entity_id: str) -> None:
        super().__init__()
        self.entity_id = entity_id
        """The entity."""


class OpenAnnotations(Message):
    """The annotations view (A)."""


class OpenExport(Message):
    """The export dialog (x), scoped to an article when one is being read."""

    def __init__(self, article_id: str | None = None) -> None:
        super().__init__()
        self.article_id = article_id
        """The article being read (None: the library, the whole workspace)."""


class OpenHelp(Message):
    """The keys (toggles the help screen)."""
