"""The page in a real headless Chromium: it draws, searches, filters, stays offline and escapes names.

The small graph restates ties from the founding article (ARI 16/2005) under the synthetic namespace, plus one
synthetic association whose name is an HTML injection attempt. The large graph is random, generated here.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import networkx as nx
import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from graph_loader.viz import to_notebook, write_html
from graph_loader.viz.html import node_ids

SYNTH = "https://w3id.org/diaspora-kg/synthetic/"
XSS_NAME = "<img src=x onerror=alert(1)>"
ADENTRO = "Asociación Adentro Cojutepeque"
AGENT = ("Organisation", "Agent")
STYLES = {
    "HometownAssociation": {"color": "#E69F00", "shape": "triangle"},
    "Federation": {"color": "#D55E00", "shape": "triangle"},
    "UmbrellaGroup": {"color": "#CC79A7", "shape": "triangle"},
    "GovernmentAgency": {"color": "#0072B2", "shape": "box"},
    "Ministry": {"color": "#0072B2", "shape": "box"},
    "Board": {"color": "#56B4E9", "shape": "box"},
    "InternationalOrganisation": {"color": "#009E73", "shape": "diamond"},
    "NGO": {"color": "#F0E442", "shape": "dot"},
    "Programme": {"color": "#000000", "shape": "star"},
    "Place": {"color": "#BBBBBB", "shape": "dot"},
}
DEPARTMENTS = (
    "La Unión",
    "La Paz",
    "Chalatenango",
    "Cabañas",
    "San Miguel",
    "Cuscatlán",
    "San Salvador",
    "Usulután",
    "Ahuachapán",
    "La Libertad",
    "Morazán",
    "San Vicente",
    "Santa Ana",
)


def article_graph() -> nx.MultiDiGraph:
    """Actors, places and ties named in the founding article, and one synthetic hostile name."""
    G = nx.MultiDiGraph()

    def node(key, name, labels, **props):
        G.add_node(
            SYNTH + key,
            uri=SYNTH + key,
            name=name,
            labels=labels,
            kind=labels[0],
            unnamed=False,
            altNames=props.pop("altNames", []),
            evidence=[],
            sources=["tests/browser"],
            **props,
        )

    def tie(u, v, kind):
        G.add_edge(SYNTH + u, SYNTH + v, key=kind, type=kind, evidence=[], sources=["tests/browser"])

    for iso, name in (("SV", "El Salvador"), ("MX", "Mexico"), ("US", "United States")):
        node(f"place/{iso}", name, ("Country", "Place"), isoCode=iso)
    for i, department in enumerate(DEPARTMENTS):
        node(f"place/SV-{i}", department, ("Department", "AdministrativeArea", "Place"))
        tie(f"place/SV-{i}", "place/SV", "PART_OF")
    cuscatlan = f"place/SV-{DEPARTMENTS.index('Cuscatlán')}"
    for key, name in (("place/cojutepeque", "Cojutepeque"), ("place/suchitoto", "Suchitoto")):
        node(key, name, ("Municipality", "Place"))
        tie(key, cuscatlan, "PART_OF")
    node("place/zacatecas", "Zacatecas", ("State", "AdministrativeArea", "Place"))
    tie("place/zacatecas", "place/MX", "PART_OF")
    node("place/illinois", "Illinois", ("State", "AdministrativeArea", "Place"))
    tie("place/illinois", "place/US", "PART_OF")
    node("place/chicago", "Chicago", ("City", "Place"))
    tie("place/chicago", "place/illinois", "PART_OF")

    hta = ("HometownAssociation", "DiasporaOrganisation", *AGENT)
    node("org/sala", "SALA, LA", hta)
    node("org/adentro", ADENTRO, hta)
    node("org/monte-escobedo", "Club Monte Escobedo", hta)
    node("org/xss", XSS_NAME, hta)
    node(
        "org/fedecmi",
        "Federación de Clubes Michoacanos en Illinois",
        ("Federation", "DiasporaOrganisation", *AGENT),
        altNames=["FEDECMI"],
    )
    node("org/cus", "Comunidades Unidas Salvadoreñas", ("UmbrellaGroup", "DiasporaOrganisation", *AGENT))
    agency = ("GovernmentAgency", "PublicBody", *AGENT)
    node("org/fisdl", "FISDL", agency, altNames=["Social Investment and Local Development Fund"])
    node("org/dgace", "DGACE", agency)
    node("org/rree-sv", "Ministry of Foreign Affairs of El Salvador", ("Ministry", "PublicBody", *AGENT))
    node("org/ime", "Institute for Mexicans Abroad", agency, altNames=["IME"])
    node("org/cncme", "National Council for Mexican Communities Abroad", ("Board", "PublicBody", *AGENT))
    node(
        "org/ifad",
        "International Fund for Agricultural Development",
        ("InternationalOrganisation", *AGENT),
        altNames=["IFAD"],
    )
    node("org/world-bank", "World Bank", ("InternationalOrganisation", *AGENT))
    node("org/el-rescate", "El Rescate", ("NGO", "PartnerOrganisation", *AGENT))
    node("org/carecen", "Carecen", ("NGO", "PartnerOrganisation", *AGENT))
    node("org/heartland", "Heartland Alliance", ("NGO", "PartnerOrganisation", *AGENT))
    node("programme/ups", "Unidos por la Solidaridad", ("MatchingFundProgramme", "Programme"))

    for u, v, kind in (
        ("org/sala", cuscatlan, "ORIGINATES_FROM"),
        ("org/adentro", cuscatlan, "ORIGINATES_FROM"),
        ("org/sala", "org/fisdl", "PARTNERS_WITH"),
        ("org/adentro", "org/fisdl", "PARTNERS_WITH"),
        ("org/fisdl", "programme/ups", "RUNS"),
        ("org/dgace", "programme/ups", "CO_RUNS"),
        ("org/dgace", "org/rree-sv", "SUB_ORGANISATION_OF"),
        ("org/fisdl", "place/SV", "HOME_COUNTRY"),
        ("org/cus", "place/SV", "HOME_COUNTRY"),
        ("org/el-rescate", "place/SV", "HOME_COUNTRY"),
        ("org/carecen", "place/SV", "HOME_COUNTRY"),
        ("org/ifad", "org/world-bank", "PARTNERS_WITH"),
        ("org/ime", "org/cncme", "EXECUTIVE_ARM_OF"),
        ("org/ime", "place/MX", "HOME_COUNTRY"),
        ("org/fedecmi", "org/heartland", "PARTNERS_WITH"),
        ("org/fedecmi", "place/illinois", "LOCATED_IN"),
        ("org/monte-escobedo", "place/zacatecas", "ORIGINATES_FROM"),
        ("org/monte-escobedo", "place/chicago", "LOCATED_IN"),
        ("org/xss", "place/SV", "HOME_COUNTRY"),  # synthetic
    ):
        tie(u, v, kind)
    return G


def random_graph(n: int, m: int, seed: int) -> nx.Graph:
    """A synthetic graph of ``n`` associations and ``m`` random ties, with contract attributes."""
    G = nx.gnm_random_graph(n, m, seed=seed)
    kinds = ("HometownAssociation", "Federation", "GovernmentAgency", "NGO")
    for i in G:
        G.nodes[i].update(name=f"synthetic {i}", labels=(kinds[i % 4], "Organisation", "Agent"))
    return G


def open_page(driver, path: Path, *, timeout: float = 60) -> float:
    """Open ``path`` and wait until the page says it is interactive; the seconds that took.

    The browser's start-up tab (chrome:// pages) is left first and its log entries dropped, so that the logs
    hold the page's requests and messages only.
    """
    driver.get("about:blank")
    driver.get_log("performance")
    driver.get_log("browser")
    start = time.perf_counter()
    driver.get(path.as_uri())
    WebDriverWait(driver, timeout).until(
        lambda d: d.execute_script("return !!(window.dkg && window.dkg.ready)")
    )
    return time.perf_counter() - start


def requested_urls(driver) -> list[str]:
    """Every URL the page asked for, from Chrome's performance log."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


@pytest.fixture
def small_page(tmp_path):
    G = article_graph()
    summary = write_html(G, tmp_path / "page.html", styles=STYLES, title="Article network")
    return G, summary


def test_draws_every_node_and_tie_offline_without_errors(chromium, small_page, tmp_path):
    G, summary = small_page
    assert summary.mode == "physics"
    lib_existed = (Path.cwd() / "lib").exists()
    open_page(chromium, summary.path)

    drawn = chromium.execute_script(
        "const n = dkg.network; return [dkg.nodes.length, dkg.edges.length,"
        " Object.keys(n.body.nodes).length, Object.keys(n.body.edges).length,"
        " n.physics.options.enabled];"
    )
    assert drawn == [
        G.number_of_nodes(),
        G.number_of_edges(),
        G.number_of_nodes(),
        G.number_of_edges(),
        False,
    ]

    urls = requested_urls(chromium)
    assert summary.path.as_uri() in urls
    assert [url for url in urls if not url.startswith(("file://", "data:", "about:"))] == []
    assert [e for e in chromium.get_log("browser") if e["level"] == "SEVERE"] == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.html"]
    assert (Path.cwd() / "lib").exists() == lib_existed


def test_legend_and_filter_list_the_kinds(chromium, small_page):
    G, summary = small_page
    open_page(chromium, summary.path)
    kinds = sorted({data["kind"] for _, data in G.nodes(data=True)})
    legend = [e.text for e in chromium.find_elements(By.CSS_SELECTOR, "#dkg-legend .dkg-legend-label")]
    assert sorted(legend) == kinds
    boxes = chromium.find_elements(By.CSS_SELECTOR, "#dkg-filter input[type=checkbox]")
    assert sorted(box.get_attribute("data-kind") for box in boxes) == kinds


def test_search_without_accents_selects_and_focuses_the_node(chromium, small_page):
    G, summary = small_page
    ids = node_ids(G)
    open_page(chromium, summary.path)
    chromium.find_element(By.ID, "dkg-search").send_keys("asociacion adentro")
    selected = chromium.execute_script("return dkg.network.getSelectedNodes();")
    assert selected == [ids[SYNTH + "org/adentro"]]
    assert chromium.find_element(By.ID, "dkg-results").text == ADENTRO
    assert ADENTRO in chromium.find_element(By.ID, "dkg-details").text
    # Focused: the view is centred on the node.
    offset = chromium.execute_script(
        "const id = arguments[0], n = dkg.network, p = n.getPositions([id])[id], c = n.getViewPosition();"
        "return Math.hypot(p.x - c.x, p.y - c.y);",
        selected[0],
    )
    assert offset < 1


def test_search_matches_alternative_names(chromium, small_page):
    G, summary = small_page
    open_page(chromium, summary.path)
    chromium.find_element(By.ID, "dkg-search").send_keys("LOCAL DEVELOPMENT fund")
    assert chromium.execute_script("return dkg.network.getSelectedNodes();") == [
        node_ids(G)[SYNTH + "org/fisdl"]
    ]


def test_unticking_a_kind_hides_its_nodes_and_their_ties(chromium, small_page):
    G, summary = small_page
    ids = node_ids(G)
    departments = sorted(ids[n] for n, data in G.nodes(data=True) if data["kind"] == "Department")
    open_page(chromium, summary.path)
    hidden_nodes = (
        "return dkg.nodes.get({filter: n => n.hidden === true}).map(n => n.id).sort((a, b) => a - b);"
    )
    assert chromium.execute_script(hidden_nodes) == []

    chromium.find_element(By.CSS_SELECTOR, "#dkg-filter input[data-kind='Department']").click()
    assert chromium.execute_script(hidden_nodes) == departments
    drawn_hidden = chromium.execute_script(
        "return arguments[0].every(id => dkg.network.body.nodes[id].options.hidden === true);", departments
    )
    assert drawn_hidden
    hidden_ties = chromium.execute_script("return dkg.edges.get({filter: e => e.hidden === true}).length;")
    assert hidden_ties == sum(1 for u, v in G.edges() if ids[u] in departments or ids[v] in departments)

    chromium.find_element(By.CSS_SELECTOR, "#dkg-filter input[data-kind='Department']").click()
    assert chromium.execute_script(hidden_nodes) == []


def test_a_hostile_name_shows_as_text_and_runs_nothing(chromium, small_page):
    G, summary = small_page
    xss = node_ids(G)[SYNTH + "org/xss"]
    open_page(chromium, summary.path)

    chromium.find_element(By.ID, "dkg-search").send_keys("img src")
    assert chromium.find_element(By.ID, "dkg-results").text == XSS_NAME
    assert XSS_NAME in chromium.find_element(By.ID, "dkg-details").text

    # Point at the node with a real mouse move so that its tooltip is built and shown.
    canvas = chromium.find_element(By.CSS_SELECTOR, "#dkg-network canvas")
    dx, dy = chromium.execute_script(
        "const id = arguments[0], c = arguments[1];"
        "const p = dkg.network.canvasToDOM(dkg.network.getPositions([id])[id]);"
        "return [Math.round(p.x - c.clientWidth / 2), Math.round(p.y - c.clientHeight / 2)];",
        xss,
        canvas,
    )
    ActionChains(chromium).move_to_element_with_offset(canvas, dx, dy).perform()
    WebDriverWait(chromium, 10).until(lambda d: d.find_element(By.ID, "dkg-tooltip").is_displayed())
    assert XSS_NAME in chromium.find_element(By.ID, "dkg-tooltip").text

    assert chromium.execute_script("return document.getElementsByTagName('img').length;") == 0
    assert chromium.execute_script("return window.__alerts;") == []
    assert [e for e in chromium.get_log("browser") if e["level"] == "SEVERE"] == []


def test_the_notebook_frame_draws_the_graph(chromium, tmp_path):
    G = article_graph()
    host = tmp_path / "notebook.html"
    host.write_text(
        f"<!DOCTYPE html><html><body>{to_notebook(G, styles=STYLES).data}</body></html>", encoding="utf-8"
    )
    chromium.get("about:blank")
    chromium.get_log("performance")
    chromium.get(host.as_uri())
    chromium.switch_to.frame(chromium.find_element(By.TAG_NAME, "iframe"))
    WebDriverWait(chromium, 60).until(lambda d: d.execute_script("return !!(window.dkg && window.dkg.ready)"))
    assert chromium.execute_script("return dkg.nodes.length;") == G.number_of_nodes()
    assert [
        url for url in requested_urls(chromium) if not url.startswith(("file://", "data:", "about:"))
    ] == []
    assert [e for e in chromium.get_log("browser") if e["level"] == "SEVERE"] == []


def test_five_thousand_nodes_render_with_a_precomputed_layout(chromium, tmp_path):
    G = random_graph(5_000, 7_500, seed=7)
    started = time.perf_counter()
    summary = write_html(G, tmp_path / "large.html", styles=STYLES)
    written = time.perf_counter() - started
    assert summary.mode == "static-layout"
    seconds = open_page(chromium, summary.path, timeout=120)
    counts = chromium.execute_script(
        "return [dkg.mode, dkg.nodes.length, Object.keys(dkg.network.body.nodes).length,"
        " dkg.network.physics.options.enabled];"
    )
    assert counts == ["static-layout", 5_000, 5_000, False]
    assert [
        url for url in requested_urls(chromium) if not url.startswith(("file://", "data:", "about:"))
    ] == []
    assert [e for e in chromium.get_log("browser") if e["level"] == "SEVERE"] == []
    print(
        f"\n5,000 nodes / 7,500 ties: written in {written:.1f} s ({summary.bytes / 1e6:.1f} MB), "
        f"interactive {seconds:.1f} s after opening"
    )
