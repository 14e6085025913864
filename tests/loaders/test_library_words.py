"""The library says what is wrong in its own words, without naming CLI flags; the CLI names
its flag where one is the remedy (its messages are asserted in test_errors.py)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from allegiance.cli import cli
from allegiance.exc import InputError, UnknownReference
from allegiance.loaders import FormatNeeded, Options, read_records
from allegiance.loaders.assemble import Assembler
from tests.conftest import FIXTURES

ERRORS = FIXTURES / "errors"


def _error(path: str, fmt: str | None = None) -> InputError:
    with pytest.raises(InputError) as info:
        list(Assembler().statements(read_records(path, fmt)))
    return info.value


def test_a_file_without_a_known_extension_needs_a_format(tmp_path):
    error = _error(str(tmp_path / "data"))
    assert isinstance(error, FormatNeeded)
    assert str(error) == f"{tmp_path / 'data'}: cannot tell the format from the extension '(none)'; " \
                         "name one of yaml, json, jsonl, csv"


def test_standard_input_needs_a_format():
    error = _error("-")
    assert isinstance(error, FormatNeeded)
    assert str(error) == "<stdin>: reading standard input needs a format; name one of yaml, json, jsonl, csv"


def test_an_undeclared_actor_can_be_created_by_the_load():
    error = _error(str(ERRORS / "unknown-actor.yaml"))
    assert isinstance(error, UnknownReference)
    assert str(error) == (f"{ERRORS / 'unknown-actor.yaml'}, statements[0], line 9, field 'subject': unknown actor "
                          "'Turky'; did you mean Turkey (turkey)? (declare it, or load with create_missing)")


GAPS = FIXTURES / "cameo" / "gaps.tsv"


def test_cameo_tells_the_runs_below_min_events_in_its_words_and_the_cli_in_its_own(tmp_path):
    [note] = [r for r in read_records(str(GAPS), "cameo", options=Options(min_events=2)) if r.kind == "note"]
    assert note.data["text"] == "3 runs had fewer events than min_events"
    result = CliRunner().invoke(cli, ["load", "--format", "cameo", str(GAPS), "--min-events", "2",
                                      "--store", str(tmp_path / "s.db")])
    assert result.exit_code == 0, result.output
    assert f"Note: {GAPS}: 3 runs had fewer events than --min-events\n" in result.stdout


def test_a_library_message_names_no_cli_flag():
    for path, fmt in ((str(ERRORS / "unknown-actor.yaml"), None), ("-", None), ("data", None)):
        assert "--" not in _error(path, fmt).message
