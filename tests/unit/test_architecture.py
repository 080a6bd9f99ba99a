"""The package's architecture, checked from its source so that it stays true (``docs/architecture.md``, "Stages").

Every module of ``graph_loader`` is parsed with :mod:`ast`; nothing is imported. The rules:

* **no import cycle** among the package's modules;
* **stages** (:data:`STAGES`): a module imports only modules of its own stage or of earlier ones;
* **never**: ``model``, ``rdf``, ``resolution`` and ``shacl`` never reach ``graph_loader.neo4j`` or the Neo4j
  driver; ``analysis`` reaches neither Neo4j (ours or the driver) nor the drawing libraries, not even through
  another module; only ``graph_loader/neo4j/`` imports the driver, only ``graph_loader/viz/`` pyvis and
  matplotlib, only ``graph_loader/resolution/`` and ``graph_loader/lookup.py`` rapidfuzz; nothing but ``cli`` itself and ``__main__`` imports
  ``cli``;
* **one of each**: the ``dkg:`` namespace is written once (``ontology/terms.py``), ``RDF_TYPE`` is defined once
  (``model.py``), there is one ``def as_list``, and Cypher queries (``MATCH (``, ``MERGE (``) are written only
  in ``graph_loader/neo4j/``, and so are the names of GDS procedures (``gds.louvain``); constraints and indexes
  (``CREATE INDEX``, ``CREATE CONSTRAINT``) only in ``graph_loader/neo4j/schema.py`` and the generated
  ``cypher/schema/create_schema.cypher``; no query of ``cypher/`` folds accents itself (``normalize(…, NFKD)``:
  names are folded once, in Python); analysis code names relationship types by the generated constants
  (``ontology.terms.REL``), never as string literals; the ``score_`` prefix is written once (``merge.py``); one node row and one relationship row
  (``model.py``), and one merge (:data:`MERGE_FUNCTIONS`, defined in ``merge.py`` only, and values merged by
  ``merge_props`` only there);
* **one registry of engines**: outside ``graph_loader/engines/`` the engines are reached through
  ``graph_loader.engines`` (and ``engines.source``), never by importing an engine's module; ``analyze`` and
  ``viz`` take their choices from the registries, not from lists written out;
* **the architecture page names only modules that exist**, and names every module.

How imports are read: every ``import`` and ``from … import`` counts, also inside functions (it runs when the
function is called), relative ones resolved against the importing module's package (an ``__init__.py`` is its
package). ``from pkg import name`` depends on ``pkg`` (its ``__init__``) and, when ``name`` is a submodule, on
``pkg.name``. Importing ``a.b.c`` also runs ``a/__init__`` and ``a/b/__init__``: those count too, except the
importer's own enclosing packages, which are already being imported when it runs (so ``pkg/__init__`` importing
its submodules and a submodule importing a sibling with ``from . import sibling`` make no cycle). Imports under
``if TYPE_CHECKING:`` never run: they are left out of the cycle and stage checks, and the ones that point at a
later stage are listed in :data:`ANNOTATION_ONLY`, so that a new one is a decision, not an accident.

Each check is a plain function over plain data; a ``test_check_*`` test feeds it a synthetic violation, so that
every rule is shown able to fail.
"""

from __future__ import annotations

import ast
import re
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "graph_loader"
DOC = ROOT / "docs" / "architecture.md"

#: The stages, earliest first: each entry is the top-level modules and subpackages of ``graph_loader`` of one
#: stage ("" is ``graph_loader/__init__.py``). A module may import modules of its own stage and earlier ones.
STAGES: tuple[tuple[str, ...], ...] = (
    ("", "errors", "settings", "resources", "model", "merge", "choices", "beside"),  # 0 plain values and their
    # merge, settings, where package data lives, the names of the choices, work in a forked process
    ("ontology",),  # 1 the ontology as the code sees it: terms, schema
    ("rdf", "resolution"),  # 2 files -> triples -> property-graph rows, and back; which rows name one thing
    ("shacl",),  # 3 validation of prepared inputs
    ("neo4j",),  # 4 the server, the driver, writing and reading the graph, the query library
    ("analysis",),  # 5 NetworkX in, plain data out
    ("viz", "export", "audit", "report", "engines", "lookup"),  # 6 what is made of the graph: pictures, files,
    # the audit, the report, the analyses run inside Neo4j (GDS), finding resources by name
    ("loading",),  # 7 orchestration of a load: read, validate, map, write
    ("pipeline",),  # 8 the main job
    ("cli",),  # 9 the command line
    ("__main__",),  # 10 python -m graph_loader
)

#: ``if TYPE_CHECKING:`` imports that point at a later stage: for annotations only, never run.
ANNOTATION_ONLY = {
    ("graph_loader.model", "graph_loader.ontology.schema"),  # PropertyGraph.to_networkx(schema: GraphSchema)
}

DKG_NAMESPACE = "https://w3id.org/diaspora-kg/ontology#"
RDF_TYPE_IRI = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
CYPHER = re.compile(r"\b(?:MATCH|MERGE)\s*\(")
SCHEMA_DDL = re.compile(r"\bCREATE\s+(?:(?:RANGE|TEXT|POINT|FULLTEXT|LOOKUP|VECTOR)\s+)?(?:INDEX|CONSTRAINT)\b")
#: Accent folding written in Cypher: Unicode normalisation (the old pasted ``reduce(normalize(…, NFKD), …)`` block).
CYPHER_FOLDING = re.compile(r"\bnormalize\s*\(|\bNFK?[CD]\b", re.I)
QUERY_LIBRARY = ROOT / "cypher"
#: The one file of ``cypher/`` that holds schema statements (generated by ``diaspora-kg schema --write-cypher``).
SCHEMA_FILE = "cypher/schema/create_schema.cypher"
#: Where relationship types are named by ``ontology.terms.REL`` only, never as string literals.
NO_TYPE_LITERALS = (f"{PACKAGE}/analysis/", f"{PACKAGE}/engines/")
#: A Graph Data Science procedure or function named (``gds.louvain``, ``CALL gds.graph.project``), not a module
#: path that ends in ``gds`` (``engines.gds.tie_spec``).
GDS_CALL = re.compile(r"(?<![\w.])gds\.[A-Za-z]")
#: The analysis engines' registry, and the one module of the package besides it that others may import.
ENGINES_PACKAGE = f"{PACKAGE}.engines"
ENGINES_SHARED = (f"{ENGINES_PACKAGE}.source",)


# --- reading the package ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Import:
    """One dependency: ``importer`` imports ``target`` (a module of the package, or a third-party top name)."""

    importer: str
    target: str
    line: int
    internal: bool = True
    type_only: bool = False
    #: Not named by the statement: a package whose ``__init__`` runs because a module inside it is imported.
    implicit: bool = False

    def __str__(self) -> str:
        how = ", its __init__ runs" if self.implicit else ", under TYPE_CHECKING" if self.type_only else ""
        return f"{self.importer} -> {self.target} (line {self.line}{how})"


def module_files(root: Path, package: str = PACKAGE) -> dict[str, Path]:
    """``{dotted name: file}`` of every module of ``package`` under ``root`` (a package is its ``__init__``)."""
    files = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        files[".".join(parts)] = path
    return files


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
        (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _import_statements(node: ast.AST, type_only: bool = False):
    """Every import statement under ``node``, at any depth, with whether it sits under ``if TYPE_CHECKING:``."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child, type_only
        elif isinstance(child, ast.If) and _is_type_checking(child.test):
            yield from _import_statements(ast.Module(body=child.body, type_ignores=[]), True)
            yield from _import_statements(ast.Module(body=child.orelse, type_ignores=[]), type_only)
        else:
            yield from _import_statements(child, type_only)


def _ancestors(name: str) -> list[str]:
    """``a.b.c`` -> ``["a", "a.b"]``."""
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def imports_of(name: str, is_package: bool, source: str, modules: Iterable[str],
               package: str = PACKAGE) -> tuple[list[Import], list[str]]:
    """The imports of module ``name`` (whose text is ``source``), and the package imports that name no module.

    ``modules`` is every module name of the package (to tell a submodule from a name defined in a package).
    """
    modules = set(modules)
    own_package = name if is_package else name.rpartition(".")[0]
    enclosing = {own_package, *_ancestors(own_package)}  # already being imported when this module runs
    found: list[Import] = []
    unresolved: list[str] = []

    def add(target: str, line: int, type_only: bool, implicit: bool = False) -> None:
        if target != name:
            found.append(Import(name, target, line, True, type_only, implicit))

    def add_with_packages(target: str, line: int, type_only: bool) -> None:
        for ancestor in _ancestors(target):
            if ancestor not in enclosing:
                add(ancestor, line, type_only, implicit=True)
        add(target, line, type_only)

    for stmt, type_only in _import_statements(ast.parse(source)):
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.name.split(".")[0] != package:
                    found.append(Import(name, alias.name.split(".")[0], stmt.lineno, False, type_only))
                elif alias.name in modules:
                    add_with_packages(alias.name, stmt.lineno, type_only)
                else:
                    unresolved.append(f"{name} line {stmt.lineno}: import {alias.name}")
            continue
        if stmt.level:
            base = own_package.split(".")
            if stmt.level - 1 >= len(base):
                unresolved.append(f"{name} line {stmt.lineno}: relative import beyond the package")
                continue
            base = base[:len(base) - (stmt.level - 1)]
            target = ".".join(base + ([stmt.module] if stmt.module else []))
        else:
            target = stmt.module or ""
            if target.split(".")[0] != package:
                found.append(Import(name, target.split(".")[0], stmt.lineno, False, type_only))
                continue
        if target not in modules:
            unresolved.append(f"{name} line {stmt.lineno}: from {target} import …")
            continue
        submodules = [f"{target}.{alias.name}" for alias in stmt.names if f"{target}.{alias.name}" in modules]
        if target not in enclosing or len(submodules) < len(stmt.names):
            add_with_packages(target, stmt.lineno, type_only)  # runs target's __init__, or takes names from it
        for submodule in submodules:  # their packages: target and its own, just handled
            add(submodule, stmt.lineno, type_only)
    return found, unresolved


def package_imports(root: Path = ROOT, package: str = PACKAGE) -> tuple[dict[str, Path], list[Import], list[str]]:
    """Every module of the package, every import in it, and every package import that names no module."""
    files = module_files(root, package)
    imports: list[Import] = []
    unresolved: list[str] = []
    for name, path in files.items():
        found, bad = imports_of(name, path.name == "__init__.py", path.read_text(encoding="utf-8"), files, package)
        imports += found
        unresolved += bad
    return files, imports, unresolved


# --- the checks ---------------------------------------------------------------------------------------------


def runtime(imports: Iterable[Import]) -> list[Import]:
    """The imports between the package's modules that run (not under ``TYPE_CHECKING``)."""
    return [i for i in imports if i.internal and not i.type_only]


def _graph(imports: Iterable[Import]) -> dict[str, dict[str, Import]]:
    graph: dict[str, dict[str, Import]] = {}
    for imp in imports:
        graph.setdefault(imp.importer, {}).setdefault(imp.target, imp)
        graph.setdefault(imp.target, {})
    return graph


def find_cycles(imports: Iterable[Import]) -> list[list[Import]]:
    """One shortest cycle per strongly connected group of modules (Tarjan), as the imports that close it."""
    graph = _graph(imports)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in graph[node]:
            if succ not in index:
                connect(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            groups.append(group)

    for node in sorted(graph):
        if node not in index:
            connect(node)
    cycles = []
    for group in groups:
        members = set(group)
        start = min(group)
        if len(group) == 1 and start not in graph[start]:
            continue
        # breadth-first from start, inside the group, back to start
        came_from: dict[str, Import] = {}
        queue = deque([start])
        while queue:
            node = queue.popleft()
            if start in graph[node]:
                path = [graph[node][start]]
                while node != start:
                    path.append(came_from[node])
                    node = came_from[node].importer
                cycles.append(path[::-1])
                break
            for succ, imp in sorted(graph[node].items()):
                if succ in members and succ not in came_from and succ != start:
                    came_from[succ] = imp
                    queue.append(succ)
    return cycles


def format_cycle(cycle: list[Import]) -> str:
    """``a -[line 3]-> b -[line 9]-> a``: each module, and the line of it that imports the next."""
    return "".join(f"{imp.importer} -[line {imp.line}]-> " for imp in cycle) + cycle[0].importer


def unit(module: str) -> str:
    """The top-level module or subpackage of the package a module belongs to ("" for the package itself)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def stage_of(stages: tuple[tuple[str, ...], ...] = STAGES) -> dict[str, int]:
    return {name: level for level, names in enumerate(stages) for name in names}


def stage_violations(imports: Iterable[Import], stages: tuple[tuple[str, ...], ...] = STAGES) -> list[Import]:
    """Imports of a module of a later stage than the importer's."""
    level = stage_of(stages)
    return [i for i in imports if i.internal and level[unit(i.target)] > level[unit(i.importer)]]


@dataclass(frozen=True)
class Never:
    """Modules of ``importers`` never import modules of ``modules`` nor the third-party ``libraries``; with
    ``transitive``, not even through other modules of the package."""

    why: str
    importers: tuple[str, ...]
    modules: tuple[str, ...] = ()
    libraries: tuple[str, ...] = ()
    transitive: bool = True


NEVER = (
    Never("model, merge, rdf, resolution and shacl never touch Neo4j", ("model", "merge", "rdf", "resolution", "shacl"),
          ("neo4j",), ("neo4j",)),
    Never("analysis takes a NetworkX graph and returns plain data: it neither talks to Neo4j nor draws",
          ("analysis",), ("neo4j", "viz"), ("neo4j", "pyvis", "matplotlib")),
    Never("the command line is the top: only cli itself and __main__ import it",
          tuple(n for names in STAGES for n in names if n not in ("cli", "__main__")), ("cli",), (), False),
)

#: Third-party libraries that only one part of the package imports (directly).
ONLY = {"neo4j": ("neo4j",), "pyvis": ("viz",), "matplotlib": ("viz",), "rapidfuzz": ("resolution", "lookup")}


def never_violations(imports: Iterable[Import], rule: Never) -> list[str]:
    """Each module of ``rule.importers`` that reaches what ``rule`` forbids, with the chain of imports."""
    imports = [i for i in imports if not i.type_only]
    graph: dict[str, list[Import]] = {}
    for imp in imports:
        graph.setdefault(imp.importer, []).append(imp)

    def forbidden(imp: Import) -> bool:
        return unit(imp.target) in rule.modules if imp.internal else imp.target in rule.libraries

    found = []
    for start in sorted({i.importer for i in imports if unit(i.importer) in rule.importers}):
        came_from: dict[str, Import] = {}
        queue = deque([start])
        seen = {start}
        hit = None
        while queue and hit is None:
            node = queue.popleft()
            for imp in graph.get(node, []):
                if forbidden(imp):
                    hit = imp
                    break
                if rule.transitive and imp.internal and imp.target not in seen:
                    seen.add(imp.target)
                    came_from[imp.target] = imp
                    queue.append(imp.target)
        if hit is not None:
            chain = [hit]
            while chain[0].importer != start:
                chain.insert(0, came_from[chain[0].importer])
            found.append(" ; ".join(str(i) for i in chain))
    return found


def only_violations(imports: Iterable[Import], only: Mapping[str, tuple[str, ...]] = ONLY) -> list[Import]:
    """Direct imports of a library of ``only`` outside the parts allowed to import it."""
    return [i for i in imports if not i.internal and i.target in only and unit(i.importer) not in only[i.target]]


def _sources(root: Path = ROOT, package: str = PACKAGE) -> dict[str, str]:
    return {path.relative_to(root).as_posix(): path.read_text(encoding="utf-8")
            for path in sorted((root / package).rglob("*.py"))}


def string_constants(sources: Mapping[str, str], needle: str) -> list[str]:
    """``path:line`` of every string in code (docstrings and doctests aside) that contains ``needle``."""
    found = []
    for path, text in sources.items():
        tree = ast.parse(text)
        docstrings = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr)}
        found += [f"{path}:{n.lineno}" for n in ast.walk(tree)
                  if isinstance(n, ast.Constant) and isinstance(n.value, str) and needle in n.value
                  and id(n) not in docstrings]
    return found


def assignments(sources: Mapping[str, str], name: str) -> list[str]:
    """``path:line`` of every assignment to the name ``name`` (at any level)."""
    found = []
    for path, text in sources.items():
        for node in ast.walk(ast.parse(text)):
            targets = node.targets if isinstance(node, ast.Assign) else \
                [node.target] if isinstance(node, ast.AnnAssign | ast.AugAssign) else []
            found += [f"{path}:{node.lineno}" for t in targets for n in ast.walk(t)
                      if isinstance(n, ast.Name) and n.id == name]
    return found


def definitions(sources: Mapping[str, str], name: str) -> list[str]:
    """``path:line`` of every ``def name`` (at any level)."""
    return [f"{path}:{node.lineno}" for path, text in sources.items() for node in ast.walk(ast.parse(text))
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name]


def calls(sources: Mapping[str, str], name: str) -> list[str]:
    """``path:line`` of every call of a function called ``name`` (``name(...)`` or ``x.name(...)``)."""
    return [f"{path}:{node.lineno}" for path, text in sources.items() for node in ast.walk(ast.parse(text))
            if isinstance(node, ast.Call) and name in (getattr(node.func, "id", None), getattr(node.func, "attr", None))]


def classes(sources: Mapping[str, str], name: str) -> list[str]:
    """``path:line`` of every ``class name``."""
    return [f"{path}:{node.lineno}" for path, text in sources.items() for node in ast.walk(ast.parse(text))
            if isinstance(node, ast.ClassDef) and node.name == name]


def cypher_outside(sources: Mapping[str, str], home: str = f"{PACKAGE}/neo4j/") -> list[str]:
    """``path:line: text`` of every Cypher query text outside ``home``."""
    return [f"{path}:{number}: {line.strip()}" for path, text in sources.items() if not path.startswith(home)
            for number, line in enumerate(text.splitlines(), 1) if CYPHER.search(line)]


def lines_matching(files: Mapping[str, str], pattern: re.Pattern, home: str | None = None) -> list[str]:
    """``path:line: text`` of every line of ``files`` (but ``home``) that ``pattern`` finds something in."""
    return [f"{path}:{number}: {line.strip()}" for path, text in files.items() if path != home
            for number, line in enumerate(text.splitlines(), 1) if pattern.search(line)]


def schema_ddl_outside(sources: Mapping[str, str], home: str = f"{PACKAGE}/neo4j/schema.py") -> list[str]:
    """``path:line: text`` of every ``CREATE … INDEX`` / ``CREATE … CONSTRAINT`` text outside ``home``."""
    return lines_matching(sources, SCHEMA_DDL, home)


def cypher_files(root: Path = ROOT) -> dict[str, str]:
    """``{path: text}`` of every ``.cypher`` file of the query library."""
    return {path.relative_to(root).as_posix(): path.read_text(encoding="utf-8")
            for path in sorted((root / "cypher").rglob("*.cypher"))}


def folding_in_cypher(files: Mapping[str, str]) -> list[str]:
    """``path:line: text`` of every line of a ``.cypher`` file that folds accents in Cypher."""
    return lines_matching(files, CYPHER_FOLDING)


def relationship_types(terms_source: str) -> set[str]:
    """The relationship types of the generated ``class REL`` of ``ontology/terms.py`` (read, not imported)."""
    for node in ast.parse(terms_source).body:
        if isinstance(node, ast.ClassDef) and node.name == "REL":
            return {stmt.value.value for stmt in node.body
                    if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Constant)}
    return set()


def literals_equal_to(sources: Mapping[str, str], values: set[str], under: tuple[str, ...] = ("",)) -> list[str]:
    """``path:line: 'value'`` of every string literal in code (docstrings and doctests aside) of the files under
    ``under`` whose whole value is one of ``values``."""
    found = []
    for path, text in sources.items():
        if not path.startswith(under):
            continue
        tree = ast.parse(text)
        docstrings = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr)}
        found += [f"{path}:{n.lineno}: {n.value!r}" for n in ast.walk(tree)
                  if isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value in values
                  and id(n) not in docstrings]
    return sorted(found)


def gds_calls_outside(sources: Mapping[str, str], home: str = f"{PACKAGE}/neo4j/") -> list[str]:
    """``path:line: text`` of every GDS procedure named outside ``home`` (docstrings included)."""
    return [f"{path}:{number}: {line.strip()}" for path, text in sources.items() if not path.startswith(home)
            for number, line in enumerate(text.splitlines(), 1) if GDS_CALL.search(line)]


def engines_reached_around_the_registry(imports: Iterable[Import]) -> list[Import]:
    """Imports of an engine's own module (``engines.gds``, ``engines.networkx``) from outside
    ``graph_loader/engines/``: the others reach the engines through the registry, ``graph_loader.engines``."""
    return [i for i in imports if i.internal and not i.implicit and unit(i.importer) != "engines"
            and i.target.startswith(ENGINES_PACKAGE + ".") and i.target not in ENGINES_SHARED]


def literal_choices(sources: Mapping[str, str]) -> list[str]:
    """``path:line`` of every ``click.Choice`` given a list or tuple written out (not a registry's names)."""
    return [f"{path}:{node.lineno}" for path, text in sources.items() for node in ast.walk(ast.parse(text))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "Choice"
            and node.args and isinstance(node.args[0], ast.List | ast.Tuple)]


# --- what the architecture page names -----------------------------------------------------------------------

_PATH = re.compile(rf"\b{PACKAGE}(?:/[\w.-]+)+/?")
_DOTTED = re.compile(rf"\b{PACKAGE}(?:\.\w+)+")


def _top_level_names(source: str) -> dict[str, set[str] | None]:
    """The names a module defines at its top level; a class maps to its own names, anything else to None."""
    names: dict[str, set[str] | None] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.ClassDef):
            names[node.name] = {n.name for n in node.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)} \
                | {t.id for n in node.body if isinstance(n, ast.AnnAssign | ast.Assign)
                   for t in ([n.target] if isinstance(n, ast.AnnAssign) else n.targets) if isinstance(t, ast.Name)}
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names[node.name] = None
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            for target in [node.target] if isinstance(node, ast.AnnAssign) else node.targets:
                names.update({n.id: None for n in ast.walk(target) if isinstance(n, ast.Name)})
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update({(a.asname or a.name).split(".")[0]: None for a in node.names})
    return names


def named_modules(text: str, files: Mapping[str, Path], root: Path = ROOT) -> tuple[set[str], list[str]]:
    """The modules a page names, and the names on it that point at nothing.

    Read as names of the package: ``graph_loader/…`` paths (a file or folder that must exist; a package's folder
    names the package), ``graph_loader.x.y`` dotted names, and dotted names that start with a top-level module or
    subpackage (``rdf.read``, ``model.PropertyGraph.to_networkx``; not after ``/``, ``.`` or ``:``, so
    ``out/report.md`` is no name). A dotted name is a module, optionally followed by a name the module defines at
    its top level and, for a class, a name of the class.
    """
    units = sorted({unit(name) for name in files} - {""}, key=len, reverse=True)
    short = re.compile(rf"(?<![\w/.:@$-])((?:{'|'.join(map(re.escape, units))})(?:\.\w+)+)")
    named: set[str] = set()
    stale: list[str] = []
    for match in _PATH.finditer(text):
        path = match.group(0).rstrip(".")
        if not (root / path).exists():
            stale.append(path)
        elif (root / path / "__init__.py").exists():
            named.add(".".join(Path(path).parts))
        elif path.endswith(".py"):
            parts = Path(path).with_suffix("").parts
            named.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    dotted = [m.group(0) for m in _DOTTED.finditer(text)]
    dotted += [f"{PACKAGE}.{m.group(1)}" for m in short.finditer(text)]
    for name in dotted:
        parts = name.split(".")
        k = max(i for i in range(1, len(parts) + 1) if ".".join(parts[:i]) in files)
        module, rest = ".".join(parts[:k]), parts[k:]
        named.add(module)
        if rest:
            defined = _top_level_names(files[module].read_text(encoding="utf-8"))
            if not (rest[0] in defined and (len(rest) == 1 or len(rest) == 2 and rest[1] in (defined[rest[0]] or ()))):
                stale.append(name)
    return named, stale


# --- the package as it is -----------------------------------------------------------------------------------

FILES, IMPORTS, UNRESOLVED = package_imports()
SOURCES = _sources()


def test_every_package_import_names_a_module():
    assert not UNRESOLVED, "imports of graph_loader that name no module:\n" + "\n".join(UNRESOLVED)
    assert any(i.internal for i in IMPORTS) and any(not i.internal for i in IMPORTS)  # the reader reads


def test_every_module_has_a_stage():
    level = stage_of()
    missing = sorted({unit(name) for name in FILES} - level.keys())
    assert not missing, f"put {missing} in a stage of STAGES (tests/unit/test_architecture.py) and docs/architecture.md"


def test_no_import_cycle():
    cycles = find_cycles(runtime(IMPORTS))
    assert not cycles, "import cycles:\n" + "\n".join(format_cycle(c) for c in cycles)


def test_modules_import_only_their_own_stage_or_earlier_ones():
    bad = stage_violations(runtime(IMPORTS))
    assert not bad, "imports of a later stage:\n" + "\n".join(map(str, bad))


def test_annotation_only_imports_of_later_stages_are_the_listed_ones():
    later = {(i.importer, i.target) for i in stage_violations(i for i in IMPORTS if i.type_only and not i.implicit)}
    assert later == ANNOTATION_ONLY


@pytest.mark.parametrize("rule", NEVER, ids=lambda rule: rule.why.split(":")[0])
def test_never(rule):
    bad = never_violations(IMPORTS, rule)
    assert not bad, f"{rule.why}; but:\n" + "\n".join(bad)


def test_libraries_are_imported_only_where_they_belong():
    bad = only_violations(IMPORTS)
    assert not bad, "\n".join(f"{i} (only {ONLY[i.target]} may)" for i in bad)


def test_the_ontology_namespace_is_written_once_in_ontology_terms():
    found = string_constants(SOURCES, DKG_NAMESPACE)
    assert found == assignments(SOURCES, "DKG_NS"), f"the dkg: namespace is written at {found}"
    assert len(found) == 1 and found[0].startswith("graph_loader/ontology/terms.py:"), found


def test_rdf_type_is_defined_once_in_model():
    defined = assignments(SOURCES, "RDF_TYPE")
    assert len(defined) == 1 and defined[0].startswith("graph_loader/model.py:"), defined
    assert not string_constants(SOURCES, RDF_TYPE_IRI), "use graph_loader.model.RDF_TYPE"


def test_as_list_is_defined_once():
    found = definitions(SOURCES, "as_list")
    assert len(found) == 1 and found[0].startswith("graph_loader/model.py:"), f"`def as_list` at {found}"


#: The one merge (``graph_loader/merge.py``): values, rows into nodes and relationships, what an unload leaves,
#: the graph a load writes.
MERGE_FUNCTIONS = ("merge_props", "absorb", "merged_node_props", "merged_relationship_props", "node_after",
                   "relationship_after", "node_without", "relationship_without", "plan_graph", "derive_names",
                   "derive_location")
MERGE_MODULE = f"{PACKAGE}/merge.py"


@pytest.mark.parametrize("name", MERGE_FUNCTIONS)
def test_only_merge_merges(name):
    found = definitions(SOURCES, name)
    assert len(found) == 1 and found[0].startswith(MERGE_MODULE + ":"), f"`def {name}` at {found}"


def test_values_are_merged_only_inside_merge():
    found = [c for c in calls(SOURCES, "merge_props") if not c.startswith(MERGE_MODULE + ":")]
    assert not found, f"merge_props called outside {MERGE_MODULE}: {found}; use the row functions of merge.py"


@pytest.mark.parametrize("step", ["attach_relationship_updates", "warn_untyped", "untyped_nodes"])
def test_one_load_sequence(step):
    """prepare -> attach -> warn -> validate is written once, in ``loading.prepare_and_validate``: ``validate``,
    ``load`` and ``run --offline`` all call it (``rdf.sources`` itself may use its own steps)."""
    home = f"{PACKAGE}/rdf/sources.py:"
    found = [c for c in calls(SOURCES, step) if not c.startswith(home)]
    assert all(c.startswith(f"{PACKAGE}/loading.py:") for c in found) and len(found) == 1, found


@pytest.mark.parametrize("name", ["NodeRow", "RelationshipRow", "PropertyGraph"])
def test_one_row_shape_in_model(name):
    found = classes(SOURCES, name)
    assert len(found) == 1 and found[0].startswith(f"{PACKAGE}/model.py:"), f"`class {name}` at {found}"


def test_cypher_queries_live_in_the_neo4j_package():
    found = cypher_outside(SOURCES)
    assert not found, "Cypher outside graph_loader/neo4j/:\n" + "\n".join(found)


def test_schema_statements_are_written_only_in_neo4j_schema():
    found = schema_ddl_outside(SOURCES)
    assert not found, "CREATE INDEX/CONSTRAINT outside graph_loader/neo4j/schema.py:\n" + "\n".join(found)
    library = cypher_files()
    in_library = lines_matching(library, SCHEMA_DDL, SCHEMA_FILE)
    assert not in_library, f"schema statements in the query library outside {SCHEMA_FILE}:\n" + "\n".join(in_library)
    assert SCHEMA_DDL.search(library[SCHEMA_FILE])  # the check reads what it should


def test_no_query_folds_accents_in_cypher():
    found = folding_in_cypher(cypher_files())
    assert not found, ("accent folding in Cypher (declare the parameter `folded` and match $<name>Key against "
                       "nameKeys):\n" + "\n".join(found))


def test_analysis_names_relationship_types_by_the_generated_constants():
    types = relationship_types(SOURCES[f"{PACKAGE}/ontology/terms.py"])
    assert {"MEMBER_OF", "FUNDS", "PART_OF"} <= types
    found = literals_equal_to(SOURCES, types, NO_TYPE_LITERALS)
    assert not found, "relationship types as string literals (use ontology.terms.REL):\n" + "\n".join(found)


def test_the_score_prefix_is_written_once():
    found = literals_equal_to(SOURCES, {"score_"})
    assert len(found) == 1 and found[0].startswith(f"{PACKAGE}/merge.py:"), found


def test_gds_procedures_are_named_only_in_the_neo4j_package():
    found = gds_calls_outside(SOURCES)
    assert not found, "GDS procedures named outside graph_loader/neo4j/:\n" + "\n".join(found)


def test_the_engines_are_reached_only_through_their_registry():
    bad = engines_reached_around_the_registry(IMPORTS)
    assert not bad, "use graph_loader.engines (ENGINES, run_engine):\n" + "\n".join(map(str, bad))


def test_analyze_and_viz_offer_the_choices_of_the_registries():
    found = literal_choices({path: text for path, text in SOURCES.items() if path == f"{PACKAGE}/cli/analyse.py"})
    assert not found, f"choices written out (use graph_loader.choices or graph_loader.engines): {found}"


def test_the_architecture_page_names_only_modules_that_exist():
    _, stale = named_modules(DOC.read_text(encoding="utf-8"), FILES)
    assert not stale, f"docs/architecture.md names what does not exist: {stale}"


def test_the_architecture_page_names_every_module():
    named, _ = named_modules(DOC.read_text(encoding="utf-8"), FILES)
    missing = sorted(set(FILES) - named - {PACKAGE})
    assert not missing, f"docs/architecture.md does not say what these modules do: {missing}"


# --- every check can fail -----------------------------------------------------------------------------------


def _package(tmp_path: Path, files: Mapping[str, str]) -> tuple[dict[str, Path], list[Import], list[str]]:
    for rel, text in files.items():
        path = tmp_path / PACKAGE / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return package_imports(tmp_path)


def test_check_imports_are_resolved_as_python_does(tmp_path):
    _, imports, unresolved = _package(tmp_path, {
        "__init__.py": "",
        "model.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .rdf.read import x\n",
        "rdf/__init__.py": "from . import read\nfrom .read import parse\n",
        "rdf/read.py": "import os\nfrom .. import model\nfrom ..model import Lit\nfrom . import mapping\n"
                       "def f():\n    from graph_loader.shacl import engine, validate\n"
                       "    import graph_loader.shacl.engine\n",
        "rdf/mapping.py": "from .missing import x\n",
        "shacl/__init__.py": "", "shacl/engine.py": "",
    })
    edges = {(i.importer, i.target, i.type_only, i.implicit) for i in imports if i.internal}
    assert edges == {
        ("graph_loader.model", "graph_loader.rdf", True, True),
        ("graph_loader.model", "graph_loader.rdf.read", True, False),
        ("graph_loader.rdf", "graph_loader.rdf.read", False, False),  # no edge rdf -> rdf
        ("graph_loader.rdf.read", "graph_loader.model", False, False),  # not graph_loader: it encloses rdf.read
        ("graph_loader.rdf.read", "graph_loader.rdf.mapping", False, False),  # not rdf/__init__: encloses it
        ("graph_loader.rdf.read", "graph_loader.shacl", False, False),  # inside a function; names from __init__
        ("graph_loader.rdf.read", "graph_loader.shacl", False, True),
        ("graph_loader.rdf.read", "graph_loader.shacl.engine", False, False),
    }
    assert {(i.importer, i.target) for i in imports if not i.internal} == {("graph_loader.rdf.read", "os"),
                                                                            ("graph_loader.model", "typing")}
    assert unresolved == ["graph_loader.rdf.mapping line 1: from graph_loader.rdf.missing import …"]


def test_check_a_cycle_is_found_and_shown(tmp_path):
    _, imports, _ = _package(tmp_path, {
        "__init__.py": "", "a.py": "from . import b\n", "b.py": "def f():\n    from .c import x\n",
        "c.py": "import graph_loader.a\n", "d.py": "from . import a\n",
    })
    cycles = find_cycles(runtime(imports))
    assert [format_cycle(c) for c in cycles] == [
        "graph_loader.a -[line 1]-> graph_loader.b -[line 2]-> graph_loader.c -[line 1]-> graph_loader.a"]
    assert find_cycles([Import("x", "x", 1)]) and not find_cycles([Import("x", "y", 1), Import("y", "z", 1)])


def test_check_an_import_of_a_later_stage_is_found(tmp_path):
    _, imports, _ = _package(tmp_path, {"__init__.py": "", "model.py": "", "rdf/__init__.py": "",
                                        "rdf/read.py": "from ..model import x\n",
                                        "ontology/__init__.py": "", "ontology/schema.py": "from ..rdf import read\n"})
    assert [str(i) for i in stage_violations(imports, (("", "model"), ("ontology",), ("rdf",)))] == [
        "graph_loader.ontology.schema -> graph_loader.rdf (line 1)",
        "graph_loader.ontology.schema -> graph_loader.rdf.read (line 1)"]
    assert stage_violations(imports, (("", "model"), ("rdf",), ("ontology",))) == []


def test_check_a_forbidden_import_is_found_through_other_modules(tmp_path):
    _, imports, _ = _package(tmp_path, {
        "__init__.py": "", "analysis/__init__.py": "", "analysis/brokers.py": "from ..util import f\n",
        "util.py": "def f():\n    import matplotlib.pyplot\n", "neo4j/__init__.py": "",
        "neo4j/read.py": "from neo4j import GraphDatabase\n", "cli.py": "", "__main__.py": "from .cli import x\n",
        "rdf/__init__.py": "from ..cli import y\n",
    })
    rule = next(r for r in NEVER if r.importers == ("analysis",))
    assert never_violations(imports, rule) == [
        "graph_loader.analysis.brokers -> graph_loader.util (line 1) ; graph_loader.util -> matplotlib (line 2)"]
    assert never_violations(imports, Never("direct only", ("analysis",), (), ("matplotlib",), False)) == []
    assert never_violations(imports, NEVER[-1]) == ["graph_loader.rdf -> graph_loader.cli (line 1)"]
    assert [str(i) for i in only_violations(imports)] == ["graph_loader.util -> matplotlib (line 2)"]


def test_check_one_of_each():
    sources = {
        "graph_loader/ontology/terms.py": f'"""{DKG_NAMESPACE} in a docstring"""\nDKG_NS = "{DKG_NAMESPACE}"\n',
        "graph_loader/rdf/x.py": f'NS = "{DKG_NAMESPACE}"\ndef as_list(v):\n    RDF_TYPE = 1\n',
        "graph_loader/viz/y.py": 'def as_list(v):\n    q = "MATCH (n) RETURN n"\n',
        "graph_loader/neo4j/z.py": 'q = "MATCH (n) RETURN n"\n',
    }
    assert string_constants(sources, DKG_NAMESPACE) == ["graph_loader/ontology/terms.py:2", "graph_loader/rdf/x.py:1"]
    assert assignments(sources, "DKG_NS") == ["graph_loader/ontology/terms.py:2"]
    assert assignments(sources, "RDF_TYPE") == ["graph_loader/rdf/x.py:3"]
    assert definitions(sources, "as_list") == ["graph_loader/rdf/x.py:2", "graph_loader/viz/y.py:1"]
    assert cypher_outside(sources) == ['graph_loader/viz/y.py:2: q = "MATCH (n) RETURN n"']


def test_check_merges_and_rows_outside_their_module_are_found():
    sources = {
        "graph_loader/merge.py": "def merge_props(a, b):\n    return merge_props(a, {})\n",
        "graph_loader/rdf/x.py": "from .. import merge\nclass NodeRow:\n    pass\nmerge.merge_props({}, {})\n",
    }
    assert calls(sources, "merge_props") == ["graph_loader/merge.py:2", "graph_loader/rdf/x.py:4"]
    assert classes(sources, "NodeRow") == ["graph_loader/rdf/x.py:2"]


def test_check_the_seam_rules():
    sources = {
        "graph_loader/neo4j/schema.py": 'S = "CREATE CONSTRAINT x IF NOT EXISTS FOR (n:A) REQUIRE n.uri IS UNIQUE"\n',
        "graph_loader/ontology/schema.py": 'S = "CREATE FULLTEXT INDEX names FOR (n:A) ON EACH [n.name]"\n'
                                           'P = "score_"\n',
        "graph_loader/analysis/x.py": '"""MEMBER_OF in a docstring"""\nT = {"MEMBER_OF", "Agent"}\n'
                                      'def f():\n    """>>> f("FUNDS")"""\n    return "score_"\n',
        "graph_loader/viz/y.py": 'T = "FUNDS"\n',
    }
    assert schema_ddl_outside(sources) == [
        'graph_loader/ontology/schema.py:1: S = "CREATE FULLTEXT INDEX names FOR (n:A) ON EACH [n.name]"']
    assert literals_equal_to(sources, {"MEMBER_OF", "FUNDS"}, NO_TYPE_LITERALS) == [
        "graph_loader/analysis/x.py:2: 'MEMBER_OF'"]
    assert len(literals_equal_to(sources, {"score_"})) == 2
    assert relationship_types('class REL:\n    """Types."""\n\n    FUNDS = "FUNDS"  # funds\n') == {"FUNDS"}
    files = {"cypher/a.cypher": "WITH 1 AS x\nRETURN reduce(s = normalize(toLower($n), NFKD), m IN [] | s)\n",
             "cypher/b.cypher": "RETURN reduce(t = 0, x IN [1, 2] | t + x) AS total\n"}
    assert [f.split(": ")[0] for f in folding_in_cypher(files)] == ["cypher/a.cypher:2"]


def test_check_the_engines_rules():
    sources = {"graph_loader/engines/gds.py": '"""Scores as :func:`graph_loader.engines.gds.tie_spec` says."""\n',
               "graph_loader/cli/x.py": 'q = "CALL gds.louvain.stream($g)"\n',
               "graph_loader/neo4j/gds_procedures.py": 'q = "CALL gds.louvain.stream($g)"\n'}
    assert gds_calls_outside(sources) == ['graph_loader/cli/x.py:1: q = "CALL gds.louvain.stream($g)"']
    imports = [Import("graph_loader.cli.analyse", "graph_loader.engines", 1),
               Import("graph_loader.cli.analyse", "graph_loader.engines.source", 2),
               Import("graph_loader.pipeline", "graph_loader.engines.gds", 3),
               Import("graph_loader.engines", "graph_loader.engines.gds", 4),
               Import("graph_loader.viz.picture", "graph_loader.engines", 5, implicit=True)]
    assert [str(i) for i in engines_reached_around_the_registry(imports)] == [
        "graph_loader.pipeline -> graph_loader.engines.gds (line 3)"]
    assert literal_choices({"a.py": 'x = click.Choice(["a", "b"])\ny = click.Choice(NAMES)\n'}) == ["a.py:1"]


def test_check_a_stale_name_on_the_page_is_found():
    text = ("`graph_loader/schema.py` and `graph_loader/model.py`, graph_loader.rdf.validate, graph_loader.neo4j.*, "
            "`model.PropertyGraph.to_networkx`, `model.PropertyGraph.nothing`, `model.Nothing`, `rdf.read`, "
            "`out/report.md`, `graph_loader/neo4j/launcher/`, in prose: rdf.nothing, e.g. schema.org")
    named, stale = named_modules(text, FILES)
    assert stale == ["graph_loader/schema.py", "graph_loader.rdf.validate", "graph_loader.model.PropertyGraph.nothing",
                     "graph_loader.model.Nothing", "graph_loader.rdf.nothing"]
    assert {"graph_loader.model", "graph_loader.rdf", "graph_loader.neo4j", "graph_loader.rdf.read"} <= named
