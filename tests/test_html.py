"""The HTML report (--html): what a person opens from disk, on a phone, or prints.

The page is checked twice: as written (escaping, no requests, the parts it must have) and
as Debian's headless Chromium leaves it after its script ran (facts card, findings, the
category filter from ``#filter=``, sorting from ``#sort=``, a phone-width screenshot).
A PDF whose text and file name hold ``<script>``, ``"><img onerror=…>`` and ``{{ }}``
must render as text.
"""

from __future__ import annotations

import io
import json
import re
import struct
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from pdfs import text_pdf
from viewers import Dom, dump_dom, screenshot

from policyscan.cli import main
from policyscan.models import CATEGORIES, ScanReport
from policyscan.report import Tee, make_formatter
from policyscan.report.colors import CATEGORY_COLORS, OTHER_COLOR, category_hex
from policyscan.report.html import render_html
from policyscan.report.wording import DISCLAIMER

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_policies"
SAMPLE_PDFS = sorted(SAMPLES.glob("*.pdf"))
TEMPLATES = ROOT / "src" / "policyscan" / "report" / "templates"

# Hostile text in a PDF's own words, and in its file name.
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
BRACES = "{{ 7*7 }}"
INJECTION_LINES = [
    f"Evidence of Coverage {BRACES} Plan <b>bold</b>",
    "SECTION 7. WHAT IS NOT COVERED (EXCLUSIONS)",
    f"Cosmetic surgery {SCRIPT} is not covered under this plan.",
    f"Prior authorization is required {IMG} before any surgery.",
    f"You must file your appeal within 180 days {BRACES} of the date of the denial.",
    "You have the right to appeal. [link](javascript:alert(1)) **bold** | pipe | @here #1",
]
HOSTILE_NAME = 'evil "><img src=x onerror=alert(2)> {{ 7*7 }}.pdf'


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """The sample PDFs in one run: the HTML report and the JSON report of the same scan."""
    out = tmp_path_factory.mktemp("html")
    page = out / "report.html"
    result = run(*map(str, SAMPLE_PDFS), "--no-cache", "-q", "--format", "json",
                 "--html", str(page))
    assert result.exit_code == 0, result.output
    return page, json.loads(result.stdout)


@pytest.fixture(scope="module")
def injection(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("inject")
    pdf = text_pdf(folder / HOSTILE_NAME, ["\n".join(INJECTION_LINES)])
    page = folder / "report.html"
    # Two documents, so the file name also goes through the comparison table.
    result = run(str(pdf), str(SAMPLES / "denial_letter_microneedling.pdf"), "--no-cache",
                 "-q", "--format", "json", "--html", str(page))
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    quotes = " ".join(f["quote"] for f in report["documents"][0]["findings"])
    assert SCRIPT in quotes and IMG in quotes and BRACES in quotes  # the test means something
    return page, report


# -- the page as written -----------------------------------------------------------------


def test_the_page_is_self_contained_and_requests_nothing(batch: tuple[Path, Any]) -> None:
    html = batch[0].read_text(encoding="utf-8")
    dom = Dom(html)
    assert not dom.find("link") and not dom.find("img") and not dom.find("iframe")
    assert all(not e.has("src") for e in dom.elements)
    assert all((e.attrs.get("href") or "#").startswith("#") for e in dom.elements)
    csp = next(e.attrs["content"] for e in dom.find("meta")
               if e.attrs.get("http-equiv") == "Content-Security-Policy")
    assert csp is not None and "default-src 'none'" in csp and "'unsafe-inline'" not in csp
    assert len(dom.find("script")) == 1 and len(dom.find("style")) == 1
    assert "@media print" in html and "@media (max-width" in html
    assert '<meta name="viewport"' in html


def test_the_csp_hashes_match_the_inline_style_and_script(batch: tuple[Path, Any]) -> None:
    import base64
    import hashlib
    import html as html_lib

    html = batch[0].read_text(encoding="utf-8")
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html)
    assert csp is not None
    for tag in ("style", "script"):
        body = re.search(rf"<{tag}>(.*?)</{tag}>", html, re.S)
        assert body is not None
        digest = base64.b64encode(hashlib.sha256(body.group(1).encode()).digest()).decode()
        assert f"'sha256-{digest}'" in html_lib.unescape(csp.group(1))


def test_the_template_never_marks_text_safe() -> None:
    template = (TEMPLATES / "report.html.j2").read_text(encoding="utf-8")
    assert "|safe" not in template.replace(" ", "") and "autoescape false" not in template
    source = (ROOT / "src" / "policyscan" / "report" / "html.py").read_text(encoding="utf-8")
    assert source.count("Markup(") == 2  # the stylesheet and the script, nothing else


def test_each_document_has_its_card_identity_and_findings(batch: tuple[Path, Any]) -> None:
    page, report = batch
    dom = Dom(page.read_text(encoding="utf-8"))
    sections = dom.find("section", "document")
    assert len(sections) == len(report["documents"])
    findings = dom.find("li", "finding")
    assert len(findings) == sum(len(d["findings"]) for d in report["documents"])
    assert len(dom.find("section", "facts-card")) == len(report["documents"])
    assert len(dom.find("li", "fact")) == 8 * len(report["documents"])
    text = dom.page_text()
    assert "Northwind Silver PPO 3000" in text  # plan identity of the SBC
    assert "Prior authorization required for" in text  # the SBC's services table
    assert DISCLAIMER in text and "Not legal advice" in text
    pages = {(e.attrs["data-category"], e.attrs["data-page"]) for e in findings}
    expected = {(f["category"], str(f["page"])) for d in report["documents"] for f in d["findings"]}
    assert pages == expected
    marks = dom.find("mark")
    assert len(marks) == len(findings)  # each quote highlighted in its context


def test_batch_comparison_links_every_row_to_its_document(batch: tuple[Path, Any]) -> None:
    page, report = batch
    dom = Dom(page.read_text(encoding="utf-8"))
    table = dom.find("table", "sortable")
    assert len(table) == 1
    links = [e.attrs["href"] for e in dom.find("a") if (e.attrs.get("href") or "").startswith("#doc-")
             and "plan-link" not in e.classes]  # the plan-by-plan matrix links its columns too
    ids = {e.attrs["id"] for e in dom.find("section", "document")}
    assert len(links) == len(report["documents"]) and {h[1:] for h in links} == ids
    headers = dom.find("th")
    sortable = [h for h in headers if h.attrs.get("aria-sort") == "none"]
    assert len(sortable) == 4 + 8  # file, plan, kind, status, seven facts, the deadline
    assert all(h.attrs.get("scope") == "col" for h in sortable)
    assert len(dom.find("button")) >= len(sortable)  # each sorts with a real button


def test_filter_controls_are_labelled_checkboxes_and_buttons(batch: tuple[Path, Any]) -> None:
    dom = Dom(batch[0].read_text(encoding="utf-8"))
    boxes = [e for e in dom.find("input") if e.has("data-filter")]
    assert boxes and all(e.attrs.get("type") == "checkbox" for e in boxes)
    labels = dom.find("label")
    assert len(labels) == len(boxes)  # each checkbox sits inside its own <label>
    buttons = dom.find("button")
    assert buttons and all(b.attrs.get("type") == "button" for b in buttons)
    assert dom.find("fieldset") and dom.find("legend")


def test_single_document_has_no_comparison(tmp_path: Path) -> None:
    page = tmp_path / "one.html"
    result = run(str(SAMPLE_PDFS[0]), "--no-cache", "-q", "--format", "json", "--html", str(page))
    assert result.exit_code == 0
    dom = Dom(page.read_text(encoding="utf-8"))
    assert not dom.find("table", "sortable") and len(dom.find("section", "document")) == 1


def test_failed_documents_are_shown_with_their_error(tmp_path: Path) -> None:
    page = tmp_path / "r.html"
    missing = tmp_path / "missing <b>.pdf"
    result = run(str(SAMPLE_PDFS[0]), str(missing), "--no-cache", "-q", "--format", "json",
                 "--html", str(page))
    assert result.exit_code == 3
    dom = Dom(page.read_text(encoding="utf-8"))
    errors = dom.find("p", "error")
    assert errors and "does not exist" in " ".join(errors[0].text)
    assert "missing <b>.pdf" in dom.page_text() and not dom.find("b")


def test_colours_meet_wcag_aa_contrast() -> None:
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    def contrast(a: str, b: str) -> float:
        hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
        return (hi + 0.05) / (lo + 0.05)

    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    var = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-f]{6})", css))
    pairs = [("text", "bg"), ("muted", "bg"), ("muted", "card"), ("link", "bg"),
             ("yes", "yes-bg"), ("no", "no-bg"), ("unknown", "unknown-bg"), ("bad", "bad-bg")]
    for fg, bg in pairs:
        assert contrast(var[fg], var[bg]) >= 4.5, (fg, bg)
    for category in [*CATEGORY_COLORS, "code"]:  # marks and chips: text on the colour
        assert contrast(var["text"], category_hex(category)) >= 4.5, category
    assert category_hex("code") == "#" + "".join(f"{round(v * 255):02x}" for v in OTHER_COLOR)


def test_tee_feeds_one_run_to_several_formatters(scanner: Any) -> None:
    from policyscan.engine import run_scan
    from policyscan.scanner import ScanOptions

    html, md, jsonl = io.StringIO(), io.StringIO(), io.StringIO()
    tee = Tee([make_formatter("html", html), make_formatter("markdown", md),
               make_formatter("jsonl", jsonl)])
    assert tee.needs_findings_at_end  # the HTML report needs them
    assert not Tee([make_formatter("jsonl", jsonl)]).needs_findings_at_end
    report = run_scan([str(SAMPLE_PDFS[0])], [], scanner.rules, ScanOptions(), tee)
    assert isinstance(report, ScanReport)
    assert "<!DOCTYPE html>" in html.getvalue() and md.getvalue().startswith("# policyscan")
    assert len(jsonl.getvalue().splitlines()) == 1


def test_html_and_other_outputs_from_one_run(tmp_path: Path) -> None:
    outs = {name: tmp_path / f"r.{name}" for name in ("html", "json", "jsonl", "csv", "markdown")}
    args = [a for name, path in outs.items() for a in (f"--{name}", str(path))]
    result = run(*map(str, SAMPLE_PDFS[:2]), "--no-cache", "-q", "--no-color", *args)
    assert result.exit_code == 0, result.output
    assert "What this document says" in result.stdout  # the terminal report as well
    assert all(p.stat().st_size > 0 for p in outs.values())
    data = json.loads(outs["json"].read_text(encoding="utf-8"))
    assert len(data["documents"]) == 2
    assert len(outs["jsonl"].read_text(encoding="utf-8").splitlines()) == 2
    assert len(outs["csv"].read_text(encoding="utf-8").splitlines()) == 3
    assert outs["markdown"].read_text(encoding="utf-8").startswith("# policyscan report")
    assert "Plans compared" in outs["html"].read_text(encoding="utf-8")


@pytest.mark.parametrize("args, message", [
    (["--html", "{pdf}"], "is one of the files being scanned"),
    (["--json", "{out}", "-o", "{out}"], "both write to"),
    (["--html", "{out}", "--markdown", "{out}"], "both write to"),
])
def test_outputs_that_would_clobber_are_usage_errors(tmp_path: Path, args: list[str],
                                                     message: str) -> None:
    pdf = tmp_path / "plan.pdf"
    pdf.write_bytes(SAMPLE_PDFS[0].read_bytes())
    before = pdf.read_bytes()
    filled = [a.format(pdf=pdf, out=tmp_path / "r.out") for a in args]
    result = run(str(pdf), "--no-cache", "-q", *filled)
    assert result.exit_code == 2 and message in result.stderr
    assert pdf.read_bytes() == before


def test_html_format_on_standard_output() -> None:
    result = run(str(SAMPLE_PDFS[0]), "--no-cache", "-q", "--format", "html")
    assert result.exit_code == 0 and result.stdout.startswith("<!DOCTYPE html>")


# -- injection ---------------------------------------------------------------------------


def test_injection_is_escaped_in_the_page_as_written(injection: tuple[Path, Any]) -> None:
    html = injection[0].read_text(encoding="utf-8")
    assert html.count("<script") == 1  # the report's own, at the end
    assert "<script>alert" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    dom = Dom(html)
    assert all("onerror" not in e.attrs for e in dom.elements)
    assert all(e.tag != "img" for e in dom.elements)
    text = dom.page_text()
    assert SCRIPT in text and IMG in text and BRACES in text
    assert HOSTILE_NAME in text


def test_injection_renders_inert_in_chromium(injection: tuple[Path, Any],
                                             tmp_path: Path) -> None:
    page, report = injection
    dom = Dom(dump_dom(page, tmp_path / "profile"))
    assert len(dom.find("script")) == 1
    assert not dom.find("img") and not dom.find("b")
    assert all(not any(a.startswith("on") for a in e.attrs) for e in dom.elements)
    findings = " ".join(" ".join(e.text) for e in dom.find("li", "finding"))
    assert SCRIPT in findings and IMG in findings
    assert BRACES in findings and "49" not in findings  # {{ 7*7 }} is never evaluated
    title = dom.find("h2")[1]  # the first document's heading (after "Plans compared")
    assert " ".join(title.text) == HOSTILE_NAME
    assert len(dom.find("li", "finding")) == sum(len(d["findings"]) for d in report["documents"])


# -- in a browser ------------------------------------------------------------------------


def test_chromium_shows_facts_findings_and_the_filter(batch: tuple[Path, Any],
                                                      tmp_path: Path) -> None:
    page, report = batch
    dom = Dom(dump_dom(page, tmp_path / "profile"))
    assert dom.find("section", "facts-card")
    findings = dom.find("li", "finding")
    assert len(findings) == sum(len(d["findings"]) for d in report["documents"])
    assert not any(f.has("hidden") for f in findings)
    fieldset = dom.find("fieldset")[0]
    assert not fieldset.has("hidden")  # the script revealed the filter
    status = " ".join(next(e for e in dom.elements if e.attrs.get("id") == "filter-status").text)
    assert f"Showing {len(findings)} of {len(findings)} findings." == status.strip()


def test_chromium_applies_a_filter_from_the_address(batch: tuple[Path, Any],
                                                    tmp_path: Path) -> None:
    page, report = batch
    dom = Dom(dump_dom(page, tmp_path / "profile", "filter=prior_authorization,appeal_deadline"))
    findings = dom.find("li", "finding")
    shown = [f for f in findings if not f.has("hidden")]
    wanted = {"prior_authorization", "appeal_deadline"}
    assert shown and all(f.attrs["data-category"] in wanted for f in shown)
    assert all(f.has("hidden") for f in findings if f.attrs["data-category"] not in wanted)
    expected = sum(1 for d in report["documents"] for f in d["findings"]
                   if f["category"] in wanted)
    assert len(shown) == expected
    groups = dom.find("section", "group")
    assert all(g.has("hidden") == (g.attrs["data-category"] not in wanted) for g in groups)
    status = " ".join(next(e for e in dom.elements if e.attrs.get("id") == "filter-status").text)
    assert status.strip() == f"Showing {expected} of {len(findings)} findings."


def test_chromium_sorts_the_comparison_from_the_address(batch: tuple[Path, Any],
                                                        tmp_path: Path) -> None:
    page, report = batch
    names = sorted((Path(d["path"]).name for d in report["documents"]), reverse=True)
    dom = Dom(dump_dom(page, tmp_path / "profile", "sort=-0"))
    rows = [" ".join(e.text).strip() for e in dom.find("th") if e.attrs.get("scope") == "row"
            and e.has("data-sort")]  # the sortable table's rows, not the matrix's
    assert rows == names
    first = next(e for e in dom.find("th") if e.attrs.get("scope") == "col")
    assert first.attrs.get("aria-sort") == "descending"


def test_phone_width_screenshot(batch: tuple[Path, Any], tmp_path: Path) -> None:
    shot = screenshot(batch[0], tmp_path / "profile", tmp_path / "shot.png", 390, 844)
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (390, 844)
    assert len(data) > 20_000  # text and colour, not a blank page
    from PIL import Image

    with Image.open(shot) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1 << 16)
    assert colours is not None and len(colours) > 50


def test_every_category_has_a_colour() -> None:
    assert set(CATEGORY_COLORS) == set(CATEGORIES)


def test_an_empty_run_still_renders() -> None:
    from policyscan.models import PatternSetInfo

    html = render_html(ScanReport((), PatternSetInfo(0, ""), "0", "2026-01-01T00:00:00Z"))
    assert "No documents were scanned." in html and DISCLAIMER in html


def test_outlook_and_due_dates_when_asked_for(tmp_path: Path) -> None:
    page = tmp_path / "case.html"
    result = run(str(SAMPLES / "certificate_northwind_excerpt.pdf"), "--no-cache", "-q",
                 "--format", "json", "--procedure", "micro needling", "--denied-on",
                 "2025-03-03", "--html", str(page))
    assert result.exit_code == 0, result.output
    dom = Dom(page.read_text(encoding="utf-8"))
    outlook = dom.find("section", "outlook")
    assert outlook and "what this document says" in " ".join(outlook[0].text)
    due = dom.find("section", "due-dates")
    assert due and "Deadlines as dates" in " ".join(due[0].text)
    assert "2025" in " ".join(due[0].text)
