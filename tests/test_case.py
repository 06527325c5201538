"""The member's case end to end: --procedure, --denied-on/--received-on, appeal-kit, and
codes as findings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from policyscan.cli import main

SAMPLES = Path(__file__).resolve().parents[1] / "sample_policies"
DENIAL = SAMPLES / "denial_letter_microneedling.pdf"
CERTIFICATE = SAMPLES / "certificate_northwind_excerpt.pdf"
SBC = SAMPLES / "sbc_bluebird_bronze_hmo.pdf"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def doc_of(*args: str) -> dict:
    code, out, _ = run(*args, "--format", "json", "--no-cache")
    assert code == 0, out
    return json.loads(out)["documents"][0]


def test_procedure_outlook_is_in_the_json_report() -> None:
    doc = doc_of(str(CERTIFICATE), "--procedure", "microneedling")
    outlook = doc["outlook"]
    assert outlook["procedure"]["id"] == "micro-needling"
    kinds = [s["kind"] for s in outlook["statuses"]]
    assert "cosmetic_exclusion" in kinds and "exception_available" in kinds
    for status in outlook["statuses"]:  # every piece of evidence is a quote with its page
        for e in status["evidence"]:
            assert e["page"] >= 1 and e["quote"].strip()


def test_a_typo_in_the_procedure_is_forgiven() -> None:
    doc = doc_of(str(CERTIFICATE), "--procedure", "rhinoplastee")
    assert doc["outlook"]["procedure"]["id"] == "rhinoplasty"


def test_unknown_procedure_is_a_usage_error() -> None:
    code, _, err = run(str(CERTIFICATE), "--procedure", "xylophone therapy")
    assert code == 2
    assert "does not know the procedure 'xylophone therapy'" in err


def test_denied_on_turns_the_stated_deadline_into_a_date() -> None:
    # 180 days from Mon 2025-03-03 is Sat 2025-08-30: no roll-forward, advice to file on Friday.
    doc = doc_of(str(CERTIFICATE), "--denied-on", "2025-03-03")
    internal = [d for d in doc["due_dates"] if d["action"] == "internal_appeal"]
    assert internal and internal[0]["date"] == "2025-08-30"
    assert internal[0]["basis"] == "document" and internal[0]["page"] >= 1
    assert "Friday, August 29, 2025" in internal[0]["advice"]


def test_sbc_without_a_deadline_gets_the_federal_default_labelled_as_such() -> None:
    doc = doc_of(str(SBC), "--denied-on", "2025-03-03")
    assert doc["facts"]["appeal_deadline"] is None  # never invented as a plan term
    defaults = [d for d in doc["due_dates"] if d["basis"] == "federal default"]
    assert defaults and all(d["page"] is None and d["quote"] is None for d in defaults)


def test_received_on_moves_a_receipt_anchored_deadline() -> None:
    doc = doc_of(str(CERTIFICATE), "--denied-on", "2025-03-03", "--received-on", "2025-03-10")
    internal = next(d for d in doc["due_dates"] if d["action"] == "internal_appeal")
    assert internal["start"] == "2025-03-10"


def test_terminal_shows_the_outlook_and_the_dates() -> None:
    code, out, _ = run(str(DENIAL), "--procedure", "micro needling", "--denied-on",
                       "2025-03-03", "--no-cache", "--no-color")
    assert code == 0
    assert "Micro needling: what this document says" in out
    assert "Deadlines as dates" in out and "August 30, 2025" in out


def test_appeal_kit_is_markdown_with_deadline_clauses_checklist_and_letter(
        tmp_path: Path) -> None:
    kit = tmp_path / "kit.md"
    code, _, err = run("appeal-kit", str(DENIAL), "--procedure", "micro needling",
                       "--denied-on", "2025-03-03", "-o", str(kit))
    assert code == 0, err
    text = kit.read_text(encoding="utf-8")
    for heading in ("# Appeal kit: Micro needling", "## Your deadline",
                    "## The plan's own words to cite", "## Checklist", "## Letter"):
        assert heading in text
    assert "Saturday, August 30, 2025" in text
    assert "letter of medical necessity" in text.lower()
    assert "[________]" in text  # blanks for what only the patient knows
    assert text.count("not legal or medical advice") == 2  # at the top and the bottom


def test_appeal_kit_of_an_unreadable_file_says_so(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"not a pdf at all")
    code, _, err = run("appeal-kit", str(bad), "--procedure", "micro needling")
    assert code == 3 and "could not be scanned" in err


def test_codes_in_a_document_are_findings_of_their_own_category() -> None:
    doc = doc_of(str(DENIAL))
    codes = [f for f in doc["findings"] if f["category"] == "code"]
    assert {f["quote"] for f in codes} >= {"L90.5"}
    assert all(f["method"] == "code" and "curated table" in f["explanation"] for f in codes)
    # Codes never change the eight categories' facts.
    assert set(doc["facts"]) >= {"cosmetic_exclusion", "appeal_deadline"}


@pytest.mark.corpus
def test_kaiser_medicare_eoc_deadline_as_a_date(corpus: Path) -> None:
    doc = doc_of(str(corpus / "eoc_kaiser_medicare_advantage_group_hmo_fcps_2026.pdf"),
                 "--denied-on", "2025-03-03")
    internal = next(d for d in doc["due_dates"] if d["action"] == "internal_appeal")
    assert (internal["value"], internal["date"]) == (65, "2025-05-07")


# -- issue 11: each stage from its own start ---------------------------------------------

def test_issue_11_external_review_is_never_dated_from_the_first_denial() -> None:
    doc = doc_of(str(CERTIFICATE), "--denied-on", "2025-03-03")
    external = next(d for d in doc["due_dates"] if d["stage"] == "external_review")
    assert external["date"] is None and external["start"] is None
    assert "final decision" in external["label"]  # the duration with its own anchor
    assert external["needs"].startswith("--decided-on first_internal_appeal=")
    internal = next(d for d in doc["due_dates"] if d["stage"] == "first_internal_appeal")
    assert internal["date"] == "2025-08-30"  # the first stage still counts from the denial


def test_issue_11_decided_on_dates_the_later_stage_from_its_own_decision() -> None:
    doc = doc_of(str(CERTIFICATE), "--denied-on", "2025-03-03",
                 "--decided-on", "first_internal_appeal=2025-05-01")
    external = next(d for d in doc["due_dates"] if d["stage"] == "external_review")
    assert (external["start"], external["date"]) == ("2025-05-01", "2025-09-01")


def test_issue_11_decided_on_alone_dates_only_the_later_stage() -> None:
    doc = doc_of(str(CERTIFICATE), "--decided-on", "appeal=2025-05-01")
    stages = {d["stage"]: d for d in doc["due_dates"]}
    assert stages["external_review"]["date"] == "2025-09-01"
    assert stages["first_internal_appeal"]["date"] is None  # no denial date given


def test_issue_11_sbc_default_external_review_waits_for_the_final_decision() -> None:
    doc = doc_of(str(SBC), "--denied-on", "2025-03-03")
    stages = {d["stage"]: d for d in doc["due_dates"]}
    assert stages["first_internal_appeal"]["basis"] == "federal default"
    assert stages["first_internal_appeal"]["date"] == "2025-08-30"
    assert stages["external_review"]["date"] is None


@pytest.mark.parametrize("value", ["second_level", "nonsense=2025-01-01",
                                   "appeal=01/02/2025"])
def test_decided_on_must_name_a_stage_and_a_date(value: str) -> None:
    code, _, err = run(str(CERTIFICATE), "--decided-on", value)
    assert code == 2 and "--decided-on" in err


def test_issue_11_non_us_policy_gets_no_us_default(tmp_path: Path) -> None:
    policy = tmp_path / "policy.txt"
    policy.write_text("Policy wording. This insurer is authorised by the Financial Conduct "
                      "Authority. Complaints may be referred to the Financial Ombudsman "
                      "Service. Customers aged 65 years of age or over pay more.\n",
                      encoding="utf-8")
    doc = doc_of(str(policy), "--denied-on", "2025-03-03")
    assert doc["regime"]["name"] == "non_us"
    assert doc["regime"]["country"] == "United Kingdom"
    assert doc.get("due_dates", []) == []


def test_issue_11_split_rulebook_lists_what_each_would_give(tmp_path: Path) -> None:
    plan = tmp_path / "plan.txt"
    plan.write_text("This summary plan description describes your rights under ERISA. "
                    "Members of this Medicare Advantage plan may ask for an organization "
                    "determination.\n", encoding="utf-8")
    doc = doc_of(str(plan), "--denied-on", "2025-03-03")
    assert doc["regime"]["name"] == "uncertain"
    possible = {d["regime"] for d in doc["due_dates"]}
    assert possible == {"erisa", "medicare_advantage"}
    assert all(d["basis"] == "federal default" for d in doc["due_dates"])
    # Issue 11: no default date when the rulebook is split, only what each would give.
    assert all(d["date"] is None and d["start"] is None for d in doc["due_dates"])
    assert all("rulebook is unclear" in d["label"] and d["value"] and d["anchor_assumed"]
               for d in doc["due_dates"])


def _plan(tmp_path: Path, text: str) -> str:
    plan = tmp_path / "plan.txt"
    plan.write_text(text, encoding="utf-8")
    return str(plan)


def test_issue_11_medicaid_managed_care_gives_the_plan_appeal_then_the_hearing(
        tmp_path: Path) -> None:
    plan = _plan(tmp_path, "Medicaid Member Handbook of the Riverbend Medicaid health plan. "
                 "This Medicaid managed care plan serves members of the state's medical "
                 "assistance program.\n")
    doc = doc_of(plan, "--denied-on", "2025-03-03")
    assert doc["regime"]["name"] == "medicaid_managed_care"
    by_stage = {d["stage"]: d for d in doc["due_dates"]}
    first = by_stage["first_internal_appeal"]
    assert (first["value"], first["date"], first["basis"]) == (60, "2025-05-02",
                                                              "federal default")
    hearing = by_stage["fair_hearing"]  # its start, the plan's decision, is not known yet
    assert (hearing["value"], hearing["date"], hearing["start"]) == (120, None, None)
    assert "--decided-on" in hearing["label"] and "appeal decision" in hearing["label"]
    dated = doc_of(plan, "--denied-on", "2025-03-03",
                   "--decided-on", "first_internal_appeal=2025-06-02")
    hearing = {d["stage"]: d for d in dated["due_dates"]}["fair_hearing"]
    assert hearing["date"] == "2025-09-30"


@pytest.mark.parametrize(("text", "regime", "why"), [
    ("Children's Health Insurance Program handbook for CHIP members of the Lakeside plan.\n",
     "chip", "state"),
    ("Federal Employees Dental and Vision Insurance Program (FEDVIP) brochure for the "
     "Harbor dental plan.\n", "fedvip", "no OPM review"),
])
def test_issue_11_chip_and_fedvip_get_no_default_and_say_why(
        tmp_path: Path, text: str, regime: str, why: str) -> None:
    doc = doc_of(_plan(tmp_path, text), "--denied-on", "2025-03-03")
    assert doc["regime"]["name"] == regime
    assert why in doc["regime"]["label"] and "default" in doc["regime"]["label"]
    assert doc.get("due_dates", []) == []


def test_issue_11_tricare_gives_its_reconsideration_default(tmp_path: Path) -> None:
    doc = doc_of(_plan(tmp_path, "TRICARE Select handbook. The Defense Health Agency "
                                 "oversees this program.\n"), "--denied-on", "2025-03-03")
    assert doc["regime"]["name"] == "tricare"
    (due,) = doc["due_dates"]
    assert (due["value"], due["date"], due["basis"]) == (90, "2025-06-01", "federal default")
    assert "199.10" in due["citation"]


@pytest.mark.parametrize("fmt", ["terminal", "markdown", "html"])
def test_issue_11_mentions_of_the_family_in_every_format(fmt: str) -> None:
    code, out, _ = run(str(CERTIFICATE), "--procedure", "microneedling", "--format", fmt,
                       "--no-cache", "--no-color")
    assert code == 0
    assert "Where the document names it or its family" in out
    assert "change the look or texture" in " ".join(out.split())


def test_issue_11_kit_names_where_the_plan_names_the_family() -> None:
    code, out, _ = run("appeal-kit", str(CERTIFICATE), "--procedure", "microneedling")
    assert code == 0
    assert "### Where the plan names it or its family" in out


def test_issue_11_an_undated_due_date_says_why_with_its_duration_and_anchor() -> None:
    doc = doc_of(str(CERTIFICATE), "--denied-on", "2025-03-03")
    undated = [d for d in doc["due_dates"] if d["date"] is None]
    assert undated  # the later stages wait for --decided-on
    for d in undated:
        assert d["start"] is None and d["value"] and d["unit"] and d["anchor_assumed"]
        assert d["no_date"] and d["no_date"] in d["label"]
    assert all(d["no_date"] is None for d in doc["due_dates"] if d["date"])
