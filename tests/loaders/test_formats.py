"""Every input format yields the same statements for the same data."""

from __future__ import annotations

import dataclasses
import io
import json

import pytest

from allegiance.loaders import read_records
from allegiance.loaders.assemble import Assembler
from tests.conftest import FIXTURES, ask, pairs

YAML_BUNDLE = """
sources:
  - {id: s1, title: Report, publisher: Wire, url: "https://example.org/r", published: 2020-05-21, reliability: 0.7}
actors:
  - {id: gna, name: Government of National Accord, aliases: [GNA], type: government, country: ly}
  - {id: lna, name: Libyan National Army, aliases: [LNA], type: armed_group, country: LY}
  - {id: turkey, name: Turkey, aliases: [Türkiye], type: state, country: TR}
  - {id: unsmil, name: UNSMIL, type: international_org}
  - {id: williams, name: Stéphanie Williams, type: person}
places:
  - {id: al-watiya, name: al-Watiya Air Base, aliases: [al-Witya], country: LY, lat: 32.47, lon: 11.89}
statements:
  - {subject: Turkiye, relation: supports, object: gna, kind: troops, start: "2020-01", source: s1, quote: "Turkish troops"}
  - {subject: GNA, relation: controls, object: AL-WITYA, start: 2020-05-18, source: s1, confidence: 0.9}
  - {subject: unsmil, relation: mediates, object: [gna, lna], on: 2020-05, source: s1}
  - {subject: stephanie williams, relation: part_of, object: unsmil, source: s1}
  - {subject: turkey, relation: supports, object: lna, negated: true, claimed_by: turkey, source: s1}
"""

EXPECTED = {
    ("turkey", "supports", "gna"), ("gna", "controls", "al-watiya"), ("unsmil", "mediates", "gna"),
    ("unsmil", "mediates", "lna"), ("williams", "part_of", "unsmil"), ("turkey", "supports", "lna"),
}


def _statements(path, fmt=None):
    assembler = Assembler()
    statements = list(assembler.statements(read_records(str(path), fmt)))
    return assembler, statements


def _triples(statements):
    return {(s.subject, s.relation, s.object) for s in statements}


def test_yaml_bundle(tmp_path):
    path = tmp_path / "b.yaml"
    path.write_text(YAML_BUNDLE, encoding="utf-8")
    assembler, statements = _statements(path)
    assert _triples(statements) == EXPECTED
    assert assembler.places["al-watiya"].lat == pytest.approx(32.47)
    assert assembler.actors["gna"].country == "LY"  # upper-cased
    assert str(assembler.sources["s1"].published) == "2020-05-21"  # a YAML date becomes a day
    denial = next(s for s in statements if s.negated)
    assert denial.claimed_by == "turkey"
    mediation = [s for s in statements if s.relation == "mediates"]
    assert len(mediation) == 2 and all(str(s.on) == "2020-05" for s in mediation)


def test_json_bundle_and_a_bare_list(tmp_path):
    import yaml

    data = yaml.safe_load(YAML_BUNDLE.replace("2020-05-21", '"2020-05-21"').replace("2020-05-18", '"2020-05-18"'))
    data["statements"] = [{("on" if k is True else k): v for k, v in s.items()} for s in data["statements"]]
    path = tmp_path / "b.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert _triples(_statements(path)[1]) == EXPECTED
    only_statements = tmp_path / "list.json"
    only_statements.write_text(json.dumps(data["statements"][:1]), encoding="utf-8")
    records = list(read_records(str(only_statements)))
    assert [r.kind for r in records] == ["statement"]


def test_json_lines(tmp_path):
    lines = [
        {"record": "source", "id": "s1", "title": "Report", "published": "2020-05-21"},
        {"record": "actor", "id": "turkey", "name": "Turkey", "type": "state"},
        {"record": "actor", "id": "gna", "name": "GNA", "type": "government"},
        {"subject": "turkey", "relation": "supports", "object": "gna", "start": "2020-01", "source": "s1"},
    ]
    path = tmp_path / "x.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n\n", encoding="utf-8")
    assert _triples(_statements(path)[1]) == {("turkey", "supports", "gna")}


def test_csv_with_sources_and_actors_inline(tmp_path):
    path = tmp_path / "statements.csv"
    path.write_text(
        "subject,subject_type,relation,object,object_type,kind,start,source,source_title,source_published,quote\n"
        "Turkey,state,supports,Government of National Accord,government,troops,2020-01,s1,Report,2020-05-21,\"Troops, drones\"\n"
        "Turkey,state,supports,Government of National Accord,government,drones,2019-05,s1,Report,2020-05-21,\"said \"\"drones\"\"\"\n",
        encoding="utf-8",
    )
    assembler, statements = _statements(path)
    assert _triples(statements) == {("turkey", "supports", "government-of-national-accord")}
    assert assembler.actors["turkey"].type == "state"
    assert statements[1].quote == 'said "drones"'
    assert str(assembler.sources["s1"].published) == "2020-05-21"


def test_csv_with_entities_in_their_own_files(tmp_path):
    (tmp_path / "actors.csv").write_text(
        "id,name,aliases,type,country\ngna,Government of National Accord,GNA;Tripoli government,government,LY\n"
        "lna,Libyan National Army,LNA,armed_group,LY\n", encoding="utf-8")
    # a byte-order mark and CRLF line ends, as spreadsheets write them
    (tmp_path / "places.csv").write_bytes("\ufeffid,name,lat,lon\r\ntarhuna,Tarhuna,32.43,13.63\r\n".encode())
    (tmp_path / "sources.csv").write_text("id,title,published\ns1,Report,2020-06\n", encoding="utf-8")
    (tmp_path / "events.csv").write_text(
        "subject,relation,object,start,source\nTripoli government,controls,Tarhuna,2020-06-05,s1\n"
        "unsmil,mediates,GNA;LNA,2020-05,s1\n", encoding="utf-8")
    assembler = Assembler(create_missing=True)
    records = [r for name in ("actors", "places", "sources", "events")
               for r in read_records(str(tmp_path / f"{name}.csv"))]
    statements = list(assembler.statements(records))
    assert _triples(statements) == {("gna", "controls", "tarhuna"), ("unsmil", "mediates", "gna"),
                                    ("unsmil", "mediates", "lna")}
    assert assembler.places["tarhuna"].lon == pytest.approx(13.63)
    assert assembler.created == ["actor 'unsmil' (unsmil)"]


def test_standard_input(tmp_path, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(YAML_BUNDLE))
    assert _triples(_statements("-", "yaml")[1]) == EXPECTED


def _as_jsonl(assembler, statements, path):
    """The same data written as JSON Lines, by hand, field by field."""
    with path.open("w", encoding="utf-8") as f:
        for kind, table in (("source", assembler.sources), ("actor", assembler.actors), ("place", assembler.places)):
            for entity in table.values():
                row = {k: v for k, v in dataclasses.asdict(entity).items() if v not in (None, ())}
                if "published" in row:
                    row["published"] = str(entity.published)
                f.write(json.dumps({"record": kind, **row}, ensure_ascii=False) + "\n")
        for s in statements:
            row = {k: v for k, v in dataclasses.asdict(s).items() if v is not None and k != "id"}
            for k in ("start", "end", "on"):
                if k in row:
                    row[k] = str(getattr(s, k))
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def test_every_format_loads_the_same_store(make_store, tmp_path):
    assembler, statements = _statements(FIXTURES / "bundle.yaml")
    jsonl = tmp_path / "same.jsonl"
    _as_jsonl(assembler, statements, jsonl)
    bundle_store = make_store(FIXTURES / "bundle.yaml", name="b.db")
    jsonl_store = make_store(jsonl, name="c.db")
    assert bundle_store.stats()["statements"] == jsonl_store.stats()["statements"] == len(statements) == 6
    assert ask(bundle_store, "relations") == ask(jsonl_store, "relations")
    assert pairs(ask(jsonl_store, "who-backs-whom")) == {("turkey", "gna")}


def test_files_in_one_load_may_refer_to_each_other_in_any_order(make_store):
    entities, statements = YAML_BUNDLE.split("statements:")
    store = make_store("statements:" + statements, entities)
    assert store.stats()["statements"] == 6
