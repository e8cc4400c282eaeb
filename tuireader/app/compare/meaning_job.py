"""Meaning vectors as a child process of the app, for two articles or the whole workspace:
`python -m tuireader.app.compare.meaning_job ROOT ID1 ID2` or `… ROOT --all`.

The compare screen starts the first form when the workspace's vector cache lacks paragraphs
of the two articles it shows; the app's background job (background.py) starts the second
once the search index is current, so that comparisons find their vectors ready. The sentence
model (torch) loads here rather than in the app, for the reasons given in child_job.py, and
only when some paragraph has no vector yet: a warm cache costs a start-up and one read.

Output, one JSON object per line: with `--all`, {"progress": [done, total]} (paragraphs to
encode) once the missing ones are known and after each stored chunk; then {"done": true,
"encoded": n, "paragraphs": total} once the cache holds every paragraph, or {"done": true,
"problem": "…"} when the model cannot be loaded. No Textual import here.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tuireader.core.child_job import emit

if TYPE_CHECKING:
    from tuireader.core.workspace import Workspace

ALL = "--all"
"""The argument that asks for every article of the workspace."""

BACKGROUND_NICENESS = 10
"""How much the whole-workspace job lowers its priority: the user's keys (and a comparison
they wait for) come first on a machine with few cores."""


def main(argv: list[str] | None = None) -> int:
    """Encode the paragraphs of the two articles (or of every article) that the cache lacks."""
    from tuireader.core.workspace import Workspace

    args = sys.argv[1:] if argv is None else argv
    if len(args) not in (2, 3) or (len(args) == 2 and args[1] != ALL):
        print(
            "usage: python -m tuireader.app.compare.meaning_job WORKSPACE (ID1 ID2 | --all)",
            file=sys.stderr,
        )
        return 2
    workspace = Workspace.open(Path(args[0]))
    if args[1:] == [ALL]:
        return _fill_workspace(workspace)
    return _fill_pair(workspace, args[1:])


def _fill_pair(workspace: Workspace, article_ids: list[str]) -> int:
    from tuireader.core.compare.align import comparison_meaning
    from tuireader.core.compare.meaning import Encoder, MeaningUnavailable

    articles = [workspace.articles[article_id] for article_id in article_ids]
    try:
        comparison_meaning(workspace, articles, Encoder())
    except MeaningUnavailable as error:
        emit(done=True, problem=str(error))
        return 0
    emit(done=True)
    return 0


def _fill_workspace(workspace: Workspace) -> int:
    from tuireader.core.compare.align import comparison_passages
    from tuireader.core.compare.meaning import (
        Encoder,
        MeaningUnavailable,
        VectorStore,
        fill_store,
        missing_passages,
    )

    with contextlib.suppress(OSError):  # not allowed here: run at the usual priority
        os.nice(BACKGROUND_NICENESS)
    store = VectorStore.for_workspace(workspace)
    passages = comparison_passages(*workspace.articles.values())
    missing = missing_passages(store, passages)
    emit(progress=[0, len(missing)])
    problems: list[str] = []
    if missing:
        try:
            problems = fill_store(
                store, missing, Encoder(), lambda done, total: emit(progress=[done, total])
            )
        except MeaningUnavailable as error:
            emit(done=True, problem=str(error))
            return 0
    if problems:
        emit(done=True, problem="; ".join(problems))
        return 0
    emit(done=True, encoded=len(missing), paragraphs=len(passages))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
