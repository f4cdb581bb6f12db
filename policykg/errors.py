"""One exception hierarchy for policykg.

Every message names the file (or value) at fault and says what to do about it.
The CLI turns these into ``click.ClickException``; library code only raises.
"""

from __future__ import annotations


class PolicyKGError(Exception):
    """Base class of every error policykg raises on purpose."""


class IngestError(PolicyKGError):
    """A document could not be read into text.

    Parameters
    ----------
    path:
        The file at fault (its name is put in the message).
    problem:
        What went wrong.
    advice:
        What the user can do about it.
    """

    def __init__(self, path: str, problem: str, advice: str) -> None:
        self.path = str(path)
        self.problem = problem
        self.advice = advice
        super().__init__(f"{self.path}: {problem}. {advice}")


class UnsupportedFormatError(IngestError):
    """The file's extension names no reader."""


class EmptyDocumentError(IngestError):
    """The file holds no text."""


class EncodingError(IngestError):
    """The bytes could not be decoded as text in any supported encoding."""


class NoTextLayerError(IngestError):
    """A PDF whose pages carry no text (a scan)."""


class EncryptedFileError(IngestError):
    """A PDF that opens only with a password."""


class CorruptFileError(IngestError):
    """The container is broken (a .docx that is not a zip, a damaged PDF ...)."""


class TooLargeError(IngestError):
    """A limit on file size, decompressed size or text length was exceeded."""


class GoldFormatError(PolicyKGError):
    """A gold annotation file does not follow FORMAT.md."""


class CorrectionsError(PolicyKGError):
    """A corrections file or folder cannot be read (a row that cannot be used is a
    problem reported with its file and line, not this error)."""


class GraphNotBuiltError(PolicyKGError):
    """A command needs a built graph directory and found none."""


class BuildLockedError(PolicyKGError):
    """Another build is writing the same graph directory."""


class InputError(PolicyKGError):
    """The inputs of a build name nothing to build: a path that does not exist, or
    folders with no document in them. Raised before the graph directory is touched."""


class QueryError(PolicyKGError):
    """A query or its parameters are wrong."""


class RemoteError(PolicyKGError):
    """The server refused a request or could not be reached."""


class UsageError(PolicyKGError):
    """A value given to a command or function is not one it takes (an unknown view or
    format, a view without the unit or place it needs); the message says what is."""
