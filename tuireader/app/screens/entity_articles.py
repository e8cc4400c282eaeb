"""A small modal list of the articles that name an entity, most mentions first (`o`).

The first row searches the corpus for the entity (every spelling, `entity:"Name"`); each other
row opens an article at the entity's first mention with its mentions highlighted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from .. import bindings
from ..entity_state import KIND_SINGULAR, entity_query, open_article_at_entity, open_entity_search
from ..render import clean_text, safe_content

if TYPE_CHECKING:
    from tuireader.core.entities import Entity

    from ..app import TuiReaderApp

SEARCH_OPTION = "search"
"""Option id of the "search for the entity" row."""


def spellings_line(entity: Entity, limit: int = 6) -> str:
    """ "also spelt …" for an entity with several spellings ("" otherwise)."""
    others = [a for a in entity.aliases if a != entity.name]
    if not others:
        return ""
    shown = ", ".join(clean_text(a) for a in others[:limit])
    more = f" (+{len(others) - limit})" if len(others) > limit else ""
    return f"also spelt {shown}{more}"


class EntityArticlesScreen(ModalScreen[None]):
    """Every article that names one entity, with its mention count."""

    BINDINGS: ClassVar[list[BindingType]] = [*bindings.ENTITY_ARTICLES]
    AUTO_FOCUS = "#entity-articles"
    DEFAULT_CSS = """
    EntityArticlesScreen {
        align: center middle;
    }
    EntityArticlesScreen > Vertical {
        width: 90%;
        max-width: 96;
        height: auto;
        max-height: 90%;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    EntityArticlesScreen #entity-articles-title {
        text-style: bold;
        height: auto;
    }
    EntityArticlesScreen .entity-articles-note {
        color: $text-muted;
        height: auto;
    }
    EntityArticlesScreen OptionList, EntityArticlesScreen OptionList:focus {
        height: auto;
        max-height: 20;
        border: none;
        padding: 0;
        background: $surface;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    /* Without colour the highlight is a shade of grey: underline it too (option lists
       draw with visual styles, which have no reverse). */
    EntityArticlesScreen OptionList:nocolor > .option-list--option-highlighted {
        text-style: bold underline;
    }
    """

    def __init__(self, entity: Entity) -> None:
        super().__init__()
        self.entity = entity
        """The entity whose articles are listed."""

    @property
    def reader_app(self) -> TuiReaderApp:
        """The app, typed."""
        return cast("TuiReaderApp", self.app)

    @property
    def option_list(self) -> OptionList:
        """The rows."""
        return self.query_one("#entity-articles", OptionList)

    def compose(self) -> ComposeResult:
        """Title, spellings, the search row and one row per article, key hint."""
        entity = self.entity
        articles = self.reader_app.articles
        count = len(entity.articles)
        title = Content.assemble(
            safe_content(entity.name).stylize("bold"),
            (f" · {KIND_SINGULAR.get(entity.kind, entity.kind.lower())}", "dim"),
            (
                f" · {entity.mentions:,} mention{'s' if entity.mentions != 1 else ''} in "
                f"{count:,} article{'s' if count != 1 else ''}",
                "dim",
            ),
        )
        options = [
            Option(
                Content.assemble(("⌕ Search all articles: ", "bold"), entity_query(entity.name)),
                id=SEARCH_OPTION,
            )
        ]
        for article_id, mentions in entity.articles.items():
            article = articles.get(article_id)
            name = clean_text(article.title) if article is not None else article_id
            meta = article.meta if article is not None else None
            where = " · ".join(p for p in (meta.container, meta.issued) if p) if meta else ""
            options.append(
                Option(
                    Content.assemble(
                        (f"{mentions:>4} ", "bold"),
                        safe_content(name),
                        (f"  {clean_text(where)}" if where else "", "dim"),
                    ),
                    id=f"article:{article_id}",
                    disabled=article is None,
                )
            )
        with Vertical():
            yield Static(title, id="entity-articles-title")
            spelt = spellings_line(entity)
            if spelt:
                yield Static(Content(spelt), classes="entity-articles-note")
            yield OptionList(*options, id="entity-articles")
            yield Static(
                Content("enter opens · / searches every spelling · esc closes"),
                classes="entity-articles-note",
            )

    def on_mount(self) -> None:
        """Start on the most-mentioning article (the search row is one up)."""
        if self.option_list.option_count > 1:
            self.option_list.highlighted = 1

    @on(OptionList.OptionSelected, "#entity-articles")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._open(event.option.id or "")

    def _open(self, option_id: str) -> None:
        app = self.reader_app
        entity = self.entity
        app.pop_screen()
        if option_id == SEARCH_OPTION:
            open_entity_search(app, entity.name)
        elif option_id.startswith("article:"):
            open_article_at_entity(app, option_id.removeprefix("article:"), entity)

    # ------------------------------------------------------------------ actions
    def action_open(self) -> None:
        """Open the highlighted row."""
        option = self.option_list.highlighted_option
        if option is not None and not option.disabled:
            self._open(option.id or "")

    def action_search(self) -> None:
        """Search the corpus for every spelling of the entity."""
        self._open(SEARCH_OPTION)

    def action_close(self) -> None:
        """Back to where the list was opened."""
        self.app.pop_screen()

    def action_cursor_down(self) -> None:
        """Next row."""
        self.option_list.action_cursor_down()

    def action_cursor_up(self) -> None:
        """Previous row."""
        self.option_list.action_cursor_up()
