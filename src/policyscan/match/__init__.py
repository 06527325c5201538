"""Finding rule hits in normalised page text: spaCy (phrases, token patterns) and fuzzy."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RawHit:
    """A rule's trigger in one page's normalised text, before any context is checked."""

    rule: str
    start: int
    end: int
    method: str  # phrase | token | fuzzy | item (a line under a list lead-in)
    detail: str  # what matched: the phrase, pattern number, or fuzzy score
    ratio: float = 100.0  # fuzzy similarity; 100 for exact matches


@dataclass(frozen=True)
class TextAnalysis:
    """What the matchers found in one page: hits and sentence boundaries."""

    hits: list[RawHit]
    sentences: list[tuple[int, int]]
