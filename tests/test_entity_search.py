"""entity:"Name" in search matches every spelling of the entity, from the entity cache."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from test_entities_support import FakeNlp

from tuireader.core.entities.index import EntityIndex
from tuireader.core.workspace import Workspace

FILES = {
    "a.txt": "Report\n\nThe Uyghur diaspora met in Almaty.\n\nOther news.\n\nUyghurs agreed.\n",
    "b.txt": "Story\n\nThe Uighur community protested.\n\nUighurs said more.\n",
}


def test_entity_query_matches_all_spellings(make_workspace: Callable[..., Path]) -> None:
    workspace = Workspace.open(make_workspace(FILES))
    EntityIndex.build(workspace, nlp=FakeNlp())
    results = workspace.search('entity:"Uyghur"', exact=True)
    assert {(hit.doc_id, hit.paragraph) for hit in results.hits} == {
        ("a", 2),
        ("a", 4),
        ("b", 2),
        ("b", 3),
    }
    assert not any(hit.variant for hit in results.hits)


def test_entity_query_without_entity_cache_searches_the_name(
    make_workspace: Callable[..., Path],
) -> None:
    workspace = Workspace.open(make_workspace(FILES))
    results = workspace.search('entity:"Uyghur"', exact=True)
    assert {(hit.doc_id, hit.paragraph) for hit in results.hits} == {("a", 2), ("a", 4)}
