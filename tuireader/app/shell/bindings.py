"""Every key binding of the app, in one place, each with an id and a description.

The ids are what a user's keymap in settings.yaml refers to (`keymap: {reader.next_match:
"ctrl+n"}`); Textual's own keymap mechanism (`App.set_keymap`) applies them. The help screen is
generated from these lists, so what it shows is what the keys do.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from textual.binding import Binding

from tuireader.core.annotations.labels import LABEL_NAMES

# Footer groups: two keys under one short label, so the reader's footer fits 80 columns.
PARAGRAPH = Binding.Group("¶", compact=True)
MATCH = Binding.Group("Match", compact=True)

GLOBAL = [
    Binding("slash", "app.search", "Search", id="app.search"),
    Binding("question_mark", "app.help", "Help", id="app.help"),
    Binding("ctrl+p", "app.command_palette", "Commands", id="app.palette", show=False),
    Binding("ctrl+t", "app.change_theme", "Theme", id="app.theme", show=False),
    Binding("E", "app.entities", "Entities of the workspace", id="app.entities", show=False),
    Binding("x", "app.export", "Export annotations", id="app.export", show=False),
    Binding(
        "A", "app.annotations", "Annotations of the workspace", id="app.annotations", show=False
    ),
    Binding("F", "app.figures", "Figures across articles", id="app.figures", show=False),
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
    Binding("c", "compare", "Compare with…", id="library.compare", show=False),
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
    Binding(
        "p",
        "toggle_entities",
        "Entity sidebar: who and what this article names",
        id="reader.entities",
        show=False,
    ),
    Binding(
        "o",
        "entity_articles",
        "Articles naming the selected entity",
        id="reader.entity_articles",
        show=False,
    ),
    Binding(
        "y",
        "copy_citation",
        "Copy citation: of the selection, else of the highlight or paragraph at the cursor",
        id="reader.copy_citation",
        show=False,
    ),
    Binding("Y", "copy_reference", "Copy reference", id="reader.copy_reference", show=False),
    Binding("c", "compare", "Compare with another article", id="reader.compare", show=False),
    Binding(
        "C",
        "edit_catalog",
        "Catalog entry: correct the title, authors, outlet, date and URL",
        id="reader.catalog",
        show=False,
    ),
    Binding(
        "w",
        "who_else",
        "Who else says this? (the selection, else the cursor paragraph)",
        id="reader.who_else",
        show=False,
    ),
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
    # Not in the footer: at 80 columns it would push "q Quit" off; the status line names it.
    Binding("ctrl+l", "toggle_view", "Articles/paragraphs", id="search.view", show=False),
    Binding("space", "toggle_expand", "Show/hide passages", id="search.expand", show=False),
]
"""The search screen: query box and hits."""

HELP = [
    Binding("escape,q,question_mark", "close", "Close help", id="help.close"),
]
"""The help screen."""

EXPORT_DIALOG = [
    Binding("enter", "export", "Export", id="export.export"),
    Binding("escape", "cancel", "Cancel", id="export.cancel"),
    Binding("down", "app.focus_next", "Next field", id="export.next_field", show=False),
    Binding("up", "app.focus_previous", "Previous field", id="export.prev_field", show=False),
]
"""The export dialog (x)."""

CHOICE = [
    Binding("left", "step(-1)", "Previous option (format…)", id="choice.previous", show=False),
    Binding("right", "step(1)", "Next option (format…)", id="choice.next", show=False),
]
"""A one-line choice in a dialog (format, scope)."""

STYLE_FILTER = [
    Binding("down", "move(1)", "Next style (filter)", id="export.style_down", show=False),
    Binding("up", "move(-1)", "Previous style (filter)", id="export.style_up", show=False),
]
"""The citation-style filter of the export dialog."""

CHECKBOX = [
    Binding("space", "toggle_button", "Tick / untick the checkbox", id="export.toggle", show=False),
]
"""A checkbox in a dialog (enter is left to the dialog)."""

CHOICE_DIALOG = [
    Binding("escape", "cancel", "Cancel", id="question.cancel"),
    Binding("left", "focus_button(-1)", "Previous answer", id="question.prev", show=False),
    Binding("right", "focus_button(1)", "Next answer", id="question.next", show=False),
]
"""A question with a few answers (e.g. copy an unverified quote?)."""

ENTITY_SIDEBAR = [
    Binding(
        "enter", "select", "Highlight mentions (again: clear)", id="sidebar.select", show=False
    ),
    Binding("j", "cursor_down", "Next entity", id="sidebar.down", show=False),
    Binding("k", "cursor_up", "Previous entity", id="sidebar.up", show=False),
    Binding("escape", "leave", "Back to the text", id="sidebar.leave", show=False),
]
"""The reader's entity sidebar (p); arrows move too, o lists the articles naming one."""

ENTITIES = [
    Binding("escape", "back", "Back", id="entities.back", tooltip="or clear the filter"),
    Binding("enter", "search", "Search for it", id="entities.search"),
    Binding("o", "articles", "Its articles", id="entities.articles"),
    Binding("f", "filter", "Filter", id="entities.filter"),
    Binding("s", "sort", "Sort", id="entities.sort", tooltip="by mentions or by articles"),
    Binding("t", "kind", "Type", id="entities.kind", tooltip="one type after another"),
    Binding("j", "cursor_down", "Next entity", id="entities.down", show=False),
    Binding("k", "cursor_up", "Previous entity", id="entities.up", show=False),
]
"""The entities screen (E): every entity of the workspace."""

ENTITY_ARTICLES = [
    Binding("escape", "close", "Close", id="entity_articles.close"),
    Binding("enter", "open", "Open", id="entity_articles.open"),
    Binding("slash", "search", "Search for the entity", id="entity_articles.search"),
    Binding("j", "cursor_down", "Next article", id="entity_articles.down", show=False),
    Binding("k", "cursor_up", "Previous article", id="entity_articles.up", show=False),
]
"""The list of articles that name an entity (o)."""

# Highlights and notes (tuireader.app.annotations): reader keys, visual mode, note dialog,
# annotations view.
HIGHLIGHT = Binding.Group("Highlight", compact=True)
WORD = Binding.Group("Word", compact=True)
SENTENCE = Binding.Group("Sentence", compact=True)
PARAGRAPHS = Binding.Group("¶", compact=True)

HIGHLIGHTS = [
    Binding("v", "visual", "Select text (visual mode)", id="highlight.visual", show=False),
    Binding(
        "h",
        "highlight",
        "Highlight the selection (else the sentence)",
        id="highlight.sentence",
        show=False,
    ),
    Binding(
        "H",
        "highlight_paragraph",
        "Highlight the paragraph",
        id="highlight.paragraph",
        show=False,
    ),
    *(
        Binding(
            key,
            f"label('{name}')",
            f"Label {name}: the selection, the highlight at the cursor, or the sentence",
            id=f"highlight.label_{key}",
            show=False,
        )
        for key, name in ((str(n), name) for n, name in enumerate(LABEL_NAMES, 1))
    ),
    Binding(
        "a",
        "annotate",
        "Annotate: highlight with a note (on a highlight: edit its note)",
        id="highlight.annotate",
        show=False,
    ),
    Binding("t", "tags", "Tags of the highlight at the cursor", id="highlight.tags", show=False),
    Binding(
        "m", "next_highlight(1)", "Next highlight", id="highlight.next", group=HIGHLIGHT, show=False
    ),
    Binding(
        "M",
        "next_highlight(-1)",
        "Previous highlight",
        id="highlight.prev",
        group=HIGHLIGHT,
        show=False,
    ),
    Binding(
        "e", "edit_highlight", "Edit the highlight at the cursor", id="highlight.edit", show=False
    ),
    Binding(
        "d",
        "delete_highlight",
        "Delete the highlight at the cursor",
        id="highlight.delete",
        show=False,
    ),
    Binding(
        "u",
        "undo_highlight",
        "Undo the last highlight, edit or delete (again: the one before)",
        id="highlight.undo",
        show=False,
    ),
    Binding(
        "i",
        "toggle_notes",
        "Notes under their highlights: all of them, or only the current one's",
        id="highlight.notes",
        show=False,
    ),
]
"""The reader's highlight keys (h, 1-6, a and t use the selection when there is one)."""

VISUAL = [
    Binding(
        "w,l,right", "screen.visual_move('word', 1)", "Next word", id="visual.word_next", group=WORD
    ),
    Binding(
        "b,left",
        "screen.visual_move('word', -1)",
        "Previous word",
        id="visual.word_prev",
        group=WORD,
    ),
    Binding(
        "left_parenthesis",
        "screen.visual_move('sentence', -1)",
        "Previous sentence",
        id="visual.sentence_prev",
        group=SENTENCE,
    ),
    Binding(
        "right_parenthesis",
        "screen.visual_move('sentence', 1)",
        "Next sentence",
        id="visual.sentence_next",
        group=SENTENCE,
    ),
    Binding(
        "left_curly_bracket",
        "screen.visual_move('paragraph', -1)",
        "Previous paragraph",
        id="visual.paragraph_prev",
        group=PARAGRAPHS,
    ),
    Binding(
        "right_curly_bracket",
        "screen.visual_move('paragraph', 1)",
        "Next paragraph",
        id="visual.paragraph_next",
        group=PARAGRAPHS,
    ),
    Binding("o", "screen.visual_swap", "Move the other end", id="visual.swap", show=False),
    Binding("escape", "screen.visual_cancel", "Cancel", id="visual.cancel"),
]
"""Visual mode (v): the selection's moving end goes by word, sentence or paragraph; then h or
1-6 highlight it, a annotates it, t tags it, y copies it with its citation."""

NOTE_DIALOG = [
    Binding("ctrl+s", "save", "Save", id="note.save"),
    Binding("escape", "cancel", "Cancel", id="note.cancel"),
]
"""The note / tags dialog (a, e, t): tab moves between label, note and tags."""

CONFIRM = [
    Binding("y", "yes", "Yes (delete)", id="confirm.yes"),
    Binding("n,escape", "no", "No (keep)", id="confirm.no"),
]
"""A yes/no question about a highlight (d: delete it?); the safe answer is focused."""

ANNOTATIONS = [
    Binding("escape", "back", "Back / clear filter", id="annotations.back"),
    Binding("enter", "open", "Open in the reader", id="annotations.open"),
    Binding("f", "filter", "Filter", id="annotations.filter"),
    Binding("O", "orphans", "Orphans only", id="annotations.orphans"),
    Binding("j", "cursor_down", "Next annotation", id="annotations.down", show=False),
    Binding("k", "cursor_up", "Previous annotation", id="annotations.up", show=False),
]
"""The annotations view (A): every annotation of the workspace."""

# Comparison (tuireader.app.compare.commands): the compare screen, picking the other article,
# figures tables and passage search.
PAIR = Binding.Group("Pair", compact=True)

COMPARE = [
    Binding("escape", "back", "Back", id="compare.back"),
    Binding("tab", "switch_pane", "Other pane", id="compare.switch"),
    Binding("right_square_bracket", "pair(1)", "Next pair", id="compare.next_pair", group=PAIR),
    Binding("left_square_bracket", "pair(-1)", "Previous pair", id="compare.prev_pair", group=PAIR),
    Binding("s", "toggle_sync", "Sync scroll", id="compare.sync"),
    Binding("f", "figures", "Figures", id="compare.figures"),
    Binding("o", "flip", "Flip pane", id="compare.flip"),
    Binding("1", "show_pane('a')", "Show / go to pane A", id="compare.pane_a", show=False),
    Binding("2", "show_pane('b')", "Show / go to pane B", id="compare.pane_b", show=False),
    Binding("enter", "open", "Open the article of this pane", id="compare.open", show=False),
    Binding("j,down", "scroll(1)", "Scroll down", id="compare.down", show=False),
    Binding("k,up", "scroll(-1)", "Scroll up", id="compare.up", show=False),
    Binding("space,pagedown", "page(1)", "Page down", id="compare.page_down", show=False),
    Binding("b,pageup", "page(-1)", "Page up", id="compare.page_up", show=False),
    Binding("g,home", "end(-1)", "Top", id="compare.top", show=False),
    Binding("G,end", "end(1)", "Bottom", id="compare.bottom", show=False),
]
"""The compare screen (c in the reader or library): two articles side by side."""

PICK_ARTICLE = [
    Binding("escape", "cancel", "Cancel", id="pick.cancel"),
    Binding("enter", "pick", "Choose", id="pick.choose"),
    Binding("down", "move(1)", "Next article", id="pick.down", show=False),
    Binding("up", "move(-1)", "Previous article", id="pick.up", show=False),
    Binding("pagedown", "move(10)", "Ten down", id="pick.page_down", show=False),
    Binding("pageup", "move(-10)", "Ten up", id="pick.page_up", show=False),
]
"""The "compare with…" dialog: type to filter the articles, enter chooses."""

FIGURES = [
    Binding("escape", "back", "Back", id="figures.back"),
    Binding("enter", "open", "Go to it", id="figures.open"),
    Binding("d", "differ_only", "Differences only", id="figures.differ", tooltip="again: all"),
    Binding("j", "cursor_down", "Next row", id="figures.down", show=False),
    Binding("k", "cursor_up", "Previous row", id="figures.up", show=False),
]
"""Figures tables: a pair's (f in compare) and the workspace's (F)."""

PASSAGES = [
    Binding("escape", "back", "Back", id="passages.back"),
    Binding("enter", "open", "Open at the paragraph", id="passages.open"),
    Binding("c", "compare", "Compare the two articles", id="passages.compare"),
    Binding("j", "cursor_down", "Next passage", id="passages.down", show=False),
    Binding("k", "cursor_up", "Previous passage", id="passages.up", show=False),
]
"""Passage search results (w in the reader): the most similar paragraphs elsewhere."""

SECTIONS: dict[str, list[Binding]] = {
    "Everywhere": GLOBAL,
    "Library": LIBRARY,
    "Reader": READER,
    "Find in article": FIND_BAR,
    "Search": SEARCH,
    "Help": HELP,
    "Entity sidebar": ENTITY_SIDEBAR,
    "Entities": ENTITIES,
    "Articles naming an entity": ENTITY_ARTICLES,
    "Export dialog": [*EXPORT_DIALOG, *CHOICE, *STYLE_FILTER, *CHECKBOX],
    "Questions": CHOICE_DIALOG,
    "Highlights (reader)": HIGHLIGHTS,
    "Visual selection (v)": VISUAL,
    "Note and delete dialogs": [*NOTE_DIALOG, *CONFIRM],
    "Annotations (A)": ANNOTATIONS,
    "Compare two articles": COMPARE,
    "Pick an article": PICK_ARTICLE,
    "Figures (f in compare, F everywhere)": FIGURES,
    "Who else says this? (w)": PASSAGES,
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
        "left_parenthesis": "(",
        "right_parenthesis": ")",
        "left_curly_bracket": "{",
        "right_curly_bracket": "}",
    }
    return " / ".join(names.get(key.strip(), key.strip()) for key in keys.split(","))


SHORT_KEYS = {"escape": "esc", "enter": "⏎"}
"""How tight hints (a one-line bar, a button) write the keys with long names."""


def short_key(key: str) -> str:
    """A key as written by `display_keys`, shortened for a tight hint: "esc", "⏎"."""
    return SHORT_KEYS.get(key, key)


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
    """The usable part of a user keymap, and a message for each entry that is not usable
    (ignored) or that hides a global binding on some screen (applied all the same)."""
    if not keymap:
        return {}, []  # nothing to check (start-up time: the clash scan below is not free)
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
    # A screen's binding wins over a global one on the same key, so a rebinding that puts
    # both on one key hides the global binding on that screen: say so (the entry is still
    # applied). Only clashes the user's keymap makes count (search's "/" and help's "q" hide
    # the global ones on purpose), and dialogs are left out: they block the global keys anyway.
    in_dialogs = [*EXPORT_DIALOG, *CHOICE, *STYLE_FILTER, *CHECKBOX, *CHOICE_DIALOG]
    in_dialogs += [*NOTE_DIALOG, *CONFIRM, *PICK_ARTICLE]
    dialogs = {binding.id for binding in in_dialogs}

    def keys_of(binding: Binding) -> set[str]:
        return {key.strip() for key in usable.get(binding.id or "", binding.key).split(",")}

    for global_binding in GLOBAL:
        global_keys = keys_of(global_binding)
        for section, section_bindings in SECTIONS.items():
            for binding in section_bindings:
                if binding in GLOBAL or binding.id in dialogs:
                    continue
                if binding.id not in usable and global_binding.id not in usable:
                    continue
                for key in sorted(keys_of(binding) & global_keys):
                    problems.append(
                        f"keymap: {binding.id!r} on {display_keys(key)} hides the global "
                        f"{global_binding.id!r} ({global_binding.description}) in {section}"
                    )
    return usable, problems
