"""``--scheduler``: the same scan on a real Dask cluster, started here on loopback.

A ``dask scheduler`` and two ``dask worker`` processes (one thread each) run from the
venv's own ``dask`` command for the module; every test talks to them over TCP as a user's
cluster would. The workers run in another directory than the tests, so a relative path
that reached them unchanged would not be found. The scheduler retries a file once after
its worker dies (``allowed-failures`` 1, not 3), so the test that kills workers sees
``KilledWorker`` after two deaths, and sends a worker only the file it is about to scan
(``worker-saturation`` 1.0, as docs/cluster.md advises).
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from click.testing import CliRunner, Result

from policyscan.cli import main
from policyscan.models import DocumentReport
from policyscan.rules.loader import RuleSet
from policyscan.scanner import ScanOptions

pytestmark = pytest.mark.slow
T = TypeVar("T")

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_policies"
DENIAL = SAMPLES / "denial_letter_microneedling.pdf"
EXIT_USAGE, EXIT_INCOMPLETE = 2, 3
HAVE_DASK = importlib.util.find_spec("distributed") is not None
needs_dask = pytest.mark.skipif(
    not HAVE_DASK, reason="dask.distributed is not installed; "
    "`pip install -e '.[test]'` (or '.[dask]') installs it")
STARTUP = 45.0  # seconds for the scheduler and both workers to come up


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


class Cluster:
    """A scheduler and two single-threaded workers, each in its own process group."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.address = f"tcp://127.0.0.1:{free_port()}"
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.client: Any = None

    def start(self, name: str, *args: str) -> None:
        dask = Path(sys.executable).parent / "dask"
        if not dask.exists():
            pytest.fail(f"{dask} is missing: dask[distributed] installs it with the package")
        env = {**os.environ, "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "1",
               # A worker holds only the file it scans (docs/cluster.md).
               "DASK_DISTRIBUTED__SCHEDULER__WORKER_SATURATION": "1.0"}
        with open(self.folder / f"{name}.log", "wb") as log:
            self.processes[name] = subprocess.Popen(
                [str(dask), *args], stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                cwd=self.folder, env=env, start_new_session=True)

    def logs(self) -> str:
        out = []
        for name, process in self.processes.items():
            text = (self.folder / f"{name}.log").read_text(errors="replace")
            out.append(f"--- {name} (exit code {process.poll()}) ---\n{text[-3000:]}")
        return "\n".join(out)

    def wait_for_workers(self, n: int = 2) -> None:
        from distributed import Client

        deadline = time.monotonic() + STARTUP
        try:
            if self.client is None:
                self.client = Client(self.address, timeout=STARTUP, set_as_default=False)
            self.client.wait_for_workers(n, timeout=max(1.0, deadline - time.monotonic()))
        except Exception as exc:
            pytest.fail(f"the Dask cluster at {self.address} did not get {n} workers within "
                        f"{STARTUP:g} s ({type(exc).__name__}: {exc})\n{self.logs()}")

    def stop(self) -> None:
        if self.client is not None:
            with contextlib.suppress(Exception):
                self.client.close(timeout=5)
        # Workers first, so they do not spend their death-timeout looking for the scheduler.
        for name in sorted(self.processes, key=lambda n: n == "scheduler"):
            process = self.processes[name]
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    if not HAVE_DASK:
        pytest.skip("dask.distributed is not installed; `pip install -e '.[test]'` installs it")
    c = Cluster(tmp_path_factory.mktemp("dask"))
    try:
        # Their HTTP endpoints (/health, /metrics) start even with --no-dashboard; keep
        # them on loopback, on any free port.
        quiet = ("--no-dashboard", "--dashboard-address", "127.0.0.1:0")
        c.start("scheduler", "scheduler", "--host", "127.0.0.1", "--port",
                c.address.rsplit(":", 1)[1], *quiet)
        for name in ("worker-1", "worker-2"):
            c.start(name, "worker", c.address, "--nthreads", "1", "--nworkers", "1",
                    "--host", "127.0.0.1", *quiet, "--death-timeout", "30",
                    "--local-directory", str(c.folder / name))
        c.wait_for_workers(2)
        yield c
    finally:
        c.stop()


@pytest.fixture
def workers(cluster: Cluster) -> Cluster:
    """The cluster with both workers up (one may be restarting after a test killed it)."""
    cluster.wait_for_workers(2)
    return cluster


@pytest.fixture
def fifos(tmp_path: Path) -> Iterator[list[Path]]:
    """Named pipes: reading one blocks until someone writes, so its scan hangs."""
    paths = [tmp_path / f"hangs-{i}.pdf" for i in range(2)]
    for path in paths:
        os.mkfifo(path)
    yield paths
    for path in paths:  # let a scan still blocked on one finish (it sees an empty file)
        with contextlib.suppress(OSError):
            os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))


def jsonl(result: Result) -> list[dict[str, Any]]:
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def within(seconds: float, what: str, cluster: Cluster | None,
           fn: Callable[[], T]) -> T:
    """``fn()``, failing the test (instead of hanging it) if it takes over ``seconds``."""
    out: list[T] = []
    errors: list[BaseException] = []

    def call() -> None:
        try:
            out.append(fn())
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    thread.join(timeout=seconds)
    if thread.is_alive():
        pytest.fail(f"{what} did not finish in {seconds:g} s\n"
                    f"{cluster.logs() if cluster else ''}")
    if errors:
        raise errors[0]
    return out[0]


def scan_on(cluster: Cluster, rules: RuleSet, paths: list[str],
            timeout: float | None = None) -> dict[int, DocumentReport]:
    from policyscan.distributed import DaskBackend

    backend = DaskBackend(cluster.address, rules, ScanOptions(), timeout=timeout)
    return within(60, "the cluster scan", cluster,
                  lambda: dict(backend.run(list(enumerate(paths)))))


# -- through the command line -----------------------------------------------------------


@needs_dask
def test_cluster_scan_equals_local_scan(workers: Cluster, tmp_path: Path, rules: RuleSet,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(DENIAL.read_bytes()[:2000])
    monkeypatch.chdir(ROOT)
    # Relative paths (as a user types them) and an absolute one.
    names = [str(p.relative_to(ROOT)) for p in sorted(SAMPLES.iterdir())
             if p.suffix in (".pdf", ".txt")] + [str(broken)]
    common = ("scan", *names, "--format", "jsonl", "--no-cache")

    started = time.monotonic()
    remote = within(60, "the cluster scan", workers,
                    lambda: run(*common, "--scheduler", workers.address))
    remote_seconds = time.monotonic() - started
    local = run(*common)

    assert remote.exit_code == EXIT_INCOMPLETE, remote.output
    assert local.exit_code == EXIT_INCOMPLETE, local.output
    documents = jsonl(remote)
    assert [d["path"] for d in documents] == names  # every file, in input order, as given
    statuses = {d["path"]: d["status"] for d in documents}
    assert statuses.pop(str(broken)) == "failed"
    assert set(statuses.values()) == {"ok"}
    assert sum(len(d["findings"]) for d in documents) > 0
    # Findings, facts, kinds, errors: the same document for document, as a local scan.
    for here, there in zip(jsonl(local), documents, strict=True):
        assert there == here, f"{here['path']} differs between a local and a cluster scan"
    # The scans ran on the workers, which built their scanner for this rule set.
    built = workers.client.run(
        lambda: [k[0] for k in sys.modules["policyscan.distributed"]._SCANNERS])
    assert any(rules.sha256 in keys for keys in built.values()), built
    assert remote_seconds < 30


@needs_dask
def test_unreachable_scheduler_is_a_usage_error_at_once(tmp_path: Path) -> None:
    address = f"tcp://127.0.0.1:{free_port()}"  # nothing listens there
    started = time.monotonic()
    result = within(30, "connecting", None,
                    lambda: run("scan", str(DENIAL), "--scheduler", address, "--no-cache"))
    assert result.exit_code == EXIT_USAGE, result.output
    assert time.monotonic() - started < 20
    assert f"could not connect to the Dask scheduler at {address}" in result.stderr
    assert "dask scheduler" in result.stderr


def test_missing_dask_tells_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # `import distributed` fails
    result = run("scan", str(DENIAL), "--scheduler", "tcp://127.0.0.1:8786", "--no-cache")
    assert result.exit_code == EXIT_USAGE, result.output
    assert "pip install 'policyscan[dask]'" in result.stderr


# -- the backend's failure handling -----------------------------------------------------


@needs_dask
def test_files_over_the_timeout_are_reported_and_the_batch_goes_on(
        workers: Cluster, rules: RuleSet, fifos: list[Path]) -> None:
    # Two files that hang take both workers; the others can run only once those workers
    # are freed, which cancelling cannot do (the scan goes on in the worker's thread) and
    # restarting them does.
    good = [str(p) for p in sorted(SAMPLES.iterdir()) if p.suffix in (".pdf", ".txt")]
    started = time.monotonic()
    reports = scan_on(workers, rules, [*map(str, fifos), *good], timeout=1.0)
    assert time.monotonic() - started < 20
    statuses = [reports[i].status for i in range(len(reports))]
    assert statuses == ["timeout"] * 2 + ["ok"] * len(good), sorted(reports.items())
    for report in (reports[0], reports[1]):
        assert report.error is not None and report.error.type == "timeout"
        assert "took longer than 1 s" in report.error.message


@needs_dask
def test_a_file_missing_on_the_workers_says_they_need_the_same_paths(
        workers: Cluster, rules: RuleSet, tmp_path: Path) -> None:
    reports = scan_on(workers, rules, [str(tmp_path / "only_on_the_client.pdf")])
    assert reports[0].status == "failed"
    assert reports[0].error is not None
    assert "same absolute paths" in reports[0].error.message


@needs_dask
def test_a_file_that_kills_its_workers_is_a_failed_report(
        workers: Cluster, rules: RuleSet, fifos: list[Path]) -> None:
    client = workers.client
    killed: list[str] = []
    finished = threading.Event()

    def kill_every_worker_scanning_it() -> None:
        deadline = time.monotonic() + 30
        while not finished.is_set() and time.monotonic() < deadline:
            try:  # opens only while a scan has the pipe open: the file has started
                pipe = os.open(fifos[0], os.O_WRONLY | os.O_NONBLOCK)
            except OSError:
                time.sleep(0.05)
                continue
            try:
                for worker, keys in client.processing().items():
                    if worker not in killed and any(str(k).startswith("policyscan-scan-")
                                                    for k in keys):
                        os.kill(client.run(os.getpid, workers=[worker])[worker],
                                signal.SIGKILL)
                        killed.append(worker)
            finally:
                os.close(pipe)  # its reader is dead: nobody sees the end of file
            # Once the scheduler has seen the death, a reader of the pipe is a new attempt.
            while killed and killed[-1] in client.nthreads() and not finished.is_set():
                time.sleep(0.05)

    killer = threading.Thread(target=kill_every_worker_scanning_it, daemon=True)
    killer.start()
    try:
        reports = scan_on(workers, rules, [str(fifos[0])])
    finally:
        finished.set()
        killer.join(timeout=5)
    assert len(killed) == 2, killed  # the first death is retried, the second is final
    assert reports[0].status == "failed"
    assert reports[0].error is not None
    assert "KilledWorker" in reports[0].error.message
    assert reports[0].error.type == "worker_lost"
    assert "stopped 2 Dask worker(s)" in reports[0].error.message
    # The nannies replace the dead workers; the next batch runs as usual.
    workers.wait_for_workers(2)
    assert scan_on(workers, rules, [str(DENIAL)])[0].status == "ok"
