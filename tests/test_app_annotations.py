"""Pilot tests of highlights and notes: visual mode, h / H / 1-6, the note dialog, tags,
m / M, edit, delete with confirmation, the annotations view, a read-only annotation file,
and that everything lands in the YAML files (read back through AnnotationStore)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from app_harness import (
    NOTES_ARTICLE as NOTES,
)
from app_harness import (
    SAMPLE_ARTICLES,
    palette_ready,
    wait_for,
    wait_until_ready,
)
from app_harness import make_workspace as build_workspace
from app_harness import (
    settle_workers as settle,
)
from textual.widgets import DataTable, Input, RadioSet, TextArea

from tuireader.app.annotations.annotated_view import CURRENT_MARKER
from tuireader.app.annotations.model import Selection, TextUnits, parse_filter
from tuireader.app.annotations.note_dialog import NoteDialog
from tuireader.app.annotations.screen import AnnotationsScreen, columns_for
from tuireader.app.annotations.visual_bar import VisualBar
from tuireader.app.app import TuiReaderApp
from tuireader.app.reader.screen import ReaderScreen
from tuireader.app.shell.confirm import ConfirmDialog
from tuireader.core.annotations.model import Annotation, new_annotation
from tuireader.core.annotations.store import AnnotationStore
from tuireader.core.text import sentence_spans
from tuireader.core.workspace import Workspace

FIRST = "First sentence of the opening paragraph."
SECOND = "Second sentence, with a comma, follows here."
PARAGRAPH_2 = f"{FIRST} {SECOND} Third one ends it!"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A fresh workspace per test (annotations change), no search index needed."""
    build_workspace(tmp_path / "ws", articles={**SAMPLE_ARTICLES, "notes": NOTES})
    return tmp_path / "ws"


def store_for(root: Path) -> AnnotationStore:
    return AnnotationStore(Workspace.open(root).annotations_dir)


def stored(root: Path, article_id: str = "notes") -> list[Annotation]:
    """The annotations on disk now (a fresh store: nothing cached)."""
    return store_for(root).load(article_id).annotations


def add_quote(root: Path, article_id: str, quote: str, **fields: object) -> Annotation:
    """Store an annotation on the first occurrence of `quote` (before the app starts)."""
    article = Workspace.open(root).articles[article_id]
    start = article.text.index(quote)
    annotation = new_annotation(article, start, start + len(quote), **fields)  # type: ignore[arg-type]
    store_for(root).add(annotation)
    return annotation


def make_app(root: Path) -> TuiReaderApp:
    return TuiReaderApp(Workspace.open(root), check_index=False, restore=False)


async def open_notes(pilot, paragraph: int = 2, article_id: str = "notes") -> ReaderScreen:
    """Open an article with the cursor on `paragraph` and its annotations loaded."""
    app = await wait_until_ready(pilot, index=False)
    app.open_article(article_id, paragraph=paragraph)
    await settle(pilot)
    assert isinstance(app.screen, ReaderScreen)
    return app.screen


def selected_text(reader: ReaderScreen) -> str:
    assert reader.visual.selection is not None
    start, end = reader.visual.selection.span(reader.session.units)
    return reader.article.text[start:end]


def record_notifications(app: TuiReaderApp) -> list[str]:
    """Collect every notification's text."""
    seen: list[str] = []
    notify = app.notify

    def recording(message: str, **kwargs: object) -> None:
        seen.append(message)
        notify(message, **kwargs)  # type: ignore[arg-type]

    app.notify = recording  # type: ignore[method-assign]
    return seen


# ---------------------------------------------------------------------------- units


def test_sentences_skip_abbreviations_and_initials() -> None:
    text = "Mr. Smith met Dr. J. K. Rowling in the U.S. on Monday. She said “Hi.” Then 3 left!"
    sentences = [text[s:e] for s, e in sentence_spans(text)]
    assert sentences == [
        "Mr. Smith met Dr. J. K. Rowling in the U.S. on Monday.",
        "She said “Hi.”",
        "Then 3 left!",
    ]


def test_filter_syntax() -> None:
    parsed = parse_filter('camps tag:x label:Green status:orph doc:alpha "two words" is:fuzzy')
    assert parsed.words == ["camps", "two words"]
    assert (parsed.tags, parsed.labels, parsed.docs) == (["x"], ["green"], ["alpha"])
    assert parsed.statuses == ["orphaned", "fuzzy"]
    assert not parsed.problems
    assert parse_filter("colour:red").problems  # unknown key: said, searched as text
    assert parse_filter('tag:"unclosed').tags == ["unclosed"]  # while typing: no error
    # Narrow terminals drop note, tags, then the article column; the quote stays.
    assert list(columns_for(120)) == [
        "article",
        "paragraph",
        "status",
        "label",
        "tags",
        "quote",
        "note",
    ]
    assert "note" not in columns_for(80) and "quote" in columns_for(60)


def test_selection_moves_by_unit(tmp_path: Path) -> None:
    workspace = build_workspace(tmp_path, {"notes": NOTES})
    article = workspace.articles["notes"]
    units = TextUnits.build(article)
    start = units.word_at(article.text.index("First"))

    def text(selection: Selection) -> str:
        s, e = selection.span(units)
        return article.text[s:e]

    selection = Selection(start, start)
    assert text(selection.move(units, "sentence", 1)) == FIRST
    # "sentence," loses its comma unless the selection ends the sentence.
    two = Selection(units.word_at(article.text.index("Second")), 0)
    two = Selection(two.anchor, two.anchor).move(units, "word", 1)
    assert text(two) == "Second sentence"
    assert text(selection.move(units, "paragraph", 1)) == PARAGRAPH_2
    # Backwards from the anchor, then the other end.
    back = Selection(start, start).move(units, "word", -1)
    assert text(back) == "Article\n\nFirst"
    assert text(back.swap().move(units, "word", -1)) == "Article"


# ---------------------------------------------------------------------------- visual mode


async def test_visual_mode_extends_by_word_sentence_and_paragraph(root: Path) -> None:
    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        reader = await open_notes(pilot)
        view = reader.view
        scroll = view.scroll_y
        await pilot.press("v")
        assert isinstance(app.focused, VisualBar) and reader.visual_bar.display
        assert selected_text(reader) == "First"
        await pilot.press("w", "w")
        assert selected_text(reader) == "First sentence of"
        await pilot.press("b")  # b is page up in the reader, but a word back here
        assert selected_text(reader) == "First sentence"
        assert view.scroll_y == scroll
        await pilot.press("right_parenthesis")
        assert selected_text(reader) == FIRST
        await pilot.press("right_parenthesis")
        assert selected_text(reader) == f"{FIRST} {SECOND}"
        await pilot.press("left_parenthesis")
        assert selected_text(reader) == FIRST
        await pilot.press("right_curly_bracket")
        assert selected_text(reader) == PARAGRAPH_2
        await pilot.press("right_curly_bracket")
        assert selected_text(reader).endswith("It has two sentences.")
        assert view.cursor == 2  # the cursor follows the moving end
        await pilot.press("left_curly_bracket")
        assert selected_text(reader) == PARAGRAPH_2
        await pilot.press("o", "right_parenthesis")  # the other end moves: drop a sentence
        assert selected_text(reader) == f"{SECOND} Third one ends it!"
        assert view.selection is not None
        assert "VISUAL 11 words, ¶ 2" in str(reader.visual_bar.render())
        await pilot.press("escape")
        assert reader.visual.selection is None and view.selection is None
        assert not reader.visual_bar.display and app.focused is view
        assert isinstance(app.screen, ReaderScreen)  # escape cancelled, did not go back
        # v starts at the current match when there is one.
        view.set_matches([(NOTES.index("comma"), NOTES.index("comma") + 5)])
        view.go_to_match(0)
        await pilot.press("v")
        assert selected_text(reader) == "comma"
        await pilot.press("v")  # v again leaves visual mode
        assert reader.visual.selection is None
        assert stored(root) == []  # selecting stores nothing


async def test_mouse_drag_selects_words(root: Path) -> None:
    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        reader = await open_notes(pilot)
        view = reader.view
        first, _ = view.placement(1)
        y = first - view.scroll_offset.y
        x = view._left + 6  # the text starts after the gutter
        assert view.offset_at(x, y) == NOTES.index("First")
        await pilot.mouse_down(view, offset=(x + 2, y))
        await pilot.hover(view, offset=(x + 16, y))
        await pilot.mouse_up(view, offset=(x + 16, y))
        await pilot.pause()
        assert selected_text(reader) == "First sentence of"
        await pilot.press("h")
        await settle(pilot)
        assert [a.target.exact for a in stored(root)] == ["First sentence of"]


# ---------------------------------------------------------------------------- highlighting


async def test_h_H_and_number_keys_highlight_and_label(root: Path) -> None:
    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        reader = await open_notes(pilot)
        view = reader.view
        await pilot.press("h")
        await settle(pilot)
        assert [(a.target.exact, a.label) for a in stored(root)] == [(FIRST, "yellow")]
        assert view.current_highlight == stored(root)[0].id
        await pilot.press("h")  # the next sentence not highlighted yet
        await settle(pilot)
        assert [a.target.exact for a in stored(root)] == [FIRST, SECOND]
        await pilot.press("H")
        await settle(pilot)
        whole = next(a for a in stored(root) if a.target.exact == PARAGRAPH_2)
        assert view.current_highlight == whole.id
        await pilot.press("2")  # relabels the highlight at the cursor
        await settle(pilot)
        assert next(a for a in stored(root) if a.id == whole.id).label == "green"
        await pilot.press("v", "w", "3")  # labels (and highlights) a selection
        await settle(pilot)
        made = {a.target.exact: a for a in stored(root)}
        assert made["First sentence"].label == "blue"
        assert made[FIRST].target.paragraph == 2
        assert reader.visual.selection is None and not reader.visual_bar.display
        # The last number key is the label of the next h.
        await pilot.press("right_square_bracket")
        await pilot.press("h")
        await settle(pilot)
        made = {a.target.exact: a for a in stored(root)}
        assert made["Another paragraph begins here."].label == "blue"
        # The highlights are drawn: label colours in the text, a marker in the gutter.
        assert len(view.highlights) == 5
        line = view.lines[view.placement(2)[0]]
        drawn = [part.content for part in view.lines if part.paragraph == 2]
        spans = [str(span.style) for content in drawn for span in content.spans]
        assert spans and line.paragraph == 2
        assert CURRENT_MARKER == "▶"
        status = str(app.screen.query_one("#reader-status").render())
        assert "highlight 5/5 blue" in status


async def test_annotate_dialog_saves_note_and_tags_and_escape_cancels(root: Path) -> None:
    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        reader = await open_notes(pilot)
        await pilot.press("a")
        dialog = app.screen
        assert isinstance(dialog, NoteDialog)
        assert isinstance(app.focused, TextArea)
        await pilot.press("escape")  # nothing typed: closes at once
        assert app.screen is reader and stored(root) == []
        await pilot.press("a", "x")
        await pilot.press("escape")  # something typed: asks for a second escape
        assert isinstance(app.screen, NoteDialog)
        await pilot.press("escape")
        assert app.screen is reader and stored(root) == []
        await pilot.press("v", "w", "a")
        await pilot.press(*"[b]x[/]")
        await pilot.press("tab")
        assert isinstance(app.focused, Input)
        await pilot.press(*"c, e ,c")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is reader
        (annotation,) = stored(root)
        assert annotation.target.exact == "First sentence"
        assert annotation.note == "[b]x[/]"  # typed text is data, never markup
        assert annotation.tags == ["c", "e"]
        assert annotation.label == "yellow"


async def test_tags_edit_and_delete_with_confirmation(root: Path) -> None:
    made = add_quote(root, "notes", FIRST, label="pink", note="old note", tags=["one"])
    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_notes(pilot)
        await pilot.press("t")
        assert isinstance(app.screen, NoteDialog) and isinstance(app.focused, Input)
        await pilot.press(*", two", "enter")
        await settle(pilot)
        (annotation,) = stored(root)
        assert annotation.tags == ["one", "two"] and annotation.note == "old note"
        await pilot.press("e")
        dialog = app.screen
        assert isinstance(dialog, NoteDialog)
        await pilot.press("ctrl+u", *"new note")  # ctrl+u: delete to the line start
        await pilot.press("shift+tab")  # to the labels
        assert isinstance(app.focused, RadioSet)
        await pilot.press("right", "enter")  # pink → orange
        await pilot.press("ctrl+s")
        await settle(pilot)
        (annotation,) = stored(root)
        assert (annotation.label, annotation.note, annotation.id) == ("orange", "new note", made.id)
        assert annotation.created == made.created
        # Delete: n keeps it, escape keeps it, y deletes it.
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert len(stored(root)) == 1
        await pilot.press("d", "escape")
        await settle(pilot)
        assert len(stored(root)) == 1
        await pilot.press("d", "y")
        await settle(pilot)
        assert stored(root) == []
        assert isinstance(app.screen, ReaderScreen) and app.screen.view.highlights == []


async def test_m_and_M_jump_between_highlights_across_paragraphs(root: Path) -> None:
    second = add_quote(root, "notes", "Another paragraph begins here.")
    first = add_quote(root, "notes", SECOND, label="green")
    third = add_quote(root, "notes", "A third paragraph")
    app = make_app(root)
    seen = record_notifications(app)
    async with app.run_test(size=(100, 30)) as pilot:
        reader = await open_notes(pilot, paragraph=1)
        view = reader.view
        order = []
        for _ in range(4):
            await pilot.press("m")
            order.append(view.current_highlight)
        assert order == [first.id, second.id, third.id, first.id]
        assert any("Wrapped" in text for text in seen)
        assert view.cursor == 1  # the cursor is on the highlight's paragraph
        await pilot.press("M")
        assert view.current_highlight == third.id and view.cursor == 3
        # e / t / d act on it: the status line says which.
        assert "highlight 3/3 no label" in str(reader.query_one("#reader-status").render())


async def test_an_edit_of_a_highlight_deleted_elsewhere_offers_to_save_it_again(
    root: Path,
) -> None:
    made = add_quote(root, "notes", FIRST)
    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_notes(pilot)
        store_for(root).delete("notes", made.id)  # another session deletes it
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        (again,) = stored(root)
        assert (again.id, again.label) == (made.id, "green")


async def test_saving_waits_for_another_session_without_freezing_the_ui(root: Path) -> None:
    import filelock

    path = store_for(root).path_for("notes")
    path.parent.mkdir(parents=True, exist_ok=True)
    other_session = filelock.FileLock(f"{path}.lock")
    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        reader = await open_notes(pilot)
        with other_session:  # another tuireader is writing this article's file
            await pilot.press("h")
            # The reader answers the next key while the save still waits for the lock (a
            # frozen UI would handle it only after the save): no wall-clock bound, which a
            # busy machine breaks.
            await pilot.press("right_square_bracket")
            assert reader.view.cursor == 2
            assert stored(root) == []  # the save is waiting for the lock
            assert any(not worker.is_finished for worker in app.workers)
        await settle(pilot)
        assert [a.target.exact for a in stored(root)] == [FIRST]
        assert len(reader.view.highlights) == 1


async def test_a_delete_sticks_while_its_save_waits_and_after(root: Path) -> None:
    """d y hides the highlight at once; the reloads that follow (the dialog closing, the
    save's own re-read) never bring it back, and m / e find nothing to act on."""
    import filelock

    add_quote(root, "notes", FIRST)
    path = store_for(root).path_for("notes")
    other_session = filelock.FileLock(f"{path}.lock")
    app = make_app(root)
    seen = record_notifications(app)
    async with app.run_test(size=(100, 30)) as pilot:
        reader = await open_notes(pilot)
        assert len(reader.view.highlights) == 1
        with other_session:  # the delete waits for the lock
            await pilot.press("d", "y")
            await wait_for(pilot, lambda: isinstance(app.screen, ReaderScreen))
            await pilot.pause()
            assert reader.view.highlights == []
            assert reader.session.placed == ()
            await pilot.press("m")
            assert any("No highlights in this article" in text for text in seen)
            assert len(stored(root)) == 1  # still waiting for the lock
        await settle(pilot)
        assert stored(root) == []
        assert reader.view.highlights == []
        await pilot.press("e")
        assert isinstance(app.screen, ReaderScreen)  # no edit dialog for a deleted highlight


# ---------------------------------------------------------------------------- read-only file


async def test_a_broken_annotation_file_makes_the_article_read_only(root: Path) -> None:
    folder = root / "annotations"
    folder.mkdir()
    broken = folder / "notes.yaml"
    broken.write_text("schema: 1\narticle: notes\nannotations:\n- id: [unclosed\n")
    before = broken.read_bytes()
    app = make_app(root)
    seen = record_notifications(app)
    async with app.run_test(size=(100, 30)) as pilot:
        reader = await open_notes(pilot)
        notice = reader.query_one("#annotations-notice")
        assert notice.display
        assert "read-only" in str(notice.render()) and "line 4" in str(notice.render())
        seen.clear()
        for key in ("h", "H", "a", "1"):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, ReaderScreen), key  # no dialog opened
        assert len(seen) == 4 and all("read-only" in text and "line 4" in text for text in seen)
        await pilot.press("v", "w", "h")
        await settle(pilot)
        assert broken.read_bytes() == before  # never overwritten
        assert "annotations read-only" in str(reader.query_one("#reader-status").render())


# ---------------------------------------------------------------------------- the view


async def test_annotations_view_filters_and_opens_an_annotation(root: Path) -> None:
    add_quote(root, "alpha", "Uyghur detention camps", tags=["camps"], note="key claim")
    beta = add_quote(root, "beta", "Uighur families", label="green", tags=["families"])
    orphan = add_quote(root, "gamma", "rain in the morning", note="weather")
    # The article is edited afterwards: the quote is gone, the annotation is an orphan.
    seeds = root / "seeds" / "gamma.txt"
    seeds.write_text(seeds.read_text().replace("rain in the morning", "snow all day"))
    app = make_app(root)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until_ready(pilot, index=False)
        await pilot.press("A")
        await settle(pilot)
        view = app.screen
        assert isinstance(view, AnnotationsScreen)
        assert len(view.shown) == 3
        table = view.query_one(DataTable)
        assert table.row_count == 3
        summary = str(view.query_one("#annotations-summary").render())
        assert "3 annotations" in summary and "1 orphaned" in summary
        await pilot.press("f", *"tag:camps")
        assert [row.article_id for row in view.shown] == ["alpha"]
        await pilot.press("ctrl+u", *"claim")  # free words search notes too
        assert [row.article_id for row in view.shown] == ["alpha"]
        await pilot.press("escape")  # clears the filter
        assert len(view.shown) == 3 and view.query_one(Input).value == ""
        await pilot.press("O")  # orphans only
        assert [(row.article_id, row.status) for row in view.shown] == [("gamma", "orphaned")]
        assert orphan.target.exact in str(view.query_one("#annotations-detail").render())
        await pilot.press("O")
        assert len(view.shown) == 3
        await pilot.press("f", *"label:green doc:bet")
        assert [row.placed.id for row in view.shown] == [beta.id]
        await pilot.press("enter")  # from the filter box to the table
        await pilot.press("enter")  # opens the reader at the annotation
        await settle(pilot)
        reader = app.screen
        assert isinstance(reader, ReaderScreen) and reader.article.id == "beta"
        assert reader.view.current_highlight == beta.id
        await pilot.press("escape")  # back to the view, filter kept
        await settle(pilot)
        assert app.screen is view and [row.placed.id for row in view.shown] == [beta.id]


async def test_palette_opens_the_annotations_view(root: Path) -> None:
    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_notes(pilot)
        await pilot.press("ctrl+p", *"hl parag")
        await wait_for(pilot, lambda: palette_ready(app), what="the palette's matches")
        await pilot.press("enter")
        await settle(pilot)
        assert [a.target.exact for a in stored(root)] == [PARAGRAPH_2]
        await pilot.press("ctrl+p", *"annot view")
        await wait_for(pilot, lambda: palette_ready(app), what="the palette's matches")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AnnotationsScreen)
        await pilot.press("A")  # already open: stays
        assert isinstance(app.screen, AnnotationsScreen)
        assert dataclasses.is_dataclass(stored(root)[0])
