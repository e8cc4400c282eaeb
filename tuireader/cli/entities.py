"""`tuireader entities [ID] [--type TYPE] [--json]`: named entities with their spellings.

Brings the entity cache up to date first (NER only for new or changed articles; progress on
stderr), then lists canonical entities: name, type, every spelling seen, mention count, and
per article its mention count. With an article id, only that article's entities.

`--json` gives, per entity: name, type (PERSON, ORG, PLACE, GROUP, DATE, FIGURE), label (the
most common spaCy label), aliases (every spelling, most frequent first), mentions (count),
articles (id -> count, most first), spellings (spelling -> count) and spans (id -> [[start,
end], ...]: character offsets into the article's text, so text[start:end] is the mention).
With an article id: {"article": id, "entities": [...]}, each entity with its corpus fields
and, for this article, mentions, corpus_mentions, paragraphs, spans, spellings_here and
spelling_counts.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Iterable
from typing import Any

from tuireader.cli.common import UserError, get_article, print_json, report_load_warnings, warn
from tuireader.cli.output import one_line
from tuireader.core.entities.index import KIND_NAMES, ArticleEntity, Entity, EntityIndex
from tuireader.core.entities.mention import KINDS, Mention
from tuireader.core.workspace import Workspace

PROGRESS_EVERY_S = 2.0


def register(subparsers: Any) -> None:
    """Add the `entities` subcommand."""
    parser = subparsers.add_parser(
        "entities",
        help="list people, organisations, places... with their spellings",
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    parser.add_argument("id", nargs="?", help="only this article's entities")
    parser.add_argument(
        "--type",
        type=str.upper,
        choices=KINDS,
        metavar="TYPE",
        help=f"only one type: {', '.join(KINDS)}",
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(handler=run_entities)


def run_entities(args: argparse.Namespace, workspace: Workspace) -> int:
    """Update the entity cache, then print the entities asked for."""
    article = get_article(workspace, args.id) if args.id else None
    report_load_warnings(workspace)
    index = EntityIndex.build(workspace, progress=_progress_printer())
    for problem in index.problems:
        warn(problem)
    if not index.entities and index.missing:
        raise UserError("no entities: the articles could not be analysed (see above)")
    if article is not None:
        found = [e for e in index.for_article(article.id) if _wanted(e.entity, args.type)]
        if args.json:
            print_json({"article": article.id, "entities": [_article_json(e) for e in found]})
        else:
            _print_article(found)
        return 0
    entities = [e for e in index.entities if _wanted(e, args.type)]
    if args.json:
        occurrences = index.mentions_by_entity()
        print_json(
            [
                _corpus_json(entity, occurrences[position])
                for position, entity in enumerate(index.entities)
                if _wanted(entity, args.type)
            ]
        )
    else:
        _print_corpus(entities)
    return 0


def _wanted(entity: Entity, kind: str | None) -> bool:
    return kind is None or entity.kind == kind


def _progress_printer() -> Any:
    """A progress callback writing "finding entities: n/total" to stderr, now and then."""
    last = [0.0]

    def progress(done: int, total: int, article_id: str) -> None:
        now = time.monotonic()
        if done == total or now - last[0] >= PROGRESS_EVERY_S:
            last[0] = now
            print(f"tuireader: finding entities: {done}/{total} articles", file=sys.stderr)

    return progress


def _corpus_json(entity: Entity, found: dict[str, list[Mention]]) -> dict[str, Any]:
    """An entity across the corpus: `Entity.to_dict` (name, type, label, aliases, mentions,
    articles: id -> count), each spelling with its count, and per article the spans."""
    return {
        **entity.to_dict(),
        "spellings": _spelling_counts(m for ms in found.values() for m in ms),
        "spans": {
            article_id: [[m.start, m.end] for m in mentions]
            for article_id, mentions in sorted(found.items(), key=_most_first)
        },
    }


def _most_first(item: tuple[str, list[Mention]]) -> tuple[int, str]:
    return -len(item[1]), item[0]


def _spelling_counts(mentions: Iterable[Mention]) -> dict[str, int]:
    """Spelling -> mentions written so, most first (ties A-Z)."""
    counts = Counter(m.text for m in mentions)
    return dict(sorted(counts.items(), key=lambda x: (-x[1], x[0])))


def _article_json(item: ArticleEntity) -> dict[str, Any]:
    entity = item.entity
    return {
        **entity.to_dict(),
        "mentions": item.count,
        "corpus_mentions": entity.mentions,
        "paragraphs": item.paragraphs,
        "spans": [list(span) for span in item.spans],
        "spellings_here": sorted({m.text for m in item.mentions}),
        "spelling_counts": _spelling_counts(item.mentions),
    }


def _print_article(found: list[ArticleEntity]) -> None:
    if not found:
        print("No entities found in this article.")
        return
    kind = None
    for item in found:
        entity = item.entity
        if entity.kind != kind:
            kind = entity.kind
            count = sum(1 for f in found if f.entity.kind == kind)
            print(f"{KIND_NAMES[kind].capitalize()} ({count})")
        others = [a for a in entity.aliases if a != entity.name]
        also = f"  (also {', '.join(_show(a) for a in others)})" if others else ""
        paragraphs = ", ".join(str(p) for p in item.paragraphs)
        print(f"  {_show(entity.name)}  ×{item.count}  ¶ {paragraphs}{also}")


def _print_corpus(entities: list[Entity]) -> None:
    if not entities:
        print("No entities found.")
        return
    kind = None
    for entity in entities:
        if entity.kind != kind:
            kind = entity.kind
            count = sum(1 for e in entities if e.kind == kind)
            print(f"{KIND_NAMES[kind].capitalize()} ({count})")
        others = [a for a in entity.aliases if a != entity.name]
        also = f"  (also {', '.join(_show(a) for a in others)})" if others else ""
        print(f"  {_show(entity.name)}  ×{entity.mentions}{also}")
        print("      " + " · ".join(f"{_show(a)}: {n}" for a, n in entity.articles.items()))


def _show(text: str) -> str:
    """A name from the article text, kept on its row (the output layer's escaping)."""
    return one_line(text)
