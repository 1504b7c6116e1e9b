"""Evidence sentences (a study or report as subject, credited to whoever made it) and other
check-worthy assertions."""

from __future__ import annotations

from tui.nlp.rules.checkworthiness import ASSERTION_THRESHOLD, score
from tui.nlp.rules.context import ParagraphContext, is_question
from tui.nlp.rules.lexicon import EVIDENCE_NOUNS, FINDING_VERBS, NOT_FINDINGS
from tui.nlp.rules.speakers import Speaker, noun_phrase_speaker, set_speaker


def evidence_source(context: ParagraphContext, noun) -> Speaker | None:
    """Who produced a study: "by X", "from X", "X's study", or a named entity inside the phrase."""
    for child in noun.children:
        if child.dep_ == "prep" and child.lower_ in ("by", "from"):
            objects = [c for c in child.children if c.dep_ == "pobj"]
            if objects:
                obj = objects[0]
                conjuncts = [c for c in obj.children if c.dep_ == "conj"]
                if conjuncts:
                    # "Research by Joy Buolamwini and Deborah Raji": the whole list speaks.
                    span = context.doc[obj.left_edge.i : conjuncts[-1].right_edge.i + 1]
                    return Speaker(span.start_char, span.end_char, span.text)
                return noun_phrase_speaker(context, obj)
        if child.dep_ == "poss":
            return noun_phrase_speaker(context, child)
    return None


def evidence_and_assertions(context: ParagraphContext, found: list[dict]) -> list[dict]:
    """Evidence sentences (a study or report as subject) and other check-worthy sentences, in
    sentences no quote and none of the ``found`` claims already hold."""
    segments, base = context.segments, context.base
    claims = []
    covered = [(c["start"] - base, c["end"] - base) for c in found]
    for sentence in context.doc.sents:
        start, end = context.sentence_bounds(sentence)
        if end <= start or any(s.start <= start and end <= s.end for s in segments):
            continue
        if any(s.open_mark <= start < s.end or s.open_mark < end <= s.end for s in segments):
            continue  # a sentence holding a quote: the quote is the claim
        if is_question(context, sentence):
            continue  # "Did a 2019 study find that ...?" reports no finding
        evidence = next(
            (
                t for t in sentence
                if t.dep_ == "nsubj" and t.lemma_.lower() in EVIDENCE_NOUNS and t.head.lemma_.lower() not in NOT_FINDINGS and not context.inside(t)
            ),
            None,
        )
        if evidence is not None and any(s <= evidence.idx < e for s, e in covered):
            continue
        if evidence is not None:
            claims.append(_evidence_claim(context, evidence, (start, end)))
            continue
        if any(s < end and start < e for s, e in covered):
            continue  # a sentence holding a report or evidence is claimed once
        if context.text[start] in "\u2015\u2014\u2013-":
            continue  # "― John F. Kennedy, speech at Rice University": a byline, not an assertion
        value = score(context, [(start, end)], base=0.2)
        words = [t for t in sentence if t.is_alpha]
        if len(words) < 6 or not any(t.pos_ in ("VERB", "AUX") for t in sentence):
            continue
        if value >= ASSERTION_THRESHOLD:
            claims.append({"type": "assertion", "start": base + start, "end": base + end, "content": [[base + start, base + end]],
                           "cue": None, "speaker_span": None, "speaker_text": "", "role": "", "score": value})
    return claims


def _evidence_claim(context: ParagraphContext, evidence, sentence: tuple[int, int]) -> dict:
    """The evidence claim of a sentence whose subject is a study or report: with a verb that tells
    a finding ("A survey ... found that ...") the verb is the cue and what follows it the content,
    credited to whoever made the study or else to the study itself; otherwise the study is the
    cue of the whole sentence."""
    base, verb = context.base, evidence.head
    start, end = sentence
    found = [c for c in verb.children if c.dep_ in ("ccomp", "dobj", "attr") and c.i > verb.i]
    speaker = evidence_source(context, evidence)
    if verb.lemma_.lower() in FINDING_VERBS and found:
        content = (found[0].left_edge.idx, found[0].right_edge.idx + len(found[0].right_edge.text))
        cue = context.cue_span(verb)
        if speaker is None:
            speaker = noun_phrase_speaker(context, evidence)
    else:
        content = (start, end)
        cue = [base + evidence.idx, base + evidence.idx + len(evidence.text)]
    claim = {"type": "evidence", "start": base + start, "end": base + end, "content": [[base + content[0], base + content[1]]],
             "cue": cue, "speaker_span": None, "speaker_text": "", "role": ""}
    set_speaker(claim, speaker, context)
    claim["score"] = score(context, [content], base=0.55)
    return claim
