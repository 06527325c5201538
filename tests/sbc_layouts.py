"""Hand-drawn SBC pages for the layout problems of the SBC grid and lists (tests/test_sbc.py).

Every string is placed with ``drawString`` and every rule with an explicit primitive, so a
test knows exactly what geometry the reader gets: full ruled grids with merged event cells,
grids without any rule (gutters only), Word-style borders drawn cell by cell with underlined
words inside the cells, landscape pages and portrait pages turned with /Rotate, rows cut by a
page break, and three-column list boxes whose items share text lines.

All text is invented ("Acme Health"); only the federal template's fixed labels are reused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import landscape, letter
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

FONT, BOLD, SIZE, LEADING, PAD = "Helvetica", "Helvetica-Bold", 8.0, 10.0, 4.0
RULE = 0.5  # points: the thickness of a border

TITLE = ("Summary of Benefits and Coverage: What this Plan Covers & What You Pay for Covered "
         "Services")
PERIOD = "Coverage Period: 07/01/2026 - 06/30/2027"
PLAN_LINE = "Acme Health: Acme Gold PPO 1000 Coverage for: Individual | Plan Type: PPO"
HEADER = (["Common Medical", "Event"], ["Services You May Need"],
          ["Network Provider", "(You will pay the least)"],
          ["Out-of-Network Provider", "(You will pay the most)"],
          ["Limitations, Exceptions, & Other", "Important Information"])
NOT_COVERED = ("Services Your Plan Generally Does NOT Cover (Check your policy or plan "
               "document for more information and a list of any other excluded services.)")
OTHER_COVERED = ("Other Covered Services (Limitations may apply to these services. This isn't "
                 "a complete list. Please see your plan document.)")
CONTINUE = ("Your Rights to Continue Coverage: There are agencies that can help if you want to "
            "continue your coverage after it ends.")


@dataclass
class Row:
    """One service row (or the part of it on one page): lines of text per cell."""

    service: Sequence[str]
    network: Sequence[str]
    out: Sequence[str]
    limits: Sequence[str]
    # A Limitations cell merged over this row and the next ``span - 1`` rows: its text is
    # printed from this row down, with no border under the rows it covers.
    span: int = 1


@dataclass
class Group:
    """An event cell and its rows; ``event`` is empty for a group continued from the page
    before (the template prints nothing in the event cell then)."""

    event: Sequence[str]
    rows: Sequence[Row]


@dataclass
class Layout:
    pages: Sequence[Sequence[Group]]  # the grid, page by page
    rules: str = "grid"  # grid | cells (Word-style, cell by cell) | none (gutters only)
    size: tuple[float, float] = landscape(letter)
    widths: Sequence[float] = (130, 150, 120, 120, 200)
    # Words underlined wherever they appear in a cell (glossary terms, links).
    underline: Sequence[str] = ()
    # Excluded and other-covered items: one list per column, each item a list of lines.
    excluded: Sequence[Sequence[Sequence[str]]] = ()
    other_covered: Sequence[Sequence[Sequence[str]]] = ()
    # Turn the grid pages: draw them on a portrait page, rotated, for /Rotate 90.
    turned: bool = False
    header: Sequence[Sequence[str]] = HEADER
    # The Important Questions table: (question, answer, why it matters) rows, above the
    # grid on page 1; or, with ``questions_first``, that many rows alone on page 1 and the
    # rest opening page 2, above the grid.
    questions: Sequence[tuple[str, str, str]] = ()
    questions_first: int | None = None
    # The Important Questions header row as a filled band with no rule under it.
    header_band: bool = False
    # The lists on a page of their own after the grid.
    lists_page: bool = False
    # The page number, drawn first on every page (so it leads the page's text).
    footer: str = "Page {n} of {total}"
    # The header's two identity lines, and lines of plain text on a last page of their own
    # (the rights and appeals part, say).
    plan_line: str = PLAN_LINE
    # The list boxes' bullet ("-" as some producers set it).
    bullet: str = "\u2022"
    # Points between the grid's left border and a second one outside it (0: none).
    frame: float = 0.0
    period: str = PERIOD
    notes: Sequence[str] = ()
    # A logo (an image) at the top right of page 1, with these lines of text to its left;
    # None: no logo.
    logo: Sequence[str] | None = None


def _hline(c: canvas.Canvas, x0: float, x1: float, y: float) -> None:
    c.rect(x0, y - RULE / 2, x1 - x0, RULE, stroke=0, fill=1)


def _vline(c: canvas.Canvas, x: float, y0: float, y1: float) -> None:
    c.rect(x - RULE / 2, y0, RULE, y1 - y0, stroke=0, fill=1)


def _cell_box(c: canvas.Canvas, x0: float, x1: float, top: float, bottom: float) -> None:
    """Word draws every cell's four borders itself: neighbours' borders overlap."""
    _hline(c, x0, x1, top)
    _hline(c, x0, x1, bottom)
    _vline(c, x0, bottom, top)
    _vline(c, x1, bottom, top)


def _text(c: canvas.Canvas, x: float, y: float, lines: Sequence[str], layout: Layout,
          bold: bool = False) -> None:
    font = BOLD if bold else FONT
    c.setFont(font, SIZE)
    for k, line in enumerate(lines):
        base = y - PAD - SIZE - k * LEADING
        c.drawString(x + PAD, base, line)
        for word in layout.underline:
            at = line.find(word)
            while at >= 0:
                left = x + PAD + stringWidth(line[:at], font, SIZE)
                _hline(c, left, left + stringWidth(word, font, SIZE), base - 1.5)
                at = line.find(word, at + len(word))


def _height(*cells: Sequence[str]) -> float:
    return max(1, *(len(x) for x in cells)) * LEADING + 2 * PAD


def _grid_page(c: canvas.Canvas, groups: Sequence[Group], layout: Layout, top: float,
               left: float = 36) -> float:
    """Draws the header and the groups from ``top`` down; returns the bottom."""
    edges = [left]
    for w in layout.widths:
        edges.append(edges[-1] + w)
    head = _height(*layout.header)
    for k, lines in enumerate(layout.header):
        _text(c, edges[k], top, lines, layout, bold=True)
    y = top - head
    rules = layout.rules
    if rules == "grid":
        _hline(c, edges[0], edges[-1], top)
        _hline(c, edges[0], edges[-1], y)
    elif rules == "cells":
        for k in range(5):
            _cell_box(c, edges[k], edges[k + 1], top, y)
    merged = 0  # rows still covered by a merged Limitations cell
    for group in groups:
        g_top = y
        for r, row in enumerate(group.rows):
            h = _height(row.service, row.network, row.out,
                        row.limits if row.span == 1 else (),
                        group.event if r == 0 else ())
            if r == 0 and group.event:
                _text(c, edges[0], y, group.event, layout, bold=True)
            for k, lines in enumerate((row.service, row.network, row.out, row.limits), 1):
                _text(c, edges[k], y, lines, layout)
            bottom = y - h
            merged = max(merged - 1, row.span - 1)
            last = 4 if merged else 5
            if rules == "grid":
                _hline(c, edges[1], edges[last], bottom)
            elif rules == "cells":
                for k in range(1, last):
                    _cell_box(c, edges[k], edges[k + 1], y, bottom)
            y = bottom
        if rules == "grid":
            _hline(c, edges[0], edges[-1], y)
        elif rules == "cells":
            _cell_box(c, edges[0], edges[1], g_top, y)
    if rules == "grid":
        for x in edges:
            _vline(c, x, y, top)
    if layout.frame:
        # A second border a few points outside the table's left one (a box or a band
        # drawn around the grid).
        _vline(c, edges[0] - layout.frame, y, top)
    return y


def _list_box(c: canvas.Canvas, heading: str, columns: Sequence[Sequence[Sequence[str]]],
              top: float, left: float, width: float, bullet: str = "\u2022") -> float:
    """A boxed list of three columns, drawn line by line across the columns (so that the
    items of different columns share text lines in the content stream, as in many SBCs).
    An item whose first line starts with "~" has no bullet: the rest of the item the
    column to its left ended with (text flowed from column to column)."""
    c.setFont(BOLD, SIZE)
    c.drawString(left + PAD, top - PAD - SIZE, heading)
    y = top - LEADING - 2 * PAD
    _hline(c, left, left + width, top)
    _hline(c, left, left + width, y)
    col_w = width / 3
    lines: list[list[tuple[str, bool]]] = []  # per column: (text, starts an item)
    for col in columns:
        flat: list[tuple[str, bool]] = []
        for item in col:
            flowed = bool(item) and item[0].startswith("~")
            flat += [(t.lstrip("~"), k == 0 and not flowed) for k, t in enumerate(item)]
        lines.append(flat)
    depth = max((len(x) for x in lines), default=0)
    c.setFont(FONT, SIZE)
    for k in range(depth):
        base = y - PAD - SIZE - k * LEADING
        for n, col in enumerate(lines):
            if k < len(col):
                text, first = col[k]
                x = left + n * col_w + PAD
                if first:
                    c.drawString(x, base, bullet)
                c.drawString(x + 8, base, text)
    bottom = y - depth * LEADING - 2 * PAD
    _hline(c, left, left + width, bottom)
    _vline(c, left, bottom, top)
    _vline(c, left + width, bottom, top)
    return bottom


def _logo(c: canvas.Canvas, right: float, top: float, lines: Sequence[str]) -> None:
    """A 48-point square image whose right edge is ``right``, with ``lines`` set to its
    left, right-aligned."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    c.drawImage(ImageReader(Image.new("RGB", (32, 32), (20, 90, 160))), right - 48, top - 48,
                48, 48)
    c.setFont(FONT, 8)
    for k, line in enumerate(lines):
        c.drawRightString(right - 56, top - 14 - 11 * k, line)


def wrap(text: str, width: float, font: str = FONT) -> list[str]:
    """``text`` broken into lines that fit ``width`` points (less the cell padding)."""
    lines: list[str] = []
    for word in text.split():
        if lines and stringWidth(f"{lines[-1]} {word}", font, SIZE) <= width - 2 * PAD:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


def _questions(c: canvas.Canvas, rows: Sequence[tuple[str, str, str]], top: float,
               width: float, header: bool, band: bool, left: float = 36) -> float:
    """The Important Questions table from ``top`` down; returns the bottom."""
    edges = [left, left + 200, left + 440, left + width]
    y = top
    if header:
        h = LEADING + 2 * PAD
        if band:
            c.saveState()
            c.setFillGray(0.75)
            c.rect(left, y - h, width, h, stroke=0, fill=1)
            c.restoreState()
            _hline(c, edges[0], edges[-1], y)  # the table's border; none under the band
        for k, title in enumerate(("Important Questions", "Answers", "Why This Matters:")):
            c.setFont(BOLD, SIZE)
            c.drawString(edges[k] + PAD, y - PAD - SIZE, title)
        if not band:
            _hline(c, edges[0], edges[-1], y)
            _hline(c, edges[0], edges[-1], y - h)
        y -= h
    else:
        _hline(c, edges[0], edges[-1], y)
    for question, answer, why in rows:
        cells = [wrap(t, edges[k + 1] - edges[k], BOLD if k == 0 else FONT)
                 for k, t in enumerate((question, answer, why))]
        for k, lines in enumerate(cells):
            c.setFont(BOLD if k == 0 else FONT, SIZE)
            for n, line in enumerate(lines):
                c.drawString(edges[k] + PAD, y - PAD - SIZE - n * LEADING, line)
        y -= _height(*cells)
        _hline(c, edges[0], edges[-1], y)
    for x in edges:
        _vline(c, x, y, top)
    return y


def build(path: Path, layout: Layout) -> Path:
    """Writes the SBC of ``layout``: a header (and the Important Questions), the grid pages,
    then the lists."""
    width, height = layout.size
    page_size = (height, width) if layout.turned else (width, height)
    c = canvas.Canvas(str(path), pagesize=page_size, invariant=1)
    c.setTitle("Summary of Benefits and Coverage: Acme Gold PPO 1000")
    first = layout.questions_first
    grid_pages = list(layout.pages)
    # Page contents: (questions on it, grid groups on it, the lists on it).
    plan: list[tuple[Sequence[tuple[str, str, str]], Sequence[Group] | None, bool]] = []
    if first is not None:
        plan.append((layout.questions[:first], None, False))
        plan.append((layout.questions[first:], grid_pages[0], False))
    else:
        plan.append((layout.questions, grid_pages[0], False))
    plan += [((), groups, False) for groups in grid_pages[1:]]
    if layout.excluded or layout.other_covered:
        if layout.lists_page:
            plan.append(((), None, True))
        else:
            plan[-1] = (plan[-1][0], plan[-1][1], True)
    total = len(plan) + (1 if layout.notes else 0)
    for n, (questions, groups, lists) in enumerate(plan):
        c.saveState()
        if layout.turned:
            # Drawn in the displayed (landscape) frame: /Rotate 90 shows it upright.
            c.transform(0, 1, -1, 0, page_size[0], 0)
        c.setFont(FONT, 7)
        c.drawString(width - 100, 20, layout.footer.format(n=n + 1, total=total))
        top = height - 36
        if n == 0:
            c.setFont(BOLD, 11)
            c.drawString(36, top - 11, TITLE)
            c.setFont(FONT, 9)
            c.drawString(36, top - 26, layout.period)
            c.drawString(36, top - 39, layout.plan_line)
            if layout.logo is not None:
                _logo(c, width - 36, top, layout.logo)
            top -= 56
        if questions:
            top = _questions(c, questions, top, width - 72, header=n == 0,
                             band=layout.header_band) - 14
        if groups is not None:
            top = _grid_page(c, groups, layout, top)
        if lists:
            top -= 14
            c.setFont(BOLD, 9)
            c.drawString(36, top - 9, "Excluded Services & Other Covered Services:")
            top = _list_box(c, NOT_COVERED, layout.excluded, top - 14, 36, width - 72,
                            layout.bullet)
            top = _list_box(c, OTHER_COVERED, layout.other_covered, top - 6, 36, width - 72,
                            layout.bullet)
            c.setFont(FONT, 8)
            c.drawString(36, top - 16, CONTINUE)
        c.restoreState()
        c.showPage()
    if layout.notes:
        c.setFont(FONT, 7)
        c.drawString(width - 100, 20, layout.footer.format(n=total, total=total))
        c.setFont(FONT, 9)
        for k, line in enumerate(layout.notes):
            c.drawString(36, height - 48 - 12 * k, line)
        c.showPage()
    c.save()
    if layout.turned:
        from pypdf import PdfWriter

        writer = PdfWriter(clone_from=str(path))
        for page in writer.pages:
            page.rotate(90)
        writer.write(str(path))
    return path


# -- the grid the fixtures share ------------------------------------------------------------

PA_PENALTY = ["Preauthorization required. If you", "don't get preauthorization first,",
              "benefits may be reduced by 50% of", "the total allowed amount."]


def office_and_tests() -> list[Group]:
    return [
        Group(["If you visit a health care", "provider's office or", "clinic"], [
            Row(["Primary care visit to treat an", "injury or illness"], ["$30 copay/visit"],
                ["40% coinsurance"], ["None"]),
            Row(["Specialist visit"], ["$60 copay/visit"], ["40% coinsurance"],
                ["No referral is needed to see a", "network specialist."]),
        ]),
        Group(["If you have a test"], [
            Row(["Diagnostic test (x-ray, blood", "work)"], ["20% coinsurance"],
                ["40% coinsurance"], ["None"]),
            Row(["Imaging (CT/PET scans, MRIs)"], ["20% coinsurance"], ["40% coinsurance"],
                PA_PENALTY),
        ]),
    ]


def surgery_and_stay() -> list[Group]:
    return [
        Group(["If you have outpatient", "surgery"], [
            Row(["Facility fee (e.g., ambulatory", "surgery center)"], ["20% coinsurance"],
                ["40% coinsurance"], ["Prior authorization required. $500", "penalty if not obtained."]),
            Row(["Physician/surgeon fees"], ["20% coinsurance"], ["40% coinsurance"], ["None"]),
        ]),
        Group(["If you have a hospital", "stay"], [
            Row(["Facility fee (e.g., hospital", "room)"], ["25% coinsurance"],
                ["45% coinsurance"], ["Precertification is required.",
                                      "No preauthorization is required for",
                                      "emergency admissions."]),
            Row(["Physician/surgeon fees"], ["20% coinsurance"], ["40% coinsurance"], ["None"]),
        ]),
    ]


# What the reader must give for those groups: (event key, service, limitations).
EXPECTED_ROWS = [
    ("visit", "Primary care visit to treat an injury or illness", "None"),
    ("visit", "Specialist visit", "No referral is needed to see a network specialist."),
    ("test", "Diagnostic test (x-ray, blood work)", "None"),
    ("test", "Imaging (CT/PET scans, MRIs)", " ".join(PA_PENALTY)),
    ("surgery", "Facility fee (e.g., ambulatory surgery center)",
     "Prior authorization required. $500 penalty if not obtained."),
    ("surgery", "Physician/surgeon fees", "None"),
    ("stay", "Facility fee (e.g., hospital room)", "Precertification is required. No "
     "preauthorization is required for emergency admissions."),
    ("stay", "Physician/surgeon fees", "None"),
]
EVENTS = {
    "visit": "If you visit a health care provider's office or clinic",
    "test": "If you have a test",
    "surgery": "If you have outpatient surgery",
    "stay": "If you have a hospital stay",
}

# A NOT-covered box of three columns whose items share text lines, with items wrapped onto
# a second line in the middle and the last column while the other columns go on.
EXCLUDED_COLUMNS = [
    [["Acupuncture"], ["Cosmetic surgery"], ["Dental care (Adult)"]],
    [["Non-emergency care when traveling", "outside the U.S."], ["Private-duty nursing"],
     ["Routine eye care (Adult)"]],
    [["Abortion - except when the life of", "the mother is endangered"], ["Routine foot care"],
     ["Weight loss programs"]],
]
EXCLUDED_ITEMS = ["Acupuncture", "Cosmetic surgery", "Dental care (Adult)",
                  "Non-emergency care when traveling outside the U.S.", "Private-duty nursing",
                  "Routine eye care (Adult)",
                  "Abortion - except when the life of the mother is endangered",
                  "Routine foot care", "Weight loss programs"]
OTHER_COLUMNS = [[["Bariatric surgery"], ["Chiropractic care"]],
                 [["Hearing aids (one per ear every", "36 months)"]],
                 [["Infertility treatment"]]]
OTHER_ITEMS = ["Bariatric surgery", "Chiropractic care",
               "Hearing aids (one per ear every 36 months)", "Infertility treatment"]

QUESTIONS = [
    ("What is the overall deductible?", "$1,200 individual / $2,400 family, in network only",
     "Generally, you must pay all of the costs from providers up to the deductible amount "
     "before this plan begins to pay."),
    ("Are there services covered before you meet your deductible?",
     "Yes. Generic drugs and preventive care; no deductible applies to them.",
     "This plan covers some items and services even if you haven't yet met the deductible "
     "amount."),
    ("What is the out-of-pocket limit for this plan?", "$4,200 individual / $8,400 family per plan year",
     "The out-of-pocket limit is the most you could pay in a year for covered services."),
    ("Will you pay less if you use a network provider?",
     "Yes. Visit www.acmehealth.example or call 1-800-555-0199.",
     "This plan uses a provider network. You will pay less if you use a provider in the "
     "plan's network."),
    ("Do you need a referral to see a specialist?", "No.",
     "You can see the specialist you choose without a referral."),
]
ANSWERS = {"overall_deductible": "$1,200 individual / $2,400 family, in network only",
           "services_before_deductible": "Yes. Generic drugs and preventive care; no "
                                         "deductible applies to them.",
           "out_of_pocket_limit": "$4,200 individual / $8,400 family per plan year",
           "network": "Yes. Visit www.acmehealth.example or call 1-800-555-0199.",
           "referral": "No."}


def benefit_grid(path: Path) -> Path:
    """Not an SBC: a "what your plan pays" chart (Benefit | Network | Out-of-Network), the
    way student-plan benefit grids look, with cost sharing, precertification notes and a
    list of exclusions, but no SBC header and none of the template's tables."""
    width, height = letter
    c = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    c.setTitle("Acme University Student Health Plan 2026-27 Benefit Grid")
    rows = [
        ("General Provisions", "", ""),
        ("Deductible (per benefit period)", "None", "$250 individual / $500 family"),
        ("Out-of-Pocket Limit", "$3,000 individual", "$6,000 individual"),
        ("Outpatient Medical Care Services", "", ""),
        ("Primary Care Provider Visits", "100% after $20 copayment", "80% after deductible"),
        ("Specialist Visits", "100% after $20 copayment", "80% after deductible"),
        ("Diagnostic Services", "100%", "80% after deductible"),
        ("Advanced Imaging (MRI, CT, PET)", "100% (precertification required)",
         "80% after deductible (precertification required)"),
        ("Outpatient Surgery", "100% after $100 copayment", "80% after deductible"),
        ("Hospital and Medical/Surgical Expenses", "", ""),
        ("Inpatient Hospital Stay", "100% after $150 copayment (precertification required)",
         "80% after deductible (precertification required)"),
        ("Emergency Room Services", "100% after $125 copayment", "100% after $125 copayment"),
        ("Skilled Nursing Facility (up to 100 days)", "100%", "80% after deductible"),
        ("Durable Medical Equipment", "100%", "80% after deductible"),
    ]
    y = height - 54
    c.setFont(BOLD, 12)
    c.drawString(36, y, "Acme University Student Health Plan")
    c.setFont(FONT, 9)
    y -= 16
    c.drawString(36, y, "The chart below shows what the plan pays for each service.")
    y -= 12
    c.drawString(36, y, "Benefit period: August 1, 2026 through July 31, 2027.")
    y -= 10
    edges = [36, 256, 406, width - 36]
    top = y
    c.setFont(BOLD, SIZE)
    for k, title in enumerate(("Benefit", "Network", "Out-of-Network")):
        c.drawString(edges[k] + PAD, y - PAD - SIZE, title)
    y -= LEADING + 2 * PAD
    _hline(c, edges[0], edges[-1], top)
    _hline(c, edges[0], edges[-1], y)
    for benefit, network, out in rows:
        cells = [wrap(benefit, edges[1] - edges[0], BOLD if not network else FONT),
                 wrap(network, edges[2] - edges[1]), wrap(out, edges[3] - edges[2])]
        for k, lines in enumerate(cells):
            c.setFont(BOLD if not network and k == 0 else FONT, SIZE)
            for n, line in enumerate(lines):
                c.drawString(edges[k] + PAD, y - PAD - SIZE - n * LEADING, line)
        y -= _height(*cells)
        _hline(c, edges[0], edges[-1], y)
    for x in edges:
        _vline(c, x, y, top)
    y -= 20
    c.setFont(BOLD, 9)
    c.drawString(36, y, "Exclusions")
    c.setFont(FONT, 9)
    for item in ("Cosmetic surgery, except to correct a condition resulting from an accident",
                 "Experimental or investigational services", "Routine foot care"):
        y -= 12
        c.drawString(40, y, "\u2022")
        c.drawString(50, y, item)
    c.showPage()
    c.save()
    return path
