"""Colour groups for a figure: the ontology's classes grouped by their top-level kinds, at most about ten.

A figure for a paper cannot give each of the ontology's sixty classes a colour: a reader tells apart about ten.
The groups are cut from the ontology's class tree (``rdfs:subClassOf``, as :class:`~graph_loader.ontology.schema.
GraphSchema` reads it), never from a hand-made list, so a class added to the ontology falls into its kind:

1. start from the root classes the drawn nodes fall under (``Agent``, ``Place``, ``Programme``, ...);
2. split the group with the most nodes into its subclasses (``Agent`` into ``Organisation``, ``Person``,
   ``Collective``; ``Organisation`` into ``PublicBody``, ``DiasporaOrganisation``, ...), as long as the groups stay
   within the budget; a group whose nodes all fall in one subclass takes that subclass's name;
3. when a split would pass the budget, its largest subclasses get groups of their own and the rest share one
   ("Partner or international organisation"); a group that cannot be split further stays whole.

Examples
--------
>>> parents = {"Agent": None, "Organisation": "Agent", "Person": "Agent", "PublicBody": "Organisation",
...            "DiasporaOrganisation": "Organisation", "Place": None}
>>> kinds = {"a": "PublicBody", "b": "PublicBody", "c": "DiasporaOrganisation", "d": "Person", "e": "Place"}
>>> grouping = group_kinds(kinds, parents, max_groups=3)
>>> [(g.label, g.count) for g in grouping.groups]
[('Organisation', 3), ('Person', 1), ('Place', 1)]
>>> [(g.label, g.count) for g in group_kinds(kinds, parents, max_groups=4).groups]
[('Public body', 2), ('Diaspora organisation', 1), ('Person', 1), ('Place', 1)]
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass

#: How many colours a figure's kind legend may hold.
MAX_GROUPS = 10


@dataclass(frozen=True)
class KindGroup:
    """One colour of a figure: ``label`` (legend text), the ``classes`` it stands for (one class of the tree and
    its subclasses; several for a shared group), the class whose style it takes (``cut``: the class, or a shared
    group's largest), and how many nodes it holds."""

    label: str
    classes: tuple[str, ...]
    cut: str
    count: int


@dataclass(frozen=True)
class KindGrouping:
    """Each node's group (``group_of``: node -> index into ``groups``) and the groups, most nodes first."""

    group_of: dict
    groups: list[KindGroup]


def class_parents(schema) -> dict[str, str | None]:
    """``{class label: its nearest superclass's label, or None for a root}`` from a
    :class:`~graph_loader.ontology.schema.GraphSchema` (n-ary relationship classes left out)."""
    return {info.label: (info.labels[1] if len(info.labels) > 1 else None)
            for info in schema.classes.values() if info.relationship is None}


def readable(label: str) -> str:
    """A class label as words: ``PublicBody`` -> ``Public body``, ``NGO`` stays ``NGO``.

    >>> readable("DiasporaOrganisation"), readable("NGO"), readable("HomeCommunityCommittee")
    ('Diaspora organisation', 'NGO', 'Home community committee')
    """
    words = re.findall(r"[A-Z]{2,}(?=[A-Z][a-z]|$)|[A-Z]?[a-z]+|[A-Z]+|\d+", label) or [label]
    text = " ".join(w if w.isupper() and len(w) > 1 else w.lower() for w in words)
    return text[:1].upper() + text[1:]


def _shared_label(classes: list[str], parent: str) -> str:
    """Legend text of a group of two classes ("Partner or international organisation")."""
    first, second = (readable(c) for c in classes)
    a, _, tail_a = first.rpartition(" ")
    b, _, tail_b = second.rpartition(" ")
    if a and b and tail_a == tail_b:
        return f"{a} or {b.lower()} {tail_a}"
    return f"{first} or {second.lower()}"


def _path(kind: str, parents: Mapping[str, str | None]) -> list[str]:
    """The classes from the root down to ``kind`` (just ``kind`` when the tree does not know it)."""
    path, seen = [kind], {kind}
    while (parent := parents.get(path[-1])) is not None and parent not in seen:
        path.append(parent)
        seen.add(parent)
    return path[::-1]


@dataclass
class _Cut:
    classes: tuple[str, ...]  # the classes whose nodes (and subclasses' nodes) the group holds
    at: str  # the class of the tree the group was cut at
    open: bool  # may still split
    label: str


def group_kinds(kinds: Mapping[Hashable, str], parents: Mapping[str, str | None],
                max_groups: int = MAX_GROUPS) -> KindGrouping:
    """Group nodes by kind into at most ``max_groups`` groups cut from the class tree (see the module docstring).

    Parameters
    ----------
    kinds : mapping
        Node -> its most specific class (label).
    parents : mapping
        Class -> its superclass, or None for a root (:func:`class_parents`).
    max_groups : int
        The budget; more root classes than this are each still a group.
    """
    paths = {node: _path(kind, parents) for node, kind in kinds.items()}
    below: dict[str, Counter] = {}  # class -> nodes under it, by child class (None: the class itself)
    count: Counter = Counter()
    for path in paths.values():
        for depth, cls in enumerate(path):
            count[cls] += 1
            below.setdefault(cls, Counter())[path[depth + 1] if depth + 1 < len(path) else None] += 1

    def whole(cls: str, open_: bool = True) -> _Cut:
        return _Cut((cls,), cls, open_, readable(cls))

    cuts = [whole(root) for root in sorted({path[0] for path in paths.values()}, key=lambda c: (-count[c], c))]

    def size(cut: _Cut) -> int:
        return sum(count[c] for c in cut.classes) if cut.open else sum(
            below[c][None] if c == cut.at else count[c] for c in cut.classes)

    while True:
        splittable = sorted((c for c in cuts if c.open), key=lambda c: (-size(c), c.at))
        if not splittable:
            break
        cut = splittable[0]
        at = cuts.index(cut)
        children = sorted((c for c in below[cut.at] if c is not None), key=lambda c: (-count[c], c))
        own = below[cut.at][None]
        room = max_groups - (len(cuts) - 1)
        parts = len(children) + (1 if own else 0)
        if not children:
            cuts[at] = _Cut(cut.classes, cut.at, False, cut.label)
        elif len(children) == 1 and not own:  # one subclass holds them all: name the group by it
            cuts[at] = whole(children[0])
        elif parts <= room:
            cuts[at:at + 1] = [whole(c) for c in children] + ([whole(cut.at, False)] if own else [])
        elif room >= 2:
            kept, rest = children[:room - 1], children[room - 1:]
            label = _shared_label(rest, cut.at) if len(rest) == 2 and not own else f"Other {readable(cut.at).lower()}"
            cuts[at:at + 1] = [whole(c) for c in kept] + [_Cut((*rest, *([cut.at] if own else [])), cut.at, False,
                                                               label)]
        else:
            cuts[at] = _Cut(cut.classes, cut.at, False, cut.label)

    # a node belongs to the group of the deepest class of its path that a group holds
    holder: dict[str, int] = {}
    for i, cut in enumerate(cuts):
        for cls in cut.classes:
            holder[cls] = i
    first = {node: next(holder[c] for c in reversed(path) if c in holder) for node, path in paths.items()}
    sizes = Counter(first.values())
    order = sorted(range(len(cuts)), key=lambda i: (-sizes[i], cuts[i].label))
    position = {i: n for n, i in enumerate(order)}
    # a shared group takes the style of its largest class
    groups = [KindGroup(cuts[i].label, cuts[i].classes, cuts[i].classes[0], sizes[i]) for i in order]
    return KindGrouping({node: position[i] for node, i in first.items()}, groups)
