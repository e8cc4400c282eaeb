"""The YAML annotation store: round trips, layout, merging, and refusing bad files."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import filelock
import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tuireader.core.annotations import store as annotations_module
from tuireader.core.annotations.anchoring import TextTarget
from tuireader.core.annotations.model import (
    Annotation,
    AnnotationFileError,
    AnnotationNotFoundError,
    DuplicateAnnotationError,
    new_annotation,
)
from tuireader.core.annotations.schema import parse_annotation_file
from tuireader.core.annotations.store import (
    AnnotationStore,
    article_id_from_file_name,
    file_name_for,
)
from tuireader.core.annotations.yaml_format import dump_annotations
from tuireader.core.corpus import Article, load_article

TEXT = (
    "Ethnic Kazakhs have served as a critical window into the camps.\n\n"
    "In a September report, the group chronicled the escalation of security measures.\n\n"
    "Officials in Astana said they were “monitoring the situation” closely.\n"
)


def article_from(folder: Path, text: str = TEXT, article_id: str = "story") -> Article:
    seeds = folder / "seeds"
    path = seeds / f"{article_id}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return load_article(path, seeds)


def quote(article: Article, words: str, **fields: object) -> Annotation:
    start = article.text.index(words)
    return new_annotation(article, start, start + len(words), **fields)  # type: ignore[arg-type]


@pytest.fixture
def article(tmp_path: Path) -> Article:
    return article_from(tmp_path)


@pytest.fixture
def store(tmp_path: Path) -> AnnotationStore:
    return AnnotationStore(tmp_path / "annotations")


def test_round_trip_keeps_every_field(article: Article, store: AnnotationStore) -> None:
    made = quote(
        article,
        "“monitoring the situation”",
        label="yellow",
        note="First line.\nSecond line: with a colon.\n\n  indented",
        tags=["camps", "Astana", "camps"],
    )
    store.add(made)
    loaded = store.load(article.id)
    assert (loaded.read_only, loaded.problem, loaded.exists) == (False, None, True)
    assert loaded.annotations == [made]
    assert made.tags == ["camps", "Astana"]  # repeats dropped, order kept
    assert made.target.exact == "“monitoring the situation”"
    assert made.target.paragraph == 3


def test_file_layout_is_stable_and_readable(article: Article, store: AnnotationStore) -> None:
    late = quote(article, "closely", note="two\nlines")
    early = quote(article, "Ethnic Kazakhs", label="red", tags=["people"])
    store.add(late)
    store.add(early)
    text = store.path_for(article.id).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert list(data) == ["schema", "article", "annotations"]
    assert data["schema"] == 1 and data["article"] == "story"
    assert [a["id"] for a in data["annotations"]] == [early.id, late.id]  # by position
    first = data["annotations"][0]
    assert list(first) == ["id", "created", "updated", "label", "tags", "note", "target"]
    assert list(first["target"]) == [
        "exact",
        "prefix",
        "suffix",
        "start",
        "end",
        "paragraph",
        "checksum",
    ]
    assert "note: |-\n    two\n    lines\n" in text  # block scalar, not "two\nlines"
    assert "- people\n" in text
    # Writing the same content again gives the same bytes (diff-friendly).
    assert dump_annotations(article.id, [late, early]) == text


def test_times_are_iso_utc(article: Article) -> None:
    made = quote(article, "closely")
    assert made.created == made.updated
    assert made.created.endswith("Z") and made.created[10] == "T"


@settings(max_examples=150, deadline=None)
@example(note="a\n\n", label="\n", tags=["x\n"], exact="...\n---\n", prefix="\n\n\n")
@example(note=" lead\ntrail \n", label=None, tags=[], exact="\x85\u2028\r", prefix="# no")
@given(
    note=st.text(st.characters(blacklist_categories=["Cs"])),
    label=st.none() | st.text(st.characters(blacklist_categories=["Cs"]), max_size=12),
    tags=st.lists(st.text(st.characters(blacklist_categories=["Cs"]), min_size=1), max_size=3),
    exact=st.text(st.characters(blacklist_categories=["Cs"]), min_size=1),
    prefix=st.text(st.characters(blacklist_categories=["Cs"]), max_size=32),
)
def test_any_text_survives_dump_and_parse(
    note: str, label: str | None, tags: list[str], exact: str, prefix: str
) -> None:
    """Property: whatever characters a note or quote holds (\\r, \\x85, U+2028, trailing
    spaces, YAML syntax), writing and reading gives back exactly the same annotation."""
    target = TextTarget(exact, prefix, "\r\n" + prefix, 3, 3 + len(exact), 2, "abc")
    made = Annotation(
        "id1", "doc", "2024-01-02T03:04:05Z", "2024-01-02T03:04:05Z", label, tags, note, target
    )
    # Neighbours on both sides: each annotation is written as its own item and joined.
    before = dataclasses.replace(made, id="id0", note=note + "\n\n", label=None)
    after = dataclasses.replace(made, id="id2", note="plain", tags=[])
    after.target = dataclasses.replace(target, start=target.start + 1, end=target.end + 1)
    before.target = dataclasses.replace(target, start=target.start - 1)
    text = dump_annotations("doc", [after, made, before])
    parsed, problem = parse_annotation_file(text, "doc", "doc.yaml")
    assert problem is None
    assert parsed == [before, made, after]


def test_update_changes_one_annotation_and_keeps_created(
    article: Article, store: AnnotationStore
) -> None:
    one = store.add(quote(article, "Ethnic Kazakhs"))
    two = store.add(quote(article, "closely"))
    edited = dataclasses.replace(one, note="checked", tags=["x"], label="blue", created="bogus")
    stored = store.update(edited)
    assert stored.created == one.created
    assert stored.updated >= one.updated
    loaded = store.load(article.id)
    assert loaded.annotations == [stored, two]
    assert (stored.note, stored.tags, stored.label) == ("checked", ["x"], "blue")


def test_update_of_a_deleted_annotation_is_reported(
    article: Article, store: AnnotationStore
) -> None:
    one = store.add(quote(article, "Ethnic Kazakhs"))
    assert store.delete(article.id, one.id) is True
    with pytest.raises(AnnotationNotFoundError):
        store.update(dataclasses.replace(one, note="late edit"))


def test_adding_an_existing_id_is_refused(article: Article, store: AnnotationStore) -> None:
    one = store.add(quote(article, "Ethnic Kazakhs"))
    with pytest.raises(DuplicateAnnotationError):
        store.add(dataclasses.replace(one, note="other"))
    assert store.load(article.id).annotations == [one]


def test_delete_touches_only_its_id(article: Article, store: AnnotationStore) -> None:
    one = store.add(quote(article, "Ethnic Kazakhs"))
    two = store.add(quote(article, "closely"))
    assert store.delete(article.id, one.id) is True
    assert store.delete(article.id, one.id) is False
    assert store.load(article.id).annotations == [two]
    assert store.delete("no-such-article", "x") is False
    assert not store.path_for("no-such-article").exists()


def test_two_sessions_merge_instead_of_overwriting(article: Article, tmp_path: Path) -> None:
    first = AnnotationStore(tmp_path / "annotations")
    second = AnnotationStore(tmp_path / "annotations")
    a = first.add(quote(article, "Ethnic Kazakhs"))
    seen_by_second = second.load(article.id)  # second session's view is now stale
    b = first.add(quote(article, "closely"))
    c = second.add(quote(article, "critical window"))
    updated_a = second.update(dataclasses.replace(seen_by_second.annotations[0], note="n"))
    assert {x.id for x in first.load(article.id).annotations} == {a.id, b.id, c.id}
    assert first.load(article.id).get(a.id) == updated_a


def test_missing_file_is_empty_and_writable(store: AnnotationStore) -> None:
    loaded = store.load("nothing-here")
    assert (loaded.annotations, loaded.read_only, loaded.exists) == ([], False, False)


def test_empty_file_is_empty_and_writable(article: Article, store: AnnotationStore) -> None:
    store.directory.mkdir()
    store.path_for(article.id).write_text("\n", encoding="utf-8")
    assert store.load(article.id).read_only is False
    store.add(quote(article, "closely"))
    assert len(store.load(article.id).annotations) == 1


def test_hand_written_times_and_nulls_are_accepted(store: AnnotationStore) -> None:
    store.directory.mkdir()
    store.path_for("story").write_text(
        "schema: 1\narticle: story\nannotations:\n"
        "- id: hand1\n  created: 2024-05-01T10:00:00Z\n  updated: 2024-05-01\n"
        "  label:\n  tags:\n  note:\n"
        "  target: {exact: camps, start: 1, end: 6, paragraph: 1, checksum: abc}\n",
        encoding="utf-8",
    )
    loaded = store.load("story")
    assert loaded.problem is None
    (hand,) = loaded.annotations
    assert (hand.created, hand.updated, hand.label, hand.tags, hand.note) == (
        "2024-05-01T10:00:00Z",
        "2024-05-01",
        None,
        [],
        "",
    )
    assert (hand.target.prefix, hand.target.suffix) == ("", "")


# --- files that must never be written ---------------------------------------------------

GOOD_ENTRY = (
    "- id: good1\n  created: '2024-01-01T00:00:00Z'\n  updated: '2024-01-01T00:00:00Z'\n"
    "  label: null\n  tags: []\n  note: ''\n  target:\n    exact: camps\n    prefix: ''\n"
    "    suffix: ''\n    start: 1\n    end: 6\n    paragraph: 1\n    checksum: abc\n"
)
HEADER = "schema: 1\narticle: story\nannotations:\n"

BAD_FILES = {
    "malformed YAML": (HEADER + GOOD_ENTRY + "- id: [unclosed\n", "starts on line 18"),
    "tab indentation": (HEADER + "-\tid: x\n", "line 4"),
    "python object": (
        HEADER + "- !!python/object/apply:os.system ['touch {marker}']\n",
        "!!python/object/apply:os.system is not allowed",
    ),
    "python name": (HEADER + "- id: !!python/name:os.system\n", "line 4: the YAML tag"),
    "wrong schema version": ("schema: 2\narticle: story\nannotations: []\n", "schema 1"),
    "no schema": ("article: story\nannotations: []\n", "no 'schema: 1' line"),
    "not a mapping": ("- just\n- a list\n", "must be a mapping"),
    "annotations not a list": (HEADER + "  a: 1\n", "line 3: 'annotations' must be a list"),
    "tags not strings": (HEADER + GOOD_ENTRY.replace("tags: []", "tags: [2019]"), "line 8"),
    "missing target": (HEADER + GOOD_ENTRY.split("  target:")[0], "no 'target'"),
    "end before start": (
        HEADER + GOOD_ENTRY.replace("end: 6", "end: 1"),
        "line 15: annotation 'good1': target 'end' must be after",
    ),
    "unknown key": (HEADER + GOOD_ENTRY.replace("  note: ''", "  colour: red"), "colour"),
    "duplicate key": (HEADER + GOOD_ENTRY.replace("  note: ''", "  note: a\n  note: b"), "line 10"),
    "duplicate id": (HEADER + GOOD_ENTRY + GOOD_ENTRY, "appears twice"),
    "other article": (HEADER.replace("story", "elsewhere") + GOOD_ENTRY, "'elsewhere'"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_files_are_refused_and_left_byte_identical(
    case: str, article: Article, store: AnnotationStore, tmp_path: Path
) -> None:
    marker = tmp_path / "pwned"
    content, expected = BAD_FILES[case]
    store.directory.mkdir()
    path = store.path_for(article.id)
    original = content.replace("{marker}", str(marker)).encode("utf-8")
    path.write_bytes(original)

    loaded = store.load(article.id)
    assert loaded.read_only is True
    assert loaded.problem is not None and expected in loaded.problem
    assert "annotations/story.yaml" in loaded.problem
    good = loaded.annotations[0] if loaded.annotations else quote(article, "closely")
    attempts = [
        lambda: store.add(quote(article, "Ethnic Kazakhs")),
        lambda: store.update(dataclasses.replace(good, note="changed")),
        lambda: store.delete(article.id, good.id),
    ]
    for attempt in attempts:
        with pytest.raises(AnnotationFileError, match="read-only until it is fixed"):
            attempt()
    assert path.read_bytes() == original
    assert not marker.exists()
    assert sorted(p.name for p in store.directory.iterdir() if p.suffix != ".lock") == [
        "story.yaml"
    ]


def test_schema_problems_still_list_the_valid_entries(store: AnnotationStore) -> None:
    store.directory.mkdir()
    bad_entry = GOOD_ENTRY.replace("good1", "bad1").replace("tags: []", "tags: 5")
    store.path_for("story").write_text(HEADER + GOOD_ENTRY + bad_entry, encoding="utf-8")
    loaded = store.load("story")
    assert loaded.read_only
    assert [a.id for a in loaded.annotations] == ["good1"]
    assert loaded.problem is not None and "'bad1'" in loaded.problem


def test_undecodable_file_is_refused(article: Article, store: AnnotationStore) -> None:
    store.directory.mkdir()
    path = store.path_for(article.id)
    original = (HEADER + GOOD_ENTRY).encode() + b"  # caf\xe9\n"
    path.write_bytes(original)
    loaded = store.load(article.id)
    assert loaded.read_only and loaded.problem is not None and "not UTF-8" in loaded.problem
    with pytest.raises(AnnotationFileError):
        store.add(quote(article, "closely"))
    assert path.read_bytes() == original


def test_a_failed_write_leaves_the_old_file(
    article: Article, store: AnnotationStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.add(quote(article, "closely"))
    before = store.path_for(article.id).read_bytes()

    def disk_full(path: Path, text: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(annotations_module, "atomic_write_text", disk_full)
    with pytest.raises(AnnotationFileError, match="No space left"):
        store.add(quote(article, "Ethnic Kazakhs"))
    assert store.path_for(article.id).read_bytes() == before


def test_a_held_lock_times_out_with_a_clear_error(article: Article, tmp_path: Path) -> None:
    store = AnnotationStore(tmp_path / "annotations", lock_timeout=0.2)
    store.add(quote(article, "closely"))
    before = store.path_for(article.id).read_bytes()
    with (
        filelock.FileLock(f"{store.path_for(article.id)}.lock"),
        pytest.raises(AnnotationFileError, match="locked by another"),
    ):
        store.add(quote(article, "Ethnic Kazakhs"))
    assert store.path_for(article.id).read_bytes() == before


# --- file names and listing ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("article_id", "name"),
    [
        ("000_55308b7769cb3055", "000_55308b7769cb3055.yaml"),
        ("politics/uk/story", "politics__uk__story.yaml"),
        ("50% off: deal?", "50%25 off%3A deal%3F.yaml"),
        ("café", "café.yaml"),
    ],
)
def test_file_names(article_id: str, name: str) -> None:
    assert file_name_for(article_id) == name
    assert article_id_from_file_name(name) == article_id


def test_all_lists_annotation_files_only(tmp_path: Path) -> None:
    store = AnnotationStore(tmp_path / "annotations")
    nested = article_from(tmp_path, article_id="politics/story")
    plain = article_from(tmp_path, article_id="a__b")
    store.add(quote(nested, "closely"))
    store.add(quote(plain, "Ethnic Kazakhs"))
    folder = store.directory
    (folder / "README.md").write_text("notes", encoding="utf-8")
    (folder / ".a__b.yaml.x1y2.tmp").write_text("half a fi", encoding="utf-8")
    (folder / "politics__story.yaml.lock").write_text("", encoding="utf-8")
    (folder / "sub.yaml").mkdir()
    (folder / "broken.yaml").write_text("schema: [\n", encoding="utf-8")

    listed = dict(store.all())
    assert sorted(listed) == ["a__b", "broken", "politics/story"]
    assert [a.target.exact for a in listed["politics/story"].annotations] == ["closely"]
    assert listed["a__b"].problem is None  # the id recorded inside wins over the name
    assert listed["broken"].read_only and listed["broken"].annotations == []
    assert list(AnnotationStore(tmp_path / "missing").all()) == []
