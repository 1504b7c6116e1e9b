"""The one check of what an import read, before anything is stored: each field's type and range.

Parsers turn a file into span graphs without trusting it. :func:`check_graphs` holds every
graph, span, relation and detail to Postil's data model, with the same checks a database's
records get (:mod:`tui.model.fields`, :mod:`tui.model.claims`): texts and names are strings,
offsets are integers inside the text, a claim type, verdict or status is one Postil knows,
check-worthiness is a number from 0 to 1, evidence is a list of links, and an id is used
once. Each bad value is a ``file:line: field: reason`` error; with ``--partial`` only the
records holding one are left out. Parsers that read a detail on a line of its own (brat)
check it there with :func:`field_problem`, so the error names that line.
"""

from __future__ import annotations

from tui.formats.interchange import PART_ROLES, ROLE_CLAIM, ROLE_ENTITY, FormatError, SpanGraph, normalize_graph
from tui.model.annotation import STATUSES, entity_problems
from tui.model.claims import CLAIM_CHECKS, links_check, offered_checks
from tui.model.fields import Check, checked, id_problem, is_integer, kind_of, name_problem, one_of, optional, quoted, text_problem
from tui.model.labels import DEFAULT_SCHEME, Scheme

__all__ = ["FIELD_CHECKS", "check_graphs", "field_problem", "is_integer", "kind_of", "name_problem", "text_problem"]

ROLES = (ROLE_ENTITY, ROLE_CLAIM, *PART_ROLES)
_role_problem = one_of(ROLES)
# Besides what a stored entity must hold, an imported one's names are one line (they are
# written into line-based formats), as are labels, ids and links everywhere in a file.
_ENTITY_NAMES = {"entity_id": id_problem, "label": name_problem, "kb_id": id_problem}


def _entity(value: object, named: bool = False) -> str | None:
    """Why ``value`` is not an entity (``named``: it must carry its own name and label)."""
    if not isinstance(value, dict):
        return f"must be an object, not {kind_of(value)}"
    problems = entity_problems(value, required=("name", "label") if named else ()) or checked(value, _ENTITY_NAMES)
    if problems:
        name, reason = problems[0]
        return f"needs a {name}" if reason == "is missing" else f"{name} {reason}"
    if named and not value["name"].strip():
        return "name must not be blank"
    return None


# Every detail a span's info may carry, with its check. Keys not listed are never stored.
FIELD_CHECKS: dict[str, Check] = {
    "id": name_problem,
    "status": one_of(STATUSES),
    "annotator": optional(text_problem),
    "entity": _entity,
    **offered_checks(),  # the default scheme's claim types and verdicts (field_problem takes a database's own)
    **{name: CLAIM_CHECKS[name] for name in ("checkworthiness", "note")},
    "evidence": links_check(name_problem),
    "speaker_text": text_problem,
    "speaker_entity": lambda value: _entity(value, named=True),
    # A claim's parts as Postil stores them; files carry them as spans with relations, so
    # these are checked but not imported (counted as not imported when they are there).
    **{name: CLAIM_CHECKS[name] for name in ("speaker", "speaker_span", "cue", "content")},
}


def field_problem(name: str, value: object, scheme: Scheme = DEFAULT_SCHEME) -> str | None:
    """Why a span detail ``name`` cannot hold ``value`` (``None`` when it can, or is not a
    detail Postil keeps); a claim type or verdict must be one of ``scheme``'s."""
    check = offered_checks(scheme)[name] if name in ("claim_type", "verdict") else FIELD_CHECKS.get(name)
    return None if check is None else check(value)


def label_problem(span, scheme: Scheme | None) -> str | None:
    """Why an entity span's label is not one of ``scheme``'s (its labels, or what it makes of
    the model's); a claim's label is its type, checked as ``claim_type``. A database that keeps
    no scheme of its own (``None``) takes any label."""
    if scheme is None:
        return None
    if span.role == ROLE_ENTITY and span.label not in scheme.entity_labels:
        return f"{quoted(span.label)} is not a label of the database's scheme {scheme.name} ({', '.join(scheme.label_names)}; `postil scheme show`)"
    if span.role == ROLE_CLAIM and span.label not in scheme.claim_types and "claim_type" not in (span.info if isinstance(span.info, dict) else {}):
        return f"{quoted(span.label)} is not a claim type of the database's scheme {scheme.name} ({', '.join(scheme.claim_types)})"
    return None


def _span_problems(graph: SpanGraph, span, seen: dict[str, int], scheme: Scheme | None) -> list[str]:
    """``"field: reason"`` for each bad value of one span (its offsets are known to be integers)."""
    problems = []
    key_problem = name_problem(span.key)
    if key_problem:
        problems.append(f"id: {key_problem}")
    elif span.key in seen:
        problems.append(f"id: {quoted(span.key)} is used twice (first on line {seen[span.key]})")
    else:
        seen[span.key] = span.line or graph.line
    role_problem = _role_problem(span.role)
    if role_problem:
        problems.append(f"role: {role_problem}")
    problem = name_problem(span.label) or label_problem(span, scheme)
    if problem:
        problems.append(f"label: {problem}")
    if not 0 <= span.start < span.end <= len(graph.text):
        problems.append(f"offsets: {span.start}-{span.end} is empty or outside the text ({len(graph.text)} characters)")
    elif graph.text[span.start : span.end].isspace():
        problems.append(f"offsets: {span.start}-{span.end} holds only whitespace")
    if not isinstance(span.info, dict):
        problems.append(f"details: must be an object, not {kind_of(span.info)}")
        return problems
    for name, value in span.info.items():
        problem = field_problem(name, value, scheme or DEFAULT_SCHEME) if isinstance(name, str) else None
        if problem:
            problems.append(f"{name}: {problem}")
    return problems


def _graph_problems(graph: SpanGraph) -> list[str]:
    """``"field: reason"`` for each bad value of the graph itself (its text, title, source, id)."""
    problems = []
    problem = text_problem(graph.text)
    if problem is None and not graph.text:
        problem = "must not be empty"
    if problem:
        problems.append(f"text: {problem}")
    for name in ("title", "source", "doc_id"):
        problem = text_problem(getattr(graph, name))
        if problem:
            problems.append(f"{name}: {problem}")
    return problems


def check_graphs(path: object, graphs: list[SpanGraph], scheme: Scheme | None = None) -> tuple[list[SpanGraph], list[FormatError]]:
    """The graphs with every record that holds a bad value left out, and one error per bad value
    (an entity label, claim type or verdict must be one of ``scheme``'s: the scheme the database
    keeps; without one, claim types and verdicts are the default scheme's and any label goes).

    Texts are normalised first (``\\r\\n`` → ``\\n``, offsets moved) so spans are checked
    where they will be stored. A record is a whole graph when the file holds one per line
    (``SpanGraph.one_record``: JSONL, DocBin), else a span with the parts of a claim (brat,
    CoNLL, W3C); a bad text, title or source always takes out the whole graph.
    """
    kept: list[SpanGraph] = []
    errors: list[FormatError] = []
    annotation_ids: dict[str, int] = {}
    for graph in graphs:
        file = graph.file or str(path)
        problems = _graph_problems(graph)
        if problems:
            errors.extend(FormatError(file, graph.line or 1, problem) for problem in problems)
            continue
        # Each bad value with the span whose record it leaves out (``None`` for the graph's own).
        found: list[tuple[object, str]] = []
        numeric = []
        for span in graph.spans:
            if is_integer(span.start) and is_integer(span.end):
                numeric.append(span)
            else:
                found.append((span, f"offsets: must be integers, not {kind_of(span.start)} and {kind_of(span.end)}"))
        graph.spans = numeric
        graph = normalize_graph(graph)
        seen: dict[str, int] = {}
        for span in graph.spans:
            problems = _span_problems(graph, span, seen, scheme)
            found += [(span, problem) for problem in problems]
            annotation_id = span.info.get("id") if isinstance(span.info, dict) else None
            if isinstance(annotation_id, str) and not problems:
                if annotation_id in annotation_ids:
                    found.append((span, f"id: annotation {quoted(annotation_id)} is in the file twice (first on line {annotation_ids[annotation_id]})"))
                else:
                    annotation_ids[annotation_id] = span.line or graph.line
        keys = {span.key for span in graph.spans if isinstance(span.key, str)}
        relations = []
        for relation in graph.relations:
            ends = (relation.head, relation.child)
            if all(isinstance(end, str) and end in keys for end in ends) and text_problem(relation.type) is None:
                relations.append(relation)
            else:
                found.append((None, "relation: must join two spans of the record and have a type"))
        errors += [FormatError(file, (span.line if span is not None else 0) or graph.line or 1, problem) for span, problem in found]
        bad_spans = [span for span, _ in found]
        if not bad_spans:
            kept.append(graph)
            continue
        if graph.one_record or any(span is None for span in bad_spans):
            continue
        # A bad claim takes its cue, content and speaker spans with it (not the mentions it points at).
        dropped = {id(span) for span in bad_spans}
        left_out = {span.key for span in graph.spans if id(span) in dropped}
        parts = {r.child for r in relations if r.head in left_out}
        graph.spans = [span for span in graph.spans if id(span) not in dropped and not (span.key in parts and span.role in PART_ROLES)]
        left = {span.key for span in graph.spans}
        graph.relations = [r for r in relations if r.head in left and r.child in left]
        if graph.spans:
            kept.append(graph)
    errors.sort(key=lambda error: (error.path, error.line))
    return kept, errors
