"""A batch's statement rows packed for Bolt straight from their Arrow columns.

A Neo4j load sends each batch as one ``$rows`` parameter: a list of rows, each a flat list
of ``ROW_FIELDS`` values (texts, whole numbers, floats, booleans, DATEs, nulls). Made as
Python lists and packed by the driver, that cost the client about 9.6 us of CPU a
statement (5.6 to make the lists, 4.0 to pack them), and the driver also formats every
value for a debug line it then drops; on 2 cores that CPU is taken from the server while
batches are written. Here the same bytes come from the columns at once (numpy and Arrow,
about 3.5 us a statement), and the driver writes them where it would have packed the list.

Two rules keep this safe:

- **Same bytes.** ``encode_rows`` writes PackStream as the driver does (the smallest
  integer form, text with its UTF-8 length, Bolt's Date structure); before the first use
  in a process, ``ready`` packs a sample of every kind of value both ways, through each of
  the driver's packers, and uses the packed rows only if the bytes are identical.
- **A seam, not a fork.** The driver's packers are wrapped at their one entry for a
  message's fields (``Packer._pack``): a parameter map holding a ``PackedRows`` is written
  key by key, the packed rows as they are; everything else goes to the driver's own code.
  Where the driver's packers are not found, or the sample differs, loads send Python lists
  (``plain_rows``) as before.
"""

from __future__ import annotations

import functools
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

class PackedRows:
    """Rows already packed as one PackStream list (``payload``), for the driver to write as
    they are; ``len()`` is how many rows."""

    __slots__ = ("count", "payload")

    def __init__(self, payload: bytes, count: int) -> None:
        self.payload, self.count = payload, count

    def __len__(self) -> int:
        return self.count

    def __repr__(self) -> str:  # the driver formats every message for its debug log
        return f"<{self.count} rows packed, {len(self.payload):,} bytes>"


def rows_parameter(columns: list[pa.Array]) -> PackedRows | list[list[Any]]:
    """The ``$rows`` of a batch whose values are ``columns`` (one Arrow array per row field;
    DATEs as ``date32``): packed when the driver's packers take packed rows, else lists."""
    if ready():
        return PackedRows(encode_rows(columns), len(columns[0]) if columns else 0)
    return plain_rows(columns)


def plain_rows(columns: list[pa.Array]) -> list[list[Any]]:
    """The rows as Python lists; each DATE as the driver's Bolt Date structure, made once
    for each distinct day (the driver's own hook for a Python date costs about 5 us a date),
    or a ``datetime.date`` with a driver without that class."""
    import pyarrow as pa

    structure = _bolt_structure()
    values = []
    for column in columns:
        if structure and pa.types.is_date32(column.type):
            days = column.cast(pa.int32()).to_pylist()  # days since 1970-01-01, as Bolt's Date holds them
            made = {d: None if d is None else structure(b"D", d) for d in set(days)}
            values.append(list(map(made.__getitem__, days)))
        else:
            values.append(column.to_pylist())
    return list(map(list, zip(*values, strict=True)))


@functools.cache
def _bolt_structure() -> Any:
    """The driver's class of a packed Bolt structure, or None where it has moved."""
    try:
        from neo4j._codec.packstream import Structure
    except ImportError:
        return None
    return Structure


# -- PackStream, column by column -------------------------------------------------------

def encode_rows(columns: list[pa.Array]) -> bytes:
    """PackStream of the list of rows whose fields are ``columns``: what the driver packs
    for ``plain_rows(columns)``. Types: text, int64, float64, bool, date32, null."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(columns[0]) if columns else 0
    if not n:
        return _list_header(0)
    # The columns of one type encoded as one array: numpy's cost per call, not per value,
    # was most of the time with 24 columns of 5,000.
    alike: dict[pa.DataType, list[int]] = {}
    for i, column in enumerate(columns):
        alike.setdefault(_common_type(column.type), []).append(i)
    encoded: list[Any] = [None] * len(columns)
    for kind, at in alike.items():
        pieces = _encoded(pa.concat_arrays([columns[i].cast(kind) for i in at]))
        for j, i in enumerate(at):
            encoded[i] = pieces.slice(j * n, n)
    nothing = pa.scalar(b"", pa.large_binary())
    rows = pc.binary_join_element_wise(pa.scalar(_list_header(len(columns)), pa.large_binary()), *encoded, nothing)

    offsets = np.frombuffer(rows.buffers()[1], np.int64)[rows.offset:rows.offset + n + 1]
    return _list_header(n) + rows.buffers()[2].to_pybytes()[offsets[0]:offsets[-1]]


def _common_type(kind: pa.DataType) -> pa.DataType:
    import pyarrow as pa

    return pa.large_string() if pa.types.is_string(kind) else kind


def _encoded(column: pa.Array) -> pa.Array:
    """Each value of ``column`` as its PackStream bytes (a large_binary array, no nulls)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    kind, n = column.type, len(column)
    valid = None if column.null_count == 0 else column.is_valid().to_numpy(zero_copy_only=False)
    if pa.types.is_null(kind):
        return _pieces(np.full((n, 1), 0xC0, np.uint8), np.ones(n, np.int64))
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        size = pc.fill_null(pc.binary_length(column), 0).to_numpy().astype(np.int64)
        head, lengths = np.zeros((n, 5), np.uint8), np.empty(n, np.int64)
        for low, high, marker, width in ((0, 16, None, 0), (16, 256, 0xD0, 1), (256, 65536, 0xD1, 2),
                                         (65536, 2**32, 0xD2, 4)):
            at = (size >= low) & (size < high)
            if not at.any():
                continue
            if marker is None:
                head[at, 0] = 0x80 | size[at]
            else:
                head[at, 0] = marker
                head[at, 1:1 + width] = _big_endian(size[at], width)
            lengths[at] = 1 + width
        text = column.cast(pa.large_string()).cast(pa.large_binary())
        joined = pc.binary_join_element_wise(_pieces(head, lengths), text, pa.scalar(b"", pa.large_binary()))
        return joined if valid is None else pc.fill_null(joined, pa.scalar(b"\xc0", pa.large_binary()))
    if pa.types.is_int64(kind):
        matrix, lengths = _integers(pc.fill_null(column, 0).to_numpy())
    elif pa.types.is_date32(kind):
        matrix, lengths = _integers(pc.fill_null(column.cast(pa.int32()), 0).to_numpy().astype(np.int64), 2)
        matrix[:, 0], matrix[:, 1] = 0xB1, ord("D")  # a structure of one field, signature D
    elif pa.types.is_float64(kind):
        matrix, lengths = np.empty((n, 9), np.uint8), np.full(n, 9, np.int64)
        matrix[:, 0] = 0xC1
        matrix[:, 1:] = pc.fill_null(column, 0.0).to_numpy().astype(">f8").view(np.uint8).reshape(n, 8)
    elif pa.types.is_boolean(kind):
        flags = pc.fill_null(column, False).to_numpy(zero_copy_only=False)
        matrix, lengths = np.where(flags, 0xC3, 0xC2).astype(np.uint8).reshape(n, 1), np.ones(n, np.int64)
    else:
        raise TypeError(f"no PackStream encoding here for Arrow type {kind}")
    if valid is not None:
        matrix[~valid, 0], lengths[~valid] = 0xC0, 1
    return _pieces(matrix, lengths)


def _integers(values: np.ndarray, skip: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Whole numbers in the smallest PackStream form the driver uses (TINY_INT, then INT_8,
    16, 32, 64 with markers C8 to CB), after ``skip`` bytes left for a caller: a matrix of
    bytes per row and each row's length."""
    import numpy as np

    n = len(values)
    matrix, lengths = np.zeros((n, skip + 9), np.uint8), np.empty(n, np.int64)
    octets = values.astype(">i8").view(np.uint8).reshape(n, 8)
    tiny = (values >= -16) & (values < 128)
    small = (values >= -128) & (values < -16)
    left = ~(tiny | small)
    matrix[tiny, skip], lengths[tiny] = octets[tiny, 7], 1
    matrix[small, skip], matrix[small, skip + 1], lengths[small] = 0xC8, octets[small, 7], 2
    for marker, width in ((0xC9, 2), (0xCA, 4), (0xCB, 8)):
        at = left & (values >= -(2 ** (8 * width - 1))) & (values < 2 ** (8 * width - 1)) if width < 8 else left
        matrix[at, skip] = marker
        matrix[at, skip + 1:skip + 1 + width] = octets[at, 8 - width:]
        lengths[at] = 1 + width
        left &= ~at
    return matrix, lengths + skip


def _big_endian(values: np.ndarray, width: int) -> np.ndarray:
    import numpy as np

    return values.astype(">u8").view(np.uint8).reshape(-1, 8)[:, 8 - width:]


def _pieces(matrix: np.ndarray, lengths: np.ndarray) -> pa.Array:
    """The first ``lengths[i]`` bytes of each row ``i`` of ``matrix``, as a large_binary array."""
    import numpy as np
    import pyarrow as pa

    n, width = matrix.shape
    offsets = np.zeros(n + 1, np.int64)
    np.cumsum(lengths, out=offsets[1:])
    data = matrix[np.arange(width) < lengths[:, None]]
    return pa.Array.from_buffers(pa.large_binary(), n, [None, pa.py_buffer(offsets), pa.py_buffer(data)])


def _list_header(size: int) -> bytes:
    if size < 16:
        return bytes((0x90 | size,))
    return _sized(size, (0xD4, 0xD5, 0xD6))


def _map_header(size: int) -> bytes:
    if size < 16:
        return bytes((0xA0 | size,))
    return _sized(size, (0xD8, 0xD9, 0xDA))


def _sized(size: int, markers: tuple[int, int, int]) -> bytes:
    for marker, width in zip(markers, (1, 2, 4), strict=True):
        if size < 2 ** (8 * width):
            return bytes((marker,)) + size.to_bytes(width, "big")
    raise OverflowError(f"{size} items are more than one PackStream list or map holds")


# -- The driver's seam ----------------------------------------------------------------

_LOCK = threading.Lock()


def _packers() -> list[Any]:
    """The driver's packer classes (PackStream v1 for Bolt 5, v2 for Bolt 6), those found."""
    found: list[Any] = []
    try:
        from neo4j._codec.packstream import v1
        found.append(v1.Packer)
        from neo4j._codec.packstream import v2
        found.append(v2.Packer)
    except ImportError:
        pass
    return found


def _wrap(original: Any) -> Any:
    def _pack(self: Any, data: Any, dehydration_hooks: Any = None) -> None:
        if type(data) is dict and any(type(v) is PackedRows for v in data.values()):
            self._write(_map_header(len(data)))
            for key, value in data.items():
                original(self, key, dehydration_hooks)
                if type(value) is PackedRows:
                    self._write(value.payload)
                else:
                    original(self, value, dehydration_hooks)
            return
        original(self, data, dehydration_hooks)

    _pack.allegiance_wraps = original  # type: ignore[attr-defined]
    return _pack


@functools.cache
def ready() -> bool:
    """Whether the driver's packers write ``PackedRows`` (wrapped here, once per process)
    and give the same bytes for a sample of every kind of value as for its lists."""
    with _LOCK:
        packers = _packers()
        if not packers:
            return False
        for cls in packers:
            own = vars(cls).get("_pack")
            if own is not None and not hasattr(own, "allegiance_wraps"):
                cls._pack = _wrap(own)
        try:
            sample = _sample()
            for cls in packers:
                if not callable(getattr(cls, "new_packable_buffer", None)):
                    return False
                if _message(cls, {"rows": PackedRows(encode_rows(sample), len(sample[0])), "exclusive": True}) \
                        != _message(cls, {"rows": plain_rows(sample), "exclusive": True}):
                    return False
        except Exception:  # noqa: BLE001 - any surprise in the driver's internals: send lists
            return False
        return True


def _message(cls: Any, parameters: dict[str, Any]) -> bytes:
    """What ``cls`` packs for a RUN message with these parameters."""
    buffer = cls.new_packable_buffer()
    cls(buffer).pack_struct(b"\x10", ("RETURN 1", parameters, {"db": "neo4j"}))
    return bytes(buffer.data)


def _sample() -> list[pa.Array]:
    """A column of each kind a batch sends, with the values whose forms differ: every integer
    width and its edges, texts of each length form and beyond ASCII, nulls, dates around 1970."""
    import pyarrow as pa

    edges = [0, -1, -16, -17, 127, 128, -128, -129, 32767, 32768, -32768, -32769,
             2**31 - 1, 2**31, -(2**31), -(2**31) - 1, 2**63 - 1, -(2**63)]
    n = len(edges)
    texts = ["", "a", "é" * 7, "x" * 15, "x" * 16, "ß" * 200, "y" * 255, "y" * 256, "z" * 70_000, "😀",
             None, "Ҷ" * 40, "\u0000", "q" * 65_535, "q" * 65_536, "mid", None, "end"]
    return [
        pa.array(texts, pa.string()),
        pa.array(edges, pa.int64()),
        pa.array([None if i % 5 == 0 else e for i, e in enumerate(edges)], pa.int64()),
        pa.array([0.0, -0.0, 1.5, -2.25, 1e300, float("inf"), None, 0.1] * 2 + [None, 3.0], pa.float64()),
        pa.array([True, False, None] * 6, pa.bool_()),
        pa.array([0, -1, 1, -719162, 2932896, None, 18262, 127, 128, -129] + [None] * (n - 10), pa.date32()),
        pa.nulls(n, pa.string()),
    ]
