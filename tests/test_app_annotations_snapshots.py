"""SVG snapshots of highlights in the reader, the note dialog and the annotations view at
80x24 and 120x40, on a copy of the bundled articles with annotations of every label and
status (one found approximately after an edit, one orphaned by it).

Update with `pytest tests/test_app_annotations_snapshots.py --snapshot-update` and look at
the pictures before committing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from app_harness import settle_workers as settle
from app_harness import wait_until_ready
from textual.widgets import Input, TextArea

from tuireader.app.app import TuiReaderApp
from tuireader.core.annotations.model import new_annotation
from tuireader.core.annotations.store import AnnotationStore
from tuireader.core.workspace import Workspace

BUNDLED_SEEDS = Path(__file__).resolve().parents[1] / "seeds"
SIZES = [(80, 24), (120, 40)]
FIRST = "000_55308b7769cb3055"
SECOND = "002_6fec927dd12decab"
HIGHLIGHTS = [
    # (article, quote, label, note, tags)
    (
        FIRST,
        "Ethnic Kazakhs have served as a critical window for the world",
        "yellow",
        "",
        [],
    ),
    (
        FIRST,
        "At the same time, Kazakhstan — like much of the international community — has "
        "hesitated to take a public stand against Chinese policies.",
        "green",
        "Compare with Astana's reply to Human Rights Watch (¶ 12).",
        ["kazakhstan", "policy"],
    ),
    (
        FIRST,
        "“mass arbitrary detention, torture, and mistreatment of Turkic Muslims in Xinjiang.”",
        "pink",
        "",
        ["hrw"],
    ),
    (FIRST, "a damning, and expanding, catalog of evidence", "blue", "", []),
    (
        FIRST,
        "“I believe the Chinese government’s goal is to completely erase the [Uyghur] ethnic "
        "identity.”",
        "purple",
        "Quoted from the WSJ.",
        ["quotes"],
    ),
    (SECOND, "Astana can’t afford to push Beijing too hard", "orange", "", ["astana"]),
]
# Edits made to the article after highlighting: one quote changes a little (fuzzy), one goes.
EDITS = [
    ("catalog of evidence", "catalogue of evidence"),
    (
        "“I believe the Chinese government’s goal is to completely erase the [Uyghur] ethnic "
        "identity.”",
        "that China aims to erase Uyghur identity.",
    ),
]


@pytest.fixture(autouse=True)
def _config(tmp_path, monkeypatch):
    monkeypatch.setenv("TUIREADER_CONFIG_DIR", str(tmp_path / "config"))


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    path = tmp_path_factory.mktemp("annotated")
    shutil.copytree(BUNDLED_SEEDS, path / "seeds")
    workspace = Workspace.open(path)
    store = AnnotationStore(workspace.annotations_dir)
    for article_id, quote, label, note, tags in HIGHLIGHTS:
        article = workspace.articles[article_id]
        start = article.text.index(quote)
        store.add(new_annotation(article, start, start + len(quote), label, note, tags))
    seed = path / "seeds" / f"{FIRST}.txt"
    text = seed.read_text(encoding="utf-8")
    for old, new in EDITS:
        text = text.replace(old, new)
    seed.write_text(text, encoding="utf-8")
    return path


def make_app(root: Path) -> TuiReaderApp:
    return TuiReaderApp(Workspace.open(root), check_index=False, restore=False)


async def open_first(pilot) -> None:
    app = await wait_until_ready(pilot, index=False)
    app.open_article(FIRST, paragraph=1)
    await settle(pilot)


def still_cursors(app: TuiReaderApp) -> None:
    """No blinking cursor (the picture would depend on the moment it is taken)."""
    for widget in app.screen.query(TextArea):
        widget.cursor_blink = False
    for widget in app.screen.query(Input):
        widget.cursor_blink = False


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_reader_with_highlights(snap_compare, root, size):
    async def run_before(pilot) -> None:
        await open_first(pilot)
        await pilot.press("right_square_bracket")  # ¶ 2: its highlight is the current one
        await settle(pilot)

    assert snap_compare(make_app(root), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_note_dialog(snap_compare, root, size):
    async def run_before(pilot) -> None:
        await open_first(pilot)
        await pilot.press("m", "e")  # the second highlight: green, with a note and tags
        await settle(pilot)
        still_cursors(pilot.app)
        await pilot.pause()

    assert snap_compare(make_app(root), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_reader_with_all_notes(snap_compare, root, size):
    """i: every note under its highlight (the green one's in ¶ 5, the purple orphan's
    nowhere: its words are gone)."""

    async def run_before(pilot) -> None:
        await open_first(pilot)
        await pilot.press("m", "i")  # the green highlight, then every note
        await settle(pilot)
        pilot.app.clear_notifications()  # what i did covers the text
        await pilot.pause()

    assert snap_compare(make_app(root), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_annotations_view(snap_compare, root, size):
    async def run_before(pilot) -> None:
        await wait_until_ready(pilot, index=False)
        await pilot.press("A")
        await settle(pilot)
        await pilot.press("j", "j", "j", "j")  # the orphan: its stored words below
        await settle(pilot)
        still_cursors(pilot.app)
        await pilot.pause()

    assert snap_compare(make_app(root), terminal_size=size, run_before=run_before)
