"""Errors the command line turns into one clear message and an exit code.

Exit codes follow pySHACL's convention: 0 success, 1 invalid data (validation violations), 2 any other error
(unreadable input, unreachable server, bad query).
"""

from __future__ import annotations


class DiasporaKGError(Exception):
    """Base error: ``message`` says what is wrong, ``hint`` what to do about it."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  hint: {self.hint}"

    def __reduce__(self):
        # Pickled as its state, not as its constructor's arguments (each subclass takes others), so that one raised
        # in a child process (graph_loader.beside) comes back whole.
        return _rebuilt, (type(self), self.args, self.__dict__)


def _rebuilt(cls: type[DiasporaKGError], args: tuple, state: dict) -> DiasporaKGError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class InputError(DiasporaKGError):
    """An input file cannot be read: missing, empty, binary, a syntax error, a CSV without a required column."""

    def __init__(self, path: str, message: str, *, line: int | None = None, hint: str | None = None):
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {message}", hint=hint)
        self.path = str(path)
        self.line = line


class UsageError(DiasporaKGError):
    """An option cannot be honoured here: ``load --method import`` into a database that holds data."""


class ValidationFailed(DiasporaKGError):
    """The data break the SHACL shapes; ``report`` holds the validation report. Nothing was written."""

    exit_code = 1

    def __init__(self, report, message: str = "the data do not conform to the shapes; nothing was written"):
        super().__init__(message, hint="fix the violations listed above, then run the command again")
        self.report = report


class OntologyMismatch(DiasporaKGError):
    """Rows name a node label or relationship type the ontology does not define (they were mapped with another
    ontology than the one the command reads); refused before they are written."""

    exit_code = 1


class ConfigurationError(DiasporaKGError):
    """A setting (environment variable or ``.env`` line) has a value that cannot work; never shows a secret."""


class Neo4jUnavailable(DiasporaKGError):
    """No Neo4j answers at the configured URI."""


class Neo4jAuthError(DiasporaKGError):
    """Neo4j refused the credentials (the password is never shown)."""


class ServerError(DiasporaKGError):
    """The managed local Neo4j cannot be set up, started or stopped."""


class QueryError(DiasporaKGError):
    """A Cypher query failed or is not allowed (for instance a write in read mode); ``code`` is Neo4j's status
    code when the server refused it (``Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists``)."""

    def __init__(self, message: str, *, hint: str | None = None, code: str | None = None):
        super().__init__(message, hint=hint)
        self.code = code
