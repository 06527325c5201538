"""Fuzzy phrase search with rapidfuzz (the only module importing it).

For wording that exact matching misses: OCR damage ("precertifcation"), words split or
glued by extraction ("medi cally necessary", "Long-termcare"). Guards keep it honest:
only sentences at least as long as the phrase are compared, the aligned window must be
nearly as long as the phrase and, widened to whole words, still read as it, and negation
words are never fuzzed in or out ("covered" never matches "not covered").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from . import RawHit

NEGATIONS = frozenset({"not", "no", "non", "except", "unless", "without", "never", "nor"})
_WORD = re.compile(r"[a-z]+")
# The aligned window may be at most this much shorter than the phrase.
_MIN_WINDOW_SHARE = 0.85
# The quote, widened to whole words, must still read as the phrase: the alignment alone
# lets the end of one word and the next stand for it ("medicare certification" for
# "precertification", 79), where a split or misspelt phrase scores 86 and up.
_MIN_QUOTE_RATIO = 80.0


@dataclass(frozen=True)
class FuzzyPhrase:
    rule: str
    phrase: str
    threshold: float


def _negations(text: str) -> set[str]:
    return {w for w in _WORD.findall(text) if w in NEGATIONS}


class FuzzyMatcher:
    def __init__(self, phrases: Sequence[FuzzyPhrase]) -> None:
        self.phrases = list(phrases)
        self._queries = [p.phrase.lower() for p in self.phrases]
        self._cutoff = min((p.threshold for p in self.phrases), default=100.0)

    def find(self, text: str, sentences: Sequence[tuple[int, int]]) -> list[RawHit]:
        if not self.phrases or not sentences:
            return []
        lowered = text.lower()
        spans = [(s, e) for s, e in sentences if e - s >= 8]
        choices = [lowered[s:e] for s, e in spans]
        if not choices:
            return []
        matrix = process.cdist(self._queries, choices, scorer=fuzz.partial_ratio,
                               score_cutoff=self._cutoff, workers=1)
        hits: list[RawHit] = []
        for qi, row in enumerate(matrix):
            entry = self.phrases[qi]
            query = self._queries[qi]
            for ci in row.nonzero()[0]:
                if row[ci] < entry.threshold or len(choices[ci]) < len(query):
                    continue
                hit = self._align(entry, query, choices[ci], spans[ci][0])
                if hit is not None:
                    hits.append(hit)
        return hits

    def _align(self, entry: FuzzyPhrase, query: str, sentence: str,
               base: int) -> RawHit | None:
        al = fuzz.partial_ratio_alignment(query, sentence, score_cutoff=entry.threshold)
        if al is None:
            return None
        start, end = al.dest_start, al.dest_end
        # Widen to whole words so the quote never starts or ends inside a word.
        while start > 0 and sentence[start - 1].isalnum():
            start -= 1
        while end < len(sentence) and sentence[end].isalnum():
            end += 1
        window = sentence[start:end]
        if len(window) < len(query) * _MIN_WINDOW_SHARE \
                or fuzz.ratio(query, window) < _MIN_QUOTE_RATIO:
            return None
        if _negations(window) != _negations(query):
            return None
        return RawHit(entry.rule, base + start, base + end, "fuzzy",
                      f"'{entry.phrase}' ~ '{window}' {al.score:.0f} >= {entry.threshold:.0f}",
                      al.score)


def closest(query: str, choices: Sequence[str], *, cutoff: float, limit: int = 5,
            loose: bool = False) -> list[tuple[int, float]]:
    """The choices most like ``query`` as (index, similarity 0-100), best first.

    For short names rather than sentences: a procedure typed by a user ("microneedeling")
    against the names policyscan knows. Strict mode compares whole strings (a typo
    scores high, a different word does not); ``loose`` also credits partial and
    reordered matches, for suggesting what the user may have meant.
    """
    if not choices or not query:
        return []
    scorer = fuzz.WRatio if loose else fuzz.ratio
    found = process.extract(query, list(choices), scorer=scorer, score_cutoff=cutoff,
                            limit=limit)
    return [(index, float(score)) for _, score, index in found]
