"""No way in: a scan never touches the network.

In this process, sockets to the network (IPv4, IPv6) and name lookups raise and are
recorded while sample policies (both engines) and the corpus booklet are scanned. In a
real ``policyscan`` process, a ``sitecustomize`` on ``PYTHONPATH`` does the same from the
first import on, so importing spaCy, the readers and the worker pool are covered too
(local socket pairs, which the worker pool's pipes are, stay allowed). Pattern files
cannot run code: ``test_rules.py`` refuses Python tags; here a YAML alias bomb is refused
in bounded time.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from policyscan.errors import RuleFileError
from policyscan.rules.loader import RuleSet, load_rules
from policyscan.scanner import Scanner, ScanOptions

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "sample_policies").glob("*.pdf"))
EXE = Path(sys.executable).parent / "policyscan"
BOOKLET = "booklet_anthem_ucship_ucdavis_ppo_2024-25.pdf"
SCANNED_FORM = "scanned_image_only_optumrx_prior_auth_request_form_filled_sample.pdf"
NETWORK_FAMILIES = {socket.AF_INET, socket.AF_INET6, -1}  # -1: socket()'s default, IPv4

# The same guard for a child process: every attempt is written to the file named by
# POLICYSCAN_NETWORK_LOG (a library might swallow the error), then refused.
SITECUSTOMIZE = textwrap.dedent("""
    import os, socket

    _log = os.environ["POLICYSCAN_NETWORK_LOG"]
    _families = {socket.AF_INET, socket.AF_INET6, -1}

    def _refuse(what):
        with open(_log, "a") as f:
            f.write(what + "\\n")
        raise OSError("network access is blocked in this test: " + what)

    class _GuardedSocket(socket.socket):
        def __init__(self, family=-1, type=-1, proto=-1, fileno=None):
            if fileno is None and family in _families:
                _refuse(f"socket(family={family})")
            super().__init__(family, type, proto, fileno)

    socket.socket = _GuardedSocket
    socket.create_connection = lambda *a, **k: _refuse(f"create_connection{a}")
    socket.getaddrinfo = lambda *a, **k: _refuse(f"getaddrinfo{a[:2]}")
    socket.gethostbyname = lambda *a, **k: _refuse(f"gethostbyname{a}")
""")


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Sockets to the network refused, and every attempt recorded."""
    attempts: list[str] = []

    def refuse(what: str) -> Any:
        attempts.append(what)
        raise OSError(f"network access is blocked in this test: {what}")

    class GuardedSocket(socket.socket):
        def __init__(self, family: int = -1, type: int = -1, proto: int = -1,
                     fileno: int | None = None) -> None:
            if fileno is None and family in NETWORK_FAMILIES:
                refuse(f"socket(family={family})")
            super().__init__(family, type, proto, fileno)

    monkeypatch.setattr(socket, "socket", GuardedSocket)
    monkeypatch.setattr(socket, "create_connection",
                        lambda *a, **k: refuse(f"create_connection{a}"))
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: refuse(f"getaddrinfo{a[:2]}"))
    monkeypatch.setattr(socket, "gethostbyname", lambda *a, **k: refuse(f"gethostbyname{a}"))
    return attempts


def test_the_guard_itself_refuses_a_connection(no_network: list[str]) -> None:
    with pytest.raises(OSError, match="blocked"):
        socket.create_connection(("127.0.0.1", 9))
    with pytest.raises(OSError, match="blocked"):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    a, b = socket.socketpair()  # local pairs (the worker pool's pipes) stay allowed
    a.close()
    b.close()
    assert len(no_network) == 2


@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
def test_scanning_the_sample_policies_uses_no_network(
        no_network: list[str], rules: RuleSet, engine: str) -> None:
    scanner = Scanner(rules, ScanOptions(engine=engine))
    for pdf in SAMPLES:
        report = scanner.scan(pdf)
        assert report.status == "ok", (pdf.name, report.error)
    assert no_network == []


def test_scanning_the_corpus_booklet_uses_no_network(
        no_network: list[str], corpus: Path, scanner: Scanner) -> None:
    report = scanner.scan(corpus / BOOKLET)
    assert report.status == "ok" and report.findings
    assert no_network == []


def test_loading_rules_and_building_the_pipeline_uses_no_network(
        no_network: list[str]) -> None:
    scanner = Scanner(load_rules())
    assert scanner.scan_text("Prior authorization is required for surgery.").findings
    assert no_network == []


def _guarded_env(tmp_path: Path) -> tuple[dict[str, str], Path]:
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(SITECUSTOMIZE)
    log = tmp_path / "network.log"
    log.touch()
    env = {**os.environ, "PYTHONPATH": str(hook), "POLICYSCAN_NETWORK_LOG": str(log),
           "XDG_CACHE_HOME": str(tmp_path / "cache")}
    return env, log


def test_the_guard_works_in_a_child_process(tmp_path: Path) -> None:
    env, log = _guarded_env(tmp_path)
    done = subprocess.run([sys.executable, "-c",
                           "import socket; socket.create_connection(('127.0.0.1', 9))"],
                          env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode != 0 and "blocked" in done.stderr
    assert "create_connection" in log.read_text()


def test_the_command_uses_no_network_from_start_to_end(tmp_path: Path) -> None:
    """A batch through the worker pool (and OCR when tesseract is there), with the
    guard installed before policyscan's first import."""
    env, log = _guarded_env(tmp_path)
    folder = tmp_path / "plans"
    folder.mkdir()
    for pdf in SAMPLES:
        (folder / pdf.name).write_bytes(pdf.read_bytes())
    (folder / "plan.txt").write_text("Cosmetic surgery is not covered.\n")
    started = time.monotonic()
    done = subprocess.run([str(EXE), str(folder), "--format", "jsonl", "--jobs", "2",
                           "--cache-dir", str(tmp_path / "cache")],
                          env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    docs = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(docs) == len(SAMPLES) + 1 and all(d["status"] == "ok" for d in docs)
    assert log.read_text() == "", log.read_text()
    assert time.monotonic() - started < 300


def test_ocr_uses_no_network(tmp_path: Path, corpus: Path) -> None:
    from policyscan.extract.ocr import unavailable

    if unavailable() is not None:
        pytest.skip(f"OCR is not installed: {unavailable()}")
    env, log = _guarded_env(tmp_path)
    done = subprocess.run([str(EXE), str(corpus / SCANNED_FORM), "--format", "json",
                           "--ocr", "on", "--no-cache"],
                          env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout)["documents"][0]["status"] == "ok"
    assert log.read_text() == ""


def test_a_yaml_alias_bomb_in_a_pattern_file_is_refused_quickly(tmp_path: Path) -> None:
    """Aliases nest by reference (a "billion laughs"); the loader must refuse the file
    without ever walking the expansion."""
    lines = ["description:", '  - &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"  - &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    lines += ["rules:", "  - id: custom.laughs", "    category: prior_authorization",
              "    title: laughs", "    phrases: *a9", "    score: 0.5", "    source: x",
              "    examples: {match: [lol], no_match: [no]}"]
    (tmp_path / "bomb.yaml").write_text("\n".join(lines) + "\n")
    started = time.monotonic()
    with pytest.raises(RuleFileError):
        load_rules([tmp_path])
    assert time.monotonic() - started < 5
