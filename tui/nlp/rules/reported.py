"""Reported speech outside quotes: "X announced that ..." and "according to X, ..."."""

from __future__ import annotations

from tui.nlp.rules.checkworthiness import score
from tui.nlp.rules.context import ParagraphContext, is_question
from tui.nlp.rules.evidence import evidence_source
from tui.nlp.rules.lexicon import EVIDENCE_NOUNS, FINDING_REPORTS, REPORTING_VERBS, SOURCE_NOUNS
from tui.nlp.rules.speakers import noun_phrase_speaker, set_speaker, speaker_of


def reported_claims(context: ParagraphContext, quotes: list[dict]) -> list[dict]:
    """"X announced that ..." and "according to X, ..." outside quotes.

    A nested attribution is one claim with the outer source: "X said she believed ..." and "X
    reports that ..., according to Y" are X's (an "according to" on a verb that reports is part
    of that verb's claim). A statement mixing indirect and direct speech is one claim: when the
    verb also introduces one of the ``quotes`` ('Heald noted the findings show ... "An air-quality
    cleanup would ..."'), its content joins that quote's claim.
    """
    quote_by_cue = {tuple(q["cue"]): q for q in quotes if q["cue"]}
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
                quote = quote_by_cue.get(tuple(claim["cue"]))
                if quote is None:
                    claims.append(claim)
                else:
                    quote["content"] = sorted(quote["content"] + claim["content"])
                    quote["start"], quote["end"] = min(quote["start"], claim["start"]), max(quote["end"], claim["end"])
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
    if not any(t.pos_ in ("VERB", "AUX") for t in clause.subtree):
        return None  # "said in a statement on Monday:" parsed as a clause, with nothing said in it
    if token.lemma_.lower() in FINDING_REPORTS and not _finder(context, token):
        return None
    if any(child.dep_ == "neg" for child in token.children) and clause.left_edge.tag_ in ("WRB", "WP", "WDT"):
        return None  # "officials have not said why the team was denied visas": nothing said
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
    # The claim runs over its content, cue and subject ("Taxes will rise, the minister said").
    starts, ends = [content[0], token.idx], [content[1], token.idx + len(token.text)]
    if subject is not None:
        starts.append(subject.left_edge.idx)
        ends.append(subject.right_edge.idx + len(subject.right_edge.text))
    if claim["speaker_span"] and claim["speaker_span"][0] - base >= token.sent.start_char:
        starts.append(claim["speaker_span"][0] - base)
    claim["start"], claim["end"] = base + min(starts), base + max(ends)
    claim["score"] = score(context, [content], base=0.55 if claim["type"] == "evidence" else 0.45)
    return claim


def _finder(context: ParagraphContext, verb) -> bool:
    """True when the subject of "found" or "showed" can be a source: a name, a person pronoun, or
    a noun for people, bodies or studies ("The researchers found that ...", "Results of the
    studies show ...")."""
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subject is None:
        return False
    if subject.pos_ == "PRON":
        return subject.lower_ in ("he", "she", "they", "we", "i")
    lemma = subject.lemma_.lower()
    return context.entity_covering(subject) is not None or lemma in SOURCE_NOUNS or lemma in EVIDENCE_NOUNS or lemma in ("result", "scientist")


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
