"""`tuireader compare ID1 ID2`, `tuireader similar ID PARAGRAPH` and `tuireader figures`."""

from __future__ import annotations

import argparse
import textwrap
from typing import TYPE_CHECKING, Any

from tuireader.cli.common import (
    UserError,
    get_article,
    print_json,
    report_load_warnings,
    warn,
)
from tuireader.cli.output import escape_controls, one_line
from tuireader.core.compare.align import (
    DEFAULT_THRESHOLD,
    Comparison,
    compare,
    comparison_meaning,
    load_background,
    load_entity_map,
)
from tuireader.core.compare.claims import FigureGroup, figure_groups
from tuireader.core.compare.figures import FigureMatch
from tuireader.core.compare.passages import (
    MIN_SCORE,
    MIN_WORDS_SCORE,
    PassageIndex,
    cached_meaning,
)
from tuireader.core.corpus import Article
from tuireader.core.text import plural
from tuireader.core.workspace import Workspace

if TYPE_CHECKING:
    from tuireader.core.compare.meaning import MeaningMap

WIDTH = 80
_NAME_SOURCES = {"given": "entity cache", "heuristic": "capitalised words"}


def register(subparsers: Any) -> None:
    """Add the `compare`, `similar` and `figures` subcommands."""
    compare_parser = subparsers.add_parser(
        "compare",
        help="compare two articles: aligned paragraphs, shared quotations, figures",
    )
    compare_parser.add_argument("id1", help="first article id")
    compare_parser.add_argument("id2", help="second article id")
    compare_parser.add_argument(
        "--threshold",
        type=_score,
        default=DEFAULT_THRESHOLD,
        help=f"minimum pair score, 0..1 (default {DEFAULT_THRESHOLD})",
    )
    compare_parser.add_argument(
        "--no-entities",
        action="store_true",
        help="match names by capitalised words, not the entity cache (`tuireader entities`)",
    )
    compare_parser.add_argument(
        "--words-only",
        action="store_true",
        help="pair paragraphs by words, names and figures only: skip the sentence model "
        "(which takes a few seconds to load, and about 30 ms a paragraph the first time); "
        "`compare_meaning: false` in settings.yaml does the same for good",
    )
    compare_parser.add_argument("--json", action="store_true", help="machine-readable output")
    compare_parser.set_defaults(handler=run_compare)

    similar_parser = subparsers.add_parser(
        "similar", help="paragraphs in other articles most like one paragraph"
    )
    similar_parser.add_argument("id", help="article id")
    similar_parser.add_argument(
        "paragraph", type=int, help="paragraph number (see show --paragraphs)"
    )
    similar_parser.add_argument("--limit", type=int, default=10, help="how many (default 10)")
    similar_parser.add_argument("--json", action="store_true", help="machine-readable output")
    similar_parser.set_defaults(handler=run_similar)

    figures_parser = subparsers.add_parser(
        "figures",
        help="claims several articles make with figures (what, whose, when), disagreements first",
    )
    figures_parser.add_argument(
        "--differ-only", action="store_true", help="only the claims whose figures disagree"
    )
    figures_parser.add_argument("--json", action="store_true", help="machine-readable output")
    figures_parser.set_defaults(handler=run_figures)


def _score(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError("must be between 0 and 1")
    return value


def run_compare(args: argparse.Namespace, workspace: Workspace) -> int:
    """Compare two articles and print the result (text or JSON)."""
    if args.id1 == args.id2:
        raise UserError(f"compare needs two different articles, got {args.id1!r} twice.")
    a = get_article(workspace, args.id1)
    b = get_article(workspace, args.id2)
    report_load_warnings(workspace)
    entities = None if args.no_entities else load_entity_map(workspace, [a.id, b.id])
    meaning = None if args.words_only or not _meaning_wanted() else _meaning(workspace, a, b)
    background = load_background(workspace)
    result = compare(
        a, b, entities=entities, threshold=args.threshold, meaning=meaning, background=background
    )
    if args.json:
        print_json(result.to_dict())
    else:
        print("\n".join(format_comparison(result)))
    return 0


def _meaning_wanted() -> bool:
    """Whether settings.yaml lets comparison use the sentence model (compare_meaning)."""
    from tuireader.core.settings import Settings

    settings = Settings.load()
    for problem in settings.problems:
        warn(problem)
    return settings.compare_meaning


def _meaning(workspace: Workspace, a: Article, b: Article) -> MeaningMap | None:
    """Meaning vectors of both articles (cached, or encoded now); None with a note on
    stderr when the sentence model cannot be loaded, so the comparison still runs."""
    from tuireader.core.compare.meaning import Encoder, MeaningUnavailable

    try:
        return comparison_meaning(workspace, [a, b], Encoder())
    except MeaningUnavailable as error:
        warn(f"{error}; comparing by words only")
        return None


def run_similar(args: argparse.Namespace, workspace: Workspace) -> int:
    """Rank the paragraphs of other articles by similarity to one paragraph."""
    article = get_article(workspace, args.id)
    if not 1 <= args.paragraph <= len(article.paragraphs):
        raise UserError(
            f"{article.id} has paragraphs 1 to {len(article.paragraphs)}, not {args.paragraph}."
        )
    if args.limit < 1:
        raise UserError("--limit must be at least 1.")
    report_load_warnings(workspace)
    meaning = cached_meaning(workspace)
    index = PassageIndex(workspace.articles.values(), meaning=meaning or None)
    hits = index.similar_to(article.id, args.paragraph, limit=args.limit)
    if args.json:
        print_json([hit.to_dict() for hit in hits])
        return 0
    ranked = (
        "by meaning, then words"
        if index.has_meaning
        else "by words (meaning vectors not computed yet: `tuireader compare` fills them)"
    )
    cut = MIN_SCORE if index.has_meaning else MIN_WORDS_SCORE
    if not hits:
        print(f"No paragraph of another article scores {cut:g} or more ({ranked}).")
    else:
        print(_wrap(f"{plural(len(hits), 'paragraph')} scoring {cut:g} or more, {ranked}:", ""))
    for hit in hits:
        print(f"{hit.score:.2f}  {hit.article_id} ¶{hit.paragraph}")
        print(_wrap(_excerpt(hit.text, 200), "      "))
        if hit.why:
            print(_wrap("why: " + hit.why, "      "))
    return 0


def run_figures(args: argparse.Namespace, workspace: Workspace) -> int:
    """List claims several articles make with figures, disagreements first."""
    articles = workspace.articles
    report_load_warnings(workspace)
    groups = figure_groups(articles)
    if args.differ_only:
        groups = [group for group in groups if not group.agree]
    if args.json:
        print_json([group.to_dict() for group in groups])
        return 0
    print("\n".join(format_figure_groups(groups, args.differ_only)))
    return 0


def format_figure_groups(groups: list[FigureGroup], differ_only: bool = False) -> list[str]:
    """The text report of corpus-wide figure claims: disagreements, then agreements."""
    differ = [group for group in groups if not group.agree]
    agree = [group for group in groups if group.agree]
    if not groups:
        return [
            "No figure claims disagree across articles."
            if differ_only
            else ("No figure claims shared across articles.")
        ]
    lines = [
        _wrap(
            f"{plural(len(groups), 'claim')} made by several articles: {len(differ)} disagree"
            + ("" if differ_only else f", {len(agree)} agree")
            + ". A claim is what a figure counts, whose, when and which kind of quantity "
            "(total, change, rate, share, rank); two disagree when no value fits both, "
            "qualifiers (about, nearly, up to) and ranges allowed.",
            "",
        ),
        "",
    ]
    for title, part in (("Disagree", differ), ("Agree", agree)):
        if not part:
            continue
        lines.append(f"{title}:")
        for group in part:
            lines.extend(_claim_group_lines(group))
    return lines


def _claim_group_lines(group: FigureGroup) -> list[str]:
    state = "agree" if group.agree else "DIFFER"
    first = group.claims[0] if group.claims else None
    what = ""
    if first is not None:
        parts = [first.counted_text, first.scope_text]
        if first.subject_text:
            parts.append(f"of {first.subject_text}")
        if first.period:
            parts.append(f"({first.period_text or first.period})")
        what = " " + " ".join(part for part in parts if part) + f", {first.quantity}"
    lines = [_wrap(f"  {state}: {len(group.article_ids)} articles —{what}", "", "    ")]
    for figure in group.figures:
        value = " ".join(part for part in (figure.qualifier or "", figure.text) if part)
        lines.append(
            _wrap(
                f"{figure.article_id} ¶{figure.paragraph}: {value} — "
                f"{_excerpt(figure.sentence, 200)}",
                "    ",
                "      ",
            )
        )
    lines.append("")
    return lines


def format_comparison(result: Comparison) -> list[str]:
    """The text report of a comparison, wrapped for 80 columns."""
    a, b, alignment = result.a, result.b, result.alignment
    lines = [
        _wrap(f"A  {one_line(a.id)}  {one_line(a.title)}", "", "   "),
        _wrap(f"B  {one_line(b.id)}  {one_line(b.title)}", "", "   "),
        "",
        _wrap(
            f"Aligned paragraphs: {len(alignment.pairs)} (score >= {alignment.threshold:g}; "
            f"names from the "
            f"{_NAME_SOURCES[alignment.entity_source]}; "
            f"{'meaning from the sentence model' if alignment.meaning else 'words only'})",
            "",
        ),
    ]
    if alignment.pairs:
        lines.append(f"{'A¶':>4} {'B¶':>4}  score  shared")
    for pair in alignment.pairs:
        shared = ", ".join(pair.shared_terms) or "—"
        lines.append(_wrap(f"{pair.a:>4} {pair.b:>4}  {pair.score:.2f}   {shared}", "", " " * 18))
        extras = []
        if pair.shared_entities:
            extras.append("names: " + ", ".join(pair.shared_entities))
        if pair.shared_figures:
            extras.append("figures: " + ", ".join(pair.shared_figures))
        if pair.quotes:
            extras.append(f"shared quotations: {pair.quotes}")
        for extra in extras:
            lines.append(_wrap(extra, " " * 18))
    lines.append(_wrap("Only in A: " + _ranges(alignment.only_in_a), "", "  "))
    lines.append(_wrap("Only in B: " + _ranges(alignment.only_in_b), "", "  "))
    lines.append("")
    lines.append(f"Shared quotations: {len(result.quotes)}")
    for quote in result.quotes:
        lines.append(
            _wrap(
                f"A¶{quote.a_paragraph} [{quote.a_start}-{quote.a_end}] “{quote.a_text}”",
                "  ",
                "    ",
            )
        )
        lines.append(
            _wrap(
                f"B¶{quote.b_paragraph} [{quote.b_start}-{quote.b_end}] “{quote.b_text}”",
                "  ",
                "    ",
            )
        )
        marks = ["exact" if quote.exact else "edited", f"{quote.tokens} words"]
        where = [
            side for side, flag in (("A", quote.quoted_in_a), ("B", quote.quoted_in_b)) if flag
        ]
        marks.append(
            f"in quotation marks in {' and '.join(where)}" if where else "not in quotation marks"
        )
        lines.append("    (" + "; ".join(marks) + ")")
    lines.append("")
    differ = sum(1 for match in result.figures if not match.agree)
    lines.append(f"Figures for the same thing: {len(result.figures)} ({differ} differ)")
    for match in result.figures:
        lines.extend(_figure_lines(match))
    return lines


def _figure_lines(match: FigureMatch) -> list[str]:
    state = {"same": "same", "consistent": "consistent", "differ": "DIFFER"}[match.relation]
    return [
        f"  {state} (match {match.score:.2f})",
        _wrap(
            f"A¶{match.a.paragraph}: {match.a.label} — {_excerpt(match.a.sentence, 160)}",
            "    ",
            "      ",
        ),
        _wrap(
            f"B¶{match.b.paragraph}: {match.b.label} — {_excerpt(match.b.sentence, 160)}",
            "    ",
            "      ",
        ),
    ]


def _ranges(numbers: tuple[int, ...]) -> str:
    """1, 2, 3, 5 → "¶1-3, 5"; an empty list → "none"."""
    if not numbers:
        return "none"
    parts = []
    start = previous = numbers[0]
    for number in [*numbers[1:], None]:
        if number is not None and number == previous + 1:
            previous = number
            continue
        parts.append(f"{start}-{previous}" if previous > start else str(start))
        if number is not None:
            start = previous = number
    return "¶" + ", ".join(parts)


def _excerpt(text: str, limit: int) -> str:
    text = " ".join(escape_controls(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _wrap(text: str, indent: str, subsequent: str | None = None) -> str:
    # Controls are escaped before wrapping so the line widths count what will be shown.
    return textwrap.fill(
        escape_controls(text),
        width=WIDTH,
        initial_indent=indent,
        subsequent_indent=indent if subsequent is None else subsequent,
        break_long_words=True,
        break_on_hyphens=False,
    )
