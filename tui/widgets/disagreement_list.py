"""The Disagreements tab of curation mode: each place where the annotators of a team database
did not agree, with who said what and how it was resolved; Enter goes to it in the article."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text

from tui.messages import JumpTo
from tui.model.display import display_text
from tui.widgets.item_list import ItemList
from tui.widgets.session_list import EXCERPT_LENGTH, NOTICE, SessionList, excerpt, quoted

if TYPE_CHECKING:
    from tui.session.annotation_session import AnnotationSession
    from tui.session.curation import Curation, Disagreement

# The resolution of a disagreement still open, as the list shows it.
OPEN = "open"
# How much of a disagreement's text the detail pane quotes.
DESCRIBED = 60


def who_said_what(curation: Curation, disagreement: Disagreement) -> list[tuple[str, str]]:
    """Each annotator of the document and what they said in the disagreement's range (terminal-safe)."""
    return [(display_text(version.annotator), version.describe(curation.entities)) for version in disagreement.versions]


def resolution_text(resolution: str | None, versions: int) -> str:
    """How a disagreement between ``versions`` annotators is shown resolved: '✓ alice', '✓ both'
    (of three or more, '✓ all'), '✓ neither', '✓ edited', or 'open'."""
    from tui.session.curation import BOTH  # here: the curation (and the store it needs) is no part of the first screen

    if resolution is None:
        return OPEN
    return f"✓ {'all' if resolution == BOTH and versions > 2 else display_text(resolution)}"


class DisagreementList(SessionList):
    """One entry per disagreement, in text order: its excerpt, kind and resolution, then one
    line per annotator saying what they marked there."""

    DEFAULT_CSS = """
    DisagreementList {
        & > .disagreement-list--open { color: $warning; text-style: bold; }
        & > .disagreement-list--resolved { color: $success; }
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {*ItemList.COMPONENT_CLASSES, "disagreement-list--open", "disagreement-list--resolved"}

    def __init__(self, session: AnnotationSession, curation: Curation) -> None:
        """The disagreements of ``curation``, shown as they stand in its followed session."""
        super().__init__(session, id="disagreement-list")
        self.curation = curation
        self.by_key = {d.key: d for d in curation.disagreements}
        disagreements = curation.disagreements  # the same ones whatever is decided: listed once
        self.listed = ([NOTICE], 1) if not disagreements else (list(self.by_key), [1 + len(d.versions) for d in disagreements])
        self.shown: dict[str, str | None] = {}  # the resolutions the entries were built with
        self.shown_version = -1  # the curation's version they are as of

    def refill(self) -> bool:
        """Refill when a disagreement's resolution changed since the last fill."""
        if self.curation.version == self.shown_version and self.built_version is not None:
            return False
        self.shown, self.shown_version, self.built_version = dict(self.curation.resolutions), self.curation.version, 0
        self.set_entries(*self.entries())
        return True

    def title(self) -> str:
        """The tab's title: how many disagreements are still open, of how many."""
        return f"Disagreements {len(self.curation.open_positions)}/{len(self.by_key)}"

    def entries(self) -> tuple[list[str], int | list[int]]:
        return self.listed

    def entry_lines(self, key: str) -> list[Text]:
        if key == NOTICE:
            return [Text("The annotators agree on everything here.", style="dim")]
        disagreement = self.by_key[key]
        resolution = self.shown.get(key)
        state = "disagreement-list--open" if resolution is None else "disagreement-list--resolved"
        head = Text.assemble((resolution_text(resolution, len(disagreement.versions)), self.get_component_rich_style(state, partial=True)), f"  {disagreement.kind}  ")
        head.append(quoted(self.session.text[disagreement.start : disagreement.end], EXCERPT_LENGTH - len(head) - 2))
        lines = [head]
        for name, said in who_said_what(self.curation, disagreement):
            lines.append(Text.assemble("  ", (name, "bold"), f": {excerpt(said, EXCERPT_LENGTH - len(name) - 4)}"))
        return lines

    def describe_open_at(self, offset: int) -> Text | None:
        """For the detail pane: who said what in the open disagreement covering ``offset``
        (None where none is open: the curation's own annotation is described as usual)."""
        resolutions = self.curation.resolutions
        disagreement = next((d for d in self.curation.covering(offset) if resolutions.get(d.key) is None), None)
        if disagreement is None:
            return None
        text = Text.assemble(("Disagreement", "bold"), f" · {disagreement.kind} · {OPEN}")
        text.append(f"\n{quoted(self.session.text[disagreement.start : disagreement.end], DESCRIBED)}", style="italic")
        for name, said in who_said_what(self.curation, disagreement):
            text.append(f"\n{name}", style="bold")
            text.append(f": {said}")
        text.append("\nt takes a version", style="dim")
        return text

    def on_item_list_chosen(self, event: ItemList.Chosen) -> None:
        """Go to the disagreement in the article."""
        event.stop()
        disagreement = self.by_key.get(event.key)
        if disagreement is not None:
            self.post_message(JumpTo(disagreement.start, disagreement.end))
