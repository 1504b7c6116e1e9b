"""The label scheme: which entity labels, claim types and verdicts a database uses.

A :class:`Scheme` is kept per database (in its meta table) and read by the app, the model's
suggestions and the exports. Its labels carry the key that applies each and the colour it is
drawn in; its verdicts the letter that sets each in the verdict picker and the ClaimReview
rating it stands for. ``unverified`` (no verdict yet) belongs to every scheme and has no
rating. The presets are OntoNotes (the default), CoNLL-2003 and OntoNotes with a six-step
fact-checking scale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cached_property

from tui.model.fields import kind_of, name_problem, quoted

UNVERIFIED = "unverified"
CLAIM_COLOR = "#ffd75f"
OTHER_COLOR = "#a8a8a8"
# Dates, times, numbers and products never speak ("Three said ..." has no source): neither the
# model nor the claim editor's speaker picker offers them as a claim's speaker. These are the
# model's (OntoNotes) labels; a scheme says which of its own labels may speak.
NEVER_SPEAKER_LABELS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY", "PRODUCT"})
# Every label the model (spaCy's en_core_web_sm, trained on OntoNotes 5) can give.
MODEL_LABELS = (
    "PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW",
    "LANGUAGE", "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL",
)


@dataclass(frozen=True)
class Label:
    """An entity label with the key that applies it (a digit or a letter, or "" for none) and
    the colour it is drawn in."""

    name: str
    key: str
    color: str
    description: str = ""


@dataclass(frozen=True)
class Verdict:
    """A verdict with the letter that sets it in the verdict picker and its ClaimReview
    ``ratingValue`` (the worst verdict has the lowest)."""

    name: str
    key: str
    rating: int
    description: str = ""


@dataclass(frozen=True)
class Scheme:
    """A database's labels, claim types and verdict scale."""

    name: str
    labels: tuple[Label, ...]
    claim_types: tuple[str, ...] = ("quote", "reported", "assertion", "evidence")
    verdicts: tuple[Verdict, ...] = ()
    # The labels whose entities may be a claim's speaker.
    speaker_labels: frozenset[str] = frozenset()
    # What each model label becomes in this scheme; a model label not named is hidden.
    model_labels: dict[str, str] = field(default_factory=dict, hash=False, compare=True)

    def label(self, name: str) -> Label | None:
        """The label called ``name``, if the scheme has it."""
        return self._labels_by_name.get(name)

    @cached_property
    def _labels_by_name(self) -> dict[str, Label]:
        """Each label by its name (the first of a name wins), looked up for every mark the article draws."""
        return {label.name: label for label in reversed(self.labels)}

    @cached_property
    def label_names(self) -> tuple[str, ...]:
        return tuple(label.name for label in self.labels)

    @cached_property
    def entity_labels(self) -> frozenset[str]:
        """Every label an entity may have under this scheme: its own, and those it makes of the
        model's (which may be model labels it does not list, such as CARDINAL)."""
        return frozenset(self.label_names) | frozenset(self.model_labels.values())

    def label_for_key(self, key: str) -> Label | None:
        """The label bound to ``key``, if any."""
        return next((label for label in self.labels if label.key and label.key == key), None)

    def color_for(self, name: str) -> str:
        """The colour of a label; labels outside the scheme share one."""
        label = self.label(name)
        return label.color if label else OTHER_COLOR

    def may_speak(self, label: str) -> bool:
        """Whether an entity of ``label`` may be a claim's speaker."""
        return label in self.speaker_labels

    @property
    def verdict_names(self) -> tuple[str, ...]:
        """Every verdict a claim may have: ``unverified`` first, then the scale's."""
        return (UNVERIFIED, *(verdict.name for verdict in self.verdicts))

    def verdict(self, name: str) -> Verdict | None:
        return next((verdict for verdict in self.verdicts if verdict.name == name), None)

    @property
    def worst_rating(self) -> int:
        return min((verdict.rating for verdict in self.verdicts), default=1)

    @property
    def best_rating(self) -> int:
        return max((verdict.rating for verdict in self.verdicts), default=1)

    def from_model(self, model_label: str) -> str | None:
        """The scheme's label for a model label, or None when the scheme hides it."""
        return self.model_labels.get(model_label) or None

    def to_dict(self) -> dict:
        """The scheme as plain data (what the meta table, ``postil scheme show`` and a scheme
        file hold); :func:`scheme_from_dict` reads it back."""
        return {
            "name": self.name,
            "labels": [{"name": x.name, "key": x.key, "color": x.color, "description": x.description} for x in self.labels],
            "claim_types": list(self.claim_types),
            "verdicts": [{"name": v.name, "key": v.key, "rating": v.rating, "description": v.description} for v in self.verdicts],
            "speaker_labels": sorted(self.speaker_labels),
            "model_labels": dict(sorted(self.model_labels.items())),
        }


ONTONOTES_LABELS = (
    Label("PERSON", "1", "#5fafff", "People, real or fictional"),
    Label("ORG", "2", "#ffaf5f", "Companies, agencies, institutions"),
    Label("GPE", "3", "#87d75f", "Countries, cities, states"),
    Label("LOC", "4", "#5fd7af", "Non-political places: regions, rivers, mountains"),
    Label("DATE", "5", "#d7af87", "Dates and periods"),
    Label("PRODUCT", "6", "#d787ff", "Products, software, vehicles"),
    Label("EVENT", "7", "#ff87af", "Named events: meetings, wars, storms"),
    Label("NORP", "8", "#afaf5f", "Nationalities, religious or political groups"),
    Label("LAW", "9", "#87afd7", "Named laws, bills and regulations"),
)
# Postil's own verdict scale; the ratings run from false (1) to true (6).
POSTIL_VERDICTS = (
    Verdict("true", "t", 6, "Accurate, nothing significant missing"),
    Verdict("mostly-true", "m", 5, "Accurate but needs clarification or context"),
    Verdict("mixed", "x", 4, "Partly accurate, partly not"),
    Verdict("misleading", "l", 3, "Accurate elements, but leaves a false impression"),
    Verdict("false", "f", 1, "Not accurate"),
    Verdict("unsupported", "s", 2, "No evidence for it was found"),
)
# The six-step scale many fact-checkers publish, true (6) to pants on fire (1).
FACTCHECK_VERDICTS = (
    Verdict("true", "t", 6, "Accurate, nothing significant missing"),
    Verdict("mostly-true", "m", 5, "Accurate but needs clarification or more information"),
    Verdict("half-true", "h", 4, "Partially accurate, leaves out details or takes things out of context"),
    Verdict("mostly-false", "o", 3, "Some truth, but ignores facts that would give a different impression"),
    Verdict("false", "f", 2, "Not accurate"),
    Verdict("pants-on-fire", "p", 1, "Not accurate and makes a ridiculous claim"),
)
# The model's labels as they are (a scheme of OntoNotes labels).
_MODEL_AS_IS = {label: label for label in MODEL_LABELS}

ONTONOTES = Scheme(
    name="ontonotes",
    labels=ONTONOTES_LABELS,
    verdicts=POSTIL_VERDICTS,
    speaker_labels=frozenset(MODEL_LABELS) - NEVER_SPEAKER_LABELS,
    model_labels=_MODEL_AS_IS,
)
CONLL2003 = Scheme(
    name="conll2003",
    labels=(
        Label("PER", "1", "#5fafff", "People"),
        Label("ORG", "2", "#ffaf5f", "Organisations"),
        Label("LOC", "3", "#87d75f", "Locations: countries, cities, regions, places"),
        Label("MISC", "4", "#d787ff", "Other names: nationalities, events, works, laws, products"),
    ),
    verdicts=POSTIL_VERDICTS,
    speaker_labels=frozenset({"PER", "ORG"}),
    model_labels={
        "PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC",
        "NORP": "MISC", "EVENT": "MISC", "WORK_OF_ART": "MISC", "LAW": "MISC", "LANGUAGE": "MISC", "PRODUCT": "MISC",
    },
)
FACTCHECK = replace(ONTONOTES, name="factcheck", verdicts=FACTCHECK_VERDICTS)
PRESETS = {scheme.name: scheme for scheme in (ONTONOTES, CONLL2003, FACTCHECK)}
DEFAULT_SCHEME = ONTONOTES


def scheme_label(scheme: Scheme, label: str) -> str | None:
    """What an entity label from the model or the user's corrections is in ``scheme``: a label
    of the scheme stays, another model label becomes the scheme's counterpart (None when the
    scheme hides it), any other is hidden."""
    if scheme.label(label) is not None:
        return label
    return scheme.from_model(label) if label in MODEL_LABELS else None


def suggestions_in_scheme(annotations: list, entities: list, scheme: Scheme) -> tuple[list, list]:
    """The model's suggestions (annotations and entities, made with OntoNotes labels) as
    ``scheme`` has them: each mention and entity takes the scheme's label or is left out, and
    a claim whose speaker entity is left out keeps the speaker's name as text."""
    if scheme.model_labels == _MODEL_AS_IS and set(scheme.label_names) <= set(MODEL_LABELS):
        return annotations, entities  # the model's own labels (OntoNotes): nothing to map
    kept_entities, hidden = [], {}
    for entity in entities:
        label = scheme_label(scheme, entity.label)
        if label is None:
            hidden[entity.entity_id] = entity.name
        else:
            kept_entities.append(entity if label == entity.label else replace(entity, label=label))
    kept = []
    for annotation in annotations:
        if annotation.is_entity:
            label = scheme_label(scheme, annotation.label)
            if label is not None and annotation.attrs.get("entity_id") not in hidden:
                kept.append(annotation if label == annotation.label else replace(annotation, label=label))
        elif annotation.is_claim and annotation.attrs.get("speaker") in hidden:
            kept.append(replace(annotation, attrs={**annotation.attrs, "speaker": hidden[annotation.attrs["speaker"]]}))
        else:
            kept.append(annotation)
    return kept, kept_entities


class SchemeError(ValueError):
    """A scheme that cannot be used; the message names the field and says why."""


# The single keys the annotation screen already binds, which a label cannot take
# (tests/test_scheme.py checks this against the screen's bindings).
RESERVED_LABEL_KEYS = frozenset("acdefghjklmnoqrstuvwxyADGJKLNPSUVY")
_COLOR = re.compile(r"#[0-9a-fA-F]{6}")
_SCHEME_FIELDS = ("preset", "name", "labels", "claim_types", "verdicts", "speaker_labels", "model_labels")
_LABEL_FIELDS = ("name", "key", "color", "description")
_VERDICT_FIELDS = ("name", "key", "rating", "description")


def _name(value: object, field_name: str) -> str:
    problem = name_problem(value)
    if problem:
        raise SchemeError(f"{field_name}: {problem}")
    if len(value) > 64 or any(c.isspace() for c in value):  # type: ignore[arg-type]
        raise SchemeError(f"{field_name}: {quoted(value)} must be one word of at most 64 characters")
    return value  # type: ignore[return-value]


def _text(value: object, field_name: str) -> str:
    problem = name_problem(value, may_be_empty=True)
    if problem:
        raise SchemeError(f"{field_name}: {problem}")
    return value  # type: ignore[return-value]


def _key(value: object, field_name: str, may_be_empty: bool) -> str:
    if not isinstance(value, str):
        raise SchemeError(f"{field_name}: must be a string, not {kind_of(value)}")
    if value == "" and may_be_empty:
        return value
    if len(value) != 1 or not (value.isascii() and value.isalnum()):
        raise SchemeError(f"{field_name}: {quoted(value)} is not one digit or letter")
    return value


def _list(value: object, field_name: str) -> list:
    if not isinstance(value, list):
        raise SchemeError(f"{field_name}: must be a list, not {kind_of(value)}")
    return value


def _record(value: object, field_name: str, fields: tuple[str, ...]) -> dict:
    if not isinstance(value, dict):
        raise SchemeError(f"{field_name}: must be a table/object, not {kind_of(value)}")
    unknown = sorted(set(value) - set(fields))
    if unknown:
        raise SchemeError(f"{field_name}.{unknown[0]}: unknown field (known: {', '.join(fields)})")
    return value


def _unique(names: list[str], field_name: str, what: str) -> None:
    seen: dict[str, int] = {}
    for index, name in enumerate(names):
        if name in seen:
            raise SchemeError(f"{field_name}.{index}: {what} {quoted(name)} is also {field_name}.{seen[name]}'s")
        seen[name] = index


def _label_from(value: object, field_name: str) -> Label:
    record = _record(value, field_name, _LABEL_FIELDS)
    if "name" not in record:
        raise SchemeError(f"{field_name}.name: is missing")
    key = _key(record.get("key", ""), f"{field_name}.key", may_be_empty=True)
    if key in RESERVED_LABEL_KEYS:
        raise SchemeError(f"{field_name}.key: {key!r} is already a key of the annotation screen (free letters: {_free_letters()})")
    color = record.get("color", OTHER_COLOR)
    if not isinstance(color, str) or not _COLOR.fullmatch(color):
        raise SchemeError(f"{field_name}.color: {quoted(color)} is not a colour #rrggbb")
    return Label(_name(record["name"], f"{field_name}.name"), key, color.lower(), _text(record.get("description", ""), f"{field_name}.description"))


def _verdict_from(value: object, field_name: str) -> Verdict:
    record = _record(value, field_name, _VERDICT_FIELDS)
    for required in ("name", "key", "rating"):
        if required not in record:
            raise SchemeError(f"{field_name}.{required}: is missing")
    name = _name(record["name"], f"{field_name}.name")
    if name == UNVERIFIED:
        raise SchemeError(f"{field_name}.name: {UNVERIFIED!r} belongs to every scheme (no verdict yet); leave it out")
    rating = record["rating"]
    if isinstance(rating, bool) or not isinstance(rating, int):
        raise SchemeError(f"{field_name}.rating: must be a whole number, not {kind_of(rating)}")
    return Verdict(name, _key(record["key"], f"{field_name}.key", may_be_empty=False), rating, _text(record.get("description", ""), f"{field_name}.description"))


def _free_letters() -> str:
    return " ".join(c for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in RESERVED_LABEL_KEYS)


def scheme_from_dict(data: object) -> Scheme:
    """A scheme from plain data (a parsed scheme file, the meta table's record); raises
    :class:`SchemeError` naming the first bad field.

    ``preset = "NAME"`` starts from that preset and the other fields given replace its own;
    without it every field but ``name`` is required (``claim_types`` defaults to the four
    Postil knows, ``model_labels`` to none, so the model suggests nothing).
    """
    if not isinstance(data, dict):
        raise SchemeError(f"scheme: must be a table/object, not {kind_of(data)}")
    unknown = sorted(set(data) - set(_SCHEME_FIELDS))
    if unknown:
        raise SchemeError(f"{unknown[0]}: unknown field (known: {', '.join(_SCHEME_FIELDS)})")
    base: dict = {}
    if "preset" in data:
        preset = data["preset"]
        if preset not in PRESETS:
            raise SchemeError(f"preset: {quoted(preset)} is not a preset (presets: {', '.join(PRESETS)})")
        base = PRESETS[preset].to_dict()
    elif "labels" not in data:
        raise SchemeError("labels: is missing (or name a preset to start from)")
    merged = {**base, **{k: v for k, v in data.items() if k != "preset"}}
    name = _name(merged.get("name", "custom"), "name")
    labels = tuple(_label_from(value, f"labels.{n}") for n, value in enumerate(_list(merged["labels"], "labels")))
    if not labels:
        raise SchemeError("labels: a scheme needs at least one label")
    _unique([label.name for label in labels], "labels", "name")
    _unique([label.key for label in labels if label.key], "labels", "key")
    claim_types = tuple(_name(value, f"claim_types.{n}") for n, value in enumerate(_list(merged.get("claim_types", list(Scheme.claim_types)), "claim_types")))
    if not claim_types:
        raise SchemeError("claim_types: a scheme needs at least one claim type")
    _unique(list(claim_types), "claim_types", "type")
    verdicts = tuple(_verdict_from(value, f"verdicts.{n}") for n, value in enumerate(_list(merged.get("verdicts", []), "verdicts")))
    _unique([verdict.name for verdict in verdicts], "verdicts", "name")
    _unique([verdict.key for verdict in verdicts], "verdicts", "key")
    known = {label.name for label in labels} | set(MODEL_LABELS)
    speakers = _list(merged.get("speaker_labels", []), "speaker_labels")
    for n, value in enumerate(speakers):
        if _name(value, f"speaker_labels.{n}") not in known:
            raise SchemeError(f"speaker_labels.{n}: {quoted(value)} is not a label of the scheme")
    mapping = merged.get("model_labels", {})
    if not isinstance(mapping, dict):
        raise SchemeError(f"model_labels: must be a table/object, not {kind_of(mapping)}")
    for model_label, target in mapping.items():
        if model_label not in MODEL_LABELS:
            raise SchemeError(f"model_labels.{model_label}: not a label of the model (it gives {', '.join(MODEL_LABELS)})")
        if target != "" and _name(target, f"model_labels.{model_label}") not in known:
            raise SchemeError(f"model_labels.{model_label}: {quoted(target)} is not a label of the scheme")
    return Scheme(name, labels, claim_types, verdicts, frozenset(speakers), {k: v for k, v in mapping.items() if v})
