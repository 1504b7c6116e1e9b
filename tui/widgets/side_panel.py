"""The side panel: the document's entities and claims, each a list that jumps to the text."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static, TabbedContent, TabPane
from textual.widgets.option_list import Option

from tui.messages import JumpTo
from tui.model.annotation import CLAIM_TYPES, VERDICTS, Annotation
from tui.model.display import display_text
from tui.model.labels import color_for
from tui.store.session import AnnotationSession
from tui.widgets.article_view import ArticleView
from tui.widgets.detail_pane import DetailPane

EXCERPT_LENGTH = 48
CLAIM_SORTS = ("text order", "speaker", "verdict", "check-worthiness", "type")
NO_SPEAKER = "(no speaker)"


def excerpt(text: str, length: int = EXCERPT_LENGTH) -> str:
    """A one-line, display-safe excerpt of ``text``."""
    flat = display_text(" ".join(text.split()))
    return flat if len(flat) <= length else flat[: length - 1] + "…"


class EntityList(OptionList):
    """Entities grouped by label with their mention counts; Enter jumps to the next mention and
    highlights all of them in the article."""

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
                prompt = Text.assemble("  ", (excerpt(entity.name, EXCERPT_LENGTH - 14), color_for(label)), f" ×{count}")
                forms = [form for form in self.session.mention_forms(entity.entity_id) if form != entity.name]
                if forms or entity.kb_id:
                    prompt.append("\n    " + excerpt(", ".join(forms + ([entity.kb_id] if entity.kb_id else [])), EXCERPT_LENGTH - 6), style="dim")
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


class ClaimList(OptionList):
    """Claims with excerpt, kind, speaker and verdict, sorted and filtered as asked, or grouped
    by speaker ("who said what"); Enter jumps to the claim."""

    def __init__(self, session: AnnotationSession) -> None:
        super().__init__(id="claim-list")
        self.session = session
        self.sort = CLAIM_SORTS[0]
        self.filter = ""
        self.by_speaker = False

    def shown_claims(self) -> list[Annotation]:
        """The claims that pass the filter, in the chosen order."""
        claims = [c for c in self.session.claims() if not self.filter or claim_matches(self.session, c, self.filter)]
        return sorted(claims, key=claim_sort_key(self.session, self.sort))

    def claim_option(self, claim: Annotation, show_speaker: bool = True) -> Option:
        """One claim's entry: excerpt, then type, speaker, verdict and score."""
        speaker = self.session.speaker_name(claim)
        verdict = claim.attrs.get("verdict") or "unverified"
        prompt = Text(excerpt(claim.quote.exact, EXCERPT_LENGTH - 8), style="italic" if claim.status == "suggested" else "")
        prompt.append("\n  ")
        prompt.append(claim.attrs.get("claim_type", claim.label), style="bold #ffd75f")
        if speaker and show_speaker:
            prompt.append(" · " + display_text(speaker), style="#5fafff")
        prompt.append(f" · {verdict}", style="dim")
        worth = claim.attrs.get("checkworthiness")
        if worth is not None:
            prompt.append(f" · cw {worth:.2f}", style="dim")
        if claim.attrs.get("note"):
            prompt.append(" · note", style="dim")
        if claim.status == "suggested":
            prompt.append(" · suggested", style="dim italic")
        return Option(prompt, id=claim.id)

    def rebuild(self) -> None:
        """Refill the list from the session, keeping the highlighted claim."""
        highlighted = self.highlighted_option.id if self.highlighted_option else None
        claims = self.shown_claims()
        options: list[Option] = []
        if self.by_speaker:
            groups: dict[str, list[Annotation]] = {}
            for claim in claims:
                groups.setdefault(self.session.speaker_name(claim) or NO_SPEAKER, []).append(claim)
            order = sorted(groups, key=lambda name: (name == NO_SPEAKER, -len(groups[name]), name.casefold()))
            for name in order:
                heading = Text(excerpt(name, EXCERPT_LENGTH - 8), style="bold #5fafff")
                heading.append(f"  {len(groups[name])} claim(s)", style="dim")
                options.append(Option(heading, disabled=True))
                options += [self.claim_option(claim, show_speaker=False) for claim in groups[name]]
        else:
            options = [self.claim_option(claim) for claim in claims]
        if not options and self.filter:
            options.append(Option(Text("No claim matches the filter.", style="dim"), disabled=True))
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

    def rebuild(self) -> None:
        """Refill the list from the session."""
        options = []
        for orphan in self.session.orphans():
            prompt = Text(f"“{excerpt(orphan.quote.exact)}”")
            prompt.append(f"\n  {orphan.label} · was at {orphan.start}–{orphan.end}", style="dim")
            options.append(Option(prompt, id=orphan.id))
        if not options:
            options.append(Option(Text("Every annotation is anchored to the text.", style="dim"), disabled=True))
        self.set_options(options)


class SidePanel(Vertical):
    """Tabs for the entity, claim and orphan lists, and the detail pane below them."""

    DEFAULT_CSS = """
    SidePanel { width: 46; border-left: tall $primary-background; }
    SidePanel TabbedContent { height: 1fr; }
    SidePanel OptionList { height: 1fr; border: none; }
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

    def compose(self) -> ComposeResult:
        with TabbedContent(initial="entities"):
            with TabPane("Entities", id="entities"):
                yield EntityList(self.session)
            with TabPane("Claims", id="claims"):
                yield Static("", id="claim-controls")
                yield Input(placeholder="speaker:name verdict:false type:quote cw:>=0.5 or words", id="claim-filter", compact=True)
                yield ClaimList(self.session)
            with TabPane("Orphans", id="orphans"):
                yield OrphanList(self.session)
        yield DetailPane(self.session)

    def on_mount(self) -> None:
        self.rebuild()
        # The detail pane follows the article's cursor (the lists update it as they are browsed).
        for article in self.app.query(ArticleView):
            self.watch(article, "cursor", self.cursor_moved)

    def cursor_moved(self, offset: int) -> None:
        """Describe the innermost annotation under the article's cursor."""
        self.detail_follows_list = False
        here = self.session.at(offset)
        self.query_one(DetailPane).show_annotation(here[0] if here else None, only_if_changed=True)

    # Whether the detail pane shows a list's highlighted entry rather than what is under the cursor.
    detail_follows_list = False

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """Describe the claim, entity or orphan highlighted in a list."""
        key = event.option.id or ""
        self.detail_follows_list = True
        detail = self.query_one(DetailPane)
        if key in self.session.entities:
            detail.show_entity(self.session.entities[key])
        elif key in self.session.by_id:
            detail.show_annotation(self.session.by_id[key])

    def mark_entity(self, entity_id: str) -> None:
        """Highlight every mention of an entity in the article (``""`` takes the highlight away)."""
        for article in self.app.query(ArticleView):
            old = article.marked_entity
            if old == entity_id:
                continue
            article.marked_entity = entity_id
            ranges = [(m.start, m.end) for marked in (old, entity_id) if marked for m in self.session.mentions_of(marked)]
            if ranges:
                article.invalidate(ranges)

    def rebuild(self) -> None:
        """Refill the lists, their tab titles and the detail pane (once they are mounted)."""
        if not self.query(EntityList):
            return
        self.query_one(EntityList).rebuild()
        claims = self.query_one(ClaimList)
        claims.rebuild()
        orphans = self.query_one(OrphanList)
        orphans.rebuild()
        tabs = self.query_one(TabbedContent)
        tabs.get_tab("orphans").label = f"Orphans {len(self.session.orphans())}"
        entity_count = sum(len(items) for _, items in self.session.entity_groups())
        tabs.get_tab("entities").label = f"Entities {entity_count}"
        total = len(self.session.claims())
        shown = len(claims.shown_claims())
        tabs.get_tab("claims").label = f"Claims {total}" if shown == total else f"Claims {shown}/{total}"
        controls = Text(f"sort: {claims.sort}", style="dim")
        if claims.by_speaker:
            controls.append(" · by speaker")
        if claims.filter:
            controls.append(" · filter: ")
            controls.append(claims.filter)
        self.query_one("#claim-controls", Static).update(controls)
        articles = self.app.query(ArticleView)
        if self.detail_follows_list or not articles:
            self.query_one(DetailPane).refresh_details()
        else:
            self.cursor_moved(articles.first().cursor)

    TAB_ORDER = ("entities", "claims", "orphans")

    def action_switch_tab(self, step: int) -> None:
        """Switch to the next (or previous) tab and focus its list."""
        tabs = self.query_one(TabbedContent)
        position = self.TAB_ORDER.index(tabs.active) if tabs.active in self.TAB_ORDER else 0
        tab = self.TAB_ORDER[(position + step) % len(self.TAB_ORDER)]
        tabs.active = tab
        self.query_one(f"#{tab} OptionList", OptionList).focus()

    def show_claims(self) -> ClaimList:
        """Bring the Claims tab forward and return its list."""
        self.query_one(TabbedContent).active = "claims"
        return self.query_one(ClaimList)

    def action_sort_claims(self) -> None:
        """Sort the claims by the next key: text order, speaker, verdict, check-worthiness, type."""
        claims = self.show_claims()
        claims.sort = CLAIM_SORTS[(CLAIM_SORTS.index(claims.sort) + 1) % len(CLAIM_SORTS)]
        self.rebuild()
        claims.focus()

    def action_claims_by_speaker(self) -> None:
        """Group the claims by speaker ("who said what"), or list them again."""
        claims = self.show_claims()
        claims.by_speaker = not claims.by_speaker
        self.rebuild()
        claims.focus()

    def action_filter_claims(self) -> None:
        """Show the filter field; the list follows as you type, Enter returns to the list."""
        self.show_claims()
        field = self.query_one("#claim-filter", Input)
        field.add_class("-shown")
        field.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        """Filter the claims as the filter is typed."""
        if event.input.id == "claim-filter":
            event.stop()
            self.query_one(ClaimList).filter = event.value.strip()
            self.rebuild()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Back to the filtered list."""
        if event.input.id == "claim-filter":
            event.stop()
            if not event.value.strip():
                event.input.remove_class("-shown")
            self.query_one(ClaimList).focus()

    def action_clear_filter(self) -> None:
        """Drop the claim filter and hide its field; no entity's mentions stay highlighted."""
        self.mark_entity("")
        field = self.query_one("#claim-filter", Input)
        field.value = ""
        field.remove_class("-shown")
        self.query_one(ClaimList).filter = ""
        self.rebuild()
        self.query_one(ClaimList).focus()
