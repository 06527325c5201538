"""Real insurer wording collected in the team's research notes (domain.md part C.2), each
with the category a careful reader gives it. These sentences come from documents the
corpus does not contain, so they check that the rules follow general wording rather than
the corpus files they were tuned on."""

from __future__ import annotations

import pytest

from policyscan.scanner import Scanner

# (category that must be found, sentence) — source numbers refer to domain.md C.2.
FOUND = [
    # 1: the CMS sample SBC's Limitations-column wording
    ("prior_authorization", "Preauthorization is required; if you skip it, benefits may be "
     "reduced by 50% of the service's total cost."),
    # 3: a penalty stated without the word "required"
    ("prior_authorization", "50% penalty for no out-of-network precertification."),
    # 6: "prior authorization ... required in only a limited set of circumstances"
    ("prior_authorization", "Prior authorization under the Plan is required in only a limited "
     "set of circumstances, but if you fail to obtain prior authorization in those "
     "circumstances your benefits are denied."),
    # 7: utilization review instead of any authorization word
    ("prior_authorization", "Certain services are subject to the utilization review program. "
     "Before scheduling services, the member must make sure utilization review is obtained."),
    # 11: "pre-certify" as a verb, with a flat penalty
    ("prior_authorization", "For medical services requiring pre-certification a $300 financial "
     "penalty will apply if you don't call and pre-certify your care before services are given."),
    # 12: UnitedHealthcare calls it notification
    ("prior_authorization", "Just because we require notification for a service, does not mean "
     "it is covered."),
    # 14: an exclusion phrased with "exclude coverage of"
    ("cosmetic_exclusion", "Aetna plans exclude coverage of cosmetic surgery that is not "
     "medically necessary."),
    # 18: "aren't reconstructive or corrective", in an exclusions list
    ("cosmetic_exclusion", "Exclusions\nCosmetic procedures that aren't reconstructive or "
     "corrective and don't meet the plan's medical policies for coverage."),
    # 22: acne scarring treatment considered cosmetic and not covered
    ("cosmetic_exclusion", "The treatment of scarring and cosmetic complications of acne such "
     "as hyperpigmentation are considered cosmetic and are not covered."),
    # 25: a definition of medically necessary
    ("medical_necessity", "Medically Necessary: In this document, procedures are considered "
     "medically necessary if there is a significant functional impairment AND the procedure "
     "can be reasonably expected to improve the functional impairment."),
    # 27: experimental services excluded from Medicaid coverage
    ("experimental_exclusion", "Services that are experimental, non-FDA approved, "
     "investigational, or cosmetic are specifically excluded from Medicaid coverage."),
    # 40: a payer policy calling a skin procedure investigational
    ("experimental_exclusion", "Microdermabrasion is considered investigational for any "
     "indication."),
    # 19: Medicare's exception for accidental injury and malformed body members
    ("reconstructive_exception", "Cosmetic surgery includes any surgical procedure directed at "
     "improving appearance, except when needed to promptly repair an accidental injury or to "
     "improve how a malformed body member functions."),
    # 33: TRICARE's conditions
    ("reconstructive_exception", "Cosmetic, plastic or reconstructive surgery is a limited "
     "benefit. It may be covered to restore function, correct a serious birth defect, restore "
     "body form after a serious injury or breast reconstruction after cancer surgery."),
    # 35: the Women's Health and Cancer Rights Act list
    ("reconstructive_exception", "(1) every stage of reconstruction of the breast that had "
     "the mastectomy; (2) surgery on and reconstruction of the other breast to give a "
     "symmetrical appearance"),
]

# (sentence, value, unit, action) — member deadlines in their many shapes (domain.md C.2).
DEADLINES = [
    # 41: a restatement in parentheses is the same limit, not a second one
    ("You must file your internal appeal within 180 days (6 months) of receiving notice that "
     "your claim was denied.", 180, "days", "internal_appeal"),
    # 42: "N days after the receipt of"
    ("You have 180 days after the receipt of the denial notice to request a review of the "
     "denial.", 180, "days", "internal_appeal"),
    # 44: "no later than", anchored on the EOB
    ("The first request for an appeal should be sent to us no later than 180 days after you "
     "receive the EOB.", 180, "days", "internal_appeal"),
    # 46: external review in months, from the date of receipt of this notice
    ("You may ask the plan for an External Review if the request is filed within four months after the date of receipt of this notice of an "
     "adverse benefit determination.", 4, "months", "external_review"),
    # 48: a second-level appeal
    ("You must appeal the first level appeal (file a second level appeal) within: 60 days "
     "after receiving the first level appeal decision", 60, "days", "other"),
    # 50: California's Independent Medical Review
    ("You must apply for an IMR/Complaint with the DMHC within 6 months after your health plan "
     "sends you a written decision about your issue.", 6, "months", "external_review"),
    # 52: a Medicaid fair hearing asked for by an applicant or recipient
    ("An applicant or recipient must request a hearing in writing or orally within 90 days of "
     "the date on the notice with which he disagrees.", 90, "days", "other"),
    # the ERISA rule itself, with the claimant as the subject of a passive verb
    ("Claimants must be given 180 days to file an appeal.", 180, "days", "internal_appeal"),
    # an expedited request with a limit in hours
    ("Your request for an expedited appeal must be made within 72 hours.", 72, "hours",
     "expedited_appeal"),
]


@pytest.mark.parametrize(("category", "text"), FOUND, ids=[f"{c}-{i}" for i, (c, _) in
                                                            enumerate(FOUND)])
def test_real_wording_is_found(scanner: Scanner, category: str, text: str) -> None:
    report = scanner.scan_text(text)
    assert category in {f.category for f in report.findings}, report.findings


@pytest.mark.parametrize(("text", "value", "unit", "action"), DEADLINES,
                         ids=[f"deadline-{i}" for i in range(len(DEADLINES))])
def test_real_deadline_shapes(scanner: Scanner, text: str, value: int, unit: str,
                              action: str) -> None:
    deadlines = [f.deadline for f in scanner.scan_text(text).findings if f.deadline]
    assert len(deadlines) == 1, deadlines
    assert (deadlines[0].value, deadlines[0].unit, deadlines[0].action) == (value, unit, action)
