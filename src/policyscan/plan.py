"""Plan identity from an SBC header: name, issuer, coverage period, plan type.

The federal template puts it in two fixed lines: "… Coverage Period: 01/01/2026 -
12/31/2026" and "<Issuer>: <Plan name> Coverage for: Family | Plan Type: PPO".
"""

from __future__ import annotations

import re

from .extract import PageText
from .models import PlanInfo

_PERIOD = re.compile(r"Coverage\s+Period\s*:\s*(?P<period>[^\r\n|]+?)\s*(?:\r?\n|$|\|)", re.I)
_PLAN_LINE = re.compile(
    r"(?m)^[ \t]*(?P<head>[^\r\n]*?)\s*Coverage\s+for\s*:\s*(?P<for>[^\r\n|]*?)\s*\|?\s*"
    r"Plan\s+Type\s*:\s*(?P<type>[^\r\n]+?)\s*$",
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
    name = issuer = plan_type = None
    if line:
        plan_type = _clean(line.group("type"))
        head = _clean(line.group("head")) or ""
        if ":" in head:
            issuer, _, name = (part.strip() for part in head.partition(":"))
        else:
            name = head
    return PlanInfo(name=_clean(name), issuer=_clean(issuer),
                    coverage_period=_clean(period.group("period")) if period else None,
                    plan_type=plan_type)
