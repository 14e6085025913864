"""The `intervals` query: each statement's span after supersession, the ground of the views
that move through time. Filtering its spans by a date gives what `relations --as-of` gives."""

from __future__ import annotations

import pytest

from allegiance.model import PartialDate
from allegiance.pipeline import load
from tests.conftest import EXAMPLE, FIXTURES, ask

DATASETS = {
    "example": ([EXAMPLE], None, ["2019", "2019-04", "2020-01", "2020-05", "2020-05-17", "2020-05-18", "2020-06",
                                  "2021"], None),
    "mmp": ([FIXTURES / "mmp" / "relationships.csv"], "mmp", ["2007", "2009-02", "2010", "2012", "2014-02"], None),
    "ucdp": ([FIXTURES / "ucdp" / "acd-excerpt.csv"], "ucdp-acd", ["1990", "2015", "2020"], None),
}


def _holding(spans: list[dict], as_of: str) -> dict[tuple[str, str, str], dict[str, set[str]]]:
    """Relation -> its affirming and denying statements overlapping ``as_of``'s span."""
    day = PartialDate.parse(as_of)
    out: dict[tuple[str, str, str], dict[str, set[str]]] = {}
    for s in spans:
        if s["first"] <= day.hi and s["last"] >= day.lo:
            side = out.setdefault((s["subject"], s["relation"], s["object"]), {"statements": set(), "denials": set()})
            side["denials" if s["negated"] else "statements"].add(s["statement"])
    return {key: sides for key, sides in out.items() if sides["statements"]}


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_spans_filtered_by_a_date_are_the_relations_as_of_it(make_any_store, name):
    files, fmt, dates, known = DATASETS[name]
    store = make_any_store()
    load(store, [str(f) for f in files], fmt)
    spans = ask(store, "intervals", known_at=known)
    assert spans and all(s["first"] <= s["last"] for s in spans)
    for as_of in dates:
        rows = ask(store, "relations", as_of=as_of, known_at=known)
        expected = {(r["subject"], r["relation"], r["object"]): {"statements": set(r["statements"]),
                                                                 "denials": set(r["denials"])} for r in rows}
        assert _holding(spans, as_of) == expected, as_of


def test_a_superseded_hold_ends_the_day_before_its_successor(make_store):
    store = make_store(EXAMPLE)
    holds = [s for s in ask(store, "intervals") if s["object"] == "al-watiya" and s["relation"] == "controls"]
    lna = next(s for s in holds if s["subject"] == "lna")
    gna = next(s for s in holds if s["subject"] == "gna")
    assert (lna["end"], gna["start"]) == ("2020-05-17", "2020-05-18")
    assert lna["last"] + 1 == gna["first"] == PartialDate.parse("2020-05-18").lo
