"""W3C Web Annotation export: every annotation passes the W3C test suite's MUST assertions
(including the selector and state schemas), and import re-anchors by quote."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from tui.cli import main
from tui.store.repository import Store

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "formats"))
from seed import build_store, find  # noqa: E402

SUITE = Path(__file__).resolve().parents[1].parent / "shared" / "w3c-web-annotation-tests"


def must_validators():
    """One validator per MUST assertion of the suite, with its shared definitions registered."""
    if not (SUITE / "annotations" / "annotationMusts.test").exists():
        pytest.skip(f"the W3C web-annotation test suite is not at {SUITE} (../shared is absent)")
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is in the test extra: pip install -e .[test]")
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    definitions = [json.loads(path.read_text(encoding="utf-8")) for path in sorted((SUITE / "definitions").glob("*.json"))]
    registry = Registry().with_resources([(schema["id"], Resource(schema, specification=DRAFT4)) for schema in definitions])
    checker = jsonschema.FormatChecker(["date-time"])
    # The suite's schemas ask for format "uri"; check it (an absolute IRI: scheme, colon, no spaces).
    checker.checks("uri")(lambda value: not isinstance(value, str) or re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:\S*", value) is not None)
    musts = json.loads((SUITE / "annotations" / "annotationMusts.test").read_text(encoding="utf-8"))
    validators = {}
    for assertion in musts["assertions"]:
        schema = json.loads((SUITE / assertion).read_text(encoding="utf-8"))
        assert schema["expectedResult"] == "valid"
        validators[assertion] = jsonschema.Draft4Validator(schema, registry=registry, format_checker=checker)
    return validators


def failures(validators, annotation) -> list[str]:
    """The MUST assertions an annotation fails, with the first error of each."""
    return [f"{name}: {next(v.iter_errors(annotation)).message[:120]}" for name, v in validators.items() if not v.is_valid(annotation)]


@pytest.fixture
def exported(tmp_path):
    """The fixture exported as W3C with suggestions: (db, document, page, path)."""
    store, document = build_store(tmp_path / "source.json")
    store.close()
    out = tmp_path / "export.jsonld"
    assert main(["export", "--format", "w3c", "--db", str(tmp_path / "source.json"), "--out", str(out), "--include-suggested"]) == 0
    return tmp_path / "source.json", document, json.loads(out.read_text(encoding="utf-8")), out


def test_every_exported_annotation_passes_the_must_assertions(exported):
    validators = must_validators()
    assert len(validators) == 54
    db, document, page, _ = exported
    assert page["type"] == "AnnotationPage" and len(page["items"]) == 13
    for annotation in page["items"]:
        assert failures(validators, annotation) == [], annotation["id"]


FEATURES = [
    "annotations/specificResource/4.2-selectorFound.json",
    "annotations/specificResource/4.2.4-textQuoteSelector.json",
    "annotations/specificResource/4.2.4-prefix.json",
    "annotations/specificResource/4.2.4-suffix.json",
    "annotations/specificResource/4.2.5-textPositionSelector.json",
    "annotations/specificResource/4.3-stateFound.json",
    "annotations/specificResource/4.3.1-timeState.json",
    "annotations/3.3.5-annotationMotivationImplemented.json",
    "annotations/3.3.1-annotationCreatedImplemented.json",
    "annotations/3.3.2-annotationCreatorAgentTypeImplemented.json",
    "annotations/bodiesTargets/3.3.5-bodyPurpose.json",
    "annotations/bodiesTargets/3.2.4-bodyETBTypeTextualBody.json",
]


def test_exported_annotations_use_both_selectors_and_a_time_state(exported):
    """The suite's detection schemas for the features FORMATS.md asks for match every annotation."""
    must_validators()  # skips when the suite is absent
    jsonschema = pytest.importorskip("jsonschema")
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    definitions = [json.loads(path.read_text(encoding="utf-8")) for path in sorted((SUITE / "definitions").glob("*.json"))]
    registry = Registry().with_resources([(schema["id"], Resource(schema, specification=DRAFT4)) for schema in definitions])
    db, document, page, _ = exported
    for feature in FEATURES:
        validator = jsonschema.Draft4Validator(json.loads((SUITE / feature).read_text(encoding="utf-8")), registry=registry)
        assert all(validator.is_valid(annotation) for annotation in page["items"]), feature


def test_the_validators_reject_the_suites_incorrect_samples():
    """The check above can fail: samples the suite marks incorrect do fail it."""
    validators = must_validators()
    for name in ("anno2.json", "anno3.json", "anno28.json", "anno38.json"):
        sample = json.loads((SUITE / "tools" / "samples" / "incorrect" / name).read_text(encoding="utf-8"))
        assert failures(validators, sample), name
    correct = json.loads((SUITE / "tools" / "samples" / "correct" / "anno26.json").read_text(encoding="utf-8"))
    assert failures(validators, correct) == []


def test_selectors_and_bodies_say_what_the_annotation_is(exported):
    db, document, page, _ = exported
    start, end = find(document.text, "the city cut crime by 20% last year")
    claim = next(a for a in page["items"] if a["target"]["selector"][0]["start"] == start and a["motivation"] == "assessing")
    position, quote = claim["target"]["selector"]
    assert position == {"type": "TextPositionSelector", "start": start, "end": end}
    assert quote["exact"] == "the city cut crime by 20% last year" and quote["prefix"].endswith("Jane Doe said ")
    assert claim["target"]["source"] == "https://news.example/article-123"
    assert claim["target"]["state"]["type"] == "TimeState"
    purposes = {(b["purpose"], b.get("value", b.get("source"))) for b in claim["body"]}
    assert ("assessing", "misleading") in purposes and ("commenting", "Police figures show 12%, not 20%.") in purposes
    assert ("linking", "https://police.example/stats") in purposes
    jane = next(a for a in page["items"] if a["target"]["selector"][1]["exact"] == "Jane Doe")
    assert {"type": "SpecificResource", "purpose": "identifying", "source": "http://www.wikidata.org/entity/Q000000"} in jane["body"]
    # Positions count code points: the emoji before the team's name counts one, as in Python.
    team = next(a for a in page["items"] if a["target"]["selector"][1]["exact"] == "café 👩🏽‍💻 team")
    assert team["target"]["selector"][0]["start"] == document.text.index("café")


def test_import_reanchors_by_quote_when_positions_are_off(exported, tmp_path):
    db, document, page, out = exported
    for annotation in page["items"]:
        annotation.pop("postil")  # as written by another W3C tool
        annotation["target"]["selector"][0]["start"] += 3
        annotation["target"]["selector"][0]["end"] += 3
    foreign = tmp_path / "foreign.jsonld"
    foreign.write_text(json.dumps(page, ensure_ascii=False), encoding="utf-8")
    target = Store(tmp_path / "target.json")
    target.add_document(document)
    target.close()
    assert main(["import", "--format", "w3c", str(foreign), "--db", str(tmp_path / "target.json")]) == 0
    imported = Store(tmp_path / "target.json", read_only=True)
    annotations = imported.annotations(document.doc_id)
    assert all(a.quote.exact == document.text[a.start : a.end] for a in annotations)
    spans = sorted((a.kind, a.start, a.end) for a in annotations)
    source = Store(db, read_only=True)
    assert spans == sorted((a.kind, a.start, a.end) for a in source.annotations(document.doc_id) if a.status != "rejected")
    claim = next(a for a in annotations if a.start == document.text.index("the city cut"))
    assert claim.attrs["verdict"] == "misleading" and claim.attrs["evidence"] == ["https://police.example/stats", "https://news.example/fact"]
    jane = next(a for a in annotations if a.quote.exact == "Jane Doe")
    assert next(e for e in imported.entities(document.doc_id) if e.entity_id == jane.attrs["entity_id"]).kb_id == "Q000000"
    imported.close()
    source.close()


def test_import_without_the_article_names_it(exported, tmp_path, capsys):
    db, document, page, out = exported
    assert main(["import", "--format", "w3c", str(out), "--db", str(tmp_path / "empty.json")]) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert re.match(rf"postil import: {re.escape(str(out))}:\d+: the target 'https://news.example/article-123' is not a document in the database", err)
    assert list(tmp_path.glob("empty.json*")) == []  # no database is started for a failed import
