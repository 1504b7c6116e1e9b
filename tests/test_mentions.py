"""The one naming rule for entities (tui.model.mentions.canonical_name), as the session, the
importers and the model's suggestions apply it."""

from __future__ import annotations

import pytest

from tui.formats.interchange import ROLE_ENTITY, Span, SpanGraph, plan_import
from tui.model.document import Document
from tui.model.mentions import canonical_name
from tui.nlp.suggest import assemble
from tui.store.repository import Store

NAMES = [
    # (mention as selected, label, the entity's name)
    ("Guardian", "ORG", "Guardian"),
    ("the Guardian", "ORG", "Guardian"),
    ("The Guardian", "ORG", "Guardian"),
    ("The Hague", "GPE", "Hague"),
    ("the", "ORG", "the"),
    ("Theresa May", "PERSON", "Theresa May"),
    ("Amazon’s", "ORG", "Amazon"),
    ("Amazon's", "ORG", "Amazon"),
    ("Reuters'", "ORG", "Reuters"),
    ("the Guardian’s", "ORG", "Guardian"),
    ("Dr. Jane Smith", "PERSON", "Jane Smith"),
    ("Mr Smith", "PERSON", "Smith"),
    ("Mr.", "PERSON", "Mr."),
    ("Dr Pepper", "PRODUCT", "Dr Pepper"),
    ("  Isedua\n  Oribhabor \n", "PERSON", "Isedua Oribhabor"),
    ("National\tTelecommunications and\nInformation Administration", "ORG", "National Telecommunications and Information Administration"),
    ("“Rekognition”", "PRODUCT", "Rekognition"),
    ("‘Rekognition’", "PRODUCT", "Rekognition"),
    ('"The Times"', "ORG", "Times"),
    ("THE GUARDIAN", "ORG", "GUARDIAN"),
    ("IBM", "ORG", "IBM"),
    ("U.S.", "GPE", "U.S."),
    ("", "ORG", ""),
    (" \n ", "ORG", ""),
]


@pytest.mark.parametrize(("text", "label", "name"), NAMES, ids=[repr(row[0]) for row in NAMES])
def test_canonical_name(text, label, name):
    assert canonical_name(text, label) == name


TEXT = "Reporters at the Guardian saw it first. The Guardian’s editor said so."


def _session(tmp_path):
    from tui.store.session import AnnotationSession

    store = Store(tmp_path / "annotations.json")
    return AnnotationSession(store, store.open_document(Document(TEXT, "t", "test:guardian")), "tester")


def test_a_labelled_mention_and_the_models_suggestion_of_the_same_outlet_are_one_entity(tmp_path):
    session = _session(tmp_path)
    start = TEXT.index("the Guardian")
    labelled = session.label_span(start, start + len("the Guardian"), "ORG")
    later = TEXT.index("The Guardian’s")
    raw = {"start": 0, "end": len(TEXT), "entities": [[later, later + len("The Guardian’s"), "ORG"]], "claims": []}
    for batch in assemble(session.document, [raw], [], "model"):
        session.add_suggestions(batch.annotations, batch.entities)
    assert [entity.name for entity in session.entities.values()] == ["Guardian"]
    (suggested,) = [a for a in session.visible() if a.start == later]
    assert suggested.attrs["entity_id"] == labelled.attrs["entity_id"]


def test_an_imported_mention_without_an_entity_is_named_by_the_same_rule(tmp_path):
    store = Store(tmp_path / "annotations.json")
    start = TEXT.index("the Guardian")
    graph = SpanGraph(text=TEXT, title="t", source="test:guardian", spans=[Span("T1", start, start + len("the Guardian"), "ORG", ROLE_ENTITY)])
    plan = plan_import(store, [graph], "brat")
    names = [change.record["name"] for change in plan.changes if change.table == "entities"]
    assert names == ["Guardian"]
