"""The guard: a pack query may only read the graph.

Packs are shared between analysts, so a pack file is untrusted. A store's read-only mode
is no defence: LadybugDB's guards the graph only, and from a read-only store ``COPY ... TO``
and ``EXPORT DATABASE`` wrote files, ``LOAD FROM`` read them, ``LOAD EXTENSION`` ran a
library, ``CHECKPOINT`` changed the store and a table function crashed the process. So the
runner checks a query's text against an allow-list before any store sees it, the same for
both engines: the clauses that read, the functions both engines share, LadybugDB's list
functions. Graph-writing clauses pass only with ``--write``; nothing else ever does.

The check reads tokens, skipping strings, comments and `quoted names`, and classifies each
bare word: a property (after ``.``), a label or type (after ``:``), a map key (``{id: ...``),
a function (before ``(``), a keyword, or a variable. A variable where a clause would start
(after a complete expression) is refused, so an unknown clause cannot slip through as a name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple, cast

from allegiance.exc import QueryError
from allegiance.queries.pack import Query

STARTERS = frozenset({"MATCH", "OPTIONAL", "UNWIND", "WITH", "RETURN"})
KEYWORDS = STARTERS | {
    "WHERE", "UNION", "ALL", "DISTINCT", "AS", "ORDER", "BY", "ASC", "ASCENDING", "DESC", "DESCENDING",
    "SKIP", "OFFSET", "LIMIT", "AND", "OR", "XOR", "NOT", "IN", "IS", "NULL", "TRUE", "FALSE", "CASE",
    "WHEN", "THEN", "ELSE", "END", "STARTS", "ENDS", "CONTAINS", "EXISTS", "ON",
    "SHORTEST", "TRAIL", "ACYCLIC", "WSHORTEST",  # LadybugDB's recursive patterns: [r* TRAIL 1..3]
}
_ENDERS = {"NULL", "TRUE", "FALSE", "END", "ASC", "ASCENDING", "DESC", "DESCENDING"}  # end an expression
_NEXT = {"OPTIONAL": {"MATCH"}, "ON": {"CREATE", "MATCH"}}  # these keywords come only before those
WRITES = frozenset({"CREATE", "MERGE", "SET", "DELETE", "DETACH", "REMOVE", "FOREACH"})
# Not needed to refuse them (an unknown clause is refused anyway), but named so that the
# message says what was refused, and so that they are refused where a variable could stand.
REFUSED = frozenset({
    "CALL", "COPY", "LOAD", "EXPORT", "IMPORT", "INSTALL", "UNINSTALL", "CHECKPOINT", "ATTACH", "USE",
    "BEGIN", "COMMIT", "ROLLBACK", "TRANSACTIONS", "DROP", "ALTER", "SHOW", "TERMINATE", "GRANT", "DENY",
    "REVOKE", "EXPLAIN", "PROFILE",
})
# The standard functions both engines have (in Neo4j 5 and in LadybugDB 0.22's show_functions()),
# then LadybugDB's list functions. Left out: what changes state (nextval, setseed) and what
# only one engine has; table functions (read_csv, show_tables) are never calls in a RETURN.
FUNCTIONS = frozenset("""
    abs acos all any asin atan atan2 avg ceil coalesce collect cos cot count date degrees duration floor
    id keys labels left length log log10 lower ltrim max min nodes none nullif percentilecont
    percentiledisc pi properties radians range relationships replace reverse right round rtrim sign sin
    single size sqrt substring sum tan tolower toupper trim upper
    list_any_value list_append list_cat list_concat list_contains list_distinct list_element list_extract
    list_filter list_has list_has_all list_has_any list_indexof list_max list_min list_position
    list_prepend list_product list_reduce list_reverse list_reverse_sort list_slice list_sort list_sum
    list_to_string list_transform list_unique
""".split())

_READ_ONLY = "is not allowed in a pack query (packs may only read the graph)"
_WRITES = "writes to the graph; pack queries run read-only unless you pass --write"
_START = "a pack query starts with MATCH, OPTIONAL MATCH, UNWIND, WITH or RETURN, not {}"
_NOT_A_CLAUSE = "{} is not a clause a pack query may use"
_STAR = ("RETURN", "WITH", "DISTINCT")  # RETURN * ends an expression; a * b does not

# Only ASCII outside strings, comments and `names`: the engines take some Unicode spaces as
# spaces (LadybugDB: U+00A0, U+3000), and a character read one way here and another there
# could hide a clause. A line comment ends at any line break Python knows: ending it too
# early only checks more text.
_TOKEN = re.compile(r"""
    (?P<space>[\x20\t\n\r\f\v]+)
  | (?P<comment>//[^\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]*|/\*.*?\*/)
  | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
  | (?P<name>(?:`[^`]*`)+)
  | (?P<param>\$(?:\w+|(?:`[^`]*`)+))
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<number>0[xX][0-9A-Fa-f]+|0o[0-7]+|[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)  # 1CALL: 1, then CALL
  | (?P<punct>[!-~])
""", re.X | re.S | re.A)
_OPEN = {"'": "string", '"': "string", "`": "`quoted name`"}


class Token(NamedTuple):
    kind: str
    text: str
    pos: int


_Refuse = Callable[[Token, str], QueryError]  # the error for a token, with the file and line it is on


_PASSED: set[tuple[str, str, int, bool, tuple[tuple[str, int], ...]]] = set()  # checks that passed


def check_query(query: Query, *, write: bool = False) -> None:
    # Remembered: the runner checks before every run, and a query runs many times in a
    # process (a report, a benchmark); tokenizing it again cost more than a one-actor answer.
    # A query in shares runs whole without its _share lines: both texts are checked, since
    # leaving lines out could end a string or a comment elsewhere.
    for text in (query, query.whole()) if query.shared else (query,):
        key = (text.cypher, text.path, text.line, write, text.origins)
        if key not in _PASSED:
            check(text.cypher, text.path, line=text.line, write=write, origins=text.origins)
            _PASSED.add(key)


def check(cypher: str, path: str, *, line: int = 1, write: bool = False,
          origins: tuple[tuple[str, int], ...] = ()) -> None:
    """Raise ``QueryError`` naming the file, the line and the clause or function that a pack
    query may not use; ``write`` allows the graph-writing clauses. ``origins`` (per line of
    ``cypher``: file and line) name the fragment a refused line came from."""
    def refuse(token: Token, message: str) -> QueryError:
        at = cypher.count("\n", 0, token.pos)
        file, number = origins[at] if at < len(origins) else (path, line + at)
        return QueryError(f"{file}, line {number}: refused: {message}")

    tokens = _tokens(cypher, refuse)

    def misplaced(i: int) -> QueryError:  # a word where a clause starts, that starts none
        return refuse(tokens[i], (_START if i == 0 else _NOT_A_CLAUSE).format(tokens[i].text))

    brackets: list[str] = []
    clause_start, ended = True, False  # a clause may start here / the last token ended an expression
    for i, tok in enumerate(tokens):
        prev = tokens[i - 1] if i else Token("start", "", 0)
        after = tokens[i + 1] if i + 1 < len(tokens) else Token("end", "", len(cypher))
        starts, ended_before, ended, clause_start = clause_start, ended, False, False
        if tok.kind == "punct":
            if tok.text == ":" and after.kind == "word" and not brackets \
                    and not cypher[cypher.rfind("\n", 0, tok.pos) + 1:tok.pos].strip():
                raise refuse(tok, f":{after.text} is a Neo4j Browser command, not Cypher")
            if tok.text == ";" and after.kind != "end":
                raise refuse(tok, "';' starts a second statement; a pack file holds one query")
        if i == 0 and tok.kind != "word":
            raise refuse(tok, _START.format(tok.text))
        if tok.kind == "punct":
            if tok.text in "([{":
                brackets.append(tok.text)
            elif tok.text in ")]}" and brackets:
                brackets.pop()
            ended = tok.text in ")]}" or (tok.text == "*" and (prev.text == "(" or prev.text.upper() in _STAR))
            clause_start = tok.text == "{"
            continue
        if tok.kind not in ("word", "name"):
            ended = True  # a string, a number or a $parameter
            continue
        word = tok.text.upper()
        keyword = tok.kind == "word" and word in KEYWORDS | WRITES | REFUSED
        if _is(after, "(") and (not keyword or _is(prev, ".")):  # apoc.map.merge( is a function
            if starts or ended_before:
                raise misplaced(i)
            _function(tokens, i, refuse)
            continue
        if _is(prev, ".") or _is(prev, ":") or tok.kind == "name":
            ended = True  # a property, a label or relationship type, a quoted name
            continue
        if _is(after, ":") and brackets[-1:] == ["{"] and (_is(prev, "{") or _is(prev, ",")):
            continue  # a map key
        if word in REFUSED:
            raise refuse(tok, f"{_clause(tokens, i)} {_READ_ONLY}")
        if word in WRITES and not (word == "CREATE" and prev.text.upper() == "ON"):
            clause = _write_clause(tokens, i)
            if clause is None:
                raise refuse(tok, f"{_clause(tokens, i)} {_READ_ONLY}")
            if not write:
                raise refuse(tok, f"{clause} {_WRITES}")
            continue
        if word in KEYWORDS:
            union_all = word == "ALL" and prev.text.upper() == "UNION"
            if word in _NEXT and after.text.upper() not in _NEXT[word]:
                raise refuse(tok, f"{_clause(tokens, i)} {_READ_ONLY}")
            if starts and word not in STARTERS and not union_all:
                raise misplaced(i)
            ended, clause_start = word in _ENDERS, word == "UNION" or union_all
            continue
        if starts or ended_before:  # a name where a clause would start
            raise misplaced(i)
        ended = True  # a variable
    if not tokens:
        raise refuse(Token("end", "", 0), _START.format("nothing"))


def tokens(cypher: str, path: str = "query") -> list[Token]:
    """The tokens of ``cypher`` that matter (no spaces, no comments), each with its offset."""
    return _tokens(cypher, lambda token, message: QueryError(f"{path}: {message}"))


def _tokens(cypher: str, refuse: _Refuse) -> list[Token]:
    """The tokens that matter: no spaces, no comments."""
    tokens: list[Token] = []
    pos = 0
    while pos < len(cypher):
        match = _TOKEN.match(cypher, pos)
        if match is None:
            bad = Token("bad", cypher[pos], pos)
            raise refuse(bad, f"character U+{ord(bad.text):04X} ({bad.text!r}) outside a string, "
                              "a comment or a `quoted name`")
        # Each of _TOKEN's alternatives is a named group, so a match always has a lastgroup.
        token = Token(cast(str, match.lastgroup), match.group(), pos)
        if token.kind == "punct" and token.text in _OPEN:
            raise refuse(token, f"the {_OPEN[token.text]} that starts here is never closed")
        if token.kind == "punct" and cypher.startswith("/*", pos):
            raise refuse(token, "the comment that starts here is never closed")
        if token.kind not in ("space", "comment"):
            tokens.append(token)
        pos = match.end()
    return tokens


def _is(token: Token, text: str) -> bool:
    return token.kind == "punct" and token.text == text


def unquote(token: Token) -> str:
    return token.text[1:-1].replace("``", "`") if token.kind == "name" else token.text


def _function(tokens: list[Token], i: int, refuse: _Refuse) -> None:
    """A call of ``tokens[i]``: allowed if it names one of FUNCTIONS without a namespace."""
    name, j = unquote(tokens[i]), i
    while j >= 2 and tokens[j - 1].text == "." and tokens[j - 2].kind in ("word", "name"):
        j -= 2
        name = f"{unquote(tokens[j])}.{name}"
    if j == i and not (i and tokens[i - 1].text == ".") and name.lower() in FUNCTIONS:
        return
    raise refuse(tokens[i], f"{name}() is not a function pack queries may call "
                            "(see 'Query packs' in the README)")


def _clause(tokens: list[Token], i: int) -> str:
    """The refused keyword and, when a name follows it, that name: ``LOAD EXTENSION``,
    ``CALL apoc.load.json``, ``SHOW DATABASES``."""
    words = [tokens[i].text.upper()]
    j = i + 1
    if j < len(tokens) and tokens[j].kind in ("word", "name"):
        name = tokens[j].text
        while j + 2 < len(tokens) and tokens[j + 1].text == "." and tokens[j + 2].kind in ("word", "name"):
            j += 2
            name += "." + tokens[j].text
        words.append(name)
    return " ".join(words)


def _write_clause(tokens: list[Token], i: int) -> str | None:
    """The graph-writing clause at ``tokens[i]``, or None where the same keyword starts
    something else (``CREATE NODE TABLE``, ``CREATE DATABASE``, LadybugDB's ``DETACH db``)."""
    word = tokens[i].text.upper()
    after = tokens[i + 1:i + 3]
    if word in ("CREATE", "MERGE"):  # a pattern, or a named path: CREATE p = (a)-[:R]->(b)
        named_path = len(after) == 2 and after[0].kind == "word" and _is(after[1], "=")
        return word if after and (_is(after[0], "(") or named_path) else None
    if word == "DETACH":
        return "DETACH DELETE" if after and after[0].text.upper() == "DELETE" else None
    return word


def trailing_order(found: list[Token], columns: set[str]) -> int | None:
    """The offset of the query's last ORDER BY if it ends the query and sorts by columns only."""
    depth, last = 0, None
    for i, token in enumerate(found):
        if token.kind == "punct" and token.text in "({[":
            depth += 1
        elif token.kind == "punct" and token.text in ")}]":
            depth -= 1
        elif depth == 0 and token.kind == "word":
            word = token.text.upper()
            if word in ("RETURN", "WITH", "UNION", "MATCH", "UNWIND", "CALL", "OPTIONAL"):
                last = None
            elif word == "ORDER" and i + 1 < len(found) and found[i + 1].text.upper() == "BY":
                last = i
    if last is None:
        return None
    for token in found[last + 2:]:
        word = token.text.upper() if token.kind == "word" else ""
        if word in ("SKIP", "LIMIT"):
            break
        name = unquote(token)
        comma = token.kind == "punct" and token.text == ","
        column = token.kind in ("word", "name") and name in columns
        if not (comma or column or word in ("ASC", "ASCENDING", "DESC", "DESCENDING")):
            return None
    return found[last].pos
