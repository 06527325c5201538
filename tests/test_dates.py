"""Deadline arithmetic: every worked example of domain.md F.3 and F.5, the federal holidays
of 2025 and 2026, business days across a holiday, document deadlines and the regime."""

from __future__ import annotations

from datetime import date

import pytest

from policyscan.dates import (
    CAVEAT,
    DEFAULT_ACTIONS,
    add_business_days,
    add_months,
    anchor_kind,
    describe,
    detect_regime,
    document_deadline,
    due_date,
    federal_default,
    federal_holidays,
    is_business_day,
    regime_candidates,
    regime_signals,
)
from policyscan.models import Deadline

D = date


# -- F.3 worked examples -------------------------------------------------------------------

def test_aca_internal_appeal_180_days_lands_on_saturday_with_advice() -> None:
    due = federal_default("aca", "internal_appeal", D(2025, 3, 3))
    assert due is not None
    assert due.date == D(2025, 8, 30)
    assert describe(due.date) == "Saturday, August 30, 2025"
    assert due.rolled_from is None  # no roll-forward in the 180-day rule
    assert due.advice is not None
    assert "file by Friday, August 29, 2025 to be safe" in due.advice
    assert due.basis == "federal default"
    assert due.rule == "aca.internal_appeal"
    assert "2560.503-1" in due.citation and "[S14]" in due.citation
    assert "received" in due.anchor_assumed
    assert due.label == "180 days → Saturday, August 30, 2025"


def test_medicare_advantage_65_days_from_the_notice_date() -> None:
    due = federal_default("medicare_advantage", "reconsideration", D(2025, 3, 3),
                          D(2025, 3, 3))
    assert due is not None
    assert due.date == D(2025, 5, 7)
    assert describe(due.date) == "Wednesday, May 7, 2025"
    assert due.value == 65
    assert due.advice is None  # a Wednesday needs no warning


def test_medicare_ab_presumed_receipt_plus_120() -> None:
    due = federal_default("medicare_ab", "redetermination", D(2025, 3, 3), D(2025, 3, 3))
    assert due is not None
    assert due.start == D(2025, 3, 8)  # presumed receipt: notice date + 5
    assert due.date == D(2025, 7, 6)
    assert describe(due.date) == "Sunday, July 6, 2025"
    assert due.rolled_from is None  # roll-forward for Medicare is not verified: raw date
    assert due.advice is not None and "file by Thursday, July 3, 2025" in due.advice
    # Friday July 4 is Independence Day, so the safe day is Thursday.
    assert "presumed 5 days" in due.anchor_assumed


def test_medicare_ab_reconsideration_plus_180() -> None:
    due = federal_default("medicare_ab", "reconsideration", D(2025, 3, 3), D(2025, 3, 3))
    assert due is not None
    assert due.date == D(2025, 9, 4)  # (2025-03-03 + 5) + 180
    assert due.value == 180


def test_medicaid_mailing_date_plus_90() -> None:
    due = federal_default("medicaid", "fair_hearing", D(2025, 3, 3), D(2025, 3, 3))
    assert due is not None
    assert due.date == D(2025, 6, 1)
    assert describe(due.date) == "Sunday, June 1, 2025"
    assert due.rolled_from is None
    assert due.advice is not None
    assert "federal maximum" in due.advice and "Friday, May 30, 2025" in due.advice
    assert "mailed" in due.anchor_assumed


def test_external_review_october_30_has_no_february_30() -> None:
    due = federal_default("aca", "external_review", D(2025, 10, 30))
    assert due is not None
    assert due.rolled_from == D(2026, 3, 1)  # no 2026-02-30 → March 1, a Sunday
    assert due.date == D(2026, 3, 2)
    assert describe(due.date) == "Monday, March 2, 2026"
    assert due.advice is not None and "Sunday, March 1, 2026" in due.advice
    assert "147.136(d)" in due.citation


# -- F.5 date edge cases ---------------------------------------------------------------------

@pytest.mark.parametrize(("received", "raw", "due"), [
    (D(2025, 1, 31), D(2025, 5, 31), D(2025, 6, 2)),  # Sat 05-31 → Mon 06-02
    (D(2024, 10, 31), D(2025, 3, 1), D(2025, 3, 3)),  # 2025-02-31 → Sat 03-01 → Mon 03-03
    (D(2024, 10, 29), D(2025, 3, 1), D(2025, 3, 3)),  # 2025-02-29 does not exist
    (D(2025, 10, 30), D(2026, 3, 1), D(2026, 3, 2)),
])
def test_external_review_month_end_and_weekend_roll(received: date, raw: date,
                                                    due: date) -> None:
    assert add_months(received, 4) == raw
    result = federal_default("aca", "external_review", received)
    assert result is not None
    assert result.date == due
    assert result.rolled_from == raw


def test_external_review_leap_day_exists() -> None:
    result = federal_default("aca", "external_review", D(2023, 10, 29))
    assert result is not None
    assert result.date == D(2024, 2, 29)
    assert describe(result.date) == "Thursday, February 29, 2024"
    assert result.rolled_from is None
    assert result.advice is None


@pytest.mark.parametrize(("notice", "days", "due"), [
    (D(2024, 12, 31), 60, D(2025, 3, 1)),  # before 2025: 60 days
    (D(2025, 1, 2), 65, D(2025, 3, 8)),  # on/after 2025-01-01: 65 days
    (D(2025, 1, 1), 65, D(2025, 3, 7)),  # the effective day itself
])
def test_medicare_advantage_60_or_65_days_by_notice_date(notice: date, days: int,
                                                         due: date) -> None:
    result = federal_default("medicare_advantage", "reconsideration", notice, notice)
    assert result is not None
    assert result.value == days
    assert result.date == due


def test_medicare_advantage_counts_from_the_notice_not_receipt() -> None:
    result = federal_default("medicare_advantage", "internal_appeal", D(2025, 3, 10),
                             D(2025, 3, 3))
    assert result is not None
    assert result.start == D(2025, 3, 3)
    assert result.date == D(2025, 5, 7)


def test_rolled_to_next_day_skips_a_holiday_too() -> None:
    # 2025-01-18 + 4 months = Sun 2025-05-18 → Mon 05-19 (no holiday).
    # 2025-01-26 + 4 months = Mon 2025-05-26, Memorial Day → Tue 05-27.
    result = federal_default("aca", "external_review", D(2025, 1, 26))
    assert result is not None
    assert result.rolled_from == D(2025, 5, 26)
    assert result.date == D(2025, 5, 27)
    assert result.advice is not None and "Memorial Day" in result.advice


def test_internal_appeal_on_a_monday_holiday_advises_the_friday_before() -> None:
    # 2025-03-05 + 180 days = Mon 2025-09-01, Labor Day.
    result = federal_default("aca", "internal_appeal", D(2025, 3, 5))
    assert result is not None
    assert result.date == D(2025, 9, 1)
    assert result.advice is not None
    assert "Labor Day" in result.advice and "Friday, August 29, 2025" in result.advice


def test_unknown_rules_give_none() -> None:
    assert federal_default("aca", "fair_hearing", D(2025, 3, 3)) is None
    assert federal_default("medicaid", "internal_appeal", D(2025, 3, 3)) is None
    assert federal_default("chip", "internal_appeal", D(2025, 3, 3)) is None
    assert federal_default("fedvip", "internal_appeal", D(2025, 3, 3)) is None


def test_issue_11_medicaid_managed_care_plan_appeal_60_days_from_the_notice_date() -> None:
    # 42 CFR 438.402(c)(2)(ii): counted from the date on the notice, not its receipt.
    due = federal_default("medicaid_managed_care", "internal_appeal", D(2025, 3, 10),
                          D(2025, 3, 3))
    assert due is not None and (due.value, due.date) == (60, D(2025, 5, 2))
    assert due.basis == "federal default" and "438.402" in due.citation
    assert "date on the notice" in due.anchor_assumed


def test_issue_11_medicaid_managed_care_fair_hearing_120_days_from_the_plan_decision() -> None:
    due = federal_default("medicaid_managed_care", "fair_hearing", D(2025, 6, 2),
                          D(2025, 6, 2))
    assert due is not None and (due.value, due.date) == (120, D(2025, 9, 30))
    assert "438.408" in due.citation and "appeal decision" in due.anchor_assumed


def test_issue_11_tricare_reconsideration_90_days_from_the_notice() -> None:
    due = federal_default("tricare", "internal_appeal", D(2025, 3, 3), D(2025, 3, 3))
    assert due is not None and (due.value, due.date) == (90, D(2025, 6, 1))
    assert "199.10" in due.citation and due.rule == "tricare.reconsideration"


def test_fehb_six_months_from_the_date_of_the_decision() -> None:
    # 48 CFR 1652.204-72: 6 months from the carrier's decision; Mar 3 → Sep 3.
    due = federal_default("fehb", "internal_appeal", D(2025, 3, 10), D(2025, 3, 3))
    assert due is not None and (due.value, due.unit, due.date) == (6, "months", D(2025, 9, 3))


def test_every_listed_default_action_computes() -> None:
    for regime, actions in DEFAULT_ACTIONS.items():
        for action in actions:
            assert federal_default(regime, action, D(2025, 3, 3), D(2025, 3, 3)) is not None


def test_caveat_says_the_plan_controls() -> None:
    assert "control" in CAVEAT and "file early" in CAVEAT


# -- holidays --------------------------------------------------------------------------------

HOLIDAYS_2025 = {
    D(2025, 1, 1): "New Year's Day",
    D(2025, 1, 20): "Birthday of Martin Luther King, Jr.",
    D(2025, 2, 17): "Washington's Birthday",
    D(2025, 5, 26): "Memorial Day",
    D(2025, 6, 19): "Juneteenth National Independence Day",
    D(2025, 7, 4): "Independence Day",
    D(2025, 9, 1): "Labor Day",
    D(2025, 10, 13): "Columbus Day",
    D(2025, 11, 11): "Veterans Day",
    D(2025, 11, 27): "Thanksgiving Day",
    D(2025, 12, 25): "Christmas Day",
}
HOLIDAYS_2026 = {
    D(2026, 1, 1): "New Year's Day",
    D(2026, 1, 19): "Birthday of Martin Luther King, Jr.",
    D(2026, 2, 16): "Washington's Birthday",
    D(2026, 5, 25): "Memorial Day",
    D(2026, 6, 19): "Juneteenth National Independence Day",
    D(2026, 7, 3): "Independence Day",  # July 4 is a Saturday: observed Friday
    D(2026, 9, 7): "Labor Day",
    D(2026, 10, 12): "Columbus Day",
    D(2026, 11, 11): "Veterans Day",
    D(2026, 11, 26): "Thanksgiving Day",
    D(2026, 12, 25): "Christmas Day",
}


def test_federal_holidays_2025() -> None:
    assert federal_holidays(2025) == HOLIDAYS_2025


def test_federal_holidays_2026() -> None:
    assert federal_holidays(2026) == HOLIDAYS_2026


def test_new_years_day_on_saturday_is_observed_the_friday_before() -> None:
    # 2022-01-01 was a Saturday: observed Friday 2021-12-31.
    assert federal_holidays(2021)[D(2021, 12, 31)] == "New Year's Day"
    assert D(2022, 1, 1) not in federal_holidays(2022)


def test_sunday_holiday_is_observed_monday() -> None:
    # Christmas 2022 was a Sunday.
    assert federal_holidays(2022)[D(2022, 12, 26)] == "Christmas Day"


def test_juneteenth_only_from_2021() -> None:
    assert all("Juneteenth" not in n for n in federal_holidays(2020).values())
    assert federal_holidays(2021)[D(2021, 6, 18)].startswith("Juneteenth")  # Sat → Fri


def test_business_days_skip_weekends_and_holidays() -> None:
    assert not is_business_day(D(2025, 8, 30))  # Saturday
    assert not is_business_day(D(2025, 9, 1))  # Labor Day
    assert is_business_day(D(2025, 9, 2))
    # Thu 2025-08-28 + 3 business days: Fri 29, (Sat, Sun, Labor Day), Tue 2, Wed 3.
    assert add_business_days(D(2025, 8, 28), 3) == D(2025, 9, 3)
    # Across Thanksgiving: Wed 11-26 + 1 business day = Fri 11-28.
    assert add_business_days(D(2025, 11, 26), 1) == D(2025, 11, 28)
    assert due_date(5, "business_days", D(2025, 12, 22), roll=False) == (D(2025, 12, 30), None)


# -- due_date and document deadlines ---------------------------------------------------------

def test_due_date_units() -> None:
    assert due_date(180, "days", D(2025, 3, 3), roll=False) == (D(2025, 8, 30), None)
    assert due_date(180, "days", D(2025, 3, 3), roll=True) == (D(2025, 9, 2), D(2025, 8, 30))
    assert due_date(2, "weeks", D(2025, 3, 3), roll=False) == (D(2025, 3, 17), None)
    assert due_date(1, "years", D(2024, 2, 29), roll=False) == (D(2025, 3, 1), None)
    assert due_date(6, "months", D(2025, 8, 31), roll=False) == (D(2026, 3, 1), None)
    assert due_date(6, "months", D(2025, 8, 31), roll=True) == (D(2026, 3, 2), D(2026, 3, 1))
    with pytest.raises(ValueError, match="hours"):
        due_date(72, "hours", D(2025, 3, 3), roll=False)
    with pytest.raises(ValueError, match="negative"):
        due_date(-1, "days", D(2025, 3, 3), roll=False)


def test_add_months_month_end_rule() -> None:
    assert add_months(D(2025, 8, 31), 6) == D(2026, 3, 1)  # no Feb 31 → Mar 1
    assert add_months(D(2025, 11, 30), 2) == D(2026, 1, 30)  # across the year end
    assert add_months(D(2025, 10, 31), 2) == D(2025, 12, 31)
    assert add_months(D(2025, 12, 31), 2) == D(2026, 3, 1)
    assert add_months(D(2025, 3, 31), 9) == D(2025, 12, 31)  # December has a 31st


def test_add_months_december_overflow_goes_to_january() -> None:
    assert add_months(D(2025, 3, 31), 8) == D(2025, 12, 1)  # no Nov 31 → Dec 1


def test_document_deadline_is_never_rolled() -> None:
    deadline = Deadline(180, "days", "internal_appeal", "after you are notified of the denial")
    due = document_deadline(deadline, D(2025, 3, 3))
    assert due is not None
    assert due.date == D(2025, 8, 30)
    assert due.basis == "document" and due.rule == "document"
    assert due.rolled_from is None
    assert due.advice is not None and "Friday, August 29, 2025" in due.advice
    assert "does not say it moves" in due.advice
    assert due.anchor_assumed == "after you are notified of the denial"


def test_document_deadline_months_use_the_month_end_rule() -> None:
    deadline = Deadline(4, "months", "external_review",
                        "of the notice of our final internal adverse determination")
    due = document_deadline(deadline, D(2025, 10, 30))
    assert due is not None
    assert due.date == D(2026, 3, 1)  # Sunday, not rolled: the document says nothing
    assert due.advice is not None and "Friday, February 27, 2026" in due.advice


def test_document_deadline_rolls_when_told() -> None:
    deadline = Deadline(4, "months", "external_review", "after receipt")
    due = document_deadline(deadline, D(2025, 10, 30), roll=True)
    assert due is not None
    assert due.date == D(2026, 3, 2) and due.rolled_from == D(2026, 3, 1)


def test_document_deadline_business_days_and_hours() -> None:
    due = document_deadline(Deadline(10, "business_days", "other", "after receipt"),
                            D(2025, 11, 20))
    assert due is not None
    assert due.date == D(2025, 12, 5)  # skips two weekends and Thanksgiving
    assert due.label == "10 business days → Friday, December 5, 2025"
    assert document_deadline(Deadline(72, "hours", "expedited_appeal", ""),
                             D(2025, 3, 3)) is None


def test_document_deadline_weekday_has_no_advice() -> None:
    due = document_deadline(Deadline(65, "days", "internal_appeal",
                                     "from the date printed on the written notice"),
                            D(2025, 3, 3))
    assert due is not None
    assert due.date == D(2025, 5, 7)
    assert due.advice is None


@pytest.mark.parametrize(("anchor", "kind"), [
    ("from the date printed on the written notice", "notice_date"),
    ("after you are notified of the denial", "receipt"),
    ("after the date of receipt of this notice", "receipt"),
    ("from the date that notice of action is mailed", "mailing"),
    ("after your health plan sends you a written decision", "mailing"),
    ("counted from the date shown on our letter", "notice_date"),
    ("of the notice of our final internal adverse determination", "unknown"),
    # Issue 11: a letter's "of this notice" is the date printed on it.
    ("of this notice", "notice_date"),
    ("of receiving this notice", "receipt"),
])
def test_anchor_kind(anchor: str, kind: str) -> None:
    assert anchor_kind(anchor) == kind


# -- regime ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("texts", "regime"), [
    (["This Evidence of Coverage describes your Medicare health plan."], "medicare_advantage"),
    (["Kaiser Permanente Medicare Advantage. An organization determination is ..."],
     "medicare_advantage"),
    (["You may ask for a State Fair Hearing."], "medicaid"),
    (["This is an ERISA plan, and you have certain rights under this plan."], "aca"),
    (["You have the right to bring a civil action under Section 502(a)."], "aca"),
    (["Contact the Employee Benefits Security Administration at 1-866-444-EBSA."], "aca"),
    (["Summary of Benefits and Coverage. Medicaid, CHIP or the Marketplace."], "aca"),
    (["Your Medicare Summary Notice", "ask for a redetermination"], "medicare_ab"),
    ([], "aca"),
    (["Medicare Advantage plan", "you may request a fair hearing"], "uncertain"),
    (["This is an ERISA plan.", "Evidence of Coverage for your Medicare plan"], "uncertain"),
])
def test_detect_regime(texts: list[str], regime: str) -> None:
    assert detect_regime(texts) == regime


def test_evidence_of_coverage_without_medicare_is_no_signal() -> None:
    assert detect_regime(["See your Evidence of Coverage for details."]) == "aca"


def test_medicare_ab_signals_are_expected_in_ma_documents() -> None:
    texts = ["Medicare Advantage", "a Qualified Independent Contractor reviews Original "
             "Medicare claims"]
    assert detect_regime(texts) == "medicare_advantage"


def test_regime_signals_and_candidates_explain_uncertainty() -> None:
    texts = ["Medicare Advantage plan", "a State   Fair\nHearing"]  # spacing does not matter
    assert regime_signals(texts) == {"medicare_advantage": ["medicare advantage"],
                                     "medicaid": ["fair hearing"]}
    assert regime_candidates(texts) == ["medicare_advantage", "medicaid"]
