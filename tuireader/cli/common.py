"""Helpers shared by the subcommands: opening the workspace, JSON output, user errors.

What reaches the terminal is made safe by `tuireader.cli.output`, installed by `main`."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from tuireader.cli.output import json_text
from tuireader.core.workspace import UnknownArticleError, Workspace, WorkspaceError


class UserError(Exception):
    """A mistake the user can fix; printed as one line, exit code 2."""


def open_workspace(path: str | None) -> Workspace:
    """Open the workspace or raise UserError with the reason."""
    try:
        return Workspace.open(path)
    except WorkspaceError as error:
        raise UserError(str(error)) from error


def get_article(workspace: Workspace, article_id: str) -> Any:
    """The article with this id, or UserError naming close ids."""
    try:
        return workspace.article(article_id)
    except UnknownArticleError as error:
        raise UserError(str(error)) from error


def print_json(data: Any) -> None:
    """Print data as indented JSON on stdout, with no raw control character in it (see
    `output.json_text`; characters stdout cannot encode become `\\uXXXX` JSON escapes)."""
    sys.stdout.write(json_text(data) + "\n")


def warn(message: str) -> None:
    """A warning on stderr (never on stdout, so --json output stays parseable)."""
    print(f"tuireader: warning: {message}", file=sys.stderr)


def report_load_warnings(workspace: Workspace) -> None:
    """Print the warnings collected while loading articles and the catalog."""
    for message in workspace.load_warnings:
        warn(message)


def positive_int(text: str) -> int:
    """argparse type: an integer of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value
