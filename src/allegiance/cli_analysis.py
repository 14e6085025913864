"""The analysis commands: camps, balance, brokers, reach (registered on the ``cli`` group).

Each reads a snapshot (the resolved relations as of a date, as ``query relations`` gives
them, supersession, contested claims and known-at included), builds the signed graph or the
support graph (``allegiance.analysis``) and renders the result. JSON is the contract; the
table, CSV and markdown are for people.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import click

from allegiance.cli import _format_option, _open, cli, period_options, store_option
from allegiance.exc import QueryError

EVERY = ("month", "quarter", "year")


def _signed_options(f):
    # --by weight|count reaches the command as the edge attribute to weigh ties by, or None to count them.
    f = click.option("--by", "weight", type=click.Choice(["weight", "count"]), default="weight", show_default=True,
                     callback=lambda _ctx, _param, by: "weight" if by == "weight" else None,
                     help="Weigh ties by their evidence, or count them.")(f)
    f = click.option("--fold", metavar="RELATION",
                     help="Count each member's ties as its organisation's through this relation (part_of).")(f)
    return click.option("--exclude-contested", is_flag=True,
                        help="Leave out relations both affirmed and denied (counted, and flagged, by default).")(f)


def _signed(graph, as_of: str | None, known_at: str | None, exclude_contested: bool, fold: str | None):
    from allegiance.analysis.signed import signed_graph
    from allegiance.model import relation_types
    from allegiance.queries.snapshot import snapshot, statement_evidence

    if fold is not None and fold not in relation_types():
        raise QueryError(f"--fold: unknown relation {fold!r}; expected one of {', '.join(relation_types())}")
    snap = snapshot(graph, as_of=as_of, known_at=known_at)
    return signed_graph(snap.relations, evidence=statement_evidence(graph, snap.relations),
                        exclude_contested=exclude_contested, fold=fold)


def camp_series(graph, dates: Sequence[str | None], known_at: str | None, k: int | None = None, *,
                exclude_contested: bool = False, fold: str | None = None,
                weight: str | None = "weight") -> tuple[dict[str, Any], dict[str, str]]:
    """Camps at each of ``dates``, numbered as one series (``analysis.steps.track``), and the
    actors' names; with a progress bar on stderr."""
    from allegiance.analysis.camps import camps as find_camps
    from allegiance.analysis.steps import track

    series, names = [], {}
    with click.progressbar(dates, label="camps at each step", file=sys.stderr) as bar:
        for date in bar:
            G = _signed(graph, date, known_at, exclude_contested, fold)
            names.update(_names(G))
            series.append((date, find_camps(G, k, weight=weight), G))
    return track(series), names


def _echo_json(value: Any) -> None:
    from allegiance.render import json_text

    click.echo(json_text(value))


def _names(G) -> dict[str, str]:
    return {node: G.nodes[node].get("name", node) for node in G}


def _frustrated_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [{k: r[k] for k in ("subject", "relation", "object", "tie", "weight", "contested", "statements")}
            for r in result["frustrated"]]


def _member_rows(result: dict[str, Any], names: dict[str, str], as_of: str | None = None) -> list[dict[str, Any]]:
    rows = []
    for camp in result["camps"]:
        for member in camp["members"]:
            row = {"as_of": as_of} if as_of is not None else {}
            rows.append({**row, "camp": camp["camp"], "group": camp["group"], "actor": member,
                         "name": names.get(member, member)})
    return rows


def _echo_camps(result: dict[str, Any], names: dict[str, str], fmt: str, title: str) -> None:
    from allegiance.render import render

    if fmt == "csv":
        click.echo(render(_member_rows(result, names), fmt))
        return
    summary = [{"camp": c["camp"], "group": c["group"], "size": len(c["members"]),
                "members": [names.get(m, m) for m in c["members"]]} for c in result["camps"]]
    how = "exact" if result["exact"] else "heuristic: an upper bound"
    heading = "## " if fmt == "markdown" else ""
    click.echo(f"{heading}{title}: {len(summary)} camp(s), frustration {result['frustration']:g} ({how})")
    click.echo(render(summary, fmt))
    click.echo(f"\n{heading}Frustrated ties ({len(result['frustrated'])} relation(s))")
    click.echo(render(_frustrated_rows(result), fmt))


@cli.command()
@period_options
@click.option("--camps", "k", type=click.IntRange(1, 12), metavar="N",
              help="Camps per group of actors joined by ties. Default: chosen from the data (1 to 6 tried).")
@click.option("--from", "start", metavar="DATE", help="With --every: the first step.")
@click.option("--to", "end", metavar="DATE", help="With --every: the last step.")
@click.option("--every", type=click.Choice(EVERY), help="Camps at each step from --from to --to, and who switched.")
@_signed_options
@_format_option()
@store_option
def camps(as_of: str | None, known_at: str | None, k: int | None, start: str | None, end: str | None,
          every: str | None, exclude_contested: bool, fold: str | None, weight: str | None, fmt: str, store: str,
          neo4j: str | None) -> None:
    """Camps: the partition of the actors that frustrates the least weight of ties (a support
    between camps, an opposition inside one); every frustrated tie with its statements."""
    from allegiance.analysis.camps import camps as find_camps
    from allegiance.model.partial_date import date_steps

    steps_asked = (start, end, every)
    if any(steps_asked) and not all(steps_asked):
        raise click.UsageError("--from, --to and --every go together")
    if every and as_of:
        raise click.UsageError("--as-of is a single date; with --every each step is one")
    with _open(store, neo4j, read_only=True) as graph:
        if not every:
            G = _signed(graph, as_of, known_at, exclude_contested, fold)
            result = {"as_of": as_of, "known_at": known_at, **find_camps(G, k, weight=weight),
                      "mixed": G.graph["mixed"]}
            if fmt == "json":
                _echo_json(result)
            else:
                _echo_camps(result, _names(G), fmt, f"Camps as of {as_of or 'the whole record'}")
            return
        assert start is not None and end is not None
        tracked, names = camp_series(graph, date_steps(start, end, every), known_at, k, exclude_contested=exclude_contested,
                                     fold=fold, weight=weight)
    if fmt == "json":
        _echo_json(tracked)
        return
    from allegiance.render import render

    if fmt == "csv":
        click.echo(render([row for s in tracked["steps"] for row in _member_rows(s, names, s["as_of"])], fmt))
        return
    for step in tracked["steps"]:
        click.echo(f"{'## ' if fmt == 'markdown' else ''}{step['as_of']}: "
                   + "; ".join(f"camp {c['camp']}: {', '.join(names.get(m, m) for m in c['members'])}"
                               for c in step["camps"]) + f" (frustration {step['frustration']:g})")
    click.echo(f"\n{'## ' if fmt == 'markdown' else ''}Switches")
    click.echo(render([{**s, "name": names.get(s["actor"], s["actor"])} for s in tracked["switches"]], fmt))


@cli.command()
@period_options
@_signed_options
@_format_option()
@store_option
def balance(as_of: str | None, known_at: str | None, exclude_contested: bool, fold: str | None, weight: str | None, fmt: str,
            store: str, neo4j: str | None) -> None:
    """Structural balance: the frustration index (the least weight of ties whose removal
    leaves two camps with no tie against them), balanced and unbalanced triangles."""
    from allegiance.analysis.camps import balance as find_balance
    from allegiance.render import render

    with _open(store, neo4j, read_only=True) as graph:
        G = _signed(graph, as_of, known_at, exclude_contested, fold)
    result = {"as_of": as_of, "known_at": known_at,
              **find_balance(G, weight=weight), "mixed": G.graph["mixed"]}
    if fmt == "json":
        _echo_json(result)
        return
    if fmt == "csv":
        click.echo(render(_frustrated_rows(result), fmt))
        return
    t = result["triangles"]
    heading = "## " if fmt == "markdown" else ""
    click.echo(f"{heading}Balance as of {as_of or 'the whole record'}: frustration index {result['frustration']:g} "
               f"({'exact' if result['exact'] else 'an upper bound'}); triangles: {t['balanced']} balanced, "
               f"{t['unbalanced']} unbalanced")
    click.echo(render(_frustrated_rows(result), fmt))


@cli.command()
@period_options
@click.option("--camps", "k", type=click.IntRange(1, 12), metavar="N", help="Camps per group, as for 'camps'.")
@_signed_options
@_format_option()
@store_option
def brokers(as_of: str | None, known_at: str | None, k: int | None, exclude_contested: bool, fold: str | None,
            weight: str | None, fmt: str, store: str, neo4j: str | None) -> None:
    """Brokers: the actors with ties into two camps or more, by betweenness and participation."""
    from allegiance.analysis.camps import brokers as find_brokers
    from allegiance.analysis.camps import camps as find_camps
    from allegiance.analysis.camps import partition
    from allegiance.render import render

    with _open(store, neo4j, read_only=True) as graph:
        G = _signed(graph, as_of, known_at, exclude_contested, fold)
    rows = find_brokers(G, partition(find_camps(G, k, weight=weight)))
    if fmt != "json":
        names = _names(G)
        rows = [{**{k: v for k, v in r.items() if k != "ties"},
                 "ties": [f"camp {c}: " + ", ".join(names.get(t["actor"], t["actor"]) + ("" if t["sign"] > 0 else " (-)")
                                                   for t in ties) for c, ties in r["ties"].items()]} for r in rows]
    click.echo(render(rows, fmt))


@cli.command()
@click.argument("actor")
@period_options
@_format_option()
@store_option
def reach(actor: str, as_of: str | None, known_at: str | None, fmt: str, store: str, neo4j: str | None) -> None:
    """Every actor ACTOR (id, name or alias) reaches through chains of support of any length,
    with one shortest chain each and the period in which the whole chain held."""
    from allegiance.analysis.reach import reach as find_reach
    from allegiance.analysis.reach import support_graph
    from allegiance.queries.runner import Binder
    from allegiance.queries.snapshot import snapshot
    from allegiance.render import render

    with _open(store, neo4j, read_only=True) as graph:
        patron = Binder(graph).entity(("actor",), actor, "ACTOR")
        snap = snapshot(graph, as_of=as_of, known_at=known_at)
    rows = find_reach(support_graph(snap.relations), patron)
    if fmt != "json":
        rows = [{**r, "path": " > ".join(r["names"])} for r in rows]
        rows = [{k: v for k, v in r.items() if k != "names"} for r in rows]
    click.echo(render(rows, fmt))
