"""The Mapping Militants reader, checked against plain-csv computations on the real files."""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from allegiance.exc import InputError
from allegiance.loaders import Options, read_records
from allegiance.loaders.assemble import Assembler
from allegiance.loaders.mmp import CORRECTIONS, parse_date
from tests.conftest import FIXTURES, ROOT, ask, pairs, unavailable

DATA = ROOT.parent / "shared" / "data" / "mmp"
EXCERPT = FIXTURES / "mmp"
TYPE_NAMES = "all (allies), riv (rivals), aff (affiliates), spl (split), mer (merger)"
DATES = "expected a date as YYYY-MM-DD (00 for an unknown month or day) or M/D/YY"
# What the reader is expected to do with rows whose description contradicts the column order.
SKIPPED = {"119", "423", "1619", "1621", "1623", "567", "1219"}
REVERSED = {"19", "23", "727", "729", "757", "759", "761", "873", "877", "879", "1643", "2003",
            "653", "945", "1793", "1789", "1791", "1241", "1245", "1803", "1953"}


@pytest.fixture(scope="module")
def data() -> Path:
    if not (DATA / "relationships.csv").is_file():
        unavailable(f"the shared data is missing: {DATA}")
    return DATA


@pytest.fixture(scope="module")
def raw(data) -> list[dict[str, str]]:
    with open(data / "relationships.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def statements(data):
    return list(Assembler().statements(read_records(str(data / "relationships.csv"), "mmp")))


@pytest.fixture
def store(make_store, data):
    return make_store(data / "relationships.csv", fmt="mmp")


# -- independent readings of the raw file --------------------------------------------
def first_day(text: str) -> dt.date:
    """The earliest day a raw date can mean (00 = unknown; yy below 20 is 20yy)."""
    if "/" in text:
        month, day, year = (int(p) for p in text.split("/"))
        return dt.date(year + (2000 if year < 20 else 1900), month, day)
    year, month, day = (int(p) for p in text.split("-"))
    return dt.date(year, month or 1, day or 1)


def pair_rows(raw) -> dict[frozenset[str], list[dict[str, str]]]:
    rows = defaultdict(list)
    for row in raw:
        rows[frozenset((row["group1_id"], row["group2_id"]))].append(row)
    return rows


def active_types(rows: list[dict[str, str]], day: dt.date) -> set[str]:
    """MMP's rule: a connection holds from its date until a connection of another type starts."""
    active = set()
    for row in rows:
        start = first_day(row["date"])
        ended = any(other["type"] != row["type"] and start < first_day(other["date"]) <= day for other in rows)
        if start <= day and not ended:
            active.add(row["type"])
    return active


# -- counts ---------------------------------------------------------------------------
def test_every_row_makes_its_statements(raw, statements):
    assert len(raw) == 638
    assert Counter(r["type"] for r in raw) == {"all": 193, "riv": 169, "aff": 124, "spl": 90, "mer": 62}
    kept = [r for r in raw if r["unique_id"] not in SKIPPED]
    per_type = Counter(r["type"] for r in kept)
    assert Counter((s.relation, s.kind) for s in statements) == {
        ("supports", None): 2 * (per_type["all"] + per_type["aff"]),  # 634: both ways
        ("opposes", None): 2 * per_type["riv"],  # 338
        ("lineage", "split"): per_type["spl"],  # 88 of 90
        ("lineage", "merger"): per_type["mer"],  # 57 of 62
    }
    assert len(statements) == 1117
    per_record = Counter(s.record for s in statements)
    assert per_record == {r["unique_id"]: 1 if r["type"] in ("spl", "mer") else 2 for r in kept}
    assert {s.source for s in statements} == {"mmp-2019-07"}


def test_the_store_holds_every_group_under_its_mmp_id(store, raw, data):
    kept = [r for r in raw if r["unique_id"] not in SKIPPED]
    ids = {f"mmp:{r[f'group{n}_id']}" for r in kept for n in "12"}
    actors = {r["subject"] for r in ask(store, "relations")} | {r["object"] for r in ask(store, "relations")}
    assert actors == ids and len(ids) == 225
    assert sum(1 for _ in store.statements()) == 1117


# -- the 29 pairs that are allies at one date and rivals at another -------------------------
def test_allies_turned_rivals_switch_as_of_each_date(store, raw):
    by_pair = pair_rows(raw)
    turned = {p: rows for p, rows in by_pair.items() if {"all", "riv"} <= {r["type"] for r in rows}}
    assert len(turned) == 29
    probes = defaultdict(list)  # day -> pairs whose state is checked that day
    for pair, rows in turned.items():
        for row in rows:
            probes[first_day(row["date"])].append(pair)
    switched = defaultdict(set)
    for day, day_pairs in sorted(probes.items()):
        backs = pairs(ask(store, "who-backs-whom", as_of=day.isoformat()))
        opposes = pairs(ask(store, "relations", as_of=day.isoformat(), relation="opposes"))
        for pair in day_pairs:
            a, b = sorted(pair)
            ids = (f"mmp:{a}", f"mmp:{b}")
            active = active_types(turned[pair], day)
            for edges, expected in ((backs, bool(active & {"all", "aff"})), (opposes, "riv" in active)):
                assert (ids in edges, ids[::-1] in edges) == (expected, expected), (day, pair, active)
            if "all" in active and "riv" not in active:
                switched[pair].add("allies")
            if "riv" in active and not active & {"all", "aff"}:
                switched[pair].add("rivals")
    # All but one switch: AQIM and the MNLA became allies and rivals in the same month, 2012-03,
    # so neither row can end the other and both hold from then on.
    unswitched = [pair for pair in turned if switched[pair] != {"allies", "rivals"}]
    assert unswitched == [frozenset({"65", "439"})]


def test_al_nusra_and_the_islamic_state_as_of(store):
    nusra, state = "mmp:559", "mmp:1"
    allied = pairs(ask(store, "who-backs-whom", as_of="2013-12"))
    assert {(nusra, state), (state, nusra)} <= allied
    assert not {(nusra, state), (state, nusra)} & pairs(ask(store, "opponents", as_of="2013-12", actor=state))
    assert {(nusra, state), (state, nusra)} <= pairs(ask(store, "opponents", as_of="2014-02", actor=state))
    assert not {(nusra, state), (state, nusra)} & pairs(ask(store, "who-backs-whom", as_of="2014-02"))


# -- dates ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("2005-00-00", "2005"),
    ("2014-02-00", "2014-02"),
    ("2/18/10", "2010-02-18"),
    ("12/17/79", "1979-12-17"),
    ("10/12/00", "2000-10-12"),
    ("1/24/17", "2017-01-24"),
    ("1/1/68", "1968"),  # not 2068, where strptime's %y would put it; and 1/1 is "year only"
    ("10/1/06", "2006-10"),  # "In October 2006": day 1 stands for an unknown day
])
def test_dates_in_both_forms(text, expected):
    assert str(parse_date(text)) == expected


def test_two_digit_years_fall_within_the_iso_years(raw, statements):
    iso_years = [int(r["date"][:4]) for r in raw if "/" not in r["date"]]
    assert (min(iso_years), max(iso_years)) == (1959, 2017)
    short = {int(r["date"].rsplit("/", 1)[1]) for r in raw if "/" in r["date"]}
    assert min(y for y in short if y >= 20) == 68 and max(y for y in short if y < 20) == 17
    years = {int(str(s.start)[:4]) for s in statements}
    assert min(years) == 1959 and max(years) == 2017
    starts = {s.record: str(s.start) for s in statements}
    assert (starts["589"], starts["447"], starts["1633"], starts["1475"], starts["1311"]) == (
        "1968", "1979-12-17", "2010-02-18", "2005", "2014-02")


@pytest.mark.parametrize(("record", "start", "end"), [
    ("265", "2004-10", "2014-02-02"),  # affiliates until the split dated 2/3/14
    ("1315", "2007", "2008"),  # rivals until the alliance of 2009
    ("1311", "2014-02", "2014"),  # allies until the rivalry of 2015
    ("1635", "2009-02-22", "2009-09"),  # allies until the affiliation of 10/1/09 (October 2009)
    ("1633", "2010-02-18", None),  # the last row of the pair stays open
    ("661", "1967", "1999-12"),  # affiliates until the rivalry of 2000-01
    ("1579", "2014-09", "2015-03"),  # affiliates until the alliance of 2015-04
    ("1299", "2014-07", "2015-03-06"),  # affiliates until the alliance of 3/7/15
    ("1617", "2008-08-20", "2010-01"),  # allies until the Ras Kamboni Brigade merged into Al Shabaab
    ("1759", "2012-03", None), ("1761", "2012-03", None),  # allies and rivals from the same month
    ("1485", "2014-08-29", None),  # lineage never ends
])
def test_a_later_row_of_another_type_ends_the_earlier(statements, record, start, end):
    found = {(str(s.start), str(s.end) if s.end else None) for s in statements if s.record == record}
    assert found == {(start, end)}


# -- groups.csv and the text ------------------------------------------------------------------
def test_groups_csv_has_a_bom_crlf_and_a_trailing_column(data):
    head = (data / "groups.csv").read_bytes()[:40]
    assert head.startswith(b"\xef\xbb\xbfgroup_id,name,\r\n")
    assert (EXCERPT / "groups.csv").read_bytes().startswith(b"\xef\xbb\xbfgroup_id,name,\r\n")


def test_names_come_from_groups_csv_trimmed_and_repaired(statements, data):
    with open(data / "groups.csv", encoding="utf-8-sig", newline="") as f:
        groups = {row["group_id"]: row["name"] for row in csv.DictReader(f)}
    names = {}
    for record in read_records(str(data / "relationships.csv"), "mmp"):
        if record.kind == "statement":
            for ref in (record.data["subject"], record.data["object"]):
                names[ref.code] = ref.name
    assert all(name == groups[code].strip() for code, name in names.items() if groups[code].isascii())
    assert groups["113"] == "Hizbul Islam " and names["113"] == "Hizbul Islam"
    assert names["149"] == "Communist Party of the Philippines\u2013New People's Army"
    assert names["629"] == "Kata\u2019ib Sayyid al-Shuhada"
    assert names["327"] == "\u00d3glaigh na h\u00c9ireann 1"


def test_the_excerpt_reads_groups_csv_beside_it(tmp_path):
    refs = _refs(EXCERPT / "relationships.csv")
    assert refs["113"] == "Hizbul Islam" and refs["149"] == "Communist Party of the Philippines\u2013New People's Army"
    alone = tmp_path / "relationships.csv"
    shutil.copy(EXCERPT / "relationships.csv", alone)  # no groups.csv: the rows' own names, trimmed and repaired
    refs = _refs(alone)
    assert refs["113"] == "Hizbul Islam" and refs["149"] == "Communist Party of the Philippines–New People's Army"
    # groups.csv wins over the rows' names
    (tmp_path / "groups.csv").write_bytes(b"\xef\xbb\xbfgroup_id,name,\r\n113,Hizbul Islam (Somalia) ,\r\n")
    assert _refs(alone)["113"] == "Hizbul Islam (Somalia)"


def _refs(path: Path) -> dict[str, str]:
    return {ref.code: ref.name for r in read_records(str(path), "mmp") if r.kind == "statement"
            for ref in (r.data["subject"], r.data["object"])}


def test_quotes_are_the_descriptions_with_the_encoding_damage_undone(statements):
    quotes = {s.record: s.quote for s in statements}
    assert "the group\u2019s first leader" in quotes["299"] and "\u201cevery Muslim\u201d" in quotes["299"]
    assert "the IMK\u2019s 1997 truce" in quotes["259"]
    assert "represent Iraq's jihadist groups" in quotes["19"]
    assert "Members of the GIA who disagreed with the group's targeting" in quotes["253"]
    assert not [q for q in quotes.values() if re.search(r"[\x80-\x9f]|\\|â\x80|&#", q)]
    assert quotes["589"] == "Mapping Militants 2019-07: Movement of 1968 and Kommune 1 are affiliates (from 1968)"
    assert quotes["1339"] == ("Mapping Militants 2019-07: The Reformist Group split from "
                              "The Islamic Unity Movement of Kurdistan (from 2001-01)")


# -- direction ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("record", "subject", "object_"), [
    ("489", "315", "317"),  # spl: INLA (group2) split from the Official IRA (group1)
    ("255", "65", "69"),  # mer: the GSPC (group1) merged into AQIM (group2)
    ("757", "255", "375"),  # reversed: Shariat Jamaat was incorporated into the Caucasus Emirate (group1)
    ("653", "95", "219"),  # reversed: JeM (group1) split from HuM
])
def test_lineage_runs_from_the_newer_group_to_the_older(statements, record, subject, object_):
    [s] = [s for s in statements if s.record == record]
    assert (s.subject, s.object, s.end) == (f"mmp:{subject}", f"mmp:{object_}", None)


def test_the_corrections_name_split_and_merger_rows(raw, statements):
    rows = {r["unique_id"]: r for r in raw}
    assert {k for k, (what, _) in CORRECTIONS.items() if what == "skip"} == SKIPPED
    assert {k for k, (what, _) in CORRECTIONS.items() if what == "reverse"} == REVERSED
    assert {rows[k]["type"] for k in CORRECTIONS} == {"spl", "mer"}
    assert not {s.record for s in statements} & SKIPPED


def test_the_excerpt_end_to_end(make_store):
    store = make_store(EXCERPT / "relationships.csv", fmt="mmp")
    shabaab, hizbul = "mmp:61", "mmp:113"
    assert {(shabaab, hizbul), (hizbul, shabaab)} <= pairs(ask(store, "backers", as_of="2009-12", actor=hizbul)) | \
        pairs(ask(store, "backers", as_of="2009-12", actor=shabaab))
    assert not pairs(ask(store, "opponents", as_of="2009-12", actor=hizbul))
    assert pairs(ask(store, "opponents", as_of="2010-03", actor=hizbul)) == {(shabaab, hizbul), (hizbul, shabaab)}
    assert not pairs(ask(store, "backers", as_of="2010-03", actor=hizbul))


def test_progress_is_told_the_bytes_read():
    told = []
    list(read_records(str(EXCERPT / "relationships.csv"), "mmp", tell=told.append))
    assert told[-1] == (EXCERPT / "relationships.csv").stat().st_size


# -- errors ---------------------------------------------------------------------------------------
HEADER = "unique_id,type,group1_id,group2_id,date,description,group1_name,group2_name\n"
ROW = '1635,all,61,113,2/22/09,"A joint attack.",Al Shabaab,Hizbul Islam \n'


@pytest.mark.parametrize(("text", "where", "message"), [
    (HEADER + ROW.replace(",all,", ",ally,"), "line 2, field 'type'",
     f"unknown relationship type 'ally'; expected one of {TYPE_NAMES}"),
    (HEADER + ROW.replace("2/22/09", "22/2/09"), "line 2, field 'date'",
     f"{DATES}, got '22/2/09': month 22 does not exist"),
    (HEADER + ROW.replace("2/22/09", "2/30/09"), "line 2, field 'date'",
     f"{DATES}, got '2/30/09': day 30 does not exist"),
    (HEADER + ROW.replace("2/22/09", "Feb 2009"), "line 2, field 'date'",
     f"{DATES}, got 'Feb 2009'"),
    (HEADER + ROW.replace("2/22/09", "2009-00-22"), "line 2, field 'date'",
     f"{DATES}, got '2009-00-22': a day without a month"),
    (HEADER + ROW + ROW, "line 3, field 'unique_id'", "unique_id 1635 is used twice (first at line 2)"),
    (HEADER.replace(",date", "") + ROW, "line 1",
     "missing column date; expected the columns unique_id, type, group1_id, group2_id, date, description, "
     "group1_name, group2_name"),
    (HEADER + ROW.replace("Al Shabaab,", ","), "line 2, field 'group1_name'",
     "group1_name is empty and group1_id '61' is not in groups.csv"),
])
def test_bad_rows_are_located(tmp_path, text, where, message):
    path = tmp_path / "relationships.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as e:
        list(read_records(str(path), "mmp"))
    assert str(e.value) == f"{path}, {where}: {message}"


def test_a_bad_groups_csv_is_located(tmp_path):
    (tmp_path / "relationships.csv").write_text(HEADER + ROW, encoding="utf-8")
    (tmp_path / "groups.csv").write_bytes(b"\xef\xbb\xbfid,name,\r\n61,Al Shabaab,\r\n")
    with pytest.raises(InputError) as e:
        list(read_records(str(tmp_path / "relationships.csv"), "mmp", options=Options()))
    expected = "line 1: missing column group_id; expected the columns group_id, name"
    assert str(e.value) == f"{tmp_path / 'groups.csv'}, {expected}"
