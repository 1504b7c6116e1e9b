"""The Postil app: opens a document (or the database's document list) and moves between its
documents, loads the annotations, runs the model's suggestions in the background, retries saves,
and closes the database on the way out."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from textual import events, work
from textual.app import App
from textual.screen import Screen
from textual.widget import AwaitMount

from tui.counting import DerivedCounting
from tui.idle_fold import IdleFold
from tui.launch import open_session
from tui.messages import OpenDocument, SessionFailed, SessionLoaded, ShowDocuments, ShowHelp
from tui.model.document import Document
from tui.screens.annotate import AnnotateScreen
from tui.settings import Settings, load_settings
from tui.store.storage import StoreError
from tui.suggesting import SuggestionFlow
from tui.widgets.palette import ThemeColors

if TYPE_CHECKING:
    from textual.theme import Theme

    from tui.screens.documents import DocumentsScreen
    from tui.session.annotation_session import AnnotationSession
    from tui.store.repository import Store

SAVE_RETRY_SECONDS = 2.0
# On quitting, how long the database waits for the model's worker to stop (it ends the model's
# process within about a second: tui.nlp.child.STOP_SECONDS) before it is closed anyway.
STOP_SUGGESTER_SECONDS = 5.0
# After this long without a key, saved changes are folded from the log into the TinyDB file.
IDLE_COMPACT_SECONDS = 30.0

# Given the open session, returns suggestion batches (or None) and a status line; called in a thread.
Suggester = Callable[["AnnotationSession"], "tuple[Iterator | None, str]"]


# The dialogs (help, editors, search), the command palette, the document list and the text
# fields are imported when first used: the first screen does not need them, and importing them
# would delay it by about 80 ms.


def postil_commands():
    """The command palette's provider of Postil's commands (imported on first use)."""
    from tui.commands import PostilCommands

    return PostilCommands


class PostilApp(DerivedCounting, SuggestionFlow, IdleFold, ThemeColors, App[None]):
    """Read and annotate the documents of one database; every change is on disk before the next key."""

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
        store: Store | None = None,
        annotator: str = "",
        settings: Settings | None = None,
    ) -> None:
        """Show ``session``, or ``document`` at once while ``open_session`` opens it in a thread
        (a big database would delay the first screen), or with ``store`` alone the list of its
        documents. ``suggester`` gives the suggestions, loading a model if it must (in a worker
        thread); ``cached_suggester`` gives them only when no model is needed, on the app's
        thread, so they are on the first screen. ``settings`` default to the user's files."""
        super().__init__()
        self.settings = settings or load_settings()
        self.theme = self.settings.usable_theme(self.available_themes) or self.theme
        if session is None and store is None and (document is None or open_session is None):
            raise ValueError("PostilApp needs a session, a store, or a document and a way to open its session")
        self.session = session
        self.store = session.store if session else store
        self.annotator = session.annotator if session else annotator
        self.document = session.document if session else document
        self.open_session = open_session
        self.suggester = suggester
        self.cached_suggester = cached_suggester
        self.load_error: str | None = None
        self.last_key_time = time.monotonic()
        self.quit_warned = False
        self.documents_left = False  # another document was opened since the last pause
        self.init_suggestions()
        self.annotate = AnnotateScreen(self.document, session) if self.document is not None else None
        self.documents: DocumentsScreen | None = None  # made when first shown

    async def on_event(self, event: events.Event) -> None:
        """Note when each key comes (idle work and the model's batches wait for a pause), and make
        every paste display-safe before any widget gets it, Textual's own included."""
        if isinstance(event, events.Key):
            self.last_key_time = time.monotonic()
            self.suggestions_after_key()
        elif isinstance(event, events.Paste) and not event.is_forwarded:
            from tui.widgets.fields import make_paste_safe

            make_paste_safe(event)
        await super().on_event(event)

    def get_default_screen(self) -> Screen:
        return self.annotate if self.annotate is not None else self.document_list()

    async def on_mount(self) -> None:
        """Once the text is on screen, attach the session, or open it in the background."""
        self.set_keymap(self.settings.keymap)  # binding id -> keys, from keymap.json and config.toml
        self.theme_changed_signal.subscribe(self, self.keep_theme)
        if self.settings.warning:
            self.say(self.settings.warning, error=True)
        # The first screen gets the result callback a pushed one has, so that another document's
        # screen (or the list) can replace it like any other (Textual's switch_screen pops one).
        self.screen._push_result_callback(self, None)
        self.set_interval(SAVE_RETRY_SECONDS, self.retry_saves)
        self.set_interval(IDLE_COMPACT_SECONDS / 3, self.compact_when_idle)
        if self.annotate is None:
            return
        await AwaitMount(self.annotate, [self.annotate])  # the screen's widgets, composed in its own task
        if self.session is not None:
            self.session_ready(self.session)
            self.freeze_memory()
        else:  # once the text is drawn: the worker's imports and parsing hold the interpreter's lock
            self.call_after_refresh(self.load_session)

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
        self.freeze_memory()

    def on_session_failed(self, message: SessionFailed) -> None:
        """The database cannot be used: quit and let the command line report it."""
        self.load_error = message.error
        self.exit(return_code=2)

    def session_ready(self, session: AnnotationSession) -> None:
        """Put a loaded session on screen, then start the suggestions and the search for names ahead."""
        self.session, self.store, self.annotator = session, session.store, session.annotator
        screen = self.annotate
        session.on_change = lambda ranges: self.annotations_changed(screen, session, ranges)
        screen.attach(session)
        self.start_suggestions(session)
        self.count_derived(session, session.propagation.count_job())
        screen.report_opening()

    def freeze_memory(self, collect: bool = False) -> None:
        """Keep the loaded memory out of the reach of collections triggered by later keys (a
        book's million objects; about 100 ms a key once a few documents were opened). With
        ``collect``, in a pause, the documents left behind are handed back and collected first."""
        if collect:
            gc.unfreeze()
            gc.collect()
        gc.freeze()

    def document_list(self) -> DocumentsScreen:
        """The database's document list, made once and kept (its sort and filter with it)."""
        if self.documents is None:
            from tui.screens.documents import DocumentsScreen

            self.documents = DocumentsScreen(self.store)
            self.install_screen(self.documents, name="documents")
        return self.documents

    def on_show_documents(self, message: ShowDocuments) -> None:
        """Show the document list over the open document (``Esc`` goes back to it)."""
        if self.store is None:
            return
        screen = self.document_list()
        screen.refresh_rows(self.session)
        if screen is not self.screen:
            self.push_screen(screen)

    def on_show_help(self, message: ShowHelp) -> None:
        """Show every binding of the parts of the screen that asked, as currently mapped."""
        from tui.screens.help import HelpScreen, binding_sections

        self.push_screen(HelpScreen(binding_sections(message.sources, getattr(self, "_keymap", None) or {})))

    async def on_open_document(self, message: OpenDocument) -> None:
        """Open a document of the database in a new annotate screen, in place of the open one."""
        from tui.session.corpus import next_document

        current = self.session.document.doc_id if self.session is not None else ""
        doc_id = message.doc_id or next_document(self.document_list().in_list_order(self.session), current, message.step, message.unfinished)
        if not doc_id:
            self.say("no unfinished document left" if message.unfinished else "no other document")
            return
        if self.session is not None and self.session.pending:
            self.say(f"{self.session.pending} change(s) of this document are not saved yet; retrying before moving on", error=True)
            return
        if self.screen is self.documents and len(self.screen_stack) > 1:
            await self.pop_screen()
        if doc_id == current:
            return
        document = self.store.document(doc_id)
        self.stop_suggestions()
        try:
            session = open_session(self.store.path, document, annotator=self.annotator, store=self.store)
        except StoreError as error:
            self.say(str(error), error=True)
            return
        self.annotate, self.document = AnnotateScreen(document, session), document
        await self.switch_screen(self.annotate)
        self.session_ready(session)
        self.documents_left = True  # freed at the next pause (compact_when_idle)
        self.call_after_refresh(self.freeze_memory)
        if message.search is not None:  # once the side panel is laid out (it follows the cursor)
            self.call_after_refresh(self.annotate.show_corpus_hit, *message.search)

    def retry_saves(self) -> None:
        """Try again to save changes the disk refused; the status line says how many wait."""
        if self.session is not None and self.session.pending:
            self.session.retry_pending()
            self.annotate.update_save_state()

    def compact_when_idle(self) -> None:
        """Fold the log into the TinyDB file during a pause, so scripts reading it see the latest,
        and free the documents left behind since the last pause."""
        if time.monotonic() - self.last_key_time < IDLE_COMPACT_SECONDS:
            return
        if self.documents_left:
            self.documents_left = False
            self.freeze_memory(collect=True)
        if self.store is not None and self.store.needs_compaction:
            self.fold_in_background(self.store)

    def say(self, text: str, error: bool = False) -> None:
        """Show a notice on the current screen's status line."""
        screen = self.documents if self.screen is self.documents or self.annotate is None else self.annotate
        screen.say(text, error=error)

    def action_quit(self) -> None:
        """Quit; if some changes could not be saved, warn once and quit on a second ``q``."""
        pending = self.session.pending if self.session is not None else 0
        if pending and not self.quit_warned:
            self.quit_warned = True
            self.say(f"{pending} change(s) are NOT saved ({self.session.save_error}); press q again to quit and lose them", error=True)
            return
        self.exit()

    def on_unmount(self) -> None:
        """Stop the model, fold saved changes into the TinyDB file and let go of the database.

        The model's worker is a thread the process would wait for on exit: cancelled, it ends the
        model's process and returns, and the database is closed once it has, so nothing writes to it after.
        """
        self.workers.cancel_group(self, "suggest")
        stopped = self.suggesting.acquire(timeout=STOP_SUGGESTER_SECONDS)
        try:
            if self.store is not None:
                self.store.close()
        finally:
            if stopped:
                self.suggesting.release()

    def keep_theme(self, theme: Theme) -> None:
        """Save a theme chosen in the app (ctrl+p, Theme) to the settings, for the next start."""
        problem = self.settings.keep_theme(theme.name)
        if problem:
            self.say(problem, error=True)
