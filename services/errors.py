"""Errors the product explains to its users: a stable code and a readable message."""

from __future__ import annotations


class ServiceError(Exception):
    """A failure the user can understand and act on.

    Parameters
    ----------
    message
        A sentence written for the user: what is wrong and what to do.
    code
        A stable snake_case word for programs; defaults to the class's code.

    """

    code = "invalid_request"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class NotFoundError(ServiceError):
    """The object does not exist, or belongs to someone else."""

    code = "not_found"


class ConflictError(ServiceError):
    """The request does not fit the object's current state."""

    code = "conflict"


class FileTooLargeError(ServiceError):
    """An upload over the configured size limit."""

    code = "file_too_large"


class UnreadableFileError(ServiceError):
    """A file whose type or encoding cannot be read as a table."""

    code = "unreadable_file"


class InvalidInputError(ServiceError):
    """A request or file that is understood but cannot be used as it is."""

    code = "invalid_request"


class SeriesTooShortError(InvalidInputError):
    """Too little history for what was asked."""

    code = "series_too_short"


class JobCancelledError(Exception):
    """Raised inside a job when its owner asked to stop it."""
