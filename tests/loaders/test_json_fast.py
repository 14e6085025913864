"""The fast reader of a JSON Lines line (orjson, ``json_loader.flat``) reads what the strict
reader reads, or hands the line back: same keys, same values, same types (an integer stays
an integer however large), and never a line the strict reader refuses."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from allegiance.loaders.json_loader import Refused, flat, loads

SCALARS = st.one_of(
    st.none(), st.booleans(), st.text(max_size=12),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
)
KEYS = st.sampled_from(["subject", "object", "quote", "start", "weight", "confidence", "a", "\u00e9", "é"])


def typed(value):
    """A value with the type of every part spelled out: 1 == 1.0 == True in Python."""
    if isinstance(value, dict):
        return {k: typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [typed(v) for v in value]
    return (type(value).__name__, repr(value))


def strict(text: str):
    try:
        return loads(text)
    except (json.JSONDecodeError, Refused) as e:
        return e


@st.composite
def lines(draw) -> str:
    """A JSON object as text: generated pairs (a key may come twice), values that may be
    nested, and now and then text that JSON does not allow (NaN, a bare control character)."""
    pairs = draw(st.lists(st.tuples(KEYS, st.one_of(SCALARS, st.lists(SCALARS, max_size=2))), max_size=6))
    parts = [f"{json.dumps(k)}: {json.dumps(v, ensure_ascii=draw(st.booleans()))}" for k, v in pairs]
    text = "{" + ", ".join(parts) + "}"
    if draw(st.integers(0, 9)) == 0:
        text = text.replace('"a"', '"a\tb"' if draw(st.booleans()) else '"a\u0000"')
    return text + draw(st.sampled_from(["", "\n", "  \n"]))


@settings(max_examples=600, derandomize=True, database=None, deadline=None)
@given(lines())
def test_the_fast_reader_reads_what_the_strict_one_reads_or_hands_the_line_back(text):
    fast = flat(text)
    if fast is None:
        return
    expected = strict(text)
    assert not isinstance(expected, Exception), f"the strict reader refuses {text!r}: {expected}"
    assert typed(fast) == typed(expected)
    assert list(fast) == list(expected)  # keys in the order written


@pytest.mark.parametrize("text", [
    '{"subject": "a", "subject": "b"}',             # a key twice: orjson keeps the last silently
    '{"weight": 123456789012345678901234567890}',  # orjson reads it as a float
    '{"weight": -9223372036854775809}',
    '{"confidence": NaN}',
    '{"quote": "a\\"b"}',                          # an escape
    '{"quote": "\\ud800"}',                         # half of a UTF-16 pair
    '{"object": ["a", "b"]}',                        # not flat: the strict reader checks depth
    '[1, 2]',
])
def test_lines_the_fast_reader_hands_back(text):
    assert flat(text) is None


def test_a_plain_statement_line_is_read_fast():
    line = '{"subject": "a1", "relation": "supports", "object": "a2", "confidence": 0.8, "weight": 3, "negated": true}\n'
    assert flat(line) == loads(line)
