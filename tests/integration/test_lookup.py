"""``diaspora-kg lookup`` against the real Neo4j holding the seed corpus: the same matches as from the files, with
the same ids, kinds, countries, places and sources, through the full-text index of names."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

CLI = [sys.executable, "-m", "graph_loader"]
FIELDS = ("name", "id", "kind", "country", "place", "source", "also_known_as", "files")


def lookup(args: list[str], env: dict | None = None) -> list[dict]:
    run = subprocess.run([*CLI, "lookup", *args, "--format", "json"], capture_output=True, text=True, timeout=300,
                         env=env)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


@pytest.mark.parametrize("text", [["fedecmi"], ["monte", "escobeda"], ["ZACATECAS", "--kind", "State"],
                                  ["cuzcatlan"], ["salvadorenas"], ["Instituto", "de", "los", "Mexicanos"]])
def test_online_and_offline_agree(seed_db, neo4j_env, text):
    online = lookup(text, neo4j_env)
    offline = lookup([*text, "--offline"])
    assert online, text
    assert [[r[f] for f in FIELDS] for r in online[:3]] == [[r[f] for f in FIELDS] for r in offline[:3]]


def test_the_table_names_the_id_to_use(seed_db, neo4j_env):
    run = subprocess.run([*CLI, "lookup", "fedecmi"], capture_output=True, text=True, timeout=300,
                         env={**neo4j_env, "COLUMNS": "80"})
    assert run.returncode == 0, run.stderr
    assert "org/fedecmi" in run.stdout.split() and "Federation" in run.stdout
    nothing = subprocess.run([*CLI, "lookup", "banco", "mundial"], capture_output=True, text=True, timeout=300,
                             env=neo4j_env)
    assert nothing.returncode == 0 and "Nothing named like 'banco mundial'" in nothing.stderr


@pytest.mark.parametrize(("text", "uri"), [(["fedecmi"], "org/fedecmi"), (["club", "monte", "escobeda"],
                                                                            "org/club-monte-escobedo"),
                                           (["la", "union"], "place/SV-UN")])
def test_a_large_graph_is_searched_through_the_full_text_index(seed_db, neo4j_env, monkeypatch, text, uri):
    """Beyond ALL_NAMES named resources only the index's candidates are scored; the meant one is among them."""
    from click.testing import CliRunner

    from graph_loader.cli import main
    from graph_loader.neo4j import lookup as neo4j_lookup

    monkeypatch.setattr(neo4j_lookup, "ALL_NAMES", 10)
    assert neo4j_lookup.all_names(seed_db) is None
    run = CliRunner().invoke(main, ["lookup", *text, "--format", "json"], env=neo4j_env)
    assert run.exit_code == 0, run.output
    assert json.loads(run.stdout)[0]["id"] == uri
