"""A cache of document reports, keyed by what determines them.

The key is the file's SHA-256 and how its bytes are read (.txt or PDF), a digest of
policyscan's own code and data files, the hash of the loaded pattern files and the scan
options that change results; an edited module, an edited rule file or a different
engine misses the cache by construction, with or without a version bump. Only reports
that depend on nothing but those (status ok or needs_ocr) are stored: a timeout or a
permission problem may not happen next time.

An entry is a claim another process wrote, so it is checked before it is believed: it
carries its key and file hash and is used only when both match (a copied or renamed
entry is a miss), it is read only up to a size bound, and anything that does not parse
back into a report, however it fails, is a miss.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from . import __version__
from .extract.sniff import read_as
from .models import DocumentReport

CACHEABLE = frozenset({"ok", "needs_ocr"})
# An entry larger than this is not read (nor written): the largest real report, a
# 150-page booklet with every finding, is a few megabytes.
MAX_ENTRY_BYTES = 64 << 20
# Files of the package whose contents decide a report: the code and its data.
_CODE_SUFFIXES = (".py", ".yaml", ".yml", ".json", ".j2", ".txt")


def default_cache_dir() -> Path:
    """The user's cache directory ($XDG_CACHE_HOME, else ~/.cache) / policyscan."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "policyscan"


@functools.cache
def code_digest() -> str:
    """SHA-256 over the package's own source and data files (names and bytes), computed
    once a process: a code change that keeps the version string still misses."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*")
                       if p.suffix in _CODE_SUFFIXES and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(root)).encode("utf-8", "surrogateescape"))
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


class ReportCache:
    def __init__(self, directory: Path, patterns_sha256: str, options: dict[str, Any]) -> None:
        self.directory = directory
        settings = json.dumps({"version": __version__, "code": code_digest(),
                               "patterns": patterns_sha256, "options": options},
                              sort_keys=True)
        self._salt = hashlib.sha256(settings.encode()).hexdigest()
        self.hits = 0

    def _key(self, file_sha256: str, path: str) -> str:
        return hashlib.sha256(f"{self._salt}:{read_as(path)}:{file_sha256}".encode()
                              ).hexdigest()

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, file_sha256: str, path: str) -> DocumentReport | None:
        key = self._key(file_sha256, path)
        try:
            with open(self._path(key), "rb") as f:
                raw = f.read(MAX_ENTRY_BYTES + 1)
            if len(raw) > MAX_ENTRY_BYTES:
                return None
            entry = json.loads(raw)
            if (not isinstance(entry, dict) or entry.get("key") != key
                    or not isinstance(entry.get("report"), dict)
                    or entry["report"].get("sha256") != file_sha256):
                return None  # not written for this file under these settings
            report = DocumentReport.from_dict({**entry["report"], "path": path})
        except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
            return None  # absent, unreadable, nested past reading or another layout: rescan
        if report.status not in CACHEABLE:
            return None
        self.hits += 1
        return report

    def put(self, report: DocumentReport) -> None:
        if report.status not in CACHEABLE or not report.sha256 or report.duplicate_of:
            return
        key = self._key(report.sha256, report.path)
        target = self._path(key)
        tmp: str | None = None
        try:
            data = json.dumps({"key": key, "report": report.to_dict()}, ensure_ascii=True)
            if len(data) > MAX_ENTRY_BYTES:
                return
            target.parent.mkdir(parents=True, exist_ok=True)
            # Write then rename, so a reader (or a killed run) never sees half a file.
            fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="ascii") as f:
                f.write(data)
            os.replace(tmp, target)
            tmp = None
        except (OSError, ValueError):
            pass  # a cache that cannot be written (a full disk) only costs speed
        finally:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
