"""The decisions file (graph_loader.resolution.decisions): written in a stable order, read back the same, kept
across runs of ``resolve``. Its defects are refused in tests/faults/test_decisions_input.py."""

from __future__ import annotations

import random

from graph_loader.resolution.candidates import Candidate
from graph_loader.resolution.decisions import (
    COLUMNS,
    Decision,
    from_candidate,
    merge_candidates,
    read_decisions,
    write_decisions,
)
from graph_loader.resolution.scoring import Reason

EX = "https://example.org/test/"


def rows(count: int) -> list[Decision]:
    made = []
    for k in range(count):
        decision = ("", "yes", "no", "unsure")[k % 4]
        made.append(Decision(f"{EX}org/{k:03d}", f"{EX}org/{k + 500:03d}", decision,
                             who="ana" if decision else "", when="2026-12-07" if decision else "",
                             note='a note, with "quotes"\nand a line break' if k % 5 == 0 else "",
                             score=round(k / count, 3), reasons=f"names 0.9{k % 10}: 'A' ~ 'B' (+2.0)",
                             left_name=f"Club {k}, Zacatecas", right_name=f"CLUB {k}"))
    return made


def test_written_rows_read_back_equal_and_in_order(tmp_path):
    path = tmp_path / "decisions.csv"
    original = rows(40)
    assert write_decisions(path, original) == 40
    read = read_decisions(path)
    assert read == sorted(original, key=lambda d: d.pair)
    assert [d.line for d in read[:3]] == [2, 4, 5]  # the first row's note has a line break: two lines
    assert path.read_text(encoding="utf-8").splitlines()[0] == ",".join(COLUMNS)


def test_the_file_is_the_same_whatever_the_order_of_the_rows(tmp_path):
    original = rows(40)
    shuffled = original[:]
    random.Random(3).shuffle(shuffled)
    write_decisions(tmp_path / "a.csv", original)
    write_decisions(tmp_path / "b.csv", shuffled)
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


def test_a_pair_has_one_order_and_short_ids_name_the_corpus(tmp_path):
    swapped = Decision(f"{EX}z", f"{EX}a", left_name="Z", right_name="A")
    assert (swapped.left, swapped.left_name, swapped.right, swapped.right_name) == (f"{EX}a", "A", f"{EX}z", "Z")
    path = tmp_path / "decisions.csv"
    path.write_text("right,left,decision,who,when\norg/fedecmi,https://example.org/test/csv-1,YES,ana,"
                    "2026-12-07T10:30:00+01:00\n", encoding="utf-8")
    (read,) = read_decisions(path)
    assert read.pair == ("https://example.org/test/csv-1", "https://w3id.org/diaspora-kg/id/org/fedecmi")
    assert read.decision == "yes" and read.score is None


def test_a_new_run_keeps_every_decision_and_updates_what_it_found_again():
    old = [Decision(f"{EX}a", f"{EX}b", "no", who="ana", when="2026-12-01", note="two clubs", score=0.7),
           Decision(f"{EX}a", f"{EX}c", "yes", who="ana", when="2026-12-01"),
           Decision(f"{EX}a", f"{EX}d", score=0.55)]
    reason = Reason("name", 2.0, "names 0.94: 'A' ~ 'B'")
    new = [Candidate(f"{EX}a", f"{EX}b", 0.81, (reason,), "A", "B"), Candidate(f"{EX}b", f"{EX}e", 0.6, (reason,))]
    merged = merge_candidates(old, new)
    by_pair = {d.pair: d for d in merged.decisions}
    assert by_pair[(f"{EX}a", f"{EX}b")].decision == "no" and by_pair[(f"{EX}a", f"{EX}b")].score == 0.81
    assert by_pair[(f"{EX}a", f"{EX}b")].note == "two clubs" and by_pair[(f"{EX}a", f"{EX}b")].left_name == "A"
    assert by_pair[(f"{EX}a", f"{EX}c")].decision == "yes"  # decided: kept though no longer proposed
    assert (f"{EX}a", f"{EX}d") not in by_pair  # undecided and no longer proposed: dropped
    assert (merged.new, merged.updated, merged.kept, merged.dropped, merged.decided) == (1, 1, 1, 1, 2)
    assert from_candidate(new[0]).reasons == "names 0.94: 'A' ~ 'B' (+2.0)"
