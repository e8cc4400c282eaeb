"""The reader's status line follows the keymap, its counts agree in number, and its "¶ k/n"
is the paragraph the reader would remember (issue 11, item 9)."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_harness import make_workspace, wait_for, wait_until_ready
from app_harness import settle_workers as settle

from tuireader.app.app import TuiReaderApp
from tuireader.app.reader.screen import ReaderScreen
from tuireader.core.annotations.model import new_annotation
from tuireader.core.annotations.store import AnnotationStore
from tuireader.core.settings import Settings
from tuireader.core.workspace import Workspace

LONG = "Long Article\n\n" + "\n\n".join(
    f"Paragraph {n} says something about the steppe and the border, "
    "long enough to wrap on a narrow terminal and take a few lines of the screen. "
    + ("The word needle appears here. " if n in (5, 30) else "")
    for n in range(1, 41)
)
NOTES = (
    "Notes Article\n\n"
    "First sentence of the opening paragraph. Second sentence follows here.\n\n"
    "Another paragraph begins here. It has two sentences.\n\n"
    "A third paragraph with one sentence only."
)


@pytest.fixture(autouse=True)
def _config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUIREADER_CONFIG_DIR", str(tmp_path / "config"))


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A fresh workspace per test (one test stores an annotation); no search index."""
    make_workspace(tmp_path / "ws", articles={"long": LONG, "notes": NOTES})
    return tmp_path / "ws"


def make_app(root: Path, keymap: dict[str, str] | None = None) -> TuiReaderApp:
    settings = Settings(keymap=keymap or {}, compare_meaning=False)
    return TuiReaderApp(Workspace.open(root), settings=settings, check_index=False, restore=False)


async def open_reader(pilot, article_id: str, paragraph: int = 1) -> ReaderScreen:
    """Open an article and wait until its annotations are read."""
    app = await wait_until_ready(pilot, index=False)
    app.open_article(article_id, paragraph=paragraph)
    await settle(pilot)
    assert isinstance(app.screen, ReaderScreen)
    return app.screen


def status(reader: ReaderScreen) -> str:
    return str(reader.query_one("#reader-status").render())


async def test_status_hints_follow_the_keymap(root: Path) -> None:
    keymap = {
        "reader.next_match": "ctrl+n",
        "reader.fold": "Z",
        "highlight.visual": "V",
        "highlight.sentence": "ctrl+h",
    }
    app = make_app(root, keymap)
    async with app.run_test(size=(100, 30)) as pilot:
        reader = await open_reader(pilot, "long")
        # Nothing highlighted yet: how to make a highlight, with the keys as bound.
        assert "V select · ctrl+h highlight" in status(reader)
        assert "v select" not in status(reader)
        await pilot.press("f", *"needle", "enter")
        await wait_for(pilot, lambda: len(reader.view.matches) == 2, what="two matches")
        assert "(ctrl+n/N)" in status(reader)
        assert "(n/N)" not in status(reader)
        await pilot.press("Z")
        assert "furniture folded (Z)" in status(reader)
        assert "(z)" not in status(reader)


async def test_status_counts_agree_in_number(root: Path) -> None:
    workspace = Workspace.open(root)
    article = workspace.articles["notes"]
    start = article.text.index("Another paragraph")
    store = AnnotationStore(workspace.annotations_dir)
    store.add(new_annotation(article, start, start + len("Another paragraph begins here.")))
    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        reader = await open_reader(pilot, "notes", paragraph=2)  # not the highlighted one
        await wait_for(pilot, lambda: len(reader.view.highlights) == 1, what="the highlight")
        assert "1 highlight (m M)" in status(reader)
        assert "1 highlights" not in status(reader)
        await pilot.press("f", *"third")
        await wait_for(
            pilot,
            lambda: "1 match" in str(reader.query_one("#find-count").render()),
            what="the find count",
        )
        assert "1 matches" not in str(reader.query_one("#find-count").render())


async def test_paragraph_in_the_status_follows_the_top_after_paging(root: Path) -> None:
    app = make_app(root)
    async with app.run_test(size=(80, 24)) as pilot:
        reader = await open_reader(pilot, "long")
        view = reader.view
        assert "¶ 1/41" in status(reader)
        await pilot.press("space")
        await wait_for(pilot, lambda: view.scroll_y > 10, what="the page down")
        assert not view.is_visible(view.cursor)  # the cursor stayed on ¶ 1, off screen
        remembered = reader.position()
        assert remembered > 1
        assert f"¶ {remembered}/41" in status(reader)
        await pilot.press("g")  # back to the top: the cursor is on screen again
        await wait_for(pilot, lambda: view.scroll_y == 0, what="the scroll to the top")
        assert "¶ 1/41" in status(reader)
