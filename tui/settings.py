"""The user's settings: ``config.toml`` in Postil's configuration folder (theme, annotator name,
default database, keymap), and ``keymap.json`` beside it, whose bindings ``[keymap]`` overrides.

Settings are read once at start. Whatever is wrong in a file (not TOML, a value of the wrong
type, an unknown setting) becomes one warning line naming the file and line; the defaults are
used for what is wrong and the rest is kept. Choosing a theme in the app rewrites only the
``theme`` line of ``config.toml``, keeping the user's other lines and comments.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import sys
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from tui.model.fields import kind_of
from tui.store.storage import atomic_write_bytes

CONFIG_NAME = "config.toml"
KEYMAP_NAME = "keymap.json"
TEXT_SETTINGS = ("theme", "annotator", "database")
# Where tomllib says an error is: "... (at line 3, column 9)" or "... (at end of document)".
TOML_ERROR_PLACE = re.compile(r"\s*\(at (?:line (\d+), column \d+|end of document)\)$")
TABLE_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]*?)\s*\]")
KEY_PART = re.compile(r"""^\s*((?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_.\- ]+?)+?)\s*=""")
# A top-level ``theme = value  # comment`` line: its value (a string, or any bare word) is replaced.
THEME_LINE = re.compile(r"""^(\s*(?:theme|"theme"|'theme')\s*=\s*)("(?:[^"\\]|\\.)*"|'[^']*'|[^\s#]+)(.*)$""")


def toml_parser():  # noqa: ANN201 - the tomllib module
    """tomllib (tomli before Python 3.11, the same parser), imported only when a file is read."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    return tomllib


def config_folder() -> Path:
    """``$XDG_CONFIG_HOME/postil``, else ``~/.config/postil``."""
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "postil"


def config_path() -> Path:
    """The settings file: theme, annotator, database and ``[keymap]``."""
    return config_folder() / CONFIG_NAME


def keymap_path() -> Path:
    """The older key remapping file, ``{binding id: "keys"}`` as JSON; still read."""
    return config_folder() / KEYMAP_NAME


def shown_path(path: Path) -> str:
    """``path`` as a warning names it: the home folder written ``~``."""
    home = str(Path.home())
    text = str(path)
    return "~" + text[len(home):] if home not in ("", "/") and text.startswith(home + os.sep) else text


@dataclass
class Settings:
    """What the settings files say, with defaults (``None``, empty) where they say nothing usable."""

    theme: str | None = None
    annotator: str | None = None
    database: Path | None = None
    keymap: dict[str, str] = field(default_factory=dict)
    path: Path = field(default_factory=config_path)
    # (file, line or 0, reason) for each problem found, in file order.
    problems: list[tuple[Path, int, str]] = field(default_factory=list)
    # The line each setting is written on (``keymap.ID`` for a binding), for problems found later.
    lines: dict[str, int] = field(default_factory=dict)

    @property
    def warning(self) -> str:
        """The one-line warning for every problem found ("" when there is none)."""
        if not self.problems:
            return ""
        path, line, reason = min(self.problems, key=lambda problem: (problem[0] == self.path, problem[1]))
        more = f" (and {len(self.problems) - 1} more problem(s) in the settings)" if len(self.problems) > 1 else ""
        return f"{shown_path(path)}:{line}: {reason}{more}" if line else f"{shown_path(path)}: {reason}{more}"

    def note(self, line: int, reason: str, path: Path | None = None) -> None:
        """Record a problem of ``config.toml`` (or of ``path``) at ``line``."""
        self.problems.append((path or self.path, line, reason))

    def usable_theme(self, themes: Collection[str]) -> str | None:
        """The theme to start in, if it is one of ``themes`` (the app's); another is dropped with a warning."""
        if self.theme is not None and self.theme not in themes:
            self.note(self.lines.get("theme", 0), f"no theme is named {self.theme!r}; the default theme is used (ctrl+p, Theme lists them)")
            self.theme = None
        return self.theme

    def keep_theme(self, name: str) -> str:
        """Save ``name`` as the theme in ``config.toml`` unless it is the theme there already;
        returns "" or the one-line reason it could not be saved."""
        if name == self.theme:
            return ""
        self.theme = name
        return save_theme(name, self.path)


def load_settings() -> Settings:
    """Read ``keymap.json`` and ``config.toml`` (either may be missing); never raises."""
    settings = Settings()
    settings.keymap.update(read_keymap_json(keymap_path(), settings))
    path = settings.path
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return settings
    except OSError as error:
        settings.note(0, f"cannot be read ({error.strerror or error}); the default settings are used")
        return settings
    tomllib = toml_parser()
    try:
        text = raw.decode("utf-8")
        values = tomllib.loads(text)
    except UnicodeDecodeError as error:
        settings.note(raw.count(b"\n", 0, error.start) + 1, "is not UTF-8 text; the default settings are used")
        return settings
    except tomllib.TOMLDecodeError as error:
        settings.note(toml_error_line(error, text), f"not valid TOML ({TOML_ERROR_PLACE.sub('', str(error))}); the default settings are used")
        return settings
    read_values(values, text, settings)
    return settings


def read_keymap_json(path: Path, settings: Settings) -> dict[str, str]:
    """The bindings of ``keymap.json``; a broken file is noted and its bindings are not used."""
    try:
        mapping = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except json.JSONDecodeError as error:
        settings.note(error.lineno, f"keymap ignored ({error.msg} at column {error.colno})", path)
        return {}
    except (OSError, ValueError) as error:
        settings.note(0, f"keymap ignored ({error})", path)
        return {}
    if not isinstance(mapping, dict) or not all(isinstance(keys, str) for keys in mapping.values()):
        settings.note(0, "keymap ignored (expected an object of binding id → keys)", path)
        return {}
    return mapping


def read_values(values: dict, text: str, settings: Settings) -> None:
    """Take each well-formed setting of a parsed ``config.toml``; note the others."""
    for key, value in values.items():
        line = key_line(text, "", key)
        settings.lines[key] = line
        if key == "keymap":
            read_keymap_table(value, text, line, settings)
        elif key not in TEXT_SETTINGS:
            settings.note(line, f"unknown setting {key!r} (known: {', '.join((*TEXT_SETTINGS, 'keymap'))}); it is ignored")
        elif not isinstance(value, str):
            settings.note(line, f"{key} must be text in quotes, not {type_name(value)}; the default is used")
        elif not value.strip():
            settings.note(line, f"{key} is empty; the default is used")
        elif key == "database":
            settings.database = Path(value).expanduser()
        else:
            setattr(settings, key, value)


def read_keymap_table(table: object, text: str, line: int, settings: Settings) -> None:
    """``[keymap]``: binding id -> keys, over ``keymap.json``'s. A dotted id may be written bare
    (``label.1 = "p"``, which TOML reads as a nested table) or quoted (``"label.1" = "p"``)."""
    if not isinstance(table, dict):
        settings.note(line, f"keymap must be a table of binding id = \"keys\", not {type_name(table)}; it is ignored")
        return
    for binding, keys in flatten(table).items():
        where = key_line(text, "keymap", binding) or line
        if isinstance(keys, str) and keys.strip():
            settings.keymap[binding] = keys
        else:
            settings.note(where, f"keymap {binding!r} must be keys in quotes (such as \"p\" or \"ctrl+s,f2\"), not {type_name(keys)}; it is ignored")


def flatten(table: dict, prefix: str = "") -> dict[str, object]:
    """A nested table as dotted keys: ``{"label": {"1": "p"}}`` -> ``{"label.1": "p"}``."""
    flat: dict[str, object] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            flat.update(flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def type_name(value: object) -> str:
    """How a warning names a TOML value's type: in TOML's words for a table, text and dates,
    else as any stored value's (:func:`~tui.model.fields.kind_of`)."""
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, str):
        return "empty text" if not value.strip() else "text"
    if isinstance(value, (datetime.date, datetime.time)):
        return "a date or time"
    return kind_of(value)


def toml_error_line(error: Exception, text: str) -> int:
    """The line a TOML syntax error is on (the last line when it is at the end of the document)."""
    lineno = getattr(error, "lineno", None)  # Python 3.14 gives it as an attribute
    if isinstance(lineno, int):
        return lineno
    found = TOML_ERROR_PLACE.search(str(error))
    if found and found.group(1):
        return int(found.group(1))
    return max(1, len(text.splitlines()))


def key_line(text: str, table: str, key: str) -> int:
    """The line where ``key`` (dotted, unquoted) is set in ``table`` ("" for the top level), or
    where a table of that name starts; 0 when it cannot be found."""
    current = ""
    for number, line in enumerate(text.splitlines(), start=1):
        header = TABLE_HEADER.match(line)
        if header:
            current = dotted(header.group(1))
            if current == dotted(f"{table}.{key}" if table else key):
                return number
            continue
        assignment = KEY_PART.match(line)
        if assignment and current == table and dotted(assignment.group(1)) == key:
            return number
    return 0


def dotted(key: str) -> str:
    """A TOML key as its dotted parts without quotes or spaces: ``"label.1"`` and ``label . 1`` -> ``label.1``."""
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"|\'([^\']*)\'|([^.\s"\']+)', key)
    return ".".join(next(part for part in groups if part) if any(groups) else "" for groups in parts)


def save_theme(name: str, path: Path | None = None) -> str:
    """Set ``theme = "name"`` in ``config.toml`` (created if missing), changing no other line.

    Returns "" once written, else the one-line reason it was not: a file that is not valid TOML
    is never rewritten. The file is replaced atomically (a link is followed to its file).
    """
    path = path or config_path()
    try:
        text = path.read_bytes().decode("utf-8")  # its line endings kept as they are
    except FileNotFoundError:
        text = ""
    except (OSError, UnicodeDecodeError) as error:
        return f"{shown_path(path)}: cannot be read ({getattr(error, 'strerror', None) or error}); the theme was not saved"
    tomllib = toml_parser()
    try:
        before = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return f"{shown_path(path)}:{toml_error_line(error, text)}: not valid TOML, so it was not rewritten; the theme is used until you quit"
    updated = with_theme(text, name)
    try:
        after = tomllib.loads(updated)
    except tomllib.TOMLDecodeError:
        after = None
    if after != {**before, "theme": name}:
        return f"{shown_path(path)}: its theme line could not be changed safely; write theme = {json.dumps(name)} there yourself"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(Path(os.path.realpath(path)), updated.encode("utf-8"))
    except OSError as error:
        return f"{shown_path(path)}: cannot be written ({error.strerror or error}); the theme was not saved"
    return ""


def with_theme(text: str, name: str) -> str:
    """``text`` with its top-level theme line set to ``name`` (its comment kept), or with one
    added after the file's opening comments when it has none."""
    value = json.dumps(name)
    lines = text.splitlines(keepends=True)
    for index, line in enumerate(lines):
        if TABLE_HEADER.match(line):
            break
        found = THEME_LINE.match(line.rstrip("\r\n"))
        if found:
            ending = line[len(line.rstrip("\r\n")):]
            lines[index] = f"{found.group(1)}{value}{found.group(3)}{ending}"
            return "".join(lines)
    opening = 0
    while opening < len(lines) and (not lines[opening].strip() or lines[opening].lstrip().startswith("#")):
        opening += 1
    if opening == len(lines) and lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    lines.insert(opening, f"theme = {value}\n")
    return "".join(lines)
