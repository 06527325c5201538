"""A folder of synthetic SBCs that differ in known ways (tests/test_compare.py, test_diff.py).

Three plans, drawn with tests/sbc_layouts.py (three-column list boxes whose items share
text lines, a ruled grid):

* ``riverbend_2026.pdf``: the base plan.
* ``riverbend_2027.pdf``: the same plan a year later. Infertility treatment moved from
  NOT covered to Other covered; specialist visits newly need prior authorization; the
  appeal deadline went from 180 days to 60 days; the coverage period moved a year.
* ``harbor_silver.pdf``: another issuer shown only as a logo (the header line opens with
  ": "), named by its web address; an HMO; it spells cosmetic surgery "Cosmetic
  procedures" and excludes bariatric surgery, which the others cover.

All wording is invented; only the template's fixed labels are reused.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sbc_layouts import PA_PENALTY, Group, Layout, Row, build

BASE_EXCLUDED = [[["Acupuncture"], ["Cosmetic surgery"]],
                 [["Dental care (Adult)"], ["Infertility treatment"]],
                 [["Long-term care"], ["Weight loss programs"]]]
BASE_OTHER = [[["Bariatric surgery"]], [["Chiropractic care"]], [["Hearing aids"]]]
NEXT_EXCLUDED = [[["Acupuncture"], ["Cosmetic surgery"]],
                 [["Dental care (Adult)"], ["Long-term care"]],
                 [["Weight loss programs"]]]
NEXT_OTHER = [[["Bariatric surgery"], ["Infertility treatment"]], [["Chiropractic care"]],
              [["Hearing aids"]]]
HARBOR_EXCLUDED = [[["Bariatric Surgery"], ["Cosmetic procedures"]],
                   [["Dental Care (Adult)"], ["Long-Term Care"]],
                   [["Weight Loss Programs"]]]
HARBOR_OTHER = [[["Chiropractic Care"]], [["Hearing Aids"]], [["Acupuncture"]]]

SPECIALIST_PA = ["Prior authorization is required.", "Benefits are reduced by $250",
                 "if not obtained."]


def _groups(specialist_pa: bool) -> list[Group]:
    return [
        Group(["If you visit a health care", "provider's office or", "clinic"], [
            Row(["Primary care visit to treat an", "injury or illness"], ["$30 copay/visit"],
                ["40% coinsurance"], ["None"]),
            Row(["Specialist visit"], ["$60 copay/visit"], ["40% coinsurance"],
                SPECIALIST_PA if specialist_pa else ["None"]),
        ]),
        Group(["If you have a test"], [
            Row(["Diagnostic test (x-ray, blood", "work)"], ["20% coinsurance"],
                ["40% coinsurance"], ["None"]),
            Row(["Imaging (CT/PET scans, MRIs)"], ["20% coinsurance"], ["40% coinsurance"],
                PA_PENALTY),
        ]),
    ]


def _notes(days: int, site: str) -> list[str]:
    return [
        "Your Grievance and Appeals Rights:",
        "If your claim is denied, you may appeal. You must file your appeal within "
        f"{days} days of receiving the denial.",
        "You may also ask for an external review by an independent reviewer.",
        f"For the complete terms of coverage visit {site} or call 1-800-555-0142.",
    ]


def _period(year: int) -> str:
    return f"Coverage Period: 01/01/{year} - 12/31/{year}"


def layout(name: str) -> Layout:
    if name == "riverbend_2026":
        return Layout([_groups(False)], excluded=BASE_EXCLUDED, other_covered=BASE_OTHER,
                      period=_period(2026), notes=_notes(180, "www.riverbend.example"),
                      plan_line="Riverbend Health: Riverbend Gold PPO 1000 Coverage for: "
                                "Individual | Plan Type: PPO")
    if name == "riverbend_2027":
        return Layout([_groups(True)], excluded=NEXT_EXCLUDED, other_covered=NEXT_OTHER,
                      period=_period(2027), notes=_notes(60, "www.riverbend.example"),
                      plan_line="Riverbend Health: Riverbend Gold PPO 1000 Coverage for: "
                                "Individual | Plan Type: PPO")
    if name == "harbor_silver":
        return Layout([_groups(False)], excluded=HARBOR_EXCLUDED, other_covered=HARBOR_OTHER,
                      period=_period(2026), notes=_notes(180, "www.kp.org/harbor"),
                      plan_line=": Harbor Silver 70 HMO 2500 Coverage for: Individual | "
                                "Plan Type: HMO")
    raise ValueError(name)


NAMES: Sequence[str] = ("riverbend_2026", "riverbend_2027", "harbor_silver")


def build_folder(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return {name: build(folder / f"{name}.pdf", layout(name)) for name in NAMES}
