"""The reader's annotation session keeps a delete: a read that raced the delete (the
reader reloads when the confirmation dialog closes) never brings the highlight back."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from app_harness import SAMPLE_ARTICLES
from app_harness import make_workspace as build_workspace

from tuireader.app.annotations.session import AnnotationSession
from tuireader.core.annotations.model import Annotation, AnnotationFile, new_annotation
from tuireader.core.annotations.store import AnnotationStore
from tuireader.core.workspace import Workspace


@pytest.fixture
def session_and_highlight(tmp_path: Path) -> tuple[AnnotationSession, Annotation]:
    build_workspace(tmp_path / "ws", articles=SAMPLE_ARTICLES)
    workspace = Workspace.open(tmp_path / "ws")
    article = next(iter(workspace.articles.values()))
    first = article.paragraphs[-1]
    annotation = new_annotation(article, first.start, first.start + 10)
    AnnotationStore(workspace.annotations_dir).add(annotation)
    session = AnnotationSession(article)
    session.connect(workspace.annotations_dir)
    assert session.accept(session.read())
    assert [p.id for p in session.placed] == [annotation.id]
    return session, annotation


def ids(session: AnnotationSession) -> list[str]:
    return [p.id for p in session.placed]


def test_a_read_begun_before_the_delete_is_dropped(
    session_and_highlight: tuple[AnnotationSession, Annotation],
) -> None:
    session, annotation = session_and_highlight
    before = session.read()  # e.g. the reload when the dialog closed, finishing late
    change = session.deleting(annotation)
    session.begin(change)
    assert ids(session) == []  # gone at once
    session.run(change)
    after = session.read()
    assert session.accept(after) and ids(session) == []
    assert not session.accept(before)
    assert ids(session) == []


def test_a_read_loading_when_the_delete_starts_does_not_win(
    session_and_highlight: tuple[AnnotationSession, Annotation],
) -> None:
    """The reload loads the old file while the delete is confirmed and started; the
    delete reaches the store after it. However late the reload is handed back, it loses."""
    session, annotation = session_and_highlight
    store = session.store
    real_load = store.load
    begun = threading.Event()

    def slow_load(article_id: str) -> AnnotationFile:
        result = real_load(article_id)
        if not begun.is_set():
            assert begun.wait(10)  # the delete is started meanwhile
        return result

    store.load = slow_load  # type: ignore[method-assign]
    results = []
    racing = threading.Thread(target=lambda: results.append(session.read()))
    racing.start()
    change = session.deleting(annotation)
    session.begin(change)
    deleting = threading.Thread(target=session.run, args=(change,))
    deleting.start()
    begun.set()
    racing.join(10)
    deleting.join(10)
    (late_reload,) = results
    assert session.accept(session.read())
    assert not session.accept(late_reload)
    assert ids(session) == []
    assert store.load(annotation.article_id).annotations == []


def test_a_read_made_while_a_change_waits_is_stale(
    session_and_highlight: tuple[AnnotationSession, Annotation],
) -> None:
    session, annotation = session_and_highlight
    change = session.deleting(annotation)
    session.begin(change)
    waiting = session.read()  # the change has not reached the store yet
    assert waiting.stale and not session.accept(waiting)
    session.run(change)
    fresh = session.read()
    assert not fresh.stale and session.accept(fresh) and ids(session) == []
