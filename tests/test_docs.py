"""Docs stay honest: every command has help and appears in the README; the README opens with two commands."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from allegiance.cli import cli
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_has_help_and_is_in_the_readme(command):
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0 and len(cli.commands[command].help or "") > 20
    assert f"allegiance {command}" in README


def test_every_core_query_is_in_the_readme():
    from allegiance.queries.pack import core_pack

    for name in core_pack():
        assert f"`{name}`" in README, name


def test_the_readme_starts_with_the_two_commands():
    blocks = re.findall(r"```(?:sh|bash)\n(.*?)```", README, re.S)
    assert "allegiance query who-backs-whom" in blocks[0]
    assert blocks[1].strip() == "bash scripts/test.sh"
    assert "bash scripts/test.sh" in (ROOT / ".ci" / "run").read_text()
