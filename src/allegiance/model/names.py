"""Matching actor and place references by id, name or alias.

"Stéphanie Williams", "stephanie  williams" and "STEPHANIE WILLIAMS" are one key:
case-folded, accents stripped, typographic quotes and dashes unified, spaces collapsed.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Iterable

from allegiance.exc import UnknownReference

_SPACES = re.compile(r"\s+")
_PUNCT = str.maketrans({"’": "'", "‘": "'", "`": "'", "“": '"', "”": '"', "‐": "-", "‑": "-", "–": "-", "—": "-"})
_SLUG = re.compile(r"[^a-z0-9]+")


@functools.lru_cache(maxsize=1 << 16)  # dataset loads look up the same names on every row
def name_key(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", str(text).translate(_PUNCT))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", stripped.casefold()).strip()


def slug(text: str) -> str:
    """An id made from a name: ``"Wagner Group"`` -> ``"wagner-group"``."""
    return _SLUG.sub("-", name_key(text)).strip("-")


class NameIndex:
    """Resolves references to ids; one index per entity kind (actors, places, sources)."""

    def __init__(self, kind: str):
        self.kind = kind
        self._ids: dict[str, set[str]] = {}
        self._display: dict[str, str] = {}  # id -> the name to suggest it by
        # ref -> id, as resolve() found it: a large load names the same few thousand actors
        # on every row (the assembler reads it first). Emptied when a name is added, which
        # can make a ref ambiguous.
        self.resolved: dict[str, str] = {}

    def add(self, id_: str, names: Iterable[str]) -> None:
        self.resolved.clear()
        names = [str(n) for n in names if n]
        self._display.setdefault(id_, f"{names[0]} ({id_})" if names and names[0] != id_ else id_)
        for name in (id_, *names):
            self._ids.setdefault(name_key(name), set()).add(id_)

    def __contains__(self, ref: object) -> bool:  # any value, as `in` allows: name_key reads its str()
        return name_key(str(ref)) in self._ids

    def find(self, ref: str) -> str | None:
        """The one id that ``ref`` names, or None; no suggestions (the hot path of dataset loads)."""
        ids = self._ids.get(name_key(ref))
        return next(iter(ids)) if ids and len(ids) == 1 else None

    def resolve(self, ref: str) -> str:
        """The id that ``ref`` names; ``UnknownReference`` if none or several do."""
        found = self.resolved.get(ref)
        if found is not None:
            return found
        key = name_key(ref)
        ids = self._ids.get(key)
        if not ids:
            raise UnknownReference(f"unknown {self.kind} {ref!r}{self._suggest(key)}")
        if len(ids) > 1:
            raise UnknownReference(f"ambiguous {self.kind} {ref!r}: it names {', '.join(sorted(ids))}; use an id")
        found = self.resolved[ref] = next(iter(ids))
        return found

    def _suggest(self, key: str) -> str:
        ids: list[str] = []  # one suggestion per entity, closest first
        for close in difflib.get_close_matches(key, self._ids, n=6, cutoff=0.6):
            ids += [i for i in sorted(self._ids[close]) if i not in ids]
        if not ids:
            return ""
        return "; did you mean " + " or ".join(self._display[i] for i in ids[:3]) + "?"
