"""The Claims tab: each claim with its excerpt, type, speaker and verdict, sorted and filtered
as asked (tui/session/claim_list.py says which and in what order), or grouped by speaker."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from rich.text import Text

from tui.messages import JumpTo
from tui.model.annotation import SUGGESTED
from tui.model.claims import verdict_of
from tui.model.display import display_text
from tui.session.claim_list import CLAIM_SORTS, by_speaker, shown_claims
from tui.widgets.item_list import ItemList
from tui.widgets.session_list import EXCERPT_LENGTH, HEADING, NOTICE, SessionList, excerpt

if TYPE_CHECKING:
    from tui.model.annotation import Annotation
    from tui.session.annotation_session import AnnotationSession


class ClaimList(SessionList):
    """Claims with excerpt, kind, speaker and verdict, sorted and filtered as asked, or grouped
    by speaker ("who said what"); Enter jumps to the claim."""

    DEFAULT_CSS = """
    ClaimList {
        & > .claim-list--speaker { color: $list-speaker; }
        & > .claim-list--type { color: $list-claim-type; text-style: bold; }
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {*ItemList.COMPONENT_CLASSES, "claim-list--speaker", "claim-list--type"}

    topic = "claims"

    def __init__(self, session: AnnotationSession) -> None:
        super().__init__(session, id="claim-list")
        self.sort = CLAIM_SORTS[0]
        self.filter = ""
        self.by_speaker = False
        self.shown_count = 0
        self._group_sizes: dict[str, int] = {}

    def change_view(self, sort: str | None = None, filter: str | None = None, by_speaker: bool | None = None) -> None:
        """Change the order, the filter or the grouping; the list is refilled on the next rebuild."""
        if sort is not None:
            self.sort = sort
        if filter is not None:
            self.filter = filter
        if by_speaker is not None:
            self.by_speaker = by_speaker
        self.invalidate()

    def shown_claims(self) -> list[Annotation]:
        """The claims that pass the filter, in the chosen order."""
        return shown_claims(self.session, self.filter, self.sort)

    def entries(self) -> tuple[list[str], int | list[int]]:
        if not self.filter and not self.by_speaker and self.sort == CLAIM_SORTS[0]:
            keys = self.session.claim_ids()  # the common case, and the only one a long text makes slow
            self.shown_count = len(keys)
            return keys, 2
        claims = self.shown_claims()
        self.shown_count = len(claims)
        if not claims and self.filter:
            return [NOTICE], 1
        if not self.by_speaker:
            return [claim.id for claim in claims], 2
        groups = by_speaker(self.session, claims)
        self._group_sizes = {name: len(members) for name, members in groups}
        keys, heights = [], []
        for name, members in groups:
            keys.append(HEADING + name)
            keys += [claim.id for claim in members]
            heights += [1] + [2] * len(members)
        return keys, heights

    def entry_lines(self, key: str) -> list[Text]:
        if key == NOTICE:
            return [Text("No claim matches the filter.", style="dim")]
        if key.startswith(HEADING):
            name = key[len(HEADING) :]
            heading = Text(excerpt(name, EXCERPT_LENGTH - 8), style=Style(bold=True) + self.get_component_rich_style("claim-list--speaker", partial=True))
            heading.append(f"  {self._group_sizes.get(name, 0)} claim(s)", style="dim")
            return [heading]
        claim = self.session.by_id[key]
        speaker = self.session.speaker_name(claim)
        verdict = verdict_of(claim.attrs)
        suggested = claim.status == SUGGESTED
        details = Text("  ")
        details.append(display_text(claim.attrs.get("claim_type", claim.label)), style=self.get_component_rich_style("claim-list--type", partial=True))
        if speaker and not self.by_speaker:
            details.append(" · " + display_text(speaker), style=self.get_component_rich_style("claim-list--speaker", partial=True))
        details.append(f" · {display_text(verdict)}", style="dim")
        worth = claim.attrs.get("checkworthiness")
        if worth is not None:
            details.append(f" · cw {worth:.2f}", style="dim")
        if claim.attrs.get("note"):
            details.append(" · note", style="dim")
        if suggested:
            details.append(" · suggested", style="dim italic")
        return [Text(excerpt(claim.quote.exact, EXCERPT_LENGTH - 8), style="italic" if suggested else ""), details]

    def on_item_list_chosen(self, event: ItemList.Chosen) -> None:
        """Jump to the claim."""
        event.stop()
        claim = self.session.by_id.get(event.key)
        if claim is not None:
            self.post_message(JumpTo(claim.start, claim.end))
