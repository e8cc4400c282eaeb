"""The first module the `tuireader` command runs: imports with the garbage collector paused.

Starting the app imports some 600 modules (Textual, Rich, tuireader's screens). Each import
allocates many objects that live as long as the process, and CPython's cyclic collector keeps
running over them while they are made: about a tenth of the start-up time on this project's
machines, for nothing (module objects are never garbage). So the collector is paused while the
command's modules are imported, then turned back on, and what exists by then is frozen
(`gc.freeze`: moved out of the collector's generations, so later collections in a long
session do not walk it again). The command itself runs with collection as usual.
"""

from __future__ import annotations

import gc
import sys


def main() -> int:
    """Entry point of the `tuireader` console script and of `python -m tuireader`."""
    gc.disable()
    try:
        from tuireader.cli import main as run_command
        from tuireader.cli import names_a_command

        if not names_a_command(sys.argv[1:]):
            # No subcommand: the app opens, so its modules are imported now, still paused.
            import tuireader.app.app  # noqa: F401
    finally:
        gc.enable()
        gc.freeze()
    return run_command()
