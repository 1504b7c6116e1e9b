"""Who said what, on real spaCy parses: one claim per statement, attributions beyond quotes,
the right speaker. Each test is a hand-checked sentence for one failure mode."""

from __future__ import annotations

import pytest

from tests.test_nlp_claims import cue, spans, speaker
from tui.model.document import Document
from tui.nlp import iter_suggestions, load_pipeline


@pytest.fixture(scope="module")
def pipeline():
    """The installed spaCy model, loaded once for the module."""
    loaded, message = load_pipeline()
    assert loaded is not None, message
    return loaded


def suggest(text: str, pipeline):
    """Claims and entities (by id) suggested for ``text``."""
    claims, entities, mentions = [], {}, []
    for batch in iter_suggestions(Document(text=text, title="test", source="test"), pipeline, []):
        entities.update({entity.entity_id: entity for entity in batch.entities})
        claims += [a for a in batch.annotations if not a.is_entity]
        mentions += [a for a in batch.annotations if a.is_entity]
    return claims, entities, mentions


def attributions(claims):
    """Claims that credit a source: quotes, reported speech and evidence."""
    return [c for c in claims if c.attrs["claim_type"] in ("quote", "reported", "evidence")]


# One statement, one claim


def test_a_quote_continued_after_its_tag_is_one_claim(pipeline):
    text = ("\u201cSeventeen years ago, this would not have been possible,\u201d said Ambassador Hamdullah Mohib. "
            "\u201cThey represent our aspirations and resilience despite the conflict.\u201d")
    claims, entities, _ = suggest(text, pipeline)
    [claim] = attributions(claims)
    assert spans(claim, text) == ["Seventeen years ago, this would not have been possible,",
                                  "They represent our aspirations and resilience despite the conflict."]
    assert speaker(claim, entities) == "Hamdullah Mohib" and cue(claim, text) == "said"


def test_a_quote_going_on_in_the_next_paragraph_is_one_claim(pipeline):
    text = ('"The effects of iodine deficiency depend on how severe it is," Professor Cres Eastman said.\n\n'
            '"If an infant is not getting enough iodine, brain development will not be completed."')
    claims, entities, _ = suggest(text, pipeline)
    [claim] = attributions(claims)
    assert len(claim.attrs["content"]) == 2 and speaker(claim, entities) == "Cres Eastman"


# Quoted terms and titles are not speech


@pytest.mark.parametrize(
    "text",
    [
        'A group of Afghan teenagers was awarded a silver medal for "courageous achievement" on Tuesday.',
        'The Syrian refugee team listed their country as "Hope" on the backs of their shirts and named their robot "Robogee."',
        'The girls were granted "parole" status on the grounds that their entry would be a "significant public benefit."',
    ],
)
def test_scare_quotes_and_names_in_quotes_are_not_speech(pipeline, text):
    claims, _, _ = suggest(text, pipeline)
    assert [c for c in claims if c.attrs["claim_type"] == "quote"] == []


def test_words_quoted_in_a_list_belong_to_the_statement_before_them(pipeline):
    text = 'The secretary general, Nunzio Galantino, has called the sentence "dangerous" and "ideological".'
    claims, entities, _ = suggest(text, pipeline)
    [claim] = [c for c in claims if c.attrs["claim_type"] == "quote"]
    assert spans(claim, text) == ["dangerous", "ideological"]
    assert speaker(claim, entities) == "Nunzio Galantino" and cue(claim, text) == "called"


# Non-clausal content and intentions


@pytest.mark.parametrize(
    ("text", "source", "cue_text", "content"),
    [
        ("Senator Anna Berg called for a ban on facial recognition.", "Anna Berg", "called", "a ban on facial recognition"),
        ("The prosecutor accused Tom Devocht of fraud.", "The prosecutor", "accused", "Tom Devocht of fraud"),
        ("Amnesty International urged Congress to halt the sales.", "Amnesty International", "urged", "Congress to halt the sales"),
        ("The company denied the allegations on Monday.", "The company", "denied", "the allegations"),
        ("Mayor John Smith praised the firefighters for their courage.", "John Smith", "praised", "the firefighters for their courage"),
        ("Critics criticized the plan as too costly.", "Critics", "criticized", "the plan"),
        ("The ministry cited a report by the World Bank.", "The ministry", "cited", "a report by the World Bank"),
        ("Roberto Maroni proposed regional measures to finance private schools.", "Roberto Maroni", "proposed", "regional measures to finance private schools"),
    ],
)
def test_speech_acts_with_a_noun_phrase_are_reported_claims(pipeline, text, source, cue_text, content):
    claims, entities, _ = suggest(text, pipeline)
    [claim] = attributions(claims)
    assert claim.attrs["claim_type"] == "reported"
    assert cue(claim, text) == cue_text and spans(claim, text)[0].startswith(content)
    assert speaker(claim, entities) == source


@pytest.mark.parametrize(
    ("text", "cue_text", "content"),
    [
        ("The union vowed to appeal the ruling.", "vowed", "to appeal the ruling"),
        ("Acme Corp plans to hold the contest in Mexico City next year.", "plans", "to hold the contest in Mexico City next year"),
        ("The minister pledged to cut emissions by half.", "pledged", "to cut emissions by half"),
        ("Jane Doe promised to publish the report.", "promised", "to publish the report"),
        ("The governor refused to sign the bill.", "refused", "to sign the bill"),
        ("The rebels threatened to block the road.", "threatened", "to block the road"),
        ("The government seeks to ban the app.", "seeks", "to ban the app"),
        ("Senator Anna Berg wants to lower taxes.", "wants", "to lower taxes"),
        ("The company aims to double its sales.", "aims", "to double its sales"),
        ("Maria Lopez hopes to win the final.", "hopes", "to win the final"),
    ],
)
def test_intentions_with_a_to_infinitive_are_reported_claims(pipeline, text, cue_text, content):
    claims, _, _ = suggest(text, pipeline)
    [claim] = attributions(claims)
    assert cue(claim, text) == cue_text and spans(claim, text) == [content]


@pytest.mark.parametrize(
    "text",
    [
        "The storm denied the farmers a harvest, and the river called the town's bluff.",
        "Amazon has given little indication of how it plans to use the moratorium.",
        "The six-member team had been denied visas until last week.",
        "The weather called for umbrellas all week.",
    ],
)
def test_no_speech_act_without_a_source(pipeline, text):
    claims, _, _ = suggest(text, pipeline)
    assert [c for c in claims if c.attrs["claim_type"] == "reported"] == []


# Entities


def test_a_name_the_text_calls_a_product_is_a_product_at_every_mention(pipeline):
    text = ("Amazon halts police use of Rekognition\n\n"
            "Amazon will pause police use of its facial recognition software, Rekognition, for a year. "
            "Researchers found bias in Rekognition and other facial recognition software.")
    _, _, mentions = suggest(text, pipeline)
    assert [m.label for m in mentions if m.quote.exact == "Rekognition"] == ["PRODUCT"] * 3


def test_a_hedge_is_not_part_of_a_date(pipeline):
    text = "The statement comes just two days after IBM announced it would leave the market."
    _, _, mentions = suggest(text, pipeline)
    assert [(m.quote.exact, m.label) for m in mentions if m.label == "DATE"] == [("two days", "DATE")]


# Speakers


def test_a_pronoun_speaker_keeps_its_span_and_names_the_last_compatible_speaker(pipeline):
    text = ('Dr. Karen Wu met Tom Baker on Monday. Dr. Karen Wu says the drug is safe. '
            'The trial ran for a year with Tom Baker.\n\n"There is no evidence of harm," she told reporters.')
    claims, entities, _ = suggest(text, pipeline)
    [quote] = [c for c in claims if c.attrs["claim_type"] == "quote"]
    assert text[slice(*quote.attrs["speaker_span"])] == "she"
    assert speaker(quote, entities) == "Karen Wu"  # the last speaker, not the last person named


def test_it_stands_for_an_organisation_and_a_lone_pronoun_stays_unresolved(pipeline):
    text = "Acme Corp closed a plant in Ohio. It said that it would cut 500 jobs."
    claims, entities, _ = suggest(text, pipeline)
    [reported] = [c for c in claims if c.attrs["claim_type"] == "reported"]
    assert text[slice(*reported.attrs["speaker_span"])] == "It" and speaker(reported, entities) == "Acme Corp"
    claims, entities, _ = suggest('"We will not stop," she said.', pipeline)
    [quote] = [c for c in claims if c.attrs["claim_type"] == "quote"]
    assert speaker(quote, entities) == "she" and quote.attrs["speaker"] not in entities


def test_a_speaker_named_after_the_quote_wins_over_an_earlier_source(pipeline):
    text = ('Kim Jong Un watched the launch, state media said. '
            '"The test was a complete success and a warning to our enemies," added KCNA.')
    claims, entities, _ = suggest(text, pipeline)
    [quote] = [c for c in claims if c.attrs["claim_type"] == "quote"]
    assert cue(quote, text) == "added" and speaker(quote, entities) == "KCNA"
    text = '"It is a disgrace," Smith told reporters. "It was a long night for everyone," added the coach, Jim Bell.'
    claims, entities, _ = suggest(text, pipeline)
    assert [speaker(c, entities) for c in claims if c.attrs["claim_type"] == "quote"] == ["Smith", "Jim Bell"]


def test_of_several_subjects_the_model_gives_a_verb_the_name_speaks(pipeline):
    text = ("Twitter gave Mohamed the option to come to their company for an internship. Facebook co-founder "
            "Mark Zuckerberg tweeted to Mohamed and said the boy was welcome to come and tour the company.")
    claims, entities, _ = suggest(text, pipeline)
    [reported] = [c for c in claims if c.attrs["claim_type"] == "reported"]
    assert speaker(reported, entities) == "Mark Zuckerberg"


@pytest.mark.parametrize(
    "text",
    [
        "Three said they would vote against the bill.",
        "Amazon sells its facial recognition software, Rekognition, to police. "
        "Rekognition wrongly said that 28 members of Congress matched people in mugshots.",
    ],
)
def test_numbers_and_products_are_never_speakers(pipeline, text):
    claims, _, _ = suggest(text, pipeline)
    [reported] = [c for c in claims if c.attrs["claim_type"] == "reported"]
    assert reported.attrs["speaker"] == "" and reported.attrs["speaker_span"] is None


@pytest.mark.parametrize(
    ("text", "pronoun", "antecedent"),
    [
        ("The police force denies that the officers were at fault. In a statement read to the court, "
         "it said the patrol car had been responding to an emergency call.", "it", "The police force"),
        ("The company said in a filing that its profit fell. It said demand for its phones was weak in China.", "It", "The company"),
        ("The researchers said the results were clear. They said more work was needed.", "They", "The researchers"),
    ],
)
def test_a_pronoun_stands_for_an_unnamed_source_that_spoke_before(pipeline, text, pronoun, antecedent):
    claims, entities, _ = suggest(text, pipeline)
    last = max((c for c in claims if c.attrs["claim_type"] == "reported"), key=lambda c: c.start)
    assert text[slice(*last.attrs["speaker_span"])] == pronoun and speaker(last, entities) == antecedent


def test_a_word_the_text_also_writes_in_lower_case_is_no_person(pipeline):
    text = ('"If Iodine deficiency is serious you lose 15 IQ points," he said. "No one should suffer from iodine deficiency."\n\n'
            "Lydia Buchtmann for Food Standards Australia New Zealand says they are looking at guidelines on iodine. "
            "She says the issue is complicated.")
    claims, entities, mentions = suggest(text, pipeline)
    assert "Iodine" not in [m.quote.exact for m in mentions if m.label == "PERSON"]
    last = max(claims, key=lambda c: c.start)
    assert text[slice(*last.attrs["speaker_span"])] == "She" and speaker(last, entities) != "Iodine"


TRIAL = ("The father of a baby girl who suffered brain damage at birth told a jury on Tuesday that midwives ignored "
         "his warnings.\n\n"
         "Mark Hollis, 41, said his daughter Emily was born blue and silent at Westfield General Hospital. "
         '"She wasn\'t breathing. Nobody came for ten minutes," he said.\n\n'
         "The trust's barrister, Helen Marsh, asked Hollis whether he had raised his concerns with a doctor. "
         "He said he had asked three times.")


def test_a_pronoun_stands_for_the_subject_before_it_in_its_paragraph_not_the_last_name_seen(pipeline):
    claims, entities, _ = suggest(TRIAL, pipeline)
    [quote] = [c for c in claims if c.attrs["claim_type"] == "quote"]
    assert TRIAL[slice(*quote.attrs["speaker_span"])] == "he" and speaker(quote, entities) == "Mark Hollis"  # not the baby


def test_he_does_not_stand_for_a_woman(pipeline):
    claims, entities, _ = suggest(TRIAL, pipeline)
    last = max((c for c in claims if c.attrs["claim_type"] == "reported"), key=lambda c: c.start)
    assert cue(last, TRIAL) == "said" and speaker(last, entities) == "Mark Hollis"  # not Helen Marsh, who asked


@pytest.mark.parametrize(
    ("text", "cue_text", "content"),
    [
        ("The barrister asked the witness whether he had raised his concerns with a doctor.", "asked",
         "whether he had raised his concerns with a doctor"),
        ("The Deseret News observed that the hashtag had become an international phenomenon.", "observed",
         "that the hashtag had become an international phenomenon"),
    ],
)
def test_questions_and_observations_are_reported(pipeline, text, cue_text, content):
    claims, _, _ = suggest(text, pipeline)
    [reported] = attributions(claims)
    assert cue(reported, text) == cue_text and spans(reported, text) == [content]


# Headlines


@pytest.mark.parametrize(
    ("headline", "source", "cue_text", "content"),
    [
        ("Merkel: Europe must take its fate into its own hands", "Merkel", ":", "Europe must take its fate into its own hands"),
        ("Police: suspect in bank robbery had a criminal record", "Police", ":", "suspect in bank robbery had a criminal record"),
        ("Trump Says He Will Veto Defense Bill Over Base Names", "Trump", "Says", "He Will Veto Defense Bill Over Base Names"),
        ("EU to ban Russian oil imports by the end of the year, officials say", "officials", "say",
         "EU to ban Russian oil imports by the end of the year"),
    ],
)
def test_a_headline_that_attributes_is_a_reported_claim(pipeline, headline, source, cue_text, content):
    text = headline + "\n\nThe statement came on Tuesday."
    claims, entities, _ = suggest(text, pipeline)
    [claim] = attributions(claims)
    assert cue(claim, text) == cue_text and spans(claim, text) == [content]
    assert text[slice(*claim.attrs["speaker_span"])] == source


@pytest.mark.parametrize(
    "headline",
    [
        "Analysis: why the euro is falling against the dollar",
        "Lantern Festival in Taipei lights up the night",
        "Calls grow for an inquiry into hospital deaths",
        "Tuesday, September 22, 2015",
        "Ukraine: the view from a village on the front line",
    ],
)
def test_a_headline_that_attributes_nothing_is_no_claim(pipeline, headline):
    claims, _, _ = suggest(headline + "\n\nThe story is below.", pipeline)
    assert attributions(claims) == []


def test_a_title_case_headline_verb_is_not_part_of_a_name(pipeline):
    _, _, mentions = suggest("Biden Vows To Rebuild Alliances In First Foreign Policy Speech", pipeline)
    assert "Biden" in [m.quote.exact for m in mentions if m.label == "PERSON"]


# Nested attribution


@pytest.mark.parametrize(
    ("text", "source", "cue_text", "content"),
    [
        ("The Washington Post reports that the president plans to fire his chief of staff, according to two people "
         "familiar with the matter.", "Washington Post", "reports", "that the president plans to fire his chief of staff"),
        ("According to Reuters, the company said it would cut 500 jobs.", "the company", "said", "it would cut 500 jobs"),
        ("Officials said the minister told colleagues that he would resign.", "Officials", "said",
         "the minister told colleagues that he would resign"),
    ],
)
def test_a_nested_attribution_is_one_claim_with_the_outer_source(pipeline, text, source, cue_text, content):
    claims, entities, _ = suggest(text, pipeline)
    [claim] = attributions(claims)
    assert speaker(claim, entities) == source and cue(claim, text) == cue_text and spans(claim, text) == [content]


# Quote styles, bylines and quoted names


@pytest.mark.parametrize(
    ("text", "content", "source"),
    [
        ("''We have no money left,'' the treasurer said on Friday.", ["We have no money left,"], "the treasurer"),
        ("\u201dWe will appeal,\u201d said the lawyer, Ann Cole. \u201cThe ruling is wrong.\u201d",
         ["We will appeal,", "The ruling is wrong."], "Ann Cole"),
        ('"Never give up, never surrender." \u2014 Winston Churchill', ["Never give up, never surrender."], "Winston Churchill"),
        ('"We choose to go to the Moon in this decade."\n\u2015 John F. Kennedy, speech at Rice University, 1962',
         ["We choose to go to the Moon in this decade."], "John F. Kennedy"),
        ('"The bridge has been closed since March," said Tom Reed, 52, who has run the bakery on the corner for '
         'thirty years. "We lost half our trade."', ["The bridge has been closed since March,", "We lost half our trade."], "Tom Reed"),
    ],
)
def test_doubled_apostrophes_reversed_marks_bylines_and_long_tags(pipeline, text, content, source):
    claims, entities, _ = suggest(text, pipeline)
    [quote] = attributions(claims)
    assert quote.attrs["claim_type"] == "quote" and spans(quote, text) == content
    assert speaker(quote, entities) == source


@pytest.mark.parametrize(
    "text",
    [
        'The attack was launched on Wednesday by a user labelled "Anonymous" on a forum.',
        'The "History" section of the site explains that the attack was a protest.',
        'While checks will continue, officials will scrap the interview step to "streamline" processing.',
        'Related stories\n"Paper ballots return to three swing states"\n"The long road to a national voting standard"',
    ],
)
def test_names_terms_and_listed_titles_in_quotes_are_not_quotes(pipeline, text):
    claims, _, _ = suggest(text, pipeline)
    assert [c for c in claims if c.attrs["claim_type"] == "quote"] == []


def test_a_speech_verb_the_model_tags_as_a_noun_still_introduces_its_quote(pipeline):
    text = 'The U.S. Department of Agriculture notes, "Ground-level ozone causes more damage to crops than all other pollutants."'
    claims, entities, _ = suggest(text, pipeline)
    [quote] = attributions(claims)
    assert cue(quote, text) == "notes" and speaker(quote, entities) == "U.S. Department of Agriculture"


def test_a_name_keeps_the_label_the_document_gives_it_most(pipeline):
    text = ("Tunisia beat Panama 2-1 on Sunday. Tunisia scored first. Panama equalised before half-time, "
            "but Tunisia won with a late goal. Tunisia finished third in the group.")
    _, _, mentions = suggest(text, pipeline)
    assert [m.label for m in mentions if m.quote.exact == "Tunisia"] == ["GPE"] * 4  # the model makes the last a PERSON


@pytest.mark.parametrize(
    ("text", "name", "label"),
    [
        ("The DPRK fired two missiles on Monday, KCNA said.", "DPRK", "GPE"),
        ("The DPRK fired two missiles on Monday, KCNA said.", "KCNA", "ORG"),
        ("Crowds were so large that police closed NTU Hospital Station on Saturday.", "NTU Hospital Station", "FAC"),
        ("Protests spread from Herat, Afghanistan, to the capital.", "Herat", "GPE"),
    ],
)
def test_country_acronyms_and_stations_are_places(pipeline, text, name, label):
    _, _, mentions = suggest(text, pipeline)
    assert [m.label for m in mentions if m.quote.exact == name] == [label]


def test_indirect_speech_followed_by_its_quote_is_one_statement(pipeline):
    text = 'The mayor said the barriers would be finished by March. "We have ordered the steel and hired more workers."'
    claims, entities, _ = suggest(text, pipeline)
    [claim] = attributions(claims)
    assert spans(claim, text) == ["the barriers would be finished by March", "We have ordered the steel and hired more workers."]
    assert cue(claim, text) == "said" and speaker(claim, entities) == "The mayor"


def test_a_name_met_before_speaks_whatever_the_model_tags_it(pipeline):
    text = ("Marty Rathbun left the church in 2004 and now runs a blog.\n\n"
            "Rathbun requested donations via a statement made on his blog, in order to help Montalvo with his legal "
            'defense financing. He described Montalvo as "a kid who did nothing but leave a life of slavery."')
    claims, entities, _ = suggest(text, pipeline)
    requested = [c for c in claims if cue(c, text) == "requested"]
    assert [speaker(c, entities) for c in requested] == ["Marty Rathbun"]  # the model tags 'Rathbun' a verb
    [quote] = [c for c in claims if c.attrs["claim_type"] == "quote"]
    assert speaker(quote, entities) == "Marty Rathbun"


@pytest.mark.parametrize(
    ("text", "claimed", "source"),
    [
        ("Taxes will rise next year, the minister said on Monday.", "Taxes will rise next year, the minister said", "the minister"),
        ("The researchers found that ozone pollution caused 46 percent of the damage to soybean crops.",
         "The researchers found that ozone pollution caused 46 percent of the damage to soybean crops", "The researchers"),
        ("Local councils in Italy ask taxes from religious schools\n\nThe row began in Livorno.",
         "Local councils in Italy ask taxes from religious schools", "Local councils"),
    ],
)
def test_a_report_spans_its_source_cue_and_content(pipeline, text, claimed, source):
    claims, entities, _ = suggest(text, pipeline)
    [claim] = attributions(claims)
    assert text[claim.start : claim.end] == claimed and text[slice(*claim.attrs["speaker_span"])] == source


@pytest.mark.parametrize(
    "text",
    ["U.S. officials have not said why the team was initially denied visas.", "This shows that we need a change of course."],
)
def test_nothing_said_and_a_pronoun_showing_are_no_reports(pipeline, text):
    claims, _, _ = suggest(text, pipeline)
    assert attributions(claims) == []


def test_a_paragraph_ending_with_a_colon_introduces_the_quote_after_it(pipeline):
    text = ('The prime minister said in a statement on Monday:\n\n'
            '"We will not give in to threats, and we will defend every inch of our territory."')
    claims, entities, _ = suggest(text, pipeline)
    [quote] = attributions(claims)  # and no report of "in a statement on Monday"
    assert quote.attrs["claim_type"] == "quote" and cue(quote, text) == "said" and speaker(quote, entities) == "The prime minister"


def test_a_quote_after_a_lead_in_that_already_quoted_goes_on_with_the_same_statement(pipeline):
    text = ('The bishop, Paolo Rinaldi, has called the verdict "dangerous" and "unjust" in Italian:\n\n'
            '"We face a ruling that threatens every parish school in the country."')
    claims, entities, _ = suggest(text, pipeline)
    [quote] = attributions(claims)
    assert spans(quote, text) == ["dangerous", "unjust", "We face a ruling that threatens every parish school in the country."]
    assert speaker(quote, entities) == "Paolo Rinaldi"
