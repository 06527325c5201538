"""Picking up an interrupted JSON Lines run where it stopped.

Every complete line of the output is a finished document. A run killed mid-write may
leave half a line at the end: it is cut off, and that document is scanned again.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .errors import UserError
from .models import DocumentReport
from .report.safe import safe_name


def resume_key(path: str) -> str:
    """What a document of the output and an input are matched by: the resolved path as
    reports show it ("./in/a.pdf" and "in/a.pdf" are one file; a name that is not UTF-8
    is written escaped, so the input's name is escaped the same way)."""
    return safe_name(os.path.realpath(path))


def read_finished(path: Path) -> dict[str, DocumentReport]:
    """The documents already in ``path`` by ``resume_key`` of their path; truncates a
    partial last line."""
    if not path.exists():
        return {}
    done: dict[str, DocumentReport] = {}
    keep = 0  # bytes of complete, valid lines
    try:
        with open(path, "rb") as f:
            for raw in f:
                if not raw.endswith(b"\n"):
                    break
                try:
                    data = json.loads(raw)
                    report = DocumentReport.from_dict(data)
                except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
                    break
                done[resume_key(report.path)] = report
                keep += len(raw)
        if keep < path.stat().st_size:
            with open(path, "r+b") as f:
                f.truncate(keep)
    except OSError as exc:
        raise UserError(f"cannot resume from {path}: {exc.strerror or exc}") from exc
    return done
