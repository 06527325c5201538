"""Exceptions and exit codes.

Internal code raises these with a message a person can act on; the CLI catches them once
at its edge. A ``DocumentError`` concerns one input file and becomes that file's
``status: failed`` entry: it never stops a batch.
"""

from __future__ import annotations

import reprlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import ErrorType

EXIT_OK = 0  # every document was scanned
EXIT_USAGE = 2  # bad arguments or a bad pattern file: nothing was scanned
EXIT_INCOMPLETE = 3  # some document could not be scanned (needs_ocr, failed, timeout)


_BRIEF = reprlib.Repr()
_BRIEF.maxlevel = 3
_BRIEF.maxlist = _BRIEF.maxtuple = _BRIEF.maxdict = _BRIEF.maxset = 6
_BRIEF.maxstring = _BRIEF.maxother = 80


def brief(value: Any) -> str:
    """A bounded ``repr`` for error messages: a value read from a file may be a YAML
    alias bomb (lists nested by reference, billions of items when written out) or a
    megabyte of text, and a message must not try to spell it all."""
    return _BRIEF.repr(value)


class PolicyScanError(Exception):
    """Base class for errors policyscan reports to its user."""


class UserError(PolicyScanError):
    """A mistake in how policyscan was called; shown as ``Error: …`` with exit code 2."""


class FileFieldError(UserError):
    """A data file (rules, codes, procedures) is malformed; the message names the file,
    the item and the field, so the fix is one look away."""

    item_kind = "item"

    def __init__(self, file: str, message: str, *, item: str | None = None,
                 field: str | None = None) -> None:
        where = file
        if item:
            where += f": {self.item_kind} '{item}'"
        if field:
            where += f": field '{field}'"
        super().__init__(f"{where}: {message}")
        self.file = file
        self.item = item
        self.field = field


class RuleFileError(FileFieldError):
    """A pattern file is malformed."""

    item_kind = "rule"

    def __init__(self, file: str, message: str, *, rule: str | None = None,
                 field: str | None = None) -> None:
        super().__init__(file, message, item=rule, field=field)
        self.rule = rule


class DataFileError(FileFieldError):
    """One of policyscan's curated data files (codes, procedures) is malformed."""

    item_kind = "entry"

    def __init__(self, file: str, message: str, *, entry: str | None = None,
                 field: str | None = None) -> None:
        super().__init__(file, message, item=entry, field=field)
        self.entry = entry


class DocumentError(PolicyScanError):
    """One input could not be read. ``type`` is the report's ``error.type``."""

    def __init__(self, type: ErrorType, message: str) -> None:
        super().__init__(message)
        self.type = type
        self.message = message
