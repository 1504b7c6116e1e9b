"""The side panel: the document's entities and claims, each a list that jumps to the text, and
the detail pane describing what the article's cursor (or a list) is on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from tui.messages import EntityChosen
from tui.session.claim_list import CLAIM_SORTS
from tui.widgets.claim_list import ClaimList
from tui.widgets.detail_pane import DetailPane
from tui.widgets.entity_list import EntityList
from tui.widgets.item_list import ItemList
from tui.widgets.panel_tabs import PanelTabs
from tui.widgets.session_list import OrphanList, SessionList

if TYPE_CHECKING:
    from textual.widgets import Input

    from tui.session.annotation_session import AnnotationSession
    from tui.widgets.disagreement_list import DisagreementList


class SidePanel(Vertical):
    """Tabs for the entity, claim and orphan lists, and the detail pane below them."""

    DEFAULT_CSS = """
    SidePanel { width: 46; border-left: tall $primary-background; }
    SidePanel > .panel-pane { height: 1fr; }
    SidePanel #claim-controls { height: 1; color: $text-muted; padding: 0 1; }
    SidePanel #claim-filter { display: none; }
    SidePanel #claim-filter.-shown { display: block; }
    """

    BINDINGS = [
        Binding("left", "switch_tab(-1)", "Previous tab", id="panel.previous_tab"),
        Binding("right", "switch_tab(1)", "Next tab", id="panel.next_tab"),
        Binding("s", "sort_claims", "Sort claims (text, speaker, verdict, check-worthiness, type)", id="panel.claims_sort"),
        Binding("f", "filter_claims", "Filter claims (speaker: verdict: type: cw:>=0.5 or words)", id="panel.claims_filter"),
        Binding("w", "claims_by_speaker", "Who said what: claims grouped by speaker", id="panel.claims_by_speaker"),
        Binding("escape", "clear_filter", "Clear the claim filter and the highlighted entity; with no filter, close the panel opened over the article", show=False, id="panel.claims_clear_filter"),
        Binding("ctrl+down", "scroll_details(1)", "Scroll the detail pane down", show=False, id="panel.details_down"),
        Binding("ctrl+up", "scroll_details(-1)", "Scroll the detail pane up", show=False, id="panel.details_up"),
    ]

    def __init__(self, session: AnnotationSession, cursor: int = 0, disagreements: DisagreementList | None = None) -> None:
        """The panel of ``session``, its detail pane on the article's ``cursor`` (the screen
        tells it where the cursor goes: :meth:`cursor_moved`); in curation mode the list of
        ``disagreements`` comes first."""
        super().__init__(id="side-panel")
        self.session = session
        self.cursor = cursor
        # The parts are kept rather than queried: the panel is rebuilt after every action.
        titles = {"entities": "Entities", "claims": "Claims", "orphans": "Orphans"}
        if disagreements is not None:
            titles = {"disagreements": "Disagreements", **titles}
        self.tabs = PanelTabs(titles, next(iter(titles)), id="panel-tabs")
        self.entity_list = EntityList(session)
        self.claim_list = ClaimList(session)
        self.orphan_list = OrphanList(session)
        self.lists: dict[str, SessionList] = {"entities": self.entity_list, "claims": self.claim_list, "orphans": self.orphan_list}
        self.disagreements = disagreements
        if disagreements is not None:
            self.lists = {"disagreements": disagreements, **self.lists}
        self.claim_controls = Static("", id="claim-controls")
        self.claim_filter: Input | None = None  # made when the filter is first opened
        # What each tab shows: its list, and for claims the sort line and filter above it.
        # Only the pane on show is displayed (plain widgets, no switcher container: every
        # level of nesting costs a little on every action).
        self.panes = {**self.lists, "claims": Vertical(id="claims")}
        for tab, pane in self.panes.items():
            pane.add_class("panel-pane")
            pane.display = tab == self.tabs.active
        self.detail = DetailPane(session)

    def compose(self) -> ComposeResult:
        yield self.tabs
        if self.disagreements is not None:
            yield self.disagreements
        yield self.entity_list
        with self.panes["claims"]:
            yield self.claim_controls
            yield self.claim_list
        yield self.orphan_list
        yield self.detail

    def on_mount(self) -> None:
        self.cursor_moved(self.cursor)
        self.rebuild()

    def cursor_moved(self, offset: int, changed: bool = False) -> None:
        """Describe the innermost annotation under the article's cursor (again if ``changed``:
        the annotation there may be the same one with a new label); in curation mode, the open
        disagreement there instead."""
        self.cursor = offset
        self.detail_follows_list = False
        disagreement = self.disagreements.describe_open_at(offset) if self.disagreements is not None else None
        if disagreement is not None:
            self.detail.show_text(disagreement)
            return
        here = self.session.at(offset)
        self.detail.show_annotation(here[0] if here else None, only_if_changed=not changed)

    # Whether the detail pane shows a list's highlighted entry rather than what is under the cursor.
    detail_follows_list = False

    def on_item_list_highlighted(self, event: ItemList.Highlighted) -> None:
        """Describe the claim, entity or orphan highlighted in a list."""
        key = event.key
        detail = self.detail
        if key in self.session.entities:
            self.detail_follows_list = True
            detail.show_entity(self.session.entities[key])
        elif key in self.session.by_id:
            self.detail_follows_list = True
            detail.show_annotation(self.session.by_id[key])

    def rebuild(self) -> None:
        """Refill what changed: the list on show (the others when they are shown), the tab
        titles and the detail pane."""
        if not self.entity_list.is_attached:  # not composed yet: on_mount rebuilds
            return
        active = self.active_tab
        claims = self.claim_list
        for tab, item_list in self.lists.items():
            # A filtered claim list is refilled even when hidden: its tab title counts what it shows.
            if tab == active or (item_list is claims and claims.filter):
                item_list.refill()
        session = self.session
        total = session.claim_count()
        shown = claims.shown_count if claims.filter else total
        tabs = self.tabs
        tabs.set_title("entities", f"Entities {session.entity_count()}")
        tabs.set_title("claims", f"Claims {total}" if shown == total else f"Claims {shown}/{total}")
        tabs.set_title("orphans", f"Orphans {session.orphan_count()}")
        if self.disagreements is not None:
            tabs.set_title("disagreements", self.disagreements.title())
        controls = Text(f"sort: {claims.sort}", style="dim")
        if claims.by_speaker:
            controls.append(" · by speaker")
        if claims.filter:
            controls.append(" · filter: ")
            controls.append(claims.filter)
        if controls != getattr(self, "_controls", None):
            self._controls = controls
            self.claim_controls.update(controls, layout=False)  # always one row
        if self.detail_follows_list:
            self.detail.refresh_details()
        else:
            self.cursor_moved(self.cursor, changed=True)

    def action_scroll_details(self, step: int) -> None:
        """Scroll the detail pane by a row (what it describes may not fit in it)."""
        self.detail.scroll_relative(y=step, animate=False, immediate=True)

    @property
    def active_tab(self) -> str:
        """The id of the tab on show: ``entities``, ``claims`` or ``orphans``."""
        return self.tabs.active

    def show_tab(self, tab: str) -> None:
        """Show a tab; its list is refilled if it changed while hidden."""
        for name, pane in self.panes.items():
            pane.display = name == tab
        self.tabs.active = tab
        self.lists[tab].refill()

    def on_panel_tabs_activated(self, event: PanelTabs.Activated) -> None:
        """A clicked title shows its tab, with focus in its list."""
        self.show_tab(event.tab)
        self.lists[event.tab].focus()

    def action_switch_tab(self, step: int) -> None:
        """Switch to the next (or previous) tab and focus its list."""
        order = list(self.lists)
        tab = order[(order.index(self.active_tab) + step) % len(order)]
        self.show_tab(tab)
        self.lists[tab].focus()

    def show_claims(self) -> ClaimList:
        """Bring the Claims tab forward, showing the panel if it is collapsed or hidden, and
        return its list."""
        self.show_tab("claims")
        if not self.in_view:
            self.focus_list()  # the screen shows the panel that holds focus
        return self.claim_list

    @property
    def in_view(self) -> bool:
        """Whether the panel is on screen: not hidden by `P`, and on a narrow screen opened
        (see tui/screens/panel_layout.py)."""
        return not self.has_class("-hidden") and (self.has_class("-open") or not self.screen.has_class("-narrow"))

    def focus_list(self) -> None:
        """Focus the list of the tab on show."""
        self.lists[self.active_tab].focus()

    def action_sort_claims(self) -> None:
        """Sort the claims by the next key: text order, speaker, verdict, check-worthiness, type."""
        claims = self.show_claims()
        self.sort_claims_by(CLAIM_SORTS[(CLAIM_SORTS.index(claims.sort) + 1) % len(CLAIM_SORTS)])
        claims.focus()

    def sort_claims_by(self, sort: str) -> None:
        """Show the Claims tab sorted by ``sort``."""
        self.show_claims().change_view(sort=sort)
        self.rebuild()

    def action_claims_by_speaker(self) -> None:
        """Group the claims by speaker ("who said what"), or list them again."""
        claims = self.show_claims()
        claims.change_view(by_speaker=not claims.by_speaker)
        self.rebuild()
        claims.focus()

    def action_filter_claims(self) -> None:
        """Show the filter field; the list follows as you type, Enter returns to the list."""
        self.show_claims()
        field = self.claim_filter
        if field is None:
            # Made on first use: the input's code and styles would cost every first screen.
            from tui.widgets.fields import SafeInput

            field = self.claim_filter = SafeInput(placeholder="speaker:name verdict:false type:quote cw:>=0.5 or words", id="claim-filter", compact=True)
            self.panes["claims"].mount(field, before=self.claim_list)
        field.add_class("-shown")
        self.call_after_refresh(field.focus)  # once mounted, the first time

    def on_input_changed(self, event: Input.Changed) -> None:
        """Filter the claims as the filter is typed."""
        if event.input.id == "claim-filter":
            event.stop()
            self.claim_list.change_view(filter=event.value.strip())
            self.rebuild()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Back to the filtered list."""
        if event.input.id == "claim-filter":
            event.stop()
            if not event.value.strip():
                event.input.remove_class("-shown")
            self.claim_list.focus()

    async def action_clear_filter(self) -> None:
        """Drop the claim filter and hide its field; no entity's mentions stay highlighted.
        Without a filter to drop, a panel opened over the article closes."""
        self.post_message(EntityChosen(""))
        field = self.claim_filter
        if not self.claim_list.filter and (field is None or not field.has_class("-shown")) and self.screen.has_class("-narrow"):
            await self.run_action("screen.hide_panel")
            return
        if field is not None:
            field.value = ""
            field.remove_class("-shown")
        self.claim_list.change_view(filter="")
        self.rebuild()
        self.claim_list.focus()
