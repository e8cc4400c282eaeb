"""Who else says this? The paragraphs of other articles most like a passage (w in the
reader), best first, each with a snippet whose shared words are highlighted.

The passage index is built once per session (SessionIndexes, about a second for 2,000
articles) in a thread worker; until then the status line says it is being built. Enter
opens a hit in the reader at its paragraph; c compares the two articles side by side.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from tuireader.app.compare.commands import session_indexes
from tuireader.app.compare.pane import word_spans
from tuireader.app.context import reader_context
from tuireader.app.shell import bindings
from tuireader.app.shell.keys import key_for, key_to_start
from tuireader.app.shell.navigation import CompareArticles, OpenArticle
from tuireader.app.shell.render import clean_text, safe_content
from tuireader.core.corpus import Article
from tuireader.core.text import plural

if TYPE_CHECKING:
    from tuireader.core.compare.passages import PassageHit

LIMIT = 30
"""Passages listed."""
SNIPPET = 320
"""Characters of each hit's paragraph shown."""
QUERY_SHOWN = 160
"""Characters of the query passage shown at the top."""


class PassagesFound(Message):
    """The worker ranked the passages (or failed)."""

    def __init__(self, hits: list[PassageHit] | None, seconds: float, error: str | None) -> None:
        super().__init__()
        self.hits = hits
        """Best first (None when the search failed)."""
        self.seconds = seconds
        """How long the index build and search took."""
        self.error = error
        """A readable reason when it failed."""


def snippet(
    text: str, words: tuple[str, ...], limit: int = SNIPPET
) -> tuple[str, list[tuple[int, int]]]:
    """About `limit` characters of `text` around the first shared word, and the spans of
    the shared words in that excerpt."""
    flat = " ".join(clean_text(text).split())
    spans = word_spans(flat, words)
    start = 0
    if spans and len(flat) > limit:
        start = max(0, min(spans[0][0] - limit // 4, len(flat) - limit))
        space = flat.rfind(" ", 0, start)
        start = space + 1 if start and space >= 0 else start
    excerpt = flat[start : start + limit]
    prefix = "…" if start else ""
    suffix = "…" if start + limit < len(flat) else ""
    shift = len(prefix) - start
    kept = [(s + shift, e + shift) for s, e in spans if s >= start and e <= start + len(excerpt)]
    return prefix + excerpt + suffix, kept


class PassagesScreen(Screen[None]):
    """Ranked paragraphs of other articles like a passage of `article`."""

    BINDINGS: ClassVar[list[BindingType]] = [*bindings.PASSAGES]
    AUTO_FOCUS = "#passages"
    DEFAULT_CSS = """
    PassagesScreen #passages-query {
        height: auto;
        max-height: 4;
        padding: 0 1;
        background: $panel;
    }
    PassagesScreen #passages-status {
        height: auto;
        padding: 0 1;
        color: $text-muted;
    }
    PassagesScreen #passages-status.-error {
        color: $text-error;
        text-style: bold;
    }
    PassagesScreen #passages {
        height: 1fr;
        border: none;
        scrollbar-size-vertical: 1;
    }
    PassagesScreen #passages:nocolor > .option-list--option-highlighted {
        text-style: bold underline;
    }
    """

    def __init__(self, article: Article, paragraph: int, text: str, label: str) -> None:
        super().__init__()
        self.article = article
        """The article the passage comes from (its paragraphs are not listed)."""
        self.paragraph = paragraph
        """The paragraph the passage is in."""
        self.text = text
        """The passage looked for."""
        self.label = label
        """What the passage is: "¶12" or "the selection"."""
        self.hits: list[PassageHit] = []
        """The passages found, best first."""
        self.sub_title = "who else says this?"

    def compose(self) -> ComposeResult:
        """Header, the passage, status, results, footer."""
        yield Header(icon="≡")
        excerpt = " ".join(clean_text(self.text).split())
        if len(excerpt) > QUERY_SHOWN:
            excerpt = excerpt[: QUERY_SHOWN - 1].rstrip() + "…"
        yield Static(
            Content.assemble(
                (f"{clean_text(self.article.title)}, {self.label}: ", "bold"),
                safe_content(excerpt),
            ),
            id="passages-query",
        )
        yield Static(id="passages-status")
        yield OptionList(id="passages")
        yield Footer()

    def on_mount(self) -> None:
        """Search (building the passage index first, once a session)."""
        articles = reader_context(self).articles
        if session_indexes(self.app).passages_ready(articles):
            status = "Searching…"
        else:
            count = plural(len(articles), "article")
            status = f"Building the passage index of {count} (once a session)…"
        self._status(status)
        self._search()

    def _status(self, text: str, error: bool = False) -> None:
        status = self.query_one("#passages-status", Static)
        status.set_class(error, "-error")
        status.update(Content(text))

    @work(thread=True, exclusive=True, group="passages")
    def _search(self) -> None:
        """Rank the paragraphs of the other articles."""
        started = time.perf_counter()
        try:
            context = reader_context(self)
            index = session_indexes(self.app).passages(context.articles, context.workspace)
            hits = index.search(self.text, exclude_article=self.article.id, limit=LIMIT)
        except Exception as error:  # never a traceback
            message = f"{type(error).__name__}: {error}"
            self.post_message(PassagesFound(None, time.perf_counter() - started, message))
            return
        self.post_message(PassagesFound(hits, time.perf_counter() - started, None))

    def on_passages_found(self, message: PassagesFound) -> None:
        """List the passages."""
        if message.hits is None:
            self._status(f"The search failed: {message.error}", error=True)
            return
        self.hits = message.hits
        options: list[Option | None] = []
        for number, hit in enumerate(self.hits):
            if number:
                options.append(None)
            options.append(Option(self._prompt(number, hit), id=str(number)))
        option_list = self.query_one("#passages", OptionList)
        option_list.set_options(options)
        if self.hits:
            option_list.highlighted = 0
            keymap = reader_context(self).keymap_in_use
            opens = key_to_start(key_for("passages.open", keymap))
            compares = key_for("passages.compare", keymap)
            self._status(
                f"{plural(len(self.hits), 'passage')} from other articles, most alike first. "
                f"{opens} opens one; {compares} compares the two articles."
            )
        else:
            self._status(
                "No passage of another article says something close enough to this one "
                "(none reached the cut-off)."
            )

    def _prompt(self, number: int, hit: PassageHit) -> Content:
        """ "1. 0.42  Title · Source  ¶12" over the snippet, shared words highlighted."""
        article = reader_context(self).articles.get(hit.article_id)
        title = clean_text(article.title) if article is not None else hit.article_id
        source = clean_text(article.meta.container or "") if article is not None else ""
        head = Content.assemble(
            (f"{number + 1}. ", "dim"),
            (f"{hit.score:.2f}  ", "bold"),
            safe_content(title).stylize("bold"),
            (f" · {source}" if source else "", "dim"),
            (f"  ¶{hit.paragraph}", "dim"),
        )
        text, spans = snippet(hit.text, hit.shared_terms)
        return Content("\n").join([head, safe_content(text, spans)])

    def _current(self) -> PassageHit | None:
        option_list = self.query_one("#passages", OptionList)
        highlighted = option_list.highlighted
        if highlighted is None or not self.hits:
            return None
        option = option_list.get_option_at_index(highlighted)
        return self.hits[int(option.id)] if option.id is not None else None

    @on(OptionList.OptionSelected, "#passages")
    def _selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        """Open the highlighted passage's article at its paragraph."""
        hit = self._current()
        if hit is not None:
            self.app.post_message(OpenArticle(hit.article_id, paragraph=hit.paragraph))

    def action_compare(self) -> None:
        """Compare the passage's article with the highlighted one, at the two paragraphs."""
        hit = self._current()
        if hit is not None:
            self.app.post_message(
                CompareArticles(
                    self.article.id,
                    hit.article_id,
                    a_paragraph=self.paragraph,
                    b_paragraph=hit.paragraph,
                )
            )

    def action_cursor_down(self) -> None:
        """Next passage."""
        self.query_one("#passages", OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        """Previous passage."""
        self.query_one("#passages", OptionList).action_cursor_up()

    def action_back(self) -> None:
        """Back to the reader."""
        self.app.pop_screen()
