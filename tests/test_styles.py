"""Formatted citations with citeproc-py (tuireader.core.export.styles), checked against golden
files that were reviewed by hand against each style's rules (tests/golden/REVIEW.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_export_support import check_golden, copy_bundled, special_workspace

from tuireader.core.export.citations import csl_records
from tuireader.core.export.exporter import workspace_records
from tuireader.core.export.styles import (
    CiteRequest,
    StyleError,
    UnknownStyleError,
    available_styles,
    fix_punctuation,
    format_citation,
    format_citations,
    format_reference,
    resolve_style,
    suggest_styles,
)

MAIN_STYLES = [
    "apa",
    "chicago-author-date",
    "chicago-notes-bibliography",
    "modern-language-association",
]


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """CSL records of the five bundled articles."""
    workspace = copy_bundled(tmp_path_factory.mktemp("styles") / "ws")
    return list(workspace_records(workspace).values())


def style_report(records: list[dict[str, Any]], style: str, markup: str) -> str:
    """Everything a style produces for the five articles, as one reviewable text."""
    requests = [CiteRequest(str(r["id"]), "3") for r in records]
    requests.append(CiteRequest(str(records[0]["id"]), "5"))  # a second cite of the first
    requests.append(CiteRequest(str(records[3]["id"])))  # no locator
    result = format_citations(records, requests, style, markup)  # type: ignore[arg-type]
    lines = [f"# {result.style.title} ({style}), {markup}", "", "## Citations"]
    lines += result.citations
    lines += ["", "## Bibliography"]
    lines += result.references.values()
    lines += ["", "## Alone (no other work in scope: no year suffix)"]
    lines.append(format_citation(records[0], style, "3", markup=markup))  # type: ignore[arg-type]
    lines.append(format_reference(records[0], style, markup))  # type: ignore[arg-type]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("style", MAIN_STYLES)
@pytest.mark.parametrize("markup", ["text", "markdown"])
def test_style_golden(records: list[dict[str, Any]], style: str, markup: str) -> None:
    suffix = "md" if markup == "markdown" else "txt"
    check_golden(f"style-{style}.{suffix}", style_report(records, style, markup))


def test_year_suffix_only_for_same_author_same_year(records: list[dict[str, Any]]) -> None:
    requests = [CiteRequest(str(r["id"])) for r in records]
    result = format_citations(records, requests, "apa")
    assert result.citations[0] == "(Putz, 2018b)"  # Kazakhstan and the Xinjiang Problem
    assert result.citations[2] == "(Putz, 2018a)"  # Carefully… sorts first
    assert result.citations[3] == "(Putz, 2019)"
    assert "(2018a, June)" in result.references["putz2018carefully"]
    # Without the other 2018 article in scope there is nothing to tell apart.
    alone = format_citations([records[0], records[3]], [CiteRequest("putz2018kazakhstan")], "apa")
    assert alone.citations == ["(Putz, 2018)"]


def test_mla_adds_titles_only_for_authors_with_several_works(
    records: list[dict[str, Any]],
) -> None:
    requests = [CiteRequest(str(r["id"]), "2") for r in records]
    result = format_citations(records, requests, "mla")
    assert result.citations[1] == "(Svoboda, par. 2)"
    assert result.citations[4] == "(Pron and Szwajnoch, par. 2)"
    assert result.citations[0].startswith("(Putz, “Kazakhstan and the Xinjiang Problem,”")


def test_full_given_names_where_the_style_wants_them(records: list[dict[str, Any]]) -> None:
    """citeproc-py ignores initialize="false"; the adapted style gives full names."""
    chicago = format_reference(records[0], "chicago-author-date")
    assert chicago.startswith("Putz, Catherine. 2018.")
    apa = format_reference(records[0], "apa")
    assert apa.startswith("Putz, C. (2018, September).")


def test_no_empty_labels(records: list[dict[str, Any]]) -> None:
    """citeproc-py printed "Edition" for a label whose variable is empty."""
    for style in MAIN_STYLES:
        result = format_citations(records, [CiteRequest(str(records[0]["id"]), "3")], style)
        for text in [*result.citations, *result.references.values()]:
            assert "Edition" not in text and "edition" not in text


def test_notes_give_short_form_on_second_cite(records: list[dict[str, Any]]) -> None:
    key = str(records[0]["id"])
    result = format_citations(
        records, [CiteRequest(key, "3"), CiteRequest(key, "5")], "chicago-notes-bibliography"
    )
    assert result.style.note
    assert result.citations[0].startswith("Catherine Putz, “Kazakhstan and the Xinjiang Problem,”")
    assert result.citations[1] == "Putz, “Kazakhstan and the Xinjiang Problem,” para. 5."


@pytest.mark.parametrize(
    ("raw", "piq", "fixed"),
    [
        ("“Title”. Next", True, "“Title.” Next"),
        ("“Title”, Next", True, "“Title,” Next"),
        ("“Title”. Next", False, "“Title”. Next"),
        ("“Why?”. Next", True, "“Why?” Next"),
        ("*Why?*. Lawfare", False, "*Why?* Lawfare"),
        ("“Why?”, Lawfare", True, "“Why?,” Lawfare"),
        ("King Jr.. 2019", False, "King Jr. 2019"),
        ("Wait... what", False, "Wait... what"),
        ("a  b ", False, "a b"),
        (
            "https://x.org/a..b?.c https://y.org/q?.",
            False,
            "https://x.org/a..b?.c https://y.org/q?",
        ),
    ],
)
def test_fix_punctuation(raw: str, piq: bool, fixed: str) -> None:
    assert fix_punctuation(raw, piq) == fixed


def test_styles_are_found_by_alias_renamed_name_and_path(tmp_path: Path) -> None:
    assert resolve_style("MLA").name == "modern-language-association"
    assert resolve_style("chicago").name == "chicago-author-date"
    assert resolve_style("apa").title.startswith("APA")
    assert not resolve_style("apa").note
    assert resolve_style("chicago-notes-bibliography").note
    path = resolve_style("apa").path
    copy = tmp_path / "mine.csl"
    copy.write_bytes(path.read_bytes())
    assert resolve_style(str(copy)).name == "mine"
    assert len(available_styles()) > 2000


def test_dependent_style_formats_with_its_parent(records: list[dict[str, Any]]) -> None:
    """Any installed style by name: `nature` is a dependent-free numeric style, and
    `harvard-cite-them-right` an author-date one; both must work, not just the four."""
    numeric = format_citations(records, [CiteRequest(str(records[1]["id"]))], "nature")
    assert numeric.citations == ["1"] or numeric.citations[0].strip("[]()") == "1"
    harvard = format_citation(records[1], "harvard-cite-them-right")
    assert "Svoboda" in harvard and "2021" in harvard


def test_unknown_style_names_close_ones() -> None:
    with pytest.raises(UnknownStyleError) as caught:
        resolve_style("chicago-author")
    assert "chicago-author-date" in caught.value.suggestions
    assert "chicago-author-date" in str(caught.value)
    assert "modern-language-association" in suggest_styles("modern-language")
    with pytest.raises(UnknownStyleError):
        resolve_style("")


def test_broken_style_file_is_a_style_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.csl"
    broken.write_text("<style", encoding="utf-8")
    with pytest.raises(StyleError):
        resolve_style(str(broken))


def test_unknown_key_is_reported_not_raised(records: list[dict[str, Any]]) -> None:
    problems: list[str] = []
    result = format_citations(records, [CiteRequest("nosuchkey")], "apa", problems=problems)
    assert problems and "nosuchkey" in problems[0]
    assert len(result.citations) == 1


@pytest.mark.parametrize("style", MAIN_STYLES)
def test_special_characters_survive_styles(tmp_path: Path, style: str) -> None:
    _workspace, article, _annotation = special_workspace(tmp_path / "ws")
    record = csl_records([article])["special"]
    text = format_reference(record, style)
    # MLA gives the first author and "et al." for three or more; the others list all.
    authors = (
        ["Сәуытбай"] if style == "modern-language-association" else ["Сәуытбай", "王", "Ñúñez"]
    )
    for expected in [*authors, "Café Ürümqi", "{Braces}", "$5 #1 50%", "~tilde^", "Le Monde & Co"]:
        assert expected in text, (expected, text)
    # Title case (Chicago, MLA) may capitalize words; the characters must all be there.
    assert "back\\slash" in text.lower() and "under_score" in text.lower()
    assert "““" not in text  # a quoted title inside the style's quotes is flipped
    markdown = format_reference(record, style, "markdown")
    assert "nder\\_score" in markdown and "Сәуытбай" in markdown
    assert "\\{Braces\\}" not in markdown  # braces are not Markdown syntax: not escaped
    assert "back\\\\slash" in markdown.lower()  # the backslash itself is escaped


def test_markdown_references_render_literally_in_pandoc(tmp_path: Path) -> None:
    """Escaped Markdown must read back as the plain text (checked without pandoc: every
    backslash escape removed gives the plain-text rendering minus italics)."""
    _workspace, article, _annotation = special_workspace(tmp_path / "ws")
    record = csl_records([article])["special"]
    plain = format_reference(record, "apa")
    markdown = format_reference(record, "apa", "markdown")
    import re

    unescaped = re.sub(r"\\(.)", r"\1", markdown.replace("*Le", "Le").replace("%*.", "%."))
    assert unescaped == plain


def test_mla_substitutes_repeated_authors(records: list[dict[str, Any]]) -> None:
    result = format_citations(records, [], "modern-language-association")
    entries = list(result.references.values())
    putz = [e for e in entries if "Putz" in e or e.startswith("———")]
    assert putz[0].startswith("Putz, Catherine. “Carefully")
    assert putz[1].startswith("———. “Fleeing")
    assert putz[2].startswith("———. “Kazakhstan")
    assert entries[-1].startswith("Svoboda, Emma.")


def test_nested_quotes_are_flipped() -> None:
    from tuireader.core.export.styles import flip_nested_quotes

    assert flip_nested_quotes("““Quotes” & more.”") == "“‘Quotes’ & more.”"
    assert flip_nested_quotes("“a” and “b”") == "“a” and “b”"
    assert flip_nested_quotes("““unbalanced”") == "““unbalanced”"
