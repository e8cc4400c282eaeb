"""The CLI's output layer: nothing a subcommand prints can drive the terminal or fail to encode.

Article text, catalog fields, notes and file names are data written by someone else. Printed
raw, an escape sequence in them could set the clipboard (OSC 52), the window title (OSC 0) or
clear the screen (CSI, also as the single C1 character U+009B). And a stdout that cannot
encode a character (`PYTHONIOENCODING=ascii`, `LC_ALL=C PYTHONUTF8=0`, latin-1) must not turn a
listing into a UnicodeEncodeError traceback.

The rules, each in one place here:

- `escape_controls`: every C0 control but tab and newline, DEL and every C1 control is shown
  as the visible escape `\\u001b` (a carriage return too, unless it ends a CRLF line). This form
  is also a valid JSON and YAML escape, so JSON or YAML text passing through keeps its meaning.
- `one_line`: a value inside a row (an id or a file name) also has its newlines and tabs
  shown as `\\n` and `\\t`, so it cannot split the row.
- `json_text`: JSON with those controls escaped too (json.dumps leaves DEL and C1 raw).
- Characters the stream's encoding cannot carry are written as `\\uXXXX` escapes
  (backslashreplace, in the JSON-compatible `\\u` form so `--json` stays parseable).

`guarded_output()` installs all of it over sys.stdout and sys.stderr for one subcommand, so
every print goes through it, including modules that never heard of it. The app is not run
inside it: Textual writes its own escape sequences.
"""

from __future__ import annotations

import codecs
import json
import re
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO, cast

# C0 controls except tab (\x09) and newline (\x0a), DEL, the C1 range, and a carriage return
# not followed by a newline (alone it moves back over what was printed and can hide it;
# in CRLF it only ends a line, as in an export of a file with Windows line endings).
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|\r(?!\n)")
# The same set with every CR: a plain character class, four times faster to rule text out
# (60 ms for 5 MB), which is the common case.
_MAYBE_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# What may split a row besides the controls above.
_ROW_BREAKS = str.maketrans({"\n": "\\n", "\t": "\\t", "\r": "\\r"})

ERROR_HANDLER = "tuireader.uescape"
"""The codec error handler the guarded streams use for characters their encoding lacks."""


def _u_escape(char: str) -> str:
    """`\\uXXXX` for one character (astral ones as a UTF-16 surrogate pair, as JSON has it)."""
    code = ord(char)
    if code > 0xFFFF:
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def escape_controls(text: str) -> str:
    """Text with every terminal control character shown as a visible `\\u00XX` escape; tab,
    newline and the CR of a CRLF are kept, everything else printable is left alone."""
    if _MAYBE_CONTROLS.search(text) is None:
        return text
    return _CONTROLS.sub(lambda match: _u_escape(match.group()), text)


def one_line(text: str) -> str:
    """A value that must stay inside its row (an id, a file name, a catalog field): newline,
    tab and carriage return shown as `\\n`, `\\t`, `\\r`, other controls escaped as above."""
    return escape_controls(text.translate(_ROW_BREAKS))


def json_text(data: Any) -> str:
    """`data` as indented JSON with no raw control character in it: json.dumps escapes C0
    controls itself; DEL and C1 (which JSON allows raw, and which a terminal obeys) are
    escaped here, inside strings, which is the only place they can be."""
    return escape_controls(json.dumps(data, indent=2, ensure_ascii=False))


def _uescape_errors(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: the characters the encoding cannot carry, as `\\uXXXX`."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    bad = error.object[error.start : error.end]
    return "".join(_u_escape(char) for char in bad), error.end


codecs.register_error(ERROR_HANDLER, _uescape_errors)


class SafeStream:
    """A text stream standing in for sys.stdout or sys.stderr while a subcommand runs: every
    write has its control characters escaped before it reaches the real stream (whose
    encoding errors `guarded_output` has set to `\\uXXXX` escaping)."""

    def __init__(self, raw: TextIO) -> None:
        self.raw = raw
        """The real stream, for the CLI's own styling (see `print_styled`)."""

    def write(self, text: str) -> int:
        """Write text with its controls escaped; returns the length given, as print expects."""
        self.raw.write(escape_controls(text))
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        """Write each line (escaped) in turn."""
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        """Flush the real stream."""
        self.raw.flush()

    def isatty(self) -> bool:
        """Whether the real stream is a terminal (search and rich ask)."""
        return self.raw.isatty()

    def __getattr__(self, name: str) -> Any:
        # encoding, fileno, buffer, closed...: whatever else a caller asks of a stream is the
        # real stream's. Bytes written to `buffer` skip this layer; write text instead.
        return getattr(self.raw, name)


def unguarded(stream: TextIO) -> TextIO:
    """The real stream under a SafeStream (or the stream itself): only for text the CLI
    writes itself, such as rich's progress bar, never for data."""
    return stream.raw if isinstance(stream, SafeStream) else stream


def print_styled(text: str) -> None:
    """Print a line carrying the CLI's own terminal styling (bold search matches) to stdout.
    The caller must have passed every piece of data in it through `escape_controls`."""
    stream = unguarded(sys.stdout)
    stream.write(text + "\n")


def _set_errors(stream: TextIO, errors: str) -> str | None:
    """Set the stream's encoding error handler; the one it had, or None when it has no
    setting to change (a StringIO, which takes any character)."""
    reconfigure = getattr(stream, "reconfigure", None)
    previous = getattr(stream, "errors", None)
    if reconfigure is None or previous is None:
        return None
    try:
        reconfigure(errors=errors)
    except (OSError, ValueError):
        # A closed or broken stream (a reader that went away): nothing more will reach it.
        return None
    return str(previous)


@contextmanager
def guarded_output() -> Iterator[None]:
    """Run a subcommand with sys.stdout and sys.stderr behind this layer (controls escaped,
    unencodable characters escaped); the streams are put back as they were afterwards."""
    saved = {name: getattr(sys, name) for name in ("stdout", "stderr")}
    errors = {name: _set_errors(stream, ERROR_HANDLER) for name, stream in saved.items()}
    # Typed as TextIO: a SafeStream does what print, argparse and json ask of a text stream.
    sys.stdout = cast(TextIO, SafeStream(saved["stdout"]))
    sys.stderr = cast(TextIO, SafeStream(saved["stderr"]))
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved["stdout"], saved["stderr"]
        for name, stream in saved.items():
            previous = errors[name]
            if previous is not None:
                _set_errors(stream, previous)
