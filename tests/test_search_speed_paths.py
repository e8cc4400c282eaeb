"""What makes `tuireader search` fast as a process: a parser importing only the command's
module, freshness checks that cost what changed, articles kept across refreshes, and an
index read from its files (no copy in memory)."""

from __future__ import annotations

import argparse
import importlib
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest

from tuireader.cli import COMMAND_MODULES, command_modules, command_word, main
from tuireader.core import workspace as workspace_module
from tuireader.core.workspace import Workspace

STORY_A = "Camps in the West\n\nThe camps hold many people from the region.\n"
STORY_B = "Trade in the East\n\nMerchants crossed the mountains with silk.\n"
ALL_CLI_MODULES = [f"tuireader.cli.{name}" for name in COMMAND_MODULES]


# ----------------------------------------------------------------------------- the parser
def loaded_cli_modules(root: Path, *args: str) -> tuple[int, list[str]]:
    """Run `tuireader --workspace root ARGS` in a fresh interpreter; its exit code and the
    subcommand modules it imported."""
    code = (
        "import sys, io, contextlib\n"
        "from tuireader.cli import main\n"
        "out = io.StringIO()\n"
        "try:\n"
        "    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):\n"
        f"        code = main(['--workspace', {str(root)!r}, *{list(args)!r}])\n"
        "except SystemExit as stop:\n"
        "    code = stop.code\n"
        f"print(code, sorted(m for m in {ALL_CLI_MODULES!r} if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    exit_code, _, modules = result.stdout.strip().partition(" ")
    return int(exit_code), json.loads(modules.replace("'", '"'))


def test_search_imports_only_the_search_module(bundled_workspace: Path) -> None:
    code, modules = loaded_cli_modules(bundled_workspace, "search", "Uyghur", "--json")
    assert code == 0
    assert modules == ["tuireader.cli.searching"]


def test_list_imports_only_the_library_module(bundled_workspace: Path) -> None:
    code, modules = loaded_cli_modules(bundled_workspace, "list", "--json")
    assert code == 0
    assert modules == ["tuireader.cli.library"]


def test_main_help_and_unknown_commands_register_every_module(bundled_workspace: Path) -> None:
    assert loaded_cli_modules(bundled_workspace, "--help") == (0, sorted(ALL_CLI_MODULES))
    assert loaded_cli_modules(bundled_workspace, "frobnicate") == (2, sorted(ALL_CLI_MODULES))


def test_each_module_registers_exactly_the_commands_listed() -> None:
    for module, commands in COMMAND_MODULES.items():
        parser = argparse.ArgumentParser()
        subparsers = parser.add_subparsers()
        importlib.import_module(f"tuireader.cli.{module}").register(subparsers)
        assert tuple(subparsers.choices) == commands, module


def test_the_command_word_skips_options_and_the_workspace_value() -> None:
    assert command_word(["--workspace", "search", "list"]) == "list"
    assert command_word(["--workspace=ws", "search", "-h"]) == "search"
    assert command_word(["-h", "search"]) is None
    assert command_word(["--version"]) is None
    assert command_modules("figures") == ["compare"]
    assert command_modules("nonsense") == list(COMMAND_MODULES)


def test_main_help_lists_every_command(
    bundled_workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main(["--workspace", str(bundled_workspace), "--help"])
    listed = capsys.readouterr().out
    for commands in COMMAND_MODULES.values():
        for command in commands:
            assert f"    {command} " in listed or f"    {command}\n" in listed, command


# ----------------------------------------------------------------------------- freshness
def age(*paths: Path, seconds: float = 3600) -> None:
    """Move the modification time of files or folders back (so that no stamp is racy)."""
    for path in paths:
        info = path.stat()
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns - int(seconds * 1e9)))


def age_tree(root: Path) -> None:
    """Age every file and folder under seeds/ (their edits were made long ago)."""
    seeds = root / "seeds"
    age(*seeds.rglob("*"), seeds)


@pytest.fixture
def counted_full_checks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Each check that stats every recorded article file."""
    calls: list[int] = []
    real = Workspace._files_unchanged

    def counting(self: Workspace, generation: int) -> bool:
        calls.append(generation)
        return real(self, generation)

    monkeypatch.setattr(Workspace, "_files_unchanged", counting)
    return calls


@pytest.fixture
def aged_workspace(make_workspace: Callable[..., Path]) -> Path:
    root = make_workspace({"a.txt": STORY_A, "sub/b.txt": STORY_B})
    age_tree(root)
    Workspace.open(root).reindex()
    return root


def test_an_unchanged_corpus_is_not_read_again(aged_workspace: Path, counted_reads) -> None:
    workspace = Workspace.open(aged_workspace)
    workspace.reindex()
    assert len(counted_reads) == 2  # a new workspace object reads every file once
    workspace.refresh()
    report = workspace.reindex()
    assert counted_reads[2:] == [] and report.unchanged == 2


def test_only_the_changed_file_is_read_again(aged_workspace: Path, counted_reads) -> None:
    workspace = Workspace.open(aged_workspace)
    first = workspace.articles["a"]
    path = aged_workspace / "seeds" / "sub" / "b.txt"
    path.write_text(STORY_B.replace("silk", "porcelain"), encoding="utf-8")
    age(path, seconds=60)
    report = workspace.reindex()
    assert counted_reads[2:] == [path]
    assert report.changed == ["sub/b"] and report.unchanged == 1
    assert workspace.articles["a"] is first  # the unchanged article object is kept
    assert [hit.doc_id for hit in workspace.search("porcelain").hits] == ["sub/b"]


def test_a_same_size_edit_right_after_reading_is_not_missed(
    make_workspace: Callable[..., Path],
) -> None:
    # Written and read within the file system's clock tick: the stamp is not trusted.
    root = make_workspace({"a.txt": STORY_A})
    workspace = Workspace.open(root)
    assert "camps" in workspace.articles["a"].text
    (root / "seeds" / "a.txt").write_text(STORY_A.replace("camps", "tents"), encoding="utf-8")
    workspace.refresh()
    assert "tents" in workspace.articles["a"].text


def test_queries_in_a_row_do_not_stat_every_file(
    aged_workspace: Path, counted_full_checks: list[int]
) -> None:
    workspace = Workspace.open(aged_workspace)
    workspace.reindex()
    for word in ("camps", "silk", "mountains"):
        assert workspace.search(word).hits
    assert counted_full_checks == []


def test_a_file_added_is_found_by_the_next_query(
    aged_workspace: Path, counted_full_checks: list[int]
) -> None:
    workspace = Workspace.open(aged_workspace)
    workspace.reindex()
    assert workspace.search("glaciers").hits == []
    (aged_workspace / "seeds" / "sub" / "c.txt").write_text(
        "Ice\n\nA story about glaciers.\n", encoding="utf-8"
    )
    assert [hit.doc_id for hit in workspace.search("glaciers").hits] == ["sub/c"]


def test_refresh_makes_the_next_query_see_an_edit_in_place(aged_workspace: Path) -> None:
    workspace = Workspace.open(aged_workspace)
    workspace.reindex()
    path = aged_workspace / "seeds" / "a.txt"
    with path.open("a", encoding="utf-8") as stream:  # in place: no folder changes
        stream.write("\nVolcanoes rumbled.\n")
    workspace.refresh()
    assert [hit.doc_id for hit in workspace.search("volcanoes").hits] == ["a"]


def cli_search(root: Path, query: str) -> dict[str, Any]:
    """`tuireader search QUERY --json` run in this process (a new Workspace, as a new
    process has); its JSON."""
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["--workspace", str(root), "search", query, "--json"]) == 0
    return json.loads(out.getvalue())  # type: ignore[no-any-return]


def test_cli_searches_in_a_row_trust_a_recent_check(
    aged_workspace: Path, counted_full_checks: list[int]
) -> None:
    cli_search(aged_workspace, "camps")  # the reindex of the fixture was just recorded
    cli_search(aged_workspace, "silk")
    assert counted_full_checks == []


def test_cli_sees_an_edit_in_place_once_the_recent_check_is_old(
    aged_workspace: Path, counted_full_checks: list[int]
) -> None:
    path = aged_workspace / "seeds" / "a.txt"
    with path.open("a", encoding="utf-8") as stream:
        stream.write("\nVolcanoes rumbled.\n")
    age(aged_workspace / "indexes" / "search-folders.json", seconds=10)
    assert [a["doc_id"] for a in cli_search(aged_workspace, "volcanoes")["articles"]] == ["a"]
    assert len(counted_full_checks) == 1


def test_cli_sees_added_files_and_catalog_edits_at_once(
    aged_workspace: Path, counted_full_checks: list[int]
) -> None:
    seeds = aged_workspace / "seeds"
    (seeds / "sub" / "c.txt").write_text("Ice\n\nA story about glaciers.\n", encoding="utf-8")
    assert [a["doc_id"] for a in cli_search(aged_workspace, "glaciers")["articles"]] == ["sub/c"]
    (seeds / "catalog.yaml").write_text(
        "articles:\n  a:\n    container: The Plain Dealer\n", encoding="utf-8"
    )
    found = cli_search(aged_workspace, "source:dealer")["articles"]
    assert [a["doc_id"] for a in found] == ["a"]


def test_a_check_that_found_a_change_is_not_trusted_later(aged_workspace: Path) -> None:
    workspace = Workspace.open(aged_workspace)
    path = aged_workspace / "seeds" / "a.txt"
    with path.open("a", encoding="utf-8") as stream:
        stream.write("\nVolcanoes rumbled.\n")
    assert not workspace.index_looks_current()
    assert not workspace.index_probably_current()  # the recent record is not trusted now
    assert [hit.doc_id for hit in workspace.search("volcanoes").hits] == ["a"]
    assert workspace.index_probably_current() and workspace.index_looks_current()


def test_freshness_window_is_short(aged_workspace: Path) -> None:
    # What an edit in place may wait for (documented in README): a few seconds at most.
    assert 0 < workspace_module.FRESHNESS_SECONDS <= 5


# ----------------------------------------------------------------------------- index files
def test_searching_copies_no_index_file_into_memory(
    bundled_workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from whoosh.filedb import structfile

    Workspace.open(bundled_workspace).reindex()
    copies: list[int] = []
    real_init = structfile.BufferFile.__init__

    def counting(self: Any, buf: Any, *args: Any, **kwargs: Any) -> None:
        copies.append(len(buf))
        real_init(self, buf, *args, **kwargs)

    monkeypatch.setattr(structfile.BufferFile, "__init__", counting)
    workspace = Workspace.open(bundled_workspace)
    results = workspace.index.search_articles("Uyghur OR camps")
    assert results.total_articles > 0
    assert copies == []


def test_a_commit_digests_only_new_index_files(
    aged_workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tuireader.core.search import storage

    folder = aged_workspace / "indexes" / "search"
    before = set(json.loads((folder / storage.RECORD_NAME).read_text())["files"])
    digested: list[str] = []
    real = storage._digest

    def counting(path: Path) -> str:
        digested.append(path.name)
        return real(path)

    (aged_workspace / "seeds" / "d.txt").write_text("D\n\nMarmots everywhere.\n", "utf-8")
    monkeypatch.setattr(storage, "_digest", counting)
    Workspace.open(aged_workspace).reindex()
    after = set(json.loads((folder / storage.RECORD_NAME).read_text())["files"])
    kept, new = before & after, after - before
    assert kept and new  # a small update adds a segment beside the first one
    # A kept file may be digested by the deep check before the update, not by the record.
    assert all(digested.count(name) <= 1 for name in kept)
    assert all(digested.count(name) >= 1 for name in new)
