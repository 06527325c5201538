"""Command-line paths → the files to scan, and the paths that could not be used.

Folders are searched recursively for PDF, .txt and .md files, in sorted order. A path
that does not exist, a folder that cannot be listed or a symlink loop is reported as a
problem for that path; it never stops the others.
"""

from __future__ import annotations

import os
from pathlib import Path

from .models import ScanError

SCANNABLE = frozenset({".pdf", ".txt", ".md"})


def _walk(root: str, problems: list[tuple[str, ScanError]]) -> list[str]:
    found: list[str] = []
    seen: set[str] = set()

    def onerror(err: OSError) -> None:
        problems.append((str(err.filename or root), ScanError(
            "unreadable", f"cannot list folder {err.filename}: {err.strerror}")))

    for dirpath, dirnames, filenames in os.walk(root, onerror=onerror, followlinks=True):
        real = os.path.realpath(dirpath)
        if real in seen:
            problems.append((dirpath, ScanError(
                "unreadable", f"{dirpath} links back to a folder already searched "
                "(a symlink loop); skipped")))
            dirnames[:] = []
            continue
        seen.add(real)
        dirnames.sort()
        for name in sorted(filenames):
            if Path(name).suffix.lower() in SCANNABLE:
                found.append(os.path.join(dirpath, name))
    return found


def discover(paths: list[str]) -> tuple[list[str], list[tuple[str, ScanError]]]:
    """Files to scan, as the user wrote them (files found in a folder are joined to the
    folder as written), and the paths that could not be used."""
    files: list[str] = []
    problems: list[tuple[str, ScanError]] = []
    for path in paths:
        p = Path(path)
        if p.is_dir():
            files.extend(_walk(path, problems))
        elif p.exists() or p.is_symlink():
            files.append(path)
        else:
            problems.append((path, ScanError(
                "unreadable", f"{path} does not exist; check the path")))
    unique = list(dict.fromkeys(files))
    return unique, problems
