"""Review mode on the annotate screen: going from one unreviewed suggestion to the next,
accepting or rejecting each on the way, accepting an entity's every mention, and giving a
claim its verdict with one letter. Where the suggestions are and what accepting them changes is
worked out by tui/session/review.py; this part of the screen moves the cursor and says what it did.

A verdict leaves the cursor on the claim: its speaker and verdict stay on the status line and
in the detail pane, so a wrong speaker is one ``e`` (or ``u``) away; ``;`` goes on to the next claim.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.binding import Binding

from tui.model.annotation import ACCEPTED, CLAIM, REJECTED, SUGGESTED, Annotation
from tui.model.claims import verdict_of
from tui.widgets.session_list import excerpt, quoted

if TYPE_CHECKING:
    from tui.session.annotation_session import AnnotationSession
    from tui.session.review import Place
    from tui.widgets.article_view import ArticleView

# In the footer: the verdict first, the bar of a quick review, then the next unreviewed suggestion
# (the status line then says that y, r and V act on it); the footer has no room for more.
REVIEW_BINDINGS = [
    Binding("V", "verdict_here", "Verdict", id="review.verdict"),
    Binding("full_stop", "review_step(1)", "Review", id="review.next"),
    Binding("comma", "review_step(-1)", "Review previous", show=False, id="review.previous"),
    Binding("semicolon", f"review_step(1, '{CLAIM}')", "Review next claim", show=False, id="review.next_claim"),
    Binding("colon", f"review_step(-1, '{CLAIM}')", "Review previous claim", show=False, id="review.previous_claim"),
    Binding("y", f"review_and_next('{ACCEPTED}')", "Accept, review next", show=False, id="review.accept_next"),
    Binding("r", f"review_and_next('{REJECTED}')", "Reject, review next", show=False, id="review.reject_next"),
    Binding("Y", "accept_entity_here", "Accept all of entity", show=False, id="review.accept_entity"),
]
# How much of a suggestion's text the status line quotes.
QUOTED = 32


class ReviewActions:
    """The annotate screen's review keys (mixed into :class:`~tui.screens.annotate.AnnotateScreen`)."""

    article: ArticleView
    session: AnnotationSession | None
    # The suggestion the review keys last went to, and where the cursor was put on it: the next
    # one is looked for after it while the cursor stays there (a claim and the name opening it
    # start at the same offset).
    review_current: tuple[str, int] = ("", -1)

    notice: str
    say: Callable[..., None]
    loaded: Callable[[], bool]
    perform: Callable[[str, Callable[[], object]], object]
    show_details: Callable[[Annotation | None], None]
    edit_target: Callable[[], Any]  # the screen's EditTarget (not imported: the screen imports this module)
    curation: Any  # the curation of a team database's document (annotate_curation.py), else None
    curation_step: Callable[[int], None]

    def reviewed_here(self) -> Annotation | None:
        """The annotation the review keys last went to, while the cursor is still where they put it."""
        annotation_id, cursor = self.review_current
        return self.session.annotation(annotation_id) if cursor == self.article.cursor else None

    def review_place(self) -> Place:
        """Where the review keys go on from: the suggestion they last went to while the cursor
        is still on it, else just before what starts at the cursor."""
        from tui.session.review import place_at, place_of  # imported by the keys: the first screen does without

        current = self.reviewed_here()
        return place_of(current) if current is not None else place_at(self.article.cursor)

    def go_to_suggestion(self, direction: int, kind: str | None = None, after: Place | None = None) -> Annotation | None:
        """Put the cursor on the next (or previous) unreviewed suggestion, of ``kind`` if given,
        and say what it is; ``None`` (said too) when none is left."""
        from tui.session.review import next_unreviewed_around

        session = self.session
        found, wrapped = next_unreviewed_around(session.annotations, after or self.review_place(), direction, kind, session.propagation)
        if found is None:
            self.say(f"no {'suggested claim' if kind == CLAIM else 'suggestion'} left to review")
            return None
        self.article.move_to(found.start)
        self.article.focus()
        self.review_current = (found.id, self.article.cursor)
        self.show_details(found)
        around = " (from the other end)" if wrapped else ""
        self.say(f"{self.describe(found)}{around} · y accept · r reject{' · V verdict' if found.is_claim else ''}")
        return found

    def describe(self, annotation: Annotation) -> str:
        """An annotation as the status line names it: its label, a claim's speaker, its text
        (the speaker before the text: a long notice is cut at its end)."""
        text = quoted(annotation.quote.exact, QUOTED)
        if annotation.is_claim:
            return f"{annotation.label} by {excerpt(self.session.speaker_name(annotation), QUOTED) or 'no one'}: {text}"
        return f"{annotation.label} {text}"

    def review_target(self) -> Annotation | None:
        """The suggestion the review keys went to while the cursor is on it, else the innermost
        suggestion under the cursor."""
        current = self.reviewed_here()
        if current is not None and current.status == SUGGESTED:
            return current
        return next((a for a in self.article.annotations_here() if a.status == SUGGESTED), None)

    def action_review_step(self, direction: int, kind: str = "") -> None:
        """Go to the next (or previous) unreviewed suggestion, or suggested claim; in curation
        mode, to the next (or previous) open disagreement."""
        if self.loaded():
            if self.curation is not None and not kind:
                self.curation_step(direction)
            else:
                self.go_to_suggestion(direction, kind or None)

    def action_review_and_next(self, status: str) -> None:
        """Accept (a claim with its speaker) or reject the suggestion here, then go to the next one."""
        if not self.loaded():
            return
        target = self.review_target()
        if target is None:
            self.say("no suggestion here: . goes to the next one")
            return
        described = f"{'accepted' if status == ACCEPTED else 'rejected'} {target.label}"
        if status == ACCEPTED and target.is_claim:
            done = self.perform(described, lambda: self.session.review_claim(target.id))
        else:
            done = self.perform(described, lambda: self.session.set_status(target.id, status))
        if done is not None:
            from tui.session.review import place_of

            found = self.go_to_suggestion(1, after=place_of(target))
            self.say(f"{described} · {'next: ' if found else ''}{self.notice}")

    def action_accept_entity_here(self) -> None:
        """Accept every suggested mention of the entity under the cursor."""
        if not self.loaded():
            return
        mention = next((a for a in self.article.annotations_here() if a.is_entity and a.attrs.get("entity_id")), None)
        entity = self.session.entities.get(mention.attrs["entity_id"]) if mention is not None else None
        if entity is None:
            self.say("no entity here")
            return
        count = self.perform("accepted", lambda: self.session.accept_entity(entity.entity_id))
        if count is not None:
            self.say(f"accepted {count} suggested mention(s) of {excerpt(entity.name, QUOTED)}" if count else f"no suggested mention of {excerpt(entity.name, QUOTED)} left")

    def action_verdict_here(self) -> None:
        """Ask for the verdict of the claim highlighted in the claims list (when it has focus) or
        of the innermost claim under the cursor; off a claim, go to the next suggested one
        first. A suggested claim is accepted with its speaker."""
        if not self.loaded():
            return
        claim = None if self.article.has_focus else self.edit_target().claim
        claim = claim or next((a for a in self.article.annotations_here() if a.is_claim), None)
        if claim is None:
            claim = self.go_to_suggestion(1, CLAIM)
            if claim is None:
                return
        from tui.screens.verdict_picker import VerdictPicker

        suggested = claim.status == SUGGESTED
        self.show_details(claim)
        self.say(f"{'suggested ' if suggested else 'verdict of '}{self.describe(claim)}")
        picker = VerdictPicker(verdict_of(claim.attrs), suggested, self.session.scheme)
        self.app.push_screen(picker, callback=lambda verdict: self.give_verdict(claim.id, verdict))

    def give_verdict(self, claim_id: str, verdict: str | None) -> None:
        """Set the verdict picked (none: nothing changes), accepting a suggested claim with its speaker."""
        claim = self.session.by_id.get(claim_id)
        if verdict is None or claim is None:
            return
        try:
            saved = self.perform(f"verdict {verdict}", lambda: self.session.review_claim(claim_id, verdict))
        except ValueError as error:
            self.say(str(error), error=True)
            return
        if saved is not None:
            self.show_details(saved)
            accepted = "accepted, " if claim.status == SUGGESTED else ""
            self.say(f"{accepted}verdict {verdict} — {self.describe(saved)} · e edit · u undo · ; next claim")
