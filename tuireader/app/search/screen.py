"""Corpus search: a query box with live results as you type (debounced, in a worker),
listed by article (each with its best passages) or as a flat list of paragraphs."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Input, OptionList, Static
from textual.worker import get_current_worker

from tuireader.app.context import reader_context
from tuireader.app.search.by_article import (
    Row,
    SearchAnswered,
    article_rows,
    row_target,
    totals_text,
)
from tuireader.app.search.results import ResultList, article_prompt, hit_prompt, passage_prompt
from tuireader.app.shell import bindings
from tuireader.app.shell.index_status import IndexStatus
from tuireader.app.shell.keys import key_for
from tuireader.app.shell.navigation import OpenArticle
from tuireader.app.shell.render import clean_text
from tuireader.app.state.entities import EntityState
from tuireader.app.state.index_state import IndexState
from tuireader.core.search.query_syntax import QueryError
from tuireader.core.text import plural

if TYPE_CHECKING:
    from tuireader.core.search.index import SearchResults
    from tuireader.core.search.results import ArticleResults

DEBOUNCE = 0.15
"""Seconds of quiet typing before a search runs: fast typists do not queue searches."""
LIMIT = 50
"""Hits shown per query in the flat paragraph list."""
ARTICLE_LIMIT = 20
"""Articles shown per query in the by-article list."""


def search_hint(keymap: Mapping[str, str]) -> str:
    """What the status line says before anything is typed (the exact-spellings key as the
    user has it bound)."""
    return (
        'Type to search every article. Phrases "in quotes", AND/OR/NOT, wildcards*, '
        "title:, author:, source:, date:2019. Variant spellings match too "
        f"({key_for('search.exact', keymap)}: exact)."
    )


class SearchScreen(Screen[None]):
    """Query box, status line and results: articles with their best passages under them
    (or, toggled, the flat list of paragraphs); enter opens the reader at the passage."""

    BINDINGS: ClassVar[list[BindingType]] = [*bindings.SEARCH]
    AUTO_FOCUS = "#query"
    SHOW_TIMING: ClassVar[bool] = True
    """Show how long a search took (snapshot tests turn it off to stay deterministic)."""

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self.initial_query = query
        """Text to start with (e.g. from the palette)."""
        self.exact = False
        """Match exact spellings only (ctrl+r toggles)."""
        self.results: SearchResults | None = None
        """The flat paragraph hits of the query on screen."""
        self.articles: ArticleResults | None = None
        """The same query's results by article."""
        self.view = "articles"
        """How results are listed: "articles" (with passages) or "paragraphs" (flat)."""
        self.collapsed: set[str] = set()
        """Articles (by id) whose passages the user hid; kept while the query changes."""
        self.rows: list[Row] = []
        """The by-article list's rows, in the order of its options."""
        self._elapsed = 0.0
        self._generation = 0
        self._timer: Timer | None = None
        self._pending = False
        self._started = 0.0
        self._entity_note = False
        self.sub_title = "search"

    def compose(self) -> ComposeResult:
        """Header, query row, status, hits, index status, footer."""
        yield Header(icon="≡")
        with Horizontal(id="query-row"):
            yield Input(
                value=self.initial_query,
                placeholder='Search the corpus (e.g. Uyghur camps, "re-education")',
                id="query",
                compact=True,
            )
            yield Static(id="search-mode")
        yield Static(Content(search_hint(self._keymap)), id="search-status")
        yield ResultList(id="results")
        yield IndexStatus()
        yield Footer()

    @property
    def _keymap(self) -> Mapping[str, str]:
        """The user's keymap in use, for the keys named in hints."""
        return reader_context(self).keymap_in_use

    @property
    def query_input(self) -> Input:
        """The query box."""
        return self.query_one("#query", Input)

    @property
    def result_list(self) -> ResultList:
        """The hits."""
        return self.query_one("#results", ResultList)

    def on_mount(self) -> None:
        """Show the mode; run a query we were opened with; re-run when the index is ready."""
        self._show_mode()
        reader_context(self).index_changed.subscribe(self, self._index_changed)
        reader_context(self).entities.changed.subscribe(self, self._entities_changed)
        if self.initial_query.strip():
            self.schedule_search(0)

    def _index_changed(self, state: IndexState) -> None:
        if state.ready and self._pending:
            self.schedule_search(0)

    def _entities_changed(self, state: EntityState) -> None:
        """Extraction ended: an entity: search shown meanwhile runs again with every spelling."""
        if self._entity_note and not state.busy:
            self.schedule_search(0)

    def _show_mode(self) -> None:
        mode = "exact spellings" if self.exact else "≈ variants on"
        key = key_for("search.exact", self._keymap)
        self.query_one("#search-mode", Static).update(Content(f" {mode} ({key})"))

    def _status(self, text: str, error: bool = False) -> None:
        status = self.query_one("#search-status", Static)
        # While entities are being extracted, an entity: search says it uses what is known.
        note = "" if error else reader_context(self).entities.search_note(self.query_input.value)
        self._entity_note = bool(note)
        text = f"{text} · {note}" if note else text
        status.update(Content(text))
        status.set_class(error, "-error")

    # ------------------------------------------------------------------ searching
    @on(Input.Changed, "#query")
    def _query_changed(self) -> None:
        self.schedule_search(DEBOUNCE)

    def schedule_search(self, delay: float) -> None:
        """Run the current query after `delay` seconds unless typing continues."""
        if self._timer is not None:
            self._timer.stop()
        self._generation += 1  # answers to older queries will be dropped
        if delay <= 0:
            self.run_search()
        else:
            self._timer = self.set_timer(delay, self.run_search)

    def run_search(self) -> None:
        """Start a search for the query box's text (or say why it cannot run yet)."""
        query = self.query_input.value
        if not query.strip():
            self._pending = False
            self.results = None
            self.articles = None
            self.rows = []
            self.result_list.clear_options()
            self._status(search_hint(self._keymap))
            return
        context = reader_context(self)
        state = context.index_state
        if not state.ready:
            self._pending = True
            if state.phase in ("failed", "off"):
                self._status(state.describe(), error=state.phase == "failed")
                if state.phase == "off":
                    context.check_search_index()
            else:
                self._status(f"Waiting for the search index… {state.describe()}")
            return
        self._pending = False
        self._started = time.perf_counter()
        self._search_worker(self._generation, query, self.exact)

    @work(thread=True, exclusive=True, group="search")
    def _search_worker(self, generation: int, query: str, exact: bool) -> None:
        """Search in a thread: typing never waits for Whoosh. Both views are answered at once,
        so switching between them needs no new search."""
        results: SearchResults | None = None
        articles: ArticleResults | None = None
        error: str | None = None
        try:
            index = reader_context(self).workspace.index
            articles = index.search_articles(query, limit=ARTICLE_LIMIT, exact=exact)
            results = index.search(query, limit=LIMIT, exact=exact)
        except QueryError as problem:
            error = str(problem)
        except Exception as problem:  # a damaged index: a message, never a traceback
            error = f"The search failed ({type(problem).__name__}: {problem})."
        if not get_current_worker().is_cancelled:
            self.post_message(SearchAnswered(generation, articles, results, error))

    def on_search_answered(self, message: SearchAnswered) -> None:
        """Show the results (or the query's problem) unless a newer query is on its way."""
        if message.generation != self._generation:
            return
        if message.error is not None or message.paragraphs is None or message.articles is None:
            self._status(f"⚠ {message.error}", error=True)
            return  # the previous hits stay: a typo half-way through a query is normal
        self.results = message.paragraphs
        self.articles = message.articles
        self._elapsed = (time.perf_counter() - self._started) * 1000
        self.show_results()

    def show_results(self, highlighted: int = 0) -> None:
        """List the current results in the current view, the cursor on option
        `highlighted`, and say what they are on the status line."""
        if self.view == "articles":
            self._show_articles(highlighted)
        else:
            self._show_paragraphs(highlighted)

    def _show_articles(self, highlighted: int) -> None:
        articles = self.articles
        if articles is None:
            return
        self.rows = article_rows(articles, self.collapsed)
        width = self.result_list.text_width
        groups: list[list[Content]] = []
        for row in self.rows:
            article = articles.articles[row.article]
            if row.passage is None:
                collapsed = article.doc_id in self.collapsed
                prompt = article_prompt(
                    row.article + 1, article, articles.metadata_only, collapsed, width
                )
                groups.append([prompt])
            else:
                groups[-1].append(passage_prompt(article.passages[row.passage], width))
        self.result_list.show_groups(groups, highlighted)
        keymap = self._keymap
        if not articles.articles:
            self._status(self._no_hits_text(articles.query, articles.exact, articles.suggestions))
            return
        text = f"{totals_text(articles)} for “{clean_text(articles.query)}”"
        if articles.total_articles > len(articles.articles):
            text += f" · best {len(articles.articles)} shown"
        if articles.metadata_only:
            text += " · title and metadata"
        keys = [f"{key_for('search.view', keymap)}: paragraphs"]
        if any(article.passages for article in articles.articles):
            keys.append(f"{key_for('search.expand', keymap)}: hide/show passages")
        text += self._tail(articles.variants, keys, articles.suggestions)
        self._status(text)

    def _no_hits_text(self, query: str, exact: bool, suggestions: list[str]) -> str:
        text = f"No hits for “{clean_text(query)}”."
        if suggestions:
            text += " " + self._suggestion_text(suggestions)
        if exact:
            text += f" Try variants ({key_for('search.exact', self._keymap)})."
        return text

    @staticmethod
    def _suggestion_text(suggestions: list[str]) -> str:
        """ "Did you mean …?" for the status line; enter in the query box accepts it."""
        return f"Did you mean “{clean_text(suggestions[0])}”? (enter)"

    @property
    def suggestion(self) -> str | None:
        """The "did you mean" query of the results on screen, if any."""
        shown = self.articles if self.view == "articles" else self.results
        return shown.suggestions[0] if shown is not None and shown.suggestions else None

    def _tail(
        self, variants: Mapping[str, list[str]], keys: list[str], suggestions: list[str]
    ) -> str:
        """The timing, the variant spellings used, a "did you mean", the view's `keys` and
        the open key (last, where users look for it), for the status line."""
        text = ""
        if self.SHOW_TIMING:
            text += f" · {self._elapsed:.0f} ms"
        spellings = sorted({v for vs in variants.values() for v in vs})
        if spellings:
            text += " · also matching " + ", ".join(spellings[:6])
        if suggestions:
            text += " · " + self._suggestion_text(suggestions)
        keys = [*keys, f"{key_for('search.open', self._keymap)} opens"]
        return text + "".join(f" · {key}" for key in keys)

    def _show_paragraphs(self, highlighted: int) -> None:
        results = self.results
        if results is None:
            return
        hits = results.hits
        self.result_list.show_groups(
            [
                [hit_prompt(n, h.title, h.paragraph, h.variant, h.snippet, h.snippet_spans)]
                for n, h in enumerate(hits, start=1)
            ],
            highlighted,
        )
        if not hits:
            text = self._no_hits_text(results.query, results.exact, results.suggestions)
        else:
            # The noun agrees with the total: "1 hit", "50 of 1,234 hits".
            total = plural(results.total, "hit")
            shown = f"{len(hits)} of {total}" if results.total > len(hits) else total
            view_key = f"{key_for('search.view', self._keymap)}: by article"
            text = f"{shown} for “{clean_text(results.query)}”"
            text += self._tail(results.variants, [view_key], results.suggestions)
        self._status(text)

    # ------------------------------------------------------------------ opening
    @on(Input.Submitted, "#query")
    def _query_submitted(self) -> None:
        # With few hits and a "did you mean" shown, enter searches the suggestion; the
        # query box then holds it, so the user sees (and can undo) the change.
        suggestion = self.suggestion
        if suggestion is not None and suggestion != self.query_input.value:
            self.query_input.value = suggestion
            self.query_input.cursor_position = len(suggestion)
            return
        if self.result_list.option_count:
            self.result_list.focus()

    @on(OptionList.OptionSelected, "#results")
    def _hit_selected(self, event: OptionList.OptionSelected) -> None:
        self.open_option(int(event.option.id or 0))

    def open_option(self, number: int) -> None:
        """Open what option `number` of the list shows: in the by-article view an article
        (at its best passage) or a passage; in the flat view a hit."""
        if self.view == "paragraphs":
            self.open_hit(number)
            return
        if self.articles is None or not 0 <= number < len(self.rows):
            return
        doc_id, paragraph = row_target(self.articles, self.rows[number])
        self.app.post_message(
            OpenArticle(
                doc_id, paragraph=paragraph, query=self.articles.query, exact=self.articles.exact
            )
        )

    def open_hit(self, number: int) -> None:
        """Open hit `number` (0-based) in the reader, at its paragraph, matches highlighted."""
        if self.results is None or not 0 <= number < len(self.results.hits):
            return
        hit = self.results.hits[number]
        self.app.post_message(
            OpenArticle(
                hit.doc_id,
                paragraph=hit.paragraph,
                query=self.results.query,
                exact=self.results.exact,
            )
        )

    # ------------------------------------------------------------------ actions
    def action_back(self) -> None:
        """Back to where search was opened from."""
        self.app.pop_screen()

    def action_open(self) -> None:
        """Open the highlighted hit."""
        highlighted = self.result_list.highlighted
        if highlighted is not None:
            option = self.result_list.get_option_at_index(highlighted)
            self.open_option(int(option.id or 0))

    def action_toggle_exact(self) -> None:
        """Switch between exact spellings and variant matching; search again."""
        self.exact = not self.exact
        self._show_mode()
        self.schedule_search(0)

    def action_toggle_view(self) -> None:
        """Switch between articles with their passages and the flat paragraph list (the
        same results: no new search); the cursor goes to the first row."""
        self.view = "paragraphs" if self.view == "articles" else "articles"
        self.rows = []
        self.show_results()

    def action_toggle_expand(self) -> None:
        """Hide or show the passages of the article under the cursor (by-article view); the
        cursor stays on that article."""
        highlighted = self.result_list.highlighted
        if self.view != "articles" or self.articles is None or highlighted is None:
            return
        if not 0 <= highlighted < len(self.rows):
            return
        article = self.rows[highlighted].article
        doc_id = self.articles.articles[article].doc_id
        self.collapsed.symmetric_difference_update({doc_id})
        self.show_results()
        self.result_list.highlighted = self.rows.index(Row(article))

    def set_query(self, query: str) -> None:
        """Search for `query` (as if typed: Input.Changed runs the search)."""
        self.query_input.value = query
        self.query_input.cursor_position = len(query)

    def action_focus_query(self) -> None:
        """Back to the query box."""
        self.query_input.focus()

    def action_focus_results(self) -> None:
        """From the query box to the hits."""
        if self.result_list.option_count:
            self.result_list.focus()

    def action_cursor_down(self) -> None:
        """Next hit."""
        self.result_list.action_cursor_down()

    def action_cursor_up(self) -> None:
        """Previous hit."""
        self.result_list.action_cursor_up()
