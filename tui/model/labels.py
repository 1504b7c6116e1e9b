"""The label scheme: which labels exist, their keys and their colours."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Label:
    """A label with the digit key that applies it and the colour it is drawn in."""

    name: str
    key: str
    color: str
    description: str


DEFAULT_SCHEME: tuple[Label, ...] = (
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
# Dates, times, numbers and products never speak ("Three said ..." has no source): neither the
# model nor the claim editor's speaker picker offers them as a claim's speaker.
NEVER_SPEAKER_LABELS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY", "PRODUCT"})
CLAIM_COLOR = "#ffd75f"
OTHER_COLOR = "#a8a8a8"

_BY_NAME = {label.name: label for label in DEFAULT_SCHEME}


def label_for_key(key: str) -> Label | None:
    """The label bound to a digit key, if any."""
    return next((label for label in DEFAULT_SCHEME if label.key == key), None)


def color_for(name: str) -> str:
    """The colour of a label; labels outside the scheme (e.g. a model's CARDINAL) share one."""
    label = _BY_NAME.get(name)
    return label.color if label else OTHER_COLOR
