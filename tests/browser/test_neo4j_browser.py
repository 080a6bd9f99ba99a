"""Neo4j Browser, as served by the session's managed instance, in a real headless Chromium.

Opens the URL that ``diaspora-kg browser`` prints (connection prefilled, no password in it), types the password,
connects, runs a query over the seed corpus and reads the associations in the result; plays the query library's
guide from its server on localhost and runs one of its frames (the parameters, then the query). Chrome's
performance log shows that nothing left the machine: the requests Browser makes to Google Fonts, Segment and Canny
are blocked by the page's Content-Security-Policy before they are sent.

``DKG_UPDATE_SCREENSHOTS=1`` also writes the screenshot the README shows (docs/img/neo4j-browser.png); without it
no tracked file is written.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from graph_loader.cli.app import main
from graph_loader.neo4j import browser_guide
from graph_loader.neo4j.catalogue import catalogue

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "img" / "neo4j-browser.png"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
QUERY = "MATCH (h:HometownAssociation) RETURN h.name"
#: A hometown association of the seed corpus (data/seed/60-table-1-fisdl.ttl), by its skos:prefLabel.
KNOWN_ASSOCIATION = "Asociación Adentro Cojutepeque"
#: The guide frame run here: Table 1 of the article, which has a parameter (the table), on the guide's 2nd slide.
GUIDE_QUERY = "fisdl_partnerships_by_department"
TIMEOUT = 90


@pytest.fixture(scope="module")
def instance(neo4j_instance):
    if neo4j_instance is None:
        pytest.skip("NEO4J_URI points at an external server: this test is about the managed instance's Browser")
    return neo4j_instance


@pytest.fixture
def guide_url(tmp_path):
    """The guide and style written to a temporary folder and served on a free port of 127.0.0.1."""
    browser_guide.write(tmp_path)
    server, url = browser_guide.serve(tmp_path, 0)
    yield url
    server.shutdown()
    server.server_close()


def printed_browser_url(instance) -> str:
    """The URL ``diaspora-kg browser --no-open`` prints for the session's managed instance."""
    env = {"NEO4J_URI": None, "DKG_NEO4J_DATA_DIR": str(instance.data_dir), "DKG_NEO4J_PORT": str(instance.port),
           "DKG_NEO4J_HTTP_PORT": str(instance.http_port)}
    result = CliRunner().invoke(main, ["browser", "--no-open"], env=env)
    assert result.exit_code == 0, result.output
    urls = [line for line in result.output.splitlines() if line.startswith("http://")]
    assert urls, result.output
    return urls[-1]


def wait(driver, condition, timeout: float = TIMEOUT):
    return WebDriverWait(driver, timeout).until(condition)


def run_in_editor(driver, text: str | None = None) -> None:
    """Put ``text`` in Browser's main editor (None: keep what is there) and press its Run button."""
    if text is not None:
        editor = driver.find_element(By.CSS_SELECTOR, ".monaco-editor textarea")
        editor.click()
        editor.send_keys(Keys.CONTROL, "a")
        editor.send_keys(Keys.BACKSPACE)
        editor.send_keys(text)
    driver.find_element(By.CSS_SELECTOR, "[data-testid=editor-Run]").click()


def frame_of(driver, command_start: str):
    """The newest result frame whose command starts with ``command_start``, once it has finished, else None."""
    for frame in driver.find_elements(By.CSS_SELECTOR, "[data-testid=frame]"):
        commands = frame.find_elements(By.CSS_SELECTOR, "[data-testid=frameCommand]")
        if commands and commands[0].text.strip().startswith(command_start):
            return frame
    return None


def wait_frame_text(driver, command_start: str, *expected: str) -> str:
    """Wait until the frame of ``command_start`` shows every string of ``expected``; its text."""
    def shown(d):
        frame = frame_of(d, command_start)
        text = frame.text if frame is not None else ""
        return text if all(e in text for e in expected) else False

    try:
        return wait(driver, shown)
    except Exception:
        frame = frame_of(driver, command_start)
        pytest.fail(f"the frame of {command_start!r} did not show {expected}: "
                    f"{frame.text if frame is not None else 'no such frame'}")


def network_events(driver) -> tuple[list[str], list[str]]:
    """From Chrome's performance log: URLs of requests and WebSockets that were sent, and those the page's
    Content-Security-Policy blocked before sending."""
    sent, blocked, requests = [], [], {}
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        params = message.get("params", {})
        if message["method"] == "Network.requestWillBeSent":
            requests[params["requestId"]] = params["request"]["url"]
        elif message["method"] == "Network.webSocketCreated":
            sent.append(params["url"])
        elif message["method"] == "Network.loadingFailed" and params.get("blockedReason") == "csp":
            blocked.append(requests.pop(params["requestId"], "?"))
    sent += requests.values()
    return sent, blocked


def off_the_machine(urls) -> list[str]:
    return [url for url in urls
            if urlsplit(url).scheme in ("http", "https", "ws", "wss") and urlsplit(url).hostname not in LOCAL_HOSTS]


def test_browser_connects_queries_plays_the_guide_and_stays_on_the_machine(chromium, instance, seed_db, guide_url):
    password = instance.password()
    url = printed_browser_url(instance)
    assert url == (f"http://127.0.0.1:{instance.http_port}/browser/?connectURL="
                   f"bolt%3A%2F%2Fneo4j%40127.0.0.1%3A{instance.port}")
    assert password not in url

    chromium.get("about:blank")  # leave the start-up tab, and drop its log entries
    chromium.get_log("performance")
    chromium.get(url)

    # The connection form comes prefilled with this run's Bolt address and the user; the password is typed.
    password_input = wait(chromium, lambda d: d.find_element(By.CSS_SELECTOR, "input[data-testid=password]"))
    form = " ".join(e.get_attribute("value") or "" for e in chromium.find_elements(By.TAG_NAME, "input"))
    assert f"127.0.0.1:{instance.port}" in form and "neo4j" in form
    assert password_input.get_attribute("value") == ""
    password_input.send_keys(password)
    chromium.find_element(By.CSS_SELECTOR, "button[data-testid=connect]").click()
    wait_frame_text(chromium, ":server connect", "You are connected as user", f"127.0.0.1:{instance.port}")

    # A query over the seed corpus: every hometown association, by name.
    names = sorted(row["name"] for row in seed_db.read("MATCH (h:HometownAssociation) RETURN h.name AS name"))
    assert KNOWN_ASSOCIATION in names
    run_in_editor(chromium, QUERY)
    text = wait_frame_text(chromium, QUERY, *(f'"{name}"' for name in names))
    assert f"Started streaming {len(names)} records" in text

    # The query library's guide, fetched from its server on localhost (a CORS preflight first), in the drawer.
    run_in_editor(chromium, f":guide {guide_url}")
    wait(chromium, lambda d: "diaspora-kg: the query library" in d.find_element(By.TAG_NAME, "body").text)
    if os.environ.get("DKG_UPDATE_SCREENSHOTS") == "1":
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        assert chromium.save_screenshot(str(SCREENSHOT))

    # Its second slide holds the article's tables; Table 1's frames: the parameters, then the query.
    query = catalogue()[GUIDE_QUERY]
    chromium.find_element(By.CSS_SELECTOR, "[data-testid=guideNextSlide]").click()
    rows = [row["department"] for row in seed_db.read(query.text, {p.name: p.default for p in query.params})]
    assert "La Unión" in rows
    for frame_text in (browser_guide.params_text(query), browser_guide.frame_text(query)):
        runnable = wait(chromium, lambda d, t=frame_text: next(
            (e for e in d.find_elements(By.CSS_SELECTOR, ".runnable") if e.is_displayed()
             and e.get_attribute("textContent").strip() == t), False))
        runnable.click()
        run_in_editor(chromium)
    wait_frame_text(chromium, ":params {table: ", '"table": "https://w3id.org/diaspora-kg/id/table/1"')
    wait_frame_text(chromium, browser_guide.frame_text(query).split("\n")[0], *(f'"{row}"' for row in rows))

    alerts = chromium.execute_script("return window.__alerts;")
    assert alerts == [], alerts
    sent, blocked = network_events(chromium)
    assert off_the_machine(sent) == [], "requests left the machine"
    assert any(urlsplit(u).hostname == "127.0.0.1" and urlsplit(u).port == instance.port
               for u in sent if u.startswith("ws://")), "Browser did not reach Bolt over a WebSocket"
    assert any(u.startswith(guide_url.rsplit("/", 1)[0]) for u in sent), "the guide was not fetched"
    # What Browser 5.24 tries to load from elsewhere is stopped by the Content-Security-Policy, unsent.
    assert all(urlsplit(u).hostname not in LOCAL_HOSTS for u in blocked), blocked
