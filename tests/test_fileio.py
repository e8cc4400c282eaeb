"""Atomic writes keep permissions and leave no temp file behind."""

from __future__ import annotations

import os
from pathlib import Path

from tuireader.core.fileio import atomic_write_text


def test_new_file_gets_umask_default_and_old_mode_is_kept(tmp_path: Path) -> None:
    target = tmp_path / "notes.yaml"
    atomic_write_text(target, "one")
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask
    target.chmod(0o640)
    atomic_write_text(target, "two")
    assert target.read_text() == "two"
    assert target.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["notes.yaml"]
