"""SVG snapshots of the export dialog at 80x24 and 120x40, over the library of the bundled
articles with two annotations.

Annotation ids are fixed and the destination is typed relative to the workspace, so the
pictures do not depend on tmp paths; the style file named in the Markdown front matter is
shown by name (its absolute path is the machine's). Update with
`pytest tests/test_app_export_snapshots.py --snapshot-update` and look at the report.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from app_harness import wait_for_preview, wait_until_ready

from tuireader.app.app import TuiReaderApp
from tuireader.core.annotations.model import new_annotation
from tuireader.core.annotations.store import AnnotationStore
from tuireader.core.export import plan as export_plan
from tuireader.core.workspace import Workspace

BUNDLED_SEEDS = Path(__file__).resolve().parents[1] / "seeds"
SIZES = [(80, 24), (120, 40)]
QUOTES = [
    ("000_55308b7769cb3055", "an estimated 1 million people", "HRW figure", "a1a1a1a1a1a1a1a1"),
    ("001_e417b657d421601d", "offers little support", "government", "b2b2b2b2b2b2b2b2"),
]


@pytest.fixture(autouse=True)
def _stable(tmp_path, monkeypatch):
    monkeypatch.setenv("TUIREADER_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setattr(
        export_plan,
        "csl_file",
        lambda request: f"{request.style}.csl" if request.fmt == "md" and request.style else None,
    )


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    path = tmp_path_factory.mktemp("export-snapshots")
    shutil.copytree(BUNDLED_SEEDS, path / "seeds")
    workspace = Workspace.open(path)
    store = AnnotationStore(workspace.annotations_dir)
    for article_id, quote, note, annotation_id in QUOTES:
        article = workspace.article(article_id)
        start = article.text.index(quote)
        made = new_annotation(article, start, start + len(quote), note=note, tags=["figures"])
        store.add(dataclasses.replace(made, id=annotation_id))
    return path


def make_app(root: Path) -> TuiReaderApp:
    return TuiReaderApp(Workspace.open(root), check_index=False, restore=False)


async def open_dialog(pilot) -> None:
    app = await wait_until_ready(pilot, index=False)
    await pilot.press("x")
    await pilot.pause()
    app.screen.query_one("#destination").value = "exports/annotations.md"
    await pilot.pause()
    await wait_for_preview(pilot)
    await app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_export_dialog(snap_compare, root, size):
    assert snap_compare(make_app(root), terminal_size=size, run_before=open_dialog)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_export_dialog_text_in_mla(snap_compare, root, size):
    async def text_in_mla(pilot) -> None:
        await open_dialog(pilot)
        await pilot.press("right", "right", "right", "right")  # to Text (the last)
        await pilot.press("tab", "tab", *"mla")  # scope → style filter
        await wait_for_preview(
            pilot,
            lambda dialog: (
                dialog.fmt == "text" and dialog.style_name == "modern-language-association"
            ),
        )
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(make_app(root), terminal_size=size, run_before=text_in_mla)
