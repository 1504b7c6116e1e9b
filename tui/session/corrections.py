"""Propagating a correction: the user's label suggested at every other occurrence of the same text.

The occurrences of a text never change in a session (the text does not), so they are found
once; which of them still lack an accepted mention is kept up to date as mentions are accepted
or removed, so that correcting a name in a long text skips the thousands already accepted.
"""

from __future__ import annotations

from dataclasses import replace

from tui.model.annotation import ENTITY, SUGGESTED, Annotation, Entity, now_iso
from tui.model.mentions import find_mentions
from tui.session.index import AnnotationIndex
from tui.store.records import GAZETTEER, Change


def gazetteer_change(text: str, label: str) -> Change:
    """The correction to remember for every document: ``text`` is a ``label``."""
    key = f"{label}\t{text}"
    return Change(GAZETTEER, key, {"key": key, "text": text, "label": label})


class Corrections:
    """Where each corrected text occurs in ``text``, and what propagating a correction suggests
    among the annotations of ``index`` (whose accepted mentions it follows from now on)."""

    def __init__(self, text: str, index: AnnotationIndex) -> None:
        self.text = text
        self._occurrences: dict[str, frozenset[tuple[int, int]]] = {}
        self._unaccepted: dict[str, set[tuple[int, int]]] = {}
        index.on_accepted_mention = self._accepted_mention_changed  # (holding no index: no cycle)

    def occurrences(self, text: str) -> frozenset[tuple[int, int]]:
        """Every whole-word ``[start, end)`` of ``text`` in the document, found once and kept.

        Safe to call from a worker thread to find them ahead of time (the document's text is
        immutable and the cache is filled by one assignment).
        """
        found = self._occurrences.get(text)
        if found is None:
            found = self._occurrences[text] = frozenset(find_mentions(self.text, text))
        return found

    def unaccepted(self, index: AnnotationIndex, text: str) -> set[tuple[int, int]]:
        """The occurrences of ``text`` without an accepted mention in ``index`` (worked out once,
        then kept up to date)."""
        unaccepted = self._unaccepted.get(text)
        if unaccepted is None:
            accepted = index.accepted_entities
            unaccepted = self._unaccepted[text] = {span for span in self.occurrences(text) if accepted[span] <= 0}
        return unaccepted

    def _accepted_mention_changed(self, text: str, span: tuple[int, int], accepted: bool) -> None:
        unaccepted = self._unaccepted.get(text)
        if unaccepted is None:
            return
        if accepted:
            unaccepted.discard(span)
        elif span in self.occurrences(text):
            unaccepted.add(span)

    def propagation(self, index: AnnotationIndex, corrected: Annotation, entity: Entity, annotator: str = "") -> list[Annotation]:
        """Suggestions of the corrected label at every other unannotated occurrence of its text.

        A model suggestion on the very same span takes the user's label (the correction wins);
        a span annotated otherwise, or where this label was rejected, is left alone.
        """
        suggestions = []
        for start, end in sorted(self.unaccepted(index, corrected.quote.exact)):
            if (start, end) == (corrected.start, corrected.end):
                continue
            overlapping = [a for a in index.index.overlapping(start, end) if a.is_entity]
            if len(overlapping) == 1 and overlapping[0].status == SUGGESTED and (overlapping[0].start, overlapping[0].end) == (start, end) and overlapping[0].label != corrected.label:
                suggestion = overlapping[0]
                suggestions.append(replace(suggestion, label=corrected.label, updated=now_iso(), attrs={**suggestion.attrs, "entity_id": entity.entity_id}))
                continue
            if overlapping or index.rejected[(start, end, corrected.label)] > 0:
                continue
            suggestions.append(
                Annotation.on_text(
                    corrected.doc_id, self.text, ENTITY, corrected.label, start, end,
                    status=SUGGESTED, origin="user-correction", annotator=annotator,
                    attrs={"entity_id": entity.entity_id},
                )
            )
        return suggestions
