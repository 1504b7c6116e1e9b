"""Who speaks through a cue: the verb's subject or agent, a name in apposition, a pronoun's
antecedent in the paragraphs before."""

from __future__ import annotations

from dataclasses import dataclass

from tui.nlp.rules.context import ParagraphContext
from tui.nlp.rules.lexicon import SPEAKER_LABELS


@dataclass(frozen=True)
class Speaker:
    """A speaker's span and text with a role in apposition; offsets are the paragraph's, or the
    document's when ``earlier`` (a name in a paragraph before this one, whose text is not kept)."""

    start: int
    end: int
    text: str
    role: str = ""
    earlier: bool = False
    label: str = ""
    # For a pronoun: the document span of the name it stands for, if one is found.
    resolved: tuple[int, int] | None = None


def speaker_of(context: ParagraphContext, verb) -> Speaker | None:
    """Who speaks through ``verb``, if found.

    The subject of the verb (also when inverted: "said Isedua Oribhabor"), the agent of a
    passive, or the subject of the verb it is coordinated with; a role in apposition is kept.
    """
    seen = set()
    while verb is not None and verb.i not in seen:
        seen.add(verb.i)
        for child in verb.children:
            if child.dep_ in ("nsubj", "csubj"):
                return noun_phrase_speaker(context, child)
        for child in verb.children:
            if child.dep_ == "agent":
                objects = [c for c in child.children if c.dep_ == "pobj"]
                if objects:
                    return noun_phrase_speaker(context, objects[0])
        verb = verb.head if verb.dep_ in ("conj", "xcomp", "advcl", "ccomp", "relcl") and verb.head.i != verb.i else None
    return None


def noun_phrase_speaker(context: ParagraphContext, head) -> Speaker:
    """The speaker a subject names: an entity in it or in apposition, a pronoun's antecedent, or its text."""
    doc = context.doc
    pronoun = head.lower_
    if head.pos_ == "PRON":
        if pronoun in ("who", "that", "which") and head.head.dep_ == "relcl" and head.head.head.i != head.i:
            return noun_phrase_speaker(context, head.head.head)  # "X, who told ...": X
        return Speaker(head.idx, head.idx + len(head.text), head.text, resolved=_antecedent(context, head))
    appositions = [c for c in head.children if c.dep_ == "appos"]
    own = context.entity_covering(head)
    if own is not None:
        role = " ".join(_phrase_with_entities(context, a).text for a in appositions)
        return Speaker(own.start_char, own.end_char, own.text, role, label=own.label_)
    phrase = doc[head.left_edge.i : head.i + 1]
    for apposition in appositions:
        named = entity_in(context, apposition)
        if named is not None:
            return Speaker(named.start_char, named.end_char, named.text, phrase.text, label=named.label_)
    # "the chief economist at Acme Bank, Jane Doe": a person anywhere in the phrase is the speaker.
    named = entity_in(context, head, labels=("PERSON",)) or entity_in(context, head, stop_at={"relcl", "appos", "acl", "prep"})
    if named is not None:
        role = doc[head.left_edge.i : named.start].text.strip(" ,")
        return Speaker(named.start_char, named.end_char, named.text, role, label=named.label_)
    return Speaker(phrase.start_char, phrase.end_char, phrase.text)


# Which entity labels each pronoun can stand for.
_PRONOUN_LABELS = {"he": ("PERSON",), "she": ("PERSON",), "him": ("PERSON",), "her": ("PERSON",), "it": ("ORG", "GPE", "NORP")}


def _antecedent(context: ParagraphContext, pronoun) -> tuple[int, int] | None:
    """The document span of the name a pronoun speaker stands for: the last speaker with a
    compatible label in this or the previous paragraph, else the nearest compatible mention
    before it there (by label, in order); ``None`` when there is none (the speaker stays unresolved)."""
    labels = _PRONOUN_LABELS.get(pronoun.lower_)
    if labels is None:
        return None
    state, at = context.state, context.base + pronoun.idx
    recent = [s for s in state.speakers if s[2] in labels and s[1] <= at and state.paragraph - s[3] <= 1]
    if recent:
        return recent[-1][0], recent[-1][1]
    for label in labels:  # an organisation before a place: "Acme closed a plant in Ohio. It said ..."
        mentions = [m for m in state.mentions if m[2] == label and m[1] <= at and state.paragraph - m[3] <= 1]
        if mentions:
            return mentions[-1][0], mentions[-1][1]
    return None


def _phrase_with_entities(context: ParagraphContext, head):
    """``head``'s subtree, extended to the end of an entity it cuts ("at Access" + "Now")."""
    end = head.right_edge.i + 1
    for span in context.ents:
        if span.start < end < span.end:
            end = span.end
    return context.doc[head.left_edge.i : end]


def entity_in(context: ParagraphContext, head, stop_at: set[str] | None = None, labels: tuple[str, ...] = SPEAKER_LABELS):
    """The first entity within ``head``'s subtree with the earliest of ``labels`` (PERSON first)."""
    tokens = []
    stack = [head]
    while stack:
        token = stack.pop()
        tokens.append(token)
        stack.extend(c for c in token.children if not stop_at or c.dep_ not in stop_at)
    found = [context.entity_covering(t) for t in tokens]
    found = [span for span in found if span is not None]
    for label in labels:
        for span in sorted(found, key=lambda s: s.start):
            if span.label_ == label:
                return span
    return None


def set_speaker(claim: dict, speaker: Speaker | None, context: ParagraphContext) -> None:
    """Record a speaker on a raw claim, its span made absolute; a pronoun keeps its own span and
    the name it stands for goes in ``speaker_resolved``."""
    if speaker is None:
        return
    if speaker.earlier:
        claim["speaker_span"] = [speaker.start, speaker.end]
        claim["speaker_text"] = ""
    else:
        claim["speaker_span"] = [context.base + speaker.start, context.base + speaker.end]
        claim["speaker_text"] = speaker.text
    claim["role"] = speaker.role
    if speaker.resolved is not None:
        claim["speaker_resolved"] = list(speaker.resolved)
    if speaker.label and not speaker.earlier:
        state = context.state
        state.speakers.append((context.base + speaker.start, context.base + speaker.end, speaker.label, state.paragraph))
