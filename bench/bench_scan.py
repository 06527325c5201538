"""End-to-end benchmark of the installed ``policyscan`` command, one fresh process per figure.

    .venv/bin/python bench/bench_scan.py [--corpus ../shared/corpus] [--runs 3] [--json FILE]

Every figure is the median of ``--runs`` fresh processes of the ``policyscan`` entry point that
sits next to ``sys.executable`` (so the venv's installed command, with its real start-up cost),
measuring wall time and peak RSS. For each PDF the same run also times bare pdfplumber text
extraction of the same file in a fresh process (imports excluded) and prints the ratio
policyscan wall / pdfplumber extraction: a yardstick that moves with the machine, so ratios
within one run are what to compare across runs on a noisy shared machine.

Without the corpus (../shared/corpus next to the checkout) only the sample policies are run.
The corpus files are read by path only; nothing is copied.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
SAMPLE_SBC = ROOT / "sample_policies" / "sbc_northwind_silver_ppo.pdf"
CORPUS_SBCS = (
    "sbc_kaiser_ca_small_group_silver70_hmo_2025.pdf",  # 14 pages
    "cms_sbc_completed_example_2025_template.pdf",
)
CORPUS_LONG = (
    "booklet_anthem_ucship_ucdavis_ppo_2024-25.pdf",  # 150 pages
    "eoc_kaiser_medicare_advantage_group_hmo_fcps_2026.pdf",  # 215 pages, RC4, empty password
)

# The targets (shared/docs/performance.md §8).
TARGET_HELP_S = 0.1
TARGET_SBC_S = 0.8
TARGET_BOOKLET_S = 2.0  # a 150-page booklet, one process
TARGET_RSS_MB = 200.0

# Run in a fresh interpreter: imports are not timed, only the page loop. page.close() keeps
# pdfplumber's RSS flat (~10 MB a page otherwise), as policyscan's own pdfplumber reader does.
PDFPLUMBER_EXTRACT = """
import json, sys, time
import pdfplumber
start = time.perf_counter()
with pdfplumber.open(sys.argv[1]) as pdf:
    pages = 0
    for page in pdf.pages:
        page.extract_text()
        page.close()
        pages += 1
print(json.dumps({"seconds": time.perf_counter() - start, "pages": pages}))
"""


# --------------------------------------------------------------------------------------------
# Running one child process
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """One fresh process: wall seconds, peak RSS, exit code and what it printed."""

    wall: float
    rss_mb: float
    returncode: int
    stdout: str
    stderr: str


def _gnu_time() -> str | None:
    """``/usr/bin/time`` if it is GNU time (has ``-f`` and ``-o``), else None."""
    exe = "/usr/bin/time"
    if not os.access(exe, os.X_OK):
        return None
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        result = subprocess.run([exe, "-f", "%M", "-o", report.name, "true"],
                                capture_output=True, check=False)
        text = Path(report.name).read_text().strip()
    return exe if result.returncode == 0 and text.isdigit() else None


GNU_TIME = _gnu_time()
RSS_METHOD = ("GNU time %M (per child)" if GNU_TIME else
              "os.wait4 ru_maxrss (per child; floor = this script's own RSS)")


def run_child(argv: Sequence[str], *, cwd: Path = ROOT) -> Sample:
    """Run ``argv`` to completion and measure it.

    Wall time is ``perf_counter`` from just before spawning to the reap, i.e. what a user
    waits for, fork/exec included. It is not GNU time's ``%e``: that has 10 ms resolution,
    the size of the --help target itself.

    Peak RSS must be that one child's own ``ru_maxrss``, so that each run gives a figure and
    medians mean something. ``resource.getrusage(RUSAGE_CHILDREN)`` cannot do it: its
    ``ru_maxrss`` is the high-water mark over *all* children reaped so far, so after one large
    run every later "delta" is 0 or the old maximum. Two ways give a per-child figure:

    * preferred, ``/usr/bin/time -f %M -o FILE`` (GNU time): a ~2 MB C process forks the
      command and reports its ru_maxrss, written to FILE so it never mixes with the command's
      own stderr;
    * fallback, ``os.wait4(pid)``: the kernel returns exactly that child's rusage. Its flaw on
      Linux: CPython spawns with vfork, and exec records the *parent's* high-water RSS into
      the child's maxrss, so this script's own ~11-16 MB becomes the floor of every figure
      (measured: ``python -c pass`` 8.6 MB under GNU time, 16 MB via wait4). That floor
      only matters for the tiny --help/--version figures, which is why GNU time comes first.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        command = ([GNU_TIME, "-f", "%M", "-o", report.name, *argv] if GNU_TIME
                   else list(argv))
        start = time.perf_counter()
        proc = subprocess.Popen(command, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        if GNU_TIME:
            # The last line; a line before it says "Command exited with non-zero status N".
            lines = Path(report.name).read_text().split()
            rss_kib = float(lines[-1]) if lines and lines[-1].isdigit() else float("nan")
        else:
            # ru_maxrss is in KiB on Linux and in bytes on macOS.
            rss_kib = usage.ru_maxrss / (1024 if sys.platform == "darwin" else 1)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    return Sample(wall, rss_kib / 1024, proc.returncode, stdout, stderr)


# --------------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------------


@dataclass
class Row:
    """One line of the table: a command, its medians, targets and the pdfplumber yardstick."""

    name: str
    argv: list[str]
    pages: int | None = None
    wall_target: float | None = None
    walls: list[float] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)
    returncodes: list[int] = field(default_factory=list)
    plumber_seconds: list[float] = field(default_factory=list)
    plumber_error: str | None = None
    error: str | None = None  # stderr tail of a run that exited non-zero
    last_line: str = ""  # the last line the command printed (eval: its summary line)

    @property
    def wall(self) -> float:
        return statistics.median(self.walls)

    @property
    def rss(self) -> float:
        return statistics.median(self.rss_mb)

    @property
    def plumber(self) -> float | None:
        return statistics.median(self.plumber_seconds) if self.plumber_seconds else None

    @property
    def ratio(self) -> float | None:
        plumber = self.plumber
        return self.wall / plumber if plumber else None

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.update(wall_median=self.wall, rss_median_mb=self.rss,
                   wall_verdict=verdict(self.wall, self.wall_target),
                   rss_verdict=verdict(self.rss, TARGET_RSS_MB),
                   plumber_median=self.plumber, ratio=self.ratio)
        return out


def verdict(value: float, target: float | None) -> str:
    if target is None:
        return ""
    if value <= target:
        return "PASS"
    return f"over +{(value / target - 1) * 100:.0f}%"


def policyscan_exe() -> Path:
    exe = Path(sys.executable).parent / ("policyscan.exe" if os.name == "nt" else "policyscan")
    if not exe.exists():
        sys.exit(f"error: {exe} not found; install the project into this interpreter's "
                 "environment (pip install -e .) or run the bench with that venv's python")
    return exe


def measure(row: Row, runs: int, *, with_plumber: Path | None = None) -> Row:
    """Fill ``row`` with ``runs`` fresh processes, alternating with pdfplumber runs if asked,
    so both see the same machine load."""
    for _ in range(runs):
        sample = run_child(row.argv)
        row.walls.append(sample.wall)
        row.rss_mb.append(sample.rss_mb)
        row.returncodes.append(sample.returncode)
        if sample.returncode != 0:
            row.error = f"exit {sample.returncode}: {sample.stderr.strip()[-200:]}"
        if sample.stdout.strip():
            row.last_line = sample.stdout.strip().splitlines()[-1]
        if with_plumber is not None and row.plumber_error is None:
            extract = run_child([sys.executable, "-c", PDFPLUMBER_EXTRACT, str(with_plumber)])
            if extract.returncode != 0:
                last = (extract.stderr.strip().splitlines() or ["?"])[-1]
                row.plumber_error = f"pdfplumber failed: {last[:120]}"
            else:
                result = json.loads(extract.stdout)
                row.plumber_seconds.append(float(result["seconds"]))
    return row


def scan_row(exe: Path, pdf: Path, pages: int | None, target: float | None) -> Row:
    return Row(name=f"scan {pdf.name}", pages=pages, wall_target=target,
               argv=[str(exe), "scan", str(pdf), "--no-cache", "--format", "json",
                        "-o", os.devnull])


def pdf_pages(pdf: Path) -> int | None:
    """Page count, read in a child so that pypdfium2 never enters this (measuring) process."""
    code = ("import sys, pypdfium2 as p; d = p.PdfDocument(sys.argv[1]); print(len(d)); "
            "d.close()")
    result = subprocess.run([sys.executable, "-c", code, str(pdf)], capture_output=True,
                            text=True, check=False)
    return int(result.stdout) if result.returncode == 0 else None


def build_rows(exe: Path, corpus: Path | None) -> tuple[list[tuple[Row, Path | None]], Row | None]:
    rows: list[tuple[Row, Path | None]] = [
        (Row(name="python -c pass (floor)", argv=[sys.executable, "-c", "pass"]), None),
        (Row(name="policyscan --help", argv=[str(exe), "--help"], wall_target=TARGET_HELP_S),
         None),
        (Row(name="policyscan --version", argv=[str(exe), "--version"]), None),
    ]
    sbcs = [SAMPLE_SBC] + ([corpus / n for n in CORPUS_SBCS] if corpus else [])
    for pdf in sbcs:
        rows.append((scan_row(exe, pdf, pdf_pages(pdf), TARGET_SBC_S), pdf))
    if corpus:
        for name in CORPUS_LONG:
            pdf = corpus / name
            pages = pdf_pages(pdf)
            # The target is for a 150-page booklet; longer documents are shown without one.
            target = TARGET_BOOKLET_S if pages is not None and pages <= 150 else None
            rows.append((scan_row(exe, pdf, pages, target), pdf))
    eval_row = (Row(name="policyscan eval CORPUS", argv=[str(exe), "eval", str(corpus)])
                if corpus else None)
    return rows, eval_row


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {"cores": os.cpu_count(), "cpu": cpu, "python": platform.python_version(),
            "implementation": platform.python_implementation(),
            "platform": platform.platform(), "load_avg_1m": load[0] if load else None,
            "rss_method": RSS_METHOD}


def _fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def table(rows: Sequence[Row]) -> list[str]:
    head = (f"{'figure':<62} {'pages':>5} {'wall s':>7} {'target':>7} {'':<10} "
            f"{'RSS MB':>7} {'':<10} {'plumber s':>9} {'ratio':>6}")
    lines = [head, "-" * len(head)]
    for r in rows:
        target = f"<={r.wall_target:g}" if r.wall_target is not None else "-"
        ratio = f"{r.ratio:.3f}" if r.ratio is not None else ("n/a" if r.plumber_error else "-")
        lines.append(
            f"{r.name:<62.62} {_fmt(r.pages, 'd'):>5} {r.wall:>7.3f} {target:>7} "
            f"{verdict(r.wall, r.wall_target):<10} {r.rss:>7.1f} "
            f"{verdict(r.rss, TARGET_RSS_MB):<10} {_fmt(r.plumber, '.3f'):>9} {ratio:>6}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                        help="the real corpus folder (default: ../shared/corpus); skipped "
                             "when absent")
    parser.add_argument("--runs", type=int, default=3, help="fresh processes per figure")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also save the figures here")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    exe = policyscan_exe()
    corpus: Path | None = args.corpus.resolve()
    if corpus is not None and not corpus.is_dir():
        print(f"corpus {args.corpus} not found: timing the sample policy only")
        corpus = None
    version = run_child([str(exe), "--version"]).stdout.strip()
    info = machine()
    print(f"{version}: {args.runs} fresh processes per figure, medians")
    print(f"machine: {info['cores']} cores ({info['cpu']}), {info['implementation']} "
          f"{info['python']}, {info['platform']}, load avg {_fmt(info['load_avg_1m'], '.2f')}")
    print(f"wall: perf_counter around each fresh process; peak RSS: {RSS_METHOD}")
    print("note: figures are noisy on a shared 2-core machine; compare ratios within one run "
          "(policyscan wall / bare pdfplumber extract_text of the same file, fresh process, "
          "imports excluded), not absolute seconds across runs.")
    print(f"targets: --help <= {TARGET_HELP_S} s; one SBC <= {TARGET_SBC_S} s (whole CLI "
          f"process); 150-page booklet <= {TARGET_BOOKLET_S} s; peak RSS <= {TARGET_RSS_MB:g} MB "
          "(every row)\n")

    rows, eval_row = build_rows(exe, corpus)
    measured: list[Row] = []
    for row, pdf in rows:
        measured.append(measure(row, args.runs, with_plumber=pdf))
        print(f"  measured {row.name}", file=sys.stderr, flush=True)
    if eval_row is not None:
        measured.append(measure(eval_row, args.runs))
    print("\n".join(table(measured)))
    for r in measured:
        for problem in (r.error, r.plumber_error):
            if problem:
                print(f"  ! {r.name}: {problem}")
    if eval_row is not None:
        print(f"\neval summary: {eval_row.last_line}")
    over = [r.name for r in measured
            if verdict(r.wall, r.wall_target).startswith("over")
            or verdict(r.rss, TARGET_RSS_MB).startswith("over")]
    print(f"\n{len(over)} figure(s) over target" + (f": {', '.join(over)}" if over else ""))

    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        data = {"version": version, "runs": args.runs, "machine": info,
                "corpus": str(corpus) if corpus else None,
                "targets": {"help_s": TARGET_HELP_S, "sbc_s": TARGET_SBC_S,
                            "booklet_150p_s": TARGET_BOOKLET_S, "rss_mb": TARGET_RSS_MB},
                "rows": [r.to_dict() for r in measured],
                "eval_summary": eval_row.last_line if eval_row else None}
        args.json.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        print(f"figures saved to {args.json}")
    return 1 if any(r.error for r in measured) else 0


if __name__ == "__main__":
    sys.exit(main())
