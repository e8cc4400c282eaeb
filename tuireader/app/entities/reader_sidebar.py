"""The reader's entity part, kept apart from the rest of the reader: the `p` sidebar, an
entity's mentions as the reader's match set (`n`/`N` step through them), and `o` (the
articles that name it).

The reader owns one `ReaderEntities` and passes it what its keys and the sidebar's messages
ask for. The mentions are shown by the reader itself (`show_mentions`, drawn in
ENTITY_STYLE, unlike search matches); any later find or search replaces them, and the reader
then calls `matches_replaced`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.screen import Screen

from tuireader.app.context import reader_context
from tuireader.app.entities.sidebar import EntitySidebar
from tuireader.app.shell.article_view import ArticleView
from tuireader.app.shell.keys import key_for
from tuireader.app.shell.navigation import OpenEntityArticles
from tuireader.app.shell.render import clean_text

if TYPE_CHECKING:
    from tuireader.app.state.entities import EntityState
    from tuireader.core.entities.index import ArticleEntity

ENTITY_STYLE = "bold underline"
"""An entity's mentions: underlined, where search matches are reversed (both read in 16
colours and under NO_COLOR); the mention n/N moved to is reversed as well."""
WIDE = 100
"""From this many columns the sidebar sits beside the text; below, it takes the width."""
BREAKPOINTS = [(0, "-narrow"), (WIDE, "-wide")]
"""The reader's HORIZONTAL_BREAKPOINTS: the sidebar's CSS follows `-narrow`."""


class ReaderEntities:
    """The entities of the article in one reader: its sidebar and the chosen entity."""

    def __init__(
        self,
        host: Screen[Any],
        article_id: str,
        entity: str | None,
        view: ArticleView,
        show_mentions: Callable[[ArticleEntity | None], None],
    ) -> None:
        """`entity`: an entity id to highlight once entities are loaded (the article was
        opened from the list of articles naming it); `show_mentions` makes an entity's
        mentions the reader's match set (None: clears them)."""
        self.host = host
        """The reader (the sidebar is mounted in it)."""
        self.article_id = article_id
        """The article read."""
        self.view = view
        """The text, which gets the focus back from the sidebar."""
        self.active: ArticleEntity | None = None
        """The entity whose mentions are the reader's match set (None once a find or a
        search has replaced them)."""
        self._pending = entity
        self._show_mentions = show_mentions

    @property
    def sidebar(self) -> EntitySidebar | None:
        """The sidebar, once `p` has mounted it."""
        found = self.host.query(EntitySidebar)
        return found.first() if found else None

    @property
    def narrow(self) -> bool:
        """Whether the terminal is too narrow for the sidebar beside the text."""
        host = self.host
        return host.has_class("-narrow") or (0 < host.size.width < WIDE)

    def start(self) -> None:
        """Ask for this article's entities first, and highlight the pending entity once
        entities are available (the reader is mounted)."""
        entities = reader_context(self.host).entities
        entities.changed.subscribe(self.host, self._entities_changed)
        entities.want(self.article_id)
        self._apply_pending()

    def _entities_changed(self, _state: EntityState) -> None:
        self._apply_pending()
        self._follow_regrouping()

    def _follow_regrouping(self) -> None:
        """The corpus grouping replaced the article's own: the active entity becomes the
        one that now holds its mentions (its name may have grown, "Blair" to "Tony Blair")."""
        active = self.active
        found = reader_context(self.host).entities.article_entities(self.article_id)
        if active is None or found is None or active in found[0]:
            return
        spans = set(active.spans)
        item = next((i for i in found[0] if spans & set(i.spans)), None)
        if item is None:
            return
        if set(item.spans) != spans:
            self.select(item)  # more mentions now: they are the match set
            return
        self.active = item  # the same mentions: the cursor stays where it is
        sidebar = self.sidebar
        if sidebar is not None:
            sidebar.mark_selected(item.entity.id)

    def _apply_pending(self) -> None:
        index = reader_context(self.host).entities.index
        if self._pending is None or index is None:
            return
        entity_id, self._pending = self._pending, None
        items = index.for_article(self.article_id)
        item = next((i for i in items if i.entity.id == entity_id), None)
        if item is not None:
            self.select(item)

    # ------------------------------------------------------------------ the chosen entity
    def active_name(self) -> str | None:
        """The active entity's name for the status line (None: matches are search hits)."""
        return clean_text(self.active.entity.name) if self.active is not None else None

    def matches_replaced(self) -> None:
        """A find or a search replaced the mentions."""
        self.active = None

    def select(self, item: ArticleEntity) -> None:
        """Highlight the entity's mentions; n/N step through them from the cursor."""
        self.active = item
        self._show_mentions(item)
        sidebar = self.sidebar
        if sidebar is not None:
            sidebar.mark_selected(item.entity.id)

    def clear(self) -> None:
        """Remove the entity's highlights."""
        self.active = None
        self._show_mentions(None)
        sidebar = self.sidebar
        if sidebar is not None:
            sidebar.mark_selected(None)

    def chosen(self, item: ArticleEntity) -> None:
        """An entity was chosen in the sidebar: highlight it (the active one: clear it)."""
        if self.active is not None and self.active.entity.id == item.entity.id:
            self.clear()
            return
        self.select(item)
        if self.narrow:  # the sidebar covers the text: show the first mention
            self._hide_sidebar()

    # ------------------------------------------------------------------ the sidebar
    async def toggle_sidebar(self) -> None:
        """Show the entity sidebar (and focus it), or hide it (p)."""
        sidebar = self.sidebar
        if sidebar is None:
            sidebar = EntitySidebar(self.article_id)
            await self.host.mount(sidebar)
        elif sidebar.display:
            self._hide_sidebar()
            return
        else:
            sidebar.display = True
        active = self.active
        sidebar.mark_selected(active.entity.id if active is not None else None)
        sidebar.highlight(sidebar.selected)
        sidebar.entity_list.focus()

    def _hide_sidebar(self) -> None:
        sidebar = self.sidebar
        if sidebar is not None:
            sidebar.display = False
        self.view.focus()

    def leave_sidebar(self) -> None:
        """Escape in the sidebar: back to the text (a narrow terminal closes the sidebar)."""
        if self.narrow:
            self._hide_sidebar()
        else:
            self.view.focus()

    def resized(self, width: int) -> None:
        """Narrowed below WIDE with the text focused: close the sidebar that would cover it."""
        sidebar = self.sidebar
        if (
            sidebar is not None
            and sidebar.display
            and width < WIDE
            and not sidebar.entity_list.has_focus
        ):
            self._hide_sidebar()

    # ------------------------------------------------------------------ o
    def open_articles(self) -> None:
        """List the articles that name the selected entity (o)."""
        item = self.active
        sidebar = self.sidebar
        if sidebar is not None and sidebar.display and sidebar.entity_list.has_focus:
            item = sidebar.highlighted_item() or item
        entities = reader_context(self.host).entities
        if item is not None and entities.entity(item.entity.id) is None and entities.state.busy:
            self.host.notify(
                "The articles naming it are listed once entities are extracted across the "
                f"corpus ({entities.state.describe()}).",
                severity="information",
                timeout=4,
                markup=False,
            )
            return
        if item is None:
            keymap = reader_context(self.host).keymap_in_use
            toggle, pick = key_for("reader.entities", keymap), key_for("sidebar.select", keymap)
            self.host.notify(
                f"Select an entity first: {toggle} lists them, {pick} picks one.",
                severity="warning",
                timeout=3,
                markup=False,
            )
            return
        self.host.app.post_message(OpenEntityArticles(item.entity.id))
