"""The hits of a search across every document, each with its document's title and the text
around it; Enter opens the document at the hit."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.messages import CorpusHitsFound
from tui.model.display import display_text
from tui.widgets.hit_list import HitList


class CorpusHitsScreen(ModalScreen["CorpusHit | None"]):
    """Pick one hit of a search across documents."""

    DEFAULT_CSS = """
    CorpusHitsScreen { align: center middle; }
    CorpusHitsScreen > Vertical { width: 90%; height: 80%; border: thick $primary; background: $surface; padding: 0 1; }
    CorpusHitsScreen HitList { height: 1fr; }
    """

    BINDINGS = [Binding("escape", "cancel", "Close the hits", id="hits.cancel")]

    def __init__(self, found: CorpusHitsFound) -> None:
        super().__init__()
        self.found = found

    def compose(self) -> ComposeResult:
        found = self.found
        documents = len({hit.doc_id for hit in found.hits})
        more = f" (the first {len(found.hits)}; there are more)" if found.more else ""
        heading = f"{len(found.hits)} hits for “{display_text(found.query)}” in the {found.scope} of {documents} document(s){more}"
        with Vertical():
            yield Static(Text(heading, style="bold"))
            yield HitList(found.hits, id="corpus-hits")
            yield Static(Text("↑↓ choose · Enter open the document there · Esc close", style="dim"))

    def on_mount(self) -> None:
        self.query_one(HitList).focus()

    def on_item_list_chosen(self, event: HitList.Chosen) -> None:
        event.stop()
        self.dismiss(self.found.hits[int(event.key)])

    def action_cancel(self) -> None:
        self.dismiss(None)
