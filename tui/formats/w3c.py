"""W3C Web Annotation JSON-LD: an ``AnnotationPage`` with one ``Annotation`` per Postil annotation.

Each target names the article (its URL, file URI or ``urn:sha256:`` content hash), pins the
version with a ``TimeState`` and places the span twice: a ``TextPositionSelector`` (code
points, end exclusive, as in Python) and a ``TextQuoteSelector`` (exact text with context)
to re-anchor by if positions drift. Bodies say what the span is in the model's own terms:
``tagging`` (the label), ``assessing`` (a verdict), ``commenting`` (a note), ``identifying``
(a knowledge-base entity), ``describing`` (the entity's name), ``linking`` (evidence).
A ``postil`` object keeps what the model has no term for (entity ids, a claim's cue,
content pieces and speaker), so a Postil-to-Postil round trip is lossless.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from tui.formats.interchange import (
    CLAIM_LABEL,
    ROLE_CLAIM,
    ROLE_ENTITY,
    ExportItem,
    FormatError,
    Losses,
    Relation,
    Span,
    SpanGraph,
    graph_of,
)
from tui.model.annotation import Annotation, Quote
from tui.store.storage import dump_json

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
WIKIDATA = "http://www.wikidata.org/entity/"
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def document_uri(source: str, sha256: str) -> str:
    """The IRI a target's ``source`` names: a URL as is, a path as a file URI, else the content hash."""
    if source.startswith(("http://", "https://", "urn:", "file:")):
        return source
    if source.startswith("/"):
        return Path(source).as_uri()
    return f"urn:sha256:{sha256}"


def kb_uri(kb_id: str) -> str:
    """A knowledge-base id as an IRI (a bare Wikidata QID becomes its entity URL)."""
    return WIKIDATA + kb_id if re.fullmatch(r"Q\d+", kb_id) else kb_id if _SCHEME.match(kb_id) else f"urn:kb:{kb_id}"


def kb_id_of(uri: str) -> str:
    """The knowledge-base id a ``kb_uri`` came from."""
    if uri.startswith(WIKIDATA):
        return uri[len(WIKIDATA):]
    return uri[len("urn:kb:"):] if uri.startswith("urn:kb:") else uri


def annotation_of(item: ExportItem, graph: SpanGraph, span: Span, annotation: Annotation) -> dict:
    """The W3C annotation of one entity or claim span."""
    document = item.document
    info = span.info
    bodies: list[dict] = [{"type": "TextualBody", "purpose": "tagging", "value": annotation.label, "format": "text/plain"}]
    if span.role == ROLE_CLAIM:
        bodies.insert(0, {"type": "TextualBody", "purpose": "tagging", "value": "claim", "format": "text/plain"})
        if info.get("verdict") and info["verdict"] != "unverified":
            bodies.append({"type": "TextualBody", "purpose": "assessing", "value": info["verdict"], "format": "text/plain"})
        if info.get("note"):
            bodies.append({"type": "TextualBody", "purpose": "commenting", "value": info["note"], "format": "text/plain"})
        for url in info.get("evidence") or []:
            if _SCHEME.match(url):
                bodies.append({"type": "SpecificResource", "purpose": "linking", "source": url})
    entity = info.get("entity")
    if entity:
        bodies.append({"type": "TextualBody", "purpose": "describing", "value": entity["name"], "format": "text/plain"})
        if entity.get("kb_id"):
            bodies.append({"type": "SpecificResource", "purpose": "identifying", "source": kb_uri(entity["kb_id"])})
    target: dict = {"source": document_uri(document.source, document.sha256)}
    if document.added:
        target["state"] = {"type": "TimeState", "sourceDate": document.added}
    quote = Quote.from_text(document.text, span.start, span.end)
    target["selector"] = [
        {"type": "TextPositionSelector", "start": span.start, "end": span.end},
        {"type": "TextQuoteSelector", "exact": quote.exact, "prefix": quote.prefix, "suffix": quote.suffix},
    ]
    parts = []
    for relation in graph.relations_from(span.key):
        part = graph.span(relation.child)
        if part is not None:
            parts.append({"role": relation.type, "start": part.start, "end": part.end, "label": part.label, "role_of_span": part.role, "key": part.key})
    result = {
        "@context": CONTEXT,
        "id": f"urn:postil:annotation:{annotation.id}",
        "type": "Annotation",
        "motivation": "assessing" if span.role == ROLE_CLAIM else "identifying" if entity and entity.get("kb_id") else "tagging",
        "created": annotation.created,
    }
    if annotation.updated:
        result["modified"] = annotation.updated
    if annotation.annotator:
        result["creator"] = {"type": "Person", "nickname": annotation.annotator}
    result["body"] = bodies
    result["target"] = target
    result["postil"] = {"doc_id": document.doc_id, "key": span.key, "role": span.role, "label": span.label, "info": info, "parts": parts}
    return result


def export_w3c(items: list[ExportItem], losses: Losses, **_: object) -> bytes:
    """An AnnotationPage of every export item's annotations."""
    annotations = []
    for item in items:
        graph = graph_of(item)
        by_id = {annotation.id: annotation for annotation in item.annotations}
        for span in graph.spans:
            if span.role in (ROLE_ENTITY, ROLE_CLAIM):
                annotations.append(annotation_of(item, graph, span, by_id[span.info["id"]]))
    page = {"@context": CONTEXT, "id": "urn:postil:export:" + "+".join(item.document.doc_id for item in items), "type": "AnnotationPage", "items": annotations}
    return dump_json(page)


def _items(path: Path, data: object) -> list:
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        if data.get("type") == "AnnotationPage" or "items" in data:
            return list(data.get("items") or [])
        if isinstance(data.get("first"), dict):
            return list(data["first"].get("items") or [])
        if data.get("type") == "Annotation":
            return [data]
    raise FormatError(path, 1, "expected an Annotation, a list of them, an AnnotationPage or an AnnotationCollection")


_ID_FIELD = re.compile(r'"id"\s*:\s*("(?:[^"\\]|\\.)*")')


def id_lines(raw: str) -> dict[str, int]:
    """The line where each ``"id"`` value first appears in the file, to name lines in errors."""
    lines: dict[str, int] = {}
    line, position = 1, 0
    for match in _ID_FIELD.finditer(raw):
        line += raw.count("\n", position, match.start())
        position = match.start()
        try:
            lines.setdefault(json.loads(match.group(1)), line)
        except json.JSONDecodeError:
            continue
    return lines


def _selectors(target: dict) -> tuple[dict | None, dict | None]:
    selectors = target.get("selector") or []
    selectors = selectors if isinstance(selectors, list) else [selectors]
    position = next((s for s in selectors if isinstance(s, dict) and s.get("type") == "TextPositionSelector"), None)
    quote = next((s for s in selectors if isinstance(s, dict) and s.get("type") == "TextQuoteSelector"), None)
    return position, quote


def _place(path: Path, line: int, text: str, position: dict | None, quote: dict | None) -> tuple[int, int]:
    """The span the selectors describe: the position if the quote agrees, else the quote nearest it."""
    start = position.get("start") if position else None
    end = position.get("end") if position else None
    exact = quote.get("exact") if quote else None
    if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
        if exact is None or text[start:end] == exact:
            return start, end
    if not exact:
        raise FormatError(path, line, "the target has no usable TextPositionSelector or TextQuoteSelector")
    hits = [m.start() for m in re.finditer(re.escape(exact), text)]
    if not hits:
        raise FormatError(path, line, f"the quote {exact[:40]!r} is not in the document's text")
    prefix = quote.get("prefix") or ""
    scored = sorted(hits, key=lambda h: (not text[:h].endswith(prefix), abs(h - (start if isinstance(start, int) else 0))))
    return scored[0], scored[0] + len(exact)


def parse_w3c(path: Path, store=None, **_: object) -> tuple[list[SpanGraph], list[FormatError]]:
    """The graphs of a W3C annotation file; each target must name a document in the store."""
    try:
        raw = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise FormatError(path, 1, f"not UTF-8 text (bad byte at offset {error.start})") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as error:
        raise FormatError(path, error.lineno, f"not valid JSON ({error.msg})") from None
    documents = store.documents() if store is not None else []
    by_uri = {}
    for document in documents:
        by_uri.setdefault(document_uri(document.source, document.sha256), document)
        by_uri[f"urn:sha256:{document.sha256}"] = document
    by_id = {document.doc_id: document for document in documents}
    graphs: dict[str, SpanGraph] = {}
    pending: list[tuple[SpanGraph, str, list[dict]]] = []
    errors: list[FormatError] = []
    lines = id_lines(raw)
    for annotation in _items(path, data):
        identifier = annotation.get("id") if isinstance(annotation, dict) else None
        line = lines.get(identifier, 1) if isinstance(identifier, str) else 1
        try:
            pending.append(_add(path, line, annotation, by_uri, by_id, graphs))
        except FormatError as error:
            errors.append(error)
    mentions = {
        doc_id: {(s.start, s.end): s.key for s in graph.spans if s.role == ROLE_ENTITY} for doc_id, graph in graphs.items()
    }
    for graph, key, parts in pending:
        _link_parts(graph, key, parts, mentions[graph.doc_id])
    return list(graphs.values()), errors


def _link_parts(graph: SpanGraph, key: str, parts: list[dict], mentions: dict[tuple[int, int], str]) -> None:
    """Relations from a claim to its parts; a speaker that is an exported mention is pointed at."""
    for number, part in enumerate(parts):
        role = str(part.get("role"))
        if part.get("role_of_span") == ROLE_ENTITY and (part["start"], part["end"]) in mentions:
            graph.relations.append(Relation(key, mentions[(part["start"], part["end"])], role))
            continue
        part_key = f"{key}/part{number}"
        graph.spans.append(Span(part_key, part["start"], part["end"], str(part.get("label", "")), role, {}, graph.line))
        graph.relations.append(Relation(key, part_key, role))


def _add(path: Path, line: int, annotation: object, by_uri: dict, by_id: dict, graphs: dict[str, SpanGraph]) -> tuple[SpanGraph, str, list[dict]]:
    """Add one annotation's span to its document's graph; returns its parts, linked once all spans are in."""
    if not isinstance(annotation, dict) or annotation.get("type") != "Annotation":
        raise FormatError(path, line, 'an item is not an object with "type": "Annotation"')
    target = annotation.get("target")
    target = target[0] if isinstance(target, list) and target else target
    if not isinstance(target, dict) or not isinstance(target.get("source"), str):
        raise FormatError(path, line, "the annotation's target has no source")
    extension = annotation.get("postil") if isinstance(annotation.get("postil"), dict) else {}
    document = by_uri.get(target["source"]) or by_id.get(extension.get("doc_id"))
    if document is None:
        raise FormatError(path, line, f"the target {target['source']} is not a document in the database (open or import the article first)")
    graph = graphs.setdefault(document.doc_id, SpanGraph(text=document.text, title=document.title, source=document.source, doc_id=document.doc_id, line=line))
    start, end = _place(path, line, document.text, *_selectors(target))
    bodies = annotation.get("body") or []
    bodies = [b for b in (bodies if isinstance(bodies, list) else [bodies]) if isinstance(b, dict)]
    tags = [b.get("value") for b in bodies if b.get("purpose") == "tagging" and isinstance(b.get("value"), str)]
    if extension:
        role, label, info = extension.get("role", ROLE_ENTITY), extension.get("label", ""), dict(extension.get("info") or {})
    else:
        role = ROLE_CLAIM if "claim" in tags else ROLE_ENTITY
        others = [t for t in tags if t != "claim"]
        label = CLAIM_LABEL if role == ROLE_CLAIM else (others[0] if others else "ENTITY")
        info = {"claim_type": others[0]} if role == ROLE_CLAIM and others else {}
        for body in bodies:
            if body.get("purpose") == "assessing" and role == ROLE_CLAIM:
                info["verdict"] = str(body.get("value", "")).lower()
            elif body.get("purpose") == "commenting" and role == ROLE_CLAIM:
                info["note"] = str(body.get("value", ""))
            elif body.get("purpose") == "linking" and role == ROLE_CLAIM and body.get("source"):
                info.setdefault("evidence", []).append(body["source"])
            elif body.get("purpose") == "identifying" and body.get("source") and role == ROLE_ENTITY:
                info.setdefault("entity", {})["kb_id"] = kb_id_of(body["source"])
            elif body.get("purpose") == "describing" and role == ROLE_ENTITY:
                info.setdefault("entity", {})["name"] = str(body.get("value", ""))
        if "entity" in info and "name" not in info["entity"]:
            info["entity"]["name"] = " ".join(document.text[start:end].split())
    parts = extension.get("parts") or []
    for part in parts:
        if not isinstance(part, dict) or not isinstance(part.get("start"), int) or not isinstance(part.get("end"), int):
            raise FormatError(path, line, "a postil part needs integer start and end")
        if not 0 <= part["start"] < part["end"] <= len(document.text):
            raise FormatError(path, line, f"a postil part {part['start']}-{part['end']} is outside the text")
    key = f"{line}:{annotation.get('id') or len(graph.spans)}"
    graph.spans.append(Span(key, start, end, label, role, info, line))
    return graph, key, parts
