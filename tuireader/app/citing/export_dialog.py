"""The export dialog (x): format, scope, citation style, unverified quotes, destination, a
live preview of the first lines, and Export.

Everything is reachable from the keyboard: tab / shift+tab (or down / up) move between the
fields, left / right change a choice, typing filters the styles (up / down pick one),
space ticks the checkbox, enter exports from anywhere but the Cancel button, escape
cancels. Planning (selecting and rendering: citeproc can take a moment) runs in a thread
through `tuireader.core.export.plan`; the dialog stays responsive and only the event loop
touches widgets.

The dialog returns data: it gathers and checks an `ExportRequest` (asking for a second
enter before appending to someone's own document) and dismisses with it. Writing is the
caller's: the app passes `export` (`tuireader.app.citing.exporting.export_annotations`),
which the dialog awaits before closing, so a failed write leaves the fields open to fix.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, cast
from weakref import WeakKeyDictionary

from textual import events, on
from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Button, Checkbox, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from tuireader.app.citing.styles import rank_styles, style_title
from tuireader.app.citing.widgets import Choice, ListFilter, SpaceCheckbox
from tuireader.app.context import reader_context
from tuireader.app.shell import bindings
from tuireader.app.shell.render import clean_text
from tuireader.core.export.exporter import FORMAT_TITLES, FORMATS, Format
from tuireader.core.export.plan import (
    STYLED_FORMATS,
    ExportRequest,
    Plan,
    default_destination,
    make_plan,
    make_request,
    shown_path,
    swap_suffix,
)

FORMAT_LABELS: dict[str, str] = {**FORMAT_TITLES, "w3c": "W3C"}
"""How each format is named in the dialog (short: the choices share one line)."""
SCOPE_LABELS = (("article", "This article"), ("tags", "Tagged"), ("all", "All articles"))
"""The scope choices: (value, label)."""
PREVIEW_DEBOUNCE = 0.15
"""Seconds of quiet before the preview is recomputed after a change."""
KEYS_HINT = "tab next · ←→ change · enter export · esc cancel"
"""The key reminder left of the buttons."""

Exporter = Callable[[ExportRequest], Awaitable[bool]]
"""Writes a checked request and says whether it succeeded (it tells the user what happened)."""


# --- choices remembered while the app runs ---------------------------------------------------


@dataclass
class ExportChoices:
    """The dialog's last choices (kept in memory for the app's lifetime; the style is saved
    in settings.yaml as the citation style)."""

    fmt: Format = "md"
    scope: str | None = None  # None: this article in the reader, all articles elsewhere
    tags: str = ""
    allow_unverified: bool = False
    destinations: dict[str, str] = field(default_factory=dict)  # by format, as typed


_REMEMBERED: WeakKeyDictionary[App[Any], ExportChoices] = WeakKeyDictionary()


def remembered_choices(app: App[Any]) -> ExportChoices:
    """This app's last export choices (defaults the first time)."""
    choices = _REMEMBERED.get(app)
    if choices is None:
        choices = _REMEMBERED[app] = ExportChoices()
    return choices


# --- the dialog -------------------------------------------------------------------------------


class ExportDialog(ModalScreen["ExportRequest | None"]):
    """Export annotations or references to a file. Dismisses with the request once it is
    exported (at once when no `export` is given), None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [*bindings.EXPORT_DIALOG]
    AUTO_FOCUS = "#format"
    DEFAULT_CSS = """
    ExportDialog {
        align: center middle;
    }
    ExportDialog #export-box {
        width: 84;
        max-width: 100%;
        height: 32;
        max-height: 100%;
        border: round $accent;
        border-title-style: bold;
        background: $surface;
        padding: 0 1;
    }
    ExportDialog .field {
        height: 1;
    }
    ExportDialog .field-label {
        width: 8;
        color: $text-muted;
    }
    ExportDialog .field-label.-active {
        color: $text-accent;
        text-style: bold reverse;
    }
    ExportDialog #style-list {
        height: 4;
        margin-left: 8;
        scrollbar-size-vertical: 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    ExportDialog #style-list > .option-list--option-highlighted {
        text-style: bold;
    }
    ExportDialog #style-list:nocolor > .option-list--option-highlighted {
        text-style: bold underline;
    }
    ExportDialog #style-list:disabled {
        opacity: 60%;
    }
    ExportDialog #tags {
        width: 1fr;
    }
    ExportDialog #tags-hint {
        width: auto;
        max-width: 50%;
        margin-left: 1;
        color: $text-muted;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    ExportDialog #unverified {
        width: 1fr;
    }
    ExportDialog #preview {
        height: 1fr;
        min-height: 2;
        border-top: solid $secondary;
        border-title-align: left;
        color: $text-muted;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        overflow: hidden;
    }
    ExportDialog #summary {
        height: auto;
        max-height: 3;
    }
    ExportDialog #summary.-problem {
        color: $text-error;
        text-style: bold;
    }
    ExportDialog #summary.-confirm {
        color: $text-warning;
        text-style: bold;
    }
    ExportDialog #export-buttons {
        height: 1;
    }
    ExportDialog #keys-hint {
        width: 1fr;
        color: $text-muted;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    ExportDialog Button {
        margin-left: 1;
        min-width: 8;
        width: auto;
    }

    ExportDialog Button:focus {
        text-style: bold reverse;
    }
    """

    def __init__(
        self,
        article_id: str | None = None,
        article_title: str | None = None,
        in_reader: bool = False,
        export: Exporter | None = None,
    ) -> None:
        """`article_id`: the article "This article" means (None: the choice is unavailable);
        `in_reader`: opened from the reader (the first time, the scope is that article);
        `export`: writes the request when the user presses Export (the dialog closes only
        if it succeeds); without it the dialog just dismisses with the checked request."""
        super().__init__()
        self.in_reader = in_reader
        """Whether the dialog was opened over the reader."""
        self.article_id = article_id
        """The article of the "This article" scope."""
        self.article_title = article_title
        """Its title, for the border."""
        self.style_name: str | None = None
        """The highlighted citation style (None when the filter matches nothing)."""
        self.plan: Plan | None = None
        """The last computed preview and summary."""
        self.busy = False
        """Whether an export is being written."""
        self._export_with = export
        self._confirmed: Path | None = None
        self._timer: Timer | None = None
        self._filling = False
        self._last_fmt: str | None = None
        self._generation = 0
        self._shown_generation = -1
        self._shown_request: ExportRequest | None = None

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        """The fields, the preview, the summary and the buttons."""
        context = reader_context(self)
        choices = remembered_choices(self.app)
        scope = choices.scope or ("article" if self.in_reader else "all")
        if scope == "article" and not self.article_id:
            scope = "all"
        root = context.workspace.root
        destination = choices.destinations.get(choices.fmt) or shown_path(
            default_destination(root, choices.fmt)
        )
        self.style_name = context.settings.citation_style
        style_list = OptionList(id="style-list", compact=True)
        with Vertical(id="export-box") as box:
            box.border_title = "Export annotations"
            with Horizontal(classes="field"):
                yield Label("Format", classes="field-label")
                yield Choice(list(FORMAT_LABELS.items()), choices.fmt, id="format")
            with Horizontal(classes="field"):
                yield Label("Scope", classes="field-label")
                yield Choice(
                    SCOPE_LABELS,
                    scope,
                    unavailable=() if self.article_id else ("article",),
                    id="scope",
                )
            with Horizontal(classes="field"):
                yield Label("Tags", classes="field-label")
                yield Input(
                    choices.tags, placeholder="tags, comma-separated", id="tags", compact=True
                )
                yield Static(id="tags-hint")
            with Horizontal(classes="field"):
                yield Label("Style", classes="field-label")
                yield ListFilter(
                    style_list,
                    placeholder="type to filter the 10,000 installed styles",
                    id="style-filter",
                    compact=True,
                )
            yield style_list
            with Horizontal(classes="field"):
                yield Label("", classes="field-label")
                yield SpaceCheckbox(
                    "Include unverified quotes (marked UNVERIFIED)",
                    choices.allow_unverified,
                    id="unverified",
                    compact=True,
                )
            with Horizontal(classes="field"):
                yield Label("To", classes="field-label")
                yield Input(
                    destination,
                    placeholder="file (relative to the workspace)",
                    id="destination",
                    compact=True,
                )
            yield Static(id="preview")
            yield Static(id="summary")
            with Horizontal(id="export-buttons"):
                yield Static(Content(KEYS_HINT), id="keys-hint")
                yield Button("Export", id="export", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        """Fill the style list, enable what applies, compute the preview."""
        styles = self.query_one("#style-list", OptionList)
        styles.can_focus = False  # driven from the filter input (up / down)
        self.query_one("#preview", Static).border_title = "Preview"
        self._fill_styles("")
        self._apply_format()
        self._apply_scope()
        self.watch(self.query_one("#format", Choice), "value", self._format_changed, init=False)
        self.watch(self.query_one("#scope", Choice), "value", self._scope_changed, init=False)
        self._schedule_preview(0)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Mark the label of the field that has the focus (CSS :focus-within does not
        restyle the label, a sibling of the focused widget)."""
        for label in self.query(".field-label"):
            label.set_class(label.parent is event.widget.parent, "-active")

    # ------------------------------------------------------------------ reading the fields
    @property
    def fmt(self) -> Format:
        """The chosen format."""
        value = self.query_one("#format", Choice).value
        return value if value in FORMATS else "md"

    @property
    def scope(self) -> str:
        """The chosen scope: article, tags or all."""
        return self.query_one("#scope", Choice).value

    def request(self) -> ExportRequest:
        """The export as the fields say now."""
        return make_request(
            reader_context(self).workspace.root,
            fmt=self.fmt,
            scope=self.scope,
            article_id=self.article_id,
            tags=self.query_one("#tags", Input).value,
            allow_unverified=self.query_one("#unverified", Checkbox).value,
            style=self.style_name,
            destination=self.query_one("#destination", Input).value,
        )

    def _remember(self) -> None:
        """Keep the choices for the next time the dialog opens."""
        choices = remembered_choices(self.app)
        choices.fmt = self.fmt
        choices.scope = self.scope
        choices.tags = self.query_one("#tags", Input).value
        choices.allow_unverified = self.query_one("#unverified", Checkbox).value
        choices.destinations[self.fmt] = self.query_one("#destination", Input).value

    # ------------------------------------------------------------------ styles
    def _fill_styles(self, query: str) -> None:
        """List the styles matching `query`; keep the chosen one highlighted when listed."""
        current = reader_context(self).settings.citation_style
        names = rank_styles(query, current)
        featured = set(rank_styles("", current))
        styles = self.query_one("#style-list", OptionList)
        self._filling = True
        styles.clear_options()
        for name in names:
            title = style_title(name) if name in featured else None
            prompt = Content.assemble(name, (f"  {title}", "dim") if title else "")
            styles.add_option(Option(prompt, id=name))
        self._filling = False
        if not names:
            self.style_name = None
            self._schedule_preview()
            return
        chosen = self.style_name if self.style_name in names else names[0]
        styles.highlighted = names.index(chosen)
        if chosen != self.style_name:
            self.style_name = chosen
            self._schedule_preview()

    @on(Input.Changed, "#style-filter")
    def _style_filter_changed(self, event: Input.Changed) -> None:
        self._fill_styles(event.value)

    @on(OptionList.OptionHighlighted, "#style-list")
    def _style_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if self._filling:
            return
        name = event.option.id
        if name and name != self.style_name:
            self.style_name = name
            self._schedule_preview()

    @on(OptionList.OptionSelected, "#style-list")
    def _style_selected(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#style-filter", Input).focus()

    # ------------------------------------------------------------------ changes
    def _apply_format(self) -> None:
        """Enable the style only for the formats it applies to."""
        styled = self.fmt in STYLED_FORMATS
        self.query_one("#style-filter", Input).disabled = not styled
        self.query_one("#style-list", OptionList).disabled = not styled
        label = "" if styled else f"{FORMAT_LABELS[self.fmt]} has no citation style"
        self.query_one("#style-filter", Input).placeholder = label or (
            "type to filter the 10,000 installed styles"
        )

    def _apply_scope(self) -> None:
        """Enable the tags input only for the Tagged scope."""
        self.query_one("#tags", Input).disabled = self.scope != "tags"
        box = self.query_one("#export-box", Vertical)
        if self.scope == "article" and self.article_title:
            title = clean_text(self.article_title)
            box.border_subtitle = title if len(title) <= 60 else title[:59] + "…"
        else:
            box.border_subtitle = ""

    # The choices are watched (not messaged) so that a key pressed right after a change
    # already finds the fields enabled or disabled accordingly.
    def _format_changed(self, value: str) -> None:
        destination = self.query_one("#destination", Input)
        old = self._last_fmt or remembered_choices(self.app).fmt
        new_fmt = cast(Format, value)
        remembered = remembered_choices(self.app).destinations.get(new_fmt)
        destination.value = remembered or swap_suffix(destination.value, old, new_fmt)
        self._last_fmt = new_fmt
        self._apply_format()
        self._schedule_preview()

    def _scope_changed(self, _value: str) -> None:
        self._apply_scope()
        self._schedule_preview()

    @on(Input.Changed, "#tags,#destination")
    @on(Checkbox.Changed, "#unverified")
    def _field_changed(self) -> None:
        self._confirmed = None
        self._schedule_preview()

    # ------------------------------------------------------------------ preview
    @property
    def preview_current(self) -> bool:
        """Whether the preview shows the fields as they are now (computed for the same
        request, and no recomputation pending)."""
        return self._shown_generation == self._generation and self._shown_request == self.request()

    def _schedule_preview(self, delay: float = PREVIEW_DEBOUNCE) -> None:
        """Recompute the preview after a short quiet time."""
        self._generation += 1
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(delay, self._start_preview) if delay else None
        if not delay:
            self._start_preview()

    def _start_preview(self) -> None:
        generation = self._generation
        self.run_worker(
            self._preview(self.request(), generation), group="export-preview", exclusive=True
        )

    async def _preview(self, request: ExportRequest, generation: int) -> None:
        """Work out the plan in a thread, then show it (unless the fields changed since)."""
        workspace = reader_context(self).workspace
        try:
            plan = await asyncio.to_thread(make_plan, workspace, request)
        except Exception as error:  # the preview must never take the app down
            plan = Plan(problem=f"{type(error).__name__}: {error}")
        if generation == self._generation:
            self.show_plan(plan)
            self._shown_generation = generation
            self._shown_request = request

    def show_plan(self, plan: Plan) -> None:
        """Show a plan's preview lines, summary and tags hint."""
        self.plan = plan
        preview = Content("\n".join(clean_text(line) for line in plan.lines))
        self.query_one("#preview", Static).update(preview)
        hint = "in use: " + ", ".join(plan.tags_in_use) if plan.tags_in_use else "no tags yet"
        self.query_one("#tags-hint", Static).update(Content(clean_text(hint)))
        self._show_summary(plan)

    def _show_summary(self, plan: Plan, asking: bool = False) -> None:
        summary = self.query_one("#summary", Static)
        if plan.problem:
            text = f"⚠ {plan.problem}"
        elif asking and plan.confirm:
            text = f"⚠ {plan.confirm}"
        else:
            text = plan.summary
        summary.update(Content(clean_text(text)))
        summary.set_class(bool(plan.problem), "-problem")
        summary.set_class(bool(asking and plan.confirm and not plan.problem), "-confirm")

    # ------------------------------------------------------------------ export
    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_export()

    @on(Button.Pressed, "#export")
    def _export_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_export()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()

    def action_cancel(self) -> None:
        """Close without exporting (the choices are remembered)."""
        self._remember()
        self.dismiss(None)

    def action_export(self) -> None:
        """Check the export as set up (in a thread), then hand it over to be written; asks
        once before appending to a foreign file."""
        if self.busy:
            return
        request = self.request()
        if not self.query_one("#destination", Input).value.strip():
            self.app.notify("Type a file to export to.", severity="error", markup=False)
            self.query_one("#destination", Input).focus()
            return
        self.busy = True
        self.query_one("#export", Button).disabled = True
        self.run_worker(self._export(request), group="export-write", exclusive=True)

    async def _export(self, request: ExportRequest) -> None:
        """Plan again (the files may have changed since the preview), stop at a problem or
        an unconfirmed append, else export; close with the request when it succeeded."""
        from tuireader.core.export.exporter import ExportError
        from tuireader.core.export.styles import StyleError
        from tuireader.core.workspace import UnknownArticleError

        notify = self.app.notify
        try:
            plan = await asyncio.to_thread(make_plan, reader_context(self).workspace, request)
            self.show_plan(plan)
            if plan.problem:
                notify(plan.problem, title="Export", severity="error", markup=False)
                return
            if plan.confirm and self._confirmed != request.destination:
                self._confirmed = request.destination
                self._show_summary(plan, asking=True)
                notify(plan.confirm, title="Export", severity="warning", markup=False)
                return
            exported = self._export_with is None or await self._export_with(request)
        except (ExportError, StyleError, UnknownArticleError, OSError) as error:
            notify(str(error), title="Export failed", severity="error", markup=False)
            return
        except Exception as error:  # never a traceback in the user's face
            notify(
                f"{type(error).__name__}: {error}",
                title="Export failed",
                severity="error",
                markup=False,
            )
            return
        finally:
            self.busy = False
            if self.is_attached:
                self.query_one("#export", Button).disabled = False
        if exported:
            self._remember()
            self.dismiss(request)
