"""Paragraph locators ("para. N" as a reader of the published page counts it) and how a
highlight's paragraph change is told (tuireader.core.annotations.locators).

The expected numbers come from reading the bundled articles against SOURCES.md: where
each page's body begins, which lines are its headline, standfirst, caption and headings.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tuireader.core.annotations.locators import (
    LocatorChange,
    anchor_locator,
    locator_at,
    locator_change,
)
from tuireader.core.annotations.model import Annotation, new_annotation, reanchor
from tuireader.core.corpus import Article, load_article
from tuireader.core.workspace import Workspace

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="module")
def bundled() -> dict[str, Article]:
    return Workspace.open(SEEDS.parent).articles


def locator_of_text(article: Article, beginning: str) -> int | None:
    """The locator of the one paragraph starting with `beginning`."""
    found = [p for p in article.paragraphs if p.text.startswith(beginning)]
    assert len(found) == 1, (beginning, [p.number for p in found])
    return found[0].locator


def article_from(folder: Path, text: str, article_id: str = "story") -> Article:
    """An Article loaded as the workspace loads one, from a file holding `text`."""
    seeds = folder / "seeds"
    seeds.mkdir(parents=True, exist_ok=True)
    path = seeds / f"{article_id}.txt"
    path.write_bytes(text.encode("utf-8"))
    return load_article(path, seeds)


def test_diplomat_page_counts_from_the_body(bundled: dict[str, Article]) -> None:
    # 002: section line, headline, "Recent Features", section lines, the headline again,
    # the standfirst, the headline again, a photo caption and its credit; the body begins
    # "In early 2017". The "para. 16" is the 7th paragraph a reader counts.
    article = bundled["002_6fec927dd12decab"]
    for head in (
        "Crossroads Asia",
        "Carefully, Kazakhstan Confronts China",
        "Astana can’t afford to push Beijing",  # standfirst
        "In this March 29, 2018, photo",  # caption
        "Credit: AP Photo",
    ):
        assert {p.locator for p in article.paragraphs if p.text.startswith(head)} == {None}
    assert locator_of_text(article, "In early 2017, reports began") == 1
    assert locator_of_text(article, "A year later, a handful") == 2
    may = [p for p in article.paragraphs if p.text.startswith("In May 2018, the Associated")]
    assert [(p.number, p.locator) for p in may] == [(16, 7)]
    assert locator_of_text(article, "The BRI is supposed to traverse") == 31  # the last


def test_lawfare_page_skips_headline_standfirst_boilerplate_and_headings(
    bundled: dict[str, Article],
) -> None:
    article = bundled["001_e417b657d421601d"]
    for head in (
        "Has Kazakhstan Failed",
        "For the ethnic Kazakhs caught up",  # standfirst, before "Published by"
        "Published by The Lawfare Institute",
        "in Cooperation With",
        "Beginnings of the Crackdown",
        "Resistance Inside Kazakhstan",
        "Conclusion",
    ):
        assert locator_of_text(article, head) is None, head
    assert locator_of_text(article, "China’s brutal repression campaign against") == 1
    assert locator_of_text(article, "Since 2017, China has carried out") == 2
    # Four body paragraphs under the first heading, then "As news about" opens the second.
    assert locator_of_text(article, "As news about arbitrary detentions") == 6


def test_page_without_title_line_and_page_with_byline(bundled: dict[str, Article]) -> None:
    plain = bundled["000_55308b7769cb3055"]  # no title line, no furniture (SOURCES.md)
    assert [p.locator for p in plain.paragraphs] == [p.number for p in plain.paragraphs]
    putz = bundled["003_8f6b4f594c88725a"]
    assert locator_of_text(putz, "In January, Kazakh authorities confirmed") is None  # standfirst
    assert locator_of_text(putz, "By Catherine Putz") is None
    assert locator_of_text(putz, "On January 9, the Kazakh Foreign Ministry") == 1
    assert locator_of_text(putz, "Want to read more?") is None
    assert {p.locator for p in putz.paragraphs[putz.paragraphs[-1].number - 5 :]} == {None}
    analyst = bundled["004_1d4f993d258ac59c"]
    assert locator_of_text(analyst, "BACKGROUND:") == 1
    assert locator_of_text(analyst, "CONCLUSIONS:") == 8
    assert locator_of_text(analyst, "AUTHOR'S BIO:") is None


def test_headline_first_layout_counts_its_first_paragraph(tmp_path: Path) -> None:
    # The BBC layout: headline, then the body. A first paragraph followed by the next body
    # paragraph is the article's first, not a standfirst.
    text = "Shell pays ex-boss\n\nShell is to pay $1m.\n\nThe boss left in 2004.\n"
    article = article_from(tmp_path, text)
    assert [p.locator for p in article.paragraphs] == [None, 1, 2]


def test_locator_at_offsets(bundled: dict[str, Article]) -> None:
    article = bundled["002_6fec927dd12decab"]
    text = article.text
    first_body = text.index("In early 2017, reports began")
    assert locator_at(article, first_body) == 1
    assert locator_at(article, first_body - 1) == 1  # the blank line before it
    assert locator_at(article, text.index("Astana can’t afford")) is None
    assert locator_at(article, len(text) + 10) == locator_at(article, len(text) - 2)


@pytest.mark.parametrize(
    "edit",
    [
        lambda text: text.replace("\n", "\r\n"),
        lambda text: text.replace("\n", "  \n"),
        lambda text: text.replace("\n\n", "\n \t \n\n"),
    ],
    ids=["crlf", "trailing-spaces", "blank-lines-with-tabs"],
)
def test_whitespace_edits_keep_locators(
    bundled: dict[str, Article], tmp_path: Path, edit: Callable[[str], str]
) -> None:
    for article in bundled.values():
        changed = article_from(tmp_path / article.id, edit(article.text))
        assert [(p.text.replace("\r", ""), p.locator) for p in changed.paragraphs] == [
            (p.text, p.locator) for p in article.paragraphs
        ], article.id


STORY = (
    "Pipeline talks resume\n\n"
    "The minister said the consortium had agreed to a revised schedule for the northern "
    "section, after two winters of disputes.\n\n"
    "Critics said the schedule had slipped before, and that a promise is not a pipe.\n\n"
    "A decision is expected before the end of the year, officials said.\n"
)
QUOTE = "the schedule had slipped before"


def highlight(tmp_path: Path, quote: str = QUOTE) -> tuple[Article, Annotation]:
    article = article_from(tmp_path / "v1", STORY)
    start = STORY.index(quote)
    return article, new_annotation(article, start, start + len(quote))


def change_after(tmp_path: Path, text: str, quote: str = QUOTE) -> LocatorChange | None:
    _, annotation = highlight(tmp_path, quote)
    article = article_from(tmp_path / "v2", text)
    anchor = reanchor(annotation, article)
    return locator_change(annotation.target, anchor, article)


def test_unchanged_or_whitespace_edited_text_keeps_the_locator(tmp_path: Path) -> None:
    article, annotation = highlight(tmp_path)
    anchor = reanchor(annotation, article)
    assert anchor_locator(article, anchor) == 2
    assert locator_change(annotation.target, anchor, article) is None
    assert change_after(tmp_path, STORY.replace("\n", "  \r\n").replace("\n\n", "\n\n\n")) is None


def test_paragraph_added_before_is_reported(tmp_path: Path) -> None:
    added = STORY.replace("Critics said", "Shares rose on the news.\n\nCritics said")
    change = change_after(tmp_path, added)
    assert change == LocatorChange(3, 4, 3, "paragraphs added before it")
    assert change.describe() == "¶ 3 → ¶ 4, para. 3 now (paragraphs added before it)"


def test_paragraph_removed_from_one_per_line_text_is_reported(tmp_path: Path) -> None:
    # One paragraph per line, no blank line; deleting a paragraph's text leaves one empty
    # line, which must not make the article two paragraphs (the case).
    lines = [
        "Pipeline talks resume",
        "The minister said the consortium had agreed to a revised schedule.",
        "Analysts said the project had been delayed by two winters of disputes.",
        "Critics said the schedule had slipped before, and that a promise is not a pipe.",
        "A decision is expected before the end of the year, officials said.",
    ]
    text = "\n".join(lines) + "\n"
    article = article_from(tmp_path / "v1", text)
    start = text.index(QUOTE)
    annotation = new_annotation(article, start, start + len(QUOTE))
    assert (annotation.target.paragraph, article.paragraphs[3].locator) == (4, 3)
    removed = article_from(tmp_path / "v2", text.replace(lines[2], ""))
    assert len(removed.paragraphs) == 4
    anchor = reanchor(annotation, removed)
    assert locator_change(annotation.target, anchor, removed) == LocatorChange(
        4, 3, 2, "paragraphs removed before it"
    )


def test_moved_passage_is_text_moved(tmp_path: Path) -> None:
    # The whole paragraph is the quote; moved to the end, nothing around it is as recorded.
    quote = "Critics said the schedule had slipped before, and that a promise is not a pipe."
    moved = STORY.replace(quote + "\n\n", "") + "\n" + quote + "\n"
    change = change_after(tmp_path, moved, quote)
    assert change is not None
    assert (change.recorded_paragraph, change.paragraph, change.reason) == (3, 4, "text moved")
