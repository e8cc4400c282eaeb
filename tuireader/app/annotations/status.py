"""The words the reader shows about highlights (no Textual): its status line parts, the
visual bar's line, what showing the notes does, and the warning when it was opened on an
annotation that moved.

Every key named here is looked up in the keymap in use (`key_for`), so a rebinding shows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

from tuireader.app.annotations.model import Placed, shorten
from tuireader.app.shell.bindings import short_key
from tuireader.app.shell.keys import key_for
from tuireader.core.text import plural

Severity = Literal["information", "warning", "error"]
"""A notification's severity, as Textual names them."""


def highlight_status(
    at: Placed | None,
    highlights: Sequence[Placed],
    idle: bool,
    orphans: int,
    read_only: bool,
    keymap: Mapping[str, str],
) -> list[str]:
    """Parts of the reader's status line about highlights: the one at the cursor (what
    e / t / d act on) or how many there are, else (`idle`: no matches, no selection) how to
    make one; orphans; a read-only file."""

    def key(binding_id: str) -> str:
        return key_for(binding_id, keymap)

    steps = f"{key('highlight.next')} {key('highlight.prev')}"
    parts: list[str] = []
    if at is not None:
        number = next((n for n, item in enumerate(highlights, 1) if item.id == at.id), 0)
        label = at.annotation.label or "no label"
        extra = " fuzzy" if at.anchor.status == "fuzzy" else ""
        note = " + note" if at.annotation.note.strip() else ""
        acts = f"{key('highlight.edit')} {key('highlight.tags')} {key('highlight.delete')}"
        parts.append(f"highlight {number}/{len(highlights)} {label}{extra}{note} ({acts}, {steps})")
    elif highlights:
        parts.append(f"{plural(len(highlights), 'highlight')} ({steps})")
    elif idle:
        # The footer has no room for these keys.
        parts.append(f"{key('highlight.visual')} select · {key('highlight.sentence')} highlight")
    if orphans:
        parts.append(f"{orphans:,} orphaned ({key('app.annotations')})")
    if read_only:
        parts.append("annotations read-only")
    return parts


def visual_line(words: int, paragraphs: str, keymap: Mapping[str, str]) -> str:
    """The visual bar: the selection's size and place, then the keys that act on it."""

    def key(binding_id: str) -> str:
        return short_key(key_for(binding_id, keymap))

    labels = [key(f"highlight.label_{n}") for n in range(1, 7)]
    label_keys = "1–6" if labels == [str(n) for n in range(1, 7)] else "/".join(labels)
    # Short words, and no escape: the footer under the bar shows it (esc Cancel). With
    # "¶ 12–13" and two-digit counts the line still fits 80 columns.
    return (
        f"VISUAL {plural(words, 'word')}, {paragraphs} · "
        f"{key('highlight.sentence')} or {label_keys} highlight · "
        f"{key('highlight.annotate')} note · {key('highlight.tags')} tag · "
        f"{key('reader.copy_citation')} copy"
    )


def notes_notice(all_notes: bool, count: int, keymap: Mapping[str, str]) -> str:
    """What `i` did: every note is now shown under its highlight, or only the current
    highlight's; with how to add a note when there is none."""
    toggle = key_for("highlight.notes", keymap)
    if not count:
        which = "every note" if all_notes else "only the current highlight’s note"
        add = key_for("highlight.annotate", keymap)
        return f"No highlight here has a note yet ({add} adds one); {which} will be shown."
    if all_notes:
        shown = "the note under its highlight" if count == 1 else f"all {count:,} notes"
        return f"Showing {shown} ({toggle}: only the current highlight’s)."
    return f"Showing only the current highlight’s note ({toggle}: every note)."


def focus_warning(placed: Placed | None) -> tuple[str, Severity, float | None] | None:
    """What to say when the reader opens on an annotation (from the annotations view):
    it is gone, orphaned, or found only approximately (with the notification's severity and
    timeout, None: the app's); None when it is where it was."""
    if placed is None:
        return "That annotation is no longer stored.", "warning", None
    if placed.anchor.status == "orphaned":
        quote = shorten(placed.annotation.target.exact, 160)
        return (
            "This annotation is orphaned: its text is no longer in the article. "
            f"Stored quote: “{quote}”",
            "warning",
            8,
        )
    if placed.anchor.status == "fuzzy":
        return "Found approximately (the text changed): check the highlight.", "information", 4
    return None
