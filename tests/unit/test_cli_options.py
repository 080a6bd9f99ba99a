"""Options checked where they are given, with the valid choices named (no graph read, no Python-API hint)."""

from __future__ import annotations

from click.testing import CliRunner

from graph_loader.cli import main


def test_an_unknown_size_measure_names_the_measures():
    run = CliRunner().invoke(main, ["viz", "--offline", "--out", "x.png", "--size-by", "foo"],
                             env={"COLUMNS": "300"})
    assert run.exit_code == 2
    assert "'foo' is not a measure" in run.output and "betweenness" in run.output and "degree" in run.output
    assert "scores=" not in run.output  # the hint of the Python API, meaningless on the command line
