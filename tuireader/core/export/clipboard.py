"""Copying text to the user's clipboard from a terminal app, including over SSH.

OSC 52 is an escape sequence the *terminal* (not the remote machine) acts on: the app
writes `ESC ] 52 ; c ; <base64> BEL` to its output and the terminal emulator on the user's
desk puts the text on its clipboard, so it works through SSH with nothing installed on
either side. Not every terminal allows it (xterm needs `allowWindowOps`, some cap the
size), and the app cannot know whether it worked, so callers should also offer
`write_fallback` and say which happened.

Inside tmux the sequence must be wrapped for passthrough (tmux ≥ 3.3 also needs
`set -g allow-passthrough on`; alternatively `set -g set-clipboard on` lets tmux take plain
OSC 52 itself). Inside GNU screen it is wrapped in DCS chunks. Nothing here writes to the
terminal: the app writes the returned string through its driver.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from pathlib import Path

from tuireader.core.fileio import atomic_write_text

# Bytes of text above which many terminals ignore or truncate OSC 52 (hterm and others
# stop near 100,000 base64 characters); longer text should go to the fallback file.
OSC52_MAX_BYTES = 74_994
# GNU screen drops DCS strings longer than this.
_SCREEN_CHUNK = 768

ESC = "\x1b"
BEL = "\x07"
ST = ESC + "\\"


class ClipboardTooLarge(ValueError):
    """Text too long to send safely through OSC 52; write it to a file instead."""


def osc52_fits(text: str) -> bool:
    """Whether `text` is short enough for OSC 52 on common terminals."""
    return len(text.encode("utf-8")) <= OSC52_MAX_BYTES


def osc52_sequence(text: str, env: Mapping[str, str] | None = None, selection: str = "c") -> str:
    """The escape sequence that asks the terminal to put `text` on its clipboard.

    `selection` is "c" (clipboard) or "p" (primary). Wrapped for tmux when $TMUX is set and
    for GNU screen when $STY is; `env` defaults to os.environ. Raises ClipboardTooLarge
    beyond OSC52_MAX_BYTES rather than sending what a terminal would cut.
    """
    if not osc52_fits(text):
        raise ClipboardTooLarge(
            f"{len(text.encode('utf-8'))} bytes is too much for the terminal clipboard "
            f"(limit {OSC52_MAX_BYTES})"
        )
    environment = os.environ if env is None else env
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    sequence = f"{ESC}]52;{selection};{payload}{BEL}"
    if environment.get("TMUX"):
        return tmux_passthrough(sequence)
    if environment.get("STY"):
        return screen_passthrough(sequence)
    return sequence


def tmux_passthrough(sequence: str) -> str:
    """Wrap a sequence so tmux passes it to the outer terminal (every ESC doubled)."""
    return f"{ESC}Ptmux;{sequence.replace(ESC, ESC + ESC)}{ST}"


def screen_passthrough(sequence: str) -> str:
    """Wrap a sequence so GNU screen passes it on, in DCS chunks screen accepts."""
    chunks = [sequence[i : i + _SCREEN_CHUNK] for i in range(0, len(sequence), _SCREEN_CHUNK)]
    return "".join(f"{ESC}P{chunk}{ST}" for chunk in chunks)


def write_fallback(path: Path, text: str) -> Path:
    """Write `text` to `path` (atomically, folders created) for when the clipboard cannot
    be reached; returns the absolute path to show in the notification."""
    target = Path(path).expanduser().resolve()
    atomic_write_text(target, text if text.endswith("\n") else text + "\n")
    return target
