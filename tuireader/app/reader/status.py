"""The reader's status line (no Textual): where the reader is, how far in, the matches or
mentions n / N step through, the folding, then the highlight parts.

Every key named is looked up in the keymap in use, so a rebinding shows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from tuireader.app.shell.keys import key_for
from tuireader.app.shell.render import clean_text
from tuireader.core.text import plural


@dataclass(frozen=True)
class ReaderFacts:
    """What the status line tells, gathered from the reader."""

    paragraph: int | None
    """The number of the paragraph the reader would remember (None: the article is empty)."""
    paragraphs: int
    """How many paragraphs the article has."""
    progress: int
    """How far down the article the view is, in percent."""
    locator: int | None = None
    """The paragraph's number in a citation ("para. 5": body paragraphs only, see
    core/annotations/locators.py); None for a headline, caption or furniture."""
    matches: int = 0
    """How many matches (or mentions) are highlighted."""
    current: int | None = None
    """The index of the match n / N moved to (None: none yet)."""
    entity: str | None = None
    """The entity whose mentions the matches are (None: they are search or find hits)."""
    query: str | None = None
    """The search or find query the matches are for."""
    note: str = ""
    """How the matches were found (or why there are none)."""
    folded: bool = False
    """Whether the page furniture is folded away."""
    more: Sequence[str] = field(default_factory=tuple)
    """Further parts (about highlights), in order."""


def reader_status(facts: ReaderFacts, keymap: Mapping[str, str]) -> str:
    """The status line: its parts joined with " · "."""

    def key(binding_id: str) -> str:
        return key_for(binding_id, keymap)

    where = "empty" if facts.paragraph is None else f"¶ {facts.paragraph}/{facts.paragraphs}"
    if facts.locator is not None and facts.locator != facts.paragraph:
        where += f" (cited as para. {facts.locator})"  # a citation counts the body only
    parts = [where, f"{facts.progress}%"]
    steps = f"{key('reader.next_match')}/{key('reader.prev_match')}"
    if facts.matches:
        current = facts.current
        position = f"{current + 1}/{facts.matches}" if current is not None else f"{facts.matches}"
        if facts.entity is not None:
            parts.append(f"mention {position} of “{facts.entity}” ({steps})")
        else:
            parts.append(f"match {position} for “{clean_text(facts.query or '')}” ({steps})")
    elif facts.query:
        parts.append(f"no matches for “{clean_text(facts.query)}”")
    if facts.note:
        parts.append(facts.note)
    if facts.folded:
        parts.append(f"furniture folded ({key('reader.fold')})")
    parts.extend(facts.more)
    return " · ".join(parts)


def reload_notice(statuses: Sequence[str], keymap: Mapping[str, str]) -> str:
    """What a reader reloaded in place says: the text changed, and how its highlights were
    found again in it (`statuses`: each highlight's anchor status: anchored, fuzzy or
    orphaned), with the key of the annotations view when some are lost."""
    text = "The article changed on disk: showing the new text."
    if not statuses:
        return text
    counts = {status: statuses.count(status) for status in ("anchored", "fuzzy", "orphaned")}
    parts = [f"{n:,} {name}" for name, n in counts.items() if n]
    text += f" {plural(len(statuses), 'highlight')}: {', '.join(parts)}"
    if counts["orphaned"]:
        view = key_for("app.annotations", keymap)
        text += f" (the annotations view, {view}, lists the orphans)"
    return text + "."
