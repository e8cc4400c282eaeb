"""The user's citation style in the app: finding one among the 10,000 installed styles,
choosing it from the palette, and saving it in settings.yaml."""

from __future__ import annotations

from functools import lru_cache, partial
from typing import TYPE_CHECKING

from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from tuireader.app.context import reader_context
from tuireader.core.settings import Settings

if TYPE_CHECKING:
    from textual.dom import DOMNode

FEATURED_STYLES = (
    "apa",
    "chicago-author-date",
    "chicago-notes-bibliography",
    "modern-language-association",
)
"""Styles listed first in every style choice (APA, Chicago author-date and notes, MLA)."""
MAX_STYLE_HITS = 40
"""Most style names listed for a typed filter (10,000 styles are installed)."""


def rank_styles(query: str, current: str | None = None, limit: int = MAX_STYLE_HITS) -> list[str]:
    """Installed style names matching `query`, best first.

    Empty query: the featured styles, then the current one. Otherwise every word of the
    query must occur in the name (or its alias: "mla", "chicago"); names starting with the
    query come first, then shorter names; the featured styles win ties.
    """
    from tuireader.core.export.styles import STYLE_ALIASES, available_styles

    featured = list(FEATURED_STYLES)
    if current and current not in featured:
        featured.append(current)
    words = query.lower().split()
    if not words:
        return featured[:limit]
    wanted = "-".join(words)
    scored: list[tuple[int, int, int, str]] = []
    for name in available_styles():
        if not all(word in name for word in words):
            continue
        starts = 0 if name.startswith(wanted) else 1
        rank = featured.index(name) if name in featured else len(featured)
        scored.append((starts, rank, len(name), name))
    for alias, target in STYLE_ALIASES.items():
        if alias.startswith(wanted) and target not in {s[3] for s in scored}:
            scored.append((0, -1, len(alias), target))
    scored.sort()
    return list(dict.fromkeys(s[3] for s in scored))[:limit]


@lru_cache(maxsize=256)
def style_title(name: str) -> str | None:
    """The title of an installed style (read from its file), None when it cannot be used."""
    from tuireader.core.export.styles import StyleError, resolve_style

    try:
        return resolve_style(name).title
    except StyleError:
        return None


def save_citation_style(name: str) -> str | None:
    """Write citation_style to settings.yaml (re-read first, so other edits are kept); why it
    could not be saved, or None."""
    settings = Settings.load()
    if settings.problems:
        return "settings.yaml could not be read, so it is not changed."
    if settings.citation_style == name:
        return None
    settings.citation_style = name
    try:
        settings.save()
    except OSError as error:
        return f"{error.strerror or error}"
    return None


def set_citation_style(node: DOMNode, name: str) -> bool:
    """Make `name` the user's citation style (for the app `node` runs in) and save it in
    settings.yaml; notifies what happened. Whether the style was usable."""
    from tuireader.core.export.styles import StyleError, resolve_style

    app = node.app
    try:
        info = resolve_style(name)
    except StyleError as error:
        app.notify(str(error), title="Citation style", severity="error", markup=False)
        return False
    reader_context(node).settings.citation_style = info.name
    saved = save_citation_style(info.name)
    message = f"{info.title} ({info.name}). y copies citations in this style."
    if saved is not None:
        message += f" Not saved: {saved}"
    app.notify(
        message,
        title="Citation style",
        severity="information" if saved is None else "warning",
        markup=False,
    )
    return True


class StyleProvider(Provider):
    """The citation-style picker: featured styles at first, any installed style by name."""

    def _help(self, name: str) -> str | None:
        title = style_title(name) if name in FEATURED_STYLES else None
        current = name == reader_context(self.app).settings.citation_style
        parts = [p for p in (title, "current" if current else None) if p]
        return " · ".join(parts) or None

    async def discover(self) -> Hits:
        """The featured styles and the current one."""
        for name in rank_styles("", reader_context(self.app).settings.citation_style):
            yield DiscoveryHit(
                Content(name),
                partial(set_citation_style, self.app, name),
                text=name,
                help=self._help(name),
            )

    async def search(self, query: str) -> Hits:
        """Styles whose name contains every word typed."""
        names = rank_styles(query, reader_context(self.app).settings.citation_style)
        for position, name in enumerate(names):
            score = 1.0 - position / (len(names) + 1)
            yield Hit(
                score,
                Content(name),
                partial(set_citation_style, self.app, name),
                text=name,
                help=self._help(name),
            )


def pick_citation_style(node: DOMNode) -> None:
    """Open the style picker (a palette of style names) over the app `node` runs in;
    choosing one saves it."""
    current = reader_context(node).settings.citation_style
    node.app.push_screen(
        CommandPalette(
            providers=[StyleProvider],
            placeholder=f"Citation style (now {current}) — type a name…",
        )
    )
