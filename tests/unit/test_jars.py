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


def test_gds_ships_its_pom_and_checksums():
    from graph_loader.neo4j import plugins

    names = read_checksums(plugins.JAR_CHECKSUMS)
    for module in ("proc", "proc-sysinfo", "opengds-extension", "open-model-catalog", "open-write-services"):
        assert f"{module}-{plugins.GDS_VERSION}.jar" in names
    assert not any(n.startswith(("jackson-core-", "slf4j-api-", "eclipse-collections-")) for n in names)
    assert f"<gds.version>{plugins.GDS_VERSION}<" in plugins.POM.read_text(encoding="utf-8")


def test_gds_plugins_folder_holds_the_checked_jars_only(tmp_path, monkeypatch):
    from graph_loader.neo4j import plugins

    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "proc.jar").write_bytes(b"p")
    checksums = tmp_path / "gds.sha256"
    checksums.write_text(f"{hashlib.sha256(b'p').hexdigest()}  proc.jar\n", encoding="utf-8")
    monkeypatch.setattr(plugins, "JAR_CHECKSUMS", checksums)
    home = tmp_path / "home"
    folder = plugins.install(lib, home)
    assert sorted(p.name for p in folder.iterdir()) == ["proc.jar"]
    (folder / "proc.jar").write_bytes(b"altered")
    plugins.install(lib, home)  # an altered copy is replaced by the checked one
    assert (folder / "proc.jar").read_bytes() == b"p"
    plugins.remove(home)  # a start without GDS
    assert not list(folder.glob("*.jar"))
    (folder / "planted.jar").write_bytes(b"x")
    for action in (lambda: plugins.install(lib, home), lambda: plugins.remove(home)):
        with pytest.raises(ServerError) as caught:
            action()
        assert "planted.jar" in caught.value.message and (folder / "planted.jar").exists()
