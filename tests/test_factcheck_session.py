"""The session's fact-checking edits without the UI: claims, notes, entity edits and merges, each one
undoable action on disk, and bad values refused before anything is saved."""

from __future__ import annotations

import pytest
from tinydb import TinyDB

from tests.conftest import occurrence, saved_annotations, write_article
from tui.formats.readers import read_article
from tui.launch import open_session
from tui.session.search import annotation_hits, text_hits

TEXT = "“We will pause,” said Ada Obi. Obi runs Acme.\n\nMs. Obi and Acme agreed. Acme Corp did not."


def phrase(text: str, nth: int = 0) -> tuple[int, int]:
    """The span of the ``nth``-th ``text`` in TEXT."""
    return occurrence(TEXT, text, nth)


@pytest.fixture
def session(tmp_path):
    """A session with Ada Obi (PERSON, two mentions), Acme (ORG) and Ms. Obi (a second PERSON)."""
    opened = open_session(tmp_path / "db.json", read_article(write_article(tmp_path, TEXT)), annotator="tester")
    opened.label_span(*phrase("Ada Obi"), "PERSON")
    opened.label_span(*phrase("Obi", 1), "PERSON")
    opened.label_span(*phrase("Acme"), "ORG")  # the other mentions of "Acme" become suggestions
    opened.label_span(*phrase("Ms. Obi"), "PERSON")
    return opened


def entities_table(session) -> dict[str, dict]:
    """The entities saved so far, by name."""
    session.store.close()
    database = TinyDB(session.store.path)
    try:
        return {e["name"]: e for e in database.table("entities").all()}
    finally:
        database.close()


def test_update_claim_grows_to_its_fragments_accepts_it_and_undo_restores_it(session, tmp_path):
    claim = session.mark_claim(*phrase("“We will pause,”"), "quote")
    before = claim.to_record()
    ada = session.find_entity("ada obi")
    updated = session.update_claim(claim.id, speaker=ada.entity_id, cue=list(phrase("said")), content=[list(phrase("We will pause"))],
                                   verdict="misleading", checkworthiness=0.75, note="n", evidence=["https://a.io"])
    assert (updated.start, updated.end) == (0, phrase("said")[1]) and updated.quote.exact == "“We will pause,” said"
    saved = next(r for r in saved_annotations(tmp_path / "db.json") if r["id"] == claim.id)
    assert saved["attrs"]["verdict"] == "misleading" and saved["attrs"]["speaker"] == ada.entity_id and saved["status"] == "accepted"
    session.undo()
    assert session.by_id[claim.id].to_record() == before


@pytest.mark.parametrize(
    "attrs",
    [{"verdict": "probably"}, {"claim_type": "rumour"}, {"checkworthiness": 1.5}, {"cue": [5, 500]}, {"content": [[3, 3]]}],
)
def test_update_claim_refuses_values_outside_the_data_model_and_saves_nothing(session, tmp_path, attrs):
    claim = session.mark_claim(*phrase("“We will pause,”"), "quote")
    journal = len(session.store.journal())
    with pytest.raises(ValueError):
        session.update_claim(claim.id, **attrs)
    assert len(session.store.journal()) == journal
    assert next(r for r in saved_annotations(tmp_path / "db.json") if r["id"] == claim.id)["attrs"]["verdict"] == "unverified"


def test_relabelling_an_entity_relabels_every_mention_including_suggestions_in_one_action(session):
    acme = session.find_entity("Acme")
    labels = lambda: sorted((a.label, a.status) for a in session.mentions_of(acme.entity_id))  # noqa: E731
    assert labels() == [("ORG", "accepted"), ("ORG", "suggested"), ("ORG", "suggested")]
    session.update_entity(acme.entity_id, name="Acme Corporation", label="NORP", aliases=["Acme", " Acme Corp ", "Acme"], kb_id=" Q1234 ")
    assert labels() == [("NORP", "accepted"), ("NORP", "suggested"), ("NORP", "suggested")]
    session.undo()
    assert labels() == [("ORG", "accepted"), ("ORG", "suggested"), ("ORG", "suggested")]
    session.redo()
    saved = entities_table(session)["Acme Corporation"]
    assert (saved["label"], saved["aliases"], saved["kb_id"]) == ("NORP", ["Acme", "Acme Corp"], "Q1234")


def test_merging_a_mention_moves_it_its_claims_speaker_and_removes_the_emptied_entity(session):
    ada, ms_obi = session.find_entity("Ada Obi"), session.find_entity("Ms. Obi")
    claim = session.mark_claim(*phrase("Ms. Obi and Acme agreed."), "reported", speaker=ms_obi.entity_id)
    mention = session.at(phrase("Ms. Obi")[0])[0]
    session.merge_mention(mention.id, ada.entity_id)
    assert session.by_id[claim.id].attrs["speaker"] == ada.entity_id
    assert ms_obi.entity_id not in session.entities and "Ms. Obi" in session.entities[ada.entity_id].aliases
    session.undo()
    assert session.entities[ms_obi.entity_id].name == "Ms. Obi" and session.by_id[claim.id].attrs["speaker"] == ms_obi.entity_id
    session.redo()
    saved = entities_table(session)
    assert "Ms. Obi" not in saved and saved["Ada Obi"]["aliases"] == ["Ms. Obi"]



def test_renaming_an_entity_to_another_ones_name_merges_them_in_one_undoable_action(session):
    ada, ms_obi = session.find_entity("Ada Obi"), session.find_entity("Ms. Obi")
    claim = session.mark_claim(*phrase("Ms. Obi and Acme agreed."), "reported", speaker=ms_obi.entity_id)
    mentions = sorted(m.id for m in [*session.mentions_of(ada.entity_id), *session.mentions_of(ms_obi.entity_id)])
    merged = session.update_entity(ms_obi.entity_id, name=" ada  OBI ", label="PERSON", aliases=["Dr Obi"], kb_id="Q42")
    assert merged.entity_id == ada.entity_id and merged.name == "Ada Obi"
    assert (merged.aliases, merged.kb_id) == (["Ms. Obi", "Dr Obi"], "Q42")
    assert sorted(m.id for m in session.mentions_of(ada.entity_id)) == mentions
    assert "Ms. Obi" in {m.quote.exact for m in session.mentions_of(ada.entity_id)}
    assert ms_obi.entity_id not in session.entities and session.by_id[claim.id].attrs["speaker"] == ada.entity_id
    session.undo()
    assert session.entities[ms_obi.entity_id].name == "Ms. Obi" and session.entities[ada.entity_id].aliases == []
    assert session.by_id[claim.id].attrs["speaker"] == ms_obi.entity_id
    session.redo()
    acme = session.find_entity("Acme")
    session.update_entity(acme.entity_id, name="Ada Obi", label="NORP")  # a label changed with the merge relabels every mention
    assert {m.label for m in session.mentions_of(ada.entity_id)} == {"NORP"} and session.entities[ada.entity_id].label == "NORP"
    saved = entities_table(session)
    assert set(saved) == {"Ada Obi"} and saved["Ada Obi"]["aliases"] == ["Ms. Obi", "Dr Obi", "Acme"]


def test_a_merge_of_entities_with_two_different_kb_ids_is_refused_and_saves_nothing(session):
    ada, ms_obi = session.find_entity("Ada Obi"), session.find_entity("Ms. Obi")
    session.update_entity(ada.entity_id, kb_id="Q1")
    journal = len(session.store.journal())
    with pytest.raises(ValueError, match="Q1.*Q2"):
        session.update_entity(ms_obi.entity_id, name="Ada Obi", kb_id="Q2")
    assert len(session.store.journal()) == journal and session.entities[ms_obi.entity_id].name == "Ms. Obi"
    renamed = session.update_entity(ms_obi.entity_id, name="Ms. Obi", aliases=["Ada Obi"])  # its own name: no merge
    assert renamed.entity_id == ms_obi.entity_id

def test_notes_on_any_annotation_and_search_over_text_and_annotations(session):
    mention = session.at(phrase("Obi", 1)[0])[0]
    session.set_note(mention.id, "runs [bold]Acme")
    assert session.by_id[mention.id].attrs["note"] == "runs [bold]Acme"
    assert text_hits(TEXT, "acme") == [phrase("Acme"), phrase("Acme", 1), phrase("Acme", 2)]
    assert text_hits(TEXT, "  ") == []
    assert annotation_hits(session, "[BOLD]") == [phrase("Obi", 1)]  # the note, ignoring case
    assert annotation_hits(session, "org") == [phrase("Acme"), phrase("Acme", 1), phrase("Acme", 2)]  # the label
