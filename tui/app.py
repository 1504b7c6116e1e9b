"""The Postil app: opens the annotate screen, loads the annotations and runs the model's
suggestions in the background, retries saves, and closes the database on the way out."""

from __future__ import annotations

import gc
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, work
from textual.app import App
from textual.widget import AwaitMount
from textual.worker import get_current_worker

from tui.messages import AnalysisReady, SessionFailed, SessionLoaded, SuggesterStatus, SuggestionsReady
from tui.model.document import Document
from tui.screens.annotate import AnnotateScreen
from tui.store.storage import StoreError
from tui.widgets.fields import make_paste_safe

if TYPE_CHECKING:
    from tui.nlp.suggest import BatchHandoff
    from tui.session.annotation_session import AnnotationSession

SAVE_RETRY_SECONDS = 2.0
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
    COMMANDS = App.COMMANDS | {postil_commands}

    def __init__(
        self,
        session: AnnotationSession | None = None,
        suggester: Suggester | None = None,
        *,
        cached_suggester: Suggester | None = None,
        document: Document | None = None,
        open_session: Callable[[], AnnotationSession] | None = None,
    ) -> None:
        """Show ``session``, or ``document`` at once while ``open_session`` opens it in a thread
        (a big database would delay the first screen). ``suggester`` gives the suggestions,
        loading a model if it must (in a worker thread); ``cached_suggester`` gives them only
        when no model is needed, on the app's thread, so they are on the first screen."""
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
        self.suggest_state = ""
        self.suggesting = threading.Lock()  # held by the model's worker while it runs
        self.suggestion_handoff: BatchHandoff | None = None  # made by the worker (its import is not paid at start)
        self.storing_suggestions = False  # the model's batch being stored: the panel refills later
        self.annotate = AnnotateScreen(self.document, session)

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

    def get_default_screen(self) -> AnnotateScreen:
        return self.annotate

    async def on_mount(self) -> None:
        """Once the text is on screen, attach the session, or open it in the background."""
        self.load_keymap()
        await AwaitMount(self.annotate, [self.annotate])  # the screen's widgets, composed in its own task
        if self.session is not None:
            self.session_ready(self.session)
        else:
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
        """Put a loaded session on screen, then start the suggestions, the search for names
        ahead, and the save retries."""
        self.session = session
        session.on_change = lambda ranges: self.annotate.annotations_changed(ranges, streaming=self.storing_suggestions)
        # The loaded annotations live as long as the app: kept out of the collector's reach, a
        # book's million objects are not walked again in collections triggered by later keys.
        gc.freeze()
        self.annotate.attach(session)
        if self.suggester is not None and not self.show_cached_suggestions():
            self.suggest_state = "loading model…"
            self.run_suggester()
        self.find_mentions_ahead(session.mention_texts())
        self.annotate.report_opening()
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
        """Load the model and post suggestion batches paragraph by paragraph, then its analysis to
        cache: the app stores what is posted (this never touches widgets or the store). Quitting
        cancels it before the next batch; an unfinished analysis is not cached."""
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
                    analysis = batch.take_analysis()
                    if analysis is not None:  # the model is done: the app caches its analysis
                        self.post_message(AnalysisReady(*analysis))
                        continue
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
        self.annotate.say(message.text, error=not message.available)

    def on_suggestions_ready(self, message: SuggestionsReady) -> None:
        """Store a batch of suggestions (new ones only) and show progress."""
        batch = message.batch
        done = batch.final or batch.done >= batch.total
        if not self.session.store.read_only:
            self.storing_suggestions = not done
            try:
                self.session.add_suggestions(batch.annotations, batch.entities)
            except StoreError as error:
                self.annotate.say(str(error), error=True)
            finally:
                self.storing_suggestions = False
        self.suggest_state = "" if done else f"suggesting {batch.done}/{batch.total}"
        self.annotate.update_status()
        if self.suggestion_handoff is not None:
            self.suggestion_handoff.stored()

    def on_analysis_ready(self, message: AnalysisReady) -> None:
        """Cache the model's analysis, so that opening this text again needs no model."""
        if not self.session.store.read_only:
            try:
                self.session.store.cache(message.key, message.analysis)
            except StoreError as error:
                self.annotate.say(str(error), error=True)

    def retry_saves(self) -> None:
        """Try again to save changes the disk refused; the status line says how many wait."""
        if self.session.pending:
            self.session.retry_pending()
            self.annotate.update_save_state()

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
                self.annotate.say(str(error), error=True)

    def action_quit(self) -> None:
        """Quit; if some changes could not be saved, warn once and quit on a second ``q``."""
        pending = self.session.pending if self.session is not None else 0
        if pending and not self.quit_warned:
            self.quit_warned = True
            self.annotate.say(f"{pending} change(s) are NOT saved ({self.session.save_error}); press q again to quit and lose them", error=True)
            return
        self.exit()

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
            self.annotate.say(f"{path}: keymap ignored ({error})", error=True)
            return
        self.set_keymap(mapping)
