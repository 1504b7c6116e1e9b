"""The label scheme a database keeps: read from plain data, stored in the meta table (kept by
folding, backups and doctor), changed with relabelling through the journal, and followed by
claim edits and the model's suggestions. Real TinyDB files in tmp_path."""

from __future__ import annotations

import json

import pytest
from tinydb import TinyDB

from tests.conftest import occurrence
from tui.cli import main
from tui.model.annotation import CLAIM, ENTITY, SUGGESTED, Annotation, Entity
from tui.model.claims import claim_attrs
from tui.model.document import Document
from tui.model.labels import CONLL2003, DEFAULT_SCHEME, FACTCHECK, PRESETS, RESERVED_LABEL_KEYS, SchemeError, scheme_from_dict
from tui.session.annotation_session import AnnotationSession
from tui.session.schemes import SchemeChangeError, set_scheme
from tui.store.records import SCHEME_KEY
from tui.store.repository import Store
from tui.store.storage import StoreError

TEXT = "Jane Doe met Acme Corp in Paris on Monday. Jane Doe said the plan was fair."


def session_on(db_path, text: str = TEXT) -> AnnotationSession:
    store = Store(db_path)
    document = store.open_document(Document(text, "t", "test:scheme"))
    return AnnotationSession(store, document, "tester")


def annotated(db_path) -> AnnotationSession:
    """A document with an accepted PERSON, an accepted DATE and a claim with a verdict."""
    session = session_on(db_path)
    session.label_span(*occurrence(TEXT, "Jane Doe"), "PERSON")
    session.label_span(*occurrence(TEXT, "Monday"), "DATE")
    claim = session.mark_claim(*occurrence(TEXT, "Jane Doe said the plan was fair."), "quote")
    session.update_claim(claim.id, verdict="mixed")
    return session


def labels_in(session: AnnotationSession) -> dict[str, str]:
    return {a.quote.exact: a.label for a in session.by_id.values() if a.is_entity and a.status != SUGGESTED}


# Plain data

def test_every_preset_reads_back_from_its_plain_data():
    for scheme in PRESETS.values():
        assert scheme_from_dict(json.loads(json.dumps(scheme.to_dict()))) == scheme


def test_a_preset_is_a_starting_point_that_the_fields_given_replace():
    scheme = scheme_from_dict({"preset": "conll2003", "name": "newsroom", "verdicts": [{"name": "wrong", "key": "w", "rating": 1}]})
    assert scheme.label_names == CONLL2003.label_names and scheme.name == "newsroom"
    assert scheme.verdict_names == ("unverified", "wrong") and scheme.verdict("wrong").key == "w"


LABEL = {"name": "A", "key": "1", "color": "#112233"}


@pytest.mark.parametrize("data, message", [
    ({"labels": [LABEL, {**LABEL, "key": "2"}]}, "labels.1: name 'A' is also labels.0's"),
    ({"labels": [LABEL, {**LABEL, "name": "B"}]}, "labels.1: key '1' is also labels.0's"),
    ({"labels": [{**LABEL, "key": "12"}]}, "labels.0.key: '12' is not one digit or letter"),
    ({"labels": [{**LABEL, "key": "!"}]}, "labels.0.key: '!' is not one digit or letter"),
    ({"labels": [{**LABEL, "key": "q"}]}, "labels.0.key: 'q' is already a key of the annotation screen"),
    ({"labels": [{**LABEL, "color": "red"}]}, "labels.0.color: 'red' is not a colour #rrggbb"),
    ({"labels": [{**LABEL, "name": "TWO WORDS"}]}, "labels.0.name: 'TWO WORDS' must be one word"),
    ({"labels": [{**LABEL, "description": "bell\x07"}]}, "labels.0.description:"),
    ({"labels": [LABEL], "verdicts": [{"name": "ok", "key": "o", "rating": "high"}]}, "verdicts.0.rating: must be a whole number, not a string"),
    ({"labels": [LABEL], "verdicts": [{"name": "ok", "key": "o", "rating": True}]}, "verdicts.0.rating: must be a whole number, not true/false"),
    ({"labels": [LABEL], "verdicts": [{"name": "ok", "key": "o", "rating": 1}, {"name": "no", "key": "o", "rating": 2}]}, "verdicts.1: key 'o' is also verdicts.0's"),
    ({"labels": [LABEL], "verdicts": [{"name": "unverified", "key": "u", "rating": 1}]}, "verdicts.0.name: 'unverified' belongs to every scheme"),
    ({"labels": [LABEL], "claim_types": ["quote", "quote"]}, "claim_types.1: type 'quote' is also claim_types.0's"),
    ({"labels": [LABEL], "speaker_labels": ["B"]}, "speaker_labels.0: 'B' is not a label of the scheme"),
    ({"labels": [LABEL], "model_labels": {"PERSN": "A"}}, "model_labels.PERSN: not a label of the model"),
    ({"labels": [LABEL], "model_labels": {"PERSON": "B"}}, "model_labels.PERSON: 'B' is not a label of the scheme"),
    ({"preset": "ontonotes5"}, "preset: 'ontonotes5' is not a preset (presets: ontonotes, conll2003, factcheck)"),
    ({"labels": [LABEL], "colour": 1}, "colour: unknown field"),
    ({"name": "empty"}, "labels: is missing"),
    ({"labels": []}, "labels: a scheme needs at least one label"),
    ([], "scheme: must be a table/object, not a list"),
])
def test_a_bad_scheme_is_refused_naming_the_field(data, message):
    with pytest.raises(SchemeError) as caught:
        scheme_from_dict(data)
    assert str(caught.value).startswith(message)


def test_the_reserved_label_keys_are_every_letter_the_annotation_screen_binds():
    from tui.screens.annotate import AnnotateScreen
    from tui.widgets.article_view import ArticleView

    bound = set()
    for owner in (AnnotateScreen, ArticleView):
        for klass in owner.__mro__:
            for binding in getattr(klass, "BINDINGS", []):
                keys = binding.key if hasattr(binding, "key") else binding[0]
                bound |= {key for key in keys.split(",") if len(key) == 1 and key.isalpha()}
    assert bound <= RESERVED_LABEL_KEYS


# Stored in the meta table

def test_the_scheme_is_kept_by_folding_reopening_backups_and_doctor(db_path, tmp_path):
    store = Store(db_path)
    set_scheme(store, CONLL2003, {})
    assert store.scheme() == CONLL2003
    store.close()  # folds the log into the file
    meta = TinyDB(db_path).table("meta").all()
    assert [r["scheme"]["name"] for r in meta if r.get("key") == SCHEME_KEY] == ["conll2003"]
    assert [r["schema"] for r in meta if r.get("key") == "schema"] == [2]  # the schema row stays as it was
    reopened = Store(db_path)
    assert reopened.scheme() == CONLL2003 and reopened.own_scheme() == CONLL2003
    reopened.close()
    backup = json.loads((tmp_path / "annotations.json.bak").read_text())
    assert any(r.get("scheme", {}).get("name") == "conll2003" for r in backup["meta"].values())
    assert main(["doctor", str(db_path), "--restore", "--output", str(tmp_path / "restored.json")]) == 0
    assert (tmp_path / "restored.json").exists()
    restored = Store(tmp_path / "restored.json", read_only=True)
    assert restored.scheme() == CONLL2003


def test_a_database_without_a_scheme_has_the_default(db_path):
    store = Store(db_path)
    assert store.scheme() is DEFAULT_SCHEME and store.own_scheme() is None


def test_a_malformed_stored_scheme_is_a_one_line_error_naming_the_field(db_path, capsys):
    store = Store(db_path)
    set_scheme(store, CONLL2003, {})
    store.close()
    data = json.loads(db_path.read_text())
    record = next(r for r in data["meta"].values() if r.get("key") == SCHEME_KEY)
    record["scheme"]["labels"][0]["color"] = "\x1b[31mred"
    db_path.write_text(json.dumps(data))
    with pytest.raises(StoreError, match=r"the label scheme in the meta table: labels\.0\.color: '\\x1b\[31mred' is not a colour"):
        Store(db_path, read_only=True).scheme()
    assert main(["scheme", "show", "--db", str(db_path)]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "labels.0.color" in err and "\x1b" not in err
    assert main(["doctor", str(db_path)]) != 0
    assert "the label scheme in the meta table: labels.0.color" in capsys.readouterr().out


# Changing it

def test_a_scheme_that_drops_labels_in_use_is_refused_and_nothing_changes(db_path):
    annotated(db_path).store.close()
    before = db_path.read_bytes()
    store = Store(db_path)
    with pytest.raises(SchemeChangeError) as caught:
        set_scheme(store, CONLL2003, {"PERSON": "PER"})
    message = str(caught.value)
    assert "label DATE (1 annotations)" in message and "--map DATE=NEW" in message and "PERSON" not in message.split("say")[0]
    store.close()
    assert db_path.read_bytes() == before


def test_mapping_relabels_in_one_undoable_action_per_document(db_path):
    annotated(db_path).store.close()
    store = Store(db_path)
    change = set_scheme(store, FACTCHECK, {"mixed": "half-true"})
    assert change.relabelled == 1
    store.close()
    store = Store(db_path)
    set_scheme(store, CONLL2003, {"PERSON": "PER", "DATE": "", "half-true": "mixed"})
    store.close()
    session = session_on(db_path)
    assert session.scheme == CONLL2003
    assert labels_in(session) == {"Jane Doe": "PER"}
    [claim] = [a for a in session.by_id.values() if a.is_claim]
    assert claim.attrs["verdict"] == "mixed"
    assert {e.label for e in session.entities.values()} == {"PER"}
    session.undo()  # the second change: PER back to PERSON, Monday's DATE back, half-true back
    assert labels_in(session) == {"Jane Doe": "PERSON", "Monday": "DATE"}
    assert session.by_id[claim.id].attrs["verdict"] == "half-true"
    session.undo()
    assert session.by_id[claim.id].attrs["verdict"] == "mixed"


def test_suggestions_of_a_dropped_label_go_with_it(db_path):
    session = session_on(db_path)
    start, end = occurrence(TEXT, "Monday")
    suggestion = Annotation.on_text(session.document.doc_id, TEXT, ENTITY, "DATE", start, end, status=SUGGESTED, origin="model")
    session.add_suggestions([suggestion], [])
    session.store.close()
    store = Store(db_path)
    change = set_scheme(store, CONLL2003, {})
    assert change.removed_suggestions == 1
    assert not [r for r in store.tables()["annotations"].values() if r["label"] == "DATE"]


# Claims follow the scheme

def test_claim_edits_set_the_schemes_verdicts_and_stored_values_outside_it_stay(db_path):
    annotated(db_path).store.close()  # a claim whose verdict is "mixed"
    store = Store(db_path)
    store.apply([store.scheme_change(FACTCHECK)])  # as a hand edit would: "mixed" is not on its scale
    store.close()
    session = session_on(db_path)
    [claim] = [a for a in session.by_id.values() if a.is_claim]
    session.update_claim(claim.id, note="checked")  # the stored verdict stays, and the claim opens
    assert session.by_id[claim.id].attrs["verdict"] == "mixed"
    with pytest.raises(ValueError, match="verdict: 'misleading' is not one of"):
        session.update_claim(claim.id, verdict="misleading")
    session.update_claim(claim.id, verdict="pants-on-fire")
    assert session.by_id[claim.id].attrs["verdict"] == "pants-on-fire"
    with pytest.raises(ValueError, match="verdict"):
        session.review_claim(claim.id, "mostly-false-ish")


# Suggestions follow the scheme

def test_the_models_labels_become_the_schemes_or_are_hidden(db_path):
    store = Store(db_path)
    set_scheme(store, CONLL2003, {})
    store.close()
    session = session_on(db_path)
    doc_id = session.document.doc_id

    def mention(phrase: str, label: str, entity: Entity) -> Annotation:
        return Annotation.on_text(doc_id, TEXT, ENTITY, label, *occurrence(TEXT, phrase), status=SUGGESTED, origin="model",
                                  attrs={"entity_id": entity.entity_id})

    jane, paris, monday = Entity(doc_id, "Jane Doe", "PERSON"), Entity(doc_id, "Paris", "GPE"), Entity(doc_id, "Monday", "DATE")
    start, end = occurrence(TEXT, "Jane Doe said the plan was fair.")
    quote = Annotation.on_text(doc_id, TEXT, CLAIM, "quote", start, end, status=SUGGESTED, origin="model",
                               attrs=claim_attrs(start, end, "quote", speaker=monday.entity_id))
    session.add_suggestions([mention("Jane Doe", "PERSON", jane), mention("Paris", "GPE", paris), mention("Monday", "DATE", monday), quote],
                            [jane, paris, monday])
    suggested = {a.quote.exact: a.label for a in session.by_id.values() if a.is_entity}
    assert suggested == {"Jane Doe": "PER", "Paris": "LOC"}
    assert {e.name: e.label for e in session.entities.values()} == {"Jane Doe": "PER", "Paris": "LOC"}
    [claim] = [a for a in session.by_id.values() if a.is_claim]
    assert claim.attrs["speaker"] == "Monday"  # the hidden entity's name, as text


def test_the_entity_list_groups_labels_in_the_schemes_order(db_path, capsys):
    store = Store(db_path)
    set_scheme(store, scheme_from_dict({"labels": [{"name": "ZETA", "key": "1"}, {"name": "ALPHA", "key": "2"}]}), {})
    store.close()
    session = session_on(db_path)
    session.label_span(*occurrence(TEXT, "Paris"), "ALPHA")
    session.label_span(*occurrence(TEXT, "Jane Doe"), "ZETA")
    assert [label for label, _ in session.entity_groups()] == ["ZETA", "ALPHA"]
