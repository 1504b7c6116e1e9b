"""Attributions whose content is not a clause: speech acts with a noun or prepositional phrase
("called for a ban", "accused him of fraud", "urged Congress to act", "denied the charges") and
intentions or commitments with a to-infinitive ("vowed to appeal", "plans to hold the contest").

Each needs a source as its subject (a name, a pronoun or a noun that can speak, such as
"officials"), since without one most of these verbs are not reports of speech.
"""

from __future__ import annotations

from tui.nlp.rules.checkworthiness import score
from tui.nlp.rules.context import ParagraphContext
from tui.nlp.rules.lexicon import SOURCE_NOUNS, SPEAKER_LABELS
from tui.nlp.rules.speakers import set_speaker, speaker_of

# Verb lemma -> what its content may be made of: "obj" a direct object, "to" a to-infinitive,
# a preposition its object ("for" in "called for a ban"); "obj+" an object only together with
# another part ("accused X of Y", "described X as Y", "urged X to Y").
SPEECH_ACTS: dict[str, set[str]] = {
    "call": {"for", "oprd"}, "urge": {"obj", "to"}, "accuse": {"obj+", "of"}, "charge": {"obj+", "with"},
    "deny": {"obj"}, "praise": {"obj", "for"}, "criticize": {"obj", "for"}, "criticise": {"obj", "for"},
    "cite": {"obj"}, "condemn": {"obj"}, "blame": {"obj", "for"}, "welcome": {"obj"}, "demand": {"obj", "to"},
    "request": {"obj"}, "propose": {"obj", "to"}, "reject": {"obj"}, "dismiss": {"obj"}, "endorse": {"obj"},
    "recommend": {"obj"}, "announce": {"obj"}, "ask": {"for", "obj+", "to"}, "describe": {"obj+", "as"},
    "warn": {"of", "against", "obj+", "to"}, "insist": {"on"}, "admit": {"to"}, "acknowledge": {"obj"},
    "confirm": {"obj"}, "dispute": {"obj"}, "question": {"obj"}, "slam": {"obj"}, "hail": {"obj"},
    "applaud": {"obj"}, "predict": {"obj"}, "suggest": {"obj"}, "encourage": {"obj+", "to"},
    "appeal": {"for"}, "lobby": {"for"}, "campaign": {"for", "against"}, "argue": {"for", "against"},
    "dub": {"obj+", "oprd"}, "label": {"obj+", "as", "oprd"}, "characterize": {"obj+", "as"}, "characterise": {"obj+", "as"},
    "defend": {"obj"}, "decry": {"obj"}, "denounce": {"obj"}, "vow": {"to", "obj"}, "pledge": {"to", "obj"},
    "promise": {"to", "obj"}, "threaten": {"to", "obj"}, "refuse": {"to"}, "seek": {"to", "obj"}, "want": {"to"},
    "plan": {"to"}, "aim": {"to"}, "hope": {"to"}, "intend": {"to"}, "offer": {"to"},
}
# Forms the small model's lemmatiser gets wrong ("hopes" -> "hop").
_MISLEMMATISED = {"hopes": "hope", "hoped": "hope", "hoping": "hope"}
_PRONOUN_SOURCES = {"he", "she", "they", "it", "who", "that", "which"}


def speech_act_claims(context: ParagraphContext, found: list[dict]) -> list[dict]:
    """Reported claims for speech acts and intentions outside quotes and outside the content
    of the ``found`` claims (an attribution inside another's content is part of it)."""
    base = context.base
    taken = [(s - base, e - base) for claim in found for s, e in claim["content"]]
    taken += [(c["start"] - base, c["end"] - base) for c in found if c["type"] != "quote"]
    cues = {c["cue"][0] - base for c in found if c["cue"]}
    claims: list[dict] = []
    for verb in context.doc:
        if verb.pos_ != "VERB" or context.inside(verb) or verb.idx in cues or any(s <= verb.idx < e for s, e in taken):
            continue
        if verb.left_edge.tag_ in ("WRB", "WP", "WDT") and verb.left_edge.i < verb.i:
            continue  # "little indication of how it plans to ...": a question, not a report
        allowed = SPEECH_ACTS.get(_MISLEMMATISED.get(verb.lower_, verb.lemma_.lower()))
        if not allowed:
            continue
        content = _content(verb, allowed)
        if content is None:
            continue
        start, end = content
        if any(seg.start < end and start < seg.end for seg in context.segments):
            continue  # a quote in the content: the quote rules have it
        subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is None and verb.dep_ in ("xcomp", "conj", "advcl", "relcl", "acl"):
            speaker = speaker_of(context, verb)
        elif subject is None or subject.dep_ == "nsubjpass" or not _can_speak(context, subject):
            continue
        else:
            speaker = speaker_of(context, verb)
        if speaker is None:
            continue
        claim = {"type": "reported", "cue": context.cue_span(verb), "content": [[base + start, base + end]],
                 "speaker_span": None, "speaker_text": "", "role": ""}
        set_speaker(claim, speaker, context)
        starts = [start, verb.idx]
        if subject is not None:
            starts.append(subject.left_edge.idx)
        claim["start"], claim["end"] = base + min(starts), base + end
        claim["score"] = score(context, [content], base=0.45)
        claims.append(claim)
        taken.append((min(starts), end))
    return claims


def _content(verb, allowed: set[str]) -> tuple[int, int] | None:
    """The paragraph span of what ``verb`` reports, from the parts ``allowed`` for it."""
    parts = []
    has_object = False
    for child in verb.children:
        if child.dep_ in ("dobj", "obj") and ("obj" in allowed or "obj+" in allowed):
            if child.pos_ == "PRON" and child.lower_ in ("it", "this", "that", "them") and "obj" in allowed and "obj+" not in allowed:
                continue  # "denied it": nothing said what
            has_object = True
            parts.append(child)
        elif child.dep_ == "xcomp" and "to" in allowed and any(g.dep_ == "aux" and g.lower_ == "to" for g in child.children):
            parts.append(child)
        elif child.dep_ == "oprd" and "oprd" in allowed:
            parts.append(child)
        elif child.dep_ == "prep" and child.lower_ in allowed and any(g.dep_ in ("pobj", "pcomp") for g in child.children):
            parts.append(child)
    if not parts:
        return None
    if has_object and "obj" not in allowed and len(parts) == 1:
        # "accused the minister" without "of ..." (which may hang from the object): too little.
        if not any(g.dep_ == "prep" and g.lower_ in allowed for g in parts[0].children):
            return None
    first = min(p.left_edge.i for p in parts)
    last = max(p.right_edge.i for p in parts)
    doc = verb.doc
    if parts == [p for p in parts if p.dep_ == "prep"]:
        first = min(p.i + 1 for p in parts)  # "called for a ban": the content is "a ban"
    tokens = doc[first : last + 1]
    while len(tokens) and (tokens[-1].is_punct or tokens[-1].dep_ in ("cc", "punct")):
        tokens = tokens[:-1]
    if not len(tokens) or not any(t.is_alpha for t in tokens):
        return None
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)


def _can_speak(context: ParagraphContext, subject) -> bool:
    """A subject that can be a source: a name (one the document has met counts whatever the model
    tags it), a personal pronoun, or a noun for people or bodies that speak ("officials", "the
    ministry", "the report")."""
    if subject.pos_ == "PRON":
        return subject.lower_ in _PRONOUN_SOURCES
    if subject.text in context.state.names:
        return True  # "Rathbun requested ...", the surname met before, whatever the model tags it
    if subject.pos_ == "PROPN" or context.entity_covering(subject) is not None:
        covering = context.entity_covering(subject)
        return covering is None or covering.label_ in SPEAKER_LABELS
    return subject.lemma_.lower() in SOURCE_NOUNS
