"""The hits of a search across every document, each with its document's title and the text
around it; Enter opens the document at the hit."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.messages import CorpusHitsFound
from tui.model.display import display_text
from tui.session.corpus_search import CorpusHit


def hit_prompt(hit: CorpusHit) -> Text:
    """A hit's row: the document's title, then the text around the hit (both display-safe)."""
    title = display_text(hit.title) or "(untitled)"
    return Text.assemble((title[:40], "bold"), "  ", display_text(hit.context))


class CorpusHitsScreen(ModalScreen["CorpusHit | None"]):
    """Pick one hit of a search across documents."""

    DEFAULT_CSS = """
    CorpusHitsScreen { align: center middle; }
    CorpusHitsScreen > Vertical { width: 90%; height: 80%; border: thick $primary; background: $surface; padding: 0 1; }
    CorpusHitsScreen OptionList { height: 1fr; }
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
            yield OptionList(*(Option(hit_prompt(hit)) for hit in found.hits), id="corpus-hits")
            yield Static(Text("↑↓ choose · Enter open the document there · Esc close", style="dim"))

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.found.hits[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)
