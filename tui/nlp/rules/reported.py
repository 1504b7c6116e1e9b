"""Reported speech outside quotes: "X announced that ..." and "according to X, ..."."""

from __future__ import annotations

from tui.nlp.rules.checkworthiness import score
from tui.nlp.rules.context import ParagraphContext, is_question
from tui.nlp.rules.evidence import evidence_source
from tui.nlp.rules.lexicon import EVIDENCE_NOUNS, REPORTING_VERBS
from tui.nlp.rules.speakers import noun_phrase_speaker, set_speaker, speaker_of


def reported_claims(context: ParagraphContext) -> list[dict]:
    """"X announced that ..." and "according to X, ..." outside quotes.

    A nested attribution is one claim with the outer source: "X said she believed ..." and "X
    reports that ..., according to Y" are X's (an "according to" on a verb that reports is part
    of that verb's claim).
    """
    claims = []
    reported_contents: list[tuple[int, int]] = []
    reporting_cues: set[int] = set()
    for token in context.doc:
        if context.inside(token) or any(start <= token.idx < end for start, end in reported_contents):
            continue
        if token.lemma_.lower() in REPORTING_VERBS and token.pos_ in ("VERB", "AUX"):
            claim = _that_clause(context, token)
            if claim is not None:
                start, end = claim["content"][0]
                reported_contents.append((start - context.base, end - context.base))
                reporting_cues.add(token.i)
                claims.append(claim)
    for token in context.doc:
        if token.lower_ != "according" or context.inside(token) or token.head.i in reporting_cues:
            continue
        if any(start <= token.idx < end for start, end in reported_contents):
            continue
        claim = _according_to(context, token)
        if claim is not None:
            claims.append(claim)
    return sorted(claims, key=lambda claim: claim["start"])


def _that_clause(context: ParagraphContext, token) -> dict | None:
    """A reporting verb with a clausal complement outside any quote."""
    base = context.base
    clauses = [c for c in token.children if c.dep_ == "ccomp"]
    if not clauses:
        return None
    if is_question(context, token.sent):
        return None  # "Did the minister say that taxes would rise?" reports nothing
    clause = clauses[0]
    content = (clause.left_edge.idx, clause.right_edge.idx + len(clause.right_edge.text))
    if any(s.start < content[1] and content[0] < s.end for s in context.segments):
        return None  # the quote rules cover it
    claim = {"type": "reported", "cue": context.cue_span(token), "content": [[base + content[0], base + content[1]]],
             "speaker_span": None, "speaker_text": "", "role": ""}
    subject = next((c for c in token.children if c.dep_ == "nsubj"), None)
    if subject is not None and subject.lemma_.lower() in EVIDENCE_NOUNS:
        # "The report says that ...": evidence, credited to whoever made the report.
        claim["type"] = "evidence"
        set_speaker(claim, evidence_source(context, subject) or noun_phrase_speaker(context, subject), context)
    else:
        set_speaker(claim, speaker_of(context, token), context)
    starts = [content[0], token.idx]
    if subject is not None:
        starts.append(subject.left_edge.idx)
    if claim["speaker_span"] and claim["speaker_span"][0] - base >= token.sent.start_char:
        starts.append(claim["speaker_span"][0] - base)
    claim["start"], claim["end"] = base + min(starts), base + content[1]
    claim["score"] = score(context, [content], base=0.55 if claim["type"] == "evidence" else 0.45)
    return claim


def _according_to(context: ParagraphContext, token) -> dict | None:
    """"According to X, ...": the rest of the sentence, either side of the phrase, is X's."""
    base, text = context.base, context.text
    to = [c for c in token.children if c.lower_ == "to"]
    objects = [c for t in to for c in t.children if c.dep_ == "pobj"]
    if not objects:
        return None
    phrase_start, phrase_end = token.idx, objects[0].right_edge.idx + len(objects[0].right_edge.text)
    sentence_start, sentence_end = context.sentence_bounds(token.sent)
    content = []
    before = text[sentence_start:phrase_start].rstrip(" ,")
    if before.strip():
        content.append((sentence_start, sentence_start + len(before)))
    after_start = phrase_end + len(text[phrase_end:sentence_end]) - len(text[phrase_end:sentence_end].lstrip(" ,"))
    if after_start < sentence_end:
        content.append((after_start, sentence_end))
    if not content:
        return None
    claim = {"type": "reported", "cue": [base + token.idx, base + to[0].idx + len(to[0].text)],
             "content": [[base + s, base + e] for s, e in content], "speaker_span": None, "speaker_text": "", "role": ""}
    if objects[0].lemma_.lower() in EVIDENCE_NOUNS:
        # "According to a 2020 report by the WHO, ...": evidence from whoever made it.
        claim["type"] = "evidence"
        set_speaker(claim, evidence_source(context, objects[0]), context)
    else:
        set_speaker(claim, noun_phrase_speaker(context, objects[0]), context)
    claim["start"], claim["end"] = base + sentence_start, base + sentence_end
    claim["score"] = score(context, content, base=0.55 if claim["type"] == "evidence" else 0.45)
    return claim
