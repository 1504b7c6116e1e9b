"""Export → import round trips through the real ``postil export``/``postil import`` commands.

The fixture article has overlapping mentions, a quote split around its cue, emoji, CJK,
combining marks, curly quotes and a claim across a newline; what comes back in a fresh
database must be the same annotations (ids aside) for every lossless format.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tui.cli import main
from tui.store.repository import Store

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "formats"))
from seed import build_store, find  # noqa: E402

LOSSLESS = ["prodigy", "spacy", "brat", "doccano-rel", "w3c"]


def canonical(store: Store, doc_id: str, statuses=("accepted",)) -> list[tuple]:
    """The annotations of a document as comparable tuples (ids resolved to names)."""
    entities = {e.entity_id: e for e in store.entities(doc_id)}
    rows = []
    for a in store.annotations(doc_id):
        if a.status not in statuses:
            continue
        if a.is_entity:
            e = entities[a.attrs["entity_id"]]
            rows.append(("entity", a.label, a.start, a.end, a.status, a.quote.exact, e.name, e.label, e.kb_id, tuple(e.aliases)))
        else:
            at = a.attrs
            speaker = at.get("speaker") or ""
            speaker = ("entity", entities[speaker].name) if speaker in entities else ("text", speaker)
            rows.append((
                "claim", a.label, a.start, a.end, a.status, a.quote.exact, at.get("claim_type"), at.get("verdict"), at.get("checkworthiness"),
                at.get("note"), tuple(at.get("evidence") or ()), tuple(at.get("cue") or ()), tuple(map(tuple, at.get("content") or ())),
                tuple(at.get("speaker_span") or ()), speaker,
            ))
    return sorted(rows, key=repr)


def export(db: Path, fmt: str, out: Path, *extra: str) -> int:
    """Run ``postil export``; returns its exit status."""
    return main(["export", "--format", fmt, "--db", str(db), "--out", str(out), *extra])


def fresh_target(path: Path, fmt: str, store: Store, doc_id: str) -> Path:
    """An empty database, holding the article alone for W3C (whose targets name it, not carry it)."""
    if fmt == "w3c":
        target = Store(path)
        target.add_document(store.document(doc_id))
        target.close()
    return path


def import_(db: Path, fmt: str, path: Path, *extra: str) -> int:
    """Run ``postil import``; returns its exit status."""
    return main(["import", "--format", fmt, str(path), "--db", str(db), *extra])


@pytest.fixture
def source(tmp_path):
    """The hard fixture in a real database: (path, store, document)."""
    store, document = build_store(tmp_path / "source.json")
    yield tmp_path / "source.json", store, document
    store.close()


@pytest.mark.parametrize("fmt", LOSSLESS)
def test_round_trip_is_lossless(fmt, source, tmp_path, capsys):
    db, store, document = source
    out = tmp_path / f"export.{fmt}"
    assert export(db, fmt, out) == 0
    target = fresh_target(tmp_path / "target.json", fmt, store, document.doc_id)
    assert import_(target, fmt, out) == 0
    imported = Store(target, read_only=True)
    try:
        assert imported.document(document.doc_id).text == document.text
        expected = canonical(store, document.doc_id)
        assert len(expected) == 12
        assert canonical(imported, document.doc_id) == expected
    finally:
        imported.close()
    err = capsys.readouterr().err
    assert "imported 12 annotations" in err
    assert "not exported" not in err or fmt == "spacy"  # spaCy reports the overlap left out of doc.ents only


@pytest.mark.parametrize("fmt", ["prodigy", "spacy", "brat", "doccano-rel", "w3c"])
def test_suggestions_round_trip_when_included(fmt, source, tmp_path):
    db, store, document = source
    out = tmp_path / f"export.{fmt}"
    assert export(db, fmt, out, "--include-suggested") == 0
    target = fresh_target(tmp_path / "target.json", fmt, store, document.doc_id)
    assert import_(target, fmt, out) == 0
    imported = Store(target, read_only=True)
    both = ("accepted", "suggested")
    assert canonical(imported, document.doc_id, both) == canonical(store, document.doc_id, both)
    assert [a.status for a in imported.annotations(document.doc_id)].count("suggested") == 1
    imported.close()


def test_second_import_skips_what_is_there(source, tmp_path, capsys):
    db, store, document = source
    out = tmp_path / "export.jsonl"
    assert export(db, "prodigy", out) == 0
    target = tmp_path / "target.json"
    assert import_(target, "prodigy", out) == 0
    assert import_(target, "prodigy", out) == 0
    assert "imported 0 annotations" in capsys.readouterr().err.splitlines()[-1]
    imported = Store(target, read_only=True)
    assert len(imported.annotations(document.doc_id)) == 12
    imported.close()


def test_import_into_the_source_database_adds_nothing(source, tmp_path):
    db, store, document = source
    out = tmp_path / "brat"
    assert export(db, "brat", out) == 0
    before = len(store.annotations(document.doc_id))
    store.close()
    assert import_(db, "brat", out) == 0
    again = Store(db, read_only=True)
    assert len(again.annotations(document.doc_id)) == before
    again.close()


def test_doccano_offsets_are_utf16(source, tmp_path):
    db, store, document = source
    out = tmp_path / "export.jsonl"
    assert export(db, "doccano-rel", out) == 0
    record = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    team = find(document.text, "café 👩🏽‍💻 team")
    span = next(e for e in record["entities"] if e["label"] == "ORG")
    # Two emoji before it ("🚀" and none else) are outside the BMP: +1 each before the start.
    wide_before = sum(1 for ch in document.text[: team[0]] if ord(ch) > 0xFFFF)
    wide_inside = sum(1 for ch in document.text[team[0] : team[1]] if ord(ch) > 0xFFFF)
    assert (span["start_offset"], span["end_offset"]) == (team[0] + wide_before, team[1] + wide_before + wide_inside)
    utf16 = document.text.encode("utf-16-le")
    assert utf16[2 * span["start_offset"] : 2 * span["end_offset"]].decode("utf-16-le") == "café 👩🏽‍💻 team"


def test_doccano_sequence_labels_report_what_they_lose(source, tmp_path, capsys):
    db, store, document = source
    out = tmp_path / "export.jsonl"
    assert export(db, "doccano", out) == 0
    err = capsys.readouterr().err
    assert "not exported: 8 claim speakers, cues and content pieces" in err
    target = tmp_path / "target.json"
    assert import_(target, "doccano", out) == 0
    imported = Store(target, read_only=True)
    spans = sorted((a.kind, a.start, a.end) for a in imported.annotations(document.doc_id))
    expected = sorted((a.kind, a.start, a.end) for a in store.annotations(document.doc_id) if a.status == "accepted")
    assert spans == expected
    imported.close()


def test_brat_writes_text_unchanged_and_a_matching_conf(source, tmp_path):
    db, store, document = source
    out = tmp_path / "brat"
    assert export(db, "brat", out) == 0
    assert (out / f"fixture-{document.doc_id}.txt").read_bytes() == document.text.encode("utf-8")
    ann = (out / f"fixture-{document.doc_id}.ann").read_text(encoding="utf-8")
    conf = (out / "annotation.conf").read_text(encoding="utf-8")
    for line in ann.splitlines():
        kind = line.split("\t")[1].split()[0]
        if line.startswith("T"):
            assert kind in conf.split("[relations]")[0].split()
        elif line.startswith("R"):
            assert any(row.startswith(kind + "\t") for row in conf.split("[relations]")[1].split("[events]")[0].splitlines())
    assert "[events]" in conf
    # The claim across a newline is written as two fragments (brat lines cannot hold newlines).
    start, end = find(document.text, "crime fell\nsharply in 2025")
    assert f"Claim {start} {start + 10};{start + 11} {end}\tcrime fell sharply in 2025" in ann
    assert "\tReference T" in ann and "Wikidata:Q000000\tJane Doe" in ann


@pytest.mark.parametrize("fmt", ["prodigy", "spacy", "brat", "doccano-rel", "conll2002"])
def test_several_documents_round_trip(fmt, source, tmp_path):
    """``--all`` writes every document and the import finds each one again."""
    from tui.model.annotation import ENTITY, Annotation, Entity
    from tui.model.document import Document
    from tui.store.records import ANNOTATIONS, ENTITIES, Change

    db, store, document = source
    other = Document(text="Ada Lovelace wrote the first program.\n", title="second", source="https://example.org/ada")
    store.add_document(other)
    ada = Entity(other.doc_id, "Ada Lovelace", "PERSON")
    mention = Annotation.on_text(other.doc_id, other.text, ENTITY, "PERSON", 0, 12, attrs={"entity_id": ada.entity_id})
    store.apply([Change(ENTITIES, ada.entity_id, ada.to_record()), Change(ANNOTATIONS, mention.id, mention.to_record())])
    out = tmp_path / f"all.{fmt}"
    assert export(db, fmt, out, "--all") == 0
    target = tmp_path / "target.json"
    if fmt == "conll2002":  # CoNLL carries tokens only: the texts must be there to land on
        seeded = Store(target)
        seeded.add_document(document)
        seeded.add_document(other)
        seeded.close()
    assert import_(target, fmt, out) == 0
    imported = Store(target, read_only=True)
    try:
        assert sorted(d.doc_id for d in imported.documents()) == sorted([document.doc_id, other.doc_id])
        assert [(a.quote.exact, a.label) for a in imported.annotations(other.doc_id)] == [("Ada Lovelace", "PERSON")]
        if fmt != "conll2002":
            assert canonical(imported, document.doc_id) == canonical(store, document.doc_id)
        else:
            assert len(imported.annotations(document.doc_id)) == 7  # the 8 accepted mentions but the overlapped one
    finally:
        imported.close()
