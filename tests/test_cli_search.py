"""The index/search/list/show subcommands: output shapes and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tuireader.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


PUTZ = {"000_55308b7769cb3055", "002_6fec927dd12decab", "003_8f6b4f594c88725a"}  # catalog
ARTICLE_KEYS = {
    "doc_id",
    "title",
    "score",
    "metadata_match",
    "title_spans",
    "variant",
    "matching_paragraphs",
    "paragraph",
    "passages",
}
PASSAGE_KEYS = {
    "doc_id",
    "title",
    "paragraph",
    "score",
    "snippet",
    "snippet_text",
    "snippet_spans",
    "variant",
    "matched_terms",
}


def test_search_paragraphs_json_shape(
    bundled_workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys,
        "--workspace",
        str(bundled_workspace),
        "search",
        "Uighur",
        "--json",
        "--paragraphs",
        "--limit",
        "50",
    )
    assert code == 0
    data = json.loads(out)
    assert set(data) == {
        "query",
        "mode",
        "total",
        "exact",
        "variants",
        "suggestions",
        "messages",
        "hits",
    }
    assert data["mode"] == "paragraphs"
    assert data["total"] == len(data["hits"]) > 0
    hit = data["hits"][0]
    assert set(hit) == PASSAGE_KEYS
    variants = [h for h in data["hits"] if h["variant"]]
    assert variants and all("Uyghur" in h["snippet"] for h in variants)
    assert not any(h["variant"] for h in data["hits"][: len(data["hits"]) - len(variants)])


def test_search_exact_flag(bundled_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "--workspace",
        str(bundled_workspace),
        "search",
        "Uighur",
        "--json",
        "--exact",
        "--limit",
        "50",
    )
    assert code == 0
    data = json.loads(out)
    assert data["exact"] and data["variants"] == {}
    assert not any(a["variant"] for a in data["articles"])
    # "Uighur" is spelled so in 8 paragraphs, all of 001.
    assert (data["total_articles"], data["total_passages"]) == (1, 8)


def test_search_articles_json_shape(
    bundled_workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--workspace", str(bundled_workspace), "search", "Uighur", "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {
        "query",
        "mode",
        "total",
        "total_articles",
        "total_passages",
        "exact",
        "metadata_only",
        "variants",
        "suggestions",
        "messages",
        "articles",
    }
    assert data["mode"] == "articles" and data["query"] == "Uighur"
    # 8 paragraphs of 001 say "Uighur"; "Uyghur" is in 3 of 000, 4 of 002 and 4 of 003.
    assert (data["total_articles"], data["total_passages"]) == (4, 19) and data["total"] == 4
    assert data["variants"] == {"uighur": ["uyghur"]} and not data["metadata_only"]
    for article in data["articles"]:
        assert set(article) == ARTICLE_KEYS
        assert 1 <= len(article["passages"]) <= 3 <= article["matching_paragraphs"]
        assert article["paragraph"] == article["passages"][0]["paragraph"]
        for passage in article["passages"]:
            assert set(passage) == PASSAGE_KEYS and passage["doc_id"] == article["doc_id"]
            start, end = passage["snippet_spans"][0]
            assert passage["snippet_text"][start:end].lower().startswith(("uighur", "uyghur"))
    assert [a["variant"] for a in data["articles"]] == [False, True, True, True]


def test_author_query_lists_her_articles_once(
    bundled_workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, "--workspace", str(bundled_workspace), "search", "author:putz", "--json"
    )
    data = json.loads(out)
    assert code == 0 and data["metadata_only"]
    assert sorted(a["doc_id"] for a in data["articles"]) == sorted(PUTZ)
    assert (data["total_articles"], data["total_passages"]) == (3, 0)
    code, out, _ = run(capsys, "--workspace", str(bundled_workspace), "search", "author:putz")
    lines = out.splitlines()
    assert lines[0].startswith("3 articles, 0 passages for 'author:putz'")
    listed = [line for line in lines if line[:3].strip().rstrip(".").isdigit()]
    assert len(listed) == 3 and all(any(i in line for i in PUTZ) for line in listed)


def test_title_query_totals_are_exact(
    bundled_workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Once "24 of 25 hits": the total counted a bookkeeping document."""
    workspace = str(bundled_workspace)
    code, out, _ = run(
        capsys,
        "--workspace",
        workspace,
        "search",
        "title:puff",
        "--json",
        "--paragraphs",
        "--limit",
        "100",
    )
    data = json.loads(out)
    assert code == 0 and data["total"] == len(data["hits"])
    assert {hit["doc_id"] for hit in data["hits"]} == {"003_8f6b4f594c88725a"}
    code, out, _ = run(capsys, "--workspace", workspace, "search", "title:puff")
    assert out.startswith("1 article, 0 passages for 'title:puff'")


def test_articles_text_output(bundled_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # "puff" is in the title of 003 (and so its headline) and in one body paragraph.
    code, out, _ = run(capsys, "--workspace", str(bundled_workspace), "search", "puff", "--exact")
    lines = out.splitlines()
    assert code == 0 and lines[0] == "1 article, 1 passage for 'puff'"
    assert lines[2].startswith(" 1. Fleeing Kazakhs and **Puff** Pieces  [003_8f6b4f594c88725a ¶")
    assert "title matches · 1 matching paragraph" in lines[2]
    assert lines[3].startswith("    ¶") and "propaganda **puff** pieces" in lines[3]
    number = lines[3].split()[0]  # the passage's ¶N: where the article line points
    assert f"[003_8f6b4f594c88725a {number}]" in lines[2]
    assert len(lines) == 4


def test_paragraphs_text_output_is_the_flat_list(
    bundled_workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys,
        "--workspace",
        str(bundled_workspace),
        "search",
        "puff",
        "--exact",
        "--paragraphs",
    )
    lines = out.splitlines()
    # The flat list shows the headline paragraph too: 2 paragraphs say "puff".
    assert code == 0 and lines[0] == "2 matching paragraphs for 'puff'"
    assert lines[2].startswith(" 1. Fleeing Kazakhs and Puff Pieces  [003_8f6b4f594c88725a ¶")
    assert lines[3].startswith("    ") and "**" in lines[3]
    assert lines[5].startswith(" 2. Fleeing Kazakhs and Puff Pieces  [003_8f6b4f594c88725a ¶")


def test_malformed_query_exits_2_without_traceback(
    bundled_workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--workspace", str(bundled_workspace), "search", '"camps')
    assert code == 2 and out == ""
    assert "Unbalanced quotes" in err and "Traceback" not in err


def test_index_reports_changes(bundled_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--workspace", str(bundled_workspace), "index", "--json")
    assert code == 0 and len(json.loads(out)["added"]) == 5
    code, out, _ = run(capsys, "--workspace", str(bundled_workspace), "index", "--json")
    assert json.loads(out)["unchanged"] == 5
    code, out, _ = run(capsys, "--workspace", str(bundled_workspace), "index", "--rebuild")
    assert code == 0 and "indexed 5 added" in out


def test_list_and_show(bundled_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--workspace", str(bundled_workspace), "list", "--json")
    listing = json.loads(out)
    assert code == 0 and [a["id"][:3] for a in listing] == ["000", "001", "002", "003", "004"]
    code, out, _ = run(
        capsys,
        "--workspace",
        str(bundled_workspace),
        "show",
        "003_8f6b4f594c88725a",
        "--paragraphs",
    )
    assert code == 0 and "   1~ The Diplomat" in out and "Fleeing Kazakhs and Puff Pieces" in out


def test_unknown_id_names_close_ids(
    bundled_workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "--workspace", str(bundled_workspace), "show", "004_1d4f")
    assert code == 2 and "004_1d4f993d258ac59c" in err


def test_bad_workspace_and_bad_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--workspace", str(tmp_path), "list")
    assert code == 2 and "no seeds/ folder" in err
    with pytest.raises(SystemExit) as caught:
        main(["search", "x", "--limit", "zero"])
    assert caught.value.code == 2
