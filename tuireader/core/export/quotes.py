"""The quote item: one annotation ready for export, as every export format receives it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class QuoteItem:
    """One annotation ready for export: its quote, where it is, and whether it was verified."""

    annotation_id: str
    article_id: str
    key: str  # citation key of the article
    exact: str  # the quoted text (the current article text when verified)
    paragraph: int | None  # its locator, "para. N" (see annotations/locators.py); None: uncounted
    note: str = ""
    tags: list[str] = field(default_factory=list)
    label: str | None = None
    status: str = "anchored"  # anchored, fuzzy or orphaned (from the quote check)
    score: float = 1.0
    prefix: str = ""  # the text just before the quote (current text when verified)
    suffix: str = ""  # the text just after it
    start: int | None = None  # character offsets in the current text (None: not found)
    end: int | None = None
    created: str = ""  # ISO 8601 UTC, as stored
    updated: str = ""
    page: int | None = None
    """The page of the original the quote begins on, for an article imported from a PDF
    (`annotations.locators.page_at`); when set it is cited ("p. 12") instead of the
    paragraph."""

    @property
    def locator_text(self) -> str | None:
        """Where the quote is, as a citation says it: "p. 12" (paged source), "para. 3",
        or None when neither is known."""
        if self.page:
            return f"p. {self.page}"
        return f"para. {self.paragraph}" if self.paragraph else None

    @property
    def verified(self) -> bool:
        """Whether the quote was found exactly in the current article text."""
        return self.status == "anchored"

    @property
    def unverified_notice(self) -> str:
        """The visible mark put on a quote that could not be verified."""
        if self.status == "fuzzy":
            how = f"only a close match (score {self.score:.2f}) in"
        else:
            how = "not found in"
        return f"UNVERIFIED: this quote was {how} the current article text"
