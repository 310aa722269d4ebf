"""One unit table (lawrep_nlp/data/units.tsv) for the tokenizer, the quantity recognizer and the
canonical mapper; one list of approximation words and multipliers (lawrep_nlp.numerals)."""

import re

import pytest

from lawrep_nlp import numerals
from lawrep_nlp.pipes.quantities import recognizer
from lawrep_nlp.tokenizer import rules
from lawrep_nlp.units import quantity_units, read_units, segmentation_units


def test_the_shipped_pipeline_uses_the_package_unit_table(nlp):
    assert nlp.tokenizer.units == segmentation_units()
    assert nlp.get_pipe("lawrep_quantities").rules.units == quantity_units()


def test_every_quantity_unit_is_also_cut_by_the_tokenizer():
    assert set(quantity_units()) <= segmentation_units()
    assert {unit.dimension for unit in read_units()} >= {"count", "people", "rate", "money", "time", "area"}


def test_approximation_words_and_multipliers_have_one_source():
    assert recognizer.TRAILING_APPROX is numerals.APPROX_AFTER_UNIT
    assert recognizer.LEADING_APPROX is numerals.APPROX_BEFORE_UNIT
    assert rules.NUMBER_SUFFIXES is numerals.APPROX_BEFORE_UNIT
    assert set(numerals.MULTIPLIER_CHARS) <= set(rules.DIGITS_AND_MULTIPLIERS)


@pytest.mark.parametrize(("text", "quantity", "value", "unit", "dimension", "approx"), [
    ("清运垃圾120立方米。", "120立方米", 120.0, "立方米", "volume", None),
    ("参与群众五百人许。", "五百人许", 500.0, "人", "people", "许"),
    ("化解纠纷5千件。", "5千件", 5000.0, "件", "count", None),
    ("检查企业30余家。", "30余家", 30.0, "家", "count", "余"),
])
def test_units_approximation_words_and_multipliers_in_the_pipeline(nlp, text, quantity, value, unit, dimension, approx):
    (ent,) = [e for e in nlp(text).ents if e.label_ == "QUANTITY"]
    assert (ent.text, ent._.value, ent._.unit, ent._.dimension, ent._.approx) == (quantity, value, unit, dimension,
                                                                                  approx)


def test_a_bad_unit_table_row_is_a_clear_error(tmp_path):
    table = tmp_path / "units.tsv"
    table.write_text("件\tcount\tyes\n人次\tpeople\n", encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape("units.tsv:2: expected unit<TAB>dimension<TAB>yes|no")):
        read_units(table)


def test_a_unit_table_row_separated_by_spaces_is_a_clear_error(tmp_path):
    """From the mutation-testing audit: fields are separated by tabs only."""
    table = tmp_path / "units.tsv"
    table.write_text("# comment\n\n件 count yes\n", encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape("units.tsv:3: expected unit<TAB>dimension<TAB>yes|no")):
        read_units(table)
