"""The one hierarchy of errors casework raises.

Every error carries structured fields (case, move, state, rule, field) so that an embedding
system can react to it without parsing text, and a Chinese message a clerk can read. The CLI
prints the message on one line and exits with 2; nothing is written when one is raised inside
a move, because the move's transaction is rolled back.
"""

from __future__ import annotations

from typing import Any


class CaseworkError(Exception):
    """Base of every error casework raises on purpose."""

    def __init__(
        self,
        message: str,
        *,
        case: int | None = None,
        move: str | None = None,
        state: str | None = None,
        rule: str | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.case = case
        self.move = move
        self.state = state
        self.rule = rule
        self.field = field

    def as_dict(self) -> dict[str, Any]:
        """The structured fields, for JSON output and for embedding systems."""
        return {
            "error": type(self).__name__,
            "message": self.message,
            "case": self.case,
            "move": self.move,
            "state": self.state,
            "rule": self.rule,
            "field": self.field,
        }

    def __str__(self) -> str:
        return self.message


class InvalidInput(CaseworkError):
    """A value given by a user or a calling system is malformed or outside its list."""


class UnknownCalendarYear(InvalidInput):
    """A date falls in a year whose official holiday schedule is not known."""

    def __init__(self, year: int, file_hint: str) -> None:
        super().__init__(
            f"{year}年的法定节假日安排未知：该年早于工作日历所载的第一个年份，无法计算期限"
            f"（如确需计算，请由管理员用 casework calendar notice add 登记该年的放假通知）",
            field="date",
            rule="working-day calendar: years before the first known year are unknown",
        )
        self.year = year
        self.file_hint = file_hint


class DefinitionError(CaseworkError):
    """A file under states/ (flow, rule set, calendar, directory) is invalid."""

    def __init__(self, message: str, *, path: str | None = None, **fields: Any) -> None:
        super().__init__(f"{path}: {message}" if path else message, **fields)
        self.path = path


class NotFound(CaseworkError):
    """A case, unit or other record named by the user does not exist."""


class MoveNotAllowed(CaseworkError):
    """The move does not exist in the flow or cannot be made from the case's current state."""


class RuleViolation(CaseworkError):
    """A legal or workflow rule (a guard) refuses the move; ``rule`` names it."""


class PermissionDenied(CaseworkError):
    """The actor's role or unit may not make this move on this case."""


class Unauthenticated(PermissionDenied):
    """A request to the HTTP service carries no API key, or one that is unknown or revoked
    (``casework apikey``); the service answers 401."""


class StaleCase(CaseworkError):
    """The case changed since the caller read it; the move was not written."""


class DatabaseUnavailable(CaseworkError):
    """The database cannot be reached, does not exist or refuses us: an operational problem,
    not a user mistake (the CLI exits with 3). The message names the URL without its password."""
