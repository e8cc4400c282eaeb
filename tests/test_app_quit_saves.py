"""Quitting never loses a save: `h` then `q` typed ahead in one burst (a slow SSH link) leaves
the highlight on disk; a save waiting for another session's lock delays the quit, and a save
that fails keeps the app open with its error (issue 17, item 2)."""

from __future__ import annotations

from pathlib import Path

import filelock
import pytest
from app_harness import SAMPLE_ARTICLES, notifications, wait_for, wait_until_ready
from app_harness import make_workspace as build_workspace

from tuireader.app.app import TuiReaderApp
from tuireader.app.reader.screen import ReaderScreen
from tuireader.core.annotations.model import AnnotationError
from tuireader.core.annotations.store import AnnotationStore
from tuireader.core.workspace import Workspace

NOTES = "Notes\n\nThe first sentence is here. The second one follows.\n\nAnother paragraph."


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A fresh workspace per test (annotations change), no search index needed."""
    build_workspace(tmp_path / "ws", articles={**SAMPLE_ARTICLES, "notes": NOTES})
    return tmp_path / "ws"


def stored(root: Path) -> list[str]:
    """The quotes of the article's annotations on disk now."""
    store = AnnotationStore(Workspace.open(root).annotations_dir)
    return [a.target.exact for a in store.load("notes").annotations]


async def open_notes(pilot) -> ReaderScreen:
    """The reader on the article's first body paragraph, annotations loaded."""
    app = await wait_until_ready(pilot, index=False)
    app.open_article("notes", paragraph=2)
    await wait_for(
        pilot,
        lambda: isinstance(app.screen, ReaderScreen) and app.screen.session.loaded,
        what="the reader with its annotations",
    )
    assert isinstance(app.screen, ReaderScreen)
    return app.screen


def make_app(root: Path) -> TuiReaderApp:
    return TuiReaderApp(Workspace.open(root), check_index=False, restore=False)


async def test_h_then_q_in_one_burst_saves_the_highlight(root: Path) -> None:
    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_notes(pilot)
        await pilot.press("h", "q")
        await wait_for(pilot, lambda: app.return_code is not None, what="the app quitting")
    assert stored(root) == ["The first sentence is here."]


async def test_quit_waits_for_a_save_blocked_by_another_session(root: Path) -> None:
    app = make_app(root)
    path = AnnotationStore(Workspace.open(root).annotations_dir).path_for("notes")
    path.parent.mkdir(parents=True, exist_ok=True)
    other_session = filelock.FileLock(f"{path}.lock")
    # Every notice is kept: the saving notice shows for 3 s, which a busy machine may
    # spend between two looks at the screen.
    said: list[str] = []
    notify = app.notify

    def recording(message: str, *args: object, **kwargs: object) -> None:
        said.append(str(message))
        notify(message, *args, **kwargs)  # type: ignore[arg-type]

    app.notify = recording  # type: ignore[method-assign, assignment]
    async with app.run_test(size=(100, 30)) as pilot:
        await open_notes(pilot)
        with other_session:
            await pilot.press("h", "q")
            await wait_for(
                pilot,
                lambda: any("before quitting" in message for message in said),
                what="the saving notice",
            )
            assert app.return_code is None  # still open: the save waits for the lock
            assert stored(root) == []
        await wait_for(pilot, lambda: app.return_code is not None, what="the app quitting")
    assert stored(root) == ["The first sentence is here."]


async def test_a_failed_save_keeps_the_app_open_and_says_so(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: AnnotationStore, annotation: object) -> None:
        raise AnnotationError("annotations/notes.yaml: the disk is full")

    monkeypatch.setattr(AnnotationStore, "add", refuse)
    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_notes(pilot)
        await pilot.press("h", "q")
        await wait_for(
            pilot,
            lambda: any(n.title == "Not quitting" for n in notifications(app)),
            what="the not-quitting notice",
        )
        assert app.return_code is None
        assert any("disk is full" in n.message for n in notifications(app))
        await pilot.press("q")  # the user has seen it: q again leaves
        await wait_for(pilot, lambda: app.return_code is not None, what="the app quitting")
    assert stored(root) == []
