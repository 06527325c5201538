"""Reading documents: what comes back for good, odd and broken files.

Every input either scans (``ok``), says it needs OCR, or fails with an error type and a
message the user can act on; none raises. Quotes are exact slices of the page text that
``policyscan.extract.open_document`` returns, and boxes lie on the page.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pdfs import encrypt, image_only_pdf, mixed_pdf, png_bytes, text_pdf

from policyscan.extract import open_document
from policyscan.models import DocumentReport
from policyscan.rules.loader import RuleSet
from policyscan.scanner import Scanner, ScanOptions

ENGINES = ["pdfium", "pdfplumber"]
PAGES = [
    "Page one of the plan. Prior authorization is required for surgery.",
    "Page two of the plan. You may file an appeal within 180 days of the denial.",
    "Page three of the plan says nothing of interest at all.",
]


@pytest.fixture(scope="module")
def scanners(rules: RuleSet, scanner: Scanner) -> dict[str, Scanner]:
    """One scanner per engine (the session scanner is the default pdfium one)."""
    return {"pdfium": scanner, "pdfplumber": Scanner(rules, ScanOptions(engine="pdfplumber"))}


@pytest.fixture(scope="module")
def plan_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return text_pdf(tmp_path_factory.mktemp("pdf") / "plan.pdf", PAGES)


def page_texts(path: Path, engine: str = "pdfium", **options: object) -> list[tuple[int, str]]:
    with open_document(path, engine=engine, **options) as doc:
        return [(p.number, p.text) for p in doc.pages]


def categories(report: DocumentReport) -> set[tuple[int, str]]:
    return {(f.page, f.category) for f in report.findings}


# -- pages and text ---------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_pdf_pages_are_numbered_from_one_with_exact_text(plan_pdf: Path, engine: str) -> None:
    assert page_texts(plan_pdf, engine) == [(1, PAGES[0]), (2, PAGES[1]), (3, PAGES[2])]


@pytest.mark.parametrize("engine", ENGINES)
def test_pdf_scan_reports_findings_on_their_physical_pages(
        plan_pdf: Path, engine: str, scanners: dict[str, Scanner]) -> None:
    report = scanners[engine].scan(plan_pdf)
    assert report.status == "ok" and report.error is None
    assert report.pages == 3
    assert {(1, "prior_authorization"), (2, "appeal_deadline")} <= categories(report)


def test_text_file_form_feeds_separate_pages(tmp_path: Path, scanner: Scanner) -> None:
    path = tmp_path / "plan.txt"
    path.write_text("\f".join(PAGES), encoding="utf-8")
    assert page_texts(path) == [(1, PAGES[0]), (2, PAGES[1]), (3, PAGES[2])]
    report = scanner.scan(path)
    assert report.pages == 3
    assert {(1, "prior_authorization"), (2, "appeal_deadline")} <= categories(report)
    assert all(f.bbox is None for f in report.findings)  # no boxes for text input


def test_text_file_without_form_feed_is_one_page(tmp_path: Path) -> None:
    path = tmp_path / "plan.md"
    path.write_text("# Plan\n\n" + "\n".join(PAGES), encoding="utf-8")
    assert [n for n, _ in page_texts(path)] == [1]


# -- text encodings ---------------------------------------------------------------------

ENCODED = "Caf\u00e9 members: \u201cprior authorization\u201d is required \u2013 always."


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be-bom", "utf-8-sig"])
def test_unicode_text_files_with_a_bom_decode_without_warning(
        tmp_path: Path, scanner: Scanner, encoding: str) -> None:
    data = (b"\xfe\xff" + ENCODED.encode("utf-16-be") if encoding == "utf-16-be-bom"
            else ENCODED.encode(encoding))
    path = tmp_path / "plan.txt"
    path.write_bytes(data)
    assert page_texts(path) == [(1, ENCODED)]
    report = scanner.scan(path)
    assert report.warnings == ()
    assert categories(report) == {(1, "prior_authorization")}


def test_cp1252_text_decodes_and_warns_about_the_encoding(tmp_path: Path,
                                                          scanner: Scanner) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes(ENCODED.encode("cp1252"))
    assert page_texts(path) == [(1, ENCODED)]
    report = scanner.scan(path)
    assert report.status == "ok"
    assert any("Windows-1252" in w for w in report.warnings), report.warnings
    assert categories(report) == {(1, "prior_authorization")}


def test_utf8_text_has_no_encoding_warning(tmp_path: Path, scanner: Scanner) -> None:
    path = tmp_path / "plan.txt"
    path.write_text(ENCODED, encoding="utf-8")
    assert scanner.scan(path).warnings == ()


def test_bomless_utf16_text_is_read_or_at_least_not_ok_with_no_findings(
        tmp_path: Path, scanner: Scanner) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes(ENCODED.encode("utf-16-le"))
    report = scanner.scan(path)
    assert report.status != "ok" or report.findings


# -- encryption -------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_pdf_encrypted_with_empty_user_password_opens_and_scans(
        plan_pdf: Path, tmp_path: Path, engine: str, scanners: dict[str, Scanner]) -> None:
    locked = encrypt(plan_pdf, tmp_path / "empty_password.pdf", "")
    assert page_texts(locked, engine) == page_texts(plan_pdf, engine)
    report = scanners[engine].scan(locked)
    assert report.status == "ok"
    assert (1, "prior_authorization") in categories(report)


@pytest.fixture(scope="module")
def locked_pdf(plan_pdf: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return encrypt(plan_pdf, tmp_path_factory.mktemp("locked") / "locked.pdf", "s3cret")


def test_pdf_with_user_password_fails_as_encrypted_and_names_the_option(
        locked_pdf: Path, scanner: Scanner) -> None:
    report = scanner.scan(locked_pdf)
    assert report.status == "failed"
    assert report.error is not None and report.error.type == "encrypted"
    assert "--password" in report.error.message
    assert report.findings == ()
    assert all(v is None for v in report.facts.values.values())  # unknown, not "no"


def test_pdfplumber_engine_also_reports_a_password_protected_pdf_as_encrypted(
        locked_pdf: Path, scanners: dict[str, Scanner]) -> None:
    report = scanners["pdfplumber"].scan(locked_pdf)
    assert report.error is not None and report.error.type == "encrypted"
    assert "--password" in report.error.message


@pytest.mark.parametrize("engine", ENGINES)
def test_password_option_opens_an_encrypted_pdf(rules: RuleSet, locked_pdf: Path,
                                                engine: str) -> None:
    report = Scanner(rules, ScanOptions(engine=engine, password="s3cret")).scan(locked_pdf)
    assert report.status == "ok"
    assert {(1, "prior_authorization"), (2, "appeal_deadline")} <= categories(report)


def test_wrong_password_says_the_password_is_not_correct(rules: RuleSet,
                                                        locked_pdf: Path) -> None:
    report = Scanner(rules, ScanOptions(password="wrong")).scan(locked_pdf)
    assert report.status == "failed"
    assert report.error is not None and report.error.type == "encrypted"
    assert "not correct" in report.error.message


# -- odd but readable files -------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_junk_before_the_pdf_header_still_opens(plan_pdf: Path, tmp_path: Path, engine: str,
                                                scanners: dict[str, Scanner]) -> None:
    padded = tmp_path / "padded.pdf"
    padded.write_bytes(b" " * 123 + plan_pdf.read_bytes())
    assert page_texts(padded, engine) == page_texts(plan_pdf, engine)
    report = scanners[engine].scan(padded)
    assert report.status == "ok"
    assert {(1, "prior_authorization"), (2, "appeal_deadline")} <= categories(report)


# -- no text layer ----------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_image_only_pdf_needs_ocr_and_never_reads_as_no_findings(
        tmp_path: Path, engine: str, scanners: dict[str, Scanner]) -> None:
    report = scanners[engine].scan(image_only_pdf(tmp_path / "scan.pdf", pages=2))
    assert report.status == "needs_ocr"
    assert report.pages == 2
    assert report.error is not None and "OCR" in report.error.message
    assert report.findings == ()
    assert all(v is None for v in report.facts.values.values())


@pytest.mark.parametrize("engine", ENGINES)
def test_image_page_among_text_pages_is_named_in_a_warning(
        tmp_path: Path, engine: str, scanners: dict[str, Scanner]) -> None:
    path = mixed_pdf(tmp_path / "mixed.pdf", [PAGES[0], None, PAGES[1]])
    report = scanners[engine].scan(path)
    assert report.status == "ok"
    assert report.pages == 3
    assert {(1, "prior_authorization"), (3, "appeal_deadline")} <= categories(report)
    image_warnings = [w for w in report.warnings if "page 2" in w]
    assert image_warnings and "OCR" in image_warnings[0]
    assert not any("page 1" in w or "page 3" in w for w in report.warnings)


# -- broken files -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["empty.pdf", "empty.txt"])
def test_empty_file_fails(tmp_path: Path, scanner: Scanner, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"")
    report = scanner.scan(path)
    assert report.status == "failed"
    assert report.error is not None and "empty" in report.error.message


@pytest.mark.parametrize(("content", "looks_like"), [
    (png_bytes(), "PNG"),  # an image saved with the wrong extension
    (b"Member handbook, plain text saved as .pdf by mistake.\n", "plain text"),
])
def test_file_that_is_not_a_pdf_fails_as_not_a_pdf(tmp_path: Path, scanner: Scanner,
                                                    content: bytes, looks_like: str) -> None:
    path = tmp_path / "policy.pdf"
    path.write_bytes(content)
    report = scanner.scan(path)
    assert report.status == "failed"
    assert report.error is not None and report.error.type == "not_a_pdf"
    assert looks_like in report.error.message


@pytest.mark.parametrize("engine", ENGINES)
def test_truncated_pdf_fails_as_corrupt_without_raising(
        samples: Path, tmp_path: Path, engine: str, scanners: dict[str, Scanner]) -> None:
    data = (samples / "denial_letter_microneedling.pdf").read_bytes()
    path = tmp_path / "truncated.pdf"
    path.write_bytes(data[: len(data) // 2])
    report = scanners[engine].scan(path)
    assert report.status == "failed"
    assert report.error is not None and report.error.type == "corrupt"
    assert str(path) in report.error.message


# -- limits -----------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_max_pages_limits_the_pages_scanned_but_reports_the_real_count(
        rules: RuleSet, plan_pdf: Path, engine: str) -> None:
    report = Scanner(rules, ScanOptions(engine=engine, max_pages=1)).scan(plan_pdf)
    assert report.status == "ok"
    assert report.pages == 3
    assert {f.page for f in report.findings} == {1}
    assert any("first 1 of 3 pages" in w for w in report.warnings), report.warnings


def test_max_pages_applies_to_text_files(rules: RuleSet, tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_text("\f".join(PAGES), encoding="utf-8")
    report = Scanner(rules, ScanOptions(max_pages=2)).scan(path)
    assert report.pages == 3
    assert max(f.page for f in report.findings) <= 2
    assert any("first 2 of 3 pages" in w for w in report.warnings)


def test_max_bytes_refuses_a_larger_file(rules: RuleSet, plan_pdf: Path) -> None:
    size = plan_pdf.stat().st_size
    report = Scanner(rules, ScanOptions(max_bytes=size - 1)).scan(plan_pdf)
    assert report.status == "failed"
    assert report.error is not None and report.error.type == "too_large"
    assert "--max-bytes" in report.error.message
    assert Scanner(rules, ScanOptions(max_bytes=size)).scan(plan_pdf).status == "ok"


# -- quotes and boxes on the sample policies --------------------------------------------

SAMPLE_PDFS = sorted((Path(__file__).resolve().parents[1] / "sample_policies").glob("*.pdf"))


@pytest.fixture(scope="module")
def sample_report(scanners: dict[str, Scanner]) -> Callable[[Path, str], DocumentReport]:
    """Each sample scanned once per engine, however many tests look at it."""
    cache: dict[tuple[Path, str], DocumentReport] = {}

    def get(path: Path, engine: str) -> DocumentReport:
        if (path, engine) not in cache:
            cache[path, engine] = scanners[engine].scan(path)
        return cache[path, engine]

    return get


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("path", SAMPLE_PDFS, ids=lambda p: p.name)
def test_quotes_are_exact_page_slices_and_boxes_lie_on_the_page(
        path: Path, engine: str, sample_report: Callable[[Path, str], DocumentReport]) -> None:
    report = sample_report(path, engine)
    assert report.status == "ok" and report.findings
    with open_document(path, engine=engine) as doc:
        pages = {p.number: p for p in doc.pages}
    for f in report.findings:
        page = pages[f.page]
        assert page.text[f.start:f.end] == f.quote, (f.page, f.rule)
        assert f.quote == f.quote.strip()
        assert f.trigger_start is not None and f.trigger_end is not None
        assert f.start <= f.trigger_start < f.trigger_end <= f.end
        assert f.bbox is not None and len(f.bbox) == 4
        assert all(isinstance(v, float) for v in f.bbox)
        x0, top, x1, bottom = f.bbox
        assert page.width is not None and page.height is not None
        assert 0 <= x0 < x1 <= page.width and 0 <= top < bottom <= page.height, f.bbox


@pytest.mark.parametrize("path", SAMPLE_PDFS, ids=lambda p: p.name)
def test_findings_are_ordered_by_page_and_position(
        path: Path, sample_report: Callable[[Path, str], DocumentReport]) -> None:
    findings = sample_report(path, "pdfium").findings
    assert [(f.page, f.start) for f in findings] == sorted((f.page, f.start) for f in findings)


def test_flat_boxes_join_characters_into_one_box_per_line() -> None:
    from array import array

    from policyscan.extract.flatboxes import NO_BOX, char_boxes, line_boxes

    # "ab" on one line, a character without a box, "c" on the next line (touching it by
    # half a point, as pdfplumber's full-height boxes do), "d" wrapped back to the left.
    arr = array("f", [10, 100, 15, 110, 15, 100, 20, 110, *NO_BOX,
                      10, 109.5, 15, 119.5, 30, 120, 35, 130])
    assert char_boxes(arr)[2] is None and char_boxes(arr)[0] == (10, 100, 15, 110)
    assert line_boxes(arr, 0, 4, slack=1.0) == [(10, 100, 20, 110), (10, 109.5, 15, 119.5)]
    # Without slack the half-point overlap counts as the same line.
    assert line_boxes(arr, 0, 4, slack=0.0) == [(10, 100, 20, 119.5)]
    assert line_boxes(arr, 1, 99, slack=1.0) == [(15, 100, 20, 110), (10, 109.5, 15, 119.5),
                                                 (30, 120, 35, 130)]
