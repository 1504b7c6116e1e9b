"""The side panel's lists (Pilot): 100,000 entries to move through, lists refilled when shown,
tab titles that follow the counts, and titles that switch tabs when clicked."""

from __future__ import annotations

from textual.geometry import Region

from tests.conftest import write_article
from tui.app import PostilApp
from tui.formats.readers import read_article
from tui.launch import open_session
from tui.model.annotation import CLAIM, Annotation
from tui.store.records import ANNOTATIONS, Change
from tui.widgets.claim_list import ClaimList
from tui.widgets.detail_pane import DetailPane
from tui.widgets.entity_list import EntityList
from tui.widgets.panel_tabs import PanelTabs

SIZE = (120, 40)
CLAIMS = 100_000


def screen_rows(widget) -> list[str]:
    """The text of each row the widget gives the screen now (through Textual's line cache, as
    the screen gets it: a row the widget failed to repaint shows its old text here)."""
    return [strip.text for strip in widget.render_lines(Region(0, 0, *widget.outer_size))]


async def test_a_claims_list_of_100000_entries_moves_to_either_end_and_shows_them(tmp_path):
    sentences = [f"Claim number {n} was made." for n in range(CLAIMS)]
    article = read_article(write_article(tmp_path, "\n\n".join(sentences)))
    session = open_session(tmp_path / "annotations.json", article, annotator="tester")
    changes, start = [], 0
    for n, sentence in enumerate(sentences):
        claim = Annotation.on_text(article.doc_id, article.text, CLAIM, "assertion", start, start + len(sentence), id=f"c-{n}", attrs={"claim_type": "assertion", "verdict": "unverified"})
        changes.append(Change(ANNOTATIONS, claim.id, claim.to_record()))
        start += len(sentence) + 2
    session.store.apply(changes)
    session.store.close()
    app = PostilApp(open_session(tmp_path / "annotations.json", article, annotator="tester"))
    async with app.run_test(size=SIZE) as pilot:
        assert f"Claims {CLAIMS}" in app.query_one(PanelTabs).titles["claims"]
        await pilot.press("tab", "right")  # the Claims tab, its list focused
        claims = app.query_one(ClaimList)
        assert claims.has_focus and claims.item_count == CLAIMS
        await pilot.press("end")
        await pilot.pause()
        last = f"Claim number {CLAIMS - 1} was made."
        assert claims.highlighted_key == f"c-{CLAIMS - 1}"
        assert any(row.strip() == last for row in screen_rows(claims))
        assert last in "".join(screen_rows(app.query_one(DetailPane)))
        await pilot.press("up", "enter")  # to the claim before it, and to its place in the text
        start = article.text.index(f"Claim number {CLAIMS - 2} ")
        assert app.annotate.article.cursor == start and app.annotate.article.has_focus
        await pilot.press("tab", "home")
        await pilot.pause()
        assert claims.highlighted_key == "c-0"
        assert screen_rows(claims)[0].strip() == "Claim number 0 was made."
        await pilot.press("q")


async def test_lists_titles_and_details_follow_changes_and_a_hidden_list_is_refilled_when_shown(tmp_path):
    text = "Acme Corp said profits rose. Jane Doe said they fell."
    session = open_session(tmp_path / "annotations.json", read_article(write_article(tmp_path, text)), annotator="tester")
    app = PostilApp(session)
    async with app.run_test(size=SIZE) as pilot:
        tabs = app.query_one(PanelTabs)
        assert (tabs.titles["entities"], tabs.titles["claims"]) == ("Entities 0", "Claims 0")
        await pilot.press("2")  # "Acme" labelled ORG on the Entities tab
        assert tabs.titles["entities"] == "Entities 1"
        assert any("Acme ×1" in row for row in screen_rows(app.query_one(EntityList)))
        assert "Acme  ORG" in screen_rows(app.query_one(DetailPane))[1]  # under the pane's top border
        await pilot.press("3")  # relabelled GPE: the same annotation, described again
        details = "\n".join(screen_rows(app.query_one(DetailPane)))
        assert "Acme  GPE" in details and "ORG" not in details
        assert [row.strip() for row in screen_rows(app.query_one(EntityList))[:2]] == ["GPE", "Acme ×1"]
        await pilot.press("c", "escape")  # a claim on the first sentence, its editor closed
        assert tabs.titles["claims"] == "Claims 1"
        claims = app.query_one(ClaimList)
        await pilot.click(PanelTabs, offset=(len("Entities 1") + 4, 0))  # the Claims title
        await pilot.pause()
        assert claims.has_focus
        assert claims.item_count == 1 and "Acme Corp said profits rose." in claims.item_text(0)
        await pilot.press("q")


async def test_the_detail_pane_describes_what_is_under_the_cursor_where_it_moved_not_where_it_was(tmp_path):
    text = "Acme Corp hired Jane Doe in Paris."
    session = open_session(tmp_path / "annotations.json", read_article(write_article(tmp_path, text)), annotator="tester")
    session.label_span(0, 9, "ORG")
    session.label_span(16, 24, "PERSON")
    app = PostilApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Acme Corp  ORG" in "\n".join(screen_rows(app.query_one(DetailPane)))
        await pilot.press("l", "l", "l")  # from "Acme" over "Corp" and "hired" to "Jane"
        await pilot.pause()
        assert "Jane Doe  PERSON" in "\n".join(screen_rows(app.query_one(DetailPane)))
        await pilot.press("l", "l", "l")  # over "Doe" and "in" to "Paris": nothing there
        await pilot.pause()
        assert "Nothing under the cursor" in "\n".join(screen_rows(app.query_one(DetailPane)))
        await pilot.press("q")
