"""The engine's error hierarchy; every message is Chinese and tells the user what to do."""


class PlanError(Exception):
    """Base of every error the engine reports to a user."""


class InputFileError(PlanError):
    """A file that cannot be read as a document (missing, empty, binary, broken)."""


class EncodingError(InputFileError):
    """Bytes whose encoding cannot be determined with confidence."""


class ConfigError(PlanError):
    """A setting that is missing or has an unusable value."""


class IndexError_(PlanError):
    """The sample library index cannot be opened or written."""
