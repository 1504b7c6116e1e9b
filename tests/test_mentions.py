"""The one naming rule for entities (tui.model.mentions.canonical_name), as the session, the
importers and the model's suggestions apply it."""

from __future__ import annotations

import pytest

from tui.formats.importing import plan_import
from tui.formats.interchange import ROLE_ENTITY, Span, SpanGraph
from tui.model.document import Document
from tui.model.mentions import canonical_name
from tui.nlp.suggest import assemble
from tui.store.repository import Store

NAMES = [
    # (the mention as selected, the entity's name)
    ("Guardian", "Guardian"),
    ("the Guardian", "Guardian"),
    ("The Guardian", "Guardian"),
    ("The Hague", "Hague"),
    ("the", "the"),
    ("Theresa May", "Theresa May"),
    ("Amazon’s", "Amazon"),
    ("Amazon's", "Amazon"),
    ("Reuters'", "Reuters"),
    ("the Guardian’s", "Guardian"),
    ("Dr. Jane Smith", "Dr. Jane Smith"),
    ("Ms. Obi’s", "Ms. Obi"),
    ("  Isedua\n  Oribhabor \n", "Isedua Oribhabor"),
    ("National\tTelecommunications and\nInformation Administration", "National Telecommunications and Information Administration"),
    ("“Rekognition”", "Rekognition"),
    ("‘Rekognition’", "Rekognition"),
    ('"The Times"', "Times"),
    ("THE GUARDIAN", "GUARDIAN"),
    ("IBM", "IBM"),
    ("U.S.", "U.S."),
    ("", ""),
    (" \n ", ""),
]


@pytest.mark.parametrize(("text", "name"), NAMES, ids=[repr(row[0]) for row in NAMES])
def test_canonical_name(text, name):
    assert canonical_name(text) == name


TEXT = "Reporters at the Guardian saw it first. The Guardian’s editor said so."


def _session(tmp_path):
    from tui.session.annotation_session import AnnotationSession

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
