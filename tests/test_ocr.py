"""OCR of pages without usable text (``--ocr``), through tesseract.

With tesseract: a scanned copy of a sample SBC made here (its pages rendered to images
and put back into an image-only PDF) and the scanned form of the corpus read like text
documents, findings boxed where the words are. Without it (simulated, so these run
everywhere): scans stay ``needs_ocr`` and say how to install OCR, and ``--ocr on`` is a
usage error. Only pages with no usable text are read (a fake reader counts them).

OCR costs ~2-5 s a page, so the scanned documents are two pages and one page, each read
once per session.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner
from pdfs import mixed_pdf
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from policyscan import cli
from policyscan.extract import SourceDocument, ocr, open_document
from policyscan.models import DocumentReport
from policyscan.rules.loader import RuleSet
from policyscan.scanner import Scanner, ScanOptions

ROOT = Path(__file__).resolve().parents[1]
BLUEBIRD = ROOT / "sample_policies" / "sbc_bluebird_bronze_hmo.pdf"
FORM = "scanned_image_only_optumrx_prior_auth_request_form_filled_sample.pdf"
SCANNED_PAGES = (1, 3)  # the SBC's first page (its kind) and the NOT-covered list

needs_tesseract = pytest.mark.skipif(
    ocr.unavailable() is not None,
    reason=f"OCR tests need tesseract: {ocr.unavailable()} (.ci/run installs it)")


def scanned_copy(source: Path, pages: tuple[int, ...], dest: Path, dpi: int = 200) -> Path:
    """An image-only PDF of ``pages`` of ``source``: each rendered to a greyscale image
    and drawn full-page, as a scanner would produce it."""
    pdf = pdfium.PdfDocument(str(source))
    c = canvas.Canvas(str(dest))
    try:
        for number in pages:
            page = pdf[number - 1]
            width, height = page.get_size()
            image = page.render(scale=dpi / 72, grayscale=True).to_pil()
            buffer = io.BytesIO()
            image.save(buffer, format="PNG")
            buffer.seek(0)
            c.setPageSize((width, height))
            c.drawImage(ImageReader(buffer), 0, 0, width=width, height=height)
            c.showPage()
    finally:
        pdf.close()
    c.save()
    return dest


def scan_with_pages(scanner: Scanner, path: Path) -> tuple[DocumentReport, dict[int, str]]:
    """One OCR pass giving both the report and the page texts its offsets refer to."""
    with open_document(path, ocr=scanner.options.ocr) as doc:
        return scanner.scan_document(doc), {p.number: p.text for p in doc.pages}


@pytest.fixture(scope="module")
def ocr_scanner(rules: RuleSet) -> Scanner:
    return Scanner(rules, ScanOptions(ocr="on"))


@pytest.fixture(scope="module")
def original(scanner: Scanner) -> DocumentReport:
    return scanner.scan(BLUEBIRD)


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return scanned_copy(BLUEBIRD, SCANNED_PAGES, tmp_path_factory.mktemp("ocr") / "scan.pdf")


@pytest.fixture(scope="module")
def scanned_result(ocr_scanner: Scanner, scanned: Path
                   ) -> tuple[DocumentReport, dict[int, str]]:
    return scan_with_pages(ocr_scanner, scanned)


# -- with tesseract -------------------------------------------------------------------------


def test_the_scanned_copy_needs_ocr_without_it(scanner: Scanner, scanned: Path) -> None:
    report = scanner.scan(scanned)
    assert report.status == "needs_ocr" and report.findings == ()


@needs_tesseract
def test_the_scanned_sbc_reads_like_the_original(
        scanned_result: tuple[DocumentReport, dict[int, str]]) -> None:
    report, texts = scanned_result
    assert (report.status, report.kind, report.pages) == ("ok", "sbc", 2)
    assert "pages 1, 2: text from OCR" in report.warnings
    assert report.facts.values["cosmetic_exclusion"] is True
    assert report.facts.values["prior_authorization"] is True
    for f in report.findings:  # offsets refer to the OCR'd page text, as for any page
        assert texts[f.page][f.start:f.end] == f.quote


@needs_tesseract
def test_an_ocr_finding_is_boxed_where_the_words_are(
        scanned_result: tuple[DocumentReport, dict[int, str]],
        original: DocumentReport) -> None:
    report, _ = scanned_result
    (want,) = [f for f in original.findings if f.category == "cosmetic_exclusion"]
    assert want.bbox is not None and want.page == 3
    cosmetic = [f for f in report.findings if f.category == "cosmetic_exclusion"]
    assert cosmetic and all(f.page == 2 for f in cosmetic)  # the copy's second page
    # The words "Cosmetic Surgery" are a line of the finding; its box is within a few
    # points of the original text's box.
    boxes = [b for f in cosmetic for b in f.boxes]
    assert any(all(abs(a - b) < 6 for a, b in zip(box, want.bbox, strict=True))
               for box in boxes), (boxes, want.bbox)


@needs_tesseract
def test_the_scanned_corpus_form_is_read_with_ocr_and_needs_it_without(
        corpus: Path, ocr_scanner: Scanner, scanner: Scanner) -> None:
    path = corpus / FORM
    without = scanner.scan(path)
    assert without.status == "needs_ocr"
    report, texts = scan_with_pages(ocr_scanner, path)
    assert (report.status, report.kind) == ("ok", "form")
    auth = [f for f in report.findings if f.category == "prior_authorization"]
    assert auth and all(f.bbox is not None for f in auth)
    assert any("prior authorization" in f.quote.lower() for f in auth)
    assert all(texts[f.page][f.start:f.end] == f.quote for f in report.findings)
    # A form asks; it states no plan terms: every fact is false, none unknown.
    assert all(v is False for v in report.facts.values.values()), report.facts.values


@needs_tesseract
def test_the_command_line_ocrs_by_default_and_eval_does_not(corpus: Path, tmp_path: Path
                                                            ) -> None:
    runner = CliRunner()
    auto = runner.invoke(cli.main, [str(corpus / FORM), "--format", "json", "--no-cache"])
    assert auto.exit_code == 0, auto.output
    off = runner.invoke(cli.main, [str(corpus / FORM), "--format", "json", "--no-cache",
                                   "--ocr", "off"])
    assert off.exit_code == 3
    assert '"needs_ocr"' in off.stdout


# -- without tesseract (simulated) ------------------------------------------------------


@pytest.fixture
def no_tesseract(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    why = f"the tesseract program is not installed; {ocr.INSTALL_HINT}"
    monkeypatch.setattr(ocr, "unavailable", lambda: why)
    yield why


def test_without_tesseract_a_scan_needs_ocr_and_says_how_to_install_it(
        no_tesseract: str, rules: RuleSet, scanned: Path, scanner: Scanner) -> None:
    for mode in ("on", "off"):
        report = (Scanner(rules, ScanOptions(ocr=mode)) if mode == "on" else scanner
                  ).scan(scanned)
        assert report.status == "needs_ocr"
        assert report.error is not None
        assert "apt-get install tesseract-ocr tesseract-ocr-eng" in report.error.message
        assert "policyscan[ocr]" in report.error.message


def test_ocr_on_without_tesseract_is_a_usage_error(no_tesseract: str, scanned: Path) -> None:
    result = CliRunner().invoke(cli.main, [str(scanned), "--ocr", "on", "--no-cache"])
    assert result.exit_code == 2
    assert "tesseract" in result.output and "apt-get install" in result.output


def test_ocr_auto_without_tesseract_scans_as_before(no_tesseract: str, scanned: Path) -> None:
    result = CliRunner().invoke(cli.main, [str(scanned), "--format", "json", "--no-cache"])
    assert result.exit_code == 3
    assert '"needs_ocr"' in result.stdout and "apt-get install" in result.stdout


# -- only the pages without text are read ----------------------------------------------------


def fake_words(words: list[tuple[str, int, int, int, int]]) -> dict[str, list[Any]]:
    """``image_to_data`` output: (text, left, top, width, height) in pixels, one line."""
    return {"text": [w[0] for w in words], "conf": [95.0] * len(words),
            "left": [w[1] for w in words], "top": [w[2] for w in words],
            "width": [w[3] for w in words], "height": [w[4] for w in words],
            "block_num": [1] * len(words), "par_num": [1] * len(words),
            "line_num": [1] * len(words)}


def test_words_become_text_lines_and_boxes_in_points() -> None:
    scale = 300 / 72  # pixels per point
    page = ocr.page_from_words({
        **fake_words([("Prior", 300, 600, 100, 40), ("approval", 420, 600, 160, 40)]),
    }, scale)
    assert page.text == "Prior approval"
    assert [(line.start, line.end) for line in page.lines] == [(0, 14)]
    first = page.boxes[0:4].tolist()
    assert first == pytest.approx([72.0, 144.0, 72 + 100 / 5 / scale, 153.6], abs=0.01)
    assert page.boxes[5 * 4] == -1  # the space between the words has no box


def test_low_confidence_words_and_empty_entries_are_dropped() -> None:
    data = fake_words([("Covered", 0, 0, 70, 20), ("~~", 80, 0, 20, 20), ("", 0, 0, 0, 0)])
    data["conf"] = [90.0, 5.0, -1]
    assert ocr.page_from_words(data, 1.0).text == "Covered"


def test_only_pages_without_usable_text_are_ocred(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, rules: RuleSet) -> None:
    path = mixed_pdf(tmp_path / "mixed.pdf", [
        "Page one of the plan. Prior authorization is required for surgery.",
        None,
        "Page three of the plan says nothing of interest at all.",
    ])
    seen: list[tuple[int, int]] = []

    def read(image: Any, scale: float) -> ocr.OcrPage:
        seen.append(image.size)
        words = ["Cosmetic", "surgery", "is", "not", "covered", "by", "this", "plan."]
        x, boxes = 300, []
        for w in words:
            boxes.append((w, x, 500, 30 * len(w), 50))
            x += 30 * len(w) + 25
        return ocr.page_from_words(fake_words(boxes), scale)

    monkeypatch.setattr(ocr, "unavailable", lambda: None)
    monkeypatch.setattr(ocr, "_read_page", read)
    report = Scanner(rules, ScanOptions(ocr="on")).scan(path)
    assert len(seen) == 1  # page 2 only
    assert seen[0] == (2550, pytest.approx(3300, abs=1))  # letter at 300 dpi
    assert report.status == "ok"
    assert "page 2: text from OCR" in report.warnings
    found = {(f.page, f.category) for f in report.findings}
    assert {(1, "prior_authorization"), (2, "cosmetic_exclusion")} <= found
    (cosmetic,) = [f for f in report.findings if f.category == "cosmetic_exclusion"]
    assert cosmetic.bbox is not None
    x0, top, _, bottom = cosmetic.bbox
    assert x0 == pytest.approx(72, abs=0.5) and top == pytest.approx(120, abs=0.5)
    assert bottom == pytest.approx(132, abs=0.5)


def test_a_hostile_page_size_is_rendered_within_the_pixel_cap(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from badinputs import raw_pdf

    from policyscan.extract.pdfium import render_pages

    data = raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 14400 14400] >>"])
    ((number, image, scale),) = list(render_pages(data, [1], password=None, dpi=300,
                                                  max_pixels=4_000_000))
    assert number == 1
    assert image.size[0] * image.size[1] <= 4_000_000 * 1.01
    assert scale < 300 / 72


def test_doc_note_says_when_ocr_could_not_run(no_tesseract: str, scanned: Path) -> None:
    with open_document(scanned, ocr="on") as doc:
        assert isinstance(doc, SourceDocument)
        assert doc.ocr_note is not None and doc.ocr_note.startswith("unavailable")
        assert all(not p.usable for p in doc.pages)


def test_ocr_auto_on_a_document_with_text_neither_imports_nor_runs_tesseract(
        tmp_path: Path) -> None:
    # Deciding --ocr auto once imported pytesseract and asked tesseract its languages:
    # ~80 ms on every scan, most of them documents with a text layer.
    import subprocess
    import sys

    probe = ("import sys\n"
             "from policyscan import cli\n"
             "try:\n"
             f"    cli.main([{str(BLUEBIRD)!r}, '--no-cache', '--format', 'json', '-o',"
             f" {str(tmp_path / 'r.json')!r}])\n"
             "except SystemExit as exc:\n"
             "    assert exc.code == 0, exc.code\n"
             "print('pytesseract' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout.strip() == "False", done.stderr
    assert '"status": "ok"' in (tmp_path / "r.json").read_text()


def test_ocr_auto_with_a_broken_tesseract_says_why_on_the_scanned_document(
        monkeypatch: pytest.MonkeyPatch, scanned: Path) -> None:
    why = "tesseract does not run (exit 127)"
    monkeypatch.setattr(ocr, "installed", lambda: True)
    monkeypatch.setattr(ocr, "unavailable", lambda: why)
    result = CliRunner().invoke(cli.main, [str(scanned), "--format", "json", "--no-cache"])
    assert result.exit_code == 3
    assert '"needs_ocr"' in result.stdout and "OCR could not run" in result.stdout
    assert why in result.stdout
