"""Suggestions for a document: entity mentions grouped into entities, and claims.

The model's raw analysis (see :mod:`tui.nlp.analysis`) is turned into annotations paragraph by
paragraph; user corrections from the gazetteer are applied on top, so they take effect even when
the analysis comes from the cache. A final batch adds document-level consistency: a string
recognised once is suggested at each of its mentions.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from tui.model.annotation import CLAIM, ENTITY, SUGGESTED, Annotation, Entity
from tui.model.claims import checkworthiness_problem, claim_attrs
from tui.model.document import Document
from tui.model.fields import checked, kind_of, name_problem, offset_problem, optional, quoted, span_problem, spans_problem, text_problem
from tui.model.mentions import canonical_name
from tui.model.span_index import SpanIndex
from tui.nlp.analysis import ANALYSIS_VERSION, analyse, non_blank_paragraphs
from tui.nlp.pipeline import Pipeline

GAZETTEER_ORIGIN = "gazetteer"
# The consistency pass hands over its mentions this many at a time.
CONSISTENCY_BATCH = 1000
# The most suggestions held while the app stores (merged; past it, the model waits).
MERGED_SUGGESTIONS = 250
# The most the app stores in one turn of its loop: what is handed over is cut into pieces this
# big, each posted once the one before is stored and drawn, so that a key pressed meanwhile waits
# for one piece (3–6 ms, its redraw 8–16 ms at 1k words), not for a merged batch and one long
# redraw (40–70 ms: docs/benchmarks.md, "The 1k bar").
STORED_AT_ONCE = 50
# Batches handed to the app are at least this far apart (those that come sooner are merged):
# each store redraws the article, and while the model streams those redraws, not the stores
# themselves, were most of the app thread's work (py-spy, 100,000 words, 14 batches a second).
POST_PAUSE_SECONDS = 0.2


@dataclass
class SuggestionBatch:
    """Suggestions from one paragraph (or the final consistency pass), with progress."""

    done: int
    total: int
    annotations: list[Annotation] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    final: bool = False
    # A piece of a bigger batch that more pieces follow (see pieces): the app is not done with
    # it, whatever its progress says.
    continued: bool = False
    # The model's finished analysis and its cache key, on the batch :func:`cached_suggestions`
    # yields after the model's last: whoever takes it (take_analysis) stores it, else that does.
    analysis: tuple[str, list] | None = None

    def take_analysis(self) -> tuple[str, list] | None:
        """The analysis to cache, if this batch carries it; taken, it is the taker's to store
        (the app stores it on its own thread, never the model's)."""
        analysis, self.analysis = self.analysis, None
        return analysis

    @classmethod
    def merged(cls, batches: list[SuggestionBatch]) -> SuggestionBatch:
        """Several batches as one, with the progress of the last: stored in one write."""
        last = batches[-1]
        annotations = [annotation for batch in batches for annotation in batch.annotations]
        entities = list({entity.entity_id: entity for batch in batches for entity in batch.entities}.values())
        return cls(last.done, last.total, annotations, entities, final=any(batch.final for batch in batches))

    def pieces(self, most: int) -> Iterator[SuggestionBatch]:
        """This batch in consecutive pieces of at most ``most`` suggestions, each with the
        entities its suggestions name; the last has the rest, and all but the last are
        ``continued``."""
        if len(self.annotations) <= most:
            yield self
            return
        for start in range(0, len(self.annotations) - most, most):
            part = self.annotations[start : start + most]
            named = {a.attrs.get("entity_id") for a in part} | {a.attrs.get("speaker") for a in part}
            yield SuggestionBatch(self.done, self.total, part, [e for e in self.entities if e.entity_id in named], continued=True)
        yield SuggestionBatch(self.done, self.total, self.annotations[start + most :], self.entities, final=self.final)


class BatchHandoff:
    """Suggestion batches on their way from the model's thread to the app's.

    While the app is still storing the batch posted last, or less than ``pause`` seconds have
    passed since it was posted, the next ones are held and merged (up to ``most`` suggestions;
    past that the model waits). What is released is handed over in pieces of at most ``piece``
    suggestions, each once the app has stored the one before. The app's queue never holds more
    than one piece, however far ahead the model gets, so a key pressed meanwhile, ``q``
    included, waits for one piece's storing at most.
    """

    def __init__(self, most: int = MERGED_SUGGESTIONS, pause: float = POST_PAUSE_SECONDS, clock: Callable[[], float] = time.monotonic,
                 piece: int = STORED_AT_ONCE) -> None:
        self.most = most
        self.piece = piece
        self.pause = pause
        self._clock = clock
        self._posted = -pause  # when the last batch was handed over: the first goes at once
        self._stored = threading.Event()
        self._stored.set()
        self._held: list[SuggestionBatch] = []
        self._held_suggestions = 0

    def offer(self, batch: SuggestionBatch, cancelled: Callable[[], bool]) -> Iterator[SuggestionBatch]:
        """The model's side: the batches to post now, one at a time (the next waits until the
        app has stored the one before); none while the app is busy or the last was posted less
        than ``pause`` ago and fewer than ``most`` are held, and no more once ``cancelled``
        turns true during a wait."""
        self._held.append(batch)
        self._held_suggestions += len(batch.annotations)
        waiting = not self._stored.is_set() or self._clock() - self._posted < self.pause
        if waiting and self._held_suggestions < self.most and not batch.final:
            return iter(())
        return self._release(cancelled)

    def rest(self, cancelled: Callable[[], bool]) -> Iterator[SuggestionBatch]:
        """What is still held once the model has finished (nothing when nothing is)."""
        return self._release(cancelled) if self._held else iter(())

    def stored(self) -> None:
        """The app's side: the batch posted last is stored, the next may come."""
        self._stored.set()

    def _release(self, cancelled: Callable[[], bool]) -> Iterator[SuggestionBatch]:
        held, self._held, self._held_suggestions = self._held, [], 0
        for piece in SuggestionBatch.merged(held).pieces(self.piece):
            while not self._stored.wait(0.05):
                if cancelled():
                    return
            self._stored.clear()
            self._posted = self._clock()
            yield piece


def stable_id(prefix: str, *parts: object) -> str:
    """An id that is the same for the same parts, so repeated runs agree."""
    digest = hashlib.sha1("\x1f".join(str(part) for part in parts).encode("utf-8")).hexdigest()
    return f"{prefix}-{digest[:12]}"


def phrase_pattern(phrases: list[str]) -> re.Pattern | None:
    """One pattern matching any of ``phrases`` as whole words, the longest where several start at
    one place; ``None`` for none.

    The phrases are written as a trie (a beginning they share is written once), so the search
    costs about the same for 5 or 5,000 phrases: as a plain alternation every phrase was tried at
    every word (7 s for 5,000 names over 2.4 MB, 0.2 s as a trie).
    """
    trie: dict[str, dict] = {}
    for phrase in {p for p in phrases if p.strip()}:
        node = trie
        for character in phrase:
            node = node.setdefault(character, {})
        node[""] = {}  # a phrase ends here
    if not trie:
        return None
    try:
        alternatives = _trie_pattern(trie)
    except RecursionError:  # thousands of phrases each one character longer than the last
        alternatives = "|".join(re.escape(p) for p in sorted({p for p in phrases if p.strip()}, key=len, reverse=True))
    return re.compile(rf"(?<![\w])(?:{alternatives})(?![\w])")


def _trie_pattern(node: dict[str, dict]) -> str:
    """The pattern of the phrases' rests below a trie node: one branch per next character, each
    a run of characters no phrase leaves, then its own rests; optional (and tried longer first,
    so the longest phrase wins) where a phrase ends at the node."""
    branches = []
    for character, child in sorted(item for item in node.items() if item[0]):
        run = character
        while len(child) == 1 and "" not in child:
            [(character, child)] = child.items()
            run += character
        branches.append(re.escape(run) + _trie_pattern(child))
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
    return f"(?:{body})?" if "" in node else body


def find_any(text: str, pattern: re.Pattern | None) -> Iterator[tuple[int, int, str]]:
    """Every occurrence of a :func:`phrase_pattern` in ``text``, in one pass and as it is found
    (what :func:`~tui.model.mentions.find_mentions` finds for each phrase, all at once)."""
    return iter(()) if pattern is None else ((m.start(), m.end(), m.group()) for m in pattern.finditer(text))


class _Assembler:
    """Builds annotations and entities from raw paragraph records, remembering the document so far."""

    def __init__(self, document: Document, gazetteer: list[dict], origin: str) -> None:
        self.document = document
        self.origin = origin
        # The latest correction of a text wins (the store lists corrections oldest first).
        self.gazetteer = {entry["text"]: entry["label"] for entry in gazetteer if entry.get("text", "").strip()}
        self._gazetteer_pattern = phrase_pattern(list(self.gazetteer))
        self._surname_pattern: tuple[tuple[str, ...], re.Pattern | None] = ((), None)
        self.mentions: SpanIndex[Annotation] = SpanIndex()
        self.entities: dict[str, Entity] = {}
        self.surnames: dict[str, str] = {}
        self.recognised: dict[str, Counter] = {}

    # Entities

    def _entity(self, text: str, label: str) -> Entity:
        """The canonical entity of a mention, created on first sight; a surname joins its full name."""
        name = canonical_name(text)
        if label == "PERSON" and " " not in name and name in self.surnames:
            entity = self.entities[self.surnames[name]]
        else:
            entity_id = stable_id("e", self.document.doc_id, label, name.lower())
            entity = self.entities.get(entity_id)
            if entity is None:
                entity = Entity(doc_id=self.document.doc_id, name=name, label=label, entity_id=entity_id)
                self.entities[entity_id] = entity
                if label == "PERSON" and " " in name:
                    self.surnames.setdefault(name.split()[-1], entity_id)
        if text != entity.name and text not in entity.aliases:
            entity.aliases.append(text)
        return entity

    def _mention(self, start: int, end: int, label: str, origin: str) -> Annotation:
        text = self.document.text[start:end]
        entity = self._entity(text, label)
        annotation = Annotation.on_text(
            self.document.doc_id, self.document.text, ENTITY, label, start, end,
            id=stable_id("s", self.document.doc_id, ENTITY, label, start, end),
            status=SUGGESTED, origin=origin, attrs={"entity_id": entity.entity_id},
        )
        self.mentions.add(annotation)
        return annotation

    def _free(self, start: int, end: int) -> bool:
        return not self.mentions.overlapping(start, end)

    def entity_mentions(self, raw: dict) -> list[Annotation]:
        """The paragraph's mentions: gazetteer corrections first, then the model's, then surnames."""
        text = self.document.text
        start, end = raw["start"], raw["end"]
        paragraph = text[start:end]
        added: list[Annotation] = []
        for s, e, phrase in find_any(paragraph, self._gazetteer_pattern):
            if self._free(start + s, start + e):
                added.append(self._mention(start + s, start + e, self.gazetteer[phrase], GAZETTEER_ORIGIN))
        for s, e, label in raw["entities"]:
            if not self._free(s, e):
                continue
            name = canonical_name(text[s:e])
            if " " not in name and name in self.surnames and label != "PERSON":
                label = "PERSON"  # "said Oribhabor" after "Isedua Oribhabor": the model may say ORG
            added.append(self._mention(s, e, label, self.origin))
            self.recognised.setdefault(text[s:e], Counter())[label] += 1
        surnames = tuple(self.surnames)
        if surnames != self._surname_pattern[0]:
            self._surname_pattern = (surnames, phrase_pattern(list(surnames)))
        for s, e, _ in find_any(paragraph, self._surname_pattern[1]):
            if self._free(start + s, start + e):
                added.append(self._mention(start + s, start + e, "PERSON", self.origin))
        return sorted(added, key=lambda a: a.start)

    # Claims

    def claim(self, raw_claim: dict) -> Annotation:
        """A claim annotation; its speaker is the entity of the mention at the speaker span, if any."""
        speaker = raw_claim["speaker_text"]
        span = raw_claim["speaker_span"]
        # A pronoun speaker keeps its span; the entity is the one of the name it stands for.
        entity_span = raw_claim.get("speaker_resolved") or span
        if span is not None:
            at_span = [a for a in self.mentions.overlapping(*entity_span) if a.label in ("PERSON", "ORG", "NORP", "GPE", "PRODUCT")]
            covering = sorted(at_span, key=lambda a: (a.label != "PERSON", -(a.end - a.start)))
            if covering and len({a.attrs["entity_id"] for a in covering}) == 1:
                speaker = covering[0].attrs["entity_id"]
            elif covering and not speaker:
                speaker = covering[0].attrs["entity_id"]
            # Else several entities speak ("Joy Buolamwini and Deborah Raji"): the text stays.
            elif not speaker:
                speaker = self.document.text[span[0] : span[1]]
        attrs = claim_attrs(
            raw_claim["start"], raw_claim["end"], raw_claim["type"],
            speaker=speaker, speaker_span=span, cue=raw_claim["cue"], content=raw_claim["content"], checkworthiness=raw_claim["score"],
        )
        if raw_claim.get("role"):
            attrs["speaker_role"] = raw_claim["role"]
        return Annotation.on_text(
            self.document.doc_id, self.document.text, CLAIM, raw_claim["type"], raw_claim["start"], raw_claim["end"],
            id=stable_id("s", self.document.doc_id, CLAIM, raw_claim["type"], raw_claim["start"], raw_claim["end"]),
            status=SUGGESTED, origin=self.origin, attrs=attrs,
        )

    def batch(self, raw: dict, done: int, total: int) -> SuggestionBatch:
        """The suggestions of one analysed paragraph."""
        annotations = self.entity_mentions(raw)
        annotations += [self.claim(raw_claim) for raw_claim in raw["claims"]]
        return SuggestionBatch(done, total, annotations, self._entities_of(annotations))

    def consistency(self, total: int) -> Iterator[SuggestionBatch]:
        """Every other mention of a string the model recognised once, with its most frequent
        label, in text order and in batches of at most ``CONSISTENCY_BATCH`` (the last one
        final): a book's tens of thousands are stored, and the work can stop, a piece at a time."""
        added: list[Annotation] = []
        phrases = [p for p in self.recognised if len(p) >= 2 and any(ch.isupper() or ch.isdigit() for ch in p)]
        for s, e, phrase in find_any(self.document.text, phrase_pattern(phrases)):
            if self._free(s, e):
                added.append(self._mention(s, e, self.recognised[phrase].most_common(1)[0][0], self.origin))
                if len(added) == CONSISTENCY_BATCH:
                    yield SuggestionBatch(total, total, added, self._entities_of(added))
                    added = []
        yield SuggestionBatch(total, total, added, self._entities_of(added), final=True)

    def _entities_of(self, annotations: list[Annotation]) -> list[Entity]:
        wanted = {a.attrs.get("entity_id") for a in annotations} | {a.attrs.get("speaker") for a in annotations}
        return [entity for entity_id, entity in self.entities.items() if entity_id in wanted]


def assemble(document: Document, raws: Iterable[dict], gazetteer: list[dict], origin: str) -> Iterator[SuggestionBatch]:
    """Suggestion batches from raw paragraph records, then the consistency batches (the last final)."""
    total = len(non_blank_paragraphs(document))
    assembler = _Assembler(document, gazetteer, origin)
    done = 0
    for raw in raws:
        done += 1
        yield assembler.batch(raw, done, total)
    yield from assembler.consistency(total)


def iter_suggestions(document: Document, pipeline: Pipeline, gazetteer: list[dict] | None = None) -> Iterator[SuggestionBatch]:
    """Entity and claim suggestions for ``document``, one batch per paragraph as spaCy finishes it.

    ``gazetteer`` holds the user's corrections (``{"text", "label"}``), suggested at every mention.
    """
    return assemble(document, analyse(document, pipeline), gazetteer or [], pipeline.origin)


def cache_key(document: Document, pipeline: Pipeline) -> str:
    """The cache key of a document's analysis: its text hash, the model and the rules' version."""
    return f"nlp:{document.sha256}:{pipeline.name}@{pipeline.version}:rules{ANALYSIS_VERSION}"


def analysis_record(document: Document, pipeline: Pipeline) -> dict:
    """The model's raw analysis of ``document`` (what :func:`cached_suggestions` caches) with what
    it was made from: the text's SHA-256, the model's name and version and the rules' version.
    Runs the model; the record can be shipped with a fixed text and used by
    :func:`shipped_analysis` where that model is installed."""
    return {
        "sha256": document.sha256,
        "model": pipeline.name,
        "model_version": pipeline.version,
        "analysis_version": ANALYSIS_VERSION,
        "analysis": json.loads(json.dumps(list(analyse(document, pipeline)))),
    }


def shipped_analysis(record: dict, document: Document, installed: Pipeline) -> list[dict] | None:
    """The analysis in an :func:`analysis_record` when it was made for exactly this text, with
    the ``installed`` model (same name and version) and the current rules; otherwise ``None``, and
    the model has to run. Needs no spaCy: ``installed`` may be a named but unloaded pipeline."""
    made_with = (record.get("sha256"), record.get("model"), record.get("model_version"), record.get("analysis_version"))
    if made_with != (document.sha256, installed.name, installed.version, ANALYSIS_VERSION):
        return None
    analysis = record.get("analysis")
    return analysis if isinstance(analysis, list) else None


_CACHED_CLAIM_CHECKS = {
    "type": name_problem, "start": offset_problem, "end": offset_problem, "speaker_text": optional(text_problem),
    "speaker_span": optional(span_problem), "speaker_resolved": optional(span_problem), "cue": optional(span_problem),
    "content": spans_problem, "score": checkworthiness_problem, "role": optional(text_problem),
}


def analysis_problem(analysis: object, text_length: int) -> str | None:
    """Why a cached analysis cannot be used for a text of ``text_length`` characters (the
    database is read like any input: a hand edit may have spoiled it), ``None`` if it can."""
    if not isinstance(analysis, list):
        return f"must be a list of paragraphs, not {kind_of(analysis)}"
    for number, raw in enumerate(analysis):
        if not isinstance(raw, dict):
            return f"paragraph {number}: must be an object, not {kind_of(raw)}"
        for field_name in ("start", "end"):
            if (problem := offset_problem(raw.get(field_name))) is not None:
                return f"paragraph {number}: {field_name}: {problem}"
        entities, claims = raw.get("entities"), raw.get("claims")
        if not isinstance(entities, list) or not isinstance(claims, list):
            return f"paragraph {number}: entities and claims must be lists"
        for entity in entities:
            if not isinstance(entity, list) or len(entity) != 3 or span_problem(entity[:2]) or name_problem(entity[2]):
                return f"paragraph {number}: entity {quoted(entity)} is not [start, end, label]"
        for claim in claims:
            problems = checked(claim, _CACHED_CLAIM_CHECKS) if isinstance(claim, dict) else [("claim", f"must be an object, not {kind_of(claim)}")]
            problems += [(name, "is missing") for name in ("type", "start", "end", "content", "score") if isinstance(claim, dict) and name not in claim]
            if problems:
                return f"paragraph {number}: claim {problems[0][0]}: {problems[0][1]}"
        spans = [raw["start"], raw["end"], *(offset for entity in entities for offset in entity[:2])]
        spans += [offset for claim in claims for name in ("start", "end") for offset in [claim[name]]]
        spans += [offset for claim in claims for name in ("speaker_span", "speaker_resolved", "cue") if claim.get(name) for offset in claim[name]]
        spans += [offset for claim in claims for span in claim["content"] for offset in span]
        if max(spans) > text_length:
            return f"paragraph {number}: an offset lies past the end of the text ({text_length} characters)"
    return None


def usable_cached_analysis(store, document: Document, pipeline: Pipeline) -> list[dict] | None:
    """The analysis cached for ``document`` by this model and these rules, if there is one and
    it can be used (see :func:`analysis_problem`); a spoiled one is analysed again."""
    cached = store.cached(cache_key(document, pipeline))
    return cached if cached is not None and analysis_problem(cached, len(document.text)) is None else None


def cached_suggestions(store, document: Document, pipeline: Pipeline, gazetteer: list[dict] | None = None) -> Iterator[SuggestionBatch]:
    """Like :func:`iter_suggestions`, but the model's analysis is read from ``store`` when cached
    there for this text and model (and usable), and stored after a run: by the consumer that
    takes it from the last batch (:meth:`SuggestionBatch.take_analysis`), else here. The
    gazetteer is applied after the cache, so a correction made since takes effect."""
    cached = usable_cached_analysis(store, document, pipeline)
    if cached is not None:
        yield from assemble(document, cached, gazetteer or [], pipeline.origin)
        return
    as_cached = (json.loads(json.dumps(raw)) for raw in analyse(document, pipeline))
    yield from suggestions_to_cache(store, document, as_cached, cache_key(document, pipeline), gazetteer or [], pipeline.origin)


def suggestions_to_cache(store, document: Document, raws: Iterable[dict], key: str, gazetteer: list[dict], origin: str) -> Iterator[SuggestionBatch]:
    """The batches assembled from the model's paragraph records ``raws`` (in the form the cache
    holds: JSON values) as they come, then, unless ``store`` is read-only, a final batch carrying
    the whole analysis under ``key`` for the consumer to cache (:meth:`SuggestionBatch.take_analysis`),
    else cached here."""
    collected: list[dict] = []

    def recording() -> Iterator[dict]:
        for raw in raws:
            collected.append(raw)
            yield raw

    yield from assemble(document, recording(), gazetteer, origin)
    if store.read_only:  # nothing will be cached: no copy of the analysis to hand over
        return
    total = len(collected)
    carrier = SuggestionBatch(total, total, final=True, analysis=(key, collected))
    yield carrier
    analysis = carrier.take_analysis()
    if analysis is not None:
        store.cache(*analysis)
