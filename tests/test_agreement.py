"""`postil agree` and the figures behind it: Krippendorff's α against the published hand-worked
example and the `krippendorff` package computed here from reliability data this test builds;
Cohen's κ, span F1, claims' sentences, speakers and verdicts and knowledge-base ids against hand
computations written out below; the outputs; fewer than two annotators; hostile names."""

from __future__ import annotations

import json
import math

import krippendorff
import numpy as np
import pytest

from tests.conftest import occurrence
from tui.cli import main
from tui.model.annotation import CLAIM, CURATION, ENTITY, Annotation, Entity
from tui.model.claims import claim_attrs
from tui.model.document import Document
from tui.model.tokens import tokenize
from tui.session.agreement import agreement_snapshot, compute_agreement
from tui.store.records import ANNOTATIONS, ENTITIES, Change
from tui.store.repository import Store

# Document 1: both alice and bob worked on it. Document 2: only alice (bob is MISSING there, not "O").
TEXT1 = "Jane Doe met Acme Corp in Paris. Acme Corp said the plan failed. Doe denied it. Paris was calm."
TOKENS1 = ["Jane", "Doe", "met", "Acme", "Corp", "in", "Paris", ".", "Acme", "Corp", "said", "the", "plan", "failed", ".",
           "Doe", "denied", "it", ".", "Paris", "was", "calm", "."]
TEXT2 = "Rain fell in Oslo."
TOKENS2 = ["Rain", "fell", "in", "Oslo", "."]

# Each token's value for each annotator (index: token of TOKENS1), written out by hand.
ALICE1 = ["PERSON", "PERSON", "O", "ORG", "ORG", "O", "GPE", "O", "ORG", "ORG", "O", "O", "O", "O", "O",
          "PERSON", "O", "O", "O", "GPE", "O", "O", "O"]
BOB1 = ["PERSON", "PERSON", "O", "ORG", "O", "O", "LOC", "O", "ORG", "ORG", "O", "O", "O", "O", "O",
        "O", "O", "O", "O", "GPE", "O", "O", "O"]
ALICE2 = ["O", "O", "O", "GPE", "O"]

# Cohen's κ over the 23 tokens both annotated (document 2's are not: bob is missing there):
#   agreeing tokens: all but 4 (ORG/O), 6 (GPE/LOC), 15 (PERSON/O) -> p_o = 20/23 = 460/529
#   alice: PERSON 3, ORG 4, GPE 2, O 14;  bob: PERSON 2, ORG 3, LOC 1, GPE 1, O 16
#   p_e = (3·2 + 4·3 + 2·1 + 0·1 + 14·16) / 23² = 244/529
#   κ = (460 − 244) / (529 − 244) = 216/285 = 72/95
KAPPA = 72 / 95
# PERSON vs not: both 2 (tokens 0, 1), alice only 1 (15), neither 20: p_o = 22/23 = 506/529,
#   p_e = (3·2 + 20·21)/529 = 426/529, κ = (506 − 426)/(529 − 426) = 80/103
KAPPA_PERSON = 80 / 103
# Spans. alice: PERSON Jane Doe, ORG Acme Corp, GPE Paris, ORG Acme Corp, PERSON Doe, GPE Paris.
#        bob:   PERSON Jane Doe, ORG Acme,      LOC Paris, ORG Acme Corp,             GPE Paris.
# Exact (same start, end and label): both 3 (Jane Doe, the second Acme Corp, the second Paris),
#   only alice 3 (first Acme Corp, first Paris as GPE, Doe), only bob 2 (Acme, Paris as LOC):
#   F1 = 2·3 / (2·3 + 3 + 2) = 6/11.  ORG alone: 1/1/1, F1 = 2/4.
# Overlapping, same label, one to one: "Acme" matches the first "Acme Corp" too: both 4,
#   only alice 2 (Paris GPE, Doe), only bob 1 (Paris LOC): F1 = 8/11.  ORG alone: 2/0/0, F1 = 1.
EXACT = {"both": 3, "only_a": 3, "only_b": 2, "f1": 6 / 11}
OVERLAP = {"both": 4, "only_a": 2, "only_b": 1, "f1": 8 / 11}
# Claims. Sentences of document 1: S1 "Jane Doe met…", S2 "Acme Corp said…", S3 "Doe denied it.", S4 "Paris was calm."
#   alice's claims cover S2, S3; bob's S1, S2 ("the plan failed"), S3.  alice [0,1,1,0], bob [1,1,1,0]:
#   p_o = 3/4, p_e = (2·3 + 2·1)/16 = 1/2, κ = (3/4 − 1/2)/(1/2) = 1/2.
SENTENCE_KAPPA = 1 / 2
# Matched claims (overlap, one to one): (alice S2, bob "the plan failed"), (alice S3, bob S3).
#   Speakers: alice's Acme entity (kb Q1) vs bob's Paris entity (kb Q91): different;
#   alice's Jane Doe entity (kb Q10) vs bob's typed "JANE DOE" (no kb id: names compared, case
#   ignored): same. 1 of 2.
#   Verdicts: alice [false, true], bob [false, misleading]: p_o = 1/2, p_e = (1·1)/4 = 1/4, κ = 1/3.
VERDICT_KAPPA = 1 / 3
# Entities matched by overlapping mentions: Jane Doe (1 overlap; Q10 = Q10), Acme (2; Q1 = Q1),
#   Paris (2; Q90 vs Q91): 3 matched, 3 with both ids, 2 the same.


def mention(doc: Document, annotator: str, label: str, start: int, end: int, entity: Entity) -> Annotation:
    return Annotation.on_text(doc.doc_id, doc.text, ENTITY, label, start, end, annotator=annotator, attrs={"entity_id": entity.entity_id})


def claim(doc: Document, annotator: str, fragment: str, speaker: str, verdict: str) -> Annotation:
    start = doc.text.index(fragment)
    end = start + len(fragment)
    attrs = claim_attrs(start, end, "reported", speaker=speaker, verdict=verdict)
    return Annotation.on_text(doc.doc_id, doc.text, CLAIM, "claim", start, end, annotator=annotator, attrs=attrs)


def nth(text: str, word: str, n: int = 1) -> tuple[int, int]:
    """Where the ``n``-th occurrence (counted from 1) of ``word`` is in ``text``."""
    return occurrence(text, word, n - 1)


def team_db(path, alice: str = "alice", bob: str = "bob") -> Store:
    """The fixture: alice's and bob's entities, mentions and claims as spelled out above, and a
    curation annotation that must not count as a third annotator."""
    store = Store(path)
    one = store.open_document(Document(TEXT1, "One", "test:one"))
    two = store.open_document(Document(TEXT2, "Two", "test:two"))
    a_jane, a_acme, a_paris = (Entity(one.doc_id, name, label, entity_id=f"e-a-{n}", kb_id=kb, annotator=alice)
                               for n, (name, label, kb) in enumerate((("Jane Doe", "PERSON", "Q10"), ("Acme Corp", "ORG", "Q1"), ("Paris", "GPE", "Q90"))))
    b_jane, b_acme, b_paris = (Entity(one.doc_id, name, label, entity_id=f"e-b-{n}", kb_id=kb, annotator=bob)
                               for n, (name, label, kb) in enumerate((("Jane Doe", "PERSON", "Q10"), ("Acme", "ORG", "Q1"), ("Paris", "LOC", "Q91"))))
    a_oslo = Entity(two.doc_id, "Oslo", "GPE", entity_id="e-a-oslo", annotator=alice)
    made = [
        mention(one, alice, "PERSON", *nth(TEXT1, "Jane Doe"), a_jane), mention(one, alice, "ORG", *nth(TEXT1, "Acme Corp"), a_acme),
        mention(one, alice, "GPE", *nth(TEXT1, "Paris"), a_paris), mention(one, alice, "ORG", *nth(TEXT1, "Acme Corp", 2), a_acme),
        mention(one, alice, "PERSON", *nth(TEXT1, "Doe", 2), a_jane), mention(one, alice, "GPE", *nth(TEXT1, "Paris", 2), a_paris),
        mention(one, bob, "PERSON", *nth(TEXT1, "Jane Doe"), b_jane), mention(one, bob, "ORG", *nth(TEXT1, "Acme"), b_acme),
        mention(one, bob, "LOC", *nth(TEXT1, "Paris"), b_paris), mention(one, bob, "ORG", *nth(TEXT1, "Acme Corp", 2), b_acme),
        mention(one, bob, "GPE", *nth(TEXT1, "Paris", 2), b_paris),
        claim(one, alice, "Acme Corp said the plan failed.", a_acme.entity_id, "false"),
        claim(one, alice, "Doe denied it.", a_jane.entity_id, "true"),
        claim(one, bob, "Jane Doe met Acme Corp in Paris.", "", "unverified"),
        claim(one, bob, "the plan failed", b_paris.entity_id, "false"),
        claim(one, bob, "Doe denied it.", "JANE DOE", "misleading"),
        mention(two, alice, "GPE", *nth(TEXT2, "Oslo"), a_oslo),
        # The lead's curation is the result, not a voter; a rejected suggestion is no judgement.
        Annotation.on_text(one.doc_id, TEXT1, ENTITY, "ORG", 26, 31, annotator=CURATION),
        Annotation.on_text(two.doc_id, TEXT2, ENTITY, "PERSON", 0, 4, annotator=bob, status="rejected"),
    ]
    entities = [a_jane, a_acme, a_paris, b_jane, b_acme, b_paris, a_oslo]
    store.apply([Change(ENTITIES, e.entity_id, e.to_record()) for e in entities] + [Change(ANNOTATIONS, a.id, a.to_record()) for a in made])
    return store


def run_json(capsys, *argv: str) -> dict:
    assert main(["agree", *argv, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_the_fixtures_tokens_are_the_apps_tokens():
    """The hand computation above counts the tokens the app's tokenizer makes."""
    assert [TEXT1[t.start:t.end] for t in tokenize(TEXT1)] == TOKENS1
    assert [TEXT2[t.start:t.end] for t in tokenize(TEXT2)] == TOKENS2


def test_alpha_equals_the_krippendorff_package_on_reliability_data_built_here(tmp_path, capsys):
    team_db(tmp_path / "team.json").close()
    figures = run_json(capsys, "--db", str(tmp_path / "team.json"))
    assert figures["annotators"] == ["alice", "bob"]  # not curation

    codes = {"O": 0, "PERSON": 1, "ORG": 2, "GPE": 3, "LOC": 4}
    data = np.array([[codes[v] for v in ALICE1 + ALICE2], [codes[v] for v in BOB1] + [np.nan] * len(TOKENS2)], dtype=float)
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert figures["group"]["tokens"]["alpha"] == pytest.approx(expected, abs=1e-12)
    for label, code in codes.items():
        if label != "O":
            binary = np.where(np.isnan(data), np.nan, (data == code).astype(float))
            assert figures["group"]["tokens"]["labels"][label] == pytest.approx(krippendorff.alpha(reliability_data=binary, level_of_measurement="nominal"), abs=1e-12)
    # Counting bob's missing tokens as "O" would give another α: missing is missing.
    as_none = np.nan_to_num(data, nan=0.0)
    assert not math.isclose(krippendorff.alpha(reliability_data=as_none, level_of_measurement="nominal"), expected)


def test_kappa_and_span_f1_equal_the_hand_computation(tmp_path, capsys):
    team_db(tmp_path / "team.json").close()
    pair = run_json(capsys, "--db", str(tmp_path / "team.json"))["pairs"][0]
    assert (pair["a"], pair["b"], pair["documents"]) == ("alice", "bob", 1)
    assert pair["tokens"]["units"] == 23
    assert pair["tokens"]["kappa"] == pytest.approx(KAPPA)
    assert pair["tokens"]["labels"]["PERSON"] == pytest.approx(KAPPA_PERSON)
    spans = pair["spans"]
    assert spans["exact"]["overall"] == pytest.approx(EXACT)
    assert spans["overlapping"]["overall"] == pytest.approx(OVERLAP)
    assert spans["exact"]["labels"]["ORG"] == pytest.approx({"both": 1, "only_a": 1, "only_b": 1, "f1": 0.5})
    assert spans["overlapping"]["labels"]["ORG"] == pytest.approx({"both": 2, "only_a": 0, "only_b": 0, "f1": 1.0})


def test_claims_sentences_speakers_and_verdicts_and_kb_ids(tmp_path, capsys):
    team_db(tmp_path / "team.json").close()
    figures = run_json(capsys, "--db", str(tmp_path / "team.json"))
    claims = figures["pairs"][0]["claims"]
    assert claims["sentences"] == {"units": 4, "kappa": pytest.approx(SENTENCE_KAPPA)}
    assert claims["speaker"] == {"claims_matched": 2, "compared": 2, "same": 1, "share": 0.5}
    assert claims["verdict"] == {"claims": 2, "kappa": pytest.approx(VERDICT_KAPPA)}
    assert figures["pairs"][0]["kb_ids"] == {"entities_matched": 3, "compared": 3, "same": 2, "share": pytest.approx(2 / 3)}
    # The group's sentence α is the package's over [alice; bob] sentence values (document 2's
    # one sentence: alice 0, bob missing).
    sentences = np.array([[0, 1, 1, 0, 0], [1, 1, 1, 0, np.nan]])
    assert figures["group"]["claims"]["sentences"]["alpha"] == pytest.approx(krippendorff.alpha(reliability_data=sentences, level_of_measurement="nominal"))


def test_the_published_example_krippendorff_2011(tmp_path):
    """Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the nominal example:
    4 observers, 12 units, missing values; α = 0.743. Each unit is a one-word document here, each
    value a label of that word, and an observer without a value has no annotation on it."""
    n = None
    values = {
        "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, n, n, n],
        "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, n, 3],
        "C": [n, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, n],
        "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, n],
    }
    words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo", "lima"]
    store = Store(tmp_path / "units.json")
    changes = []
    for unit, word in enumerate(words):
        document = store.open_document(Document(word, word, f"test:{word}"))
        for observer, row in values.items():
            if row[unit] is not None:
                label = f"V{row[unit]}"
                changes.append(Change(ANNOTATIONS, f"a-{observer}{unit}", Annotation.on_text(document.doc_id, word, ENTITY, label, 0, len(word), annotator=observer, id=f"a-{observer}{unit}").to_record()))
    store.apply(changes)
    agreement = compute_agreement(agreement_snapshot(store))
    assert agreement.annotators == ("A", "B", "C", "D")
    assert round(agreement.alpha, 3) == 0.743


def test_text_and_markdown_tables(tmp_path, capsys):
    team_db(tmp_path / "team.json").close()
    assert main(["agree", "--db", str(tmp_path / "team.json")]) == 0
    text = capsys.readouterr().out
    assert "annotators: alice, bob" in text.splitlines()[0]
    assert "\x1b" not in text
    lines = text.splitlines()
    assert next(line for line in lines if line.startswith("overall")).split()[2] == f"{KAPPA:.3f}"
    assert next(line for line in lines if line.startswith("alice · bob") and "overall" in line).split()[4:] == [f"{6 / 11:.3f}", "(3/3/2)", f"{8 / 11:.3f}", "(4/2/1)"]
    assert any(line.startswith("alice · bob") and "1 of 2 (50%)" in line and f"{VERDICT_KAPPA:.3f} (2 claims)" in line for line in lines)
    assert any(line.startswith("alice · bob") and "2 of 3 (67%)" in line for line in lines)

    assert main(["agree", "--db", str(tmp_path / "team.json"), "--format", "md"]) == 0
    md = capsys.readouterr().out
    assert md.startswith("# Agreement in ")
    assert f"| overall | {figure_of(md, 'overall')} | {KAPPA:.3f} |" in md
    assert f"| alice · bob | overall | {6 / 11:.3f} (3/3/2) | {8 / 11:.3f} (4/2/1) |" in md


def figure_of(md: str, label: str) -> str:
    """The α cell of ``label``'s row of the tokens table."""
    return next(line for line in md.splitlines() if line.startswith(f"| {label} |")).split("|")[2].strip()


def test_one_claim_behind_a_verdict_kappa_reads_as_one(tmp_path, capsys):
    store = Store(tmp_path / "team.json")
    doc = store.open_document(Document(TEXT2, "Two", "test:two"))
    claims = [claim(doc, name, "Rain fell in Oslo.", "", verdict) for name, verdict in (("alice", "true"), ("bob", "false"))]
    store.apply([Change(ANNOTATIONS, c.id, c.to_record()) for c in claims])
    store.close()
    assert main(["agree", "--db", str(tmp_path / "team.json")]) == 0
    assert any(line.startswith("alice · bob") and line.endswith("(1 claim)") for line in capsys.readouterr().out.splitlines())


def test_the_documents_behind_the_figures_are_counted(tmp_path, capsys):
    """Document "Two" is alice's alone: no figure counts it, and the output says so."""
    team_db(tmp_path / "team.json").close()
    figures = run_json(capsys, "--db", str(tmp_path / "team.json"))
    assert (figures["documents"], figures["documents_compared"], figures["pairs"][0]["documents"]) == (2, 1, 1)
    assert main(["agree", "--db", str(tmp_path / "team.json")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith(": 2 documents, 1 of them annotated by two or more; annotators: alice, bob")
    assert next(line for line in lines if line.startswith("documents")).split() == ["documents", "1", "1"]
    assert "(in a label's row: that label or not)" in next(line for line in lines if line.startswith("Tokens:"))
    assert main(["agree", "--db", str(tmp_path / "team.json"), "--doc", "One"]) == 0
    assert capsys.readouterr().out.splitlines()[0].endswith(": 1 document; annotators: alice, bob")


def test_doc_limits_the_figures_to_one_document(tmp_path, capsys):
    team_db(tmp_path / "team.json").close()
    whole = run_json(capsys, "--db", str(tmp_path / "team.json"))
    one = run_json(capsys, "--db", str(tmp_path / "team.json"), "--doc", "One")
    assert (whole["documents"], one["documents"]) == (2, 1)
    assert one["labels"] == ["PERSON", "ORG", "GPE", "LOC"]  # the scheme's order
    assert one["pairs"] == whole["pairs"]  # bob did not work on document 2


def test_fewer_than_two_annotators_is_one_line_and_exit_1(tmp_path, capsys):
    team_db(tmp_path / "team.json").close()
    assert main(["agree", "--db", str(tmp_path / "team.json"), "--doc", "Two"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [f"postil agree: {tmp_path / 'team.json'}: agreement needs two or more annotators with accepted work, and it has 1 (alice)"]


def test_names_from_the_database_are_terminal_safe(tmp_path, capsys):
    hostile = "eve\x1b]52;c;cGF3bmVk\x07\x1b[2J|x"
    team_db(tmp_path / "team.json", bob=hostile).close()
    for fmt in ("text", "md", "json"):
        assert main(["agree", "--db", str(tmp_path / "team.json"), "--format", fmt]) == 0
        out = capsys.readouterr().out
        assert "\x1b" not in out and "\x07" not in out
        assert "alice" in out and "eve" in out
    assert main(["agree", "--db", str(tmp_path / "team.json"), "--format", "md"]) == 0
    assert "\\|x" in capsys.readouterr().out  # a | in a name cannot end a Markdown cell
