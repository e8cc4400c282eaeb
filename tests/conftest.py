"""Shared fixtures: small workspaces on tmp_path and an isolated config dir."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tuireader.core import article_cache

REPO = Path(__file__).resolve().parent.parent
BUNDLED_SEEDS = REPO / "seeds"


@pytest.fixture(autouse=True)
def isolated_config(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Never read or write the real user's settings during tests."""
    folder = tmp_path_factory.mktemp("config")
    monkeypatch.setenv("TUIREADER_CONFIG_DIR", str(folder))
    monkeypatch.delenv("TUIREADER_WORKSPACE", raising=False)
    return folder


@pytest.fixture
def make_workspace(tmp_path: Path) -> Callable[..., Path]:
    """Create a workspace folder from {relative name: text or bytes}; returns its root."""

    def make(files: dict[str, str | bytes], catalog: str | None = None) -> Path:
        root = tmp_path / "ws"
        seeds = root / "seeds"
        seeds.mkdir(parents=True, exist_ok=True)
        for name, content in files.items():
            path = seeds / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        if catalog is not None:
            (seeds / "catalog.yaml").write_text(catalog, encoding="utf-8")
        return root

    return make


@pytest.fixture
def bundled_workspace(tmp_path: Path) -> Path:
    """A copy of the bundled five-article workspace (so tests may write indexes)."""
    root = tmp_path / "bundled"
    shutil.copytree(BUNDLED_SEEDS, root / "seeds")
    return root


@pytest.fixture(scope="session")
def bundled_meaning_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The meaning-vector cache of the bundled articles, computed once per test session with
    the real sentence model (about ten seconds), for tests that show comparisons."""
    from tuireader.core.compare.align import comparison_meaning
    from tuireader.core.compare.meaning import VECTOR_FILE, Encoder, VectorStore
    from tuireader.core.workspace import Workspace

    root = tmp_path_factory.mktemp("meaning")
    shutil.copytree(BUNDLED_SEEDS, root / "seeds")
    workspace = Workspace.open(root)
    comparison_meaning(workspace, list(workspace.articles.values()), Encoder())
    return VectorStore.for_workspace(workspace).folder / VECTOR_FILE


def install_meaning_cache(cache: Path, root: Path) -> None:
    """Copy a meaning cache (see bundled_meaning_cache) into the workspace at `root`."""
    from tuireader.core.compare.meaning import VECTOR_FILE

    folder = root / "indexes" / "meaning"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(cache, folder / VECTOR_FILE)


@pytest.fixture
def counted_reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every article file read from now on (through the article cache)."""
    reads: list[Path] = []
    real = article_cache.load_article

    def counting(path: Path, *args: Any, **kwargs: Any) -> Any:
        reads.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(article_cache, "load_article", counting)
    return reads
