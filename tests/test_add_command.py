"""``postil add`` and ``postil list`` run as a user runs them, on real files, a real TinyDB file
and a web server on 127.0.0.1 (no test reaches the internet)."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tui.cli import main
from tui.formats.readers import ArticleError
from tui.formats.web import fetch_page
from tui.model.annotation import CLAIM, ENTITY, SUGGESTED, Annotation
from tui.session.corpus import mark_done
from tui.store.records import ANNOTATIONS, Change
from tui.store.repository import open_store

FIXTURES = Path(__file__).parent / "fixtures" / "web"
HARBOUR = FIXTURES / "harbour_article.html"
HARBOUR_PARAGRAPHS = [
    "Port authority approves harbour expansion",
    "The port authority voted seven to two on Wednesday night to expand the northern harbour, ending a dispute that has divided the town for more than three years.",
    "The plan adds two deep-water berths and a new breakwater, and the authority said it would cost about 140 million pounds over six years.",
    "“This is the biggest investment in the harbour since the 1960s,” said Helen Marsh, who chairs the authority. “It secures jobs on the waterfront for a generation.”",
    "Opponents say the dredging will damage the oyster beds at the mouth of the estuary. Tom Reyes of the Estuary Trust said the group would ask for a judicial review within a month.",
    "A 2022 study commissioned by the council found that shipping traffic in the harbour had grown by a third in a decade, and that larger vessels were already being turned away.",
]
BOILERPLATE = ["Subscribe", "Advertisement", "Timeshares", "Garden Furniture", "Related stories", "Ferry workers", "newsletter",
               "Privacy policy", "All rights reserved", "Search the Ledger", "dataLayer", "min-height", "Home"]
TOPICS = ["budget", "rail strike", "flood defences", "school meals", "hospital waiting lists", "bus fares",
          "library closures", "wind farm", "housing plan", "air quality", "water prices", "council tax"]


def write_articles(folder: Path) -> list[str]:
    """Twelve articles in a folder and its subfolders (.txt and .md); their titles, in path order."""
    titles = []
    for number, topic in enumerate(TOPICS):
        title = f"Council debates the {topic}"
        place = folder / ("regional" if number % 3 == 0 else "") / ("archive" if number % 4 == 0 else "")
        place.mkdir(parents=True, exist_ok=True)
        if number % 2:
            (place / f"story{number:02d}.md").write_text(f"# {title}\n\nThe council met on Tuesday about the **{topic}**.\n\nA vote is due in May.\n")
        else:
            (place / f"story{number:02d}.txt").write_text(f"{title}\n\nThe council met on Tuesday about the {topic}.\n\nA vote is due in May.\n")
        titles.append(title)
    return titles


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def stored_documents(db: Path) -> dict[str, dict]:
    store = open_store(db, read_only=True)
    try:
        return {d.title: {"text": d.text, "source": d.source, "meta": d.meta} for d in store.documents()}
    finally:
        store.close()


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    """Fetches from 127.0.0.1 go straight to the test's server whatever the machine's proxy settings."""
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


def test_a_folder_an_html_page_and_a_jsonl_file_are_added_and_listed_with_their_titles(tmp_path, capsys):
    folder = tmp_path / "news"
    titles = write_articles(folder)
    shutil.copy(HARBOUR, folder / "harbour.html")
    (folder / "notes.csv").write_text("not,an,article\n")  # not an article file: left alone
    jsonl = tmp_path / "wire.jsonl"
    jsonl.write_text(
        json.dumps({"text": "Storm closes the bridge\n\nThe bridge closed at noon.", "meta": {"title": "Storm closes the bridge", "url": "https://wire.example/storm",
                                                                                          "date": "2024-05-01T08:00:00Z", "author": "Wire staff", "site": "Wire"}}) + "\n\n"
        + json.dumps({"text": "Markets rise on rate hopes.", "meta": {"source": "wire"}}) + "\n"
    )
    db = tmp_path / "corpus.json"
    status, out, err = run(capsys, "add", str(folder), str(jsonl), "--db", str(db))
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert len(lines) == 16 and all(line.startswith("added") for line in lines[:15])
    assert lines[-1] == f"{db}: 15 added, 0 already there"
    # a line per document: its id, its words and its title, folder files in path order
    harbour_line = next(line for line in lines if "Port authority" in line)
    assert harbour_line.split()[2:4] == ["148", "words"] and len(harbour_line.split()[1]) == 16
    expected = sorted([(f"regional/archive/story{n:02d}" if n % 12 == 0 else f"regional/story{n:02d}" if n % 3 == 0 else f"archive/story{n:02d}" if n % 4 == 0 else f"story{n:02d}", t)
                       for n, t in enumerate(titles)] + [("harbour", "Port authority approves harbour expansion")], key=lambda pair: pair[0].split("/"))
    assert [line.split("words  ", 1)[1] for line in lines[:13]] == [title for _, title in expected]

    documents = stored_documents(db)
    harbour = documents["Port authority approves harbour expansion"]
    assert harbour["text"] == "\n\n".join(HARBOUR_PARAGRAPHS)
    assert not [phrase for phrase in BOILERPLATE if phrase in harbour["text"]]
    assert harbour["meta"] == {"url": "https://coastal-ledger.example/news/2024/03/harbour-expansion", "date": "2024-03-14", "author": "Maria Okonkwo",
                               "site": "The Coastal Ledger", "description": "The port authority voted 7-2 to expand the northern harbour."}
    assert documents["Storm closes the bridge"]["meta"] == {"url": "https://wire.example/storm", "date": "2024-05-01", "author": "Wire staff", "site": "Wire"}
    assert documents["Storm closes the bridge"]["source"] == f"{jsonl.resolve()}:1"
    assert documents["Markets rise on rate hopes."]["source"] == f"{jsonl.resolve()}:3"

    status, out, err = run(capsys, "list", "--db", str(db))
    assert (status, err) == (0, "")
    listed = out.splitlines()
    assert listed[0] == f"{db.resolve()}: 15 documents" and listed[1].split()[:3] == ["ID", "STATUS", "WORDS"]
    assert len(listed) == 17
    for title in [*titles, "Port authority approves harbour expansion", "Storm closes the bridge", "Markets rise on rate hopes."]:
        assert sum(title in line for line in listed[2:]) == 1, title
    assert "2024-03-14" in next(line for line in listed if "Port authority" in line)


def test_adding_again_reports_what_is_already_there_and_stores_no_copy(tmp_path, capsys):
    folder = tmp_path / "news"
    write_articles(folder)
    (folder / "copy.txt").write_text((folder / "story02.txt").read_text())  # the same text under another name
    db = tmp_path / "corpus.json"
    status, out, _ = run(capsys, "add", str(folder), "--db", str(db))
    assert status == 0 and out.splitlines()[-1] == f"{db}: 12 added, 1 already there"
    repeated = [line for line in out.splitlines() if line.startswith("already in DB")]
    assert len(repeated) == 1 and repeated[0].endswith("Council debates the flood defences")  # copy.txt came first
    before = json.loads(db.read_text())["documents"]
    status, out, _ = run(capsys, "add", str(folder / "story02.txt"), str(folder), "--db", str(db))
    assert status == 0
    assert all(line.startswith("already in DB") for line in out.splitlines()[:-1]) and out.splitlines()[-1] == f"{db}: 0 added, 14 already there"
    assert json.loads(db.read_text())["documents"] == before


def test_a_bad_jsonl_line_is_named_and_nothing_from_its_file_is_stored(tmp_path, capsys):
    good = tmp_path / "story.txt"
    good.write_text("Mayor resigns\n\nThe mayor resigned on Friday.\n")
    jsonl = tmp_path / "batch.jsonl"
    jsonl.write_text('{"text": "A fine first line."}\n{"text": "Broken" \n{"text": 42}\n{"text": "ok", "meta": {"title": ["a"]}}\n')
    db = tmp_path / "corpus.json"
    status, out, err = run(capsys, "add", str(jsonl), str(good), "--db", str(db))
    assert status == 1
    assert err.splitlines() == [
        f"postil add: {jsonl}:2: not valid JSON (unexpected end of data at column 19)",
        f"postil add: {jsonl}:3: the line has no \"text\" string (or it is blank)",
        f"postil add: {jsonl}:4: meta.title: must be a string",
        f"postil add: {jsonl}: nothing from this file was added (3 bad lines)",
    ]
    assert list(stored_documents(db)) == ["Mayor resigns"]
    assert out.splitlines()[-1] == f"{db}: 1 added, 0 already there, 4 problems (above)"


def test_a_link_out_of_the_folder_is_not_followed(tmp_path, capsys):
    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "secret.txt").write_text("Secret memo\n\nNot for the corpus.\n")
    (outside / "more").mkdir()
    (outside / "more" / "other.txt").write_text("Other secret\n\nAlso private.\n")
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "story.txt").write_text("Mayor resigns\n\nThe mayor resigned on Friday.\n")
    (folder / "sub").mkdir()
    (folder / "sub" / "inner.txt").write_text("Inner story\n\nA story in a subfolder.\n")
    (folder / "secret.txt").symlink_to(outside / "secret.txt")
    (folder / "more").symlink_to(outside / "more", target_is_directory=True)
    (folder / "inner-link.txt").symlink_to(folder / "sub" / "inner.txt")  # inside the folder: read (the same text, so already there)
    db = tmp_path / "corpus.json"
    status, out, err = run(capsys, "add", str(folder), "--db", str(db))
    assert status == 0
    assert sorted(err.splitlines()) == sorted([
        f"postil add: {folder / 'more'}: a link to a folder outside {folder}, not followed",
        f"postil add: {folder / 'secret.txt'}: a link to a file outside {folder}, not followed",
    ])
    assert sorted(stored_documents(db)) == ["Inner story", "Mayor resigns"]
    assert out.splitlines()[-1] == f"{db}: 2 added, 1 already there"


@pytest.fixture
def web_server() -> Iterator[str]:
    """A web server on 127.0.0.1 serving the harbour page, a plain text, a page over 1 MB sent
    without a length, and a redirect to a file:// address; its base address."""
    pages = {
        "/harbour": ("text/html; charset=utf-8", HARBOUR.read_bytes()),
        "/note.txt": ("text/plain; charset=utf-8", b"Wire note\n\nTrains are running again.\n"),
        "/big": ("text/html", b"<p>" + b"word " * 300_000 + b"</p>"),
        "/picture.png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    }

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            if self.path == "/to-file":
                self.send_response(302)
                self.send_header("Location", "file:///etc/passwd")
                self.end_headers()
                return
            if self.path not in pages:
                self.send_error(404, "Not Found")
                return
            content_type, body = pages[self.path]
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            if self.path != "/big":
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_web_addresses_are_fetched_and_one_that_fails_is_one_line_while_the_others_are_added(tmp_path, capsys, web_server):
    db = tmp_path / "corpus.json"
    unreachable = f"http://127.0.0.1:{closed_port()}/"
    status, out, err = run(capsys, "add", f"{web_server}/harbour", unreachable, f"{web_server}/note.txt", f"{web_server}/missing",
                           f"{web_server}/to-file", f"{web_server}/picture.png", "file:///etc/passwd", "--db", str(db), "--timeout", "5")
    assert status == 1
    assert err.splitlines() == [
        f"postil add: {unreachable}: cannot be fetched (Connection refused)",
        f"postil add: {web_server}/missing: the server answered 404 Not Found",
        f"postil add: {web_server}/to-file: cannot be fetched (redirected to a file address, which is not fetched)",
        f"postil add: {web_server}/picture.png: is image/png, not a web page or text",
        "postil add: file:///etc/passwd: only http:// and https:// addresses are fetched",
    ]
    documents = stored_documents(db)
    assert sorted(documents) == ["Port authority approves harbour expansion", "Wire note"]
    harbour = documents["Port authority approves harbour expansion"]
    assert harbour["source"] == f"{web_server}/harbour" and harbour["text"] == "\n\n".join(HARBOUR_PARAGRAPHS)
    assert harbour["meta"]["url"] == "https://coastal-ledger.example/news/2024/03/harbour-expansion" and harbour["meta"]["date"] == "2024-03-14"
    assert documents["Wire note"] == {"text": "Wire note\n\nTrains are running again.\n", "source": f"{web_server}/note.txt", "meta": {"url": f"{web_server}/note.txt"}}
    assert out.splitlines()[-1] == f"{db}: 2 added, 0 already there, 5 problems (above)"


def test_a_page_over_the_size_limit_is_not_read_to_its_end(web_server):
    with pytest.raises(ArticleError, match=r"/big: the page is over the 1 MB limit$"):
        fetch_page(f"{web_server}/big", timeout=5, max_mb=1)
    body, url, content_type = fetch_page(f"{web_server}/big", timeout=5, max_mb=2)
    assert len(body) == 1_500_007 and content_type == "text/html"


def test_without_trafilatura_a_web_page_is_refused_in_one_line_saying_how_to_install_it(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # what `import trafilatura` meets where it is not installed
    page = tmp_path / "page.html"
    shutil.copy(HARBOUR, page)
    story = tmp_path / "story.txt"
    story.write_text("Mayor resigns\n\nThe mayor resigned on Friday.\n")
    db = tmp_path / "corpus.json"
    status, out, err = run(capsys, "add", str(page), str(story), "--db", str(db))
    assert status == 1
    assert err == f"postil add: {page.resolve()}: reading web pages needs trafilatura: pip install 'postil[web]'\n"
    assert list(stored_documents(db)) == ["Mayor resigns"]


def test_titles_are_printed_without_control_sequences_and_unreadable_files_are_one_line_each(tmp_path, capsys):
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "evil.txt").write_text("Breaking \x1b[2J\x1b]0;owned\x07 news\n\nText.\n")
    (folder / "empty.md").write_text("\n\n")
    (folder / "binary.txt").write_bytes(b"abc\x00def")
    (tmp_path / "data.pdf").write_bytes(b"%PDF-1.7")
    db = tmp_path / "corpus.json"
    status, out, err = run(capsys, "add", str(folder), str(tmp_path / "missing.txt"), str(tmp_path / "data.pdf"), "--db", str(db))
    assert status == 1
    assert "\x1b" not in out and "\x07" not in out and "Breaking" in out
    assert [line.split(": ", 2)[2] for line in err.splitlines()] == [
        "looks like a binary file (it contains NUL bytes), not text",
        "the file is empty (nothing to read or annotate)",
        "no such file",
        "unsupported file type '.pdf' (postil add reads .txt, .md, .html, .htm and .jsonl files, folders and http(s) addresses)",
    ]
    assert stored_documents(db)["Breaking \x1b[2J\x1b]0;owned\x07 news"]["text"].endswith("Text.\n")  # stored as the article has it


def test_list_shows_status_and_counts_and_names_the_database(tmp_path, capsys):
    folder = tmp_path / "news"
    write_articles(folder)
    db = tmp_path / "corpus.json"
    assert run(capsys, "add", str(folder), "--db", str(db))[0] == 0
    store = open_store(db, writer=True)
    first, second, *_ = store.documents()
    council = first.text.index("council")
    records = [
        Annotation.on_text(first.doc_id, first.text, ENTITY, "ORG", council, council + 7),
        Annotation.on_text(first.doc_id, first.text, CLAIM, "assertion", 0, first.text.index("\n"), attrs={"verdict": "false"}),
        Annotation.on_text(first.doc_id, first.text, ENTITY, "DATE", first.text.index("Tuesday"), first.text.index("Tuesday") + 7, status=SUGGESTED),
    ]
    store.apply([Change(ANNOTATIONS, a.id, a.to_record()) for a in records])
    mark_done(store, second.doc_id, True, "checker")
    store.close()
    status, out, _ = run(capsys, "list", "--db", str(db), "--format", "json")
    listing = json.loads(out)
    assert status == 0 and listing["database"] == str(db.resolve()) and len(listing["documents"]) == 12
    assert {key: listing["documents"][0][key] for key in ("doc_id", "status", "suggestions_left", "entities", "claims", "verdicts", "words")} == {
        "doc_id": first.doc_id, "status": "started", "suggestions_left": 1, "entities": 1, "claims": 1, "verdicts": 1, "words": len(first.text.split())}
    assert listing["documents"][1]["status"] == "done" and {d["status"] for d in listing["documents"][2:]} == {"new"}
    status, out, _ = run(capsys, "list", "--db", str(db))
    row = out.splitlines()[2].split()
    assert row[:7] == [first.doc_id, "started", str(len(first.text.split())), "1", "1", "1", "1"]
    assert out.splitlines()[3].split()[1] == "done"


def test_list_of_a_missing_database_is_one_line_and_add_runs_as_a_console_command(tmp_path):
    missing = tmp_path / "none.json"
    result = subprocess.run([sys.executable, "-m", "tui", "list", "--db", str(missing)], capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"postil list: {missing}: no such database file (postil add PATH... --db {missing} makes one)\n"
    story = tmp_path / "story.txt"
    story.write_text("Mayor resigns\n\nThe mayor resigned on Friday.\n")
    result = subprocess.run([sys.executable, "-m", "tui", "add", str(story), "--db", str(missing)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.startswith("added ") and "Mayor resigns" in result.stdout


def test_adding_a_changed_file_again_makes_a_new_version_with_its_annotations_moved_onto_it(tmp_path, capsys):
    article = tmp_path / "story.txt"
    article.write_text("Harbour vote\n\nThe mayor Helen Marsh backed the plan on Monday.\n")
    db = tmp_path / "db.json"
    assert run(capsys, "add", str(article), "--db", str(db))[0] == 0
    store = open_store(db)
    (document,) = store.documents()
    start = document.text.index("Helen Marsh")
    mention = Annotation.on_text(document.doc_id, document.text, ENTITY, "PERSON", start, start + len("Helen Marsh"), annotator="ana")
    store.apply([Change(ANNOTATIONS, mention.id, mention.to_record())])
    store.close()
    article.write_text("Harbour vote\n\nLate on Monday, the mayor Helen Marsh backed the plan.\n")
    status, out, err = run(capsys, "add", str(article), "--db", str(db))
    assert status == 0, err
    assert f"new version of {document.doc_id}: 1 annotation re-anchored: 1 in place, 0 moved, 0 orphaned" in out
    status, out, _ = run(capsys, "list", "--db", str(db), "--format", "json")
    (row,) = json.loads(out)["documents"]  # the old version is not listed beside the new one
    assert row["entities"] == 1 and row["title"] == "Harbour vote"
