"""Pack files: headers, declared parameters, user packs."""

from __future__ import annotations

from dataclasses import replace

import pytest
from click.testing import CliRunner

from allegiance.cli import cli
from allegiance.exc import QueryError
from allegiance.queries.pack import core_pack, load_pack, parse_query
from allegiance.queries.runner import present
from tests.conftest import FIXTURES

USER_QUERY = """// name: backed-by-kind
// question: Who gives this kind of support?
// param kind: text               the kind
// column subject: id
// column object: id
MATCH (s:Actor)-[r:SUPPORTS]->(o:Actor)
WHERE r.kind = $kind AND NOT r.negated AND r.lo <= $as_of_hi AND r.hi >= $as_of_lo
RETURN DISTINCT s.id AS subject, o.id AS object ORDER BY subject
"""


def test_every_core_query_has_a_question_and_declares_its_parameters():
    for query in core_pack().values():
        assert query.question and query.columns, query.name


def test_a_header_declares_types_and_defaults():
    query = parse_query('// name: q\n// param place: place = ""  the place\n// column x: id\nRETURN $place AS x', "q.cypher", "p")
    assert (query.params[0].type, query.params[0].default, query.params[0].help) == ("place", "", "the place")


@pytest.mark.parametrize(("text", "message"), [
    ("// name: q\nRETURN $who", "q.cypher: the query uses $who, which its header does not declare"),
    ("// name: q\n// param who: person\nRETURN 1", "q.cypher, line 2: expected '// param NAME: TYPE', TYPE one of "
     "actor, place, entity, relation, date, text, int, float, bool"),
    ("// name: q\n", "q.cypher: no Cypher after the header"),
    ("// name: q\n// column a: int\n// order: b\nRETURN 1 AS a",
     "q.cypher: '// order' names 'b', which is not a declared column"),
    ("// name: q\n// column a: int\n// order: a b\nRETURN 1 AS a",
     "q.cypher, line 3: expected '// order: COLUMN, COLUMN, ...'"),
    ("// name: q\n// column a: id\nMATCH (s:Actor) WHERE s.id >= $share_from RETURN s.id AS a ORDER BY a",
     "q.cypher: a query in shares (it uses $share_from) needs both $share_from and $share_to: "
     "'// include: _share n=VARIABLE'"),
    ("// name: q\n// column a: id\nMATCH (s:Actor) WHERE s.id >= $share_from AND ($share_to = '' OR s.id < $share_to)"
     " RETURN s.id AS a ORDER BY a",
     "q.cypher: $share_from and $share_to belong to the fragment _share ('// include: _share n=VARIABLE'), "
     "which a query runs without when it runs whole"),
    *[(f"// name: q\n// column a: id\n// column b: id\n{header}MATCH (s:Actor)\nWHERE\n// include: _share n=s\n"
       f"true RETURN s.id AS a, s.name AS b{tail}",
       "q.cypher: a query in shares must end in ORDER BY of declared columns (and of its '// order:' columns, "
       "if it has that line), ascending, with no SKIP or LIMIT: the rows of its shares are sorted together by them")
      for header, tail in (("", ""), ("", " ORDER BY a DESC"), ("", " ORDER BY a, b LIMIT 3"),
                           ("", " ORDER BY a, toLower(b)"), ("", " ORDER BY a, s.id"),
                           ("// order: a, b\n", " ORDER BY a"), ("// order: a, b\n", " ORDER BY b, a"))],
])
def test_malformed_pack_files_are_refused(text, message):
    with pytest.raises(QueryError) as info:
        parse_query(text, "q.cypher", "p")
    assert str(info.value) == message


def test_a_user_pack_runs_through_the_cli(tmp_path):
    pack = tmp_path / "mine"
    pack.mkdir()
    (pack / "backed-by-kind.cypher").write_text(USER_QUERY, encoding="utf-8")
    assert set(load_pack(pack)) == {"backed-by-kind"}
    store = str(tmp_path / "s.db")
    runner = CliRunner()
    assert runner.invoke(cli, ["load", str(FIXTURES / "bundle.yaml"), "--store", store]).exit_code == 0
    result = runner.invoke(cli, ["query", "backed-by-kind", "--pack", str(pack), "-p", "kind=troops",
                                 "--format", "csv", "--store", store])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["subject,object", "turkey,gna"]
    listing = runner.invoke(cli, ["queries", "--pack", str(pack)])
    assert "backed-by-kind  [mine]" in listing.stdout and "--param kind=<text>" in listing.stdout


def test_a_pack_query_that_writes_is_refused_on_the_read_only_store(tmp_path):
    pack = tmp_path / "bad"
    pack.mkdir()
    (pack / "wipe.cypher").write_text("// name: wipe\nMATCH (a:Actor) DELETE a", encoding="utf-8")
    store = str(tmp_path / "s.db")
    runner = CliRunner()
    runner.invoke(cli, ["load", str(FIXTURES / "bundle.yaml"), "--store", store])
    result = runner.invoke(cli, ["query", "wipe", "--pack", str(pack), "--store", store])
    assert (result.exit_code, result.stderr) == (
        1, f"Error: {pack / 'wipe.cypher'}, line 2: refused: DELETE writes to the graph; pack queries run "
           "read-only unless you pass --write\n")
    assert '"actors": 5' in runner.invoke(cli, ["stats", "--format", "json", "--store", store]).stdout
    # With --write the user takes responsibility; DETACH would be needed for related actors.
    (pack / "wipe.cypher").write_text("// name: wipe\nMATCH (s:Statement) DELETE s", encoding="utf-8")
    assert runner.invoke(cli, ["query", "wipe", "--write", "--pack", str(pack), "--store", store]).exit_code == 0
    assert '"statements": 0' in runner.invoke(cli, ["stats", "--format", "json", "--store", store]).stdout


def test_an_order_line_sorts_the_rows_after_the_query_nulls_last():
    query = parse_query("// name: q\n// column a: int\n// column b: text\n// order: a, b\n"
                        "RETURN 2 AS a, 'x' AS b UNION ALL RETURN 1 AS a, 'z' AS b", "q.cypher", "p")
    assert query.order == ("a", "b")
    rows = present(query, ["b", "a"], [["x", 2], ["y", None], ["z", 1], ["a", 1]])
    assert rows == [{"b": "a", "a": 1}, {"b": "z", "a": 1}, {"b": "x", "a": 2}, {"b": "y", "a": None}]


def test_the_whole_graph_answers_run_in_shares():
    """What may run in shares: one row per first actor, and sorted by its closing ORDER BY
    (the pack refuses a query in shares without one)."""
    shared = sorted(name for name, query in core_pack().items() if query.shared)
    assert shared == ["changes", "contested", "control", "mediators", "relations", "who-backs-whom"]


def test_a_query_in_shares_runs_whole_without_its_share_lines():
    from allegiance.queries.guard import check_query

    text = ("// name: q\n// column a: id\n// column b: text\nMATCH (s:Actor)\nWHERE\n// include: _share n=s\n"
            "      s.name <> '' RETURN s.id AS a, s.name AS `b` ORDER BY `b` ASC, a")
    query = parse_query(text, "q.cypher", "p")
    assert query.shared and "$share_from" in query.cypher and "$share_to" in query.cypher
    assert query.order == ("b", "a")  # its ORDER BY's
    whole = query.whole()
    assert not whole.shared and "share_" not in whole.cypher and whole.whole() is whole
    assert whole.cypher == "MATCH (s:Actor)\nWHERE\n      s.name <> '' RETURN s.id AS a, s.name AS `b` ORDER BY `b` ASC, a"
    assert whole.origins == (("q.cypher", 4), ("q.cypher", 5), ("q.cypher", 7))
    # What runs whole is checked too, not only the text with the share's lines.
    sneaky = replace(query, alone=replace(whole, cypher="MATCH (s:Actor) DETACH DELETE s RETURN s.id AS a"))
    with pytest.raises(QueryError, match="DELETE"):
        check_query(sneaky)
