"""The questions the highlight keys ask: a new note (a), tags (t), an edit (e), delete?
(d), and "save it again?" when another session deleted a highlight being edited.

Each pushes its dialog and calls `then` only with an answer that changes something, so the
callers never see a cancelled or unchanged dialog.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from textual.app import App
from textual.content import Content

from tuireader.app.annotations.model import shorten
from tuireader.app.annotations.note_dialog import NoteDialog, NoteEdit
from tuireader.app.shell.confirm import ConfirmDialog
from tuireader.core.annotations.model import Annotation


def ask_new_note(
    app: App[Any], quote: str, label: str | None, then: Callable[[NoteEdit], None]
) -> None:
    """The label, note and tags of a new highlight on `quote` (a)."""

    def saved(result: NoteEdit | None) -> None:
        if result is not None:
            then(result)

    app.push_screen(NoteDialog("New note", quote, label), saved)


def ask_new_tags(
    app: App[Any], quote: str, label: str | None, then: Callable[[list[str]], None]
) -> None:
    """The tags of a new highlight on `quote` (t with a selection)."""

    def tagged(result: NoteEdit | None) -> None:
        if result is not None:
            then(result.tags)

    app.push_screen(NoteDialog("Tags for a new highlight", quote, label, tags_only=True), tagged)


def ask_tags(app: App[Any], annotation: Annotation, then: Callable[[Annotation], None]) -> None:
    """The tags of a highlight (t); `then` gets the annotation with the new tags."""

    def tagged(result: NoteEdit | None) -> None:
        if result is not None and result.tags != annotation.tags:
            then(dataclasses.replace(annotation, tags=result.tags))

    app.push_screen(
        NoteDialog(
            "Tags",
            annotation.target.exact,
            annotation.label,
            note=annotation.note,
            tags=annotation.tags,
            tags_only=True,
        ),
        tagged,
    )


def ask_edit(
    app: App[Any],
    annotation: Annotation,
    then: Callable[[Annotation], None],
    title: str = "Edit highlight",
) -> None:
    """The label, note and tags of a highlight (e; a on a highlight, titled "Note");
    `then` gets the edited annotation."""

    def edited(result: NoteEdit | None) -> None:
        if result is None:
            return
        changed = dataclasses.replace(
            annotation, label=result.label, note=result.note, tags=result.tags
        )
        before = (annotation.label, annotation.note, annotation.tags)
        if (changed.label, changed.note, changed.tags) != before:
            then(changed)

    app.push_screen(
        NoteDialog(
            title,
            annotation.target.exact,
            annotation.label,
            note=annotation.note,
            tags=annotation.tags,
        ),
        edited,
    )


def confirm_delete(app: App[Any], annotation: Annotation, then: Callable[[], None]) -> None:
    """Delete this highlight? (d) — showing its quote, note and tags."""
    lines = [f"“{shorten(annotation.target.exact, 200)}”"]
    if annotation.note.strip():
        lines.append(f"Note: {shorten(annotation.note, 200)}")
    if annotation.tags:
        lines.append(f"Tags: {', '.join(annotation.tags)}")

    def answered(delete: str | None) -> None:
        if delete == "yes":
            then()

    app.push_screen(
        ConfirmDialog("Delete this highlight?", Content("\n".join(lines)), yes="Delete", no="Keep"),
        answered,
    )


def offer_save_again(app: App[Any], lost: Annotation, then: Callable[[], None]) -> None:
    """Another session deleted the highlight being edited: save it again, with the edit?"""

    def answered(again: str | None) -> None:
        if again == "yes":
            then()

    app.push_screen(
        ConfirmDialog(
            "Highlight deleted elsewhere",
            Content(
                "This highlight was deleted in another session while you edited it:\n"
                f"“{shorten(lost.target.exact, 200)}”\n\nSave it again, with your changes?"
            ),
            yes="Save again",
            no="Drop it",
        ),
        answered,
    )
