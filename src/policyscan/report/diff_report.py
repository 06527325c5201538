"""``policyscan diff`` as terminal text, JSON, Markdown and HTML.

Each change is told with both sides: the value, the pages and the plan's own words. The
HTML is one self-contained page like the scan report: its only style is inline and
allowed by hash, it runs no script, and every string from a document is escaped.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from html import escape
from typing import Any

from ..compare import Cell
from ..diff import KIND_LABELS, KINDS, Change, Diff
from .markdown import md_escape
from .wording import DISCLAIMER

QUOTE_CHARS = 200


def _short(text: str, limit: int = QUOTE_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _pages(cell: Cell) -> str:
    return ", ".join(f"p{p}" for p in cell.pages)


def _side(cell: Cell) -> str:
    out = cell.value or "—"
    if cell.pages:
        out += f" ({_pages(cell)})"
    return out


def _heading(d: Diff) -> tuple[str, str]:
    return (f"{d.old_label} — {d.old_path}", f"{d.new_label} — {d.new_path}")


# -- terminal ------------------------------------------------------------------------------


def render_text(diffs: Sequence[Diff]) -> str:
    lines: list[str] = []
    for d in diffs:
        old, new = _heading(d)
        lines += [f"Old: {old}", f"New: {new}"]
        if d.problem:
            lines += [f"  Cannot compare: {d.problem}", ""]
            continue
        if not d.changes:
            lines += ["  No differences in the fields compared.", ""]
            continue
        lines.append(f"  {len(d.changes)} change{'' if len(d.changes) == 1 else 's'}")
        for kind in KINDS:
            changes = d.by_group(kind)
            if not changes:
                continue
            lines += ["", f"  {KIND_LABELS[kind]}"]
            for c in changes:
                lines.append(f"    {c.field}: {c.what}")
                for label, cell in (("old", c.old), ("new", c.new)):
                    line = f"      {label}: {_side(cell)}"
                    if cell.quote and cell.quote != cell.value:
                        line += f'  "{_short(cell.quote)}"'
                    lines.append(line)
        lines.append("")
    lines.append(DISCLAIMER)
    return "\n".join(lines) + "\n"


# -- JSON ----------------------------------------------------------------------------------


def render_json(diffs: Sequence[Diff], version: str) -> str:
    out: dict[str, Any] = {"policyscan": version, "diffs": [d.to_dict() for d in diffs]}
    return json.dumps(out, indent=2, ensure_ascii=False) + "\n"


# -- Markdown ------------------------------------------------------------------------------


def _md_side(cell: Cell) -> str:
    out = md_escape(cell.value or "—")
    if cell.pages:
        out += f" ({_pages(cell)})"
    if cell.quote and cell.quote != cell.value:
        out += f" — “{md_escape(_short(cell.quote))}”"
    return out


def render_markdown(diffs: Sequence[Diff]) -> str:
    lines = ["# What changed", ""]
    for d in diffs:
        old, new = _heading(d)
        lines += [f"## {md_escape(old)} → {md_escape(new)}", ""]
        if d.problem:
            lines += [f"Cannot compare: {md_escape(d.problem)}", ""]
            continue
        if not d.changes:
            lines += ["No differences in the fields compared.", ""]
            continue
        for kind in KINDS:
            changes = d.by_group(kind)
            if not changes:
                continue
            lines += [f"### {KIND_LABELS[kind]}", "", "| Field | Change | Old | New |",
                      "|---|---|---|---|"]
            lines += [f"| {md_escape(c.field)} | {md_escape(c.what)} | {_md_side(c.old)} | "
                      f"{_md_side(c.new)} |" for c in changes]
            lines.append("")
    lines.append(f"_{md_escape(DISCLAIMER)}_")
    return "\n".join(lines) + "\n"


# -- HTML ----------------------------------------------------------------------------------

CSS = """
body { margin: 0 auto; max-width: 72rem; padding: 0 1rem; color: #1f2328; background: #fff;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; margin: .4rem 0 1rem; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem;
  border-bottom: 1px solid #d0d7de; overflow-wrap: anywhere; }
thead th { border-bottom: 2px solid #1f2328; }
.what { font-weight: 600; color: #a40e26; }
.pages { color: #57606a; font-size: .9em; }
q { display: block; color: #57606a; font-size: .92em; }
.muted { color: #57606a; }
@media (max-width: 40rem) {
  thead { position: absolute; left: -9999px; }
  table, tbody, tr, td { display: block; width: auto; }
  tr { border: 1px solid #d0d7de; border-radius: 8px; margin: .5rem 0; padding: .3rem .6rem; }
  td { border: 0; padding: .1rem 0; }
  td[data-label]::before { content: attr(data-label) ": "; font-weight: 600; }
}
"""


def _html_side(cell: Cell) -> str:
    out = escape(cell.value or "—")
    if cell.pages:
        out += f' <span class="pages">{escape(_pages(cell))}</span>'
    if cell.quote and cell.quote != cell.value:
        out += f"<q>{escape(_short(cell.quote))}</q>"
    return out


def _html_rows(changes: Sequence[Change]) -> str:
    return "".join(
        f'<tr><td data-label="Field">{escape(c.field)}</td>'
        f'<td data-label="Change" class="what">{escape(c.what)}</td>'
        f'<td data-label="Old">{_html_side(c.old)}</td>'
        f'<td data-label="New">{_html_side(c.new)}</td></tr>' for c in changes)


def render_html(diffs: Sequence[Diff], version: str) -> str:
    digest = base64.b64encode(hashlib.sha256(CSS.encode()).digest()).decode()
    csp = (f"default-src 'none'; style-src 'sha256-{digest}'; img-src 'none'; "
           "base-uri 'none'; form-action 'none'")
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             f'<meta http-equiv="Content-Security-Policy" content="{csp}">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f'<meta name="generator" content="policyscan {escape(version)}">',
             "<title>policyscan: what changed</title>", f"<style>{CSS}</style></head><body>",
             "<h1>What changed</h1>"]
    for d in diffs:
        old, new = _heading(d)
        parts.append(f"<section><h2>{escape(old)} → {escape(new)}</h2>")
        if d.problem:
            parts.append(f"<p>Cannot compare: {escape(d.problem)}</p></section>")
            continue
        if not d.changes:
            parts.append("<p>No differences in the fields compared.</p></section>")
            continue
        for kind in KINDS:
            changes = d.by_group(kind)
            if changes:
                parts.append(f"<h3>{escape(KIND_LABELS[kind])}</h3><table><thead><tr>"
                             "<th>Field</th><th>Change</th><th>Old</th><th>New</th></tr>"
                             f"</thead><tbody>{_html_rows(changes)}</tbody></table>")
        parts.append("</section>")
    parts.append(f'<p class="muted">{escape(DISCLAIMER)}</p></body></html>')
    return "\n".join(parts) + "\n"


RENDERERS = ("terminal", "json", "markdown", "html")


def render(diffs: Sequence[Diff], fmt: str, version: str) -> str:
    if fmt == "json":
        return render_json(diffs, version)
    if fmt == "markdown":
        return render_markdown(diffs)
    if fmt == "html":
        return render_html(diffs, version)
    return render_text(diffs)
