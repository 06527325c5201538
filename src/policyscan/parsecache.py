"""Parsed pattern files kept between runs, as Python keeps compiled modules.

Reading the pattern files' YAML costs about as much CPU as everything else start-up does
in policyscan's own code (30 ms a run); the same bytes always parse to the same data, so
the data is kept in the user's cache directory under the SHA-256 of the file's bytes and
read back with ``marshal`` (under 1 ms). An edited file has other bytes and misses.

An entry is only ever a copy of what the parser gave: it is written whole (to a temporary
file, then renamed), read back only as a mapping or a list, and anything that fails to
read is a miss and is parsed again. Data ``marshal`` cannot hold (a YAML date) is not
kept. Nothing is fatal here: an unwritable cache directory only means parsing every run.
An entry read is touched; when a new one is written, entries no run has read for
``MAX_IDLE_DAYS`` go (each edit of a pattern file leaves one behind).
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

# What makes the same bytes parse to other data, or an entry unreadable: the parser's
# version, the interpreter and marshal's format.
_TAG = f"{sys.implementation.cache_tag}-m{marshal.version}-yaml{yaml.__version__}"
# A pattern file is tens of kilobytes; an entry much larger than that was not written here.
_MAX_ENTRY_BYTES = 16 << 20
MAX_IDLE_DAYS = 30


def cache_dir() -> Path:
    """Where parsed files are kept: the user's cache directory ($XDG_CACHE_HOME, else
    ~/.cache) / policyscan / parsed."""
    from .cache import default_cache_dir

    return default_cache_dir() / "parsed"


def parsed(raw: bytes, parse: Callable[[], Any]) -> Any:
    """``parse()``'s result for a file whose bytes are ``raw``, from the cache when an
    earlier run kept it."""
    path = cache_dir() / f"{hashlib.sha256(raw).hexdigest()}.{_TAG}.marshal"
    kept = _read(path)
    if kept is not None:
        with contextlib.suppress(OSError):
            os.utime(path)
        return kept
    data = parse()
    _write(path, data)
    _prune(path.parent, keep=path)
    return data


def _read(path: Path) -> Any:
    try:
        with open(path, "rb") as f:
            blob = f.read(_MAX_ENTRY_BYTES + 1)
        data = marshal.loads(blob) if len(blob) <= _MAX_ENTRY_BYTES else None
    except (OSError, EOFError, ValueError, TypeError):
        return None
    return data if isinstance(data, (dict, list)) else None


def _write(path: Path, data: Any) -> None:
    try:
        blob = marshal.dumps(data)
    except ValueError:
        return  # a date or another type marshal does not hold: parse it every run
    if len(blob) > _MAX_ENTRY_BYTES:
        return
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(blob)
        os.replace(tmp, path)
        tmp = None
    except OSError:
        pass
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _prune(directory: Path, keep: Path) -> None:
    """Remove the entries no run has read for ``MAX_IDLE_DAYS`` (only on a miss: a run that
    reads its entries never lists the directory)."""
    cutoff = time.time() - MAX_IDLE_DAYS * 86400
    try:
        entries = list(directory.glob("*.marshal"))
    except OSError:
        return
    for entry in entries:
        with contextlib.suppress(OSError):
            if entry != keep and entry.stat().st_mtime < cutoff:
                entry.unlink()
