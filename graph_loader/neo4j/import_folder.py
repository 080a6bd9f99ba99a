"""The managed instance's ``LOAD CSV`` folder (``<data dir>/home/import``), and the symbolic links in it that lead
outside it.

Neo4j confines ``LOAD CSV`` by the URL alone: ``file:///../x`` is refused, but it opens what the path names, so a
symbolic link inside the folder (``import/data.csv -> /etc/passwd``, ``import/docs -> ~``) lets a query read
whatever the link reaches (measured on 5.26: ``tests/faults/test_import_folder.py``). Only the folder's owner can
place a link there (the folder is writable by its owner alone), so this is no way around the operating system's
permissions, but it breaks the promise that a query reads only the import folder. So ``query`` on the managed
instance refuses a query that reads CSV (:func:`check`) while the folder holds a link that leads outside it; links
that stay inside are fine. Neo4j Browser and ``shell`` talk to Neo4j directly and follow such links as Neo4j does.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import UsageError

#: How many escaping links a message names before it only counts them.
SHOWN = 3


def escaping_links(folder: Path) -> list[tuple[Path, Path]]:
    """``(link, where it leads)`` for every symbolic link under ``folder`` whose target lies outside it (a dangling
    link included: its target may appear later). The walk does not follow links."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    root = folder.resolve()
    found = []
    for parent, dirs, files in os.walk(folder, followlinks=False):
        for name in (*dirs, *files):
            path = Path(parent, name)
            if path.is_symlink():
                target = path.resolve()
                if not target.is_relative_to(root):
                    found.append((path, target))
    return sorted(found)


def reads_csv(text: str) -> bool:
    """True when a Cypher text may run ``LOAD CSV`` (the clause's keyword is there, whatever its case)."""
    return "csv" in text.lower()


def check(folder: Path) -> None:
    """Refuse (:class:`UsageError`) while ``folder`` holds a symbolic link that leads outside it."""
    links = escaping_links(folder)
    if not links:
        return
    shown = "; ".join(f"{link} -> {target}" for link, target in links[:SHOWN])
    more = f" (and {len(links) - SHOWN} more)" if len(links) > SHOWN else ""
    raise UsageError(f"the import folder holds symbolic links that lead outside it, which LOAD CSV would follow: "
                     f"{shown}{more}; a query that reads CSV is refused while they are there",
                     hint=f"remove the links, or copy the files themselves into {folder}")
