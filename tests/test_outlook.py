"""The procedure outlook: built only from a report's findings and its page texts, several
statuses at once, every quote exact, and no claim the document does not make."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from policyscan.models import DocumentReport, Facts, Finding, PlanInfo, ScanError
from policyscan.outlook import Outlook, outlook, short_name
from policyscan.procedures import Procedure, get_procedure


def proc(pid: str) -> Procedure:
    p = get_procedure(pid)
    assert p is not None
    return p


def finding(pages: dict[int, str], page: int, category: str, quote: str, *,
            rule: str | None = None, section: str | None = None, score: float = 0.9,
            negated: bool = False, plan_term: bool = True) -> Finding:
    text = pages[page]
    start = text.index(quote)
    end = start + len(quote)
    context = " ".join(text[max(0, start - 200):end + 50].split())
    return Finding(category=category, rule=rule or f"{category}.test", page=page,
                   quote=quote, context=context, section=section, start=start, end=end,
                   bbox=None, score=score, method="phrase", negated=negated,
                   explanation="test", plan_term=plan_term)


def report(pages: dict[int, str], findings: list[Finding], *, kind: str = "plan_document",
           status: str = "ok") -> DocumentReport:
    return DocumentReport(path="test.pdf", sha256=None, status=status, error=None, kind=kind,
                          pages=len(pages), plan=PlanInfo(), facts=Facts.unknown(),
                          findings=tuple(findings))


def assert_exact(result: Outlook, pages: dict[int, str]) -> None:
    """Every quote is the page's own words, at its offsets when they are given."""
    for status in result.statuses:
        for e in status.evidence:
            assert e.quote in pages[e.page], e
            if e.start is not None and e.end is not None:
                assert pages[e.page][e.start:e.end] == e.quote
    for e in result.mentions:
        assert e.start is not None and e.end is not None
        assert pages[e.page][e.start:e.end] == e.quote


CLAIMS = re.compile(r"\b(?:is|are|will be) covered\b|\bguarantee|\bcertainly\b|\bwill pay\b",
                    re.I)


def assert_careful(result: Outlook) -> None:
    for status in result.statuses:
        assert not CLAIMS.search(status.note), status.note


# -- a document that never mentions the procedure ------------------------------------------

SBC = {
    1: "Summary of Benefits and Coverage\nIf you have outpatient surgery  Facility fee  "
       "20% coinsurance  Preauthorization is required.\n",
    2: "Services Your Plan Generally Does NOT Cover\n• Cosmetic surgery\n• Dental care "
       "(Adult)\n• Long-term care\nOther Covered Services\n• Hearing aids\n",
}


def sbc_report() -> DocumentReport:
    return report(SBC, [
        finding(SBC, 1, "prior_authorization", "Preauthorization is required.",
                section="If you have outpatient surgery"),
        finding(SBC, 2, "cosmetic_exclusion", "Cosmetic surgery",
                rule="cosmetic.sbc-not-covered-item",
                section="Excluded Services & Other Covered Services"),
    ], kind="sbc")


def test_never_mentioned_gives_not_addressed_with_the_general_exclusion() -> None:
    result = outlook(proc("micro-needling"), sbc_report(), SBC)
    assert result.kinds == ["cosmetic_exclusion", "prior_authorization", "not_addressed"]
    absent = result.status("not_addressed")
    assert absent is not None
    assert [(e.page, e.quote) for e in absent.evidence] == [(2, "Cosmetic surgery")]
    assert "does not name micro needling or skin resurfacing" in absent.note
    assert "for the plan to decide" in absent.note
    cosmetic = result.status("cosmetic_exclusion")
    assert cosmetic is not None and cosmetic.evidence[0].quote == "Cosmetic surgery"
    assert "depends on why it is done" in cosmetic.note
    assert result.mentions == [] and result.mention_count == 0
    assert_exact(result, SBC)
    assert_careful(result)


def test_sbc_row_gives_prior_authorization_for_the_service_category() -> None:
    result = outlook(proc("micro-needling"), sbc_report(), SBC)
    pa = result.status("prior_authorization")
    assert pa is not None
    assert pa.evidence[0].quote == "Preauthorization is required."
    assert "outpatient surgery" in pa.evidence[0].why
    assert "it does not name micro needling" in pa.note


def test_not_addressed_without_any_exclusion_says_so() -> None:
    pages = {1: "Welcome to your plan. Call us with questions.\n"}
    result = outlook(proc("micro-needling"), report(pages, []), pages)
    assert result.kinds == ["not_addressed"]
    status = result.status("not_addressed")
    assert status is not None and status.evidence == []
    assert "No general cosmetic or experimental exclusion" in status.note


# -- a booklet that excludes the family and carves out injury ----------------------------

BOOKLET = {
    1: "Getting Approval for Benefits\nSome services need Precertification before we pay "
       "benefits for them. Transplants must be approved through Precertification.\n",
    2: "What's Not Covered\n12) Cosmetic Services Treatments, services, equipment, or "
       "supplies given for cosmetic services. We pay no benefits for surgery or treatment "
       "that would alter the texture or look of your skin; nor do we pay to reshape a facial "
       "or body feature such as your nose, ears, chin or breasts. The exclusion above does not apply to surgery that corrects a deformity resulting from a "
       "congenital or developmental abnormality, an illness or an injury in order to improve "
       "bodily function.\n13) Dental Services Cosmetic dental procedures.\n",
    3: "Definitions\nMedically Necessary. The Plan calls a service Medically Necessary when "
       "it fits the diagnosis, is appropriate, and meets the standards of medical practice. "
       "This means that the service may be denied.\n",
}


def booklet_report() -> DocumentReport:
    b = BOOKLET
    return report(b, [
        finding(b, 1, "prior_authorization", "Some services need Precertification before we "
                "pay benefits for them.", section="Getting Approval for Benefits"),
        finding(b, 1, "prior_authorization", "Transplants must be approved through "
                "Precertification.", section="Getting Approval for Benefits"),
        finding(b, 2, "cosmetic_exclusion", "12) Cosmetic Services Treatments, services, "
                "equipment, or supplies given for cosmetic services.",
                section="What's Not Covered"),
        finding(b, 2, "cosmetic_exclusion", "We pay no benefits for surgery or treatment "
                "that would alter the texture or look of your skin; nor do we pay to reshape a "
                "facial or body feature such as your nose, ears, chin or breasts.",
                rule="cosmetic.appearance-purpose", section="What's Not Covered"),
        finding(b, 2, "reconstructive_exception", "The exclusion above does not apply to surgery "
                "that corrects a deformity resulting from a congenital or developmental "
                "abnormality, an illness or an injury in order to improve bodily function.",
                section="What's Not Covered"),
        finding(b, 2, "cosmetic_exclusion", "Cosmetic dental procedures.",
                section="What's Not Covered"),
        finding(b, 3, "medical_necessity", "The Plan calls a service Medically Necessary "
                "when it fits the diagnosis, is appropriate, and meets the standards of "
                "medical practice.", section="Definitions"),
        finding(b, 3, "medical_necessity", "This means that the service may be denied.",
                section="Definitions"),
    ])


def test_family_named_in_the_exclusion_and_its_injury_exception() -> None:
    result = outlook(proc("micro-needling"), booklet_report(), BOOKLET)
    assert result.kinds == ["named_exclusion", "cosmetic_exclusion", "exception_available",
                            "prior_authorization"]
    named = result.status("named_exclusion")
    assert named is not None
    assert len(named.evidence) == 1
    assert "texture or look of your skin" in named.evidence[0].quote
    assert named.evidence[0].page == 2
    assert named.evidence[0].finding_rule == "cosmetic.appearance-purpose"
    assert named.note == ("The document excludes skin resurfacing (p. 2), the family micro "
                          "needling belongs to; it does not name micro needling itself.")
    exception = result.status("exception_available")
    assert exception is not None
    assert "injury" in exception.evidence[0].quote  # the exclusion's own carve-out first
    assert "carve-out" in exception.evidence[0].why
    assert [e.page for e in exception.evidence] == [2, 3]
    assert "does not say that micro needling qualifies" in exception.note
    assert_exact(result, BOOKLET)
    assert_careful(result)


def test_dental_cosmetic_exclusions_are_not_about_skin() -> None:
    result = outlook(proc("micro-needling"), booklet_report(), BOOKLET)
    cosmetic = result.status("cosmetic_exclusion")
    assert cosmetic is not None
    assert all("dental" not in e.quote for e in cosmetic.evidence)
    assert cosmetic.evidence[0].page == 2


def test_medical_necessity_definitions_not_mere_uses() -> None:
    result = outlook(proc("micro-needling"), booklet_report(), BOOKLET)
    exception = result.status("exception_available")
    assert exception is not None
    quotes = [e.quote for e in exception.evidence]
    assert any(q.startswith("The Plan calls a service") for q in quotes)
    assert not any(q.startswith("This means") for q in quotes)


def test_general_prior_authorization_rather_than_other_services() -> None:
    result = outlook(proc("micro-needling"), booklet_report(), BOOKLET)
    pa = result.status("prior_authorization")
    assert pa is not None
    assert pa.evidence[0].quote.startswith("Some services need Precertification")
    assert "does not say whether micro needling is one of them" in pa.note


def test_mentions_list_where_the_family_is_named() -> None:
    result = outlook(proc("micro-needling"), booklet_report(), BOOKLET)
    assert result.mention_count == 1
    (m,) = result.mentions
    assert m.page == 2 and "texture or look of your skin" in m.quote
    assert "What's Not Covered" in m.why
    assert_exact(result, BOOKLET)


def test_body_part_named_in_the_exclusion() -> None:
    result = outlook(proc("rhinoplasty"), booklet_report(), BOOKLET)
    named = result.status("named_exclusion")
    assert named is not None
    assert "names 'nose'" in named.evidence[0].why
    assert "does not name rhinoplasty itself" in named.note
    assert "not_addressed" not in result.kinds  # the exclusion addresses it


def test_not_cosmetic_by_default_has_no_cosmetic_status() -> None:
    result = outlook(proc("septoplasty"), booklet_report(), BOOKLET)
    assert "cosmetic_exclusion" not in result.kinds
    assert "named_exclusion" not in result.kinds
    assert result.kinds[-1] == "not_addressed"
    absent = result.status("not_addressed")
    assert absent is not None and absent.evidence  # the general exclusions, quoted


def test_breast_reconstruction_is_never_excluded_by_the_breasts_of_a_cosmetic_clause() -> None:
    result = outlook(proc("breast-reconstruction"), booklet_report(), BOOKLET)
    assert "named_exclusion" not in result.kinds
    assert "cosmetic_exclusion" not in result.kinds


# -- the procedure itself named -----------------------------------------------------------

def test_variant_named_in_a_cosmetic_exclusion() -> None:
    pages = {4: "Exclusions\nMicroneedling and chemical peels are not covered.\n"}
    r = report(pages, [finding(pages, 4, "cosmetic_exclusion",
                               "Microneedling and chemical peels are not covered.")])
    result = outlook(proc("micro-needling"), r, pages)
    named = result.status("named_exclusion")
    assert named is not None
    assert named.note == "The document names micro needling in an exclusion (p. 4)."
    assert "names micro needling ('micro needling')" in named.evidence[0].why
    assert "not_addressed" not in result.kinds


def test_variant_named_in_an_experimental_exclusion() -> None:
    pages = {5: "Collagen induction therapy is considered experimental or investigational "
                "and is not covered.\n"}
    r = report(pages, [finding(pages, 5, "experimental_exclusion", pages[5].strip())])
    result = outlook(proc("micro-needling"), r, pages)
    named = result.status("named_exclusion")
    assert named is not None
    assert "experimental/investigational exclusion" in named.evidence[0].why
    assert "cosmetic_exclusion" not in result.kinds  # no cosmetic exclusion in the document


def test_procedure_named_just_before_the_exclusion_sentence() -> None:
    pages = {6: "Micro-needling\nThis service is cosmetic and is not covered by the plan.\n"}
    r = report(pages, [finding(pages, 6, "cosmetic_exclusion",
                               "This service is cosmetic and is not covered by the plan.")])
    result = outlook(proc("micro-needling"), r, pages)
    named = result.status("named_exclusion")
    assert named is not None
    rules = [e.finding_rule for e in named.evidence]
    assert rules[0] == "cosmetic_exclusion.test" and rules[1] is None
    assert named.evidence[1].quote.startswith("Micro-needling")
    assert_exact(result, pages)


def test_neighbouring_list_item_family_words_do_not_count() -> None:
    pages = {7: "56) Prosthetics Prosthetic devices used for sport or for cosmetic reasons. "
                "This includes hairpieces. 57) Skin resurfacing is reviewed case by case.\n"}
    r = report(pages, [finding(pages, 7, "cosmetic_exclusion",
                               "Prosthetic devices used for sport or for cosmetic reasons.")])
    result = outlook(proc("micro-needling"), r, pages)
    assert "named_exclusion" not in result.kinds
    assert "cosmetic_exclusion" not in result.kinds  # prosthetics only
    assert "not_addressed" not in result.kinds  # "skin resurfacing" is named on p7
    assert result.mention_count == 1


def test_a_carve_out_naming_the_procedure_is_an_exception_not_an_exclusion() -> None:
    pages = {8: "Cosmetic procedures are excluded, except micro needling for burn scars when "
                "Medically Necessary.\n"}
    r = report(pages, [finding(pages, 8, "cosmetic_exclusion", pages[8].strip())])
    result = outlook(proc("micro-needling"), r, pages)
    assert "named_exclusion" not in result.kinds
    exception = result.status("exception_available")
    assert exception is not None
    assert "carve-out" in exception.evidence[0].why
    assert result.status("cosmetic_exclusion") is not None


def test_prior_authorization_naming_the_procedure() -> None:
    pages = {9: "Skin resurfacing procedures require prior authorization. Prior authorization "
                "is not required for emergency care.\n"}
    r = report(pages, [
        finding(pages, 9, "prior_authorization",
                "Skin resurfacing procedures require prior authorization."),
        finding(pages, 9, "prior_authorization",
                "Prior authorization is not required for emergency care.", negated=True),
    ])
    result = outlook(proc("micro-needling"), r, pages)
    pa = result.status("prior_authorization")
    assert pa is not None
    assert [e.quote for e in pa.evidence] == [
        "Skin resurfacing procedures require prior authorization."]
    assert "names micro needling or its family" in pa.note


def test_prior_authorization_only_for_other_services() -> None:
    pages = {10: "Preauthorization required for DME over $500.\n"}
    r = report(pages, [finding(pages, 10, "prior_authorization",
                               "Preauthorization required for DME over $500.")])
    result = outlook(proc("micro-needling"), r, pages)
    pa = result.status("prior_authorization")
    assert pa is not None
    assert "certain other services" in pa.note and "says nothing about micro needling" in pa.note


def test_a_cosmetic_row_with_its_exception_on_the_same_passage() -> None:
    pages = {115: "Services Medicare does not pay for Never covered Cosmetic procedures "
                  "Covered after an accidental injury or to improve how a malformed body "
                  "member works.\n"}
    quote = ("Cosmetic procedures Covered after an accidental injury or to improve how a "
             "malformed body member works.")
    r = report(pages, [finding(pages, 115, "cosmetic_exclusion", quote),
                       finding(pages, 115, "reconstructive_exception", quote)])
    result = outlook(proc("micro-needling"), r, pages)
    assert result.kinds == ["cosmetic_exclusion", "exception_available", "not_addressed"]
    exception = result.status("exception_available")
    assert exception is not None and exception.evidence[0].quote == quote


# -- whole-document cases -----------------------------------------------------------------

def test_unreadable_document_says_nothing() -> None:
    r = DocumentReport.failed("scan.pdf", ScanError("unreadable", "no text"),
                              status="needs_ocr")
    result = outlook(proc("micro-needling"), r, {})
    assert result.statuses == []
    assert result.note is not None and "could not be read" in result.note


def test_without_page_texts_the_note_says_so() -> None:
    result = outlook(proc("micro-needling"), sbc_report(), {})
    assert result.note is not None and "Page texts were not given" in result.note
    assert "not_addressed" in result.kinds


def test_a_glossary_states_no_plan_terms() -> None:
    pages = {1: "Cosmetic surgery: surgery to improve appearance.\n"}
    r = report(pages, [finding(pages, 1, "cosmetic_exclusion", "Cosmetic surgery")],
               kind="glossary")
    result = outlook(proc("micro-needling"), r, pages)
    assert result.note is not None and "states no plan's terms" in result.note


def test_evidence_is_capped_and_counted() -> None:
    lines = [f"Item {i}: precertification is required for certain services." for i in range(9)]
    pages = {1: "\n".join(lines) + "\n"}
    r = report(pages, [finding(pages, 1, "prior_authorization", line) for line in lines])
    pa = outlook(proc("micro-needling"), r, pages).status("prior_authorization")
    assert pa is not None
    assert len(pa.evidence) == 3 and pa.more == 6


def test_to_dict_is_json() -> None:
    result = outlook(proc("micro-needling"), booklet_report(), BOOKLET)
    data = json.loads(json.dumps(result.to_dict()))
    assert data["procedure"] == {"id": "micro-needling", "name": "Micro needling"}
    assert [s["kind"] for s in data["statuses"]] == result.kinds
    assert data["statuses"][0]["evidence"][0]["page"] == 2


def test_short_names() -> None:
    assert short_name(proc("micro-needling")) == "micro needling"
    assert short_name(proc("botox")) == "Botox"
    assert short_name(proc("sclerotherapy"), start=True) == "Sclerotherapy"
    assert short_name(proc("laser-hair-removal")) == "laser hair removal"


# -- the real corpus (issue 4, "Done means") ----------------------------------------------

@pytest.fixture(scope="module")
def corpus_outlook(corpus: Path, scanner):  # type: ignore[no-untyped-def]
    from policyscan.extract import open_document

    def run(name: str, pid: str = "micro-needling") -> Outlook:
        path = corpus / name
        rep = scanner.scan(path)
        with open_document(path) as doc:
            texts = {p.number: p.text for p in doc.pages}
        result = outlook(proc(pid), rep, texts)
        assert_exact(result, texts)
        assert_careful(result)
        return result
    return run


@pytest.mark.corpus
def test_corpus_anthem_texture_exclusion_and_injury_exception(corpus_outlook) -> None:  # type: ignore[no-untyped-def]
    result = corpus_outlook("booklet_anthem_ucship_ucdavis_ppo_2024-25.pdf")
    named = result.status("named_exclusion")
    assert named is not None
    assert any(e.page == 99 and "texture or look of your skin" in e.quote
               for e in named.evidence)
    exception = result.status("exception_available")
    assert exception is not None
    assert any(e.page == 99 and "injury" in e.quote for e in exception.evidence)


@pytest.mark.corpus
@pytest.mark.parametrize("name", [
    "sbc_highmark_bcbs_cmu_ship_ppo_2024-25.pdf",
    "sbc_kaiser_ca_small_group_silver70_hmo_2025.pdf",
    "sbc_uhc_bronze_epo_hsa_2026.pdf",
    "sbc_healthfirst_ny_essential_plan1_2026.pdf",
    "cms_sbc_completed_example_2025_template.pdf",
])
def test_corpus_every_sbc_cosmetic_surgery_item(corpus_outlook, name: str) -> None:  # type: ignore[no-untyped-def]
    result = corpus_outlook(name)
    cosmetic = result.status("cosmetic_exclusion")
    assert cosmetic is not None
    assert any(e.quote.lower() == "cosmetic surgery" for e in cosmetic.evidence)
    assert "not_addressed" in result.kinds


@pytest.mark.corpus
def test_corpus_kaiser_medicare_cosmetic_row(corpus_outlook) -> None:  # type: ignore[no-untyped-def]
    result = corpus_outlook("eoc_kaiser_medicare_advantage_group_hmo_fcps_2026.pdf")
    cosmetic = result.status("cosmetic_exclusion")
    assert cosmetic is not None
    assert any(e.page == 115 and "Cosmetic surgery or procedures" in e.quote
               for e in cosmetic.evidence)
    exception = result.status("exception_available")
    assert exception is not None
    assert any("accidental" in e.quote for e in exception.evidence)


@pytest.mark.corpus
def test_corpus_kaiser_65_day_limit_as_a_date(corpus: Path, scanner) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    from policyscan.dates import anchor_kind, describe, detect_regime, document_deadline
    from policyscan.extract import open_document

    path = corpus / "eoc_kaiser_medicare_advantage_group_hmo_fcps_2026.pdf"
    rep = scanner.scan(path)
    with open_document(path) as doc:
        assert detect_regime(p.text for p in doc.pages) == "medicare_advantage"
    deadline = next(f.deadline for f in rep.findings
                    if f.deadline is not None and f.deadline.action == "internal_appeal")
    assert (deadline.value, deadline.unit) == (65, "days")
    assert anchor_kind(deadline.anchor) == "notice_date"
    due = document_deadline(deadline, date(2025, 3, 3))
    assert due is not None and describe(due.date) == "Wednesday, May 7, 2025"


@pytest.mark.corpus
def test_corpus_anthem_regime_is_aca(corpus: Path) -> None:
    from policyscan.dates import detect_regime
    from policyscan.extract import open_document

    with open_document(corpus / "booklet_anthem_ucship_ucdavis_ppo_2024-25.pdf") as doc:
        assert detect_regime(p.text for p in doc.pages) == "aca"


def test_a_definition_is_not_an_exclusion_but_may_state_criteria() -> None:
    pages = {3: "Cosmetic surgery means surgery to change how you look. Medically Necessary "
                "means services needed to treat an illness that meet standards of medical "
                "practice.\n"}
    r = report(pages, [
        finding(pages, 3, "cosmetic_exclusion", "Cosmetic surgery means surgery to change "
                "how you look.", plan_term=False),
        finding(pages, 3, "medical_necessity", "Medically Necessary means services needed "
                "to treat an illness that meet standards of medical practice.",
                plan_term=False),
    ])
    result = outlook(proc("micro-needling"), r, pages)
    assert result.kinds == ["exception_available", "not_addressed"]
    absent = result.status("not_addressed")
    assert absent is not None and absent.evidence == []
