"""Entity extraction as a child process of the app: `python -m tuireader.app.entities.job ROOT`.

The app's index worker starts this once the search index is current and some article has no
cached entities (`AppEntities.update`). Running spaCy here rather than in a thread of the app
keeps the app responsive: model loading and NER hold Python's GIL for long stretches, which in
a thread made the UI stutter and batch key presses (measured: two quick enters both landing in
the search box). It also lets a quit stop the work at once (the child is killed), lets large
jobs use two NER processes (forking is unsafe from a threaded app), and means the app process
never imports spaCy at all.

Output, one JSON object per line on stdout: {"progress": [done, total]} per article,
{"article": id} once an article the app has open (`want_first`, read between articles) is
in the cache, then {"done": true, "problems": [...], "missing": n}. The results themselves
go to the entity cache in the workspace, which the app then reads with
`EntityIndex.load_cached`. No Textual import here.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tuireader.core.child_job import emit


def main(argv: list[str] | None = None) -> int:
    """Bring the entity cache of the workspace at argv[0] up to date, the articles open in
    the app first."""
    from tuireader.core.entities.extract import ModelUnavailable, load_ner
    from tuireader.core.entities.index import EntityIndex, extract_first, wanted_articles
    from tuireader.core.settings import Settings
    from tuireader.core.workspace import Workspace

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m tuireader.app.entities.job WORKSPACE", file=sys.stderr)
        return 2
    workspace = Workspace.open(Path(args[0]))

    head = [0]  # articles the model ran on before the build: counted in its progress

    def progress(done: int, total: int, _article_id: str) -> None:
        emit(progress=[done + head[0], total + head[0]])

    def ready(article_id: str) -> None:
        emit(article=article_id)

    # The app starts this job only when some article lacks NER results: the model is
    # needed, and loading it first lets an article opened meanwhile go through at once,
    # before the thousands of other files are read.
    model = Settings.load().spacy_model
    try:
        nlp = load_ner(model)
    except ModelUnavailable:
        nlp = None  # the build says why, as it does without this head start
    first = wanted_articles(workspace)
    done_first: set[str] = set()
    if nlp is not None:
        found, head[0] = extract_first(workspace, nlp, first(), model)
        if head[0]:
            emit(progress=[head[0], 0])  # the total is known once the articles are read
        for article_id in found:
            done_first.add(article_id)
            ready(article_id)
    index = EntityIndex.build(
        workspace,
        progress,
        nlp=nlp,
        model=model,
        first=lambda: first() - done_first,
        ready=ready,
    )
    emit(done=True, problems=list(index.problems), missing=len(index.missing))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
