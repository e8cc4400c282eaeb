"""Planning and running one export as the app's export dialog sets it up (no UI here).

The dialog gathers its fields into an `ExportRequest` (`make_request`); `make_plan` works out
what the export would do — the selection, the first lines of the document for the preview,
a one-line summary, and any problem with the scope, the style or the destination — and
`run_export` writes it. Both are plain functions that may run in a thread; `describe_report`
words the outcome for the user.

Writing goes through `tuireader.core.export.exporter.write`, which updates an existing file
in place (blocks and entries of the exported annotations and works are replaced, everything
else is kept). A Markdown or text file that exists but holds no tuireader blocks is someone's
own document: the plan asks to confirm before appending to it.

The exporter (and citeproc behind it) is imported only when a plan or an export runs: the
constants and path helpers here are used by the app at start-up.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tuireader.core.text import parse_tags, plural

if TYPE_CHECKING:
    from tuireader.core.export.exporter import Format, Selection, WriteReport
    from tuireader.core.workspace import Workspace

EXPORTS_FOLDER = "exports"
"""Folder of the workspace that exports (and the app's clipboard file) go to by default."""
DEFAULT_STEM = "annotations"
"""File name (without suffix) of the default destination."""
STYLED_FORMATS = ("md", "text")
"""Formats the citation style applies to (md: the style pandoc is told to use)."""
SCOPES = ("article", "tags", "all")
"""What an export covers: one article, the annotations with some tags, or everything."""
PREVIEW_LINES = 60
"""Lines of the export rendered for a preview."""


# --- destinations -----------------------------------------------------------------------------


def default_destination(workspace_root: Path, fmt: str) -> Path:
    """`<workspace>/exports/annotations.<suffix>` for a format."""
    from tuireader.core.export.exporter import FILE_SUFFIXES

    return workspace_root / EXPORTS_FOLDER / f"{DEFAULT_STEM}{FILE_SUFFIXES[fmt]}"


def shown_path(path: Path) -> str:
    """A path as the user is shown it: the home folder as ~."""
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
    from tuireader.core.export.exporter import FILE_SUFFIXES

    old, new = FILE_SUFFIXES[old_fmt], FILE_SUFFIXES[new_fmt]
    return text[: -len(old)] + new if text.endswith(old) else text


# --- the request --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportRequest:
    """Everything an export needs, as plain values (safe to hand to a thread)."""

    fmt: Format
    """The file format."""
    scope: str
    """One of SCOPES."""
    article_id: str | None
    """The article of the "article" scope (None: there is none)."""
    tags: tuple[str, ...]
    """The tags of the "tags" scope."""
    allow_unverified: bool
    """Export unverified quotes too (marked UNVERIFIED)."""
    style: str | None
    """The citation style (None for formats it does not apply to)."""
    destination: Path
    """The file to write or update."""
    default_folder: Path
    """The workspace's exports folder (created by the export when it is the destination's)."""


def make_request(
    workspace_root: Path,
    *,
    fmt: Format,
    scope: str,
    article_id: str | None,
    tags: str,
    allow_unverified: bool,
    style: str | None,
    destination: str,
) -> ExportRequest:
    """The request for the dialog's fields as typed: `tags` comma-separated (the note
    dialog's rule), `destination` relative to the workspace (blank: the workspace itself,
    which the plan reports as a folder); the style only for the formats it applies to."""
    return ExportRequest(
        fmt=fmt,
        scope=scope,
        article_id=article_id,
        tags=tuple(parse_tags(tags)),
        allow_unverified=allow_unverified,
        style=style if fmt in STYLED_FORMATS else None,
        destination=(
            resolve_destination(destination, workspace_root)
            if destination.strip()
            else workspace_root
        ),
        default_folder=workspace_root / EXPORTS_FOLDER,
    )


# --- the plan -----------------------------------------------------------------------------------


@dataclass
class Plan:
    """What an export would do: for the preview and the summary."""

    lines: list[str] = field(default_factory=list)
    """The first lines of the export (a fresh document), as rendered: not yet made safe
    for a terminal."""
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


def make_selection(workspace: Workspace, request: ExportRequest) -> Selection:
    """The checked selection for a request (thread). Raises UnknownArticleError."""
    from tuireader.core.export import exporter as export

    doc_ids = [request.article_id] if request.scope == "article" and request.article_id else []
    tags = list(request.tags) if request.scope == "tags" else []
    return export.select(workspace, doc_ids, tags, allow_unverified=request.allow_unverified)


def check_destination(request: ExportRequest) -> tuple[str | None, str | None, str]:
    """(problem, question to confirm, what happens to the file) for the destination."""
    from tuireader.core.export import exporter as export

    path = request.destination
    if path.is_dir():
        return f"{shown_path(path)} is a folder; add a file name", None, ""
    folder = path.parent
    if not folder.is_dir():
        if folder == request.default_folder:
            return None, None, f"new file (creates {folder.name}/ in the workspace)"
        return f"folder {shown_path(folder)} does not exist", None, ""
    # The export's own rules (no workspace folder, no FIFO or device: a FIFO would block
    # this read) are checked before anything is read, so the dialog says them at once.
    from tuireader.core.export.targets import TargetRefusedError, check_targets, protected_folders

    companions = [export.bibliography_path(path)] if request.fmt == "md" else []
    if request.fmt == "md" and request.style:
        companions.append(export.style_path(path))
    try:
        target = check_targets(
            [path, *companions], protected_folders(request.default_folder.parent)
        )[0]
    except TargetRefusedError as error:
        return str(error), None, ""
    if not os.access(folder, os.W_OK) or (target.exists and not os.access(target.real, os.W_OK)):
        return f"{shown_path(path)} is not writable", None, ""
    if not target.exists:
        return None, None, "new file"
    if request.fmt not in ("md", "text"):
        return None, None, "file exists: entries with the same keys are replaced, others kept"
    try:
        text = target.real.read_text(encoding="utf-8-sig")
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
    """Select, render the first lines and check the destination (may run in a thread)."""
    from tuireader.core.export import exporter as export
    from tuireader.core.export.styles import StyleError
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
        plan.lines = render_preview(selection, request)
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
        what = plural(len(selection.article_ids), "reference")
    else:
        articles = len(selection.cited_article_ids())
        what = f"{plural(len(selection.items), 'quote')} from {plural(articles, 'article')}"
    parts = [what]
    if selection.left_out:
        parts.append(f"{len(selection.left_out)} unverified left out")
    unverified = sum(1 for item in selection.items if not item.verified)
    if unverified:
        parts.append(f"{unverified} marked UNVERIFIED")
    parts.append(fate)
    plan.summary = " · ".join(parts)
    return plan


def render_preview(selection: Selection, request: ExportRequest) -> list[str]:
    """The first PREVIEW_LINES lines of the export as a fresh document."""
    from tuireader.core.export import exporter as export

    if request.fmt == "md":
        bib = export.bibliography_path(request.destination).name
        csl = export.style_path(request.destination).name if csl_file(request) else None
        text = export.render(selection, "md", bibliography_file=bib, csl_file=csl)
    elif request.fmt == "text":
        text = export.render(selection, "text", style=request.style, markers=True)
    else:
        text = export.render(selection, request.fmt)
    if not text.strip():
        return ["(nothing to export)"]
    return text.splitlines()[:PREVIEW_LINES]


def csl_file(request: ExportRequest) -> Path | None:
    """The installed style file a Markdown export copies beside the document (its copy,
    `<stem>.csl`, is what the new document's front matter names)."""
    if request.fmt != "md" or not request.style:
        return None
    from tuireader.core.export.styles import resolve_style

    return resolve_style(request.style).path


# --- the write ----------------------------------------------------------------------------------


def run_export(workspace: Workspace, request: ExportRequest) -> tuple[WriteReport, Selection]:
    """Select and write (may run in a thread). Raises ExportError, StyleError,
    UnknownArticleError or OSError."""
    from tuireader.core.export import exporter as export

    selection = make_selection(workspace, request)
    if request.destination.parent == request.default_folder:
        request.default_folder.mkdir(parents=True, exist_ok=True)
    style = request.style if request.fmt in STYLED_FORMATS else None
    report = export.write(
        selection, request.fmt, request.destination, style, csl_file=csl_file(request)
    )
    return report, selection


def describe_report(report: WriteReport, selection: Selection, fmt: str) -> str:
    """What an export did, for the user: files, counts, what was left out."""
    from tuireader.core.export.exporter import REFERENCE_FORMATS

    files = " and ".join(
        shown_path(path) if n == 0 else path.name for n, path in enumerate(report.files)
    )
    if fmt in REFERENCE_FORMATS:
        what = plural(len(selection.article_ids), "reference")
        unit = "entries"
    else:
        what = plural(len(selection.items), "quote")
        unit = "annotations" if fmt == "w3c" else "blocks"
    message = (
        f"Exported {what} to {files}: {len(report.added)} added, "
        f"{len(report.replaced)} updated, {len(report.kept)} other {unit} kept."
    )
    if report.stale:
        how = "marked STALE in place" if report.stale_marked else "kept unchanged"
        message += f" {plural(len(report.stale), 'earlier quote')} no longer verified: {how}."
    left_out = [i for i in selection.left_out if i.annotation_id not in set(report.stale)]
    if left_out:
        message += (
            f" {plural(len(left_out), 'unverified quote')} left out "
            "(tick “Include unverified” to export them marked UNVERIFIED)."
        )
    unverified = sum(1 for item in selection.items if not item.verified)
    if unverified:
        message += f" {unverified} exported marked UNVERIFIED."
    if fmt == "md" and report.files:
        message += f" Render with: pandoc --citeproc {report.files[0].name}"
    for problem in report.problems:
        message += f" {problem}."
    return message
