"""`tuireader list` and `tuireader show ID`."""

from __future__ import annotations

import argparse
from typing import Any

from tuireader.cli.common import get_article, print_json, report_load_warnings
from tuireader.cli.output import one_line
from tuireader.core.corpus import Article
from tuireader.core.names import author_names
from tuireader.core.workspace import Workspace


def register(subparsers: Any) -> None:
    """Add the `list` and `show` subcommands."""
    list_parser = subparsers.add_parser("list", help="list the articles in the workspace")
    list_parser.add_argument("--json", action="store_true", help="machine-readable output")
    list_parser.set_defaults(handler=run_list)

    show_parser = subparsers.add_parser("show", help="print one article")
    show_parser.add_argument("id", help="article id (file stem)")
    show_parser.add_argument(
        "--paragraphs", action="store_true", help="number the paragraphs and mark furniture"
    )
    show_parser.add_argument("--json", action="store_true", help="machine-readable output")
    show_parser.set_defaults(handler=run_show)


def article_summary(article: Article) -> dict[str, Any]:
    """The fields `list --json` prints for one article."""
    return {"id": article.id, **article.meta.to_dict(), "words": article.word_count}


def run_list(args: argparse.Namespace, workspace: Workspace) -> int:
    """Print one line per article: id, date, source, title. Each field is kept on its row
    (a file name or catalog field with a newline shows it as `\\n`)."""
    articles = list(workspace.articles.values())
    report_load_warnings(workspace)
    if args.json:
        print_json([article_summary(a) for a in articles])
        return 0
    for article in articles:
        date = one_line(article.meta.issued or "—")
        source = one_line((article.meta.container or "—")[:28])
        print(f"{one_line(article.id)}  {date:<10}  {source:<28}  {one_line(article.title)}")
    return 0


def run_show(args: argparse.Namespace, workspace: Workspace) -> int:
    """Print an article's metadata and text (paragraph-numbered with --paragraphs)."""
    article = get_article(workspace, args.id)
    if args.json:
        print_json(
            {
                **article_summary(article),
                "checksum": article.checksum,
                "paragraphs": [
                    {
                        "number": p.number,
                        "start": p.start,
                        "end": p.end,
                        "furniture": p.furniture,
                        "text": p.text,
                    }
                    for p in article.paragraphs
                ],
            }
        )
        return 0
    meta = article.meta
    # Control characters in the title, the catalog fields and the text are escaped by the
    # output layer (tuireader.cli.output) on the way out.
    print(one_line(article.title))
    byline = author_names(meta.authors) or "author unknown"
    print(" · ".join(x for x in (byline, meta.container, meta.issued) if x))
    if meta.url:
        print(meta.url)
    print()
    for paragraph in article.paragraphs:
        if args.paragraphs:
            mark = "~" if paragraph.furniture else " "
            print(f"{paragraph.number:>4}{mark} {paragraph.text}")
        else:
            print(paragraph.text)
        print()
    return 0
