"""Copying text to the user's clipboard from the app, over SSH and inside tmux.

The app cannot know whether a copy arrived: OSC 52 is acted on (or silently ignored) by the
terminal on the user's desk. So every copy does two things and says so:

1. unless the text is too long for OSC 52 or the user chose `clipboard: file`, the OSC 52
   sequence is written through Textual's driver: the plain one (which tmux takes into its
   own buffer, and forwards, when `set-clipboard on`) and, inside tmux or GNU screen, also
   the wrapped one from `tuireader.core.export.clipboard` (which reaches the outer terminal when
   tmux has `allow-passthrough on`);
2. the text is always saved to a file as well (`<workspace>/exports/clipboard.txt`, or the
   config dir when the workspace is not writable), so nothing is lost when the terminal
   blocks OSC 52.

The slow parts (the file, asking tmux about its options) are `prepare_copy`, safe to run
in a thread; `deliver_copy` writes to the terminal and must run on the UI thread.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from textual.notifications import SeverityLevel

from tuireader.core.export import clipboard as core_clipboard
from tuireader.core.export.plan import EXPORTS_FOLDER, shown_path
from tuireader.core.settings import Settings, config_dir

if TYPE_CHECKING:
    from textual.app import App

ClipboardMode = Literal["osc52", "file"]
CLIPBOARD_MODES: tuple[ClipboardMode, ...] = ("osc52", "file")
CLIPBOARD_FILE = "clipboard.txt"
"""Name of the file every copy is also saved to."""
TMUX_QUERY_TIMEOUT = 1.0
"""Seconds to wait for `tmux show-options` before giving up on a hint."""

# Copied text goes into documents and terminals: no control characters but line breaks.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_for_clipboard(text: str) -> str:
    """`text` without terminal control characters (tabs become spaces, CR LF becomes LF)."""
    text = text.replace("\r\n", "\n").replace("\t", " ")
    return _CONTROL.sub("", text)


def clipboard_mode(settings: Settings) -> tuple[ClipboardMode, str | None]:
    """The `clipboard:` setting ("osc52", the default, or "file": never write OSC 52), and a
    problem message when the value is not one of those."""
    value = settings.clipboard
    if not value:
        return "osc52", None
    text = str(value).strip().lower()
    for mode in CLIPBOARD_MODES:
        if text == mode:
            return mode, None
    return "osc52", f"clipboard: {value!r} in settings.yaml is not osc52 or file; using osc52"


def fallback_paths(workspace_root: Path) -> list[Path]:
    """Where the copy is saved, in order of preference."""
    return [workspace_root / EXPORTS_FOLDER / CLIPBOARD_FILE, config_dir() / CLIPBOARD_FILE]


def osc52_sequences(text: str, env: Mapping[str, str]) -> list[str]:
    """The sequences to write for `text`: the plain OSC 52 one, and inside tmux or GNU
    screen also the wrapped one (each reaches the terminal under different settings).
    Raises core ClipboardTooLarge."""
    plain = core_clipboard.osc52_sequence(text, env={})
    wrapped = core_clipboard.osc52_sequence(text, env=env)
    return [plain] if wrapped == plain else [plain, wrapped]


TMUX_KEEPS = "tmux keeps a copy"
"""tmux_hint: set-clipboard on (tmux takes the text into its buffer and passes it on)."""
TMUX_PASSES = "passed through tmux"
"""tmux_hint: allow-passthrough on (the wrapped sequence reaches the terminal)."""
TMUX_DROPS = "tmux drops OSC 52 here"
"""tmux_hint prefix: neither option is on, so the text never leaves tmux."""


def tmux_hint(env: Mapping[str, str]) -> str | None:
    """Inside tmux, what tmux does with OSC 52 given its options (TMUX_KEEPS, TMUX_PASSES or
    a sentence starting with TMUX_DROPS); None outside tmux or when tmux cannot be asked.
    Runs `tmux show-options` (a few ms): call it from a thread."""
    if not env.get("TMUX"):
        return None
    import subprocess

    def option(*args: str) -> str | None:
        try:
            result = subprocess.run(
                ["tmux", "show-options", *args],
                capture_output=True,
                text=True,
                timeout=TMUX_QUERY_TIMEOUT,
                env=dict(env),
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return result.stdout.strip() if result.returncode == 0 else None

    set_clipboard = option("-sv", "set-clipboard")
    passthrough = option("-Apv", "allow-passthrough")
    if set_clipboard is None and passthrough is None:
        return None
    if set_clipboard == "on":
        return TMUX_KEEPS
    if passthrough in ("on", "all"):
        return TMUX_PASSES
    return (
        f"{TMUX_DROPS} (set-clipboard {set_clipboard or '?'}): "
        "add `set -g set-clipboard on` to ~/.tmux.conf"
    )


@dataclass
class CopyPlan:
    """What a copy will do, worked out off the UI thread (file written, tmux asked)."""

    what: str
    """What is copied, for the notification ("citation", "reference")."""
    text: str
    """The text (already cleaned)."""
    mode: ClipboardMode
    """The user's clipboard setting."""
    sequences: list[str]
    """OSC 52 sequences to write ([] when the text is too long or the mode is "file")."""
    too_large: bool = False
    """Whether the text is too long for OSC 52."""
    file: Path | None = None
    """Where the text was saved."""
    file_error: str | None = None
    """Why it could not be saved anywhere."""
    hint: str | None = None
    """What tmux does with OSC 52, when inside tmux."""
    problem: str | None = None
    """A problem with the clipboard setting."""


def prepare_copy(
    what: str,
    text: str,
    workspace_root: Path,
    settings: Settings,
    env: Mapping[str, str] | None = None,
    fallbacks: Sequence[Path] | None = None,
) -> CopyPlan:
    """Save `text` to the fallback file and work out the OSC 52 sequences (thread-safe: does
    not touch the UI)."""
    environment = dict(os.environ if env is None else env)
    text = clean_for_clipboard(text)
    mode, problem = clipboard_mode(settings)
    plan = CopyPlan(what, text, mode, [], problem=problem)
    if mode == "osc52":
        try:
            plan.sequences = osc52_sequences(text, environment)
        except core_clipboard.ClipboardTooLarge:
            plan.too_large = True
        else:
            plan.hint = tmux_hint(environment)
    errors: list[str] = []
    for path in fallbacks if fallbacks is not None else fallback_paths(workspace_root):
        try:
            plan.file = core_clipboard.write_fallback(path, text)
            break
        except OSError as error:
            errors.append(f"{path}: {error.strerror or error}")
    if plan.file is None:
        plan.file_error = "; ".join(errors) or "no place to save it"
    return plan


def write_to_terminal(app: App[Any], plan: CopyPlan) -> bool:
    """Write the plan's OSC 52 sequences through the app's driver (UI thread only); whether
    anything was written."""
    if not plan.sequences:
        return False
    # The public call sets Textual's own clipboard (paste into inputs) and writes the plain
    # sequence; the wrapped one (tmux/screen) has no public API, so it goes to the driver.
    app.copy_to_clipboard(plan.text)
    driver = app._driver
    if driver is None:
        return False
    for sequence in plan.sequences[1:]:
        driver.write(sequence)
    return True


def report(plan: CopyPlan, sent: bool) -> tuple[str, SeverityLevel]:
    """The notification for a copy: exactly what happened, and its severity."""
    saved = f"saved to {shown_path(plan.file)}" if plan.file else ""
    what = plan.what
    if sent:
        dropped = bool(plan.hint and plan.hint.startswith(TMUX_DROPS))
        how = f"OSC 52, {plan.hint}" if plan.hint and not dropped else "OSC 52"
        message = f"Copied the {what} to the clipboard ({how})"
        message += " — if nothing arrived, your terminal blocks OSC 52"
        message += f"; also {saved}." if saved else "."
        severity: SeverityLevel = "information"
        if dropped and plan.hint:
            message = f"Sent the {what} as OSC 52, but {plan.hint}."
            message += f" Also {saved}." if saved else ""
            severity = "warning"
    elif plan.too_large:
        size = len(plan.text.encode("utf-8")) // 1000
        message = f"The {what} is too long for the terminal clipboard ({size} kB)"
        message += f"; {saved}." if saved else "."
        severity = "warning"
    elif plan.mode == "file":
        message = f"The {what} is {saved} (clipboard: file in settings)." if saved else ""
        severity = "information"
    else:
        message = f"The {what} could not be sent to the terminal"
        message += f"; {saved}." if saved else "."
        severity = "warning"
    if plan.file is None:
        message = (message + " " if message else "") + (
            f"Could not save the {what} to a file: {plan.file_error}."
        )
        severity = "warning" if sent else "error"
    if plan.problem:
        message += f" ({plan.problem})"
    return message, severity
