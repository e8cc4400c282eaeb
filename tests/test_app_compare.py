"""Pilot tests of comparison in the app: the compare screen (pairs, ] / [, synchronised
scrolling, narrow layout, quotations), "compare with…", the figures tables and passage
search. The articles are constructed so the right alignment is known: A¶3↔B¶12 (a court
ruling told twice), A¶4↔B¶10 (a shared quotation), A¶5↔B¶11 (census figures that differ);
B¶2-9 are orchard notes only B has, and each ends with notes of its own (tides, a museum).

The sentence model's child process is replaced by a stand-in that fills the meaning cache
with bag-of-words vectors (WordsEncoder: paragraphs that share words get close vectors, so
meaning confirms the three pairs); the real child process is tested once, at the end."""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from app_harness import (
    HOSTILE_TEXT,
    make_workspace,
    notifications,
    palette_ready,
    screen_text,
    wait_for,
    wait_until_ready,
)
from textual.widgets import DataTable, OptionList

from tuireader.app.app import TuiReaderApp
from tuireader.app.compare.commands import run_meaning_job as REAL_MEANING_JOB
from tuireader.app.compare.figures_screen import CorpusFiguresScreen, PairFiguresScreen
from tuireader.app.compare.pane import QUOTE_STYLE, ComparePane, word_spans
from tuireader.app.compare.passages_screen import PassagesScreen
from tuireader.app.compare.screen import CompareScreen, ComparisonReady
from tuireader.app.library.screen import LibraryScreen
from tuireader.app.reader.screen import ReaderScreen
from tuireader.app.shell.navigation import CompareArticles
from tuireader.app.shell.pick_article import PickArticleDialog
from tuireader.core.compare.align import comparison_meaning
from tuireader.core.compare.meaning import DIMENSIONS, Encoder
from tuireader.core.workspace import Workspace

ALPHA = [
    "Alpha Report on the Court",
    "The village bakery has changed its sourdough recipe after forty years, using rye flour "
    "from a local mill and a longer overnight rise that the owners say improves the crust.",
    "A court in eastern Kazakhstan refused on Wednesday to deport Sayragul Sauytbay, a former "
    "camp teacher who crossed the border illegally from Xinjiang, and handed her a suspended "
    "sentence instead of returning her to China.",
    "Officials said “the situation of ethnic Kazakhs who have resettled from China was raised "
    "by the Kazakh side” during the consular talks held in Beijing last month.",
    "According to official census figures, about 1.46 million ethnic Kazakhs live in Xinjiang "
    "province, most of them in the north near the border with Kazakhstan.",
    "The football club confirmed that its goalkeeper will miss the rest of the season with a "
    "knee injury sustained during training, and the manager is looking for a loan signing.",
    *[
        f"Tide table {n}: at dock {n} the harbour tide rose to its spring height before dawn, "
        f"and the ferries from dock {n} waited for slack water before sailing."
        for n in range(1, 7)
    ],
]
BETA = [
    "Beta Story on the Same Court",
    *[
        f"Orchard note {n}: the pear trees on terrace {n} flowered late this spring, and the "
        f"growers expect a smaller harvest of pears, quinces and plums from terrace {n}."
        for n in range(1, 9)
    ],
    "The ministry statement read: “The situation of ethnic Kazakhs who have resettled from "
    "China was raised by the Kazakh side,” without naming any detainee or any camp.",
    "Census figures say 1.6 million ethnic Kazakhs are living in the province of Xinjiang, "
    "according to official statistics published by the regional government.",
    "Judges in Kazakhstan decided not to deport Sauytbay, the teacher from a Xinjiang camp "
    "who had illegally crossed the border; the court gave her a suspended sentence, so she "
    "will not be returned to China.",
    "The orchestra announced its winter programme, pairing rarely played symphonies with new "
    "commissions by young composers, and tickets go on sale to members next month.",
    *[
        f"Gallery note {n}: room {n} of the museum reopens with its porcelain, clocks and "
        f"tapestries cleaned and relit, and a new catalogue for room {n}."
        for n in range(1, 7)
    ],
]
PAIRS = [(3, 12), (4, 10), (5, 11)]


@pytest.fixture(autouse=True)
def _config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUIREADER_CONFIG_DIR", str(tmp_path / "config"))


class WordsEncoder(Encoder):
    """Stand-in for the sentence model: each word of four letters or more (by its first
    five) counts in one of the 384 dimensions, so texts sharing words have close vectors."""

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        rows = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for row, text in zip(rows, texts, strict=True):
            for word in re.findall(r"[a-z]{4,}", text.lower()):
                row[zlib.crc32(word[:5].encode()) % DIMENSIONS] += 1.0
            row /= max(float(np.linalg.norm(row)), 1e-9)
        return rows


@pytest.fixture(autouse=True)
def meaning_jobs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """The (a, b) article ids each meaning job was started for; the job fills the cache
    with WordsEncoder's vectors in this process instead of running the model."""
    import tuireader.app.compare.commands as comparing

    started: list[tuple[str, str]] = []

    def fake_job(root: Path, a_id: str, b_id: str, cancelled: object) -> str | None:
        started.append((a_id, b_id))
        workspace = Workspace.open(root)
        articles = [workspace.articles[a_id], workspace.articles[b_id]]
        comparison_meaning(workspace, articles, WordsEncoder())
        return None

    monkeypatch.setattr(comparing, "run_meaning_job", fake_job)
    return started


@pytest.fixture
def root(tmp_path: Path) -> Path:
    articles = {
        "alpha": "\n\n".join(ALPHA),
        "beta": "\n\n".join(BETA),
        "hostile": HOSTILE_TEXT,
    }
    make_workspace(tmp_path / "ws", articles=articles, catalog=None)
    return tmp_path / "ws"


def make_app(root: Path) -> TuiReaderApp:
    # No index check: no Whoosh, no entity extraction; names come from capitalised words.
    return TuiReaderApp(Workspace.open(root), check_index=False, restore=False)


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_compare(pilot, a: str = "alpha", b: str = "beta", **kwargs) -> CompareScreen:
    app = await wait_until_ready(pilot, index=False)
    app.post_message(CompareArticles(a, b, **kwargs))
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, CompareScreen)
    assert screen.comparison is not None
    return screen


def top_number(pane: ComparePane) -> int:
    return pane.article.paragraphs[pane.top_paragraph()].number


async def test_library_c_picks_the_other_article_and_compares(root: Path) -> None:
    app = make_app(root)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until_ready(pilot, index=False)
        library = app.screen
        assert isinstance(library, LibraryScreen)
        library.table.move_cursor(row=[r.id for r in library.shown].index("alpha"))
        await pilot.press("c")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, PickArticleDialog)
        assert "alpha" not in [row.id for row in dialog.rows]  # not itself
        await pilot.press(*"beta story")
        await pilot.pause()
        assert [row.id for row in dialog.shown] == ["beta"]
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        assert screen.articles["a"].id == "alpha" and screen.articles["b"].id == "beta"
        assert [(p.a, p.b) for p in screen.pairs] == PAIRS
        text = screen_text(app)
        assert "↔1" in text and "3 pairs" in text


async def test_pick_dialog_escape_cancels_and_an_empty_filter_is_said(root: Path) -> None:
    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until_ready(pilot, index=False)
        app.open_article("alpha")
        await settle(pilot)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, PickArticleDialog)
        await pilot.press(*"zzzz", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PickArticleDialog)
        assert "No article matches" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)


async def test_pairs_are_marked_in_both_panes_and_unpaired_ones_dimly(root: Path) -> None:
    app = make_app(root)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_compare(pilot)
        a, b = screen.pane("a"), screen.pane("b")
        assert {n: m.label for n, m in a.marks.items() if n < 7} == {
            2: "·",
            3: "↔1",
            4: "↔2",
            5: "↔3",
            6: "·",
        }
        assert b.marks[12].label == "↔1" and b.marks[10].label == "↔2"
        assert all(b.marks[n].label == "·" and not b.marks[n].paired for n in range(2, 10))
        assert 1 not in a.marks  # a heading is neither paired nor "only here"


async def test_next_pair_brings_the_partner_into_view(root: Path) -> None:
    app = make_app(root)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_compare(pilot)
        a, b = screen.pane("a"), screen.pane("b")
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert screen.current_pair == 0
        assert a.cursor == a.index_of(3) and b.cursor == b.index_of(12)
        assert a.is_visible(a.index_of(3)) and b.is_visible(b.index_of(12))
        assert "pair 1 of 3 · A¶3 ↔ B¶12" in screen_text(app)
        # The shared words of the pair are bold in both panes.
        assert a.term_spans[a.index_of(3)] and b.term_spans[b.index_of(12)]
        await pilot.press("right_square_bracket", "right_square_bracket")
        await pilot.pause()
        assert screen.current_pair == 2
        await pilot.press("right_square_bracket")  # no more: stays, says so
        await pilot.pause()
        assert screen.current_pair == 2
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert screen.current_pair == 1
        assert b.is_visible(b.index_of(10))


async def test_pairs_step_in_the_left_order_whichever_pane_has_the_keys(root: Path) -> None:
    # The pairs in A's order are A¶3↔B¶12, A¶4↔B¶10, A¶5↔B¶11: in B's order 2, 3, 1.
    app = make_app(root)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_compare(pilot)
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert screen.current_pair == 0
        await pilot.press("tab")
        await pilot.pause()
        assert screen.active == "b" and app.focused is screen.pane("b")
        seen = []
        for _ in range(2):
            await pilot.press("right_square_bracket")
            await pilot.pause()
            seen.append(screen.current_pair)
            pair = screen.pairs[screen.current_pair]
            assert f"pair {screen.current_pair + 1} of 3 · A¶{pair.a} ↔ B¶{pair.b}" in (
                screen_text(app)
            )
        assert seen == [1, 2]
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert screen.current_pair == 1


async def test_after_o_the_pairs_go_on_in_the_left_order(root: Path) -> None:
    """The issue's case: at 80 columns, `o` after pair 1 used to jump to 3/3, and `[` went
    back through B's order."""
    app = make_app(root)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_compare(pilot)
        await pilot.press("right_square_bracket", "o")
        await pilot.pause()
        assert screen.active == "b" and screen.current_pair == 0
        steps = []
        for key in ("right_square_bracket", "right_square_bracket", "left_square_bracket"):
            await pilot.press(key)
            await pilot.pause()
            steps.append(screen.current_pair)
            b = screen.pane("b")
            assert b.is_visible(b.index_of(screen.pairs[screen.current_pair].b))
        assert steps == [1, 2, 1]
        assert "pair 2 of 3 · A¶4 ↔ B¶10" in screen_text(app)


async def test_synchronised_scrolling_follows_the_alignment(root: Path) -> None:
    app = make_app(root)
    async with app.run_test(size=(120, 24)) as pilot:
        screen = await open_compare(pilot)
        a, b = screen.pane("a"), screen.pane("b")
        a.scroll_to_paragraph(a.index_of(4))
        await pilot.pause()
        assert top_number(a) == 4
        assert top_number(b) == 10  # A¶4's partner, not the same line number
        await pilot.press("s")  # sync off: B stays where it is
        await pilot.pause()
        a.scroll_to_paragraph(a.index_of(2))
        await pilot.pause()
        assert top_number(b) == 10
        await pilot.press("s")  # on again: B catches up
        await pilot.pause()
        assert top_number(b) != 10


async def test_narrow_terminal_shows_one_pane_and_flips(root: Path) -> None:
    app = make_app(root)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_compare(pilot)
        side_a, side_b = screen.query_one("#side-a"), screen.query_one("#side-b")
        assert screen.single and side_a.display and not side_b.display
        assert "showing A (o: B)" in screen_text(app)
        await pilot.press("right_square_bracket")  # A¶3 ↔ B¶12
        await pilot.press("o")
        await pilot.pause()
        assert not side_a.display and side_b.display and screen.active == "b"
        b = screen.pane("b")
        assert b.is_visible(b.index_of(12))  # the partner is where the flip lands
        await pilot.press("1")
        await pilot.pause()
        assert side_a.display and screen.active == "a"


async def test_shared_quotations_are_underlined_in_both_panes(root: Path) -> None:
    app = make_app(root)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_compare(pilot)
        for side, number in (("a", 4), ("b", 10)):
            pane = screen.pane(side)
            assert len(pane.quote_spans) == 1
            content = pane._paragraph_content(pane.index_of(number))
            styled = [
                content.plain[span.start : span.end]
                for span in content.spans
                if str(span.style) == QUOTE_STYLE
            ]
            assert styled and "resettled from" in styled[0]


async def test_figures_table_flags_the_difference_and_goes_to_it(root: Path) -> None:
    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_compare(pilot)
        await pilot.press("f")
        await pilot.pause()
        figures = app.screen
        assert isinstance(figures, PairFiguresScreen)
        table = figures.query_one(DataTable)
        assert table.row_count == 1
        text = screen_text(app)
        assert "DIFFER" in text and "1.46 million" in text and "1.6 million" in text
        assert "A¶5: According to official census figures" in text
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert screen.current_pair is not None
        pair = screen.pairs[screen.current_pair]
        assert (pair.a, pair.b) == (5, 11)


async def test_corpus_figures_screen_lists_groups_and_opens_the_article(root: Path) -> None:
    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until_ready(pilot, index=False)
        await pilot.press("F")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CorpusFiguresScreen)
        # A header row for the census claim, then one row per article's figure.
        rows = [(row.number, row.figure.article_id, row.header) for row in screen.rows]
        assert rows == [(1, "alpha", True), (1, "alpha", False), (1, "beta", False)]
        assert "DIFFER" in screen_text(app)
        await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        assert reader.article.id == "alpha" and reader.position() == 5
        # F again goes back to the open figures screen instead of stacking another.
        await pilot.press("F")
        await pilot.pause()
        assert app.screen is screen


async def test_who_else_says_this_ranks_other_articles_and_opens_a_hit(root: Path) -> None:
    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until_ready(pilot, index=False)
        app.open_article("alpha", paragraph=3)
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PassagesScreen)
        assert screen.hits and all(hit.article_id != "alpha" for hit in screen.hits)
        assert (screen.hits[0].article_id, screen.hits[0].paragraph) == ("beta", 12)
        assert "¶3" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        assert reader.article.id == "beta" and reader.position() == 12


async def test_passage_hit_compares_the_two_articles_at_those_paragraphs(root: Path) -> None:
    app = make_app(root)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until_ready(pilot, index=False)
        app.open_article("alpha", paragraph=3)
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        assert screen.current_pair == 0  # A¶3 ↔ B¶12, opened at that pair


async def test_article_text_is_never_markup_in_the_compare_screen(root: Path) -> None:
    app = make_app(root)
    async with app.run_test(size=(120, 30)) as pilot:
        await open_compare(pilot, "hostile", "alpha")
        text = screen_text(app)
        assert "[bold]x[/bold]" in text and "[@click=app.quit]q[/]" in text
        assert "\x1b" not in text


async def test_a_failed_comparison_is_a_notification(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tuireader.core.compare.align as core

    def broken(*args: object, **kwargs: object) -> object:
        raise ValueError("boom")

    monkeypatch.setattr(core, "compare", broken)
    app = make_app(root)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until_ready(pilot, index=False)
        app.post_message(CompareArticles("alpha", "beta"))
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen) and screen.error is not None
        assert "comparison failed" in screen_text(app)
        await pilot.press("right_square_bracket", "f")  # nothing to step through: no crash
        await pilot.pause()
        assert app.screen is screen


async def test_compare_bindings_have_ids_and_help_lists_them() -> None:
    from tuireader.app.shell import bindings

    for section in (bindings.COMPARE, bindings.PICK_ARTICLE, bindings.FIGURES, bindings.PASSAGES):
        assert all(b.id and b.description for b in section)
    ids = bindings.all_binding_ids()
    assert {"reader.compare", "reader.who_else", "library.compare", "app.figures"} <= ids


def test_word_spans_find_whole_words_only() -> None:
    text = "Detained people; the detainees were detained."
    assert word_spans(text, ["detained"]) == [(0, 8), (36, 44)]
    assert word_spans(text, []) == []


async def test_option_list_of_passages_highlights_shared_words(root: Path) -> None:
    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until_ready(pilot, index=False)
        app.open_article("alpha", paragraph=3)
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        option = app.screen.query_one(OptionList).get_option_at_index(0)
        prompt = option.prompt
        assert any(str(span.style) == "reverse" for span in prompt.spans)  # type: ignore[union-attr]


async def test_who_else_uses_the_visual_selection_when_there_is_one(root: Path) -> None:
    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until_ready(pilot, index=False)
        app.open_article("alpha", paragraph=4)
        await settle(pilot)
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        reader.action_visual()  # v: selects from the cursor paragraph's first word
        for _ in range(5):
            reader.action_visual_move("word", 1)
        await pilot.pause()
        reader.action_who_else()  # what the palette command does in visual mode
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PassagesScreen)
        assert screen.label == "the selection" and screen.paragraph == 4
        assert screen.text.startswith("Officials said") and len(screen.text.split()) == 6


async def test_palette_offers_comparison_commands(root: Path) -> None:
    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until_ready(pilot, index=False)
        app.open_article("alpha")
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"compare this")
        await wait_for(pilot, lambda: palette_ready(app), what="the palette's matches")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PickArticleDialog)
        assert app.screen.exclude == "alpha"


async def test_help_lists_the_comparison_keys(root: Path) -> None:
    app = make_app(root)
    async with app.run_test(size=(100, 60)) as pilot:
        await wait_until_ready(pilot, index=False)
        await pilot.press("question_mark")
        await pilot.pause()
        text = " ".join(str(static.render()) for static in app.screen.query("Static.help-section"))
        assert "Compare two articles" in text and "compare.next_pair" in text
        assert "Who else says this?" in text and "reader.who_else" in text


async def test_meaning_is_computed_once_then_read_from_the_cache(
    root: Path, meaning_jobs: list[tuple[str, str]]
) -> None:
    app = make_app(root)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_compare(pilot)
        assert meaning_jobs == [("alpha", "beta")]
        assert screen.comparison is not None and screen.comparison.alignment.meaning
        assert [(p.a, p.b) for p in screen.pairs] == PAIRS
        assert "meaning ✓" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        screen = await open_compare(pilot, "beta", "alpha")
        assert meaning_jobs == [("alpha", "beta")]  # cached: no second job
        assert screen.comparison is not None and screen.comparison.alignment.meaning


async def test_the_second_result_keeps_the_current_pair(root: Path) -> None:
    app = make_app(root)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_compare(pilot)
        await pilot.press("right_square_bracket", "right_square_bracket")
        await pilot.pause()
        assert screen.current_pair == 1
        comparison = screen.comparison
        assert comparison is not None
        screen.post_message(ComparisonReady(comparison))
        await pilot.pause()
        assert screen.current_pair == 1
        assert screen.pane("a").cursor == screen.pane("a").index_of(4)


async def test_meaning_unavailable_leaves_the_comparison_by_words(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tuireader.app.compare.commands as comparing

    def no_model(*args: object) -> str:
        return "the sentence model all-MiniLM-L6-v2 cannot be loaded (No module named torch)"

    monkeypatch.setattr(comparing, "run_meaning_job", no_model)
    app = make_app(root)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_compare(pilot)
        assert screen.comparison is not None and not screen.comparison.alignment.meaning
        assert [(p.a, p.b) for p in screen.pairs] == PAIRS
        assert "words only" in screen_text(app)
        said = [notification.message for notification in notifications(app)]
        assert any(m.startswith("Comparing by words only: the sentence model") for m in said)


def test_the_meaning_child_process_fills_the_cache(root: Path) -> None:
    """The real job: a child process loads the model and encodes both articles."""
    from tuireader.core.child_job import JobCancelled

    run_meaning_job = REAL_MEANING_JOB  # the autouse fixture replaced the module's
    workspace = Workspace.open(root)
    articles = [workspace.articles["alpha"], workspace.articles["beta"]]
    assert comparison_meaning(workspace, articles) is None
    with pytest.raises(JobCancelled):
        run_meaning_job(root, "alpha", "beta", lambda: True)
    assert run_meaning_job(root, "alpha", "beta", lambda: False) is None
    meaning = comparison_meaning(workspace, articles)
    assert meaning is not None
    assert len({vector.tobytes() for vector in meaning.values()}) == len(meaning)  # real vectors


async def test_compare_meaning_false_never_starts_the_model(
    root: Path, meaning_jobs: list[tuple[str, str]]
) -> None:
    app = make_app(root)
    app.settings.compare_meaning = False
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_compare(pilot)
        assert meaning_jobs == []
        assert screen.comparison is not None and not screen.comparison.alignment.meaning
        assert "words only (compare_meaning: false)" in screen_text(app)
