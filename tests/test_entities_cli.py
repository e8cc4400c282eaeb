"""`tuireader entities`: output, filters and errors (the cache is filled by a fake model)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_entities_support import FakeNlp, write_workspace

from tuireader.cli import main
from tuireader.core.entities.index import EntityIndex


@pytest.fixture
def workspace_root(tmp_path: Path) -> Path:
    """The two sample articles, already analysed, so the command does no NER."""
    workspace = write_workspace(tmp_path)
    EntityIndex.build(workspace, nlp=FakeNlp())
    return tmp_path


def run(root: Path, *args: str) -> int:
    return main(["--workspace", str(root), "entities", *args])


def test_json_lists_canonical_entities_with_aliases_and_articles(
    workspace_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(workspace_root, "--json") == 0
    data = json.loads(capsys.readouterr().out)
    by_name = {e["name"]: e for e in data}
    person = by_name["Sayragul Sauytbay"]
    assert person["type"] == "PERSON"
    assert set(person["aliases"]) == {"Sayragul Sauytbay", "Sauytbay"}
    assert person["mentions"] == 4
    assert person["articles"] == {"a": 3, "b": 1}
    assert {"PERSON", "PLACE", "GROUP", "ORG", "DATE"} == {e["type"] for e in data}


def test_type_filter(workspace_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(workspace_root, "--type", "place", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert {e["name"] for e in data} == {"Kazakhstan", "Xinjiang"}


def test_one_article(workspace_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(workspace_root, "b", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["article"] == "b"
    person = next(e for e in data["entities"] if e["type"] == "PERSON")
    assert person["mentions"] == 1 and person["corpus_mentions"] == 4
    assert person["paragraphs"] == [2]
    text = (workspace_root / "seeds" / "b.txt").read_text(encoding="utf-8")
    start, end = person["spans"][0]
    assert text[start:end] == "Sayragul Sauytbay"


def test_text_output(workspace_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(workspace_root) == 0
    out = capsys.readouterr().out
    assert "People (1)" in out
    assert "Sayragul Sauytbay  ×4  (also Sauytbay)" in out
    assert "a: 3 · b: 1" in out


def test_unknown_article_exits_2(workspace_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(workspace_root, "zz") == 2
    assert "No article with id 'zz'" in capsys.readouterr().err


def test_unknown_type_is_a_usage_error(workspace_root: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run(workspace_root, "--type", "NATION")
    assert exit_info.value.code == 2


def test_bad_alias_file_is_a_warning(
    workspace_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workspace_root / "aliases.yaml").write_text("merge: [[", encoding="utf-8")
    assert run(workspace_root, "--json") == 0
    captured = capsys.readouterr()
    assert "warning: aliases.yaml is not valid YAML" in captured.err
    assert json.loads(captured.out)  # the output is still there, and still JSON


def test_json_gives_each_spelling_with_its_count_and_every_span(
    workspace_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(workspace_root, "--json") == 0
    person = next(e for e in json.loads(capsys.readouterr().out) if e["type"] == "PERSON")
    # a.txt: "Sayragul Sauytbay, ..." then "Sauytbay later" and "Sauytbay said"; b.txt once
    assert person["spellings"] == {"Sauytbay": 2, "Sayragul Sauytbay": 2}
    assert list(person["spans"]) == ["a", "b"]  # most mentions first
    found = []
    for article_id, spans in person["spans"].items():
        text = (workspace_root / "seeds" / f"{article_id}.txt").read_text(encoding="utf-8")
        found += [(article_id, text[start:end]) for start, end in spans]
    assert found == [
        ("a", "Sayragul Sauytbay"),
        ("a", "Sauytbay"),
        ("a", "Sauytbay"),
        ("b", "Sayragul Sauytbay"),
    ]


def test_one_article_json_counts_its_spellings(
    workspace_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(workspace_root, "a", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    person = next(e for e in data["entities"] if e["type"] == "PERSON")
    assert person["spelling_counts"] == {"Sauytbay": 2, "Sayragul Sauytbay": 1}
    assert len(person["spans"]) == person["mentions"] == 3
