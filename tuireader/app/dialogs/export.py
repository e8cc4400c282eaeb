"""The export dialog (x): format, scope, citation style, unverified quotes, destination, a
preview of the first lines, and Export.

Everything is reachable from the keyboard: tab / shift+tab (or down / up) move between the
fields, left / right change a choice, typing filters the styles (up / down pick one),
space ticks the checkbox, enter exports from anywhere but the Cancel button, escape
cancels. Selecting, rendering and writing run in a thread (citeproc can take a moment);
the dialog stays responsive and only the event loop touches widgets.

Writing goes through `tuireader.core.export.write`, which updates an existing file in place
(blocks and entries of the exported annotations and works are replaced, everything else is
kept). A Markdown or text file that exists but holds no tuireader blocks is someone's own
document: the dialog asks for a second enter before appending to it.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, cast
from weakref import WeakKeyDictionary

from textual import events, on
from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from tuireader.core.export import FILE_SUFFIXES, FORMATS, Format

from .. import bindings
from ..citing import rank_styles, save_citation_style, style_title
from ..clipboard import EXPORTS_FOLDER
from ..render import clean_text

if TYPE_CHECKING:
    from textual.pilot import Pilot

    from tuireader.core.export import Selection, WriteReport
    from tuireader.core.workspace import Workspace

    from ..app import TuiReaderApp

FORMAT_LABELS: dict[str, str] = {
    "md": "Markdown",
    "csl-json": "CSL-JSON",
    "bibtex": "BibTeX",
    "ris": "RIS",
    "text": "Text",
}
"""How each format is named in the dialog."""
STYLED_FORMATS = ("md", "text")
"""Formats the citation style applies to (md: the style pandoc is told to use)."""
SCOPES = (("article", "This article"), ("tags", "Tagged"), ("all", "All articles"))
"""The scope choices: (value, label)."""
DEFAULT_STEM = "annotations"
"""File name (without suffix) of the default destination."""
PREVIEW_LINES = 60
"""Lines of the export rendered into the preview (the box shows what fits)."""
PREVIEW_DEBOUNCE = 0.15
"""Seconds of quiet before the preview is recomputed after a change."""
KEYS_HINT = "tab next · ←→ change · enter export · esc cancel"
"""The key reminder left of the buttons."""


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


# --- plain helpers (no UI) ---------------------------------------------------------------------


def default_destination(workspace_root: Path, fmt: str) -> Path:
    """`<workspace>/exports/annotations.<suffix>` for a format."""
    return workspace_root / EXPORTS_FOLDER / f"{DEFAULT_STEM}{FILE_SUFFIXES[fmt]}"


def shown_path(path: Path) -> str:
    """A path as the dialog shows it: the home folder as ~."""
    try:
        return "~/" + str(path.relative_to(Path.home()))
    except ValueError:
        return str(path)


def resolve_destination(text: str, workspace_root: Path) -> Path:
    """The file a destination means: ~ expanded, relative to the workspace."""
    path = Path(text.strip()).expanduser()
    return path if path.is_absolute() else workspace_root / path


def swap_suffix(text: str, old_fmt: str, new_fmt: str) -> str:
    """The destination with the old format's suffix replaced by the new one's (unchanged
    when it does not end with the old suffix: the user chose that name)."""
    old, new = FILE_SUFFIXES[old_fmt], FILE_SUFFIXES[new_fmt]
    return text[: -len(old)] + new if text.endswith(old) else text


def parse_tags(text: str) -> list[str]:
    """Tags typed as "a, b c" or "#a #b" (commas or spaces between them)."""
    return list(dict.fromkeys(t.lstrip("#") for t in re.split(r"[,\s]+", text) if t.lstrip("#")))


@dataclass(frozen=True)
class ExportRequest:
    """Everything an export needs, gathered on the UI thread (plain values only)."""

    fmt: Format
    scope: str
    article_id: str | None
    tags: tuple[str, ...]
    allow_unverified: bool
    style: str | None
    destination: Path
    default_folder: Path


@dataclass
class Plan:
    """What an export would do, worked out in a thread: for the preview and the summary."""

    lines: list[str] = field(default_factory=list)
    """The first lines of the export (a fresh document)."""
    summary: str = ""
    """What will be exported and what happens to the file."""
    problem: str | None = None
    """Why the export cannot run as set up (shown instead of the summary)."""
    confirm: str | None = None
    """A question to confirm before writing (appending to someone's own document)."""
    notes: list[str] = field(default_factory=list)
    """Things worth knowing (unverified quotes left out, unreadable annotation files)."""
    tags_in_use: list[str] = field(default_factory=list)
    """Every tag of the workspace's annotations, for the tags hint."""
    selection: Selection | None = None
    """The checked selection (None when it could not be made)."""


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def make_selection(workspace: Workspace, request: ExportRequest) -> Selection:
    """The checked selection for a request (thread). Raises UnknownArticleError."""
    from tuireader.core import export

    doc_ids = [request.article_id] if request.scope == "article" and request.article_id else []
    tags = list(request.tags) if request.scope == "tags" else []
    return export.select(workspace, doc_ids, tags, allow_unverified=request.allow_unverified)


def check_destination(request: ExportRequest) -> tuple[str | None, str | None, str]:
    """(problem, question to confirm, what happens to the file) for the destination."""
    from tuireader.core import export

    path = request.destination
    if path.is_dir():
        return f"{shown_path(path)} is a folder; add a file name", None, ""
    folder = path.parent
    if not folder.is_dir():
        if folder == request.default_folder:
            return None, None, f"new file (creates {folder.name}/ in the workspace)"
        return f"folder {shown_path(folder)} does not exist", None, ""
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        return f"{shown_path(path)} is not writable", None, ""
    if not path.exists():
        return None, None, "new file"
    if request.fmt not in ("md", "text"):
        return None, None, "file exists: entries with the same keys are replaced, others kept"
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        return f"{shown_path(path)} cannot be read as UTF-8 text ({error})", None, ""
    try:
        blocks = export.parse_blocks(text)
    except export.ExportError as error:
        return f"{shown_path(path)}: {error}", None, ""
    if not blocks and text.strip():
        question = (
            f"{shown_path(path)} has no tuireader blocks: Export appends the quotes after "
            "its text (nothing is removed). Press enter again to append, or change the file."
        )
        return None, question, "file exists: quotes are appended, its text kept"
    return None, None, "file exists: updated in place (blocks replaced or added, text kept)"


def make_plan(workspace: Workspace, request: ExportRequest) -> Plan:
    """Select, render the first lines and check the destination (runs in a thread)."""
    from tuireader.core import export
    from tuireader.core.styles import StyleError
    from tuireader.core.workspace import UnknownArticleError

    plan = Plan()
    try:
        annotations, _problems = export.load_annotations(workspace)
    except OSError:
        annotations = []
    plan.tags_in_use = sorted({t for a in annotations for t in a.tags}, key=str.casefold)
    if request.scope == "article" and not request.article_id:
        plan.problem = "no article is open: choose Tagged or All articles"
        return plan
    if request.scope == "tags" and not request.tags:
        plan.problem = "type one or more tags (Tagged scope)"
        return plan
    if request.fmt == "text" and not request.style:
        plan.problem = "no style matches the filter"
        return plan
    try:
        selection = make_selection(workspace, request)
    except UnknownArticleError as error:
        plan.problem = str(error)
        return plan
    plan.selection = selection
    plan.notes = selection.warnings()
    try:
        plan.lines = _render_preview(selection, request)
    except (StyleError, export.ExportError) as error:
        plan.problem = str(error)
        return plan
    count = (
        len(selection.article_ids)
        if request.fmt in export.REFERENCE_FORMATS
        else len(selection.items)
    )
    if not count:
        left_out = f" ({len(selection.left_out)} unverified left out)" if selection.left_out else ""
        plan.problem = f"nothing to export in this scope{left_out}"
        return plan
    problem, plan.confirm, fate = check_destination(request)
    if problem:
        plan.problem = problem
        return plan
    if request.fmt in export.REFERENCE_FORMATS:
        what = _plural(len(selection.article_ids), "reference")
    else:
        articles = len(selection.cited_article_ids())
        what = f"{_plural(len(selection.items), 'quote')} from {_plural(articles, 'article')}"
    parts = [what]
    if selection.left_out:
        parts.append(f"{len(selection.left_out)} unverified left out")
    unverified = sum(1 for item in selection.items if not item.verified)
    if unverified:
        parts.append(f"{unverified} marked UNVERIFIED")
    parts.append(fate)
    plan.summary = " · ".join(parts)
    return plan


def _render_preview(selection: Selection, request: ExportRequest) -> list[str]:
    """The first lines of the export as a fresh document."""
    from tuireader.core import export

    csl_file = _csl_file(request)
    if request.fmt == "md":
        bib = export.bibliography_path(request.destination).name
        text = export.render(selection, "md", bibliography_file=bib, csl_file=csl_file)
    elif request.fmt == "text":
        text = export.render(selection, "text", style=request.style, markers=True)
    else:
        text = export.render(selection, request.fmt)
    if not text.strip():
        return ["(nothing to export)"]
    return [clean_text(line) for line in text.splitlines()[:PREVIEW_LINES]]


def _csl_file(request: ExportRequest) -> str | None:
    """The style file named in a new Markdown document's front matter (for pandoc)."""
    if request.fmt != "md" or not request.style:
        return None
    from tuireader.core.styles import resolve_style

    return str(resolve_style(request.style).path)


def run_export(workspace: Workspace, request: ExportRequest) -> tuple[WriteReport, Selection]:
    """Select and write (runs in a thread). Raises ExportError, StyleError,
    UnknownArticleError or OSError."""
    from tuireader.core import export

    selection = make_selection(workspace, request)
    if request.destination.parent == request.default_folder:
        request.default_folder.mkdir(parents=True, exist_ok=True)
    style = request.style if request.fmt in STYLED_FORMATS else None
    report = export.write(
        selection, request.fmt, request.destination, style, csl_file=_csl_file(request)
    )
    return report, selection


def describe_report(report: WriteReport, selection: Selection, fmt: str) -> str:
    """The notification after an export: files, counts, what was left out."""
    from tuireader.core.export import REFERENCE_FORMATS

    files = " and ".join(
        shown_path(path) if n == 0 else path.name for n, path in enumerate(report.files)
    )
    if fmt in REFERENCE_FORMATS:
        what = _plural(len(selection.article_ids), "reference")
        unit = "entries"
    else:
        what = _plural(len(selection.items), "quote")
        unit = "blocks"
    message = (
        f"Exported {what} to {files}: {len(report.added)} added, "
        f"{len(report.replaced)} updated, {len(report.kept)} other {unit} kept."
    )
    if selection.left_out:
        message += (
            f" {_plural(len(selection.left_out), 'unverified quote')} left out "
            "(tick “Include unverified” to export them marked UNVERIFIED)."
        )
    unverified = sum(1 for item in selection.items if not item.verified)
    if unverified:
        message += f" {unverified} exported marked UNVERIFIED."
    if fmt == "md" and report.files:
        message += f" Render with: pandoc --citeproc {report.files[0].name}"
    return message


# --- widgets ----------------------------------------------------------------------------------


class Choice(Widget, can_focus=True):
    """A one-line choice among a few options: left / right change it (no wrap-around)."""

    BINDINGS: ClassVar[list[BindingType]] = [*bindings.CHOICE]
    DEFAULT_CSS = """
    Choice {
        height: 1;
        width: 1fr;
    }
    """

    value: reactive[str] = reactive("", init=False)
    """The chosen option's value."""

    class Changed(Message):
        """The choice changed."""

        def __init__(self, choice: Choice, value: str) -> None:
            super().__init__()
            self.choice = choice
            """The widget."""
            self.value = value
            """The new value."""

        @property
        def control(self) -> Choice:
            """The widget (for `@on(Choice.Changed, "#id")`)."""
            return self.choice

    def __init__(
        self,
        options: Sequence[tuple[str, str]],
        value: str,
        *,
        unavailable: Sequence[str] = (),
        id: str | None = None,
    ) -> None:
        """`options` are (value, label) pairs; `unavailable` values are shown but skipped."""
        super().__init__(id=id)
        self.options = list(options)
        """(value, label) of each option, in order."""
        self.unavailable = set(unavailable)
        """Values that cannot be chosen right now."""
        self.set_reactive(Choice.value, value)

    def render(self) -> Content:
        """The options side by side, the chosen one in reverse video."""
        parts: list[tuple[str, str] | str] = []
        for value, label in self.options:
            if value == self.value:
                style = "bold reverse underline" if self.has_focus else "bold reverse"
            elif value in self.unavailable:
                style = "dim strike"
            else:
                style = ""
            parts.append((f" {label} ", style))
            parts.append(" ")
        return Content.assemble(*parts)

    def _positions(self) -> list[tuple[int, int, str]]:
        """(start, end, value) of each option on the line."""
        spans: list[tuple[int, int, str]] = []
        x = 0
        for value, label in self.options:
            width = len(label) + 2
            spans.append((x, x + width, value))
            x += width + 1
        return spans

    def watch_value(self, value: str) -> None:
        """Redraw and announce the change."""
        self.refresh()
        self.post_message(self.Changed(self, value))

    def on_focus(self) -> None:
        """Show the focus (underline on the chosen option)."""
        self.refresh()

    def on_blur(self) -> None:
        """Remove the focus mark."""
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        """Choose the option clicked."""
        for start, end, value in self._positions():
            if start <= event.x < end and value not in self.unavailable:
                self.value = value

    def action_step(self, step: int) -> None:
        """Choose the next (1) or previous (-1) available option."""
        values = [v for v, _label in self.options]
        index = values.index(self.value) if self.value in values else 0
        index += step
        while 0 <= index < len(values):
            if values[index] not in self.unavailable:
                self.value = values[index]
                return
            index += step

    def set_unavailable(self, values: Sequence[str]) -> None:
        """Change which options cannot be chosen."""
        self.unavailable = set(values)
        self.refresh()


class StyleFilter(Input):
    """The style filter: typing filters the list below it, up / down pick a style."""

    BINDINGS: ClassVar[list[BindingType]] = [*bindings.STYLE_FILTER]

    def action_move(self, step: int) -> None:
        """Move the highlight in the style list."""
        styles = self.screen.query_one("#style-list", OptionList)
        if step > 0:
            styles.action_cursor_down()
        else:
            styles.action_cursor_up()


class SpaceCheckbox(Checkbox, inherit_bindings=False):
    """A checkbox toggled with space only, so enter can export from it. Unticked it shows
    an empty box (Textual's dims an X, which 16 colours and NO_COLOR cannot tell apart)."""

    BINDINGS: ClassVar[list[BindingType]] = [*bindings.CHECKBOX]

    def on_mount(self) -> None:
        """Draw the box for the initial value."""
        self._show_value()

    def watch_value(self) -> None:
        """Redraw the box and announce the change (as Checkbox does)."""
        self._show_value()
        super().watch_value()

    def _show_value(self) -> None:
        self.BUTTON_INNER = "X" if self.value else " "
        self.refresh()


# --- the dialog -------------------------------------------------------------------------------


class ExportDialog(ModalScreen["WriteReport | None"]):
    """Export annotations or references to a file. Dismisses with the WriteReport after a
    successful export, None when cancelled."""

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
    ) -> None:
        """`article_id`: the article "This article" means (None: the choice is unavailable);
        `in_reader`: opened from the reader (the first time, the scope is that article)."""
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
        self._confirmed: Path | None = None
        self._timer: Timer | None = None
        self._filling = False
        self._last_fmt: str | None = None
        self._generation = 0
        self._shown_generation = -1

    @property
    def reader_app(self) -> TuiReaderApp:
        """The app, typed."""
        return cast("TuiReaderApp", self.app)

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        """The fields, the preview, the summary and the buttons."""
        app = self.reader_app
        choices = remembered_choices(app)
        scope = choices.scope or ("article" if self.in_reader else "all")
        if scope == "article" and not self.article_id:
            scope = "all"
        root = app.workspace.root
        destination = choices.destinations.get(choices.fmt) or shown_path(
            default_destination(root, choices.fmt)
        )
        self.style_name = app.settings.citation_style
        with Vertical(id="export-box") as box:
            box.border_title = "Export annotations"
            with Horizontal(classes="field"):
                yield Label("Format", classes="field-label")
                yield Choice(list(FORMAT_LABELS.items()), choices.fmt, id="format")
            with Horizontal(classes="field"):
                yield Label("Scope", classes="field-label")
                yield Choice(
                    SCOPES, scope, unavailable=() if self.article_id else ("article",), id="scope"
                )
            with Horizontal(classes="field"):
                yield Label("Tags", classes="field-label")
                yield Input(
                    choices.tags, placeholder="tags, comma-separated", id="tags", compact=True
                )
                yield Static(id="tags-hint")
            with Horizontal(classes="field"):
                yield Label("Style", classes="field-label")
                yield StyleFilter(
                    placeholder="type to filter the 10,000 installed styles",
                    id="style-filter",
                    compact=True,
                )
            yield OptionList(id="style-list", compact=True)
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
        root = self.reader_app.workspace.root
        destination = self.query_one("#destination", Input).value
        return ExportRequest(
            fmt=self.fmt,
            scope=self.scope,
            article_id=self.article_id,
            tags=tuple(parse_tags(self.query_one("#tags", Input).value)),
            allow_unverified=self.query_one("#unverified", Checkbox).value,
            style=self.style_name if self.fmt in STYLED_FORMATS else None,
            destination=resolve_destination(destination, root) if destination.strip() else root,
            default_folder=root / EXPORTS_FOLDER,
        )

    def _remember(self) -> None:
        """Keep the choices for the next time the dialog opens."""
        choices = remembered_choices(self.reader_app)
        choices.fmt = self.fmt
        choices.scope = self.scope
        choices.tags = self.query_one("#tags", Input).value
        choices.allow_unverified = self.query_one("#unverified", Checkbox).value
        choices.destinations[self.fmt] = self.query_one("#destination", Input).value

    # ------------------------------------------------------------------ styles
    def _fill_styles(self, query: str) -> None:
        """List the styles matching `query`; keep the chosen one highlighted when listed."""
        current = self.reader_app.settings.citation_style
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
        old = self._last_fmt or remembered_choices(self.reader_app).fmt
        new_fmt = cast(Format, value)
        remembered = remembered_choices(self.reader_app).destinations.get(new_fmt)
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
        """Whether the preview shows the fields as they are (no recomputation pending)."""
        return self._shown_generation == self._generation

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
        try:
            plan = await asyncio.to_thread(make_plan, self.reader_app.workspace, request)
        except Exception as error:  # the preview must never take the app down
            plan = Plan(problem=f"{type(error).__name__}: {error}")
        if generation == self._generation:
            self.show_plan(plan)
            self._shown_generation = generation

    def show_plan(self, plan: Plan) -> None:
        """Show a plan's preview lines, summary and tags hint."""
        self.plan = plan
        preview = Content("\n".join(plan.lines))
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
        """Export as set up (in a thread); asks once before appending to a foreign file."""
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
        from tuireader.core.export import ExportError
        from tuireader.core.styles import StyleError
        from tuireader.core.workspace import UnknownArticleError

        app = self.reader_app
        workspace = app.workspace
        try:
            plan = await asyncio.to_thread(make_plan, workspace, request)
            self.show_plan(plan)
            if plan.problem:
                app.notify(plan.problem, title="Export", severity="error", markup=False)
                return
            if plan.confirm and self._confirmed != request.destination:
                self._confirmed = request.destination
                self._show_summary(plan, asking=True)
                app.notify(plan.confirm, title="Export", severity="warning", markup=False)
                return
            report, selection = await asyncio.to_thread(run_export, workspace, request)
        except (ExportError, StyleError, UnknownArticleError, OSError) as error:
            app.notify(str(error), title="Export failed", severity="error", markup=False)
            return
        except Exception as error:  # never a traceback in the user's face
            app.notify(
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
        message = describe_report(report, selection, request.fmt)
        if request.style and request.style != app.settings.citation_style:
            problem = save_citation_style(request.style)
            app.settings.citation_style = request.style
            if problem is None:
                message += f" Citation style {request.style} saved (y copies in it)."
        app.notify(message, title="Export", markup=False, timeout=10)
        for problem in selection.problems:
            app.notify(problem, title="Export", severity="warning", markup=False)
        self._remember()
        self.dismiss(report)


def article_in_view(app: TuiReaderApp) -> tuple[str | None, str | None, bool]:
    """(id, title, in the reader?) of the article the user is on: the open reader's, else
    the library row under the cursor; (None, None, False) elsewhere."""
    from ..screens.library import LibraryScreen
    from ..screens.reader import ReaderScreen

    for screen in reversed(app.screen_stack):
        if isinstance(screen, ReaderScreen):
            return screen.article.id, screen.article.title, True
        if isinstance(screen, LibraryScreen):
            article_id = screen.current_id()
            article = app.articles.get(article_id) if article_id else None
            return (article.id, article.title, False) if article else (None, None, False)
    return None, None, False


def open_export_dialog(app: TuiReaderApp) -> None:
    """Open the export dialog over the current screen (once: not over itself)."""
    if any(isinstance(screen, ExportDialog) for screen in app.screen_stack):
        return
    article_id, title, in_reader = article_in_view(app)
    app.push_screen(ExportDialog(article_id, title, in_reader))


async def wait_for_preview(pilot: Pilot[None], timeout: float = 20.0) -> None:
    """In tests: wait until an open export dialog's preview matches its fields."""
    deadline = time.monotonic() + timeout
    while True:
        screen = pilot.app.screen
        if not isinstance(screen, ExportDialog) or screen.preview_current:
            return
        if time.monotonic() > deadline:
            raise TimeoutError("the export preview never caught up")
        await pilot.pause(0.05)
