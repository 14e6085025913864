"""Every bad-input error, with its exact text: file, record or line, field, what was expected.

One tiny fixture per failure mode under tests/fixtures/errors/ (as pypa/build does).
Each load must fail with exit 1, print no traceback, and leave the store unchanged.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from allegiance.cli import cli
from tests.conftest import FIXTURES

ERRORS = FIXTURES / "errors"
L9 = "statements[0], line 9"
EXPECTED = {
    "actor-type.yaml": ", actors[0], line 2, field 'type': unknown actor type 'alien'; expected one of state, government, "
    "armed_group, militia, mercenary, person, international_org, political_party, company, coalition, unit, ngo, other",
    "bad-confidence.yaml": f", {L9}, field 'confidence': expected a number from 0 to 1, got 1.5",
    "bad-date.yaml": f", {L9}, field 'start': expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got '2020-13': month 13 does not exist",
    "bad-day.yaml": f", {L9}, field 'start': expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got '2021-02-29': day 29 does not exist",
    "bad-negated.yaml": f", {L9}, field 'negated': expected true or false, got 'maybe'",
    "bad-record.jsonl": ", line 1, field 'record': unknown record 'event'; expected one of actor, place, source, statement",
    "cells.csv": ", line 2: expected 4 cells as in the header, got 3",
    "columns.csv": ", line 1: unknown column 'colour'; a statement CSV has the columns subject, relation, object, kind, "
    "start, end, on, source, quote, confidence, claimed_by, negated, record, weight, source_title, source_publisher, source_url, "
    "source_published, source_reliability, subject_type, subject_country, object_type, object_country",
    "country.yaml": ", actors[0], line 2, field 'country': expected an ISO 3166 alpha-2 code such as 'LY', got 'Libya'",
    "declared-twice.yaml": ", actors[1], line 3, field 'id': actor 'x' is declared twice with different fields "
    "(first at {dir}/declared-twice.yaml, actors[0], line 2)",
    "end-before-start.yaml": f", {L9}, field 'end': end 2020-04-30 is before start 2020-05",
    "id-clash.yaml": ", places[0], line 4, field 'id': id 'x' is already used by an actor",
    "list-object.yaml": f", {L9}, field 'object': supports takes one object, got a list",
    "missing-source.yaml": f", {L9}, field 'source': a statement needs a source",
    "not-json.jsonl": ", line 2: not valid JSON: Expecting property name enclosed in double quotes at column 1",
    "not-yaml.yaml": ", line 3, column 1: not valid YAML: expected ',' or '}', but got '<stream end>'",
    "on-and-start.yaml": f", {L9}, field 'on': give either on, or start and/or end, not both",
    "place-as-actor.yaml": f", {L9}, field 'object': 'tarhuna' is a place; expected an actor here",
    "self-relation.yaml": f", {L9}, field 'object': subject and object are both 'turkey'",
    "unclear.csv": ", line 1: cannot tell what this CSV holds: statements need the columns subject, relation, object; "
    "actors, places and sources go in files named actors.csv, places.csv, sources.csv",
    "unknown-actor.yaml": f", {L9}, field 'subject': unknown actor 'Turky'; did you mean Turkey (turkey)? "
    "(declare it, or load with --create-missing)",
    "unknown-field.yaml": f", {L9}, field 'sorce': unknown statement field; did you mean 'source'?",
    "unknown-kind.yaml": f", {L9}, field 'kind': unknown kind 'love' for supports; expected one of troops, weapons, "
    "funding, training, intelligence, drones, political, mercenaries, materiel, logistics, airstrikes, diplomatic, "
    "advisers, territory, other; or add it in a --schema folder, see README",
    "unknown-place.yaml": f", {L9}, field 'object': unknown place 'Tarhouna'; did you mean Tarhuna (tarhuna)? "
    "(declare it, or load with --create-missing)",
    "unknown-relation.yaml": f", {L9}, field 'relation': unknown relation 'backs'; expected one of controls, lineage, mediates, "
    "opposes, part_of, supports",
    "unknown-section.yaml": ": unknown section 'events'; expected sources, actors, places, statements",
    "unknown-source.yaml": f", {L9}, field 'source': unknown source 's2'",
    "no-extension": ": cannot tell the format from the extension '(none)'; use --format yaml|json|jsonl|csv",
}


def test_every_fixture_has_an_expected_message():
    assert sorted(p.name for p in ERRORS.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_input_is_reported_exactly_and_changes_nothing(name, tmp_path):
    store = str(tmp_path / "s.db")
    runner = CliRunner()
    good = runner.invoke(cli, ["load", str(FIXTURES / "bundle.yaml"), "--store", store])
    assert good.exit_code == 0, good.output
    path = ERRORS / name
    result = runner.invoke(cli, ["load", str(path), "--store", store])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {path}{EXPECTED[name].replace('{dir}', str(ERRORS))}\n"
    assert "Traceback" not in result.output
    after = runner.invoke(cli, ["stats", "--format", "json", "--store", store])
    assert '"statements": 6' in after.stdout


def test_unknown_reference_can_be_created_on_purpose(tmp_path):
    result = CliRunner().invoke(cli, ["load", str(ERRORS / "unknown-actor.yaml"), "--create-missing",
                                      "--store", str(tmp_path / "s.db")])
    assert result.exit_code == 0, result.output
    assert "created actor 'turky' (Turky)" in result.stdout


def test_a_missing_file_is_an_error(tmp_path):
    result = CliRunner().invoke(cli, ["load", str(tmp_path / "nope.yaml"), "--store", str(tmp_path / "s.db")])
    assert (result.exit_code, result.stderr) == (1, f"Error: {tmp_path / 'nope.yaml'}: no such file\n")


def test_stdin_needs_a_format(tmp_path):
    result = CliRunner().invoke(cli, ["load", "-", "--store", str(tmp_path / "s.db")], input="x")
    assert (result.exit_code, result.stderr) == (1, "Error: <stdin>: reading standard input needs --format\n")


def test_usage_errors_exit_2(tmp_path):
    runner = CliRunner()
    assert runner.invoke(cli, ["load"]).exit_code == 2
    assert runner.invoke(cli, ["query", "backers", "--format", "xml"]).exit_code == 2
    result = runner.invoke(cli, ["query", "backers", "--param", "actor", "--store", str(tmp_path / "s.db")])
    assert result.exit_code == 2 and "expected NAME=VALUE, got 'actor'" in result.stderr
