"""Two articles side by side: aligned paragraphs, shared quotations, figures.

The comparison (tuireader.core.compare.align: 20–250 ms) runs in a thread worker; the panes show
the texts at once and the marks when it arrives. Its meaning signal needs sentence-model
vectors of both articles, which the app's background job (background.py) computes for the
whole workspace once the search index is current, so they are normally in the workspace's
cache and the first result is the final one. When they are not, the worker shows the
comparison by words marked *preliminary* ("preliminary — meaning being computed"), has a
child process encode the two articles (the background job waits meanwhile), and then shows
the final pairs with a notification saying what changed: the list never changes unannounced.

`]` / `[` step through the pairs in the left article's order (the ↔n numbers of the
gutters), whichever pane has the keys, and bring the partner into view in the other; the
status line says "pair k of n" and the threshold every pair passed. With synchronised
scrolling on (`s`), scrolling one pane moves the other to the partner of its top paragraph
(Alignment.scroll_target: the alignment, not the line numbers). Below NARROW_WIDTH columns
one pane shows at a time: `o` (or tab) flips, `1` / `2` pick.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.events import DescendantFocus, Resize
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Static
from textual.worker import get_current_worker

from tuireader.app.compare.pane import ONLY_MARK, ComparePane, pair_marks
from tuireader.app.context import reader_context
from tuireader.app.shell import bindings
from tuireader.app.shell.keys import key_for
from tuireader.app.shell.navigation import OpenArticle, OpenPairFigures
from tuireader.app.shell.render import clean_text, safe_content
from tuireader.core.corpus import Article
from tuireader.core.text import plural

if TYPE_CHECKING:
    from tuireader.core.compare.align import Comparison, ParagraphPair

_MEANING_STATUS = {
    "checking": "",
    "computing": "",  # said first, as "preliminary — meaning being computed"
    "on": "meaning ✓",
    "unavailable": "words only",
    "off": "words only (compare_meaning: false)",
}
"""What the status line says of the meaning signal."""

PRELIMINARY = "preliminary — meaning being computed"
"""Said first on the status line while the pairs shown are the word-based ones."""

NARROW_WIDTH = 100
"""Below this many columns one pane shows at a time (two 40-column panes are unreadable)."""
SIDES = ("a", "b")


class ComparisonReady(Message):
    """The worker compared the two articles."""

    def __init__(self, comparison: Comparison, preliminary: bool = False) -> None:
        super().__init__()
        self.comparison = comparison
        """Alignment, shared quotations and figures."""
        self.preliminary = preliminary
        """By words only while the meaning vectors are computed: a final result follows."""


class MeaningProgress(Message):
    """Where the meaning vectors stand: "computing", "off" (the setting), or "unavailable"
    with a reason."""

    def __init__(self, state: str, reason: str = "") -> None:
        super().__init__()
        self.state = state
        """ "computing", "off" or "unavailable"."""
        self.reason = reason
        """Why meaning is unavailable (for the user)."""


class ComparisonFailed(Message):
    """The comparison raised (it should not): the texts stay readable."""

    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error
        """A readable reason."""


def pane_title(side: str, article: Article) -> Content:
    """ "A  Title · Source · date" from plain strings."""
    meta = article.meta
    parts = [clean_text(article.title)]
    parts += [clean_text(part) for part in (meta.container, meta.issued) if part]
    return Content.assemble(
        (f" {side.upper()} ", "bold reverse"), " ", safe_content(" · ".join(parts))
    )


def _background_progress(screen: Screen[None]) -> str:
    """The workspace's background meaning job while it encodes, for the status line."""
    from tuireader.app.compare.background import meaning_background

    state = meaning_background(screen.app).state
    if state.phase != "computing" or not state.total:
        return ""
    return f"workspace meaning vectors {state.done:,}/{state.total:,}"


def words_with_stems(text: str, stems: set[str]) -> list[str]:
    """The words of `text` (as written) whose stem is one of `stems` ("detained" and
    "detention" for the stems of a pair's shared words)."""
    from tuireader.core.compare.passages import term_tokens

    return sorted({word for term, word in term_tokens(text) if term in stems})


class CompareScreen(Screen[None]):
    """Article A on the left, B on the right (or one at a time on narrow terminals)."""

    BINDINGS: ClassVar[list[BindingType]] = [*bindings.COMPARE]
    AUTO_FOCUS = "#pane-a"
    DEFAULT_CSS = """
    CompareScreen #compare-panes {
        height: 1fr;
    }
    CompareScreen .compare-side {
        width: 1fr;
        height: 1fr;
    }
    CompareScreen #side-a {
        border-right: vkey $panel;
    }
    CompareScreen.-single #side-a {
        border-right: none;
    }
    CompareScreen .pane-title {
        height: 1;
        background: $panel;
        color: $text-muted;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    CompareScreen .compare-side.-active .pane-title {
        color: $text;
        text-style: bold;
    }
    CompareScreen .compare-side.-active .pane-title:nocolor {
        text-style: bold underline;
    }
    CompareScreen ComparePane {
        height: 1fr;
    }
    CompareScreen #compare-status {
        height: auto;
        max-height: 3;
        padding: 0 1;
        background: $panel;
        color: $text;
    }
    """

    def __init__(
        self,
        a: Article,
        b: Article,
        a_paragraph: int | None = None,
        b_paragraph: int | None = None,
    ) -> None:
        super().__init__()
        self.articles = {"a": a, "b": b}
        """The two articles by side."""
        self.start = {"a": a_paragraph, "b": b_paragraph}
        """Paragraph numbers to show first (e.g. the reader's cursor paragraph)."""
        self.comparison: Comparison | None = None
        """The result, once the worker is done."""
        self.pairs: list[ParagraphPair] = []
        """Aligned pairs, by A's paragraph (pair k is number k + 1 in the gutters)."""
        self.current_pair: int | None = None
        """Index into `pairs` of the pair ] / [ moved to."""
        self.active = "a"
        """The pane that has the keys."""
        self.sync = True
        """Synchronised scrolling (s)."""
        self.single = False
        """One pane at a time (narrow terminal)."""
        self.error: str | None = None
        """Why the comparison failed, if it did."""
        self.meaning_state = "checking"
        """Meaning vectors: "checking", "computing", "on", "unavailable" or "off" (setting)."""
        self.preliminary = False
        """Whether the pairs shown are the word-based ones a result with meaning will replace."""
        self.sub_title = "compare"

    def pane(self, side: str) -> ComparePane:
        """The pane of side "a" or "b"."""
        return self.query_one(f"#pane-{side}", ComparePane)

    @staticmethod
    def other(side: str) -> str:
        """The other side."""
        return "b" if side == "a" else "a"

    def compose(self) -> ComposeResult:
        """Header, the two sides (title line + pane), status line, footer."""
        yield Header(icon="≡")
        with Horizontal(id="compare-panes"):
            for side in SIDES:
                with Vertical(id=f"side-{side}", classes="compare-side"):
                    yield Static(pane_title(side, self.articles[side]), classes="pane-title")
                    yield ComparePane(self.articles[side], side, id=f"pane-{side}")
        yield Static(Content("Comparing…"), id="compare-status")
        yield Footer()

    def on_mount(self) -> None:
        """Start the comparison; follow scrolling for synchronised panes."""
        for side in SIDES:
            pane = self.pane(side)
            self.watch(pane, "scroll_y", self._follower(side), init=False)
            start = self.start[side]
            if start is not None:
                index = pane.index_of(start)
                if index is not None:
                    pane.cursor = index
                    pane.scroll_to_paragraph(index)
        self._layout(self.size.width)
        self._show_active()
        self._compare()
        from tuireader.app.compare.background import meaning_background

        # The workspace's background meaning job: its progress shows on the status line.
        meaning_background(self.app).changed.subscribe(self, lambda _: self._update_status())

    def _follower(self, side: str) -> Callable[[float], None]:
        """A scroll_y watcher for one pane (Textual passes watchers only the new value when
        they take one argument)."""

        def scrolled(_: float) -> None:
            self._scrolled(side)

        return scrolled

    # ------------------------------------------------------------------ the comparison
    @work(thread=True, exclusive=True, group="compare")
    def _compare(self) -> None:
        """Compare the articles (with the entity cache's names when it has both, and with
        meaning vectors: cached, else computed by a child process and compared again)."""
        from tuireader.app.compare.background import meaning_background
        from tuireader.app.compare.commands import run_meaning_job
        from tuireader.core.child_job import JobCancelled
        from tuireader.core.compare.align import (
            compare,
            comparison_meaning,
            load_background,
            load_entity_map,
        )

        worker = get_current_worker()
        a, b = self.articles["a"], self.articles["b"]
        context = reader_context(self)
        workspace = context.workspace
        try:
            entities = load_entity_map(workspace, [a.id, b.id])
            meaning = comparison_meaning(workspace, [a, b])
            # Words every article uses weigh little: the same background as `tuireader compare`.
            background = load_background(workspace)
            result = compare(a, b, entities=entities, meaning=meaning, background=background)
        except Exception as error:  # never a traceback: the texts stay readable
            self.post_message(ComparisonFailed(f"{type(error).__name__}: {error}"))
            return
        if meaning is not None:
            self.post_message(ComparisonReady(result))
            return
        if not context.settings.compare_meaning:
            self.post_message(ComparisonReady(result))
            self.post_message(MeaningProgress("off"))
            return
        self.post_message(MeaningProgress("computing"))
        self.post_message(ComparisonReady(result, preliminary=True))
        try:
            # The user waits for these two: the workspace's background job holds meanwhile.
            with meaning_background(self.app).paused():
                problem = run_meaning_job(workspace.root, a.id, b.id, lambda: worker.is_cancelled)
            meaning = None if problem else comparison_meaning(workspace, [a, b])
            if problem is None and meaning is None:
                problem = "the meaning cache could not be read"
            if meaning is not None:
                result = compare(a, b, entities=entities, meaning=meaning, background=background)
        except JobCancelled:
            return
        except Exception as error:  # the comparison by words stays on screen
            problem = f"{type(error).__name__}: {error}"
        if worker.is_cancelled:
            return
        if problem is not None:
            self.post_message(MeaningProgress("unavailable", problem))
        # The final result, even when it is the same word-based one: it ends "preliminary".
        self.post_message(ComparisonReady(result))

    def on_meaning_progress(self, message: MeaningProgress) -> None:
        """Show where the meaning vectors stand; say once why they are unavailable."""
        self.meaning_state = message.state
        if message.state == "unavailable":
            self.notify(
                f"Comparing by words only: {message.reason}",
                severity="warning",
                markup=False,
            )
        self._update_status()

    def on_comparison_ready(self, message: ComparisonReady) -> None:
        """Mark pairs, unpaired paragraphs and quotations in both panes. The final result
        after a preliminary one keeps the reader where they are, on the same pair if it
        remains, and a notification says what meaning changed."""
        first = self.comparison is None
        previous = None
        if self.current_pair is not None:
            previous = (self.pairs[self.current_pair].a, self.pairs[self.current_pair].b)
        before = [(pair.a, pair.b) for pair in self.pairs] if self.preliminary else None
        comparison = message.comparison
        self.comparison = comparison
        self.preliminary = message.preliminary
        alignment = comparison.alignment
        if alignment.meaning:
            self.meaning_state = "on"
        # In the left article's order: pair k is ↔k in the gutters and k of n for ] / [.
        self.pairs = sorted(alignment.pairs, key=lambda pair: (pair.a, pair.b))
        if before is not None and not self.preliminary:
            self._say_final(before)
        self.current_pair = None
        numbers: dict[str, dict[int, list[int]]] = {"a": {}, "b": {}}
        for position, pair in enumerate(self.pairs, start=1):
            numbers["a"].setdefault(pair.a, []).append(position)
            numbers["b"].setdefault(pair.b, []).append(position)
        quotes = {
            "a": [(q.a_start, q.a_end) for q in comparison.quotes],
            "b": [(q.b_start, q.b_end) for q in comparison.quotes],
        }
        only = {"a": alignment.only_in_a, "b": alignment.only_in_b}
        considered = {"a": alignment.a_paragraphs, "b": alignment.b_paragraphs}
        for side in SIDES:
            marks = pair_marks(considered[side], numbers[side], only[side])
            self.pane(side).set_alignment(marks, quotes[side])
        if not first:
            keys = [(pair.a, pair.b) for pair in self.pairs]
            kept = keys.index(previous) if previous in keys else None
            if kept is not None:
                self._go_to_pair(kept)
            else:
                for side in SIDES:
                    self.pane(side).set_current([], [])
            self._update_status()
            return
        start = self.start["a"] if self.start["a"] is not None else self.start["b"]
        side = "a" if self.start["a"] is not None else "b"
        if start is not None:
            partners = alignment.partners(start, side)
            if partners:
                self._go_to_pair(self.pairs.index(partners[0]))
            else:
                self._sync_other(side, force=True)
        self._update_status()

    def _say_final(self, before: list[tuple[int, int]]) -> None:
        """Tell the reader how the final pairs differ from the preliminary ones."""
        after = [(pair.a, pair.b) for pair in self.pairs]
        if self.meaning_state != "on":
            return  # meaning unavailable: the notification says so, the pairs stay
        if not after and not before:
            self.notify("Meaning computed: still no aligned paragraphs.", timeout=3)
            return
        if after == before:
            self.notify(
                f"Meaning computed: it confirms the {plural(len(after), 'pair')} found by words.",
                timeout=3,
            )
            return
        gained = len(set(after) - set(before))
        lost = len(set(before) - set(after))
        self.notify(
            f"Meaning computed: {plural(len(after), 'pair')} now (was "
            f"{len(before)} by words: {gained} added, {lost} dropped).",
            timeout=5,
        )

    def on_comparison_failed(self, message: ComparisonFailed) -> None:
        """Say so; the texts can still be read side by side."""
        self.error = message.error
        self.notify(
            f"Could not compare the articles: {message.error}",
            severity="error",
            markup=False,
        )
        self._update_status()

    # ------------------------------------------------------------------ layout
    def on_resize(self, event: Resize) -> None:
        """One pane at a time below NARROW_WIDTH columns."""
        self._layout(event.size.width)

    def _layout(self, width: int) -> None:
        single = 0 < width < NARROW_WIDTH
        self.single = single
        self.set_class(single, "-single")
        for side in SIDES:
            self.query_one(f"#side-{side}").display = not single or side == self.active
        self._update_status()

    def _show_active(self) -> None:
        """Mark the active side, show it (narrow screens) and give it the keys."""
        for side in SIDES:
            container = self.query_one(f"#side-{side}")
            container.set_class(side == self.active, "-active")
            if self.single:
                container.display = side == self.active
        pane = self.pane(self.active)
        if self.focused is not pane:
            pane.focus()
        self._update_status()

    # ------------------------------------------------------------------ scrolling
    def _scrolled(self, side: str) -> None:
        """The active pane scrolled: bring the other to the partner of its top paragraph."""
        if side == self.active:
            self._sync_other(side)

    def _sync_other(self, side: str, force: bool = False) -> None:
        if self.comparison is None or not (self.sync or force):
            return
        pane = self.pane(side)
        paragraphs = pane.article.paragraphs
        if not paragraphs or not pane.lines:
            return
        number = paragraphs[pane.top_paragraph()].number
        target = self.comparison.alignment.scroll_target(number, side)
        other = self.pane(self.other(side))
        index = other.index_of(target)
        if index is not None:
            other.scroll_to_paragraph(index)

    def action_scroll(self, step: int) -> None:
        """A line down (1) or up (-1) in the active pane."""
        pane = self.pane(self.active)
        if step > 0:
            pane.scroll_down(animate=False)
        else:
            pane.scroll_up(animate=False)

    def action_page(self, step: int) -> None:
        """A page down (1) or up (-1) in the active pane."""
        pane = self.pane(self.active)
        if step > 0:
            pane.scroll_page_down(animate=False)
        else:
            pane.scroll_page_up(animate=False)

    def action_end(self, step: int) -> None:
        """To the bottom (1) or top (-1) of the active pane."""
        pane = self.pane(self.active)
        if step > 0:
            pane.scroll_end(animate=False)
        else:
            pane.scroll_home(animate=False)

    def action_toggle_sync(self) -> None:
        """Synchronised scrolling on or off (s)."""
        self.sync = not self.sync
        if self.sync:
            self._sync_other(self.active)
        self.notify(f"Synchronised scrolling {'on' if self.sync else 'off'}.", timeout=1.5)
        self._update_status()

    # ------------------------------------------------------------------ panes
    def action_switch_pane(self) -> None:
        """The other pane gets the keys (and shows, on a narrow terminal)."""
        self.active = self.other(self.active)
        self._show_active()

    def action_flip(self) -> None:
        """Show the other pane (o): the one pane of a narrow terminal flips."""
        self.action_switch_pane()

    def action_show_pane(self, side: str) -> None:
        """Show / go to pane A (1) or B (2)."""
        if side in SIDES and side != self.active:
            self.active = side
            self._show_active()

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        """A click (or tab through the footer) focused a pane: it becomes the active one."""
        focused = self.focused
        if isinstance(focused, ComparePane) and focused.side != self.active:
            self.active = focused.side
            self._show_active()

    # ------------------------------------------------------------------ pairs
    def action_pair(self, step: int) -> None:
        """Next (]) or previous ([) pair in the left article's order, whichever pane has the
        keys: from the current pair while it is in view, else from what the pane shows."""
        if self.comparison is None:
            self.notify("Still comparing…", timeout=1.5)
            return
        if not self.pairs:
            self.notify("No aligned paragraphs in these two articles.", severity="warning")
            return
        if self.current_pair is not None and self._pair_visible(self.current_pair):
            position = self.current_pair + step
        else:
            position = self._pair_from_view(step)
        if not 0 <= position < len(self.pairs):
            self.notify("No more pairs." if step > 0 else "No earlier pairs.", timeout=1.5)
            return
        self._go_to_pair(position)

    def _pair_from_view(self, step: int) -> int:
        """The pair ] (step 1) or [ (step -1) goes to when the current one is out of view:
        the nearest pair at or below the active pane's top paragraph, or above it."""
        pane = self.pane(self.active)
        top = pane.article.paragraphs[pane.top_paragraph()].number

        def here(k: int) -> int:
            pair = self.pairs[k]
            return pair.a if self.active == "a" else pair.b

        indexes = range(len(self.pairs))
        if step > 0:
            below = [k for k in indexes if here(k) >= top]
            return min(below, key=lambda k: (here(k), k)) if below else len(self.pairs)
        above = [k for k in indexes if here(k) < top]
        return max(above, key=lambda k: (here(k), k)) if above else -1

    def _pair_visible(self, k: int) -> bool:
        pair = self.pairs[k]
        pane = self.pane(self.active)
        index = pane.index_of(pair.a if self.active == "a" else pair.b)
        return index is not None and pane.is_visible(index)

    def _go_to_pair(self, k: int) -> None:
        """Make pair k current: cursors, bold shared words, both paragraphs in view."""
        from tuireader.core.compare.passages import stem_word

        self.current_pair = k
        pair = self.pairs[k]
        stems = {stem_word(word.lower()) for word in pair.shared_terms}
        for side, number in (("a", pair.a), ("b", pair.b)):
            pane = self.pane(side)
            index = pane.index_of(number)
            words = words_with_stems(pane.article.paragraph(number).text, stems)
            pane.set_current([number], words)
            if index is not None:
                pane.cursor = index
                pane.scroll_to_paragraph(index)
        self._update_status()

    def go_to_paragraphs(self, a_paragraph: int, b_paragraph: int) -> None:
        """Show paragraph `a_paragraph` of A and `b_paragraph` of B (from the figures
        table): their pair if they are one."""
        for k, pair in enumerate(self.pairs):
            if (pair.a, pair.b) == (a_paragraph, b_paragraph):
                self._go_to_pair(k)
                return
        for side, number in (("a", a_paragraph), ("b", b_paragraph)):
            pane = self.pane(side)
            index = pane.index_of(number)
            if index is not None:
                pane.cursor = index
                pane.scroll_to_paragraph(index)
        self._update_status()

    # ------------------------------------------------------------------ status
    def _update_status(self) -> None:
        if not self.is_mounted:
            return
        keymap = reader_context(self).keymap_in_use

        def key(binding_id: str) -> str:
            return key_for(binding_id, keymap)

        parts: list[str] = []
        comparison = self.comparison
        if self.error is not None:
            parts.append("comparison failed (see the notification)")
        elif comparison is None:
            parts.append("Comparing…")
        elif not self.pairs:
            if self.preliminary:
                parts.append(PRELIMINARY)
            parts.append(f"no aligned paragraphs (score ≥ {comparison.alignment.threshold:g})")
        elif self.current_pair is None:
            if self.preliminary:
                parts.append(PRELIMINARY)
            counted = plural(len(self.pairs), "word-based pair" if self.preliminary else "pair")
            counted += f" (score ≥ {comparison.alignment.threshold:g})"
            steps = f"{key('compare.next_pair')} next pair, {key('compare.prev_pair')} previous"
            if self.single:  # three lines of 80 columns: the legend would push the rest out
                parts.append(f"{counted} ({steps})")
            else:
                parts.append(
                    f"{counted}: ↔n marks pair n in both panes, {ONLY_MARK} a paragraph only "
                    f"in that article ({steps})"
                )
        else:
            pair = self.pairs[self.current_pair]
            if self.preliminary:
                parts.append(PRELIMINARY)
            parts.append(
                f"pair {self.current_pair + 1} of {len(self.pairs)} · A¶{pair.a} ↔ B¶{pair.b} · "
                f"score {pair.score:.2f} (≥ {comparison.alignment.threshold:g})"
            )
            if pair.shared_entities:
                parts.append("names: " + ", ".join(pair.shared_entities[:4]))
            matched = [
                f"{match.a.text} ↔ {match.b.text}"
                for match in comparison.figures
                if (match.a.paragraph, match.b.paragraph) == (pair.a, pair.b)
            ]
            if matched or pair.shared_figures:
                parts.append("figures: " + ", ".join((matched or list(pair.shared_figures))[:3]))
            if pair.quotes:
                parts.append(plural(pair.quotes, "shared quotation"))
            if pair.shared_terms:
                parts.append("words: " + ", ".join(pair.shared_terms[:5]))
        if comparison is not None:
            quotes, differ = len(comparison.quotes), len(comparison.differing_figures)
            figures = len(comparison.figures)
            parts.append(
                f"{plural(quotes, 'quotation')} · {plural(figures, 'figure')} "
                f"({differ} differ: {key('compare.figures')})"
            )
        if _MEANING_STATUS.get(self.meaning_state):
            parts.append(_MEANING_STATUS[self.meaning_state])
        background = _background_progress(self)
        if background:
            parts.append(background)
        parts.append(f"sync {'on' if self.sync else 'off'} ({key('compare.sync')})")
        if self.single:
            other = self.other(self.active).upper()
            parts.append(f"showing {self.active.upper()} ({key('compare.flip')}: {other})")
        self.query_one("#compare-status", Static).update(Content(clean_text(" · ".join(parts))))

    # ------------------------------------------------------------------ other screens
    def action_figures(self) -> None:
        """The figures both articles give for the same things (f); the one chosen there
        brings both its paragraphs into view here."""
        if self.comparison is None:
            self.notify("Still comparing…", timeout=1.5)
            return

        def chosen(place: tuple[int, int]) -> None:
            self.go_to_paragraphs(*place)

        self.app.post_message(OpenPairFigures(self.comparison, chosen))

    def action_open(self) -> None:
        """Open the active pane's article in the reader at its cursor paragraph."""
        pane = self.pane(self.active)
        paragraphs = pane.article.paragraphs
        if not paragraphs:
            return
        index = pane.cursor if pane.is_visible(pane.cursor) else pane.top_paragraph()
        self.app.post_message(OpenArticle(pane.article.id, paragraph=paragraphs[index].number))

    def action_back(self) -> None:
        """Back to where the comparison was opened from."""
        self.app.pop_screen()
