"""Plan identity from an SBC header: name, issuer, coverage period, plan type.

The federal template puts it in two fixed lines: "… Coverage Period: 07/01/2026 -
06/30/2027" and "<Issuer>: <Plan name> Coverage for: Family | Plan Type: PPO".
"""

from __future__ import annotations

import re

from .extract import PageText
from .models import PlanInfo

_PERIOD = re.compile(r"Coverage\s+Period\s*:\s*(?P<period>[^\r\n|]+?)\s*(?:\r?\n|$|\|)", re.I)
# Within one line: "<Issuer>: <Plan> Coverage for: … | Plan Type: …". When the template's
# line is broken, "Coverage for:" may start a line of its own; the plan then stands on the
# line above (handled below), never across a "Coverage Period:" line.
_PLAN_LINE = re.compile(
    r"(?m)^[ \t]*(?P<head>[^\r\n]*?)[ \t]*Coverage[ \t]+for[ \t]*:[ \t]*(?P<for>[^\r\n|]*?)"
    r"[ \t]*\|?[ \t]*Plan(?:[ \t]+|[ \t]*\r?\n[ \t]*)Type[ \t]*:[ \t]*(?P<type>[^\r\n]+?)"
    r"[ \t]*\r?$",
    re.I,
)


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    text = " ".join(text.replace("\ufffe", "-").split()).strip(" :|-")
    return text or None


def read_plan_info(pages: list[PageText], kind: str) -> PlanInfo:
    if kind != "sbc" or not pages:
        return PlanInfo()
    text = pages[0].text
    period = _PERIOD.search(text)
    line = _PLAN_LINE.search(text)
    name = issuer = plan_type = coverage_for = None
    if line:
        plan_type = _clean(line.group("type"))
        coverage_for = _clean(line.group("for"))
        head = _clean(line.group("head")) or ""
        if not head:
            # "Coverage for:" began its line: the plan is the last line above it that is
            # not the template title or the coverage period.
            above = [ln for ln in text[:line.start()].splitlines() if ln.strip()
                     and not re.search(r"coverage\s+period|summary of benefits|page \d", ln,
                                       re.I)]
            head = (_clean(above[-1]) or "") if above else ""
        if ":" in head:
            issuer, _, name = (part.strip() for part in head.partition(":"))
        else:
            name = head
    return PlanInfo(name=_clean(name), issuer=_clean(issuer),
                    coverage_period=_clean(period.group("period")) if period else None,
                    plan_type=plan_type, coverage_for=coverage_for)
