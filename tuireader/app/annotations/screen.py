"""The annotations view (A): every highlight and note of the workspace in one table.

The filter box narrows it as you type: free words search the quote, note, tags, label and
article; `tag:`, `label:`, `status:` (anchored / fuzzy / orphaned) and `doc:` (article id or
title) filter by field. `O` shows only the orphans: highlights whose text is no longer in
their article, listed with the words they were made on. enter opens the article in the
reader at the highlight.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.content import Content
from textual.events import Resize
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static

from tuireader.app.annotations.model import (
    AnnotationRow,
    ViewData,
    collect_rows,
    label_display,
    parse_filter,
    row_matches,
    shorten,
)
from tuireader.app.context import reader_context
from tuireader.app.shell import bindings
from tuireader.app.shell.navigation import OpenArticle
from tuireader.app.shell.render import safe_text
from tuireader.core.annotations.store import AnnotationStore

LABELS = {
    "article": "Article",
    "paragraph": "¶",
    "status": "Status",
    "label": "Label",
    "tags": "Tags",
    "quote": "Quote",
    "note": "Note",
}
"""Column headers."""
WIDTHS = {"article": 18, "paragraph": 3, "status": 8, "label": 6, "tags": 12, "note": 22}
"""Widths of the columns besides the quote (which takes the rest)."""
MIN_QUOTE = 30
"""The quote column never gets narrower than this while other columns can be dropped."""
ORPHANS = "status:orphaned"
"""The filter `O` toggles."""


def columns_for(width: int) -> dict[str, int]:
    """The columns that fit `width` cells: note, tags and then the article are dropped on
    narrow terminals (the detail lines below the table show everything)."""
    for dropped in ((), ("note",), ("note", "tags"), ("note", "tags", "article")):
        chosen = {key: w for key, w in WIDTHS.items() if key not in dropped}
        # One cell of padding either side of each column, 1 for the scrollbar, 2 spare.
        rest = width - sum(w + 2 for w in chosen.values()) - 2 - 3
        if rest >= MIN_QUOTE or dropped == ("note", "tags", "article"):
            ordered = {key: chosen[key] for key in WIDTHS if key in chosen and key != "note"}
            ordered["quote"] = max(rest, 10)
            if "note" in chosen:
                ordered["note"] = chosen["note"]
            return ordered
    raise AssertionError("unreachable")


class RowsLoaded(Message):
    """The workspace's annotations, re-anchored in a worker."""

    def __init__(self, data: ViewData) -> None:
        super().__init__()
        self.data = data
        """Rows and unreadable files."""


class AnnotationsScreen(Screen[None]):
    """All annotations: filter, look at one, open it in the reader."""

    BINDINGS: ClassVar[list[BindingType]] = [*bindings.ANNOTATIONS]
    AUTO_FOCUS = "#annotations-table"
    DEFAULT_CSS = """
    AnnotationsScreen #annotations-filter {
        margin: 0 1;
    }
    AnnotationsScreen #annotations-summary {
        height: 1;
        padding: 0 1;
        color: $text-muted;
    }
    AnnotationsScreen #annotations-summary.-problem {
        color: $text-error;
        text-style: bold;
    }
    AnnotationsScreen #annotations-table {
        height: 1fr;
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
    }
    AnnotationsScreen #annotations-table > .datatable--cursor {
        text-style: bold;
    }
    AnnotationsScreen #annotations-table:nocolor > .datatable--cursor {
        text-style: bold reverse;
    }
    AnnotationsScreen #annotations-detail {
        height: auto;
        max-height: 6;
        padding: 0 1;
        background: $panel;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[AnnotationRow] = []
        """Every annotation of the workspace."""
        self.shown: list[AnnotationRow] = []
        """The rows that pass the filter, as listed."""
        self.problems: list[str] = []
        """Annotation files that could not be read (their annotations are read-only)."""
        self.loaded = False
        """Whether the rows have been read."""
        self._columns: dict[str, int] = {}
        self.sub_title = "annotations"

    @property
    def table(self) -> DataTable[Text]:
        """The annotations table."""
        return self.query_one("#annotations-table", DataTable)

    @property
    def filter_input(self) -> Input:
        """The filter box."""
        return self.query_one("#annotations-filter", Input)

    def compose(self) -> ComposeResult:
        """Header, filter, summary, table, detail of the highlighted row, footer."""
        yield Header(icon="≡")
        yield Input(
            placeholder="Filter (f): words, tag:x label:yellow status:orphaned doc:000",
            id="annotations-filter",
            compact=True,
        )
        yield Static(Content("Reading the annotations…"), id="annotations-summary")
        yield DataTable(
            id="annotations-table", cursor_type="row", cursor_foreground_priority="renderable"
        )
        yield Static(id="annotations-detail")
        yield Footer()

    def on_mount(self) -> None:
        """Read the annotations (in a worker)."""
        self.load()

    def on_screen_resume(self) -> None:
        """Back from the reader: annotations may have changed there."""
        if self.loaded:
            self.load()

    def load(self) -> None:
        """Read and re-anchor every annotation in a thread."""
        context = reader_context(self)
        store = AnnotationStore(context.workspace.annotations_dir)
        articles = dict(context.articles)

        def job() -> None:
            try:
                data = collect_rows(store, articles)
            except Exception as error:  # never a traceback
                data = ViewData([], [f"Could not read the annotations: {error}"])
            self.post_message(RowsLoaded(data))

        self.run_worker(job, thread=True, group="annotations-view", exclusive=True)

    def on_rows_loaded(self, message: RowsLoaded) -> None:
        """Show the rows (keeping the filter and the selected row)."""
        self.rows = message.data.rows
        self.problems = message.data.problems
        self.loaded = True
        self.refresh_rows()

    # ------------------------------------------------------------------ table
    def on_resize(self, event: Resize) -> None:
        """Re-plan the columns for the new width."""
        if self.loaded and columns_for(event.size.width) != self._columns:
            self.refresh_rows()

    def current_row(self) -> AnnotationRow | None:
        """The row under the cursor."""
        table = self.table
        if not self.shown or not table.row_count:
            return None
        return self.shown[min(max(table.cursor_row, 0), len(self.shown) - 1)]

    def refresh_rows(self) -> None:
        """Filter and redraw the table, keeping the selected annotation if still shown."""
        table = self.table
        selected = self.current_row()
        wanted = parse_filter(self.filter_input.value)
        self.shown = [row for row in self.rows if row_matches(row, wanted)]
        columns = columns_for(self.size.width or 100)
        if columns != self._columns:
            table.clear(columns=True)
            for key, width in columns.items():
                header = Text(LABELS[key], justify="right" if key == "paragraph" else "left")
                table.add_column(header, key=key, width=width)
            self._columns = columns
        else:
            table.clear()
        for row in self.shown:
            table.add_row(*self._cells(row, columns), key=f"{row.article_id}\0{row.placed.id}")
        if selected is not None:
            for position, row in enumerate(self.shown):
                if row.placed.id == selected.placed.id:
                    table.move_cursor(row=position, scroll=True)
                    break
        self._show_summary(wanted.problems)
        self._show_detail()

    def _cells(self, row: AnnotationRow, columns: dict[str, int]) -> list[Text]:
        annotation = row.placed.annotation
        cells: list[Text] = []
        for key, width in columns.items():
            if key == "article":
                cells.append(safe_text(row.article_title, ellipsis=True))
            elif key == "paragraph":
                cells.append(Text(str(row.paragraph), justify="right", end=""))
            elif key == "status":
                cells.append(_status_text(row.status))
            elif key == "label":
                cells.append(safe_text(annotation.label or "", ellipsis=True))
            elif key == "tags":
                cells.append(safe_text(", ".join(annotation.tags), ellipsis=True))
            elif key == "quote":
                cells.append(safe_text(shorten(annotation.target.exact, width)))
            else:
                cells.append(safe_text(shorten(annotation.note, width), style="italic"))
        return cells

    def _show_summary(self, filter_problems: list[str]) -> None:
        summary = self.query_one("#annotations-summary", Static)
        total = len(self.rows)
        orphans = sum(1 for row in self.rows if row.status == "orphaned")
        fuzzy = sum(1 for row in self.rows if row.status == "fuzzy")
        if not total and self.problems:
            # Annotations exist but none could be read: "none yet" would be untrue.
            text = "No annotation could be read"
        elif not total:
            text = "No annotations yet: in the reader, v selects text and h highlights it."
        elif len(self.shown) == total:
            text = f"{total:,} annotation{'s' if total != 1 else ''}"
        else:
            text = f"{len(self.shown):,} of {total:,} annotations"
        if total:
            text += f" · {fuzzy} fuzzy · {orphans} orphaned" + (" (O)" if orphans else "")
            text += " · enter opens"
        problem = ""
        if filter_problems:
            problem = filter_problems[0]
        elif self.problems:
            # Names the file at fault; the other files' annotations are still listed.
            more = f" (+{len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
            problem = f"read-only: {self.problems[0]}{more}"
        if problem:
            text = f"{text} · {problem}"
        summary.update(Content(text))
        summary.set_class(bool(problem), "-problem")
        self.sub_title = text.split(" · ")[0] if total else "annotations"

    def _show_detail(self) -> None:
        detail = self.query_one("#annotations-detail", Static)
        row = self.current_row()
        if row is None:
            detail.update(Content("Nothing to show." if self.rows else ""))
            return
        annotation = row.placed.annotation
        status = row.status
        if row.article_missing:
            status = "orphaned: the article is no longer in the workspace"
        elif status == "orphaned":
            status = "orphaned: not found in the current text (the stored words are shown)"
        elif status == "fuzzy":
            status = "fuzzy: found approximately, the text changed"
        head = f"{row.article_title} ({row.article_id}) · ¶ {row.paragraph} · {status}"
        if annotation.label:
            head += f" · {label_display(annotation.label)}"
        if annotation.tags:
            head += f" · tags: {', '.join(annotation.tags)}"
        lines = [
            Content(shorten(head, 400)),
            Content.styled(_quoted(shorten(annotation.target.exact, 300)), "italic"),
        ]
        if annotation.note.strip():
            lines.append(Content(f"Note: {shorten(annotation.note, 300)}"))
        detail.update(Content("\n").join(lines))

    # ------------------------------------------------------------------ events
    @on(Input.Changed, "#annotations-filter")
    def _filter_changed(self) -> None:
        if self.loaded:
            self.refresh_rows()

    @on(Input.Submitted, "#annotations-filter")
    def _filter_submitted(self) -> None:
        self.table.focus()

    @on(DataTable.RowHighlighted)
    def _row_highlighted(self) -> None:
        self._show_detail()

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        """Open the annotation's article in the reader, at the annotation."""
        row = self.current_row()
        if row is None:
            return
        if row.article_missing or row.article_id not in reader_context(self).articles:
            self.notify(
                f"The article {row.article_id!r} is not in the workspace any more; its "
                "annotations stay in the annotations/ folder.",
                severity="warning",
                markup=False,
            )
            return
        self.app.post_message(
            OpenArticle(row.article_id, paragraph=row.paragraph, focus_annotation=row.placed.id)
        )

    def action_back(self) -> None:
        """Clear the filter, or go back."""
        if self.filter_input.value:
            self.filter_input.value = ""
            self.table.focus()
            return
        self.app.pop_screen()

    def action_filter(self) -> None:
        """Type in the filter box."""
        self.filter_input.focus()

    def action_orphans(self) -> None:
        """Show only the orphans (again: everything)."""
        text = self.filter_input.value
        if ORPHANS in text:
            text = " ".join(text.replace(ORPHANS, " ").split())
        else:
            text = f"{text} {ORPHANS}".strip()
        self.filter_input.value = text
        self.table.focus()

    def action_cursor_down(self) -> None:
        """Next row."""
        self.table.action_cursor_down()

    def action_cursor_up(self) -> None:
        """Previous row."""
        self.table.action_cursor_up()


def _quoted(text: str) -> str:
    """`text` in quotation marks, unless it already starts with one."""
    return text if text[:1] in "“\"‘'«" else f"“{text}”"


def _status_text(status: str) -> Text:
    """The status cell: orphans stand out even without colour."""
    if status == "orphaned":
        return Text("ORPHANED", style="bold reverse", end="")
    if status == "fuzzy":
        return Text("fuzzy", style="bold", end="")
    return Text(status, end="")
