"""The snapshot every view starts from, on both backends."""

from __future__ import annotations

from allegiance.queries.snapshot import snapshot, statement_details
from tests.conftest import EXAMPLE, ask


def test_a_snapshot_is_the_relations_with_their_nodes_and_sources(make_any_store):
    store = make_any_store(EXAMPLE)
    snap = snapshot(store, as_of="2020-05-20", known_at="2020-12-31")
    assert snap.relations == ask(store, "relations", as_of="2020-05-20", known_at="2020-12-31")
    assert (snap.as_of, snap.known_at) == ("2020-05-20", "2020-12-31")
    held = [(r["subject"], r["object"]) for r in snap.relations if r["relation"] == "controls"
            and r["object"] == "al-watiya"]
    assert held == [("gna", "al-watiya")]
    assert snap.nodes["al-watiya"]["type"] == "place" and snap.nodes["gna"]["name"] == "Government of National Accord"
    cited = {s for r in snap.relations for s in r["sources"]}
    assert cited and cited <= set(snap.sources)
    assert len(snap.nodes) == 39  # 30 actors and 9 places


def test_statement_details_are_what_provenance_gives(make_any_store):
    store = make_any_store(EXAMPLE)
    rows = ask(store, "provenance", subject="turkey", relation="supports", object="gna")
    assert rows
    details = statement_details(store, [r["statement"] for r in rows] + ["no-such-statement"])
    assert set(details) == {r["statement"] for r in rows}
    for r in rows:
        d = details[r["statement"]]
        assert (d["quote"], d["claimed_by"], d["kind"], d["source"], d["negated"], d["start"], d["end"]) == (
            r["quote"], r["claimed_by"], r["kind"], r["source"], r["negated"], r["start"], r["end"])
    assert any(d["quote"] for d in details.values())
    assert statement_details(store, []) == {}
