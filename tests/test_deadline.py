"""Appeal deadlines: numbers read from digits or words, the member's limit told apart from
the insurer's own clock, placeholders, claim and lawsuit limits and benefit limits."""

from __future__ import annotations

from typing import Any

import pytest

from policyscan.facts import appeal_deadline, compute_facts
from policyscan.match.deadline import parse_duration, words_to_number
from policyscan.models import Deadline, DocumentReport, Finding
from policyscan.scanner import Scanner


@pytest.mark.parametrize(("words", "value"), [
    ("one hundred eighty", 180),
    ("one hundred-eighty", 180),  # hyphenated as some plans print it
    ("one hundred and eighty", 180),
    ("sixty", 60),
    ("forty-five", 45),
    ("four", 4),
    ("Twelve", 12),  # case does not matter
])
def test_words_to_number(words: str, value: int) -> None:
    assert words_to_number(words) == value


@pytest.mark.parametrize("words", ["", "banana", "sixty or so"])
def test_words_to_number_refuses_non_numbers(words: str) -> None:
    assert words_to_number(words) is None


@pytest.mark.parametrize(("text", "value", "unit"), [
    ("one hundred-eighty (180) days", 180, "days"),  # words and digits: one number
    ("sixty (60) calendar days", 60, "days"),  # calendar days are days
    ("four (4) months", 4, "months"),
    ("65 calendar days", 65, "days"),
    ("10 business days", 10, "business_days"),
    ("three working days", 3, "business_days"),  # working days are business days
    ("2 weeks", 14, "days"),  # weeks become days
    ("72 hours", 72, "hours"),
    ("sixty days", 60, "days"),  # words only
])
def test_parse_duration(text: str, value: int, unit: str) -> None:
    parsed = parse_duration(text)
    assert parsed is not None
    assert parsed[:2] == (value, unit)


@pytest.mark.parametrize("text", ["[insert] days", "within ____ days", "no number here"])
def test_parse_duration_needs_a_number(text: str) -> None:
    assert parse_duration(text) is None


# -- end to end: sentences through the scanner ------------------------------------------

MEMBER_DEADLINES: list[tuple[str, dict[str, Any]]] = [
    # the federal "180 days" wording
    ("You need to submit an appeal to us within 180 calendar days after you receive the denial.",
     {"value": 180, "unit": "days", "action": "internal_appeal",
      "anchor": "after you receive the denial"}),
    # number words with digits in parentheses
    ("You get one hundred-eighty (180) days after the date you were notified of an adverse "
     "decision to request an appeal.",
     {"value": 180, "unit": "days", "action": "internal_appeal",
      "anchor": "after the date you were notified of an adverse decision"}),
    # Medicare's 65 days
    ("You must send us a request for appeal within 65 calendar days from the date shown on "
     "the notice.",
     {"value": 65, "unit": "days", "action": "internal_appeal",
      "anchor": "from the date shown on the notice"}),
    # external review in months
    ("You may request an external review within four (4) months of the date you receive our "
     "final decision.",
     {"value": 4, "unit": "months", "action": "external_review",
      "anchor": "of the date you receive our final decision"}),
    # the standard federal external-review sentence ("receipt of a notice" is the member's)
    ("You must file a request for an external review within 4 months after the date of "
     "receipt of a notice of an adverse benefit determination.",
     {"value": 4, "unit": "months", "action": "external_review"}),
    # a grievance limit
    ("You must file a grievance within sixty (60) calendar days of the incident.",
     {"value": 60, "unit": "days", "action": "grievance", "anchor": "of the incident"}),
    # a passive grievance limit: "must be filed" names the member's act
    ("Grievances must be filed within 180 days of the event.",
     {"value": 180, "unit": "days", "action": "grievance"}),
    # an expedited appeal in hours
    ("You may ask for an expedited appeal within 72 hours of the denial if your health is "
     "at risk.",
     {"value": 72, "unit": "hours", "action": "expedited_appeal", "anchor": "of the denial"}),
    # months
    ("You may file an appeal within 6 months from the date of our decision.",
     {"value": 6, "unit": "months", "action": "internal_appeal"}),
    # business days
    ("If you disagree, you may appeal within 10 business days of this notice.",
     {"value": 10, "unit": "business_days", "action": "internal_appeal"}),
    # weeks are counted in days
    ("You may ask for an appeal within 2 weeks of receiving this letter.",
     {"value": 14, "unit": "days", "action": "internal_appeal"}),
    # no "within": "you have N days to …"
    ("You have 180 days to file an appeal.",
     {"value": 180, "unit": "days", "action": "internal_appeal"}),
    # the member's limit first, the plan's decision time after it in the next sentence
    ("You have the right to appeal within 180 days. We will decide within 30 days.",
     {"value": 180, "unit": "days", "action": "internal_appeal"}),
]


def _deadlines(report: DocumentReport) -> list[Deadline]:
    return [f.deadline for f in report.findings
            if f.category == "appeal_deadline" and f.deadline is not None]


@pytest.mark.parametrize(("sentence", "expected"), MEMBER_DEADLINES,
                         ids=[s[:50] for s, _ in MEMBER_DEADLINES])
def test_member_deadline_is_found_with_value_unit_action_anchor(
        scanner: Scanner, sentence: str, expected: dict[str, Any]) -> None:
    report = scanner.scan_text(sentence)
    deadlines = _deadlines(report)
    assert len(deadlines) == 1, [f.quote for f in report.findings]
    got = deadlines[0].to_dict()
    assert {k: got[k] for k in expected} == expected


def test_every_deadline_finding_carries_its_deadline(scanner: Scanner) -> None:
    report = scanner.scan_text(" ".join(s for s, _ in MEMBER_DEADLINES))
    findings = [f for f in report.findings if f.category == "appeal_deadline"]
    assert findings and all(f.deadline is not None for f in findings)
    assert all("deadline" in f.to_dict() for f in findings)


NOT_MEMBER_DEADLINES = [
    # the insurer's decision time
    "If you appeal, we will decide within 30 days.",
    "You may file an appeal. We will send you our decision within 30 days after we receive "
    "your appeal.",
    "You will get our decision within 30 days after we receive your appeal.",
    "You may appeal. A decision will be issued no later than thirty (30) days after the "
    "appeal is received.",
    # template placeholders are never numbers
    "You must file an appeal within [insert time period] of receiving this notice.",
    'You must file an appeal within [insert "60 days" or a longer period] of receiving this '
    "notice.",
    "You must file an appeal within ____ days of this notice.",
    # claim filing and proof of loss
    "Claims must be submitted within 90 days of the date of service; you may appeal a denial.",
    "Written proof of loss must be provided within 90 days; you may appeal a denial.",
    # lawsuits
    "No legal action may be brought against us more than three years after you appeal a "
    "denial.",
    "You may appeal a denial, and you must bring legal action within three years after the "
    "appeal.",
    # benefit limits
    "You may appeal any denial. Skilled nursing is covered up to 100 days per benefit period.",
    "You may appeal a denial. Covers one pair of glasses every 12 months.",
    "Call our appeals line, open 24 hours a day and 7 days a week.",
    "You may appeal. Coverage includes 9 months of in-network pre-natal care.",
]


@pytest.mark.parametrize("sentence", NOT_MEMBER_DEADLINES,
                         ids=[s[:50] for s in NOT_MEMBER_DEADLINES])
def test_not_a_member_deadline(scanner: Scanner, sentence: str) -> None:
    report = scanner.scan_text(sentence)
    assert _deadlines(report) == [], [f.quote for f in report.findings]
    assert report.facts.appeal_deadline is None


# -- the document's appeal_deadline fact ------------------------------------------------


def _finding(action: str, value: int, *, page: int = 1, start: int = 0,
             negated: bool = False, plan_term: bool = True) -> Finding:
    quote = f"within {value} days ({action})"
    return Finding(category="appeal_deadline", rule="deadline.member-filing-limit", page=page,
                   quote=quote, context=quote, section=None, start=start,
                   end=start + len(quote), bbox=None, score=0.9, method="token",
                   negated=negated, explanation="test",
                   deadline=Deadline(value, "days", action, "of the notice"),
                   plan_term=plan_term)


def test_fact_is_the_first_internal_appeal_deadline() -> None:
    findings = [
        _finding("external_review", 120, page=1),
        _finding("internal_appeal", 60, page=3, start=50),
        _finding("internal_appeal", 180, page=2, start=900),  # earlier page wins
        _finding("grievance", 30, page=1, start=10),
    ]
    fact = appeal_deadline(findings)
    assert fact is not None
    assert (fact.value, fact.unit, fact.page) == (180, "days", 2)


def test_fact_falls_back_to_a_grievance_deadline() -> None:
    fact = appeal_deadline([_finding("external_review", 120), _finding("grievance", 30,
                                                                       page=2)])
    assert fact is not None and (fact.value, fact.page) == (30, 2)


@pytest.mark.parametrize("findings", [
    [],  # nothing at all
    [_finding("external_review", 120), _finding("expedited_appeal", 3)],  # other actions
    [_finding("internal_appeal", 180, negated=True)],  # negated findings set no fact
    [_finding("internal_appeal", 180, plan_term=False)],  # nor do non-plan-term rules
], ids=["none", "other-actions", "negated", "not-plan-term"])
def test_no_fact_without_an_internal_appeal_or_grievance_deadline(
        findings: list[Finding]) -> None:
    assert appeal_deadline(findings) is None
    assert compute_facts("plan_document", findings).appeal_deadline is None


@pytest.mark.parametrize("kind", ["glossary", "form"])
def test_glossary_or_form_never_sets_the_deadline_fact(kind: str) -> None:
    facts = compute_facts(kind, [_finding("internal_appeal", 180)])
    assert facts.appeal_deadline is None
    assert not any(facts.values.values())


def test_scan_fact_prefers_the_appeal_over_an_earlier_external_review(
        scanner: Scanner) -> None:
    report = scanner.scan_text(
        "You may request an external review within four (4) months of our final decision.\n\n"
        "You must file a grievance within 60 days of the incident.\n\n"
        "You need to submit an appeal to us within 180 calendar days after you receive the denial.")
    fact = report.facts.appeal_deadline
    assert fact is not None and (fact.value, fact.unit) == (180, "days")
    assert "180 calendar days" in fact.quote


def test_scan_fact_falls_back_to_the_grievance(scanner: Scanner) -> None:
    report = scanner.scan_text(
        "You may request an external review within four (4) months of our final decision.\n\n"
        "You must file a grievance within sixty (60) days of the incident.")
    fact = report.facts.appeal_deadline
    assert fact is not None and (fact.value, fact.unit) == (60, "days")


def test_glossary_document_defines_appeals_but_never_sets_the_deadline(
        scanner: Scanner) -> None:
    report = scanner.scan_text(
        "Glossary of Health Coverage and Medical Terms\n\n"
        "Appeal\nA request for your health insurer or plan to look at a decision or a "
        "grievance again. You may file an appeal within 180 days of a denial.\n",
        name="glossary.txt")
    assert report.kind == "glossary"
    assert _deadlines(report)  # the passage is still reported …
    assert report.facts.appeal_deadline is None  # … but it is not a plan term
