"""The search results list: one option per hit, title line plus highlighted snippet."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tuireader.app.shell.render import safe_content


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


class ResultList(OptionList):
    """Search hits; the option id is the hit's position in the current results."""

    def show_hits(self, prompts: list[Content]) -> None:
        """Replace the options with these prompts (separated by rules)."""
        options: list[Option | None] = []
        for number, prompt in enumerate(prompts):
            if number:
                options.append(None)
            options.append(Option(prompt, id=str(number)))
        self.set_options(options)
        if prompts:
            self.highlighted = 0
