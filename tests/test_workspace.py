"""Opening workspaces and looking up articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from tuireader.core.workspace import UnknownArticleError, Workspace, WorkspaceError


def test_open_uses_env_variable(bundled_workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUIREADER_WORKSPACE", str(bundled_workspace))
    assert Workspace.open().root == bundled_workspace.resolve()


def test_open_rejects_folder_without_seeds(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="no seeds/ folder"):
        Workspace.open(tmp_path)
    with pytest.raises(WorkspaceError, match="does not exist"):
        Workspace.open(tmp_path / "missing")


def test_unknown_id_names_close_ids(bundled_workspace: Path) -> None:
    workspace = Workspace.open(bundled_workspace)
    with pytest.raises(UnknownArticleError) as caught:
        workspace.article("003_8f6b")
    assert caught.value.suggestions == ["003_8f6b4f594c88725a"]
    with pytest.raises(UnknownArticleError) as caught:
        workspace.article("001_e417b657d421601x")
    assert "001_e417b657d421601d" in caught.value.suggestions
