"""Context is evidence, not a gate: section roles from the vocabulary, list lead-ins whose
scope carries to the items under them, no whole-document SBC switch, thresholds and
``min_score``, and facts that come from the passages when the kind is unsure.

Every document here is our own wording, shaped like the phrasings seen in real plans.
"""

from __future__ import annotations

import pytest

from policyscan.classify import classify_text
from policyscan.models import DocumentReport
from policyscan.rules.loader import RuleSet
from policyscan.scanner import Scanner, ScanOptions


def _categories(report: DocumentReport, category: str) -> list[str]:
    return [f.quote for f in report.findings if f.category == category]


@pytest.mark.parametrize("header", [
    "Exclusions",
    "What We Will Not Pay For",
    "Services Not Included",
    "General Limitations",
    "What Your Plan Does Not Cover",
    "Not covered:",
    "We do not cover the following:",
    "The following are excluded:",
    "Services Not Covered: (see Section 7 for general exclusions) (cont.)",
])
def test_a_bare_list_item_takes_its_scope_from_the_header(scanner: Scanner, header: str) -> None:
    text = f"Your Plan\n\n{header}\n• Cosmetic surgery\n• Long-term custodial care\n"
    report = scanner.scan_text(text)
    assert any("Cosmetic surgery" in q for q in _categories(report, "cosmetic_exclusion")), \
        report.findings


def test_a_not_covered_lead_in_inside_a_benefit_table(scanner: Scanner) -> None:
    text = ("Outpatient surgery    $250 copay    40% coinsurance\n"
            "Not covered:\n"
            "• Cosmetic surgery\n"
            "• Weight-loss programs\n")
    report = scanner.scan_text(text)
    assert _categories(report, "cosmetic_exclusion")


def test_a_lead_in_ends_at_a_blank_line_before_prose(scanner: Scanner) -> None:
    text = ("We do not cover:\n"
            "• Hearing aids\n"
            "\n"
            "Your doctor can tell you about cosmetic surgery options and their costs.\n")
    report = scanner.scan_text(text)
    assert not _categories(report, "cosmetic_exclusion"), report.findings


def test_a_lead_in_goes_on_past_a_blank_line_before_more_items(scanner: Scanner) -> None:
    text = ("We do not cover:\n"
            "• Hearing aids\n"
            "\n"
            "• Cosmetic surgery\n")
    report = scanner.scan_text(text)
    assert any("Cosmetic surgery" in q for q in _categories(report, "cosmetic_exclusion")), \
        report.findings


@pytest.mark.parametrize("lead", [
    "The services below are excluded from coverage under Orthodontics.",
    "The following procedures are not covered.",
    "Benefits are not payable for these services.",
])
def test_a_sentence_pointing_at_the_list_under_it_is_a_lead_in(scanner: Scanner,
                                                                lead: str) -> None:
    text = f"Orthodontics\n{lead}\n• Retainer replacement\n• Cosmetic treatment\n"
    report = scanner.scan_text(text)
    assert any("Cosmetic treatment" in q for q in _categories(report, "cosmetic_exclusion")), \
        report.findings


def test_a_covered_list_is_not_an_exclusion(scanner: Scanner) -> None:
    text = "Covered services include:\n• Cosmetic surgery after an accidental injury\n"
    report = scanner.scan_text(text)
    assert not _categories(report, "cosmetic_exclusion"), report.findings


def test_one_mention_of_the_sbc_list_heading_does_not_make_a_booklet_an_sbc(
        scanner: Scanner) -> None:
    text = ("Member Booklet\n\n"
            "Your plan's summary lists Services Your Plan Generally Does NOT Cover.\n\n"
            "Exclusions\n"
            "• Cosmetic surgery\n\n"
            "Appeals\n"
            "You may appeal our decision by writing to us.\n")
    report = scanner.scan_text(text)
    assert _categories(report, "cosmetic_exclusion")
    assert _categories(report, "appeal_rights")


def test_a_previous_sentence_supports_a_weaker_finding(scanner: Scanner,
                                                       rules: RuleSet) -> None:
    # "get this approval" needs words of care; here they stand one sentence before.
    text = ("Some drugs must be approved before you fill them. You get this approval from "
            "the office.")
    report = scanner.scan_text(text)
    found = [f for f in report.findings if f.rule == "prior-auth.get-this-approval"]
    assert found and "sentence before" in found[0].explanation
    plain = [f for f in scanner.scan_text("You get this approval from the office.")
             .findings if f.rule == "prior-auth.get-this-approval"]
    assert not plain
    assert found[0].score < rules.by_id()["prior-auth.get-this-approval"].score


def test_min_score_shows_more_or_fewer(rules: RuleSet) -> None:
    text = "You get this approval from the office."
    low = Scanner(rules, ScanOptions(min_score=0.2)).scan_text(text)
    found = [f for f in low.findings if f.rule == "prior-auth.get-this-approval"]
    assert found and "nothing around it says this" in found[0].explanation
    high = Scanner(rules, ScanOptions(min_score=0.99)).scan_text(
        "Prior approval is required for surgery.")
    assert not high.findings


def test_thresholds_live_in_the_pattern_files(rules: RuleSet) -> None:
    for category in ("cosmetic_exclusion", "appeal_rights", "prior_authorization"):
        assert 0 < rules.threshold(category) <= 1


@pytest.mark.parametrize("front, body, kind", [
    ("Private Medical Insurance Policy Wording", "Glossary of words used in this policy. "
     "The insured person may claim for treatment. We will pay eligible expenses up to the "
     "sum insured. Waiting period: 30 days. Exclusions apply.", "plan_document"),
    ("Easy Cover Health Policy: Policy Schedule", "Sum insured. Insured persons. Policy "
     "period. Pre-existing diseases are excluded. We will not pay for cosmetic surgery.",
     "plan_document"),
    ("Dental Plan Brochure", "This brochure describes the Federal Employees Dental and "
     "Vision Insurance Program benefits.", "plan_document"),
    ("Glossary of Health Coverage and Medical Terms", "Definitions of words that health "
     "plans often use.", "glossary"),
    # The title at the top outweighs what the document only cites or points to: a denial
    # letter naming the medical policy it applied, a form's instructions naming the
    # clinical criteria, an SBC pointing to the evidence of coverage.
    ("Riverbend Health Plan 40 Mill Road, Springfield NOTICE OF ADVERSE BENEFIT "
     "DETERMINATION Prior Authorization Request - Not Approved Dear Member: We reviewed the "
     "request for knee surgery under our Medical Policy MP-12. Medical Policy MP-12 lists "
     "the clinical criteria we use.", "You may appeal this decision within 180 days.",
     "denial_notice"),
    ("Orchard Health Plan PRIOR AUTHORIZATION REQUEST: PROVIDER INSTRUCTIONS Form OHP-7 Who "
     "should use this form Use this form to ask us to approve a service before it is given. "
     "A nurse compares each request with our medical policies and nationally recognized "
     "clinical criteria; a medical policy may ask for notes.",
     "Member name: ____ Service requested: ____ [ ] Urgent [ ] Standard", "form"),
    ("Coverage Period: 01/01/2027 - 12/31/2027. Summary of Benefits and Coverage: What this "
     "Plan Covers & What You Pay for Covered Services. Our Evidence of Coverage has the "
     "complete terms. The Evidence of Coverage lists every limit.",
     "Your deductible is $500. See the Evidence of Coverage for exclusions.", "sbc"),
    # An appeal's answer is a decision notice; a regulator's guide for consumers is no plan's.
    ("Riverbend Health Plan Appeals Unit NOTICE OF APPEAL DECISION - LEVEL 1 APPEAL UPHELD "
     "Dear Member: we are upholding our original decision. See your Certificate of Coverage.",
     "You may ask for a second-level review.", "denial_notice"),
    ("STATE DEPARTMENT OF INSURANCE Consumer Services Division When Your Health Plan Says No: "
     "A Consumer's Guide to Appeals. Check your member guide and your evidence of coverage.",
     "Your insurer must tell you why it denied a claim. Your deductible still applies.",
     "other"),
    # Medicare's claim statement; a Medicare supplement's outline of coverage ("coverage"
    # before "Policy Forms" is no coverage policy); a policy document and its certificate.
    ("Medicare Summary Notice for Part B (Medical Insurance). The official summary of your "
     "Medicare claims. THIS IS NOT A BILL.", "Fill out the form on page 5 to appeal.",
     "denial_notice"),
    ("Meadowlark Life Insurance Company MEDICARE SUPPLEMENT INSURANCE OUTLINE OF COVERAGE "
     "Policy Forms MS-A, MS-G", "Your deductible applies.", "plan_document"),
    ("Kea Health SurgicalPlus Policy document. Read it with your acceptance certificate.",
     "We pay for surgery in a private hospital. Your excess applies.", "plan_document"),
    # Australian hospital cover names itself in its own words.
    ("Wattle Health Bronze Hospital cover. Policy document and product guide. Read this "
     "guide with our Fund Rules and your membership certificate.",
     "Hospital cover pays for admitted care. Waiting periods apply.", "plan_document"),
])
def test_kinds_from_weighed_signals(front: str, body: str, kind: str) -> None:
    assert classify_text(front, body, "").kind == kind


def test_a_definition_sets_no_fact_but_a_plan_term_does(scanner: Scanner) -> None:
    text = ("Definitions\n"
            "Prior authorization means approval from us before you receive a service.\n\n"
            "Exclusions\n"
            "We do not cover cosmetic surgery.\n")
    report = scanner.scan_text(text)
    assert report.facts.values["cosmetic_exclusion"] is True
    assert report.facts.values["prior_authorization"] is False
    assert _categories(report, "prior_authorization")  # still reported, as a definition


def test_a_pattern_files_threshold_decides(tmp_path: object) -> None:
    from pathlib import Path

    from policyscan.rules.loader import load_rules

    assert isinstance(tmp_path, Path)
    (tmp_path / "widgets.yaml").write_text(
        "category: cosmetic_exclusion\nthreshold: 0.95\nrules:\n"
        "  - id: widget.excluded\n    title: Widgets\n    phrases: [widget polish]\n"
        "    context: {near: ['do not cover']}\n    score: 0.9\n    source: test\n"
        "    examples: {match: ['We do not cover widget polish.'], no_match: ['Widgets.']}\n")
    rules = load_rules([tmp_path], builtin=False)
    assert rules.threshold("cosmetic_exclusion") == 0.95
    report = Scanner(rules).scan_text("We do not cover widget polish.")
    assert not report.findings  # 0.9 + evidence stays below 0.95
    (tmp_path / "more.yaml").write_text(
        "category: cosmetic_exclusion\nthreshold: 0.5\nrules: []\n")
    from policyscan.errors import RuleFileError

    with pytest.raises(RuleFileError, match="disagrees with the threshold"):
        load_rules([tmp_path], builtin=False)


def test_a_complaints_part_of_a_privacy_notice_is_no_appeal(scanner: Scanner) -> None:
    text = ("Notice of Privacy Practices\n\n"
            "We protect your health information. You may ask for a copy of your protected "
            "health information. You may ask us to correct your protected health "
            "information.\n"
            "Questions and Complaints\n"
            "You may send a written complaint to the federal health department. We will give "
            "you the address for your complaint on request.\n")
    report = scanner.scan_text(text)
    assert not _categories(report, "appeal_rights"), report.findings


def test_a_change_log_entry_is_no_exclusion(scanner: Scanner) -> None:
    text = ("Document History\n"
            "05/2020 Revised. Added an investigational and not medically necessary statement "
            "for nerve stimulation.\n")
    report = scanner.scan_text(text)
    assert not _categories(report, "experimental_exclusion"), report.findings


@pytest.mark.parametrize("text, category", [
    ("If you disagree with our decision about your claim, ask us in writing to reconsider it.",
     "appeal_rights"),
    ("Please tell us if you wish to complain about our service, and we will investigate "
     "your complaint.", "appeal_rights"),
    ("For any grievance, the insured person may write to our grievance officer.",
     "appeal_rights"),
    ("If you are unhappy with our final response you may refer your complaint to the "
     "Financial Ombudsman.", "external_review"),
    ("Pre-cert required for inpatient stays; benefits are reduced without it.",
     "prior_authorization"),
    ("MRI and CT scans: PA required.", "prior_authorization"),
    ("You need pre-authorisation from us before you are admitted.", "prior_authorization"),
    ("Coverage is not available for cosmetic procedures.", "cosmetic_exclusion"),
    ("Services performed primarily to improve appearance are excluded.", "cosmetic_exclusion"),
    ("Chemical peels are ineligible for reimbursement as cosmetic services.",
     "cosmetic_exclusion"),
])
def test_surface_forms_of_the_issue(scanner: Scanner, text: str, category: str) -> None:
    assert _categories(scanner.scan_text(text), category), text


@pytest.mark.parametrize("text, category", [
    ("Pre-authorisation is needed for all planned hospital stays.", "prior_authorization"),
    ("You need pre authorization for an MRI.", "prior_authorization"),
    ("Precertifications are required for inpatient admissions.", "prior_authorization"),
    ("Cosmetic Surgeries are excluded.", "cosmetic_exclusion"),
    ("We will not pay for treatment to improve your appearance after paediatric surgery "
     "for cosmetic reasons.", "cosmetic_exclusion"),
])
def test_phrases_match_normalised_tokens(scanner: Scanner, text: str, category: str) -> None:
    assert _categories(scanner.scan_text(text), category), text


def test_an_initialism_in_a_phrase_matches_as_documents_write_it() -> None:
    from policyscan.match.nlp import phrase_variants

    assert "approved by the U.S. food agency" in phrase_variants("approved by the u.s. food agency")


def test_token_norm_and_phrase_variants() -> None:
    from policyscan.match.nlp import phrase_variants, token_norm

    assert token_norm("Authorisations") == token_norm("authorization")
    assert token_norm("behaviour") == "behavior" and token_norm("centre") == "center"
    assert token_norm("surgeries") == "surgery" and token_norm("paediatric") == "pediatric"
    assert token_norm("this") == "this" and token_norm("our") == "our"
    assert set(phrase_variants("preauthorization")) == {
        "preauthorization", "pre-authorization", "pre authorization"}
    assert "noncovered" in phrase_variants("non-covered")


def test_an_exclusion_is_quoted_with_all_of_its_carve_outs(scanner: Scanner) -> None:
    text = ("We do not cover cosmetic surgery, except (a) after an accidental injury to the "
            "face that needs repair; (b) to correct a birth defect of a child that affects how "
            "the child eats or speaks; (c) to rebuild a breast after a mastectomy, including "
            "the other breast for a balanced look.")
    quotes = _categories(scanner.scan_text(text), "cosmetic_exclusion")
    assert quotes and "(c) to rebuild a breast" in quotes[0]


def test_a_lead_in_is_quoted_with_its_items(scanner: Scanner) -> None:
    text = ("Exclusions\nWe do not pay for the following:\n(a) cosmetic surgery;\n"
            "(b) chemical peels;\n(c) laser hair removal.\n\nAmbulance services are covered.")
    quotes = _categories(scanner.scan_text(text), "cosmetic_exclusion")
    assert quotes and "(c) laser hair removal" in quotes[0]
    assert all("Ambulance" not in q for q in quotes)


def test_an_index_line_with_a_page_range_is_no_finding(scanner: Scanner) -> None:
    text = ("Index\n"
            "Cosmetic surgery exclusions ........................ 64-65\n"
            "Prior authorization ................................ 12, 30\n")
    report = scanner.scan_text(text)
    assert not report.findings, report.findings


def test_a_public_schemes_headings_say_what_they_hold(scanner: Scanner) -> None:
    """"Items not admissible under the scheme" heads an exclusion list; a "Right to
    Information" section's appeals are a records law's, not a claim's."""
    text = ("9. ITEMS AND TREATMENTS NOT ADMISSIBLE UNDER THE SCHEME\n\n"
            "• Experimental treatment and unproven devices\n\n"
            "12. RIGHT TO INFORMATION\n\nIf the officer refuses, a first appeal lies to the "
            "appellate authority within 30 days of the reply.\n")
    report = scanner.scan_text(text, name="guide.txt")
    assert _categories(report, "experimental_exclusion")
    assert not _categories(report, "appeal_rights") and not _categories(report, "appeal_deadline")


def test_a_glossary_entry_explains_a_term_and_states_nothing(scanner: Scanner) -> None:
    """"Appeal: A request that your plan review a decision" explains a word; an entry that
    tells the member what to do, a note's label ("Exception: …") and an item of an
    exclusion list ("Cosmetic surgery – any operation … unless it repairs an injury") are
    statements."""
    entry = scanner.scan_text("Appeal - A request that your plan review a decision it made "
                              "about your care.")
    assert not _categories(entry, "appeal_rights")
    tells = scanner.scan_text("Appeal: You can file an appeal with us within 180 days of our "
                              "letter.")
    assert _categories(tells, "appeal_rights")
    note = scanner.scan_text("Exception: the cosmetic exclusion does not apply to surgery that "
                             "repairs a part of the body damaged in an accident.")
    assert _categories(note, "reconstructive_exception")


def test_a_contents_line_naming_its_page_is_no_finding(scanner: Scanner) -> None:
    """The page number may be named after the leaders ("........ page 12"); a policy's
    contents may stand on one line, its parts between bars."""
    text = ("Contents\n"
            "Part 4 - Medical necessity and evacuation ............ page 12\n"
            "Part 5 - Prior approval of treatment ................. pp. 14-15\n")
    report = scanner.scan_text(text)
    assert not report.findings, report.findings
    one_line = scanner.scan_text("Knee Bracing (Policy KB-7)\nContents: I. Policy | II. Medical "
                                 "Necessity Criteria | III. Coding | IV. References\n")
    assert not one_line.findings, one_line.findings


def test_a_patterns_directory_extends_a_filter_and_a_heading_role(tmp_path: object) -> None:
    from pathlib import Path

    from policyscan.rules.loader import load_rules

    assert isinstance(tmp_path, Path)
    text = ("Fairness Statement\nYou may submit a complaint if you were singled out "
            "because of your age.\n")
    before = Scanner(load_rules()).scan_text(text)
    assert any(f.category == "appeal_rights" for f in before.findings)
    (tmp_path / "vocabulary.yaml").write_text(
        "extend:\n  filter_civil_rights: [singled out]\n"
        "  heading_civil_rights: [fairness statement]\n")
    rules = load_rules([tmp_path])
    assert "singled out" in rules.vocabulary["filter_civil_rights"]
    after = Scanner(rules).scan_text(text)
    assert not any(f.category == "appeal_rights" for f in after.findings), after.findings
    (tmp_path / "vocabulary.yaml").write_text("extend:\n  no_such_list: [x]\n")
    from policyscan.errors import RuleFileError

    with pytest.raises(RuleFileError, match="no earlier vocabulary defines"):
        load_rules([tmp_path])


def test_filters_have_versioned_names(rules: RuleSet) -> None:
    from policyscan.match.filters import FILTER_NAMES, get_filter

    assert FILTER_NAMES["civil_rights_notice"] == "civil_rights_notice@1"
    assert get_filter("civil_rights_notice") is get_filter("civil_rights_notice@1")


def test_a_changed_filter_keeps_its_old_version(rules: RuleSet) -> None:
    """A rule file naming ``@1`` keeps the meaning it was written for; the bare name is the
    newest version."""
    from policyscan.match.context import HitContext
    from policyscan.match.filters import FILTER_NAMES, get_filter
    from policyscan.match.words import WordLists
    from policyscan.structure import Section

    def ctx(text: str, hit: str, role: str = "none") -> HitContext:
        start = text.index(hit)
        return HitContext("plan_document", 1, text, start, start + len(hit), (0, len(text)),
                          Section(role, None), None, WordLists(rules.vocabulary))

    assert FILTER_NAMES["covered_clinical_trial"] == "covered_clinical_trial@2"
    assert FILTER_NAMES["research_description"] == "research_description@3"
    assert FILTER_NAMES["bare_label"] == "bare_label@9"
    assert FILTER_NAMES["definition_only"] == "definition_only@2"
    assert FILTER_NAMES["non_prefixed"] == "non_prefixed@4"
    assert FILTER_NAMES["glossary_term"] == "glossary_term@2"
    # a definition opening with a verb that defines is a glossary entry from version 2 on
    entry = ctx("Reconstructive: Describes surgery that restores function; it may also "
                "improve appearance.", "surgery")
    assert get_filter("glossary_term@1")(entry) is None
    assert get_filter("glossary_term")(entry)
    # "no longer considered" turns a hit around from version 2 on
    turned = ctx("This drug is no longer considered experimental.", "experimental")
    assert get_filter("non_prefixed@1")(turned) is None
    assert get_filter("non_prefixed@2")(turned)
    assert get_filter("non_prefixed")(turned)
    # so does what it was once called, from version 3 on
    once = ctx("Keyhole surgery, once regarded as experimental, is covered.", "experimental")
    assert get_filter("non_prefixed@2")(once) is None
    assert get_filter("non_prefixed")(once)
    # and a subject that denies it, or what it would be but for the case, from version 4 on
    for text in ("The three methods are standard care; none of them is considered "
                 "investigational.",
                 "Trial costs are paid even when the device would otherwise be considered "
                 "investigational.",
                 "Scar surgery is not excluded as investigational when it restores movement."):
        denied = ctx(text, "investigational")
        assert get_filter("non_prefixed@3")(denied) is None, text
        assert get_filter("non_prefixed")(denied), text
    # a verdict on the treatment is no account of research, from version 2 on
    verdict = ctx("Laser lipolysis is investigational; the studies are small.", "investigational")
    assert get_filter("research_description@1")(verdict)
    assert get_filter("research_description")(verdict) is None
    # a field handed to whoever fills it in, from bare_label version 7 on
    field = ctx("PART C: MEDICAL NECESSITY\n[Physician to complete]", "MEDICAL NECESSITY")
    assert get_filter("bare_label@6")(field) is None
    assert get_filter("bare_label")(field)
    # a header's field naming a section, from bare_label version 8 on
    header = ctx("Policy ID: IMG-4 | Section: Prior Authorization Criteria | Effective: 2026",
                 "Prior Authorization")
    assert get_filter("bare_label@7")(header) is None
    assert get_filter("bare_label")(header)
    stated = ctx("Section 2: prior authorization is required for every scan.",
                 "prior authorization")
    assert get_filter("bare_label")(stated) is None
    # a heading of its division and the trigger alone, from bare_label version 9 on
    division = ctx("SECTION D \u2013 PRIOR AUTHORIZATION", "PRIOR AUTHORIZATION")
    assert get_filter("bare_label@8")(division) is None
    assert get_filter("bare_label")(division)
    # an item under a short label that excludes is the label's, from version 3 on
    text = "Exclusion 9. Any device still under study in a phase II trial."
    start = text.index("phase II trial")
    labelled = HitContext("plan_document", 1, text, start, start + len("phase II trial"),
                          (text.index("Any"), len(text)), Section("none", None), 0,
                          WordLists(rules.vocabulary))
    assert get_filter("research_description@2")(labelled)
    assert get_filter("research_description")(labelled) is None
    # a relative clause describes, unless its sentence or an exclusion list excludes
    told = "Reviewers look at decisions about treatment that is experimental."
    assert get_filter("relative_clause")(ctx(told, "experimental"))
    excluded = "We exclude treatment that is experimental."
    assert get_filter("relative_clause")(ctx(excluded, "experimental")) is None
    item = ctx("Services which are experimental;", "experimental", role="exclusions")
    assert get_filter("relative_clause")(item) is None
    # an item of an exclusion list is no bare label from version 2 on
    item = ctx("Cosmetic surgery", "Cosmetic surgery", role="exclusions")
    assert get_filter("bare_label@1")(item)
    assert get_filter("bare_label")(item) is None
    # a page number and "continued" after a label are no words of it, from version 3 on
    footed = ctx("Medical Necessity\nPage 12 of 40 Continued on next page", "Medical Necessity")
    assert get_filter("bare_label@2")(footed) is None
    assert get_filter("bare_label")(footed)
    stated = ctx("Medical Necessity is required for all care. Page 3", "Medical Necessity")
    assert get_filter("bare_label")(stated) is None
    # a label that opens a definition listed below it is none, from version 4 on
    defining = ctx("Medically necessary means:", "Medically necessary")
    assert get_filter("bare_label@3")(defining)
    assert get_filter("bare_label")(defining) is None
    # a form field's label followed by what to write in it is one, from version 5 on
    field = ctx("Medical Necessity Justification (Summarize the diagnosis and attach notes)",
                "Medical Necessity")
    assert get_filter("bare_label@4")(field) is None
    assert get_filter("bare_label")(field)
    # … and, from version 6 on, one whose instructions name who fills it in, or a
    # placeholder under a heading
    for text in ("Section 4 - Medical Necessity [Provider: attach chart notes]",
                 "Criteria for Medical Necessity (Reserved)"):
        placeholder = ctx(text, "Medical Necessity")
        assert get_filter("bare_label@5")(placeholder) is None
        assert get_filter("bare_label")(placeholder)
    # the answer to a question about what is excluded defines nothing, from version 2 on
    asked = "What's excluded from the plan? Veneers and other work that is aesthetic in nature."
    start, said = asked.index("aesthetic"), asked.index("Veneers")
    answer = HitContext("plan_document", 1, asked, start, start + len("aesthetic in nature"),
                        (said, len(asked)), Section("none", None), 0,
                        WordLists(rules.vocabulary))
    assert get_filter("definition_only@1")(answer)
    assert get_filter("definition_only")(answer) is None
    # a cell that excludes the investigational item itself keeps it, from version 2 on
    row = "Clinical trials | Routine patient costs covered | Experimental device not covered"
    trial = ctx(row, "Experimental")
    assert get_filter("covered_clinical_trial@1")(trial)
    assert get_filter("covered_clinical_trial")(trial) is None


# -- false-positive rules ----------------------------------------------------------------

_FP_RULE = (
    "category: false_positive\nrules:\n"
    "  - id: fp.sample-request\n    title: A request for a brochure\n"
    "    phrases: [order a brochure]\n    against: [appeal_rights]\n    score: 0.9\n"
    "    source: test\n    examples:\n"
    "      match: ['To order a brochure, you may file a grievance with us.']\n"
    "      no_match: ['You can appeal within 60 days of our letter.']\n")


def test_a_false_positive_rule_speaks_against_its_categories_only(tmp_path: object) -> None:
    from pathlib import Path

    from policyscan.rules.examples import check_examples
    from policyscan.rules.loader import load_rules

    assert isinstance(tmp_path, Path)
    text = "To order a brochure, you may file a grievance with us. Exclusions: cosmetic surgery."
    before = Scanner(load_rules()).scan_text(text)
    assert _categories(before, "appeal_rights")
    (tmp_path / "fp.yaml").write_text(_FP_RULE)
    rules = load_rules([tmp_path])
    scanner = Scanner(rules)
    scanner.trace = []
    after = scanner.scan_text(text)
    assert not _categories(after, "appeal_rights")
    assert _categories(after, "cosmetic_exclusion")  # not in its `against` list
    assert any("fp.sample-request" in reason for *_, reason in scanner.trace)
    results = [r for r in check_examples(rules) if r.rule == "fp.sample-request"]
    assert [r.ok for r in results] == [True, True]


def test_a_false_positive_example_with_nothing_to_speak_against_fails(tmp_path: object) -> None:
    from pathlib import Path

    from policyscan.rules.examples import check_examples
    from policyscan.rules.loader import load_rules

    assert isinstance(tmp_path, Path)
    (tmp_path / "fp.yaml").write_text(_FP_RULE.replace(
        "To order a brochure, you may file a grievance with us.", "Order a brochure today."))
    results = [r for r in check_examples(load_rules([tmp_path])) if r.rule == "fp.sample-request"]
    assert not results[0].ok and "nothing to speak against" in results[0].detail


@pytest.mark.parametrize(("change", "message"), [
    ("    against: [appeal_rights]\n", "must name the categories"),
    ("[appeal_rights]", "unknown categories"),
    ("category: false_positive", "only false_positive rules"),
])
def test_false_positive_rules_validate(tmp_path: object, change: str, message: str) -> None:
    from pathlib import Path

    from policyscan.errors import RuleFileError
    from policyscan.rules.loader import load_rules

    assert isinstance(tmp_path, Path)
    replacement = {"[appeal_rights]": "[appeal_wrongs]",
                   "category: false_positive": "category: appeal_rights"}.get(change, "")
    (tmp_path / "fp.yaml").write_text(_FP_RULE.replace(change, replacement))
    with pytest.raises(RuleFileError, match=message):
        load_rules([tmp_path], builtin=False)


def test_a_sentence_that_states_an_exclusion_outweighs_its_section(scanner: Scanner) -> None:
    text = ("Appeals\n"
            "You may appeal any decision we make. "
            "The plan does not cover investigational drugs or devices.\n")
    found = [f for f in scanner.scan_text(text).findings
             if f.category == "experimental_exclusion"]
    assert found and "though its sentence says it" in found[0].explanation
    history = ("Revision History\n"
               "2021 Annual update. Added an investigational and not covered statement for "
               "bone growth stimulators.\n")
    assert not _categories(scanner.scan_text(history), "experimental_exclusion")


def test_overlapping_passages_too_long_together_stay_two_findings() -> None:
    from policyscan.candidates import Candidate, merge
    from policyscan.match import RawHit
    from policyscan.rules.loader import load_rules

    rule = next(r for r in load_rules().rules if r.category == "experimental_exclusion")

    def cand(start: int, end: int, score: float) -> Candidate:
        return Candidate(rule, 1, start, end, RawHit(rule.id, start, start + 5, "phrase", "x"),
                         score, [], False, None, None, [])

    # A weaker passage overlapping a stronger one is kept whole, not cut to the stronger's.
    merged = merge([cand(0, 300, 0.88), cand(250, 560, 0.9)])
    assert [(c.start, c.end) for c in merged] == [(0, 300), (250, 560)]
    assert [(c.start, c.end) for c in merge([cand(0, 200, 0.8), cand(150, 300, 0.9)])] == \
        [(0, 300)]


def test_a_plan_clock_after_a_colon_is_no_member_deadline(scanner: Scanner) -> None:
    text = ("Complaints\nIf we can settle it quickly\n"
            "within two working days: we will try to settle your complaint within two working "
            "days of hearing from you.\n")
    assert not _categories(scanner.scan_text(text), "appeal_deadline")


def test_a_company_ltd_is_not_long_term_disability(scanner: Scanner) -> None:
    text = ("Complaints\nIf you are unhappy with the handling of your claim, please write to "
            "Harbour Assurance Ltd, 4 Quay Street, Bristol.\n")
    assert _categories(scanner.scan_text(text), "appeal_rights")


def test_services_listed_under_an_investigational_lead_in(scanner: Scanner) -> None:
    text = ("Other techniques for leg veins not listed above are considered investigational,\n"
            "including but not limited to:\n"
            "• Foam closure of perforating veins\n"
            "• Glue sealing of any tributary vein\n"
            "\n"
            "CPT\n"
            "R06.83 Snoring\n")
    found = _categories(scanner.scan_text(text), "experimental_exclusion")
    assert any("Foam closure" in q for q in found) and any("Glue sealing" in q for q in found)
    assert not any("Snoring" in q for q in found)


def test_a_code_system_label_does_not_end_the_list_above_it() -> None:
    from policyscan.rules.loader import load_rules
    from policyscan.structure import RoleWords

    words = RoleWords.from_vocabulary(load_rules().vocabulary)
    assert words.is_label("CPT") and words.is_label("ICD-10 Diagnosis")
    assert not words.is_label("CPT codes for cosmetic procedures")


def test_a_wildcard_in_a_phrase_is_refused(tmp_path: object) -> None:
    from pathlib import Path

    from policyscan.errors import RuleFileError
    from policyscan.rules.loader import load_rules

    assert isinstance(tmp_path, Path)
    (tmp_path / "w.yaml").write_text(
        "category: cosmetic_exclusion\nrules:\n"
        "  - id: widget.wild\n    title: Widgets\n    phrases: [widget*]\n    score: 0.9\n"
        "    source: test\n    examples: {match: ['widgets'], no_match: ['gadgets']}\n")
    with pytest.raises(RuleFileError, match="matches any ending only in word lists"):
        load_rules([tmp_path], builtin=False)


def test_a_word_only_token_pattern_becomes_phrases() -> None:
    from policyscan.match.nlp import finite_phrases

    pattern = [{"NORM": {"IN": ["file", "send"]}}, {"NORM": "us", "OP": "?"},
               {"LOWER": "appeal"}]
    assert sorted(finite_phrases(pattern) or []) == [
        "file appeal", "file us appeal", "send appeal", "send us appeal"]
    assert finite_phrases([{"LIKE_NUM": True}, {"LOWER": "days"}]) is None
    assert finite_phrases([{"LOWER": "a"}, {"LOWER": "b", "OP": "*"}]) is None


def test_an_expanded_pattern_still_finds_its_words(scanner: Scanner) -> None:
    found = _categories(scanner.scan_text("You may lodge a formal complaint with us."),
                        "appeal_rights")
    assert found


def test_kind_signals_are_data_that_checks_itself(tmp_path: object) -> None:
    from pathlib import Path

    from policyscan.errors import RuleFileError
    from policyscan.rules.loader import load_rules

    assert isinstance(tmp_path, Path)
    assert any(s.kind == "sbc" for s in load_rules().kind_signals)
    (tmp_path / "kinds.yaml").write_text(
        "signals:\n  - {kind: form, weight: 5, pattern: 'enrolment slip', "
        "examples: ['Enrolment Slip']}\n")
    rules = load_rules([tmp_path])
    decision = classify_text("Enrolment slip", "please print clearly", "",
                             rules.kind_signals)
    assert decision.kind == "form"
    (tmp_path / "kinds.yaml").write_text(
        "signals:\n  - {kind: form, weight: 5, pattern: 'enrolment slip', "
        "examples: ['Registration card']}\n")
    with pytest.raises(RuleFileError, match="is not matched by the pattern"):
        load_rules([tmp_path])
    (tmp_path / "kinds.yaml").write_text(
        "signals:\n  - {kind: leaflet, weight: 5, pattern: 'x', examples: ['x']}\n")
    with pytest.raises(RuleFileError, match="must be one of"):
        load_rules([tmp_path])


def test_a_plan_clock_then_a_member_limit_in_one_sentence(scanner: Scanner) -> None:
    text = ("Complaints\nIf we cannot finish our review within 4 weeks, you may take your "
            "complaint to the ombudsman, provided that you act within 6 months of our final "
            "letter.\n")
    deadlines = [f.deadline for f in scanner.scan_text(text).findings
                 if f.category == "appeal_deadline"]
    assert [(d.value, d.unit) for d in deadlines if d] == [(6, "months")]


@pytest.mark.parametrize(("text", "required"), [
    # the plan says outright that nothing needs approval; its review steps are procedure
    ("Preauthorization is not required under this plan.\n"
     "Preauthorization Reviews\nWhen we get a preauthorization request, we answer within "
     "15 days.", False),
    # a stated requirement outweighs the general statement
    ("Preauthorization is not required under this plan for network care.\n"
     "Care outside the network must be preauthorized, or benefits are reduced by half.", True),
    # a negation for one service is no statement about the plan
    ("Prior authorization is not required for emergency care.\n"
     "Our preauthorization review process is described below.", True),
])
def test_a_plan_that_needs_no_approval_at_all_has_no_prior_authorization(
        scanner: Scanner, text: str, required: bool) -> None:
    assert scanner.scan_text(text).facts.values["prior_authorization"] is required


def test_a_short_verdict_after_a_sentence_that_names_it_by_a_pronoun_supports_it(
        rules: RuleSet) -> None:
    """Plain-language answers give the verdict in the next sentence: "That's a cosmetic
    service. Your plan doesn't cover it." The verdict counts for the hit only when it
    refers back to it; a verdict about something else does not."""
    scanner = Scanner(rules)

    def cosmetic(text: str) -> list[str]:
        return [f.quote for f in scanner.scan_text(text).findings
                if f.category == "cosmetic_exclusion"]

    assert cosmetic("Veneers? They're a cosmetic service. The plan won't pay for them.")
    assert cosmetic("A: Chemical peels are a cosmetic service. Sorry, we don't cover them.")
    # no pronoun: the next sentence speaks of something else
    assert not cosmetic("Veneers are a cosmetic service. Crowns are not covered either.")
    # a long next sentence is no verdict on this one
    assert not cosmetic("Veneers are a cosmetic service. " + "We do not cover this " +
                        "kind of thing or any of the many other services listed in the "
                        "booklet that comes with your card and explains each benefit.")


@pytest.mark.parametrize(("text", "negated"), [
    # what the plan need not pay is a requirement stated, not an approval waived
    ("We are not required to pay for any service you receive without our prior approval.",
     False),
    ("The insurer is not required to reimburse equipment bought before it authorised the "
     "purchase.", False),
    # an approval that is not required is waived, whatever follows
    ("Prior authorization is not required to pay for emergency care.", True),
    ("You are not required to obtain prior authorization for an MRI.", True),
    # a waiver later in the sentence still counts
    ("The plan is not required to pay for late claims, and prior approval is not "
     "required for X-rays.", True),
])
def test_a_duty_the_plan_need_not_meet_does_not_negate_a_requirement(
        scanner: Scanner, text: str, negated: bool) -> None:
    found = [f for f in scanner.scan_text(text).findings if f.category == "prior_authorization"]
    assert found and all(f.negated is negated for f in found)


def test_a_gap_in_a_word_list_entry_stands_for_a_few_words_of_one_clause() -> None:
    from policyscan.match.words import find_words

    gap = ("neither ... nor ... pays",)
    found = find_words(gap, "Footnote: Neither the PPO nor the HSA plan pays for veneers.")
    assert found is not None and found.group(0) == "Neither the PPO nor the HSA plan pays"
    # not across a clause's end, nor for more than six words
    assert find_words(gap, "Neither one. Nor the other plan pays.") is None
    assert find_words(gap, "Neither the plan nor you needs a referral; the plan pays.") is None
    assert find_words(gap, "Neither a b c d e f g nor the plan pays.") is None


def test_a_verdict_with_no_subject_of_its_own_is_on_what_was_named_before(
        scanner: Scanner) -> None:
    """An EOB's reason line names the service, then says what became of it in a sentence
    with no subject ("Cosmetic service. Not a covered benefit under your plan."); the next
    entry of a word list ("Not covered: charges …") is no such verdict."""
    reason = scanner.scan_text("K17  Cosmetic service. Not a covered benefit under your plan. "
                               "See the back of this statement.", name="eob.txt")
    assert _categories(reason, "cosmetic_exclusion")
    words = scanner.scan_text("Cosmetic: a word for a service meant to change how the body "
                              "looks.\nNot covered: charges your plan does not pay.",
                              name="eob.txt")
    assert not _categories(words, "cosmetic_exclusion")


def test_what_the_sentence_before_sets_aside_does_not_support_a_hit(
        scanner: Scanner) -> None:
    """A word the sentence before says the matter is *not* about ("a complaint that is not
    about a coverage decision") is no support for the next sentence's hit: a regulator
    to complain to about service is no review of a denial. Said the other way, it is."""
    tail = (" call our service line or write to us. You may also contact the state's "
            "Department of Insurance about it.")
    service = scanner.scan_text("If your complaint is not about a coverage decision," + tail)
    assert not _categories(service, "external_review")
    denial = scanner.scan_text("If your complaint is about a coverage decision," + tail)
    assert _categories(denial, "external_review")


def test_a_contrary_word_the_sentence_denies_speaks_for_the_hit(scanner: Scanner) -> None:
    """"is not excluded as cosmetic when it repairs …" names the exclusion only to deny it:
    the exception beside it stands, and nothing is excluded as cosmetic."""
    report = scanner.scan_text("Surgery that also changes how a scar looks is not excluded "
                               "as cosmetic when it repairs a burn injury.")
    categories = {f.category for f in report.findings}
    assert "reconstructive_exception" in categories, report.findings

