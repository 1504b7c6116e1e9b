"""Search on the annotate screen: `/` asks what to find (in the text or the annotations), `n` and
`N` step through the hits, which the article highlights. The hits and the stepping are worked
out by tui/session/search.py; this part of the screen shows them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.session.search import SearchState, annotation_hits, text_hits

if TYPE_CHECKING:
    from tui.model.document import Document
    from tui.session.annotation_session import AnnotationSession
    from tui.widgets.article_view import ArticleView


class SearchActions:
    """The annotate screen's search keys (mixed into :class:`~tui.screens.annotate.AnnotateScreen`)."""

    article: ArticleView
    document: Document
    session: AnnotationSession | None
    search_state: SearchState

    def action_search(self) -> None:
        """Ask what to find, in the article text or in the annotations."""
        from tui.screens.search import SearchScreen

        self.app.push_screen(SearchScreen(self.search_state.query, self.search_state.scope), callback=self.run_search)

    def run_search(self, request: tuple[str, str] | None) -> None:
        """Find the hits of a search and go to the first one at or after the cursor."""
        if not request or not request[0].strip():
            return
        query, scope = request
        if scope == "text":
            hits = text_hits((self.session.document if self.session is not None else self.document).text, query)
        else:
            hits = annotation_hits(self.session, query) if self.session is not None else []
        position = self.search_state.start(query, scope, hits, self.article.cursor)
        self.article.show_search_hits(self.search_state.hits)
        if position is None:
            self.say(f"no hits for “{query}” in the {scope}")
        else:
            self.show_hit()

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
