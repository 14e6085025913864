"""Rows to text: table (terminal), markdown, csv, json.

JSON keeps every column as the query returned it; the other formats are for people
and show names rather than ids, and counts rather than long lists of statement ids.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from typing import Any

FORMATS = ("table", "json", "csv", "markdown")
_HIDDEN_FOR_PEOPLE = ("statements", "denials")


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


def render(rows: list[dict[str, Any]], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2, default=str)  # dates as ISO text
    if fmt == "csv":
        out = io.StringIO()
        if rows:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(list(rows[0]))
            for row in rows:
                writer.writerow(["; ".join(map(str, v)) if isinstance(v, list) else "" if v is None else v
                                 for v in row.values()])
        return out.getvalue().rstrip("\n")
    if not rows:
        return "(no rows)"
    columns = _people_columns(rows)
    cells = [[_text(row[c]) for c in columns] for row in rows]
    lists = [i for i, c in enumerate(columns) if isinstance(rows[0][c], list)]
    if fmt == "markdown":
        def line(values: list[str]) -> str:
            return "| " + " | ".join(v.replace("|", "\\|") for v in values) + " |"

        return "\n".join([line([_label(c) for c in columns]), line(["---"] * len(columns)), *map(line, cells)])
    return _table([_label(c) for c in columns], cells, lists)


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

    lines = ["  ".join(h.upper().ljust(w) for h, w in zip(header, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(fit(c, w).ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
    return "\n".join(lines)
