"""Rows to text: table (terminal), markdown, csv, json.

JSON keeps every column as the query returned it; the other formats are for people
and show names rather than ids, and counts rather than long lists of statement ids.

Names and titles are untrusted data, so nothing from a row reaches the output as markup
or as a control: table, markdown and CSV show control characters as escapes
(``visible``), markdown escapes its own syntax and HTML (``markdown_text``), CSV keeps a
cell from starting a spreadsheet formula (``csv_cell``). JSON is for machines and stays
exact.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from typing import Any
from urllib.parse import quote

import orjson

FORMATS = ("table", "json", "csv", "markdown")
_HIDDEN_FOR_PEOPLE = ("statements", "denials")

# Characters that change what a terminal or an editor shows without being seen: C0 and C1
# controls (ESC and CSI start terminal escape sequences, a newline breaks a table row), DEL,
# the line and paragraph separators, and the bidi embeddings, overrides and isolates that
# reorder the text after them ("Trojan Source"), and lone surrogates, which no output can
# encode. The bidi marks (U+200E, U+200F, U+061C) stay: they move no text past them, and
# right-to-left names use them.
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_SHORT_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
# Backslash-escaped: what starts emphasis, code, links, tables, strikethrough, headings'
# closing hashes and math. HTML's three are entities, which every renderer decodes.
_MARKDOWN_SYNTAX = re.compile(r"[\\`*_\[\]|~#$&<>]")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# At the start of a list item these would open a list (or a rule) inside it.
_BLOCK_START = re.compile(r"^(\d+(?=[.)](\s|$))|[-+](?=\s|$|-))")
_WEB_URL = re.compile(r"https?://", re.I)
_URL_SAFE = "!#$%&'()*+,-./:;=?@[]^_`{|}~"  # printable ASCII but space, quote, backslash, <, >
# OWASP's CSV injection list: a cell starting with one of these is a formula to a spreadsheet.
# The list's tab and CR are not here: visible() has made them escapes by then.
_FORMULA_START = ("=", "+", "-", "@")
# What XML 1.0 cannot hold, not even as a character reference: the C0 controls but tab,
# newline and carriage return, U+FFFE and U+FFFF, and lone surrogates. A GEXF or GraphML
# file with one of them is not well-formed, and every reader (Gephi's, networkx's) stops there.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def visible(text: str) -> str:
    """``text`` with its invisible controls as escapes: ``\\x1b``, ``\\n``, ``\\u202e``."""
    return _INVISIBLE.sub(lambda m: _SHORT_ESCAPES.get(m[0]) or _escape(m[0]), text)


def markdown_text(value: Any) -> str:
    """Data as markdown that renders as the same text: no markup, no HTML, one line."""
    text = _MARKDOWN_SYNTAX.sub(_markdown_escape, visible(str(value)).strip())
    return _BLOCK_START.sub(lambda m: m[0] + "\\" if m[0][0].isdigit() else "\\" + m[0], text, count=1)


def markdown_code(value: Any) -> str:
    """Data as a markdown code span: a fence longer than any run of backticks inside."""
    text = visible(str(value))
    fence = "`" * (max(map(len, re.findall("`+", text)), default=0) + 1)
    # A space inside each end keeps a backtick there from joining the fence; CommonMark
    # takes one such space off each end, unless the span is nothing but spaces.
    pad = " " if text.strip(" ") and (text[:1] in ("`", " ") or text[-1:] in ("`", " ")) else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def markdown_link(url: str) -> str:
    """An http or https URL as a link; anything else (``javascript:``, ``data:``, a URL
    with controls in it) as text."""
    if not _WEB_URL.match(url) or visible(url) != url:
        return markdown_text(url)
    return "<" + quote(url, safe=_URL_SAFE) + ">"


def csv_cell(value: Any) -> Any:
    """A CSV cell that a spreadsheet shows as the text it is: controls as escapes (so each
    row is one line), and a leading ``'`` before a formula start. Numbers stay numbers."""
    if isinstance(value, list):
        value = "; ".join(map(str, value))
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    value = visible(value)
    return "'" + value if value.startswith(_FORMULA_START) else value


def xml_text(value: str) -> str:
    """``value`` exactly as it is, but for the characters XML cannot hold, which become
    escapes as in ``visible`` (``\\x1b``): for the GEXF and GraphML exports."""
    return _NOT_XML.sub(lambda m: _escape(m[0]), value)


def _markdown_escape(match: re.Match[str]) -> str:
    char, at, text = match[0], match.start(), match.string
    # An underscore inside a word opens no emphasis (CommonMark's flanking rules): ids and
    # types such as armed_group stay as they are written.
    if char == "_" and 0 < at < len(text) - 1 and text[at - 1].isalnum() and text[at + 1].isalnum():
        return char
    return _ENTITIES.get(char) or "\\" + char


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _people_columns(rows: list[dict[str, Any]]) -> list[str]:
    columns = list(rows[0])
    for role in ("subject", "object"):
        if f"{role}_name" in columns and role in columns:
            columns.remove(role)
    return [c for c in columns if c not in _HIDDEN_FOR_PEOPLE]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _label(column: str) -> str:
    return column.removesuffix("_name")


def json_text(value: Any) -> str:
    """JSON as every command prints it: indented by two, UTF-8 as is, dates as ISO text.

    orjson writes it (a whole answer of 100,000 rows took a second with the standard library's
    indenting encoder, which is pure Python, against a twentieth of that); a value orjson does
    not take (an integer beyond 64 bits) falls back to the standard library."""
    try:
        return orjson.dumps(value, default=str, option=orjson.OPT_INDENT_2).decode("utf-8")
    except (orjson.JSONEncodeError, TypeError):
        return json.dumps(value, ensure_ascii=False, indent=2, default=str)


def render(rows: list[dict[str, Any]], fmt: str) -> str:
    if fmt == "json":
        return json_text(rows)
    if fmt == "csv":
        out = io.StringIO()
        if rows:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow([csv_cell(c) for c in rows[0]])
            for row in rows:
                writer.writerow([csv_cell(v) for v in row.values()])
        return out.getvalue().rstrip("\n")
    if not rows:
        return "(no rows)"
    columns = _people_columns(rows)
    cells = [[_text(row[c]) for c in columns] for row in rows]
    lists = [i for i, c in enumerate(columns) if isinstance(rows[0][c], list)]
    if fmt == "markdown":
        def line(values: list[str]) -> str:
            return "| " + " | ".join(values) + " |"

        return "\n".join([line([markdown_text(_label(c)) for c in columns]), line(["---"] * len(columns)),
                          *(line([markdown_text(v) for v in row]) for row in cells)])
    return _table([visible(_label(c)) for c in columns], [[visible(v) for v in row] for row in cells], lists)


def _table(header: list[str], cells: list[list[str]], lists: list[int]) -> str:
    widths = [max(len(h), *(len(row[i]) for row in cells)) for i, h in enumerate(header)]
    # Too wide for the terminal: cut list columns (sources, kinds) first, then the widest;
    # JSON and CSV keep everything.
    room = shutil.get_terminal_size((160, 24)).columns
    for candidates in (lists, range(len(widths))):
        while sum(widths) + 2 * len(widths) > room:
            widest = max(candidates, key=widths.__getitem__, default=None)
            if widest is None or widths[widest] <= 12:
                break
            widths[widest] -= 1

    def fit(text: str, width: int) -> str:
        return text if len(text) <= width else text[: width - 1] + "…"

    lines = ["  ".join(h.upper().ljust(w) for h, w in zip(header, widths, strict=False)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(fit(c, w).ljust(w) for c, w in zip(row, widths, strict=False)).rstrip() for row in cells]
    return "\n".join(lines)
