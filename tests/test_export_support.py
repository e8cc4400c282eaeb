"""Helpers shared by the export tests (no tests here): golden files, annotated workspaces,
and a synthetic article full of characters that break naive writers.

Golden files live in tests/golden/. They were generated once with
`TUIREADER_UPDATE_GOLDEN=1 pytest tests/test_styles.py tests/test_export_formats.py
tests/test_export.py`, then reviewed by hand (see tests/golden/REVIEW.md); regenerate only
on purpose and review the diff.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from tuireader.core.annotations.model import Annotation, new_annotation
from tuireader.core.annotations.store import AnnotationStore
from tuireader.core.corpus import Article
from tuireader.core.workspace import Workspace

GOLDEN = Path(__file__).resolve().parent / "golden"
BUNDLED_SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def check_golden(name: str, actual: str) -> None:
    """Compare `actual` with tests/golden/<name> (or write it when regenerating)."""
    path = GOLDEN / name
    if os.environ.get("TUIREADER_UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"output differs from tests/golden/{name}"


def copy_bundled(root: Path) -> Workspace:
    """A workspace at `root` holding a copy of the five bundled articles."""
    shutil.copytree(BUNDLED_SEEDS, root / "seeds")
    return Workspace.open(root)


def annotate(
    workspace: Workspace,
    article_id: str,
    quote: str,
    annotation_id: str,
    note: str = "",
    tags: Iterable[str] = (),
    occurrence: int = 1,
) -> Annotation:
    """Store an annotation on the `occurrence`-th appearance of `quote`, with a fixed id
    and fixed times so exports are reproducible."""
    article = workspace.article(article_id)
    start = -1
    for _ in range(occurrence):
        start = article.text.index(quote, start + 1)
    made = new_annotation(article, start, start + len(quote), note=note, tags=tags)
    fixed = dataclasses.replace(
        made, id=annotation_id, created="2024-05-01T10:00:00Z", updated="2024-05-01T10:00:00Z"
    )
    AnnotationStore(workspace.annotations_dir).add(fixed)
    return fixed


# Quotes on the bundled articles used by the export golden files.
BUNDLED_ANNOTATIONS = [
    (
        "000_55308b7769cb3055",
        "In fact, it is a prison located in the mountains",
        "a000prison",
        "Sauytbay's testimony in court.",
        ["camps", "testimony"],
    ),
    (
        "000_55308b7769cb3055",
        "The concerns Kazakhstan has to juggle are myriad",
        "a001juggle",
        "",
        ["policy"],
    ),
    (
        "002_6fec927dd12decab",
        "Astana can’t afford to push Beijing too hard",
        "a002kz",
        "",
        ["camps"],
    ),
    (
        "004_1d4f993d258ac59c",
        "protests",
        "a004protests",
        "Compare with 001.",
        ["camps"],
    ),
]


def annotate_bundled(workspace: Workspace) -> list[Annotation]:
    """The BUNDLED_ANNOTATIONS, stored in `workspace`."""
    return [
        annotate(workspace, article_id, quote, annotation_id, note, tags)
        for article_id, quote, annotation_id, note, tags in BUNDLED_ANNOTATIONS
    ]


SPECIAL_TITLE = "“Quotes” & {Braces} $5 #1 50% under_score ~tilde^ back\\slash — Café Ürümqi"
SPECIAL_QUOTE = "*not bold* [@fake] <b>html</b> $x$ 100% & “curly” — 王 {x} back\\slash"
SPECIAL_AUTHORS = ["Сәуытбай", "王", "José Ñúñez", "Anna van der Berg"]
SPECIAL_CONTAINER = "Le Monde & Co {Paris} 50%"
SPECIAL_URL = "https://example.org/a_b?x=1%20y#frag"
SPECIAL_CATALOG = """\
articles:
  special:
    title: '“Quotes” & {Braces} $5 #1 50% under_score ~tilde^ back\\slash — Café Ürümqi'
    authors: ["Сәуытбай", "王", "José Ñúñez", "Anna van der Berg"]
    container: "Le Monde & Co {Paris} 50%"
    issued: "2020-02-29"
    url: "https://example.org/a_b?x=1%20y#frag"
    accessed: "2024-01-02"
    type: article-newspaper
"""
SPECIAL_TEXT = (
    "A first paragraph that sets the scene for the test article.\n\n"
    f"Then: {SPECIAL_QUOTE} — as reported.\n"
)


def special_workspace(root: Path) -> tuple[Workspace, Article, Annotation]:
    """A one-article workspace whose metadata and quote are full of special characters."""
    seeds = root / "seeds"
    seeds.mkdir(parents=True)
    (seeds / "special.txt").write_text(SPECIAL_TEXT, encoding="utf-8")
    (seeds / "catalog.yaml").write_text(SPECIAL_CATALOG, encoding="utf-8")
    workspace = Workspace.open(root)
    annotation = annotate(workspace, "special", SPECIAL_QUOTE, "s1", note="Note <with> *stars*")
    return workspace, workspace.article("special"), annotation
