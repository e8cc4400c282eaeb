"""What settings.yaml may hold: the pydantic model behind `tuireader.core.settings`.

Kept apart from `settings` because it imports pydantic, which is only needed when there is
a settings file to check (a fresh install has none). The defaults live in one place, the
`Settings` dataclass: this model only says which keys the file sets correctly, so its
fields default to None ("not set by the file").
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import AfterValidator, BeforeValidator

from tuireader.core.schemas import (
    Expect,
    FileModel,
    Problem,
    rule_error,
    validate_keeping_good_fields,
)
from tuireader.core.yamlfile import (
    MAX_SETTINGS_FILE_BYTES,
    check_size,
    is_refusal,
    load_yaml,
    yaml_problem,
)

# A value YAML reads as a date (or a would-be date such as 2020-02-30) is not text: the
# message shows it and says to quote it.
_QUOTE = "not {value!r}; quote it if you mean that text"


def _key_text(value: Any) -> Any:
    """Keys in a keymap may be written as a bare number (`toggle: 1`)."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _switch(value: Any) -> Any:
    """An empty `compare_meaning:` is more likely a slip than a choice: it is reported."""
    if value is None:
        raise rule_error("'compare_meaning' must be true or false, not nothing")
    return value


# A model is named by its package (en_core_web_md) or by the folder it was saved to.
_MODEL_NAME = re.compile(r"[A-Za-z][\w.-]*")


def _model_name(value: str | None) -> str | None:
    """`spacy_model` names a package or a folder; whether it is installed is checked when
    entities are extracted (checking here would import spaCy at every start-up)."""
    if value is None:
        return value
    name = value.strip()
    if not (_MODEL_NAME.fullmatch(name) or "/" in name or name.startswith("~")):
        raise rule_error(
            f"'spacy_model' must name an installed spaCy model package (such as "
            f"en_core_web_md) or a model folder, not {value!r}"
        )
    return name


class SettingsFile(FileModel):
    """The keys of settings.yaml and what each must hold."""

    theme: Annotated[
        str | None, Expect(f"'theme' must be text (a theme name such as textual-dark), {_QUOTE}")
    ] = None
    keymap: Annotated[
        dict[str, Annotated[str, BeforeValidator(_key_text)]] | None,
        Expect("'keymap' must be a mapping of binding id: keys (e.g. quit: ctrl+q)"),
    ] = None
    citation_style: Annotated[
        str | None, Expect(f"'citation_style' must be text (a style name such as apa), {_QUOTE}")
    ] = None
    spacy_model: Annotated[
        str | None,
        AfterValidator(_model_name),
        Expect(f"'spacy_model' must be text (an installed spaCy model), {_QUOTE}"),
    ] = None
    clipboard: Annotated[
        str | None, Expect(f"'clipboard' must be text (osc52 or file), {_QUOTE}")
    ] = None
    compare_meaning: Annotated[
        bool | None,
        BeforeValidator(_switch),
        Expect("'compare_meaning' must be true or false, not {value!r}"),
    ] = None


def check_settings(data: dict[Any, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """The settings `data` (a mapping read from settings.yaml) sets correctly, by name, and
    what was wrong with the others. A key left empty (`theme:`) keeps its default."""
    model, problems = validate_keeping_good_fields(SettingsFile, data)
    values = model.model_dump(exclude_unset=True)
    return {key: value for key, value in values.items() if value is not None}, problems


def check_settings_text(content: bytes, path: Path) -> dict[str, Any]:
    """What the settings file with these bytes sets, and its problems (worded with `path`),
    as plain data: {"values": {key: value}, "problems": [message]}."""
    values: dict[str, Any] = {}
    problems: list[str] = []
    found = {"values": values, "problems": problems}
    try:
        check_size(content, MAX_SETTINGS_FILE_BYTES)  # before decoding or parsing anything
        raw = load_yaml(content.decode("utf-8"), max_bytes=MAX_SETTINGS_FILE_BYTES)
    except UnicodeDecodeError as error:
        problems.append(f"{path}: cannot be read ({error}); using defaults")
        return found
    except yaml.YAMLError as error:
        verdict = "refused" if is_refusal(error) else "not valid YAML"
        described = yaml_problem(error, "settings files")
        problems.append(f"{path}: {verdict}, {described}; using defaults")
        return found
    if raw is None or raw == {}:
        return found
    if not isinstance(raw, dict):
        problems.append(f"{path}: expected a mapping; using defaults")
        return found
    checked, wrong = check_settings(raw)
    values.update(checked)
    for key, line in getattr(raw, "duplicates", []):
        problems.append(f"{path}, line {line}: {key!r} is set twice; the last one is used")
    for problem in wrong:
        where = f", line {problem.line}" if problem.line else ""
        outcome = "ignored" if problem.unknown else "using the default"
        problems.append(f"{path}{where}: {problem.message}; {outcome}")
    return found
