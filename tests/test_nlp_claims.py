"""Claim rules on small sentences: quotes and their speakers, reported speech, evidence, assertions."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.model.document import Document
from tui.nlp import iter_suggestions, load_pipeline


@pytest.fixture(scope="module")
def pipeline():
    """The installed spaCy model, loaded once for the module."""
    loaded, message = load_pipeline()
    assert loaded is not None, message
    return loaded


def suggest(text: str, pipeline, gazetteer=None):
    """Entity mentions, claims and entities (by id) suggested for ``text``."""
    document = Document(text=text, title="test", source="test")
    mentions, claims, entities = [], [], {}
    for batch in iter_suggestions(document, pipeline, gazetteer or []):
        entities.update({entity.entity_id: entity for entity in batch.entities})
        for annotation in batch.annotations:
            (mentions if annotation.is_entity else claims).append(annotation)
    return mentions, claims, entities


def speaker(claim, entities) -> str:
    """The speaker's name: the linked entity's name, else the stored text."""
    value = claim.attrs["speaker"]
    return entities[value].name if value in entities else value


def spans(claim, text: str) -> list[str]:
    """The content pieces of a claim as text."""
    return [text[start:end] for start, end in claim.attrs["content"]]


def cue(claim, text: str) -> str | None:
    """The cue's text."""
    span = claim.attrs["cue"]
    return text[span[0] : span[1]] if span else None


def of_type(claims, claim_type: str):
    """The claims of one type."""
    return [c for c in claims if c.attrs["claim_type"] == claim_type]


# Direct quotes


def test_straight_quote_with_inverted_cue_and_appositive_role(pipeline):
    text = '"Prices will rise next year," said Jane Doe, chief economist at Acme Bank.'
    _, claims, entities = suggest(text, pipeline)
    [quote] = of_type(claims, "quote")
    assert spans(quote, text) == ["Prices will rise next year,"]
    assert speaker(quote, entities) == "Jane Doe"
    assert quote.attrs["speaker"] in entities  # linked to the PERSON entity, not free text
    assert cue(quote, text) == "said"
    assert quote.attrs["speaker_role"] == "chief economist at Acme Bank"
    assert text[slice(*quote.attrs["speaker_span"])] == "Jane Doe"


def test_role_before_name_in_apposition_gives_the_person(pipeline):
    text = '"Prices will rise," said the chief economist at Acme Bank, Jane Doe.'
    _, claims, entities = suggest(text, pipeline)
    [quote] = of_type(claims, "quote")
    assert speaker(quote, entities) == "Jane Doe"
    assert "chief economist" in quote.attrs["speaker_role"]


def test_curly_quote_with_subject_after(pipeline):
    text = "Senator Anna Berg spoke on Tuesday. \u201cWe need action on housing now,\u201d Berg said."
    mentions, claims, entities = suggest(text, pipeline)
    [quote] = of_type(claims, "quote")
    assert spans(quote, text) == ["We need action on housing now,"]
    assert speaker(quote, entities) == "Anna Berg"  # surname after the full name: the same person
    assert cue(quote, text) == "said"
    berg = [m for m in mentions if m.quote.exact == "Berg"]
    assert berg and entities[berg[0].attrs["entity_id"]].name == "Anna Berg"


def test_passive_agent_is_the_speaker(pipeline):
    text = '"We will win this election," the crowd was told by Mayor John Smith.'
    _, claims, entities = suggest(text, pipeline)
    [quote] = of_type(claims, "quote")
    assert speaker(quote, entities) == "John Smith"
    assert cue(quote, text) == "told"


def test_quote_split_around_its_cue_is_one_claim(pipeline):
    text = "\u201cWe are ready,\u201d she said, \u201cand we will win the final on Sunday.\u201d"
    _, claims, _ = suggest(text, pipeline)
    [quote] = of_type(claims, "quote")
    assert spans(quote, text) == ["We are ready,", "and we will win the final on Sunday."]
    assert cue(quote, text) == "said"
    assert (quote.start, quote.end) == (quote.attrs["content"][0][0], quote.attrs["content"][1][1])


def test_pronoun_speaker_resolves_to_the_last_person(pipeline):
    text = 'Dr. Karen Wu says the drug is safe. "There is no evidence of harm," she told reporters.'
    _, claims, entities = suggest(text, pipeline)
    [quote] = of_type(claims, "quote")
    assert speaker(quote, entities) == "Karen Wu"


def test_multi_paragraph_quote_is_one_claim_with_a_fragment_per_paragraph(pipeline):
    text = 'Coach Maria Lopez said: "The first half was difficult for us.\n\n"But the second half showed what this team can do."'
    _, claims, entities = suggest(text, pipeline)
    [quote] = of_type(claims, "quote")
    assert spans(quote, text) == ["The first half was difficult for us.", "But the second half showed what this team can do."]
    assert speaker(quote, entities) == "Maria Lopez" and cue(quote, text) == "said"


def test_a_quote_after_narration_keeps_the_speaker_but_is_its_own_claim(pipeline):
    text = (
        '"We will appeal this ruling," said Jane Doe.\n\nThe court heard the case for three days in March.\n\n'
        '"The judges ignored every witness we brought forward."'
    )
    _, claims, entities = suggest(text, pipeline)
    quotes = of_type(claims, "quote")
    assert [spans(q, text) for q in quotes] == [["We will appeal this ruling,"], ["The judges ignored every witness we brought forward."]]
    assert [speaker(q, entities) for q in quotes] == ["Jane Doe", "Jane Doe"]
    assert quotes[1].attrs["cue"] is None


@pytest.mark.parametrize(
    "text",
    [
        'He said "this never ends',
        '"',
        '""',
        'A lone closing mark\u201d here. And \u201c an opening one',
        '\u201d\n\u201c\n"\n',
        'She said, "one" "two" "three',
    ],
)
def test_unbalanced_quotes_never_crash(pipeline, text):
    _, claims, _ = suggest(text, pipeline)
    for claim in claims:
        for start, end in claim.attrs["content"]:
            assert 0 <= start < end <= len(text)


def test_unclosed_quote_runs_to_the_end_of_its_paragraph(pipeline):
    text = 'He said "this never ends\n\nThe next paragraph is plain narration about the weather today.'
    _, claims, _ = suggest(text, pipeline)
    [quote] = of_type(claims, "quote")
    assert spans(quote, text) == ["this never ends"]


def test_quoted_title_is_not_a_quote(pipeline):
    text = 'The team\'s robot, named "Better Idea of Afghan Girls," scored two points.'
    _, claims, _ = suggest(text, pipeline)
    assert of_type(claims, "quote") == []



def test_quote_in_single_curly_marks_british_style(pipeline):
    text = "\u2018The workers\u2019 rights matter to us,\u2019 said Jane Smith, the health minister. She won\u2019t resign."
    _, claims, entities = suggest(text, pipeline)
    [quote] = of_type(claims, "quote")
    assert spans(quote, text) == ["The workers\u2019 rights matter to us,"]  # the possessive does not close it
    assert speaker(quote, entities) == "Jane Smith"
    assert cue(quote, text) == "said"


def test_quote_in_straight_single_marks(pipeline):
    text = "'We will not back down on housing,' Mayor John Smith told reporters on Monday."
    _, claims, entities = suggest(text, pipeline)
    [quote] = of_type(claims, "quote")
    assert spans(quote, text) == ["We will not back down on housing,"]
    assert speaker(quote, entities) == "John Smith"


@pytest.mark.parametrize(
    "text",
    [
        "The workers\u2019 union said on Monday that it won\u2019t strike.",
        "He loves rock 'n' roll music, and the Smiths' and the Joneses' houses date from the '90s.",
        "Ann\u2019s \u2018guide\u2019 is the best seller this year.",
        "The ministry expects to clear its so-called 'legacy backlog' by year end.",
    ],
)
def test_apostrophes_and_terms_in_single_marks_are_not_quotes(pipeline, text):
    _, claims, _ = suggest(text, pipeline)
    assert of_type(claims, "quote") == []


def test_a_quote_inside_a_quote_is_part_of_it_in_either_style(pipeline):
    for opening, closing, inner_opening, inner_closing in (("\u201c", "\u201d", "\u2018", "\u2019"), ("\u2018", "\u2019", "\u201c", "\u201d")):
        text = f"{opening}He told me {inner_opening}never again{inner_closing} last week,{closing} said Ann Lee."
        _, claims, entities = suggest(text, pipeline)
        [quote] = of_type(claims, "quote")
        assert spans(quote, text) == [f"He told me {inner_opening}never again{inner_closing} last week,"]
        assert speaker(quote, entities) == "Ann Lee"


# Reported speech, according to, evidence


def test_indirect_reported_speech(pipeline):
    text = "Acme Corp announced on Monday that it would cut 500 jobs in Ohio."
    _, claims, entities = suggest(text, pipeline)
    [reported] = of_type(claims, "reported")
    assert speaker(reported, entities) == "Acme Corp"
    assert cue(reported, text) == "announced"
    assert spans(reported, text) == ["that it would cut 500 jobs in Ohio"]
    assert reported.quote.exact.startswith("Acme Corp announced")


def test_according_to(pipeline):
    text = "According to the World Health Organization, cases rose by 40% in 2020."
    _, claims, entities = suggest(text, pipeline)
    [reported] = of_type(claims, "reported")
    assert speaker(reported, entities) == "World Health Organization"
    assert cue(reported, text) == "According to"
    assert spans(reported, text) == ["cases rose by 40% in 2020."]


def test_evidence_sentence_names_its_source(pipeline):
    text = "A 2021 study by Harvard University found that coffee drinkers live longer."
    _, claims, entities = suggest(text, pipeline)
    [evidence] = of_type(claims, "evidence")
    assert speaker(evidence, entities) == "Harvard University"
    # The verb that tells the finding is the cue, the finding the content, and the claim runs over all three.
    assert cue(evidence, text) == "found" and spans(evidence, text) == ["that coffee drinkers live longer"]
    assert evidence.quote.exact == text.rstrip(".")


def test_a_study_with_no_named_maker_is_the_source_of_its_finding(pipeline):
    text = "A survey of 2,000 adults published last month found that one in eight had tried the drug."
    _, claims, entities = suggest(text, pipeline)
    [evidence] = of_type(claims, "evidence")
    assert speaker(evidence, entities) == "A survey" and cue(evidence, text) == "found"


def test_a_question_is_no_evidence_and_no_report(pipeline):
    text = "Did a 2019 study find that the drug reduced deaths by 20 percent? Did the minister say that taxes would rise?"
    _, claims, _ = suggest(text, pipeline)
    assert [c for c in claims if c.attrs["claim_type"] in ("evidence", "reported")] == []


# Assertions and check-worthiness


def test_checkable_assertion_is_suggested_and_small_talk_is_not(pipeline):
    text = (
        "Unemployment fell to 3.5 percent in March, the lowest level in 50 years.\n"
        "The weather was pleasant and people enjoyed the afternoon in the park."
    )
    _, claims, _ = suggest(text, pipeline)
    assertions = of_type(claims, "assertion")
    assert [a.quote.exact for a in assertions] == ["Unemployment fell to 3.5 percent in March, the lowest level in 50 years."]
    assert 0.5 <= assertions[0].attrs["checkworthiness"] <= 1


def test_every_claim_has_the_stored_attributes(pipeline):
    text = 'Acme Corp announced that it would cut 500 jobs. "It is a sad day," said Jane Doe.'
    _, claims, _ = suggest(text, pipeline)
    assert claims
    for claim in claims:
        assert claim.status == "suggested"
        assert claim.origin == f"model:{pipeline.name}@{pipeline.version}"
        assert claim.attrs["verdict"] == "unverified"
        assert claim.attrs["note"] == "" and claim.attrs["evidence"] == []
        assert 0 <= claim.attrs["checkworthiness"] <= 1
        assert claim.label == claim.attrs["claim_type"]


def test_possessive_stays_out_of_the_name_and_headline_stays_apart(pipeline):
    text = "Amazon halts police use of Rekognition\n\n\u201cThe move matters,\u201d said Ann Lee. Amazon\u2019s shareholders voted in May."
    mentions, _, entities = suggest(text, pipeline)
    amazons = [m for m in mentions if m.quote.exact.startswith("Amazon")]
    assert [m.quote.exact for m in amazons] == ["Amazon", "Amazon"]
    assert len({m.attrs["entity_id"] for m in amazons}) == 1
    assert all(m.end <= text.index("\n") or m.start > text.index("\n") for m in mentions)


def test_quote_introduced_at_the_end_of_the_previous_paragraph(pipeline):
    text = 'Mark Rathbun stated,\n\n"Daniel was picked up by an investigator in a black car with blacked out windows."'
    _, claims, entities = suggest(text, pipeline)
    [quote] = of_type(claims, "quote")
    assert speaker(quote, entities) == "Mark Rathbun"
    assert cue(quote, text) == "stated"


def test_quote_continued_into_a_paragraph_without_an_opening_mark(pipeline):
    text = (
        'Harry Kane said, "In the first half it felt good out there.\n\n'
        'We could have scored two or three goals early." After the match, coach Nabil Maaloul said, "We were playing a strong team."'
    )
    _, claims, entities = suggest(text, pipeline)
    quotes = of_type(claims, "quote")
    assert [spans(q, text) for q in quotes] == [
        ["In the first half it felt good out there.", "We could have scored two or three goals early."],
        ["We were playing a strong team."],
    ]
    assert [speaker(q, entities) for q in quotes] == ["Harry Kane", "Nabil Maaloul"]


def test_a_word_in_quotes_neither_continues_the_previous_speaker_nor_is_a_quote(pipeline):
    text = '"We will appeal this ruling," said Jane Doe.\n\nThe team hoped for "parole" instead.'
    _, claims, entities = suggest(text, pipeline)
    quotes = of_type(claims, "quote")
    assert [spans(q, text) for q in quotes] == [["We will appeal this ruling,"]]


def test_relative_pronoun_speaker_is_the_noun_it_modifies(pipeline):
    text = "The job was offered by Tom Devocht, who had told reporters that he would help Montalvo find work."
    _, claims, entities = suggest(text, pipeline)
    [reported] = of_type(claims, "reported")
    assert speaker(reported, entities) == "Tom Devocht"


def test_report_as_subject_of_a_reporting_verb_is_evidence_once(pipeline):
    text = "The report says that iodine intake fell by 20 percent between 2004 and 2010."
    _, claims, _ = suggest(text, pipeline)
    assert [c.attrs["claim_type"] for c in claims] == ["evidence"]
    assert claims[0].quote.exact.startswith("The report says")


def test_nested_report_is_one_claim(pipeline):
    text = "Sehar Memon said she believed the movement helped improve the image of Muslims in Texas."
    _, claims, entities = suggest(text, pipeline)
    [reported] = of_type(claims, "reported")
    assert speaker(reported, entities) == "Sehar Memon" and cue(reported, text) == "said"


def test_according_to_a_report_is_evidence_from_its_author(pipeline):
    text = "According to a 2020 report by the World Health Organization, obesity rates tripled since 1975."
    _, claims, entities = suggest(text, pipeline)
    assert [c.attrs["claim_type"] for c in claims] == ["evidence"]
    assert speaker(claims[0], entities) == "World Health Organization"
    assert cue(claims[0], text) == "According to"
    assert spans(claims[0], text) == ["obesity rates tripled since 1975."]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(['"', "\u201c", "\u201d", "\u2019", "'", "\n", " ", ",", ".", "Ann", " said", " Acme", "\u00e9", "\U0001f600", "\u4e2d", "\u0301", "\t"]), max_size=40))
def test_any_text_gives_valid_suggestions(pipeline, pieces):
    text = "".join(pieces)
    mentions, claims, entities = suggest(text, pipeline)
    for annotation in mentions + claims:
        assert 0 <= annotation.start < annotation.end <= len(text)
        assert annotation.quote.exact == text[annotation.start : annotation.end]
    for claim in claims:
        for start, end in claim.attrs["content"] + ([claim.attrs["cue"]] if claim.attrs["cue"] else []):
            assert 0 <= start < end <= len(text)
    assert all(m.attrs["entity_id"] in entities for m in mentions)
