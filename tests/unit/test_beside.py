"""graph_loader.beside: a function run in a forked child gives back its value or its exception as a call would,
a child that dies is reported, and leaving early stops it; validation beside the mapping finds what it finds inline."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from graph_loader import loading
from graph_loader.beside import Beside, ChildDied
from graph_loader.errors import InputError
from graph_loader.rdf.sources import FilesContext, inspect_paths

INVALID = sorted((Path(__file__).resolve().parents[1] / "data" / "invalid").glob("*.ttl"))


def test_the_value_comes_from_the_child():
    with Beside(os.getpid) as child:
        assert child.result() != os.getpid()


def test_without_fork_it_runs_in_the_caller():
    with Beside(os.getpid, fork=False) as inline:
        assert inline.result() == os.getpid()


def test_a_large_input_reaches_the_child_and_only_the_result_comes_back():
    big = list(range(2_000_000))
    with Beside(sum, big) as child:
        assert child.result() == sum(big)


def test_an_exception_comes_back_as_it_was_raised():
    def fail():
        raise InputError("x.ttl", "line 3: a bad literal", hint="fix it")

    with Beside(fail) as child, pytest.raises(InputError, match="line 3: a bad literal") as raised:
        child.result()
    assert (raised.value.path, raised.value.hint, raised.value.exit_code) == ("x.ttl", "fix it", 2)


def test_a_child_killed_without_a_result_is_reported():
    with Beside(lambda: os.kill(os.getpid(), signal.SIGKILL)) as child, pytest.raises(ChildDied, match="signal 9"):
        child.result()


def test_leaving_the_block_early_stops_the_child():
    started = time.perf_counter()
    with pytest.raises(RuntimeError), Beside(time.sleep, 60) as child:
        pid = child._pid
        raise RuntimeError("the caller's own work failed")
    assert time.perf_counter() - started < 10
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped: no zombie left behind


def test_validation_beside_the_mapping_finds_what_it_finds_inline(monkeypatch):
    files = inspect_paths(INVALID)
    found = {}
    for name, threshold in (("inline", 10**12), ("beside", 0)):
        monkeypatch.setattr(loading, "VALIDATE_BESIDE_MIN_TRIPLES", threshold)
        prepared, report = loading.prepare_and_validate(files, FilesContext())
        found[name] = (report.to_json(), [item.mapped.warnings for item in prepared])
    assert found["beside"] == found["inline"]
    assert len(found["inline"][0]) > 10  # the invalid files break many shapes
