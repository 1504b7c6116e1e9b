"""Counting the suggestions derived from the user's corrections, off the key path.

In a book a correction derives thousands of suggestions (see tui/session/propagation.py); the
status line and the entity list count them. The count runs in a worker thread on copies made on
the app's thread, a moment after the last change, and is shown when it is ready.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import work
from textual.worker import get_current_worker

if TYPE_CHECKING:
    from textual.timer import Timer

    from tui.screens.annotate import AnnotateScreen
    from tui.session.annotation_session import AnnotationSession
    from tui.session.propagation import DerivedCount

# How long after a change the derived suggestions are counted again (changes in between are counted once).
RECOUNT_SECONDS = 0.2


class DerivedCounting:
    """The app's counting of derived suggestions (mixed into :class:`~tui.app.PostilApp`)."""

    session: AnnotationSession | None
    annotate: AnnotateScreen | None
    storing_suggestions: bool
    suggest_state: str  # what the model is doing ("" once it is done)
    recount: Timer | None = None  # the next count, when one is due

    def annotations_changed(self, screen: AnnotateScreen, session: AnnotationSession, ranges: list[tuple[int, int]]) -> None:
        """Redraw what a change touched, and count the suggestions derived from the corrections
        again soon (in a worker: in a book they are thousands)."""
        screen.annotations_changed(ranges, streaming=self.storing_suggestions)
        if self.recount is None:  # (while the model's suggestions stream in, less often)
            delay = RECOUNT_SECONDS * (5 if self.storing_suggestions else 1)
            self.recount = self.set_timer(delay, lambda: self.start_recount(session))

    def start_recount(self, session: AnnotationSession) -> None:
        """Count the derived suggestions of ``session`` in a worker, if it is still the open one."""
        self.recount = None
        if session is self.session:
            self.count_derived(session, session.propagation.count_job())

    @work(thread=True, exclusive=True, group="derived", description="counting the suggestions derived from corrections")
    def count_derived(self, session: AnnotationSession, job: Callable[[], DerivedCount]) -> None:
        """Count the suggestions derived from the corrections (``job``, made on the app's thread,
        works on copies), then hand the count to the app's thread; widgets are not touched here."""
        count = job()
        if get_current_worker().is_cancelled:
            return
        try:
            self.call_from_thread(self.derived_counted, session, count)
        except RuntimeError:  # the app has closed meanwhile
            return

    def derived_counted(self, session: AnnotationSession, count: DerivedCount) -> None:
        """Show a count of the derived suggestions, unless something changed since it was made
        (another count is on its way then). While the model's suggestions stream in, the lists
        take it at their next timed refill, as they take the suggestions."""
        if session is self.session and session.propagation.install(count) and session is self.annotate.session:
            self.annotate.annotations_changed([], streaming=bool(self.suggest_state))
