"""The stats screen's agreement heat map in the real app (Pilot): a team database shows the pair's
κ in both scopes; a one-annotator database shows nothing of it."""

from __future__ import annotations

from itertools import combinations

from textual.geometry import Region

from tests.test_agreement import KAPPA, team_db
from tests.test_stats_screen import lines_of
from tui.app import PostilApp
from tui.model.annotation import ENTITY, Annotation
from tui.model.document import Document
from tui.screens.stats import StatsScreen
from tui.store.migrations import META
from tui.store.records import ANNOTATIONS, TEAM_KEY, Change
from tui.store.repository import Store, open_store


async def test_the_stats_screen_shows_the_pairs_kappa_in_a_team_database(tmp_path):
    db = tmp_path / "team.json"
    store = team_db(db)
    store.apply([Change(META, TEAM_KEY, {"key": TEAM_KEY, "annotators": {"alice": {}, "bob": {}}})])
    store.close()
    app = PostilApp(store=open_store(db), annotator="lead")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("S")  # on the document list: its first document, "One"
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)
        heat_map = app.screen.heat_map
        assert heat_map.display
        lines = lines_of(heat_map)
        assert lines[0].startswith("Agreement between annotators")
        assert lines[1].split() == ["alice", "bob"]
        assert lines[2].split() == ["alice", "·", "██", f"{KAPPA:.2f}"]
        assert lines[3].split() == ["bob", "██", f"{KAPPA:.2f}", "·"]
        assert lines[4].startswith("1 document;")
        swatch = next(segment for segment in heat_map.render_lines(Region(0, 0, *heat_map.size))[2] if segment.text == "██")
        assert swatch.style.color == heat_map.get_component_rich_style("heat-map--mid").color  # 0.76: substantial

        await pilot.press("tab")  # the whole database: document "Two" is alice's alone, the pair's κ the same
        await pilot.pause()
        lines = lines_of(app.screen.heat_map)
        assert lines[3].split() == ["bob", "██", f"{KAPPA:.2f}", "·"]
        assert lines[4].startswith("2 documents, 1 of them annotated by two or more;")


async def test_a_document_with_one_annotator_says_so_and_a_one_annotator_database_shows_nothing(tmp_path):
    db = tmp_path / "team.json"
    team_db(db).close()
    app = PostilApp(store=open_store(db), annotator="lead")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("down", "S")  # document "Two": only alice worked on it
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Two" in app.screen.title_line.render().plain
        assert lines_of(app.screen.heat_map)[1] == "Fewer than two annotators worked on this document."

    alone = tmp_path / "alone.json"
    team_db(alone, bob="alice").close()  # every annotation is alice's
    app = PostilApp(store=open_store(alone), annotator="lead")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("S")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)
        assert app.screen.chart_view.stats is not None  # counted
        assert not app.screen.heat_map.display
        assert not any("Agreement" in strip.text or "κ" in strip.text for strip in app.screen._compositor.render_strips())


async def test_more_annotators_than_an_80_column_matrix_holds_are_listed_pair_by_pair(tmp_path):
    """Eight annotators: the matrix would be wider than the screen (its header wrapped and its
    last columns were cut), so every pair is a line of its own with its κ."""
    db = tmp_path / "team.json"
    store = Store(db)
    text = "Rain fell in Oslo."
    doc = store.open_document(Document(text, "Rain", "test:rain"))
    names = [f"ann{n}" for n in range(1, 9)]
    labels = {name: "GPE" if n % 2 else "LOC" for n, name in enumerate(names)}
    marks = [Annotation.on_text(doc.doc_id, text, ENTITY, labels[name], 13, 17, annotator=name) for name in names]
    store.apply([Change(ANNOTATIONS, mark.id, mark.to_record()) for mark in marks])
    store.close()
    app = PostilApp(store=open_store(db), annotator="lead")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("S")
        await app.workers.wait_for_complete()
        await pilot.pause()
        lines = lines_of(app.screen.heat_map)
    # The same label: κ 1; GPE against LOC: p_o = 4/5, p_e = 16/25, κ = 4/9.
    expected = [[a, "·", b, "██", "1.00" if labels[a] == labels[b] else f"{4 / 9:.2f}"] for a, b in combinations(names, 2)]
    assert [line.split() for line in lines[1:29]] == expected
    assert lines[29].startswith("1 document;")
