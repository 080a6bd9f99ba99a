"""The one build step pyproject.toml cannot declare: the wheel carries the files the package reads.

The ontology, the query library, the CSV templates and the seed corpus live once, at the repository's top level
(``ontology/``, ``cypher/``, ``data/``), where a checkout reads them. ``build_py`` copies them into
``graph_loader/_resources/`` inside the build folder (never into the source tree, never committed), where
:mod:`graph_loader.resources` finds them in an installed package. An editable install (``pip install -e .``)
copies nothing: it runs from the checkout and reads the top-level folders. Everything else is in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
#: The same list as graph_loader.resources.RESOURCE_FOLDERS (tests/unit/test_resources.py checks that they agree;
#: this file cannot import the package, whose dependencies a build environment does not have).
RESOURCE_FOLDERS = ("ontology", "cypher", "data/seed", "data/gazetteer", "data/templates")
PACKAGED = Path("graph_loader", "_resources")
# data/gazetteer/build.py regenerates the gazetteer from pycountry: a maintainer's script, not data to ship.
SKIPPED = shutil.ignore_patterns("*.py", "*.pyc", "__pycache__", ".*")


class BuildWithResources(build_py):
    """``build_py`` that also copies :data:`RESOURCE_FOLDERS` into ``graph_loader/_resources`` of the build."""

    def run(self):
        super().run()
        if not getattr(self, "editable_mode", False):
            self.copy_resources()

    def copy_resources(self) -> None:
        target = Path(self.build_lib) / PACKAGED
        shutil.rmtree(target, ignore_errors=True)  # a reused build folder may hold files since renamed or deleted
        for name in RESOURCE_FOLDERS:
            source = ROOT / name
            if not source.is_dir():
                raise FileNotFoundError(f"{source}: the wheel needs it (build from a checkout or a full sdist)")
            shutil.copytree(source, target / name, ignore=SKIPPED)

    def get_outputs(self, include_bytecode=True):
        """The package's files and the copies, for the install record."""
        outputs = list(super().get_outputs(include_bytecode))
        if not getattr(self, "editable_mode", False):
            target = Path(self.build_lib) / PACKAGED
            outputs += [str(path) for path in sorted(target.rglob("*")) if path.is_file()]
        return outputs


setup(cmdclass={"build_py": BuildWithResources})
