"""The curated tables that ship as CSV under schema/: read from there, and checked."""

from __future__ import annotations

import csv
from importlib import resources

import pytest

from allegiance.exc import InputError
from allegiance.loaders import acled, mmp, ucdp
from allegiance.loaders.tabular import packaged_table, parse_table


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("allegiance.schema").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def test_the_readers_tables_are_the_data_files():
    assert ucdp.GW == {int(r["gw"]): (r["iso"] or None, r["name"]) for r in _rows("gleditsch_ward.csv")}
    assert ucdp.GW[620] == ("LY", "Libya") and ucdp.GW[265] == (None, "East Germany")
    assert acled._ISO == {r["numeric"]: r["alpha2"] for r in _rows("acled_iso.csv")}
    assert acled._ISO["434"] == "LY"
    assert mmp.CORRECTIONS == {r["unique_id"]: (r["action"], r["reason"]) for r in _rows("mmp_corrections.csv")}
    assert mmp.ACTOR_TYPES == {r["group_id"]: r["type"] for r in _rows("mmp_actor_types.csv")}
    assert mmp.ACTOR_TYPES["511"] == "unit"


CELLS = {"gw": (r"\d+", "a number"), "iso": (r"[A-Z]{2}|", "a code or nothing")}


@pytest.mark.parametrize("text, message", [
    ("gw,iso\n620,LY\n2,us\n", "schema/t.csv, line 3, field 'iso': expected a code or nothing, got 'us'"),
    ("gw,iso\n620,LY\n620,\n", "schema/t.csv, line 3, field 'gw': gw 620 is given twice (first at line 2)"),
    ("gw,name\n620,LY\n", "schema/t.csv, line 1: expected the columns gw, iso, got 'gw', 'name'"),
    ("gw,gw\n", "schema/t.csv, line 1, field 'gw': column given twice in the header (columns 1 and 2)"),
    ("", "schema/t.csv, line 1: expected the columns gw, iso, got none"),
    ("gw,iso\n620\n", "schema/t.csv, line 2: expected 2 cells as in the header, got 1"),
])
def test_a_damaged_table_is_an_error_naming_it(text, message):
    with pytest.raises(InputError) as info:
        parse_table(text, "schema/t.csv", CELLS, key="gw")
    assert str(info.value) == message


def test_a_missing_table_is_an_error_naming_it():
    with pytest.raises(InputError) as info:
        packaged_table("nothing.csv", CELLS, key="gw")
    assert str(info.value).startswith("schema/nothing.csv: cannot read this packaged table: ")


def test_a_good_table_keeps_its_rows_in_order():
    assert parse_table("gw,iso\n620,LY\n\n265,\n", "t", CELLS, key="gw") == [
        {"gw": "620", "iso": "LY"}, {"gw": "265", "iso": ""}]
