"""The `tuireader` command: subcommands over tuireader.core, `--json` everywhere.

Each subcommand lives in its own module here and exposes `register(subparsers)`, which adds
its parser and sets `handler=` to a function `(args, workspace) -> int`. With no subcommand
the app opens. Exit codes: 0 success, 2 user error (with a clear message, no traceback).
With `--json`, an error is also a JSON object on stdout, {"error": "...", "exit_code": 2}, for the
script reading it; the line on stderr stays for the person watching. Everything a subcommand
prints goes through the output layer (`tuireader.cli.output`): control characters escaped,
any stdout encoding survived.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import NoReturn

from tuireader import __version__
from tuireader.cli.common import UserError, open_workspace, print_json
from tuireader.cli.output import guarded_output
from tuireader.core.workspace import Workspace

# Modules under tuireader.cli that register subcommands, in help order, each with the
# commands it registers. A command line naming one of these commands imports only that
# module: `tuireader search` need not import spaCy's cache readers, the comparison code and
# the exporters to build its parser (a test checks the names against what each registers).
# A command missing here still works (every module is imported then), only slower.
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "library": ("list", "show"),
    "searching": ("index", "search"),
    "entities": ("entities",),
    "compare": ("compare", "similar", "figures"),
    "annotations": ("annotations", "annotate", "check"),
    "export": ("export", "cite"),
    "importing": ("import",),
}


class _Parser(argparse.ArgumentParser):
    """argparse's parser, reporting a usage error as JSON when the command line asks for
    `--json` (a script reading stdout gets an answer it can parse)."""

    json_errors = False
    """Set by `main` when the arguments include --json (subparsers share the class)."""

    def error(self, message: str) -> NoReturn:
        """Report a usage error and exit 2."""
        if _Parser.json_errors:
            print_json({"error": f"{self.prog}: {message}", "exit_code": 2})
        super().error(message)


def _fail(message: str, code: int, as_json: bool) -> int:
    """Tell the user what went wrong (stderr, and a JSON object on stdout under --json);
    the exit code."""
    if as_json:
        print_json({"error": message, "exit_code": code})
    print(f"tuireader: {message}", file=sys.stderr)
    return code


def build_parser(with_commands: bool = True, command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser, with every subcommand registered unless `with_commands` is False
    (opening the app needs none of them, and importing them costs start-up time). With
    `command` (the subcommand the arguments name, see `command_word`), only the module that
    registers it is imported; an unknown name registers them all, so that argparse lists
    every choice in its error."""
    parser = _Parser(
        prog="tuireader",
        description="Read, search, compare, annotate and cite a corpus of articles.",
    )
    parser.add_argument("--version", action="version", version=f"tuireader {__version__}")
    parser.add_argument(
        "--workspace",
        metavar="DIR",
        help="workspace folder (default: $TUIREADER_WORKSPACE or the current folder)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    if with_commands:
        for name in command_modules(command):
            importlib.import_module(f"tuireader.cli.{name}").register(subparsers)
    return parser


def command_modules(command: str | None) -> list[str]:
    """The modules to import for a command line naming `command`: the one registering it,
    or all of them (in help order) when it is None or not a known command name."""
    for module, commands in COMMAND_MODULES.items():
        if command in commands:
            return [module]
    return list(COMMAND_MODULES)


def command_word(argv: Sequence[str]) -> str | None:
    """The subcommand the arguments name: the first word that is not an option nor the
    value of --workspace. None when there is none, or when -h/--help comes before it (the
    main help lists every command)."""
    return _first_word(argv)[1]


def _first_word(argv: Sequence[str]) -> tuple[bool, str | None]:
    """Whether -h/--help comes before the first word that is not an option (nor the value
    of --workspace), and that word (None if help came first or there is none)."""
    arguments = iter(argv)
    for argument in arguments:
        if argument in ("-h", "--help"):
            return True, None
        if argument == "--workspace":
            next(arguments, None)
        elif not argument.startswith("-"):
            return False, argument
    return False, None


def names_a_command(argv: Sequence[str]) -> bool:
    """Whether the arguments name a subcommand (or ask for help, which lists them)."""
    asks_help, word = _first_word(argv)
    return asks_help or word is not None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `tuireader` console script."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    as_json = "--json" in arguments
    _Parser.json_errors = as_json
    # Everything a subcommand prints, usage errors included (they echo the arguments), goes
    # through the output layer: no raw control character, no UnicodeEncodeError.
    with guarded_output():
        parser = build_parser(names_a_command(arguments), command_word(arguments))
        args = parser.parse_args(arguments)
        try:
            workspace = open_workspace(args.workspace)
            if args.command is not None:
                code: int = args.handler(args, workspace)
                return code
        except UserError as error:
            return _fail(str(error), 2, as_json)
        except KeyboardInterrupt:
            return _fail("interrupted", 130, as_json)
        except BrokenPipeError:
            return 0
    # The app runs outside the layer: Textual writes its own escape sequences to the terminal.
    return _run_app(workspace, as_json)


def _run_app(workspace: Workspace, as_json: bool) -> int:
    """Open the reader app on the workspace; its exit code."""
    from tuireader.app.run import run_app

    try:
        return run_app(workspace)
    except UserError as error:
        message, code = str(error), 2
    except KeyboardInterrupt:
        message, code = "interrupted", 130
    # The app has stopped: its error message is ours to make safe again.
    with guarded_output():
        return _fail(message, code, as_json)
