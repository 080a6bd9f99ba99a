"""Bad decisions files (issue 29): every defect is refused through the real command line (``resolve --offline``)
with the file and line, what is wrong and what to do, exit code 2, no traceback, and the file left as it was.
All data are synthetic (``https://example.org/test/``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from graph_loader.errors import InputError
from graph_loader.resolution.decisions import read_decisions

EX = "https://example.org/test/"
HEADER = "left,left_name,right,right_name,score,reasons,decision,who,when,note\n"
GOOD = f"{EX}a,Club A,{EX}b,CLUB A,0.97,names 1.00,yes,ana,2026-12-07,same club\n"
#: One small input file, so that each run reads little besides the seed corpus.
DATA = "id,prefLabel,source\nhttps://example.org/test/org/x,Club Tepetongo,Test list (hypothetical)\n"

CASES = [
    # (what, decisions file text, line, fragments of the message)
    ("unknown column", HEADER.replace("note", "notes") + GOOD, 1, ["unknown column 'notes'", "the columns are"]),
    ("column twice", "left,right,decision,decision\n", 1, ["column 'decision' appears twice"]),
    ("missing column", "left,right,who\n", 1, ["missing required column(s) decision"]),
    ("not a decision", HEADER + GOOD.replace(",yes,", ",maybe,"), 2, ["'maybe' is not a decision", "unsure"]),
    ("score", HEADER + GOOD.replace(",0.97,", ",97%,"), 2, ["column score: '97%' is not a number from 0 to 1"]),
    ("score above 1", HEADER + GOOD.replace(",0.97,", ",1.5,"), 2, ["'1.5' is not a number from 0 to 1"]),
    ("pair with itself", HEADER + GOOD.replace(f"{EX}b,", f"{EX}a,"), 2, ["with itself"]),
    ("pair twice", HEADER + GOOD + f"{EX}b,,{EX}a,,,,no,bo,2026-12-08,\n", 3, ["is already on line 2"]),
    ("no who", HEADER + GOOD.replace(",ana,", ",,"), 2, ["without who made it", "column who"]),
    ("no when", HEADER + GOOD.replace(",2026-12-07,", ",,"), 2, ["without when it was made"]),
    ("bad date", HEADER + GOOD.replace("2026-12-07", "07/12/2026"), 2, ["'07/12/2026' is not an ISO 8601 date"]),
    ("bad id", HEADER + GOOD.replace(f"{EX}a,", "javascript:alert(1),"), 2, ["column left", "is not an id"]),
    ("id with a space", HEADER + GOOD.replace(f"{EX}b,", f"{EX}b c,"), 2, ["column right", "contains a space"]),
    ("fields", HEADER + GOOD.replace(",same club", ",same club,extra"), 2, ["11 fields but the header has 10"]),
    ("unclosed quote", HEADER + GOOD.replace(",same club", ',"same club') + GOOD, 2, ["unclosed quote"]),
    ("line break in an id", HEADER + f'"{EX}a\n",,{EX}b,,,,,,,\n', 2, ["column left", "line breaks"]),
]


def run(folder: Path, text: str | bytes) -> tuple[subprocess.CompletedProcess, Path]:
    data = folder / "hometown_associations.csv"
    data.write_text(DATA, encoding="utf-8")
    decisions = folder / "decisions.csv"
    if isinstance(text, bytes):
        decisions.write_bytes(text)
    else:
        decisions.write_text(text, encoding="utf-8", newline="")
    command = [sys.executable, "-m", "graph_loader", "resolve", "--offline", "--without-seed", str(data),
               "--decisions", str(decisions)]
    return subprocess.run(command, capture_output=True, text=True, env={**os.environ, "COLUMNS": "500"}), decisions


def assert_refused(result: subprocess.CompletedProcess, where: str, fragments: list[str]) -> None:
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    assert result.returncode == 2, result.stdout + result.stderr
    assert where in result.stderr, result.stderr
    assert "hint:" in result.stderr, result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, f"{fragment!r} not in:\n{result.stderr}"


@pytest.mark.parametrize("what, text, line, fragments", CASES, ids=[c[0] for c in CASES])
def test_a_bad_decisions_file_is_refused_with_its_line_and_left_as_it_was(tmp_path, what, text, line, fragments):
    result, decisions = run(tmp_path, text)
    assert_refused(result, f"{decisions}:{line}: ", fragments)
    assert decisions.read_text(encoding="utf-8") == text


@pytest.mark.parametrize("what, data, fragments", [
    ("empty", b"", ["is empty"]),
    ("not UTF-8", (HEADER + GOOD).replace("Club A", "Club \u00c1").encode("latin-1"), ["not valid UTF-8", ":2:"]),
    ("UTF-16", (HEADER + GOOD).encode("utf-16"), ["is UTF-16 text"]),
    ("binary", b"\x00\x01\x02 not text", ["binary"]),
])
def test_an_unreadable_decisions_file_is_refused(tmp_path, what, data, fragments):
    result, decisions = run(tmp_path, data)
    assert_refused(result, str(decisions), fragments)
    assert decisions.read_bytes() == data


def test_the_reader_names_the_line_of_a_defect_after_a_multi_line_note(tmp_path):
    path = tmp_path / "decisions.csv"
    path.write_text(HEADER + GOOD.replace("same club", '"same club,\nsame board"') + GOOD.replace(",yes,", ",si,"),
                    encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_decisions(path)
    assert caught.value.line == 4 and "'si' is not a decision" in caught.value.message


def test_a_good_file_with_a_blank_line_and_a_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "decisions.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (HEADER + "\n" + GOOD + "\n").encode("utf-8"))
    (decision,) = read_decisions(path)
    assert (decision.decision, decision.who, decision.line) == ("yes", "ana", 3)
