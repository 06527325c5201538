"""Word lists from rules (``near``, ``not_near``, ``negated_by`` …) as compiled regexes.

A list entry is a word or phrase, matched case-insensitively on word boundaries, with
any whitespace between its words; a trailing ``*`` matches any ending ("exclu*" finds
"exclude", "excluded", "exclusion").
"""

from __future__ import annotations

import re
import string
from bisect import bisect_left
from collections.abc import Mapping
from functools import lru_cache


def _entry(phrase: str) -> str:
    wildcard = phrase.endswith("*")
    words = phrase.rstrip("*").split()
    body = r"\s+".join(re.escape(w) for w in words)
    return body + (r"[\w-]*" if wildcard else "")


def _alternatives(phrases: tuple[str, ...]) -> list[str]:
    return sorted({_entry(p) for p in phrases}, key=len, reverse=True)


def _union(alternatives: list[str]) -> re.Pattern[str]:
    return re.compile(r"(?<![\w])(?:" + "|".join(alternatives) + r")(?![\w])", re.I)


@lru_cache(maxsize=512)
def compile_words(phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    if not phrases:
        return None
    return _union(_alternatives(phrases))


def find_words(phrases: tuple[str, ...], text: str) -> re.Match[str] | None:
    pattern = compile_words(phrases)
    return pattern.search(text) if pattern else None


_RUN = re.compile(r"\w+")
# The only letters outside ASCII that re.I equates with ASCII ones (dotted and dotless i,
# long s, the Kelvin sign), the dotted I also the only one lower() makes two characters.
_FOLDS_TO_ASCII = re.compile("[\u0130\u0131\u017f\u212a]")


class WordStarts:
    """Where the phrases of a long list match in a text: the matches of
    ``compile_words(phrases).finditer``, found without trying every alternative at every
    character (Python's ``re`` does, and a list of a hundred phrases made that a tenth of
    a 150-page booklet's scan).

    A phrase can only start where a word starts whose letters are the phrase's first word
    (or begin its ``*`` word); only there are the phrases of that first word tried, in the
    union's own order, so every match, its end and the next search position are the
    union's. A text with a letter that re.I equates with an ASCII one goes word by word
    (a word with letters outside ASCII tries the whole union); a list with a phrase that
    does not start with an ASCII letter or digit is searched with the union alone.
    """

    def __init__(self, phrases: tuple[str, ...]) -> None:
        self._phrases = phrases
        alternatives = _alternatives(phrases)
        by_key: dict[str, list[str]] = {}
        prefixes: list[tuple[str, str]] = []
        self._exact = True
        for phrase in phrases:
            first = phrase.rstrip("*").split()[0] if phrase.rstrip("*").split() else ""
            run = _RUN.match(first)
            if run is None or not first.isascii():
                self._exact = False
                break
            key = run.group(0).lower()
            single_wildcard = phrase.endswith("*") and len(phrase.split()) == 1
            if single_wildcard and run.end() == len(first):
                prefixes.append((key, _entry(phrase)))  # "exclu*": any word starting so
            else:
                by_key.setdefault(key, []).append(_entry(phrase))
        self._prefixes = tuple(dict.fromkeys(k for k, _ in prefixes))
        # Each key's phrases, plus every prefix phrase that key could continue, in the
        # union's order; compiled when a page first has the word (compiling is most of
        # what a list costs a run that never meets it).
        self._key_entries = by_key
        self._by_key: dict[str, re.Pattern[str]] = {}
        if self._exact:
            self._by_prefixes: dict[tuple[str, ...], re.Pattern[str]] = {}
            self._prefix_entries = prefixes
            self._alternatives = alternatives
            # Where a word starts with one of the first words (lower case, no re.I).
            self._first_words = re.compile(r"\b" + _trie([*by_key, *self._prefixes]))

    @property
    def union(self) -> re.Pattern[str] | None:
        """The list as one regex: compiled only when a text needs it (a list of a hundred
        phrases takes 30 ms to compile, and the trie search below rarely needs it)."""
        return compile_words(self._phrases)

    def _for_word(self, word: str) -> re.Pattern[str] | None:
        pattern = self._by_key.get(word)
        if pattern is None and word in self._key_entries:
            mine = set(self._key_entries[word]) | {e for k, e in self._prefix_entries
                                                   if word.startswith(k)}
            pattern = self._by_key[word] = _union([a for a in self._alternatives
                                                   if a in mine])
        if pattern is not None or not self._prefixes or not word.startswith(self._prefixes):
            return pattern
        # A word that only "*" phrases can start: their union, kept by which ones.
        which = tuple(k for k in self._prefixes if word.startswith(k))
        if which not in self._by_prefixes:
            mine = {e for k, e in self._prefix_entries if k in which}
            self._by_prefixes[which] = _union([a for a in self._alternatives if a in mine])
        return self._by_prefixes[which]

    def finditer(self, text: str) -> list[re.Match[str]]:
        if not self._phrases:
            return []
        if not self._exact:
            union = self.union
            return list(union.finditer(text)) if union is not None else []
        low = text.lower()
        if _FOLDS_TO_ASCII.search(text) or len(low) != len(text):
            return self._by_words(text)
        # Without those, lower() keeps every offset and finds the first words as re.I
        # would (they are ASCII): one pass of a trie of them finds where they begin.
        out: list[re.Match[str]] = []
        end = 0
        for first in self._first_words.finditer(low):
            start = first.start()
            if start < end:
                continue
            run = _RUN.match(low, start)
            assert run is not None
            pattern = self._for_word(run.group(0))
            found = pattern.match(text, start) if pattern is not None else None
            if found is not None:
                out.append(found)
                end = found.end()
        return out

    def _by_words(self, text: str) -> list[re.Match[str]]:
        """The same, word by word (texts with the letters above)."""
        assert self.union is not None
        out: list[re.Match[str]] = []
        end = 0
        for run in _RUN.finditer(text):
            start = run.start()
            if start < end:
                continue
            word = run.group(0)
            pattern = self._for_word(word.lower()) if word.isascii() else self.union
            if pattern is None:
                continue
            m = pattern.match(text, start)
            if m is not None:
                out.append(m)
                end = m.end()
        return out


def _trie(words: list[str]) -> str:
    """A regex of literal words as a trie ("pa(?:rt|tient)"): Python's re tries an
    alternation's branches one by one, so shared beginnings are tried once."""
    if not words:
        return "(?!)"
    groups: dict[str, list[str]] = {}
    for word in sorted(set(words)):
        groups.setdefault(word[:1], []).append(word[1:])
    branches = []
    for first, rests in groups.items():
        if first == "":
            continue
        tails = [r for r in rests if r]
        tail = _trie(tails) if tails else ""
        optional = "" in rests and bool(tails)
        branches.append(re.escape(first) + (f"(?:{tail})?" if optional else tail))
    return "(?:" + "|".join(branches) + ")"


class WordLists:
    """The vocabulary's word lists by name, compiled on first use."""

    def __init__(self, vocabulary: Mapping[str, tuple[str, ...]]) -> None:
        self._vocabulary = vocabulary
        self._compiled: dict[str, re.Pattern[str] | None] = {}
        self._shaped: dict[str, re.Pattern[str]] = {}
        self._spans: dict[str, tuple[str, list[int], list[tuple[int, int, str]]]] = {}

    def _pattern(self, name: str) -> re.Pattern[str] | None:
        # Kept by name: hashing a long word list on every call costs more than the search.
        if name not in self._compiled:
            self._compiled[name] = compile_words(tuple(self._vocabulary.get(name, ())))
        return self._compiled[name]

    def shaped(self, shape: str) -> re.Pattern[str]:
        """``shape``, a regex with ``{name}`` where the alternatives of vocabulary list
        ``name`` go (literal braces doubled), case-insensitive; compiled once. The shape is
        code, the words are data a ``--patterns`` user can extend."""
        if shape not in self._shaped:
            names = {n for _, n, _, _ in string.Formatter().parse(shape) if n}
            lists = {n: "|".join(_alternatives(tuple(self._vocabulary.get(n, ()))) or ["(?!)"])
                     for n in names}
            self._shaped[shape] = re.compile(shape.format(**lists), re.I)
        return self._shaped[shape]

    def search(self, name: str, text: str) -> re.Match[str] | None:
        pattern = self._pattern(name)
        return pattern.search(text) if pattern else None

    def within(self, name: str, text: str, start: int, end: int) -> list[str]:
        """The words of list ``name`` standing wholly in ``text[start:end]``, read from
        one pass over the whole ``text`` (kept for the last text searched): hits of a
        page ask about overlapping stretches of it again and again."""
        cached = self._spans.get(name)
        if cached is None or cached[0] is not text:
            pattern = self._pattern(name)
            found = [(m.start(), m.end(), m.group(0))
                     for m in (pattern.finditer(text) if pattern else ())]
            cached = (text, [s for s, _, _ in found], found)
            self._spans[name] = cached
        _, starts, found = cached
        lo, hi = bisect_left(starts, start), bisect_left(starts, end)
        return [word for _, e, word in found[lo:hi] if e <= end]


NO_WORDS = WordLists({})
