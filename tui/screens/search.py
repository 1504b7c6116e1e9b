"""Search: the query box (`/`) and the hits it finds in the article text or in the annotations."""

from __future__ import annotations

import re

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui.screens.claim_editor import Choice
from tui.session.annotation_session import AnnotationSession
from tui.widgets.fields import SafeInput

SCOPES = ("text", "annotations")


def text_hits(text: str, query: str) -> list[tuple[int, int]]:
    """Every place ``query`` occurs in ``text``, ignoring case, in text order."""
    if not query.strip():
        return []
    return [(m.start(), m.end()) for m in re.finditer(re.escape(query), text, re.IGNORECASE)]


def annotation_hits(session: AnnotationSession, query: str) -> list[tuple[int, int]]:
    """The spans of visible annotations whose label, note, verdict or type, speaker, or entity
    (name, aliases, knowledge-base id) contains ``query``, ignoring case, in text order."""
    needle = query.casefold().strip()
    if not needle:
        return []
    # Each entity's searchable text, folded once per search rather than once per mention.
    entity_text = {key: "\n".join([e.name, *e.aliases, e.kb_id]).casefold() for key, e in session.entities.items()}
    hits = []
    for annotation in session.visible():
        attrs = annotation.attrs
        if annotation.is_claim:
            speaker = attrs.get("speaker") or ""
            fields = (entity_text.get(speaker) or speaker.casefold(), (attrs.get("verdict") or "").casefold(), (attrs.get("claim_type") or "").casefold())
        else:
            fields = (entity_text.get(attrs.get("entity_id") or "", ""),)
        if needle in annotation.label.casefold() or needle in (attrs.get("note") or "").casefold() or any(needle in field for field in fields):
            hits.append((annotation.start, annotation.end))
    return hits


class SearchScreen(ModalScreen["tuple[str, str] | None"]):
    """Ask what to search for and where (the text or the annotations); Enter searches."""

    DEFAULT_CSS = """
    SearchScreen { align: center top; }
    SearchScreen > Vertical { width: 80; height: auto; margin-top: 2; border: thick $primary; background: $surface; padding: 0 1; }
    SearchScreen Horizontal { height: auto; }
    SearchScreen .field-label { width: 10; color: $text-muted; }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Close search", id="search.cancel"),
        Binding("ctrl+t", "toggle_scope", "Search the text / the annotations", id="search.toggle_scope"),
    ]

    def __init__(self, query: str = "", scope: str = "text") -> None:
        super().__init__()
        self.initial_query = query
        self.initial_scope = scope

    def compose(self) -> ComposeResult:
        with Vertical():
            with Horizontal():
                yield Static(Text("Search"), classes="field-label")
                yield SafeInput(self.initial_query, placeholder="words to find; Enter searches", id="search-query", compact=True)
            with Horizontal():
                yield Static(Text("In"), classes="field-label")
                yield Choice(SCOPES, self.initial_scope, id="search-scope")
            yield Static(Text("Enter search · ctrl+t text/annotations · n/N next/previous hit · Esc close", style="dim"))

    def on_mount(self) -> None:
        self.query_one("#search-query", Input).focus()

    def action_toggle_scope(self) -> None:
        """Switch between searching the article text and the annotations."""
        self.query_one("#search-scope", Choice).action_step(1)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Search for what was typed."""
        event.stop()
        self.dismiss((event.value, self.query_one("#search-scope", Choice).value))

    def action_cancel(self) -> None:
        """Close without searching."""
        self.dismiss(None)
