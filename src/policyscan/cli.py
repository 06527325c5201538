"""The command line: options in, the engine called, a formatter out, an exit code back.

No matching logic lives here. Heavy modules (spaCy, pdf readers, rich) are imported
inside the commands so that ``policyscan --help`` answers at once.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn

import click

from . import __version__
from .errors import EXIT_INCOMPLETE, EXIT_OK, EXIT_USAGE, PolicyScanError
from .report.safe import safe_name

OCR_MODES = ("auto", "on", "off")  # extract/ocr.py; spelled out so --help imports nothing
FORMATS = ("terminal", "json", "jsonl", "csv", "csv-long", "grid-csv", "markdown", "html")
DEFAULT_TIMEOUT = 300.0  # seconds per file


class _DefaultToScan(click.Group):
    """``policyscan FILE…`` means ``policyscan scan FILE…``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h",
                                                                      "--version"):
            args = ["scan", *args]
        return super().parse_args(ctx, args)


if TYPE_CHECKING:
    from .case import Case
    from .engine import BatchOptions
    from .options import ScanOptions
    from .rules.loader import RuleSet


def _fail(message: str) -> NoReturn:
    click.echo(f"Error: {safe_name(message)}", err=True)
    sys.exit(EXIT_USAGE)


def _load_rules(patterns: tuple[Path, ...]) -> RuleSet:
    from .rules.loader import load_rules

    try:
        return load_rules(list(patterns))
    except PolicyScanError as exc:
        _fail(str(exc))


def _positive(ctx: click.Context, param: click.Parameter, value: int | None) -> int | None:
    if value is not None and value <= 0:
        raise click.BadParameter("must be a positive number")
    return value


def output_options(command: Any) -> Any:
    """The report files and annotated PDFs written from the same run as ``--format``."""
    file_type = click.Path(path_type=Path, dir_okay=False)
    for name, what in reversed((("html", "a self-contained HTML report"),
                                ("json", "the JSON report"),
                                ("jsonl", "JSON Lines (a document a line)"),
                                ("csv", "the plan-by-facts CSV"),
                                ("markdown", "a Markdown report"))):
        command = click.option(f"--{name}", f"{name}_file", type=file_type, metavar="FILE",
                               help=f"Also write {what} to FILE.")(command)
    command = click.option(
        "--annotate-dir", type=click.Path(path_type=Path, file_okay=False), metavar="DIR",
        help="Write a copy of each PDF with its findings highlighted into DIR "
             "(NAME.annotated.pdf).")(command)
    command = click.option(
        "--annotate", type=file_type, metavar="OUT.pdf",
        help="Write a copy of the one input PDF with its findings highlighted.")(command)
    return command


patterns_option = click.option(
    "--patterns", "patterns", multiple=True, type=click.Path(path_type=Path, file_okay=False),
    help="A directory of extra rule files (YAML) to load with the built-in ones. Repeatable.")


@click.group(cls=_DefaultToScan, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="policyscan")
def main() -> None:
    """Find cosmetic exclusions, prior-authorization rules, appeal rights and deadlines in
    health-insurance documents (PDF, .txt, .md), offline.

    \b
    policyscan mypolicy.pdf                 annotated report in the terminal
    policyscan plans/ --format jsonl        one JSON document per line
    policyscan diff OLD.pdf NEW.pdf         what changed between two plans or years
    policyscan rules --test                 check every rule against its examples
    policyscan eval CORPUS --gold GOLD      score against hand-checked gold files

    Exit codes: 0 every document scanned; 2 usage or rule-file error; 3 some document
    could not be scanned (needs OCR, failed, timed out).
    """


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="terminal",
              show_default=True, help="Output format (csv: one row per document, the "
              "plan-by-facts comparison; grid-csv: one row per SBC grid row).")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the report to this file instead of standard output.")
@click.option("--engine", type=click.Choice(["pdfium", "pdfplumber"]), default="pdfium",
              show_default=True, help="PDF text engine. pdfplumber is ~40x slower.")
@click.option("--password", help="Password of encrypted PDFs.")
@click.option("--ocr", "ocr", type=click.Choice(OCR_MODES), default="auto", show_default=True,
              help="Read pages without usable text (scans, broken fonts) with tesseract: "
                   "auto does when it is installed.")
@patterns_option
@click.option("--include", multiple=True, metavar="GLOB",
              help="In folders, scan only files matching this glob (repeatable).")
@click.option("--exclude", multiple=True, metavar="GLOB",
              help="In folders, skip files matching this glob (repeatable).")
@click.option("-j", "--jobs", type=click.IntRange(min=1),
              help="Worker processes (default: the number of cores).")
@click.option("--timeout", type=click.FloatRange(min=0),
              help=f"Stop a file after this many seconds (0: never; default "
                   f"{DEFAULT_TIMEOUT:g}; none with --debug).")
@click.option("--max-pages", type=int, callback=_positive,
              help="Scan at most this many pages of each document.")
@click.option("--max-bytes", type=int, callback=_positive,
              help="Refuse files larger than this many bytes.")
@click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False),
              help="Where to keep results of unchanged files (default: the user cache).")
@click.option("--no-cache", is_flag=True, help="Neither read nor write cached results.")
@click.option("--resume", is_flag=True,
              help="Skip files already in the -o JSON Lines output and append the rest.")
@click.option("--scheduler", metavar="tcp://HOST:PORT",
              help="Run the scan on a Dask cluster (needs policyscan[dask]; see "
                   "docs/cluster.md).")
@click.option("--procedure", "procedures", metavar="NAME", multiple=True,
              help='Add an outlook for this procedure ("micro needling", "rhinoplasty" …); '
                   "repeatable: a column each in the comparison.")
@click.option("--denied-on", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="The date on the denial: turn appeal deadlines into calendar dates.")
@click.option("--received-on", type=click.DateTime(formats=["%Y-%m-%d"]),
              metavar="YYYY-MM-DD", help="The day you received the denial (default: "
              "--denied-on).")
@click.option("--decided-on", "decided_on", multiple=True, metavar="STAGE=YYYY-MM-DD",
              help="When a stage was decided (repeatable): later stages count from it, "
                   "e.g. first_internal_appeal=2025-06-02 dates a second level or an "
                   "external review. Stages: first_internal_appeal, grievance, "
                   "informal_review, second_level.")
@click.option("--min-score", type=click.FloatRange(0, 1), metavar="0..1",
              help="Report candidates scoring at least this (default: each category's "
                   "threshold in the pattern files); lower shows weaker evidence too.")
@click.option("--bom", is_flag=True,
              help="Start CSV output with a UTF-8 byte order mark (for spreadsheet programs).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@click.option("--color/--no-color", default=None,
              help="Force colour on or off (default: on for a terminal unless NO_COLOR).")
@click.option("-v", "--verbose", is_flag=True, help="Show every finding in the terminal.")
@click.option("--debug", is_flag=True, help="Show tracebacks for unexpected errors.")
@output_options
def scan(paths: tuple[str, ...], fmt: str, output: Path | None, engine: str,
         password: str | None, patterns: tuple[Path, ...], include: tuple[str, ...],
         exclude: tuple[str, ...], jobs: int | None, timeout: float | None,
         max_pages: int | None, max_bytes: int | None, cache_dir: Path | None,
         no_cache: bool, resume: bool, scheduler: str | None, procedures: tuple[str, ...],
         denied_on: datetime | None, received_on: datetime | None,
         decided_on: tuple[str, ...], min_score: float | None,
         bom: bool, quiet: bool, color: bool | None, verbose: bool, debug: bool, ocr: str,
         **outputs: Any) -> None:
    """Scan PDF, .txt and .md files (folders are searched for them)."""
    from .discovery import discover
    from .engine import run_batch
    from .options import ScanOptions
    from .report import make_formatter
    from .report.outputs import Outputs, check_outputs, open_outputs

    rules = _load_rules(patterns)
    files, problems = discover(list(paths), include, exclude)
    options = ScanOptions(engine=engine, password=password, max_pages=max_pages,
                          max_bytes=max_bytes, debug=debug,
                          case=_case(procedures, denied_on, received_on, decided_on),
                          ocr=_ocr_mode(ocr),
                          min_score=min_score)
    batch = _batch_options(rules, options, files, jobs=jobs, timeout=timeout,
                           cache_dir=None if no_cache else cache_dir, cache=not no_cache,
                           scheduler=scheduler)
    if scheduler:
        from .distributed import check_scheduler

        if jobs:
            click.echo("Note: --jobs is ignored with --scheduler: the cluster's workers scan "
                       "(docs/cluster.md)", err=True)
        try:
            check_scheduler(scheduler)
        except PolicyScanError as exc:
            _fail(str(exc))
    extra = Outputs.from_options(outputs)
    try:
        check_outputs(extra, files, problems, output)
    except PolicyScanError as exc:
        _fail(str(exc))
    if resume:
        if output is None or fmt != "jsonl":
            _fail("--resume needs --format jsonl and -o FILE: it continues that file")
        from .resume import read_finished

        try:
            batch.resumed = read_finished(output)
        except PolicyScanError as exc:
            _fail(str(exc))
    fmt_options: dict[str, Any] = {"verbose": verbose, "bom": bom}
    if fmt == "terminal":
        fmt_options["color"] = False if output else color
    # A terminal report of a batch is written at the end (it leads with the comparison),
    # so the bar never interleaves with it.
    show_progress = not quiet and sys.stderr.isatty()
    try:
        with ExitStack() as stack:
            stream = stack.enter_context(_report_stream(output, fmt, resume))
            with open_outputs(make_formatter(fmt, stream, **fmt_options), extra, files=files,
                              password=password, engine=engine, verbose=verbose, quiet=quiet,
                              bom=bom,
                              note=lambda message: click.echo(safe_name(message), err=True)
                              ) as formatter:
                if show_progress and len(files) + len(problems) > 1:
                    from .report.progress import ProgressBar

                    with ProgressBar(len(files) + len(problems), sys.stderr) as bar:
                        batch.on_done = bar.advance
                        report = run_batch(files, problems, rules, options, batch, formatter)
                else:
                    report = run_batch(files, problems, rules, options, batch, formatter)
    except PolicyScanError as exc:
        _fail(str(exc))
    except OSError as exc:
        # A full disk or a closed pipe: what was being written is said, no traceback.
        where = f"the report to {output}" if output else "the report"
        _fail(f"cannot write {where}: {exc.strerror or exc}"
              + ("; free some space and run again" if exc.errno == errno.ENOSPC else ""))
    except KeyboardInterrupt:
        if output and fmt != "jsonl":  # written whole or not at all (atomic_output)
            said = f"Interrupted. {safe_name(str(output))} was left as it was."
        else:
            said = "Interrupted. Documents already written are kept" + (
                "; rerun with --resume to finish." if output else ".")
        click.echo(said, err=True)
        sys.exit(130)
    if not report.documents:
        click.echo("Error: no PDF, .txt or .md file was found in "
                   + ", ".join(safe_name(p) for p in paths)
                   + " (--include GLOB scans other names)", err=True)
        sys.exit(EXIT_INCOMPLETE)
    incomplete = any(d.status != "ok" for d in report.documents)
    sys.exit(EXIT_INCOMPLETE if incomplete else EXIT_OK)


@contextmanager
def _report_stream(output: Path | None, fmt: str, resume: bool) -> Iterator[IO[str]]:
    """Where the main report goes: standard output, or ``-o FILE`` written whole through a
    temporary file and renamed (so a failed run leaves the old file as it was). JSON Lines
    are the exception: written as they come, so an interrupted run can be resumed."""
    if output is None:
        yield sys.stdout
        return
    from .report.outputs import atomic_output

    with ExitStack() as stack:
        try:
            stream = stack.enter_context(
                atomic_output(output) if fmt != "jsonl"
                else open(output, "a" if resume else "w", encoding="utf-8"))  # noqa: SIM115
        except OSError as exc:
            _fail(f"cannot write the report to {output}: {exc.strerror or exc}")
        yield stream


def _ocr_mode(mode: str) -> str:
    """The mode to scan with, "on" or "off": auto is on when tesseract is installed;
    on without a working tesseract is a usage error that says how to install it."""
    if mode == "off":
        return "off"
    from .extract.ocr import installed, unavailable

    if mode == "auto":
        # Whether tesseract really runs is checked when a page needs it (importing
        # pytesseract and asking tesseract its languages cost ~80 ms a run).
        return "on" if installed() else "off"
    why = unavailable()
    if why is not None:
        _fail(f"--ocr on: {why}")
    return "on"


def _decided(values: tuple[str, ...]) -> tuple[tuple[str, date], ...]:
    """--decided-on STAGE=YYYY-MM-DD values, checked."""
    from .case import stage_name

    out: list[tuple[str, date]] = []
    for value in values:
        stage_text, sep, day = value.partition("=")
        stage = stage_name(stage_text)
        if not sep or stage is None:
            _fail(f"--decided-on {value!r}: write STAGE=YYYY-MM-DD with a stage such as "
                  "first_internal_appeal, grievance, informal_review or second_level")
        try:
            when = datetime.strptime(day.strip(), "%Y-%m-%d").date()
        except ValueError:
            _fail(f"--decided-on {value!r}: the date must be YYYY-MM-DD")
        out.append((stage, when))
    return tuple(out)


def _case(procedures: tuple[str, ...] | str | None, denied_on: datetime | None,
          received_on: datetime | None, decided_on: tuple[str, ...] = ()) -> Case:
    """The member's case from the options; an unknown procedure is a usage error that
    says what policyscan knows instead."""
    from .case import Case

    names = (procedures,) if isinstance(procedures, str) else tuple(procedures or ())
    ids: list[str] = []
    if names:
        # The procedure table and its codes cost start-up only when asked about.
        from .procedures import find_procedure, suggest
    for procedure in names:
        found = find_procedure(procedure)
        if found is None:
            close = ", ".join(p.name for p in suggest(procedure))
            _fail(f"policyscan does not know the procedure {procedure!r}"
                  + (f"; did you mean: {close}?" if close else "")
                  + " (policyscan rules --procedures lists them)")
        if found.id not in ids:
            ids.append(found.id)
    return Case(ids[0] if ids else None, denied_on.date() if denied_on else None,
                received_on.date() if received_on else None,
                decided_on=_decided(decided_on), more_procedures=tuple(ids[1:]))


def _batch_options(rules: RuleSet, options: ScanOptions, files: list[str], *,
                   jobs: int | None, timeout: float | None, cache_dir: Path | None,
                   cache: bool, scheduler: str | None) -> BatchOptions:
    from .cache import ReportCache, default_cache_dir
    from .engine import BatchOptions
    from .pool import default_jobs

    if timeout is None:
        # Every file gets a limit by default, a single one too: a catastrophic regex in a
        # --patterns file must not hang a scan. --debug scans in this process instead,
        # so a traceback shows.
        timeout = 0 if options.debug else DEFAULT_TIMEOUT
    report_cache = None
    if cache:
        report_cache = ReportCache(cache_dir or default_cache_dir(), rules.sha256, {
            "engine": options.engine, "max_pages": options.max_pages,
            "password": bool(options.password), **options.case.to_options(),
            **({"ocr": options.ocr} if options.ocr != "off" else {}),
            **({"min_score": options.min_score} if options.min_score is not None else {})})
    return BatchOptions(jobs=jobs or default_jobs(), timeout=timeout or None,
                        cache=report_cache, scheduler=scheduler)


@main.command()
@patterns_option
@click.option("--test", "run_tests", is_flag=True,
              help="Run every rule's examples; exit 1 if any fails.")
@click.option("--builtin/--no-builtin", default=True, show_default=True,
              help="Include the built-in rules.")
@click.option("--procedures", "list_procedures", is_flag=True,
              help="List the procedures --procedure knows, with their names and codes.")
def rules(patterns: tuple[Path, ...], run_tests: bool, builtin: bool,
          list_procedures: bool) -> None:
    """List the loaded rules, or test them against their own examples."""
    if list_procedures:
        from .procedures import procedures

        for p in procedures():
            codes = f"  codes: {', '.join(p.codes)}" if p.codes else ""
            click.echo(f"{p.name:<34} {p.family:<24} also: {', '.join(p.variants[:4])}{codes}")
        return
    from .rules.examples import check_examples
    from .rules.loader import load_rules

    try:
        ruleset = load_rules(list(patterns), builtin=builtin)
    except PolicyScanError as exc:
        _fail(str(exc))
    if not run_tests:
        for rule in ruleset.rules:
            click.echo(f"{rule.id:<42} {rule.category:<26} {rule.score:.2f}  {rule.title}")
        click.echo(f"{len(ruleset)} rules from {len(ruleset.files)} files, "
                   f"sha256 {ruleset.sha256[:12]}")
        return
    failures = 0
    results = check_examples(ruleset)
    for result in results:
        if not result.ok:
            failures += 1
            click.echo(f"FAIL {result.rule} {result.expectation}: {result.text!r}"
                       f"{' — ' + result.detail if result.detail else ''}")
    click.echo(f"{len(results) - failures} of {len(results)} rule examples pass "
               f"({len(ruleset)} rules)")
    sys.exit(1 if failures else 0)


@main.command(name="appeal-kit")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--procedure", metavar="NAME",
              help='The procedure that was denied ("micro needling" …; default: the one '
                   "the --denial letter names).")
@click.option("--denial", type=click.Path(exists=True, dir_okay=False), metavar="LETTER",
              help="The denial letter: its procedure, date, reason and deadline are read "
                   "from it (the other options still override).")
@click.option("--denied-on", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="The date on the denial letter.")
@click.option("--received-on", type=click.DateTime(formats=["%Y-%m-%d"]),
              metavar="YYYY-MM-DD", help="The day you received it (default: --denied-on).")
@click.option("--decided-on", "decided_on", multiple=True, metavar="STAGE=YYYY-MM-DD",
              help="When a stage was decided (repeatable): later stages count from it, "
                   "e.g. first_internal_appeal=2025-06-02 dates a second level or an "
                   "external review. Stages: first_internal_appeal, grievance, "
                   "informal_review, second_level.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the kit to this file (default: standard output).")
@click.option("--format", "kit_format", type=click.Choice(["markdown", "html"]),
              default=None, help="Markdown, or HTML that prints on two pages (default: "
                                 "from the -o file's suffix, else Markdown).")
@click.option("--engine", type=click.Choice(["pdfium", "pdfplumber"]), default="pdfium",
              show_default=True)
@click.option("--password", help="Password of an encrypted PDF.")
@patterns_option
def appeal_kit(path: str, procedure: str | None, denial: str | None,
               denied_on: datetime | None,
               received_on: datetime | None, decided_on: tuple[str, ...],
               output: Path | None, kit_format: str | None, engine: str,
               password: str | None, patterns: tuple[Path, ...]) -> None:
    """Write an appeal kit: the deadline, the plan's clauses to cite, a checklist and a
    letter with blanks for what only you know."""
    from .engine import scan_one
    from .options import ScanOptions
    from .procedures import get_procedure
    from .report.kit import render_kit

    rules = _load_rules(patterns)
    letter: dict[str, Any] | None = None
    if denial is not None:
        read = scan_one(rules, ScanOptions(engine=engine), denial, DEFAULT_TIMEOUT)
        letter = read.denial
        if letter is None:
            _fail(f"{denial} does not read as a denial notice (it was taken for a "
                  f"{read.kind.replace('_', ' ')})")
        procedure = procedure or letter.get("procedure")
        notice = (letter.get("notice_date") or {}).get("date")
        if denied_on is None and notice:
            denied_on = datetime.fromisoformat(notice)
    if not procedure:
        _fail("give --procedure NAME (the denial letter names none policyscan knows)")
    case = _case(procedure, denied_on, received_on, decided_on)
    report = scan_one(rules, ScanOptions(engine=engine, password=password, case=case), path,
                      DEFAULT_TIMEOUT)
    if report.status != "ok":
        message = report.error.message if report.error else report.status
        click.echo(f"Error: {safe_name(path)} could not be scanned: {message}", err=True)
        sys.exit(EXIT_INCOMPLETE)
    chosen = get_procedure(case.procedure or "")
    assert chosen is not None  # _case checked it
    kit = render_kit(report, chosen, case.denied_on, letter, case.received_on)
    if (kit_format or ("html" if output is not None and output.suffix.lower() in
                       (".html", ".htm") else "markdown")) == "html":
        from .report.kit_html import render_kit_html

        kit = render_kit_html(kit, f"Appeal kit: {chosen.name}")
    if output is None:
        click.echo(kit)
        return
    from .report.outputs import atomic_output

    if os.path.realpath(output) == os.path.realpath(path) or (
            output.exists() and os.path.samefile(output, path)):
        _fail(f"-o {output} is the document being read; choose another file name (the "
              "input is never overwritten)")
    try:
        with atomic_output(output) as stream:
            stream.write(kit)
    except OSError as exc:
        _fail(f"cannot write the kit to {output}: {exc.strerror or exc}")
    click.echo(f"Wrote {output}", err=True)


DIFF_FORMATS = ("terminal", "json", "markdown", "html")  # report/diff_report.py


@main.command()
@click.argument("old", required=False, type=click.Path(exists=True, dir_okay=False))
@click.argument("new", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option("--pairs", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              metavar="FILE.csv", help="Diff many pairs: a CSV of two columns, old and new "
              "(a header row is optional; relative paths are read from the CSV's folder).")
@click.option("--format", "fmt", type=click.Choice(DIFF_FORMATS), default="terminal",
              show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the diff to this file instead of standard output.")
@click.option("--engine", type=click.Choice(["pdfium", "pdfplumber"]), default="pdfium",
              show_default=True)
@click.option("--password", help="Password of encrypted PDFs.")
@patterns_option
def diff(old: str | None, new: str | None, pairs: Path | None, fmt: str,
         output: Path | None, engine: str, password: str | None,
         patterns: tuple[Path, ...]) -> None:
    """What changed from OLD to NEW (two years of one plan, or two plans): excluded and
    other covered services added, removed or moved, prior authorization gained or lost,
    deadlines, facts and identity, each with both quotes and pages."""
    from .diff import diff_reports
    from .models import DocumentReport
    from .options import ScanOptions
    from .report.diff_report import render
    from .scanner import Scanner

    if pairs is not None and (old or new):
        _fail("give OLD NEW or --pairs FILE.csv, not both")
    if pairs is None and not (old and new):
        _fail("diff needs two documents, OLD and NEW (or --pairs FILE.csv)")
    todo = _read_pairs(pairs) if pairs is not None else [(str(old), str(new))]
    rules = _load_rules(patterns)
    scanner = Scanner(rules, ScanOptions(engine=engine, password=password))
    scanned: dict[str, DocumentReport] = {}

    def scan_once(path: str) -> DocumentReport:
        if path not in scanned:
            scanned[path] = scanner.scan(path)
        return scanned[path]

    diffs = [diff_reports(scan_once(a), scan_once(b)) for a, b in todo]
    text = render(diffs, fmt, __version__)
    if output is None:
        click.echo(text, nl=False)
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            _fail(f"cannot write the diff to {output}: {exc.strerror or exc}")
    sys.exit(EXIT_INCOMPLETE if any(d.problem for d in diffs) else EXIT_OK)


def _read_pairs(path: Path) -> list[tuple[str, str]]:
    """(old, new) paths from a two-column CSV; relative paths from the CSV's folder."""
    import csv

    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            rows = [r for r in csv.reader(f) if any(c.strip() for c in r)]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        _fail(f"--pairs {path} cannot be read: {exc}")
    if rows and [c.strip().lower() for c in rows[0][:2]] == ["old", "new"]:
        rows = rows[1:]
    out: list[tuple[str, str]] = []
    for n, row in enumerate(rows, start=1):
        if len(row) < 2 or not row[0].strip() or not row[1].strip():
            _fail(f"--pairs {path}: row {n} needs two paths, old and new")
        sides = []
        for cell in row[:2]:
            side = Path(cell.strip())
            side = side if side.is_absolute() else path.parent / side
            if not side.is_file():
                _fail(f"--pairs {path}: row {n}: {cell.strip()} is not a file")
            sides.append(str(side))
        out.append((sides[0], sides[1]))
    if not out:
        _fail(f"--pairs {path} lists no pairs")
    return out


@main.command(name="eval")
@click.argument("corpus", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--gold", type=click.Path(path_type=Path, exists=True, file_okay=False),
              help="Gold directory (default: CORPUS/gold).")
@click.option("--engine", type=click.Choice(["pdfium", "pdfplumber"]), default="pdfium",
              show_default=True)
@patterns_option
@click.option("-v", "--verbose", is_flag=True, help="Print a line per miss and trap hit.")
@click.option("--min-facts", type=click.FloatRange(0, 1),
              help="Fail (exit 1) below this facts accuracy (0..1).")
@click.option("--min-recall", type=click.FloatRange(0, 1),
              help="Fail (exit 1) below this must_find recall (0..1).")
@click.option("--max-traps", type=click.IntRange(min=0),
              help="Fail (exit 1) above this many trap hits.")
@click.option("--ocr", "ocr", type=click.Choice(OCR_MODES), default="off", show_default=True,
              help="OCR pages without usable text (off: gold files expect a scan to need "
                   "OCR).")
def eval_command(corpus: Path, gold: Path | None, engine: str, patterns: tuple[Path, ...],
                 verbose: bool, min_facts: float | None, min_recall: float | None,
                 max_traps: int | None, ocr: str) -> None:
    """Score scans of CORPUS against hand-checked gold files (gold-format.md)."""
    from .evaluate import GoldFileError, load_gold_dir, score_reports
    from .options import ScanOptions
    from .scanner import Scanner

    rules = _load_rules(patterns)
    try:
        gold_files = load_gold_dir(gold or corpus / "gold")
    except GoldFileError as exc:
        _fail(str(exc))
    scanner = Scanner(rules, ScanOptions(engine=engine, ocr=_ocr_mode(ocr)))
    reports = []
    for g in gold_files:
        path = corpus / g.document
        if path.exists():
            reports.append(scanner.scan(path).to_dict())
    score = score_reports(reports, gold_files)
    if verbose:
        for line in score.lines():
            click.echo(line)
    for row in score.table_rows():
        click.echo(f"  {row.category:<26} {row.found:>4}/{row.total:<4} {row.recall:.3f}")
    failures = score.failures(min_facts if min_facts is not None else 0.0,
                              min_recall if min_recall is not None else 0.0,
                              max_traps if max_traps is not None else 10**9)
    for failure in failures:
        click.echo(f"FAIL {failure}")
    click.echo(score.summary_line())
    sys.exit(1 if failures else 0)


@main.command()
@click.argument("path", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--page", type=int, callback=_positive, help="Only this page (1-based).")
@click.option("--engine", type=click.Choice(["pdfium", "pdfplumber"]), default="pdfium",
              show_default=True)
@click.option("--password", help="Password of an encrypted PDF.")
def text(path: Path, page: int | None, engine: str, password: str | None) -> None:
    """Print the page text that finding offsets (start, end) refer to."""
    from .errors import DocumentError
    from .extract import open_document

    try:
        with open_document(path, engine=engine, password=password) as doc:
            if page is not None and page > len(doc.pages):
                _fail(f"{path} has {len(doc.pages)} page(s); there is no page {page}")
            for p in doc.pages:
                if page is None or p.number == page:
                    click.echo(f"\f--- page {p.number}"
                               f"{' (' + p.problem + ')' if p.problem else ''} ---")
                    click.echo(p.text)
    except DocumentError as exc:
        _fail(exc.message)


if __name__ == "__main__":  # pragma: no cover
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
    main()
