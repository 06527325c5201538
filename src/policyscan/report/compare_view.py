"""The comparison (``policyscan.compare``) as plain values for the HTML and Markdown
reports: a first-screen summary of which plans differ on what, and the plan-by-field
matrix, grouped, each row marked when the plans differ on it. Nothing here is markup."""

from __future__ import annotations

from typing import Any

from ..compare import GROUP_LABELS, GROUPS, Comparison, build
from ..models import ScanReport
from .views import document_id

# Lines of the first-screen summary before "and N more".
MAX_SUMMARY = 8
# The order differences are told in: what a broker asks first.
_SUMMARY_ORDER = ("services", "prior_authorization", "deadline", "procedures", "facts",
                  "identity")


def summary_lines(comparison: Comparison, limit: int = MAX_SUMMARY) -> tuple[list[str], int]:
    """("Infertility treatment: not covered in A; covered in B", …) and how many more."""
    found = sorted(comparison.differences(), key=lambda d: _SUMMARY_ORDER.index(d.field.group))
    return [d.text() for d in found[:limit]], max(0, len(found) - limit)


def matrix(report: ScanReport) -> dict[str, Any]:
    comparison = build(report.documents)
    lines, more = summary_lines(comparison)
    plans = [{"label": p.label, "doc_id": document_id(i), "status": p.status,
              "scanned": p.scanned} for i, p in enumerate(comparison.plans, start=1)]
    groups = []
    for group in GROUPS:
        rows = []
        for f in comparison.by_group(group):
            cells = []
            for p in comparison.plans:
                c = p.cell(f.key)
                cells.append({"plan": p.label, "value": c.value or "—", "state": c.state,
                              "pages": ", ".join(f"p{n}" for n in c.pages),
                              "quote": c.quote if c.quote != c.value else ""})
            rows.append({"label": f.label, "differs": comparison.differs(f.key),
                         "cells": cells})
        if rows:
            groups.append({"label": GROUP_LABELS[group], "rows": rows,
                           "differs": sum(1 for r in rows if r["differs"])})
    return {"plans": plans, "groups": groups, "summary": lines, "more": more,
            "differences": len(comparison.differences())}
