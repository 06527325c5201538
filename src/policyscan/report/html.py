"""The HTML report: one self-contained file to open from disk, share or print.

Rendered with jinja2 and autoescaping on: every string from a document or a file name
(paths, plan names, quotes, contexts, sections, warnings) reaches the page as text, never
as markup, and no template ever marks document text safe. Document text is data passed
to the template, never template source, so ``{{ 7*7 }}`` in a PDF stays those characters.

The page makes no request of its own: its CSS and JavaScript are inline, and a Content
Security Policy allows exactly those two blocks (by their SHA-256) and nothing else, so
even a mistake in escaping could not run a script or fetch anything. The script adds the
category filter (checkboxes; ``#filter=cat1,cat2`` in the address selects categories on
load) and sorting of the comparison table (``#sort=N`` / ``#sort=-N`` sorts column N);
without it every finding shows and the table keeps its order.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from importlib.resources import files
from typing import IO, Any

from ..models import CATEGORY_LABELS, NON_PLAN_KINDS, DocumentReport, ScanReport
from . import AtTheEnd
from .colors import category_hex
from .compare_view import matrix
from .views import (
    answers,
    base_name,
    category_order,
    comparison,
    comparison_header,
    document_id,
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

TEMPLATE = "report.html.j2"


@cache
def _environment() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("policyscan.report", "templates"),
        autoescape=True,  # every {{ value }} is HTML-escaped, attributes included
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@cache
def _asset(name: str) -> str:
    return (files("policyscan.report") / "templates" / name).read_text(encoding="utf-8")


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def _category_css(categories: list[str]) -> str:
    """A class per category with its colour (class names are indexes: a user's rule may
    name a category anything, and it never reaches the CSS)."""
    return "".join(f".cat-{i}{{--cat:{category_hex(c)}}}\n" for i, c in enumerate(categories))


def _document(doc: DocumentReport, index: int) -> dict[str, Any]:
    plan = [(label, collapse(value)) for label, value in (
        ("Plan", doc.plan.name), ("Issuer", doc.plan.issuer),
        ("Coverage period", doc.plan.coverage_period), ("Plan type", doc.plan.plan_type),
        ("Metal level", doc.plan.metal_level), ("Coverage for", doc.plan.coverage_for))
        if value]
    sbc = doc.sbc
    return {
        "id": document_id(index),
        "index": index,
        "name": base_name(doc.path),
        "path": doc.path,
        "kind": KIND_LABELS.get(doc.kind, doc.kind),
        "rulebook": rulebook_line(doc) or "",
        "non_plan": doc.kind in NON_PLAN_KINDS,
        "status": doc.status,
        "status_label": STATUS_LABELS.get(doc.status, doc.status),
        "scanned": is_scanned(doc),
        "pages": doc.pages,
        "seconds": f"{doc.seconds:.1f}" if doc.seconds is not None else "",
        "error": doc.error.message if doc.error else "",
        "warnings": list(doc.warnings),
        "duplicate_of": doc.duplicate_of or "",
        "plan": plan,
        "answers": answers(doc) if is_scanned(doc) else [],
        "outlooks": [{"name": view["procedure"]["name"],
                      "note": collapse(view.get("note") or ""),
                      "statuses": outlook_statuses(view),
                      "mentions": outlook_mentions(view)}
                     for view in doc.outlooks or ((doc.outlook,) if doc.outlook else ())],
        "due_dates": [{**d, "action_label": due_stage_label(d), "where": due_where(d)}
                      for d in doc.due_dates],
        "sbc": ({"prior_auth": [{"service": collapse(s.service), "page": s.page,
                                 "penalty": collapse(s.penalty or ""),
                                 "event": collapse(s.event or "")}
                                for s in sbc.prior_authorization_services],
                 "excluded": [collapse(s) for s in sbc.excluded_services],
                 "other_covered": [collapse(s) for s in sbc.other_covered_services],
                 "questions": [(collapse(q), collapse(a or "")) for q, a in
                               sbc.important_questions.items()]}
                if sbc is not None else None),
        "groups": groups(doc),
        "count": len(doc.findings),
    }


def render_html(report: ScanReport, *, title: str | None = None) -> str:
    """The whole page for ``report``."""
    documents = [_document(d, i) for i, d in enumerate(report.documents, start=1)]
    counts: dict[str, int] = {}
    for doc in report.documents:
        for f in doc.findings:
            counts[f.category] = counts.get(f.category, 0) + 1
    categories = category_order(set(counts))
    css = _asset("report.css") + _category_css(categories)
    script = _asset("report.js")
    csp = ("default-src 'none'; "
           f"style-src {_csp_hash(css)}; script-src {_csp_hash(script)}; "
           "img-src 'none'; base-uri 'none'; form-action 'none'")
    from markupsafe import Markup

    return str(_environment().get_template(TEMPLATE).render(
        title=title or (f"policyscan: {documents[0]['name']}" if len(documents) == 1
                        else f"policyscan: {len(documents)} documents"),
        documents=documents,
        batch=len(documents) > 1,
        comparison=comparison(report) if len(documents) > 1 else [],
        matrix=matrix(report) if len(documents) > 1 else {},
        comparison_header=comparison_header(),
        categories=[{"id": c, "label": CATEGORY_LABELS.get(c, c), "count": counts[c],
                     "css": f"cat-{i}"} for i, c in enumerate(categories)],
        cat_class={c: f"cat-{i}" for i, c in enumerate(categories)},
        summary=report.summary(),
        generated_at=report.generated_at,
        version=report.version,
        patterns=report.patterns,
        disclaimer=DISCLAIMER,
        # Our own static assets, never document text: hashed into the CSP above.
        css=Markup(css),  # noqa: S704
        script=Markup(script),  # noqa: S704
        csp=csp,
    ))


class HtmlFormatter(AtTheEnd):
    """The HTML report, written when the run is over (it needs every document)."""

    def __init__(self, stream: IO[str], *, title: str | None = None, **_: Any) -> None:
        super().__init__(stream)
        self.title = title

    def end(self, report: ScanReport) -> None:
        self.stream.write(render_html(report, title=self.title))
        self.stream.flush()
