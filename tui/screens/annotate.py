"""The annotate screen: the article, the side panel, the status line and the keys around them.

The screen coordinates: its widgets post messages and never call each other, and the screen
acts. It performs the annotation keys through the session (saving, reporting what failed),
opens the editors, the merge picker and search, and tells the article and the side panel what
changed. The dialogs are screens of their own, so the keys bound here do not act behind them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Static

from tui.messages import EntityChosen, JumpTo
from tui.model.annotation import ACCEPTED, SUGGESTED, Annotation, Entity
from tui.model.display import QUOTE_MARKS, display_text
from tui.model.document import Document
from tui.screens.annotate_corpus import CORPUS_BINDINGS, CorpusActions
from tui.screens.annotate_curation import CURATION_BINDINGS, CurationActions
from tui.screens.annotate_labels import LabelActions
from tui.screens.annotate_review import REVIEW_BINDINGS, ReviewActions
from tui.screens.annotate_search import SearchActions
from tui.screens.panel_layout import PANEL_BINDINGS, PanelLayout
from tui.session.search import SearchState
from tui.store.storage import StoreError
from tui.widgets.article_view import ArticleView
from tui.widgets.status_line import KeyHints, Legend, StatusLine, count_summary

if TYPE_CHECKING:
    from textual.timer import Timer

    from tui.session.annotation_session import AnnotationSession
    from tui.widgets.side_panel import SidePanel

# While the model's suggestions stream in, the side panel's lists are refilled at most this often
# (refilling a long article's entity list on every batch kept keys waiting).
STREAMING_PANEL_SECONDS = 0.5
LOADING = "the annotations are still loading; try again in a moment"


@dataclass(frozen=True)
class EditTarget:
    """What `e`, `m` and the palette's verdicts act on: a claim, or an entity with the mention
    it was found by (``None`` when it was chosen in the entities list); empty when nothing."""

    claim: Annotation | None = None
    entity: Entity | None = None
    mention: Annotation | None = None


class AnnotateScreen(CurationActions, CorpusActions, SearchActions, ReviewActions, LabelActions, PanelLayout, Screen[None]):
    """Read and annotate one document; the annotation keys act on the article's cursor."""

    BINDINGS = [
        *CURATION_BINDINGS,  # first of the screen's keys: in curation mode their hint comes right after the article's
        Binding("q", "app.quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("u,ctrl+z", "undo", "Undo", id="app.undo"),
        Binding("ctrl+r,ctrl+y", "redo", "Redo", show=False, id="app.redo"),
        Binding("tab", "switch_focus", "Article/panel", show=False, priority=True, id="app.switch_focus"),
        Binding("e", "edit_here", "Edit", id="factcheck.edit"),
        Binding("m", "merge_here", "Merge into entity", show=False, id="factcheck.merge"),
        Binding("slash", "search", "Search", id="search.open"),
        Binding("n", "search_step(1)", "Next hit", show=False, id="search.next"),
        Binding("N", "search_step(-1)", "Previous hit", show=False, id="search.previous"),
        *CORPUS_BINDINGS,
        *REVIEW_BINDINGS,
        *PANEL_BINDINGS,
    ]

    def __init__(self, document: Document, session: AnnotationSession | None = None) -> None:
        """Show ``document``, with ``session``'s annotations or those attached later."""
        super().__init__()
        self.document = document
        self.session = session
        self.notice = ""
        self.notice_is_error = False
        self.save_state = "loading annotations…"
        self.search_state = SearchState()
        # The parts every action updates are kept rather than queried each time.
        self.status_line = StatusLine(id="status")
        self.article = ArticleView(document, session, id="article")
        self.key_hints = KeyHints(id="keys")
        self.side_panel: SidePanel | None = None  # mounted once the annotations are loaded
        self.panel_refill: Timer | None = None

    def compose(self) -> ComposeResult:
        yield self.status_line
        with Horizontal(id="main"):
            yield self.article
        yield Legend(id="legend")
        yield self.key_hints

    def on_mount(self) -> None:
        self.article.focus()
        # A one-argument callback: Textual passes (old, new) to a watcher that takes two.
        self.watch(self.article, "cursor", lambda offset: self.side_panel and self.side_panel.cursor_moved(offset), init=False)
        self.watch(self.article, "keys_state", lambda _: self.key_hints.refresh_hints(), init=False)
        self.update_status()

    def attach(self, session: AnnotationSession) -> None:
        """Show a loaded session: its spans, the side panel, and a banner when read-only."""
        from tui.widgets.side_panel import SidePanel  # with the session: the first screen has no side panel

        self.session = session
        self.article.attach(session)
        self.side_panel = SidePanel(session, self.article.cursor, self.start_curation(session))
        self.query_one("#main").mount(self.side_panel)
        self.query_one(Legend).show_scheme(session.scheme)
        self.key_hints.refresh_hints()  # the curation keys show only in curation mode
        store = session.store
        if store.read_only:
            # The reason may name the lock's holder, read from a file anyone could have written.
            reason = store.read_only_reason or "opened read-only"
            advice = " Close the other Postil to edit." if store.lock_holder else ""
            banner = Text(display_text(f"READ-ONLY — {reason}; nothing you do here is saved.{advice}"))
            self.mount(Static(banner, id="read-only-banner"), before=self.status_line)

    def report_opening(self) -> None:
        """Say how the annotations were placed on a changed text, if it changed, and whether
        everything is saved."""
        report = self.session.reanchor_report
        if report is not None and report.total:
            self.say(report.summary, error=bool(report.orphaned))
        self.update_save_state()

    # Status

    def say(self, text: str, error: bool = False) -> None:
        """Show a short notice on the status line."""
        self.notice, self.notice_is_error = text, error
        self.update_status()

    def update_save_state(self) -> None:
        """Derive the save state shown on the status line from the session and store."""
        session = self.session
        if session.store.read_only:
            self.save_state = "read-only"
        elif session.pending:
            self.save_state = f"NOT SAVED: {session.pending} change(s), retrying"
            self.notice, self.notice_is_error = session.save_error or "", True
        else:
            self.save_state = "saved"
        self.update_status()

    def update_status(self) -> None:
        """Redraw the status line from the session (and the model's progress, which the app keeps),
        naming the database file in use."""
        session, line = self.session, self.status_line
        if session is None:
            store = getattr(self.app, "store", None)
            line.show(self.document.title, "annotations not loaded yet", self.save_state, self.notice, self.notice_is_error, store.path if store is not None else None)
            return
        counts = (self.curation_summary(), self.curation_summary(short=True)) if self.curation is not None else (count_summary(session.counts), count_summary(session.counts, short=True))
        line.show(session.document.title, counts[0], self.save_state, self.notice, self.notice_is_error,
                  session.store.path, getattr(self.app, "suggest_state", ""), counts[1])

    def annotations_changed(self, ranges: list[tuple[int, int]], streaming: bool = False) -> None:
        """Redraw what a change touched: the rows of the text, the lists, the counts. While the
        model's suggestions are ``streaming`` in, the lists are refilled on a timer."""
        article = self.article
        article.invalidate(ranges)
        if self.session.spans.generation != article.drawn_generation:  # a correction changes rows anywhere
            article.drawn_generation = self.session.spans.generation
            article.refresh()
        self.refresh_curation()
        if self.side_panel is not None:
            if not streaming:
                self.side_panel.rebuild()
            elif self.panel_refill is None:
                self.panel_refill = self.set_timer(STREAMING_PANEL_SECONDS, self.refill_panel)
        self.update_status()

    def refill_panel(self) -> None:
        """Refill the side panel after suggestions streamed in (see STREAMING_PANEL_SECONDS)."""
        self.panel_refill = None
        if self.side_panel is not None:
            self.side_panel.rebuild()

    def loaded(self) -> bool:
        """Whether the annotations are loaded; if not, say so (an action has nothing to act on yet)."""
        if self.session is None:
            self.say(LOADING)
            return False
        return True

    def perform(self, description: str, action: Callable[[], object]) -> object:
        """Run an annotation action; a failed save is shown, and what is on disk is untouched."""
        if not self.loaded():
            return None
        if self.session.store.read_only:
            self.say("read-only: this database is open in another Postil", error=True)
            return None
        try:
            result = action()
        except StoreError as error:
            self.say(str(error), error=True)
            return None
        self.notice, self.notice_is_error = description, False
        self.update_save_state()
        return result

    # The annotation keys (bound in the article pane, where the cursor and selection are).

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys that cannot act at the cursor are dimmed in the key hints."""
        if action in ("review_here", "accept_all_here"):
            return True if any(a.status == SUGGESTED for a in self.article.annotations_here()) else None
        if action == "delete_here":
            return True if self.article.annotations_here() else None
        if action == "take":
            return self.curation is not None  # hidden from the key hints outside curation mode
        return True

    def action_claim_target(self) -> None:
        """Mark the selection, or the sentence under the cursor, as a claim (a sentence holding one already opens that one)."""
        article = self.article
        target = article.selection or article.text_index.sentence_at(article.cursor)
        if target is None or not self.loaded():
            return
        start, end = target
        existing = None if article.selection else self.session.claim_over(start, end, article.cursor)
        if existing is not None:
            return self.open_claim_editor(existing)
        claim_type = "quote" if self.document.text[start] in QUOTE_MARKS else "assertion"
        claim = self.perform(f"marked a claim ({claim_type})", lambda: self.session.mark_claim(start, end, claim_type))
        article.clear_selection()
        if claim is not None:
            self.open_claim_editor(claim)

    def action_delete_here(self) -> None:
        """Delete the innermost annotation under the cursor."""
        here = self.article.annotations_here()
        if not here:
            self.say("nothing to delete here")
            return
        self.perform(f"deleted {here[0].label}", lambda: self.session.delete(here[0].id))

    def suggestion_here(self) -> Annotation | None:
        """The innermost suggestion under the cursor (saying so when there is none)."""
        suggestion = next((a for a in self.article.annotations_here() if a.status == SUGGESTED), None)
        if suggestion is None:
            self.say("no suggestion here")
        return suggestion

    def action_review_here(self, status: str) -> None:
        """Accept or reject the innermost suggestion under the cursor."""
        suggestion = self.suggestion_here()
        if suggestion is not None:
            verb = "accepted" if status == ACCEPTED else "rejected"
            self.perform(f"{verb} {suggestion.label}", lambda: self.session.set_status(suggestion.id, status))

    def action_accept_all_here(self) -> None:
        """Accept every suggestion with the label of the suggestion under the cursor."""
        suggestion = self.suggestion_here()
        if suggestion is None:
            return
        count = self.perform(f"accepted all {suggestion.label}", lambda: self.session.accept_all(suggestion.label))
        if count:
            self.say(f"accepted {count} {suggestion.label} suggestions")

    def action_undo(self) -> None:
        """Undo the last action."""
        self.step_history(redo=False)

    def action_redo(self) -> None:
        """Redo the last undone action."""
        self.step_history(redo=True)

    def step_history(self, redo: bool) -> None:
        """Undo or redo one action and show where it happened."""
        action = self.perform("redone" if redo else "undone", lambda: self.session.redo() if redo else self.session.undo())
        if action is None and not self.notice_is_error:
            self.say(f"nothing to {'redo' if redo else 'undo'}")
        elif action is not None and action.ranges:
            self.article.move_to(action.ranges[0][0])

    # Moving between the article and the side panel.

    def action_switch_focus(self) -> None:
        """Move focus between the article and the side panel's current list."""
        panel = self.side_panel
        if self.article.has_focus and panel is not None:
            panel.focus_list()  # which shows a collapsed or hidden panel
        else:
            self.article.focus()

    def on_jump_to(self, message: JumpTo) -> None:
        """A list entry was chosen: show it in the article and return focus there."""
        self.article.move_to(message.start, message.end)
        self.article.focus()

    def on_entity_chosen(self, message: EntityChosen) -> None:
        """Highlight every mention of the entity chosen in the list (or none)."""
        old, new = self.article.marked_entity, message.entity_id
        if old != new:
            self.article.mark_entity(new, [(m.start, m.end) for marked in (old, new) if marked for m in self.session.mentions_of(marked)])

    # The claims list, as the palette asks for it.

    def action_sort_claims_by(self, sort: str) -> None:
        """List the claims in ``sort`` order (one of tui.session.claim_list.CLAIM_SORTS)."""
        if self.side_panel is not None:
            self.side_panel.sort_claims_by(sort)

    def action_claims_by_speaker(self) -> None:
        """Group the claims by speaker, or list them again."""
        if self.side_panel is not None:
            self.side_panel.action_claims_by_speaker()

    def action_filter_claims(self) -> None:
        """Open the claims filter."""
        if self.side_panel is not None:
            self.side_panel.action_filter_claims()

    def action_help(self) -> None:
        """Show every binding."""
        from tui.screens.help import HelpScreen, binding_sections

        sources = [("Everywhere", [self.app, self]), ("Article", [self.article])]
        if self.side_panel is not None:  # (the lists by their type's name: ItemList is imported with the panel)
            sources += [("Side panel", [self.side_panel]), ("Lists", [self.side_panel.query_one("ItemList")])]
        self.app.push_screen(HelpScreen(binding_sections(sources, getattr(self.app, "_keymap", None) or {})))

    # Fact-checking: the claim and entity editors and merging, each a dialog (search: SearchActions).

    edit_spot = (-1, 0)  # (cursor, level) of the last `e` in the article: `e` again there goes a level out

    def edit_target(self, level: int = 0) -> EditTarget:
        """The highlighted entry of a focused side-panel list, else the claim or entity mention
        under the cursor, innermost first (``level`` steps out from it, wrapping round)."""
        from tui.widgets.item_list import ItemList

        session = self.session
        focused = self.focused
        if isinstance(focused, ItemList) and focused.id in ("claim-list", "entity-list"):
            key = focused.highlighted_key
            if key in session.by_id:
                return EditTarget(claim=session.by_id[key])
            return EditTarget(entity=session.entities.get(key or ""))
        here = session.editable_at(self.article.cursor)
        found = here[level % len(here)] if here else None
        if found is None or found.is_claim:
            return EditTarget(claim=found)
        return EditTarget(entity=session.entities[found.attrs["entity_id"]], mention=found)

    def action_edit_here(self) -> None:
        """Open the editor of the claim or entity under the cursor; `e` again on the same spot opens the one around it."""
        if not self.loaded():
            return
        from tui.widgets.item_list import ItemList

        cursor = -1 if isinstance(self.focused, ItemList) else self.article.cursor
        level = self.edit_spot[1] + 1 if cursor >= 0 and self.edit_spot[0] == cursor else 0
        self.edit_spot, target = (cursor, level), self.edit_target(level)
        if target.claim is not None:
            self.open_claim_editor(target.claim)
        elif target.entity is not None:
            if cursor >= 0 and len(self.session.editable_at(cursor)) > 1:
                self.say(f"editing {target.entity.name}; e again here edits the claim around it")
            self.open_entity_editor(target.entity, target.mention)
        else:
            self.say("nothing to edit here: put the cursor on a claim or an entity")

    def action_set_verdict(self, verdict: str) -> None:
        """Give the claim under the cursor a verdict (one undoable action)."""
        if not self.loaded():
            return
        claim = self.edit_target().claim
        if claim is None:
            self.say("no claim here to give a verdict")
            return
        self.give_verdict(claim.id, verdict)  # as the verdict picker does: a suggested claim is accepted with its speaker

    def show_details(self, annotation: Annotation | None) -> None:
        """Show an annotation in the detail pane (until the cursor moves)."""
        if self.side_panel is not None:
            self.side_panel.detail.show_annotation(annotation)

    def open_claim_editor(self, claim: Annotation) -> None:
        """Show the claim editor; what it saves is one undoable action."""

        def save(attrs: dict) -> str | None:
            try:
                saved = self.perform("claim saved", lambda: self.session.update_claim(claim.id, **attrs))
            except ValueError as error:
                return str(error)
            if saved is None:
                return self.notice or "the claim is gone (undone or deleted)"
            self.show_details(saved)
            return None

        from tui.screens.claim_editor import ClaimEditor

        self.app.push_screen(ClaimEditor(self.session, claim, save))

    def open_entity_editor(self, entity: Entity, mention: Annotation | None) -> None:
        """Show the entity editor (and the note of the mention it was opened on)."""
        session = self.session

        def save(fields: dict) -> str | None:
            note = fields.pop("note", None)
            try:
                name = fields.get("name", entity.name)
                saved = self.perform(f"entity {name} saved", lambda: session.update_entity(entity.entity_id, **fields))
                noted = saved
                if saved is not None and mention is not None and note is not None:
                    noted = self.perform("note saved", lambda: session.set_note(mention.id, note))
            except ValueError as error:
                return str(error)
            if saved is None or noted is None:
                return self.notice or "the entity is gone (undone or deleted)"
            if saved.entity_id != entity.entity_id:
                self.say(f"{entity.name} merged into {saved.name}: {len(session.mentions_of(saved.entity_id))} mention(s); u undoes")
            if mention is not None:
                self.show_details(session.by_id.get(mention.id))
            return None

        from tui.screens.entity_editor import EntityEditor

        self.app.push_screen(EntityEditor(session, entity, mention, save))

    def action_merge_here(self) -> None:
        """Merge the entity mention under the cursor, or every mention with its text, into another entity picked by name."""
        if not self.loaded():
            return
        mention = next((a for a in self.article.annotations_here() if a.is_entity), None)
        if mention is None:
            self.say("no entity mention here to merge")
            return

        def merge(choice: tuple[str, bool] | None) -> None:
            entity_id, every = choice or ("", False)
            target = self.session.entities.get(entity_id)
            if target is not None:
                merged = f"merged {len(self.session.mentions_like(mention))} mentions into" if every else "merged into"
                self.perform(f"{merged} {target.name}", lambda: self.session.merge_mention(mention.id, target.entity_id, same_text=every))

        from tui.screens.entity_editor import EntityPicker

        self.app.push_screen(EntityPicker(self.session, mention), callback=merge)
