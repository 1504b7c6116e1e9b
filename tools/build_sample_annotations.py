"""Rebuild ``tui/data/sample_annotations.json``, the hand-checked annotations of the sample article,
and ``tui/data/sample_analysis.json``, the spaCy model's analysis of it.

The annotations are written here as (text, occurrence, label) so that a person can check
them against the article; this script finds their offsets, links mentions to canonical
entities and claims to speakers and cues, and writes stable ids and timestamps so the
file only changes when the annotations do. Run it after editing the lists below:

    python tools/build_sample_annotations.py

It also runs the installed model (real spaCy) over the sample and ships the result, so that
opening the sample shows its first suggestions without importing spaCy; the same analysis is put
into the NLP cache of the repository's ``annotations.json`` (the sample's database when
``postil`` runs from here), whose other tables are left exactly as they are. Run it again after
changing the rules in ``tui/nlp/rules/`` (whether or not ``ANALYSIS_VERSION`` moved) or the model:
``tests/test_nlp_sample_analysis.py`` fails until you do.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

# Build from this checkout's code, even where an older copy of Postil is installed.
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import orjson  # noqa: E402

from tui.cli import sample_path  # noqa: E402
from tui.formats.readers import read_article  # noqa: E402
from tui.launch import SAMPLE_ANALYSIS, SAMPLE_ANNOTATIONS, SAMPLE_SOURCE  # noqa: E402
from tui.model.document import Document  # noqa: E402
from tui.nlp import Pipeline, load_pipeline  # noqa: E402
from tui.nlp.pipeline import installed_model  # noqa: E402
from tui.nlp.suggest import analysis_record, cache_key  # noqa: E402
from tui.session.annotation_session import AnnotationSession  # noqa: E402
from tui.store.lock import DatabaseLock  # noqa: E402
from tui.store.records import NLP_CACHE  # noqa: E402
from tui.store.repository import Store  # noqa: E402
from tui.store.storage import atomic_write_bytes, dump_json  # noqa: E402
from tui.store.wal import wal_path  # noqa: E402

ROOT_DATABASE = REPO / "annotations.json"

ANNOTATOR = "postil-sample"
STAMP = "2026-11-29T00:00:00+00:00"

# (mention text, which occurrence of that text (1-based), label, canonical name or None)
ENTITIES = [
    ("Amazon", 1, "ORG", None), ("Rekognition", 1, "PRODUCT", None),
    ("Amazon", 2, "ORG", None), ("Wednesday", 1, "DATE", None), ("one-year", 1, "DATE", None),
    ("Rekognition", 2, "PRODUCT", None), ("two days", 1, "DATE", None), ("IBM", 1, "ORG", None),
    ("Congress", 1, "ORG", None), ("Joy Buolamwini", 1, "PERSON", None), ("Deborah Raji", 1, "PERSON", None),
    ("2018", 1, "DATE", None), ("2019", 1, "DATE", None), ("Rekognition", 3, "PRODUCT", None),
    ("2019", 2, "DATE", None),
    ("National Telecommunications and Information Administration", 1, "ORG", None),
    ("Amazon", 3, "ORG", None), ("years", 1, "DATE", None), ("Rekognition", 4, "PRODUCT", None),
    ("Isedua Oribhabor", 1, "PERSON", None), ("U.S.", 1, "GPE", None), ("Access Now", 1, "ORG", None),
    ("Amazon", 4, "ORG", None), ("Annual General Meeting", 1, "EVENT", None), ("May 27", 1, "DATE", None),
    ("Rekognition", 5, "PRODUCT", None), ("Amazon", 5, "ORG", None), ("Amazon", 6, "ORG", None),
    ("year-long", 1, "DATE", None), ("Oribhabor", 2, "PERSON", "Isedua Oribhabor"), ("Amazon", 7, "ORG", None),
    ("Black", 1, "NORP", None), ("Brown", 1, "NORP", None),
    ("Daniel Leufer", 1, "PERSON", None), ("Mozilla", 1, "ORG", None), ("Access Now", 2, "ORG", None),
    ("Amazon", 8, "ORG", None), ("U.S.", 2, "GPE", None), ("United States", 1, "GPE", None),
]

# (claim type, text from the first to the last character of the content, occurrence,
#  speaker mention (text, occurrence) or None, cue (text, occurrence) or None,
#  content fragments (text, occurrence), check-worthiness)
CLAIMS = [
    ("reported", "Amazon announced Wednesday that it would place a one-year moratorium on police use of its facial recognition software, Rekognition.", 1,
     ("Amazon", 2), ("announced", 1), [("it would place a one-year moratorium on police use of its facial recognition software, Rekognition", 1)], 0.9),
    ("reported", "IBM announced in a letter to Congress that it would no longer offer general purpose facial recognition software", 1,
     ("IBM", 1), ("announced", 2), [("it would no longer offer general purpose facial recognition software", 1)], 0.85),
    ("evidence", "Research by Joy Buolamwini and Deborah Raji in 2018 and 2019 was instrumental in revealing racial and gender bias in Rekognition and other facial recognition software.", 1,
     None, None, [("Research by Joy Buolamwini and Deborah Raji in 2018 and 2019 was instrumental in revealing racial and gender bias in Rekognition and other facial recognition software.", 1)], 0.8),
    ("evidence", "A 2019 study by the National Telecommunications and Information Administration supported their conclusion.", 1,
     None, None, [("A 2019 study by the National Telecommunications and Information Administration supported their conclusion.", 1)], 0.75),
    ("quote", "“The move by Amazon, as sudden as it appears, comes after years of pressure by civil society groups, investors, and other advocates calling on the company to stop selling Rekognition to law enforcement,”", 1,
     ("Isedua Oribhabor", 1), ("said", 1), [("The move by Amazon, as sudden as it appears, comes after years of pressure by civil society groups, investors, and other advocates calling on the company to stop selling Rekognition to law enforcement,", 1)], 0.6),
    ("assertion", "During Amazon’s Annual General Meeting on May 27, shareholders voted on multiple proposals relating to Rekognition and other surveillance technology the company produces.", 1,
     None, None, [("During Amazon’s Annual General Meeting on May 27, shareholders voted on multiple proposals relating to Rekognition and other surveillance technology the company produces.", 1)], 0.7),
    ("assertion", "Though the shareholder proposals did not pass, this move indicates that Amazon is responding to the concerns of its shareholders and of civil society.", 1,
     None, None, [("Though the shareholder proposals did not pass, this move indicates that Amazon is responding to the concerns of its shareholders and of civil society.", 1)], 0.5),
    ("assertion", "Amazon has given little indication of how it plans to use this year-long moratorium or what the moratorium means for the company.", 1,
     None, None, [("Amazon has given little indication of how it plans to use this year-long moratorium or what the moratorium means for the company.", 1)], 0.45),
    ("quote", "“Hitting the pause button is a small step in the right direction, but is not enough,”", 1,
     ("Oribhabor", 2), ("said", 2), [("Hitting the pause button is a small step in the right direction, but is not enough,", 1)], 0.3),
    ("quote", "“At a minimum, Amazon must create a cross-functional human rights team and perform human rights impact assessments to truly evaluate the effects that its tech products have on civil and human rights, particularly on the rights of the Black and Brown communities that have suffered the most from use of its technology.”", 1,
     ("Oribhabor", 2), None, [("At a minimum, Amazon must create a cross-functional human rights team and perform human rights impact assessments to truly evaluate the effects that its tech products have on civil and human rights, particularly on the rights of the Black and Brown communities that have suffered the most from use of its technology.", 1)], 0.55),
    ("quote", "“Although strong regulation and safeguards can mitigate certain harms, we need to accept that certain uses of technology, such as biometric recognition systems that enable mass surveillance, are so incompatible with the protection of fundamental rights that these systems simply should not be used,”", 1,
     ("Daniel Leufer", 1), ("said", 3), [("Although strong regulation and safeguards can mitigate certain harms, we need to accept that certain uses of technology, such as biometric recognition systems that enable mass surveillance, are so incompatible with the protection of fundamental rights that these systems simply should not be used,", 1)], 0.4),
    ("assertion", "Amazon’s announcement also underscores the need for regulation by the U.S. government.", 1,
     None, None, [("Amazon’s announcement also underscores the need for regulation by the U.S. government.", 1)], 0.35),
    ("assertion", "Facial recognition and other surveillance software pose serious risks for human rights including freedom of assembly and privacy, some of which can be mitigated only by comprehensive and robust privacy and data protection laws in the United States.", 1,
     None, None, [("Facial recognition and other surveillance software pose serious risks for human rights including freedom of assembly and privacy, some of which can be mitigated only by comprehensive and robust privacy and data protection laws in the United States.", 1)], 0.65),
]


def locate(text: str, phrase: str, occurrence: int) -> tuple[int, int]:
    """The offsets of the n-th occurrence of ``phrase`` (failing loudly if it is not there)."""
    position = -1
    for _ in range(occurrence):
        position = text.index(phrase, position + 1)
    return position, position + len(phrase)


def sample_document() -> Document:
    """The sample as ``postil`` with no arguments opens it."""
    document = read_article(sample_path())
    document.source = SAMPLE_SOURCE
    return document


def build() -> dict:
    """Annotate the sample in a scratch database and return its annotations and entities."""
    document = sample_document()
    with tempfile.TemporaryDirectory() as scratch:
        store = Store(Path(scratch) / "seed.json")
        store.add_document(document)
        session = AnnotationSession(store, document, ANNOTATOR)
        text = document.text
        mention_at: dict[tuple[str, int], str] = {}
        for phrase, occurrence, label, canonical in ENTITIES:
            start, end = locate(text, phrase, occurrence)
            annotation = session.label_span(start, end, label)
            mention_at[(phrase, occurrence)] = annotation.attrs["entity_id"]
            if canonical:
                assert session.entities[annotation.attrs["entity_id"]].name == canonical, phrase
        for claim_type, extent, occurrence, speaker, cue, content, score in CLAIMS:
            start, end = locate(text, extent, occurrence)
            attrs = {
                "speaker": mention_at[speaker] if speaker else "",
                "speaker_span": list(locate(text, *speaker)) if speaker else None,
                "cue": list(locate(text, *cue)) if cue else None,
                "content": [list(locate(text, *fragment)) for fragment in content],
                "checkworthiness": score,
            }
            session.mark_claim(start, end, claim_type, **attrs)
        assert not any(a.status != "accepted" for a in session.by_id.values())
        return stable(session)


def stable(session: AnnotationSession) -> dict:
    """Records with ids, timestamps and annotator that do not change from run to run."""
    entity_ids = {}
    for entity in sorted(session.entities.values(), key=lambda e: (e.label, e.name)):
        entity_ids[entity.entity_id] = "e-" + "-".join(entity.name.lower().replace(".", "").split())
    entities = []
    for old_id, new_id in entity_ids.items():
        record = session.entities[old_id].to_record()
        entities.append({**record, "entity_id": new_id})
    annotations = []
    for number, annotation in enumerate(sorted(session.by_id.values(), key=lambda a: (a.start, a.kind, a.end)), 1):
        record = annotation.to_record()
        attrs = dict(record["attrs"])
        for key in ("entity_id", "speaker"):
            if attrs.get(key) in entity_ids:
                attrs[key] = entity_ids[attrs[key]]
        record.update(id=f"sample-{number:03d}", created=STAMP, updated="", attrs=attrs, annotator=ANNOTATOR)
        annotations.append(record)
    return {"doc_id": session.document.doc_id, "entities": entities, "annotations": annotations}


def build_analysis(document: Document) -> dict:
    """The installed model's analysis of the sample, with what it was made from (runs spaCy)."""
    pipeline, message = load_pipeline()
    if pipeline is None:
        raise SystemExit(f"cannot analyse the sample: {message}")
    named = installed_model()
    # The app looks the shipped analysis up by the name and version in the package metadata,
    # without loading the model: they must be the ones the loaded model reports.
    if named is None or (named.name, named.version) != (pipeline.name, pipeline.version):
        raise SystemExit(f"the loaded model {pipeline.name} {pipeline.version} is not the installed one the app names ({named})")
    return analysis_record(document, pipeline)


def put_in_root_database(document: Document, record: dict, path: Path = ROOT_DATABASE) -> str:
    """Store the analysis in ``path``'s NLP cache, under the key the app looks up, replacing any
    older analysis of the same text; every other table is left byte for byte as it was. Returns
    the key."""
    key = cache_key(document, Pipeline(nlp=None, name=record["model"], version=record["model_version"]))
    lock = DatabaseLock(path)
    if not lock.acquire(timeout=10):
        raise SystemExit(f"{path}: another Postil is writing it; close it and run this again")
    try:
        log = wal_path(path)
        if log.exists() and log.stat().st_size:
            raise SystemExit(f"{path}: has saves not yet folded into it ({log.name}); open and quit postil once, then run this again")
        data = orjson.loads(path.read_bytes())
        older = f"nlp:{document.sha256}:"
        table = {number: entry for number, entry in data.get(NLP_CACHE, {}).items() if not str(entry.get("key", "")).startswith(older)}
        number = max((int(n) for n in table if n.isdigit()), default=0) + 1
        table[str(number)] = {"key": key, "value": record["analysis"]}
        data[NLP_CACHE] = table
        atomic_write_bytes(path, dump_json(data))
    finally:
        lock.release()
    return key


if __name__ == "__main__":
    seed = build()
    atomic_write_bytes(SAMPLE_ANNOTATIONS, dump_json(seed))
    print(f"{SAMPLE_ANNOTATIONS}: {len(seed['annotations'])} annotations, {len(seed['entities'])} entities")
    document = sample_document()
    record = build_analysis(document)
    atomic_write_bytes(SAMPLE_ANALYSIS, dump_json(record))
    print(f"{SAMPLE_ANALYSIS}: {len(record['analysis'])} paragraphs by {record['model']} {record['model_version']}, rules {record['analysis_version']}")
    key = put_in_root_database(document, record)
    print(f"{ROOT_DATABASE}: cached as {key}")
