"""Under --json an error is a JSON object on stdout with the exit code (scripts parse stdout),
besides the one line on stderr; without --json stdout stays empty."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tuireader.cli import main


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text("Title\n\nSome words about camps.\n", encoding="utf-8")
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit_:  # argparse usage errors
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_an_unknown_article_is_a_json_error(workspace: Path, capsys) -> None:
    code, out, err = run(capsys, "--workspace", str(workspace), "show", "nope", "--json")
    assert code == 2
    assert json.loads(out) == {"error": "No article with id 'nope'.", "exit_code": 2}
    assert err.strip() == "tuireader: No article with id 'nope'."


def test_a_malformed_query_is_a_json_error(workspace: Path, capsys) -> None:
    code, out, _err = run(capsys, "--workspace", str(workspace), "search", "title:(", "--json")
    assert code == 2
    data = json.loads(out)
    assert data["exit_code"] == 2 and "parenthes" in data["error"]


def test_a_usage_error_is_a_json_error(workspace: Path, capsys) -> None:
    code, out, err = run(
        capsys, "--workspace", str(workspace), "search", "camps", "--limit", "x", "--json"
    )
    assert code == 2
    data = json.loads(out)
    assert data["exit_code"] == 2 and "--limit" in data["error"] and "whole number" in data["error"]
    assert "whole number" in err


def test_without_json_the_error_stays_on_stderr(workspace: Path, capsys) -> None:
    code, out, err = run(capsys, "--workspace", str(workspace), "show", "nope")
    assert code == 2 and out == ""
    assert err.strip() == "tuireader: No article with id 'nope'."
