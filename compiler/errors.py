"""User-fixable errors that stop a run (exit 2); anything else is a bug."""
from __future__ import annotations


class SgpackError(Exception):
    """A problem the user can fix: printed as one line, `file:line: field: message`, exit 2."""

    exit_code = 2

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.field = field

    def __str__(self) -> str:
        parts = []
        if self.file:
            parts.append(f"{self.file}:{self.line}" if self.line else self.file)
        if self.field:
            parts.append(self.field)
        parts.append(self.message)
        return ": ".join(parts)


class BuildRefused(SgpackError):
    """The build ran but refused to write the pack (e.g. personal data in a pack that leaves the
    provider): exit 1, with the reasons listed one per line after the message."""

    exit_code = 1

    def __init__(self, message: str, details: list[str]) -> None:
        super().__init__(message)
        self.details = details

    def __str__(self) -> str:
        return "\n".join([self.message, *("  " + d for d in self.details)])
