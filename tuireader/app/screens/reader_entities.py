"""The reader's entity features, kept apart from the rest of the reader: the `p` sidebar,
an entity's mentions highlighted with `n`/`N` stepping through them, and `o` (the articles
that name it).

`ReaderScreen` inherits `EntitySidebarHost`. An entity's mentions become the reader's match
set (drawn in ENTITY_STYLE, unlike search matches); any later find or search replaces them,
which the reader's match generation tells apart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import events, on
from textual.screen import Screen
from textual.widgets import OptionList

from ..render import clean_text
from ..widgets.entity_sidebar import EntityList, EntitySidebar

if TYPE_CHECKING:
    from tuireader.core.entities import ArticleEntity

    from ..app import TuiReaderApp
    from ..entity_state import EntityState
    from .reader import ReaderScreen

ENTITY_STYLE = "bold underline"
"""An entity's mentions: underlined, where search matches are reversed (both read in 16
colours and under NO_COLOR); the mention n/N moved to is reversed as well."""
WIDE = 100
"""From this many columns the sidebar sits beside the text; below, it takes the width."""


class EntitySidebarHost(Screen[None]):
    """What the reader does with entities (a base class of ReaderScreen)."""

    # Textual declares this `ClassVar[...] | None`, which mypy reads as an instance variable.
    HORIZONTAL_BREAKPOINTS: list[tuple[int, str]] | None = [  # noqa: RUF012
        (0, "-narrow"),
        (WIDE, "-wide"),
    ]

    pending_entity: str | None = None
    """An entity id to highlight once the screen is mounted and entities are loaded (set when
    an article is opened from the list of articles naming an entity)."""
    selected_entity: ArticleEntity | None = None
    """The entity whose mentions were highlighted last (see `active_entity`)."""
    _entity_generation = -1

    @property
    def _reader(self) -> ReaderScreen:
        return cast("ReaderScreen", self)

    @property
    def _entity_app(self) -> TuiReaderApp:
        return cast("TuiReaderApp", self.app)

    @property
    def sidebar(self) -> EntitySidebar | None:
        """The sidebar, once `p` has mounted it."""
        found = self.query(EntitySidebar)
        return found.first() if found else None

    @property
    def narrow(self) -> bool:
        """Whether the terminal is too narrow for the sidebar beside the text."""
        return self.has_class("-narrow") or (0 < self.size.width < WIDE)

    def on_mount(self) -> None:
        """Highlight a pending entity once entities are available."""
        self._entity_app.entities.changed.subscribe(self, self._entities_changed)
        self._apply_pending()

    def _entities_changed(self, _state: EntityState) -> None:
        self._apply_pending()

    def _apply_pending(self) -> None:
        index = self._entity_app.entities.index
        if self.pending_entity is None or index is None:
            return
        entity_id, self.pending_entity = self.pending_entity, None
        article_id = self._reader.article.id
        item = next((i for i in index.for_article(article_id) if i.entity.id == entity_id), None)
        if item is not None:
            self.select_entity(item)

    # ------------------------------------------------------------------ selection
    def active_entity(self) -> ArticleEntity | None:
        """The entity whose mentions are the current match set (None once a find or a
        search has replaced them)."""
        if self.selected_entity is None:
            return None
        if self._entity_generation != self._reader._generation:
            return None
        return self.selected_entity

    def selected_entity_name(self) -> str | None:
        """The active entity's name for the status line (None: matches are search hits)."""
        active = self.active_entity()
        return clean_text(active.entity.name) if active is not None else None

    def select_entity(self, item: ArticleEntity) -> None:
        """Highlight the entity's mentions; n/N step through them from the cursor."""
        reader = self._reader
        reader._generation += 1  # answers to an earlier find or search are dropped
        self._entity_generation = reader._generation
        self.selected_entity = item
        reader.search_query = None
        reader.match_note = ""
        view = reader.view
        view.set_matches(item.spans, style=ENTITY_STYLE)
        first = view.first_match_from(view.cursor)
        if first is not None:
            view.go_to_match(first)
        sidebar = self.sidebar
        if sidebar is not None:
            sidebar.mark_selected(item.entity.id)
        reader._update_status()

    def clear_entity(self) -> None:
        """Remove the entity's highlights."""
        reader = self._reader
        reader._generation += 1
        self.selected_entity = None
        reader.view.clear_matches()
        sidebar = self.sidebar
        if sidebar is not None:
            sidebar.mark_selected(None)
        reader._update_status()

    # ------------------------------------------------------------------ sidebar
    async def action_toggle_entities(self) -> None:
        """Show the entity sidebar (and focus it), or hide it (p)."""
        sidebar = self.sidebar
        if sidebar is None:
            sidebar = EntitySidebar(self._reader.article.id)
            await self.mount(sidebar)
        elif sidebar.display:
            self._hide_sidebar()
            return
        else:
            sidebar.display = True
        active = self.active_entity()
        sidebar.mark_selected(active.entity.id if active is not None else None)
        sidebar.highlight(sidebar.selected)
        sidebar.entity_list.focus()

    def _hide_sidebar(self) -> None:
        sidebar = self.sidebar
        if sidebar is not None:
            sidebar.display = False
        self._reader.view.focus()

    @on(OptionList.OptionSelected, "#entity-list")
    def _entity_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        sidebar = self.sidebar
        item = sidebar.item(event.option.id or "") if sidebar is not None else None
        if item is None:
            return
        active = self.active_entity()
        if active is not None and active.entity.id == item.entity.id:
            self.clear_entity()
            return
        self.select_entity(item)
        if self.narrow:  # the sidebar covers the text: show the first mention
            self._hide_sidebar()

    def on_entity_list_leave(self, _message: EntityList.Leave) -> None:
        """Escape in the sidebar: back to the text (a narrow terminal closes the sidebar)."""
        if self.narrow:
            self._hide_sidebar()
        else:
            self._reader.view.focus()

    def on_resize(self, event: events.Resize) -> None:
        """Narrowed below WIDE with the text focused: close the sidebar that would cover it."""
        sidebar = self.sidebar
        if (
            sidebar is not None
            and sidebar.display
            and event.size.width < WIDE
            and not sidebar.entity_list.has_focus
        ):
            self._hide_sidebar()

    # ------------------------------------------------------------------ o
    def action_entity_articles(self) -> None:
        """List the articles that name the selected entity (o)."""
        from .entity_articles import EntityArticlesScreen

        item = self.active_entity()
        sidebar = self.sidebar
        if sidebar is not None and sidebar.display and sidebar.entity_list.has_focus:
            item = sidebar.highlighted_item() or item
        if item is None:
            self.notify(
                "Select an entity first: p lists them, enter picks one.",
                severity="warning",
                timeout=3,
            )
            return
        self.app.push_screen(EntityArticlesScreen(item.entity))
