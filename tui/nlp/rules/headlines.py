"""Headlines that attribute: "Merkel: Europe must act", "Trump Says He Will Veto Bill", "EU to ban
Russian oil, officials say".

The small model parses headlines badly (title case, no finite verb), so these are matched on the
words: a short line with no closing full stop, whose source is a name or a noun that can speak.
They are tried only where the parse-based rules found no attribution in the line.
"""

from __future__ import annotations

import re

from tui.nlp.rules.checkworthiness import score
from tui.nlp.rules.context import ParagraphContext
from tui.nlp.rules.lexicon import BODY_NOUNS, PERSON_NOUNS, SOURCE_NOUNS, SPEAKER_LABELS, SPEECH_VERBS
from tui.nlp.rules.speakers import Speaker, set_speaker
from tui.nlp.rules.speech_acts import SPEECH_ACTS

# At most this many words in a headline, and in its source.
MAX_HEADLINE_WORDS = 18
MAX_SOURCE_WORDS = 5
# "Analysis: ...", "Exclusive: ...": a label for the kind of article, not a source.
_GENRES = {
    "analysis", "exclusive", "update", "updated", "breaking", "opinion", "editorial", "review", "watch", "live",
    "explainer", "factbox", "timeline", "video", "photos", "pictures", "interview", "obituary", "correction", "comment",
    "feature", "podcast", "quiz", "sport", "sports", "business", "world", "politics", "news", "focus", "insight",
}
# Verbs whose content is a to-infinitive ("vows to ..."): a headline cue only before "to".
_WITH_TO = {lemma for lemma, parts in SPEECH_ACTS.items() if parts == {"to"}}


def _forms(lemma: str) -> set[str]:
    """A verb and its third person singular ("say", "says"; "deny", "denies")."""
    if lemma.endswith(("s", "sh", "ch", "x", "z", "o")):
        return {lemma, lemma + "es"}
    if lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        return {lemma, lemma[:-1] + "ies"}
    return {lemma, lemma + "s"}


_CUE_WORDS = {form for lemma in SPEECH_VERBS | set(SPEECH_ACTS) for form in _forms(lemma)} | {"said", "told"}
# Speech verbs as a title-case headline writes them, which are never part of a name ("Biden Vows
# To ..."); forms that are also plural nouns ("Claims", "Appeals", "States") are left out.
HEADLINE_VERBS = {
    "Says", "Tells", "Warns", "Urges", "Vows", "Denies", "Accuses", "Slams", "Insists", "Admits", "Confirms",
    "Pledges", "Promises", "Threatens", "Announces", "Rejects", "Praises", "Criticizes", "Criticises", "Condemns",
    "Defends", "Declares", "Argues", "Predicts", "Reveals", "Explains", "Asks", "Seeks", "Wants", "Hails",
    "Dismisses", "Decries", "Denounces", "Welcomes", "Concedes", "Suggests", "Acknowledges",
}
_WORD = re.compile(r"[\w'\u2019.-]+")
_TRAILING_SOURCE = re.compile(r",\s+((?:[\w'\u2019.-]+\s+){0,4}[\w'\u2019.-]+)\s+(says|say|said|warns|warn|claims|claim)\s*$", re.IGNORECASE)


def is_headline(text: str) -> bool:
    """A single short line with no full stop, question or exclamation mark, colon or comma at its end."""
    stripped = text.strip()
    return (
        bool(stripped) and "\n" not in stripped and len(stripped.split()) <= MAX_HEADLINE_WORDS
        and not stripped.endswith((".", "?", "!", "\u2026", ":", ",", ";")) and stripped[0].isupper()
    )


def headline_claims(context: ParagraphContext, found: list[dict]) -> list[dict]:
    """The attribution a headline makes, when the parse found none in it: "X: Y", "X says Y",
    "Y, X say"."""
    text = context.text
    if not is_headline(text) or any(c["type"] in ("quote", "reported", "evidence") for c in found):
        return []
    for match in (_colon, _verb, _trailing):
        claim = match(context)
        if claim is not None:
            return [claim]
    return []


def _colon(context: ParagraphContext) -> dict | None:
    """"Mayor: flood barriers will not be ready": the source before the colon, the rest said."""
    text = context.text
    colon = text.find(":")
    if colon <= 0:
        return None
    source_end = len(text[:colon].rstrip())
    content_start = colon + 1 + len(text[colon + 1 :]) - len(text[colon + 1 :].lstrip())
    if not _can_be_source(context, 0, source_end) or len(text[content_start:].split()) < 3:
        return None
    return _claim(context, (0, source_end), (colon, colon + 1), (content_start, len(text.rstrip())))


def _verb(context: ParagraphContext) -> dict | None:
    """"Trump Says He Will Veto Defense Bill": a speech verb after a source of a few words."""
    text = context.text
    words = list(_WORD.finditer(text))
    for index, word in enumerate(words[1 : MAX_SOURCE_WORDS + 1], start=1):
        form = word.group().lower()
        if form not in _CUE_WORDS:
            continue
        rest = words[index + 1 :]
        if len(rest) < 2 or (_lemma_needs_to(form) and rest[0].group().lower() != "to"):
            continue
        if form in ("call", "calls") and rest[0].group().lower() != "for":
            continue  # "calls" alone is as often a noun
        if not _can_be_source(context, 0, words[index - 1].end()):
            return None
        return _claim(context, (0, words[index - 1].end()), word.span(), (rest[0].start(), len(text.rstrip())))
    return None


def _trailing(context: ParagraphContext) -> dict | None:
    """"EU to ban Russian oil imports, officials say": the source and verb after the content."""
    text = context.text.rstrip()
    match = _TRAILING_SOURCE.search(text)
    if match is None or not _can_be_source(context, match.start(1), match.end(1)):
        return None
    return _claim(context, match.span(1), match.span(2), (0, match.start()))


def _lemma_needs_to(form: str) -> bool:
    """True for an intention verb ("vows", "plans") whose content must be a to-infinitive."""
    return any(form in _forms(lemma) for lemma in _WITH_TO)


def _can_be_source(context: ParagraphContext, start: int, end: int) -> bool:
    """A name (a model entity with a speaker label), a noun that can speak ("Police", "UN chief",
    "Reports"), or one capitalised word the text never writes in lower case and that no entity
    calls a place ("Merkel"); never a label such as "Analysis"."""
    words = context.text[start:end].split()
    if not words or len(words) > MAX_SOURCE_WORDS:
        return False
    # The head of "Local municipalities in Italy" is the word before the preposition.
    head = next((words[i - 1] for i in range(1, len(words)) if words[i] in ("in", "of", "at", "from", "for")), words[-1])
    head = head.lower().strip("'\u2019")
    if head in _GENRES or words[0].lower() in _GENRES:
        return False
    inside = [span for span in context.ents if span.start_char < end and start < span.end_char]
    if any(span.label_ in ("GPE", "LOC", "DATE", "TIME", "FAC") and span.start_char <= start and end <= span.end_char for span in inside):
        return False  # "Lebanon: ...": a dateline
    if any(span.label_ in SPEAKER_LABELS and span.label_ != "GPE" for span in inside):
        return True
    nouns = SOURCE_NOUNS | PERSON_NOUNS | BODY_NOUNS
    singular = head[:-3] + "y" if head.endswith("ies") else head[:-1] if head.endswith("s") else head
    if head in nouns or singular in nouns:
        return True
    word = words[0]
    return len(words) == 1 and word[:1].isupper() and word.isalpha() and word.lower() not in context.state.common


def _claim(context: ParagraphContext, source: tuple[int, int], cue: tuple[int, int], content: tuple[int, int]) -> dict:
    """A reported claim of the headline, with its source as the speaker."""
    base = context.base
    claim = {"type": "reported", "start": base + min(source[0], content[0]), "end": base + max(source[1], content[1]),
             "content": [[base + content[0], base + content[1]]], "cue": [base + cue[0], base + cue[1]],
             "speaker_span": None, "speaker_text": "", "role": ""}
    # "Local municipalities in Italy": the speakers are the municipalities, not Italy.
    phrase = context.text[source[0] : source[1]]
    cut = re.search(r"\s(?:in|of|at|from|for)\s", phrase)
    if cut is not None:
        source = (source[0], source[0] + cut.start())
    named = next((s for s in context.ents if source[0] <= s.start_char and s.end_char <= source[1] and s.label_ in SPEAKER_LABELS), None)
    label = named.label_ if named is not None and (named.start_char, named.end_char) == source else ""
    set_speaker(claim, Speaker(source[0], source[1], context.text[source[0] : source[1]], label=label), context)
    claim["score"] = score(context, [content], base=0.45)
    return claim
