"""What changed between two documents: two years of one plan, or two plans.

Built on the comparison (``policyscan.compare``) of the two reports: every field whose
value differs becomes a change, with both values, both pages and both quotes. The two
service lists and the prior-authorization services are told as what was added, removed
or moved ("moved from NOT covered to covered"); facts, the deadline and the identity as
"from … to …".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .compare import Cell, Comparison, FieldInfo, build, plan_label
from .models import DocumentReport

# (old state, new state) of a service -> what happened to it.
_SERVICE_MOVES: dict[tuple[str, str], str] = {
    ("not_covered", "covered"): "moved from NOT covered to covered",
    ("covered", "not_covered"): "moved from covered to NOT covered",
    ("not_listed", "not_covered"): "added to NOT covered",
    ("not_covered", "not_listed"): "removed from NOT covered",
    ("not_listed", "covered"): "added to Other covered",
    ("covered", "not_listed"): "removed from Other covered",
}
# The order changes are told in.
KINDS = ("identity", "services", "prior_authorization", "deadline", "facts", "procedures")
KIND_LABELS = {
    "identity": "Plan identity",
    "services": "Excluded and other covered services",
    "prior_authorization": "Prior authorization",
    "deadline": "Appeal deadline",
    "facts": "What the document states",
    "procedures": "Procedures",
}


@dataclass(frozen=True)
class Change:
    group: str
    field: str  # the field's label ("Cosmetic surgery", "Issuer")
    key: str
    what: str  # "moved from NOT covered to covered", "changed", "now required" …
    old: Cell
    new: Cell

    def to_dict(self) -> dict[str, Any]:
        return {"group": self.group, "field": self.field, "key": self.key, "what": self.what,
                "old": self.old.to_dict(), "new": self.new.to_dict()}


@dataclass(frozen=True)
class Diff:
    old_path: str
    new_path: str
    old_label: str
    new_label: str
    changes: tuple[Change, ...]
    # Why a side could not be compared ("failed: …"), when it could not.
    problem: str | None = None

    def by_group(self, group: str) -> list[Change]:
        return [c for c in self.changes if c.group == group]

    def to_dict(self) -> dict[str, Any]:
        return {"old": {"path": self.old_path, "plan": self.old_label},
                "new": {"path": self.new_path, "plan": self.new_label},
                "problem": self.problem,
                "changes": [c.to_dict() for c in self.changes]}


def _what(f: FieldInfo, old: Cell, new: Cell) -> str:
    if f.group == "services":
        return _SERVICE_MOVES.get((old.state, new.state), f"{old.value} → {new.value}")
    if f.group == "prior_authorization":
        if old.state != "required" and new.state == "required":
            return "now requires prior authorization"
        if old.state == "required" and new.state != "required":
            return "no longer listed as requiring prior authorization"
        return "penalty changed"
    return f"{old.value} → {new.value}"


def diff_reports(old: DocumentReport, new: DocumentReport) -> Diff:
    comparison: Comparison = build([old, new])
    a, b = comparison.plans
    if not (a.scanned and b.scanned):
        bad = [f"{p.path}: {p.status}" + (f" ({d.error.message})" if d.error else "")
               for p, d in ((a, old), (b, new)) if not p.scanned]
        return Diff(old.path, new.path, plan_label(old), plan_label(new), (), "; ".join(bad))
    changes = []
    for f in comparison.fields:
        if f.key == "identity:kind" and a.cell(f.key).value == b.cell(f.key).value:
            continue
        x, y = a.cell(f.key), b.cell(f.key)
        if x.value != y.value:
            changes.append(Change(f.group, f.label, f.key, _what(f, x, y), x, y))
    changes.sort(key=lambda c: KINDS.index(c.group))
    return Diff(old.path, new.path, plan_label(old), plan_label(new), tuple(changes))
