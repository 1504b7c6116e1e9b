"""``postil extract``: what it prints for scripts, its progress and its errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui.cli import main, sample_path
from tui.formats.readers import read_article
from tui.session.annotation_session import AnnotationSession
from tui.store.repository import Store

ARTICLE_TWO = "Police in Oregon tested Rekognition last year.\n\nAcme Corp announced on Monday that it would cut 500 jobs in Ohio.\n"


@pytest.fixture(autouse=True)
def in_a_fresh_folder(tmp_path: Path, monkeypatch) -> None:
    """Run in a folder of the test's own: extract reads ``./annotations.json`` when there is one."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def second_article(tmp_path: Path) -> Path:
    """A second short article on disk."""
    path = tmp_path / "second.txt"
    path.write_text(ARTICLE_TWO, encoding="utf-8")
    return path


def test_json_output_for_the_sample(capsysbinary):
    assert main(["extract", str(sample_path())]) == 0
    out, err = capsysbinary.readouterr()
    result = json.loads(out)
    assert result["model"].startswith("model:en_core_web_sm")
    [document] = result["documents"]
    text = sample_path().read_text(encoding="utf-8")
    for entity in document["entities"]:
        assert text[entity["start"] : entity["end"]] == entity["text"]
    assert {(e["text"], e["label"]) for e in document["entities"]} >= {("Amazon", "ORG"), ("IBM", "ORG"), ("Daniel Leufer", "PERSON")}
    quotes = [c for c in document["claims"] if c["type"] == "quote"]
    assert [c["speaker"] for c in quotes] == ["Isedua Oribhabor"] * 2 + ["Daniel Leufer"]
    assert [c["cue_text"] for c in quotes] == ["said"] * 3 and len(quotes[1]["content"]) == 2
    assert all(0 <= c["checkworthiness"] <= 1 for c in document["claims"])
    reported = [c for c in document["claims"] if c["cue_text"] == "announced"]
    assert [c["speaker"] for c in reported] == ["Amazon", "IBM"]
    names = {e["name"] for e in document["canonical_entities"]}
    assert "Isedua Oribhabor" in names and "Oribhabor" not in names
    assert err == b""  # one file: no progress lines


def test_jsonl_prints_one_document_per_line_with_progress_on_stderr(capsysbinary, second_article):
    assert main(["extract", "--format", "jsonl", str(sample_path()), str(second_article)]) == 0
    out, err = capsysbinary.readouterr()
    lines = out.decode().splitlines()
    assert [json.loads(line)["path"] for line in lines] == [str(sample_path()), str(second_article)]
    progress = err.decode().splitlines()
    assert len(progress) == 2 and "[1/2]" in progress[0] and str(second_article) in progress[1]
    second = json.loads(lines[1])
    assert [(c["type"], c["speaker"], c["cue_text"]) for c in second["claims"] if c["type"] == "reported"] == [("reported", "Acme Corp", "announced")]


@pytest.mark.parametrize("bad", ["missing.txt", "folder", "picture.png"])
def test_a_bad_path_stops_before_any_output(capsysbinary, tmp_path, bad, second_article):
    (tmp_path / "folder").mkdir()
    (tmp_path / "picture.png").write_bytes(b"\x89PNG")
    bad_path = tmp_path / bad
    assert main(["extract", str(second_article), str(bad_path)]) == 2
    out, err = capsysbinary.readouterr()
    assert out == b""
    lines = err.decode().splitlines()
    assert len(lines) == 1 and str(bad_path) in lines[0] and lines[0].startswith("postil extract: ")


def test_db_corrections_apply_and_the_db_is_left_unchanged(capsysbinary, tmp_path, second_article):
    db = tmp_path / "annotations.json"
    store = Store(db)
    sample = store.open_document(read_article(sample_path()))
    session = AnnotationSession(store, sample)
    first = sample.text.index("Rekognition")
    session.label_span(first, first + len("Rekognition"), "PRODUCT")
    before = db.read_bytes()
    assert main(["extract", "--db", str(db), str(second_article)]) == 0
    out, _ = capsysbinary.readouterr()
    [document] = json.loads(out)["documents"]
    assert [(e["text"], e["label"], e["origin"]) for e in document["entities"] if e["text"] == "Rekognition"] == [("Rekognition", "PRODUCT", "gazetteer")]
    assert db.read_bytes() == before


def test_the_default_db_is_read_when_it_exists(capsysbinary, tmp_path, second_article):
    store = Store(tmp_path / "annotations.json")
    session = AnnotationSession(store, store.open_document(read_article(sample_path())))
    first = session.document.text.index("Rekognition")
    session.label_span(first, first + len("Rekognition"), "PRODUCT")
    store.close()
    assert main(["extract", str(second_article)]) == 0
    [document] = json.loads(capsysbinary.readouterr().out)["documents"]
    assert [(e["label"], e["origin"]) for e in document["entities"] if e["text"] == "Rekognition"] == [("PRODUCT", "gazetteer")]


def test_missing_db_is_a_one_line_error(capsysbinary, tmp_path, second_article):
    assert main(["extract", "--db", str(tmp_path / "none.json"), str(second_article)]) == 2
    out, err = capsysbinary.readouterr()
    assert out == b"" and "none.json" in err.decode() and len(err.decode().splitlines()) == 1


class RecordingModel:
    """The real spaCy model, noting the length of every text in every batch it is handed."""

    def __init__(self, nlp) -> None:
        self.nlp = nlp
        self.batches: list[list[int]] = []

    def pipe(self, texts, batch_size: int):
        texts = list(texts)
        self.batches.append([len(text) for text in texts])
        return self.nlp.pipe(texts, batch_size=batch_size)


def test_a_long_single_line_is_parsed_in_bounded_pieces_with_offsets_into_the_whole_text(tmp_path):
    from io import BytesIO

    from tui.nlp import Pipeline, load_pipeline
    from tui.nlp.analysis import MAX_UNIT
    from tui.nlp.extract import write_suggestions
    from tui.nlp.pipeline import BATCH_CHARACTERS

    loaded, message = load_pipeline()
    assert loaded is not None, message
    model = RecordingModel(loaded.nlp)
    pipeline = Pipeline(nlp=model, name=loaded.name, version=loaded.version)
    sentences = [f"In meeting {n}, Maria Lopez of Acme Corp said that the council in Berlin would cut {n + 2} jobs. " for n in range(1300)]
    text = "".join(sentences).strip()  # one line of about 120,000 characters
    path = tmp_path / "line.txt"
    path.write_text(text, encoding="utf-8")
    out = BytesIO()
    write_suggestions([(str(path), read_article(path))], pipeline, out)
    [document] = json.loads(out.getvalue())["documents"]

    lengths = [length for batch in model.batches for length in batch]
    assert sum(lengths) >= len(text) - 10 and max(lengths) <= MAX_UNIT
    assert all(len(batch) == 1 or sum(batch) <= BATCH_CHARACTERS for batch in model.batches)
    for found in document["entities"] + document["claims"]:
        assert text[found["start"] : found["end"]] == found["text"]
    for claim in document["claims"]:
        if claim["cue"]:
            assert text[claim["cue"][0] : claim["cue"][1]] == claim["cue_text"]
    assert sum(e["text"] == "Berlin" for e in document["entities"]) == len(sentences)
    assert max(claim["start"] for claim in document["claims"]) > len(text) - len(sentences[-1]) - 1


def test_ctrl_c_during_extract_stops_without_a_traceback(tmp_path):
    import os
    import signal
    import subprocess
    import sys

    from tests.conftest import REPO

    long_article = tmp_path / "long.txt"
    long_article.write_text("\n\n".join(f"Maria Lopez of Acme Corp said on day {n} that Berlin would vote." for n in range(3000)), encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "tui", "extract", str(long_article), str(sample_path())],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        first = process.stderr.readline()  # "[1/2] long.txt": the model is loaded and at work
        assert "[1/2]" in first
        process.send_signal(signal.SIGINT)
        _, rest = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 130
    assert rest.strip() == "postil extract: interrupted" and "Traceback" not in rest
