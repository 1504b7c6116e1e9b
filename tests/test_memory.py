"""What an open book costs in memory: compact records, one copy of each, caches with bounds.

No timings and no RSS here: what is held, and how much Python allocates at its peak while a
database is read (tracemalloc counts the same on every machine for the same data).
"""

from __future__ import annotations

import json
import os
import pickle
import tracemalloc
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.generate import generated_document
from tui.launch import open_session
from tui.model.annotation import Annotation, Entity, Quote, compact_annotation
from tui.model.document import Document
from tui.model.layout import PARAGRAPHS_KEPT, WrappedLayout
from tui.model.span_index import SpanIndex
from tui.model.tokens import TextIndex, tokenize
from tui.model.wrap import wrap_paragraph
from tui.session.agreement import voters
from tui.session.annotation_session import AnnotationSession
from tui.session.corpus import document_summaries, document_summary
from tui.session.corpus_search import CorpusSnapshot, corpus_hits, corpus_snapshot
from tui.session.stats import StatsSnapshot, collect_stats, stats_snapshot
from tui.store.records import ANNOTATIONS, ENTITIES, Change, as_record
from tui.store.repository import Store
from tui.store.storage import READ_PIECE, StoreError, dump_json, parse_by_record


def test_annotations_quotes_and_entities_are_slotted_and_still_pickle():
    annotation = Annotation.on_text("d", "Amara Okafor spoke.", "entity", "PERSON", 0, 12, attrs={"entity_id": "e-1"})
    entity = Entity("d", "Amara Okafor", "PERSON", aliases=["Okafor"])
    for record in (annotation, annotation.quote, entity):
        assert not hasattr(record, "__dict__")
        with pytest.raises((AttributeError, TypeError)):  # (TypeError: a frozen slotted dataclass on Python 3.11)
            record.anything_else = 1
        assert pickle.loads(pickle.dumps(record)) == record  # suggestion batches cross processes
    assert Annotation.from_record(annotation.to_record()) == annotation


def stored_book(path: Path, words: int) -> tuple[Document, list[Annotation]]:
    """A database holding the generated prose of ``words`` words with its spans, closed (folded)."""
    document, annotations, entities = generated_document(words)
    store = Store(path)
    store.add_document(document)
    store.apply([Change(ENTITIES, e.entity_id, e.to_record()) for e in entities] + [Change(ANNOTATIONS, a.id, a.to_record()) for a in annotations])
    store.close()
    return document, annotations


def test_the_session_holds_the_stores_annotations_not_copies(db_path):
    document, written = stored_book(db_path, 2_000)
    store = Store(db_path)
    first, again = store.annotations(document.doc_id), store.annotations(document.doc_id)
    assert sorted(first, key=lambda a: a.start) == written
    assert all(a is b for a, b in zip(first, again, strict=True))
    session = AnnotationSession(store, store.document(document.doc_id), "tester")
    assert all(session.by_id[a.id] is a for a in first)
    # The values every annotation repeats are one object each, not one per annotation.
    assert len({id(a.created) for a in first}) == len({id(a.doc_id) for a in first}) == 1
    # The mentions of one entity share one read-only dict of attributes, which still pickles.
    assert len({id(a.attrs) for a in first}) == len({a.attrs["entity_id"] for a in first}) == 7
    with pytest.raises(TypeError):
        first[0].attrs["entity_id"] = "another"
    assert pickle.loads(pickle.dumps(first[0])) == first[0] and first[0].to_record()["attrs"].__class__ is dict
    store.close()


ODD_RECORDS = [
    {"id": "extra", "doc_id": "d", "kind": "entity", "label": "ORG", "start": 0, "end": 3, "status": "accepted", "origin": "user",
     "annotator": "", "created": "", "updated": "", "anchor": "anchored", "attrs": {}, "quote": {"exact": "Acm", "prefix": "", "suffix": "e"},
     "reviewed_by": "another tool"},
    {"id": "bare", "doc_id": "d", "kind": "entity", "label": "ORG", "start": 0, "end": 3, "quote": {"exact": "Acm", "prefix": "", "suffix": ""}},
    {"id": "null-attrs", "doc_id": "d", "kind": "claim", "label": "assertion", "start": 0, "end": 3, "status": "suggested", "origin": "model",
     "annotator": "", "created": "", "updated": "", "anchor": "orphan", "attrs": None, "quote": {"exact": "x\n    }", "prefix": "\"", "suffix": ""}},
    {"id": "quote-extra", "doc_id": "d", "kind": "note", "label": "", "start": 1, "end": 2, "status": "accepted", "origin": "user",
     "annotator": "ann", "created": "", "updated": "", "anchor": "moved", "attrs": {"note": "a\\b", "verdict": None},
     "quote": {"exact": "c", "prefix": "A", "suffix": "", "selector": "TextQuoteSelector"}},
]


def test_every_record_reads_back_and_is_written_back_byte_for_byte(db_path):
    document, written = stored_book(db_path, 300)
    store = Store(db_path)
    store.apply([Change(ANNOTATIONS, record["id"], record) for record in ODD_RECORDS])
    store.close()
    before = db_path.read_bytes()
    store = Store(db_path)
    store.annotations(document.doc_id, len(document.text))  # (read from the text where they can be)
    for record in ODD_RECORDS + [a.to_record() for a in written]:
        assert store.record(ANNOTATIONS, record["id"]) == record
    assert store.tables()[ANNOTATIONS]["1"] == written[0].to_record()
    assert store.compact(force=True)
    store.close()
    assert db_path.read_bytes() == before


TRICKY_TABLES = [
    {},
    {"_default": {}},
    {"annotations": {"1": {"a": "\n    }", "b": [1, {"c": {}}]}, "2": {}, "3": {"k\"ey": "    \"7\": {"}}, "meta": {"1": {"key": "schema", "value": 2}}},
    {"t": {"1": {"x": "é ✓ \u2028"}}, "u": {}},
]


@pytest.mark.parametrize("tables", TRICKY_TABLES)
def test_a_file_read_record_by_record_is_what_a_whole_parse_reads(tables):
    seen = []
    laid_out = dump_json(tables)
    for size in (len(laid_out) + 1, 7, 1):  # the file in one piece, or in pieces cut anywhere
        pieces = [laid_out[at : at + size] for at in range(0, len(laid_out), size)]
        seen.clear()
        assert parse_by_record(pieces, lambda table, record: seen.append(table) or record) == orjson.loads(laid_out)
        assert seen == [name for name, table in orjson.loads(laid_out).items() for _ in table]
    # Another layout (one line, other spacing, a record whose key repeats) is left to a whole parse.
    for other in (orjson.dumps(tables), laid_out.replace(b"\n    }", b"\n     }"), laid_out.replace(b'"2": {}', b'"1": {}')):
        if other != laid_out and any(tables.values()):
            assert parse_by_record([other], lambda table, record: record) is None


def test_a_file_with_escapes_or_numbers_outside_its_records_is_left_to_a_whole_parse():
    for tables in ({"t": {"a\x01": {"x": 1}}}, {"t\u2028": {"1": {"x": 1}}}):
        laid_out = dump_json(tables)
        assert parse_by_record([laid_out], lambda table, record: record) in (None, tables)
    assert parse_by_record([dump_json({"t": {"1": {"x": 1}, "2": 5}})], lambda table, record: record) is None
    assert parse_by_record([b'{\n  "t": {\n    "1": {\n      "x": 1\n    },\n    "2": NaN\n  }\n}'], lambda table, record: record) is None
    assert parse_by_record([dump_json({"t": {"a\x01": {"x": 1}}})], lambda table, record: record) is None


def test_opening_a_book_never_holds_all_its_records_as_dicts(db_path):
    stored_book(db_path, 100_000)
    raw = db_path.read_bytes()
    tracemalloc.start()
    parsed = orjson.loads(raw)
    as_dicts, whole_parse = tracemalloc.get_traced_memory()
    del parsed
    tracemalloc.reset_peak()
    start, _ = tracemalloc.get_traced_memory()
    store = Store(db_path, read_only=True)
    held, opening = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    store.close()
    assert held - start < as_dicts * 0.6  # what stays: the records, compact
    assert opening - start < whole_parse * 0.6  # at its peak: the file's bytes and the records so far


def test_the_statistics_and_a_search_of_every_document_take_the_records_without_copying_them(db_path):
    document, _ = stored_book(db_path, 100_000)
    store = Store(db_path, read_only=True)
    as_dicts = [dict(record) for record in store.tables()[ANNOTATIONS].values()]
    store.document(document.doc_id)  # its text read once, as the app has
    tracemalloc.start()
    start, _ = tracemalloc.get_traced_memory()
    stats, corpus = stats_snapshot(store), corpus_snapshot(store)  # taken on the app's thread
    taken, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert taken - start < 30 * len(as_dicts)  # references, not a dict per record (hundreds of bytes each)
    # Read on the worker's thread, they are the stored records.
    assert list(stats.annotations) == list(corpus.annotations) == as_dicts
    assert collect_stats(stats) == collect_stats(StatsSnapshot(stats.scheme, list(stats.documents), as_dicts, list(stats.journal)))
    hits = corpus_hits(corpus, "Okafor", "annotations")
    assert hits == corpus_hits(CorpusSnapshot(corpus.documents, as_dicts, list(corpus.entities)), "Okafor", "annotations") and hits[0]


def test_the_document_list_counts_a_books_annotations_without_making_them_dicts(db_path, monkeypatch):
    document, written = stored_book(db_path, 20_000)
    store = Store(db_path)
    store.apply([Change(ANNOTATIONS, "odd", {**written[0].to_record(), "id": "odd", "status": "suggested", "extra": 1})])  # held as a dict
    made = []
    monkeypatch.setattr(Annotation, "to_record", lambda self, to_record=Annotation.to_record: made.append(self) or to_record(self))
    (summary,) = document_summaries(store)
    assert summary == document_summary(store, document.doc_id)
    assert (summary.entities, summary.suggestions_left) == (len(written), 1)
    assert made == []  # (marking a document done in the list counts its row again: each key press)
    # The statistics screen looks for the annotators of its agreement figures on the app's thread too.
    store.apply([Change(ANNOTATIONS, "other", {**written[1].to_record(), "id": "other", "annotator": "bo", "extra": 1})])
    made.clear()
    assert voters(stats_snapshot(store).annotations) == {"bo"} and made == []


def test_reading_a_book_keeps_the_layout_tokens_and_sentences_of_recent_paragraphs_only():
    text = "\n".join(f"Paragraph {n} says what it says. It goes on a while, line after line." for n in range(3 * PARAGRAPHS_KEPT))
    document = Document(text, "Long", "long.txt")
    layout, index = WrappedLayout(document, 30), TextIndex(document)
    row, offset = 0, -1
    while (shown := layout.row(row)) is not None:
        paragraph = document.paragraphs[shown.paragraph]
        assert shown == wrap_paragraph(text, paragraph.start, paragraph.end, 30, shown.paragraph)[row - layout.counts.rows_before(shown.paragraph)]
        row += 1
    while (token := index.next_token(offset)) is not None:
        offset = token.start
        index.sentence_at(offset)
    assert row == sum(len(wrap_paragraph(text, p.start, p.end, 30)) for p in document.paragraphs)
    assert len(layout._rows) == len(index._tokens) == len(index._sentences) == PARAGRAPHS_KEPT
    # Let go and asked for again, a paragraph is laid out as it was.
    first = document.paragraphs[0]
    assert layout.paragraph_rows(0) == wrap_paragraph(text, first.start, first.end, 30, 0)
    assert index.paragraph_tokens(0) == tokenize(text, first.start, first.end)
    assert layout.row_of(text.index("Paragraph 1 ")) == len(wrap_paragraph(text, first.start, first.end, 30))


def test_a_long_text_opened_again_is_held_once(db_path):
    document, _ = stored_book(db_path, 20_000)  # its text is in a side file
    opened = Document(document.text.encode().decode(), document.title, document.source)  # as read from the file again
    session = open_session(db_path, opened, annotator="tester")
    assert session.text is opened.text
    session.store.close()


def test_a_quote_is_read_from_the_text_it_quotes(db_path):
    document, written = stored_book(db_path, 20_000)
    moved = Annotation.on_text(document.doc_id, document.text, "entity", "ORG", 5, 9, id="moved")
    moved.quote = Quote(moved.quote.exact, "another prefix", moved.quote.suffix)
    store = Store(db_path)
    store.apply([Change(ANNOTATIONS, moved.id, moved.to_record())])
    store.close()
    session = open_session(db_path, document, annotator="tester")
    quotes = {a.id: a.quote for a in session.by_id.values()}
    assert {kind.__name__ for kind in map(type, quotes.values())} == {"TextQuote", "Quote"}
    assert [i for i, quote in quotes.items() if type(quote) is Quote] == ["moved"]  # not the text's: kept as it is
    assert all(session.by_id[a.id].quote == a.quote and hash(session.by_id[a.id].quote) == hash(a.quote) for a in written)
    assert type(pickle.loads(pickle.dumps(quotes["g-0"]))) is Quote and session.by_id["g-0"].to_record() == written[0].to_record()
    session.store.close()


def test_a_span_index_holds_its_offsets_in_arrays():
    text = "word " * 100_000
    items = [Annotation.on_text("d", text, "entity", "ORG", i * 10, i * 10 + 4, id=f"a-{i}") for i in range(50_000)]
    tracemalloc.start()
    index = SpanIndex(items)
    held, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(index) == len(items) and held / len(items) < 80  # its dict by id, two offsets and an id: no tuple per span


# Hostile contents and layouts for the record-by-record reader: strings holding the layout's own
# separators, quotes, backslashes, escapes, line separators and NUL; and files cut, spliced, re-indented,
# re-encoded or laid out otherwise.
HOSTILE_SNIPPETS = [b'},\n    "123": {', b'\n    }', b'\n  "t": {', b'\n    "9": {}', b'\\u0000', b'\\ud800', b"\x00",
                    b'"', b"\\", b"\xed\xa0\x80", b"\xef\xbb\xbf", b"\xff", b"  ", b"\n", b"{", b"}", b",", b"1", b"NaN", "\u2028".encode()]
_hostile_text = st.one_of(st.text(max_size=12), st.sampled_from([snippet.decode("utf-8", "replace") for snippet in HOSTILE_SNIPPETS] + ["\u2028", "\x1b[2J", "é✓"]))
_values = st.recursive(st.none() | st.booleans() | st.integers(-2**63, 2**64 - 1) | st.floats(allow_nan=False, allow_infinity=False) | _hostile_text,
                       lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_hostile_text, inner, max_size=3), max_leaves=8)
_records = st.dictionaries(_hostile_text, _values, max_size=4)
_tables = st.dictionaries(_hostile_text, st.dictionaries(_hostile_text, _records, max_size=4), max_size=3)


def _damaged(laid_out: bytes, data) -> bytes:
    """``laid_out`` changed as a hand edit, a crash or an attacker might change it."""
    how = data.draw(st.sampled_from(["as_is", "splice", "cut", "truncate", "reindent", "one_line", "indent_4", "utf16", "bom", "duplicate_line"]))
    at = data.draw(st.integers(0, len(laid_out)))
    if how == "splice":
        return laid_out[:at] + data.draw(st.sampled_from(HOSTILE_SNIPPETS)) + laid_out[at:]
    if how == "cut":
        return laid_out[:at] + laid_out[at + data.draw(st.integers(1, 20)):]
    if how == "truncate":
        return laid_out[:at]
    if how == "reindent":
        return laid_out.replace(data.draw(st.sampled_from([b"\n    ", b"\n  ", b"\n      "])), data.draw(st.sampled_from([b"\n   ", b"\n     ", b"\n\t", b"\r\n    "])))
    if how == "one_line":
        return orjson.dumps(orjson.loads(laid_out))
    if how == "indent_4":
        return json.dumps(orjson.loads(laid_out), indent=4, ensure_ascii=data.draw(st.booleans())).encode()
    if how == "utf16":
        return laid_out.decode().encode(data.draw(st.sampled_from(["utf-16", "utf-16-le", "utf-32"])))
    if how == "bom":
        return b"\xef\xbb\xbf" + laid_out
    if how == "duplicate_line":
        lines = laid_out.split(b"\n")
        line = data.draw(st.integers(0, len(lines) - 1))
        return b"\n".join(lines[: line + 1] + lines[line:])
    return laid_out


@settings(max_examples=int(os.environ.get("POSTIL_FUZZ_EXAMPLES", "200")), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(tables=_tables, data=st.data())
def test_reading_record_by_record_gives_exactly_the_whole_parse_or_leaves_the_file_to_it(tables, data):
    laid_out = dump_json(tables)
    content = _damaged(laid_out, data)
    size = data.draw(st.sampled_from([1, 2, 7, 64, len(content) + 1]))
    pieces = [content[at : at + size] for at in range(0, len(content), size)]
    handed = []
    read = parse_by_record(pieces, lambda table, record: handed.append((table, record)) or record)
    try:
        whole = orjson.loads(content)
    except orjson.JSONDecodeError:
        assert read is None  # what orjson refuses is never read record by record
        return
    if read is not None:
        assert read == whole
        assert [type(table) for table in read.values()] == [dict] * len(read)
        assert handed == [(name, record) for name, table in whole.items() for record in table.values()]
    elif content == laid_out and b"\\u" not in laid_out:
        pytest.fail("a file laid out as dump_json writes it was not read record by record")


def test_a_file_in_another_encoding_or_with_a_byte_order_mark_is_left_to_the_whole_parse(db_path):
    laid_out = dump_json({"_default": {}, "t": {"1": {"x": 1}}})
    for content in (b"\xef\xbb\xbf" + laid_out, laid_out.decode().encode("utf-16"), b'{\n  "_default": {}\n}'.decode().encode("utf-16-le"),
                    b'{\n  "t\xed\xa0\x80": {}\n}\n'):
        assert parse_by_record([content], lambda table, record: record) is None
        db_path.write_bytes(content)
        with pytest.raises(StoreError, match=r": not valid JSON at line \d+, column \d+ \(.*\); run `postil doctor ") as refused:
            Store(db_path)
        assert "\n" not in str(refused.value)
        assert db_path.read_bytes() == content


def test_a_file_on_one_line_is_left_to_the_whole_parse_after_its_first_megabytes():
    laid_out = dump_json({"annotations": {str(number): {"id": f"a-{number}", "text": "x" * 200} for number in range(40_000)}})
    read = []

    def pieces(content: bytes):
        for at in range(0, len(content), READ_PIECE):
            read.append(at)
            yield content[at : at + READ_PIECE]

    assert len(laid_out) > 8 * READ_PIECE
    assert parse_by_record(pieces(laid_out), lambda table, record: record) == orjson.loads(laid_out)
    assert len(read) == -(-len(laid_out) // READ_PIECE)
    for other_layout in (orjson.dumps(orjson.loads(laid_out)), laid_out.replace(b"\n    ", b"\n   ")):
        read.clear()
        assert parse_by_record(pieces(other_layout), lambda table, record: record) is None
        assert len(read) <= 3  # not read on to its end (the whole parse reads it again)


_annotation_records = st.fixed_dictionaries(
    {name: _values for name in ("doc_id", "kind", "label", "start", "end", "status", "origin", "annotator", "id", "created", "updated", "anchor")}
    | {"quote": st.fixed_dictionaries({"exact": _values, "prefix": _values, "suffix": _values}),
       "attrs": st.one_of(st.builds(dict), st.fixed_dictionaries({"entity_id": _hostile_text}), st.dictionaries(_hostile_text, _values, max_size=3))})


@settings(max_examples=int(os.environ.get("POSTIL_FUZZ_EXAMPLES", "200")), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record=_annotation_records | _records)
def test_an_annotation_held_in_its_compact_form_gives_back_its_record_exactly(record):
    held = compact_annotation(record)
    assert as_record(held) == record
    assert dump_json({"annotations": {"1": held}}) == dump_json({"annotations": {"1": record}})
    assert as_record(pickle.loads(pickle.dumps(held))) == record
