"""CPU seconds of whole ``policyscan`` commands, this checkout against another one.

    .venv/bin/python bench/bench_cpu.py --base /tmp/base [--runs 5] [--files DIR]
        [--figures startup,sbc,kaiser,booklet,batch,cached] [--json FILE] [--instructions]

``--base`` is another checkout of policyscan with its own ``.venv`` (``git worktree add
/tmp/base COMMIT``, then ``python3 -m venv .venv && .venv/bin/pip install -e . reportlab``
there). Each figure runs the two checkouts' ``policyscan`` commands in turn, ``--runs``
times each, alternating which goes first, and reports the median CPU seconds (user + sys
of the process and the workers it waited for, from ``os.wait4``) and the ratio this / base.
The machine this project is measured on is shared: CPU time is much steadier than wall
time there, and alternating spreads a drift over both sides.

Figures (a figure whose input is missing is skipped):

* ``startup``: a two-sentence text file (what every single-document run pays before reading);
* ``sbc``: the sample Northwind SBC; ``kaiser``: the corpus's 14-page Kaiser SBC;
* ``booklet``: the corpus's 150-page booklet;
* ``batch``: ``--files DIR`` (default bench/pdfs/sbc300, made by make_sbc_folder.py) with
  ``--jobs 1 --no-cache``, in milliseconds per file;
* ``cached``: the same folder rescanned with ``--jobs 2`` from a cache the previous run
  of the same checkout filled (the cache is emptied before each pair of runs).

``--instructions`` counts instructions instead, with valgrind's callgrind (one run per
side, the two sides at once): the same count for the same code and input however busy the
machine is, where CPU seconds moved by 20% between runs here. It scans in the command's own
process (``--timeout 0``: no worker is forked, whose count would include its parent's), and
runs about 50 times slower, so its default figures are startup, sbc and kaiser; ``cached``
forks workers and is not counted. Instructions are not seconds (Python's own code runs
more of them per second than spaCy's compiled code), but a ratio that moves is a change.

Both sides run with their bytecode written and read as an installed package's is: the
environment's ``PYTHONDONTWRITEBYTECODE`` is dropped and each side runs once before anything
is measured, and each figure's command once before it is counted (a side compiling its
sources on every run counted 11% more instructions here).

The corpus (../shared/corpus next to the checkout) is read by path only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
INPUTS = {
    "sbc": ROOT / "sample_policies" / "sbc_northwind_silver_ppo.pdf",
    "kaiser": CORPUS / "sbc_kaiser_ca_small_group_silver70_hmo_2025.pdf",
    "booklet": CORPUS / "booklet_anthem_ucship_ucdavis_ppo_2024-25.pdf",
}
STARTUP_TEXT = ("A plan may require approval before a scan. You may ask for a review within "
                "90 days of the letter.\n")


# Each command's environment: its bytecode kept, as an installed package's is.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def cpu_seconds(argv: list[str]) -> float:
    """User + sys seconds of a command and the children it waited for."""
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env=ENV)
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) not in (0, 3):
        raise SystemExit(f"failed ({status}): {' '.join(argv)}")
    return usage.ru_utime + usage.ru_stime


def instructions(argv: list[str]) -> float:
    """Millions of instructions a command executes (callgrind), scanning in its own
    process; hash randomisation off, so a rerun counts the same."""
    env = {**ENV, "PYTHONHASHSEED": "0"}
    done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                           *argv, "--timeout", "0"], env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, check=False)
    counted = re.search(r"Collected\s*:\s*(\d+)", done.stderr)
    if done.returncode not in (0, 3) or counted is None:
        raise SystemExit(f"failed under valgrind ({done.returncode}): {' '.join(argv)}\n"
                         f"{done.stderr[-2000:]}")
    return int(counted.group(1)) / 1e6


def commands(command: str, figure: str, files: Path, tmp: Path) -> list[list[str]]:
    """The commands of one measurement: all but the last prepare it, the last is timed."""
    if figure == "startup":
        return [[command, str(tmp / "startup.txt"), "--no-cache", "--format", "json"]]
    if figure in INPUTS:
        return [[command, str(INPUTS[figure]), "--no-cache", "--format", "json"]]
    out = ["--format", "jsonl", "-o", str(tmp / "out.jsonl"), "-q"]
    if figure == "batch":
        return [[command, str(files), "--jobs", "1", "--no-cache", *out]]
    cache = tmp / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    rescan = [command, str(files), "--jobs", "2", "--cache-dir", str(cache), *out]
    return [rescan, rescan]


def available(figure: str, files: Path) -> bool:
    if figure in INPUTS:
        return INPUTS[figure].exists()
    return figure == "startup" or files.is_dir()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", type=Path, required=True,
                        help="another checkout with its own .venv")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--files", type=Path, default=ROOT / "bench" / "pdfs" / "sbc300")
    parser.add_argument("--figures")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--instructions", action="store_true",
                        help="count instructions with valgrind instead of timing")
    args = parser.parse_args()
    if args.instructions:
        if shutil.which("valgrind") is None:
            raise SystemExit("--instructions needs valgrind (apt-get install valgrind)")
        figures = (args.figures or "startup,sbc,kaiser").split(",")
        if "cached" in figures:
            raise SystemExit("--instructions cannot count 'cached': its workers are forked")
    else:
        figures = (args.figures or "startup,sbc,kaiser,booklet,batch,cached").split(",")
    sides = {"base": args.base / ".venv" / "bin" / "policyscan",
             "this": Path(sys.executable).with_name("policyscan")}
    for name, command in sides.items():
        if not command.exists():
            raise SystemExit(f"no policyscan command for {name}: {command}")
    count = len([p for p in args.files.glob("*.pdf")]) if args.files.is_dir() else 0
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        (tmp / "startup.txt").write_text(STARTUP_TEXT, encoding="utf-8")
        for command in sides.values():  # writes each side's bytecode before any figure
            cpu_seconds(commands(str(command), "startup", args.files, tmp)[-1])
        unit = ("millions of instructions, one run each; batch: per file" if args.instructions
                else f"median CPU seconds of {args.runs} runs; batch: ms per file")
        print(f"{'figure':10} {'base':>9} {'this':>9} {'ratio':>6}   ({unit})")
        for figure in figures:
            if not available(figure, args.files):
                print(f"{figure:10} skipped (input missing)")
                continue
            times: dict[str, list[float]] = {name: [] for name in sides}
            if args.instructions:
                argvs = [commands(str(c), figure, args.files, tmp)[-1] for c in sides.values()]
                for argv in argvs:  # once outside valgrind: what this figure imports is compiled
                    cpu_seconds(argv)
                with ThreadPoolExecutor(len(sides)) as pool:
                    counts = pool.map(instructions, argvs)
                    for name, counted in zip(sides, counts, strict=True):
                        times[name].append(counted)
            for run in range(0 if args.instructions else args.runs):
                order = list(sides.items()) if run % 2 == 0 else list(sides.items())[::-1]
                for name, command in order:
                    steps = commands(str(command), figure, args.files, tmp)
                    for step in steps[:-1]:
                        cpu_seconds(step)
                    times[name].append(cpu_seconds(steps[-1]))
            scale = 1.0
            if figure == "batch" and count:
                scale = 1 / count if args.instructions else 1000 / count
            base, this = (statistics.median(times[n]) * scale for n in ("base", "this"))
            results[figure] = {"base": base, "this": this, "ratio": this / base}
            print(f"{figure:10} {base:9.3f} {this:9.3f} {this / base:6.3f}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
