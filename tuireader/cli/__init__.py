"""The `tuireader` command: subcommands over tuireader.core, `--json` everywhere.

Each subcommand lives in its own module here and exposes `register(subparsers)`, which adds
its parser and sets `handler=` to a function `(args, workspace) -> int`. With no subcommand
the app opens. Exit codes: 0 success, 2 user error (with a clear message, no traceback).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from tuireader import __version__
from tuireader.cli.common import UserError, open_workspace

# Modules under tuireader.cli that register subcommands, in help order.
COMMAND_MODULES = (
    "library",
    "searching",
    "entities",
    "compare",
    "annotations",
    "export",
)


def build_parser(with_commands: bool = True) -> argparse.ArgumentParser:
    """The argument parser, with every subcommand registered unless `with_commands` is False
    (opening the app needs none of them, and importing them costs start-up time)."""
    parser = argparse.ArgumentParser(
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
        for name in COMMAND_MODULES:
            importlib.import_module(f"tuireader.cli.{name}").register(subparsers)
    return parser


def names_a_command(argv: Sequence[str]) -> bool:
    """Whether the arguments name a subcommand (or ask for help, which lists them)."""
    arguments = iter(argv)
    for argument in arguments:
        if argument in ("-h", "--help"):
            return True
        if argument == "--workspace":
            next(arguments, None)
        elif not argument.startswith("-"):
            return True
    return False


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `tuireader` console script."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(names_a_command(arguments)).parse_args(arguments)
    try:
        workspace = open_workspace(args.workspace)
        if args.command is None:
            from tuireader.app.run import run_app

            return run_app(workspace)
        code: int = args.handler(args, workspace)
        return code
    except UserError as error:
        print(f"tuireader: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("tuireader: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
