"""Entity resolution: which records of organisations, people and places name the same thing.

Plain records in, scored candidate pairs out; no server, no rdflib. The parts, leaves first:

* :mod:`graph_loader.resolution.names`: names folded, split into tokens, abbreviations expanded, Spanish and
  English kind words made one, and acronyms recognised (``FEDECMI`` from *Federación de Clubes Michoacanos en
  Illinois*);
* :mod:`graph_loader.resolution.records`: :class:`~graph_loader.resolution.records.Record`, what one node says
  about itself (kinds, names, home and base places, founding year, codes, sources), built from property-graph rows
  (a :class:`~graph_loader.model.PropertyGraph` from files or from Neo4j);
* :mod:`graph_loader.resolution.scoring`: two records compared, a score and its reasons;
* :mod:`graph_loader.resolution.blocking`: which pairs are worth comparing at all (shared name tokens, one typo
  apart, acronyms, codes), so that 10^5 names need not be compared with each other;
* :mod:`graph_loader.resolution.candidates`: the whole search, records in, candidate pairs out;
* :mod:`graph_loader.resolution.decisions`: the decisions file (CSV, editable by hand) read strictly and written
  in a stable order.

This package imports only the package's plain values (``model``, the ontology's terms and schema, the one
accent-folding function of ``rdf.mapping``) and rapidfuzz: never Neo4j.
"""
