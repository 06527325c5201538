"""Plan identity from an SBC's header (policyscan.plan): the issuer from the header line or,
when the issuer is only a logo, from the web address the SBC gives; the plan type with its
high-deductible and HSA markers; the metal level; the coverage period as ISO dates.

Every header here is invented; only the template's fixed labels are reused.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from policyscan.extract import PageText
from policyscan.plan import issuer_from_web, metal_level, period_iso, plan_type, read_plan_info

TITLE = ("Summary of Benefits and Coverage: What this Plan Covers & What You Pay for Covered "
         "Services")


def header(period: str) -> str:
    """The template's first line: its title, then the period (kept apart in this file)."""
    return f"{TITLE} Coverage Period: {period}"


def page(*lines: str) -> list[PageText]:
    return [PageText(1, "\n".join(lines), ())]


@pytest.mark.parametrize(("declared", "name", "expected"), [
    ("PPO", "Gold 500", "PPO"),
    ("Deductible HMO", "Silver 40", "HMO"),  # a qualifier before the type
    ("EPO", "Metro 6000 EPO HSA Bronze", "EPO HDHP with HSA"),  # HSA only in the name
    ("HDHP", "Saver 3000", "HDHP"),  # no network type at all
    (None, "Choice POS 2000", "POS"),  # no Plan Type: the name says it
    ("High Deductible Health Plan", "Basic", "HDHP"),
    ("Exclusive Provider", "Plain", "Exclusive Provider"),  # nothing known: kept as written
])
def test_plan_type(declared: str | None, name: str, expected: str) -> None:
    assert plan_type(declared, name) == expected


@pytest.mark.parametrize(("name", "expected"), [
    ("Silver 70 HMO 2500", "Silver"),
    ("METRO EPO 26 BRONZE NS", "Bronze"),
    ("Expanded Bronze Saver", "Expanded Bronze"),
    ("Choice Plus 1000", None),
])
def test_metal_level(name: str, expected: str | None) -> None:
    assert metal_level(name, None) == expected


@pytest.mark.parametrize(("period", "expected"), [
    ("03/01/2026 - 02/28/2027", ("2026-03-01", "2027-02-28")),
    ("01/01/26 - 12/31/26", ("2026-01-01", "2026-12-31")),  # two-digit years
    ("08/01/2024-07/31/2025", ("2024-08-01", "2025-07-31")),
    ("Beginning on or after 07/01/2025", ("2025-07-01", None)),
    ("13/45/2025 - 12/31/2025", ("2025-12-31", None)),  # an impossible date is dropped
    ("plan year", (None, None)),
])
def test_period_iso(period: str, expected: tuple[str | None, str | None]) -> None:
    assert period_iso(period) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("get the terms at www.kp.org/plandocs or call 1-800-555-0100", "Kaiser Permanente"),
    ("visit https://shop.highmark.com/plans", "Highmark Blue Cross Blue Shield"),  # subdomain
    # The glossary's government site comes first and names no issuer.
    ("the glossary: www.healthcare.gov/sbc-glossary; plan terms at www.myuhc.com",
     "UnitedHealthcare"),
    ("terms of words at www.healthcare.gov/sbc-glossary; phone 1-800-555-0100", None),
    ("visit www.unknown-health-plan.com", None),  # an unknown domain names nobody
])
def test_issuer_from_web(text: str, expected: str | None) -> None:
    assert issuer_from_web(text) == expected


def test_logo_only_issuer_is_read_from_the_web_address() -> None:
    plan = read_plan_info(page(
        header("Beginning on or after 03/01/2026"),
        ": Silver 60 HMO 3000/45 Coverage for: Individual / Family | Plan Type: HMO",
        "For more information visit www.kp.org/documents or call 1-800-555-0100.",
    ), "sbc")
    assert (plan.issuer, plan.name, plan.plan_type, plan.metal_level) == (
        "Kaiser Permanente", "Silver 60 HMO 3000/45", "HMO", "Silver")
    assert (plan.coverage_start, plan.coverage_end) == ("2026-03-01", None)


def test_issuer_in_the_header_wins_over_the_web_address() -> None:
    plan = read_plan_info(page(
        header("03/01/2026 - 02/28/2027"),
        "Riverbend Health: Riverbend Bronze EPO HSA Coverage for: Individual | Plan Type: EPO",
        "Questions? Visit www.uhc.com.",
    ), "sbc")
    assert (plan.issuer, plan.plan_type, plan.metal_level) == (
        "Riverbend Health", "EPO HDHP with HSA", "Bronze")


def test_plan_without_issuer_text_or_known_site_has_no_issuer() -> None:
    plan = read_plan_info(page(
        header("03/01/2026 - 02/28/2027"),
        "Basic Plan 2 Coverage for: Individual | Plan Type: PPO",
        "See www.healthcare.gov/sbc-glossary.",
    ), "sbc")
    assert (plan.issuer, plan.name) == (None, "Basic Plan 2")


# -- the corpus SBCs ---------------------------------------------------------------------------

NETWORK_TYPES = {"HMO", "PPO", "EPO", "POS"}


def test_every_corpus_sbc_has_its_identity(corpus: Path) -> None:
    """Issuer (from the header or, for a logo, the web address), plan name, a plan type
    that starts with a network type, and a coverage period with an ISO start; the grid is
    read on every page from its first to its last row, with the page of each row."""
    from policyscan.cli import main

    sbcs = sorted(corpus.glob("sbc_*.pdf")) + sorted(corpus.glob("cms_sbc_*.pdf"))
    assert len(sbcs) >= 5
    result = CliRunner().invoke(main, [*map(str, sbcs), "--format", "json", "--no-cache",
                                       "-q", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    for doc in json.loads(result.stdout)["documents"]:
        plan, name = doc["plan"], Path(doc["path"]).name
        assert doc["kind"] == "sbc", name
        assert plan["issuer"] and plan["name"], (name, plan)
        assert not plan["issuer"].lower().startswith(("services ", "google")), (name, plan)
        assert plan["plan_type"].split()[0] in NETWORK_TYPES, (name, plan)
        assert plan["coverage_start"] and date.fromisoformat(plan["coverage_start"]), name
        if plan["coverage_end"]:
            assert plan["coverage_end"] > plan["coverage_start"], name
        pages = sorted({row["page"] for row in doc["sbc"]["grid"]})
        assert len(doc["sbc"]["grid"]) >= 25, name
        assert pages == list(range(pages[0], pages[-1] + 1)), (name, pages)
        assert doc["facts"]["excluded_services"], name  # the NOT-covered list is read


@pytest.mark.parametrize(("line", "issuer", "name"), [
    # The title's last word wrapped onto the issuer's line.
    ("Services Gulfside Health Company of Texas, Inc.: Open Choice 2500 Coverage for: "
     "Individual | Plan Type: POS", "Gulfside Health Company of Texas, Inc.", "Open Choice 2500"),
    # The title and the period on the same line as the issuer.
    (header("03/01/2026 - 02/28/2027") + " Lakeside Mutual: Lakeside Gold Coverage for: "
     "Family | Plan Type: PPO", "Lakeside Mutual", "Lakeside Gold"),
    # A plan whose own name begins with "Services" keeps it when there is no issuer.
    ("Services Plus 100 Coverage for: Individual | Plan Type: HMO", None, "Services Plus 100"),
])
def test_header_line_carrying_the_title_or_period(line: str, issuer: str | None,
                                                  name: str) -> None:
    plan = read_plan_info(page("Summary of Benefits and Coverage", line), "sbc")
    assert (plan.issuer, plan.name) == (issuer, name)


# -- an issuer no list knows: the text beside its logo, the name its web address spells ------

LOGO_LINE = ": Birchwood Silver EPO 2000 Coverage for: Individual | Plan Type: EPO"


def _notes(site: str, *more: str) -> list[str]:
    return ["Your Grievance and Appeals Rights:",
            "If your claim is denied, you may appeal within 180 days of the denial.",
            *more, f"Questions: Call 1-800-555-0142 or visit us at {site}."]


@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
def test_logo_only_issuer_from_the_text_beside_the_logo(engine: str, tmp_path: Path) -> None:
    """The header line has no issuer and the site is no known issuer's: the legal name set
    beside the logo names it."""
    from sbc_layouts import Layout, build, office_and_tests

    from policyscan.extract import open_document
    from policyscan.rules.loader import load_rules
    from policyscan.scanner import Scanner, ScanOptions

    path = build(tmp_path / "logo.pdf", Layout(
        [office_and_tests()], plan_line=LOGO_LINE, logo=["Insured by", "Birchwood Health "
                                                         "Plan, Inc."],
        notes=_notes("www.bwhp.example")))
    with open_document(path, engine=engine) as doc:
        assert len(doc.rulings(1).images) == 1  # the logo is there, as an image
    plan = Scanner(load_rules(), ScanOptions(engine=engine)).scan(path).plan
    assert (plan.issuer, plan.name, plan.plan_type) == (
        "Birchwood Health Plan, Inc.", "Birchwood Silver EPO 2000", "EPO")


def test_logo_only_issuer_from_the_contact_lines(tmp_path: Path) -> None:
    """No text beside the logo: the contact line's site, birchwoodhealth.example, is
    spelled by a name the document prints ("Birchwood Health Plan": "Plan" is a word of
    issuers' names)."""
    from sbc_layouts import Layout, build, office_and_tests

    from policyscan.rules.loader import load_rules
    from policyscan.scanner import Scanner

    path = build(tmp_path / "contact.pdf", Layout(
        [office_and_tests()], plan_line=LOGO_LINE, logo=[],
        notes=_notes("www.birchwoodhealth.example",
                     "Birchwood Health Plan reviews every appeal with a new reviewer.")))
    plan = Scanner(load_rules()).scan(path).plan
    assert (plan.issuer, plan.name) == ("Birchwood Health Plan", "Birchwood Silver EPO 2000")


@pytest.mark.parametrize(("texts", "expected"), [
    (["Birchwood Health Plan, Inc."], "Birchwood Health Plan, Inc."),
    (["Underwritten by Lakeside Mutual Insurance Company"],
     "Lakeside Mutual Insurance Company"),
    # The template's header beside the logo, and a slogan, name no issuer.
    ([TITLE, "Coverage Period: 01/01/2027 - 12/31/2027", "Caring for Our Neighbors"], None),
    ([": Silver 70 HMO 2500 Coverage for: Individual"], None),
    # A sentence of the intro box is no name.
    (["The plan would share the cost for covered health care services."], None),
])
def test_issuer_beside_logo(texts: list[str], expected: str | None) -> None:
    from policyscan.plan import issuer_beside_logo

    assert issuer_beside_logo(texts) == expected


@pytest.mark.parametrize(("lines", "expected"), [
    # The name the contact line calls, whatever its site.
    (["Questions: Call Juniper Ridge Health Plan at 1-800-555-0142 or visit www.jrx.example."],
     "Juniper Ridge Health Plan"),
    (["Questions: Call Member Services at 1-800-555-0142."], None),  # no issuer's name
    # The name as the site spells it, and with a word of issuers' names after it.
    (["Questions: Call 1-800-555-0142 or visit us at www.cedarvalleyhealth.example.",
      "Cedar Valley Health reviews appeals."], "Cedar Valley Health"),
    (["visit https://www.meadowcare.example/plans", "Meadowcare Health Plan pays claims."],
     "Meadowcare Health Plan"),
    # By initials.
    (["Call us or visit www.gsmh.example.", "Granite State Mutual Health pays claims."],
     "Granite State Mutual Health"),
    # A government site and an unknown site that no printed name spells.
    (["See www.healthcare.gov/sbc-glossary or www.plans-online.example."], None),
    # Words after the name that are not words of issuers' names are not part of it.
    (["visit www.cedarvalley.example", "Cedar Valley Regional Hospital is in the network."],
     "Cedar Valley"),
])
def test_issuer_from_contact(lines: list[str], expected: str | None) -> None:
    from policyscan.plan import issuer_from_contact

    assert issuer_from_contact(page(*lines)) == expected
