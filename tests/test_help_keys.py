"""Key names as users type them, one function for the footer and the help: a table of cases,
and the footer of the document list, which names Esc as the help does."""

from __future__ import annotations

import pytest
from textual.app import App

from tests.test_app_corpus import corpus_db
from tui.app import PostilApp
from tui.store.repository import open_store
from tui.widgets.key_names import key_name, mapped_keys

CASES = [
    ("question_mark", "?"),
    ("slash", "/"),
    ("right_parenthesis", ")"),
    ("left_curly_bracket", "{"),
    ("full_stop", "."),
    ("comma", ","),
    ("less_than_sign", "<"),
    ("greater_than_sign", ">"),
    ("right_square_bracket", "]"),
    ("semicolon", ";"),
    ("colon", ":"),
    ("plus", "+"),
    ("minus", "-"),
    ("?", "?"),  # a keymap may name a key by its character
    ("j", "j"),
    ("G", "G"),
    ("1", "1"),
    ("ctrl+p", "ctrl+p"),
    ("ctrl+z", "ctrl+z"),
    ("shift+up", "shift+↑"),
    ("ctrl+down", "ctrl+↓"),
    ("ctrl+shift+left", "ctrl+shift+←"),
    ("ctrl+plus", "ctrl++"),
    ("enter", "Enter"),
    ("escape", "Esc"),
    ("tab", "Tab"),
    ("shift+tab", "shift+Tab"),
    ("backtab", "shift+Tab"),
    ("pageup", "PgUp"),
    ("pagedown", "PgDn"),
    ("ctrl+pageup", "ctrl+PgUp"),
    ("home", "Home"),
    ("end", "End"),
    ("space", "Space"),
    ("backspace", "Backspace"),
    ("delete", "Del"),
    ("f1", "F1"),
    ("f12", "F12"),
    ("down,j", "↓ / j"),
    ("u,ctrl+z", "u / ctrl+z"),
    ("escape, q ,question_mark", "Esc / q / ?"),
    ("\x1b[2Jx", "␛[2Jx"),  # a keymap file's control characters never reach the terminal
]


@pytest.mark.parametrize(("keys", "shown"), CASES)
def test_a_key_is_named_as_users_type_it(keys, shown):
    assert key_name(keys) == shown


@pytest.mark.parametrize(
    ("keymap", "shown"),
    [({}, ["Tab", "d"]), ({"stats.scope": "x,ctrl+y"}, ["x", "ctrl+y"]), ({"stats.scope": ""}, ["Tab", "d"]), ({"stats.scope": " , "}, ["Tab", "d"])],
)
def test_a_hint_names_a_bindings_keys_as_the_keymap_has_them(keymap, shown):
    """A keymap entry naming no key leaves the declared keys bound (as Textual does), so hints name those."""
    app = App()
    app.set_keymap(keymap)
    assert mapped_keys(app, "stats.scope", "tab,d") == shown


async def test_the_footer_names_keys_as_the_help_does(tmp_path):
    db, _ = corpus_db(tmp_path)
    app = PostilApp(store=open_store(db), annotator="ana")
    async with app.run_test(size=(140, 30)) as pilot:
        footer = str(app.screen.query_one("#documents-keys").render())
        assert "Esc Back to the document" in footer and "? Help" in footer, footer  # not "esc", not "question_mark"
        await pilot.press("q")
