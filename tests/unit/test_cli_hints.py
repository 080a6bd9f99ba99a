"""The commands a closing hint names are the ones the user can type: ``diaspora-kg`` when installed (pip, pipx,
an activated virtualenv), the path they ran otherwise, ``python -m graph_loader`` for a module run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

from click.testing import CliRunner

from graph_loader.cli import main

SCRIPT = Path(sys.executable).parent / "diaspora-kg"
ROOT = Path(__file__).resolve().parents[2]


def test_run_closes_with_the_command_as_installed(monkeypatch, tmp_path):
    """`run`'s hints said `.venv/bin/diaspora-kg …` even when pipx had put `diaspora-kg` on the PATH."""
    import graph_loader.pipeline

    result = SimpleNamespace(steps=[{"step": "load", "seconds": 1.0}], skipped=[], files=[tmp_path / "report.md"],
                             out=tmp_path, audit=None, uri="bolt://127.0.0.1:17687", removed=[])
    monkeypatch.setattr(graph_loader.pipeline, "run", lambda out, echo, offline: result)
    installed = tmp_path / "bin" / "diaspora-kg"
    installed.parent.mkdir()
    installed.write_text("#!/bin/sh\n")
    installed.chmod(0o755)
    monkeypatch.setattr(sys, "argv", [str(installed), "run"])
    monkeypatch.setenv("PATH", f"{installed.parent}{os.pathsep}{os.environ.get('PATH', '')}")
    done = CliRunner().invoke(main, ["run"], env={"COLUMNS": "300"})
    assert done.exit_code == 0, done.output
    assert "`diaspora-kg queries`" in done.output and "`diaspora-kg neo4j stop`" in done.output
    assert ".venv/bin" not in done.output

    monkeypatch.setenv("PATH", "/nonexistent")  # not on the PATH: the path as run, from the current folder
    monkeypatch.chdir(tmp_path)
    done = CliRunner().invoke(main, ["run"], env={"COLUMNS": "300"})
    assert "`bin/diaspora-kg queries`" in done.output


def test_the_real_script_names_itself_as_it_was_run():
    bin_dir = str(SCRIPT.parent)
    bare = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep) if p and Path(p) != SCRIPT.parent)
    expected = os.path.relpath(SCRIPT, ROOT) if SCRIPT.is_relative_to(ROOT) else str(SCRIPT)
    alone = subprocess.run([str(SCRIPT), "queries"], capture_output=True, text=True, cwd=ROOT,
                           env={**os.environ, "PATH": bare or "/nonexistent", "COLUMNS": "200"})
    assert f"{expected} query NAME" in alone.stdout, alone.stdout[:300]
    on_path = subprocess.run(["diaspora-kg", "queries"], capture_output=True, text=True, cwd=ROOT,
                             env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{bare}", "COLUMNS": "200"})
    assert "\n  diaspora-kg query NAME" in on_path.stdout, on_path.stdout[:300]
    module = subprocess.run([sys.executable, "-m", "graph_loader", "queries"], capture_output=True, text=True,
                            cwd=ROOT, env={**os.environ, "COLUMNS": "200"})
    assert " -m graph_loader query NAME" in module.stdout
