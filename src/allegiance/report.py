"""A situation report: for every actor, who backs and opposes it, who mediates, what it holds.

Takes relation rows (as the ``relations`` query returns them) and lookup tables;
returns markdown with numbered citations to the sources behind each line. Every value
from the data goes out escaped (``markdown_text``, ``markdown_code``): a name or a title
is shown as the text it is, never read as markdown or HTML, and only http and https
URLs become links.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from allegiance.model.vocabulary import presentation_order
from allegiance.render import markdown_code, markdown_link, markdown_text

if TYPE_CHECKING:
    from allegiance.queries.snapshot import Snapshot


def _lines() -> list[tuple[tuple[str, str], str]]:
    """(relation, the actor's role in it) -> the heading of that line, in the report's order:
    each declared type's headings (its YAML's ``presentation``)."""
    return [((t.name, role), heading) for t in presentation_order() for role, heading in t.headings]


def _span(row: dict[str, Any]) -> str:
    start, end = (markdown_text(row[k]) if row.get(k) else None for k in ("start", "end"))
    if start and start == end:
        return f"in {start}"
    if start and end:
        return f"{start} to {end}"
    if start:
        return f"since {start}"
    if end:
        return f"until {end}"
    return "dates unknown"


def situation_report(rows: list[dict[str, Any]], nodes: dict[str, dict[str, Any]],
                     sources: dict[str, dict[str, Any]], *, as_of: str | None = None,
                     known_at: str | None = None) -> str:
    """Markdown: one section per actor with relations, then the numbered sources."""
    citations: dict[str, int] = {}

    def cite(ids: list[str]) -> str:
        for source_id in sorted(ids):
            citations.setdefault(source_id, len(citations) + 1)
        return "".join(f"[{citations[s]}]" for s in sorted(ids, key=citations.__getitem__))

    def name(entity_id: str) -> str:
        return nodes.get(entity_id, {}).get("name") or entity_id

    def shown(entity_id: str) -> str:
        return markdown_text(name(entity_id))

    lines = _lines()
    roles: dict[str, list[str]] = defaultdict(list)  # relation -> the roles it has lines for
    for relation, role in dict(lines):
        roles[relation].append(role)
    # actor -> (relation, role) -> items: two types may share a heading, never a line
    lines_of: dict[str, dict[tuple[str, str], list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in sorted(rows, key=lambda r: (name(r["subject"]), name(r["object"]))):
        for role in roles[row["relation"]]:
            if row[role] not in nodes or nodes[row[role]].get("type") == "place":
                continue
            other = row["object"] if role == "subject" else row["subject"]
            detail = ", ".join([*map(markdown_text, row.get("kinds", [])), _span(row)])
            flag = " **(contested)**" if row.get("contested") else ""
            cited = cite(row.get("sources", []))
            lines_of[row[role]][row["relation"], role].append(f"{shown(other)} ({detail}){flag} {cited}")

    title = f"# Situation report, as of {markdown_text(as_of)}" if as_of else "# Situation report, whole record"
    out = [title, ""]
    if known_at:
        out += [f"From sources published on or before {markdown_text(known_at)}.", ""]
    if not lines_of:
        out += ["No relations hold over this period.", ""]
    for actor_id in sorted(lines_of, key=name):
        node = nodes.get(actor_id, {})
        facts = ", ".join(markdown_text(x) for x in (node.get("type"), node.get("country")) if x)
        out += [f"## {shown(actor_id)}", "", markdown_code(actor_id) + (f", {facts}" if facts else ""), ""]
        for line, heading in lines:
            items = lines_of[actor_id].get(line, [])
            if items:
                out.append(f"- **{markdown_text(heading)}:**")  # a schema folder's heading is data too
                out += [f"  - {item}" for item in items]
        out.append("")
    if citations:
        out += ["## Sources", ""]
        for source_id, number in sorted(citations.items(), key=lambda kv: kv[1]):
            s = sources.get(source_id, {})
            parts = [markdown_text(p) for p in (s.get("title") or source_id, s.get("publisher"), s.get("published")) if p]
            if s.get("url"):
                parts.append(markdown_link(str(s["url"])))
            out.append(f"{number}. " + ". ".join(parts) + f" ({markdown_code(source_id)})")
        out.append("")
    return "\n".join(out)


def snapshot_report(snap: Snapshot) -> str:
    """``situation_report`` of a snapshot (``queries.snapshot.snapshot``), as of its date."""
    return situation_report(snap.relations, snap.nodes, snap.sources, as_of=snap.as_of, known_at=snap.known_at)
