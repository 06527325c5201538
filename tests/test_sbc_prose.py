"""SBC benefits set as prose (issue 13): three text columns, or one bulleted line list.

The grid reader gave no rows for these: there is no table, and in three columns the page's
text runs across the columns. Each service paragraph must come back as a grid row with
its event, costs, limitations and the page it starts on; a paragraph cut by a column or a
page break stays one row. The SBCs are drawn in tests/prose_layouts.py with our own words.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from prose_layouts import EVENTS, expected_rows, line_list, three_column

from policyscan.cli import main
from policyscan.extract import open_document
from policyscan.models import DocumentReport, SbcInfo
from policyscan.rules.loader import RuleSet
from policyscan.scanner import Scanner, ScanOptions

ENGINES = ("pdfium", "pdfplumber")
# Lines per column (three columns) and per page (line list) that cut paragraphs: at a
# column's foot, and at the page's foot.
COLUMN_LINES = 11
PAGE_LINES = 26

Built = tuple[Path, dict[str, int]]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Built]:
    folder = tmp_path_factory.mktemp("prose")
    tc: dict[str, int] = {}
    ll: dict[str, int] = {}
    return {"three_column": (three_column(folder / "sbc_three_column.pdf", tc, COLUMN_LINES),
                             tc),
            "line_list": (line_list(folder / "sbc_line_list.pdf", ll, PAGE_LINES), ll)}


@pytest.fixture(scope="module")
def scan(rules: RuleSet) -> Callable[[Path, str], DocumentReport]:
    scanners = {e: Scanner(rules, ScanOptions(engine=e)) for e in ENGINES}
    done: dict[tuple[Path, str], DocumentReport] = {}

    def run(path: Path, engine: str) -> DocumentReport:
        if (path, engine) not in done:
            done[(path, engine)] = scanners[engine].scan(path)
        return done[(path, engine)]

    return run


def squeeze(text: str) -> str:
    return " ".join(text.split())


def sbc_of(report: DocumentReport) -> SbcInfo:
    assert report.status == "ok" and report.kind == "sbc", (report.status, report.kind)
    assert report.sbc is not None
    return report.sbc


CASES = [(layout, engine) for layout in ("three_column", "line_list") for engine in ENGINES]


@pytest.mark.parametrize(("layout", "engine"), CASES)
def test_the_layout_really_cuts_paragraphs(layout: str, engine: str,
                                           built: dict[str, Built]) -> None:
    """The layouts are what the test says: page 2 opens with the rest of a paragraph, and
    in three columns a text line of the page runs across services."""
    path, pages = built[layout]
    with open_document(path, engine=engine) as doc:
        second = [ln for ln in doc.pages[1].text.splitlines() if ln.strip()]
    assert 2 in pages.values()
    body = second[2]  # after the page number and the running head
    assert ":" not in body.split()[0] and not body.startswith("\u2022"), body
    if layout == "three_column":
        assert body.count(".") >= 2, body  # the ends of three paragraphs on one text line


@pytest.mark.parametrize(("layout", "engine"), CASES)
def test_every_service_paragraph_is_a_grid_row(
        layout: str, engine: str, built: dict[str, Built],
        scan: Callable[[Path, str], DocumentReport]) -> None:
    path, pages = built[layout]
    sbc = sbc_of(scan(path, engine))
    got = [(r.event, squeeze(r.service), squeeze(r.in_network), squeeze(r.out_of_network),
            squeeze(r.limitations)) for r in sbc.grid]
    assert got == expected_rows()
    assert [r.page for r in sbc.grid] == [pages[s.name] for _, ss in EVENTS for s in ss]


@pytest.mark.parametrize("engine", ENGINES)
def test_line_list_prior_authorization_and_penalty_across_the_page_break(
        engine: str, built: dict[str, Built],
        scan: Callable[[Path, str], DocumentReport]) -> None:
    """The hospital stay's note begins on page 1 and its penalty stands on page 2: the
    finding on page 1 belongs to the row, with the penalty the row states."""
    path, pages = built["line_list"]
    assert pages["Hospital room and board"] == 1
    report = scan(path, engine)
    sbc = sbc_of(report)
    flagged = {squeeze(r.service): r.penalty for r in sbc.grid if r.prior_authorization}
    assert flagged.get("Hospital room and board") == "$500"
    for service in ("Advanced imaging (CT, PET, MRI)", "Tier 3 specialty drugs",
                    "Medical equipment"):
        assert service in flagged, flagged
    assert "Tier 1 generic drugs" not in flagged and "Hospice care" not in flagged
    stay = next(f for f in report.findings if f.service == "Hospital room and board")
    assert stay.section == "Staying in a hospital overnight"


def test_grid_csv_names_the_page_of_each_prose_row(built: dict[str, Built]) -> None:
    path, pages = built["three_column"]
    result = CliRunner().invoke(main, [str(path), "--format", "grid-csv", "--no-cache"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["service"], int(r["page"])) for r in rows] == [
        (s.name, pages[s.name]) for _, ss in EVENTS for s in ss]
    assert {r["event"] for r in rows} == {e for e, _ in EVENTS}


def test_only_a_page_with_a_label_and_a_cost_is_cut_into_pieces() -> None:
    """The prose reader keeps a paragraph only with a label and a cost after it; a page
    without that shape is not read character by character at all."""
    from policyscan.sbc_prose import may_hold_prose

    for text in ("Specialist visit: network $45 copay; out of network 50% coinsurance",
                 "Urgent care:\nIn network: no charge", "Lab tests:\n\u2022 Network\n20% coinsurance"):
        assert may_hold_prose(text, 0, len(text)), text
    for text in ("Specialist visit $45 copay 50% coinsurance None",
                 "Limitations apply. See page 4: the glossary explains each term.",
                 "Specialist visit: see the schedule\nbelow\nfor details\nthen $45 copay"):
        assert not may_hold_prose(text, 0, len(text)), text
    text = "Header\nSpecialist visit: $45 copay"
    assert not may_hold_prose(text, 0, 6) and may_hold_prose(text, 7, len(text))


def test_the_colon_first_search_finds_what_the_label_regex_finds() -> None:
    """``may_hold_prose`` reads from each colon back to the label's first letter; it must
    answer as the label-then-cost regex does for every stretch of a text."""
    from policyscan.sbc_prose import _LABEL_THEN_COST, may_hold_prose

    texts = [
        "Header\nSpecialist visit: $45 copay; Lab: see below.\nX-ray:\nnone\n\nnone\n20%",
        "a; b. c: d\n(Imaging): 40% coinsurance after deductible: yes",
        " : $5\n: : 10% " + "long label " * 15 + ": no charge",
        "Generic drugs;: $10 copay. Therapy: free\nEnd:",
    ]
    for text in texts:
        for start in range(len(text) + 1):
            for end in range(start, len(text) + 1, 3):
                assert may_hold_prose(text, start, end) == (
                    _LABEL_THEN_COST.search(text, start, end) is not None), (text, start, end)
