"""Command palette providers for entities.

`EntityCommands` (the app's): find an entity by any spelling; choosing one opens corpus
search for `entity:"Name"` (every spelling). Typing "entities" also offers the entities
screen. Only the cached index is read (no spaCy); before entities are available the provider
offers nothing but that screen.

`SidebarCommands` is for a screen with an entity sidebar (the reader lists it in its
`COMMANDS`): it shows or hides the sidebar through the screen's `toggle_entities` action.
"""

from __future__ import annotations

import asyncio
import re
from functools import partial
from typing import TYPE_CHECKING

from textual.command import Hit, Hits
from textual.markup import escape

from tuireader.app.context import reader_context
from tuireader.app.entities.kinds import KIND_SINGULAR
from tuireader.app.shell.navigation import OpenEntities, OpenSearch
from tuireader.app.shell.palette import Command, CommandListProvider, highlight_plain
from tuireader.app.shell.render import clean_text
from tuireader.core.search.query_syntax import entity_query

if TYPE_CHECKING:
    from tuireader.core.entities.index import Entity

MAX_ENTITY_HITS = 30
"""Most entities shown for a typed query."""
YIELD_EVERY = 500
"""Entities scored between two pauses that let the UI breathe (big corpora)."""
SCREEN_COMMAND = "Entities of the workspace"
SCREEN_HELP = "People, organisations, places… by mentions or articles (E)"
SIDEBAR_COMMAND = "Entities in this article"
SIDEBAR_HELP = "Show or hide the entity sidebar (p)"


def entity_help(entity: Entity) -> str:
    """The hit's second line: kind, counts, other spellings (escaped: Hit.help is markup)."""
    count = len(entity.articles)
    parts = [
        KIND_SINGULAR.get(entity.kind, entity.kind),
        f"{entity.mentions:,} mentions in {count:,} article{'s' if count != 1 else ''}",
    ]
    others = [a for a in entity.aliases if a != entity.name][:4]
    if others:
        parts.append("also " + ", ".join(others))
    parts.append("enter searches every spelling")
    return escape(clean_text(" · ".join(parts)))


class SidebarCommands(CommandListProvider):
    """Show or hide the entity sidebar of the screen under the palette (for the COMMANDS of
    a screen that has one: it runs the screen's `toggle_entities` action, as p does)."""

    def _commands(self) -> list[Command]:
        screen = self.screen  # the screen under the palette
        return [(SIDEBAR_COMMAND, SIDEBAR_HELP, partial(screen.run_action, "toggle_entities"))]


class EntityCommands(CommandListProvider):
    """Entities by any of their spellings; choosing one searches the corpus for it."""

    def _open_screen(self) -> None:
        self.app.post_message(OpenEntities())

    def _commands(self) -> list[Command]:
        """The entities screen."""
        return [(SCREEN_COMMAND, SCREEN_HELP, self._open_screen)]

    async def search(self, query: str) -> Hits:
        """Entities with a spelling that fuzzily matches `query` (best spelling counts)."""
        async for hit in super().search(query):  # the entities screen command
            yield hit
        app = self.app
        matcher = self.matcher(query)
        index = reader_context(app).entities.index
        if index is None:
            return
        # The fuzzy matcher wants the query's letters in order: a regular expression finds
        # the few spellings that have them much faster than scoring every one.
        letters = [re.escape(c) for c in query if not c.isspace()]
        candidate = re.compile(".*?".join(letters), re.IGNORECASE)
        scored: list[tuple[float, int, str, Entity]] = []
        for number, entity in enumerate(index.entities):
            if number and not number % YIELD_EVERY:
                await asyncio.sleep(0)
            best, shown = 0.0, entity.name
            for spelling in dict.fromkeys([entity.name, *entity.aliases]):
                if not candidate.search(spelling):
                    continue  # no fuzzy match possible
                spelling_score = matcher.match(spelling)
                if spelling_score > best:
                    best, shown = spelling_score, spelling
            if best > 0:
                # Among equal matches, the most mentioned entity first.
                scored.append((best, entity.mentions, shown, entity))
        scored.sort(key=lambda item: (-item[0], -item[1]))
        for best, _mentions, shown, entity in scored[:MAX_ENTITY_HITS]:
            name = clean_text(entity.name)
            label = highlight_plain(matcher, clean_text(shown))
            if shown != entity.name:
                label = label + f" → {name}"
            yield Hit(
                best * 0.95,  # an article title that matches as well comes first
                label,
                partial(app.post_message, OpenSearch(entity_query(entity.name))),
                text=name,
                help=entity_help(entity),
            )
