"""The hits of a search across documents as a virtual list: a row is made only when drawn, so a
thousand hits open as fast as ten."""

from __future__ import annotations

from rich.text import Text

from tui.model.display import display_text
from tui.session.corpus_search import CorpusHit
from tui.widgets.item_list import ItemList

# How much of a document's title a row shows before the text around the hit.
TITLE_WIDTH = 40


def hit_prompt(hit: CorpusHit) -> Text:
    """A hit's row: the document's title, then the text around the hit (both display-safe)."""
    title = display_text(hit.title) or "(untitled)"
    return Text.assemble((title[:TITLE_WIDTH], "bold"), "  ", display_text(hit.context))


class HitList(ItemList):
    """Hits across documents, keyed by their position in the search's list."""

    def __init__(self, hits: list[CorpusHit], id: str | None = None) -> None:
        super().__init__(id=id)
        self.hits = hits

    def on_mount(self) -> None:
        self.set_entries([str(number) for number in range(len(self.hits))])
        if self.hits:
            self.highlighted = 0

    def entry_lines(self, key: str) -> list[Text]:
        return [hit_prompt(self.hits[int(key)])]
