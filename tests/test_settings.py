"""Settings in $XDG_CONFIG_HOME/postil/config.toml: the theme, the annotator name, the default
database and the keymap take effect in the app and the commands; a malformed file is one warning
line naming its line, with defaults for what is wrong; a theme chosen in the app is saved there."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import pytest

from tests.conftest import saved_annotations, write_article
from tui.app import PostilApp
from tui.cli import main
from tui.formats.readers import read_article
from tui.launch import open_session
from tui.settings import load_settings, save_theme

SIZE = (120, 40)


def settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, toml: str | None = None, keymap_json: str | None = None) -> Path:
    """Point XDG_CONFIG_HOME at ``tmp_path/config`` and write its config.toml (and keymap.json)."""
    folder = tmp_path / "config" / "postil"
    folder.mkdir(parents=True)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    if keymap_json is not None:
        (folder / "keymap.json").write_text(keymap_json, encoding="utf-8")
    if toml is not None:
        (folder / "config.toml").write_text(toml, encoding="utf-8")
    return folder / "config.toml"


def app_on_text(tmp_path: Path, text: str = "Jane Doe met Acme Corp in Paris.") -> tuple[PostilApp, Path]:
    """The app on a new article holding ``text`` with a new database (the settings read by the app)."""
    db = tmp_path / "db.json"
    return PostilApp(open_session(db, read_article(write_article(tmp_path, text)), annotator="tester")), db


def status(app: PostilApp) -> str:
    return str(app.screen.query_one("#status").render())


def labels(db: Path) -> list[tuple[str, str]]:
    return sorted((record["quote"]["exact"], record["label"]) for record in saved_annotations(db))


async def choose_theme(pilot, name: str) -> None:
    """Pick ``name`` as a user does: ctrl+p, the Theme command, then the theme's name."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*"theme")
    await pilot.pause(0.3)
    await pilot.press("enter")
    await pilot.pause(0.3)
    await pilot.press(*name)
    await pilot.pause(0.3)
    await pilot.press("enter")
    await pilot.pause()


def run_postil_under_pilot(monkeypatch: pytest.MonkeyPatch, *keys: str) -> list[tuple[PostilApp, str]]:
    """Make the app ``postil`` starts run under Pilot: it presses ``keys`` then quits. The list
    returned gets each app that ran, with its status line as it opened."""
    ran: list[tuple[PostilApp, str]] = []

    def run(self: PostilApp) -> None:
        async def drive() -> None:
            async with self.run_test(size=SIZE) as pilot:
                await pilot.pause()
                ran.append((self, status(self)))
                await pilot.press(*keys)
                await pilot.pause()
                await pilot.press("q")

        asyncio.run(drive())

    monkeypatch.setattr(PostilApp, "run", run)
    return ran


# Reading the file


def test_every_setting_is_read_and_the_config_keymap_is_merged_over_keymap_json(tmp_path, monkeypatch):
    settings_file(tmp_path, monkeypatch, """
# Postil settings
theme = "nord"
annotator = "Ada Obi"
database = "~/news/annotations.json"

[keymap]
label.1 = "p"            # a bare dotted id
"app.undo" = "ctrl+z"
""", keymap_json='{"label.1": "y", "label.2": "o"}')
    settings = load_settings()
    assert (settings.theme, settings.annotator) == ("nord", "Ada Obi")
    assert settings.database == Path.home() / "news" / "annotations.json"  # ~ expanded
    assert settings.keymap == {"label.1": "p", "label.2": "o", "app.undo": "ctrl+z"}
    assert settings.warning == ""


def test_no_settings_files_means_the_defaults_and_no_warning(tmp_path, monkeypatch):
    settings_file(tmp_path, monkeypatch)
    settings = load_settings()
    assert (settings.theme, settings.annotator, settings.database, settings.keymap, settings.warning) == (None, None, None, {}, "")


@pytest.mark.parametrize(("toml", "line", "reason"), [
    ('annotator = "Ada"\n\ntheme = "nord\n', 3, "not valid TOML"),
    ('annotator = "Ada"\ndatabase = "a.json"\ntheme = 3\n', 3, "theme must be text in quotes, not a number"),
    ('annotator = "Ada"\ncolour = "red"\n', 2, "unknown setting 'colour'"),
    ('annotator = "Ada"\n[keymap]\n"label.1" = 1\n', 3, "keymap 'label.1' must be keys in quotes"),
    ('annotator = ""\n', 1, "annotator is empty"),
])
def test_a_malformed_setting_is_one_warning_line_naming_the_file_and_line(tmp_path, monkeypatch, toml, line, reason):
    path = settings_file(tmp_path, monkeypatch, toml)
    warning = load_settings().warning
    assert warning.startswith(f"{path}:{line}: {reason}"), warning
    assert "\n" not in warning


def test_what_is_wrong_gets_its_default_and_the_rest_is_kept(tmp_path, monkeypatch):
    settings_file(tmp_path, monkeypatch, 'theme = 3\nannotator = "Ada"\ncolour = "red"\n[keymap]\n"label.1" = "p"\n"label.2" = 2\n')
    settings = load_settings()
    assert (settings.theme, settings.annotator, settings.keymap) == (None, "Ada", {"label.1": "p"})
    assert settings.warning.endswith("(and 2 more problem(s) in the settings)")


# In the app


async def test_the_configured_theme_is_the_one_the_app_starts_in(tmp_path, monkeypatch):
    settings_file(tmp_path, monkeypatch, 'theme = "nord"\n')
    app, _ = app_on_text(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == "nord"
        assert app.screen.styles.background.hex == app.get_theme("nord").background.upper()
        await pilot.press("q")


async def test_an_unknown_theme_is_a_warning_on_the_status_line_and_the_default_theme_is_used(tmp_path, monkeypatch):
    path = settings_file(tmp_path, monkeypatch, '# mine\ntheme = "solarised-ish"\n')
    app, _ = app_on_text(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == "textual-dark"
        assert f"{path}:2: no theme is named 'solarised-ish'" in status(app)
        await pilot.press("q")


async def test_a_toml_syntax_error_is_on_the_status_line_and_the_default_keys_still_work(tmp_path, monkeypatch):
    path = settings_file(tmp_path, monkeypatch, 'theme = "nord"\n[keymap]\nlabel.1 = p\n')
    app, db = app_on_text(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert f"{path}:3: not valid TOML" in status(app)
        assert app.theme == "textual-dark"  # nothing of a file that does not parse is used
        await pilot.press("1", "q")
    assert labels(db) == [("Jane", "PERSON")]


async def test_the_config_keymap_overrides_keymap_json_which_still_works(tmp_path, monkeypatch):
    settings_file(tmp_path, monkeypatch, '[keymap]\n"label.1" = "p"\n', keymap_json='{"label.1": "y", "label.2": "o"}')
    app, db = app_on_text(tmp_path, "Jane met Bo at Acme.")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("y")  # keymap.json's key for label.1, overridden by config.toml: nothing on "Jane"
        await pilot.press("l", "l", "p")  # config.toml's: PERSON on "Bo"
        await pilot.press("l", "l", "o")  # keymap.json's key for label.2, kept: ORG on "Acme"
        await pilot.press("q")
    assert labels(db) == [("Acme", "ORG"), ("Bo", "PERSON")]


async def test_a_theme_chosen_in_the_palette_is_saved_with_the_other_settings_and_comments_and_the_next_start_uses_it(tmp_path, monkeypatch):
    before = '# my settings\nannotator = "Ada"   # shown on exports\ntheme = "nord"  # for the night\n\n[keymap]\n"label.1" = "p"\n'
    path = settings_file(tmp_path, monkeypatch, before)
    app, _ = app_on_text(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == "nord"
        await choose_theme(pilot, "gruvbox")
        assert app.theme == "gruvbox"
        await pilot.press("q")
    assert path.read_text(encoding="utf-8") == before.replace('theme = "nord"', 'theme = "gruvbox"')
    (tmp_path / "again").mkdir()
    again, _ = app_on_text(tmp_path / "again")
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert again.theme == "gruvbox"
        await pilot.press("q")


async def test_a_theme_chosen_with_no_settings_file_creates_it(tmp_path, monkeypatch):
    path = settings_file(tmp_path, monkeypatch)
    app, _ = app_on_text(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await choose_theme(pilot, "textual-light")
        await pilot.press("q")
    assert path.read_text(encoding="utf-8") == 'theme = "textual-light"\n'


async def test_a_settings_file_that_does_not_parse_is_never_overwritten_and_the_status_line_says_so(tmp_path, monkeypatch):
    broken = 'annotator = "Ada"\ntheme = nord\n'
    path = settings_file(tmp_path, monkeypatch, broken)
    app, _ = app_on_text(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await choose_theme(pilot, "gruvbox")
        assert app.theme == "gruvbox"  # used until the app quits
        assert f"{path}:2: not valid TOML, so it was not rewritten" in status(app)
        await pilot.press("q")
    assert path.read_text(encoding="utf-8") == broken


def test_saving_a_theme_replaces_a_wrong_theme_value_and_adds_a_missing_one_after_the_opening_comments(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("theme = 3\r\n[keymap]\r\n", encoding="utf-8")
    assert save_theme("nord", path) == ""
    assert path.read_bytes() == b'theme = "nord"\r\n[keymap]\r\n'
    path.write_text("# Postil\n\n[keymap]\n# theme = \"x\" in a comment is not the setting\n", encoding="utf-8")
    assert save_theme("nord", path) == ""
    assert path.read_text(encoding="utf-8") == '# Postil\n\ntheme = "nord"\n[keymap]\n# theme = "x" in a comment is not the setting\n'


def test_saving_a_theme_writes_through_a_link_to_the_settings_file(tmp_path):
    real = tmp_path / "dotfiles" / "config.toml"
    real.parent.mkdir()
    real.write_text('annotator = "Ada"\n', encoding="utf-8")
    link = tmp_path / "config.toml"
    link.symlink_to(real)
    assert save_theme("nord", link) == ""
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == 'theme = "nord"\nannotator = "Ada"\n'


# On the command line


def test_postil_records_the_settings_annotator_and_the_command_line_wins(tmp_path, monkeypatch):
    settings_file(tmp_path, monkeypatch, 'annotator = "Ada Obi"\n')
    article = write_article(tmp_path, "Jane met Acme.")
    db = tmp_path / "db.json"
    run_postil_under_pilot(monkeypatch, "1")
    assert main([str(article), "--db", str(db), "--no-suggest"]) == 0
    assert [record["annotator"] for record in saved_annotations(db)] == ["Ada Obi"]
    other = tmp_path / "other.json"
    assert main([str(article), "--db", str(other), "--no-suggest", "--annotator", "Bo"]) == 0
    assert [record["annotator"] for record in saved_annotations(other)] == ["Bo"]


def test_postil_and_the_other_commands_use_the_settings_database_unless_db_is_given(tmp_path, monkeypatch, capsys):
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    settings_file(tmp_path, monkeypatch, 'database = "~/news/annotations.json"\n')
    (home / "news").mkdir(parents=True)
    configured = home / "news" / "annotations.json"
    article = write_article(tmp_path, "Jane met Acme.")
    monkeypatch.chdir(tmp_path)
    ran = run_postil_under_pilot(monkeypatch, "1")
    assert main([str(article), "--no-suggest"]) == 0
    assert ran[0][0].store.path == configured
    assert [record["label"] for record in saved_annotations(configured)] == ["PERSON"]
    assert not (tmp_path / "annotations.json").exists()
    capsys.readouterr()
    assert main(["list"]) == 0
    assert str(configured) in capsys.readouterr().out.splitlines()[0]
    assert main(["doctor", str(configured)]) == 0  # a PATH alone is not "named twice" with the settings' database
    assert main(["add", str(write_article(tmp_path, "Bo spoke.", "second.txt")), "--db", str(tmp_path / "given.json")]) == 0
    assert (tmp_path / "given.json").exists()


def test_postil_shows_the_settings_warning_on_the_status_line_and_uses_the_rest(tmp_path, monkeypatch, capsys):
    path = settings_file(tmp_path, monkeypatch, 'annotator = "Ada Obi"\ntheme = "no-such-theme"\n')
    db = tmp_path / "db.json"
    ran = run_postil_under_pilot(monkeypatch, "1")
    assert main([str(write_article(tmp_path, "Jane met Acme.")), "--db", str(db), "--no-suggest"]) == 0
    app, line = ran[0]
    assert f"{path}:2: no theme is named 'no-such-theme'" in line
    assert app.theme == "textual-dark"
    assert [record["annotator"] for record in saved_annotations(db)] == ["Ada Obi"]
    assert capsys.readouterr().err == ""  # said once, on the status line


def test_another_command_prints_the_settings_warning_on_stderr_in_one_line_and_goes_on(tmp_path, monkeypatch, capsys):
    path = settings_file(tmp_path, monkeypatch, 'theme = 3\n')
    assert main(["add", str(write_article(tmp_path, "Jane met Acme.")), "--db", str(tmp_path / "db.json")]) == 0
    err = capsys.readouterr().err
    assert err == f"postil add: {path}:1: theme must be text in quotes, not a number; the default is used\n"


def test_the_settings_folder_defaults_to_dot_config_in_the_home_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("XDG_CONFIG_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".config" / "postil").mkdir(parents=True)
    (tmp_path / ".config" / "postil" / "config.toml").write_text('annotator = "Ada"\ntheme = []\n', encoding="utf-8")
    settings = load_settings()
    assert settings.annotator == "Ada"
    assert settings.warning.startswith(f"~{os.sep}.config{os.sep}postil{os.sep}config.toml:2: theme must be text")


def test_the_readme_example_settings_are_read_without_a_warning(tmp_path, monkeypatch):
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    example = readme.split("### Settings", 1)[1].split("```toml\n", 1)[1].split("```", 1)[0]
    settings_file(tmp_path, monkeypatch, example)
    settings = load_settings()
    from textual.theme import BUILTIN_THEMES

    settings.usable_theme(BUILTIN_THEMES)
    assert settings.warning == ""
    assert (settings.theme, settings.annotator) == ("nord", "Ada Obi")
    assert settings.keymap == {"label.1": "p", "app.undo": "z,ctrl+z"}


def test_extract_reads_the_settings_database_only_when_it_exists_as_it_does_the_default_one(tmp_path, monkeypatch, capsys):
    settings_file(tmp_path, monkeypatch, f'database = "{(tmp_path / "not-yet.json").as_posix()}"\n')
    article = write_article(tmp_path, "Jane Doe met Acme Corp in Paris.")
    assert main(["extract", str(article)]) == 0  # not "no such database file": --db was not given
    assert json.loads(capsys.readouterr().out)["documents"][0]["title"] == "Jane Doe met Acme Corp in Paris."
    assert main(["extract", str(article), "--db", str(tmp_path / "named.json")]) == 2
    assert "named.json: no such database file" in capsys.readouterr().err
