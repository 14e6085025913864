"""Property: whatever a file holds, loading it either works or raises our own
``AllegianceError`` (the CLI's ``Error: ...``), never another exception (a traceback).

Every reader is given two kinds of generated input:
- near-valid data: the records of a fixture (tests/fixtures/bundle.yaml, or a dataset
  fixture's rows) with fields or cells replaced by wrong types, huge or fractional
  numbers, impossible dates, odd unicode and lone surrogates, deep nesting, empty
  strings, keys and columns given twice, then written out as that reader's format;
- raw text and bytes (and, for YAML, snippets of its syntax: anchors, aliases, tags).
Each input goes through the reader and the assembler (``Assembler.statements``); a sample
of the bundles is also loaded into an embedded store, which must refuse cleanly too.

Budget, so that CI is reproducible and quick: Hypothesis runs derandomized (the same
examples every run, no example database), with no deadline (nothing depends on timing):
``EXAMPLES`` (150) examples per reader and kind of input, 4 bundle formats and 8 dataset
files, each near-valid and raw, so 3,600 inputs, plus ``STORE_EXAMPLES`` (25) through the
store. The module uses about 20 s of CPU: about 20 s on this 2-core machine when idle,
45 s measured while other work kept it at a load average of 6.
"""

from __future__ import annotations

import csv
import io
import json
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from allegiance.exc import AllegianceError
from allegiance.graph.embedded import EmbeddedStore
from allegiance.loaders import Options, acled, mmp, read_records, ucdp_acd, ucdp_esd
from allegiance.loaders.assemble import Assembler
from allegiance.loaders.cameo_layouts import GDELT
from allegiance.loaders.records import FIELDS
from allegiance.loaders.yaml_loader import load_yaml
from allegiance.pipeline import load
from tests.conftest import FIXTURES

EXAMPLES = 150
STORE_EXAMPLES = 25
BUDGET = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                         HealthCheck.function_scoped_fixture])

# read as the loader reads it: dates stay text, ``on:`` stays a key
BUNDLE = load_yaml((FIXTURES / "bundle.yaml").read_text(encoding="utf-8"), "bundle.yaml")
SECTIONS = {"sources": "source", "actors": "actor", "places": "place", "statements": "statement"}


def _nested(depth: int) -> object:
    value: object = "x"
    for i in range(depth):
        value = [value] if i % 2 else {"k": value}
    return value


SURROGATES = st.sampled_from(["\ud800", "\udfff", "a\udc80b", "\ud83d"])
ODD_TEXT = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", " ", "2020-13-45", "2020-02-30", "0000-01-01", "2020", "2020-05", "9999-12-31",
                     "0001-01-01", "10000", "-1", "1e400", "inf", "nan", "Infinity", "0.5", "12.0", "1_0",
                     "9223372036854775808", "9" * 5000, "²", "٢٠٢٠", "true", "yes", "on", "\x00", "a;b;", ";",
                     "a|b", "x:y", "ucdp:1", "Turkey", "GNA", "gna", "s1", "supports", "mediates", "troops",
                     "LY", "ly", "Lіbya", "\u202e", "x" * 3000]),
    SURROGATES,
)
ODD = st.one_of(
    ODD_TEXT, st.none(), st.booleans(), st.integers(), st.sampled_from([2**63 - 1, 2**63, -2**63 - 1, 10**400]),
    st.floats(), st.lists(ODD_TEXT, max_size=3), st.dictionaries(ODD_TEXT, ODD_TEXT, max_size=2),
    st.integers(min_value=40, max_value=120).map(_nested),
)
ALL_FIELDS = sorted({f for fields in FIELDS.values() for f in fields} | {"record", "sorce", "_if_missing"})


@st.composite
def near_valid(draw) -> list[tuple[str, list[tuple[str, object]]]]:
    """(section, key/value pairs) per record of the bundle fixture, a few of them mutated;
    pairs, not dicts, so that a key can be given twice."""
    records = [(section, list(item.items())) for section in SECTIONS for item in BUNDLE.get(section, [])]
    for _ in range(draw(st.integers(1, 4))):
        index = draw(st.integers(0, len(records) - 1))
        section, pairs = records[index]
        pairs = list(pairs)
        action = draw(st.sampled_from(["replace", "add", "drop", "twice"]))
        if action == "replace" and pairs:
            at = draw(st.integers(0, len(pairs) - 1))
            pairs[at] = (pairs[at][0], draw(ODD))
        elif action == "add":
            pairs.append((draw(st.sampled_from(ALL_FIELDS) | ODD_TEXT), draw(ODD)))
        elif action == "drop" and pairs:
            del pairs[draw(st.integers(0, len(pairs) - 1))]
        elif pairs:
            pairs.append((draw(st.sampled_from([k for k, _ in pairs])), draw(ODD)))
        records[index] = (section, pairs)
    return records


def _json(value: object) -> str:
    """JSON text; a list of pairs is an object, whose keys may repeat."""
    if isinstance(value, tuple):  # (pairs,)
        return "{" + ", ".join(f"{json.dumps(str(k))}: {_json(v)}" for k, v in value[0]) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_json(v) for v in value) + "]"
    try:
        return json.dumps(value)
    except ValueError:  # an int past Python's 4,300 digits: written out as digits
        return "9" * 5000


def _yaml_scalar(value: object) -> str:
    if isinstance(value, str) and value and all(c in string.ascii_letters + string.digits + "-.:_ " for c in value):
        return value.strip() or '""'  # plain: YAML resolves 2020-13-45, .inf, yes... itself
    return _json(value)


def as_text(fmt: str, records: list[tuple[str, list[tuple[str, object]]]]) -> str:
    if fmt == "json":
        sections = {s: [(pairs,) for section, pairs in records if section == s] for s in SECTIONS}
        return "{" + ", ".join(f'"{s}": {_json(items)}' for s, items in sections.items()) + "}"
    if fmt == "jsonl":
        return "".join(_json(([("record", SECTIONS[s]), *pairs] if s != "statements" else pairs,)) + "\n"
                       for s, pairs in records)
    if fmt == "yaml":
        lines = []
        for s in SECTIONS:
            lines.append(f"{s}:")
            lines += ["  - {" + ", ".join(f"{_yaml_scalar(str(k))}: {_yaml_scalar(v)}" for k, v in pairs) + "}"
                      for section, pairs in records if section == s]
        return "\n".join(lines) + "\n"
    # csv: the statements, one column per key as given (so a key twice is a column twice)
    rows = [[(str(k), v) for k, v in pairs] for section, pairs in records if section == "statements"]
    header: list[str] = []
    for pairs in rows:
        for i, (key, _) in enumerate(pairs):
            if header.count(key) <= [k for k, _ in pairs[:i]].count(key):
                header.append(key)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for pairs in rows:
        cells = [""] * len(header)
        for i, (key, value) in enumerate(pairs):
            nth = [k for k, _ in pairs[:i]].count(key)
            cells[[j for j, k in enumerate(header) if k == key][nth]] = _cell(value)
        writer.writerow(cells)
    return out.getvalue()


def _cell(value: object) -> str:
    if isinstance(value, list):
        return ";".join(map(str, value))
    try:
        return "" if value is None else str(value)
    except ValueError:
        return "9" * 5000


YAML_BITS = st.sampled_from([
    "statements:", "sources:", "actors:", "places:", "\n", "  - ", "{", "}", "[", "]", ", ", ": ", "subject: turkey",
    "relation: supports", "object: gna", "source: s1", "start: 2020-13-45", "on: 2020-05", "weight: .inf",
    "weight: 0x7fffffffffffffffff", "weight: 1:30:00", "confidence: true", "&a ", "*a", "&b [*a, *a, *a]",
    "<<: *a", "!!int ", "!!float ", "!!bool ", "!!timestamp ", "!!binary ", "!!set ", "!!omap ", "!!python/none ",
    "? ", "~", "'\\ud800'", '"\\ud800"', '"\\U0000dfff"', "- *b", "---", "...", "%YAML 1.1\n", "|\n  x", "#",
])


def check(path: Path, fmt: str | None = None, options: Options | None = None) -> None:
    """The property: statements, or our own error."""
    try:
        list(Assembler().statements(read_records(str(path), fmt, options=options)))
    except AllegianceError:
        pass


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("properties")


@pytest.mark.parametrize("fmt", ["yaml", "json", "jsonl", "csv"])
@BUDGET
@given(records=near_valid())
def test_near_valid_bundles_load_or_are_refused(folder, fmt, records):
    path = folder / f"bundle.{fmt}"
    path.write_text(as_text(fmt, records), encoding="utf-8", errors="surrogatepass")
    check(path)


@pytest.mark.parametrize("fmt", ["yaml", "json", "jsonl", "csv"])
@BUDGET
@given(content=st.one_of(st.binary(max_size=200), st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
                         st.lists(YAML_BITS, max_size=30).map(lambda bits: "".join(bits).encode())))
def test_raw_files_load_or_are_refused(folder, fmt, content):
    path = folder / f"raw.{fmt}"
    path.write_bytes(content)
    check(path)


@settings(BUDGET, max_examples=STORE_EXAMPLES)
@given(records=near_valid(), fmt=st.sampled_from(["yaml", "json", "jsonl", "csv"]))
def test_near_valid_bundles_load_into_a_store_or_are_refused(folder, records, fmt):
    path = folder / f"stored.{fmt}"
    path.write_text(as_text(fmt, records), encoding="utf-8", errors="surrogatepass")
    with EmbeddedStore(folder / "store.db") as store:
        try:
            load(store, [str(FIXTURES / "bundle.yaml"), str(path)], create_missing=True)
        except AllegianceError:
            pass


# -- the datasets: a fixture's rows with cells replaced --------------------------------
# GDELT files have no header: the columns the reader reads, by the codebook's names
GDELT_USED = ("GLOBALEVENTID", "SQLDATE", "EventCode", "ActionGeo_FullName", "SOURCEURL",
              *(f"Actor{n}{c}" for n in (1, 2) for c in ("Code", "Name", "CountryCode", "Type1Code")))
ICEWS_USED = ("Event ID", "Event Date", "Source Name", "Source Country", "Event Text", "CAMEO Code", "Target Name",
              "Target Country", "City", "Country")
# name -> (fixture, delimiter, file name to load it as, the columns its reader reads)
DATASETS = {
    "ucdp-acd": (FIXTURES / "ucdp" / "acd-excerpt.csv", ",", "acd.csv", ucdp_acd.COLUMNS),
    "ucdp-esd": (FIXTURES / "ucdp" / "esd-excerpt.csv", ",", "ucdp-esd-ay-181.csv", ucdp_esd.COLUMNS),
    "mmp": (FIXTURES / "mmp" / "relationships.csv", ",", "relationships.csv", mmp.COLUMNS),
    "cameo": (FIXTURES / "cameo" / "icews-export.tab", "\t", "icews.tab", ICEWS_USED),
    "cameo-gdelt": (FIXTURES / "cameo" / "gdelt-2.0-export.tsv", "\t", "gdelt.tsv", GDELT_USED),
    "cameo-kg": (FIXTURES / "cameo" / "icews05-15-excerpt.tsv", "\t", "kg.tsv", ()),
    "acled": (FIXTURES / "acled" / "2019-04-01-2020-06-30-Libya.csv", ",", "acled.csv", (*acled.CURRENT, "iso")),
    "acled-older": (FIXTURES / "acled" / "libya-2014-2016-older-layout.csv", ",", "older.csv", acled.OLDER),
}
CELLS = ODD_TEXT.filter(lambda t: not any(0xD800 <= ord(c) <= 0xDFFF for c in t))


def _rows(path: Path, delimiter: str) -> list[list[str]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")  # older ACLED exports
    if delimiter == "\t":
        return [line.split("\t") for line in text.splitlines()]
    return list(csv.reader(io.StringIO(text)))


@st.composite
def mutated_rows(draw, rows: list[list[str]], used: tuple[str, ...] = ()) -> list[list[str]]:
    """Cells replaced (mostly in the columns the reader reads), cells dropped or added, a
    header column given twice, the file cut short."""
    rows = [list(row) for row in rows]
    header = GDELT[61][1] if used is GDELT_USED else rows[0]
    focus = [i for i, name in enumerate(header) if name in used] or list(range(len(rows[0])))
    for _ in range(draw(st.integers(1, 6))):
        r = draw(st.integers(0, len(rows) - 1))
        action = draw(st.sampled_from(["cell", "cell", "cell", "drop", "add", "twice", "cut"]))
        if action == "cell" and rows[r]:
            columns = focus if draw(st.booleans()) else range(len(rows[r]))
            column = draw(st.sampled_from([c for c in columns if c < len(rows[r])] or [0]))
            rows[r][column] = draw(CELLS)
        elif action == "drop" and rows[r]:
            del rows[r][draw(st.integers(0, len(rows[r]) - 1))]
        elif action == "add":
            rows[r].append(draw(CELLS))
        elif action == "twice" and rows[0]:
            rows[0].append(draw(st.sampled_from(rows[0])))  # a header column given twice
        elif action == "cut":
            del rows[max(r, 1):]
    return rows


def _write(rows: list[list[str]], delimiter: str) -> str:
    if delimiter == "\t":
        return "".join("\t".join(cell.replace("\t", " ").replace("\n", " ") for cell in row) + "\n" for row in rows)
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


@pytest.mark.parametrize("name", sorted(DATASETS))
@BUDGET
@given(data=st.data())
def test_near_valid_dataset_files_load_or_are_refused(folder, name, data):
    fixture, delimiter, filename, used = DATASETS[name]
    rows = data.draw(mutated_rows(_rows(fixture, delimiter), used))
    path = folder / name / filename
    path.parent.mkdir(exist_ok=True)
    path.write_text(_write(rows, delimiter), encoding="utf-8")
    if name == "mmp" and data.draw(st.booleans()):  # groups.csv beside it, mutated too
        groups = data.draw(mutated_rows(_rows(FIXTURES / "mmp" / "groups.csv", ","), mmp.GROUP_COLUMNS))
        (path.parent / "groups.csv").write_text(_write(groups, ","), encoding="utf-8")
    elif (path.parent / "groups.csv").exists():
        (path.parent / "groups.csv").unlink()
    check(path, name.split("-")[0] if name.startswith(("cameo", "acled")) else name, Options(min_events=1))


@pytest.mark.parametrize("name", sorted(DATASETS))
@BUDGET
@given(content=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)))
def test_raw_dataset_files_load_or_are_refused(folder, name, content):
    filename = DATASETS[name][2]
    path = folder / f"raw-{name}" / filename
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(content)
    check(path, name.split("-")[0] if name.startswith(("cameo", "acled")) else name)
