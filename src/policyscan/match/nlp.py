"""spaCy: tokenizer, PhraseMatcher and Matcher (the only module importing it).

Built once per process on ``spacy.blank("en")``: no trained model is needed or fetched.
When ``POLICYSCAN_SPACY_MODEL`` names an installed package, its tokenizer settings are
used instead (its statistical components are disabled: nothing here needs them).
Literal phrases go to the PhraseMatcher, whose cost does not grow with their number;
token patterns go to the Matcher, whose cost grows with every pattern (keep them few).
A word-only pattern that spells many phrases is found by its first word (a phrase) and
checked only there, on the document's token norms: each spelled-out phrase costs
start-up time. Sentences are the sentencizer's, read from the token arrays.
"""

from __future__ import annotations

import functools
import itertools
import math
import os
import re
import sys
import types
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import RuleFileError
from ..rules.schema import Rule
from . import RawHit, TextAnalysis


def _import_spacy_without_cli() -> Any:
    """Import spaCy without its command-line package.

    ``import spacy`` loads ``spacy.cli`` (typer, weasel, the download commands) only to
    re-export ``spacy.info``: about 150 ms of a single-document run, which is mostly
    start-up. Stand-ins are placed for the import and removed right after, so a later
    ``import spacy.cli`` gets the real package; ``spacy.info`` imports it on first call.
    If this spaCy imports its CLI from anywhere else, fall back to a plain import.
    """
    if "spacy" in sys.modules:
        return sys.modules["spacy"]
    stand_ins = {"spacy.cli": types.ModuleType("spacy.cli"),
                 "spacy.cli.info": types.ModuleType("spacy.cli.info")}
    stand_ins["spacy.cli"].__path__ = []

    def info(*args: Any, **kwargs: Any) -> Any:
        from spacy.cli.info import info as real_info

        return real_info(*args, **kwargs)

    stand_ins["spacy.cli.info"].info = info  # type: ignore[attr-defined]
    sys.modules.update(stand_ins)
    try:
        import spacy as module
    except Exception:
        for name in [m for m in sys.modules if m == "spacy" or m.startswith("spacy.")]:
            del sys.modules[name]
        import spacy as module
    finally:
        for name, stand_in in stand_ins.items():
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]
    if getattr(module, "cli", None) is stand_ins["spacy.cli"]:
        delattr(module, "cli")
    return module


spacy = _import_spacy_without_cli()

from spacy.attrs import IDS, IS_ALPHA, IS_DIGIT, IS_PUNCT, LIKE_NUM, NORM, ORTH  # noqa: E402
from spacy.matcher import Matcher, PhraseMatcher  # noqa: E402
from spacy.vocab import Vocab, create_vocab  # noqa: E402

# Sentence ends, plus the bullets that separate list items in SBC boxes and booklets.
_PUNCT_CHARS = [".", "!", "?", "\u2022", "\u25cf", "\u25aa", "\u25e6", "\u25a0", "\uf0b7",
                "\uf0a7", "\u2023", "\u2043", "\u25ba"]
# Boxes to tick: one right after a question opens no sentence, so a form's question keeps
# its first answer box ("Is it medically necessary? ☐ Yes ☐ No"), as it keeps "[ ] Yes";
# a box after a statement opens the next item ("… is required. ☐ I have read this").
_ANSWER_BOXES = ["\u2610", "\u2611", "\u2612", "\u25a1"]
# spaCy refuses texts over nlp.max_length; long pages (a 10 MB one-line text file) are cut
# at a space into chunks of about this size and their offsets shifted back.
_CHUNK = 200_000
_BATCH = 16
# A sentence longer than this is cut into pieces of at most this many characters (at a
# space). The longest real sentences (a run-on exclusion list) are ~1,500; everything
# that weighs a hit reads its sentence, so one page-long "sentence" made each hit cost
# the whole page (a 500 kB line of words without full stops took minutes).
MAX_SENTENCE_CHARS = 2_000


# British spellings and their American forms, by word ending (longest first); a word is
# rewritten only when it is longer than the ending, so "our" or "ise" alone stay.
_SPELLING_ENDINGS: tuple[tuple[str, str], ...] = (
    ("isations", "izations"), ("isation", "ization"), ("ising", "izing"), ("ised", "ized"),
    ("ises", "izes"), ("ise", "ize"), ("ours", "ors"), ("our", "or"), ("tres", "ters"),
    ("tre", "ter"), ("ogue", "og"),
)
_INNER_DIGRAPHS = (("ae", "e"), ("oe", "e"))  # paediatric, anaesthesia, foetal
_SAFE_SHORT = 5  # shorter words keep their letters: "our", "tre", "ies" are words too


def token_norm(text: str) -> str:
    """The form phrases and page tokens are compared in: lower case, straight apostrophes,
    American spelling and singular number ("Pre-Authorisations" and "pre-authorization"
    are one phrase). Both sides go through it, so a collision such as "does" with "doe"
    can only equate two words that were never phrases apart."""
    t = text.lower().replace("\u2019", "'")
    if len(t) < _SAFE_SHORT or not t.isalpha():
        return t
    if t.endswith("ies") and len(t) > _SAFE_SHORT:
        t = t[:-3] + "y"
    elif t.endswith("s") and not t.endswith(("ss", "us", "is")):
        t = t[:-1]
    for british, american in _SPELLING_ENDINGS:
        if t.endswith(british) and len(t) > len(british) + 2:
            t = t[: -len(british)] + american
            break
    for digraph, single in _INNER_DIGRAPHS:
        i = t.find(digraph, 1)
        if i > 0:
            t = t[:i] + single + t[i + 2:]
    return t


# Prefixes written joined, hyphenated or spaced ("preauthorization", "pre-authorization",
# "pre authorization"): each phrase is matched in all three forms.
_PREFIXES = ("pre", "non", "post")
_INITIALISM = re.compile(r"^(?:[a-z]\.){2,}$")


def phrase_variants(phrase: str) -> list[str]:
    """The phrase and its other hyphen/prefix spellings."""
    out = [phrase]
    words = phrase.split()
    if any(_INITIALISM.match(w) for w in words):
        # The tokenizer keeps "U.S." whole but splits "u.s." (a full stop after a lower-case
        # letter ends a word): a phrase is written in lower case, a document is not.
        out.append(" ".join(w.upper() if _INITIALISM.match(w) else w for w in words))
    for i, word in enumerate(words):
        forms: list[str] = []
        head, sep, tail = word.partition("-")
        if sep and head.isalpha() and tail[:1].isalpha():
            forms = [head + tail, f"{head} {tail}"]
        else:
            for prefix in _PREFIXES:
                rest = word[len(prefix):]
                if word.startswith(prefix) and len(rest) >= 5 and rest.isalpha():
                    forms = [f"{prefix}-{rest}", f"{prefix} {rest}"]
                    break
        for form in forms:
            out.append(" ".join([*words[:i], form, *words[i + 1:]]))
    return list(dict.fromkeys(out))


# The lexeme attributes the scan itself reads besides the flags anchored patterns test
# (``_FLAGS``: sentences end at IS_PUNCT too); a rule's token patterns add theirs.
_READ_ATTRS = frozenset({"ORTH", "LOWER", "NORM"})
_ATTR_NAMES = {value: name for name, value in IDS.items()}


def pattern_attrs(rules: Sequence[Rule]) -> frozenset[str]:
    """The token attributes the rules' patterns test ("LOWER", "IS_UPPER" …)."""
    return frozenset(key.upper() for rule in rules for pattern in rule.patterns
                     for spec in pattern for key in spec if isinstance(key, str))


def _blank(read: frozenset[str] = frozenset()) -> Any:
    name = os.environ.get("POLICYSCAN_SPACY_MODEL")
    if name and spacy.util.is_package(name):
        nlp = spacy.load(name, exclude=["parser", "ner", "tagger", "lemmatizer",
                                        "attribute_ruler", "tok2vec", "senter"])
    else:
        defaults = spacy.util.get_lang_class("en").Defaults
        vocab: Any = create_vocab("en", defaults)
        # A lexeme computes every attribute getter when its word is first seen (twenty-odd
        # Python calls per new word, at start-up for each phrase's words and in every
        # page); only those something reads are kept. A trained model keeps all of its.
        getters = vocab.lex_attr_getters
        keep = read | _READ_ATTRS | _FLAGS.keys()
        for attr in [a for a in getters if _ATTR_NAMES.get(a) not in keep]:
            del getters[attr]
        nlp = spacy.blank("en", vocab=vocab)
    # Set before any text is read: a lexeme's NORM is computed once, when first seen.
    nlp.vocab.lex_attr_getters[NORM] = token_norm
    return nlp



# An anchored pattern's variant: for each token, the column of the document's token
# arrays it reads (0: NORM, or a flag such as LIKE_NUM), the values it accepts (string
# hashes, or 1/0 for a flag) and whether it may be absent.
_Step = tuple[int, frozenset[int], bool]
_Steps = tuple[_Step, ...]


@dataclass(frozen=True)
class _Anchored:
    """A pattern checked where its anchor word stands: the steps before the anchor (read
    backwards from it) and after it."""

    before: _Steps  # nearest first
    after: _Steps


def _longest(steps: _Steps, columns: list[list[int]], start: int, step: int) -> int | None:
    """How far ``steps`` reach from token ``start`` going ``step`` (+1 or -1): the end
    (or, backwards, one before the start) of their longest match, None if none."""
    best: int | None = None
    # Depth-first over (step, token) states; "?" steps branch on being skipped.
    stack = [(0, start)]
    limit = len(columns[0])
    while stack:
        k, i = stack.pop()
        if k == len(steps):
            if best is None or (i - best) * step > 0:
                best = i
            continue
        column, allowed, optional = steps[k]
        if optional:
            stack.append((k + 1, i))
        if 0 <= i < limit and columns[column][i] in allowed:
            stack.append((k + 1, i + step))
    return best


def sentence_spans(doc: Any, stops: frozenset[int],
                   marks: frozenset[int] = frozenset()) -> list[tuple[int, int]]:
    """The character spans of the sentences spaCy's sentencizer makes with ``stops`` (the
    hashes of its punctuation characters): a sentence ends after a stop and the
    punctuation (or, after a question mark, the answer boxes of ``marks``) that follows
    it. Read from the token arrays: the sentencizer builds a Token object per token (a
    sixth of a generated SBC's scan)."""
    n = len(doc)
    if not n:
        return []
    orth, punct = doc.to_array([ORTH, IS_PUNCT]).T
    stop = np.zeros(n, dtype=bool)
    for mark in _stop_array(stops):  # a handful: cheaper than np.isin's sort
        stop |= orth == mark
    # A word (no stop, no punctuation) opens a sentence when a stop stands between it and
    # the word before it: the stops up to each token, compared at consecutive words.
    word = ~stop & (punct == 0)
    if marks:
        box = np.zeros(n, dtype=bool)
        for mark in _stop_array(marks):
            box |= orth == mark
        if box.any():
            # the first box after a question mark stays with the question (the sentence
            # then opens at the box's answer word, as it does after "[ ]")
            asked = np.concatenate(([False], orth[:-1] == doc.vocab.strings["?"]))
            word &= ~(box & asked)
    words = np.flatnonzero(word)
    stops_before = np.cumsum(stop)[words]
    opens = words[np.diff(stops_before, prepend=0) > 0]
    starts = [0, *(int(i) for i in opens if i)]
    ends = [*starts[1:], n]
    # (a sentence's first and last tokens only: an array of every token's offset costs more)
    return [(doc[a].idx, (last := doc[b - 1]).idx + len(last))
            for a, b in zip(starts, ends, strict=True)]


@functools.lru_cache(maxsize=4)
def _stop_array(stops: frozenset[int]) -> Any:
    return np.fromiter(stops, dtype=np.uint64, count=len(stops))


def _chunks(text: str) -> list[tuple[int, str]]:
    if len(text) <= _CHUNK:
        return [(0, text)]
    out: list[tuple[int, str]] = []
    pos = 0
    while pos < len(text):
        end = min(pos + _CHUNK, len(text))
        if end < len(text):
            cut = text.rfind(" ", pos + _CHUNK // 2, end)
            end = cut + 1 if cut > 0 else end
        out.append((pos, text[pos:end]))
        pos = end
    return out


# A token pattern that only lists words, some optional, is a set of phrases: the phrase
# matcher finds them at a cost independent of their number, where every token pattern
# is tried at every token. Patterns with more phrases than this, that cannot be anchored,
# stay token patterns.
MAX_PATTERN_PHRASES = 1000
# From this many phrases on, a pattern of single-token words is anchored on its first word
# instead of spelled out (building a phrase costs ~20 µs of start-up; an anchored check
# costs a little per occurrence of the first word).
ANCHOR_FROM = 100
# Words the tokenizer splits make variants of an anchored pattern; past this many, the
# pattern is spelled out instead.
MAX_ANCHOR_VARIANTS = 16
# Off, every pattern that is more than phrases goes to spaCy's Matcher (the tests compare).
ANCHORING = True
# Token flags an anchored pattern may test besides words: read from the token arrays.
_FLAGS = {"LIKE_NUM": LIKE_NUM, "IS_DIGIT": IS_DIGIT, "IS_PUNCT": IS_PUNCT,
          "IS_ALPHA": IS_ALPHA}
_WORD_KEYS = frozenset({"NORM", "LOWER", "ORTH", "TEXT"})


def _word_options(pattern: Sequence[dict[str, Any]]) -> list[list[str]] | None:
    """Each token's words ("" for an optional one), or None when the pattern is more than
    words."""
    options: list[list[str]] = []
    for spec in pattern:
        keys = set(spec) - {"OP"}
        if len(keys) != 1 or not keys <= _WORD_KEYS or spec.get("OP") not in (None, "?"):
            return None
        value = spec[next(iter(keys))]
        if isinstance(value, str):
            words = [value]
        elif (isinstance(value, dict) and set(value) == {"IN"} and isinstance(value["IN"], list)
                and all(isinstance(w, str) for w in value["IN"])):
            words = list(value["IN"])
        else:
            return None
        options.append(words + ([""] if spec.get("OP") == "?" else []))
    return options


def spelled_count(pattern: Sequence[dict[str, Any]]) -> int | None:
    """How many phrases a word-only pattern spells (None when it is more than words)."""
    options = _word_options(pattern)
    return None if options is None else math.prod(len(words) for words in options)


def finite_phrases(pattern: Sequence[dict[str, Any]]) -> list[str] | None:
    """The phrases a word-only token pattern stands for, or None when it is more."""
    options = _word_options(pattern)
    if options is None or math.prod(len(words) for words in options) > MAX_PATTERN_PHRASES:
        return None
    return [" ".join(w for w in combo if w) for combo in itertools.product(*options)
            if any(combo)]


def _add_token_patterns(matcher: Any, rule: Rule,
                        patterns: Sequence[tuple[int, tuple[dict[str, Any], ...]]] | None = None
                        ) -> None:
    """Add ``patterns`` (numbered as in the rule; default all of them) to ``matcher``."""
    for i, pattern in (enumerate(rule.patterns) if patterns is None else patterns):
        for value in _regexes(pattern):
            try:
                re.compile(value)
            except (re.error, TypeError, RecursionError, OverflowError) as exc:
                raise RuleFileError(rule.file, f"pattern {i + 1} has a REGEX that does not "
                                    f"compile: {exc}", rule=rule.id, field="patterns") from exc
        try:
            matcher.add(f"{rule.id}#{i + 1}", [list(pattern)], greedy="LONGEST")
        except Exception as exc:  # spaCy raises several types for one bad pattern
            message = " ".join(str(exc).split())
            raise RuleFileError(rule.file, f"pattern {i + 1} is not a valid spaCy "
                                f"token pattern: {message}", rule=rule.id,
                                field="patterns") from exc


def _regexes(value: object) -> Iterator[str]:
    """Every ``REGEX`` value of a token pattern, however deep (``{TEXT: {REGEX: …}}``)."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "REGEX" and isinstance(inner, str):
                yield inner
            else:
                yield from _regexes(inner)
    elif isinstance(value, (list, tuple)):
        for inner in value:
            yield from _regexes(inner)


def _bounded(text: str, start: int, end: int, offset: int) -> list[tuple[int, int]]:
    """The sentence ``text[start:end]`` as spans of at most ``MAX_SENTENCE_CHARS``, cut at
    the last space before each limit (shifted by ``offset``)."""
    out: list[tuple[int, int]] = []
    while end - start > MAX_SENTENCE_CHARS:
        cut = text.rfind(" ", start + MAX_SENTENCE_CHARS // 2, start + MAX_SENTENCE_CHARS)
        cut = cut + 1 if cut > 0 else start + MAX_SENTENCE_CHARS
        out.append((start + offset, cut + offset))
        start = cut
    out.append((start + offset, end + offset))
    return out


def compile_token_patterns(rules: Sequence[Rule]) -> None:
    """Compile every rule's token patterns and regexes as a scan would, on a throwaway
    vocabulary: a pattern spaCy refuses is a ``RuleFileError`` (file, rule) when the
    rules are loaded, never a failure of each document scanned with them."""
    matcher = Matcher(Vocab(), validate=True)
    for rule in rules:
        # Word-only patterns become phrases (finite_phrases accepts only well-formed ones).
        _add_token_patterns(matcher, rule, [(i, p) for i, p in enumerate(rule.patterns)
                                            if finite_phrases(p) is None])


class SpacyMatchers:
    """Phrase and token-pattern matching for a set of rules."""

    def __init__(self, rules: Sequence[Rule], abbreviations: Sequence[str] = ()) -> None:
        self.nlp = _blank(pattern_attrs(rules))
        self._special: frozenset[str] | None = None  # the tokenizer's special cases
        self._word_norms: dict[str, int] = {}  # a plain word's NORM hash
        # "Sec. 17.3", "Art. 5": one token, so its period ends no sentence
        for abbreviation in abbreviations:
            for form in {abbreviation, abbreviation.lower(), abbreviation.capitalize()}:
                self.nlp.tokenizer.add_special_case(form, [{ORTH: form}])
        self._stops = frozenset(self.nlp.vocab.strings.add(c) for c in _PUNCT_CHARS)
        self._boxes = frozenset(self.nlp.vocab.strings.add(c) for c in _ANSWER_BOXES)
        self.phrases = PhraseMatcher(self.nlp.vocab, attr="NORM")
        self.tokens = Matcher(self.nlp.vocab, validate=True)
        # Large word-only patterns: their first words, and the pattern in normalised tokens.
        self.anchors = PhraseMatcher(self.nlp.vocab, attr="NORM")
        self.anchored: dict[str, list[_Anchored]] = {}  # key -> the pattern's variants
        self._flagged: set[str] = set()  # anchored keys that test more than words
        self._attrs: list[int] = [NORM]  # the token arrays anchored patterns read
        for rule in rules:
            # Spellings of the rule's phrases, and every phrase its word-only patterns allow
            # (already spelled out word by word).
            variants = [v for p in rule.phrases for v in phrase_variants(p)]
            patterns: list[tuple[int, tuple[dict[str, Any], ...]]] = []
            for i, pattern in enumerate(rule.patterns):
                count = spelled_count(pattern)
                if count is not None and count < ANCHOR_FROM:
                    variants.extend(finite_phrases(pattern) or ())
                elif ANCHORING and self._anchor(f"{rule.id}#{i + 1}", pattern):
                    continue
                elif count is None or count > MAX_PATTERN_PHRASES:
                    patterns.append((i, pattern))
                else:
                    variants.extend(finite_phrases(pattern) or ())
            if variants:
                docs = self.phrase_keys(dict.fromkeys(variants))
                self.phrases.add(rule.id, docs)
            _add_token_patterns(self.tokens, rule, patterns)

    def _anchor(self, key: str, pattern: Sequence[dict[str, Any]]) -> bool:
        """Match ``pattern`` where its anchor stands, on the token arrays, instead of with
        the Matcher (which builds two Token objects per token of a page) or as spelled-out
        phrases (start-up). The anchor is the first token if it is a required word, else
        (for a pattern that tests flags) the last such. Words and the flags in ``_FLAGS``
        only, each required or "?"; False leaves the pattern to the Matcher or to phrases.
        A word the tokenizer splits ("re-review", "one's") is its own run of tokens, in a
        variant of the pattern (or, as the anchor, a phrase of several tokens)."""
        positions: list[list[list[_Step]]] = []  # each token's runs of steps
        anchors: dict[int, list[str]] = {}  # the tokens that can be the anchor: their words
        flagged = False
        for n, spec in enumerate(pattern):
            keys = set(spec) - {"OP"}
            if len(keys) != 1 or spec.get("OP") not in (None, "?"):
                return False
            name = next(iter(keys))
            value = spec[name]
            optional = spec.get("OP") == "?"
            runs: list[list[_Step]] = []
            if name in _FLAGS and isinstance(value, bool):
                runs.append([(self._column(_FLAGS[name]), frozenset({int(value)}), optional)])
                flagged = True
            elif name in _WORD_KEYS:
                words = [value] if isinstance(value, str) else list(value.get("IN", ())) \
                    if isinstance(value, dict) else []
                if not words or not all(isinstance(w, str) and w.strip() for w in words):
                    return False
                singles, splits = self._norms(words)
                if singles:
                    runs.append([(0, self._hashes(singles), optional)])
                elif optional:
                    runs.append([])  # an optional word that is always split may be absent
                runs.extend([(0, self._hashes([norm]), False) for norm in split]
                            for split in splits)
                if not optional:
                    anchors[n] = words
            else:
                return False
            positions.append(runs)
        # A word-only pattern is anchored on its first word only: checked backwards from a
        # later one, it would lose the shorter starts its spelled-out phrases also find.
        if not anchors or (0 not in anchors and not flagged):
            return False
        at = 0 if 0 in anchors else max(anchors)
        combos = list(itertools.product(*positions[:at], *positions[at + 1:]))
        if len(combos) > MAX_ANCHOR_VARIANTS:
            return False
        variants = []
        for combo in combos:
            before = [s for run in combo[:at] for s in run]
            after = [s for run in combo[at:] for s in run]
            variants.append(_Anchored(tuple(reversed(before)), tuple(after)))
        self.anchors.add(key, self.phrase_keys(anchors[at]))
        self.anchored[key] = variants
        if flagged:
            self._flagged.add(key)
        return True

    def phrase_keys(self, phrases: Iterable[str]) -> list[Any]:
        """``phrases`` as the phrase matchers keep them: the NORM of each token the
        tokenizer makes. A phrase of words of letters only, one space apart and none a
        special case, is read from its words' lexemes (the tokenizer splits it at its
        spaces and nowhere else): tokenizing every phrase, then a ``Doc`` per phrase,
        were most of building the matchers (a single document's start-up). Others are
        tokenized; ``PhraseMatcher.add`` takes a ``Doc`` or a sequence of hashes (what it
        keeps, and rebuilds itself from when unpickled)."""
        if self._special is None:
            self._special = frozenset(self.nlp.tokenizer.rules or ())
        keys: list[Any] = []
        norms = self._word_norms
        vocab = self.nlp.vocab
        for phrase in phrases:
            words = phrase.split(" ")
            if all(w.isascii() and w.isalpha() and w not in self._special for w in words):
                for w in words:
                    if w not in norms:
                        norms[w] = vocab[w].norm
                keys.append(tuple(norms[w] for w in words))
            else:
                keys.append(self.nlp.tokenizer(phrase))
        return keys

    def _column(self, attr: int) -> int:
        if attr not in self._attrs:
            self._attrs.append(attr)
        return self._attrs.index(attr)

    def _hashes(self, norms: Iterable[str]) -> frozenset[int]:
        return frozenset(self.nlp.vocab.strings.add(n) for n in norms)

    def _norms(self, words: list[str]) -> tuple[list[str], list[list[str]]]:
        """The norms of the words that are one token, and those of each that is several."""
        # One document for all of them (a Doc per word costs more than reading it): no
        # token spans a space, so as many tokens as words means one token each.
        doc = self.nlp.tokenizer(" ".join(words))
        if len(doc) == len(words):
            return sorted({t.norm_ for t in doc}), []
        singles: set[str] = set()
        splits: list[list[str]] = []
        for word in words:
            tokens = [t.norm_ for t in self.nlp.tokenizer(word)]
            if len(tokens) == 1:
                singles.add(tokens[0])
            else:
                splits.append(tokens)
        return sorted(singles), splits

    def analyse(self, texts: Iterable[str]) -> list[TextAnalysis]:
        texts = list(texts)
        pieces = [(i, offset, chunk) for i, text in enumerate(texts)
                  for offset, chunk in _chunks(text)]
        results = [TextAnalysis([], []) for _ in texts]
        docs = self.nlp.tokenizer.pipe((chunk for _, _, chunk in pieces), batch_size=_BATCH)
        for (i, offset, chunk), doc in zip(pieces, docs, strict=True):
            out = results[i]
            for start, end in sentence_spans(doc, self._stops, self._boxes):
                out.sentences.extend(_bounded(chunk, start, end, offset))
            strings = self.nlp.vocab.strings
            for key, start, end in self.phrases(doc):
                span = doc[start:end]
                out.hits.append(RawHit(strings[key], span.start_char + offset,
                                       span.end_char + offset, "phrase", span.text.lower()))
            anchored = self.anchors(doc)
            columns = doc.to_array(self._attrs).T.tolist() if anchored else []
            for key, start, stop in anchored:  # the anchor word, maybe several tokens
                name = strings[key]
                first, end = start, start
                for variant in self.anchored[name]:
                    left = _longest(variant.before, columns, start - 1, -1)
                    right = _longest(variant.after, columns, stop, 1)
                    if left is not None and right is not None and right - left > end - first:
                        first, end = left + 1, right
                if end > first:
                    span = doc[first:end]
                    rule_id, number = name.rsplit("#", 1)
                    # As the Matcher or the phrase matcher would have reported it.
                    how = (("token", f"pattern {number}") if name in self._flagged
                           else ("phrase", span.text.lower()))
                    out.hits.append(RawHit(rule_id, span.start_char + offset,
                                           span.end_char + offset, *how))
            # (an empty Matcher warns on every call)
            for key, start, end in self.tokens(doc) if len(self.tokens) else ():
                rule_id, number = strings[key].rsplit("#", 1)
                span = doc[start:end]
                out.hits.append(RawHit(rule_id, span.start_char + offset,
                                       span.end_char + offset, "token", f"pattern {number}"))
        return results
