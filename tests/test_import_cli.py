"""`tuireader import`: the command's report, --dry-run, --json, Markdown front matter, and
that the extractors are not loaded before a file needs them."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tuireader.cli import importing
from tuireader.cli.common import UserError
from tuireader.core.importing.plan import plan_import
from tuireader.core.workspace import Workspace

NOTES = """\
---
title: Notes on the Mill Lane Gauge
author: Jane Roe and John Doe
date: 2023-05-01
url: https://notes.example/mill-lane
tags: [river, flood]
---

# Notes on the Mill Lane Gauge

The gauge was moved twenty metres upstream in 2011.
"""


def _run(root: Path, *argv: str) -> int:
    """The `import` command as `tuireader --workspace ROOT import ...` runs it."""
    parser = argparse.ArgumentParser(prog="tuireader")
    importing.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["import", *argv])
    code: int = args.handler(args, Workspace.open(root))
    return code


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    (folder / "more").mkdir(parents=True)
    (folder / "notes.md").write_text(NOTES, encoding="utf-8")
    (folder / "more" / "plain.txt").write_text(
        "A Plain Title\n\nJust one paragraph of plain text.\n", encoding="utf-8"
    )
    (folder / "more" / "copy of notes.md").write_text(NOTES, encoding="utf-8")
    (folder / "slides.pptx").write_bytes(b"PK\x03\x04 slides")
    (folder / ".DS_Store").write_bytes(b"\x00\x00")
    return folder


@pytest.fixture
def root(tmp_path: Path) -> Path:
    workspace = tmp_path / "ws"
    (workspace / "seeds").mkdir(parents=True)
    (workspace / "seeds" / "catalog.yaml").write_text("articles:\n", encoding="utf-8")
    return workspace


def test_dry_run_shows_what_would_happen_and_changes_nothing(
    root: Path, inputs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _tree(root)
    assert _run(root, str(inputs), "--dry-run") == 0
    assert _tree(root) == before
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 5  # one line a file, then the summary
    assert any(line.startswith("would import") and "seeds/notes.md" in line for line in out)
    assert any(line.startswith("would import") and "seeds/plain.txt" in line for line in out)
    assert any(line.startswith("duplicate") and "copy of notes.md" in line for line in out)
    assert any(line.startswith("unreadable") and "slides.pptx" in line for line in out)
    assert not any(".DS_Store" in line for line in out)  # hidden files are not considered
    assert out[-1] == (
        "2 files would be imported, 1 duplicate, 1 unreadable (dry run: nothing changed)"
    )


def test_json_lists_every_file_with_its_status(
    root: Path, inputs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(root, str(inputs), "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["dry_run"] is False
    by_name = {Path(f["path"]).name: f for f in report["files"]}
    assert set(by_name) == {"notes.md", "plain.txt", "copy of notes.md", "slides.pptx"}
    assert by_name["notes.md"]["status"] == "new"
    assert by_name["notes.md"]["article"] == "seeds/notes.md"
    assert by_name["notes.md"]["source"] == "sources/notes.md"
    assert by_name["copy of notes.md"]["status"] == "duplicate"
    assert by_name["slides.pptx"]["status"] == "unreadable"
    assert "unknown type (.pptx)" in by_name["slides.pptx"]["reason"]


def test_markdown_front_matter_goes_to_the_catalog_and_out_of_the_text(
    root: Path, inputs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _run(root, str(inputs / "notes.md"))
    text = (root / "seeds" / "notes.md").read_text(encoding="utf-8")
    assert text == NOTES[NOTES.index("# Notes") :]
    workspace = Workspace.open(root)
    assert workspace.catalog["notes"] == {
        "title": "Notes on the Mill Lane Gauge",
        "authors": ["Jane Roe", "John Doe"],
        "issued": "2023-05-01",
        "url": "https://notes.example/mill-lane",
        "source": "sources/notes.md",
    }
    assert (root / "sources" / "notes.md").read_text(encoding="utf-8") == NOTES


def test_importing_twice_adds_nothing_the_second_time(
    root: Path, inputs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _run(root, str(inputs))
    after_first = _tree(root)
    capsys.readouterr()
    _run(root, str(inputs))
    out = capsys.readouterr().out
    assert {k: v for k, v in _tree(root).items() if not k.endswith(".lock")} == {
        k: v for k, v in after_first.items() if not k.endswith(".lock")
    }
    assert out.splitlines()[-1] == "0 files imported, 3 duplicates, 1 unreadable"


def test_a_catalog_that_does_not_parse_stops_the_import_before_anything_is_written(
    root: Path, inputs: Path
) -> None:
    (root / "seeds" / "catalog.yaml").write_text("articles:\n  a: [unclosed\n", encoding="utf-8")
    before = _tree(root)
    with pytest.raises(UserError, match="nothing was imported"):
        _run(root, str(inputs))
    assert _tree(root) == before


def test_progress_is_reported_file_by_file(root: Path, inputs: Path) -> None:
    seen: list[tuple[int, int]] = []
    plan_import(root, [inputs], lambda done, total, name: seen.append((done, total)))
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]


def test_the_command_loads_no_extractor_until_a_file_needs_one() -> None:
    code = (
        "import sys, tuireader.cli.importing, tuireader.core.importing.plan;"
        "heavy = [m for m in ('trafilatura', 'pypdf', 'ebooklib', 'lxml') if m in sys.modules];"
        "print(heavy)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"


def test_import_paths_for_the_app_counts_reading_then_writing(root: Path, inputs: Path) -> None:
    from tuireader.core.importing.run import import_paths

    before = _tree(root)
    seen: list[tuple[int, int]] = []
    dry = import_paths(root, [inputs], dry_run=True, progress=lambda d, t, n: seen.append((d, t)))
    assert _tree(root) == before
    assert dry.imported == [] and dry.plan.count("new") == 2
    seen.clear()
    report = import_paths(root, [inputs], progress=lambda d, t, n: seen.append((d, t)))
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4), (1, 2), (2, 2)]
    assert sorted(str(f.article_file) for f in report.imported) == ["notes.md", "plain.txt"]


def test_the_real_command_imports(root: Path, inputs: Path) -> None:
    from tuireader.cli import COMMAND_MODULES

    if "importing" not in COMMAND_MODULES:
        pytest.skip("`import` is not yet listed in tuireader.cli.COMMAND_MODULES")
    from cli_support import run_tuireader

    result = run_tuireader(root, "import", str(inputs), "--json")
    assert result.returncode == 0, result.stderr
    statuses = sorted(f["status"] for f in json.loads(result.stdout)["files"])
    assert statuses == ["duplicate", "new", "new", "unreadable"]
    assert (root / "seeds" / "plain.txt").exists()
