"""String-based constraint components (SHACL 4.4): sh:minLength, sh:maxLength, sh:pattern (with sh:flags),
sh:languageIn, sh:uniqueLang."""

from __future__ import annotations

import re

from rdflib.collection import Collection
from rdflib.namespace import SH

from ....model import Lit
from ..data import DataIndex
from ..values import Node, is_bnode, is_true, node_text
from .base import Handler


def pattern_constraint(compiler, shape, value, g, node):
    flags = str(g.value(node, SH.flags) or "")
    regex = re.compile(str(value), _regex_flags(flags))
    shape.value_checks.append(lambda data, v: not is_bnode(v) and regex.search(node_text(v)) is not None)


def min_length_constraint(compiler, shape, value, g, node):
    bound = int(value)
    shape.value_checks.append(lambda data, v: bound == 0 or (not is_bnode(v) and len(node_text(v)) >= bound))


def max_length_constraint(compiler, shape, value, g, node):
    bound = int(value)
    shape.value_checks.append(lambda data, v: not is_bnode(v) and len(node_text(v)) <= bound)


def language_in_constraint(compiler, shape, value, g, node):
    wanted = {str(lang).lower() for lang in Collection(g, value)}
    shape.value_checks.append(lambda data, v: _language_in(v, wanted))


def unique_lang_constraint(compiler, shape, value, g, node):
    if not is_true(value):
        return
    shape.set_checks.append(_unique_lang)


#: The handlers by sh: local name (sh:flags is read with sh:pattern).
HANDLERS: dict[str, Handler] = {
    "minLength": min_length_constraint,
    "maxLength": max_length_constraint,
    "pattern": pattern_constraint,
    "languageIn": language_in_constraint,
    "uniqueLang": unique_lang_constraint,
}


def _regex_flags(flags: str) -> int:
    table = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE}
    result = 0
    for flag in flags:
        result |= table.get(flag, 0)
    return result


def _language_in(v: Node, wanted: set[str]) -> bool:
    if v.__class__ is not Lit or not v.lang:
        return False
    lang = v.lang.lower()
    return "*" in wanted or lang in wanted or lang.split("-")[0] in wanted


def _unique_lang(data: DataIndex, focus: Node, values: list[Node]) -> list[Node | None]:
    seen: set[str] = set()
    duplicated = False
    for v in values:
        if v.__class__ is Lit and v.lang:
            lang = v.lang.lower()
            duplicated = duplicated or lang in seen
            seen.add(lang)
    return [None] if duplicated else []
