#!/usr/bin/env python3
"""Generate a folder of SBC-like PDFs for the batch benchmark (bench/bench_batch.py).

    .venv/bin/python bench/make_sbc_folder.py [--n 1000] [--out bench/pdfs/sbc1000] [--seed 1]

Every file is a made-up plan: issuer, plan name and type, coverage period, amounts, which
services need approval first, how that is worded, the excluded services, the appeal window,
extra notes, 5-10 pages. Five layouts take turns (file i gets layout i % 5):

* ``landscape_grid``: landscape, ruled five-column benefit grid (event, service, in network,
  out of network, limitations), ruled question table, excluded services in a ruled box;
* ``portrait_grid``: portrait, ruled four-column grid, the event as a spanning row;
* ``line_list``: portrait, one service per line ("Specialist visit: ... ; ..."), bullets;
* ``three_column``: landscape, the benefits as items in three columns drawn line by line
  across the columns, so neighbouring columns interleave in the content stream (as real
  SBC boxes do);
* ``tabbed``: portrait, an unruled grid on tab stops with shaded event rows, Times.

All wording is ours (only generic words an SBC must use, such as "Coverage Period:" and
"Plan Type:", are shared with the federal template). Nothing is read from shared/corpus.
The output is deterministic for a seed: each file has its own ``random.Random`` seeded by
(seed, index) and reportlab runs with ``invariant=1``. Each file prints its own document
number, so no two files have the same bytes (the batch runner scans a repeated file once).

Drawing is plain canvas calls (no platypus), two processes: ~1000 files in ~10-15 s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from reportlab.lib.pagesizes import landscape, letter
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "bench" / "pdfs" / "sbc1000"
LAYOUTS = ("landscape_grid", "portrait_grid", "line_list", "three_column", "tabbed")
GENERATOR_VERSION = 1
MIN_PAGES, MAX_PAGES = 5, 10

# --------------------------------------------------------------------------------------------
# Invented vocabulary
# --------------------------------------------------------------------------------------------

ISSUER_HEADS = ("Cedar", "Harbor", "Lakeshore", "Summit", "Prairie", "Redwood", "Granite",
                "Meadowlark", "Coastal", "Juniper", "Orchard", "Riverbend", "Timberline",
                "Bayview", "Highland", "Willow Creek", "Stonebridge", "Blue Heron")
ISSUER_TAILS = ("Health Plan", "Health Cooperative", "Mutual Health", "Care Alliance",
                "Health Partners, Inc.", "Benefit Trust", "Health Company")
TIERS = ("Bronze", "Silver", "Gold", "Platinum", "Basic", "Value", "Choice", "Select")
FLAVOURS = ("Advantage", "Core", "Flex", "Essential", "Plus", "Connect", "Local", "Premier")
PLAN_TYPES = ("HMO", "PPO", "EPO", "POS")
COVERAGE_FOR = ("Individual + Family", "Individual", "Family", "Employee Only",
                "Self + Spouse")

# (event, services). Our own phrasing of the usual benefit groups.
EVENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Seeing a doctor at an office or clinic",
     ("Primary care visit for an illness or injury", "Specialist visit",
      "Preventive care, screenings and shots")),
    ("Having a test", ("Lab work and x-rays", "Advanced imaging (CT, PET, MRI)")),
    ("Needing medicine for an illness or condition",
     ("Tier 1 generic drugs", "Tier 2 preferred brand drugs", "Tier 3 other brand drugs",
      "Tier 4 specialty drugs")),
    ("Having outpatient surgery", ("Surgery center facility fee", "Surgeon and anesthesia fees")),
    ("Needing care right away", ("Emergency room", "Ambulance", "Urgent care center")),
    ("Staying in a hospital", ("Hospital room and board", "Doctors seen during the stay")),
    ("Getting mental health or substance use care",
     ("Outpatient counseling and therapy", "Inpatient or residential treatment")),
    ("Being pregnant", ("Visits before and after the birth", "Delivery by a doctor or midwife",
                        "Delivery facility charges")),
    ("Recovering or needing extra help at home",
     ("Home health visits", "Rehabilitation therapy", "Habilitation therapy",
      "Skilled nursing facility", "Medical equipment", "Hospice care")),
    ("A child needing eye or dental care",
     ("Child eye exam", "Child glasses", "Child dental checkup")),
)

PREAUTH = (
    "Prior authorization required.",
    "Preauthorization is required. Without it, {pct}% of the cost may not be paid.",
    "Needs approval from {short} before you receive the service.",
    "You must get the plan's approval in advance; a ${penalty} penalty applies if you do not.",
    "Precertification required for stays that are not emergencies.",
    "Pre-approval is needed when the charge is over ${amount}.",
    "Your provider must ask {short} to approve this before it is done.",
)
NOTES = (
    "None", "Limited to {visits} visits each plan year.", "Deductible does not apply.",
    "Virtual visits cost ${virtual} each.",
    "Includes care from a nurse practitioner or physician assistant.",
    "One copay per visit, however many services you receive.",
    "A generic is dispensed when one is available.",
    "Up to a {supply}-day supply at a retail pharmacy.",
    "Covered up to {stay} days per admission.", "You may pay more for a private room.",
    "The out-of-network cost also applies to ambulances outside your area.",
    "Telephone and video sessions are covered like office visits.",
)
EXCLUDED_COSMETIC = (
    "Cosmetic surgery",
    "Cosmetic procedures, unless needed to repair an injury or a defect present at birth",
    "Procedures done mainly to change how you look",
    "Cosmetic treatment of the skin, such as peels or laser resurfacing",
)
EXCLUDED_OTHER = (
    "Acupuncture", "Weight loss surgery", "Dental care for adults", "Hearing aids",
    "Infertility treatment", "Long-term care", "Routine foot care", "Weight loss programs",
    "Private-duty nursing", "Care outside the United States that is not an emergency",
    "Routine eye care for adults", "Services that are not medically necessary",
    "Experimental or investigational treatment",
    "Treatments that are still being studied and are not proven",
)
OTHER_COVERED = (
    "Chiropractic care (up to {visits} visits)", "Hearing aids (one per ear every 3 years)",
    "A second surgical opinion", "Reconstructive surgery after a mastectomy",
    "Acupuncture for chronic pain (up to {visits} visits)", "Nutritional counseling",
    "Diabetes education", "Routine eye exam for adults (one a year)",
)
APPEALS = (
    "If {short} denies a claim or a request for coverage, you can ask us to look at it again. "
    "This is called an appeal. Send your appeal within {days} days of the date you get the "
    "denial notice. If we still say no, you may ask for an external review by an "
    "independent organization. Call {phone} for help with any step.",
    "You have the right to appeal a decision you disagree with. Appeals must be filed no "
    "later than {days} days after you receive our decision. You may also be able to ask an "
    "independent reviewer to decide. For forms and help, call {phone} or visit {web}.",
    "To dispute a denied claim, write to {short} within {days} days from the date on the "
    "notice that explains the denial. When an appeal is turned down, an independent "
    "review organization can look at the decision. Questions: {phone}.",
)
CONTINUE = (
    "Agencies can help if you want to keep your coverage after it ends. Contact your "
    "state insurance department or the Department of Labor. You may also be able to buy a "
    "plan through the Health Insurance Marketplace.",
    "When this coverage ends, you may be able to continue it for a time. Your employer's "
    "benefits office or the state insurance department can explain your options.",
)
# Sentences for notes pages; placeholders are filled per plan, then shuffled into paragraphs.
PROSE = (
    "Show your member card each time you get care, so the provider can bill {short} directly.",
    "Network providers agree to accept our allowed amount as payment in full.",
    "An out-of-network provider may bill you for the difference between its charge and the "
    "allowed amount.",
    "Your deductible starts over on the first day of each plan year.",
    "Copays count toward your out-of-pocket limit once they are paid.",
    "Premiums, balance-billed charges and services the plan does not cover do not count "
    "toward the out-of-pocket limit.",
    "Some services need approval from {short} before you receive them; your network doctor "
    "usually asks for it.",
    "Services must be medically necessary to be covered.",
    "A service is medically necessary when it is needed to diagnose or treat a condition and "
    "meets accepted standards of care.",
    "If you have other coverage, the two plans coordinate so that together they pay no more "
    "than the cost of the care.",
    "Claims should reach us within {claim_days} days of the date of service.",
    "You can find network doctors, hospitals and pharmacies at {web}.",
    "Call {phone} if you need this summary in another language or a larger print size.",
    "Keep your explanation of benefits statements; they show what was billed and what you owe.",
    "Emergency care is covered at the network level wherever you receive it.",
    "A referral is your primary care doctor's written go-ahead to see a specialist.",
    "Changes to this plan take effect only when we send you a written notice.",
    "Member services is open {hours}.",
    "You may choose any primary care doctor in the network who accepts new patients.",
    "Preventive services recommended for your age are covered without cost sharing.",
    "Bills for services you received more than a year ago may not be paid.",
    "Mail order pharmacy can send a {supply}-day supply of a maintenance drug.",
    "The amounts in this summary are for covered services from network providers unless "
    "another amount is shown.",
    "Transplant services are covered only at facilities we designate.",
    "The complete plan terms are free; ask us for a copy.",
    "If you disagree with how a claim was paid, call us first; many problems are solved that "
    "way.",
)
NOTE_HEADINGS = ("Notes about using your plan", "More about your costs", "Getting care",
                 "Claims and bills", "Your plan and other coverage", "Help and contacts")
QUESTIONS = (
    ("What is the overall deductible?", "{ded}",
     "You pay for covered services up to this amount; after that the plan shares the cost."),
    ("Are there services covered before you meet your deductible?",
     "Yes. Office visits with a copay, and preventive care.",
     "Some services are paid by the plan even before the deductible is met."),
    ("Are there other deductibles for specific services?", "{rx_ded}",
     "The plan pays for those services only after you meet these amounts."),
    ("What is the out-of-pocket limit for this plan?", "{oop}",
     "The most a year of covered services could cost you."),
    ("What is not included in the out-of-pocket limit?",
     "Balance-billed charges, premiums and care this plan does not cover.",
     "These costs do not count toward the limit even when you pay them."),
    ("Will you pay less if you use a network provider?", "Yes. See {web} or call {phone}.",
     "A network provider usually costs you less than one outside the network."),
    ("Do you need a referral to see a specialist?", "{referral}",
     "Check whether your primary care doctor must send you before a specialist visit."),
)


# --------------------------------------------------------------------------------------------
# One plan's data
# --------------------------------------------------------------------------------------------


@dataclass
class Plan:
    doc_id: str
    layout: str
    issuer: str
    short: str
    name: str
    plan_type: str
    period: str
    coverage_for: str
    phone: str
    web: str
    fill: dict[str, str]
    questions: list[tuple[str, str, str]]
    # (event, [(service, network, out of network, limitations)])
    grid: list[tuple[str, list[tuple[str, str, str, str]]]]
    excluded: list[str]
    other_covered: list[str]
    appeals: str
    continue_text: str
    examples: list[tuple[str, list[tuple[str, str]]]]
    notes_seed: int = 0  # the notes pages are drawn from their own generator


def _money(rng: random.Random, lo: int, hi: int, step: int) -> int:
    return rng.randrange(lo, hi + 1, step)


def make_plan(seed: int, index: int) -> Plan:
    rng = random.Random(f"policyscan-bench:{seed}:{index}")
    head = rng.choice(ISSUER_HEADS)
    issuer = f"{head} {rng.choice(ISSUER_TAILS)}"
    plan_type = rng.choice(PLAN_TYPES)
    ded = _money(rng, 250, 7000, 250)
    name = f"{head} {rng.choice(TIERS)} {rng.choice(FLAVOURS)} {plan_type} {ded}"
    year = rng.choice((2025, 2026, 2027))
    month = rng.choice((1, 1, 1, 4, 7, 10))
    period = (f"{month:02d}/01/{year} - {(month - 2) % 12 + 1:02d}/"
              f"{(30 if (month - 2) % 12 + 1 in (4, 6, 9, 11) else 31):02d}/"
              f"{year + (month > 1)}")
    domain = head.lower().replace(" ", "") + rng.choice(("health", "care", "plan")) + ".example"
    phone = f"1-8{rng.choice('0458')}{rng.choice('0458')}-555-01{rng.randrange(100):02d}"
    coins = rng.choice((10, 15, 20, 25, 30, 40))
    oon = min(coins + rng.choice((10, 20, 30)), 60)
    fill = {
        "short": head, "phone": phone, "web": f"www.{domain}", "pct": str(rng.choice((25, 50))),
        "penalty": str(_money(rng, 100, 1000, 50)), "amount": str(_money(rng, 300, 2500, 100)),
        "visits": str(rng.choice((12, 20, 30, 60, 100))), "virtual": str(rng.choice((0, 5, 10))),
        "supply": str(rng.choice((30, 34, 90))), "stay": str(rng.choice((30, 60, 100))),
        "days": str(rng.choice((180, 180, 180, 60, 90, 120))),
        "claim_days": str(rng.choice((90, 180, 365))),
        "hours": rng.choice(("weekdays, 8 a.m. until 8 p.m.", "every day, 24 hours a day",
                             "Monday to Saturday, 7 a.m. to 7 p.m.")),
    }
    oop = ded * 2 + _money(rng, 1000, 4000, 500)
    q_fill = {
        **fill, "ded": f"${ded:,} individual / ${ded * 2:,} family",
        "oop": f"${oop:,} individual / ${oop * 2:,} family",
        "rx_ded": rng.choice(("No.", f"Yes. ${_money(rng, 100, 500, 50)} for prescription "
                                      "drugs.")),
        "referral": rng.choice(("Yes. Your primary care doctor must refer you.",
                                "No. You can see a network specialist without one.")),
    }
    questions = [(q, a.format(**q_fill), w) for q, a, w in QUESTIONS]

    needs_pa = {s for _, services in EVENTS for s in services if rng.random() < 0.3}
    pa_style = rng.randrange(len(PREAUTH))  # the plan's usual wording, with some variety
    grid = []
    for event, services in EVENTS:
        rows = []
        for service in services:
            copay = _money(rng, 0, 120, 5)
            network = rng.choice((f"${copay} copay/visit", f"{coins}% coinsurance",
                                  "No charge" if copay < 20 else f"${copay} copay",
                                  f"${copay} copay; deductible does not apply"))
            out = rng.choice((f"{oon}% coinsurance", "Not covered", f"{oon}% coinsurance"))
            note = rng.choice(NOTES)
            if service in needs_pa:
                wording = PREAUTH[pa_style if rng.random() < 0.7 else rng.randrange(len(PREAUTH))]
                note = wording if note == "None" else f"{note} {wording}"
            rows.append((service, network, out, note.format(**fill)))
        grid.append((event, rows))

    excluded = [rng.choice(EXCLUDED_COSMETIC), *rng.sample(EXCLUDED_OTHER, rng.randint(5, 9))]
    rng.shuffle(excluded)
    other = [o.format(**fill) for o in rng.sample(OTHER_COVERED, rng.randint(3, 6))]
    examples = []
    for who, what, total in (("Ana is having a baby", "nine months of network prenatal care "
                              "and a hospital delivery", 12000),
                             ("Ben manages type 2 diabetes", "a year of routine network care",
                              5500),
                             ("Cara breaks her wrist", "an emergency room visit and follow-up "
                              "care", 2700)):
        cost = total + _money(rng, -300, 300, 10)
        paid = [min(ded, cost), _money(rng, 10, 900, 10), _money(rng, 0, 1500, 10),
                _money(rng, 0, 90, 10)]
        examples.append((f"{who} ({what})", [
            ("Total example cost", f"${cost:,}"), ("Deductibles", f"${paid[0]:,}"),
            ("Copayments", f"${paid[1]:,}"), ("Coinsurance", f"${paid[2]:,}"),
            ("Limits or exclusions", f"${paid[3]:,}"), ("Total you would pay", f"${sum(paid):,}"),
        ]))
    plan = Plan(
        doc_id=f"BX-{seed}-{index:05d}-{rng.randrange(16**6):06x}",
        layout=LAYOUTS[index % len(LAYOUTS)], issuer=issuer, short=head, name=name,
        plan_type=plan_type, period=period, coverage_for=rng.choice(COVERAGE_FOR),
        phone=phone, web=fill["web"], fill=fill, questions=questions, grid=grid,
        excluded=excluded, other_covered=other,
        appeals=rng.choice(APPEALS).format(**fill),
        continue_text=rng.choice(CONTINUE), examples=examples)
    plan.notes_seed = rng.randrange(2**32)
    plan.fill["target_pages"] = str(rng.randint(MIN_PAGES, MAX_PAGES))
    return plan


# --------------------------------------------------------------------------------------------
# Drawing
# --------------------------------------------------------------------------------------------


class Pager:
    """A canvas with a cursor: wraps text, breaks pages, draws header and footer."""

    def __init__(self, path: Path, plan: Plan, pagesize: tuple[float, float], font: str,
                 bold: str, size: float, margin: float = 36) -> None:
        self.c = Canvas(str(path), pagesize=pagesize, invariant=1)
        self.c.setTitle(f"{plan.issuer}: {plan.name} - Summary of Benefits and Coverage")
        self.c.setAuthor(plan.issuer)
        self.c.setCreator("policyscan bench/make_sbc_folder.py")
        self.plan, self.font, self.bold, self.size = plan, font, bold, size
        self.width, self.height = pagesize
        self.margin = margin
        self.left, self.right = margin, self.width - margin
        self.top, self.bottom = self.height - margin - 14, margin + 16
        self.leading = size * 1.22
        self.page = 1
        self.y = self.top
        self._running_head()

    @property
    def text_width(self) -> float:
        return self.right - self.left

    def _running_head(self) -> None:
        c = self.c
        c.setFont(self.font, 7)
        c.drawString(self.left, self.height - self.margin,
                     f"{self.plan.issuer}: {self.plan.name}")
        c.drawRightString(self.right, self.height - self.margin,
                          f"Coverage Period: {self.plan.period}")

    def _footer(self) -> None:
        c = self.c
        c.setFont(self.font, 7)
        c.drawString(self.left, self.margin, f"Document {self.plan.doc_id}")
        c.drawRightString(self.right, self.margin, f"Page {self.page}")

    def new_page(self) -> None:
        self._footer()
        self.c.showPage()
        self.page += 1
        self.y = self.top
        self._running_head()

    def finish(self) -> int:
        self._footer()
        self.c.save()
        return self.page

    def need(self, height: float) -> None:
        if self.y - height < self.bottom:
            self.new_page()

    def wrap(self, text: str, width: float, font: str | None = None,
             size: float | None = None) -> list[str]:
        return simpleSplit(text, font or self.font, size or self.size, width) or [""]

    def line(self, text: str, *, font: str | None = None, size: float | None = None,
             x: float | None = None) -> None:
        size = size or self.size
        self.need(size * 1.22)
        self.c.setFont(font or self.font, size)
        self.c.drawString(self.left if x is None else x, self.y - size, text)
        self.y -= size * 1.22

    def para(self, text: str, *, font: str | None = None, size: float | None = None,
             indent: float = 0, hang: float = 0, space: float = 4,
             width: float | None = None) -> None:
        size = size or self.size
        lines = self.wrap(text, (width or self.text_width - indent) - hang, font, size)
        for i, ln in enumerate(lines):
            self.line(ln, font=font, size=size, x=self.left + indent + (hang if i else 0))
        self.y -= space

    def heading(self, text: str, size_up: float = 2) -> None:
        self.need(self.leading * 4)  # keep a heading with what follows
        self.y -= 4
        self.para(text, font=self.bold, size=self.size + size_up, space=2)

    def table(self, widths: Sequence[float], rows: Sequence[Sequence[str]], *, header: int = 0,
              ruled: bool = True, shade_first_col: bool = False, pad: float = 2.5,
              spans: Sequence[int] = ()) -> None:
        """Rows of wrapped cells; the header rows repeat on a new page. A row whose index is
        in ``spans`` is one cell across the table (a group heading)."""
        head_rows = [list(r) for r in rows[:header]]
        for i, row in enumerate(rows):
            is_head = i < header
            cells = [row[0]] if i in spans else list(row)
            ws = [sum(widths)] if i in spans else list(widths)
            font = self.bold if (is_head or i in spans) else self.font
            wrapped = [self.wrap(t, w - 2 * pad, font) for t, w in zip(cells, ws, strict=True)]
            h = max(len(w) for w in wrapped) * self.leading + 2 * pad
            if self.y - h < self.bottom:
                self.new_page()
                if not is_head:
                    for hr in head_rows:
                        self._row(widths, [self.wrap(t, w - 2 * pad, self.bold)
                                           for t, w in zip(hr, widths, strict=True)],
                                  self.bold, ruled, pad, shade=False)
            self._row(ws, wrapped, font, ruled, pad,
                      shade=(i in spans) or (shade_first_col and not ruled and i % 2 == 1))
        self.y -= 6

    def _row(self, widths: Sequence[float], wrapped: Sequence[list[str]], font: str,
             ruled: bool, pad: float, *, shade: bool) -> None:
        c = self.c
        h = max(len(w) for w in wrapped) * self.leading + 2 * pad
        if shade:
            c.setFillGray(0.92)
            c.rect(self.left, self.y - h, sum(widths), h, stroke=0, fill=1)
            c.setFillGray(0)
        x = self.left
        c.setFont(font, self.size)
        for w, lines in zip(widths, wrapped, strict=True):
            if ruled:
                c.setLineWidth(0.5)
                c.rect(x, self.y - h, w, h, stroke=1, fill=0)
            ty = self.y - pad - self.size
            for ln in lines:
                c.drawString(x + pad, ty, ln)
                ty -= self.leading
            x += w
        self.y -= h

    def columns3(self, items: Sequence[str], *, bullet: str = "\u2022", box: bool = False,
                 font: str | None = None) -> None:
        """Items in three columns, filled column by column, drawn line by line across the
        columns (so the content stream interleaves the columns)."""
        gap = 10
        colw = (self.text_width - 2 * gap) / 3
        lines: list[tuple[str, bool]] = []  # (text, is first line of an item)
        for item in items:
            for k, ln in enumerate(self.wrap(item, colw - 10, font)):
                lines.append((ln, k == 0))
        while lines:
            room = max(1, int((self.y - self.bottom) // self.leading))
            if room < 3:
                self.new_page()
                continue
            per = min(room, -(-len(lines) // 3))
            chunk, lines = lines[:3 * per], lines[3 * per:]
            cols = [chunk[k * per:(k + 1) * per] for k in range(3)]
            top = self.y
            self.c.setFont(font or self.font, self.size)
            for r in range(per):
                for k, col in enumerate(cols):
                    if r < len(col):
                        text, first = col[r]
                        x = self.left + k * (colw + gap)
                        if first and bullet:
                            self.c.drawString(x, self.y - self.size, bullet)
                        self.c.drawString(x + 10, self.y - self.size, text)
                self.y -= self.leading
            if box:
                self.c.setLineWidth(0.8)
                self.c.rect(self.left - 3, self.y - 3, self.text_width + 6, top - self.y + 3)
            if lines:
                self.new_page()
        self.y -= 8


def _title_block(p: Pager) -> None:
    plan = p.plan
    p.para("Summary of Benefits and Coverage: What this Plan Covers & What You Pay for "
           "Covered Services", font=p.bold, size=p.size + 4, space=2)
    p.line(f"Coverage Period: {plan.period}", font=p.bold)
    p.line(f"{plan.issuer}: {plan.name} Coverage for: {plan.coverage_for} | Plan Type: "
           f"{plan.plan_type}", font=p.bold)
    p.y -= 4
    p.para(f"This summary shows how you and {plan.short} would share the cost of covered "
           "health care. It is not a contract and does not list every rule of the plan. Your "
           f"premium is billed separately. For the complete terms, visit {plan.web} or call "
           f"{plan.phone}. Words such as deductible, copayment and coinsurance are explained "
           "in the plan's list of terms, which we send free on request.")


def _questions(p: Pager, widths: Sequence[float], ruled: bool = True) -> None:
    p.heading("Important Questions")
    p.table(widths, [("Question", "Answer", "Why this matters"), *p.plan.questions],
            header=1, ruled=ruled)


def _lists(p: Pager, *, boxed: bool, bullet: str = "\u2022") -> None:
    plan = p.plan
    p.heading("Services Your Plan Generally Does NOT Cover")
    p.para("This list is not complete; check your plan document for other excluded services.",
           size=p.size - 0.5)
    p.columns3(plan.excluded, box=boxed, bullet=bullet)
    p.heading("Other Covered Services")
    p.para("Limits may apply. This is not a full list; see your plan document.",
           size=p.size - 0.5)
    p.columns3(plan.other_covered, box=boxed, bullet=bullet)


def _rights_and_examples(p: Pager, examples_as_table: bool) -> None:
    plan = p.plan
    p.heading("Your Rights to Continue Coverage")
    p.para(plan.continue_text)
    p.heading("Your Grievance and Appeals Rights")
    p.para(plan.appeals)
    p.heading("Minimum Essential Coverage and Minimum Value")
    p.para("This plan counts as minimum essential coverage and meets the minimum value "
           "standard, so it is not a reason to get a premium tax credit through the "
           "Marketplace.")
    p.heading("Coverage Examples")
    p.para("These examples are not cost estimates. They show how the plan might pay for "
           "three kinds of care, using network providers and self-only coverage.")
    for who, lines in plan.examples:
        if examples_as_table:
            p.table([p.text_width * 0.6, p.text_width * 0.4], [(who, ""), *lines], header=1)
        else:
            p.para(who, font=p.bold, space=1)
            for k, v in lines:
                p.line(f"{k}: {v}", x=p.left + 12)
            p.y -= 4


def _notes(p: Pager) -> None:
    """Notes until the plan's page target is reached (and that page is partly filled)."""
    plan = p.plan
    rng = random.Random(plan.notes_seed)
    target = int(plan.fill["target_pages"])
    headings = rng.sample(NOTE_HEADINGS, len(NOTE_HEADINGS))
    for n in range(100):
        if p.page > target or (p.page == target and p.y < p.height / 2):
            return
        if n % 3 == 0:
            k = n // 3
            p.heading(headings[k % len(headings)]
                      + (f" ({k // len(headings) + 1})" if k >= len(headings) else ""))
        # Notes are set like a letter (10 pt, a 470 pt measure, about 550 words a page), so
        # that a file averages SBC-like density (~500 words a page) whatever its length.
        p.para(" ".join(s.format(**plan.fill) for s in rng.sample(PROSE, rng.randint(4, 7))),
               size=10, width=min(p.text_width, 470), space=7)


def _grid_rows(plan: Plan, with_event_col: bool) -> tuple[list[list[str]], list[int]]:
    rows: list[list[str]] = []
    spans: list[int] = []
    for event, services in plan.grid:
        if not with_event_col:
            spans.append(len(rows) + 1)  # +1: the header row
            rows.append([event, "", "", ""])
        for k, (service, net, out, note) in enumerate(services):
            cells = [service, net, out, note]
            rows.append(([event if k == 0 else ""] if with_event_col else []) + cells)
    return rows, spans


def draw_landscape_grid(path: Path, plan: Plan) -> int:
    p = Pager(path, plan, landscape(letter), "Helvetica", "Helvetica-Bold", 8.5)
    _title_block(p)
    w = p.text_width
    _questions(p, [w * 0.28, w * 0.32, w * 0.40])
    p.heading("Common Medical Event")
    rows, _ = _grid_rows(plan, True)
    header = ["Common Medical Event", "Services You May Need", "What You Will Pay: In-Network "
              "Provider", "What You Will Pay: Out-of-Network Provider",
              "Limitations, Exceptions, & Other Important Information"]
    p.table([w * 0.18, w * 0.2, w * 0.16, w * 0.16, w * 0.30], [header, *rows], header=1)
    _lists(p, boxed=True)
    _rights_and_examples(p, examples_as_table=True)
    _notes(p)
    return p.finish()


def draw_portrait_grid(path: Path, plan: Plan) -> int:
    p = Pager(path, plan, letter, "Helvetica", "Helvetica-Bold", 8)
    _title_block(p)
    w = p.text_width
    _questions(p, [w * 0.3, w * 0.3, w * 0.4])
    rows, spans = _grid_rows(plan, False)
    header = ["Services You May Need", "Network Provider (you pay)",
              "Out-of-Network Provider (you pay)", "Limitations and Exceptions"]
    p.heading("Common Medical Event")
    p.table([w * 0.27, w * 0.2, w * 0.2, w * 0.33], [header, *rows], header=1, spans=spans)
    _lists(p, boxed=True)
    _rights_and_examples(p, examples_as_table=True)
    _notes(p)
    return p.finish()


def draw_line_list(path: Path, plan: Plan) -> int:
    p = Pager(path, plan, letter, "Helvetica", "Helvetica-Bold", 9)
    _title_block(p)
    p.heading("Important Questions")
    for q, a, why in plan.questions:
        p.para(f"{q} {a} {why}", hang=12, space=2)
    p.heading("Common Medical Event: what you will pay")
    for event, services in plan.grid:
        p.heading(event, size_up=0.5)
        for service, net, out, note in services:
            text = f"\u2022 {service}: {net} in network; {out} out of network."
            if note != "None":
                text += f" {note}"
            p.para(text, hang=8, space=1)
    p.heading("Services Your Plan Generally Does NOT Cover")
    for item in plan.excluded:
        p.line(f"\u2022 {item}")
    p.heading("Other Covered Services")
    for item in plan.other_covered:
        p.line(f"\u2022 {item}")
    _rights_and_examples(p, examples_as_table=False)
    _notes(p)
    return p.finish()


def draw_three_column(path: Path, plan: Plan) -> int:
    p = Pager(path, plan, landscape(letter), "Helvetica", "Helvetica-Bold", 8.5)
    _title_block(p)
    w = p.text_width
    _questions(p, [w * 0.3, w * 0.3, w * 0.4], ruled=False)
    p.heading("Common Medical Event")
    items: list[str] = []
    for event, services in plan.grid:
        items.append(event.upper())
        for service, net, out, note in services:
            items.append(f"{service}: network {net}; out of network {out}."
                         + ("" if note == "None" else f" {note}"))
    p.columns3(items, bullet="")
    _lists(p, boxed=False, bullet="-")
    _rights_and_examples(p, examples_as_table=False)
    _notes(p)
    return p.finish()


def draw_tabbed(path: Path, plan: Plan) -> int:
    p = Pager(path, plan, letter, "Times-Roman", "Times-Bold", 9)
    _title_block(p)
    w = p.text_width
    _questions(p, [w * 0.3, w * 0.3, w * 0.4], ruled=False)
    rows, spans = _grid_rows(plan, False)
    header = ["Service", "In network", "Out of network", "Limits and approvals"]
    p.heading("Common Medical Event")
    p.table([w * 0.28, w * 0.18, w * 0.18, w * 0.36], [header, *rows], header=1, spans=spans,
            ruled=False)
    _lists(p, boxed=False)
    _rights_and_examples(p, examples_as_table=False)
    _notes(p)
    return p.finish()


DRAW = {"landscape_grid": draw_landscape_grid, "portrait_grid": draw_portrait_grid,
        "line_list": draw_line_list, "three_column": draw_three_column, "tabbed": draw_tabbed}


def file_name(index: int, layout: str) -> str:
    return f"sbc_{index:04d}_{layout}.pdf"


def make_one(args: tuple[Path, int, int]) -> tuple[str, str, int]:
    out, seed, index = args
    plan = make_plan(seed, index)
    name = file_name(index, plan.layout)
    pages = DRAW[plan.layout](out / name, plan)
    return name, plan.layout, pages


def make_folder(out: Path = DEFAULT_OUT, n: int = 1000, seed: int = 1, *,
                processes: int | None = None, force: bool = False) -> list[Path]:
    """The folder's PDFs, generated unless its manifest says they already are."""
    out.mkdir(parents=True, exist_ok=True)
    manifest = out / "manifest.json"
    wanted = {"generator": GENERATOR_VERSION, "n": n, "seed": seed}
    names = [file_name(i, LAYOUTS[i % len(LAYOUTS)]) for i in range(n)]
    if not force and manifest.exists():
        try:
            data = json.loads(manifest.read_text())
        except ValueError:
            data = {}
        if {k: data.get(k) for k in wanted} == wanted and all((out / f).exists() for f in names):
            return [out / f for f in names]
    for old in out.glob("*.pdf"):
        old.unlink()
    jobs = [(out, seed, i) for i in range(n)]
    processes = processes or min(len(os.sched_getaffinity(0)), 8)
    with get_context("fork").Pool(processes) as pool:
        made = pool.map(make_one, jobs, chunksize=16)
    pages = [pg for _, _, pg in made]
    bad = [(nm, pg) for nm, _, pg in made if not MIN_PAGES <= pg <= MAX_PAGES]
    if bad:
        raise RuntimeError(f"page counts outside {MIN_PAGES}-{MAX_PAGES}: {bad[:5]}")
    by_layout: dict[str, list[int]] = {}
    for _, layout, pg in made:
        by_layout.setdefault(layout, []).append(pg)
    manifest.write_text(json.dumps({
        **wanted, "pages": sum(pages),
        "layouts": {k: {"files": len(v), "pages": sum(v)} for k, v in by_layout.items()},
    }, indent=2) + "\n")
    return [out / f for f in names]


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1000, help="number of PDFs (default 1000)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder (default %(default)s)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--processes", type=int, default=None)
    ap.add_argument("--force", action="store_true", help="regenerate even if up to date")
    args = ap.parse_args(argv)
    start = time.perf_counter()
    files = make_folder(args.out, args.n, args.seed, processes=args.processes, force=args.force)
    manifest = json.loads((args.out / "manifest.json").read_text())
    print(f"{len(files)} PDFs, {manifest.get('pages')} pages in {args.out} "
          f"({time.perf_counter() - start:.1f} s)", file=sys.stderr)
    for layout, info in manifest.get("layouts", {}).items():
        print(f"  {layout:<15} {info['files']:>5} files {info['pages']:>6} pages",
              file=sys.stderr)


if __name__ == "__main__":
    main()
