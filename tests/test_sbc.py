"""Reading an SBC like a person (issue 5): the Common Medical Event grid, the two service
lists, the Important Questions and the plan, with the prior-authorization findings tied to
their grid rows.

Three sources:

- the sample SBCs (``sample_policies``), with both engines. Every expectation here was
  written by reading the pages (``policyscan text FILE --page N`` and the rendered pages),
  not copied from the scanner's output;
- hand-drawn layouts (``tests/sbc_layouts.py``, built in tmp_path) for the layout problems
  the issue lists that the samples do not exercise: three-column boxes whose items share
  text lines, grids without any rule, Word-style borders drawn cell by cell with underlined
  words, a portrait page turned with /Rotate, rows cut by a page break, merged cells;
- the real corpus (``corpus`` marker), read by path; only numbers (hand counts) are written
  here, never its text.

Known bugs are strict xfails whose reason names the bug: they fail loudly once fixed.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sbc_layouts import (
    ANSWERS,
    EVENTS,
    EXCLUDED_COLUMNS,
    EXCLUDED_ITEMS,
    EXPECTED_ROWS,
    OTHER_COLUMNS,
    OTHER_ITEMS,
    PA_PENALTY,
    QUESTIONS,
    Group,
    Layout,
    Row,
    benefit_grid,
    build,
    office_and_tests,
    surgery_and_stay,
)

from policyscan.cli import main
from policyscan.evaluate import load_gold, normalise, passage_matches
from policyscan.extract import open_document
from policyscan.models import DocumentReport, Finding, GridRowInfo, PlanInfo, SbcInfo
from policyscan.report import make_formatter
from policyscan.report.csv import GRID_COLUMNS
from policyscan.rules.loader import RuleSet
from policyscan.scanner import Scanner, ScanOptions
from policyscan.structure import SBC_EVENT_NAMES

ENGINES = ("pdfium", "pdfplumber")
NW = "sbc_northwind_silver_ppo.pdf"
BB = "sbc_bluebird_bronze_hmo.pdf"

# The ten Common Medical Events, by a short key, in template order.
KEYS = ("visit", "test", "drugs", "surgery", "immediate", "stay", "mental", "pregnant",
        "recovering", "child")
EVENT = {k: name for k, (_, name) in zip(KEYS, SBC_EVENT_NAMES, strict=True)}
CANONICAL = set(EVENT.values())


def squeeze(text: str | None) -> str:
    """Whitespace collapsed; a line break after a slash ("screening/ immunization") is not
    a space in the printed word."""
    return " ".join((text or "").split()).replace("/ ", "/")


# --------------------------------------------------------------------------------------------
# Scans, once per file and engine
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scanners(rules: RuleSet) -> dict[str, Scanner]:
    return {engine: Scanner(rules, ScanOptions(engine=engine)) for engine in ENGINES}


@pytest.fixture(scope="module")
def scan(scanners: dict[str, Scanner]) -> Callable[[Path, str], DocumentReport]:
    done: dict[tuple[str, str], DocumentReport] = {}

    def run(path: Path, engine: str = "pdfium") -> DocumentReport:
        key = (str(path), engine)
        if key not in done:
            done[key] = scanners[engine].scan(path)
            assert done[key].status == "ok", done[key].error
        return done[key]

    return run


def sbc_of(report: DocumentReport) -> SbcInfo:
    assert report.kind == "sbc"
    assert report.sbc is not None
    return report.sbc


def row_named(sbc: SbcInfo, service: str, event: str | None = None) -> GridRowInfo:
    rows = [r for r in sbc.grid if squeeze(r.service) == service
            and (event is None or r.event == EVENT[event])]
    assert len(rows) == 1, (service, [squeeze(r.service) for r in sbc.grid])
    return rows[0]


# --------------------------------------------------------------------------------------------
# The sample SBCs, as read from their pages
# --------------------------------------------------------------------------------------------

PLANS = {
    NW: PlanInfo("Northwind Silver PPO 3000", "Northwind Health Mutual",
                 "07/01/2026 - 06/30/2027", "PPO", "Individual + Family",
                 "2026-07-01", "2027-06-30", "Silver"),
    BB: PlanInfo("Bluebird Bronze HMO 7500", "Bluebird Health Plans, Inc.",
                 "01/01/2026 \u2013 12/31/2026", "HMO", "Individual",
                 "2026-01-01", "2026-12-31", "Bronze"),
}

# Northwind: a three-column box, filled column by column; the first item wraps.
# Bluebird: one "●" item per line.
EXCLUDED = {
    NW: ["Abortion - except when the life of the mother is endangered", "Cosmetic surgery",
         "Dental care (Adult)", "Infertility treatment", "Long-term care",
         "Non-emergency care when traveling outside the U.S.", "Private-duty nursing",
         "Routine eye care (Adult)", "Routine foot care", "Weight loss programs"],
    BB: ["Acupuncture", "Bariatric Surgery", "Cosmetic Surgery", "Dental Care (Adult)",
         "Experimental or Investigational Services", "Infertility Treatment", "Long-Term Care",
         "Non-emergency care when traveling outside the U.S.", "Private-Duty Nursing",
         "Routine Foot Care", "Weight Loss Programs"],
}
OTHER_COVERED = {
    NW: ["Acupuncture (limited to 12 visits per year)", "Bariatric surgery", "Chiropractic care",
         "Hearing aids (one per ear every 36 months)", "Reconstructive surgery"],
    BB: ["Chiropractic Care (limited to 20 visits per year)", "Hearing Aids",
         "Reconstructive Surgery Following a Mastectomy",
         "Routine Eye Care (Adult), one exam per year"],
}

# (service, page, penalty): the rows whose Limitations cell requires prior authorization.
PRIOR_AUTH = {
    NW: [("Imaging (CT/PET scans, MRIs)", 2, "50% of the total allowed amount"),
         ("Preferred brand drugs (Tier 2)", 2, None),
         ("Specialty drugs (Tier 4)", 3, None),
         ("Facility fee (e.g., ambulatory surgery center)", 3,
          "50% of the total allowed amount"),
         ("Facility fee (e.g., hospital room)", 3, "$250"),
         ("Outpatient services", 3, None),
         ("Skilled nursing care", 4, None),
         ("Durable medical equipment", 4, None)],
    BB: [("Imaging (CT/PET scans, MRIs)", 1, None),
         ("Specialty drugs", 1, "will not be covered"),
         ("Facility fee (e.g., ambulatory surgery center)", 1, "You pay the full cost"),
         ("Facility fee (e.g., hospital room)", 2, "$500"),
         ("Inpatient services", 2, None),
         ("Childbirth/delivery facility services", 2, None),
         ("Skilled nursing care", 2, None),
         ("Durable medical equipment", 2, None)],
}
# The negated note of each sample, and the row it stands in.
NEGATED = {
    NW: ("No preauthorization is required for emergency admissions.",
         "Facility fee (e.g., hospital room)"),
    BB: ("Pre-authorization is not required for emergency services.", "Emergency room care"),
}

QUESTIONS_OF = {
    NW: {"overall_deductible": "$3,000 individual / $6,000 family (network); $6,000 / "
                               "$12,000 (out-of-network)",
         "services_before_deductible": "Yes. Office visits, generic drugs and preventive care; "
                                       "no deductible applies to them.",
         "other_deductibles": "No.",
         "out_of_pocket_limit": "$7,500 individual / $15,000 family (network); $15,000 / "
                                "$30,000 (out-of-network providers)",
         "not_in_out_of_pocket_limit": "Penalties for skipping preauthorization, premiums, "
                                       "care the plan excludes, and balance-billed charges.",
         "network": "Yes. See www.northwindhealth.example/find-a-doctor or call 1-800-555-0147.",
         "referral": "No."},
    # Bluebird's table has four questions; the other three are not printed.
    BB: {"overall_deductible": "$7,500 individual", "services_before_deductible": None,
         "other_deductibles": None, "out_of_pocket_limit": "$9,200 individual",
         "not_in_out_of_pocket_limit": None,
         "network": "Yes. This HMO pays only for network care, except emergencies.",
         "referral": "Yes."},
}

_COMMON = {
    "visit": ["Primary care visit to treat an injury or illness", "Specialist visit",
              "Preventive care/screening/immunization"],
    "test": ["Diagnostic test (x-ray, blood work)", "Imaging (CT/PET scans, MRIs)"],
    "surgery": ["Facility fee (e.g., ambulatory surgery center)", "Physician/surgeon fees"],
    "immediate": ["Emergency room care", "Emergency medical transportation", "Urgent care"],
    "stay": ["Facility fee (e.g., hospital room)", "Physician/surgeon fees"],
    "mental": ["Outpatient services", "Inpatient services"],
    "pregnant": ["Office visits", "Childbirth/delivery professional services",
                 "Childbirth/delivery facility services"],
    "recovering": ["Home health care", "Rehabilitation services", "Habilitation services",
                   "Skilled nursing care", "Durable medical equipment", "Hospice services"],
    "child": ["Children's eye exam", "Children's glasses", "Children's dental check-up"],
}
# Every grid row, in order: (event key, service, page).
_DRUGS = {
    NW: ["Generic drugs (Tier 1)", "Preferred brand drugs (Tier 2)",
         "Non-preferred brand drugs (Tier 3)", "Specialty drugs (Tier 4)"],
    BB: ["Generic drugs", "Preferred brand drugs", "Non-preferred brand drugs",
         "Specialty drugs"],
}
# Rows per page: Northwind's page breaks are inside the drugs (2→3) and "help recovering"
# (4→5) groups; Bluebird's table is split by reportlab after "Emergency room care".
_PAGES = {NW: [2] * 8 + [3] * 10 + [4] * 8 + [5] * 4, BB: [1] * 12 + [2] * 18}


def grid_rows(name: str) -> list[tuple[str, str, int]]:
    services = [(k, s) for k in KEYS
                for s in (_DRUGS[name] if k == "drugs" else _COMMON[k])]
    return [(k, s, p) for (k, s), p in zip(services, _PAGES[name], strict=True)]


@pytest.fixture(params=[(name, engine) for name in (NW, BB) for engine in ENGINES],
                ids=lambda p: f"{p[0].split('_')[1]}-{p[1]}")
def sample(request: pytest.FixtureRequest, samples: Path,
           scan: Callable[[Path, str], DocumentReport]) -> tuple[str, DocumentReport]:
    name, engine = request.param
    return name, scan(samples / name, engine)


def test_sample_is_an_sbc_with_its_plan(sample: tuple[str, DocumentReport]) -> None:
    name, report = sample
    sbc_of(report)
    assert report.plan == PLANS[name]


def test_sample_excluded_services(sample: tuple[str, DocumentReport]) -> None:
    name, report = sample
    assert list(sbc_of(report).excluded_services) == EXCLUDED[name]
    assert report.to_dict()["facts"]["excluded_services"] == EXCLUDED[name]


def test_sample_other_covered_services(sample: tuple[str, DocumentReport]) -> None:
    name, report = sample
    assert list(sbc_of(report).other_covered_services) == OTHER_COVERED[name]
    assert report.to_dict()["facts"]["other_covered_services"] == OTHER_COVERED[name]


def test_sample_prior_authorization_services(sample: tuple[str, DocumentReport]) -> None:
    name, report = sample
    sbc = sbc_of(report)
    got = [(squeeze(s.service), s.page, s.penalty) for s in sbc.prior_authorization_services]
    assert got == PRIOR_AUTH[name]
    for s in sbc.prior_authorization_services:
        row = row_named(sbc, squeeze(s.service))
        assert s.event == row.event
        assert squeeze(s.quote) in squeeze(row.limitations)
        assert row.prior_authorization and row.penalty == s.penalty


def test_sample_negated_note_is_not_a_prior_auth_service(
        sample: tuple[str, DocumentReport]) -> None:
    name, report = sample
    sbc = sbc_of(report)
    note, service = NEGATED[name]
    negated = [f for f in report.findings if f.category == "prior_authorization" and f.negated]
    assert [squeeze(f.quote) for f in negated] == [note]
    assert squeeze(negated[0].service) == service
    assert all(squeeze(s.quote) != note for s in sbc.prior_authorization_services)
    if name == BB:  # the row says nothing else: it is not listed at all
        assert service not in {squeeze(s.service) for s in sbc.prior_authorization_services}
        assert not row_named(sbc, service).prior_authorization


def test_sample_important_questions(sample: tuple[str, DocumentReport]) -> None:
    name, report = sample
    assert sbc_of(report).important_questions == QUESTIONS_OF[name]


def test_sample_grid_rows_events_and_pages(sample: tuple[str, DocumentReport]) -> None:
    name, report = sample
    sbc = sbc_of(report)
    assert len(sbc.grid) == 30
    got = [(r.event, squeeze(r.service), r.page) for r in sbc.grid]
    assert got == [(EVENT[k], s, p) for k, s, p in grid_rows(name)]


def test_sample_rows_after_a_page_break_keep_their_event(
        sample: tuple[str, DocumentReport]) -> None:
    name, report = sample
    sbc = sbc_of(report)
    if name == NW:  # the continued part of the group has an empty event cell
        for service, page, event in (("Specialty drugs (Tier 4)", 3, "drugs"),
                                     ("Hospice services", 5, "recovering")):
            row = row_named(sbc, service)
            assert (row.page, row.event) == (page, EVENT[event])
    else:  # the event is printed only on the group's first row, on the page before
        row = row_named(sbc, "Emergency medical transportation")
        assert (row.page, row.event) == (2, EVENT["immediate"])


def test_sample_merged_event_cell_names_every_row(sample: tuple[str, DocumentReport]) -> None:
    name, report = sample
    sbc = sbc_of(report)
    for key in KEYS:
        services = [squeeze(r.service) for r in sbc.grid if r.event == EVENT[key]]
        assert services == (_DRUGS[name] if key == "drugs" else _COMMON[key]), key


def test_sample_cells(sample: tuple[str, DocumentReport]) -> None:
    """A few cells of each column, as printed."""
    name, report = sample
    sbc = sbc_of(report)
    if name == NW:
        generic = row_named(sbc, "Generic drugs (Tier 1)")
        assert squeeze(generic.in_network) == ("$15 copay/prescription (retail); $35 "
                                               "copay/prescription (mail order)")
        assert generic.out_of_network == "Not covered"
        assert squeeze(row_named(sbc, "Imaging (CT/PET scans, MRIs)").limitations) == (
            "Preauthorization required. If you don't get preauthorization first, benefits may "
            "be reduced by 50% of the total allowed amount.")
        assert squeeze(row_named(sbc, "Facility fee (e.g., hospital room)").limitations) == (
            "Precertification may be required. $250 penalty if not obtained. No "
            "preauthorization is required for emergency admissions.")
        # A group continued on the next page: the row there is whole.
        assert squeeze(row_named(sbc, "Specialty drugs (Tier 4)").limitations) == (
            "Filled only through the Northwind specialty pharmacy program. Requires prior "
            "authorization from the plan")
    else:
        specialty = row_named(sbc, "Specialty drugs")
        assert (specialty.in_network, specialty.out_of_network) == ("50% coinsurance",
                                                                    "Not covered")
        assert squeeze(specialty.limitations) == ("Pre-authorization needed. Without it, the "
                                                  "drug will not be covered.")
        assert squeeze(row_named(sbc, "Skilled nursing care").limitations) == (
            "Limited to 100 days per calendar year. Pre-certification required.")


def test_sample_grid_findings_carry_service_and_penalty(
        sample: tuple[str, DocumentReport]) -> None:
    name, report = sample
    sbc = sbc_of(report)
    expected = {s: p for s, _, p in PRIOR_AUTH[name]}
    in_grid = [f for f in report.findings if f.category == "prior_authorization"
               and f.service is not None]
    # Every prior-authorization note of the grid is attached: one or more per listed row,
    # plus the negated note.
    assert {squeeze(f.service) for f in in_grid if not f.negated} == set(expected)
    for f in in_grid:
        assert any(squeeze(r.service) == squeeze(f.service)
                   and squeeze(f.quote) in squeeze(r.limitations) for r in sbc.grid), f.quote
        if not f.negated:  # the row's penalty; a row that states none gives none
            assert f.penalty == expected.get(squeeze(f.service)), f.quote
    # Outside the grid (the Important Questions) a finding has no service.
    for f in report.findings:
        if f.page not in {r.page for r in sbc.grid}:
            assert f.service is None and f.penalty is None
    if name == NW:
        consequence = next(f for f in in_grid if f.quote.startswith("If you don't get") and
                           f.page == 2)
        assert (consequence.service, consequence.penalty) == (
            "Imaging (CT/PET scans, MRIs)", "50% of the total allowed amount")
    else:
        planned = next(f for f in in_grid if "planned admissions; $500" in squeeze(f.quote))
        assert (planned.service, planned.penalty) == ("Facility fee (e.g., hospital room)",
                                                      "$500")


def test_sample_grid_finding_section_is_its_row_event(
        sample: tuple[str, DocumentReport]) -> None:
    _, report = sample
    sbc = sbc_of(report)
    attached = [f for f in report.findings if f.service is not None]
    assert attached
    for f in attached:
        events = {r.event for r in sbc.grid if r.service == f.service
                  and squeeze(f.quote) in squeeze(r.limitations)}
        assert events == {f.section}, (f.quote, f.section, events)


# --------------------------------------------------------------------------------------------
# The JSON contract, the grid CSV and the terminal
# --------------------------------------------------------------------------------------------

GRID_KEYS = {"page", "event", "service", "in_network", "out_of_network", "limitations",
             "prior_authorization", "penalty"}
QUESTION_KEYS = {"overall_deductible", "services_before_deductible", "other_deductibles",
                 "out_of_pocket_limit", "not_in_out_of_pocket_limit", "network", "referral"}


@pytest.mark.parametrize("name", [NW, BB])
def test_json_contract_for_an_sbc(name: str, samples: Path,
                                  scan: Callable[[Path, str], DocumentReport]) -> None:
    report = scan(samples / name, "pdfium")
    d = json.loads(json.dumps(report.to_dict()))
    assert set(d["sbc"]) == {"important_questions", "grid", "excluded_pages",
                             "other_covered_pages"}
    # The page of each list item, in the lists' order.
    assert len(d["sbc"]["excluded_pages"]) == len(d["facts"]["excluded_services"])
    assert len(d["sbc"]["other_covered_pages"]) == len(d["facts"]["other_covered_services"])
    assert set(d["sbc"]["excluded_pages"]) <= set(range(1, d["pages"] + 1))
    assert set(d["sbc"]["important_questions"]) == QUESTION_KEYS
    assert len(d["sbc"]["grid"]) == 30
    for row in d["sbc"]["grid"]:
        assert set(row) == GRID_KEYS
        assert isinstance(row["prior_authorization"], bool)
        assert row["event"] in CANONICAL
    assert d["facts"]["excluded_services"] == EXCLUDED[name]
    assert d["facts"]["other_covered_services"] == OTHER_COVERED[name]
    services = d["facts"]["prior_authorization_services"]
    assert [(squeeze(s["service"]), s["page"], s["penalty"]) for s in services] == PRIOR_AUTH[name]
    for s in services:
        assert set(s) == {"service", "page", "quote", "penalty", "event"}
    assert d["plan"] == PLANS[name].to_dict()
    attached = [f for f in d["findings"] if "service" in f]
    assert attached and all(f["category"] == "prior_authorization" for f in attached)
    back = DocumentReport.from_dict(d)
    assert back.to_dict() == d
    assert back.sbc == report.sbc
    assert back.plan == report.plan
    assert [f.service for f in back.findings] == [f.service for f in report.findings]
    assert [f.penalty for f in back.findings] == [f.penalty for f in report.findings]


def test_json_from_the_command_line(samples: Path) -> None:
    result = CliRunner().invoke(main, [str(samples / BB), str(samples / "denial_letter_"
                                       "microneedling.pdf"), "--format", "json", "--no-cache"])
    assert result.exit_code == 0, result.output
    sbc, letter = json.loads(result.stdout)["documents"]
    assert sbc["kind"] == "sbc" and len(sbc["sbc"]["grid"]) == 30
    assert sbc["facts"]["excluded_services"] == EXCLUDED[BB]
    assert letter["kind"] != "sbc"
    assert "sbc" not in letter and "excluded_services" not in letter["facts"]


def test_grid_csv_one_row_per_grid_row(samples: Path) -> None:
    files = [samples / NW, samples / BB, samples / "denial_letter_microneedling.pdf"]
    result = CliRunner().invoke(main, [*map(str, files), "--format", "grid-csv", "--no-cache"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert tuple(csv.reader(io.StringIO(result.stdout)).__next__()) == GRID_COLUMNS
    assert GRID_COLUMNS == ("path", "plan_name", "issuer", "page", "event", "service",
                            "in_network", "out_of_network", "limitations",
                            "prior_authorization", "penalty")
    for name in (NW, BB):
        mine = [r for r in rows if r["path"] == str(samples / name)]
        assert [(r["event"], squeeze(r["service"]), int(r["page"])) for r in mine] == [
            (EVENT[k], s, p) for k, s, p in grid_rows(name)]
        assert {r["plan_name"] for r in mine} == {PLANS[name].name}
        assert {r["issuer"] for r in mine} == {PLANS[name].issuer}
        assert [(squeeze(r["service"]), int(r["page"]), r["penalty"] or None) for r in mine
                if r["prior_authorization"] == "yes"] == PRIOR_AUTH[name]
        assert {r["prior_authorization"] for r in mine} == {"yes", "no"}
    assert len(rows) == 60  # the denial letter has no grid
    imaging = next(r for r in rows if r["path"] == str(samples / NW)
                   and r["service"].startswith("Imaging"))
    assert (imaging["in_network"], imaging["out_of_network"]) == ("20% coinsurance",
                                                                  "50% coinsurance")


def render_terminal(report: DocumentReport, verbose: bool = False) -> str:
    from policyscan.models import PatternSetInfo, ScanReport

    stream = io.StringIO()
    fmt = make_formatter("terminal", stream, color=False, width=200, verbose=verbose)
    fmt.begin(1)
    fmt.document(report)
    fmt.end(ScanReport((report,), PatternSetInfo(0, ""), "0", "2026-01-01T00:00:00Z"))
    return stream.getvalue()


@pytest.mark.parametrize("name", [NW, BB])
def test_terminal_shows_prior_auth_table_and_lists(
        name: str, samples: Path, scan: Callable[[Path, str], DocumentReport]) -> None:
    report = scan(samples / name, "pdfium")
    first = render_terminal(report)
    # The first screen: six services, then how many more and how to see them (issue 13).
    shown = [ln for ln in first[first.index("Prior authorization required for"):
                                first.index("Not covered (the")].splitlines()
             if re.search(r"\bp\d\b", ln)]
    assert len(shown) == min(6, len(PRIOR_AUTH[name]))
    if len(PRIOR_AUTH[name]) > 6:
        assert f"… and {len(PRIOR_AUTH[name]) - 6} more (-v shows all)" in first
    out = render_terminal(report, verbose=True)
    assert "Prior authorization required for" in out
    table = out[out.index("Prior authorization required for"):out.index("Not covered (the")]
    lines = [ln for ln in table.splitlines() if re.search(r"\bp\d\b", ln)]
    assert len(lines) == len(PRIOR_AUTH[name])
    for line, (service, page, penalty) in zip(lines, PRIOR_AUTH[name], strict=True):
        assert service in line and f"p{page}" in line
        assert (penalty or "—") in line
    not_covered = out[out.index("Not covered (the plan's list):"):]
    listed = " ".join(not_covered.split())
    assert "; ".join(EXCLUDED[name]) in listed
    assert "Other covered services: " + "; ".join(OTHER_COVERED[name]) in listed


def test_terminal_from_the_command_line(samples: Path) -> None:
    result = CliRunner().invoke(main, [str(samples / NW), "--no-color", "--no-cache"])
    assert result.exit_code == 0, result.output
    assert "Prior authorization required for" in result.stdout
    assert "Not covered (the plan's list):" in result.stdout


# --------------------------------------------------------------------------------------------
# Not an SBC: a benefit grid
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_benefit_grid_is_not_read_as_an_sbc(engine: str, tmp_path: Path,
                                            scan: Callable[[Path, str], DocumentReport]
                                            ) -> None:
    report = scan(benefit_grid(tmp_path / "benefit_grid.pdf"), engine)
    assert report.kind != "sbc"
    assert report.sbc is None
    d = report.to_dict()
    assert "sbc" not in d
    assert not {"excluded_services", "other_covered_services",
                "prior_authorization_services"} & set(d["facts"])
    assert all(f.service is None and f.penalty is None for f in report.findings)
    assert report.plan == PlanInfo()


# --------------------------------------------------------------------------------------------
# Hand-drawn layouts (tests/sbc_layouts.py)
# --------------------------------------------------------------------------------------------

GROUPS = office_and_tests() + surgery_and_stay()
PA_ROWS = [("Imaging (CT/PET scans, MRIs)", "50% of the total allowed amount"),
           ("Facility fee (e.g., ambulatory surgery center)", "$500"),
           ("Facility fee (e.g., hospital room)", None)]
# Underlined words: glossary terms and links, inside cells, as real SBCs underline them.
UNDERLINED = ("coinsurance", "copay", "Preauthorization", "preauthorization",
              "network specialist", "Primary care visit to treat an", "Specialist visit",
              "Imaging (CT/PET scans, MRIs)", "Facility fee (e.g., ambulatory",
              "Physician/surgeon fees")


def assert_rows(sbc: SbcInfo, expected: Sequence[tuple[str, str, str]]) -> None:
    got = [(r.event, squeeze(r.service), squeeze(r.limitations)) for r in sbc.grid]
    assert got == [(EVENTS[k], s, squeeze(lim)) for k, s, lim in expected]


def assert_pa(sbc: SbcInfo, expected: Sequence[tuple[str, str | None]] = PA_ROWS) -> None:
    assert [(squeeze(s.service), s.penalty) for s in sbc.prior_authorization_services] == list(
        expected)


@pytest.fixture(scope="module")
def drawn(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, Layout], Path]:
    folder = tmp_path_factory.mktemp("sbc_layouts")

    def make(name: str, layout: Layout) -> Path:
        return build(folder / f"sbc_{name}.pdf", layout)

    return make


@pytest.mark.parametrize("engine", ENGINES)
def test_ruled_grid_with_merged_event_cells(engine: str, drawn: Callable[[str, Layout], Path],
                                            scan: Callable[[Path, str], DocumentReport]
                                            ) -> None:
    report = scan(drawn("ruled", Layout([GROUPS])), engine)
    sbc = sbc_of(report)
    assert report.plan == PlanInfo("Acme Gold PPO 1000", "Acme Health",
                                   "07/01/2026 - 06/30/2027", "PPO", "Individual",
                                   "2026-07-01", "2027-06-30", "Gold")
    assert_rows(sbc, EXPECTED_ROWS)
    assert_pa(sbc)
    imaging = row_named(sbc, "Imaging (CT/PET scans, MRIs)")
    assert (imaging.in_network, imaging.out_of_network) == ("20% coinsurance",
                                                            "40% coinsurance")


@pytest.mark.parametrize("engine", ENGINES)
def test_a_frame_beside_the_grid_is_no_column(engine: str,
                                              drawn: Callable[[str, Layout], Path],
                                              scan: Callable[[Path, str], DocumentReport]
                                              ) -> None:
    """Regression (issue 13): a rule 4 points outside the grid's left border made a sliver
    column, so each event was read as a service and its rows lost their event."""
    sbc = sbc_of(scan(drawn("framed", Layout([GROUPS], frame=4.0)), engine))
    assert_rows(sbc, EXPECTED_ROWS)
    assert_pa(sbc)


# Dash bullets and an item flowed from one column into the next (issue 13).
DASH_COLUMNS = [[["Acupuncture"], ["Bariatric surgery"], ["Cosmetic treatment of the skin,",
                                                           "such as peels or laser"]],
                [["~resurfacing"], ["Abortion - except to save the", "life of the mother"],
                 ["Long-term care"]],
                [["Private-duty nursing"], ["Weight loss programs"]]]
DASH_ITEMS = ["Acupuncture", "Bariatric surgery",
              "Cosmetic treatment of the skin, such as peels or laser resurfacing",
              "Abortion - except to save the life of the mother", "Long-term care",
              "Private-duty nursing", "Weight loss programs"]


@pytest.mark.parametrize("engine", ENGINES)
def test_dash_bulleted_lists_and_an_item_flowed_into_the_next_column(
        engine: str, drawn: Callable[[str, Layout], Path],
        scan: Callable[[Path, str], DocumentReport]) -> None:
    """A list set with "-" bullets was not read at all; an item wrapped from the bottom of
    one column to the top of the next was cut in two. A dash inside an item (Abortion -
    except …) is no bullet."""
    layout = Layout([GROUPS], excluded=DASH_COLUMNS, other_covered=OTHER_COLUMNS, bullet="-")
    sbc = sbc_of(scan(drawn("dashes", layout), engine))
    assert [squeeze(s) for s in sbc.excluded_services] == DASH_ITEMS
    assert [squeeze(s) for s in sbc.other_covered_services] == OTHER_ITEMS


# (a) The lists: three columns whose items share text lines.

SHARED_LINES = [  # items share lines; the one wrapped item has nothing beside its 2nd line
    [["Acupuncture"], ["Cosmetic surgery"], ["Dental care (Adult)"]],
    [["Hearing aids"], ["Long-term care"], ["Non-emergency care when traveling",
                                            "outside the U.S."]],
    [["Routine eye care (Adult)"], ["Routine foot care"]],
]
SHARED_ITEMS = ["Acupuncture", "Cosmetic surgery", "Dental care (Adult)", "Hearing aids",
                "Long-term care", "Non-emergency care when traveling outside the U.S.",
                "Routine eye care (Adult)", "Routine foot care"]


@pytest.mark.parametrize("engine", ENGINES)
def test_three_column_box_items_sharing_text_lines(
        engine: str, drawn: Callable[[str, Layout], Path],
        scan: Callable[[Path, str], DocumentReport]) -> None:
    path = drawn("shared_lines", Layout([office_and_tests()], excluded=SHARED_LINES,
                                        other_covered=[[["Bariatric surgery"]],
                                                       [["Chiropractic care"]],
                                                       [["Infertility treatment"]]]))
    with open_document(path, engine=engine) as doc:  # the layout problem is really there
        text = doc.pages[0].text
    assert re.search(r"Acupuncture\s*\S+\s*Hearing aids\s*\S+\s*Routine eye care", text)
    sbc = sbc_of(scan(path, engine))
    assert list(sbc.excluded_services) == SHARED_ITEMS
    assert list(sbc.other_covered_services) == ["Bariatric surgery", "Chiropractic care",
                                                "Infertility treatment"]


@pytest.mark.parametrize("engine", ENGINES)
def test_three_column_box_item_wrapped_beside_other_columns(
        engine: str, drawn: Callable[[str, Layout], Path],
        scan: Callable[[Path, str], DocumentReport]) -> None:
    path = drawn("wrapped_items", Layout([office_and_tests()], excluded=EXCLUDED_COLUMNS,
                                         other_covered=OTHER_COLUMNS))
    with open_document(path, engine=engine) as doc:
        text = doc.pages[0].text
    assert re.search(r"Cosmetic surgery\s+outside the U\.S\.", text)  # one text line
    sbc = sbc_of(scan(path, engine))
    assert list(sbc.excluded_services) == EXCLUDED_ITEMS
    assert list(sbc.other_covered_services) == OTHER_ITEMS


# (b) No rules at all: columns from the gutters, rows from the lines.

ONE_LINE_HEADER = (["Common Medical Event"], ["Services You May Need"], ["Network Provider"],
                   ["Out-of-Network Provider"], ["Limitations & Exceptions"])
GUTTER_WIDTHS = (150, 160, 100, 110, 220)
FLAT = [
    Group(["If you have a test"], [
        Row(["Diagnostic test"], ["20% coinsurance"], ["40% coinsurance"], ["None"]),
        Row(["Imaging"], ["$50 copay/test"], ["40% coinsurance"],
            ["Preauthorization is required.", "$250 penalty if not obtained."]),
    ]),
    Group(["If you are pregnant"], [
        Row(["Office visits"], ["No charge"], ["40% coinsurance"], ["None"]),
        Row(["Delivery facility services"], ["20% coinsurance"], ["40% coinsurance"],
            ["Prior authorization required."]),
    ]),
    Group(["If you have a hospital stay"], [
        Row(["Facility fee"], ["20% coinsurance"], ["40% coinsurance"], ["None"]),
    ]),
]
FLAT_ROWS = [("If you have a test", "Diagnostic test", "None"),
             ("If you have a test", "Imaging",
              "Preauthorization is required. $250 penalty if not obtained."),
             ("If you are pregnant", "Office visits", "None"),
             ("If you are pregnant", "Delivery facility services",
              "Prior authorization required."),
             ("If you have a hospital stay", "Facility fee", "None")]


def gutter_rows(sbc: SbcInfo) -> list[tuple[str | None, str, str]]:
    return [(r.event, squeeze(r.service), squeeze(r.limitations)) for r in sbc.grid]


@pytest.mark.parametrize("engine", ENGINES)
def test_grid_without_rules_one_line_cells(engine: str, drawn: Callable[[str, Layout], Path],
                                           scan: Callable[[Path, str], DocumentReport]
                                           ) -> None:
    path = drawn("gutters", Layout([FLAT], rules="none", header=ONE_LINE_HEADER,
                                   widths=GUTTER_WIDTHS))
    with open_document(path, engine=engine) as doc:
        assert doc.rulings(1).horizontal == doc.rulings(1).vertical == ()
    sbc = sbc_of(scan(path, engine))
    assert gutter_rows(sbc) == FLAT_ROWS
    imaging = row_named(sbc, "Imaging")
    assert (imaging.in_network, imaging.out_of_network) == ("$50 copay/test", "40% coinsurance")
    assert [(s.service, s.penalty) for s in sbc.prior_authorization_services] == [
        ("Imaging", "$250"), ("Delivery facility services", None)]


@pytest.mark.parametrize("engine", ENGINES)
def test_grid_without_rules_wrapped_header(engine: str, drawn: Callable[[str, Layout], Path],
                                           scan: Callable[[Path, str], DocumentReport]
                                           ) -> None:
    path = drawn("gutters_header", Layout([FLAT], rules="none", widths=GUTTER_WIDTHS))
    assert gutter_rows(sbc_of(scan(path, engine))) == FLAT_ROWS


@pytest.mark.parametrize("engine", ENGINES)
def test_grid_without_rules_wrapped_service(engine: str, drawn: Callable[[str, Layout], Path],
                                            scan: Callable[[Path, str], DocumentReport]
                                            ) -> None:
    """Regression (issue 13): without rules, a wrapped service name whose second line
    starts with a capital ("MRIs)") started a row of its own and took the rest of the
    row's limitations. A row opens its cost cells on its first line, or stands apart."""
    groups = [Group(["If you have a test"], [
        Row(["Diagnostic test (x-ray, blood", "work)"], ["20% coinsurance"],
            ["40% coinsurance"], ["None"]),
        Row(["Imaging (CT/PET scans,", "MRIs)"], ["$55 copay/test"], ["40% coinsurance"],
            ["Preauthorization is required.", "$250 penalty if not obtained."])])]
    path = drawn("gutters_service", Layout([groups], rules="none", header=ONE_LINE_HEADER,
                                           widths=(150, 130, 100, 110, 220)))
    assert gutter_rows(sbc_of(scan(path, engine))) == [
        ("If you have a test", "Diagnostic test (x-ray, blood work)", "None"),
        ("If you have a test", "Imaging (CT/PET scans, MRIs)",
         "Preauthorization is required. $250 penalty if not obtained.")]


@pytest.mark.parametrize("engine", ENGINES)
def test_grid_without_rules_wrapped_event(engine: str, drawn: Callable[[str, Layout], Path],
                                          scan: Callable[[Path, str], DocumentReport]
                                          ) -> None:
    groups = [Group(["If you have a test"], [
        Row(["Imaging"], ["20% coinsurance"], ["40% coinsurance"], ["None"])]),
        Group(["If you have outpatient", "surgery"], [
            Row(["Facility fee"], ["20% coinsurance"], ["40% coinsurance"],
                ["Prior authorization required."]),
            Row(["Surgeon fees"], ["20% coinsurance"], ["40% coinsurance"], ["None"])])]
    path = drawn("gutters_event", Layout([groups], rules="none", header=ONE_LINE_HEADER,
                                         widths=(110, 120, 100, 110, 220)))
    sbc = sbc_of(scan(path, engine))
    assert [(r.event, r.service) for r in sbc.grid] == [
        (EVENT["test"], "Imaging"), (EVENT["surgery"], "Facility fee"),
        (EVENT["surgery"], "Surgeon fees")]


# (c) Word-style borders, drawn cell by cell, and underlined words inside cells.


@pytest.mark.parametrize("engine", ENGINES)
def test_cell_by_cell_borders_and_underlines(engine: str, drawn: Callable[[str, Layout], Path],
                                             scan: Callable[[Path, str], DocumentReport]
                                             ) -> None:
    path = drawn("cells", Layout([GROUPS], rules="cells", underline=UNDERLINED))
    with open_document(path, engine=engine) as doc:
        rulings = doc.rulings(1)
        # Many short segments, not one rule per row: borders come cell by cell, and the
        # underlines add more at heights that are not row borders.
        widths = [x1 - x0 for x0, x1, _ in rulings.horizontal]
        assert max(widths) < 250 and len(rulings.horizontal) > 60
    sbc = sbc_of(scan(path, engine))
    assert_rows(sbc, EXPECTED_ROWS)
    assert_pa(sbc)


# (d) Landscape, and a portrait page turned by /Rotate 90, give the same grid.


@pytest.mark.parametrize("engine", ENGINES)
def test_landscape_and_turned_portrait_pages_give_the_same_grid(
        engine: str, drawn: Callable[[str, Layout], Path],
        scan: Callable[[Path, str], DocumentReport]) -> None:
    flat = drawn("landscape", Layout([office_and_tests(), surgery_and_stay()]))
    turned = drawn("turned", Layout([office_and_tests(), surgery_and_stay()], turned=True))
    with open_document(flat, engine=engine) as a, open_document(turned, engine=engine) as b:
        assert (a.pages[0].width, a.pages[0].height) == (792, 612)
        assert (b.pages[0].width, b.pages[0].height) == (792, 612)  # as displayed
    import pypdf

    assert pypdf.PdfReader(turned).pages[0].get("/Rotate") == 90
    assert pypdf.PdfReader(turned).pages[0].mediabox.width == 612
    plain, rotated = sbc_of(scan(flat, engine)), sbc_of(scan(turned, engine))
    assert_rows(plain, EXPECTED_ROWS)
    assert [r.to_dict() for r in rotated.grid] == [r.to_dict() for r in plain.grid]
    assert rotated.prior_authorization_services == plain.prior_authorization_services
    assert [r.page for r in plain.grid] == [1, 1, 1, 1, 2, 2, 2, 2]


# (e) A grid row split across two pages.

RECOVERING = ["If you need help", "recovering or have", "other special health", "needs"]


def split_layout(service_continues: bool) -> Layout:
    dme = (["Durable medical equipment (over", "$500 per item) and"] if service_continues
           else ["Durable medical equipment"])
    first = Group(RECOVERING, [
        Row(["Home health care"], ["20% coinsurance"], ["40% coinsurance"],
            ["Limited to 100 visits per", "calendar year."]),
        Row(dme, ["20% coinsurance"], ["40% coinsurance"],
            ["Limited to one item of each", "type every 3 years."])])
    rest = Group([], [
        Row(["prosthetic devices"] if service_continues else [], [], [],
            ["Prior authorization required. If you", "don't get prior authorization, benefits",
             "could be reduced by $500."]),
        Row(["Hospice services"], ["No charge"], ["40% coinsurance"], ["None"])])
    return Layout([office_and_tests() + [first], [rest] + surgery_and_stay()])


DME_LIMITS = ("Limited to one item of each type every 3 years. Prior authorization required. "
              "If you don't get prior authorization, benefits could be reduced by $500.")


@pytest.mark.parametrize("engine", ENGINES)
def test_row_split_across_pages(engine: str, drawn: Callable[[str, Layout], Path],
                                scan: Callable[[Path, str], DocumentReport]) -> None:
    report = scan(drawn("split_row", split_layout(service_continues=False)), engine)
    sbc = sbc_of(report)
    assert len(sbc.grid) == 11
    dme = row_named(sbc, "Durable medical equipment")
    assert (dme.page, dme.event) == (1, EVENT["recovering"])
    assert squeeze(dme.limitations) == DME_LIMITS
    assert (dme.prior_authorization, dme.penalty) == (True, "$500")
    hospice = row_named(sbc, "Hospice services")
    assert (hospice.page, hospice.event) == (2, EVENT["recovering"])
    # The note printed on page 2 belongs to the row that began on page 1.
    note = next(f for f in report.findings if f.page == 2 and not f.negated
                and f.quote.startswith("Prior authorization required"))
    assert (note.service, note.penalty, note.section) == (
        "Durable medical equipment", "$500", EVENT["recovering"])
    assert ("Durable medical equipment", 2, "$500") in [
        (s.service, s.page, s.penalty) for s in sbc.prior_authorization_services]
    # The rows after it on page 2 are unaffected.
    assert row_named(sbc, "Facility fee (e.g., ambulatory surgery center)").event == EVENT[
        "surgery"]


@pytest.mark.parametrize("engine", ENGINES)
def test_row_split_across_pages_inside_the_service_name(
        engine: str, drawn: Callable[[str, Layout], Path],
        scan: Callable[[Path, str], DocumentReport]) -> None:
    """Regression (issue 13): the grid's header repeated on the new page counted as the
    page's first row, so the service text continued under it ("prosthetic devices") was
    read as a row of its own and took the prior-authorization note."""
    sbc = sbc_of(scan(drawn("split_service", split_layout(service_continues=True)), engine))
    assert len(sbc.grid) == 11
    dme = row_named(sbc, "Durable medical equipment (over $500 per item) and prosthetic devices")
    assert squeeze(dme.limitations) == DME_LIMITS and dme.penalty == "$500"


# Merged Limitations cells (one note for several services: CMS, Highmark, Healthfirst).

MERGED = [Group(["If you have a test"], [
    Row(["Diagnostic test (x-ray, blood", "work)"], ["20% coinsurance"], ["40% coinsurance"],
        ["Copayments do not apply to tests for", "mental health. Precertification may be",
         "required."], span=2),
    Row(["Imaging (CT/PET scans, MRIs)"], ["20% coinsurance"], ["40% coinsurance"], [])]),
    Group(["If you have a hospital", "stay"], [
        Row(["Facility fee (e.g., hospital", "room)"], ["25% coinsurance"],
            ["45% coinsurance"], ["None"])])]
MERGED_NOTE = ("Copayments do not apply to tests for mental health. Precertification may be "
               "required.")


@pytest.mark.parametrize("engine", ENGINES)
def test_merged_limitations_cell_belongs_to_every_row_it_spans(
        engine: str, drawn: Callable[[str, Layout], Path],
        scan: Callable[[Path, str], DocumentReport]) -> None:
    report = scan(drawn("merged_limits", Layout([MERGED])), engine)
    sbc = sbc_of(report)
    assert [squeeze(r.limitations) for r in sbc.grid] == [MERGED_NOTE, MERGED_NOTE, "None"]
    assert [squeeze(s.service) for s in sbc.prior_authorization_services] == [
        "Diagnostic test (x-ray, blood work)", "Imaging (CT/PET scans, MRIs)"]
    quotes = [squeeze(f.quote) for f in report.findings if f.category == "prior_authorization"]
    assert quotes and all(q.endswith("required.") for q in quotes), quotes


# The template's page number ("6 of 10") leading the page after the grid.


@pytest.mark.parametrize("engine", ENGINES)
def test_page_number_after_the_grid_is_not_a_cell(
        engine: str, drawn: Callable[[str, Layout], Path],
        scan: Callable[[Path, str], DocumentReport]) -> None:
    path = drawn("bare_page_number", Layout([office_and_tests()], excluded=SHARED_LINES,
                                            other_covered=OTHER_COLUMNS[:1], lists_page=True,
                                            footer="{n} of {total}"))
    sbc = sbc_of(scan(path, engine))
    assert squeeze(sbc.grid[-1].limitations) == squeeze(" ".join(PA_PENALTY))


@pytest.mark.parametrize("engine", ENGINES)
def test_page_number_with_page_after_the_grid_is_not_a_cell(
        engine: str, drawn: Callable[[str, Layout], Path],
        scan: Callable[[Path, str], DocumentReport]) -> None:
    path = drawn("page_n_of_m", Layout([office_and_tests()], excluded=SHARED_LINES,
                                       other_covered=OTHER_COLUMNS[:1], lists_page=True))
    sbc = sbc_of(scan(path, engine))
    assert squeeze(sbc.grid[-1].limitations) == squeeze(" ".join(PA_PENALTY))
    assert list(sbc.excluded_services) == SHARED_ITEMS


# The Important Questions table.


@pytest.mark.parametrize("engine", ENGINES)
def test_important_questions_alone_on_page_one(engine: str,
                                               drawn: Callable[[str, Layout], Path],
                                               scan: Callable[[Path, str], DocumentReport]
                                               ) -> None:
    path = drawn("questions", Layout([office_and_tests()], questions=QUESTIONS,
                                     questions_first=len(QUESTIONS)))
    questions = sbc_of(scan(path, engine)).important_questions
    assert {k: v for k, v in questions.items() if v is not None} == ANSWERS


@pytest.mark.parametrize("engine", ENGINES)
def test_important_questions_continued_on_page_two(
        engine: str, drawn: Callable[[str, Layout], Path],
        scan: Callable[[Path, str], DocumentReport]) -> None:
    path = drawn("questions_split", Layout([office_and_tests()], questions=QUESTIONS,
                                           questions_first=3))
    questions = sbc_of(scan(path, engine)).important_questions
    assert {k: v for k, v in questions.items() if v is not None} == ANSWERS


@pytest.mark.parametrize("engine", ENGINES)
def test_important_questions_above_the_grid_on_one_page(
        engine: str, drawn: Callable[[str, Layout], Path],
        scan: Callable[[Path, str], DocumentReport]) -> None:
    path = drawn("questions_and_grid", Layout([office_and_tests()], questions=QUESTIONS))
    questions = sbc_of(scan(path, engine)).important_questions
    assert {k: v for k, v in questions.items() if v is not None} == ANSWERS


@pytest.mark.parametrize("engine", ENGINES)
def test_important_questions_header_band_without_rule(
        engine: str, drawn: Callable[[str, Layout], Path],
        scan: Callable[[Path, str], DocumentReport]) -> None:
    path = drawn("questions_band", Layout([office_and_tests()], questions=QUESTIONS,
                                          questions_first=len(QUESTIONS), header_band=True))
    questions = sbc_of(scan(path, engine)).important_questions
    assert {k: v for k, v in questions.items() if v is not None} == ANSWERS


# --------------------------------------------------------------------------------------------
# The real corpus
# --------------------------------------------------------------------------------------------

HEALTHFIRST = "sbc_healthfirst_ny_essential_plan1_2026.pdf"
HIGHMARK = "sbc_highmark_bcbs_cmu_ship_ppo_2024-25.pdf"
KAISER = "sbc_kaiser_ca_small_group_silver70_hmo_2025.pdf"
UHC = "sbc_uhc_bronze_epo_hsa_2026.pdf"
CMS = "cms_sbc_completed_example_2025_template.pdf"
CORPUS_SBCS = (HEALTHFIRST, HIGHMARK, KAISER, UHC, CMS)
BENEFIT_GRID = "benefit_grid_highmark_cmu_ship_2024-25.pdf"

SHORT = {HEALTHFIRST: "healthfirst", HIGHMARK: "highmark", KAISER: "kaiser", UHC: "uhc",
         CMS: "cms"}
# Counted by hand on the rendered list pages: (NOT covered items, other covered items).
HAND_COUNTS = {HEALTHFIRST: (7, 7), HIGHMARK: (8, 5), KAISER: (10, 4), UHC: (8, 5), CMS: (8, 5)}


def corpus_case(name: str, engine: str, failing: dict[str, str] | None = None) -> Any:
    reason = (failing or {}).get(f"{name}:{engine}")
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(name, engine, marks=marks, id=f"{SHORT[name]}-{engine}")


# Fixed (issue 13): pdfplumber's page edges gave every side of a shaded cell's fill as
# a rule, which cut the grid's columns and rows where the table has none; rules are now
# lines and thin shapes with either engine. A question wrapped after "out-of-" is read.


def corpus_cases(failing: dict[str, str] | None = None) -> list[Any]:
    return [corpus_case(n, e, failing) for n in CORPUS_SBCS for e in ENGINES]


@pytest.fixture
def corpus_report(corpus: Path, scan: Callable[[Path, str], DocumentReport]
                  ) -> Callable[[str, str], DocumentReport]:
    def get(name: str, engine: str) -> DocumentReport:
        return scan(corpus / name, engine)

    return get


def template_order(events: Sequence[str | None]) -> bool:
    order = [name for _, name in SBC_EVENT_NAMES]
    index = [order.index(e) for e in events if e in order]
    return len(index) == len(events) and index == sorted(index) and set(index) == set(
        range(len(order)))


@pytest.mark.corpus
@pytest.mark.parametrize(("name", "engine"), corpus_cases())
def test_corpus_grid_has_the_template_rows(name: str, engine: str,
                                           corpus_report: Callable[[str, str], DocumentReport]
                                           ) -> None:
    sbc = sbc_of(corpus_report(name, engine))
    assert 28 <= len(sbc.grid) <= 33
    assert all(r.service.strip() for r in sbc.grid)
    header = re.compile(r"Services You May Need|What You Will Pay|Important Information|"
                        r"You will pay the (least|most)", re.I)
    assert not [r for r in sbc.grid if any(header.search(c) for c in (
        r.service, r.in_network, r.out_of_network, r.limitations))]


@pytest.mark.corpus
@pytest.mark.parametrize(("name", "engine"), corpus_cases())
def test_corpus_grid_events_are_canonical(name: str, engine: str,
                                          corpus_report: Callable[[str, str], DocumentReport]
                                          ) -> None:
    sbc = sbc_of(corpus_report(name, engine))
    assert {r.event for r in sbc.grid} <= CANONICAL


@pytest.mark.corpus
@pytest.mark.parametrize(("name", "engine"), corpus_cases())
def test_corpus_grid_events_in_template_order(name: str, engine: str,
                                              corpus_report: Callable[[str, str],
                                                                      DocumentReport]) -> None:
    sbc = sbc_of(corpus_report(name, engine))
    assert template_order([r.event for r in sbc.grid])


@pytest.mark.corpus
@pytest.mark.parametrize(("name", "engine"), corpus_cases())
def test_corpus_lists_match_the_hand_count(name: str, engine: str,
                                           corpus_report: Callable[[str, str], DocumentReport]
                                           ) -> None:
    sbc = sbc_of(corpus_report(name, engine))
    assert "cosmetic surgery" in {i.lower() for i in sbc.excluded_services}
    assert (len(sbc.excluded_services), len(sbc.other_covered_services)) == HAND_COUNTS[name]
    # Items are clean: no bullet left, no two items run together.
    for item in (*sbc.excluded_services, *sbc.other_covered_services):
        assert not re.search(r"[\u2022\u25cf]|\(cid:\d+\)", item), item
        assert len(item) < 100, item


@pytest.mark.corpus
@pytest.mark.parametrize(("name", "engine"), corpus_cases())
def test_corpus_plan_period_and_type(name: str, engine: str,
                                     corpus_report: Callable[[str, str], DocumentReport]
                                     ) -> None:
    plan = corpus_report(name, engine).plan
    assert plan.coverage_period and re.search(r"\d{1,2}/\d{1,2}/\d{2,4}", plan.coverage_period)
    assert plan.plan_type and re.search(r"\b(HMO|PPO|EPO|POS)\b", plan.plan_type)
    assert plan.name


def gold_prior_auth(corpus: Path, name: str) -> list[tuple[int, str]]:
    gold = load_gold(corpus / "gold" / f"{name}.yaml")
    return [(p.page, p.quote) for p in gold.must_find if p.category == "prior_authorization"]


def matching(report: DocumentReport, page: int, quote: str) -> list[Finding]:
    return [f for f in report.findings if f.category == "prior_authorization" and f.page == page
            and passage_matches(quote, f.to_dict())]


@pytest.mark.corpus
@pytest.mark.parametrize(("name", "engine"), corpus_cases())
def test_corpus_gold_prior_auth_notes_are_attached_to_grid_rows(
        name: str, engine: str, corpus: Path,
        corpus_report: Callable[[str, str], DocumentReport]) -> None:
    report = corpus_report(name, engine)
    sbc = sbc_of(report)
    grid_pages = {r.page for r in sbc.grid}
    checked = 0
    for page, quote in gold_prior_auth(corpus, name):
        if page not in grid_pages:
            continue
        found = matching(report, page, quote)
        assert found, (page, quote)
        # Every finding that quotes the gold words stands in a grid row.
        quoting = [f for f in found if normalise(quote) in normalise(f.quote)] or found
        assert all(f.service for f in quoting), [(f.quote, f.service) for f in quoting]
        for f in quoting:
            assert any(r.service == f.service and normalise(f.quote) in normalise(r.limitations)
                       for r in sbc.grid), f.quote
        checked += 1
    assert checked


@pytest.mark.corpus
@pytest.mark.parametrize(("name", "engine"), corpus_cases())
def test_corpus_grid_finding_section_is_its_row_event(
        name: str, engine: str, corpus_report: Callable[[str, str], DocumentReport]) -> None:
    report = corpus_report(name, engine)
    sbc = sbc_of(report)
    attached = [f for f in report.findings if f.service]
    assert attached
    wrong = []
    for f in attached:
        events = {r.event for r in sbc.grid if r.service == f.service
                  and normalise(f.quote) in normalise(r.limitations)}
        if f.section not in events:
            wrong.append((f.page, f.quote[:40], f.section, events))
    assert not wrong


@pytest.mark.corpus
@pytest.mark.parametrize(("name", "engine"), corpus_cases())
def test_corpus_important_questions_answers(name: str, engine: str,
                                            corpus_report: Callable[[str, str],
                                                                    DocumentReport]) -> None:
    questions = sbc_of(corpus_report(name, engine)).important_questions
    for key in ("overall_deductible", "out_of_pocket_limit"):
        answer = questions[key] or ""
        assert "$" in answer and not answer.startswith("Answers"), (key, answer)
    for key in ("network", "referral"):
        assert re.match(r"(Yes|No)\b", questions[key] or ""), (key, questions[key])


# Limitations cells merged over several rows, seen on the rendered pages: (event, services).
MERGED_CELLS = {
    HEALTHFIRST: [("drugs", 4)],
    HIGHMARK: [("test", 2), ("recovering", ("Rehabilitation services", "Habilitation services"))],
    CMS: [("test", 2), ("drugs", 4)],
}


@pytest.mark.corpus
@pytest.mark.parametrize(("name", "engine"), [corpus_case(n, e)
                                              for n in MERGED_CELLS for e in ENGINES])
def test_corpus_merged_limitations_cells(name: str, engine: str,
                                         corpus_report: Callable[[str, str], DocumentReport]
                                         ) -> None:
    sbc = sbc_of(corpus_report(name, engine))
    for key, which in MERGED_CELLS[name]:
        rows = [r for r in sbc.grid if r.event == EVENT[key]]
        if not isinstance(which, int):
            rows = [r for r in rows if squeeze(r.service) in which]
        assert len(rows) == (which if isinstance(which, int) else len(which)), key
        texts = {squeeze(r.limitations) for r in rows}
        assert len(texts) == 1 and "" not in texts, (key, texts)
        assert len({r.prior_authorization for r in rows}) == 1, key


@pytest.mark.corpus
@pytest.mark.parametrize(("name", "engine"), corpus_cases())
def test_corpus_grid_rows_on_every_page_with_services(
        name: str, engine: str, corpus: Path,
        corpus_report: Callable[[str, str], DocumentReport]) -> None:
    """Issue 13: grid-csv gives rows on every page that prints a Common Medical Event
    (a page of services), and on no page that does not."""
    sbc = sbc_of(corpus_report(name, engine))
    starts = re.compile(r"(?m)^\s*If\s+(?:you|your\s+child)\s+(?:"
                        + "|".join(key for key, _ in SBC_EVENT_NAMES) + ")", re.I)
    with open_document(corpus / name, engine=engine) as doc:
        with_events = {p.number for p in doc.pages if starts.search(p.text)}
    assert with_events
    assert with_events <= {r.page for r in sbc.grid} <= with_events | {
        p + 1 for p in with_events}


@pytest.mark.corpus
@pytest.mark.parametrize(("name", "engine"), corpus_cases())
def test_corpus_no_page_number_in_grid_cells(name: str, engine: str,
                                             corpus_report: Callable[[str, str],
                                                                     DocumentReport]) -> None:
    sbc = sbc_of(corpus_report(name, engine))
    numbered = re.compile(r"\b(?:Page\s+)?\d+\s+of\s+\d+\s*$")
    assert not [r for r in sbc.grid if numbered.search(r.limitations)]


@pytest.mark.corpus
@pytest.mark.parametrize("engine", ENGINES)
def test_corpus_benefit_grid_is_not_an_sbc(engine: str,
                                           corpus_report: Callable[[str, str], DocumentReport]
                                           ) -> None:
    report = corpus_report(BENEFIT_GRID, engine)
    assert report.kind != "sbc"
    assert report.sbc is None
    d = report.to_dict()
    assert "sbc" not in d and "excluded_services" not in d["facts"]
