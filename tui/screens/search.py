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
from tui.store.session import AnnotationSession

SCOPES = ("text", "annotations")


def text_hits(text: str, query: str) -> list[tuple[int, int]]:
    """Every place ``query`` occurs in ``text``, ignoring case, in text order."""
    if not query.strip():
        return []
    return [(m.start(), m.end()) for m in re.finditer(re.escape(query), text, re.IGNORECASE)]


def annotation_fields(session: AnnotationSession, annotation) -> list[str]:
    """What an annotation search looks at: label, note, speaker, verdict, type, entity names and ids."""
    attrs = annotation.attrs
    fields = [annotation.label, attrs.get("note") or ""]
    if annotation.is_claim:
        fields += [session.speaker_name(annotation), attrs.get("verdict") or "", attrs.get("claim_type") or ""]
    entity = session.entities.get(attrs.get("entity_id") or "")
    if entity is not None:
        fields += [entity.name, *entity.aliases, entity.kb_id]
    return fields


def annotation_hits(session: AnnotationSession, query: str) -> list[tuple[int, int]]:
    """The spans of visible annotations whose label, note or speaker (etc.) contains ``query``."""
    needle = query.casefold().strip()
    if not needle:
        return []
    return [
        (a.start, a.end)
        for a in session.visible()
        if any(needle in field.casefold() for field in annotation_fields(session, a))
    ]


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
                yield Input(self.initial_query, placeholder="words to find; Enter searches", id="search-query", compact=True)
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
