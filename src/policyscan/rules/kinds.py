"""Signals of a document's kind (``kinds.yaml`` of a pattern directory), validated on load.

A signal is a kind, a weight and a regular expression run on lower-cased text with its
whitespace collapsed; each carries examples it must match, so a broken pattern fails
when it is loaded, never silently at scan time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..datafile import Fields, load_yaml
from ..errors import RuleFileError
from ..models import DOCUMENT_KINDS

KINDS_FILE = "kinds.yaml"
_FIELDS = frozenset({"kind", "weight", "pattern", "examples"})


class _Fields(Fields):
    def fail(self, name: str | None, message: str) -> RuleFileError:
        return RuleFileError(self.file, message, rule=self.entry, field=name)


@dataclass(frozen=True)
class KindSignal:
    kind: str
    weight: float
    pattern: re.Pattern[str]


def signal_text(text: str) -> str:
    """Text as signals see it: lower case, one space for any whitespace."""
    return " ".join(text.split()).lower()


def load_kind_signals(path: Path) -> tuple[KindSignal, ...]:
    data: Any = load_yaml(path, RuleFileError)
    if not isinstance(data, dict) or not isinstance(data.get("signals"), list):
        raise RuleFileError(str(path), "must hold a mapping with a 'signals:' list")
    out: list[KindSignal] = []
    for i, raw in enumerate(data["signals"]):
        if not isinstance(raw, dict):
            raise RuleFileError(str(path), f"signal {i + 1} must be a mapping")
        f = _Fields(str(path), raw, f"signal {i + 1}")
        f.only(_FIELDS)
        kind = f.text("kind")
        if kind not in DOCUMENT_KINDS:
            raise f.fail("kind", f"must be one of {', '.join(DOCUMENT_KINDS)}, not {kind!r}")
        weight = raw.get("weight")
        if not isinstance(weight, (int, float)) or isinstance(weight, bool) \
                or not 0 < weight <= 10:
            raise f.fail("weight", "must be a number in (0, 10]")
        source = f.text("pattern")
        try:
            pattern = re.compile(source)
        except re.error as exc:
            raise f.fail("pattern", f"is not a regular expression: {exc}") from exc
        examples = f.strings("examples", required=True)
        for example in examples:
            if not pattern.search(signal_text(example)):
                raise f.fail("examples", f"{example!r} is not matched by the pattern")
        out.append(KindSignal(kind, float(weight), pattern))
    return tuple(out)
