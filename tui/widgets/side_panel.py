"""The side panel: the document's entities and claims, each a list that jumps to the text."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, TabbedContent, TabPane
from textual.widgets.option_list import Option

from tui.messages import JumpTo
from tui.model.display import display_text
from tui.model.labels import color_for
from tui.store.session import AnnotationSession

EXCERPT_LENGTH = 48


def excerpt(text: str, length: int = EXCERPT_LENGTH) -> str:
    """A one-line, display-safe excerpt of ``text``."""
    flat = display_text(" ".join(text.split()))
    return flat if len(flat) <= length else flat[: length - 1] + "…"


class EntityList(OptionList):
    """Entities grouped by label with their mention counts; Enter jumps to the next mention."""

    def __init__(self, session: AnnotationSession) -> None:
        super().__init__(id="entity-list")
        self.session = session
        self._next_mention: dict[str, int] = {}

    def rebuild(self) -> None:
        """Refill the list from the session, keeping the highlighted entity."""
        highlighted = self.highlighted_option.id if self.highlighted_option else None
        options: list[Option] = []
        for label, entities in self.session.entity_groups():
            options.append(Option(Text(label, style=f"bold {color_for(label)}"), disabled=True))
            for entity, count in entities:
                prompt = Text.assemble("  ", (excerpt(entity.name, EXCERPT_LENGTH - 10), color_for(label)), f" ×{count}")
                options.append(Option(prompt, id=entity.entity_id))
        self.set_options(options)
        if highlighted is not None and highlighted in {o.id for o in options}:
            self.highlighted = self.get_option_index(highlighted)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Jump to the entity's next mention, cycling through them."""
        event.stop()
        entity_id = event.option.id
        mentions = self.session.mentions_of(entity_id) if entity_id else []
        if not mentions:
            return
        position = self._next_mention.get(entity_id, 0) % len(mentions)
        self._next_mention[entity_id] = position + 1
        self.post_message(JumpTo(mentions[position].start, mentions[position].end))


class ClaimList(OptionList):
    """Claims in text order: excerpt, kind, speaker and verdict; Enter jumps to the claim."""

    def __init__(self, session: AnnotationSession) -> None:
        super().__init__(id="claim-list")
        self.session = session

    def rebuild(self) -> None:
        """Refill the list from the session, keeping the highlighted claim."""
        highlighted = self.highlighted_option.id if self.highlighted_option else None
        options = []
        for claim in self.session.claims():
            speaker = self.session.speaker_name(claim)
            verdict = claim.attrs.get("verdict") or "unverified"
            prompt = Text(excerpt(claim.quote.exact), style="italic" if claim.status == "suggested" else "")
            prompt.append("\n  ")
            prompt.append(claim.attrs.get("claim_type", claim.label), style="bold #ffd75f")
            if speaker:
                prompt.append(" · " + display_text(speaker), style="#5fafff")
            prompt.append(f" · {verdict}", style="dim")
            if claim.status == "suggested":
                prompt.append(" · suggested", style="dim italic")
            options.append(Option(prompt, id=claim.id))
        self.set_options(options)
        if highlighted is not None and highlighted in {o.id for o in options}:
            self.highlighted = self.get_option_index(highlighted)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Jump to the claim."""
        event.stop()
        claim = self.session.by_id.get(event.option.id or "")
        if claim is not None:
            self.post_message(JumpTo(claim.start, claim.end))


class OrphanList(OptionList):
    """Annotations that could not be placed on this version of the text, with their quotes."""

    def __init__(self, session: AnnotationSession) -> None:
        super().__init__(id="orphan-list")
        self.session = session

    def orphans(self):
        """The session's orphaned annotations, in their old text order."""
        return sorted((a for a in self.session.by_id.values() if a.anchor == "orphan"), key=lambda a: a.start)

    def rebuild(self) -> None:
        """Refill the list from the session."""
        options = []
        for orphan in self.orphans():
            prompt = Text(f"“{excerpt(orphan.quote.exact)}”")
            prompt.append(f"\n  {orphan.label} · was at {orphan.start}–{orphan.end}", style="dim")
            options.append(Option(prompt, id=orphan.id))
        if not options:
            options.append(Option(Text("Every annotation is anchored to the text.", style="dim"), disabled=True))
        self.set_options(options)


class SidePanel(Vertical):
    """Tabs for the entity and claim lists."""

    DEFAULT_CSS = """
    SidePanel { width: 46; border-left: tall $primary-background; }
    SidePanel OptionList { height: 1fr; border: none; }
    """

    BINDINGS = [
        Binding("left", "switch_tab(-1)", "Previous tab", id="panel.previous_tab"),
        Binding("right", "switch_tab(1)", "Next tab", id="panel.next_tab"),
    ]

    def __init__(self, session: AnnotationSession) -> None:
        super().__init__(id="side-panel")
        self.session = session

    def compose(self) -> ComposeResult:
        with TabbedContent(initial="entities"):
            with TabPane("Entities", id="entities"):
                yield EntityList(self.session)
            with TabPane("Claims", id="claims"):
                yield ClaimList(self.session)
            with TabPane("Orphans", id="orphans"):
                yield OrphanList(self.session)

    def on_mount(self) -> None:
        self.rebuild()

    def rebuild(self) -> None:
        """Refill the lists and their tab titles (once they are mounted)."""
        if not self.query(EntityList):
            return
        self.query_one(EntityList).rebuild()
        self.query_one(ClaimList).rebuild()
        orphans = self.query_one(OrphanList)
        orphans.rebuild()
        tabs = self.query_one(TabbedContent)
        tabs.get_tab("orphans").label = f"Orphans {len(orphans.orphans())}"
        entity_count = sum(len(items) for _, items in self.session.entity_groups())
        tabs.get_tab("entities").label = f"Entities {entity_count}"
        tabs.get_tab("claims").label = f"Claims {len(self.session.claims())}"

    TAB_ORDER = ("entities", "claims", "orphans")

    def action_switch_tab(self, step: int) -> None:
        """Switch to the next (or previous) tab and focus its list."""
        tabs = self.query_one(TabbedContent)
        position = self.TAB_ORDER.index(tabs.active) if tabs.active in self.TAB_ORDER else 0
        tab = self.TAB_ORDER[(position + step) % len(self.TAB_ORDER)]
        tabs.active = tab
        self.query_one(f"#{tab} OptionList", OptionList).focus()
