"""`allegiance check`: a good store passes on both backends; one changed behind the loader's
back (through Cypher writes) fails, naming each statement and what is wrong with it."""

from __future__ import annotations

import dataclasses
import json

from click.testing import CliRunner

from allegiance.cli import cli
from allegiance.graph.check import check
from allegiance.graph.embedded import EmbeddedStore
from allegiance.model import relation_types
from tests.conftest import EXAMPLE


def test_a_good_store_passes(make_any_store):
    store = make_any_store(EXAMPLE)
    report = check(store)
    assert (report.ok, report.problems) == (True, [])
    assert (report.statements, report.edges, report.actors, report.places, report.sources) == (67, 67, 30, 9, 36)


def damage(store):
    """Flip one statement's denial, delete another's relation edge, move a third's edge's
    day and point a fourth at a source nobody declared; returns the four statements."""
    statements = sorted(store.statements(), key=lambda s: s.id)
    flipped, orphan, moved, uncited = statements[:4]
    store.run("MATCH (s:Statement {id: $id}) SET s.negated = NOT s.negated", {"id": flipped.id}, write=True)
    label = relation_types()[orphan.relation].label
    store.run(f"MATCH ()-[r:{label}]->() WHERE r.statement = $id DELETE r", {"id": orphan.id}, write=True)
    label = relation_types()[moved.relation].label
    store.run(f"MATCH ()-[r:{label}]->() WHERE r.statement = $id SET r.lo = r.lo + 1", {"id": moved.id}, write=True)
    store.run("MATCH (s:Statement {id: $id}) SET s.source = 'nobody'", {"id": uncited.id}, write=True)
    return flipped, orphan, moved, uncited


def expected_problems(flipped, orphan, moved, uncited) -> list[str]:
    now = dataclasses.replace(flipped, negated=not flipped.negated, id="").id
    was = dataclasses.replace(uncited, source="nobody", id="").id
    flipped_label = relation_types()[flipped.relation].label
    return [
        f"statement {flipped.id}: its fields hash to {now}, not to its id: they changed after it was written",
        f"statement {flipped.id}: its {flipped_label} edge has negated {str(flipped.negated).lower()}, "
        f"the statement {str(not flipped.negated).lower()}",
        f"statement {orphan.id}: has no relation edge (expected one {relation_types()[orphan.relation].label} edge)",
        f"statement {moved.id}: its {relation_types()[moved.relation].label} edge has lo {moved.lo + 1}, "
        f"the statement {moved.lo}",
        f"statement {uncited.id}: its fields hash to {was}, not to its id: they changed after it was written",
        f"statement {uncited.id}: cites source 'nobody', which the store does not hold",
        f"statement {uncited.id}: its {relation_types()[uncited.relation].label} edge has source "
        f"{uncited.source!r}, the statement 'nobody'",
    ]


def test_a_store_changed_behind_the_loaders_back_fails_naming_each_statement(make_any_store):
    store = make_any_store(EXAMPLE)
    damaged = damage(store)
    report = check(store)
    assert report.problems == expected_problems(*damaged)
    assert (report.ok, report.problem_count, report.statements, report.edges) == (False, 7, 67, 66)


def test_an_edge_without_its_statement_is_named(make_any_store):
    store = make_any_store(EXAMPLE)
    gone = sorted(store.statements(), key=lambda s: s.id)[-1]
    store.run("MATCH (s:Statement {id: $id}) DETACH DELETE s", {"id": gone.id}, write=True)
    label = relation_types()[gone.relation].label
    assert check(store).problems == [
        f"a {label} edge from {gone.subject} to {gone.object} names statement {gone.id}, which the store does not hold"]


def test_the_check_command(tmp_path):
    path = str(tmp_path / "s.db")
    runner = CliRunner()
    assert runner.invoke(cli, ["load", str(EXAMPLE), "--store", path]).exit_code == 0
    result = runner.invoke(cli, ["check", "--store", path])
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == ("statements   67\nedges        67\nactors       30\nplaces       9\nsources      36\n"
                             "problems     0\n")
    with EmbeddedStore(path) as store:
        damaged = damage(store)
    result = runner.invoke(cli, ["check", "--store", path])
    assert result.exit_code == 1
    assert result.stdout.endswith("problems     7\n")
    assert result.stderr == (f"Error: the store {path} failed its check: 7 problems:\n"
                             + "".join(f"  {p}\n" for p in expected_problems(*damaged)))
    result = runner.invoke(cli, ["check", "--format", "json", "--store", path])
    data = json.loads(result.stdout)
    assert (result.exit_code, data["ok"], data["problem_count"], data["problems"]) == (
        1, False, 7, expected_problems(*damaged))


def test_only_the_first_problems_are_listed(make_store, tmp_path):
    store = make_store(EXAMPLE)
    store.run("MATCH (s:Statement) SET s.quote = 'changed'", {}, write=True)
    report = check(store)
    assert (report.problem_count, len(report.problems)) == (67, 20)
    assert report.failure().startswith(f"the store {tmp_path / 'test.db'} failed its check: 67 problems (the first 20):\n")
