"""JSON text read strictly, for bundles and JSON Lines.

Python's decoder, with three refusals: a key given twice in one object (the last one
silently won), lists and objects nested deeper than ``MAX_DEPTH`` (a RecursionError), and
integers of more than ``MAX_DIGITS`` digits (Python refuses to convert 4,300).

A line of JSON Lines is most often a flat object with plain text: ``flat`` reads it with
orjson, five times faster, and hands anything else back to ``loads``.
"""

from __future__ import annotations

import itertools
import json
import json.decoder
import json.scanner
import re
from typing import Any

import orjson

from allegiance.loaders.untrusted import MAX_DEPTH, MAX_DIGITS, field_name

# A JSON string (skipped: brackets inside it do not nest) or a bracket.
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)
_ESCAPE = re.compile(rb"\\.", re.DOTALL)
_NOT_STRUCTURE = bytes(set(range(256)) - set(b'[]{}"'))
_STRING = re.compile(rb'"[^"]*"')
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1, ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}
# Where a \u escape may write half of a UTF-16 pair; only then are the strings searched.
SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class Refused(Exception):
    """JSON that this reader will not read: the message, the offset in the text, a field."""

    def __init__(self, message: str, pos: int, field: str | None = None):
        super().__init__(message)
        self.message, self.pos, self.field = message, pos, field


class _Duplicate(Exception):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


class _TooLong(Exception):
    def __init__(self, digits: str):
        super().__init__(digits)
        self.digits = digits


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data = dict(pairs)
    if len(data) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Duplicate(key)
            seen.add(key)
    return data


def _int(digits: str) -> int:
    if len(digits) > MAX_DIGITS:
        raise _TooLong(digits)
    return int(digits)


_DECODER = json.JSONDecoder(object_pairs_hook=_pairs, parse_int=_int)


def loads(text: str) -> Any:
    """The value in ``text``; ``json.JSONDecodeError`` if it is not JSON, ``Refused`` if
    this reader will not read it."""
    check_depth(text)
    try:
        return _DECODER.decode(text)
    except _Duplicate as e:
        raise Refused("duplicate key in the object that starts here", _object_with_duplicate(text),
                      field=field_name(e.key)) from None
    except _TooLong as e:
        raise Refused(f"a number of {len(e.digits):,} digits; at most {MAX_DIGITS} are read",
                      max(text.find(e.digits), 0)) from None


_INT64 = 2.0**63


def flat(text: str) -> dict[str, Any] | None:
    """The object in ``text`` if it is one whose values are all text, numbers, booleans or
    null and no text holds an escape; None for anything else, which ``loads`` then reads
    (and words the error of). What is read is what ``loads`` would read:

    - no backslash, so no escape to decode differently, no half of a UTF-16 pair;
    - no key given twice: orjson keeps the last, but then the text holds more quotes than
      the object's keys and texts account for;
    - every number as Python reads it: orjson reads an integer beyond 64 bits as a float
      (Python keeps it whole), so a float that large goes back; below that, both round a
      decimal to the same double.
    """
    if "\\" in text:
        return None
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError:  # NaN, control characters, not JSON at all...
        return None
    if type(data) is not dict:
        return None
    texts = len(data)
    for value in data.values():
        kind = type(value)
        if kind is str:
            texts += 1
        elif kind is float:
            if not -_INT64 < value < _INT64:
                return None
        elif kind is dict or kind is list:
            return None
    return data if text.count('"') == 2 * texts else None


def line_and_column(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


def check_depth(text: str) -> None:
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return  # the common case: too few brackets to nest too deep
    # Brackets outside strings, found in C, on the UTF-8 bytes (no ASCII byte is part of
    # another character): without escapes, only brackets and quotes kept; a string with no
    # bracket is then "", dropped. (Dropping a closing and an opening quote side by side joins
    # two strings, which keeps what lies outside them.) The loop that finds where it is too
    # deep runs only on failure.
    data = text.encode("utf-8", "surrogatepass")
    if b"\\" in data:
        data = _ESCAPE.sub(b"", data)
    skeleton = _STRING.sub(b"", data.translate(None, _NOT_STRUCTURE).replace(b'""', b""))
    brackets = skeleton.replace(b'"', b"")
    if not brackets or max(itertools.accumulate(map(_STEP.__getitem__, brackets))) <= MAX_DEPTH:
        return
    depth = 0
    for match in _TOKEN.finditer(text):
        depth += _STEP.get(text[match.start()], 0)
        if depth > MAX_DEPTH:
            raise Refused(f"lists and objects nested more than {MAX_DEPTH} levels deep", match.start())


def _object_with_duplicate(text: str) -> int:
    """Where the innermost object with a duplicate key starts. Python's fast decoder does not
    tell positions, so the text is decoded again by its pure-Python one, which does."""
    found: list[int] = []

    def parse_object(s_and_end, strict, scan_once, object_hook, object_pairs_hook, memo=None):
        def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
            try:
                return _pairs(items)
            except _Duplicate:
                found.append(s_and_end[1] - 1)
                raise

        # typeshed leaves out JSONObject and the decoder's parse_object and scan_once, which
        # the pure-Python scanner reads (json/decoder.py, json/scanner.py): hence the ignores.
        return json.decoder.JSONObject(s_and_end, strict, scan_once, object_hook, pairs, memo)  # type: ignore[attr-defined]

    decoder = json.JSONDecoder(object_pairs_hook=_pairs, parse_int=_int)
    decoder.parse_object = parse_object  # type: ignore[attr-defined]
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    try:
        decoder.decode(text)
    except _Duplicate:
        return found[0]
    return 0  # not reached: the fast decoder found one
