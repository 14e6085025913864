"""The UCDP readers (ucdp-acd, ucdp-esd), checked against plain-csv readings of the real files."""

from __future__ import annotations

import csv
import os
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from allegiance.cli import cli
from allegiance.exc import InputError
from allegiance.loaders import read_records
from allegiance.loaders.assemble import Assembler
from allegiance.loaders.handles import PROGRESS_ROWS
from allegiance.loaders.records import DatasetRef
from allegiance.loaders.ucdp_acd import GW, Pairing, split_names
from allegiance.model import PartialDate
from allegiance.pipeline import load
from tests.conftest import FIXTURES, ROOT, ask, unavailable

DATA = ROOT.parent / "shared" / "data" / "ucdp"
ACD, ESD = "ucdp-prio-acd-221.csv", "ucdp-esd-ay-181.csv"
EXCERPT = FIXTURES / "ucdp"
GOVERNMENT = "Government of "
BY_ELIMINATION = 98  # ids paired only by elimination that ESD names the same way


@pytest.fixture(scope="module")
def data() -> Path:
    if not (DATA / ACD).is_file() or not (DATA / ESD).is_file():
        unavailable(f"the shared data is missing: {DATA}")
    return DATA


def _raw(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def acd_raw(data):
    return _raw(data / ACD)


@pytest.fixture(scope="module")
def esd_raw(data):
    return _raw(data / ESD)


def _load(path: Path, fmt: str):
    """(records, statements, assembler) for a file read through the real reader and assembler."""
    records = list(read_records(str(path), fmt))
    assembler = Assembler()
    return records, list(assembler.statements(records)), assembler


@pytest.fixture(scope="module")
def acd(data):
    return _load(data / ACD, "ucdp-acd")


@pytest.fixture(scope="module")
def esd(data):
    return _load(data / ESD, "ucdp-esd")


def _refs(records) -> dict[str, list[tuple[str, DatasetRef, DatasetRef]]]:
    """record id -> (relation, subject, object) as the reader wrote them, before mapping."""
    by_record: dict[str, list] = {}
    for r in records:
        if r.kind == "statement":
            by_record.setdefault(r.data["record"], []).append((r.data["relation"], r.data["subject"], r.data["object"]))
    return by_record


def _ids(cell: str) -> list[str]:
    return [i.strip() for i in cell.split(",") if i.strip()]


# -- UCDP/PRIO Armed Conflict Dataset --------------------------------------------------
def test_acd_counts_match_the_raw_file(acd_raw, acd):
    records, statements, _ = acd
    opposes = supports = 0
    for row in acd_raw:
        a, b = len(_ids(row["side_a_id"])), len(_ids(row["side_b_id"]))
        opposes += 2 * a * b  # every party of one side against every party of the other, both ways
        supports += len(_ids(row["gwno_a_2nd"])) * a + len(_ids(row["gwno_b_2nd"])) * b
    assert len(acd_raw) == 2568
    assert Counter(s.relation for s in statements) == {"opposes": opposes, "supports": supports} \
        == {"opposes": 6460, "supports": 2901}
    assert Counter((s.relation, s.kind) for s in statements) == {("opposes", "armed"): 6460, ("supports", "troops"): 2901}
    assert {s.record for s in statements} == {f"{r['conflict_id']}-{r['year']}" for r in acd_raw}
    assert records[0].kind == "source" and records[0].data == {
        "id": "ucdp-acd-22.1", "title": "UCDP/PRIO Armed Conflict Dataset version 22.1",
        "publisher": "Uppsala Conflict Data Program (UCDP), Uppsala University, and PRIO",
        "url": "https://ucdp.uu.se/downloads/", "published": "2022"}
    assert {s.source for s in statements} == {"ucdp-acd-22.1"}


def test_acd_libya_facts_from_the_data_readme(acd_raw, acd):
    _, statements, assembler = acd
    raw = {r["year"]: r for r in acd_raw if r["conflict_id"] == "11346"}
    assert raw["2019"]["side_b_2nd"] == "Government of Sudan, Government of United Arab Emirates"
    assert raw["2020"]["side_a_2nd"] == "Government of Turkey" and raw["2020"]["ep_end_date"] == "2020-10-31"
    libya = {(s.record, s.subject, s.relation, s.object, s.kind, str(s.start), str(s.end))
             for s in statements if s.record in ("11346-2019", "11346-2020") and s.relation == "supports"}
    assert libya == {
        ("11346-2019", "ucdp:112", "supports", "ucdp:5802", "troops", "2019-02", "2019"),
        ("11346-2019", "ucdp:government-of-united-arab-emirates", "supports", "ucdp:5802", "troops",
         "2019-02", "2019"),
        ("11346-2020", "ucdp:115", "supports", "ucdp:111", "troops", "2020", "2020-10-31"),
    }
    actors = assembler.actors
    assert (actors["ucdp:111"].name, actors["ucdp:111"].type, actors["ucdp:111"].country) \
        == ("Government of Libya", "government", "LY")
    assert (actors["ucdp:115"].name, actors["ucdp:115"].country) == ("Government of Turkey", "TR")
    assert (actors["ucdp:112"].name, actors["ucdp:112"].country) == ("Government of Sudan", "SD")
    uae = actors["ucdp:government-of-united-arab-emirates"]
    assert (uae.type, uae.country) == ("government", "AE")  # never a primary party: no UCDP id in this file
    hor = actors["ucdp:5802"]
    assert (hor.name, hor.type, hor.country) == ("Forces of the House of Representatives", "armed_group", None)
    [quote] = [s.quote for s in statements if s.record == "11346-2020" and s.relation == "supports"]
    assert quote == ("UCDP/PRIO ACD 2020, conflict 11346 (Libya): Government of Turkey is a secondary warring party "
                     "on side A, with troops, beside Government of Libya")


def test_acd_backers_of_the_government_of_libya_in_2020_end_to_end(make_store, data, acd_raw):
    expected: dict[str, set[str]] = {}  # actor name -> secondary parties on its side in 2020
    for row in (r for r in acd_raw if r["year"] == "2020"):
        for side in "ab":
            for name in row[f"side_{side}"].split(", "):
                expected.setdefault(name, set()).update(n for n in row[f"side_{side}_2nd"].split(", ") if n)
    store = make_store(data / ACD, fmt="ucdp-acd")
    rows = ask(store, "backers", as_of="2020", actor="ucdp:111")
    assert {r["subject_name"] for r in rows} == expected["Government of Libya"] == {"Government of Turkey"}
    assert [(r["kinds"], r["start"], r["end"], r["sources"]) for r in rows] \
        == [(["troops"], "2020", "2020-10-31", ["ucdp-acd-22.1"])]
    assert ask(store, "backers", as_of="2020-11", actor="ucdp:111") == []  # the episode ended on 31 October
    in_2019 = ask(store, "backers", as_of="2019", actor="ucdp:5802")
    assert {r["subject_name"] for r in in_2019} == {"Government of Sudan", "Government of United Arab Emirates"}


def test_acd_loading_twice_changes_nothing(make_store, data):
    store = make_store(data / ACD, fmt="ucdp-acd")
    before = store.stats()
    again = load(store, [str(data / ACD)], "ucdp-acd")
    assert (again.read, again.added, again.actors, again.sources) == (9361, 0, 0, 0)
    assert {k: v for k, v in store.stats().items() if k != "store_bytes"} \
        == {k: v for k, v in before.items() if k != "store_bytes"}
    assert before["statements"] == 9361 and before["actors"] == 725


def test_acd_opposes_is_said_both_ways(acd):
    _, statements, _ = acd
    said = Counter((s.subject, s.object, s.record, s.start, s.end) for s in statements if s.relation == "opposes")
    assert all(said[(o, s, record, a, e)] == n for (s, o, record, a, e), n in said.items())
    assert max(said.values()) == 1


def test_acd_names_with_commas_the_seven_trap_rows(acd_raw, acd):
    records, _, _ = acd
    traps = {(f"{r['conflict_id']}-{r['year']}", side) for r in acd_raw for side in "ab"
             if len(r[f"side_{side}"].split(", ")) != len(_ids(r[f"side_{side}_id"]))}
    assert traps == {("209-1987", "b"), ("209-1989", "b"), ("209-1990", "b"), ("220-1947", "b"), ("321-1973", "b"),
                     ("410-1998", "b"), ("410-1999", "b")}
    honasan = {("169", "CPP"), ("170", "Military faction (forces of Honasan, Abenina & Zumel)")}
    expected = {
        "209-1987": honasan, "209-1989": honasan, "209-1990": honasan,
        "220-1947": {("722", "Opposition coalition (Febreristas, Liberals and Communists)")},
        "321-1973": {("757", "Military faction (forces of Augusto Pinochet, Toribio Merino and Leigh Guzman)")},
        "410-1998": {("549", "Military Junta for the Consolidation of Democracy, Peace and Justice")},
        "410-1999": {("549", "Military Junta for the Consolidation of Democracy, Peace and Justice")},
    }
    refs = _refs(records)
    for record, parties in expected.items():
        fought = {(obj.code, obj.name) for relation, subject, obj in refs[record]
                  if relation == "opposes" and subject.name.startswith(GOVERNMENT)}
        assert fought == parties, record
        assert all(obj.type == "armed_group" for _, _, obj in refs[record] if obj.code in {c for c, _ in parties})


def test_acd_ids_are_paired_with_names_by_what_the_file_says_not_by_position(acd_raw, acd):
    records, _, _ = acd
    [row] = [r for r in acd_raw if (r["conflict_id"], r["year"]) == ("11346", "2017")]
    assert row["side_b_id"] == "5802, 6814, 6893"
    assert row["side_b"] == "Forces of Khalifa al-Ghawil, Forces of the House of Representatives, PFLL"
    side_b = {(obj.code, obj.name) for relation, subject, obj in _refs(records)["11346-2017"]
              if relation == "opposes" and subject.code == "111"}
    # 5802 is the House of Representatives (alone in 2015); the other two never appear apart
    assert side_b == {("5802", "Forces of the House of Representatives"), (None, "Forces of Khalifa al-Ghawil"),
                      (None, "PFLL")}
    [row] = [r for r in acd_raw if (r["conflict_id"], r["year"]) == ("420", "2003")]
    assert (row["side_a_id"], row["gwno_a"]) == ("156, 28, 3", "900,  200,  2")
    side_a = {(subject.code, subject.name, subject.country) for relation, subject, obj in _refs(records)["420-2003"]
              if relation == "opposes" and obj.code == "116"}
    assert side_a == {("156", "Government of Australia", "AU"), ("28", "Government of United Kingdom", "GB"),
                      ("3", "Government of United States of America", "US")}


def test_acd_pairing_by_elimination_goes_round_until_nothing_new():
    pairing = Pairing()
    for ids, names in ((["3", "2"], ["B", "C"]), (["1", "2"], ["A", "B"]), (["1"], ["A"]), (["4", "5"], ["D", "E"]),
                       (["6"], ["F"]), (["6"], ["G"]), (["6", "7"], ["F", "G"]),  # 6 renamed: F, then G
                       (["8"], ["G"]), (["6", "8"], ["F", "G"])):  # leaves 6 and F, known already: no news
        pairing.add(ids, names)
    pairing.settle()  # returns: a pair it knew already does not send it round again
    assert pairing.pair(["6", "8"], ["F", "G"]) == [("8", "G"), ("6", "F")]
    assert pairing.pair(["3", "2"], ["B", "C"]) == [("3", "C"), ("2", "B")]  # 2 = B from [1, 2], then 3 = C
    assert pairing.pair(["4", "5"], ["D", "E"]) == [(None, "D"), (None, "E")]
    assert pairing.pair(["6", "7"], ["F", "G"]) == [(None, "F"), (None, "G")]  # 6 could be either name
    assert next(iter(pairing.notes())) == ("4 UCDP ACD name(s) loaded without their actor id, because the file lists "
                                        "them only beside other parties and never says which id is whose: D (one of "
                                        "4, 5); E (one of 4, 5); F (one of 6, 7); G (one of 6, 7)")
    assert split_names("CPP, Military faction (forces of Honasan, Abenina & Zumel)", 2) \
        == ["CPP", "Military faction (forces of Honasan, Abenina & Zumel)"]
    assert split_names("A, B", 3) is None


def test_acd_pairs_agree_with_ucdp_actor_names_in_esd(acd, acd_raw, esd_raw):
    records, _, _ = acd
    esd_names: dict[str, set[str]] = {}  # UCDP actor id -> name, from ESD's single-valued columns
    for row in esd_raw:
        esd_names.setdefault(row["actor_id"], set()).add(row["actor_name"].strip())
    pairs = {(ref.code, ref.name) for r in records if r.kind == "statement"
             for ref in (r.data["subject"], r.data["object"]) if ref.code is not None}
    checked = {(code, name) for code, name in pairs if code in esd_names}
    disagree = {(code, name, *sorted(esd_names[code])) for code, name in checked if name not in esd_names[code]}
    assert len(checked) > 450
    assert disagree == {("554", "Seleka", "UFDR")}  # one actor, named differently in the two releases
    alone = {_ids(row[f"side_{side}_id"])[0] for row in acd_raw for side in "ab"
             if len(_ids(row[f"side_{side}_id"])) == 1}
    by_elimination = {(code, name) for code, name in checked if code not in alone}
    assert len(by_elimination) == BY_ELIMINATION  # ids never alone on a side, paired by elimination, confirmed


def test_acd_names_the_file_never_pairs_are_loaded_by_name_and_reported(acd):
    records, _, assembler = acd
    notes = [r.data["text"] for r in records if r.kind == "note"]
    assert len(notes) == 2
    assert notes[0].startswith("55 UCDP ACD name(s) loaded without their actor id, because the file lists them only "
                               "beside other parties and never says which id is whose: CNR (one of 447, 448, 450);")
    assert "DPR (one of 6711, 6712)" in notes[0] and "NTC (one of 1126, 1127)" in notes[0]
    assert notes[1].startswith("40 UCDP ACD secondary warring part(ies) loaded by name only, never a primary party "
                               "with an id in this file: Government of Armenia, ")
    assert assembler.actors["ucdp:dpr"].type == "armed_group"


def test_acd_gleditsch_ward_table_matches_every_cell(acd_raw, acd):
    _, _, assembler = acd
    cells = 0
    for row in acd_raw:
        for side in ("a", "b", "a_2nd", "b_2nd"):
            gwnos = _ids(row[f"gwno_{side}"])
            if not gwnos:
                continue
            cells += 1
            names = {n[len(GOVERNMENT):] for n in row[f"side_{side}"].split(", ")}
            assert {GW[int(g)][1] for g in gwnos} == names, (row["conflict_id"], row["year"], side)
    interstate = sum(1 for row in acd_raw if row["type_of_conflict"] == "2")
    secondary = sum(1 for row in acd_raw for side in "ab" if row[f"side_{side}_2nd"])
    assert cells == len(acd_raw) + interstate + secondary == 2568 + 138 + 523  # sides B of states: interstate only
    governments = [a for a in assembler.actors.values() if a.type == "government"]
    assert len(governments) == 162
    assert sorted(a.name for a in governments if a.country is None) == [
        "Government of Czechoslovakia", "Government of Hyderabad", "Government of South Vietnam",
        "Government of South Yemen"]


def test_acd_dates_are_narrowed_only_by_precise_dates_within_the_year(acd_raw, acd):
    _, statements, _ = acd
    spans = {s.record: (s.start, s.end) for s in statements}
    by_record = {f"{r['conflict_id']}-{r['year']}": r for r in acd_raw}
    assert {k: tuple(map(str, spans[k])) for k in ("11346-2011", "11346-2015", "11346-2019", "11346-2020")} == {
        "11346-2011": ("2011-02-28", "2011-11-23"), "11346-2015": ("2015", "2015-04-19"),
        "11346-2019": ("2019-02", "2019"), "11346-2020": ("2020", "2020-10-31")}
    seen = Counter()
    for record, (start, end) in spans.items():
        row, year = by_record[record], by_record[record]["year"]
        first = next((row[c] for c in ("start_date", "start_date2") if row[c][:4] == year), None)
        precision = next((row[p] for c, p in (("start_date", "start_prec"), ("start_date2", "start_prec2"))
                          if row[c][:4] == year), None)
        expected = {"1": first, "2": first and first[:7], "3": first and first[:7]}.get(precision or "", year)
        assert str(start) == expected, record
        if first is not None:  # never later than the raw date: narrowing may not cut off a day
            assert start.lo <= PartialDate.parse(first).lo
            seen[f"start precision {precision}"] += 1
        last = row["ep_end_date"] if row["ep_end"] == "1" else ""
        assert str(end) == (last if last and not last.endswith("-12-31") else year), record
        seen["end day" if str(end) != year else "end year"] += 1
    assert seen["start precision 5"] > 0 and seen["start precision 4"] > 0 and seen["end day"] == 541 - 126


def test_acd_reports_progress(data):
    told: list[int] = []
    list(read_records(str(data / ACD), "ucdp-acd", tell=told.append))
    with open(data / ACD, encoding="utf-8", newline="") as f:
        rows = sum(1 for _ in csv.DictReader(f))
    # Every reader tells progress at one cadence, PROGRESS_ROWS rows (this file: 2,568 rows).
    assert rows // PROGRESS_ROWS >= 1
    assert len(told) == rows // PROGRESS_ROWS and told == sorted(told) and told[-1] <= os.path.getsize(data / ACD)


# -- UCDP External Support Dataset ------------------------------------------------------
def test_esd_counts_match_the_raw_file(esd_raw, esd):
    records, statements, _ = esd
    active = [r for r in esd_raw if r["active"] == "1" and r["ext_id"]]
    # rows 2336-2338 give two ids but one name: one supporter is loaded, the other id has no name
    puntland = [r for r in active if (r["ext_id"], r["ext_name"]) == ("671,11545", "Puntland State of Somalia")]
    assert [r["id"] for r in puntland] == ["2336", "2337", "2338"]
    assert len(esd_raw) == 4781
    assert len(statements) == sum(len(_ids(r["ext_id"])) for r in active) - len(puntland) == 8249
    assert Counter(s.relation for s in statements) == {"supports": 8249}
    assert {s.kind for s in statements} == {None}  # the file never says which supporter gave which kind
    assert Counter(s.record for s in statements) == Counter(
        {r["id"]: len(_ids(r["ext_id"])) - (r in puntland) for r in active})
    no_supporter = sum(1 for r in esd_raw if not r["ext_id"])
    inactive = [r for r in esd_raw if r["active"] == "0" and r["ext_id"]]
    notes = [r.data["text"] for r in records if r.kind == "note"]
    assert (no_supporter, len(inactive)) == (1775, 269)
    assert notes == [
        f"{no_supporter} UCDP ESD actor-year(s) list no external supporter, and {len(inactive)} inactive one(s) "
        f"(active = 0) list {sum(len(_ids(r['ext_id'])) for r in inactive)} supporter(s): neither makes a statement",
        "UCDP ESD supporter id(s) without a name in the file, not loaded: row 2336: 671, 11545; row 2337: 671, 11545; "
        "row 2338: 671, 11545",
        "UCDP ESD supporter name(s) loaded without an id, the file not saying which is theirs: Puntland State of Somalia",
    ]
    assert records[0].data == {
        "id": "ucdp-esd-18.1", "title": "UCDP External Support Dataset (actor-year) version 18.1",
        "publisher": "Uppsala Conflict Data Program (UCDP), Uppsala University",
        "url": "https://ucdp.uu.se/downloads/", "published": "2018"}


KIND_COLUMNS = {"x": "troops as a secondary warring party", "p": "troop presence",
                "y": "access to infrastructure/joint operations", "w": "weapons", "m": "materiel and logistics",
                "t": "training and expertise", "f": "funding", "i": "intelligence", "l": "access to territory",
                "o": "other", "u": "unknown"}


def test_esd_libya_2015_rows(esd_raw, esd):
    records, statements, _ = esd
    libya = [r for r in esd_raw if r["location"].startswith("Libya") and r["year"] == "2015"]
    assert [r["id"] for r in libya] == ["4563", "4567", "4713", "4716"]
    refs = _refs(records)
    for row in libya:
        supporters = list(zip(row["ext_id"].split(","), row["ext_name"].split(","), strict=False)) if row["ext_id"] else []
        assert ", " not in row["ext_name"]  # no trap here: a plain split is right
        loaded = [(subject.code, subject.name, obj.code, obj.name) for _, subject, obj in refs.get(row["id"], [])]
        assert loaded == [(code, name.strip(), row["actor_id"], row["actor_name"]) for code, name in supporters]
    [quote] = {s.quote for s in statements if s.record == "4563"}
    kinds = [label for key, label in KIND_COLUMNS.items() if next(r for r in libya if r["id"] == "4563")[f"ext_{key}"] == "1"]
    assert quote == ("UCDP ESD 2015: supporters of Government of Libya (against Forces of the House of "
                     "Representatives, conflict 11346, Libya: Government): ASL; Benghazi Revolutionaries Shura "
                     "Council; Government of Qatar; Government of Turkey; Janjaweed. Kinds of support given by these "
                     f"supporters together: {', '.join(kinds)}")
    assert kinds == ["access to infrastructure/joint operations", "weapons", "funding"]
    assert {(str(s.on), s.start, s.end) for s in statements if s.record in ("4563", "4567")} == {("2015", None, None)}


def test_esd_backers_of_the_government_of_libya_end_to_end(make_store, data, esd_raw):
    expected: dict[str, set[str]] = {}
    for row in esd_raw:
        if row["actor_id"] == "111" and row["active"] == "1" and row["ext_id"]:
            expected.setdefault(row["year"], set()).update(n.strip() for n in row["ext_name"].split(","))
    store = make_store(data / ESD, fmt="ucdp-esd")
    for year in ("2011", "2015", "2016", "2017"):
        rows = ask(store, "backers", as_of=year, actor="ucdp:111")
        assert {r["subject_name"] for r in rows} == expected[year], year
        assert all(r["kinds"] == [] and r["sources"] == ["ucdp-esd-18.1"] for r in rows)
    assert expected["2015"] == {"ASL", "Benghazi Revolutionaries Shura Council", "Government of Qatar",
                                "Government of Turkey", "Janjaweed"}


def test_esd_names_with_commas_the_eight_trap_rows(esd_raw, esd):
    records, _, _ = esd
    traps = [r["id"] for r in esd_raw if r["ext_id"] and len(r["ext_id"].split(",")) != len(r["ext_name"].split(","))]
    assert traps == ["1146", "1147", "2336", "2337", "2338", "3484", "4700", "4701"]
    interahamwe = {("623", "Interahamwe, ex-FAR"), ("567", "UNITA")}
    syrians = ("6599", "al-Moutasem Brigade, Authenticity and Development Front, Fistaqim Kama Umirat, Free Idlib Army, "
                       "Hamza Division, Jaysh al-Nukhba, Kita'ib al-Safwat al-Islamiya, Levant Front, Liwa al-Sultan "
                       "Murad, Sham Legion")
    expected = {
        "1146": interahamwe,
        "1147": interahamwe | {("89", "Government of DR Congo (Zaire)"), ("92", "Government of Tanzania")},
        "2336": {(None, "Puntland State of Somalia")}, "2337": {(None, "Puntland State of Somalia")},
        "2338": {(None, "Puntland State of Somalia")},
        "3484": {("549", "Military Junta for the Consolidation of Democracy, Peace and Justice")},
        "4700": {syrians, ("57", "Government of Russia (Soviet Union)")},
        "4701": {syrians, ("57", "Government of Russia (Soviet Union)"), ("3", "Government of United States of America")},
    }
    refs = _refs(records)
    assert {record: {(s.code, s.name) for _, s, _ in refs[record]} for record in traps} == expected


def test_esd_pairs_by_position_agree_with_the_names_the_file_gives_elsewhere(esd_raw, esd):
    records, _, _ = esd
    names: dict[str, set[str]] = {}  # what the warring-party columns call each id
    for row in esd_raw:
        for code, name in ((row["actor_id"], row["actor_name"]), (row["oppo_id"], row["oppo_name"])):
            names.setdefault(code, set()).add(name.strip())
    refs = _refs(records)
    checked = set()
    for row in esd_raw:
        ids, cut = row["ext_id"].split(","), row["ext_name"].split(",")
        if row["active"] != "1" or len(ids) < 2 or len(ids) != len(cut):
            continue
        in_order = [(code, name.strip()) for code, name in zip(ids, cut, strict=False)]
        assert [(s.code, s.name) for _, s, _ in refs[row["id"]]] == in_order
        checked.update((code, name) for code, name in in_order if code in names)
    assert len(checked) == 178 and all(name in names[code] for code, name in checked)


def test_esd_ext_nonstate_is_one_value_per_row_so_types_come_from_names(esd_raw, esd):
    _records, _, assembler = esd
    assert {r["ext_nonstate"] for r in esd_raw} == {"", "0", "1"}
    [iraq_puk] = [r for r in esd_raw if r["id"] == "17"]
    assert (iraq_puk["ext_name"], iraq_puk["ext_nonstate"]) == ("Government of Iraq,PUK", "1")
    actors = assembler.actors
    assert (actors["ucdp:116"].name, actors["ucdp:116"].type, actors["ucdp:116"].country) \
        == ("Government of Iraq", "government", "IQ")
    assert (actors["ucdp:261"].name, actors["ucdp:261"].type) == ("PUK", "armed_group")
    assert actors["ucdp:7905"].name == "Malaysian elements" and actors["ucdp:7905"].type == "other"
    assert sorted(a.name for a in actors.values() if a.type == "coalition") == [
        "Government of Australia, Government of United Kingdom, Government of United States of America",
        "Government of United Kingdom, Government of United States of America"]


# -- excerpts and errors -----------------------------------------------------------------
def test_the_excerpts_load_through_the_real_pipeline(make_store):
    store = make_store(EXCERPT / "acd-excerpt.csv", fmt="ucdp-acd")
    # side A of conflict 420 in 2003 is three governments (ids "156, 28, 3", Gleditsch-Ward "900,  200,  2");
    # the excerpt never names them alone, so they are loaded by name (the full file pairs them)
    iraq = ask(store, "opponents", as_of="2003-04", actor="ucdp:116")
    coalition = {"ucdp:government-of-australia": "AU", "ucdp:government-of-united-kingdom": "GB",
                 "ucdp:government-of-united-states-of-america": "US"}
    assert {r["subject"] for r in iraq if r["object"] == "ucdp:116"} == set(coalition)
    assert {a.id: a.country for a in store.known().actors.values() if a.id in coalition} == coalition
    assert ask(store, "opponents", as_of="2003-05", actor="ucdp:116") == []  # the episode ended on 28 April
    backers_2019 = {r["subject_name"] for r in ask(store, "who-backs-whom", as_of="2019")}
    assert backers_2019 == {"Government of Sudan", "Government of United Arab Emirates"}
    store = make_store(EXCERPT / "esd-excerpt.csv", name="esd.db", fmt="ucdp-esd")
    assert {r["subject_name"] for r in ask(store, "backers", as_of="2011", actor="ucdp:1126")} == {
        "Government of Egypt", "Government of France", "Government of Italy", "Government of Qatar",
        "Government of Sudan", "Government of United Arab Emirates", "Government of United Kingdom",
        "Government of United States of America"}


def _rewrite(source: Path, target: Path, change) -> str:
    with open(source, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    rows = change(rows)
    with open(target, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, quoting=csv.QUOTE_MINIMAL).writerows(rows)
    return str(target)


def _cell(column: str, value: str, row: int = 1):
    def change(rows):
        rows[row][rows[0].index(column)] = value
        return rows
    return change


def _error(path: str, fmt: str) -> str:
    with pytest.raises(InputError) as info:
        list(Assembler().statements(read_records(path, fmt)))
    return str(info.value)


ACD_COLUMNS = ("conflict_id, location, side_a, side_a_id, side_a_2nd, side_b, side_b_id, side_b_2nd, year, start_date, "
               "start_prec, start_date2, start_prec2, ep_end, ep_end_date, ep_end_prec, gwno_a, gwno_a_2nd, gwno_b, "
               "gwno_b_2nd, version")


@pytest.mark.parametrize(("change", "message"), [
    (lambda rows: [[c if c != "side_b_id" else "sideb_id" for c in rows[0]], *rows[1:]],
     f", line 1, field 'side_b_id': missing column 'side_b_id'; the UCDP/PRIO Armed Conflict Dataset has the columns "
     f"{ACD_COLUMNS}"),
    (lambda rows: [], ": empty file; expected the UCDP/PRIO Armed Conflict Dataset as CSV with a header line"),
    (lambda rows: [rows[0], rows[1][:-1], *rows[2:]], ", line 2: expected 28 cells as in the header, got 27"),
    (_cell("year", "20x1"), ", line 2, field 'year': expected a year such as 2020, got '20x1'"),
    (_cell("side_b_id", "1126; 1127"), ", line 2, field 'side_b_id': expected UCDP actor ids separated by commas, "
                                       "got '1126; 1127'"),
    (_cell("side_b", "Forces of Muammar Gaddafi, NTC, Others"),
     ", line 2, field 'side_b': cannot tell 2 names apart in 'Forces of Muammar Gaddafi, NTC, Others' for the ids "
     "1126, 1127: expected names separated by commas outside parentheses"),
    (_cell("start_date", "28/02/2011"), ", line 2, field 'start_date': expected a date as YYYY-MM-DD, got '28/02/2011'"),
    (_cell("start_prec", "exact"), ", line 2, field 'start_prec': expected a precision code such as 1 (the exact day), "
                                   "got 'exact'"),
    (_cell("version", "21.1", row=3), ", field 'version': rows of several versions (21.1, 22.1); expected one version "
                                      "per file"),
])
def test_acd_errors(tmp_path, change, message):
    path = _rewrite(EXCERPT / "acd-excerpt.csv", tmp_path / "acd.csv", change)
    assert _error(path, "ucdp-acd") == path + message


ESD_COLUMNS = ("id, active, year, actor_id, actor_name, actor_nonstate, oppo_id, oppo_name, conflict_id, location, "
               "ext_id, ext_name, ext_x, ext_p, ext_y, ext_w, ext_m, ext_t, ext_f, ext_i, ext_l, ext_o, ext_u")


@pytest.mark.parametrize(("change", "message"), [
    (lambda rows: [[c if c != "ext_w" else "ext_weapons" for c in rows[0]], *rows[1:]],
     f", line 1, field 'ext_w': missing column 'ext_w'; the UCDP External Support Dataset (actor-year) has the columns "
     f"{ESD_COLUMNS} (and others)"),
    (_cell("active", "yes"), ", line 2, field 'active': expected 0 or 1, got 'yes'"),
    (_cell("year", "1981.0"), ", line 2, field 'year': expected a year such as 2015, got '1981.0'"),
    (lambda rows: [rows[0], rows[1] + ["extra"], *rows[2:]], ", line 2: expected 97 cells as in the header, got 98"),
])
def test_esd_errors(tmp_path, change, message):
    path = _rewrite(EXCERPT / "esd-excerpt.csv", tmp_path / "esd.csv", change)
    assert _error(path, "ucdp-esd") == path + message


def test_acd_a_header_without_rows_is_an_unversioned_source_and_nothing_else(tmp_path):
    path = _rewrite(EXCERPT / "acd-excerpt.csv", tmp_path / "acd.csv", lambda rows: rows[:1])
    records = list(read_records(path, "ucdp-acd"))
    assert [(r.kind, r.data.get("id")) for r in records] == [("source", "ucdp-acd")]


def test_acd_bytes_that_are_not_utf8_are_an_error(tmp_path):
    path = tmp_path / "acd.csv"
    text = (EXCERPT / "acd-excerpt.csv").read_bytes()
    path.write_bytes(text.replace(b"Government of Libya", b"Government of Libya \xff", 1))
    assert _error(str(path), "ucdp-acd") == f"{path}: not UTF-8 text: byte 0xff"


def test_bad_input_through_the_cli_is_one_error_line_and_changes_nothing(tmp_path):
    store = str(tmp_path / "s.db")
    runner = CliRunner()
    good = runner.invoke(cli, ["load", "--format", "ucdp-esd", str(EXCERPT / "esd-excerpt.csv"), "--store", store])
    assert good.exit_code == 0, good.output
    assert "Loaded 27 statements from 1 file(s)" in good.stdout
    path = _rewrite(EXCERPT / "acd-excerpt.csv", tmp_path / "acd.csv", _cell("year", "20x1", row=5))
    result = runner.invoke(cli, ["load", "--format", "ucdp-acd", path, "--store", store])
    assert (result.exit_code, result.stderr) == (
        1, f"Error: {path}, line 6, field 'year': expected a year such as 2020, got '20x1'\n")
    assert "Traceback" not in result.output
    assert '"statements": 27' in runner.invoke(cli, ["stats", "--format", "json", "--store", store]).stdout


def test_acd_and_esd_share_ucdp_actor_ids(make_store, data):
    """One UCDP actor id is one actor in both datasets: its ACD and ESD backers meet."""
    from allegiance.pipeline import load

    store = make_store()
    load(store, [str(data / ACD)], "ucdp-acd")
    load(store, [str(data / ESD)], "ucdp-esd")
    libya = store.known().actors["ucdp:111"]
    assert (libya.name, libya.type) == ("Government of Libya", "government")
    in_2015 = {r["subject_name"] for r in ask(store, "backers", as_of="2015", actor="ucdp:111")}
    in_2020 = {r["subject_name"] for r in ask(store, "backers", as_of="2020", actor="ucdp:111")}
    assert {"Government of Qatar", "Government of Turkey"} <= in_2015  # ESD 2015
    assert in_2020 == {"Government of Turkey"}  # ACD 2020 (ESD ends in 2017)
