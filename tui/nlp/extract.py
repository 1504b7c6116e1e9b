"""The suggestions ``postil extract`` prints: each document's entities and claims as JSON records.

Documents travel as plain *article records* (``{"path", "text", "title", "source"}``, see
:func:`article_record`), so that one function, :func:`extract_partition`, does the work in this
process, in a pool of processes (:mod:`tui.nlp.parallel`) or on a cluster's workers
(:mod:`tui.nlp.cluster`), and each prints the same.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

import orjson

from tui.model.annotation import Annotation, Entity
from tui.model.document import Document
from tui.model.labels import DEFAULT_SCHEME, Scheme, suggestions_in_scheme
from tui.nlp.pipeline import Pipeline, load_pipeline
from tui.nlp.suggest import analysis_problem, assemble, cache_key, iter_suggestions, usable_cached_analysis

# The formats whose documents are written one a line, each as soon as it (and those before it) is done.
LINE_FORMATS = ("jsonl", "prodigy")


@dataclass
class Suggested:
    """What the model suggests for one document, labelled as the scheme labels the model's."""

    path: str
    document: Document
    mentions: list[Annotation]
    claims: list[Annotation]
    entities: dict[str, Entity]
    origin: str


# How one document's suggestions are written (a JSON-ready dict); a module-level function, so
# that it can be sent to another process.
Render = Callable[[Suggested], dict]


class ModelUnavailable(RuntimeError):
    """No model could be loaded in this process; the message says how to install one."""


def entity_record(mention: Annotation) -> dict:
    """An entity mention as printed."""
    return {
        "start": mention.start, "end": mention.end, "text": mention.quote.exact, "label": mention.label,
        "entity_id": mention.attrs.get("entity_id"), "origin": mention.origin,
    }


def claim_record(claim: Annotation, text: str, entities: dict[str, Entity]) -> dict:
    """A claim as printed: its type, speaker (name and entity), cue, content spans and score."""
    attrs = claim.attrs
    speaker = attrs.get("speaker") or ""
    cue = attrs.get("cue")
    return {
        "start": claim.start, "end": claim.end, "text": claim.quote.exact, "type": attrs["claim_type"],
        "speaker": entities[speaker].name if speaker in entities else speaker,
        "speaker_entity_id": speaker if speaker in entities else None,
        "speaker_span": attrs.get("speaker_span"), "speaker_role": attrs.get("speaker_role", ""),
        "cue": cue, "cue_text": text[cue[0] : cue[1]] if cue else None,
        "content": attrs.get("content"), "checkworthiness": attrs.get("checkworthiness"), "origin": claim.origin,
    }


def suggested(path: str, document: Document, batches, origin: str, scheme: Scheme = DEFAULT_SCHEME) -> Suggested:
    """Everything in ``batches`` for one document, in text order, labelled as ``scheme`` labels the model's."""
    mentions: list[Annotation] = []
    claims: list[Annotation] = []
    entities: dict[str, Entity] = {}
    for batch in batches:
        annotations, batch_entities = suggestions_in_scheme(batch.annotations, batch.entities, scheme)
        entities.update((entity.entity_id, entity) for entity in batch_entities)
        for annotation in annotations:
            (mentions if annotation.is_entity else claims).append(annotation)
    mentions.sort(key=lambda a: (a.start, a.end))
    claims.sort(key=lambda a: (a.start, a.end))
    return Suggested(path, document, mentions, claims, entities, origin)


def document_result(found: Suggested) -> dict:
    """One document's suggestions as ``--format json`` and ``jsonl`` print them."""
    document = found.document
    return {
        "path": found.path, "title": document.title, "doc_id": document.doc_id, "sha256": document.sha256, "model": found.origin,
        "entities": [entity_record(m) for m in found.mentions],
        "canonical_entities": [
            {"entity_id": e.entity_id, "name": e.name, "label": e.label, "aliases": e.aliases} for e in found.entities.values()
        ],
        "claims": [claim_record(c, document.text, found.entities) for c in found.claims],
    }


# Article records


def article_record(path: str, document: Document, analysis: list[dict] | None = None, analysis_key: str = "") -> dict:
    """A document as :func:`extract_partition` takes it; ``analysis`` is one the model made of
    this text before (a database's cached one) and ``analysis_key`` its :func:`cache_key`: a
    worker whose model gives the same key reuses it instead of running the model."""
    record = {"path": path, "text": document.text, "title": document.title, "source": document.source}
    if analysis is not None:
        record.update(analysis=analysis, analysis_key=analysis_key)
    return record


def records_of(documents: list[tuple[str, Document]], store=None, named: Pipeline | None = None) -> list[dict]:
    """The article records of ``documents``, each with the analysis ``store`` caches for it by the
    model ``named`` (installed, maybe not loaded), if there is a usable one."""
    records = []
    for path, document in documents:
        cached = usable_cached_analysis(store, document, named) if store is not None and named is not None else None
        records.append(article_record(path, document, cached, cache_key(document, named) if cached is not None else ""))
    return records


def record_document(record: dict) -> Document:
    """The document of an article record (its text is required; title and source may be left out)."""
    text = record.get("text") if isinstance(record, dict) else None
    if not isinstance(text, str):
        raise ValueError(f"an article record needs a \"text\" string: {str(record)[:80]}")
    return Document(text=text, title=str(record.get("title") or ""), source=str(record.get("source") or ""))


_loaded: Pipeline | None = None
_loading = threading.Lock()


def process_pipeline() -> Pipeline:
    """The model of this process, loaded on first use and kept: a worker process loads it once
    for all the documents it is handed. Raises :class:`ModelUnavailable` when none loads."""
    global _loaded
    with _loading:
        if _loaded is None:
            pipeline, message = load_pipeline()
            if pipeline is None:
                raise ModelUnavailable(message)
            _loaded = pipeline
    return _loaded


def extract_document(record: dict, pipeline: Pipeline, gazetteer: list[dict] | None = None, scheme: Scheme | None = None,
                     render: Render | None = None) -> dict:
    """The suggestions for one article record, written by ``render`` (default: :func:`document_result`)."""
    document = record_document(record)
    path = str(record.get("path") or document.source)
    analysis = record.get("analysis")
    reusable = record.get("analysis_key") == cache_key(document, pipeline) and analysis_problem(analysis, len(document.text)) is None
    if reusable:
        batches = assemble(document, analysis, gazetteer or [], pipeline.origin)
    else:
        batches = iter_suggestions(document, pipeline, gazetteer)
    return (render or document_result)(suggested(path, document, batches, pipeline.origin, scheme or DEFAULT_SCHEME))


def extract_partition(records: Iterable[dict], gazetteer: list[dict] | None = None, scheme: Scheme | None = None,
                      render: Render | None = None) -> list[dict]:
    """The suggestions for each article record, in order, by this process's model (loaded once per process).

    Each record is a dict with ``"text"`` (required), ``"path"``, ``"title"`` and ``"source"``;
    each result is what ``postil extract --format jsonl`` prints for that document. ``gazetteer``
    (``{"text", "label"}`` corrections, as a database's ``gazetteer`` table keeps them) and
    ``scheme`` (a :class:`~tui.model.labels.Scheme`, default OntoNotes) apply as in ``postil
    extract --db``. Made for a Dask bag's ``map_partitions``, Spark's ``mapPartitions`` or a Ray
    task: plain data in, plain data out.
    """
    pipeline = process_pipeline()
    return [extract_document(record, pipeline, gazetteer, scheme, render) for record in records]


def extract_serially(records: list[dict], pipeline: Pipeline, gazetteer: list[dict] | None = None, scheme: Scheme | None = None,
                     render: Render | None = None, progress: Callable[[int, int, str], None] | None = None) -> Iterator[dict]:
    """The results of ``records`` one after another in this process; ``progress`` is told
    ``(number, total, path)`` as each document is started."""
    for number, record in enumerate(records, 1):
        if progress is not None:
            progress(number, len(records), str(record.get("path", "")))
        yield extract_document(record, pipeline, gazetteer, scheme, render)


def print_progress(number: int, total: int, path: str) -> None:
    """One progress line on stderr."""
    print(f"postil extract: [{number}/{total}] {path}", file=sys.stderr, flush=True)


def write_results(results: Iterable[dict], out: BinaryIO, output_format: str, origin: str) -> None:
    """Write ``results`` to ``out``: a line format writes each as it comes; json writes one object
    holding them all, credited to the model of the first (``origin`` when there is none)."""
    collected = []
    for result in results:
        if output_format in LINE_FORMATS:
            out.write(orjson.dumps(result) + b"\n")
            out.flush()
        else:
            collected.append(result)
    if output_format not in LINE_FORMATS:
        model = collected[0]["model"] if collected else origin
        out.write(orjson.dumps({"model": model, "documents": collected}, option=orjson.OPT_INDENT_2) + b"\n")
    out.flush()


def write_suggestions(documents: list[tuple[str, Document]], pipeline: Pipeline, out: BinaryIO, output_format: str = "json",
                      gazetteer: list[dict] | None = None, store=None, show_progress: bool = False,
                      scheme: Scheme = DEFAULT_SCHEME) -> None:
    """Suggest for each document with ``pipeline`` in this process and write the results to
    ``out`` (jsonl: each line as it is done), reusing the analyses ``store`` caches."""
    records = records_of(documents, store, pipeline)
    results = extract_serially(records, pipeline, gazetteer, scheme, progress=print_progress if show_progress else None)
    write_results(results, out, output_format, pipeline.origin)
