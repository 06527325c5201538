"""Signals of a document's kind (``kinds.yaml`` of a pattern directory), validated on load.

A signal is a kind, a weight and a regular expression run on lower-cased text with its
whitespace collapsed; each carries examples it must match, so a broken pattern fails
when it is loaded, never silently at scan time.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..datafile import Fields, load_yaml
from ..errors import RuleFileError
from ..models import DOCUMENT_KINDS, DocumentKind

KINDS_FILE = "kinds.yaml"
_FIELDS = frozenset({"kind", "weight", "pattern", "examples"})


class _Fields(Fields):
    def fail(self, name: str | None, message: str) -> RuleFileError:
        return RuleFileError(self.file, message, rule=self.entry, field=name)


@dataclass(frozen=True)
class KindSignal:
    kind: DocumentKind
    weight: float
    pattern: re.Pattern[str]
    # Literal words one of which any match contains (None: no such words could be read
    # from the pattern): a text with none of them is not searched.
    hints: tuple[str, ...] | None = None

    def may_match(self, present: Collection[str]) -> bool:
        """Could the signal match a text? ``present`` is the text itself, or the set of
        the signals' literal words the text holds (``in`` answers for either)."""
        return self.hints is None or any(h in present for h in self.hints)


_MIN_HINT = 3  # characters: shorter literals are in almost every text anyway
_SPECIAL = set("\\()[]{}.^$|?*+")


def literal_hints(source: str) -> tuple[str, ...] | None:
    """For each top-level alternative of the regex ``source``, its longest run of literal
    characters that every match of it contains; None when some alternative has none as
    long as ``_MIN_HINT`` (then the pattern is always searched). Groups, classes, escapes
    other than escaped punctuation and anything a quantifier may drop end a run."""
    hints: list[str] = []
    for branch in _top_level_branches(source):
        runs: list[str] = []
        run = ""
        i = 0
        while i < len(branch):
            c = branch[i]
            nxt = branch[i + 1] if i + 1 < len(branch) else ""
            if c == "\\" and nxt and not nxt.isalnum():
                atom, i = nxt, i + 2  # an escaped punctuation mark is itself
            elif c in _SPECIAL:
                runs.append(run)
                run = ""
                i = _skip_atom(branch, i)
                continue
            else:
                atom, i = c, i + 1
            after = branch[i] if i < len(branch) else ""
            if after in ("?", "*", "{"):
                runs.append(run)  # the atom may be absent: the run ends before it
                run = ""
            elif after == "+":
                runs.append(run + atom)
                run = ""
                i += 1
            else:
                run += atom
        runs.append(run)
        best = max(runs, key=len).strip()
        if len(best) < _MIN_HINT:
            return None
        hints.append(best)
    return tuple(dict.fromkeys(hints))


def _top_level_branches(source: str) -> list[str]:
    branches, depth, start, i = [], 0, 0, 0
    while i < len(source):
        c = source[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            i = _skip_atom(source, i)
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            branches.append(source[start:i])
            start = i + 1
        i += 1
    branches.append(source[start:])
    return branches


def _skip_atom(source: str, i: int) -> int:
    """The index after the special atom at ``i``: a group or class whole, an escape, a
    quantifier's braces, or one character."""
    c = source[i]
    if c == "\\":
        return i + 2
    if c == "[":
        j = i + 1
        if j < len(source) and source[j] == "]":
            j += 1
        while j < len(source) and source[j] != "]":
            j += 2 if source[j] == "\\" else 1
        return j + 1
    if c == "(":
        depth, j = 0, i
        while j < len(source):
            if source[j] == "\\":
                j += 2
                continue
            if source[j] == "[":
                j = _skip_atom(source, j)
                continue
            depth += {"(": 1, ")": -1}.get(source[j], 0)
            j += 1
            if depth == 0:
                break
        return j
    if c == "{":
        j = source.find("}", i)
        return len(source) if j < 0 else j + 1
    return i + 1


def signal_text(text: str) -> str:
    """Text as signals see it: lower case, one space for any whitespace."""
    return " ".join(text.split()).lower()


def load_kind_signals(path: Path) -> tuple[KindSignal, ...]:
    data: Any = load_yaml(path, RuleFileError, cached=True)
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
        signal = KindSignal(kind, float(weight), pattern, literal_hints(source))
        for example in examples:
            text = signal_text(example)
            if not pattern.search(text):
                raise f.fail("examples", f"{example!r} is not matched by the pattern")
            if not signal.may_match(text):  # a hint read wrongly would skip real matches
                raise f.fail("pattern", f"its literal words {signal.hints} miss {example!r}")
        out.append(signal)
    return tuple(out)
