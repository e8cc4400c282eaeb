"""Figures tables: the numbers two articles give for the same thing (f in the compare
screen), and the numbers several articles of the workspace give for the same thing (F).

Each row is a figure as written ("up to 2 million Uighurs"); the line under the table shows
the sentences it comes from, the number highlighted. Differences are flagged in words
("DIFFER"), not only in colour. Enter goes to the figure: in the pair table, to both
paragraphs in the compare screen; in the workspace table, to the article in the reader.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.content import Content
from textual.events import Resize
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from tuireader.app.compare.commands import session_indexes
from tuireader.app.context import reader_context
from tuireader.app.shell import bindings
from tuireader.app.shell.keys import key_for, key_to_start
from tuireader.app.shell.navigation import OpenArticle
from tuireader.app.shell.render import clean_text, safe_content, safe_text
from tuireader.core.text import plural

if TYPE_CHECKING:
    from tuireader.core.compare.align import Comparison
    from tuireader.core.compare.claims import FigureGroup
    from tuireader.core.compare.figures import Figure, FigureMatch

RELATION_LABELS = {"same": "same", "consistent": "overlap", "differ": "DIFFER"}
"""How a relation reads in the table (a difference in capitals, for NO_COLOR): the same
value, values whose ranges or qualifiers overlap ("up to 2 million" and "1.5 million"), or
values that contradict each other."""
SENTENCE_LIMIT = 240
"""Characters of a sentence shown under the table."""

FIGURES_CSS = """
.figures-intro {
    height: auto;
    padding: 0 1;
    color: $text-muted;
}
.figures-table {
    height: 1fr;
    scrollbar-size-vertical: 1;
}
.figures-table > .datatable--cursor {
    text-style: bold;
}
.figures-table:nocolor > .datatable--cursor {
    text-style: bold reverse;
}
.figures-detail {
    height: auto;
    max-height: 8;
    padding: 0 1;
    background: $panel;
}
"""


def figure_value(figure: Figure) -> str:
    """Qualifier and number as written: "up to 2 million"."""
    return " ".join(part for part in (figure.qualifier or "", figure.text) if part)


def what_is_counted(a: Figure, b: Figure) -> str:
    """The nouns of two matched figures: "ethnic Kazakhs", or "Uighurs / detainees"."""
    noun_a, noun_b = " ".join(a.noun), " ".join(b.noun)
    if noun_a.lower() == noun_b.lower():
        return noun_a or "—"
    return " / ".join(noun for noun in (noun_a, noun_b) if noun) or "—"


def sentence_content(label: str, figure: Figure) -> Content:
    """ "A¶7: …sentence…" with the number highlighted (plain text, never markup)."""
    sentence = " ".join(clean_text(figure.sentence).split())
    position = sentence.find(figure.text)
    if len(sentence) > SENTENCE_LIMIT:
        start = max(0, min(position - SENTENCE_LIMIT // 3, len(sentence) - SENTENCE_LIMIT))
        if start:  # begin at a word
            space = sentence.find(" ", start)
            start = space + 1 if 0 <= space < position else start
        end = start + SENTENCE_LIMIT
        if end < len(sentence):  # end at a word
            space = sentence.rfind(" ", position + len(figure.text), end)
            end = space if space > 0 else end
        sentence = (
            ("…" if start else "") + sentence[start:end] + ("…" if end < len(sentence) else "")
        )
        position = sentence.find(figure.text)
    spans = [(position, position + len(figure.text))] if position >= 0 else []
    return Content.assemble((f"{label}: ", "bold"), safe_content(sentence, spans))


class PairFiguresScreen(Screen[tuple[int, int] | None]):
    """The figures two articles give for the same things; dismisses with (A paragraph, B
    paragraph) of the row chosen with enter, or None. A full screen, not a dialog: the
    global keys (search, help, quit) work here too. The app pushes it (OpenPairFigures)
    and hands the result back to the compare screen that asked."""

    BINDINGS: ClassVar[list[BindingType]] = [*bindings.FIGURES]
    AUTO_FOCUS = "#figures"
    DEFAULT_CSS = FIGURES_CSS

    def __init__(self, comparison: Comparison) -> None:
        super().__init__()
        self.comparison = comparison
        """The comparison whose figures are listed."""
        self.differ_only = False
        """Show only the figures that differ (d)."""
        self.shown: list[FigureMatch] = []
        """The rows on screen."""
        self._widths: tuple[int, ...] = ()
        self.sub_title = "figures of the pair"

    def compose(self) -> ComposeResult:
        """Header, summary, table, the sentences of the highlighted row, footer."""
        yield Header(icon="≡")
        yield Static(classes="figures-intro", id="figures-intro")
        yield DataTable(id="figures", cursor_type="row", classes="figures-table")
        yield Static(classes="figures-detail", id="figures-detail")
        yield Footer()

    def on_mount(self) -> None:
        """Fill the table."""
        self._columns(self.size.width or 80)
        self._fill()

    def on_resize(self, event: Resize) -> None:
        """Share the width between the columns."""
        if self._columns(event.size.width):
            self._fill()

    def _columns(self, width: int) -> bool:
        """Lay out the columns for `width` cells; whether they changed."""
        what = max(16, (width - 14) // 4)
        value = max(14, (width - 14 - what) // 2 - 2)
        widths = (8, what, value, value)
        if widths == self._widths:
            return False
        self._widths = widths
        table = self.query_one("#figures", DataTable)
        table.clear(columns=True)
        for (key, label), size in zip(
            (("relation", ""), ("what", "What is counted"), ("a", "A"), ("b", "B")),
            widths,
            strict=True,
        ):
            table.add_column(label, key=key, width=size)
        return True

    def _fill(self) -> None:
        matches = list(self.comparison.figures)
        self.shown = [m for m in matches if not m.agree] if self.differ_only else matches
        table = self.query_one("#figures", DataTable)
        table.clear()
        for number, match in enumerate(self.shown):
            relation = RELATION_LABELS[match.relation]
            table.add_row(
                Text(relation, style="bold" if not match.agree else ""),
                safe_text(what_is_counted(match.a, match.b), ellipsis=True),
                safe_text(f"{figure_value(match.a)} ¶{match.a.paragraph}", ellipsis=True),
                safe_text(f"{figure_value(match.b)} ¶{match.b.paragraph}", ellipsis=True),
                key=str(number),
            )
        a, b = self.comparison.a, self.comparison.b
        differ = len(self.comparison.differing_figures)
        if matches:
            intro = (
                f"{plural(len(matches), 'figure')} that A "
                f"({clean_text(a.title)}) and B ({clean_text(b.title)}) give for the same "
                f"thing; {differ} {'differs' if differ == 1 else 'differ'}."
            )
            if self.differ_only:
                differ_key = key_for("figures.differ", reader_context(self).keymap_in_use)
                intro += f" Showing the differences only ({differ_key}: all)."
        else:
            intro = (
                "A and B give no figures for the same thing (matched by the nouns and the "
                "words around the numbers)."
            )
        self.query_one("#figures-intro", Static).update(Content(intro))
        table.display = bool(self.shown)
        self._show_detail()

    @on(DataTable.RowHighlighted, "#figures")
    def _row_highlighted(self) -> None:
        self._show_detail()

    def _current(self) -> FigureMatch | None:
        table = self.query_one("#figures", DataTable)
        if not self.shown or not table.row_count:
            return None
        return self.shown[min(max(table.cursor_row, 0), len(self.shown) - 1)]

    def _show_detail(self) -> None:
        detail = self.query_one("#figures-detail", Static)
        match = self._current()
        if match is None:
            detail.display = False
            return
        detail.display = True
        detail.update(
            Content("\n").join(
                [
                    sentence_content(f"A¶{match.a.paragraph}", match.a),
                    sentence_content(f"B¶{match.b.paragraph}", match.b),
                ]
            )
        )

    @on(DataTable.RowSelected, "#figures")
    def _row_selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        """Back to the compare screen, at the two paragraphs of this figure."""
        match = self._current()
        if match is not None:
            self.dismiss((match.a.paragraph, match.b.paragraph))

    def action_differ_only(self) -> None:
        """Only the figures that differ (d); again: all."""
        self.differ_only = not self.differ_only
        self._fill()

    def action_cursor_down(self) -> None:
        """Next row."""
        self.query_one("#figures", DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        """Previous row."""
        self.query_one("#figures", DataTable).action_cursor_up()

    def action_back(self) -> None:
        """Back to the compare screen."""
        self.dismiss(None)


class FigureGroupsFound(Message):
    """The worker grouped the workspace's figures."""

    def __init__(self, groups: list[FigureGroup] | None, error: str | None) -> None:
        super().__init__()
        self.groups = groups
        """The groups, most widely sourced first (None when it failed)."""
        self.error = error
        """A readable reason when it failed."""


class CorpusFiguresScreen(Screen[None]):
    """Figures several articles of the workspace give for the same thing (F): one row per
    figure, grouped; enter opens the article at the figure's paragraph."""

    BINDINGS: ClassVar[list[BindingType]] = [*bindings.FIGURES]
    AUTO_FOCUS = "#corpus-figures"
    DEFAULT_CSS = FIGURES_CSS

    def __init__(self) -> None:
        super().__init__()
        self.groups: list[FigureGroup] | None = None
        """Every group (None until the worker is done)."""
        self.differ_only = False
        """Show only the groups whose figures differ (d)."""
        self.rows: list[tuple[int, Figure]] = []
        """(group number, figure) of each row on screen."""
        self._widths: tuple[int, ...] = ()
        self.sub_title = "figures across articles"

    def compose(self) -> ComposeResult:
        """Header, summary, table, the sentence of the highlighted row, footer."""
        yield Header(icon="≡")
        yield Static(classes="figures-intro", id="figures-intro")
        yield DataTable(id="corpus-figures", cursor_type="row", classes="figures-table")
        yield Static(classes="figures-detail", id="figures-detail")
        yield Footer()

    def on_mount(self) -> None:
        """Columns now; the groups come from a worker."""
        table = self.query_one("#corpus-figures", DataTable)
        self._columns(self.size.width or 80)
        table.display = False
        self.query_one("#figures-detail", Static).display = False
        articles = plural(len(reader_context(self).articles), "article")
        self.query_one("#figures-intro", Static).update(
            Content(f"Looking for figures that several of the {articles} give…")
        )
        self._find_groups()

    def on_resize(self, event: Resize) -> None:
        """Share the width between the figure and article columns."""
        if self._columns(event.size.width) and self.groups is not None:
            self._fill()

    def _columns(self, width: int) -> bool:
        """Lay out the columns for `width` cells; whether they changed."""
        rest = max(40, width - 4 - 7 - 4 - 12)
        widths = (4, 7, rest // 2, rest - rest // 2, 4)
        if widths == self._widths:
            return False
        self._widths = widths
        table = self.query_one("#corpus-figures", DataTable)
        table.clear(columns=True)
        labels = (("group", "#"), ("state", ""), ("figure", "Figure"), ("article", "Article"))
        for (key, label), size in zip((*labels, ("paragraph", "¶")), widths, strict=True):
            table.add_column(label, key=key, width=size)
        return True

    @work(thread=True, exclusive=True, group="figure-groups")
    def _find_groups(self) -> None:
        """Group the workspace's figures (about 2 s for 2,000 articles; once a session)."""
        try:
            articles = reader_context(self).articles
            groups = session_indexes(self.app).figure_groups(articles)
        except Exception as error:  # bad input must not end in a traceback
            self.post_message(FigureGroupsFound(None, f"{type(error).__name__}: {error}"))
            return
        self.post_message(FigureGroupsFound(groups, None))

    def on_figure_groups_found(self, message: FigureGroupsFound) -> None:
        """Fill the table (or say why not)."""
        if message.groups is None:
            self.notify(f"Could not list figures: {message.error}", severity="error", markup=False)
            self.query_one("#figures-intro", Static).update(Content("No figures (see above)."))
            return
        self.groups = message.groups
        self._fill()

    def _fill(self) -> None:
        groups = self.groups or []
        table = self.query_one("#corpus-figures", DataTable)
        table.clear()
        self.rows = []
        articles = reader_context(self).articles
        for number, group in enumerate(groups, start=1):
            if self.differ_only and group.agree:
                continue
            for position, figure in enumerate(group.figures):
                state = "" if position else ("agree" if group.agree else "DIFFER")
                article = articles.get(figure.article_id)
                title = clean_text(article.title) if article is not None else figure.article_id
                table.add_row(
                    Text(str(number) if not position else "", style="dim"),
                    Text(state, style="" if group.agree else "bold"),
                    safe_text(figure.label, ellipsis=True),
                    safe_text(title, ellipsis=True),
                    Text(str(figure.paragraph), justify="right"),
                    key=str(len(self.rows)),
                )
                self.rows.append((number, figure))
        differ = sum(1 for group in groups if not group.agree)
        if groups:
            keymap = reader_context(self).keymap_in_use
            opens = key_to_start(key_for("figures.open", keymap))
            intro = (
                f"{plural(len(groups), 'figure')} given by several "
                f"articles; {differ} {'disagrees' if differ == 1 else 'disagree'}. "
                f"{opens} opens the article at the figure."
            )
            if self.differ_only:
                intro += f" Showing disagreements only ({key_for('figures.differ', keymap)}: all)."
        else:
            intro = "No figure is given by more than one article."
        self.query_one("#figures-intro", Static).update(Content(intro))
        table.display = bool(self.rows)
        self._show_detail()

    @on(DataTable.RowHighlighted, "#corpus-figures")
    def _row_highlighted(self) -> None:
        self._show_detail()

    def _current(self) -> Figure | None:
        table = self.query_one("#corpus-figures", DataTable)
        if not self.rows or not table.row_count:
            return None
        return self.rows[min(max(table.cursor_row, 0), len(self.rows) - 1)][1]

    def _show_detail(self) -> None:
        detail = self.query_one("#figures-detail", Static)
        figure = self._current()
        detail.display = figure is not None
        if figure is not None:
            detail.update(sentence_content(f"{figure.article_id} ¶{figure.paragraph}", figure))

    @on(DataTable.RowSelected, "#corpus-figures")
    def _row_selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        """Open the article of the highlighted figure at its paragraph."""
        figure = self._current()
        if figure is not None:
            self.app.post_message(OpenArticle(figure.article_id, paragraph=figure.paragraph))

    def action_differ_only(self) -> None:
        """Only the groups whose figures disagree (d); again: all."""
        self.differ_only = not self.differ_only
        if self.groups is not None:
            self._fill()

    def action_cursor_down(self) -> None:
        """Next row."""
        self.query_one("#corpus-figures", DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        """Previous row."""
        self.query_one("#corpus-figures", DataTable).action_cursor_up()

    def action_back(self) -> None:
        """Back to the previous screen."""
        self.app.pop_screen()
