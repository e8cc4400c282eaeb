"""The search results list: one option per hit (flat view) or per article and passage (the
by-article view), each a title line plus highlighted text."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tuireader.app.shell.render import safe_content
from tuireader.core.text import plural

if TYPE_CHECKING:
    from tuireader.core.search.results import ArticleHit, SearchHit

PASSAGE_INDENT = "    "
"""How far a passage sits under its article."""


def hit_prompt(
    number: int,
    title: str,
    paragraph: int,
    variant: bool,
    snippet: str,
    spans: list[tuple[int, int]],
) -> Content:
    """The text of one result: "3. Title  ¶12  ≈ variant" over the highlighted snippet."""
    head = Content.assemble(
        (f"{number}. ", "dim"),
        safe_content(title).stylize("bold"),
        (f"  ¶{paragraph}", "dim"),
    )
    if variant:
        # Marked in words as well as colour so it reads under NO_COLOR.
        head = head + Content.styled("  ≈ variant", "italic")
    return Content("\n").join([head, safe_content(snippet, spans)])


def article_prompt(
    number: int, article: ArticleHit, metadata_only: bool, collapsed: bool, width: int
) -> Content:
    """An article's row on one line of `width` cells: "2. Title  3 matching paragraphs
    ≈ variant", the title's matched words highlighted (the title cut with "…" to fit);
    "▸" before the title when its passages are hidden."""
    marker = "▸ " if collapsed and article.passages else ""
    notes: list[str] = []
    if metadata_only:
        notes.append("title and metadata match")
    else:
        if article.metadata_match:
            notes.append("title matches")
        notes.append(plural(article.matching_paragraphs, "matching paragraph"))
    if article.variant:
        # In words as well as colour, so it reads under NO_COLOR.
        notes.append("≈ variant")
    lead = f"{number}. {marker}"
    tail = "  " + " · ".join(notes)
    title = safe_content(article.title, article.title_spans).stylize_before("bold")
    room = width - len(lead) - len(tail)
    if title.cell_length > room:
        title = title.truncate(max(10, room - 1)) + Content("…")
    return Content.assemble((lead, "dim"), title, (tail, "dim"))


def passage_prompt(passage: SearchHit, width: int) -> Content:
    """One passage under its article on one line: "¶12  …the matched words…" cut to `width`
    cells around its matches ("≈" after the number when only a variant matched)."""
    # Imported here: the snippets module loads Whoosh, which the app loads only on first
    # search (the library shows first).
    from tuireader.core.search.snippets import make_snippet

    number = f"¶{passage.paragraph}"
    label = f"{PASSAGE_INDENT}{number:<4} {'≈' if passage.variant else ' '} "
    room = max(20, width - len(label))
    # make_snippet cuts at word boundaries (so it often ends short of `room`) and may add
    # "…" at both ends; a few cells more, then a hard cut, keep the passage on one line.
    text, spans = make_snippet(passage.snippet, passage.snippet_spans, room + 4)
    snippet = safe_content(text, spans)
    if snippet.cell_length > room:
        snippet = snippet.truncate(room - 1) + Content("…")
    return Content.assemble((label, "dim"), snippet)


class ResultList(OptionList):
    """Search results; an option's id is its position in what the screen shows (a hit of
    the flat list, or a row of the by-article list)."""

    def show_hits(self, prompts: list[Content]) -> None:
        """Replace the options with these prompts (separated by rules)."""
        self.show_groups([[prompt] for prompt in prompts])

    def show_groups(self, groups: list[list[Content]], highlighted: int = 0) -> None:
        """Replace the options with groups of prompts, a rule between groups; options are
        numbered across groups, and option `highlighted` gets the cursor."""
        options: list[Option | None] = []
        number = 0
        for group in groups:
            if options:
                options.append(None)
            for prompt in group:
                options.append(Option(prompt, id=str(number)))
                number += 1
        self.set_options(options)
        if number:
            self.highlighted = min(highlighted, number - 1)

    @property
    def text_width(self) -> int:
        """Cells a prompt has on one line (a guess before the list is laid out)."""
        width = self.scrollable_content_region.width or 78
        if not self.show_vertical_scrollbar:
            # Long results bring a scrollbar once shown: leave it room from the start.
            width -= self.styles.scrollbar_size_vertical
        return width
