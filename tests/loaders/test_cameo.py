"""The CAMEO events loader (ICEWS, GDELT 1.0/2.0), checked against independent counts.

Expected values on the real ICEWS05-15 file are computed here with plain csv code and the
mapping YAML read directly, not through the loader. GDELT and ICEWS-export fixtures are
written from the codebooks' column layouts (tests/fixtures/cameo/README.md).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter, defaultdict
from pathlib import Path

import pytest
import yaml

from allegiance.exc import InputError
from allegiance.loaders import Options, read_records
from allegiance.loaders.assemble import Assembler
from allegiance.loaders.records import NOTE, DatasetRef
from tests.conftest import FIXTURES, ROOT, ask, unavailable

ICEWS = ROOT.parent / "shared" / "data" / "icews" / "icews05-15-test.tsv"
HERE = FIXTURES / "cameo"
MAP = yaml.safe_load((ROOT / "src" / "allegiance" / "schema" / "cameo.yaml").read_text(encoding="utf-8"))
# label (case-folded) -> (relation, kind), as the YAML says
LABELS = {spec["label"].casefold(): (spec["relation"], spec.get("kind")) for spec in MAP["codes"].values()}
COUNTRY_NAMES = {name.casefold() for names in MAP["countries"].values() for name in names[1:]}


@pytest.fixture(scope="module")
def icews() -> Path:
    if not ICEWS.exists():
        unavailable(f"the shared data is missing: {ICEWS}")
    return ICEWS


def raw_rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def read(path: Path, **options) -> list:
    return list(read_records(str(path), "cameo", options=Options(**options)))


def statements(path: Path, **options) -> list[dict]:
    return [r.data for r in read(path, **options) if r.kind == "statement"]


def counted(path: Path, **options) -> tuple[list[dict], dict]:
    """The statements and the counts the closing note carries."""
    records = read(path, **options)
    return [r.data for r in records if r.kind == "statement"], records[-1].data["counts"]


def assembled(path: Path, **options) -> tuple[Assembler, list]:
    assembler = Assembler()
    return assembler, list(assembler.statements(read_records(str(path), "cameo", options=Options(**options))))


def runs(days: list[str], gap: int) -> list[tuple[str, str, int]]:
    """(first, last, events) of each run: a new run wherever two days lie more than gap apart."""
    ordered = sorted(dt.date.fromisoformat(d) for d in days)
    out = [[ordered[0], ordered[0], 1]]
    for day in ordered[1:]:
        if (day - out[-1][1]).days > gap:
            out.append([day, day, 1])
        else:
            out[-1][1:] = [day, out[-1][2] + 1]
    return [(a.isoformat(), b.isoformat(), n) for a, b, n in out]


# -- the real ICEWS05-15 file ---------------------------------------------------------
def test_mapped_events_by_relation_match_an_independent_count(icews):
    expected, unmapped, dropped = Counter(), Counter(), Counter()
    for source, label, target, _ in raw_rows(icews):
        relation = LABELS.get(label.casefold(), (None,))[0]
        if relation is None:
            unmapped[label] += 1
        elif source.casefold() == target.casefold():
            dropped["self"] += 1
        elif relation == "controls" and target.casefold() not in COUNTRY_NAMES:
            dropped["no_place"] += 1
        else:
            expected[relation] += 1
    found, report = counted(icews)
    weights = Counter()
    for s in found:
        weights[s["relation"]] += s["weight"]
    assert dict(expected) == {"opposes": 3154, "supports": 332, "controls": 66, "mediates": 27}
    assert weights == expected
    assert report["mapped"] == dict(expected)
    assert report["unmapped"] == dict(unmapped) and sum(unmapped.values()) == 42_497 and len(unmapped) == 179
    assert (report["self"], sum(report["no_place"].values())) == (dropped["self"], dropped["no_place"]) == (1, 15)
    assert report["rows"] == 46_092 and report["source"] == "icews05-15"


def test_statements_are_the_runs_of_an_independent_grouping(icews):
    groups = defaultdict(list)
    for source, label, target, day in raw_rows(icews):
        relation, kind = LABELS.get(label.casefold(), (None, None))
        if relation is None or source.casefold() == target.casefold():
            continue
        if relation == "controls" and target.casefold() not in COUNTRY_NAMES:
            continue
        groups[(source, relation, kind or "", target)].append(day)
    for gap in (180, 30):
        expected = sorted((*key, *run) for key, days in groups.items() for run in runs(days, gap))
        got = sorted((s["subject"].name, s["relation"], s.get("kind", ""), s["object"].name, s["start"], s["end"],
                      s["weight"]) for s in statements(icews, gap_days=gap))
        assert got == expected
    assert len(runs_180 := [r for days in groups.values() for r in runs(days, 180)]) == 2394
    assert len([r for r in runs_180 if r[2] >= 3]) == len(statements(icews, min_events=3))


def test_a_known_pair_iran_gave_iraq_military_aid_in_two_runs(icews):
    days = [d for s, label, t, d in raw_rows(icews) if (s, label, t) == ("Iran", "Provide military aid", "Iraq")]
    assert sorted(days) == ["2008-05-06", "2014-06-11", "2014-07-09"]
    expected = runs(days, 180)  # 2008 alone; the two 2014 events 28 days apart
    wanted = ("Iran", "Iraq", "supports", "materiel")
    found = [s for s in statements(icews)
             if (s["subject"].name, s["object"].name, s["relation"], s.get("kind")) == wanted]
    assert [(s["start"], s["end"], s["weight"]) for s in found] == expected == [
        ("2008-05-06", "2008-05-06", 1), ("2014-06-11", "2014-07-09", 2)]
    last = found[-1]
    assert last["kind"] == "materiel" and last["source"] == "icews05-15" and last["record"] == "2014-06-11..2014-07-09"
    assert last["quote"] == "ICEWS: 2 events 'Provide military aid' from Iran to Iraq between 2014-06-11 and 2014-07-09"
    assert last["subject"] == DatasetRef("icews", "Iran", type="state", country="IR")


def test_african_union_peacekeeping_in_sudan_first_run(icews):
    days = [d for s, label, t, d in raw_rows(icews)
            if (s, label, t) == ("African Union", "Provide military protection or peacekeeping", "Sudan")]
    first = runs(days, 180)[0]
    [found] = [s for s in statements(icews) if s["subject"].name == "African Union" and s["object"].name == "Sudan"
               and s.get("kind") == "troops" and s["start"] == first[0]]
    assert (found["start"], found["end"], found["weight"]) == first == ("2005-06-10", "2007-08-12", 18)


@pytest.mark.slow
def test_the_real_file_through_the_pipeline_answers_who_backed_iraq(icews, make_store):
    store = make_store(icews, fmt="cameo", options=Options())
    backers = {row["subject_name"]: row for row in ask(store, "backers", as_of="2014-06", actor="icews:iraq")}
    assert backers["Iran"]["kinds"] == ["materiel"] and backers["Iran"]["sources"] == ["icews05-15"]
    assert "Barack Obama" in backers
    assert store.stats()["statements"] == 2394


def test_sector_actors_stay_apart_per_country():
    # Real rows: "Other Authorities / Officials" of Libya and of Egypt are two actors
    assembler, found = assembled(HERE / "icews05-15-excerpt.tsv")
    libya = assembler.actors["icews:other-authorities-officials-libya"]
    egypt = assembler.actors["icews:other-authorities-officials-egypt"]
    assert (libya.name, libya.country, libya.type) == ("Other Authorities / Officials (Libya)", "LY", "government")
    assert (egypt.name, egypt.country, egypt.type) == ("Other Authorities / Officials (Egypt)", "EG", "government")
    assert {s.object for s in found if s.relation == "opposes"} >= {libya.id, egypt.id}


def test_occupied_country_is_a_place_and_an_actor_target_is_counted():
    assembler, found = assembled(HERE / "icews05-15-excerpt.tsv")
    held = [(s.subject, s.object, s.kind, str(s.start), str(s.end), s.weight)
            for s in found if s.relation == "controls"]
    assert held == [("icews:armed-rebel-yemen", "icews:ye", "military", "2009-10-22", "2009-10-22", 1),
                    ("icews:armed-rebel-yemen", "icews:ye", "military", "2014-09-20", "2014-09-21", 2)]
    assert assembler.places["icews:ye"].name == "Yemen" and "icews:yemen" not in assembler.places
    _, report = counted(HERE / "icews05-15-excerpt.tsv")
    assert report["no_place"] == {"Occupy territory": 1}  # Mob (Uganda) -> Citizen (Uganda)
    assert report["self"] == 1  # Benazir Bhutto -> Benazir Bhutto


# -- consolidation -----------------------------------------------------------------
@pytest.mark.parametrize(("gap", "spans"), [
    (180, [("2010-01-01", "2010-03-01", 3), ("2010-09-15", "2010-09-15", 1), ("2011-06-01", "2011-06-01", 1)]),
    (30, [("2010-01-01", "2010-01-20", 2), ("2010-03-01", "2010-03-01", 1), ("2010-09-15", "2010-09-15", 1),
          ("2011-06-01", "2011-06-01", 1)]),
    # 2010-01-20 to 2010-03-01 is 40 days: not more than 40, one run; more than 39, two
    (40, [("2010-01-01", "2010-03-01", 3), ("2010-09-15", "2010-09-15", 1), ("2011-06-01", "2011-06-01", 1)]),
    (39, [("2010-01-01", "2010-01-20", 2), ("2010-03-01", "2010-03-01", 1), ("2010-09-15", "2010-09-15", 1),
          ("2011-06-01", "2011-06-01", 1)]),
    (300, [("2010-01-01", "2011-06-01", 5)]),
])
def test_gap_days_split_a_pairs_events_into_runs(gap, spans):
    found = [s for s in statements(HERE / "gaps.tsv", gap_days=gap) if s["subject"].name == "Russia"]
    assert [(s["start"], s["end"], s["weight"]) for s in found] == spans


def test_min_events_drops_short_runs_and_counts_them():
    found, report = counted(HERE / "gaps.tsv", min_events=2)
    assert [(s["subject"].name, s["start"], s["end"], s["weight"]) for s in found] == [
        ("Russia", "2010-01-01", "2010-03-01", 3)]
    assert (report["runs"], report["below_min_events"]) == (4, 3)


# -- GDELT and the ICEWS export ----------------------------------------------------
def test_gdelt_2_rows_by_the_codebook_layout():
    records = read(HERE / "gdelt-2.0-export.tsv")
    assert records[0].data == {"id": "gdelt-2.0", "title": "GDELT 2.0 Event Database", "publisher": "The GDELT Project",
                               "url": "https://www.gdeltproject.org/", "published": "2015"}
    found = [r.data for r in records if r.kind == "statement"]
    aid = found[0]  # two events 46 days apart, then one 238 days later
    assert (aid["start"], aid["end"], aid["weight"]) == ("2020-01-05", "2020-02-20", 2)
    assert aid["record"] == "900000001..900000002"  # first and last GLOBALEVENTID
    assert aid["quote"] == ("GDELT: 2 events CAMEO 072 'Provide military aid' from TURKEY to LIBYA (LBY) between "
                            "2020-01-05 and 2020-02-20; first report: https://news.example.org/2020/01/05/turkey-arms")
    assert aid["subject"] == DatasetRef("gdelt", "TURKEY", type="state", country="TR")
    assert aid["object"] == DatasetRef("gdelt", "LIBYA (LBY)", type="government", country="LY")
    assert (found[1]["start"], found[1]["weight"]) == ("2020-10-15", 1)
    # generic names stay apart per country: POLICE of Libya against POLICE of Egypt
    police = found[2]
    assert (police["subject"].name, police["object"].name, police["kind"]) == ("POLICE (LBY)", "POLICE (EGY)", "armed")
    held = found[3]
    assert (held["relation"], held["object"].name) == ("controls", "Sirte, Surt, Libya")
    assert found[4]["quote"].startswith("GDELT: 1 event CAMEO 1951 'Employ aerial weapons' by TURKEY")  # base code 195
    assert found[5]["quote"] == "GDELT: 1 event CAMEO 045 'Mediate' by ALGERIA with LIBYA (LBY) on 2020-03-13"  # no URL
    report = records[-1].data["counts"]
    assert (report["unmapped"], report["no_actor"]) == ({"042": 1, "0311": 1}, 1)
    assert records[-1].kind == NOTE and records[-1].data["text"] == (
        "cameo: 2 of 10 events have a CAMEO code or label the mapping leaves out (2 different; most: '042' 1, "
        "'0311' 1); 1 mapped events lack a source or target actor")


@pytest.mark.parametrize(("name", "expected"), [
    ("gdelt-1.0-daily.tsv", [("QATAR", "supports", "SYRIAN REBELS (SYR)", "2013-04-05", "2013-04-06", 2),
                             ("SYRIAN ARMY (SYR)", "opposes", "SYRIAN REBELS (SYR)", "2013-04-07", "2013-04-07", 1)]),
    ("gdelt-1.0-backfile.tsv", [("NATO", "opposes", "SERBIA", "1999-03-24", "1999-06-10", 2)]),
])
def test_gdelt_1_daily_and_backfile_layouts(name, expected):
    found = statements(HERE / name)
    got = [(s["subject"].name, s["relation"], s["object"].name, s["start"], s["end"], s["weight"]) for s in found]
    assert got == expected
    assert {s["source"] for s in found} == {"gdelt-1.0"}
    assert ("first report: https://" in found[0]["quote"]) == (name == "gdelt-1.0-daily.tsv")  # 57 columns: no URL


def test_icews_export_layout_is_told_by_its_header():
    found, report = counted(HERE / "icews-export.tab")
    held, aid, strike, mediation = found
    assert (held["object"], held["record"], held["weight"]) == (
        DatasetRef("icews", "Sanaa, Amanat al Asimah, Yemen", country="YE"), "9000001..9000002", 2)
    assert aid["subject"] == DatasetRef("icews", "Russia", type="state", country="RU")
    assert strike["subject"] == DatasetRef("icews", "Barack Obama", country="US")  # from Source Country
    assert mediation["relation"] == "mediates"  # no CAMEO Code on that row: its Event Text maps
    assert (report["source"], report["unmapped"]) == ("icews-2012-2014", {"042 Make a visit": 1})


def test_a_user_mapping_replaces_the_codes_and_keeps_the_rest(tmp_path):
    user = tmp_path / "map.yaml"
    user.write_text('codes:\n  "042": {label: Make a visit, relation: supports, kind: diplomatic}\n', encoding="utf-8")
    [visit], report = counted(HERE / "icews-export.tab", cameo_map=str(user))
    assert (visit["subject"].name, visit["object"].name, visit["kind"]) == ("Barack Obama", "Iraq", "diplomatic")
    assert visit["object"].country == "IQ"  # the packaged countries still apply
    assert sum(report["unmapped"].values()) == 5


# -- errors ------------------------------------------------------------------------
def write(tmp_path: Path, text: str, name: str = "events.tsv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error(path: Path, **options) -> InputError:
    with pytest.raises(InputError) as e:
        read(path, **options)
    return e.value


def test_a_bad_date_names_line_field_and_the_expected_shape(tmp_path):
    path = write(tmp_path, "Iran\tConsult\tIraq\t2014-06-11\nIran\tConsult\tIraq\t2014-13-01\n")
    e = error(path)
    assert str(e) == f"{path}, line 2, field 'date': expected a date as YYYY-MM-DD, got '2014-13-01'"
    gdelt = (HERE / "gdelt-2.0-export.tsv").read_text(encoding="utf-8").replace("\t20200220\t", "\t2020-02-20\t", 1)
    path = write(tmp_path, gdelt, "gdelt.tsv")
    assert str(error(path)) == f"{path}, line 2, field 'SQLDATE': expected a date as YYYYMMDD, got '2020-02-20'"


@pytest.mark.parametrize(("text", "message"), [
    ("a\tb\tc\n", "line 1: expected ICEWS events (4 tab-separated columns: source, event, target, date; or ICEWS's "
     "export with a header row naming Source Name, Event Text or CAMEO Code, Target Name, Event Date) or GDELT 1.0/2.0 "
     "events (57, 58 or 61 tab-separated columns); got 3 columns"),
    ("Iran\tConsult\tIraq\t2014-06-11\nIran\tConsult\t2014-06-12\n", "line 2: expected 4 tab-separated columns, got 3"),
    ("Event ID\tEvent Date\tSource Name\tEvent Text\tTarget\n", "line 1, field 'Target Name': missing column "
     "'Target Name'; ICEWS's export needs Source Name, Target Name, Event Date and CAMEO Code or Event Text"),
    ("Event Date\tSource Name\tTarget Name\n", "line 1, field 'CAMEO Code': missing column 'CAMEO Code'; ICEWS's "
     "export needs CAMEO Code or Event Text"),
], ids=["unknown-layout", "short-row", "missing-column", "no-event-column"])
def test_layout_errors(tmp_path, text, message):
    path = write(tmp_path, text)
    assert str(error(path)) == f"{path}, {message}"


@pytest.mark.parametrize(("text", "message"), [
    ("codes:\n  072: {label: Provide military aid, relation: supports}\n",
     "field 'codes.58': a CAMEO code must be quoted digits such as \"072\", got 58"),
    ('codes:\n  "072": {label: Provide military aid, relation: backs}\n',
     "field 'codes.072': unknown relation 'backs'; expected one of controls, lineage, mediates, opposes, part_of, "
     "supports"),
    ('codes:\n  "072": {label: Provide military aid, relation: supports, kind: tanks}\n',
     "field 'codes.072': unknown kind 'tanks' for supports; expected one of troops, weapons, funding, training, "
     "intelligence, drones, political, mercenaries, materiel, logistics, airstrikes, diplomatic, advisers, territory, "
     "other"),
    ("codez: {}\n", "field 'codez': unknown section; expected codes, icews_sectors, gdelt_types, countries"),
], ids=["unquoted-code", "unknown-relation", "unknown-kind", "unknown-section"])
def test_a_bad_user_mapping_is_an_input_error(tmp_path, text, message):
    user = write(tmp_path, text, "map.yaml")
    assert str(error(HERE / "gaps.tsv", cameo_map=str(user))) == f"{user}, {message}"


def test_a_file_with_nothing_to_tell_still_gives_its_counts_and_no_note(tmp_path):
    path = write(tmp_path, "Russia\tProvide military aid\tSyria\t2010-01-01\n")
    records = read(path)
    assert records[-1].kind == NOTE and records[-1].data["text"] is None
    assert (records[-1].data["counts"]["rows"], records[-1].data["counts"]["statements"]) == (1, 1)
    assembler = Assembler()
    assert len(list(assembler.statements(iter(records)))) == 1 and assembler.notes == []
