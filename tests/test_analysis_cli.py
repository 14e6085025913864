"""camps, balance, brokers and reach from the command line, on both backends: the JSON
contract, the people's formats, and the messages for bad options."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from allegiance.cli import cli
from allegiance.pipeline import load
from tests.conftest import EXAMPLE, neo4j_or_fail, neo4j_uri


@pytest.fixture(params=["embedded", "neo4j"])
def where(request, make_store, tmp_path):
    """The options that point a command at a store holding the example, on each backend."""
    if request.param == "embedded":
        make_store(EXAMPLE, name="example.db").close()  # a CLI run opens it: no lock of ours held
        return ["--store", str(tmp_path / "example.db")]
    store = neo4j_or_fail()
    try:
        load(store, [str(EXAMPLE)])
    finally:
        store.close()
    return ["--neo4j", neo4j_uri()]


def run(*args: str):
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result


def camp_of(result: dict) -> dict[str, int]:
    return {m: c["camp"] for c in result["camps"] for m in c["members"]}


def test_camps_as_json_put_the_gna_and_the_lna_apart(where):
    out = json.loads(run("camps", "--as-of", "2020-05", "--format", "json", *where).stdout)
    assert {"camps", "frustrated", "frustration", "exact", "chosen"} <= set(out)
    assert all(set(c) >= {"camp", "members"} for c in out["camps"])
    side = camp_of(out)
    assert side["gna"] == side["turkey"] == side["qatar"] != side["lna"]
    assert side["lna"] == side["uae"] == side["egypt"] == side["russia"] == side["wagner-group"]
    assert out["exact"] is True and out["frustration"] == sum(f["weight"] for f in {
        (f["subject"], f["object"]): f for f in out["frustrated"]}.values())
    for tie in out["frustrated"]:
        assert set(tie) >= {"subject", "relation", "object", "statements"} and tie["statements"]
    # The whole record (no --as-of) has ties that contradict the camps: each is listed with its statements.
    whole = json.loads(run("camps", "--format", "json", *where).stdout)
    assert whole["frustration"] == pytest.approx(sum({(f["subject"], f["object"]): f["weight"]
                                                     for f in whole["frustrated"]}.values()))


def test_camps_over_time_keep_their_numbers(where):
    out = json.loads(run("camps", "--from", "2019", "--to", "2020-06", "--every", "quarter", "--format", "json",
                         *where).stdout)
    assert [s["as_of"] for s in out["steps"]] == ["2019-01", "2019-04", "2019-07", "2019-10", "2020-01", "2020-04"]
    gna = {camp_of(s)["gna"] for s in out["steps"]}
    lna = {camp_of(s)["lna"] for s in out["steps"]}
    assert len(gna) == len(lna) == 1 and gna != lna  # each side keeps its number through the steps
    assert isinstance(out["switches"], list)
    for s in out["switches"]:
        assert set(s) == {"actor", "from", "to", "as_of", "statements"}


def test_balance_brokers_and_reach(where):
    out = json.loads(run("balance", "--as-of", "2020-05", "--format", "json", *where).stdout)
    assert {"frustration", "exact", "triangles", "frustrated"} <= set(out)
    assert set(out["triangles"]) == {"balanced", "unbalanced"}
    rows = json.loads(run("brokers", "--as-of", "2020-05", "--format", "json", *where).stdout)
    assert rows and all("actor" in r and len(r["ties"]) >= 2 for r in rows)
    assert rows[0]["actor"] == "lna"  # the hub that both backs and is opposed across the camps
    reached = json.loads(run("reach", "Russia", "--as-of", "2020-05", "--format", "json", *where).stdout)
    assert {r["actor"] for r in reached} >= {"lna", "wagner-group"}
    assert all(r["path"][0] == "russia" and r["path"][-1] == r["actor"] for r in reached)
    table = run("reach", "russia", "--as-of", "2020-05", *where).stdout
    assert "Russia > Libyan National Army" in table


def test_people_formats(make_store, tmp_path):
    make_store(EXAMPLE, name="example.db").close()  # a CLI run opens it: no lock of ours held
    store = ["--store", str(tmp_path / "example.db")]
    table = run("camps", "--as-of", "2020-05", *store).stdout
    assert table.startswith("Camps as of 2020-05: 2 camp(s), frustration 0 (exact)")
    assert "Government of National Accord" in table and "Frustrated ties (0 relation(s))" in table
    csv = run("camps", "--as-of", "2020-05", "--format", "csv", *store).stdout.splitlines()
    assert csv[0] == "camp,group,actor,name" and any(line.endswith(",gna,Government of National Accord")
                                                      for line in csv)
    markdown = run("balance", "--as-of", "2020-05", "--format", "markdown", *store).stdout
    assert markdown.startswith("## Balance as of 2020-05: frustration index 0 (exact)")


TRIANGLE = """
    sources: [{id: s1, title: Report}]
    actors:
      - {id: a, name: A, type: state}
      - {id: b, name: B, type: state}
      - {id: c, name: C, type: armed_group}
      - {id: c-unit, name: C unit, type: unit}
    statements:
      - {subject: a, relation: supports, object: b, source: s1, start: "2019"}
      - {subject: a, relation: supports, object: b, source: s1, start: "2019", kind: weapons}
      - {subject: b, relation: supports, object: c, source: s1, start: "2019"}
      - {subject: a, relation: opposes, object: c, source: s1, start: "2019"}
      - {subject: c-unit, relation: part_of, object: c, source: s1, start: "2019"}
      - {subject: c-unit, relation: supports, object: a, source: s1, start: "2019"}
      - {subject: c-unit, relation: supports, object: a, source: s1, start: "2019", negated: true}
"""


def test_frustrated_ties_fold_and_contested(make_store):
    store = make_store(TRIANGLE)
    store.close()
    where = ["--store", str(store.path), "--format", "json"]
    plain = json.loads(run("camps", *where).stdout)
    # A backs B twice, B backs C, A opposes C: one tie must give way, the single opposition.
    assert plain["frustration"] == 1.0 and plain["exact"]
    assert {(f["subject"], f["relation"], f["object"]) for f in plain["frustrated"]} == {("a", "opposes", "c")}
    assert [sorted(c["members"]) for c in plain["camps"]] == [["a", "b", "c", "c-unit"]]
    counted = json.loads(run("balance", "--by", "count", *where).stdout)
    assert counted["triangles"] == {"balanced": 0, "unbalanced": 1} and counted["frustration"] == 1.0
    # Folded, C's unit backs A as C: a positive tie beside A's opposition of C, netted (1 - 1 = 0) and reported.
    folded = json.loads(run("camps", "--fold", "part_of", *where).stdout)
    assert folded["mixed"] and folded["mixed"][0]["pair"] == ["a", "c"] and folded["mixed"][0]["sign"] == 0
    assert "c-unit" not in {m for c in folded["camps"] for m in c["members"]}
    assert folded["frustration"] == 0.0
    # The unit's backing is contested (affirmed and denied): left out, the unit has no tie.
    strict = json.loads(run("camps", "--exclude-contested", *where).stdout)
    assert "c-unit" not in {m for c in strict["camps"] for m in c["members"]}


@pytest.mark.parametrize(("args", "message"), [
    (["camps", "--fold", "nope"], "Error: --fold: unknown relation 'nope'; expected one of "),
    (["camps", "--from", "2019"], "Error: --from, --to and --every go together"),
    (["camps", "--from", "2019", "--to", "2020", "--every", "year", "--as-of", "2020"],
     "Error: --as-of is a single date; with --every each step is one"),
    (["camps", "--from", "2021", "--to", "2020", "--every", "year"], "Error: the first date 2021 comes after the last 2020"),
    (["reach", "Atlantis"], "Error: parameter 'ACTOR': "),
])
def test_bad_options_are_named(make_store, tmp_path, args, message):
    make_store(EXAMPLE, name="example.db").close()  # a CLI run opens it: no lock of ours held
    result = CliRunner().invoke(cli, [*args, "--store", str(tmp_path / "example.db")])
    assert result.exit_code in (1, 2) and message in result.output, result.output
    assert "Traceback" not in result.output
