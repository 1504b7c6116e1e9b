"""The Postil app: the article pane, the side panel, the status line and the keys around them."""

from __future__ import annotations

import gc
import json
import os
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from collections.abc import Callable, Iterator

from rich.text import Text
from textual import events, work
from textual.worker import get_current_worker
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Static

from tui.messages import JumpTo, SessionFailed, SessionLoaded, SuggesterStatus, SuggestionsReady
from tui.model.annotation import ACCEPTED, CLAIM, ENTITY, SUGGESTED
from tui.model.display import QUOTE_MARKS, display_text
from tui.model.document import Document
from tui.model.labels import label_for_key
from tui.widgets.item_list import ItemList
from tui.store.storage import StoreError
from tui.widgets.article_view import ArticleView
from tui.widgets.fields import make_paste_safe
from tui.widgets.side_panel import SidePanel
from tui.widgets.status_line import KeyHints, Legend, StatusLine

if TYPE_CHECKING:
    from tui.session.annotation_session import AnnotationSession
    from textual.timer import Timer

    from tui.nlp.suggest import BatchHandoff

SAVE_RETRY_SECONDS = 2.0
# While the model's suggestions stream in, the side panel's lists are refilled at most this often
# (refilling a long article's entity list on every batch kept keys waiting).
STREAMING_PANEL_SECONDS = 0.5
# On quitting, how long the database waits for the model's worker to stop (it stops within one
# batch of the model's work, about half a second) before it is closed anyway.
STOP_SUGGESTER_SECONDS = 5.0
# After this long without a key, saved changes are folded from the log into the TinyDB file.
IDLE_COMPACT_SECONDS = 30.0

# Given the open session, returns suggestion batches (or None) and a status line; called in a thread.
Suggester = Callable[["AnnotationSession"], "tuple[Iterator | None, str]"]


# The dialogs (help, editors, search) and the command palette are imported when first opened:
# the first screen does not need them, and importing them would delay it by about 80 ms.


def postil_commands():
    """The command palette's provider of Postil's commands (imported on first use)."""
    from tui.commands import PostilCommands

    return PostilCommands


def keymap_path() -> Path:
    """Where a user's key remapping lives: ``{binding id: "keys"}`` as JSON."""
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "postil" / "keymap.json"


class PostilApp(App[None]):
    """Read and annotate one document; every change is on disk before the next key."""

    TITLE = "Postil"
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True

    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("u,ctrl+z", "undo", "Undo", id="app.undo"),
        Binding("ctrl+r,ctrl+y", "redo", "Redo", show=False, id="app.redo"),
        Binding("tab", "switch_focus", "Article/panel", show=False, priority=True, id="app.switch_focus"),
        Binding("e", "edit_here", "Edit", id="factcheck.edit"),
        Binding("m", "merge_here", "Merge into entity", show=False, id="factcheck.merge"),
        Binding("slash", "search", "Search", id="search.open"),
        Binding("n", "search_step(1)", "Next hit", show=False, id="search.next"),
        Binding("N", "search_step(-1)", "Previous hit", show=False, id="search.previous"),
    ]

    def __init__(
        self,
        session: AnnotationSession | None = None,
        suggester: Suggester | None = None,
        *,
        cached_suggester: Suggester | None = None,
        document: Document | None = None,
        open_session: Callable[[], AnnotationSession] | None = None,
    ) -> None:
        """Show ``session``; or show ``document`` at once and open its session (``open_session``)
        in a thread, for databases big enough that reading them would delay the first screen.

        ``suggester`` gives the suggestions, loading a model if it must (in a worker thread);
        ``cached_suggester`` gives them only when no model is needed (``(None, "")`` otherwise)
        and is tried first, on the app's thread, so cached suggestions are on the first screen.
        """
        super().__init__()
        if session is None and (document is None or open_session is None):
            raise ValueError("PostilApp needs a session, or a document and a way to open its session")
        self.session = session
        self.document = session.document if session else document
        self.open_session = open_session
        self.suggester = suggester
        self.cached_suggester = cached_suggester
        self.load_error: str | None = None
        self.last_key_time = time.monotonic()
        self.quit_warned = False
        self.save_state = "loading annotations…"
        self.suggest_state = ""
        self.suggesting = threading.Lock()  # held by the model's worker while it runs
        self.suggestion_handoff: BatchHandoff | None = None  # made by the worker (its import is not paid at start)
        self.notice = ""
        self.notice_is_error = False
        # The parts every action updates are kept rather than queried each time.
        self.status_line = StatusLine(id="status")
        self.article = ArticleView(self.document, self.session, id="article")
        self.side_panel: SidePanel | None = None  # mounted once the annotations are loaded
        self.storing_suggestions = False  # the model's batch being stored: the panel refills later
        self.panel_refill: Timer | None = None

    def get_theme_variable_defaults(self) -> dict[str, str]:
        """Textual's defaults and Postil's mark colours for the current theme (see tui/widgets/palette.py)."""
        from tui.widgets.palette import mark_variables

        theme = self.current_theme
        return {**super().get_theme_variable_defaults(), **mark_variables(theme.to_color_system().generate(), theme.dark)}

    async def on_event(self, event: events.Event) -> None:
        """Every paste is made display-safe before any widget gets it, Textual's own included."""
        if isinstance(event, events.Paste) and not event.is_forwarded:
            make_paste_safe(event)
        await super().on_event(event)

    def compose(self) -> ComposeResult:
        yield self.status_line
        with Horizontal(id="main"):
            yield self.article
        yield Legend(id="legend")
        yield KeyHints(id="keys")

    def on_mount(self) -> None:
        self.load_keymap()
        self.article.focus()
        if self.session is not None:
            self.session_ready(self.session)
        else:
            self.update_status()
            self.load_session()

    @work(thread=True, exclusive=True, group="load")
    def load_session(self) -> None:
        """Open the database and the document's annotations (never touches widgets)."""
        try:
            session = self.open_session()
        except StoreError as error:
            self.post_message(SessionFailed(str(error)))
        else:
            self.post_message(SessionLoaded(session))

    def on_session_loaded(self, message: SessionLoaded) -> None:
        """The annotations are loaded: draw them and fill the side panel."""
        self.session_ready(message.session)

    def on_session_failed(self, message: SessionFailed) -> None:
        """The database cannot be used: quit and let the command line report it."""
        self.load_error = message.error
        self.exit(return_code=2)

    def session_ready(self, session: AnnotationSession) -> None:
        """Put a loaded session on screen: spans, side panel, banner, suggestions, save retries."""
        self.session = session
        session.on_change = self.annotations_changed
        # The loaded annotations live as long as the app: kept out of the collector's reach, a
        # book's million objects are not walked again in collections triggered by later keys.
        gc.freeze()
        self.article.attach(session)
        self.side_panel = SidePanel(session)
        self.query_one("#main").mount(self.side_panel)
        store = session.store
        if store.read_only:
            # The reason may name the lock's holder, read from a file anyone could have written.
            reason = store.read_only_reason or "opened read-only"
            advice = " Close the other Postil to edit." if store.lock_holder else ""
            banner = Text(display_text(f"READ-ONLY — {reason}; nothing you do here is saved.{advice}"))
            self.mount(Static(banner, id="read-only-banner"), before=self.status_line)
        if self.suggester is not None and not self.show_cached_suggestions():
            self.suggest_state = "loading model…"
            self.run_suggester()
        self.find_mentions_ahead(session.mention_texts())
        report = session.reanchor_report
        if report is not None and report.total:
            self.say(report.summary, error=bool(report.orphaned))
        self.update_save_state()
        self.set_interval(SAVE_RETRY_SECONDS, self.retry_saves)
        self.set_interval(IDLE_COMPACT_SECONDS / 3, self.compact_when_idle)

    @work(thread=True, exclusive=True, group="mentions")
    def find_mentions_ahead(self, texts: list[str]) -> None:
        """Find where each name already annotated occurs, so that correcting one in a long text
        does not first search the whole text. The search runs here (the text never changes); what
        depends on the annotations is prepared on the app's thread, one name at a time."""
        for text in texts:
            self.session.occurrences(text)
            try:
                self.call_from_thread(self.session.prepare_correction, text)
            except RuntimeError:  # the app has closed meanwhile
                return

    # Suggestions: a thread worker runs the model and posts batches; handlers here store them.

    def show_cached_suggestions(self) -> bool:
        """Store and show the suggestions at once if they need no model; ``False`` if they do."""
        if self.cached_suggester is None:
            return False
        batches, message = self.cached_suggester(self.session)
        if batches is None:
            return False
        from tui.nlp.suggest import SuggestionBatch

        self.on_suggester_status(SuggesterStatus(message, True))
        # One write for all of them: a cached analysis arrives in milliseconds, not paragraph by paragraph.
        self.on_suggestions_ready(SuggestionsReady(SuggestionBatch.merged(list(batches))))
        return True

    @work(thread=True, exclusive=True, group="suggest")
    def run_suggester(self) -> None:
        """Load the model and post suggestion batches paragraph by paragraph (never touches widgets).

        Quitting cancels this worker: it stops before the next batch, and the analysis it leaves
        unfinished is not cached (the iterator is closed before it gets that far).
        """
        worker = get_current_worker()
        with self.suggesting:
            if worker.is_cancelled:
                return
            batches, message = self.suggester(self.session)
            try:
                if worker.is_cancelled:
                    return
                self.post_message(SuggesterStatus(message, batches is not None))
                from tui.nlp.suggest import BatchHandoff

                self.suggestion_handoff = handoff = BatchHandoff()
                cancelled = lambda: worker.is_cancelled  # noqa: E731
                for batch in batches or ():
                    if worker.is_cancelled:
                        return
                    ready = handoff.offer(batch, cancelled)
                    if ready is not None:
                        self.post_message(SuggestionsReady(ready))
                ready = handoff.rest(cancelled)
                if ready is not None:
                    self.post_message(SuggestionsReady(ready))
            finally:
                getattr(batches, "close", lambda: None)()

    def on_suggester_status(self, message: SuggesterStatus) -> None:
        """Say which model suggests, or how to install one."""
        self.suggest_state = "suggesting…" if message.available else ""
        self.say(message.text, error=not message.available)

    def on_suggestions_ready(self, message: SuggestionsReady) -> None:
        """Store a batch of suggestions (new ones only) and show progress."""
        batch = message.batch
        done = batch.final or batch.done >= batch.total
        if not self.session.store.read_only:
            self.storing_suggestions = not done
            try:
                self.session.add_suggestions(batch.annotations, batch.entities)
            except StoreError as error:
                self.say(str(error), error=True)
            finally:
                self.storing_suggestions = False
        self.suggest_state = "" if done else f"suggesting {batch.done}/{batch.total}"
        self.update_status()
        if self.suggestion_handoff is not None:
            self.suggestion_handoff.stored()

    def retry_saves(self) -> None:
        """Try again to save changes the disk refused; the status line says how many wait."""
        if self.session.pending:
            self.session.retry_pending()
            self.update_save_state()

    def on_key(self) -> None:
        """Note when the user last pressed a key (idle work waits for a pause)."""
        self.last_key_time = time.monotonic()

    def compact_when_idle(self) -> None:
        """Fold the log into the TinyDB file during a pause, so scripts reading it see the latest."""
        store = self.session.store
        if time.monotonic() - self.last_key_time >= IDLE_COMPACT_SECONDS and store.needs_compaction:
            try:
                store.compact()
            except StoreError as error:
                self.say(str(error), error=True)

    def action_quit(self) -> None:
        """Quit; if some changes could not be saved, warn once and quit on a second ``q``."""
        pending = self.session.pending if self.session is not None else 0
        if pending and not self.quit_warned:
            self.quit_warned = True
            self.say(f"{pending} change(s) are NOT saved ({self.session.save_error}); press q again to quit and lose them", error=True)
            return
        self.exit()

    def update_save_state(self) -> None:
        """Derive the save state shown on the status line from the session and store."""
        if self.session.store.read_only:
            self.save_state = "read-only"
        elif self.session.pending:
            self.save_state = f"NOT SAVED: {self.session.pending} change(s), retrying"
            self.notice, self.notice_is_error = self.session.save_error or "", True
        else:
            self.save_state = "saved"
        self.update_status()

    def on_unmount(self) -> None:
        """Stop the model, fold saved changes into the TinyDB file and let go of the database.

        The model's worker is a thread the process would wait for on exit: cancelled, it stops
        within one batch, and the database is closed once it has, so nothing writes to it after.
        """
        self.workers.cancel_group(self, "suggest")
        stopped = self.suggesting.acquire(timeout=STOP_SUGGESTER_SECONDS)
        try:
            if self.session is not None:
                self.session.store.close()
        finally:
            if stopped:
                self.suggesting.release()

    def load_keymap(self) -> None:
        """Apply the user's remapped keys, if they have any (a bad file is reported, not fatal)."""
        path = keymap_path()
        if not path.exists():
            return
        try:
            mapping = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
                raise ValueError("expected an object of binding id → keys")
        except (OSError, ValueError) as error:
            self.say(f"{path}: keymap ignored ({error})", error=True)
            return
        self.set_keymap(mapping)

    # Status

    def say(self, text: str, error: bool = False) -> None:
        """Show a short notice on the status line."""
        self.notice, self.notice_is_error = text, error
        self.update_status()

    def update_status(self) -> None:
        """Redraw the status line from the session."""
        session = self.session
        if session is None:
            self.status_line.show(self.document.title, "annotations not loaded yet", self.save_state, self.notice, self.notice_is_error)
            return
        counts = session.counts
        entities, claims = counts[(ENTITY, ACCEPTED)], counts[(CLAIM, ACCEPTED)]
        suggested = counts[(ENTITY, SUGGESTED)] + counts[(CLAIM, SUGGESTED)]
        counts = f"{entities} entities · {claims} claims"
        if suggested:
            counts += f" · {suggested} suggested"
        if self.suggest_state:
            counts += f" · {self.suggest_state}"
        self.status_line.show(session.document.title, counts, self.save_state, self.notice, self.notice_is_error)

    def annotations_changed(self, ranges: list[tuple[int, int]]) -> None:
        """Redraw what a change touched: the rows of the text, the lists, the counts."""
        self.article.invalidate(ranges)
        if self.side_panel is not None:
            if not self.storing_suggestions:
                self.side_panel.rebuild()
            elif self.panel_refill is None:
                self.panel_refill = self.set_timer(STREAMING_PANEL_SECONDS, self.refill_panel)
        self.update_status()

    def refill_panel(self) -> None:
        """Refill the side panel after suggestions streamed in (see STREAMING_PANEL_SECONDS)."""
        self.panel_refill = None
        if self.side_panel is not None:
            self.side_panel.rebuild()

    def perform(self, description: str, action: Callable[[], object]) -> object:
        """Run an annotation action; a failed save is shown, and what is on disk is untouched."""
        if self.session is None:
            self.say("the annotations are still loading; try again in a moment")
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

    # Actions the article pane forwards (they need saving and error reporting).

    def action_label_target(self, key: str) -> None:
        """Label the selection; without one, relabel the entity under the cursor, or label its token."""
        label = label_for_key(key)
        article = self.article
        entity_here = next((a for a in article.annotations_here() if a.is_entity), None)
        target = (entity_here.start, entity_here.end) if entity_here and article.selection is None else article.target()
        if label is None or target is None:
            return
        start, end = target
        self.perform(f"labelled {label.name}", lambda: self.session.label_span(start, end, label.name))
        self.article.clear_selection()

    def action_claim_target(self) -> None:
        """Mark the selection, or the sentence under the cursor, as a claim."""
        article = self.article
        target = article.selection or article.text_index.sentence_at(article.cursor)
        if target is None:
            return
        start, end = target
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

    def action_review_here(self, status: str) -> None:
        """Accept or reject the innermost suggestion under the cursor."""
        suggestion = next((a for a in self.article.annotations_here() if a.status == SUGGESTED), None)
        if suggestion is None:
            self.say("no suggestion here")
            return
        verb = "accepted" if status == ACCEPTED else "rejected"
        self.perform(f"{verb} {suggestion.label}", lambda: self.session.set_status(suggestion.id, status))

    def action_accept_all_here(self) -> None:
        """Accept every suggestion with the label of the suggestion under the cursor."""
        suggestion = next((a for a in self.article.annotations_here() if a.status == SUGGESTED), None)
        if suggestion is None:
            self.say("no suggestion here")
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

    def action_switch_focus(self) -> None:
        """Move focus between the article and the side panel's current list."""
        panel = self.side_panel
        if self.article.has_focus and panel is not None:
            lists = [w for w in panel.query(ItemList) if w.display and w.parent.display]
            visible = next((w for w in lists if w.region.area), lists[0] if lists else None)
            if visible is not None:
                visible.focus()
        else:
            self.article.focus()

    def on_jump_to(self, message: JumpTo) -> None:
        """A list entry was chosen: show it in the article and return focus there."""
        self.article.move_to(message.start, message.end)
        self.article.focus()

    def action_help(self) -> None:
        """Show every binding."""
        from tui.screens.help import HelpScreen

        self.push_screen(HelpScreen(self.binding_sections()))

    def binding_sections(self) -> list[tuple[str, list[Binding]]]:
        """The bindings of each part of the screen, as currently mapped (one entry per id)."""
        sources = [("Everywhere", self), ("Article", self.article)]
        for panel in self.query(SidePanel):
            sources += [("Side panel", panel), ("Lists", panel.query_one(ItemList))]
        sections = []
        for title, node in sources:
            seen: dict[str, Binding] = {}
            for key, bindings in node._bindings.key_to_bindings.items():
                for binding in bindings:
                    ident = binding.id or f"{title.lower()}.{binding.action}"
                    if ident in seen:
                        keys = seen[ident].key.split(",") + [key]
                        seen[ident] = Binding(",".join(keys), binding.action, binding.description or binding.action, id=ident)
                    else:
                        seen[ident] = Binding(key, binding.action, binding.description or binding.action, id=ident)
            sections.append((title, list(seen.values())))
        return sections + self.dialog_binding_sections()

    # Fact-checking: the claim and entity editors, merging and search, each a dialog over the main screen.

    # Keys of the main screen that must not act while a dialog is open (Tab is a priority key).
    MAIN_SCREEN_ACTIONS = frozenset({"switch_focus", "quit", "undo", "redo", "edit_here", "merge_here", "search", "search_step"})
    COMMANDS = App.COMMANDS | {postil_commands}
    search_query = ""
    search_scope = "text"
    search_hits: tuple[tuple[int, int], ...] = ()
    search_position = -1

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While a dialog is open, the main screen's keys do nothing (Tab moves between its fields)."""
        if action in self.MAIN_SCREEN_ACTIONS and self.screen.is_modal:
            return False
        return True

    def edit_target(self) -> tuple[str, object, object]:
        """What `e` and `m` act on: ``("claim", claim, None)`` or ``("entity", entity, mention)``
        from the highlighted entry of a focused side-panel list, else from the innermost
        annotation under the cursor; ``("", None, None)`` when there is nothing."""
        session = self.session
        focused = self.focused
        if focused is not None and focused.id in ("claim-list", "entity-list"):
            key = focused.highlighted_key
            if key in session.by_id:
                return "claim", session.by_id[key], None
            if key in session.entities:
                return "entity", session.entities[key], None
            return "", None, None
        for annotation in self.article.annotations_here():
            if annotation.is_claim:
                return "claim", annotation, None
            entity = session.entities.get(annotation.attrs.get("entity_id") or "")
            if annotation.is_entity and entity is not None:
                return "entity", entity, annotation
        return "", None, None

    def action_edit_here(self) -> None:
        """Open the claim editor on the claim, or the entity editor on the entity, under the cursor."""
        if self.session is None:
            self.say("the annotations are still loading; try again in a moment")
            return
        kind, item, mention = self.edit_target()
        if kind == "claim":
            self.open_claim_editor(item)
        elif kind == "entity":
            self.open_entity_editor(item, mention)
        else:
            self.say("nothing to edit here: put the cursor on a claim or an entity")

    def open_claim_editor(self, claim) -> None:
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

        self.push_screen(ClaimEditor(self.session, claim, save))

    def show_details(self, annotation) -> None:
        """Show an annotation in the detail pane (until the cursor moves)."""
        if self.side_panel is not None:
            self.side_panel.detail.show_annotation(annotation)

    def open_entity_editor(self, entity, mention) -> None:
        """Show the entity editor (and the note of the mention it was opened on)."""

        def save(fields: dict) -> str | None:
            note = fields.pop("note", None)
            try:
                name = fields.get("name", entity.name)
                saved = self.perform(f"entity {name} saved", lambda: self.session.update_entity(entity.entity_id, **fields))
                noted = saved
                if saved is not None and mention is not None and note is not None:
                    noted = self.perform("note saved", lambda: self.session.set_note(mention.id, note))
            except ValueError as error:
                return str(error)
            if saved is None or noted is None:
                return self.notice or "the entity is gone (undone or deleted)"
            if saved.entity_id != entity.entity_id:
                self.say(f"{entity.name} merged into {saved.name}: {len(self.session.mentions_of(saved.entity_id))} mention(s); u undoes")
            if mention is not None:
                self.show_details(self.session.by_id.get(mention.id))
            return None

        from tui.screens.entity_editor import EntityEditor

        self.push_screen(EntityEditor(self.session, entity, mention, save))

    def action_merge_here(self) -> None:
        """Merge the entity mention under the cursor into another entity, picked by name."""
        if self.session is None:
            self.say("the annotations are still loading; try again in a moment")
            return
        mention = next((a for a in self.article.annotations_here() if a.is_entity), None)
        if mention is None:
            self.say("no entity mention here to merge")
            return

        def merge(entity_id: str | None) -> None:
            target = self.session.entities.get(entity_id or "")
            if target is not None:
                self.perform(f"merged into {target.name}", lambda: self.session.merge_mention(mention.id, target.entity_id))

        from tui.screens.entity_editor import EntityPicker

        self.push_screen(EntityPicker(self.session, mention), callback=merge)

    def action_search(self) -> None:
        """Ask what to find, in the article text or in the annotations."""
        from tui.screens.search import SearchScreen

        self.push_screen(SearchScreen(self.search_query, self.search_scope), callback=self.run_search)

    def run_search(self, request: tuple[str, str] | None) -> None:
        """Find the hits of a search and go to the first one at or after the cursor."""
        if not request or not request[0].strip():
            return
        from tui.screens.search import annotation_hits, text_hits

        query, scope = request
        if scope == "text":
            hits = text_hits((self.session.document if self.session is not None else self.document).text, query)
        else:
            hits = annotation_hits(self.session, query) if self.session is not None else []
        self.search_query, self.search_scope, self.search_hits = query, scope, tuple(hits)
        self.article.show_search_hits(self.search_hits)
        if not hits:
            self.search_position = -1
            self.say(f"no hits for “{query}” in the {scope}")
            return
        cursor = self.article.cursor
        self.show_hit(next((n for n, (start, _) in enumerate(hits) if start >= cursor), 0))

    def action_search_step(self, step: int) -> None:
        """Go to the next (or previous) hit of the last search, wrapping around."""
        hits = self.search_hits
        if not hits:
            self.say("no search yet: press / to search")
            return
        cursor = self.article.cursor
        token = self.article.text_index.token_at(hits[self.search_position][0]) if 0 <= self.search_position < len(hits) else None
        if token is not None and token.start <= cursor < max(token.end, hits[self.search_position][1]):
            position = self.search_position + step
        elif step > 0:
            position = next((n for n, (start, _) in enumerate(hits) if start > cursor), 0)
        else:
            position = next((n for n in range(len(hits) - 1, -1, -1) if hits[n][0] < cursor), len(hits) - 1)
        self.show_hit(position % len(hits))

    def show_hit(self, position: int) -> None:
        """Put the cursor on a search hit and say which of how many it is."""
        self.search_position = position
        start, end = self.search_hits[position]
        self.article.show_search_hits(self.search_hits)  # again, after Escape took it away
        self.article.move_to(start, end)
        self.article.focus()
        self.say(f"hit {position + 1}/{len(self.search_hits)} for “{self.search_query}” in the {self.search_scope}")

    def dialog_binding_sections(self) -> list[tuple[str, list[Binding]]]:
        """The keys of the dialogs (editors, merge picker, search), shown by help while closed."""
        from tui.screens.claim_editor import Choice, ClaimEditor
        from tui.screens.entity_editor import EntityEditor, EntityPicker
        from tui.screens.search import SearchScreen

        keymap = getattr(self, "_keymap", None) or {}
        dialogs = [
            ("Claim editor", ClaimEditor),
            ("Entity editor", EntityEditor),
            ("Merge picker", EntityPicker),
            ("Search", SearchScreen),
            ("Choice fields in a dialog", Choice),
        ]
        return [
            (title, [Binding(keymap.get(b.id, b.key), b.action, b.description, id=b.id) for b in dialog.BINDINGS])
            for title, dialog in dialogs
        ]
