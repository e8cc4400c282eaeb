"""The key a binding is on right now, for the hints in status lines and placeholders.

A hint names a key ("Filter (f)", "ctrl+r: exact"); once a user rebinds that key in
settings.yaml the hint must name the new one, so hints never spell keys out: they ask
`key_for` with the binding's id and the keymap in use (`reader_context(node).keymap_in_use`).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from tuireader.app.shell.bindings import SECTIONS, display_keys


@cache
def _default_keys() -> dict[str, str]:
    """Every binding id → its keys as bound in bindings.py (before any keymap)."""
    return {b.id: b.key for bindings in SECTIONS.values() for b in bindings if b.id}


def key_for(binding_id: str, keymap: Mapping[str, str]) -> str:
    """The first key of binding `binding_id` as people write it ("f", "ctrl+r", "]"), with
    the user's `keymap` applied. Raises KeyError for an id no binding has (a typo in a hint
    must fail the tests, not show a wrong key)."""
    keys = keymap.get(binding_id) or _default_keys()[binding_id]
    return display_keys(keys.split(",")[0])


def key_to_start(key: str) -> str:
    """A key written to begin a sentence: named keys are capitalised ("Enter opens"), a
    single character is not (on "o" and "O" are different keys)."""
    return key[:1].upper() + key[1:] if len(key) > 1 else key
