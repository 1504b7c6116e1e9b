"""Curating a team database's document: agreed work seeded, disagreements with one version per
annotator, and the lead's decisions stored as the annotator ``curation`` (undoable)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from tests.conftest import saved_annotations
from tui.model.annotation import ACCEPTED, CLAIM, CURATION, ENTITY, REJECTED, SUGGESTED, Annotation, Entity, now_iso
from tui.model.claims import claim_attrs
from tui.model.document import Document
from tui.session.annotation_session import AnnotationSession
from tui.session.curation import Curation
from tui.store.migrations import META
from tui.store.records import ANNOTATIONS, ENTITIES, TEAM_KEY, Change
from tui.store.repository import Store

TEXT = "Jane Doe met Acme Corp in Paris. Acme Corp said it grew. Bob Smith said the plan failed."
JANE = (0, 8)
ACME = (13, 22)
PARIS = (TEXT.index("Paris"), TEXT.index("Paris") + 5)
GREW = (TEXT.index("Acme Corp said"), TEXT.index("grew.") + 5)
FAILED = (TEXT.index("Bob Smith"), len(TEXT))


class Work:
    """One annotator's annotations and entities on the test document, as store changes."""

    def __init__(self, doc_id: str, owner: str) -> None:
        self.doc_id, self.owner, self.changes = doc_id, owner, []

    def entity(self, name: str, label: str, kb_id: str = "") -> str:
        entity = Entity(self.doc_id, name, label, entity_id=f"e-{self.owner}-{name.lower().replace(' ', '-')}", kb_id=kb_id, annotator=self.owner)
        self.changes.append(Change(ENTITIES, entity.entity_id, entity.to_record()))
        return entity.entity_id

    def mention(self, span: tuple[int, int], label: str, name: str = "", status: str = ACCEPTED, kb_id: str = "") -> None:
        entity_id = self.entity(name or TEXT[span[0]:span[1]], label, kb_id)
        mention = Annotation.on_text(self.doc_id, TEXT, ENTITY, label, *span, annotator=self.owner, status=status,
                                     id=f"a-{self.owner}-{label}-{span[0]}", attrs={"entity_id": entity_id})
        self.changes.append(Change(ANNOTATIONS, mention.id, mention.to_record()))

    def claim(self, span: tuple[int, int], claim_type: str, speaker: str, verdict: str, **attrs) -> None:
        claim = Annotation.on_text(self.doc_id, TEXT, CLAIM, claim_type, *span, annotator=self.owner, id=f"a-{self.owner}-claim-{span[0]}",
                                   attrs=claim_attrs(*span, claim_type, speaker=speaker, verdict=verdict, **attrs))
        self.changes.append(Change(ANNOTATIONS, claim.id, claim.to_record()))


def two_annotators(db: Path) -> tuple[Store, Document, Work, Work]:
    """A new database holding the test document, and alice's and bob's work on it, none yet."""
    store = Store(db)
    document = store.open_document(Document(TEXT, "Team", "test:team"))
    return store, document, Work(document.doc_id, "alice"), Work(document.doc_id, "bob")


def team_database(db: Path) -> tuple[Store, Document]:
    """alice and bob on one document: they agree on Paris and on the claim that Acme Corp said it
    grew (speakers of the same name); they disagree on "Jane Doe" (PERSON / ORG), on "Acme Corp"
    (bob marked nothing) and on the verdict of Bob Smith's quote. bob's unreviewed suggestion is
    not his judgement."""
    store, document, alice, bob = two_annotators(db)
    alice.mention(JANE, "PERSON")
    bob.mention(JANE, "ORG")
    alice.mention(ACME, "ORG")
    for work in (alice, bob):
        work.mention(PARIS, "GPE")
    alice.claim(GREW, "reported", alice.entity("Acme Corp", "ORG"), "unverified")
    bob.claim(GREW, "reported", bob.entity("ACME corp", "ORG"), "unverified")
    alice.claim(FAILED, "quote", alice.entity("Bob Smith", "PERSON", kb_id="Q42"), "false", note="see the report", evidence=["https://example.org/r"])
    bob.claim(FAILED, "quote", bob.entity("Robert Smith", "PERSON", kb_id="Q42"), "mixed")
    bob.mention((TEXT.index("plan"), TEXT.index("plan") + 4), "PRODUCT", status=SUGGESTED)
    team = {"key": TEAM_KEY, "annotators": {"alice": {"source": "alice.json"}, "bob": {"source": "bob.json"}}}
    store.apply([*alice.changes, *bob.changes, Change(META, TEAM_KEY, team)])
    return store, document


def curating(db: Path) -> tuple[Curation, AnnotationSession]:
    """The team database's document opened for curation: its Curation and the curation layer's session."""
    curation = Curation(*team_database(db))
    return curation, curation.open_session()


def curation_saved(db: Path) -> list[dict]:
    """The curation's annotations in the database file."""
    return [r for r in saved_annotations(db) if r["annotator"] == CURATION]


def curation_records(db: Path) -> dict[tuple, dict]:
    """The curation's annotations in the database file by (kind, start, end, label, status)."""
    return {(r["kind"], r["start"], r["end"], r["label"], r["status"]): r for r in curation_saved(db)}


def saved_entities(db: Path) -> dict[str, dict]:
    store = Store(db, read_only=True)
    try:
        return {r["entity_id"]: dict(r) for r in store.tables().get(ENTITIES, {}).values()}
    finally:
        store.close()


def test_agreed_annotations_are_seeded_into_the_curation_once(db_path):
    store, document = team_database(db_path)
    curation = Curation(store, document)
    assert curation.annotators == ["alice", "bob"]
    session = curation.open_session()
    seeded = curation_records(db_path)
    assert set(seeded) == {(ENTITY, *PARIS, "GPE", ACCEPTED), (CLAIM, *GREW, "reported", ACCEPTED)}
    entities = saved_entities(db_path)
    speaker = entities[seeded[(CLAIM, *GREW, "reported", ACCEPTED)]["attrs"]["speaker"]]
    assert (speaker["name"], speaker["label"], speaker["annotator"]) == ("Acme Corp", "ORG", CURATION)
    assert not session.can_undo  # seeding is not the lead's action
    store.close()

    reopened = Store(db_path)
    Curation(reopened, document).open_session()
    assert len(curation_saved(db_path)) == 2
    assert len([e for e in saved_entities(db_path).values() if e.get("annotator") == CURATION]) == 2
    assert [e["op"] for e in reopened.journal(document.doc_id)].count("curation-seed") == 1


def test_a_seeded_annotation_the_lead_deleted_is_not_seeded_again(db_path):
    store, document = team_database(db_path)
    session = Curation(store, document).open_session()
    paris = next(a for a in session.by_id.values() if a.label == "GPE")
    session.delete(paris.id)
    Curation(store, document).open_session()
    assert (ENTITY, *PARIS, "GPE", ACCEPTED) not in curation_records(db_path)


def test_disagreements_are_clustered_by_kind_with_one_version_per_annotator(db_path):
    store, document = team_database(db_path)
    curation = Curation(store, document)
    said = [(d.key, [(v.annotator, v.describe(curation.entities)) for v in d.versions]) for d in curation.disagreements]
    assert said == [
        (f"entity:{JANE[0]}:{JANE[1]}", [("alice", "PERSON “Jane Doe”"), ("bob", "ORG “Jane Doe”")]),
        (f"entity:{ACME[0]}:{ACME[1]}", [("alice", "ORG “Acme Corp”"), ("bob", "nothing")]),
        (f"claim:{FAILED[0]}:{FAILED[1]}", [("alice", "quote by Bob Smith · false · Q42"), ("bob", "quote by Robert Smith · mixed · Q42")]),
    ]


def test_speakers_of_one_name_and_different_kb_ids_are_told_apart(db_path):
    store, document, alice, bob = two_annotators(db_path)
    alice.claim(FAILED, "quote", alice.entity("Bob Smith", "PERSON", kb_id="Q42"), "false")
    bob.claim(FAILED, "quote", bob.entity("Bob Smith", "PERSON", kb_id="Q43"), "false")
    store.apply([*alice.changes, *bob.changes])
    curation = Curation(store, document)
    (failed,) = curation.disagreements
    assert [v.describe(curation.entities) for v in failed.versions] == ["quote by Bob Smith · false · Q42", "quote by Bob Smith · false · Q43"]


def test_overlapping_annotations_cluster_transitively_and_a_speakers_kb_id_decides_agreement(db_path):
    store, document, alice, bob = two_annotators(db_path)
    alice.mention((0, 8), "PERSON")
    bob.mention((5, 12), "PERSON")
    alice.mention((9, 22), "ORG")  # overlaps bob's, which overlaps alice's first: one disagreement
    alice.claim(FAILED, "quote", alice.entity("Bob Smith", "PERSON", kb_id="Q42"), "false")
    bob.claim(FAILED, "quote", bob.entity("Robert Smith", "PERSON", kb_id="Q42"), "false")  # same kb id: agreed
    alice.claim(GREW, "reported", alice.entity("Acme Corp", "ORG", kb_id="Q1"), "false")
    bob.claim(GREW, "reported", bob.entity("Acme Corp ", "ORG", kb_id="Q2"), "false")  # both have kb ids, different ones
    store.apply([*alice.changes, *bob.changes])
    curation = Curation(store, document)
    assert [(d.key, [len(v.annotations) for v in d.versions]) for d in curation.disagreements] == [
        ("entity:0:22", [2, 1]), (f"claim:{GREW[0]}:{GREW[1]}", [1, 1]),
    ]
    assert [(a.kind, a.start) for a in curation.agreed] == [(CLAIM, FAILED[0])]


def test_taking_alices_version_accepts_her_copy_and_rejects_bobs(db_path):
    curation, session = curating(db_path)
    jane = curation.disagreements[0]
    curation.take(session, jane, ["alice"])
    records = curation_records(db_path)
    taken, rejected = records[(ENTITY, *JANE, "PERSON", ACCEPTED)], records[(ENTITY, *JANE, "ORG", REJECTED)]
    entity = saved_entities(db_path)[taken["attrs"]["entity_id"]]
    assert (entity["name"], entity["label"], entity["annotator"]) == ("Jane Doe", "PERSON", CURATION)
    assert "entity_id" not in rejected["attrs"]  # a rejected version adds no curation entity
    assert curation.resolution(jane, session) == "alice"
    assert curation.progress(session) == (1, 3)


def test_taking_an_empty_version_rejects_the_others(db_path):
    curation, session = curating(db_path)
    acme = curation.disagreements[1]
    curation.take(session, acme, ["bob"])
    assert {k for k in curation_records(db_path) if k[1:3] == ACME} == {(ENTITY, *ACME, "ORG", REJECTED)}
    assert curation.resolution(acme, session) == "neither"  # bob marked nothing: nothing is kept


def test_taking_both_claims_copies_them_with_speaker_mapped_and_verdict_kept(db_path):
    curation, session = curating(db_path)
    failed = curation.disagreements[2]
    curation.take(session, failed, ["alice", "bob"])
    claims = [r for r in curation_saved(db_path) if (r["kind"], r["start"]) == (CLAIM, FAILED[0])]
    assert sorted((r["status"], r["attrs"]["verdict"]) for r in claims) == [(ACCEPTED, "false"), (ACCEPTED, "mixed")]
    entities = saved_entities(db_path)
    speakers = {r["attrs"]["verdict"]: entities[r["attrs"]["speaker"]] for r in claims}
    assert [(s["name"], s["kb_id"], s["annotator"]) for s in (speakers["false"], speakers["mixed"])] == [
        ("Bob Smith", "Q42", CURATION), ("Robert Smith", "Q42", CURATION)]
    alices = next(r for r in claims if r["attrs"]["verdict"] == "false")
    assert (alices["attrs"]["note"], alices["attrs"]["evidence"], alices["attrs"]["cue"]) == ("see the report", ["https://example.org/r"], None)
    assert curation.resolution(failed, session) == "both"


def test_taking_neither_rejects_every_version(db_path):
    curation, session = curating(db_path)
    jane = curation.disagreements[0]
    curation.take(session, jane, [])
    records = curation_records(db_path)
    assert {k for k in records if k[1:3] == JANE} == {(ENTITY, *JANE, "PERSON", REJECTED), (ENTITY, *JANE, "ORG", REJECTED)}
    assert curation.resolution(jane, session) == "neither"


def test_a_take_is_undone_in_one_step_and_survives_reopening(db_path):
    store, document = team_database(db_path)
    curation = Curation(store, document)
    session = curation.open_session()
    seeded = curation_records(db_path)
    entities_before = saved_entities(db_path)
    failed = curation.disagreements[2]
    curation.take(session, failed, ["alice"])
    assert curation_records(db_path).keys() > seeded.keys()
    session.undo()
    assert curation_records(db_path).keys() == seeded.keys()
    assert saved_entities(db_path) == entities_before
    assert curation.resolution(failed, session) is None
    curation.take(session, failed, ["bob"])
    store.close()

    reopened = Store(db_path)
    again = Curation(reopened, document)
    session = again.open_session()
    assert again.resolution(again.disagreements[2], session) == "bob"
    session.undo()
    assert curation_records(db_path).keys() == seeded.keys()


def test_changing_a_decision_replaces_the_copies_and_drops_an_unused_entity(db_path):
    curation, session = curating(db_path)
    jane = curation.disagreements[0]
    curation.take(session, jane, ["alice"])
    curation.take(session, jane, ["bob"])
    assert {k for k in curation_records(db_path) if k[1:3] == JANE} == {(ENTITY, *JANE, "PERSON", REJECTED), (ENTITY, *JANE, "ORG", ACCEPTED)}
    assert sorted((e["name"], e["label"]) for e in saved_entities(db_path).values() if e.get("annotator") == CURATION) == [
        ("Acme Corp", "ORG"), ("Jane Doe", "ORG"), ("Paris", "GPE")]
    assert curation.resolution(jane, session) == "bob"


def test_the_leads_own_annotation_resolves_a_disagreement_as_edited(db_path):
    curation, session = curating(db_path)
    acme = curation.disagreements[1]
    assert curation.resolution(acme, session) is None
    session.label_span(*ACME, "GPE")
    assert curation.resolution(acme, session) == "edited"


def test_next_open_goes_round_the_open_disagreements(db_path):
    curation, session = curating(db_path)
    jane, acme, failed = curation.disagreements
    assert curation.next_open(session, 3, 0) is jane  # the one under the cursor
    assert curation.next_open(session, 3, 1) is acme
    assert curation.next_open(session, FAILED[0], 1) is jane  # wraps round
    assert curation.next_open(session, JANE[0], -1) is failed
    curation.take(session, acme, ["alice"])
    assert curation.next_open(session, 3, 1) is failed
    assert curation.progress(session) == (1, 3)
    curation.take(session, jane, [])
    curation.take(session, failed, ["alice"])
    assert curation.next_open(session, 0, 1) is None
    assert curation.progress(session) == (3, 3)


def test_taking_every_version_keeps_one_copy_of_what_two_annotators_made_alike(db_path):
    store, document = team_database(db_path)
    carol = Work(document.doc_id, "carol")
    carol.mention(JANE, "ORG")  # as bob: alice, bob and carol do not all agree, bob and carol do
    store.apply(carol.changes)
    curation = Curation(store, document)
    session = curation.open_session()
    jane = curation.disagreements[0]
    assert [v.describe(curation.entities) for v in jane.versions] == ["PERSON “Jane Doe”", "ORG “Jane Doe”", "ORG “Jane Doe”"]
    curation.take(session, jane, ["alice", "bob", "carol"])
    records = [r for r in curation_saved(db_path) if (r["start"], r["end"]) == JANE]
    assert sorted((r["label"], r["status"]) for r in records) == [("ORG", ACCEPTED), ("ORG", REJECTED), ("PERSON", ACCEPTED)]
    assert curation.resolution(jane, session) == "both"
    curation.take(session, jane, ["bob"])  # bob's version is carol's too
    assert curation.resolution(jane, session) == "bob + carol"
    records = [r for r in curation_saved(db_path) if (r["start"], r["end"]) == JANE]
    assert sorted((r["label"], r["status"]) for r in records) == [("ORG", ACCEPTED), ("ORG", REJECTED), ("PERSON", REJECTED)]


def test_taking_a_speaker_with_another_kb_id_keeps_that_kb_id(db_path):
    store, document, alice, bob = two_annotators(db_path)
    smith = (FAILED[0], FAILED[0] + len("Bob Smith"))
    alice.mention(smith, "PERSON", kb_id="Q42")  # agreed (the mention's span and label), so seeded with alice's entity
    bob.mention(smith, "PERSON", kb_id="Q43")
    alice.claim(FAILED, "quote", alice.entity("Bob Smith", "PERSON", kb_id="Q42"), "false")
    bob.claim(FAILED, "quote", bob.entity("Bob Smith", "PERSON", kb_id="Q43"), "false")
    store.apply([*alice.changes, *bob.changes])
    curation = Curation(store, document)
    session = curation.open_session()
    (failed,) = curation.disagreements
    curation.take(session, failed, ["bob"])
    (claim,) = [r for r in curation_records(db_path).values() if r["kind"] == CLAIM and r["status"] == ACCEPTED]
    assert saved_entities(db_path)[claim["attrs"]["speaker"]]["kb_id"] == "Q43"
    curation.take(session, failed, ["alice"])  # changed back: bob's speaker entity is no longer named
    (claim,) = [r for r in curation_records(db_path).values() if r["kind"] == CLAIM and r["status"] == ACCEPTED]
    assert saved_entities(db_path)[claim["attrs"]["speaker"]]["kb_id"] == "Q42"
    assert sorted(e["kb_id"] for e in saved_entities(db_path).values() if e.get("annotator") == CURATION) == ["Q42"]


def newer_work(store: Store, document: Document, annotator: str, start: int, **changed) -> None:
    """The curation's decisions made an hour ago, and ``annotator``'s annotation at ``start``
    changed since, as a new merge brings it."""
    stored = store.annotations(document.doc_id, len(TEXT))
    hour_ago = (datetime.fromisoformat(now_iso()) - timedelta(hours=1)).isoformat()
    aged = [replace(a, created=hour_ago, updated=hour_ago) for a in stored if a.annotator == CURATION]
    source = next(a for a in stored if a.annotator == annotator and a.start == start)
    attrs = {**source.attrs, **changed.pop("attrs", {})}
    newer = replace(source, updated=now_iso(), attrs=attrs, **changed)
    store.apply([Change(ANNOTATIONS, a.id, a.to_record()) for a in (*aged, newer)])


def test_a_decision_whose_source_changed_since_is_open_again(db_path):
    store, document = team_database(db_path)
    curation = Curation(store, document)
    session = curation.open_session()
    acme = curation.disagreements[1]
    curation.take(session, acme, ["alice"])
    newer_work(store, document, "alice", ACME[0], label="PRODUCT")
    again = Curation(store, document)
    session = again.open_session()
    acme = again.disagreements[1]
    assert [v.describe(again.entities) for v in acme.versions] == ["PRODUCT “Acme Corp”", "nothing"]
    assert again.resolution(acme, session) is None and again.progress(session) == (0, 3)
    again.take(session, acme, ["alice"])
    assert again.resolution(acme, session) == "alice"
    assert (ENTITY, *ACME, "PRODUCT", ACCEPTED) in curation_records(db_path)


def test_annotators_who_agree_after_a_decision_replace_it(db_path):
    store, document = team_database(db_path)
    curation = Curation(store, document)
    session = curation.open_session()
    failed = curation.disagreements[2]
    curation.take(session, failed, ["bob"])  # bob's verdict, mixed
    newer_work(store, document, "bob", FAILED[0], attrs={"verdict": "false"})  # now as alice's
    again = Curation(store, document)
    again.open_session()
    assert [d.key for d in again.disagreements] == [f"entity:{JANE[0]}:{JANE[1]}", f"entity:{ACME[0]}:{ACME[1]}"]
    claims = [r for r in curation_saved(db_path) if r["start"] == FAILED[0]]
    assert sorted((r["status"], r["attrs"]["verdict"]) for r in claims) == [(ACCEPTED, "false"), (REJECTED, "false")]


def test_the_leads_edit_of_an_agreed_annotation_stands_when_the_annotators_work_changes(db_path):
    store, document = team_database(db_path)
    session = Curation(store, document).open_session()
    grew = next(a for a in session.by_id.values() if a.is_claim)
    session.update_claim(grew.id, verdict="false")
    newer_work(store, document, "alice", GREW[0], attrs={"note": "checked again"})
    Curation(store, document).open_session()
    assert curation_records(db_path)[(CLAIM, *GREW, "reported", ACCEPTED)]["attrs"]["verdict"] == "false"


def test_an_unverified_version_says_so_beside_a_verdict(db_path):
    store, document = team_database(db_path)
    alice, bob = Work(document.doc_id, "alice"), Work(document.doc_id, "bob")
    quote = (TEXT.index("Paris"), TEXT.index("Acme Corp said"))
    alice.claim(quote, "assertion", "", "false")
    bob.claim(quote, "assertion", "", "unverified")
    store.apply([*alice.changes, *bob.changes])
    curation = Curation(store, document)
    (d,) = [d for d in curation.disagreements if d.start == quote[0] and d.kind == CLAIM]
    assert [v.describe(curation.entities) for v in d.versions] == ["assertion · false", "assertion · unverified"]


def every_resolution(curation: Curation, session) -> dict[str, str | None]:
    """How each disagreement stands, reckoned from scratch."""
    return {d.key: curation.resolution(d, session) for d in curation.disagreements}


def test_the_kept_resolutions_follow_takes_undos_redos_and_the_leads_own_edits(db_path):
    curation, session = curating(db_path)
    jane, acme, failed = curation.disagreements
    steps = [
        lambda: curation.take(session, failed, ["bob"]),
        lambda: curation.take(session, jane, ["alice"]),
        session.undo,
        session.redo,
        lambda: session.label_span(ACME[0] + 5, ACME[1], "ORG"),  # "Corp": the lead's own, inside acme's range only
        session.undo,
        session.undo,
    ]
    seen = []
    for step in steps:
        step()
        assert curation.resolutions == every_resolution(curation, session)
        seen.append((curation.resolutions[jane.key], curation.resolutions[acme.key], curation.resolutions[failed.key], curation.progress(session)))
    assert seen == [
        (None, None, "bob", (1, 3)),
        ("alice", None, "bob", (2, 3)),
        (None, None, "bob", (1, 3)),
        ("alice", None, "bob", (2, 3)),
        ("alice", "edited", "bob", (3, 3)),
        ("alice", None, "bob", (2, 3)),
        (None, None, "bob", (1, 3)),
    ]
    assert curation.next_open(session, 0, 1) is acme and curation.next_open(session, ACME[0], 1) is jane


def test_an_edit_touching_a_disagreement_by_one_character_updates_it(db_path):
    curation, session = curating(db_path)
    jane = curation.disagreements[0]
    session.label_span(JANE[1] - 1, JANE[1] + 4, "ORG")  # "e met": its first character is the last of "Jane Doe"
    assert curation.resolutions[jane.key] == "edited" == curation.resolution(jane, session)
    assert curation.progress(session) == (1, 3)


def test_a_curation_that_did_not_open_the_session_reckons_the_same(db_path):
    store, document = team_database(db_path)
    curation = Curation(store, document)
    session = curation.open_session()
    curation.take(session, curation.disagreements[1], ["alice"])
    other = Curation(store, document)
    jane, _, failed = other.disagreements
    assert (other.next_open(session, 3, 1), other.next_open(session, 3, 0), other.progress(session)) == (failed, jane, (1, 3))
    assert session.curation is curation  # the session still tells the one that opened it


def test_opening_a_team_document_reads_its_records_once(db_path, monkeypatch):
    store, document = team_database(db_path)
    reads: list[str] = []
    for name in ("annotations", "entities", "journal"):
        read = getattr(Store, name)
        monkeypatch.setattr(Store, name, lambda self, *args, _read=read, _name=name, **kwargs: reads.append(_name) or _read(self, *args, **kwargs))
    session = Curation(store, document).open_session()
    assert sorted(reads) == ["annotations", "entities", "journal"]
    assert {(a.kind, a.start, a.end, a.label) for a in session.visible()} == {(ENTITY, *PARIS, "GPE"), (CLAIM, *GREW, "reported")}
    assert session.curation.progress(session) == (0, 3)
