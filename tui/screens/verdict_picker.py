"""The verdict picker: one line at the bottom of the screen where one letter gives a claim its verdict."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Static

# The letter of each verdict (tui.model.claims.VERDICTS), in the order the picker shows them.
VERDICT_KEYS = {"t": "true", "m": "mostly-true", "x": "mixed", "l": "misleading", "f": "false", "s": "unsupported", "u": "unverified"}


class VerdictPicker(ModalScreen["str | None"]):
    """Ask for a claim's verdict on one line: a letter picks it, Esc leaves the claim as it was.
    (The screen names the claim and its speaker on the status line and in the detail pane.)"""

    DEFAULT_CSS = """
    VerdictPicker { align: left bottom; background: $background 20%; }
    VerdictPicker > Static { height: auto; width: 100%; background: $panel; border-top: solid $primary; padding: 0 1; }
    """

    BINDINGS = [
        *(Binding(key, f"pick('{verdict}')", verdict, id=f"review.verdict_{verdict.replace('-', '_')}") for key, verdict in VERDICT_KEYS.items()),
        Binding("escape", "pick('')", "Leave the claim as it was", id="review.verdict_cancel"),
    ]

    def __init__(self, verdict: str, suggested: bool) -> None:
        """Ask about a claim whose verdict is now ``verdict`` (highlighted); a ``suggested`` one is
        accepted with its speaker when a verdict is picked."""
        super().__init__()
        self.verdict = verdict
        self.suggested = suggested

    def compose(self) -> ComposeResult:
        line = Text.assemble(("Accept, verdict:" if self.suggested else "Verdict:", "bold"))
        for key, verdict in VERDICT_KEYS.items():
            line.append("  ")
            line.append(key, style="bold reverse" if verdict == self.verdict and not self.suggested else "bold")
            line.append(f" {verdict}")
        line.append("  ")
        line.append("Esc", style="bold")
        line.append(" cancel")
        yield Static(line, id="verdict-line")

    def action_pick(self, verdict: str) -> None:
        """Close with ``verdict`` (``""``: none picked)."""
        self.dismiss(verdict or None)
