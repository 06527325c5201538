"""Words read again for matching: what OCR misread, and compounds written with a hyphen.

Scanned pages come back with "rn" for "m" ("Cosrnetic", "rnedically"), "l" for a capital
"I" ("lndependent"), "1" for a final "l" ("appea1", told from a footnote marker such as
"covered1" by which one leaves a word), a heading glued to the text after it
("EXCLUSIONSCosmetic"), words split by a stray space ("ser vice", "exper imental") and a
line-end hyphen left before a space ("bene- fits"). Each repair is taken only when it turns
a word the pattern data does not use into one it does, so "burn", "turn" and "return" stay
as printed, and "with in" (two words the rules know) is not joined. A rule's two-word
phrase written as a compound modifier ("a medical-necessity review", "prior-authorization
rules") is read with a space. The repairs are edits of the normalised text: its map back
to the page holds, and a quote keeps the page's own characters.

Joining split words needs a search for every split of every long rule word; it is made
only on a page that already shows OCR damage (another repair, or digits read as letters).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property, partial
from typing import Any

from ..extract.normalize import DIGITS_AS_LETTERS, Edit
from ..rules.schema import Rule
from .words import LiteralFinder

_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
# A capital "I" read as "l" starts a word with a consonant no English word starts "l" with.
_L_FOR_I = re.compile(r"l(?<![A-Za-z]l)(?=[bcdfgkmnpqstvwxz])")
# A heading in capitals glued to the sentence after it ("COVEREDServices") is found in the
# text's letter classes (a regex tried at every letter cost a page more than the rest of
# the repairs): "U" a capital, "l" a small letter, one byte per character.
_CLASSES = bytes(ord("U") if chr(b).isupper() else ord("l") if chr(b).islower()
                 else ord("d") if chr(b).isdigit() else ord("h") if chr(b) == "-"
                 else ord(".") for b in range(128)) + b"." * 128
_MIN_JOINED = 6  # shorter words split by a space are rare, and their halves often words
_MAX_RN = 3  # "rn"s tried in one word (each may be an "m" or not)
_MAX_CACHED = 50_000  # words whose "rn" reading is kept


def _strings(value: object) -> list[str]:
    """Every string in nested lists, tuples and mappings (their values), in no set order.
    (A stack, not recursive generators: the pattern data holds a hundred thousand items.)"""
    out: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, Mapping):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return out


def _rule_text(rule: Rule) -> Iterator[object]:
    context = rule.context
    yield from (rule.phrases, rule.patterns, rule.fuzzy, rule.negated_by, context.near,
                context.not_near, context.before, context.not_before, context.not_after)


_Lexicon = tuple[list[str], list[str], list[str]]


@dataclass(frozen=True)
class _Known:
    """The pattern data's words, looked up."""

    words: frozenset[str]
    starts: tuple[str, ...]  # of its "*" words (five letters or more)
    pairs: frozenset[str]  # its phrases of two words
    pair_heads: frozenset[str]  # their first words


def _pattern_words(rules: Iterable[Rule], vocabulary: Mapping[str, tuple[str, ...]]
                   ) -> _Lexicon:
    """The words of the pattern data, the starts of its ``*`` words, and the rules'
    phrases of two words."""
    rules = tuple(rules)
    texts: list[Any] = [list(vocabulary.values())]
    texts.extend(part for rule in rules for part in _rule_text(rule))
    found = set(re.findall(r"[A-Za-z]+\*?", "\n".join(_strings(texts))))
    pairs = {p.lower() for rule in rules for p in rule.phrases
             if len(p.split()) == 2 and p.replace(" ", "").isalpha()}
    return ([w for w in found if w[-1] != "*"], [w[:-1] for w in found if w[-1] == "*"],
            sorted(pairs))


class WordRepairs:
    """The repairs for one set of pattern data (its words, and its ``*`` word starts)."""

    def __init__(self, read_words: Callable[[], _Lexicon]) -> None:
        # Read when a page first has a word to check: most short texts never do.
        self._read_words = read_words
        self._splits: LiteralFinder | None = None  # built on the first damaged page
        self._rn_cache: dict[str, tuple[int, ...]] = {}

    @classmethod
    def from_rules(cls, rules: Iterable[Rule],
                   vocabulary: Mapping[str, tuple[str, ...]]) -> WordRepairs:
        return cls(partial(_pattern_words, tuple(rules), vocabulary))

    @cached_property
    def _lexicon(self) -> _Known:
        words, starts, pairs = self._read_words()
        lowered = frozenset(p.lower() for p in pairs)
        return _Known(frozenset(w.lower() for w in words),
                      tuple(sorted({s.lower() for s in starts if len(s) >= 5})),
                      lowered, frozenset(p.split()[0] for p in lowered))

    def known(self, word: str) -> bool:
        """Is ``word`` one the pattern data uses (as it stands, in the singular, or as the
        start of a ``*`` word)?"""
        w = word.lower()
        return self._listed(w) or (len(w) >= 5 and w.startswith(self._lexicon.starts))

    def _listed(self, w: str) -> bool:
        words = self._lexicon.words
        return w in words or (w.endswith("s") and w[:-1] in words)

    def __call__(self, text: str, damaged: bool) -> list[Edit]:
        classes = text.encode("ascii", "replace").translate(_CLASSES)  # offsets kept
        misread = [*self._rn_for_m(text), *self._l_for_i(text)]
        trailing = list(self._trailing_digits(text, classes))
        # OCR's damage: a letter misread (a footnote mark, a glued heading or a hyphen
        # left by a line break come out of born-digital pages too)
        damaged = damaged or bool(misread) or any(r.isalpha() for _, _, r in trailing)
        edits = [*misread, *trailing, *self._glued(text, classes), *self._hyphen_splits(text),
                 *self._compounds(text, classes)]
        if damaged:
            edits.extend(self._split_words(text))
        edits.sort()
        kept: list[Edit] = []
        for edit in edits:
            if not kept or edit[0] >= kept[-1][1]:
                kept.append(edit)
        return kept

    def _word_at(self, text: str, start: int, end: int) -> tuple[int, int]:
        while start > 0 and text[start - 1] in _LETTERS:
            start -= 1
        while end < len(text) and text[end] in _LETTERS:
            end += 1
        return start, end

    def _rn_for_m(self, text: str) -> Iterator[Edit]:
        read = 0
        at = text.find("rn")
        while at >= 0:
            if at >= read:
                start, end = self._word_at(text, at, at + 2)
                read = end
                yield from ((start + p, start + p + 2, "m") for p in self._rn_read(text[start:end]))
            at = text.find("rn", at + 1)

    def _rn_read(self, word: str) -> tuple[int, ...]:
        """Where in ``word`` an "rn" is an "m" (none if it is a word as it stands); a
        document repeats its words, so each is decided once."""
        if word not in self._rn_cache:
            if len(self._rn_cache) >= _MAX_CACHED:
                self._rn_cache.clear()  # a run over thousands of plans stays bounded
            self._rn_cache[word] = () if self.known(word) else self._rn_choice(word)
        return self._rn_cache[word]

    def _rn_choice(self, word: str) -> tuple[int, ...]:
        places = [m.start() for m in re.finditer("rn", word)][:_MAX_RN]
        # every choice of the "rn"s read as "m", fewest changes first
        choices = sorted(range(1, 1 << len(places)), key=lambda c: bin(c).count("1"))
        for choice in choices:
            chosen = [p for i, p in enumerate(places) if choice >> i & 1]
            if any(b - a < 2 for a, b in zip(chosen, chosen[1:], strict=False)):
                continue  # "rnrn": overlapping reads
            read = word
            for p in reversed(chosen):
                read = read[:p] + "m" + read[p + 2:]
            if self.known(read):
                return tuple(chosen)
        return ()

    def _l_for_i(self, text: str) -> Iterator[Edit]:
        for m in _L_FOR_I.finditer(text):
            start, end = self._word_at(text, m.start(), m.end())
            word = text[start:end]
            if not self.known(word) and self.known("i" + word[1:]):
                yield (start, start + 1, "I")

    def _glued(self, text: str, classes: bytes) -> Iterator[Edit]:
        at = classes.find(b"UUUll")
        while at >= 0:
            cut = at + 2  # the last capital begins the sentence's first word
            start, end = self._word_at(text, cut, cut + 1)
            head, tail = text[start:cut], text[cut:end]
            if self.known(head) and self.known(tail):
                yield (cut - 1, cut, text[cut - 1] + " ")
            at = classes.find(b"UUUll", at + 1)

    def _trailing_digits(self, text: str, classes: bytes) -> Iterator[Edit]:
        """Digits ending a word: OCR's "1" for "l" ("appea1", "denia1") or a footnote marker
        ("covered1", "Exception2"), whichever leaves a word the rules use."""
        at = classes.find(b"llld")
        while at >= 0:
            digits = at + 3
            end = digits
            while end < len(text) and text[end].isdigit():
                end += 1
            start, _ = self._word_at(text, at, at + 1)
            after = text[end:end + 2]
            # the word ends there (not "day1.com", "plan1_id")
            ends = not after or not (after[0].isalnum() or (after[0] in "._@/" and
                                                            after[1:].isalnum()))
            if end - digits <= 2 and ends:
                letters, marks = text[start:digits], text[digits:end]
                read = marks.translate(DIGITS_AS_LETTERS)
                # a word the rules list by name first: "approva1" is "approval", though
                # "approva" starts the rules' "approv*"
                if read.isalpha() and self._listed((letters + read).lower()):
                    yield (digits, end, read)
                elif len(marks) == 1 and self.known(letters):
                    # one digit marks a footnote ("Surgery1"); "information24 hours" is a
                    # number run on
                    yield (digits, end, " ")
                elif read.isalpha() and self.known(letters + read):
                    yield (digits, end, read)
            at = classes.find(b"llld", end)

    def _compounds(self, text: str, classes: bytes) -> Iterator[Edit]:
        """A rule's two-word phrase hyphenated as a modifier: "medical-necessity review"."""
        at = classes.find(b"lhl")
        while at >= 0:
            start, _ = self._word_at(text, at, at + 1)
            # (a prefix keeps its hyphen: "pre-authorization" is matched as spelled)
            if at + 1 - start >= 4 and text[start:at + 1].lower() in self._lexicon.pair_heads:
                _, end = self._word_at(text, at + 2, at + 3)
                if text[start:end].lower().replace("-", " ") in self._lexicon.pairs:
                    yield (at + 1, at + 2, " ")
            at = classes.find(b"lhl", at + 2)

    def _hyphen_splits(self, text: str) -> Iterator[Edit]:
        """A line-end hyphen whose line break became a space ("bene- fits")."""
        at = text.find("- ")
        while at >= 0:
            if at and text[at - 1].islower() and text[at + 2:at + 3].islower():
                start, _ = self._word_at(text, at - 1, at)
                _, end = self._word_at(text, at + 2, at + 3)
                head, tail = text[start:at], text[at + 2:end]
                if not self.known(head) and self.known(head + tail):
                    yield (at, at + 2, "")
            at = text.find("- ", at + 2)

    def _split_words(self, text: str) -> Iterator[Edit]:
        if self._splits is None:
            self._splits = LiteralFinder(set(self._split_forms()))
        low = text.lower()
        if len(low) != len(text):
            return  # (a letter whose lower case is longer: offsets would not hold)
        for start, end in self._splits.words(low):
            gap = low.index(" ", start, end)
            yield (gap, gap + 1, "")

    def _split_forms(self) -> Iterator[str]:
        for word in sorted(self._lexicon.words):
            if len(word) < _MIN_JOINED or not word.isalpha():
                continue
            for i in range(2, len(word) - 1):
                head, tail = word[:i], word[i:]
                if not (self.known(head) and self.known(tail)):
                    yield f"{head} {tail}"
