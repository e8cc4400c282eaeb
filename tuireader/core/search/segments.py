"""Which index terms a commit may have changed the counts of, so that the spelling tables
(variants.py) are updated for those terms, not computed again from the whole lexicon.

Whoosh counts a term's documents per segment when it writes the segment, deleted
documents included, so a commit changes the counts of the terms of two kinds of segment
only: those it writes (the documents added, and the segments merged into them) and those
its merge policy merges away (whose deleted documents leave with the merge). Deleting
documents from a segment that stays changes no count; the tables computed afresh would
count them too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from whoosh.reading import SegmentReader
from whoosh.writing import MERGE_SMALL

from tuireader.core.search.variants import BODY_FIELD, NAMES_FIELD

MergePolicy = Callable[[Any, list[Any]], list[Any]]


def _terms(reader: Any) -> Iterable[str]:
    """The terms a segment holds in the fields the spelling tables count."""
    for fieldname in (NAMES_FIELD, BODY_FIELD):
        for raw in reader.lexicon(fieldname):
            yield raw.decode("utf-8")


def _segment_id(reader: Any) -> str | None:
    segment = reader.segment()
    return None if segment is None else str(segment.segment_id())


class SegmentTerms:
    """The segments of an index before a commit, then the terms of those the commit's
    merge policy merges away: with the segments the commit writes, the terms whose counts
    it may have changed (`changed_terms`)."""

    def __init__(self, generation: int, segment_ids: set[str | None]) -> None:
        self.generation = generation
        self.segment_ids = segment_ids
        self._merged: set[str] = set()

    @classmethod
    def of_index(cls, index: Any) -> SegmentTerms:
        """The index's segments as they are (before a writer is opened on it)."""
        with index.reader() as reader:
            ids = {_segment_id(leaf) for leaf, _ in reader.leaf_readers()}
        return cls(index.latest_generation(), ids)

    def merge_policy(self) -> MergePolicy:
        """Whoosh's default merge policy (MERGE_SMALL: small segments merged, big ones
        kept), noting the terms of the segments it merges away."""

        def policy(writer: Any, segments: list[Any]) -> list[Any]:
            kept = MERGE_SMALL(writer, segments)
            kept_ids = {segment.segment_id() for segment in kept}
            for segment in segments:
                if segment.segment_id() not in kept_ids:
                    reader = SegmentReader(writer.storage, writer.schema, segment)
                    try:
                        self._merged.update(_terms(reader))
                    finally:
                        reader.close()
            return kept

        return policy

    def changed_terms(self, reader: Any) -> set[str] | None:
        """The terms whose counts the commit may have changed, read from the index after
        it (`reader`); None when the segments it wrote hold most of the index, as after a
        merge of everything: computing the tables afresh is then no dearer."""
        written = [
            leaf for leaf, _ in reader.leaf_readers() if _segment_id(leaf) not in self.segment_ids
        ]
        if 2 * sum(leaf.doc_count_all() for leaf in written) > reader.doc_count_all():
            return None
        terms = set(self._merged)
        for leaf in written:
            terms.update(_terms(leaf))
        return terms
