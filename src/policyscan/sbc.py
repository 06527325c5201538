"""Reading an SBC like a person: its grid, its two service lists, its Important Questions.

Every Summary of Benefits and Coverage follows the federal template (domain.md part B),
and people read it as a table. Text order alone cannot say which limitation belongs to
which service, so this module uses the page geometry the reader already has: character
boxes and ruling lines. Column boundaries come from the table's vertical rules, or from
the header words where a producer draws none; rows come from horizontal rules, or from
gaps between lines. A text document (no geometry) still gets its lists.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from .extract import BULLETS, PageText, Rulings, SourceDocument
from .models import Box, Finding, GridRowInfo, PriorAuthService, SbcInfo
from .sbc_prose import ProseReader, ProseRow, may_hold_prose, pieces
from .structure import SBC_EVENT_NAMES, SectionMap

# pdfminer writes a glyph without a Unicode map as "(cid:N)"; in a list that is the bullet.
_BULLET_RE = re.compile(f"[{BULLETS}]|\\(cid:\\d+\\)")
# A dash used as a bullet: at a line's start or after a space, followed by a space.
_DASH_RE = re.compile(r"(?:(?<=\s)|^)[-\u2013\u2014*](?= \S)", re.M)
_MIN_RULE = 6.0  # points: shorter segments are glyph parts, not table borders
_COLUMN_GAP = 6.0  # points: wider than any word space, narrower than a column gutter
_SNAP = 3.0  # points: rules this close are the same rule
_PAD = 12.0  # points: a cell's border may sit this far from its text
# A row border crosses (nearly) the whole cell; underlines of words in two neighbouring
# cells can reach 60% of each.
_BORDER_COVERAGE = 0.85
_HEADER_WORDS = re.compile(r"services\s+you\s+may\s+need|what\s+you\s+will\s+pay|"
                           r"common\s+medical\s+event|limitations,?\s+exceptions|"
                           r"you\s+will\s+pay\s+the\s+(least|most)|important\s+information$|"
                           r"^information$",
                           re.I)
# The template's page header ("Questions: Call …") and footer, and page numbers: around
# the grid, never in it.
_TEMPLATE_FOOTER = re.compile(r"[\[*]*\s*For more information about limitations and "
                              r"exceptions[^\r\n]*|\bPage\s+\d+\s+of\s*\d*|"
                              r"Questions\s*[:?]\s*Call[^\r\n]*|"
                              r"^[ \t]*\d+\s+of\s+\d+[ \t]*\r?$", re.I | re.M)
_EVENT_START = re.compile(r"^\s*If\s+(you|your\s+child)\b", re.I)
# A hyphen that may end a line ("out-of-" / "pocket limit"), in any of its spellings.
_HYPHEN = r"\s*[-\u2010-\u2014\ufffe]\s*"
_OUT_OF_POCKET = f"out{_HYPHEN}of{_HYPHEN}pocket"
_IMPORTANT_QUESTIONS: tuple[tuple[str, str], ...] = (
    ("overall_deductible", r"What\s+is\s+the\s+overall\s+deductible"),
    ("services_before_deductible", r"Are\s+there\s+services\s+covered\s+before"),
    ("other_deductibles", r"Are\s+there\s+other\s+deductibles"),
    ("out_of_pocket_limit", rf"What\s+is\s+the\s+{_OUT_OF_POCKET}\s+limit"),
    ("not_in_out_of_pocket_limit", rf"What\s+is\s+not\s+included\s+in\s+the\s+{_OUT_OF_POCKET}"),
    ("network", r"Will\s+you\s+pay\s+less\s+if\s+you\s+use\s+a\s+network"),
    ("referral", r"Do\s+you\s+need\s+a\s+referral"),
)


@dataclass(frozen=True)
class GridRow:
    """One service row of the Common Medical Event grid."""

    page: int
    event: str | None
    service: str
    in_network: str
    out_of_network: str
    limitations: str
    # Page-text offsets of the characters of the row's limitations cell, as (start, end)
    # runs: a finding inside one of them belongs to this row.
    limitation_runs: tuple[tuple[int, int], ...] = ()
    # Pages the row continues on, with their runs (a row split by a page break).
    more_runs: tuple[tuple[int, int, int], ...] = ()

    def holds(self, page: int, offset: int) -> bool:
        runs = [(self.page, s, e) for s, e in self.limitation_runs] + list(self.more_runs)
        return any(p == page and s <= offset < e for p, s, e in runs)


@dataclass(frozen=True)
class ListItem:
    text: str
    page: int
    start: int
    end: int


@dataclass
class SbcStructure:
    grid: list[GridRow] = field(default_factory=list)
    excluded: list[ListItem] = field(default_factory=list)
    other_covered: list[ListItem] = field(default_factory=list)
    questions: dict[str, str | None] = field(default_factory=dict)
    # Page-text offsets where a grid cell starts or ends: sentences never run from one
    # cell into the next (cells have no full stops), so each note is its own finding.
    breaks: dict[int, list[int]] = field(default_factory=dict)


# -- geometry helpers ----------------------------------------------------------------


def _snap(values: Sequence[float], weights: Sequence[float] | None = None) -> list[float]:
    """Cluster nearly equal coordinates; returns the cluster centres, sorted."""
    pairs = sorted(zip(values, weights or [1.0] * len(values), strict=True))
    clusters: list[list[float]] = []  # [sum(v*w), sum(w), last v]
    for v, w in pairs:
        if clusters and v - clusters[-1][2] <= _SNAP:
            c = clusters[-1]
            c[0] += v * w
            c[1] += w
            c[2] = v
        else:
            clusters.append([v * w, w, v])
    return [c[0] / c[1] for c in clusters]


def _centre(box: Box) -> tuple[float, float]:
    return (box[0] + box[2]) / 2, (box[1] + box[3]) / 2


def _cell_text(text: str, indexes: Sequence[int],
               boxes: Sequence[Box | None] = ()) -> tuple[str, list[tuple[int, int]]]:
    """The characters at ``indexes`` as text (a space where they were not adjacent, or
    where the page leaves a gap the text layer has no space for: "Long-termcare") and the
    runs of adjacent offsets."""
    runs: list[tuple[int, int]] = []
    for i in sorted(indexes):
        if runs and i <= runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], i + 1)
        else:
            runs.append((i, i + 1))
    pieces = []
    for s, e in runs:
        piece = text[s:e]
        if boxes:
            piece = _spaced(piece, s, boxes)
        pieces.append(piece)
    out = " ".join(pieces)
    return " ".join(out.replace("\ufffe", "-").split()), runs


def _spaced(piece: str, start: int, boxes: Sequence[Box | None]) -> str:
    out = []
    for k, ch in enumerate(piece):
        i = start + k
        if k and not ch.isspace() and not piece[k - 1].isspace() and i < len(boxes):
            a, b = boxes[i - 1], boxes[i]
            # A gap wider than a third of the glyph height, on the same line, is a space.
            if a is not None and b is not None and abs(a[1] - b[1]) < 2 and \
                    b[0] - a[2] > (b[3] - b[1]) / 3:
                out.append(" ")
        out.append(ch)
    return "".join(out)


# -- the grid --------------------------------------------------------------------------


_MIN_COLUMN = 12.0  # points: the narrowest grid column that can hold a word


@dataclass
class _Columns:
    edges: list[float]  # left edge of each column, then the right edge of the last

    def index(self, x: float) -> int | None:
        k = bisect_right(self.edges, x) - 1
        return k if 0 <= k < len(self.edges) - 1 else None


def _columns_from_rules(verticals: Sequence[tuple[float, float, float]], top: float,
                        bottom: float) -> _Columns | None:
    xs, lengths = [], []
    for x, t, b in verticals:
        overlap = min(b, bottom) - max(t, top)
        if b - t >= _MIN_RULE and overlap > 0:
            xs.append(x)
            lengths.append(overlap)
    edges = _snap(xs, lengths)
    weight = {e: sum(w for x, w in zip(xs, lengths, strict=True) if abs(x - e) <= _SNAP)
              for e in edges}
    # A border drawn a few points beside the grid's own (a box around the table, a shaded
    # band's side) makes a sliver of a column no text can stand in: keep the longer rule.
    k = 1
    while k < len(edges):
        if edges[k] - edges[k - 1] < _MIN_COLUMN:
            del edges[k if weight[edges[k]] < weight[edges[k - 1]] else k - 1]
        else:
            k += 1
    if len(edges) > 7:
        # Shaded cells add short side edges (pdfplumber reports every rectangle's sides):
        # keep the borders that run longest.
        edges = sorted(sorted(edges, key=lambda e: -weight[e])[:6])
    # The template grid has five columns; some producers add one (a tier column).
    return _Columns(edges) if 5 <= len(edges) - 1 <= 6 else None


def _columns_from_gutters(boxes: Sequence[Box | None], chars: Sequence[int],
                          count: int = 5) -> _Columns | None:
    """Column edges from the white gutters between columns (producers that draw no
    vertical rules): x ranges that no character of any row covers."""
    spans = sorted((b[0], b[2]) for b in (boxes[i] for i in chars) if b is not None)
    if not spans:
        return None
    covered: list[list[float]] = [list(spans[0])]
    for x0, x1 in spans[1:]:
        if x0 <= covered[-1][1] + 1.0:
            covered[-1][1] = max(covered[-1][1], x1)
        else:
            covered.append([x0, x1])
    gutters = sorted(((b[0] - a[1], a[1], b[0]) for a, b in zip(covered, covered[1:],
                                                                 strict=False)), reverse=True)
    # A column's gutter is wider than a word space: four gaps as narrow as that are
    # words that happen to line up (text set in fewer columns), not a grid.
    if len(gutters) < count - 1 or gutters[count - 2][0] < _COLUMN_GAP:
        return None
    cuts = sorted((left + right) / 2 for _, left, right in gutters[:count - 1])
    return _Columns([covered[0][0] - 1, *cuts, covered[-1][1] + 1])


def _inside_table(chars: list[int], boxes: Sequence[Box | None],
                  rulings: Rulings) -> list[int]:
    """The characters between the first and last long horizontal rule, when the page has
    such rules: page headers and footers around the table are left out."""
    xs = [b[0] for b in (boxes[i] for i in chars) if b is not None]
    xs += [b[2] for b in (boxes[i] for i in chars) if b is not None]
    if not xs:
        return chars
    width = max(xs) - min(xs)
    # Cell borders: a producer may draw one rule across the table or one per cell.
    ys = [y for x0, x1, y in rulings.horizontal if x1 - x0 >= 0.15 * width]
    if len(ys) < 2:
        return chars
    low, high = min(ys), max(ys)
    out = []
    for i in chars:
        box = boxes[i]
        if box is not None and low - 1 <= _centre(box)[1] <= high + 1:
            out.append(i)
    # Rules that bracket only part of the text (a header band) do not outline the table.
    return out if len(out) >= len(chars) / 2 else chars


def _coverage(horizontals: Sequence[tuple[float, float, float]], y: float, left: float,
              right: float) -> float:
    """Share of ``left..right`` covered by rules at height ``y``."""
    spans = sorted((max(x0, left), min(x1, right)) for x0, x1, yy in horizontals
                   if abs(yy - y) <= _SNAP and x1 > left and x0 < right)
    covered, reach = 0.0, left
    for a, b in spans:
        if b > reach:
            covered += b - max(a, reach)
            reach = b
    return covered / (right - left) if right > left else 0.0


def _row_edges(horizontals: Sequence[tuple[float, float, float]], columns: Sequence[float],
               top: float, bottom: float) -> list[float]:
    """Heights where rules cross every given column (``columns``: consecutive edges):
    row borders. A rule under a single cell's words is an underline (glossary terms,
    links), inside a row."""
    ys = _snap([y for _, _, y in horizontals if top - _PAD <= y <= bottom + _PAD])
    return [y for y in ys
            if all(_coverage(horizontals, y, a, b) >= _BORDER_COVERAGE
                   for a, b in zip(columns, columns[1:], strict=False))]


@dataclass
class _RowBuf:
    page: int
    cells: dict[int, list[int]] = field(default_factory=dict)
    # Cells continued on a later page (a row split by a page break): col -> [(page, chars)].
    carried: dict[int, list[tuple[int, list[int]]]] = field(default_factory=dict)


class _GridReader:
    def __init__(self, doc: SourceDocument, sections: SectionMap) -> None:
        self.doc = doc
        self.sections = sections
        self.columns: _Columns | None = None
        self.rows: list[tuple[_RowBuf, str | None]] = []
        self.event: str | None = None
        self.event_text = ""
        self.page_rows = 0  # the page of the last row read (0: none yet)
        self.prose = ProseReader(_template_event)

    def _region(self, page: PageText) -> tuple[int, int] | None:
        """Text offsets of the page that lie in the grid section."""
        start = None
        end = len(page.text)
        if self.sections.at(page.number, 0).role == "sbc_grid":
            start = 0
        for p, offset, section in self.sections.headings():
            if p != page.number:
                continue
            if section.role == "sbc_grid" and start is None:
                start = offset
            elif section.role != "sbc_grid" and start is not None and offset > start:
                end = offset
                break
        return (start, end) if start is not None else None

    def read_page(self, page: PageText) -> None:
        region = self._region(page)
        if region is None:
            return
        boxes = self.doc.char_boxes(page.number)
        skip = {i for m in _TEMPLATE_FOOTER.finditer(page.text) for i in range(*m.span())}
        chars = [i for i in range(region[0], min(region[1], len(boxes)))
                 if boxes[i] is not None and not page.text[i].isspace() and i not in skip]
        if not chars:
            return
        self._read_table(page, boxes, chars)
        if self.page_rows != page.number and may_hold_prose(page.text, *region):
            # No table row on the page: the benefits may be set as paragraphs.
            self.prose.read(pieces(page, boxes, chars), _HEADER_WORDS)

    def _read_table(self, page: PageText, boxes: Sequence[Box | None],
                    chars: list[int]) -> None:
        rulings = self.doc.rulings(page.number)
        chars = _inside_table(chars, boxes, rulings)
        if not chars:
            return
        top = min(b[1] for b in (boxes[i] for i in chars) if b is not None)
        bottom = max(b[3] for b in (boxes[i] for i in chars) if b is not None)
        verticals = [(x, t, b) for x, t, b in rulings.vertical
                     if b - t >= _MIN_RULE and min(b, bottom) - max(t, top) > 0]
        columns = _columns_from_rules(verticals, top, bottom)
        if columns is None and verticals:
            return  # ruled, but not as the grid: another box (the lists, an example)
        columns = columns or self.columns or _columns_from_gutters(boxes, chars)
        if columns is None:
            return
        self.columns = columns
        row_edges = _row_edges(rulings.horizontal, columns.edges[1:4], top, bottom)
        # With rules, the table is what they enclose: running headers and footers are not.
        low, high = (row_edges[0], row_edges[-1]) if len(row_edges) >= 2 else (top, bottom)
        # The event cell spans several service rows, and a Limitations cell may too:
        # their own borders say which rows they belong to.
        limit_col = len(columns.edges) - 2
        event_edges = _row_edges(rulings.horizontal, columns.edges[0:3], top, bottom)
        limit_edges = _row_edges(rulings.horizontal, columns.edges[limit_col:limit_col + 2],
                                 top, bottom) if row_edges else []
        rows: dict[int, _RowBuf] = {}
        row_y: dict[int, float] = {}
        blocks: dict[int, list[int]] = {}
        limits: dict[int, list[int]] = {}
        for i in chars:
            box = boxes[i]
            assert box is not None
            cx, cy = _centre(box)
            col = columns.index(cx)
            if col is None or not low - 1 <= cy <= high + 1:
                continue
            if col == 0 and event_edges:
                blocks.setdefault(bisect_right(event_edges, cy), []).append(i)
                continue
            if col == limit_col and limit_edges:
                limits.setdefault(bisect_right(limit_edges, cy), []).append(i)
                continue
            # Without horizontal rules each text line is a piece of a row; _add_row joins
            # the pieces that do not start a service of their own to the row above.
            row = bisect_right(row_edges, cy) if row_edges else round(cy)
            rows.setdefault(row, _RowBuf(page.number)).cells.setdefault(col, []).append(i)
            row_y.setdefault(row, cy)
        for block, idx in limits.items():
            # Every row the Limitations cell spans gets its whole text; a cell beside no
            # row of its own (the rest of a row split by the page break) is a row piece.
            spanned = [k for k in rows if bisect_right(limit_edges, row_y[k]) == block]
            if not spanned:
                first = boxes[idx[0]]
                assert first is not None
                key = bisect_right(row_edges, _centre(first)[1])
                rows[key] = _RowBuf(page.number)
                row_y[key] = _centre(first)[1]
                spanned = [key]
            for k in spanned:
                rows[k].cells[limit_col] = list(idx)
        events = {b: _canonical_event(_cell_text(page.text, idx)[0])
                  for b, idx in blocks.items()}
        keys = sorted(rows)
        # Without rules, a row's lines follow at the line pitch and a new row stands a
        # cell's padding lower: a gap well over the page's smallest pitch opens a row.
        pitches = [b - a for a, b in zip(keys, keys[1:], strict=False) if b - a > 1]
        pitch = min(pitches, default=0)
        previous: int | None = None
        for key in keys:
            event = events.get(bisect_right(event_edges, row_y[key])) if event_edges else None
            gap = key - previous if previous is not None else None
            self._add_row(page, rows[key], event, ruled=bool(row_edges),
                          spaced=gap is None or gap > 1.3 * pitch)
            previous = key

    def _add_row(self, page: PageText, buf: _RowBuf, event: str | None, *, ruled: bool,
                 spaced: bool) -> None:
        cells = {c: _cell_text(page.text, idx)[0] for c, idx in buf.cells.items()}
        if any(_HEADER_WORDS.search(v) for v in cells.values()):
            return
        # The first row of a page after the grid's header (repeated on every page).
        first_on_page = self.page_rows != buf.page
        self.page_rows = buf.page
        if event is not None:
            self.event = event
        else:
            # No event borders: the event text read so far names the rows (a block
            # without text of its own on a new page continues the one before).
            event_text = cells.get(0, "")
            if _EVENT_START.search(event_text) or not self.event_text:
                self.event_text = event_text
            elif event_text:
                self.event_text += " " + event_text
            self.event = _canonical_event(self.event_text) or self.event
        last = self.rows[-1][0] if self.rows else None
        service = cells.get(1, "")
        if last is not None and service:
            if not ruled and (not service[:1].isupper() or not (
                    spaced or cells.get(2) or cells.get(3) or _EVENT_START.search(
                        cells.get(0, "")))):
                # A wrapped service name goes on ("injury or illness", "MRIs)"): a row
                # opens its cost cells on its first line, or stands apart from the row
                # above, or opens an event.
                service = ""
            elif (first_on_page and buf.page != last.page and not cells.get(2)
                  and not cells.get(3) and not _EVENT_START.search(cells.get(0, ""))):
                service = ""  # a service name split by the page break goes on
        if service or last is None:
            self.rows.append((buf, self.event))
            return
        # No service of its own: the row above goes on (a wrapped line without rules, or
        # the rest of a row split by a page break).
        for col, idx in buf.cells.items():
            if col == 0:
                continue
            if buf.page == last.page:
                last.cells.setdefault(col, []).extend(idx)
            else:
                last.carried.setdefault(col, []).append((buf.page, idx))

    def _all_rows(self) -> list[tuple[_RowBuf, str | None, int]]:
        """Table rows and paragraph rows in page order, with their Limitations column."""
        limit_col = len(self.columns.edges) - 2 if self.columns else 4
        rows = [(buf, event, limit_col) for buf, event in self.rows]
        rows += [(_prose_buf(row), row.event, 4) for row in self.prose.rows()]
        return sorted(rows, key=lambda r: r[0].page)

    def breaks(self) -> dict[int, list[int]]:
        out: dict[int, set[int]] = {}
        for buf, _, _ in self._all_rows():
            pieces = [(buf.page, idx) for idx in buf.cells.values()]
            pieces += [piece for carried in buf.carried.values() for piece in carried]
            for page, idx in pieces:
                if idx:
                    out.setdefault(page, set()).update((min(idx), max(idx) + 1))
        return {page: sorted(offsets) for page, offsets in out.items()}

    def rows_out(self) -> list[GridRow]:
        out: list[GridRow] = []
        for buf, event, limit_col in self._all_rows():
            def cell(col: int, buf: _RowBuf = buf) -> str:
                parts = [_cell_text(self.doc.pages[buf.page - 1].text,
                                    buf.cells.get(col, []))[0]]
                parts += [_cell_text(self.doc.pages[p - 1].text, idx)[0]
                          for p, idx in buf.carried.get(col, [])]
                return " ".join(x for x in parts if x)

            service, limitations = cell(1), cell(limit_col)
            if not service and not limitations:
                continue
            runs = _cell_text(self.doc.pages[buf.page - 1].text,
                              buf.cells.get(limit_col, []))[1]
            more = tuple((p, s, e) for p, idx in buf.carried.get(limit_col, [])
                         for s, e in _cell_text(self.doc.pages[p - 1].text, idx)[1])
            out.append(GridRow(buf.page, event, service, cell(2), cell(3), limitations,
                               tuple(runs), more))
        return out


def _prose_buf(row: ProseRow) -> _RowBuf:
    # Every piece as a carried one: they are read in their order, where a cell's own
    # offsets are read in text order.
    buf = _RowBuf(row.page)
    for col, parts in row.cells.items():
        buf.carried[col] = list(parts)
    return buf


def _template_event(text: str) -> str | None:
    """The template's event a heading names, when it is worded as the template's ("If you
    …"); a producer's own heading is no template event."""
    return _canonical_event(text) if _EVENT_START.search(text) else None


def _canonical_event(text: str) -> str | None:
    squeezed = " ".join(text.split())
    for key, name in SBC_EVENT_NAMES:
        if re.search(key, squeezed, re.I):
            return name
    return None


# -- the lists -------------------------------------------------------------------------


def _list_items(doc: SourceDocument, page: PageText, start: int, end: int) -> list[ListItem]:
    """Items of a bulleted list in ``page.text[start:end]``, in reading order.

    In a box of several columns the items of a row share a text line ("• Acupuncture •
    Hearing aids • Routine foot care"), and an item wrapped in its column shares a line
    with the other columns' items. With geometry every character goes to the column its
    x position is in; a bullet starts an item there, anything else continues that
    column's item. Items are returned column by column, as printed.
    """
    text = page.text
    boxes = doc.char_boxes(page.number)
    bullets = {m.start(): m.end() for m in _BULLET_RE.finditer(text, start, end)}
    if not bullets:
        bullets = _dash_bullets(text, start, end, boxes)
    if not bullets:
        return []
    first = min(bullets)
    xs = [b[0] for i in bullets if i < len(boxes) and (b := boxes[i]) is not None]
    columns = _snap(xs) if xs else [0.0]
    by_column: dict[int, list[list[int]]] = {}
    # Text at the top of a column before its first bullet.
    lead: dict[int, list[int]] = {}
    i = first
    while i < end:
        if i in bullets:
            box = boxes[i] if i < len(boxes) else None
            col = _list_column(columns, box[0] if box is not None else None, by_column)
            by_column.setdefault(col, []).append([])
            i = bullets[i]
            continue
        if not text[i].isspace():
            box = boxes[i] if i < len(boxes) else None
            col = _list_column(columns, box[0] if box is not None else None, by_column)
            items = by_column.get(col)
            if not items:
                lead.setdefault(col, []).append(i)
            else:
                items[-1].append(i)
        i += 1
    # A column that opens without a bullet goes on with the item the column to its left
    # ended with (text flowed from column to column, as Word sets it).
    tails: dict[tuple[int, int], list[int]] = {}
    for col in sorted(lead):
        before = [c for c in by_column if c < col and by_column[c]]
        if before:
            tails[(max(before), len(by_column[max(before)]) - 1)] = lead[col]
        else:
            by_column.setdefault(col, []).insert(0, lead[col])
    out: list[ListItem] = []
    for col in sorted(by_column):
        for k, idx in enumerate(by_column[col]):
            tail = tails.get((col, k), [])
            clean = " ".join(_cell_text(text, part, boxes)[0] for part in (idx, tail)
                             if part).strip(" ;,")
            if clean:
                every = idx + tail
                out.append(ListItem(clean, page.number, min(every), max(every) + 1))
    return out


def _dash_bullets(text: str, start: int, end: int,
                  boxes: Sequence[Box | None]) -> dict[int, int]:
    """Items marked with a dash ("- Acupuncture") where a list has no bullet glyphs.

    A dash inside an item ("Abortion - except when …") is no bullet: a bullet dash opens
    a line, or stands where the dashes of other lines stand (a column's left edge)."""
    found = list(_DASH_RE.finditer(text, start, end))
    if len(found) < 2:
        return {}
    xs = [b[0] if m.start() < len(boxes) and (b := boxes[m.start()]) is not None else None
          for m in found]
    known = [x for x in xs if x is not None]
    out: dict[int, int] = {}
    for m, x in zip(found, xs, strict=True):
        line_start = m.start() == 0 or text[m.start() - 1] in "\r\n"
        aligned = x is not None and sum(1 for y in known if abs(y - x) <= _SNAP) >= 2
        if line_start or aligned or _column_gap(text, m.start(), boxes):
            out[m.start()] = m.end()
    return out if len(out) >= 2 else {}


def _column_gap(text: str, at: int, boxes: Sequence[Box | None]) -> bool:
    """Whether the text before ``at`` on its line ends far to the left (another column),
    not one word space away."""
    box = boxes[at] if at < len(boxes) else None
    k = at - 1
    while k >= 0 and text[k] in " \t":
        k -= 1
    if box is None or k < 0 or text[k] in "\r\n" or k >= len(boxes):
        return False
    before = boxes[k]
    return before is not None and abs(before[1] - box[1]) <= _SNAP \
        and box[0] - before[2] >= _COLUMN_GAP


def _list_column(columns: Sequence[float], x: float | None,
                 by_column: dict[int, list[list[int]]]) -> int:
    """The column whose bullets stand at or left of ``x`` (the last one used without
    geometry, so text input reads as one column)."""
    if x is None:
        return max(by_column, default=0)
    k = bisect_right(columns, x + _SNAP) - 1
    return max(k, 0)


def _list_region(sections: SectionMap, role: str) -> list[tuple[int, int, int]]:
    """(page, start, end) stretches of the section with ``role``."""
    marks = sections.headings()
    out: list[tuple[int, int, int]] = []
    for k, (page, offset, section) in enumerate(marks):
        if section.role != role:
            continue
        nxt = next(((p, o) for p, o, s in marks[k + 1:] if s.role != role), None)
        end = nxt[1] if nxt and nxt[0] == page else 10**9
        out.append((page, offset, end))
    return out


# -- Important Questions ---------------------------------------------------------------


def _questions(doc: SourceDocument, sections: SectionMap,
               pages: Sequence[PageText]) -> dict[str, str | None]:
    """The Answers column of the Important Questions table, by question; the table may
    go on to the next page, and shares its pages with the grid's own rules."""
    found: dict[str, str | None] = {key: None for key, _ in _IMPORTANT_QUESTIONS}
    for page in pages[:2]:
        region = _role_span(sections, page, "sbc_questions")
        if region is None:
            continue
        boxes = doc.char_boxes(page.number)
        skip = {i for m in _TEMPLATE_FOOTER.finditer(page.text) for i in range(*m.span())}
        chars = [i for i in range(region[0], min(region[1], len(boxes)))
                 if boxes[i] is not None and not page.text[i].isspace() and i not in skip]
        if not chars:
            continue
        top = min(b[1] for b in (boxes[i] for i in chars) if b is not None) - _PAD
        bottom = max(b[3] for b in (boxes[i] for i in chars) if b is not None) + _PAD
        rulings = doc.rulings(page.number)
        xs = _snap([x for x, t, b in rulings.vertical
                    if b - t >= _MIN_RULE and min(b, bottom) - max(t, top) > 0])
        if len(xs) < 3:
            continue
        columns = _Columns(xs)
        ys = _row_edges(rulings.horizontal, xs[1:3], top, bottom)
        for key, pattern in _IMPORTANT_QUESTIONS:
            m = re.compile(pattern, re.I).search(page.text, region[0], region[1])
            if found[key] or m is None or boxes[m.start()] is None:
                continue
            qbox = boxes[m.start()]
            assert qbox is not None
            row = bisect_right(ys, _centre(qbox)[1])
            low = ys[row - 1] if row > 0 else top
            high = ys[row] if row < len(ys) else bottom
            # The column borders are those crossing the question's own line (the grid
            # below has others), and the answer is the column right of the question's.
            qy = _centre(qbox)[1]
            row_columns = _Columns(_snap([x for x, t, b in rulings.vertical
                                          if b - t >= _MIN_RULE and t <= qy <= b])) \
                if any(t <= qy <= b for _, t, b in rulings.vertical) else columns
            qcol = row_columns.index(_centre(qbox)[0])
            if qcol is None:
                continue
            cell = [i for i in chars if (b := boxes[i]) is not None
                    and low <= _centre(b)[1] <= high
                    and row_columns.index(_centre(b)[0]) == qcol + 1]
            value = _cell_text(page.text, cell, boxes)[0]
            # A header band drawn without a rule under it joins the first row.
            value = re.sub(r"^Answers\s+", "", value)
            found[key] = value or None
    return found


def _role_span(sections: SectionMap, page: PageText, role: str) -> tuple[int, int] | None:
    """Text offsets of ``page`` inside the section with ``role``."""
    start = 0 if sections.at(page.number, 0).role == role else None
    for p, offset, section in sections.headings():
        if p != page.number:
            continue
        if section.role == role and start is None:
            start = offset
        elif section.role != role and start is not None and offset > start:
            return start, offset
    return (start, len(page.text)) if start is not None else None


# -- entry point -------------------------------------------------------------------------


def read_sbc(doc: SourceDocument, sections: SectionMap) -> SbcStructure:
    """The grid, the lists and the Important Questions of an SBC (empty parts when the
    document does not have them or gives no geometry for them)."""
    out = SbcStructure()
    pages = {p.number: p for p in doc.pages if p.usable}
    grid = _GridReader(doc, sections)
    for page in pages.values():
        grid.read_page(page)
    out.grid = grid.rows_out()
    out.breaks = grid.breaks()
    for role, target in (("sbc_not_covered", out.excluded),
                         ("sbc_other_covered", out.other_covered)):
        for number, start, end in _list_region(sections, role):
            listed = pages.get(number)
            if listed is not None:
                target.extend(_list_items(doc, listed, start, min(end, len(listed.text))))
    out.questions = _questions(doc, sections, list(pages.values()))
    return out


# -- what the scanner reports ------------------------------------------------------------

_PENALTIES = (
    re.compile(r"reduced\s+by\s+(\d+\s?%(?:\s+of\s+the\s+(?:total\s+)?(?:cost|allowed|"
               r"benefit|maximum)[^.;]*?)?|\$[\d,]+(?:\.\d\d)?)(?=[.;,)]|\s+if\b|$)", re.I),
    re.compile(r"(\$[\d,]+(?:\.\d\d)?|\d+\s?%)\s+(?:financial\s+)?penalty", re.I),
    re.compile(r"penalty\s+of\s+(\$[\d,]+(?:\.\d\d)?|\d+\s?%[^.;]*?)(?=[.;,)]|$)", re.I),
    re.compile(r"(benefits\s+(?:will|may|could)\s+be\s+denied|"
               r"(?:will|may)\s+not\s+be\s+covered|you\s+(?:will\s+)?pay\s+the\s+full\s+cost)",
               re.I),
)


def penalty(text: str) -> str | None:
    """The consequence of skipping prior authorization, as the row states it."""
    for pattern in _PENALTIES:
        m = pattern.search(text)
        if m:
            return " ".join(m.group(1).split())
    return None


def summarize(structure: SbcStructure, findings: Sequence[Finding]
              ) -> tuple[list[Finding], SbcInfo]:
    """Attach grid rows to prior-authorization findings and build the SBC's report part."""
    out: list[Finding] = []
    with_pa: dict[int, list[Finding]] = {}
    for f in findings:
        at = f.trigger_start if f.trigger_start is not None else f.start
        rows = [k for k, row in enumerate(structure.grid) if row.holds(f.page, at)]
        if rows:
            row = structure.grid[rows[0]]
            # A grid finding stands in its row: the row's event is its section, whatever
            # order the producer wrote the cells in.
            f = replace(f, section=row.event or f.section)
            if f.category == "prior_authorization":
                f = replace(f, service=row.service or row.event,
                            penalty=None if f.negated else penalty(row.limitations))
                if not f.negated:
                    for k in rows:  # a note in a merged cell applies to every row it spans
                        with_pa.setdefault(k, []).append(f)
        out.append(f)
    grid = tuple(GridRowInfo(r.page, r.event, r.service, r.in_network, r.out_of_network,
                             r.limitations, k in with_pa, penalty(r.limitations) if k in with_pa
                             else None)
                 for k, r in enumerate(structure.grid))
    services = tuple(PriorAuthService(structure.grid[k].service or structure.grid[k].event or "",
                                      fs[0].page, fs[0].quote, fs[0].penalty,
                                      structure.grid[k].event)
                     for k, fs in sorted(with_pa.items()))
    info = SbcInfo(dict(structure.questions), grid,
                   tuple(i.text for i in structure.excluded),
                   tuple(i.text for i in structure.other_covered), services,
                   tuple(i.page for i in structure.excluded),
                   tuple(i.page for i in structure.other_covered))
    return out, info
