"""Every key binding of the app, in one place, each with an id and a description.

The ids are what a user's keymap in settings.yaml refers to (`keymap: {reader.next_match:
"ctrl+n"}`); Textual's own keymap mechanism (`App.set_keymap`) applies them. The help screen is
generated from these lists, so what it shows is what the keys do.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from textual.binding import Binding

# Footer groups: two keys under one short label, so the reader's footer fits 80 columns.
PARAGRAPH = Binding.Group("¶", compact=True)
MATCH = Binding.Group("Match", compact=True)

GLOBAL = [
    Binding("slash", "app.search", "Search", id="app.search"),
    Binding("question_mark", "app.help", "Help", id="app.help"),
    Binding("ctrl+p", "app.command_palette", "Commands", id="app.palette", show=False),
    Binding("ctrl+t", "app.change_theme", "Theme", id="app.theme", show=False),
    Binding("q", "app.quit", "Quit", id="app.quit"),
]
"""Bindings available on every screen (defined on the App)."""

LIBRARY = [
    Binding("enter", "open", "Open", id="library.open"),
    Binding("j", "cursor_down", "Down", id="library.down", show=False),
    Binding("k", "cursor_up", "Up", id="library.up", show=False),
    Binding("g", "first", "First", id="library.top", show=False),
    Binding("G", "last", "Last", id="library.bottom", show=False),
    Binding("f", "filter", "Filter", id="library.filter"),
    Binding("s", "sort", "Sort", id="library.sort"),
    Binding("S", "reverse_sort", "Reverse sort", id="library.reverse", show=False),
    Binding("escape", "clear_filter", "Clear filter", id="library.clear", show=False),
]
"""The library screen: the list of articles."""

READER = [
    Binding("escape", "back", "Back", id="reader.back"),
    Binding("j,down", "scroll_down", "Scroll down", id="reader.down", show=False),
    Binding("k,up", "scroll_up", "Scroll up", id="reader.up", show=False),
    Binding("space,pagedown", "page_down", "Page down", id="reader.page_down", show=False),
    Binding("b,pageup", "page_up", "Page up", id="reader.page_up", show=False),
    Binding("g,home", "top", "Top", id="reader.top", show=False),
    Binding("G,end", "bottom", "Bottom", id="reader.bottom", show=False),
    Binding(
        "left_square_bracket",
        "paragraph(-1)",
        "Previous paragraph",
        id="reader.prev_paragraph",
        group=PARAGRAPH,
    ),
    Binding(
        "right_square_bracket",
        "paragraph(1)",
        "Next paragraph",
        id="reader.next_paragraph",
        group=PARAGRAPH,
    ),
    Binding("n", "match(1)", "Next match", id="reader.next_match", group=MATCH),
    Binding("N", "match(-1)", "Previous match", id="reader.prev_match", group=MATCH),
    Binding("f,ctrl+f", "find", "Find", id="reader.find"),
    Binding("z", "fold", "Fold furniture", id="reader.fold", show=False),
]
"""The reader screen: one article."""

FIND_BAR = [
    Binding("escape", "close", "Close find", id="find.close"),
]
"""The find-in-article input at the bottom of the reader."""

SEARCH = [
    Binding("escape", "back", "Back", id="search.back"),
    Binding("enter", "open", "Open hit", id="search.open"),
    Binding("ctrl+r", "toggle_exact", "Exact/variants", id="search.exact"),
    Binding("slash", "focus_query", "Edit query", id="search.query", show=False),
    Binding("down", "focus_results", "Hits", id="search.results", key_display="↓"),
    Binding("j", "cursor_down", "Next hit", id="search.down", show=False),
    Binding("k", "cursor_up", "Previous hit", id="search.up", show=False),
]
"""The search screen: query box and hits."""

HELP = [
    Binding("escape,q,question_mark", "close", "Close help", id="help.close"),
]
"""The help screen."""

SECTIONS: dict[str, list[Binding]] = {
    "Everywhere": GLOBAL,
    "Library": LIBRARY,
    "Reader": READER,
    "Find in article": FIND_BAR,
    "Search": SEARCH,
    "Help": HELP,
}
"""Bindings by the screen they belong to, in the order the help screen lists them."""

# Keys that the built-in widgets handle themselves; listed on the help screen so every key
# a user can press is documented, but not rebindable through the keymap.
BUILT_IN: dict[str, list[tuple[str, str]]] = {
    "Everywhere": [("tab / shift+tab", "Move focus"), ("ctrl+q", "Quit at once")],
    "Library": [("up / down, pageup / pagedown", "Move in the list"), ("click header", "Sort")],
    "Search": [("up / down", "Move between hits"), ("tab / shift+tab", "Query ↔ hits")],
}


@dataclass(frozen=True)
class KeyHelp:
    """One row of the help screen."""

    section: str
    keys: str
    description: str
    binding_id: str


def all_binding_ids() -> set[str]:
    """Every id a keymap may use."""
    return {b.id for bindings in SECTIONS.values() for b in bindings if b.id}


def display_keys(keys: str) -> str:
    """A key string as people write it: "left_square_bracket,x" → "[ / x"."""
    names = {
        "slash": "/",
        "question_mark": "?",
        "left_square_bracket": "[",
        "right_square_bracket": "]",
        "space": "space",
    }
    return " / ".join(names.get(key.strip(), key.strip()) for key in keys.split(","))


def help_rows(keymap: Mapping[str, str]) -> list[KeyHelp]:
    """The help screen's rows, with the user's keymap applied."""
    rows: list[KeyHelp] = []
    for section, bindings in SECTIONS.items():
        for binding in bindings:
            binding_id = binding.id or ""
            keys = keymap.get(binding_id, binding.key)
            rows.append(KeyHelp(section, display_keys(keys), binding.description, binding_id))
        for keys, description in BUILT_IN.get(section, []):
            rows.append(KeyHelp(section, keys, description, ""))
    return rows


def check_keymap(keymap: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """The usable part of a user keymap, and a message for each entry that is not usable."""
    known = all_binding_ids()
    usable: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, keys in keymap.items():
        if binding_id not in known:
            problems.append(f"keymap: no binding has the id {binding_id!r}; ignored")
        elif not keys.strip() or any(not key.strip() for key in keys.split(",")):
            problems.append(f"keymap: {binding_id!r} has an empty key; ignored")
        else:
            usable[binding_id] = keys
    return usable, problems
