"""Quote segmentation on plain strings: where quotes are, found without loading spaCy."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import REPO
from tui.nlp.rules.segments import looks_like_term, looks_like_title, quote_segments
from tui.nlp.text import straighten_quotes


def quoted(text: str, continues: bool = False) -> list[str]:
    """The quoted stretches of one paragraph, as text."""
    prepared = straighten_quotes(text)
    return [text[s.start : s.end] for s in quote_segments(prepared, text, continues=continues)]


def test_segmentation_runs_without_importing_spacy():
    script = (
        "import sys\n"
        "from tui.nlp.rules.segments import quote_segments\n"
        "found = quote_segments('He said \"we won,\" and left.', 'He said \u201cwe won,\u201d and left.')\n"
        "print(len(found), 'spacy' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["1", "False"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"We are ready," she said, "and we will win."', ["We are ready,", "and we will win."]),
        ("\u201cWe are ready,\u201d she said.", ["We are ready,"]),
        ('He said "this never ends', ["this never ends"]),
        ("\u2018The workers\u2019 rights matter to us,\u2019 said Jane Smith.", ["The workers\u2019 rights matter to us,"]),
        ("'We will not back down,' Mayor John Smith said.", ["We will not back down,"]),
        ("\u201cHe told me \u2018never again\u2019 last week,\u201d said Ann Lee.", ["He told me \u2018never again\u2019 last week,"]),
        ("The workers\u2019 union said on Monday that it won\u2019t strike.", []),
        ("He loves rock 'n' roll music from the '90s.", []),
        ('""', []),
    ],
)
def test_quoted_stretches(text, expected):
    assert quoted(text) == expected


def test_a_closing_mark_first_ends_a_quote_begun_in_the_previous_paragraph():
    text = 'We could have scored early." After the match, coach Ali said, "We were playing a strong team."'
    assert quoted(text, continues=True) == ["We could have scored early.", "We were playing a strong team."]
    assert quoted(text) == ["After the match, coach Ali said,"]  # without it, the marks pair up wrongly


def test_titles_and_terms():
    assert looks_like_title("Better Idea of Afghan Girls,")
    assert not looks_like_title("we will win the final")
    text = "its so-called 'legacy backlog' by year end"
    [segment] = quote_segments(text, text)
    assert looks_like_term(text, segment)
    text = '"legacy backlog" by year end'
    [segment] = quote_segments(text, text)
    assert not looks_like_term(text, segment)


@given(st.text(alphabet=st.sampled_from('ab "\u201c\u201d\u2018\u2019\'\n.,'), max_size=60))
def test_straightening_keeps_every_offset_and_quote_pairing_never_fails(text):
    prepared = straighten_quotes(text)
    assert len(prepared) == len(text)
    # Only marks change: curly ones become straight, and two apostrophes a double mark and a space.
    assert all(a == b or (a in "\u201c\u201d\u2018\u2019'" and b in "\"' ") for a, b in zip(text, prepared))
    for line_prepared, line in zip(prepared.split("\n"), text.split("\n")):
        for segment in quote_segments(line_prepared, line):
            assert 0 <= segment.start < segment.end <= len(line)
