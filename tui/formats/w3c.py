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

import re
from collections import Counter
from pathlib import Path

import orjson

from tui.formats.interchange import (
    CLAIM_LABEL,
    PART_LABELS,
    PART_ROLES,
    ROLE_CLAIM,
    ROLE_ENTITY,
    ExportItem,
    FormatError,
    Losses,
    Relation,
    Span,
    SpanGraph,
    graph_of,
    quoted,
)
from tui.formats.validate import is_integer, kind_of
from tui.model.annotation import Annotation, Quote
from tui.model.claims import UNVERIFIED
from tui.model.labels import DEFAULT_SCHEME, Scheme
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
        if info.get("verdict") and info["verdict"] != UNVERIFIED:
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


def export_w3c(items: list[ExportItem], losses: Losses, label_scheme: Scheme = DEFAULT_SCHEME, **_: object) -> bytes:
    """An AnnotationPage of every export item's annotations, with the database's label scheme
    (``postil.scheme``: the labels, claim types and verdicts its tags and assessments take)."""
    annotations = []
    for item in items:
        graph = graph_of(item)
        by_id = {annotation.id: annotation for annotation in item.annotations}
        for span in graph.spans:
            if span.role in (ROLE_ENTITY, ROLE_CLAIM):
                annotations.append(annotation_of(item, graph, span, by_id[span.info["id"]]))
    page = {"@context": CONTEXT, "id": "urn:postil:export:" + "+".join(item.document.doc_id for item in items), "type": "AnnotationPage", "items": annotations,
            "postil": {"scheme": label_scheme.to_dict()}}
    return dump_json(page)


def _items(path: Path, data: object) -> list:
    items: object = None
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        if data.get("type") == "AnnotationPage" or "items" in data:
            items = data.get("items") or []
        elif isinstance(data.get("first"), dict):
            items = data["first"].get("items") or []
        elif data.get("type") == "Annotation":
            return [data]
    if isinstance(items, list):
        return items
    if items is not None:
        raise FormatError(path, 1, f'items: must be a list of annotations, not {kind_of(items)}')
    raise FormatError(path, 1, "expected an Annotation, a list of them, an AnnotationPage or an AnnotationCollection")


_ID_FIELD = re.compile(r'"id"\s*:\s*("(?:[^"\\]|\\.)*")')


def id_lines(raw: str) -> dict[str, list[int]]:
    """The lines where each ``"id"`` value appears in the file, in order, to name lines in errors."""
    lines: dict[str, list[int]] = {}
    line, position = 1, 0
    for match in _ID_FIELD.finditer(raw):
        line += raw.count("\n", position, match.start())
        position = match.start()
        try:
            lines.setdefault(orjson.loads(match.group(1)), []).append(line)
        except orjson.JSONDecodeError:
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
    prefix = (quote.get("prefix") if quote else None) or ""
    if not isinstance(exact, (str, type(None))) or not isinstance(prefix, str):
        raise FormatError(path, line, "selector: a TextQuoteSelector's exact and prefix must be strings")
    if is_integer(start) and is_integer(end) and 0 <= start < end <= len(text):
        if exact is None or text[start:end] == exact:
            return start, end
    if not exact:
        raise FormatError(path, line, "the target has no usable TextPositionSelector or TextQuoteSelector")
    hits = [m.start() for m in re.finditer(re.escape(exact), text)]
    if not hits:
        raise FormatError(path, line, f"the quote {quoted(exact)} is not in the document's text")
    near = start if is_integer(start) else 0
    scored = sorted(hits, key=lambda h: (not text[:h].endswith(prefix), abs(h - near)))
    return scored[0], scored[0] + len(exact)


def parse_w3c(path: Path, store=None, label_scheme: Scheme = DEFAULT_SCHEME, **_: object) -> tuple[list[SpanGraph], list[FormatError]]:
    """The graphs of a W3C annotation file; each target must name a document in the store, and a
    claim's tag is its type when it is one of ``label_scheme``'s (the database's)."""
    try:
        raw = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise FormatError(path, 1, f"not UTF-8 text (bad byte at offset {error.start})") from None
    try:
        data = orjson.loads(raw)  # refuses nesting over 1,024 levels deep with an error, not a crash
    except orjson.JSONDecodeError as error:
        raise FormatError(path, error.lineno, f"not valid JSON ({error.msg})") from None
    documents = store.documents() if store is not None else []
    by_uri = {}
    for document in documents:
        by_uri.setdefault(document_uri(document.source, document.sha256), document)
        by_uri[f"urn:sha256:{document.sha256}"] = document
    by_id = {document.doc_id: document for document in documents}
    graphs: dict[str, SpanGraph] = {}
    pending: list[tuple[SpanGraph, Span, list[dict]]] = []
    errors: list[FormatError] = []
    lines = id_lines(raw)
    first_line: dict[str, int] = {}
    taken: Counter[str] = Counter()  # how many annotations with each id were read so far
    for annotation in _items(path, data):
        identifier = annotation.get("id") if isinstance(annotation, dict) else None
        line = 1
        if isinstance(identifier, str):
            found = lines.get(identifier) or [1]
            line = found[min(taken[identifier], len(found) - 1)]
            taken[identifier] += 1
        try:
            if isinstance(identifier, str) and identifier in first_line:
                raise FormatError(path, line, f"id: {quoted(identifier)} is used twice (first on line {first_line[identifier]})")
            pending.append(_add(path, line, annotation, by_uri, by_id, graphs, label_scheme.claim_types))
        except FormatError as error:
            errors.append(error)
        if isinstance(identifier, str):
            first_line.setdefault(identifier, line)
    mentions = {
        doc_id: {(s.start, s.end): s.key for s in graph.spans if s.role == ROLE_ENTITY} for doc_id, graph in graphs.items()
    }
    for graph, claim, parts in pending:
        _link_parts(graph, claim, parts, mentions[graph.doc_id])
    return list(graphs.values()), errors


def _link_parts(graph: SpanGraph, claim: Span, parts: list[dict], mentions: dict[tuple[int, int], str]) -> None:
    """Relations from a claim to its parts; a speaker that is an exported mention is pointed at."""
    for number, part in enumerate(parts):
        role = part["role"]
        if part.get("role_of_span") == ROLE_ENTITY and (part["start"], part["end"]) in mentions:
            graph.relations.append(Relation(claim.key, mentions[(part["start"], part["end"])], role))
            continue
        part_key = f"{claim.key}/part{number}"
        graph.spans.append(Span(part_key, part["start"], part["end"], part.get("label") or PART_LABELS[role], role, {}, claim.line))
        graph.relations.append(Relation(claim.key, part_key, role))


def _add(path: Path, line: int, annotation: object, by_uri: dict, by_id: dict, graphs: dict[str, SpanGraph],
         claim_types: tuple[str, ...]) -> tuple[SpanGraph, Span, list[dict]]:
    """Add one annotation's span to its document's graph (a tag of a claim is its type when it is
    one of ``claim_types``, the database scheme's); returns its parts, linked once all spans are in."""
    if not isinstance(annotation, dict) or annotation.get("type") != "Annotation":
        raise FormatError(path, line, 'an item is not an object with "type": "Annotation"')
    target = annotation.get("target")
    target = target[0] if isinstance(target, list) and target else target
    if not isinstance(target, dict) or not isinstance(target.get("source"), str):
        raise FormatError(path, line, "the annotation's target has no source")
    extension = annotation.get("postil") if isinstance(annotation.get("postil"), dict) else {}
    doc_id = extension.get("doc_id")
    document = by_uri.get(target["source"]) or (by_id.get(doc_id) if isinstance(doc_id, str) else None)
    if document is None:
        raise FormatError(path, line, f"the target {quoted(target['source'], 200)} is not a document in the database (open or import the article first)")
    start, end = _place(path, line, document.text, *_selectors(target))
    bodies = annotation.get("body") or []
    bodies = [b for b in (bodies if isinstance(bodies, list) else [bodies]) if isinstance(b, dict)]
    tags = [b.get("value") for b in bodies if b.get("purpose") == "tagging" and isinstance(b.get("value"), str)]
    unsupported: list[str] = []
    if extension:
        role, label, info = extension.get("role", ROLE_ENTITY), extension.get("label", ""), extension.get("info") or {}
        if not isinstance(info, dict):
            raise FormatError(path, line, f"postil.info: must be an object, not {kind_of(info)}")
        info = dict(info)
    else:
        role = ROLE_CLAIM if "claim" in tags else ROLE_ENTITY
        others = [t for t in tags if t != "claim"]
        label = CLAIM_LABEL if role == ROLE_CLAIM else (others[0] if others else "ENTITY")
        info = {}
        if role == ROLE_CLAIM:
            types = [t for t in others if t in claim_types]
            if types:
                info["claim_type"] = types[0]
            unsupported += [f"W3C tags on claims that are not a Postil claim type ({t})" for t in others if t not in claim_types]
        for body in bodies:
            purpose, value, source = body.get("purpose"), body.get("value", ""), body.get("source")
            if purpose == "assessing" and role == ROLE_CLAIM:
                info["verdict"] = value.lower() if isinstance(value, str) else value
            elif purpose == "commenting" and role == ROLE_CLAIM:
                info["note"] = value
            elif purpose == "linking" and role == ROLE_CLAIM and source:
                info.setdefault("evidence", []).append(source)
            elif purpose == "identifying" and source and role == ROLE_ENTITY:
                info.setdefault("entity", {})["kb_id"] = kb_id_of(source) if isinstance(source, str) else source
            elif purpose == "describing" and role == ROLE_ENTITY:
                info.setdefault("entity", {})["name"] = value
        if "entity" in info and "name" not in info["entity"]:
            info["entity"]["name"] = " ".join(document.text[start:end].split())
    parts = extension.get("parts") or []
    if not isinstance(parts, list):
        raise FormatError(path, line, f"postil.parts: must be a list, not {kind_of(parts)}")
    for part in parts:
        if not isinstance(part, dict) or not is_integer(part.get("start")) or not is_integer(part.get("end")):
            raise FormatError(path, line, "a postil part needs integer start and end")
        if not 0 <= part["start"] < part["end"] <= len(document.text):
            raise FormatError(path, line, f"a postil part {part['start']}-{part['end']} is outside the text")
        if part.get("role") not in PART_ROLES or not isinstance(part.get("role"), str):
            raise FormatError(path, line, f"a postil part's role must be one of {', '.join(PART_ROLES)}")
    graph = graphs.setdefault(document.doc_id, SpanGraph(text=document.text, title=document.title, source=document.source, doc_id=document.doc_id, line=line))
    for reason in unsupported:
        graph.unsupported[reason] += 1
    identifier = annotation.get("id")
    key = f"{line}:{identifier}" if isinstance(identifier, str) and identifier else f"{line}#{len(graph.spans)}"
    span = Span(key, start, end, label, role, info, line)
    graph.spans.append(span)
    return graph, span, parts
