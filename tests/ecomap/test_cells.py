"""Cells safe for spreadsheets and XML: properties over any text."""

from __future__ import annotations

from xml.etree import ElementTree
from xml.sax.saxutils import escape, quoteattr

from hypothesis import given
from hypothesis import strategies as st

from ecomap.cells import FORMULA_STARTS, csv_cell, xml_text


@given(st.text())
def test_xml_text_is_always_well_formed_in_text_and_attributes(text: str) -> None:
    safe = xml_text(text)
    ElementTree.fromstring(f"<a b={quoteattr(safe)}>{escape(safe)}</a>")


@given(st.text(st.characters(exclude_categories=("Cc", "Cs"))))
def test_xml_text_leaves_text_without_controls_alone(text: str) -> None:
    if "\ufffe" not in text and "\uffff" not in text:
        assert xml_text(text) == text


@given(st.text())
def test_a_csv_cell_never_starts_a_formula(text: str) -> None:
    cell = csv_cell(text)
    assert isinstance(cell, str)
    assert not cell.startswith(FORMULA_STARTS)
    assert cell in (text, "'" + text)


@given(st.integers() | st.floats(allow_nan=False) | st.none() | st.booleans())
def test_values_that_are_not_text_pass_unchanged(value: object) -> None:
    assert csv_cell(value) is value
