"""CoNLL-2002/2003: exact tags in IOB2 and IOB1, losses on stderr, import onto the stored text."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tui.cli import main
from tui.model.annotation import CLAIM, ENTITY, Annotation, Entity
from tui.model.document import Document
from tui.store.records import ANNOTATIONS, ENTITIES, Change
from tui.store.repository import Store

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "formats"))
from seed import build_store  # noqa: E402

TEXT = "Paris Berlin Rome hosted the Lovelace Institute.\nIt said budgets rose."


@pytest.fixture
def small(tmp_path):
    """A database with adjacent same-type entities, an overlap and a claim."""
    store = Store(tmp_path / "db.json")
    document = Document(text=TEXT, title="cities", source="cities")
    store.add_document(document)
    changes = []
    for phrase, label in (("Paris", "GPE"), ("Berlin", "GPE"), ("Rome", "GPE"), ("the Lovelace Institute", "ORG"), ("Lovelace", "PERSON")):
        entity = Entity(document.doc_id, phrase, label)
        start = TEXT.index(phrase)
        mention = Annotation.on_text(document.doc_id, TEXT, ENTITY, label, start, start + len(phrase), attrs={"entity_id": entity.entity_id})
        changes += [Change(ENTITIES, entity.entity_id, entity.to_record()), Change(ANNOTATIONS, mention.id, mention.to_record())]
    claim = Annotation.on_text(document.doc_id, TEXT, CLAIM, "assertion", TEXT.index("budgets"), len(TEXT) - 1, attrs={"claim_type": "assertion"})
    changes.append(Change(ANNOTATIONS, claim.id, claim.to_record()))
    store.apply(changes)
    store.close()
    return tmp_path / "db.json", document


def rows(out: str) -> list[list[str]]:
    """CoNLL output as lists of columns (an empty list for a blank line)."""
    return [line.split() for line in out.splitlines()]


def test_conll2002_is_iob2_and_reports_losses(small, capsys):
    db, document = small
    assert main(["export", "--format", "conll2002", "--db", str(db)]) == 0
    captured = capsys.readouterr()
    assert rows(captured.out) == [
        ["Paris", "B-GPE"], ["Berlin", "B-GPE"], ["Rome", "B-GPE"], ["hosted", "O"],
        ["the", "B-ORG"], ["Lovelace", "I-ORG"], ["Institute", "I-ORG"], [".", "O"], [],
        ["It", "O"], ["said", "O"], ["budgets", "O"], ["rose", "O"], [".", "O"], [],
    ]
    assert "not exported: 1 overlapping entity mentions (CoNLL cannot nest or overlap spans)" in captured.err
    assert "not exported: 1 claims (CoNLL has entities only)" in captured.err


def test_conll2003_is_iob1_with_four_columns_and_a_docstart(small, capsys):
    db, document = small
    assert main(["export", "--format", "conll2003", "--db", str(db)]) == 0
    table = rows(capsys.readouterr().out)
    assert table[0] == ["-DOCSTART-", "-X-", "O", "O"] and table[1] == []
    assert [row[3] for row in table[2:10]] == ["I-GPE", "B-GPE", "B-GPE", "O", "I-ORG", "I-ORG", "I-ORG", "O"]
    assert all(row[1:3] == ["-X-", "_"] for row in table[2:] if row)


def test_scheme_option_switches_iob1_and_iob2(small, capsys):
    db, document = small
    assert main(["export", "--format", "conll2002", "--scheme", "iob1", "--db", str(db)]) == 0
    assert [row[1] for row in rows(capsys.readouterr().out)[:3]] == ["I-GPE", "B-GPE", "B-GPE"]


@pytest.mark.parametrize(("fmt", "scheme"), [("conll2002", "iob2"), ("conll2003", "iob1"), ("conll2002", "iob1")])
def test_import_lands_on_the_stored_text(fmt, scheme, small, tmp_path, capsys):
    db, document = small
    out = tmp_path / "out.conll"
    assert main(["export", "--format", fmt, "--scheme", scheme, "--db", str(db), "--out", str(out)]) == 0
    target = tmp_path / "target.json"
    seeded = Store(target)
    seeded.add_document(document)
    seeded.close()
    assert main(["import", "--format", fmt, str(out), "--db", str(target)]) == 0
    store = Store(target, read_only=True)
    assert store.documents()[0].doc_id == document.doc_id  # matched, not a second document
    got = sorted((a.quote.exact, a.label) for a in store.annotations(document.doc_id))
    store.close()
    assert got == [("Berlin", "GPE"), ("Paris", "GPE"), ("Rome", "GPE"), ("the Lovelace Institute", "ORG")]


def test_import_without_the_text_rebuilds_it_from_tokens(small, tmp_path):
    db, document = small
    out = tmp_path / "out.conll"
    assert main(["export", "--format", "conll2002", "--db", str(db), "--out", str(out)]) == 0
    target = tmp_path / "fresh.json"
    assert main(["import", "--format", "conll2002", str(out), "--db", str(target)]) == 0
    store = Store(target, read_only=True)
    (rebuilt,) = store.documents()
    assert rebuilt.text == "Paris Berlin Rome hosted the Lovelace Institute .\nIt said budgets rose .\n"
    assert sorted(a.quote.exact for a in store.annotations(rebuilt.doc_id)) == ["Berlin", "Paris", "Rome", "the Lovelace Institute"]
    store.close()


def test_bioes_tags_are_read(tmp_path):
    path = tmp_path / "bioes.conll"
    path.write_text("New B-GPE\nYork E-GPE\nis O\nbig O\nParis S-GPE\n", encoding="utf-8")
    assert main(["import", "--format", "conll2002", str(path), "--db", str(tmp_path / "db.json")]) == 0
    store = Store(tmp_path / "db.json", read_only=True)
    (doc,) = store.documents()
    assert sorted(a.quote.exact for a in store.annotations(doc.doc_id)) == ["New York", "Paris"]
    store.close()


def test_hard_fixture_keeps_every_non_overlapping_mention(tmp_path, capsys):
    store, document = build_store(tmp_path / "db.json")
    mentions = sorted((a.start, a.end, a.label) for a in store.annotations(document.doc_id) if a.is_entity and a.status == "accepted")
    store.close()
    out = tmp_path / "out.conll"
    assert main(["export", "--format", "conll2002", "--db", str(tmp_path / "db.json"), "--out", str(out)]) == 0
    target = tmp_path / "target.json"
    seeded = Store(target)
    seeded.add_document(document)
    seeded.close()
    assert main(["import", "--format", "conll2002", str(out), "--db", str(target)]) == 0
    back = Store(target, read_only=True)
    got = sorted((a.start, a.end, a.label) for a in back.annotations(document.doc_id))
    back.close()
    assert got == [m for m in mentions if m != (6, 14, "PERSON")]  # "Jane Doe" inside "Mayor Jane Doe" is the one reported lost
