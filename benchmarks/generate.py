"""Generated prose for size benchmarks and tests: N words in paragraphs, one span per 10 words."""

from __future__ import annotations

import random

from tui.model.annotation import Annotation, Entity
from tui.model.document import Document

WORDS = (
    "the council said on Monday that its budget for the new bridge would rise by twenty percent "
    "after a review of costs officials told reporters while critics argued that the plan ignored "
    "residents in the northern districts and a spokesperson for the mayor declined to comment"
).split()
NAMES = ["Amara Okafor", "Lena Fischer", "Hiroshi Tanaka", "Acme Corp", "Lagos", "Marseille", "Tuesday"]
LABELS = {"Amara Okafor": "PERSON", "Lena Fischer": "PERSON", "Hiroshi Tanaka": "PERSON", "Acme Corp": "ORG", "Lagos": "GPE", "Marseille": "GPE", "Tuesday": "DATE"}


def generate_text(words: int, seed: int = 7, paragraph_words: int = 120) -> tuple[str, list[tuple[int, int, str]]]:
    """Prose of about ``words`` words in paragraphs, and one named span every 10 words."""
    rng = random.Random(seed)
    parts: list[str] = []
    spans: list[tuple[int, int, str]] = []
    position = 0
    count = 0
    while count < words:
        sentence_words = []
        for _ in range(min(paragraph_words, words - count)):
            if count % 10 == 0:
                name = rng.choice(NAMES)
                sentence_words.append(name)
            else:
                sentence_words.append(rng.choice(WORDS))
            count += 1
        joined = " ".join(sentence_words)
        paragraph = joined[:1].upper() + joined[1:] + "."
        offset = 0
        for word in sentence_words:
            offset = paragraph.lower().index(word.lower(), offset)
            if word in LABELS:
                spans.append((position + offset, position + offset + len(word), LABELS[word]))
            offset += len(word)
        parts.append(paragraph)
        position += len(paragraph) + 2
    return "\n\n".join(parts), spans


def generated_document(words: int) -> tuple[Document, list[Annotation], list[Entity]]:
    """A document of ``words`` words with its accepted entity annotations and entities."""
    text, spans = generate_text(words)
    document = Document(text, f"Generated prose, {words} words", f"generated:{words}")
    entities = {name: Entity(document.doc_id, name, label, entity_id=f"e-gen-{i}") for i, (name, label) in enumerate(LABELS.items())}
    annotations = [
        Annotation.on_text(document.doc_id, text, "entity", label, start, end, id=f"g-{n}", created="2026-01-01T00:00:00+00:00",
                           attrs={"entity_id": entities[text[start:end]].entity_id})
        for n, (start, end, label) in enumerate(spans)
    ]
    return document, annotations, list(entities.values())
