"""Text made inert before it reaches any output.

Everything a report shows came from outside: a file name may hold bytes that are not
UTF-8 (Python carries them as surrogate escapes, which no UTF-8 stream can write) or a
newline, and a document's text or a plan name may hold terminal escape sequences (clear
the screen, retitle the window) or Unicode direction overrides. ``inert`` rewrites a
whole ``DocumentReport`` once, as it enters the batch's output, so every formatter
(terminal, JSON, CSV, Markdown, HTML, the appeal kit) gets only printable text; CSV adds
``csv_cell`` on top, since a spreadsheet runs a cell that starts like a formula.

Escapes are shown, not dropped, so two names that differ only there stay apart: a byte
0xFF of a file name is written ``\\xff``, an ESC ``\\x1b``.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from typing import Any, TypeVar

from ..models import DocumentReport

T = TypeVar("T")

# C0 controls except tab, newline and a CR ending a line ("\r\n", as pdfium writes
# lines), DEL, C1 controls (0x9b is a one-byte CSI on some terminals), Unicode direction
# overrides and isolates, and lone surrogates. (extract/__init__.py turns the same set
# into spaces in page text, so quotes never need it.)
_UNSAFE_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
                          "\ud800-\udfff]|\r(?!\n)")
# In a name a tab or newline would fake a column or a line too.
_UNSAFE_NAME = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# A cell a spreadsheet would evaluate: = + - @, and tab or CR before one of them.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0)[0])
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a file name that was not UTF-8
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def safe_text(text: str) -> str:
    """Document text with every control character shown escaped (tab and newline kept)."""
    return _UNSAFE_TEXT.sub(_escape, text)


def safe_name(name: str) -> str:
    """A file name as it may be shown: valid UTF-8, one line, no control characters."""
    return _UNSAFE_NAME.sub(_escape, name)


def csv_cell(value: object) -> object:
    """A cell a spreadsheet shows as text: one that would start a formula gets a leading
    apostrophe (the OWASP advice); numbers stay numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


# Values that hold no text: most of a report (offsets, scores, boxes) is these, so they
# are passed through before any other test (a cached rescan spends its time here).
_NO_TEXT = frozenset({int, float, bool, type(None)})


def _may_hold_text(hint: Any) -> bool:
    """Whether a value of this annotation can hold a string (unknown: yes)."""
    if hint in (int, float, bool, type(None)):
        return False
    if hint is str:
        return True
    origin = typing.get_origin(hint)
    if origin is typing.Literal:
        return any(isinstance(arg, str) for arg in typing.get_args(hint))
    if origin in (tuple, list, dict, frozenset, set, typing.Union, types.UnionType):
        return any(_may_hold_text(arg) for arg in typing.get_args(hint) if arg is not ...)
    return True  # a dataclass, Any, object: looked into value by value


_TEXT_FIELDS: dict[type, tuple[str, ...]] = {}


def _text_fields(cls: type) -> tuple[str, ...]:
    """The init fields of a dataclass whose declared type can hold text: offsets, scores
    and boxes (most of a report) are never walked."""
    if cls not in _TEXT_FIELDS:
        try:
            hints = typing.get_type_hints(cls)
        except Exception:  # an annotation that does not resolve: walk every field
            hints = {}
        _TEXT_FIELDS[cls] = tuple(
            f.name for f in dataclasses.fields(cls)
            if f.init and (f.name not in hints or _may_hold_text(hints[f.name])))
    return _TEXT_FIELDS[cls]


def _inert_value(value: Any) -> Any:
    kind = type(value)
    if kind in _NO_TEXT:
        return value
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, tuple):
        items = [_inert_value(v) for v in value]
        if kind is tuple and all(a is b for a, b in zip(items, value, strict=True)):
            return value  # nothing to escape: the same tuple
        return tuple(items)
    if isinstance(value, list):
        return [_inert_value(v) for v in value]
    if isinstance(value, dict):
        return {_inert_value(k): _inert_value(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes: dict[str, Any] = {}
        for name in _text_fields(kind):
            old = getattr(value, name)
            new = _inert_value(old)
            if new is not old:
                changes[name] = new
        # Report dataclasses are frozen and have no __post_init__: an unchanged one is
        # kept as it is.
        return dataclasses.replace(value, **changes) if changes else value
    return value


def inert(doc: DocumentReport) -> DocumentReport:
    """The report with every string safe to print: names on one line, text escaped."""
    out: DocumentReport = _inert_value(doc)
    return dataclasses.replace(
        out, path=safe_name(doc.path),
        duplicate_of=safe_name(doc.duplicate_of) if doc.duplicate_of is not None else None)
