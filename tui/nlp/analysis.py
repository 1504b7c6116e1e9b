"""What spaCy finds in each paragraph: entity spans and claims, as plain JSON-able records.

This is the part that needs the model, so its output is what gets cached. Offsets are into the
whole document. Claims are found by rules on the dependency parse: direct quotes, reported
speech, "according to", evidence sentences and other check-worthy assertions.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, field

from tui.model.document import Document, Paragraph
from tui.nlp.pipeline import Pipeline
from tui.nlp.text import CLOSING_MARKS, OPENING_MARKS, straighten_quotes

# Bump when the rules change, so cached analyses made by older rules are not reused.
ANALYSIS_VERSION = 6

# Named things worth suggesting; counts and amounts only feed check-worthiness.
ENTITY_LABELS = {"PERSON", "ORG", "GPE", "LOC", "DATE", "PRODUCT", "EVENT", "NORP", "LAW", "FAC", "WORK_OF_ART", "LANGUAGE"}
NUMERIC_LABELS = {"CARDINAL", "PERCENT", "MONEY", "QUANTITY"}
SPEAKER_LABELS = ("PERSON", "ORG", "NORP", "GPE")

SPEECH_VERBS = {
    "say", "tell", "add", "ask", "explain", "state", "note", "write", "claim", "argue", "warn", "insist",
    "continue", "reply", "respond", "answer", "comment", "declare", "announce", "report", "suggest",
    "describe", "call", "admit", "acknowledge", "remark", "observe", "conclude", "mention", "predict",
    "urge", "confirm", "deny", "reveal", "recall", "tweet", "post", "testify", "concede", "stress",
    "emphasise", "emphasize", "complain", "joke", "quip", "promise", "vow", "caution", "contend",
    "maintain", "allege", "assert", "accuse", "characterize", "characterise", "read", "label", "term",
    "dub", "consider", "believe", "think", "reiterate", "exclaim", "yell", "shout", "plead", "demand",
}
# Verbs whose "that"-clause is a reported statement worth checking.
REPORTING_VERBS = {
    "say", "tell", "announce", "state", "claim", "report", "warn", "argue", "insist", "suggest", "reveal",
    "confirm", "deny", "admit", "acknowledge", "note", "write", "allege", "assert", "maintain", "contend",
    "predict", "promise", "pledge", "vow", "estimate", "declare", "testify", "concede", "stress",
    "emphasize", "emphasise", "explain", "add", "believe", "think", "agree", "tweet",
}
EVIDENCE_NOUNS = {
    "study", "research", "report", "survey", "analysis", "data", "poll", "paper", "experiment",
    "investigation", "review", "statistic", "figure", "finding", "evidence", "audit", "census", "trial",
}
ROLE_WORDS = {
    "fellow", "analyst", "director", "spokesperson", "spokesman", "spokeswoman", "president", "chairman",
    "chairwoman", "chair", "ceo", "minister", "secretary", "professor", "researcher", "coach", "manager",
    "officer", "founder", "co-founder", "editor", "correspondent", "reporter", "official", "officials",
}
# "The study focuses on ...": a study as subject of these says nothing it found.
NOT_FINDINGS = {"focus", "begin", "start", "take", "involve", "include", "use", "cost", "last", "publish", "appear"}
THIRD_PERSON = {"he", "she", "him", "her"}
_WEEKDAYS_MONTHS = re.compile(
    r"(?i)\b(mon|tues|wednes|thurs|fri|satur|sun)day|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|\d"
    r"|\b(year|month|week|day|decade|century|today|yesterday|tomorrow|season|spring|summer|autumn|fall|winter)s?\b"
)
_LEADING_ARTICLE = re.compile(r"^(the|The)\s+")
_POSSESSIVE_END = re.compile(r"\s*'s?$")
_CAPITALISED_WORD = re.compile(r"^[A-Z0-9][\w.'&-]*$")


@dataclass
class QuoteSegment:
    """The text between a pair of quote marks in one paragraph (offsets in the paragraph)."""

    start: int
    end: int
    open_mark: int
    close_mark: int | None


@dataclass
class ClaimState:
    """What the rules remember from one paragraph to the next."""

    last_quote: dict | None = None
    quote_paragraph: int = -10
    paragraph: int = 0
    open_quote_at_end: bool = False
    persons: list[list[int]] = field(default_factory=list)
    lead_in: dict | None = None


# A longer paragraph (a file with no line breaks) is parsed in pieces cut at a space, so spaCy
# never meets a text over its length limit and the first suggestions still come soon.
MAX_UNIT = 20_000


def non_blank_paragraphs(document: Document) -> list[Paragraph]:
    """The paragraphs with text in them, long ones in pieces: what spaCy runs on and what
    progress counts."""
    units = []
    for paragraph in document.paragraphs.lines():
        if not document.text[paragraph.start : paragraph.end].strip():
            continue
        start = paragraph.start
        while paragraph.end - start > MAX_UNIT:
            cut = document.text.rfind(" ", start + MAX_UNIT // 2, start + MAX_UNIT)
            cut = start + MAX_UNIT if cut == -1 else cut + 1
            units.append(Paragraph(paragraph.index, start, cut))
            start = cut
        units.append(Paragraph(paragraph.index, start, paragraph.end))
    return [unit for unit in units if document.text[unit.start : unit.end].strip()]


def analyse(document: Document, pipeline: Pipeline) -> Iterator[dict]:
    """One raw record per non-blank paragraph, in order, as spaCy parses them."""
    paragraphs = non_blank_paragraphs(document)
    prepared = straighten_quotes(document.text)
    texts = (prepared[p.start : p.end] for p in paragraphs)
    state = ClaimState()
    for paragraph, doc in zip(paragraphs, pipeline.pipe(texts)):
        yield analyse_paragraph(doc, document.text[paragraph.start : paragraph.end], paragraph.start, paragraph.index, state)


def analyse_paragraph(doc, original: str, base: int, index: int, state: ClaimState) -> dict:
    """Entities and claims of one parsed paragraph; ``original`` is its text before straightening."""
    # spaCy rebuilds ``doc.text`` and ``doc.ents`` on every access: keep them once per paragraph.
    doc.user_data["text"] = prepared = doc.text
    doc.user_data["ents"] = list(doc.ents)
    entities = [entity for entity in (_entity_record(span, base) for span in doc.user_data["ents"]) if entity is not None]
    state.persons += [[start, end] for start, end, label in entities if label == "PERSON"]
    doc.user_data["base"] = base
    claims: list[dict] = []
    segments = quote_segments(prepared, original, continues=state.open_quote_at_end)
    doc.user_data["token_starts"] = [token.idx for token in doc]
    doc.user_data["quoted"] = {token.i for s in segments for token in _tokens_between(doc, s.start, s.end)}
    state.open_quote_at_end = bool(segments) and segments[-1].close_mark is None
    claims += _quote_claims(doc, segments, base, state)
    claims += _reported_claims(doc, segments, base, state)
    claims += _evidence_and_assertions(doc, segments, base, state, claims)
    state.lead_in = _lead_in(doc, segments, base, state)
    state.paragraph += 1
    return {"paragraph": index, "start": base, "end": base + len(prepared), "entities": entities, "claims": claims}


# Entities


def _entity_record(span, base: int) -> list | None:
    """``[start, end, label]`` of a model entity, trimmed of a leading "the" and a possessive."""
    label = span.label_
    if label not in ENTITY_LABELS:
        return None
    start, end = span.start_char, span.end_char
    text = span.text
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
    return [base + start, base + end, label]


# Quotes


def quote_segments(prepared: str, original: str, continues: bool = False) -> list[QuoteSegment]:
    """The quoted stretches of a paragraph, in double marks or (British style) in single ones.

    A double opening mark with no closing one runs to the end. Curly marks say which way they
    face; straight ones alternate. ``continues`` tells that the previous paragraph ended inside a
    quote, so a closing mark met first ends a quote begun there. A quote in double marks inside
    one in single marks (or the other way round) is part of the outer quote.
    """
    double = _double_quote_segments(prepared, original, continues)
    single = _single_quote_segments(prepared, original, double)
    double = [d for d in double if not any(s.open_mark < d.open_mark and _last_of(d) < s.close_mark for s in single)]
    trimmed = []
    for segment in sorted(double + single, key=lambda segment: segment.start):
        text = prepared[segment.start : segment.end]
        start = segment.start + len(text) - len(text.lstrip())
        end = segment.end - (len(text) - len(text.rstrip()))
        if end > start and any(ch.isalnum() for ch in prepared[start:end]):
            trimmed.append(QuoteSegment(start, end, segment.open_mark, segment.close_mark))
    return trimmed


def _last_of(segment: QuoteSegment) -> int:
    """The last position a quote takes: its closing mark, or its end when it has none."""
    return segment.end if segment.close_mark is None else segment.close_mark


def _double_quote_segments(prepared: str, original: str, continues: bool) -> list[QuoteSegment]:
    """The stretches between double marks, untrimmed (see :func:`quote_segments`)."""
    segments: list[QuoteSegment] = []
    open_at: int | None = None
    for position, char in enumerate(prepared):
        if char != '"':
            continue
        mark = original[position]
        if open_at is None:
            closing = mark in CLOSING_MARKS or (mark == '"' and _faces_closing(prepared, position))
            if closing and continues and not segments:
                # The quote of the previous paragraph goes on here without an opening mark.
                segments.append(QuoteSegment(0, position, -1, position))
            elif mark not in CLOSING_MARKS:
                open_at = position
        elif mark in OPENING_MARKS:
            # An opening mark inside a quote: the earlier quote was never closed.
            segments.append(QuoteSegment(open_at + 1, position, open_at, None))
            open_at = position
        else:
            segments.append(QuoteSegment(open_at + 1, position, open_at, position))
            open_at = None
    if open_at is not None:
        segments.append(QuoteSegment(open_at + 1, len(prepared), open_at, None))
    return segments


def _single_quote_segments(prepared: str, original: str, double: list[QuoteSegment]) -> list[QuoteSegment]:
    """The stretches between single marks outside double quotes, untrimmed.

    A single closing mark is also the apostrophe, so a quote in single marks needs both marks,
    in the same paragraph: the opening one starts a word (after a space, a bracket or a dash),
    the closing one ends a word and is not followed by a letter (as in "won't"). A plural
    possessive ("the workers' union") is passed over when a later mark can close the quote. Fewer
    than two words in single marks are a term or an elision ("rock 'n' roll"), not a quote.
    """
    taken = [(segment.open_mark, _last_of(segment)) for segment in double]
    segments: list[QuoteSegment] = []
    position = 0
    while (open_at := prepared.find("'", position)) != -1:
        position = open_at + 1
        if any(first <= open_at <= last for first, last in taken) or not _opens_single_quote(prepared, original, open_at):
            continue
        close_at = _single_closing_mark(prepared, original, open_at)
        if close_at is None:
            break  # no mark after this one can close a quote
        if len(prepared[open_at + 1 : close_at].split()) < 2:
            continue
        segments.append(QuoteSegment(open_at + 1, close_at, open_at, close_at))
        position = close_at + 1
    return segments


def _single_closing_mark(prepared: str, original: str, open_at: int) -> int | None:
    """Where the quote opened at ``open_at`` closes: the first mark that can close it and is not
    a plural possessive, else the last possessive-looking one."""
    possessive = None
    at = open_at + 1
    while (at := prepared.find("'", at + 1)) != -1:
        if original[at] == "\u2018" or not _closes_single_quote(prepared, at):
            continue
        if not _plural_possessive(prepared, at):
            return at
        possessive = at
    return possessive


def _opens_single_quote(prepared: str, original: str, position: int) -> bool:
    """A single mark that starts a quote: a left mark, or a straight one before a letter, that
    follows a space, a bracket, a dash or the start of the paragraph."""
    before = prepared[position - 1] if position > 0 else " "
    after = prepared[position + 1] if position + 1 < len(prepared) else " "
    if not (before.isspace() or before in "([\u2014\u2013-"):
        return False
    if original[position] == "\u2018":
        return not after.isspace()
    return original[position] == "'" and after.isalpha()


def _closes_single_quote(prepared: str, position: int) -> bool:
    """A single mark that can end a quote: it ends a word and no letter or digit follows it."""
    after = prepared[position + 1] if position + 1 < len(prepared) else " "
    return not prepared[position - 1].isspace() and not after.isalnum()


def _plural_possessive(prepared: str, position: int) -> bool:
    """A mark after a plural's s and before a lowercase word: "the workers' union"."""
    following = prepared[position + 1 : position + 3]
    return prepared[position - 1] == "s" and len(following) == 2 and following[0] == " " and following[1].islower()


def _faces_closing(text: str, position: int) -> bool:
    """True when a straight mark at ``position`` closes a quote: it ends a word and not starts one."""
    before = text[position - 1] if position > 0 else " "
    after = text[position + 1] if position + 1 < len(text) else " "
    return not before.isspace() and (after.isspace() or after in ",.;:!?)")


def _looks_like_title(text: str) -> bool:
    """A short quoted name in title case, e.g. a robot called "Better Idea of Afghan Girls"."""
    words = text.strip(" ,.").split()
    if not words or len(words) > 7:
        return False
    small = {"of", "the", "a", "an", "and", "in", "on", "for", "to", "at"}
    return all(word[0].isupper() or word in small or not word[0].isalpha() for word in words) and len(words) > 1


def _looks_like_term(doc, segment: QuoteSegment, quoted: str) -> bool:
    """A few words in single marks with no cue: a term set apart ("its 'legacy backlog'"), as
    American usage has it, rather than a quote."""
    return segment.open_mark >= 0 and doc.user_data["text"][segment.open_mark] == "'" and len(quoted.split()) < 4


def _tokens_between(doc, start: int, end: int):
    """The tokens starting within ``[start, end)`` of the paragraph, found by bisection."""
    starts = doc.user_data["token_starts"]
    return doc[bisect_left(starts, start) : bisect_left(starts, end)]


def _inside(token, segments: list[QuoteSegment]) -> bool:
    return token.i in token.doc.user_data["quoted"]


def _quote_claims(doc, segments: list[QuoteSegment], base: int, state: ClaimState) -> list[dict]:
    """Direct quotes with their cue and speaker; a quote split around its cue becomes one claim."""
    claims: list[dict] = []
    used_cues: set[int] = set()
    index = 0
    while index < len(segments):
        segment = segments[index]
        quoted = doc.user_data["text"][segment.start : segment.end]
        cue = _quote_cue(doc, segments, index, used_cues)
        parts = [segment]
        if cue is not None and index + 1 < len(segments):
            following = segments[index + 1]
            between = doc.user_data["text"][(segment.close_mark or segment.end) + 1 : following.open_mark].strip()
            # '"I think," she said, "that ..."': one quote either side of its cue.
            if quoted.rstrip().endswith(",") and between.endswith(",") and cue.idx < following.open_mark and len(between) < 80:
                parts.append(following)
                index += 1
        index += 1
        if cue is None and (_looks_like_title(quoted) or _looks_like_term(doc, segment, quoted)):
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
            claim["cue"] = _cue_span(cue, base)
            _set_speaker(claim, _speaker_of(doc, cue, state), base, state)
        elif state.lead_in is not None and parts[0].open_mark == 0:
            # 'Rathbun stated,' closing the previous paragraph introduces the quote opening this one.
            claim.update(state.lead_in)
        elif state.last_quote is not None and state.paragraph - state.quote_paragraph <= 2 and len(quoted.split()) >= 4:
            # A continuation: no cue of its own, so the previous quote's speaker goes on speaking
            # (a word or two in quotes is a term, not a continuation).
            for key in ("speaker_span", "speaker_text", "role"):
                claim[key] = state.last_quote[key]
        claim["score"] = _score(doc, [(p.start, p.end) for p in parts], base=0.35)
        claims.append(claim)
        state.last_quote = claim
        state.quote_paragraph = state.paragraph
    return claims


def _quote_cue(doc, segments: list[QuoteSegment], index: int, used: set[int]):
    """The speech verb introducing a quote: its parse head, else the nearest outside it."""
    segment = segments[index]
    inside = _tokens_between(doc, segment.start, segment.end)
    for token in inside:
        head = token.head
        if not (segment.start <= head.idx < segment.end) and _is_speech_verb(head) and head.i not in used and not _inside(head, segments):
            return head
    after_start = (segment.close_mark + 1) if segment.close_mark is not None else len(doc.user_data["text"])
    after_end = segments[index + 1].open_mark if index + 1 < len(segments) else len(doc.user_data["text"])
    before_start = (segments[index - 1].close_mark or segments[index - 1].end) + 1 if index > 0 else 0
    after = list(_tokens_between(doc, after_start, after_end))[:12]
    before = list(_tokens_between(doc, before_start, segment.open_mark))[-15:]
    # Stop the after-window at the end of its sentence: the next sentence is someone else's.
    for position, token in enumerate(after):
        if token.text in {".", "!", "?"} and position > 0:
            after = after[:position]
            break
    quoted = doc.user_data["text"][segment.start : segment.end].rstrip()
    ends_open = quoted.endswith((",", "?", "!", "-", "\u2014"))
    if not ends_open and after and not after[0].text[:1].islower():
        after = []  # '"... the end." After the match, X said': the verb belongs to the next quote
    windows = (after, reversed(before)) if ends_open or not before else (reversed(before), after)
    for window in windows:
        for token in window:
            if _is_speech_verb(token) and token.pos_ in ("VERB", "AUX") and token.i not in used:
                return token
    return None


def _is_speech_verb(token) -> bool:
    """A verb that introduces a quote; "called" in "so-called" only sets a term apart."""
    if token.lemma_.lower() not in SPEECH_VERBS:
        return False
    doc = token.doc
    return not (token.i >= 2 and doc[token.i - 1].text == "-" and doc[token.i - 2].lower_ == "so")


def _lead_in(doc, segments: list[QuoteSegment], base: int, state: ClaimState) -> dict | None:
    """The cue and speaker when a paragraph ends by introducing a quote ("Rathbun stated:")."""
    if not doc.user_data["text"].rstrip().endswith((",", ":")) or (segments and segments[-1].close_mark is None):
        return None
    words = [t for t in doc if not t.is_punct and not t.is_space]
    if not words or words[-1].lemma_.lower() not in SPEECH_VERBS or _inside(words[-1], segments):
        return None
    lead_in = {"cue": _cue_span(words[-1], base), "speaker_span": None, "speaker_text": "", "role": ""}
    _set_speaker(lead_in, _speaker_of(doc, words[-1], state), base, state)
    return lead_in


def _cue_span(cue, base: int) -> list[int]:
    """The cue verb's span, with a particle such as "out" in "pointed out"."""
    end = cue.idx + len(cue.text)
    for child in cue.children:
        if child.dep_ == "prt" and child.i == cue.i + 1:
            end = child.idx + len(child.text)
    return [base + cue.idx, base + end]


# Speakers


def _entity_covering(doc, token):
    for span in doc.user_data["ents"]:
        if span.start <= token.i < span.end and span.label_ in SPEAKER_LABELS:
            return span
    return None


def _speaker_of(doc, verb, state: ClaimState) -> tuple | None:
    """``(start, end, text, role)`` of who speaks through ``verb`` (paragraph offsets), if found.

    The subject of the verb (also when inverted: "said Isedua Oribhabor"), the agent of a
    passive, or the subject of the verb it is coordinated with; a role in apposition is kept.
    """
    seen = set()
    while verb is not None and verb.i not in seen:
        seen.add(verb.i)
        for child in verb.children:
            if child.dep_ in ("nsubj", "csubj"):
                return _noun_phrase_speaker(doc, child, state)
        for child in verb.children:
            if child.dep_ == "agent":
                objects = [c for c in child.children if c.dep_ == "pobj"]
                if objects:
                    return _noun_phrase_speaker(doc, objects[0], state)
        verb = verb.head if verb.dep_ in ("conj", "xcomp", "advcl", "ccomp", "relcl") and verb.head.i != verb.i else None
    return None


def _noun_phrase_speaker(doc, head, state: ClaimState) -> tuple:
    """The speaker a subject names: an entity in it or in apposition, a pronoun's antecedent, or its text."""
    pronoun = head.lower_
    if head.pos_ == "PRON":
        if pronoun in ("who", "that", "which") and head.head.dep_ == "relcl" and head.head.head.i != head.i:
            return _noun_phrase_speaker(doc, head.head.head, state)  # "X, who told ...": X
        at = doc.user_data["base"] + head.idx
        before = [span for span in state.persons if span[1] <= at]
        if pronoun in THIRD_PERSON and before:
            return ("abs", before[-1][0], before[-1][1], "")
        return (head.idx, head.idx + len(head.text), head.text, "")
    appositions = [c for c in head.children if c.dep_ == "appos"]
    own = _entity_covering(doc, head)
    if own is not None:
        role = " ".join(_phrase_with_entities(doc, a).text for a in appositions)
        return (own.start_char, own.end_char, own.text, role)
    phrase = doc[head.left_edge.i : head.i + 1]
    for apposition in appositions:
        named = _entity_in(doc, apposition)
        if named is not None:
            return (named.start_char, named.end_char, named.text, phrase.text)
    # "the chief economist at Acme Bank, Jane Doe": a person anywhere in the phrase is the speaker.
    named = _entity_in(doc, head, labels=("PERSON",)) or _entity_in(doc, head, stop_at={"relcl", "appos", "acl", "prep"})
    if named is not None:
        role = doc[head.left_edge.i : named.start].text.strip(" ,")
        return (named.start_char, named.end_char, named.text, role)
    return (phrase.start_char, phrase.end_char, phrase.text, "")


def _phrase_with_entities(doc, head):
    """``head``'s subtree, extended to the end of an entity it cuts ("at Access" + "Now")."""
    end = head.right_edge.i + 1
    for span in doc.user_data["ents"]:
        if span.start < end < span.end:
            end = span.end
    return doc[head.left_edge.i : end]


def _entity_in(doc, head, stop_at: set[str] | None = None, labels: tuple[str, ...] = SPEAKER_LABELS):
    """The first entity within ``head``'s subtree with the earliest of ``labels`` (PERSON first)."""
    tokens = []
    stack = [head]
    while stack:
        token = stack.pop()
        tokens.append(token)
        stack.extend(c for c in token.children if not stop_at or c.dep_ not in stop_at)
    found = [_entity_covering(doc, t) for t in tokens]
    found = [span for span in found if span is not None]
    for label in labels:
        for span in sorted(found, key=lambda s: s.start):
            if span.label_ == label:
                return span
    return None


def _set_speaker(claim: dict, speaker: tuple | None, base: int, state: ClaimState) -> None:
    """Record a speaker found in the paragraph (or, tagged "abs", earlier in the document)."""
    if speaker is None:
        return
    if speaker[0] == "abs":
        _, start, end, role = speaker
        claim["speaker_span"] = [start, end]
        claim["speaker_text"] = ""
        claim["role"] = role
        return
    start, end, text, role = speaker
    claim["speaker_span"] = [base + start, base + end]
    claim["speaker_text"] = text
    claim["role"] = role


# Reported speech, "according to", evidence, assertions


def _sentence_bounds(sentence) -> tuple[int, int]:
    """A sentence's span without outer spaces or an opening quote mark."""
    text = sentence.doc.user_data["text"][sentence.start_char : sentence.end_char]
    start = sentence.start_char + len(text) - len(text.lstrip(' "\''))
    end = sentence.end_char - (len(text) - len(text.rstrip()))
    return start, end


def _reported_claims(doc, segments: list[QuoteSegment], base: int, state: ClaimState) -> list[dict]:
    """"X announced that ..." and "according to X, ..." outside quotes."""
    claims = []
    reported_contents: list[tuple[int, int]] = []
    for token in doc:
        if _inside(token, segments):
            continue
        if any(start <= token.idx < end for start, end in reported_contents):
            continue  # "X said she believed ...": the outer report already holds the inner one
        if token.lemma_.lower() in REPORTING_VERBS and token.pos_ in ("VERB", "AUX"):
            clauses = [c for c in token.children if c.dep_ == "ccomp"]
            if not clauses:
                continue
            clause = clauses[0]
            content = (clause.left_edge.idx, clause.right_edge.idx + len(clause.right_edge.text))
            if any(s.start < content[1] and content[0] < s.end for s in segments):
                continue  # the quote rules cover it
            claim = {"type": "reported", "cue": _cue_span(token, base), "content": [[base + content[0], base + content[1]]],
                     "speaker_span": None, "speaker_text": "", "role": ""}
            subject = next((c for c in token.children if c.dep_ == "nsubj"), None)
            if subject is not None and subject.lemma_.lower() in EVIDENCE_NOUNS:
                # "The report says that ...": evidence, credited to whoever made the report.
                claim["type"] = "evidence"
                _set_speaker(claim, _evidence_source(doc, subject, state), base, state)
            else:
                _set_speaker(claim, _speaker_of(doc, token, state), base, state)
            reported_contents.append(content)
            starts = [content[0], token.idx]
            if subject is not None:
                starts.append(subject.left_edge.idx)
            if claim["speaker_span"] and claim["speaker_span"][0] - base >= token.sent.start_char:
                starts.append(claim["speaker_span"][0] - base)
            claim["start"], claim["end"] = base + min(starts), base + content[1]
            claim["score"] = _score(doc, [content], base=0.55 if claim["type"] == "evidence" else 0.45)
            claims.append(claim)
        elif token.lower_ == "according":
            to = [c for c in token.children if c.lower_ == "to"]
            objects = [c for t in to for c in t.children if c.dep_ == "pobj"]
            if not objects:
                continue
            phrase_start, phrase_end = token.idx, objects[0].right_edge.idx + len(objects[0].right_edge.text)
            sentence_start, sentence_end = _sentence_bounds(token.sent)
            content = []
            before = doc.user_data["text"][sentence_start:phrase_start].rstrip(" ,")
            if before.strip():
                content.append((sentence_start, sentence_start + len(before)))
            after_start = phrase_end + len(doc.user_data["text"][phrase_end:sentence_end]) - len(doc.user_data["text"][phrase_end:sentence_end].lstrip(" ,"))
            if after_start < sentence_end:
                content.append((after_start, sentence_end))
            if not content:
                continue
            claim = {"type": "reported", "cue": [base + token.idx, base + to[0].idx + len(to[0].text)],
                     "content": [[base + s, base + e] for s, e in content], "speaker_span": None, "speaker_text": "", "role": ""}
            if objects[0].lemma_.lower() in EVIDENCE_NOUNS:
                # "According to a 2020 report by the WHO, ...": evidence from whoever made it.
                claim["type"] = "evidence"
                _set_speaker(claim, _evidence_source(doc, objects[0], state), base, state)
            else:
                _set_speaker(claim, _noun_phrase_speaker(doc, objects[0], state), base, state)
            claim["start"], claim["end"] = base + sentence_start, base + sentence_end
            claim["score"] = _score(doc, content, base=0.55 if claim["type"] == "evidence" else 0.45)
            claims.append(claim)
    return claims


def _evidence_source(doc, noun, state: ClaimState) -> tuple | None:
    """Who produced a study: "by X", "from X", "X's study", or a named entity inside the phrase."""
    for child in noun.children:
        if child.dep_ == "prep" and child.lower_ in ("by", "from"):
            objects = [c for c in child.children if c.dep_ == "pobj"]
            if objects:
                obj = objects[0]
                conjuncts = [c for c in obj.children if c.dep_ == "conj"]
                if conjuncts:
                    # "Research by Joy Buolamwini and Deborah Raji": the whole list speaks.
                    span = doc[obj.left_edge.i : conjuncts[-1].right_edge.i + 1]
                    return (span.start_char, span.end_char, span.text, "")
                return _noun_phrase_speaker(doc, obj, state)
        if child.dep_ == "poss":
            return _noun_phrase_speaker(doc, child, state)
    return None


def _evidence_and_assertions(doc, segments: list[QuoteSegment], base: int, state: ClaimState, found: list[dict]) -> list[dict]:
    """Evidence sentences (a study or report as subject) and other check-worthy sentences."""
    claims = []
    covered = [(c["start"] - base, c["end"] - base) for c in found]
    for sentence in doc.sents:
        start, end = _sentence_bounds(sentence)
        if end <= start or any(s.start <= start and end <= s.end for s in segments):
            continue
        if any(s.open_mark <= start < s.end or s.open_mark < end <= s.end for s in segments):
            continue  # a sentence holding a quote: the quote is the claim
        evidence = next(
            (
                t for t in sentence
                if t.dep_ == "nsubj" and t.lemma_.lower() in EVIDENCE_NOUNS and t.head.lemma_.lower() not in NOT_FINDINGS and not _inside(t, segments)
            ),
            None,
        )
        if evidence is not None and any(s <= evidence.idx < e for s, e in covered):
            continue
        if evidence is not None:
            claim = {"type": "evidence", "start": base + start, "end": base + end, "content": [[base + start, base + end]],
                     "cue": [base + evidence.idx, base + evidence.idx + len(evidence.text)],
                     "speaker_span": None, "speaker_text": "", "role": ""}
            _set_speaker(claim, _evidence_source(doc, evidence, state), base, state)
            claim["score"] = _score(doc, [(start, end)], base=0.55)
            claims.append(claim)
            continue
        if any(s < end and start < e for s, e in covered):
            continue  # a sentence holding a report or evidence is claimed once
        score = _score(doc, [(start, end)], base=0.2)
        words = [t for t in sentence if t.is_alpha]
        if len(words) < 6 or sentence.text.rstrip().endswith("?") or not any(t.pos_ in ("VERB", "AUX") for t in sentence):
            continue
        if score >= ASSERTION_THRESHOLD:
            claims.append({"type": "assertion", "start": base + start, "end": base + end, "content": [[base + start, base + end]],
                           "cue": None, "speaker_span": None, "speaker_text": "", "role": "", "score": score})
    return claims


# Sentences below this check-worthiness are not suggested as assertions.
ASSERTION_THRESHOLD = 0.5
_FIRST_PERSON = re.compile(r"(?i)\b(i|we|you|my|our)\b")
_COMPARISON = re.compile(r"(?i)\b(more|less|fewer|most|least|record|first|only|every|all|never|always|no longer|highest|lowest|largest|biggest)\b")


def _score(doc, ranges: list[tuple[int, int]], base: float) -> float:
    """Check-worthiness in 0..1: numbers, dates, names, comparisons and superlatives add to it."""
    tokens = [t for s, e in ranges for t in _tokens_between(doc, s, e)]
    if not tokens:
        return round(base, 2)
    text = " ".join(doc.user_data["text"][s:e] for s, e in ranges)
    labels = {t.ent_type_ for t in tokens}
    tags = {t.tag_ for t in tokens}
    score = base
    if labels & {"PERCENT", "MONEY", "QUANTITY"}:
        score += 0.25  # amounts and rates are what fact-checkers check first
    elif labels & NUMERIC_LABELS or "CD" in tags:
        score += 0.15
    if "DATE" in labels:
        score += 0.1
    if labels & {"PERSON", "ORG", "GPE", "NORP", "LAW"}:
        score += 0.1
    if tags & {"JJR", "JJS", "RBR", "RBS"} or _COMPARISON.search(text):
        score += 0.15
    if _FIRST_PERSON.search(text):
        score -= 0.1  # opinions in the first person are harder to check
    if len(tokens) < 8:
        score -= 0.1
    return round(min(1.0, max(0.0, score)), 2)
