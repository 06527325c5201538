"""Document kinds and sections change what a passage means: an item in the NOT-covered
list is an exclusion, the same words in Other Covered Services are not; a discrimination
grievance is not a claim appeal; a glossary defines and states no plan term."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from policyscan.models import DocumentReport, Finding
from policyscan.scanner import Scanner

SAMPLES = Path(__file__).resolve().parents[1] / "sample_policies"
NORTHWIND_SBC = "sbc_northwind_silver_ppo.pdf"
BLUEBIRD_SBC = "sbc_bluebird_bronze_hmo.pdf"
EXCLUDED_SECTION = "Excluded Services & Other Covered Services"


@pytest.fixture(scope="module")
def sample(scanner: Scanner) -> Callable[[str], DocumentReport]:
    """A sample policy's report, scanned once for the whole module."""
    cache: dict[str, DocumentReport] = {}

    def get(name: str) -> DocumentReport:
        if name not in cache:
            cache[name] = scanner.scan(SAMPLES / name)
        return cache[name]

    return get


def of(report: DocumentReport, category: str) -> list[Finding]:
    return [f for f in report.findings if f.category == category]


# -- kinds ------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "kind"), [
    (NORTHWIND_SBC, "sbc"),
    (BLUEBIRD_SBC, "sbc"),
    ("certificate_northwind_excerpt.pdf", "plan_document"),
    ("certificate_northwind_excerpt.txt", "plan_document"),
    ("denial_letter_microneedling.pdf", "denial_notice"),
])
def test_sample_policy_kinds(sample: Callable[[str], DocumentReport], name: str,
                             kind: str) -> None:
    assert sample(name).kind == kind


SNIPPETS = [
    # the uniform glossary
    ("glossary", "Glossary of Health Coverage and Medical Terms\n\nAppeal\nA request for your "
     "health insurer or plan to review a decision.\n\nPreauthorization\nA decision by your "
     "health insurer that a service is medically necessary."),
    # a payer's clinical policy
    ("medical_policy", "Medical Policy: Bariatric Surgery\nPolicy Number: 2025T0362\n"
     "Coverage Rationale\nBariatric surgery is medically necessary when the criteria below "
     "are met.\nApplicable Codes\nCPT 43644"),
    # a blank request form
    ("form", "Prior Authorization Request Form\nPlease complete all fields and fax to "
     "555-0100.\nPatient Name: ________\nMember ID #: ________\nPhysician signature ______ "
     "Date ______"),
    # a denial letter
    ("denial_notice", "Notice of Adverse Benefit Determination\nYour claim has been denied. "
     "You may file an appeal within 180 days of receiving this notice."),
    # an evidence of coverage
    ("plan_document", "Evidence of Coverage\nThis booklet describes your benefits. Your "
     "deductible is $500 and your coinsurance is 20%."),
    # a health care sharing ministry's rules, which are not insurance
    ("plan_document", "Harbor Light Sharing Fellowship\nMember Guidelines 2026\nThis is not "
     "insurance. Members share one another's eligible medical bills under these "
     "guidelines."),
    # an appeal's last answer, its title without "Notice of", an evidence of coverage named
    ("denial_notice", "FINAL INTERNAL ADVERSE BENEFIT DETERMINATION\nAppeal Decision: Denial "
     "Upheld\nWe have reviewed your appeal and are upholding our March 3 decision. Your "
     "certificate of coverage excludes cosmetic surgery."),
    # an HMO's contract with an employer abroad
    ("plan_document", "HEALTH CARE AGREEMENT\nThis Agreement is made between the HMO and the "
     "Company. Members must secure a letter of authorization before any planned admission."),
    # a handbook named for its readers, whose registration page quotes its enrolment form
    ("plan_document", "KESTREL HMO  ENROLLEE HANDBOOK\n2.3 Signing up\nFill in the enrolment "
     "form at your employer's desk.\n2.4 Consent (as printed on the enrolment form)\nI confirm "
     "these details are true. Specialist care needs an authorisation code from us."),
    # a program guide that asks its reader to keep explanations of benefits
    ("plan_document", "Veterans Family Care Program Guide\nKeep this guide with your "
     "identification card and your Explanation of Benefits (EOB) statements. Some services "
     "must be approved before you receive them."),
    # written for the plan's providers
    ("other", "Larkspur Health Plan  Provider Manual 2026\nChapter 5: Utilization Management\n"
     "Practitioners must request prior authorization for the services below. Members may "
     "appeal a denial within 180 days."),
    # a continuation election, not a plan's terms
    ("other", "COBRA CONTINUATION COVERAGE ELECTION NOTICE\nYou may elect to continue your "
     "group health coverage. Your certificate of coverage describes your benefits. Return "
     "the election form within 60 days."),
    # a state agency's notice by its own name, with a form to ask for a hearing
    ("denial_notice", "STATE DEPARTMENT OF HUMAN SERVICES\nNOTICE OF DECISION: CHANGE IN YOUR "
     "HOME CARE SERVICES\nWe will lower your attendant hours. To ask for a hearing, fill in "
     "the form on page 4 and sign it."),
    # a decision on part of a request, citing the plan's certificate and coverage policy
    ("denial_notice", "Utilization Management\nDear Ms. Rivera,\nWe approved part of your "
     "request: the eyelid repair is approved, the brow lift is denied. The brow lift is "
     "cosmetic under your certificate of coverage and our coverage policy on eyelid surgery. "
     "Because this is a partial approval, you may appeal the part we denied."),
    # an employer's guide to its assistance program
    ("plan_document", "Harlow Tools, Inc.\nEmployee Assistance Program - Employee Guide\nSix "
     "free counseling sessions per issue. The EAP does not pay for inpatient care."),
    # a discount plan's own terms
    ("plan_document", "BRIGHTSMILE SAVINGS PLAN\nMEMBERSHIP TERMS AND CONDITIONS\nThis is not "
     "insurance. Members pay reduced fees to participating dentists."),
    # a plan's newsletter, which quotes the plan's rules
    ("other", "GREENFIELD HEALTH CONNECTIONS\nMember Newsletter | Spring 2026 | Issue 2\nNew "
     "this year: some scans need prior authorization. Your evidence of coverage explains how "
     "to appeal."),
    # a hospital's charity care policy, which is not insurance
    ("other", "Riverbend Medical Center\nFINANCIAL ASSISTANCE POLICY\nPatients with household "
     "income under 200% of the poverty level pay nothing. Cosmetic procedures are not "
     "eligible. You may appeal a denied application within 30 days."),
    # accident-only cover by its own name
    ("plan_document", "Policy Number: SA-2291\nBLANKET STUDENT ACCIDENT INSURANCE POLICY\nWe pay "
     "covered medical expenses for injuries from school activities. Cosmetic surgery is "
     "excluded unless needed because of a covered injury."),
    # a practice's own membership, which is not insurance and no plan's terms
    ("other", "MAPLEWOOD FAMILY DIRECT PRIMARY CARE\nMEMBERSHIP AGREEMENT\nThis agreement is "
     "not health insurance. Your monthly fee covers office visits with your physician; "
     "cosmetic services are extra."),
    # a member's appeal as sent, quoting the plan's denial
    ("other", "Jordan Ellis\n14 Birch Lane\nRE: First-Level Appeal of Adverse Benefit "
     "Determination\nI am writing to appeal the denial of my septoplasty. Your notice says I "
     "have 180 days to appeal. Enclosed is my surgeon's letter of medical necessity."),
    # a public plan's guide for residents by its subject
    ("plan_document", "Department of Health\nYOUR GUIDE TO PROVINCIAL HEALTH COVERAGE\nWhat "
     "is insured and what is not. Cosmetic surgery is not insured."),
    # a public scheme's guide for its beneficiaries, one check box in it
    ("plan_document", "Ministry of Health\nHEALTH SCHEME BENEFICIARY GUIDE\nTreatment in "
     "empanelled hospitals needs prior permission. [ ] Tick if you are a pensioner."),
    # a denial letter by its own title, with an appeal request form enclosed
    ("denial_notice", "Harbor Mutual\nNOTICE OF CLAIM DENIAL\nWe cannot pay this claim. To "
     "appeal, complete the enclosed appeal request form within 180 days."),
    # a program's bulletin to its providers on a coverage rule
    ("medical_policy", "Department of Medical Assistance\nPROVIDER BULLETIN\nFrom July 1, "
     "orthodontic treatment needs prior authorization; cases that are cosmetic only are "
     "denied."),
    # an employer's wellness notice beside its plan
    ("other", "Acme Corp Wellness Program - Annual Notice\nA tobacco surcharge applies unless "
     "you complete a cessation class. See your certificate of coverage for plan benefits."),
    # nothing about insurance at all
    ("other", "Dear neighbour, the community picnic is on Saturday. Bring a dish to share "
     "and a folding chair."),
]


@pytest.mark.parametrize(("kind", "text"), SNIPPETS, ids=[k for k, _ in SNIPPETS])
def test_kind_of_a_synthetic_snippet(scanner: Scanner, kind: str, text: str) -> None:
    assert scanner.scan_text(text, name="document.txt").kind == kind


def test_cost_sharing_words_alone_do_not_make_a_plan_document(scanner: Scanner) -> None:
    report = scanner.scan_text("Your deductible is $500 this year.", name="note.txt")
    assert report.kind == "other"


# -- SBC sections -----------------------------------------------------------------------


@pytest.mark.parametrize("name", [NORTHWIND_SBC, BLUEBIRD_SBC])
def test_not_covered_list_item_is_a_cosmetic_exclusion_in_the_excluded_services_section(
        sample: Callable[[str], DocumentReport], name: str) -> None:
    items = [f for f in of(sample(name), "cosmetic_exclusion")
             if f.quote.lower() == "cosmetic surgery"]
    assert len(items) == 1
    assert items[0].section == EXCLUDED_SECTION


@pytest.mark.parametrize("name", [NORTHWIND_SBC, BLUEBIRD_SBC])
def test_reconstructive_surgery_listed_as_covered_is_not_a_cosmetic_exclusion(
        sample: Callable[[str], DocumentReport], name: str) -> None:
    assert not any("reconstructive" in f.quote.lower()
                   for f in of(sample(name), "cosmetic_exclusion"))


def test_grid_findings_name_their_common_medical_event_row(
        sample: Callable[[str], DocumentReport]) -> None:
    sections = {f.section for f in of(sample(NORTHWIND_SBC), "prior_authorization")}
    assert "If you have outpatient surgery" in sections
    assert "If you have a hospital stay" in sections


SBC_LISTS = (
    "Summary of Benefits and Coverage: What this Plan Covers & What You Pay for Covered "
    "Services\nCoverage Period: 01/01/2026 - 12/31/2026\n\n"
    "Excluded Services & Other Covered Services:\n"
    "Services Your Plan Generally Does NOT Cover (Check your policy or plan document for more "
    "information and a list of any other excluded services.)\n"
    "\u2022 Cosmetic surgery \u2022 Dental care (Adult) \u2022 Long-term care\n"
    "Other Covered Services (Limitations may apply to these services. This isn't a complete "
    "list.)\n"
    "\u2022 Acupuncture \u2022 Reconstructive surgery \u2022 Chiropractic care\n"
)


def test_text_sbc_lists_set_the_section_and_keep_covered_items_out(scanner: Scanner) -> None:
    report = scanner.scan_text(SBC_LISTS, name="sbc.txt")
    assert report.kind == "sbc"
    cosmetic = of(report, "cosmetic_exclusion")
    assert [(f.quote, f.section) for f in cosmetic] == [("Cosmetic surgery", EXCLUDED_SECTION)]


# -- appeals versus civil-rights grievances ---------------------------------------------

NONDISCRIMINATION = (
    "Nondiscrimination Notice\n"
    "Northwind Health follows the Federal civil rights laws that apply to it and does not "
    "treat people differently because of a person's race, sex, color, age, disability or "
    "national origin. If you think we did not provide these services or treated you unfairly in "
    "another way, you can file a discrimination grievance with our Civil Rights Coordinator "
    "by mail or phone.\n"
)
RIGHT_TO_APPEAL = (
    "Your Right to Appeal\n"
    "If we deny your claim, you have the right to appeal our decision. You may file an "
    "appeal within 180 days of receiving this notice.\n"
)


def test_discrimination_grievance_is_not_an_appeal_right(scanner: Scanner) -> None:
    report = scanner.scan_text(NONDISCRIMINATION)
    assert of(report, "appeal_rights") == []
    assert report.facts.values["appeal_rights"] is False


def test_right_to_appeal_is_an_appeal_right(scanner: Scanner) -> None:
    report = scanner.scan_text(RIGHT_TO_APPEAL)
    assert of(report, "appeal_rights")
    assert report.facts.values["appeal_rights"] is True


def test_nondiscrimination_page_of_a_sample_sbc_gives_no_appeal_rights(
        sample: Callable[[str], DocumentReport]) -> None:
    report = sample(NORTHWIND_SBC)
    assert report.pages == 8  # page 8 is the nondiscrimination notice
    pages = {f.page for f in of(report, "appeal_rights")}
    assert 5 in pages  # Your Grievance and Appeals Rights
    assert 8 not in pages


def test_appeal_section_followed_by_a_nondiscrimination_notice_keeps_its_appeal_rights(
        scanner: Scanner) -> None:
    report = scanner.scan_text("Notice of Adverse Benefit Determination\n\n" + RIGHT_TO_APPEAL
                               + "\n" + NONDISCRIMINATION, name="denial.txt")
    assert report.kind == "denial_notice"
    assert of(report, "appeal_rights")
    assert report.facts.appeal_deadline is not None


# -- glossary definitions ---------------------------------------------------------------

GLOSSARY = (
    "Glossary of Health Coverage and Medical Terms\n\n"
    "Preauthorization\n"
    "Your plan's decision, before you get a health care service, that the service is "
    "medically necessary. Also known as prior authorization, prior approval or "
    "precertification. Some plans require preauthorization for certain services.\n\n"
    "Appeal\n"
    "A request for your health insurer or plan to review a decision or a grievance again.\n"
)


def test_glossary_definitions_give_findings_but_every_fact_is_false(scanner: Scanner) -> None:
    report = scanner.scan_text(GLOSSARY, name="glossary.txt")
    assert report.kind == "glossary"
    assert of(report, "prior_authorization")
    assert report.facts.values
    assert all(v is False for v in report.facts.values.values())
    assert report.facts.appeal_deadline is None


def test_related_policies_and_cited_studies_state_no_plan_term(scanner: Scanner) -> None:
    """Other documents' titles and studies' titles are neither facts nor findings."""
    report = scanner.scan_text(
        "Medical Policy: Laser Therapy\n\nRelated Policies\n"
        "Cosmetic and Reconstructive Surgery (after an accident or a mastectomy), MP-7\n\n"
        "Policy\nLaser therapy of the skin is covered when the criteria below are met.\n\n"
        "References\n"
        "1. Ortiz A. Investigational lasers for scars after burns. J Skin Res. 2021;4:12-19.",
        name="policy.txt")
    assert not of(report, "reconstructive_exception")
    assert not of(report, "experimental_exclusion")
    assert report.facts.values["reconstructive_exception"] is False


def test_a_list_that_points_back_takes_its_role_from_the_sentence_before(
        scanner: Scanner) -> None:
    report = scanner.scan_text(
        "Coverage\nThe plan considers focused ultrasound investigational, and therefore not "
        "covered, for any other use, because the evidence is too thin. These uses include, "
        "but are not limited to:\n- Tremor affecting both sides of the body;\n- Uterine "
        "fibroids and adenomyosis;\n- Tumors of the bone or soft tissue;", name="policy.txt")
    items = [f for f in of(report, "experimental_exclusion") if "Uterine fibroids" in f.quote]
    assert items and (items[0].section or "").startswith("These uses include")


@pytest.mark.parametrize("heading", ["Excluded drugs and supplies",
                                     "DRUGS AND SUPPLIES THE PROGRAM DOES NOT COVER",
                                     "Things we don't cover"])
def test_a_heading_set_apart_names_its_list_whatever_its_capitals(
        scanner: Scanner, heading: str) -> None:
    """A short line with a blank line above and a list under it is a heading in sentence
    case too, and "does not cover" names an exclusion list as "not covered" does."""
    report = scanner.scan_text(
        f"Drugs for seniors\n\n{heading}\n\u2022 Weight-loss drugs\n\u2022 Investigational "
        "drugs and drugs used in a research study\n\u2022 Vitamins", name="guide.txt")
    items = of(report, "experimental_exclusion")
    assert items and items[0].section == heading.strip()


def test_a_bulleted_line_is_an_item_never_a_heading(scanner: Scanner) -> None:
    """A contents list's item ("\u2022 Drugs we do not pay for") heads nothing: the pages
    after it are not an exclusion list."""
    report = scanner.scan_text(
        "This guide explains:\n\u2022 How to fill a prescription\n\u2022 Drugs We Do Not "
        "Pay For\n\u2022 How to appeal\n\nJoining a research study does not end your drug "
        "coverage; the study drug is supplied by the study's sponsor.", name="guide.txt")
    assert not [f for f in report.findings if f.section and "Pay For" in f.section]
    assert not of(report, "experimental_exclusion")


def test_table_cells_far_apart_are_read_in_one_pass(scanner: Scanner) -> None:
    """A line of cells with long runs of spaces between them (a wide benefit grid as
    extracted) is a table row, not a heading, and reading it never backtracks: one
    quantifier nested in another on those spaces made a booklet's scan hang."""
    row = "Hospital stay" + " " * 3000 + "20% after deductible" + " " * 3000 + "x"
    report = scanner.scan_text(f"Benefit grid\n\n{row}\n\nNo Deductible  Not covered\n\n"
                               "Cosmetic surgery", name="grid.txt")
    assert not [f for f in report.findings if f.section == "Not covered"]


def test_a_printed_side_menu_heads_nothing(scanner: Scanner) -> None:
    """A web page printed with its side menu: the menu's items ("Definitions", "Policy
    History") stand in a right-hand column or in a stack of labels, and head nothing;
    the policy's own findings stay plan terms."""
    report = scanner.scan_text(
        "Coverage Bulletin: Body Contouring\n\n"
        "Number: 0777                                  Policy History\n"
        "                                              Last Review: 01/02/2026\n"
        "                                              Review History\n"
        "                                              Definitions\n"
        "                                              Additional Information\n\n"
        "Policy\nThe plan considers abdominoplasty cosmetic and does not cover it.\n"
        "Precertification of panniculectomy is required.", name="bulletin.txt")
    assert report.findings
    assert all(f.plan_term for f in report.findings), [(f.section, f.quote) for f in report.findings]
    assert report.facts.values["prior_authorization"]


def test_a_heading_beside_a_cell_is_read_from_its_own_column(scanner: Scanner) -> None:
    """"Not covered:" with the column of what you pay beside it ("All charges") still
    opens the list under it."""
    report = scanner.scan_text(
        "Surgical benefits\n\nNot covered:                                      All charges\n"
        "\u2022 Cosmetic surgery done mainly to change how you look\n"
        "\u2022 Fillers injected to smooth facial lines", name="brochure.txt")
    items = of(report, "cosmetic_exclusion")
    assert items and (items[0].section or "").startswith("Not covered")


def test_a_lead_in_on_two_lines_starts_where_its_sentence_does(scanner: Scanner) -> None:
    """A list's lead-in that begins mid-line ("… are excluded. Examples include, but are not
    / limited to:") takes only its own sentence: the exclusion before it keeps its whole
    quote."""
    report = scanner.scan_text(
        "Cosmetic Ear Surgery\nReshaping ears that work normally is cosmetic and is\n"
        "excluded from coverage under our standard plans. Examples include, but are not\n"
        "limited to:\n\u2022 pinning back prominent ears\n\u2022 reshaping earlobes", name="p.txt")
    quotes = [" ".join(f.quote.split()) for f in of(report, "cosmetic_exclusion")]
    assert any("excluded from coverage under our standard plans" in q for q in quotes), quotes


@pytest.mark.parametrize("heading", [
    "C. Member appeal rights",  # lettered, in sentence case, prose right under it
    "HOW TO ASK US TO REVIEW A CLAIM WE HAVE DECLINED",  # in capitals, ten words
])
def test_numbered_and_capitalised_headings_end_the_definitions_before_them(
        scanner: Scanner, heading: str) -> None:
    report = scanner.scan_text(
        "DEFINITIONS\nClaim: a request for payment.\nProvider: a licensed practitioner.\n\n"
        f"{heading}\nIf you disagree with our decision on a claim, you may ask us to review it. "
        "Send your request within 6 months of our letter.", name="booklet.txt")
    rights = of(report, "appeal_rights")
    assert rights and all(f.plan_term for f in rights)
    fact = report.facts.appeal_deadline
    assert fact is not None and (fact.value, fact.unit) == (6, "months")


def test_an_article_heading_ends_the_definitions_whatever_its_title_names(
        scanner: Scanner) -> None:
    """Conditions numbered by article ("Art. 4  Start of cover, waiting periods") head
    their own text in a file without fonts: the article of definitions before them does
    not run on over the complaints article and make every fact a definition's."""
    report = scanner.scan_text(
        "Art. 3   Definitions\n3.1  Accident: a sudden harmful event from outside the body.\n"
        "3.2  Hospital: an institution on the cantonal list.\n\n"
        "Art. 4   Start of cover, waiting periods, premium payment by instalments\n"
        "4.1  Cover starts on the date in the policy.\n\n"
        "Art. 9   Disagreements and the ombudsman\n"
        "9.1  If you do not agree with a decision on benefits, you may ask us in writing to "
        "reconsider it.\n", name="conditions.txt")
    rights = of(report, "appeal_rights")
    assert rights and all(f.plan_term for f in rights)
    assert report.facts.values["appeal_rights"] is True
    sections = {f.section for f in rights}
    assert sections and not any("Definitions" in (s or "") for s in sections)


def test_a_numbered_heading_in_capitals_ends_the_section_before_it(scanner: Scanner) -> None:
    """ "4. OUR DECISION" names no role, but a number and capitals on a line set apart make
    it a heading: the definitions before it end there."""
    report = scanner.scan_text(
        "DEFINITIONS\n\nClaim: a request for payment.\n\n4. OUR DECISION\n\nIf you "
        "disagree with our decision on a claim, you may ask us to review it.\n",
        name="letter.txt")
    rights = of(report, "appeal_rights")
    assert rights and all(f.plan_term for f in rights)


def test_a_short_title_in_capitals_or_over_a_paragraph_heads_its_text(scanner: Scanner) -> None:
    """Without fonts, a short line in capitals ("ASKING US TO PAY YOU BACK") or two words
    over a paragraph ("Clinical trials") is a heading: the definitions or exclusions before
    it end there. A sentence set in capitals is none."""
    report = scanner.scan_text(
        "WORDS WE USE\n\nClaim: a request for payment.\n\nASKING US TO LOOK AGAIN\nIf you "
        "disagree with our decision on a claim, you may ask us to review it.\n",
        name="guide.txt")
    rights = of(report, "appeal_rights")
    assert rights and all(f.plan_term for f in rights)
    trials = scanner.scan_text(
        "DRUGS NOT COVERED\n1. Drugs for hair growth.\n2. Drugs still under study.\n\n"
        "Clinical trials\nIf you join an approved trial, your plan keeps paying for routine "
        "drugs. The drug being studied is supplied by the sponsor.\n", name="list.txt")
    assert not [f for f in of(trials, "experimental_exclusion") if "sponsor" in f.quote]
    sentence = scanner.scan_text(
        "EXCLUSIONS\n\nIF YOU THINK YOU HAVE AN EMERGENCY, CALL\nWe do not cover cosmetic "
        "surgery.\n", name="guide.txt")
    assert of(sentence, "cosmetic_exclusion")


def test_a_list_of_what_something_is_not_lists_exclusions(scanner: Scanner) -> None:
    """ "None of the following is hospitalization for treatment:" opens a list of what the
    benefit leaves out, as "The following are excluded:" does."""
    report = scanner.scan_text(
        "Article 5  Hospitalization\nNone of the following is a stay for treatment:\n"
        "(1) a stay for cosmetic procedures;\n(2) a stay for a routine check-up;\n",
        name="terms.txt")
    assert of(report, "cosmetic_exclusion")


def test_a_list_of_records_read_states_no_requirement(scanner: Scanner) -> None:
    """A review letter's "What we reviewed" lists documents by name, after a sentence
    pointing at the list: a prior authorization request named there is a record read,
    not a requirement."""
    report = scanner.scan_text(
        "2. WHAT WE REVIEWED\n\nOur reviewer read each record listed below.\n\n"
        "  \u2022  Prior authorization request and office notes, 11/2025\n"
        "  \u2022  Operative report, 09/2024\n\n3. WHO DECIDED\n\nA board-certified "
        "surgeon.\n", name="letter.txt")
    assert not of(report, "prior_authorization")


def test_a_heading_numbered_with_digits_heads_its_section(scanner: Scanner) -> None:
    """ "7. GENERAL EXCLUSIONS" begins with a digit, not a capital: its words still make it
    the exclusions heading over the numbered items under it."""
    report = scanner.scan_text(
        "6. DEFINITIONS\nHospital means a licensed institution.\n\n"
        "7. GENERAL EXCLUSIONS\nWe will not pay for any of the following:\n\n"
        "7.1  Pre-existing conditions during the first year.\n"
        "7.2  Beauty treatment and plastic surgery to improve looks, unless needed after an "
        "accident.\n", name="wording.txt")
    cosmetic = of(report, "cosmetic_exclusion")
    assert cosmetic and all(f.plan_term for f in cosmetic)
    assert report.facts.values["cosmetic_exclusion"] is True


@pytest.mark.parametrize("line", ["Necessary; Covered Expenses include:",
                                  "Covered Services and Supplies Include:"])
def test_the_end_of_a_sentence_that_opens_a_list_heads_no_later_pages(
        scanner: Scanner, line: str) -> None:
    """A line ending a sentence that opens a list ("… Medically / Necessary; Covered Expenses
    include:") is a lead-in whose scope ends with its list, not a heading whose role runs
    on into the appeals chapter."""
    report = scanner.scan_text(
        f"Skilled nursing care must be Medically\n{line}\n\u2022 room and board\n"
        "\u2022 therapy\n\nSPECIFIC PROVISIONS\n\nIf we deny a claim, you may file an appeal "
        "within 180 days of our notice.", name="policy.txt")
    rights = of(report, "appeal_rights")
    assert rights and not [f.section for f in rights
                           if (f.section or "").lower().endswith("include")]


# -- merging and negation ---------------------------------------------------------------


def test_overlapping_hits_of_one_category_merge_into_one_finding(scanner: Scanner) -> None:
    sentence = ("Prior authorization is required; you must obtain preauthorization and "
                "precertification before any planned admission.")
    findings = of(scanner.scan_text(sentence), "prior_authorization")
    assert len(findings) == 1
    assert findings[0].quote == sentence


def test_merged_finding_names_the_other_rules_that_matched(scanner: Scanner) -> None:
    findings = of(scanner.scan_text(
        "You must obtain prior authorization from the plan before surgery."),
        "prior_authorization")
    assert len(findings) == 1
    assert findings[0].also, findings[0]
    assert findings[0].rule not in findings[0].also
    assert "also matched" in findings[0].explanation
    assert findings[0].to_dict()["also_matched"] == list(findings[0].also)


def test_one_passage_of_two_categories_stays_two_findings(scanner: Scanner) -> None:
    report = scanner.scan_text("You may file an appeal within 180 days of the denial.")
    assert sorted(f.category for f in report.findings) == ["appeal_deadline", "appeal_rights"]


def test_separate_passages_are_separate_findings(scanner: Scanner) -> None:
    report = scanner.scan_text("Prior authorization is required for surgery.\n\n"
                               "Imaging needs precertification as well.")
    assert len(of(report, "prior_authorization")) == 2


@pytest.mark.parametrize("heading", ["Exclusions (continued)", "What We Do Not Cover - continued",
                                     "Limitations and Exclusions (Continued)"])
def test_a_continued_heading_keeps_its_role(scanner: Scanner, heading: str) -> None:
    # a section carried over a page break says so in its heading; the marker does not
    # make it prose
    report = scanner.scan_text(f"{heading}\n22. Any device still under clinical investigation.")
    assert [(f.category, f.section) for f in report.findings] == [
        ("experimental_exclusion", heading)]


def test_back_of_book_index_entries_state_nothing(scanner: Scanner) -> None:
    # an index prints a term, a comma and its pages, without dot leaders
    report = scanner.scan_text(
        "Index\nCosmetic procedures, 51\nExternal review, 88-89, 93\n"
        "Preauthorization, 20-22\n  dental implants, 23\n")
    assert not report.findings


def test_an_approval_missing_is_no_approval_not_needed(scanner: Scanner) -> None:
    # "no prior approval was on file, so …" tells of a requirement unmet, not waived
    report = scanner.scan_text(
        "No prior approval was on file for the planned knee surgery, so the plan paid half.")
    assert [f.negated for f in of(report, "prior_authorization")] == [False]


def test_negated_requirement_is_reported_but_sets_no_fact(scanner: Scanner) -> None:
    report = scanner.scan_text("No prior authorization is required for emergency services.")
    findings = of(report, "prior_authorization")
    assert [f.negated for f in findings] == [True]
    assert report.facts.values["prior_authorization"] is False


def test_sample_sbc_negated_row_does_not_hide_the_requirement(
        sample: Callable[[str], DocumentReport]) -> None:
    report = sample(NORTHWIND_SBC)
    negated = [f for f in of(report, "prior_authorization") if f.negated]
    assert len(negated) == 1 and "emergency admissions" in negated[0].quote
    assert report.facts.values["prior_authorization"] is True


# -- plan identity from the SBC header --------------------------------------------------


def test_sbc_header_gives_plan_name_issuer_period_and_type(
        sample: Callable[[str], DocumentReport]) -> None:
    plan = sample(NORTHWIND_SBC).plan
    assert (plan.issuer, plan.name, plan.coverage_period, plan.plan_type) == (
        "Northwind Health Mutual", "Northwind Silver PPO 3000", "07/01/2026 - 06/30/2027", "PPO")


def test_sbc_header_with_coverage_for_on_its_own_line(
        sample: Callable[[str], DocumentReport]) -> None:
    plan = sample(BLUEBIRD_SBC).plan
    assert (plan.issuer, plan.name, plan.plan_type) == (
        "Bluebird Health Plans, Inc.", "Bluebird Bronze HMO 7500", "HMO")


def test_documents_other_than_sbcs_have_no_plan_identity(
        sample: Callable[[str], DocumentReport]) -> None:
    plan = sample("certificate_northwind_excerpt.pdf").plan
    assert (plan.name, plan.issuer, plan.coverage_period, plan.plan_type) == (None,) * 4


def test_a_bold_line_that_runs_on_into_the_next_is_no_heading(scanner: Scanner,
                                                              tmp_path: Path) -> None:
    """A bold line ending on "the" is the start of a sentence, not a section title: the
    deadline that the next line finishes is found, and no section is named after it."""
    from pdfs import styled_pdf

    lines = [("Helvetica-Bold", 14, "How to Appeal"),
             ("Helvetica", 10, "If we deny a claim, you may ask for an informal review first."),
             ("Helvetica-Bold", 10, "You do not have to ask for it. But, you must appeal our "
                                    "decision or the"),
             ("Helvetica", 10, "Informal Review decision within 200 days of the date on our "
                               "first letter."),
             ("Helvetica", 10, "Write to the Appeals Unit at the address on your card.")]
    path = styled_pdf(tmp_path / "runs_on.pdf", lines, left=60, top=760, step=18)
    report = scanner.scan(path)
    deadlines = [f for f in report.findings if f.category == "appeal_deadline"]
    assert [f.deadline.value for f in deadlines if f.deadline] == [200]
    assert all(not f.section.endswith("or the") for f in report.findings)


def test_a_heading_ending_on_a_capital_a_is_still_a_heading(scanner: Scanner,
                                                            tmp_path: Path) -> None:
    from pdfs import styled_pdf

    lines = [("Helvetica-Bold", 14, "Appendix A"),
             ("Helvetica", 10, "Cosmetic surgery is not covered under this plan.")]
    report = scanner.scan(styled_pdf(tmp_path / "appendix.pdf", lines))
    (finding,) = [f for f in report.findings if f.category == "cosmetic_exclusion"]
    assert finding.section == "Appendix A"


@pytest.mark.parametrize(("source", "hints"), [
    (r"\bmodel notices?\b", ("model notice",)),
    (r"notice of (final (internal )?)?adverse benefit determination",
     ("adverse benefit determination",)),
    (r"\bcoverage period\s*:", ("coverage period",)),
    (r"request form|\bform\)", ("request form", "form)")),
    (r"glossary of (health )?(coverage|insurance)", ("glossary of",)),
    (r"abcd+e", ("abcd",)),  # at least one "d": kept, and the run ends there
    (r"abcd?e", ("abc",)),  # an optional "d" ends the run before it
    (r"[a-z]+ form|xyzzy", ("form", "xyzzy")),
    (r"\bwe (will|do) pay\b", ("pay",)),
    (r"\bwe (will|do)\b", None),  # an alternative without three literal letters
    (r"policy|ab", None),
])
def test_literal_hints_of_a_signal(source: str, hints: tuple[str, ...] | None) -> None:
    from policyscan.rules.kinds import literal_hints

    assert literal_hints(source) == hints


def test_a_text_without_a_signals_words_is_one_it_does_not_match() -> None:
    """Skipping a text that has none of a signal's literal words never loses a match: every
    built-in signal, on the sample policies and on the corpus when it is present."""
    from policyscan.classify import builtin_signals
    from policyscan.rules.kinds import signal_text

    root = Path(__file__).resolve().parents[1]
    texts = [signal_text(p.read_text(encoding="utf-8"))
             for p in sorted((root / "sample_policies").rglob("*.txt"))]
    corpus = root.parent / "shared" / "corpus" / "text"
    texts += [signal_text(p.read_text(encoding="utf-8", errors="replace"))
              for p in sorted(corpus.glob("*"))] if corpus.is_dir() else []
    from test_sentence_families import FOUND, TRAPS

    texts += [signal_text(text) for _, text in FOUND + TRAPS]
    matched = set()
    for signal in builtin_signals():
        for text in texts:
            if signal.pattern.search(text):
                matched.add(signal.pattern.pattern)
                assert signal.may_match(text), (signal.pattern.pattern, signal.hints)
    assert len(matched) >= 10, "too few signals match: the test checks little"


def _quotes(report: DocumentReport, category: str) -> list[str]:
    return [f.quote for f in report.findings if f.category == category]


def test_a_sentence_case_heading_over_a_paragraph_heads_its_list(scanner: Scanner) -> None:
    """Three words or more in sentence case over a paragraph, a blank line above, head it
    ("Services that are not insured"), as two words did; a pipe table's header row does
    not."""
    text = ("Help with bills\nCall us if you have a question about a bill from a clinic.\n\n"
            "Services that are not insured\nYou or your private insurance must pay for the "
            "services below. Ask about the cost first.\n\n• surgery done to change how you "
            "look\n")
    found = _quotes(scanner.scan_text(text, name="guide.txt"), "cosmetic_exclusion")
    assert any("change how you look" in q for q in found), found
    table = ("\nType of complaint | We will decide\nBilling | Within 30 days after we "
             "have everything we need\n")
    report = scanner.scan_text(table, name="table.txt")
    assert all(f.section != "Type of complaint | We will decide" for f in report.findings)


def test_a_document_history_table_ends_where_its_lines_do(scanner: Scanner) -> None:
    """A version table under "Document history" heads nothing after it: the numbered
    sections that follow ("2  Principles", no role of their own) are not history."""
    text = ("Document history\nVersion | Date        | Author             | Summary of change\n"
            "1.0     | May 2024    | Policy lead        | First issue\n\n"
            "2  Principles\n\n2.4  The board does not fund treatments that are experimental "
            "or unproven.\n")
    found = _quotes(scanner.scan_text(text, name="policy.txt"), "experimental_exclusion")
    assert found, "the exclusion was read as part of the document history"


def test_a_section_numbered_with_a_letter_in_brackets_is_a_division(scanner: Scanner) -> None:
    """"Section 5(a). Medical Services and Supplies" heads what follows it, as "Section 5"
    would: a finding under it stands in it, not in the appeals section above."""
    text = ("Your Appeal Rights\nYou can ask us to look at a decision again within 6 months "
            "of our decision.\n\nSection 5(a). Medical Services and Supplies\n\nThe plan "
            "pays only for care that is medically necessary.\n")
    found = [f for f in scanner.scan_text(text, name="brochure.txt").findings
             if f.category == "medical_necessity"]
    assert found and all((f.section or "").startswith("Section 5(a)") for f in found), \
        [(f.section, f.quote) for f in found]


def test_a_kind_read_from_next_to_nothing_is_not_sure() -> None:
    """A check box or two in the body make a form the likeliest kind of a guide that names
    itself in no words the signals know, but not a sure one: its facts still come from its
    passages."""
    from policyscan.classify import classify_text
    from policyscan.facts import SURE_KIND

    weak = classify_text("how our scheme works", "tick one [ ] yes [ ] no", "scheme")
    assert weak.kind == "form" and weak.confidence < SURE_KIND
    strong = classify_text("prior authorization request form please complete", "", "form")
    assert strong.kind == "form" and strong.confidence >= SURE_KIND



def test_a_lead_in_that_goes_on_from_the_line_above_keeps_its_sentence_whole(
        scanner: Scanner) -> None:
    """"… considers X to be cosmetic," / "and therefore not covered, for any use not listed
    above, including:" opens a list, and its scope starts where its sentence does: the
    sentence is not cut in two at the line the list's words stand on."""
    text = ("Other uses\n"
            "The plan considers tattoo removal and skin bleaching to be cosmetic,\n"
            "and therefore not covered, for any use not listed in Parts I to III,\n"
            "including:\n"
            "   \u2022  removal of a tattoo the member chose to have;\n"
            "   \u2022  lightening of normal skin.\n")
    found = _quotes(scanner.scan_text(text, name="policy.txt"), "cosmetic_exclusion")
    assert any("to be cosmetic" in q and "not covered" in q for q in found), found


def test_a_set_apart_heading_of_up_to_eleven_words_heads_its_section(
        scanner: Scanner) -> None:
    """A plain-language heading on its own line, a blank line above it and its paragraph
    under it, may run to eleven words ("When surgery that changes how you look is
    covered"): the exceptions listed under it are not read under the exclusions above."""
    text = ("Things the plan does not cover\n"
            "The plan does not pay for surgery done to improve the way you look.\n\n"
            "When surgery that changes how you look is covered\n"
            "The plan may pay for surgery that also changes how you look if you need it:\n"
            " \u2022  To repair damage from an accident, like a broken nose.\n"
            " \u2022  To rebuild a breast after a mastectomy.\n")
    report = scanner.scan_text(text, name="guide.txt")
    rebuilt = [f for f in report.findings if "rebuild a breast" in f.quote]
    assert rebuilt and all(f.category == "reconstructive_exception" for f in rebuilt), \
        [(f.category, f.section, f.quote) for f in rebuilt]


def test_a_list_of_related_policies_reports_nothing(scanner: Scanner) -> None:
    """Other documents' titles ("Cosmetic and Reconstructive Surgery" among a policy's
    related policies) state no term: they are not findings, not only not facts."""
    text = ("Related Policies\n"
            "MP-1.101    Cosmetic and Reconstructive Surgery\n"
            "MP-1.102    Experimental and Investigational Services\n\n"
            "Policy\n"
            "Laser hair removal is considered cosmetic and is not covered.\n")
    report = scanner.scan_text(text, name="policy.txt")
    listed = [f for f in report.findings if f.page == 1 and "MP-1.10" in f.quote]
    assert not listed, [(f.category, f.quote) for f in listed]
    assert _quotes(report, "cosmetic_exclusion"), "the policy's own statement was lost"


def test_a_regulators_request_form_is_a_sure_form() -> None:
    """A department's external review request form, named by its number and revision and
    by its title, is a form however often its instructions speak of reviews (and its
    division's name is weaker evidence than a title)."""
    from policyscan.classify import classify_text
    from policyscan.facts import SURE_KIND

    head = ("state department of insurance form dr-7 (rev. 01/2026) consumer services "
            "division request for external review of a health plan's decision instructions")
    body = ("who may file: the covered person or a representative. use this form if your "
            "plan upheld its denial. [ ] urgent [ ] standard. sign the form and mail it to "
            "the division. signature of covered person ______ date ______")
    decision = classify_text(head + " " + body, "", "external_review_request")
    assert decision.kind == "form" and decision.confidence >= SURE_KIND, decision


@pytest.mark.parametrize(("front", "kind"), [
    # an employer's packet of required notices, which only points to the SPD
    ("2025 annual benefit notices important notices about your health plan coverage please "
     "read this packet and keep it with your summary plan description. you may owe a "
     "deductible.", "other"),
    # a yearly pack of an insurer's policy terms
    ("personal health cover | renewal pack renewal date: 1 june policy number: 123 your cover "
     "what we pay for", "plan_document"),
    # an employer's summary of its dental and vision plans
    ("2025 dental and vision benefits summary for faculty and staff. the plan pays a "
     "deductible and coinsurance.", "plan_document"),
])
def test_a_document_named_for_what_it_is_beats_one_it_points_to(front: str, kind: str) -> None:
    """A packet that tells the reader to keep it "with your Summary Plan Description" is not
    that plan document; a renewal pack and a benefits summary are plan documents by name."""
    from policyscan.classify import classify_text

    assert classify_text(front, "", "doc").kind == kind


def test_a_glossary_entry_may_open_with_a_verb_that_defines(scanner: Scanner) -> None:
    """"Reconstructive: Describes surgery on …, though it may also improve appearance"
    defines a word; its "may" is no right given to anyone."""
    text = ("Definitions\n"
            "Reconstructive: Describes surgery on parts of the body shaped abnormally by a "
            "birth defect or an injury, done to restore function, though it may also improve "
            "appearance.\n")
    report = scanner.scan_text(text, name="policy.txt")
    assert not of(report, "reconstructive_exception"), of(report, "reconstructive_exception")
