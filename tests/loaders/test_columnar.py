"""The columnar read of a JSON Lines file (``loaders.columnar``) makes exactly the statements
and entities the row-by-row path makes, or hands the file back to it: never another value,
never a record the row path refuses. Each file is assembled both ways and compared."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from allegiance.exc import AllegianceError
from allegiance.graph.embedded import EmbeddedStore
from allegiance.graph.rows import SPOOL_FIELDS, spool_values
from allegiance.loaders import columnar, read_records
from allegiance.loaders.assemble import Assembler
from allegiance.model import Statement
from allegiance.pipeline import export, load

ENTITIES = [
    {"record": "actor", "id": "a1", "name": "Actor One", "type": "state"},
    {"record": "actor", "id": "a2", "name": "Actor Two", "aliases": ["Second"]},
    {"record": "actor", "id": "a3", "name": "Actor Three", "type": "armed_group", "country": "LY"},
    {"record": "source", "id": "s1", "title": "Report", "published": "2020-05"},
    {"record": "source", "id": "s2", "title": "Wire"},
    {"record": "place", "id": "p1", "name": "al-Watiya"},
]
PLAIN = {"subject": "a1", "relation": "supports", "object": "a2", "source": "s1"}


def both_ways(path) -> tuple[object, object]:
    """What each path makes of the file: (statements as spooled rows, entities, notes) or
    the error message."""
    def outcome(columns: bool):
        assembler = Assembler()
        item = columnar.File(str(path), str(path), lambda: read_records(str(path)))
        try:
            rows = []
            for made in assembler.statements([item] if columns else read_records(str(path))):
                if isinstance(made, Statement):
                    rows.append(spool_values(made, 0))
                else:
                    assert columns
                    rows += [tuple(r[f] for f in SPOOL_FIELDS) for r in made.to_pylist()]
        except AllegianceError as e:
            return ("error", str(e))
        return ("ok", sorted(rows, key=repr), assembler.actors, assembler.places, assembler.sources,
                assembler.created, assembler.updated)

    return outcome(True), outcome(False)


def write_lines(path, lines) -> None:
    path.write_text("".join(line if isinstance(line, str) else json.dumps(line, ensure_ascii=False) + "\n"
                            for line in lines),
                    encoding="utf-8")


def test_a_plain_file_is_read_as_columns_and_makes_what_rows_make(tmp_path):
    path = tmp_path / "plain.jsonl"
    statements = [
        {**PLAIN, "kind": "Troops", "start": "2019-04", "end": "2020", "quote": "sent troops  ", "confidence": 0.7},
        {**PLAIN, "relation": "opposes", "object": "Actor Three", "on": "2020-05-18", "negated": True, "weight": 3},
        {"subject": "a3", "relation": "mediates", "object": "a1", "source": "s2", "claimed_by": "a2"},  # turned round
        {"subject": "a2", "relation": "controls", "object": "p1", "source": "s1", "start": "2020-05-18",
         "record_id": "row-7"},
        {**PLAIN, "start": "2019-04", "end": "2020", "quote": "sent troops", "kind": "troops", "confidence": 0.7},
        {**PLAIN, "relation": " Supports ", "subject": "Second", "object": "a1", "source": "s2"},
    ]
    write_lines(path, ENTITIES + statements)
    with_columns, by_rows = both_ways(path)
    assert with_columns == by_rows and by_rows[0] == "ok"
    table = columnar.read(columnar.File(str(path), str(path), lambda: iter(())), Assembler())
    assert table is not None and table.num_rows == len(statements)  # the columns did read it


def test_a_load_through_columns_writes_what_a_load_row_by_row_writes(tmp_path, monkeypatch):
    path = tmp_path / "data.jsonl"
    write_lines(path, ENTITIES + [{**PLAIN, "quote": f"shipment {i}", "start": f"{2000 + i % 20}"} for i in range(300)]
                + [{**PLAIN, "quote": "shipment 1", "start": "2001"}])  # a twin: read twice, written once
    rerated = tmp_path / "rerated.jsonl"  # one statement given again with a confidence
    write_lines(rerated, ENTITIES + [{**PLAIN, "quote": f"shipment {i}", "start": f"{2000 + i % 20}",
                                      **({"confidence": 0.9} if i == 7 else {})} for i in range(300)])
    reports, exports = [], []
    for columns in (True, False):
        if not columns:
            monkeypatch.setattr(columnar, "read", lambda file, assembler: None)
        with EmbeddedStore(tmp_path / f"{columns}.db") as store:
            # twice: the second adds none; then the rerated one changes one
            reports.append([load(store, [str(p)]).as_dict() for p in (path, path, rerated)])
            out = tmp_path / f"{columns}.export"
            with out.open("w", encoding="utf-8") as f:
                export(store, f)
            exports.append(out.read_text(encoding="utf-8"))
    assert reports[0] == reports[1]
    assert reports[0][0]["statements_added"] == 300 and reports[0][1]["statements_added"] == 0
    assert reports[0][2]["statements_changed"] == 1
    assert exports[0] == exports[1]


@pytest.mark.parametrize("line", [
    '{"subject": "a1", "relation": "supports", "object": "a2", "source": "s1", "quote": "a \\"b\\""}\n',  # escape
    '{"subject": "a1", "relation": "supports", "object": "a2", "source": "s1", "kind": null}\n',       # a null
    '{"subject": "a1", "subject": "a3", "relation": "supports", "object": "a2", "source": "s1"}\n',    # a key twice
    '{"subject": "a1", "relation": "supports", "object": "a2", "source": "s1", "start": 2020}\n',     # a number
    '{"subject": "a1", "relation": "supports", "object": ["a2", "a3"], "source": "s1"}\n',             # a list
    '\n',                                                                                              # a blank line
    '{"record": "actor", "id": "a9", "name": "Late"}\n',                                              # late declaration
    '{"subject": "a1", "relation": "supports", "object": "zz", "source": "s1"}\n',                     # not declared
    '{"subject": "a1", "relation": "supports", "object": "a1", "source": "s1"}\n',                     # itself
    '{"subject": "a1", "relation": "supports", "object": "a2", "source": "s1", "colour": "red"}\n',    # a stray field
    '{"subject": "a1", "relation": "supports", "object": "a2", "source": "s1", "start": "2020-02-30"}\n',
])
def test_files_the_columns_hand_back_and_the_rows_word(tmp_path, line):
    path = tmp_path / "odd.jsonl"
    write_lines(path, [*ENTITIES, PLAIN, line, {**PLAIN, "quote": "after"}])
    assert columnar.read(columnar.File(str(path), str(path), lambda: iter(())), Assembler()) is None
    with_columns, by_rows = both_ways(path)
    assert with_columns == by_rows


# Each field drawn from values the checks take and values they refuse or change.
FIELD_VALUES = {
    "subject": ["a1", "a2", "Actor Three", "second", "a1 ", "zz", 5, None],
    "relation": ["supports", "Supports", " opposes", "mediates", "controls", "bogus", "", None],
    "object": ["a2", "a3", "Actor One", "p1", "a1", "zz", None],
    "kind": ["troops", "TROOPS", "talks", "armed", "bad", "", None],
    "start": ["2010", "2010-05", "2010-05-03", " 2011", "2010-13", "2012-02-30", "2030", 2010, "", None],
    "end": ["2012", "2010-05", "2009", None],
    "on": ["2015-06-01", None, None],
    "source": ["s1", "s2", "Report", "s3", None],
    # spaces outside ASCII: no-break, em and ideographic (stripped as ASCII's); a zero-width
    # space and a letter, which Python's strip keeps (Arrow finds them, plain_text lets them be)
    "quote": ["q", "q ", " ", "", "two  spaces", "\u00a0q", "q\u2003", "\u3000", "\u200bq", "qé", None],
    "confidence": [0.5, 1, 0, "0.5", 2, -0.1, math.nan, None],
    "negated": [True, False, "yes", 1, None],
    "weight": [3, 3.0, "4", -1, 2**70, None],
    "record_id": ["r1", " r2", 7, None],
    "claimed_by": ["a2", "", "zz", None],
}
statement_lines = st.fixed_dictionaries({}, optional={f: st.sampled_from(v) for f, v in FIELD_VALUES.items()})


@settings(max_examples=150, derandomize=True, database=None, deadline=None)
@given(st.lists(statement_lines, min_size=1, max_size=6), st.booleans())
def test_generated_files_make_the_same_either_way(tmp_path_factory, statements, plain_fields):
    path = tmp_path_factory.mktemp("gen") / "gen.jsonl"
    lines = [{**PLAIN, **{k: v for k, v in s.items() if v is not None or not plain_fields}} for s in statements]
    write_lines(path, ENTITIES + lines)
    with_columns, by_rows = both_ways(path)
    assert with_columns == by_rows


# Values every check takes (spaces to strip and names to resolve included): most such files
# are read as columns, so that the mapping of each distinct value back onto the rows is tried.
TAKEN_KINDS = {"supports": ["troops", "Weapons", None], "opposes": ["armed", None], "mediates": ["talks", None]}
taken_lines = st.sampled_from(sorted(TAKEN_KINDS)).flatmap(lambda relation: st.fixed_dictionaries(
    {"relation": st.just(relation), "subject": st.sampled_from(["a1", "Actor Two", "second", "a3"]),
     "object": st.sampled_from(["a1", "a2", "Actor Three"]), "source": st.sampled_from(["s1", "s2", "Report "])},
    optional={"kind": st.sampled_from(TAKEN_KINDS[relation]), "start": st.sampled_from(["2001", "2001-02", "2001-02-03"]),
              "end": st.sampled_from(["2003", "2003-12-31"]), "quote": st.sampled_from(["q", "q ", "two words"]),
              "confidence": st.sampled_from([0.25, 1]), "negated": st.booleans(), "weight": st.integers(0, 5),
              "record_id": st.sampled_from(["r1", "r2 "]), "claimed_by": st.sampled_from(["a2", "Actor One"])}))


@settings(max_examples=100, derandomize=True, database=None, deadline=None)
@given(st.lists(taken_lines, min_size=1, max_size=12))
def test_generated_files_of_values_the_checks_take_make_the_same_either_way(tmp_path_factory, statements):
    path = tmp_path_factory.mktemp("taken") / "taken.jsonl"
    write_lines(path, ENTITIES + statements)
    with_columns, by_rows = both_ways(path)
    assert with_columns == by_rows


ALLIES = """\
name: allies
label: ALLIES
description: The two are allied.
directed: false
object: actor
exclusive: false
multiple_objects: false
kinds: [formal]
presentation: {caption: allied with, colour: "#6a1b9a", order: 8, headings: {subject: Allied with, object: Allied with},
               phrase: "of {subject} and {object}"}
"""


def test_an_undirected_relation_is_stored_one_way_round_either_way(tmp_path):
    from allegiance.model import vocabulary

    folder = tmp_path / "schema"
    folder.mkdir()
    (folder / "allies.yaml").write_text(ALLIES, encoding="utf-8")
    vocabulary.use([folder])
    try:
        path = tmp_path / "allies.jsonl"
        allied = [{"subject": s, "relation": "allies", "object": o, "source": "s1"} for s, o in (("a3", "a1"), ("a1", "a3"),
                                                                                               ("a2", "a1"))]
        write_lines(path, [*ENTITIES, *allied, PLAIN])
        assert columnar.read(columnar.File(str(path), str(path), lambda: iter(())), Assembler()) is not None
        with_columns, by_rows = both_ways(path)
        assert with_columns == by_rows
        ends = sorted((row[1], row[3]) for row in by_rows[1] if row[2] == "allies")
        assert ends == [("a1", "a2"), ("a1", "a3"), ("a1", "a3")]  # the smaller id first, however written
    finally:
        vocabulary.use(None)


@settings(max_examples=200, derandomize=True, database=None, deadline=None)
@given(st.lists(st.one_of(st.text(alphabet='{}[]":,0123456789.eE+-tfnrulsa \\n', max_size=40),
                          st.sampled_from(['{"subject": "a1"}', "[" * 5000, "{\"a\":" * 3000, '{"x": [[[[1]]]]}'])),
                max_size=8))
def test_arrow_is_never_handed_what_would_crash_it(tmp_path_factory, parts):
    """Raw text (deep nesting among it: Arrow's JSON reader recurses, and crashed on 100,000
    brackets): either columns or a hand-back, never a crash or another exception."""
    path = tmp_path_factory.mktemp("raw") / "raw.jsonl"
    path.write_text("\n".join(parts), encoding="utf-8")
    table = columnar.read(columnar.File(str(path), str(path), lambda: iter(())), Assembler())
    assert table is None or table.num_rows >= 0


def test_dates_of_every_precision_in_declarations_are_read_as_columns(tmp_path):
    """Declarations over several of the blocks Arrow reads (a megabyte each), their dates of
    every precision: the text fields are typed as text, not left to Arrow's inference
    (which reads a column of day-precise dates as timestamps)."""
    path = tmp_path / "dated.jsonl"
    sources = [{"record": "source", "id": f"d{i}", "title": "t" * 80, "published": "2020-05-03"} for i in range(15_000)]
    write_lines(path, [*ENTITIES, *sources, {"record": "source", "id": "y", "published": "2020"}, PLAIN])
    assert columnar.read(columnar.File(str(path), str(path), lambda: iter(())), Assembler()) is not None
    with_columns, by_rows = both_ways(path)
    assert with_columns == by_rows


@settings(max_examples=500, derandomize=True, database=None, deadline=None)
@given(st.lists(st.text(max_size=4), min_size=1, max_size=8))
def test_every_quote_record_text_would_change_is_found_by_arrow(quotes):
    # Arrow finds the quotes to check; every one plain_text refuses must be among them.
    import pyarrow as pa
    import pyarrow.compute as pc

    from allegiance.loaders.records import plain_text

    found = pc.match_substring_regex(pa.array(quotes, pa.string()), columnar._MAYBE_CHANGED).to_pylist()
    assert all(maybe for quote, maybe in zip(quotes, found, strict=True) if not plain_text(quote))
