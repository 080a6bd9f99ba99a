"""Maps of transnational ties: arcs from US places to home places, drawn over bundled country and state shapes."""
