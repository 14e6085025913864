"""Inputs that made ``load`` print a Python traceback, or that it silently accepted (issue 8,
sections 5 and 7): each now gets its exact ``Error: FILE, RECORD/LINE, field 'F': ...``,
exit 1, and leaves the store unchanged.

One tiny fixture per failure mode under tests/fixtures/untrusted/; inputs too big to keep
there (100,000 levels of nesting) are written into tmp_path.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from allegiance.cli import cli
from allegiance.exc import AllegianceError
from allegiance.loaders import read_records
from allegiance.loaders.assemble import Assembler
from allegiance.loaders.cameo_map import load_mapping
from allegiance.loaders.untrusted import shown
from tests.conftest import FIXTURES

HERE = FIXTURES / "untrusted"
GDELT = str(FIXTURES / "cameo" / "gdelt-1.0-daily.tsv")
L9 = "statements[0], line 9"
DATE = "expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got"
WEIGHT = "expected a whole number from 0 to 9223372036854775807, got"
SURROGATE = "expected text, got a lone UTF-16 surrogate {} (half of a pair, not a character)"
# file -> (the load command's arguments before the file, the message after "Error: FILE")
EXPECTED = {
    # 1. impossible dates that YAML's timestamps turned into Python errors
    "date-month.yaml": ((), f", {L9}, field 'start': {DATE} '2020-13-45': month 13 does not exist"),
    "date-day.yaml": ((), f", {L9}, field 'start': {DATE} '2020-02-30': day 30 does not exist"),
    "date-year-zero.yaml": ((), f", {L9}, field 'start': {DATE} '0000-01-01': there is no year 0"),
    "date-tagged.yaml": ((), f", {L9}, field 'start': {DATE} '2020-13-45': month 13 does not exist"),
    # 3. and 8. weights and numbers
    "weight-inf.yaml": ((), f", {L9}, field 'weight': {WEIGHT} inf"),
    "weight-infinity.json": ((), f", statements[0], field 'weight': {WEIGHT} inf"),
    "weight-1e400.json": ((), f", statements[0], field 'weight': {WEIGHT} inf"),
    "weight-2-63.yaml": ((), f", {L9}, field 'weight': {WEIGHT} 9223372036854775808"),
    "weight-2-63.csv": ((), f", line 2, field 'weight': {WEIGHT} '9223372036854775808'"),
    "weight-fraction.yaml": ((), f", {L9}, field 'weight': {WEIGHT} 0.5"),
    "confidence-true.yaml": ((), f", {L9}, field 'confidence': expected a number from 0 to 1, got True"),
    "long-number.yaml": ((), ", line 9, column 76, field 'weight': a number of 101 characters; at most 100 are read"),
    "tagged-int.yaml": ((), ", line 9, column 76, field 'weight': expected a whole number, got 'abc'"),
    # 4. lone surrogates
    "surrogate-quote.json": ((), f", statements[0], field 'quote': {SURROGATE.format(chr(92) + 'ud800')}"),
    "surrogate-name.jsonl": ((), f", line 1, field 'name': {SURROGATE.format(chr(92) + 'udc00')}"),
    "surrogate-title.yaml": ((), f", sources[0], line 2, field 'title': {SURROGATE.format(chr(92) + 'ud800')}"),
    # 5. dataset ids
    "ucdp-esd-ay-181-ext-id.csv": (("--format", "ucdp-esd"), ", line 2, field 'ext_id': expected UCDP actor ids "
                                   "separated by commas, got '116,PUK'"),
    "icews-event-id.tab": (("--format", "cameo"), f", line 2, field 'Event ID': {WEIGHT} '9223372036854775808'"),
    "gdelt-event-id.tsv": (("--format", "cameo"), f", line 1, field 'GLOBALEVENTID': {WEIGHT} '9223372036854775808'"),
    # 6. aliases
    "billion-laughs.yaml": ((), ", line 6, column 8: aliases (*name) stand for more than 100,000 values in all; "
                            "write the values out, or use fewer aliases"),
    "alias-loop.yaml": ((), ", line 2, column 5: the alias *s is inside the value it names (a value with no end)"),
    # 7. keys and columns given twice
    "duplicate-key.yaml": ((), ", line 9, column 68, field 'object': duplicate key in one mapping "
                           "(first at line 9, column 43)"),
    "duplicate-key.json": ((), ", line 2, column 3, field 'object': duplicate key in the object that starts here"),
    "duplicate-key.jsonl": ((), ", line 2, column 1, field 'object': duplicate key in the object that starts here"),
    "duplicate-column.csv": ((), ", line 1, field 'object': column given twice in the header (columns 3 and 5)"),
    "cameo-map-duplicate.yaml": (("--format", "cameo", GDELT, "--cameo-map"),
                                 ", line 3, column 3, field '042': duplicate key in one mapping (first at line 2, column 3)"),
}
LOADS = {"cameo-map-date.yaml"}  # tested below: they must load


def test_every_fixture_has_an_expected_message():
    assert sorted(p.name for p in HERE.iterdir() if p.name != "README.md") == sorted([*EXPECTED, *LOADS])


def _refused(store: str, args: list[str], named: str, message: str) -> None:
    """``load ARGS`` fails on the file ``named`` with ``message`` and leaves the store as it was."""
    runner = CliRunner()
    good = runner.invoke(cli, ["load", str(FIXTURES / "bundle.yaml"), "--store", store])
    assert good.exit_code == 0, good.output
    result = runner.invoke(cli, ["load", *args, "--store", store])
    assert (result.exit_code, result.stderr) == (1, f"Error: {named}{message}\n")
    assert "Traceback" not in result.output
    after = runner.invoke(cli, ["stats", "--format", "json", "--store", store])
    assert json.loads(after.stdout)["statements"] == 6


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_untrusted_input_is_refused_exactly_and_changes_nothing(name, tmp_path):
    args, message = EXPECTED[name]
    path = str(HERE / name)
    _refused(str(tmp_path / "s.db"), [*args, path], path, message)


DEEP = 100_000
NESTED = {
    "json": ("[" * DEEP + "]" * DEEP, ", line 1, column 51: lists and objects nested more than 50 levels deep"),
    "jsonl": ('{"a":' * DEEP + "1" + "}" * DEEP, ", line 1, column 251: lists and objects nested more than 50 levels deep"),
    "yaml": ("statements:" + " [" * DEEP + " ]" * DEEP,
             ", line 1, column 111: lists and mappings nested more than 50 levels deep"),
}


@pytest.mark.parametrize("fmt", sorted(NESTED))
@pytest.mark.parametrize("role", ["file", "--actors"])
def test_deep_nesting_is_refused_with_the_limit(fmt, role, tmp_path):
    text, message = NESTED[fmt]
    path = tmp_path / f"deep.{fmt}"
    path.write_text(text, encoding="utf-8")
    # an alias file (--actors) is read before the files to load, whatever their format
    args = ["--actors", str(path), str(FIXTURES / "bundle.yaml")] if role == "--actors" else [str(path)]
    _refused(str(tmp_path / "s.db"), args, str(path), message)


def test_deep_nesting_in_a_cameo_map_is_refused(tmp_path):
    path = tmp_path / "map.yaml"
    path.write_text("codes:" + " [" * DEEP + " ]" * DEEP, encoding="utf-8")
    _refused(str(tmp_path / "s.db"), ["--format", "cameo", GDELT, "--cameo-map", str(path)], str(path),
             ", line 1, column 106: lists and mappings nested more than 50 levels deep")


def test_a_cameo_map_keeps_a_date_like_label_as_text():
    assert load_mapping(str(HERE / "cameo-map-date.yaml")).codes["042"].label == "2020-13-45"


def _statements(path):
    assembler = Assembler()
    return assembler, list(assembler.statements(read_records(str(path))))


def test_valid_unquoted_dates_load_exactly_as_quoted_ones(tmp_path):
    bundle = """
        sources: [{id: s1, title: Report, published: 2020-05-21}]
        actors: [{id: a, name: A}, {id: b, name: B}]
        statements:
          - {subject: a, relation: supports, object: b, start: 2020-05-18, end: 2021, source: s1}
          - {subject: a, relation: opposes, object: b, on: 2020-05, source: s1}
          - {subject: b, relation: supports, object: a, start: 2019-02-28, end: 2020-02-29, source: s1}
    """
    unquoted, quoted = tmp_path / "unquoted.yaml", tmp_path / "quoted.yaml"
    unquoted.write_text(bundle, encoding="utf-8")
    for date in ("2020-05-21", "2020-05-18", "2021", "2020-05", "2019-02-28", "2020-02-29"):
        bundle = bundle.replace(f": {date}", f': "{date}"')
    quoted.write_text(bundle, encoding="utf-8")
    (one, first), (other, second) = _statements(unquoted), _statements(quoted)
    assert first == second
    assert [(str(s.start), str(s.end), str(s.on)) for s in first] == [
        ("2020-05-18", "2021", "None"), ("None", "None", "2020-05"), ("2019-02-28", "2020-02-29", "None")]
    assert str(one.sources["s1"].published) == str(other.sources["s1"].published) == "2020-05-21"


def test_whole_weights_load_from_every_format(tmp_path):
    (tmp_path / "w.csv").write_text("subject,relation,object,source,weight\na,supports,b,s1,12\n", encoding="utf-8")
    (tmp_path / "w.json").write_text(json.dumps([{"subject": "a", "relation": "supports", "object": "b",
                                                  "source": "s1", "weight": 12.0}]), encoding="utf-8")
    (tmp_path / "w.yaml").write_text("- {subject: a, relation: supports, object: b, source: s1, weight: 12}\n",
                                     encoding="utf-8")
    head = tmp_path / "head.yaml"
    head.write_text("sources: [{id: s1}]\nactors: [{id: a, name: A}, {id: b, name: B}]\n", encoding="utf-8")
    for name in ("w.csv", "w.json", "w.yaml"):
        assembler = Assembler()
        statements = list(assembler.statements([*read_records(str(head)), *read_records(str(tmp_path / name))]))
        assert [s.weight for s in statements] == [12], name


def test_a_message_never_quotes_a_value_unbounded(tmp_path):
    path = tmp_path / "long.yaml"
    path.write_text("sources: [{id: s1}]\nactors: [{id: a, name: A}, {id: b, name: B}]\nstatements:\n"
                    f"  - {{subject: a, relation: supports, object: b, source: s1, negated: {'x' * 100_000}}}\n",
                    encoding="utf-8")
    result = CliRunner().invoke(cli, ["load", str(path), "--store", str(tmp_path / "s.db")])
    assert (result.exit_code, result.stderr) == (1, f"Error: {path}, statements[0], line 4, field 'negated': "
                                                    f"expected true or false, got '{'x' * 27}...{'x' * 28}'\n")


def test_shown_bounds_what_repr_would_not():
    class Mapping(dict):
        pass

    big: list = ["x"] * 9
    for _ in range(8):
        big = [big] * 9  # 9^9 items, shared
    assert len(shown(big)) <= 80
    assert shown(Mapping(a=1)) == "{'a': 1}"
    assert shown(10**5000) == "<a whole number of about 5,001 digits>"
    assert shown("\ud800") == "'\\ud800'"
    assert shown("2020-13") == "'2020-13'"


# -- crashes the property tests (test_properties.py) found in the readers ----------------
ACLED = FIXTURES / "acled" / "2019-04-01-2020-06-30-Libya.csv"
ACD = FIXTURES / "ucdp" / "acd-excerpt.csv"


def _altered(fixture, line: int, changes: dict[str, str], path):
    """The fixture's header and its row on ``line``, with the cells ``changes`` names replaced."""
    with open(fixture, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    header, row = rows[0], list(rows[line - 1])
    for column, value in changes.items():
        row[header.index(column)] = value
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, row])
    return str(path)


def _error(path: str, fmt: str) -> str:
    with pytest.raises(AllegianceError) as info:
        list(Assembler().statements(read_records(path, fmt)))
    return str(info.value)


def _csv_error(text: str) -> str:
    """What Python's csv module says about ``text``, which differs between versions."""
    with pytest.raises(csv.Error) as info:
        list(csv.reader(io.StringIO(text)))
    return str(info.value)


@pytest.mark.parametrize(("fmt", "header"), [
    ("acled", b"event_id_cnty,event\rdate\n"),  # read by lines split at \n only: a bare \r is in a field
    ("ucdp-acd", b"conflict_id," + b"x" * 200_000 + b"\n"),  # past the csv module's field limit
])
def test_broken_csv_in_a_dataset_header_is_an_error(fmt, header, tmp_path):
    path = tmp_path / "broken.csv"
    path.write_bytes(header)
    assert _error(str(path), fmt) == f"{path}, line 1: not valid CSV: {_csv_error(header.decode())}"


@pytest.mark.parametrize(("fmt", "fixture", "line", "changes", "message"), [
    ("acled", ACLED, 4, {"inter1": "²"}, "line 2, field 'inter1': expected an actor type code from 0 to 8 or a name "
                                         "such as 'State forces', got '²'"),
    ("ucdp-acd", ACD, 3, {"side_b_id": "7046, ²"}, "line 2, field 'side_b_id': expected UCDP actor ids separated by "
                                                   "commas, got '7046, ²'"),
    ("ucdp-acd", ACD, 3, {"side_b_id": "1" * 19}, f"line 2, field 'side_b_id': expected UCDP actor ids separated by "
                                                  f"commas, got '{'1' * 19}'"),
    ("ucdp-acd", ACD, 3, {"start_prec2": "²"}, "line 2, field 'start_prec2': expected a precision code such as 1 "
                                               "(the exact day), got '²'"),
    ("ucdp-acd", ACD, 3, {"start_prec2": "1" * 5000}, "line 2, field 'start_prec2': expected a precision code such "
                                                      f"as 1 (the exact day), got '{'1' * 27}...{'1' * 28}'"),
])
def test_digits_python_cannot_convert_are_errors(fmt, fixture, line, changes, message, tmp_path):
    path = _altered(fixture, line, changes, tmp_path / "data.csv")
    assert _error(path, fmt) == f"{path}, {message}"


def test_an_acled_week_at_the_start_of_the_calendar_is_its_year(tmp_path):
    path = _altered(ACLED, 4, {"event_date": "0001-01-02"}, tmp_path / "data.csv")
    statements = list(Assembler().statements(read_records(path, "acled")))
    assert {str(s.on) for s in statements} == {"0001"}


def test_mmp_character_references_that_are_no_character_stay_as_written(tmp_path):
    path = _altered(FIXTURES / "mmp" / "relationships.csv", 2,
                    {"description": "&#99999999; &#55296; &#8217; &#" + "9" * 5000 + ";"},
                    tmp_path / "relationships.csv")
    statements = list(Assembler().statements(read_records(path, "mmp")))
    assert {s.quote for s in statements} == {"&#99999999; &#55296; \u2019 &#" + "9" * 5000 + ";"}


def test_a_cameo_map_relation_that_is_a_list_is_an_error(tmp_path):
    path = tmp_path / "map.yaml"
    path.write_text('codes:\n  "042": {label: Make a visit, relation: [supports]}\n', encoding="utf-8")
    with pytest.raises(AllegianceError) as info:
        load_mapping(str(path))
    assert str(info.value) == (f"{path}, field 'codes.042': unknown relation ['supports']; expected one of controls, "
                               "lineage, mediates, opposes, part_of, supports")


def test_binary_is_not_text(tmp_path):
    path = tmp_path / "b.yaml"
    path.write_text("actors:\n  - {id: x, name: !!binary aGVsbG8=}\n", encoding="utf-8")
    assert _error(str(path), "yaml") == f"{path}, actors[0], line 2, field 'name': expected text, got bytes"


def test_standard_input_is_decoded_strictly(monkeypatch):
    # Under a C locale Python reads stdin with surrogateescape: 0xff would become "\udcff".
    stdin = io.TextIOWrapper(io.BytesIO(b"subject,relation,object,source\n\xff,supports,b,s1\n"),
                             encoding="utf-8", errors="surrogateescape")
    monkeypatch.setattr("sys.stdin", stdin)
    with pytest.raises(AllegianceError) as info:
        list(read_records("-", "csv"))
    assert str(info.value) == "<stdin>: not UTF-8 text: byte 0xff at offset 31"
