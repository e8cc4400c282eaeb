"""A small modal list of the articles that name an entity, most mentions first (`o`).

The first row searches the corpus for the entity (every spelling, `entity:"Name"`); each other
row opens an article at the entity's first mention with its mentions highlighted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tuireader.app.context import reader_context
from tuireader.app.entities.kinds import KIND_SINGULAR, spellings_line
from tuireader.app.shell import bindings
from tuireader.app.shell.navigation import OpenArticle, OpenSearch
from tuireader.app.shell.render import clean_text, safe_content
from tuireader.core.search.query_syntax import entity_query

if TYPE_CHECKING:
    from tuireader.core.entities.index import Entity

SEARCH_OPTION = "search"
"""Option id of the "search for the entity" row."""


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
        """`entity`: the entity whose articles to list."""
        super().__init__()
        self.entity = entity
        """The entity whose articles are listed."""

    @property
    def option_list(self) -> OptionList:
        """The rows."""
        return self.query_one("#entity-articles", OptionList)

    def compose(self) -> ComposeResult:
        """Title, spellings, the search row and one row per article, key hint."""
        entity = self.entity
        articles = reader_context(self).articles
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
        """Close the list, then ask the app for the search or the article chosen."""
        app = self.app
        entity = self.entity
        self.dismiss()
        if option_id == SEARCH_OPTION:
            app.post_message(OpenSearch(entity_query(entity.name)))
        elif option_id.startswith("article:"):
            article_id = option_id.removeprefix("article:")
            app.post_message(OpenArticle(article_id, entity=entity.id))

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
        self.dismiss()

    def action_cursor_down(self) -> None:
        """Next row."""
        self.option_list.action_cursor_down()

    def action_cursor_up(self) -> None:
        """Previous row."""
        self.option_list.action_cursor_up()
