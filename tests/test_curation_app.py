"""Curation mode in the real app (Pilot) on a real TinyDB team database: a document of alice's
and bob's work opens as its curation layer with the disagreements marked and listed with who
said what; ``t`` and a letter decides each one, the cursor goes on to the next open one, the
status line counts them; ``u`` undoes a decision; one person's database has no curation mode."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from tests.conftest import occurrence, saved_annotations
from tui.app import PostilApp
from tui.launch import open_session
from tui.model.annotation import ACCEPTED, CLAIM, CURATION, ENTITY, REJECTED, Annotation, Entity
from tui.model.claims import claim_attrs
from tui.model.document import Document
from tui.screens.annotate import AnnotateScreen
from tui.screens.take_picker import TakePicker
from tui.store.migrations import META
from tui.store.records import ANNOTATIONS, ENTITIES, TEAM_KEY, Change
from tui.store.repository import Store

SIZE = (140, 40)
TEXT = (
    "Jane Doe met Acme Corp in Paris on Monday.\n\n"
    "“Prices will fall next year,” said Jane Doe.\n\n"
    "Nobody else spoke."
)
QUOTE = "“Prices will fall next year,”"


def span(phrase: str, nth: int = 0) -> tuple[int, int]:
    """Where the ``nth`` occurrence of ``phrase`` is in TEXT."""
    return occurrence(TEXT, phrase, nth)


class Work:
    """One annotator's accepted annotations and entities, as store changes."""

    def __init__(self, doc_id: str, owner: str) -> None:
        self.doc_id, self.owner, self.changes = doc_id, owner, []
        self.entities: dict[tuple[str, str], str] = {}

    def entity(self, name: str, label: str) -> str:
        if (name, label) not in self.entities:
            entity = Entity(self.doc_id, name, label, entity_id=f"e-{self.owner}-{label}-{name.replace(' ', '-')}", annotator=self.owner)
            self.changes.append(Change(ENTITIES, entity.entity_id, entity.to_record()))
            self.entities[(name, label)] = entity.entity_id
        return self.entities[(name, label)]

    def mention(self, where: tuple[int, int], label: str) -> None:
        entity_id = self.entity(TEXT[where[0] : where[1]], label)
        mention = Annotation.on_text(self.doc_id, TEXT, ENTITY, label, *where, annotator=self.owner, status=ACCEPTED,
                                     id=f"a-{self.owner}-{label}-{where[0]}", attrs={"entity_id": entity_id})
        self.changes.append(Change(ANNOTATIONS, mention.id, mention.to_record()))

    def quote(self, where: tuple[int, int], speaker: str, verdict: str) -> None:
        attrs = claim_attrs(*where, "quote", speaker=self.entity(speaker, "PERSON"), verdict=verdict)
        claim = Annotation.on_text(self.doc_id, TEXT, CLAIM, "quote", *where, annotator=self.owner, status=ACCEPTED,
                                   id=f"a-{self.owner}-claim-{where[0]}", attrs=attrs)
        self.changes.append(Change(ANNOTATIONS, claim.id, claim.to_record()))


def team_database(db: Path, team: bool = True) -> Document:
    """alice and bob on one document. They agree on both "Jane Doe"s (PERSON); they disagree
    on "Acme Corp" (alice ORG, bob nothing), "Paris" (GPE / LOC), "Monday" (alice "Monday",
    bob "on Monday", both DATE) and the quote's verdict (alice false, bob unverified)."""
    store = Store(db)
    document = store.open_document(Document(TEXT, "Team", "test:team"))
    alice, bob = Work(document.doc_id, "alice"), Work(document.doc_id, "bob")
    for work in (alice, bob):
        work.mention(span("Jane Doe"), "PERSON")
        work.mention(span("Jane Doe", 1), "PERSON")
    alice.mention(span("Acme Corp"), "ORG")
    alice.mention(span("Paris"), "GPE")
    bob.mention(span("Paris"), "LOC")
    alice.mention(span("Monday"), "DATE")
    bob.mention(span("on Monday"), "DATE")
    alice.quote(span(QUOTE), "Jane Doe", "false")
    bob.quote(span(QUOTE), "Jane Doe", "unverified")
    changes = alice.changes + bob.changes
    if team:
        changes.append(Change(META, TEAM_KEY, {"key": TEAM_KEY, "annotators": {"alice": {}, "bob": {}}}))
    store.apply(changes)
    store.close()
    return document


def open_team_app(tmp_path, team: bool = True) -> tuple[PostilApp, Path]:
    """The app on the team document, opened as `postil --db TEAM.json` opens it."""
    db = tmp_path / "team.json"
    document = team_database(db, team)
    return PostilApp(open_session(db, document, annotator="lead")), db


def screen(app) -> AnnotateScreen:
    return next(s for s in app.screen_stack if isinstance(s, AnnotateScreen))


def status_line(app) -> str:
    return str(screen(app).query_one("#status").render())


def curation_records(db: Path) -> set[tuple]:
    """The curation layer in the TinyDB file: (status, kind, label, text, verdict of a claim)."""
    return {
        (r["status"], r["kind"], r["label"], r["quote"]["exact"], (r.get("attrs") or {}).get("verdict") if r["kind"] == CLAIM else None)
        for r in saved_annotations(db) if r["annotator"] == CURATION
    }


AGREED = {(ACCEPTED, ENTITY, "PERSON", "Jane Doe", None)}
# Every disagreement decided: Acme Corp alice's (a), Paris both (+), Monday neither (x), the quote bob's (b).
DECIDED = AGREED | {
    (ACCEPTED, ENTITY, "ORG", "Acme Corp", None),
    (ACCEPTED, ENTITY, "GPE", "Paris", None), (ACCEPTED, ENTITY, "LOC", "Paris", None),
    (REJECTED, ENTITY, "DATE", "Monday", None), (REJECTED, ENTITY, "DATE", "on Monday", None),
    (ACCEPTED, CLAIM, "quote", QUOTE, "unverified"), (REJECTED, CLAIM, "quote", QUOTE, "false"),
}


async def test_a_lead_resolves_every_disagreement_with_the_keys_and_the_file_holds_the_decisions(tmp_path):
    app, db = open_team_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        annotate = screen(app)
        assert "Curation · 0 of 4 disagreements resolved · alice, bob" in status_line(app)
        assert "t Take" in str(annotate.key_hints.render())
        assert curation_records(db) == AGREED  # the agreed spans are accepted at once
        # The list says who said what; the open ones are marked in the article.
        disagreements = app.query_one("#disagreement-list")
        assert annotate.side_panel.active_tab == "disagreements"
        listed = "\n".join(disagreements.item_text(n) for n in range(disagreements.item_count))
        for said in ("alice: ORG “Acme Corp”", "bob: nothing", "alice: GPE “Paris”", "bob: LOC “Paris”",
                     "bob: DATE “on Monday”", "alice: quote by Jane Doe · false", "bob: quote by Jane Doe"):
            assert said in listed, said
        assert annotate.article.highlights["conflict"].ranges == (span("Acme Corp"), span("Paris"), span("on Monday"), span(QUOTE))
        await pilot.press("t")  # the first open one after the cursor (at the text's start)
        assert isinstance(app.screen, TakePicker)
        assert annotate.article.cursor == span("Acme Corp")[0]
        await pilot.press("a")  # alice's
        await pilot.pause()
        assert not isinstance(app.screen, TakePicker)
        assert annotate.article.cursor == span("Paris")[0]  # on to the next open one
        assert "took alice's version · next: entity “Paris”" in status_line(app)
        assert "Curation · 1 of 4 disagreements resolved" in status_line(app)  # the notice leaves room for the whole account
        for key in ("t", "plus", "t", "x"):  # Paris: both; Monday: neither
            await pilot.press(key)
            await pilot.pause()
        assert annotate.article.cursor == span(QUOTE)[0]
        await pilot.press("t", "b")  # the quote: bob's
        await pilot.pause()
        assert "took bob's version · every disagreement is resolved (4)" in status_line(app)
        assert annotate.article.highlights["conflict"].ranges == ()
        listed = "\n".join(disagreements.item_text(n) for n in range(disagreements.item_count))
        assert all(resolution in listed for resolution in ("✓ alice", "✓ both", "✓ neither", "✓ bob"))
        await pilot.press("q")
    assert curation_records(db) == DECIDED
    assert {r["annotator"] for r in saved_annotations(db)} == {"alice", "bob", CURATION}


async def test_u_undoes_a_decision_and_the_disagreement_is_open_again(tmp_path):
    app, db = open_team_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        annotate = screen(app)
        await pilot.press("t", "a")
        await pilot.pause()
        assert (ACCEPTED, ENTITY, "ORG", "Acme Corp", None) in curation_records(db)
        await pilot.press("u")
        await pilot.pause()
        assert curation_records(db) == AGREED
        assert "Curation · 0 of 4 disagreements resolved" in status_line(app)
        assert span("Acme Corp") in annotate.article.highlights["conflict"].ranges
        await pilot.press("q")


async def test_full_stop_and_comma_go_to_the_open_disagreements_and_the_detail_pane_says_who_said_what(tmp_path):
    app, _ = open_team_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        annotate = screen(app)
        await pilot.press("full_stop")
        assert annotate.article.cursor == span("Acme Corp")[0]
        await pilot.press("full_stop")
        assert annotate.article.cursor == span("Paris")[0]
        detail = annotate.side_panel.detail.render().plain
        assert "alice: GPE “Paris”" in detail and "bob: LOC “Paris”" in detail
        await pilot.resize_terminal(80, 24)  # narrow and wide again: the pane is styled anew and keeps it
        await pilot.pause()
        await pilot.resize_terminal(*SIZE)
        await pilot.pause()
        assert annotate.side_panel.detail.render().plain == detail
        await pilot.press("comma")
        assert annotate.article.cursor == span("Acme Corp")[0]
        await pilot.press("t", "escape")  # Esc leaves it open
        await pilot.pause()
        assert "left open" in status_line(app) and "0 of 4" in status_line(app)
        await pilot.press("q")


async def test_one_persons_database_has_no_curation_mode(tmp_path):
    app, db = open_team_app(tmp_path, team=False)
    before = saved_annotations(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        annotate = screen(app)
        assert annotate.curation is None and annotate.side_panel.active_tab == "entities"
        assert "Curation" not in status_line(app)
        shown = status_line(app)
        assert "t Take" not in str(annotate.key_hints.render())
        await pilot.press("t")  # not a key here
        assert not isinstance(app.screen, TakePicker) and status_line(app) == shown
        await pilot.press("q")
    assert saved_annotations(db) == before  # nothing seeded, nothing decided


async def test_the_take_picker_fits_80_by_24_and_reads_in_the_light_themes(tmp_path):
    from tests.test_contrast import DIALOG_THEMES, failing_segments

    app, _ = open_team_app(tmp_path)
    failures: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        box = app.screen.query_one("Vertical").region
        assert box.right <= 80 and box.bottom <= 24
        rows = [app.screen.query_one("#take-picker-options").get_option_at_index(n).prompt.plain for n in range(4)]
        assert rows == ["a alice: ORG “Acme Corp”", "b bob: nothing", "+ both (every version)", "x neither"]
        for theme in DIALOG_THEMES:
            app.theme = theme
            await pilot.pause()
            for widget in app.screen.query("*"):
                if widget.display and widget.size.area:
                    failures += failing_segments(widget, f"{theme} {type(widget).__name__}")
        await pilot.press("escape", "q")
    assert not failures, "\n".join(failures[:20])


async def test_a_quote_in_dispute_is_named_in_one_pair_of_quotation_marks(tmp_path):
    app, _ = open_team_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        annotate = screen(app)
        await pilot.press(*["full_stop"] * 4)  # Acme Corp, Paris, on Monday, the quote
        assert annotate.article.cursor == span(QUOTE)[0]
        assert "claim “Prices will fall next year,” · t take" in status_line(app)
        assert "\n“Prices will fall next year,”\n" in annotate.side_panel.detail.render().plain
        await pilot.press("t")
        await pilot.pause()
        assert str(app.screen.query_one("#take-picker-title").render()) == "Take — “Prices will fall next year,”:"
        await pilot.press("escape", "q")


async def test_after_a_decision_the_status_line_names_the_next_disagreement_in_full_at_120_columns(tmp_path):
    app, _ = open_team_app(tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await pilot.press("t", "a")
        await pilot.pause()
        status = screen(app).query_one("#status")
        line = str(status.render())
        assert line.endswith("curation: 1/4 resolved  ·  saved  ·  took alice's version · next: entity “Paris”")
        assert len(line) <= status.size.width - 2  # nothing cut off at the end
        await pilot.press("q")


async def test_with_three_annotators_the_picker_offers_each_and_all_of_them(tmp_path):
    db = tmp_path / "team.json"
    document = team_database(db)
    store = Store(db)
    carol = Work(document.doc_id, "carol")  # she agrees on both "Jane Doe"s, says "Acme Corp" is a PERSON and "Paris" a LOC
    for where in (span("Jane Doe"), span("Jane Doe", 1)):
        carol.mention(where, "PERSON")
    carol.mention(span("Acme Corp"), "PERSON")
    carol.mention(span("Paris"), "LOC")
    store.apply([*carol.changes, Change(META, TEAM_KEY, {"key": TEAM_KEY, "annotators": {"alice": {}, "bob": {}, "carol": {}}})])
    store.close()
    app = PostilApp(open_session(db, document, annotator="lead"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "curation: 0/4 resolved" in status_line(app)
        await pilot.press("t")
        await pilot.pause()
        options = app.screen.query_one("#take-picker-options")
        rows = [options.get_option_at_index(n).prompt.plain for n in range(options.option_count)]
        assert rows == ["a alice: ORG “Acme Corp”", "b bob: nothing", "c carol: PERSON “Acme Corp”", "+ all (every version)", "x neither"]
        await pilot.press("c")
        await pilot.pause()
        assert "took carol's version · next: entity “Paris”" in status_line(app)
        await pilot.press("t", "plus")  # Paris: every version
        await pilot.pause()
        disagreements = app.query_one("#disagreement-list")
        listed = [disagreements.item_text(n) for n in range(disagreements.item_count)]
        assert any(entry.startswith("✓ all  entity  “Paris”") for entry in listed), listed
        await pilot.press("q")


async def test_an_open_disagreement_is_not_drawn_like_an_entity_in_any_theme(tmp_path):
    from tests.test_contrast import THEMES
    from tui.model.contrast import contrast_ratio

    app, _ = open_team_app(tmp_path)
    alike: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        article, scheme = screen(app).article, screen(app).session.scheme
        for theme in (name for name in THEMES if not name.startswith("ansi")):  # ANSI themes name no colours to compare
            app.theme = theme
            await pilot.pause()
            conflict = article.marks.conflict.bgcolor.triplet.hex
            for label in scheme.labels:
                accepted = Annotation(doc_id="", kind=ENTITY, label=label.name, start=0, end=1, quote=None, status=ACCEPTED)
                ground = article.marks.span_style(accepted, scheme).bgcolor.triplet.hex
                if contrast_ratio(conflict, ground) < 1.5:  # about the same lightness: told apart by hue alone, if at all
                    alike.append(f"{theme}: an open disagreement ({conflict}) looks like an accepted {label.name} ({ground})")
        await pilot.press("q")
    assert not alike, "\n".join(alike)


async def test_the_help_says_what_the_mark_of_an_open_disagreement_means_in_curation_mode(tmp_path):
    legends = {}
    for team in (True, False):
        (tmp_path / str(team)).mkdir()
        app, _ = open_team_app(tmp_path / str(team), team)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("question_mark")
            await pilot.pause()
            console = Console(width=100, file=io.StringIO(), record=True)
            console.print(app.screen.query_one("#help-legend").render())
            legends[team] = console.export_text()
            await pilot.press("escape", "q")
    assert " word          disagreement still open (t takes a version)" in legends[True]
    assert "disagreement" not in legends[False]  # one person's database has none


async def test_the_disagreements_tab_counts_a_decision_made_while_another_tab_is_shown(tmp_path):
    app, _ = open_team_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        panel = screen(app).side_panel
        panel.show_tab("entities")
        await pilot.press("t", "a")
        await pilot.pause()
        assert str(panel.tabs.render()).startswith("Disagreements 3/4  Entities")
        await pilot.press("q")


async def test_taking_the_version_of_an_annotator_whose_name_holds_a_control_character(tmp_path):
    db = tmp_path / "team.json"
    document = team_database(db)
    store = Store(db)
    name = "carol\x1b[31m"  # a name from an import file: shown safely, stored as it is
    carol = Work(document.doc_id, name)
    for where in (span("Jane Doe"), span("Jane Doe", 1)):
        carol.mention(where, "PERSON")
    carol.mention(span("Acme Corp"), "PERSON")
    store.apply([*carol.changes, Change(META, TEAM_KEY, {"key": TEAM_KEY, "annotators": {"alice": {}, "bob": {}, name: {}}})])
    store.close()
    app = PostilApp(open_session(db, document, annotator="lead"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        assert app.screen.query_one("#take-picker-options").get_option_at_index(2).prompt.plain == "c carol␛[31m: PERSON “Acme Corp”"
        await pilot.press("c")
        await pilot.pause()
        assert "took carol␛[31m's version · next: entity “Paris”" in status_line(app)
        await pilot.press("q")
    assert (ACCEPTED, ENTITY, "PERSON", "Acme Corp", None) in curation_records(db)
