"""policyscan: find what a health-insurance document says about cosmetic exclusions,
reconstructive exceptions, medical necessity, prior authorization, appeals and deadlines.

    >>> import policyscan
    >>> report = policyscan.scan("sample_policies/sbc_northwind_silver_ppo.pdf")
    >>> report.facts.values["cosmetic_exclusion"]
    True

Importing this package is cheap; spaCy loads on the first scan.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

__version__ = "0.1.0"
__all__ = ["__version__", "scan", "scan_text"]

if TYPE_CHECKING:
    from .models import DocumentReport
    from .scanner import Scanner

_default: Scanner | None = None


def _scanner() -> Scanner:
    global _default
    if _default is None:
        from .rules.loader import load_rules
        from .scanner import Scanner

        _default = Scanner(load_rules())
    return _default


def scan(path: str | Path) -> DocumentReport:
    """Scan one PDF, .txt or .md file with the built-in rules.

    Never raises for a bad file: the report's ``status`` and ``error`` say what went
    wrong. For options (engine, password, extra rule files) build a
    ``policyscan.scanner.Scanner`` yourself.
    """
    return _scanner().scan(path)


def scan_text(text: str, name: str = "<text>") -> DocumentReport:
    """Scan a string as a text document; form feeds separate pages."""
    return _scanner().scan_text(text, name)
