"""The report's "Reproduce" lines: commands that run as pasted into a shell.

Every argument is quoted for a POSIX shell (``shlex``): ``-p 'city=Los Angeles'`` stays one argument, a name with
an apostrophe or a dollar sign stays itself. A parameter value is written so that ``diaspora-kg query`` reads it
back as the same value (``-p`` reads JSON where it parses).

>>> query_command("diaspora-kg", "associations_by_us_city", {"city": "Los Angeles"})
"diaspora-kg query associations_by_us_city -p 'city=Los Angeles' --format csv"
"""

from __future__ import annotations

import json
import os
import shlex
import sys

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

def invoked_as(argv0: str | None = None, *, which=None, cwd: str | None = None, executable: str | None = None) -> str:
    """The command that runs diaspora-kg again as the user ran it this time, for the hints a command closes with.

    ``diaspora-kg`` when that name on the PATH is this very program (installed with pip or pipx, or a virtualenv
    activated); else its path, relative to the current folder when it lies inside it (``.venv/bin/diaspora-kg``
    in a checkout); ``python -m graph_loader`` (with the interpreter as found) for a module run. The arguments
    default to ``sys.argv[0]``, :func:`shutil.which`, the current folder and ``sys.executable``.

    >>> invoked_as("/home/me/.local/bin/diaspora-kg", which=lambda n: "/home/me/.local/bin/diaspora-kg", cwd="/tmp")
    'diaspora-kg'
    >>> invoked_as("/src/dkg/.venv/bin/diaspora-kg", which=lambda n: None, cwd="/src/dkg")
    '.venv/bin/diaspora-kg'
    >>> invoked_as("/src/dkg/graph_loader/__main__.py", which=lambda n: "/usr/bin/python3", cwd="/src/dkg",
    ...            executable="/src/dkg/.venv/bin/python")
    '.venv/bin/python -m graph_loader'
    """
    import shutil

    argv0 = argv0 if argv0 is not None else (sys.argv[0] if sys.argv and sys.argv[0] else "diaspora-kg")
    which = which or shutil.which
    cwd = cwd if cwd is not None else os.getcwd()

    def typed(path: str) -> str:
        name = os.path.basename(path)
        found = which(name)
        if found and os.path.realpath(found) == os.path.realpath(path):
            return name
        full = os.path.abspath(os.path.join(cwd, path))
        inside = os.path.relpath(full, cwd)
        return inside if not inside.startswith("..") else full

    if os.path.basename(argv0) in ("__main__.py", "-m") or argv0.endswith(os.path.join("graph_loader", "__main__.py")):
        python = typed(executable or sys.executable)
        return f"{python} -m graph_loader"
    if os.path.basename(argv0) != "diaspora-kg":
        # Called as a library (a notebook, pytest): the command this installation puts beside its interpreter.
        script = os.path.join(os.path.dirname(executable or sys.executable), "diaspora-kg")
        return typed(script) if os.path.exists(script) else "diaspora-kg"
    return typed(argv0)
