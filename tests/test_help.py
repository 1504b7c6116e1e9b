"""The help screen as a user reads it (Pilot, a real TinyDB file): keys named as typed, grouped
by task in a fixed order, a legend drawn in the article's own styles, the binding-id column
that `i` shows and hides, the user's keymap followed, and every binding of the app in a known
group. The help is read by scrolling it through an 80x24 terminal, as a user would."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from dataclasses import replace

from rich.style import Style
from textual.binding import Binding
from textual.dom import DOMNode

import tui
from tests.test_app_corpus import corpus_db
from tests.test_review_keys import open_app
from tests.test_scheme_ui import open_app as open_app_with_scheme
from tui.app import PostilApp
from tui.model.labels import CONLL2003, FACTCHECK_VERDICTS
from tui.screens.help import GROUPS, OTHER, HelpScreen, group_of
from tui.store.repository import open_store

SMALL = (80, 24)
WIDE = (120, 40)
TALL = (120, 240)  # the whole help on one page
BORDER = "█▀▄▌▐▁▂▃▄▅▆▇▔"  # the help's frame and its scrollbar


def screen_rows(app) -> list[list[tuple[str, Style]]]:
    """Each row of the terminal as Textual draws it now: its runs of text with their styles."""
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    return [[(segment.text, segment.style) for strip in line for segment in strip if not segment.control] for line in update.strips]


def row_texts(app) -> list[str]:
    """The rows as plain text, without the help's frame."""
    return ["".join(text for text, _ in row).strip(" " + BORDER) for row in screen_rows(app)]


async def read_help(app, pilot) -> list[str]:
    """Every row of the help, read in the terminal from its top to its end page by page."""
    scroll = app.screen.query_one("#help-scroll")
    area = scroll.scrollable_content_region
    await pilot.press("home")
    await pilot.pause()
    rows: dict[int, str] = {}
    while True:
        top = round(scroll.scroll_y)
        for n, row in enumerate(screen_rows(app)[area.y : area.bottom]):
            line = "".join(text for text, _ in row)
            rows[top + n] = line[area.x : area.right].strip()
        if top >= scroll.max_scroll_y:
            lines = [rows[n] for n in sorted(rows)]
            while lines and not lines[-1]:  # the box's room below the last row
                lines.pop()
            return lines
        await pilot.press("pagedown")
        await pilot.pause()


def row_of(rows: list[str], *words: str) -> str:
    """The one row holding all of ``words`` (a binding id, with a dot, as the row's last cell)."""
    found = [row for row in rows if all(word in row if "." not in word else row.endswith(f" {word}") for word in words)]
    assert len(found) == 1, (words, found)
    return found[0]


def keys_of(row: str) -> str:
    """The keys column of a help row."""
    return row.split("  ")[0].strip()


async def test_the_help_names_keys_as_users_type_them_and_scrolls_at_80_by_24(tmp_path):
    app, _ = open_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        box = app.screen.query_one("#help-scroll").region
        assert box.right <= SMALL[0] and box.bottom <= SMALL[1]
        rows = await read_help(app, pilot)
        text = "\n".join(rows)
        for textual_name in ("question_mark", "slash", "right_parenthesis", "full_stop", "less_than_sign", "escape", "pageup", "ctrl+pageup"):
            assert textual_name not in text, textual_name
        assert len(rows) > 3 * SMALL[1] and any(row.startswith("ctrl+p") for row in rows[-3:])  # read to its end (the palette's key) by scrolling
        await pilot.resize_terminal(*TALL)  # room for each description on one row
        rows = await read_help(app, pilot)
        assert keys_of(row_of(rows, "Search", "search.open")) == "/"
        assert keys_of(row_of(rows, "Help", "app.help")) == "?"
        assert keys_of(row_of(rows, "Next sentence")) == ")"
        assert keys_of(row_of(rows, "Review", "review.next")) == "."
        assert keys_of(row_of(rows, "Selection end one character left")) == "<"
        assert keys_of(row_of(rows, "Line down")) == "↓ / j"
        assert keys_of(row_of(rows, "Grow selection up")) == "shift+↑"
        assert keys_of(row_of(rows, "Undo", "app.undo")) == "u / ctrl+z"
        assert keys_of(row_of(rows, "Page up", "cursor.page_up")) == "PgUp"
        assert keys_of(row_of(rows, "Command palette")) == "ctrl+p"
        assert keys_of(row_of(rows, "select.cancel")) == "Esc"
        assert keys_of(row_of(rows, "Go to the entry in the article")) == "Enter"
        assert keys_of(row_of(rows, "Article/panel")) == "Tab"
        assert "Close help" in text and "help.ids" in text  # the help's own keys, last
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("q")


async def test_the_help_groups_the_keys_by_task_in_order_and_says_where_a_dialogs_key_works(tmp_path):
    app, _ = open_app(tmp_path)
    async with app.run_test(size=TALL) as pilot:
        await pilot.press("question_mark")
        rows = await read_help(app, pilot)
        headings = [row.split("  ")[0] for row in rows if row.split("  ")[0] in GROUPS]
        expected = ["Move", "Select", "Label", "Review", "Claims", "Entities", "Search", "Documents", "Curation", "Edit and undo", "Side panel", "App"]
        assert headings == expected
        at = {heading: rows.index(next(row for row in rows if row.split("  ")[0] == heading)) for heading in expected}

        def group_holding(*words: str) -> str:
            index = rows.index(row_of(rows, *words))
            return max((heading for heading in expected if at[heading] < index), key=lambda heading: at[heading])

        groups = {
            "Next sentence": "Move", "select.toggle": "Select", "label.1": "Label", "review.accept_next": "Review",
            "review.verdict_false": "Claims", "Save the claim": "Claims", "factcheck.merge": "Entities",
            "search.toggle_documents": "Search", "corpus.next": "Documents", "curation.take_both": "Curation", "app.redo": "Edit and undo",
            "panel.next_tab": "Side panel", "app.quit": "App",
        }  # a binding (by its description or id) and the group it is listed under
        assert {words: group_holding(words) for words in groups} == groups
        assert "(claim editor)" in row_of(rows, "Save the claim")
        assert "(side panel)" in row_of(rows, "panel.next_tab")
        assert "(" not in row_of(rows, "Next sentence").split("cursor.")[0]  # the article's keys need no place
        await pilot.press("escape", "q")


def sample_style(row: list[tuple[str, Style]], text: str) -> Style:
    """The style of the run of ``row`` holding ``text``."""
    return next(style for run, style in row if text in run)


def looks(style: Style) -> tuple:
    return (style.color, style.bgcolor, bool(style.bold), bool(style.italic), bool(style.underline))


async def test_the_legend_draws_each_mark_as_the_article_does(tmp_path):
    app, _ = open_app(tmp_path)  # Jane Doe, a suggested PERSON, on the first row of the article
    async with app.run_test(size=SMALL) as pilot:
        article = app.screen.article
        await pilot.press("j", "j", "j")  # the cursor off the first row
        suggested = sample_style(screen_rows(app)[1], "Jane Doe")
        await pilot.press("k", "k", "k", "l", "l", "l", "a", "j", "j", "j")  # accept Jane Doe, the cursor away again
        await pilot.pause()
        assert article.session.index.overlapping(16, 24)[0].status == "accepted"
        accepted = sample_style(screen_rows(app)[1], "Jane Doe")
        assert looks(accepted) != looks(suggested)
        await pilot.press("question_mark")
        await pilot.pause()
        rows, texts = screen_rows(app), row_texts(app)
        legend = {text.split("  ")[-1].strip(): n for n, text in enumerate(texts) if "PERSON" in text or "“a quote”" in text or "word" in text}
        assert list(legend) == [
            "accepted entity (PERSON)", "suggested entity", "suggested claim", "accepted claim",
            "search hit", "selection", "the entity chosen in the side panel",
        ]
        assert looks(sample_style(rows[legend["accepted entity (PERSON)"]], "PERSON")) == looks(accepted)
        assert looks(sample_style(rows[legend["suggested entity"]], "PERSON")) == looks(suggested)
        assert looks(sample_style(rows[legend["search hit"]], "word")) != looks(sample_style(rows[legend["selection"]], "word"))
        await pilot.press("escape", "q")


async def test_the_legend_follows_the_theme(tmp_path):
    app, _ = open_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        drawn = {}
        for theme in ("textual-dark", "textual-light"):
            app.theme = theme
            await pilot.press("question_mark")
            await pilot.pause()
            rows, texts = screen_rows(app), row_texts(app)
            drawn[theme] = [looks(sample_style(rows[n], "word")) for n, text in enumerate(texts) if text.startswith("word")]
            await pilot.press("escape")
            await pilot.pause()
        assert len(drawn["textual-dark"]) == 2 and drawn["textual-dark"] != drawn["textual-light"]
        await pilot.press("q")


async def test_i_shows_and_hides_the_binding_id_column(tmp_path):
    app, _ = open_app(tmp_path)
    async with app.run_test(size=TALL) as pilot:
        await pilot.press("question_mark")
        shown = "\n".join(await read_help(app, pilot))
        assert "cursor.line_down" in shown and "binding id" in shown and "i hides the binding ids" in shown
        await pilot.press("i")
        hidden = await read_help(app, pilot)
        assert not any("cursor." in row or "claim_editor." in row for row in hidden)
        assert "i shows the binding ids" in "\n".join(hidden)
        assert keys_of(row_of(hidden, "Line down")) == "↓ / j"
        await pilot.press("i")
        assert "cursor.line_down" in "\n".join(await read_help(app, pilot))
        await pilot.press("escape", "q")


async def test_the_help_follows_the_users_keymap(tmp_path, monkeypatch):
    config = tmp_path / "config"
    (config / "postil").mkdir(parents=True)
    keymap = '{"search.open": "f2", "claim_editor.save": "ctrl+w", "help.ids": "I", "cursor.line_down": "f5,f6", "help.close": "escape,f7", "cursor.line_up": ""}'
    (config / "postil" / "keymap.json").write_text(keymap, encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    app, _ = open_app(tmp_path)
    async with app.run_test(size=TALL) as pilot:
        await pilot.press("question_mark")
        rows = await read_help(app, pilot)
        assert keys_of(row_of(rows, "search.open")) == "F2"
        assert keys_of(row_of(rows, "claim_editor.save")) == "ctrl+w"
        # Two keys for a binding that declares two (or three): each named once.
        assert keys_of(row_of(rows, "cursor.line_down")) == "F5 / F6"
        assert keys_of(row_of(rows, "help.close")) == "Esc / F7"
        assert keys_of(row_of(rows, "cursor.line_up")) == "↑ / k"  # an entry naming no key leaves the declared ones
        assert "I hides the binding ids" in "\n".join(rows)
        await pilot.press("I")  # the remapped key toggles the ids
        assert not any("search.open" in row for row in await read_help(app, pilot))
        await pilot.press("escape", "q")


def declared_bindings() -> list[tuple[str, Binding]]:
    """Every binding a screen or widget of Postil declares: (its class, the binding)."""
    found = []
    for module in pkgutil.walk_packages(tui.__path__, "tui."):
        if module.name.startswith(("tui.screens.", "tui.widgets.")):
            for name, value in vars(importlib.import_module(module.name)).items():
                if inspect.isclass(value) and issubclass(value, DOMNode) and value.__module__ == module.name:
                    found += [(name, binding) for binding in value.__dict__.get("BINDINGS", []) if isinstance(binding, Binding)]
    return found


def test_every_binding_of_the_app_has_an_id_in_a_known_group():
    bindings = declared_bindings()
    assert len(bindings) > 80
    assert [(name, binding.id) for name, binding in bindings if not binding.id or group_of(binding.id) == OTHER] == []
    assert group_of("cursor.anything_new") == "Move" and group_of("nobody.knows") == OTHER


async def test_every_binding_of_the_app_is_in_the_help_in_a_known_group(tmp_path):
    app, _ = open_app(tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("question_mark")
        sections = app.screen.sections
        listed = {entry.id for _, entries in sections for entry in entries}
        assert [group for group, _ in sections if group == OTHER] == []
        await pilot.press("escape", "q")
    missing = sorted({binding.id for _, binding in declared_bindings()} - listed)
    assert missing == [], f"bindings the help does not list (add their dialog to tui.screens.help.dialogs): {missing}"


async def test_the_document_lists_help_is_grouped_too(tmp_path):
    db, _ = corpus_db(tmp_path)
    app = PostilApp(store=open_store(db), annotator="ana")
    async with app.run_test(size=TALL) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        rows = await read_help(app, pilot)
        assert keys_of(row_of(rows, "documents.filter")) == "f / /"
        assert keys_of(row_of(rows, "documents.open")) == "Enter"
        assert "PERSON" in "\n".join(rows)  # the legend names the database's first label
        await pilot.press("escape", "q")


async def test_the_help_lists_the_databases_verdict_letters_and_names_its_first_label(tmp_path):
    scheme = replace(CONLL2003, name="conll-factcheck", verdicts=FACTCHECK_VERDICTS)
    app, _ = open_app_with_scheme(tmp_path, scheme)
    async with app.run_test(size=TALL) as pilot:
        await pilot.press("question_mark")
        rows = await read_help(app, pilot)
        assert keys_of(row_of(rows, "pants-on-fire", "review.verdict_pants_on_fire")) == "p"
        assert keys_of(row_of(rows, "half-true", "review.verdict_half_true")) == "h"
        assert not any(row.endswith("review.verdict_mixed") for row in rows)  # the default scale's, not this database's
        assert any(row.endswith("accepted entity (PER)") for row in rows)
        await pilot.press("escape", "q")
