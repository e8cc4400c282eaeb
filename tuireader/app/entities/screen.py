"""The entities screen (`E`): every entity of the workspace by type, with the articles that
name each.

A table (name, type, mentions, articles) grouped by type, sorted within a type by mentions or
by number of articles (`s`), narrowed to one type (`t`) or by a filter that matches any
spelling (`f`, as you type). A detail pane shows the highlighted entity's spellings and
articles. enter searches the corpus for it; `o` lists its articles to open one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

from rich.console import Group, RenderableType
from rich.table import Table as RichTable
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.events import Resize
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Header, Input, Static

from tuireader.app.context import reader_context
from tuireader.app.entities.kinds import KIND_SINGULAR, KIND_TITLES, spellings_line
from tuireader.app.shell import bindings
from tuireader.app.shell.index_status import IndexStatus
from tuireader.app.shell.navigation import OpenEntityArticles, OpenSearch
from tuireader.app.shell.render import safe_text
from tuireader.app.state.entities import EntityState
from tuireader.core.search.query_syntax import entity_query
from tuireader.core.text import fold

if TYPE_CHECKING:
    from tuireader.core.entities.index import Entity, EntityIndex

SortKey = Literal["mentions", "articles"]
MAX_ROWS = 1000
"""Most rows in the table (a big corpus has tens of thousands of entities: filter them)."""
FILTER_DEBOUNCE = 0.12
"""Seconds of quiet typing before the filter runs (a big corpus takes a moment to filter)."""
DETAIL_ARTICLES = 30
"""Articles listed in the detail pane (o lists them all)."""
WIDE = 110
"""From this many columns the detail pane sits beside the table; below, under it."""
KIND_LABELS = {kind: word.capitalize() for kind, word in KIND_SINGULAR.items()}
"""The type column's text."""
NUMBER_WIDTH = 8
TYPE_WIDTH = 12


def search_key(entity: Entity) -> str:
    """Every spelling of the entity, folded, one per line (what the filter looks in)."""
    return "\n".join(fold(spelling) for spelling in dict.fromkeys([entity.name, *entity.aliases]))


def matches(key: str, words: list[str]) -> bool:
    """Whether every (folded) filter word occurs in the entity's search key."""
    return all(word in key for word in words)


def sort_entities(entities: list[Entity], key: SortKey) -> list[Entity]:
    """By type (People first), then most mentions or most articles first, then name."""
    order = {kind: n for n, kind in enumerate(KIND_TITLES)}
    if key == "articles":
        return sorted(
            entities,
            key=lambda e: (order.get(e.kind, 99), -len(e.articles), -e.mentions, e.name.casefold()),
        )
    return sorted(
        entities,
        key=lambda e: (order.get(e.kind, 99), -e.mentions, -len(e.articles), e.name.casefold()),
    )


class EntitiesScreen(Screen[None]):
    """Every entity of the workspace."""

    BINDINGS: ClassVar[list[BindingType]] = [*bindings.ENTITIES]
    AUTO_FOCUS = "#entity-table"
    # Textual declares this `ClassVar[...] | None`, which mypy reads as an instance variable.
    HORIZONTAL_BREAKPOINTS: list[tuple[int, str]] | None = [  # noqa: RUF012
        (0, "-narrow"),
        (WIDE, "-wide"),
    ]
    DEFAULT_CSS = """
    EntitiesScreen #entity-filter-row {
        height: 1;
        margin: 0 1;
    }
    EntitiesScreen #entity-filter {
        width: 1fr;
    }
    EntitiesScreen #entity-mode {
        width: auto;
        color: $text-muted;
    }
    EntitiesScreen #entity-status {
        height: auto;
        max-height: 4;
        padding: 0 1;
        color: $text-muted;
    }
    EntitiesScreen #entity-status.-problem {
        color: $text-warning;
    }
    EntitiesScreen #entity-body {
        height: 1fr;
    }
    EntitiesScreen.-narrow #entity-body {
        layout: vertical;
    }
    EntitiesScreen #entity-table {
        height: 1fr;
        width: 1fr;
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
    }
    EntitiesScreen #entity-table > .datatable--cursor {
        text-style: bold;
    }
    EntitiesScreen #entity-table:nocolor > .datatable--cursor {
        text-style: bold reverse;
    }
    EntitiesScreen #entity-detail {
        width: 44;
        height: 1fr;
        padding: 0 1;
        border-left: vkey $foreground 40%;
        scrollbar-size-vertical: 1;
    }
    EntitiesScreen.-narrow #entity-detail {
        width: 1fr;
        height: 7;
        border-left: none;
        border-top: hkey $foreground 40%;
    }
    """

    def __init__(self, focus: str | None = None) -> None:
        """`focus`: the id of an entity to put the cursor on."""
        super().__init__()
        self.sort_key: SortKey = "mentions"
        """What rows are sorted by within a type."""
        self.kind: str | None = None
        """Only entities of this kind (None: every kind)."""
        self.shown: list[Entity] = []
        """The entities in the table, in table order."""
        self.matching = 0
        """How many entities pass the filter and type (the table may show fewer)."""
        self._focus = focus
        self._name_width = 0
        self._keys: dict[str, str] = {}
        self._index: EntityIndex | None = None
        self._filter_timer: Timer | None = None
        self.sub_title = "entities"

    @property
    def table(self) -> DataTable[Text]:
        """The entities table."""
        return self.query_one("#entity-table", DataTable)

    @property
    def filter_input(self) -> Input:
        """The filter box."""
        return self.query_one("#entity-filter", Input)

    def compose(self) -> ComposeResult:
        """Header, filter row, status, table + detail, index status, footer."""
        yield Header(icon="≡")
        with Horizontal(id="entity-filter-row"):
            yield Input(
                placeholder="Filter (f): any spelling, e.g. uighur",
                id="entity-filter",
                compact=True,
            )
            yield Static(id="entity-mode")
        yield Static(id="entity-status")
        with Horizontal(id="entity-body"):
            yield DataTable(id="entity-table", cursor_type="row", zebra_stripes=False)
            with VerticalScroll(id="entity-detail"):
                yield Static(id="entity-detail-text")
        yield IndexStatus()
        yield Footer()

    def on_mount(self) -> None:
        """Fill the table from the app's entities (and again whenever they change)."""
        entities = reader_context(self).entities
        entities.changed.subscribe(self, self._entities_changed)
        entities.ensure()
        self._show_mode()
        self.refresh_rows()

    def _entities_changed(self, _state: EntityState) -> None:
        index = reader_context(self).entities.index
        if index is not self._index:  # a new index: new rows; else only the status changed
            self._keys = {}
            self.refresh_rows()
        else:
            self._show_status()

    def on_resize(self, event: Resize) -> None:
        """Fit the name column to the new width."""
        if self._name_width != self._name_width_for(event.size.width):
            self.refresh_rows()

    def _name_width_for(self, width: int) -> int:
        table_width = width if width < WIDE else width - 44
        # four columns, one cell of padding either side; the scrollbar and a spare cell
        return max(12, table_width - TYPE_WIDTH - 2 * NUMBER_WIDTH - 8 - 3)

    # ------------------------------------------------------------------ rows
    def refresh_rows(self, select: str | None = None) -> None:
        """Re-filter, re-sort and redraw the table, keeping the entity under the cursor."""
        table = self.table
        if select is None:
            select = self._focus or self.current_id()
        self._focus = None
        index = self._index = reader_context(self).entities.index
        everything = index.entities if index is not None else []
        words = fold(self.filter_input.value).split()
        if words and len(self._keys) != len(everything):
            self._keys = {e.id: search_key(e) for e in everything}
        chosen = [
            e
            for e in everything
            if (self.kind is None or e.kind == self.kind)
            and (not words or matches(self._keys.get(e.id, ""), words))
        ]
        self.matching = len(chosen)
        self.shown = sort_entities(chosen, self.sort_key)[:MAX_ROWS]
        width = self._name_width_for(self.size.width or 100)
        if width != self._name_width or not table.columns:
            table.clear(columns=True)
            table.add_column("Name", key="name", width=width)
            table.add_column("Type", key="type", width=TYPE_WIDTH)
            table.add_column(Text("Mentions", justify="right"), key="mentions", width=NUMBER_WIDTH)
            table.add_column(Text("Articles", justify="right"), key="articles", width=NUMBER_WIDTH)
            self._name_width = width
        else:
            table.clear()
        self._label_columns()
        for position, entity in enumerate(self.shown):
            table.add_row(
                safe_text(entity.name, ellipsis=True),
                Text(KIND_LABELS.get(entity.kind, entity.kind), end=""),
                Text(f"{entity.mentions:,}", justify="right", end=""),
                Text(f"{len(entity.articles):,}", justify="right", end=""),
                key=str(position),  # entity ids can repeat (an alias file may split a name)
            )
        if select is not None:
            self.focus_entity(select)
        self._show_status()
        self._show_detail()

    def _label_columns(self) -> None:
        """Mark the sort column with ▼."""
        for column in self.table.columns.values():
            key = str(column.key.value)
            if key in ("mentions", "articles"):
                label = key.capitalize() + (" ▼" if key == self.sort_key else "")
                column.label = Text(label, justify="right")

    def focus_entity(self, entity_id: str) -> None:
        """Put the cursor on this entity if it is shown."""
        for position, entity in enumerate(self.shown):
            if entity.id == entity_id:
                self.table.move_cursor(row=position, scroll=True)
                return

    def current(self) -> Entity | None:
        """The entity under the cursor."""
        row = self.table.cursor_row
        if not self.shown or not 0 <= row < len(self.shown):
            return None
        return self.shown[row]

    def current_id(self) -> str | None:
        """The id of the entity under the cursor."""
        entity = self.current()
        return entity.id if entity is not None else None

    def _show_mode(self) -> None:
        kind = KIND_TITLES[self.kind] if self.kind else "all types"
        text = f" {kind} (t) · by {self.sort_key} (s)"
        self.query_one("#entity-mode", Static).update(Content(text))

    def _show_status(self) -> None:
        """How many entities are shown, or why there are none."""
        entities = reader_context(self).entities
        index, state = entities.index, entities.state
        status = self.query_one("#entity-status", Static)
        problem = False
        if index is None:
            text = state.describe()
            problem = state.phase in ("unavailable", "failed")
        else:
            total = len(index.entities)
            if self.matching == total:
                text = f"{total:,} entities"
            else:
                text = f"{self.matching:,} of {total:,} entities"
            if len(self.shown) < self.matching:
                text += f" (first {len(self.shown):,} shown: type to narrow)"
            if state.phase in ("unavailable", "failed") or state.busy:
                text += " · " + state.describe()
                problem = state.phase in ("unavailable", "failed")
            elif not self.matching and total:
                text += " · escape clears the filter, t changes the type"
            else:
                text += " · enter searches · o lists its articles"
        status.update(Content(text))
        status.set_class(problem, "-problem")
        self.sub_title = f"entities · {KIND_TITLES[self.kind].lower()}" if self.kind else "entities"

    def _show_detail(self) -> None:
        """The highlighted entity: spellings, counts and the articles that name it (titles
        wrap under themselves, not under the counts)."""
        detail = self.query_one("#entity-detail-text", Static)
        entity = self.current()
        if entity is None:
            detail.update(Content(""))
            return
        articles = reader_context(self).articles
        count = len(entity.articles)
        head = Text.assemble(
            safe_text(entity.name, style="bold"),
            (f" · {KIND_SINGULAR.get(entity.kind, entity.kind)}", "dim"),
            "\n",
            f"{entity.mentions:,} mention{'s' if entity.mentions != 1 else ''} in "
            f"{count:,} article{'s' if count != 1 else ''}",
        )
        spelt = spellings_line(entity)
        if spelt:
            head.append("\n" + spelt, style="italic")
        grid = RichTable.grid(padding=(0, 1))
        grid.add_column(justify="right", no_wrap=True)
        grid.add_column()
        for article_id, mentions in list(entity.articles.items())[:DETAIL_ARTICLES]:
            article = articles.get(article_id)
            title = article.title if article is not None else article_id
            grid.add_row(Text(f"{mentions:,}", style="bold"), safe_text(title))
        parts: list[RenderableType] = [head, grid]
        if count > DETAIL_ARTICLES:
            parts.append(Text(f"…and {count - DETAIL_ARTICLES:,} more (o)", style="dim"))
        detail.update(Group(*parts))

    # ------------------------------------------------------------------ events
    @on(DataTable.RowHighlighted, "#entity-table")
    def _row_highlighted(self) -> None:
        self._show_detail()

    @on(DataTable.RowSelected, "#entity-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_search()

    @on(Input.Changed, "#entity-filter")
    def _filter_changed(self) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self._filter_timer = self.set_timer(FILTER_DEBOUNCE, self.refresh_rows)

    @on(Input.Submitted, "#entity-filter")
    def _filter_submitted(self) -> None:
        self.table.focus()

    # ------------------------------------------------------------------ actions
    def action_back(self) -> None:
        """Clear the filter if there is one (and go back to the table), else close."""
        if self.filter_input.value:
            self.filter_input.value = ""
            self.refresh_rows()
            self.table.focus()
        elif self.filter_input.has_focus:
            self.table.focus()
        else:
            self.app.pop_screen()

    def action_search(self) -> None:
        """Search the corpus for every spelling of the entity under the cursor."""
        entity = self.current()
        if entity is None:
            self.notify("No entity under the cursor.", severity="warning", timeout=2)
            return
        self.app.post_message(OpenSearch(entity_query(entity.name)))

    def action_articles(self) -> None:
        """List the articles that name the entity under the cursor (enter opens one)."""
        entity = self.current()
        if entity is None:
            self.notify("No entity under the cursor.", severity="warning", timeout=2)
            return
        self.app.post_message(OpenEntityArticles(entity.id))

    def action_filter(self) -> None:
        """Focus the filter box."""
        self.filter_input.focus()

    def action_sort(self) -> None:
        """Sort by mentions or by number of articles."""
        self.sort_key = "articles" if self.sort_key == "mentions" else "mentions"
        self._show_mode()
        self.refresh_rows()

    def action_kind(self) -> None:
        """Show one type after another (People → … → Figures → all)."""
        kinds = [None, *KIND_TITLES]
        self.kind = kinds[(kinds.index(self.kind) + 1) % len(kinds)]
        self._show_mode()
        self.refresh_rows()

    def action_cursor_down(self) -> None:
        """Next entity."""
        self.table.action_cursor_down()

    def action_cursor_up(self) -> None:
        """Previous entity."""
        self.table.action_cursor_up()
