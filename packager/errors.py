"""User-facing errors and the exit codes they map to.

A ``PackagerError`` is a mistake in the user's input or invocation: it is shown
as one line without a traceback. Any other exception is a bug in packager and
keeps its traceback.
"""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path

import click


class ExitCode(IntEnum):
    """Exit codes of the ``packager`` command."""

    SUCCESS = 0
    CONTENT_ERROR = 1  # the project's files are wrong (config, front matter, links)
    USAGE_ERROR = 2  # the command line is wrong (click uses 2 as well)
    VALIDATION_FAILED = 3  # an output failed a check (or --strict found warnings)
    INTERRUPTED = 130  # Ctrl-C / SIGINT


class PackagerError(click.ClickException):
    """A user error: one line naming the file (and line), what is wrong and what to do."""

    exit_code = ExitCode.CONTENT_ERROR

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        self.path = str(path) if path is not None else None
        self.line = line
        location = ""
        if self.path:
            location = f"{self.path}:{line}: " if line else f"{self.path}: "
        super().__init__(location + message)
        self.bare_message = message

    def show(self, file=None) -> None:
        click.echo(f"error: {self.format_message()}", file=file, err=True)


class ContentError(PackagerError):
    """Something in the source folder cannot be turned into a book."""

    exit_code = ExitCode.CONTENT_ERROR


class ConfigError(ContentError):
    """packager.toml is invalid; the message lists every problem found."""


class UsageError(PackagerError):
    """The command line asks for something impossible (missing folder, bad output)."""

    exit_code = ExitCode.USAGE_ERROR


class StrictModeError(PackagerError):
    """--strict was given and the build produced warnings."""

    exit_code = ExitCode.VALIDATION_FAILED
