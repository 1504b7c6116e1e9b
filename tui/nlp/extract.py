"""The suggestions ``postil extract`` prints: each document's entities and claims as JSON records."""

from __future__ import annotations

import sys
from typing import BinaryIO

import orjson

from tui.model.annotation import Annotation, Entity
from tui.model.document import Document
from tui.model.labels import DEFAULT_SCHEME, Scheme, suggestions_in_scheme


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


def document_result(path: str, document: Document, batches, origin: str, scheme: Scheme = DEFAULT_SCHEME) -> dict:
    """Everything suggested for one document, in text order, labelled as ``scheme`` labels the model's."""
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
    return {
        "path": path, "title": document.title, "doc_id": document.doc_id, "sha256": document.sha256, "model": origin,
        "entities": [entity_record(m) for m in mentions],
        "canonical_entities": [
            {"entity_id": e.entity_id, "name": e.name, "label": e.label, "aliases": e.aliases} for e in entities.values()
        ],
        "claims": [claim_record(c, document.text, entities) for c in claims],
    }


def write_suggestions(documents: list[tuple[str, Document]], pipeline, out: BinaryIO, output_format: str = "json",
                      gazetteer: list[dict] | None = None, store=None, show_progress: bool = False,
                      scheme: Scheme = DEFAULT_SCHEME) -> None:
    """Suggest for each document and write the results to ``out`` (jsonl: each line as it is
    done), with the labels ``scheme`` gives the model's."""
    from tui.nlp import cached_suggestions, iter_suggestions

    results = []
    for number, (path, document) in enumerate(documents, 1):
        if show_progress:
            print(f"postil extract: [{number}/{len(documents)}] {path}", file=sys.stderr, flush=True)
        if store is not None:
            batches = cached_suggestions(store, document, pipeline, gazetteer)
        else:
            batches = iter_suggestions(document, pipeline, gazetteer)
        result = document_result(path, document, batches, pipeline.origin, scheme)
        if output_format == "jsonl":
            out.write(orjson.dumps(result) + b"\n")
            out.flush()
        else:
            results.append(result)
    if output_format == "json":
        out.write(orjson.dumps({"model": pipeline.origin, "documents": results}, option=orjson.OPT_INDENT_2) + b"\n")
    out.flush()
