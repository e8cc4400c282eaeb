"""Writing annotation files: a stable, diff-friendly YAML layout that reads back exactly.

Each annotation is emitted as a self-contained block-sequence item with the safe dumper and
parsed back before anything is written; the items are joined under `annotations:`. Reading
and validating a file is `tuireader.core.annotations.schema`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import yaml

from tuireader.core.annotations.model import SCHEMA_VERSION, Annotation, AnnotationFileError
from tuireader.core.yamlfile import StrictLineLoader, plain

# The C dumper when PyYAML has it (several times faster), else pure Python; both safe.
_BaseDumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

# Line breaks YAML would normalise inside a block scalar; strings holding them are written
# double-quoted with escapes instead, so they come back exactly.
_ODD_BREAKS = re.compile("[\r\x85\u2028\u2029]")

RecordCache = dict[str, tuple[dict[str, Any], str]]
"""Written text of each stored annotation, keyed by id, with the record it was made from:
rewriting a file re-emits only the annotations that changed."""


class _Dumper(_BaseDumper):  # type: ignore[valid-type,misc]
    """Safe dumper that writes multi-line strings as block scalars (`|`)."""


def _represent_str(dumper: Any, value: str) -> yaml.ScalarNode:
    """The scalar style that gives `value` back exactly and reads best."""
    if _ODD_BREAKS.search(value) or value.endswith("\n\n") or value == "\n":
        # Odd line breaks would be normalised; several trailing ones need a `|+` block,
        # after which the emitter ends the document with `...`, which would break the
        # joining of items in dump_annotations. Double quotes escape everything.
        node: yaml.ScalarNode = dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    elif "\n" in value:
        # The emitter falls back to a quoted style by itself when a block cannot hold the
        # string exactly (trailing spaces on a line, control characters).
        node = dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    else:
        node = dumper.represent_str(value)
    return node


_Dumper.add_representer(str, _represent_str)


def _emit(data: Any) -> str:
    """`data` as YAML in tuireader's layout, checked to read back as exactly `data`.

    Raises AnnotationFileError otherwise (a safety net: such text is never written).
    """
    text = yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=1_000_000,  # one line per value: readable diffs, no folding surprises
    )
    if plain(yaml.load(text, Loader=StrictLineLoader)) != data:  # a safe loader
        raise AnnotationFileError("an annotation could not be written faithfully as YAML")
    return text


def _emit_item(record: dict[str, Any]) -> str:
    """One annotation as a block-sequence item that can be joined with others.

    Besides reading back exactly, the item must be self-contained: its first line starts
    with `- ` and every other non-empty line is indented, so nothing in it (a document
    marker, a stray key) can reach the items around it.
    """
    item = _emit([record])
    lines = item.split("\n")
    if not (item.startswith("- ") and item.endswith("\n")) or any(
        line and not line.startswith(" ") for line in lines[1:]
    ):
        raise AnnotationFileError("an annotation did not form a self-contained YAML item")
    return item


def dump_annotations(
    article_id: str, annotations: Iterable[Annotation], cache: RecordCache | None = None
) -> str:
    """The YAML text of an article's annotation file (sorted by position, stable keys).

    Each annotation is emitted as one block-sequence item and checked to read back
    exactly; the items are then joined under `annotations:`, which is what dumping the
    whole list gives. `cache` (kept by the store per file) spares re-emitting unchanged
    annotations. Raises AnnotationFileError if anything would not read back as written.
    """
    ordered = sorted(annotations, key=lambda a: (a.target.start, a.target.end, a.created, a.id))
    kept: RecordCache = {}
    items: list[str] = []
    for annotation in ordered:
        record = _annotation_record(annotation)
        hit = cache.get(annotation.id) if cache is not None else None
        try:
            item = hit[1] if hit is not None and hit[0] == record else _emit_item(record)
        except AnnotationFileError as error:
            raise AnnotationFileError(
                f"annotation {annotation.id} for {article_id} could not be written faithfully "
                "as YAML; nothing was written"
            ) from error
        kept[annotation.id] = (record, item)
        items.append(item)
    if cache is not None:
        cache.clear()
        cache.update(kept)
    header = _emit({"schema": SCHEMA_VERSION, "article": article_id})
    return (
        f"# tuireader annotations for article {_comment_safe(article_id)}.\n"
        "# Hand edits are welcome; keep the layout (schema 1). A file that does not parse\n"
        "# is left alone and its annotations become read-only until it is fixed.\n"
        + header
        + ("annotations:\n" + "".join(items) if items else "annotations: []\n")
    )


def _comment_safe(text: str) -> str:
    """`text` fit for a YAML comment line (line breaks and controls become `?`)."""
    return re.sub(r"[\r\n\x00-\x1f\x7f-\x9f\u2028\u2029]", "?", text)


def _annotation_record(annotation: Annotation) -> dict[str, Any]:
    """What is written for one annotation: everything but the article id."""
    record = annotation.to_dict()
    del record["article"]  # the file says it once, at the top
    return record
