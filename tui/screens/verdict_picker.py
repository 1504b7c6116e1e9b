"""The verdict picker: one line at the bottom of the screen where one letter gives a claim its verdict.

The letters are the database's scheme's: each verdict of its scale has one, and ``u`` leaves the
claim unverified (unless the scale gives ``u`` to a verdict of its own).
"""

from __future__ import annotations

import re

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.model.display import display_text
from tui.model.labels import DEFAULT_SCHEME, UNVERIFIED, Scheme


def verdict_keys(scheme: Scheme) -> dict[str, str]:
    """Each letter of the picker and the verdict it sets, in the order the picker shows them:
    the scale's verdicts, then ``u`` unverified when the scale leaves ``u`` free."""
    keys = {verdict.key: verdict.name for verdict in scheme.verdicts}
    keys.setdefault("u", UNVERIFIED)
    return keys


def verdict_bindings(scheme: Scheme) -> list[Binding]:
    """The picker's binding of each letter of ``scheme`` (ids ``review.verdict_<verdict>``, for a keymap)."""
    return [
        Binding(key, f"pick({verdict!r})", verdict, id=f"review.verdict_{re.sub(r'[^0-9A-Za-z]', '_', verdict)}")
        for key, verdict in verdict_keys(scheme).items()
    ]


# The default scheme's letters.
VERDICT_KEYS = verdict_keys(DEFAULT_SCHEME)


class VerdictPicker(ModalScreen["str | None"]):
    """Ask for a claim's verdict on one line: a letter of the scheme picks it, Esc leaves the
    claim as it was. (The screen names the claim and its speaker on the status line and in the
    detail pane.)"""

    DEFAULT_CSS = """
    VerdictPicker { align: left bottom; background: $background 20%; }
    VerdictPicker > Static { height: auto; width: 100%; background: $panel; border-top: solid $primary; padding: 0 1; }
    """

    # The letters are bound per picker, from its scheme (help lists them from the database's).
    BINDINGS = [
        Binding("escape", "pick('')", "Leave the claim as it was", id="review.verdict_cancel"),
    ]

    def __init__(self, verdict: str, suggested: bool, scheme: Scheme = DEFAULT_SCHEME) -> None:
        """Ask about a claim whose verdict is now ``verdict`` (highlighted), with ``scheme``'s
        letters; a ``suggested`` one is accepted with its speaker when a verdict is picked."""
        super().__init__()
        self.verdict = verdict
        self.suggested = suggested
        self.keys = verdict_keys(scheme)
        self._bindings = BindingsMap.merge([self._bindings, BindingsMap(verdict_bindings(scheme))])

    def compose(self) -> ComposeResult:
        line = Text.assemble(("Accept, verdict:" if self.suggested else "Verdict:", "bold"))
        for key, verdict in self.keys.items():
            line.append("  ")
            line.append(display_text(key), style="bold reverse" if verdict == self.verdict and not self.suggested else "bold")
            line.append(f" {display_text(verdict)}")
        line.append("  ")
        line.append("Esc", style="bold")
        line.append(" cancel")
        yield Static(line, id="verdict-line")

    def action_pick(self, verdict: str) -> None:
        """Close with ``verdict`` (``""``: none picked)."""
        self.dismiss(verdict or None)
