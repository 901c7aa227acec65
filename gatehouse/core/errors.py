"""Errors the core raises: a machine code, a Chinese message for people, and details."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule or a validation said no.

    ``code`` is stable and machine-readable (``id_number.checksum``); ``message`` is the Chinese
    sentence shown to a guard or clerk; ``details`` carries structured context (the field, the
    offending value in masked form, the row of an import …).
    """

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.details: dict[str, Any] = dict(details or {})

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": self.details}


class InvalidInput(DomainError):
    """Input that is malformed: an ID number, plate, phone, card number, date or amount."""
