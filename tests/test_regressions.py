"""Regression tests: one per bug found while measuring on real documents. The wording is
our own paraphrase of the shape that broke, never text copied from a corpus file."""

from __future__ import annotations

import pytest

from policyscan.scanner import Scanner

# Durations that are the plan's or a reviewer's own time to act, in shapes that were once
# read as the member's deadline.
INSURER_CLOCKS = [
    # the subject comes after a sentence-opening "Within N days …,"
    "Within five (5) business days from receipt of the request for external review, the "
    "Plan will complete a preliminary review of the request.",
    # a decision verb a few words after the modal
    "Within one (1) business day after its review, Acme Health shall in writing notify you "
    "of its decision on the external review request.",
    # "may" as the modal
    "For an urgent appeal the Claims Administrator may notify you within 24 hours orally.",
    # "if we do not give you an answer within 72 hours"
    "If we do not give you an answer on your appeal within 72 hours, we will forward it to "
    "the next level.",
    # the plan extending its own time frame
    "We may extend the time frame to make our decision on your grievance by up to 14 "
    "calendar days.",
    # passive voice with a possessive receipt anchor
    "The appeal hearing will be held and a decision will be rendered within thirty (30) days "
    "of Acme's receipt of your request for review.",
    # a long clause between the reviewer's verb and the number
    "The assigned reviewer will conduct the external review and provide notice of its final "
    "decision as quickly as your condition requires, but in no event more than seventy-two "
    "(72) hours after receiving the request.",
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
