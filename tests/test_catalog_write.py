"""Writing seeds/catalog.yaml: facts fill only what is missing, corrections replace only the
fields given, and the user's comments and formatting are kept byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from tuireader.core.catalog import check_catalog_text
from tuireader.core.catalog_write import (
    CatalogFieldError,
    CatalogWriteError,
    add_facts,
    catalog_key,
    set_fields,
)

HAND_WRITTEN = """\
# My catalog — comments matter to me.
articles:
  putz:   # checked against the print edition
    title: Kazakhstan and the Xinjiang Problem
    authors: [Catherine Putz]
    issued: "2018-09"    # month only
  hrw:
    # the report, not the press release
    title:
    authors:
      - {literal: Human Rights Watch}
  bare:
"""


def _seeds(tmp_path: Path, text: str | None) -> Path:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    if text is not None:
        (seeds / "catalog.yaml").write_text(text, encoding="utf-8")
    return seeds


def _read(seeds: Path) -> str:
    return (seeds / "catalog.yaml").read_text(encoding="utf-8")


def _entries(seeds: Path) -> dict[str, dict[str, object]]:
    entries, warnings = check_catalog_text((seeds / "catalog.yaml").read_bytes())
    assert warnings == []
    return entries


def test_catalog_key_takes_an_id_or_a_file_name() -> None:
    assert catalog_key("politics/story.txt") == "politics/story"
    assert catalog_key("report.md") == "report"
    assert catalog_key("000_55308b7769cb3055") == "000_55308b7769cb3055"
    assert catalog_key("v1.2-notes") == "v1.2-notes"


def test_add_facts_fills_only_missing_or_empty_fields_and_keeps_the_users(tmp_path: Path) -> None:
    seeds = _seeds(tmp_path, HAND_WRITTEN)
    messages = add_facts(
        seeds,
        {
            "putz.txt": {
                "title": "Kazakhstan & the Xinjiang Problem (web)",
                "container": "The Diplomat",
                "issued": "2018-09-12",
            },
            "hrw": {"title": "Eradicating Ideological Viruses", "authors": ["Somebody Else"]},
            "bare": {"title": "Bare Facts", "url": "https://example.org/bare"},
        },
    )
    entries = _entries(seeds)
    # The user's title and date are kept; the outlet they had not written is added.
    assert entries["putz"]["title"] == "Kazakhstan and the Xinjiang Problem"
    assert entries["putz"]["issued"] == "2018-09"
    assert entries["putz"]["container"] == "The Diplomat"
    # An empty title is filled; the literal author stays.
    assert entries["hrw"]["title"] == "Eradicating Ideological Viruses"
    assert entries["hrw"]["authors"] == ["{Human Rights Watch}"]
    assert entries["bare"] == {"title": "Bare Facts", "url": "https://example.org/bare"}
    # One message per fact not used, naming the article, the field and both values.
    assert len(messages) == 3
    assert any("'putz'" in m and "title" in m and "(web)" in m for m in messages)
    assert any("'putz'" in m and "issued" in m and "2018-09-12" in m for m in messages)
    assert any("'hrw'" in m and "authors" in m and "Somebody Else" in m for m in messages)
    text = _read(seeds)
    for line in (
        "# My catalog — comments matter to me.",
        "  putz:   # checked against the print edition",
        '    issued: "2018-09"    # month only',
        "    # the report, not the press release",
    ):
        assert line in text


def test_add_facts_adds_new_entries_at_the_end_leaving_the_rest_byte_for_byte(
    tmp_path: Path,
) -> None:
    seeds = _seeds(tmp_path, HAND_WRITTEN + "# end of my list\n")
    add_facts(seeds, {"new/report.txt": {"title": "Report: 2023", "authors": ["A. Writer"]}})
    text = _read(seeds)
    assert text.startswith(HAND_WRITTEN + "# end of my list\n")
    assert _entries(seeds)["new/report"] == {"title": "Report: 2023", "authors": ["A. Writer"]}


def test_add_facts_leaves_out_a_fact_that_does_not_fit_and_says_so(tmp_path: Path) -> None:
    seeds = _seeds(tmp_path, HAND_WRITTEN)
    messages = add_facts(seeds, {"odd": {"title": "Odd", "issued": "2019-02-30"}})
    assert _entries(seeds)["odd"] == {"title": "Odd"}
    assert len(messages) == 1
    assert "'issued'" in messages[0] and "2019-02-30 is not a real date" in messages[0]


def test_add_facts_makes_a_catalog_when_there_is_none(tmp_path: Path) -> None:
    seeds = _seeds(tmp_path, None)
    add_facts(seeds, {"a": {"title": "A", "source": "sources/a.html", "language": "en"}})
    assert _entries(seeds) == {"a": {"title": "A", "source": "sources/a.html", "language": "en"}}
    assert _read(seeds).startswith("# Bibliographic metadata")


@pytest.mark.parametrize(
    "start",
    ["", "# only a comment", "# only a comment\n", "articles:\n", "articles: {}\n"],
)
def test_add_facts_to_an_empty_catalog(tmp_path: Path, start: str) -> None:
    seeds = _seeds(tmp_path, start)
    add_facts(seeds, {"a": {"title": "A"}, "b": {"authors": ["B Person"]}})
    assert _entries(seeds) == {"a": {"title": "A"}, "b": {"authors": ["B Person"]}}
    if start.startswith("#"):
        assert _read(seeds).startswith("# only a comment\n")


def test_a_catalog_without_final_newline_gets_its_entry_on_a_line_of_its_own(
    tmp_path: Path,
) -> None:
    seeds = _seeds(tmp_path, "articles:\n  a:\n    title: A  # mine")
    add_facts(seeds, {"a": {"url": "https://a.example"}, "b": {"title": "B"}})
    assert _entries(seeds) == {"a": {"title": "A", "url": "https://a.example"}, "b": {"title": "B"}}
    assert "    title: A  # mine\n" in _read(seeds)


@pytest.mark.parametrize(
    "broken",
    [
        "articles:\n  a:\n    title: [unclosed\n",  # not YAML
        "articles:\n  a: !!python/object:os.system {}\n",  # refused tag
        "- just\n- a list\n",  # not a catalog
        "articles: [a, b]\n",  # articles is not a mapping
        "articles: {a: {title: A}}\n",  # flow style: no text blocks to edit
    ],
)
def test_a_catalog_that_cannot_be_edited_is_reported_and_never_overwritten(
    tmp_path: Path, broken: str
) -> None:
    seeds = _seeds(tmp_path, broken)
    with pytest.raises(CatalogWriteError):
        add_facts(seeds, {"a": {"title": "A"}})
    with pytest.raises(CatalogWriteError):
        set_fields(seeds, "a", {"title": "A"})
    assert _read(seeds) == broken


def test_set_fields_replaces_only_the_given_fields(tmp_path: Path) -> None:
    seeds = _seeds(tmp_path, HAND_WRITTEN)
    set_fields(
        seeds,
        "putz.txt",
        {"title": "Kazakhstan and the Xinjiang Question", "issued": "2018-09-12"},
    )
    entries = _entries(seeds)
    assert entries["putz"] == {
        "title": "Kazakhstan and the Xinjiang Question",
        "authors": ["Catherine Putz"],
        "issued": "2018-09-12",
    }
    text = _read(seeds)
    # The comment after the corrected date stays on its line; the other entries are untouched.
    assert "    issued: '2018-09-12'    # month only\n" in text
    assert text.endswith(HAND_WRITTEN[HAND_WRITTEN.index("  hrw:") :])


def test_set_fields_replaces_a_block_list_and_removes_a_field_given_as_none(
    tmp_path: Path,
) -> None:
    seeds = _seeds(tmp_path, HAND_WRITTEN)
    set_fields(seeds, "hrw", {"authors": [{"literal": "Amnesty International"}, "Jane Roe"]})
    set_fields(seeds, "putz", {"issued": None, "url": ""})
    entries = _entries(seeds)
    assert entries["hrw"]["authors"] == ["{Amnesty International}", "Jane Roe"]
    assert "issued" not in entries["putz"] and "url" not in entries["putz"]
    assert "month only" not in _read(seeds)  # the removed field's own line went with it
    assert "    # the report, not the press release\n" in _read(seeds)


def test_set_fields_makes_the_entry_when_there_is_none(tmp_path: Path) -> None:
    seeds = _seeds(tmp_path, HAND_WRITTEN)
    set_fields(seeds, "bare", {"title": "Bare"})
    set_fields(seeds, "brand-new.md", {"container": "Le Monde", "authors": "Jean Dupont"})
    entries = _entries(seeds)
    assert entries["bare"] == {"title": "Bare"}
    assert entries["brand-new"] == {"container": "Le Monde", "authors": ["Jean Dupont"]}


def test_set_fields_refuses_a_wrong_value_with_the_schemas_message(tmp_path: Path) -> None:
    seeds = _seeds(tmp_path, HAND_WRITTEN)
    with pytest.raises(CatalogFieldError) as caught:
        set_fields(seeds, "putz", {"issued": "2019-13", "authours": ["X"]})
    assert isinstance(caught.value, ValueError)
    message = str(caught.value)
    assert "'issued' must be a date: YYYY, YYYY-MM or YYYY-MM-DD" in message
    assert "unknown key 'authours'" in message
    assert len(caught.value.messages) == 2
    with pytest.raises(CatalogFieldError, match="'authors' must be a list of names"):
        set_fields(seeds, "putz", {"authors": [["nested"]]})
    assert _read(seeds) == HAND_WRITTEN


def test_set_fields_with_text_that_yaml_would_misread_is_quoted(tmp_path: Path) -> None:
    seeds = _seeds(tmp_path, HAND_WRITTEN)
    tricky = {"title": "Yes: #1 – 'quoted' & more", "container": "null", "url": "2019"}
    set_fields(seeds, "putz", tricky)
    entry = _entries(seeds)["putz"]
    assert {k: entry[k] for k in tricky} == tricky


def test_a_locked_catalog_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import filelock

    from tuireader.core import catalog_write

    seeds = _seeds(tmp_path, HAND_WRITTEN)
    monkeypatch.setattr(catalog_write, "LOCK_TIMEOUT", 0.05)
    with (
        filelock.FileLock(str(seeds / catalog_write.LOCK_FILE)),
        pytest.raises(CatalogWriteError, match="another tuireader session"),
    ):
        set_fields(seeds, "putz", {"title": "X"})
    assert _read(seeds) == HAND_WRITTEN


def test_a_byte_order_mark_and_windows_line_endings_are_kept(tmp_path: Path) -> None:
    seeds = _seeds(tmp_path, None)
    (seeds / "catalog.yaml").write_bytes(b"\xef\xbb\xbfarticles:\r\n  a:\r\n    title: A\r\n")
    add_facts(seeds, {"a": {"url": "https://a.example"}, "b": {"title": "B"}})
    data = (seeds / "catalog.yaml").read_bytes()
    assert data.startswith(b"\xef\xbb\xbfarticles:\r\n  a:\r\n    title: A\r\n")
    assert _entries(seeds) == {"a": {"title": "A", "url": "https://a.example"}, "b": {"title": "B"}}
