"""CSL-JSON records and citation keys (tuireader.core.export.citations)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema  # type: ignore[import-untyped]
import pytest
from test_export_support import GOLDEN, check_golden, copy_bundled, special_workspace

from tuireader.core.corpus import Article, ArticleMeta
from tuireader.core.export.citations import (
    DEFAULT_CSL_TYPE,
    ascii_fold,
    base_key,
    citation_keys,
    csl_record,
    csl_records,
    parse_date,
    split_name,
)
from tuireader.core.export.exporter import workspace_records
from tuireader.core.export.references import to_csl_json
from tuireader.core.names import author_display, literal_author, literal_text
from tuireader.core.workspace import Workspace

SCHEMA = json.loads((GOLDEN / "csl-data-subset.schema.json").read_text(encoding="utf-8"))


def article(article_id: str, **meta: object) -> Article:
    """An in-memory article with the given metadata (text irrelevant here)."""
    return Article(article_id, Path(f"{article_id}.txt"), "text", ArticleMeta(**meta), [])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Catherine Putz", {"family": "Putz", "given": "Catherine"}),
        ("Emilie Szwajnoch", {"family": "Szwajnoch", "given": "Emilie"}),
        ("Jean-Paul Sartre", {"family": "Sartre", "given": "Jean-Paul"}),
        (
            "Vincent van Gogh",
            {"family": "Gogh", "given": "Vincent", "non-dropping-particle": "van"},
        ),
        (
            "Oscar de la Hoya",
            {"family": "Hoya", "given": "Oscar", "non-dropping-particle": "de la"},
        ),
        (
            "Martin Luther King Jr.",
            {"family": "King", "given": "Martin Luther", "suffix": "Jr."},
        ),
        (
            "van der Berg, Anna",
            {"family": "Berg", "given": "Anna", "non-dropping-particle": "van der"},
        ),
        ("Putz, Catherine", {"family": "Putz", "given": "Catherine"}),
        ("Серикжан Билаш", {"family": "Билаш", "given": "Серикжан"}),
        ("Сәуытбай", {"literal": "Сәуытбай"}),
        ("王", {"literal": "王"}),
        ("  Catherine   Putz ", {"family": "Putz", "given": "Catherine"}),
    ],
)
def test_split_name(name: str, expected: dict[str, str]) -> None:
    assert split_name(name) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2018", {"date-parts": [[2018]]}),
        ("2018-09", {"date-parts": [[2018, 9]]}),
        ("2021-04-05", {"date-parts": [[2021, 4, 5]]}),
        ("2018-13", {"literal": "2018-13"}),  # not a month: kept, not guessed
        ("Autumn 2019", {"literal": "Autumn 2019"}),
    ],
)
def test_parse_date(value: str, expected: dict[str, object]) -> None:
    assert parse_date(value) == expected


def test_bundled_records_match_golden(tmp_path: Path) -> None:
    records = workspace_records(copy_bundled(tmp_path / "ws"))
    check_golden("records.csl.json", to_csl_json(records.values()))


def test_bundled_records_are_valid_csl_json(tmp_path: Path) -> None:
    records = list(workspace_records(copy_bundled(tmp_path / "ws")).values())
    jsonschema.validate(json.loads(to_csl_json(records)), SCHEMA)
    # 003 has no URL in the catalog: it stays missing rather than empty or invented.
    fleeing = next(r for r in records if r["title"].startswith("Fleeing"))
    assert "URL" not in fleeing
    assert all("accessed" not in r for r in records)


def test_schema_rejects_what_it_should() -> None:
    """The hand-written schema is strict enough to catch real mistakes."""
    good = {"id": "k", "type": "webpage", "title": "T"}
    jsonschema.validate([good], SCHEMA)
    for bad in (
        {**good, "url": "https://x"},  # lowercase URL is not a CSL variable
        {**good, "type": "news"},
        {**good, "issued": {"date-parts": [[2018, 9, 1, 5]]}},
        {**good, "author": [{"first": "A"}]},
        {"type": "webpage"},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate([bad], SCHEMA)


def test_missing_fields_stay_missing() -> None:
    record = csl_record(article("x"), "x")
    assert record == {"id": "x", "type": DEFAULT_CSL_TYPE}


def test_full_record_with_accessed_date() -> None:
    record = csl_record(
        article(
            "x",
            title="T",
            authors=("Ann Lee", "王"),
            container="C",
            issued="2020-02-29",
            url="https://e.org",
            type="webpage",
            accessed="2024-01-02",
        ),
        "lee2020t",
    )
    assert record == {
        "id": "lee2020t",
        "type": "webpage",
        "title": "T",
        "author": [{"family": "Lee", "given": "Ann"}, {"literal": "王"}],
        "container-title": "C",
        "issued": {"date-parts": [[2020, 2, 29]]},
        "URL": "https://e.org",
        "accessed": {"date-parts": [[2024, 1, 2]]},
    }
    jsonschema.validate([record], SCHEMA)


def test_unknown_catalog_type_falls_back_to_default() -> None:
    assert csl_record(article("x", type="newspaper-story"), "x")["type"] == DEFAULT_CSL_TYPE


def test_bundled_keys(tmp_path: Path) -> None:
    records = workspace_records(copy_bundled(tmp_path / "ws"))
    keys = {article_id: r["id"] for article_id, r in records.items()}
    assert keys == {
        "000_55308b7769cb3055": "putz2018kazakhstan",
        "001_e417b657d421601d": "svoboda2021kazakhstan",  # "Has" is skipped
        "002_6fec927dd12decab": "putz2018carefully",
        "003_8f6b4f594c88725a": "putz2019fleeing",
        "004_1d4f993d258ac59c": "pron2019kazakh",
    }


def test_colliding_keys_get_suffixes_in_id_order() -> None:
    same = {"title": "The Problem", "authors": ("Catherine Putz",), "issued": "2018"}
    articles = [article("c", **same), article("a", **same), article("b", **same)]
    assert citation_keys(articles) == {
        "a": "putz2018problem",
        "b": "putz2018problema",
        "c": "putz2018problemb",
    }
    # Adding a later article does not rename the keys already in use.
    more = citation_keys([*articles, article("d", **same)])
    assert (more["a"], more["b"], more["c"], more["d"]) == (
        "putz2018problem",
        "putz2018problema",
        "putz2018problemb",
        "putz2018problemc",
    )


def test_suffix_never_reuses_an_existing_key() -> None:
    one = article("a", title="Problem", authors=("C Putz",), issued="2018")
    two = article("b", title="Problem", authors=("C Putz",), issued="2018")
    three = article("c", title="Problema", authors=("C Putz",), issued="2018")
    keys = citation_keys([one, two, three])
    assert len(set(keys.values())) == 3


def test_override_from_catalog_wins(tmp_path: Path) -> None:
    seeds = tmp_path / "ws" / "seeds"
    seeds.mkdir(parents=True)
    (seeds / "a.txt").write_text("Some text here.\n", encoding="utf-8")
    (seeds / "catalog.yaml").write_text(
        "articles:\n  a:\n    title: T\n    key: mykey2020\n", encoding="utf-8"
    )
    from tuireader.core.workspace import Workspace

    assert workspace_records(Workspace.open(tmp_path / "ws"))["a"]["id"] == "mykey2020"


@pytest.mark.parametrize(
    ("meta", "key"),
    [
        ({"authors": ("Сәуытбай",), "issued": "2020", "title": "Қазақ елі"}, "sauytbai2020qazaq"),
        ({"authors": ("José Ñúñez",), "issued": "1999-01", "title": "Él"}, "nunez1999el"),
        ({"authors": ("王",), "issued": "2001", "title": "The 王 Story"}, "王2001王"),
        ({"container": "The Diplomat", "title": "On Things"}, "diplomatndthings"),
        ({"title": "A Title"}, "anonndtitle"),
    ],
)
def test_base_key(meta: dict[str, object], key: str) -> None:
    assert base_key(article("x", **meta)) == key


def test_ascii_fold() -> None:
    assert ascii_fold("Ærø Łódź Straße") == "aerolodzstrasse"
    assert ascii_fold("Абдурахманов") == "abdurakhmanov"
    assert ascii_fold("O'Neil-Smith") == "oneilsmith"


def test_special_record_is_valid_and_exact(tmp_path: Path) -> None:
    _workspace, article_obj, _annotation = special_workspace(tmp_path / "ws")
    record = csl_records([article_obj])["special"]
    jsonschema.validate([record], SCHEMA)
    round_trip = json.loads(to_csl_json([record]))[0]
    assert round_trip == record
    assert round_trip["author"][0] == {"literal": "Сәуытбай"}
    assert round_trip["author"][3] == {
        "family": "Berg",
        "given": "Anna",
        "non-dropping-particle": "van der",
    }
    assert "\\u" not in to_csl_json([record])  # UTF-8 kept readable


# --- literal (institutional) authors ---------------------------------------------------------


def catalog_workspace(root: Path, entry: str) -> Workspace:
    """A one-article workspace (id "a") whose catalog entry is `entry` (YAML lines)."""
    seeds = root / "seeds"
    seeds.mkdir(parents=True)
    (seeds / "a.txt").write_text("Some text here, long enough to be a body.\n", encoding="utf-8")
    body = "".join(f"    {line}\n" for line in entry.splitlines())
    (seeds / "catalog.yaml").write_text(f"articles:\n  a:\n{body}", encoding="utf-8")
    return Workspace.open(root)


def test_literal_author_from_the_catalog_is_one_name(tmp_path: Path) -> None:
    workspace = catalog_workspace(
        tmp_path / "ws",
        "title: Eradicating Ideological Viruses\n"
        "authors: [{literal: Human Rights Watch}, Jane Roe]\n"
        "issued: '2018-09-09'\n"
        "type: report",
    )
    (record,) = csl_records(workspace.articles.values()).values()
    assert workspace.load_warnings == []
    assert record["author"] == [
        {"literal": "Human Rights Watch"},
        {"family": "Roe", "given": "Jane"},
    ]
    jsonschema.validate([record], SCHEMA)
    # The key's lead word is the whole literal name, folded.
    assert record["id"] == "humanrightswatch2018eradicating"
    assert author_display(workspace.article("a").meta.authors[0]) == "Human Rights Watch"


def test_plain_string_authors_are_split_as_before(tmp_path: Path) -> None:
    workspace = catalog_workspace(tmp_path / "ws", "authors: [Human Rights Watch]")
    (record,) = csl_records(workspace.articles.values()).values()
    assert record["author"] == [{"family": "Watch", "given": "Human Rights"}]


@pytest.mark.parametrize(
    ("authors", "said"),
    [
        ("[{literl: Human Rights Watch}]", "has the one key 'literal'"),
        ("[{literal: HRW, short: x}]", "found 'literal', 'short'"),
        ("[Jane Roe, {literal: ''}]", "'literal' must be the name as text, e.g."),
        ("[{literal: [a, b]}]", "Human Rights Watch}, not ['a', 'b']"),
    ],
)
def test_bad_literal_author_is_named_precisely(tmp_path: Path, authors: str, said: str) -> None:
    workspace = catalog_workspace(tmp_path / "ws", f"title: T\nauthors: {authors}")
    article_obj = workspace.article("a")
    (warning,) = workspace.load_warnings
    assert warning.startswith("seeds/catalog.yaml, line 4: article 'a': 'authors' must be")
    assert said in warning and "{literal: Human Rights Watch}" in warning
    # The bad field is left out (authors from the text, none here); the rest is kept.
    assert (article_obj.meta.title, article_obj.meta.authors) == ("T", ())


@pytest.mark.parametrize(
    ("author", "expected"),
    [
        ("{Human Rights Watch}", {"literal": "Human Rights Watch"}),
        ("{  Human   Rights Watch }", {"literal": "Human Rights Watch"}),
        # Braces that do not enclose the whole name are not the literal mark.
        ("{Jane} {Roe}", {"family": "{Roe}", "given": "{Jane}"}),
    ],
)
def test_split_name_reads_the_literal_mark(author: str, expected: dict[str, str]) -> None:
    assert split_name(author) == expected
    assert literal_text(literal_author("Human Rights Watch")) == "Human Rights Watch"
