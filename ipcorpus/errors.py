"""Errors that end a command with a one-line message and an exit code."""


class IpcorpusError(Exception):
    """A user-facing error: printed as `ipcorpus: error: …`, exit code 2 by default."""

    def __init__(self, message: str, code: int = 2):
        super().__init__(message)
        self.code = code


class InputError(IpcorpusError):
    """One file could not be used; a corpus run reports it and goes on."""
