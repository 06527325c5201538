"""--annotate / --annotate-dir: a copy of each PDF with a highlight on every finding.

Read back with pypdf (one /Highlight per finding, on its page, around its box, with the
note and the colour of its category), rendered with pdftoppm (the highlight's colour is on
the words' pixels, on rotated and cropped pages too), and the original never touched.
Output names in a folder come from the input's base name only.
"""

from __future__ import annotations

import hashlib
import struct
import time
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from pdfs import encrypt, text_pdf
from viewers import render_page

from policyscan.cli import main
from policyscan.extract.pdfium import _Frame
from policyscan.models import CATEGORY_LABELS, DocumentReport, Finding
from policyscan.report.annotate import (
    AUTHOR,
    Annotator,
    PageFrame,
    annotate_pdf,
    quad_points,
    rect_of,
    safe_stem,
    to_user_space,
)
from policyscan.report.colors import category_rgb
from policyscan.scanner import Scanner, ScanOptions

pypdf = pytest.importorskip("pypdf")

ROOT = Path(__file__).resolve().parents[1]
CERTIFICATE = ROOT / "sample_policies" / "certificate_northwind_excerpt.pdf"
SBC = ROOT / "sample_policies" / "sbc_northwind_silver_ppo.pdf"
BOOKLET = "booklet_anthem_ucship_ucdavis_ppo_2024-25.pdf"
TOLERANCE = 1.0  # points
PLAN_TEXT = [
    "SECTION 7. WHAT IS NOT COVERED (EXCLUSIONS)\n"
    "Cosmetic surgery is not covered under this plan, including skin resurfacing and\n"
    "chemical peels.\n"
    "Prior authorization is required before any inpatient admission.\n"
    "You must file your appeal within 180 days of the date you receive the denial."]


def run(*args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--no-cache", "-q"])


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def highlights(pdf: Path, password: str | None = None) -> dict[int, list[Any]]:
    """Page number -> the policyscan highlights on it, in page order."""
    reader = pypdf.PdfReader(pdf)
    if reader.is_encrypted:
        assert reader.decrypt(password or "")
    out: dict[int, list[Any]] = {}
    for number, page in enumerate(reader.pages, start=1):
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            if annot.get("/Subtype") == "/Highlight" and annot.get("/T") == AUTHOR:
                out.setdefault(number, []).append(annot)
    return out


def by_page(findings: Sequence[Finding]) -> dict[int, list[Finding]]:
    out: dict[int, list[Finding]] = {}
    for f in sorted(findings, key=lambda f: (f.page, f.start)):
        if f.boxes or f.bbox:
            out.setdefault(f.page, []).append(f)
    return out


def unrotated_rect(box: tuple[float, float, float, float], height: float
                   ) -> tuple[float, float, float, float]:
    """A displayed box on an unrotated page at the origin, in user space (by hand)."""
    x0, top, x1, bottom = box
    return x0, height - bottom, x1, height - top


def contains(outer: Sequence[float], inner: Sequence[float]) -> bool:
    left, bottom, right, top = (float(v) for v in outer)
    return (left - TOLERANCE <= inner[0] and bottom - TOLERANCE <= inner[1]
            and inner[2] <= right + TOLERANCE and inner[3] <= top + TOLERANCE)


# -- geometry ----------------------------------------------------------------------------


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
@pytest.mark.parametrize("origin", [(0.0, 0.0), (30.0, -40.0), (-12.5, 100.0)])
def test_to_user_space_inverts_the_pdfium_frame(rotation: int, origin: tuple[float, float]
                                                ) -> None:
    x0, y0 = origin
    width, height = 612.0, 792.0
    forward = _Frame(rotation, x0, y0, width, height)
    frame = PageFrame(rotation, x0, y0, width, height)
    for left, bottom, right, top in ((100, 200, 300, 215), (0, 0, 612, 792), (5, 700, 6, 790)):
        user = (left + x0, bottom + y0, right + x0, top + y0)
        shown = forward.box(*user)
        assert rect_of([quad_points(frame, shown)]) == pytest.approx(user)
        # Corners one by one: the displayed top-left corner comes back where it was.
        corner = to_user_space(frame, shown[0], shown[1])
        assert any(corner == pytest.approx(p) for p in (
            (user[0], user[3]), (user[2], user[3]), (user[0], user[1]), (user[2], user[1])))


def test_quad_points_follow_the_displayed_text_direction() -> None:
    box = (100.0, 50.0, 200.0, 60.0)  # displayed: a line from x=100 to 200, 10 pt high
    upright = quad_points(PageFrame(0, 0, 0, 612, 792), box)
    assert upright == (100, 742, 200, 742, 100, 732, 200, 732)
    turned = quad_points(PageFrame(90, 0, 0, 612, 792), box)
    # Rotated 90° clockwise for display: the text runs up the unrotated page (+y).
    assert turned[2] - turned[0] == 0 and turned[3] - turned[1] == 100


def test_page_frame_reads_rotation_and_crop_box(tmp_path: Path) -> None:
    writer = pypdf.PdfWriter(clone_from=CERTIFICATE)
    page = writer.pages[0]
    page.rotate(270)
    page.cropbox = pypdf.generic.RectangleObject([30, 40, 590, 760])
    assert PageFrame.of(page) == PageFrame(270, 30, 40, 560, 720)
    assert PageFrame.of(page, "pdfplumber") == PageFrame(270, 0, 0, 612, 792)


# -- reading the copy back ----------------------------------------------------------------


@pytest.fixture(scope="module")
def annotated(tmp_path_factory: pytest.TempPathFactory, scanner: Scanner
              ) -> tuple[Path, Path, DocumentReport, str]:
    folder = tmp_path_factory.mktemp("annotated")
    source = folder / "certificate.pdf"
    source.write_bytes(CERTIFICATE.read_bytes())
    before = sha(source)
    out = folder / "certificate.highlighted.pdf"
    result = run(str(source), "--format", "json", "--annotate", str(out))
    assert result.exit_code == 0, result.output
    report = scanner.scan(source)
    return source, out, report, before


def test_one_highlight_per_finding_on_its_page_around_its_box(
        annotated: tuple[Path, Path, DocumentReport, str]) -> None:
    source, out, report, _ = annotated
    expected = by_page(report.findings)
    found = highlights(out)
    assert {p: len(v) for p, v in found.items()} == {p: len(v) for p, v in expected.items()}
    height = float(pypdf.PdfReader(source).pages[0].mediabox.height)
    for page, findings in expected.items():
        for f, annot in zip(findings, found[page], strict=True):
            boxes = f.boxes or (f.bbox,)
            assert f.bbox is not None
            assert contains(annot["/Rect"], unrotated_rect(f.bbox, height))
            quads = [float(v) for v in annot["/QuadPoints"]]
            assert len(quads) == 8 * len(boxes)  # one quadrilateral per line of the quote
            for i, box in enumerate(boxes):
                q = quads[8 * i:8 * i + 8]
                assert rect_of([tuple(q)]) == pytest.approx(unrotated_rect(box, height),  # type: ignore[arg-type]
                                                          abs=TOLERANCE)
            assert [float(c) for c in annot["/C"]] == pytest.approx(category_rgb(f.category), abs=1e-3)
            note = annot["/Contents"]
            assert CATEGORY_LABELS[f.category] in note and f"Rule: {f.rule}" in note
            assert " ".join(f.explanation.split()) in note
            assert annot["/T"] == "policyscan"
            assert annot["/F"] == 4 and "/N" in annot["/AP"]


def test_the_original_is_untouched_and_the_copy_extends_it(
        annotated: tuple[Path, Path, DocumentReport, str]) -> None:
    source, out, _, before = annotated
    assert sha(source) == before
    original = source.read_bytes()
    assert out.read_bytes().startswith(original)  # an incremental update, nothing rewritten
    assert len(pypdf.PdfReader(out).pages) == len(pypdf.PdfReader(source).pages)
    assert not list(source.parent.glob(".policyscan-*"))  # no temporary file left behind


def _highlighted_share(original: Any, marked: Any, box: Sequence[float],
                       rgb: tuple[float, float, float]) -> float:
    """Of the white pixels inside ``box`` (displayed points = pixels at 72 dpi), the share
    that became the highlight colour (multiplied over white: the colour itself)."""
    # A box the crop cuts (a line at the page's edge) is measured where it is visible:
    # getpixel takes a negative coordinate from the other edge.
    x0, top, x1, bottom = (int(round(v)) for v in box)
    x0, top = max(x0, 0), max(top, 0)
    x1, bottom = min(x1, original.size[0]), min(bottom, original.size[1])
    want = tuple(round(c * 255) for c in rgb)
    white = hit = 0
    for y in range(top + 1, bottom - 1):
        for x in range(x0 + 1, x1 - 1):
            if min(original.getpixel((x, y))) >= 250:
                white += 1
                if all(abs(a - b) <= 14 for a, b in zip(marked.getpixel((x, y)), want, strict=True)):
                    hit += 1
    return hit / white if white else 0.0


def _isolated(findings: Sequence[Finding]) -> list[Finding]:
    """Findings whose boxes overlap no other finding's (two highlights multiply)."""
    def overlap(a: Sequence[float], b: Sequence[float]) -> bool:
        return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]

    out = []
    for f in findings:
        others = [b for g in findings if g is not f and g.page == f.page for b in g.boxes]
        if f.boxes and not any(overlap(a, b) for a in f.boxes for b in others):
            out.append(f)
    return out


def _check_pixels(source: Path, out: Path, report: DocumentReport, tmp: Path,
                  pages: int = 3) -> int:
    from PIL import Image

    checked = 0
    for page in sorted({f.page for f in report.findings})[:pages]:
        with Image.open(render_page(source, page, tmp / f"o{page}")) as a, \
                Image.open(render_page(out, page, tmp / f"m{page}")) as b:
            original, marked = a.convert("RGB"), b.convert("RGB")
            assert original.size == marked.size
            for f in _isolated([f for f in report.findings if f.page == page]):
                for box in f.boxes:
                    if box[2] - box[0] >= 6 and box[3] - box[1] >= 6:
                        share = _highlighted_share(original, marked, box, category_rgb(f.category))
                        assert share >= 0.85, (page, f.rule, box, share)
                        checked += 1
            # Far from any finding (the top margin), nothing changed.
            edge = [b for f in report.findings if f.page == page for b in f.boxes if b[1] < 5]
            assert all(original.getpixel((x, 3)) == marked.getpixel((x, 3))
                       for x in range(0, original.size[0], 7)
                       if not any(b[0] - 2 <= x <= b[2] + 2 for b in edge))
    assert checked
    return checked


def test_the_highlight_is_on_the_words_when_rendered(
        annotated: tuple[Path, Path, DocumentReport, str], tmp_path: Path) -> None:
    source, out, report, _ = annotated
    _check_pixels(source, out, report, tmp_path)


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_rotated_and_cropped_pages(rotation: int, tmp_path: Path, scanner: Scanner) -> None:
    writer = pypdf.PdfWriter(clone_from=CERTIFICATE)
    for page in writer.pages:
        page.rotate(rotation)
        page.cropbox = pypdf.generic.RectangleObject([30, 40, 590, 760])  # origin not 0, 0
    source = tmp_path / f"turned_{rotation}.pdf"
    writer.write(source)
    report = scanner.scan(source)
    assert report.status == "ok" and report.findings
    out = tmp_path / "marked.pdf"
    assert annotate_pdf(source, out, report.findings) == len(
        [f for f in report.findings if f.boxes or f.bbox])
    frame = PageFrame(rotation, 30, 40, 560, 720)
    for page, annots in highlights(out).items():
        for f, annot in zip(by_page(report.findings)[page], annots, strict=True):
            assert f.bbox is not None
            assert contains(annot["/Rect"], rect_of([quad_points(frame, f.bbox)]))
    _check_pixels(source, out, report, tmp_path)


# -- odd PDFs ----------------------------------------------------------------------------


def test_existing_annotations_are_kept(tmp_path: Path, scanner: Scanner) -> None:
    from reportlab.pdfgen import canvas

    source = tmp_path / "linked.pdf"
    c = canvas.Canvas(str(source), invariant=1)
    y = 720
    for line in PLAN_TEXT[0].split("\n"):
        c.setFont("Helvetica", 11)
        c.drawString(72, y, line)
        y -= 14
    c.linkURL("https://plan.example/appeals", (72, 600, 300, 620))
    c.showPage()
    c.save()
    report = scanner.scan(source)
    out = tmp_path / "out.pdf"
    annotate_pdf(source, out, report.findings)
    annots = [a.get_object() for a in pypdf.PdfReader(out).pages[0]["/Annots"]]
    assert [a["/Subtype"] for a in annots].count("/Link") == 1
    assert len(highlights(out)[1]) == len(by_page(report.findings)[1])


@pytest.mark.parametrize("password", ["", "s3cret"])
def test_encrypted_pdf_stays_encrypted(tmp_path: Path, rules: Any, password: str) -> None:
    plain = text_pdf(tmp_path / "plain.pdf", PLAN_TEXT)
    source = encrypt(plain, tmp_path / "locked.pdf", password)
    report = Scanner(rules, ScanOptions(password=password or None)).scan(source)
    assert report.status == "ok" and report.findings
    out = tmp_path / "out.pdf"
    result = run(str(source), "--password", password, "--format", "json", "--annotate",
                 str(out)) if password else run(str(source), "--format", "json",
                                                 "--annotate", str(out))
    assert result.exit_code == 0, result.output
    reader = pypdf.PdfReader(out)
    assert reader.is_encrypted
    found = highlights(out, password)
    assert sum(map(len, found.values())) == len(report.findings)
    notes = [a["/Contents"] for a in found[1]]
    assert any("Cosmetic exclusion" in n for n in notes)  # strings decrypt to the note


def test_junk_before_the_header_is_dropped_in_the_copy(tmp_path: Path, scanner: Scanner) -> None:
    plain = text_pdf(tmp_path / "plain.pdf", PLAN_TEXT)
    source = tmp_path / "junk.pdf"
    source.write_bytes(b"\r\n\r\n  <html>server junk</html>\n" + plain.read_bytes())
    report = scanner.scan(source)
    assert report.status == "ok" and report.findings
    out = tmp_path / "out.pdf"
    annotate_pdf(source, out, report.findings)
    assert out.read_bytes().startswith(b"%PDF-")
    reader = pypdf.PdfReader(out, strict=True)  # the offsets are exact again
    assert len(highlights(out)[1]) == len(report.findings)
    assert len(reader.pages) == 1


def _xref_stream_pdf(path: Path, lines: Sequence[str]) -> Path:
    """A one-page PDF whose cross-reference section is a stream (as Word writes them)."""
    ops = b"BT /F1 11 Tf 14 TL 72 720 Td " + b" ".join(
        b"(" + line.encode("latin-1").replace(b"(", b"\\(").replace(b")", b"\\)") + b") Tj T*"
        for line in lines) + b" ET"
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R "
        b"/Resources << /Font << /F1 4 0 R >> >> >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(ops) + ops + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    rows = b"\x00" + struct.pack(">IH", 0, 65535) + b"".join(
        b"\x01" + struct.pack(">IH", o, 0) for o in [*offsets, xref_at])
    data = zlib.compress(rows)
    out += (b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Filter /FlateDecode "
            b"/Length %d >>\nstream\n" % len(data) + data + b"\nendstream\nendobj\n")
    out += b"startxref\n%d\n%%%%EOF\n" % xref_at
    path.write_bytes(bytes(out))
    return path


def test_a_cross_reference_stream_gets_one_too(tmp_path: Path, scanner: Scanner) -> None:
    source = _xref_stream_pdf(tmp_path / "xrefstm.pdf", PLAN_TEXT[0].split("\n"))
    report = scanner.scan(source)
    assert report.status == "ok" and report.findings
    out = tmp_path / "out.pdf"
    annotate_pdf(source, out, report.findings)
    tail = out.read_bytes()[len(source.read_bytes()):]
    assert b"/Type /XRef" in tail and b"\nxref\n" not in tail
    pypdf.PdfReader(out, strict=True)
    assert len(highlights(out)[1]) == len(report.findings)
    _check_pixels(source, out, report, tmp_path, pages=1)


# -- names and skips ---------------------------------------------------------------------


@pytest.mark.parametrize("path, stem", [
    ("plans/sbc.pdf", "sbc"),  # the folder is dropped
    ("../../x.pdf", "x"),  # so is any way up
    ("..\\..\\evil.PDF", "evil"),  # a Windows-style name too
    (".hidden.pdf", "hidden"),  # no hidden files
    ("...pdf", "document"),  # nothing left: a neutral name
    ("..", "document"),
    ("a\x00b\nc\x1b.pdf", "a_b_c_"),  # control characters
    ('evil "><img src=x>.pdf', "evil ___img src_x_"),  # markup characters
    ("Ünïcödé plan.pdf", "Ünïcödé plan"),  # letters stay letters
    ("x" * 300 + ".pdf", "x" * 120),  # long names are cut
])
def test_safe_stem(path: str, stem: str) -> None:
    assert safe_stem(path) == stem


def test_annotate_dir_keeps_copies_inside_and_names_collisions_by_path(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    top = tmp_path / "top"
    (top / "a").mkdir(parents=True)
    (top / "b").mkdir()
    (top / "deep" / "er").mkdir(parents=True)
    for folder in ("a", "b"):
        text_pdf(top / folder / "plan.pdf", PLAN_TEXT)
    text_pdf(top / "x.pdf", PLAN_TEXT)
    out = tmp_path / "marked"
    monkeypatch.chdir(top / "deep" / "er")
    before = {p: sha(p) for p in top.rglob("*.pdf")}
    result = run("../../a/plan.pdf", "../../b/plan.pdf", "../../x.pdf", "--annotate-dir",
                 str(out))
    assert result.exit_code == 0, result.output
    # Same base names are told apart by their paths below the folder they share (issue
    # 12: numbered by order, a resumed run gave one plan's copy the other's name).
    assert sorted(p.name for p in out.iterdir()) == [
        "a_plan.annotated.pdf", "b_plan.annotated.pdf", "x.annotated.pdf"]
    assert {p: sha(p) for p in top.rglob("*.pdf")} == before  # nothing new outside DIR
    assert "Annotated ../../x.pdf" not in result.stderr  # -q: only problems are told


def test_an_input_named_like_an_output_is_never_overwritten(tmp_path: Path) -> None:
    folder = tmp_path / "plans"
    folder.mkdir()
    text_pdf(folder / "x.pdf", PLAN_TEXT)
    text_pdf(folder / "x.annotated.pdf", PLAN_TEXT)
    before = {p.name: sha(p) for p in folder.iterdir()}
    result = run(str(folder), "--annotate-dir", str(folder))
    assert result.exit_code == 0, result.output
    after = {p.name: sha(p) for p in folder.iterdir()}
    assert {k: after[k] for k in before} == before
    assert set(after) - set(before) == {"x.annotated-2.pdf", "x.annotated.annotated.pdf"}


def test_text_and_unscanned_inputs_are_skipped_with_a_message(tmp_path: Path) -> None:
    pdf = text_pdf(tmp_path / "plan.pdf", PLAN_TEXT)
    note = tmp_path / "plan.txt"
    note.write_text(PLAN_TEXT[0], encoding="utf-8")
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\nnot really\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, [str(pdf), str(note), str(broken), "--no-cache",
                                       "--annotate-dir", str(out)])
    assert result.exit_code == 3
    assert f"Not annotated: {note} is a text file" in result.stderr
    assert f"Not annotated: {broken} was not scanned (failed)" in result.stderr
    assert f"Annotated {pdf}:" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["plan.annotated.pdf"]


@pytest.mark.parametrize("args, message", [
    (["{pdf}", "{pdf2}", "--annotate", "{out}"], "takes exactly one input PDF"),
    (["{folder}", "--annotate", "{out}"], "takes exactly one input PDF"),
    (["{txt}", "--annotate", "{out}"], "is not a PDF"),
    (["{pdf}", "--annotate", "{pdf}"], "is one of the files being scanned"),
    (["{pdf}", "--annotate", "{out}", "--annotate-dir", "{folder}"], "not both"),
    (["{pdf}", "--annotate", "{missing}/out.pdf"], "does not exist"),
    (["{pdf}", "--annotate-dir", "{txt}"], "is a file"),
])
def test_annotate_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    folder = tmp_path / "plans"
    folder.mkdir()
    pdf = text_pdf(folder / "one.pdf", PLAN_TEXT)
    pdf2 = text_pdf(folder / "two.pdf", PLAN_TEXT)
    txt = tmp_path / "plan.txt"
    txt.write_text(PLAN_TEXT[0], encoding="utf-8")
    before = sha(pdf)
    filled = [a.format(pdf=pdf, pdf2=pdf2, folder=folder, txt=txt, out=tmp_path / "o.pdf",
                       missing=tmp_path / "nowhere") for a in args]
    result = run(*filled)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert sha(pdf) == before and not (tmp_path / "o.pdf").exists()


def test_annotator_reports_a_copy_it_cannot_write(tmp_path: Path, scanner: Scanner) -> None:
    notes: list[str] = []
    annotator = Annotator(out_dir=tmp_path / "gone", note=notes.append)  # removed meanwhile
    annotator.document(scanner.scan(CERTIFICATE))
    assert len(notes) == 1 and notes[0].startswith("Not annotated: cannot write")
    assert not annotator.written


# -- the real corpus ---------------------------------------------------------------------


@pytest.mark.corpus
@pytest.mark.slow
def test_booklet_highlights_the_cosmetic_exclusion_and_the_deadline(
        corpus: Path, scanner: Scanner, tmp_path: Path) -> None:
    source = corpus / BOOKLET
    report = scanner.scan(source)
    out = tmp_path / "booklet.pdf"
    started = time.perf_counter()
    count = annotate_pdf(source, out, report.findings)
    seconds = time.perf_counter() - started
    assert count == len(report.findings) and seconds <= 1.0, seconds
    found = highlights(out)
    frame = PageFrame.of(pypdf.PdfReader(source).pages[98])

    def highlighted(page: int, category: str, words: str) -> bool:
        wanted = [f for f in report.findings if f.page == page and f.category == category
                  and words in " ".join(f.quote.split())]
        assert wanted, (page, category, words)
        return any(f.bbox is not None and a["/Subj"] == CATEGORY_LABELS[category]
                   and contains(a["/Rect"], rect_of([quad_points(frame, f.bbox)]))
                   for f in wanted for a in found.get(page, []))

    assert highlighted(99, "cosmetic_exclusion", "texture or look of your skin")
    assert highlighted(5, "appeal_deadline", "180 calendar days")


@pytest.mark.parametrize("rotation", [0, 90])
def test_pdfplumber_boxes_on_a_cropped_page(rotation: int, tmp_path: Path, rules: Any) -> None:
    """pdfplumber measures from the media box, pdfium from the crop box: the annotator
    takes the frame of the engine that produced the boxes."""
    writer = pypdf.PdfWriter(clone_from=CERTIFICATE)
    for page in writer.pages:
        page.rotate(rotation)
        page.cropbox = pypdf.generic.RectangleObject([30, 40, 590, 760])
    source = tmp_path / "cropped.pdf"
    writer.write(source)
    plumber = Scanner(rules, ScanOptions(engine="pdfplumber")).scan(source)
    pdfium = Scanner(rules, ScanOptions()).scan(source)
    assert plumber.status == "ok" and plumber.findings
    rects = []
    for engine, report in (("pdfplumber", plumber), ("pdfium", pdfium)):
        out = tmp_path / f"{engine}.pdf"
        annotate_pdf(source, out, report.findings, engine=engine)
        found = highlights(out)
        rects.append({(f.page, " ".join(f.quote.split())): [float(v) for v in a["/Rect"]]
                      for page, fs in by_page(report.findings).items()
                      for f, a in zip(fs, found[page], strict=True)})
    common = set(rects[0]) & set(rects[1])
    # Upright, most quotes are the same; turned, pdfplumber reads the text in another
    # order and only the headings' quotes agree.
    assert len(common) >= (5 if rotation == 0 else 1)
    # The same passage, read by either engine, is highlighted in the same place (the
    # engines' glyph boxes differ by a few points: font height against glyph outline).
    for key in common:
        assert rects[0][key] == pytest.approx(rects[1][key], abs=4), key
