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
from tuireader.core.export.references import (
    bibtex_entry,
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
        container_field = "organization" if entry.entry_type == "online" else "journal"
        assert entry.entry_type == ("online" if record["type"] == "webpage" else "article")
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
    assert fields["url"].replace("\\%", "%") == SPECIAL_URL
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
