"""spaCy / Prodigy task JSONL: one task per document with tokens, spans and relations.

Span ``end`` is an exclusive character offset and ``token_end`` an inclusive token index.
Tokens are Postil's, split at every span boundary so each span covers whole tokens.
Accepted annotations make a task answered ``accept``; with ``--include-suggested`` the
suggestions go into a second task for the same text answered ``ignore`` (not reviewed yet,
which Prodigy leaves out of training). Postil's own details (entity ids and names, claim
verdicts, notes, evidence) ride in a ``postil`` object on each span, which Prodigy keeps.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from pathlib import Path

import orjson

from tui.formats.interchange import (
    ExportItem,
    FormatError,
    Losses,
    Relation,
    Span,
    SpanGraph,
    check_span,
    graph_of,
    quoted,
    role_for_label,
    span_boundaries,
    split_tokens,
    stable_hash,
)
from tui.model.annotation import ACCEPTED, REJECTED, SUGGESTED

ANSWER_STATUS = {"accept": ACCEPTED, "ignore": SUGGESTED, "reject": REJECTED}


def tasks_for(item: ExportItem, include_suggested: bool) -> list[tuple[SpanGraph, str, dict]]:
    """The graphs to write for one document, each with its Prodigy answer and task metadata."""
    groups = [([a for a in item.annotations if a.status == ACCEPTED], "accept")]
    suggested = [a for a in item.annotations if a.status == SUGGESTED]
    if include_suggested and suggested:
        groups.append((suggested, "ignore"))
    tasks = []
    for group, answer in groups:
        extra: dict = {}
        annotators = {a.annotator for a in group}
        if len(annotators) == 1 and "" not in annotators:
            extra["_annotator_id"] = annotators.pop()
        times = [unix_seconds(a.updated or a.created) for a in group]
        if any(t is not None for t in times):
            extra["_timestamp"] = max(t for t in times if t is not None)
        tasks.append((graph_of(ExportItem(item.document, group, item.entities)), answer, extra))
    return tasks


def unix_seconds(timestamp: str) -> int | None:
    """An ISO 8601 time as Unix seconds (Prodigy's ``_timestamp``), ``None`` if unreadable."""
    from datetime import datetime

    try:
        return int(datetime.fromisoformat(timestamp).timestamp())
    except (TypeError, ValueError):
        return None


def task_of(graph: SpanGraph, answer: str, extra: dict | None = None) -> dict:
    """One Prodigy task for a graph (``extra``: ``_annotator_id``, ``_timestamp``)."""
    text = graph.text
    tokens = split_tokens(text, span_boundaries(graph))
    token_starts = [start for start, _ in tokens]
    token_ends = [end for _, end in tokens]
    spans = []
    span_json = {}
    for span in graph.spans:
        entry = {
            "start": span.start, "end": span.end,
            # The tokens the span touches (a span may begin or end in whitespace between tokens).
            "token_start": bisect_right(token_ends, span.start), "token_end": bisect_left(token_starts, span.end) - 1,
            "label": span.label, "text": text[span.start : span.end],
            "postil": {"key": span.key, "role": span.role, **{k: v for k, v in span.info.items() if k != "status"}},
        }
        span_json[span.key] = entry
        spans.append(entry)
    relations = []
    for relation in graph.relations:
        head, child = span_json[relation.head], span_json[relation.child]
        relations.append({
            "head": head["token_end"], "child": child["token_end"], "label": relation.type.upper(),
            "head_span": {k: head[k] for k in ("start", "end", "token_start", "token_end", "label")},
            "child_span": {k: child[k] for k in ("start", "end", "token_start", "token_end", "label")},
        })
    ordered = sorted(graph.spans, key=lambda span: (span.start, span.end))
    overlapping = any(b.start < a.end for a, b in zip(ordered, ordered[1:]))
    input_hash = stable_hash(text)
    task = {
        "text": text,
        "meta": {"doc_id": graph.doc_id, "title": graph.title, "source": graph.source},
        "tokens": [
            {"text": text[start:end], "start": start, "end": end, "id": index, "ws": end < len(text) and text[end].isspace()}
            for index, (start, end) in enumerate(tokens)
        ],
        "spans": spans,
        "relations": relations,
        "answer": answer,
        "_input_hash": input_hash,
        "_task_hash": stable_hash(str(input_hash), orjson.dumps([spans, relations], option=orjson.OPT_SORT_KEYS).decode("utf-8"), answer),
        "_view_id": "spans_manual" if overlapping else "ner_manual",
        **(extra or {}),
    }
    return task


def export_jsonl(items: list[ExportItem], losses: Losses, include_suggested: bool = False, **_: object) -> bytes:
    """Prodigy JSONL for the export items (nothing is lost: overlaps go in a spans_manual task)."""
    lines = []
    for item in items:
        for graph, answer, extra in tasks_for(item, include_suggested):
            lines.append(orjson.dumps(task_of(graph, answer, extra)))
    return b"".join(line + b"\n" for line in lines)


def parse_jsonl(path: Path, **_: object) -> tuple[list[SpanGraph], list[FormatError]]:
    """The graphs of a Prodigy JSONL file, and the lines that could not be read."""
    graphs, errors = [], []
    for number, line in read_lines(path):
        try:
            graphs.append(graph_of_task(path, number, json_object(path, number, line)))
        except FormatError as error:
            errors.append(error)
    return graphs, errors


def read_lines(path: Path) -> list[tuple[int, str]]:
    """The non-blank lines of a UTF-8 file with their 1-based numbers."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise FormatError(path, 1, f"not UTF-8 text (bad byte at offset {error.start})") from None
    return [(number, line) for number, line in enumerate(text.split("\n"), start=1) if line.strip()]


def json_object(path: Path, number: int, line: str) -> dict:
    """One JSON object from one line, or a FormatError naming the line."""
    try:
        value = orjson.loads(line)
    except orjson.JSONDecodeError as error:
        raise FormatError(path, number, f"not valid JSON ({error.msg} at column {error.colno})") from None
    if not isinstance(value, dict):
        raise FormatError(path, number, "each line must be a JSON object")
    return value


def graph_of_task(path: Path, number: int, task: dict) -> SpanGraph:
    """The graph of one Prodigy task (its values are checked by ``validate.check_graphs``)."""
    text = task.get("text")
    if not isinstance(text, str) or not text:
        raise FormatError(path, number, 'the task has no "text" string')
    meta = task.get("meta") if isinstance(task.get("meta"), dict) else {}
    graph = SpanGraph(text=text, title=meta.get("title") or "", source=meta.get("source") or "", doc_id=meta.get("doc_id") or "", line=number, one_record=True)
    answer = task.get("answer", "accept")
    status = ANSWER_STATUS.get(answer) if isinstance(answer, str) else None
    if status is None:
        raise FormatError(path, number, f"answer: {quoted(answer)} is not one of accept, reject, ignore")
    spans = task.get("spans") or []
    if not isinstance(spans, list):
        raise FormatError(path, number, '"spans" must be a list')
    by_offsets = {}
    for index, entry in enumerate(spans):
        if not isinstance(entry, dict) or not isinstance(entry.get("label"), str):
            raise FormatError(path, number, f"span {index} is not an object with a label")
        start, end = check_span(path, number, text, entry.get("start"), entry.get("end"), f"span {index}")
        extra = entry.get("postil") if isinstance(entry.get("postil"), dict) else {}
        info = {k: v for k, v in extra.items() if k not in ("key", "role")}
        info["status"] = status
        if not info.get("annotator") and isinstance(task.get("_annotator_id"), str):
            info["annotator"] = task["_annotator_id"]
        role = extra.get("role") or role_for_label(entry["label"])
        key = extra.get("key") or f"p{index}"
        graph.spans.append(Span(key, start, end, entry["label"], role, info, number))
        by_offsets.setdefault((start, end, entry["label"]), key)
    relations = task.get("relations") or []
    if not isinstance(relations, list):
        raise FormatError(path, number, '"relations" must be a list')
    for index, entry in enumerate(relations):
        if not isinstance(entry, dict) or not isinstance(entry.get("head_span"), dict) or not isinstance(entry.get("child_span"), dict):
            raise FormatError(path, number, f"relation {index} needs head_span and child_span objects")
        head = by_offsets.get(_span_place(entry["head_span"]))
        child = by_offsets.get(_span_place(entry["child_span"]))
        if head is None or child is None:
            raise FormatError(path, number, f"relation {index} points at a span that is not in the task")
        label = entry.get("label", "")
        if not isinstance(label, str):
            raise FormatError(path, number, f"relation {index}: label must be a string")
        graph.relations.append(Relation(head, child, label.lower()))
    return graph


def _span_place(span: dict) -> tuple | None:
    """A relation end's ``(start, end, label)`` as spans are looked up by, if it has that shape."""
    place = tuple(span.get(k) for k in ("start", "end", "label"))
    if all(isinstance(value, (int, str)) for value in place):
        return place
    return None
