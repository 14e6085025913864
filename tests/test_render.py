"""Hostile names in every output format: table, markdown and CSV show controls as escapes,
markdown shows no markup, CSV cells never start a formula, JSON stays exact (allegiance.render)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from allegiance.cli import cli
from allegiance.render import csv_cell, markdown_code, markdown_link, markdown_text, render, visible

ROWS = [
    {"subject": "evil", "subject_name": "<script>alert('name')</script>", "relation": "supports",
     "object": "esc", "object_name": "\x1b[31mRed\x1b[0m \u202eevil\nnext", "start": "2020-01", "end": None,
     "kinds": ["=1+1", "a\\|b"], "sources": ["@s1"], "statements": ["st1"], "contested": True, "weight": -3},
    {"subject": "x", "subject_name": "[click me](javascript:alert(1)) *b* \x9b2J", "relation": "opposes",
     "object": "y", "object_name": "-dash\tand\rcr", "start": None, "end": "2021", "kinds": [],
     "sources": [], "statements": [], "contested": False, "weight": 2},
]
# CommonMark (raw HTML on, as in most renderers) with GitHub's tables and strikethrough.
MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])
# Markdown's and HTML's special characters, controls and bidi overrides, and any character.
HOSTILE_CHARS = st.one_of(st.characters(), st.sampled_from(list("\\`*_[]()|~#$&<>!-+=.:/ 1a\n\x1b\x9b\u202e@{}\"'%")))
# No example database: a failure prints its example, and the tests keep nothing.
PROPERTY = settings(max_examples=400, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # the table fits its columns to the terminal


def test_a_table_shows_controls_as_escapes():
    assert render(ROWS, "table").splitlines() == [
        "SUBJECT                                     RELATION  OBJECT                               START    END   "
        "KINDS       SOURCES  CONTESTED  WEIGHT",
        "------------------------------------------  --------  -----------------------------------  -------  ----  "
        "----------  -------  ---------  ------",
        "<script>alert('name')</script>              supports  \\x1b[31mRed\\x1b[0m \\u202eevil\\nnext  2020-01        "
        "=1+1, a\\|b  @s1      yes        -3",
        "[click me](javascript:alert(1)) *b* \\x9b2J  opposes   -dash\\tand\\rcr                                2021  "
        "                                2",
    ]


def test_markdown_escapes_markup_and_html_and_keeps_each_row_on_its_line():
    assert render(ROWS, "markdown").splitlines() == [
        "| subject | relation | object | start | end | kinds | sources | contested | weight |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        "| &lt;script&gt;alert('name')&lt;/script&gt; | supports | \\\\x1b\\[31mRed\\\\x1b\\[0m \\\\u202eevil\\\\nnext "
        "| 2020-01 |  | =1+1, a\\\\\\|b | @s1 | yes | -3 |",
        "| \\[click me\\](javascript:alert(1)) \\*b\\* \\\\x9b2J | opposes | -dash\\\\tand\\\\rcr |  | 2021 |  |  "
        "|  | 2 |",
    ]


def test_markdown_renders_each_cell_as_its_text():
    tokens = MARKDOWN.parse(render(ROWS, "markdown"))
    cells = [t for t in tokens if t.type == "inline"][9:]  # after the header row
    assert {t.type for c in cells for t in c.children} == {"text"}  # no HTML, link, emphasis
    assert [c.children[0].content if c.children else "" for c in cells[:6]] == [
        "<script>alert('name')</script>", "supports", "\\x1b[31mRed\\x1b[0m \\u202eevil\\nnext", "2020-01", "",
        "=1+1, a\\|b"]


def test_csv_cells_never_start_a_formula_and_show_controls_as_escapes():
    out = render(ROWS, "csv")
    assert out == (
        "subject,subject_name,relation,object,object_name,start,end,kinds,sources,statements,contested,weight\n"
        "evil,<script>alert('name')</script>,supports,esc,\\x1b[31mRed\\x1b[0m \\u202eevil\\nnext,2020-01,,"
        "'=1+1; a\\|b,'@s1,st1,True,-3\n"
        "x,[click me](javascript:alert(1)) *b* \\x9b2J,opposes,y,'-dash\\tand\\rcr,,2021,,,,False,2")
    assert [len(r) for r in csv.reader(io.StringIO(out))] == [12, 12, 12]


@pytest.mark.parametrize(("value", "expected"), [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "\\tx"), ("\x1b=x", "\\x1b=x"),
    ("a=1", "a=1"), (-1, -1), (0.5, 0.5), (None, ""), (["=a", "b"], "'=a; b"), (True, True),
])
def test_csv_cell(value, expected):
    assert csv_cell(value) == expected


def test_json_stays_exact():
    assert json.loads(render(ROWS, "json")) == ROWS
    assert render(ROWS, "json") == json.dumps(ROWS, ensure_ascii=False, indent=2)


@pytest.mark.parametrize(("text", "expected"), [
    ("\x1b[2J", "\\x1b[2J"), ("a\nb\tc\rd", "a\\nb\\tc\\rd"), ("\x00\x7f\x85\x9b", "\\x00\\x7f\\x85\\x9b"),
    ("abc\u202edef", "abc\\u202edef"), ("\u2066x\u2069", "\\u2066x\\u2069"), ("a\u2028b", "a\\u2028b"),
    ("\ud800", "\\ud800"),
    # Kept: right-to-left marks, zero-width joiners (Persian writes with U+200C), accents.
    ("\u200f\u0644\u064a\u0628\u064a\u0627", "\u200f\u0644\u064a\u0628\u064a\u0627"), ("a\u200cb", "a\u200cb"),
    ("Stéphanie", "Stéphanie"),
])
def test_visible(text, expected):
    assert visible(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("<script>alert('name')</script>", "&lt;script&gt;alert('name')&lt;/script&gt;"),
    ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
    ("[click me](javascript:alert(1))", "\\[click me\\](javascript:alert(1))"),
    ("*a* _b_ `c` ~~d~~ $e$ a|b #f", "\\*a\\* \\_b\\_ \\`c\\` \\~\\~d\\~\\~ \\$e\\$ a\\|b \\#f"),
    ("a\\|b", "a\\\\\\|b"), ("&amp;", "&amp;amp;"), ("line\n# two", "line\\\\n\\# two"),
    ("- item", "\\- item"), ("+ item", "\\+ item"), ("---", "\\---"), ("1. item", "1\\. item"), ("2) item", "2\\) item"),
    ("-3", "-3"), ("2020-05", "2020-05"), ("armed_group", "armed_group"), ("  padded  ", "padded"),
])
def test_markdown_text(text, expected):
    assert markdown_text(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("gna", "`gna`"), ("a`b", "``a`b``"), ("`a", "`` `a ``"), ("a``b`", "``` a``b` ```"), ("<b>", "`<b>`"),
    ("a\x1bb", "`a\\x1bb`"),
])
def test_markdown_code(text, expected):
    assert markdown_code(text) == expected


@pytest.mark.parametrize(("url", "expected"), [
    ("https://example.org/a", "<https://example.org/a>"),
    ("HTTP://example.org/a b?q=<x>&r=(1)", "<HTTP://example.org/a%20b?q=%3Cx%3E&r=(1)>"),
    ("https://example.org/é", "<https://example.org/%C3%A9>"),
    ("javascript:alert(1)", "javascript:alert(1)"), (" https://example.org", "https://example.org"),
    ("data:text/html,<script>", "data:text/html,&lt;script&gt;"), ("https://x\n.org", "https://x\\\\n.org"),
    ("//example.org", "//example.org"),
])
def test_markdown_link(url, expected):
    assert markdown_link(url) == expected


def _inline(source: str) -> list:
    """The inline tokens of the last block of ``source``, as a CommonMark renderer sees them."""
    blocks = [t for t in MARKDOWN.parse(source) if t.type == "inline"]
    return list(blocks[-1].children or []) if blocks else []


@PROPERTY
@given(st.text(alphabet=HOSTILE_CHARS, max_size=16),
       st.sampled_from(["## {}", "- **Backs:**\n  - {}", "1. {}", "| a |\n| --- |\n| {} |"]))
def test_markdown_text_renders_as_the_text_it_escapes(text, context):
    """Wherever the report or a table puts a value, it renders as its text, never as markup."""
    assume(visible(text).strip())  # an empty value leaves no block to look at
    tokens = _inline(context.format(markdown_text(text)))
    assert [t.type for t in tokens] == ["text"]
    assert "".join(t.content for t in tokens) == visible(text).strip()


@PROPERTY
@given(st.text(alphabet=HOSTILE_CHARS, min_size=1, max_size=16))
def test_markdown_code_renders_as_the_text_it_quotes(text):
    tokens = _inline("- " + markdown_code(text))
    assert [(t.type, t.content) for t in tokens] == [("code_inline", visible(text))]


@PROPERTY
@given(st.sampled_from(["http://", "HTTPS://", "javascript:", "JavaScript:", " javascript:", "data:", "vbscript:",
                        "java\nscript:", "\x01https://", ""]),
       st.text(alphabet=HOSTILE_CHARS, max_size=16))
def test_only_http_and_https_urls_become_links(scheme, rest):
    url = scheme + rest
    tokens = _inline("1. Title. " + markdown_link(url))
    links = [t.attrs["href"] for t in tokens if t.type == "link_open"]
    if scheme.lower() in ("http://", "https://") and visible(url) == url:
        assert links and links[0].lower().startswith(scheme.lower()) and len(links) == 1
    elif not url.lower().startswith(("http://", "https://")):
        assert links == [] and {t.type for t in tokens} == {"text"}


def test_hostile_names_through_the_store_and_the_cli(make_store):
    store = make_store(r"""
        sources: [{id: s1, title: "=HYPERLINK(\"http://x\")"}]
        actors:
          - {id: evil, name: "<script>alert(1)</script>", type: state}
          - {id: esc, name: "\e[31mRed\u202e|x", type: state}
        statements: [{subject: evil, relation: supports, object: esc, source: s1}]
    """)
    store.close()  # the command opens it

    def query(fmt: str) -> str:
        result = CliRunner().invoke(cli, ["query", "relations", "--format", fmt, "--store", str(store.path)])
        assert result.exit_code == 0, result.output
        return result.stdout

    assert query("table").splitlines()[2] == (
        "<script>alert(1)</script>  supports  \\x1b[31mRed\\u202e|x" + " " * 21 + "s1")
    assert query("markdown").splitlines()[2] == (
        "| &lt;script&gt;alert(1)&lt;/script&gt; | supports | \\\\x1b\\[31mRed\\\\u202e\\|x |  |  |  | s1 |  |")
    assert query("csv").splitlines()[1].startswith("evil,<script>alert(1)</script>,supports,esc,\\x1b[31mRed\\u202e|x,")
    assert json.loads(query("json"))[0]["object_name"] == "\x1b[31mRed\u202e|x"


def test_xml_text_escapes_only_what_xml_cannot_hold():
    from allegiance.render import xml_text

    # C0 controls but tab, newline and CR; U+FFFE and U+FFFF. C1 controls and bidi marks are
    # XML characters: kept, as is markup, which the XML writer escapes itself.
    assert xml_text("a\x00\x1b[0m\x0b\x0c\t\n\r\x85\u202e<&>\ufffe\uffff") == "a\\x00\\x1b[0m\\x0b\\x0c\t\n\r\x85\u202e<&>\\ufffe\\uffff"
