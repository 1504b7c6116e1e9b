"""A correction suggested at every other occurrence of its text, derived when looked at and never
stored one record per occurrence: real TinyDB files in tmp_path, no app."""

from __future__ import annotations

from tests.conftest import saved_annotations
from tui.model.annotation import ACCEPTED, ENTITY, REJECTED, SUGGESTED, Annotation
from tui.model.document import Document
from tui.model.labels import CONLL2003
from tui.session.annotation_session import AnnotationSession
from tui.session.corrections import CHUNK, Corrections
from tui.session.review import START, next_unreviewed_around, place_at
from tui.store.records import GAZETTEER, Change
from tui.store.repository import Store

SENTENCE = "Acme Corp met Jane Doe. "


def open_text(db_path, text: str) -> AnnotationSession:
    store = Store(db_path)
    document = store.open_document(Document(text, "t", "test:propagation"))
    return AnnotationSession(store, document, "tester")


def shown(session: AnnotationSession, start: int = 0, end: int | None = None) -> list[Annotation]:
    """The entity annotations the article shows in ``[start, end)`` (stored and derived), in text order."""
    found = session.spans.overlapping(start, len(session.text) if end is None else end)
    return sorted((a for a in found if a.is_entity), key=lambda a: (a.start, a.end))


def suggested(session: AnnotationSession) -> list[tuple[int, str]]:
    return [(a.start, a.label) for a in shown(session) if a.status == SUGGESTED]


def test_labelling_a_phrase_found_300_times_stores_one_annotation_and_shows_the_rest_as_suggestions(db_path):
    session = open_text(db_path, SENTENCE * 300)
    session.label_span(0, 9, "ORG")
    session.store.close()  # folded into the TinyDB file
    records = saved_annotations(db_path)
    assert [(r["start"], r["status"]) for r in records] == [(0, ACCEPTED)]
    reopened = open_text(db_path, SENTENCE * 300)  # derived from the stored correction again
    found = shown(reopened)
    assert len(found) == 300 and [a.status for a in found[1:]] == [SUGGESTED] * 299
    assert {(a.label, a.origin, a.attrs["entity_id"]) for a in found[1:]} == {("ORG", "user-correction", found[0].attrs["entity_id"])}
    assert reopened.spans.get(found[7].id) == found[7] == shown(reopened, found[7].start, found[7].end)[0]  # one id per occurrence
    assert reopened.count_derived() == 299
    assert reopened.counts[(ENTITY, SUGGESTED)] == 299 and reopened.counts[(ENTITY, ACCEPTED)] == 1
    [(_, [(entity, mentions)])] = reopened.entity_groups()
    assert (entity.name, mentions, reopened.mention_count(entity.entity_id)) == ("Acme Corp", 300, 300)


def test_accepting_and_rejecting_a_derived_suggestion_stores_one_record_each(db_path):
    session = open_text(db_path, SENTENCE * 5)
    session.label_span(0, 9, "ORG")
    second, third = shown(session)[1:3]
    accepted = session.set_status(second.id, ACCEPTED)
    rejected = session.delete(third.id)  # a suggestion deleted is rejected
    assert (accepted.start, accepted.status, accepted.label) == (second.start, ACCEPTED, "ORG")
    assert (rejected.start, rejected.status) == (third.start, REJECTED)
    records = {r["start"]: r for r in saved_annotations(db_path)}
    assert {start: r["status"] for start, r in records.items()} == {0: ACCEPTED, second.start: ACCEPTED, third.start: REJECTED}
    assert records[second.start]["attrs"]["entity_id"] == shown(session)[0].attrs["entity_id"]
    assert suggested(session) == [(len(SENTENCE) * 3, "ORG"), (len(SENTENCE) * 4, "ORG")]  # the rejected one is not derived again
    session.undo()
    assert (len(SENTENCE) * 2, "ORG") in suggested(session)
    session.store.close()
    assert suggested(open_text(db_path, SENTENCE * 5)) == [(len(SENTENCE) * n, "ORG") for n in (2, 3, 4)]


def test_a_model_suggestion_on_the_same_span_takes_the_users_label_and_accepting_it_rewrites_that_record(db_path):
    session = open_text(db_path, SENTENCE * 3)
    doc_id = session.document.doc_id
    guess = Annotation.on_text(doc_id, session.text, ENTITY, "PERSON", len(SENTENCE), len(SENTENCE) + 9, status=SUGGESTED, origin="model")
    session.add_suggestions([guess], [])
    session.label_span(0, 9, "ORG")
    assert [(a.start, a.label, a.id == guess.id) for a in shown(session) if a.status == SUGGESTED] == [
        (len(SENTENCE), "ORG", True), (2 * len(SENTENCE), "ORG", False)]
    found, _ = next_unreviewed_around(session.annotations, place_at(1), derived=session.propagation)
    assert (found.id, found.label) == (guess.id, "ORG")
    session.set_status(guess.id, ACCEPTED)
    records = {r["id"]: r for r in saved_annotations(db_path)}
    assert len(records) == 2 and (records[guess.id]["label"], records[guess.id]["status"]) == ("ORG", ACCEPTED)


def test_review_goes_through_the_derived_suggestions_and_accept_all_takes_them_in_one_undoable_action(db_path):
    session = open_text(db_path, SENTENCE * 4)
    session.label_span(14, 22, "PERSON")  # Jane Doe
    starts = [len(SENTENCE) * n + 14 for n in range(1, 4)]
    found, wrapped = next_unreviewed_around(session.annotations, place_at(15), derived=session.propagation)
    assert (found.start, found.label, wrapped) == (starts[0], "PERSON", False)
    found, wrapped = next_unreviewed_around(session.annotations, place_at(starts[2] + 1), derived=session.propagation)
    assert (found.start, wrapped) == (starts[0], True)
    found, _ = next_unreviewed_around(session.annotations, place_at(len(session.text)), -1, derived=session.propagation)
    assert found.start == starts[2]
    assert session.spans.next_after(15).start == starts[0] and session.spans.previous_before(starts[0]).start == 14
    assert session.accept_all("PERSON") == 3
    assert sorted(r["start"] for r in saved_annotations(db_path) if r["status"] == ACCEPTED) == [14, *starts]
    assert next_unreviewed_around(session.annotations, START, derived=session.propagation) == (None, False)
    session.undo()  # the accept-all, whole
    assert [r["start"] for r in saved_annotations(db_path)] == [14] and [s for s, _ in suggested(session)] == starts
    session.undo()  # the label action: its correction goes, and what it derived
    assert saved_annotations(db_path) == [] and suggested(session) == []
    assert session.store.gazetteer() == []
    session.redo()
    assert [s for s, _ in suggested(session)] == starts


def test_relabelling_a_text_back_shows_the_latest_label_now_and_after_reopening(db_path):
    session = open_text(db_path, SENTENCE * 3)
    for label in ("ORG", "PERSON", "ORG"):
        session.label_span(0, 9, label)
    assert {label for _, label in suggested(session)} == {"ORG"}
    assert [(r["text"], r["label"]) for r in session.store.gazetteer()] == [("Acme Corp", "ORG")]
    session.store.close()
    assert {label for _, label in suggested(open_text(db_path, SENTENCE * 3))} == {"ORG"}


def searched_lengths(monkeypatch) -> list[int]:  # noqa: ANN001
    """The length of each stretch of text the corrections are searched in from now on."""
    searched: list[int] = []
    search = Corrections._search

    def counting(self, labels, low, high):  # noqa: ANN001, ANN202
        searched.append(min(high, len(self.text)) - max(low, 0))
        return search(self, labels, low, high)

    monkeypatch.setattr(Corrections, "_search", counting)
    return searched


def test_a_label_action_searches_only_around_what_is_drawn(db_path, monkeypatch):
    # The key path's work must not grow with the occurrences: the text is searched only in the
    # chunks holding the stretches asked for (and the longest corrected text around them), once.
    searched = searched_lengths(monkeypatch)
    session = open_text(db_path, SENTENCE * 3000)
    session.label_span(0, 9, "ORG")
    assert searched == [] and len(saved_annotations(db_path)) == 1
    for row in range(1000, 3000, 100):  # drawing a screenful of rows, one by one
        shown(session, row, row + 100)
    assert len(shown(session, 1000, 3000)) == 83  # Acme Corp at 1008, 1032, ... 2976
    assert searched == [CHUNK]  # the one chunk holding them, searched once


def test_a_hand_made_correction_without_its_key_is_still_suggested_and_a_huge_one_is_not(db_path):
    store = Store(db_path)
    document = store.open_document(Document(SENTENCE * 2, "t", "test:propagation"))
    store.apply([Change(GAZETTEER, "by hand", {"text": "Jane Doe", "label": "PERSON"}),
                 Change(GAZETTEER, "too long", {"text": SENTENCE * 50, "label": "EVENT"})])  # searched around every row drawn: left out
    session = AnnotationSession(store, document, "tester")
    assert suggested(session) == [(14, "PERSON"), (len(SENTENCE) + 14, "PERSON")]
    assert session.propagation.corrections.longest == len("Jane Doe")


def test_review_with_the_derived_suggestions_counted_looks_only_where_they_are(db_path, monkeypatch):
    # "." with one derived suggestion left at the far end of a long text, then with none left: once
    # they are counted (the app counts them a moment after each change), the text between is not searched.
    filler = "Filler words go on here. " * 3000
    session = open_text(db_path, SENTENCE + filler + "Acme Corp again.")
    last = len(SENTENCE + filler)
    session.label_span(0, 9, "ORG")
    assert session.count_derived() == 1
    searched = searched_lengths(monkeypatch)
    found, wrapped = next_unreviewed_around(session.annotations, place_at(15), derived=session.propagation)
    assert (found.start, found.label, wrapped) == (last, "ORG", False)
    found, wrapped = next_unreviewed_around(session.annotations, place_at(len(session.text)), -1, derived=session.propagation)
    assert (found.start, wrapped) == (last, False)
    assert sum(searched) <= 2 * CHUNK
    session.delete(found.id)  # rejected: none left
    assert session.count_derived() == 0
    searched.clear()
    assert next_unreviewed_around(session.annotations, place_at(15), derived=session.propagation) == (None, False)
    assert searched == []
    session.undo()  # the rejection: suggested again, found before it is counted too
    assert next_unreviewed_around(session.annotations, place_at(15), derived=session.propagation)[0].start == last


def test_a_correction_with_a_label_the_scheme_lacks_is_not_suggested(db_path):
    # A hand-edited correction, or one an older scheme left: accepting what it derives would
    # store mentions the database's scheme has no label for.
    store = Store(db_path)
    document = store.open_document(Document(SENTENCE * 2 + "Smith came.", "t", "test:propagation"))
    store.apply([store.scheme_change(CONLL2003),
                 Change(GAZETTEER, "ORG\tAcme Corp", {"key": "ORG\tAcme Corp", "text": "Acme Corp", "label": "ORG"}),
                 Change(GAZETTEER, "PERSON\tJane Doe", {"key": "PERSON\tJane Doe", "text": "Jane Doe", "label": "PERSON"}),
                 Change(GAZETTEER, "\tSmith", {"key": "\tSmith", "text": "Smith", "label": ""})])
    session = AnnotationSession(store, document, "tester")
    assert suggested(session) == [(0, "ORG"), (len(SENTENCE), "ORG")]
    assert session.accept_all("ORG") == 2 and session.accept_all("PERSON") == 0 and session.accept_all("") == 0
    assert sorted((r["label"], r["start"]) for r in saved_annotations(db_path)) == [("ORG", 0), ("ORG", len(SENTENCE))]


def test_relabelling_an_entity_takes_its_correction_and_derived_suggestions_along_and_undo_brings_them_back(db_path):
    session = open_text(db_path, SENTENCE * 3)
    entity_id = session.label_span(0, 9, "ORG").attrs["entity_id"]
    session.update_entity(entity_id, label="PRODUCT")
    assert suggested(session) == [(len(SENTENCE), "PRODUCT"), (2 * len(SENTENCE), "PRODUCT")]
    assert [(r["text"], r["label"]) for r in session.store.gazetteer()] == [("Acme Corp", "PRODUCT")]
    assert [m.label for m in session.mentions_of(entity_id)] == ["PRODUCT"] * 3
    session.undo()
    assert suggested(session) == [(len(SENTENCE), "ORG"), (2 * len(SENTENCE), "ORG")]
    assert [(r["text"], r["label"]) for r in session.store.gazetteer()] == [("Acme Corp", "ORG")]
