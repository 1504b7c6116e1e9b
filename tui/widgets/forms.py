"""Pieces of Postil's dialogs: a keyboard drop-down (:class:`Choice`) and a labelled form row."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static

from tui.model.display import display_text


def step_value(options: tuple[str, ...], value: str, step: int) -> str:
    """The option ``step`` places after ``value`` (before, when negative), wrapping around; a
    value that is not an option (one from an import) counts as the first."""
    position = options.index(value) if value in options else 0
    return options[(position + step) % len(options)]


def with_stored(options: tuple[str, ...], stored: str) -> tuple[str, ...]:
    """The scheme's ``options`` for a choice, after the ``stored`` value when the scheme lacks it:
    a value from an import or an earlier scheme shows as it is and stays until changed."""
    return options if stored in options else (stored, *options)


class Choice(Static, can_focus=True):
    """One value out of a few, changed with ←/→ (or h/l): a drop-down for the keyboard."""

    DEFAULT_CSS = """
    Choice { width: 1fr; height: 1; padding: 0 1; }
    Choice:focus { background: $accent 40%; text-style: bold; }
    """

    BINDINGS = [
        Binding("left,h", "step(-1)", "Previous value", id="choice.previous"),
        Binding("right,l", "step(1)", "Next value", id="choice.next"),
    ]

    value: reactive[str] = reactive("")

    def __init__(self, options: tuple[str, ...], value: str, *, id: str) -> None:
        super().__init__(id=id)
        self.options = options
        self.set_reactive(Choice.value, value if value in options else options[0])

    def render(self) -> Text:
        """The value between arrows that say it can change (a value may come from an import)."""
        return Text.assemble(("‹ ", "dim"), display_text(self.value), (" ›", "dim"))

    def action_step(self, step: int) -> None:
        """Change to the next (or previous) value, wrapping around."""
        self.value = step_value(self.options, self.value, step)


def field_row(label: str, widget: Widget) -> Horizontal:
    """A form row: a fixed-width label and the field."""
    return Horizontal(Static(Text(label), classes="field-label"), widget, classes="field-row")
