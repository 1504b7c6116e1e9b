"""One annotator's layer of a team database: a session holds and signs only that annotator's work."""

from __future__ import annotations

from tests.conftest import saved_annotations
from tui.model.annotation import CURATION, ENTITY, Annotation, Entity
from tui.model.document import Document
from tui.session.annotation_session import AnnotationSession
from tui.store.records import ANNOTATIONS, ENTITIES, Change
from tui.store.repository import Store

TEXT = "Jane Doe met Acme Corp in Paris. Acme Corp said it grew."


def team_store(db_path) -> tuple[Store, Document]:
    """A database holding alice's and bob's mention of "Jane Doe", each with their own entity."""
    store = Store(db_path)
    document = store.open_document(Document(TEXT, "t", "test:team"))
    changes = []
    for name, label in (("alice", "PERSON"), ("bob", "ORG")):
        entity = Entity(document.doc_id, "Jane Doe", label, entity_id=f"e-{name}", annotator=name)
        mention = Annotation.on_text(document.doc_id, TEXT, ENTITY, label, 0, 8, annotator=name, id=f"a-{name}", attrs={"entity_id": entity.entity_id})
        changes += [Change(ENTITIES, entity.entity_id, entity.to_record()), Change(ANNOTATIONS, mention.id, mention.to_record())]
    store.apply(changes)
    return store, document


def test_a_layer_session_shows_only_its_annotators_work_and_signs_what_it_makes(db_path):
    store, document = team_store(db_path)
    alice = AnnotationSession(store, document, "lead", layer="alice")
    assert set(alice.by_id) == {"a-alice"} and set(alice.entities) == {"e-alice"}
    curation = AnnotationSession(store, document, "lead", layer=CURATION)
    assert not curation.by_id and not curation.entities
    made = curation.label_span(13, 22, "ORG")
    assert made.annotator == CURATION
    stored = {r["id"]: r for r in saved_annotations(db_path)}
    assert stored[made.id]["annotator"] == CURATION
    entity = store.record(ENTITIES, made.attrs["entity_id"])
    assert entity["annotator"] == CURATION and entity["name"] == "Acme Corp"
    assert {r["id"] for r in saved_annotations(db_path) if r["annotator"] == "alice"} == {"a-alice"}  # untouched


def test_undo_in_a_layer_undoes_only_that_layers_actions(db_path):
    store, document = team_store(db_path)
    alice = AnnotationSession(store, document, "alice", layer="alice")
    alice.label_span(13, 22, "ORG")
    curation = AnnotationSession(store, document, "lead", layer=CURATION)
    assert not curation.history.can_undo
    curation.label_span(26, 31, "GPE")
    store.close()
    reopened = AnnotationSession(Store(db_path), document, "lead", layer=CURATION)
    reopened.undo()
    left = {(r["annotator"], r["start"]) for r in saved_annotations(db_path) if r["status"] == "accepted"}
    assert left == {("alice", 0), ("bob", 0), ("alice", 13)}


def test_an_entity_without_an_annotator_is_stored_as_before():
    assert "annotator" not in Entity("d", "Jane Doe", "PERSON").to_record()
    assert Entity("d", "Jane Doe", "PERSON", annotator="bob").to_record()["annotator"] == "bob"
