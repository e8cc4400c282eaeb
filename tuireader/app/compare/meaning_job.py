"""Meaning vectors for a comparison, as a child process of the app:
`python -m tuireader.app.compare.meaning_job ROOT ID1 ID2`.

The compare screen starts this when the workspace's vector cache lacks paragraphs of the two
articles; it loads the sentence model (torch) here rather than in the app, for the reasons
given in child_job.py. Output, one JSON object per line: {"done": true} once the cache holds
every paragraph of both articles, or {"done": true, "problem": "…"} when the model cannot be
loaded. No Textual import here.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tuireader.core.child_job import emit


def main(argv: list[str] | None = None) -> int:
    """Encode the paragraphs of the two articles that the cache lacks."""
    from tuireader.core.compare.align import comparison_meaning
    from tuireader.core.compare.meaning import Encoder, MeaningUnavailable
    from tuireader.core.workspace import Workspace

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 3:
        print(
            "usage: python -m tuireader.app.compare.meaning_job WORKSPACE ID1 ID2", file=sys.stderr
        )
        return 2
    workspace = Workspace.open(Path(args[0]))
    articles = [workspace.articles[article_id] for article_id in args[1:]]
    try:
        comparison_meaning(workspace, articles, Encoder())
    except MeaningUnavailable as error:
        emit(done=True, problem=str(error))
        return 0
    emit(done=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
