"""Hand-drawn SBCs whose benefits are set as prose, not as a grid (tests/test_sbc_prose.py).

Two layouts, as some producers set them (bench/make_sbc_folder.py draws the same two):

* ``three_column``: landscape; each service a short paragraph ("Specialist visit: network
  $45 copay; out of network 40% coinsurance. …") under an event heading in capitals, in
  three columns filled column by column and drawn line by line across the columns, so the
  page's text interleaves three services. Paragraphs go on at the top of the next column
  and of the next page.
* ``line_list``: portrait, one bulleted paragraph per service with a hanging indent
  ("• Specialist visit: $45 copay in network; 40% coinsurance out of network. …") under
  a bold event heading.

Every page after the first carries a running head in a smaller size, as the bench's do.
All wording is ours; only the template's fixed labels are reused.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from reportlab.lib.pagesizes import landscape, letter
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas

FONT, BOLD, SIZE = "Helvetica", "Helvetica-Bold", 8.5
LEADING = SIZE * 1.22
TITLE = ("Summary of Benefits and Coverage: What this Plan Covers & What You Pay for Covered "
         "Services")


@dataclass(frozen=True)
class Service:
    name: str
    network: str
    out: str
    limits: str = ""


# (event heading, services): our own headings, not the template's, and one that is.
EVENTS: list[tuple[str, list[Service]]] = [
    ("Seeing a doctor in an office or clinic", [
        Service("Primary care visit for an illness or injury", "$25 copay/visit",
                "40% coinsurance", "Virtual visits with the plan's own doctors cost $0."),
        Service("Specialist visit", "$45 copay/visit", "40% coinsurance",
                "Approval from Birchwood is needed before the visit. A $200 penalty "
                "applies if you do not get it."),
        Service("Preventive care, screenings, shots and routine well visits for adults and "
                "children", "No charge", "Not covered"),
    ]),
    ("Having a lab test or a scan", [
        Service("Blood work and x-rays", "20% coinsurance", "40% coinsurance",
                "Deductible does not apply to blood work."),
        Service("Advanced imaging (CT, PET, MRI)", "20% coinsurance", "Not covered",
                "Prior authorization is required. Without it, benefits are reduced by 50% of "
                "the allowed amount."),
    ]),
    ("Getting medicine for an illness or a long-lasting condition", [
        Service("Tier 1 generic drugs", "$10 copay", "Not covered",
                "A store pharmacy fills a month's worth at most; mail order sends three "
                "months for two copays."),
        Service("Tier 2 preferred brand drugs", "$40 copay; deductible does not apply",
                "Not covered"),
        Service("Tier 3 specialty drugs", "30% coinsurance", "Not covered",
                "Filled only by the plan's specialty pharmacy. Prior authorization is "
                "required."),
    ]),
    ("If you have outpatient surgery", [
        Service("Surgery center facility fee", "20% coinsurance", "40% coinsurance"),
        Service("Surgeon and anesthesia fees", "20% coinsurance", "40% coinsurance",
                "One copay per surgery, whatever the number of surgeons."),
    ]),
    ("Needing care right away", [
        Service("Emergency room", "$300 copay", "$300 copay",
                "The copay is waived if you are admitted."),
        Service("Ambulance", "20% coinsurance", "20% coinsurance"),
        Service("Urgent care center", "$50 copay", "40% coinsurance",
                "Includes care by a nurse practitioner."),
    ]),
    ("Staying in a hospital overnight", [
        Service("Hospital room and board", "20% coinsurance", "40% coinsurance",
                "Precertification is required for planned stays. A $500 penalty applies "
                "if you do not get it."),
        Service("Doctors seen during the stay", "20% coinsurance", "40% coinsurance"),
    ]),
    ("Recovering or needing extra help at home", [
        Service("Home health visits", "20% coinsurance", "40% coinsurance",
                "Limited to 60 visits each plan year."),
        Service("Rehabilitation therapy", "$35 copay", "40% coinsurance",
                "Limited to 30 visits each plan year, counting all therapies together."),
        Service("Medical equipment", "20% coinsurance", "Not covered",
                "Prior authorization is required for items over $1,000."),
        Service("Hospice care", "No charge", "No charge"),
    ]),
]
TEMPLATE_EVENT = "If you have outpatient surgery"


def expected_rows() -> list[tuple[str, str, str, str, str]]:
    """(event, service, in network, out of network, limitations) of every service: the
    headings are written in sentence case, as the reader gives a heading set in capitals
    (the template's own heading comes back as the template names it)."""
    return [(e, s.name, s.network, s.out, s.limits) for e, services in EVENTS for s in services]


def _header(c: canvas.Canvas, width: float, height: float, page: int) -> float:
    c.setFont(FONT, 7)
    c.drawString(width - 100, 20, f"Page {page}")
    if page > 1:  # the running head, smaller than the text
        c.drawString(36, height - 30, "Birchwood Health Plan: Birchwood Silver EPO 2000")
        c.drawRightString(width - 36, height - 30, "Coverage Period: 01/01/2027 - 12/31/2027")
        return height - 48
    top = height - 36
    c.setFont(BOLD, 11)
    c.drawString(36, top - 11, TITLE)
    c.setFont(FONT, 9)
    c.drawString(36, top - 26, "Coverage Period: 01/01/2027 - 12/31/2027")
    c.drawString(36, top - 39, "Birchwood Health Plan: Birchwood Silver EPO 2000 Coverage for: "
                               "Individual | Plan Type: EPO")
    c.setFont(BOLD, 10.5)
    c.drawString(36, top - 62, "Common Medical Event")
    return top - 74


def _lists(c: canvas.Canvas, y: float) -> None:
    c.setFont(BOLD, 10.5)
    c.drawString(36, y, "Services Your Plan Generally Does NOT Cover")
    c.setFont(FONT, SIZE)
    for k, item in enumerate(("Cosmetic surgery", "Long-term care", "Weight loss programs")):
        c.drawString(40, y - 14 - k * LEADING, f"\u2022 {item}")
    y -= 14 + 3 * LEADING + 12
    c.setFont(BOLD, 10.5)
    c.drawString(36, y, "Your Rights to Continue Coverage")
    c.setFont(FONT, SIZE)
    c.drawString(36, y - 14, "Agencies can help if you want to keep your coverage after it "
                             "ends.")


T = TypeVar("T")


def _draw_pages(c: canvas.Canvas, width: float, height: float, items: Sequence[T],
                per_page: int, draw: Callable[[list[T], float], float]) -> None:
    """Page after page of ``per_page`` items under the SBC header; the lists section
    follows the last item; ``draw`` sets a page's items below ``top`` and says where
    they end."""
    page = 1
    while True:
        top = _header(c, width, height, page)
        chunk, items = list(items[:per_page]), items[per_page:]
        bottom = draw(chunk, top)
        if not items:
            _lists(c, bottom - 24)
        c.showPage()
        if not items:
            break
        page += 1
    c.save()


def three_column(path: Path, pages: dict[str, int], lines_per_column: int = 13) -> Path:
    """Three columns of ``lines_per_column`` lines a page, filled column by column;
    ``pages`` gets the page each service's paragraph starts on."""
    width, height = landscape(letter)
    c = canvas.Canvas(str(path), pagesize=(width, height), invariant=1)
    gap = 12
    colw = (width - 72 - 2 * gap) / 3
    lines: list[str] = []
    for heading, services in EVENTS:
        lines += simpleSplit(heading.upper(), FONT, SIZE, colw - 10)
        for s in services:
            pages[s.name] = len(lines) // (3 * lines_per_column) + 1
            text = f"{s.name}: network {s.network}; out of network {s.out}."
            lines += simpleSplit(f"{text} {s.limits}".strip(), FONT, SIZE, colw - 10)

    def draw(chunk: list[str], top: float) -> float:
        columns = [chunk[k * lines_per_column:(k + 1) * lines_per_column] for k in range(3)]
        c.setFont(FONT, SIZE)
        for r in range(lines_per_column):
            for k, col in enumerate(columns):
                if r < len(col):
                    c.drawString(36 + k * (colw + gap), top - SIZE - r * LEADING, col[r])
        return top - lines_per_column * LEADING

    _draw_pages(c, width, height, lines, 3 * lines_per_column, draw)
    return path


def line_list(path: Path, pages: dict[str, int], lines_per_page: int = 40) -> Path:
    """One bulleted paragraph per service, a hanging indent, bold event headings;
    ``pages`` gets the page each service's paragraph starts on."""
    width, height = letter
    c = canvas.Canvas(str(path), pagesize=(width, height), invariant=1)
    items: list[tuple[str, str, float]] = []  # (line, font, x)
    for heading, services in EVENTS:
        items.append((heading, BOLD, 36))
        for s in services:
            pages[s.name] = len(items) // lines_per_page + 1
            text = f"{s.name}: {s.network} in network; {s.out} out of network. {s.limits}"
            for k, ln in enumerate(simpleSplit(text.strip(), FONT, SIZE, width - 100)):
                items.append((f"\u2022 {ln}" if k == 0 else ln, FONT, 40 if k == 0 else 48))

    def draw(chunk: list[tuple[str, str, float]], top: float) -> float:
        for r, (text, font, x) in enumerate(chunk):
            c.setFont(font, SIZE + (0.5 if font == BOLD else 0))
            c.drawString(x, top - SIZE - r * LEADING * 1.1, text)
        return top - len(chunk) * LEADING * 1.1

    _draw_pages(c, width, height, items, lines_per_page, draw)
    return path
