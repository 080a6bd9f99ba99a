"""The map page in a real headless Chromium: one arc per row, nothing fetched, hostile names inert, filters and zoom.

The rows are synthetic (tests/map_rows.py): places drawn at random inside the bundled shapes of the United
States, Mexico and El Salvador, named "synthetic ...", plus hostile names written here.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from graph_loader.viz.geo.page import write_map_html
from tests.map_rows import synthetic_rows

XSS_NAME = "<img src=x onerror=alert(1)>"
JS_LINK = "javascript:alert(2)"
HOSTILE_SOURCE = '<a href="javascript:alert(3)">a source</a><script>alert(4)</script>'
# Records every Content-Security-Policy violation of a page, from before its first script runs.
RECORD_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI);
});
"""


@pytest.fixture
def browser(chromium):
    chromium.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_CSP})
    return chromium


def open_map(driver, path: Path, *, timeout: float = 60) -> float:
    """Open ``path`` and wait until the map says it is ready; the seconds that took."""
    driver.get("about:blank")
    driver.get_log("performance")
    driver.get_log("browser")
    start = time.perf_counter()
    driver.get(path.as_uri())
    WebDriverWait(driver, timeout).until(lambda d: d.execute_script("return !!(window.dkgMap && dkgMap.ready)"))
    return time.perf_counter() - start


def requested_urls(driver) -> list[str]:
    """Every URL the page asked for, from Chrome's performance log."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def off_machine(urls: list[str]) -> list[str]:
    return [url for url in urls if not url.startswith(("file://", "data:", "about:"))]


def payload(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return json.loads(re.search(r'<script type="application/json" id="dkg-data">(.*?)</script>', text, re.S).group(1))


def hostile_rows() -> list[dict]:
    rows = synthetic_rows(6, seed=11)
    rows[0].update(to_place=XSS_NAME, actors=[JS_LINK, XSS_NAME], sources=[HOSTILE_SOURCE], to_country=XSS_NAME)
    rows[1].update(from_place=JS_LINK, tie="<b>bold</b>", via=[HOSTILE_SOURCE])
    return rows


def point_at(driver, selector: str) -> None:
    """Move a real mouse onto the middle of the first element matching ``selector`` (an SVG element)."""
    target = driver.find_element(By.CSS_SELECTOR, selector)
    svg = driver.find_element(By.ID, "dkg-map")
    dx, dy = driver.execute_script(
        "const t = arguments[0], s = arguments[1].getBoundingClientRect();"
        "let x, y;"
        "if (t.getTotalLength) {"
        "  const p = t.getPointAtLength(t.getTotalLength() / 2), m = t.getScreenCTM();"
        "  x = m.a * p.x + m.c * p.y + m.e; y = m.b * p.x + m.d * p.y + m.f;"
        "} else { const b = t.getBoundingClientRect(); x = b.left + b.width / 2; y = b.top + b.height / 2; }"
        "return [Math.round(x - s.left - s.width / 2), Math.round(y - s.top - s.height / 2)];",
        target, svg)
    ActionChains(driver).move_to_element_with_offset(svg, dx, dy).perform()


def test_one_arc_per_row_drawn_offline(browser, tmp_path):
    rows = synthetic_rows(40, seed=5)
    summary = write_map_html(rows, tmp_path / "ties.html")
    open_map(browser, summary.path)

    drawn = browser.execute_script(
        "return [dkgMap.arcs.length, document.querySelectorAll('#dkg-arcs .dkg-tie').length,"
        " document.querySelectorAll('#dkg-arcs path.dkg-arc').length, dkgMap.visibleArcs(),"
        " document.querySelectorAll('#dkg-places circle').length];")
    places = {(r[f"{end}_place"], r[f"{end}_lat"], r[f"{end}_lon"]) for r in rows for end in ("from", "to")}
    assert drawn == [len(rows), len(rows), len(rows), len(rows), len(places)]
    assert summary.arcs == len(rows)

    urls = requested_urls(browser)
    assert summary.path.as_uri() in urls
    assert off_machine(urls) == []
    assert browser.execute_script("return window.__csp;") == []
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ties.html"]


def test_both_checks_see_a_request_and_the_policy_blocks_it(browser, tmp_path):
    # The control for the test above: a request made from the page shows in the performance log and in the
    # policy's violations (so either check would fail), and the page's own policy refuses it (blocked: csp).
    summary = write_map_html(synthetic_rows(3, seed=1), tmp_path / "ties.html")
    open_map(browser, summary.path)
    browser.execute_script("const i = new Image(); i.src = 'https://example.invalid/pixel.png';"
                           "document.body.appendChild(i);")
    WebDriverWait(browser, 10).until(lambda d: d.execute_script("return window.__csp.length > 0;"))
    assert browser.execute_script("return window.__csp;") == ["img-src https://example.invalid/pixel.png"]
    log = [json.loads(entry["message"])["message"] for entry in browser.get_log("performance")]
    assert [m["params"]["request"]["url"] for m in log if m["method"] == "Network.requestWillBeSent"
            and not m["params"]["request"]["url"].startswith("file:")] == ["https://example.invalid/pixel.png"]
    assert [m["params"].get("blockedReason") for m in log if m["method"] == "Network.loadingFailed"] == ["csp"]


def test_hostile_names_show_as_text_and_run_nothing(browser, tmp_path):
    rows = hostile_rows()
    summary = write_map_html(rows, tmp_path / "ties.html", title=XSS_NAME)
    start_url = summary.path.as_uri()
    open_map(browser, summary.path)

    labels = browser.execute_script("return [...document.querySelectorAll('#dkg-labels text')].map(t => t.textContent);")
    assert XSS_NAME in labels and JS_LINK in labels
    assert browser.title == XSS_NAME
    filters = browser.find_element(By.ID, "dkg-ties").text + browser.find_element(By.ID, "dkg-countries").text
    assert "<b>bold</b>" in filters and XSS_NAME in filters

    point_at(browser, "#dkg-arcs .dkg-tie[data-arc='0'] .dkg-arc")
    WebDriverWait(browser, 10).until(lambda d: d.find_element(By.ID, "dkg-tooltip").is_displayed())
    tip = browser.find_element(By.ID, "dkg-tooltip").text
    assert XSS_NAME in tip and JS_LINK in tip and HOSTILE_SOURCE in tip

    # Click every arc and every place: details fill in, nothing navigates, nothing runs.
    for element in browser.find_elements(By.CSS_SELECTOR, "#dkg-arcs .dkg-tie, #dkg-places circle"):
        browser.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}));", element)
    browser.find_element(By.CSS_SELECTOR, "#dkg-places circle").send_keys("\n")
    assert browser.current_url == start_url
    assert browser.execute_script(
        "return [document.getElementsByTagName('img').length, document.getElementsByTagName('a').length,"
        " document.getElementsByTagName('b').length, document.getElementsByTagName('script').length];"
    ) == [0, 0, 0, 2]
    assert browser.execute_script("return window.__alerts;") == []
    assert browser.execute_script("return window.__csp;") == []
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []


def test_tooltip_and_details_name_the_actors_and_sources(browser, tmp_path):
    rows = synthetic_rows(5, seed=2)
    summary = write_map_html(rows, tmp_path / "ties.html")
    open_map(browser, summary.path)
    point_at(browser, "#dkg-arcs .dkg-tie[data-arc='3'] .dkg-arc")
    WebDriverWait(browser, 10).until(lambda d: d.find_element(By.ID, "dkg-tooltip").is_displayed())
    tip = browser.find_element(By.ID, "dkg-tooltip").text
    row = rows[3]
    assert f"{row['from_place']} → {row['to_place']}" in tip
    assert row["actors"][0] in tip and row["sources"][0] in tip and row["tie"] in tip

    ActionChains(browser).click().perform()  # on the arc, where the mouse is
    assert row["sources"][0] in browser.find_element(By.ID, "dkg-details").text
    assert browser.execute_script("return document.querySelector('.dkg-selected').getAttribute('data-arc');") == "3"


def test_filters_hide_arcs_by_tie_and_by_home_country(browser, tmp_path):
    rows = synthetic_rows(30, seed=9)
    summary = write_map_html(rows, tmp_path / "ties.html")
    data = payload(summary.path)
    open_map(browser, summary.path)
    ties = [entry["tie"] for entry in data["ties"]]
    countries = [entry["country"] for entry in data["countries"]]

    contribution = ties.index("contribution")
    browser.find_element(By.CSS_SELECTOR, f"#dkg-ties input[data-tie='{contribution}']").click()
    left = [r for r in rows if r["tie"] != "contribution"]
    assert browser.execute_script("return dkgMap.visibleArcs();") == len(left)
    assert browser.find_element(By.ID, "dkg-status").text == f"{len(left)} of {len(rows)} arcs shown"

    mexico = countries.index("Mexico")
    browser.find_element(By.CSS_SELECTOR, f"#dkg-countries input[data-country='{mexico}']").click()
    left = [r for r in left if r["to_country"] != "Mexico"]
    assert browser.execute_script("return dkgMap.visibleArcs();") == len(left)
    shown_places = {r[f"{end}_place"] for r in left for end in ("from", "to")}
    visible = browser.execute_script(
        "return dkgMap.places.filter(n => !n.classList.contains('dkg-off')).map(n => n.getAttribute('aria-label'));")
    assert sorted(visible) == sorted(shown_places)

    for box in browser.find_elements(By.CSS_SELECTOR, ".dkg-filter input:not(:checked)"):
        box.click()
    assert browser.execute_script("return dkgMap.visibleArcs();") == len(rows)


def test_zoom_buttons_frame_each_country_and_keep_places_small(browser, tmp_path):
    rows = synthetic_rows(20, seed=4)
    summary = write_map_html(rows, tmp_path / "ties.html")
    data = payload(summary.path)
    open_map(browser, summary.path)
    assert browser.execute_script("return dkgMap.view.name;") == "all"

    for key, label in (("sv", "El Salvador"), ("mx", "Mexico"), ("us", "United States"), ("all", "All ties")):
        browser.find_element(By.XPATH, f"//nav[@class='dkg-views']/button[text()='{label}']").click()
        view = browser.execute_script("return dkgMap.view;")
        assert [view["x"], view["y"], view["w"], view["h"]] == data["views"][key]
        pressed = browser.find_element(By.CSS_SELECTOR, ".dkg-views button[aria-pressed='true']").text
        assert pressed == label
        # A place keeps its size on screen whatever the zoom (9 px across, stroke included, give or take).
        width = browser.execute_script("return document.querySelector('#dkg-places circle').getBoundingClientRect().width;")
        assert 7 <= width <= 13, (key, width)

    # In the El Salvador view its places are on screen, and the view is far narrower than Mexico's.
    browser.find_element(By.XPATH, "//nav[@class='dkg-views']/button[text()='El Salvador']").click()
    salvadoran = [i for i, p in enumerate(data["places"]) if "El Salvador" in p["name"]]
    assert salvadoran
    on_screen = browser.execute_script(
        "const s = document.getElementById('dkg-map').getBoundingClientRect();"
        "return arguments[0].map(i => { const b = dkgMap.places[i].getBoundingClientRect();"
        " return b.left >= s.left && b.right <= s.right && b.top >= s.top && b.bottom <= s.bottom; });",
        salvadoran)
    assert all(on_screen)
    assert data["views"]["sv"][2] * 5 < data["views"]["mx"][2]


def test_crowded_labels_wait_for_the_zoom(browser, tmp_path):
    # Two home places 0.1° apart in El Salvador: one label in the view of every arc, both in El Salvador's.
    rows = synthetic_rows(2, seed=6, homes=("SV",))
    rows[1].update(to_place="synthetic neighbour", to_lat=rows[0]["to_lat"] + 0.1, to_lon=rows[0]["to_lon"])
    summary = write_map_html(rows, tmp_path / "ties.html")
    open_map(browser, summary.path)
    shown = ("return [...document.querySelectorAll('#dkg-labels text')]"
             ".filter(t => getComputedStyle(t).visibility === 'visible').map(t => t.textContent).sort();")
    everywhere = browser.execute_script(shown)
    assert rows[0]["to_place"] in everywhere or "synthetic neighbour" in everywhere
    assert not {rows[0]["to_place"], "synthetic neighbour"} <= set(everywhere)
    browser.find_element(By.XPATH, "//nav[@class='dkg-views']/button[text()='El Salvador']").click()
    assert {rows[0]["to_place"], "synthetic neighbour"} <= set(browser.execute_script(shown))


def test_wheel_zooms_about_the_pointer_and_drag_pans(browser, tmp_path):
    summary = write_map_html(synthetic_rows(5, seed=3), tmp_path / "ties.html")
    open_map(browser, summary.path)
    before = browser.execute_script("return dkgMap.view;")
    browser.execute_script(
        "const s = document.getElementById('dkg-map'), r = s.getBoundingClientRect();"
        "s.dispatchEvent(new WheelEvent('wheel', {deltaY: -100, clientX: r.left + r.width / 2,"
        " clientY: r.top + r.height / 2, bubbles: true, cancelable: true}));")
    after = browser.execute_script("return dkgMap.view;")
    assert after["w"] == pytest.approx(before["w"] / 1.25)
    # Zoomed about the middle: the centre stays where it was.
    assert after["x"] + after["w"] / 2 == pytest.approx(before["x"] + before["w"] / 2, abs=1)
    svg = browser.find_element(By.ID, "dkg-map")
    ActionChains(browser).move_to_element(svg).click_and_hold().move_by_offset(100, 0).release().perform()
    panned = browser.execute_script("return dkgMap.view;")
    assert panned["x"] < after["x"] and panned["w"] == after["w"] and panned["name"] is None


def test_an_empty_map_says_so(browser, tmp_path):
    summary = write_map_html([], tmp_path / "ties.html")
    open_map(browser, summary.path)
    assert browser.execute_script("return dkgMap.arcs.length;") == 0
    assert "No tie to map" in browser.find_element(By.CLASS_NAME, "dkg-empty").text
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []


def test_two_thousand_arcs_open_quickly(browser, tmp_path):
    rows = synthetic_rows(2_000, seed=8, us_places=60, home_places=300)
    started = time.perf_counter()
    summary = write_map_html(rows, tmp_path / "ties.html")
    written = time.perf_counter() - started
    seconds = open_map(browser, summary.path, timeout=120)
    assert browser.execute_script("return dkgMap.arcs.length;") == 2_000
    assert off_machine(requested_urls(browser)) == []
    print(f"\n2,000 arcs: written in {written:.1f} s ({summary.bytes / 1e6:.1f} MB), ready {seconds:.1f} s after "
          "opening")
