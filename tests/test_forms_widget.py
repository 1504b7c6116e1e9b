"""The dialogs' form pieces without a running app (tui/widgets/forms.py): a Choice's values step
and wrap, a value from an import counts as the first option, and a form row is a label and a field."""

from __future__ import annotations

from textual.widgets import Static

from tui.widgets.forms import Choice, field_row, step_value

VERDICTS = ("unverified", "true", "false")


def test_step_value_moves_and_wraps_both_ways():
    assert step_value(VERDICTS, "unverified", 1) == "true"
    assert step_value(VERDICTS, "false", 1) == "unverified"
    assert step_value(VERDICTS, "unverified", -1) == "false"
    assert step_value(VERDICTS, "made-up", 1) == "true"  # an unknown value counts as the first


def test_a_choice_starts_on_an_offered_value_and_a_row_holds_its_label_and_field():
    assert Choice(VERDICTS, "true", id="verdict").value == "true"
    assert Choice(VERDICTS, "made-up", id="verdict").value == "unverified"
    field = Choice(VERDICTS, "true", id="verdict")
    row = field_row("Verdict", field)
    label, held = row._pending_children
    assert isinstance(label, Static) and str(label.content) == "Verdict" and held is field
    assert row.has_class("field-row") and label.has_class("field-label")
