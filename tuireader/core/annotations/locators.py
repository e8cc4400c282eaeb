"""Paragraph locators: "para. N" as a reader of the published article counts it.

A citation of a web article without page numbers gives a paragraph number (APA "para. 7",
Chicago "par. 7"). The reader checking it counts the paragraphs of the article's body on the
page, so tuireader counts the same way. The rule, applied once when an article is read
(`corpus.mark_furniture`, which knows the page furniture) and kept in `Paragraph.locator`:

- Only body paragraphs are counted, from 1 at the first paragraph of the body.
- Not counted (their locator is None):
  - page furniture: navigation and section lines above the body, boilerplate ("Published
    by …", "Subscribe", "Advertisement"), photo credits, bylines, repeats of the title, and
    everything from a paywall prompt or an author bio on;
  - the headline: the title line itself (the catalog's title, or the text's first line);
  - the standfirst, where detectable: the first paragraph after the headline when it is at
    most `corpus.STANDFIRST_MAX_WORDS` words and page-head furniture (a byline, the
    repeated title, boilerplate or section lines) comes right after it;
  - a photo caption: the paragraph right before a credit line ("Credit: AP Photo");
  - section headings inside the body: short lines (up to 12 words) without sentence
    punctuation ("Conclusion").
- Paragraphs are those of `corpus.split_paragraphs`, which does not change with trailing
  spaces, CRLF line ends, tabs or extra blank lines.

Limits: a heading that ends like a sentence ("Where Can the Persecuted Flee?", a quotation
used as a heading) is counted as a paragraph, and a standfirst with no furniture between
it and the body (or no headline above it) is counted as the first paragraph: the plain
text does not tell them from body paragraphs.

Page locators: an article imported from a PDF (`tuireader import`) keeps in its catalog
entry where each page of the original begins in its text (`pages:`, see
`tuireader.core.catalog`); a quote in it is cited by the page it begins on ("p. 12",
`page_at`), which is what the reader of the PDF can check, instead of a paragraph.

An annotation stores `target.paragraph`, the 1-based index among all paragraphs
(furniture included) of the text it was made on; files are never rewritten to change it.
`locator_change` compares it with where the quote is now, which is what `tuireader check`
reports when a quote's paragraph really moved.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from tuireader.core.annotations.anchoring import (
    CONTEXT_MIN,
    Anchor,
    TextTarget,
    context_similarity,
    paragraph_holding,
)
from tuireader.core.corpus import Article, Paragraph

MoveReason = Literal["paragraphs added before it", "paragraphs removed before it", "text moved"]


def locator_of(paragraph: Paragraph | None) -> int | None:
    """The paragraph's locator ("para. N"); None for furniture, headline and the like, or
    for no paragraph at all."""
    return paragraph.locator if paragraph is not None else None


def locator_at(article: Article, offset: int) -> int | None:
    """The locator of the paragraph holding character `offset` of the article's text
    (None when that paragraph is not counted, see the module docstring)."""
    return locator_of(paragraph_holding(article.paragraphs, offset))


def page_at(page_starts: Sequence[int] | None, offset: int | None) -> int | None:
    """The page (1-based) of the original on which character `offset` of an imported
    article's text lies, from its catalog `pages:` (where each page begins); None when the
    article has no pages or there is no offset. A page without text begins where the
    next one does, so a quote there is on the next page."""
    if not page_starts or offset is None or offset < 0:
        return None
    return max(bisect_right(list(page_starts), offset), 1)


def anchor_locator(article: Article, anchor: Anchor) -> int | None:
    """The locator of a re-anchored highlight in the article's current text; None for an
    orphan or a highlight in a paragraph readers do not count."""
    if anchor.start is None:
        return None
    return locator_at(article, anchor.start)


@dataclass(frozen=True)
class LocatorChange:
    """A highlight whose paragraph is not the one it was made in: recorded and current
    paragraph index (¶, counting furniture), its locator now, and why it changed."""

    recorded_paragraph: int
    paragraph: int
    locator: int | None
    reason: MoveReason

    def describe(self) -> str:
        """One line for `check`: "¶ 16 → ¶ 17, para. 8 now (paragraphs added before it)"."""
        now = f"para. {self.locator} now" if self.locator is not None else "not counted now"
        return f"¶ {self.recorded_paragraph} → ¶ {self.paragraph}, {now} ({self.reason})"

    def to_dict(self) -> dict[str, object]:
        """The change as plain data (for JSON output)."""
        return {
            "recorded_paragraph": self.recorded_paragraph,
            "paragraph": self.paragraph,
            "locator": self.locator,
            "reason": self.reason,
        }


def locator_change(target: TextTarget, anchor: Anchor, article: Article) -> LocatorChange | None:
    """How the paragraph of a highlight changed since it was made, or None when it did not.

    Nothing changed when the text is the one the highlight was made on (same checksum: a
    `paragraph` recorded by an older way of counting is not a move) or when the quote is
    in a paragraph with the recorded index. Otherwise the reason is "text moved" when the
    quote's surroundings are not those recorded with it (the passage was moved or rewritten
    around it), else paragraphs were added or removed before it (the quote itself may have
    been edited: that is its fuzzy status). An orphan has no paragraph: None.
    """
    if anchor.start is None or anchor.end is None or anchor.paragraph is None:
        return None
    if target.checksum == article.checksum or anchor.paragraph == target.paragraph:
        return None
    reason: MoveReason
    if context_similarity(target, article.text, anchor.start, anchor.end) < CONTEXT_MIN:
        reason = "text moved"
    elif anchor.paragraph > target.paragraph:
        reason = "paragraphs added before it"
    else:
        reason = "paragraphs removed before it"
    return LocatorChange(
        target.paragraph, anchor.paragraph, anchor_locator(article, anchor), reason
    )
