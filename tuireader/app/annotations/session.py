"""One article's annotations while it is open in the reader: the `AnnotationSession`.

A plain object (no Textual): it owns the store calls, the order in which reads are applied,
the annotations as last read and placed in the current text, the pen (the label the next
highlight gets) and whether the article's file is read-only. The reader runs `read` and
`run` in thread workers (see jobs.py) and hands the results back to `accept` on the UI
thread; every store error becomes an `Outcome` to report, never an exception.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tuireader.app.annotations.model import DEFAULT_LABEL, Placed, TextUnits, place_all
from tuireader.core.annotations.model import (
    Annotation,
    AnnotationError,
    AnnotationFile,
    AnnotationNotFoundError,
)
from tuireader.core.annotations.store import AnnotationStore
from tuireader.core.corpus import Article

_SEQUENCE = itertools.count()
"""Orders the reads of annotation files: a state read earlier never replaces a later one
(a save's re-read may finish after the next save's)."""

# Why reads and changes take turns (`_store_turn`): a read's number is taken together with
# its load, so numbers follow the file's states; and a read made while a change is started
# but not yet applied is stale (the reader reloads on every screen resume, which races the
# delete confirmed in the dialog just closed). Without both, a deleted highlight came back.


@dataclass(frozen=True)
class Snapshot:
    """The article's annotation file as read at one moment, placed in the current text."""

    sequence: int
    """When it was read (later reads win)."""
    file: AnnotationFile
    """The file as read (read-only when it did not parse)."""
    placed: tuple[Placed, ...]
    """Every annotation with its place in the current text, in reading order."""
    stale: bool = False
    """Read while a change was on its way: the change's own re-read follows."""


@dataclass(frozen=True)
class Change:
    """One change to store: the store call, and what to show once it is done."""

    apply: Callable[[AnnotationStore], str]
    """The store call (in a thread); returns the notification text."""
    focus: str | None
    """The annotation to make current afterwards (the one made or edited)."""
    edited: Annotation | None = None
    """The edited annotation, offered to be saved again if another session deleted it."""
    removes: str | None = None
    """The annotation the change deletes (no longer shown from the moment it starts)."""


@dataclass(frozen=True)
class Outcome:
    """What a change did: a notice for the user, or the error that stopped it."""

    notice: str | None
    """What the change did, for a short notification (None: nothing to say)."""
    error: str | None = None
    """A readable reason the change failed (names the file and line for a broken file)."""
    lost: Annotation | None = None
    """An edit whose annotation another session deleted (it can be added again)."""


class AnnotationSession:
    """The open article's annotations: what is stored, where it is, what may change."""

    def __init__(self, article: Article, focus: str | None = None) -> None:
        """`focus`: an annotation to make current once the annotations are first read
        (the reader was opened on it from the annotations view)."""
        self.article = article
        """The article whose annotations these are."""
        self.file: AnnotationFile | None = None
        """The annotation file as last read (None until the first read)."""
        self.placed: tuple[Placed, ...] = ()
        """Every annotation of the article with its place (orphans included), in order."""
        self.pen: str = DEFAULT_LABEL
        """The label the next h / H / a uses (the last number key pressed)."""
        self._focus_request = focus
        self._store: AnnotationStore | None = None
        self._units: TextUnits | None = None
        self._applied = -1
        self._told_read_only = False
        self._store_turn = threading.Lock()
        """Held by a read's load and by a change's store call (see the note above)."""
        self._unapplied = 0
        """Changes started and not yet applied to the store."""
        self._counting = threading.Lock()
        """Guards `_unapplied` (never held long: the UI thread takes it)."""

    def connect(self, annotations_dir: Path) -> None:
        """Use the workspace's annotation store (before the first read)."""
        self._store = AnnotationStore(annotations_dir)

    @property
    def store(self) -> AnnotationStore:
        """The workspace's annotation store (`connect` first)."""
        if self._store is None:
            raise RuntimeError("AnnotationSession.connect() was not called")
        return self._store

    @property
    def units(self) -> TextUnits:
        """Words, sentences and paragraphs of the article (built on first use)."""
        if self._units is None:
            self._units = TextUnits.build(self.article)
        return self._units

    # ------------------------------------------------------------------ in a thread
    def read(self) -> Snapshot:
        """Read the file and re-anchor its annotations (in a thread; raises on failure)."""
        with self._store_turn:
            with self._counting:
                stale = self._unapplied > 0
            sequence = next(_SEQUENCE)
            annotation_file = self.store.load(self.article.id)
        placed = place_all(annotation_file.annotations, self.article)
        return Snapshot(sequence, annotation_file, tuple(placed), stale)

    def run(self, change: Change) -> Outcome:
        """Make a change in the store (in a thread, after `begin`); any failure is
        returned, not raised."""
        with self._store_turn:
            try:
                return Outcome(change.apply(self.store))
            except AnnotationNotFoundError as error:
                return Outcome(None, str(error), lost=change.edited)
            except AnnotationError as error:
                return Outcome(None, str(error))
            except Exception as error:  # unexpected: report, keep running
                return Outcome(None, f"{type(error).__name__}: {error}")
            finally:
                with self._counting:
                    self._unapplied -= 1

    # ------------------------------------------------------------------ on the UI thread
    def begin(self, change: Change) -> None:
        """A change is on its way (call before `run`): reads begun before it, or made
        until it is applied, are stale; a deleted annotation is no longer placed."""
        with self._counting:
            self._unapplied += 1
        self._applied = next(_SEQUENCE)
        if change.removes is not None:
            self.placed = tuple(p for p in self.placed if p.id != change.removes)

    def accept(self, snapshot: Snapshot) -> bool:
        """Take a read's result; False (and nothing changes) when a later read is already
        applied or the read is stale."""
        if snapshot.stale or snapshot.sequence < self._applied:
            return False
        self._applied = snapshot.sequence
        self.file = snapshot.file
        self.placed = snapshot.placed
        return True

    @property
    def loaded(self) -> bool:
        """Whether the file has been read at least once."""
        return self.file is not None

    def take_focus_request(self) -> str | None:
        """The annotation the reader was opened on, once (None afterwards)."""
        focus, self._focus_request = self._focus_request, None
        return focus

    def find(self, annotation_id: str) -> Placed | None:
        """The placed annotation with this id, if it is stored."""
        return next((p for p in self.placed if p.id == annotation_id), None)

    @property
    def read_only(self) -> bool:
        """Whether the file failed to parse, so nothing may be changed."""
        return self.file is not None and self.file.read_only

    @property
    def problem(self) -> str:
        """Why the file is read-only ("" when it is not)."""
        return (self.file.problem or "") if self.file is not None else ""

    def first_read_only_notice(self) -> bool:
        """True the first time the file is found read-only (the user is told once)."""
        if not self.read_only or self._told_read_only:
            return False
        self._told_read_only = True
        return True

    @property
    def orphans(self) -> int:
        """How many annotations are no longer found in the text."""
        return sum(1 for p in self.placed if p.anchor.status == "orphaned")

    # ------------------------------------------------------------------ changes
    def adding(self, annotation: Annotation, done: str) -> Change:
        """Store a new annotation; `done` is the notice afterwards."""

        def add(store: AnnotationStore) -> str:
            store.add(annotation)
            return done

        return Change(add, focus=annotation.id)

    def updating(self, annotation: Annotation, done: str = "Saved.") -> Change:
        """Store an edited annotation (offered to be added again if it was deleted
        meanwhile)."""

        def update(store: AnnotationStore) -> str:
            store.update(annotation)
            return done

        return Change(update, focus=annotation.id, edited=annotation)

    def deleting(self, annotation: Annotation) -> Change:
        """Delete an annotation (already deleted elsewhere is not an error)."""

        def remove(store: AnnotationStore) -> str:
            if store.delete(annotation.article_id, annotation.id):
                return "Highlight deleted."
            return "It was already deleted (in another session)."

        return Change(remove, focus=None, removes=annotation.id)

    def adding_again(self, lost: Annotation) -> Change:
        """Store again an edit whose annotation another session deleted."""
        return self.adding(lost, "Saved again.")
