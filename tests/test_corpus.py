"""The real corpus (../shared/corpus): eval thresholds with both engines, and the hard cases.

Every corpus document is scanned once per engine per session (the ``*_reports`` fixtures);
the tests read those reports. The corpus is read by path only. Without it every test here
skips with the ``corpus`` fixture's message.

The pdfplumber engine is ~40x slower (about a minute for the corpus), so only the eval
threshold test uses its session scan; it is marked ``slow`` but runs by default.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from policyscan.evaluate import GoldFile, load_gold_dir, score_reports
from policyscan.extract import open_document
from policyscan.models import DocumentReport, Finding
from policyscan.rules.loader import RuleSet
from policyscan.scanner import Scanner, ScanOptions

pytestmark = pytest.mark.corpus

ANTHEM = "booklet_anthem_ucship_ucdavis_ppo_2024-25.pdf"
ANTHEM_TXT = "text/booklet_anthem_ucship_ucdavis_ppo_2024-25.txt"
KAISER_EOC = "eoc_kaiser_medicare_advantage_group_hmo_fcps_2026.pdf"
HEALTHFIRST = "sbc_healthfirst_ny_essential_plan1_2026.pdf"
DOL_NOTICES = "dol_model_notices_adverse_benefit_determination_2014.pdf"
OPTUMRX_SCAN = "scanned_image_only_optumrx_prior_auth_request_form_filled_sample.pdf"

# Regression guards for the documents the rules were written against, set just under what
# both engines score on them (facts 1.000, recall 1.000 with pdfium and 0.993 with
# pdfplumber): losing two facts or four passages fails the build. Kinds and statuses must all
# be right, and no trap may be hit.
MIN_FACTS = 0.98
MIN_RECALL = 0.97
MAX_TRAPS = 0

# Documents added later (listed in ``added-*.txt``) were scored before any change was made
# for them; that score is the honest figure for a document nobody tuned on (2026-12: facts
# 0.765, recall 0.597, 8 traps, kind 11/15 with pdfium; 0.790, 0.600, 6, 11/15 with
# pdfplumber). Their floor started there and was raised with the changes that earned it;
# it now equals the one threshold the whole corpus meets (the added documents: pdfium facts
# 0.992, recall 0.982, no trap, every kind; pdfplumber 0.992, 0.978; the whole corpus
# 0.996 and 0.987 / 0.985). The next added documents get a floor of their own at their
# first score.
WHOLE_MIN_FACTS = 0.98
WHOLE_MIN_RECALL = 0.97
WHOLE_MAX_TRAPS = 0
ADDED_MIN_FACTS = WHOLE_MIN_FACTS
ADDED_MIN_RECALL = WHOLE_MIN_RECALL
ADDED_MAX_TRAPS = WHOLE_MAX_TRAPS
ADDED_MIN_KINDS = 15

# Boxes are PDF points; pdfium's rectangles may overhang the page edge by a hair.
BOX_TOLERANCE = 1.0

# A template's blank, e.g. "[insert "30 days" or any longer period …]": its number is an
# example for whoever fills in the notice, never the plan's deadline. An unclosed bracket
# runs to the end of the page.
_PLACEHOLDER = re.compile(r"\[\s*insert\b[^\]]*(?:\]|$)", re.I)


# --------------------------------------------------------------------------------------------
# One scan per document per engine per session
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def gold(corpus: Path) -> list[GoldFile]:
    return load_gold_dir(corpus / "gold")


def _scan_corpus(scanner: Scanner, corpus: Path, gold: list[GoldFile]) -> dict[str, DocumentReport]:
    """Reports by file name for every gold document present (a missing one scores as misses)."""
    paths = [corpus / g.document for g in gold]
    return {p.name: scanner.scan(p) for p in paths if p.exists()}


@pytest.fixture(scope="session")
def pdfplumber_scanner(rules: RuleSet) -> Scanner:
    return Scanner(rules, ScanOptions(engine="pdfplumber"))


@pytest.fixture(scope="session")
def pdfium_reports(scanner: Scanner, corpus: Path,
                   gold: list[GoldFile]) -> dict[str, DocumentReport]:
    assert scanner.options.engine == "pdfium"
    return _scan_corpus(scanner, corpus, gold)


@pytest.fixture(scope="session")
def pdfplumber_reports(pdfplumber_scanner: Scanner, corpus: Path,
                       gold: list[GoldFile]) -> dict[str, DocumentReport]:
    return _scan_corpus(pdfplumber_scanner, corpus, gold)


def _by_category(report: DocumentReport, category: str) -> list[Finding]:
    return [f for f in report.findings if f.category == category]


# --------------------------------------------------------------------------------------------
# The eval
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("engine", [
    "pdfium",
    pytest.param("pdfplumber", marks=pytest.mark.slow),
])
def test_eval_meets_thresholds(engine: str, gold: list[GoldFile], corpus: Path,
                               request: pytest.FixtureRequest) -> None:
    reports: dict[str, DocumentReport] = request.getfixturevalue(f"{engine}_reports")
    added = _added_documents(corpus)
    seen = [g for g in gold if g.document not in added]
    assert seen, "no gold files outside the added lists"
    score = score_reports([reports[g.document].to_dict() for g in seen if g.document in reports],
                          seen)
    failures = score.failures(MIN_FACTS, MIN_RECALL, MAX_TRAPS,
                              require_kind=True, require_status=True)
    assert not failures, "\n".join([f"engine {engine}: {score.summary_line()}", *failures,
                                    *score.lines()])


@pytest.mark.parametrize("engine", [
    "pdfium",
    pytest.param("pdfplumber", marks=pytest.mark.slow),
])
def test_eval_on_added_documents_meets_its_floor(engine: str, gold: list[GoldFile],
                                                 corpus: Path,
                                                 request: pytest.FixtureRequest) -> None:
    reports: dict[str, DocumentReport] = request.getfixturevalue(f"{engine}_reports")
    added = [g for g in gold if g.document in _added_documents(corpus)]
    if not added:
        pytest.skip("the corpus lists no added documents")
    score = score_reports([reports[g.document].to_dict() for g in added
                           if g.document in reports], added)
    failures = score.failures(ADDED_MIN_FACTS, ADDED_MIN_RECALL, ADDED_MAX_TRAPS,
                              require_status=True)
    if score.kinds_correct < ADDED_MIN_KINDS:
        failures.append(f"document kind right for {score.kinds_correct} of "
                        f"{len(score.documents)}, below {ADDED_MIN_KINDS}")
    assert not failures, "\n".join([f"engine {engine}: {score.summary_line()}", *failures,
                                    *score.lines()])


@pytest.mark.parametrize("engine", [
    "pdfium",
    pytest.param("pdfplumber", marks=pytest.mark.slow),
])
def test_one_threshold_holds_for_the_whole_corpus(engine: str, gold: list[GoldFile],
                                                  request: pytest.FixtureRequest) -> None:
    reports: dict[str, DocumentReport] = request.getfixturevalue(f"{engine}_reports")
    score = score_reports([reports[g.document].to_dict() for g in gold
                           if g.document in reports], gold)
    failures = score.failures(WHOLE_MIN_FACTS, WHOLE_MIN_RECALL, WHOLE_MAX_TRAPS,
                              require_kind=True, require_status=True)
    assert not failures, "\n".join([f"engine {engine}: {score.summary_line()}", *failures,
                                    *score.lines()])


def _added_documents(corpus: Path) -> set[str]:
    """Documents named in the corpus's ``added-*.txt`` lists (``#`` starts a comment)."""
    names: set[str] = set()
    for listing in corpus.glob("added-*.txt"):
        for line in listing.read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                names.add(line)
    return names


# --------------------------------------------------------------------------------------------
# Status, kind, encryption, broken headers
# --------------------------------------------------------------------------------------------


def test_scanned_form_needs_ocr(pdfium_reports: dict[str, DocumentReport],
                                pdfplumber_scanner: Scanner, corpus: Path) -> None:
    # One image-only page: cheap with either engine, and neither may call it "ok".
    for report in (pdfium_reports[OPTUMRX_SCAN], pdfplumber_scanner.scan(corpus / OPTUMRX_SCAN)):
        assert report.status == "needs_ocr", report.error
        assert report.kind == "form"
        assert report.error is not None and report.error.type == "unreadable"
        assert not report.findings


def test_kaiser_eoc_rc4_empty_password_opens(pdfium_reports: dict[str, DocumentReport],
                                             corpus: Path) -> None:
    assert b"/Encrypt" in (corpus / KAISER_EOC).read_bytes(), "the fixture is no longer encrypted"
    report = pdfium_reports[KAISER_EOC]
    assert report.status == "ok", report.error
    assert report.pages == 215
    assert report.kind == "plan_document"


def test_healthfirst_junk_before_header_opens_with_both_engines(
        pdfium_reports: dict[str, DocumentReport], pdfplumber_scanner: Scanner,
        corpus: Path) -> None:
    path = corpus / HEALTHFIRST
    data = path.read_bytes()
    assert not data.startswith(b"%PDF-") and b"%PDF-" in data[:1024], \
        "the fixture no longer has bytes before its %PDF- header"
    by_pdfium = pdfium_reports[HEALTHFIRST]
    by_plumber = pdfplumber_scanner.scan(path)  # 8 pages: a second or so
    for report in (by_pdfium, by_plumber):
        assert report.status == "ok", report.error
        assert report.kind == "sbc"
        assert report.findings
    assert by_plumber.pages == by_pdfium.pages


# --------------------------------------------------------------------------------------------
# Appeal deadlines
# --------------------------------------------------------------------------------------------


def test_no_appeal_deadline_fact_for_sbcs_and_model_notices(
        pdfium_reports: dict[str, DocumentReport], gold: list[GoldFile]) -> None:
    names = [g.document for g in gold if g.kind == "sbc"] + [DOL_NOTICES]
    assert len(names) >= 6
    wrong = {name: pdfium_reports[name].facts.appeal_deadline for name in names
             if pdfium_reports[name].facts.appeal_deadline is not None}
    assert not wrong, f"appeal_deadline facts where the document states none: {wrong}"


def test_model_notice_deadlines_never_come_from_insert_placeholders(
        pdfium_reports: dict[str, DocumentReport], corpus: Path) -> None:
    report = pdfium_reports[DOL_NOTICES]
    with open_document(corpus / DOL_NOTICES) as doc:
        texts = {p.number: p.text for p in doc.pages}
    # The guard below is only meaningful if the notices do hold numbered placeholders.
    assert any(re.search(r"\d", m.group(0))
               for text in texts.values() for m in _PLACEHOLDER.finditer(text))
    bad = []
    for f in _by_category(report, "appeal_deadline"):
        assert f.deadline is not None
        number = re.compile(rf"(?<!\d){f.deadline.value}(?!\d)")
        for m in _PLACEHOLDER.finditer(texts[f.page]):
            if number.search(m.group(0)) and m.start() < f.end and f.start < m.end():
                bad.append((f.page, f.rule, f.deadline.value, f.quote))
    assert not bad, f"deadlines read from '[insert …]' placeholders: {bad}"


def test_anthem_booklet_appeal_deadline(pdfium_reports: dict[str, DocumentReport]) -> None:
    fact = pdfium_reports[ANTHEM].facts.appeal_deadline
    assert fact is not None
    assert (fact.value, fact.unit, fact.page) == (180, "days", 5)


def test_kaiser_eoc_appeal_deadline(pdfium_reports: dict[str, DocumentReport]) -> None:
    fact = pdfium_reports[KAISER_EOC].facts.appeal_deadline
    assert fact is not None
    assert (fact.value, fact.unit, fact.page) == (65, "days", 165)


# --------------------------------------------------------------------------------------------
# Quotes and boxes point at the page
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [
    ANTHEM,
    KAISER_EOC,  # encrypted
    HEALTHFIRST,  # junk before the header
    DOL_NOTICES,
    "sbc_kaiser_ca_small_group_silver70_hmo_2025.pdf",
    # p. 2 has a font without a Unicode map: text index != char index there.
    "certificate_highmark_bcbs_cmu_ship_medical_2024-25.pdf",
])
def test_quotes_are_page_text_and_boxes_are_on_the_page(
        name: str, pdfium_reports: dict[str, DocumentReport], corpus: Path) -> None:
    report = pdfium_reports[name]
    assert report.findings
    with open_document(corpus / name) as doc:
        pages = {p.number: p for p in doc.pages}
    wrong_quote, off_page = [], []
    for f in report.findings:
        page = pages[f.page]
        if page.text[f.start:f.end] != f.quote:
            wrong_quote.append((f.page, f.start, f.end, f.quote[:60]))
        assert page.width and page.height
        boxes = [b for b in (f.bbox, *f.boxes) if b is not None]
        if f.bbox is None or not all(
                -BOX_TOLERANCE <= x0 <= x1 <= page.width + BOX_TOLERANCE
                and -BOX_TOLERANCE <= top <= bottom <= page.height + BOX_TOLERANCE
                for x0, top, x1, bottom in boxes):
            off_page.append((f.page, f.rule, f.bbox, (page.width, page.height)))
    assert not wrong_quote, f"{name}: quote != page text[start:end]: {wrong_quote[:5]}"
    assert not off_page, f"{name}: bbox missing or off the page: {off_page[:5]}"


# --------------------------------------------------------------------------------------------
# The text extraction of the Anthem booklet
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def anthem_txt_report(scanner: Scanner, corpus: Path) -> DocumentReport:
    return scanner.scan(corpus / ANTHEM_TXT)


def test_anthem_text_extraction_scans(anthem_txt_report: DocumentReport, corpus: Path) -> None:
    # Form feeds would separate pages; this extraction has none, so it is one page.
    pages = (corpus / ANTHEM_TXT).read_text(encoding="utf-8").split("\f")
    assert len(pages) == 1, "the .txt now has form feeds: page numbers below need updating"
    report = anthem_txt_report
    assert report.status == "ok", report.error
    assert report.pages == 1
    assert report.facts.values["cosmetic_exclusion"] is True
    assert _by_category(report, "cosmetic_exclusion")
    fact = report.facts.appeal_deadline
    assert fact is not None
    assert (fact.value, fact.unit, fact.page) == (180, "days", 1)
    assert any(f.deadline and (f.deadline.value, f.deadline.unit) == (180, "days")
               for f in _by_category(report, "appeal_deadline"))
    text = pages[0]
    assert all(text[f.start:f.end] == f.quote and f.bbox is None for f in report.findings)


def test_anthem_text_extraction_kind(anthem_txt_report: DocumentReport) -> None:
    assert anthem_txt_report.kind == "plan_document"


@pytest.mark.parametrize("engine", [
    "pdfium",
    pytest.param("pdfplumber", marks=pytest.mark.slow),
])
def test_issue_11_every_appeal_deadline_fact_equals_its_gold(
        engine: str, gold: list[GoldFile], request: pytest.FixtureRequest) -> None:
    """The number a patient must never get wrong: on every document, with both engines
    (issue 11); "absent" gold wants no number at all."""
    reports: dict[str, DocumentReport] = request.getfixturevalue(f"{engine}_reports")
    wrong = []
    for g in gold:
        expected = g.facts.get("appeal_deadline")
        if expected is None or g.document not in reports:
            continue
        fact = reports[g.document].facts.appeal_deadline
        got = (fact.value, fact.unit) if fact else None
        want = None if expected == "absent" else (expected["value"], expected["unit"])
        if got != want:
            wrong.append(f"{g.document}: expected {want}, got {got}")
    assert not wrong, "\n".join(wrong)
