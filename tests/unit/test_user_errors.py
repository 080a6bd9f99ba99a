"""User mistakes are our error classes: the command line names them in one message, never as "a bug"."""

from __future__ import annotations

import pytest

from graph_loader.cli.app import reports_errors
from graph_loader.errors import DiasporaKGError, OntologyMismatch, UsageError
from graph_loader.export import export
from graph_loader.model import NodeRow, PropertyGraph, RelationshipRow
from graph_loader.neo4j.bulk_import import NotEmpty, NotImportable
from graph_loader.neo4j.writer import check_names
from graph_loader.ontology.schema import load_schema
from graph_loader.shacl import validate


def run_reported(function, capsys) -> tuple[int, str]:
    """The exit code and the stderr of ``function`` run as a command (through ``reports_errors``)."""
    with pytest.raises(SystemExit) as ended:
        reports_errors(function)()
    return ended.value.code, capsys.readouterr().err


def test_rows_outside_the_ontology_are_refused_with_a_message(capsys):
    schema = load_schema()
    with pytest.raises(OntologyMismatch, match="labels not in the ontology: Spaceship"):
        check_names(schema, [NodeRow("u:1", ("Spaceship", "Resource"))], [])
    with pytest.raises(OntologyMismatch, match="relationship types not in the ontology: ORBITS"):
        check_names(schema, [], [RelationshipRow("u:2", "ORBITS", "u:1", "u:3")])
    check_names(schema, [NodeRow("u:1", ("Federation", "Resource"))], [RelationshipRow("u:2", "MEMBER_OF", "u:1", "u:3")])  # known: no error
    code, err = run_reported(lambda: check_names(schema, [], [RelationshipRow("u:2", "ORBITS", "u:1", "u:3")]), capsys)
    assert code == 1  # invalid data
    assert "ORBITS" in err and "hint:" in err and "bug" not in err and "internal error" not in err


@pytest.mark.parametrize("error", [NotImportable, NotEmpty])
def test_the_importers_refusals_are_usage_errors(error, capsys):
    assert issubclass(error, UsageError)
    code, err = run_reported(lambda: (_ for _ in ()).throw(error("why")), capsys)
    assert code == 2 and "why" in err and "bug" not in err


def test_unknown_export_format_and_validator_are_usage_errors(tmp_path):
    with pytest.raises(UsageError, match="unknown export format 'xlsx'") as raised:
        export(PropertyGraph(), load_schema(), "xlsx", tmp_path)
    assert "turtle" in raised.value.hint
    with pytest.raises(UsageError, match="unknown validator 'nope'"):
        validate([], engine="nope")
    assert issubclass(UsageError, DiasporaKGError)
