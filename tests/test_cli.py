"""The CLI contract other tools rely on: JSON shapes, formats, exit codes, report, page."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from allegiance.cli import cli
from tests.conftest import EXAMPLE


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("cli") / "s.db")
    result = CliRunner().invoke(cli, ["load", str(EXAMPLE), "--store", path])
    assert result.exit_code == 0, result.output
    return path


def run(*args: str, store: str | None = None):
    extra = ["--store", store] if store else []
    return CliRunner().invoke(cli, [*args, *extra])


def test_stats_json(store):
    data = json.loads(run("stats", "--format", "json", store=store).stdout)
    raw = EXAMPLE.read_text(encoding="utf-8")
    assert data["statements"] > 40 and data["actors"] == 30 and data["places"] == 9
    assert data["statements"] == sum(data["by_relation"].values())
    assert "subject:" in raw


def test_load_report_json(tmp_path):
    data = json.loads(run("load", str(EXAMPLE), "--json", store=str(tmp_path / "s.db")).stdout)
    assert data["statements_added"] == data["statements_read"] > 0 and data["actors_written"] == 30


def test_query_json_rows_about_relations(store):
    rows = json.loads(run("query", "who-backs-whom", "--as-of", "2020-05", "--format", "json", store=store).stdout)
    assert isinstance(rows, list) and rows
    for row in rows:
        assert {"subject", "relation", "object", "start", "end", "kinds", "sources", "statements", "contested"} <= set(row)
        assert isinstance(row["sources"], list) and isinstance(row["contested"], bool)


def test_changes_rows_have_change_and_chains_have_path(store):
    changes = json.loads(run("query", "changes", "-p", "from=2020-01", "-p", "to=2020-06", "--format", "json",
                             store=store).stdout)
    assert {r["change"] for r in changes} == {"added", "removed"}
    chains = json.loads(run("query", "proxy-chains", "-p", "from=Russia", "-p", "to=LNA", "--format", "json",
                            store=store).stdout)
    assert all(isinstance(r["path"], list) and r["path"][0] == "russia" for r in chains)


def test_provenance_rows(store):
    rows = json.loads(run("query", "provenance", "-p", "subject=france", "-p", "relation=supports",
                          "-p", "object=lna", "--format", "json", store=store).stdout)
    assert {"statement", "source", "quote", "claimed_by", "negated"} <= set(rows[0])


@pytest.mark.parametrize("fmt", ["table", "csv", "markdown"])
def test_people_formats(store, fmt):
    out = run("query", "backers", "-p", "actor=gna", "--as-of", "2020-05", "--format", fmt, store=store).stdout
    assert "Turkey" in out
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(out)))
        assert any(r["subject"] == "turkey" for r in rows)
    if fmt == "markdown":
        assert out.splitlines()[1].startswith("| --- |")


@pytest.mark.parametrize(("args", "message"), [
    (["query", "nope"], "Error: no query named 'nope'; known queries: backers, changes, contested, control, "
     "intervals, mediators, opponents, provenance, proxy-chains, relations, timeline, who-backs-whom\n"),
    (["query", "backers"], "Error: query 'backers' needs --param actor=<actor>\n"),
    (["query", "backers", "-p", "actor=Turky"], "Error: parameter 'actor': unknown actor 'Turky'; did you mean Turkey (turkey)?\n"),
    (["query", "backers", "-p", "actor=gna", "-p", "colour=red"],
     "Error: query 'backers' has no parameter 'colour'; its parameters: actor\n"),
    (["query", "who-backs-whom", "--as-of", "May 2020"],
     "Error: --as-of: expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got 'May 2020'\n"),
    (["query", "provenance", "-p", "subject=france", "-p", "relation=likes", "-p", "object=lna"],
     "Error: parameter 'relation': unknown relation 'likes'; expected one of controls, lineage, mediates, opposes, part_of, supports\n"),
])
def test_query_errors(store, args, message):
    result = run(*args, store=store)
    assert (result.exit_code, result.stderr) == (1, message)


def test_querying_a_missing_store(tmp_path):
    result = run("query", "who-backs-whom", store=str(tmp_path / "none.db"))
    assert result.exit_code == 1
    assert result.stderr == f"Error: no store at {tmp_path / 'none.db'}; load data first with 'allegiance load FILE'\n"


def test_report_cites_numbered_sources(store):
    text = run("report", "--as-of", "2020-05", store=store).stdout
    assert text.startswith("# Situation report, as of 2020-05")
    assert "## Government of National Accord" in text and "**Backed by:**" in text and "[1]" in text
    assert "\n## Sources\n" in text and "\n1. " in text
    assert "**(contested)**" in text


def test_viz_writes_an_offline_page(store, tmp_path):
    out = tmp_path / "g.html"
    result = run("viz", "--as-of", "2020-05", "-o", str(out), store=store)
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "Government of National Accord" in html and "https://cdn" not in html


def test_help_does_not_import_heavy_modules():
    code = ("import sys; from allegiance.cli import cli\n"
            "try:\n    cli(['--help'])\nexcept SystemExit: pass\n"
            "print(sorted(m for m in ('pyvis','networkx','neo4j','ladybug','yaml') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_python_dash_m_works():
    out = subprocess.run([sys.executable, "-m", "allegiance", "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("allegiance, version ")


def test_the_cli_lists_every_input_format():
    from allegiance.cli import INPUT_FORMATS
    from allegiance.loaders import FORMATS

    assert INPUT_FORMATS == FORMATS


def test_queries_export_browser_favorites(tmp_path):
    import zipfile

    from allegiance.queries.pack import core_pack

    out = tmp_path / "fav.zip"
    result = CliRunner().invoke(cli, ["queries", "--browser-favorites", str(out)])
    assert result.exit_code == 0, result.output
    names = zipfile.ZipFile(out).namelist()
    assert sorted(names) == sorted(f"allegiance/{n}.cypher" for n in core_pack())


def test_unmapped_names_round_trip_through_an_alias_file(tmp_path):
    """--unmapped writes an alias file that --actors loads as is: then nothing is unmapped."""
    from tests.conftest import FIXTURES

    acd = next((FIXTURES / "ucdp").glob("*acd*.csv"))
    aliases = tmp_path / "aliases.yaml"
    first = CliRunner().invoke(cli, ["load", "--format", "ucdp-acd", str(acd), "--unmapped", str(aliases), "--json",
                                     "--store", str(tmp_path / "a.db")])
    assert first.exit_code == 0, first.output
    unmapped = json.loads(first.stdout)["unmapped"]
    assert unmapped and aliases.read_text(encoding="utf-8").count("  - id: ") == len(unmapped)
    second = CliRunner().invoke(cli, ["load", "--actors", str(aliases), "--format", "ucdp-acd", str(acd), "--json",
                                      "--store", str(tmp_path / "b.db")])
    assert second.exit_code == 0, second.output
    report = json.loads(second.stdout)
    assert report["unmapped"] == [] and report["statements_read"] == json.loads(first.stdout)["statements_read"]


def test_export_loads_back_into_the_same_statements(store, tmp_path):
    """An export rebuilds the store: same statement ids, same answers; into the original, nothing new."""
    from allegiance.graph.embedded import EmbeddedStore
    from tests.conftest import ask

    dump = tmp_path / "all.jsonl"
    result = CliRunner().invoke(cli, ["export", "-o", str(dump), "--store", store])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("Wrote 67 statements to ")
    rebuilt = str(tmp_path / "rebuilt.db")
    assert CliRunner().invoke(cli, ["load", str(dump), "--store", rebuilt]).exit_code == 0
    again = json.loads(CliRunner().invoke(cli, ["load", str(dump), "--json", "--store", store]).stdout)
    assert (again["statements_added"], again["actors_written"], again["sources_written"]) == (0, 0, 0)
    with EmbeddedStore(store, read_only=True) as a, EmbeddedStore(rebuilt, read_only=True) as b:
        assert sorted(s.id for s in a.statements()) == sorted(s.id for s in b.statements())
        assert a.known() == b.known()
        assert ask(a, "relations", as_of="2020-05") == ask(b, "relations", as_of="2020-05")


@pytest.mark.parametrize("fmt, data", [
    ("ucdp-acd", "ucdp/acd-excerpt.csv"), ("ucdp-esd", "ucdp/esd-excerpt.csv"), ("mmp", "mmp/relationships.csv"),
    ("cameo", "cameo/icews05-15-excerpt.tsv"), ("acled", "acled/2019-04-01-2020-06-30-Libya.csv"),
])
def test_a_store_loaded_from_a_dataset_exports_and_loads_back_whole(tmp_path, fmt, data):
    """Dataset-scoped actors and places (ids with ':') and each statement's row id in its
    dataset survive export and load: the same statements, the same entities."""
    from allegiance.graph.embedded import EmbeddedStore
    from tests.conftest import FIXTURES

    first, rebuilt, dump = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "all.jsonl"
    loaded = CliRunner().invoke(cli, ["load", "--format", fmt, str(FIXTURES / data), "--store", str(first)])
    assert loaded.exit_code == 0, loaded.output
    assert CliRunner().invoke(cli, ["export", "-o", str(dump), "--store", str(first)]).exit_code == 0
    result = CliRunner().invoke(cli, ["load", str(dump), "--store", str(rebuilt)])
    assert result.exit_code == 0, result.output
    with EmbeddedStore(first, read_only=True) as a, EmbeddedStore(rebuilt, read_only=True) as b:
        statements = sorted(a.statements(), key=lambda s: s.id)
        assert statements == sorted(b.statements(), key=lambda s: s.id)
        assert any(":" in s.subject or ":" in s.object for s in statements)  # dataset-scoped ids were there
        assert any(s.record for s in statements)
        assert a.known() == b.known()


def test_a_hand_written_id_may_not_hold_a_colon_unless_marked_dataset_scoped(tmp_path):
    data = tmp_path / "mine.jsonl"
    data.write_text('{"record": "actor", "id": "ucdp:111", "name": "Mine"}\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["load", str(data), "--store", str(tmp_path / "a.db")])
    assert result.exit_code == 1
    assert "line 1, field 'id': ':' is kept for dataset-scoped ids" in result.output
    data.write_text('{"record": "actor", "id": "ucdp:111", "name": "Mine", "dataset_scoped": "yes"}\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["load", str(data), "--store", str(tmp_path / "a.db")])
    assert result.exit_code == 1 and "field 'dataset_scoped': expected true or false" in result.output
