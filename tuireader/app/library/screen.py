"""The library: every article in a sortable table with a filter-as-you-type box."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.content import Content
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static

from tuireader.app.context import reader_context
from tuireader.app.shell import bindings
from tuireader.app.shell.article_rows import (
    SORT_KEYS,
    LibraryRow,
    build_rows,
    filter_rows,
    next_sort_key,
    sort_rows,
)
from tuireader.app.shell.index_status import IndexStatus
from tuireader.app.shell.keys import key_for
from tuireader.app.shell.navigation import CompareWith, OpenArticle
from tuireader.app.shell.render import safe_text
from tuireader.core.text import plural

# Column widths (cells); the title column takes what is left. Narrow terminals drop the
# authors column first, then the source: the title is what people scan.
WIDTHS = {"source": 18, "authors": 20, "date": 10, "words": 6}
LABELS = {
    "title": "Title",
    "source": "Source",
    "authors": "Authors",
    "date": "Date",
    "words": "Words",
}
MIN_TITLE = 34


def words_cell(words: int) -> str:
    """A word count that fits its column: `12,345`, then `800k` and `1.7M` for the few
    huge articles (a 10 MB article has about 1.7 million words)."""
    if words < 100_000:
        return f"{words:,}"
    if words < 1_000_000:
        return f"{words // 1000}k"
    return f"{words / 1_000_000:.1f}M"


WIDE_TITLE = 80
WIDE_EXTRA = 16


def columns_for(width: int, empty: frozenset[str] = frozenset()) -> dict[str, int]:
    """The columns (key → width) that fit a table `width` cells wide; columns in `empty`
    (no article has a value there, e.g. a corpus without a catalog) are left out."""
    for dropped in ((), ("authors",), ("authors", "source"), ("authors", "source", "date")):
        chosen = {key: w for key, w in WIDTHS.items() if key not in dropped and key not in empty}
        # Each column has one cell of padding either side; 1 cell for the scrollbar and 2
        # to spare (the table's own width can be a cell or two short of the screen's).
        rest = width - sum(w + 2 for w in chosen.values()) - 2 - 3
        if rest >= MIN_TITLE or dropped == ("authors", "source", "date"):
            # On wide terminals, room beyond a generous title goes to source and authors
            # (up to WIDE_EXTRA each) so they are not cut while the title has space to spare.
            for key in ("source", "authors"):
                if key in chosen and rest > WIDE_TITLE:
                    extra = min(WIDE_EXTRA, rest - WIDE_TITLE)
                    chosen[key] += extra
                    rest -= extra
            return {"title": max(rest, 10), **chosen}
    raise AssertionError("unreachable")


class LibraryScreen(Screen[None]):
    """All articles: title, source, authors, date, length. enter opens, f filters, s sorts."""

    BINDINGS: ClassVar[list[BindingType]] = [*bindings.LIBRARY]
    AUTO_FOCUS = "#articles"

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[LibraryRow] = []
        """Every article's row (unfiltered, unsorted)."""
        self.shown: list[LibraryRow] = []
        """The rows on screen, filtered and sorted."""
        self.sort_key = "title"
        """The column rows are sorted by."""
        self.sort_reverse = False
        """Descending instead of ascending."""
        self._columns: dict[str, int] = {}
        self._select_on_resize: str | None = None

    def compose(self) -> ComposeResult:
        """Header, filter, table, empty-state message, index status, footer."""
        yield Header(icon="≡")
        filter_key = key_for("library.filter", reader_context(self).keymap_in_use)
        yield Input(
            placeholder=f"Filter ({filter_key}): words from a title, source, author or date",
            id="filter",
            compact=True,
        )
        yield DataTable(id="articles", cursor_type="row", cursor_foreground_priority="renderable")
        yield Static(Content("Loading articles…"), id="library-empty")
        yield IndexStatus()
        yield Footer()

    @property
    def table(self) -> DataTable[Text]:
        """The articles table."""
        return self.query_one("#articles", DataTable)

    @property
    def filter_input(self) -> Input:
        """The filter box."""
        return self.query_one("#filter", Input)

    def on_mount(self) -> None:
        """Fill the table when the articles are (or once they are) loaded."""
        context = reader_context(self)
        context.articles_changed.subscribe(self, self._articles_changed)
        if context.articles_loaded:
            self._articles_changed(None)
        else:
            self._show_empty_state()
            self._update_title()

    def _articles_changed(self, _: None) -> None:
        context = reader_context(self)
        self.rows = build_rows(context.articles.values())
        if self.size.width:
            self.refresh_rows(select=context.reading_state.last_article)
        else:
            # Not laid out yet: the first Resize fills the table, at its real width (building
            # it now would mean building it twice).
            self._select_on_resize = context.reading_state.last_article

    # ------------------------------------------------------------------ table
    def on_resize(self, event: Resize) -> None:
        """Re-plan the columns for the new width (collapses columns on narrow terminals)."""
        columns = columns_for(event.size.width, self._empty_columns())
        if columns != self._columns:
            select, self._select_on_resize = self._select_on_resize, None
            self.refresh_rows(select=select)

    def refresh_rows(self, select: str | None = None) -> None:
        """Re-filter, re-sort and redraw the table, keeping the selected article if shown."""
        table = self.table
        if select is None and self.shown and table.row_count:
            select = self.current_id()
        self.shown = sort_rows(
            filter_rows(self.rows, self.filter_input.value), self.sort_key, self.sort_reverse
        )
        columns = columns_for(self.size.width or 100, self._empty_columns())
        if columns != self._columns:
            table.clear(columns=True)
            for key, width in columns.items():
                table.add_column(self._label(key), key=key, width=width)
            self._columns = columns
        else:
            table.clear()
            for column in table.columns.values():
                column.label = self._label(str(column.key.value))
        for row in self.shown:
            table.add_row(*self._cells(row, columns), key=row.id)
        self._show_empty_state()
        self._update_title()
        if select is not None:
            for position, row in enumerate(self.shown):
                if row.id == select:
                    table.move_cursor(row=position, scroll=True)
                    break

    def _empty_columns(self) -> frozenset[str]:
        """Columns no article has a value in."""
        return frozenset(
            key
            for key in ("source", "authors", "date")
            if not any(getattr(r, key) for r in self.rows)
        )

    def _label(self, key: str) -> Text:
        arrow = (" ▼" if self.sort_reverse else " ▲") if key == self.sort_key else ""
        return Text(LABELS[key] + arrow, justify="right" if key == "words" else "left")

    def _cells(self, row: LibraryRow, columns: dict[str, int]) -> list[Text]:
        cells: list[Text] = []
        for key in columns:
            if key == "words":
                cells.append(Text(words_cell(row.words), justify="right", end=""))
            else:
                cells.append(safe_text(getattr(row, key), ellipsis=True))
        return cells

    def _show_empty_state(self) -> None:
        message = self.query_one("#library-empty", Static)
        context = reader_context(self)
        table = self.table
        table.display = bool(self.shown)
        if self.shown:
            message.display = False
            if self.focused is None:
                table.focus()  # it lost focus while hidden
            return
        message.display = True
        if not context.articles_loaded:
            text = "Loading articles…"
        elif not self.rows:
            text = (
                f"No articles in {context.workspace.seeds_dir}. "
                "Put .txt or .md files there and restart."
            )
        else:
            clear_key = key_for("library.clear", context.keymap_in_use)
            text = f"No article matches the filter. Press {clear_key} to clear it."
        message.update(Content(text))

    def _update_title(self) -> None:
        if not reader_context(self).articles_loaded:
            self.sub_title = "loading articles…"
            return
        total = len(self.rows)
        # Short enough for an 80-column header; s / S in the footer change it.
        sort = f"by {self.sort_key} {'▼' if self.sort_reverse else '▲'}"
        if len(self.shown) == total:
            self.sub_title = f"{plural(total, 'article')} · {sort}"
        else:
            self.sub_title = f"{len(self.shown):,} of {plural(total, 'article')} · {sort}"

    def current_id(self) -> str | None:
        """The id of the article under the cursor."""
        table = self.table
        if not table.row_count:
            return None
        row = min(table.cursor_row, len(self.shown) - 1)
        return self.shown[row].id if row >= 0 else None

    # ------------------------------------------------------------------ events
    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        self.refresh_rows()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.table.focus()

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.app.post_message(OpenArticle(event.row_key.value))

    @on(DataTable.HeaderSelected)
    def _header_selected(self, event: DataTable.HeaderSelected) -> None:
        key = str(event.column_key.value)
        if key == self.sort_key:
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_key, self.sort_reverse = key, False
        self.refresh_rows()

    # ------------------------------------------------------------------ actions
    def action_open(self) -> None:
        """Open the article under the cursor."""
        article_id = self.current_id()
        if article_id is not None:
            self.app.post_message(OpenArticle(article_id))

    def action_cursor_down(self) -> None:
        """Next row."""
        self.table.action_cursor_down()

    def action_cursor_up(self) -> None:
        """Previous row."""
        self.table.action_cursor_up()

    def action_first(self) -> None:
        """First row."""
        self.table.move_cursor(row=0)

    def action_last(self) -> None:
        """Last row."""
        self.table.move_cursor(row=max(0, self.table.row_count - 1))

    def action_filter(self) -> None:
        """Focus the filter box."""
        self.filter_input.focus()

    def action_clear_filter(self) -> None:
        """Empty the filter and go back to the table."""
        if self.filter_input.value:
            self.filter_input.value = ""  # fires Input.Changed → refresh_rows
        self.table.focus()

    def action_sort(self) -> None:
        """Sort by the next column (title → source → authors → date → words)."""
        self.sort_key = next_sort_key(self.sort_key)
        while self.sort_key not in self._columns and self.sort_key != "title":
            self.sort_key = next_sort_key(self.sort_key)  # skip columns hidden at this width
        self.sort_reverse = self.sort_key in ("date", "words")  # newest / longest first
        self.refresh_rows()

    def action_reverse_sort(self) -> None:
        """Reverse the sort order."""
        self.sort_reverse = not self.sort_reverse
        self.refresh_rows()

    def action_compare(self) -> None:
        """Compare the highlighted article with another, picked from a list (c)."""
        article_id = self.current_id()
        if article_id is None:
            self.notify("No article here to compare.", severity="warning")
            return
        self.app.post_message(CompareWith(article_id))


__all__ = ["SORT_KEYS", "LibraryScreen", "columns_for"]
