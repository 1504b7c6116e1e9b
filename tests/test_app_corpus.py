"""A database of several documents in the real app (Pilot): the document list, moving from one
document to the next without restarting, marking one done, and what ``postil`` opens without a
path. Checked on the screen and in the TinyDB file."""

from __future__ import annotations

import argparse
import gc
import json
import weakref
from pathlib import Path

from tests.conftest import write_article
from tui.app import IDLE_COMPACT_SECONDS, PostilApp
from tui.cli import main
from tui.cli.open_article import add_to_corpus, open_corpus
from tui.formats.readers import read_article
from tui.formats.web import read_article_file
from tui.launch import SAMPLE_SOURCE, open_session, sample_path
from tui.messages import SuggestionsReady
from tui.model.annotation import Annotation
from tui.model.document import Document
from tui.nlp.suggest import SuggestionBatch
from tui.screens.annotate import AnnotateScreen
from tui.screens.corpus_hits import CorpusHitsScreen
from tui.screens.documents import DocumentsScreen
from tui.settings import Settings
from tui.store.records import ANNOTATIONS
from tui.store.repository import Store, open_store
from tui.widgets.hit_list import HitList

SIZE = (140, 40)
TEXTS = {
    "Senate passes the budget": "The Senate passed the budget on Monday.\n\nSenator Ann Lee said it was fair.",
    "Floods in Valencia": "Floods hit Valencia on Tuesday.\n\nThe mayor asked for help.",
    "A new bridge for Lyon": "Lyon opens a new bridge.\n\nEngineers praised the design.",
}


def corpus_db(tmp_path: Path) -> tuple[Path, list[str]]:
    """A database holding the three articles (in that order), and their ids."""
    db = tmp_path / "corpus.json"
    store = open_store(db)
    ids = []
    for number, (title, text) in enumerate(TEXTS.items()):
        document = Document(text=text, title=title, source=f"/news/{number}.txt", added=f"2026-12-01T10:00:0{number}", meta={"date": f"2026-11-2{number}"})
        store.add_document(document)
        ids.append(document.doc_id)
    store.close()
    return db, ids


def stored_documents(db: Path) -> dict[str, dict]:
    return {record["doc_id"]: record for record in json.loads(db.read_text())["documents"].values()}


def shown_title(app: PostilApp) -> str:
    return app.annotate.document.title if isinstance(app.screen, AnnotateScreen) else ""


def list_titles(screen: DocumentsScreen) -> list[str]:
    return [summary.title for summary in screen.shown]


async def test_the_list_opens_documents_and_the_keys_move_between_them(tmp_path):
    db, ids = corpus_db(tmp_path)
    app = PostilApp(store=open_store(db), annotator="ana")
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, DocumentsScreen)
        assert list_titles(app.screen) == list(TEXTS)
        assert "3 documents · 0 done" in str(app.screen.status_line.render())
        await pilot.pause()
        assert str(app.screen.detail.render()) == f"Senate passes the budget  ·  2026-11-20  ·  from /news/0.txt  ·  id {ids[0]}"
        await pilot.press("down", "enter")  # the second document
        assert shown_title(app) == "Floods in Valencia"
        assert app.session.document.doc_id == ids[1]
        await pilot.press("J")
        assert shown_title(app) == "A new bridge for Lyon"
        await pilot.press("J")  # past the last: stays, and says so
        assert shown_title(app) == "A new bridge for Lyon"
        assert "no other document" in str(app.annotate.status_line.render())
        await pilot.press("K", "K")
        assert shown_title(app) == "Senate passes the budget"
        await pilot.press("l", "v", "l", "1")  # label "Senate passed"... a PERSON, in the first document
        await pilot.press("D")  # this one is done
        assert "marked done" in str(app.annotate.status_line.render())
        await pilot.press("U")  # the next unfinished one
        assert shown_title(app) == "Floods in Valencia"
        await pilot.press("o")
        assert isinstance(app.screen, DocumentsScreen)
        statuses = {summary.title: summary.status for summary in app.screen.shown}
        assert statuses == {"Senate passes the budget": "done", "Floods in Valencia": "new", "A new bridge for Lyon": "new"}
        assert [summary.entities for summary in app.screen.shown] == [1, 0, 0]  # the label given after the list was first read
        assert app.screen.table.cursor_row == 1  # the open document is highlighted
        await pilot.press("escape")  # back to it
        assert shown_title(app) == "Floods in Valencia"
        await pilot.press("q")
    documents = stored_documents(db)
    assert documents[ids[0]]["status"] == "done" and documents[ids[0]]["done_by"] == "ana"
    assert "status" not in documents[ids[1]]
    labelled = [r for r in json.loads(db.read_text()).get("annotations", {}).values() if r["status"] == "accepted"]
    assert [(r["doc_id"], r["label"]) for r in labelled] == [(ids[0], "PERSON")]


async def test_D_on_a_document_reads_its_record_not_its_annotations(tmp_path):
    db, ids = corpus_db(tmp_path)
    app = PostilApp(store=open_store(db), annotator="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        store, reads = app.store, []
        annotations = store.annotations
        store.annotations = lambda *args, **kwargs: reads.append(args) or annotations(*args, **kwargs)
        await pilot.press("D")
        assert "marked done" in str(app.annotate.status_line.render())
        await pilot.press("D")
        assert "marked not done" in str(app.annotate.status_line.render())
        await pilot.press("q")
    assert reads == []  # a key whose work would grow with the document's annotations
    journal = json.loads(db.read_text())["journal"].values()
    assert [entry["op"] for entry in journal if entry["doc_id"] == ids[0]] == ["mark-done", "mark-not-done"]
    assert "status" not in stored_documents(db)[ids[0]]


async def test_D_in_the_list_reads_that_documents_row_again_not_every_document(tmp_path):
    db, ids = corpus_db(tmp_path)
    app = PostilApp(store=open_store(db), annotator="ana")
    async with app.run_test(size=SIZE) as pilot:
        screen, store, reads = app.screen, app.store, []
        documents = store.documents
        store.documents = lambda: reads.append(1) or documents()
        await pilot.press("down", "D")
        assert [summary.status for summary in screen.shown] == ["new", "done", "new"]
        assert "Floods in Valencia: done" in str(screen.status_line.render())
        assert "3 documents · 1 done" in str(screen.status_line.render())
        await pilot.press("D")
        assert [summary.status for summary in screen.shown] == ["new", "new", "new"]
        await pilot.press("q")
    assert reads == []  # a key whose work would grow with the corpus
    assert "status" not in stored_documents(db)[ids[1]]


async def test_the_list_sorts_filters_and_marks_done(tmp_path):
    db, ids = corpus_db(tmp_path)
    app = PostilApp(store=open_store(db), annotator="ana")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("s")  # by title
        assert list_titles(screen) == ["A new bridge for Lyon", "Floods in Valencia", "Senate passes the budget"]
        assert screen.table.cursor_row == 2  # the highlighted document stays highlighted
        await pilot.press("home", "D")  # "A new bridge for Lyon" is done
        await pilot.press("f", *"status:unfinished", "enter")
        assert list_titles(screen) == ["Floods in Valencia", "Senate passes the budget"]
        await pilot.press("f", "ctrl+u", *"senate", "enter")
        assert list_titles(screen) == ["Senate passes the budget"]
        await pilot.press("escape")  # the filter is cleared
        assert len(list_titles(screen)) == 3
        await pilot.press("f", *"status:maybe", "enter")
        assert "status:maybe is not one of" in str(screen.status_line.render())
        await pilot.press("q")
    done = [record["title"] for record in stored_documents(db).values() if record.get("status") == "done"]
    assert done == ["A new bridge for Lyon"]


async def test_suggestions_for_a_document_left_behind_are_not_stored(tmp_path):
    db, ids = corpus_db(tmp_path)
    app = PostilApp(store=open_store(db), annotator="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        first = app.session
        await pilot.press("J")
        assert app.session is not first
        late = Annotation.on_text(ids[0], first.document.text, "entity", "ORG", 4, 10, status="suggested", origin="model")
        app.post_message(SuggestionsReady(SuggestionBatch(1, 1, [late], [], final=True), ids[0]))
        await pilot.pause()
        await pilot.press("q")
    assert not [r for r in json.loads(db.read_text()).get("annotations", {}).values() if r["status"] == "suggested"]


def open_args(db: Path) -> argparse.Namespace:
    return argparse.Namespace(paths=[], db=str(db), annotator="ana", read_only=False, no_suggest=True, encoding="utf-8", max_size=50.0, settings=Settings())


def test_postil_without_a_path_opens_the_list_of_a_corpus_and_never_adds_the_sample(tmp_path):
    db, ids = corpus_db(tmp_path)
    app = open_corpus(open_args(db), {})
    assert app is not None and app.session is None and app.annotate is None  # it starts on the list
    app.store.close()
    assert set(stored_documents(db)) == set(ids)  # no sample beside them


async def test_postil_without_a_path_counts_the_corpus_annotations_once_at_start(tmp_path, monkeypatch):
    db, ids = corpus_db(tmp_path)
    passes = []
    tables, snapshot = Store.tables, Store.snapshot
    monkeypatch.setattr(Store, "tables", lambda store: passes.append(1) or tables(store))
    monkeypatch.setattr(Store, "snapshot", lambda store, table: (table == ANNOTATIONS and passes.append(1)) or snapshot(store, table))
    app = open_corpus(open_args(db), {})
    async with app.run_test(size=SIZE) as pilot:
        assert list_titles(app.screen) == list(TEXTS)
        await pilot.press("q")
    assert len(passes) == 1  # the list's, not a second one before it to see what the database holds


def test_postil_without_a_path_opens_a_single_document_and_a_sample_database_as_before(tmp_path):
    db = tmp_path / "one.json"
    store = open_store(db)
    store.add_document(read_article(write_article(tmp_path, "Only one article here.")))
    store.close()
    app = open_corpus(open_args(db), {})
    assert app.session.document.text == "Only one article here."
    app.store.close()
    assert len(stored_documents(db)) == 1

    sample_db = tmp_path / "sample.json"
    sample = read_article(sample_path())
    sample.source = SAMPLE_SOURCE
    open_session(sample_db, sample, annotator="ana").store.close()
    assert open_corpus(open_args(sample_db), {}) is None  # the sample opens as it always did
    assert open_corpus(open_args(tmp_path / "new.json"), {}) is None


async def test_search_across_documents_lists_hits_with_titles_and_opens_the_one_chosen(tmp_path):
    db, ids = corpus_db(tmp_path)
    app = PostilApp(store=open_store(db), annotator="ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")  # the first document
        await pilot.press("slash", *"the", "ctrl+g", "enter")  # "the" in every document's text
        await app.workers.wait_for_complete()
        await pilot.pause()
        hits = app.screen
        assert isinstance(hits, CorpusHitsScreen)
        listed = hits.query_one(HitList)
        prompts = [listed.item_text(n) for n in range(listed.item_count)]
        assert prompts[0].startswith("Senate passes the budget  The Senate passed the budget")
        assert any(prompt.startswith("Floods in Valencia  ") and "The mayor asked" in prompt for prompt in prompts)
        assert any(prompt.startswith("A new bridge for Lyon") for prompt in prompts)
        floods = next(n for n, prompt in enumerate(prompts) if prompt.startswith("Floods in Valencia"))
        await pilot.press(*["down"] * floods, "enter")
        assert shown_title(app) == "Floods in Valencia"
        text = app.session.document.text
        assert text[app.annotate.article.cursor :].lower().startswith("the")
        assert "hit 1/1 for “the” in the text" in str(app.annotate.status_line.render())
        await pilot.press("slash", "ctrl+u", *"nowhere-to-be-found", "enter")  # every document still chosen
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "no hits for “nowhere-to-be-found” in the text of any document" in str(app.annotate.status_line.render())
        await pilot.press("q")


def test_postil_with_several_paths_or_a_folder_adds_them_and_opens_their_list(tmp_path):
    folder = tmp_path / "today"
    folder.mkdir()
    for number, (title, text) in enumerate(TEXTS.items()):
        write_article(folder, f"{title}\n\n{text}", f"{number}.txt")
    db = tmp_path / "day.json"
    args = open_args(db)
    args.paths = [str(folder)]
    add_to_corpus(args)
    app = open_corpus(args, {})
    assert app.annotate is None and sorted(r["title"] for r in stored_documents(db).values()) == sorted(TEXTS)
    app.store.close()


def test_postil_with_a_path_that_cannot_be_read_among_several_adds_nothing(tmp_path, capsys):
    good = write_article(tmp_path, "A good article.", "good.txt")
    db = tmp_path / "day.json"
    assert main([str(good), str(tmp_path / "missing.txt"), "--db", str(db)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("postil: ") and "missing.txt" in error and error.rstrip().endswith("nothing was added")
    assert len(error.strip().splitlines()) == 1
    assert not db.exists()


def test_postil_on_a_web_page_opens_its_article_not_its_markup(tmp_path):
    page = Path(__file__).parent / "fixtures" / "web" / "harbour_article.html"
    args = open_args(tmp_path / "db.json")
    document = read_article_file(page, args.encoding, args.max_size)
    assert "<" not in document.text and document.meta.get("date") and document.meta.get("url")
    assert document.title and document.title in page.read_text(encoding="utf-8")


async def test_documents_left_behind_are_freed_at_the_next_pause(tmp_path):
    db, ids = corpus_db(tmp_path)
    store = open_store(db)
    app = PostilApp(open_session(db, store.document(ids[0]), annotator="ana", store=store))  # its memory is frozen at start
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("J")
        left = weakref.ref(app.session)
        left_screen = weakref.ref(app.annotate)
        await pilot.press("J")
        await pilot.pause()
        gc.collect()  # frozen with the rest after the move: the collector alone does not free it
        assert left() is not None
        app.last_key_time -= IDLE_COMPACT_SECONDS  # a pause
        app.compact_when_idle()
        assert left() is None and left_screen() is None
        await pilot.press("q")
