"""The embedded store and Neo4j give identical rows for every core query on the same data.

One source of truth per query: the same .cypher file runs on both engines.
"""

from __future__ import annotations

import json

import pytest

from allegiance.graph.rows import EDGE_FIELDS
from allegiance.pipeline import load
from allegiance.queries.pack import core_pack
from tests.conftest import EXAMPLE, FIXTURES, ask, neo4j_or_fail

# (query, parameters) for every core query; each runs under every period below.
CASES = [
    ("who-backs-whom", {}),
    ("backers", {"actor": "gna"}),
    ("backers", {"actor": "lna"}),
    ("opponents", {"actor": "gna"}),
    ("mediators", {}),
    ("control", {}),
    ("control", {"place": "al-watiya"}),
    ("changes", {"from_": "2020-01", "to": "2020-06"}),
    ("changes", {"from_": "2019", "to": "2020-05-20"}),
    ("proxy-chains", {"from_": "russia", "to": "lna"}),
    ("proxy-chains", {"from_": "turkey", "to": "gna"}),
    ("contested", {}),
    ("provenance", {"subject": "turkey", "relation": "supports", "object": "gna"}),
    ("provenance", {"subject": "lna", "relation": "controls", "object": "al-watiya"}),
    ("timeline", {"actor": "lna"}),
    ("relations", {}),
    ("relations", {"relation": "controls"}),
    ("intervals", {}),
]
PERIODS = [(None, None), ("2020-05", None), ("2020-05-20", None), ("2019", "2020-06"), ("2020-06", "2021-03-01")]


def test_every_core_query_is_compared():
    assert {name for name, _ in CASES} == set(core_pack())


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    from allegiance.graph.embedded import EmbeddedStore

    neo4j = neo4j_or_fail()  # first: a skip must not leave the embedded store open
    embedded = EmbeddedStore(tmp_path_factory.mktemp("same") / "s.db")
    for store in (embedded, neo4j):
        load(store, [str(EXAMPLE)])
    yield embedded, neo4j
    embedded.close()
    neo4j.close()


def _canonical(rows):
    return sorted(json.dumps(r, sort_keys=True, ensure_ascii=False) for r in rows)


@pytest.mark.parametrize(("as_of", "known_at"), PERIODS)
@pytest.mark.parametrize(("name", "params"), CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_identical_rows(both, name, params, as_of, known_at):
    embedded, neo4j = both
    mine = ask(embedded, name, as_of=as_of, known_at=known_at, **params)
    theirs = ask(neo4j, name, as_of=as_of, known_at=known_at, **params)
    assert _canonical(mine) == _canonical(theirs)
    if as_of is None and known_at is None and name not in ("contested",):
        assert mine, f"{name} {params} should find something in the example"


SHARED = [(name, params) for name, params in CASES if core_pack()[name].shared]


@pytest.mark.parametrize("shares", [1, 2, 3, 50])
@pytest.mark.parametrize(("as_of", "known_at"), PERIODS)
def test_in_any_number_of_shares_the_same_rows_in_the_same_order(both, shares, as_of, known_at):
    """Neo4j answers a query in shares (one query per range of first actors, at once): the
    rows are the embedded store's whole answer, row for row and in its order."""
    embedded, neo4j = both
    kept = neo4j.shares
    neo4j.shares = shares
    try:
        bounds = neo4j.share_bounds()
        # Really in shares: as many as asked, or nearly one per actor with edges (23 of 30).
        assert len(bounds) == shares - 1 if shares < 50 else len(bounds) >= 20
        for name, params in SHARED:
            assert ask(neo4j, name, as_of=as_of, known_at=known_at, **params) == \
                ask(embedded, name, as_of=as_of, known_at=known_at, **params), (name, params)
    finally:
        neo4j.shares = kept


def test_a_share_that_fails_fails_the_answer_with_the_servers_message(both):
    from allegiance.exc import StoreError
    from allegiance.queries.pack import parse_query
    from allegiance.queries.runner import run_query

    _, neo4j = both
    query = parse_query("// name: q\n// column a: id\nMATCH (s:Actor)-[r]->(o)\nWHERE\n"
                        "// include: _share n=s\n      true\n"
                        "RETURN s.id AS a, 1 / (CASE WHEN s.id = 'lna' THEN 0 ELSE 1 END) AS b ORDER BY a",
                        "q.cypher", "p")
    kept = neo4j.shares
    try:
        for shares in (1, 3):
            neo4j.shares = shares
            with pytest.raises(StoreError, match=r"^Neo4j refused the query: / by zero"):
                run_query(neo4j, query)
    finally:
        neo4j.shares = kept


def test_shares_whose_rows_python_cannot_sort_together_are_named(both):
    """Cypher sorts texts and numbers in one column; Python cannot sort them together: a
    query in shares that returns such a column says so, and how to run it whole."""
    from allegiance.exc import QueryError
    from allegiance.queries.pack import parse_query
    from allegiance.queries.runner import run_query

    _, neo4j = both
    query = parse_query("// name: q\n// column a: text\nMATCH (s:Actor)\nWHERE\n// include: _share n=s\n      true\n"
                        "RETURN CASE WHEN s.id < 'm' THEN s.id ELSE size(s.id) END AS a ORDER BY a", "q.cypher", "p")
    kept = neo4j.shares
    try:
        neo4j.shares = 1
        assert len(run_query(neo4j, query)) == 30  # whole, Neo4j sorts it
        neo4j.shares = 3
        with pytest.raises(QueryError) as info:
            run_query(neo4j, query)
        assert str(info.value) == ("query 'q': cannot sort its rows by a: a column holds values of different types; "
                                   "ALLEGIANCE_NEO4J_SHARES=1 runs it whole, sorted as its Cypher sorts")
    finally:
        neo4j.shares = kept


def test_the_graph_is_the_same(both):
    embedded, neo4j = both
    mine, theirs = embedded.stats(), neo4j.stats()
    for key in ("statements", "denials", "relations", "actors", "places", "sources", "by_relation"):
        assert mine[key] == theirs[key], key
    assert sorted(s.id for s in embedded.statements()) == sorted(s.id for s in neo4j.statements())


_EDGES = ("MATCH ()-[r]->() WHERE r.statement IS NOT NULL RETURN "
          + ", ".join(f"r.{f}" for f in EDGE_FIELDS) + " ORDER BY r.statement")


def _written(embedded, neo4j):
    """Every statement and every relation edge's properties, asserted the same on both
    stores field by field; returned for the caller's own checks."""
    statements = sorted(embedded.statements(), key=lambda s: s.id)
    assert statements == sorted(neo4j.statements(), key=lambda s: s.id)
    edges = embedded.run(_EDGES, {})[1]
    assert edges == neo4j.run(_EDGES, {})[1]
    return statements, edges


def test_every_statement_and_edge_property_is_the_same(both):
    """Field by field, not only ids: what each store wrote for every statement (its node)
    and for its relation edge."""
    statements, edges = _written(*both)
    assert len(statements) == len(edges) == 67


@pytest.mark.parametrize(("fixture", "fmt"), [
    ("cameo/icews05-15-excerpt.tsv", "cameo"),  # weights (event counts) and record ids
    ("ucdp/esd-excerpt.csv", "ucdp-esd"),       # dataset-scoped actors, partial dates
])
def test_dataset_statements_are_the_same_field_by_field(make_store, fixture, fmt):
    from allegiance.loaders import Options

    embedded = make_store(FIXTURES / fixture, fmt=fmt, options=Options())
    neo4j = neo4j_or_fail()
    try:
        load(neo4j, [str(FIXTURES / fixture)], fmt, options=Options())
        statements, edges = _written(embedded, neo4j)
        assert statements and len(edges) == len(statements)
        if fmt == "cameo":
            assert any(s.weight and s.weight > 1 for s in statements) and all(s.record for s in statements)
    finally:
        neo4j.close()


def test_the_loader_fixture_too(make_store):
    embedded = make_store(FIXTURES / "bundle.yaml")
    neo4j = neo4j_or_fail()
    try:
        load(neo4j, [str(FIXTURES / "bundle.yaml")])
        for name in ("relations", "contested", "who-backs-whom"):
            assert _canonical(ask(embedded, name)) == _canonical(ask(neo4j, name))
    finally:
        neo4j.close()


def test_a_json_lines_file_read_as_columns_is_the_same_on_neo4j(make_store, tmp_path):
    """A plain JSON Lines file is read as columns (loaders.columnar); Neo4j's writer takes
    the columns as statements (StoreWriter.add_columns): the same nodes and edges."""
    from allegiance.loaders import columnar
    from allegiance.loaders.assemble import Assembler
    from allegiance.pipeline import export

    source = make_store(FIXTURES / "bundle.yaml", name="source.db")
    path = tmp_path / "bundle.jsonl"
    with path.open("w", encoding="utf-8") as f:
        export(source, f)
    assert columnar.read(columnar.File(str(path), str(path), lambda: iter(())), Assembler()) is not None
    embedded = make_store(path)
    neo4j = neo4j_or_fail()
    try:
        load(neo4j, [str(path)])
        statements, edges = _written(embedded, neo4j)
        assert len(statements) == len(edges) == source.stats()["statements"]
    finally:
        neo4j.close()
