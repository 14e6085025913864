"""`allegiance export --format gexf`: a dynamic GEXF 1.3 file whose spells are the days each
relation holds, as the `intervals` query gives them after supersession."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import networkx as nx
from click.testing import CliRunner

from allegiance.cli import cli
from allegiance.model import PartialDate
from allegiance.viz.gexf import spells
from tests.conftest import EXAMPLE, ask

NS = {"g": "http://gexf.net/1.3"}


def export(store, path, *more):
    result = CliRunner().invoke(cli, ["export", "--format", "gexf", "-o", str(path), "--store", str(store.path), *more])
    assert result.exit_code == 0, result.output
    return ET.parse(path).getroot()


def test_the_example_as_dynamic_gexf(make_store, tmp_path):
    store = make_store(EXAMPLE)
    intervals = ask(store, "intervals")
    store.close()
    root = export(store, tmp_path / "g.gexf")
    assert root.get("version") == "1.3"
    graph = root.find("g:graph", NS)
    assert (graph.get("mode"), graph.get("timeformat"), graph.get("defaultedgetype")) == ("dynamic", "date", "directed")
    edges = {e.get("id"): e for e in graph.iter("{http://gexf.net/1.3}edge")}
    affirmed = {f"{r['subject']}|{r['relation']}|{r['object']}" for r in intervals if not r["negated"]}
    assert set(edges) == affirmed
    # Supersession: the LNA's hold of al-Watiya ends the day before the GNA's starts.
    lna = [s.attrib for s in edges["lna|controls|al-watiya"].iter("{http://gexf.net/1.3}spell")]
    gna = [s.attrib for s in edges["gna|controls|al-watiya"].iter("{http://gexf.net/1.3}spell")]
    assert lna[-1]["end"] == "2020-05-17" and gna[0]["start"] == "2020-05-18"
    # An unknown start or an open end is a missing bound; a year-precise start is its first day.
    turkey = [s.attrib for s in edges["turkey|supports|gna"].iter("{http://gexf.net/1.3}spell")]
    assert turkey == [{"start": "2019-01-01"}]
    nodes = {n.get("id"): n.get("label") for n in graph.iter("{http://gexf.net/1.3}node")}
    assert nodes["gna"] == "Government of National Accord" and "al-watiya" in nodes
    assert nx.read_gexf(tmp_path / "g.gexf", version="1.3").number_of_edges() == len(edges)  # Gephi's reader's twin


def test_known_at_and_refusals(make_store, tmp_path):
    store = make_store(EXAMPLE)
    store.close()
    early = export(store, tmp_path / "early.gexf", "--known-at", "2019-06")
    late = export(store, tmp_path / "late.gexf")
    assert 0 < len(list(early.iter("{http://gexf.net/1.3}edge"))) < len(list(late.iter("{http://gexf.net/1.3}edge")))
    result = CliRunner().invoke(cli, ["export", "--format", "gexf", "-o", "-", "--store", str(store.path)])
    assert result.exit_code == 2 and "--format gexf writes a file: give -o FILE.gexf" in result.output
    result = CliRunner().invoke(cli, ["export", "--format", "gexf", "-o", str(store.path), "--store", str(store.path)])
    assert result.exit_code == 1 and "that is the store (or one of its files)" in result.output


def test_spells_merge_spans_that_overlap_or_touch():
    day = lambda text: PartialDate.parse(text).lo  # noqa: E731
    assert spells([(day("2015"), day("2016-12-31")), (day("2017-01-01"), day("2017-03-01")),
                   (day("2019"), 9_999_999)]) == [("2015-01-01", "2017-03-01"), ("2019-01-01", None)]
    assert spells([(0, 9_999_999), (day("2020"), day("2020-02-01"))]) == [(None, None)]
