"""Building blocks for command palette providers: safe highlighting and fixed command lists."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher

from tuireader.app.context import reader_context
from tuireader.app.shell.keys import key_for
from tuireader.app.shell.render import safe_content

Command = tuple[str, str, Callable[[], object]]
"""A palette command: its name, its help text and what choosing it does."""


def highlight_plain(matcher: Matcher, candidate: str) -> Content:
    """`candidate` with the fuzzy-matched letters highlighted, built as plain text.

    Textual's `Matcher.highlight` parses the candidate as markup, which an article title must
    never be (`[@click=app.quit]` would become a live link).
    """
    content = safe_content(candidate)
    score, offsets = matcher.fuzzy_search.match(matcher.query, candidate)
    if score:
        for offset in offsets:
            if not candidate[offset].isspace():
                content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class CommandListProvider(Provider):
    """A provider offering a list of commands: every one when the palette opens, the
    fuzzily matching ones as the user types. Subclasses say which in `_commands()`."""

    def _commands(self) -> list[Command]:
        """The commands on offer now (may depend on the screen under the palette)."""
        raise NotImplementedError

    def key(self, binding_id: str) -> str:
        """The key of a binding as the user's keymap has it, for a command's help text."""
        return key_for(binding_id, reader_context(self.screen).keymap_in_use)

    def screen_action(self, action: str) -> Callable[[], object]:
        """A command running one of the screen's own actions, as its key would."""
        return partial(self.screen.run_action, action)

    async def discover(self) -> Hits:
        """Every command."""
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(safe_content(name), callback, text=name, help=help_text)

    async def search(self, query: str) -> Hits:
        """Commands whose name matches `query`."""
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score, highlight_plain(matcher, name), callback, text=name, help=help_text
                )
