"""What every import and export format shares: selection, a span graph, losses and errors.

An export turns a document's annotations into a :class:`SpanGraph`: plain labelled spans
(entity mentions, claims, and the cue, content and speaker spans a claim points to) joined
by typed relations. Each format writes that graph in its own syntax and units; an import
parses a file back into graphs, and :func:`tui.formats.importing.plan_import` turns them into store records.
Everything that is not a span or a relation (verdicts, notes, entity names) rides in each
span's ``info`` dict, which formats store where they have room for it.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field

from tui.model.annotation import ACCEPTED, CLAIM, ENTITY, SUGGESTED, Annotation, Entity
from tui.model.display import display_text
from tui.model.document import Document, normalize_newlines
from tui.model.fields import quoted
from tui.model.tokens import tokenize
from tui.store.repository import Store

# The roles a span plays in a graph, and the relation types from a claim to its parts.
ROLE_ENTITY = "entity"
ROLE_CLAIM = "claim"
ROLE_CUE = "cue"
ROLE_CONTENT = "content"
ROLE_SPEAKER = "speaker"
PART_ROLES = (ROLE_CUE, ROLE_CONTENT, ROLE_SPEAKER)

# Labels the parts and claims are written with in formats that only have labels.
CLAIM_LABEL = "CLAIM"
PART_LABELS = {ROLE_CUE: "CUE", ROLE_CONTENT: "CONTENT", ROLE_SPEAKER: "SPEAKER"}
ROLE_OF_LABEL = {"CLAIM": ROLE_CLAIM, "CUE": ROLE_CUE, "CONTENT": ROLE_CONTENT, "SPEAKER": ROLE_SPEAKER}

CLAIM_FIELDS = ("claim_type", "verdict", "checkworthiness", "note", "evidence")


class FormatError(Exception):
    """A malformed input file: ``path:line: reason`` on one line.

    The message goes to a terminal and may quote the file (or name a file in a folder it
    was given): control characters in it are shown as placeholders, never sent raw.
    """

    def __init__(self, path: object, line: int, reason: str) -> None:
        super().__init__(display_text(f"{path}:{line}: {reason}"))
        self.path = str(path)
        self.line = line
        self.reason = reason


@dataclass
class Losses:
    """What an export or import could not carry, counted by reason, and notes on single items
    it carried short of what its readers need (both reported on stderr)."""

    counts: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)

    def add(self, reason: str, count: int = 1) -> None:
        """Count ``count`` items lost for ``reason``."""
        if count:
            self.counts[reason] += count

    def note(self, line: str) -> None:
        """Keep one line about one item (a ClaimReview that lacks what Google requires)."""
        self.notes.append(line)

    def lines(self) -> list[str]:
        """One human-readable line per reason, most frequent first."""
        return [f"{count} {reason}" for reason, count in self.counts.most_common()]

    def __bool__(self) -> bool:
        return bool(self.counts)


@dataclass
class ExportItem:
    """One document with the annotations chosen for export and the entities they use."""

    document: Document
    annotations: list[Annotation]
    entities: dict[str, Entity]


def select_for_export(store: Store, doc_ids: list[str], include_suggested: bool = False, losses: Losses | None = None,
                      annotator: str | None = None) -> list[ExportItem]:
    """The documents ``doc_ids`` with their accepted annotations (and suggestions if asked);
    with ``annotator``, only that annotator's annotations and the entities they name or own.

    Rejected suggestions are never exported: they are kept only so that the model does
    not suggest them again. Notes and orphans (annotations that lost their place in a
    changed text) have no span to export; they are counted in ``losses``. A malformed
    record of a document (a hand edit) raises StoreError naming it: nothing is exported.
    """
    wanted = {ACCEPTED, SUGGESTED} if include_suggested else {ACCEPTED}
    items = []
    for doc_id in doc_ids:
        document = store.document(doc_id)
        if document is None:
            raise KeyError(doc_id)
        chosen = [a for a in store.annotations(doc_id, len(document.text)) if a.status in wanted and annotator in (None, a.annotator)]
        annotations = [a for a in chosen if a.anchor != "orphan" and a.kind in (ENTITY, CLAIM)]
        if losses is not None:
            losses.add("orphaned annotations (their quote is no longer in the text)", sum(1 for a in chosen if a.anchor == "orphan"))
            losses.add("notes (only entities and claims are exported)", sum(1 for a in chosen if a.anchor != "orphan" and a.kind not in (ENTITY, CLAIM)))
        annotations.sort(key=lambda a: (a.start, -a.end, a.kind, a.label, a.id))
        entities = {entity.entity_id: entity for entity in store.entities(doc_id)}
        if annotator is not None:
            named = {a.attrs.get(key) for a in chosen for key in ("entity_id", "speaker")}
            entities = {key: e for key, e in entities.items() if e.annotator == annotator or (not e.annotator and key in named)}
        items.append(ExportItem(document, annotations, entities))
    return items


# The span graph


@dataclass
class Span:
    """A labelled span of a graph; ``info`` holds what is not position or label."""

    key: str
    start: int
    end: int
    label: str
    role: str
    info: dict = field(default_factory=dict)
    line: int = 0


@dataclass(frozen=True)
class Relation:
    """A claim (``head``) pointing at one of its parts (``child``), typed by the part's role."""

    head: str
    child: str
    type: str


@dataclass
class SpanGraph:
    """A document's text with its spans and relations, as written to or read from a file."""

    text: str
    title: str = ""
    source: str = ""
    spans: list[Span] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    doc_id: str = ""
    line: int = 0
    # The file the graph was read from, where it is not the path given to the import (brat folders).
    file: str = ""
    # True when the graph is one record of its file (a JSONL line, a DocBin doc): a bad value
    # anywhere in it leaves all of it out of a --partial import, not only the span holding it.
    one_record: bool = False
    # What the parser read but Postil has no place for, counted by reason (reported on import).
    unsupported: Counter = field(default_factory=Counter)

    def _index(self) -> None:
        """Build (or rebuild after spans or relations were added) the lookups by key."""
        size = (len(self.spans), len(self.relations))
        if self.__dict__.get("_indexed") == size:
            return
        self.__dict__["_by_key"] = {span.key: span for span in self.spans}
        outgoing: dict[str, list[Relation]] = {}
        for relation in self.relations:
            outgoing.setdefault(relation.head, []).append(relation)
        self.__dict__["_outgoing"] = outgoing
        self.__dict__["_indexed"] = size

    def span(self, key: str) -> Span | None:
        """The span with this key, if any."""
        self._index()
        return self.__dict__["_by_key"].get(key)

    def relations_from(self, key: str) -> list[Relation]:
        """The relations whose head is the span ``key``, in order."""
        self._index()
        return self.__dict__["_outgoing"].get(key, [])

    def parts_of(self, claim_key: str, role: str) -> list[Span]:
        """The spans a claim points at with relations of type ``role``."""
        children = [self.span(r.child) for r in self.relations_from(claim_key) if r.type == role]
        return [span for span in children if span is not None]


def entity_info(entity: Entity) -> dict:
    """An entity as carried in span info (its id keeps mentions of one entity together)."""
    return {"entity_id": entity.entity_id, "name": entity.name, "label": entity.label, "aliases": list(entity.aliases), "kb_id": entity.kb_id}


def graph_of(item: ExportItem) -> SpanGraph:
    """The span graph of an export item: annotations first (in order), then claim parts."""
    document = item.document
    graph = SpanGraph(text=document.text, title=document.title, source=document.source, doc_id=document.doc_id)
    mention_keys: dict[tuple[int, int, str], str] = {}
    for number, annotation in enumerate(item.annotations, start=1):
        key = f"s{number}"
        info = {"id": annotation.id, "status": annotation.status, "annotator": annotation.annotator}
        if annotation.is_entity:
            entity = item.entities.get(annotation.attrs.get("entity_id", ""))
            if entity is not None:
                info["entity"] = entity_info(entity)
                mention_keys.setdefault((annotation.start, annotation.end, entity.entity_id), key)
            graph.spans.append(Span(key, annotation.start, annotation.end, annotation.label, ROLE_ENTITY, info))
        else:
            for name in CLAIM_FIELDS:
                if name in annotation.attrs:
                    info[name] = annotation.attrs[name]
            info.setdefault("claim_type", annotation.label)
            speaker = annotation.attrs.get("speaker") or ""
            if speaker in item.entities:
                info["speaker_entity"] = entity_info(item.entities[speaker])
            elif speaker:
                info["speaker_text"] = speaker
            graph.spans.append(Span(key, annotation.start, annotation.end, CLAIM_LABEL, ROLE_CLAIM, info))
    by_id = {annotation.id: annotation for annotation in item.annotations}
    for claim in [span for span in graph.spans if span.role == ROLE_CLAIM]:
        annotation = by_id[claim.info["id"]]
        attrs = annotation.attrs
        parts: list[tuple[str, list[int], str | None]] = []
        if attrs.get("cue"):
            parts.append((ROLE_CUE, attrs["cue"], None))
        content = [list(piece) for piece in attrs.get("content") or []]
        if content and content != [[annotation.start, annotation.end]]:
            parts.extend((ROLE_CONTENT, piece, None) for piece in content)
        speaker_span = attrs.get("speaker_span")
        if speaker_span:
            mention = mention_keys.get((speaker_span[0], speaker_span[1], attrs.get("speaker") or ""))
            parts.append((ROLE_SPEAKER, speaker_span, mention))
        for role, (start, end), existing_key in parts:
            key = existing_key
            if key is None:
                key = f"s{len(graph.spans) + 1}"
                graph.spans.append(Span(key, start, end, PART_LABELS[role], role))
            graph.relations.append(Relation(claim.key, key, role))
    return graph


def role_for_label(label: str) -> str:
    """The role a bare label implies in a file written by another tool."""
    return ROLE_OF_LABEL.get(label.upper(), ROLE_ENTITY)


# Tokens and units


def split_tokens(text: str, boundaries: set[int] | None = None) -> list[tuple[int, int]]:
    """Postil's tokens of ``text``, further split at every offset in ``boundaries``.

    Splitting at span boundaries makes every span start and end on a token, so
    token-based formats (spaCy, Prodigy, CoNLL) carry spans exactly.
    """
    cuts = sorted(boundaries or ())
    tokens: list[tuple[int, int]] = []
    for token in tokenize(text):
        start = token.start
        index = bisect_left(cuts, start + 1)
        while index < len(cuts) and cuts[index] < token.end:
            tokens.append((start, cuts[index]))
            start = cuts[index]
            index += 1
        tokens.append((start, token.end))
    return tokens


def span_boundaries(graph: SpanGraph) -> set[int]:
    """Every start and end offset of the graph's spans."""
    return {offset for span in graph.spans for offset in (span.start, span.end)}


class UnitMap:
    """Converts Python string offsets (code points) to and from UTF-16 code units."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._wide = [index for index, char in enumerate(text) if ord(char) > 0xFFFF]
        # Where each wide character's pair of UTF-16 units ends.
        self._wide_ends16 = [index + number + 2 for number, index in enumerate(self._wide)]
        self.length16 = len(text) + len(self._wide)

    def to_utf16(self, offset: int) -> int:
        """The UTF-16 offset of a code point offset."""
        return offset + bisect_left(self._wide, offset)

    def from_utf16(self, offset: int) -> int | None:
        """The code point offset of a UTF-16 offset, or ``None`` inside a surrogate pair."""
        before = bisect_right(self._wide_ends16, offset)
        if before < len(self._wide_ends16) and self._wide_ends16[before] == offset + 1:
            return None
        return offset - before


def stable_hash(*parts: str) -> int:
    """A signed 32-bit hash of ``parts`` that is the same in every run (Prodigy-style)."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big", signed=True)


def check_span(path: object, line: int, text: str, start: object, end: object, what: str = "span") -> tuple[int, int]:
    """``(start, end)`` if they are integers inside ``text`` with start < end, else a FormatError."""
    if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) or isinstance(end, bool):
        raise FormatError(path, line, f"{what} offsets must be integers, got {quoted(start)}, {quoted(end)}")
    if not 0 <= start < end <= len(text):
        raise FormatError(path, line, f"{what} {start}-{end} is outside the text ({len(text)} characters) or empty")
    return start, end


def normalize_graph(graph: SpanGraph) -> SpanGraph:
    """The graph with ``\r\n`` and lone ``\r`` in its text made ``\n``, offsets moved to match.

    Postil stores texts with ``\n`` newlines only; a file written on Windows counts the
    ``\r`` of each ``\r\n``, so every offset after one moves back by one.
    """
    if "\r" not in graph.text:
        return graph
    removed = [index for index in range(len(graph.text) - 1) if graph.text[index] == "\r" and graph.text[index + 1] == "\n"]

    def moved(offset: int) -> int:
        """Where an offset of the \r\n text lands in the \n text."""
        return offset - bisect_left(removed, offset)

    for span in graph.spans:
        span.start, span.end = moved(span.start), moved(span.end)
    graph.text = normalize_newlines(graph.text)
    return graph
