"""brat standoff: ``DOC.txt`` (the text, unchanged) + ``DOC.ann`` per document, and ``annotation.conf``.

Offsets are code points, end exclusive, as in Python. A span crossing a newline is written
as fragments (``0 5;6 12``) because an ``.ann`` line cannot hold a newline. Claims are
``Claim`` spans with ``ClaimType`` and ``Verdict`` attributes; ``R`` relations point from
a claim to its ``Speaker`` (an entity mention or a ``Speaker`` span), ``Cue`` and
``Content`` spans; ``N`` lines carry entity identity (``Postil:<entity id>``, the name as
the human string) and knowledge-base ids (``Wikidata:Q…``); ``#`` notes carry the
annotator's note, evidence links, checkworthiness, aliases and a speaker given as text.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from tui.formats.interchange import (
    CLAIM_LABEL,
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
    check_span,
    graph_of,
    quoted,
)
from tui.formats.validate import field_problem
from tui.model.annotation import SUGGESTED
from tui.model.labels import DEFAULT_SCHEME, Scheme

ROLE_TYPES = {ROLE_CLAIM: "Claim", ROLE_CUE: "Cue", ROLE_CONTENT: "Content", ROLE_SPEAKER: "Speaker"}
TYPE_ROLES = {brat_type: role for role, brat_type in ROLE_TYPES.items()}
RELATION_TYPES = {ROLE_SPEAKER: "Speaker", ROLE_CUE: "Cue", ROLE_CONTENT: "Content"}
# Offsets are ASCII digits; 15 of them are more than any text holds (and int() refuses thousands).
_OFFSETS = r"([0-9]{1,15}) ([0-9]{1,15})"
_FRAGMENT = re.compile(f"^{_OFFSETS}$")


def brat_type(label: str) -> str:
    """A label as a brat type (no spaces or tabs)."""
    return re.sub(r"\s+", "_", label) or "Entity"


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``[start, end)`` cut at newlines into non-empty pieces (brat lines cannot hold newlines)."""
    pieces, position = [], start
    for index in range(start, end + 1):
        if index == end or text[index] == "\n":
            if index > position:
                pieces.append((position, index))
            position = index + 1
    return pieces


def ann_of(graph: SpanGraph, losses: Losses | None = None) -> str:
    """The ``.ann`` text of one graph (spans of newlines alone are counted in ``losses``)."""
    text = graph.text
    lines: list[str] = []
    counters = {"T": 0, "R": 0, "A": 0, "N": 0, "#": 0}

    def next_id(prefix: str) -> str:
        """The next free id with this prefix (T1, T2, ...)."""
        counters[prefix] += 1
        return f"{prefix}{counters[prefix]}"

    t_ids: dict[str, str] = {}
    mentions_of: dict[str, list[str]] = {}
    aliases_written: set[str] = set()
    for span in graph.spans:
        pieces = fragments(text, span.start, span.end)
        if not pieces:
            if losses is not None:
                losses.add("spans of newlines alone (a brat line cannot hold them)")
            continue
        t_id = t_ids[span.key] = next_id("T")
        kind = brat_type(span.label) if span.role == ROLE_ENTITY else ROLE_TYPES[span.role]
        offsets = ";".join(f"{s} {e}" for s, e in pieces)
        lines.append(f"{t_id}\t{kind} {offsets}\t{' '.join(text[s:e] for s, e in pieces)}")
        if (pieces[0][0], pieces[-1][1]) != (span.start, span.end):
            # The span starts or ends on a newline the fragments leave out: keep its true extent.
            lines.append(f"{next_id('#')}\tExtent {t_id}\t{span.start} {span.end}")
        info = span.info
        if info.get("status") == SUGGESTED:
            lines.append(f"{next_id('A')}\tSuggested {t_id}")
        entity = info.get("entity")
        if entity:
            mentions_of.setdefault(entity["entity_id"], []).append(t_id)
            lines.append(f"{next_id('N')}\tReference {t_id} Postil:{entity['entity_id']}\t{one_line(entity['name'])}")
            if entity.get("kb_id"):
                lines.append(f"{next_id('N')}\tReference {t_id} {kb_reference(entity['kb_id'])}\t{one_line(entity['name'])}")
            if entity.get("aliases") and entity["entity_id"] not in aliases_written:
                aliases_written.add(entity["entity_id"])
                lines.append(f"{next_id('#')}\tAliases {t_id}\t{'|'.join(entity['aliases'])}")
        if span.role == ROLE_CLAIM:
            lines.append(f"{next_id('A')}\tClaimType {t_id} {info.get('claim_type', 'assertion')}")
            if info.get("verdict"):
                lines.append(f"{next_id('A')}\tVerdict {t_id} {info['verdict']}")
            if info.get("checkworthiness") is not None:
                if info["checkworthiness"] >= 0.5:
                    lines.append(f"{next_id('A')}\tCheckWorthy {t_id}")
                lines.append(f"{next_id('#')}\tCheckworthiness {t_id}\t{info['checkworthiness']}")
            if info.get("note"):
                lines.append(f"{next_id('#')}\tAnnotatorNotes {t_id}\t{one_line(info['note'])}")
            for url in info.get("evidence") or []:
                lines.append(f"{next_id('#')}\tEvidence {t_id}\t{one_line(url)}")
            if info.get("speaker_text"):
                lines.append(f"{next_id('#')}\tSpeaker {t_id}\t{one_line(info['speaker_text'])}")
            if info.get("speaker_entity"):
                speaker = info["speaker_entity"]
                lines.append(f"{next_id('#')}\tSpeakerEntity {t_id}\t{speaker['entity_id']}|{speaker['label']}|{one_line(speaker['name'])}")
    for relation in graph.relations:
        if relation.head not in t_ids or relation.child not in t_ids:
            continue
        lines.append(f"{next_id('R')}\t{RELATION_TYPES[relation.type]} Arg1:{t_ids[relation.head]} Arg2:{t_ids[relation.child]}")
    for t_list in mentions_of.values():
        if len(t_list) > 1:
            lines.append(f"*\tEquiv {' '.join(t_list)}")
    return "".join(line + "\n" for line in lines)


def one_line(value: str) -> str:
    """A note value on one line (brat notes cannot hold newlines or tabs)."""
    return " ".join(str(value).split())


def kb_reference(kb_id: str) -> str:
    """A knowledge-base id as a brat ``RID:EID`` (a bare QID is Wikidata's)."""
    return f"Wikidata:{kb_id}" if re.fullmatch(r"Q\d+", kb_id) else kb_id if ":" in kb_id else f"KB:{kb_id}"


def annotation_conf(graphs: list[SpanGraph], label_scheme: Scheme = DEFAULT_SCHEME) -> str:
    """An ``annotation.conf`` declaring the scheme's labels, claim types and verdicts, and
    every other type, relation and attribute the files use (a value an earlier scheme left)."""
    used = {brat_type(span.label) for graph in graphs for span in graph.spans if span.role == ROLE_ENTITY}
    labels = [brat_type(name) for name in label_scheme.label_names]
    labels += sorted(used - set(labels))
    infos = [span.info for graph in graphs for span in graph.spans if span.role == ROLE_CLAIM and isinstance(span.info, dict)]
    claim_types = [*label_scheme.claim_types, *sorted({str(i["claim_type"]) for i in infos if "claim_type" in i} - set(label_scheme.claim_types))]
    verdicts = [*label_scheme.verdict_names, *sorted({str(i["verdict"]) for i in infos if "verdict" in i} - set(label_scheme.verdict_names))]
    speakers = "|".join([*labels, "Speaker"])
    return "\n".join([
        "[entities]", *labels, "Claim", "Cue", "Content", "Speaker",
        "[relations]",
        f"Speaker\tArg1:Claim, Arg2:{speakers}",
        "Cue\tArg1:Claim, Arg2:Cue",
        "Content\tArg1:Claim, Arg2:Content",
        "Equiv\tArg1:<ENTITY>, Arg2:<ENTITY>, <REL-TYPE>:symmetric-transitive",
        "[events]",
        "[attributes]",
        f"ClaimType\tArg:Claim, Value:{'|'.join(claim_types)}",
        f"Verdict\tArg:Claim, Value:{'|'.join(verdicts)}",
        "CheckWorthy\tArg:Claim",
        "Suggested\tArg:<ENTITY>",
        "",
    ])


def file_stem(title: str, doc_id: str) -> str:
    """A document's file name without extension: a slug of its title and of its id.

    Only ASCII letters, digits and single hyphens, so a title or id from a file or a
    database can never name a folder, a hidden file or a path elsewhere (``../../x``).
    """

    def slug(value: str, limit: int) -> str:
        """``value`` in lowercase ASCII words joined by hyphens, at most ``limit`` characters."""
        ascii_only = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
        return re.sub(r"[^a-z0-9]+", "-", ascii_only.lower())[:limit].strip("-")

    return "-".join(part for part in (slug(title, 40), slug(doc_id, 16)) if part) or "document"


def export_brat(items: list[ExportItem], losses: Losses, label_scheme: Scheme = DEFAULT_SCHEME, **_: object) -> dict[str, bytes]:
    """The files of a brat folder: ``<title>-<doc id>.txt``/``.ann`` per document and
    ``annotation.conf`` (declaring ``label_scheme``'s labels, claim types and verdicts)."""
    files: dict[str, bytes] = {}
    graphs = []
    for item in items:
        graph = graph_of(item)
        graphs.append(graph)
        stem = file_stem(item.document.title, item.document.doc_id)
        number = 1
        while f"{stem}.txt" in files:  # two documents with the same slug (only ids made by hand)
            number += 1
            stem = f"{file_stem(item.document.title, item.document.doc_id)}-{number}"
        files[f"{stem}.txt"] = item.document.text.encode("utf-8")
        files[f"{stem}.ann"] = ann_of(graph, losses).encode("utf-8")
    files["annotation.conf"] = annotation_conf(graphs, label_scheme).encode("utf-8")
    return files


def parse_brat(path: Path, label_scheme: Scheme = DEFAULT_SCHEME, **_: object) -> tuple[list[SpanGraph], list[FormatError]]:
    """The graphs of a ``.ann`` file (with its ``.txt``) or of every ``.ann`` in a folder, their
    claim types and verdicts checked against ``label_scheme`` (the database's).

    Only regular files in that folder are read: a ``.txt`` or ``.ann`` that is a link to a
    file elsewhere is refused, so an import never names a file outside what it was given.
    """
    folder = path if path.is_dir() else path.parent
    ann_files = sorted(path.glob("*.ann")) if path.is_dir() else [path]
    if not ann_files:
        raise FormatError(path, 1, "no .ann files in this folder")
    graphs, errors = [], []
    for ann in ann_files:
        txt = ann.with_suffix(".txt")
        if not txt.exists():
            raise FormatError(ann, 1, f"no {txt.name} beside it (brat keeps the text in a .txt of the same name)")
        if path.is_dir():
            _check_inside(ann, folder)
        _check_inside(txt, folder)
        text = _read_utf8(txt)
        lines = _read_utf8(ann).split("\n")
        graphs.append(_graph_of_ann(ann, text, lines, errors, label_scheme))
    return graphs, errors


def _check_inside(path: Path, folder: Path) -> None:
    """A FormatError unless ``path`` is a regular file whose real path is inside ``folder``."""
    real = path.resolve()
    if not real.is_relative_to(folder.resolve()):
        raise FormatError(path, 1, f"is a link to {real}, outside {folder} (brat files are read only from the folder given)")
    if not real.is_file():
        raise FormatError(path, 1, "is not a regular file")


def _read_utf8(path: Path) -> str:
    """A file's text, or a FormatError naming the first byte that is not UTF-8."""
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise FormatError(path, 1, f"not UTF-8 (bad byte at offset {error.start})") from None


def _checked(ann: Path, number: int, name: str, value: object, scheme: Scheme = DEFAULT_SCHEME) -> object:
    """``value`` if the detail ``name`` may hold it, else a FormatError naming this line."""
    problem = field_problem(name, value, scheme)
    if problem:
        raise FormatError(ann, number, f"{name}: {problem}")
    return value


def _graph_of_ann(ann: Path, text: str, lines: list[str], errors: list[FormatError], scheme: Scheme) -> SpanGraph:
    graph = SpanGraph(text=text, title=ann.stem, source=str(ann.with_suffix(".txt").resolve()), doc_id=ann.stem, file=str(ann))
    spans: dict[str, Span] = {}
    entity_info: dict[str, dict] = {}
    later: list[tuple[int, str, list[str]]] = []
    first_line: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        fields = line.split("\t")
        try:
            if fields[0] in first_line and fields[0] != "*":
                raise FormatError(ann, number, f"id: {quoted(fields[0])} is used twice (first on line {first_line[fields[0]]})")
            first_line[fields[0]] = number
            if line.startswith("T"):
                if len(fields) < 3:
                    raise FormatError(ann, number, "a T line needs ID, TYPE START END and the text, separated by tabs")
                kind, _, offsets = fields[1].partition(" ")
                pieces = []
                for fragment in offsets.split(";"):
                    match = _FRAGMENT.match(fragment.strip())
                    if not match:
                        raise FormatError(ann, number, f"bad offsets {quoted(offsets)} (expected START END[;START END...])")
                    pieces.append(check_span(ann, number, text, int(match.group(1)), int(match.group(2))))
                covered = " ".join(text[s:e] for s, e in pieces)
                written = "\t".join(fields[2:])
                if covered != written:
                    raise FormatError(ann, number, f"the text {quoted(written)} does not match {quoted(covered)} at {offsets} in {ann.with_suffix('.txt').name}")
                role = TYPE_ROLES.get(kind, ROLE_ENTITY)
                label = CLAIM_LABEL if role == ROLE_CLAIM else kind
                spans[fields[0]] = Span(fields[0], pieces[0][0], pieces[-1][1], label, role, {}, number)
            elif line[0] in "RAMN#*":
                later.append((number, line, fields))
            elif line.startswith("E"):
                graph.unsupported["brat events (E lines)"] += 1
            else:
                raise FormatError(ann, number, f"unknown annotation id {quoted(fields[0])} (brat ids start with T, R, E, A, M, N, # or *)")
        except FormatError as error:
            errors.append(error)
    for number, line, fields in later:
        try:
            _apply_line(ann, number, line, fields, graph, spans, entity_info, scheme)
        except FormatError as error:
            errors.append(error)
    for t_id, info in entity_info.items():
        span = spans[t_id]
        if info:  # Postil's entity id and name, a knowledge-base id or aliases
            info.setdefault("label", span.label)
            span.info["entity"] = info
    graph.spans = list(spans.values())
    return graph


def _target(ann: Path, number: int, spans: dict[str, Span], t_id: str) -> Span:
    if t_id not in spans:
        raise FormatError(ann, number, f"refers to {quoted(t_id)}, which is not a T annotation of this file")
    return spans[t_id]


def _apply_line(ann: Path, number: int, line: str, fields: list[str], graph: SpanGraph, spans: dict[str, Span], entity_info: dict[str, dict],
                scheme: Scheme) -> None:
    prefix = line[0]
    body = fields[1].split() if len(fields) > 1 else []
    if prefix == "*":
        return  # Equiv groups mentions; entity identity travels in the N lines.
    if prefix == "R":
        args = dict(part.split(":", 1) for part in body[1:] if ":" in part)
        if len(body) < 3 or "Arg1" not in args or "Arg2" not in args:
            raise FormatError(ann, number, "an R line needs TYPE Arg1:ID Arg2:ID")
        head, child = _target(ann, number, spans, args["Arg1"]), _target(ann, number, spans, args["Arg2"])
        graph.relations.append(Relation(head.key, child.key, body[0].lower()))
    elif prefix in "AM":
        if len(body) < 2:
            raise FormatError(ann, number, "an A line needs NAME TARGET [VALUE]")
        span = _target(ann, number, spans, body[1])
        value = body[2] if len(body) > 2 else None
        if body[0] == "Suggested":
            span.info["status"] = SUGGESTED
        elif body[0] == "ClaimType" and value:
            span.info["claim_type"] = _checked(ann, number, "claim_type", value, scheme)
        elif body[0] == "Verdict" and value:
            span.info["verdict"] = _checked(ann, number, "verdict", value.lower(), scheme)
        elif body[0] != "CheckWorthy":  # CheckWorthy is the Checkworthiness note, rounded
            graph.unsupported[f"brat attributes other than ClaimType, Verdict and Suggested ({body[0]})"] += 1
    elif prefix == "N":
        if len(body) < 3 or ":" not in body[2]:
            raise FormatError(ann, number, "an N line needs Reference TARGET RID:EID")
        span = _target(ann, number, spans, body[1])
        rid, eid = body[2].split(":", 1)
        human = fields[2] if len(fields) > 2 else ""
        if rid == "Postil":
            found = {"entity_id": eid, "name": human or graph.text[span.start : span.end]}
        else:
            found = {"kb_id": eid if rid == "Wikidata" else f"{rid}:{eid}"}
        _checked(ann, number, "entity", found)
        entity_info.setdefault(span.key, {}).update(found)
    elif prefix == "#":
        if len(body) < 2:
            raise FormatError(ann, number, "a # line needs NOTE_TYPE TARGET and the note")
        span = _target(ann, number, spans, body[1])
        note = fields[2] if len(fields) > 2 else ""
        if body[0] == "AnnotatorNotes":
            span.info["note"] = note
        elif body[0] == "Evidence":
            _checked(ann, number, "evidence", [note])
            span.info.setdefault("evidence", []).append(note)
        elif body[0] == "Checkworthiness":
            try:
                worth = float(note)
            except ValueError:
                raise FormatError(ann, number, f"checkworthiness: {quoted(note)} is not a number") from None
            span.info["checkworthiness"] = _checked(ann, number, "checkworthiness", worth)
        elif body[0] == "Extent":
            found = re.fullmatch(_OFFSETS, note)
            if not found:
                raise FormatError(ann, number, f"an Extent note is START END, got {quoted(note)}")
            start, end = check_span(ann, number, graph.text, int(found.group(1)), int(found.group(2)), "extent")
            if not (start <= span.start and span.end <= end and not graph.text[start : span.start].strip() and not graph.text[span.end : end].strip()):
                raise FormatError(ann, number, f"the extent {start}-{end} does not just add newlines around {span.key}")
            span.start, span.end = start, end
        elif body[0] == "Aliases":
            entity_info.setdefault(span.key, {})["aliases"] = [alias for alias in note.split("|") if alias]
        elif body[0] == "Speaker":
            span.info["speaker_text"] = note
        elif body[0] == "SpeakerEntity":
            parts = note.split("|", 2)
            if len(parts) != 3:
                raise FormatError(ann, number, "a SpeakerEntity note is ENTITY_ID|LABEL|NAME")
            span.info["speaker_entity"] = _checked(ann, number, "speaker_entity", {"entity_id": parts[0], "label": parts[1], "name": parts[2]})
        else:
            graph.unsupported[f"brat notes of type {body[0]}"] += 1
