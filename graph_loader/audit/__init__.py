"""The source audit: do the corpus's figures add up? (:mod:`.run` reads the graph and reports.)

Modules, leaves first: :mod:`.numbers` (intervals that model rounding), :mod:`.model` (tables, rows, findings),
:mod:`.tables` (totals, averages, shares recomputed), :mod:`.text` (the text's figures against the tables),
:mod:`.rules` (aggregates against programme rules), :mod:`.run` (queries, findings, table/markdown output).
"""

from .run import run_audit, to_markdown, to_table_rows

__all__ = ["run_audit", "to_markdown", "to_table_rows"]
