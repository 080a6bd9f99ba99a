"""The ontology as the code sees it: :mod:`.load` reads the files once, :mod:`.terms` names every term (generated
by :mod:`.generate`), :mod:`.schema` derives the property graph's labels, relationship types, constraints and
styles from it."""
