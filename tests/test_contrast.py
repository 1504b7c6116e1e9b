"""Every text Postil draws keeps a WCAG contrast of at least 4.5:1 with its background, in every
built-in Textual theme and with every label of every preset scheme: accepted entities (text on
the label colour), suggestions (label-coloured text on the suggestions' ground), the lists' and
the detail pane's label and speaker colours, claims, search hits, the marked entity, the
selection, an open disagreement of curation mode. The contrast maths (tui/model/contrast.py) is checked on its own first."""

from __future__ import annotations

import colorsys

import pytest
from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.app import App
from textual.color import Color as ScreenColor
from textual.constants import DIM_FACTOR
from textual.filter import dim_color
from textual.geometry import Region

from tests.conftest import sample_document, write_article
from tui.app import PostilApp
from tui.formats.readers import read_article
from tui.launch import open_session
from tui.model.contrast import MINIMUM_CONTRAST, contrast_ratio, parse_hex, readable, relative_luminance, to_hex
from tui.model.labels import DEFAULT_SCHEME, PRESETS, Label, Scheme
from tui.widgets import palette

THEMES = sorted(App().available_themes)
BORDERS = ("\u2500", "\u259f")  # box drawing and block elements


def hls(color: str) -> tuple[float, float, float]:
    """``#rrggbb`` as hue, lightness and saturation, each 0 to 1."""
    return colorsys.rgb_to_hls(*(channel / 255 for channel in parse_hex(color)))


def test_luminance_and_ratio_are_the_wcag_ones():
    assert relative_luminance("#000000") == 0 and relative_luminance("#ffffff") == pytest.approx(1)
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#ffffff", "#000000") == pytest.approx(21)
    assert contrast_ratio("#5fafff", "#5fafff") == 1
    # Known values: mid grey #777 on white just misses AA, #767676 just reaches it.
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("color", ["#5fafff", "#ffaf5f", "#87d75f", "#ffff00", "#00ffff", "#ff87af", "#000080", "#333333", "#a8a8a8", "#7f7f7f"])
@pytest.mark.parametrize("ground", ["#ffffff", "#e0e0e0", "#d8d8d8", "#777777", "#262626", "#000000", "#004578", "#fdf6e3"])
def test_readable_keeps_the_hue_and_changes_no_more_than_needed(color, ground):
    made = readable(color, ground)
    assert contrast_ratio(made, ground) >= MINIMUM_CONTRAST
    if contrast_ratio(color, ground) >= MINIMUM_CONTRAST:
        assert made == color
        return
    hue, lightness, saturation = hls(color)
    made_hue, made_lightness, _ = hls(made)
    if saturation > 0.05 and made not in ("#000000", "#ffffff"):
        assert abs(made_hue - hue) < 0.02  # the same hue, lighter or darker
    # The nearest: a colour a step back towards the original does not reach the contrast.
    back = made_lightness + (0.02 if made_lightness < lightness else -0.02)
    if 0 <= back <= 1 and (made_lightness - lightness) * (back - lightness) > 0:
        stepped = to_hex(tuple(round(c * 255) for c in colorsys.hls_to_rgb(hue, back, saturation)))
        assert contrast_ratio(stepped, ground) < MINIMUM_CONTRAST


def test_readable_refuses_what_is_not_a_colour():
    with pytest.raises(ValueError):
        readable("blue", "#ffffff")


def test_the_line_filter_passes_on_what_reads_and_reckons_each_colour_pair_once(monkeypatch):
    """The filter runs on every line drawn. A table's cells differ only by their row and column
    (their styles' meta): one contrast reckoning serves them all, and each cell comes out
    readable with its meta kept (a click still finds its cell); cells that read already are
    passed on as they came, and a border keeps the theme's colour."""
    reckoned: list[tuple[str, str]] = []
    monkeypatch.setattr(palette, "readable", lambda color, ground: reckoned.append((color, ground)) or readable(color, ground))
    line_filter = palette.LegibleText(App())
    grey_on_white = Style(color="#777777", bgcolor="#ffffff")  # 4.48:1, just short
    cells = [Segment(f"cell {row}", grey_on_white + Style.from_meta({"row": row, "column": 0})) for row in range(300)]
    border = Segment("\u2502", grey_on_white)
    drawn = line_filter.apply([*cells, border], ScreenColor.parse("#ffffff"))
    assert len(reckoned) <= 1  # none when an earlier line of the same colours was reckoned
    for cell, shown in zip(cells, drawn):
        assert shown.text == cell.text and shown.style.meta == cell.style.meta
        assert contrast_ratio(shown.style.color.triplet.hex, "#ffffff") >= MINIMUM_CONTRAST
    assert drawn[-1] is border
    reading = [Segment(f"cell {row}", Style(color="#000000", bgcolor="#ffffff") + Style.from_meta({"row": row})) for row in range(300)]
    assert all(shown is cell for shown, cell in zip(line_filter.apply(reading, ScreenColor.parse("#ffffff")), reading))


# A scheme a user might write: dark and pale colours a light or dark theme cannot read as given.
AWKWARD = Scheme(
    name="awkward",
    labels=(
        Label("NAVY", "1", "#000080"), Label("PALE", "2", "#ffffe0"), Label("GREY", "3", "#777777"),
        Label("RED", "4", "#ff0000"), Label("LIME", "5", "#00ff00"),
    ),
    verdicts=PRESETS["ontonotes"].verdicts,
    speaker_labels=frozenset({"NAVY"}),
)
# Every label of the default scheme, of the other presets and of the awkward scheme in one (the
# others' named apart, as presets share names), so that one run of the app draws them all.
EVERY_LABEL = Scheme(
    name="every-label",
    labels=DEFAULT_SCHEME.labels + tuple(
        Label(f"{label.name}-{scheme.name}", "", label.color)
        for scheme in (*PRESETS.values(), AWKWARD)
        if scheme is not DEFAULT_SCHEME
        for label in scheme.labels
    ),
    verdicts=AWKWARD.verdicts,
    speaker_labels=DEFAULT_SCHEME.speaker_labels,
)


def article_with_every_label(scheme: Scheme) -> str:
    """An article with two mentions of one word per label, a quoted claim and a control
    character (shown as a placeholder)."""
    lines = [f"Word{number} was named; later Word{number} was named again." for number, _ in enumerate(scheme.labels)]
    lines.append('"Prices will fall next year," said Word0 on Monday.\x01')
    return "\n\n".join(lines) + "\n"


def failing_segments(widget, where: str) -> list[str]:
    """Each segment ``widget`` draws whose visible text has less than 4.5:1 with its ground."""
    ansi = widget.app.ansi_theme
    failures = []
    for number, strip in enumerate(widget.render_lines(Region(0, 0, *widget.size))):
        for segment in strip:
            text, style, control = segment
            if control or style is None or not text.strip() or style.color is None or style.bgcolor is None:
                continue
            if all(BORDERS[0] <= char <= BORDERS[1] for char in text.strip()):
                continue  # a border's line, not text
            fg, bg = style.color.get_truecolor(ansi).hex, style.bgcolor.get_truecolor(ansi, foreground=False).hex
            if style.dim:  # drawn blended towards the ground, as Textual draws it
                fg = dim_color(Color.parse(bg), Color.parse(fg), DIM_FACTOR).triplet.hex
            ratio = contrast_ratio(fg, bg)
            if ratio < MINIMUM_CONTRAST:
                failures.append(f"{where} row {number} {text.strip()[:20]!r}: {fg} on {bg} = {ratio:.2f}")
    return failures


async def test_every_label_and_mark_reads_in_every_theme(tmp_path):
    scheme = EVERY_LABEL
    document = read_article(write_article(tmp_path, article_with_every_label(scheme)))
    session = open_session(tmp_path / "annotations.json", document, annotator="tester")
    session.scheme = scheme  # a database with this scheme
    text = session.text
    for number, label in enumerate(scheme.labels):
        start = text.index(f"Word{number}")
        session.label_span(start, start + len(f"Word{number}"), label.name)  # accepted; the second mention suggested
    quote_start = text.index('"Prices')
    speaker = next(entity for entity in session.entities.values() if entity.name == "Word0")
    session.mark_claim(quote_start, text.index(" said"), "quote", speaker=speaker.entity_id)
    claim = session.claims()[0]
    session.review_claim(claim.id, "false")
    app = PostilApp(session)
    failures: list[str] = []
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.pause()
        article, panel = app.query_one("#article"), app.query_one("#side-panel")
        entities, claims, details = app.query_one("#entity-list"), app.query_one("#claim-list"), app.query_one("#detail-pane")
        article.show_search_hits(((text.index("later"), text.index("later") + 5),))
        article.show_conflicts(((text.index("was named"), text.index("was named") + 9),))  # an open disagreement (curation mode)
        article.marked_entity = speaker.entity_id
        article.move_to(quote_start + 1)  # the detail pane describes the claim: its type and speaker
        await pilot.press("v", "right", "right")  # a selection over the claim's first words
        panel.show_tab("claims")
        for theme in THEMES:
            app.theme = theme
            await pilot.pause()
            # The article (every mark), the detail pane, and the claims list with its highlight blurred.
            failures += failing_segments(article, f"{theme} article")
            failures += failing_segments(details, f"{theme} detail pane")
            failures += failing_segments(claims, f"{theme} claim list")
            claims.focus()  # its highlight, focused
            await pilot.pause()
            failures += failing_segments(claims, f"{theme} claim list, focused")
            panel.action_switch_tab(-1)  # the entities, focused
            await pilot.pause()
            failures += failing_segments(entities, f"{theme} entity list, focused")
            article.focus()
            await pilot.pause()
            failures += failing_segments(entities, f"{theme} entity list")
            panel.show_tab("claims")
        await pilot.press("q")
    assert not failures, "\n".join(failures[:40]) + f"\n({len(failures)} in all)"


# The dialogs are checked in the default light theme and in the one whose own foreground misses
# 4.5:1 on its ground (the line filter that mends them is the same in every theme).
DIALOG_THEMES = ("textual-light", "solarized-light")


async def test_the_dialogs_and_the_document_list_read_in_the_themes(tmp_path):
    session = open_session(tmp_path / "annotations.json", sample_document(), annotator="tester")
    amazon = session.mentions_of(session.find_entity("Amazon").entity_id)[0]
    quote = next(claim for claim in session.claims() if session.speaker_name(claim))
    in_quote = next(at for at in range(quote.start, quote.end) if session.text[at].isalpha() and all(annotation.is_claim for annotation in session.at(at)))
    app = PostilApp(session)
    failures: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        article = app.query_one("#article")
        dialogs = [("question_mark", amazon.start, "HelpScreen"), ("slash", amazon.start, "SearchScreen"), ("e", amazon.start, "EntityEditor"),
                   ("L", amazon.start, "LabelPicker"), ("e", in_quote, "ClaimEditor"), ("V", in_quote, "VerdictPicker"), ("o", amazon.start, "DocumentsScreen")]
        for theme in DIALOG_THEMES:
            app.theme = theme
            for key, at, screen in dialogs:
                article.move_to(at)
                await pilot.press(key)
                await pilot.pause()
                assert type(app.screen).__name__ == screen
                for widget in app.screen.query("*"):
                    if widget.display and widget.size.area:
                        failures += failing_segments(widget, f"{theme} {screen} {type(widget).__name__}")
                await pilot.press("escape")
                await pilot.pause()
        await pilot.press("q")
    assert not failures, "\n".join(failures[:40]) + f"\n({len(failures)} in all)"
