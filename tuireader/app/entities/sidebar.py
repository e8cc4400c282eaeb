"""The reader's entity sidebar: the open article's entities by type, most mentioned first.

Mounted by the reader the first time `p` is pressed (most readings never open it, and every
widget costs start-up time). Docked on the right on wide terminals; on narrow ones (the
reader's `-narrow` breakpoint) it takes the whole width, like a drawer, so the text is never
squeezed into an unreadable column. It follows the app's entity state: a progress line while
entities are extracted, the model-missing advice, or the list. Choosing an entity posts
`EntitySidebar.EntityChosen`; the reader highlights its mentions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, ProgressBar, Static
from textual.widgets.option_list import Option

from tuireader.app.context import reader_context
from tuireader.app.entities.kinds import KIND_TITLES
from tuireader.app.shell import bindings
from tuireader.app.shell.bindings import short_key
from tuireader.app.shell.keys import key_for
from tuireader.app.shell.render import safe_content
from tuireader.app.state.entities import EntityState

if TYPE_CHECKING:
    from tuireader.core.entities.index import ArticleEntity

SELECTED_MARK = "●"
"""Marks the entity whose mentions are highlighted (a character, so it shows without colour)."""


def sidebar_hint(keymap: Mapping[str, str]) -> str:
    """The sidebar's last line: what the keys do here (as the keymap binds them)."""

    def key(binding_id: str) -> str:
        return short_key(key_for(binding_id, keymap))

    return (
        f"{key('sidebar.select')} highlight · {key('reader.entity_articles')} articles · "
        f"{key('sidebar.leave')}"
    )


def entity_prompt(item: ArticleEntity, selected: bool) -> Content:
    """One entity's line: selection mark, mention count, name (plain text, never markup)."""
    mark = f"{SELECTED_MARK} " if selected else "  "
    return Content.assemble(
        (mark, "bold"),
        (f"{item.count:>3} ", "dim"),
        safe_content(item.entity.name),
    )


def option_id(position: int) -> str:
    """The option id of the entity at `position` in the sidebar's items (positions, not
    entity ids: two groups may share a name when an alias file splits one)."""
    return f"entity-{position}"


def group_options(
    items: list[ArticleEntity], selected: str | None
) -> tuple[list[ArticleEntity], list[Option]]:
    """The entities in list order and the list's options: a disabled heading per kind
    ("People · 3"), then its entities (already most mentioned first)."""
    ordered: list[ArticleEntity] = []
    options: list[Option] = []
    for kind, title in KIND_TITLES.items():
        group = [item for item in items if item.entity.kind == kind]
        if not group:
            continue
        heading = Content.assemble((title, "bold"), (f" · {len(group)}", "dim"))
        options.append(Option(heading, id=f"heading:{kind}", disabled=True))
        for item in group:
            prompt = entity_prompt(item, item.entity.id == selected)
            options.append(Option(prompt, id=option_id(len(ordered))))
            ordered.append(item)
    return ordered, options


class EntityList(OptionList):
    """The entities, grouped by type; j/k move, enter selects, escape goes back to the text."""

    BINDINGS: ClassVar[list[BindingType]] = [*bindings.ENTITY_SIDEBAR]

    class Leave(Message):
        """The user wants to go back to the text (escape)."""

    def action_leave(self) -> None:
        """Back to the text."""
        self.post_message(self.Leave())


class EntitySidebar(Vertical):
    """The open article's entities, with a status line while they are not available."""

    SCOPED_CSS = False  # one rule looks at the reader's breakpoint class (-narrow)
    DEFAULT_CSS = """
    EntitySidebar {
        dock: right;
        width: 36;
        height: 100%;
        margin: 1 0 1 0;
        border-left: vkey $foreground 40%;
        background: $surface;
    }
    ReaderScreen.-narrow EntitySidebar {
        width: 100%;
        border-left: none;
    }
    EntitySidebar #entity-title {
        height: 1;
        padding: 0 1;
        text-style: bold;
        background: $panel;
    }
    EntitySidebar #entity-message {
        height: auto;
        padding: 0 1;
        color: $text-muted;
    }
    EntitySidebar #entity-message.-problem {
        color: $text-warning;
    }
    EntitySidebar ProgressBar {
        padding: 0 1;
        height: 1;
    }
    EntitySidebar EntityList, EntitySidebar EntityList:focus {
        height: 1fr;
        border: none;
        padding: 0;
        scrollbar-size-vertical: 1;
        background: $surface;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    EntitySidebar EntityList > .option-list--option-disabled {
        color: $text-accent;
    }
    /* Without colour the highlight is a shade of grey: underline it too (option lists
       draw with visual styles, which have no reverse). */
    EntitySidebar EntityList:nocolor > .option-list--option-highlighted {
        text-style: bold underline;
    }
    EntitySidebar #entity-hint {
        height: 1;
        padding: 0 1;
        color: $text-muted;
        background: $panel;
    }
    """

    class EntityChosen(Message):
        """An entity was chosen in the list (enter): the reader highlights its mentions
        (or clears them, when they are highlighted already)."""

        def __init__(self, item: ArticleEntity) -> None:
            super().__init__()
            self.item = item
            """The entity and its mentions in the article."""

    def __init__(self, article_id: str) -> None:
        super().__init__(id="entity-sidebar")
        self.article_id = article_id
        """The article whose entities are listed."""
        self.items: list[ArticleEntity] = []
        """The entities listed, in list order."""
        self.selected: str | None = None
        """Id of the entity whose mentions are highlighted (marked in the list)."""
        self._source: object | None = None  # the index (or article list) items came from

    @property
    def entity_list(self) -> EntityList:
        """The list of entities."""
        return self.query_one("#entity-list", EntityList)

    def compose(self) -> ComposeResult:
        """Title, status message, progress bar, list, key hint."""
        yield Static(Content("Entities"), id="entity-title")
        yield Static(id="entity-message")
        yield ProgressBar(show_eta=False, show_percentage=True, id="entity-progress")
        yield EntityList(id="entity-list")
        hint = sidebar_hint(reader_context(self).keymap_in_use)
        yield Static(Content(hint), id="entity-hint")

    def on_mount(self) -> None:
        """Follow the app's entities (they may still be on their way)."""
        entities = reader_context(self).entities
        entities.changed.subscribe(self, self.show_state)
        self.show_state(entities.state)
        entities.ensure()

    def show_state(self, state: EntityState) -> None:
        """Show the list (when the article's entities are known), progress or an
        explanation. While the corpus is extracted the article's entities may be grouped
        within the article alone; the corpus grouping replaces them when it is ready."""
        entities = reader_context(self).entities
        found = entities.article_entities(self.article_id)
        message = self.query_one("#entity-message", Static)
        bar = self.query_one("#entity-progress", ProgressBar)
        bar.display = state.phase == "extracting"
        if state.phase == "extracting":
            bar.update(total=state.total or None, progress=state.done)
        text = ""
        problem = False
        if found is None:
            if entities.index is None:
                text = state.describe()
            else:
                text = state.describe() if state.busy else ""
                text = text or "Entities of this article have not been extracted yet."
            problem = state.phase in ("unavailable", "failed")
            if problem:
                text = state.describe()
            self._set_items([], None)
        else:
            items, alone = found
            source = items if alone else entities.index
            if source is not self._source:
                self._set_items(items, source)
            if alone:
                text = f"Grouped within this article until the corpus is done. {state.describe()}"
            elif state.busy and state.phase == "extracting":
                text = state.describe()
            elif not self.items:
                text = "No named entities found in this article."
        message.update(Content(text))
        message.display = bool(text)
        message.set_class(problem, "-problem")
        count = len(self.items)
        self.query_one("#entity-hint", Static).display = bool(count)
        title = f"Entities · {count}" if count else "Entities"
        self.query_one("#entity-title", Static).update(Content(title))

    def _set_items(self, items: list[ArticleEntity], source: object | None) -> None:
        """Fill the list, keeping the cursor on the entity it was on: by id, or, when the
        corpus grouping replaces the article's own (the name may change, "Blair" becoming
        "Tony Blair"), on the entity that now holds the same mention."""
        self._source = source
        listing = self.entity_list
        current = self.highlighted_item()
        keep = current.entity.id if current is not None else None
        self.items, options = group_options(items, self.selected)
        if current is not None and not any(i.entity.id == keep for i in self.items):
            spans = set(current.spans)
            moved = next((i for i in self.items if spans & set(i.spans)), None)
            keep = moved.entity.id if moved is not None else None
        listing.set_options(options)
        self.highlight(keep or self.selected)

    @on(OptionList.OptionSelected, "#entity-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        item = self.item(event.option.id or "")
        if item is not None:
            self.post_message(self.EntityChosen(item))

    def highlight(self, entity_id: str | None) -> None:
        """Put the list's cursor on this entity (or on the first one)."""
        listing = self.entity_list
        if not listing.option_count:
            return
        for position, item in enumerate(self.items):
            if item.entity.id == entity_id:
                listing.highlighted = listing.get_option_index(option_id(position))
                return
        for position in range(listing.option_count):
            if not listing.get_option_at_index(position).disabled:
                listing.highlighted = position
                return

    def item(self, option: str) -> ArticleEntity | None:
        """The listed entity with this option id (None for a heading)."""
        number = option.removeprefix("entity-")
        if option.startswith("entity-") and number.isdigit() and int(number) < len(self.items):
            return self.items[int(number)]
        return None

    def highlighted_item(self) -> ArticleEntity | None:
        """The entity under the list's cursor."""
        option = self.entity_list.highlighted_option
        return self.item(option.id) if option is not None and option.id else None

    def mark_selected(self, entity_id: str | None) -> None:
        """Mark the entity whose mentions are highlighted (None: no entity)."""
        if entity_id == self.selected:
            return
        previous, self.selected = self.selected, entity_id
        listing = self.entity_list
        for position, item in enumerate(self.items):
            if item.entity.id in (previous, entity_id):
                listing.replace_option_prompt(
                    option_id(position), entity_prompt(item, item.entity.id == entity_id)
                )
