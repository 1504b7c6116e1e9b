"""spaCy DocBin (``.spacy``): one ``Doc`` per document, readable by ``DocBin().from_disk``.

Each Doc's text is the document's text exactly (extra whitespace becomes whitespace
tokens, as spaCy does itself). Entity mentions that do not overlap are ``doc.ents``;
every mention is also in the span group ``entities`` (span groups may overlap), claims
in ``claims`` and their parts in ``cues``, ``contents`` and ``speakers``. What is not a
span (entity names and ids, verdicts, notes, relations) is kept in ``doc.user_data``.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from pathlib import Path

from tui.formats.interchange import (
    ROLE_CLAIM,
    ROLE_CONTENT,
    ROLE_CUE,
    ROLE_ENTITY,
    ROLE_SPEAKER,
    ExportItem,
    FormatError,
    Losses,
    Relation,
    Span,
    SpanGraph,
    graph_of,
    span_boundaries,
    split_tokens,
)
from tui.formats.validate import kind_of
from tui.model.labels import DEFAULT_SCHEME, Scheme

GROUPS = {ROLE_ENTITY: "entities", ROLE_CLAIM: "claims", ROLE_CUE: "cues", ROLE_CONTENT: "contents", ROLE_SPEAKER: "speakers"}
USER_DATA_KEY = "postil"


def words_and_spaces(text: str, tokens: list[tuple[int, int]], boundaries: set[int] | None = None) -> tuple[list[str], list[bool]]:
    """spaCy ``words``/``spaces`` whose concatenation is exactly ``text``.

    Whitespace between tokens becomes a token's trailing space when it is one space, else
    whitespace tokens (as spaCy does); it is also cut at ``boundaries`` so that a span that
    starts or ends in whitespace still starts and ends on a token.
    """
    boundaries = boundaries or set()
    cut_points = sorted(boundaries)
    words: list[str] = []
    spaces: list[bool] = []

    def add_gap(position: int, stop: int) -> None:
        """Add the whitespace text[position:stop] as a trailing space and/or whitespace tokens."""
        if position >= stop:
            return
        if words and text[position] == " " and position not in boundaries and position + 1 not in boundaries:
            spaces[-1] = True
            position += 1
        inside = cut_points[bisect_right(cut_points, position) : bisect_left(cut_points, stop)]
        cuts = [position, *inside, stop]
        for begin, finish in zip(cuts, cuts[1:]):
            if begin < finish:
                words.append(text[begin:finish])
                spaces.append(False)

    position = 0
    for start, end in tokens:
        add_gap(position, start)
        words.append(text[start:end])
        spaces.append(False)
        position = end
    add_gap(position, len(text))
    return words, spaces


def non_overlapping(spans: list[Span]) -> list[Span]:
    """The spans kept when overlaps must go: earliest first, the longer one on a tie."""
    kept: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if not kept or span.start >= kept[-1].end:
            kept.append(span)
    return kept


def doc_of(graph: SpanGraph, vocab, label_scheme: Scheme = DEFAULT_SCHEME):
    """The spaCy Doc of a graph; its user data carries the database's label scheme (its
    labels are the ``doc.ents`` labels a model trained on the file learns)."""
    from spacy.tokens import Doc

    boundaries = span_boundaries(graph)
    words, spaces = words_and_spaces(graph.text, split_tokens(graph.text, boundaries), boundaries)
    doc = Doc(vocab, words=words, spaces=spaces)
    spacy_spans = {span.key: doc.char_span(span.start, span.end, label=span.label) for span in graph.spans}
    mentions = [span for span in graph.spans if span.role == ROLE_ENTITY]
    doc.ents = [spacy_spans[span.key] for span in sorted(non_overlapping(mentions), key=lambda s: s.start)]
    keys: dict[str, list[str]] = {}
    for role, group in GROUPS.items():
        members = [span for span in graph.spans if span.role == role]
        doc.spans[group] = [spacy_spans[span.key] for span in members]
        keys[group] = [span.key for span in members]
    doc.user_data[USER_DATA_KEY] = {
        "doc_id": graph.doc_id, "title": graph.title, "source": graph.source, "keys": keys,
        "info": {span.key: span.info for span in graph.spans},
        "relations": [[r.head, r.child, r.type] for r in graph.relations],
        "scheme": label_scheme.to_dict(),
    }
    return doc


def export_docbin(items: list[ExportItem], losses: Losses, label_scheme: Scheme = DEFAULT_SCHEME, **_: object) -> bytes:
    """The bytes of a ``.spacy`` file holding every export item."""
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    vocab = Vocab()
    docbin = DocBin(store_user_data=True)
    for item in items:
        graph = graph_of(item)
        docbin.add(doc_of(graph, vocab, label_scheme))
        mentions = [span for span in graph.spans if span.role == ROLE_ENTITY]
        losses.add("overlapping entity mentions left out of doc.ents (all are in doc.spans['entities'])", len(mentions) - len(non_overlapping(mentions)))
    return docbin.to_bytes()


def parse_docbin(path: Path, **_: object) -> tuple[list[SpanGraph], list[FormatError]]:
    """The graphs of a ``.spacy`` file: Postil's span groups if present, else ``doc.ents``."""
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    try:
        docs = list(DocBin().from_bytes(path.read_bytes()).get_docs(Vocab()))
    except Exception as error:  # spaCy raises several kinds of errors for a file that is not a DocBin
        raise FormatError(path, 1, f"not a spaCy DocBin ({type(error).__name__})") from None
    graphs, errors = [], []
    for number, doc in enumerate(docs, start=1):
        try:
            graphs.append(_graph_of_doc(path, number, doc))
        except FormatError as error:
            errors.append(error)
    return graphs, errors


def _graph_of_doc(path: Path, number: int, doc) -> SpanGraph:
    """The graph of one Doc (its number stands for a line in errors): Postil's groups, else ``doc.ents``."""
    data = doc.user_data.get(USER_DATA_KEY) if isinstance(doc.user_data.get(USER_DATA_KEY), dict) else {}
    graph = SpanGraph(text=doc.text, title=data.get("title") or "", source=data.get("source") or "", doc_id=data.get("doc_id") or "", line=number, one_record=True)
    keys = data.get("keys") or {}
    info = data.get("info") or {}
    if not keys:
        graph.spans = [Span(f"e{i}", ent.start_char, ent.end_char, ent.label_, ROLE_ENTITY, {}, number) for i, ent in enumerate(doc.ents)]
        return graph
    if not isinstance(keys, dict) or not isinstance(info, dict):
        raise FormatError(path, number, f"user_data: {USER_DATA_KEY}.keys and .info must be objects")
    for role, group in GROUPS.items():
        group_keys = keys.get(group, [])
        if not isinstance(group_keys, (list, tuple)) or not all(isinstance(key, str) for key in group_keys):
            raise FormatError(path, number, f"user_data: {USER_DATA_KEY}.keys.{group} must be a list of strings")
        for key, span in zip(group_keys, doc.spans[group] if group in doc.spans else []):
            details = info.get(key) or {}
            if not isinstance(details, dict):
                raise FormatError(path, number, f"user_data: {USER_DATA_KEY}.info.{key} must be an object, not {kind_of(details)}")
            graph.spans.append(Span(key, span.start_char, span.end_char, span.label_, role, dict(details), number))
    relations = data.get("relations") or []
    if not isinstance(relations, (list, tuple)) or not all(isinstance(r, (list, tuple)) and len(r) == 3 for r in relations):
        raise FormatError(path, number, f"user_data: {USER_DATA_KEY}.relations must be a list of [claim, part, type]")
    graph.relations = [Relation(*relation) for relation in relations]
    return graph
