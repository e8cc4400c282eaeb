"""OSC 52 clipboard sequences and the file fallback (tuireader.core.export.clipboard)."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest

from tuireader.core.export.clipboard import (
    OSC52_MAX_BYTES,
    ClipboardTooLarge,
    osc52_fits,
    osc52_sequence,
    write_fallback,
)

TEXT = "“In fact, it is a prison” (Putz, 2018, para. 8) — Сәуытбай 王 \x1b[31m"


def payload(sequence: str) -> str:
    """The text carried by a plain OSC 52 sequence."""
    match = re.fullmatch(r"\x1b\]52;c;([A-Za-z0-9+/=]*)\x07", sequence)
    assert match, repr(sequence)
    return base64.b64decode(match.group(1)).decode("utf-8")


def test_plain_sequence_round_trips() -> None:
    sequence = osc52_sequence(TEXT, env={})
    assert payload(sequence) == TEXT
    # Base64 keeps the article's control characters from reaching the terminal raw.
    assert sequence.count("\x1b") == 1


def test_tmux_wraps_for_passthrough() -> None:
    sequence = osc52_sequence(TEXT, env={"TMUX": "/tmp/tmux-1000/default,1,0"})
    assert sequence.startswith("\x1bPtmux;\x1b\x1b]52;c;")
    assert sequence.endswith("\x07\x1b\\")
    inner = sequence[len("\x1bPtmux;") : -2].replace("\x1b\x1b", "\x1b")
    assert payload(inner) == TEXT


def test_screen_wraps_in_chunks() -> None:
    text = "x" * 2000
    sequence = osc52_sequence(text, env={"STY": "1234.pts-0.host"})
    chunks = re.findall(r"\x1bP(.*?)\x1b\\", sequence, flags=re.DOTALL)
    assert len(chunks) > 1 and all(len(c) <= 768 for c in chunks)
    assert payload("".join(chunks)) == text


def test_primary_selection() -> None:
    assert osc52_sequence("a", env={}, selection="p").startswith("\x1b]52;p;")


def test_too_large_is_refused() -> None:
    big = "é" * (OSC52_MAX_BYTES // 2 + 1)
    assert not osc52_fits(big)
    with pytest.raises(ClipboardTooLarge):
        osc52_sequence(big, env={})
    assert osc52_fits("é" * (OSC52_MAX_BYTES // 2))


def test_write_fallback(tmp_path: Path) -> None:
    path = write_fallback(tmp_path / "new" / "clip.txt", TEXT)
    assert path.is_absolute() and path.read_text(encoding="utf-8") == TEXT + "\n"
    write_fallback(path, "second\n")
    assert path.read_text(encoding="utf-8") == "second\n"
