"""The palette's "Import files…" command: paths typed into a dialog are imported in a
thread, a notification says what happened, and the app re-reads the articles itself."""

from __future__ import annotations

import pytest
from app_harness import (
    SAMPLE_ARTICLES,
    make_workspace,
    notifications,
    palette_ready,
    wait_for,
    wait_until_ready,
)
from test_entities_support import FakeNlp

from tuireader.app.app import TuiReaderApp
from tuireader.app.workspace.import_dialog import ImportDialog, parse_paths
from tuireader.core.workspace import Workspace

PAGE = """<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Zeppelins Return to the Steppe | The Steppe Herald</title>
<meta property="og:title" content="Zeppelins Return to the Steppe">
<meta property="og:site_name" content="The Steppe Herald">
<meta name="author" content="Dana Skywriter">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<div class="cookie-banner">We use cookies to improve your experience. Accept all cookies.</div>
<article>
<h1>Zeppelins Return to the Steppe</h1>
<p>A fleet of zeppelins crossed the Kazakh steppe on Tuesday, the first such flight in
almost a century, carrying grain and mail between remote villages near the border.</p>
<p>Pilots said the airships flew low over the grassland, where herders stopped to watch
them pass, and that the journey from Almaty took a little under two days.</p>
<p>Officials hope the service will reach villages that roads do not, especially in the
long winter when snow closes the passes for weeks at a time.</p>
</article>
<div class="share">Share on Facebook · Share on Twitter</div>
<footer>© The Steppe Herald. All rights reserved.</footer>
</body></html>
"""


@pytest.fixture(autouse=True)
def _config(tmp_path, monkeypatch):
    monkeypatch.setenv("TUIREADER_CONFIG_DIR", str(tmp_path / "config"))


def make_app(root) -> TuiReaderApp:
    """The app on the workspace at `root`, not watching seeds/ (the import must re-read the
    articles by itself); a stand-in entity pipeline (no spaCy here)."""
    app = TuiReaderApp(Workspace.open(root), watch="off")
    app.entities.nlp = FakeNlp()
    return app


def notes(app: TuiReaderApp) -> str:
    """Every notification shown now, one a line."""
    return "\n".join(str(n.message) for n in notifications(app))


def test_parse_paths_takes_shell_quoting(tmp_path) -> None:
    assert parse_paths("a.html 'my page.html'") == [
        parse_paths("a.html")[0],
        parse_paths('"my page.html"')[0],
    ]
    assert [p.name for p in parse_paths("a.html 'my page.html'")] == ["a.html", "my page.html"]
    with pytest.raises(ValueError):
        parse_paths("'unbalanced")


async def test_palette_imports_a_page_and_the_article_appears(tmp_path) -> None:
    workspace = make_workspace(tmp_path / "ws")
    page = tmp_path / "Zeppelins over the steppe.html"
    page.write_text(PAGE, encoding="utf-8")
    app = make_app(workspace.root)
    async with app.run_test(size=(110, 30)) as pilot:
        await wait_until_ready(pilot)
        before = set(app.articles)
        await pilot.press("ctrl+p", *"import files")
        await wait_for(pilot, lambda: palette_ready(app), what="the palette's matches")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ImportDialog), what="the dialog")
        app.screen.query_one("#import-paths").value = f"'{page}'"
        await pilot.press("enter")

        def imported() -> bool:
            return len(app.articles) == len(before) + 1 and app.articles_loaded

        await wait_for(pilot, imported, what="the imported article in app.articles")
        (new_id,) = set(app.articles) - before
        article = app.articles[new_id]
        assert article.title == "Zeppelins Return to the Steppe"
        assert "crossed the Kazakh steppe" in article.text
        assert "cookies" not in article.text and "Share on" not in article.text
        assert not isinstance(app.screen, ImportDialog)
        text = notes(app)
        assert "1 file imported, 0 duplicates, 0 unreadable" in text
        assert "Zeppelins Return to the Steppe" in text
        assert set(SAMPLE_ARTICLES) <= set(app.articles)


async def test_a_missing_path_is_named_with_the_reason(tmp_path) -> None:
    workspace = make_workspace(tmp_path / "ws")
    app = make_app(workspace.root)
    async with app.run_test(size=(110, 30)) as pilot:
        await wait_until_ready(pilot)
        before = set(app.articles)
        app.push_screen(ImportDialog())
        await wait_for(pilot, lambda: isinstance(app.screen, ImportDialog), what="the dialog")
        app.screen.query_one("#import-paths").value = str(tmp_path / "nowhere.html")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "unreadable" in notes(app), what="the summary")
        text = notes(app)
        assert "0 files imported, 0 duplicates, 1 unreadable" in text
        assert "nowhere.html: no such file or folder" in text
        assert "Traceback" not in text
        assert set(app.articles) == before
