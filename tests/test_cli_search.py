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


def test_search_json_shape(bundled_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "--workspace", str(bundled_workspace), "search", "Uighur", "--json", "--limit", "50"
    )
    assert code == 0
    data = json.loads(out)
    assert set(data) >= {"query", "total", "hits"}
    assert data["total"] == len(data["hits"]) > 0
    hit = data["hits"][0]
    assert set(hit) >= {"doc_id", "title", "paragraph", "score", "snippet", "variant"}
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
    assert not any(hit["variant"] for hit in json.loads(out)["hits"])


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
