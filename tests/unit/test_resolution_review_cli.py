"""``resolve --offline --review`` through the real command line, answers piped to stdin (no server): each answer
is written to the decisions file as it is given, so a review whose input ends (or that is interrupted) keeps
every answer given. Records other than the corpus's are synthetic (``https://example.org/test/``)."""

from __future__ import annotations

import csv
import os
import subprocess
import sys

EX = "https://example.org/test/org/"
LIST = ("id,prefLabel,source\n"
        f"{EX}fed-1,FED. CLUBES MICHOACANOS IL,Test list (hypothetical)\n"
        f"{EX}fed-2,Federacion de Clubes Michoacanos de Illinois,Test list (hypothetical)\n")


def review(tmp_path, answers: str, *extra: str) -> tuple[subprocess.CompletedProcess, list[dict]]:
    data = tmp_path / "federations.csv"
    data.write_text(LIST, encoding="utf-8")
    out = tmp_path / "decisions.csv"
    command = [sys.executable, "-m", "graph_loader", "resolve", "--offline", str(data), "--decisions", str(out),
               "--review", *extra]
    run = subprocess.run(command, capture_output=True, text=True, input=answers, timeout=300,
                         env={**os.environ, "COLUMNS": "80"})
    return run, list(csv.DictReader(out.open(encoding="utf-8")))


def test_an_ended_review_keeps_the_answers_given(tmp_path):
    run, rows = review(tmp_path, "x\ny\nsame federation\n", "--reviewer", "ana")
    assert run.returncode == 0, run.stderr
    assert "Answer y, n, u, s or q." in run.stdout and "Pair 1 of 3" in run.stdout and "Pair 2 of 3" in run.stdout
    assert "Review stopped." in run.stderr and "Reviewed 1 pair(s) as ana, skipped 0, 2 left undecided" in run.stderr
    decided = [r for r in rows if r["decision"]]
    assert len(rows) == 3 and len(decided) == 1
    best = max(rows, key=lambda r: float(r["score"]))
    assert decided[0] is best and best["decision"] == "yes" and best["who"] == "ana"
    assert best["note"] == "same federation" and best["when"].endswith("+00:00")
    assert all(len(line) <= 80 for line in run.stdout.splitlines() if not line.startswith("Same thing?"))


def test_skip_no_unsure_and_quit(tmp_path):
    run, rows = review(tmp_path, "s\nn\nnot the same\nq\n", "--reviewer", "bo")
    assert run.returncode == 0, run.stderr
    assert "Reviewed 1 pair(s) as bo, skipped 1, 1 left undecided" in run.stderr
    assert sorted(r["decision"] for r in rows) == ["", "", "no"]
    again, rows = review(tmp_path, "u\n\n", "--reviewer", "bo")  # the decided pair is not asked again
    assert "Pair 1 of 2" in again.stdout and "Pair 1 of 3" not in again.stdout
    assert sorted(r["decision"] for r in rows) == ["", "no", "unsure"]
