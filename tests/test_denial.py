"""Denial letters read: the notice date in any common writing, services and codes, the
reason as a kind, the stated deadline (or its template blank), where to send the appeal;
and appeal-kit --denial end to end."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from policyscan.cli import main
from policyscan.denial import parse_dates, read_denial
from policyscan.scanner import Scanner

SAMPLES = Path(__file__).resolve().parents[1] / "sample_policies"
LETTERS = SAMPLES / "denials"
EXPECTED: dict[str, dict[str, Any]] = json.loads(
    (LETTERS / "expected.json").read_text(encoding="utf-8"))
PLAN = SAMPLES / "certificate_northwind_excerpt.pdf"


@pytest.mark.parametrize(("text", "when"), [
    ("March 3, 2026", date(2026, 3, 3)),
    ("Mar. 3, 2026", date(2026, 3, 3)),  # abbreviated month
    ("3 March 2026", date(2026, 3, 3)),  # day first
    ("03/03/2026", date(2026, 3, 3)),
    ("4/14/26", date(2026, 4, 14)),  # two-digit year
    ("2026-04-14", date(2026, 4, 14)),
    ("Date: September 1st, 2025", date(2025, 9, 1)),
])
def test_dates_as_letters_write_them(text: str, when: date) -> None:
    assert [d for d, _, _ in parse_dates(text)] == [when]


def test_impossible_dates_are_no_dates() -> None:
    assert parse_dates("02/30/2026 and 13/01/2026") == []


@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_synthetic_letter_is_read(scanner: Scanner, name: str, engine: str) -> None:
    want = EXPECTED[name]
    report = Scanner(scanner.rules, type(scanner.options)(engine=engine)).scan(LETTERS / name)
    assert report.kind == "denial_notice"
    denial = report.denial
    assert denial is not None
    assert denial["notice_date"]["date"] == want["notice_date"]
    assert denial["reason"]["kind"] == want["reason"]
    assert denial["procedure"] == want["procedure"]
    assert [c["code"] for c in denial["codes"]] == want["codes"]
    deadline = denial["deadline"]
    if want["deadline"] is None:
        assert deadline is None
    elif want["deadline"] == "placeholder":
        assert deadline["placeholder"] and deadline["value"] is None
    else:
        assert (deadline["value"], deadline["unit"]) == (want["deadline"]["value"],
                                                         want["deadline"]["unit"])
    where = denial["send_to"]
    for key in ("address", "fax", "portal"):
        assert bool(where and where[key]) == want[key], (key, where)
    for part in ("notice_date", "reason", "send_to"):  # each with its page
        if denial[part]:
            assert denial[part]["page"] == 1


def test_a_reason_the_letter_says_it_did_not_use_is_not_the_reason(scanner: Scanner) -> None:
    report = scanner.scan_text(
        "NOTICE OF ADVERSE BENEFIT DETERMINATION\n\nJune 2, 2026\n\nWe did not decide "
        "whether the treatment is medically necessary. The treatment is a cosmetic service "
        "and cosmetic services are excluded. You may appeal within 180 days of receiving this "
        "notice.")
    assert report.kind == "denial_notice" and report.denial is not None
    assert report.denial["reason"]["kind"] == "cosmetic"
    assert report.denial["notice_date"]["date"] == "2026-06-02"


def test_read_denial_without_findings_or_dates() -> None:
    denial = read_denial({1: "We have denied your claim."}, [])
    assert denial["notice_date"] is None and denial["deadline"] is None
    assert denial["reason"]["kind"] == "other"


def _kit(*args: str) -> str:
    result = CliRunner().invoke(main, ["appeal-kit", str(PLAN), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_appeal_kit_takes_procedure_date_and_reason_from_the_letter() -> None:
    kit = _kit("--denial", str(SAMPLES / "denial_letter_microneedling.pdf"))
    assert kit.startswith("# Appeal kit: Micro needling")
    assert "Dated March 3, 2026 (page 1)" in kit
    assert "Reason: cosmetic" in kit
    assert "180 days → Sunday, August 30, 2026" in kit  # the plan's limit from the letter date
    assert "the earlier date governs" in kit
    assert "P.O. Box 4410, Lakeport, MN 55990" in kit and "1-800-555-0163" in kit
    answer = kit.split("## Answering the reason")[1].split("##")[0]
    assert "reconstructive surgery to correct a physical deformity" in answer


def test_appeal_kit_flags_override_the_letter() -> None:
    kit = _kit("--denial", str(SAMPLES / "denial_letter_microneedling.pdf"),
               "--procedure", "rhinoplasty", "--denied-on", "2026-01-05")
    assert kit.startswith("# Appeal kit: Rhinoplasty")
    assert "180 days → Saturday, July 4, 2026" in kit


@pytest.mark.parametrize(("name", "says"), [
    ("letter_labels_table.pdf", "Show that the treatment meets the plan's own definition"),
    ("letter_plain_paragraphs.pdf", "Ask for a retroactive review"),
    ("letter_no_deadline.pdf", "The letter states no deadline."),
    ("letter_placeholder.pdf", "a blank template field"),
])
def test_appeal_kit_with_each_synthetic_letter(name: str, says: str) -> None:
    kit = _kit("--denial", str(LETTERS / name))
    assert says in kit
    assert "## What the denial letter says" in kit and "## Where to send it" in kit


def test_appeal_kit_refuses_a_letter_that_is_no_denial() -> None:
    result = CliRunner().invoke(main, ["appeal-kit", str(PLAN), "--denial", str(PLAN)])
    assert result.exit_code == 2 and "does not read as a denial notice" in result.stderr


@pytest.mark.corpus
def test_dol_model_notice_is_a_denial_whose_deadline_is_a_blank(scanner: Scanner,
                                                                 corpus: Path) -> None:
    report = scanner.scan(corpus / "dol_model_notices_adverse_benefit_determination_2014.pdf")
    assert report.kind == "denial_notice" and report.denial is not None
    deadline = report.denial["deadline"]
    assert deadline is not None and deadline["placeholder"] and deadline["value"] is None
    assert report.facts.appeal_deadline is None  # a template invents no number


def test_issue_11_kit_gives_the_plans_address_and_what_an_appeal_must_contain(
        tmp_path: Path) -> None:
    plan = tmp_path / "plan.txt"
    plan.write_text(
        "RIVERBEND HEALTH PLAN: EVIDENCE OF COVERAGE\n\nEXCLUSIONS\n\nCosmetic services. We "
        "do not cover treatment whose main purpose is to change how you look, such as skin "
        "resurfacing or microneedling.\n\nAPPEALS\n\nIf we deny a claim, you may appeal. You "
        "must file your appeal within 180 days after you receive the notice of the denial. "
        "Send your appeal to Riverbend Health Plan, Appeals Unit, P.O. Box 100, Springfield, "
        "IL 62701, or fax it to 1-800-555-0122. Your appeal must include your member ID, "
        "group number, the claim number and the reason you disagree with our decision.\n",
        encoding="utf-8")
    result = CliRunner().invoke(main, ["appeal-kit", str(plan), "--procedure",
                                       "microneedling", "--denied-on", "2026-02-02"])
    assert result.exit_code == 0, result.output
    where = result.stdout.split("## Where to send it")[1].split("## The plan")[0]
    assert "- Address: P.O. Box 100, Springfield, IL 62701" in where
    assert "- Fax: 1-800-555-0122" in where and "From the plan, page 1" in where
    assert where.count("Your appeal must include your member ID, group number") == 1


def test_issue_11_reason_words_leave_out_the_letters_heading() -> None:
    denial = read_denial({1: "Notice of denial\nJune 2, 2031\n\nWhy we said no\n"
                             "The light therapy you asked for is a cosmetic service.\n"
                             "You may appeal this decision to\nour review team."}, [])
    assert denial["reason"]["kind"] == "cosmetic"
    assert denial["reason"]["words"] == ("The light therapy you asked for is a cosmetic "
                                         "service.")


def _letter(anchor: str) -> dict[str, object]:
    return {"deadline": {"value": 180, "unit": "days", "anchor": anchor, "page": 1,
                         "quote": f"Appeal within 180 days {anchor}.", "placeholder": False}}


@pytest.mark.parametrize(("anchor", "denied", "received", "due", "says"), [
    # The letter about itself: its own date, even when it came later.
    ("of this notice", date(2031, 3, 3), date(2031, 3, 10), date(2031, 8, 30),
     "counted from the date on the letter"),
    # Its date not stated (and not given): no date, and why.
    ("of this notice", None, date(2031, 3, 10), None, "which the letter does not state"),
    # Receipt: the day it came, when the member says so.
    ("of receiving this notice", date(2031, 3, 3), date(2031, 3, 10), date(2031, 9, 6),
     "the day you received it"),
    # Another event: never a date counted from the letter.
    ("of the date of service", date(2031, 3, 3), None, None, "not from the letter"),
])
def test_issue_11_kit_counts_a_letters_limit_from_what_its_anchor_names(
        anchor: str, denied: date | None, received: date | None, due: date | None,
        says: str) -> None:
    from policyscan.report.kit import _letter_deadline

    text, when = _letter_deadline(_letter(anchor), denied, received)
    assert when == due
    assert says in text


def test_issue_11_kit_answers_a_cosmetic_denial_with_the_clause_about_the_procedure_first(
        tmp_path: Path) -> None:
    # A breast-symmetry clause comes first in the plan; the one for scars from an injury
    # is what answers a cosmetic denial of scar treatment.
    plan = tmp_path / "plan.txt"
    plan.write_text(
        "Evidence of Coverage\n\nCovered services. We cover reconstructive surgery to bring "
        "back symmetry of the breasts after a mastectomy.\n\f"
        "Exclusions. We do not cover cosmetic services, such as microneedling done to "
        "change how skin looks.\n\nThis exclusion does not apply to reconstructive surgery "
        "to repair scars caused by an injury, a burn or an illness when it restores "
        "function.\n", encoding="utf-8")
    kit = CliRunner().invoke(main, ["appeal-kit", str(plan), "--denial",
                                    str(SAMPLES / "denial_letter_microneedling.pdf")]).stdout
    answer = kit.split("## Answering the reason")[1].split("\n## ")[0]
    quotes = [line for line in answer.splitlines() if line.startswith(">")]
    assert quotes and "caused by an injury" in quotes[0]
