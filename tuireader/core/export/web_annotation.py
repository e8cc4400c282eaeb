"""W3C Web Annotation export (https://www.w3.org/TR/annotation-model/): JSON-LD.

The export is one `AnnotationCollection` with its single `AnnotationPage` embedded as
`first` (model §5: a group of annotations is a Collection, its annotations listed in Pages;
embedding the one page keeps the file self-contained, as Hypothesis-style exports are).
Each annotation:

- `id`: `urn:uuid:` + a name-based UUID (RFC 4122 version 5) of the tuireader annotation
  id, so the same annotation has the same IRI in every export (ids are 16 hex digits, not
  UUIDs themselves);
- `motivation`: `commenting` when there is a note, `tagging` when there are tags (both
  when both), `highlighting` for a bare highlight;
- `body`: a `TextualBody` (purpose `commenting`, text/plain) for the note and one
  `TextualBody` (purpose `tagging`) per tag; no body for a bare highlight (the model
  allows none);
- `target`: a `SpecificResource` whose `source` is the article's URL (a `urn:uuid:` of
  the article id when it has none), with a `TextQuoteSelector` (exact/prefix/suffix, the
  robust one on a live page) and, for a verified quote, a `TextPositionSelector`
  (start/end in Unicode code points of the article text as tuireader read it: the page's
  own text may count differently). The two selectors are alternatives for the same
  segment. The target's own `id` is the text-fragment link to the passage
  (`URL#:~:text=…`), an IRI for exactly that segment of the page.
- `created` / `modified`: the stored UTC times (xsd:dateTime, `Z`).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from tuireader.core.export.documents import passage_link
from tuireader.core.export.quotes import QuoteItem

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
"""The JSON-LD context every Web Annotation document names."""

_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/tuireader/annotations")
"""Namespace of the name-based UUIDs (any fixed UUID would do; this one is stable)."""


def _urn(name: str) -> str:
    """A stable `urn:uuid:` IRI for a name."""
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, name)}"


def annotation_iri(annotation_id: str) -> str:
    """The IRI of a tuireader annotation in every Web Annotation export."""
    return _urn(f"annotation:{annotation_id}")


def article_iri(article_id: str, record: Mapping[str, Any] | None) -> str:
    """What an annotation targets: the article's URL, or a URN for an article without one."""
    url = str(record.get("URL") or "") if record else ""
    return url or _urn(f"article:{article_id}")


def _motivations(item: QuoteItem) -> list[str]:
    """The annotation's motivations (see the module docstring)."""
    motivations = (["commenting"] if item.note.strip() else []) + (["tagging"] if item.tags else [])
    return motivations or ["highlighting"]


def _bodies(item: QuoteItem) -> list[dict[str, Any]]:
    """The note and the tags as TextualBody resources."""
    bodies: list[dict[str, Any]] = []
    if item.note.strip():
        bodies.append(
            {
                "type": "TextualBody",
                "value": item.note.strip(),
                "format": "text/plain",
                "purpose": "commenting",
            }
        )
    bodies += [{"type": "TextualBody", "value": tag, "purpose": "tagging"} for tag in item.tags]
    return bodies


def _selectors(item: QuoteItem) -> list[dict[str, Any]]:
    """The quote and (when the quote was found in the text) its position."""
    quote: dict[str, Any] = {"type": "TextQuoteSelector", "exact": item.exact}
    if item.prefix:
        quote["prefix"] = item.prefix
    if item.suffix:
        quote["suffix"] = item.suffix
    selectors = [quote]
    if item.start is not None and item.end is not None:
        selectors.append({"type": "TextPositionSelector", "start": item.start, "end": item.end})
    return selectors


def annotation(item: QuoteItem, record: Mapping[str, Any] | None) -> dict[str, Any]:
    """One quote item as a Web Annotation (without @context: the collection carries it)."""
    target: dict[str, Any] = {
        "type": "SpecificResource",
        "source": article_iri(item.article_id, record),
        "selector": _selectors(item),
    }
    link = passage_link(item, record)
    if link:
        target = {"id": link, **target}
    motivations = _motivations(item)
    result: dict[str, Any] = {
        "id": annotation_iri(item.annotation_id),
        "type": "Annotation",
        "motivation": motivations[0] if len(motivations) == 1 else motivations,
    }
    if item.created:
        result["created"] = item.created
    if item.updated:
        result["modified"] = item.updated
    bodies = _bodies(item)
    if bodies:
        result["body"] = bodies[0] if len(bodies) == 1 else bodies
    result["target"] = target
    return result


def collection(
    items: Sequence[QuoteItem], records: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any]:
    """The export document: an AnnotationCollection with its one page embedded
    (`records`: CSL records by article id, for the URLs)."""
    return make_collection([annotation(item, records.get(item.article_id)) for item in items])


def make_collection(annotations: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """An AnnotationCollection holding `annotations` (each with an `id`) in one embedded
    page. Its IRI is derived from the annotations' ids, so the same set gives the same
    document; with no annotations there is no page (a page must hold items)."""
    names = "\n".join(sorted(str(a.get("id")) for a in annotations))
    collection_id = _urn(f"collection:{names}")
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": "tuireader annotations",
        "total": len(annotations),
    }
    if annotations:
        document["first"] = {
            "id": _urn(f"page:{names}"),
            "type": "AnnotationPage",
            "partOf": collection_id,
            "startIndex": 0,
            "items": list(annotations),
        }
    return document


def to_json(document: Mapping[str, Any]) -> str:
    """A Web Annotation document as JSON-LD text (UTF-8, readable indentation)."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def existing_annotations(text: str | None) -> list[dict[str, Any]]:
    """The annotations of an existing export file: a collection as written here (its
    embedded page), an AnnotationPage, or a JSON list of annotations. Raises ValueError
    for anything else, so a file that is not one of these is never overwritten."""
    if text is None or not text.strip():
        return []
    data = json.loads(text)
    if isinstance(data, dict) and data.get("type") == "AnnotationCollection":
        data = data.get("first", {"items": []})
    if isinstance(data, dict) and data.get("type", "AnnotationPage") == "AnnotationPage":
        data = data.get("items")
    if not isinstance(data, list) or not all(
        isinstance(a, dict) and isinstance(a.get("id"), str) for a in data
    ):
        raise ValueError("not a Web Annotation collection, page or list of annotations")
    return data


def merge(
    existing: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]]
) -> tuple[list[Mapping[str, Any]], list[str], list[str], list[str]]:
    """(merged annotations, replaced ids, added ids, kept ids): annotations of `new`
    replace those with the same `id` where they stand, the others are appended; the
    existing ones not in `new` stay."""
    by_id = {str(a["id"]): a for a in new}
    merged: list[Mapping[str, Any]] = []
    replaced: list[str] = []
    kept: list[str] = []
    for old in existing:
        old_id = str(old["id"])
        if old_id in by_id:
            merged.append(by_id.pop(old_id))
            replaced.append(old_id)
        else:
            merged.append(old)
            kept.append(old_id)
    merged += by_id.values()
    return merged, replaced, list(by_id), kept
