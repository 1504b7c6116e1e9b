"""doccano JSONL: sequence labelling (``label: [[start, end, LABEL]]``) and relation extraction.

doccano counts offsets in UTF-16 code units (JavaScript string indices), so an emoji
outside the Basic Multilingual Plane counts 2; offsets are converted both ways here.
The relation format carries claims whole: ``CLAIM`` spans with ``said_by``, ``cue`` and
``content`` relations, and a ``postil`` metadata object (doccano keeps unknown keys as
metadata) with entity identities and claim details keyed by span id. The sequence
labelling format has no relations: claims are exported as bare ``CLAIM`` spans and the
rest is counted as lost.
"""

from __future__ import annotations

from pathlib import Path

import orjson

from tui.formats.interchange import (
    PART_ROLES,
    ROLE_CLAIM,
    ROLE_CONTENT,
    ROLE_CUE,
    ROLE_ENTITY,
    ROLE_SPEAKER,
    ExportItem,
    FormatError,
    Losses,
    Relation,
    Span,
    SpanGraph,
    UnitMap,
    graph_of,
    quoted,
    role_for_label,
)
from tui.formats.prodigy import json_object, read_lines
from tui.formats.validate import kind_of

RELATION_TYPES = {ROLE_SPEAKER: "said_by", ROLE_CUE: "cue", ROLE_CONTENT: "content"}
RELATION_ROLES = {name: role for role, name in RELATION_TYPES.items()}


def _jsonl(records: list[dict]) -> bytes:
    return b"".join(orjson.dumps(record) + b"\n" for record in records)


def _meta(graph: SpanGraph) -> dict:
    return {"doc_id": graph.doc_id, "title": graph.title, "source": graph.source}


def export_labels(items: list[ExportItem], losses: Losses, **_: object) -> bytes:
    """doccano sequence-labelling JSONL: entity and claim spans only."""
    records = []
    for number, item in enumerate(items, start=1):
        graph = graph_of(item)
        units = UnitMap(graph.text)
        labels = [[units.to_utf16(s.start), units.to_utf16(s.end), s.label] for s in graph.spans if s.role in (ROLE_ENTITY, ROLE_CLAIM)]
        claims = [s for s in graph.spans if s.role == ROLE_CLAIM]
        losses.add("claim speakers, cues and content pieces (doccano sequence labelling has no relations; use doccano-rel)", len(graph.relations))
        losses.add("claim details (type, verdict, note, evidence)", len(claims))
        losses.add("links from mentions to their entity", sum(1 for s in graph.spans if s.info.get("entity")))
        records.append({"id": number, "text": graph.text, "label": labels, **_meta(graph)})
    return _jsonl(records)


def export_relations(items: list[ExportItem], losses: Losses, **_: object) -> bytes:
    """doccano relation JSONL: every span with an integer id, relations, and Postil's details."""
    records = []
    for number, item in enumerate(items, start=1):
        graph = graph_of(item)
        units = UnitMap(graph.text)
        ids = {span.key: index for index, span in enumerate(graph.spans)}
        records.append({
            "id": number,
            "text": graph.text,
            "entities": [
                {"id": ids[s.key], "start_offset": units.to_utf16(s.start), "end_offset": units.to_utf16(s.end), "label": s.label}
                for s in graph.spans
            ],
            "relations": [
                {"id": index, "from_id": ids[r.head], "to_id": ids[r.child], "type": RELATION_TYPES[r.type]}
                for index, r in enumerate(graph.relations)
            ],
            **_meta(graph),
            "postil": {str(ids[s.key]): s.info for s in graph.spans if s.info},
        })
    return _jsonl(records)


def _text_of(path: Path, number: int, record: dict) -> str:
    text = record.get("text", record.get("data"))
    if not isinstance(text, str) or not text:
        raise FormatError(path, number, 'the record has no "text" string')
    return text


def _span(path: Path, number: int, units: UnitMap, start: object, end: object, what: str) -> tuple[int, int]:
    """Code point offsets of a UTF-16 span, checked against the text."""
    if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) or isinstance(end, bool):
        raise FormatError(path, number, f"{what} offsets must be integers, got {quoted(start)}, {quoted(end)}")
    if not 0 <= start < end <= units.length16:
        raise FormatError(path, number, f"{what} {start}-{end} is outside the text ({units.length16} UTF-16 code units) or empty")
    first, last = units.from_utf16(start), units.from_utf16(end)
    if first is None or last is None:
        raise FormatError(path, number, f"{what} {start}-{end} cuts a character in half (doccano offsets are UTF-16 code units)")
    return first, last


def _graph(record: dict, text: str, number: int) -> SpanGraph:
    return SpanGraph(text=text, title=record.get("title") or "", source=record.get("source") or "", doc_id=record.get("doc_id") or "", line=number, one_record=True)


def _id(path: Path, number: int, value: object, what: str) -> str:
    """A doccano id (an integer, or a string) as the key of its span."""
    if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
        return str(value)
    raise FormatError(path, number, f"{what}: id must be an integer or a string, not {kind_of(value)}")


def parse_labels(path: Path, **_: object) -> tuple[list[SpanGraph], list[FormatError]]:
    """The graphs of a doccano sequence-labelling JSONL file."""
    graphs, errors = [], []
    for number, line in read_lines(path):
        try:
            record = json_object(path, number, line)
            text = _text_of(path, number, record)
            units = UnitMap(text)
            graph = _graph(record, text, number)
            labels = record.get("label", record.get("labels", []))
            if not isinstance(labels, list):
                raise FormatError(path, number, '"label" must be a list of [start, end, label]')
            for index, entry in enumerate(labels):
                if not isinstance(entry, list) or len(entry) != 3 or not isinstance(entry[2], str):
                    raise FormatError(path, number, f"label {index} is not [start, end, LABEL]")
                start, end = _span(path, number, units, entry[0], entry[1], f"label {index}")
                role = role_for_label(entry[2])
                if role not in PART_ROLES:
                    graph.spans.append(Span(f"l{index}", start, end, entry[2], role, {}, number))
            graphs.append(graph)
        except FormatError as error:
            errors.append(error)
    return graphs, errors


def parse_relations(path: Path, **_: object) -> tuple[list[SpanGraph], list[FormatError]]:
    """The graphs of a doccano relation JSONL file."""
    graphs, errors = [], []
    for number, line in read_lines(path):
        try:
            record = json_object(path, number, line)
            text = _text_of(path, number, record)
            units = UnitMap(text)
            graph = _graph(record, text, number)
            details = record.get("postil") if isinstance(record.get("postil"), dict) else {}
            entities = record.get("entities", [])
            if not isinstance(entities, list):
                raise FormatError(path, number, '"entities" must be a list')
            keys = set()
            for index, entry in enumerate(entities):
                if not isinstance(entry, dict) or "id" not in entry or not isinstance(entry.get("label"), str):
                    raise FormatError(path, number, f"entity {index} needs id, start_offset, end_offset and label")
                key = _id(path, number, entry["id"], f"entity {index}")
                if key in keys:
                    raise FormatError(path, number, f"id: entity id {key} is used twice in the record")
                start, end = _span(path, number, units, entry.get("start_offset"), entry.get("end_offset"), f"entity {key}")
                keys.add(key)
                info = details.get(key) if isinstance(details.get(key), dict) else {}
                graph.spans.append(Span(key, start, end, entry["label"], role_for_label(entry["label"]), dict(info), number))
            relations = record.get("relations") or []
            if not isinstance(relations, list):
                raise FormatError(path, number, '"relations" must be a list')
            for index, entry in enumerate(relations):
                if not isinstance(entry, dict) or not isinstance(entry.get("type", ""), str):
                    raise FormatError(path, number, f"relation {index} must be an object with from_id, to_id and a type")
                head, child = (_id(path, number, entry.get(end), f"relation {index}") for end in ("from_id", "to_id"))
                if head not in keys or child not in keys:
                    raise FormatError(path, number, f"relation {index} must join two entity ids of this record")
                kind = entry.get("type", "").lower()
                graph.relations.append(Relation(head, child, RELATION_ROLES.get(kind, kind)))
            graphs.append(graph)
        except FormatError as error:
            errors.append(error)
    return graphs, errors
