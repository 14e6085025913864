"""Neo4j Browser favorites of the query packs: the files, the zip, and their values on a real server.

The server tests run on the tests' own Neo4j (tests/neo4j_server.py): under CI=true a server
that cannot be started fails them, elsewhere they skip with a hint.
"""

from __future__ import annotations

import re
import zipfile
from datetime import date

from allegiance.queries.browser import DEFAULT_EXAMPLES, browser_favorites, day_expr, write_favorites_zip
from allegiance.queries.pack import STANDARD_PARAMS, core_pack, load_pack
from allegiance.queries.runner import bind
from tests.conftest import neo4j_with_example

PARAM_LINE = re.compile(r"^:param (\w+) => (.+);$")
ISO_DATE = re.compile(r"date\('(\d{4}-\d{2}-\d{2})'\)")


def _params(text: str) -> dict[str, str]:
    """name -> Cypher expression, from the file's ``:param name => expr;`` lines."""
    found = {}
    for line in text.splitlines():
        if line.startswith(":param"):
            match = PARAM_LINE.match(line)
            assert match, f"not a one-line ':param name => expr;': {line!r}"
            found[match.group(1)] = match.group(2)
    return found


# -- the files ---------------------------------------------------------------------

def test_every_core_query_gets_a_file_named_by_its_first_line():
    files = browser_favorites(core_pack())
    assert set(files) == {f"{name}.cypher" for name in core_pack()}
    for name, query in core_pack().items():
        # Neo4j Browser names a favorite by its first line, minus the leading //.
        assert files[f"{name}.cypher"].splitlines()[0] == f"// {name}: {query.question}"


def test_every_parameter_the_query_uses_is_set():
    for name, query in core_pack().items():
        text = browser_favorites(core_pack())[f"{name}.cypher"]
        used = set(re.findall(r"\$(\w+)", query.cypher))
        assert used <= set(_params(text)), name
        assert set(STANDARD_PARAMS) <= set(_params(text)), name


def test_the_query_follows_the_params_unchanged():
    for name, query in core_pack().items():
        text = browser_favorites(core_pack())[f"{name}.cypher"]
        lines = text.splitlines()
        last_param = max(i for i, line in enumerate(lines) if line.startswith(":param"))
        # Below the last :param: comments, then the query as written with a closing ';'.
        rest = lines[last_param + 1:]
        body = len(query.cypher.splitlines())
        assert "\n".join(rest[-body:]) == query.cypher + ";", name
        assert all(line.startswith("//") for line in rest[:-body]), name
        assert all(line.startswith(("//", ":param")) for line in lines[:last_param + 1]), name


def test_default_examples_are_the_libya_ids_and_may_2020():
    files = browser_favorites(core_pack())
    assert _params(files["backers.cypher"])["actor"] == "'gna'"
    assert _params(files["opponents.cypher"])["actor"] == "'gna'"
    assert _params(files["timeline.cypher"])["actor"] == "'lna'"
    assert _params(files["control.cypher"])["place"] == "'al-watiya'"
    assert {k: v for k, v in _params(files["proxy-chains.cypher"]).items() if k in ("from", "to")} == \
        {"from": "'russia'", "to": "'lna'"}
    provenance = _params(files["provenance.cypher"])
    assert (provenance["subject"], provenance["relation"], provenance["object"]) == ("'turkey'", "'supports'", "'gna'")
    who = _params(files["who-backs-whom.cypher"])
    assert who["as_of_lo"] == day_expr(date(2020, 5, 1)) and who["as_of_hi"] == day_expr(date(2020, 5, 31))
    assert who["known_at"] == "9999999"
    changes = _params(files["changes.cypher"])
    assert [ISO_DATE.findall(changes[k])[-1] for k in ("from_lo", "from_hi", "to_lo", "to_hi")] == \
        ["2020-01-01", "2020-01-31", "2020-06-01", "2020-06-30"]
    # every file tells the user to edit the dates
    assert all("edit both dates" in text for text in files.values())


def test_examples_override_and_quote_values():
    files = browser_favorites(core_pack(), {"backers": {"actor": "o'brien \\ co", "as_of": "2021",
                                                        "known_at": "2020-06"}})
    backers = _params(files["backers.cypher"])
    assert backers["actor"] == r"'o\'brien \\ co'"
    assert backers["as_of_lo"] == day_expr(date(2021, 1, 1)) and backers["as_of_hi"] == day_expr(date(2021, 12, 31))
    assert backers["known_at"] == day_expr(date(2020, 6, 30))
    assert _params(files["opponents.cypher"])["actor"] == "'gna'"  # the defaults stay for the others


def test_a_pack_of_other_types_gets_fallback_values(tmp_path):
    (tmp_path / "typed.cypher").write_text(
        "// name: typed\n// question: All types?\n// param n: int\n// param x: float\n// param b: bool\n"
        "// param t: text\n// param d: date\n// param e: date = \"\"\n// param who: actor\n"
        "RETURN $n, $x, $b, $t, $d_lo, $d_hi, $e_lo, $e_hi, $who, $as_of_lo, $as_of_hi, $known_at\n",
        encoding="utf-8")
    params = _params(browser_favorites(load_pack(tmp_path))["typed.cypher"])
    assert {k: params[k] for k in ("n", "x", "b", "t", "who")} == {"n": "0", "x": "0.0", "b": "false", "t": "''",
                                                                   "who": "''"}
    assert params["d_lo"] == day_expr(date(2020, 5, 1))  # a date without example: the --as-of span
    assert (params["e_lo"], params["e_hi"]) == ("0", "9999999")  # an optional date left out: all time


def test_the_zip_holds_every_favorite_in_one_folder(tmp_path):
    path = write_favorites_zip(core_pack(), tmp_path / "favorites.zip")
    files = browser_favorites(core_pack())
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        # Neo4j Browser keeps the *.cypher entries and makes a favorites folder of their folder.
        assert sorted(archive.namelist()) == sorted(f"allegiance/{name}" for name in files)
        for name, text in files.items():
            assert archive.read(f"allegiance/{name}").decode("utf-8") == text
    again = write_favorites_zip(core_pack(), tmp_path / "again.zip")
    assert again.read_bytes() == path.read_bytes()  # the same zip every time


# -- on the server -----------------------------------------------------------------

def test_param_expressions_give_python_day_numbers_and_the_queries_run():
    """Each ``:param`` expression, run as the Browser runs it (``RETURN expr``), gives the
    value the command line would bind; with those values every core query runs and, on the
    example, returns rows."""
    store = neo4j_with_example()
    try:
        _, rows = store.run(f"RETURN {day_expr(date(2020, 5, 1))} AS v", {})
        assert rows == [[date(2020, 5, 1).toordinal()]] == [[737546]]
        files = browser_favorites(core_pack())
        for name, query in core_pack().items():
            values = {}
            for param, expr in _params(files[f"{name}.cypher"]).items():
                _, rows = store.run(f"RETURN {expr} AS v", {})
                values[param] = rows[0][0]
                days = ISO_DATE.findall(expr)  # date('0001-01-01'), then the date the value is for
                if days:
                    assert values[param] == date.fromisoformat(days[-1]).toordinal(), (name, param)
            given = {k: v for k, v in DEFAULT_EXAMPLES.get(name, {}).items() if k in {p.name for p in query.params}}
            # The same values as the command line binds for the same examples ...
            assert values == bind(query, store, given, as_of="2020-05"), name
            # ... and the query runs with them and finds rows in the example.
            _, rows = store.run(query.cypher, values)
            assert rows, f"{name}: no rows on the example with the favorite's parameters"
            if name == "who-backs-whom":
                names = {v for row in rows for v in row if isinstance(v, str)}
                assert {"Turkey", "Government of National Accord"} <= names
    finally:
        store.close()
