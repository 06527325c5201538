"""Which rulebook governs a plan's appeals, from weighted evidence (``data/regimes.yaml``).

An FEHB brochure explains how it coordinates with Medicare Advantage; an SBC names
Medicaid, CHIP and TRICARE in its fixed wording; a Medicare Advantage booklet explains
Original Medicare's appeal bodies. So no phrase decides alone: every phrase found adds
its weight (a tenth of it in a sentence that mentions other coverage in passing), the
best regime wins only with enough evidence and a clear margin, and otherwise the regime
is ``uncertain`` with the candidates listed. A plan outside the US names its country,
and no US rule is ever applied to it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from .datafile import DataFileError, Fields, data_path, load_yaml
from .match.words import WordStarts, compile_words
from .models import RegimeEvidence, RegimeInfo

DEFAULT_RULES: tuple[str, ...] = ("aca", "medicare_advantage", "medicare_ab", "medicaid",
                                  "medicaid_managed_care", "fehb", "tricare", "none")
# Later occurrences of a phrase add this share of its weight, up to so many of them.
REPEAT_SHARE = 0.25
MAX_REPEATS = 4
PASSING_SHARE = 0.1
MAX_EVIDENCE = 3


@dataclass(frozen=True)
class Regime:
    id: str
    label: str
    defaults: str  # one of DEFAULT_RULES
    source: str
    signals: tuple[tuple[float, re.Pattern[str]], ...]
    country: str | None = None
    absorbs: tuple[str, ...] = ()
    words: tuple[tuple[str, ...], ...] = ()  # each signal's words, as written

    @property
    def name(self) -> str:
        return "non_us" if self.country else self.id


@dataclass(frozen=True)
class RegimeTable:
    regimes: tuple[Regime, ...]
    passing: re.Pattern[str] | None
    min_score: float
    margin: float
    # Every signal's words in one pattern: one pass over a page finds where any signal
    # may stand, and each signal is then tried only there.
    union: WordStarts | None = None
    # State law over a US regime (California's Knox-Keene plans): named beside the regime,
    # never instead of it.
    state_law: tuple[Regime, ...] = ()

    def get(self, regime_id: str) -> Regime | None:
        return next((r for r in self.regimes if r.id == regime_id), None)


def _regime(path: str, raw: Any, index: int) -> Regime:
    if not isinstance(raw, dict):
        raise DataFileError(path, "must be a mapping", entry=f"regimes[{index}]")
    f = Fields(path, raw, f"regimes[{index}]")
    f.only(frozenset({"id", "label", "country", "defaults", "absorbs", "signals", "source"}))
    defaults = f.choice("defaults", DEFAULT_RULES)
    signals: list[tuple[float, re.Pattern[str]]] = []
    signal_words: list[tuple[str, ...]] = []
    raw_signals = raw.get("signals")
    if not isinstance(raw_signals, list) or not raw_signals:
        raise f.fail("signals", "must be a non-empty list of {weight, words}")
    for k, sig in enumerate(raw_signals):
        weight = sig.get("weight") if isinstance(sig, dict) else None
        if not isinstance(weight, (int, float)) or isinstance(weight, bool) or weight <= 0:
            raise f.fail(f"signals[{k}].weight", "must be a positive number")
        words = tuple(f.items(f"signals[{k}].words", sig.get("words")))
        pattern = compile_words(words)
        assert pattern is not None
        signals.append((float(weight), pattern))
        signal_words.append(words)
    return Regime(f.text("id"), f.text("label"), str(defaults), f.text("source"),
                  tuple(signals), f.text("country", required=False), f.strings("absorbs"),
                  tuple(signal_words))


@lru_cache(maxsize=4)
def load_regimes(path: Path | None = None) -> RegimeTable:
    """The regime table, checked on load (a bad entry names its file, entry and field)."""
    path = path or data_path("regimes.yaml")
    data = load_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("regimes"), list):
        raise DataFileError(str(path), "must hold 'regimes: [...]'")
    regimes = tuple(_regime(str(path), r, i) for i, r in enumerate(data["regimes"]))
    raw_state = data.get("state_law") or []
    if not isinstance(raw_state, list):
        raise DataFileError(str(path), "'state_law' must be a list")
    state_law = tuple(_regime(str(path), r, i) for i, r in enumerate(raw_state))
    ids = [r.id for r in regimes]
    for r in regimes:
        unknown = [a for a in r.absorbs if a not in ids]
        if unknown:
            raise DataFileError(str(path), f"absorbs unknown regime {unknown[0]!r}",
                                entry=r.id, field="absorbs")
    decide = data.get("decide") or {}
    passing = Fields(str(path), data, "passing").strings("passing")
    words = tuple(w for r in regimes + state_law for ws in r.words for w in ws)
    return RegimeTable(regimes, compile_words(passing),
                       float(decide.get("min_score", 3.0)), float(decide.get("margin", 2.0)),
                       WordStarts(words) if words else None, state_law)


_SENTENCE_END = re.compile(r"[.!?;]\s|\n\s*\n")


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    left = max((m.end() for m in _SENTENCE_END.finditer(text, max(0, start - 300), start)),
               default=max(0, start - 300))
    m = _SENTENCE_END.search(text, end, end + 300)
    return left, (m.start() + 1 if m else min(len(text), end + 300))


def _weigh(regime: Regime, pages: Mapping[int, str], passing: re.Pattern[str] | None,
           starts: Mapping[int, list[int]]) -> tuple[float, list[tuple[float, int, str]]]:
    """The regime's score and evidence; ``starts`` are where any signal may stand."""
    score = 0.0
    evidence: list[tuple[float, int, str]] = []
    for weight, pattern in regime.signals:
        per_phrase: dict[str, list[tuple[float, int, str]]] = {}
        for number, text in pages.items():
            for start in starts[number]:
                m = pattern.match(text, start)
                if m is None:
                    continue
                s, e = _sentence(text, m.start(), m.end())
                sentence = text[s:e]
                w = weight * (PASSING_SHARE if passing and passing.search(sentence) else 1.0)
                quote = " ".join(sentence.split())[:200]
                # One phrase however its lines broke: "medical\nreview" is no new phrase.
                key = " ".join(m.group(0).lower().split())
                per_phrase.setdefault(key, []).append((w, number, quote))
        for hits in per_phrase.values():
            hits.sort(key=lambda h: -h[0])
            score += hits[0][0] + REPEAT_SHARE * sum(h[0] for h in hits[1:1 + MAX_REPEATS])
            evidence.append(hits[0])
    evidence.sort(key=lambda h: (-h[0], h[1]))
    return score, evidence


def detect_regime(pages: Mapping[int, str], table: RegimeTable | None = None) -> RegimeInfo:
    """The plan's regime with its evidence; ``uncertain`` with candidates when the evidence
    is split, ``unknown`` when there is too little of it."""
    table = table or load_regimes()
    union = table.union
    starts = {number: [m.start() for m in union.finditer(text)] if union else []
              for number, text in pages.items()}
    weighed = {r.id: _weigh(r, pages, table.passing, starts) for r in table.regimes}
    scores = {rid: s for rid, (s, _) in weighed.items()}
    for r in table.regimes:
        if scores[r.id] >= table.min_score:
            # A plan its country's regulator governs is no US plan, whatever words
            # (a "free look", an "individual policy") it shares with one.
            absorbed = r.absorbs + (tuple(o.id for o in table.regimes if not o.country)
                                    if r.country else ())
            for other in absorbed:
                scores[other] = 0.0
    ranked = sorted((rid for rid in scores if scores[rid] > 0), key=lambda rid: -scores[rid])
    if not ranked or scores[ranked[0]] < table.min_score:
        return RegimeInfo("unknown", "Not stated in the document", 0.0, None, (), ())
    top = ranked[0]
    second = scores[ranked[1]] if len(ranked) > 1 else 0.0
    confidence = round(scores[top] / (scores[top] + second), 2)

    def evidence_of(rid: str) -> list[RegimeEvidence]:
        return [RegimeEvidence(page, quote, rid)
                for _, page, quote in weighed[rid][1][:MAX_EVIDENCE]]

    if second * table.margin > scores[top]:
        candidates = tuple(rid for rid in ranked if scores[rid] * table.margin >= scores[top])
        evidence = [e for rid in candidates for e in evidence_of(rid)[:2]]
        return _with_state_law(RegimeInfo(
            "uncertain", "Unclear: the document points to "
            + " and ".join(_label(table, c) for c in candidates),
            confidence, None, tuple(evidence), candidates), table, pages, starts)
    regime = table.get(top)
    assert regime is not None
    info = RegimeInfo(regime.name, regime.label, confidence, regime.country,
                      tuple(evidence_of(top)), (top,))
    return info if regime.country else _with_state_law(info, table, pages, starts)


def _with_state_law(info: RegimeInfo, table: RegimeTable, pages: Mapping[int, str],
                    starts: Mapping[int, list[int]]) -> RegimeInfo:
    """The regime with the state law its plan also answers to, named in its label and
    evidence (a California Knox-Keene plan's grievance and DMHC review)."""
    for law in table.state_law:
        score, evidence = _weigh(law, pages, table.passing, starts)
        if score >= table.min_score:
            info = replace(info, label=f"{info.label}; {law.label}",
                           evidence=info.evidence + tuple(
                               RegimeEvidence(page, quote, law.id)
                               for _, page, quote in evidence[:2]))
    return info


def _label(table: RegimeTable, regime_id: str) -> str:
    regime = table.get(regime_id)
    return regime.label if regime else regime_id


def default_rules(regime_id: str, table: RegimeTable | None = None) -> str:
    """Which federal default rules (policyscan.dates) a regime id uses; "none" if unknown."""
    regime = (table or load_regimes()).get(regime_id)
    return regime.defaults if regime else "none"


# Kinds that are no plan: a payer's medical policy applies under each member's own plan.
_NOT_A_PLAN = {"medical_policy": "Not a plan: a payer policy applies under each plan's rules",
               "glossary": "Not a plan: a glossary of terms",
               "form": "Not a plan: a form"}


def regime_of(kind: str, pages: Mapping[int, str]) -> RegimeInfo:
    """The regime of a scanned document of ``kind`` (documents that are no plan have none)."""
    if kind in _NOT_A_PLAN:
        return RegimeInfo("unknown", _NOT_A_PLAN[kind], 0.0, None, (), ())
    found = detect_regime(pages)
    aca = load_regimes().get("aca")
    if kind == "sbc" and found.name == "unknown" and aca is not None:
        return RegimeInfo("aca", aca.label + ": an SBC is required only under these rules",
                          0.5, None, (), ("aca",))
    return found
