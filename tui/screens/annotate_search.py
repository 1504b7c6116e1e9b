"""Search on the annotate screen: `/` asks what to find (in the text or the annotations, of this
document or of every document), `n` and `N` step through the hits, which the article highlights.
The hits and the stepping are worked out by tui/session/search.py (tui/session/corpus_search.py
across documents, in a worker); this part of the screen shows them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work

from tui.messages import CorpusHitsFound, OpenDocument
from tui.session.search import WHERE, SearchState, annotation_hits, text_hits

if TYPE_CHECKING:
    from tui.model.document import Document
    from tui.session.annotation_session import AnnotationSession
    from tui.session.corpus_search import CorpusHit, CorpusSnapshot
    from tui.widgets.article_view import ArticleView


class SearchActions:
    """The annotate screen's search keys (mixed into :class:`~tui.screens.annotate.AnnotateScreen`)."""

    article: ArticleView
    document: Document
    session: AnnotationSession | None
    search_state: SearchState

    def action_search(self) -> None:
        """Ask what to find, in the article text or in the annotations, here or in every document."""
        from tui.screens.search import SearchScreen

        state = self.search_state
        self.app.push_screen(SearchScreen(state.query, state.scope, state.where), callback=self.run_search)

    def run_search(self, request: tuple[str, str, str] | None) -> None:
        """Search this document and go to the first hit at or after the cursor; or search every
        document in a worker, whose hits are then listed."""
        if not request or not request[0].strip():
            return
        query, scope, where = request
        self.search_state.where = where
        if where != WHERE[1]:
            self.search_here(query, scope, self.article.cursor)
        elif self.loaded():
            self.search_state.query, self.search_state.scope = query, scope
            self.say(f"searching every document for “{query}”…")
            from tui.session.corpus_search import corpus_snapshot  # imported by the search: the first screen does without

            self.search_every_document(corpus_snapshot(self.session.store), query, scope)

    def search_here(self, query: str, scope: str, near: int) -> None:
        """Find the hits of a search in this document and go to the first at or after ``near``."""
        if scope == "text":
            hits = text_hits((self.session.document if self.session is not None else self.document).text, query)
        else:
            hits = annotation_hits(self.session, query) if self.session is not None else []
        position = self.search_state.start(query, scope, hits, near)
        self.article.show_search_hits(self.search_state.hits)
        if position is None:
            self.say(f"no hits for “{query}” in the {scope}")
        else:
            self.show_hit()

    def show_corpus_hit(self, query: str, scope: str, start: int) -> None:
        """Show a hit found across documents in this newly opened one; `/` still searches every document."""
        self.search_state.where = WHERE[1]
        self.search_here(query, scope, start)

    @work(thread=True, exclusive=True, group="corpus-search", description="searching every document")
    def search_every_document(self, snapshot: CorpusSnapshot, query: str, scope: str) -> None:
        """Search the snapshot of every document (never the store or a widget) and post the hits."""
        from tui.session.corpus_search import corpus_hits

        hits, more = corpus_hits(snapshot, query, scope)
        self.post_message(CorpusHitsFound(query, scope, hits, more))

    def on_corpus_hits_found(self, message: CorpusHitsFound) -> None:
        """List the hits across documents; the one chosen opens its document there."""
        from tui.screens.corpus_hits import CorpusHitsScreen

        if not message.hits:
            self.say(f"no hits for “{message.query}” in the {message.scope} of any document")
            return
        self.say("")
        self.app.push_screen(CorpusHitsScreen(message), callback=lambda hit: self.open_hit(hit, message.query, message.scope))

    def open_hit(self, hit: CorpusHit | None, query: str, scope: str) -> None:
        """Go to a hit found across documents, opening its document unless it is this one."""
        if hit is None or not self.loaded():
            return
        if hit.doc_id == self.session.document.doc_id:
            self.search_here(query, scope, hit.start)
        else:
            self.post_message(OpenDocument(hit.doc_id, search=(query, scope, hit.start)))

    def action_search_step(self, step: int) -> None:
        """Go to the next (or previous) hit of the last search, wrapping around."""
        if self.search_state.step(step, self.article.cursor, self.article.text_index) is None:
            self.say("no search yet: press / to search")
        else:
            self.show_hit()

    def show_hit(self) -> None:
        """Put the cursor on the current search hit and say which of how many it is."""
        state = self.search_state
        start, end = state.hits[state.position]
        self.article.show_search_hits(state.hits)  # again, after Escape took it away
        self.article.move_to(start, end)
        self.article.focus()
        self.say(state.describe())
