"""Search: the hits of a query in the article text or in the annotations, and where ``n`` and
``N`` go from the cursor. No screen is needed: the annotate screen keeps a :class:`SearchState`
and shows what it says."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.model.tokens import TextIndex
    from tui.session.annotation_session import AnnotationSession

SCOPES = ("text", "annotations")
WHERE = ("this document", "every document")
Hit = tuple[int, int]


def text_hits(text: str, query: str) -> list[Hit]:
    """Every place ``query`` occurs in ``text``, ignoring case, in text order."""
    if not query.strip():
        return []
    return [(m.start(), m.end()) for m in re.finditer(re.escape(query), text, re.IGNORECASE)]


def entity_search_text(name: object, aliases: object, kb_id: object) -> str:
    """What a search for an entity looks in: its name, aliases and knowledge-base id, folded."""
    parts = [name, *(aliases if isinstance(aliases, list) else []), kb_id]
    return "\n".join(part for part in parts if isinstance(part, str)).casefold()


def annotation_matches(needle: str, label: object, attrs: object, is_claim: bool, entity_text: dict[str, str]) -> bool:
    """Whether an annotation's label, note, verdict or type, speaker, or entity (by
    ``entity_text``: id -> :func:`entity_search_text`) holds ``needle`` (folded). Fields that are
    not text are passed over (stored records are checked elsewhere, not here)."""
    attrs = attrs if isinstance(attrs, dict) else {}

    def text(value: object) -> str:
        return value.casefold() if isinstance(value, str) else ""

    if is_claim:
        speaker = attrs.get("speaker")
        fields = (entity_text.get(speaker) or text(speaker) if isinstance(speaker, str) else "", text(attrs.get("verdict")), text(attrs.get("claim_type")))
    else:
        entity_id = attrs.get("entity_id")
        fields = (entity_text.get(entity_id, "") if isinstance(entity_id, str) else "",)
    return needle in text(label) or needle in text(attrs.get("note")) or any(needle in field for field in fields)


def annotation_hits(session: AnnotationSession, query: str) -> list[Hit]:
    """The spans of visible annotations whose label, note, verdict or type, speaker, or entity
    (name, aliases, knowledge-base id) contains ``query``, ignoring case, in text order."""
    needle = query.casefold().strip()
    if not needle:
        return []
    # Each entity's searchable text, folded once per search rather than once per mention.
    entity_text = {key: entity_search_text(e.name, e.aliases, e.kb_id) for key, e in session.entities.items()}
    return [
        (annotation.start, annotation.end) for annotation in session.visible()
        if annotation_matches(needle, annotation.label, annotation.attrs, annotation.is_claim, entity_text)
    ]


@dataclass
class SearchState:
    """The last search: what was asked, where, its hits in text order and the one shown last."""

    query: str = ""
    scope: str = "text"
    where: str = WHERE[0]
    hits: tuple[Hit, ...] = ()
    position: int = -1  # the hit shown last; -1 before any

    def start(self, query: str, scope: str, hits: list[Hit], cursor: int) -> int | None:
        """Keep a new search and return the first hit at or after ``cursor`` (wrapping to the
        first), or ``None`` when there is no hit."""
        self.query, self.scope, self.hits = query, scope, tuple(hits)
        if not hits:
            self.position = -1
            return None
        self.position = next((n for n, (start, _) in enumerate(hits) if start >= cursor), 0)
        return self.position

    def step(self, step: int, cursor: int, text_index: TextIndex) -> int | None:
        """The next (``step`` 1) or previous (-1) hit, wrapping around: from the hit shown last
        while the cursor is still on it, else from the cursor. ``None`` before any hit."""
        hits, position = self.hits, self.position
        if not hits:
            return None
        token = text_index.token_at(hits[position][0]) if 0 <= position < len(hits) else None
        if token is not None and token.start <= cursor < max(token.end, hits[position][1]):
            position += step
        elif step > 0:
            position = next((n for n, (start, _) in enumerate(hits) if start > cursor), 0)
        else:
            position = next((n for n in range(len(hits) - 1, -1, -1) if hits[n][0] < cursor), len(hits) - 1)
        self.position = position % len(hits)
        return self.position

    def describe(self) -> str:
        """Which hit of how many is shown, for the status line."""
        return f"hit {self.position + 1}/{len(self.hits)} for “{self.query}” in the {self.scope}"
