"""Command-line paths → the files to scan, and the paths that could not be used.

Folders are searched recursively for PDF, .txt and .md files, in sorted order. A path
that does not exist, a folder that cannot be listed or a symlink loop is reported as a
problem for that path; it never stops the others.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Sequence
from pathlib import Path

from .models import ScanError

SCANNABLE = frozenset({".pdf", ".txt", ".md"})


def _wanted(root: str, path: str, include: Sequence[str], exclude: Sequence[str]) -> bool:
    """Globs match the path relative to the folder given, or the file name alone."""
    rel = os.path.relpath(path, root)
    name = os.path.basename(path)

    def matches(globs: Sequence[str]) -> bool:
        return any(fnmatch.fnmatch(rel, g) or fnmatch.fnmatch(name, g) for g in globs)

    if exclude and matches(exclude):
        return False
    if include:
        return matches(include)
    return Path(name).suffix.lower() in SCANNABLE


def _walk(root: str, problems: list[tuple[str, ScanError]], include: Sequence[str],
          exclude: Sequence[str]) -> list[str]:
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
            path = os.path.join(dirpath, name)
            if _wanted(root, path, include, exclude):
                found.append(path)
    return found


def discover(paths: Sequence[str], include: Sequence[str] = (),
             exclude: Sequence[str] = ()) -> tuple[list[str], list[tuple[str, ScanError]]]:
    """Files to scan, as the user wrote them (files found in a folder are joined to the
    folder as written), and the paths that could not be used.

    Folders are searched for PDF, .txt and .md files, or for files matching ``include``
    globs when given; ``exclude`` globs drop files found in folders. A file named on the
    command line is always scanned.
    """
    files: list[str] = []
    problems: list[tuple[str, ScanError]] = []
    for path in paths:
        p = Path(path)
        if p.is_dir():
            files.extend(_walk(path, problems, include, exclude))
        elif p.exists() or p.is_symlink():
            files.append(path)
        else:
            problems.append((path, ScanError(
                "unreadable", f"{path} does not exist; check the path")))
    unique = list(dict.fromkeys(files))
    return unique, problems
