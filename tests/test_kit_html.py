"""The appeal kit as HTML: the Markdown subset read back, document text escaped, and the
page printing on two sheets (checked with headless Chromium when it is installed)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from policyscan.cli import main
from policyscan.report.kit_html import markdown_to_html, render_kit_html

SAMPLES = Path(__file__).resolve().parents[1] / "sample_policies"
PLAN = SAMPLES / "certificate_northwind_excerpt.pdf"


def test_markdown_subset_becomes_html() -> None:
    out = markdown_to_html("## Where\n\n- **Fax:** 1-800\n  - nested\n- [ ] a box\n\n"
                           "> \"a \\*quoted\\* clause\" (page 4)\n\n_note_ and `code`")
    assert "<h2>Where</h2>" in out
    assert "<li><strong>Fax:</strong> 1-800</li>" in out
    assert out.count("<ul>") == 2  # the nested list
    assert "&#9744; a box" in out
    assert "<blockquote>\"a *quoted* clause\" (page 4)</blockquote>" in out
    assert "<em>note</em> and <code>code</code>" in out


def test_document_text_is_escaped() -> None:
    page = render_kit_html("# Kit\n\n> \"<script>alert(1)</script>\" (page 1)\n", "t")
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_the_letter_gets_its_own_printed_page() -> None:
    page = render_kit_html("# Kit\n\nfacts\n\n## Letter\n\nDear plan,\n", "Kit")
    assert '<div class="letter"><h2>Letter</h2><p>Dear plan,</p></div>' in page
    assert "break-before: page" in page


def _print(tmp_path: Path, plan: Path, letter: Path) -> tuple[str, str, int]:
    """The kit's HTML, its printed text (pdftotext) and its printed page count."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None or shutil.which("pdftotext") is None:
        pytest.skip("headless Chromium or pdftotext is not installed: the print layout is "
                    "not checked")
    html_file = tmp_path / "kit.html"
    result = CliRunner().invoke(main, ["appeal-kit", str(plan), "--denial", str(letter),
                                       "-o", str(html_file)])
    assert result.exit_code == 0, result.output
    page = html_file.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    pdf = tmp_path / "kit.pdf"
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                    "--no-pdf-header-footer", f"--print-to-pdf={pdf}", html_file.as_uri()],
                   check=True, capture_output=True, timeout=120)
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True,
                          text=True, timeout=60).stdout
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        return page, text, len(document)
    finally:
        document.close()


def _printed_quotes(page: str) -> list[str]:
    """The quotes the printed page shows (those marked ``more`` stay on screen)."""
    import html
    import re

    return [" ".join(html.unescape(re.sub(r"<[^>]+>", "", q)).split())
            for q in re.findall(r"<blockquote>(.*?)</blockquote>", page, re.S)]


def _assert_whole(page: str, text: str) -> None:
    printed = " ".join(text.replace("\u00ad", "").split())
    quotes = _printed_quotes(page)
    assert quotes
    for quote in quotes:  # every printed quote whole, to its page reference
        assert quote in printed, quote


@pytest.mark.parametrize("letter", [SAMPLES / "denial_letter_microneedling.pdf",
                                    SAMPLES / "denials" / "letter_labels_table.pdf"])
def test_issue_11_kit_html_prints_on_two_pages_with_whole_quotes(tmp_path: Path,
                                                                letter: Path) -> None:
    page, text, pages = _print(tmp_path, PLAN, letter)
    assert pages == 2
    assert "line-clamp" not in page  # nothing cut by the style sheet
    _assert_whole(page, text)
    # The second sheet is what to send: the checklist, then the letter.
    assert text.index("Checklist") > text.index("The plan's own words to cite")
    assert "\f" in text[:text.index("Checklist")]


@pytest.mark.corpus
def test_issue_11_a_long_real_booklet_kit_prints_on_two_pages(tmp_path: Path,
                                                              corpus: Path) -> None:
    page, text, pages = _print(tmp_path, corpus / "booklet_anthem_ucship_ucdavis_ppo_2024-25.pdf",
                               SAMPLES / "denial_letter_microneedling.pdf")
    assert pages == 2
    _assert_whole(page, text)
    assert "more quoted passage" in text  # what stays off paper is counted, not cut


def test_quotes_past_the_print_share_are_marked_and_counted() -> None:
    out = markdown_to_html("### A\n\n> \"one\" (page 1)\n> \"two\" (page 2)\n"
                           "> \"three\" (page 3)\n\n### B\n\n> \"four\" (page 4)\n",
                           print_quotes=2)
    assert '<blockquote class="more">"three" (page 3)</blockquote>' in out
    assert out.count('class="more"') == 1
    assert '1 more quoted passage in this section' in out
    assert out.index("1 more quoted passage") < out.index("<h3>B</h3>")
