"""Appeal deadlines as calendar dates, exactly as domain.md F.3 computes them.

A deadline is only useful to a patient as a date ("Saturday, August 30, 2025"), but each
rulebook counts differently: calendar days, business days, or calendar months with a
month-end rule; from receipt, from the date on the notice, or from a presumed receipt
five days after it; and only some rules move a deadline that lands on a weekend or a
federal holiday. Each ``DueDate`` therefore says which rule produced it, where the rule
comes from, which anchor date was assumed, and whether the date was rolled forward, so
a reader can check the arithmetic. Federal holidays are computed by rule (5 U.S.C. 6103
dates, with the Friday/Monday observance), so no calendar library or data file is needed.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Literal, get_args

from .models import Deadline

Basis = Literal["document", "federal default"]
Regime = Literal["aca", "medicare_advantage", "medicare_ab", "medicaid"]
REGIMES: tuple[str, ...] = get_args(Regime)

# Shown with every computed date (domain.md F.3, "Presentation", item 5).
CAVEAT = ("The denial letter and the plan document control. Count from the day you actually "
          "received the notice, and file early.")

# The MA/Part D filing window went from 60 to 65 calendar days for notices dated on or
# after this day (domain.md A.5, [S25]).
MA_65_DAY_START = date(2025, 1, 1)
# Juneteenth became a federal holiday in June 2021.
JUNETEENTH_FIRST_YEAR = 2021


# -- calendar ----------------------------------------------------------------------------

def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th ``weekday`` (Monday = 0) of a month; n = -1 is the last one."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = date(year, month, calendar.monthrange(year, month)[1])
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _observed(d: date) -> date:
    """A fixed-date holiday on Saturday is observed on Friday, on Sunday on Monday."""
    if d.weekday() == 5:
        return d - timedelta(days=1)
    if d.weekday() == 6:
        return d + timedelta(days=1)
    return d


def _holidays_named_for(year: int) -> dict[date, str]:
    """The holidays of ``year``, on their observed dates (one may fall on Dec 31 of year-1)."""
    fixed = [(1, 1, "New Year's Day")]
    if year >= JUNETEENTH_FIRST_YEAR:
        fixed.append((6, 19, "Juneteenth National Independence Day"))
    fixed += [(7, 4, "Independence Day"), (11, 11, "Veterans Day"), (12, 25, "Christmas Day")]
    out = {_observed(date(year, m, d)): name for m, d, name in fixed}
    out[_nth_weekday(year, 1, 0, 3)] = "Birthday of Martin Luther King, Jr."
    out[_nth_weekday(year, 2, 0, 3)] = "Washington's Birthday"
    out[_nth_weekday(year, 5, 0, -1)] = "Memorial Day"
    out[_nth_weekday(year, 9, 0, 1)] = "Labor Day"
    out[_nth_weekday(year, 10, 0, 2)] = "Columbus Day"
    out[_nth_weekday(year, 11, 3, 4)] = "Thanksgiving Day"
    return out


@lru_cache(maxsize=64)
def federal_holidays(year: int) -> dict[date, str]:
    """Federal holidays whose observed date falls in ``year``, date → name.

    New Year's Day on a Saturday is observed on Friday, December 31 of the year before,
    so that day is listed under the earlier year.
    """
    both = {**_holidays_named_for(year), **_holidays_named_for(year + 1)}
    return dict(sorted((d, n) for d, n in both.items() if d.year == year))


def is_holiday(d: date) -> bool:
    return d in federal_holidays(d.year)


def is_business_day(d: date) -> bool:
    return d.weekday() < 5 and not is_holiday(d)


def non_business_reason(d: date) -> str | None:
    """Why ``d`` is not a business day ("a Saturday", "Labor Day"), or None if it is one."""
    if d.weekday() >= 5:
        return f"a {calendar.day_name[d.weekday()]}"
    return federal_holidays(d.year).get(d)


def describe(d: date) -> str:
    """An unambiguous date for people: "Saturday, August 30, 2025"."""
    return f"{calendar.day_name[d.weekday()]}, {calendar.month_name[d.month]} {d.day}, {d.year}"


# -- arithmetic --------------------------------------------------------------------------

def add_months(start: date, months: int) -> date:
    """``start`` plus calendar months; a day the target month lacks becomes the 1st of the
    month after (45 CFR 147.136(d): "If there is no corresponding date four months after
    the date of receipt … the request must be filed by the first day of the fifth month")."""
    total = start.month - 1 + months
    year, month = start.year + total // 12, total % 12 + 1
    if start.day <= calendar.monthrange(year, month)[1]:
        return date(year, month, start.day)
    return date(year + month // 12, month % 12 + 1, 1)


def add_business_days(start: date, days: int) -> date:
    """The ``days``-th business day after ``start`` (weekends and federal holidays skipped)."""
    d = start
    left = days
    while left > 0:
        d += timedelta(days=1)
        if is_business_day(d):
            left -= 1
    return d


def roll_forward(d: date) -> date:
    """The first day on or after ``d`` that is not a weekend day or a federal holiday."""
    while not is_business_day(d):
        d += timedelta(days=1)
    return d


def previous_business_day(d: date) -> date:
    """The last business day before ``d``: the safe filing day when no rule rolls ``d``."""
    d -= timedelta(days=1)
    while not is_business_day(d):
        d -= timedelta(days=1)
    return d


def due_date(value: int, unit: str, start: date, *, roll: bool) -> tuple[date, date | None]:
    """``start`` plus ``value`` units → (due date, the unrolled date if it was rolled).

    Units: ``days`` (calendar days), ``business_days``, ``weeks``, ``months`` (month-end
    rule), ``years``. Hours are not a date and raise ``ValueError``.
    """
    if value < 0:
        raise ValueError(f"a deadline cannot be negative: {value}")
    if unit in ("days", "calendar_days"):
        raw = start + timedelta(days=value)
    elif unit == "weeks":
        raw = start + timedelta(weeks=value)
    elif unit == "business_days":
        raw = add_business_days(start, value)
    elif unit == "months":
        raw = add_months(start, value)
    elif unit == "years":
        raw = add_months(start, 12 * value)
    else:
        raise ValueError(f"cannot turn {value} {unit} into a date (units: days, "
                         "business_days, weeks, months, years)")
    if roll:
        rolled = roll_forward(raw)
        return rolled, (raw if rolled != raw else None)
    return raw, None


# -- results -----------------------------------------------------------------------------

_Date = date  # the field ``DueDate.date`` hides the type inside the class body


@dataclass(frozen=True)
class DueDate:
    """A deadline as a date, with everything needed to check or explain it."""

    date: _Date
    value: int
    unit: str  # days | business_days | months (what was counted)
    start: _Date  # the anchor date the count ran from (after any presumed-receipt days)
    rule: str  # short id: aca.internal_appeal, medicare_advantage.reconsideration, document
    citation: str  # regulation and domain.md source keys
    basis: Basis
    anchor_assumed: str  # in words: which event ``start`` stands for
    rolled_from: _Date | None = None  # the date before a weekend/holiday roll-forward
    advice: str | None = None  # "file by Friday, August 29, 2025 to be safe"

    @property
    def label(self) -> str:
        """"180 days → Saturday, August 30, 2025" (domain.md F.3 "N days → date")."""
        unit = self.unit.replace("_", " ")
        if self.value == 1:
            unit = unit.rstrip("s")
        return f"{self.value} {unit} → {describe(self.date)}"


def _safe_advice(d: date, *, why: str) -> str | None:
    """Advice when a date no rule rolls lands on a weekend or a holiday."""
    reason = non_business_reason(d)
    if reason is None:
        return None
    return (f"{describe(d)} is {reason} and {why}: file by "
            f"{describe(previous_business_day(d))} to be safe")


def _rolled_advice(raw: date, rolled: date) -> str:
    return (f"{describe(raw)} is {non_business_reason(raw)}, so the rule moves the deadline "
            f"to {describe(rolled)}; filing before {describe(raw)} is safer")


_FEDERAL: dict[tuple[str, str], tuple[str, str]] = {
    ("aca", "internal_appeal"): (
        "aca.internal_appeal",
        "29 CFR 2560.503-1(h)(3)(i) and 45 CFR 147.136(b): at least 180 days after receipt "
        "of the adverse benefit determination [S14][S2]"),
    ("aca", "external_review"): (
        "aca.external_review",
        "45 CFR 147.136(d)(2)(i): within four months after receipt of the notice; no "
        "corresponding date → the 1st of the following month; weekend or federal holiday "
        "→ the next day that is neither [S14][S15]"),
    ("medicare_ab", "redetermination"): (
        "medicare_ab.redetermination",
        "42 CFR 405 subpart I: 120 days from receipt of the initial determination, receipt "
        "presumed 5 days after the notice date [S22][S23]"),
    ("medicare_ab", "reconsideration"): (
        "medicare_ab.reconsideration",
        "42 CFR 405 subpart I: 180 days from receipt of the redetermination decision, "
        "receipt presumed 5 days after the notice date [S23]"),
    ("medicare_advantage", "reconsideration"): (
        "medicare_advantage.reconsideration",
        "42 CFR 422.582(b) / 423.582(b): 65 calendar days from the date of the notice for "
        "notices dated on or after 2025-01-01, 60 before [S25][S28][S29]"),
    ("fehb", "internal_appeal"): (
        "fehb.reconsideration",
        "48 CFR 1652.204-72: 6 months from the date of the carrier's decision to ask it to "
        "reconsider [S21]"),
    ("medicaid", "fair_hearing"): (
        "medicaid.fair_hearing",
        "42 CFR 431.221(d): a reasonable time, not to exceed 90 days from the date the "
        "notice is mailed; states may allow less [S30][S36]"),
    # domain.md A.6: the federal text was not retrieved; the state rules it quotes agree.
    ("medicaid_managed_care", "plan_appeal"): (
        "medicaid_managed_care.plan_appeal",
        "42 CFR 438.402(c)(2)(ii): 60 calendar days from the date on the adverse benefit "
        "determination notice to ask the plan for an appeal [S33] (domain.md A.6: federal "
        "text not retrieved, consistent with the state rules quoted)"),
    ("medicaid_managed_care", "fair_hearing"): (
        "medicaid_managed_care.fair_hearing",
        "42 CFR 438.408(f)(2): 120 calendar days from the date of the plan's notice of "
        "appeal resolution to ask for a state fair hearing [S34] (domain.md A.6: federal "
        "text not retrieved, consistent with the state rules quoted)"),
    ("tricare", "reconsideration"): (
        "tricare.reconsideration",
        "32 CFR 199.10: 90 days from the date of the initial determination notice to ask "
        "the TRICARE contractor for reconsideration (not in domain.md: from the regulation's "
        "summary, not its text)"),
}
# What a plan document calls its first appeal, per regime.
_ALIASES: dict[tuple[str, str], str] = {
    ("medicare_ab", "internal_appeal"): "redetermination",
    ("medicare_advantage", "internal_appeal"): "reconsideration",
    ("medicaid_managed_care", "internal_appeal"): "plan_appeal",
    ("tricare", "internal_appeal"): "reconsideration",
}
# The actions ``federal_default`` knows, per regime (for listing every candidate rule).
DEFAULT_ACTIONS: dict[str, tuple[str, ...]] = {
    "aca": ("internal_appeal", "external_review"),
    "medicare_ab": ("redetermination", "reconsideration"),
    "medicare_advantage": ("reconsideration",),
    "medicaid": ("fair_hearing",),
    "medicaid_managed_care": ("internal_appeal", "fair_hearing"),
    "fehb": ("internal_appeal",),
    "tricare": ("internal_appeal",),
}


def federal_default(regime: str, action: str, start: date,
                    notice_date: date | None = None) -> DueDate | None:
    """The federal rule's deadline when the document states none; None if no rule is known.

    ``start`` is the day the member received the notice (or, when that is unknown, the
    date on it); ``notice_date`` is the date printed on the notice, when known. The
    ACA/ERISA rules count from receipt; Medicare A/B from a receipt presumed 5 days after
    the notice date; Medicare Advantage, a Medicaid managed-care plan appeal and TRICARE
    from the notice date; a Medicaid fair hearing from the mailing date (the notice date
    is taken for it), after a managed-care plan's appeal from that plan's decision.
    Actions: see ``DEFAULT_ACTIONS``; "internal_appeal" also names the first appeal level
    of Medicare, Medicaid managed care and TRICARE.
    """
    action = _ALIASES.get((regime, action), action)
    known = _FEDERAL.get((regime, action))
    if known is None:
        return None
    rule, citation = known
    notice = notice_date or start
    notice_words = ("the date on the notice" if notice_date is not None else
                    "the date on the notice (taken to be the date you gave)")
    if regime == "aca" and action == "internal_appeal":
        when, _ = due_date(180, "days", start, roll=False)
        return DueDate(when, 180, "days", start, rule, citation, "federal default",
                       "the day you received the denial", None,
                       _safe_advice(when, why="this rule does not move a deadline that "
                                              "falls on a weekend or holiday"))
    if regime == "aca":
        when, raw = due_date(4, "months", start, roll=True)
        return DueDate(when, 4, "months", start, rule, citation, "federal default",
                       "the day you received the final internal denial", raw,
                       _rolled_advice(raw, when) if raw else None)
    if regime == "medicare_ab":
        days = 120 if action == "redetermination" else 180
        if notice_date is not None:
            received = notice_date + timedelta(days=5)
            anchor = ("receipt, presumed 5 days after the date on the notice "
                      f"({describe(notice_date)})")
        else:
            received = start
            anchor = "the day you received the notice"
        when, _ = due_date(days, "days", received, roll=False)
        return DueDate(when, days, "days", received, rule, citation, "federal default",
                       anchor, None,
                       _safe_advice(when, why="a Medicare roll-forward rule was not "
                                              "verified"))
    if regime == "fehb":
        when, _ = due_date(6, "months", notice, roll=False)
        return DueDate(when, 6, "months", notice, rule, citation, "federal default",
                       notice_words, None,
                       _safe_advice(when, why="a roll-forward rule was not verified"))
    if regime in ("medicaid_managed_care", "tricare"):
        # Both count from the date printed on the notice, not from its receipt.
        days = {"plan_appeal": 60, "fair_hearing": 120, "reconsideration": 90}[action]
        anchor = notice_words if action != "fair_hearing" else (
            "the date of the plan's appeal decision")
        when, _ = due_date(days, "days", notice, roll=False)
        return DueDate(when, days, "days", notice, rule, citation, "federal default",
                       anchor, None,
                       _safe_advice(when, why="a roll-forward rule was not verified"))
    if regime == "medicare_advantage":
        days = 65 if notice >= MA_65_DAY_START else 60
        when, _ = due_date(days, "days", notice, roll=False)
        return DueDate(when, days, "days", notice, rule, citation, "federal default",
                       notice_words, None,
                       _safe_advice(when, why="a roll-forward rule was not verified"))
    when, _ = due_date(90, "days", notice, roll=False)
    state = ("90 days is the federal maximum: your state may allow less (check the "
             "notice), and some states move a weekend deadline to the next business day")
    weekend = _safe_advice(when, why="no federal rule moves it")
    return DueDate(when, 90, "days", notice, rule, citation, "federal default",
                   "the date the notice was mailed (" + notice_words + ")", None,
                   f"{state}; {weekend}" if weekend else state)


_ROLL_WORDS = re.compile(
    r"\b(?:saturday|sunday|weekend|holiday|next business day|next working day)\b", re.I)


_ANCHORS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("notice_date", re.compile(r"\bdate (?:(?:printed|shown|stated) )?(?:on|of) "
                               r"(?:the|this|that|our|your)\b|\bdated\b", re.I)),
    ("mailing", re.compile(r"\b(?:mail\w*|sent|sends)\b", re.I)),
    ("receipt", re.compile(r"\b(?:receiv\w*|receipt|notified|get|got)\b", re.I)),
    # A letter about itself ("within 180 days of this notice"): the date printed on it.
    ("notice_date", re.compile(r"\bthis\s+(?:notice|letter)\b", re.I)),
)


# Anchor words that name the denial itself (its notice, its date, its receipt): a limit
# counted from anything else ("the event that led to the grievance") gets no denial date.
DENIAL_ANCHOR = re.compile(r"notice|notif|denial|denied|decision|determination|letter|"
                            r"\bthis\b|receiv|receipt|adverse|explanation of benefits|\beob\b",
                            re.I)


def anchor_kind(anchor: str) -> str:
    """What a document's anchor words count from: "receipt", "notice_date", "mailing" or
    "unknown", so the caller can pick the received-on or the denied-on date."""
    for kind, pattern in _ANCHORS:
        if pattern.search(anchor):
            return kind
    return "unknown"


def document_deadline(deadline: Deadline, start: date, *,
                      roll: bool | None = None) -> DueDate | None:
    """A deadline the document states, counted from ``start``; None for hours.

    Days are calendar days unless the document says business days; months use the
    month-end rule. Nothing is rolled unless the document says so: ``roll=True`` when
    the caller found such a sentence, else only when the anchor words name a weekend or
    holiday rule. A date that lands on a weekend or holiday gets advice to file before it.
    """
    if deadline.unit == "hours":
        return None
    if roll is None:
        roll = bool(_ROLL_WORDS.search(deadline.anchor))
    when, raw = due_date(deadline.value, deadline.unit, start, roll=roll)
    if raw is not None:
        advice: str | None = _rolled_advice(raw, when)
    else:
        advice = _safe_advice(when, why="the document does not say it moves")
    return DueDate(when, deadline.value, deadline.unit, start, "document",
                   f"the document: {deadline.value} {deadline.unit.replace('_', ' ')} "
                   f"{deadline.anchor}".rstrip(), "document",
                   deadline.anchor or "as stated in the document", raw, advice)


# -- which rulebook ----------------------------------------------------------------------

_SIGNALS: dict[str, tuple[str, ...]] = {
    # domain.md F.1. Each phrase is distinctive enough to decide on its own.
    "medicare_advantage": ("medicare advantage", "organization determination"),
    "medicare_ab": ("medicare summary notice", "qualified independent contractor",
                    "medicare administrative contractor"),
    "medicaid": ("fair hearing",),
    "aca": ("erisa", "section 502(a)", "employee benefits security administration"),
}


def regime_signals(texts: Iterable[str]) -> dict[str, list[str]]:
    """The regime signals found in the texts, regime → the phrases seen (in F.1 order).

    "Evidence of Coverage" counts for Medicare Advantage only together with "Medicare".
    "Medicaid" alone is not a signal: every SBC names it in its fixed wording.
    """
    joined = " ".join(" ".join(t.split()) for t in texts).lower()
    found = {regime: [p for p in phrases if p in joined] for regime, phrases in _SIGNALS.items()}
    if "evidence of coverage" in joined and "medicare" in joined:
        found["medicare_advantage"].append("evidence of coverage (with medicare)")
    # An MA plan's documents explain Original Medicare's appeal bodies too.
    if found["medicare_advantage"]:
        found["medicare_ab"] = []
    return {r: p for r, p in found.items() if p}


def regime_candidates(texts: Iterable[str]) -> list[str]:
    """Every regime with a signal (F.1: when unclear, report all candidate rules)."""
    found = regime_signals(texts)
    return [r for r in REGIMES if r in found] or ["aca"]


def detect_regime(texts: Iterable[str]) -> str:
    """"aca" (ERISA/ACA, also the default), "medicare_advantage", "medicare_ab",
    "medicaid", or "uncertain" when signals of different regimes appear together."""
    candidates = regime_candidates(texts)
    return candidates[0] if len(candidates) == 1 else "uncertain"
