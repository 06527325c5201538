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


def _walk(root: Path, problems: list[tuple[str, ScanError]]) -> list[Path]:
    found: list[Path] = []
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
                found.append(Path(dirpath) / name)
    return found


def discover(paths: list[Path]) -> tuple[list[Path], list[tuple[str, ScanError]]]:
    files: list[Path] = []
    problems: list[tuple[str, ScanError]] = []
    for path in paths:
        if path.is_dir():
            files.extend(_walk(path, problems))
        elif path.exists() or path.is_symlink():
            files.append(path)
        else:
            problems.append((str(path), ScanError(
                "unreadable", f"{path} does not exist; check the path")))
    unique = list(dict.fromkeys(files))
    return unique, problems
