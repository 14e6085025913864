"""`allegiance export --format graphml|csv|gexf|jsonl` with --as-of and --known-at: every
export is read back (networkx's readers, the csv module, `allegiance load`) and compared
with the store's `relations` rows; the GEXF files validate against the GEXF 1.3 schema."""

from __future__ import annotations

import csv
import errno
import json
import os

import networkx as nx
import pytest
import xmlschema
from click.testing import CliRunner

from allegiance.cli import cli
from allegiance.model import PartialDate
from allegiance.viz.csv_tables import EDGE_COLUMNS, NODE_COLUMNS
from tests.conftest import EXAMPLE, FIXTURES, ask

GEXF_13 = xmlschema.XMLSchema(FIXTURES / "gexf-1.3" / "gexf.xsd")
# (as_of, known_at): the whole record, a month, a day (the LNA's hold of al-Watiya ended the
# day before), what was published by mid-2019, and both at once.
PERIODS = [(None, None), ("2020-05", None), ("2020-05-18", None), (None, "2019-06"), ("2020-05", "2020-03")]
HOSTILE = """
actors:
  - {id: red, name: "\\e[31mRed\\e[0m\\u202e =1+1", type: state}
  - {id: "=blue", name: "@Blue <b>&amp;\\ttab\\nline", type: state}
sources:
  - {id: s1, title: T, published: "2020-01"}
statements:
  - {subject: red, relation: supports, object: "=blue", kind: troops, start: "2020-01", source: s1}
"""


def export(store_path, fmt, output, *more):
    result = CliRunner().invoke(cli, ["export", "--format", fmt, "-o", str(output), "--store", str(store_path), *more])
    assert result.exit_code == 0, result.output
    return result


def period_args(as_of, known_at):
    return [*(["--as-of", as_of] if as_of else []), *(["--known-at", known_at] if known_at else [])]


def key(row):
    return f"{row['subject']}|{row['relation']}|{row['object']}"


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    """The example in a store, with its relations rows for every period (asked before the store closes)."""
    from allegiance.graph.embedded import EmbeddedStore
    from allegiance.pipeline import load

    path = tmp_path_factory.mktemp("example") / "example.db"
    store = EmbeddedStore(path)
    try:
        load(store, [str(EXAMPLE)])
        rows = {period: ask(store, "relations", as_of=period[0], known_at=period[1]) for period in PERIODS}
        intervals = {known_at: ask(store, "intervals", known_at=known_at) for known_at in (None, "2019-06", "2020-03")}
        known = store.known()
        statements = list(store.statements())
    finally:
        store.close()
    nodes = {a.id: (a.name, a.type, a.country) for a in known.actors.values()}
    nodes.update({p.id: (p.name, "place", p.country) for p in known.places.values()})
    return {"path": path, "rows": rows, "intervals": intervals, "nodes": nodes, "known": known, "statements": statements}


# -- graphml ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("period", PERIODS, ids=str)
def test_graphml_is_the_relations_rows(example, period, tmp_path):
    rows = example["rows"][period]
    export(example["path"], "graphml", tmp_path / "g.graphml", *period_args(*period))
    G = nx.read_graphml(tmp_path / "g.graphml", force_multigraph=True)
    assert G.is_directed() and G.is_multigraph()
    edges = {k: (u, v, data) for u, v, k, data in G.edges(keys=True, data=True)}
    assert sorted(edges) == sorted(key(r) for r in rows) and len(edges) == len(rows) > 0
    for row in rows:
        u, v, data = edges[key(row)]
        expected = {"label": row["relation"], "relation": row["relation"], "kinds": ";".join(row["kinds"]),
                    "sources": ";".join(row["sources"]), "contested": row["contested"],
                    "statements": len(row["statements"])}
        # An unknown start or an open end is an absent attribute, not "".
        expected.update({k: row[k] for k in ("start", "end") if row[k] is not None})
        assert (u, v, data) == (row["subject"], row["object"], expected)
    ends = {row["subject"] for row in rows} | {row["object"] for row in rows}
    assert set(G.nodes) == ends
    for node, data in G.nodes(data=True):
        name, type_, country = example["nodes"][node]
        assert data == {"label": name, "type": type_, **({"country": country} if country else {})}
    graph = {k: v for k, v in G.graph.items() if k not in ("node_default", "edge_default")}  # the reader's own
    assert graph == {k: v for k, v in zip(("as_of", "known_at"), period, strict=True) if v}


def test_graphml_of_the_example_says_what_the_relations_say(example, tmp_path):
    export(example["path"], "graphml", tmp_path / "g.graphml", "--as-of", "2020-05-20")
    G = nx.read_graphml(tmp_path / "g.graphml", force_multigraph=True)
    watiya = {k: d for u, v, k, d in G.edges(keys=True, data=True) if v == "al-watiya"}
    assert list(watiya) == ["gna|controls|al-watiya"]  # the LNA's hold ended on the 17th
    assert watiya["gna|controls|al-watiya"]["start"] == "2020-05-18"
    turkey = G.get_edge_data("turkey", "gna")["turkey|supports|gna"]
    assert turkey["start"] == "2019" and "end" not in turkey and turkey["statements"] >= 1


# -- csv -------------------------------------------------------------------------------------------

def sorted_names(example, edge):
    return example["nodes"][edge["Source"]][0], example["nodes"][edge["Target"]][0]


def read_csv(path):
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


@pytest.mark.parametrize("period", PERIODS, ids=str)
def test_csv_tables_are_the_relations_rows(example, period, tmp_path):
    rows = example["rows"][period]
    folder = tmp_path / "new" / "tables"  # created, parents too
    export(example["path"], "csv", folder, *period_args(*period))
    assert sorted(p.name for p in folder.iterdir()) == ["edges.csv", "nodes.csv"]
    header, nodes = read_csv(folder / "nodes.csv")
    assert header == ["Id", "Label", "Type", "Country"] == list(NODE_COLUMNS)
    header, edges = read_csv(folder / "edges.csv")
    assert header == ["Source", "Target", "Type", "Id", "Label", "Relation", "Start", "End", "Kinds", "Sources",
                      "Contested", "Statements"] == list(EDGE_COLUMNS)
    order = [(e["Relation"], *sorted_names(example, e)) for e in edges]
    assert order == sorted(order)  # by relation, then names
    assert sorted(e["Id"] for e in edges) == sorted(key(r) for r in rows)
    by_id = {e["Id"]: e for e in edges}
    for row in rows:
        assert by_id[key(row)] == {
            "Source": row["subject"], "Target": row["object"], "Type": "Directed", "Id": key(row),
            "Label": row["relation"], "Relation": row["relation"], "Start": row["start"] or "", "End": row["end"] or "",
            "Kinds": ";".join(row["kinds"]), "Sources": ";".join(row["sources"]),
            "Contested": "true" if row["contested"] else "false", "Statements": str(len(row["statements"])),
        }
    ends = {row["subject"] for row in rows} | {row["object"] for row in rows}
    assert sorted(n["Id"] for n in nodes) == sorted(ends)
    for node in nodes:
        name, type_, country = example["nodes"][node["Id"]]
        assert (node["Label"], node["Type"], node["Country"]) == (name, type_, country or "")


def test_csv_cells_never_start_a_formula_and_rows_stay_one_line(make_store, tmp_path):
    store = make_store(HOSTILE)
    store.close()
    export(store.path, "csv", tmp_path / "t")
    lines = (tmp_path / "t" / "nodes.csv").read_text(encoding="utf-8").splitlines()
    assert lines == ["Id,Label,Type,Country",
                     "red,\\x1b[31mRed\\x1b[0m\\u202e =1+1,state,",
                     "'=blue,'@Blue <b>&amp;\\ttab\\nline,state,"]
    _, edges = read_csv(tmp_path / "t" / "edges.csv")
    # The id is changed alike wherever it is written, so Target still finds its node.
    assert [(e["Source"], e["Target"], e["Id"], e["Kinds"]) for e in edges] == [("red", "'=blue", "red|supports|=blue", "troops")]


def test_csv_replaces_both_tables_or_neither(example, tmp_path, monkeypatch):
    import allegiance.viz.csv_tables as tables

    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "nodes.csv").write_text("earlier nodes\n", encoding="utf-8")
    (folder / "edges.csv").write_text("earlier edges\n", encoding="utf-8")
    (folder / "notes.txt").write_text("mine\n", encoding="utf-8")
    edge_rows = tables._edge_rows

    def full_after_one_edge(G):
        rows = edge_rows(G)
        yield next(rows)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(tables, "_edge_rows", full_after_one_edge)
    result = CliRunner().invoke(cli, ["export", "--format", "csv", "-o", str(folder), "--store", str(example["path"])])
    assert (result.exit_code, result.stderr) == (1, f"Error: cannot write {folder / 'edges.csv'}: No space left on device\n")
    assert {p.name: p.read_text(encoding="utf-8") for p in folder.iterdir()} == {
        "nodes.csv": "earlier nodes\n", "edges.csv": "earlier edges\n", "notes.txt": "mine\n"}
    # A folder the failed export created is not left behind.
    result = CliRunner().invoke(cli, ["export", "--format", "csv", "-o", str(tmp_path / "new"), "--store", str(example["path"])])
    assert result.exit_code == 1 and not (tmp_path / "new").exists()
    monkeypatch.undo()
    export(example["path"], "csv", folder)
    assert sorted(p.name for p in folder.iterdir()) == ["edges.csv", "nodes.csv", "notes.txt"]
    assert (folder / "nodes.csv").read_bytes().startswith(b"Id,Label,Type,Country\r\n")  # RFC 4180's line ends


def test_csv_refuses_a_file_where_a_folder_is_expected_and_the_store(example, make_store, tmp_path):
    target = tmp_path / "tables"
    target.write_text("a file\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["export", "--format", "csv", "-o", str(target), "--store", str(example["path"])])
    assert result.exit_code == 2
    assert f"Error: -o {target}: not a folder; --format csv writes nodes.csv and edges.csv into a folder\n" in result.stderr
    assert target.read_text(encoding="utf-8") == "a file\n"
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "edges.csv").mkdir()
    result = CliRunner().invoke(cli, ["export", "--format", "csv", "-o", str(tmp_path / "d"), "--store", str(example["path"])])
    assert (result.exit_code, result.stderr) == (1, f"Error: cannot write {tmp_path / 'd' / 'edges.csv'}: it is a folder\n")
    assert [p.name for p in (tmp_path / "d").iterdir()] == ["edges.csv"]
    # The store itself, and a folder in which one of the two tables would be the store.
    store = make_store(EXAMPLE, name="nodes.csv")
    store.close()
    for out in (store.path, tmp_path):
        before = store.path.read_bytes()
        result = CliRunner().invoke(cli, ["export", "--format", "csv", "-o", str(out), "--store", str(store.path)])
        shown = out if out == store.path else out / "nodes.csv"
        assert (result.exit_code, result.stderr) == (
            1, f"Error: -o {shown}: that is the store (or one of its files); choose another output path\n")
        assert store.path.read_bytes() == before and not (tmp_path / "edges.csv").exists()


# -- refusals common to the file formats -----------------------------------------------------------

@pytest.mark.parametrize(("fmt", "message"), [
    ("gexf", "--format gexf writes a file: give -o FILE.gexf"),
    ("graphml", "--format graphml writes a file: give -o FILE.graphml"),
    ("csv", "--format csv writes a folder: give -o DIR"),
])
def test_a_graph_export_is_never_written_to_stdout(example, fmt, message):
    result = CliRunner().invoke(cli, ["export", "--format", fmt, "-o", "-", "--store", str(example["path"])])
    assert result.exit_code == 2 and message in result.stderr and result.stdout == ""


@pytest.mark.parametrize("fmt", ["jsonl", "gexf", "graphml"])
def test_a_file_export_refuses_a_folder(example, fmt, tmp_path):
    result = CliRunner().invoke(cli, ["export", "--format", fmt, "-o", str(tmp_path), "--store", str(example["path"])])
    assert result.exit_code == 2 and f"-o {tmp_path}: that is a folder; --format {fmt} writes a file" in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", ["jsonl", "gexf", "graphml", "csv"])
@pytest.mark.parametrize(("option", "value"), [("--as-of", "2020-13"), ("--known-at", "May 2020")])
def test_a_bad_date_is_refused_before_anything_is_written(example, fmt, option, value, tmp_path):
    target = tmp_path / ("out" if fmt == "csv" else f"out.{fmt}")
    if fmt != "csv":
        target.write_text("earlier\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["export", "--format", fmt, "-o", str(target), option, value,
                                      "--store", str(example["path"])])
    assert result.exit_code == 1 and result.stderr.startswith(f"Error: {option}: expected a date as YYYY, YYYY-MM or YYYY-MM-DD")
    assert [p.name for p in tmp_path.iterdir()] == ([] if fmt == "csv" else [target.name])
    assert fmt == "csv" or target.read_text(encoding="utf-8") == "earlier\n"


# -- gexf ------------------------------------------------------------------------------------------

GEXF_NS = "{http://gexf.net/1.3}"


def gexf_edges(path):
    import xml.etree.ElementTree as ET

    root = ET.parse(path).getroot()
    return {e.get("id"): [s.attrib for s in e.iter(f"{GEXF_NS}spell")] for e in root.iter(f"{GEXF_NS}edge")}


@pytest.mark.parametrize("period", PERIODS, ids=str)
def test_gexf_as_of_keeps_the_relations_that_hold_with_all_their_spells(example, period, tmp_path):
    as_of, known_at = period
    export(example["path"], "gexf", tmp_path / "g.gexf", *period_args(*period))
    export(example["path"], "gexf", tmp_path / "all.gexf", *period_args(None, known_at))
    edges, every = gexf_edges(tmp_path / "g.gexf"), gexf_edges(tmp_path / "all.gexf")
    assert sorted(edges) == sorted(key(r) for r in example["rows"][period])
    assert edges == {k: every[k] for k in edges}  # the spells as without --as-of
    # Each kept relation has a spell that overlaps the date, and each left out none.
    if as_of:
        span = PartialDate.parse(as_of)
        lo, hi = span.earliest.isoformat(), span.latest.isoformat()

        def overlaps(spells):
            return any(s.get("start", "0001-01-01") <= hi and s.get("end", "9999-12-31") >= lo for s in spells)

        assert all(overlaps(spells) for spells in edges.values())
        assert not any(overlaps(spells) for k, spells in every.items() if k not in edges)
    G = nx.read_gexf(tmp_path / "g.gexf", version="1.3")
    assert G.number_of_edges() == len(edges)


@pytest.mark.parametrize("period", PERIODS, ids=str)
def test_every_gexf_export_validates_against_the_gexf_13_schema(example, period, tmp_path):
    export(example["path"], "gexf", tmp_path / "g.gexf", *period_args(*period))
    errors = [f"{e.path}: {e.reason}" for e in GEXF_13.iter_errors(str(tmp_path / "g.gexf"))]
    assert errors == []


def test_the_schema_check_is_not_vacuous(example, tmp_path):
    """What networkx's writer gives unmended (a name on <graph>) and a spell of no date both fail."""
    export(example["path"], "gexf", tmp_path / "g.gexf")
    text = (tmp_path / "g.gexf").read_text(encoding="utf-8")
    assert GEXF_13.is_valid(text)
    assert not GEXF_13.is_valid(text.replace('<graph ', '<graph name="" ', 1))
    assert not GEXF_13.is_valid(text.replace('start="2019-01-01"', 'start="2019-13-01"', 1))
    assert not GEXF_13.is_valid(text.replace("http://www.w3.org/2001/XMLSchema-instance",
                                             "http://w3.org/2001/XMLSchema-instance", 1))


def test_xml_exports_of_hostile_names_are_well_formed_and_keep_the_text(make_store, tmp_path):
    store = make_store(HOSTILE)
    store.close()
    export(store.path, "gexf", tmp_path / "h.gexf")
    export(store.path, "graphml", tmp_path / "h.graphml")
    assert GEXF_13.is_valid(str(tmp_path / "h.gexf"))
    gexf = nx.read_gexf(tmp_path / "h.gexf", version="1.3")
    graphml = nx.read_graphml(tmp_path / "h.graphml", force_multigraph=True)
    for G in (gexf, graphml):
        # ESC cannot be in XML at all: it becomes an escape; everything else is kept as it is.
        assert G.nodes["red"]["label"] == "\\x1b[31mRed\\x1b[0m\u202e =1+1"
        assert G.nodes["=blue"]["label"] == "@Blue <b>&amp;\ttab\nline"


# -- jsonl -----------------------------------------------------------------------------------------

def test_jsonl_known_at_keeps_what_was_published_by_then_and_loads_back(example, make_store, tmp_path):
    export(example["path"], "jsonl", tmp_path / "k.jsonl", "--known-at", "2019-06")
    records = [json.loads(line) for line in (tmp_path / "k.jsonl").read_text(encoding="utf-8").splitlines()]
    known = example["known"]
    sources = {r["id"] for r in records if r.get("record") == "source"}
    kept = [r for r in records if r.get("record") not in ("source", "actor", "place")]
    published = {s.id: s.published for s in known.sources.values()}
    assert 0 < len(kept) < len(example["statements"])
    assert all(published[r["source"]] is None or published[r["source"]].lo <= PartialDate.parse("2019-06").hi
               for r in kept)
    assert sources == {r["source"] for r in kept}  # only the sources the kept statements cite
    assert sum(r.get("record") == "actor" for r in records) == len(known.actors)
    store = make_store(tmp_path / "k.jsonl", name="k.db")
    assert ask(store, "relations") == example["rows"][(None, "2019-06")]
    assert ask(store, "intervals") == example["intervals"]["2019-06"]


def test_jsonl_as_of_keeps_the_statements_whose_own_span_overlaps_and_loads_back(example, make_store, tmp_path):
    export(example["path"], "jsonl", tmp_path / "a.jsonl", "--as-of", "2020-05", "--known-at", "2020-03")
    day = PartialDate.parse("2020-05")
    limit = PartialDate.parse("2020-03").hi
    published = {s.id: s.published for s in example["known"].sources.values()}
    expected = {st.id for st in example["statements"]
                if st.lo <= day.hi and st.hi >= day.lo and (published.get(st.source) is None or published[st.source].lo <= limit)}
    store = make_store(tmp_path / "a.jsonl", name="a.db")
    assert store.statement_ids() == expected and expected
    again = ask(store, "relations", as_of="2020-05")
    original = example["rows"][("2020-05", "2020-03")]
    # The same relations with the same evidence; only a hold that a successor starting after
    # the date superseded keeps the open end its statement gives (the successor is not in the file).
    assert [{k: v for k, v in r.items() if k != "end"} for r in again] == [{k: v for k, v in r.items() if k != "end"}
                                                                            for r in original]
    changed = {key(r) for r, o in zip(again, original, strict=True) if r["end"] != o["end"]}
    assert all(r["end"] is None and r["relation"] == "controls" for r in again if key(r) in changed)


def test_jsonl_without_filters_is_everything(example, tmp_path):
    export(example["path"], "jsonl", tmp_path / "e.jsonl")
    lines = (tmp_path / "e.jsonl").read_text(encoding="utf-8").splitlines()
    known = example["known"]
    assert len(lines) == len(known.sources) + len(known.actors) + len(known.places) + len(example["statements"])


def test_write_csv_tables_refuses_a_file_for_its_folder(tmp_path):
    from allegiance.exc import OutputError
    from allegiance.viz.csv_tables import write_csv_tables

    (tmp_path / "f").write_text("mine\n", encoding="utf-8")
    with pytest.raises(OutputError, match=r"^cannot write the tables into .*/f: not a folder$"):
        write_csv_tables(nx.MultiDiGraph(), tmp_path / "f")
    assert (tmp_path / "f").read_text(encoding="utf-8") == "mine\n"
