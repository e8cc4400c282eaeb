"""Pilot tests of notes and undo in the reader (issue 15): `u` takes back a delete, an edit
or a new highlight (on disk, read back through AnnotationStore); notes show under their
highlight and `i` shows them all; `y` in visual mode copies the selection with its
citation; `a` on a highlight edits its note; the note dialog shows which field has the
focus; every hint names the keys as the keymap binds them."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_harness import (
    NOTES_ARTICLE as NOTES,
)
from app_harness import (
    SAMPLE_ARTICLES,
    make_workspace,
    notifications,
    screen_lines,
    screen_strips,
    wait_for,
    wait_until_ready,
)
from app_harness import (
    settle_workers as settle,
)
from textual.widgets import Input, Static, TextArea

from tuireader.app.annotations.note_dialog import NoteDialog
from tuireader.app.app import TuiReaderApp
from tuireader.app.reader.screen import ReaderScreen
from tuireader.app.shell import bindings
from tuireader.app.shell.confirm import ConfirmDialog
from tuireader.core.annotations.model import Annotation, new_annotation
from tuireader.core.annotations.store import AnnotationStore
from tuireader.core.settings import Settings
from tuireader.core.workspace import Workspace

FIRST = "First sentence of the opening paragraph."
ANOTHER = "Another paragraph begins here."
THIRD = "A third paragraph with one sentence only."
LONG_NOTE = (
    "A long note that certainly needs more than one line at this width, so that its second "
    "line is indented under the first one and never runs into the gutter."
)
# Forty paragraphs: enough to scroll a note above the top of the view.
LONG = "Long Article\n\n" + "\n\n".join(
    f"Paragraph {n} says something about the camps and the border in plain words."
    for n in range(1, 41)
)


@pytest.fixture(autouse=True)
def _config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUIREADER_CONFIG_DIR", str(tmp_path / "config"))


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A fresh workspace per test (annotations change), no search index needed."""
    make_workspace(tmp_path / "ws", articles={**SAMPLE_ARTICLES, "notes": NOTES, "long": LONG})
    return tmp_path / "ws"


def stored(root: Path, article_id: str = "notes") -> list[Annotation]:
    """The annotations on disk now (a fresh store: nothing cached)."""
    return AnnotationStore(Workspace.open(root).annotations_dir).load(article_id).annotations


def add_quote(root: Path, article_id: str, quote: str, **fields: object) -> Annotation:
    """Store an annotation on the first occurrence of `quote` (before the app starts)."""
    article = Workspace.open(root).articles[article_id]
    start = article.text.index(quote)
    annotation = new_annotation(article, start, start + len(quote), **fields)  # type: ignore[arg-type]
    AnnotationStore(Workspace.open(root).annotations_dir).add(annotation)
    return annotation


def make_app(root: Path, keymap: dict[str, str] | None = None) -> TuiReaderApp:
    settings = Settings(keymap=keymap or {})
    return TuiReaderApp(Workspace.open(root), settings=settings, check_index=False, restore=False)


async def open_article(pilot, article_id: str = "notes", paragraph: int = 2) -> ReaderScreen:
    """Open an article with the cursor on `paragraph` and its annotations loaded."""
    app = await wait_until_ready(pilot, index=False)
    app.open_article(article_id, paragraph=paragraph)
    await settle(pilot)
    assert isinstance(app.screen, ReaderScreen)
    return app.screen


def said(app: TuiReaderApp) -> str:
    """Every notification shown now, one after another."""
    return "\n".join(str(n.message) for n in notifications(app))


def paragraph_lines(reader: ReaderScreen, number: int) -> list[str]:
    """The wrapped lines the reader has for paragraph `number` (1-based), notes included."""
    first, count = reader.view.placement(number - 1)
    return [line.content.plain for line in reader.view.lines[first : first + count]]


# ---------------------------------------------------------------------------- undo


async def test_u_brings_a_deleted_highlight_back_with_its_id_note_and_tags(root: Path) -> None:
    made = add_quote(root, "notes", FIRST, label="pink", note="why it matters", tags=["a", "b"])
    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        reader = await open_article(pilot)
        await pilot.press("d", "y")
        await settle(pilot)
        assert stored(root) == []
        assert "Press u to undo." in said(app)
        await pilot.press("u")
        await settle(pilot)
        (back,) = stored(root)
        assert (back.id, back.label, back.note, back.tags) == (
            made.id,
            "pink",
            made.note,
            ["a", "b"],
        )
        assert back.created == made.created and back.target == made.target
        assert [p.id for p in reader.view.highlights] == [made.id]
        assert reader.view.current_highlight == made.id
        assert "Undid the delete: “First sentence of the opening paragraph.” is back." in said(app)


async def test_u_takes_back_edits_one_after_another(root: Path) -> None:
    made = add_quote(root, "notes", FIRST, label="pink", note="old note", tags=["one"])
    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_article(pilot)
        await pilot.press("e", "ctrl+u", *"new note", "tab", *", two", "ctrl+s")
        await settle(pilot)
        await pilot.press("2")  # relabel: a second edit
        await settle(pilot)
        (now,) = stored(root)
        assert (now.label, now.note, now.tags) == ("green", "new note", ["one", "two"])
        await pilot.press("u")  # the relabel
        await settle(pilot)
        (now,) = stored(root)
        assert (now.label, now.note, now.tags) == ("pink", "new note", ["one", "two"])
        assert "Undid the edit of “First sentence of the opening paragraph.”" in said(app)
        await pilot.press("u")  # the note and tags
        await settle(pilot)
        (now,) = stored(root)
        assert (now.id, now.label, now.note, now.tags) == (made.id, "pink", "old note", ["one"])
        app.clear_notifications()
        await pilot.press("u")  # nothing older was done in this reader
        await settle(pilot)
        assert "Nothing to undo" in said(app)
        assert len(stored(root)) == 1


async def test_u_removes_a_highlight_just_made(root: Path) -> None:
    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        reader = await open_article(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert [a.target.exact for a in stored(root)] == [FIRST]
        await pilot.press("u")
        await settle(pilot)
        assert stored(root) == [] and reader.view.highlights == []
        assert "Undid the highlight “First sentence of the opening paragraph.”" in said(app)


async def test_undo_hints_follow_the_keymap(root: Path) -> None:
    add_quote(root, "notes", FIRST)
    app = make_app(root, keymap={"highlight.undo": "ctrl+z"})
    async with app.run_test(size=(100, 30)) as pilot:
        await open_article(pilot)
        await pilot.press("d", "y")
        await settle(pilot)
        assert "Press ctrl+z to undo." in said(app)
        await pilot.press("u")  # no longer the undo key
        await settle(pilot)
        assert stored(root) == []
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert len(stored(root)) == 1


# ---------------------------------------------------------------------------- notes


async def test_the_current_highlights_note_shows_under_its_paragraph(root: Path) -> None:
    add_quote(root, "notes", FIRST, label="green", note=LONG_NOTE)
    add_quote(root, "notes", ANOTHER, note="second note\nwith a line of its own")
    app = make_app(root)
    async with app.run_test(size=(80, 24)) as pilot:
        reader = await open_article(pilot)
        view = reader.view
        lines = paragraph_lines(reader, 2)
        text_rows = view.text_rows(1)
        notes = lines[text_rows:]
        assert " ".join(lines[:text_rows]).startswith(FIRST)
        assert len(notes) >= 2 and notes[0].startswith("↳ A long note")
        assert all(line.startswith("  ") for line in notes[1:])  # indented under the mark
        assert all(len(line) <= view.text_width for line in notes)
        assert " ".join(part.strip().removeprefix("↳ ") for part in notes) == LONG_NOTE
        assert not any("second note" in line for line in paragraph_lines(reader, 3))
        assert any("↳ A long note" in line for line in screen_lines(app))
        # The note is italic, so it reads apart from the text without colour too.
        strip = next(s for s in screen_strips(app) if "↳ A long note" in s.text)
        assert any(seg.style is not None and seg.style.italic for seg in strip)
        await pilot.press("right_square_bracket")  # the next paragraph's highlight
        await settle(pilot)
        assert paragraph_lines(reader, 2)[text_rows:] == []
        assert paragraph_lines(reader, 3)[view.text_rows(2) :] == [
            "↳ second note",
            "  with a line of its own",
        ]
        # A click on a note selects nothing: it is not article text.
        first, _ = view.placement(2)
        assert (
            view.offset_at(view._left + 8, first + view.text_rows(2) - view.scroll_offset.y) is None
        )


async def test_i_shows_every_note_and_again_only_the_current_one(root: Path) -> None:
    add_quote(root, "notes", FIRST, note="note one")
    add_quote(root, "notes", ANOTHER, note="note two")
    add_quote(root, "notes", THIRD)  # no note: nothing under it
    app = make_app(root, keymap={"highlight.notes": "ctrl+n"})
    async with app.run_test(size=(100, 30)) as pilot:
        reader = await open_article(pilot, paragraph=4)
        assert all("↳" not in line for n in (2, 3, 4) for line in paragraph_lines(reader, n))
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert paragraph_lines(reader, 2)[-1] == "↳ note one"
        assert paragraph_lines(reader, 3)[-1] == "↳ note two"
        assert all("↳" not in line for line in paragraph_lines(reader, 4))
        assert "Showing all 2 notes (ctrl+n: only the current highlight’s)." in said(app)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert all("↳" not in line for n in (2, 3) for line in paragraph_lines(reader, n))
        assert "(ctrl+n: every note)" in said(app)


async def test_a_note_coming_or_going_above_the_view_does_not_move_the_text(root: Path) -> None:
    add_quote(root, "long", "Paragraph 2 says", note="a note\nof two lines")
    add_quote(root, "long", "Paragraph 30 says")
    app = make_app(root)
    async with app.run_test(size=(80, 24)) as pilot:
        reader = await open_article(pilot, "long", paragraph=3)
        view = reader.view
        view.set_show_all_notes(True)
        await pilot.pause()
        view.scroll_to_paragraph(9)
        await pilot.pause()
        before = screen_lines(app)
        assert any(line.strip().startswith("10 ") for line in before)
        view.set_show_all_notes(False)  # the two note lines under ¶ 2 go
        await pilot.pause()
        assert screen_lines(app) == before
        view.set_show_all_notes(True)
        await pilot.pause()
        assert screen_lines(app) == before


async def test_notes_and_undo_keys_are_in_the_help_and_the_keymap_check() -> None:
    ids = bindings.all_binding_ids()
    assert {"highlight.undo", "highlight.notes"} <= ids
    rows = {row.binding_id: row for row in bindings.help_rows({"highlight.notes": "ctrl+n"})}
    assert rows["highlight.undo"].keys == "u" and rows["highlight.notes"].keys == "ctrl+n"
    # The keys chosen clash with no other reader key...
    reader_keys = [b.key for b in [*bindings.HIGHLIGHTS, *bindings.READER, *bindings.GLOBAL]]
    for key in ("u", "i"):
        assert sum(key in keys.split(",") for keys in reader_keys) == 1
    # ...and the check says when a rebinding makes them hide a global key.
    _, problems = bindings.check_keymap({"highlight.undo": "q"})
    assert any("'highlight.undo'" in p and "'app.quit'" in p for p in problems)


# ---------------------------------------------------------------------------- y, a


async def test_y_in_visual_mode_copies_the_selection_with_its_citation(root: Path) -> None:
    article = Workspace.open(root).articles["alpha"]
    index = next(n for n, p in enumerate(article.paragraphs) if p.text.startswith("The first"))
    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        reader = await open_article(pilot, "alpha", paragraph=index + 1)
        await pilot.press("v", "w", "w")
        await pilot.press("y")
        await settle(pilot)
        copied = (root / "exports" / "clipboard.txt").read_text(encoding="utf-8")
        number = article.paragraphs[index].locator  # as a reader of the page counts it
        assert copied.startswith(f"“The first paragraph” (Author, 2019, para. {number})")
        said = " ".join(str(n.message) for n in notifications(app))
        assert "citation of the selection" in said
        assert "Uyghur detention camps" not in copied  # not the whole paragraph
        assert "Alpha Report on Xinjiang." in copied  # the reference follows
        assert reader.visual.selection is None  # y ends visual mode, as in vi
        assert stored(root, "alpha") == []  # copying stores nothing


async def test_a_on_a_highlighted_sentence_edits_its_note(root: Path) -> None:
    made = add_quote(root, "notes", THIRD, label="blue", note="first thoughts")
    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        reader = await open_article(pilot, paragraph=4)  # its only sentence is highlighted
        await pilot.press("a")
        dialog = app.screen
        assert isinstance(dialog, NoteDialog) and dialog.title_text == "Note"
        assert isinstance(app.focused, TextArea) and app.focused.text == "first thoughts"
        await pilot.press(*", second thoughts", "ctrl+s")
        await settle(pilot)
        (now,) = stored(root)
        assert (now.id, now.label) == (made.id, "blue")
        assert now.note == "first thoughts, second thoughts"
        # With a match inside a highlight, a edits that one (not a new one on its sentence).
        partial = add_quote(root, "notes", "Second sentence, with a comma")
        reader.highlights.load()  # as on coming back to the reader: read the file again
        await pilot.press("left_square_bracket", "left_square_bracket")
        await settle(pilot)
        assert partial.id in {p.id for p in reader.view.highlights_in(1)}
        start = NOTES.index("comma")
        reader.view.set_matches([(start, start + len("comma"))])
        reader.view.go_to_match(0)
        await pilot.press("a")
        assert isinstance(app.screen, NoteDialog)
        await pilot.press(*"on the comma", "ctrl+s")
        await settle(pilot)
        assert {a.id: a.note for a in stored(root)}[partial.id] == "on the comma"
        assert len(stored(root)) == 2


# ---------------------------------------------------------------------------- the dialog


async def test_the_note_dialog_shows_which_field_has_the_focus(root: Path, monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(root)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_article(pilot)
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, NoteDialog), what="the note dialog")
        dialog = app.screen
        assert app.no_color

        def caption(field: str) -> Static:
            return dialog.query_one(f"#{field}-caption", Static)

        def marked() -> list[str]:
            return [line.strip("│ ") for line in screen_lines(app) if "▸ " in line]

        assert isinstance(app.focused, TextArea)
        assert marked() == ["▸ Note"] and caption("note-text").has_class("-focused")
        assert any("tab: to Tags" in line for line in screen_lines(app))
        await pilot.press("tab")
        assert isinstance(app.focused, Input)
        assert marked() == ["▸ Tags (comma-separated)"]
        assert not caption("note-text").has_class("-focused")
        assert any("tab: to Save" in line for line in screen_lines(app))
        await pilot.press("shift+tab", "shift+tab")
        assert marked() == ["▸ Label (←/→, space)"]
        assert any("tab: to Note" in line for line in screen_lines(app))
        # The focused caption is in reverse video: visible without colour.
        strip = next(s for s in screen_strips(app) if "▸ Label" in s.text)
        assert any(
            seg.style is not None and seg.style.reverse and "Label" in seg.text for seg in strip
        )


async def test_a_delete_kept_at_the_confirmation_leaves_nothing_to_undo(root: Path) -> None:
    """d shows the confirmation; escape keeps the highlight and leaves nothing to undo."""
    add_quote(root, "notes", FIRST)
    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_article(pilot)
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert "Nothing to undo" in said(app) and len(stored(root)) == 1
