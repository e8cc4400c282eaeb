"""Figures tables: the numbers two articles give for the same thing (f in the compare
screen), and the numbers several articles of the workspace give for the same thing (F).

Each row is a figure as written ("up to 2 million Uighurs"); the line under the table shows
the sentences it comes from, the number highlighted. Differences are flagged in words
("DIFFER"), not only in colour. Enter goes to the figure: in the pair table, to both
paragraphs in the compare screen; in the workspace table, to the article in the reader.

In the workspace table each group of claims gets a header row (what is counted, whose,
when, which kind of quantity, whether they agree) above one row per figure; the sentences
of the highlighted group are shown one under the other, the number in bold reverse and the
parts the claims share (counted noun, subject, period) underlined.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar, NamedTuple

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
from tuireader.app.shell.render import MATCH_STYLE, clean_text, safe_content, safe_text
from tuireader.core.text import plural

if TYPE_CHECKING:
    from tuireader.core.compare.align import Comparison
    from tuireader.core.compare.claims import FigureClaim, FigureGroup
    from tuireader.core.compare.figures import Figure, FigureMatch

RELATION_LABELS = {"same": "same", "consistent": "overlap", "differ": "DIFFER"}
"""How a relation reads in the table (a difference in capitals, for NO_COLOR): the same
value, values whose ranges or qualifiers overlap ("up to 2 million" and "1.5 million"), or
values that contradict each other."""
SENTENCE_LIMIT = 240
"""Characters of a sentence shown under the table."""
GROUP_SENTENCE_LIMIT = 150
"""Characters of each sentence of a group (several are shown one under the other)."""
FIGURE_STYLE = f"bold {MATCH_STYLE}"
"""The number in a sentence: bold and reversed, legible without colour."""
MARK_STYLE = "underline"
"""What is counted, whose and when in a claim's sentence: the parts the claims share."""

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
    overflow: hidden;
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


def sentence_content(
    label: str,
    figure: Figure,
    marks: Sequence[str | None] = (),
    limit: int = SENTENCE_LIMIT,
    figure_style: str = MATCH_STYLE,
) -> Content:
    """ "A¶7: …sentence…" with the number highlighted (plain text, never markup), and each
    of `marks` (what is counted, whose, when) underlined where the sentence writes it
    nearest the number: styles that read without colour (NO_COLOR)."""
    sentence = " ".join(clean_text(figure.sentence).split())
    position = sentence.find(figure.text)
    start, end = 0, len(sentence)
    if len(sentence) > limit:
        start = max(0, min(position - limit // 3, len(sentence) - limit))
        if start:  # begin at a word
            space = sentence.find(" ", start)
            start = space + 1 if 0 <= space < position else start
        end = start + limit
        if end < len(sentence):  # end at a word
            space = sentence.rfind(" ", position + len(figure.text), end)
            end = space if space > 0 else end
    number = (position, position + len(figure.text)) if position >= 0 else None
    marked = [
        span
        for mark in marks
        if mark
        for span in [nearest(sentence, mark, position)]
        if span is not None
        and start <= span[0]
        and span[1] <= end
        and (number is None or span[1] <= number[0] or span[0] >= number[1])
    ]
    prefix = "…" if start else ""
    shift = len(prefix) - start
    shown = prefix + sentence[start:end] + ("…" if end < len(sentence) else "")
    spans = [(number[0] + shift, number[1] + shift)] if number is not None else []
    content = safe_content(shown, spans, style=figure_style)
    for mark_start, mark_end in marked:
        content = content.stylize(MARK_STYLE, mark_start + shift, mark_end + shift)
    return Content.assemble((f"{label}: ", "bold"), content)


def nearest(sentence: str, text: str, position: int) -> tuple[int, int] | None:
    """Where `sentence` writes `text` (case-insensitive, whole words) nearest `position`."""
    pattern = re.compile(rf"(?<![\w’']){re.escape(text)}(?![\w’'])", re.IGNORECASE)
    spans = [match.span() for match in pattern.finditer(sentence)]
    if not spans or position < 0:
        return spans[0] if spans else None
    return min(spans, key=lambda span: min(abs(span[0] - position), abs(span[1] - position)))


def claim_marks(claim: FigureClaim) -> tuple[str | None, ...]:
    """The parts of a claim's sentence to mark: counted noun, scope, subject, period."""
    return (claim.counted_text, claim.scope_text, claim.subject_text, claim.period_text)


def claim_summary(group: FigureGroup, labelled: bool = False) -> str:
    """What a group's claims count, whose, when and which kind of quantity, in one line:
    "ethnic Kazakhs · Kazakhstan · 2004 · total" (with "whose:", "when:" … when
    `labelled`). A group without claims reads as its first figure's noun."""
    if not group.claims:
        noun = " ".join(group.figures[0].noun) if group.figures else ""
        return f"what: {noun or '—'}" if labelled else noun or "—"
    first = group.claims[0]
    counted = " ".join(part for part in (first.counted_text, first.scope_text) if part)
    # The fullest spelling of the subject ("Royal Dutch Shell" over "Shell").
    subject = max((c.subject_text or "" for c in group.claims), key=len) or "—"
    written = next((c.period_text for c in group.claims if c.period_text), None)
    if written is not None:
        # "last year (2004)": a relative period as the claims were read.
        shown = {written.lower(), written.lower().replace(" ", "-")}
        when = (
            written
            if first.period in shown or first.period is None
            else f"{written} ({first.period})"
        )
    elif first.period is not None:
        when = f"{first.period} (article date)"
    else:
        when = "undated"
    parts: tuple[str, ...] = (counted or "—", subject, when, first.quantity)
    if labelled:
        parts = tuple(
            f"{name}: {part}"
            for name, part in zip(("what", "whose", "when", "kind"), parts, strict=True)
        )
    return clean_text(" · ".join(parts))


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


class FigureRow(NamedTuple):
    """A row of the workspace figures table: a group's header line, or one of its figures."""

    number: int  # the group's number on screen, from 1
    group: FigureGroup
    figure: Figure  # the figure of the row; a header row's is the group's first
    header: bool


class CorpusFiguresScreen(Screen[None]):
    """Claims several articles of the workspace make about one thing (F): per group a
    header row (what, whose, when, kind of quantity; agree or DIFFER) and one row per
    figure; under the table the sentences of the group. Enter opens the article at the
    figure's paragraph."""

    BINDINGS: ClassVar[list[BindingType]] = [*bindings.FIGURES]
    AUTO_FOCUS = "#corpus-figures"
    DEFAULT_CSS = (
        FIGURES_CSS
        + """
CorpusFiguresScreen .figures-detail {
    max-height: 10;
}
"""
    )

    def __init__(self) -> None:
        super().__init__()
        self.groups: list[FigureGroup] | None = None
        """Every group (None until the worker is done)."""
        self.differ_only = False
        """Show only the groups whose figures differ (d)."""
        self.rows: list[FigureRow] = []
        """The rows on screen."""
        self._widths: tuple[int, ...] = ()
        self.sub_title = "figure claims across articles"

    def compose(self) -> ComposeResult:
        """Header, summary, table, the sentences of the highlighted group, footer."""
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
            Content(f"Looking for claims that several of the {articles} make…")
        )
        self._find_groups()

    def on_resize(self, event: Resize) -> None:
        """Share the width between the claim and article columns."""
        if self._columns(event.size.width) and self.groups is not None:
            self._fill()

    def _columns(self, width: int) -> bool:
        """Lay out the columns for `width` cells; whether they changed."""
        rest = max(40, width - 4 - 7 - 4 - 12)
        claim = rest * 2 // 3  # the claim line is the longer
        widths = (4, 7, claim, rest - claim, 4)
        if widths == self._widths:
            return False
        self._widths = widths
        table = self.query_one("#corpus-figures", DataTable)
        table.clear(columns=True)
        labels = (
            ("group", "#"),
            ("state", ""),
            ("figure", "Claim · figure"),
            ("article", "Article"),
            ("paragraph", "¶"),
        )
        for (key, label), size in zip(labels, widths, strict=True):
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
            if not group.figures:
                continue
            table.add_row(
                Text(str(number), style="bold"),
                Text("agree") if group.agree else Text("DIFFER", style="bold"),
                safe_text(claim_summary(group), style="bold", ellipsis=True),
                Text(plural(len(group.article_ids), "article"), style="dim"),
                Text(""),
                key=str(len(self.rows)),
            )
            self.rows.append(FigureRow(number, group, group.figures[0], header=True))
            for figure in group.figures:
                article = articles.get(figure.article_id)
                title = clean_text(article.title) if article is not None else figure.article_id
                table.add_row(
                    Text(""),
                    Text(""),
                    safe_text(f"  {figure.label}", ellipsis=True),
                    safe_text(title, ellipsis=True),
                    Text(str(figure.paragraph), justify="right"),
                    key=str(len(self.rows)),
                )
                self.rows.append(FigureRow(number, group, figure, header=False))
        differ = sum(1 for group in groups if not group.agree)
        if groups:
            keymap = reader_context(self).keymap_in_use
            opens = key_to_start(key_for("figures.open", keymap))
            intro = (
                f"{plural(len(groups), 'claim')} made by several "
                f"articles; {differ} {'disagrees' if differ == 1 else 'disagree'}. "
                f"{opens} opens the article at the figure."
            )
            if self.differ_only:
                intro += f" Showing disagreements only ({key_for('figures.differ', keymap)}: all)."
        else:
            intro = "No claim is made by more than one article."
        self.query_one("#figures-intro", Static).update(Content(intro))
        table.display = bool(self.rows)
        self._show_detail()

    @on(DataTable.RowHighlighted, "#corpus-figures")
    def _row_highlighted(self) -> None:
        self._show_detail()

    def _current_row(self) -> FigureRow | None:
        table = self.query_one("#corpus-figures", DataTable)
        if not self.rows or not table.row_count:
            return None
        return self.rows[min(max(table.cursor_row, 0), len(self.rows) - 1)]

    def _current(self) -> Figure | None:
        row = self._current_row()
        return row.figure if row is not None else None

    def _show_detail(self) -> None:
        """The highlighted group: its claim in words, then each sentence (the row's own
        figure pointed at with ▶)."""
        detail = self.query_one("#figures-detail", Static)
        row = self._current_row()
        detail.display = row is not None
        if row is None:
            return
        group = row.group
        state = "agree" if group.agree else "DIFFER"
        lines = [
            Content.assemble(
                (f"{row.number} {state}", "bold"), " ", Content(claim_summary(group, True))
            )
        ]
        claims = group.claims if len(group.claims) == len(group.figures) else ()
        for position, figure in enumerate(group.figures):
            pointer = "▶" if not row.header and figure is row.figure else " "
            marks = claim_marks(claims[position]) if claims else ()
            lines.append(
                sentence_content(
                    f"{pointer}{figure.article_id} ¶{figure.paragraph}",
                    figure,
                    marks,
                    limit=GROUP_SENTENCE_LIMIT,
                    figure_style=FIGURE_STYLE,
                )
            )
        detail.update(Content("\n").join(lines))

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
