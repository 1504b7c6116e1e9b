"""CoNLL-2002 (``FORM NER``, IOB2) and CoNLL-2003 (``FORM POS CHUNK NER``, IOB1) named entities.

One token per line, a blank line between sentences, ``-DOCSTART- -X- O O`` before each
document (what spaCy's ``ner`` converter expects). Postil has no part-of-speech or chunk
tags, so CoNLL-2003 writes ``-X-`` and ``_`` in those columns. CoNLL cannot hold overlapping
mentions, claims or entity links: the exporter keeps the earliest (then longest) of
overlapping mentions and counts everything it leaves out.

On import the tokens are matched against a stored document with the same characters
(whitespace aside), so offsets land on the original text; without one, the text is
rebuilt with single spaces between tokens and a newline between sentences.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from pathlib import Path

from tui.formats.docbin import non_overlapping
from tui.formats.interchange import ROLE_CLAIM, ROLE_ENTITY, ExportItem, FormatError, Losses, Span, SpanGraph, graph_of, quoted, split_tokens
from tui.model.document import Document
from tui.model.sentences import split_sentences

DOCSTART = {"conll2002": "-DOCSTART- O", "conll2003": "-DOCSTART- -X- O O"}
_TAG = re.compile(r"^(O|([BIESLU])-(\S+))$")


def sentences_of(document: Document, tokens: list[tuple[int, int]], entities: list[Span]) -> list[list[tuple[int, int]]]:
    """Tokens grouped by sentence; a sentence never ends inside an entity."""
    ends = set()
    for paragraph in document.paragraphs.lines():
        for _, end in split_sentences(document.text, paragraph.start, paragraph.end):
            ends.add(end)
    inside = set()
    for entity in entities:
        inside.update(range(entity.start + 1, entity.end))
    sentences: list[list[tuple[int, int]]] = [[]]
    for index, token in enumerate(tokens):
        sentences[-1].append(token)
        next_start = tokens[index + 1][0] if index + 1 < len(tokens) else None
        # Break after a sentence end or a newline, unless an entity goes on past this token.
        breaks = next_start is not None and (token[1] in ends or "\n" in document.text[token[1] : next_start])
        if breaks and token[1] not in inside:
            sentences.append([])
    return [sentence for sentence in sentences if sentence]


def tags_for(tokens: list[tuple[int, int]], entities: list[Span], scheme: str) -> list[str]:
    """One tag per token in ``scheme`` (``iob2``: B- starts every entity; ``iob1``: only a touching one)."""
    tags = ["O"] * len(tokens)
    owner: list[Span | None] = [None] * len(tokens)
    starts = [start for start, _ in tokens]
    for entity in entities:
        i = bisect_left(starts, entity.start)  # a span may start in the whitespace before its first token
        first = True
        while i < len(tokens) and tokens[i][1] <= entity.end:
            previous = owner[i - 1] if i > 0 else None
            touching = previous is not None and previous is not entity and previous.label == entity.label
            prefix = "B" if first and (scheme == "iob2" or touching) else "I"
            tags[i] = f"{prefix}-{entity.label}"
            owner[i] = entity
            first = False
            i += 1
    return tags


def _covers_a_token(tokens: list[tuple[int, int]], starts: list[int], span: Span) -> bool:
    """True when a token lies inside ``span`` (tokens are split at span boundaries, so none crosses one)."""
    index = bisect_left(starts, span.start)
    return index < len(tokens) and tokens[index][1] <= span.end


def _export(items: list[ExportItem], losses: Losses, flavour: str, scheme: str) -> bytes:
    lines: list[str] = []
    for item in items:
        graph = graph_of(item)
        mentions = [span for span in graph.spans if span.role == ROLE_ENTITY]
        kept = sorted(non_overlapping(mentions), key=lambda span: span.start)
        losses.add("overlapping entity mentions (CoNLL cannot nest or overlap spans)", len(mentions) - len(kept))
        losses.add("claims (CoNLL has entities only)", sum(1 for span in graph.spans if span.role == ROLE_CLAIM))
        losses.add("links from mentions to their entity", sum(1 for span in kept if span.info.get("entity")))
        tokens = split_tokens(graph.text, {offset for span in kept for offset in (span.start, span.end)})
        starts = [start for start, _ in tokens]
        tokened = [span for span in kept if _covers_a_token(tokens, starts, span)]
        losses.add("entity mentions of whitespace alone (CoNLL has no token for them)", len(kept) - len(tokened))
        kept = tokened
        if flavour == "conll2003" or len(items) > 1:
            lines += [DOCSTART[flavour], ""]
        next_entity = 0
        for sentence in sentences_of(item.document, tokens, kept):
            # Entities are sorted and never cross a sentence end: take those starting in this one.
            first = next_entity
            while next_entity < len(kept) and kept[next_entity].start < sentence[-1][1]:
                next_entity += 1
            sentence_tags = tags_for(sentence, kept[first:next_entity], scheme)
            for (start, end), tag in zip(sentence, sentence_tags):
                form = graph.text[start:end]
                lines.append(f"{form} {tag}" if flavour == "conll2002" else f"{form} -X- _ {tag}")
            lines.append("")
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


def export_conll2002(items: list[ExportItem], losses: Losses, scheme: str | None = None, **_: object) -> bytes:
    """CoNLL-2002: ``FORM NER`` in IOB2 (unless ``scheme`` says iob1)."""
    return _export(items, losses, "conll2002", scheme or "iob2")


def export_conll2003(items: list[ExportItem], losses: Losses, scheme: str | None = None, **_: object) -> bytes:
    """CoNLL-2003: ``FORM POS CHUNK NER`` in IOB1 (unless ``scheme`` says iob2)."""
    return _export(items, losses, "conll2003", scheme or "iob1")


def parse_conll(path: Path, store=None, **_: object) -> tuple[list[SpanGraph], list[FormatError]]:
    """The graphs of a CoNLL file (any of IOB1, IOB2, IOBES/BILOU tags in the last column)."""
    try:
        lines = path.read_bytes().decode("utf-8").split("\n")
    except UnicodeDecodeError as error:
        raise FormatError(path, 1, f"not UTF-8 text (bad byte at offset {error.start})") from None
    documents: list[list[list[tuple[str, str, int]]]] = [[[]]]
    errors: list[FormatError] = []
    for number, line in enumerate(lines, start=1):
        columns = line.split()
        if not columns:
            if documents[-1][-1]:
                documents[-1].append([])
            continue
        if columns[0] == "-DOCSTART-":
            if any(documents[-1]):
                documents.append([[]])
            continue
        if len(columns) < 2:
            errors.append(FormatError(path, number, f"expected a token and a tag separated by a space, got {quoted(line.strip())}"))
            continue
        if not _TAG.match(columns[-1]):
            errors.append(FormatError(path, number, f"bad tag {quoted(columns[-1])} (expected O, B-TYPE or I-TYPE)"))
            continue
        documents[-1][-1].append((columns[0], columns[-1], number))
    stored = store.documents() if store is not None else []
    graphs = []
    for sentences in documents:
        sentences = [sentence for sentence in sentences if sentence]
        if not sentences:
            continue
        graph = _graph_of_sentences(path, sentences, stored)
        if isinstance(graph, FormatError):
            errors.append(graph)
        else:
            graphs.append(graph)
    return graphs, errors


def _place_tokens(path: Path, document: Document, tokens: list[tuple[str, int]]) -> list[tuple[int, int]] | FormatError:
    """Where each token is in a stored text with the same characters (whitespace aside).

    A token whose characters run across whitespace in the stored text (``Jane Doe`` written
    as one token ``JaneDoe``) is an error naming its line: its span would hold the space.
    """
    text, position, offsets = document.text, 0, []
    for form, number in tokens:
        while text[position].isspace():
            position += 1
        start = position
        for char in form:
            if text[position] != char:
                return FormatError(path, number, f"token {quoted(form)} spans whitespace in the stored document {document.doc_id} ({quoted(text[start : start + len(form) + 1])})")
            position += 1
        offsets.append((start, position))
    return offsets


def _graph_of_sentences(path: Path, sentences: list[list[tuple[str, str, int]]], stored: list[Document]) -> SpanGraph | FormatError:
    tokens = [(form, number) for sentence in sentences for form, _, number in sentence]
    squeezed = "".join(form for form, _ in tokens)
    match = next((d for d in stored if "".join(d.text.split()) == squeezed), None)
    offsets: list[tuple[int, int]] = []
    if match is not None:
        offsets_or_error = _place_tokens(path, match, tokens)
        if isinstance(offsets_or_error, FormatError):
            return offsets_or_error
        offsets = offsets_or_error
        graph = SpanGraph(text=match.text, title=match.title, source=match.source, doc_id=match.doc_id, line=sentences[0][0][2])
    else:
        pieces, position = [], 0
        for s_index, sentence in enumerate(sentences):
            for t_index, (form, _, _) in enumerate(sentence):
                if t_index:
                    pieces.append(" ")
                    position += 1
                offsets.append((position, position + len(form)))
                pieces.append(form)
                position += len(form)
            if s_index + 1 < len(sentences):
                pieces.append("\n")
                position += 1
        graph = SpanGraph(text="".join(pieces) + "\n", title=path.stem, source=str(path.resolve()), line=sentences[0][0][2])
    tags = [(tag, number) for sentence in sentences for _, tag, number in sentence]
    sentence_starts = set()
    count = 0
    for sentence in sentences:
        sentence_starts.add(count)
        count += len(sentence)
    current: list | None = None
    for index, ((tag, number), (start, end)) in enumerate(zip(tags, offsets)):
        found = _TAG.match(tag)
        prefix, label = found.group(2), found.group(3)
        continues = current is not None and current[2] == label and prefix in ("I", "E", "L") and index not in sentence_starts
        if prefix is None or not continues:
            if current is not None:
                graph.spans.append(Span(f"c{len(graph.spans)}", current[0], current[1], current[2], ROLE_ENTITY, {}, current[3]))
            current = None if prefix is None else [start, end, label, number]
        else:
            current[1] = end
        if current is not None and prefix in ("E", "L", "S", "U"):
            graph.spans.append(Span(f"c{len(graph.spans)}", current[0], current[1], current[2], ROLE_ENTITY, {}, current[3]))
            current = None
    if current is not None:
        graph.spans.append(Span(f"c{len(graph.spans)}", current[0], current[1], current[2], ROLE_ENTITY, {}, current[3]))
    return graph
