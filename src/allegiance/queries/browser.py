"""Query packs as Neo4j Browser favorites: one runnable ``.cypher`` file per query.

Each file is what a Browser user pastes into the editor (or imports) and runs as is:

    // who-backs-whom: Who backs whom (...)?      <- the Browser names a favorite by this line
    // comments saying what to edit
    :param as_of_lo => duration.inDays(date('0001-01-01'), date('2020-05-01')).days + 1;
    ...
    MATCH ...                                     <- the query text, unchanged

How Neo4j Browser 5 (5.24) reads it, from its own code:
- Multi-statement mode is on by default: editor text with more than one ``;``-separated
  statement is split after dropping every line that starts with ``//``; ``:param`` lines
  may be mixed with Cypher, and all run in order, stopping at the first error. Such a
  run shows a status per statement, not the rows (a maintainer on neo4j-browser issue
  #961: multi-statement runs set up the session; examine results one query at a time),
  so the file says to run the query alone afterwards: the parameters stay set.
- ``:param name => expr`` runs ``RETURN expr`` on the server, so a parameter can be a
  Cypher expression. That is how dates stay readable: the packs compare day numbers
  (Python ``date.toordinal()``, 0001-01-01 is day 1), and
  ``duration.inDays(date('0001-01-01'), d).days + 1`` is that number for the date ``d``.
- Favorites import by drag and drop of ONE file anywhere on the Browser window: a
  ``.cypher`` file offers "Save to favorites" or "Paste in editor"; a ``.zip`` adds every
  ``*.cypher`` in it as a favorite, in a folder named after its folder in the zip.
"""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

from allegiance.model import PartialDate
from allegiance.model.partial_date import OPEN_END
from allegiance.output import atomic_output
from allegiance.queries.pack import Query

# Example values, from examples/libya-2020.yaml, so every favorite returns rows on it.
# Per query: parameter name -> value (ids for actors and places, YYYY[-MM[-DD]] for
# dates); "as_of" and "known_at" set the two standard options the same way.
DEFAULT_AS_OF = "2020-05"
DEFAULT_EXAMPLES: dict[str, dict[str, str]] = {
    "backers": {"actor": "gna"},
    "opponents": {"actor": "gna"},
    "timeline": {"actor": "lna"},
    "control": {"place": "al-watiya"},
    "proxy-chains": {"from": "russia", "to": "lna"},
    "provenance": {"subject": "turkey", "relation": "supports", "object": "gna"},
    "changes": {"from": "2020-01", "to": "2020-06"},
}
FOLDER = "allegiance"  # the favorites folder a zip import creates
_EPOCH = "date('0001-01-01')"
_LABELS = {"actor": ":Actor", "place": ":Place", "entity": ""}
_FALLBACK = {"int": "0", "float": "0.0", "bool": "false"}  # other types: a string


def day_expr(day: date) -> str:
    """A Cypher expression for the day number of ``day`` (= ``day.toordinal()``)."""
    return f"duration.inDays({_EPOCH}, date('{day.isoformat()}')).days + 1"


def _string(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _span(name: str, text: str, label: str) -> list[str]:
    """``:param name_lo/_hi`` for a YYYY[-MM[-DD]] span: its first and last day."""
    span = PartialDate.parse(text)
    first, last = date.fromordinal(span.lo), date.fromordinal(span.hi)
    return [f"// {label}; here {text} = {first} to {last}: edit both dates (YYYY-MM-DD).",
            f":param {name}_lo => {day_expr(first)};",
            f":param {name}_hi => {day_expr(last)};"]


def favorite(query: Query, examples: dict[str, str] | None = None) -> str:
    """The Browser-runnable text of one query, every parameter set to an example."""
    examples = examples or {}
    lines = [f"// {query.name}: {query.question}".rstrip(),
             f"// allegiance, query pack {query.pack}, for Neo4j Browser 5. Edit the :param values and run it",
             "// all (Ctrl+Enter): the :param lines set the parameters, then the query runs, but a script",
             "// shows only each statement's status. For the table, run the query alone next (the",
             "// parameters stay set): delete the lines down to the last :param, and run again."]
    unused = "" if "$as_of_" in query.cypher else " (not used by this query)"
    lines += _span("as_of", examples.get("as_of", DEFAULT_AS_OF), "--as-of: the period relations must overlap" + unused)
    known = examples.get("known_at", "")
    lines.append("// --known-at: only what sources had published by then; 9999999 = everything.")
    if known:  # the last day of the span, as the command line does
        last = date.fromordinal(PartialDate.parse(known).hi)
        lines.append(f"// {known}: up to {last}; edit the date, or put 9999999 for everything.")
        lines.append(f":param known_at => {day_expr(last)};")
    else:
        lines.append(f"// For what was known by a date: {day_expr(date(2020, 6, 30))}")
        lines.append(f":param known_at => {OPEN_END};")
    for param in query.params:
        value = examples.get(param.name, param.default)
        if param.type == "date" and value == "":  # left out: the whole of time, as on the command line
            lines += [f"// {param.name}: {param.help or 'a date'}; here all time (edit as the --as-of lines).",
                      f":param {param.name}_lo => 0;", f":param {param.name}_hi => {OPEN_END};"]
            continue
        if param.type == "date":  # required: the --as-of example unless one is given
            lines += _span(param.name, value or examples.get("as_of", DEFAULT_AS_OF),
                           f"{param.name}: {param.help or 'a date'}")
            continue
        lines.append(f"// {param.name} ({param.type}): {param.help}".rstrip(": "))
        if param.type in _LABELS:  # the Browser has no name lookup: ids only
            lines.append(f"// as an id here; list them: MATCH (n{_LABELS[param.type]}) RETURN n.id, n.name")
        if value is None:
            value = _FALLBACK.get(param.type, "")
        literal = value if param.type in _FALLBACK else _string(str(value))
        lines.append(f":param {param.name} => {literal};")
    dates = [c.name for c in query.columns if c.type == "date"]
    if dates:  # the command line decodes these; in the Browser the user has to
        lines.append(f"// Columns {', '.join(dates)} hold day number * 4 + precision (1 year, 2 month, 3 day);"
                     f" 0 = unknown start, {OPEN_END * 4} = ongoing.")
        lines.append("// As a date: date('0001-01-01') + duration({days: x / 4 - 1})")
    return "\n".join(lines) + "\n" + query.cypher.rstrip().rstrip(";") + ";\n"


def browser_favorites(queries: dict[str, Query], examples: dict[str, dict[str, str]] | None = None) -> dict[str, str]:
    """File name -> text of a Browser favorite, per query; ``examples`` add to the defaults."""
    files: dict[str, str] = {}
    for name, query in sorted(queries.items()):
        values = {**DEFAULT_EXAMPLES.get(name, {}), **(examples or {}).get(name, {})}
        files[f"{name}.cypher"] = favorite(query, values)
    return files


def write_favorites_zip(queries: dict[str, Query], path: str | Path,
                        examples: dict[str, dict[str, str]] | None = None, folder: str = FOLDER) -> Path:
    """A zip to drop on Neo4j Browser: every favorite under ``folder/``, which becomes a
    favorites folder of that name (the Browser keeps only ``*.cypher`` entries)."""
    path = Path(path)
    # Written whole or not at all: a failure halfway keeps the earlier zip.
    with atomic_output(path) as temp, zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as archive:
        for filename, text in browser_favorites(queries, examples).items():
            # A fixed date keeps the zip the same from one run to the next.
            info = zipfile.ZipInfo(f"{folder}/{filename}", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return path
