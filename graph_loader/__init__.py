"""diaspora-kg: a knowledge graph of diaspora institutions and the transnational ties between them.

The ontology in ``ontology/`` defines the classes; :mod:`graph_loader.rdf` reads, validates and maps RDF (and CSV
templates) to a property graph; :mod:`graph_loader.neo4j` writes it to Neo4j and queries it;
:mod:`graph_loader.analysis` finds brokers and coalitions with NetworkX; :mod:`graph_loader.viz` draws them.
"""

__version__ = "0.1.0"
