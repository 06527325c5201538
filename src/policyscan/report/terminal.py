"""The terminal report: what a patient, a benefits analyst or a broker reads.

One document leads with what answers the question on the first screen: its identity,
the facts phrased as answers ("not stated" where the document does not say it, never a
bare "No"), the procedure outlook and the dates, then at most a few findings per category
with their count (``-v`` shows all). A batch leads with the comparison (which plans
differ on what, then the plan-by-facts table) and then lists its documents; a single
document, or a formatter not told the batch's size, prints each document the moment it
is finished. The disclaimer is always the last line.

Every string that comes from a document (path, plan name, quote, context, warnings) is
wrapped in a ``rich.text.Text``, never interpreted as markup: policy text may contain
"[bold]" or "[/]" and must print literally. Without colour the output is plain text with
no escape codes at all, so it can be piped, saved, diffed or pasted into an email; the
quote is then marked with »guillemets« instead of a highlight.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import PurePath
from typing import IO, Any, cast

from rich import box
from rich.console import Console
from rich.padding import Padding
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from ..models import (
    CATEGORIES,
    CATEGORY_LABELS,
    FACT_CATEGORIES,
    NON_PLAN_KINDS,
    DocumentReport,
    Finding,
    SbcInfo,
    ScanReport,
)
from .views import cited_count, outlook_mentions
from .wording import (
    DISCLAIMER,
    KIND_LABELS,
    KIND_SHORT,
    MAX_CITED,
    OUTLOOK_LABELS,
    QUESTIONS,
    SHORT_HEADERS,
    STATUS_LABELS,
    collapse,
    deadline_text,
    due_stage_label,
    due_where,
    is_scanned,
    locate_quote,
    negating,
    page_list,
    rulebook_line,
    shorten,
    supporting,
    trim_left,
    trim_right,
)

MIN_WIDTH = 60
# Findings shown per category before "… and N more" (all of them with verbose=True).
MAX_FINDINGS_PER_CATEGORY = 3
# Services in the prior-authorization table before "… and N more".
MAX_PA_ROWS = 6
# Characters of context kept on each side of the quote (all of it with verbose=True):
# enough to read the sentence, short enough that a long booklet stays skimmable.
CONTEXT_SIDE_CHARS = 160
# A supporting quote in the facts block is a reminder, not the finding itself.
FACT_QUOTE_CHARS = 80
# Batches larger than this print one line per document, then the comparison matrix.
COMPACT_AFTER = 5
STATUS_STYLES: dict[str, str] = {
    "ok": "bold green",
    "needs_ocr": "bold yellow",
    "failed": "bold red",
    "timeout": "bold red",
}

_QUESTION_WIDTH = max(len(q) for q in QUESTIONS.values())
QUOTE_STYLE = "bold reverse"
DIM = "dim"


# -- small text helpers ------------------------------------------------------------------


def quote_in_context(finding: Finding, *, color: bool, side: int | None) -> Text:
    """The finding's context with its quote highlighted (or »marked« in plain text).

    ``side`` limits the context kept on each side of the quote (None keeps all). If the
    quote cannot be found in the context, the context is shown and then the quote.
    """
    context = collapse(finding.context)
    quote = collapse(finding.quote)
    span = locate_quote(context, quote) if context else None
    if span is None:
        out = Text()
        if context:
            out.append(context if side is None else trim_right(context, 2 * side))
            out.append("\n")
        _append_quote(out, quote, color=color)
        return out
    before, middle, after = context[:span[0]], context[span[0]:span[1]], context[span[1]:]
    if side is not None:
        had_start, had_end = before.startswith("…"), after.endswith("…")
        before = trim_left(before, side)
        after = trim_right(after, side)
        # Keep the scanner's own marks that the page went on beyond the context.
        if had_start and not before.startswith("…"):
            before = "… " + before
        if had_end and not after.endswith("…"):
            after = after + " …"
    out = Text(before)
    _append_quote(out, middle, color=color)
    out.append(after)
    return out


def _append_quote(out: Text, quote: str, *, color: bool) -> None:
    """The quote itself: a highlight when colour is on, »guillemets« when it is not."""
    if color:
        out.append(quote, style=QUOTE_STYLE)
    else:
        out.append(f"»{quote}«")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def status_text(status: str) -> Text:
    return Text(STATUS_LABELS.get(status, status), style=STATUS_STYLES.get(status, "bold"))


def fact_cell(doc: DocumentReport, category: str) -> Text:
    """Yes / No / ? / — for the summary table (— when the document was not scanned)."""
    if not is_scanned(doc):
        return Text("—", style=DIM)
    value = doc.facts.values.get(category)
    if value is None:
        return Text("?", style="yellow")
    return Text("stated", style="green") if value else Text("not stated", style=DIM)


def deadline_cell(doc: DocumentReport) -> Text:
    fact = doc.facts.appeal_deadline
    if not is_scanned(doc) or fact is None:
        return Text("—", style=DIM)
    return Text(deadline_text(fact.value, fact.unit))


# -- the formatter -----------------------------------------------------------------------


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def want_color(stream: IO[str], color: bool | None) -> bool:
    """Colour when asked for, else only on a terminal and only if NO_COLOR is not set."""
    if color is not None:
        return color
    return _is_terminal(stream) and not os.environ.get("NO_COLOR")


class _StripTrailingBlanks:
    """A stream wrapper that removes the blanks at the end of each line.

    rich pads every line of a table or padded block out to the full width; in plain text
    those blanks only get in the way (diffs, e-mail, copy and paste). rich writes whole
    lines per print, so a partial line is held only until its newline arrives. It has
    just what rich uses of a stream: ``write``, ``flush`` and ``encoding``.
    """

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self._partial = ""
        # rich reads it to decide whether box-drawing characters are safe to write.
        self.encoding: str = getattr(stream, "encoding", None) or "utf-8"

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        lines = (self._partial + text).split("\n")
        self._partial = lines.pop()
        if lines:
            self._stream.write("".join(line.rstrip(" ") + "\n" for line in lines))
        return len(text)

    def flush(self) -> None:
        if self._partial:
            self._stream.write(self._partial)
            self._partial = ""
        self._stream.flush()


def make_console(stream: IO[str], *, color: bool, width: int | None) -> Console:
    """A console that writes colour only when ``color``, and never interprets markup.

    Every option is explicit so that rich's own environment sniffing (NO_COLOR,
    FORCE_COLOR, TERM=dumb, Jupyter) cannot override the decision made here.
    """
    common: dict[str, Any] = {"file": stream, "highlight": False, "emoji": False,
                              "markup": False, "soft_wrap": False, "legacy_windows": False}
    if color:
        console = Console(force_terminal=True, no_color=False, color_system="auto", **common)
        if console.color_system is None:  # TERM=dumb or unknown: colour was still asked for
            console = Console(force_terminal=True, no_color=False, color_system="standard",
                              **common)
    else:
        common["file"] = cast(IO[str], _StripTrailingBlanks(stream))
        console = Console(force_terminal=False, no_color=True, color_system=None, **common)
    console.width = max(MIN_WIDTH, width if width else console.width)
    return console


class TerminalFormatter:
    """The human-readable report (see the module docstring)."""

    # Each document is printed as it comes; the closing summary reads facts only.
    needs_findings_at_end = False

    def __init__(self, stream: IO[str], *, color: bool | None = None,
                 width: int | None = None, verbose: bool = False, **_: Any) -> None:
        self.stream = stream
        self.color = want_color(stream, color)
        self.verbose = verbose
        self.console = make_console(stream, color=self.color, width=width)
        self._printed = 0
        self._total = 0
        self.compact = False
        # A batch is held until the end so that it can lead with the comparison.
        self._held: list[DocumentReport] | None = None

    # Formatter protocol ----------------------------------------------------------------

    def begin(self, total: int = 0) -> None:
        """A batch of more than a few documents prints one line each, then the matrix."""
        self._total = total
        self.compact = total > COMPACT_AFTER and not self.verbose
        self._held = [] if total > 1 else None

    def document(self, doc: DocumentReport) -> None:
        """Print one document now, or hold it when a batch leads with the comparison."""
        if self._held is not None:
            # A compact line reads no findings; dropping them keeps a long batch small.
            self._held.append(replace(doc, findings=()) if self.compact else doc)
            return
        self._print_document(doc)

    def _print_document(self, doc: DocumentReport) -> None:
        if self.compact:
            self._line(doc)
            return
        if self._printed:
            self.console.print()
        self._printed += 1
        self._header(doc)
        if is_scanned(doc):
            self._facts(doc)
            for view in doc.outlooks or ((doc.outlook,) if doc.outlook is not None else ()):
                self._outlook(view)
            if doc.due_dates:
                self._due_dates(doc.due_dates)
            if doc.sbc is not None:
                self._sbc(doc.sbc)
            self._findings(doc)
        elif doc.findings:  # not expected, but never hide what was found
            self._findings(doc)
        else:
            self.console.print(Padding(Text("Not scanned, so there are no facts or findings "
                                            "for this document.", style="yellow"),
                                       (0, 0, 0, 2)))
        self._flush()

    def end(self, report: ScanReport) -> None:
        if self._held is not None and len(report.documents) > 1:
            # The held reports keep what the run may have slimmed (the outlooks).
            self._differences(self._held)
            self._summary(report)
            self._status_counts(report)
            self.console.print()
            for doc in self._held:
                self._print_document(doc)
            self._held = []
            if self.compact:
                self.console.print(Text("Each document in full: -v (or --html FILE, "
                                        "--format csv)", style=DIM))
        elif len(report.documents) > 1:
            self.console.print()
            self.console.print(Rule(style=DIM))
            self._differences(report.documents)
            self._summary(report)
            self._status_counts(report)
        elif not report.documents:
            self.console.print(Text("No documents were scanned.", style="yellow"))
        self.console.print()
        # One line at any width, so that it is found by grep and never split.
        self.console.print(Text(DISCLAIMER, style="italic"), soft_wrap=True)
        self._flush()

    # Blocks ---------------------------------------------------------------------------

    def _differences(self, docs: Sequence[DocumentReport]) -> None:
        """Which plans differ on what (policyscan.compare), the first thing a batch says."""
        from ..compare import build
        from .compare_view import summary_lines

        comparison = build(docs)
        if sum(1 for p in comparison.plans if p.scanned) < 2:
            return
        lines, more = summary_lines(comparison)
        c = self.console
        c.print(Text("Where the plans differ", style="bold underline" if self.color else "bold"))
        if not lines:
            c.print(Padding(Text("The scanned plans state the same on every field compared."),
                            (0, 0, 0, 2)))
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column(overflow="fold")
        for line in lines:
            grid.add_row("•", Text(line))
        c.print(Padding(grid, (0, 0, 0, 2)))
        if more:
            c.print(Padding(Text(f"… and {more} more (--format csv or --html FILE for the "
                                 "plan-by-plan matrix)", style=DIM), (0, 0, 0, 2)))
        c.print()

    def _outlook(self, view: Mapping[str, Any]) -> None:
        """The procedure outlook: what this document says about it, with its own words."""
        c = self.console
        name = view["procedure"]["name"]
        c.print()
        c.print(Text(f"{name}: what this document says", style="bold"))
        if view.get("note"):
            c.print(Padding(Text(collapse(view["note"]), style="yellow"), (0, 0, 0, 2)))
        for status in view["statuses"]:
            label = OUTLOOK_LABELS.get(status["kind"], status["kind"])
            line = Text().append(f"{label}: ", style="bold")
            line.append(collapse(status["note"]))
            c.print(Padding(line, (0, 0, 0, 2)))
            for e in status["evidence"][:cited_count(status)]:
                quote = Text(f"p{e['page']}  ", style=DIM)
                _append_quote(quote, shorten(collapse(e["quote"]), 160), color=self.color)
                c.print(Padding(quote, (0, 0, 0, 4)))
            if status.get("more"):
                c.print(Padding(Text(f"… and {status['more']} more", style=DIM), (0, 0, 0, 4)))
        if not view["statuses"]:
            c.print(Padding(Text("nothing to say from this document", style=DIM),
                            (0, 0, 0, 2)))
        named = outlook_mentions(view)
        if named["shown"]:
            c.print(Padding(Text("Where the document names it or its family:", style="bold"),
                            (0, 0, 0, 2)))
            for e in named["shown"]:
                quote = Text(f"p{e['page']}  ", style=DIM)
                _append_quote(quote, shorten(e["quote"], 160), color=self.color)
                c.print(Padding(quote, (0, 0, 0, 4)))
            if named["more"]:
                c.print(Padding(Text(f"… and {named['more']} more", style=DIM), (0, 0, 0, 4)))

    def _due_dates(self, dates: Sequence[Mapping[str, Any]]) -> None:
        """Appeal deadlines as calendar dates, each with where it comes from."""
        c = self.console
        c.print()
        c.print(Text("Deadlines as dates", style="bold"))
        for d in dates:
            line = Text().append(f"{due_stage_label(d)}: ", style="bold")
            line.append(d["label"])
            where = due_where(d)
            line.append(f" ({where})", style=DIM if d["basis"] == "document" else "yellow")
            c.print(Padding(line, (0, 0, 0, 2)))
            detail = (f"counted from {d['start']}; " if d.get("start") else "") + d["citation"]
            c.print(Padding(Text(detail, style=DIM), (0, 0, 0, 4)))
            if d.get("advice"):
                c.print(Padding(Text(d["advice"], style="yellow"), (0, 0, 0, 4)))
        if dates:
            c.print(Padding(Text(dates[0]["caveat"], style="italic"), (0, 0, 0, 2)))

    def _sbc(self, sbc: SbcInfo) -> None:
        """What an SBC says as a table: services needing approval, and the two lists."""
        c = self.console
        if sbc.prior_authorization_services:
            table = Table(title="Prior authorization required for", title_justify="left",
                          title_style="bold", box=box.SIMPLE_HEAD, header_style="bold",
                          padding=(0, 1), pad_edge=False)
            table.add_column("Service", overflow="fold", ratio=3)
            table.add_column("Page", justify="right", no_wrap=True)
            table.add_column("If not obtained", overflow="fold", ratio=2)
            shown = (sbc.prior_authorization_services if self.verbose
                     else sbc.prior_authorization_services[:MAX_PA_ROWS])
            for s in shown:
                table.add_row(Text(collapse(s.service)), Text(f"p{s.page}"),
                              Text(collapse(s.penalty) if s.penalty else "—"))
            c.print()
            c.print(Padding(table, (0, 0, 0, 2)))
            hidden = len(sbc.prior_authorization_services) - len(shown)
            if hidden:
                c.print(Padding(Text(f"… and {hidden} more (-v shows all)", style="italic"),
                                (0, 0, 0, 4)))
        for label, items in (("Not covered (the plan's list)", sbc.excluded_services),
                             ("Other covered services", sbc.other_covered_services)):
            if items:
                line = Text().append(f"{label}: ", style="bold")
                line.append("; ".join(collapse(i) for i in items))
                c.print(Padding(line, (1 if label.startswith("Not") else 0, 0, 0, 2)))

    def _line(self, doc: DocumentReport) -> None:
        """One document of a large batch: where it is, what it is, what it says."""
        self._printed += 1
        width = len(str(self._total))
        line = Text(f"[{self._printed:>{width}}/{self._total}] ", style=DIM)
        line.append(doc.path, style="bold")
        line.append(f"  {KIND_SHORT.get(doc.kind, doc.kind)} · ")
        line.append_text(status_text(doc.status))
        if doc.plan.name:
            line.append(" · ")
            line.append(collapse(doc.plan.name))
        if is_scanned(doc):
            yes = sum(1 for c in FACT_CATEGORIES if doc.facts.values.get(c))
            line.append(f" · {yes}/{len(FACT_CATEGORIES)} facts yes · "
                        f"deadline {deadline_cell(doc).plain}", style=DIM)
        elif doc.error is not None:
            line.append(" · ")
            line.append(doc.error.message, style="red")
        self.console.print(line)
        self._flush()

    def _header(self, doc: DocumentReport) -> None:
        """Path, then what the document is, whether it was read, and which plan it names."""
        c = self.console
        c.print(Rule(style="bold blue" if self.color else ""))
        c.print(Text(doc.path, style="bold"))
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold" if self.color else "", no_wrap=True)
        grid.add_column(overflow="fold")
        grid.add_row("Kind", Text(KIND_LABELS.get(doc.kind, doc.kind)))
        rulebook = rulebook_line(doc)
        if rulebook:
            grid.add_row("Rulebook", Text(rulebook))
        grid.add_row("Pages", Text(str(doc.pages)))
        status = Text().append_text(status_text(doc.status))
        if doc.seconds is not None:
            status.append(f"  ({doc.seconds:.1f} s)", style=DIM)
        grid.add_row("Status", status)
        for label, value in (("Plan", doc.plan.name), ("Issuer", doc.plan.issuer),
                             ("Coverage period", doc.plan.coverage_period),
                             ("Plan type", doc.plan.plan_type),
                             ("Metal level", doc.plan.metal_level)):
            if value:
                grid.add_row(label, Text(collapse(value)))
        for warning in doc.warnings:
            grid.add_row(Text("Warning", style="yellow"), Text(warning, style="yellow"))
        c.print(Padding(grid, (0, 0, 0, 2)))
        if not is_scanned(doc):
            message = doc.error.message if doc.error else f"status {doc.status}"
            line = Text().append("Could not scan: ", style="bold red")
            line.append(message, style="red")
            c.print(Padding(line, (1, 0, 0, 2)))
        elif doc.error is not None:  # scanned, but something is worth knowing
            line = Text().append("Problem: ", style="bold yellow")
            line.append(doc.error.message, style="yellow")
            c.print(Padding(line, (1, 0, 0, 2)))

    def _facts(self, doc: DocumentReport) -> None:
        """The facts as answers, each "Yes" with the pages that say so."""
        c = self.console
        c.print()
        c.print(Text("What this document says", style="bold underline" if self.color else ""))
        grid = Table.grid(padding=(0, 2))
        grid.add_column(no_wrap=True)
        grid.add_column(overflow="fold")
        for category in CATEGORIES:
            answer = (self._deadline_answer(doc) if category == "appeal_deadline"
                      else self._fact_answer(doc, category))
            grid.add_row(Text(QUESTIONS[category]), answer)
        c.print(Padding(grid, (0, 0, 0, 2)))
        if doc.kind in NON_PLAN_KINDS:
            what = "defines terms" if doc.kind == "glossary" else "asks for information"
            note = Text(f"Note: this is a {KIND_LABELS[doc.kind]}: it {what} rather than "
                        "stating the terms of a plan. Facts come from plan terms only, so "
                        "they are not set from this document; its wording is listed below.",
                        style="italic yellow")
            c.print(Padding(note, (0, 0, 0, 2)))

    def _fact_answer(self, doc: DocumentReport, category: str) -> Text:
        value = doc.facts.values.get(category) if category in FACT_CATEGORIES else None
        if value is None:
            return Text("unknown", style="yellow")
        if not value:
            negated = [] if doc.kind in NON_PLAN_KINDS else negating(doc, category)
            if negated:
                out = Text().append("No", style="bold")
                out.append(f" — stated as not applying ({page_list(f.page for f in negated)})")
                return out
            return Text("not stated", style=DIM)
        out = Text().append("Yes", style="bold green")
        cited = supporting(doc, category)[:MAX_CITED]
        if cited:
            out.append(" — " + page_list(sorted(f.page for f in cited)))
            self._append_snippet(out, cited[0].quote)
        return out

    def _deadline_answer(self, doc: DocumentReport) -> Text:
        fact = doc.facts.appeal_deadline
        if fact is None:
            return Text("not stated in this document", style=DIM)
        out = Text().append(deadline_text(fact.value, fact.unit), style="bold green")
        out.append(f" (p{fact.page})")
        self._append_snippet(out, fact.quote)
        return out

    def _append_snippet(self, answer: Text, quote: str) -> None:
        """The start of the supporting quote, cut to stay on the answer's line.

        A reminder of the wording, not the finding itself (that is listed below); left
        out when the terminal is too narrow for a useful piece of it.
        """
        used = 2 + _QUESTION_WIDTH + 2 + len(answer.plain) + 4  # indent, gap, '  ""'
        room = min(FACT_QUOTE_CHARS, self.console.width - used)
        if room >= 20:
            answer.append(f'  "{shorten(quote, room)}"', style=DIM)

    def _findings(self, doc: DocumentReport) -> None:
        """Findings grouped by category, in the order of the categories."""
        c = self.console
        c.print()
        if not doc.findings:
            c.print(Text("No findings: none of the eight kinds of wording were found in this "
                         "document.", style=DIM))
            return
        c.print(Text(f"Findings ({len(doc.findings)})",
                     style="bold underline" if self.color else ""))
        for category in CATEGORIES:
            group = sorted((f for f in doc.findings if f.category == category),
                           key=lambda f: (f.page, f.start))
            if group:
                self._group(category, group)
        extra = sorted({f.category for f in doc.findings} - set(CATEGORIES))
        for category in extra:  # codes, and any category a user's rules add
            self._group(category, [f for f in doc.findings if f.category == category])

    def _group(self, category: str, group: Sequence[Finding]) -> None:
        c = self.console
        label = CATEGORY_LABELS.get(category, category)
        c.print()
        c.print(Padding(Text(f"{label} ({len(group)})", style="bold cyan"), (0, 0, 0, 2)))
        shown = group if self.verbose else group[:MAX_FINDINGS_PER_CATEGORY]
        for finding in shown:
            self._finding(finding)
        hidden = len(group) - len(shown)
        if hidden:
            c.print(Padding(Text(f"… and {hidden} more (-v shows all)",
                                 style="italic"), (0, 0, 0, 4)))

    def _finding(self, f: Finding) -> None:
        """One finding: where, how sure, the quote in its words, and why it matched."""
        c = self.console
        head = Text().append(f"p{f.page}", style="bold")
        if f.section:
            head.append(" · ")
            head.append(collapse(f.section), style="italic")
        head.append(f" · score {f.score:.2f}")
        if f.negated:
            head.append(" · ")
            head.append("negated", style="bold yellow")
        if not f.plan_term:
            head.append(" · ")
            head.append("not a plan term", style="yellow")
        c.print(Padding(head, (0, 0, 0, 4)))
        if f.deadline is not None:
            d = f.deadline
            line = Text().append("deadline: ", style="bold")
            line.append(f"{deadline_text(d.value, d.unit)} → {d.action.replace('_', ' ')}")
            if d.anchor:
                line.append(", ")
                line.append(collapse(d.anchor))
            c.print(Padding(line, (0, 0, 0, 6)))
        side = None if self.verbose else CONTEXT_SIDE_CHARS
        c.print(Padding(quote_in_context(f, color=self.color, side=side), (0, 0, 0, 6)))
        why = Text(collapse(f.explanation), style=DIM)
        why.append(f" — rule {f.rule}", style=DIM)
        if f.also and not all(rule in f.explanation for rule in f.also):
            why.append(f" (also {', '.join(f.also)})", style=DIM)
        c.print(Padding(why, (0, 0, 0, 6)))

    def _summary(self, report: ScanReport) -> None:
        """The batch at a glance: a table when it fits the width, else a list."""
        table = self._summary_table(report)
        # rich would measure a file name as one unbreakable word; the columns' minimums
        # (folding the name) plus one divider each and the two edges are what must fit.
        needed = sum(col.min_width or 1 for col in table.columns) + len(table.columns) + 1
        if needed <= self.console.width:
            self.console.print(table)
        else:
            self._summary_list(report)

    def _summary_table(self, report: ScanReport) -> Table:
        """One row per document, one column per fact."""
        table = Table(title="Summary", title_justify="left", title_style="bold",
                      box=box.SIMPLE_HEAD, header_style="bold", padding=0,
                      pad_edge=False, caption="not stated = the document does not say so (not "
                      "the same as No) · ? = unclear · — = not scanned / no deadline",
                      caption_justify="left", caption_style=DIM)
        table.add_column("File", overflow="fold", min_width=12)
        table.add_column("Plan", overflow="fold", min_width=8)
        table.add_column("Kind", overflow="fold", min_width=8)  # "glossary", "medical"
        table.add_column("Status", overflow="fold", min_width=7)  # "timeout", "needs"
        for category in FACT_CATEGORIES:
            header = SHORT_HEADERS[category]
            table.add_column(header, justify="center",
                             min_width=max(6, *(len(w) for w in header.split("\n"))))
        table.add_column(SHORT_HEADERS["appeal_deadline"], no_wrap=True, min_width=8)
        for doc in report.documents:
            table.add_row(Text(PurePath(doc.path).name), Text(collapse(doc.plan.name or "—")),
                          Text(KIND_SHORT.get(doc.kind, doc.kind)),
                          status_text(doc.status),
                          *(fact_cell(doc, cat) for cat in FACT_CATEGORIES),
                          deadline_cell(doc))
        return table

    def _summary_list(self, report: ScanReport) -> None:
        """The summary for a narrow terminal: per document, the facts that are "Yes"."""
        c = self.console
        c.print(Text("Summary", style="bold"))
        for doc in report.documents:
            line = Text().append(PurePath(doc.path).name, style="bold")
            line.append(f"  {KIND_SHORT.get(doc.kind, doc.kind)} · ")
            line.append_text(status_text(doc.status))
            c.print(Padding(line, (0, 0, 0, 2)))
            if not is_scanned(doc):
                c.print(Padding(Text("not scanned", style=DIM), (0, 0, 0, 4)))
                continue
            for label, value in (("Stated", True), ("Unclear", None)):
                names = [CATEGORY_LABELS[cat] for cat in FACT_CATEGORIES
                         if doc.facts.values.get(cat) is value]
                if names or value is True:
                    c.print(Padding(Text(f"{label}: {', '.join(names) or 'none'}"),
                                    (0, 0, 0, 4)))
            c.print(Padding(Text(f"Appeal deadline: {deadline_cell(doc).plain}"), (0, 0, 0, 4)))

    def _status_counts(self, report: ScanReport) -> None:
        summary = report.summary()
        parts = [f"{summary['documents']} documents"]
        parts += [f"{summary.get(s, 0)} {STATUS_LABELS[s]}" for s in STATUS_LABELS
                  if summary.get(s, 0) or s == "ok"]
        line = Text().append(" · ".join(parts), style="bold")
        findings: dict[str, int] = summary.get("findings", {})
        total = sum(findings.values())
        line.append(f" · {_plural(total, 'finding')}")
        self.console.print(line)
        if findings:
            by_cat = ", ".join(f"{CATEGORY_LABELS.get(c, c)} {findings[c]}"
                               for c in (*CATEGORIES, *sorted(set(findings) - set(CATEGORIES)))
                               if c in findings)
            self.console.print(Text(by_cat, style=DIM))

    def _flush(self) -> None:
        """Push each document out now; a closed or odd stream is not worth a traceback."""
        with contextlib.suppress(AttributeError, ValueError, OSError):
            self.console.file.flush()
