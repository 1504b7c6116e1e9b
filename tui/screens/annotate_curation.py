"""Curation mode on the annotate screen: a document of a team database is shown as its curation
layer (the agreed annotations, then the lead's decisions), every disagreement still open is
marked in the article and listed in the side panel with who said what, ``t`` takes one
annotator's version, every one's or none, and ``.`` ``,`` go to the next or previous open one.

The decisions are the curation's (tui/session/curation.py); this part of the screen asks for
them and shows where things stand.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.binding import Binding

from tui.model.annotation import CURATION
from tui.model.display import display_text
from tui.widgets.session_list import quoted

if TYPE_CHECKING:
    from tui.session.annotation_session import AnnotationSession
    from tui.session.curation import Curation, Disagreement
    from tui.widgets.article_view import ArticleView
    from tui.widgets.disagreement_list import DisagreementList
    from tui.widgets.side_panel import SidePanel

CURATION_BINDINGS = [
    Binding("t", "take", "Take", id="curation.take"),
]
# How much of a disagreement's text the status line quotes.
QUOTED = 32


class CurationActions:
    """The annotate screen's curation keys (mixed into :class:`~tui.screens.annotate.AnnotateScreen`)."""

    article: ArticleView
    session: AnnotationSession | None
    side_panel: SidePanel | None
    notice: str
    notice_is_error: bool
    say: Callable[..., None]
    loaded: Callable[[], bool]
    perform: Callable[[str, Callable[[], object]], object]

    curation: Curation | None = None
    marked_version = -1  # the curation's version whose open disagreements the article marks

    def start_curation(self, session: AnnotationSession) -> DisagreementList | None:
        """When ``session`` is a team database's curation layer, take the curation that opened
        it (else read the annotators' work now) and return the list of their disagreements for
        the side panel; ``None`` otherwise."""
        if session.layer != CURATION:
            return None
        if session.curation is None:
            from tui.session.curation import Curation

            Curation(session.store, session.document).follow(session)
        from tui.widgets.disagreement_list import DisagreementList  # in curation mode only

        self.curation = session.curation
        self.refresh_curation()
        return DisagreementList(session, self.curation)

    def refresh_curation(self) -> None:
        """After a change: the open disagreements marked in the article, when one of them
        changed (the curation keeps how each stands, see Curation.changed)."""
        curation = self.curation
        if curation is None or curation.version == self.marked_version:
            return
        self.marked_version = curation.version
        disagreements = curation.disagreements
        self.article.show_conflicts(tuple((disagreements[n].start, disagreements[n].end) for n in curation.open_positions))

    @property
    def resolutions(self) -> dict[str, str | None]:
        """How each disagreement stands (by key), as of the last change: None while open."""
        return self.curation.resolutions

    def curation_summary(self, short: bool = False) -> str:
        """The status line's account: 'Curation · 3 of 7 disagreements resolved · alice, bob';
        ``short``, for a narrow line: 'curation: 3/7 resolved'."""
        resolved = len(self.resolutions) - len(self.curation.open_positions)
        if short:
            return f"curation: {resolved}/{len(self.resolutions)} resolved"
        names = ", ".join(display_text(name) for name in self.curation.annotators)
        return f"Curation · {resolved} of {len(self.resolutions)} disagreements resolved · {names}"

    def disagreement_at(self, offset: int) -> Disagreement | None:
        """The disagreement covering ``offset`` (an open one first), if any."""
        covering = self.curation.covering(offset)
        return next((d for d in covering if self.resolutions.get(d.key) is None), covering[0] if covering else None)

    def go_to_disagreement(self, disagreement: Disagreement) -> None:
        """Put the cursor on a disagreement and say who said what (the side panel does, as the
        cursor moves; when it was there already, the pane may show a list's entry)."""
        before = self.article.cursor
        self.article.move_to(disagreement.start)
        self.article.focus()
        if self.article.cursor == before and self.side_panel is not None:
            self.side_panel.cursor_moved(before)

    def curation_step(self, direction: int) -> None:
        """Go to the next (or previous) open disagreement (``.`` and ``,`` in curation mode)."""
        found = self.curation.next_open(self.session, self.article.cursor, direction)
        if found is None:
            self.say(f"every disagreement is resolved ({len(self.resolutions)})")
            return
        self.go_to_disagreement(found)
        self.say(f"{self.disagreement_name(found)} · t take")

    def disagreement_name(self, disagreement: Disagreement) -> str:
        """A disagreement as the status line names it: its kind and text."""
        return f"{disagreement.kind} {quoted(self.session.text[disagreement.start : disagreement.end], QUOTED)}"

    def action_take(self) -> None:
        """Decide the disagreement at the cursor (else the next open one): whose version the
        curation takes, every one's or none."""
        if not self.loaded() or self.curation is None:  # outside curation mode the key is not bound (check_action)
            return
        cursor = self.article.cursor
        disagreement = self.disagreement_at(cursor) or self.curation.next_open(self.session, cursor, 0)
        if disagreement is None:
            self.say(f"every disagreement is resolved ({len(self.resolutions)})" if self.resolutions else "the annotators agree on everything here")
            return
        self.go_to_disagreement(disagreement)
        from tui.screens.take_picker import TakePicker
        from tui.widgets.disagreement_list import who_said_what

        subject = self.session.text[disagreement.start : disagreement.end]
        picker = TakePicker(subject, who_said_what(self.curation, disagreement))
        self.app.push_screen(picker, callback=lambda taken: self.take(disagreement, taken))

    def take(self, disagreement: Disagreement, taken: list[int] | None) -> None:
        """Store the decision, the positions of the versions ``taken`` (None: cancelled), as
        one undoable action and go on to the next open disagreement."""
        if taken is None:
            self.say(f"{self.disagreement_name(disagreement)} left open")
            return
        chosen = [disagreement.versions[n].annotator for n in taken]  # the names as stored
        if not chosen:
            what = "neither version"
        elif len(chosen) == len(disagreement.versions) > 1:
            what = "every version"
        else:
            what = f"{display_text(', '.join(chosen))}'s version"
        done = self.perform(f"took {what}", lambda: self.curation.take(self.session, disagreement, chosen) or True)
        if done is None:
            return
        # The status line counts the resolved ones already: the notice says what was taken and what is next.
        taken = self.notice
        found = self.curation.next_open(self.session, disagreement.start, 1)
        if found is None:
            self.say(f"{taken} · every disagreement is resolved ({len(self.resolutions)})")
            return
        self.go_to_disagreement(found)
        self.say(f"{taken} · next: {self.disagreement_name(found)}")
