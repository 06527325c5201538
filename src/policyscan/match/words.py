"""Word lists from rules (``near``, ``not_near``, ``negated_by`` …) as compiled regexes.

A list entry is a word or phrase, matched case-insensitively on word boundaries, with
any whitespace between its words; a trailing ``*`` matches any ending ("exclu*" finds
"exclude", "excluded", "exclusion").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache


def _entry(phrase: str) -> str:
    wildcard = phrase.endswith("*")
    words = phrase.rstrip("*").split()
    body = r"\s+".join(re.escape(w) for w in words)
    return body + (r"[\w-]*" if wildcard else "")


@lru_cache(maxsize=512)
def compile_words(phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    if not phrases:
        return None
    alternatives = sorted({_entry(p) for p in phrases}, key=len, reverse=True)
    return re.compile(r"(?<![\w])(?:" + "|".join(alternatives) + r")(?![\w])", re.I)


def find_words(phrases: tuple[str, ...], text: str) -> re.Match[str] | None:
    pattern = compile_words(phrases)
    return pattern.search(text) if pattern else None


class WordLists:
    """The vocabulary's word lists by name, compiled on first use."""

    def __init__(self, vocabulary: Mapping[str, tuple[str, ...]]) -> None:
        self._vocabulary = vocabulary
        self._compiled: dict[str, re.Pattern[str] | None] = {}

    def _pattern(self, name: str) -> re.Pattern[str] | None:
        # Kept by name: hashing a long word list on every call costs more than the search.
        if name not in self._compiled:
            self._compiled[name] = compile_words(tuple(self._vocabulary.get(name, ())))
        return self._compiled[name]

    def search(self, name: str, text: str) -> re.Match[str] | None:
        pattern = self._pattern(name)
        return pattern.search(text) if pattern else None

    def findall(self, name: str, text: str) -> list[str]:
        pattern = self._pattern(name)
        return [m.group(0) for m in pattern.finditer(text)] if pattern else []


NO_WORDS = WordLists({})
