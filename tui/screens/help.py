"""The help screen: every key binding, with its id (for remapping) and what it does."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.model.display import display_text


def binding_table(sections: list[tuple[str, list[Binding]]]) -> Table:
    """A table of bindings grouped by where they apply."""
    table = Table(box=None, padding=(0, 2), show_header=True, header_style="bold")
    table.add_column("Keys", no_wrap=True)
    table.add_column("Does")
    table.add_column("Binding id", style="dim", no_wrap=True)
    for title, bindings in sections:
        table.add_row(Text(title, style="bold underline"), "", "")
        for binding in bindings:
            keys = ", ".join(key.strip() for key in binding.key.split(","))
            # Keys come from the user's keymap file: shown display-safe like any data.
            table.add_row(Text(display_text(keys), style="bold"), Text(display_text(binding.description)), Text(display_text(binding.id or "")))
    return table


class HelpScreen(ModalScreen[None]):
    """Lists every binding of the app, the article pane and the side panel."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90; height: 90%; border: thick $primary; background: $surface; padding: 0 1; }
    """

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close help", id="help.close"),
    ]

    def __init__(self, sections: list[tuple[str, list[Binding]]]) -> None:
        super().__init__()
        self.sections = sections
        self.table = binding_table(sections)

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Text("Postil keys  (Esc closes)", style="bold"), id="help-title")
            yield Static(self.table, id="help-table")
