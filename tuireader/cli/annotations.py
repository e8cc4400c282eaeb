"""`tuireader annotations`, `tuireader annotate ID --quote TEXT` and `tuireader check`.

`check` exits 0 when every annotation file is readable and nothing is orphaned, 1 when
something needs the user (an orphaned annotation or a file that cannot be read or
validated; fuzzy matches and quotes now in another paragraph are listed but do not fail),
and 2 on a usage error.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import Any

from tuireader.cli.common import UserError, get_article, print_json, report_load_warnings, warn
from tuireader.core.annotations.anchoring import (
    Anchor,
    QuoteSearch,
    closest_passage,
    paragraph_number,
    search_quote,
)
from tuireader.core.annotations.locators import LocatorChange, anchor_locator, locator_change
from tuireader.core.annotations.model import (
    LABEL_NAMES,
    Annotation,
    AnnotationError,
    AnnotationFile,
    checked_label,
    new_annotation,
    reanchor,
)
from tuireader.core.annotations.store import AnnotationStore
from tuireader.core.corpus import Article, clean_for_display
from tuireader.core.workspace import Workspace

QUOTE_WIDTH = 60  # characters of a quote shown in text output
LISTED_OCCURRENCES = 5
"""Paragraphs named when a quote is ambiguous; the rest are counted. A quote found
everywhere in a huge article would otherwise print one line of hundreds of kilobytes, and
finding each paragraph scans the article (quadratic time)."""
HINT_MIN_SIMILARITY = 0.5
"""A passage less alike than this (0..1) to a quote that is not found is not offered as
a hint: it would only mislead."""


def register(subparsers: Any) -> None:
    """Add the `annotations`, `annotate` and `check` subcommands."""
    listing = subparsers.add_parser(
        "annotations", help="list highlights and notes with their anchoring status"
    )
    listing.add_argument("--doc", metavar="ID", help="only this article's annotations")
    listing.add_argument("--tag", metavar="T", help="only annotations with this tag")
    listing.add_argument("--label", metavar="L", help="only annotations with this label")
    listing.add_argument(
        "--status",
        choices=("anchored", "fuzzy", "orphaned"),
        help="only annotations with this anchoring status",
    )
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.set_defaults(handler=run_annotations)

    annotate = subparsers.add_parser("annotate", help="highlight a quote in an article")
    annotate.add_argument("id", help="article id (file stem)")
    annotate.add_argument(
        "--quote",
        required=True,
        metavar="TEXT",
        help="the text to highlight (curly/straight quotes and spacing may differ; letter "
        "case too, with a warning, when the exact case is not found)",
    )
    annotate.add_argument("--note", default="", metavar="N", help="a note on the highlight")
    annotate.add_argument(
        "--tag", action="append", default=[], metavar="T", help="a tag (repeatable)"
    )
    annotate.add_argument("--label", metavar="L", help=f"a colour label: {', '.join(LABEL_NAMES)}")
    annotate.add_argument(
        "--occurrence",
        type=int,
        metavar="K",
        help="which occurrence to highlight (1 = first) when the quote appears more than once",
    )
    annotate.add_argument("--json", action="store_true", help="print the new annotation as JSON")
    annotate.set_defaults(handler=run_annotate)

    check = subparsers.add_parser(
        "check",
        help="re-anchor every annotation against the current text and report problems",
        description="Exit status: 0 all readable and nothing orphaned, 1 something needs "
        "attention (orphaned annotations or unreadable files), 2 usage error.",
    )
    check.add_argument("--json", action="store_true", help="machine-readable output")
    check.set_defaults(handler=run_check)


def _anchor_for(annotation: Annotation, workspace: Workspace) -> tuple[Anchor, Article | None]:
    """The annotation's anchor in the current text, and its article (None when gone)."""
    article = workspace.articles.get(annotation.article_id)
    if article is None:
        return Anchor.orphaned(), None
    return reanchor(annotation, article), article


def annotation_record(
    annotation: Annotation, anchor: Anchor, article: Article | None
) -> dict[str, Any]:
    """One annotation as JSON output: stored fields plus its current anchor and locator
    (`article` None: its article is gone)."""
    record = annotation.to_dict()
    return {
        "id": record["id"],
        "article": record["article"],
        "paragraph": anchor.paragraph,
        "locator": anchor_locator(article, anchor) if article is not None else None,
        "status": anchor.status,
        "label": record["label"],
        "tags": record["tags"],
        "quote": annotation.target.exact,
        "note": record["note"],
        "created": record["created"],
        "updated": record["updated"],
        "anchor": {
            "status": anchor.status,
            "start": anchor.start,
            "end": anchor.end,
            "paragraph": anchor.paragraph,
            "score": round(anchor.score, 4),
            "article_missing": article is None,
        },
        "target": record["target"],
    }


def _one_line(text: str, width: int) -> str:
    """Text on one line, control characters stripped, cut to `width` with an ellipsis."""
    flat = " ".join(clean_for_display(text).split())
    return flat if len(flat) <= width else flat[: width - 1].rstrip() + "…"


def _text_line(annotation: Annotation, anchor: Anchor) -> str:
    paragraph = f"¶{anchor.paragraph}" if anchor.paragraph is not None else "¶-"
    parts = [annotation.id, annotation.article_id, paragraph, anchor.status]
    if annotation.label:
        parts.append(f"[{_one_line(annotation.label, 20)}]")
    parts.extend(f"#{_one_line(tag, 30)}" for tag in annotation.tags)
    parts.append(f"“{_one_line(annotation.target.exact, QUOTE_WIDTH)}”")
    line = "  ".join(parts)
    if annotation.note:
        line += f"  — {_one_line(annotation.note, QUOTE_WIDTH)}"
    return line


def _files(store: AnnotationStore, doc: str | None) -> Iterator[tuple[str, AnnotationFile]]:
    """The annotation files to look at: one article's, or all of them."""
    if doc is None:
        yield from store.all()
    else:
        yield doc, store.load(doc)


def run_annotations(args: argparse.Namespace, workspace: Workspace) -> int:
    """List annotations (filtered) with their status against the current text."""
    store = AnnotationStore(workspace.annotations_dir)
    # An article removed from seeds/ may still have annotations: list them (as orphans).
    if args.doc is not None and not store.path_for(args.doc).exists():
        get_article(workspace, args.doc)  # UserError naming close ids when unknown
    report_load_warnings(workspace)
    rows: list[tuple[Annotation, Anchor, Article | None]] = []
    for _, annotation_file in _files(store, args.doc):
        if annotation_file.problem:
            # One bad file is reported and the others listed; its valid entries too, if any.
            kept = "valid entries are still listed" if annotation_file.annotations else "skipped"
            warn(f"{annotation_file.problem} (read-only; {kept})")
        for annotation in annotation_file.annotations:
            if args.tag is not None and args.tag not in annotation.tags:
                continue
            if args.label is not None and annotation.label != args.label:
                continue
            anchor, article = _anchor_for(annotation, workspace)
            if args.status is not None and anchor.status != args.status:
                continue
            rows.append((annotation, anchor, article))
    rows.sort(key=lambda row: (row[0].article_id, row[0].target.start, row[0].id))
    if args.json:
        print_json([annotation_record(*row) for row in rows])
        return 0
    if not rows:
        print("No annotations.")
    for annotation, anchor, _ in rows:
        print(_text_line(annotation, anchor))
    return 0


def _choose_span(article: Article, quote: str, occurrence: int | None) -> tuple[int, int]:
    """The (start, end) of the quote to highlight, or UserError explaining why not.

    A quote found only when letter case is ignored is used with a warning saying so.
    """
    if not quote.strip():
        raise UserError("--quote is empty")
    found = search_quote(article.text, quote)
    spans = found.spans
    if not spans:
        raise UserError(_not_found(article, quote))
    if occurrence is not None:
        if not 1 <= occurrence <= len(spans):
            raise UserError(
                f"--occurrence {occurrence}: the quote occurs {len(spans)} "
                f"time{'s' * (len(spans) > 1)} in {article.id}{_how(found)}"
            )
        span = spans[occurrence - 1]
    elif len(spans) > 1:
        raise UserError(_ambiguous(article, found))
    else:
        span = spans[0]
    if found.ignoring_case:
        passage = _one_line(article.text[span[0] : span[1]], QUOTE_WIDTH)
        warn(f"the quote is in {article.id} only in other letter case; highlighting “{passage}”")
    return span


def _how(found: QuoteSearch) -> str:
    """How the quote was matched, for messages: nothing, or " (ignoring letter case)"."""
    return " (ignoring letter case)" if found.ignoring_case else ""


def _ambiguous(article: Article, found: QuoteSearch) -> str:
    """The message for a quote found several times: where, and how to choose one."""
    spans = found.spans
    listed = spans[:LISTED_OCCURRENCES]
    paragraphs = ", ".join(str(paragraph_number(article.paragraphs, start)) for start, _ in listed)
    if len(spans) > len(listed):
        paragraphs += f" and {len(spans) - len(listed):,} more"
    return (
        f"the quote occurs {len(spans):,} times in {article.id}{_how(found)} "
        f"(paragraphs {paragraphs}); pass --occurrence K (1-{len(spans)}) to choose one"
    )


def _not_found(article: Article, quote: str) -> str:
    """The message for a quote that is not in the article, with the closest passage as a
    hint when one is alike enough."""
    message = f"the quote is not in {article.id}: “{_one_line(quote, QUOTE_WIDTH)}”"
    closest = closest_passage(article.text, quote)
    if closest is None or closest[2] < HINT_MIN_SIMILARITY:
        return message + "; no passage comes close"
    start, end, similarity = closest
    paragraph = paragraph_number(article.paragraphs, start)
    passage = _one_line(article.text[start:end], 2 * QUOTE_WIDTH)
    return (
        f"{message}; the closest passage (paragraph {paragraph}, {similarity:.0%} alike) "
        f"is “{passage}”"
    )


def run_annotate(args: argparse.Namespace, workspace: Workspace) -> int:
    """Highlight a quote found in an article; print the new annotation's id."""
    article = get_article(workspace, args.id)
    try:
        label = checked_label(args.label)
    except AnnotationError as error:
        raise UserError(str(error)) from error
    start, end = _choose_span(article, args.quote, args.occurrence)
    try:
        annotation = new_annotation(article, start, end, label=label, note=args.note, tags=args.tag)
        AnnotationStore(workspace.annotations_dir).add(annotation)
    except (AnnotationError, ValueError) as error:
        raise UserError(str(error)) from error
    if args.json:
        print_json(annotation_record(annotation, reanchor(annotation, article), article))
    else:
        print(annotation.id)
    return 0


def run_check(args: argparse.Namespace, workspace: Workspace) -> int:
    """Re-anchor everything; report counts, fuzzy and orphaned annotations, quotes now in
    another paragraph than the one they were made in, and unreadable files."""
    report_load_warnings(workspace)
    store = AnnotationStore(workspace.annotations_dir)
    counts = {"anchored": 0, "fuzzy": 0, "orphaned": 0}
    review: list[dict[str, Any]] = []
    moved: list[dict[str, Any]] = []
    unreadable: list[dict[str, Any]] = []
    files = 0
    for article_id, annotation_file in store.all():
        files += 1
        if annotation_file.problem:
            unreadable.append(
                {
                    "article": article_id,
                    "file": str(annotation_file.path),
                    "problem": annotation_file.problem,
                }
            )
        for annotation in annotation_file.annotations:
            anchor, article = _anchor_for(annotation, workspace)
            counts[anchor.status] += 1
            record = annotation_record(annotation, anchor, article)
            if anchor.status != "anchored":
                review.append(record)
            change = locator_change(annotation.target, anchor, article) if article else None
            if change is not None:
                moved.append(_moved_record(record, change))
    code = 1 if counts["orphaned"] or unreadable else 0
    if args.json:
        print_json(
            {
                "ok": code == 0,
                "files": files,
                "counts": counts,
                "total": sum(counts.values()),
                "needs_review": review,
                "moved": moved,
                "unreadable": unreadable,
            }
        )
        return code
    _print_check(files, counts, review, moved, unreadable)
    return code


def _moved_record(record: dict[str, Any], change: LocatorChange) -> dict[str, Any]:
    """What `check --json` says of a quote now in another paragraph."""
    return {
        "id": record["id"],
        "article": record["article"],
        "status": record["status"],
        "quote": record["quote"],
        "change": change.describe(),
        **change.to_dict(),
    }


def _print_check(
    files: int,
    counts: dict[str, int],
    review: list[dict[str, Any]],
    moved: list[dict[str, Any]],
    unreadable: list[dict[str, Any]],
) -> None:
    """The text report of `check`."""
    total = sum(counts.values())
    summary = (
        f"{total} annotation{'s' * (total != 1)} in {files} file{'s' * (files != 1)}: "
        f"{counts['anchored']} anchored, {counts['fuzzy']} fuzzy, {counts['orphaned']} orphaned"
    )
    if moved:
        summary += f"; {len(moved)} now in another paragraph (citations change)"
    print(summary)
    for record in review:
        score = record["anchor"]["score"]
        where = "article missing" if record["anchor"]["article_missing"] else f"score {score:.2f}"
        print(
            f"  {record['status']:<8} {record['id']}  {record['article']}  ({where})  "
            f"“{_one_line(record['quote'], QUOTE_WIDTH)}”"
        )
    for entry in moved:
        print(
            f"  {'moved':<8} {entry['id']}  {entry['article']}  {entry['change']}  "
            f"“{_one_line(entry['quote'], QUOTE_WIDTH)}”"
        )
    for entry in unreadable:
        print(f"  unreadable {_one_line(entry['problem'], 200)}")
