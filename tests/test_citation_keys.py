"""Pinned citation keys (tuireader.core.export.keys, citations.assign_keys): a key once used
is never given to another article; the keys file keeps the user's edits."""

from __future__ import annotations

from pathlib import Path

import pytest

from tuireader.core.corpus import Article, ArticleMeta
from tuireader.core.export.citations import assign_keys, citation_keys, csl_records
from tuireader.core.export.keys import HEADER, KEYS_FILE, MAX_KEYS_FILE_BYTES, KeyBook

SAME = {"title": "The Problem", "authors": ("Catherine Putz",), "issued": "2018"}
BASE = "putz2018problem"  # what base_key makes of SAME: family name, year, title word


def article(article_id: str, **meta: object) -> Article:
    """An in-memory article with the given metadata (text irrelevant here)."""
    return Article(article_id, Path(f"{article_id}.txt"), "text", ArticleMeta(**meta), [])  # type: ignore[arg-type]


def keys_file(root: Path) -> Path:
    """The keys file of the workspace at `root`."""
    return root / KEYS_FILE


# --- the rules --------------------------------------------------------------------------------


def test_a_new_article_cannot_take_a_key_already_used(tmp_path: Path) -> None:
    """The issue's case: "b" was exported as putz2018problem; then "a" (an id that sorts
    first) is added with the same derived key. Unpinned, "a" would take the key."""
    book = KeyBook.open(tmp_path)
    keys, warnings = book.assign([article("b", **SAME)])
    assert (keys, warnings) == ({"b": BASE}, [])
    assert book.pin(keys) == []

    both = [article("a", **SAME), article("b", **SAME)]
    assert citation_keys(both)["a"] == BASE  # what happened before keys were pinned
    keys, warnings = KeyBook.open(tmp_path).assign(both)
    assert keys == {"a": BASE + "a", "b": BASE}
    (warning,) = warnings
    assert "'putz2018problem'" in warning and "pinned to b" in warning and "a gets" in warning


def test_a_pinned_key_survives_a_change_of_metadata() -> None:
    renamed = article("b", **{**SAME, "title": "Another Title"})
    keys, warnings = assign_keys([renamed], pinned={BASE: "b"})
    assert (keys, warnings) == ({"b": BASE}, [])


def test_the_last_key_pinned_to_an_article_is_its_key() -> None:
    keys, _ = assign_keys([article("b", **SAME)], pinned={BASE: "b", "mine2018": "b"})
    assert keys == {"b": "mine2018"}


def test_keys_of_absent_articles_stay_reserved() -> None:
    keys, warnings = assign_keys([article("new", **SAME)], pinned={BASE: "removed"})
    assert keys == {"new": BASE + "a"}
    assert "pinned to removed" in warnings[0]


def test_a_catalog_key_wins_over_a_pinned_key_with_a_warning() -> None:
    articles = [article("a", **SAME), article("b", title="Other", issued="2019")]
    keys, warnings = assign_keys(articles, overrides={"b": BASE}, pinned={BASE: "a"})
    assert keys["b"] == BASE
    assert keys["a"] == BASE + "a"  # a's pinned key went to b; a derives a free one
    assert any("used for a in earlier exports" in w and f"[@{BASE}]" in w for w in warnings)
    assert not any("pinned to a" in w for w in warnings)  # a's own key is not in a's way


def test_a_catalog_key_replacing_a_used_key_is_warned() -> None:
    keys, warnings = assign_keys(
        [article("a", **SAME)], overrides={"a": "mykey"}, pinned={BASE: "a"}
    )
    assert keys == {"a": "mykey"}
    (warning,) = warnings
    assert "replaces 'putz2018problem'" in warning and "no longer resolves" in warning
    # Once the new key is pinned too, there is nothing left to warn about.
    assert assign_keys([article("a", **SAME)], {"a": "mykey"}, {BASE: "a", "mykey": "a"})[1] == []


def test_one_catalog_key_for_two_articles_goes_to_the_first() -> None:
    articles = [article("a", **SAME), article("b", **SAME)]
    keys, warnings = assign_keys(articles, overrides={"a": "k", "b": "k"})
    assert keys["a"] == "k" and keys["b"] != "k"
    assert len(set(keys.values())) == 2
    assert "to both a and b" in warnings[0]


def test_without_pins_keys_are_as_before() -> None:
    articles = [article("c", **SAME), article("a", **SAME), article("b", **SAME)]
    assert assign_keys(articles) == (
        {"a": BASE, "b": BASE + "a", "c": BASE + "b"},
        [],
    )


def test_csl_records_take_the_pinned_keys() -> None:
    articles = [article("a", **SAME), article("b", **SAME)]
    records = csl_records(articles, None, {BASE: "b"})
    assert {i: r["id"] for i, r in records.items()} == assign_keys(articles, None, {BASE: "b"})[0]
    assert records["b"]["id"] == BASE


# --- the file ---------------------------------------------------------------------------------


def test_pin_writes_a_managed_file_and_appends(tmp_path: Path) -> None:
    book = KeyBook.open(tmp_path)
    assert book.pin({"b": BASE}) == []
    text = keys_file(tmp_path).read_text(encoding="utf-8")
    assert text == HEADER + f"keys:\n  {BASE}: b\n"
    # A hand edit: a comment and a key the user added.
    keys_file(tmp_path).write_text(text + "  # cited in chapter 2\n  handkey: c\n", "utf-8")
    book = KeyBook.open(tmp_path)
    assert book.pins == {BASE: "b", "handkey": "c"}
    assert book.pin({"a": BASE + "a", "b": BASE, "c": "handkey"}) == []
    assert keys_file(tmp_path).read_text(encoding="utf-8") == (
        text + "  # cited in chapter 2\n  handkey: c\n" + f"  {BASE}a: a\n"
    )


def test_pin_never_moves_a_key(tmp_path: Path) -> None:
    book = KeyBook.open(tmp_path)
    book.pin({"b": BASE})
    before = keys_file(tmp_path).read_bytes()
    assert book.pin({"a": BASE}) == []
    assert keys_file(tmp_path).read_bytes() == before
    assert KeyBook.open(tmp_path).pins == {BASE: "b"}


def test_pin_keeps_what_another_session_pinned(tmp_path: Path) -> None:
    first, second = KeyBook.open(tmp_path), KeyBook.open(tmp_path)
    assert first.pin({"a": "one"}) == []
    assert second.pin({"b": "two"}) == []  # its own view is stale: it reads the file again
    assert KeyBook.open(tmp_path).pins == {"one": "a", "two": "b"}


@pytest.mark.parametrize("article_id", ["123", "yes", "null", "0x1F", "2018-09-01", "a: b"])
def test_article_ids_read_back_as_text(tmp_path: Path, article_id: str) -> None:
    KeyBook.open(tmp_path).pin({article_id: "k"})
    book = KeyBook.open(tmp_path)
    assert (book.pins, book.problem) == ({"k": article_id}, None)


def test_a_flow_style_file_is_written_out_again_with_every_pin(tmp_path: Path) -> None:
    keys_file(tmp_path).write_text("keys: {hand2020: x}\n", encoding="utf-8")
    assert KeyBook.open(tmp_path).pin({"y": "new2021"}) == []
    text = keys_file(tmp_path).read_text(encoding="utf-8")
    assert text.startswith(HEADER)
    assert KeyBook.open(tmp_path).pins == {"hand2020": "x", "new2021": "y"}


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("keys:\n  good: a\n  bad key: b\n", "line 3: 'bad key' is not a citation key"),
        ("keys:\n  good: a\n  other: 12\n", "line 3: the key 'other' must be followed by"),
        ("keys:\n  good: a\n  good: b\n", "line 3: 'good' is written twice"),
        ("keys:\n  good: a\nkey: x\n", "line 3: unknown key 'key' (only 'keys')"),
        ("keys: [a, b]\n", "line 1: 'keys' must be a mapping"),
        ("keys:\n  good: a\n  - b\n", "line 3"),  # not YAML
        ("keys:\n  good: !!python/object:os.system a\n", "not allowed"),
    ],
)
def test_a_broken_file_is_read_only_and_never_rewritten(
    tmp_path: Path, content: str, said: str
) -> None:
    keys_file(tmp_path).write_text(content, encoding="utf-8")
    book = KeyBook.open(tmp_path)
    assert book.read_only
    assert book.problem is not None and book.problem.startswith(f"{KEYS_FILE}: ")
    assert said in book.problem and "left as it is" in book.problem
    (problem,) = book.pin({"z": "newkey"})
    assert problem == book.problem
    assert keys_file(tmp_path).read_text(encoding="utf-8") == content
    _keys, warnings = book.assign([article("z", **SAME)])
    assert book.problem in warnings


def test_the_right_entries_of_a_broken_file_still_protect_their_keys(tmp_path: Path) -> None:
    keys_file(tmp_path).write_text(f"keys:\n  {BASE}: b\n  bad key: c\n", encoding="utf-8")
    keys, _warnings = KeyBook.open(tmp_path).assign([article("a", **SAME)])
    assert keys == {"a": BASE + "a"}


def test_a_file_over_the_limit_is_refused_unread(tmp_path: Path) -> None:
    keys_file(tmp_path).write_bytes(b"keys:\n" + b"#" * MAX_KEYS_FILE_BYTES)
    book = KeyBook.open(tmp_path)
    assert book.problem is not None and "may hold at most" in book.problem


def test_a_file_that_is_fixed_is_used_again(tmp_path: Path) -> None:
    keys_file(tmp_path).write_text("keys: [\n", encoding="utf-8")
    book = KeyBook.open(tmp_path)
    assert book.read_only
    keys_file(tmp_path).write_text("keys:\n  old: a\n", encoding="utf-8")
    assert book.pin({"b": "new"}) == []  # pin reads the file again
    assert (book.pins, book.problem) == ({"old": "a", "new": "b"}, None)


def test_a_pin_that_cannot_be_written_is_said(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder", encoding="utf-8")
    book = KeyBook.open(tmp_path / "file")
    (problem,) = book.pin({"a": "k"})
    assert problem.startswith(f"{KEYS_FILE} cannot be written") and "not pinned" in problem


# --- through the CLI: exporting and citing pin the keys they give out ---------------------


def _workspace_with(root: Path, *article_ids: str) -> Path:
    """A workspace whose articles all have SAME's metadata (so all derive BASE)."""
    seeds = root / "seeds"
    seeds.mkdir(parents=True, exist_ok=True)
    catalog = "articles:\n"
    for article_id in article_ids:
        (seeds / f"{article_id}.txt").write_text(f"Text of {article_id}.\n", encoding="utf-8")
        catalog += f"  {article_id}:\n    title: The Problem\n    authors: [Catherine Putz]\n"
        catalog += '    issued: "2018"\n'
    (seeds / "catalog.yaml").write_text(catalog, encoding="utf-8")
    return root


def _cite(root: Path, article_id: str, capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    """`tuireader cite ID --json`: the key it gives and what it said on stderr."""
    import json

    from tuireader.cli import main

    assert main(["--workspace", str(root), "cite", article_id, "--json"]) == 0
    out, err = capsys.readouterr()
    return json.loads(out)["key"], err


@pytest.mark.parametrize("first", ["export", "cite"])
def test_a_key_given_out_keeps_citing_its_article(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], first: str
) -> None:
    """The issue's manuscript case, end to end: "b" is exported (or cited) as BASE; "a",
    added later, sorts first and would have taken BASE; it gets the next suffix, warned."""
    from tuireader.cli import main

    root = _workspace_with(tmp_path / "ws", "b")
    if first == "export":
        bib = tmp_path / "refs.bib"
        args = ["--workspace", str(root), "export", "--format", "bibtex", "-o", str(bib)]
        assert main(args) == 0
        assert f"{{{BASE}," in bib.read_text(encoding="utf-8")
        capsys.readouterr()
    else:
        assert _cite(root, "b", capsys) == (BASE, "")
    assert KeyBook.open(root).pins == {BASE: "b"}

    _workspace_with(root, "a", "b")
    key_a, said = _cite(root, "a", capsys)
    assert key_a == BASE + "a"
    assert "pinned to b" in said
    assert _cite(root, "b", capsys)[0] == BASE
