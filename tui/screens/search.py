"""Search: the query box (`/`), asking what to find and where (the hits are found by tui/session/search.py)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui.session.search import SCOPES, WHERE
from tui.widgets.fields import SafeInput
from tui.widgets.forms import Choice


class SearchScreen(ModalScreen["tuple[str, str, str] | None"]):
    """Ask what to search for and where (the text or the annotations, of this document or of
    every document); Enter searches."""

    DEFAULT_CSS = """
    SearchScreen { align: center top; }
    SearchScreen > Vertical { width: 80; height: auto; margin-top: 2; border: thick $primary; background: $surface; padding: 0 1; }
    SearchScreen Horizontal { height: auto; }
    SearchScreen .field-label { width: 10; color: $text-muted; }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Close search", id="search.cancel"),
        Binding("ctrl+t", "toggle_scope", "Search the text / the annotations", id="search.toggle_scope"),
        Binding("ctrl+g", "toggle_where", "Search this document / every document", id="search.toggle_documents"),
    ]

    def __init__(self, query: str = "", scope: str = "text", where: str = WHERE[0]) -> None:
        super().__init__()
        self.initial_query = query
        self.initial_scope = scope
        self.initial_where = where

    def compose(self) -> ComposeResult:
        with Vertical():
            with Horizontal():
                yield Static(Text("Search"), classes="field-label")
                yield SafeInput(self.initial_query, placeholder="words to find; Enter searches", id="search-query", compact=True)
            with Horizontal():
                yield Static(Text("In"), classes="field-label")
                yield Choice(SCOPES, self.initial_scope, id="search-scope")
            with Horizontal():
                yield Static(Text("Of"), classes="field-label")
                yield Choice(WHERE, self.initial_where, id="search-where")
            yield Static(Text("Enter search · ctrl+t text/annotations · ctrl+g this/every document · n/N next/previous hit · Esc close", style="dim"))

    def on_mount(self) -> None:
        self.query_one("#search-query", Input).focus()

    def action_toggle_scope(self) -> None:
        """Switch between searching the article text and the annotations."""
        self.query_one("#search-scope", Choice).action_step(1)

    def action_toggle_where(self) -> None:
        """Switch between searching this document and every document of the database."""
        self.query_one("#search-where", Choice).action_step(1)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Search for what was typed."""
        event.stop()
        self.dismiss((event.value, self.query_one("#search-scope", Choice).value, self.query_one("#search-where", Choice).value))

    def action_cancel(self) -> None:
        """Close without searching."""
        self.dismiss(None)
