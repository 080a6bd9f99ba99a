"""Issue 25, item 16: HTML injection into ``report.html``.

An association named ``Club ![x](http://127.0.0.1:7778/leak.png) [Read](javascript:alert(document.domain))`` put an
``<img src=http…>`` and a ``javascript:`` link into the report. Loaded into a real Neo4j beside the seed corpus,
located in Los Angeles so that the report's tables show it, the name must read as itself in both files: in the
Markdown (rendered by Python-Markdown, as the report was before) and in the HTML, opened in headless Chromium:
no image but the report's own ``data:`` figure, no ``javascript:`` link, no request off the machine, no alert,
and the report's Content-Security-Policy as strict as the network page's.
"""

from __future__ import annotations

import json
import os
import re
import textwrap
from pathlib import Path

import markdown
import pytest

from graph_loader import pipeline
from graph_loader.report.blocks import CONTENT_SECURITY_POLICY

from ..browser.conftest import chromium  # noqa: F401 (the fixture)
from ..conftest import MARKER_LABEL, wipe
from ..integration.test_report import clear_scores, server_env

pytestmark = [pytest.mark.integration, pytest.mark.browser]

HOSTILE = "Club ![x](http://127.0.0.1:7778/leak.png) [Read](javascript:alert(document.domain))"
TAGGED = "<img src=http://127.0.0.1:7778/tag.png onerror=alert(2)> HTA"


def hostile_corpus(folder: Path) -> Path:
    """Two synthetic associations (never in data/) with hostile names, tied to seed places."""
    path = folder / "hostile.ttl"
    path.write_text(textwrap.dedent(f"""\
        @prefix dkg: <https://w3id.org/diaspora-kg/ontology#> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        @prefix ex: <https://w3id.org/diaspora-kg/synthetic/injection/> .
        ex:doc a dkg:Source ; skos:prefLabel "Synthetic test notes (not a source)" .
        ex:ev a dkg:Evidence ; dkg:source ex:doc ; dkg:locator "test" ; dkg:quote "synthetic" .
        ex:club a dkg:HometownAssociation ; skos:prefLabel {json.dumps(HOSTILE)} ; dkg:evidence ex:ev ;
            dkg:locatedIn <https://w3id.org/diaspora-kg/id/place/us/los-angeles> ;
            dkg:homeCountry <https://w3id.org/diaspora-kg/id/place/SV> ;
            dkg:partnersWith <https://w3id.org/diaspora-kg/id/org/fisdl> .
        ex:tagged a dkg:HometownAssociation ; skos:prefLabel {json.dumps(TAGGED)} ; dkg:evidence ex:ev ;
            dkg:locatedIn <https://w3id.org/diaspora-kg/id/place/us/los-angeles> ;
            dkg:homeCountry <https://w3id.org/diaspora-kg/id/place/SV> .
        """), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def hostile_report(neo4j_instance, neo4j_db, tmp_path_factory):
    from graph_loader.loading import load

    folder = tmp_path_factory.mktemp("injection")
    wipe(neo4j_db)
    neo4j_db.write(f"MATCH (m:{MARKER_LABEL}) SET m.state = 'dirty'")
    load(None, neo4j_db)
    load([hostile_corpus(folder)], neo4j_db)
    env = server_env(neo4j_instance)
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        result = pipeline.run(folder / "out", echo=lambda message: None)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        clear_scores(neo4j_db)
        wipe(neo4j_db)  # the next test that needs the seed loads it again
    return result


def test_the_markdown_shows_the_names_as_text(hostile_report):
    text = (hostile_report.out / "report.md").read_text(encoding="utf-8")
    assert text.count(r"Club !\[x\](http://127.0.0.1:7778/leak.png) \[Read\](javascript:alert(document.domain))") >= 1
    rendered = markdown.markdown(text, extensions=["tables"])
    images = re.findall(r"<img[^>]*>", rendered)
    assert all(re.fullmatch(r'<img alt="[^"]*" src="[a-z_]+\.png" />', tag) for tag in images), images  # ours only
    assert len(images) == 2  # the brokers figure and the map of ties
    assert "javascript:" not in rendered.replace("[Read](javascript:alert(document.domain))", "")
    assert 'href="javascript' not in rendered and "<img src=http" not in rendered and "onerror" not in rendered.replace(
        "&lt;img src=http://127.0.0.1:7778/tag.png onerror=alert(2)&gt;", "")


def test_the_html_report_runs_nothing_and_fetches_nothing(hostile_report, chromium):  # noqa: F811
    from ..browser.test_viz_page import requested_urls

    page = hostile_report.out / "report.html"
    source = page.read_text(encoding="utf-8")
    assert f'http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}"' in source
    assert "default-src 'none'" in CONTENT_SECURITY_POLICY and "script-src" not in CONTENT_SECURITY_POLICY
    chromium.get("about:blank")
    chromium.get_log("performance")
    chromium.get(page.as_uri())
    body = chromium.find_element("tag name", "body").text
    assert HOSTILE in body and TAGGED in body  # shown, as text
    images = chromium.execute_script("return [...document.images].map(i => i.getAttribute('src'))")
    assert images and all(src.startswith("data:image/png;base64,") for src in images)
    links = chromium.execute_script("return [...document.links].map(a => a.getAttribute('href'))")
    assert links and not any(href.lower().lstrip().startswith(("javascript:", "http:", "https:", "data:"))
                             for href in links)
    assert chromium.execute_script("return window.__alerts") == []
    assert chromium.execute_script("return document.querySelectorAll('script, iframe, object, embed').length") == 0
    requested = requested_urls(chromium)
    assert requested and all(url.startswith(("file:", "data:")) for url in requested), requested
