"""What kind of document is this? Decided before matching, because kinds change meaning.

A glossary defines prior authorization, a blank form asks for it, a plan requires it. Each
kind has signals (``kinds.yaml`` of the pattern files); a signal in the title or on the
first pages weighs more than one deep in the body, and most at the very top, where a
document names itself (a letter's subject line, a form's or a policy's title): what it
only mentions further on (the medical policy a denial relied on, the evidence of coverage
an SBC points to) must not outweigh that. The strongest kind wins; a document with
plan cost-sharing words and no stronger signal is a plan document; anything else is
"other".
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache

from .extract import SourceDocument
from .match.words import LiteralFinder
from .models import DocumentKind
from .rules.kinds import KINDS_FILE, KindSignal, load_kind_signals

_FRONT_PAGES = 2  # pages whose text counts as "front matter"
_FRONT_CHARS = 8000
_HEAD_CHARS = 800  # the top of the first page: a letterhead, an address block, then the title
_HEAD_WEIGHT = 4  # a hit there counts this many times its weight, beside its front count
# Only signals that name a kind count more at the top; weaker ones are words any page has
# ("Your deductible is $500" opens a note as well as a plan).
_HEAD_MIN_WEIGHT = 1.5
_TITLE_CHARS = 80  # names that start this close to the first one belong to the same title
_READ_CHARS = 100_000
_BODY_CAP = 6.0  # body hits of one signal stop counting after this much weight
# A score below this (one naming signal in the front pages is three times its weight) makes
# a kind less than sure, however far it leads.
_CONFIDENT_SCORE = 3.0


@dataclass(frozen=True)
class KindDecision:
    kind: DocumentKind
    scores: dict[DocumentKind, float]

    @property
    def confidence(self) -> float:
        """How far the winning kind leads: its share of the two best scores (1.0 when no
        other kind had any signal, 0.0 when nothing had)."""
        ranked = sorted(self.scores.values(), reverse=True)
        if not ranked:
            return 0.0
        if self.kind not in self.scores:
            return 1.0 - min(ranked[0] / 6.0, 1.0)  # "other": unsure as a plan grows likely
        second = ranked[1] if len(ranked) > 1 else 0.0
        share = self.scores[self.kind] / (self.scores[self.kind] + second)
        # (a kind read from next to nothing, a check box or two in the body, leads by
        # default: it is no surer than its evidence is strong)
        return share * min(1.0, self.scores[self.kind] / _CONFIDENT_SCORE)


def _hits(pattern: re.Pattern[str], text: str, limit: int) -> int:
    """Matches of ``pattern``, counted up to ``limit`` (more would not change the score)."""
    n = 0
    for _ in pattern.finditer(text):
        n += 1
        if n >= limit:
            break
    return n


@lru_cache(maxsize=1)
def builtin_signals() -> tuple[KindSignal, ...]:
    from .rules.loader import builtin_patterns_dir

    return load_kind_signals(builtin_patterns_dir() / KINDS_FILE)


@lru_cache(maxsize=8)
def _hint_finder(signals: tuple[KindSignal, ...]) -> LiteralFinder:
    return LiteralFinder({h for s in signals for h in s.hints or ()})


def _titles(signals: tuple[KindSignal, ...], head: str,
            present: Collection[str]) -> set[KindSignal]:
    """The naming signals that match first at the top: the document's title ("Notice of
    Adverse Benefit Determination" above the "Medical Policy MP-12" it cites)."""
    first: dict[KindSignal, int] = {}
    for signal in signals:
        if signal.weight >= _HEAD_MIN_WEIGHT and signal.may_match(present):
            m = signal.pattern.search(head)
            if m:
                first[signal] = m.start()
    if not first:
        return set()
    top = min(first.values())
    return {s for s, at in first.items() if at <= top + _TITLE_CHARS}


def classify_text(front: str, body: str, names: str,
                  signals: Sequence[KindSignal] | None = None) -> KindDecision:
    """Kind from the title/file name (``names``), the front pages and the rest."""
    front, body, names = front.lower(), body.lower(), names.lower()
    signals = tuple(signals if signals is not None else builtin_signals())
    # (a text without a signal's literal words is not searched: most signals are of other
    # kinds than the document's, and each search reads the whole text; the words of all
    # signals are looked for in one pass over each text)
    hints = _hint_finder(signals)
    in_names, in_front, in_body = hints.present(names), hints.present(front), hints.present(body)
    titled = _titles(signals, front[:_HEAD_CHARS], in_front)
    scores: dict[DocumentKind, float] = {}
    for signal in signals:
        kind, weight, pattern = signal.kind, signal.weight, signal.pattern
        score = 3 * weight * _hits(pattern, names, 1) if signal.may_match(in_names) else 0.0
        if signal.may_match(in_front):
            score += 3 * weight * _hits(pattern, front, 2)
        if signal in titled:
            score += _HEAD_WEIGHT * weight
        if signal.may_match(in_body):
            score += min(weight * _hits(pattern, body, math.ceil(_BODY_CAP / (weight * 0.25)))
                         * 0.25, _BODY_CAP)
        if score:
            scores[kind] = scores.get(kind, 0.0) + score
    if not scores:
        return KindDecision("other", scores)
    kind = max(scores, key=lambda k: scores[k])
    # Cost-sharing words alone make a plan document only when they are frequent.
    if kind == "plan_document" and scores[kind] < 6.0:
        return KindDecision("other", scores)
    return KindDecision(kind, scores)


def classify(doc: SourceDocument,
             signals: Sequence[KindSignal] | None = None) -> KindDecision:
    title = " ".join(v for k, v in doc.metadata.items() if k in ("Title", "Subject"))
    stem = doc.path.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    names = title + " " + re.sub(r"[_\-.]+", " ", stem)
    # Signals are phrases: compare them with whitespace collapsed, whatever the line breaks.
    # The body is read up to a bound: a document says what it is long before 100k characters.
    text = " ".join(" ".join(p.text.split()) for p in doc.pages if p.usable)[:_READ_CHARS]
    pages = [p for p in doc.pages if p.usable][:_FRONT_PAGES]
    # Front matter is the first pages, but never more than a few thousand characters: a
    # text file without form feeds is one long "page".
    front_len = min(sum(len(" ".join(p.text.split())) + 1 for p in pages), _FRONT_CHARS)
    return classify_text(text[:front_len], text[front_len:], names, signals)
