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


def test_the_readme_names_a_quick_test_target_that_exists():
    """The README named only `make test` (the whole suite, 20-odd minutes); the quick one is named and real."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    makefile = (root / "Makefile").read_text(encoding="utf-8")
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "\ntest-quick:" in makefile and "tests/unit" in makefile.split("\ntest-quick:")[1].split("\n\n")[0]
    assert "`make test-quick`" in readme
