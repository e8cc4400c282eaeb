"""`tuireader export` (annotations and references in six formats) and `tuireader cite ID`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tuireader.cli.common import UserError, positive_int, print_json, report_load_warnings, warn
from tuireader.core.workspace import UnknownArticleError, Workspace

if TYPE_CHECKING:
    from tuireader.core.export.styles import Markup, StyleInfo

FORMAT_CHOICES = ("md", "csl-json", "bibtex", "ris", "text", "w3c")
"""The formats of `export --format` (the exporter's FORMATS, listed here so that building
the parser does not import the exporter)."""


def register(subparsers: Any) -> None:
    """Add the `export` and `cite` subcommands."""
    export_parser = subparsers.add_parser(
        "export",
        help="export annotations and references (Markdown, CSL-JSON, BibTeX, RIS, text, "
        "W3C Web Annotation)",
        description="Export quotes with citations, or reference lists. Quotes are checked "
        "against the current article text first; unverified ones are left out unless "
        "--allow-unverified. With -o, an existing file is updated in place: blocks and "
        "entries of the exported annotations and works are replaced, everything else kept; "
        "a block whose quote no longer verifies is kept and marked STALE. "
        "-o - prints to standard output (Markdown then carries its references inline and no "
        ".csl.json is written). A symlink given to -o is written through: the file it points "
        "to is replaced atomically and the link stays a link. Refused (exit 2, nothing "
        "written): files inside the workspace's annotations/, indexes/ or seeds/ (after "
        "resolving links and ..), FIFOs, sockets, devices and folders.",
    )
    export_parser.add_argument(
        "--format",
        "-f",
        choices=FORMAT_CHOICES,
        default="md",
        help="md: quotes as pandoc Markdown + CSL-JSON bibliography; text: formatted "
        "citations and reference list; csl-json, bibtex, ris: references; w3c: W3C Web "
        "Annotation JSON-LD (default: md)",
    )
    export_parser.add_argument(
        "--style",
        metavar="NAME",
        help="citation style (default: citation_style in settings); with md -o FILE the "
        "style's .csl is copied beside FILE and named in its front matter",
    )
    export_parser.add_argument(
        "--doc", action="append", default=[], metavar="ID", help="only this article (repeatable)"
    )
    export_parser.add_argument(
        "--tag",
        action="append",
        default=[],
        metavar="T",
        help="only annotations tagged T (repeatable: any of them)",
    )
    export_parser.add_argument(
        "--label",
        action="append",
        default=[],
        metavar="NAME",
        help="only annotations with label NAME (repeatable: any of them)",
    )
    export_parser.add_argument(
        "--allow-unverified",
        action="store_true",
        help="include quotes not found exactly in the current text, marked UNVERIFIED",
    )
    export_parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write or update FILE instead of printing (- : standard output; md also "
        "writes FILE's .csl.json beside it)",
    )
    export_parser.add_argument(
        "--json", action="store_true", help="with -o: print a JSON summary of what was written"
    )
    export_parser.set_defaults(handler=run_export)

    cite_parser = subparsers.add_parser(
        "cite", help="print the citation and reference of an article or annotation"
    )
    cite_parser.add_argument("id", help="article id, or annotation id (or a unique prefix)")
    cite_parser.add_argument(
        "--style", metavar="NAME", help="citation style (default: citation_style in settings)"
    )
    cite_parser.add_argument(
        "--paragraph", type=positive_int, metavar="N", help="cite paragraph N of the article"
    )
    cite_parser.add_argument(
        "--markdown", action="store_true", help="Markdown output (*italics*) instead of plain"
    )
    cite_parser.add_argument(
        "--allow-unverified",
        action="store_true",
        help="cite an annotation even if its quote is not in the current text",
    )
    cite_parser.add_argument("--json", action="store_true", help="machine-readable output")
    cite_parser.set_defaults(handler=run_cite)


def resolve_style_option(name: str | None) -> StyleInfo:
    """The style named on the command line, else the one in settings; UserError (with close
    names) when it is not installed."""
    from tuireader.core.export.styles import StyleError, UnknownStyleError, resolve_style
    from tuireader.core.settings import Settings

    source = ""
    if name is None:
        settings = Settings.load()
        for problem in settings.problems:
            warn(problem)
        name = settings.citation_style
        source = " (citation_style in settings.yaml)"
    try:
        return resolve_style(name)
    except UnknownStyleError as error:
        raise UserError(f"{error}{source}") from error
    except StyleError as error:
        raise UserError(str(error)) from error


def run_export(args: argparse.Namespace, workspace: Workspace) -> int:
    """Export to stdout or into a file (updated in place), warnings on stderr."""
    from tuireader.core.export import exporter as export
    from tuireader.core.export.styles import StyleError
    from tuireader.core.export.targets import is_stdout

    # `-o -` is standard output, exactly like no -o (the rule is targets.is_stdout).
    output = None if is_stdout(args.output) else args.output
    if args.json and not output:
        raise UserError("--json needs -o FILE (without it the export itself is printed)")
    # The style is checked first so a typo fails fast, whatever the format.
    style = resolve_style_option(args.style) if args.style or args.format == "text" else None
    try:
        selection = export.select(
            workspace,
            args.doc,
            args.tag,
            allow_unverified=args.allow_unverified,
            labels=args.label,
        )
    except UnknownArticleError as error:
        raise UserError(str(error)) from error
    report_load_warnings(workspace)
    filtered = bool(args.doc or args.tag or args.label)
    if args.format not in export.REFERENCE_FORMATS and not selection.items:
        warn("no annotations to export" + (" with these filters" if filtered else ""))
    csl = style.path if style is not None and args.format == "md" else None
    try:
        if not output:
            for message in selection.warnings():
                warn(message)
            # Standard output has no folder to copy the style into: the installed file is
            # named by its absolute path, which is what a pipe into pandoc needs.
            text = export.render(selection, args.format, style, csl_file=str(csl) if csl else None)
            sys.stdout.write(text)
            return 0
        report = export.write(selection, args.format, Path(output), style, csl_file=csl)
    except (export.ExportError, StyleError) as error:
        for message in selection.warnings():
            warn(message)
        raise UserError(str(error)) from error
    # Said after the write: a left-out quote whose block the file holds was marked STALE.
    for message in [*selection.warnings(report.stale, report.stale_marked), *report.problems]:
        warn(message)
    _report_written(args, report, selection)
    return 0


def written_summary(fmt: str, report: Any, selection: Any) -> dict[str, Any]:
    """The --json summary of `export -o`: every annotation id (or key) of the file in
    exactly one of added, replaced, kept and stale; `left_out` the unverified quotes not
    written (not in the file); `unverified` the written ones marked UNVERIFIED."""
    stale = set(report.stale)
    return {
        "format": fmt,
        "files": [str(p) for p in report.files],
        "added": report.added,
        "replaced": report.replaced,
        "kept": report.kept,
        "stale": report.stale,
        "left_out": [i.annotation_id for i in selection.left_out if i.annotation_id not in stale],
        "unverified": [i.annotation_id for i in selection.items if not i.verified],
    }


def _report_written(args: argparse.Namespace, report: Any, selection: Any) -> None:
    """Say on stderr (or as JSON on stdout) what `export -o` wrote."""
    if args.json:
        print_json(written_summary(args.format, report, selection))
        return
    files = " and ".join(str(p) for p in report.files)
    counts = f"{len(report.added)} added, {len(report.replaced)} updated, {len(report.kept)} kept"
    if report.stale:
        counts += f", {len(report.stale)} stale"
    print(f"tuireader: wrote {files} ({counts})", file=sys.stderr)
    if report.stale:
        how = "marked STALE in place" if report.stale_marked else "kept unchanged"
        print(
            f"tuireader: stale: {', '.join(report.stale)}: exported before, their quotes no "
            f"longer verify; {how}: check them in the reader",
            file=sys.stderr,
        )
    if report.kept and args.format in ("md", "text"):
        print(
            "tuireader: kept blocks are annotations not in this export (filtered out or "
            "deleted); remove them by hand if they are obsolete",
            file=sys.stderr,
        )
    if args.format == "md" and report.files:
        print(f"tuireader: render with: pandoc --citeproc {report.files[0]}", file=sys.stderr)


def run_cite(args: argparse.Namespace, workspace: Workspace) -> int:
    """Print the in-text citation and reference of an article or an annotation."""
    from tuireader.core.export import exporter as export
    from tuireader.core.export.styles import StyleError

    style = resolve_style_option(args.style)
    markup: Markup = "markdown" if args.markdown else "text"
    try:
        if args.id in workspace.articles:
            result = export.cite_article(workspace, args.id, style, args.paragraph, markup)
        else:
            annotation = export.find_annotation(workspace, args.id)
            if annotation is None:
                raise UserError(
                    f"No article or annotation with id {args.id!r}."
                    + _suggestion(workspace.suggest_ids(args.id))
                )
            result = export.cite_annotation(workspace, annotation, style, markup)
    except UnknownArticleError as error:
        raise UserError(str(error)) from error
    except StyleError as error:
        raise UserError(str(error)) from error
    for message in result.warnings:
        warn(message)
    quote = result.quote
    if quote is not None and not quote.verified:
        if not args.allow_unverified:
            raise UserError(
                f"annotation {quote.annotation_id}: {quote.unverified_notice}; "
                "check it in the reader or pass --allow-unverified"
            )
        warn(f"annotation {quote.annotation_id}: {quote.unverified_notice}")
    if args.json:
        data: dict[str, Any] = {
            "article": result.article_id,
            "key": result.key,
            "style": result.style.name,
            "style_title": result.style.title,
            "note_style": result.style.note,
            "citation": result.citation,
            "reference": result.reference,
            "csl": result.record,
        }
        if quote is not None:
            data |= {
                "annotation": quote.annotation_id,
                "quote": quote.exact,
                "paragraph": quote.paragraph,
                "status": quote.status,
            }
        print_json(data)
    elif quote is not None:
        if not quote.verified:
            print(f"[{quote.unverified_notice}]")
        print(result.clipboard)
        if result.reference != result.citation:
            print(result.reference)
    else:
        print(result.citation)
        if result.reference != result.citation:
            print(result.reference)
    # Pinned once printed: a key given out must keep citing this article.
    for message in export.pin_keys(workspace.root, result.keys):
        warn(message)
    return 0


def _suggestion(ids: list[str]) -> str:
    """ " Did you mean: …?" or nothing."""
    return f" Did you mean: {', '.join(ids)}?" if ids else ""
