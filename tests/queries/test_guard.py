"""The guard: what a pack query may use, checked on its text before any store sees it."""

from __future__ import annotations

import pytest

from allegiance.exc import QueryError
from allegiance.queries.guard import FUNCTIONS, check, check_query
from allegiance.queries.pack import core_pack, parse_query
from tests.conftest import ROOT

READ_ONLY = "is not allowed in a pack query (packs may only read the graph)"
WRITES = "writes to the graph; pack queries run read-only unless you pass --write"


def refusal(text: str, *, write: bool = False) -> str:
    with pytest.raises(QueryError) as info:
        check(text, "p/q.cypher", write=write)
    return str(info.value)


def test_every_core_query_passes():
    """So the allow-list covers every clause and function the core pack uses."""
    for query in core_pack().values():
        check_query(query)


@pytest.mark.parametrize("text", [
    # map patterns, labels, types, ranges, TRAIL, properties, $params, comprehensions, lambdas
    "MATCH (a:Actor {id: $actor})-[r:SUPPORTS|OPPOSES]->(b) RETURN a.id, b.name, r.kind",
    "MATCH (a)-[r:SUPPORTS*1..3]->(b) RETURN a",
    "MATCH (a)-[r:SUPPORTS* TRAIL 1..3]->(b) RETURN a",
    "MATCH p = (a)-[* SHORTEST 1..3]->(b) RETURN nodes(p), length(p)",
    "RETURN [x IN [1, 2, 3] WHERE x > 1 | x * 2] AS xs",
    "RETURN list_transform([1, 2], x -> x + 1) AS xs, list_filter([1], x -> x > 0) AS ys",
    "RETURN list_reduce([1, 2], (acc, x) -> acc + x) AS total",
    "MATCH (a:Actor) RETURN a {.id, .name, n: size(a.name)} AS actor",
    "MATCH (a:Actor) WHERE a.name STARTS WITH 'L' AND a.id IS NOT NULL RETURN count(*) AS n",
    "MATCH (a) WITH a ORDER BY a.id DESC SKIP 1 LIMIT 3 RETURN DISTINCT a.id AS id",
    "MATCH (a) RETURN CASE WHEN a.x THEN 1 ELSE 0 END AS flag ORDER BY flag",
    "MATCH (a) WHERE exists { MATCH (a)-[:SUPPORTS]->() } RETURN a",
    "UNWIND [1, 2] AS x RETURN x UNION ALL RETURN 3 AS x",
    "OPTIONAL MATCH (a:Actor) RETURN coalesce(a.id, '') AS id;",
    "MATCH (a) WHERE a:Actor RETURN all(x IN [1] WHERE x = 1) AS ok, count(DISTINCT a) AS n",
    "RETURN { `id`: 1, name: 'x' } AS m",
    "RETURN 1e5 AS a, 1.5E-3 AS b, 0x1F AS c, -2 AS d, [1, 2][0..1] AS e",
    # a refused word inside a string, a comment or a quoted name is only text
    "RETURN 'COPY (MATCH (a) RETURN a) TO \"x\"' AS s, \"CALL show_tables()\" AS t",
    "RETURN 1 AS x // LOAD EXTENSION 'evil.so'; CHECKPOINT",
    "RETURN 1 AS x /* EXPORT DATABASE 'x';\nDETACH DELETE */",
    "RETURN 1 AS `COPY`, 2 AS `DELETE me`, 3 AS `CALL`",
    "MATCH (a:`Load`) WHERE a.`set` = 'it''s' RETURN a.copy, a.delete",
    "RETURN 'it\\'s; CHECKPOINT' AS s",
    "RETURN 1 AS x // ends at the line break\nUNION RETURN 2 AS x",
    "RETURN 'é, and ✓' AS s // Ünïcode in strings and comments",
    # names that are keywords elsewhere, where they are only names
    "MATCH (a) RETURN a.id AS start, a.name AS last, a.x AS `end`",
    "MATCH (a {set: 1, load: 2}) RETURN a",
])
def test_queries_that_read_pass(text):
    check(text, "q.cypher")


@pytest.mark.parametrize(("text", "line", "message"), [
    ('COPY (MATCH (a:Actor) RETURN a.id) TO "x.csv"', 1, f"COPY {READ_ONLY}"),
    ('EXPORT DATABASE "db"', 1, f"EXPORT DATABASE {READ_ONLY}"),
    ('LOAD EXTENSION "evil.so"', 1, f"LOAD EXTENSION {READ_ONLY}"),
    ('LOAD FROM "f.csv" (header=false) RETURN *', 1, f"LOAD FROM {READ_ONLY}"),
    ("INSTALL httpfs", 1, f"INSTALL httpfs {READ_ONLY}"),
    ("CHECKPOINT", 1, f"CHECKPOINT {READ_ONLY}"),
    ('CALL READ_CSV_SERIAL("f") RETURN *', 1, f"CALL READ_CSV_SERIAL {READ_ONLY}"),
    ("CALL show_tables() RETURN *", 1, f"CALL show_tables {READ_ONLY}"),
    ("LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l", 1, f"LOAD CSV {READ_ONLY}"),
    ("CALL apoc.load.json('x') YIELD value RETURN value", 1, f"CALL apoc.load.json {READ_ONLY}"),
    ("CALL dbms.components()", 1, f"CALL dbms.components {READ_ONLY}"),
    ("CALL { MATCH (a) RETURN a } IN TRANSACTIONS", 1, f"CALL {READ_ONLY}"),
    ("USE system MATCH (a) RETURN a", 1, f"USE system {READ_ONLY}"),
    ("SHOW DATABASES", 1, f"SHOW DATABASES {READ_ONLY}"),
    ("TERMINATE TRANSACTIONS 'x'", 1, f"TERMINATE TRANSACTIONS {READ_ONLY}"),
    ("CREATE DATABASE stolen", 1, f"CREATE DATABASE {READ_ONLY}"),
    ("CREATE NODE TABLE T(id STRING, PRIMARY KEY(id))", 1, f"CREATE NODE {READ_ONLY}"),
    ("DROP TABLE Actor", 1, f"DROP TABLE {READ_ONLY}"),
    ("ATTACH 'other.db' AS o (dbtype lbug)", 1, f"ATTACH {READ_ONLY}"),
    ("MATCH (a) RETURN a DETACH o", 1, f"DETACH o {READ_ONLY}"),
    ("BEGIN TRANSACTION", 1, f"BEGIN TRANSACTION {READ_ONLY}"),
    ("EXPLAIN MATCH (a) RETURN a", 1, f"EXPLAIN MATCH {READ_ONLY}"),
    ("OPTIONAL CALL x()", 1, f"OPTIONAL CALL {READ_ONLY}"),
    ("MATCH (a) ON x RETURN a", 1, f"ON x {READ_ONLY}"),
    # hidden by case, spacing, newlines, comments, a second statement or another UNION part
    ('cOpY (MATCH (a) RETURN a) TO "x"', 1, f"COPY {READ_ONLY}"),
    ("MATCH (a) RETURN a\nUNION ALL\n  call\tshow_tables() RETURN *", 3, f"CALL show_tables {READ_ONLY}"),
    ("LOAD/* a comment */FROM 'f' RETURN *", 1, f"LOAD FROM {READ_ONLY}"),
    ("RETURN 1 AS x // a comment\nCHECKPOINT", 2, f"CHECKPOINT {READ_ONLY}"),
    ("RETURN 1 AS x /* */ CHECKPOINT", 1, f"CHECKPOINT {READ_ONLY}"),
    ("MATCH (a) WITH a LIMIT 1CALL show_tables() RETURN *", 1, f"CALL show_tables {READ_ONLY}"),
    ("MATCH (a) RETURN a, checkpoint", 1, f"CHECKPOINT {READ_ONLY}"),
    ("MATCH (a) WHERE exists { CALL db.labels() } RETURN a", 1, f"CALL db.labels {READ_ONLY}"),
    ("RETURN 1 AS x; CHECKPOINT", 1, "';' starts a second statement; a pack file holds one query"),
    ("RETURN 1 AS x ;\n\n LOAD EXTENSION 'x'", 1, "';' starts a second statement; a pack file holds one query"),
    (":param actor => 'gna'", 1, ":param is a Neo4j Browser command, not Cypher"),
    ("RETURN 1 AS x\n  :use system", 2, ":use is a Neo4j Browser command, not Cypher"),
    # functions: unknown, namespaced, quoted, or a table function written as a call
    ("RETURN toString(1)", 1, "toString() is not a function pack queries may call (see 'Query packs' in the README)"),
    ("RETURN read_csv_serial('f')", 1, "read_csv_serial() is not a function pack queries may call "
     "(see 'Query packs' in the README)"),
    ("RETURN `READ_CSV_SERIAL` ('f')", 1, "READ_CSV_SERIAL() is not a function pack queries may call "
     "(see 'Query packs' in the README)"),
    ("RETURN apoc.text.join(['a'], ',')", 1, "apoc.text.join() is not a function pack queries may call "
     "(see 'Query packs' in the README)"),
    ("RETURN nextval('s')", 1, "nextval() is not a function pack queries may call (see 'Query packs' in the README)"),
    ("RETURN apoc.map.merge({}, {})", 1, "apoc.map.merge() is not a function pack queries may call "
     "(see 'Query packs' in the README)"),
    ("MATCH (a) RETURN a.size(1)", 1, "a.size() is not a function pack queries may call "
     "(see 'Query packs' in the README)"),
    # a name where a clause would start: an unknown clause does not pass for a variable
    ("MATCH (a) RETURN a FINISH", 1, "FINISH is not a clause a pack query may use"),
    ("RETURN 1 AS x UNION weird", 1, "weird is not a clause a pack query may use"),
    ("RETURN 1 AS x size(x)", 1, "size is not a clause a pack query may use"),
    ("MATCH (a) WHERE exists { hidden } RETURN a", 1, "hidden is not a clause a pack query may use"),
    ("UNION MATCH (a) RETURN a", 1,
     "a pack query starts with MATCH, OPTIONAL MATCH, UNWIND, WITH or RETURN, not UNION"),
    ("RETURN 1 AS x UNION UNION RETURN 2 AS x", 1, "UNION is not a clause a pack query may use"),
    ("WHERE a", 1, "a pack query starts with MATCH, OPTIONAL MATCH, UNWIND, WITH or RETURN, not WHERE"),
    ("(a)-->(b)", 1, "a pack query starts with MATCH, OPTIONAL MATCH, UNWIND, WITH or RETURN, not ("),
    ("`COPY` (x)", 1, "a pack query starts with MATCH, OPTIONAL MATCH, UNWIND, WITH or RETURN, not `COPY`"),
    ("// only a comment", 1, "a pack query starts with MATCH, OPTIONAL MATCH, UNWIND, WITH or RETURN, not nothing"),
    # what the engines read one way and the guard might read another
    ("RETURN 1 AS x\u00a0UNION ALL RETURN 2 AS x", 1,
     "character U+00A0 ('\\xa0') outside a string, a comment or a `quoted name`"),
    ("RETURN 1 AS x // c\u2028CHECKPOINT", 1,
     "character U+2028 ('\\u2028') outside a string, a comment or a `quoted name`"),
    ("RETURN 'unclosed", 1, "the string that starts here is never closed"),
    ("RETURN 'it\\' AS x", 1, "the string that starts here is never closed"),
    ("RETURN 1 AS x /* CHECKPOINT", 1, "the comment that starts here is never closed"),
    ("RETURN 1 AS `x", 1, "the `quoted name` that starts here is never closed"),
])
def test_everything_else_is_refused_by_name(text, line, message):
    assert refusal(text) == f"p/q.cypher, line {line}: refused: {message}"


@pytest.mark.parametrize(("text", "clause"), [
    ("MATCH (a:Actor) DELETE a", "DELETE"),
    ("MATCH (a:Actor) DETACH DELETE a", "DETACH DELETE"),
    ("MATCH (a) detach\n  delete a", "DETACH DELETE"),
    ("CREATE (a:Actor {id: 'x'})", "CREATE"),
    ("CREATE p = (a:Actor)-[:SUPPORTS]->(b:Actor)", "CREATE"),
    ("MERGE (a:Actor {id: 'x'}) ON CREATE SET a.name = 'X'", "MERGE"),
    ("MATCH (a) SET a.name = 'x'", "SET"),
    ("MATCH (a) REMOVE a.name", "REMOVE"),
    ("MATCH (a) WITH collect(a) AS xs FOREACH (x IN xs | DELETE x)", "FOREACH"),
    ("MATCH (a) RETURN a UNION ALL MATCH (b) DELETE b", "DELETE"),
])
def test_graph_writes_need_write_which_lifts_only_that(text, clause):
    line = 1 + text.count("\n", 0, text.upper().rfind(clause.split()[0]))
    assert refusal(text) == f"p/q.cypher, line {line}: refused: {clause} {WRITES}"
    check(text, "p/q.cypher", write=True)


@pytest.mark.parametrize(("text", "message"), [
    ('MATCH (a) DELETE a WITH 1 AS x COPY (MATCH (b) RETURN b) TO "x"', f"COPY {READ_ONLY}"),
    ("CREATE NODE TABLE T(id STRING, PRIMARY KEY(id))", f"CREATE NODE {READ_ONLY}"),
    ("MATCH (a) DETACH o", f"DETACH o {READ_ONLY}"),
    ("CHECKPOINT", f"CHECKPOINT {READ_ONLY}"),
    ("CALL show_tables() RETURN *", f"CALL show_tables {READ_ONLY}"),
])
def test_write_never_lifts_the_other_refusals(text, message):
    assert refusal(text, write=True) == f"p/q.cypher, line 1: refused: {message}"


def test_the_line_counts_from_the_pack_file():
    query = parse_query("// name: q\n// a free comment\n\nMATCH (a)\nRETURN a\nUNION\n  CALL db.labels()",
                        "p/q.cypher", "p")
    assert query.line == 4
    with pytest.raises(QueryError) as info:
        check_query(query)
    assert str(info.value) == f"p/q.cypher, line 7: refused: CALL db.labels {READ_ONLY}"


def test_the_readme_lists_the_functions_both_engines_share():
    readme = (ROOT / "README.md").read_text(encoding="utf-8").lower()
    for name in FUNCTIONS:
        assert name.startswith("list_") or f" {name} " in readme.replace("`", " ").replace("\n", " "), name


def test_the_allowed_functions_exist_on_both_engines(make_store):
    """The allow-list names real functions: all of them on LadybugDB, all but LadybugDB's own
    list_* functions on Neo4j (the tests' own server)."""
    from tests.conftest import neo4j_or_fail

    store = make_store()
    embedded = {row[0].lower() for row in store.run("CALL show_functions() RETURN name", {})[1]}
    assert sorted(FUNCTIONS - embedded) == []
    neo4j = neo4j_or_fail()
    try:
        server = {row[0].lower() for row in neo4j.run("SHOW FUNCTIONS YIELD name RETURN name", {})[1]}
    finally:
        neo4j.close()
    assert sorted(f for f in FUNCTIONS - server if not f.startswith("list_")) == []
