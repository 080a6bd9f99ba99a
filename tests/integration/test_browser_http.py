"""Neo4j Browser and the HTTP connector of the managed instance, for real: the session's throwaway instance serves
HTTP on its own port. Browser's index, the discovery document (naming this run's Bolt port), authentication on the
HTTP API, loopback only, no password in the process table or the log; the guide and the style as served."""

from __future__ import annotations

import base64
import json
import socket
import urllib.error
import urllib.request
from pathlib import Path
from xml.etree import ElementTree

import pytest

from graph_loader.neo4j import browser_guide
from graph_loader.neo4j.catalogue import catalogue


@pytest.fixture(scope="module")
def instance(neo4j_instance):
    if neo4j_instance is None:
        pytest.skip("NEO4J_URI points at an external server: these tests are about the managed instance")
    return neo4j_instance


def _get(url: str, **kwargs):
    return urllib.request.urlopen(urllib.request.Request(url, **kwargs), timeout=30)


def test_status_and_pid_file_carry_the_http_port(instance):
    status = instance.status()
    assert status.http_port == instance.http_port
    assert status.browser_url == f"http://127.0.0.1:{instance.http_port}/browser/"
    assert json.loads(instance.pid_file.read_text())["http_port"] == instance.http_port


def test_browser_is_served_at_browser(instance):
    with _get(f"http://127.0.0.1:{instance.http_port}/browser/") as response:
        body = response.read().decode()
    assert response.status == 200
    assert "<title>Neo4j Browser</title>" in body


def test_browser_pages_may_reach_this_machine_only(instance):
    # Neo4j's default policy lets Browser load Google Fonts, Segment and Canny; ours allows loopback only.
    with _get(f"http://127.0.0.1:{instance.http_port}/browser/") as response:
        policy = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'self'" and directives["script-src"] == "'self'"
    assert set(directives["connect-src"].split()) == {
        "'self'", "ws://127.0.0.1:*", "ws://localhost:*", "http://127.0.0.1:*", "http://localhost:*"}
    for host in ("googleapis", "gstatic", "segment", "canny", "neo4j.com", "https:", "wss:"):
        assert host not in policy, host
    # docker compose sets the same policy on the Neo4j image (the compose file cannot be run here: no Docker engine)
    compose = (Path(__file__).parents[2] / "docker-compose.yml").read_text(encoding="utf-8")
    assert f'NEO4J_dbms_security_http__static__content__security__policy__header: "{policy}"' in compose


def test_discovery_names_this_runs_bolt_port_not_7687(instance):
    with _get(f"http://127.0.0.1:{instance.http_port}/", headers={"Accept": "application/json"}) as response:
        discovery = json.loads(response.read())
    assert discovery["bolt_direct"] == f"bolt://127.0.0.1:{instance.port}"
    assert discovery["bolt_routing"] == f"neo4j://127.0.0.1:{instance.port}"
    assert discovery["neo4j_version"].startswith("5.26")


def _commit(instance, auth: str | None):
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if auth is not None:
        headers["Authorization"] = "Basic " + base64.b64encode(auth.encode()).decode()
    body = json.dumps({"statements": [{"statement": "RETURN 1 AS one"}]}).encode()
    return _get(f"http://127.0.0.1:{instance.http_port}/db/neo4j/tx/commit", data=body, headers=headers,
                method="POST")


@pytest.mark.parametrize("auth", [None, "neo4j:wrong-password"], ids=["no credentials", "wrong password"])
def test_http_api_refuses_requests_without_the_password(instance, auth):
    with pytest.raises(urllib.error.HTTPError) as refused:
        _commit(instance, auth)
    assert refused.value.code == 401


def test_http_api_answers_with_the_password_in_the_header(instance):
    with _commit(instance, f"neo4j:{instance.password()}") as response:
        result = json.loads(response.read())
    assert result["errors"] == [] and result["results"][0]["data"][0]["row"] == [1]


def _listening_addresses(port: int) -> set[str]:
    """Local addresses with a socket listening on ``port`` (from /proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if int(hex_port, 16) == port and state == "0A":  # 0A: LISTEN
                found.add(address)
    return found


#: 127.0.0.1 as /proc/net/tcp writes it, and as tcp6 writes it for a JVM socket (::ffff:127.0.0.1).
LOOPBACK = {"0100007F", "0000000000000000FFFF00000100007F"}


def _non_loopback_address() -> str | None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing interface
            address = sock.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


def test_http_and_bolt_listen_on_loopback_only(instance):
    for port in (instance.http_port, instance.port):
        addresses = _listening_addresses(port)
        assert addresses and addresses <= LOOPBACK, (port, addresses)
    other = _non_loopback_address()
    if other is not None:
        with socket.socket() as sock:
            sock.settimeout(2)
            assert sock.connect_ex((other, instance.http_port)) != 0


def test_no_password_in_the_process_arguments_or_the_log(instance):
    password = instance.password()
    pid = instance.running_pid()
    assert password not in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    assert password not in instance.log_file.read_text(errors="replace")
    assert password not in instance.status().browser_url


def test_guide_is_generated_from_the_headers_and_well_formed(tmp_path):
    paths = browser_guide.write(tmp_path)
    text = paths["guide"].read_text()
    root = ElementTree.fromstring(text.replace("&#x27;", "'"))  # well-formed XML, so well-formed HTML too
    assert root.tag == "article" and root.get("class") == "guide"
    slides = root.findall("./carousel/slide")
    library = [q for q in catalogue().values() if q.theme not in browser_guide.SKIPPED_THEMES]
    themes = {q.theme for q in library}
    assert len(slides) == len(themes) + 2  # introduction, one per theme, the ontology
    frames = [pre.text for pre in root.iter("pre")]
    shown = "".join(root.itertext())
    for query in library:
        assert browser_guide.frame_text(query) in frames, query.name
        if query.params:  # its parameters are set by a frame of their own, just before the query's
            params = browser_guide.params_text(query)
            assert frames[frames.index(browser_guide.frame_text(query)) - 1] == params, query.name
            assert all(f"{p.name}: " in params for p in query.params), query.name
        assert not browser_guide.frame_text(query).startswith(":"), query.name
        assert query.description in shown, query.name
    assert slides[1].find("h3").text == "The article's tables"
    ontology = "".join(slides[-1].itertext())
    assert ":HometownAssociation" in ontology and "[:MEMBER_OF]" in ontology
    assert frames[-1].startswith(":style ")  # the frame that applies the style


def test_style_has_a_rule_per_styled_label(tmp_path):
    from graph_loader.ontology.schema import load_schema

    schema = load_schema()
    style = browser_guide.grass(schema)
    for label, spec in schema.styles().items():
        if label in schema.node_labels:
            assert f"node.{label} {{\n  color: {spec['color']};" in style
    assert "caption: '{name}';" in style and "caption: '<type>';" in style


def test_guide_server_answers_with_cors_on_localhost(tmp_path):
    browser_guide.write(tmp_path)
    server, url = browser_guide.serve(tmp_path)
    try:
        assert url.startswith("http://localhost:")
        with _get(url, headers={"Origin": "http://127.0.0.1:17474"}) as response:
            assert response.headers["Access-Control-Allow-Origin"] == "*"
            assert response.read().startswith(b'<article class="guide">')
        # Browser's fetch of a remote guide is preceded by a CORS preflight, which must succeed.
        preflight = {"Origin": "http://127.0.0.1:17474", "Access-Control-Request-Method": "GET",
                     "Access-Control-Request-Headers": "x-requested-with"}
        with _get(url, headers=preflight, method="OPTIONS") as response:
            assert response.status == 204
            assert response.headers["Access-Control-Allow-Origin"] == "*"
            assert response.headers["Access-Control-Allow-Headers"] == "x-requested-with"
        assert _listening_addresses(server.server_address[1]) == {"0100007F"}
    finally:
        server.shutdown()
        server.server_close()
