"""Chains of support of any length, and camps followed over time."""

from __future__ import annotations

from allegiance.analysis.camps import camps
from allegiance.analysis.reach import reach, support_graph
from allegiance.analysis.signed import signed_graph
from allegiance.analysis.steps import track
from tests.analysis.test_signed import row


def dated(subject, obj, start, end, statement):
    return {**row(subject, "supports", obj, [statement]), "start": start, "end": end}


def test_reach_follows_chains_whose_hops_hold_at_one_time():
    D = support_graph([dated("p", "a", "2019", None, "s1"), dated("a", "b", "2019-06", "2020-03", "s2"),
                       dated("b", "c", "2020-02", None, "s3"), dated("c", "d", "2021", None, "s4"),
                       dated("p", "e", None, "2018", "s5"), dated("e", "d", None, None, "s6"),
                       {**row("p", "opposes", "z", ["s7"])}])
    rows = {r["actor"]: r for r in reach(D, "p")}
    assert set(rows) == {"a", "b", "c", "e", "d"}
    assert rows["c"]["path"] == ["p", "a", "b", "c"] and rows["c"]["hops"] == 3
    assert (rows["c"]["start"], rows["c"]["end"]) == ("2020-02", "2020-03")  # latest start, earliest end
    assert rows["c"]["statements"] == ["s1", "s2", "s3"]
    # d through c would need c's backing of d (2021 on) while a backed b (to 2020-03): never;
    # through e it holds (up to 2018), in two hops.
    assert rows["d"]["path"] == ["p", "e", "d"] and rows["d"]["end"] == "2018"
    assert reach(D, "nobody") == [] and reach(D, "d") == []


def test_reach_goes_beyond_three_hops():
    chain = [dated(f"n{i}", f"n{i + 1}", None, None, f"s{i}") for i in range(6)]
    rows = reach(support_graph(chain), "n0")
    assert [r["hops"] for r in rows] == [1, 2, 3, 4, 5, 6] and rows[-1]["path"] == [f"n{i}" for i in range(7)]


def test_track_keeps_camp_numbers_and_lists_switches():
    before = [row("a", "supports", "b", ["s1"]), row("c", "supports", "d", ["s2"]), row("b", "opposes", "c", ["s3"]),
              row("x", "supports", "c", ["s4"]), row("x", "opposes", "a", ["s5"])]
    after = [row("a", "supports", "b", ["s1"]), row("c", "supports", "d", ["s2"]), row("b", "opposes", "c", ["s3"]),
             row("x", "supports", "a", ["s6"]), row("x", "opposes", "c", ["s7"])]
    steps = []
    for as_of, rows in (("2019", before), ("2020", after), ("2021", after)):
        G = signed_graph(rows)
        steps.append((as_of, camps(G), G))
    tracked = track(steps)
    first, second, third = ([sorted(c["members"]) for c in s["camps"]] for s in tracked["steps"])
    numbers = [{m: c["camp"] for c in s["camps"] for m in c["members"]} for s in tracked["steps"]]
    assert numbers[0]["a"] == numbers[1]["a"] == numbers[2]["a"] and numbers[0]["c"] == numbers[1]["c"]
    assert tracked["switches"] == [{"actor": "x", "from": numbers[0]["x"], "to": numbers[1]["x"], "as_of": "2020",
                                    "statements": ["s4", "s5", "s6", "s7"]}]
    assert [s["as_of"] for s in tracked["steps"]] == ["2019", "2020", "2021"] and second == third
    assert first != second
