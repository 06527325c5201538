"""How a document is scanned: the options every scan path shares.

Kept apart from the pipeline (``scanner.py``), so that the batch and the command line can
describe a scan without importing the matching machinery: a rescan served from the cache
never needs it.
"""

from __future__ import annotations

from dataclasses import dataclass

from .case import Case


@dataclass(frozen=True)
class ScanOptions:
    engine: str = "pdfium"
    password: str | None = None
    max_pages: int | None = None
    max_bytes: int | None = None
    debug: bool = False  # let unexpected exceptions through instead of reporting them
    # OCR pages without usable text with tesseract: "on", "auto" (when it is installed) or
    # "off". Off here, so a library scan does the same wherever it runs; the command line
    # defaults to auto.
    ocr: str = "off"
    case: Case = Case()  # a procedure to give an outlook on, denial dates to count from
    # The score every candidate must reach to be reported; None: each category's own
    # threshold (pattern files). Lower shows weaker evidence too, higher only the surest.
    min_score: float | None = None
