"""`tuireader index` and `tuireader search QUERY`."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from tuireader.cli.common import UserError, positive_int, print_json, report_load_warnings
from tuireader.cli.output import escape_controls, one_line, print_styled, unguarded
from tuireader.core.workspace import Workspace


def register(subparsers: Any) -> None:
    """Add the `index` and `search` subcommands."""
    index_parser = subparsers.add_parser("index", help="build or update the search index")
    index_parser.add_argument("--rebuild", action="store_true", help="rebuild from scratch")
    index_parser.add_argument("--json", action="store_true", help="machine-readable output")
    index_parser.set_defaults(handler=run_index)

    search_parser = subparsers.add_parser(
        "search",
        help="full-text search over paragraphs",
        description='Query syntax: words, "phrases", AND/OR/NOT, wildcards (Kazakh*), '
        'title:, author:, source:, date:2019 or date:[2018 to 2019], entity:"Name".',
    )
    search_parser.add_argument("query", help="the query (quote it in the shell)")
    search_parser.add_argument("--limit", type=positive_int, default=10, help="hits to show")
    search_parser.add_argument(
        "--exact", action="store_true", help="match only the spellings typed, not variants"
    )
    search_parser.add_argument("--json", action="store_true", help="machine-readable output")
    search_parser.set_defaults(handler=run_search)


def update_index(workspace: Workspace, rebuild: bool = False, quiet: bool = False) -> Any:
    """Update the index with a progress bar on stderr (when it is a terminal)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    # The bar's own cursor codes must reach the terminal, so rich gets the real stderr; it
    # prints nothing of the data.
    console = Console(file=unguarded(sys.stderr))
    show = not quiet and console.is_terminal
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=not show,
    ) as bar:
        task = bar.add_task("indexing", total=None)

        def progress(done: int, total: int, message: str) -> None:
            bar.update(task, completed=done, total=total)

        from tuireader.core.search.index import SearchIndexError

        try:
            report = workspace.reindex(rebuild=rebuild, progress=progress)
        except SearchIndexError as error:
            raise UserError(str(error)) from error
    for message in report.messages:
        print(f"tuireader: {message}", file=sys.stderr)
    return report


def run_index(args: argparse.Namespace, workspace: Workspace) -> int:
    """Bring the index up to date and say what changed."""
    report = update_index(workspace, rebuild=args.rebuild, quiet=args.json)
    report_load_warnings(workspace)
    if args.json:
        print_json(report.to_dict())
        return 0
    print(
        f"indexed {len(report.added)} added, {len(report.changed)} changed, "
        f"{len(report.removed)} removed, {report.unchanged} unchanged "
        f"in {report.seconds:.2f} s"
    )
    return 0


def run_search(args: argparse.Namespace, workspace: Workspace) -> int:
    """Print ranked hits with snippets (matched words in bold on a terminal)."""
    from tuireader.core.search.index import QueryError, SearchIndexError

    workspace.use_entity_spellings(lambda name: _entity_spellings(workspace, name))
    if not workspace.index_looks_current():
        update_index(workspace, quiet=args.json)
    report_load_warnings(workspace)
    try:
        results = workspace.index.search(args.query, limit=args.limit, exact=args.exact)
    except (QueryError, SearchIndexError) as error:
        raise UserError(str(error)) from error
    for message in results.messages:
        print(f"tuireader: {message}", file=sys.stderr)
    if args.json:
        print_json(results.to_dict())
        return 0
    styled = sys.stdout.isatty()
    bold, plain = ("\x1b[1m", "\x1b[0m") if styled else ("**", "**")
    print(f"{results.total} matching paragraphs for {results.query!r}")
    for term, spellings in results.variants.items():
        print(f"  also matching variant spellings of {term!r}: {', '.join(spellings)}")
    for rank, hit in enumerate(results.hits, start=1):
        flag = "  ≈ variant spelling" if hit.variant else ""
        where = f"[{one_line(hit.doc_id)} ¶{hit.paragraph}]"
        print(f"\n{rank:>2}. {one_line(hit.title)}  {where}  {hit.score:.2f}{flag}")
        line = f"    {_marked_snippet(hit, bold, plain)}"
        # The bold codes are ours; print_styled lets them through, the data in the line was
        # escaped piece by piece in _marked_snippet.
        if styled:
            print_styled(line)
        else:
            print(line)
    return 0


def _marked_snippet(hit: Any, before: str, after: str) -> str:
    """The hit's snippet, its control characters escaped, with each matched word between
    `before` and `after` (escaping piece by piece keeps the match offsets right)."""
    text = hit.snippet
    parts: list[str] = []
    position = 0
    for start, end in hit.snippet_spans:
        parts += [escape_controls(text[position:start]), before]
        parts += [escape_controls(text[start:end]), after]
        position = end
    parts.append(escape_controls(text[position:]))
    return "".join(parts)


def _entity_spellings(workspace: Workspace, name: str) -> list[str]:
    """Every spelling of an entity for `entity:"Name"`, from the entity cache. The entity
    modules are imported only when a query has such a term (they take 0.1 s to load)."""
    from tuireader.core.entities.index import entity_spellings

    return entity_spellings(workspace, name)
