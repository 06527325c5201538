"""Batch scanning as a user runs it: a folder through the installed ``policyscan`` command.

The issue's "done means" for batches: a folder of good and bad files reports every file
once, in input order, with the right status and exit code 3, and the good files' findings
are those of scanning them alone; a killed run finished with ``--resume`` equals an
uninterrupted one. Around them: duplicates, globs, symlink loops, unreadable files, the
per-file time limit and worker crashes (on ``WorkerPool`` directly, with a ``Scanner``
subclass: the pool forks, so the subclass reaches the workers), the result cache, CSV and
the compact terminal lines of a large batch.

CLI runs are fresh processes of the venv's ``policyscan`` with ``--no-cache`` or a
``--cache-dir`` in ``tmp_path``.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import multiprocessing as mp
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from pdfs import encrypt, image_only_pdf, text_pdf

import policyscan
from policyscan.models import FACT_CATEGORIES, DocumentReport
from policyscan.pool import WorkerPool
from policyscan.rules.loader import RuleSet
from policyscan.scanner import Scanner

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_policies"
SAMPLE_PDFS = sorted(SAMPLES.glob("*.pdf"))
NORTHWIND = SAMPLES / "sbc_northwind_silver_ppo.pdf"
DENIAL = SAMPLES / "denial_letter_microneedling.pdf"
EXE = Path(sys.executable).parent / "policyscan"
EXIT_OK, EXIT_INCOMPLETE = 0, 3


# -- helpers ----------------------------------------------------------------------------------


def cli(*args: str | Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``policyscan ARGS`` in a fresh process (the installed entry point)."""
    return subprocess.run([str(EXE), *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL, check=False)


def jsonl(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def unique_copy(src: Path, dst: Path, tag: str) -> Path:
    """A copy of a PDF with different bytes (a comment after %%EOF) and the same content."""
    dst.write_bytes(src.read_bytes() + f"\n% copy {tag}\n".encode())
    return dst


def text_file(path: Path, text: str = "Cosmetic surgery is not covered.\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def by_path(docs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {d["path"]: d for d in docs}


# -- a folder of good and bad files (the done-means) -------------------------------


@pytest.fixture(scope="module")
def mixed_folder(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Good plans (copies of the sample PDFs) and one of each kind of bad file."""
    folder = tmp_path_factory.mktemp("mixed")
    files: dict[str, Path] = {}
    for pdf in SAMPLE_PDFS:
        files[pdf.name] = shutil.copy(pdf, folder / pdf.name)
    data = NORTHWIND.read_bytes()
    files["truncated.pdf"] = folder / "truncated.pdf"
    files["truncated.pdf"].write_bytes(data[: int(len(data) * 0.4)])
    files["locked.pdf"] = encrypt(DENIAL, folder / "locked.pdf", "s3cret")
    files["notes.pdf"] = text_file(folder / "notes.pdf", "Just some notes, not a PDF.\n" * 20)
    files["scanned.pdf"] = image_only_pdf(folder / "scanned.pdf", pages=2)
    return {name: Path(p) for name, p in files.items()}


@pytest.fixture(scope="module")
def mixed_run(mixed_folder: dict[str, Path]) -> tuple[subprocess.CompletedProcess[str],
                                                      list[dict[str, Any]]]:
    folder = next(iter(mixed_folder.values())).parent
    result = cli(folder, "--jobs", "2", "--no-cache", "--format", "jsonl")
    return result, jsonl(result.stdout)


def test_every_file_of_a_mixed_folder_is_reported_once_in_input_order(
        mixed_folder: dict[str, Path], mixed_run: tuple[Any, list[dict[str, Any]]]) -> None:
    result, docs = mixed_run
    assert result.returncode == EXIT_INCOMPLETE, result.stderr
    assert [d["path"] for d in docs] == [str(mixed_folder[name])
                                          for name in sorted(mixed_folder)]


@pytest.mark.parametrize(("name", "status", "error_type", "words"), [
    ("truncated.pdf", "failed", "corrupt", "damaged or truncated"),
    ("locked.pdf", "failed", "encrypted", "--password"),
    ("notes.pdf", "failed", "not_a_pdf", "not a PDF"),
    ("scanned.pdf", "needs_ocr", "unreadable", "OCR"),
])
def test_bad_files_get_their_status_and_error(
        mixed_folder: dict[str, Path], mixed_run: tuple[Any, list[dict[str, Any]]],
        name: str, status: str, error_type: str, words: str) -> None:
    doc = by_path(mixed_run[1])[str(mixed_folder[name])]
    assert (doc["status"], doc["error"]["type"]) == (status, error_type)
    assert words in doc["error"]["message"]
    assert doc["findings"] == []


@pytest.mark.parametrize("name", [p.name for p in SAMPLE_PDFS])
def test_good_plans_in_a_bad_batch_match_scanning_them_alone(
        mixed_folder: dict[str, Path], mixed_run: tuple[Any, list[dict[str, Any]]],
        name: str) -> None:
    path = str(mixed_folder[name])
    doc = by_path(mixed_run[1])[path]
    assert doc["status"] == "ok"
    assert doc["findings"], "a sample policy without findings proves nothing"
    assert doc == policyscan.scan(path).to_dict()


# -- duplicates, globs, loops, unreadable files ------------------------------------------------


def test_identical_files_are_scanned_once_and_all_reported(tmp_path: Path) -> None:
    for name in ("a.pdf", "b.pdf", "c.pdf"):
        shutil.copy(DENIAL, tmp_path / name)
    text_file(tmp_path / "other.txt")
    result = cli(tmp_path, "--jobs", "2", "--no-cache", "--format", "jsonl")
    assert result.returncode == EXIT_OK, result.stderr
    docs = jsonl(result.stdout)
    paths = [str(tmp_path / n) for n in ("a.pdf", "b.pdf", "c.pdf", "other.txt")]
    assert [d["path"] for d in docs] == paths
    first = docs[0]
    assert "duplicate_of" not in first and first["findings"]
    for copy in docs[1:3]:
        assert copy["duplicate_of"] == paths[0]
        assert {**copy, "path": paths[0]} == {**first, "duplicate_of": paths[0]}
    assert "duplicate_of" not in docs[3]


@pytest.fixture
def glob_folder(tmp_path: Path) -> Path:
    for rel in ("plan_a.txt", "plan_b.md", "draft_x.txt", "sub/plan_c.txt", "sub/old/plan_d.txt",
                "readme.rst"):
        text_file(tmp_path / rel)
    return tmp_path


# Input order is a sorted walk: a folder's files, then its subfolders.
@pytest.mark.parametrize(("args", "expected"), [
    ((), ["draft_x.txt", "plan_a.txt", "plan_b.md", "sub/plan_c.txt", "sub/old/plan_d.txt"]),
    (("--include", "plan_*"), ["plan_a.txt", "plan_b.md", "sub/plan_c.txt",
                               "sub/old/plan_d.txt"]),
    (("--include", "*.md"), ["plan_b.md"]),
    (("--exclude", "sub/*"), ["draft_x.txt", "plan_a.txt", "plan_b.md"]),
    (("--exclude", "draft_*", "--exclude", "*.md"), ["plan_a.txt", "sub/plan_c.txt",
                                                      "sub/old/plan_d.txt"]),
    (("--include", "plan_*", "--exclude", "sub/old/*"), ["plan_a.txt", "plan_b.md",
                                                          "sub/plan_c.txt"]),
], ids=["default", "include", "include-md", "exclude-dir", "exclude-two",
        "include-and-exclude"])
def test_include_and_exclude_globs(glob_folder: Path, args: tuple[str, ...],
                                   expected: list[str]) -> None:
    result = cli(glob_folder, *args, "--jobs", "2", "--no-cache", "--format", "jsonl")
    assert result.returncode == EXIT_OK, result.stderr
    assert [d["path"] for d in jsonl(result.stdout)] == [
        os.path.join(str(glob_folder), rel) for rel in expected]


def test_a_symlink_loop_is_reported_not_fatal(tmp_path: Path) -> None:
    text_file(tmp_path / "a.txt")
    text_file(tmp_path / "sub" / "b.txt")
    os.symlink(tmp_path, tmp_path / "sub" / "loop")  # sub/loop -> the folder itself
    result = cli(tmp_path, "--jobs", "2", "--no-cache", "--format", "jsonl", timeout=60)
    assert result.returncode == EXIT_INCOMPLETE, result.stderr
    docs = jsonl(result.stdout)
    loops = [d for d in docs if d["path"] == str(tmp_path / "sub" / "loop")]
    assert len(loops) == 1
    assert (loops[0]["status"], loops[0]["error"]["type"]) == ("failed", "unreadable")
    assert "symlink loop" in loops[0]["error"]["message"]
    scanned = [d["path"] for d in docs if d["status"] == "ok"]
    assert scanned == [str(tmp_path / "a.txt"), str(tmp_path / "sub" / "b.txt")]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a chmod 000 file anyway")
def test_a_file_without_read_permission_is_reported(tmp_path: Path) -> None:
    text_file(tmp_path / "a.txt")
    locked = shutil.copy(DENIAL, tmp_path / "b.pdf")
    os.chmod(locked, 0)
    try:
        result = cli(tmp_path, "--jobs", "2", "--no-cache", "--format", "jsonl")
    finally:
        os.chmod(locked, 0o644)
    assert result.returncode == EXIT_INCOMPLETE, result.stderr
    docs = by_path(jsonl(result.stdout))
    doc = docs[str(tmp_path / "b.pdf")]
    assert (doc["status"], doc["error"]["type"]) == ("failed", "unreadable")
    assert "permission denied" in doc["error"]["message"]
    assert docs[str(tmp_path / "a.txt")]["status"] == "ok"


def test_a_dangling_symlink_is_reported_as_unreadable(tmp_path: Path) -> None:
    """Unreadable for root too (the chmod test above is skipped as root)."""
    text_file(tmp_path / "a.txt")
    os.symlink(tmp_path / "gone.pdf", tmp_path / "b.pdf")
    result = cli(tmp_path, "--jobs", "2", "--no-cache", "--format", "jsonl")
    assert result.returncode == EXIT_INCOMPLETE, result.stderr
    docs = jsonl(result.stdout)
    assert [d["path"] for d in docs] == [str(tmp_path / "a.txt"), str(tmp_path / "b.pdf")]
    assert docs[0]["status"] == "ok"
    assert (docs[1]["status"], docs[1]["error"]["type"]) == ("failed", "unreadable")


def test_a_fifo_named_pdf_does_not_hang_the_batch(tmp_path: Path) -> None:
    text_file(tmp_path / "a.txt")
    os.mkfifo(tmp_path / "b.pdf")
    try:
        result = cli(tmp_path, "--jobs", "2", "--no-cache", "--format", "jsonl", timeout=8)
    except subprocess.TimeoutExpired:
        pytest.fail("policyscan hung on a FIFO named b.pdf")
    docs = jsonl(result.stdout)
    assert [d["path"] for d in docs] == [str(tmp_path / "a.txt"), str(tmp_path / "b.pdf")]
    assert docs[1]["status"] == "failed"


# -- the worker pool: time limit and crashes -------------------------------------------------


class TroubleScanner(Scanner):
    """Sleeps on a path containing "slow", dies on one containing "crash"; on "hangup" it
    closes its pipe to the parent and lingers a moment before dying (a crash as the parent
    sees it when the child's files are closed before the child is reaped)."""

    def scan(self, path: str | Path) -> DocumentReport:
        name = Path(path).name  # not the whole path: tmp_path is named after the test
        if "slow" in name:
            time.sleep(60)
        if "crash" in name:
            os._exit(1)
        if "hangup" in name:
            os.closerange(3, 4096)
            time.sleep(3)
            os._exit(1)
        return super().scan(path)


@pytest.fixture(scope="module")
def trouble_scanner(rules: RuleSet) -> TroubleScanner:
    scanner = TroubleScanner(rules)
    scanner.matchers  # noqa: B018  (built before forking, as the engine does)
    return scanner


def pool_run(scanner: Scanner, paths: list[Path], jobs: int,
             timeout: float | None) -> tuple[dict[int, DocumentReport], float]:
    start = time.monotonic()
    reports = dict(WorkerPool(scanner, jobs, timeout).run(
        [(i, str(p)) for i, p in enumerate(paths)]))
    elapsed = time.monotonic() - start
    assert sorted(reports) == list(range(len(paths)))  # every task answered once
    assert mp.active_children() == []  # no worker left behind (the stuck one was killed)
    return reports, elapsed


def test_a_file_over_the_time_limit_is_stopped_and_the_others_finish(
        tmp_path: Path, trouble_scanner: TroubleScanner) -> None:
    paths = [text_file(tmp_path / n) for n in ("a.txt", "slow.txt", "b.txt", "c.txt", "d.txt")]
    reports, elapsed = pool_run(trouble_scanner, paths, jobs=2, timeout=1.0)
    slow = reports[1]
    assert (slow.status, slow.error and slow.error.type) == ("timeout", "timeout")
    assert slow.path == str(paths[1])
    assert "--timeout" in (slow.error.message if slow.error else "")
    assert [reports[i].status for i in (0, 2, 3, 4)] == ["ok"] * 4
    assert all(reports[i].findings for i in (0, 2, 3, 4))
    assert elapsed < 20


def test_the_worker_replacing_a_stopped_one_keeps_working(
        tmp_path: Path, trouble_scanner: TroubleScanner) -> None:
    # One worker: everything after the slow file is scanned by its replacement.
    paths = [text_file(tmp_path / n) for n in ("slow.txt", "a.txt", "slow2.txt", "b.txt")]
    reports, _ = pool_run(trouble_scanner, paths, jobs=1, timeout=1.0)
    assert [reports[i].status for i in range(4)] == ["timeout", "ok", "timeout", "ok"]
    assert reports[3].findings == reports[1].findings


def test_a_crashing_worker_fails_its_file_only(tmp_path: Path,
                                               trouble_scanner: TroubleScanner) -> None:
    paths = [text_file(tmp_path / n) for n in ("crash.txt", "a.txt", "crash2.txt", "b.txt")]
    reports, _ = pool_run(trouble_scanner, paths, jobs=1, timeout=None)
    for i in (0, 2):
        report = reports[i]
        assert (report.status, report.error and report.error.type) == ("failed", "corrupt")
        message = report.error.message if report.error else ""
        assert "crashed" in message and str(paths[i]) in message
        # "(exit code 1)": the worker is reaped before its exit code is read.
        assert re.search(r"\(exit code (1|None)\)", message), message
    assert [reports[i].status for i in (1, 3)] == ["ok", "ok"]


def test_a_crash_message_gives_the_real_exit_code(tmp_path: Path,
                                                  trouble_scanner: TroubleScanner) -> None:
    paths = [text_file(tmp_path / "hangup.txt"), text_file(tmp_path / "a.txt")]
    reports, _ = pool_run(trouble_scanner, paths, jobs=1, timeout=None)
    assert reports[0].status == "failed" and reports[1].status == "ok"
    message = reports[0].error.message if reports[0].error else ""
    assert "crashed" in message
    assert "exit code None" not in message, message


def test_no_time_limit_when_timeout_is_zero(tmp_path: Path) -> None:
    """--timeout 0 on one file: the in-process path, nothing forked."""
    result = cli(text_file(tmp_path / "a.txt"), "--timeout", "0", "--format", "jsonl",
                 "--no-cache")
    assert result.returncode == EXIT_OK
    assert jsonl(result.stdout)[0]["status"] == "ok"


# -- the result cache ----------------------------------------------------------------------


EXTRA_RULE = """\
rules:
  - id: custom.widget
    title: Widget approval
    category: prior_authorization
    phrases: [widget approval]
    score: 0.8
    source: a test
    examples:
      match: ["You need widget approval before the visit."]
      no_match: ["Widgets are nice."]
"""


def test_a_second_run_is_served_from_the_cache_and_new_rules_miss_it(tmp_path: Path) -> None:
    folder = tmp_path / "plans"
    folder.mkdir()
    for pdf in SAMPLE_PDFS:
        shutil.copy(pdf, folder / pdf.name)
    image_only_pdf(folder / "scanned.pdf")  # needs_ocr results are cached too
    cache = tmp_path / "cache"
    args = (folder, "--jobs", "2", "--cache-dir", cache, "--format", "json")

    first = cli(*args)
    second = cli(*args)
    assert first.returncode == second.returncode == EXIT_INCOMPLETE, second.stderr
    one, two = json.loads(first.stdout), json.loads(second.stdout)
    files = len(SAMPLE_PDFS) + 1
    assert one["summary"]["cache_hits"] == 0
    assert two["summary"]["cache_hits"] == files
    assert two["documents"] == one["documents"]
    assert len(two["documents"]) == files

    patterns = tmp_path / "my_rules"
    patterns.mkdir()
    (patterns / "custom.yaml").write_text(EXTRA_RULE, encoding="utf-8")
    third = json.loads(cli(*args, "--patterns", patterns).stdout)
    assert third["summary"]["cache_hits"] == 0
    assert third["patterns"]["sha256"] != one["patterns"]["sha256"]


def test_no_cache_neither_reads_nor_writes(tmp_path: Path) -> None:
    text_file(tmp_path / "in" / "a.txt")
    text_file(tmp_path / "in" / "b.txt", "Prior authorization is required.\n")
    cache = tmp_path / "cache"
    result = cli(tmp_path / "in", "--no-cache", "--cache-dir", cache, "--format", "json")
    assert result.returncode == EXIT_OK, result.stderr
    assert "cache_hits" not in json.loads(result.stdout)["summary"]
    assert not cache.exists() or not any(cache.rglob("*.json"))


# -- resuming an interrupted run -------------------------------------------------------------


@pytest.fixture(scope="module")
def resume_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Eight documents: the four sample PDFs, two small PDFs and two text files."""
    folder = tmp_path_factory.mktemp("resume")
    for pdf in SAMPLE_PDFS:
        shutil.copy(pdf, folder / pdf.name)
    for i in range(4):
        lines = (f"Note {i}. Cosmetic surgery is not covered.\nAppeals must be filed within "
                 f"{30 * (i + 1)} days of the denial.")
        if i % 2:
            text_file(folder / f"note_{i}.txt", lines + "\n")
        else:
            text_pdf(folder / f"note_{i}.pdf", [lines, "Prior authorization is required."])
    return folder


@pytest.fixture(scope="module")
def resume_reference(resume_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    out = tmp_path_factory.mktemp("reference") / "full.jsonl"
    result = cli(resume_folder, "--jobs", "2", "--no-cache", "--format", "jsonl", "-o", out)
    assert result.returncode == EXIT_OK, result.stderr
    return out.read_bytes()


@pytest.mark.parametrize("complete", [0, 1, 5, 7])
def test_resume_after_a_cut_mid_line_equals_an_uninterrupted_run(
        tmp_path: Path, resume_folder: Path, resume_reference: bytes, complete: int) -> None:
    lines = resume_reference.splitlines(keepends=True)
    assert len(lines) == 8
    out = tmp_path / "out.jsonl"
    cut = lines[complete]
    out.write_bytes(b"".join(lines[:complete]) + cut[: len(cut) // 2])
    result = cli(resume_folder, "--jobs", "2", "--no-cache", "--format", "jsonl", "-o", out,
                 "--resume")
    assert result.returncode == EXIT_OK, result.stderr
    assert out.read_bytes() == resume_reference


def test_resume_of_a_finished_run_changes_nothing(tmp_path: Path, resume_folder: Path,
                                                  resume_reference: bytes) -> None:
    out = tmp_path / "out.jsonl"
    out.write_bytes(resume_reference)
    result = cli(resume_folder, "--format", "jsonl", "-o", out, "--resume", "--no-cache")
    assert result.returncode == EXIT_OK, result.stderr
    assert out.read_bytes() == resume_reference


def test_resume_keeps_duplicates_marked(tmp_path: Path) -> None:
    folder = tmp_path / "plans"
    folder.mkdir()
    shutil.copy(DENIAL, folder / "a.pdf")
    shutil.copy(DENIAL, folder / "b.pdf")
    full = tmp_path / "full.jsonl"
    assert cli(folder, "--no-cache", "--format", "jsonl", "-o", full).returncode == EXIT_OK
    lines = full.read_bytes().splitlines(keepends=True)
    assert b'"duplicate_of"' in lines[1]
    out = tmp_path / "out.jsonl"
    out.write_bytes(lines[0])  # killed after the first file
    result = cli(folder, "--no-cache", "--format", "jsonl", "-o", out, "--resume")
    assert result.returncode == EXIT_OK, result.stderr
    assert out.read_bytes() == full.read_bytes()


def test_killing_a_run_and_resuming_gives_the_uninterrupted_output(tmp_path: Path) -> None:
    folder = tmp_path / "plans"
    folder.mkdir()
    count = 40
    for i in range(count):  # the SBC is the slowest sample: ~2 s of work for two workers
        unique_copy(NORTHWIND, folder / f"plan_{i:02d}.pdf", str(i))
    reference = tmp_path / "reference.jsonl"
    result = cli(folder, "--jobs", "2", "--no-cache", "--format", "jsonl", "-o", reference)
    assert result.returncode == EXIT_OK, result.stderr

    out, cache = tmp_path / "out.jsonl", tmp_path / "cache"
    argv = [str(EXE), str(folder), "--jobs", "2", "--cache-dir", str(cache), "--format",
            "jsonl", "-o", str(out)]
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if out.exists() and out.read_bytes().count(b"\n") >= 3:
                break
            time.sleep(0.01)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # the parent and its workers
        proc.wait(timeout=30)
    written = out.read_bytes().count(b"\n")
    assert proc.returncode == -signal.SIGKILL, "the run ended before it could be killed"
    assert 3 <= written < count

    result = cli(folder, "--jobs", "2", "--cache-dir", cache, "--format", "jsonl", "-o", out,
                 "--resume")
    assert result.returncode == EXIT_OK, result.stderr
    assert out.read_bytes() == reference.read_bytes()


def test_resume_needs_jsonl_and_an_output_file(tmp_path: Path) -> None:
    path = text_file(tmp_path / "a.txt")
    for args in (("--resume", "--format", "jsonl"),
                 ("--resume", "--format", "json", "-o", tmp_path / "o.json")):
        result = cli(path, *args)
        assert result.returncode == 2
        assert "--resume needs --format jsonl and -o FILE" in result.stderr


# -- CSV and the terminal ------------------------------------------------------------------


def test_csv_has_one_row_per_document_with_the_facts(mixed_folder: dict[str, Path]) -> None:
    folder = next(iter(mixed_folder.values())).parent
    result = cli(folder, "--jobs", "2", "--no-cache", "--format", "csv")
    assert result.returncode == EXIT_INCOMPLETE, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["path"] for r in rows] == [str(mixed_folder[n]) for n in sorted(mixed_folder)]
    assert set(FACT_CATEGORIES) <= set(rows[0])
    # A false fact is "not stated", never a bare "no" (which reads as "not covered").
    answer = {True: "stated", False: "not stated", None: "unclear"}
    for row in rows:
        if row["status"] != "ok":
            assert all(row[c] == "" for c in FACT_CATEGORIES)
            assert row["error"] and row["findings"] == "0"
            continue
        facts = policyscan.scan(row["path"]).to_dict()["facts"]
        assert {c: row[c] for c in FACT_CATEGORIES} == {c: answer[facts[c]]
                                                       for c in FACT_CATEGORIES}
        deadline = facts["appeal_deadline"]
        assert row["appeal_deadline"] == (f"{deadline['value']} "
                                          f"{deadline['unit'].replace('_', ' ')}"
                                          if deadline else "not stated")


def test_a_terminal_batch_of_seven_prints_one_line_each_and_the_summary(
        mixed_folder: dict[str, Path]) -> None:
    names = sorted(mixed_folder)[:7]
    paths = [str(mixed_folder[n]) for n in names]
    result = cli(*paths, "--jobs", "2", "--no-cache", "--no-color")
    assert result.returncode == EXIT_INCOMPLETE, result.stderr
    out = result.stdout
    lines = [ln for ln in out.splitlines() if re.match(r"\[\s*\d+/7\] ", ln)]
    assert len(lines) == 7, out
    for k, (line, path) in enumerate(zip(lines, paths, strict=True), start=1):
        assert line.startswith(f"[{k}/7] {path}"), line
    assert "Summary" in out
    assert re.search(r"^7 documents · \d+ ok", out, re.M), out
    # Compact lines, not the full per-document report.
    assert "Prior authorization required for" not in out
