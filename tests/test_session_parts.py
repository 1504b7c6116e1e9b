"""The session's parts on plain records, with no store: the index, the undo history and the save
queue, the entity planners, and corrections. What each returns is what the session writes and
what the screen lists, so these assert those values."""

from __future__ import annotations

import tracemalloc

import pytest

from tests.test_review import span as span_in
from tui.model.annotation import CLAIM, ENTITY, REJECTED, SUGGESTED, Annotation, Entity
from tui.session.corrections import Corrections
from tui.session.entities import entity_for, plan_entity_edit, plan_mention_move, plan_merge, plan_retire
from tui.session.history import Action, History, SaveQueue
from tui.session.index import AnnotationIndex
from tui.session.propagation import Propagation, SpanView
from tui.store.records import ANNOTATIONS, ENTITIES, GAZETTEER, Change
from tui.store.storage import StoreSaveError

TEXT = "Jane Doe met Acme Corp in Paris. Acme Corp said Doe would return. Acme Corp grew."
DOC = "doc"


def span(phrase: str, nth: int = 0) -> tuple[int, int]:
    return span_in(TEXT, phrase, nth)


def mention(phrase: str, label: str, entity: Entity, nth: int = 0, **fields) -> Annotation:
    return Annotation.on_text(DOC, TEXT, ENTITY, label, *span(phrase, nth), attrs={"entity_id": entity.entity_id}, **fields)


def claim(phrase: str, speaker: str = "") -> Annotation:
    start, end = span(phrase)
    return Annotation.on_text(DOC, TEXT, CLAIM, "reported", start, end, attrs={"claim_type": "reported", "speaker": speaker})


@pytest.fixture
def people():
    jane = Entity(DOC, "Jane Doe", "PERSON")
    acme = Entity(DOC, "Acme Corp", "ORG")
    return jane, acme


def test_the_index_answers_the_side_panels_questions_from_plain_records(people):
    jane, acme = people
    said = claim("Acme Corp said Doe would return", speaker=acme.entity_id)
    rejected = mention("Paris", "GPE", acme, status=REJECTED)
    index = AnnotationIndex(
        [said, mention("Acme Corp", "ORG", acme, 2), mention("Jane Doe", "PERSON", jane), mention("Acme Corp", "ORG", acme), mention("Doe", "PERSON", jane, 1), rejected],
        [jane, acme],
    )
    assert [(label, [(e.name, n) for e, n in items]) for label, items in index.entity_groups()] == [("PERSON", [("Jane Doe", 2)]), ("ORG", [("Acme Corp", 2)])]
    assert index.mention_forms(jane.entity_id) == ["Jane Doe", "Doe"]
    assert index.speaker_name(said) == "Acme Corp"
    assert [a.id for a in index.claims()] == index.claim_ids() == [said.id]
    assert rejected.id not in {a.id for a in index.visible()} and rejected.id in {a.id for a in index.references(acme.entity_id)}
    assert [TEXT[a.start : a.end] for a in index.at(span("Doe", 1)[0])] == ["Doe", "Acme Corp said Doe would return"]
    assert index.find_entity("  acme   corp ") is acme and index.find_entity("Acme Corp", other_than=acme.entity_id) is None
    assert index.find_entity("the Acme Corp") is acme and index.find_entity("Acme Corp’s") is acme


def test_changes_applied_to_the_index_keep_its_counts_and_claim_order_in_step(people):
    jane, acme = people
    first = mention("Acme Corp", "ORG", acme)
    index = AnnotationIndex([first, mention("Jane Doe", "PERSON", jane)], [jane, acme])
    versions = dict(index.versions)
    late, early = claim("Acme Corp grew"), claim("Jane Doe met Acme Corp")
    index.apply(Change(ANNOTATIONS, late.id, late.to_record()))
    index.apply(Change(ANNOTATIONS, early.id, early.to_record()))
    index.apply(Change(ANNOTATIONS, first.id, None))
    index.apply(Change(ENTITIES, acme.entity_id, None))
    assert index.claim_ids() == [early.id, late.id]
    assert index.mention_count(acme.entity_id) == 0 and index.entity_count() == 1
    assert [label for label, _ in index.entity_groups()] == ["PERSON"]
    assert index.versions["claims"] > versions.get("claims", 0) and index.versions["entities"] > versions["entities"]
    assert index.record(ANNOTATIONS, first.id) is None and index.record(ANNOTATIONS, late.id)["label"] == "reported"
    assert index.holds(ANNOTATIONS) and not index.holds(GAZETTEER)


def journal_entry(op: str, after: list[Change], before: list[dict | None], **fields) -> dict:
    return {
        "op": op, **fields,
        "after": [{"table": c.table, "key": c.key, "record": c.record} for c in after],
        "before": [{"table": c.table, "key": c.key, "record": b} for c, b in zip(after, before)],
    }


def test_history_replays_a_journal_of_actions_undos_and_redos(people):
    jane, _ = people
    added = mention("Jane Doe", "PERSON", jane)
    relabelled = {**added.to_record(), "label": "ORG"}
    add = journal_entry("add", [Change(ANNOTATIONS, added.id, added.to_record())], [None])
    relabel = journal_entry("relabel", [Change(ANNOTATIONS, added.id, relabelled)], [added.to_record()])
    suggestion = journal_entry("suggest", [Change(ANNOTATIONS, "s1", None)], [None], undoable=False)
    history = History()
    history.replay([add, relabel, suggestion, {"op": "undo:relabel"}])
    assert history.can_undo and history.can_redo
    assert history.next_undo().op == "add" and history.next_redo().op == "relabel"
    assert history.next_redo().inverse() == [Change(ANNOTATIONS, added.id, added.to_record())]
    assert history.next_redo().ranges == [(added.start, added.end), (added.start, added.end)]
    history.replay([{"op": "redo:relabel"}])
    assert history.next_undo().op == "relabel" and not history.can_redo
    history.replay([{"op": "reanchor"}])
    assert not history.can_undo and not history.can_redo


def test_a_new_action_clears_what_could_be_redone():
    history = History()
    history.done(Action("add", [], []))
    history.undone()
    assert history.can_redo
    history.done(Action("delete", [], []))
    assert not history.can_redo and history.next_undo().op == "delete"


def test_the_save_queue_keeps_refused_batches_in_order_until_a_retry_saves_them():
    saved: list[list[Change]] = []
    disk = {"full": True}

    def save(batch: list[Change], durable: bool = True) -> None:
        if disk["full"]:
            raise StoreSaveError("annotations.json: No space left on device")
        saved.append(batch)

    queue = SaveQueue(save)
    first, second = [Change(ANNOTATIONS, "a", None)], [Change(ANNOTATIONS, "b", None)]
    queue.save(first)
    disk["full"] = False
    queue.save(second)  # queued behind the refused one, not saved ahead of it
    assert saved == [[*first], [*second]] and len(queue) == 0 and queue.error is None
    disk["full"] = True
    queue.save(first)
    queue.save(second)
    assert len(queue) == 2 and queue.error == "annotations.json: No space left on device"
    disk["full"] = False
    assert queue.retry() == 0 and saved[2:] == [first, second] and queue.error is None


def test_merging_entities_plans_every_move_and_commits_nothing(people):
    jane, acme = people
    doe = Entity(DOC, "Doe", "PERSON", aliases=["J. Doe"])
    speaking = claim("Acme Corp said Doe would return", speaker=doe.entity_id)
    short = mention("Doe", "PERSON", doe, 1)
    index = AnnotationIndex([mention("Jane Doe", "PERSON", jane), short, speaking], [jane, acme, doe])
    plan = plan_merge(index, doe, jane, None, doe.aliases, "")
    changed = {(c.table, c.key): c.record for c in plan.changes}
    assert changed[(ENTITIES, jane.entity_id)]["aliases"] == ["Doe", "J. Doe"]
    assert changed[(ANNOTATIONS, short.id)]["attrs"]["entity_id"] == jane.entity_id
    assert changed[(ANNOTATIONS, speaking.id)]["attrs"]["speaker"] == jane.entity_id
    assert changed[(ENTITIES, doe.entity_id)] is None and plan.op == "merge-entity" and plan.entity_id == jane.entity_id
    assert doe.entity_id in index.entities and index.by_id[short.id].attrs["entity_id"] == doe.entity_id  # nothing applied
    with pytest.raises(ValueError, match="clear one KB id"):
        plan_merge(index, doe, Entity(DOC, "Jane Doe", "PERSON", kb_id="Q1"), None, [], "Q2")


def test_retiring_an_entity_hands_its_claims_to_another_speaker_and_deletes_it(people):
    jane, acme = people
    said = claim("Acme Corp said Doe would return", speaker=acme.entity_id)
    index = AnnotationIndex([said, mention("Acme Corp", "ORG", acme)], [jane, acme])
    plan = plan_retire(index, acme.entity_id, jane.entity_id)
    assert [(c.table, c.key) for c in plan.changes] == [(ANNOTATIONS, said.id), (ENTITIES, acme.entity_id)]
    assert plan.changes[0].record["attrs"]["speaker"] == jane.entity_id and plan.changes[1].record is None
    assert plan.ranges == [(said.start, said.end)]
    assert index.by_id[said.id].attrs["speaker"] == acme.entity_id and acme.entity_id in index.entities  # nothing applied


def test_moving_a_last_mention_retires_its_entity_and_names_the_target_by_it(people):
    jane, acme = people
    doe = Entity(DOC, "Doe", "PERSON")
    short = mention("Doe", "PERSON", doe, 1)
    index = AnnotationIndex([mention("Jane Doe", "PERSON", jane), short], [jane, acme, doe])
    plan = plan_mention_move(index, [short], jane)
    assert [(c.table, c.key) for c in plan.changes] == [(ANNOTATIONS, short.id), (ENTITIES, jane.entity_id), (ENTITIES, doe.entity_id)]
    assert plan.changes[1].record["aliases"] == ["Doe"] and plan.changes[2].record is None


def test_editing_an_entity_relabels_its_mentions_or_merges_into_the_entity_it_is_renamed_to(people):
    jane, acme = people
    corp = Entity(DOC, "Acme", "ORG")
    mentions = [mention("Acme Corp", "ORG", acme), mention("Acme Corp", "ORG", acme, 1)]
    index = AnnotationIndex([*mentions, mention("Jane Doe", "PERSON", jane)], [jane, acme, corp])
    relabel = plan_entity_edit(index, acme, None, "NORP", None, None)
    assert relabel.op == "edit-entity" and {c.record["label"] for c in relabel.changes} == {"NORP"}
    assert sorted(relabel.ranges) == sorted((m.start, m.end) for m in mentions)
    assert plan_entity_edit(index, acme, "Acme Corp", None, None, None).changes == []  # nothing to change
    assert plan_entity_edit(index, corp, "acme corp", None, None, None).op == "merge-entity"
    with pytest.raises(ValueError, match="needs a name"):
        plan_entity_edit(index, acme, "   ", None, None, None)


def test_a_surname_names_the_person_already_known_and_a_new_name_a_new_entity(people):
    jane, acme = people
    index = AnnotationIndex([], [jane, acme])
    assert entity_for(index, "Doe", "PERSON", DOC) == (jane, None)
    assert entity_for(index, "acme corp", "ORG", DOC) == (acme, None)
    paris, created = entity_for(index, "Paris", "GPE", DOC)
    assert created == Change(ENTITIES, paris.entity_id, paris.to_record()) and paris.entity_id not in index.entities


def correction(text: str, label: str) -> dict:
    return {"key": f"{label}\t{text}", "text": text, "label": label}


def test_a_correction_is_suggested_where_the_text_recurs_except_where_it_was_rejected_or_annotated(people):
    _, acme = people
    other = Entity(DOC, "Acme", "PERSON")
    model_guess = mention("Acme Corp", "PERSON", other, 1, status=SUGGESTED, origin="model")
    refused = mention("Acme Corp", "ORG", acme, 2, status=REJECTED)
    corrected = mention("Acme Corp", "ORG", acme)
    index = AnnotationIndex([model_guess, refused, corrected], [acme, other])
    propagation = Propagation(DOC, TEXT, index, [correction("Acme Corp", "ORG")], "tester")
    assert propagation.corrections.occurrences("Acme Corp") == [span("Acme Corp", n) for n in range(3)]
    suggested = propagation.between(0, len(TEXT))
    # The model's PERSON guess takes the user's label (same id: accepting it rewrites that record).
    assert [(a.id, a.start, a.label, a.status, a.attrs["entity_id"]) for a in suggested] == [(model_guess.id, model_guess.start, "ORG", SUGGESTED, acme.entity_id)]
    assert propagation.resolve(model_guess.id).label == "ORG"
    view = SpanView(index.index, propagation)
    assert [(a.id, a.label) for a in view.at(model_guess.start)] == [(model_guess.id, "ORG")]  # drawn with the user's label, once
    assert view.get(refused.id) is None


def test_derived_suggestions_follow_the_annotations_and_corrections_and_have_steady_ids(people):
    _, acme = people
    index = AnnotationIndex([], [acme])
    propagation = Propagation(DOC, TEXT, index, [correction("Acme Corp", "PERSON"), correction("Acme Corp", "ORG")], "tester")
    assert propagation.corrections.labels == {"Acme Corp": "ORG"}  # the latest correction of a text wins
    found = propagation.between(0, len(TEXT))
    assert [(a.start, a.status, a.origin, a.annotator, a.attrs["entity_id"]) for a in found] == [
        (span("Acme Corp", n)[0], SUGGESTED, "user-correction", "tester", acme.entity_id) for n in range(3)
    ]
    assert [a.id for a in propagation.between(*span("Acme Corp", 1))] == [found[1].id] and propagation.resolve(found[1].id) == found[1]
    accepted = mention("Acme Corp", "ORG", acme, 1)
    for change in (Change(ANNOTATIONS, accepted.id, accepted.to_record()),):
        index.apply(change)
        propagation.apply(change)
    assert [a.start for a in propagation.between(0, len(TEXT))] == [span("Acme Corp", n)[0] for n in (0, 2)]
    assert propagation.resolve(found[1].id) is None  # accepted: no longer derived
    stale = propagation.corrections.changes("Acme Corp", "GPE")
    assert [(c.key, c.record is None) for c in stale] == [("PERSON\tAcme Corp", True), ("ORG\tAcme Corp", True), ("GPE\tAcme Corp", False)]
    for change in stale:
        propagation.apply(change)
    assert {a.label for a in propagation.between(0, len(TEXT))} == {"GPE"} and propagation.corrections.entries == {"GPE\tAcme Corp": ("Acme Corp", "GPE")}
    gpe, created = propagation.entity("Acme Corp", "GPE")
    assert created is not None and propagation.entity("Acme Corp", "GPE") == (gpe, created)  # one new entity, however often asked
    count = propagation.count_job()()
    assert propagation.install(count) and count.by_text == {"Acme Corp": 2} and count.total == 2


def test_a_correction_of_a_common_name_keeps_its_occurrences_in_a_few_bytes_each():
    book = "Nora Lin spoke. " * 20_000
    corrections = Corrections(book, [correction("Nora Lin", "PERSON")])
    tracemalloc.start()
    try:
        occurrences = corrections.everywhere({"Nora Lin": "PERSON"})
        assert len(occurrences) == 20_000 and occurrences[-1] == (len(book) - 16, len(book) - 8, "Nora Lin")
        del occurrences
        kept, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Kept for the next count and the drawing: where each occurrence starts, not a tuple of two ints each (2.7 MB).
    assert kept < 20_000 * 32  # (with what CPython keeps of freed tuples for reuse)
    assert corrections.between(16, 24) == [(16, 24, "Nora Lin")]
    assert corrections.occurrences("Nora Lin")[:2] == [(0, 8), (16, 24)]


def test_where_corrected_texts_overlap_the_longer_occurrence_is_kept():
    text = "Acme Corp and Acme. Acme Corp Bank! Bank"
    corrections = Corrections(text, [correction("Acme", "ORG"), correction("Acme Corp", "ORG"), correction("Corp Bank", "ORG"), correction("Bank", "ORG")])
    whole = corrections.everywhere(dict(corrections.labels))
    assert [text[start:end] for start, end, _ in whole] == ["Acme Corp", "Acme", "Acme Corp", "Bank"]
    for low in range(len(text)):  # a stretch gives what the whole text gives there
        for high in range(low + 1, len(text) + 1):
            assert corrections.between(low, high) == [o for o in whole if o[0] < high and o[1] > low]
