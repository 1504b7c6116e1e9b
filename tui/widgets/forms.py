"""Pieces of Postil's dialogs: a keyboard drop-down (:class:`Choice`), a labelled form row and
a list of matches picked from a query field (:class:`MatchPicker`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from rich.text import Text
from textual.binding import Binding
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Input, OptionList, Static

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


def step_highlight(matches: OptionList, step: int) -> None:
    """Move the highlight of a list of matches ``step`` rows, stopping at either end (with none
    highlighted, onto the first)."""
    if matches.option_count:
        current = -1 if matches.highlighted is None else matches.highlighted
        matches.highlighted = max(0, min(matches.option_count - 1, current + step))


def highlighted_id(matches: OptionList) -> str:
    """The id of the highlighted match, ``""`` when none is."""
    return "" if matches.highlighted is None else matches.get_option_at_index(matches.highlighted).id or ""


class MatchPicker:
    """A picker dialog's query field and list of matches (the list's id is MATCHES_ID): the field
    keeps focus and the keys, typing refills the list (``fill``), ↑/↓ (action ``step``) move its
    highlight, Enter takes the highlighted match and a click the clicked one (``picked`` gets the
    match's option id). Mixed in before ``ModalScreen``."""

    MATCHES_ID: ClassVar[str]
    fill: Callable[[str], None]
    picked: Callable[[str], None]
    query_one: Callable[..., Any]

    @property
    def matches(self) -> OptionList:
        return self.query_one(f"#{self.MATCHES_ID}", OptionList)

    def on_input_changed(self, event: Input.Changed) -> None:
        """Refilter as the user types."""
        event.stop()
        self.fill(event.input.value)

    def action_step(self, step: int) -> None:
        """Move the highlight through the matches."""
        step_highlight(self.matches, step)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Take the highlighted match (nothing matched: the picker stays open)."""
        event.stop()
        if option_id := highlighted_id(self.matches):
            self.picked(option_id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Take the match clicked in the list."""
        event.stop()
        self.picked(event.option.id or "")
