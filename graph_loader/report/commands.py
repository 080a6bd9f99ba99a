"""The report's "Reproduce" lines: commands that run as pasted into a shell.

Every argument is quoted for a POSIX shell (``shlex``): ``-p 'city=Los Angeles'`` stays one argument, a name with
an apostrophe or a dollar sign stays itself. A parameter value is written so that ``diaspora-kg query`` reads it
back as the same value (``-p`` reads JSON where it parses).

>>> query_command("diaspora-kg", "associations_by_us_city", {"city": "Los Angeles"})
"diaspora-kg query associations_by_us_city -p 'city=Los Angeles' --format csv"
"""

from __future__ import annotations

import json
import shlex

from .rows import parse_param


def shell_command(program: str, *args: str) -> str:
    """``program`` and ``args`` as one shell-quoted command line."""
    return shlex.join([program, *args])


def param_argument(key: str, value) -> str:
    """``key=value`` for ``-p``, read back as ``value`` by :func:`~graph_loader.report.rows.parse_param`: a string
    that would read as JSON (a number, ``true``) is written as a JSON string.

    >>> param_argument("city", "Los Angeles"), param_argument("name", "2003"), param_argument("depth", 2)
    ('city=Los Angeles', 'name="2003"', 'depth=2')
    """
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if parse_param(f"{key}={text}") != (key, value):
        text = json.dumps(value, ensure_ascii=False)
    return f"{key}={text}"


def query_command(program: str, name: str, params: dict) -> str:
    """The command that asks the library query ``name`` with ``params`` and prints CSV."""
    args = ["query", name]
    for key, value in params.items():
        args += ["-p", param_argument(key, value)]
    return shell_command(program, *args, "--format", "csv")
