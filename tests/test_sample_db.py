"""The repository's annotations.json is the bundled sample's canonical TinyDB store."""

from __future__ import annotations

import orjson
from tinydb import TinyDB

from tests.conftest import REPO, sample_document
from tui.launch import SAMPLE_ANNOTATIONS


def test_root_database_holds_the_sample_and_its_hand_checked_annotations():
    db = TinyDB(REPO / "annotations.json")
    try:
        documents = db.table("documents").all()
        annotations = db.table("annotations").all()
        entities = db.table("entities").all()
    finally:
        db.close()
    document = sample_document()
    assert [d["doc_id"] for d in documents] == [document.doc_id]
    assert documents[0]["text"] == document.text
    seed = orjson.loads(SAMPLE_ANNOTATIONS.read_bytes())
    assert sorted(a["id"] for a in annotations) == sorted(a["id"] for a in seed["annotations"])
    assert {a["id"]: a for a in annotations} == {a["id"]: a for a in seed["annotations"]}
    assert {e["entity_id"] for e in entities} == {e["entity_id"] for e in seed["entities"]}
    for record in annotations:
        assert document.text[record["start"] : record["end"]] == record["quote"]["exact"]


def test_seed_covers_every_person_organisation_quote_and_announcement():
    seed = orjson.loads(SAMPLE_ANNOTATIONS.read_bytes())
    names = {(e["label"], e["name"]) for e in seed["entities"]}
    assert {
        ("PERSON", "Joy Buolamwini"), ("PERSON", "Deborah Raji"), ("PERSON", "Isedua Oribhabor"), ("PERSON", "Daniel Leufer"),
        ("ORG", "Amazon"), ("ORG", "IBM"), ("ORG", "Congress"), ("ORG", "Access Now"), ("ORG", "Mozilla"),
        ("ORG", "National Telecommunications and Information Administration"), ("PRODUCT", "Rekognition"),
    } <= names
    claims = [a for a in seed["annotations"] if a["kind"] == "claim"]
    by_type: dict[str, list[dict]] = {}
    for claim in claims:
        by_type.setdefault(claim["attrs"]["claim_type"], []).append(claim)
    assert [c["attrs"]["speaker"] for c in by_type["quote"]] == ["e-isedua-oribhabor"] * 3 + ["e-daniel-leufer"]
    assert [c["attrs"]["speaker"] for c in by_type["reported"]] == ["e-amazon", "e-ibm"]
    assert len(by_type["evidence"]) == 2
    text = sample_document().text
    for claim in by_type["reported"]:
        cue = claim["attrs"]["cue"]
        assert text[cue[0] : cue[1]] == "announced"


def test_root_database_caches_the_shipped_analysis_of_the_sample():
    """Running ``postil`` from the repository shows the sample's suggestions without spaCy."""
    from tui.launch import SAMPLE_ANALYSIS
    from tui.nlp import Pipeline
    from tui.nlp.analysis import ANALYSIS_VERSION
    from tui.nlp.suggest import cache_key

    shipped = orjson.loads(SAMPLE_ANALYSIS.read_bytes())
    db = TinyDB(REPO / "annotations.json")
    try:
        cache = {record["key"]: record["value"] for record in db.table("nlp_cache").all()}
    finally:
        db.close()
    made_with = Pipeline(nlp=None, name=shipped["model"], version=shipped["model_version"])
    key = cache_key(sample_document(), made_with)
    assert key.endswith(f"rules{ANALYSIS_VERSION}") and key in cache, "run `python tools/build_sample_annotations.py`"
    assert cache[key] == shipped["analysis"]
