"""The report as a list of blocks (headings, paragraphs, tables, lists, figures), rendered twice: Markdown and HTML.

Names, quotes and every other value in the graph are user data. Neither rendering ever passes them through a
parser: in Markdown each character that could open a link, an image, emphasis, code, a table cell or raw HTML is
escaped (``md_text``); in HTML every text is escaped as text (``html.escape``) and the page is built here, not
converted from the Markdown. Only the report's own constants become markup: a link's target is always a file the
run wrote, never a value from the data. So an association named
``Club ![x](http://127.0.0.1:7778/leak.png) [Read](javascript:alert(1))`` reads as exactly that, in both files.

>>> doc = [Heading(1, "Report"), Paragraph(["A name: ", Strong("Club ![x](http://h/x.png)"), "."])]
>>> print(render_markdown(doc))
# Report
<BLANKLINE>
A name: **Club !\\[x\\](http://h/x.png)**.
<BLANKLINE>
>>> "<img" in render_html(doc, title="t")
False
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from urllib.parse import quote

# -- inline parts: a plain str is text -------------------------------------------------------------------------


@dataclass(frozen=True)
class Strong:
    text: str


@dataclass(frozen=True)
class Emph:
    text: str


@dataclass(frozen=True)
class Code:
    """Inline code: a command or a name to type."""

    text: str


@dataclass(frozen=True)
class Link:
    """A link to a file the run wrote (``href`` relative to the report, never taken from the data)."""

    text: str
    href: str

    def __post_init__(self):
        if ":" in self.href or self.href.startswith(("/", "\\")):
            raise ValueError(f"a report links only to files beside it, not {self.href!r}")


Inline = str | Strong | Emph | Code | Link

# -- blocks ---------------------------------------------------------------------------------------------------


@dataclass
class Heading:
    level: int
    text: str


@dataclass
class Paragraph:
    parts: list


@dataclass
class Bullets:
    items: list  # each a list of inline parts
    numbered: bool = False


@dataclass
class Table:
    """A table: ``rows`` of cell texts; ``more``, the line under it when rows were left out; ``numeric``, the
    indices of columns aligned right."""

    columns: list[str]
    rows: list[list[str]]
    more: list | None = None
    numeric: set[int] = field(default_factory=set)


@dataclass
class Figure:
    """A picture: ``src`` for the Markdown (a file beside the report), ``data`` the PNG bytes the HTML carries in
    line (its content security policy allows no file), ``alt`` text and a caption."""

    src: str
    data: bytes | None
    alt: str
    caption: list


@dataclass
class Raw:
    """A block of the report's own Markdown and HTML (for layout), never holding data."""

    markdown: str
    html: str


Block = Heading | Paragraph | Bullets | Table | Figure | Raw

# -- Markdown --------------------------------------------------------------------------------------------------

# CommonMark escapes any ASCII punctuation with a backslash. These open links and images ([ ]), emphasis (*, and _
# unless inside a word, where it never does), code (`), table cells (|) and backslash escapes; "<" is written as an entity, since Python-Markdown passes "\<"
# through and would then read raw HTML; "&" only where it would start an entity.
_MD_SPECIAL = re.compile(r"([\\`*\[\]|]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))")
_ENTITY_LIKE = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_LINE_START = re.compile(r"^(\s*)(>|(?:[#+-]|\d+[.)])(?=\s|$))")


def md_text(text: str, *, block_start: bool = True) -> str:
    """``text`` escaped for Markdown: it renders as itself, never as a link, image, emphasis, code or HTML.

    With ``block_start`` a leading ``#``, ``>``, ``-``, ``+`` or ``1.`` is escaped too (it would open a heading, a
    quote or a list at the start of a paragraph; not in a table cell).

    >>> md_text("Club ![x](http://a/b.png) <img src=x> *2003* a|b")
    'Club !\\\\[x\\\\](http://a/b.png) &lt;img src=x> \\\\*2003\\\\* a\\\\|b'
    """
    text = str(text).replace("\r", " ").replace("\n", " ")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _ENTITY_LIKE.sub("&amp;", text).replace("<", "&lt;")
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text) if block_start else text


def _md_code(text: str) -> str:
    # a code span fenced by more backticks than any run inside it (CommonMark), padded when it starts or ends with one
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or longest else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _md_inline(parts) -> str:
    out = []
    for part in parts if isinstance(parts, list) else [parts]:
        if isinstance(part, Strong):
            out.append(f"**{md_text(part.text)}**")
        elif isinstance(part, Emph):
            out.append(f"_{md_text(part.text)}_")
        elif isinstance(part, Code):
            out.append(_md_code(part.text))
        elif isinstance(part, Link):
            out.append(f"[{md_text(part.text)}]({quote(part.href, safe='/#')})")
        else:
            out.append(md_text(part))
    return "".join(out)


def render_markdown(blocks: list) -> str:
    """The blocks as Markdown (CommonMark with GitHub's tables)."""
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            lines += [f"{'#' * block.level} {md_text(block.text)}", ""]
        elif isinstance(block, Paragraph):
            lines += [_md_inline(block.parts), ""]
        elif isinstance(block, Bullets):
            lines += [f"{f'{i}.' if block.numbered else '-'} {_md_inline(item)}"
                      for i, item in enumerate(block.items, 1)] + [""]
        elif isinstance(block, Table):
            align = ["---:" if i in block.numeric else "---" for i in range(len(block.columns))]
            lines += ["| " + " | ".join(md_text(c, block_start=False) for c in block.columns) + " |",
                      "|" + "|".join(align) + "|"]
            lines += ["| " + " | ".join(md_text(cell, block_start=False) for cell in row) + " |" for row in block.rows]
            lines.append("")
            if block.more:
                lines += [_md_inline(block.more), ""]
        elif isinstance(block, Figure):
            lines += [f"![{md_text(block.alt)}]({quote(block.src)})", ""]
            if block.caption:
                lines += [f"_{_md_inline(block.caption)}_", ""]
        elif isinstance(block, Raw):
            if block.markdown:
                lines += [block.markdown, ""]
    return "\n".join(lines)


# -- HTML ------------------------------------------------------------------------------------------------------

#: The page's Content-Security-Policy: the network page's (``viz/assets/page.html``) without scripts, since the
#: report has none. Nothing is fetched: styles in line, the figure as a ``data:`` image; no form, no base URL.
CONTENT_SECURITY_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
                           "form-action 'none'")

_STYLE = """body{font-family:system-ui,sans-serif;max-width:1280px;margin:2em auto;padding:0 1em;line-height:1.45;
color:#222}h1{margin-bottom:.2em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:1.8em}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0;display:block;overflow-x:auto}
td,th{border:1px solid #ccc;padding:.2em .5em;vertical-align:top}th{background:#f3f3f3;text-align:left}
td.n{text-align:right;white-space:nowrap}code{background:#f4f4f4;padding:0 .2em;font-size:.9em}
figure{margin:1em 0}figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{font-size:.85em;color:#555}.first{display:flex;gap:1.5em;align-items:flex-start;flex-wrap:wrap}
.first>div{flex:1 1 420px;min-width:320px}.first>div+div{flex:1.4 1 560px}.first li{margin-bottom:.3em}
.more{font-size:.85em;color:#555}"""


def _html_inline(parts) -> str:
    out = []
    for part in parts if isinstance(parts, list) else [parts]:
        if isinstance(part, Strong):
            out.append(f"<strong>{html.escape(part.text)}</strong>")
        elif isinstance(part, Emph):
            out.append(f"<em>{html.escape(part.text)}</em>")
        elif isinstance(part, Code):
            out.append(f"<code>{html.escape(part.text)}</code>")
        elif isinstance(part, Link):
            out.append(f'<a href="{html.escape(quote(part.href, safe="/#"))}">{html.escape(part.text)}</a>')
        else:
            out.append(html.escape(str(part)))
    return "".join(out)


def _html_block(block) -> str:
    if isinstance(block, Heading):
        anchor = re.sub(r"[^a-z0-9]+", "-", block.text.lower()).strip("-")
        return f'<h{block.level} id="{anchor}">{html.escape(block.text)}</h{block.level}>'
    if isinstance(block, Paragraph):
        return f"<p>{_html_inline(block.parts)}</p>"
    if isinstance(block, Bullets):
        tag = "ol" if block.numbered else "ul"
        return f"<{tag}>" + "".join(f"<li>{_html_inline(item)}</li>" for item in block.items) + f"</{tag}>"
    if isinstance(block, Table):
        head = "".join(f"<th>{html.escape(c)}</th>" for c in block.columns)
        body = "".join("<tr>" + "".join(f'<td{" class=n" if i in block.numeric else ""}>{html.escape(cell)}</td>'
                                         for i, cell in enumerate(row)) + "</tr>" for row in block.rows)
        more = f'<p class="more">{_html_inline(block.more)}</p>' if block.more else ""
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"
    if isinstance(block, Figure):
        import base64

        src = f"data:image/png;base64,{base64.b64encode(block.data).decode()}" if block.data else ""
        caption = f"<figcaption>{_html_inline(block.caption)}</figcaption>" if block.caption else ""
        return f'<figure><img src="{src}" alt="{html.escape(block.alt)}">{caption}</figure>'
    if isinstance(block, Raw):
        return block.html
    raise TypeError(f"not a report block: {block!r}")


def render_html(blocks: list, *, title: str) -> str:
    """The blocks as one self-contained HTML page under a strict Content-Security-Policy."""
    body = "\n".join(_html_block(block) for block in blocks)
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">\n'
            f'<meta name="referrer" content="no-referrer">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>\n<body>\n{body}\n</body></html>\n")
