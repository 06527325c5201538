"""The corpus scorer, on small synthetic gold files and report dicts.

The gold here is invented; the rules are those of shared/docs/gold-format.md.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from policyscan.evaluate import (
    GoldFile,
    GoldFileError,
    GoldPassage,
    load_gold,
    load_gold_dir,
    normalise,
    passage_matches,
    score_document,
    score_reports,
)

PLAN_GOLD = """\
document: plan.pdf
kind: plan_document
text_layer: ok
facts:
  cosmetic_exclusion: true
  reconstructive_exception: false
  medical_necessity: null
  prior_authorization: true
  appeal_rights: true
  external_review: false
  experimental_exclusion: false
  appeal_deadline: {value: 90, unit: days}
must_find:
  - category: cosmetic_exclusion
    page: 3
    quote: "surgery to improve your looks"
  - category: prior_authorization
    page: 4
    quote: "Precertification is required"
  - category: appeal_rights
    page: 7
    quote: "you may file an appeal"
must_not_find:
  - category: appeal_rights
    page: 9
    quote: "file a discrimination grievance"
    why: "civil-rights notice, not a claim appeal"
"""

SCAN_GOLD = """\
document: scan.pdf
kind: form
text_layer: none
facts:
  cosmetic_exclusion: false
  reconstructive_exception: false
  medical_necessity: false
  prior_authorization: false
  appeal_rights: false
  external_review: false
  experimental_exclusion: false
  appeal_deadline: absent
must_find: []
must_not_find: []
"""

PLAN_FACTS: dict[str, Any] = {
    "cosmetic_exclusion": True,
    "reconstructive_exception": False,
    "medical_necessity": None,
    "prior_authorization": True,
    "appeal_rights": True,
    "external_review": False,
    "experimental_exclusion": False,
    "appeal_deadline": {"value": 90, "unit": "days", "page": 7, "quote": "within 90 days"},
}


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def finding(category: str, page: int, quote: str, context: str = "", rule: str = "r.test") -> dict[str, Any]:
    return {"category": category, "page": page, "quote": quote, "context": context, "rule": rule}


def report(path: str, findings: list[dict[str, Any]] | None = None, *, status: str = "ok",
           kind: str = "plan_document", facts: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"path": path, "status": status, "kind": kind,
            "facts": dict(PLAN_FACTS if facts is None else facts), "findings": findings or []}


def all_found() -> list[dict[str, Any]]:
    return [
        finding("cosmetic_exclusion", 3, "surgery to improve your looks"),
        finding("prior_authorization", 4, "Precertification is required"),
        finding("appeal_rights", 7, "you may file an appeal"),
    ]


@pytest.fixture
def plan_gold(tmp_path: Path) -> GoldFile:
    return load_gold(write(tmp_path, "plan.pdf.yaml", PLAN_GOLD))


@pytest.fixture
def scan_gold(tmp_path: Path) -> GoldFile:
    return load_gold(write(tmp_path, "scan.pdf.yaml", SCAN_GOLD))


# --- loading --------------------------------------------------------------------------------


def test_load_gold_reads_every_field(plan_gold: GoldFile) -> None:
    assert plan_gold.document == "plan.pdf"
    assert plan_gold.kind == "plan_document"
    assert plan_gold.text_layer == "ok"
    assert plan_gold.facts["appeal_deadline"] == {"value": 90, "unit": "days"}
    assert plan_gold.facts["medical_necessity"] is None
    assert plan_gold.must_find[0] == GoldPassage("cosmetic_exclusion", 3, "surgery to improve your looks")
    assert plan_gold.must_not_find[0].why.startswith("civil-rights")


def test_load_gold_dir_sorted_and_complete(tmp_path: Path) -> None:
    write(tmp_path, "scan.pdf.yaml", SCAN_GOLD)
    write(tmp_path, "plan.pdf.yaml", PLAN_GOLD)
    write(tmp_path, "notes.txt", "not gold")
    assert [g.document for g in load_gold_dir(tmp_path)] == ["plan.pdf", "scan.pdf"]


def test_load_gold_dir_rejects_empty_folder_and_duplicates(tmp_path: Path) -> None:
    with pytest.raises(GoldFileError, match="no gold files"):
        load_gold_dir(tmp_path)
    write(tmp_path, "a.yaml", PLAN_GOLD)
    write(tmp_path, "b.yaml", PLAN_GOLD)
    with pytest.raises(GoldFileError, match=r"b\.yaml: document: 'plan\.pdf' is already described"):
        load_gold_dir(tmp_path)


@pytest.mark.parametrize(("old", "new", "field", "says"), [
    ("    page: 4\n", "    page: four\n", "must_find[1].page", "page number"),
    ("    page: 4\n", "    page: 0\n", "must_find[1].page", "page number"),
    ("kind: plan_document", "kind: booklet", "kind", "expected one of"),
    ("text_layer: ok", "text_layer: yes", "text_layer", "expected one of"),
    ("  prior_authorization: true\n", "  prior_authorization: maybe\n",
     "facts.prior_authorization", "true, false or null"),
    ("  prior_authorization: true\n", "", "facts.prior_authorization", "missing"),
    ("{value: 90, unit: days}", "{value: 90, unit: weeks}", "facts.appeal_deadline.unit", "expected one of"),
    ("{value: 90, unit: days}", "ninety days", "facts.appeal_deadline", "absent"),
    ("    quote: \"you may file an appeal\"\n", "    quote: \"  \"\n", "must_find[2].quote", "non-empty"),
    ("    quote: \"you may file an appeal\"\n", "", "must_find[2].quote", "missing"),
    ("  - category: appeal_rights\n    page: 9", "  - category: appeals\n    page: 9",
     "must_not_find[0].category", "expected one of"),
    ("must_not_find:", "must_not_finds:", "must_not_finds", "unknown field"),
    ("document: plan.pdf", "document: corpus/plan.pdf", "document", "bare file name"),
])
def test_malformed_gold_names_file_and_field(tmp_path: Path, old: str, new: str, field: str, says: str) -> None:
    assert old in PLAN_GOLD
    path = write(tmp_path, "bad.pdf.yaml", PLAN_GOLD.replace(old, new, 1))
    with pytest.raises(GoldFileError) as err:
        load_gold(path)
    message = str(err.value)
    assert message.startswith(f"{path}: {field}: "), message
    assert says in message


def test_gold_that_is_not_yaml_or_not_a_mapping(tmp_path: Path) -> None:
    with pytest.raises(GoldFileError, match=r"bad\.yaml: not valid YAML"):
        load_gold(write(tmp_path, "bad.yaml", "document: [unclosed\n"))
    with pytest.raises(GoldFileError, match=r"list\.yaml: expected a YAML mapping"):
        load_gold(write(tmp_path, "list.yaml", "- a\n- b\n"))
    with pytest.raises(GoldFileError, match="cannot read"):
        load_gold(tmp_path / "nowhere.yaml")


def test_gold_error_is_a_value_error() -> None:
    assert issubclass(GoldFileError, ValueError)


# --- normalise and the passage test ---------------------------------------------------------


def test_normalise_whitespace_case_line_end_hyphen_quotes() -> None:
    assert normalise("  Prior\n  AUTHORIZATION\t is\u00a0required ") == "prior authorization is required"
    assert normalise("pack-\nages") == "packages"
    assert normalise("pack- \r\n   ages") == "packages"
    assert normalise("pack\ufffe\nages") == "packages"
    assert normalise("In-Network") == "in-network"  # a hyphen inside a line stays
    assert normalise("\u201cMember\u2019s\u201d") == "\"member's\""


def test_passage_found_in_quote_despite_case_whitespace_and_line_break() -> None:
    f = finding("prior_authorization", 4, "PRECERTIFICA-\nTION  is\n required")
    assert passage_matches("Precertification is required", f)


def test_passage_found_only_via_context() -> None:
    f = finding("cosmetic_exclusion", 3, "Cosmetic",
                context="No benefits for surgery to\nimprove your looks (cosmetic).")
    assert passage_matches("surgery to improve your looks", f)
    assert not passage_matches("surgery to improve your smile", f)


def test_hyphen_leniency_for_pdfium_hyphens() -> None:
    # pdfium: a word broken at a line end arrives as "pack-ages" with no newline.
    assert passage_matches("prescription packages", finding("x", 1, "prescription pack-ages"))
    assert passage_matches("prescription packages", finding("x", 1, "prescription pack\ufffeages"))
    # ... and a compound hyphen broken at a line end loses its hyphen under the line-end rule.
    assert passage_matches("In-Network provider", finding("x", 1, "In-\nNetwork provider"))
    # The leniency deletes hyphens; it does not invent words.
    assert not passage_matches("In-Network provider", finding("x", 1, "Out-of-Network provider"))


def test_empty_finding_texts_match_nothing() -> None:
    assert not passage_matches("anything", {"category": "x", "page": 1, "quote": None, "context": None})


# --- must_find, traps -----------------------------------------------------------------------


def test_everything_right_scores_perfectly(plan_gold: GoldFile) -> None:
    score = score_document(plan_gold, report("in/plan.pdf", all_found()))
    assert (score.found, score.must_find_total) == (3, 3)
    assert (score.facts_correct, score.facts_total) == (7, 7)  # medical_necessity is null: unscored
    assert score.kind_ok and score.status_ok
    assert score.trap_hits == ()
    assert score.lines == ()


def test_found_via_context_counts(plan_gold: GoldFile) -> None:
    findings = all_found()
    findings[0] = finding("cosmetic_exclusion", 3, "Cosmetic",
                          context="Not covered: surgery to improve your looks.")
    assert score_document(plan_gold, report("plan.pdf", findings)).found == 3


def test_wrong_page_is_a_miss_and_says_where(plan_gold: GoldFile) -> None:
    findings = all_found()
    findings[0] = finding("cosmetic_exclusion", 4, "surgery to improve your looks")
    score = score_document(plan_gold, report("plan.pdf", findings))
    assert score.found == 2
    assert score.category_found["cosmetic_exclusion"] == 0
    assert score.category_total["cosmetic_exclusion"] == 1
    assert score.lines == (
        'MISS  plan.pdf p3 cosmetic_exclusion "surgery to improve your looks"  (reported on p4)',)


def test_wrong_category_is_a_miss_and_says_which(plan_gold: GoldFile) -> None:
    findings = all_found()
    findings[1] = finding("medical_necessity", 4, "Precertification is required")
    score = score_document(plan_gold, report("plan.pdf", findings))
    assert score.found == 2
    assert score.lines == (
        'MISS  plan.pdf p4 prior_authorization "Precertification is required"'
        "  (reported as medical_necessity)",)


def test_trap_hit_only_on_its_page_and_category(plan_gold: GoldFile) -> None:
    trap_words = "You can file a discrimination\ngrievance with us"
    near_misses = [
        finding("appeal_rights", 8, trap_words),
        finding("external_review", 9, trap_words),
    ]
    assert score_document(plan_gold, report("plan.pdf", all_found() + near_misses)).trap_hits == ()

    hit = finding("appeal_rights", 9, "grievance", context=trap_words, rule="appeal.grievance")
    score = score_document(plan_gold, report("plan.pdf", all_found() + [hit, hit]))
    assert len(score.trap_hits) == 1  # a trap counts once, however many findings hit it
    assert score.trap_hits[0].rule == "appeal.grievance"
    assert score.lines == (
        'TRAP  plan.pdf p9 appeal_rights "file a discrimination grievance" hit by appeal.grievance'
        " (civil-rights notice, not a claim appeal)",)


# --- facts, kind, status --------------------------------------------------------------------


def test_wrong_boolean_fact(plan_gold: GoldFile) -> None:
    facts = dict(PLAN_FACTS, cosmetic_exclusion=False, external_review=None)
    score = score_document(plan_gold, report("plan.pdf", all_found(), facts=facts))
    assert (score.facts_correct, score.facts_total) == (5, 7)
    assert "FACT  plan.pdf cosmetic_exclusion: expected true, got false" in score.lines
    assert "FACT  plan.pdf external_review: expected false, got null" in score.lines


def test_booleans_compare_exactly(plan_gold: GoldFile) -> None:
    facts = dict(PLAN_FACTS, cosmetic_exclusion=1, external_review=0)
    assert score_document(plan_gold, report("plan.pdf", facts=facts)).facts_correct == 5


def test_gold_null_is_not_scored(plan_gold: GoldFile) -> None:
    for value in (True, False, None):
        facts = dict(PLAN_FACTS, medical_necessity=value)
        score = score_document(plan_gold, report("plan.pdf", all_found(), facts=facts))
        assert (score.facts_correct, score.facts_total) == (7, 7)


@pytest.mark.parametrize(("deadline", "ok"), [
    ({"value": 90, "unit": "days", "page": 7, "quote": "q"}, True),
    ({"value": 90, "unit": "business_days"}, False),
    ({"value": 180, "unit": "days"}, False),
    (None, False),
])
def test_deadline_fact_by_value_and_unit(plan_gold: GoldFile, deadline: Any, ok: bool) -> None:
    score = score_document(plan_gold, report("plan.pdf", facts=dict(PLAN_FACTS, appeal_deadline=deadline)))
    assert (score.facts_correct == 7) is ok
    if not ok:
        got = "null" if deadline is None else f"{deadline['value']} {deadline['unit']}"
        assert f"FACT  plan.pdf appeal_deadline: expected 90 days, got {got}" in score.lines


def test_deadline_absent_matches_only_null(scan_gold: GoldFile) -> None:
    falses = {k: False for k in PLAN_FACTS}
    none = score_document(scan_gold, report("scan.pdf", status="needs_ocr", kind="form",
                                            facts=dict(falses, appeal_deadline=None)))
    assert (none.facts_correct, none.facts_total) == (8, 8)
    some = score_document(scan_gold, report("scan.pdf", status="needs_ocr", kind="form",
                                            facts=dict(falses, appeal_deadline={"value": 30, "unit": "days"})))
    assert some.facts_correct == 7
    assert "FACT  scan.pdf appeal_deadline: expected absent, got 30 days" in some.lines


def test_kind_mismatch(plan_gold: GoldFile) -> None:
    score = score_document(plan_gold, report("plan.pdf", all_found(), kind="sbc"))
    assert not score.kind_ok
    assert score.lines == ("KIND  plan.pdf: expected plan_document, got sbc",)


def test_image_only_document_must_be_needs_ocr(scan_gold: GoldFile, plan_gold: GoldFile) -> None:
    facts = {k: False for k in PLAN_FACTS} | {"appeal_deadline": None}
    assert score_document(scan_gold, report("scan.pdf", status="needs_ocr", kind="form", facts=facts)).status_ok
    bad = score_document(scan_gold, report("scan.pdf", status="ok", kind="form", facts=facts))
    assert not bad.status_ok
    assert bad.lines == ("STATUS  scan.pdf: expected needs_ocr (text_layer none), got ok",)
    # And a document with a text layer must be scanned, not sent to OCR.
    assert not score_document(plan_gold, report("plan.pdf", all_found(), status="needs_ocr")).status_ok


# --- the corpus -----------------------------------------------------------------------------


def test_reports_matched_by_basename_and_missing_report_counts_as_misses(
        plan_gold: GoldFile, scan_gold: GoldFile) -> None:
    score = score_reports([report("corpus/sub/plan.pdf", all_found()),
                           report("other/extra.pdf")], [plan_gold, scan_gold])
    assert [d.document for d in score.documents] == ["plan.pdf", "scan.pdf"]
    assert score.missing_reports == ("scan.pdf",)
    assert score.unmatched_reports == ("other/extra.pdf",)
    assert (score.facts_correct, score.facts_total) == (7, 15)
    assert (score.kinds_correct, score.statuses_correct) == (1, 1)
    lines = score.lines()
    assert lines[0].startswith("NOREPORT  scan.pdf: no report for this gold document")
    assert "NOGOLD  other/extra.pdf: no gold file for this report (not scored)" in lines


def test_missing_report_loses_its_passages(plan_gold: GoldFile) -> None:
    score = score_reports([], [plan_gold])
    assert (score.found, score.must_find_total) == (0, 3)
    assert score.category_recall("prior_authorization").total == 1
    assert score.summary_line().endswith("  missing 1")


def test_windows_paths_and_duplicates(plan_gold: GoldFile) -> None:
    score = score_reports([report("C:\\corpus\\plan.pdf", all_found()), report("again/plan.pdf")],
                          [plan_gold])
    assert score.found == 3
    assert score.duplicate_reports == ("again/plan.pdf",)


def test_report_without_path_is_an_error(plan_gold: GoldFile) -> None:
    with pytest.raises(ValueError, match="path"):
        score_reports([{"status": "ok"}], [plan_gold])


def test_summary_line_and_table(plan_gold: GoldFile, scan_gold: GoldFile) -> None:
    findings = all_found()[:2] + [finding("appeal_rights", 9, "file a discrimination grievance")]
    facts = {k: False for k in PLAN_FACTS} | {"appeal_deadline": None}
    score = score_reports([report("plan.pdf", findings),
                           report("scan.pdf", status="needs_ocr", kind="form", facts=facts)],
                          [plan_gold, scan_gold])
    line = score.summary_line()
    assert line == "facts 1.000 (15/15)  recall 0.667 (2/3)  traps 1  kind 2/2  status 2/2"
    pattern = (r"facts (\d\.\d{3}) \((\d+)/(\d+)\)  recall (\d\.\d{3}) \((\d+)/(\d+)\)  "
               r"traps (\d+)  kind (\d+)/(\d+)  status (\d+)/(\d+)")
    assert re.fullmatch(pattern, line)
    assert [tuple(r) for r in score.table_rows()] == [
        ("cosmetic_exclusion", 1, 1, 1.0),
        ("prior_authorization", 1, 1, 1.0),
        ("appeal_rights", 0, 1, 0.0),
    ]


def test_thresholds_pass_and_fail(plan_gold: GoldFile) -> None:
    findings = all_found()[:2] + [finding("appeal_rights", 9, "file a discrimination grievance")]
    score = score_reports([report("plan.pdf", findings, kind="sbc")], [plan_gold])
    assert score.passes(min_facts=1.0, min_recall=0.6, max_traps=1)
    assert score.failures(1.0, 0.6, 1) == []
    failures = score.failures(min_facts=1.0, min_recall=0.9, max_traps=0)
    assert failures == [
        "must_find recall 0.6667 (2/3) is below the minimum 0.9",
        "1 trap hits exceed the maximum 0",
    ]
    assert not score.passes(1.0, 0.9, 0)
    assert score.passes(1.0, 0.6, 1, require_status=True)
    assert score.failures(1.0, 0.6, 1, require_kind=True) == ["document kind wrong for 1 of 1 documents"]
    facts_fail = score_reports([report("plan.pdf", all_found(), facts=dict(PLAN_FACTS, appeal_rights=False))],
                               [plan_gold]).failures(1.0, 0.0, 0)
    assert facts_fail == ["facts accuracy 0.8571 (6/7) is below the minimum 1.0"]


def test_thresholds_reject_percentages(plan_gold: GoldFile) -> None:
    with pytest.raises(ValueError, match="min_recall"):
        score_reports([], [plan_gold]).passes(0.9, 93, 0)


def test_no_gold_passages_is_vacuous_recall(scan_gold: GoldFile) -> None:
    score = score_reports([], [scan_gold])
    assert score.recall == 1.0
    assert score.table_rows() == []
