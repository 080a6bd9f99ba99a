"""Validation benchmark: the compiled validator (:mod:`graph_loader.shacl.compiled`) against pySHACL
(:mod:`graph_loader.shacl.pyshacl_engine`), on the same synthetic triples, with a check that both find the same.

Each validator runs in a forked process on triples already in memory (as the loader holds them); pySHACL's
time includes building the rdflib graph it needs. Where both finish, the sets of (focus node, path, shape,
severity) they report are compared.

Run: ``python -m benchmarks.validation --sizes 10000,100000,1000000`` (``--quick`` for a smoke run).
"""

from __future__ import annotations

import sys

from graph_loader.ontology.load import ontology_graph, shapes_graph
from graph_loader.rdf.read import to_rdflib
from graph_loader.rdf.synth import synthetic_triples
from graph_loader.shacl.compiled import default_validator, validate_triples
from graph_loader.shacl.pyshacl_engine import validate

from .common import machine, mb, package_version, parser, resolve, run_forked, table, write_section

SIZES = (10_000, 100_000, 1_000_000)
QUICK_SIZES = (2_000,)


def findings(report) -> frozenset:
    return frozenset((r.focus_node, r.path, r.shape, r.severity) for r in report.results)


COLUMNS = ("triples", "validator", "time", "triples/s", "peak RSS", "findings", "same findings")


def main(argv: list[str] | None = None) -> int:
    args = resolve(parser(__doc__.split("\n", 1)[0], SIZES, QUICK_SIZES).parse_args(argv))
    about = machine(pyshacl=package_version("pyshacl"), rdflib=package_version("rdflib"))
    # Compiled and parsed once, before forking, as a long-running loader would hold them.
    default_validator()
    shapes_graph(), ontology_graph()
    rows = []
    for size in args.sizes:
        triples = list(synthetic_triples(size, seed=0))
        fast = run_forked(lambda triples=triples: findings(validate_triples(triples)), args.timeout)
        slow = run_forked(lambda triples=triples: findings(validate(to_rdflib(triples))), args.timeout)
        same = "-" if fast.value is None or slow.value is None else ("yes" if fast.value == slow.value else "NO")
        for name, run in (("fast (compiled)", fast), ("pySHACL", slow)):
            done = not (run.timed_out or run.error)
            rows.append([f"{len(triples):,}", name, run.time_text(args.timeout),
                         f"{len(triples) / run.seconds:,.0f}" if done else "-", mb(run.peak_rss),
                         len(run.value) if done else "-", same])
            print(" | ".join(map(str, rows[-1])), flush=True)
    print("\n" + table(COLUMNS, rows))
    body = "## Validation\n\n" + table(COLUMNS, rows) + "\n\n" + EXPLANATION
    if args.results:
        write_section(args.results, "validation", body, about)
        print(f"\nwritten to {args.results}")
    return 0


EXPLANATION = """\
Both validate the synthetic corpus (which conforms: zero findings expected) with the ontology merged in, as the
loader does. Peak RSS is the forked process's (it shares the parent's pages holding the triples, which psutil
counts as resident). The equivalence on non-conforming data is tested in `tests/unit/test_fast_validate.py`
(every example, every invalid file, the seed corpus and corrupted synthetic corpora). The fast validator's
one-off compilation of the shapes (under a second) is done before the runs and not counted."""


if __name__ == "__main__":
    sys.exit(main())
