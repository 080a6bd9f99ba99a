"""The package as a user installs it: a wheel, a fresh virtualenv, an empty folder, no checkout in sight.

The wheel is built (``pip wheel --no-deps``, with build isolation) from a copy of the checkout's files that git
knows (pip builds in the source folder, so the copy keeps ``build/`` out of the checkout, and nothing ignored can
slip in). It is installed, not editable, into a fresh virtualenv with its dependencies resolved by pip from the
package index (pip's cache makes a repeat quick; this also checks the declared dependencies are enough). Every
command then runs from an empty temporary folder with no ``PYTHONPATH``, no ``NEO4J_*`` or ``DKG_*`` settings but
those a test sets, and ``HOME`` in a temporary folder: the installed package must find its ontology, query
library, templates, seed corpus and Neo4j launcher by itself, and keep its state in per-user folders.

About a minute on a 2-core machine: building ~5 s, the virtualenv and its dependencies ~25 s (pip's cache warm),
a Neo4j start ~10 s, each command ~3 s. The Neo4j jars come from the checkout's cache (``DKG_CACHE_DIR``), not
from Maven Central again.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from graph_loader.neo4j.catalogue import catalogue
from graph_loader.neo4j.server import ManagedNeo4j
from graph_loader.settings import load_settings

from ..conftest import free_port

REPO = Path(__file__).resolve().parents[2]
CSV_DATA = REPO / "tests" / "data" / "csv"
#: Seconds one step may take before the test says it hangs (the dependency install on a cold pip cache is slowest).
STEP_TIMEOUT = 900
#: Settings a test must not inherit: they would point the installed package at the checkout or another server.
INHERITED_PREFIXES = ("PYTHON", "NEO4J_", "DKG_", "XDG_", "VIRTUAL_ENV")


def _checkout_copy(target: Path) -> Path:
    """The files git tracks (and new ones it does not ignore), copied to ``target``: what a fresh clone holds."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():  # a file deleted but not yet committed is listed, and absent
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def _clean_env(home: Path) -> dict[str, str]:
    """The environment a user's shell would give: PATH (java, mvn) and a HOME, nothing pointing at the checkout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(INHERITED_PREFIXES)}
    return {**env, "HOME": str(home)}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel built from a copy of the checkout."""
    root = tmp_path_factory.mktemp("wheel")
    source = _checkout_copy(root / "src")
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check",
                            "-w", str(root / "dist"), str(source)],
                           capture_output=True, text=True, timeout=STEP_TIMEOUT, env=_clean_env(Path.home()))
    assert build.returncode == 0, build.stdout + build.stderr
    (built,) = (root / "dist").glob("diaspora_kg-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory):
    """A fresh virtualenv with the wheel installed, an empty work folder, and the environment to run in."""
    root = tmp_path_factory.mktemp("installed")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=STEP_TIMEOUT)
    install = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check",
                              "--quiet", str(wheel)],
                             capture_output=True, text=True, timeout=STEP_TIMEOUT, env=_clean_env(Path.home()))
    assert install.returncode == 0, install.stdout + install.stderr
    work, home = root / "work", root / "home"
    work.mkdir()
    home.mkdir()
    return venv, work, _clean_env(home)


def cli(installed, *args: str, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """``diaspora-kg ARGS`` of the virtualenv, run from the empty work folder (or ``cwd``)."""
    venv, work, base = installed
    run = subprocess.run([str(venv / "bin" / "diaspora-kg"), *args], capture_output=True, text=True,
                         env={**base, **(env or {})}, cwd=cwd or work, timeout=STEP_TIMEOUT)
    assert "Traceback" not in run.stderr, run.stderr
    return run


def test_the_wheel_carries_the_resources_and_the_launcher(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("ontology/shapes.ttl", "cypher/README.md", "data/seed/00-source.ttl", "data/gazetteer/places.ttl",
                 "data/templates/federations.csv"):
        assert f"graph_loader/_resources/{name}" in names
    for name in ("Launcher.java", "pom.xml", "neo4j-jars.sha256"):
        assert f"graph_loader/neo4j/launcher/{name}" in names
    for name in ("pom.xml", "cypher-shell-jars.sha256"):
        assert f"graph_loader/neo4j/cypher_shell/{name}" in names
    assert "graph_loader/viz/assets/app.js" in names
    assert "graph_loader/_resources/data/gazetteer/build.py" not in names  # a maintainer's script, not data


def test_it_reads_its_own_copies_and_keeps_state_per_user(installed):
    venv, work, env = installed
    probe = ("import json; from graph_loader import resources, settings; s = settings.load_settings(); "
             "print(json.dumps({'root': str(resources.resources_root()), 'checkout': str(settings.CHECKOUT_ROOT), "
             "'data': str(s.managed_data_dir), 'cache': str(s.cache_dir), 'env': str(s.env_file)}))")
    run = subprocess.run([str(venv / "bin" / "python"), "-c", probe], capture_output=True, text=True, env=env,
                         cwd=work, timeout=STEP_TIMEOUT)
    assert run.returncode == 0, run.stderr
    found = json.loads(run.stdout)
    assert Path(found["root"]).is_relative_to(venv) and found["root"].endswith("graph_loader/_resources")
    assert found["checkout"] == "None" and found["env"] == "None"
    home = Path(env["HOME"])
    assert Path(found["data"]) == home / ".local/share/diaspora-kg/neo4j"
    assert Path(found["cache"]) == home / ".cache/diaspora-kg"


def test_queries_lists_the_whole_library(installed):
    run = cli(installed, "queries", "--format", "json")
    assert run.returncode == 0, run.stderr
    assert {row["name"] for row in json.loads(run.stdout)} == set(catalogue())


def test_validate_checks_the_bundled_seed_corpus(installed):
    run = cli(installed, "validate")
    assert run.returncode == 0, run.stderr
    assert "0 violation(s)" in run.stdout + run.stderr


def test_validate_reads_filled_templates_and_reports_a_broken_one(installed):
    work = installed[1]
    filled = work / "filled"
    shutil.copytree(CSV_DATA / "examples", filled)
    assert cli(installed, "validate", "filled").returncode == 0

    nameless = work / "nameless"  # a federation without a name, beside the places it points to
    nameless.mkdir()
    shutil.copy(filled / "places.csv", nameless)
    text = (filled / "federations.csv").read_text(encoding="utf-8")
    named = ",Example Federation of Clubs (hypothetical),Federación Ejemplo de Clubes (hipotética),"
    assert named in text
    (nameless / "federations.csv").write_text(text.replace(named, ",,,"), encoding="utf-8")
    run = cli(installed, "validate", "nameless")
    assert run.returncode == 1, run.stderr
    assert "An agent needs a name" in run.stdout + run.stderr

    shutil.copy(CSV_DATA / "errors" / "contributions_bad_amount.csv", work)
    run = cli(installed, "validate", "contributions_bad_amount.csv")
    assert run.returncode == 2 and "is not a number" in run.stderr


def test_run_offline_writes_the_report(installed):
    run = cli(installed, "run", "--offline", "--out", "report-out")
    assert run.returncode == 0, run.stderr
    report = installed[1] / "report-out" / "report.md"
    assert report.is_file() and report.stat().st_size > 1000


def test_the_managed_neo4j_starts_serves_and_stops(installed):
    work = installed[1]
    port, data_dir = free_port(), work / "neo4j"
    # The jars the checkout's tests already fetched (and checked against the wheel's checksums on start).
    env = {"DKG_CACHE_DIR": str(load_settings().cache_dir), "DKG_NEO4J_HEAP": "512m",
           "DKG_NEO4J_PORT": str(port), "DKG_NEO4J_DATA_DIR": str(data_dir)}
    where = ["--port", str(port), "--data-dir", str(data_dir)]
    stopped = cli(installed, "neo4j", "status")  # the default data folder of an installed package: per user
    assert f"data in {Path(installed[2]['HOME']) / '.local/share/diaspora-kg/neo4j'}" in stopped.stderr
    try:
        start = cli(installed, "neo4j", "start", *where, env=env)
        assert start.returncode == 0 and "Started." in start.stderr, start.stderr
        assert cli(installed, "neo4j", "status", *where, env=env).returncode == 0
        assert cli(installed, "load", env=env).returncode == 0
        rows = cli(installed, "query", "federations_to_municipalities", "--format", "json", env=env)
        assert rows.returncode == 0 and json.loads(rows.stdout), rows.stderr
        stop = cli(installed, "neo4j", "stop", *where, env=env)
        assert stop.returncode == 0 and "Stopped" in stop.stderr, stop.stderr
        assert cli(installed, "neo4j", "status", *where, env=env).returncode != 0
    finally:
        ManagedNeo4j(data_dir, port, load_settings().cache_dir).stop()
