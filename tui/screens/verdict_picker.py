"""The verdict picker: one line at the bottom of the screen where one letter gives a claim its verdict."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.model.display import display_text
from tui.widgets.session_list import excerpt

# The letter of each verdict (tui.model.claims.VERDICTS), in the order the picker shows them.
VERDICT_KEYS = {"t": "true", "m": "mostly-true", "x": "mixed", "l": "misleading", "f": "false", "s": "unsupported", "u": "unverified"}
# How much of the claim's text the line shows before the letters.
CLAIM_SHOWN = 32


class VerdictPicker(ModalScreen["str | None"]):
    """Ask for a claim's verdict on one line: a letter picks it, Esc leaves the claim as it was."""

    DEFAULT_CSS = """
    VerdictPicker { align: left bottom; background: $background 20%; }
    VerdictPicker > Static { height: auto; width: 100%; background: $panel; border-top: solid $primary; padding: 0 1; }
    """

    BINDINGS = [
        *(Binding(key, f"pick('{verdict}')", verdict, id=f"review.verdict_{verdict.replace('-', '_')}") for key, verdict in VERDICT_KEYS.items()),
        Binding("escape", "pick('')", "Leave the claim as it was", id="review.verdict_cancel"),
    ]

    def __init__(self, claim_text: str, speaker: str, verdict: str, suggested: bool) -> None:
        """Ask about the claim ``claim_text`` by ``speaker`` (now ``verdict``); a ``suggested``
        one is accepted with its speaker when a verdict is picked."""
        super().__init__()
        self.claim_text = claim_text
        self.speaker = speaker
        self.verdict = verdict
        self.suggested = suggested

    def compose(self) -> ComposeResult:
        claim = f"“{excerpt(self.claim_text, CLAIM_SHOWN)}” by {excerpt(self.speaker, CLAIM_SHOWN) or 'no one'}"
        line = Text.assemble(("Accept ", "bold"), claim, (" with verdict: ", "bold")) if self.suggested else Text.assemble(
            ("Verdict of ", "bold"), claim, f" (now {display_text(self.verdict)}): "
        )
        for key, verdict in VERDICT_KEYS.items():
            line.append(key, style="bold reverse" if verdict == self.verdict and not self.suggested else "bold")
            line.append(f" {verdict} · ")
        line.append("Esc", style="bold")
        line.append(" cancel")
        yield Static(line, id="verdict-line")

    def action_pick(self, verdict: str) -> None:
        """Close with ``verdict`` (``""``: none picked)."""
        self.dismiss(verdict or None)
