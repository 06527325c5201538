"""The terminal report, on hand-built documents written to a string.

Plain mode must be plain (no escape codes: it is piped, saved and pasted); colour must
only come when asked for or on a terminal without NO_COLOR; document text must print
literally, whatever brackets it contains.
"""

from __future__ import annotations

import io
from typing import Any

import pytest

from policyscan.models import (
    CATEGORY_LABELS,
    Deadline,
    DeadlineFact,
    DocumentReport,
    Facts,
    Finding,
    PatternSetInfo,
    PlanInfo,
    ScanError,
    ScanReport,
)
from policyscan.report import make_formatter
from policyscan.report.terminal import MIN_WIDTH, TerminalFormatter, quote_in_context
from policyscan.report.wording import DISCLAIMER, locate_quote

ESC = "\x1b["


def finding(category: str = "cosmetic_exclusion", *, page: int = 5,
            quote: str = "Cosmetic surgery",
            context: str = "Services Your Plan Generally Does NOT Cover ● Acupuncture "
                           "● Cosmetic surgery ● Dental care (Adult)",
            negated: bool = False, deadline: Deadline | None = None,
            section: str | None = "Excluded Services & Other Covered Services",
            rule: str = "cosmetic.sbc-not-covered-item", start: int = 0) -> Finding:
    return Finding(category=category, rule=rule, page=page, quote=quote, context=context,
                   section=section, start=start, end=start + len(quote), bbox=None,
                   score=0.9714, method="phrase", negated=negated,
                   explanation="phrase 'cosmetic' inside the NOT-covered list",
                   deadline=deadline)


def facts(**values: bool | None) -> Facts:
    base: dict[str, bool | None] = {c: False for c in Facts.unknown().values}
    base.update(values)
    return Facts(base, None)


def sbc(path: str = "plans/uhc_bronze.pdf", *, findings: tuple[Finding, ...] | None = None,
        doc_facts: Facts | None = None, kind: str = "sbc") -> DocumentReport:
    if findings is None:
        findings = (finding(),)
    return DocumentReport(
        path=path, sha256="abc", status="ok", error=None, kind=kind, pages=6,
        plan=PlanInfo(name="Bronze EPO HSA", issuer="UnitedHealthcare",
                      coverage_period="07/01/2026 - 06/30/2027", plan_type="EPO"),
        facts=doc_facts if doc_facts is not None else facts(cosmetic_exclusion=True),
        findings=findings, warnings=("page 3: unreadable text; not scanned",))


def needs_ocr(path: str = "scans/form.pdf") -> DocumentReport:
    return DocumentReport.failed(
        path, ScanError("unreadable", "no page has a usable text layer; OCR it to scan it"),
        status="needs_ocr", pages=2)


def scan_report(*docs: DocumentReport) -> ScanReport:
    return ScanReport(documents=docs, patterns=PatternSetInfo(rules=0, sha256=""),
                      version="0.0.0", generated_at="2026-01-01T00:00:00Z")


def render(*docs: DocumentReport, **options: Any) -> str:
    stream = io.StringIO()
    options.setdefault("color", False)
    options.setdefault("width", 100)
    fmt = TerminalFormatter(stream, **options)
    fmt.begin()
    for doc in docs:
        fmt.document(doc)
    fmt.end(scan_report(*docs))
    return stream.getvalue()


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


# -- colour ------------------------------------------------------------------------------


def test_plain_output_has_no_escape_codes() -> None:
    out = render(sbc(), needs_ocr())
    assert ESC not in out
    assert "\x1b" not in out


def test_colour_output_has_escape_codes() -> None:
    assert ESC in render(sbc(), color=True)


def test_colour_on_request_even_with_no_color_and_dumb_terminal(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "dumb")
    assert ESC in render(sbc(), color=True)


def test_auto_colour_is_off_for_a_non_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("FORCE_COLOR", "1")  # rich's own switch must not override ours
    assert ESC not in render(sbc(), color=None)


def test_auto_colour_on_a_terminal_honours_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    stream = FakeTTY()
    fmt = TerminalFormatter(stream, width=100)
    fmt.document(sbc())
    assert ESC in stream.getvalue()

    monkeypatch.setenv("NO_COLOR", "1")
    stream = FakeTTY()
    fmt = TerminalFormatter(stream, width=100)
    fmt.document(sbc())
    assert ESC not in stream.getvalue()


def test_colour_highlights_the_quote_without_guillemets() -> None:
    out = render(sbc(), color=True)
    assert "»" not in out
    assert "Cosmetic surgery" in out


# -- layout ------------------------------------------------------------------------------


def test_plain_output_marks_the_quote_in_its_context() -> None:
    out = render(sbc())
    assert "Generally Does NOT Cover ● Acupuncture ● »Cosmetic surgery« ● Dental care" in out


def test_quote_with_line_breaks_and_typographic_marks_is_found_in_context() -> None:
    f = finding(quote="Anthem\u2019s provider\r\nagree-\nment applies.",
                context="… terms of Anthem's provider agreement applies. Anthem is …")
    out = render(sbc(findings=(f,)))
    assert "… terms of »Anthem's provider agreement applies.« Anthem is …" in out


def test_quote_missing_from_context_shows_context_then_quote() -> None:
    f = finding(quote="Cosmetic procedures", context="something else entirely")
    out = render(sbc(findings=(f,)))
    assert out.index("something else entirely") < out.index("»Cosmetic procedures«")


def test_locate_quote_takes_the_occurrence_the_context_was_cut_around() -> None:
    context = "… cosmetic x cosmetic y cosmetic …"
    assert locate_quote(context, "cosmetic") == (13, 21)
    assert locate_quote("cosmetic a cosmetic …", "cosmetic") == (0, 8)
    assert locate_quote("… a cosmetic b cosmetic", "cosmetic") == (15, 23)
    assert locate_quote("abc", "...") is None


def test_long_context_is_trimmed_around_the_quote_unless_verbose() -> None:
    f = finding(quote="the quote", context="… " + "word " * 200 + "the quote" + " more" * 200)
    short = quote_in_context(f, color=False, side=40).plain
    assert "»the quote«" in short and len(short) < 120
    assert short.startswith("… ") and short.endswith(" …")
    full = quote_in_context(f, color=False, side=None).plain
    assert len(full) > 1000


def test_header_shows_path_kind_pages_status_plan_and_warnings() -> None:
    out = render(sbc())
    for text in ("plans/uhc_bronze.pdf", "Summary of Benefits and Coverage (SBC)", "Pages",
                 "6", "Status", "ok", "Bronze EPO HSA", "UnitedHealthcare",
                 "07/01/2026 - 06/30/2027", "EPO", "page 3: unreadable text; not scanned"):
        assert text in out


def test_facts_are_answers_with_pages() -> None:
    deadline = Deadline(180, "days", "internal_appeal", "from the date you receive the notice")
    doc = sbc(
        findings=(
            finding(),
            finding("prior_authorization", page=3, quote="Preauthorization required",
                    context="Preauthorization required for DME", rule="prior-auth.term"),
            finding("prior_authorization", page=4, quote="No preauthorization is required",
                    context="No preauthorization is required", negated=True,
                    rule="prior-auth.term"),
            finding("appeal_deadline", page=6, quote="within 180 days",
                    context="You must appeal within 180 days from the date you receive "
                            "the notice", deadline=deadline, rule="deadline.filing"),
        ),
        doc_facts=Facts({"cosmetic_exclusion": True, "reconstructive_exception": False,
                         "medical_necessity": None, "prior_authorization": True,
                         "appeal_rights": False, "external_review": False,
                         "experimental_exclusion": False},
                        DeadlineFact(180, "days", 6, "You must appeal within\r\n180 days")),
    )
    out = render(doc)
    lines = out.splitlines()

    def answer(question: str) -> str:
        return next(line for line in lines if line.strip().startswith(question))

    assert "Yes — p5" in answer("Cosmetic work excluded?")
    # A false fact is "not stated", never "No" or "not found" (issue 13).
    assert "not stated" in answer("Reconstructive exception?")
    assert "unknown" in answer("Medical necessity required?")
    assert "Yes — p3" in answer("Prior authorization required?")
    assert "p4" not in answer("Prior authorization required?")  # negated: not support
    assert "not stated" in answer("Appeal rights stated?")
    assert "180 days (p6)" in answer("Appeal deadline:")
    assert '"You must appeal within 180 days"' in answer("Appeal deadline:")
    assert "External review?" in out and "Experimental treatment excluded?" in out
    # The finding itself: its deadline and its negated flag.
    assert "deadline: 180 days → internal appeal, from the date you receive the notice" in out
    assert "negated" in out
    assert "score 0.97" in out
    assert "rule cosmetic.sbc-not-covered-item" in out


def test_a_fact_stated_as_negated_says_no_with_its_page() -> None:
    f = finding("prior_authorization", page=4, quote="No prior authorization is required",
                context="No prior authorization is required for labs.", negated=True,
                rule="prior-auth.term")
    out = render(sbc(findings=(f,), doc_facts=facts()))
    line = next(x for x in out.splitlines() if "Prior authorization required?" in x)
    assert "No — stated as not applying (p4)" in line


def test_missing_deadline_is_not_stated() -> None:
    out = render(sbc())
    assert "Appeal deadline:" in out
    assert "not stated in this document" in out


def test_glossary_gets_a_note_about_plan_terms() -> None:
    out = render(sbc(kind="glossary", doc_facts=facts()))
    assert "glossary" in out
    assert "defines terms rather than stating the terms of a plan" in " ".join(out.split())


def test_findings_are_grouped_by_category_in_category_order() -> None:
    doc = sbc(findings=(
        finding("appeal_rights", page=6, quote="you may file an appeal",
                context="you may file an appeal", rule="appeal.right"),
        finding(),
        finding(page=7, start=10),
    ))
    out = render(doc)
    cosmetic = out.index(f"{CATEGORY_LABELS['cosmetic_exclusion']} (2)")
    appeals = out.index(f"{CATEGORY_LABELS['appeal_rights']} (1)")
    assert cosmetic < appeals
    assert "Findings (3)" in out
    assert f"{CATEGORY_LABELS['external_review']} (" not in out


def test_needs_ocr_shows_the_error_and_does_not_claim_no_findings() -> None:
    out = render(needs_ocr())
    assert "needs OCR" in out
    assert "Could not scan: no page has a usable text layer; OCR it to scan it" in out
    assert "Not scanned" in out
    assert "no findings" not in out.lower().replace("no facts or findings", "")
    assert "What this document says" not in out


def test_ok_document_without_findings_says_so() -> None:
    out = render(sbc(findings=(), doc_facts=facts()))
    assert "No findings" in out


def test_document_text_with_markup_prints_literally() -> None:
    f = finding(quote="[bold]x[/bold] and [/] and [red]y",
                context="before [bold]x[/bold] and [/] and [red]y after")
    doc = sbc("odd/[bold]name[/bold].pdf", findings=(f,))
    for color in (False, True):
        out = render(doc, color=color)
        assert "[bold]x[/bold] and [/] and [red]y" in out
        assert "odd/[bold]name[/bold].pdf" in out
    assert "»[bold]x[/bold] and [/] and [red]y«" in render(doc)


def test_disclaimer_is_the_last_line() -> None:
    for docs, width in (((sbc(),), 100), ((sbc(), needs_ocr()), 60), ((), 80)):
        out = render(*docs, width=width)
        assert out.rstrip("\n").splitlines()[-1] == DISCLAIMER
    assert render(sbc(), color=True).rstrip("\n").splitlines()[-1].endswith(
        "The plan documents and your denial letter control.\x1b[0m")


def test_summary_table_only_for_more_than_one_document() -> None:
    one = render(sbc())
    assert "\nSummary\n" not in one
    two = render(sbc("a/first.pdf"), needs_ocr("b/second.pdf"))
    assert "\nSummary\n" in two
    table = two[two.index("\nSummary\n"):]
    assert "first.pdf" in table and "second.pdf" in table
    assert "Appeal" in table and "Cosmetic" in table
    assert "2 documents · 1 ok · 1 needs OCR" in table


def test_summary_falls_back_to_a_list_when_narrow() -> None:
    out = render(sbc("a/first.pdf"), sbc("b/second.pdf"), width=60)
    summary = out[out.index("\nSummary\n"):]
    assert "Stated: Cosmetic exclusion" in summary
    assert all(len(line) <= 60 for line in out.splitlines() if line != DISCLAIMER)


def test_many_findings_are_truncated_unless_verbose() -> None:
    many = tuple(finding(page=p, start=p) for p in range(1, 16))
    out = render(sbc(findings=many))
    # The first screen: a few per category, the count, and how to see all.
    assert "… and 12 more (-v shows all)" in out
    assert "Cosmetic exclusion (15)" in out
    assert "p3 ·" in out and "p4 ·" not in out
    verbose = render(sbc(findings=many), verbose=True)
    assert "more (-v shows all)" not in verbose
    assert "p15 ·" in verbose


def test_width_has_a_minimum_and_lines_fit() -> None:
    out = render(sbc(), needs_ocr(), width=20)
    # The disclaimer is one line whatever the width (a terminal wraps it, grep finds it).
    assert max(len(line) for line in out.splitlines() if line != DISCLAIMER) == MIN_WIDTH


def test_plain_lines_have_no_trailing_blanks() -> None:
    out = render(sbc(), needs_ocr())
    assert all(line == line.rstrip() for line in out.splitlines())


def test_documents_stream_before_the_end() -> None:
    stream = io.StringIO()
    fmt = TerminalFormatter(stream, color=False, width=100)
    fmt.begin()
    fmt.document(sbc())
    assert "»Cosmetic surgery«" in stream.getvalue()
    assert DISCLAIMER not in stream.getvalue()


def test_make_formatter_builds_it_and_ignores_other_options() -> None:
    stream = io.StringIO()
    fmt = make_formatter("terminal", stream, color=False, width=80, verbose=False, other=1)
    assert isinstance(fmt, TerminalFormatter)
    fmt.document(sbc())
    fmt.end(scan_report(sbc()))
    assert stream.getvalue().splitlines()[-1] == DISCLAIMER


def render_batch(*docs: DocumentReport, **options: Any) -> str:
    """As the command line runs a batch: the formatter is told how many documents come."""
    stream = io.StringIO()
    fmt = TerminalFormatter(stream, color=False, width=options.pop("width", 100), **options)
    fmt.begin(len(docs))
    for doc in docs:
        fmt.document(doc)
    fmt.end(scan_report(*docs))
    return stream.getvalue()


def test_a_batch_leads_with_where_the_plans_differ() -> None:
    first = sbc("a/first.pdf")
    second = sbc("b/second.pdf", doc_facts=facts())  # states no cosmetic exclusion
    out = render_batch(first, second)
    lines = out.splitlines()
    # The comparison comes before either document's own report.
    assert lines[0] == "Where the plans differ"
    at = out.index("Cosmetic exclusion: stated in")
    assert at < out.index("\nSummary\n") < out.index("a/first.pdf\n")
    assert "not stated in" in out[at:out.index("\nSummary\n")]
    assert out.rstrip().endswith(DISCLAIMER)


def test_a_batch_of_one_plan_streams_as_before() -> None:
    out = render_batch(sbc())
    assert "Where the plans differ" not in out and "\nSummary\n" not in out


def test_a_compact_batch_leads_with_the_comparison_then_one_line_each() -> None:
    docs = [sbc(f"plans/p{k}.pdf") for k in range(7)]
    out = render_batch(*docs)
    assert out.index("Summary") < out.index("[1/7] plans/p0.pdf")
    assert "Each document in full: -v" in out
