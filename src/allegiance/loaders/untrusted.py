"""What an input file may make a loader do, and how its values appear in messages.

Every input is untrusted: the limits here keep a small file from taking the loader's
stack (nesting), its memory (YAML aliases) or Python's int conversion (digits), and
``shown`` keeps a message short whatever value it quotes.
"""

from __future__ import annotations

import re
import reprlib
from collections.abc import Iterable, Iterator
from typing import Any

from allegiance.exc import InputError

# Lists and mappings inside each other; a bundle needs 5 (document, section, record,
# aliases, alias). Well below Python's recursion limit, which the JSON and YAML parsers
# would otherwise hit with a RecursionError.
MAX_DEPTH = 50
# Values that YAML aliases (*name) may repeat in one file, counted as the document is
# composed: each alias counts the values of what it names. A 305-byte file of nested
# aliases (9 levels of 9) stands for 9^9, 387 million.
MAX_ALIASED = 100_000
# Characters of an integer: Python refuses to convert more than 4,300 digits, and no
# field here needs more than 19 (a weight up to 2^63 - 1).
MAX_DIGITS = 100
INT64_MAX = 2**63 - 1

_SURROGATE = re.compile("[\ud800-\udfff]")


class _Short(reprlib.Repr):
    """reprlib's bounded repr, also for dict subclasses (a YAML mapping that knows its line)
    and huge ints, whose full repr Python refuses to make."""

    def __init__(self) -> None:
        super().__init__()
        self.maxlevel, self.maxdict, self.maxlist, self.maxtuple, self.maxset = 3, 4, 6, 6, 6
        self.maxstring, self.maxlong, self.maxother = 60, 40, 60

    def repr1(self, x: Any, level: int) -> str:
        if isinstance(x, int) and not isinstance(x, bool) and x.bit_length() > 128:
            return f"<a whole number of about {int(x.bit_length() * 0.30103) + 1:,} digits>"
        if isinstance(x, dict) and type(x) is not dict:
            return self.repr_dict(x, level)
        if isinstance(x, list) and type(x) is not list:
            return self.repr_list(x, level)
        return super().repr1(x, level)


_SHORT = _Short()
_LONGEST = 80


def shown(value: object) -> str:
    """``repr(value)``, cut to at most 80 characters, without building the whole repr first.

    Every ``got ...`` in a message goes through here: a value from a file may be a
    megabyte of text or a list that aliases make a billion items long.
    """
    if isinstance(value, str) and len(value) <= _LONGEST - 2:
        return repr(value)  # the common case, exact; repr escapes what cannot be printed
    text = _SHORT.repr(value)
    return text if len(text) <= _LONGEST else text[:_LONGEST - 3] + "..."


def field_name(key: object) -> str:
    """A key as the ``field '...'`` of a message: the text itself, cut if long."""
    text = key if isinstance(key, str) else shown(key)
    return text if len(text) <= _LONGEST else text[:_LONGEST - 3] + "..."


def refuse_lone_surrogates(data: dict[Any, Any], file: str, record: str | None = None) -> None:
    """``InputError`` naming the field if a text in ``data`` holds half of a UTF-16 pair:
    JSON's and YAML's ``\\u`` escapes can write one, no file (and so no store) can hold it."""
    for key, value in data.items():
        for text in _texts(key, value):
            found = _SURROGATE.search(text)
            if found:
                raise InputError(f"expected text, got a lone UTF-16 surrogate \\u{ord(found.group()):04x} "
                                 "(half of a pair, not a character)", file=file, record=record, field=field_name(key))


def _texts(*values: object) -> Iterator[str]:
    for value in values:
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for key, item in value.items():
                yield from _texts(key, item)
        elif isinstance(value, (list, tuple, set, frozenset)):
            yield from _texts(*value)


def repeated(names: Iterable[str]) -> tuple[str, int, int] | None:
    """The first non-empty name given twice, with both (1-based) positions."""
    first: dict[str, int] = {}
    for position, name in enumerate(names, start=1):
        if not name:
            continue
        if name in first:
            return name, first[name], position
        first[name] = position
    return None
