"""The command group and what every command shares: errors as one message and an exit code, messages on stderr,
parameters, progress bars, warnings.

Every command prints what it did (counts, paths); errors are one message with a hint and an exit code
(0 ok, 1 invalid data, 2 other errors).
"""

from __future__ import annotations

import functools
import os
import sys

import click
from rich.console import Console
from rich.text import Text

from ..errors import DiasporaKGError
from ..report.rows import parse_param

# Messages to stderr, results to stdout (so they can be piped); no wrapping inside paths and messages.
console = Console(stderr=True, soft_wrap=True)


def reports_errors(func):
    """Turn a DiasporaKGError into a clear message on stderr and its exit code, without a traceback.

    Ctrl-C ends with exit 130 and one line. Anything else is a bug of ours: one line naming it (the traceback
    only with ``DKG_DEBUG=1``) and exit 2, so that a user never has to read a Python stack.
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except DiasporaKGError as exc:
            report = getattr(exc, "report", None)
            if report is not None:
                console.print(report.to_text(), markup=False, highlight=False)
            error(exc.message, exc.hint)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            error("interrupted by Ctrl-C", "nothing half-done is reported as done; run the same command again to finish")
            sys.exit(130)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort, SystemExit):
            raise
        except Exception as exc:  # noqa: BLE001 — the last line of defence against a traceback
            if os.environ.get("DKG_DEBUG"):
                raise
            error(f"internal error ({exc.__class__.__name__}: {str(exc)[:300]})",
                   "this is a bug in diaspora-kg: please report it with the command you ran; "
                   "DKG_DEBUG=1 shows the traceback")
            sys.exit(2)

    return wrapper


def error(message: str, hint: str | None) -> None:
    # Text, not markup: a message may hold brackets ("foundedYear [1990, 1995]") that rich would eat.
    console.print(Text.assemble(("error:", "bold red"), " ", message), highlight=False)
    if hint:
        console.print(Text.assemble("  ", ("hint:", "yellow"), " ", hint), highlight=False)



def params_from(values: tuple[str, ...]) -> dict:
    try:
        return dict(parse_param(v) for v in values)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


def echo(message: str) -> None:
    console.print(message, highlight=False)


def note(message: str) -> None:
    """A sentence about a result on stderr, wrapped between words at the terminal's width (plain text: no
    markup), unlike :func:`echo`, whose lines keep paths and commands whole for copying."""
    console.print(Text(message), soft_wrap=False, highlight=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.version_option(package_name="diaspora-kg")
def main():
    """diaspora-kg: a knowledge graph of diaspora institutions and their transnational ties."""


def progress_factory():
    """A rich progress bar per source (on stderr), shown for inputs large enough to take a while."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    bars: list[Progress] = []

    def make(description: str, total: int):
        if total < 2000 or not console.is_terminal:
            return lambda n: None
        bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                       console=console, transient=True)
        bars.append(bar)
        bar.start()
        task = bar.add_task(description, total=total)

        def advance(n: int) -> None:
            bar.advance(task, n)
            if bar.tasks[task].finished:
                bar.stop()

        return advance

    return make


def table_options(func=None, *, formats: tuple[str, ...] = ("table", "csv", "json"), default: str = "table"):
    """``--format``, ``--columns`` and ``--wide``: how a command's rows are shown. A table shows a few meaningful
    columns at the terminal's width; ``--columns``/``--wide`` choose others; CSV and JSON carry every column."""
    def decorate(f):
        f = click.option("--wide", is_flag=True,
                         help="Show every column (each row as a record when they do not fit the terminal).")(f)
        f = click.option("--columns", "columns", metavar="A,B,...", default=None,
                         help="The table's columns, in this order (CSV and JSON always carry every column).")(f)
        return click.option("--format", "fmt", type=click.Choice(formats), default=default, show_default=True,
                            help="table: laid out for the terminal; csv, json: every column, for pipes.")(f)

    return decorate(func) if func is not None else decorate


def validator_option(func):
    from ..shacl import DEFAULT_ENGINE, ENGINES

    return click.option("--validator", type=click.Choice(list(ENGINES)), default=DEFAULT_ENGINE, show_default=True,
                        help="SHACL engine: compiled (fast) or pyshacl (the reference; slow on large inputs).")(func)


#: Warnings shown per file; the JSON output lists them all.
SHOWN_WARNINGS = 20


def print_warnings(key: str, warnings: list[str]) -> None:
    for warning in warnings[:SHOWN_WARNINGS]:
        console.print(Text.assemble(("warning", "yellow"), f" {key}: {warning}"), highlight=False)
    if len(warnings) > SHOWN_WARNINGS:
        echo(f"... and {len(warnings) - SHOWN_WARNINGS} more warning(s) for {key} (`--format json` lists all)")
