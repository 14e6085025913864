"""Neo4j Browser favorites of the query packs: the files, the zip, and their values on a real server.

The server tests run on the tests' own Neo4j (tests/neo4j_server.py): under CI=true a server
that cannot be started fails them, elsewhere they skip with a hint.
"""

from __future__ import annotations

import re
import zipfile

from allegiance.model import PartialDate
from allegiance.model.partial_date import (
    BOUND_SCALE,
    DAY,
    MONTH,
    OPEN_END,
    UNKNOWN_START,
    YEAR,
    cypher_bound_text,
    cypher_span,
    decode_bound,
    encode_bound,
)
from allegiance.queries.browser import DEFAULT_EXAMPLES, browser_cypher, browser_favorites, write_favorites_zip
from allegiance.queries.pack import core_pack, load_pack
from allegiance.queries.runner import bind, present, run_query
from tests.conftest import neo4j_with_example

PARAM_LINE = re.compile(r"^:param (\w+) => (.+);$")


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


def test_the_parameters_are_the_command_lines_options_and_the_querys_own():
    """A Browser user sets as_of, known_at and the query's parameters by name, as readable
    values; the query computes every day number from them (no `$as_of_lo` is left to set)."""
    for name, query in core_pack().items():
        text = browser_favorites(core_pack())[f"{name}.cypher"]
        assert set(_params(text)) == {"as_of", "known_at", *(p.name for p in query.params)}, name
        used = set(re.findall(r"\$(\w+)", browser_cypher(query)))
        assert used <= set(_params(text)), name
        assert "duration.inDays" not in text and not re.search(r"\$\w+_(lo|hi)\b", text), name


def test_the_query_follows_the_params():
    for name, query in core_pack().items():
        text = browser_favorites(core_pack())[f"{name}.cypher"]
        lines = text.splitlines()
        last_param = max(i for i, line in enumerate(lines) if line.startswith(":param"))
        # Below the last :param: comments, then the Browser's form of the query with a closing ';'.
        rest = lines[last_param + 1:]
        body = len(browser_cypher(query).splitlines())
        assert "\n".join(rest[-body:]) == browser_cypher(query) + ";", name
        assert all(line.startswith("//") for line in rest[:-body]), name
        assert all(line.startswith(("//", ":param")) for line in lines[:last_param + 1]), name
        # Only queries with date columns are wrapped to show their dates as text.
        wrapped = browser_cypher(query).startswith("CALL () {")
        assert wrapped == any(c.type == "date" for c in query.columns), name


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
    assert {k: _params(files["who-backs-whom.cypher"])[k] for k in ("as_of", "known_at")} == \
        {"as_of": "'2020-05'", "known_at": "''"}
    assert {k: _params(files["changes.cypher"])[k] for k in ("from", "to")} == {"from": "'2020-01'", "to": "'2020-06'"}
    assert all("Dates are YYYY, YYYY-MM or YYYY-MM-DD" in text for text in files.values())


def test_examples_override_and_quote_values():
    files = browser_favorites(core_pack(), {"backers": {"actor": "o'brien \\ co", "as_of": "2021",
                                                        "known_at": "2020-06"}})
    backers = _params(files["backers.cypher"])
    assert backers == {"actor": r"'o\'brien \\ co'", "as_of": "'2021'", "known_at": "'2020-06'"}
    assert _params(files["opponents.cypher"])["actor"] == "'gna'"  # the defaults stay for the others


def test_a_pack_of_other_types_gets_fallback_values(tmp_path):
    (tmp_path / "typed.cypher").write_text(
        "// name: typed\n// question: All types?\n// param n: int\n// param x: float\n// param b: bool\n"
        "// param t: text\n// param d: date\n// param e: date = \"\"\n// param who: actor\n"
        "RETURN $n, $x, $b, $t, $d_lo, $d_hi, $e_lo, $e_hi, $who, $as_of_lo, $as_of_hi, $known_at\n",
        encoding="utf-8")
    params = _params(browser_favorites(load_pack(tmp_path))["typed.cypher"])
    assert params == {"n": "0", "x": "0.0", "b": "false", "t": "''", "who": "''", "as_of": "'2020-05'",
                      "known_at": "''", "d": "'2020-05'", "e": "''"}  # a date without example: the --as-of one


def test_a_trailing_order_by_moves_out_only_when_it_sorts_by_columns(tmp_path):
    head = "// name: {}\n// column start: date\n// column who: id\nMATCH (s:Actor)-[r]->() RETURN r.lo_key AS start, s.id AS who\n"
    (tmp_path / "a.cypher").write_text(head.format("a") + "ORDER BY start DESC, `who` LIMIT 3\n", encoding="utf-8")
    (tmp_path / "b.cypher").write_text(head.format("b") + "ORDER BY s.name\n", encoding="utf-8")
    (tmp_path / "c.cypher").write_text(head.format("c").replace("RETURN", "WITH r ORDER BY r.lo RETURN"), encoding="utf-8")
    queries = load_pack(tmp_path)
    # Sorted outside by the bounds, before they become text; the LIMIT goes with the ORDER BY.
    assert "}\nWITH * ORDER BY start DESC, `who` LIMIT 3\nRETURN " in browser_cypher(queries["a"])
    assert "ORDER BY s.name\n}\nRETURN " in browser_cypher(queries["b"])  # s is not a column: it stays inside
    assert "WITH *" not in browser_cypher(queries["c"])  # an ORDER BY of an inner WITH is not the result's


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

DATE_TEXTS = ["2020", "2020-02", "2020-02-29", "2019-12-31", "2021-01", "1969-12-31", "1970-01-01", "1900-03",
              "0999", "0001-01-01", "9999-12", "2000-02"]


def test_the_cypher_day_encoding_matches_pythons():
    """The day encoding's Cypher side (model/partial_date.py) gives Python's day numbers for
    date texts, and Python's date texts for encoded bounds, on the real server."""
    store = neo4j_with_example()
    try:
        for text in [*DATE_TEXTS, ""]:
            lo, hi = cypher_span("$t")
            _, rows = store.run(f"RETURN {lo} AS lo, {hi} AS hi", {"t": text})
            span = PartialDate.parse(text) if text else None
            assert rows == [[span.lo, span.hi] if span else [UNKNOWN_START, OPEN_END]], text
        keys = [encode_bound(PartialDate.parse(t).lo, p) for t in DATE_TEXTS for p in (YEAR, MONTH, DAY)]
        keys += [encode_bound(PartialDate.parse(t).hi, PartialDate.parse(t).precision) for t in DATE_TEXTS]
        _, rows = store.run(f"UNWIND $keys AS k RETURN {cypher_bound_text('k')}", {"keys": keys})
        assert [row[0] for row in rows] == [decode_bound(k) for k in keys]
        sentinels = [None, encode_bound(UNKNOWN_START, YEAR), encode_bound(UNKNOWN_START, DAY), encode_bound(OPEN_END, DAY)]
        _, rows = store.run(f"UNWIND $keys AS k RETURN {cypher_bound_text('k')}", {"keys": sentinels})
        assert [row[0] for row in rows] == [None, "unknown", "unknown", "ongoing"]
        assert BOUND_SCALE == 4  # the scale the stored keys were written with
    finally:
        store.close()


def _canonical(query, rows):
    """Rows as the command line presents them, with the Browser's words for the sentinels."""
    out = []
    for row in rows:
        item = {}
        for column in query.columns:
            value = row[column.name]
            if column.type == "set":
                value = sorted(value)
            elif column.type == "date" and value is None:
                value = "ongoing" if column.name == "end" else "unknown"
            item[column.name] = value
        out.append(item)
    return out


def _order_columns(query) -> list[str]:
    text = browser_cypher(query)
    if query.order:
        return list(query.order)
    match = re.search(r"\nWITH \* ORDER BY (.*)\n", text)
    return [c.strip().strip("`") for c in match.group(1).split(",")] if match else []


def test_every_favorite_gives_the_command_lines_rows_with_dates_as_text():
    """Each favorite's Cypher, with the text parameters a Browser user sets, returns the rows
    `allegiance query` returns for the same options, with its dates as text, in its order."""
    store = neo4j_with_example()
    try:
        for as_of, known_at in [("2020-05", ""), ("2020", ""), ("2020-05-20", "2020-03"), ("", ""), ("2019-06", "2020")]:
            for name, query in core_pack().items():
                given = {k: v for k, v in DEFAULT_EXAMPLES.get(name, {}).items() if k in {p.name for p in query.params}}
                cli_rows = run_query(store, query, given, as_of=as_of, known_at=known_at)
                values = {p.name: p.default for p in query.params if p.default is not None}
                values |= {**given, "as_of": as_of, "known_at": known_at}
                columns, rows = store.run(browser_cypher(query), values)
                shown = [dict(zip(columns, row, strict=True)) for row in rows]
                assert columns == [c.name for c in query.columns], name
                browser_rows = _canonical(query, shown)
                expected = _canonical(query, cli_rows)
                key = repr
                assert sorted(browser_rows, key=key) == sorted(expected, key=key), (name, as_of, known_at)
                order = _order_columns(query)
                if name == "provenance":  # a total order on its statements
                    assert browser_rows == expected
                else:
                    assert [[r[c] for c in order] for r in browser_rows] == [[r[c] for c in order] for r in expected], name
                for row in shown:  # never an encoded bound
                    assert all(not isinstance(row[c.name], int) for c in query.columns if c.type == "date"), name
        # Rows at all: the example answers every favorite's default question.
        for name, query in core_pack().items():
            given = {k: v for k, v in DEFAULT_EXAMPLES.get(name, {}).items() if k in {p.name for p in query.params}}
            values = {p.name: p.default for p in query.params if p.default is not None}
            _, rows = store.run(browser_cypher(query), {**values, **given, "as_of": "2020-05", "known_at": ""})
            assert rows, f"{name}: no rows on the example with the favorite's parameters"
        # The command line's parameters for the same options are what the favorite's expressions compute.
        query = core_pack()["changes"]
        days = bind(query, store, {"from": "2020-01", "to": "2020-06"}, as_of="2020-05", known_at="2020-03")
        assert (days["from_lo"], days["to_hi"], days["known_at"]) == (737425, 737606, 737515)
        assert present(query, ["start"], [[encode_bound(737425, MONTH)]]) == [{"start": "2020-01"}]
    finally:
        store.close()
