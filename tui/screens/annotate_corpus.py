"""Moving through the database's documents from the annotate screen: the document list, the next
and previous document, the next unfinished one, and marking this one done. The app opens the
document asked for (one process, one database lock); this part of the screen only asks."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.binding import Binding

from tui.messages import OpenDocument, ShowDocuments

if TYPE_CHECKING:
    from tui.session.annotation_session import AnnotationSession

CORPUS_BINDINGS = [
    Binding("o", "documents", "Docs", id="corpus.list"),
    Binding("J", "open_document(1)", "Next document", show=False, id="corpus.next"),
    Binding("K", "open_document(-1)", "Previous document", show=False, id="corpus.previous"),
    Binding("U", "open_unfinished", "Next unfinished document", show=False, id="corpus.next_unfinished"),
    Binding("D", "toggle_done", "Mark document done", show=False, id="corpus.done"),
    Binding("S", "stats", "Statistics of this document and the database", show=False, id="corpus.stats"),
]


class CorpusActions:
    """The annotate screen's document keys (mixed into :class:`~tui.screens.annotate.AnnotateScreen`)."""

    session: AnnotationSession | None
    loaded: Callable[[], bool]
    perform: Callable[[str, Callable[[], object]], object]
    say: Callable[..., None]

    def action_documents(self) -> None:
        """Show the database's document list."""
        if self.loaded():
            self.post_message(ShowDocuments())

    def action_open_document(self, step: int) -> None:
        """Open the next (``step`` 1) or previous (-1) document of the list."""
        if self.loaded():
            self.post_message(OpenDocument("", step))

    def action_open_unfinished(self) -> None:
        """Open the next document not marked done."""
        if self.loaded():
            self.post_message(OpenDocument("", 1, unfinished=True))

    def action_toggle_done(self) -> None:
        """Mark this document done (`U` then goes on to the next unfinished one), or not done again."""
        if not self.loaded():
            return
        from tui.session.corpus import CorpusError, is_done, mark_done  # imported by the key: the first screen does without

        session = self.session
        try:
            done = is_done(session.store, session.document.doc_id)
        except CorpusError as error:
            self.say(str(error), error=True)
            return
        what = "marked not done" if done else "marked done; U opens the next unfinished document"
        self.perform(what, lambda: mark_done(session.store, session.document.doc_id, not done, session.annotator))

    def action_stats(self) -> None:
        """Show the statistics of this document and of the whole database."""
        from tui.screens.stats import StatsScreen

        if self.loaded():
            self.app.push_screen(StatsScreen(self.session.store, self.session.document.doc_id))
