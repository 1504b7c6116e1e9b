"""How far the annotators of a database agree: span F1, Cohen's κ per pair and Krippendorff's α
for the group over tokens, the same for which sentences are claims, speakers and verdicts of the
claims both marked, and knowledge-base ids of the entities both marked.

Only the annotators' judgements count: accepted, placed entity mentions and claims, by every
named annotator but ``curation`` (the lead's result, not a voter) unless asked. An annotator with
no accepted annotation on a document is *missing* there (α allows it; κ and F1 count only the
documents both worked on), not someone who saw nothing. A token's value is the label of the
annotator's mention covering it (the shortest, when nested), or ``O``; a sentence's is whether a
claim of theirs overlaps it. The records are read on the caller's thread (:func:`agreement_snapshot`);
:func:`compute_agreement` works on the snapshot alone (the texts' tokens and sentences included),
so the app can run it in a worker. Token and sentence values are numpy arrays, filled span by
span, never token by token.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

import krippendorff
import numpy as np

from tui.model.annotation import ACCEPTED, CLAIM, CURATION, ENTITY, ORPHAN, Annotation, Entity, same_speaker, speaker_identity
from tui.model.claims import verdict_of
from tui.model.display import plural
from tui.model.document import Document
from tui.model.tokens import TOKEN_PATTERN, TextIndex
from tui.session.corpus import current_documents
from tui.store.records import HeldRecords

NONE = "O"  # a token no mention of the annotator covers


@dataclass(frozen=True)
class DocumentWork:
    """One document and every annotator's accepted work on it."""

    document: Document
    work: dict[str, list[Annotation]]  # annotator -> accepted, placed mentions and claims
    present: frozenset[str]  # the annotators with any accepted annotation on the document
    entities: dict[str, Entity]  # entity id -> entity, of every annotator

    @property
    def doc_id(self) -> str:
        return self.document.doc_id

    def units(self) -> tuple[np.ndarray, np.ndarray]:
        """The document's tokens and sentences, each an (n, 2) array of start and end."""
        index = TextIndex(self.document)
        sentences = [span for paragraph in range(len(self.document.paragraphs)) for span in index.paragraph_sentences(paragraph)]
        return _spans_array([match.span() for match in TOKEN_PATTERN.finditer(self.document.text)]), _spans_array(sentences)


def agreement_snapshot(store, doc_ids: list[str] | None = None, with_curation: bool = False) -> list[DocumentWork]:
    """Every current document's (or those of ``doc_ids``) units and annotators' work, read from
    ``store`` on the caller's thread. Raises the store's ``StoreError`` on a malformed record."""
    documents = current_documents(store)
    if doc_ids is not None:
        documents = [document for document in documents if document.doc_id in doc_ids]
    works = []
    for document in documents:
        accepted = [a for a in store.annotations(document.doc_id) if a.status == ACCEPTED and a.annotator and (with_curation or a.annotator != CURATION)]
        work: dict[str, list[Annotation]] = {}
        for annotation in accepted:
            if annotation.kind in (ENTITY, CLAIM) and annotation.anchor != ORPHAN:
                work.setdefault(annotation.annotator, []).append(annotation)
        works.append(DocumentWork(
            document=document,
            work=work,
            present=frozenset(annotation.annotator for annotation in accepted),
            entities={entity.entity_id: entity for entity in store.entities(document.doc_id)},
        ))
    return works


def _spans_array(spans: list[tuple[int, int]]) -> np.ndarray:
    return np.array(spans, dtype=np.int64).reshape(-1, 2)


@dataclass(frozen=True)
class Counts:
    """Span matches between two annotators: marked by both, only by the first, only by the second."""

    both: int = 0
    only_a: int = 0
    only_b: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.both + other.both, self.only_a + other.only_a, self.only_b + other.only_b)

    @property
    def f1(self) -> float | None:
        """2·both / (2·both + only_a + only_b): precision and recall of one against the other; None with no spans."""
        marked = 2 * self.both + self.only_a + self.only_b
        return 2 * self.both / marked if marked else None

    def as_json(self) -> dict:
        return {"both": self.both, "only_a": self.only_a, "only_b": self.only_b, "f1": self.f1}


@dataclass(frozen=True)
class PairAgreement:
    """Two annotators' agreement over the documents both worked on."""

    a: str
    b: str
    documents: int = 0
    tokens: int = 0
    kappa: float | None = None  # over tokens: every label and O
    label_kappa: dict[str, float | None] = field(default_factory=dict)  # label vs not
    exact: dict[str, Counts] = field(default_factory=dict)  # per label; spans with the same start, end and label
    overlap: dict[str, Counts] = field(default_factory=dict)  # per label; overlapping spans of one label, one to one
    sentences: int = 0
    sentence_kappa: float | None = None  # is the sentence (part of) a claim
    claims_matched: int = 0  # claims of one overlapping claims of the other, one to one
    speakers_compared: int = 0  # matched claims where either names a speaker
    speakers_same: int = 0
    verdict_kappa: float | None = None  # over the matched claims
    entities_matched: int = 0  # entities of one whose mentions overlap the other's, one to one
    kb_compared: int = 0  # matched entities both gave a knowledge-base id
    kb_same: int = 0

    @property
    def exact_overall(self) -> Counts:
        return sum(self.exact.values(), Counts())

    @property
    def overlap_overall(self) -> Counts:
        return sum(self.overlap.values(), Counts())

    def as_json(self) -> dict:
        return {
            "a": self.a, "b": self.b, "documents": self.documents,
            "tokens": {"units": self.tokens, "kappa": self.kappa, "labels": self.label_kappa},
            "spans": {
                "exact": {"overall": self.exact_overall.as_json(), "labels": {label: counts.as_json() for label, counts in self.exact.items()}},
                "overlapping": {"overall": self.overlap_overall.as_json(), "labels": {label: counts.as_json() for label, counts in self.overlap.items()}},
            },
            "claims": {
                "sentences": {"units": self.sentences, "kappa": self.sentence_kappa},
                "speaker": {"claims_matched": self.claims_matched, "compared": self.speakers_compared, "same": self.speakers_same,
                            "share": share(self.speakers_same, self.speakers_compared)},
                "verdict": {"claims": self.claims_matched, "kappa": self.verdict_kappa},
            },
            "kb_ids": {"entities_matched": self.entities_matched, "compared": self.kb_compared, "same": self.kb_same,
                       "share": share(self.kb_same, self.kb_compared)},
        }


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class Agreement:
    """The figures of a set of documents: the group's α and every pair's figures."""

    annotators: tuple[str, ...]
    documents: int
    labels: tuple[str, ...]  # the entity labels any annotator used, in the scheme's order
    documents_compared: int = 0  # the documents two or more annotators worked on: the only ones any figure counts
    tokens: int = 0
    alpha: float | None = None  # Krippendorff's α, nominal, over tokens, every annotator
    label_alpha: dict[str, float | None] = field(default_factory=dict)
    sentences: int = 0
    sentence_alpha: float | None = None
    pairs: tuple[PairAgreement, ...] = ()

    def documents_line(self) -> str:
        """How many documents there are and, when not all, how many two or more annotators worked on."""
        line = plural(self.documents, "document")
        return line if self.documents_compared == self.documents else f"{line}, {self.documents_compared} of them annotated by two or more"

    def pair(self, a: str, b: str) -> PairAgreement | None:
        """The figures of annotators ``a`` and ``b`` (in either order)."""
        return next((p for p in self.pairs if {p.a, p.b} == {a, b}), None)

    def span_group(self, kind: str, label: str = "") -> tuple[float | None, Counts]:
        """The group's span F1 (``kind`` "exact" or "overlap"; of ``label``, else overall): the
        mean of the pairs' F1 (None when no pair has one) and the pairs' pooled counts."""
        counts = [getattr(p, f"{kind}_overall") if not label else getattr(p, kind).get(label, Counts()) for p in self.pairs]
        scores = [c.f1 for c in counts if c.f1 is not None]
        return (sum(scores) / len(scores) if scores else None), sum(counts, Counts())

    @property
    def speakers(self) -> tuple[int, int]:
        """The pairs' matched claims with the same speaker, and those compared, summed."""
        return sum(p.speakers_same for p in self.pairs), sum(p.speakers_compared for p in self.pairs)

    @property
    def kb_ids(self) -> tuple[int, int]:
        """The pairs' matched entities with the same knowledge-base id, and those compared, summed."""
        return sum(p.kb_same for p in self.pairs), sum(p.kb_compared for p in self.pairs)

    @property
    def verdict_kappa(self) -> float | None:
        """The mean of the pairs' verdict κ (those defined)."""
        known = [p.verdict_kappa for p in self.pairs if p.verdict_kappa is not None]
        return sum(known) / len(known) if known else None

    def as_json(self) -> dict:
        def group(kind: str) -> dict:
            result = {}
            for label in ("", *self.labels):
                mean, pooled = self.span_group(kind, label)
                result[label or "overall"] = {"mean_f1": mean, "pooled": pooled.as_json()}
            return result

        speakers, kb = self.speakers, self.kb_ids
        return {
            "annotators": list(self.annotators), "documents": self.documents, "documents_compared": self.documents_compared, "labels": list(self.labels),
            "group": {
                "tokens": {"units": self.tokens, "alpha": self.alpha, "labels": self.label_alpha},
                "spans": {"exact": group("exact"), "overlapping": group("overlap")},
                "claims": {"sentences": {"units": self.sentences, "alpha": self.sentence_alpha},
                           "speaker": {"same": speakers[0], "compared": speakers[1], "share": share(*speakers)},
                           "verdict": {"mean_kappa": self.verdict_kappa}},
                "kb_ids": {"same": kb[0], "compared": kb[1], "share": share(*kb)},
            },
            "pairs": [p.as_json() for p in self.pairs],
        }


def voters(records: HeldRecords) -> set[str]:
    """The annotators agreement counts among raw annotation records (accepted work, a name, not
    ``curation``): a cheap look before :func:`agreement_snapshot` reads and checks them all."""
    return {name for status, name in records.read(status=ACCEPTED, annotator=None)
            if status == ACCEPTED and isinstance(name, str) and name and name != CURATION}


def annotators_of(works: list[DocumentWork]) -> tuple[str, ...]:
    """Every annotator with accepted work on any of the documents, sorted."""
    return tuple(sorted(set().union(*(work.present for work in works))))


# Units (tokens, sentences) and the coefficients over them


def unit_codes(units: np.ndarray, spans: list[tuple[int, int, int]]) -> np.ndarray:
    """Each unit's code: that of the last of ``spans`` (start, end, code) overlapping it, else 0."""
    codes = np.zeros(len(units), dtype=np.int64)
    starts, ends = units[:, 0], units[:, 1]
    for start, end, code in spans:
        codes[np.searchsorted(ends, start, side="right"):np.searchsorted(starts, end, side="left")] = code
    return codes


def paired_units(data: np.ndarray) -> int:
    """How many units of reliability data (annotators × units, NaN for missing) two or more annotators coded."""
    return int(np.count_nonzero(np.sum(~np.isnan(data), axis=0) >= 2))


def alpha(data: np.ndarray) -> float | None:
    """Krippendorff's α, nominal, of reliability data (annotators × units, NaN for missing); None
    where it is undefined (fewer than two values, no unit two annotators coded)."""
    if not paired_units(data):
        return None
    try:
        value = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    except ValueError:  # one value in the whole domain: nothing to disagree on
        return None
    return None if np.isnan(value) else float(value)


def cohen_kappa(x: np.ndarray, y: np.ndarray) -> float | None:
    """Cohen's κ of two annotators' integer codes over the same units; None when chance
    agreement is certain (both gave one value everywhere) or there are no units."""
    if len(x) == 0:
        return None
    size = int(max(x.max(), y.max())) + 1
    table = np.bincount(x * size + y, minlength=size * size).reshape(size, size)
    observed = np.trace(table) / len(x)
    expected = float(table.sum(axis=1) @ table.sum(axis=0)) / len(x) ** 2
    return None if expected >= 1 else float((observed - expected) / (1 - expected))


def binary(data: np.ndarray, code: int) -> np.ndarray:
    """``data`` as "is ``code``" (1.0) or not (0.0), missing kept missing."""
    return np.where(np.isnan(data), np.nan, (data == code).astype(float))


# Matching spans one to one


def one_to_one(scores: dict[tuple, int]) -> list[tuple]:
    """The pairs of ``scores`` taken best score first (ties in the pairs' order), each side of
    a pair used once."""
    used_a, used_b, pairs = set(), set(), []
    for (i, j), _ in sorted(scores.items(), key=lambda item: (-item[1], item[0])):
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            pairs.append((i, j))
    return pairs


def match(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Pairs ``(i, j)`` of overlapping spans of ``a`` and ``b``, each used once, the largest
    overlaps first (so identical spans always pair)."""
    return one_to_one({(i, j): min(ea, eb) - max(sa, sb) for i, (sa, ea) in enumerate(a) for j, (sb, eb) in enumerate(b) if sa < eb and sb < ea})


def span_counts(a: list[Annotation], b: list[Annotation], labels: tuple[str, ...]) -> tuple[dict[str, Counts], dict[str, Counts]]:
    """Exact and overlapping matches of two annotators' mentions on one document, per label."""
    exact, overlap = {}, {}
    for label in labels:
        spans_a = sorted({(m.start, m.end) for m in a if m.label == label})
        spans_b = sorted({(m.start, m.end) for m in b if m.label == label})
        same = len(set(spans_a) & set(spans_b))
        matched = len(match(spans_a, spans_b))
        exact[label] = Counts(same, len(spans_a) - same, len(spans_b) - same)
        overlap[label] = Counts(matched, len(spans_a) - matched, len(spans_b) - matched)
    return exact, overlap


# The figures


def compute_agreement(works: list[DocumentWork], label_order: tuple[str, ...] = ()) -> Agreement:
    """Every figure of the documents of ``works`` (from :func:`agreement_snapshot`)."""
    annotators = annotators_of(works)
    used = {m.label for work in works for annotations in work.work.values() for m in annotations if m.kind == ENTITY}
    labels = tuple(label for label in label_order if label in used) + tuple(sorted(used.difference(label_order)))
    codes = {label: code for code, label in enumerate(labels, start=1)}
    row = {name: i for i, name in enumerate(annotators)}

    token_data, sentence_data = [], []
    for work in works:
        token_spans, sentence_spans = work.units()
        tokens = np.full((len(annotators), len(token_spans)), np.nan)
        sentences = np.full((len(annotators), len(sentence_spans)), np.nan)
        for name in work.present:
            mine = work.work.get(name, [])
            mentions = sorted((m for m in mine if m.kind == ENTITY), key=lambda m: m.start - m.end)  # longest first: the shortest wins
            tokens[row[name]] = unit_codes(token_spans, [(m.start, m.end, codes[m.label]) for m in mentions])
            sentences[row[name]] = unit_codes(sentence_spans, [(c.start, c.end, 1) for c in mine if c.kind == CLAIM])
        token_data.append(tokens)
        sentence_data.append(sentences)
    tokens = np.concatenate(token_data, axis=1) if works else np.zeros((len(annotators), 0))
    sentences = np.concatenate(sentence_data, axis=1) if works else np.zeros((len(annotators), 0))

    pairs = tuple(
        _pair(a, b, works, tokens[row[a]], tokens[row[b]], sentences[row[a]], sentences[row[b]], labels, codes)
        for a, b in combinations(annotators, 2)
    )
    return Agreement(
        annotators=annotators, documents=len(works), labels=labels, documents_compared=sum(len(work.present) >= 2 for work in works),
        tokens=paired_units(tokens),
        alpha=alpha(tokens), label_alpha={label: alpha(binary(tokens, codes[label])) for label in labels},
        sentences=paired_units(sentences),
        sentence_alpha=alpha(sentences), pairs=pairs,
    )


def _pair(a: str, b: str, works: list[DocumentWork], tokens_a, tokens_b, sentences_a, sentences_b, labels, codes) -> PairAgreement:
    both = ~np.isnan(tokens_a) & ~np.isnan(tokens_b)
    x, y = tokens_a[both].astype(np.int64), tokens_b[both].astype(np.int64)
    in_both = ~np.isnan(sentences_a) & ~np.isnan(sentences_b)
    exact = dict.fromkeys(labels, Counts())
    overlap = dict.fromkeys(labels, Counts())
    verdicts_a, verdicts_b = [], []
    claims = compared = same = entities = kb_compared = kb_same = documents = 0
    for work in works:
        if not {a, b} <= work.present:
            continue
        documents += 1
        mine, theirs = work.work.get(a, []), work.work.get(b, [])
        mentions_a, mentions_b = [m for m in mine if m.kind == ENTITY], [m for m in theirs if m.kind == ENTITY]
        doc_exact, doc_overlap = span_counts(mentions_a, mentions_b, labels)
        exact = {label: exact[label] + doc_exact[label] for label in labels}
        overlap = {label: overlap[label] + doc_overlap[label] for label in labels}
        claims_a, claims_b = [c for c in mine if c.kind == CLAIM], [c for c in theirs if c.kind == CLAIM]
        for i, j in match([(c.start, c.end) for c in claims_a], [(c.start, c.end) for c in claims_b]):
            claims += 1
            speaker_a, speaker_b = speaker_identity(claims_a[i], work.entities), speaker_identity(claims_b[j], work.entities)
            either = speaker_a is not None or speaker_b is not None  # two claims without a speaker say nothing about speakers
            compared += either
            same += either and same_speaker(speaker_a, speaker_b)
            verdicts_a.append(verdict_of(claims_a[i].attrs))
            verdicts_b.append(verdict_of(claims_b[j].attrs))
        matched, compared_kb, same_kb = _kb_agreement(mentions_a, mentions_b, work.entities)
        entities, kb_compared, kb_same = entities + matched, kb_compared + compared_kb, kb_same + same_kb
    verdict_codes = {verdict: code for code, verdict in enumerate(sorted({*verdicts_a, *verdicts_b}))}
    return PairAgreement(
        a=a, b=b, documents=documents, tokens=len(x), kappa=cohen_kappa(x, y),
        label_kappa={label: cohen_kappa((x == codes[label]).astype(np.int64), (y == codes[label]).astype(np.int64)) for label in labels},
        exact=exact, overlap=overlap,
        sentences=int(np.count_nonzero(in_both)),
        sentence_kappa=cohen_kappa(sentences_a[in_both].astype(np.int64), sentences_b[in_both].astype(np.int64)),
        claims_matched=claims, speakers_compared=compared, speakers_same=same,
        verdict_kappa=cohen_kappa(np.array([verdict_codes[v] for v in verdicts_a], dtype=np.int64), np.array([verdict_codes[v] for v in verdicts_b], dtype=np.int64)),
        entities_matched=entities, kb_compared=kb_compared, kb_same=kb_same,
    )


def _kb_agreement(mentions_a: list[Annotation], mentions_b: list[Annotation], entities: dict[str, Entity]) -> tuple[int, int, int]:
    """Entities of two annotators matched one to one by how many of their mentions overlap: how
    many matched, how many of those both gave a knowledge-base id, how many of those agree."""
    overlaps: dict[tuple[str, str], int] = {}
    for m in mentions_a:
        for n in mentions_b:
            ea, eb = m.attrs.get("entity_id"), n.attrs.get("entity_id")
            if m.start < n.end and n.start < m.end and ea in entities and eb in entities:
                overlaps[ea, eb] = overlaps.get((ea, eb), 0) + 1
    matched = one_to_one(overlaps)
    kb_ids = [(entities[ea].kb_id, entities[eb].kb_id) for ea, eb in matched]
    both = [(kb_a, kb_b) for kb_a, kb_b in kb_ids if kb_a and kb_b]
    return len(matched), len(both), sum(kb_a == kb_b for kb_a, kb_b in both)
