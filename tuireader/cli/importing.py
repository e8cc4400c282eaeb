"""`tuireader import PATH...`: saved web pages, PDFs, e-books, Markdown and text files
become articles of the workspace (see `tuireader.core.importing`).

The extractors (trafilatura, pypdf, ebooklib) are imported only when a file of their kind
is read, never when the command line is parsed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tuireader.cli.common import UserError, print_json
from tuireader.cli.output import one_line, unguarded
from tuireader.core.workspace import ProgressCallback, Workspace

_FORMATS = ".html/.htm (saved web pages), .pdf, .epub, .md (YAML front matter), .txt"


def register(subparsers: Any) -> None:
    """Add the `import` subcommand."""
    parser = subparsers.add_parser(
        "import",
        help="import saved web pages, PDFs, e-books and text files as articles",
        description=(
            f"Import files or folders (recursively): {_FORMATS}. The text goes into "
            "seeds/, the original into sources/, the facts found (title, authors, outlet, "
            "date, URL, language) into seeds/catalog.yaml, never overwriting what is "
            "written there. A file already imported, or the same page saved twice, is "
            "reported and not added again; a file that cannot be read is listed with "
            "the reason."
        ),
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to import")
    parser.add_argument(
        "--dry-run", action="store_true", help="show what would happen, change nothing"
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(handler=run_import_command)


def run_import_command(args: argparse.Namespace, workspace: Workspace) -> int:
    """Plan the import, carry it out unless --dry-run, and report file by file."""
    from tuireader.core.catalog_write import CatalogWriteError
    from tuireader.core.importing.plan import plan_import
    from tuireader.core.importing.run import run_import

    paths = [Path(p).expanduser() for p in args.paths]
    with _progress("reading", quiet=args.json) as progress:
        plan = plan_import(workspace.root, paths, progress)
    messages: list[str] = []
    if not args.dry_run:
        try:
            with _progress("writing", quiet=args.json) as progress:
                messages = run_import(plan, progress).catalog_messages
        except CatalogWriteError as error:
            raise UserError(f"{error}; nothing was imported") from error
    rows = [planned.to_dict() for planned in plan.files]
    if args.json:
        print_json({"dry_run": args.dry_run, "files": rows, "catalog": messages})
        return 0
    for row in rows:
        print(_row(row, args.dry_run))
    for planned in plan.files:
        for warning in planned.warnings:
            print(f"tuireader: warning: {warning}", file=sys.stderr)
    for message in messages:
        print(f"tuireader: {message}", file=sys.stderr)
    print(plan.summary(args.dry_run))
    return 0


def _row(row: dict[str, Any], dry_run: bool) -> str:
    """One line about one file."""
    path = one_line(row["path"])
    if row["status"] == "new":
        title = row["facts"].get("title")
        about = f"  ({one_line(title)})" if title else ""
        verb = "would import" if dry_run else "imported"
        return f"{verb:<12} {path} -> {one_line(row['article'])}{about}"
    if row["status"] == "duplicate":
        return f"{'duplicate':<12} {path}: {one_line(row['reason'])}, not added"
    return f"{'unreadable':<12} {path}: {one_line(row['reason'])}, skipped"


@contextmanager
def _progress(what: str, quiet: bool) -> Iterator[ProgressCallback]:
    """A progress bar on stderr when it is a terminal (many files take a while)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    # The bar's cursor codes must reach the terminal: rich gets the real stderr, and it
    # prints only counts, never a file name.
    console = Console(file=unguarded(sys.stderr))
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=quiet or not console.is_terminal,
    ) as bar:
        task = bar.add_task(what, total=None)

        def progress(done: int, total: int, name: str) -> None:
            bar.update(task, completed=done, total=total)

        yield progress
