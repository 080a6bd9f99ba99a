"""Which actors brokers and coalitions are found among: the *actor set* of an analysis.

By default an analysis ranks organisations and people. Collectives are left out: a ``dkg:Collective`` is, in the
ontology's words, "an unnamed population of actors spoken of as one" (its instances are marked ``dkg:unnamed
true`` and named by a description), so it is not one actor that can broker a tie. Tied to every member of the
population at once, it would otherwise rank as the first broker of the corpus. ``include_collectives`` adds them
back; ``kinds`` narrows the set to some ontology classes (``Federation``, ``PublicBody``, ``Person``: a class
admits its subclasses, whose instances carry its label).

An actor the source names only by a description but that is one actor ("the embassy of El Salvador", "a Los
Angeles hometown association") stays in every actor set; the rows say so (``unnamed``).

Left-out actors are taken out of the graph the measures run on, with their ties: the measures describe the network
among the actors of the set. The same set is projected by the GDS engine (:func:`graph_loader.engines.gds.tie_spec`).

Examples
--------
>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> G.add_node("fed", labels=("Federation", "DiasporaOrganisation", "Organisation", "Agent"))
>>> G.add_node("htas", labels=("Collective", "Agent"), unnamed=True)
>>> G.add_node("town", labels=("Municipality", "Place"))
>>> actors = ActorSet()
>>> sorted(actors.restrict(G)), actors.left_out(G), actors.label
(['fed', 'town'], ['htas'], 'organisations and people (collectives left out)')
>>> sorted(ActorSet(include_collectives=True).restrict(G)), ActorSet(kinds=("Person",)).left_out(G)
(['fed', 'htas', 'town'], ['fed', 'htas'])
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass

import networkx as nx

from .groups import AGENT_LABELS

#: The label of ``dkg:Collective`` (and so of every instance of it or of a subclass): an aggregate, not an actor.
COLLECTIVE_LABEL = "Collective"


@dataclass(frozen=True)
class ActorSet:
    """The agents an analysis runs on.

    Attributes
    ----------
    kinds : tuple of str
        Ontology classes (Neo4j labels); an agent is in the set when it has one of them. Empty: every agent.
    include_collectives : bool
        Keep ``Collective`` instances (unnamed populations of actors). Naming ``Collective`` in ``kinds`` keeps
        them too.
    """

    kinds: tuple[str, ...] = ()
    include_collectives: bool = False

    def __post_init__(self):
        object.__setattr__(self, "kinds", tuple(sorted(set(self.kinds))))

    @property
    def collectives(self) -> bool:
        """Whether collectives belong to the set."""
        return self.include_collectives or COLLECTIVE_LABEL in self.kinds

    def admits(self, labels: Iterable[str]) -> bool:
        """True for an agent with these labels that the set keeps."""
        labels = set(labels or ())
        if AGENT_LABELS.isdisjoint(labels):
            return False
        if self.kinds and labels.isdisjoint(self.kinds):
            return False
        return self.collectives or COLLECTIVE_LABEL not in labels

    def left_out(self, G: nx.Graph) -> list[Hashable]:
        """The agents of ``G`` the set leaves out, in the graph's order."""
        out = []
        for v, data in G._node.items():  # NetworkX's own node dict, read only (a call per node otherwise)
            labels = data.get("labels") or ()
            if not AGENT_LABELS.isdisjoint(labels) and not self.admits(labels):
                out.append(v)
        return out

    def restrict(self, G: nx.Graph) -> nx.Graph:
        """``G`` without the agents the set leaves out (a read-only view; ``G`` itself when none is left out).

        Places, programmes, projects and every other node stay: only agents are chosen.
        """
        out = set(self.left_out(G))
        if not out:
            return G
        return nx.subgraph_view(G, filter_node=lambda v: v not in out)

    @property
    def label(self) -> str:
        """A few words for a table title or a CSV column: what is in the set, and whether collectives are."""
        if self.kinds:
            # a collective may also have an organisation class (a collective of businesses): say it is left out
            return ", ".join(self.kinds) + ("" if self.collectives else " (collectives left out)")
        if self.collectives:
            return "every actor, collectives included"
        return "organisations and people (collectives left out)"

    def among(self, count: int) -> str:
        """``count`` actors of the set, as a noun phrase: "59 organisations and people (collectives left out)"."""
        if self.kinds:
            what = f"actor{'s' if count != 1 else ''} of the class{'es' if len(self.kinds) > 1 else ''} " \
                   f"{', '.join(self.kinds)}"
            return f"{count:,} {what}" + ("" if self.collectives else " (collectives left out)")
        if self.collectives:
            return f"{count:,} actor{'s' if count != 1 else ''}, collectives included"
        return f"{count:,} organisations and people (collectives left out)"

    def sentence(self, left_out: int | None = None) -> str:
        """One sentence for a report: the set, how many agents it left out, and how to change it."""
        if self.kinds:
            text = f"The actors are the agents of the classes {', '.join(self.kinds)}"
        elif self.collectives:
            text = "The actors are every agent, collectives (unnamed populations of actors) included"
        else:
            text = ("The actors are organisations and people; collectives (unnamed populations of actors spoken of "
                    "as one, such as a country's hometown associations in the US) are left out")
        if left_out:
            text += f" ({left_out:,} of the graph's agent{'s' if left_out != 1 else ''})"
        if not self.collectives:
            text += "; the option --include-collectives adds them"
        return text + "."

    def options(self) -> list[str]:
        """The ``analyze`` options that choose this set (for a command to reproduce it)."""
        args = []
        if self.kinds:
            args += ["--kinds", ",".join(self.kinds)]
        if self.include_collectives:
            args.append("--include-collectives")
        return args

    def to_dict(self) -> dict:
        return {"kinds": list(self.kinds), "include_collectives": self.collectives, "label": self.label}


#: Every agent, collectives included: what the measures of :mod:`.brokers` and :mod:`.coalitions` run on when
#: called on the full graph directly.
EVERY_AGENT = ActorSet(include_collectives=True)
