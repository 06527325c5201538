"""Markdown, for pasting into a ticket, a pull request or an e-mail.

Each document is written as soon as it is finished: its identity, the facts as a table
of answers, the SBC's prior-authorization services, then the findings by category, one
line each (page, section, score, the quote in bold inside its context, and why it
matched). A batch ends with the plan-by-facts table; every report ends with the notice.

Document text (quotes, contexts, sections, plan names, paths) is flattened to one line
and every character Markdown could read as syntax inside a line is backslash-escaped
(CommonMark allows it before any ASCII punctuation), so "<script>", "**", "[x](y)",
"| a |", "{{ 7*7 }}" or "@someone" show as written and never become markup, links,
table cells, template expressions or mentions. Full stops, hyphens and brackets are left
alone, so the text stays readable where the Markdown is not rendered (an e-mail).
"""

from __future__ import annotations

import re
from typing import IO, Any

from ..models import DocumentReport, ScanReport
from .views import (
    answers,
    base_name,
    comparison,
    comparison_header,
    groups,
    outlook_mentions,
    outlook_statuses,
)
from .wording import (
    DISCLAIMER,
    KIND_LABELS,
    STATUS_LABELS,
    collapse,
    due_stage_label,
    due_where,
    is_scanned,
    rulebook_line,
)

# Findings listed per category before "… and N more" (all with verbose=True).
MAX_PER_CATEGORY = 12
# Context kept either side of a quote: short, a ticket is not the place for pages.
SIDE_CHARS = 160

# What CommonMark, GitHub or a template engine downstream might act on inside a line
# (document text never starts a line here, so list and heading markers cannot start
# one): emphasis, code, links and images ("[" is enough), raw HTML and entities, table
# cells, strikethrough, maths, mentions and issue references, template braces.
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~&$@])")


def md_escape(text: str) -> str:
    """Document text as literal Markdown inline text: one line, every special escaped."""
    return _SPECIAL.sub(r"\\\1", collapse(text))


def md_code(text: str) -> str:
    """A code span that holds ``text`` whatever backticks it contains."""
    text = collapse(text)
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _cell(text: str) -> str:
    return md_escape(text) or "—"


class MarkdownFormatter:
    """Streams one Markdown section per document; the comparison and notice at the end."""

    needs_findings_at_end = False

    def __init__(self, stream: IO[str], *, verbose: bool = False, **_: Any) -> None:
        self.stream = stream
        self.verbose = verbose
        self._count = 0

    def begin(self, total: int) -> None:
        self._write("# policyscan report", "")

    def document(self, doc: DocumentReport) -> None:
        self._count += 1
        lines = [f"## {self._count}. {md_escape(base_name(doc.path))}", ""]
        lines += self._identity(doc)
        if is_scanned(doc):
            lines += self._facts(doc)
            lines += self._outlook(doc)
            lines += self._sbc(doc)
            lines += self._findings(doc)
        elif doc.findings:
            lines += self._findings(doc)
        self._write(*lines)

    def end(self, report: ScanReport) -> None:
        lines: list[str] = []
        if len(report.documents) > 1:
            header = ["File", "Plan", "Kind", "Status", *(h for _, h in comparison_header())]
            lines += ["## Plans compared", ""]
            lines += self._differences(report)
            lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
            for row in comparison(report):
                cells = [md_escape(row["name"]), _cell(row["plan"]), md_escape(row["kind"]),
                         md_escape(row["status_label"]), *(md_escape(t) for t, _ in row["cells"])]
                lines.append("| " + " | ".join(cells) + " |")
            lines.append("")
        elif not report.documents:
            lines += ["No documents were scanned.", ""]
        lines.append(f"_{md_escape(DISCLAIMER)}_")
        self._write(*lines)

    # -- blocks -------------------------------------------------------------------------

    def _differences(self, report: ScanReport) -> list[str]:
        """Which plans differ on what (policyscan.compare)."""
        from ..compare import build
        from .compare_view import summary_lines

        comparison = build(report.documents)
        if sum(1 for p in comparison.plans if p.scanned) < 2:
            return []
        found, more = summary_lines(comparison)
        lines = ["### Where the plans differ", ""]
        lines += [f"- {md_escape(line)}" for line in found] or [
            "The scanned plans state the same on every field compared."]
        if more:
            lines.append(f"- … and {more} more (`--format csv` has every field)")
        return [*lines, ""]

    def _identity(self, doc: DocumentReport) -> list[str]:
        parts = [f"**Path:** {md_code(doc.path)}",
                 f"**Kind:** {md_escape(KIND_LABELS.get(doc.kind, doc.kind))}",
                 *([f"**Rulebook:** {md_escape(rb)}"] if (rb := rulebook_line(doc)) else []),
                 f"**Pages:** {doc.pages}",
                 f"**Status:** {md_escape(STATUS_LABELS.get(doc.status, doc.status))}"]
        for label, value in (("Plan", doc.plan.name), ("Issuer", doc.plan.issuer),
                             ("Coverage period", doc.plan.coverage_period),
                             ("Plan type", doc.plan.plan_type)):
            if value:
                parts.append(f"**{label}:** {md_escape(value)}")
        lines = ["- " + p for p in parts]
        lines += [f"- **Warning:** {md_escape(w)}" for w in doc.warnings]
        if doc.error is not None:
            what = "Problem" if is_scanned(doc) else "Could not scan"
            lines.append(f"- **{what}:** {md_escape(doc.error.message)}")
        return [*lines, ""]

    def _facts(self, doc: DocumentReport) -> list[str]:
        lines = ["### What this document says", "", "| Question | Answer | Pages |",
                 "|---|---|---|"]
        for a in answers(doc):
            answer = f"**{md_escape(a.text)}**" if a.value in ("yes", "deadline") else \
                md_escape(a.text)
            lines.append(f"| {md_escape(a.question)} | {answer} | {md_escape(a.pages) or '—'} |")
        return [*lines, ""]

    def _outlook(self, doc: DocumentReport) -> list[str]:
        lines: list[str] = []
        for view in doc.outlooks or ((doc.outlook,) if doc.outlook is not None else ()):
            lines += [f"### {md_escape(view['procedure']['name'])}: what this document "
                      "says", ""]
            for s in outlook_statuses(view):
                lines.append(f"- **{md_escape(s['label'])}:** {md_escape(s['note'])}")
                lines += [f"  - p{e['page']}: “{md_escape(e['quote'])}”" for e in s["evidence"]]
            named = outlook_mentions(view)
            if named["shown"]:
                lines.append("- **Where the document names it or its family:**")
                lines += [f"  - p{e['page']}: “{md_escape(e['quote'])}”" for e in named["shown"]]
                if named["more"]:
                    lines.append(f"  - … and {named['more']} more")
            lines.append("")
        if doc.due_dates:
            lines += ["### Deadlines as dates", ""]
            for d in doc.due_dates:
                lines.append(f"- **{md_escape(due_stage_label(d))}:** "
                             f"{md_escape(d['label'])} ({md_escape(due_where(d))})")
            lines += ["", f"_{md_escape(doc.due_dates[0]['caveat'])}_", ""]
        return lines

    def _sbc(self, doc: DocumentReport) -> list[str]:
        sbc = doc.sbc
        if sbc is None:
            return []
        lines: list[str] = []
        if sbc.prior_authorization_services:
            lines += ["### Prior authorization required for", "",
                      "| Service | Page | If not obtained |", "|---|---|---|"]
            lines += [f"| {md_escape(s.service)} | p{s.page} | {_cell(s.penalty or '')} |"
                      for s in sbc.prior_authorization_services]
            lines.append("")
        for label, items in (("Not covered (the plan's list)", sbc.excluded_services),
                             ("Other covered services", sbc.other_covered_services)):
            if items:
                lines += [f"**{label}:** " + "; ".join(md_escape(i) for i in items), ""]
        return lines

    def _findings(self, doc: DocumentReport) -> list[str]:
        if not doc.findings:
            return ["_No findings: none of the eight kinds of wording were found._", ""]
        lines = [f"### Findings ({len(doc.findings)})", ""]
        for g in groups(doc, SIDE_CHARS):
            lines += [f"#### {md_escape(g.label)} ({len(g.findings)})", ""]
            shown = g.findings if self.verbose else g.findings[:MAX_PER_CATEGORY]
            for f in shown:
                where = [f"p{f.page}"]
                if f.section:
                    where.append(md_escape(f.section))
                where.append(f"score {f.score}")
                if f.negated:
                    where.append("negated")
                if not f.plan_term:
                    where.append("not a plan term")
                c = f.context
                quote = " ".join(filter(None, (md_escape(c.before), f"**{md_escape(c.quote)}**",
                                               md_escape(c.after))))
                line = f"- **{' · '.join(where)}** — {quote}"
                if f.deadline:
                    line += f" — deadline: {md_escape(f.deadline)}"
                line += f" — _{md_escape(f.explanation)}; rule {md_escape(f.rule)}_"
                lines.append(line)
            if len(shown) < len(g.findings):
                lines.append(f"- … and {len(g.findings) - len(shown)} more "
                             "(--verbose or --format json for all)")
            lines.append("")
        return lines

    def _write(self, *lines: str) -> None:
        self.stream.write("\n".join(lines) + "\n")
        self.stream.flush()
