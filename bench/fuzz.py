"""Fuzzing, for a bounded time: PDF opening and scanning, and pattern-file loading.

    .venv/bin/pip install -e '.[test,fuzz]'
    .venv/bin/python bench/fuzz.py --seconds 60            # both parts, 60 s each
    .venv/bin/python bench/fuzz.py --part pdf --seconds 300

(a) ``pdf``: bytes of the sample policies and of small hand-made PDFs (page trees that
loop, self-references, compressed streams, a broken font map, no pages) are mutated —
bit flips, truncations, splices of one file into another, numbers swapped for extreme
ones, PDF keywords dropped in, regions repeated — written to a temporary file and scanned
with ``Scanner.scan`` (pdfium, and pdfplumber for one input in five). A crash is an
exception escaping ``scan``, a status other than ok / needs_ocr / failed, or a report that
breaks its invariants: pages >= 0, every finding on a page that exists, its quote the
exact slice of that page's text, its box finite.

(b) ``rules``: random YAML documents (rule-shaped mappings with fields of every type, and
structures of any shape) and mutated real pattern files (lines dropped, repeated or
re-indented, characters changed, YAML tags, anchors and aliases inserted) are written to a
temporary pattern directory and loaded with ``load_rules([dir])``. A crash is anything
escaping other than ``RuleFileError`` / ``DataFileError``. One loaded set in ten also has
its matchers built and scans a sentence (spaCy may refuse a token pattern only then, which
must also be a ``RuleFileError``).

Hypothesis draws the inputs (it is the generator; every execution is its own example, so
a crash is recorded and fuzzing goes on). Crashing inputs are saved to
``bench/out/fuzz/``; the input being run is always in ``current.*`` there, so a hang or a
crash of the process itself leaves it behind. Prints executions, duration and crashes.
"""

from __future__ import annotations

import argparse
import contextlib
import faulthandler
import math
import os
import re
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # badinputs: the hand-made PDFs

from badinputs import (  # noqa: E402
    HELVETICA,
    bomb_pdf,
    garbage_font_pdf,
    kids_loop_pdf,
    raw_pdf,
    self_reference_pdf,
    stream,
    zero_pages_pdf,
)

from policyscan.errors import DataFileError, RuleFileError  # noqa: E402
from policyscan.extract import open_document  # noqa: E402
from policyscan.rules.loader import load_rules  # noqa: E402
from policyscan.scanner import Scanner, ScanOptions  # noqa: E402

OUT = ROOT / "bench" / "out" / "fuzz"
STATUSES = {"ok", "needs_ocr", "failed"}
EXAMPLES_PER_ROUND = 50


# One execution longer than this is a hang (recorded, and fuzzing goes on); one stuck in C
# code for HANG_EXIT seconds ends the run with a stack dump (the input is in current.*).
HANG_SECONDS = 20
HANG_EXIT = 90


class Crash(Exception):
    pass


class Hang(Exception):
    pass


def _on_alarm(signum: int, frame: Any) -> None:
    raise Hang(f"one execution ran over {HANG_SECONDS} s")


@contextlib.contextmanager
def watchdog() -> Iterator[None]:
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(HANG_SECONDS)
    faulthandler.dump_traceback_later(HANG_EXIT, exit=True)
    try:
        yield
    finally:
        signal.alarm(0)
        faulthandler.cancel_dump_traceback_later()


# -- seeds ------------------------------------------------------------------------------


def _text_pdf(lines: list[str], *, compress: bool = False) -> bytes:
    import zlib

    content = b"\n".join(b"BT /F1 11 Tf 72 %d Td (%s) Tj ET" % (720 - 14 * i, line.encode())
                         for i, line in enumerate(lines))
    body = stream(zlib.compress(content), b"/Filter /FlateDecode ") if compress \
        else stream(content)
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
                    b"/Resources << /Font << /F1 5 0 R >> >> >>",
                    body, HELVETICA])


def pdf_seeds() -> list[bytes]:
    plan = ["Prior authorization is required for all inpatient surgery.",
            "Cosmetic surgery is not covered, except reconstructive surgery after a mastectomy.",
            "You may file an appeal within 180 days of the denial."]
    seeds = [p.read_bytes() for p in sorted((ROOT / "sample_policies").glob("*.pdf"))]
    seeds += [_text_pdf(plan), _text_pdf(plan, compress=True), self_reference_pdf(),
              kids_loop_pdf(), garbage_font_pdf(), zero_pages_pdf(),
              bomb_pdf(8 << 20)]  # a small "bomb": 8 MB, under the limit
    return seeds


# -- mutations --------------------------------------------------------------------------

_TOKENS = [b" R", b" 0 R", b"1 0 R", b"<<", b">>", b"[", b"]", b"obj", b"endobj", b"stream\n",
           b"endstream", b"/Kids [3 0 R 3 0 R]", b"/Length 999999999", b"/Count -1",
           b"/Count 4294967295", b"/Filter /FlateDecode", b"/Filter /LZWDecode", b"(", b")",
           b"\\", b"/Type /Pages", b"/Type /Page", b"xref", b"trailer", b"startxref", b"%%EOF",
           b"/Encrypt 1 0 R", b"/Rotate 45", b"/MediaBox [0 0 0 0]",
           b"/MediaBox [0 0 1e30 1e30]", b"/ToUnicode 4 0 R", b"\x00", b"\xff" * 8,
           b"BT", b"ET", b"Tj", b"TJ", b"Tf", b"Td", b"Tm", b"q", b"Q", b"cm", b"Do"]
_NUMBERS = [b"0", b"-1", b"1", b"2147483647", b"2147483648", b"-2147483649", b"4294967296",
            b"99999999999999999999", b"1e308", b"nan", b"0.0000001", b"-0"]
_NUMBER = re.compile(rb"-?\d+(?:\.\d+)?")


@st.composite
def mutated(draw: Any, seeds: list[bytes]) -> tuple[bytes, str]:
    data = bytearray(draw(st.sampled_from(seeds)))
    done: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "truncate", "splice", "number", "token",
                                     "repeat", "delete"]))
        if not data:
            data += draw(st.binary(min_size=1, max_size=64))
        at = draw(st.integers(0, len(data) - 1))
        if kind == "flip":
            for _ in range(draw(st.integers(1, 16))):
                pos = draw(st.integers(0, len(data) - 1))
                data[pos] ^= 1 << draw(st.integers(0, 7))
        elif kind == "truncate":
            del data[at:]
        elif kind == "splice":
            other = draw(st.sampled_from(seeds))
            start = draw(st.integers(0, len(other) - 1))
            piece = other[start:start + draw(st.integers(1, 4096))]
            end = at + (len(piece) if draw(st.booleans()) else 0)  # replace or insert
            data[at:end] = piece
        elif kind == "number":
            numbers = list(_NUMBER.finditer(data))
            if numbers:
                m = draw(st.sampled_from(numbers))
                data[m.start():m.end()] = draw(st.sampled_from(_NUMBERS))
        elif kind == "token":
            data[at:at] = draw(st.sampled_from(_TOKENS))
        elif kind == "repeat":
            piece = data[at:at + draw(st.integers(1, 512))]
            data[at:at] = bytes(piece) * draw(st.integers(2, 64))
        else:
            del data[at:at + draw(st.integers(1, 256))]
        done.append(kind)
    return bytes(data), "+".join(done)


# -- part (a): PDF opening and scanning -----------------------------------------------------


def check_pdf(scanner: Scanner, path: Path) -> str:
    """The report's status, after checking it; raises ``Crash`` for a broken report."""
    report = scanner.scan(path)
    if report.status not in STATUSES:
        raise Crash(f"status {report.status!r}")
    if report.pages < 0:
        raise Crash(f"pages {report.pages}")
    if report.status != "ok":
        if report.error is None or not report.error.message:
            raise Crash(f"{report.status} without an error message")
        if report.findings:
            raise Crash(f"{report.status} with findings")
        return report.status
    if not report.findings:
        return report.status
    try:
        with open_document(path, engine=scanner.options.engine) as doc:
            texts = {p.number: p.text for p in doc.pages}
    except Exception as exc:
        raise Crash(f"scanned ok, then failed to reopen: {type(exc).__name__}: {exc}") from exc
    for f in report.findings:
        if f.page not in texts or not 1 <= f.page <= report.pages:
            raise Crash(f"finding on page {f.page} of {report.pages}")
        if not 0 <= f.start <= f.end <= len(texts[f.page]) or \
                texts[f.page][f.start:f.end] != f.quote:
            raise Crash(f"quote is not the page text slice on page {f.page} ({f.rule})")
        if f.bbox is not None and not all(math.isfinite(v) for v in f.bbox):
            raise Crash(f"box {f.bbox}")
    return report.status


# -- part (b): pattern-file loading -----------------------------------------------------------

_FIELDS = ["id", "category", "title", "phrases", "patterns", "fuzzy", "fuzzy_threshold",
           "context", "unless", "negated_by", "extract", "quote", "score", "facts", "source",
           "examples", "notes", "bogus"]
_CATEGORIES = ["cosmetic_exclusion", "prior_authorization", "appeal_deadline", "code", "nope"]
scalars = (st.none() | st.booleans() | st.integers(-2**70, 2**70)
           | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=30)
           | st.sampled_from(["@appeal", "@nope", "sentence", "deadline", "match", "x" * 500,
                              "", " ", "ÿ", "{", "[", "*"]) | st.sampled_from(_CATEGORIES))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=5)
                      | st.dictionaries(st.text(max_size=10) | st.sampled_from(_FIELDS),
                                        inner, max_size=5), max_leaves=25)
token_patterns = st.lists(st.lists(st.dictionaries(
    st.sampled_from(["LOWER", "ORTH", "LIKE_NUM", "OP", "IS_PUNCT", "TEXT", "NOPE", "IN"]),
    scalars | st.dictionaries(st.sampled_from(["IN", "NOT_IN", "REGEX", "FUZZY"]),
                              st.lists(st.text(max_size=8), max_size=3) | scalars,
                              max_size=2), max_size=3), max_size=4), max_size=3)


@st.composite
def rule_like(draw: Any) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "id": draw(st.sampled_from(["fuzz.rule", "fuzz.rule-2", "Bad ID", "", "fuzz."])
                   | st.text(max_size=12)),
        "category": draw(st.sampled_from(_CATEGORIES)),
        "title": draw(st.text(max_size=20) | scalars),
        "phrases": draw(st.lists(st.text(max_size=20), max_size=4) | values),
        "score": draw(st.floats(-1, 2) | scalars),
        "source": draw(st.text(max_size=10) | scalars),
        "examples": draw(st.fixed_dictionaries({
            "match": st.lists(st.text(max_size=40), max_size=2),
            "no_match": st.lists(st.text(max_size=40), max_size=2)}) | values),
    }
    for name in draw(st.lists(st.sampled_from(_FIELDS), max_size=5)):
        rule[name] = draw(token_patterns if name == "patterns" else values)
    for name in draw(st.lists(st.sampled_from(list(rule)), max_size=2)):
        rule.pop(name, None)
    return rule


@st.composite
def pattern_file(draw: Any, real: list[str]) -> tuple[str, str]:
    """(YAML text, how it was made)."""
    how = draw(st.sampled_from(["rules", "any", "mutated", "restructured"]))
    if how == "rules":
        doc: Any = {"rules": draw(st.lists(rule_like(), min_size=1, max_size=3))}
        if draw(st.booleans()):
            doc["category"] = draw(st.sampled_from(_CATEGORIES) | scalars)
        return yaml.safe_dump(doc, allow_unicode=True), how
    if how == "any":
        return yaml.safe_dump(draw(values), allow_unicode=True), how
    text = draw(st.sampled_from(real))
    if how == "restructured":
        doc = yaml.safe_load(text)
        rules = doc.get("rules") if isinstance(doc, dict) else None
        if isinstance(rules, list) and rules:
            i = draw(st.integers(0, len(rules) - 1))
            rule = dict(rules[i]) if isinstance(rules[i], dict) else {}
            key = draw(st.sampled_from(sorted(rule) + _FIELDS))
            rule[key] = draw(token_patterns if key == "patterns" else values)
            rules[i] = rule
        return yaml.safe_dump(doc, allow_unicode=True), how
    lines = text.splitlines()
    for _ in range(draw(st.integers(1, 5))):
        if not lines:
            lines = [""]
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["drop", "repeat", "indent", "char", "insert"]))
        if op == "drop":
            del lines[i]
        elif op == "repeat":
            lines.insert(i, lines[i])
        elif op == "indent":
            lines[i] = " " * draw(st.integers(0, 8)) + lines[i].lstrip()
        elif op == "char" and lines[i]:
            j = draw(st.integers(0, len(lines[i]) - 1))
            lines[i] = lines[i][:j] + draw(st.characters(exclude_categories=["Cs"])) \
                + lines[i][j + 1:]
        else:
            lines.insert(i, draw(st.sampled_from([
                "  - !!python/object/apply:os.system ['echo pwned']",
                "x: !!python/name:os.system", "a: &a [*a]", "b: &b {x: 1}", "- *b",
                "rules: *b", "<<: *b", "? [complex key]", "%YAML 1.1", "---", "...",
                "\t- tab", "'unterminated", "{", "!!binary aGVsbG8=", "!custom 1",
                "        - " + "x" * 10_000])))
    return "\n".join(lines) + "\n", "mutated-lines"


def check_rules(directory: Path, text: str, build: bool) -> None:
    for old in directory.iterdir():
        old.unlink()
    (directory / "fuzz.yaml").write_text(text, encoding="utf-8")
    try:
        ruleset = load_rules([directory])
        if build:
            Scanner(ruleset).scan_text("Prior authorization is required for surgery.")
    except (RuleFileError, DataFileError):
        return


# -- running ---------------------------------------------------------------------------------


class Run:
    def __init__(self, name: str, seconds: float) -> None:
        self.name = name
        self.seconds = seconds
        self.started = time.monotonic()
        self.executions = 0
        self.crashes: Counter[str] = Counter()
        self.statuses: Counter[str] = Counter()
        OUT.mkdir(parents=True, exist_ok=True)

    @property
    def over(self) -> bool:
        return time.monotonic() - self.started >= self.seconds

    def record(self, data: bytes, suffix: str, exc: BaseException) -> None:
        key = f"{type(exc).__name__}: {str(exc)[:120]}"
        if key not in self.crashes:
            path = OUT / f"crash-{self.name}-{len(self.crashes) + 1}{suffix}"
            path.write_bytes(data)
            tb = "".join(traceback.format_exception(exc))
            path.with_suffix(path.suffix + ".txt").write_text(tb, encoding="utf-8")
            print(f"  CRASH {key}  (saved {path.relative_to(ROOT)})", flush=True)
        self.crashes[key] += 1

    def rounds(self, test: Callable[[], None]) -> None:
        """Run the hypothesis test in rounds until the time is up (each round draws new
        examples; nothing is stored between runs)."""
        while not self.over:
            test()

    def summary(self) -> str:
        elapsed = time.monotonic() - self.started
        lines = [f"{self.name}: {self.executions} executions in {elapsed:.1f} s "
                 f"({self.executions / max(elapsed, 1e-9):.1f}/s), "
                 f"{sum(self.crashes.values())} crashes ({len(self.crashes)} distinct)"]
        if self.statuses:
            lines.append("  outcomes: " + ", ".join(f"{k} {v}" for k, v in
                                                    sorted(self.statuses.items())))
        lines += [f"  {n} x {key}" for key, n in self.crashes.items()]
        return "\n".join(lines)


SETTINGS = settings(max_examples=EXAMPLES_PER_ROUND, deadline=None, database=None,
                    phases=[Phase.generate], derandomize=False,
                    suppress_health_check=list(HealthCheck))


def fuzz_pdf(seconds: float) -> Run:
    run = Run("pdf", seconds)
    seeds = pdf_seeds()
    rules = load_rules()
    scanners = {e: Scanner(rules, ScanOptions(engine=e, ocr="off", max_pages=40))
                for e in ("pdfium", "pdfplumber")}
    scanners["pdfium"].matchers  # noqa: B018  (spaCy built before the clock matters)
    current = OUT / "current.pdf"
    tmp = Path(tempfile.mkdtemp(prefix="fuzz-pdf-"))
    target = tmp / "input.pdf"

    @SETTINGS
    @given(mutated(seeds), st.integers(0, 4))
    def test(example: tuple[bytes, str], engine_pick: int) -> None:
        if run.over:
            return
        data, _how = example
        current.write_bytes(data)
        target.write_bytes(data)
        scanner = scanners["pdfplumber" if engine_pick == 0 else "pdfium"]
        run.executions += 1
        try:
            with watchdog():
                run.statuses[check_pdf(scanner, target)] += 1
        except BaseException as exc:  # every escape is a crash, KeyboardInterrupt aside
            if isinstance(exc, KeyboardInterrupt):
                raise
            run.record(data, ".pdf", exc)

    run.rounds(test)
    return run


def fuzz_rules(seconds: float) -> Run:
    run = Run("rules", seconds)
    real = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "patterns").glob("*.yaml"))
            if p.name != "vocabulary.yaml"]
    current = OUT / "current.yaml"
    tmp = Path(tempfile.mkdtemp(prefix="fuzz-rules-"))

    @SETTINGS
    @given(pattern_file(real), st.integers(0, 9))
    def test(example: tuple[str, str], build_pick: int) -> None:
        if run.over:
            return
        text, how = example
        current.write_text(text, encoding="utf-8")
        run.executions += 1
        run.statuses[how] += 1
        try:
            with watchdog():
                check_rules(tmp, text, build=build_pick == 0)
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            run.record(text.encode("utf-8"), ".yaml", exc)

    run.rounds(test)
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="per part (default 60)")
    parser.add_argument("--part", choices=["pdf", "rules", "both"], default="both")
    args = parser.parse_args()
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    runs = []
    if args.part in ("pdf", "both"):
        runs.append(fuzz_pdf(args.seconds))
        print(runs[-1].summary(), flush=True)
    if args.part in ("rules", "both"):
        runs.append(fuzz_rules(args.seconds))
        print(runs[-1].summary(), flush=True)
    sys.exit(1 if any(r.crashes for r in runs) else 0)


if __name__ == "__main__":
    main()
