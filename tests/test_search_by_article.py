"""Issue 12, item 1: search results by article (core).

Expectations come from reading the texts: the bundled articles (seeds/ and its catalog) and
the small stories written here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tuireader.core.search.by_article import in_title, names_text
from tuireader.core.workspace import Workspace

PUTZ = {"000_55308b7769cb3055", "002_6fec927dd12decab", "003_8f6b4f594c88725a"}  # catalog
PUFF_ARTICLE = "003_8f6b4f594c88725a"  # "Fleeing Kazakhs and Puff Pieces"

# The word "kingfisher" is in: RIVER's title (so its headline), two of RIVER's body
# paragraphs, one of MARSH's, none of WOODS's.
RIVER = "\n\n".join(
    [
        "Kingfisher Returns to the River",
        "Residents along the river said this spring that a kingfisher had been nesting in "
        "the old bank near the mill, the first seen there in more than twenty years of "
        "careful watching.",
        "The council has promised to keep the water clean and to leave the bank as it is.",
        "Volunteers counted a second kingfisher downstream on Sunday.",
    ]
)
MARSH = "\n\n".join(
    [
        "Birds of the Marsh",
        "Herons, egrets and a lone kingfisher were recorded in the survey of the marsh this "
        "year, which the wardens carried out over three weekends in the autumn and winter "
        "months.",
        "The wardens will repeat the survey next year.",
    ]
)
WOODS = "\n\n".join(
    [
        "Woodland Walks",
        "The woods to the north of the town are open again after the storm, and the paths "
        "that were blocked by fallen trees have been cleared by the rangers and their "
        "volunteers.",
    ]
)


@pytest.fixture
def birds(make_workspace: Callable[..., Path]) -> Workspace:
    root = make_workspace({"river.txt": RIVER, "marsh.txt": MARSH, "woods.txt": WOODS})
    workspace = Workspace.open(root)
    workspace.reindex()
    return workspace


@pytest.fixture
def bundled(bundled_workspace: Path) -> Workspace:
    workspace = Workspace.open(bundled_workspace)
    workspace.reindex()
    return workspace


def paragraph_number(workspace: Workspace, article_id: str, words: str) -> int:
    """The number of the paragraph of `article_id` whose text contains `words`."""
    return next(p.number for p in workspace.article(article_id).paragraphs if words in p.text)


def test_author_query_lists_each_of_her_articles_once_and_first(bundled: Workspace) -> None:
    for query in ("author:putz", 'author:"Catherine Putz"'):
        results = bundled.index.search_articles(query, limit=10)
        ids = [article.doc_id for article in results.articles]
        assert len(ids) == len(set(ids)) == 3 and set(ids) == PUTZ, query
        assert results.metadata_only and results.total_articles == 3
        assert results.total_passages == 0
        assert all(a.metadata_match and not a.passages for a in results.articles)
        assert all(a.paragraph is None for a in results.articles)


def test_flat_author_query_floods_with_one_article(bundled: Workspace) -> None:
    """The flat list (kept for the app and --paragraphs) is what by-article fixes: every
    paragraph of her articles matches, so one article fills the first page."""
    flat = bundled.index.search("author:putz", limit=20)
    assert len({hit.doc_id for hit in flat.hits}) < 3 < flat.total


def test_totals_are_exact_and_the_headline_is_not_a_passage(birds: Workspace) -> None:
    results = birds.index.search_articles("kingfisher", exact=True)
    assert (results.total_articles, results.total_passages) == (2, 3)
    river, marsh = results.articles
    assert (river.doc_id, marsh.doc_id) == ("river", "marsh")  # the title counts
    assert river.metadata_match and not marsh.metadata_match
    assert river.matching_paragraphs == 2 and marsh.matching_paragraphs == 1
    headline = paragraph_number(birds, "river", "Kingfisher Returns to the River")
    shown = {passage.paragraph for passage in river.passages}
    assert headline not in shown
    assert shown == {
        paragraph_number(birds, "river", "a kingfisher had been nesting"),
        paragraph_number(birds, "river", "a second kingfisher"),
    }
    assert river.title_spans == [(0, len("Kingfisher"))]
    assert river.paragraph == river.passages[0].paragraph
    assert not results.metadata_only and not results.variants


def test_flat_search_still_lists_the_headline(birds: Workspace) -> None:
    flat = birds.index.search("kingfisher", exact=True, limit=10)
    headline = paragraph_number(birds, "river", "Kingfisher Returns to the River")
    assert flat.total == len(flat.hits) == 4
    assert ("river", headline) in {(hit.doc_id, hit.paragraph) for hit in flat.hits}


def test_a_title_only_match_lists_the_article_without_passages(birds: Workspace) -> None:
    # "returns" is only in RIVER's title, hence its headline: no passage, one article.
    results = birds.index.search_articles("returns", exact=True)
    assert (results.total_articles, results.total_passages) == (1, 0)
    (river,) = results.articles
    assert river.doc_id == "river" and river.metadata_match and river.passages == []
    # Opened at its headline, the paragraph that matched.
    assert river.paragraph == paragraph_number(birds, "river", "Kingfisher Returns to the River")


def test_best_passages_are_at_most_three_and_best_first(bundled: Workspace) -> None:
    results = bundled.index.search_articles("Kazakhstan", exact=True, limit=5)
    assert results.total_articles == 5  # every bundled article names Kazakhstan
    for article in results.articles:
        scores = [passage.score for passage in article.passages]
        assert 1 <= len(scores) <= 3 and scores == sorted(scores, reverse=True)
        assert len(article.passages) <= article.matching_paragraphs
        assert all(passage.doc_id == article.doc_id for passage in article.passages)
    ranks = [article.score for article in results.articles]
    assert ranks == sorted(ranks, reverse=True)
    assert sum(a.matching_paragraphs for a in results.articles) == results.total_passages


def test_title_query_lists_the_article_with_exact_totals(bundled: Workspace) -> None:
    results = bundled.index.search_articles("title:puff")
    assert [a.doc_id for a in results.articles] == [PUFF_ARTICLE]
    assert (results.total_articles, results.total_passages) == (1, 0)
    flat = bundled.index.search("title:puff", limit=100)
    # Every indexed paragraph of the article carries its title; none is a bookkeeping
    # document (the total once counted one more than there were hits).
    indexed = [p for p in bundled.article(PUFF_ARTICLE).paragraphs if not p.furniture]
    assert flat.total == len(flat.hits) == len(indexed)


def test_a_word_of_the_title_and_of_one_paragraph(bundled: Workspace) -> None:
    # "puff" is in the title of 003 (so its headline) and in one body paragraph.
    results = bundled.index.search_articles("puff", exact=True)
    assert (results.total_articles, results.total_passages) == (1, 1)
    (article,) = results.articles
    assert article.metadata_match
    assert [p.paragraph for p in article.passages] == [
        paragraph_number(bundled, PUFF_ARTICLE, "propaganda puff pieces")
    ]


def test_variant_only_articles_come_after_exact_ones(bundled: Workspace) -> None:
    # "Uighur" is spelled so in 8 paragraphs of 001; "Uyghur" in 3 of 000, 4 of 002, 4 of 003.
    results = bundled.index.search_articles("Uighur", limit=10)
    assert results.variants and (results.total_articles, results.total_passages) == (4, 19)
    first, *others = results.articles
    assert first.doc_id == "001_e417b657d421601d" and not first.variant
    assert first.matching_paragraphs == 8 and not any(p.variant for p in first.passages)
    assert {a.doc_id for a in others} == PUTZ
    assert all(a.variant and all(p.variant for p in a.passages) for a in others)
    exact = bundled.index.search_articles("Uighur", exact=True)
    assert (exact.total_articles, exact.total_passages) == (1, 8)


def test_mixed_query_keeps_metadata_as_a_condition(bundled: Workspace) -> None:
    results = bundled.index.search_articles("Uyghur author:putz", exact=True)
    assert not results.metadata_only
    assert {a.doc_id for a in results.articles} == PUTZ
    assert results.total_passages == 3 + 4 + 4


def test_grouping_survives_incremental_updates(make_workspace: Callable[..., Path]) -> None:
    """A paragraph's article is found by document order: edits, additions and removals
    (deleted documents, new segments, merges) must keep it right."""
    root = make_workspace({"river.txt": RIVER, "marsh.txt": MARSH, "woods.txt": WOODS})
    workspace = Workspace.open(root)
    workspace.reindex()
    seeds = root / "seeds"
    (seeds / "marsh.txt").write_text(MARSH + "\n\nA kingfisher came back in March.\n")
    (seeds / "lake.txt").write_text(
        "Lake Notes\n\nNo kingfisher has been seen at the lake, the rangers said.\n"
    )
    (seeds / "woods.txt").unlink()
    workspace = Workspace.open(root)
    workspace.reindex()
    results = workspace.index.search_articles("kingfisher", exact=True)
    counts = {a.doc_id: a.matching_paragraphs for a in results.articles}
    assert counts == {"river": 2, "marsh": 2, "lake": 1}
    assert results.total_passages == 5
    for article in results.articles:
        assert all(p.doc_id == article.doc_id for p in article.passages)


def test_metadata_only_is_decided_by_the_fields_searched(birds: Workspace) -> None:
    index = birds.index
    assert names_text(index.parse("kingfisher author:x"))
    assert not names_text(index.parse("title:kingfisher date:2019"))
    assert not names_text(index.parse("source:diplomat OR author:putz"))
    moved = in_title(index.parse('"second kingfisher" author:x'))
    assert {getattr(leaf, "fieldname", None) for leaf in moved.leaves()} == {"title", "author"}


def test_limit_bounds_articles_not_totals(birds: Workspace) -> None:
    results = birds.index.search_articles("kingfisher", exact=True, limit=1)
    assert len(results.articles) == 1 and results.total_articles == 2
    assert results.total_passages == 3
    data = results.to_dict()
    assert data["mode"] == "articles" and len(data["articles"]) == 1


def test_the_title_counts_toward_the_rank(make_workspace: Callable[..., Path]) -> None:
    # HERONS is about herons (its title) but its one body mention is in a long paragraph;
    # WEIR mentions a heron once, in a short paragraph, which alone would score higher.
    herons = (
        "Heron Count Rises\n\nThe annual survey along the canal, carried out by volunteers "
        "from the town over four weekends in the cold months of the year, recorded more "
        "nesting pairs than in any year since the count began, the heron among them, "
        "with the wardens crediting cleaner water, quieter towpaths and new reed beds.\n"
    )
    weir = "Weir Repairs\n\nA heron stood by the weir.\n"
    workspace = Workspace.open(make_workspace({"herons.txt": herons, "weir.txt": weir}))
    workspace.reindex()
    flat = workspace.index.search("heron", exact=True)
    body = [hit for hit in flat.hits if hit.paragraph != 1]  # ¶1 is each headline
    assert body[0].doc_id == "weir"  # the better passage alone
    results = workspace.index.search_articles("heron", exact=True)
    assert [a.doc_id for a in results.articles] == ["herons", "weir"]


def test_an_index_out_of_order_is_rebuilt(
    make_workspace: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Grouping relies on each article's bookkeeping document coming before its
    paragraphs. An index written otherwise is taken as damaged and rebuilt."""
    from tuireader.core.search import index as index_module

    right = index_module.article_documents

    def bookkeeping_last(article):  # type: ignore[no-untyped-def]
        documents = list(right(article))
        return documents[1:] + documents[:1]

    root = make_workspace({"river.txt": RIVER, "marsh.txt": MARSH, "woods.txt": WOODS})
    workspace = Workspace.open(root)
    monkeypatch.setattr(index_module, "article_documents", bookkeeping_last)
    workspace.reindex(rebuild=True)
    monkeypatch.setattr(index_module, "article_documents", right)
    results = workspace.index.search_articles("kingfisher", exact=True)
    assert any("rebuilding" in message for message in results.messages)
    assert {a.doc_id: a.matching_paragraphs for a in results.articles} == {
        "river": 2,
        "marsh": 1,
    }
