"""How entities are named on screen (the sidebar, the entities screen, the palette): the
headings and words for their kinds, and their other spellings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tuireader.app.shell.render import clean_text

if TYPE_CHECKING:
    from tuireader.core.entities.index import Entity

KIND_TITLES = {
    "PERSON": "People",
    "ORG": "Organisations",
    "PLACE": "Places",
    "GROUP": "Groups",
    "DATE": "Dates",
    "FIGURE": "Figures",
}
"""Group headings, by entity kind, in the order the sidebar and the entities screen use."""
KIND_SINGULAR = {
    "PERSON": "person",
    "ORG": "organisation",
    "PLACE": "place",
    "GROUP": "group",
    "DATE": "date",
    "FIGURE": "figure",
}
"""One entity's kind, in words."""


def spellings_line(entity: Entity, limit: int = 6) -> str:
    """ "also spelt …" for an entity with several spellings ("" otherwise)."""
    others = [a for a in entity.aliases if a != entity.name]
    if not others:
        return ""
    shown = ", ".join(clean_text(a) for a in others[:limit])
    more = f" (+{len(others) - limit})" if len(others) > limit else ""
    return f"also spelt {shown}{more}"
