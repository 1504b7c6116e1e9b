"""The theme colours the whole screen: switched to a light theme, the article and the lists are
drawn on a light ground, with their marks in colours made for it; the label colours stay."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from textual.color import Color
from textual.geometry import Region

from tests.conftest import sample_document, write_article
from tui.app import PostilApp
from tui.formats.readers import read_article
from tui.launch import open_session
from tui.model.annotation import SUGGESTED
from tui.model.contrast import contrast_ratio, relative_luminance
from tui.model.labels import DEFAULT_SCHEME

SIZE = (120, 36)


def ground(widget) -> Color:
    """The background most of ``widget``'s drawn cells have (as drawn for the screen now)."""
    cells: Counter[str] = Counter()
    for strip in widget.render_lines(Region(0, 0, *widget.size)):
        for segment in strip:
            if segment.style is not None and segment.style.bgcolor is not None:
                cells[segment.style.bgcolor.triplet.hex] += len(segment.text)
    return Color.parse(cells.most_common(1)[0][0])


def cell_styles(widget) -> list:
    """Every drawn segment's style."""
    return [segment.style for strip in widget.render_lines(Region(0, 0, *widget.size)) for segment in strip if segment.style]


async def test_switching_to_the_light_theme_makes_the_article_and_the_lists_light(tmp_path):
    session = open_session(tmp_path / "annotations.json", sample_document(), annotator="tester")
    app = PostilApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        article, entities = app.query_one("#article"), app.query_one("#entity-list")
        assert ground(article).brightness < 0.3 and ground(entities).brightness < 0.3  # drawn dark first
        dark_claim = article.marks.claim.bgcolor
        app.theme = "textual-light"
        await pilot.pause()
        assert ground(article).brightness > 0.7
        assert ground(entities).brightness > 0.7
        await pilot.press("tab")  # the lists drawn with the highlight, in the light theme too
        await pilot.pause()
        assert ground(entities).brightness > 0.7
        # The marks follow the theme: an accepted claim's tint is light now, not the dark one.
        claim_grounds = {style.bgcolor for style in cell_styles(article) if style.underline and not style.italic}
        assert claim_grounds and dark_claim not in claim_grounds
        assert all(Color.from_rich_color(bg).brightness > 0.5 for bg in claim_grounds if bg is not None)
        # The legend shows a claim as the article now draws one.
        assert article.marks.claim.bgcolor in {style.bgcolor for style in cell_styles(app.query_one("#legend"))}
        # The detail pane names a claim's speaker in the theme's colour too.
        quote = next(claim for claim in session.claims() if session.speaker_name(claim))
        tokens = [article.text_index.token_at(at) for at in range(quote.start, quote.end)]
        article.move_to(next(token.start for token in tokens if token and session.at(token.start)[0].id == quote.id))
        await pilot.pause()
        detail = app.query_one("#detail-pane")
        speaker = next(segment.style.color for strip in detail.render_lines(Region(0, 0, *detail.size))
                       for segment in strip if "(entity)" in segment.text or "(as typed)" in segment.text)
        assert speaker.triplet.hex == app.theme_variables["list-speaker"].lower() != "#5fafff"
        # The label colours are the label scheme's in any theme.
        organisation = session.find_entity("Amazon")
        assert any(style.bgcolor is not None and style.bgcolor.triplet.hex == DEFAULT_SCHEME.color_for(organisation.label).lower() for style in cell_styles(article))
        await pilot.press("q")


async def test_moving_focus_to_a_list_and_back_redraws_its_highlight_without_making_its_entries_again(tmp_path, monkeypatch):
    from tui.widgets.entity_list import EntityList

    made: list[str] = []
    entry_lines = EntityList.entry_lines
    monkeypatch.setattr(EntityList, "entry_lines", lambda self, key: made.append(key) or entry_lines(self, key))
    session = open_session(tmp_path / "annotations.json", sample_document(), annotator="tester")
    app = PostilApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        entities = app.query_one("#entity-list")
        shown = len(made)
        assert shown > 0
        await pilot.press("tab")  # to the list: its highlight takes the focused colours
        await pilot.pause()
        focused = entities.get_component_rich_style("item-list--highlighted")
        assert any(style.bgcolor == focused.bgcolor for style in cell_styles(entities))
        await pilot.press("tab")  # back to the article
        await pilot.pause()
        assert len(made) == shown  # the entries' rows do not depend on focus
        app.theme = "textual-light"
        await pilot.pause()
        entities.render_lines(Region(0, 0, *entities.size))
        assert len(made) > shown  # they do depend on the theme's colours
        await pilot.press("q")


def article_cells(article) -> list[tuple[str, object]]:
    """Each drawn segment of the article with visible text: (text, style)."""
    return [(segment.text, segment.style) for strip in article.render_lines(Region(0, 0, *article.size)) for segment in strip if segment.style and segment.text.strip()]


async def test_a_light_theme_draws_the_suggestions_label_colours_darker_and_readable(tmp_path):
    document = read_article(write_article(tmp_path, "Acme opened a shop.\n\nLater Acme closed it.\n"))
    session = open_session(tmp_path / "annotations.json", document, annotator="tester")
    session.label_span(0, 4, "ORG")  # the other "Acme" becomes a suggestion
    suggestion = next(annotation for annotation in session.spans.overlapping(0, len(document.text)) if annotation.status == SUGGESTED)
    scheme_color = session.scheme.color_for(suggestion.label)
    app = PostilApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        article = app.query_one("#article")
        article.move_to(suggestion.end)  # on screen, the cursor next to it
        await pilot.pause()
        shown = suggestion.quote.exact.split()[0]

        def suggestion_colors() -> set[str]:
            return {style.color.triplet.hex for text, style in article_cells(article) if shown in text and style.italic and style.color}

        assert scheme_color.lower() in suggestion_colors()  # on the dark ground, the scheme's own colour
        app.theme = "textual-light"
        await pilot.pause()
        light = suggestion_colors()
        assert light and scheme_color.lower() not in light
        # The article paints the scheme's colour; the line filter alone makes it readable.
        assert article.marks.span_style(suggestion, session.scheme).color.triplet.hex == scheme_color.lower()
        ground = app.theme_variables["mark-suggested-background"]
        for color in light:
            assert contrast_ratio(color, ground) >= 4.5
            assert relative_luminance(color) < relative_luminance(scheme_color)  # the same colour, darker
        app.theme = "textual-dark"  # and back: the scheme's colour again, without reopening anything
        await pilot.pause()
        assert scheme_color.lower() in suggestion_colors()
        await pilot.press("q")


async def test_the_article_and_the_entity_list_draw_the_databases_scheme_colours(tmp_path):
    session = open_session(tmp_path / "annotations.json", sample_document(), annotator="tester")
    magenta = "#d75fd7"
    session.scheme = replace(session.scheme, labels=tuple(replace(label, color=magenta) if label.name == "ORG" else label for label in session.scheme.labels))
    app = PostilApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        amazon = session.find_entity("Amazon")
        assert amazon.label == "ORG" and DEFAULT_SCHEME.color_for("ORG") != magenta
        article = app.query_one("#article")
        article.move_to(session.mentions_of(amazon.entity_id)[0].start)
        await pilot.pause()
        assert any("Amazon" in text and style.bgcolor and style.bgcolor.triplet.hex == magenta for text, style in article_cells(article))
        entities = app.query_one("#entity-list")
        assert any(segment.text == "ORG" and segment.style.color.triplet.hex == magenta for strip in entities.render_lines(Region(0, 0, *entities.size)) for segment in strip)
        await pilot.press("q")
