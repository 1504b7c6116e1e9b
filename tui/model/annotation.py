"""Annotations: entity mentions and claims anchored to a document by position and quote."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone

ENTITY = "entity"
CLAIM = "claim"
NOTE = "note"

SUGGESTED = "suggested"
ACCEPTED = "accepted"
REJECTED = "rejected"

CLAIM_TYPES = ("quote", "reported", "assertion", "evidence")
VERDICTS = ("unverified", "true", "mostly-true", "mixed", "misleading", "false", "unsupported")

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


@dataclass(frozen=True)
class Quote:
    """The text an annotation covers, with context on both sides (a W3C TextQuoteSelector)."""

    exact: str
    prefix: str
    suffix: str

    @classmethod
    def from_text(cls, text: str, start: int, end: int) -> "Quote":
        """The quote of ``text[start:end]`` with up to 32 characters of context each side."""
        return cls(
            exact=text[start:end],
            prefix=text[max(0, start - QUOTE_CONTEXT) : start],
            suffix=text[end : end + QUOTE_CONTEXT],
        )


@dataclass
class Annotation:
    """One stored annotation: an entity mention, a claim or a note on a span of a document."""

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
    def on_text(cls, doc_id: str, text: str, kind: str, label: str, start: int, end: int, **fields) -> "Annotation":
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
    def from_record(cls, record: dict) -> "Annotation":
        """Rebuild an annotation from a stored dict (unknown keys are ignored, missing optional
        ones take their defaults). Filled in directly: a book's 100,000 spans load in a blink."""
        missing = _REQUIRED.difference(record)
        if missing:
            raise KeyError(f"annotation record lacks {', '.join(sorted(missing))}")
        annotation = cls.__new__(cls)
        values = {**_DEFAULTS, **{name: record[name] for name in _FIELDS if name in record}}
        values["quote"] = Quote(**record["quote"])
        values["attrs"] = dict(record.get("attrs") or {})
        if "id" not in record:
            values["id"] = new_id()
        annotation.__dict__.update(values)
        return annotation


_FIELDS = tuple(Annotation.__dataclass_fields__)
_REQUIRED = frozenset({"doc_id", "kind", "label", "start", "end", "quote"})
_DEFAULTS = {"status": ACCEPTED, "origin": "user", "annotator": "", "created": "", "updated": "", "anchor": "anchored"}


@dataclass
class Entity:
    """A canonical entity that mentions refer to (e.g. "Isedua Oribhabor" for "Oribhabor")."""

    doc_id: str
    name: str
    label: str
    entity_id: str = field(default_factory=lambda: new_id("e"))
    aliases: list[str] = field(default_factory=list)
    kb_id: str = ""

    def to_record(self) -> dict:
        """The entity as a plain dict for the store."""
        return asdict(self)

    @classmethod
    def from_record(cls, record: dict) -> "Entity":
        """Rebuild an entity from a stored dict."""
        known = {name: record[name] for name in cls.__dataclass_fields__ if name in record}
        return cls(**known)
