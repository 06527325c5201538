"""Regression tests: one per bug found while measuring on real documents. The wording is
our own paraphrase of the shape that broke, never text copied from a corpus file."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from policyscan.cli import main
from policyscan.errors import RuleFileError
from policyscan.rules.loader import RuleSet, load_rules
from policyscan.scanner import Scanner, ScanOptions

SAMPLES = Path(__file__).resolve().parents[1] / "sample_policies"

# Durations that are the plan's or a reviewer's own time to act, in shapes that were once
# read as the member's deadline.
INSURER_CLOCKS = [
    # the subject comes after a sentence-opening "Within N days …,"
    "Within five (5) business days after it receives the external review request, the Plan "
    "will finish a preliminary review of it.",
    # a decision verb a few words after the modal
    "Within one (1) business day after its review, Acme Health shall in writing notify you "
    "of its decision on the external review request.",
    # "may" as the modal
    "For an urgent appeal the Claims Administrator may notify you within 24 hours orally.",
    # "if we have not answered you within 72 hours"
    "If we have not answered your appeal within 72 hours, we will send it on to the next "
    "level.",
    # the plan extending its own time frame
    "We may extend our time to decide your grievance by up to 14 calendar days.",
    # passive voice with a possessive receipt anchor
    "The appeal hearing will take place and a decision will be made within thirty (30) days "
    "of Acme's receipt of your request for review.",
    # a long clause between the reviewer's verb and the number
    "The assigned reviewer will conduct the external review and provide notice of its final "
    "decision as quickly as your condition requires, but never later than seventy-two (72) "
    "hours after receiving the request.",
    # a limit to send supporting information, not to ask for a review
    "Any additional information you have in support of your appeal must be submitted within "
    "fifteen (15) business days.",
]


@pytest.mark.parametrize("text", INSURER_CLOCKS, ids=range(len(INSURER_CLOCKS)))
def test_insurer_clock_is_not_a_member_deadline(scanner: Scanner, text: str) -> None:
    assert not [f for f in scanner.scan_text(text).findings if f.category == "appeal_deadline"]


def test_deadline_with_number_words_in_parentheses_still_found(scanner: Scanner) -> None:
    # The opening "Within five (" once hid a member deadline behind the insurer check.
    report = scanner.scan_text("Within sixty (60) days of receiving the denial, you may ask "
                               "us to review our decision by filing an appeal.")
    deadlines = [f.deadline for f in report.findings if f.deadline]
    assert [(d.value, d.unit) for d in deadlines] == [(60, "days")]


def test_sentence_fragment_is_not_a_heading(scanner: Scanner) -> None:
    # A bold fragment ending a sentence once became a section heading and cut the
    # exclusions section short; in text input the same shape is a lower-case line.
    text = ("Exclusions\nThe following services\nyou receive will not be covered.\n"
            "Experimental or investigational dental services.")
    report = scanner.scan_text(text)
    assert [f.section for f in report.findings
            if f.category == "experimental_exclusion"] == ["Exclusions"]


def test_table_of_contents_line_is_not_a_finding(scanner: Scanner) -> None:
    text = ("Table of Contents\nReconstructive Surgery after Mastectomy ........ 92\n"
            "Cosmetic Services Exclusion ........ 99\n")
    assert scanner.scan_text(text).findings == ()


def test_up_to_n_days_to_appeal_is_a_deadline_not_a_benefit_limit(scanner: Scanner) -> None:
    # "up to N days" once always meant a benefit limit ("up to 100 days per year").
    report = scanner.scan_text("You can ask for an appeal up to 180 days after you get the "
                               "denial.")
    assert [(f.deadline.value, f.deadline.unit) for f in report.findings if f.deadline] == [
        (180, "days")]
    limit = scanner.scan_text("Skilled nursing is covered for up to 100 days per benefit "
                              "period; you may appeal a denial.")
    assert not [f for f in limit.findings if f.deadline]


def test_a_copay_in_prose_does_not_cut_the_quote(scanner: Scanner) -> None:
    # The cost-table cut once started this quote at "and prior authorization …".
    report = scanner.scan_text("You pay a $50 copay and prior authorization is required for "
                               "imaging.")
    (finding,) = [f for f in report.findings if f.category == "prior_authorization"]
    assert finding.quote.startswith("You pay a $50 copay")


def test_a_cost_table_row_still_quotes_the_limitation_cell(scanner: Scanner) -> None:
    report = scanner.scan_text("Imaging (CT/PET scans, MRIs) 20% coinsurance 40% coinsurance "
                               "Preauthorization is required.")
    (finding,) = [f for f in report.findings if f.category == "prior_authorization"]
    assert finding.quote == "Preauthorization is required."


def test_user_vocabulary_cannot_redefine_a_builtin_list(tmp_path: Path) -> None:
    (tmp_path / "vocabulary.yaml").write_text("vocabulary:\n  exclusion: [nope]\n",
                                              encoding="utf-8")
    with pytest.raises(RuleFileError) as err:
        load_rules([tmp_path])
    assert "vocabulary.exclusion" in str(err.value) and "already defined" in str(err.value)


def test_text_command_refuses_a_page_past_the_end() -> None:
    result = CliRunner().invoke(main, ["text", str(SAMPLES / "denial_letter_microneedling.pdf"),
                                       "--page", "9"])
    assert result.exit_code == 2
    assert "no page 9" in result.output


def test_rotated_page_boxes_agree_with_pdfplumber(scanner: Scanner, tmp_path: Path) -> None:
    # pdfium's rectangles are in unrotated page space; boxes on a /Rotate 90 page once fell
    # off the page. They must sit where pdfplumber puts the same glyphs.
    pypdf = pytest.importorskip("pypdf")
    pdfplumber = pytest.importorskip("pdfplumber")
    writer = pypdf.PdfWriter(clone_from=SAMPLES / "sbc_bluebird_bronze_hmo.pdf")
    for page in writer.pages:
        page.rotate(90)
    rotated = tmp_path / "rotated.pdf"
    writer.write(rotated)
    finding = next(f for f in scanner.scan(rotated).findings if f.boxes)
    with pdfplumber.open(rotated) as pdf:
        chars = [c for c in pdf.pages[finding.page - 1].chars if c["text"] == finding.quote[0]]
    x0, top, x1, bottom = finding.boxes[0]
    assert any(abs(c["x0"] - x0) < 3 and abs(c["top"] - top) < 3 for c in chars), (
        finding.boxes[0], [(c["x0"], c["top"]) for c in chars][:5])


@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
def test_a_defined_term_set_as_a_heading_is_quoted_with_its_definition(
        rules: RuleSet, tmp_path: Path, engine: str) -> None:
    # A glossary term in bold stands alone on its line, so it became a bare heading and the
    # bare-label filter dropped the medical-necessity definition (pdfplumber engine).
    from pdfs import styled_pdf

    lines = [("Helvetica-Bold", 14, "Glossary of Health Coverage and Medical Terms"),
             ("Helvetica-Bold", 10, "Medically Necessary"),
             ("Helvetica", 10, "Care or supplies that a patient needs to prevent, diagnose, "
                               "or treat an illness"),
             ("Helvetica", 10, "and that meet accepted standards of medicine."),
             ("Helvetica-Bold", 10, "Network"),
             ("Helvetica", 10, "The facilities and providers your plan has contracted with."),
             ("Helvetica", 10, "Many more definitions of common terms follow in this glossary.")]
    path = styled_pdf(tmp_path / "glossary.pdf", lines,
                      title="Glossary of Health Coverage and Medical Terms")
    report = Scanner(rules, ScanOptions(engine=engine)).scan(path)
    assert report.kind == "glossary"
    (finding,) = [f for f in report.findings if f.category == "medical_necessity"]
    assert "accepted standards of medicine" in " ".join(finding.quote.split())
    assert "Network" not in finding.quote


@pytest.mark.parametrize("sentences, exact", [(12, True), (200, False)])
def test_a_page_of_one_sentence_repeated_keeps_its_first_findings_and_says_so(
        scanner: Scanner, monkeypatch: pytest.MonkeyPatch, sentences: int, exact: bool) -> None:
    # A 10 MB line repeating a matching sentence once produced 268,000 findings (19 s,
    # 833 MB); a page now keeps its first findings and warns how many it dropped.
    import policyscan.scanner as scanner_module

    monkeypatch.setattr(scanner_module, "MAX_FINDINGS_PER_PAGE", 10)
    report = scanner.scan_text("Cosmetic surgery is not covered by this plan. " * sentences)
    assert len(report.findings) == 10
    assert [f.start for f in report.findings] == sorted(f.start for f in report.findings)
    assert report.findings[0].start == 0  # the first ones, in page order
    # Weighing stops at 4x the cap (40 candidates; two rules to a sentence merge into 20
    # passages): the count said is the one made, "at least", never a made-up bound.
    many = f"{sentences}" if exact else "at least 20"
    assert f"page 1: {many} matches; only the first 10 are reported" in report.warnings
    assert report.facts.values["cosmetic_exclusion"] is True


def test_issue_12_the_many_matches_warning_says_the_count_it_made(
        scanner: Scanner, monkeypatch: pytest.MonkeyPatch) -> None:
    # Weighing stopped at 40 candidates, which merged into one passage: the warning said
    # "more than 10 matches; only the first 10 are reported" over a single finding.
    import policyscan.scanner as scanner_module

    monkeypatch.setattr(scanner_module, "MAX_FINDINGS_PER_PAGE", 10)
    report = scanner.scan_text(("Cosmetic surgery, " * 60 + "is not covered. ") * 3)
    assert len(report.findings) == 1
    assert report.warnings == ("page 1: 720 raw matches; only the first 40 were weighed, "
                               "giving 1 finding",)


def test_an_ordinary_page_carries_no_cap_warning(scanner: Scanner) -> None:
    report = scanner.scan_text("Cosmetic surgery is not covered by this plan. " * 3)
    assert len(report.findings) == 3
    assert not any("matches; only the first" in w for w in report.warnings)
