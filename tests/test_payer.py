"""Issue 11: a payer's medical policy that names the procedure gives its criteria in the
outlook, item by item with pages, and what it calls not medically necessary, cosmetic or
investigational. The policies below are our own wording."""

from __future__ import annotations

from pathlib import Path

import pytest

from policyscan.datafile import DataFileError
from policyscan.outlook import outlook
from policyscan.payer import list_items, load_payer_words, read_payer_policy
from policyscan.procedures import get_procedure
from policyscan.scanner import Scanner

EYELID_POLICY = "\f".join([
    "Medical Policy: Surgery of the Eyelids\n"
    "Policy Number: EX-0042    Original Effective Date: 03/01/2031\n"
    "Coverage Rationale\n"
    "Tear duct probing is medically necessary for a child who meets all of the following:\n"
    "1. Tearing has lasted at least six months;\n"
    "2. Massage of the duct did not help.\n"
    "\n"
    "Upper Eyelid Repair:\n"
    "Upper eyelid blepharoplasty is medically necessary for a member who meets each of "
    "the following tests:\n"
    "1. Photographs taken looking straight ahead show the lid skin resting on the lashes;\n"
    "2. A visual field test shows a loss of at least 12 degrees in the upper field that\n"
    "improves when the lid is taped up; AND\n"
    "3. The member reports trouble with daily tasks such as reading or driving.\n"
    "The committee reviews this policy every year.\n",
    "Other Uses\n"
    "Blepharoplasty done only to change how the eyes look is considered cosmetic.\n"
    "Radiofrequency tightening of the eyelid skin is considered investigational.\n"
    "Tear duct stents are considered investigational.\n",
])


@pytest.fixture
def report(scanner: Scanner):  # type: ignore[no-untyped-def]
    return scanner.scan_text(EYELID_POLICY, "eyelid_policy.txt")


def _pages(text: str) -> dict[int, str]:
    return {n: page for n, page in enumerate(text.split("\f"), 1)}


def test_the_lists_items_with_their_continuation_lines_and_nothing_after() -> None:
    page = _pages(EYELID_POLICY)[1]
    lead = page.index("following tests:") + len("following tests:")
    items = [page[s:e] for s, e in list_items(page, lead)]
    assert len(items) == 3
    assert items[1].startswith("2. A visual field") and items[1].endswith("taped up; AND")
    assert "committee" not in " ".join(items)  # a new paragraph ends the list


def test_issue_11_payer_policy_criteria_of_the_procedure_item_by_item(report) -> None:  # type: ignore[no-untyped-def]
    procedure = get_procedure("blepharoplasty")
    assert procedure is not None and report.kind == "medical_policy"
    view = outlook(procedure, report, _pages(EYELID_POLICY))
    status = view.status("payer_criteria")
    assert status is not None
    whys = [e.why for e in status.evidence]
    assert whys[:4] == [whys[0], "criterion 1", "criterion 2", "criterion 3"]
    assert "Upper eyelid blepharoplasty is medically necessary for a member" in \
        status.evidence[0].quote
    # The other procedure's list on the same page is not cited as this one's criteria.
    assert not any("Tearing has lasted" in e.quote for e in status.evidence)
    verdicts = {e.why: e.page for e in status.evidence if e.why.startswith("what")}
    assert verdicts == {"what the policy calls cosmetic": 2,
                        "what the policy calls investigational": 2}
    assert not any("Tear duct stents" in e.quote for e in status.evidence)
    pages_text = _pages(EYELID_POLICY)
    for e in status.evidence:  # every quote is an exact slice of its page
        assert e.start is not None and pages_text[e.page][e.start:e.end] == e.quote
    assert "3 item(s)" in status.note and "cosmetic" in status.note


def test_a_plan_document_gets_no_payer_criteria(scanner: Scanner) -> None:
    text = ("Evidence of Coverage\nCertificate of coverage for members.\n"
            "Eyelid surgery is medically necessary for a member meeting all of the "
            "following:\n1. The lid blocks the upper field of vision;\n2. Photographs show it.\n")
    report = scanner.scan_text(text, "eoc.txt")
    procedure = get_procedure("blepharoplasty")
    assert procedure is not None and report.kind == "plan_document"
    assert outlook(procedure, report, {1: text}).status("payer_criteria") is None


def test_a_policy_that_does_not_name_the_procedure_gives_no_criteria() -> None:
    procedure = get_procedure("rhinoplasty")
    assert procedure is not None
    assert read_payer_policy(procedure, _pages(EYELID_POLICY)) == []


def test_criteria_reach_every_format(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from policyscan.cli import main

    policy = tmp_path / "eyelid_policy.txt"
    policy.write_text(EYELID_POLICY, encoding="utf-8")
    for fmt in ("terminal", "markdown", "html"):
        result = CliRunner().invoke(main, [str(policy), "--procedure", "blepharoplasty",
                                           "--format", fmt, "--no-cache", "--no-color"])
        assert result.exit_code == 0, result.output
        out = " ".join(result.stdout.split())
        assert "payer policy" in out and "taped up" in out and "reading or driving" in out


def test_a_payer_word_that_misses_its_example_fails_on_load(tmp_path: Path) -> None:
    bad = tmp_path / "payer.yaml"
    bad.write_text("criteria_leads:\n  - pattern: 'all of the following:'\n"
                   "    examples: {match: ['any of these']}\n"
                   "verdicts:\n  - verdict: cosmetic\n    pattern: 'cosmetic'\n"
                   "    examples: {match: ['cosmetic']}\n")
    with pytest.raises(DataFileError, match="does not match its example"):
        load_payer_words(bad)


def test_a_policy_history_line_is_no_verdict() -> None:
    procedure = get_procedure("blepharoplasty")
    assert procedure is not None
    pages = {1: "Medical Policy: Lids\nHistory\nRemoved the not medically necessary "
                "statement for eyelid surgery.\nEyelid surgery for looks alone is "
                "considered cosmetic.\n"}
    found = read_payer_policy(procedure, pages)
    assert [q.role for q in found] == ["cosmetic"]


def test_a_list_cut_by_a_page_break_goes_on_past_the_next_pages_header() -> None:
    procedure = get_procedure("blepharoplasty")
    assert procedure is not None
    pages = {
        1: "Medical Policy: Lids\nEyelid surgery is medically necessary for a member who "
           "meets every one of the following:\nA. The lid rests on the lashes; and\n"
           "B. A field test shows the loss; and",
        2: "Medical Policy: Lids (continued)\nThis policy does not promise coverage; the "
           "member's contract decides.\nC. The member has trouble reading; and\n"
           "D. Taping the lid up restores the field.\n\nOther text.",
    }
    found = [q for q in read_payer_policy(procedure, pages) if q.role == "criterion"]
    assert [(q.page, q.number, q.quote[:2]) for q in found] == [
        (1, 1, "A."), (1, 2, "B."), (2, 3, "C."), (2, 4, "D.")]


def test_a_list_that_ended_takes_nothing_from_the_next_page() -> None:
    procedure = get_procedure("blepharoplasty")
    assert procedure is not None
    pages = {1: "Eyelid surgery is medically necessary for a member who meets every one of "
                "the following:\nA. The lid rests on the lashes; and\nB. A field test shows "
                "the loss.\nThe committee reviews this policy.",
             2: "Header\n1. An item of another list."}
    found = [q for q in read_payer_policy(procedure, pages) if q.role == "criterion"]
    assert [q.page for q in found] == [1, 1]
