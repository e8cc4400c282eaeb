"""Atomic writes keep permissions and leave no temp file behind."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tuireader.core import fileio
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


def test_a_long_file_name_is_cut_the_same_whatever_the_writers_pid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A killed writer's temp file is found by the cut name of the file it replaced: a later
    # process whose pid has another width must cut the same way (a flaky stale-file test).
    name = "z" * 240 + ".yaml"
    monkeypatch.setattr(os, "getpid", lambda: 7)
    written_as = fileio._temp_name_part(name)  # what the killed writer, pid 7, put in its name
    monkeypatch.setattr(os, "getpid", lambda: 4_194_303)
    left = tmp_path / f".{written_as}.7@{fileio._host()}.abcd1234.tmp"
    left.write_text("", encoding="utf-8")
    then = time.time() - 2 * fileio.STALE_TEMP_AGE
    os.utime(left, (then, then))
    monkeypatch.setattr(fileio, "_process_runs", lambda pid: False)
    assert fileio.remove_stale_temp_files(tmp_path, names=[name]) == [left]
    assert len(left.name.encode()) <= 255
