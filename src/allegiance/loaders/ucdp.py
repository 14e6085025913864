"""What UCDP's datasets (ACD and ESD) share: one actor namespace, governments named
"Government of X", and the Gleditsch-Ward numbers of ``schema/gleditsch_ward.csv``."""

from __future__ import annotations

from collections.abc import Iterable

from allegiance.loaders.tabular import packaged_table

# UCDP actor ids are shared by ACD and ESD: one namespace, so "ucdp:111" is the same
# actor (Government of Libya) in both, and one alias entry (dataset: ucdp) maps it in both.
ACTORS = "ucdp"
GOVERNMENT = "Government of "

# Gleditsch-Ward number -> (ISO 3166 alpha-2 code, or None for a state that no longer
# exists and has no current code; the name as UCDP writes it after "Government of ").
# The states in ACD 22.1 and ESD 18.1; UCDP keeps one actor for Russia and the Soviet
# Union, and one for Serbia and Yugoslavia: they get the continuing state's code.
GW: dict[int, tuple[str | None, str]] = {
    int(row["gw"]): (row["iso"] or None, row["name"]) for row in packaged_table("gleditsch_ward.csv", {
        "gw": (r"[1-9]\d{0,3}", "a Gleditsch-Ward number such as 620"),
        "iso": (r"[A-Z]{2}|", "an ISO 3166 alpha-2 code such as LY, or nothing"),
        "name": (r"\S(.*\S)?", "the state's name as UCDP writes it"),
    }, key="gw")}
GW_BY_NAME = {name: gw for gw, (_, name) in GW.items()}


def government_country(name: str) -> str | None:
    """ISO alpha-2 code of a "Government of X" that ``GW`` knows, else None."""
    gw = GW_BY_NAME.get(name[len(GOVERNMENT):]) if name.startswith(GOVERNMENT) else None
    return GW[gw][0] if gw is not None else None


def is_id(text: str) -> bool:
    """UCDP's ids are small numbers; the load report sorts them as such."""
    return text.isascii() and text.isdigit() and len(text) <= 18


def match_known(ids: Iterable[str], names: Iterable[str], known: dict[str, set[str]],
                ) -> tuple[list[tuple[str, str]], list[str], list[str]]:
    """Pair each id with the one name the file gives it elsewhere; UCDP lists ids and names
    in different orders, so position says nothing. Returns pairs, ids left, names left."""
    names_left, pairs, ids_left = list(names), [], []
    for id_ in ids:
        found = [n for n in names_left if n in known.get(id_, ())]
        if len(found) == 1:
            pairs.append((id_, found[0]))
            names_left.remove(found[0])
        else:
            ids_left.append(id_)
    return pairs, ids_left, names_left
