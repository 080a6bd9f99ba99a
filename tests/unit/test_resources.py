"""Where the package finds its files (:mod:`graph_loader.resources`) and keeps its state (:mod:`graph_loader.settings`),
in a checkout, with ``DKG_RESOURCES_DIR``, and as an installed package (simulated here; the real wheel is
``tests/integration/test_wheel.py``)."""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import pytest

from graph_loader import resources, settings
from graph_loader.errors import ConfigurationError
from graph_loader.ontology.load import ONTOLOGY_DIR_ENV, ontology_dir
from graph_loader.rdf.read import source_key

REPO = Path(__file__).resolve().parents[2]


def copy_resources(target: Path) -> Path:
    """The checkout's resource folders copied under ``target``, laid out as the repository is."""
    for name in resources.RESOURCE_FOLDERS:
        shutil.copytree(REPO / name, target / name)
    return target


def test_the_build_copies_the_folders_the_package_reads():
    tree = ast.parse((REPO / "setup.py").read_text(encoding="utf-8"))
    assigned = {node.targets[0].id: node.value for node in tree.body
                if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)}
    assert ast.literal_eval(assigned["RESOURCE_FOLDERS"]) == resources.RESOURCE_FOLDERS


def test_a_checkout_reads_its_top_level_folders(monkeypatch):
    monkeypatch.delenv(resources.RESOURCES_DIR_ENV, raising=False)
    assert resources.checkout_root() == REPO
    assert resources.resources_root() == REPO
    assert resources.seed_paths() == (REPO / "data" / "gazetteer" / "places.ttl",
                                      REPO / "data" / "gazetteer" / "seed-places.ttl", REPO / "data" / "seed")
    assert resources.launcher_dir() == REPO / "graph_loader" / "neo4j" / "launcher"
    assert not (REPO / "graph_loader" / resources.PACKAGED_FOLDER).exists(), "the one copy is the top-level one"


def test_the_setting_points_everything_at_another_folder(tmp_path, monkeypatch):
    root = copy_resources(tmp_path / "mine")
    monkeypatch.setenv(resources.RESOURCES_DIR_ENV, str(root))
    assert resources.resources_root() == root.resolve()
    assert ontology_dir() == root.resolve() / "ontology"
    assert resources.cypher_dir() == root.resolve() / "cypher"
    assert resources.templates_dir() == root.resolve() / "data" / "templates"
    # the launcher is code the managed Neo4j runs: always the package's own
    assert resources.launcher_dir() == REPO / "graph_loader" / "neo4j" / "launcher"
    # the seed corpus keeps its provenance key wherever it is read from
    assert source_key(root / "data" / "seed" / "00-source.ttl") == "data/seed/00-source.ttl"


def test_the_ontology_setting_still_wins_for_the_ontology(tmp_path, monkeypatch):
    monkeypatch.setenv(resources.RESOURCES_DIR_ENV, str(copy_resources(tmp_path / "mine")))
    monkeypatch.setenv(ONTOLOGY_DIR_ENV, str(tmp_path / "other-ontology"))
    assert ontology_dir() == tmp_path / "other-ontology"


def test_a_setting_that_cannot_work_is_one_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv(resources.RESOURCES_DIR_ENV, str(tmp_path / "missing"))
    with pytest.raises(ConfigurationError, match="which is not a folder"):
        resources.resources_root()
    (tmp_path / "half" / "ontology").mkdir(parents=True)
    monkeypatch.setenv(resources.RESOURCES_DIR_ENV, str(tmp_path / "half"))
    with pytest.raises(ConfigurationError) as raised:
        resources.resources_root()
    assert "has no cypher, data/seed, data/gazetteer, data/templates" in raised.value.message
    assert resources.RESOURCES_DIR_ENV in raised.value.hint


def installed_package(tmp_path: Path, monkeypatch, with_copies: bool = True) -> Path:
    """A site-packages folder holding ``graph_loader`` (and its ``_resources`` copies), as pip installs a wheel."""
    package = tmp_path / "site-packages" / "graph_loader"
    package.mkdir(parents=True)
    if with_copies:
        copy_resources(package / resources.PACKAGED_FOLDER)
    monkeypatch.setattr(resources, "package_dir", lambda: package)
    monkeypatch.delenv(resources.RESOURCES_DIR_ENV, raising=False)
    return package


def test_an_installed_package_reads_the_copies_it_carries(tmp_path, monkeypatch):
    package = installed_package(tmp_path, monkeypatch)
    assert resources.checkout_root() is None
    assert resources.resources_root() == package / "_resources"
    assert resources.seed_paths()[-1] == package / "_resources" / "data" / "seed"
    assert source_key(package / "_resources" / "data" / "seed" / "00-source.ttl") == "data/seed/00-source.ttl"


def test_an_installed_package_without_its_copies_says_how_to_fix_it(tmp_path, monkeypatch):
    installed_package(tmp_path, monkeypatch, with_copies=False)
    with pytest.raises(ConfigurationError, match="has no .*_resources") as raised:
        resources.resources_root()
    assert "pip wheel" in raised.value.hint and resources.RESOURCES_DIR_ENV in raised.value.hint


def test_a_checkout_keeps_its_state_beside_the_code():
    assert settings.CHECKOUT_ROOT == REPO
    assert settings.default_data_dir() == REPO / ".neo4j"
    assert settings.default_cache_dir() == REPO / ".cache"


def test_an_installed_package_keeps_its_state_per_user(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "CHECKOUT_ROOT", None)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for name in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "DKG_ENV_FILE"):
        monkeypatch.delenv(name, raising=False)
    assert settings.default_data_dir() == tmp_path / "home" / ".local/share/diaspora-kg/neo4j"
    assert settings.default_cache_dir() == tmp_path / "home" / ".cache/diaspora-kg"

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.setenv("XDG_DATA_HOME", "relative/data")  # ignored, as the XDG convention says
    assert settings.default_cache_dir() == tmp_path / "xdg-cache" / "diaspora-kg"
    assert settings.default_data_dir() == tmp_path / "home" / ".local/share/diaspora-kg/neo4j"

    monkeypatch.chdir(tmp_path)
    assert settings.env_file_to_read() is None
    per_user = tmp_path / "home" / ".config" / "diaspora-kg" / ".env"
    per_user.parent.mkdir(parents=True)
    per_user.write_text("DKG_NEO4J_PORT=17999\n", encoding="utf-8")
    assert settings.env_file_to_read() == per_user
    (tmp_path / ".env").write_text("DKG_NEO4J_PORT=17998\n", encoding="utf-8")
    assert settings.env_file_to_read() == tmp_path / ".env"  # the current folder's comes first


#: A folder the package reads, named beside ``__file__`` or the project root instead of asked of resources.
_LOOKUP = re.compile(r"""(__file__|PROJECT_ROOT|parents\[\d+\])[^\n]*["'](ontology|cypher|data|launcher)["']""")


def test_only_resources_says_where_the_package_files_are():
    offenders = [f"{path.relative_to(REPO)}:{n}" for path in sorted((REPO / "graph_loader").rglob("*.py"))
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if _LOOKUP.search(line)]
    assert offenders == []
