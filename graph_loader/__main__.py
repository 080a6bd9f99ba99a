"""``python -m graph_loader`` runs the ``diaspora-kg`` command line."""

from .cli import main

main()
