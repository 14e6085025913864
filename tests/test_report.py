"""The situation report shows data as text: names, titles and URLs never become markup."""

from __future__ import annotations

from click.testing import CliRunner
from markdown_it import MarkdownIt

from allegiance.cli import cli
from allegiance.report import situation_report

NODES = {
    "evil": {"name": "<script>alert('name')</script>", "type": "state", "country": "<b>XX</b>"},
    "esc": {"name": "\x1b[31mRed\x1b[0m \u202eevil\n## Injected", "type": "armed_group", "country": None},
    "list": {"name": "- 1. *not a list*", "type": "person", "country": None},
    "tick": {"name": "Tick", "type": "state", "country": None},
}
SOURCES = {
    "s1": {"title": "[click me](javascript:alert(1))", "publisher": "<img src=x onerror=alert(2)>",
           "url": "javascript:alert(3)", "published": "2020-05-18"},
    "s2": {"title": "Fine _report_", "publisher": None, "url": "https://example.org/a b?q=<x>&r=(1)", "published": None},
    "s`3": {"title": None, "publisher": None, "url": "HTTPS://EXAMPLE.ORG/", "published": None},
}


def row(subject, relation, obj, sources, kinds=(), start=None, end=None, contested=False):
    return {"subject": subject, "relation": relation, "object": obj, "start": start, "end": end,
            "kinds": list(kinds), "sources": sources, "statements": [], "contested": contested}


ROWS = [row("evil", "supports", "esc", ["s1"], ["<i>arms</i>"], "2020-01"),
        row("list", "opposes", "evil", ["s2", "s`3"], end="2021", contested=True),
        row("tick", "supports", "list", ["s2"])]


def test_names_titles_and_urls_are_escaped():
    assert situation_report(ROWS, NODES, SOURCES, as_of="2020-05", known_at="2021") == "\n".join([
        "# Situation report, as of 2020-05",
        "",
        "From sources published on or before 2021.",
        "",
        "## \\\\x1b\\[31mRed\\\\x1b\\[0m \\\\u202eevil\\\\n\\#\\# Injected",
        "",
        "`esc`, armed_group",
        "",
        "- **Backed by:**",
        "  - &lt;script&gt;alert('name')&lt;/script&gt; (&lt;i&gt;arms&lt;/i&gt;, since 2020-01) [3]",
        "",
        "## \\- 1. \\*not a list\\*",
        "",
        "`list`, person",
        "",
        "- **Backed by:**",
        "  - Tick (dates unknown) [1]",
        "- **Opposes:**",
        "  - &lt;script&gt;alert('name')&lt;/script&gt; (until 2021) **(contested)** [1][2]",
        "",
        "## &lt;script&gt;alert('name')&lt;/script&gt;",
        "",
        "`evil`, state, &lt;b&gt;XX&lt;/b&gt;",
        "",
        "- **Backs:**",
        "  - \\\\x1b\\[31mRed\\\\x1b\\[0m \\\\u202eevil\\\\n\\#\\# Injected (&lt;i&gt;arms&lt;/i&gt;, since 2020-01) [3]",
        "- **Opposed by:**",
        "  - \\- 1. \\*not a list\\* (until 2021) **(contested)** [1][2]",
        "",
        "## Tick",
        "",
        "`tick`, state",
        "",
        "- **Backs:**",
        "  - \\- 1. \\*not a list\\* (dates unknown) [1]",
        "",
        "## Sources",
        "",
        "1. Fine \\_report\\_. <https://example.org/a%20b?q=%3Cx%3E&r=(1)> (`s2`)",
        "2. s\\`3. <HTTPS://EXAMPLE.ORG/> (``s`3``)",
        "3. \\[click me\\](javascript:alert(1)). &lt;img src=x onerror=alert(2)&gt;. 2020-05-18. "
        "javascript:alert(3) (`s1`)",
        "",
    ])


# What a name or a title must never turn into.
MARKUP = {"html_block", "html_inline", "image", "hr", "blockquote_open", "code_block", "fence", "em_open"}


def _rendered(markdown: str) -> tuple[list[str], list[str], list[str]]:
    """Token types, link targets and heading texts of ``markdown``, as a CommonMark renderer reads it."""
    tokens = MarkdownIt("commonmark").parse(markdown)
    inline = [child for t in tokens if t.type == "inline" for child in t.children]
    headings = ["".join(c.content for c in tokens[i + 1].children) for i, t in enumerate(tokens) if t.type == "heading_open"]
    return ([t.type for t in [*tokens, *inline]], [t.attrs["href"] for t in inline if t.type == "link_open"],
            headings)


def test_the_report_renders_no_html_and_links_only_http():
    types, links, headings = _rendered(situation_report(ROWS, NODES, SOURCES))
    assert not MARKUP & set(types)
    assert links == ["https://example.org/a%20b?q=%3Cx%3E&r=(1)", "HTTPS://EXAMPLE.ORG/"]
    assert headings == ["Situation report, whole record", "\\x1b[31mRed\\x1b[0m \\u202eevil\\n## Injected",
                        "- 1. *not a list*", "<script>alert('name')</script>", "Tick", "Sources"]
    # Per actor a list of headings, in it a list per heading (4 + 6); the numbered sources: none from a name.
    assert (types.count("bullet_list_open"), types.count("ordered_list_open")) == (10, 1)


def test_the_report_through_the_cli(make_store):
    store = make_store("""
        sources: [{id: s1, title: "[x](javascript:alert(1))", url: "javascript:alert(2)"}]
        actors:
          - {id: evil, name: "<script>alert(1)</script>", type: state}
          - {id: gna, name: "GNA", type: government}
        statements: [{subject: evil, relation: supports, object: gna, source: s1}]
    """)
    store.close()  # the command opens it
    result = CliRunner().invoke(cli, ["report", "--store", str(store.path)])
    assert result.exit_code == 0, result.output
    assert "\n## &lt;script&gt;alert(1)&lt;/script&gt;\n" in result.stdout
    assert "\n1. \\[x\\](javascript:alert(1)). javascript:alert(2) (`s1`)\n" in result.stdout
    types, links, _ = _rendered(result.stdout)
    assert links == [] and not MARKUP & set(types)
