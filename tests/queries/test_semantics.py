"""The six rules that define every answer, one test (or more) each.

Each test loads a small graph built for that rule, so a failure names the rule.
"""

from __future__ import annotations

import pytest

from tests.conftest import ask, pairs

HEADER = """
sources:
  - {id: early, title: Early report, published: "2020-02-01"}
  - {id: late, title: Late report, published: "2021-03-08"}
  - {id: undated, title: Undated note}
actors:
  - {id: gna, name: Government of National Accord, aliases: [GNA], type: government, country: LY}
  - {id: lna, name: Libyan National Army, aliases: [LNA], type: armed_group, country: LY}
  - {id: turkey, name: Turkey, type: state}
  - {id: uae, name: United Arab Emirates, aliases: [UAE], type: state}
  - {id: russia, name: Russia, type: state}
  - {id: wagner, name: Wagner Group, type: mercenary}
  - {id: france, name: France, type: state}
places:
  - {id: al-watiya, name: al-Watiya Air Base, aliases: [al-Witya]}
"""


# -- rule 1: a statement's interval --------------------------------------------------
def test_interval_runs_from_earliest_day_of_start_to_latest_day_of_end(make_any_store):
    store = make_any_store(HEADER + """
statements:
  - {subject: uae, relation: supports, object: lna, start: "2019-04", end: "2020-06", source: early}
""")
    assert ask(store, "backers", actor="lna", as_of="2019-04-01")  # first day of the start month
    assert not ask(store, "backers", actor="lna", as_of="2019-03-31")
    assert ask(store, "backers", actor="lna", as_of="2020-06-30")  # last day of the end month
    assert not ask(store, "backers", actor="lna", as_of="2020-07-01")


def test_no_start_means_unknown_beginning_and_no_end_means_ongoing(make_any_store):
    store = make_any_store(HEADER + """
statements:
  - {subject: uae, relation: supports, object: lna, end: "2015", source: early}
  - {subject: turkey, relation: supports, object: gna, start: "2019-11", source: early}
""")
    assert pairs(ask(store, "who-backs-whom", as_of="1950")) == {("uae", "lna")}
    assert pairs(ask(store, "who-backs-whom", as_of="2040-01-01")) == {("turkey", "gna")}
    row = ask(store, "backers", actor="lna")[0]
    assert (row["start"], row["end"]) == (None, "2015")


def test_on_covers_its_own_span_only(make_any_store):
    store = make_any_store(HEADER + """
statements:
  - {subject: france, relation: supports, object: lna, on: "2019-06", kind: political, source: early}
""")
    assert ask(store, "backers", actor="lna", as_of="2019-06-30")
    assert not ask(store, "backers", actor="lna", as_of="2019-07-01")
    row = ask(store, "backers", actor="lna")[0]
    assert (row["start"], row["end"]) == ("2019-06", "2019-06")


# -- rule 2: --as-of selects what overlaps the span ----------------------------------
def test_as_of_a_month_includes_a_relation_that_ended_inside_it(make_any_store):
    store = make_any_store(HEADER + """
statements:
  - {subject: wagner, relation: supports, object: lna, kind: mercenaries, start: "2019-09", end: "2020-05-17", source: early}
""")
    assert pairs(ask(store, "backers", actor="lna", as_of="2020-05")) == {("wagner", "lna")}
    assert ask(store, "backers", actor="lna", as_of="2020-05-17")
    assert ask(store, "backers", actor="lna", as_of="2020-05-15")
    assert ask(store, "backers", actor="lna", as_of="2020-05-18") == []


# -- rule 3: exclusive relations ------------------------------------------------------
WATIYA = HEADER + """
statements:
  - {subject: lna, relation: controls, object: al-watiya, start: "2014", source: early}
  - {subject: gna, relation: controls, object: al-Witya, start: "2020-05-18", source: late}
"""


def test_a_new_holder_ends_the_earlier_open_hold_the_day_before(make_any_store):
    store = make_any_store(WATIYA)
    assert pairs(ask(store, "control", place="al-watiya", as_of="2020-05-25")) == {("gna", "al-watiya")}
    assert pairs(ask(store, "control", place="al-watiya", as_of="2020-05-17")) == {("lna", "al-watiya")}
    # A month that holds both: each held the place for part of May.
    assert pairs(ask(store, "control", as_of="2020-05")) == {("lna", "al-watiya"), ("gna", "al-watiya")}
    lna = next(r for r in ask(store, "control") if r["subject"] == "lna")
    assert (lna["start"], lna["end"]) == ("2014", "2020-05-17")


def test_a_hold_that_ended_before_the_new_one_is_left_alone(make_any_store):
    store = make_any_store(HEADER + """
statements:
  - {subject: lna, relation: controls, object: al-watiya, start: "2014", end: "2016-03", source: early}
  - {subject: gna, relation: controls, object: al-watiya, start: "2020-05-18", source: early}
""")
    lna = next(r for r in ask(store, "control") if r["subject"] == "lna")
    assert lna["end"] == "2016-03"
    assert ask(store, "control", as_of="2018") == []


def test_supersession_is_not_applied_to_non_exclusive_relations(make_any_store):
    store = make_any_store(HEADER + """
statements:
  - {subject: uae, relation: supports, object: lna, start: "2014", source: early}
  - {subject: russia, relation: supports, object: lna, start: "2019-09", source: early}
""")
    assert pairs(ask(store, "backers", actor="lna", as_of="2020-05")) == {("uae", "lna"), ("russia", "lna")}


# -- rule 4: one relation per subject, relation and object ---------------------------
def test_statements_on_one_relation_form_one_row_with_their_evidence(make_any_store):
    store = make_any_store(HEADER + """
statements:
  - {subject: turkey, relation: supports, object: gna, kind: drones, start: "2019-05", source: early, quote: Drones}
  - {subject: turkey, relation: supports, object: GNA, kind: troops, start: "2020-01", source: late, quote: Troops}
  - {subject: turkey, relation: supports, object: gna, kind: training, start: "2017", end: "2018", source: undated}
""")
    rows = ask(store, "backers", actor="gna", as_of="2020-05")
    assert len(rows) == 1
    row = rows[0]
    assert row["kinds"] == ["drones", "troops"]
    assert row["sources"] == ["early", "late"]
    assert len(row["statements"]) == 2
    assert row["start"] == "2019-05"  # the earliest start among the statements that overlap
    everything = ask(store, "backers", actor="gna")[0]
    assert everything["kinds"] == ["drones", "training", "troops"] and everything["start"] == "2017"


# -- rule 5: contested ------------------------------------------------------------------
CONTESTED = HEADER + """
statements:
  - {subject: france, relation: supports, object: lna, kind: political, start: "2019", source: early, quote: backs}
  - {subject: france, relation: supports, object: lna, start: "2019", end: "2019-12", negated: true, claimed_by: france, source: early, quote: denies}
  - {subject: russia, relation: supports, object: gna, negated: true, source: early, quote: only a denial}
"""


def test_affirmed_and_denied_is_contested_and_shown(make_any_store):
    store = make_any_store(CONTESTED)
    row = ask(store, "backers", actor="lna", as_of="2019-06")[0]
    assert row["contested"] is True and len(row["denials"]) == 1 and len(row["statements"]) == 1
    assert pairs(ask(store, "contested", as_of="2019-06")) == {("france", "lna")}


def test_a_denial_outside_the_period_does_not_contest(make_any_store):
    store = make_any_store(CONTESTED)
    row = ask(store, "backers", actor="lna", as_of="2020-06")[0]
    assert row["contested"] is False and row["denials"] == []
    assert ask(store, "contested", as_of="2020-06") == []


def test_denials_alone_show_nothing(make_any_store):
    store = make_any_store(CONTESTED)
    assert ask(store, "backers", actor="gna") == []
    assert ("russia", "gna") not in pairs(ask(store, "who-backs-whom"))
    # ...but provenance still lists the denial, as evidence.
    rows = ask(store, "provenance", subject="russia", relation="supports", object="gna")
    assert [r["negated"] for r in rows] == [True]


# -- rule 6: --known-at -------------------------------------------------------------------
def test_known_at_uses_only_sources_published_by_then(make_any_store):
    store = make_any_store(HEADER + """
statements:
  - {subject: wagner, relation: supports, object: lna, start: "2019-09", source: late}
  - {subject: uae, relation: supports, object: lna, start: "2019-04", source: early}
  - {subject: turkey, relation: supports, object: gna, start: "2019-12", source: undated}
""")
    assert pairs(ask(store, "who-backs-whom", as_of="2020-05", known_at="2020-06")) == {("uae", "lna"), ("turkey", "gna")}
    assert pairs(ask(store, "who-backs-whom", as_of="2020-05", known_at="2021-03")) == {
        ("uae", "lna"), ("turkey", "gna"), ("wagner", "lna")}
    # Before any dated source appeared only the undated one counts.
    assert pairs(ask(store, "who-backs-whom", known_at="2019")) == {("turkey", "gna")}


def test_known_at_recomputes_supersession(make_any_store):
    store = make_any_store(WATIYA)  # the GNA's capture comes from the late source
    rows = ask(store, "control", place="al-watiya", as_of="2020-05-25", known_at="2020-12")
    assert pairs(rows) == {("lna", "al-watiya")}
    assert rows[0]["end"] is None  # not yet superseded by anything known then
    assert pairs(ask(store, "control", place="al-watiya", as_of="2020-05-25")) == {("gna", "al-watiya")}


def test_known_at_recomputes_contested(make_any_store):
    store = make_any_store(HEADER + """
statements:
  - {subject: france, relation: supports, object: lna, start: "2019", source: early}
  - {subject: france, relation: supports, object: lna, start: "2019", negated: true, source: late}
""")
    assert ask(store, "backers", actor="lna", known_at="2020-12")[0]["contested"] is False
    assert ask(store, "backers", actor="lna")[0]["contested"] is True


@pytest.mark.parametrize("as_of", ["2020", "2020-05", "2020-05-20"])
def test_changes_lists_added_and_removed(make_any_store, as_of):
    store = make_any_store(WATIYA + """
  - {subject: wagner, relation: supports, object: lna, start: "2019-09", end: "2020-05-24", source: early}
  - {subject: turkey, relation: supports, object: gna, start: "2020-01", source: early}
""")
    rows = ask(store, "changes", as_of=as_of, from_="2019-12", to="2020-06")
    got = {(r["change"], r["subject"], r["relation"], r["object"]) for r in rows}
    assert got == {
        ("added", "turkey", "supports", "gna"),
        ("added", "gna", "controls", "al-watiya"),
        ("removed", "lna", "controls", "al-watiya"),
        ("removed", "wagner", "supports", "lna"),
    }
