"""Property tests: random texts (emoji, CJK, combining marks, curly quotes, newlines) with
random, possibly overlapping spans come back the same through every lossless format."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.formats.importing import apply_import, plan_import
from tui.formats.interchange import Losses, UnitMap, select_for_export
from tui.formats.registry import FORMATS
from tui.model.annotation import CLAIM, ENTITY, Annotation, Entity
from tui.model.document import Document
from tui.store.records import ANNOTATIONS, ENTITIES, Change
from tui.store.repository import Store

PIECES = ["Jane", "Doe", "said", " ", " ", "\n", "“", "”", "’", "🚀", "👩🏽‍💻", "東京", "小池", "e\u0301", "n\u0303", "Zoë", ",", ".", "20%"]


@st.composite
def annotated_texts(draw):
    """A text and a list of entity and claim spans on it (start < end, any overlap)."""
    text = "".join(draw(st.lists(st.sampled_from(PIECES), min_size=3, max_size=40)))
    if not text.strip():
        text = "Jane" + text
    n = len(text)
    spans = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(1, n), st.sampled_from(["PERSON", "ORG", "claim"])), max_size=6))
    # Blank spans are not annotations anyone makes (and brat cannot hold a span of newlines).
    spans = sorted({(min(a, b), max(a, b), kind) for a, b, kind in spans if a != b and text[min(a, b) : max(a, b)].strip()})
    cue = draw(st.one_of(st.none(), st.tuples(st.integers(0, n - 1), st.integers(1, n)).filter(lambda t: t[0] < t[1] and text[t[0] : t[1]].strip())))
    return text, spans, cue


def build(path: Path, text: str, spans, cue) -> tuple[Store, Document]:
    """A real database holding ``text`` with the given spans as entities and claims."""
    store = Store(path)
    document = Document(text=text, title="t", source="https://example.org/t")
    store.add_document(document)
    changes = []
    for index, (start, end, kind) in enumerate(spans):
        if kind == "claim":
            attrs = {"claim_type": "quote", "speaker": "someone", "cue": list(cue) if cue else None, "content": [[start, end]], "verdict": "false", "checkworthiness": 0.5, "note": "n\u00f6te", "evidence": []}
            annotation = Annotation.on_text(document.doc_id, text, CLAIM, "quote", start, end, attrs=attrs)
        else:
            entity = Entity(document.doc_id, f"entity {index}", kind)
            changes.append(Change(ENTITIES, entity.entity_id, entity.to_record()))
            annotation = Annotation.on_text(document.doc_id, text, ENTITY, kind, start, end, attrs={"entity_id": entity.entity_id})
        changes.append(Change(ANNOTATIONS, annotation.id, annotation.to_record()))
    store.apply(changes)
    return store, document


def canonical(store: Store, doc_id: str) -> list[tuple]:
    """A document's annotations as comparable tuples."""
    entities = {e.entity_id: e.name for e in store.entities(doc_id)}
    return sorted(
        (a.kind, a.label, a.start, a.end, entities.get(a.attrs.get("entity_id")), a.attrs.get("cue") and tuple(a.attrs["cue"]), a.attrs.get("verdict"), a.attrs.get("note"))
        for a in store.annotations(doc_id)
    )


def round_trip(fmt: str, text: str, spans, cue) -> None:
    """Export with ``fmt``, import into a fresh database and compare."""
    spec = FORMATS[fmt]
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        source, document = build(folder / "source.json", text, spans, cue)
        items = select_for_export(source, [document.doc_id])
        payload = spec.export_function()(items, Losses())
        if spec.output == "directory":
            out = folder / "out"
            out.mkdir()
            for name, data in payload.items():
                (out / name).write_bytes(data)
        else:
            out = folder / "out.bin"
            out.write_bytes(payload)
        target = Store(folder / "target.json")
        if fmt == "w3c":
            target.add_document(document)
        graphs, errors = spec.import_function()(out, store=target)
        assert errors == []
        apply_import(target, plan_import(target, graphs, fmt), fmt)
        assert target.document(document.doc_id).text == text
        assert canonical(target, document.doc_id) == canonical(source, document.doc_id)
        source.close()
        target.close()


SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(annotated_texts())
def test_prodigy_round_trip(sample):
    round_trip("prodigy", *sample)


@SETTINGS
@given(annotated_texts())
def test_doccano_relations_round_trip(sample):
    round_trip("doccano-rel", *sample)


@SETTINGS
@given(annotated_texts())
def test_brat_round_trip(sample):
    round_trip("brat", *sample)


@SETTINGS
@given(annotated_texts())
def test_w3c_round_trip(sample):
    round_trip("w3c", *sample)


@SETTINGS
@given(annotated_texts())
def test_docbin_round_trip(sample):
    round_trip("spacy", *sample)


@given(st.lists(st.sampled_from(["a", "é", "🚀", "👩🏽‍💻", "東", "\n"]), min_size=1, max_size=30).map("".join))
def test_utf16_offsets_convert_both_ways(text):
    units = UnitMap(text)
    for offset in range(len(text) + 1):
        utf16 = units.to_utf16(offset)
        assert utf16 == len(text[:offset].encode("utf-16-le")) // 2
        assert units.from_utf16(utf16) == offset
        if offset < len(text) and ord(text[offset]) > 0xFFFF:
            assert units.from_utf16(utf16 + 1) is None  # inside a surrogate pair
    assert units.length16 == len(text.encode("utf-16-le")) // 2
