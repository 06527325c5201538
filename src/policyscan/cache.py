"""A cache of document reports, keyed by what determines them.

The key is the file's SHA-256, the policyscan version, the hash of the loaded pattern
files and the scan options that change results; a new version, an edited rule file or a
different engine misses the cache by construction. Only reports that depend on nothing
but those (status ok or needs_ocr) are stored: a timeout or a permission problem may not
happen next time.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from . import __version__
from .models import DocumentReport

CACHEABLE = frozenset({"ok", "needs_ocr"})


def default_cache_dir() -> Path:
    """The user's cache directory ($XDG_CACHE_HOME, else ~/.cache) / policyscan."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "policyscan"


# Bumped when what a scan reports changes within a version (plan identity fields, list
# pages): reports cached before are scanned again rather than served without them.
LAYOUT = 2


class ReportCache:
    def __init__(self, directory: Path, patterns_sha256: str, options: dict[str, Any]) -> None:
        self.directory = directory
        settings = json.dumps({"version": __version__, "layout": LAYOUT,
                               "patterns": patterns_sha256, "options": options},
                              sort_keys=True)
        self._salt = hashlib.sha256(settings.encode()).hexdigest()
        self.hits = 0

    def _path(self, file_sha256: str) -> Path:
        key = hashlib.sha256(f"{self._salt}:{file_sha256}".encode()).hexdigest()
        return self.directory / key[:2] / f"{key}.json"

    def get(self, file_sha256: str, path: str) -> DocumentReport | None:
        try:
            data = json.loads(self._path(file_sha256).read_text(encoding="utf-8"))
            report = DocumentReport.from_dict({**data, "path": path})
        except (OSError, ValueError, KeyError, TypeError):
            return None  # absent, unreadable or from an older layout: scan again
        self.hits += 1
        return report

    def put(self, report: DocumentReport) -> None:
        if report.status not in CACHEABLE or not report.sha256 or report.duplicate_of:
            return
        target = self._path(report.sha256)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            # Write then rename, so a reader (or a killed run) never sees half a file.
            fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(report.to_dict(), f, ensure_ascii=False)
            os.replace(tmp, target)
        except OSError:
            pass  # a cache that cannot be written only costs speed
