"""Key names as users type them and read them in the manual: ``?`` rather than Textual's
``question_mark``, ``ctrl+p``, ``shift+↑``, ``Enter``, ``PgUp``. The key hints and the legend
(tui/widgets/status_line.py), the help and the stats screen all name keys with :func:`key_name`,
and a binding's keys as the user's keymap moved them with :func:`mapped_keys`."""

from __future__ import annotations

import re

from textual.app import App
from textual.keys import format_key, key_to_character

from tui.model.display import display_text

# Keys that are not characters, spelled as the README and most manuals spell them.
NAMED_KEYS = {
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "enter": "Enter",
    "escape": "Esc",
    "tab": "Tab",
    "backtab": "shift+Tab",
    "space": "Space",
    "backspace": "Backspace",
    "delete": "Del",
    "insert": "Ins",
    "home": "Home",
    "end": "End",
    "pageup": "PgUp",
    "pagedown": "PgDn",
}
FUNCTION_KEY = re.compile(r"f[0-9]{1,2}")


def _one_key(key: str) -> str:
    """One key of a binding, with its modifiers (``ctrl+shift+up`` → ``ctrl+shift+↑``)."""
    *modifiers, name = key.split("+")
    if not name and modifiers:  # "ctrl++": the plus key with a modifier
        modifiers, name = modifiers[:-1], "plus"
    if name in NAMED_KEYS:
        shown = NAMED_KEYS[name]
    elif FUNCTION_KEY.fullmatch(name):
        shown = name.upper()
    else:
        character = key_to_character(name)
        shown = character if character is not None and character.isprintable() else format_key(name)
    return "+".join([*modifiers, shown])


def key_name(keys: str) -> str:
    """``keys`` (a binding's key string, comma-separated as in a keymap) as a user reads them:
    ``"down,j"`` → ``"↓ / j"``, ``"question_mark"`` → ``"?"``. Shown display-safe: keys can
    come from the user's keymap file."""
    return display_text(" / ".join(_one_key(key.strip()) for key in keys.split(",") if key.strip()))


def remapped(keymap: dict[str, str], binding_id: str) -> list[str]:
    """The keys ``keymap`` gives the binding ``binding_id``: none when it names none (an entry
    of ``""`` or ``" , "``, which keymap.json accepts), and Textual then keeps the declared ones."""
    return [key.strip() for key in (keymap.get(binding_id) or "").split(",") if key.strip()]


def mapped_keys(app: App, binding_id: str, declared: str) -> list[str]:
    """The keys of the binding ``binding_id`` as the user's keymap has them (else ``declared``,
    comma-separated as a binding declares them), each named as typed: what a hint says to press."""
    return [key_name(key) for key in remapped(getattr(app, "_keymap", None) or {}, binding_id) or declared.split(",")]
