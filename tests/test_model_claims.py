"""A claim's attributes: one constructor with defaults and one check, used by whoever makes a claim
(the model's suggestions, an import, the user marking a span)."""

from __future__ import annotations

import pytest

from tui.formats.importing import plan_import
from tui.formats.interchange import ROLE_CLAIM, ROLE_CUE, Relation, Span, SpanGraph
from tui.model.claims import CLAIM_ATTR_NAMES, CLAIM_CHECKS, UNVERIFIED, check_claim, claim_attrs, claim_problems
from tui.model.document import Document
from tui.nlp.suggest import assemble
from tui.store.repository import Store

TEXT = "Acme said it grew fast. Sales doubled."
CLAIM = (0, TEXT.index("."))
CUE = [TEXT.index("said"), TEXT.index("said") + 4]
CONTENT = [[TEXT.index("it grew"), CLAIM[1]]]


def test_a_new_claim_has_every_attribute_said_or_its_default():
    assert claim_attrs(*CLAIM) == {
        "claim_type": "assertion", "speaker": "", "cue": None, "content": [list(CLAIM)],
        "verdict": UNVERIFIED, "checkworthiness": None, "note": "", "evidence": [],
    }
    given = claim_attrs(*CLAIM, "reported", cue=CUE, content=CONTENT, speaker="Acme", verdict="true")
    assert (given["claim_type"], given["cue"], given["content"], given["speaker"], given["verdict"]) == ("reported", CUE, CONTENT, "Acme", "true")
    assert given["note"] == "" and given["evidence"] == [] and given["checkworthiness"] is None


def test_every_claim_attribute_has_its_check():
    assert CLAIM_ATTR_NAMES == set(CLAIM_CHECKS)


def test_a_name_that_is_no_claim_attribute_is_refused():
    with pytest.raises(TypeError, match="not a claim attribute: score"):
        claim_attrs(*CLAIM, score=0.5)


@pytest.mark.parametrize(
    ("attrs", "message"),
    [
        ({"verdict": "maybe"}, "verdict: 'maybe' is not one of unverified, true, mostly-true, mixed, misleading, false, unsupported"),
        ({"claim_type": "rumour"}, "claim_type: 'rumour' is not one of quote, reported, assertion, evidence"),
        ({"checkworthiness": 7}, "checkworthiness: 7 is outside 0..1"),
        ({"checkworthiness": "high"}, "checkworthiness: must be a number from 0 to 1, not a string"),
        ({"cue": [30, 90]}, f"cue: 30-90 is outside the text ({len(TEXT)} characters)"),
        ({"content": [[5, 2]]}, "content: 0 5-2 is not a span"),
        ({"evidence": "https://a.io"}, "evidence: must be a list of links, not a string"),
    ],
)
def test_check_claim_refuses_a_value_set_now_with_the_first_problem(attrs, message):
    with pytest.raises(ValueError) as refused:
        check_claim(claim_attrs(*CLAIM, **attrs), len(TEXT))
    assert str(refused.value) == message


def test_a_stored_claim_may_hold_any_type_or_verdict_string():
    stored = claim_attrs(*CLAIM, claim_type="rumour", verdict="pants-on-fire")
    assert claim_problems(stored, len(TEXT)) == []
    check_claim(claim_attrs(*CLAIM, "quote", cue=CUE, content=CONTENT, checkworthiness=0.5), len(TEXT))  # all good: no error


def test_the_model_and_an_import_make_claims_with_every_attribute(tmp_path):
    document = Document(TEXT, "t", "test:claims")
    raw_claim = {"type": "reported", "start": CLAIM[0], "end": CLAIM[1], "speaker_text": "Acme", "speaker_span": [0, 4], "cue": CUE, "content": CONTENT, "score": 0.4}
    raw = {"start": 0, "end": len(TEXT), "entities": [], "claims": [raw_claim]}
    (suggested,) = [a for batch in assemble(document, [raw], [], "model") for a in batch.annotations if a.kind == "claim"]
    assert CLAIM_ATTR_NAMES - {"speaker_role"} == suggested.attrs.keys()
    assert suggested.attrs["verdict"] == UNVERIFIED and suggested.attrs["checkworthiness"] == 0.4
    assert claim_problems(suggested.attrs, len(TEXT), offered=True) == []

    claim = Span("C1", *CLAIM, "CLAIM", ROLE_CLAIM, {"verdict": "false"})
    cue = Span("Q1", *CUE, "CUE", ROLE_CUE)
    graph = SpanGraph(text=TEXT, spans=[claim, cue], relations=[Relation("C1", "Q1", ROLE_CUE)])
    plan = plan_import(Store(tmp_path / "annotations.json"), [graph], "brat")
    (imported,) = [change.record for change in plan.changes if change.table == "annotations"]
    assert imported["attrs"] == {**claim_attrs(*CLAIM, verdict="false"), "cue": CUE}
