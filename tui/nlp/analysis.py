"""What spaCy finds in each paragraph: entity spans and claims, as plain JSON-able records.

This is the part that needs the model, so its output is what gets cached. Offsets are into the
whole document. The rules themselves live in :mod:`tui.nlp.rules`; this module runs them over a
document's paragraphs in order, carrying what one paragraph tells the next.
"""

from __future__ import annotations

from collections.abc import Iterator

from tui.model.document import Document, Paragraph, piece_end
from tui.nlp.pipeline import Pipeline
from tui.nlp.rules.context import DocumentState, ParagraphContext, SpeakerRecord
from tui.nlp.rules.entities import common_words, entity_record, product_names, vote_labels
from tui.nlp.rules.evidence import evidence_and_assertions
from tui.nlp.rules.headlines import headline_claims
from tui.nlp.rules.lexicon import SPEAKER_LABELS
from tui.nlp.rules.quotes import lead_in, quote_claims
from tui.nlp.rules.reported import reported_claims
from tui.nlp.rules.segments import quote_segments
from tui.nlp.rules.speakers import learn_genders
from tui.nlp.rules.speech_acts import speech_act_claims
from tui.nlp.text import straighten_quotes

# Bump when the rules change, so cached analyses made by older rules are not reused.
ANALYSIS_VERSION = 20

# A longer paragraph (a file with no line breaks) is parsed in pieces cut where a sentence starts
# (else at a space), as the article pane cuts it: spaCy never meets a text over its length limit,
# the first suggestions come soon, and quitting waits for at most one piece's parse.
MAX_UNIT = 10_000


def non_blank_paragraphs(document: Document) -> list[Paragraph]:
    """The paragraphs with text in them, long ones in pieces: what spaCy runs on and what
    progress counts."""
    text = document.text
    units = []
    for paragraph in document.paragraphs.lines():
        if not text[paragraph.start : paragraph.end].strip():
            continue
        start = paragraph.start
        while paragraph.end - start > MAX_UNIT:
            cut = piece_end(text, start, start + MAX_UNIT)
            units.append(Paragraph(paragraph.index, start, cut))
            start = cut
        units.append(Paragraph(paragraph.index, start, paragraph.end))
    return [unit for unit in units if text[unit.start : unit.end].strip()]


def analyse(document: Document, pipeline: Pipeline) -> Iterator[dict]:
    """One raw record per non-blank paragraph, in order, as spaCy parses them.

    A paragraph ending with a quote is held back until the next one is analysed, since a quote
    opening that one may continue the statement (a claim of the earlier record then grows).
    """
    paragraphs = non_blank_paragraphs(document)
    prepared = straighten_quotes(document.text)
    texts = (prepared[p.start : p.end] for p in paragraphs)
    state = DocumentState(products=product_names(document.text), common=common_words(document.text))
    held: list[dict] = []
    for paragraph, doc in zip(paragraphs, pipeline.pipe(texts)):
        held.append(analyse_paragraph(doc, document.text[paragraph.start : paragraph.end], paragraph.start, paragraph.index, state))
        if not state.quote_may_continue():
            yield from held
            held.clear()
    yield from held


def analyse_paragraph(doc, original: str, base: int, index: int, state: DocumentState) -> dict:
    """Entities and claims of one parsed paragraph; ``original`` is its text before straightening."""
    segments = quote_segments(doc.text, original, continues=state.open_quote_at_end)
    context = ParagraphContext.of(doc, base, segments, state)
    entities = [entity for entity in (entity_record(span, base, state.products, state.common) for span in context.ents) if entity is not None]
    vote_labels(entities, original, base, state.labels)
    mentions = [SpeakerRecord(start, end, label, original[start - base : end - base], state.paragraph)
                for start, end, label in entities if label in SPEAKER_LABELS]
    state.mentions += mentions
    state.names.update((m.text.split()[-1], m.label) for m in mentions if m.label == "PERSON" and " " in m.text)
    state.names.update((m.text, m.label) for m in mentions)
    learn_genders(context)
    state.open_quote_at_end = bool(segments) and segments[-1].close_mark is None
    claims = quote_claims(context)
    claims += reported_claims(context, claims)
    claims += speech_act_claims(context, claims)
    claims += evidence_and_assertions(context, claims)
    claims += headline_claims(context, claims)
    state.lead_in = lead_in(context)
    state.paragraph += 1
    return {"paragraph": index, "start": base, "end": base + len(context.text), "entities": entities, "claims": claims}
