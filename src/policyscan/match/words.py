"""Word lists from rules (``near``, ``not_near``, ``negated_by`` …) as compiled regexes.

A list entry is a word or phrase, matched case-insensitively on word boundaries, with
any whitespace between its words; a trailing ``*`` matches any ending ("exclu*" finds
"exclude", "excluded", "exclusion"), and ``...`` between two words stands for up to six
words of the same clause ("neither ... nor ... pays" finds "Neither the PPO nor the HSA
plan pays").
"""

from __future__ import annotations

import re
import string
from bisect import bisect_left
from collections.abc import Iterator, Mapping
from functools import lru_cache

import ahocorasick

# Words a "..." in an entry may stand for: any but the end of a clause.
_GAP = r"(?:[^\s.;:|]+\s+){0,6}?"


@lru_cache(maxsize=16384)  # (a phrase is read for its list's union and for its first word)
def _entry(phrase: str) -> str:
    wildcard = phrase.endswith("*")
    words = phrase.rstrip("*").split()
    body = ""
    for i, word in enumerate(words):
        if word == "..." and 0 < i < len(words) - 1:
            body += _GAP
        else:
            body += re.escape(word) + (r"\s+" if i < len(words) - 1 else "")
    return body + (r"[\w-]*" if wildcard else "")


def _alternatives(phrases: tuple[str, ...]) -> list[str]:
    return sorted({_entry(p) for p in phrases}, key=len, reverse=True)


def _union(alternatives: list[str]) -> re.Pattern[str]:
    return _compiled_union(tuple(alternatives))


# (one first word's phrases recur across lists, "appeal" in a dozen of them: compiled once)
@lru_cache(maxsize=4096)
def _compiled_union(alternatives: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"(?<![\w])(?:" + "|".join(alternatives) + r")(?![\w])", re.I)


@lru_cache(maxsize=512)
def compile_words(phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    if not phrases:
        return None
    return _union(_alternatives(phrases))


def find_all_words(phrases: tuple[str, ...], text: str) -> list[re.Match[str]]:
    """Every match of ``phrases`` in ``text``, in order (``compile_words(phrases).finditer``)."""
    return word_starts(phrases).finditer(text) if phrases else []


def find_words(phrases: tuple[str, ...], text: str) -> re.Match[str] | None:
    """The first of ``phrases`` in ``text`` (``compile_words(phrases).search(text)``)."""
    return word_starts(phrases).search(text) if phrases else None


_RUN = re.compile(r"\w+")
# How many texts' answers a list keeps (a page's hits come sentence by sentence).
_RECENT = 64
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
        self._recent: dict[str, re.Match[str] | None] = {}
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
            # The first words in one automaton (lower case): one pass over a text finds
            # every place one stands, where a regex tries its alternatives at each letter.
            self._first_words = ahocorasick.Automaton()
            for key in by_key:
                self._first_words.add_word(key, (len(key), False))
            for key in self._prefixes:
                self._first_words.add_word(key, (len(key), True))
            if by_key or self._prefixes:
                self._first_words.make_automaton()

    @property
    def union(self) -> re.Pattern[str] | None:
        """The list as one regex: compiled only when a text needs it (a list of a hundred
        phrases takes 30 ms to compile, and the automaton search below rarely needs it)."""
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
        return list(self._matches(text))

    def search(self, text: str) -> re.Match[str] | None:
        """The first match, as ``union.search(text)`` finds it (not through ``_matches``:
        most searches are of a sentence, where a generator's cost shows).

        The hits of one sentence ask about the same stretch of it, list by list (four in
        five searches of an SBC repeat one just made): the last few texts' answers are
        kept."""
        if not self._phrases:
            return None
        try:
            return self._recent[text]
        except KeyError:
            pass
        found = self._search(text)
        if len(self._recent) >= _RECENT:
            self._recent.clear()
        self._recent[text] = found
        return found

    def _search(self, text: str) -> re.Match[str] | None:
        low = self._lowered(text)
        if low is None:
            return next(self._matches(text), None)
        for start in self._starts(low):
            found = self._match_at(text, low, start)
            if found is not None:
                return found
        return None

    def _match_at(self, text: str, low: str, start: int) -> re.Match[str] | None:
        """The list's match at ``start``, where ``_starts`` found a first word."""
        run = _RUN.match(low, start)
        assert run is not None
        pattern = self._for_word(run.group(0))
        return pattern.match(text, start) if pattern is not None else None

    def _starts(self, low: str) -> list[int]:
        """Where in ``low`` a word starts that is one of the first words, or begins with
        one that has a ``*`` (ascending). Word characters are those of a regex's word
        class: letters, digits (``str.isalnum``) and the underscore."""
        if not self._key_entries and not self._prefixes:
            return []  # (an automaton without words cannot be searched)
        found: set[int] = set()
        n = len(low)
        for last, (length, prefix) in self._first_words.iter(low):
            start = last - length + 1
            if start and (low[start - 1].isalnum() or low[start - 1] == "_"):
                continue  # inside a word
            after = last + 1
            if prefix or after >= n or not (low[after].isalnum() or low[after] == "_"):
                found.add(start)
        return sorted(found)

    def _lowered(self, text: str) -> str | None:
        """``text`` lower-cased, when the automaton of first words can be searched in it: the
        list's first words are words of ASCII letters and digits, and lower() keeps every
        offset and folds as re.I does."""
        if not self._exact:
            return None
        low = text.lower()
        if not text.isascii() and (_FOLDS_TO_ASCII.search(text) or len(low) != len(text)):
            return None
        return low

    def _matches(self, text: str) -> Iterator[re.Match[str]]:
        if not self._phrases:
            return
        low = self._lowered(text)
        if low is None:
            if not self._exact:
                union = self.union
                if union is not None:
                    yield from union.finditer(text)
            else:
                yield from self._by_words(text)
            return
        # Without those, lower() keeps every offset and finds the first words as re.I
        # would (they are ASCII): one pass of the automaton finds where they begin.
        end = 0
        for start in self._starts(low):
            if start < end:
                continue
            found = self._match_at(text, low, start)
            if found is not None:
                yield found
                end = found.end()

    def _by_words(self, text: str) -> Iterator[re.Match[str]]:
        """The same, word by word (texts with the letters above)."""
        assert self.union is not None
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
                yield m
                end = m.end()


class LiteralFinder:
    """Which of a set of literal strings a text holds (anywhere, as ``in`` finds them), in
    one pass of an Aho-Corasick automaton."""

    def __init__(self, literals: set[str]) -> None:
        self._automaton: ahocorasick.Automaton | None = None
        if literals:
            self._automaton = ahocorasick.Automaton()
            for literal in literals:
                self._automaton.add_word(literal, literal)
            self._automaton.make_automaton()

    def present(self, text: str) -> frozenset[str]:
        if self._automaton is None:
            return frozenset()
        return frozenset(literal for _, literal in self._automaton.iter(text))

    def words(self, text: str) -> list[tuple[int, int]]:
        """Where a literal stands in ``text`` as whole words (not inside a longer word)."""
        if self._automaton is None:
            return []
        found: list[tuple[int, int]] = []
        n = len(text)
        for last, literal in self._automaton.iter(text):
            start, end = last - len(literal) + 1, last + 1
            if (start == 0 or not text[start - 1].isalnum()) and (
                    end == n or not text[end].isalnum()):
                found.append((start, end))
        return found


@lru_cache(maxsize=512)
def word_starts(phrases: tuple[str, ...]) -> WordStarts:
    """``phrases`` as a ``WordStarts``, shared by equal lists."""
    return WordStarts(phrases)


class WordLists:
    """The vocabulary's word lists by name, compiled on first use."""

    def __init__(self, vocabulary: Mapping[str, tuple[str, ...]]) -> None:
        self._vocabulary = vocabulary
        self._shaped: dict[str, re.Pattern[str]] = {}
        self._spans: dict[str, tuple[str, list[int], list[tuple[int, int, str]]]] = {}
        self._starts: dict[str, WordStarts] = {}

    def _starts_of(self, name: str) -> WordStarts:
        # Kept by name: hashing a long word list on every call costs more than the search.
        if name not in self._starts:
            # (shared by equal lists: each scanner of a run has its own WordLists)
            self._starts[name] = word_starts(tuple(self._vocabulary.get(name, ())))
        return self._starts[name]

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
        return self._starts_of(name).search(text)

    def finditer(self, name: str, text: str) -> list[re.Match[str]]:
        return self._starts_of(name).finditer(text)

    def within(self, name: str, text: str, start: int, end: int) -> list[str]:
        """The words of list ``name`` standing wholly in ``text[start:end]``, read from
        one pass over the whole ``text`` (kept for the last text searched): hits of a
        page ask about overlapping stretches of it again and again."""
        cached = self._spans.get(name)
        if cached is None or cached[0] is not text:
            found = [(m.start(), m.end(), m.group(0))
                     for m in self._starts_of(name).finditer(text)]
            cached = (text, [s for s, _, _ in found], found)
            self._spans[name] = cached
        _, starts, found = cached
        lo, hi = bisect_left(starts, start), bisect_left(starts, end)
        return [word for _, e, word in found[lo:hi] if e <= end]


NO_WORDS = WordLists({})
