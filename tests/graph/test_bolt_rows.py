"""Rows packed for Bolt from Arrow columns: the same bytes as the driver's own packing of
the same rows as lists, for every type a batch sends; the driver's seam; the fallback."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from neo4j._codec.packstream import v1, v2

from allegiance.graph import bolt_rows
from allegiance.graph.bolt_rows import PackedRows, encode_rows, plain_rows, rows_parameter
from allegiance.graph.neo4j_store import ROW_FIELDS, row_columns
from allegiance.graph.spool import spool_schema
from allegiance.model.partial_date import OPEN_END, UNKNOWN_START

PACKERS = (v1.Packer, v2.Packer)
SETTINGS = settings(max_examples=300, derandomize=True, database=None, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

INT64 = st.integers(-(2**63), 2**63 - 1)
# Around each edge between two integer forms, and anywhere.
EDGES = st.sampled_from([-(2**63), -(2**31) - 1, -(2**31), -32769, -32768, -129, -128, -17, -16, 0, 127, 128,
                         32767, 32768, 2**31 - 1, 2**31, 2**63 - 1])
INTEGERS = st.one_of(EDGES, EDGES.flatmap(lambda e: st.integers(max(e - 2, -(2**63)), min(e + 2, 2**63 - 1))), INT64)
# Texts of every length form (tiny, 8, 16 and 32-bit sizes) and beyond ASCII; Arrow holds
# only valid UTF-8, so no lone surrogates.
CHARS = st.characters(exclude_categories=("Cs",))
TEXTS = st.one_of(st.text(CHARS, max_size=20), st.text(CHARS, min_size=14, max_size=300),
                  st.sampled_from(["x" * 65_535, "é" * 32_768, "y" * 70_000]))
FLOATS = st.floats(allow_nan=False) | st.sampled_from([0.0, -0.0, float("inf"), float("-inf")])
DAYS = st.integers(-719_162, 2_932_896)  # 0001-01-01 to 9999-12-31, days from 1970-01-01
KINDS = {
    "text": (pa.string(), TEXTS),
    "large text": (pa.large_string(), TEXTS),
    "integer": (pa.int64(), INTEGERS),
    "float": (pa.float64(), FLOATS),
    "flag": (pa.bool_(), st.booleans()),
    "date": (pa.date32(), DAYS),
}


def driver_packs(cls, parameters) -> bytes:
    """What the driver packs for a RUN message carrying ``parameters``."""
    buffer = cls.new_packable_buffer()
    cls(buffer).pack_struct(b"\x10", ("UNWIND $rows AS row RETURN row", parameters, {"db": "neo4j"}))
    return bytes(buffer.data)


@st.composite
def batches(draw):
    """Columns of one length, each of a kind a batch sends, with or without nulls."""
    n = draw(st.integers(0, 40))
    columns = []
    for _ in range(draw(st.integers(1, 30))):
        kind, values = KINDS[draw(st.sampled_from(sorted(KINDS)))]
        cells = draw(st.lists(st.none() | values if draw(st.booleans()) else values, min_size=n, max_size=n))
        if kind == pa.date32():
            cells = [None if d is None else dt.date(1970, 1, 1) + dt.timedelta(days=d) for d in cells]
        columns.append(pa.array(cells, kind))
    if draw(st.booleans()):
        columns.append(pa.nulls(n, pa.string()))
    return columns


def test_the_installed_driver_takes_packed_rows():
    assert bolt_rows.ready()
    for cls in PACKERS:
        assert hasattr(vars(cls)["_pack"], "allegiance_wraps")


@SETTINGS
@given(batches())
def test_packed_rows_are_the_bytes_the_driver_packs_for_the_lists(columns):
    assert bolt_rows.ready()
    packed = PackedRows(encode_rows(columns), len(columns[0]))
    for cls in PACKERS:
        assert driver_packs(cls, {"rows": packed, "exclusive": False}) == \
            driver_packs(cls, {"rows": plain_rows(columns), "exclusive": False})


def test_rows_and_maps_of_every_size_form():
    """Lists of 0, 15, 16, 255, 256 and 65,536 rows, and rows of 16 fields (header forms)."""
    for n in (0, 1, 15, 16, 255, 256, 65_536):
        columns = [pa.array(range(n), pa.int64())] * 16
        packed = PackedRows(encode_rows(columns), n)
        expected = driver_packs(v1.Packer, {"rows": plain_rows(columns)})
        assert driver_packs(v1.Packer, {"rows": packed}) == expected
    wide = {f"key{i}": i for i in range(20)} | {"rows": PackedRows(encode_rows([pa.array([1])]), 1)}
    plain = {f"key{i}": i for i in range(20)} | {"rows": [[1]]}
    assert driver_packs(v1.Packer, wide) == driver_packs(v1.Packer, plain)


def test_everything_else_goes_through_the_drivers_own_packing():
    values = [{"a": [1, "b", None, 2.5]}, "text", 2**40, [{"nested": {"x": 1}}], None,
              {"rows": [[1, 2]], "exclusive": True}]
    for cls in PACKERS:
        original = vars(cls)["_pack"].allegiance_wraps
        for value in values:
            wrapped, plain = cls.new_packable_buffer(), cls.new_packable_buffer()
            cls(wrapped).pack(value)
            packer = cls(plain)
            original(packer, value, packer._inject_hooks())
            assert bytes(wrapped.data) == bytes(plain.data)


def test_the_row_columns_of_a_spooled_batch_pack_as_their_lists():
    """row_columns of a spool batch (open bounds, precisions from the keys, nulls) pack to
    what the driver packs for their lists: DATE structures where a bound is known."""
    from allegiance.model.partial_date import MONTH, YEAR, PartialDate, encode_bound

    schema = spool_schema()
    day = PartialDate.parse("2005-03").lo
    rows = []
    for i, (lo, hi) in enumerate([(UNKNOWN_START, OPEN_END), (day, OPEN_END), (UNKNOWN_START, day), (day, day + 40)]):
        values = {f: None for f in schema.names}
        values.update(id=f"st{i}", subject="a1", relation="supports", object="a2", lo=lo, hi=hi, known=0,
                      lo_key=encode_bound(lo, MONTH if lo != UNKNOWN_START else 0),
                      hi_key=encode_bound(hi, YEAR if hi != OPEN_END else 0), negated=bool(i % 2), confidence=0.5)
        rows.append(values)
    batch = pa.RecordBatch.from_pylist(rows, schema=schema)
    columns = row_columns(batch)
    assert len(columns) == len(ROW_FIELDS)
    lists = plain_rows(columns)
    start, end = ROW_FIELDS.index("start"), ROW_FIELDS.index("end")
    assert [row[start] is None for row in lists] == [True, False, True, False]
    assert [row[end] is None for row in lists] == [True, True, False, False]
    assert lists[1][start].fields == [day - dt.date(1970, 1, 1).toordinal()]
    assert [row[ROW_FIELDS.index("start_precision")] for row in lists] == [None, "month", None, "month"]
    assert [row[ROW_FIELDS.index("end_precision")] for row in lists] == [None, None, "year", "year"]
    assert driver_packs(v1.Packer, {"rows": rows_parameter(columns)}) == driver_packs(v1.Packer, {"rows": lists})


def test_a_driver_whose_packing_differs_gets_lists(monkeypatch):
    """The sample is packed both ways before the first use: a difference (here, one
    byte more in ours) turns packed rows off for the process; rows then go as lists."""
    real = encode_rows
    monkeypatch.setattr(bolt_rows, "encode_rows", lambda columns: real(columns) + b"\xc0")
    assert bolt_rows.ready.__wrapped__() is False
    monkeypatch.setattr(bolt_rows, "ready", lambda: False)
    columns = [pa.array(["a", None]), pa.array([1, 2])]
    assert rows_parameter(columns) == [["a", 1], [None, 2]]


def test_a_driver_without_the_packers_gets_lists(monkeypatch):
    monkeypatch.setattr(bolt_rows, "_packers", lambda: [])
    assert bolt_rows.ready.__wrapped__() is False


def test_a_column_of_another_type_is_refused_by_name():
    with pytest.raises(TypeError, match="no PackStream encoding here for Arrow type list<item: int64>"):
        encode_rows([pa.array([[1]])])


def test_packed_rows_read_short_in_the_drivers_debug_line():
    packed = PackedRows(b"\x91\x91\x01", 1)
    assert len(packed) == 1
    assert repr(packed) == "<1 rows packed, 3 bytes>"
