"""The catalog dialog (C in the reader): the open article's title, authors, outlet, date and
URL corrected in seeds/catalog.yaml, checked, with the file's comments kept, and the reader
showing the new facts once saved."""

from __future__ import annotations

import pytest
import yaml
from app_harness import (
    make_workspace,
    notifications,
    open_reader_on,
    palette_ready,
    screen_text,
    wait_for,
    wait_until_ready,
)
from test_entities_support import FakeNlp
from textual.widgets import Input, Static

from tuireader.app.app import TuiReaderApp
from tuireader.app.reader.screen import ReaderScreen
from tuireader.app.workspace.catalog_dialog import CatalogDialog
from tuireader.app.workspace.catalog_form import (
    changed_fields,
    field_message,
    parse_authors,
    url_problem,
)
from tuireader.core.workspace import Workspace

CATALOG = """\
# The catalog of the test workspace: this comment must survive an edit.
articles:
  alpha:
    title: Alpha Report on Xinjiang   # as printed
    authors: [Ann Author]
    container: The Example Times
    issued: 2019-05-01
  beta:
    container: Daily Sample
"""

ALPHA = (
    "Alpha Report on Xinjiang\n\nThe first paragraph talks about camps in Xinjiang and the "
    "families who crossed into Kazakhstan to testify about them."
)
GAMMA = "Gamma Notes\n\nA quiet article about the weather in Almaty, with rain in the morning."


@pytest.fixture(autouse=True)
def _config(tmp_path, monkeypatch):
    monkeypatch.setenv("TUIREADER_CONFIG_DIR", str(tmp_path / "config"))


@pytest.fixture
def workspace(tmp_path):
    return make_workspace(
        tmp_path / "ws", articles={"alpha": ALPHA, "gamma": GAMMA}, catalog=CATALOG
    )


def new_app(workspace: Workspace) -> TuiReaderApp:
    """The app, not watching seeds/ (the dialog's save re-reads by itself), with a stand-in
    entity pipeline (saving re-reads the articles, then the index and entities follow)."""
    app = TuiReaderApp(Workspace.open(workspace.root), check_index=False, watch="off")
    app.entities.nlp = FakeNlp()
    return app


def field(dialog: CatalogDialog, key: str) -> Input:
    return dialog.query_one(f"#catalog-{key}", Input)


def errors(dialog: CatalogDialog) -> str:
    return str(dialog.query_one("#catalog-errors", Static).content)


async def open_dialog(pilot, article_id: str) -> CatalogDialog:
    await open_reader_on(pilot, article_id)
    await pilot.press("C")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, CatalogDialog), what="dialog")
    dialog = pilot.app.screen
    assert isinstance(dialog, CatalogDialog)
    return dialog


# ---------------------------------------------------------------------- the form's rules
def test_authors_are_people_or_institutions_separated_by_semicolons():
    assert parse_authors("Jane Roe; Roe, John ;  ; {Human Rights Watch}") == [
        "Jane Roe",
        "Roe, John",
        {"literal": "Human Rights Watch"},
    ]
    assert parse_authors("{literal: Amnesty  International}") == [
        {"literal": "Amnesty International"}
    ]
    assert parse_authors("  ") == []


def test_only_changed_fields_are_written_and_emptied_ones_removed():
    initial = {"title": "Old", "authors": "Ann Author", "container": "Times", "url": ""}
    typed = {"title": "Old ", "authors": "", "container": "The  Times", "url": ""}
    assert changed_fields(initial, typed) == {"authors": None, "container": "The Times"}


def test_a_url_must_be_absolute():
    assert url_problem("") is None
    assert url_problem("https://example.com/story") is None
    assert "https://www.example.com" in (url_problem("www.example.com") or "")
    assert "no spaces" in (url_problem("https://example.com/a b") or "")


def test_schema_messages_name_the_field_by_its_caption():
    message = "article 'alpha': 'issued' must be a date: YYYY, YYYY-MM or YYYY-MM-DD"
    assert field_message(message, "alpha") == (
        "issued",
        "Date: 'issued' must be a date: YYYY, YYYY-MM or YYYY-MM-DD",
    )


# ---------------------------------------------------------------------- in the app
async def test_a_bad_date_is_refused_then_the_fixed_entry_is_saved_and_shown(workspace):
    app = new_app(workspace)
    path = workspace.seeds_dir / "catalog.yaml"
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until_ready(pilot, index=False)
        dialog = await open_dialog(pilot, "alpha")
        assert field(dialog, "title").value == "Alpha Report on Xinjiang"
        assert field(dialog, "authors").value == "Ann Author"
        assert field(dialog, "container").value == "The Example Times"
        assert field(dialog, "issued").value == "2019-05-01"
        field(dialog, "title").value = "Alpha Report on Xinjiang, Corrected"
        field(dialog, "authors").value = "Ann Author; {Human Rights Watch}"
        field(dialog, "issued").value = "2019-02-30"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "not a real date" in errors(dialog), what="the refusal")
        assert app.screen is dialog
        assert "Date: 'issued' must be a date" in errors(dialog)
        assert dialog.focused is field(dialog, "issued")
        assert path.read_text(encoding="utf-8") == CATALOG  # nothing written

        field(dialog, "issued").value = "2019-02-28"
        await pilot.press("ctrl+s")

        def reloaded() -> bool:
            screen = app.screen
            return isinstance(screen, ReaderScreen) and screen.article.meta.issued == "2019-02-28"

        await wait_for(pilot, reloaded, what="the reader with the new facts")
        text = path.read_text(encoding="utf-8")
        assert "# The catalog of the test workspace: this comment must survive an edit." in text
        assert "# as printed" in text
        entry = yaml.safe_load(text)["articles"]["alpha"]
        assert entry["title"] == "Alpha Report on Xinjiang, Corrected"
        assert entry["authors"] == ["Ann Author", {"literal": "Human Rights Watch"}]
        assert str(entry["issued"]) == "2019-02-28"
        assert entry["container"] == "The Example Times"  # untouched
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        assert reader.article.meta.authors == ("Ann Author", "{Human Rights Watch}")
        assert reader.sub_title == "Alpha Report on Xinjiang, Corrected"
        assert "Alpha Report on Xinjiang, Corrected" in screen_text(app)
        assert "Saved to seeds/catalog.yaml." in [str(n.message) for n in notifications(app)]
        # Only the facts changed: no "the text changed" notice (the highlights did not move).
        assert "Reloaded" not in [n.title for n in notifications(app)]


async def test_a_new_entry_for_an_article_without_one(workspace):
    app = new_app(workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until_ready(pilot, index=False)
        dialog = await open_dialog(pilot, "gamma")
        assert field(dialog, "title").value == "Gamma Notes"  # read from the text
        field(dialog, "container").value = "Weather Weekly"
        field(dialog, "url").value = "www.example.com/gamma"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "https://" in errors(dialog), what="the URL refused")
        assert dialog.focused is field(dialog, "url")
        field(dialog, "url").value = "https://example.com/gamma"
        await pilot.press("enter")  # enter in a field saves too

        def saved() -> bool:
            screen = app.screen
            return isinstance(screen, ReaderScreen) and screen.article.meta.container == (
                "Weather Weekly"
            )

        await wait_for(pilot, saved, what="the new entry read")
        entry = yaml.safe_load((workspace.seeds_dir / "catalog.yaml").read_text())["articles"]
        # The title taken from the text was not touched, so it is not written.
        assert entry["gamma"] == {"container": "Weather Weekly", "url": "https://example.com/gamma"}


@pytest.mark.slow
async def test_escape_with_changes_asks_once_more_and_the_palette_opens_it(workspace):
    app = new_app(workspace)
    path = workspace.seeds_dir / "catalog.yaml"
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until_ready(pilot, index=False)
        dialog = await open_dialog(pilot, "alpha")
        field(dialog, "title").value = "Something else"
        await pilot.press("escape")
        assert app.screen is dialog
        assert any("again to discard" in str(n.message) for n in notifications(app))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ReaderScreen), what="closed")
        assert path.read_text(encoding="utf-8") == CATALOG

        await pilot.press("ctrl+p")
        await pilot.press(*"catalog entry")
        await wait_for(pilot, lambda: palette_ready(app), what="the palette")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CatalogDialog), what="dialog")
