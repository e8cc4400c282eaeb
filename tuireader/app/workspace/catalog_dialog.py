"""The catalog dialog (C in the reader, or the palette): correct the open article's title,
authors, outlet, date and URL in seeds/catalog.yaml.

What was typed is checked by the catalog's own schema (through `catalog_write.set_fields`,
which also keeps the file's comments, order and quoting) and, for the URL, by the form
(catalog_form.py); a refusal is shown in the dialog, naming the field, which gets the focus.
The write runs in a thread worker (it waits for another session's lock on the file). On
success the dialog closes with True; the reader then asks the app to re-read the articles,
so the title and the citations follow.

ctrl+s (or enter in a field) saves; escape cancels, asking for a second escape when
something was typed. The keys are the note dialog's (`note.save`, `note.cancel`).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Static

from tuireader.app.annotations.note_dialog import FOCUS_MARK
from tuireader.app.context import reader_context
from tuireader.app.shell import bindings
from tuireader.app.shell.bindings import short_key
from tuireader.app.shell.discard_guard import DiscardGuard
from tuireader.app.shell.keys import key_for
from tuireader.app.shell.render import clean_text
from tuireader.app.workspace.catalog_form import (
    FIELDS,
    changed_fields,
    field_message,
    initial_values,
    url_problem,
)
from tuireader.core.corpus import Article


class CatalogDialog(ModalScreen[bool]):
    """Edit one article's catalog entry; returns True once saved, False when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [*bindings.NOTE_DIALOG]
    AUTO_FOCUS = "#catalog-title"
    DEFAULT_CSS = """
    CatalogDialog {
        align: center middle;
    }
    CatalogDialog #catalog-box {
        width: 84;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: round $accent;
        border-title-style: bold;
        background: $surface;
        padding: 0 1;
        overflow-y: auto;
    }
    CatalogDialog .catalog-row {
        height: 1;
    }
    CatalogDialog .catalog-caption {
        width: 11;
        text-style: bold;
    }
    CatalogDialog .catalog-caption.-focused {
        text-style: bold reverse;
    }
    CatalogDialog .catalog-row Input {
        width: 1fr;
        background: $boost;
    }
    CatalogDialog .catalog-row Input:focus {
        background: $primary 20%;
        text-style: bold;
    }
    CatalogDialog .catalog-hint {
        height: 1;
        padding-left: 12;
        color: $text-muted;
    }
    CatalogDialog #catalog-errors {
        display: none;
        height: auto;
        margin-top: 1;
        color: $error;
        text-style: bold;
    }
    CatalogDialog #catalog-buttons {
        height: 1;
        margin-top: 1;
        align-horizontal: right;
    }
    CatalogDialog #catalog-note {
        width: 1fr;
        color: $text-muted;
    }
    CatalogDialog Button {
        margin-left: 1;
    }
    CatalogDialog Button:focus {
        text-style: bold reverse;
    }
    """

    class Done(Message):
        """The write finished (posted by its thread), with why it failed if it did."""

        def __init__(self, problems: list[tuple[str | None, str]]) -> None:
            super().__init__()
            self.problems = problems
            """(field key or None, message) for each fault; empty: saved."""

    def __init__(self, article: Article) -> None:
        """The article whose entry is edited (its facts fill the fields)."""
        super().__init__()
        self.article = article
        """The article edited."""
        self.initial = {k: clean_text(v) for k, v in initial_values(article.meta).items()}
        """The text each field opened with (control characters removed, as shown)."""
        self.saving = False
        """Whether a write is on its way (a second save waits for it)."""
        self._discard = DiscardGuard()

    def compose(self) -> ComposeResult:
        """A caption, field and hint for each fact; the errors; the buttons."""
        with Vertical(id="catalog-box") as box:
            box.border_title = f"Catalog entry · {clean_text(self.article.id)}"
            for field in FIELDS:
                with Horizontal(classes="catalog-row"):
                    yield Static(
                        Content(f"  {field.caption}"),
                        classes="catalog-caption",
                        id=f"catalog-{field.key}-caption",
                    )
                    yield Input(
                        self.initial[field.key],
                        id=f"catalog-{field.key}",
                        compact=True,
                        select_on_focus=False,
                    )
                hint = field.hint
                if field.key == "title" and self.article.meta.title_source == "text":
                    hint = "taken from the text; saved to the catalog only if changed"
                yield Static(Content(hint), classes="catalog-hint")
            yield Static(id="catalog-errors")
            with Horizontal(id="catalog-buttons"):
                keymap = reader_context(self).keymap_in_use
                save = key_for("note.save", keymap)
                cancel = short_key(key_for("note.cancel", keymap))
                yield Static(Content("Written to seeds/catalog.yaml"), id="catalog-note")
                yield Button(Content(f"Save {save}"), id="catalog-save", compact=True)
                yield Button(Content(f"Cancel {cancel}"), id="catalog-cancel", compact=True)

    def on_mount(self) -> None:
        """Mark the focused field's caption from now on (AUTO_FOCUS focuses the title)."""
        self.watch(self, "focused", self._show_focus)

    def _show_focus(self, focused: Widget | None) -> None:
        """Mark the caption of the field with the focus ("▸ Date", bold reverse): text and
        text style, so it shows under NO_COLOR too, where a background change does not."""
        for field in FIELDS:
            here = focused is not None and focused.id == f"catalog-{field.key}"
            caption = self.query_one(f"#catalog-{field.key}-caption", Static)
            caption.set_class(here, "-focused")
            caption.update(Content(f"{FOCUS_MARK if here else '  '}{field.caption}"))

    def typed(self) -> dict[str, str]:
        """The text of every field now, by catalog key."""
        return {field.key: self.query_one(f"#catalog-{field.key}", Input).value for field in FIELDS}

    def show_problems(self, problems: list[tuple[str | None, str]]) -> None:
        """Say what is wrong under the fields and focus the first field at fault."""
        errors = self.query_one("#catalog-errors", Static)
        errors.update(Content("\n".join(message for _key, message in problems)))
        errors.display = bool(problems)
        for key, _message in problems:
            if key is not None:
                self.query_one(f"#catalog-{key}", Input).focus()
                break

    # ------------------------------------------------------------------ actions
    def action_save(self) -> None:
        """Check and write the changed fields (in a worker); close once written."""
        if self.saving:
            return
        typed = self.typed()
        problem = url_problem(typed["url"])
        if problem is not None:
            self.show_problems([("url", problem)])
            return
        fields = changed_fields(self.initial, typed)
        if not fields:
            self.notify("Nothing was changed.", timeout=2)
            self.dismiss(False)
            return
        self.saving = True
        seeds_dir = reader_context(self).workspace.seeds_dir
        self.run_worker(
            partial(self._write, seeds_dir, fields),
            thread=True,
            exclusive=True,
            group="catalog-save",
        )

    def _write(self, seeds_dir: Path, fields: dict[str, object]) -> None:
        """(In a thread.) Write the fields; post Done with what went wrong, if anything."""
        # Imported here: the writer brings in filelock and the catalog's schema (pydantic).
        from tuireader.core.catalog_write import CatalogFieldError, CatalogWriteError, set_fields

        article_id = self.article.id
        try:
            set_fields(seeds_dir, article_id, fields)
        except CatalogFieldError as error:
            self.post_message(self.Done([field_message(m, article_id) for m in error.messages]))
            return
        except CatalogWriteError as error:
            self.post_message(self.Done([(None, str(error))]))
            return
        except Exception as error:  # unexpected: report, never a traceback
            self.post_message(self.Done([(None, f"{type(error).__name__}: {error}")]))
            return
        self.post_message(self.Done([]))

    def on_catalog_dialog_done(self, message: CatalogDialog.Done) -> None:
        """Close when saved; else show why not."""
        self.saving = False
        if message.problems:
            self.show_problems(message.problems)
            return
        self.notify("Saved to seeds/catalog.yaml.", title="Catalog", timeout=3)
        self.dismiss(True)

    def action_cancel(self) -> None:
        """Close without saving (a second escape is needed when something was typed)."""
        keymap = reader_context(self).keymap_in_use
        changed = bool(changed_fields(self.initial, self.typed()))
        if self._discard.allows_close(self, changed, keymap):
            self.dismiss(False)

    @on(Input.Changed)
    def _edited(self) -> None:
        self._discard.edited()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    @on(Button.Pressed, "#catalog-save")
    def _save_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_save()

    @on(Button.Pressed, "#catalog-cancel")
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(False)
