"""The model's batches reach the app at most one at a time, merged while the app is busy: however
far ahead the model gets, a key (q included) waits for one batch's storing at most."""

from __future__ import annotations

import threading

from tests.conftest import saved_annotations, write_article
from tui.app import PostilApp
from tui.formats.readers import read_article
from tui.launch import open_session
from tui.model.annotation import SUGGESTED, Annotation, Entity
from tui.nlp.suggest import BatchHandoff, SuggestionBatch
from tui.widgets.side_panel import SidePanel

NEVER = lambda: False  # noqa: E731


def batch(done: int, suggestions: int, final: bool = False) -> SuggestionBatch:
    text = "x" * (suggestions + 1)
    annotations = [Annotation.on_text("d", text, "entity", "ORG", i, i + 1, id=f"a-{done}-{i}") for i in range(suggestions)]
    entities = [Entity("d", f"E{done}", "ORG", entity_id=f"e-{done}")]
    return SuggestionBatch(done, 100, annotations, entities, final=final)


def test_batches_offered_while_the_app_stores_are_held_and_merged_into_one():
    handoff = BatchHandoff(most=500, pause=0)
    (first,) = handoff.offer(batch(1, 10), NEVER)
    assert first.done == 1  # the app was idle: posted at once
    assert [list(handoff.offer(batch(n, 10), NEVER)) for n in (2, 3, 4)] == [[], [], []]  # the app is busy
    handoff.stored()
    (merged,) = handoff.offer(batch(5, 10), NEVER)
    assert merged.done == 5 and len(merged.annotations) == 40
    assert [e.entity_id for e in merged.entities] == ["e-2", "e-3", "e-4", "e-5"]


def test_past_the_limit_the_model_waits_for_the_app_and_a_cancel_ends_the_wait():
    handoff = BatchHandoff(most=25, pause=0)
    list(handoff.offer(batch(1, 10), NEVER))
    assert list(handoff.offer(batch(2, 10), NEVER)) == []
    released = []
    model = threading.Thread(target=lambda: released.extend(handoff.offer(batch(3, 15), NEVER)))
    model.start()
    model.join(0.3)
    assert model.is_alive() and released == []  # 25 held: at the limit, the model waits
    handoff.stored()
    model.join(5)
    assert [(b.done, len(b.annotations)) for b in released] == [(3, 25)]
    cancelled = threading.Event()
    waiting = threading.Thread(target=lambda: released.extend(handoff.offer(batch(4, 30), cancelled.is_set)))
    waiting.start()
    cancelled.set()
    waiting.join(5)
    assert not waiting.is_alive() and len(released) == 1


def test_a_batch_bigger_than_a_piece_is_handed_over_in_pieces_each_after_the_app_stored_the_last():
    handoff = BatchHandoff(most=400, pause=0, piece=400)
    pieces = handoff.offer(batch(7, 1000, final=True), NEVER)
    first = next(pieces)
    stalled = []
    waiting = threading.Thread(target=lambda: stalled.append(next(pieces)))
    waiting.start()
    waiting.join(0.3)
    assert waiting.is_alive() and stalled == []  # the app has not stored the first piece yet
    handoff.stored()
    waiting.join(5)
    handoff.stored()
    last = next(pieces)
    assert [len(b.annotations) for b in (first, *stalled, last)] == [400, 400, 200]
    assert [b.final for b in (first, *stalled, last)] == [False, False, True]
    assert {a.id for b in (first, *stalled, last) for a in b.annotations} == {a.id for a in batch(7, 1000).annotations}
    assert [e.entity_id for e in last.entities] == ["e-7"]


def test_batches_merged_while_the_app_was_busy_are_stored_a_piece_at_a_time():
    handoff = BatchHandoff(most=500, pause=0, piece=100)
    list(handoff.offer(batch(1, 10), NEVER))
    assert [list(handoff.offer(batch(n, 100), NEVER)) for n in (2, 3)] == [[], []]  # the app is busy: held
    handoff.stored()
    pieces = handoff.offer(batch(4, 100), NEVER)
    released = []
    for piece in pieces:  # each once the app has stored the one before
        released.append(piece)
        handoff.stored()
    # One store of 300 would make a key pressed meanwhile wait for all of them (and their redraw).
    assert [(b.done, len(b.annotations)) for b in released] == [(4, 100), (4, 100), (4, 100)]
    assert [a.id for b in released for a in b.annotations] == [a.id for n in (2, 3, 4) for a in batch(n, 100).annotations]
    assert [e.entity_id for e in released[-1].entities] == ["e-2", "e-3", "e-4"]  # the last has them all


def test_batches_offered_sooner_than_the_pause_after_the_last_are_merged_though_the_app_is_idle():
    now = [100.0]
    handoff = BatchHandoff(most=500, pause=0.2, clock=lambda: now[0])
    assert len(list(handoff.offer(batch(1, 10), NEVER))) == 1  # the first at once
    handoff.stored()
    now[0] += 0.1
    assert list(handoff.offer(batch(2, 10), NEVER)) == []  # the app is idle, but it redrew a moment ago
    now[0] += 0.05
    assert list(handoff.offer(batch(3, 10), NEVER)) == []
    now[0] += 0.1
    (merged,) = handoff.offer(batch(4, 10), NEVER)
    assert merged.done == 4 and len(merged.annotations) == 30
    handoff.stored()
    (final,) = handoff.offer(batch(5, 10, final=True), NEVER)  # the last never waits
    assert final.final


def test_the_last_batch_is_handed_over_when_the_model_is_done():
    handoff = BatchHandoff(most=500, pause=0)
    list(handoff.offer(batch(1, 5), NEVER))
    assert list(handoff.offer(batch(2, 5), NEVER)) == []
    handoff.stored()
    (rest,) = handoff.rest(NEVER)
    assert rest.done == 2 and len(rest.annotations) == 5
    handoff.stored()
    assert list(handoff.rest(NEVER)) == []  # nothing held any more
    (final,) = handoff.offer(batch(3, 5, final=True), NEVER)
    assert final.final


async def test_q_pressed_while_a_fast_model_streams_a_long_article_quits_before_the_backlog_is_stored(tmp_path):
    paragraphs = 3000
    text = "\n\n".join(f"Acme Corp {n} hired Jane Doe {n} in Paris {n} and Lyon {n}." for n in range(paragraphs))
    article = write_article(tmp_path, text)

    def fast_model(session):
        document = session.document

        def batches():
            for n, start in enumerate(p.start for p in document.paragraphs if document.text[p.start : p.end].strip()):
                found, entities = [], []
                for phrase, label in (("Acme Corp", "ORG"), ("Jane Doe", "PERSON"), ("Paris", "GPE"), ("Lyon", "GPE")):
                    at = document.text.index(phrase, start)
                    entity = Entity(document.doc_id, f"{phrase} {n}", label, entity_id=f"e-{n}-{label}-{phrase}")
                    entities.append(entity)
                    found.append(Annotation.on_text(document.doc_id, document.text, "entity", label, at, at + len(phrase) + 1 + len(str(n)),
                                                    status=SUGGESTED, origin="model:fast@1", attrs={"entity_id": entity.entity_id}))
                yield SuggestionBatch(n + 1, paragraphs, found, entities, final=n + 1 == paragraphs)

        return batches(), "suggestions by fast 1"

    db = tmp_path / "db.json"
    app = PostilApp(open_session(db, read_article(article), annotator="tester"), suggester=fast_model)
    async with app.run_test(size=(120, 36)) as pilot:
        for _ in range(100):  # the first batch is stored (batches wait for a pause in the keys: none yet)
            await pilot.pause(0.05)
            if app.session is not None and app.session.counts[("entity", SUGGESTED)]:
                break
        await pilot.press("q")
    stored = sum(1 for record in saved_annotations(db) if record["status"] == SUGGESTED)
    # The model had its 12,000 suggestions ready at once; without a bounded handoff every batch was
    # queued ahead of the key and stored before q was read.
    assert 0 < stored < paragraphs * 4


async def test_while_suggestions_stream_the_side_panel_catches_up_within_half_a_second(tmp_path):
    article = write_article(tmp_path, "Acme Corp hired Jane Doe in Paris.\n\nLyon waited.")
    start, go_on = threading.Event(), threading.Event()

    def stalling_model(session):
        document = session.document

        def batches():
            start.wait(10)  # the screen is up, its panel filled
            entity = Entity(document.doc_id, "Acme Corp", "ORG", entity_id="e-acme")
            mention = Annotation.on_text(document.doc_id, document.text, "entity", "ORG", 0, 9, status=SUGGESTED,
                                         origin="model:fake@1", attrs={"entity_id": entity.entity_id})
            yield SuggestionBatch(1, 2, [mention], [entity])
            go_on.wait(10)  # the model is still at work on the second paragraph
            yield SuggestionBatch(2, 2, [], [], final=True)

        return batches(), "suggestions by fake 1"

    app = PostilApp(open_session(tmp_path / "db.json", read_article(article), annotator="tester"), suggester=stalling_model)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert "Entities 0" in app.annotate.side_panel.tabs.render_line(0).text
        start.set()
        for _ in range(50):  # the first batch stored; its refill of the panel comes a moment later
            await pilot.pause(0.05)
            if "Entities 1" in app.annotate.side_panel.tabs.render_line(0).text:
                break
        assert "Entities 1" in app.annotate.side_panel.tabs.render_line(0).text
        assert app.suggest_state == "suggesting 1/2"
        go_on.set()
        await pilot.press("q")


async def test_a_batch_that_comes_while_keys_come_is_stored_when_they_pause(tmp_path, monkeypatch):
    import tui.suggesting

    article = write_article(tmp_path, "Acme Corp hired Jane Doe in Paris.\n\nLyon waited.")
    start = threading.Event()

    def one_batch_model(session):
        document = session.document

        def batches():
            start.wait(10)  # sent once a key has been pressed
            entity = Entity(document.doc_id, "Acme Corp", "ORG", entity_id="e-acme")
            mention = Annotation.on_text(document.doc_id, document.text, "entity", "ORG", 0, 9, status=SUGGESTED,
                                         origin="model:fake@1", attrs={"entity_id": entity.entity_id})
            yield SuggestionBatch(1, 1, [mention], [entity], final=True)

        return batches(), "suggestions by fake 1"

    db = tmp_path / "db.json"
    monkeypatch.setattr(tui.suggesting, "TYPING_PAUSE", 30.0)  # as if the user went on typing
    monkeypatch.setattr(tui.suggesting, "HOLD_AT_MOST", 2.0)
    app = PostilApp(open_session(db, read_article(article), annotator="tester"), suggester=one_batch_model)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("right")
        start.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [r for r in saved_annotations(db) if r["status"] == SUGGESTED] == []  # held while keys come
        assert app.held_since is not None and app.suggest_state != ""
        await pilot.pause(2.1)
        assert saved_annotations(db) == []  # held HOLD_AT_MOST, but no key came since
        await pilot.press("right")  # however long the keys come, one after HOLD_AT_MOST lets it in, once drawn
        for _ in range(50):
            await pilot.pause(0.05)
            if saved_annotations(db):
                break
        assert [(r["start"], r["end"], r["status"]) for r in saved_annotations(db)] == [(0, 9, SUGGESTED)]
        await pilot.press("q")


async def test_a_final_batch_stored_in_pieces_shows_the_model_at_work_until_its_last_piece(tmp_path, monkeypatch):
    text = " ".join(f"Acme{n} hired Jane." for n in range(130))  # one paragraph: the model's one (final) batch
    article = write_article(tmp_path, text)

    def quick_model(session):
        document = session.document

        def batches():
            found = [Annotation.on_text(document.doc_id, document.text, "entity", "ORG", m, m + len(f"Acme{n}"), status=SUGGESTED, origin="model:quick@1")
                     for n, m in enumerate(i for i in range(len(text)) if text.startswith("Acme", i))]
            yield SuggestionBatch(1, 1, found, [], final=True)

        return batches(), "suggestions by quick 1"

    rebuilds, shown = [], []  # the lists' rebuilds; the model's state on the status line after each store
    rebuild, store = SidePanel.rebuild, PostilApp.store_suggestions
    monkeypatch.setattr(SidePanel, "rebuild", lambda panel: (rebuilds.append(True), rebuild(panel)))

    def recording(app, batch):
        before = len(rebuilds)
        store(app, batch)
        shown.append((app.suggest_state, len(rebuilds) > before))

    monkeypatch.setattr(PostilApp, "store_suggestions", recording)
    db = tmp_path / "db.json"
    app = PostilApp(open_session(db, read_article(article), annotator="tester"), suggester=quick_model)
    async with app.run_test(size=(120, 36)) as pilot:
        for _ in range(100):
            await pilot.pause(0.05)
            if len(saved_annotations(db)) == 130:
                break
        await pilot.press("q")
    assert len(shown) == 3  # 130 suggestions: pieces of 50, 50 and 30
    # Until its last piece is stored the model is not done: the status line says so, and the
    # lists are refilled on their timer, not rebuilt for each piece.
    assert shown == [("suggesting 1/1", False), ("suggesting 1/1", False), ("", True)]


async def test_the_models_analysis_is_cached_without_the_app_waiting_for_the_disk(tmp_path, monkeypatch):
    import tui.store.wal

    article = write_article(tmp_path, "Acme Corp hired Jane Doe in Paris.")
    analysis = [{"paragraph": 0, "entities": []}]

    def model_with_analysis(session):
        return iter([SuggestionBatch(1, 1, [], [], final=True, analysis=("analysis-key", analysis))]), "suggestions by fake 1"

    syncs, caching = [], []
    sync = tui.store.wal.sync_data
    monkeypatch.setattr(tui.store.wal, "sync_data", lambda fd: (syncs.append(fd), sync(fd)))
    cache = PostilApp.on_analysis_ready

    def timed(app, message):
        before = len(syncs)
        cache(app, message)
        caching.append(len(syncs) - before)

    monkeypatch.setattr(PostilApp, "on_analysis_ready", timed)
    db = tmp_path / "db.json"
    app = PostilApp(open_session(db, read_article(article), annotator="tester"), suggester=model_with_analysis)
    async with app.run_test(size=(120, 36)) as pilot:
        for _ in range(50):
            await pilot.pause(0.05)
            if caching:
                break
        await pilot.press("q")
    # A 1M-word book's analysis is megabytes: the app's thread must not wait for them to reach the disk.
    assert caching == [0]
    from tui.store.repository import Store

    assert Store(db).cached("analysis-key") == analysis  # written all the same, and kept on quitting
