"""The command line as a user and a script see it: exit codes, the JSON contract
(shared/docs/report-format.md), paths as given, the other commands, plain output."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from pdfs import image_only_pdf

import policyscan
from policyscan.cli import main
from policyscan.models import (
    BENEFITS,
    CATEGORIES,
    DOCUMENT_KINDS,
    FACT_CATEGORIES,
    STAGES,
    STATUSES,
)
from policyscan.report.wording import DISCLAIMER
from policyscan.rules.loader import RuleSet

EXIT_OK, EXIT_FAILED_THRESHOLD, EXIT_USAGE, EXIT_INCOMPLETE = 0, 1, 2, 3
ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_policies"
DENIAL = SAMPLES / "denial_letter_microneedling.pdf"
SAMPLE_FILES = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".pdf", ".txt"))

DOCUMENT_KEYS = {"path", "sha256", "status", "error", "kind", "pages", "plan", "facts",
                 "findings"}
FINDING_KEYS = {"category", "rule", "page", "quote", "context", "section", "start", "end",
                "bbox", "score", "method", "negated", "explanation"}
DEADLINE_UNITS = {"days", "business_days", "months", "hours"}
DEADLINE_ACTIONS = {"internal_appeal", "external_review", "grievance", "expedited_appeal",
                    "other"}
ERROR_TYPES = {"not_a_pdf", "encrypted", "corrupt", "too_large", "timeout", "unreadable"}


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env)


def json_of(result: Result) -> Any:
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def all_samples_json() -> tuple[Result, dict[str, Any]]:
    """Every sample policy scanned once with --format json."""
    result = run(*map(str, SAMPLE_FILES), "--format", "json")
    return result, json_of(result)


@pytest.fixture(scope="module")
def broken_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("broken")
    corrupt = folder / "corrupt.pdf"
    data = DENIAL.read_bytes()
    corrupt.write_bytes(data[: len(data) // 2])
    return {"scan": image_only_pdf(folder / "scan.pdf"), "corrupt": corrupt}


@pytest.fixture(scope="module")
def mixed_run(broken_files: dict[str, Path]) -> tuple[Result, dict[str, Any]]:
    """A good document between an image-only and a corrupt one."""
    result = run(str(broken_files["scan"]), str(DENIAL), str(broken_files["corrupt"]),
                 "--format", "json")
    return result, json_of(result)


# -- scanning and exit codes ------------------------------------------------------------


def test_file_argument_alone_means_scan() -> None:
    implicit = run(str(DENIAL), "--format", "jsonl")
    explicit = run("scan", str(DENIAL), "--format", "jsonl")
    assert implicit.exit_code == explicit.exit_code == EXIT_OK
    assert json.loads(implicit.stdout) == json.loads(explicit.stdout)


def test_sample_policies_scan_with_exit_0(all_samples_json: tuple[Result, dict[str, Any]]
                                          ) -> None:
    result, report = all_samples_json
    assert result.exit_code == EXIT_OK, result.output
    assert [d["status"] for d in report["documents"]] == ["ok"] * len(SAMPLE_FILES)


def test_unscannable_document_gives_exit_3_and_the_others_are_still_reported(
        mixed_run: tuple[Result, dict[str, Any]], broken_files: dict[str, Path]) -> None:
    result, report = mixed_run
    assert result.exit_code == EXIT_INCOMPLETE
    by_path = {d["path"]: d for d in report["documents"]}
    assert set(by_path) == {str(broken_files["scan"]), str(DENIAL), str(broken_files["corrupt"])}
    good = by_path[str(DENIAL)]
    assert good["status"] == "ok" and good["findings"]
    assert by_path[str(broken_files["scan"])]["status"] == "needs_ocr"
    corrupt = by_path[str(broken_files["corrupt"])]
    assert corrupt["status"] == "failed" and corrupt["error"]["type"] == "corrupt"
    assert report["summary"]["ok"] == 1
    assert report["summary"]["needs_ocr"] == 1 and report["summary"]["failed"] == 1


def test_unscannable_document_in_the_terminal_report_still_shows_the_others(
        broken_files: dict[str, Path]) -> None:
    result = run(str(DENIAL), str(broken_files["scan"]), env={"NO_COLOR": "1"})
    assert result.exit_code == EXIT_INCOMPLETE
    assert "You must file your appeal within 180" in result.stdout
    assert "needs OCR" in result.stdout


def test_bad_patterns_directory_is_a_usage_error(tmp_path: Path) -> None:
    result = run(str(DENIAL), "--patterns", str(tmp_path / "no_such_dir"))
    assert result.exit_code == EXIT_USAGE
    assert "no_such_dir" in result.stderr and "Error:" in result.stderr


def test_malformed_pattern_file_is_a_usage_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("rules:\n  - id: x.y\n    score: 2\n", encoding="utf-8")
    result = run(str(DENIAL), "--patterns", str(tmp_path))
    assert result.exit_code == EXIT_USAGE
    assert "bad.yaml" in result.stderr and "x.y" in result.stderr
    assert result.stdout == ""  # nothing was scanned


@pytest.mark.parametrize("args", [
    ["scan", str(DENIAL), "--format"],  # option without its value
    ["scan", str(DENIAL), "--patterns"],
    ["scan", str(DENIAL), "-o"],
    ["scan", str(DENIAL), "--password"],
    ["scan", str(DENIAL), "--format", "xml"],  # a value that is not a choice
    ["scan", str(DENIAL), "--max-pages", "0"],  # not a positive number
    ["scan", str(DENIAL), "--max-bytes", "-5"],
    ["scan"],  # no file at all
], ids=["format", "patterns", "output", "password", "format-xml", "max-pages-0",
        "max-bytes-negative", "no-file"])
def test_missing_or_invalid_option_values_are_usage_errors(args: list[str]) -> None:
    assert run(*args).exit_code == EXIT_USAGE


def test_nonexistent_path_is_a_failed_entry_with_a_clear_message(tmp_path: Path) -> None:
    missing = tmp_path / "no_such_plan.pdf"
    result = run(str(missing), str(DENIAL), "--format", "json")
    assert result.exit_code == EXIT_INCOMPLETE
    documents = {d["path"]: d for d in json_of(result)["documents"]}
    entry = documents[str(missing)]
    assert entry["status"] == "failed"
    assert entry["error"]["type"] in ERROR_TYPES
    assert "does not exist" in entry["error"]["message"]
    assert documents[str(DENIAL)]["status"] == "ok"


# -- the JSON contract ------------------------------------------------------------------


def _check_document(doc: dict[str, Any]) -> None:
    assert set(doc) >= DOCUMENT_KEYS, DOCUMENT_KEYS - set(doc)
    assert doc["status"] in STATUSES
    assert doc["kind"] in DOCUMENT_KINDS
    assert isinstance(doc["pages"], int)
    assert set(doc["plan"]) >= {"name", "issuer", "coverage_period", "plan_type"}
    assert set(doc["facts"]) >= {*FACT_CATEGORIES, "appeal_deadline"}
    for category in FACT_CATEGORIES:
        assert doc["facts"][category] in (True, False, None)
    deadline_fact = doc["facts"]["appeal_deadline"]
    if deadline_fact is not None:
        assert set(deadline_fact) == {"value", "unit", "page", "quote"}
        assert deadline_fact["unit"] in DEADLINE_UNITS
    if doc["status"] == "ok":
        assert doc["error"] is None
        assert re.fullmatch(r"[0-9a-f]{64}", doc["sha256"])
    else:
        assert set(doc["error"]) == {"type", "message"}
        assert doc["error"]["type"] in ERROR_TYPES and doc["error"]["message"]
        assert doc["findings"] == []
        assert all(doc["facts"][c] is None for c in FACT_CATEGORIES)
    if doc["status"] == "ok":  # the rulebook, with its evidence
        regime = doc["regime"]
        assert set(regime) == {"name", "label", "confidence", "country", "evidence",
                               "candidates"}
        assert 0 <= regime["confidence"] <= 1
        assert all(set(e) == {"page", "quote", "regime"} for e in regime["evidence"])
    for f in doc["findings"]:
        _check_finding(f, doc)


def _check_finding(f: dict[str, Any], doc: dict[str, Any]) -> None:
    assert set(f) >= FINDING_KEYS, FINDING_KEYS - set(f)
    assert f["category"] in (*CATEGORIES, "code")  # codes: the category issue 4 adds
    assert 1 <= f["page"] <= doc["pages"]
    assert isinstance(f["start"], int) and isinstance(f["end"], int)
    assert 0 <= f["start"] < f["end"]
    assert len(f["quote"]) == f["end"] - f["start"]
    assert 0 < f["score"] <= 1
    assert f["method"] in {"phrase", "token", "fuzzy", "structure", "code"}
    assert isinstance(f["negated"], bool)
    assert f["explanation"] and f["context"]
    if doc["path"].endswith(".pdf"):
        assert len(f["bbox"]) == 4 and all(isinstance(v, (int, float)) for v in f["bbox"])
    else:
        assert f["bbox"] is None
    if f["category"] == "appeal_deadline":
        deadline = f["deadline"]
        assert set(deadline) == {"value", "unit", "action", "anchor", "stage", "benefit"}
        assert deadline["stage"] in STAGES and deadline["benefit"] in BENEFITS
        assert isinstance(deadline["value"], int) and deadline["value"] > 0
        assert deadline["unit"] in DEADLINE_UNITS
        assert deadline["action"] in DEADLINE_ACTIONS
    else:
        assert "deadline" not in f


def test_json_report_follows_the_contract(all_samples_json: tuple[Result, dict[str, Any]],
                                          rules: RuleSet) -> None:
    _, report = all_samples_json
    assert report["schema_version"] == 1
    assert report["policyscan"] == policyscan.__version__
    assert report["patterns"] == {"rules": len(rules), "sha256": rules.sha256}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", report["generated_at"])
    assert len(report["documents"]) == len(SAMPLE_FILES)
    for doc in report["documents"]:
        _check_document(doc)
    assert any(f["category"] == "appeal_deadline"
               for d in report["documents"] for f in d["findings"])


def test_json_report_of_failed_documents_follows_the_contract(
        mixed_run: tuple[Result, dict[str, Any]]) -> None:
    for doc in mixed_run[1]["documents"]:
        _check_document(doc)


@pytest.mark.parametrize("run_name", ["all_samples_json", "mixed_run"])
def test_json_summary_counts_match_the_documents(run_name: str,
                                                 request: pytest.FixtureRequest) -> None:
    _, report = request.getfixturevalue(run_name)
    documents, summary = report["documents"], report["summary"]
    assert summary["documents"] == len(documents)
    for status in ("ok", "needs_ocr", "failed"):
        assert summary[status] == sum(d["status"] == status for d in documents)
    counts: dict[str, int] = {}
    for d in documents:
        for f in d["findings"]:
            counts[f["category"]] = counts.get(f["category"], 0) + 1
    assert summary["findings"] == counts


def test_jsonl_gives_one_document_object_per_line(broken_files: dict[str, Path]) -> None:
    result = run(str(DENIAL), str(broken_files["scan"]), "--format", "jsonl")
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    documents = [json.loads(line) for line in lines]
    assert [d["path"] for d in documents] == [str(DENIAL), str(broken_files["scan"])]
    for doc in documents:
        _check_document(doc)


def test_output_option_writes_the_report_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    result = run(str(DENIAL), "--format", "json", "-o", str(out))
    assert result.exit_code == EXIT_OK
    assert result.stdout == ""
    report = json.loads(out.read_text(encoding="utf-8"))
    assert [d["path"] for d in report["documents"]] == [str(DENIAL)]


def test_output_into_a_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    result = run(str(DENIAL), "-o", str(tmp_path / "no_such_dir" / "out.json"))
    assert result.exit_code == EXIT_USAGE
    assert isinstance(result.exception, SystemExit)
    assert "no_such_dir" in result.stderr


# -- paths ------------------------------------------------------------------------------


@pytest.fixture
def plans_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory with plans/, plans/2026/sbc.pdf and a file that is skipped."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "plans" / "2026").mkdir(parents=True)
    shutil.copy(DENIAL, tmp_path / "plans" / "denial.pdf")
    shutil.copy(SAMPLES / "sbc_northwind_silver_ppo.pdf", tmp_path / "plans" / "2026" / "sbc.pdf")
    shutil.copy(SAMPLES / "certificate_northwind_excerpt.txt",
                tmp_path / "plans" / "2026" / "certificate.txt")
    (tmp_path / "plans" / "rates.csv").write_text("a,b\n", encoding="utf-8")
    return tmp_path


def _paths(result: Result) -> list[str]:
    return [json.loads(line)["path"] for line in result.stdout.splitlines()]


def test_paths_are_reported_as_given(plans_dir: Path) -> None:
    absolute = str(plans_dir / "plans" / "denial.pdf")
    result = run("plans/2026/sbc.pdf", absolute, "--format", "jsonl")
    assert _paths(result) == ["plans/2026/sbc.pdf", absolute]


def test_dot_slash_path_is_reported_as_given(plans_dir: Path) -> None:
    assert _paths(run("./plans/denial.pdf", "--format", "jsonl")) == ["./plans/denial.pdf"]


def test_folder_argument_is_searched_recursively_for_scannable_files(plans_dir: Path) -> None:
    result = run("plans", "--format", "jsonl")
    assert result.exit_code == EXIT_OK
    assert sorted(_paths(result)) == ["plans/2026/certificate.txt", "plans/2026/sbc.pdf",
                                      "plans/denial.pdf"]


# -- the other commands -----------------------------------------------------------------


def test_rules_lists_every_rule(rules: RuleSet) -> None:
    result = run("rules")
    assert result.exit_code == EXIT_OK
    for rule in rules.rules:
        assert rule.id in result.stdout
    assert result.stdout.splitlines()[-1].startswith(f"{len(rules)} rules from ")


def test_rules_test_passes_on_the_built_in_rules() -> None:
    result = run("rules", "--test")
    assert result.exit_code == EXIT_OK, result.output
    assert "FAIL" not in result.stdout
    assert re.search(r"(\d+) of \1 rule examples pass", result.stdout)


def test_text_prints_only_the_page_asked_for() -> None:
    txt = SAMPLES / "certificate_northwind_excerpt.txt"
    pages = txt.read_text(encoding="utf-8").split("\f")
    result = run("text", str(txt), "--page", "2")
    assert result.exit_code == EXIT_OK
    assert "--- page 2 ---" in result.stdout
    assert "--- page 1 ---" not in result.stdout and "--- page 3 ---" not in result.stdout
    assert pages[1].strip() in result.stdout
    assert pages[0].strip()[:60] not in result.stdout


def test_text_prints_the_text_that_offsets_refer_to(all_samples_json: tuple[Result, Any]
                                                     ) -> None:
    # A real process: CliRunner folds the page text's "\r\n" into "\n".
    doc = next(d for d in all_samples_json[1]["documents"] if d["path"] == str(DENIAL))
    done = subprocess.run([sys.executable, "-m", "policyscan", "text", str(DENIAL), "--page", "1"],
                          capture_output=True, timeout=60, check=True)
    page_text = done.stdout.decode("utf-8").split("---\n", 1)[1]
    on_page = [f for f in doc["findings"] if f["page"] == 1]
    assert on_page
    for finding in on_page:
        assert page_text[finding["start"]:finding["end"]] == finding["quote"]


def test_eval_on_the_sample_policies_passes() -> None:
    result = run("eval", str(SAMPLES), "--gold", str(SAMPLES / "expected"),
                 "--min-recall", "0.9", "--min-facts", "0.9", "--max-traps", "0")
    assert result.exit_code == EXIT_OK, result.output
    assert result.stdout.splitlines()[-1].startswith("facts ")
    assert "FAIL" not in result.stdout


@pytest.fixture
def tampered_gold(tmp_path: Path) -> Path:
    """The sample gold with one passage that no document contains."""
    gold = tmp_path / "gold"
    shutil.copytree(SAMPLES / "expected", gold)
    path = gold / "denial_letter_microneedling.pdf.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("must_find:\n", "must_find:\n  - category: appeal_rights\n"
                                 "    page: 1\n    quote: \"a sentence no letter contains\"\n",
                                 1), encoding="utf-8")
    return gold


def test_eval_below_a_threshold_exits_1(tampered_gold: Path) -> None:
    result = run("eval", str(SAMPLES), "--gold", str(tampered_gold), "--min-recall", "1.0")
    assert result.exit_code == EXIT_FAILED_THRESHOLD
    assert "FAIL must_find recall" in result.stdout
    assert result.stdout.splitlines()[-1].startswith("facts ")


@pytest.mark.parametrize("option", [("--min-recall", "1.01"), ("--min-facts", "90"),
                                    ("--max-traps", "-1")], ids=lambda o: o[0])
def test_eval_rejects_an_impossible_threshold_as_a_usage_error(
        tmp_path: Path, option: tuple[str, str]) -> None:
    gold = tmp_path / "gold"
    gold.mkdir()
    shutil.copy(SAMPLES / "expected" / "denial_letter_microneedling.pdf.yaml", gold)
    result = run("eval", str(SAMPLES), "--gold", str(gold), *option)
    assert result.exit_code == EXIT_USAGE
    assert isinstance(result.exception, SystemExit)  # not a crash
    assert option[0].lstrip("-").replace("-", "_") in result.stderr.replace("-", "_")


# -- plain terminal output --------------------------------------------------------------


def test_no_color_output_is_plain_and_ends_with_the_disclaimer() -> None:
    result = run(str(DENIAL), str(SAMPLES / "sbc_northwind_silver_ppo.pdf"),
                 env={"NO_COLOR": "1"})
    assert result.exit_code == EXIT_OK
    assert "\x1b" not in result.stdout
    assert result.stdout.rstrip("\n").splitlines()[-1] == DISCLAIMER


# -- entry points -----------------------------------------------------------------------


def test_python_dash_m_version() -> None:
    done = subprocess.run([sys.executable, "-m", "policyscan", "--version"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"policyscan, version {policyscan.__version__}"


def test_python_api_scan_returns_a_document_report() -> None:
    report = policyscan.scan(SAMPLES / "certificate_northwind_excerpt.pdf")
    assert report.status == "ok"
    assert report.kind == "plan_document"
    assert report.facts.values["cosmetic_exclusion"] is True
    assert report.facts.appeal_deadline is not None
    assert (report.facts.appeal_deadline.value, report.facts.appeal_deadline.unit) == (180,
                                                                                       "days")
    assert report.findings and all(f.category in (*CATEGORIES, "code") for f in report.findings)


def test_python_api_scan_never_raises_for_a_bad_path(tmp_path: Path) -> None:
    report = policyscan.scan(tmp_path / "missing.pdf")
    assert report.status == "failed"
    assert report.error is not None
