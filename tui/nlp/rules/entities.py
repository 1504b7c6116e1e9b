"""Model entity spans as records, trimmed to the name: no leading "the", possessive or role."""

from __future__ import annotations

import re
from collections import Counter

from tui.nlp.rules.headlines import HEADLINE_VERBS
from tui.nlp.rules.lexicon import COUNTRY_ACRONYMS, ENTITY_LABELS, FACILITY_WORDS, ROLE_WORDS

_WEEKDAYS_MONTHS = re.compile(
    r"(?i)\b(mon|tues|wednes|thurs|fri|satur|sun)day|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|\d"
    r"|\b(year|month|week|day|decade|century|today|yesterday|tomorrow|season|spring|summer|autumn|fall|winter)s?\b"
)
_LEADING_ARTICLE = re.compile(r"^(the|The)\s+")
# "just two days", "about 500 miles": the hedge is not part of the date or amount.
_LEADING_HEDGE = re.compile(r"^(just|about|nearly|almost|only|some|around|roughly|approximately|over|under)\s+", re.IGNORECASE)
_PRODUCT_KINDS = r"(?:software|app|application|platform|tool|system|service|device|drug|vaccine|browser|chatbot|program|programme)"
# "its facial recognition software, Rekognition" and "Rekognition and other recognition software": a name
# said to be a kind of product is a PRODUCT wherever it appears in the document.
_PRODUCT_NAMED = re.compile(rf"\b{_PRODUCT_KINDS}s?,?\s+(?:called\s+|named\s+|dubbed\s+)?([A-Z][\w-]*[a-z][\w-]*)\b")
_PRODUCT_AMONG = re.compile(rf"\b([A-Z][\w-]*[a-z][\w-]*)\s+(?:and|or)\s+other\s+(?:[\w-]+\s+){{0,3}}{_PRODUCT_KINDS}s?\b")
_POSSESSIVE_END = re.compile(r"\s*'s?$")


_LOWERCASE_WORD = re.compile(r"\b[a-z][a-z-]*\b")


def common_words(text: str) -> set[str]:
    """The words the text writes in lower case somewhere: one of them capitalised alone
    ("Iodine" opening a sentence) is a common noun, not a person's name."""
    return set(_LOWERCASE_WORD.findall(text))


def product_names(text: str) -> set[str]:
    """Names the text itself calls a product ("software, Rekognition"), found before parsing."""
    return {m.group(1) for pattern in (_PRODUCT_NAMED, _PRODUCT_AMONG) for m in pattern.finditer(text)}


def entity_record(span, base: int, products: frozenset[str] | set[str] = frozenset(), common: frozenset[str] | set[str] = frozenset()) -> list | None:
    """``[start, end, label]`` of a model entity, trimmed of a leading "the", a hedge ("just two
    days") and a possessive; a name the document calls a product is a PRODUCT, and a lone word it
    also writes in lower case (``common``) is no person."""
    label = span.label_
    if label not in ENTITY_LABELS:
        return None
    start, end = span.start_char, span.end_char
    text = span.text
    if label in ("DATE", "CARDINAL", "QUANTITY", "MONEY", "PERCENT"):
        hedge = _LEADING_HEDGE.match(text)
        if hedge and len(text) > hedge.end():
            start += hedge.end()
            text = text[hedge.end() :]
    if label != "WORK_OF_ART":
        article = _LEADING_ARTICLE.match(text)
        if article and len(text) > article.end():
            start += article.end()
            text = text[article.end() :]
    possessive = _POSSESSIVE_END.search(text)
    if possessive and possessive.start() > 0:
        end -= len(text) - possessive.start()
        text = text[: possessive.start()]
    if label in ("ORG", "PERSON", "GPE", "NORP"):
        # "Biden Vows To Rebuild Alliances" in a title-case headline: the name ends before the verb.
        words = text.split(" ")
        verb = next((i for i, word in enumerate(words[1:], start=1) if word in HEADLINE_VERBS), None)
        if verb is not None:
            kept = " ".join(words[:verb])
            end -= len(text) - len(kept)
            text = kept
        # "Mozilla Fellow", "Acme spokesperson": the role is not part of the name.
        words = text.split(" ")
        if len(words) > 1 and words[-1].lower() in ROLE_WORDS:
            end -= len(words[-1]) + 1
            text = text[: -(len(words[-1]) + 1)]
    text_stripped = text.rstrip(" ,;:-")
    end -= len(text) - len(text_stripped)
    text = text_stripped
    if not text or not any(ch.isalnum() for ch in text):
        return None
    if label == "DATE" and not _WEEKDAYS_MONTHS.search(text):
        return None  # e.g. "Annual" in "Annual General Meeting"
    if text in products and label != "DATE":
        label = "PRODUCT"
    label = _place_label(span, text, label)
    if label == "PERSON" and " " not in text and text.lower() in common:
        return None  # "Iodine is added to ..." where the text speaks of iodine

    return [base + start, base + end, label]


def _place_label(span, text: str, label: str) -> str:
    """The label of a place the small model calls something else: a country's acronym ("DPRK") is a
    GPE, a station, airport, bridge or street a FAC, and an organisation named before ", <place>"
    ending the phrase ("Irving, Texas, ...") a GPE."""
    if text in COUNTRY_ACRONYMS and label in ("ORG", "NORP", "PERSON"):
        return "GPE"
    if label == "ORG" and text.split()[-1] in FACILITY_WORDS:
        return "FAC"
    doc = span.doc
    if label == "ORG" and span.end + 1 < len(doc) and doc[span.end].text == "," and doc[span.end + 1].ent_iob_ == "B" and doc[span.end + 1].ent_type_ == "GPE":
        place_end = span.end + 2
        while place_end < len(doc) and doc[place_end].ent_iob_ == "I":
            place_end += 1
        if place_end == len(doc) or doc[place_end].is_punct:
            return "GPE"
    return label


def vote_labels(entities: list[list], text: str, base: int, votes: dict[str, Counter]) -> None:
    """Relabel each named mention with the label the document has given its name most often so far,
    this mention included, the earliest of them on a tie: a name labelled PERSON twice is not an ORG
    the third time. Dates and amounts are left as they are."""
    for entity in entities:
        start, end, label = entity
        if label in ("DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"):
            continue
        counts = votes.setdefault(text[start - base : end - base], Counter())
        counts[label] += 1
        entity[2] = counts.most_common(1)[0][0]  # ties keep the order labels were first given
