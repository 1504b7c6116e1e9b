"""``postil scheme show|set|presets``: the label scheme a database keeps (entity labels, claim
types, verdicts), printed as text, TOML or JSON, and changed from a TOML or JSON file or a preset.

``show --format toml`` prints a file ``set`` reads back. Setting a scheme that drops a label,
claim type or verdict the database's annotations use is refused unless ``--map OLD=NEW`` says
what each becomes (see :mod:`tui.session.schemes`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tui.cli.common import CommandError, CommandParser, add_db_option, reading_database
from tui.model.display import display_text
from tui.model.labels import DEFAULT_SCHEME, MODEL_LABELS, PRESETS, Scheme, SchemeError, scheme_from_dict

# A scheme file is small; anything bigger is not one.
MAX_SCHEME_BYTES = 1024 * 1024


def scheme_parser() -> CommandParser:
    """The parser for ``postil scheme``."""
    parser = CommandParser(prog="postil scheme", description="Show or set the database's label scheme: entity labels "
                           "(key, colour, description), claim types, the verdict scale and which labels may speak.")
    actions = parser.add_subparsers(dest="action", required=True, metavar="show|set|presets", parser_class=CommandParser)
    show = actions.add_parser("show", help="print the database's scheme (or a preset's)", description="Print the database's label scheme.")
    add_db_option(show)
    show.add_argument("--format", choices=("text", "toml", "json"), default="text",
                      help="text for people (the default); toml or json print a file `postil scheme set` reads")
    show.add_argument("--preset", choices=tuple(PRESETS), help="print this preset instead of the database's scheme")
    change = actions.add_parser("set", help="set the database's scheme from a TOML or JSON file or a preset",
                                description="Set the database's label scheme. Refused when annotations use a label, claim type "
                                            "or verdict the new scheme drops, unless --map says what each becomes.")
    change.add_argument("file", nargs="?", metavar="FILE", help="a scheme file, .toml or .json")
    change.add_argument("--preset", choices=tuple(PRESETS), help="set a preset instead of a file")
    change.add_argument("--map", action="append", default=[], metavar="OLD=NEW",
                        help="relabel OLD (a label, claim type or verdict) as NEW of the new scheme (repeatable); "
                             "OLD= removes the mentions of a label, or makes a verdict unverified")
    add_db_option(change)
    actions.add_parser("presets", help="list the presets", description="List the preset schemes.")
    return parser


def run_scheme(args: argparse.Namespace) -> int:
    if args.action == "presets":
        for scheme in PRESETS.values():
            verdicts = " ".join(v.name for v in scheme.verdicts)
            print(f"{scheme.name}: labels {' '.join(scheme.label_names)}; verdicts {verdicts}")
        return 0
    if args.action == "show":
        scheme = PRESETS[args.preset] if args.preset else _database_scheme(Path(args.db), args.db_named)
        sys.stdout.write(render(scheme, args.format))
        return 0
    return _set(args)


def _database_scheme(db: Path, named: bool) -> Scheme:
    """The scheme of the database at ``db``, read without taking its lock; the default scheme
    when the database not ``named`` with ``--db`` (the settings' or ./annotations.json) does
    not exist yet."""
    if not named and not db.is_file():
        return DEFAULT_SCHEME
    with reading_database(db) as store:
        return store.scheme()


def _set(args: argparse.Namespace) -> int:
    from tui.session.schemes import SchemeChangeError, parse_mappings, set_scheme
    from tui.store.repository import open_store
    from tui.store.storage import StoreError

    if bool(args.file) == bool(args.preset):
        raise CommandError("give a scheme FILE or --preset NAME (one of them)")
    scheme = PRESETS[args.preset] if args.preset else read_scheme_file(Path(args.file))
    try:
        mapping = parse_mappings(args.map)
        store = open_store(args.db, writer=True)
    except (SchemeChangeError, StoreError) as error:
        raise CommandError(str(error)) from None
    try:
        change = set_scheme(store, scheme, mapping)
    except (SchemeChangeError, StoreError) as error:
        raise CommandError(f"{args.db}: {error}" if isinstance(error, SchemeChangeError) else str(error)) from None
    finally:
        store.close()
    done = change.summary()
    print(display_text(f"{args.db}: scheme {scheme.name} set ({len(scheme.labels)} labels, {len(scheme.claim_types)} claim types, "
                       f"{len(scheme.verdicts)} verdicts)" + (f"; {done}" if done else "")))
    return 0


def read_scheme_file(path: Path) -> Scheme:
    """The scheme in a TOML or JSON file (by its suffix; else TOML, then JSON); a file that does
    not read is a :class:`CommandError` ``FILE:LINE: reason``, a bad field ``FILE: field: reason``."""
    from tui.store.storage import read_regular_file

    try:
        raw = read_regular_file(path, MAX_SCHEME_BYTES) if path.exists() else None
    except OSError as error:
        raise CommandError(f"{path}: cannot be read ({error.strerror or error})") from None
    if raw is None:
        raise CommandError(f"{path}: no such file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CommandError(f"{path}: not UTF-8 text (byte {error.start})") from None
    data = _parse_json(path, text) if path.suffix.lower() == ".json" else _parse_toml(path, text)
    try:
        return scheme_from_dict(data)
    except SchemeError as error:
        raise CommandError(f"{path}: {error}") from None


def _parse_toml(path: Path, text: str) -> dict:
    from tui.settings import TOML_ERROR_PLACE, toml_error_line, toml_parser

    tomllib = toml_parser()
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        reason = TOML_ERROR_PLACE.sub("", str(error)) or "not TOML"
        raise CommandError(f"{path}:{toml_error_line(error, text)}: {reason}") from None


def _parse_json(path: Path, text: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise CommandError(f"{path}:{error.lineno}: {error.msg}") from None


# Output

def render(scheme: Scheme, form: str) -> str:
    """The scheme as ``form`` (text, toml or json)."""
    if form == "json":
        return json.dumps(scheme.to_dict(), indent=2, ensure_ascii=False) + "\n"
    if form == "toml":
        return to_toml(scheme)
    return to_text(scheme)


def _toml_string(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(value, ensure_ascii=False)


def to_toml(scheme: Scheme) -> str:
    """The scheme as a TOML file that :func:`read_scheme_file` reads back."""
    data = scheme.to_dict()
    strings = lambda values: "[" + ", ".join(_toml_string(v) for v in values) + "]"  # noqa: E731
    lines = [
        f"# Postil label scheme {data['name']}: set it with `postil scheme set FILE`",
        f"name = {_toml_string(data['name'])}",
        f"claim_types = {strings(data['claim_types'])}",
        "# The labels whose entities may be a claim's speaker.",
        f"speaker_labels = {strings(data['speaker_labels'])}",
    ]
    for label in data["labels"]:
        lines += ["", "[[labels]]"] + [f"{name} = {_toml_string(value)}" for name, value in label.items()]
    for verdict in data["verdicts"]:
        lines += ["", "[[verdicts]]"] + [f"{name} = {value if name == 'rating' else _toml_string(value)}" for name, value in verdict.items()]
    lines += ["", "# What each label of the model becomes; a model label left out is not suggested.", "[model_labels]"]
    lines += [f"{name} = {_toml_string(value)}" for name, value in data["model_labels"].items()]
    return "\n".join(lines) + "\n"


def to_text(scheme: Scheme) -> str:
    """The scheme for people: one line per label and verdict."""
    width = max(len(label.name) for label in scheme.labels)
    lines = [f"scheme {scheme.name}", f"labels ({len(scheme.labels)}):"]
    lines += [f"  {label.key or '-'}  {label.name.ljust(width)}  {label.color}  {label.description}".rstrip() for label in scheme.labels]
    lines.append(f"claim types: {', '.join(scheme.claim_types)}")
    lines.append(f"verdicts (picker letter, ClaimReview rating {scheme.worst_rating} worst to {scheme.best_rating} best; unverified has none):")
    vwidth = max((len(v.name) for v in scheme.verdicts), default=0)
    lines += [f"  {v.key}  {v.name.ljust(vwidth)}  {v.rating}  {v.description}".rstrip() for v in scheme.verdicts]
    lines.append(f"speakers: {', '.join(name for name in scheme.label_names if scheme.may_speak(name)) or 'none'}")
    mapped = [f"{model}->{scheme.from_model(model)}" for model in MODEL_LABELS if scheme.from_model(model)]
    hidden = [model for model in MODEL_LABELS if not scheme.from_model(model)]
    lines.append(f"model labels: {' '.join(mapped) or 'none'}" + (f"; hidden: {' '.join(hidden)}" if hidden else ""))
    return "".join(display_text(line) + "\n" for line in lines)
