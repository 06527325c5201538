"""Issue 12, "nothing lost, nothing injected": one test per fault the issue found, each
reproducing it as a hostile user or a failing machine would, plus faults of the same
families it did not list. Commands run as real processes (a traceback, a leftover
temporary file or an orphaned worker would show there and not under CliRunner).

Every text is written here; nothing comes from the corpus.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from policyscan.cache import ReportCache
from policyscan.engine import BatchOptions, run_batch
from policyscan.models import DocumentReport, Facts, PlanInfo, ScanReport
from policyscan.pool import WorkerPool
from policyscan.report import make_formatter
from policyscan.rules.loader import RuleSet
from policyscan.scanner import Scanner, ScanOptions

ROOT = Path(__file__).resolve().parents[1]
EXE = Path(sys.executable).parent / "policyscan"
SAMPLES = ROOT / "sample_policies"
PLAN_TEXT = ("Cosmetic surgery is not covered by this plan.\n"
             "You may appeal a denial within 180 days of the notice.\n")
ESC = "\x1b"
# Clear the screen, retitle the window, erase the line above: what a hostile text tries.
ATTACK = f"{ESC}[2J{ESC}]0;pwned\x07{ESC}[1A{ESC}[2K\x9b31m"


def run(*args: str | Path, cwd: Path | None = None, timeout: float = 240,
        preexec: Any = None) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run([str(EXE), *map(os.fsencode, map(str, args))], cwd=cwd,
                          capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL,
                          check=False, env=env, preexec_fn=preexec)


def no_traceback(proc: subprocess.CompletedProcess[bytes]) -> None:
    assert b"Traceback" not in proc.stderr, proc.stderr.decode(errors="replace")


def text_file(path: Path | bytes, text: str = PLAN_TEXT) -> Path | bytes:
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


# -- outputs never overwrite inputs -----------------------------------------------------


def test_o_onto_the_input_pdf_is_refused_and_the_pdf_kept(tmp_path: Path) -> None:
    plan = tmp_path / "plan.pdf"
    shutil.copy(SAMPLES / "denial_letter_microneedling.pdf", plan)
    before = plan.read_bytes()
    proc = run(plan, "-o", plan, "--format", "json")
    no_traceback(proc)
    assert proc.returncode == 2
    assert b"is one of the files being scanned" in proc.stderr
    assert plan.read_bytes() == before


@pytest.mark.parametrize("how", ["same name", "dot slash", "hard link", "symlink"])
def test_o_onto_a_file_of_the_folder_scanned_is_refused(tmp_path: Path, how: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    notes = text_file(folder / "notes.txt")
    text_file(folder / "other.txt")
    assert isinstance(notes, Path)
    target = {"same name": notes, "dot slash": Path("in/./notes.txt"),
              "hard link": tmp_path / "link.txt", "symlink": tmp_path / "sym.txt"}[how]
    if how == "hard link":
        os.link(notes, target)
    if how == "symlink":
        target.symlink_to(notes)
    proc = run("in", "-o", target, "--format", "csv", cwd=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 2, proc.stdout
    assert notes.read_text(encoding="utf-8") == PLAN_TEXT


def test_a_failed_run_leaves_the_old_report_and_no_temporary_file(tmp_path: Path) -> None:
    # A full output disk: the file size limit stands in for it (EFBIG, like ENOSPC).
    text_file(tmp_path / "plan.txt", PLAN_TEXT * 300)
    out = tmp_path / "report.json"
    out.write_text("the previous report", encoding="utf-8")

    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    proc = run(tmp_path / "plan.txt", "--format", "json", "-o", out, "--no-cache",
               preexec=small_disk)
    no_traceback(proc)
    assert proc.returncode == 2
    assert b"cannot write the report to" in proc.stderr
    assert out.read_text(encoding="utf-8") == "the previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.txt", "report.json"]


def test_a_full_cache_disk_leaves_no_temporary_file(tmp_path: Path) -> None:
    text_file(tmp_path / "plan.txt", PLAN_TEXT * 300)
    cache = tmp_path / "cache"

    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))

    proc = run(tmp_path / "plan.txt", "--format", "csv", "--cache-dir", cache,
               preexec=small_disk)
    no_traceback(proc)
    assert proc.returncode == 0
    assert [p for p in cache.rglob("*") if p.is_file()] == []


# -- any file name, inert text in every format -------------------------------------------


# grid-csv has a row per SBC grid row only (a text file has none): its cells are tested
# with a grid below.
FORMATS = ["terminal", "json", "jsonl", "csv", "markdown", "html"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_file_name_that_is_not_utf8_is_scanned_and_shown_escaped(tmp_path: Path,
                                                                   fmt: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    text_file(os.fsencode(folder) + b"/plan\xff\xfe.txt")
    text_file(folder / "zzz_after.txt")  # a later file is not lost
    proc = run(folder, "--format", fmt, "--no-cache")
    no_traceback(proc)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.decode("utf-8")  # valid UTF-8 throughout
    if fmt in ("json", "jsonl"):
        out = json.dumps([json.loads(line) for line in out.splitlines()] if fmt == "jsonl"
                         else json.loads(out), ensure_ascii=False).replace("\\\\", "\\")
    if fmt != "html":
        out = "".join(out.split())  # the terminal report may wrap a long path
        assert "plan\\xff\\xfe.txt" in out
        assert "zzz_after.txt" in out


def test_resume_after_a_name_that_is_not_utf8_does_not_rescan_it(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    text_file(os.fsencode(folder) + b"/a\xff.txt")
    text_file(folder / "b.txt", PLAN_TEXT + "Prior authorization is required.\n")
    out = tmp_path / "out.jsonl"
    first = run(folder, "--format", "jsonl", "-o", out, "--no-cache")
    assert first.returncode == 0, first.stderr
    lines = out.read_bytes().splitlines(keepends=True)
    out.write_bytes(lines[0])  # as if killed after the first document
    again = run(folder, "--format", "jsonl", "-o", out, "--resume", "--no-cache")
    no_traceback(again)
    assert again.returncode == 0
    assert out.read_bytes().splitlines(keepends=True) == lines


@pytest.mark.parametrize("fmt", FORMATS)
def test_escape_sequences_in_text_and_names_reach_no_output(tmp_path: Path, fmt: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    text_file(folder / f"plan{ESC}[2J.txt",
              f"Summary of coverage{ATTACK}\nCosmetic surgery{ATTACK} is not covered.\n"
              f"You may appeal{ESC}]0;x\x07 a denial within 180 days.\n")
    proc = run(folder, "--format", fmt, "--no-color", "--no-cache", "-v")
    no_traceback(proc)
    assert proc.returncode == 0
    for stream in (proc.stdout, proc.stderr):
        assert b"\x1b" not in stream and b"\x07" not in stream
        assert "\x9b" not in stream.decode("utf-8")
    out = proc.stdout.decode("utf-8")
    if fmt in ("json", "jsonl"):
        out = out.replace("\\\\", "\\")
    if fmt != "html":  # (the terminal report may wrap a long path)
        assert "plan\\x1b[2J.txt" in "".join(out.split())


def test_the_appeal_kit_carries_no_escape_sequence(tmp_path: Path) -> None:
    plan = text_file(tmp_path / "plan.txt",
                     f"Cosmetic surgery{ATTACK} is not covered.\n"
                     f"You may appeal{ATTACK} a denial within 180 days of the notice.\n")
    proc = run("appeal-kit", plan, "--procedure", "rhinoplasty", "--denied-on",
               "2026-01-05")
    no_traceback(proc)
    assert proc.returncode == 0, proc.stderr
    assert b"\x1b" not in proc.stdout and b"\x07" not in proc.stdout


def test_inert_escapes_every_string_of_a_report() -> None:
    from policyscan.report.safe import inert, safe_name

    doc = DocumentReport(path=f"a\udcff{ESC}\nb.pdf", sha256=None, status="ok", error=None,
                         kind="other", pages=1, plan=PlanInfo(name=f"Plan{ESC}[2J"),
                         facts=Facts.unknown(), findings=(), warnings=(f"w{ESC}",))
    safe = inert(doc)
    assert safe.path == "a\\xff\\x1b\\x0ab.pdf"
    assert safe.plan.name == "Plan\\x1b[2J"
    assert safe.warnings == ("w\\x1b",)
    assert safe_name("line\r\nend") == "line\\x0d\\x0aend"


@pytest.mark.parametrize("value", ["=HYPERLINK(\"http://x\",\"y\")", "+1+2", "-2+3",
                                   "@SUM(A1)", "\t=1", "\r=1"])
def test_csv_cells_never_start_a_formula(value: str) -> None:
    from policyscan.report.safe import csv_cell

    assert csv_cell(value) == "'" + value
    assert csv_cell("Bronze plan") == "Bronze plan" and csv_cell(3) == 3


def test_formula_injection_in_csv_from_a_file_name(tmp_path: Path) -> None:
    text_file(tmp_path / "=HYPERLINK(1).txt")
    text_file(tmp_path / "@SUM(1).txt")
    proc = run("=HYPERLINK(1).txt", "@SUM(1).txt", "--format", "csv", "--no-cache",
               cwd=tmp_path)
    assert proc.returncode == 0
    cells = [c for line in proc.stdout.decode().splitlines()[1:] for c in line.split(",")]
    assert not [c for c in cells if c.lstrip('"').startswith(("=", "+", "-", "@"))], cells


def test_formula_injection_in_csv_from_a_plan_name() -> None:
    import io

    doc = DocumentReport(path="p.pdf", sha256=None, status="ok", error=None, kind="sbc",
                         pages=1, plan=PlanInfo(name="=HYPERLINK(\"http://x\")",
                                                issuer="+cmd|' /C calc'!A0"),
                         facts=Facts.unknown(), findings=())
    stream = io.StringIO()
    formatter = make_formatter("csv", stream)
    formatter.end(ScanReport((doc,), _patterns(), "0", "now"))
    row = stream.getvalue().splitlines()[1]
    assert "'=HYPERLINK" in row and "'+cmd" in row


def test_formula_injection_in_grid_csv_from_an_sbc_row() -> None:
    import io

    from policyscan.models import GridRowInfo, SbcInfo

    row = GridRowInfo(page=2, event="=1+1", service="@SUM(A1)", in_network="-10+20",
                      out_of_network="+cmd", limitations="\t=2", prior_authorization=True,
                      penalty=None)
    doc = DocumentReport(path="=p.pdf", sha256=None, status="ok", error=None, kind="sbc",
                         pages=2, plan=PlanInfo(name="=HYPERLINK(\"http://x\")"),
                         facts=Facts.unknown(), findings=(),
                         sbc=SbcInfo({}, (row,), (), (), ()))
    stream = io.StringIO()
    make_formatter("grid-csv", stream).end(ScanReport((doc,), _patterns(), "0", "now"))
    import csv

    (cells,) = list(csv.reader(io.StringIO(stream.getvalue())))[1:]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t"))], cells


def _patterns() -> Any:
    from policyscan.models import PatternSetInfo

    return PatternSetInfo(0, "")


# -- annotated copies ---------------------------------------------------------------------


def test_annotated_names_come_from_the_whole_input_list() -> None:
    from policyscan.report.annotate import plan_names

    names = plan_names(["a/plan.pdf", "b/plan.pdf", "c/other.pdf"])
    assert names == {"a/plan.pdf": "a_plan.annotated.pdf", "b/plan.pdf": "b_plan.annotated.pdf",
                     "c/other.pdf": "other.annotated.pdf"}
    # The same whatever was already done: a resumed run names b's copy as the first did.
    assert plan_names(["a/plan.pdf", "b/plan.pdf", "c/other.pdf"])["b/plan.pdf"] == \
        "b_plan.annotated.pdf"


def test_resume_with_annotate_dir_keeps_each_copy_under_its_own_name(tmp_path: Path) -> None:
    for sub, sample in (("a", "denial_letter_microneedling.pdf"),
                        ("b", "certificate_northwind_excerpt.pdf")):
        (tmp_path / "in" / sub).mkdir(parents=True)
        shutil.copy(SAMPLES / sample, tmp_path / "in" / sub / "plan.pdf")
    out, marked = tmp_path / "out.jsonl", tmp_path / "marked"
    first = run("in", "--format", "jsonl", "-o", out, "--annotate-dir", marked, "-q",
                cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    copies = {p.name: p.read_bytes() for p in marked.iterdir()}
    # Named from their paths below the folder both are in ("in/a/plan.pdf" → "a_plan").
    assert sorted(copies) == ["a_plan.annotated.pdf", "b_plan.annotated.pdf"]
    lines = out.read_bytes().splitlines(keepends=True)
    out.write_bytes(lines[0])
    shutil.rmtree(marked)
    again = run("in", "--format", "jsonl", "-o", out, "--annotate-dir", marked, "--resume",
                "-q", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert [p.name for p in marked.iterdir()] == ["b_plan.annotated.pdf"]


# -- workers end with their parent ----------------------------------------------------------


def _children(pid: int) -> set[int]:
    out: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        with open(task / "children") as f:
            out.update(int(c) for c in f.read().split())
    return out


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_killing_only_the_parent_ends_its_workers(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(12):
        text_file(folder / f"plan{i:02}.txt", PLAN_TEXT * 20000 + f"{i}\n")
    proc = subprocess.Popen([str(EXE), str(folder), "-j", "2", "--format", "jsonl", "-o",
                             str(tmp_path / "out.jsonl"), "--no-cache", "-q"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while len(workers) < 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.1)
        workers = _children(proc.pid)
    assert len(workers) >= 2, "the run ended before its workers could be seen"
    proc.send_signal(signal.SIGKILL)  # the parent only, not its process group
    proc.wait()
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    orphans = [w for w in workers if _alive(w)]
    for w in orphans:  # never leave them running when the test fails
        os.kill(w, signal.SIGKILL)
    assert not orphans


# -- rule files that load but break scans ----------------------------------------------------


BAD_PATTERN_RULE = """\
rules:
  - id: custom.widget
    title: Widget approval
    category: prior_authorization
    patterns: [[{LOWER: widget, OP: "!!"}]]
    score: 0.8
    source: a test
    examples:
      match: ["You need widget approval."]
      no_match: ["Widgets are nice."]
"""


@pytest.mark.parametrize("pattern, words", [
    ('[{LOWER: widget, OP: "!!"}]', "not a valid spaCy token pattern"),
    ('[{LOWER: {REGEX: "(unclosed"}}]', "REGEX that does not compile"),
])
def test_a_bad_token_pattern_is_a_rule_file_error_not_a_corrupt_document(
        tmp_path: Path, pattern: str, words: str) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "custom.yaml").write_text(
        BAD_PATTERN_RULE.replace('[{LOWER: widget, OP: "!!"}]', pattern), encoding="utf-8")
    plan = text_file(tmp_path / "plan.txt")
    scan = run(plan, "--patterns", bad, "--format", "json")
    no_traceback(scan)
    assert scan.returncode == 2
    assert b"custom.yaml" in scan.stderr and b"custom.widget" in scan.stderr
    assert words.encode() in scan.stderr
    test = run("rules", "--test", "--patterns", bad)
    no_traceback(test)
    assert test.returncode == 2 and b"custom.widget" in test.stderr


def test_a_catastrophic_regex_cannot_hang_a_single_file_scan(tmp_path: Path) -> None:
    rules = tmp_path / "slow"
    rules.mkdir()
    (rules / "custom.yaml").write_text(BAD_PATTERN_RULE.replace(
        '[{LOWER: widget, OP: "!!"}]', '[{TEXT: {REGEX: "^(a+)+$"}}]'), encoding="utf-8")
    # A token of a's that does not end in "a": ^(a+)+$ backtracks 2^40 ways before failing.
    plan = text_file(tmp_path / "plan.txt", "Widget " + "a" * 40 + "b is a word here.\n")
    # No --timeout: the default limit (shortened here to 3 s) applies to one file too.
    script = ("import sys, policyscan.cli as cli\n"
              "cli.DEFAULT_TIMEOUT = 3.0\n"
              "sys.argv[0] = 'policyscan'\n"
              "cli.main()\n")
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", script, str(plan), "--patterns", str(rules),
                           "--format", "json", "--no-cache"], capture_output=True,
                          timeout=120, check=False, stdin=subprocess.DEVNULL)
    assert time.monotonic() - started < 60
    no_traceback(proc)
    assert proc.returncode == 3
    (doc,) = json.loads(proc.stdout)["documents"]
    assert doc["status"] == "timeout"


def test_a_single_file_scan_has_a_time_limit_by_default(rules: RuleSet) -> None:
    from policyscan.cli import DEFAULT_TIMEOUT, _batch_options

    batch = _batch_options(rules, ScanOptions(), ["one.pdf"], jobs=None, timeout=None,
                           cache_dir=None, cache=False, scheduler=None)
    assert batch.timeout == DEFAULT_TIMEOUT


# -- a cache that cannot lie -------------------------------------------------------------------


def _entry(cache: ReportCache, sha: str, path: str) -> Path:
    if not hasattr(cache, "_key"):  # before issue 12: keyed by the file hash alone
        return cache._path(sha)  # type: ignore[arg-type]
    return cache._path(cache._key(sha, path))


def test_a_cache_entry_copied_from_another_file_is_not_served(
        tmp_path: Path, scanner: Scanner, rules: RuleSet) -> None:
    cache = ReportCache(tmp_path / "cache", rules.sha256, {})
    a = scanner.scan(text_file(tmp_path / "a.txt", "Plan A\n" + PLAN_TEXT))
    b_path = text_file(tmp_path / "b.txt", "Plan B\nPrior authorization is required.\n")
    cache.put(a)
    assert a.sha256
    b_sha = "0" * 64
    target = _entry(cache, b_sha, str(b_path))
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(_entry(cache, a.sha256, a.path), target)
    assert cache.get(b_sha, str(b_path)) is None
    assert cache.get(a.sha256, "a-again.txt") is not None  # the real entry still serves


def test_a_deeply_nested_cache_entry_is_a_miss(tmp_path: Path, rules: RuleSet) -> None:
    cache = ReportCache(tmp_path / "cache", rules.sha256, {})
    target = _entry(cache, "1" * 64, "x.txt")
    target.parent.mkdir(parents=True)
    target.write_text("[" * 200_000 + "]" * 200_000)
    assert cache.get("1" * 64, "x.txt") is None


def test_an_oversized_cache_entry_is_not_read(tmp_path: Path, rules: RuleSet,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import policyscan.cache as cache_module

    cache = ReportCache(tmp_path / "cache", rules.sha256, {})
    report = DocumentReport(path="x.txt", sha256="2" * 64, status="ok", error=None,
                            kind="other", pages=1, plan=PlanInfo(), facts=Facts.unknown(),
                            findings=())
    cache.put(report)
    assert cache.get("2" * 64, "x.txt") is not None
    monkeypatch.setattr(cache_module, "MAX_ENTRY_BYTES", 100)
    assert cache.get("2" * 64, "x.txt") is None


def test_the_cache_key_holds_a_digest_of_the_code(tmp_path: Path, rules: RuleSet,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import policyscan.cache as cache_module

    report = DocumentReport(path="x.txt", sha256="3" * 64, status="ok", error=None,
                            kind="other", pages=1, plan=PlanInfo(), facts=Facts.unknown(),
                            findings=())
    ReportCache(tmp_path, rules.sha256, {}).put(report)
    assert ReportCache(tmp_path, rules.sha256, {}).get("3" * 64, "x.txt") is not None
    assert len(cache_module.code_digest()) == 64
    # Same version string, other code: a miss.
    monkeypatch.setattr(cache_module, "code_digest", lambda: "edited")
    assert ReportCache(tmp_path, rules.sha256, {}).get("3" * 64, "x.txt") is None


def test_an_empty_txt_and_an_empty_pdf_are_not_copies(tmp_path: Path, rules: RuleSet) -> None:
    (tmp_path / "a.pdf").write_bytes(b"")
    (tmp_path / "b.txt").write_bytes(b"")
    proc = run(tmp_path / "a.pdf", tmp_path / "b.txt", "--format", "json", "--no-cache")
    docs = {Path(d["path"]).name: d for d in json.loads(proc.stdout)["documents"]}
    assert "duplicate_of" not in docs["b.txt"]
    assert docs["a.pdf"]["status"] == "failed"
    assert docs["b.txt"]["error"] is None or "a.pdf" not in docs["b.txt"]["error"]["message"]
    # Nor does the cache serve one for the other.
    cache = ReportCache(tmp_path / "cache", rules.sha256, {})
    assert _entry(cache, "4" * 64, "a.pdf") != _entry(cache, "4" * 64, "a.txt")


# -- smaller ones --------------------------------------------------------------------------


def test_resume_compares_resolved_paths(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    text_file(folder / "a.txt")
    text_file(folder / "b.txt", "Prior authorization is required.\n")
    out = tmp_path / "out.jsonl"
    first = run("in", "--format", "jsonl", "-o", out, "--no-cache", cwd=tmp_path)
    assert first.returncode == 0
    before = out.read_bytes()
    again = run("./in", "--format", "jsonl", "-o", out, "--resume", "--no-cache",
                cwd=tmp_path)
    assert again.returncode == 0
    assert out.read_bytes() == before  # nothing rescanned, nothing written twice


class _KilledOnce(Scanner):
    """Killed from outside (SIGKILL, as the OOM killer does) the first time it scans a
    file whose name holds "victim"; "always" in the name: every time."""

    marker: Path

    def scan(self, path: str | Path) -> DocumentReport:
        name = Path(path).name
        if "victim" in name and ("always" in name or not self.marker.exists()):
            self.marker.touch()
            os.kill(os.getpid(), signal.SIGKILL)
        return super().scan(path)


def test_a_worker_killed_from_outside_has_its_file_retried(tmp_path: Path,
                                                           rules: RuleSet) -> None:
    scanner = _KilledOnce(rules)
    scanner.marker = tmp_path / "killed"
    scanner.matchers  # noqa: B018
    paths = [text_file(tmp_path / "victim.txt"), text_file(tmp_path / "victim-always.txt"),
             text_file(tmp_path / "fine.txt")]
    reports = dict(WorkerPool(scanner, 1, None).run([(i, str(p)) for i, p in enumerate(paths)]))
    assert reports[0].status == "ok"  # retried once, in a fresh worker
    assert (reports[1].status, reports[1].error and reports[1].error.type) == \
        ("failed", "worker_lost")
    assert reports[2].status == "ok"


def test_an_exception_of_policyscan_is_an_internal_error(
        tmp_path: Path, rules: RuleSet, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: Scanner, doc: object) -> DocumentReport:
        raise ValueError("a bug")

    monkeypatch.setattr(Scanner, "scan_document", broken)
    report = Scanner(rules).scan(text_file(tmp_path / "plan.txt"))
    assert report.error is not None and report.error.type == "internal"
    assert "bug in policyscan" in report.error.message


def test_nul_bytes_in_a_text_file_hide_no_finding(tmp_path: Path, scanner: Scanner) -> None:
    plain = scanner.scan(text_file(tmp_path / "plain.txt"))
    path = tmp_path / "nul.txt"
    path.write_bytes(PLAN_TEXT.replace(" ", " \x00").replace("ap", "a\x00p").encode())
    with_nul = scanner.scan(path)
    assert with_nul.findings
    assert [f.category for f in with_nul.findings] == [f.category for f in plain.findings]


def test_a_folder_with_no_documents_exits_3_and_says_so(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "image.png").write_bytes(b"\x89PNG")
    proc = run(tmp_path / "empty", "--format", "json")
    no_traceback(proc)
    assert proc.returncode == 3
    assert b"no PDF, .txt or .md file was found" in proc.stderr


def test_a_long_line_of_words_scans_in_seconds(scanner: Scanner) -> None:
    # No full stop in 700 kB: one "sentence" that every hit read whole (it took minutes).
    line = "Cosmetic surgery is not covered and the member may appeal within 180 days "
    started = time.monotonic()
    report = scanner.scan_text(line * 10_000)
    assert time.monotonic() - started < 30
    assert report.findings


def test_a_huge_text_file_stays_within_memory_and_time(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    line = "Cosmetic surgery is not covered and the member may appeal in 180 days "
    with open(big, "w", encoding="utf-8") as f:
        for _ in range(40):  # 40 MB, no line break at all
            f.write(line * (1_000_000 // len(line)))
    script = (
        "import json, resource, sys\n"
        "from policyscan.rules.loader import load_rules\n"
        "from policyscan.scanner import Scanner\n"
        "r = Scanner(load_rules()).scan(sys.argv[1])\n"
        "print(json.dumps([r.status, r.pages, list(r.warnings),\n"
        "    resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024]))\n")
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", script, str(big)], capture_output=True,
                          text=True, timeout=300, check=True)
    seconds = time.monotonic() - started
    status, pages, warnings, peak_mb = json.loads(proc.stdout)
    assert status == "ok" and pages == 1
    assert any("only its first 1,500,000 characters were scanned" in w for w in warnings)
    assert peak_mb < 600 and seconds < 60, (peak_mb, seconds)


def test_formatters_fed_by_run_batch_get_inert_reports(tmp_path: Path, rules: RuleSet) -> None:
    seen: list[DocumentReport] = []

    class Collect:
        def begin(self, total: int) -> None: ...

        def document(self, doc: DocumentReport) -> None:
            seen.append(doc)

        def end(self, report: ScanReport) -> None: ...

    name = os.fsdecode(os.fsencode(tmp_path) + b"/x\xff.txt")
    text_file(os.fsencode(name))
    run_batch([name], [], rules, ScanOptions(), BatchOptions(), Collect())
    (doc,) = seen
    assert doc.path.endswith("x\\xff.txt") and doc.status == "ok"
