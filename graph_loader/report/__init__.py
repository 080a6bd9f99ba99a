"""What the commands print and write: :mod:`.rows` (result rows as tables, CSV, JSON; ``-p key=value`` params) and
:mod:`.document` (the run's report, markdown and HTML)."""
