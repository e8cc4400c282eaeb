"""Highlights and notes as the rest of tuireader sees them: plain dataclasses and errors.

Nothing here touches files: the YAML layout is `yaml_format`, the file schema is `schema`
and the locked, atomic store is `store`. Where a highlight sits in an edited text is
`anchoring`.

    >>> note = new_annotation(article, 120, 164, label="yellow", note="check this")
    >>> reanchor(note, article).status
    'anchored'
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tuireader.core.annotations.anchoring import Anchor, TextTarget, locate, make_target
from tuireader.core.annotations.labels import LABEL_NAMES
from tuireader.core.corpus import Article

SCHEMA_VERSION = 1
"""The version of the annotation file layout this tuireader reads and writes."""


class AnnotationError(Exception):
    """Base class for annotation problems a user or the UI should be told about."""


class AnnotationFileError(AnnotationError):
    """An annotation file that cannot be changed: unreadable, invalid, locked or unwritable.

    The file is left exactly as it was.
    """


class AnnotationNotFoundError(AnnotationError):
    """An annotation id that is not (or no longer) in its article's file."""


class DuplicateAnnotationError(AnnotationError):
    """Adding an annotation whose id is already in the file."""


class UnknownLabelError(AnnotationError, ValueError):
    """A label for a new highlight that is none of LABEL_NAMES."""


@dataclass
class Annotation:
    """One highlight with its optional note, label and tags, anchored by a TextTarget."""

    id: str  # stable unique id
    article_id: str
    created: str  # ISO 8601 UTC
    updated: str  # ISO 8601 UTC
    label: str | None  # colour/label name chosen by number key in the UI
    tags: list[str]
    note: str
    target: TextTarget

    def to_dict(self) -> dict[str, Any]:
        """The annotation as plain data in the stored key order (for JSON and YAML)."""
        return {
            "id": self.id,
            "article": self.article_id,
            "created": self.created,
            "updated": self.updated,
            "label": self.label,
            "tags": list(self.tags),
            "note": self.note,
            "target": dataclasses.asdict(self.target),
        }


@dataclass
class AnnotationFile:
    """What one article's annotation file holds, and whether it may be written.

    `read_only` is True when the file could not be read, parsed or validated; `problem`
    then says why, naming the file and the line. `annotations` still lists the entries that
    were valid (none when the file did not parse), so they can be shown but not changed.
    """

    article_id: str
    path: Path
    annotations: list[Annotation] = field(default_factory=list)
    read_only: bool = False
    problem: str | None = None
    exists: bool = False

    def get(self, annotation_id: str) -> Annotation | None:
        """The annotation with this id, if the file holds it."""
        return next((a for a in self.annotations if a.id == annotation_id), None)


def now_iso() -> str:
    """The current UTC time as ISO 8601 with a `Z`, to the second."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_annotation_id() -> str:
    """A fresh annotation id: 16 random hex digits (64 bits: no clash between sessions)."""
    return uuid.uuid4().hex[:16]


def new_annotation(
    article: Article,
    start: int,
    end: int,
    label: str | None = None,
    note: str = "",
    tags: Iterable[str] = (),
) -> Annotation:
    """A new annotation on article.text[start:end] (not yet stored: pass it to `add`).

    Raises SelectionError (a ValueError) for an empty, blank or out-of-range span.
    """
    stamp = now_iso()
    return Annotation(
        id=new_annotation_id(),
        article_id=article.id,
        created=stamp,
        updated=stamp,
        label=label,
        tags=unique_tags(tags),
        note=note,
        target=make_target(article, start, end),
    )


def reanchor(annotation: Annotation, article: Article) -> Anchor:
    """Where the annotation is in the article's current text (the annotation is unchanged)."""
    return locate(annotation.target, article)


def clone(annotation: Annotation) -> Annotation:
    """A copy sharing no mutable part (callers may edit what the store hands out)."""
    return dataclasses.replace(
        annotation, tags=list(annotation.tags), target=dataclasses.replace(annotation.target)
    )


def checked_label(label: str | None) -> str | None:
    """The label a new highlight gets for what the user typed: one of LABEL_NAMES (case
    and surrounding blank space ignored), or None for none (None or blank).

    Raises UnknownLabelError naming the labels for anything else.
    """
    if label is None or not label.strip():
        return None
    name = label.strip().casefold()
    if name not in LABEL_NAMES:
        raise UnknownLabelError(
            f"unknown label {label.strip()!r}; the labels are {', '.join(LABEL_NAMES)}"
        )
    return name


def unique_tags(tags: Iterable[str]) -> list[str]:
    """Tags without blanks or repeats, in the order given."""
    return list(dict.fromkeys(t.strip() for t in tags if t.strip()))
