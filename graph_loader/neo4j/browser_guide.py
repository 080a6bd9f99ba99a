"""Neo4j Browser material generated from the project's own sources: a guide of the query library and a style.

* :func:`guide_html` — a Browser guide (the ``<article class="guide">`` format that ``:guide <url>`` and
  ``:play <url>`` read) made from the ``cypher/`` headers (:mod:`.catalogue`): one slide per theme, each query with
  its description, a runnable ``:params {…}`` frame that sets its parameters (when it has any) and a runnable frame
  of the query alone. (One frame holding ``:param`` lines and the query runs in Browser 5's multi-statement mode,
  which shows each statement's status but not the query's rows.) The article's three tables (theme ``tables``)
  come first after the introduction; a last slide lists the ontology's labels and relationship types with their
  English and Spanish labels, and a frame that applies the style.
* :func:`grass` — a Browser style (GraSS) from the ontology's viz styles (:meth:`GraphSchema.styles`): colour and
  diameter per node label (superclasses' rules first, so the most specific label's colour wins), caption ``name``,
  relationship captions ``<type>``.

Nothing here is hand-written per query: a new ``.cypher`` file appears in the guide the next time it is written.
Browser fetches a remote guide from a host in ``browser.remote_content_hostname_allowlist`` (``localhost`` by
default, also under docker compose) and needs the response to allow its origin (CORS), after a preflight
``OPTIONS`` request (Browser 5.24 sends headers of its own): :func:`serve` does all three.
"""

from __future__ import annotations

import html
import json
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from rdflib import RDFS, URIRef

from ..ontology.load import ontology_graph
from ..ontology.schema import GraphSchema, load_schema
from .catalogue import NamedQuery, catalogue

GUIDE_FILE = "guide.html"
STYLE_FILE = "style.grass"
#: Themes in guide order (others follow alphabetically); the loader's own themes are left out.
THEME_ORDER = ("tables", "networks", "institutions", "funding", "programmes", "advocacy", "provenance")
SKIPPED_THEMES = ("schema", "audit")
#: Node diameter (px) by vis.js shape: shapes that hold their caption inside are drawn larger, as in our HTML views.
DIAMETER_PX = {"box": 65, "ellipse": 65, "database": 65, "text": 55}
DEFAULT_DIAMETER_PX = 50


# -- style ---------------------------------------------------------------------------------------------------------
def _text_colour(hex_colour: str) -> str:
    """Black or white, whichever reads better on ``hex_colour``."""
    try:
        r, g, b = (int(hex_colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))
    except ValueError:
        return "#000000"
    return "#000000" if 0.299 * r + 0.587 * g + 0.114 * b > 150 else "#ffffff"


def grass(schema: GraphSchema | None = None) -> str:
    """The Browser style sheet (GraSS) of the ontology's labels and relationship types."""
    schema = schema or load_schema()
    styles = schema.styles()
    lines = ["node {", "  diameter: 50px;", "  color: #A5ABB6;", "  border-color: #9AA1AC;",
             "  text-color-internal: #FFFFFF;", "  font-size: 10px;", "  caption: '{name}';", "}",
             "relationship {", "  color: #A5ABB6;", "  shaft-width: 1px;", "  font-size: 8px;",
             "  padding: 3px;", "  text-color-external: #000000;", "  text-color-internal: #FFFFFF;",
             "  caption: '<type>';", "}"]
    # Browser styles a node with every rule one of its labels matches, a later rule overriding an earlier one, and
    # a node carries its superclasses' labels too: the most specific class's rule must come last, or a
    # HometownAssociation is drawn in the colour of Organisation.
    depth = {info.label: info.depth for info in schema.classes.values()}
    for label in sorted(schema.node_labels & set(styles), key=lambda lab: (depth.get(lab, 0), lab)):
        style = styles[label]
        colour = style.get("color", "#999999")
        diameter = DIAMETER_PX.get(style.get("shape", ""), DEFAULT_DIAMETER_PX)
        lines += [f"node.{label} {{", f"  color: {colour};", f"  border-color: {colour};",
                  f"  text-color-internal: {_text_colour(colour)};", f"  diameter: {diameter}px;",
                  "  caption: '{name}';", "}"]
    for rel_type in sorted(schema.relationship_types):
        lines += [f"relationship.{rel_type} {{", "  caption: '<type>';", "}"]
    return "\n".join(lines) + "\n"


# -- guide ---------------------------------------------------------------------------------------------------------
def _cypher_literal(value) -> str:
    """A default value as Cypher text for a ``:params`` map."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False).replace('\\"', "\\'").replace('"', "'")


def params_text(query: NamedQuery) -> str | None:
    """The frame that sets a query's parameters to their defaults (``:params {…}``, which also clears any other
    parameter), a ``folded`` one's folded form (``nameKey``) beside it; None for a query without parameters."""
    if not query.params:
        return None
    values = {}
    for p in query.params:
        values[p.name] = p.default
        if p.folded:
            values[p.key] = p.folded_value(p.default)
    return ":params {" + ", ".join(f"{name}: {_cypher_literal(value)}" for name, value in values.items()) + "}"


def frame_text(query: NamedQuery) -> str:
    """The query's runnable frame: its text without the header comments."""
    return "\n".join(line for line in query.text.splitlines() if not line.lstrip().startswith("//")).strip()


def _frame(query: NamedQuery) -> str:
    params = "".join(
        f"<li><code>${html.escape(p.name)}</code> ({html.escape(p.type)}"
        f"{', optional' if p.optional else ''})"
        + (f"; set <code>${html.escape(p.key)}</code> with it: the same name in lower case, accents dropped"
           if p.folded else "") + "</li>" for p in query.params)
    frames = [text for text in (params_text(query), frame_text(query)) if text]
    return (f'<h4>{html.escape(query.name)}</h4>\n<p>{html.escape(query.description)}</p>\n'
            + (f"<ul>{params}</ul>\n" if params else "")
            + "".join(f'<pre mode="cypher" class="runnable code">{html.escape(text)}</pre>\n' for text in frames))


def _labels(graph, iri: str) -> tuple[str, str]:
    found = {lit.language: str(lit) for lit in graph.objects(URIRef(iri), RDFS.label)}
    return found.get("en", ""), found.get("es", "")


def _ontology_slide(schema: GraphSchema) -> str:
    graph = ontology_graph()
    rows = []
    for info in sorted(schema.classes.values(), key=lambda c: c.label):
        if info.label in schema.node_labels:
            en, es = _labels(graph, info.iri)
            rows.append(f"<tr><td><code>:{info.label}</code></td><td>{html.escape(en)}</td>"
                        f"<td>{html.escape(es)}</td></tr>")
    rel_rows = []
    seen = set()
    props = [(p.type, p.iri) for p in schema.object_properties.values() if p.type in schema.relationship_types]
    props += [(n.type, n.class_iri) for n in schema.nary.values()]
    for rel_type, iri in sorted(props):
        if rel_type in seen:
            continue
        seen.add(rel_type)
        en, es = _labels(graph, iri)
        rel_rows.append(f"<tr><td><code>[:{rel_type}]</code></td><td>{html.escape(en)}</td>"
                        f"<td>{html.escape(es)}</td></tr>")
    table = "<table><tr><th>{}</th><th>en</th><th>es</th></tr>{}</table>"
    return (
        "<slide>\n<h3>The ontology in the graph</h3>\n"
        "<p>Apply the project's style (colours and sizes of our HTML views, caption <code>name</code>):</p>\n"
        f'<pre mode="cypher" class="runnable code">:style {html.escape(grass(schema))}</pre>\n'
        f"<h4>Labels</h4>\n{table.format('label', ''.join(rows))}\n"
        f"<h4>Relationship types</h4>\n{table.format('type', ''.join(rel_rows))}\n</slide>\n"
    )


def guide_html(schema: GraphSchema | None = None, queries: dict[str, NamedQuery] | None = None) -> str:
    """The guide of the query library (see the module docstring)."""
    schema = schema or load_schema()
    queries = catalogue() if queries is None else queries
    themes: dict[str, list[NamedQuery]] = {}
    for query in sorted(queries.values(), key=lambda q: (str(q.path))):
        if query.theme not in SKIPPED_THEMES and query.mode == "read":
            themes.setdefault(query.theme, []).append(query)
    order = [t for t in THEME_ORDER if t in themes] + sorted(set(themes) - set(THEME_ORDER))
    slides = [
        "<slide>\n<h3>diaspora-kg: the query library</h3>\n"
        "<p>One slide per theme of <code>cypher/</code>. Click a frame to put it in the editor, then run it: "
        "a query's first frame sets its parameters with <code>:params</code> (edit one first to ask about "
        "another organisation, country or programme), the second runs the query. The first slide holds the "
        "article's three tables; "
        "the last one the ontology's labels and relationship types, and a frame that applies the project's "
        "style.</p>\n"
        f"<ul>{''.join(f'<li>{html.escape(t)} ({_count(len(themes[t]))})</li>' for t in order)}</ul>\n</slide>\n"
    ]
    for theme in order:
        title = "The article's tables" if theme == "tables" else theme.capitalize()
        body = "".join(_frame(q) for q in themes[theme])
        slides.append(f"<slide>\n<h3>{html.escape(title)}</h3>\n{body}</slide>\n")
    slides.append(_ontology_slide(schema))
    return ('<article class="guide">\n<carousel class="deck container-fluid">\n'
            + "".join(slides) + "</carousel>\n</article>\n")


def write(folder: Path) -> dict[str, Path]:
    """Write the guide and the style into ``folder``; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    schema = load_schema()
    paths = {"guide": folder / GUIDE_FILE, "style": folder / STYLE_FILE}
    paths["guide"].write_text(guide_html(schema), encoding="utf-8")
    paths["style"].write_text(grass(schema), encoding="utf-8")
    return paths


# -- serving -------------------------------------------------------------------------------------------------------
class _GuideHandler(SimpleHTTPRequestHandler):
    """Static files of one folder (GET and HEAD) with the CORS headers Browser's fetch needs; no request log.

    Browser 5.24 fetches a remote guide with request headers of its own, so Chromium first sends a CORS preflight
    (``OPTIONS``): without an answer to it (the base class answers 501) the guide never loads.
    """

    def end_headers(self):
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_OPTIONS(self):  # noqa: N802 — the base class's naming
        self.send_response(204)
        self.send_header("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
        requested = self.headers.get("Access-Control-Request-Headers")
        if requested:
            self.send_header("Access-Control-Allow-Headers", requested)
        self.send_header("Access-Control-Max-Age", "600")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format, *args):  # noqa: A002 — the base class's name
        pass


def serve(folder: Path, port: int = 0) -> tuple[ThreadingHTTPServer, str]:
    """Serve ``folder`` on 127.0.0.1 (``port`` 0: a free one) in a daemon thread; returns the server and the
    guide's URL (``http://localhost:<port>/guide.html``: ``localhost`` is on Browser's default allowlist)."""
    server = ThreadingHTTPServer(("127.0.0.1", port), partial(_GuideHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True, name="guide-server").start()
    return server, f"http://localhost:{server.server_address[1]}/{GUIDE_FILE}"


def _count(queries: int) -> str:
    return f"{queries} query" if queries == 1 else f"{queries} queries"
