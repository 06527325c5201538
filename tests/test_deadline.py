"""Appeal deadlines: numbers read from digits or words, the member's limit told apart from
the insurer's own clock, placeholders, claim and lawsuit limits and benefit limits."""

from __future__ import annotations

from typing import Any

import pytest

from policyscan.facts import appeal_deadline, compute_facts, unclear_deadline
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
    # complaint verbs of UK and Commonwealth wordings: raised, lodged, referred
    ("Complaints about a claim should be raised within 8 weeks of our final letter.",
     {"value": 56, "unit": "days"}),
    # "receipt of the … decision" is the member receiving the plan's answer, not the plan
    # receiving the member's request
    ("You have up to ninety (90) days from receipt of the complaint decision to ask for a "
     "second review.", {"value": 90, "unit": "days"}),
    # no actor, but a late request refused or a limit named
    ("Appeals received more than 180 days after the denial will not be considered.",
     {"value": 180, "unit": "days", "action": "internal_appeal"}),
    ("The deadline to request a review is 60 days from the date of this letter.",
     {"value": 60, "unit": "days"}),
    ("Any complaint shall be lodged within 3 months of the event.",
     {"value": 3, "unit": "months", "action": "grievance"}),
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
    # a table row or label that names the limit: no actor, the limit is the member's
    ("Grievance filing limit | 120 days from the date of the denial letter",
     {"value": 120, "unit": "days", "action": "grievance"}),
    ("Appeals deadline 60 days from the date on the denial notice",
     {"value": 60, "unit": "days", "action": "internal_appeal"}),
    # counted from the plan's notice, under a filing word: the member's
    ("Independent review request | within 4 months of our final adverse decision",
     {"value": 4, "unit": "months", "action": "external_review"}),
    # a filing verb told at the start of a cell or list item
    ("Complaints | submit within 45 days of the problem | we reply in 30 days",
     {"value": 45, "unit": "days", "action": "grievance"}),
    ("To appeal:\n\u2022 Write to us within 75 days from the date shown on your EOB",
     {"value": 75, "unit": "days", "action": "internal_appeal"}),
    # "the first level" names the stage: not a benefit's first days
    ("Send your request for the first level review within 150 days of the denial notice.",
     {"value": 150, "unit": "days"}),
    # "enrollee" is the member, not an enrollment limit
    ("The enrollee has 60 days from the notice date to ask for a reconsideration.",
     {"value": 60, "unit": "days", "action": "internal_appeal"}),
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
    # an enrollment window is no appeal limit, whoever enrolls
    "You may appeal a denial. You must enroll within 30 days of the qualifying event.",
    # a label row of the plan's own time, and a notice counted back from an event
    "Appeal decision time | 30 days from receipt of your appeal",
    "Denials | we send notice within 15 days of the claim",
]


@pytest.mark.parametrize("sentence", NOT_MEMBER_DEADLINES,
                         ids=[s[:50] for s in NOT_MEMBER_DEADLINES])
def test_not_a_member_deadline(scanner: Scanner, sentence: str) -> None:
    report = scanner.scan_text(sentence)
    assert _deadlines(report) == [], [f.quote for f in report.findings]
    assert report.facts.appeal_deadline is None


# -- the document's appeal_deadline fact ------------------------------------------------


_STAGE_OF = {"internal_appeal": "first_internal_appeal"}


def _finding(action: str, value: int, *, page: int = 1, start: int = 0,
             negated: bool = False, plan_term: bool = True, stage: str | None = None,
             benefit: str = "medical") -> Finding:
    quote = f"within {value} days ({action})"
    return Finding(category="appeal_deadline", rule="deadline.member-filing-limit", page=page,
                   quote=quote, context=quote, section=None, start=start,
                   end=start + len(quote), bbox=None, score=0.9, method="token",
                   negated=negated, explanation="test",
                   deadline=Deadline(value, "days", action, "of the notice",
                                     stage or _STAGE_OF.get(action, action), benefit),
                   plan_term=plan_term)


def test_fact_is_the_first_internal_appeal_deadline() -> None:
    findings = [
        _finding("external_review", 120, page=1),
        _finding("internal_appeal", 180, page=3, start=50),
        _finding("internal_appeal", 180, page=2, start=900),  # earlier page is quoted
        _finding("grievance", 30, page=1, start=10),
    ]
    fact = appeal_deadline(findings)
    assert fact is not None
    assert (fact.value, fact.unit, fact.page) == (180, "days", 2)


def test_disagreeing_first_appeal_limits_give_no_number_but_the_pages() -> None:
    findings = [_finding("internal_appeal", 60, page=3), _finding("internal_appeal", 180,
                                                                  page=5)]
    assert appeal_deadline(findings) is None
    assert unclear_deadline(findings) == {
        "values": [{"value": 60, "unit": "days"}, {"value": 180, "unit": "days"}],
        "pages": [3, 5]}


def test_the_medical_plans_limit_wins_over_eligibility_and_disability_claims() -> None:
    findings = [_finding("internal_appeal", 60, page=2, benefit="eligibility"),
                _finding("internal_appeal", 180, page=9, benefit="disability"),
                _finding("internal_appeal", 180, page=40)]
    fact = appeal_deadline(findings)
    assert fact is not None and (fact.value, fact.page) == (180, 40)
    assert appeal_deadline(findings[:2]) is None  # never another benefit's limit


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


@pytest.mark.parametrize(("text", "value", "quoted"), [
    # the appeal over an earlier external review and a grievance
    ("You may request an external review within four (4) months of our final decision.\n\n"
     "You must file a grievance within 60 days of the incident.\n\n"
     "You need to submit an appeal to us within 180 calendar days after you receive the denial.",
     180, "180 calendar days"),
    # the appeal, not the shorter limit to keep a service going during it
    ("Appeals\nYou must ask for an appeal within 60 calendar days from the date on the "
     "notice.\n\nCan I keep my services during the appeal?\nYes. To keep them, you must ask "
     "for the appeal within 10 days from the date on our letter.", 60, "60 calendar days"),
    # the grievance when no appeal limit is stated
    ("You may request an external review within four (4) months of our final decision.\n\n"
     "You must file a grievance within sixty (60) days of the incident.", 60, "sixty (60) days"),
])
def test_scan_fact_is_the_first_appeal_limit(scanner: Scanner, text: str, value: int,
                                             quoted: str) -> None:
    fact = scanner.scan_text(text).facts.appeal_deadline
    assert fact is not None and (fact.value, fact.unit) == (value, "days")
    assert quoted in fact.quote


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


# -- issue 11: the right limit among many ------------------------------------------------

def _stages(report: DocumentReport) -> list[tuple[int, str, str, str]]:
    return [(d.value, d.unit, d.stage, d.benefit) for d in _deadlines(report)]


def test_issue_11_fehb_brochure_that_mentions_medicare_keeps_its_own_six_months(
        scanner: Scanner) -> None:
    report = scanner.scan_text(
        "Section 9. Coordinating benefits with Medicare\n\n"
        "If you are enrolled in a Medicare Advantage plan, tell us; we coordinate benefits "
        "with Medicare as the primary payer.\n\n"
        "Section 8. The disputed claims process\n\n"
        "First step: write to us and ask us to reconsider what we decided at first. You must "
        "write within 6 months from the date of our decision.\n\n"
        "Step 2: If we do not change our decision, you may ask the Office of Personnel "
        "Management to review it within 90 days after the date of our letter upholding our "
        "decision.")
    fact = report.facts.appeal_deadline
    assert fact is not None and (fact.value, fact.unit) == (6, "months")


def test_issue_11_guide_with_an_eligibility_claim_and_a_medical_appeal(
        scanner: Scanner) -> None:
    report = scanner.scan_text(
        "Eligibility and enrollment claims\n\n"
        "If your eligibility claim is denied, you may file an appeal of the eligibility "
        "decision within 60 days after you receive the notice.\n\n"
        "Medical claims appeals\n\n"
        "If your medical claim is denied, you must file your appeal within 180 days after you "
        "receive the notice of the adverse benefit determination.")
    assert (60, "days", "first_internal_appeal", "eligibility") in _stages(report)
    fact = report.facts.appeal_deadline
    assert fact is not None and (fact.value, fact.unit) == (180, "days")


def test_issue_11_non_us_policy_ages_are_no_deadline(scanner: Scanner) -> None:
    report = scanner.scan_text(
        "Complaints\n\n"
        "Children are covered until they are 60 years of age or older if they are "
        "dependants. A complaint about a claim may be raised with us at any time. If you "
        "remain unhappy, you may refer your complaint to the Ombudsman within 12 months of "
        "our final response.")
    got = _stages(report)
    assert all(value != 720 for value, *_ in got), got
    assert (12, "months", "external_review", "medical") in got
    assert report.facts.appeal_deadline is None


def test_issue_11_phone_hours_and_access_standards_are_no_appeal(scanner: Scanner) -> None:
    report = scanner.scan_text(
        "Grievances and appeals\n\n"
        "Phone us to file a grievance from 9 a.m. until 6 p.m., seven days a week. "
        "A complaint may be filed when no appointment is offered within 12 business days "
        "after you asked for one.")
    assert _deadlines(report) == []
    assert report.facts.appeal_deadline is None


@pytest.mark.parametrize(("sentence", "stage"), [
    ("You may request a second level appeal within 60 days after you receive the first "
     "level appeal decision.", "second_level"),
    ("You may ask for a voluntary second review within 30 days of the decision on your "
     "appeal.", "second_level"),
    ("You may request a fair hearing within 120 days of the date of our appeal decision.",
     "fair_hearing"),
    ("You may ask for an informal review within 45 days of our adverse notice.",
     "informal_review"),
    ("You may request an external review within 4 months after you receive our final "
     "internal decision.", "external_review"),
    ("You must file your appeal within 180 days of the denial.", "first_internal_appeal"),
    # a shorter limit to keep a service going during the appeal is not the time to appeal
    ("If you want your services to continue during the appeal, you must ask for the appeal "
     "within 10 days from the date on our letter.", "other"),
    ("To keep getting your therapy during the appeal, file your appeal within ten days of "
     "this notice.", "other"),
    # settling a dispute outside the appeals: arbitration and mediation
    # care that is not urgent is the standard appeal
    ("Non-urgent care: within 6 months of our initial decision, you may ask us in writing to "
     "reconsider it.", "first_internal_appeal"),
    # a federal employees' plan's last step is OPM's review
    ("If you still think our decision is wrong, you may ask OPM to review it. You must write "
     "to OPM within 90 days after the date of our letter upholding our decision.",
     "external_review"),
    # … and a plan that says OPM has no role still has its own first step
    ("The law gives OPM no role in reviewing these disputes. First, write and ask us to "
     "reconsider. Any missing records must reach us within 180 days after the day you "
     "receive our decision.", "first_internal_appeal"),
    # plain words for the first appeal
    ("Laser claims: if you don't agree with the decision, write to us within 90 days of the "
     "letter.", "first_internal_appeal"),
    ("You have eight weeks from the date of this letter to ask us to look at your skin "
     "treatment claim again.", "first_internal_appeal"),
    ("If you are not satisfied with the appeal decision, a demand for arbitration must be "
     "made within one year after the decision.", "other"),
    # the plan's appeal waived: the limit is the outside review's
    ("If we agree in writing that you may skip the plan appeal, you have 4 months from the "
     "date of that agreement to ask for an outside review.", "external_review"),
    # counted from the first appeal's answer
    ("Your request must be made in writing within 45 days after you receive our decision on "
     "the first appeal.", "second_level"),
    ("You must ask for the hearing within ninety (90) calendar days from the date of our "
     "notice of appeal resolution.", "fair_hearing"),
    # a second appeal in other words than "second appeal"
    ("Should the first review confirm the denial, you may send a second written appeal "
     "within 45 days after that letter.", "second_level"),
    ("If you are still unhappy, you can appeal again within 21 days of our answer.",
     "second_level"),
])
def test_issue_11_each_limit_knows_its_stage(scanner: Scanner, sentence: str,
                                             stage: str) -> None:
    report = scanner.scan_text(sentence)
    assert [d.stage for d in _deadlines(report)] == [stage]


@pytest.mark.parametrize("sentence", [
    "Both spouses must be twenty-one (21) years of age or older; you may appeal any denial.",
    "You get 30 days to send us the requested information for your appeal.",
    "You will get a notice at least 2 calendar days before we stop covering your care; you "
    "may appeal.",
    "A grievance may go to the state agency once you have participated in our own process "
    "for 30 days.",
    "Claims for services must be sent to us within 180 days after you receive the services, "
    "and you may appeal a denial.",
    "Within two working days: We will write to confirm that your complaint arrived.",
    # money back is a claim, not an appeal: its request or claim is the subject
    "Requests for reimbursement must reach the plan within 24 months of the date you paid "
    "the pharmacy; you may appeal a denial.",
    "Refund claims should be lodged within ten (10) days after you leave hospital.",
    # a suit named by "action" alone
    "Lawsuits. Once our appeal process is finished you may go to court. Any such action "
    "must be brought within three years after our final decision.",
    "A suit over a denied refill may not be started later than 3 years after the final "
    "appeal decision.",
    # a phone line's promise to call back
    "Questions about your appeal? Leave a message and our appeals line will return your "
    "call within 2 business days.",
    # a claim by another name, told to the member
    "If you paid for the visit yourself, send us a request for payment within 12 months of "
    "the date of service; you may appeal a denial.",
    # the carrier's check of an outside review request, and a period already given running out
    "Step 2. Your carrier has three business days to complete a preliminary review of your "
    "request for an external review.",
    "If we need more time to decide your appeal, we will tell you before the 30 days end.",
    # the free look, said as dissatisfaction: no appeal
    "Dissatisfied with your new certificate? You can return the certificate within 10 days after "
    "it arrives.",
    # a refill paid for at the counter is a claim, counted from the fill
    "Appeals\nPaper claims: mail the reimbursement form within one year of the date you "
    "filled the prescription.",
])
def test_issue_11_not_a_limit_to_ask_for_review(scanner: Scanner, sentence: str) -> None:
    assert _deadlines(scanner.scan_text(sentence)) == []


def test_a_public_programs_notice_gives_its_fair_hearing_limit_as_the_fact(
        scanner: Scanner) -> None:
    """A state agency's own decision is first appealed at a fair hearing: with no plan
    appeal stated, its limit is the fact; after a plan's appeal decision that names an
    outside review too, it is a later step and no fact."""
    notice = scanner.scan_text(
        "NOTICE OF DECISION\nWe will reduce your home care hours. If you disagree, you have "
        "the right to a fair hearing. You must ask for a hearing within 90 days of the date "
        "of this notice.", name="notice.txt")
    fact = notice.facts.appeal_deadline
    assert fact is not None and (fact.value, fact.unit) == (90, "days")
    later = scanner.scan_text(
        "NOTICE OF APPEAL DECISION\nWe upheld our denial. You may ask for an external medical "
        "review within 120 days of this letter. You may also ask for a state fair hearing "
        "within 120 days of this letter.", name="letter.txt")
    assert later.facts.appeal_deadline is None


def test_an_organisation_named_in_the_third_person_keeps_its_own_clock(
        scanner: Scanner) -> None:
    """ "Brightway acknowledges your complaint within 5 business days and sends you a written
    answer within 30 days": the named company's times, not the member's; "when Brightway
    sends you its decision, you have 60 days" is still the member's."""
    clock = scanner.scan_text("If you have a complaint, call us. Brightway acknowledges your "
                              "complaint within 5 business days and sends you a written "
                              "answer within 30 days.")
    assert _deadlines(clock) == []
    member = scanner.scan_text("When Brightway sends you its decision, you have 60 days to "
                               "ask for an external review.")
    assert [(d.value, d.stage) for d in _deadlines(member)] == [(60, "external_review")]


def test_a_table_column_says_whose_time_its_cells_are(scanner: Scanner) -> None:
    """A row is read with its column's header: under "Member files within" the member's
    limit, under "We decide within" the plan's, whatever else the row's line says."""
    report = scanner.scan_text(
        "Step | Member files within | We decide within\n"
        "First appeal | 90 days after the denial notice | 30 days\n"
        "Second appeal | 45 days after the first answer | 20 days\n", name="table.txt")
    assert sorted((d.value, d.stage) for d in _deadlines(report)) == [
        (45, "second_level"), (90, "first_internal_appeal")]
    assert all("|" not in d.anchor for d in _deadlines(report))
    # an outside reviewer's column of its own times
    iro = scanner.scan_text(
        "Type of review | Reviewer decision due | How you are told\n"
        "Standard external review | Within 45 days after the reviewer gets it | In writing\n",
        name="table.txt")
    assert _deadlines(iro) == []
    # a table of the plan's times only, whatever its rows name (an urgent appeal)
    plan = scanner.scan_text(
        "How long the plan has to decide\nType of appeal | Plan's decision deadline\n"
        "Urgent appeal | 72 hours\nService not yet received | 30 days\n", name="table.txt")
    assert _deadlines(plan) == []


def test_a_second_level_heading_gives_its_limits_their_stage(scanner: Scanner) -> None:
    """Under "How a Level 2 appeal works" a limit is the second level's; under a
    procedure's "Step 2: Ask us for an appeal" it is still the first appeal's."""
    level = scanner.scan_text("How a Level 2 appeal works\n\nWrite to the review board within "
                              "60 days of the date on our letter to ask for it.\n")
    assert [(d.value, d.stage) for d in _deadlines(level)] == [(60, "second_level")]
    step = scanner.scan_text("Step 2: Ask us to look at our decision again\n\nSend us your "
                             "appeal within 65 days of the date on our notice.\n")
    assert [(d.value, d.stage) for d in _deadlines(step)] == [(65, "first_internal_appeal")]


def test_a_complaint_against_a_decision_is_a_first_appeal(scanner: Scanner) -> None:
    """A complaint that asks for a decision to be changed is a first appeal by another
    name; one about an incident stays a grievance."""
    decision = scanner.scan_text("Your complaint has to reach us within six months of the "
                                 "decision you disagree with.")
    assert [(d.value, d.stage) for d in _deadlines(decision)] == [(6, "first_internal_appeal")]
    incident = scanner.scan_text("You may file a complaint within 60 days after the incident "
                                 "you are complaining about.")
    assert [(d.value, d.stage) for d in _deadlines(incident)] == [(60, "grievance")]


@pytest.mark.parametrize("sentence", [
    # how long something lasted, or a length of care, in an appeal's own letter
    "Your back pain had lasted about 3 weeks when you asked for the scan.",
    "You completed more than 16 weeks of daily nasal spray before you asked for surgery.",
    # an invoice sent in for payment, a contract's dispute put to an arbitrator
    "We must receive your invoice no later than three years after the year of treatment.",
    "A demand for mediation or arbitration under this agreement must be made within one year.",
])
def test_lengths_invoices_and_contract_disputes_are_no_appeal_limits(scanner: Scanner,
                                                                     sentence: str) -> None:
    text = f"How to appeal\nYou may appeal any decision we make about your care.\n{sentence}"
    assert _deadlines(scanner.scan_text(text)) == []


def test_the_same_period_as_another_appeal_is_a_limit(scanner: Scanner) -> None:
    """"within the same 180-day period" names the limit a hyphenated compound can."""
    report = scanner.scan_text("An expedited appeal must be requested within the same 180-day "
                               "period that applies to a standard appeal.")
    assert [(d.value, d.stage) for d in _deadlines(report)] == [(180, "expedited_appeal")]


def test_the_plan_telling_the_member_by_phone_is_its_own_clock(scanner: Scanner) -> None:
    """"We will call you with our decision within 72 hours" is the plan's time to answer;
    "you must call us within 30 days" is still the member's."""
    plan = scanner.scan_text("If we fast-track your appeal, we will phone you with our answer "
                             "within 72 hours.")
    assert _deadlines(plan) == []
    member = scanner.scan_text("You must call us within 30 days of the denial letter to "
                               "start an appeal.")
    assert [(d.value, d.unit) for d in _deadlines(member)] == [(30, "days")]


def test_a_member_column_names_the_filer_when_its_limit_counts_from_a_notice(
        scanner: Scanner) -> None:
    """Under "Time limit to file" the row's limit is the member's when it counts from
    something sent to them (Original Medicare's summary notice too); a column that names
    a deadline and the plan's deciding ("Deadline to decide") is the plan's."""
    member = scanner.scan_text(
        "Level | Who decides | Time limit to file\n"
        "1. Redetermination | The claims contractor | 120 days from receipt of the MSN\n",
        name="table.txt")
    assert [(d.value, d.stage) for d in _deadlines(member)] == [(120, "first_internal_appeal")]
    plan = scanner.scan_text(
        "Step | Deadline to decide\nFirst appeal | 30 days from the appeal notice\n",
        name="table.txt")
    assert _deadlines(plan) == []


def test_an_appeal_of_a_refund_claim_is_still_an_appeal(scanner: Scanner) -> None:
    """Only a claim for money back as the subject is a claim limit: an appeal of one, or a
    denied request for reimbursement, keeps its appeal limit."""
    for sentence in ("Appeals of refused refund claims must reach us within 90 days of our "
                     "letter.",
                     "If we turn down your request for reimbursement, you may appeal within "
                     "60 days of our letter."):
        assert [d.stage for d in _deadlines(scanner.scan_text(sentence))] == [
            "first_internal_appeal"], sentence


def test_the_plans_clock_in_a_later_clause_is_not_the_members(scanner: Scanner) -> None:
    # the stage comes from the limit's own clause, and "requests are decided within" is the
    # plan's time to answer, in the present tense as in the future
    report = scanner.scan_text(
        "Mail us your appeal, with any supporting papers from your doctor, within 120 days "
        "of this notice; urgent appeals are decided within 72 hours.")
    assert [(d.value, d.unit, d.stage) for d in _deadlines(report)] == [
        (120, "days", "first_internal_appeal")]


def test_a_possessive_in_a_later_clause_does_not_make_the_plans_clock_the_members(
        scanner: Scanner) -> None:
    report = scanner.scan_text(
        "If your appeal is about a pre-approval request, we will decide it within 15 days of "
        "getting it. Notice of the decision will be sent to you and, where it applies, your "
        "dentist within 3 business days after we decide.")
    assert _deadlines(report) == []


def test_a_section_abbreviation_neither_ends_the_sentence_nor_is_its_subject(
        scanner: Scanner) -> None:
    # "Art. 12.2": the period of an abbreviation ends no sentence, and "2 must reach" is no
    # plan acting on its own clock
    report = scanner.scan_text(
        "Art. 12.3. An objection under Art. 12.2 must reach the Fund no later than 45 days "
        "after the member is told of the decision.")
    assert [(d.value, d.unit) for d in _deadlines(report)] == [(45, "days")]
    assert any(f.quote.startswith("An objection under Art. 12.2") for f in report.findings)


def test_a_limit_the_member_may_use_is_the_members(scanner: Scanner) -> None:
    report = scanner.scan_text(
        "Complaints about a bill can be lodged up to 6 months from the date of service.")
    assert [(d.value, d.unit, d.stage) for d in _deadlines(report)] == [(6, "months", "grievance")]


@pytest.mark.parametrize("sentence", [
    "We will look into your grievance and send you our answer within 21 days.",
    "Appeal outcome: overturned.\nWe got your appeal on 4 March and finished our review "
    "within 10 days.",
])
def test_the_plans_promise_or_report_of_its_own_time_is_no_member_limit(
        scanner: Scanner, sentence: str) -> None:
    assert _deadlines(scanner.scan_text(sentence)) == []


def test_a_limit_after_a_decision_is_resolved_is_still_the_members(scanner: Scanner) -> None:
    report = scanner.scan_text(
        "Once the second-level review is resolved, the enrollee has up to 90 days to ask for "
        "a state fair hearing.")
    assert [(d.value, d.stage) for d in _deadlines(report)] == [(90, "fair_hearing")]


def test_issue_11_hours_of_emergency_care_are_no_appeal_limit(scanner: Scanner) -> None:
    report = scanner.scan_text(
        "Send us your appeal within 180 calendar days of the day you learn of the denial. "
        "The first 24 hours of emergency services provided by any hospital are paid in full, "
        "and any denial of them may be appealed.")
    assert [(d.value, d.unit) for d in _deadlines(report)] == [(180, "days")]
    fact = report.facts.appeal_deadline
    assert fact is not None and (fact.value, fact.unit) == (180, "days")


def test_a_limit_in_hours_is_never_the_first_appeal_fact() -> None:
    urgent = Finding(category="appeal_deadline", rule="r", page=1, quote="within 72 hours",
                     context="within 72 hours", section=None, start=0, end=15, bbox=None,
                     score=0.9, method="token", negated=False, explanation="test",
                     deadline=Deadline(72, "hours", "internal_appeal", "of the denial"))
    assert appeal_deadline([urgent]) is None
    assert appeal_deadline([urgent, _finding("internal_appeal", 180, page=2)]) is not None


# Sentences scanned alone and the member's limits they state, by the family they stand for.
SENTENCE_LIMITS = [
    # a number and unit written as one word is a limit as the window or period of a filing
    ("Miss the 60-day window to ask for a hearing and the denial stands.", [(60, "days")]),
    ("The 65-day appeal deadline runs from the date on the notice.", [(65, "days")]),
    ("File your grievance within the 90-day period.", [(90, "days")]),
    # and nothing else written that way
    ("You may appeal any denial; each fill is limited to a 90-day supply.", []),
    ("Ask for this record twice within a 12-month period and we may charge a fee.", []),
    ("Appeals aside, the 2-year results of the study were similar.", []),
    # the member, described at length, is the subject, not the noun before the verb
    ("Parents wishing to challenge a declined speech therapy claim should send their request "
     "within 20 business days of receiving this letter.", [(20, "business_days")]),
    ("Members of the county health plan must make sure their grievance reaches the plan "
     "within 60 days of the date on the EOB.", [(60, "days")]),
    # members of the body that decides are not the member
    ("Members of the review committee will decide within 30 days of the hearing.", []),
    # disagreeing with a decision leads into the member's limit …
    ("If you disagree with the Trust's decision, let us know. You must do this within 8 weeks "
     "of the decision being sent to you.", [(56, "days")]),
    # … disagreeing with advice or a bill does not
    ("If you disagree with the doctor's advice, you can get a second opinion within 30 days.",
     []),
    ("If you disagree with this bill, call us within 30 days.", []),
    # the plan's own time, restated for another case by "it is", "the time is"
    ("Standard appeals: we send our answer within 30 days after your appeal arrives. For a "
     "drug given in a clinic, the time is 7 days. For a bill you have paid, it is 60 days.", []),
    # … and the member's limit restated is still the member's
    ("You must ask for an appeal within 65 days of the notice. For a bill you have already "
     "paid, it is 60 days.", [(65, "days"), (60, "days")]),
    # the plan deciding, in a clause joined by "and"
    ("If your dentist says a delay could harm you, the request is handled as urgent and "
     "decided within 72 hours.", []),
    # the standard time as a wait that could harm, not a limit
    ("If waiting 30 days could seriously harm your health, ask us for a fast appeal.", []),
    ("Ask for a fast appeal if waiting up to 30 days for our answer could seriously harm your "
     "health.", []),
    # the plan acting on the request, its name as the subject
    ("You may ask the HMO to reconsider a denial. For a member who is in hospital, the HMO "
     "shall act on the request within forty-eight (48) hours.", []),
    # information the plan asked for, and comments on a draft policy
    ("Your surgeon must send the information so that we receive it within 45 days of our "
     "request.", []),
    ("Comments on proposed revisions to this policy are accepted within 30 days of posting.",
     []),
    # … a member's comments on a denial are part of the appeal
    ("To appeal, send us your written comments on the denial within 180 days of receiving "
     "this notice.", [(180, "days")]),
    # a "premium" lens is a product tier, not the premium paid for cover
    ("To appeal the denial of your premium lens upgrade, write to us within 6 months of the "
     "date of our letter.", [(6, "months")]),
    ("If your premium is not paid, coverage ends 31 days after the due date.", []),
    # a table of how long the plan takes, under its column label
    ("How long we take to decide a claim\nType of claim | Initial decision | Extension\n"
     "Urgent care | Within 72 hours | None\nPost-service | Within 30 days | One 15-day "
     "extension", []),
    # a policy's look-over period by its other names
    ("30-DAY RIGHT TO EXAMINE: after your certificate arrives, you have 30 days to review it "
     "and return it for a full refund.", []),
    # when a mailed notice is taken to have arrived is no limit
    ("Ask for a review within 120 days of getting the statement. We assume that you got the "
     "statement 5 days after the date printed on it.", [(120, "days")]),
    # a review asked of a denied claim is the member's, though "claim … must be filed"
    ("A request for redetermination of a denied wheelchair claim must be filed within 120 "
     "days of the date you receive the notice.", [(120, "days")]),
    # the reviewer by a pronoun keeps its own time
    ("How long does an outside review take?\nThe review organization must decide within 45 "
     "days after it gets your request. For expedited external reviews, it decides within 72 "
     "hours, or sooner if your health needs it.", []),
    # a time that opens the sentence and is given to someone else after the comma (under a
    # heading with no stop)
    ("Appeals and complaints\n\nHow to appeal if you are asked to leave the hospital too "
     "soon\nWithin two calendar days after you are admitted, the hospital will hand you a "
     "written notice about your rights.", []),
    ("Within 60 days after you get the denial, the plan must receive your appeal.",
     [(60, "days")]),
    # the member told what to do after a clause of the plan's ("…, send your appeal")
    ("If you disagree with our decision about where your scan may be done, send your appeal "
     "within 90 days after you get this letter.", [(90, "days")]),
    # paperwork for the program's eligibility
    ("If you disagree with a decision, you can appeal. If the county asks for proof of "
     "income, send it within 10 days of the request.", []),
    # missing paperwork for the appeal, and a period of records looked back on
    ("How to appeal\nSend your appeal within 180 days of the denial. If information is "
     "missing, you will have at least 45 days to provide it.", [(180, "days")]),
    ("How to appeal\nWe looked at these records: your pharmacy claims for the last 12 months",
     []),
    # a court's review of the last decision is a lawsuit's limit
    ("Appeals\nAn application for judicial review of the tribunal's decision must be filed "
     "within 60 days of the date the decision is issued.", []),
    # the plan's notice sent within its own time, whoever the subject is
    ("Appeals\nIf the County turns down a fast appeal, it will move the appeal to the "
     "standard timeline, try to call you, and send you a written notice within two days.",
     []),
    ("Asking us to review a claim decision\nIf you think we got a claim decision wrong, "
     "please write to our review team within 3 months of the date on our claim letter.\n\n"
     "How long a review takes\nWe aim to write to you with the outcome within 20 working "
     "days.", [(3, "months")]),
    # the plan's times listed item by item under its first ("…: within 30 days" restates it)
    ("How long we take to decide\n\u2022 Payment for care you already had: we will give you our "
     "decision within 60 days after we receive your appeal.\n\u2022 Care you have not had yet: "
     "within 30 days.\n\u2022 A drug you have not had yet: within 7 days.", []),
    ("Appeal deadlines\n\u2022 Standard appeal: within 60 days of the denial notice.",
     [(60, "days")]),
    # … but a member's limit listed after the plan's clock stays the member's
    ("How we handle appeals\nWe will send you our decision within 30 days.\n\u2022 Standard "
     "appeal: within 60 days after you get the denial letter.", [(60, "days")]),
    # the file handed on by the plan's team
    ("Appeals\nSend your request to the Appeals Team, who will pass your file to the clinical "
     "reviewers within five working days.", []),
    # a public scheme's supervisor taking the dispute after the insurer's final answer
    ("If the insurer keeps its refusal, you may request the intervention of the health "
     "superintendency within six months from the date of its final answer.", [(6, "months")]),
]


@pytest.mark.parametrize(("text", "expected"), SENTENCE_LIMITS,
                         ids=[t[:60] for t, _ in SENTENCE_LIMITS])
def test_a_sentence_alone_states_exactly_these_member_limits(
        scanner: Scanner, text: str, expected: list[tuple[int, str]]) -> None:
    assert [(d.value, d.unit) for d in _deadlines(scanner.scan_text(text))] == expected


def test_a_wrapped_table_cell_gives_its_limit_its_whole_anchor(scanner: Scanner) -> None:
    """A limit whose cell wraps onto the next line ("60 days from the date you get the" over
    "Level 2 decision") counts from what the whole cell says: a later level's decision,
    not the first appeal's."""
    text = ("Medicare appeal levels\n"
            "Level            | Who decides                 | Time to ask                  |\n"
            "Redetermination  | Medicare contractor         | 120 days from the date you   |\n"
            "                 |                             | get the notice               |\n"
            "Reconsideration  | Independent contractor      | 180 days from the date you   |\n"
            "                 |                             | get the Level 1 decision     |\n")
    found = {d.value: d for d in _deadlines(scanner.scan_text(text))}
    assert found[120].stage == "first_internal_appeal", found[120]
    assert found[180].stage == "second_level" and "Level 1 decision" in found[180].anchor, \
        found[180]


def test_a_table_of_time_limits_in_columns_is_read_row_by_row(scanner: Scanner) -> None:
    """A table of limits laid out in columns (no bars) gives each row its own limit: what
    the row says it is for (or the column's header), what it counts from up to the line's
    end, and the row alone as its quote; a row for something else ("Using an approval
    number") is no limit, nor is a column of the plan's answers ("Our answer is due")."""
    text = ("Time limits\n"
            "What                                     Time limit\n"
            "Cancelling your policy                   14 days from your renewal date\n"
            "Sending us a bill for treatment          6 months from the date of treatment\n"
            "Asking us to review a claim decision     3 months from the date on our letter\n"
            "Our final response to a complaint        8 weeks from receiving your complaint\n"
            "Using an approval number                 90 days from the date we give it\n")
    found = [f for f in scanner.scan_text(text, name="pack.txt").findings
             if f.category == "appeal_deadline"]
    assert [(f.deadline.value, f.deadline.unit, f.deadline.stage) for f in found
            if f.deadline] == [(3, "months", "first_internal_appeal")], found
    assert found[0].quote.startswith("Asking us to review") and "\n" not in found[0].quote
    assert "14 days" not in found[0].context and "8 weeks" not in found[0].context
    header = ("Type of appeal                      Our answer is due\n"
              "Equipment you do not have yet       30 calendar days\n"
              "Payment for equipment you have      60 calendar days\n")
    assert not _deadlines(scanner.scan_text("Appeals\n" + header)), header
    labelled = ("Type of claim                Time to appeal\n"
                "Medical                      180 days from the denial\n"
                "Dental                       60 days from the denial\n")
    stages = {(d.value, d.benefit, d.stage) for d in _deadlines(scanner.scan_text(labelled))}
    assert stages == {(180, "medical", "first_internal_appeal"),
                      (60, "dental", "first_internal_appeal")}, stages


def test_a_row_of_a_table_of_steps_says_who_acts(scanner: Scanner) -> None:
    """In a table of steps with a column of who acts, the scheme's row is its own decision
    time and the member's rows are the member's; a limit counted from an earlier stage's
    answer ("the internal appeal outcome", "our Stage 1 decision") is a later stage's."""
    text = ("Step                              | Who acts | Time limit\n"
            "Lodge an internal appeal          | Member   | 60 days from the decision letter\n"
            "Decide a routine appeal           | Scheme   | 30 days from receipt of the appeal\n"
            "Ask for the disputes committee    | Member   | 30 days from the appeal outcome\n")
    found = [(d.value, d.stage) for d in _deadlines(scanner.scan_text(text))]
    assert found == [(60, "first_internal_appeal"), (30, "second_level")], found
    staged = _deadlines(scanner.scan_text(
        "Appeals\nYour request for a final review must be made within 60 days of our Stage 1 "
        "decision."))
    assert [(d.value, d.stage) for d in staged] == [(60, "second_level")], staged

