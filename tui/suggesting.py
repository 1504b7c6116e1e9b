"""The model's suggestions in the app: a worker computes them and posts them, the app's thread
stores them in the open document's session and shows progress.

The worker is given the session it works for and tags what it posts with that document's id:
after the user has moved to another document, what is still posted for the old one is dropped
(its worker is cancelled within a batch; a finished analysis is cached all the same).
"""

from __future__ import annotations

import threading
from time import monotonic
from typing import TYPE_CHECKING, Any

from textual import work
from textual.worker import get_current_worker

from tui.messages import AnalysisReady, SuggesterStatus, SuggestionsReady
from tui.store.storage import StoreError

if TYPE_CHECKING:
    from tui.nlp.suggest import BatchHandoff, SuggestionBatch
    from tui.session.annotation_session import AnnotationSession

# Storing a batch of the model's suggestions (and redrawing for it) is the longest work of the
# app's thread while the model runs: while keys come, a batch waits for a pause this long in
# them, so that a key never waits behind a store. Someone reading while moving the cursor
# presses a key every half second or so: that is still typing. After HOLD_AT_MOST seconds of
# keys, it is stored right after one of them is drawn.
TYPING_PAUSE = 1.0
HOLD_AT_MOST = 3.0


class SuggestionFlow:
    """The app's half of the model's suggestions (mixed into ``PostilApp``)."""

    session: AnnotationSession | None
    annotate: Any  # the annotate screen of the open document
    suggester: object
    cached_suggester: object
    last_key_time: float  # when the user last pressed a key (time.monotonic; the app notes it)

    def init_suggestions(self) -> None:
        self.suggest_state = ""
        self.suggesting = threading.Lock()  # held by the model's worker while it runs
        self.suggestion_handoff: BatchHandoff | None = None  # made by the worker (its import is not paid at start)
        self.storing_suggestions = False  # the model's batch being stored: the panel refills later
        self.held: SuggestionsReady | None = None  # the batch waiting for a pause in the keys
        self.held_since: float | None = None  # when it came
        self.hold_timer: Any = None  # when the held batch is looked at again

    def start_suggestions(self, session: AnnotationSession) -> None:
        """Show the cached suggestions at once, or start the model on ``session``'s document.
        A layer of a team database (curation mode) gets none: it holds the annotators' work."""
        self.suggest_state = ""
        if session.layer is not None:
            return
        if self.suggester is not None and not self.show_cached_suggestions(session):
            self.suggest_state = "loading model…"
            self.run_suggester(session)

    def is_current(self, doc_id: str) -> bool:
        """Whether ``doc_id`` is the open document's (what a worker posted is still wanted)."""
        return self.session is not None and self.session.document.doc_id == doc_id

    def show_cached_suggestions(self, session: AnnotationSession) -> bool:
        """Store and show the suggestions at once if they need no model; ``False`` if they do."""
        if self.cached_suggester is None:
            return False
        batches, message = self.cached_suggester(session)
        if batches is None:
            return False
        from tui.nlp.suggest import SuggestionBatch

        doc_id = session.document.doc_id
        self.on_suggester_status(SuggesterStatus(message, True, doc_id))
        # One write for all of them: a cached analysis arrives in milliseconds, not paragraph by paragraph.
        self.store_suggestions(SuggestionBatch.merged(list(batches)))
        return True

    @work(thread=True, exclusive=True, group="suggest", description="the model's suggestions")
    def run_suggester(self, session: AnnotationSession) -> None:
        """Get the model's suggestion batches and post them paragraph by paragraph, then its
        analysis to cache: the app stores what is posted (this never touches widgets or the
        store). Quitting or opening another document cancels it before the next batch (the
        model's process with it); an unfinished analysis is not cached. A model that stops
        midway is a line on the status line, its suggestions so far kept."""
        worker = get_current_worker()
        doc_id = session.document.doc_id
        with self.suggesting:
            if worker.is_cancelled:
                return
            batches, message = self.suggester(session)
            try:
                if worker.is_cancelled:
                    return
                self.post_message(SuggesterStatus(message, batches is not None, doc_id))
                from tui.nlp.child import ModelStopped
                from tui.nlp.suggest import BatchHandoff

                self.suggestion_handoff = handoff = BatchHandoff()
                cancelled = lambda: worker.is_cancelled  # noqa: E731
                stopped = ""  # why the model stopped before its end, if it did
                try:
                    for batch in batches or ():
                        if worker.is_cancelled:
                            return
                        analysis = batch.take_analysis()
                        if analysis is not None:  # the model is done: the app caches its analysis
                            self.post_message(AnalysisReady(*analysis))
                            continue
                        for ready in handoff.offer(batch, cancelled):
                            self.post_message(SuggestionsReady(ready, doc_id))
                except ModelStopped as error:
                    stopped = str(error)
                for ready in handoff.rest(cancelled):
                    self.post_message(SuggestionsReady(ready, doc_id))
                if stopped:
                    self.post_message(SuggesterStatus(stopped, False, doc_id))
            finally:
                getattr(batches, "close", lambda: None)()

    def on_suggester_status(self, message: SuggesterStatus) -> None:
        """Say which model suggests, or how to install one."""
        if not self.is_current(message.doc_id):
            return
        self.suggest_state = "suggesting…" if message.available else ""
        self.annotate.say(message.text, error=not message.available)

    def on_suggestions_ready(self, message: SuggestionsReady) -> None:
        """Store a batch the model's worker posted, once the keys pause (see store_when_quiet)."""
        if not self.is_current(message.doc_id):
            return  # its worker was cancelled: it waits for nothing more
        self.held, self.held_since = message, monotonic()
        self.store_when_quiet()

    def store_suggestions(self, batch: SuggestionBatch) -> None:
        """Store a batch of suggestions (new ones only) and show progress."""
        done = not batch.continued and (batch.final or batch.done >= batch.total)
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
            # The next piece once this one is drawn: a key pressed meanwhile waits for one
            # piece and its redraw, never for several pieces drawn in one long frame.
            self.call_after_refresh(self.suggestion_handoff.stored)  # type: ignore[attr-defined]

    def store_when_quiet(self) -> None:
        """Store the held batch if the keys have paused for TYPING_PAUSE, else look again when
        they may have. The model's side waits meanwhile: the handoff holds the batches after it.
        A batch held for HOLD_AT_MOST while keys keep coming is stored after the next key
        (see suggestions_after_key)."""
        if self.hold_timer is not None:
            self.hold_timer.stop()
            self.hold_timer = None
        if self.held is None:
            return
        quiet = monotonic() - self.last_key_time
        if quiet >= TYPING_PAUSE:
            self.store_held()
        else:
            self.hold_timer = self.set_timer(TYPING_PAUSE - quiet, self.store_when_quiet)  # type: ignore[attr-defined]

    def suggestions_after_key(self) -> None:
        """A key came (the app calls this for each): a batch held HOLD_AT_MOST is stored as soon
        as this key is drawn, the farthest it can be from the next key of someone who keeps
        typing (or holds a key down)."""
        if self.held is not None and monotonic() - self.held_since >= HOLD_AT_MOST:
            self.call_after_refresh(self.store_held)  # type: ignore[attr-defined]

    def store_held(self) -> None:
        """Store the held batch now (if it is still the open document's)."""
        message, self.held, self.held_since = self.held, None, None
        if message is not None and self.is_current(message.doc_id):
            self.store_suggestions(message.batch)

    def on_analysis_ready(self, message: AnalysisReady) -> None:
        """Cache the model's analysis, so that opening this text again needs no model."""
        store = self.session.store if self.session is not None else None
        if store is not None and not store.read_only:
            try:
                store.cache(message.key, message.analysis)
            except StoreError as error:
                self.annotate.say(str(error), error=True)

    def stop_suggestions(self) -> None:
        """Cancel the model's work on the open document (it stops within a batch)."""
        self.workers.cancel_group(self, "suggest")
        self.suggest_state = ""
        self.held = self.held_since = None
