"""The CLI output layer (issue 17 items 7, 11 and the newline-in-file-name row of 12).

Escape sequences in an article's text, in catalog fields, in a note or in a file name never
reach the terminal raw (OSC 52 sets the clipboard, OSC 0 the window title, CSI and the single
C1 character U+009B move the cursor or clear the screen); `--json` never carries a raw
control either; and any stdout encoding works (ascii, latin-1, the C locale) instead of a
UnicodeEncodeError traceback. The commands run for real, in a child process with that
encoding.
"""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuireader.cli import main
from tuireader.cli.output import (
    ERROR_HANDLER,
    SafeStream,
    escape_controls,
    json_text,
    one_line,
)

OSC52 = "\x1b]52;c;ZXZpbA==\x07"  # writes "evil" to the user's clipboard
OSC0 = "\x1b]0;pwned\x07"  # sets the window title
CSI = "\x1b[2J\x1b[31m"  # clears the screen, turns the text red
C1_CSI = "\x9b31m"  # the same CSI as one C1 character

ARTICLE = (
    f"Camps {OSC52}title{OSC0} here{CSI}{C1_CSI} — naïve\n\n"
    f"The camps {OSC52} were{C1_CSI} large — “quoted” café.\n\n"
    "More text about camps and people.\n\n"
    + "A plain sentence about the camps and the region. " * 20
    + "\n"
)
CATALOG = {
    "articles": {
        "evil": {
            "title": f"Evil {OSC0}title{C1_CSI} — déjà",
            "authors": [f"Mal {OSC52}lory"],
            "container": f"The {CSI}Paper\x7f",
            "issued": "2020-01-02",
            "url": f"https://example.org/{OSC52}",
            "type": "article-journal",
        }
    }
}
NOTE = f"note {OSC52} evil {C1_CSI} — é"
TAG = "t\x1b[5m"
NEWLINE_NAME = "nl\nname"

# The encodings a user's terminal or pipe may have: (id, environment changes).
ENCODINGS = {
    "utf-8": {"PYTHONIOENCODING": "utf-8"},
    "ascii": {"PYTHONIOENCODING": "ascii"},
    "latin-1": {"PYTHONIOENCODING": "latin-1"},
    "c-locale": {"LC_ALL": "C", "PYTHONUTF8": "0"},
}
# Human-readable commands (export through its default output, stdout, and through `-o -`).
TEXT_COMMANDS = [
    ["list"],
    ["show", "evil"],
    ["show", "evil", "--paragraphs"],
    ["search", "camps"],
    ["cite", "evil"],
    ["annotations"],
    ["check"],
    ["export", "--format", "text"],
    ["export", "--format", "bibtex"],
    ["export", "--format", "ris"],
    ["export", "--format", "md"],
    ["export", "--format", "text", "-o", "-"],
    ["export", "--format", "ris", "-o", "-"],
]
JSON_COMMANDS = [
    ["list", "--json"],
    ["show", "evil", "--json"],
    ["search", "camps", "--json"],
    ["cite", "evil", "--json"],
    ["annotations", "--json"],
    ["check", "--json"],
    ["export", "--format", "csl-json"],
]
# Item 7 of the issue: the commands that died with UnicodeEncodeError.
ITEM_7 = [["show", "evil"], ["search", "camps"], ["annotations"], ["export", "--format", "text"]]
ITEM_7 += [["list"]]


def _is_raw_control(char: str) -> bool:
    """A character a terminal acts on: C0 but tab/newline, DEL, C1."""
    code = ord(char)
    return (code < 0x20 and char not in "\n\t") or 0x7F <= code <= 0x9F


def raw_controls(text: str) -> list[str]:
    """The raw control characters in decoded output (a CR ending a CRLF line is fine)."""
    text = text.replace("\r\n", "\n")
    return sorted({char for char in text if _is_raw_control(char)})


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace whose article text, catalog, a note, a tag and a file name carry escape
    sequences (OSC 52, OSC 0, CSI, raw U+009B, DEL), with its search index built."""
    import yaml

    from tuireader.core.annotations.anchoring import find_quote
    from tuireader.core.annotations.model import new_annotation
    from tuireader.core.annotations.store import AnnotationStore
    from tuireader.core.workspace import Workspace

    root = tmp_path_factory.mktemp("hostile")
    seeds = root / "seeds"
    seeds.mkdir()
    (seeds / "evil.txt").write_text(ARTICLE, encoding="utf-8")
    (seeds / f"{NEWLINE_NAME}.txt").write_text(
        "Newline name article\n\nText about camps here.\n", encoding="utf-8"
    )
    (seeds / "catalog.yaml").write_text(
        yaml.safe_dump(CATALOG, allow_unicode=True), encoding="utf-8"
    )
    workspace = Workspace.open(root)
    article = workspace.article("evil")
    start, end = find_quote(article.text, "More text about camps")[0]
    annotation = new_annotation(article, start, end, note=NOTE, tags=[TAG])
    AnnotationStore(workspace.annotations_dir).add(annotation)
    workspace.reindex()
    return root


def run_cli(
    root: Path, args: list[str], encoding: str = "utf-8"
) -> subprocess.CompletedProcess[bytes]:
    """Run the real `tuireader` command on the workspace with a stdout/stderr encoding from
    ENCODINGS; the output is kept as bytes, to be decoded as that encoding. It runs in the
    workspace folder, so a stray output file could never land in the repository."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTHONIOENCODING", "PYTHONUTF8", "LC_ALL", "LC_CTYPE", "LANG")
    }
    env |= ENCODINGS[encoding]
    return subprocess.run(
        [sys.executable, "-m", "tuireader", "--workspace", str(root), *args],
        capture_output=True,
        env=env,
        cwd=root if root.is_dir() else root.parent,
        timeout=120,
        check=False,
    )


def _codec(encoding: str) -> str:
    return "ascii" if encoding == "c-locale" else encoding


def check_clean(result: subprocess.CompletedProcess[bytes], encoding: str) -> tuple[str, str]:
    """Assert a clean run: exit 0, no traceback, output decodable as its encoding and free
    of raw controls; the decoded stdout and stderr."""
    # strict decoding: a stray byte the encoding does not have would fail here.
    out = result.stdout.decode(_codec(encoding))
    err = result.stderr.decode(_codec(encoding))
    assert result.returncode == 0, err
    assert "Traceback" not in err and "Error" not in err, err
    assert raw_controls(out) == [] and raw_controls(err) == []
    return out, err


@pytest.mark.parametrize("args", TEXT_COMMANDS, ids=" ".join)
def test_text_output_has_no_raw_control_in_latin_1(hostile: Path, args: list[str]) -> None:
    """latin-1 is the strictest check: it would write U+009B as the single byte 0x9B, the C1
    CSI a terminal obeys, and it cannot encode — or “ ”."""
    out, _ = check_clean(run_cli(hostile, args, "latin-1"), "latin-1")
    assert out.strip()
    if args[0] in ("show", "cite", "export"):
        # What was escaped is still visible (OSC 52 in the author or the text)...
        assert "\\u001b]52;c;ZXZpbA==\\u0007" in out
        # ...latin-1's own accents come through as they are, and "—", which it lacks, as
        # an escape.
        assert "é" in out and "\\u2014" in out


@pytest.mark.slow
@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
def test_every_command_in_every_encoding(hostile: Path, encoding: str) -> None:
    """The whole matrix (about 80 runs, a minute): every command, text and JSON, under
    every encoding."""
    for args in TEXT_COMMANDS + JSON_COMMANDS:
        out, _ = check_clean(run_cli(hostile, args, encoding), encoding)
        if "--json" in args or "csl-json" in args:
            json.loads(out)


@pytest.mark.parametrize("args", ITEM_7, ids=" ".join)
@pytest.mark.parametrize("encoding", ["ascii", "c-locale"])
def test_item_7_commands_survive_ascii_stdout(
    hostile: Path, args: list[str], encoding: str
) -> None:
    out, _ = check_clean(run_cli(hostile, args, encoding), encoding)
    assert out.isascii() and out.strip()


@pytest.mark.parametrize("args", JSON_COMMANDS, ids=" ".join)
def test_json_output_parses_and_carries_no_raw_control(hostile: Path, args: list[str]) -> None:
    for encoding in ("utf-8", "latin-1"):
        out, _ = check_clean(run_cli(hostile, args, encoding), encoding)
        assert json.loads(out) is not None


def test_json_keeps_the_exact_values(hostile: Path) -> None:
    """Escaped, not stripped: a script reading --json gets the catalog fields as written."""
    result = run_cli(hostile, ["show", "evil", "--json"], "ascii")
    out, _ = check_clean(result, "ascii")
    data = json.loads(out)
    assert data["title"] == CATALOG["articles"]["evil"]["title"]
    assert OSC52 in data["paragraphs"][0]["text"] and C1_CSI in data["paragraphs"][1]["text"]
    annotations = json.loads(check_clean(run_cli(hostile, ["annotations", "--json"]), "utf-8")[0])
    assert [a["note"] for a in annotations] == [NOTE] and annotations[0]["tags"] == [TAG]


def test_utf_8_output_keeps_non_ascii_and_escapes_c1(hostile: Path) -> None:
    """Under UTF-8 the accents and dashes come through as they are; U+009B does not."""
    out, _ = check_clean(run_cli(hostile, ["export", "--format", "bibtex"]), "utf-8")
    assert "Evil \\u001b]0;pwned\\u0007title\\u009b31m — déjà" in out
    out, _ = check_clean(run_cli(hostile, ["export", "--format", "csl-json"]), "utf-8")
    records = json.loads(out)
    assert records[0]["title"] == CATALOG["articles"]["evil"]["title"]


def test_a_newline_in_a_file_name_stays_in_its_list_row(hostile: Path) -> None:
    out, _ = check_clean(run_cli(hostile, ["list"]), "utf-8")
    rows = out.splitlines()
    assert len(rows) == 2
    assert any(row.startswith("nl\\nname  ") and "Newline name article" in row for row in rows)
    out, _ = check_clean(run_cli(hostile, ["search", "Newline"]), "utf-8")
    assert "[nl\\nname ¶" in out


def test_bad_arguments_and_workspace_paths_are_escaped(hostile: Path) -> None:
    """argparse echoes unknown arguments, and an error names the workspace path: both are
    user input that must not reach the terminal raw either."""
    result = run_cli(hostile, ["list", OSC0])
    err = result.stderr.decode()
    assert result.returncode == 2 and "\\u001b]0;pwned\\u0007" in err
    assert raw_controls(err) == []
    result = run_cli(hostile / f"x{OSC52}", ["list"], "latin-1")
    err = result.stderr.decode("latin-1")
    assert result.returncode == 2 and "\\u001b]52;c;ZXZpbA==\\u0007 does not exist" in err
    assert raw_controls(err) == [] and "Traceback" not in err


def _read_pty(master: int, process: subprocess.Popen[bytes], timeout: float) -> bytes:
    """Everything the child writes to the terminal until it exits (no fixed sleeps: wait on
    the descriptor, stop at end of file)."""
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 1.0)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        elif process.poll() is not None:
            break
    return b"".join(chunks)


def test_search_on_a_terminal_keeps_its_bold_and_escapes_the_data(hostile: Path) -> None:
    """The CLI's own styling (bold matches on a terminal) still reaches it; the escape
    sequences of the data do not."""
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONIOENCODING"}
    process = subprocess.Popen(
        [sys.executable, "-m", "tuireader", "--workspace", str(hostile), "search", "camps"],
        stdout=slave,
        stderr=subprocess.PIPE,
        env=env,
        cwd=hostile,
    )
    os.close(slave)
    try:
        out = _read_pty(master, process, timeout=120).decode("utf-8")
        process.wait(timeout=60)
    finally:
        os.close(master)
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0
    assert "\x1b[1mcamps\x1b[0m" in out
    # Take our own codes out: nothing else may drive the terminal.
    rest = out.replace("\x1b[1m", "").replace("\x1b[0m", "")
    assert raw_controls(rest) == []
    assert "\\u001b]0;pwned\\u0007" in rest


def test_main_puts_the_streams_back(hostile: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """In-process callers (tests, notebooks) get their own sys.stdout back after main()."""
    before = sys.stdout, sys.stderr, sys.stdout.errors
    assert main(["--workspace", str(hostile), "show", "evil"]) == 0
    assert (sys.stdout, sys.stderr, sys.stdout.errors) == before
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\\u001b]52;c;ZXZpbA==\\u0007" in out


def test_the_app_opens_outside_the_layer(hostile: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Textual writes its own escape sequences: with no subcommand, the app gets the real
    streams, not the escaping ones."""
    import tuireader.app.run

    seen: list[object] = []

    def fake_run_app(workspace: object) -> int:
        seen.extend([sys.stdout, sys.stderr])
        return 0

    monkeypatch.setattr(tuireader.app.run, "run_app", fake_run_app)
    assert main(["--workspace", str(hostile)]) == 0
    assert seen and not any(isinstance(stream, SafeStream) for stream in seen)


# The rules themselves, over any text.


@given(st.text())
def test_escape_controls_leaves_no_control(text: str) -> None:
    assert raw_controls(escape_controls(text)) == []


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs"))))
def test_escape_controls_leaves_other_text_alone(text: str) -> None:
    assert escape_controls(text) == text


@given(st.text())
def test_one_line_never_breaks_a_row(text: str) -> None:
    shown = one_line(text)
    assert "\n" not in shown and "\t" not in shown and raw_controls(shown) == []


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=20,
)


@given(json_values)
def test_json_text_round_trips_without_raw_controls(value: object) -> None:
    text = json_text(value)
    assert raw_controls(text) == [] and json.loads(text) == value


@given(json_values)
def test_json_through_the_layer_keeps_its_meaning(value: object) -> None:
    """A JSON export written to stdout (`export --format csl-json`) passes through
    escape_controls: the \\u escapes it adds are JSON's own, so the document means the same."""
    assert json.loads(escape_controls(json.dumps(value, ensure_ascii=False))) == value


# Low surrogates alone are what surrogateescape makes of an undecodable byte in a file name.
_ANY_TEXT = st.text(st.characters() | st.characters(min_codepoint=0xDC80, max_codepoint=0xDCFF))


@given(_ANY_TEXT, st.sampled_from(["ascii", "latin-1", "utf-8"]))
def test_unencodable_characters_become_json_escapes(text: str, encoding: str) -> None:
    """What the encoding lacks (lone surrogates from undecodable file names included)
    becomes a \\uXXXX escape that JSON reads back as the same character."""
    encoded = json.dumps(text, ensure_ascii=False).encode(encoding, ERROR_HANDLER)
    assert json.loads(encoded.decode(encoding)) == text
