"""Pilot tests of the workspace figures screen (F) reading figures as claims.

The articles are written so the claims are known by reading them: North and South both
say how many electric cars Acme Motors sold in 2004 and disagree (12,000 against 15,000);
both say its Leeds factory employs 3,000 workers in 2004 ("about 3,000" in North) and
agree. Zenith gives the number 12,000 twice for other claims (another company's cars, a
port's ships): the same number, nothing to compare. Paragraph numbers count the title as
¶1, so each article's first sentence below is ¶2.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from app_harness import make_workspace, screen_text, wait_until_ready
from textual.content import Content
from textual.widgets import Static

from tuireader.app.app import TuiReaderApp
from tuireader.app.compare.figures_screen import (
    FIGURE_STYLE,
    MARK_STYLE,
    CorpusFiguresScreen,
)
from tuireader.app.reader.screen import ReaderScreen
from tuireader.core.workspace import Workspace

NORTH = [
    "North Gazette on Acme",
    "Acme Motors sold 12,000 electric cars in 2004, its best year since the Leeds "
    "factory opened, the carmaker told shareholders at its annual meeting.",
    "The Leeds factory of Acme Motors employs about 3,000 workers in 2004, most of them "
    "on the assembly lines that build the electric cars.",
    "The town council of Harrogate approved a new cycle lane along the river, to be "
    "finished before the summer festival.",
]
SOUTH = [
    "South Herald on Acme",
    "Acme Motors sold 15,000 electric cars in 2004, its best year since the Leeds "
    "factory opened, the carmaker told shareholders at its annual meeting in York.",
    "The Leeds factory of Acme Motors employs 3,000 workers in 2004, most of them on "
    "the assembly lines that build the electric cars and their batteries.",
    "Rain delayed the cricket match at Headingley for most of the afternoon, and the "
    "visitors left without a result.",
]
ZENITH = [
    "Zenith Weekly on Rivals",
    "Zenith Trucks sold 12,000 electric cars in 2004, its best year since the Bristol "
    "plant opened, the truck maker told shareholders at its annual meeting.",
    "Portsmouth harbour handled 12,000 ships in 2004, its busiest year since the new "
    "container terminal opened, the port authority told its board.",
]


@pytest.fixture(autouse=True)
def _config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUIREADER_CONFIG_DIR", str(tmp_path / "config"))


@pytest.fixture
def root(tmp_path: Path) -> Path:
    articles = {
        "north": "\n\n".join(NORTH),
        "south": "\n\n".join(SOUTH),
        "zenith": "\n\n".join(ZENITH),
    }
    make_workspace(tmp_path / "ws", articles=articles, catalog=None)
    return tmp_path / "ws"


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_figures(pilot) -> CorpusFiguresScreen:
    await wait_until_ready(pilot, index=False)
    await pilot.press("F")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CorpusFiguresScreen)
    assert screen.groups is not None
    return screen


def make_app(root: Path) -> TuiReaderApp:
    return TuiReaderApp(Workspace.open(root), check_index=False, restore=False)


def detail(screen: CorpusFiguresScreen) -> Content:
    content = screen.query_one("#figures-detail", Static).content
    assert isinstance(content, Content)
    return content


def styled(content: Content, style: str) -> list[str]:
    """The texts styled with `style`, in the order of the text."""
    spans = sorted(content.spans, key=lambda span: span.start)
    return [content.plain[s.start : s.end] for s in spans if str(s.style) == style]


async def test_header_counts_claims_and_disagreements(root: Path) -> None:
    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_figures(pilot)
        text = screen_text(app)
        assert "2 claims made by several articles; 1 disagrees." in " ".join(text.split())
        # Among groups with as many sources, the disagreement comes first; each group is
        # a header row and then one row per article's figure.
        rows = [(row.number, row.figure.article_id, row.header) for row in screen.rows]
        assert rows == [
            (1, "north", True),
            (1, "north", False),
            (1, "south", False),
            (2, "north", True),
            (2, "north", False),
            (2, "south", False),
        ]
        assert [row.figure.text for row in screen.rows if not row.header] == [
            "12,000",
            "15,000",
            "3,000",
            "3,000",
        ]
        assert "DIFFER" in text and "agree" in text
        assert "electric cars · Acme Motors · 2004 · total" in text
        assert "workers · Acme Motors · 2004 · total" in text
        # The same number for another company's cars and for ships is no claim of Acme's.
        assert all(row.figure.article_id != "zenith" for row in screen.rows)


async def test_group_shows_claim_fields_and_marks_the_sentences(root: Path) -> None:
    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_figures(pilot)
        content = detail(screen)
        lines = content.plain.splitlines()
        assert lines[0] == (
            "1 DIFFER what: electric cars · whose: Acme Motors · when: 2004 · kind: total"
        )
        assert lines[1].startswith(" north ¶2: Acme Motors sold 12,000 electric cars")
        assert lines[2].startswith(" south ¶2: Acme Motors sold 15,000 electric cars")
        # The number bold and reversed, the shared parts underlined: no colour needed.
        assert styled(content, FIGURE_STYLE) == ["12,000", "15,000"]
        assert styled(content, MARK_STYLE) == ["Acme Motors", "electric cars", "2004"] * 2
        assert {str(span.style) for span in content.spans} <= {"bold", FIGURE_STYLE, MARK_STYLE}
        # On a figure's row, that figure's sentence is pointed at.
        await pilot.press("down", "down")
        await pilot.pause()
        lines = detail(screen).plain.splitlines()
        assert lines[1].startswith(" north") and lines[2].startswith("▶south ¶2")
        # The other group: "about 3,000" and 3,000 agree.
        await pilot.press("down")
        await pilot.pause()
        content = detail(screen)
        assert content.plain.splitlines()[0].startswith("2 agree what: workers")
        assert styled(content, FIGURE_STYLE) == ["3,000", "3,000"]
        assert "about 3,000 workers" in screen_text(app)


async def test_differences_only_keeps_the_disagreement(root: Path) -> None:
    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_figures(pilot)
        await pilot.press("d")
        await pilot.pause()
        assert {row.number for row in screen.rows} == {1}
        assert len(screen.rows) == 3
        text = " ".join(screen_text(app).split())
        assert "Showing disagreements only" in text and "workers · Acme" not in text
        await pilot.press("d")
        await pilot.pause()
        assert {row.number for row in screen.rows} == {1, 2}


async def test_enter_opens_the_article_at_the_figure(root: Path) -> None:
    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_figures(pilot)
        await pilot.press("down", "down", "down", "down", "down")  # group 2, south's row
        await pilot.pause()
        row = screen.rows[5]
        assert (row.figure.article_id, row.figure.text) == ("south", "3,000")
        await pilot.press("enter")
        await settle(pilot)
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        assert reader.article.id == "south" and reader.position() == 3
