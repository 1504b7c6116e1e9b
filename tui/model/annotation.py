"""Annotations: entity mentions and claims anchored to a document by position and quote."""

from __future__ import annotations

import sys
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from operator import itemgetter

# Claim types and verdicts are named where annotations are, for the code that shows and edits them.
from tui.model.claims import CLAIM_CHECKS, CLAIM_TYPES, SPAN_ATTRS, SPAN_LIST_ATTRS, VERDICTS, spans_outside  # noqa: F401
from tui.model.fields import Problem, checked, kind_of, offset_problem, one_of, optional, text_problem, texts_problem

ENTITY = "entity"
CLAIM = "claim"
NOTE = "note"
KINDS = (ENTITY, CLAIM, NOTE)

SUGGESTED = "suggested"
ACCEPTED = "accepted"
REJECTED = "rejected"
STATUSES = (ACCEPTED, SUGGESTED, REJECTED)

# Where an annotation stands on its document's text: where it was made (or the diff put it),
# moved to another copy of its quote, or placed nowhere (an orphan keeps its old offsets).
ANCHORED = "anchored"
MOVED = "moved"
ORPHAN = "orphan"
ANCHORS = (ANCHORED, MOVED, ORPHAN)

# The annotator whose work in a team database is the lead's adjudicated version (`postil merge`).
CURATION = "curation"

QUOTE_CONTEXT = 32


def plain_copy(value):
    """A deep copy of JSON-like data (dicts, lists, scalars), much faster than ``copy.deepcopy``."""
    if isinstance(value, dict):
        return {key: plain_copy(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_copy(item) for item in value]
    return value


def now_iso() -> str:
    """The current UTC time as an ISO 8601 string (what ``created``/``updated`` hold)."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def new_id(prefix: str = "a") -> str:
    """A fresh random identifier."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


@dataclass(frozen=True, slots=True)
class Quote:
    """The text an annotation covers, with context on both sides (a W3C TextQuoteSelector)."""

    exact: str
    prefix: str
    suffix: str

    @classmethod
    def from_text(cls, text: str, start: int, end: int) -> Quote:
        """The quote of ``text[start:end]`` with up to 32 characters of context each side."""
        return cls(
            exact=text[start:end],
            prefix=text[max(0, start - QUOTE_CONTEXT) : start],
            suffix=text[end : end + QUOTE_CONTEXT],
        )


class TextQuote:
    """A :class:`Quote` that is its document's own text at its annotation's place, read from
    that text when asked for: a book's 100,000 quotes hold no copy of it. Equal to (and pickled
    as) the plain quote with the same three strings."""

    __slots__ = ("_text", "_start", "_end")

    def __init__(self, text: str, start: int, end: int) -> None:
        self._text, self._start, self._end = text, start, end

    @property
    def exact(self) -> str:
        return self._text[self._start : self._end]

    @property
    def prefix(self) -> str:
        return self._text[max(0, self._start - QUOTE_CONTEXT) : self._start]

    @property
    def suffix(self) -> str:
        return self._text[self._end : self._end + QUOTE_CONTEXT]

    def plain(self) -> Quote:
        """The same quote holding its three strings."""
        return Quote(self.exact, self.prefix, self.suffix)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (Quote, TextQuote)):
            return (self.exact, self.prefix, self.suffix) == (other.exact, other.prefix, other.suffix)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.plain())

    def __repr__(self) -> str:
        return repr(self.plain())

    def __reduce__(self):
        return (Quote, (self.exact, self.prefix, self.suffix))


def quoted_from(text: str, annotation: Annotation) -> None:
    """Let ``annotation`` read its quote from ``text`` when the quote is that text's own at its
    place (as made by :meth:`Quote.from_text`); any other quote keeps its strings."""
    quote, start, end = annotation.quote, annotation.start, annotation.end
    if quote.__class__ is Quote and start.__class__ is int and end.__class__ is int and 0 <= start < end <= len(text):
        before = max(0, start - QUOTE_CONTEXT)
        exact, prefix, suffix = quote.exact, quote.prefix, quote.suffix
        if (len(exact) == end - start and len(prefix) == start - before and len(suffix) == min(QUOTE_CONTEXT, len(text) - end)
                and text.startswith(exact, start) and text.startswith(prefix, before) and text.startswith(suffix, end)):
            annotation.quote = TextQuote(text, start, end)


class SharedAttrs(dict):
    """The attributes of many annotations at once (an entity's mentions, which name only it):
    one read-only dict for them all. Attributes are changed by making new ones, never in place."""

    __slots__ = ()

    def _read_only(self, *args, **kwargs):
        raise TypeError("shared annotation attributes are read-only: change a copy")

    __setitem__ = __delitem__ = __ior__ = clear = pop = popitem = setdefault = update = _read_only

    def __reduce__(self):
        return (SharedAttrs, (dict(self),))


_shared: dict[object, SharedAttrs] = {}
_SHARED_LIMIT = 10_000


def shared_attrs(attrs: dict) -> dict:
    """``attrs`` as an annotation keeps them: no attributes, or only an entity's id, as one
    read-only dict shared with the others that have the same; anything else as a copy."""
    if not attrs:
        key: object = None
    elif len(attrs) == 1 and attrs.get("entity_id").__class__ is str:
        key = attrs["entity_id"]
    else:
        return dict(attrs)
    found = _shared.get(key)
    if found is None:
        if len(_shared) >= _SHARED_LIMIT:
            _shared.clear()
        found = _shared[key] = SharedAttrs(attrs)
    return found


@dataclass(slots=True)
class Annotation:
    """One stored annotation: an entity mention, a claim or a note on a span of a document.

    (Slotted, its few repeated values shared: a book holds 100,000 of them.)
    """

    doc_id: str
    kind: str
    label: str
    start: int
    end: int
    quote: Quote
    status: str = ACCEPTED
    origin: str = "user"
    annotator: str = ""
    id: str = field(default_factory=new_id)
    created: str = field(default_factory=now_iso)
    updated: str = ""
    attrs: dict = field(default_factory=dict)
    anchor: str = "anchored"

    @classmethod
    def on_text(cls, doc_id: str, text: str, kind: str, label: str, start: int, end: int, **fields) -> Annotation:
        """An annotation of ``text[start:end]`` with its quote taken from ``text``."""
        if not 0 <= start < end <= len(text):
            raise ValueError(f"span {start}-{end} is outside a text of {len(text)} characters")
        return cls(doc_id=doc_id, kind=kind, label=label, start=start, end=end, quote=Quote.from_text(text, start, end), **fields)

    @property
    def is_entity(self) -> bool:
        """True for an entity mention."""
        return self.kind == ENTITY

    @property
    def is_claim(self) -> bool:
        """True for a claim."""
        return self.kind == CLAIM

    @property
    def visible(self) -> bool:
        """Rejected suggestions and orphans are kept but not drawn on the text."""
        return self.status != REJECTED and self.anchor != "orphan"

    def to_record(self) -> dict:
        """The annotation as a plain dict for the store (sharing nothing mutable with it)."""
        record = {name: getattr(self, name) for name in _FIELDS}
        quote = self.quote
        record["quote"] = {"exact": quote.exact, "prefix": quote.prefix, "suffix": quote.suffix}
        record["attrs"] = plain_copy(self.attrs)
        return record

    @classmethod
    def from_record(cls, record: dict) -> Annotation:
        """Rebuild an annotation from a stored dict (unknown keys are ignored, missing optional
        ones take their defaults). The values every annotation of a document repeats (its
        document, kind, label, status, times) are shared, not held once per annotation."""
        if not _REQUIRED <= record.keys():
            raise KeyError(f"annotation record lacks {', '.join(sorted(_REQUIRED.difference(record)))}")
        values = {**_DEFAULTS, **{name: record[name] for name in _FIELDS if name in record}}
        for name in _SHARED:
            value = values[name]
            if value.__class__ is str:
                values[name] = sys.intern(value)
        stored = record["quote"]
        values["quote"] = Quote(stored["exact"], stored["prefix"], stored["suffix"])
        values["attrs"] = shared_attrs(record.get("attrs") or {})
        if "id" not in record:
            values["id"] = new_id()
        return cls(**values)


def compact_annotation(record: dict) -> Annotation | dict:
    """The annotation whose :meth:`~Annotation.to_record` gives back exactly ``record``, else
    ``record`` itself (a field missing or unknown, a quote or attributes of another shape):
    what a store keeps in memory instead of a book's 100,000 stored dicts."""
    quote = record.get("quote")
    if record.keys() == _FIELD_SET and quote.__class__ is dict and quote.keys() == _QUOTE_KEYS and record["attrs"].__class__ is dict:
        return Annotation.from_record(record)
    return record


_FIELDS = tuple(Annotation.__dataclass_fields__)
_FIELD_SET = frozenset(_FIELDS)
_REQUIRED = frozenset({"doc_id", "kind", "label", "start", "end", "quote"})
_DEFAULTS = {"status": ACCEPTED, "origin": "user", "annotator": "", "created": "", "updated": "", "anchor": ANCHORED, "attrs": None}


def _quote_problem(value: object) -> str | None:
    if not isinstance(value, dict) or value.keys() != _QUOTE_KEYS:
        shown = f"an object with {', '.join(sorted(value))}" if isinstance(value, dict) else kind_of(value)
        return f"must be an object with exact, prefix and suffix, not {shown}"
    for key, text in value.items():
        if not (type(text) is str and text.isascii()):  # (ASCII text needs no closer look)
            problem = text_problem(text)
            if problem:
                return f"{key} {problem}"
    return None


def _attrs_problem(value: object) -> str | None:
    return None if value is None or isinstance(value, dict) else f"must be an object, not {kind_of(value)}"


_QUOTE_KEYS = frozenset({"exact", "prefix", "suffix"})
# The stored fields of an annotation, each with its check (other keys are kept but never read).
_RECORD_CHECKS = {
    "id": text_problem, "doc_id": text_problem, "kind": one_of(KINDS), "label": text_problem,
    "start": offset_problem, "end": offset_problem, "quote": _quote_problem, "status": one_of(STATUSES),
    "origin": text_problem, "annotator": text_problem, "created": text_problem, "updated": text_problem,
    "anchor": one_of(ANCHORS), "attrs": _attrs_problem,
}
# What an annotation's attrs may hold: a claim's attributes, a note (any annotation's), and
# the entity a mention refers to.
_ATTR_CHECKS = {**CLAIM_CHECKS, "entity_id": optional(text_problem)}
# The fields a document's annotations share (its id, a few labels and statuses, the times of a
# few saves): a combination of their values found good once is not checked again, so opening a
# book's 100,000 annotations checks little more than their ids, offsets, quotes and attributes.
# (Only strings pass these checks, and a string equals no other kind of value: a number never
# matches a remembered combination; a list cannot be looked up, and a missing field is checked.)
_SHARED = ("doc_id", "kind", "label", "status", "origin", "annotator", "created", "updated", "anchor")
_shared_values = itemgetter(*_SHARED)
_OWN_CHECKS = {name: check for name, check in _RECORD_CHECKS.items() if name not in _SHARED}
_SPAN_NAMES = frozenset((*SPAN_ATTRS, *SPAN_LIST_ATTRS))
_good_shared: set[tuple] = set()
_GOOD_SHARED_LIMIT = 10_000


def annotation_problems(record: dict, text_length: int | None = None) -> list[Problem]:
    """``(field, reason)`` for each value of a stored annotation outside the data model (its
    attributes as ``attrs.NAME``): of the type Postil reads it as, in range (a string may hold
    anything: it is made safe where it is shown). With ``text_length``, a placed annotation's
    offsets and its claim spans must lie inside a text of that many characters (an orphan
    keeps offsets of an older text)."""
    try:
        shared = _shared_values(record)
        known = shared in _good_shared
    except (KeyError, TypeError):  # a field missing (checked in full), or a list or object where a string belongs
        shared, known = None, False
    problems = checked(record, _OWN_CHECKS if known else _RECORD_CHECKS)
    if shared is not None and not known and not any(name in _SHARED for name, _ in problems):
        if len(_good_shared) >= _GOOD_SHARED_LIMIT:
            _good_shared.clear()
        _good_shared.add(shared)
    if not _REQUIRED <= record.keys():
        problems[:0] = [(name, "is missing") for name in _FIELDS if name in _REQUIRED and name not in record]
    start, end = record.get("start"), record.get("end")
    placed = text_length is not None and record.get("anchor") != ORPHAN
    if type(start) is int and type(end) is int and 0 <= start and 0 <= end:
        if start >= end:
            problems.append(("offsets", f"{start}-{end} is not a span"))
        elif placed and end > text_length:
            problems.append(("offsets", f"{start}-{end} is outside the text ({text_length} characters)"))
    attrs = record.get("attrs")
    if attrs.__class__ is dict and attrs:
        found = checked(attrs, _ATTR_CHECKS)
        if placed and not _SPAN_NAMES.isdisjoint(attrs):
            found += spans_outside(attrs, text_length, {name for name, _ in found})
        if found:
            problems += [(f"attrs.{name}", reason) for name, reason in found]
    return problems


@dataclass(slots=True)
class Entity:
    """A canonical entity that mentions refer to (e.g. "Isedua Oribhabor" for "Oribhabor")."""

    doc_id: str
    name: str
    label: str
    entity_id: str = field(default_factory=lambda: new_id("e"))
    aliases: list[str] = field(default_factory=list)
    kb_id: str = ""
    annotator: str = ""  # whose entity it is in a team database ("" in one person's)

    def to_record(self) -> dict:
        """The entity as a plain dict for the store (no ``annotator`` when it has none); written
        out field by field, as ``asdict`` would, at a tenth of its cost (a batch of suggestions
        makes hundreds)."""
        record = {"doc_id": self.doc_id, "name": self.name, "label": self.label, "entity_id": self.entity_id,
                  "aliases": list(self.aliases), "kb_id": self.kb_id}
        if self.annotator:
            record["annotator"] = self.annotator
        return record

    @classmethod
    def from_record(cls, record: dict) -> Entity:
        """Rebuild an entity from a stored dict."""
        known = {name: record[name] for name in cls.__dataclass_fields__ if name in record}
        return cls(**known)


# The fields of an entity, each with its check; a stored entity has the first four.
ENTITY_CHECKS = {
    "entity_id": text_problem, "doc_id": text_problem, "name": text_problem, "label": text_problem,
    "aliases": texts_problem, "kb_id": text_problem, "annotator": text_problem,
}
STORED_ENTITY_FIELDS = ("entity_id", "doc_id", "name", "label")


def entity_problems(record: dict, required: tuple[str, ...] = STORED_ENTITY_FIELDS) -> list[Problem]:
    """``(field, reason)`` for each field of an entity record that is missing (of ``required``)
    or outside the data model."""
    return [(name, "is missing") for name in required if name not in record] + checked(record, ENTITY_CHECKS)


def speaker_identity(claim: Annotation, entities: dict[str, Entity]) -> tuple[str, str] | None:
    """What a claim's speaker is compared by across annotators: its entity's knowledge-base id
    (``""`` for none) and name, or the name as typed, trimmed and case-folded; None for no speaker."""
    speaker = claim.attrs.get("speaker")
    if not isinstance(speaker, str) or not speaker.strip():
        return None
    entity = entities.get(speaker)
    if entity is not None:
        return (entity.kb_id, entity.name.strip().casefold())
    return ("", speaker.strip().casefold())


def same_speaker(a: tuple[str, str] | None, b: tuple[str, str] | None) -> bool:
    """Two speakers (from :func:`speaker_identity`) are one: the same knowledge-base id when both
    have one, else the same name; no speaker is the same as no speaker only."""
    if a is None or b is None:
        return a is b
    return a[0] == b[0] if a[0] and b[0] else a[1] == b[1]
