"""Visualisation benchmark: how long until an exported network page is interactive in headless Chromium.

For each size *n* the script takes *n* nodes of the full graph of a synthetic corpus (actors, places,
programmes, projects: :func:`graph_loader.analysis.projections.full`), exports them with
:func:`graph_loader.viz.write_html` and opens the page in headless Chromium (selenium, ``/usr/bin/chromedriver``).
It reports the export time and file size, the seconds from opening the page until it says it is ready
(``dkg.ready``: laid out and drawn, precomputed layout above 1,500 nodes), the same instant as the page measured
it (``performance.now()``, from navigation start), and the time one redraw takes once ready.

Run: ``python -m benchmarks.viz --sizes 5000`` (``--quick`` for a smoke run).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

from graph_loader.analysis.projections import full
from graph_loader.ontology.schema import load_schema
from graph_loader.rdf.mapping import map_triples
from graph_loader.rdf.sources import from_mapped
from graph_loader.rdf.synth import synthetic_triples
from graph_loader.viz import write_html

from .common import OUT, machine, package_version, parser, resolve, seconds_text, table, write_section

SIZES = (5_000,)
QUICK_SIZES = (200,)
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
CHROMIUM_FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--window-size=1400,900")
#: Triples per node of the full graph, a little generous so the corpus always has enough nodes.
TRIPLES_PER_NODE = 25
#: Resolves with the milliseconds from a redraw request to the end of the frame it draws.
TIME_REDRAW = """
const done = arguments[arguments.length - 1];
const started = performance.now();
dkg.network.once("afterDrawing", () => done(performance.now() - started));
dkg.network.redraw();
"""


def network_of(nodes: int) -> nx.MultiDiGraph:
    """``nodes`` nodes (in generation order: places and bodies first, then associations and their projects)."""
    schema = load_schema()
    G = full(from_mapped(map_triples(synthetic_triples(nodes * TRIPLES_PER_NODE, 0), schema)).to_networkx(schema))
    return G.subgraph(list(G)[:nodes]).copy()


def chromium(profile: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER), log_output=os.devnull),
                              options=options)
    driver.set_page_load_timeout(600)
    driver.set_script_timeout(120)
    return driver


def measure(driver, nodes: int, timeout: float) -> list:
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    G = network_of(nodes)
    started = time.perf_counter()
    summary = write_html(G, OUT / f"network-{nodes}.html", styles=load_schema().styles())
    exported = time.perf_counter() - started
    driver.get("about:blank")
    started = time.perf_counter()
    driver.get(summary.path.as_uri())
    try:
        WebDriverWait(driver, timeout, poll_frequency=0.05).until(
            lambda d: d.execute_script("return !!(window.dkg && window.dkg.ready)"))
    except TimeoutException:
        ready, page_ms, redraw_ms = f"> {timeout:.0f} s", "-", "-"
    else:
        ready = seconds_text(time.perf_counter() - started)
        page_ms = f"{driver.execute_script('return dkg.readyMs;') / 1000:.3g} s"
        redraw_ms = f"{driver.execute_async_script(TIME_REDRAW):.0f} ms"
    return [f"{summary.nodes:,}", f"{summary.edges:,}", summary.mode, seconds_text(exported),
            f"{summary.bytes / 2**20:.1f} MB", ready, page_ms, redraw_ms]


COLUMNS = ("nodes", "ties", "layout", "export", "page size", "interactive after (wall)",
           "interactive after (page clock)", "one redraw")


def main(argv: list[str] | None = None) -> int:
    args = resolve(parser(__doc__.split("\n", 1)[0], SIZES, QUICK_SIZES).parse_args(argv))
    if not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()):
        print("headless Chromium is not installed (scripts/install-chromium.sh): nothing measured", file=sys.stderr)
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-chromium-") as profile:
        driver = chromium(Path(profile))
        try:
            about = machine(chromium=driver.capabilities.get("browserVersion", "?"),
                            selenium=package_version("selenium"), pyvis=package_version("pyvis"))
            for nodes in args.sizes:
                rows.append(measure(driver, nodes, args.timeout))
                print(" | ".join(rows[-1]), flush=True)
        finally:
            driver.quit()
    print("\n" + table(COLUMNS, rows))
    body = "## Visualisation\n\n" + table(COLUMNS, rows) + "\n\n" + EXPLANATION
    if args.results:
        write_section(args.results, "viz", body, about)
        print(f"\nwritten to {args.results}")
    return 0


EXPLANATION = """\
*Wall*: from `driver.get(page)` until the page's `dkg.ready` is true, polled every 50 ms (so up to 50 ms late).
*Page clock*: `performance.now()` when the page marked itself ready, i.e. from navigation start. *One redraw*:
from `network.redraw()` to the end of the frame it draws, once ready (includes waiting for the next animation
frame). Headless Chromium with `--disable-gpu` draws the canvas in software."""


if __name__ == "__main__":
    sys.exit(main())
