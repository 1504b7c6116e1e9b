"""The side panel: the document's entities and claims, each a list that jumps to the text."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static

from tui.messages import JumpTo
from tui.model.annotation import CLAIM_TYPES, SUGGESTED, VERDICTS, Annotation, Entity
from tui.model.display import display_text
from tui.model.labels import color_for
from tui.widgets.article_view import ArticleView
from tui.widgets.detail_pane import DetailPane
from tui.widgets.item_list import NOT_SELECTABLE, ItemList
from tui.widgets.lines import OneLine

if TYPE_CHECKING:
    from textual.widgets import Input

    from tui.session.annotation_session import AnnotationSession

EXCERPT_LENGTH = 48
CLAIM_SORTS = ("text order", "speaker", "verdict", "check-worthiness", "type")
NO_SPEAKER = "(no speaker)"
# Keys of entries that are not annotations or entities: headings, and the notice of an empty list.
HEADING = NOT_SELECTABLE + "heading:"
NOTICE = NOT_SELECTABLE + "notice"


@lru_cache(maxsize=8192)  # the same names and quotes are drawn again after every action
def excerpt(text: str, length: int = EXCERPT_LENGTH) -> str:
    """A one-line, display-safe excerpt of ``text``."""
    flat = display_text(" ".join(text.split()))
    return flat if len(flat) <= length else flat[: length - 1] + "…"


class SessionList(ItemList):
    """A side-panel list filled from the session, and refilled only when what it shows changed.

    Subclasses name the session's ``topic`` they follow and give ``entries()``: the keys of
    the entries to show now and their heights (as :meth:`ItemList.set_entries` takes them).
    """

    # Which of the session's versions (see AnnotationSession.versions) this list follows.
    topic: ClassVar[str] = ""

    def __init__(self, session: AnnotationSession, id: str) -> None:
        super().__init__(id=id)
        self.session = session
        self.built_version: int | None = None

    def invalidate(self) -> None:
        """Refill at the next chance even if the session did not change (the view did)."""
        self.built_version = None

    def refill(self) -> bool:
        """Refill from the session if it changed since the last fill; ``True`` if refilled."""
        version = self.session.versions[self.topic]
        if version == self.built_version:
            return False
        self.built_version = version
        self.set_entries(*self.entries())
        return True


class EntityList(SessionList):
    """Entities grouped by label with their mention counts; Enter jumps to the next mention and
    highlights all of them in the article."""

    topic = "entities"

    def __init__(self, session: AnnotationSession) -> None:
        super().__init__(session, id="entity-list")
        self._next_mention: dict[str, int] = {}

    def entries(self) -> tuple[list[str], list[int]]:
        keys, heights = [], []
        for label, entities in self.session.entity_groups():
            keys.append(HEADING + label)
            heights.append(1)
            for entity, _ in entities:
                keys.append(entity.entity_id)
                heights.append(2 if self._second_line(entity) else 1)
        return keys, heights

    def _second_line(self, entity: Entity) -> str:
        """The entity's other mention forms and knowledge-base id, if any."""
        forms = [form for form in self.session.mention_forms(entity.entity_id) if form != entity.name]
        return ", ".join(forms + ([entity.kb_id] if entity.kb_id else []))

    def entry_lines(self, key: str) -> list[Text]:
        if key.startswith(HEADING):
            label = key[len(HEADING) :]
            return [Text(display_text(label), style=f"bold {color_for(label)}")]
        entity = self.session.entities[key]
        color = color_for(entity.label)
        lines = [Text.assemble("  ", (excerpt(entity.name, EXCERPT_LENGTH - 14), color), f" ×{self.session.mention_count(entity.entity_id)}")]
        second = self._second_line(entity)
        if second:
            lines.append(Text("    " + excerpt(second, EXCERPT_LENGTH - 6), style="dim"))
        return lines

    def on_item_list_chosen(self, event: ItemList.Chosen) -> None:
        """Jump to the entity's next mention, cycling through them."""
        event.stop()
        entity_id = event.key
        mentions = self.session.mentions_of(entity_id)
        if not mentions:
            return
        position = self._next_mention.get(entity_id, 0) % len(mentions)
        self._next_mention[entity_id] = position + 1
        self.query_ancestor(SidePanel).mark_entity(entity_id)
        self.post_message(JumpTo(mentions[position].start, mentions[position].end))


def claim_matches(session: AnnotationSession, claim: Annotation, query: str) -> bool:
    """Whether a claim passes a filter: every word must match. ``speaker:``, ``verdict:`` and
    ``type:`` words compare one field (the speaker by substring), ``cw:>=0.5`` (or ``<``,
    ``>``, ``<=``, a bare number meaning at least) compares the check-worthiness, and a plain
    word may appear in the speaker, verdict, type or the claim's text."""
    attrs = claim.attrs
    fields = {
        "speaker": session.speaker_name(claim).casefold(),
        "verdict": (attrs.get("verdict") or "unverified").casefold(),
        "type": (attrs.get("claim_type") or claim.label).casefold(),
    }
    for word in query.casefold().split():
        key, colon, value = word.partition(":")
        if colon and key in ("cw", "worth", "checkworthiness"):
            if not _worth_passes(attrs.get("checkworthiness"), value):
                return False
        elif colon and key == "speaker":
            if value not in fields["speaker"]:
                return False
        elif colon and key in ("verdict", "type"):
            if fields[key] != value:
                return False
        elif not any(word in field for field in (*fields.values(), claim.quote.exact.casefold())):
            return False
    return True


def _worth_passes(worth: float | None, condition: str) -> bool:
    """Compare a check-worthiness with ``>=0.5``, ``<0.3``, ``0.5`` (at least) and the like."""
    for operator in (">=", "<=", ">", "<", "="):
        if condition.startswith(operator):
            number = condition[len(operator) :]
            break
    else:
        operator, number = ">=", condition
    try:
        limit = float(number)
    except ValueError:
        return False
    if worth is None:
        return False
    return {">=": worth >= limit, "<=": worth <= limit, ">": worth > limit, "<": worth < limit, "=": worth == limit}[operator]


def claim_sort_key(session: AnnotationSession, sort: str):
    """The sort key function for one of :data:`CLAIM_SORTS` (ties keep text order)."""
    if sort == "speaker":
        return lambda c: (session.speaker_name(c).casefold() or "\uffff", c.start)
    if sort == "verdict":
        return lambda c: (VERDICTS.index(c.attrs.get("verdict") or "unverified") if (c.attrs.get("verdict") or "unverified") in VERDICTS else len(VERDICTS), c.start)
    if sort == "check-worthiness":
        return lambda c: (-(c.attrs.get("checkworthiness") if c.attrs.get("checkworthiness") is not None else -1), c.start)
    if sort == "type":
        return lambda c: (CLAIM_TYPES.index(c.label) if c.label in CLAIM_TYPES else len(CLAIM_TYPES), c.start)
    return lambda c: (c.start, c.end)


class ClaimList(SessionList):
    """Claims with excerpt, kind, speaker and verdict, sorted and filtered as asked, or grouped
    by speaker ("who said what"); Enter jumps to the claim."""

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
        claims = self.session.claims()  # in text order already
        if self.filter:
            claims = [c for c in claims if claim_matches(self.session, c, self.filter)]
        return claims if self.sort == CLAIM_SORTS[0] else sorted(claims, key=claim_sort_key(self.session, self.sort))

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
        groups: dict[str, list[Annotation]] = {}
        for claim in claims:
            groups.setdefault(self.session.speaker_name(claim) or NO_SPEAKER, []).append(claim)
        self._group_sizes = {name: len(members) for name, members in groups.items()}
        keys, heights = [], []
        for name in sorted(groups, key=lambda name: (name == NO_SPEAKER, -len(groups[name]), name.casefold())):
            keys.append(HEADING + name)
            keys += [claim.id for claim in groups[name]]
            heights += [1] + [2] * len(groups[name])
        return keys, heights

    def entry_lines(self, key: str) -> list[Text]:
        if key == NOTICE:
            return [Text("No claim matches the filter.", style="dim")]
        if key.startswith(HEADING):
            name = key[len(HEADING) :]
            heading = Text(excerpt(name, EXCERPT_LENGTH - 8), style="bold #5fafff")
            heading.append(f"  {self._group_sizes.get(name, 0)} claim(s)", style="dim")
            return [heading]
        claim = self.session.by_id[key]
        speaker = self.session.speaker_name(claim)
        verdict = claim.attrs.get("verdict") or "unverified"
        suggested = claim.status == SUGGESTED
        details = Text("  ")
        details.append(display_text(claim.attrs.get("claim_type", claim.label)), style="bold #ffd75f")
        if speaker and not self.by_speaker:
            details.append(" · " + display_text(speaker), style="#5fafff")
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


class OrphanList(SessionList):
    """Annotations that could not be placed on this version of the text, with their quotes."""

    topic = "orphans"

    def __init__(self, session: AnnotationSession) -> None:
        super().__init__(session, id="orphan-list")

    def entries(self) -> tuple[list[str], int | list[int]]:
        orphans = self.session.orphans()
        return ([orphan.id for orphan in orphans], 2) if orphans else ([NOTICE], 1)

    def entry_lines(self, key: str) -> list[Text]:
        if key == NOTICE:
            return [Text("Every annotation is anchored to the text.", style="dim")]
        orphan = self.session.by_id[key]
        return [Text(f"“{excerpt(orphan.quote.exact)}”"), Text(f"  {display_text(orphan.label)} · was at {orphan.start}–{orphan.end}", style="dim")]


class PanelTabs(OneLine):
    """The side panel's tab titles with their counts, on one row.

    A title changes with almost every action (the counts), so changing one only repaints this
    row; Textual's tabs would lay the whole screen out again each time.
    """

    DEFAULT_CSS = """
    PanelTabs { height: 1; padding: 0 1; color: $text-muted; background: $boost; }
    PanelTabs > .panel-tabs--active { color: $text; text-style: bold underline; }
    """

    COMPONENT_CLASSES = {"panel-tabs--active"}

    active: reactive[str] = reactive("", layout=False)

    class Activated(Message):
        """A tab title was clicked."""

        def __init__(self, tab: str) -> None:
            super().__init__()
            self.tab = tab

    def __init__(self, titles: dict[str, str], active: str, id: str | None = None) -> None:
        super().__init__(id=id)
        self.titles = dict(titles)
        self.set_reactive(PanelTabs.active, active)
        self._spans: list[tuple[int, int, str]] = []

    def set_title(self, tab: str, title: str) -> None:
        """Change one tab's title (a repaint of this row only when it differs)."""
        if self.titles.get(tab) != title:
            self.titles[tab] = title
            self.refresh()

    def render(self) -> Text:
        line = Text(no_wrap=True, overflow="ellipsis")
        active_style = self.get_component_rich_style("panel-tabs--active")
        self._spans = []
        for tab, title in self.titles.items():
            if line:
                line.append("  ")
            self._spans.append((len(line), len(line) + len(title), tab))
            line.append(title, style=active_style if tab == self.active else "")
        return line

    def on_click(self, event: events.Click) -> None:
        """A click on a title shows that tab."""
        x = event.x - self.styles.padding.left
        tab = next((tab for start, end, tab in self._spans if start <= x < end), None)
        if tab is not None:
            self.post_message(self.Activated(tab))


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
        Binding("escape", "clear_filter", "Clear the claim filter and the highlighted entity", show=False, id="panel.claims_clear_filter"),
    ]

    def __init__(self, session: AnnotationSession) -> None:
        super().__init__(id="side-panel")
        self.session = session
        # The parts are kept rather than queried: the panel is rebuilt after every action.
        self.tabs = PanelTabs({"entities": "Entities", "claims": "Claims", "orphans": "Orphans"}, "entities", id="panel-tabs")
        self.entity_list = EntityList(session)
        self.claim_list = ClaimList(session)
        self.orphan_list = OrphanList(session)
        self.lists: dict[str, SessionList] = {"entities": self.entity_list, "claims": self.claim_list, "orphans": self.orphan_list}
        self.claim_controls = Static("", id="claim-controls")
        self.claim_filter: Input | None = None  # made when the filter is first opened
        # What each tab shows: its list, and for claims the sort line and filter above it.
        # Only the pane on show is displayed (plain widgets, no switcher container: every
        # level of nesting costs a little on every action).
        self.panes = {"entities": self.entity_list, "claims": Vertical(id="claims"), "orphans": self.orphan_list}
        for tab, pane in self.panes.items():
            pane.add_class("panel-pane")
            pane.display = tab == self.tabs.active
        self.detail = DetailPane(session)
        self.articles: list[ArticleView] = []

    def compose(self) -> ComposeResult:
        yield self.tabs
        yield self.entity_list
        with self.panes["claims"]:
            yield self.claim_controls
            yield self.claim_list
        yield self.orphan_list
        yield self.detail

    def on_mount(self) -> None:
        # The detail pane follows the article's cursor (the lists update it as they are browsed).
        self.articles = list(self.app.query(ArticleView))
        for article in self.articles:
            # A one-argument callback: Textual passes (old, new) to a watcher that takes two.
            self.watch(article, "cursor", lambda offset: self.cursor_moved(offset))
        self.rebuild()

    def cursor_moved(self, offset: int, changed: bool = False) -> None:
        """Describe the innermost annotation under the article's cursor (again if ``changed``:
        the annotation there may be the same one with a new label)."""
        self.detail_follows_list = False
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

    def mark_entity(self, entity_id: str) -> None:
        """Highlight every mention of an entity in the article (``""`` takes the highlight away)."""
        for article in self.articles:
            old = article.marked_entity
            if old == entity_id:
                continue
            article.marked_entity = entity_id
            ranges = [(m.start, m.end) for marked in (old, entity_id) if marked for m in self.session.mentions_of(marked)]
            if ranges:
                article.invalidate(ranges)

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
        controls = Text(f"sort: {claims.sort}", style="dim")
        if claims.by_speaker:
            controls.append(" · by speaker")
        if claims.filter:
            controls.append(" · filter: ")
            controls.append(claims.filter)
        if controls != getattr(self, "_controls", None):
            self._controls = controls
            self.claim_controls.update(controls, layout=False)  # always one row
        if self.detail_follows_list or not self.articles:
            self.detail.refresh_details()
        else:
            self.cursor_moved(self.articles[0].cursor, changed=True)

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

    TAB_ORDER = ("entities", "claims", "orphans")

    def action_switch_tab(self, step: int) -> None:
        """Switch to the next (or previous) tab and focus its list."""
        position = self.TAB_ORDER.index(self.active_tab) if self.active_tab in self.TAB_ORDER else 0
        tab = self.TAB_ORDER[(position + step) % len(self.TAB_ORDER)]
        self.show_tab(tab)
        self.lists[tab].focus()

    def show_claims(self) -> ClaimList:
        """Bring the Claims tab forward and return its list."""
        self.show_tab("claims")
        return self.claim_list

    def action_sort_claims(self) -> None:
        """Sort the claims by the next key: text order, speaker, verdict, check-worthiness, type."""
        claims = self.show_claims()
        claims.change_view(sort=CLAIM_SORTS[(CLAIM_SORTS.index(claims.sort) + 1) % len(CLAIM_SORTS)])
        self.rebuild()
        claims.focus()

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

    def action_clear_filter(self) -> None:
        """Drop the claim filter and hide its field; no entity's mentions stay highlighted."""
        self.mark_entity("")
        field = self.claim_filter
        if field is not None:
            field.value = ""
            field.remove_class("-shown")
        self.claim_list.change_view(filter="")
        self.rebuild()
        self.claim_list.focus()
