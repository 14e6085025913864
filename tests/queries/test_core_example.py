"""Every core query on the bundled example, checked against facts in its statements."""

from __future__ import annotations

import pytest
import yaml

from allegiance.queries.pack import core_pack
from tests.conftest import EXAMPLE, ask, pairs

RELATION_COLUMNS = ["subject", "subject_name", "relation", "object", "object_name", "start", "end", "kinds",
                    "sources", "statements", "denials", "contested"]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    from allegiance.graph.embedded import EmbeddedStore
    from allegiance.pipeline import load

    s = EmbeddedStore(tmp_path_factory.mktemp("example") / "example.db")
    load(s, [str(EXAMPLE)])
    yield s
    s.close()


@pytest.fixture(scope="module")
def raw():
    return yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))


def test_every_core_query_is_tested_here():
    tested = {name.removeprefix("test_").replace("_", "-") for name in globals() if name.startswith("test_")}
    assert set(core_pack()) <= tested


def test_who_backs_whom(store):
    rows = ask(store, "who-backs-whom", as_of="2020-05")
    assert list(rows[0]) == RELATION_COLUMNS
    got = pairs(rows)
    assert {("turkey", "gna"), ("uae", "lna"), ("wagner-group", "lna"), ("sna-fighters", "gna")} <= got
    assert all(r["relation"] == "supports" and r["sources"] and r["statements"] for r in rows)


def test_backers(store, raw):
    rows = ask(store, "backers", as_of="2020-05", actor="Government of National Accord")
    assert ("turkey", "gna") in pairs(rows)
    turkey = next(r for r in rows if r["subject"] == "turkey")
    # every kind on the row comes from an affirming Turkey->GNA statement of the file
    declared = {s.get("kind") for s in raw["statements"]
                if s["subject"] in ("turkey", "Turkey") and s["object"] in ("gna", "GNA") and not s.get("negated")}
    assert set(turkey["kinds"]) <= declared and turkey["kinds"]


def test_opponents(store):
    rows = ask(store, "opponents", actor="gna", as_of="2020-05")
    assert {("gna", "lna"), ("lna", "gna")} <= pairs(rows)
    assert ("gna", "lna") not in pairs(ask(store, "opponents", actor="gna", as_of="2021-06"))  # after the ceasefire


def test_mediators(store):
    rows = ask(store, "mediators", as_of="2020-05")
    assert {("au-contact-group", "gna"), ("au-contact-group", "lna")} <= pairs(rows)
    assert pairs(ask(store, "mediators", as_of="2020-01-19")) >= {("germany", "gna"), ("germany", "lna")}


def test_control(store):
    assert pairs(ask(store, "control", place="al-Watiya", as_of="2020-05-20")) == {("gna", "al-watiya")}
    assert pairs(ask(store, "control", place="al-watiya", as_of="2020-05-17")) == {("lna", "al-watiya")}
    assert pairs(ask(store, "control", place="tarhuna", as_of="2020-06-10")) == {("gna", "tarhuna")}
    assert ("gna", "al-watiya") in pairs(ask(store, "control", as_of="2020-06"))


def test_changes(store):
    rows = ask(store, "changes", from_="2020-01", to="2020-06")
    got = {(r["change"], r["subject"], r["relation"], r["object"]) for r in rows}
    assert {("added", "gna", "controls", "al-watiya"), ("removed", "lna", "controls", "al-watiya"),
            ("added", "gna", "controls", "tarhuna")} <= got


def test_proxy_chains(store):
    rows = ask(store, "proxy-chains", as_of="2020-05", from_="russia", to="lna")
    assert ["russia", "wagner-group", "lna"] in [r["path"] for r in rows]
    chain = next(r for r in rows if r["path"] == ["russia", "wagner-group", "lna"])
    assert chain["hops"] == 2 and len(chain["statements"]) >= 2
    turkey = ask(store, "proxy-chains", as_of="2020-05", from_="turkey", to="gna")
    assert ["turkey", "sna-fighters", "gna"] in [r["path"] for r in turkey]
    assert all(len(set(r["path"])) == len(r["path"]) for r in rows + turkey)  # no cycles


def test_contested(store):
    rows = ask(store, "contested")
    assert ("france", "lna") in pairs(rows)
    assert all(r["contested"] and r["denials"] and r["statements"] for r in rows)


def test_provenance(store, raw):
    rows = ask(store, "provenance", subject="Turkey", relation="supports", object="GNA")
    quotes = {s["quote"] for s in raw["statements"]
              if s["subject"] in ("turkey", "Turkey") and s["relation"] == "supports" and s["object"] in ("gna", "GNA")}
    assert {r["quote"] for r in rows} == quotes
    assert all(r["source"] and r["statement"] for r in rows)
    france = ask(store, "provenance", subject="france", relation="supports", object="lna")
    assert any(r["negated"] and r["claimed_by"] == "france" for r in france)


def test_timeline(store):
    rows = ask(store, "timeline", actor="gna")
    assert ("gna", "al-watiya") in pairs(rows) and ("turkey", "gna") in pairs(rows)
    starts = [r["start"] for r in rows if r["start"]]
    assert starts == sorted(starts, key=lambda s: (s + "-01-01")[:10])


def test_relations(store):
    rows = ask(store, "relations", as_of="2020-05")
    assert {r["relation"] for r in rows} >= {"supports", "opposes", "mediates", "controls", "part_of"}
    only = ask(store, "relations", as_of="2020-05", relation="opposes")
    assert only and {r["relation"] for r in only} == {"opposes"}


def test_intervals(store, raw):
    rows = ask(store, "intervals", as_of="2020-05")  # --as-of does not filter the spans
    assert len(rows) == len({r["statement"] for r in rows}) == store.stats()["statements"] > len(raw["statements"]) // 2
    assert list(rows[0]) == ["subject", "relation", "object", "statement", "negated", "first", "last", "start", "end",
                             "kind", "source"]
    assert any(r["negated"] for r in rows) and all(r["first"] <= r["last"] for r in rows)
