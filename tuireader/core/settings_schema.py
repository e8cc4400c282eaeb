"""What settings.yaml may hold: the pydantic model behind `tuireader.core.settings`.

Kept apart from `settings` because it imports pydantic, which is only needed when there is
a settings file to check (a fresh install has none). The defaults live in one place, the
`Settings` dataclass: this model only says which keys the file sets correctly, so its
fields default to None ("not set by the file").
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator

from tuireader.core.schemas import (
    Expect,
    FileModel,
    Problem,
    rule_error,
    validate_keeping_good_fields,
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
        str | None, Expect(f"'spacy_model' must be text (an installed spaCy model), {_QUOTE}")
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
