"""Errors that users can cause and fix: the CLI prints them as one line, never as a traceback."""


class UserError(Exception):
    """An expected failure (bad input file, missing database, unknown target...).

    The message must name the file, line or URL involved and say what to fix.
    """
