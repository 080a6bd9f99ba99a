"""``neo4j.jars.verify_jars``: exactly the jars of the shipped list, byte for byte (Neo4j's and cypher-shell's)."""

from __future__ import annotations

import hashlib

import pytest

from graph_loader.errors import ServerError
from graph_loader.neo4j import shell
from graph_loader.neo4j.jars import read_checksums, verify_jars


@pytest.fixture
def lib(tmp_path):
    folder = tmp_path / "tool" / "1.0" / "lib"
    folder.mkdir(parents=True)
    (folder / "a.jar").write_bytes(b"a")
    (folder / "b.jar").write_bytes(b"b")
    listing = "".join(f"{hashlib.sha256(d).hexdigest()}  {n}\n" for n, d in (("a.jar", b"a"), ("b.jar", b"b")))
    (tmp_path / "jars.sha256").write_text("# a comment\n" + listing, encoding="utf-8")
    return folder


def test_the_listed_jars_pass(lib):
    verify_jars(lib, lib.parents[2] / "jars.sha256", what="Tool", fetched_by="tool fetch")


@pytest.mark.parametrize("change, problem", [
    (lambda lib: (lib / "b.jar").write_bytes(b"B"), "b.jar differs from the published jar"),
    (lambda lib: (lib / "c.jar").write_bytes(b"c"), "unexpected c.jar"),
    (lambda lib: (lib / "a.jar").unlink(), "missing a.jar"),
])
def test_anything_else_is_refused(lib, change, problem):
    change(lib)
    with pytest.raises(ServerError) as caught:
        verify_jars(lib, lib.parents[2] / "jars.sha256", what="Tool", fetched_by="tool fetch")
    assert problem in caught.value.message and caught.value.message.startswith("the Tool jars in ")
    assert f"delete {lib.parent} so that `tool fetch`" in caught.value.hint


def test_cypher_shell_ships_its_pom_and_checksums():
    names = read_checksums(shell.JAR_CHECKSUMS)
    assert f"cypher-shell-{shell.CYPHER_SHELL_VERSION}.jar" in names and len(names) > 20
    assert f"<cypher-shell.version>{shell.CYPHER_SHELL_VERSION}<" in shell.POM.read_text(encoding="utf-8")
