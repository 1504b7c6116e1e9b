"""Who speaks through a cue: the verb's subject or agent, a name in apposition, a pronoun's
antecedent in the paragraphs before."""

from __future__ import annotations

from dataclasses import dataclass

from tui.nlp.rules.context import ParagraphContext, SpeakerRecord
from tui.nlp.rules.lexicon import (
    BODY_NOUNS,
    FEMALE_NAMES,
    FEMALE_WORDS,
    MALE_NAMES,
    MALE_WORDS,
    NEVER_SPEAKER_LABELS,
    PERSON_NOUNS,
    SOURCE_NOUNS,
    SPEAKER_LABELS,
)


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
    # For a pronoun: the earlier speaker or name it stands for, if one is found.
    resolved: SpeakerRecord | None = None


def speaker_of(context: ParagraphContext, verb) -> Speaker | None:
    """Who speaks through ``verb``, if found.

    The subject of the verb (also when inverted: "said Isedua Oribhabor", or parsed as its
    object: '"...," added KCNA'), the agent of a passive, or the subject of the verb it is
    coordinated with; a role in apposition is kept. Of several subjects the model gives one verb
    ("Facebook co-founder Mark Zuckerberg"), a name wins, then the one nearest the verb.
    """
    seen = set()
    cue = verb
    while verb is not None and verb.i not in seen:
        seen.add(verb.i)
        subjects = [child for child in verb.children if child.dep_ in ("nsubj", "csubj")]
        if subjects:
            named = [s for s in subjects if context.entity_covering(s) is not None]
            return noun_phrase_speaker(context, (named or subjects)[-1])
        for child in verb.children:
            if child.dep_ == "agent":
                objects = [c for c in child.children if c.dep_ == "pobj"]
                if objects:
                    return noun_phrase_speaker(context, objects[0])
        if verb is cue:
            inverted = _inverted_subject(context, verb)
            if inverted is not None:
                return noun_phrase_speaker(context, inverted)
        verb = verb.head if verb.dep_ in ("conj", "xcomp", "advcl", "ccomp", "relcl") and verb.head.i != verb.i else None
    return None


def _inverted_subject(context: ParagraphContext, verb):
    """The speaker the model parsed as an object of a verb after a quote ('"...," added KCNA'):
    the phrase right after the verb, when the verb follows the quote's closing mark (and maybe a
    comma) and the phrase names someone or a body that speaks."""
    doc = verb.doc
    before = [t.text for t in doc[max(0, verb.i - 2) : verb.i]]
    if not before or not (before[-1] in ('"', "'") or before[-2:] in (['"', ","], ["'", ","])):
        return None
    for child in verb.children:
        if child.dep_ in ("dobj", "attr", "npadvmod", "oprd") and child.left_edge.i == verb.i + 1:
            if context.entity_covering(child) is not None or child.lemma_.lower() in SOURCE_NOUNS:
                return child
    return None


def noun_phrase_speaker(context: ParagraphContext, head) -> Speaker | None:
    """The speaker a subject names: an entity in it or in apposition, a pronoun's antecedent, or
    its text; ``None`` for a date, a number or a product, which never speak."""
    doc = context.doc
    pronoun = head.lower_
    partitive = any(c.dep_ == "prep" and c.lower_ == "of" for c in head.children)  # "one of them"
    if (head.ent_type_ in NEVER_SPEAKER_LABELS or head.like_num or head.text in context.state.products) and not partitive:
        return None
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
    return Speaker(phrase.start_char, phrase.end_char, phrase.text, label=_kind_of_noun(head))


def _kind_of_noun(head) -> str:
    """What a pronoun may later stand for this unnamed speaker: "ORG" for a body ("the police
    force": it), "PERSON" for a person ("the lawyer": he or she), "GROUP" for people in the
    plural ("the researchers": they); "" for anything else."""
    lemma = head.lemma_.lower()
    if head.tag_ == "NN" and lemma in BODY_NOUNS:
        return "ORG"
    if head.tag_ == "NN" and lemma in PERSON_NOUNS:
        return "PERSON"
    if head.tag_ == "NNS" and lemma in SOURCE_NOUNS:
        return "GROUP"
    return ""


# Which labels each pronoun can stand for.
_PRONOUN_LABELS = {
    "he": ("PERSON",), "she": ("PERSON",), "him": ("PERSON",), "her": ("PERSON",),
    "it": ("ORG", "GPE", "NORP"), "they": ("GROUP",),
}


def _antecedent(context: ParagraphContext, pronoun) -> SpeakerRecord | None:
    """What a pronoun speaker stands for: the last compatible subject before it in its paragraph,
    else the last speaker with a compatible label in this or the previous paragraph, else the
    nearest compatible name mentioned before it there (by label, in order); ``None`` when there is
    none (the speaker stays unresolved). A person known to be a woman is not "he", nor a man "she"."""
    labels = _PRONOUN_LABELS.get(pronoun.lower_)
    if labels is None:
        return None
    state, at = context.state, context.base + pronoun.idx
    wrong = _PRONOUN_EXCLUDES.get(pronoun.lower_)

    def fits(record: SpeakerRecord) -> bool:
        return record.label in labels and (wrong is None or gender_of(record.text, state) != wrong)

    subject = next((r for r in _subjects_before(context, pronoun) if fits(r)), None)
    if subject is not None:
        return subject
    recent = next((r for r in _nearby(state.speakers, state.paragraph) if fits(r) and r.end <= at), None)
    if recent is not None:
        return recent
    for label in labels:  # an organisation before a place: "Acme closed a plant in Ohio. It said ..."
        mention = next((m for m in _nearby(state.mentions, state.paragraph) if m.label == label and fits(m) and m.end <= at), None)
        if mention is not None:
            return mention
    return None


def _nearby(records: list[SpeakerRecord], paragraph: int):
    """The records of this paragraph and the one before, last first: the lists are in document
    order, so a book's earlier records are never looked at."""
    for record in reversed(records):
        if paragraph - record.paragraph > 1:
            return
        yield record


# The gender a pronoun rules out.
_PRONOUN_EXCLUDES = {"he": "f", "him": "f", "she": "m", "her": "m"}


def gender_of(name: str, state) -> str | None:
    """"f" or "m" when a person's name tells it (a title, a first name in the word lists, or the
    same surname met with one before), else ``None``."""
    words = [w.strip(".,").lower() for w in name.split()]
    if not words:
        return None
    if words[0] in FEMALE_WORDS or words[0] in FEMALE_NAMES:
        return "f"
    if words[0] in MALE_WORDS or words[0] in MALE_NAMES:
        return "m"
    return state.genders.get(words[-1])


def learn_genders(context: ParagraphContext) -> None:
    """Remember the gender of each person named in the paragraph whose first name or title tells
    it ("Ms Bauchtman", "Helen Marsh"), by surname, for when the surname comes alone."""
    doc, state = context.doc, context.state
    for span in context.ents:
        words = span.text.split()
        if span.label_ != "PERSON" or not words:
            continue
        title = doc[span.start - 1].lower_.strip(".") if span.start > 0 else ""
        if title in FEMALE_WORDS or title in MALE_WORDS:
            gender = "f" if title in FEMALE_WORDS else "m"
        else:
            gender = gender_of(span.text, state) if len(words) > 1 else None
        if gender is not None:
            state.genders.setdefault(words[-1].lower(), gender)

def _subjects_before(context: ParagraphContext, pronoun):
    """The subjects outside quotes before ``pronoun`` in its paragraph, last first, that a
    pronoun may stand for: names with a speaker label and unnamed sources ("Mark Hollis, 41,
    said ... '...,' he said": Mark Hollis)."""
    for token in reversed(context.doc[: pronoun.i]):
        if token.dep_ != "nsubj" or token.pos_ == "PRON" or context.inside(token):
            continue
        named = context.entity_covering(token)
        known = _known_label(context, token.text) if named is None else ""
        if named is not None and named.text not in context.state.products:
            start, end, label, text = named.start_char, named.end_char, named.label_, named.text
        elif known:  # a name met before that the model does not see here ("Rathbun requested ...")
            start, end, label, text = token.idx, token.idx + len(token.text), known, token.text
        elif named is None and _kind_of_noun(token):
            phrase = context.doc[token.left_edge.i : token.i + 1]
            start, end, label, text = phrase.start_char, phrase.end_char, _kind_of_noun(token), phrase.text
        else:
            continue
        yield SpeakerRecord(context.base + start, context.base + end, label, text, context.state.paragraph)

def _known_label(context: ParagraphContext, text: str) -> str:
    """The label of the last name met in the document that is ``text`` or, for a person, ends with
    it; "" for none."""
    return context.state.names.get(text, "")


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
    state = context.state
    if speaker.resolved is not None:
        resolved = speaker.resolved
        claim["speaker_resolved"] = [resolved.start, resolved.end]
        if resolved.text:
            claim["speaker_text"] = resolved.text  # what names the speaker when no entity is there ("the police force")
        # The antecedent speaks again here, so the next pronoun may stand for it too.
        state.speakers.append(SpeakerRecord(resolved.start, resolved.end, resolved.label, resolved.text, state.paragraph))
    elif speaker.label and not speaker.earlier:
        start, end = context.base + speaker.start, context.base + speaker.end
        state.speakers.append(SpeakerRecord(start, end, speaker.label, speaker.text, state.paragraph))
