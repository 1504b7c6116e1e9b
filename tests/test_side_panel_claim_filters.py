"""What the Claims tab lists, worked out without a screen (tui/session/claim_list.py): the filter
words, the sort orders and the "who said what" groups, on a real session in tmp_path."""

from __future__ import annotations

import pytest

from tests.conftest import write_article
from tui.formats.readers import read_article
from tui.launch import open_session
from tui.session.claim_list import CLAIM_SORTS, NO_SPEAKER, by_speaker, claim_matches, shown_claims, worth_passes

TEXT = "Ada Obi said taxes fell. Ben Ito said crime rose. Ada Obi said jobs grew. Nobody knows why."


def span(phrase: str) -> tuple[int, int]:
    start = TEXT.index(phrase)
    return start, start + len(phrase)


@pytest.fixture
def session(tmp_path):
    """Four claims: two by Ada Obi, one by Ben Ito, one with no speaker; verdicts and check-worthiness vary."""
    opened = open_session(tmp_path / "db.json", read_article(write_article(tmp_path, TEXT)), annotator="tester")
    ada = opened.label_span(*span("Ada Obi"), "PERSON")
    ben = opened.label_span(*span("Ben Ito"), "PERSON")
    ada_id, ben_id = ada.attrs["entity_id"], ben.attrs["entity_id"]
    for sentence, speaker, verdict, worth, kind in (
        ("Ada Obi said taxes fell.", ada_id, "false", 0.9, "reported"),
        ("Ben Ito said crime rose.", ben_id, "true", 0.4, "reported"),
        ("Ada Obi said jobs grew.", ada_id, "unverified", None, "quote"),
        ("Nobody knows why.", None, "mixed", 0.6, "assertion"),
    ):
        claim = opened.mark_claim(*span(sentence), kind)
        attrs = {"verdict": verdict, "checkworthiness": worth}
        if speaker:
            attrs["speaker"] = speaker
        opened.update_claim(claim.id, **attrs)
    return opened


def texts(claims) -> list[str]:
    return [claim.quote.exact for claim in claims]


def test_each_filter_word_narrows_the_claims(session):
    def passing(query: str) -> list[str]:
        return texts(c for c in session.claims() if claim_matches(session, c, query))

    assert passing("speaker:ada") == ["Ada Obi said taxes fell.", "Ada Obi said jobs grew."]
    assert passing("verdict:true") == ["Ben Ito said crime rose."]
    assert passing("type:assertion") == ["Nobody knows why."]
    assert passing("cw:>=0.6") == ["Ada Obi said taxes fell.", "Nobody knows why."]
    assert passing("cw:<0.5") == ["Ben Ito said crime rose."]  # a claim with no score never passes a cw: word
    assert passing("speaker:ada jobs") == ["Ada Obi said jobs grew."]  # every word must match
    assert passing("crime") == ["Ben Ito said crime rose."]
    assert passing("speaker:zed") == []


@pytest.mark.parametrize(
    ("worth", "condition", "passes"),
    [(0.5, ">=0.5", True), (0.5, ">0.5", False), (0.5, "0.5", True), (0.4, "0.5", False), (0.3, "<0.5", True),
     (0.5, "<=0.5", True), (0.5, "=0.5", True), (None, ">=0", False), (0.5, ">=x", False)],
)
def test_check_worthiness_conditions(worth, condition, passes):
    assert worth_passes(worth, condition) is passes


def test_each_sort_order_keeps_text_order_between_ties(session):
    assert texts(shown_claims(session, "", "text order")) == texts(session.claims())
    assert texts(shown_claims(session, "", "speaker")) == ["Ada Obi said taxes fell.", "Ada Obi said jobs grew.", "Ben Ito said crime rose.", "Nobody knows why."]
    assert texts(shown_claims(session, "", "verdict")) == ["Ada Obi said jobs grew.", "Ben Ito said crime rose.", "Nobody knows why.", "Ada Obi said taxes fell."]
    assert texts(shown_claims(session, "", "check-worthiness")) == ["Ada Obi said taxes fell.", "Nobody knows why.", "Ben Ito said crime rose.", "Ada Obi said jobs grew."]
    assert texts(shown_claims(session, "", "type")) == ["Ada Obi said jobs grew.", "Ada Obi said taxes fell.", "Ben Ito said crime rose.", "Nobody knows why."]
    assert texts(shown_claims(session, "speaker:ada", "check-worthiness")) == ["Ada Obi said taxes fell.", "Ada Obi said jobs grew."]
    assert set(CLAIM_SORTS) == {"text order", "speaker", "verdict", "check-worthiness", "type"}


def test_who_said_what_puts_the_most_quoted_first_and_no_speaker_last(session):
    groups = by_speaker(session, session.claims())
    assert [(name, texts(claims)) for name, claims in groups] == [
        ("Ada Obi", ["Ada Obi said taxes fell.", "Ada Obi said jobs grew."]),
        ("Ben Ito", ["Ben Ito said crime rose."]),
        (NO_SPEAKER, ["Nobody knows why."]),
    ]
