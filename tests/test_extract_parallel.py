"""``postil extract --jobs N``: the same output as one process, from N worker processes; and
extract's output brought back into a database with ``postil import``."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import REPO, write_article
from tui.cli import main, sample_path
from tui.formats.readers import read_article
from tui.model.annotation import SUGGESTED
from tui.nlp.parallel import PIECE_CHARACTERS, in_input_order, pieces_of
from tui.nlp.pipeline import installed_model
from tui.nlp.suggest import cache_key
from tui.session.annotation_session import AnnotationSession
from tui.store.repository import Store

PEOPLE = ["Maria Lopez", "Daniel Okafor", "Ingrid Halvorsen", "Kenji Watanabe", "Amara Nwosu", "Tomasz Wrobel"]
ORGANISATIONS = ["Acme Corp", "the Berlin city council", "Northwind Bank", "the Ministry of Health", "Globex", "Initech"]
PLACES = ["Ohio", "Berlin", "Lagos", "Osaka", "Krakow", "Bergen"]


@pytest.fixture(autouse=True)
def in_a_fresh_folder(tmp_path: Path, monkeypatch) -> None:
    """Run in a folder of the test's own: extract reads ``./annotations.json`` when there is one."""
    monkeypatch.chdir(tmp_path)


def news_article(number: int, paragraphs: int = 24) -> str:
    """A made-up article of some 2,000 characters: quotes, reports and names that vary with ``number``."""
    lines = []
    for n in range(paragraphs):
        person = PEOPLE[(number + n) % len(PEOPLE)]
        organisation = ORGANISATIONS[(number * 2 + n) % len(ORGANISATIONS)]
        place = PLACES[(number + 2 * n) % len(PLACES)]
        if n % 3 == 0:
            lines.append(f'"We will appeal the ruling on plan {number}-{n}," said {person}, a spokeswoman for {organisation}.')
        elif n % 3 == 1:
            lines.append(f"{organisation} announced on Monday that it would cut {10 + n} jobs in {place}.")
        else:
            lines.append(f"A 2019 study by {organisation} found that {n + 3} percent of firms in {place} had closed.")
    return "\n\n".join(lines) + "\n"


@pytest.fixture
def corpus(tmp_path: Path) -> list[str]:
    """The sample and six made-up articles: more text than one piece of work holds, so that two workers share it."""
    paths = [str(sample_path())] + [str(write_article(tmp_path, news_article(n), f"news-{n}.txt")) for n in range(6)]
    assert len(pieces_of([{"text": read_article(Path(p)).text} for p in paths])) >= 2
    return paths


def extract_output(capsysbinary, *argv: str) -> tuple[bytes, str]:
    """Standard output and error of ``postil extract ARGV``, which must succeed."""
    assert main(["extract", *argv]) == 0
    out, err = capsysbinary.readouterr()
    return out, err.decode()


def test_two_jobs_print_the_same_bytes_as_one_process_in_json_and_jsonl(capsysbinary, corpus):
    for output_format in ("json", "jsonl"):
        one, _ = extract_output(capsysbinary, "--format", output_format, "--quiet", *corpus)
        two, progress = extract_output(capsysbinary, "--format", output_format, "--jobs", "2", *corpus)
        assert two == one
        documents = [json.loads(line) for line in one.splitlines()] if output_format == "jsonl" else json.loads(one)["documents"]
        assert [document["path"] for document in documents] == corpus
        assert all(document["entities"] and document["claims"] for document in documents)
        # One progress line per document as it is done, counting up to the total.
        lines = progress.splitlines()
        assert [line.split("]")[0] for line in lines] == [f"postil extract: [{n}/{len(corpus)}" for n in range(1, len(corpus) + 1)]
        assert sorted(line.split("] ", 1)[1] for line in lines) == sorted(corpus)


@pytest.mark.parametrize("jobs", ["0", "-2", "two"])
def test_jobs_below_one_or_not_a_number_is_a_one_line_usage_error(capsysbinary, jobs):
    assert main(["extract", "--jobs", jobs, str(sample_path())]) == 2
    out, err = capsysbinary.readouterr()
    lines = err.decode().splitlines()
    assert out == b"" and len(lines) == 1 and lines[0].startswith("postil extract: argument --jobs:") and repr(jobs) in lines[0]


def test_a_bad_article_stops_with_exit_2_before_any_worker_starts(capsysbinary, tmp_path):
    good = write_article(tmp_path, news_article(1), "good.txt")
    (tmp_path / "picture.png").write_bytes(b"\x89PNG\x00")
    assert main(["extract", "--jobs", "2", str(good), str(tmp_path / "picture.png")]) == 2
    out, err = capsysbinary.readouterr()
    lines = err.decode().splitlines()
    assert out == b"" and len(lines) == 1 and "picture.png" in lines[0]


def test_workers_apply_the_databases_corrections_and_reuse_its_cached_analyses_leaving_it_unchanged(capsysbinary, tmp_path):
    db = tmp_path / "annotations.json"
    first = write_article(tmp_path, "Police in Oregon tested Rekognition last year.\n", "first.txt")
    second = write_article(tmp_path, news_article(2), "second.txt")
    store = Store(db)
    session = AnnotationSession(store, store.open_document(read_article(sample_path())))
    at = session.document.text.index("Rekognition")
    session.label_span(at, at + len("Rekognition"), "PRODUCT")
    # A cached analysis that only a cache can give: "Police" as an organisation.
    document = read_article(first)
    store.cache(cache_key(document, installed_model()), [{"start": 0, "end": len(document.text) - 1, "entities": [[0, 6, "ORG"]], "claims": []}])
    store.close()
    before = db.read_bytes()
    out, _ = extract_output(capsysbinary, "--db", str(db), "--jobs", "2", "--format", "jsonl", str(first), str(second))
    cached, analysed = [json.loads(line) for line in out.splitlines()]
    assert [(e["text"], e["label"], e["origin"]) for e in cached["entities"]] == [
        ("Police", "ORG", cached["model"]), ("Rekognition", "PRODUCT", "gazetteer")]
    assert analysed["path"] == str(second) and analysed["claims"]
    assert db.read_bytes() == before


def test_pieces_hold_consecutive_records_up_to_a_size_and_a_longer_one_alone():
    records = [{"text": "x" * size} for size in (0, 100, PIECE_CHARACTERS - 200, 150, PIECE_CHARACTERS * 3, 10, 20)]
    pieces = pieces_of(records)
    assert [[len(r["text"]) for r in piece] for piece in pieces] == [
        [0, 100, PIECE_CHARACTERS - 200], [150], [PIECE_CHARACTERS * 3], [10, 20]]
    assert pieces_of([]) == []


def test_results_come_in_input_order_whatever_order_the_pieces_finish_in():
    pieces = [[{"path": "a"}, {"path": "b"}], [{"path": "c"}], [{"path": "d"}]]
    futures = [Future() for _ in pieces]
    for future, piece in zip(futures, pieces):
        future.set_result([record["path"].upper() for record in piece])
    told = []
    results = in_input_order(futures, [futures[2], futures[0], futures[1]], pieces, lambda done, total, path: told.append((done, total, path)))
    assert list(results) == ["A", "B", "C", "D"]
    assert told == [(1, 4, "d"), (2, 4, "a"), (3, 4, "b"), (4, 4, "c")]


def children_of(pid: int) -> set[int]:
    """The processes whose parent is ``pid``, from /proc."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def running(pid: int) -> bool:
    """Whether ``pid`` is a live process (not gone, not a zombie)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def stopped_within(pids: set[int], seconds: float) -> bool:
    """Whether every process of ``pids`` is gone within ``seconds``."""
    deadline = time.monotonic() + seconds
    while any(running(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not any(running(pid) for pid in pids)


@contextmanager
def extract_at_work(tmp_path: Path) -> Iterator[tuple[subprocess.Popen, set[int]]]:
    """``postil extract --jobs 2`` over the sample and a long article, once the sample is done and
    a worker is at the long article; with the parent's child processes (its workers among them)."""
    long_article = tmp_path / "long.txt"
    long_article.write_text("\n\n".join(f"Maria Lopez of Acme Corp said on day {n} that Berlin would vote." for n in range(3000)), encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "tui", "extract", "--jobs", "2", str(sample_path()), str(long_article)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    children: set[int] = set()
    try:
        assert f"[1/2] {sample_path()}" in process.stderr.readline()
        children = children_of(process.pid)
        assert len(children) >= 2
        yield process, children
    finally:
        process.kill()
        process.wait()
        for pid in children:  # whatever is left, so that a failing test leaves no process behind
            if running(pid):
                os.kill(pid, signal.SIGKILL)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds the worker processes in /proc")
def test_ctrl_c_stops_the_workers_at_once_without_a_traceback(tmp_path):
    with extract_at_work(tmp_path) as (process, workers):
        process.send_signal(signal.SIGINT)
        _, rest = process.communicate(timeout=20)
        assert process.returncode == 130
        assert rest.strip() == "postil extract: interrupted" and "Traceback" not in rest
        assert stopped_within(workers, 5)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds the worker processes in /proc")
def test_workers_leave_when_the_parent_is_killed_outright(tmp_path):
    with extract_at_work(tmp_path) as (process, workers):
        process.kill()
        process.wait()
        assert stopped_within(workers, 5)


def test_prodigy_output_imports_as_suggestions_beside_the_added_articles(capsysbinary, tmp_path, corpus):
    db = tmp_path / "team.json"
    assert main(["add", "--db", str(db), corpus[1]]) == 0  # one article is in the database already
    capsysbinary.readouterr()
    suggested, _ = extract_output(capsysbinary, "--format", "jsonl", "--quiet", *corpus[:3])
    tasks, _ = extract_output(capsysbinary, "--format", "prodigy", "--jobs", "2", "--quiet", *corpus[:3])
    (tmp_path / "suggestions.jsonl").write_bytes(tasks)
    assert main(["import", "--db", str(db), "--format", "prodigy", str(tmp_path / "suggestions.jsonl")]) == 0
    store = Store(db, read_only=True)
    try:
        documents = {document.doc_id: document for document in store.documents()}
        for line in suggested.splitlines():
            result = json.loads(line)
            assert result["doc_id"] in documents
            annotations = store.annotations(result["doc_id"])
            assert {a.status for a in annotations} == {SUGGESTED}
            assert sorted((a.start, a.end, a.label) for a in annotations if a.is_entity) == sorted(
                (e["start"], e["end"], e["label"]) for e in result["entities"])
            assert sorted((a.start, a.end, a.label) for a in annotations if not a.is_entity) == sorted(
                (c["start"], c["end"], c["type"]) for c in result["claims"])
        assert len(documents) == 3
    finally:
        store.close()
