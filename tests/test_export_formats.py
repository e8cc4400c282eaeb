"""The reference writers (CSL-JSON, BibTeX, RIS) and the Markdown escaping: golden files on
the bundled articles, round trips through real parsers, special characters everywhere."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import bibtexparser
import jsonschema  # type: ignore[import-untyped]
import pytest
import rispy
from pylatexenc.latex2text import (  # type: ignore[import-untyped]
    LatexNodes2Text,
    MacroTextSpec,
    get_default_latex_context_db,
)
from test_export_support import (
    GOLDEN,
    SPECIAL_AUTHORS,
    SPECIAL_CONTAINER,
    SPECIAL_QUOTE,
    SPECIAL_TITLE,
    SPECIAL_URL,
    check_golden,
    copy_bundled,
    special_workspace,
)

from tuireader.core.export.citations import csl_records
from tuireader.core.export.documents import escape_markdown
from tuireader.core.export.exporter import workspace_records
from tuireader.core.export.quotes import QuoteItem
from tuireader.core.export.references import (
    bibtex_entry,
    bibtex_title,
    escape_latex,
    ris_record,
    to_bibtex,
    to_csl_json,
    to_ris,
)

SCHEMA = json.loads((GOLDEN / "csl-data-subset.schema.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """CSL records of the five bundled articles."""
    workspace = copy_bundled(tmp_path_factory.mktemp("formats") / "ws")
    return list(workspace_records(workspace).values())


@pytest.fixture
def special(tmp_path: Path) -> dict[str, Any]:
    """The CSL record of the synthetic article full of special characters."""
    _workspace, article, _annotation = special_workspace(tmp_path / "ws")
    return csl_records([article])["special"]


def latex_to_text(value: str) -> str:
    """Decode LaTeX the way a reader of the .bib would (pylatexenc), with the two brace
    macros pylatexenc does not know and the caret it maps to a modifier letter."""
    db = get_default_latex_context_db().filter_context()
    db.add_context_category(
        "tuireader",
        prepend=True,
        macros=[
            MacroTextSpec("textbraceleft", "{"),
            MacroTextSpec("textbraceright", "}"),
            MacroTextSpec("textasciicircum", "^"),
        ],
    )
    return str(LatexNodes2Text(latex_context=db).latex_to_text(value))


# --- golden files --------------------------------------------------------------------------


def test_bibtex_golden(records: list[dict[str, Any]]) -> None:
    check_golden("records.bib", to_bibtex(records))


def test_ris_golden(records: list[dict[str, Any]]) -> None:
    check_golden("records.ris", to_ris(records))


# --- round trips ---------------------------------------------------------------------------


def test_bibtex_round_trip(records: list[dict[str, Any]]) -> None:
    library = bibtexparser.parse_string(to_bibtex(records))
    assert library.failed_blocks == []
    assert [e.key for e in library.entries] == [r["id"] for r in records]
    by_key = {e.key: e for e in library.entries}
    for record in records:
        entry = by_key[record["id"]]
        fields = {k: f.value for k, f in entry.fields_dict.items()}
        assert latex_to_text(fields["title"]) == record["title"]
        # Types both classic BibTeX and biblatex know (see references.py): a web page is
        # @misc with its site in howpublished, a magazine piece @article + entrysubtype.
        if record["type"] == "webpage":
            assert (entry.entry_type, "entrysubtype" in fields) == ("misc", False)
            container_field = "howpublished"
        else:
            assert (entry.entry_type, fields["entrysubtype"]) == ("article", "magazine")
            container_field = "journal"
        assert latex_to_text(fields[container_field]) == record["container-title"]
        assert fields["year"] == str(record["issued"]["date-parts"][0][0])
        assert fields.get("url") == record.get("URL")
        names = [n.strip() for n in fields["author"].split(" and ")]
        assert names == [f"{a['family']}, {a['given']}" for a in record["author"]]


def test_ris_round_trip(records: list[dict[str, Any]]) -> None:
    entries = rispy.loads(to_ris(records))
    assert [e["id"] for e in entries] == [r["id"] for r in records]
    for entry, record in zip(entries, records, strict=True):
        expected_type = {"article-magazine": "MGZN", "webpage": "ELEC"}[record["type"]]
        assert entry["type_of_reference"] == expected_type
        assert entry["title"] == record["title"]
        assert entry["secondary_title"] == record["container-title"]
        assert entry["authors"] == [f"{a['family']}, {a['given']}" for a in record["author"]]
        assert entry["year"] == str(record["issued"]["date-parts"][0][0])
        assert entry.get("urls", []) == ([record["URL"]] if "URL" in record else [])


def test_csl_json_round_trip(records: list[dict[str, Any]]) -> None:
    text = to_csl_json(records)
    assert json.loads(text) == records
    jsonschema.validate(json.loads(text), SCHEMA)


# --- special characters --------------------------------------------------------------------


def test_special_characters_survive_bibtex(special: dict[str, Any]) -> None:
    text = bibtex_entry(special)
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    (entry,) = library.entries
    fields = {k: f.value for k, f in entry.fields_dict.items()}
    assert latex_to_text(fields["title"]) == SPECIAL_TITLE
    assert latex_to_text(fields["journal"]) == SPECIAL_CONTAINER
    authors = [latex_to_text(a.strip()) for a in fields["author"].split(" and ")]
    assert authors == ["Сәуытбай", "王", "Ñúñez, José", "van der Berg, Anna"]
    assert "{Сәуытбай}" in fields["author"]  # a literal name is one braced unit for BibTeX
    # The url field is verbatim in biblatex: the URL exactly, no \% (which biblatex would
    # turn into %5C%25).
    assert fields["url"] == SPECIAL_URL
    assert fields["urldate"] == "2024-01-02"
    assert fields["date"] == "2020-02-29"
    assert "Сәуытбай" in text and "Ürümqi" in text  # UTF-8 kept, not turned into macros


def test_bibtex_escapes_every_special_character() -> None:
    assert escape_latex("& % $ # _ { } ~ ^ \\") == (
        r"\& \% \$ \# \_ \textbraceleft{} \textbraceright{} \textasciitilde{} "
        r"\textasciicircum{} \textbackslash{}"
    )
    # Braces in the output balance whatever the input, as BibTeX requires.
    escaped = escape_latex("}{ odd { braces")
    assert escaped.count("{") == escaped.count("}")


def test_special_characters_survive_ris(special: dict[str, Any]) -> None:
    (entry,) = rispy.loads(ris_record(special))
    assert entry["title"] == SPECIAL_TITLE
    assert entry["secondary_title"] == SPECIAL_CONTAINER
    assert entry["authors"] == ["Сәуытбай", "王", "Ñúñez, José", "van der Berg, Anna"]
    assert entry["urls"] == [SPECIAL_URL]
    assert entry["type_of_reference"] == "NEWS"
    assert entry["date"] == "2020/02/29/"
    assert entry["access_date"] == "2024/01/02/"


def test_special_characters_survive_csl_json(special: dict[str, Any]) -> None:
    (back,) = json.loads(to_csl_json([special]))
    assert back["title"] == SPECIAL_TITLE
    assert back["container-title"] == SPECIAL_CONTAINER
    assert back["URL"] == SPECIAL_URL
    assert [a.get("literal") or a["family"] for a in back["author"]] == [
        "Сәуытбай",
        "王",
        "Ñúñez",
        "Berg",
    ]
    jsonschema.validate([back], SCHEMA)
    assert len(SPECIAL_AUTHORS) == len(back["author"])


@pytest.mark.parametrize(
    "text",
    [
        SPECIAL_QUOTE,
        "# not a heading\n1. not a list\n- nor this\n+ nor this",
        "<!-- not a comment --> `code` | pipe | @key [@key] ~sub~ ^sup^ $math$",
        "back\\slash and \\* already escaped",
    ],
)
def test_markdown_escape_is_reversible(text: str) -> None:
    """Removing each backslash escape gives the text back, so nothing was lost or added;
    pandoc reads it literally (tests/test_export.py renders it when pandoc is installed)."""
    escaped = escape_markdown(text)
    assert re.sub(r"\\(.)", r"\1", escaped, flags=re.DOTALL) == text
    for syntax in ("<!--", "[@", "`c", "$m", "# not", "1. not", "- nor"):
        assert not re.search(r"(?<!\\)" + re.escape(syntax), escaped), syntax


# --- title capitals -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        # The title's first letter needs no braces (sentence case keeps it); every other
        # capital the catalog wrote does.
        ("Kazakhstan and the Xinjiang Problem", "Kazakhstan and the {Xinjiang} {Problem}"),
        ("Kazakhstan and the Xinjiang problem", "Kazakhstan and the {Xinjiang} problem"),
        ("Has Xinjiang's Camp Closed?", "Has {Xinjiang's} {Camp} {Closed}?"),
        ("Re-Education camps", "{Re-Education} camps"),
        # Acronyms and inner capitals are protected even as the first word.
        ("NATO and the iPhone", "{NATO} and the {iPhone}"),
        ("iPhone sales", "{iPhone} sales"),
        # Quote marks before the first letter do not make it "not first".
        ("“Quotes” in titles", "“Quotes” in titles"),
        # Specials are escaped outside the braces; the braces stay balanced.
        (
            "50% of {Braces} & Co_X",
            r"50\% of \textbraceleft{}{Braces}\textbraceright{} \& {Co}\_{X}",
        ),
        ("  spaced\n  out  Title ", "spaced out {Title}"),
    ],
)
def test_bibtex_title_protects_capitals(title: str, expected: str) -> None:
    assert bibtex_title(title) == expected


def test_protected_title_reads_back_as_the_title(records: list[dict[str, Any]]) -> None:
    for record in records:
        protected = bibtex_title(record["title"])
        assert protected.count("{") == protected.count("}")
        assert latex_to_text(protected) == record["title"]


def test_url_braces_become_percent_encoding() -> None:
    entry = bibtex_entry({"id": "k", "type": "webpage", "URL": "https://e.org/{x}?q=a%20b"})
    (parsed,) = bibtexparser.parse_string(entry).entries
    assert parsed.fields_dict["url"].value == "https://e.org/%7Bx%7D?q=a%20b"


# --- annotations inside the references ------------------------------------------------------


def quote(key: str, exact: str, paragraph: int | None, note: str = "", **more: Any) -> QuoteItem:
    """A quote item of the article cited as `key`."""
    return QuoteItem(f"a-{exact[:5]}", f"id-{key}", key, exact, paragraph, note, **more)


@pytest.fixture
def quoted(records: list[dict[str, Any]]) -> list[QuoteItem]:
    """Two quotes of the first bundled record (one with a note and tags), none of the
    others, as the writers take them."""
    key = records[0]["id"]
    return [
        quote(
            key,
            "In fact, it is a prison located in the mountains",
            8,
            "Sauytbay's testimony\nin court.",
            tags=["camps", "testimony"],
        ),
        quote(key, "The concerns Kazakhstan has to juggle are myriad", 12, tags=["Camps"]),
    ]


def test_ris_carries_one_note_per_quote_and_tags(
    records: list[dict[str, Any]], quoted: list[QuoteItem]
) -> None:
    entries = rispy.loads(to_ris(records, quoted))
    first, *others = entries
    # Zotero imports each N1 as a child note: one quote per note, with its locator.
    assert first["notes"] == [
        "“In fact, it is a prison located in the mountains” (para. 8). "
        "Note: Sauytbay's testimony in court.",
        "“The concerns Kazakhstan has to juggle are myriad” (para. 12)",
    ]
    assert first["keywords"] == ["camps", "testimony"]  # "Camps" is the same tag
    assert all("notes" not in e and "keywords" not in e for e in others)
    # Everything else is the reference as without annotations.
    assert [{k: v for k, v in e.items() if k not in ("notes", "keywords")} for e in entries] == (
        rispy.loads(to_ris(records))
    )


def test_bibtex_carries_quotes_in_annotation_and_tags_in_keywords(
    records: list[dict[str, Any]], quoted: list[QuoteItem]
) -> None:
    library = bibtexparser.parse_string(to_bibtex(records, quoted))
    assert library.failed_blocks == []
    first, *others = library.entries
    fields = {k: f.value for k, f in first.fields_dict.items()}
    assert latex_to_text(fields["annotation"]) == (
        "[1] “In fact, it is a prison located in the mountains” (para. 8). "
        "Note: Sauytbay's testimony in court. "
        "[2] “The concerns Kazakhstan has to juggle are myriad” (para. 12)"
    )
    assert [k.strip() for k in fields["keywords"].split(",")] == ["camps", "testimony"]
    assert all("annotation" not in e.fields_dict for e in others)


def test_bibtex_annotation_escapes_the_quote(special: dict[str, Any]) -> None:
    item = quote(special["id"], SPECIAL_QUOTE, 2, "50% sure", tags=["a, b", "c_d"])
    text = bibtex_entry(special, [item])
    (entry,) = bibtexparser.parse_string(text).entries
    fields = {k: f.value for k, f in entry.fields_dict.items()}
    assert latex_to_text(fields["annotation"]) == f"“{SPECIAL_QUOTE}” (para. 2). Note: 50% sure"
    # A comma would split the tag in biblatex and Zotero.
    assert latex_to_text(fields["keywords"]) == "a b, c_d"


def test_unverified_quote_says_so_in_its_note(records: list[dict[str, Any]]) -> None:
    item = quote(records[0]["id"], "a changed quote", None, status="orphaned", score=0.0)
    (entry,) = rispy.loads(ris_record(records[0], [item]))
    assert entry["notes"] == [
        "UNVERIFIED: this quote was not found in the current article text: “a changed quote”"
    ]


def test_csl_json_note_holds_quotes_and_tags(
    records: list[dict[str, Any]], quoted: list[QuoteItem]
) -> None:
    items = json.loads(to_csl_json(records, quoted))
    jsonschema.validate(items, SCHEMA)
    assert items[0]["note"].splitlines() == [
        "“In fact, it is a prison located in the mountains” (para. 8). "
        "Note: Sauytbay's testimony in court.",
        "“The concerns Kazakhstan has to juggle are myriad” (para. 12)",
        "Tags: camps, testimony",
    ]
    assert items[1:] == records[1:]
    assert "note" not in records[0]  # the records given are not changed


def test_without_annotations_output_is_the_reference_alone(
    records: list[dict[str, Any]],
) -> None:
    assert to_bibtex(records, []) == to_bibtex(records)
    assert to_ris(records, []) == to_ris(records)
    assert to_csl_json(records, []) == to_csl_json(records)
