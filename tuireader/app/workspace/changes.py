"""What changed between two reads of the articles (no Textual): which articles were added,
changed or removed, said in one line, and where a paragraph of the old text is in the new.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass

from tuireader.core.corpus import Article
from tuireader.core.text import plural


@dataclass(frozen=True)
class ArticleChanges:
    """The articles added, changed (text or catalog facts) and removed, by id, sorted."""

    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    def summary(self) -> str:
        """One line for a notification: "2 articles changed, 1 added, 1 removed" (the
        first part carries the noun, so the line stays short)."""
        parts: list[tuple[int, str]] = [
            (len(ids), verb)
            for ids, verb in (
                (self.changed, "changed"),
                (self.added, "added"),
                (self.removed, "removed"),
            )
            if ids
        ]
        if not parts:
            return "No article changed."
        (count, verb), rest = parts[0], parts[1:]
        words = [f"{plural(count, 'article')} {verb}"]
        words += [f"{n:,} {verb}" for n, verb in rest]
        return ", ".join(words) + "."


def compare_articles(old: Mapping[str, Article], new: Mapping[str, Article]) -> ArticleChanges:
    """What changed from `old` to `new` (id → article): an article counts as changed when
    its text or its bibliographic facts (the catalog's, or the ones read from the text)
    differ."""
    changed = [
        article_id
        for article_id, article in new.items()
        if article_id in old and _differs(old[article_id], article)
    ]
    return ArticleChanges(
        added=tuple(sorted(new.keys() - old.keys())),
        changed=tuple(sorted(changed)),
        removed=tuple(sorted(old.keys() - new.keys())),
    )


def _differs(old: Article, new: Article) -> bool:
    return old.text != new.text or old.meta != new.meta


def matching_paragraph(old: Article, new: Article, index: int) -> int:
    """The index in `new` of the paragraph at `index` in `old`: the same paragraph when it
    is still there (paragraphs added or removed above it move it), else the one that
    replaced it, else the nearest one (0 for an empty article)."""
    if not new.paragraphs:
        return 0
    if not old.paragraphs:
        return 0
    index = min(max(index, 0), len(old.paragraphs) - 1)
    matcher = difflib.SequenceMatcher(
        None, [p.text for p in old.paragraphs], [p.text for p in new.paragraphs], autojunk=False
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if not i1 <= index < i2:
            continue
        if tag == "equal":
            return j1 + (index - i1)
        if tag == "replace":  # an edited paragraph: the one in its place
            return j1 + min(index - i1, j2 - j1 - 1)
        return min(j1, len(new.paragraphs) - 1)  # deleted: the paragraph after the gap
    return len(new.paragraphs) - 1
