"""The checks a stored value goes through, whoever hands it over: its type and its range.

An import file, a database edited by hand or by another tool, and the editors all give
Postil values it must not trust. Each check answers ``None`` for a good value and a short
reason for a bad one ("must be a string, not a list"), which the caller prefixes with the
field's name. The fields of claims, annotations, entities and documents are listed with
their checks in :mod:`tui.model.claims`, :mod:`tui.model.annotation` and
:mod:`tui.model.document`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

Check = Callable[[object], "str | None"]
# A field's name and what is wrong with its value, e.g. ("attrs.speaker", "must be a string, not a list").
Problem = tuple[str, str]

# Labels, ids, links and other names are one line (they are written into line-based formats).
NAME_LIMIT = 2048
# Unicode's control characters (category Cc): C0, DEL and C1.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def kind_of(value: object) -> str:
    """What a JSON-like value is, in words, for an error message."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, (list, tuple)):
        return "a list"
    return type(value).__name__


def quoted(value: object, limit: int = 60) -> str:
    """``value`` as an error message quotes it: its ``repr`` (control characters escaped), cut to ``limit``."""
    shown = repr(value)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def is_integer(value: object) -> bool:
    """True for an int that is not a bool (JSON's true is not an offset)."""
    return isinstance(value, int) and not isinstance(value, bool)


def offset_problem(value: object) -> str | None:
    """Why ``value`` is not an offset into a text: a whole number, not negative."""
    if type(value) is int and value >= 0:  # (not a bool: JSON's true is not an offset)
        return None
    if not is_integer(value):
        return f"must be a whole number, not {kind_of(value)}"
    return f"{value} is before the start of the text"


def text_problem(value: object) -> str | None:
    """Why ``value`` is not a string Postil can store (``None`` if it is one)."""
    if not isinstance(value, str):
        return f"must be a string, not {kind_of(value)}"
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "holds a lone surrogate (not valid Unicode text)"
    return None


def name_problem(value: object, may_be_empty: bool = False) -> str | None:
    """Why ``value`` is not a name (a label, an id): a non-blank one-line string without control characters."""
    if isinstance(value, str) and value.isascii() and value.isprintable() and len(value) <= NAME_LIMIT and (value.strip() or may_be_empty and not value):
        return None  # the usual name, told in one pass of each test (a book's 100,000 ids are checked on open)
    problem = text_problem(value)
    if problem:
        return problem
    if not value.strip():
        return None if may_be_empty and not value else "must not be blank"
    if len(value) > NAME_LIMIT:
        return f"is {len(value)} characters long (at most {NAME_LIMIT})"
    if _CONTROL.search(value):
        return "must not hold control characters (tabs, newlines, escapes)"
    return None


def id_problem(value: object) -> str | None:
    """Why ``value`` is not an id or the empty string (no id)."""
    return name_problem(value, may_be_empty=True)


def optional(check: Check) -> Check:
    """``check`` that also takes null (a value that is not set)."""

    def check_or_null(value: object) -> str | None:
        return None if value is None else check(value)

    return check_or_null


def one_of(choices: tuple[str, ...]) -> Check:
    """A check that ``value`` is one of ``choices``."""

    def check(value: object) -> str | None:
        if isinstance(value, str) and value in choices:
            return None
        shown = quoted(value) if isinstance(value, str) else kind_of(value)
        return f"{shown} is not one of {', '.join(choices)}"

    return check


def object_problem(value: object) -> str | None:
    """Why ``value`` is not an object (a JSON dict)."""
    return None if isinstance(value, dict) else f"must be an object, not {kind_of(value)}"


def span_problem(value: object) -> str | None:
    """Why ``value`` is not ``[start, end]``: two offsets, start before end."""
    if not isinstance(value, (list, tuple)) or len(value) != 2 or not all(is_integer(offset) for offset in value):
        return f"must be [start, end], not {kind_of(value)}"
    if not 0 <= value[0] < value[1]:
        return f"{value[0]}-{value[1]} is not a span"
    return None


def list_of(item_check: Check, items: str, item: str = "") -> Check:
    """A check that a value is a list of ``items`` (named so in its message), each of which
    ``item_check`` takes; a refused one is named by ``item`` and its index."""

    def check(value: object) -> str | None:
        if not isinstance(value, (list, tuple)):  # msgpack (DocBin user data) gives tuples
            return f"must be a list of {items}, not {kind_of(value)}"
        for index, element in enumerate(value):
            problem = item_check(element)
            if problem:
                return f"{item}{index} {problem}"
        return None

    return check


# A list of [start, end] (a claim's content), and a list of names (an entity's aliases).
spans_problem = list_of(span_problem, "[start, end]")
texts_problem = list_of(text_problem, "names")


def checked(record: dict, checks: dict[str, Check]) -> list[Problem]:
    """``(field, reason)`` for each field of ``record`` that ``checks`` names and its check refuses."""
    if len(checks) < len(record):
        return [(name, problem) for name, check in checks.items() if name in record and (problem := check(record[name]))]
    return [(name, problem) for name, value in record.items() if (check := checks.get(name)) and (problem := check(value))]
