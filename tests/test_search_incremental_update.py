"""Issue 12: one edited article is searchable again at the cost of that article.

After an edit, the search that follows (in a new process, as `tuireader search` is) reads
only the changed file, writes only its documents, leaves the big segment as it was and
brings the spelling tables up to date for the changed terms instead of computing them
from the whole lexicon; removed, renamed and duplicate files and catalog edits still
come out right.
"""

from __future__ import annotations

import io
import itertools
import json
import os
from collections.abc import Callable
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest
from whoosh.writing import SegmentWriter

from tuireader.cli import main
from tuireader.core.search.documents import SCHEMA_VERSION
from tuireader.core.search.storage import IndexFolder, toc_generation
from tuireader.core.search.variants import SpellingTables
from tuireader.core.workspace import Workspace

ARTICLES = 30
# Names written mid-sentence, so the index takes them for names (variants.py): the
# spelling tables then hold names and variants to keep up to date.
NAMES = ["Zhanibek", "Kasym", "Gulnara", "Abdurakhmanov", "Hoffmann", "Petrova"]
# The tables computed afresh, as a check (taken before a test counts the calls of build).
BUILD_AFRESH = SpellingTables.build.__func__  # type: ignore[attr-defined]


def word(number: int) -> str:
    """A word of letters only, different for each number (the analyzer keeps it whole)."""
    letters = ""
    while True:
        number, digit = divmod(number, 26)
        letters += chr(ord("a") + digit)
        if not number:
            return "qx" + letters


def story(number: int) -> str:
    name = NAMES[number % len(NAMES)]
    return (
        f"Report {word(number)}\n\n"
        f"On Monday the envoy {name} met reporters in the capital.\n\n"
        f"The talks on trade and water went on late into the night, said {name}.\n"
    )


def file_name(number: int) -> str:
    return f"desk{number % 3}/story{number:02d}.txt"


def age(*paths: Path, seconds: float = 3600) -> None:
    """Move modification times back, so that no stamp is too recent to be trusted."""
    for path in paths:
        info = path.stat()
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns - int(seconds * 1e9)))


def make_recent_check_old(root: Path) -> None:
    """What a person who edits and then searches sees: the last check is seconds old."""
    age(root / "indexes" / "search-folders.json", seconds=10)


@pytest.fixture
def indexed(make_workspace: Callable[..., Path]) -> Path:
    """A workspace of ARTICLES articles, written long ago and indexed."""
    root = make_workspace({file_name(n): story(n) for n in range(ARTICLES)})
    seeds = root / "seeds"
    age(*seeds.rglob("*"), seeds)
    Workspace.open(root).reindex()
    return root


@pytest.fixture
def written(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The uid of every document added to the index from now on."""
    found: list[str] = []
    real = SegmentWriter.add_document

    def counting(self: Any, **fields: Any) -> Any:
        found.append(fields["uid"])
        return real(self, **fields)

    monkeypatch.setattr(SegmentWriter, "add_document", counting)
    return found


@pytest.fixture
def full_builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Each time the spelling tables are computed from the whole lexicon."""
    calls: list[int] = []

    def counting(cls: type[SpellingTables], reader: Any, generation: int) -> SpellingTables:
        calls.append(generation)
        return BUILD_AFRESH(cls, reader, generation)  # type: ignore[no-any-return]

    monkeypatch.setattr(SpellingTables, "build", classmethod(counting))
    return calls


def replace_file(path: Path, text: str) -> None:
    """Save as most editors do: a new file renamed over the old one."""
    temp = path.with_name(f".{path.name}.new")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


def edit_in_place(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as stream:
        stream.write(text)


def found_ids(root: Path, query: str) -> list[str]:
    """The articles a search in a new Workspace (a new process, as the CLI is) finds."""
    results = Workspace.open(root).search(query, limit=50)
    return sorted({hit.doc_id for hit in results.hits})


def cli_search(root: Path, query: str) -> dict[str, Any]:
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["--workspace", str(root), "search", query, "--json"]) == 0
    return json.loads(out.getvalue())  # type: ignore[no-any-return]


def index_files(root: Path) -> dict[str, int]:
    """The index's segment files with their modification times."""
    folder = root / "indexes" / "search"
    return {path.name: path.stat().st_mtime_ns for path in folder.glob("*.seg")}


# ----------------------------------------------------------------------------- one edit
def test_a_replaced_file_is_found_reading_and_indexing_only_it(
    indexed: Path, counted_reads: list[Path], written: list[str]
) -> None:
    path = indexed / "seeds" / file_name(7)
    replace_file(path, story(7) + "\nGlaciers were seen.\n")
    assert found_ids(indexed, "glaciers") == ["desk1/story07"]
    assert counted_reads == [path]
    assert written and all(uid.startswith("desk1/story07#") for uid in written)


def test_an_edit_in_place_is_found_by_the_cli_reading_only_that_file(
    indexed: Path, counted_reads: list[Path], written: list[str]
) -> None:
    path = indexed / "seeds" / file_name(12)
    edit_in_place(path, "\nVolcanoes rumbled.\n")
    make_recent_check_old(indexed)
    found = cli_search(indexed, "volcanoes")
    assert [article["doc_id"] for article in found["articles"]] == ["desk0/story12"]
    assert counted_reads == [path]
    assert written and all(uid.startswith("desk0/story12#") for uid in written)


def test_an_edit_rewrites_no_existing_segment(indexed: Path) -> None:
    before = index_files(indexed)
    biggest = max(before, key=lambda name: (indexed / "indexes" / "search" / name).stat().st_size)
    replace_file(indexed / "seeds" / file_name(3), story(3) + "\nMarmots everywhere.\n")
    assert found_ids(indexed, "marmots") == ["desk0/story03"]
    after = index_files(indexed)
    assert after[biggest] == before[biggest]  # the same file, not written again
    assert len(set(after) - set(before)) == 1  # one small segment beside it


def test_edits_update_the_spelling_tables_as_a_fresh_build_would(
    indexed: Path, full_builds: list[int]
) -> None:
    """Enough edits for Whoosh to merge its small segments (whose deleted documents then
    leave the counts): after each, the stored tables equal tables computed afresh."""
    seeds = indexed / "seeds"
    edits = [
        (0, "\nThe envoy Janibek arrived later.\n"),  # a j/zh variant of Zhanibek
        (1, "\nThen Kassym and Qasym spoke.\n"),  # doubled letters and q/k
        (2, "\nAt dawn Gulnara left.\n"),  # a name's count only
        (0, "\nNobody came.\n"),  # Janibek gone again
        (4, "\nHofmann and Hoffman wrote.\n"),
        (5, "\nPetrov and Petrova were there.\n"),
        (6, "\nRivers rose.\n"),
        (1, "\nStill nothing.\n"),  # Kassym and Qasym gone
    ]
    segments = [len(index_files(indexed))]
    for number, added in edits:
        path = seeds / file_name(number)
        replace_file(path, story(number) + added)
        age(path, seconds=60)
        found_ids(indexed, "envoy")  # the search that brings the index up to date
        assert_tables_match_a_fresh_build(indexed)
        segments.append(len(index_files(indexed)))
    assert full_builds == []  # every update brought the tables up to date instead
    assert any(b < a for a, b in itertools.pairwise(segments)), "no merge was exercised"


def test_a_variant_introduced_by_an_edit_is_matched(indexed: Path) -> None:
    path = indexed / "seeds" / file_name(0)
    replace_file(path, story(0) + "\nThe envoy Janibek arrived later.\n")
    results = Workspace.open(indexed).search("Janibek")
    assert "zhanibek" in results.variants.get("janibek", [])


def assert_tables_match_a_fresh_build(root: Path) -> None:
    folder = root / "indexes" / "search"
    generation = toc_generation(folder)
    stored = SpellingTables.load(folder, generation, complete=True)
    assert stored is not None, "the tables of this generation were not stored"
    index = IndexFolder(folder, SCHEMA_VERSION).open_for_reading()
    with index.reader() as reader:
        fresh = BUILD_AFRESH(SpellingTables, reader, generation)
    assert stored.names == fresh.names
    assert stored.variants == fresh.variants
    assert stored.vocabulary() == fresh.vocabulary()


# ----------------------------------------------------------------------- what else changes
def test_deleted_and_renamed_files_leave_the_index(
    indexed: Path, counted_reads: list[Path]
) -> None:
    seeds = indexed / "seeds"
    (seeds / file_name(5)).unlink()
    os.rename(seeds / file_name(6), seeds / "desk0" / "renamed.txt")
    assert found_ids(indexed, word(5)) == []
    assert found_ids(indexed, word(6)) == ["desk0/renamed"]
    assert counted_reads == [seeds / "desk0" / "renamed.txt"]
    assert found_ids(indexed, "envoy") == sorted(
        [f"desk{n % 3}/story{n:02d}" for n in range(ARTICLES) if n not in (5, 6)]
        + ["desk0/renamed"]
    )


def test_a_catalog_edit_reindexes_that_article_only(
    indexed: Path, counted_reads: list[Path]
) -> None:
    (indexed / "seeds" / "catalog.yaml").write_text(
        "articles:\n  desk2/story08:\n    container: The Plain Dealer\n", encoding="utf-8"
    )
    assert found_ids(indexed, "source:dealer") == ["desk2/story08"]
    assert counted_reads == [indexed / "seeds" / file_name(8)]


def test_two_files_with_one_id_keep_the_first(make_workspace: Callable[..., Path]) -> None:
    root = make_workspace({"a.md": "A\n\nThe first says lagoons.\n", "a.txt": "A\n\nFjords.\n"})
    seeds = root / "seeds"
    age(*seeds.rglob("*"), seeds)
    Workspace.open(root).reindex()
    replace_file(seeds / "a.txt", "A\n\nFjords and geysers.\n")  # the second file
    assert found_ids(root, "geysers") == []
    assert found_ids(root, "lagoons") == ["a"]


def test_a_stamp_too_recent_to_trust_is_read_again_by_the_next_update(
    indexed: Path,
) -> None:
    # Written, then indexed within the file system's clock tick: an edit of the same
    # size in that tick keeps the stamp, so the next update reads the file whatever its
    # stamp says.
    path = indexed / "seeds" / file_name(9)
    replace_file(path, story(9) + "\nAlpha beta.\n")
    assert found_ids(indexed, "alpha") == ["desk0/story09"]
    info = path.stat()
    path.write_text(story(9) + "\nGamma beta.\n", encoding="utf-8")  # same size, in place
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))  # and the same time
    replace_file(indexed / "seeds" / file_name(10), story(10) + "\nDelta.\n")  # any change
    assert found_ids(indexed, "gamma") == ["desk0/story09"]


def test_without_a_usable_record_every_article_is_looked_at(
    indexed: Path, counted_reads: list[Path]
) -> None:
    (indexed / "indexes" / "search-files.json").unlink()
    replace_file(indexed / "seeds" / file_name(2), story(2) + "\nOrchards.\n")
    assert found_ids(indexed, "orchards") == ["desk2/story02"]
    assert len(counted_reads) == ARTICLES


def test_the_index_command_still_looks_at_every_article(
    indexed: Path, counted_reads: list[Path]
) -> None:
    # `tuireader index` (no freshness check before it) digests and reads everything.
    report = Workspace.open(indexed).reindex()
    assert report.unchanged == ARTICLES and len(counted_reads) == ARTICLES
