"""The exit codes of the ``map-app`` command, for every subcommand."""
from __future__ import annotations

EXIT_OK = 0  # success
EXIT_ERROR = 1  # an input could not be read or processed (a batch goes on past it)
EXIT_USAGE = 2  # a bad option or value
