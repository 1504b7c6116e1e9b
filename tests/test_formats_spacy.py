"""spaCy interoperability: the DocBin loads in spaCy with the same entities, and exported
JSONL / CoNLL convert with spaCy's own tools (a blank pipeline, no model needed)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

spacy = pytest.importorskip("spacy")
from spacy.tokens import Doc, DocBin, Span  # noqa: E402
from spacy.training import offsets_to_biluo_tags  # noqa: E402

from tui.cli import main  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "formats"))
from seed import build_store  # noqa: E402


@pytest.fixture
def source(tmp_path):
    """The hard fixture in a real database: (path, store, document)."""
    store, document = build_store(tmp_path / "source.json")
    yield tmp_path / "source.json", store, document
    store.close()


def accepted_mentions(store, doc_id):
    """The accepted entity mentions as (start, end, label), sorted."""
    return sorted((a.start, a.end, a.label) for a in store.annotations(doc_id) if a.is_entity and a.status == "accepted")


def test_docbin_loads_in_spacy_with_the_same_entities(source, tmp_path):
    db, store, document = source
    out = tmp_path / "export.spacy"
    assert main(["export", "--format", "spacy", "--db", str(db), "--out", str(out)]) == 0
    nlp = spacy.blank("en")
    docs = list(DocBin().from_disk(out).get_docs(nlp.vocab))
    assert len(docs) == 1
    doc = docs[0]
    assert doc.text == document.text
    mentions = accepted_mentions(store, document.doc_id)
    # Every mention is in the "entities" span group; doc.ents holds all but the overlapped one.
    assert sorted((s.start_char, s.end_char, s.label_) for s in doc.spans["entities"]) == mentions
    ents = sorted((e.start_char, e.end_char, e.label_) for e in doc.ents)
    assert set(ents) <= set(mentions) and len(ents) == len(mentions) - 1
    assert (6, 14, "PERSON") not in ents and (0, 14, "TITLE") in ents
    assert len(doc.spans["claims"]) == 4


def test_docbin_without_overlaps_has_every_entity_in_doc_ents(tmp_path):
    from tui.model.annotation import ENTITY, Annotation, Entity
    from tui.model.document import Document
    from tui.store.records import ANNOTATIONS, ENTITIES, Change
    from tui.store.repository import Store

    store = Store(tmp_path / "db.json")
    document = Document(text="Ada Lovelace met Charles Babbage in London.", title="t", source="t")
    store.add_document(document)
    changes = []
    for phrase, label in (("Ada Lovelace", "PERSON"), ("Charles Babbage", "PERSON"), ("London", "GPE")):
        entity = Entity(document.doc_id, phrase, label)
        start = document.text.index(phrase)
        mention = Annotation.on_text(document.doc_id, document.text, ENTITY, label, start, start + len(phrase), attrs={"entity_id": entity.entity_id})
        changes += [Change(ENTITIES, entity.entity_id, entity.to_record()), Change(ANNOTATIONS, mention.id, mention.to_record())]
    store.apply(changes)
    store.close()
    out = tmp_path / "out.spacy"
    assert main(["export", "--format", "spacy", "--db", str(tmp_path / "db.json"), "--out", str(out)]) == 0
    doc = next(DocBin().from_disk(out).get_docs(spacy.blank("en").vocab))
    assert [(e.text, e.label_) for e in doc.ents] == [("Ada Lovelace", "PERSON"), ("Charles Babbage", "PERSON"), ("London", "GPE")]


def test_prodigy_jsonl_converts_with_spacys_own_tools(source, tmp_path):
    """Build Docs from the JSONL tokens and spans exactly as a spaCy training script does."""
    db, store, document = source
    out = tmp_path / "export.jsonl"
    assert main(["export", "--format", "prodigy", "--db", str(db), "--out", str(out)]) == 0
    task = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    nlp = spacy.blank("en")
    words = [t["text"] for t in task["tokens"]]
    # Prodigy tokens skip whitespace; spaCy needs it as trailing spaces or whitespace tokens.
    doc = Doc(nlp.vocab, words=words, spaces=[t["ws"] for t in task["tokens"]])
    assert [t.text for t in doc] == words
    for span in task["spans"]:
        assert task["tokens"][span["token_start"]]["start"] == span["start"]
        assert task["tokens"][span["token_end"]]["end"] == span["end"]  # token_end is inclusive
        assert task["text"][span["start"] : span["end"]] == span["text"]
    # doc.ents cannot overlap: leave out "Jane Doe" inside "Mayor Jane Doe", as Postil's DocBin does.
    entity_spans = [s for s in task["spans"] if s["postil"]["role"] == "entity" and (s["start"], s["end"]) != (6, 14)]
    doc.ents = [Span(doc, s["token_start"], s["token_end"] + 1, label=s["label"]) for s in entity_spans]
    path = tmp_path / "train.spacy"
    DocBin(docs=[doc]).to_disk(path)
    loaded = next(DocBin().from_disk(path).get_docs(nlp.vocab))
    assert sorted((e.text, e.label_) for e in loaded.ents) == sorted((s["text"], s["label"]) for s in entity_spans)
    biluo = offsets_to_biluo_tags(loaded, [(e.start_char, e.end_char, e.label_) for e in loaded.ents])
    assert "-" not in biluo  # every span is on token boundaries


def test_conll_converts_with_spacy_convert(source, tmp_path):
    db, store, document = source
    out = tmp_path / "export.conll"
    assert main(["export", "--format", "conll2003", "--db", str(db), "--out", str(out)]) == 0
    converted = tmp_path / "converted"
    converted.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "spacy", "convert", str(out), str(converted), "--converter", "ner", "--file-type", "spacy"],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    docs = list(DocBin().from_disk(converted / "export.spacy").get_docs(spacy.blank("en").vocab))
    assert len(docs) == 1
    # CoNLL keeps tokens, not the spaces between them: compare entity texts without whitespace.
    ents = sorted(("".join(e.text.split()), e.label_) for e in docs[0].ents)
    kept = [m for m in accepted_mentions(store, document.doc_id) if m != (6, 14, "PERSON")]
    assert ents == sorted(("".join(document.text[s:e].split()), label) for s, e, label in kept)
