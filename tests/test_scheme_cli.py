"""``postil scheme show|set|presets`` and the exports, imports and ``postil extract`` that follow
the database's scheme: the real command line on real TinyDB files in tmp_path."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from tinydb import TinyDB

from tests.conftest import REPO, occurrence
from tests.test_scheme import TEXT, annotated, session_on
from tests.test_settings import settings_file
from tui.cli import main
from tui.model.labels import CONLL2003, FACTCHECK, scheme_from_dict
from tui.store.records import SCHEME_KEY
from tui.store.repository import Store

FRAMES = REPO / "docs" / "schemes" / "frames.toml"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def stored_scheme(db: Path) -> dict | None:
    records = [r for r in TinyDB(db).table("meta").all() if r.get("key") == SCHEME_KEY]
    return records[0]["scheme"] if records else None


def test_show_prints_the_default_scheme_of_a_new_database_as_text(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    status, out, _ = run(capsys, "scheme", "show")
    assert status == 0
    assert out.splitlines()[:3] == ["scheme ontonotes", "labels (9):", "  1  PERSON   #5fafff  People, real or fictional"]
    assert "  f  false        1  Not accurate" in out and "claim types: quote, reported, assertion, evidence" in out
    assert not (tmp_path / "annotations.json").exists()  # show writes nothing


def test_show_prints_the_default_scheme_of_the_settings_database_not_made_yet_and_refuses_a_named_one(capsys, tmp_path, monkeypatch):
    settings_file(tmp_path, monkeypatch, f'database = "{(tmp_path / "not-yet.json").as_posix()}"\n')
    status, out, err = run(capsys, "scheme", "show")
    assert (status, err) == (0, "")
    assert out.splitlines()[0] == "scheme ontonotes"
    assert not (tmp_path / "not-yet.json").exists()
    named = tmp_path / "named.json"
    status, _, err = run(capsys, "scheme", "show", "--db", str(named))
    assert status == 2 and err == f"postil scheme: {named}: no such database file (postil add PATH... --db {named} makes one)\n"


def test_presets_lists_each_with_its_labels_and_verdicts(capsys):
    status, out, _ = run(capsys, "scheme", "presets")
    assert status == 0
    assert [line.split(":")[0] for line in out.splitlines()] == ["ontonotes", "conll2003", "factcheck"]
    assert "labels PER ORG LOC MISC;" in out.splitlines()[1]
    assert "pants-on-fire" in out.splitlines()[2]


@pytest.mark.parametrize("preset", ["ontonotes", "conll2003", "factcheck"])
def test_show_as_toml_is_a_file_set_reads_back(capsys, tmp_path, preset):
    status, toml, _ = run(capsys, "scheme", "show", "--preset", preset, "--format", "toml")
    assert status == 0
    path = tmp_path / "scheme.toml"
    path.write_text(toml, encoding="utf-8")
    db = tmp_path / "db.json"
    assert run(capsys, "scheme", "set", str(path), "--db", str(db))[0] == 0
    status, shown, _ = run(capsys, "scheme", "show", "--db", str(db), "--format", "json")
    assert json.loads(shown) == json.loads(run(capsys, "scheme", "show", "--preset", preset, "--format", "json")[1])
    assert scheme_from_dict(stored_scheme(db)) == scheme_from_dict(json.loads(shown))


def test_the_example_frames_scheme_has_twelve_labels_with_keys(capsys, tmp_path):
    db = tmp_path / "frames.json"
    status, out, _ = run(capsys, "scheme", "set", str(FRAMES), "--db", str(db))
    assert status == 0 and out == f"{db}: scheme frames set (12 labels, 4 claim types, 4 verdicts)\n"
    scheme = Store(db, read_only=True).scheme()
    assert len(scheme.labels) == 12 and all(label.key for label in scheme.labels)
    assert scheme.label_for_key("i").name == "POLITICAL" and scheme.from_model("PERSON") == "ACTOR"
    assert scheme.from_model("DATE") is None


@pytest.mark.parametrize("name, content, message", [
    ("bad.toml", 'name = "x"\nlabels = [\n', ":2: "),
    ("bad.toml", 'name = "x"\n\nlabels = 3 3\n', ":3: Expected newline or end of document"),
    ("bad.json", '{\n  "labels": [\n    {"name": "A",}\n  ]\n}\n', ":3: "),
    ("bad.toml", '[[labels]]\nname = "A"\nkey = "1"\ncolor = "blue"\n', ": labels.0.color: 'blue' is not a colour #rrggbb"),
    ("bad.toml", 'preset = "conll2003"\n[[labels]]\nname = "X"\nkey = "v"\n', ": labels.0.key: 'v' is already a key of the annotation screen"),
    ("bad.toml", '[[labels]]\nname = "A"\ndescription = "\\u001b[2J"\n', ": labels.0.description: "),
])
def test_a_bad_scheme_file_is_one_line_naming_the_file_and_nothing_is_stored(capsys, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    db = tmp_path / "db.json"
    status, out, err = run(capsys, "scheme", "set", str(path), "--db", str(db))
    assert status == 2 and out == ""
    assert err.startswith(f"postil scheme: {path}{message}") and len(err.splitlines()) == 1 and "\x1b" not in err
    assert not db.exists()


def test_set_needs_a_file_or_a_preset_but_not_both(capsys, tmp_path):
    assert run(capsys, "scheme", "set", "--db", str(tmp_path / "db.json"))[2] == "postil scheme: give a scheme FILE or --preset NAME (one of them)\n"
    assert run(capsys, "scheme", "set", str(FRAMES), "--preset", "factcheck", "--db", str(tmp_path / "db.json"))[0] == 2


def test_set_is_refused_in_one_line_when_annotations_use_a_dropped_label(capsys, db_path):
    annotated(db_path).store.close()
    before = db_path.read_bytes()
    status, out, err = run(capsys, "scheme", "set", "--preset", "conll2003", "--db", str(db_path))
    assert status == 2 and out == "" and len(err.splitlines()) == 1
    assert err.startswith(f"postil scheme: {db_path}: the new scheme conll2003 drops label DATE (1 annotations), label PERSON (1 annotations);")
    assert "--map DATE=NEW --map PERSON=NEW" in err
    assert db_path.read_bytes() == before and stored_scheme(db_path) is None
    status, _, err = run(capsys, "scheme", "set", "--preset", "conll2003", "--db", str(db_path), "--map", "PERSON=PERSONA", "--map", "DATE=")
    assert status == 2 and "--map PERSON=PERSONA: PERSONA is not a label of the new scheme (PER, ORG, LOC, MISC)" in err
    status, out, _ = run(capsys, "scheme", "set", "--preset", "conll2003", "--db", str(db_path), "--map", "PERSON=PER", "--map", "DATE=")
    assert status == 0 and "1 mentions removed" in out
    assert stored_scheme(db_path)["name"] == "conll2003"
    session = session_on(db_path)
    assert {a.quote.exact: a.label for a in session.by_id.values() if a.is_entity} == {"Jane Doe": "PER"}
    session.undo()  # the relabelling is the document's last action
    assert {a.quote.exact: a.label for a in session.by_id.values() if a.is_entity} == {"Jane Doe": "PERSON", "Monday": "DATE"}


# Exports and imports follow the scheme

def framed(db: Path, capsys) -> None:
    """A database on the frames scheme with an ACTOR, a frame and a claim rated "imprecise"."""
    assert run(capsys, "scheme", "set", str(FRAMES), "--db", str(db))[0] == 0
    session = session_on(db)
    session.label_span(*occurrence(TEXT, "Jane Doe"), "ACTOR")
    session.label_span(*occurrence(TEXT, "the plan was fair"), "FAIRNESS")
    claim = session.mark_claim(*occurrence(TEXT, "Jane Doe said the plan was fair."), "quote")
    session.update_claim(claim.id, verdict="imprecise")
    session.store.close()


def test_brat_annotation_conf_lists_the_schemes_labels_claim_types_and_verdicts(capsys, tmp_path):
    db = tmp_path / "db.json"
    framed(db, capsys)
    assert run(capsys, "export", "--format", "brat", "--all", "--db", str(db), "--out", str(tmp_path / "brat"))[0] == 0
    conf = (tmp_path / "brat" / "annotation.conf").read_text().splitlines()
    entities = conf[conf.index("[entities]") + 1 : conf.index("Claim")]
    assert entities == ["ACTOR", "ORG", "PLACE", "ECONOMIC", "MORALITY", "FAIRNESS", "LEGALITY", "POLICY", "CRIME", "SECURITY", "HEALTH", "POLITICAL"]
    assert "Verdict\tArg:Claim, Value:unverified|correct|imprecise|misleading|false" in conf
    assert "ClaimType\tArg:Claim, Value:quote|reported|assertion|evidence" in conf


def test_claimreview_rates_on_the_schemes_verdict_scale(capsys, tmp_path):
    db = tmp_path / "db.json"
    framed(db, capsys)
    status, out, _ = run(capsys, "export", "--format", "claimreview", "--all", "--db", str(db))
    assert status == 0
    [review] = json.loads(out)
    assert review["reviewRating"] == {"@type": "Rating", "ratingValue": 3, "bestRating": 4, "worstRating": 1, "alternateName": "imprecise"}


def test_w3c_and_spacy_exports_carry_the_scheme(capsys, tmp_path):
    db = tmp_path / "db.json"
    framed(db, capsys)
    status, out, _ = run(capsys, "export", "--format", "w3c", "--all", "--db", str(db))
    page = json.loads(out)
    assert status == 0 and page["postil"]["scheme"]["name"] == "frames"
    assert {b["value"] for item in page["items"] for b in item["body"] if b.get("purpose") == "tagging"} >= {"ACTOR", "FAIRNESS"}
    assert run(capsys, "export", "--format", "spacy", "--all", "--db", str(db), "--out", str(tmp_path / "out.spacy"))[0] == 0
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    [doc] = DocBin().from_bytes((tmp_path / "out.spacy").read_bytes()).get_docs(Vocab())
    assert {ent.label_ for ent in doc.ents} == {"ACTOR", "FAIRNESS"}
    assert [label["name"] for label in doc.user_data["postil"]["scheme"]["labels"]][:3] == ["ACTOR", "ORG", "PLACE"]


def test_an_import_is_checked_against_the_databases_scheme(capsys, tmp_path):
    source = tmp_path / "source.json"
    annotated(source).store.close()  # PERSON, DATE and a claim rated "mixed", on the default scheme
    assert run(capsys, "export", "--format", "brat", "--all", "--db", str(source), "--out", str(tmp_path / "brat"))[0] == 0
    target = tmp_path / "target.json"
    assert run(capsys, "scheme", "set", "--preset", "factcheck", "--db", str(target))[0] == 0
    before = target.read_bytes()
    status, _, err = run(capsys, "import", "--format", "brat", str(tmp_path / "brat"), "--db", str(target))
    assert status == 2 and len(err.splitlines()) == 1
    assert ".ann:" in err and "verdict: 'mixed' is not one of" in err and "nothing imported" in err
    assert target.read_bytes() == before
    conll_db = tmp_path / "conll.json"
    assert run(capsys, "scheme", "set", "--preset", "conll2003", "--db", str(conll_db))[0] == 0
    status, _, err = run(capsys, "import", "--format", "brat", str(tmp_path / "brat"), "--db", str(conll_db))
    assert status == 2 and ".ann:1: label: 'PERSON' is not a label of the database's scheme conll2003 (PER, ORG, LOC, MISC" in err


def test_an_import_into_a_database_without_a_scheme_takes_any_label(capsys, tmp_path):
    source = tmp_path / "source.json"
    framed(source, capsys)
    assert run(capsys, "export", "--format", "brat", "--all", "--db", str(source), "--out", str(tmp_path / "brat"))[0] == 0
    status, _, err = run(capsys, "import", "--format", "brat", str(tmp_path / "brat"), "--db", str(tmp_path / "plain.json"), "--partial")
    # the default scheme takes ACTOR and FAIRNESS as they are; "imprecise" is not one of its verdicts
    assert status == 0 and "verdict: 'imprecise' is not one of" in err


def test_extract_with_a_database_follows_its_scheme(tmp_path):
    article = tmp_path / "article.txt"
    article.write_text("Acme Corp hired Jane Doe in Paris on Monday.\n", encoding="utf-8")
    db = tmp_path / "db.json"
    assert main(["scheme", "set", "--preset", "conll2003", "--db", str(db)]) == 0
    result = subprocess.run([sys.executable, "-m", "tui", "extract", str(article), "--db", str(db)], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    [document] = json.loads(result.stdout)["documents"]
    labels = {e["text"]: e["label"] for e in document["entities"]}
    assert labels.get("Jane Doe") == "PER" and labels.get("Paris") == "LOC" and "Monday" not in labels
    plain = subprocess.run([sys.executable, "-m", "tui", "extract", str(article)], cwd=tmp_path, capture_output=True, text=True,
                           env={**__import__("os").environ, "PYTHONPATH": str(REPO)})
    assert {e["text"]: e["label"] for e in json.loads(plain.stdout)["documents"][0]["entities"]}.get("Monday") == "DATE"


def test_the_presets_differ_where_they_should():
    assert CONLL2003.label_names == ("PER", "ORG", "LOC", "MISC")
    assert FACTCHECK.verdict("pants-on-fire").rating == FACTCHECK.worst_rating == 1
