"""The engine's error hierarchy, every type in one place; every message is Chinese and tells
the user what to do. The CLI and the UI catch PlanError and show its message."""

from __future__ import annotations


class PlanError(Exception):
    """Base of every error the engine reports to a user."""


class InputFileError(PlanError):
    """A file that cannot be read as a document (missing, empty, binary, broken)."""


class EncodingError(InputFileError):
    """Bytes whose encoding cannot be determined with confidence."""


class ConfigError(PlanError):
    """A setting that is missing or has an unusable value."""


class MissingVariable(ConfigError):
    """A prompt template names a variable the caller did not supply."""


class LibraryIndexError(PlanError):
    """The sample library index cannot be opened or written."""


class ServiceUnavailable(PlanError):
    """A shared service cannot be reached right now (stopped, restarting, network down): the
    message names it and says what to do. The same call may succeed once it is back."""


class DatabaseUnavailable(ServiceUnavailable):
    """The drafts database (PostgreSQL, PLAN_DATABASE_URL) cannot be reached."""


class LibraryUnavailable(ServiceUnavailable, LibraryIndexError):
    """The Chroma server holding the sample library (PLAN_CHROMA_HOST) cannot be reached."""


class ProfileError(PlanError):
    """A profile value that cannot be used; the message names the field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class DraftNotFound(PlanError):
    """No draft with that id (deleted, or a stale link)."""


class NoMoreVariants(PlanError):
    """Every alternative the offline composer has for a section has been used."""


class ModelError(PlanError):
    """A model request that failed; the message says what happened and what to do."""

    def __init__(
        self,
        message: str,
        *,
        kind: str,
        retryable: bool,
        status: int | None = None,
        retry_after: float | None = None,
    ):
        super().__init__(message)
        self.kind = kind  # timeout connection auth model rate server broken other
        self.retryable = retryable
        self.status = status
        self.retry_after = retry_after
