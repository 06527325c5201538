"""Hostile and broken inputs (``badinputs.py`` makes them): each gets its status and a
message a person can act on, nothing reaches the user as a traceback, memory stays
bounded, and a batch of all of them with good plans accounts for every file.

Simple bad inputs already covered in ``test_extract.py`` (empty file, PNG or text named
.pdf, truncated, encrypted, cp1252 and UTF-16 text) are checked here only as part of the
whole set and the batch. Memory is measured in a child process (``ru_maxrss``), so the
figure is that scan's alone. OCR is off throughout (``test_ocr.py`` covers it), so the
statuses do not depend on whether tesseract is installed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from badinputs import EXPECTED, PASSWORD, build, symlink_loop_folder
from click.testing import CliRunner

from policyscan import cli
from policyscan.extract import limits
from policyscan.models import DocumentReport
from policyscan.scanner import Scanner, ScanOptions

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_PDFS = sorted((ROOT / "sample_policies").glob("*.pdf"))
EXE = Path(sys.executable).parent / "policyscan"
MEMORY_LIMIT_MB = 300
AS_ROOT = os.geteuid() == 0


@pytest.fixture(scope="module")
def bad(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    files = build(tmp_path_factory.mktemp("bad"))
    yield files
    os.chmod(files["unreadable.pdf"], 0o644)  # let pytest clean it up


def cli_run(*args: str | Path, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(EXE), *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL, check=False)


def check_report(name: str, report: dict[str, Any]) -> None:
    status, error_type, words = EXPECTED[name]
    if name == "unreadable.pdf" and AS_ROOT:  # root reads a chmod 000 file
        status, error_type, words = "ok", None, ""
    assert report["status"] == status, (name, report.get("error"))
    if error_type is None:
        assert report["error"] is None, (name, report["error"])
        return
    assert report["error"]["type"] == error_type, (name, report["error"])
    message = report["error"]["message"]
    assert words in message, (name, message)
    assert "Traceback" not in message and "--debug" not in message, (name, message)


# -- each input alone ---------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_bad_input_gets_its_status_and_an_actionable_message(
        name: str, bad: dict[str, Path], scanner: Scanner) -> None:
    assert scanner.options.ocr == "off"
    report = scanner.scan(bad[name])
    check_report(name, report.to_dict())
    if report.status != "ok":
        assert report.findings == ()
        assert str(bad[name]) in (report.error.message if report.error else "") or \
            name in {"garbage_font.pdf"}


@pytest.mark.parametrize("name", ["bomb.pdf", "bomb_nested.pdf", "deep_tree.pdf",
                                  "kids_loop.pdf", "self_reference.pdf", "zero_pages.pdf",
                                  "garbage_font.pdf", "pages_5000.pdf"])
def test_the_pdfplumber_engine_survives_them_too(name: str, bad: dict[str, Path],
                                                 rules: Any) -> None:
    report = Scanner(rules, ScanOptions(engine="pdfplumber", max_pages=50)).scan(bad[name])
    status, error_type, _ = EXPECTED[name]
    if name in ("self_reference.pdf",):  # pdfminer gives up on what pdfium reads
        status, error_type = "failed", "corrupt"
    assert (report.status, report.error.type if report.error else None) == (status, error_type)
    if report.error is not None:
        assert "--debug" not in report.error.message, report.error.message


def test_a_reference_loop_ends_quickly_with_either_engine(tmp_path: Path) -> None:
    """Regression (bench/fuzz.py): pdfminer spun forever on ``5 0 obj 5 0 R endobj``."""
    from badinputs import reference_loop_pdf

    path = tmp_path / "loop.pdf"
    path.write_bytes(reference_loop_pdf())
    for engine in ("pdfplumber", "pdfium"):
        try:
            result = _child_scan(path, engine=engine, timeout=60)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{engine}: a reference loop hangs the scan")
        report = result["report"]
        assert report["status"] in ("ok", "failed"), report
        if report["status"] == "failed":
            assert report["error"]["type"] == "corrupt"
            assert "reference loop" in report["error"]["message"]


def test_the_password_pdf_opens_with_its_password(bad: dict[str, Path]) -> None:
    locked = cli_run(bad["password.pdf"], "--format", "json", "--no-cache", "--ocr", "off")
    assert locked.returncode == 3
    doc = json.loads(locked.stdout)["documents"][0]
    assert (doc["status"], doc["error"]["type"]) == ("failed", "encrypted")
    assert "--password" in doc["error"]["message"]
    opened = cli_run(bad["password.pdf"], "--password", PASSWORD, "--format", "json",
                     "--no-cache", "--ocr", "off")
    assert opened.returncode == 0, opened.stderr
    doc = json.loads(opened.stdout)["documents"][0]
    assert doc["status"] == "ok"
    assert {f["category"] for f in doc["findings"]} >= {"prior_authorization",
                                                       "appeal_deadline"}


def test_max_pages_is_honoured_on_the_5000_page_pdf(bad: dict[str, Path], rules: Any) -> None:
    report = Scanner(rules, ScanOptions(max_pages=25)).scan(bad["pages_5000.pdf"])
    assert report.status == "ok"
    assert report.pages == 5000
    assert any("first 25 of 5000 pages" in w for w in report.warnings), report.warnings


def test_a_folder_named_pdf_given_alone_is_searched_as_a_folder(bad: dict[str, Path]) -> None:
    result = cli_run(bad["folder.pdf"], "--format", "jsonl", "--no-cache", "--ocr", "off")
    assert result.returncode == 0, result.stderr
    docs = [json.loads(line) for line in result.stdout.splitlines()]
    assert [Path(d["path"]).name for d in docs] == ["inside.txt"]


def test_permission_denied_is_reported_even_as_root(
        tmp_path: Path, scanner: Scanner, monkeypatch: pytest.MonkeyPatch) -> None:
    """Root reads a chmod 000 file, so the error path is forced: reading raises."""
    path = build(tmp_path, only=["empty_password.pdf"])["empty_password.pdf"]

    def denied(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", denied)
    report = scanner.scan(path)
    assert (report.status, report.error and report.error.type) == ("failed", "unreadable")
    assert report.error is not None and "permission denied" in report.error.message
    assert "check the file's permissions" in report.error.message


@pytest.mark.skipif(AS_ROOT, reason="root reads a chmod 000 file anyway (the error path is "
                    "tested with a monkeypatched read above)")
def test_a_chmod_000_file_is_unreadable(bad: dict[str, Path], scanner: Scanner) -> None:
    report = scanner.scan(bad["unreadable.pdf"])
    assert report.error is not None and report.error.type == "unreadable"


# -- memory and time ----------------------------------------------------------------------


def _child_scan(path: Path, timeout: float = 300, **options: Any) -> dict[str, Any]:
    """Scan ``path`` in a fresh process; its report and its peak memory (MB).

    The peak is the process's own high-water mark (VmHWM): ``ru_maxrss`` would carry over
    the larger peak of the pytest process it was forked from (Linux keeps it across exec).
    """
    code = textwrap.dedent(f"""
        import json, re, time
        from policyscan.rules.loader import load_rules
        from policyscan.scanner import Scanner, ScanOptions
        started = time.monotonic()
        report = Scanner(load_rules(), ScanOptions(**{options!r})).scan({str(path)!r})
        print(json.dumps({{"report": report.to_dict(), "seconds": time.monotonic() - started,
                          "peak_mb": int(re.search(r"VmHWM:\\s*(\\d+)", open("/proc/self/status")
                                                   .read()).group(1)) / 1024}}))
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=timeout, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.mark.parametrize("name", ["bomb.pdf", "bomb_nested.pdf"])
@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
def test_the_bomb_is_refused_within_bounded_memory_and_time(
        name: str, engine: str, bad: dict[str, Path]) -> None:
    result = _child_scan(bad[name], engine=engine)
    report = result["report"]
    assert (report["status"], report["error"]["type"]) == ("failed", "too_large")
    assert "inflates to more than" in report["error"]["message"]
    assert "decompression bomb" in report["error"]["message"]
    assert result["peak_mb"] < MEMORY_LIMIT_MB, result["peak_mb"]
    assert result["seconds"] < 30, result["seconds"]


def test_the_5000_page_pdf_scans_whole_in_flat_memory(bad: dict[str, Path]) -> None:
    whole = _child_scan(bad["pages_5000.pdf"])
    assert whole["report"]["status"] == "ok" and whole["report"]["pages"] == 5000
    assert whole["peak_mb"] < MEMORY_LIMIT_MB, whole["peak_mb"]
    first = _child_scan(bad["pages_5000.pdf"], max_pages=50)
    # Flat: 100 times the pages costs little more memory than 50 pages.
    assert whole["peak_mb"] - first["peak_mb"] < 100, (whole["peak_mb"], first["peak_mb"])


def test_a_page_with_more_text_than_any_real_page_is_refused(
        tmp_path: Path, scanner: Scanner, monkeypatch: pytest.MonkeyPatch) -> None:
    """The second guard, for text that got past the stream check (an uncompressed page,
    or an encrypted bomb): a page's text layer is capped."""
    path = build(tmp_path, only=["pages_5000.pdf"])["pages_5000.pdf"]
    monkeypatch.setattr(limits, "MAX_PAGE_CHARS", 20)
    report = scanner.scan(path)
    assert (report.status, report.error and report.error.type) == ("failed", "too_large")
    assert report.error is not None and "page 1 holds" in report.error.message


def test_many_streams_that_together_inflate_too_far_are_refused(bad: dict[str, Path]) -> None:
    from policyscan.errors import DocumentError

    data = bad["bomb.pdf"].read_bytes()
    with pytest.raises(DocumentError, match="together inflate"):
        limits.check_streams(data, "x.pdf", max_stream=4 << 30, max_total=64 << 20)


def test_the_stream_check_passes_every_sample_policy() -> None:
    for pdf in SAMPLE_PDFS:
        limits.check_streams(pdf.read_bytes(), str(pdf))


# -- no traceback reaches the user --------------------------------------------------------


@pytest.fixture(scope="module")
def batch(bad: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
          ) -> tuple[subprocess.CompletedProcess[str], list[dict[str, Any]], Path]:
    """Every bad input, a symlink loop and the good sample plans in one folder."""
    folder = bad["empty.pdf"].parent
    symlink_loop_folder(folder / "looped")
    for pdf in SAMPLE_PDFS:
        (folder / pdf.name).write_bytes(pdf.read_bytes())
    result = cli_run(folder, "--format", "jsonl", "--no-cache", "--jobs", "2",
                     "--ocr", "off", timeout=600)
    docs = [json.loads(line) for line in result.stdout.splitlines()]
    return result, docs, folder


def test_a_batch_of_all_of_them_accounts_for_every_file(
        batch: tuple[subprocess.CompletedProcess[str], list[dict[str, Any]], Path]) -> None:
    result, docs, folder = batch
    assert result.returncode == 3, result.stderr[-2000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    by_name = {os.path.relpath(d["path"], folder): d for d in docs}
    assert len(by_name) == len(docs)  # one line each
    expected = ({n for n in EXPECTED if n != "folder.pdf"} | {p.name for p in SAMPLE_PDFS}
                | {"folder.pdf/inside.txt", "looped/plan.txt", "looped/loop"})
    assert set(by_name) == expected
    for name in EXPECTED:
        if name != "folder.pdf":
            check_report(name, by_name[name])
    for pdf in SAMPLE_PDFS:
        assert by_name[pdf.name]["status"] == "ok" and by_name[pdf.name]["findings"]
    assert by_name["looped/loop"]["error"]["type"] == "unreadable"
    assert "symlink loop" in by_name["looped/loop"]["error"]["message"]
    assert by_name["folder.pdf/inside.txt"]["status"] == "ok"


@pytest.mark.parametrize("name", ["bomb.pdf", "deep_tree.pdf", "kids_loop.pdf",
                                  "zero_pages.pdf", "garbage_font.pdf", "folder.pdf/inside.txt",
                                  "png_named.pdf"])
def test_a_single_bad_file_shows_no_traceback(
        name: str, batch: tuple[Any, list[dict[str, Any]], Path]) -> None:
    """One file is scanned in the CLI's own process (no worker pool in between)."""
    result = cli_run(batch[2] / name, "--no-cache", "--ocr", "off", "--no-color")
    assert result.returncode in (0, 3)
    assert "Traceback" not in result.stderr + result.stdout


class Boom(RuntimeError):
    pass


def test_an_unexpected_error_is_a_clean_failure_and_debug_shows_the_traceback(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = build(tmp_path, only=["empty_password.pdf"])["empty_password.pdf"]

    def broken_reader(*args: Any, **kwargs: Any) -> Any:
        raise Boom("a reader bug")

    monkeypatch.setattr("policyscan.extract.pdfium.read_pdf", broken_reader)
    runner = CliRunner()
    plain = runner.invoke(cli.main, [str(path), "--format", "json", "--no-cache"])
    assert plain.exit_code == 3, plain.output
    assert "Traceback" not in plain.output
    doc = json.loads(plain.stdout)["documents"][0]
    assert doc["status"] == "failed"
    assert "Boom: a reader bug" in doc["error"]["message"]
    assert "--debug" in doc["error"]["message"]

    debug = runner.invoke(cli.main, [str(path), "--format", "json", "--no-cache", "--debug"])
    assert isinstance(debug.exception, Boom)
    assert debug.exc_info is not None
    import traceback

    shown = "".join(traceback.format_exception(*debug.exc_info))
    assert "Traceback" in shown and "broken_reader" in shown


def test_debug_prints_the_traceback_in_a_real_process(tmp_path: Path) -> None:
    """The real command with --debug: an unexpected error ends in a traceback on stderr
    (a sitecustomize breaks the reader, as a bug in it would)."""
    path = build(tmp_path, only=["empty_password.pdf"])["empty_password.pdf"]
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(textwrap.dedent("""
        import policyscan.extract.pdfium as reader
        def read_pdf(*args, **kwargs):
            raise RuntimeError("a reader bug")
        reader.read_pdf = read_pdf
    """))
    env = {**os.environ, "PYTHONPATH": str(hook)}
    for debug, shows in ((False, False), (True, True)):
        done = subprocess.run([str(EXE), str(path), "--no-cache", "--format", "json",
                               *(["--debug"] if debug else [])], capture_output=True,
                              text=True, env=env, timeout=120, check=False)
        assert ("Traceback" in done.stderr) is shows, done.stderr[-2000:]
        assert "a reader bug" in (done.stderr if debug else done.stdout)


def test_report_passes_through_as_a_document_report(bad: dict[str, Path],
                                                    scanner: Scanner) -> None:
    """Failed reports keep the contract: unknown facts, no findings, a path."""
    report = scanner.scan(bad["bomb.pdf"])
    assert isinstance(report, DocumentReport)
    assert report.path == str(bad["bomb.pdf"])
    assert all(v is None for v in report.facts.values.values())


def _pdf_with_streams(payloads: list[bytes]) -> bytes:
    """Bytes shaped like a PDF's stream objects (enough for the stream check)."""
    out = [b"%PDF-1.7\n"]
    for i, payload in enumerate(payloads, 1):
        out.append(b"%d 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\r\n"
                   % (i, len(payload)) + payload + b"\nendstream\nendobj\n")
    return b"".join(out)


def test_small_streams_whose_bounds_could_pass_the_total_are_inflated_exactly() -> None:
    # Streams are bounded by deflate's best ratio instead of inflated when they are small;
    # once their bounds together could pass the limit, the true sizes decide.
    from policyscan.errors import DocumentError

    zeros = zlib.compress(b"\0" * (1 << 20), 9)  # ~1 KB that inflates to 1 MB
    data = _pdf_with_streams([zeros] * 40)
    assert 40 * len(zeros) * 1032 > 81 << 19  # the bounds pass 40.5 MB; the truth, 40 MB, not
    limits.check_streams(data, "x.pdf", max_stream=8 << 20, max_total=81 << 19)
    with pytest.raises(DocumentError, match="together inflate"):
        limits.check_streams(data, "x.pdf", max_stream=8 << 20, max_total=32 << 20)


def test_a_small_chained_stream_is_inflated_not_bounded() -> None:
    # Two deflate layers escape the single-layer bound: 2 MB from a few hundred bytes.
    from policyscan.errors import DocumentError

    twice = zlib.compress(zlib.compress(b"\0" * (2 << 20), 9), 9)
    assert len(twice) * 1032 < 1 << 20
    data = _pdf_with_streams([twice])
    with pytest.raises(DocumentError, match="a compressed stream that inflates"):
        limits.check_streams(data, "x.pdf", max_stream=1 << 20, max_total=1 << 30)


def test_stream_keywords_inside_words_and_endstream_are_not_streams() -> None:
    payload = zlib.compress(b"BT (upstream mainstream) Tj ET")
    data = _pdf_with_streams([payload]) + b"% mainstream\n"
    assert [data[s:e] for s, e in limits._zlib_streams(data)] == [payload + b"\n"]
