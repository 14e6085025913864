"""Attacks from a shared pack, through the CLI: each is refused before any store runs it,
with its file named, and leaves nothing behind. Before the guard, LadybugDB ran all of
them from a read-only store (and the table function killed the process)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from allegiance.cli import cli
from tests.conftest import FIXTURES

READ_ONLY = "is not allowed in a pack query (packs may only read the graph)"
NO_SERVER = "bolt://127.0.0.1:9"  # nothing listens there: a refusal from it would say so


@pytest.fixture
def store(tmp_path):
    path = tmp_path / "store" / "s.db"
    result = CliRunner().invoke(cli, ["load", str(FIXTURES / "bundle.yaml"), "--store", str(path)])
    assert result.exit_code == 0, result.output
    return path


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def pack_with(tmp_path: Path, cypher: str) -> Path:
    pack = tmp_path / "shared-pack"
    pack.mkdir(exist_ok=True)
    (pack / "attack.cypher").write_text(f"// name: attack\n{cypher}\n", encoding="utf-8")
    return pack


def attack(tmp_path: Path, store: Path, cypher: str, *extra: str):
    pack = pack_with(tmp_path, cypher)
    before = snapshot(store.parent)
    result = CliRunner().invoke(cli, ["query", "attack", "--pack", str(pack), "--store", str(store), *extra])
    assert snapshot(store.parent) == before  # the store files are byte for byte the same
    return result, f"Error: {pack / 'attack.cypher'}, line 2: refused: "


def evil_library(folder: Path, marker: Path) -> Path:
    """A shared library whose constructor leaves ``marker``: proof that it never ran. Junk
    bytes where there is no C compiler: the refusal is the same."""
    library = folder / "evil.so"
    cc = shutil.which("cc")
    if cc is None:
        library.write_bytes(b"\x7fELF not really")
        return library
    source = folder / "evil.c"
    source.write_text('#include <stdio.h>\n__attribute__((constructor)) static void ran(void) '
                      f'{{ FILE *f = fopen("{marker}", "w"); if (f) fclose(f); }}\n', encoding="utf-8")
    subprocess.run([cc, "-shared", "-fPIC", "-o", str(library), str(source)], check=True)
    return library


def test_copy_to_writes_no_file(tmp_path, store):
    target = tmp_path / "x" / "exfil.csv"
    target.parent.mkdir()
    result, error = attack(tmp_path, store, f'COPY (MATCH (a:Actor) RETURN a.id, a.name) TO "{target}"')
    assert (result.exit_code, result.stderr) == (1, f"{error}COPY {READ_ONLY}\n")
    assert not target.exists()


def test_export_database_writes_no_copy(tmp_path, store):
    target = tmp_path / "x" / "db"
    result, error = attack(tmp_path, store, f'EXPORT DATABASE "{target}"')
    assert (result.exit_code, result.stderr) == (1, f"{error}EXPORT DATABASE {READ_ONLY}\n")
    assert not target.exists()


def test_load_extension_runs_no_library(tmp_path, store):
    folder = tmp_path / "x"
    folder.mkdir()
    marker = folder / "constructor-ran"
    library = evil_library(folder, marker)
    result, error = attack(tmp_path, store, f'LOAD EXTENSION "{library}"')
    assert (result.exit_code, result.stderr) == (1, f"{error}LOAD EXTENSION {READ_ONLY}\n")
    assert not marker.exists()


def test_load_from_reads_no_file(tmp_path, store):
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0:the secret line:/root:/bin/sh\n", encoding="utf-8")
    result, error = attack(tmp_path, store, f'LOAD FROM "{secret}" (file_format="csv", header=false, delim=":") '
                                            "RETURN *")
    assert (result.exit_code, result.stderr) == (1, f"{error}LOAD FROM {READ_ONLY}\n")
    assert "secret" not in result.stdout


def test_install_downloads_nothing(tmp_path, store):
    result, error = attack(tmp_path, store, "INSTALL httpfs")
    assert (result.exit_code, result.stderr) == (1, f"{error}INSTALL httpfs {READ_ONLY}\n")


def test_checkpoint_leaves_the_store_as_it_was(tmp_path, store):
    result, error = attack(tmp_path, store, "CHECKPOINT")  # attack() compares the store's bytes
    assert (result.exit_code, result.stderr) == (1, f"{error}CHECKPOINT {READ_ONLY}\n")


def test_a_table_function_never_reaches_the_engine(tmp_path, store):
    # LadybugDB 0.22 dies of a segmentation fault on this: reaching the engine would end pytest.
    hostname = tmp_path / "hostname"
    hostname.write_text("box\n", encoding="utf-8")
    result, error = attack(tmp_path, store, f'CALL READ_CSV_SERIAL("{hostname}") RETURN *')
    assert (result.exit_code, result.stderr) == (1, f"{error}CALL READ_CSV_SERIAL {READ_ONLY}\n")


NEO4J_ATTACKS = [
    ("LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line", f"LOAD CSV {READ_ONLY}"),
    ("CALL apoc.load.json('file:///etc/passwd') YIELD value RETURN value", f"CALL apoc.load.json {READ_ONLY}"),
    ("CALL dbms.components() YIELD name RETURN name", f"CALL dbms.components {READ_ONLY}"),
    ("MATCH (a:Actor) CALL { WITH a DETACH DELETE a } IN TRANSACTIONS", f"CALL {READ_ONLY}"),
    ("USE system SHOW DATABASES", f"USE system {READ_ONLY}"),
    ("SHOW DATABASES", f"SHOW DATABASES {READ_ONLY}"),
    ("TERMINATE TRANSACTIONS 'neo4j-transaction-1'", f"TERMINATE TRANSACTIONS {READ_ONLY}"),
    ("CREATE DATABASE stolen", f"CREATE DATABASE {READ_ONLY}"),
    (":param actor => 'gna'\nMATCH (a:Actor) RETURN a", ":param is a Neo4j Browser command, not Cypher"),
]


@pytest.mark.parametrize(("cypher", "message"), NEO4J_ATTACKS)
@pytest.mark.parametrize("backend", ["embedded", "neo4j"])
def test_neo4j_attacks_are_refused_on_both_backends(tmp_path, store, backend, cypher, message):
    # The refusal comes before a store is opened: the Neo4j address has no server behind it.
    extra = ["--neo4j", NO_SERVER] if backend == "neo4j" else []
    result, error = attack(tmp_path, store, cypher, *extra)
    assert (result.exit_code, result.stderr) == (1, f"{error}{message}\n")


@pytest.mark.parametrize(("cypher", "message"), [
    ('COPY (MATCH (a:Actor) RETURN a.id) TO "{tmp}/exfil.csv"', f"COPY {READ_ONLY}"),
    ("CHECKPOINT", f"CHECKPOINT {READ_ONLY}"),
    ("CALL show_tables() RETURN *", f"CALL show_tables {READ_ONLY}"),
    ("MATCH (a:Actor) DETACH DELETE a WITH 1 AS x CALL db.labels()", f"CALL db.labels {READ_ONLY}"),
])
def test_write_lifts_none_of_these(tmp_path, store, cypher, message):
    result, error = attack(tmp_path, store, cypher.format(tmp=tmp_path), "--write")
    assert (result.exit_code, result.stderr) == (1, f"{error}{message}\n")
    assert not (tmp_path / "exfil.csv").exists()


def test_write_lifts_the_graph_write_refusal_on_both_backends(tmp_path, store):
    pack = pack_with(tmp_path, "MATCH (s:Statement) DETACH DELETE s")
    args = ["query", "attack", "--pack", str(pack), "--store", str(store)]
    refused = CliRunner().invoke(cli, [*args, "--neo4j", NO_SERVER])
    assert (refused.exit_code, refused.stderr) == (
        1, f"Error: {pack / 'attack.cypher'}, line 2: refused: DETACH DELETE writes to the graph; "
           "pack queries run read-only unless you pass --write\n")
    # With --write the guard lets it through to the store: here, to the missing server.
    passed = CliRunner().invoke(cli, [*args, "--neo4j", NO_SERVER, "--write"])
    assert passed.stderr == f"Error: cannot reach Neo4j at {NO_SERVER}: connection refused or server not running\n"


def test_a_refused_pack_query_is_no_browser_favorite(tmp_path):
    pack = pack_with(tmp_path, "CALL dbms.components() YIELD name RETURN name")
    zipped = tmp_path / "favorites.zip"
    result = CliRunner().invoke(cli, ["queries", "--pack", str(pack), "--browser-favorites", str(zipped)])
    assert (result.exit_code, result.stderr) == (
        1, f"Error: {pack / 'attack.cypher'}, line 2: refused: CALL dbms.components {READ_ONLY}\n")
    assert not zipped.exists()


@pytest.mark.parametrize("command", [["query", "q"], ["queries"]])
def test_a_pack_file_that_is_not_utf8_is_named(tmp_path, command):
    pack = tmp_path / "latin1"
    pack.mkdir()
    text = "// name: q\n// column x: text\nRETURN 'Tripoli – Sirte' AS x\n"
    (pack / "q.cypher").write_bytes(text.encode("cp1252"))
    result = CliRunner().invoke(cli, [*command, "--pack", str(pack)])
    assert (result.exit_code, result.stderr) == (
        1, f"Error: {pack / 'q.cypher'}: not UTF-8 text: byte 0x96 on line 3\n")


def test_a_pack_file_that_cannot_be_read_is_named(tmp_path):
    pack = tmp_path / "odd"
    (pack / "folder.cypher").mkdir(parents=True)
    result = CliRunner().invoke(cli, ["queries", "--pack", str(pack)])
    assert (result.exit_code, result.stderr) == (
        1, f"Error: {pack / 'folder.cypher'}: cannot read it: Is a directory\n")


def test_a_byte_order_mark_is_not_cypher(tmp_path, store):
    pack = tmp_path / "bom"
    pack.mkdir()
    (pack / "q.cypher").write_bytes("// name: q\n// column n: int\nMATCH (a:Actor) RETURN count(a) AS n\n"
                                    .encode("utf-8-sig"))
    result = CliRunner().invoke(cli, ["query", "q", "--pack", str(pack), "--store", str(store), "--format", "csv"])
    assert (result.exit_code, result.stdout) == (0, "n\n5\n")
