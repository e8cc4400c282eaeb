"""The search index: incremental updates, recovery, query syntax, variants, snippets."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tuireader.core.search.index import QueryError
from tuireader.core.workspace import Workspace

STORY_A = """Camps in the West

Officials confirmed that 2,000 ethnic Kazakhs may leave the region.

The Uyghur community abroad reported mass detention in re-education camps.
"""
STORY_B = """Another View

By Ann Writer

The Uighur diaspora described the detention camps to reporters.

Kairat Abdurakhmanov met the ambassador in Astana.
"""
CATALOG = """articles:
  a:
    title: Camps in the West
    authors: [Jane Roe]
    container: The Example Times
    issued: "2018-09"
  b:
    authors: [Ann Writer]
    container: Daily Planet
    issued: "2021-04-05"
"""


@pytest.fixture
def workspace(make_workspace: Callable[..., Path]) -> Workspace:
    root = make_workspace({"a.txt": STORY_A, "b.txt": STORY_B}, catalog=CATALOG)
    workspace = Workspace.open(root)
    workspace.reindex()
    return workspace


def hit_keys(workspace: Workspace, query: str, **options: object) -> list[tuple[str, int, bool]]:
    results = workspace.search(query, **options)  # type: ignore[arg-type]
    return [(hit.doc_id, hit.paragraph, hit.variant) for hit in results.hits]


def test_first_build_then_nothing_to_do(workspace: Workspace) -> None:
    report = workspace.reindex()
    assert report.touched == 0 and report.unchanged == 2 and not report.rebuilt


def test_search_points_at_paragraphs_with_marked_snippets(workspace: Workspace) -> None:
    results = workspace.search("detention", exact=True)
    assert {(h.doc_id, h.paragraph) for h in results.hits} == {("a", 3), ("b", 3)}
    hit = results.hits[0]
    assert "**detention**" in hit.marked_snippet()
    assert all(hit.snippet[s:e].lower() == "detention" for s, e in hit.snippet_spans)
    assert results.to_dict()["hits"][0].keys() >= {
        "doc_id",
        "title",
        "paragraph",
        "score",
        "snippet",
        "variant",
    }


def test_furniture_is_not_indexed(workspace: Workspace) -> None:
    assert workspace.search("Writer", exact=True).total == 0  # only in the byline


def test_stemming_phrases_wildcards_booleans(workspace: Workspace) -> None:
    assert hit_keys(workspace, "detained OR confirm", exact=True) == [("a", 2, False)]
    assert hit_keys(workspace, '"re-education camps"', exact=True) == [("a", 3, False)]
    assert hit_keys(workspace, '"camps re-education"', exact=True) == []
    assert {k[0] for k in hit_keys(workspace, "Kaza*", exact=True)} == {"a"}
    assert {k[:2] for k in hit_keys(workspace, "camps NOT diaspora", exact=True)} == {
        ("a", 1),
        ("a", 3),
    }


def test_fielded_queries(workspace: Workspace) -> None:
    assert {k[0] for k in hit_keys(workspace, "author:roe camps")} == {"a"}
    assert {k[0] for k in hit_keys(workspace, "source:planet camps")} == {"b"}
    assert {k[0] for k in hit_keys(workspace, "title:west")} == {"a"}
    assert {k[0] for k in hit_keys(workspace, "date:2021 camps")} == {"b"}
    assert {k[0] for k in hit_keys(workspace, "date:[2018 to 2019] camps")} == {"a"}


def test_variant_spellings_match_below_exact_and_are_flagged(workspace: Workspace) -> None:
    results = workspace.search("Uyghur")
    assert [(h.doc_id, h.variant) for h in results.hits] == [("a", False), ("b", True)]
    assert results.variants == {"uyghur": ["uighur"]}
    variant_hit = results.hits[1]
    assert variant_hit.snippet[slice(*variant_hit.snippet_spans[0])] == "Uighur"
    assert hit_keys(workspace, "Abdrakhmanov") == [("b", 4, True)]
    assert hit_keys(workspace, "Abdrakhmanov", exact=True) == []
    assert hit_keys(workspace, "Uyghur", exact=True) == [("a", 3, False)]


def test_variants_do_not_join_different_words(workspace: Workspace) -> None:
    # "camp"/"camps" share a stem and "Kazakh"/"Kazakhs" are inflections: no variant flags.
    assert not workspace.search("reporters").variants
    assert not workspace.search("confirmed").variants


def test_match_spans_for_highlighting_in_text(workspace: Workspace) -> None:
    text = "Uighur and Uyghur groups; camp life."
    spans = workspace.index.match_spans("Uyghur camps", text)
    assert [text[s:e] for s, e in spans] == ["Uighur", "Uyghur", "camp"]
    exact = workspace.index.match_spans("Uyghur", text, exact=True)
    assert [text[s:e] for s, e in exact] == ["Uyghur"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('"unclosed phrase', "Unbalanced quotes"),
        ("AND", "AND needs a search term"),
        ("camps OR", "OR needs a search term"),
        ("(camps", "Unbalanced parentheses"),
        ("colour:red", "Unknown field colour:"),
        ("title:", "needs a value"),
        ("date:yesterday", "date: takes a date"),
        ("   ", "Type something"),
    ],
)
def test_malformed_queries_get_clear_messages(
    workspace: Workspace, query: str, message: str
) -> None:
    with pytest.raises(QueryError, match=message):
        workspace.search(query)


def test_incremental_add_modify_delete(workspace: Workspace) -> None:
    seeds = workspace.seeds_dir
    (seeds / "c.txt").write_text("New\n\nA story about glaciers.\n", encoding="utf-8")
    report = workspace.reindex()
    assert (report.added, report.changed, report.removed, report.unchanged) == (["c"], [], [], 2)
    assert hit_keys(workspace, "glaciers") == [("c", 2, False)]

    (seeds / "a.txt").write_text(STORY_A.replace("2,000 ethnic Kazakhs", "volcanoes"), "utf-8")
    report = workspace.reindex()
    assert (report.added, report.changed, report.unchanged) == ([], ["a"], 2)
    assert hit_keys(workspace, "volcanoes") == [("a", 2, False)]
    assert hit_keys(workspace, "Kazakhs", exact=True) == []

    (seeds / "b.txt").unlink()
    report = workspace.reindex()
    assert report.removed == ["b"] and report.unchanged == 2
    assert hit_keys(workspace, "diaspora") == []


def test_search_updates_a_stale_index_itself(workspace: Workspace) -> None:
    (workspace.seeds_dir / "d.txt").write_text("D\n\nMarmots everywhere.\n", encoding="utf-8")
    workspace.refresh()
    assert hit_keys(workspace, "marmots") == [("d", 2, False)]


def test_corrupt_index_is_rebuilt_with_a_message(workspace: Workspace) -> None:
    folder = workspace.indexes_dir / "search"
    workspace.index.close()
    for path in folder.iterdir():
        if path.suffix in {".seg", ".toc"} or path.name.endswith(".trm"):
            path.write_bytes(b"garbage")
    fresh = Workspace.open(workspace.root)
    report = fresh.reindex()
    assert report.rebuilt and "damaged" in " ".join(report.messages)
    assert hit_keys(fresh, "diaspora") == [("b", 3, False)]


def test_missing_and_stale_schema_index_rebuilds(workspace: Workspace) -> None:
    folder = workspace.indexes_dir / "search"
    workspace.index.close()
    (folder / "tuireader-index.json").write_text('{"schema_version": -1}', encoding="utf-8")
    report = Workspace.open(workspace.root).reindex()
    assert report.rebuilt and "another version" in report.messages[0]
    workspace.index.close()
    import shutil

    shutil.rmtree(folder)
    report = Workspace.open(workspace.root).reindex()
    assert report.added == ["a", "b"] and report.messages == []


def test_rebuild_on_request(workspace: Workspace) -> None:
    report = workspace.reindex(rebuild=True)
    assert report.rebuilt and sorted(report.added) == ["a", "b"]


def test_catalog_edit_reindexes_that_article(workspace: Workspace) -> None:
    catalog = workspace.seeds_dir / "catalog.yaml"
    catalog.write_text(CATALOG.replace("Daily Planet", "Evening Star"), encoding="utf-8")
    report = workspace.reindex()
    assert report.changed == ["b"] and report.unchanged == 1
    assert {k[0] for k in hit_keys(workspace, "source:star camps")} == {"b"}


def test_unchanged_files_skip_loading_articles(workspace: Workspace) -> None:
    assert workspace.index_looks_current()
    (workspace.seeds_dir / "b.txt").write_text(STORY_B + "\nMore text.\n", encoding="utf-8")
    assert not workspace.index_looks_current()
    assert hit_keys(workspace, '"more text"') == [("b", 5, False)]
    assert workspace.index_looks_current()
