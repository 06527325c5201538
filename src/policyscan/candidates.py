"""Candidates: a rule's hit weighed into a score, and passages merged into one per category.

A hit of a rule is a candidate; the evidence around it (match/context.py), the false-positive
rules that stand against it (``NegativeEvidence``) and the rule's own score give it a score,
and it becomes a finding when the score reaches its category's threshold. Overlapping
candidates of one category then merge into one passage, led by the surest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from .match import RawHit
from .models import Deadline
from .quotes import MAX_QUOTE
from .rules.schema import FALSE_POSITIVE, Rule

# A merged passage may be as long as the longest of its parts plus this much.
MERGE_SLACK = 80


@dataclass
class Candidate:
    rule: Rule
    page: int
    start: int  # quote span in normalised text
    end: int
    hit: RawHit
    score: float
    reasons: list[str]
    negated: bool
    deadline: Deadline | None
    section_title: str | None
    also: list[str]
    section_role: str = "none"


def score_hit(rule: Rule, hit: RawHit, adjust: float) -> float:
    """The rule's score, moved by the evidence around the hit (``adjust``).

    A longer trigger ("look of your skin") is surer than one word ("cosmetic"); a fuzzy
    hit counts its similarity.
    """
    words = len(hit.detail.split()) if hit.method == "phrase" else 2
    score = rule.score + 0.01 * min(max(words - 1, 0), 3) + adjust
    if hit.method == "fuzzy":
        score *= hit.ratio / 100
    return max(0.0, min(score, 1.0))


@dataclass(frozen=True)
class _Against:
    rule: Rule
    start: int  # the false-positive hit, in normalised text
    end: int
    sentence: tuple[int, int]
    text: str


class NegativeEvidence:
    """The false-positive rules that fired on one page (category ``false_positive``).

    Each speaks against candidates of the categories in its ``against`` list: those in the
    same sentence, or within ``context.window`` characters when the rule gives a number. Its
    score is what it takes off theirs.
    """

    def __init__(self) -> None:
        self._hits: list[_Against] = []

    def add(self, rule: Rule, hit: RawHit, sentence: tuple[int, int], text: str) -> None:
        self._hits.append(_Against(rule, hit.start, hit.end, sentence, text[hit.start:hit.end]))

    def weigh(self, category: str, hit: RawHit, sentence: tuple[int, int],
              ignore: frozenset[str] = frozenset()) -> tuple[float, list[str]]:
        """What the false positives around ``hit`` take off a candidate of ``category``."""
        penalty = 0.0
        reasons: list[str] = []
        for fp in self._hits:
            if category not in fp.rule.against or fp.rule.id in ignore:
                continue
            window = fp.rule.context.window
            if window == "sentence":
                near = fp.sentence == sentence
            else:
                near = fp.start - int(window) <= hit.end and hit.start <= fp.end + int(window)
            if near and fp.rule.score > penalty:
                penalty = fp.rule.score
                reasons = [f"false-positive rule {fp.rule.id} ('{fp.text}'): {fp.rule.title}"]
        return -penalty, reasons


def is_negative(rule: Rule) -> bool:
    return rule.category == FALSE_POSITIVE


def _merges(a: Candidate, b: Candidate) -> bool:
    """Overlapping passages merge unless their union would be much longer than either:
    then they are two passages, each quoted whole."""
    if b.start >= a.end:
        return False
    union = max(a.end, b.end) - min(a.start, b.start)
    return union <= max(MAX_QUOTE, a.end - a.start, b.end - b.start) + MERGE_SLACK


def merge(candidates: Sequence[Candidate]) -> list[Candidate]:
    """One finding per passage and category: overlapping hits merge, the best leads."""
    def key(c: Candidate) -> tuple[object, ...]:
        d = c.deadline
        return (c.rule.category, (d.value, d.unit) if d else None)

    groups: dict[tuple[object, ...], list[Candidate]] = {}
    for c in sorted(candidates, key=lambda c: (c.start, -c.score)):
        groups.setdefault(key(c), []).append(c)
    merged: list[Candidate] = []
    for group in groups.values():
        current: Candidate | None = None
        for c in group:
            if current is not None and _merges(current, c):
                best, other = (current, c) if current.score >= c.score else (c, current)
                also = [*current.also, *c.also]
                if other.rule.id != best.rule.id and other.rule.id not in also:
                    also.append(other.rule.id)
                current = replace(best, start=min(current.start, c.start),
                                  end=max(current.end, c.end), also=also,
                                  negated=best.negated and other.negated)
            else:
                if current is not None:
                    merged.append(current)
                current = c
        if current is not None:
            merged.append(current)
    return merged
