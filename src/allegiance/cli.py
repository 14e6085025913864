"""The command line: thin click commands over the library.

Each command parses, calls one library function and renders. Our own errors become
``Error: ...`` on stderr and exit 1; click's usage errors exit 2. Heavy modules are
imported inside the commands so that ``allegiance --help`` stays fast.
"""

from __future__ import annotations

import functools
import os
import sys
from typing import TYPE_CHECKING, Any

import click

from allegiance import __version__
from allegiance.exc import AllegianceError, InputError
from allegiance.output import atomic_output, refuse_store_file

if TYPE_CHECKING:
    from collections.abc import Sequence

    from click._termui_impl import ProgressBar  # what click.progressbar returns

    from allegiance.model import PartialDate

OUTPUT_FORMATS = ("table", "json", "csv", "markdown")
# Spelled out here so that `--help` need not import the loaders; a test keeps it equal
# to allegiance.loaders.FORMATS.
INPUT_FORMATS = ("yaml", "json", "jsonl", "csv", "ucdp-acd", "ucdp-esd", "mmp", "cameo", "acled")


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except AllegianceError as e:
            raise click.ClickException(_in_cli_words(e)) from e


def _note_in_cli_words(note: str) -> str:
    from allegiance.loaders.cameo import BELOW_MIN_EVENTS

    return note.replace(BELOW_MIN_EVENTS, "runs had fewer events than --min-events")


def _in_cli_words(e: AllegianceError) -> str:
    """The library says what is wrong in its own words; where a flag is the remedy, name it."""
    if not isinstance(e, InputError):
        return str(e)
    from allegiance.loaders import READERS, FormatNeeded
    from allegiance.loaders.assemble import UNDECLARED, Undeclared

    if isinstance(e, FormatNeeded):
        message = ("reading standard input needs --format" if e.file == "<stdin>"
                   else f"{e.reason}; use --format {'|'.join(READERS)}")
    elif isinstance(e, Undeclared):
        message = e.message.removesuffix(UNDECLARED) + " (declare it, or load with --create-missing)"
    else:
        return str(e)
    return str(InputError(message, file=e.file, record=e.record, field=e.field))


def _use_schema(ctx: click.Context, _param: click.Parameter, folders: tuple[str, ...]) -> tuple[str, ...]:
    from allegiance.model import vocabulary

    vocabulary.use(folders)
    ctx.call_on_close(lambda: vocabulary.use(None))  # for this command only (tests run many in one process)
    return folders


def schema_option(f):
    return click.option(
        "--schema", "schema", metavar="DIR", multiple=True, envvar="ALLEGIANCE_SCHEMA_PATH", expose_value=False,
        type=click.Path(exists=True, file_okay=False), callback=_use_schema,
        help="A folder of relation types and kinds to layer over the packaged vocabulary (repeatable; env "
             "ALLEGIANCE_SCHEMA_PATH, folders separated by the system's path separator). See README, "
             "'Extending the vocabulary'.",
    )(f)


def store_option(f):
    f = schema_option(f)
    f = click.option(
        "--neo4j", metavar="URI", envvar="ALLEGIANCE_NEO4J_URI",
        help="Use the Neo4j server at URI (env ALLEGIANCE_NEO4J_URI; credentials from ALLEGIANCE_NEO4J_USER, "
             "ALLEGIANCE_NEO4J_PASSWORD, database from ALLEGIANCE_NEO4J_DATABASE) instead of the embedded store.",
    )(f)
    return click.option(
        "--store", metavar="PATH", envvar="ALLEGIANCE_STORE", default="allegiance.db", show_default=True,
        help="The embedded store (env ALLEGIANCE_STORE).",
    )(f)


def known_at_option(f):
    return click.option("--known-at", metavar="DATE",
                        help="Use only statements whose source was published on or before DATE (undated sources count).")(f)


def period_options(f):
    f = known_at_option(f)
    return click.option("--as-of", metavar="DATE",
                        help="YYYY, YYYY-MM or YYYY-MM-DD: relations that hold at some time in that span. "
                             "Default: the whole record.")(f)


def pack_option(f):
    return click.option("--pack", "packs", metavar="PATH", multiple=True, type=click.Path(file_okay=False),
                        help="A folder of .cypher queries to add to the core pack (repeatable).")(f)


def _format_option(default: str = "table"):
    return click.option("--format", "fmt", type=click.Choice(OUTPUT_FORMATS), default=default, show_default=True,
                        help="Output format.")


# The password scripts/neo4j-local gives a development server: the CLI's default, so that
# the README's commands work as written. The library has no default password.
DEV_PASSWORD = "allegiance-dev"  # noqa: S105 - a public development default, documented


def _open(store: str, neo4j: str | None, *, read_only: bool, for_load: bool = False):
    from allegiance.graph import open_store

    return open_store(store, neo4j=neo4j, read_only=read_only, for_load=for_load, neo4j_password=DEV_PASSWORD)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="allegiance")
def cli() -> None:
    """allegiance: who backs whom, sourced and dated.

    Load sourced statements (who supports, opposes, mediates or controls whom, when,
    according to which source) and ask questions as of any date.

    \b
    Quick start:
      allegiance load examples/libya-2020.yaml
      allegiance query who-backs-whom --as-of 2020-05
      allegiance query control --param place=al-Watiya --as-of 2020-05-20
      allegiance query changes --param from=2020-01 --param to=2020-06
      allegiance report --as-of 2020-05 > report.md
      allegiance viz --as-of 2020-05 -o graph.html
    """


@cli.command()
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option("--format", "fmt", type=click.Choice(INPUT_FORMATS),
              help="Input format; by default told by each file's extension. Needed for '-' (stdin) "
                   "and for the datasets: ucdp-acd, ucdp-esd, mmp, cameo, acled.")
@click.option("--actors", "actor_files", multiple=True, type=click.Path(dir_okay=False), metavar="FILE",
              help="An alias file (a bundle's actors section, JSON Lines or actors.csv) mapping dataset "
                   "names and codes to your actors; read before FILE... (repeatable).")
@click.option("--create-missing", is_flag=True,
              help="Create actors and places that statements name but nobody declared, instead of failing.")
@click.option("--replace", is_flag=True,
              help="Let each declaration of an actor, place, source or statement the store holds replace it, "
                   "other values and left-out ones too (without it, another value is refused, and what a "
                   "declaration leaves out is kept). The report lists each field replaced.")
@click.option("--gap-days", type=click.IntRange(1), default=180, show_default=True,
              help="cameo: events further apart than this many days start a new interval.")
@click.option("--min-events", type=click.IntRange(1), default=1, show_default=True,
              help="cameo: the fewest events that make an interval a statement.")
@click.option("--cameo-map", type=click.Path(dir_okay=False, exists=True), metavar="FILE",
              help="cameo: a mapping of CAMEO codes and labels to relations, instead of the packaged one.")
@click.option("--unmapped", "unmapped_out", type=click.Path(dir_okay=False), metavar="FILE",
              help="Write the dataset names no alias maps to FILE, as an alias file to fill in.")
@click.option("--json", "as_json", is_flag=True, help="Print the load report as JSON.")
@store_option
def load(files: tuple[str, ...], fmt: str | None, actor_files: tuple[str, ...], create_missing: bool,
         replace: bool, gap_days: int, min_events: int, cameo_map: str | None, unmapped_out: str | None, as_json: bool,
         store: str, neo4j: str | None) -> None:
    """Load statements, actors, places and sources from FILE... (all or nothing).

    YAML/JSON bundles (sections sources, actors, places, statements), JSON Lines
    (one record a line; "record": "actor"|"place"|"source" for entities), CSV
    (statements with a header; actors.csv, places.csv, sources.csv by name), and the
    field's datasets with --format. Loading the same data twice changes nothing.
    """

    from allegiance.loaders import Options
    from allegiance.pipeline import load as load_files

    if unmapped_out:
        refuse_store_file(unmapped_out, store, "--unmapped")
    options = Options(gap_days=gap_days, min_events=min_events, cameo_map=cameo_map)
    progress = _LoadProgress() if sys.stderr.isatty() else None
    try:
        with _open(store, neo4j, read_only=False, for_load=True) as graph:
            report = load_files(graph, list(files), fmt, create_missing=create_missing, replace=replace,
                                progress=progress, actors=actor_files, options=options)
    finally:
        if progress:
            progress.close()
    if unmapped_out:
        _write_unmapped(report.unmapped, unmapped_out)
    if as_json:
        from allegiance.render import json_text

        click.echo(json_text(report.as_dict()))
        return
    click.echo(
        f"Loaded {report.read:,} statements from {len(files)} file(s) into {neo4j or store}: "
        f"{report.added:,} new, " + (f"{report.changed:,} changed, " if report.changed else "") +
        f"{report.unchanged:,} already there; "
        f"{report.actors} actors, {report.places} places, {report.sources} sources written."
    )
    for created in report.created:
        click.echo(f"  created {created}")
    _echo_changes(report)
    for note in report.notes:
        click.echo(f"Note: {_note_in_cli_words(note)}")
    if report.unmapped:
        click.echo(f"{len(report.unmapped):,} dataset names are not mapped to your actors and became "
                   "dataset-scoped actors" + (f" (listed in {unmapped_out})" if unmapped_out else
                                              "; --unmapped FILE lists them all") + ":")
        for item in report.unmapped[:10]:
            code = f" [{item['code']}]" if item["code"] else ""
            click.echo(f"  {item['dataset']}: {item['name']}{code} ({item['statements']:,} statements)")


CHANGES_SHOWN = 20


def _echo_changes(report) -> None:
    """What re-declarations merged into or replaced in the store, field by field."""
    from allegiance.loaders.redeclared import describe

    changes = [("updated", item) for item in report.updated] + [("replaced", item) for item in report.replaced]
    for verb, item in changes[:CHANGES_SHOWN]:
        click.echo(f"  {verb} {describe(item)}")
    if len(changes) > CHANGES_SHOWN:
        click.echo(f"  ... and {len(changes) - CHANGES_SHOWN:,} more (--json lists them all)")


def _write_unmapped(unmapped: list[dict[str, Any]], path: str) -> None:
    from allegiance.loaders.bundle import alias_file

    with atomic_output(path) as temp:
        temp.write_text(alias_file(unmapped), encoding="utf-8")


class _LoadProgress:
    """Progress on stderr: a bar over the input's bytes, then over the batches a server takes."""

    def __init__(self) -> None:
        self.bar: ProgressBar[int] | None = None  # its items: the statement counts shown
        self.count = 0

    def _bar(self, label: str, total: int, unit: str) -> None:
        self.close()
        self.bar = click.progressbar(length=total, label=label, file=sys.stderr, show_eta=True,
                                     item_show_func=lambda _: f"{self.count:,} {unit}")
        self.bar.__enter__()

    def __call__(self, phase: str, count: int, done: int, total: int) -> None:
        self.count = count
        if phase == "write":
            self.close()
            click.echo(f"Writing {count:,} statements to the store…", err=True)
            return
        if self.bar is None and total:
            self._bar("Reading" if phase == "read" else "Writing", total,
                      "statements read" if phase == "read" else "statements written")
        if self.bar is not None:
            self.bar.update(max(0, done - self.bar.pos), current_item=count)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@store_option
def stats(fmt: str, store: str, neo4j: str | None) -> None:
    """Count what the store holds."""
    import json

    with _open(store, neo4j, read_only=True) as graph:
        counts = graph.stats()
    if fmt == "json":
        click.echo(json.dumps(counts, indent=2))
        return
    by_relation = counts.pop("by_relation")
    for key, value in counts.items():
        click.echo(f"{key:<12} {value:,}" if isinstance(value, int) else f"{key:<12} {value}")
    for name, value in by_relation.items():
        click.echo(f"  {name:<10} {value:,}")


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@store_option
def check(fmt: str, store: str, neo4j: str | None) -> None:
    """Check that the store holds what was loaded: every statement still hashes to its id and
    has exactly one relation edge that matches it. Exit 1 listing the first problems if not."""
    import json

    from allegiance.exc import StoreError
    from allegiance.graph.check import check as check_store

    with _open(store, neo4j, read_only=True) as graph:
        report = check_store(graph)
    if fmt == "json":
        click.echo(json.dumps(report.as_dict(), indent=2))
    else:
        for key in ("statements", "edges", "actors", "places", "sources", "problem_count"):
            click.echo(f"{key.replace('_count', 's'):<12} {getattr(report, key):,}")
    if not report.ok:
        raise StoreError(report.failure())


def _params(values: tuple[str, ...]) -> dict[str, str]:
    params = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"expected NAME=VALUE, got {item!r}", param_hint="--param")
        params[name.strip()] = value.strip()
    return params


@cli.command()
@click.argument("name")
@period_options
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="A query parameter, e.g. --param actor=GNA (repeatable).")
@_format_option()
@pack_option
@click.option("--write", is_flag=True, help="Allow a pack query that writes to the graph (refused otherwise).")
@store_option
def query(name: str, as_of: str | None, known_at: str | None, params: tuple[str, ...], fmt: str,
          packs: tuple[str, ...], write: bool, store: str, neo4j: str | None) -> None:
    """Run the query NAME from the core pack or a --pack (see 'allegiance queries')."""
    from allegiance.exc import QueryError
    from allegiance.queries.guard import check_query
    from allegiance.queries.pack import all_queries
    from allegiance.queries.runner import run_query
    from allegiance.render import render

    queries = all_queries(packs)
    if name not in queries:
        raise QueryError(f"no query named {name!r}; known queries: {', '.join(sorted(queries))}")
    check_query(queries[name], write=write)  # before a store is opened or a server contacted
    given = _params(params)
    with _open(store, neo4j, read_only=not write) as graph:
        rows = run_query(graph, queries[name], given, as_of=as_of, known_at=known_at, write=write)
    click.echo(render(rows, fmt))


@cli.command(name="queries")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--browser-favorites", "favorites", type=click.Path(dir_okay=False), metavar="FILE.zip",
              help="Write the queries as Neo4j Browser favorites: drop FILE.zip on the Browser window.")
@pack_option
def list_queries(fmt: str, favorites: str | None, packs: tuple[str, ...]) -> None:
    """List the packs' queries, their questions and parameters."""
    import json

    from allegiance.queries.pack import all_queries

    queries = all_queries(packs)
    if favorites:
        from allegiance.graph import DEFAULT_STORE
        from allegiance.queries.browser import write_favorites_zip
        from allegiance.queries.guard import check_query

        for query in queries.values():  # a favorite runs in the Browser with the user's rights
            check_query(query)
        # No --store here: the store a command would use without one is the one to keep.
        refuse_store_file(favorites, os.environ.get("ALLEGIANCE_STORE") or DEFAULT_STORE, "--browser-favorites")
        write_favorites_zip(queries, favorites)
        click.echo(f"Wrote {len(queries)} favorites to {favorites}: drop it on the Neo4j Browser window, "
                   "then run a favorite twice (the first run sets its parameters).", err=True)
        return
    if fmt == "json":
        click.echo(json.dumps([{
            "name": q.name, "pack": q.pack, "question": q.question, "path": q.path,
            "params": [{"name": p.name, "type": p.type, "default": p.default, "help": p.help} for p in q.params],
            "columns": [c.name for c in q.columns],
        } for q in queries.values()], indent=2))
        return
    for q in sorted(queries.values(), key=lambda q: (q.pack != "core", q.name)):
        click.echo(f"{q.name}  [{q.pack}]")
        click.echo(f"    {q.question}")
        for p in q.params:
            default = "" if p.required else f" (default {p.default!r})"
            click.echo(f"    --param {p.name}=<{p.type}>{default}  {p.help}")


@cli.command()
@period_options
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file instead of stdout.")
@store_option
def report(as_of: str | None, known_at: str | None, output: str | None, store: str, neo4j: str | None) -> None:
    """A situation report in markdown: every actor's backers, opponents, mediators, places held."""
    from allegiance.queries.snapshot import snapshot
    from allegiance.report import snapshot_report

    if output:
        refuse_store_file(output, store, "-o")
    with _open(store, neo4j, read_only=True) as graph:
        snap = snapshot(graph, as_of=as_of, known_at=known_at)
    text = snapshot_report(snap)
    if output:
        with atomic_output(output) as temp:
            temp.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {output}", err=True)
    else:
        click.echo(text)


@cli.command()
@period_options
@click.option("--from", "start", metavar="DATE", help="A page with a date slider from DATE (with --to).")
@click.option("--to", "end", metavar="DATE", help="The slider's last date (with --from).")
@click.option("--step", metavar="STEP", default="month", show_default=True,
              help="With --from/--to: the slider's step, day, month, quarter or year.")
@click.option("--focus", metavar="ACTOR", help="Draw only the actors within --depth hops of ACTOR (id, name or alias).")
@click.option("--depth", type=click.IntRange(min=1), default=1, show_default=True, help="With --focus: how many hops.")
@click.option("--top", type=click.IntRange(min=1), metavar="N",
              help="Draw only the N relations with the most statements (the page says what it left out). "
                   "Default: all of them up to 10,000, the 10,000 with the most statements above.")
@click.option("--color-by", "colour_by", type=click.Choice(["type", "camp"]), default="type", show_default=True,
              help="Colour actors by their type, or by their camp (as 'allegiance camps' finds them) at each date.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The HTML file to write.")
@click.option("--title", default="allegiance", show_default=True, help="The page title.")
@store_option
def viz(as_of: str | None, known_at: str | None, start: str | None, end: str | None, step: str, focus: str | None,
        depth: int, top: int | None, colour_by: str, output: str, title: str, store: str, neo4j: str | None) -> None:
    """An interactive network page that works offline. As of one date (--as-of): hover an edge
    for dates and sources. Over a period (--from, --to, --step): a date slider and a play
    button, what changed at each step, filters, and each relation's statements on a click."""
    if (start is None) != (end is None):
        raise click.UsageError("--from and --to go together")
    if start is not None and as_of is not None:
        raise click.UsageError("--as-of is one date; with --from/--to the slider gives every step")
    refuse_store_file(output, store, "-o")
    if start is None:
        _static_page(as_of, known_at, focus, depth, top, colour_by, output, title, store, neo4j)
        return
    assert end is not None
    from allegiance.model.partial_date import date_steps
    from allegiance.queries.pack import core_pack
    from allegiance.queries.runner import Binder, run_query
    from allegiance.queries.snapshot import entities, statement_details
    from allegiance.viz.timepage import page_data, write_time_page

    steps = date_steps(start, end, step)
    with _open(store, neo4j, read_only=True) as graph:
        focus_id = Binder(graph).entity(("actor",), focus, "--focus") if focus else None
        spans = run_query(graph, core_pack()["intervals"], {}, known_at=known_at)
        camps = _camps_at(graph, steps, known_at) if colour_by == "camp" else None
        found, cited = entities(graph)
        data = page_data(spans, found, cited, lambda ids: statement_details(graph, ids), steps, title=title,
                         known_at=known_at, focus=focus_id, depth=depth, top=top, camps=camps)
    path = write_time_page(data, output)
    left = data["left_out"]
    note = f" ({left['relations']:,} left out: {left['reason']})" if left["relations"] else ""
    click.echo(f"Wrote {path}: {len(data['edges']):,} relations over {len(steps)} steps, "
               f"{steps[0]} to {steps[-1]}{note}", err=True)


def _camps_at(graph, dates: Sequence[str | None], known_at: str | None) -> list[dict[str, int]]:
    """Actor -> camp number at each date (None: the whole record), numbered as one series,
    as 'camps --every' numbers them."""
    from allegiance.analysis.camps import partition
    from allegiance.cli_analysis import camp_series

    tracked, _ = camp_series(graph, dates, known_at)
    return [partition(s) for s in tracked["steps"]]


def _static_page(as_of, known_at, focus, depth, top, colour_by, output, title, store, neo4j) -> None:
    from allegiance.queries.runner import Binder
    from allegiance.queries.snapshot import snapshot
    from allegiance.viz.network import snapshot_page
    from allegiance.viz.timepage import select

    with _open(store, neo4j, read_only=True) as graph:
        focus_id = Binder(graph).entity(("actor",), focus, "--focus") if focus else None
        snap = snapshot(graph, as_of=as_of, known_at=known_at)
        camps = _camps_at(graph, [as_of], known_at) if colour_by == "camp" else None
    chosen = select({(r["subject"], r["relation"], r["object"]): len(r["statements"]) for r in snap.relations},
                    focus=focus_id, depth=depth, top=top)
    keep = set(chosen.keys)
    rows = [r for r in snap.relations if (r["subject"], r["relation"], r["object"]) in keep]
    path = snapshot_page(snap, output, title=title, rows=rows, note=chosen.note(), camps=camps[0] if camps else None)
    click.echo(f"Wrote {path}: {len(rows):,} relations" + (f" ({chosen.left_out:,} left out)" if chosen.left_out else ""),
               err=True)


@cli.command()
@click.argument("actor")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The HTML file to write.")
@known_at_option
@click.option("--title", help="The page title. Default: 'ACTOR'S NAME: relations over time'.")
@store_option
def timeline(actor: str, output: str, known_at: str | None, title: str | None, store: str, neo4j: str | None) -> None:
    """An offline page of ACTOR's relations over time (vis-timeline): one row per relation, a bar per statement.

    ACTOR is an id, name or alias. Dates known to a year or a month are hatched over that span,
    unknown starts fade in, open ends run to the edge, denials are drawn hollow and their rows
    flagged contested, and a hold taken over by a successor ends with a marker. Hover or click a
    bar for its statements and sources.
    """
    from allegiance.viz.timeline import actor_timeline, write_timeline

    refuse_store_file(output, store, "-o")
    with _open(store, neo4j, read_only=True) as graph:
        data = actor_timeline(graph, actor, known_at=known_at)
    path = write_timeline(data, output, title=title)
    click.echo(f"Wrote {path}: {len(data['relations'])} relations, {len(data['statements'])} statements "
               f"of {data['actor']['name']}", err=True)


@cli.command()
@click.option("--neo4j", metavar="URI", envvar="ALLEGIANCE_NEO4J_URI", required=True,
              help="The Neo4j server to copy into (env ALLEGIANCE_NEO4J_URI).")
@click.option("--store", metavar="PATH", envvar="ALLEGIANCE_STORE", default="allegiance.db", show_default=True,
              help="The embedded store to copy from (env ALLEGIANCE_STORE).")
@schema_option
def push(neo4j: str, store: str) -> None:
    """Copy an embedded store into Neo4j: every actor, place, source and statement (idempotent)."""
    from allegiance.pipeline import push as push_store

    progress = _LoadProgress() if sys.stderr.isatty() else None
    with _open(store, None, read_only=True) as source, _open(store, neo4j, read_only=False) as target:
        report = push_store(source, target, progress=progress)
    click.echo(f"Pushed {report.read:,} statements from {store} to {neo4j}: {report.added:,} new, "
               f"{report.unchanged:,} already there; {report.actors} actors, {report.places} places, "
               f"{report.sources} sources written.")


EXPORT_FORMATS = ("jsonl", "gexf", "graphml", "csv")


@cli.command()
@click.option("-o", "--output", required=True, type=click.Path(allow_dash=True), metavar="PATH",
              help="The file to write ('-': stdout, jsonl only); for csv, the folder to write into (created if missing).")
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="jsonl", show_default=True,
              help="jsonl: statements for 'allegiance load'; gexf: a dynamic GEXF 1.3 graph for Gephi's timeline; "
                   "graphml: the relations as a static GraphML graph; csv: nodes.csv and edges.csv for Gephi's "
                   "Data Laboratory and spreadsheets.")
@period_options
@store_option
def export(output: str, fmt: str, as_of: str | None, known_at: str | None, store: str, neo4j: str | None) -> None:
    """Write what the store holds: JSON Lines that 'allegiance load' reads back (the
    default: to rebuild a store, or to move between backends), or the relations as a graph:
    GEXF for Gephi's timeline (the days each relation holds), GraphML, or two CSV tables for
    Gephi's Data Laboratory and spreadsheets.

    \b
    The filters apply to every format:
      --known-at DATE  only statements whose source was published by DATE
      --as-of DATE     jsonl: the statements whose own dates overlap DATE;
                       gexf: the relations that hold as of DATE, with all their spells;
                       graphml, csv: the relations 'query relations --as-of DATE' gives
    """
    from allegiance.queries.runner import period_date

    as_of_date, known_at_date = period_date("--as-of", as_of), period_date("--known-at", known_at)
    if output == "-" and fmt != "jsonl":
        raise click.UsageError(f"--format {fmt} writes {'a folder' if fmt == 'csv' else 'a file'}: "
                               f"give -o {'DIR' if fmt == 'csv' else 'FILE.' + fmt}")
    if fmt == "csv":
        from allegiance.viz.csv_tables import TABLES

        for name in ("", *TABLES):
            refuse_store_file(os.path.join(output, name) if name else output, store, "-o")
        if os.path.exists(output) and not os.path.isdir(output):
            raise click.UsageError(f"-o {output}: not a folder; --format csv writes {' and '.join(TABLES)} into a folder")
    elif output != "-":
        refuse_store_file(output, store, "-o")
        if os.path.isdir(output):
            raise click.UsageError(f"-o {output}: that is a folder; --format {fmt} writes a file")
    if fmt == "jsonl":
        _export_jsonl(output, store, neo4j, as_of_date, known_at_date)
    elif fmt == "gexf":
        _export_gexf(output, store, neo4j, as_of, known_at)
    else:
        _export_relations(fmt, output, store, neo4j, as_of, known_at)


def _export_jsonl(output: str, store: str, neo4j: str | None, as_of: PartialDate | None,
                  known_at: PartialDate | None) -> None:
    from allegiance.pipeline import export as export_store

    with _open(store, neo4j, read_only=True) as graph:
        if output == "-":
            with click.open_file(output, "w", encoding="utf-8") as f:
                count = export_store(graph, f, as_of=as_of, known_at=known_at)
        else:
            with atomic_output(output) as temp, temp.open("w", encoding="utf-8") as f:
                count = export_store(graph, f, as_of=as_of, known_at=known_at)
    click.echo(f"Wrote {count:,} statements to {output}", err=True)


def _export_gexf(output: str, store: str, neo4j: str | None, as_of: str | None, known_at: str | None) -> None:
    from allegiance.queries.pack import core_pack
    from allegiance.queries.runner import run_query
    from allegiance.queries.snapshot import nodes
    from allegiance.viz.gexf import dynamic_graph, write_gexf

    with _open(store, neo4j, read_only=True) as graph:
        rows = run_query(graph, core_pack()["intervals"], {}, known_at=known_at)
        holding = None
        if as_of:  # which relations hold as of the date: the relations query's rule, not a copy of it
            relations = run_query(graph, core_pack()["relations"], {}, as_of=as_of, known_at=known_at)
            holding = {(r["subject"], r["relation"], r["object"]) for r in relations}
        entities = nodes(graph)  # the relations query, which snapshot() runs, is not needed here
    G = dynamic_graph(rows, entities, only=holding)
    write_gexf(G, output)
    click.echo(f"Wrote {G.number_of_edges():,} relations among {G.number_of_nodes():,} nodes to {output}", err=True)


def _export_relations(fmt: str, output: str, store: str, neo4j: str | None, as_of: str | None,
                      known_at: str | None) -> None:
    from allegiance.queries.snapshot import snapshot
    from allegiance.viz.csv_tables import write_csv_tables
    from allegiance.viz.graphml import relation_graph, write_graphml

    with _open(store, neo4j, read_only=True) as graph:
        snap = snapshot(graph, as_of=as_of, known_at=known_at)
    G = relation_graph(snap.relations, snap.nodes, as_of=as_of, known_at=known_at)
    if fmt == "graphml":
        write_graphml(G, output)
        where = output
    else:
        where = " and ".join(str(p) for p in write_csv_tables(G, output))
    click.echo(f"Wrote {G.number_of_edges():,} relations among {G.number_of_nodes():,} nodes to {where}", err=True)


# The analysis commands (camps, balance, brokers, reach) live in their own module, which
# registers them on `cli`: imported here, after everything it uses is defined.
from allegiance import cli_analysis  # noqa: E402, F401


@functools.wraps(cli)
def main(*args: Any, **kwargs: Any) -> Any:
    return cli(*args, prog_name="allegiance", **kwargs)
