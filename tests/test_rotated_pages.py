"""Pages with /Rotate: landscape SBCs are often portrait pages turned by 90 degrees.

The corpus has no rotated page, so the sample SBC is turned here (pypdf, in tmp_path).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from policyscan.extract import open_document
from policyscan.models import DocumentReport
from policyscan.rules.loader import RuleSet
from policyscan.scanner import Scanner, ScanOptions

pypdf = pytest.importorskip("pypdf")

SAMPLE = Path(__file__).resolve().parents[1] / "sample_policies" / "sbc_northwind_silver_ppo.pdf"
TOLERANCE = 1.0  # points


@pytest.fixture(scope="module")
def rotated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    writer = pypdf.PdfWriter(clone_from=SAMPLE)
    for page in writer.pages:
        page.rotate(90)
    path = tmp_path_factory.mktemp("rotated") / "sbc_rotated_90.pdf"
    writer.write(path)
    return path


def _off_page(path: Path, report: DocumentReport) -> list[object]:
    with open_document(path) as doc:
        sizes = {p.number: (p.width or 0.0, p.height or 0.0) for p in doc.pages}
    off: list[object] = []
    for f in report.findings:
        width, height = sizes[f.page]
        for x0, top, x1, bottom in (b for b in (f.bbox, *f.boxes) if b is not None):
            if not (-TOLERANCE <= x0 <= x1 <= width + TOLERANCE
                    and -TOLERANCE <= top <= bottom <= height + TOLERANCE):
                off.append((f.page, f.rule, (x0, top, x1, bottom), (width, height)))
    return off


def test_boxes_on_the_unrotated_sample(scanner: Scanner) -> None:
    report = scanner.scan(SAMPLE)
    assert report.findings
    assert not _off_page(SAMPLE, report)


def test_rotated_sample_same_findings_with_pdfium(scanner: Scanner, rotated: Path) -> None:
    plain, turned = scanner.scan(SAMPLE), scanner.scan(rotated)
    assert turned.status == "ok" and turned.kind == plain.kind == "sbc"
    assert turned.facts.to_dict() == plain.facts.to_dict()


def test_rotated_page_boxes_lie_on_the_page(scanner: Scanner, rotated: Path) -> None:
    report = scanner.scan(rotated)
    assert report.findings
    assert not _off_page(rotated, report)


def test_rotated_sample_with_pdfplumber(rules: RuleSet, rotated: Path) -> None:
    report = Scanner(rules, ScanOptions(engine="pdfplumber")).scan(rotated)
    assert report.status == "ok"
    assert report.kind == "sbc"
    assert report.findings
