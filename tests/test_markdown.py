"""--format markdown: a report to paste into a ticket or an e-mail.

Document text must stay text wherever the Markdown is rendered (no HTML, links, emphasis,
table cells, mentions or template expressions from a PDF), and the structure must be the
one a reader expects: a section per document, the facts table, findings by category.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from pdfs import text_pdf

from policyscan.cli import main
from policyscan.report.markdown import md_code, md_escape
from policyscan.report.wording import DISCLAIMER

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_policies"


def markdown(*args: str) -> str:
    result = CliRunner().invoke(main, [*args, "--no-cache", "-q", "--format", "markdown"])
    assert result.exit_code in (0, 3), result.output
    return result.stdout


@pytest.mark.parametrize("text, escaped", [
    ("<script>alert(1)</script>", r"\<script\>alert(1)\</script\>"),  # raw HTML
    ("**bold** _it_", r"\*\*bold\*\* \_it\_"),  # emphasis
    ("[x](javascript:alert(1))", r"\[x\](javascript:alert(1))"),  # a link needs its [
    ("![i](x.png)", r"!\[i\](x.png)"),  # and an image too
    ("a | b", r"a \| b"),  # a table cell boundary
    ("`code`", r"\`code\`"),  # a code span
    ("{{ 7*7 }}", r"\{\{ 7\*7 \}\}"),  # a template engine downstream
    ("@here #12 ~~x~~ $x$ &amp;", r"\@here \#12 \~\~x\~\~ \$x\$ \&amp;"),  # mentions, refs, strike, maths, entities
    ("back\\slash", "back\\\\slash"),  # the escape character itself
    ("line one\nline two\r\n  three", "line one line two three"),  # one line: no block structure
    ("Section 7.2. Cosmetic - not covered (see p. 5)", "Section 7.2. Cosmetic - not covered (see p. 5)"),  # plain prose stays readable
])
def test_md_escape(text: str, escaped: str) -> None:
    assert md_escape(text) == escaped


def test_md_code_holds_backticks() -> None:
    assert md_code("plans/a.pdf") == "`plans/a.pdf`"
    assert md_code("a`b.pdf") == "``a`b.pdf``"
    assert md_code("`x`") == "`` `x` ``"


def test_hostile_document_text_is_escaped(tmp_path: Path) -> None:
    pdf = text_pdf(tmp_path / "plan [x](y) <b>.pdf", [
        "SECTION 7. WHAT IS NOT COVERED (EXCLUSIONS)\n"
        "Cosmetic surgery <script>alert(1)</script> is not covered | x | **y**.\n"
        "You must file your appeal within 180 days {{ 7*7 }} @team of the denial."])
    out = markdown(str(pdf))
    assert "### Findings (" in out
    prose = re.sub(r"`[^`]*`", "", out)  # code spans show their text literally
    assert "<script>" not in prose and "<b>" not in prose and "{{" not in prose
    assert r"\<script\>alert(1)\</script\>" in out
    assert r"\{\{ 7\*7 \}\}" in out and r"\@team" in out
    # No table row gains cells from document text: every row has as many unescaped
    # pipes as its header.
    for table in re.findall(r"((?:^\|.*\|$\n?)+)", out, re.M):
        rows = table.strip().splitlines()
        widths = {len(re.findall(r"(?<!\\)\|", row)) for row in rows}
        assert len(widths) == 1, rows
    assert "`" + str(pdf) + "`" in out  # the path, in a code span


def test_structure_of_one_document() -> None:
    out = markdown(str(SAMPLES / "sbc_northwind_silver_ppo.pdf"))
    lines = out.splitlines()
    assert lines[0] == "# policyscan report"
    assert "## 1. sbc\\_northwind\\_silver\\_ppo.pdf" in lines
    for heading in ("### What this document says", "### Prior authorization required for",
                    "### Findings ("):
        assert any(line.startswith(heading) for line in lines), heading
    assert "| Question | Answer | Pages |" in lines
    assert sum(1 for line in lines if line.startswith("| Cosmetic work excluded?")) == 1
    assert any(line.startswith("#### Prior authorization (") for line in lines)
    findings = [line for line in lines if line.startswith("- **p")]
    assert findings and all("rule " in line and "**" in line for line in findings)
    assert "- **Plan:** Northwind Silver PPO 3000" in lines
    assert lines[-1] == f"_{md_escape(DISCLAIMER)}_"
    assert "## Plans compared" not in out


def test_batch_ends_with_the_comparison() -> None:
    pdfs = sorted(SAMPLES.glob("*.pdf"))
    out = markdown(*map(str, pdfs))
    assert [line for line in out.splitlines() if line.startswith("## ")][-1] == "## Plans compared"
    section = out.split("## Plans compared", 1)[1].strip().splitlines()
    # Which plans differ on what comes first, then the table.
    assert section[0] == "### Where the plans differ"
    table = section[next(i for i, line in enumerate(section) if line.startswith("| File")):]
    assert table[0].startswith("| File | Plan | Kind | Status | Cosmetic excl. |")
    assert len([r for r in table if r.startswith("| ") and ".pdf" in r]) == len(pdfs)


def test_failed_document_says_why(tmp_path: Path) -> None:
    out = markdown(str(tmp_path / "missing.pdf"))
    assert "- **Status:** failed" in out and "**Could not scan:**" in out


def test_many_findings_are_capped_unless_verbose() -> None:
    cert = str(SAMPLES / "certificate_northwind_excerpt.pdf")
    short, full = markdown(cert), markdown(cert, "-v")
    assert full.count("\n- **p") >= short.count("\n- **p")
    if "more (--verbose" in short:
        assert "more (--verbose" not in full
