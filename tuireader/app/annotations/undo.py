"""Undo in the reader (`u`): the changes made to the open article's highlights, newest
last, and the change that takes each one back (no Textual).

A highlight made is undone by deleting it, an edit (label, note, tags) by storing the
annotation as it was before, and a delete by adding the very annotation again: same id,
note, tags and creation time, so exports and links that name it keep working. The undo is
an ordinary change of the session (`adding`, `updating`, `deleting`), stored like any other.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from tuireader.app.annotations.model import shorten
from tuireader.app.annotations.session import AnnotationSession, Change
from tuireader.core.annotations.model import Annotation, clone
from tuireader.core.annotations.store import AnnotationStore

UNDO_DEPTH = 20
"""How many changes `u` can take back, one after another."""
QUOTE_CHARS = 40
"""Longest quote named in the notice of an undo."""

Kind = Literal["add", "edit", "delete"]
"""What a change did to one annotation."""


@dataclass(frozen=True)
class Step:
    """One change made in the reader, with the annotation before and after it."""

    kind: Kind
    """Made (`add`), edited (`edit`) or deleted (`delete`)."""
    annotation: Annotation
    """The annotation to put back: as it was before an edit or delete; the one made by an
    add (which the undo deletes)."""

    @property
    def quote(self) -> str:
        """The highlighted words, shortened for a notice."""
        return f"“{shorten(self.annotation.target.exact, QUOTE_CHARS)}”"

    def undoing(self, session: AnnotationSession) -> Change:
        """The change that takes this step back, with a notice saying what it undid."""
        annotation = self.annotation
        if self.kind == "delete":
            return session.adding(annotation, f"Undid the delete: {self.quote} is back.")
        if self.kind == "edit":
            return session.updating(
                annotation, f"Undid the edit of {self.quote}: label, note and tags as before."
            )
        # The delete's own notice says whether another session deleted it first.
        return reworded(
            session.deleting(annotation),
            lambda said: f"Undid the highlight {self.quote}: {said[:1].lower()}{said[1:]}",
        )


def reworded(change: Change, words: Callable[[str], str]) -> Change:
    """`change` with its notice passed through `words` (e.g. to add how to undo it)."""
    apply = change.apply

    def apply_and_say(store: AnnotationStore) -> str:
        return words(apply(store))

    return dataclasses.replace(change, apply=apply_and_say)


class UndoStack:
    """The last `UNDO_DEPTH` changes of one reader, newest last."""

    def __init__(self, depth: int = UNDO_DEPTH) -> None:
        self._steps: deque[Step] = deque(maxlen=depth)

    def __len__(self) -> int:
        return len(self._steps)

    def made(self, annotation: Annotation) -> None:
        """A highlight was made (undo: delete it)."""
        self._push("add", annotation)

    def edited(self, before: Annotation) -> None:
        """A highlight was edited; `before` is how it was (undo: store that again)."""
        self._push("edit", before)

    def deleted(self, annotation: Annotation) -> None:
        """A highlight was deleted (undo: add it again, same id)."""
        self._push("delete", annotation)

    def pop(self) -> Step | None:
        """The newest change, taken off the stack (None when there is none)."""
        return self._steps.pop() if self._steps else None

    def _push(self, kind: Kind, annotation: Annotation) -> None:
        # A copy: the dialogs and the store hand out annotations that may be changed later.
        self._steps.append(Step(kind, clone(annotation)))
