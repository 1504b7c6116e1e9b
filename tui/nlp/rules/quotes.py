"""Direct quotes as claims: each quote segment with the speech verb that introduces it and its
speaker; a quote split around its cue is one claim, and a quote with no cue of its own may be
introduced by the previous paragraph or continue the previous quote."""

from __future__ import annotations

import re

from tui.nlp.rules.checkworthiness import score
from tui.nlp.rules.context import ParagraphContext
from tui.nlp.rules.lexicon import SPEECH_VERBS
from tui.nlp.rules.segments import looks_like_term, looks_like_title
from tui.nlp.rules.speakers import Speaker, set_speaker, speaker_of


def quote_claims(context: ParagraphContext) -> list[dict]:
    """Direct quotes with their cue and speaker; a quote split around its cue becomes one claim."""
    segments, text, base, state = context.segments, context.text, context.base, context.state
    claims: list[dict] = []
    used_cues: set[int] = set()
    last = state.last_quote
    if last is not None and last["cue"] is None and last["speaker_span"] is None and state.quote_may_continue():
        _credit_byline(context, last, 0)  # the quote ended the paragraph before; "― Karen Whitfield" opens this one
    index = 0
    while index < len(segments):
        segment = segments[index]
        quoted = text[segment.start : segment.end]
        cue = quote_cue(context, index, used_cues)
        if cue is not None and len(quoted.split()) < MIN_SPEECH_WORDS and not _introduces(context, cue, segment):
            cue = None  # 'checks will continue, officials will scrap ... to "streamline" processing'
        parts = [segment]
        if cue is not None and index + 1 < len(segments):
            following = segments[index + 1]
            between = text[(segment.close_mark or segment.end) + 1 : following.open_mark].strip()
            # '"I think," she said, "that ..."': one quote either side of its cue.
            if quoted.rstrip().endswith(",") and between.endswith(",") and cue.idx < following.open_mark and len(between) < 80:
                parts.append(following)
                index += 1
        index += 1
        if cue is None and (looks_like_title(quoted) or looks_like_term(text, segment)) and not _is_sentence(context, segment):
            continue
        if cue is None and _listed_title(context, parts):
            continue
        claim = {
            "type": "quote",
            "start": base + parts[0].start,
            "end": base + parts[-1].end,
            "content": [[base + part.start, base + part.end] for part in parts],
            "cue": None,
            "speaker_span": None,
            "speaker_text": "",
            "role": "",
        }
        if cue is not None:
            used_cues.add(cue.i)
            claim["cue"] = context.cue_span(cue)
            set_speaker(claim, speaker_of(context, cue), context)
        elif state.lead_in is not None and parts[0].open_mark == 0:
            # 'Rathbun stated,' closing the previous paragraph introduces the quote opening this one.
            last = state.last_quote
            if last is not None and last["cue"] == state.lead_in["cue"]:
                # 'has called the sentence "dangerous" and "ideological":' - the same statement goes on.
                last["content"] += claim["content"]
                last["end"] = claim["end"]
                state.quote_paragraph = state.paragraph
                continue
            claim.update(state.lead_in)
        elif len(quoted.split()) < MIN_SPEECH_WORDS and not _is_sentence(context, segment):
            # A word or three in quotes with no cue: a term, a title or scare quotes, unless it is
            # listed with the quote before it ('called it "dangerous" and "ideological"').
            last = state.last_quote
            if last is not None and state.quote_paragraph == state.paragraph and last["cue"] is not None:
                between = text[last["content"][-1][1] - base : segment.open_mark].replace('"', " ")
                if len(between.split()) <= 3 and not any(mark in between for mark in ".!?;:"):
                    last["content"] += claim["content"]
                    last["end"] = claim["end"]
            continue
        elif state.last_quote is not None and state.paragraph - state.quote_paragraph <= 2:
            # A continuation: no cue of its own, so the previous quote's speaker goes on speaking
            # (a word or two in quotes is a term, not a continuation).
            if _goes_on_with_last_quote(context, parts[0]):
                # Right after it, or opening the next paragraph: the same statement, one claim.
                last = state.last_quote
                last["content"] += claim["content"]
                last["end"] = claim["end"]
                last["score"] = max(last["score"], score(context, [(p.start, p.end) for p in parts], base=0.35))
                state.quote_paragraph = state.paragraph
                continue
            claim.update({key: value for key, value in state.last_quote.items() if key in ("speaker_span", "speaker_text", "role", "speaker_resolved")})
        if claim["cue"] is None and claim["speaker_span"] is None and parts[-1].close_mark is not None:
            _credit_byline(context, claim, parts[-1].close_mark + 1)  # '"..." - Matthew Ingram'
        claim["score"] = score(context, [(p.start, p.end) for p in parts], base=0.35)
        claims.append(claim)
        state.last_quote = claim
        state.quote_paragraph = state.paragraph
    if state.quote_paragraph == state.paragraph:
        tail = text[max(0, state.last_quote["content"][-1][1] - base) :]
        state.quote_ends_paragraph = len(tail.split()) <= MAX_TAG_WORDS
    return claims


# Fewer words than this in quotes, with no cue, are a term or a title rather than speech.
MIN_SPEECH_WORDS = 4
# At most this many words between two quotes of one statement ('," said Isedua Oribhabor. "'), or
# as many as the longer bound when they are the one sentence holding the first quote's cue.
MAX_TAG_WORDS = 12
MAX_LONG_TAG_WORDS = 25


# A dash and a name after a quote, as a byline: '"..." - Matthew Ingram', "― Karen Whitfield, in a post".
_BYLINE = re.compile(r"\s*[\u2015\u2014\u2013-]{1,2}\s*(?=[A-Z])")
_NAME = re.compile(r"[A-Z][\w.'\u2019-]*(?:\s+(?:[A-Z][\w.'\u2019-]*|de|van|von|bin|al))*")


def _credit_byline(context: ParagraphContext, claim: dict, at: int) -> None:
    """When a dash and a name follow a quote at ``at`` in this paragraph, the name speaks the
    quote and the dash is its cue."""
    dash = _BYLINE.match(context.text, at)
    if dash is None:
        return
    start = dash.end()
    named = next((s for s in context.ents if s.start_char == start and s.label_ in ("PERSON", "ORG", "NORP")), None)
    if named is not None:
        speaker = Speaker(named.start_char, named.end_char, named.text, label=named.label_)
    else:
        name = _NAME.match(context.text, start)
        if name is None or len(name.group().split()) > 4:
            return
        speaker = Speaker(start, name.end(), name.group())
    mark = context.text[at:start].strip()
    mark_at = context.text.index(mark, at)
    claim["cue"] = [context.base + mark_at, context.base + mark_at + len(mark)]
    set_speaker(claim, speaker, context)


def _listed_title(context: ParagraphContext, parts) -> bool:
    """A quote that is a line of its own with no closing punctuation and no quote before it to go
    on with: the title of another article or work listed by itself, not speech."""
    text = context.text
    whole_line = text[: max(parts[0].open_mark, 0)].strip() == "" and text[(parts[-1].close_mark or len(text)) + 1 :].strip() == ""
    quoted = text[parts[0].start : parts[-1].end].rstrip()
    return whole_line and not quoted.endswith((".", "!", "?", ",", ";", ":", "\u2026", "-", "\u2014")) and not context.state.quote_may_continue()


def _introduces(context: ParagraphContext, cue, segment) -> bool:
    """True when a cue's own phrase holds a short quote outside its subject ('called the remarks
    "unfair"'), and the cue is no participle naming something ('a user labelled "Anonymous"')."""
    if cue.dep_ == "acl":
        return False
    subject = {t.i for child in cue.children if child.dep_ in ("nsubj", "nsubjpass") for t in child.subtree}
    inside = list(context.tokens_between(segment.start, segment.end))
    return bool(inside) and all(cue.left_edge.i <= t.i <= cue.right_edge.i and t.i not in subject for t in inside)


def _is_sentence(context: ParagraphContext, segment) -> bool:
    """A few quoted words that make a sentence of their own ("We got meetings."): capitalised, with
    a verb and closing punctuation, so speech rather than a term or a title."""
    quoted = context.text[segment.start : segment.end].rstrip()
    tokens = list(context.tokens_between(segment.start, segment.end))
    return (
        len(quoted.split()) >= 2 and quoted[:1].isupper() and quoted.endswith((".", "!", "?"))
        and any(t.pos_ in ("VERB", "AUX") for t in tokens)
    )


def _goes_on_with_last_quote(context: ParagraphContext, segment) -> bool:
    """True when a quote with no cue of its own continues the last quote's statement: in the
    same paragraph with at most a tag between them, or opening the paragraph after the one the
    last quote ended."""
    state, last = context.state, context.state.last_quote
    if last["cue"] is None and last["speaker_span"] is None:
        return False
    if state.quote_paragraph == state.paragraph:
        between = context.text[last["content"][-1][1] - context.base : max(segment.open_mark, segment.start)]
        if len(between.split()) <= MAX_TAG_WORDS:
            return True
        # '"...," said Maria Costa, 67, who has lived on Mill Lane for forty years. "..."': a long
        # tag is still one sentence holding the last quote's cue.
        cue = last["cue"]
        ends = sum(between.count(mark) for mark in ".!?")
        return (
            cue is not None and len(between.split()) <= MAX_LONG_TAG_WORDS and ends == 1
            and between.rstrip(' "\'').endswith((".", "!", "?"))
            and last["content"][-1][1] <= cue[0] < context.base + segment.open_mark
        )
    return state.quote_may_continue() and context.text[: max(segment.open_mark, 0)].strip() == ""


def quote_cue(context: ParagraphContext, index: int, used: set[int]):
    """The speech verb introducing the ``index``-th quote: its parse head, else the nearest outside it."""
    segments, text = context.segments, context.text
    segment = segments[index]
    inside = context.tokens_between(segment.start, segment.end)
    for token in inside:
        head = token.head
        if (
            not (segment.start <= head.idx < segment.end) and is_speech_verb(head) and _acts_as_verb(head)
            and head.i not in used and not context.inside(head)
        ):
            return head
    after_start = (segment.close_mark + 1) if segment.close_mark is not None else len(text)
    after_end = segments[index + 1].open_mark if index + 1 < len(segments) else len(text)
    before_start = (segments[index - 1].close_mark or segments[index - 1].end) + 1 if index > 0 else 0
    after = list(context.tokens_between(after_start, after_end))[:12]
    before = list(context.tokens_between(before_start, segment.open_mark))[-15:]
    # Stop the after-window at the end of its sentence: the next sentence is someone else's.
    for position, token in enumerate(after):
        if token.text in {".", "!", "?"} and position > 0:
            after = after[:position]
            break
    quoted = text[segment.start : segment.end].rstrip()
    ends_open = quoted.endswith((",", "?", "!", "-", "\u2014"))
    if not ends_open and after and not after[0].text[:1].islower():
        after = []  # '"... the end." After the match, X said': the verb belongs to the next quote
    windows = (after, reversed(before)) if ends_open or not before else (reversed(before), after)
    for window in windows:
        for token in window:
            if is_speech_verb(token) and _acts_as_verb(token) and token.i not in used:
                return token
    return None


def _acts_as_verb(token) -> bool:
    """A verb, or a word the model tagged as a noun that has a subject of its own ("The U.S.
    Department of Agriculture notes, ..."); not "the mayor's remarks"."""
    return token.pos_ in ("VERB", "AUX") or any(child.dep_ in ("nsubj", "nsubjpass") for child in token.children)


def is_speech_verb(token) -> bool:
    """A verb that introduces a quote; "called" in "so-called" only sets a term apart."""
    if token.lemma_.lower() not in SPEECH_VERBS:
        return False
    doc = token.doc
    return not (token.i >= 2 and doc[token.i - 1].text == "-" and doc[token.i - 2].lower_ == "so")


def lead_in(context: ParagraphContext) -> dict | None:
    """The cue and speaker when a paragraph ends by introducing a quote ("Rathbun stated:")."""
    segments = context.segments
    if not context.text.rstrip().endswith((",", ":")) or (segments and segments[-1].close_mark is None):
        return None
    words = [t for t in context.doc if not t.is_punct and not t.is_space]
    if not words or context.inside(words[-1]):
        return None
    cue = words[-1] if words[-1].lemma_.lower() in SPEECH_VERBS else None
    if cue is None and context.text.rstrip().endswith(":"):
        # "Obama tweeted using his account:", "The minister said in a statement on Monday:": the
        # speech verb heading the last sentence.
        last = list(context.doc.sents)[-1]
        cue = next((t for t in last if t.dep_ == "ROOT" and is_speech_verb(t) and _acts_as_verb(t) and not context.inside(t)), None)
    if cue is None:
        return None
    found = {"cue": context.cue_span(cue), "speaker_span": None, "speaker_text": "", "role": ""}
    set_speaker(found, speaker_of(context, cue), context)
    return found
