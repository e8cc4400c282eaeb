"""The reader: one article, paragraph-numbered, with corpus-query hits or find-in-article
matches highlighted and n/N stepping through them, highlights and notes, and the entities
it names.

The reader composes its parts. Widgets it yields: the annotated article view, the find bar,
the visual bar, the read-only notice and the status line. Helpers it owns: the
`AnnotationSession` (the stored annotations), `HighlightDisplay` (showing them), `VisualMode`
(the selection), the `Annotator` (the highlight keys) and `ReaderEntities` (the `p` sidebar
and an entity's mentions). Widgets ask for things with messages (`FindBar.Closed`,
`AnnotatedArticleView.Dragged`, `EntitySidebar.EntityChosen`, `EntityList.Leave`) that the
reader handles; its actions run the parts' methods.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static

from tuireader.app.annotations.annotated_view import AnnotatedArticleView
from tuireader.app.annotations.annotating import Annotator
from tuireader.app.annotations.commands import HighlightCommands
from tuireader.app.annotations.display import HighlightDisplay
from tuireader.app.annotations.jobs import AnnotationsLoaded, AnnotationStoreFailed
from tuireader.app.annotations.model import Unit
from tuireader.app.annotations.notice import ReadOnlyNotice
from tuireader.app.annotations.session import AnnotationSession
from tuireader.app.annotations.visual import VisualMode
from tuireader.app.annotations.visual_bar import VisualBar
from tuireader.app.citing.commands import CopyCommands, copy_citation
from tuireader.app.context import reader_context
from tuireader.app.entities.commands import SidebarCommands
from tuireader.app.entities.reader_sidebar import BREAKPOINTS, ReaderEntities
from tuireader.app.entities.sidebar import EntityList, EntitySidebar
from tuireader.app.reader.commands import ReaderCommands
from tuireader.app.reader.find_bar import FindBar
from tuireader.app.reader.match_set import MatchSet
from tuireader.app.reader.status import ReaderFacts, reader_status, reload_notice
from tuireader.app.shell import bindings
from tuireader.app.shell.keys import key_for
from tuireader.app.shell.messages import MatchesFound
from tuireader.app.shell.navigation import CompareWith, FindSimilar
from tuireader.app.shell.render import clean_text
from tuireader.app.workspace.catalog_dialog import CatalogDialog
from tuireader.app.workspace.changes import matching_paragraph
from tuireader.app.workspace.live import CatalogSaved
from tuireader.core.annotations.anchoring import SelectionError
from tuireader.core.annotations.model import new_annotation
from tuireader.core.corpus import Article

SAVE_EVERY = 5.0
"""Seconds between saves of the reading position (so a dropped SSH session loses little)."""
PASSAGE_QUERY_LIMIT = 2000
"""Characters of a selection used as a passage query (a long selection says no more)."""


@dataclass(frozen=True)
class ViewPlace:
    """Where a reader reloaded in place starts: the paragraph at the top of the view and
    the cursor paragraph (indexes in the new text), how many lines of the top paragraph
    were scrolled past, and whether the text changed (else only catalog facts did)."""

    top: int
    cursor: int
    lines: int = 0
    text_changed: bool = True


class ReaderScreen(Screen[None]):
    """One article. Opened from the library, a search hit, the palette or on start-up."""

    class Outdated(Message):
        """Posted to the app: the article's file or catalog entry changed since it was
        opened (the app switches to `reader.reloaded(new article)`)."""

        def __init__(self, reader: ReaderScreen) -> None:
            super().__init__()
            self.reader = reader
            """The reader showing the old text."""

    # Highlight keys first: the footer lists the bindings in this order.
    BINDINGS: ClassVar[list[BindingType]] = [*bindings.HIGHLIGHTS, *bindings.READER]
    COMMANDS = Screen.COMMANDS | {ReaderCommands, CopyCommands, HighlightCommands, SidebarCommands}
    AUTO_FOCUS = "#article"
    # Textual declares this `ClassVar[...] | None`, which mypy reads as an instance variable.
    HORIZONTAL_BREAKPOINTS: list[tuple[int, str]] | None = BREAKPOINTS

    def __init__(
        self,
        article: Article,
        paragraph: int | None = None,
        query: str | None = None,
        exact: bool = False,
        focus_annotation: str | None = None,
        entity: str | None = None,
        place: ViewPlace | None = None,
    ) -> None:
        """`focus_annotation`: an annotation id to put the cursor on; `entity`: an entity id
        whose mentions are highlighted once the entities are loaded; `place`: where the
        reader it replaces was (a reload in place), instead of `paragraph`."""
        super().__init__()
        self.article = article
        """The article shown."""
        self.start_paragraph = paragraph
        """1-based paragraph to show first (a search hit or the remembered position)."""
        self.place = place
        """Set when this reader replaced one showing an older text of the article."""
        self._saved: int | None = None
        self._told_removed = False
        self.sub_title = clean_text(article.title)

        self.view = AnnotatedArticleView(article, id="article")
        """The article body, with its highlights."""
        self.find_bar = FindBar()
        """The find-in-article bar (hidden until f)."""
        self.find_bar.display = False
        self.visual_bar = VisualBar()
        """The visual-mode bar (shown while selecting)."""
        self.visual_bar.display = False
        self.notice = ReadOnlyNotice()
        """Says when the article's annotations are read-only."""
        self.status_line = Static(id="reader-status")
        """Where the reader is, the matches, the highlight at the cursor."""

        self.session = AnnotationSession(article, focus=focus_annotation)
        """The article's annotations, the pen, whether they may change."""
        self.visual = VisualMode(
            self,
            article,
            lambda: self.session.units,
            self.view,
            self.visual_bar,
            self.update_status,
        )
        """Visual mode: the selection."""
        self.highlights = HighlightDisplay(
            self,
            self.session,
            self.view,
            self.notice,
            selecting=lambda: self.visual.selection is not None,
            changed=self.update_status,
        )
        """Shows the annotations as they are read."""
        self.annotator = Annotator(self, self.session, self.view, self.visual, self.update_status)
        """What the highlight keys do."""
        self.matches = MatchSet(
            self,
            article,
            self.view,
            self.find_bar,
            changed=self.update_status,
            replaced=lambda: self.entities.matches_replaced(),
            query=query,
            exact=exact,
        )
        """The matches n / N step through: the query's, find's or an entity's mentions."""
        self.entities = ReaderEntities(
            self, article.id, entity, self.view, self.matches.show_mentions
        )
        """The entity sidebar and the chosen entity's mentions."""

    def compose(self) -> ComposeResult:
        """Header, read-only notice (hidden), article, find bar and visual bar (hidden),
        status line, footer."""
        yield Header(icon="≡")
        yield self.notice
        yield self.view
        yield self.find_bar
        yield self.visual_bar
        yield self.status_line
        yield Footer()

    def on_mount(self) -> None:
        """Scroll to the start paragraph, look up the query's matches, read the
        annotations, follow the entities."""
        context = reader_context(self)
        self.session.connect(context.workspace.annotations_dir)
        view = self.view
        if self.place is not None:
            view.cursor = self.place.cursor
            view.scroll_to_paragraph(self.place.top)
            self.matches.keep_place = True
            if self.place.lines:
                self.call_after_refresh(self._scroll_into_top_paragraph, self.place)
        elif self.start_paragraph is not None:
            index = min(max(self.start_paragraph, 1), len(self.article.paragraphs)) - 1
            view.cursor = index
            view.scroll_to_paragraph(index)
        matches = self.matches
        if matches.query:
            matches.find(matches.query, matches.exact, literal_fallback=False)
        context.articles_changed.subscribe(self, self._articles_changed)
        self.watch(view, "scroll_y", self.update_status, init=False)
        self.watch(view, "cursor", self.highlights.cursor_moved, init=False)
        self.watch(self, "focused", self.visual.keep_focus, init=False)
        self.set_interval(SAVE_EVERY, self._autosave)
        self.call_after_refresh(self.update_status)
        self.entities.start()
        self.highlights.load()
        if self.place is not None and self.place.text_changed:
            # Only a new text moves highlights; new catalog facts show in the title.
            self.highlights.when_loaded(self._say_reloaded)

    def on_screen_resume(self) -> None:
        """Back on screen (after a dialog or another screen): read the annotations again,
        they may have been changed meanwhile (the read is cheap when nothing changed), and
        reload if the article changed meanwhile."""
        if self.is_mounted:
            self.highlights.load()
            self.check_current()

    # ------------------------------------------------------------------ live reload
    def _articles_changed(self, _: None) -> None:
        if self.is_current:
            self.check_current()  # else on resume

    def check_current(self) -> None:
        """Ask the app to reload this reader when the article's text or catalog facts
        changed; say so once when its file was removed (the text stays as last read)."""
        context = reader_context(self)
        if not context.articles_loaded:
            return  # a re-read is on its way
        article = context.articles.get(self.article.id)
        if article is None:
            if not self._told_removed:
                self._told_removed = True
                self.notify(
                    "The file of this article was removed from seeds/: the text shown is "
                    "the one last read.",
                    title="Workspace",
                    severity="warning",
                    markup=False,
                )
            return
        self._told_removed = False
        if article.text != self.article.text or article.meta != self.article.meta:
            self.app.post_message(self.Outdated(self))

    def reloaded(self, article: Article) -> ReaderScreen:
        """A reader of the new text of this article, at the same place (the top and cursor
        paragraphs found again in the new text), with the same query or entity."""
        old, view = self.article, self.view
        top = view.top_paragraph()
        start, _count = view.placement(top)
        place = ViewPlace(
            top=matching_paragraph(old, article, top),
            cursor=matching_paragraph(old, article, view.cursor),
            lines=max(0, int(view.scroll_y) - (start - 1)),
            text_changed=article.text != old.text,
        )
        active = self.entities.active
        return ReaderScreen(
            article,
            query=self.matches.query,
            exact=self.matches.exact,
            entity=active.entity.id if active is not None else None,
            place=place,
        )

    def _scroll_into_top_paragraph(self, place: ViewPlace) -> None:
        """Scroll past as many lines of the top paragraph as before the reload (once the
        text is laid out: `scroll_to_paragraph` put its first line at the top)."""
        view = self.view
        start, count = view.placement(place.top)
        if count and view.lines:
            # One blank line above a paragraph: `scroll_to_paragraph` starts there.
            y = start - 1 + min(place.lines, count)
            view.scroll_to(y=y, animate=False, force=True, immediate=True)

    def _say_reloaded(self) -> None:
        """After a reload in place: say so, with how the highlights were found again."""
        statuses = [placed.anchor.status for placed in self.session.placed]
        keymap = reader_context(self).keymap_in_use
        self.notify(reload_notice(statuses, keymap), title="Reloaded", markup=False)

    # ------------------------------------------------------------------ position memory
    def position(self) -> int:
        """The paragraph number to remember: the cursor's if on screen, else the top one
        (also the status line's "¶ k/n")."""
        if not self.article.paragraphs:
            return 1
        return self.article.paragraphs[self._position_index()].number

    def _position_index(self) -> int:
        """The index of the paragraph `position()` names."""
        view = self.view
        index = view.cursor if view.is_visible(view.cursor) else view.top_paragraph()
        return min(max(index, 0), len(self.article.paragraphs) - 1)

    def remember(self, is_open: bool) -> None:
        """Save where the reader is."""
        state = reader_context(self).reading_state
        paragraph = self.position()
        state.remember(self.article.id, paragraph, is_open)
        state.save()
        self._saved = paragraph

    def _autosave(self) -> None:
        if self.is_current and self.position() != self._saved:
            self.remember(is_open=True)

    # ------------------------------------------------------------------ status line
    def update_status(self, *_: object) -> None:
        """Redraw the status line."""
        view = self.view
        paragraphs = self.article.paragraphs
        facts = ReaderFacts(
            paragraph=self.position() if paragraphs else None,
            paragraphs=len(paragraphs),
            locator=paragraphs[self._position_index()].locator if paragraphs else None,
            progress=view.progress(),
            matches=len(view.matches),
            current=view.current_match,
            entity=self.entities.active_name(),
            query=self.matches.query,
            note=self.matches.note,
            folded=view.fold_furniture,
            more=self.highlights.status(),
        )
        text = reader_status(facts, reader_context(self).keymap_in_use)
        self.status_line.update(Content(text))

    def _key(self, binding_id: str) -> str:
        return key_for(binding_id, reader_context(self).keymap_in_use)

    # ------------------------------------------------------------------ find
    @on(Input.Changed, "#find-input")
    def _find_changed(self, event: Input.Changed) -> None:
        self.matches.typed(event.value)

    def on_matches_found(self, message: MatchesFound) -> None:
        """A query's matches were found: show them."""
        self.matches.found(message)

    @on(Input.Submitted, "#find-input")
    def _find_submitted(self) -> None:
        self.find_bar.action_close()

    @on(FindBar.Closed)
    def _find_closed(self) -> None:
        self.view.focus()

    # ------------------------------------------------------------------ parts' messages
    def on_annotations_loaded(self, message: AnnotationsLoaded) -> None:
        """The annotations were read: show them."""
        self.highlights.loaded(message)

    def on_annotation_store_failed(self, message: AnnotationStoreFailed) -> None:
        """A store call failed: say so (or offer to save a lost edit again)."""
        self.highlights.failed(message)

    @on(AnnotatedArticleView.Dragged)
    def _dragged(self, event: AnnotatedArticleView.Dragged) -> None:
        """A mouse drag selects whole words, as in visual mode."""
        self.visual.drag(event.anchor, event.head)

    @on(EntitySidebar.EntityChosen)
    def _entity_chosen(self, event: EntitySidebar.EntityChosen) -> None:
        event.stop()
        self.entities.chosen(event.item)

    @on(EntityList.Leave)
    def _sidebar_left(self) -> None:
        self.entities.leave_sidebar()

    def on_resize(self, event: events.Resize) -> None:
        """Narrowed with the text focused: the entity sidebar may have to close."""
        self.entities.resized(event.size.width)

    # ------------------------------------------------------------------ actions
    def action_back(self) -> None:
        """Close the article (remembering the position) and go back."""
        self.remember(is_open=False)
        self.app.pop_screen()

    def action_scroll_down(self) -> None:
        """One line down."""
        self.view.scroll_down(animate=False)

    def action_scroll_up(self) -> None:
        """One line up."""
        self.view.scroll_up(animate=False)

    def action_page_down(self) -> None:
        """One page down."""
        self.view.scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        """One page up."""
        self.view.scroll_page_up(animate=False)

    def action_top(self) -> None:
        """To the top of the article."""
        self.view.scroll_home(animate=False)
        self.view.cursor = 0

    def action_bottom(self) -> None:
        """To the end of the article."""
        self.view.scroll_end(animate=False)
        self.view.cursor = max(0, len(self.article.paragraphs) - 1)

    def action_paragraph(self, step: int) -> None:
        """Move the cursor paragraph (`[` / `]`)."""
        self.view.step_paragraph(step)

    def action_match(self, step: int) -> None:
        """Go to the next/previous match across paragraphs (n / N)."""
        result = self.view.step_match(step)
        if result is None:
            self.notify(
                f"No matches here. Press {self._key('reader.find')} to find in this article "
                f"or {self._key('app.search')} to search.",
                severity="warning",
                timeout=3,
                markup=False,
            )
        elif result[1]:
            where = "top" if step > 0 else "bottom"
            self.notify(f"Wrapped to the {where} of the article", timeout=1.5)
        self.update_status()

    def action_find(self) -> None:
        """Open the find-in-article bar."""
        self.find_bar.open()

    def action_fold(self) -> None:
        """Fold (hide) or unfold the page furniture paragraphs."""
        self.view.fold_furniture = not self.view.fold_furniture
        self.update_status()

    def action_copy_citation(self) -> None:
        """Copy the quote, citation and reference of the selection in visual mode, else of
        the highlight (else the paragraph) at the cursor (y); see
        tuireader.app.citing.commands. Right after opening, once the highlights are read."""
        selected = self.visual.span()
        if selected is not None:
            self._copy_selection(*selected)
            return

        def copy() -> None:
            copy_citation(self, self.article, self._cursor_number(), self.highlights.at_cursor())

        self.highlights.when_loaded(copy)

    def _copy_selection(self, start: int, end: int) -> None:
        """Copy the selected words with their citation (cited like a highlight on them,
        which is not stored), and leave visual mode, as y does in vi."""
        try:
            cited = new_annotation(self.article, start, end)
        except SelectionError as error:
            self.notify(str(error), severity="warning", markup=False)
            return
        self.visual.end()
        copy_citation(
            self, self.article, cited.target.paragraph, cited, what="citation of the selection"
        )

    def action_copy_reference(self) -> None:
        """Copy the article's reference in the citation style (Y)."""
        copy_citation(self, self.article, self._cursor_number(), None, reference_only=True)

    def _cursor_number(self) -> int:
        """The number of the cursor paragraph (1 in an empty article)."""
        paragraphs = self.article.paragraphs
        if not paragraphs:
            return 1
        return paragraphs[min(max(self.view.cursor, 0), len(paragraphs) - 1)].number

    def action_compare(self) -> None:
        """Compare this article with another, picked from a list (c); see comparing.py."""
        self.app.post_message(CompareWith(self.article.id, paragraph=self.position()))

    def action_edit_catalog(self) -> None:
        """Correct the article's catalog entry in a dialog (C); once saved, the app re-reads
        the articles and this reader reloads with the new title."""

        def saved(done: bool | None) -> None:
            if done:
                self.app.post_message(CatalogSaved())

        self.app.push_screen(CatalogDialog(self.article), saved)

    def action_who_else(self) -> None:
        """Passages like the selection, else the cursor paragraph, in other articles (w)."""
        text, paragraph, label = self.passage()
        self.app.post_message(FindSimilar(self.article.id, paragraph, text, label))

    def passage(self) -> tuple[str, int, str]:
        """(text, paragraph number, what it is) the reader is on: the visual-mode selection
        if there is one, else the cursor paragraph (or the top one when the cursor is off
        screen)."""
        article = self.article
        paragraphs = article.paragraphs
        if not paragraphs:
            return "", 1, ""
        selected = self.visual.span()
        if selected is not None:
            start, end = selected
            if end > start:
                number = next(
                    (p.number for p in reversed(paragraphs) if p.start <= start),
                    paragraphs[0].number,
                )
                return article.text[start:end][:PASSAGE_QUERY_LIMIT], number, "the selection"
        paragraph = paragraphs[self._position_index()]
        return paragraph.text, paragraph.number, f"¶{paragraph.number}"

    # ------------------------------------------------------------------ highlights
    def action_visual(self) -> None:
        """Start selecting text at the cursor; in visual mode, stop (v)."""
        self.visual.toggle()

    def action_visual_move(self, unit: Unit, step: int) -> None:
        """Move the selection's moving end by a word, sentence or paragraph."""
        self.visual.move(unit, step)

    def action_visual_swap(self) -> None:
        """Let the other end of the selection move (o)."""
        self.visual.swap()

    def action_visual_cancel(self) -> None:
        """Leave visual mode without highlighting."""
        self.visual.end()

    def action_highlight(self) -> None:
        """Highlight the selection, else the sentence at the cursor (h)."""
        self.annotator.highlight()

    def action_highlight_paragraph(self) -> None:
        """Highlight the whole cursor paragraph (H)."""
        self.annotator.highlight_paragraph()

    def action_label(self, name: str) -> None:
        """Label the selection or the highlight at the cursor, else highlight the sentence
        with this label (1-6)."""
        self.annotator.label(name)

    def action_annotate(self) -> None:
        """Highlight the selection (else the sentence) with a note (a)."""
        self.annotator.annotate()

    def action_tags(self) -> None:
        """Tags of the highlight at the cursor, or of a new one on the selection (t)."""
        self.annotator.tags()

    def action_edit_highlight(self) -> None:
        """Edit the label, note and tags of the highlight at the cursor (e)."""
        self.annotator.edit()

    def action_delete_highlight(self) -> None:
        """Delete the highlight at the cursor, after a confirmation (d)."""
        self.annotator.delete()

    def action_next_highlight(self, step: int) -> None:
        """Go to the next (m) or previous (M) highlight, across paragraphs."""
        self.annotator.next_highlight(step)

    def action_undo_highlight(self) -> None:
        """Take back the last highlight made, edit or delete (u)."""
        self.annotator.undo()

    def action_toggle_notes(self) -> None:
        """Show every note under its highlight, or only the current highlight's (i)."""
        self.highlights.toggle_notes()

    # ------------------------------------------------------------------ entities
    async def action_toggle_entities(self) -> None:
        """Show the entity sidebar (and focus it), or hide it (p)."""
        await self.entities.toggle_sidebar()

    def action_entity_articles(self) -> None:
        """List the articles that name the selected entity (o)."""
        self.entities.open_articles()
