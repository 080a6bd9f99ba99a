// name: audit_quantity_groups
// description: Figures that measure the same quantity (same dkg:quantity IRI), grouped, so that they can be
//   compared with each other.
// params: none
// returns: quantity, figures
// mode: read
MATCH (o:Observation)
WHERE o.quantity IS NOT NULL AND o.value IS NOT NULL
WITH o.quantity AS quantity, o ORDER BY o.uri
WITH quantity, collect(o {.uri, .value, .unit, .approximation, .evidence, .year}) AS figures
WHERE size(figures) > 1
RETURN quantity, figures
ORDER BY quantity
