"""The Graph Data Science library (GDS Community) on the managed Neo4j: its jars, fetched, checked and installed.

GDS 2.13 is the line that pairs with Neo4j 5.26; its open modules are on Maven Central. ``gds_plugin/pom.xml``
names them (:data:`GDS_VERSION`); the first start that wants GDS copies them with their dependencies into
``<cache>/gds/<version>/lib`` and every start checks that folder against ``gds_plugin/gds-jars.sha256``
(:mod:`graph_loader.neo4j.jars`), as for Neo4j's own jars, so ``--no-gds`` needs none of it.

Embedded, GDS loads only when its jars are both on the launcher's classpath (the extension that registers the
procedures' components is found there) and in ``<home>/plugins`` (Neo4j looks for procedures only in that
folder). On the classpath only, no ``gds.*`` procedure exists; in ``plugins`` only, the database fails to start
("Failed to register procedures"). So :func:`install` makes ``<home>/plugins`` hold exactly the checked GDS jars,
and :func:`remove` takes them out again for a start without GDS. Any other jar found there is refused, never
loaded: only jars this package names run.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ..errors import ServerError
from ..resources import package_dir
from . import jars

GDS_VERSION = "2.13.9"
#: The package's own pom and checksums, never a setting's.
GDS_DIR = package_dir() / "neo4j" / "gds_plugin"
POM = GDS_DIR / "pom.xml"
JAR_CHECKSUMS = GDS_DIR / "gds-jars.sha256"
FETCHED_BY = "diaspora-kg neo4j start"


def lib_dir(cache_dir: Path) -> Path:
    """Where the GDS jars are kept: ``<cache>/gds/<version>/lib``."""
    return Path(cache_dir).resolve() / "gds" / GDS_VERSION / "lib"


def ensure_gds_jars(cache_dir: Path, *, hint: str, echo=print) -> Path:
    """The folder of the checked GDS jars, fetched with Maven the first time; ``hint`` says what to do without."""
    return jars.ensure_jars(lib_dir(cache_dir), POM, JAR_CHECKSUMS, what="Graph Data Science", version=GDS_VERSION,
                            properties={"gds.version": GDS_VERSION}, fetched_by=FETCHED_BY, hint=hint, echo=echo)


def _foreign_jars(plugins: Path) -> list[str]:
    """Jars in ``plugins`` that are not GDS jars of this package (by name)."""
    ours = jars.read_checksums(JAR_CHECKSUMS)
    return sorted(p.name for p in plugins.glob("*.jar") if p.name not in ours)


def _refuse_foreign(plugins: Path) -> None:
    foreign = _foreign_jars(plugins)
    if foreign:
        raise ServerError(f"{plugins} holds jars this package does not run: {', '.join(foreign[:5])}"
                          + (f" (and {len(foreign) - 5} more)" if len(foreign) > 5 else ""),
                          hint=f"remove them from {plugins}; the managed Neo4j loads only the checked GDS jars")


def install(lib: Path, home: Path) -> Path:
    """Make ``<home>/plugins`` hold exactly the GDS jars of ``lib`` (already checked); return the folder.

    Jars already there and identical are kept (checked against the shipped checksums); any other jar is refused.
    """
    plugins = home / "plugins"
    plugins.mkdir(parents=True, exist_ok=True)
    _refuse_foreign(plugins)
    if jars.jar_problems(plugins, JAR_CHECKSUMS):  # missing or altered: copy the checked set again
        for jar in plugins.glob("*.jar"):
            jar.unlink()
        for jar in sorted(lib.glob("*.jar")):
            shutil.copyfile(jar, plugins / jar.name)
        jars.verify_jars(plugins, JAR_CHECKSUMS, what="Graph Data Science", fetched_by=FETCHED_BY)
    return plugins


def remove(home: Path) -> None:
    """Take the GDS jars out of ``<home>/plugins`` (a start without GDS); any other jar there is refused."""
    plugins = home / "plugins"
    if not plugins.is_dir():
        return
    _refuse_foreign(plugins)
    for jar in plugins.glob("*.jar"):
        jar.unlink()
