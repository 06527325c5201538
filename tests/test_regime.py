"""The rulebook from weighted evidence: no phrase decides alone, mentions in passing count
little, split evidence is "uncertain" with its candidates, a non-US plan names its country."""

from __future__ import annotations

from pathlib import Path

import pytest

from policyscan.datafile import DataFileError
from policyscan.regime import detect_regime, load_regimes, regime_of
from policyscan.scanner import Scanner

FEHB_BROCHURE = {
    1: "2026 Federal Employees Health Benefits Program brochure. This plan is offered under "
       "the FEHB Program, administered by the Office of Personnel Management.",
    40: "Coordinating benefits with Medicare. If you are enrolled in a Medicare Advantage "
        "plan, tell us; we coordinate benefits with the Medicare Advantage plan as the "
        "primary payer. Medicare Advantage plans pay first in that case.",
    55: "Section 8. The disputed claims process. Write to us within 6 months from the date "
        "of our decision and ask us to look at it again. After that you may ask OPM to "
        "review it.",
}


def test_issue_11_fehb_brochure_that_explains_medicare_advantage_is_fehb() -> None:
    regime = detect_regime(FEHB_BROCHURE)
    assert regime.name == "fehb"
    assert all(e.page != 40 for e in regime.evidence)  # the COB page is no evidence
    assert regime.evidence and regime.evidence[0].page == 1


def test_the_sbc_minimum_essential_coverage_wording_names_no_regime() -> None:
    regime = detect_regime({5: "Does this plan provide Minimum Essential Coverage? Yes. "
                               "Minimum Essential Coverage generally includes plans, health "
                               "insurance available through the Marketplace, Medicare, "
                               "Medicaid, CHIP, TRICARE, and certain other coverage."})
    assert regime.name == "unknown"
    assert regime.candidates == ()


def test_issue_11_non_us_policy_names_its_country_and_no_us_regime() -> None:
    regime = detect_regime({
        2: "This policy is issued under the rules of the Insurance Regulatory and "
           "Development Authority of India (IRDAI). A free look period applies to a new "
           "individual policy.",
        9: "If you are not satisfied, you may approach the Insurance Ombudsman."})
    assert (regime.name, regime.country) == ("non_us", "India")


def test_split_evidence_is_uncertain_with_every_candidate() -> None:
    regime = detect_regime({
        1: "This summary plan description describes your rights under ERISA.",
        2: "Members of this Medicare Advantage plan ask for an organization determination."})
    assert regime.name == "uncertain"
    assert set(regime.candidates) == {"erisa", "medicare_advantage"}
    assert {e.regime for e in regime.evidence} == {"erisa", "medicare_advantage"}


def test_a_medicare_advantage_booklet_explains_original_medicare_without_doubt() -> None:
    regime = detect_regime({
        1: "This Evidence of Coverage explains your Medicare Advantage plan. Ask us for an "
           "organization determination.",
        30: "In Original Medicare, a Medicare Administrative Contractor decides a "
            "redetermination; the Qualified Independent Contractor reviews it."})
    assert regime.name == "medicare_advantage"


def test_a_payer_medical_policy_is_no_plan() -> None:
    regime = regime_of("medical_policy", {1: "Medicare Advantage members: see the note."})
    assert regime.name == "unknown" and regime.label.startswith("Not a plan")


def test_regime_reaches_json_and_every_report(scanner: Scanner) -> None:
    report = scanner.scan_text("\f".join(FEHB_BROCHURE.values()))
    assert report.regime is not None
    data = report.to_dict()["regime"]
    assert data["name"] == "fehb" and data["evidence"][0]["page"] == 1
    from policyscan.report.wording import rulebook_line

    line = rulebook_line(report)
    assert line is not None and "Federal Employees Health Benefits" in line


def test_a_bad_regime_entry_names_its_field(tmp_path: Path) -> None:
    bad = tmp_path / "regimes.yaml"
    bad.write_text("regimes:\n  - id: x\n    label: X\n    defaults: sometimes\n"
                   "    source: s\n    signals: [{weight: 1, words: [x]}]\n")
    with pytest.raises(DataFileError, match="defaults"):
        load_regimes(bad)


# Which plan each corpus document is (PROVENANCE*.md); documents that are no plan, SBCs
# that do not say, and the templates are not listed: they must only never be non-US.
CORPUS_REGIMES = {
    "brochure_fedvip_dominion_national_dental_epo_2026.pdf": "fedvip",
    "brochure_fedvip_metlife_federal_dental_plan_2026.pdf": "fedvip",
    "certificate_nyship_anthem_nys_dental_plan_2024.pdf": "governmental",
    "complaints_policy_day1_health_south_africa_2025.pdf": "non_us",
    "dol_model_notices_adverse_benefit_determination_2014.pdf": "erisa",
    "eoc_kaiser_medicare_advantage_group_hmo_fcps_2026.pdf": "medicare_advantage",
    "policy_delta_dental_nj_individual_basic_family_ppo_plan_i_2022.pdf": "aca_individual",
    "policy_healthnet_life_ca_ifp_minimum_coverage_ppo_2020.pdf": "aca_individual",
    "policy_wording_county_medical_uk_private_medical_insurance_2018.pdf": "non_us",
    "policy_wording_hdfc_ergo_easy_health_india_2022.pdf": "non_us",
    "policy_wording_icici_lombard_golden_shield_india_2022.pdf": "non_us",
    "spd_lakota_corporation_health_welfare_wrap_plan_2024.pdf": "erisa",
    "spd_princeton_university_uhc_princeton_health_plan_2024.pdf": "erisa",
    "certificate_highmark_bcbs_cmu_ship_medical_2024-25.pdf": "student_health",
    "benefit_grid_highmark_cmu_ship_2024-25.pdf": "student_health",
    "booklet_anthem_ucship_ucdavis_ppo_2024-25.pdf": "student_health",
    "text/booklet_anthem_ucship_ucdavis_ppo_2024-25.txt": "student_health",
    "eoc_western_dental_calhr_state_employee_dhmo_2026.pdf": "governmental",
    "sbc_healthfirst_ny_essential_plan1_2026.pdf": "basic_health_program",
}


# Issue 11: what a state, county, city or school-district employer's plan says of itself
# (our own sentences; no state or agency is named in the regime data).
GOVERNMENTAL = [
    {2: 'Group means the County of Alder, which offers this dental plan to its workers.'},
    {1: "This booklet describes the health plan for employees of the Maple Valley school "
        "district and their families.",
     4: "Eligibility is set by the district's Department of Human Resources."},
    {1: "Benefits for public employees and retirees enrolled through the state's public "
        "employees' retirement system.",
     9: "Questions about enrolment go to the Employee Benefits Division."},
    {3: "This plan is a governmental plan sponsored by a public employer. Its members "
        "enrol through their agency."},
]


@pytest.mark.parametrize("pages", GOVERNMENTAL)
def test_issue_11_public_employer_plans_are_governmental(pages: dict[int, str]) -> None:
    regime = detect_regime(pages)
    assert regime.name == "governmental", regime
    assert regime.evidence


def test_the_laws_of_a_state_make_no_plan_governmental() -> None:
    # Every plan sold in a state is construed under its laws; a state's name is no evidence.
    regime = detect_regime({
        1: "Individual and Family Plan policy. This policy is governed by the laws of the "
           "State of California.",
        3: "You may buy this individual and family plan through the individual market."})
    assert regime.name == "aca_individual"


def test_issue_11_a_student_plan_is_student_health_insurance_with_evidence() -> None:
    regime = detect_regime({
        1: "Student Health Insurance Plan certificate for the 2031-32 academic year, "
           "offered by an institution of higher education to its students.",
        5: "Insured students may buy a plan in the individual market instead.",
        7: "The student health center refers you to specialists."})
    assert regime.name == "student_health"
    assert "147.145" in regime.label and "individual market" in regime.label
    assert regime.evidence and regime.evidence[0].page == 1


def test_an_employer_group_medicare_advantage_plan_follows_medicare_advantage() -> None:
    regime = detect_regime({
        1: "Evidence of Coverage for retirees of a public school district enrolled in our "
           "Medicare Advantage plan.",
        4: "Ask us for an organization determination. Public employees who retire keep "
           "this group plan."})
    assert regime.name == "medicare_advantage"


@pytest.mark.parametrize("name", sorted(CORPUS_REGIMES))
def test_corpus_regime(scanner: Scanner, corpus: Path, name: str) -> None:
    report = scanner.scan(corpus / name)
    assert report.regime is not None
    assert report.regime.name == CORPUS_REGIMES[name], report.regime


def test_issue_11_a_knox_keene_plan_names_california_law_beside_its_regime() -> None:
    regime = detect_regime({
        1: "Group means the County of Alder. This dental plan holds its license under "
           "the Knox-Keene Act.",
        30: "You may file a complaint with the Department of Managed Health Care after "
            "using our grievance process."})
    assert regime.name == "governmental"
    assert "Knox-Keene" in regime.label and "6 months" in regime.label
    assert {e.regime for e in regime.evidence} == {"governmental", "california_knox_keene"}


def test_an_independent_medical_review_alone_is_no_knox_keene_plan() -> None:
    # An insurer's policy under the Department of Insurance offers an IMR too.
    regime = detect_regime({
        1: "Individual and Family Plan policy sold in the individual market.",
        **{n: "You may ask for an Independent Medical Review of a denial." for n in (20, 21,
                                                                                     22)}})
    assert regime.name == "aca_individual" and "Knox-Keene" not in regime.label


def test_issue_11_whitespace_does_not_turn_one_phrase_into_several() -> None:
    # Each way a line broke the same words counted again as a new phrase (a weight-1
    # phrase repeated can never reach the minimum alone).
    pages = {1: "This policy is guaranteed renewable.",
             2: "This policy is guaranteed\nrenewable.",
             3: "This policy is guaranteed \n renewable.",
             4: "This policy is guaranteed  renewable."}
    assert detect_regime(pages).name == "unknown"


def test_a_basic_health_program_plan_is_no_individual_market_policy() -> None:
    regime = detect_regime({1: "Summary of your Basic Health Program coverage. For more "
                               "on the Marketplace, see the state's site.",
                            3: "Plans in the individual market cost more."})
    assert regime.name == "basic_health_program" and "no federal default" in regime.label
