"""Review logic without a screen: the next unreviewed suggestion from a place in the text, and
accepting a suggested claim with its speaker or every mention of an entity, each one undoable
action saved to a real TinyDB file."""

from __future__ import annotations

import pytest

from tests.conftest import occurrence as span
from tests.conftest import saved_annotations
from tui.model.annotation import ACCEPTED, CLAIM, ENTITY, REJECTED, SUGGESTED, Annotation, Entity
from tui.model.claims import claim_attrs
from tui.model.document import Document
from tui.model.span_index import SpanIndex
from tui.session.annotation_session import AnnotationSession
from tui.session.review import START, next_unreviewed, next_unreviewed_around, place_at, place_of
from tui.store.repository import Store

TEXT = "Jane Doe said the plan failed. Acme Corp hired Jane Doe in Paris. She said sales rose."


def suggest(session: AnnotationSession, names: dict[str, str], claims: list[tuple[str, str, str]]) -> None:
    """Store what a model would suggest: every occurrence of each of ``names`` (name: label) as
    a mention of its entity, and each ``(sentence, speaker as named there, speaker entity's
    name)`` of ``claims`` as a claim spoken by that entity, as the model gives it (``""``: no speaker)."""
    text, doc = session.text, session.document.doc_id
    entities = {name: Entity(doc, name, label, entity_id=f"e-{name}") for name, label in names.items()}
    mentions = [
        Annotation.on_text(doc, text, ENTITY, entity.label, start, start + len(name), status=SUGGESTED, origin="model:test", attrs={"entity_id": entity.entity_id})
        for name, entity in entities.items()
        for start in (span(text, name, nth)[0] for nth in range(text.count(name)))
    ]
    suggested_claims = []
    for sentence, named, speaker in claims:
        start, end = span(text, sentence)
        cue = text.index("said", start)
        claim_type = "quote" if sentence.startswith("“") else "reported"
        if speaker:
            named_at = text.index(named, start)
            attrs = claim_attrs(start, end, claim_type, speaker=f"e-{speaker}", speaker_span=[named_at, named_at + len(named)], cue=[cue, cue + 4])
        else:
            attrs = claim_attrs(start, end, claim_type, cue=[cue, cue + 4])
        suggested_claims.append(Annotation.on_text(doc, text, CLAIM, claim_type, start, end, status=SUGGESTED, origin="model:test", attrs=attrs))
    session.add_suggestions(mentions + suggested_claims, list(entities.values()))


def suggested_session(db_path, text: str = TEXT) -> AnnotationSession:
    """A session whose model suggested every name, a claim spoken by Jane Doe at its start, and
    one spoken by "She" (the model resolved the pronoun to Jane Doe)."""
    store = Store(db_path)
    document = store.open_document(Document(text, "t", "test:review"))
    session = AnnotationSession(store, document, "tester")
    claims = [("Jane Doe said the plan failed.", "Jane Doe", "Jane Doe"), ("She said sales rose.", "She", "Jane Doe")]
    suggest(session, {"Jane Doe": "PERSON", "Acme Corp": "ORG", "Paris": "GPE"}, [claim for claim in claims if claim[0] in text])
    return session


def by_place(session: AnnotationSession) -> dict[tuple[str, int], dict]:
    return {(r["kind"], r["start"]): r for r in saved_annotations(session.store.path)}


def first_place(session, kind, phrase, nth=0):
    start, end = span(session.text, phrase, nth)
    return next(a for a in session.index if a.kind == kind and (a.start, a.end) == (start, end))


def test_next_unreviewed_goes_through_suggestions_in_text_order_a_name_before_the_claim_it_opens(db_path):
    session = suggested_session(db_path)
    order, place = [], START
    while (found := next_unreviewed(session.index, place)) is not None:
        order.append((found.kind, found.quote.exact))
        place = place_of(found)
    assert order == [
        ("entity", "Jane Doe"), ("claim", "Jane Doe said the plan failed."), ("entity", "Acme Corp"),
        ("entity", "Jane Doe"), ("entity", "Paris"), ("claim", "She said sales rose."),
    ]
    backwards, place = [], place_of(session.by_id[next(a.id for a in session.index if a.quote.exact == "She said sales rose.")])
    while (found := next_unreviewed(session.index, place, -1)) is not None:
        backwards.append(found.quote.exact)
        place = place_of(found)
    assert backwards == ["Paris", "Jane Doe", "Acme Corp", "Jane Doe said the plan failed.", "Jane Doe"]


def test_reviewed_suggestions_are_skipped_and_a_kind_can_be_asked_for(db_path):
    session = suggested_session(db_path)
    acme = first_place(session, ENTITY, "Acme Corp")
    paris = first_place(session, ENTITY, "Paris")
    session.set_status(acme.id, ACCEPTED)
    session.set_status(paris.id, REJECTED)
    after_first_claim = place_at(span(TEXT, "Acme Corp")[0])
    assert next_unreviewed(session.index, after_first_claim).quote.exact == "Jane Doe"
    assert next_unreviewed(session.index, after_first_claim, kind=CLAIM).quote.exact == "She said sales rose."
    assert next_unreviewed(session.index, place_at(len(TEXT)), -1, kind=CLAIM).quote.exact == "She said sales rose."
    assert next_unreviewed(session.index, place_at(span(TEXT, "She")[0]), -1, kind=CLAIM).quote.exact == "Jane Doe said the plan failed."


def test_next_unreviewed_around_goes_on_from_the_other_end(db_path):
    session = suggested_session(db_path)
    end = place_at(len(TEXT))
    assert next_unreviewed(session.index, end) is None
    found, wrapped = next_unreviewed_around(session.annotations, end)
    assert (found.quote.exact, wrapped) == ("Jane Doe", True)
    found, wrapped = next_unreviewed_around(session.annotations, START, -1)
    assert (found.quote.exact, wrapped) == ("She said sales rose.", True)
    found, wrapped = next_unreviewed_around(session.annotations, START)
    assert (found.quote.exact, wrapped) == ("Jane Doe", False)


def test_a_suggestion_far_from_the_cursor_is_found_both_ways(db_path):
    filler = "Nothing to see here at all. " * 3000  # 84,000 characters: many windows
    text = "Acme Corp opened. " + filler + "Jane Doe said the plan failed. " + filler + "Paris slept."
    session = suggested_session(db_path, text)
    for name in ("Acme Corp", "Paris"):
        session.set_status(first_place(session, ENTITY, name).id, ACCEPTED)
    found = next_unreviewed(session.index, place_at(20))
    assert (found.kind, found.start) == (ENTITY, span(text, "Jane Doe")[0])
    found = next_unreviewed(session.index, place_at(len(text) - 5), -1)
    assert (found.kind, found.start) == (CLAIM, span(text, "Jane Doe")[0])


def test_the_next_suggestion_is_found_without_looking_through_the_accepted_annotations_between(db_path, monkeypatch):
    # Every "Acme Corp" but the last accepted: 3,000 annotations lie between the cursor and the
    # one suggestion left, and the review keys must not walk them (a book has 100,000).
    text = "Acme Corp grew. " * 3000 + "Jane Doe said the plan failed."
    session = suggested_session(db_path, text)
    session.accept_all("ORG")
    looked_at = []
    overlapping = SpanIndex.overlapping
    monkeypatch.setattr(SpanIndex, "overlapping", lambda spans, start, end: looked_at.extend(found := overlapping(spans, start, end)) or found)
    found, wrapped = next_unreviewed_around(session.annotations, place_at(0))
    assert (found.kind, found.quote.exact, wrapped) == (ENTITY, "Jane Doe", False)
    found, wrapped = next_unreviewed_around(session.annotations, place_at(len(text)), -1, CLAIM)
    assert (found.quote.exact, wrapped) == ("Jane Doe said the plan failed.", False)
    assert len(looked_at) < 10
    session.undo()  # the accepted mentions are suggestions again, and the first is next
    assert next_unreviewed_around(session.annotations, place_at(0))[0].start == 0


def test_reviewing_a_suggested_claim_accepts_it_with_its_speaker_mention_and_verdict_in_one_undoable_action(db_path):
    session = suggested_session(db_path)
    claim = first_place(session, CLAIM, "Jane Doe said the plan failed.")
    session.review_claim(claim.id, "false")
    saved = by_place(session)
    assert saved[("claim", 0)]["status"] == ACCEPTED
    assert saved[("claim", 0)]["attrs"]["verdict"] == "false"
    assert saved[("claim", 0)]["attrs"]["speaker"] == "e-Jane Doe"
    assert saved[("claim", 0)]["annotator"] == "tester"
    assert saved[("entity", 0)]["status"] == ACCEPTED and saved[("entity", 0)]["annotator"] == "tester"
    assert saved[("entity", span(TEXT, "Jane Doe", 1)[0])]["status"] == SUGGESTED  # only the speaker's mention
    session.undo()
    saved = by_place(session)
    assert saved[("claim", 0)]["status"] == SUGGESTED and saved[("claim", 0)]["attrs"]["verdict"] == "unverified"
    assert saved[("entity", 0)]["status"] == SUGGESTED
    assert not session.can_undo


def test_a_pronoun_speakers_entity_gets_its_nearest_earlier_mention_accepted_if_it_has_none(db_path):
    session = suggested_session(db_path)
    she = first_place(session, CLAIM, "She said sales rose.")
    session.review_claim(she.id)
    saved = by_place(session)
    assert saved[("claim", she.start)]["status"] == ACCEPTED
    assert saved[("claim", she.start)]["attrs"]["verdict"] == "unverified"
    assert saved[("entity", span(TEXT, "Jane Doe", 1)[0])]["status"] == ACCEPTED
    assert saved[("entity", 0)]["status"] == SUGGESTED
    session.undo()
    # With a mention of Jane Doe accepted, the speaker has a name in the text: nothing more is accepted.
    session.set_status(first_place(session, ENTITY, "Jane Doe").id, ACCEPTED)
    session.review_claim(she.id)
    assert by_place(session)[("entity", span(TEXT, "Jane Doe", 1)[0])]["status"] == SUGGESTED


def test_a_verdict_postil_does_not_offer_is_refused_and_nothing_is_stored(db_path):
    session = suggested_session(db_path)
    claim = first_place(session, CLAIM, "Jane Doe said the plan failed.")
    with pytest.raises(ValueError, match="verdict"):
        session.review_claim(claim.id, "pants-on-fire")
    assert by_place(session)[("claim", 0)]["status"] == SUGGESTED
    assert not session.can_undo


def test_a_verdict_on_an_accepted_claim_changes_only_the_verdict_and_the_same_one_again_nothing(db_path):
    session = suggested_session(db_path)
    claim = first_place(session, CLAIM, "Jane Doe said the plan failed.")
    session.set_status(claim.id, ACCEPTED)
    session.review_claim(claim.id, "mixed")
    saved = by_place(session)
    assert saved[("claim", 0)]["attrs"]["verdict"] == "mixed"
    assert saved[("entity", 0)]["status"] == SUGGESTED  # the claim was accepted before: its speaker's mention is left as it was
    session.review_claim(claim.id, "mixed")
    session.undo()
    assert by_place(session)[("claim", 0)]["attrs"]["verdict"] == "unverified"


def test_accepting_an_entity_accepts_every_suggested_mention_of_it_in_one_undoable_action(db_path):
    session = suggested_session(db_path)
    assert session.accept_entity("e-Jane Doe") == 2
    saved = by_place(session)
    jane = [r for r in saved.values() if r["attrs"].get("entity_id") == "e-Jane Doe"]
    assert [r["status"] for r in jane] == [ACCEPTED, ACCEPTED]
    assert all(r["annotator"] == "tester" for r in jane)
    assert saved[("entity", span(TEXT, "Acme Corp")[0])]["status"] == SUGGESTED
    assert saved[("claim", 0)]["status"] == SUGGESTED
    assert session.accept_entity("e-Jane Doe") == 0
    session.undo()
    assert [r["status"] for r in by_place(session).values() if r["attrs"].get("entity_id") == "e-Jane Doe"] == [SUGGESTED, SUGGESTED]
