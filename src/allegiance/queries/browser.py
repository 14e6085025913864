"""Query packs as Neo4j Browser favorites: one runnable ``.cypher`` file per query.

Each file is what a Browser user pastes into the editor (or imports) and runs as is:

    // who-backs-whom: Who backs whom (...)?      <- the Browser names a favorite by this line
    // comments saying what to edit
    :param as_of => '2020-05';                    <- dates as on the command line
    :param known_at => '';
    ...
    CALL () {                                     <- the query, reading those parameters
      MATCH ...
    }
    RETURN ..., <the bound as text> AS start, ... <- dates as they were written

A Browser user sets readable values (``:param as_of => '2019-04'``, ids for actors and
places) and the file's Cypher does the rest: every ``$as_of_lo``, ``$as_of_hi``,
``$known_at`` and ``$p_lo``/``$p_hi`` of the pack query is replaced by the expression that
computes that day number from the text parameter (a query in shares runs whole, without
its ``_share`` lines), and a query with ``date`` columns is
wrapped in ``CALL () { ... }`` so that its rows show ``2019-04``, ``unknown`` and ``ongoing``
instead of encoded bounds (sorted by the bounds, as the command line sorts). The
encoding's Cypher lives with the encoding, in model/partial_date.py.

How Neo4j Browser 5 (5.24) reads it, from its own code:
- Multi-statement mode is on by default: editor text with more than one ``;``-separated
  statement is split after dropping every line that starts with ``//``; ``:param`` lines
  may be mixed with Cypher, and all run in order, stopping at the first error. Such a
  run shows a status per statement, not the rows (a maintainer on neo4j-browser issue
  #961: multi-statement runs set up the session; examine results one query at a time),
  so the file says to run the query alone afterwards: the parameters stay set.
- Favorites import by drag and drop of ONE file anywhere on the Browser window: a
  ``.cypher`` file offers "Save to favorites" or "Paste in editor"; a ``.zip`` adds every
  ``*.cypher`` in it as a favorite, in a folder named after its folder in the zip.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from allegiance.model.partial_date import ONGOING_TEXT, UNKNOWN_TEXT, cypher_bound_text, cypher_span
from allegiance.output import atomic_output
from allegiance.queries.guard import KEYWORDS, REFUSED, WRITES, tokens, trailing_order
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
_LABELS = {"actor": ":Actor", "place": ":Place", "entity": ""}
_FALLBACK = {"int": "0", "float": "0.0", "bool": "false"}  # other types: a string
# Words a column name is not without backticks: the clause and expression words the guard
# knows, and YIELD.
_RESERVED = KEYWORDS | WRITES | REFUSED | {"YIELD"}


def _string(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _name(column: str) -> str:
    plain = re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", column) and column.upper() not in _RESERVED
    return column if plain else "`" + column.replace("`", "``") + "`"


def _day_params(query: Query) -> dict[str, str]:
    """Each day-number parameter of a pack query -> the Cypher that computes it from the
    favorite's text parameter (``$as_of_lo`` from ``$as_of``; '' is all time)."""
    spans = ["as_of"] + [p.name for p in query.params if p.type == "date"]
    days = {}
    for span in spans:
        days[f"{span}_lo"], days[f"{span}_hi"] = cypher_span(f"${span}")
    days["known_at"] = cypher_span("$known_at")[1]  # up to the last day of the span
    return days


def browser_cypher(query: Query) -> str:
    """The query's Cypher for the Browser: text parameters in, dates as text out."""
    query = query.whole()  # a Browser user runs a query in shares whole
    cypher = query.cypher.rstrip().rstrip(";").rstrip()
    days = _day_params(query)
    found = tokens(cypher, query.path)
    parts, at = [], 0
    for token in found:  # parameters only: strings, comments and names stay as they are
        if token.kind == "param" and token.text[1:] in days:
            parts += [cypher[at:token.pos], f"({days[token.text[1:]]})"]
            at = token.pos + len(token.text)
    text = "".join(parts) + cypher[at:]
    dates = {c.name for c in query.columns if c.type == "date"}
    if not dates:
        return text
    # The rows' order: the query's own trailing ORDER BY when it sorts by its columns (the
    # bounds, not their text), else its `// order:` line; an ORDER BY on other expressions
    # stays inside, where Neo4j keeps it in practice (Cypher does not promise it).
    order = ""
    trailing = trailing_order(tokens(text, query.path), {c.name for c in query.columns})
    if trailing is not None:
        text, order = text[:trailing].rstrip(), text[trailing:].strip()
    elif query.order:
        order = "ORDER BY " + ", ".join(_name(c) for c in query.order)
    items = [f"{cypher_bound_text(_name(c.name))} AS {_name(c.name)}" if c.name in dates else _name(c.name)
             for c in query.columns]
    lines = ["CALL () {", text, "}"]
    if order:
        lines.append(f"WITH * {order}")
    lines.append("RETURN " + ",\n       ".join(items))
    return "\n".join(lines)


def favorite(query: Query, examples: dict[str, str] | None = None) -> str:
    """The Browser-runnable text of one query, every parameter set to an example."""
    examples = examples or {}
    lines = [f"// {query.name}: {query.question}".rstrip(),
             f"// allegiance, query pack {query.pack}, for Neo4j Browser 5. Edit the :param values and run it",
             "// all (Ctrl+Enter): the :param lines set the parameters, then the query runs, but a script",
             "// shows only each statement's status. For the table, run the query alone next (the",
             "// parameters stay set): delete the lines down to the last :param, and run again.",
             "// Dates are YYYY, YYYY-MM or YYYY-MM-DD, as on the command line; '' is all time."]
    unused = "" if "$as_of_" in query.cypher else " (not used by this query)"
    lines.append("// as_of (--as-of): the period relations must overlap" + unused)
    lines.append(f":param as_of => {_string(examples.get('as_of', DEFAULT_AS_OF))};")
    lines.append("// known_at (--known-at): only what sources had published by then (to the last day"
                 " of that date); '' = everything")
    lines.append(f":param known_at => {_string(examples.get('known_at', ''))};")
    for param in query.params:
        value = examples.get(param.name, param.default)
        lines.append(f"// {param.name} ({param.type}): {param.help}".rstrip(": "))
        if param.type == "date":  # required: the --as-of example unless one is given
            value = value if value is not None else examples.get("as_of", DEFAULT_AS_OF)
        if param.type in _LABELS:  # the Browser has no name lookup: ids only
            lines.append(f"// as an id here; list them: MATCH (n{_LABELS[param.type]}) RETURN n.id, n.name")
        if value is None:
            value = _FALLBACK.get(param.type, "")
        literal = value if param.type in _FALLBACK else _string(str(value))
        lines.append(f":param {param.name} => {literal};")
    dates = [c.name for c in query.columns if c.type == "date"]
    if dates:
        lines.append(f"// {', '.join(dates)}: dates as precise as the sources gave them (2019, 2019-04, 2019-04-02);"
                     f" {UNKNOWN_TEXT} start, {ONGOING_TEXT} end.")
    return "\n".join(lines) + "\n" + browser_cypher(query) + ";\n"


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
