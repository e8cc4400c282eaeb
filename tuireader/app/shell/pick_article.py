"""Pick an article ("compare with…"): type words of its title, source, author, date or id;
up / down move, enter chooses, escape cancels. Dismisses with the article id or None."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from tuireader.app.context import reader_context
from tuireader.app.shell import bindings
from tuireader.app.shell.article_rows import LibraryRow, build_rows, filter_rows, sort_rows
from tuireader.app.shell.keys import key_for
from tuireader.app.shell.render import safe_content
from tuireader.core.text import plural

MAX_SHOWN = 200
"""Most articles listed at once (the filter narrows a big corpus down)."""


def row_prompt(row: LibraryRow) -> Content:
    """ "Title" over "source · date · id", from plain strings."""
    details = " · ".join(part for part in (row.source, row.date, row.id) if part)
    return Content("\n").join(
        [safe_content(row.title).stylize("bold"), safe_content(details).stylize("dim")]
    )


class PickArticleDialog(ModalScreen[str | None]):
    """A filterable list of the articles (all but `exclude`)."""

    BINDINGS: ClassVar[list[BindingType]] = [*bindings.PICK_ARTICLE]
    AUTO_FOCUS = "#pick-filter"
    DEFAULT_CSS = """
    PickArticleDialog {
        align: center middle;
    }
    PickArticleDialog #pick-box {
        width: 90;
        max-width: 100%;
        height: 80%;
        min-height: 10;
        border: round $accent;
        border-title-style: bold;
        background: $surface;
        padding: 0 1;
    }
    PickArticleDialog #pick-filter {
        margin-bottom: 1;
    }
    PickArticleDialog #pick-list {
        height: 1fr;
        border: none;
        scrollbar-size-vertical: 1;
    }
    PickArticleDialog #pick-count {
        height: 1;
        color: $text-muted;
    }
    PickArticleDialog #pick-list:nocolor > .option-list--option-highlighted {
        text-style: bold underline;
    }
    """

    def __init__(self, title: str, exclude: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        """The box's title (plain text)."""
        self.exclude = exclude
        """The article not to offer (the one being compared)."""
        self.rows: list[LibraryRow] = []
        """Every article that may be picked."""
        self.shown: list[LibraryRow] = []
        """The rows listed (filtered)."""

    def compose(self) -> ComposeResult:
        """Filter box, article list, count line."""
        with Vertical(id="pick-box") as box:
            box.border_title = self.title_text
            yield Input(
                placeholder="Type to filter: title, source, author, date, id",
                id="pick-filter",
                compact=True,
            )
            yield OptionList(id="pick-list")
            yield Static(id="pick-count")
        yield Footer()

    def on_mount(self) -> None:
        """List the articles, titles A–Z."""
        rows = build_rows(reader_context(self).articles.values())
        self.rows = sort_rows([r for r in rows if r.id != self.exclude], "title", False)
        self._refresh_list("")

    def _refresh_list(self, text: str) -> None:
        self.shown = filter_rows(self.rows, text)
        options = [Option(row_prompt(row), id=row.id) for row in self.shown[:MAX_SHOWN]]
        option_list = self.query_one("#pick-list", OptionList)
        option_list.set_options(options)
        if options:
            option_list.highlighted = 0
        total = len(self.shown)
        more = f" (first {MAX_SHOWN}; type to narrow)" if total > MAX_SHOWN else ""
        if total:
            text_count = plural(total, "article") + more
        else:
            cancel = key_for("pick.cancel", reader_context(self).keymap_in_use)
            text_count = f"No article matches. Backspace to widen the filter, {cancel} to cancel."
        self.query_one("#pick-count", Static).update(Content(text_count))

    @on(Input.Changed, "#pick-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._refresh_list(event.value)

    @on(Input.Submitted, "#pick-filter")
    def _filter_submitted(self) -> None:
        self.action_pick()

    @on(OptionList.OptionSelected, "#pick-list")
    def _option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.dismiss(event.option.id)

    def action_move(self, step: int) -> None:
        """Move the highlight in the list (the filter keeps the focus)."""
        option_list = self.query_one("#pick-list", OptionList)
        count = option_list.option_count
        if not count:
            return
        current = option_list.highlighted if option_list.highlighted is not None else -1
        option_list.highlighted = min(max(current + step, 0), count - 1)

    def action_pick(self) -> None:
        """Choose the highlighted article."""
        option_list = self.query_one("#pick-list", OptionList)
        if option_list.highlighted is None or not option_list.option_count:
            self.notify("No article to choose: change the filter.", severity="warning")
            return
        option = option_list.get_option_at_index(option_list.highlighted)
        self.dismiss(option.id)

    def action_cancel(self) -> None:
        """Close without choosing."""
        self.dismiss(None)
