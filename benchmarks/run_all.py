"""Every benchmark in turn (``make bench``): validation, loading, analysis, engines (GDS), visualisation, entity
resolution, SHACL engines (pyrudof against ours and TopBraid), the fixed costs of a validation.

Options (``--quick``, ``--timeout``, ``--results``) are passed to each script; sizes are each script's own
defaults, so ``--sizes`` is not accepted here.
"""

from __future__ import annotations

import argparse
import sys

from . import analysis, engines, fixed_costs, load, resolution, shacl_engines, validation, viz

SCRIPTS = (("validation", validation.main), ("load", load.main), ("analysis", analysis.main), ("engines", engines.main),
           ("viz", viz.main), ("resolution", resolution.main), ("shacl_engines", shacl_engines.main),
           ("fixed_costs", fixed_costs.main))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--quick", action="store_true", help="tiny sizes, for a smoke run")
    p.add_argument("--timeout", type=float, default=None, help="seconds per run (default: each script's)")
    p.add_argument("--results", default=None, help="Markdown file to refresh (default benchmarks/RESULTS.md)")
    p.add_argument("--only", default=",".join(name for name, _ in SCRIPTS), help="scripts to run, comma-separated")
    args = p.parse_args(argv)
    passed = [*(["--quick"] if args.quick else []),
              *(["--timeout", str(args.timeout)] if args.timeout else []),
              *(["--results", args.results] if args.results else [])]
    wanted = set(args.only.split(","))
    status = 0
    for name, run in SCRIPTS:
        if name in wanted:
            print(f"\n=== {name} ===", flush=True)
            status = run(passed) or status
    return status


if __name__ == "__main__":
    sys.exit(main())
