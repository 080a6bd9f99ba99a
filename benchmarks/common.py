"""What every benchmark shares: options, the machine's description, timed runs with a time-out and peak memory,
tables, and the sections of ``benchmarks/RESULTS.md``."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import platform
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
#: Generated corpora, pages, profiles and the benchmark's own Neo4j (git-ignored).
OUT = ROOT / "benchmarks" / "out"
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
#: Seconds a single measured run may take before it is stopped and reported as "> N s".
DEFAULT_TIMEOUT = 300.0
#: How often peak memory is sampled, in seconds.
RSS_INTERVAL = 0.05
#: PSS is read every this many samples (every 0.5 s).
PSS_EVERY = 10
#: Marks the JSON line a worker process prints with its measurements.
RESULT_PREFIX = "BENCH-RESULT "


def parse_sizes(text: str) -> list[int]:
    """``"1e4,100000"`` -> ``[10000, 100000]``.

    >>> parse_sizes("1e3, 20000")
    [1000, 20000]
    """
    return [int(float(part)) for part in text.split(",") if part.strip()]


def parser(description: str, sizes: Sequence[int], quick_sizes: Sequence[int], *,
           timeout: float = DEFAULT_TIMEOUT) -> argparse.ArgumentParser:
    """The options every benchmark script takes: ``--sizes``, ``--quick``, ``--timeout``, ``--results``."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--sizes", type=parse_sizes, default=None,
                   help=f"comma-separated sizes (default {','.join(map(str, sizes))}; "
                        f"--quick: {','.join(map(str, quick_sizes))})")
    p.add_argument("--quick", action="store_true", help="tiny sizes, for a smoke run (results not written)")
    p.add_argument("--timeout", type=float, default=timeout,
                   help=f"seconds one run may take before it is reported as '> N s' (default {timeout:.0f})")
    p.add_argument("--results", type=Path, default=None,
                   help=f"Markdown file to refresh (default {RESULTS.relative_to(ROOT)}, none with --quick)")
    p.set_defaults(default_sizes=list(sizes), quick_sizes=list(quick_sizes))
    return p


def resolve(args: argparse.Namespace) -> argparse.Namespace:
    """Fill in the sizes and the results file that ``--quick`` changes."""
    if args.sizes is None:
        args.sizes = args.quick_sizes if args.quick else args.default_sizes
    if args.results is None and not args.quick:
        args.results = RESULTS
    return args


# -- the machine -----------------------------------------------------------------------------------------------
def package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine(**extra: str) -> dict[str, str]:
    """What the numbers were measured on; ``extra`` adds versions (e.g. of Neo4j)."""
    load = os.getloadavg()
    return {
        "date": dt.datetime.now().astimezone().isoformat(timespec="minutes"),
        "nproc": str(os.cpu_count()),
        "memory": f"{psutil.virtual_memory().total / 2**30:.1f} GiB",
        "cpu": cpu_model(),
        "python": platform.python_version(),
        "neo4j driver": package_version("neo4j"),
        "load average at start": " ".join(f"{x:.1f}" for x in load),
        **extra,
    }


# -- measuring -----------------------------------------------------------------------------------------------------
@dataclass
class Measured:
    """One run: wall seconds, peak resident memory in bytes (None if not sampled), and what it returned."""

    seconds: float
    peak_rss: int | None = None
    value: object = None
    peak_pss: int | None = None
    timed_out: bool = False
    error: str | None = None

    def time_text(self, timeout: float) -> str:
        if self.timed_out:
            return f"> {timeout:.0f} s"
        if self.error:
            return "failed"
        return seconds_text(self.seconds)


def seconds_text(seconds: float) -> str:
    """``0.0123`` -> ``"0.012 s"``; three significant figures.

    >>> seconds_text(0.01234), seconds_text(12.34), seconds_text(1234.5)
    ('0.0123 s', '12.3 s', '1234 s')
    """
    if seconds >= 100:
        return f"{seconds:.0f} s"
    return f"{seconds:.3g} s"


def mb(size: int | None) -> str:
    return "n/a" if size is None else f"{size / 2**20:.0f} MB"


class PeakRss:
    """Samples the resident memory of a process and its children every :data:`RSS_INTERVAL` s (psutil).

    ``peak`` sums their RSS, which counts twice the pages a forked child shares with its parent (the load's
    validation process and the triples it inherits); ``peak_pss`` sums their proportional set sizes, which share
    those pages out: the physical memory they take together (Linux; 0 where it cannot be read).
    """

    def __init__(self, pid: int):
        self.process = psutil.Process(pid)
        self.peak = 0
        self.peak_pss = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        samples = 0
        while not self._stop.is_set():
            try:
                processes = [self.process, *self.process.children(recursive=True)]
            except psutil.Error:
                return  # the process ended
            total = pss = 0
            for process in processes:
                try:
                    total += process.memory_info().rss
                    if samples % PSS_EVERY == 0:  # reading smaps_rollup walks the page tables: not every time
                        pss += getattr(process.memory_full_info(), "pss", 0)
                except psutil.Error:
                    continue  # a child that just ended
            self.peak = max(self.peak, total)
            self.peak_pss = max(self.peak_pss, pss)
            samples += 1
            self._stop.wait(RSS_INTERVAL)


def _forked(fn: Callable[[], object], conn) -> None:
    try:
        started = time.perf_counter()
        value = fn()
        conn.send(("ok", time.perf_counter() - started, value))
    except Exception as exc:  # reported to the parent, which prints it in the table
        conn.send(("error", 0.0, f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def run_forked(fn: Callable[[], object], timeout: float, daemon: bool = True) -> Measured:
    """Run ``fn`` in a forked child (it sees the parent's data without copying), stop it after ``timeout``.

    The time is measured inside the child around ``fn`` only; ``value`` is what ``fn`` returned (pickled back).
    ``daemon=False`` lets ``fn`` start processes of its own (a daemonic process may not have children).
    """
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_forked, args=(fn, send), daemon=daemon)
    child.start()
    send.close()
    with PeakRss(child.pid) as rss:
        ready = receive.poll(timeout)
        outcome = receive.recv() if ready else None
    child.join(timeout=5 if ready else 0)
    if child.is_alive():
        child.kill()
        child.join()
    if outcome is None:
        return Measured(timeout, rss.peak or None, timed_out=True)
    status, seconds, value = outcome
    if status == "error":
        return Measured(seconds, rss.peak or None, error=value)
    return Measured(seconds, rss.peak or None, value)


def run_worker(argv: Sequence[str], env: dict[str, str], timeout: float,
               memory_cap: int | None = None) -> Measured:
    """Run ``python -m <argv>`` as its own process; its result is the JSON line it prints after :data:`RESULT_PREFIX`.

    ``seconds`` is the whole process's wall time; ``peak_rss`` that of the process and its children.
    ``memory_cap``: the process's address-space limit in bytes (``RLIMIT_AS``); past it, allocations fail with
    ``MemoryError`` rather than pushing the machine into the OOM killer.
    """
    def capped() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_cap, memory_cap))

    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env, cwd=ROOT, preexec_fn=capped if memory_cap else None)
    with PeakRss(proc.pid) as rss:
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            return Measured(timeout, rss.peak or None, timed_out=True, peak_pss=rss.peak_pss or None)
    seconds = time.perf_counter() - started
    lines = [line[len(RESULT_PREFIX):] for line in stdout.splitlines() if line.startswith(RESULT_PREFIX)]
    if proc.returncode != 0 or not lines:
        return Measured(seconds, rss.peak or None, error=(stderr.strip().splitlines() or ["no output"])[-1],
                        peak_pss=rss.peak_pss or None)
    return Measured(seconds, rss.peak or None, json.loads(lines[-1]), peak_pss=rss.peak_pss or None)


def emit_result(result: dict) -> None:
    """What a worker prints last: its measurements as one JSON line (see :func:`run_worker`)."""
    print(RESULT_PREFIX + json.dumps(result), flush=True)


# -- output --------------------------------------------------------------------------------------------------------
def table(columns: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table (it reads as plain text in a terminal too).

    >>> print(table(["size", "time"], [[1000, "0.1 s"]]))
    | size | time  |
    |-----:|-------|
    | 1000 | 0.1 s |
    """
    cells = [[str(c) for c in columns]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(columns))]
    numeric = [all(_numeric(row[i]) for row in cells[1:]) and len(cells) > 1 for i in range(len(columns))]

    def line(row):
        return "| " + " | ".join(c.rjust(w) if n else c.ljust(w) for c, w, n in zip(row, widths, numeric,
                                                                                  strict=True)) + " |"

    rule = "|" + "|".join(("-" * (w + 1) + ":") if n else "-" * (w + 2) for w, n in zip(widths, numeric,
                                                                                        strict=True)) + "|"
    return "\n".join([line(cells[0]), rule, *(line(row) for row in cells[1:])])


def _numeric(text: str) -> bool:
    try:
        float(text.replace(",", ""))
    except ValueError:
        return False
    return True


def write_section(path: Path, name: str, body: str, about: dict[str, str]) -> None:
    """Replace (or add) section ``name`` of the results file, with the machine it was measured on.

    Sections are delimited by ``<!-- BEGIN name -->`` / ``<!-- END name -->`` so each script refreshes its
    own and leaves the others alone.
    """
    begin, end = f"<!-- BEGIN {name} -->", f"<!-- END {name} -->"
    machine_lines = "\n".join(f"- {key}: {value}" for key, value in about.items())
    block = f"{begin}\n{body.rstrip()}\n\nMeasured on:\n{machine_lines}\n{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else RESULTS_HEADER
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


RESULTS_HEADER = """# Benchmark results

Written by `python -m benchmarks.run_all` (`make bench`); each section by the script named in it. Every number
comes from one run on the machine listed under it, all tools side by side in the same run, on the same files
and the same Neo4j. The machine has 2 cores shared with other engineers' test runs: expect noise of tens of
per cent between runs (the load average at the start of each run is listed).
"""
