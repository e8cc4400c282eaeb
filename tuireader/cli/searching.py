"""`tuireader index` and `tuireader search QUERY`.

`search` lists matching articles, best first, each with its best passages (up to three)
and its count of matching paragraphs; `--paragraphs` lists matching paragraphs instead,
one by one. The totals say "N articles, M passages": M counts body paragraphs, never the
headline (a title match is shown on the article) nor the index's bookkeeping documents. A
query that names only title or metadata fields (`author:`, `source:`, `date:`, `title:`)
lists articles without passages.

`search --json` prints one object::

    {
      "query": "blair",                 the query as typed
      "mode": "articles",
      "total": 170,                     what `articles` would hold without --limit (as
                                        `total` counts `hits` with --paragraphs)
      "total_articles": 170,            every matching article (the same number)
      "total_passages": 398,            matching body paragraphs over all those articles
      "exact": false,                   true with --exact (no variant spellings)
      "metadata_only": false,           the query names only title and metadata fields
      "variants": {"uighur": ["uyghur"]},   close spellings also matched, by query term
      "suggestions": ["Kazakhstan"],    "did you mean" queries (few hits; empty with --exact)
      "messages": [],                   what the index did on the way (a repair)
      "articles": [                     at most --limit, best first (those found only
                                        through variant spellings after the others)
        {
          "doc_id": "politics/blair-...",   the article's id (its file stem)
          "title": "Blair 'pressing US on climate'",
          "score": 24.3,                best passage's score + 2 × the title's score
          "metadata_match": true,       title and metadata match (text words sought in
                                        the title); always true when metadata_only
          "title_spans": [[0, 5]],      matched words, as [start, end) offsets in title
          "variant": false,             found only through a variant spelling
          "matching_paragraphs": 3,     its body paragraphs the query matches
          "paragraph": 3,               where to open it: its best passage's number, else
                                        its headline's (title-only match), else null
          "passages": [ PASSAGE, ... ]  its best (up to three), best first
        }
      ]
    }

A PASSAGE is a matching paragraph, the same object as a hit of `--paragraphs --json`::

    {
      "doc_id": "...", "title": "...",
      "paragraph": 4,                   its number in the article (as the reader shows ¶)
      "score": 5.53,
      "snippet": "... **Uyghur** ...",  about 200 characters, matched words in ** marks
      "snippet_text": "... Uyghur ...", the same without marks
      "snippet_spans": [[4, 10]],       matched words, as offsets in snippet_text
      "variant": true,                  matched only through a variant spelling
      "matched_terms": ["uyghur"]       the index terms (stemmed) it matched
    }

`search --paragraphs --json` prints ``{"query", "mode": "paragraphs", "total", "exact",
"variants", "suggestions", "messages", "hits": [PASSAGE, ...]}`` where `total` counts every matching
paragraph (headlines included) and `hits` holds at most --limit of them: exact matches
first, then variant-spelling matches.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from tuireader.cli.common import UserError, positive_int, print_json, report_load_warnings
from tuireader.cli.output import escape_controls, one_line, print_styled, unguarded
from tuireader.core.text import plural
from tuireader.core.workspace import Workspace


def register(subparsers: Any) -> None:
    """Add the `index` and `search` subcommands."""
    index_parser = subparsers.add_parser("index", help="build or update the search index")
    index_parser.add_argument("--rebuild", action="store_true", help="rebuild from scratch")
    index_parser.add_argument("--json", action="store_true", help="machine-readable output")
    index_parser.set_defaults(handler=run_index)

    search_parser = subparsers.add_parser(
        "search",
        help="full-text search: matching articles with their best passages",
        description='Query syntax: words, "phrases", AND/OR/NOT, wildcards (Kazakh*), '
        'title:, author:, source:, date:2019 or date:[2018 to 2019], entity:"Name".',
    )
    search_parser.add_argument("query", help="the query (quote it in the shell)")
    search_parser.add_argument(
        "--limit", type=positive_int, default=10, help="articles (or paragraphs) to show"
    )
    search_parser.add_argument(
        "--paragraphs",
        action="store_true",
        help="list matching paragraphs one by one instead of articles",
    )
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
    """Print the matching articles (or with --paragraphs the matching paragraphs), with
    snippets; matched words in bold on a terminal."""
    from tuireader.core.search.index import QueryError, SearchIndexError

    workspace.use_entity_spellings(lambda name: _entity_spellings(workspace, name))
    # At the cost of what changed: folder times, and every file's only when no check did
    # so in the last seconds (Workspace.index_probably_current says what may be missed).
    if not workspace.index_probably_current():
        update_index(workspace, quiet=args.json)
    report_load_warnings(workspace)
    index = workspace.index
    try:
        if args.paragraphs:
            results: Any = index.search(args.query, limit=args.limit, exact=args.exact)
        else:
            results = index.search_articles(args.query, limit=args.limit, exact=args.exact)
    except (QueryError, SearchIndexError) as error:
        raise UserError(str(error)) from error
    for message in results.messages:
        print(f"tuireader: {message}", file=sys.stderr)
    if args.json:
        print_json(results.to_dict())
        return 0
    styled = sys.stdout.isatty()
    marks = ("\x1b[1m", "\x1b[0m") if styled else ("**", "**")
    show = print_styled if styled else print  # our bold codes pass; the data was escaped
    if args.paragraphs:
        _print_paragraphs(results, marks, show)
    else:
        _print_articles(results, marks, show)
    return 0


def _print_spelling(results: Any) -> None:
    """The variant spellings also matched and the "did you mean" suggestions (--exact turns
    both off), under the count line."""
    for term, spellings in results.variants.items():
        print(f"  also matching variant spellings of {term!r}: {', '.join(spellings)}")
    for suggestion in results.suggestions:
        print(f"  did you mean {suggestion!r}?")


def _print_articles(results: Any, marks: tuple[str, str], show: Any) -> None:
    """Each article, its title's matched words marked, then its best passages."""
    head = (
        f"{plural(results.total_articles, 'article')}, "
        f"{plural(results.total_passages, 'passage')} for {results.query!r}"
    )
    if results.metadata_only:
        head += " (title and metadata only: no words of the text were searched)"
    if results.total_articles > len(results.articles):
        head += f"; the best {len(results.articles)} shown (--limit for more)"
    print(head)
    _print_spelling(results)
    for rank, article in enumerate(results.articles, start=1):
        notes = [f"{article.score:.2f}"]
        if article.metadata_match and not results.metadata_only:
            notes.append("title matches")
        if not results.metadata_only:
            notes.append(f"{plural(article.matching_paragraphs, 'matching paragraph')}")
        if article.variant:
            notes.append("≈ variant spelling")
        title = _marked(one_line(article.title), article.title_spans, *marks)
        print()
        where = one_line(article.doc_id)
        if article.paragraph is not None:
            where += f" ¶{article.paragraph}"
        show(f"{rank:>2}. {title}  [{where}]  {' · '.join(notes)}")
        for passage in article.passages:
            flag = "  ≈" if passage.variant else ""
            snippet = _marked(passage.snippet, passage.snippet_spans, *marks)
            show(f"    ¶{passage.paragraph}{flag}  {snippet}")


def _print_paragraphs(results: Any, marks: tuple[str, str], show: Any) -> None:
    """The flat list: each matching paragraph with its article and score."""
    print(f"{results.total} matching paragraphs for {results.query!r}")
    _print_spelling(results)
    for rank, hit in enumerate(results.hits, start=1):
        flag = "  ≈ variant spelling" if hit.variant else ""
        where = f"[{one_line(hit.doc_id)} ¶{hit.paragraph}]"
        print(f"\n{rank:>2}. {one_line(hit.title)}  {where}  {hit.score:.2f}{flag}")
        show(f"    {_marked(hit.snippet, hit.snippet_spans, *marks)}")


def _marked(text: str, spans: list[tuple[int, int]], before: str, after: str) -> str:
    """`text`, its control characters escaped, with each span between `before` and
    `after` (escaping piece by piece keeps the span offsets right)."""
    parts: list[str] = []
    position = 0
    for start, end in spans:
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
