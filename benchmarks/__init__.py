"""Benchmarks of diaspora-kg: loading, validation, analysis and visualisation, measured side by side.

``make bench`` runs :mod:`benchmarks.run_all`; each module also runs alone (``python -m benchmarks.load --sizes
10000,100000``, ``--quick`` for a smoke run). Results are printed as tables and written to
``benchmarks/RESULTS.md``, with the machine they were measured on.
"""
