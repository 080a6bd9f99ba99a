"""The report's blocks: data is text in Markdown and in HTML, whatever it holds (issue 25, item 16)."""

from __future__ import annotations

import html
import re

import markdown
import pytest

from graph_loader.report.blocks import (
    CONTENT_SECURITY_POLICY,
    Bullets,
    Code,
    Link,
    Paragraph,
    Strong,
    Table,
    md_text,
    render_html,
    render_markdown,
)

HOSTILE = [
    "Club ![x](http://127.0.0.1:7778/leak.png) [Read](javascript:alert(document.domain))",
    "<img src=x onerror=alert(1)>",
    "<http://127.0.0.1:7778/auto>",
    "*2003* and _x_ and **b** and `code` and a|b and \\[y]",
    "# not a heading",
    "1. not a list",
    "&lt;script&gt; and &#60;b&#62;",
    "[ref]: http://127.0.0.1:7778/x",
]


def plain(rendered: str) -> str:
    """The text a reader sees in rendered HTML."""
    return html.unescape(re.sub(r"<[^>]+>", "", rendered)).strip()


@pytest.mark.parametrize("name", HOSTILE)
def test_a_name_renders_as_itself_in_markdown(name):
    for blocks in ([Paragraph([name])], [Paragraph([Strong(name)])], [Bullets([[name]])],
                   [Table(["name"], [[name]])]):
        rendered = markdown.markdown(render_markdown(blocks), extensions=["tables"])
        assert "<img" not in rendered and "<a " not in rendered and "<script" not in rendered
        assert name.strip() in plain(rendered).replace("\n", " ") or plain(rendered).endswith(name.strip())


@pytest.mark.parametrize("name", HOSTILE)
def test_a_name_renders_as_itself_in_html(name):
    page = render_html([Paragraph([Strong(name)]), Table(["name"], [[name]]), Paragraph([Code(name)])], title=name)
    body = page.split("<body>", 1)[1]
    assert "<img" not in body and "<a " not in body and "<script" not in body
    assert body.count(html.escape(name)) == 3
    assert f'content="{CONTENT_SECURITY_POLICY}"' in page


def test_links_go_only_to_files_beside_the_report():
    assert "[brokers.csv](brokers.csv)" in render_markdown([Paragraph([Link("brokers.csv", "brokers.csv")])])
    for target in ("javascript:alert(1)", "http://example.org/", "/etc/passwd", "data:text/html,x"):
        with pytest.raises(ValueError):
            Link("x", target)


def test_markdown_stays_readable():
    # underscores inside words (query names) and ordinary punctuation are left alone
    assert md_text("who_funds_what: US$15,000 (2003).") == "who_funds_what: US$15,000 (2003)."
