"""Loading articles: encodings, bad files, paragraphs, furniture and metadata."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tuireader.core.corpus import clean_for_display, split_paragraphs
from tuireader.core.workspace import Workspace

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def test_paragraph_offsets_point_into_the_exact_text(bundled_workspace: Path) -> None:
    workspace = Workspace.open(bundled_workspace)
    assert len(workspace.articles) == 5
    for article in workspace.articles.values():
        raw = (workspace.seeds_dir / f"{article.id}.txt").read_text(encoding="utf-8")
        assert article.text == raw
        for paragraph in article.paragraphs:
            assert article.text[paragraph.start : paragraph.end] == paragraph.text
            assert paragraph.text == paragraph.text.strip()


def test_furniture_is_marked_as_sources_describe(bundled_workspace: Path) -> None:
    articles = Workspace.open(bundled_workspace).articles

    def furniture(article_id: str) -> list[str]:
        return [p.text for p in articles[article_id].paragraphs if p.furniture]

    assert furniture("000_55308b7769cb3055") == []
    assert furniture("001_e417b657d421601d") == [
        "Published by The Lawfare Institute",
        "in Cooperation With",
    ]
    f002 = furniture("002_6fec927dd12decab")
    assert "Crossroads Asia" in f002 and "Recent Features" in f002
    f003 = furniture("003_8f6b4f594c88725a")
    assert {"The Diplomat", "Overview", "Want to read more?", "Subscribe"} <= set(f003)
    assert any(text.startswith("Catherine Putz is Managing Editor") for text in f003)
    f004 = furniture("004_1d4f993d258ac59c")
    assert f004[0] == "AUTHOR'S BIO:" and f004[-1].startswith("Image Source:")
    # The first title line and the standfirst stay body text.
    body003 = [p.text for p in articles["003_8f6b4f594c88725a"].body_paragraphs]
    assert body003[0] == "Fleeing Kazakhs and Puff Pieces"
    assert body003[-1].startswith("When read alongside contemporaneous propaganda")


def test_metadata_comes_from_the_catalog(bundled_workspace: Path) -> None:
    article = Workspace.open(bundled_workspace).article("004_1d4f993d258ac59c")
    assert article.meta.authors == ("Elzbieta Pron", "Emilie Szwajnoch")
    assert article.meta.issued == "2019"
    assert article.meta.container == "Central Asia-Caucasus Analyst (CACI Analyst)"
    assert Workspace.open(bundled_workspace).article("003_8f6b4f594c88725a").meta.url is None


def test_metadata_from_text_and_never_invented(make_workspace: Callable[..., Path]) -> None:
    root = make_workspace(
        {
            "titled.md": "A Short Headline\n\nBy Jane Roe\n\nBody text of the story goes here.\n",
            "untitled.txt": "This first line is a full sentence and not a title at all.\nMore.\n",
        }
    )
    articles = Workspace.open(root).articles
    assert articles["titled"].meta.title == "A Short Headline"
    assert articles["titled"].meta.authors == ("Jane Roe",)
    assert articles["titled"].paragraphs[1].furniture  # the byline
    untitled = articles["untitled"].meta
    assert untitled.title is None and untitled.authors == () and untitled.issued is None


def test_encodings_and_line_endings(make_workspace: Callable[..., Path]) -> None:
    root = make_workspace(
        {
            "bom.txt": "\ufeffTitle\r\n\r\nFirst para.\r\n\r\nSecond para.\r\n".encode(),
            "legacy.txt": "Caf\xe9 \x93quoted\x94 text.\n".encode("latin-1"),
        }
    )
    workspace = Workspace.open(root)
    bom = workspace.articles["bom"]
    assert not bom.text.startswith("\ufeff")
    assert [p.text for p in bom.paragraphs] == ["Title", "First para.", "Second para."]
    legacy = workspace.articles["legacy"]
    assert legacy.text.startswith("Café “quoted”")
    assert any("cp1252" in warning for warning in workspace.load_warnings)


def test_bad_files_are_skipped_with_warnings(make_workspace: Callable[..., Path]) -> None:
    root = make_workspace(
        {
            "empty.txt": "",
            "blank.md": "  \n\n \n",
            "binary.txt": bytes(range(256)) * 4,
            "good.txt": "Fine\n\nText here.\n",
            "notes.pdf": b"%PDF-1.4 ignored: not an article suffix",
        }
    )
    workspace = Workspace.open(root)
    assert list(workspace.articles) == ["good"]
    warnings = " | ".join(workspace.load_warnings)
    assert "empty.txt: empty file" in warnings
    assert "blank.md: empty file" in warnings
    assert "binary.txt: looks like a binary file" in warnings


def test_bbc_layout_headline_first_line(make_workspace: Callable[..., Path]) -> None:
    root = make_workspace(
        {"business/some-story.txt": "Shell pays ex-boss\n\nShell is to pay $1m to a chief.\n"}
    )
    article = Workspace.open(root).article("business/some-story")
    assert article.title == "Shell pays ex-boss"
    assert not article.paragraphs[0].furniture


def test_single_newline_texts_split_per_line() -> None:
    text = "One.\nTwo.\n\n"
    assert split_paragraphs(text.replace("\n\n", "\n")) == [(0, 4), (5, 9)]


def test_broken_catalog_is_a_warning_not_a_crash(make_workspace: Callable[..., Path]) -> None:
    root = make_workspace({"a.txt": "Title\n\nBody.\n"}, catalog="articles: [unclosed\n")
    workspace = Workspace.open(root)
    assert workspace.articles["a"].title == "Title"
    assert any("catalog.yaml is not valid YAML (line" in w for w in workspace.load_warnings)


def test_python_tags_in_catalog_are_refused(make_workspace: Callable[..., Path]) -> None:
    root = make_workspace(
        {"a.txt": "T\n\nB.\n"}, catalog="articles: !!python/object:os.system {}\n"
    )
    workspace = Workspace.open(root)
    assert workspace.articles["a"].meta.container is None
    assert workspace.load_warnings


def test_control_sequences_are_stripped_for_display() -> None:
    assert (
        clean_for_display("a\x1b[31mred\x1b]52;c;aGk=\x07 \x9b ok\tz")
        == "a[31mred]52;c;aGk=  ok\tz"
    )


def bundled_text(article_id: str) -> str:
    return (SEEDS / f"{article_id}.txt").read_text(encoding="utf-8")


def texts_of(text: str) -> list[str]:
    return [text[start:end] for start, end in split_paragraphs(text)]


def test_deleting_a_paragraphs_text_in_one_per_line_text_removes_only_it() -> None:
    # 001 has one paragraph per line and no blank line (SOURCES.md); deleting one
    # paragraph's text leaves one empty line, which once made the article 2 paragraphs.
    text = bundled_text("001_e417b657d421601d")
    lines = text.split("\n")
    paragraphs = [line for line in lines if line.strip()]
    gone = next(line for line in lines if line.startswith("Since 2017, China has carried out"))
    edited = text.replace(gone, "", 1)
    assert "\n\n" in edited
    assert texts_of(edited) == [p for p in paragraphs if p != gone]


def test_one_empty_line_inserted_in_one_per_line_text_changes_nothing() -> None:
    text = bundled_text("001_e417b657d421601d")
    middle = text.index("\nConclusion\n")
    assert texts_of(text[:middle] + "\n" + text[middle:]) == texts_of(text)
    assert len(texts_of(text)) == len([line for line in text.split("\n") if line.strip()])


@pytest.mark.parametrize(
    "edit",
    [
        lambda text: text.replace("\n", "\r\n"),
        lambda text: text.replace("\n", " \t \n"),
        lambda text: text.replace("\n\n", "\n\n\n\n"),
        lambda text: text.replace("\n\n", "\n\t\n"),
        lambda text: text.replace("\n\n", "\n\u00a0\n"),
    ],
    ids=["crlf", "trailing-blanks", "several-blank-lines", "tab-line", "no-break-space-line"],
)
@pytest.mark.parametrize("article_id", [p.stem for p in sorted(SEEDS.glob("*.txt"))])
def test_whitespace_edits_keep_the_paragraphs(article_id: str, edit: Callable[[str], str]) -> None:
    text = bundled_text(article_id)
    edited = [p.replace("\r", "").rstrip(" \t") for p in texts_of(edit(text))]
    assert edited == texts_of(text)


def test_hard_wrapped_prose_stays_one_paragraph_per_block() -> None:
    first = (
        "The minister said the consortium had agreed to a revised\n"
        "schedule for the northern section, after two winters of\n"
        "disputes over land rights and the price of steel.\n"
    )
    second = (
        "Critics said the schedule had slipped three times before,\n"
        "and that a promise is not a pipeline. Officials said a\n"
        "decision is expected before the end of the year.\n"
    )
    text = "Pipeline talks resume\n\n" + first + "\n" + second
    assert texts_of(text) == ["Pipeline talks resume", first.strip(), second.strip()]
    # A stray blank line inside the wrapped text splits only there.
    assert len(texts_of(text.replace("of\ndisputes", "of\n\ndisputes"))) == 4


def test_list_of_sentences_between_blank_lines_is_one_paragraph_per_item() -> None:
    # The BBC layout for a bulleted list: items on consecutive lines, each a sentence.
    text = (
        "Housing plans criticised\n\n"
        "The report made several recommendations to the government.\n\n"
        " - No proposals should be taken forward without evidence.\n"
        " - The government should recognise the review's shortcomings.\n"
        " - Measures to improve energy efficiency should be considered.\n\n"
        "A spokeswoman said the plans would be studied.\n"
    )
    assert texts_of(text) == [
        "Housing plans criticised",
        "The report made several recommendations to the government.",
        "- No proposals should be taken forward without evidence.",
        "- The government should recognise the review's shortcomings.",
        "- Measures to improve energy efficiency should be considered.",
        "A spokeswoman said the plans would be studied.",
    ]
