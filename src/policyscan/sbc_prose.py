"""An SBC's benefits set as prose: no table, one paragraph per service.

Some producers drop the template's grid and set each service as a short paragraph,
"Specialist visit: network $40 copay; out of network 40% coinsurance. Limited to 20
visits.", under a heading that names the event, either in one column of bulleted lines
or in three text columns filled column by column. In the three-column case the page's
text runs line by line across the columns, so text order mixes three services; only the
character boxes say which words belong together.

This module turns a page's characters into lines of one column each, read column by
column (``pieces``), and those lines into rows (``ProseReader``): service, in-network
and out-of-network cost, limitations, with the event heading they stand under. A
paragraph cut by a column or page break goes on where the text goes on.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate, chain
from typing import cast

import numpy as np

from .extract import BULLETS, PageText
from .models import Box

_COLUMN_GAP = 6.0  # points: wider than any word space, narrower than a column gutter
_MIN_COLUMN = 60.0  # points: a text column holds words; a bullet's own strip is none
_SAME_LINE = 2.0  # points: glyph centres this close stand on one line
# Running heads and footers are set smaller than the benefits.
_SMALLER = 0.75
_BULLET = re.compile(rf"^\s*(?:[{BULLETS}]|\(cid:\d+\)|[-\u2013*](?=\s))\s*")
# "Specialist visit: …": a short label, then its costs.
_LABEL = re.compile(r"^[A-Z0-9(][^:;.]{0,120}?:(?=\s|$)")
_MAX_LABEL_WORDS = 16
# What a cost cell says; a service paragraph states one of these.
_COST = re.compile(r"\$\s?\d|\d\s?%|\bno\s+charge\b|\bnot\s+covered\b|\bcopay|"
                   r"\bco-?insurance\b|\bdeductible\b|\bfree\b", re.I)
_OUT_LABEL = re.compile(r"\b(?:out[-\s]+of[-\s]+network|non[-\s]?network|"
                        r"non[-\s]?participating|non[-\s]?preferred)(?:\s+providers?)?\b", re.I)
_IN_LABEL = re.compile(r"\b(?:in[-\s]+network|network|participating|preferred)"
                       r"(?:\s+providers?)?\b", re.I)
# A service's label and a cost on its line or the two after it. A page without one holds
# no paragraph the reader would keep, and is not cut into pieces (a character-box pass).
_LABEL_THEN_COST = re.compile(r"[A-Za-z0-9(][^:;.\n]{0,120}:(?=\s)[^\n]*(?:\n[^\n]*){0,2}?(?:"
                              + _COST.pattern + ")", re.I)
# The end of the cost statement: a full stop before the next sentence.
_SENTENCE_END = re.compile(r"\.(?=\s+[A-Z(]|\s*$)")
_EVENT_START = re.compile(r"^\s*If\s+(you|your\s+child)\b", re.I)
_TRIM = " \t;,:.\u2013-"


# The same, read from each label's colon: searching for the label's first letter tried
# every letter of the page and ran on to 120 characters from each.
_LABEL_COLON = re.compile(r":(?=\s)")
_LABEL_LETTER = re.compile(r"[A-Za-z0-9(]")
_COST_AFTER = re.compile(r"[^\n]*(?:\n[^\n]*){0,2}?(?:" + _COST.pattern + ")", re.I)


def may_hold_prose(text: str, start: int, end: int) -> bool:
    """Could ``text[start:end]`` hold a service paragraph (a label, then a cost)?
    (``_LABEL_THEN_COST.search(text, start, end)``, found from the colons.)"""
    for colon in _LABEL_COLON.finditer(text, start, end):
        c = colon.start()
        label = text[max(start, c - 121):c]
        cut = max(label.rfind(":"), label.rfind(";"), label.rfind("."), label.rfind("\n"))
        if (_LABEL_LETTER.search(label, cut + 1) is not None
                and _COST_AFTER.match(text, c + 1, end) is not None):
            return True
    return False


@dataclass(frozen=True)
class Piece:
    """One line of one column: its non-space characters (page offsets, text order)."""

    page: int
    idx: tuple[int, ...]
    text: str
    bold: bool


def pieces(page: PageText, boxes: Sequence[Box | None], chars: Sequence[int]) -> list[Piece]:
    """The lines of ``chars`` column by column, each column top to bottom.

    Columns are split where a white strip runs down the whole stretch (a few lines may
    cross it: a heading set across the columns); a line is cut into pieces at gaps wider
    than a word space."""
    # Arrays: this reads every glyph of a page, a few thousand of them (stable sorts keep
    # the order a loop over the glyphs would give).
    placed = [i for i in chars if boxes[i] is not None]
    if not placed:
        return []
    offsets = np.array(placed)
    # (from one flat run of numbers: an array of tuples is built a tuple at a time)
    placed_boxes = cast(list[Box], [boxes[i] for i in placed])
    box = np.fromiter(chain.from_iterable(placed_boxes), dtype=np.float64,
                      count=4 * len(placed_boxes)).reshape(-1, 4)
    starts = np.array([ln.start for ln in page.lines], dtype=int)
    # each glyph's text line's size (NaN: none known)
    line_sizes = np.array([np.nan] + [np.nan if ln.size is None else ln.size
                                      for ln in page.lines])
    size = line_sizes[np.searchsorted(starts, offsets, side="right")]
    known = size[~np.isnan(size)]
    if known.size:
        body = Counter(known.tolist()).most_common(1)[0][0]
        # (a size of 0 stands for the body's, as a missing one does)
        keep = np.isnan(size) | (size == 0) | (size >= body - _SMALLER)
        offsets, box = offsets[keep], box[keep]
    if not offsets.size:
        return []
    # Visual lines: glyph centres close in height.
    cy = (box[:, 1] + box[:, 3]) / 2
    order = np.argsort(cy, kind="stable")
    visual = np.concatenate(([0], np.cumsum(np.diff(cy[order]) > _SAME_LINE)))
    # Each line left to right, then pieces cut at gaps wider than a word space.
    by_x = np.argsort(box[order, 0], kind="stable")
    by_x = by_x[np.argsort(visual[by_x], kind="stable")]
    glyphs = order[by_x]
    x0, x1, line = box[glyphs, 0], box[glyphs, 2], visual[by_x]
    cut = np.concatenate(([True], (line[1:] != line[:-1]) | (x0[1:] - x1[:-1] >= _COLUMN_GAP)))
    bounds = np.flatnonzero(cut).tolist() + [len(glyphs)]
    runs = [(bounds[k], bounds[k + 1]) for k in range(len(bounds) - 1)]
    lefts = x0[bounds[:-1]].tolist()
    rights = np.maximum.reduceat(x1, bounds[:-1]).tolist()
    edges = _column_edges(list(zip(lefts, rights, strict=True)), int(line[-1]) + 1)
    glyph_offsets = offsets[glyphs].tolist()
    line_starts = starts.tolist()
    out: list[tuple[int, float, Piece]] = []
    for (a, b), left in zip(runs, lefts, strict=True):
        idx = tuple(sorted(glyph_offsets[a:b]))
        k = bisect_right(line_starts, idx[0]) - 1
        bold, start = (page.lines[k].bold, page.lines[k].start) if k >= 0 else (False, 0)
        # Bold counts for a piece that opens its text line (the flag is the line's first
        # glyph's, and a text line may run across columns).
        opens = not page.text[start:idx[0]].strip()
        out.append((bisect_right(edges, left + 1.0), _cy(boxes[idx[0]]),
                    Piece(page.number, idx, _text(page.text, idx), bold and opens)))
    out.sort(key=lambda t: (t[0], t[1]))
    return [p for _, _, p in out]


def _cy(box: Box | None) -> float:
    assert box is not None
    return (box[1] + box[3]) / 2


def _column_edges(spans: Sequence[tuple[float, float]], line_count: int) -> list[float]:
    """Left edges of the text columns after the first: the middles of the white strips
    that at most one line in twenty crosses."""
    if not spans:
        return []
    left = int(min(x0 for x0, _ in spans))
    right = int(max(x1 for _, x1 in spans)) + 1
    # how many spans cover each point: +1 where one starts, -1 after it ends, summed
    steps = [0] * (right - left + 2)
    for x0, x1 in spans:
        steps[int(x0) - left] += 1
        steps[int(x1) - left + 1] -= 1
    cover = list(accumulate(steps[:-1]))
    limit = line_count // 20
    gutters: list[tuple[int, int]] = []
    x = 0
    while x < len(cover):
        if cover[x] <= limit:
            start = x
            while x < len(cover) and cover[x] <= limit:
                x += 1
            if x - start >= _COLUMN_GAP and start > 0 and x < len(cover):
                gutters.append((start, x))
        x += 1
    edges: list[float] = []
    previous = float(left)
    for a, b in gutters:
        # A strip beside a narrow one (bullets standing apart from their text) is no
        # column: the column goes on to the next gutter.
        if left + a - previous >= _MIN_COLUMN:
            edges.append(left + (a + b) / 2)
            previous = left + b
    if edges and right - edges[-1] < _MIN_COLUMN:
        edges.pop()
    return edges


def _text(text: str, idx: Sequence[int]) -> str:
    """The characters at ``idx``, a space where offsets jump."""
    words = text[idx[0]:idx[-1] + 1].split()
    if sum(map(len, words)) == len(idx):
        # every non-space character between the first and the last: only spaces jumped
        return " ".join(words).replace("\ufffe", "-")
    out: list[str] = []
    for k, i in enumerate(idx):
        if k and i > idx[k - 1] + 1:
            out.append(" ")
        out.append(text[i])
    return "".join(out).replace("\ufffe", "-")


# -- paragraphs into rows -------------------------------------------------------------------


@dataclass
class ProseRow:
    """A service paragraph as grid cells: column (1 service, 2 in network, 3 out of
    network, 4 limitations) -> its (page, char offsets) pieces in reading order, each
    piece ascending."""

    page: int
    event: str | None
    cells: dict[int, list[tuple[int, list[int]]]] = field(default_factory=dict)


@dataclass
class _Paragraph:
    event: str | None
    parts: list[Piece] = field(default_factory=list)
    cells: dict[int, list[tuple[int, list[int]]]] | None = None  # set when it closes


class ProseReader:
    """Reads pages of service paragraphs in order; the event and an unfinished paragraph
    carry over from page to page."""

    def __init__(self, canonical: Callable[[str], str | None]) -> None:
        # The template's name of an event heading, or None.
        self._canonical = canonical
        self.event: str | None = None
        self._heading: list[str] = []
        self._open: _Paragraph | None = None
        self._done: list[_Paragraph] = []

    def read(self, page_pieces: Sequence[Piece], skip: re.Pattern[str]) -> int:
        """Takes a page's pieces; returns how many paragraphs began on it."""
        began = 0
        kept = [p for p in page_pieces if p.text.strip()
                and not (skip.search(p.text) and not _COST.search(p.text))]
        for k, piece in enumerate(kept):
            text = piece.text.strip()
            bullet = _BULLET.match(text)
            body = text[bullet.end():] if bullet else text
            if self._heading and self._is_heading(piece, body, after_heading=True):
                self._heading.append(body)
                continue
            if self._is_heading(piece, body):
                self._close()
                self._heading = [body]
                continue
            self._end_heading()
            label = _LABEL.match(body)
            ended = self._open is None or self._open.parts[-1].text.rstrip().endswith(".")
            if label is None and ended and k + 1 < len(kept) and body[:1].isupper():
                # A service name wrapped before its colon ("Preventive care, screenings
                # and" / "shots: …"), after a paragraph that ended.
                label = _LABEL.match(f"{body} {kept[k + 1].text.strip()}")
            if bullet or (label and len(label.group().split()) <= _MAX_LABEL_WORDS):
                self._close()
                self._open = _Paragraph(self.event)
                began += 1
                if bullet:
                    piece = Piece(piece.page, _drop(piece, bullet.end()), body, piece.bold)
                self._open.parts.append(piece)
            elif self._open is not None:
                self._open.parts.append(piece)
        return began

    def _is_heading(self, piece: Piece, body: str, after_heading: bool = False) -> bool:
        if ":" in body or _COST.search(body) or not re.search(r"[A-Za-z]", body):
            return False
        if _EVENT_START.search(body):
            return True
        letters = [c for c in body if c.isalpha()]
        upper = all(c.isupper() for c in letters)
        if after_heading:
            return upper or piece.bold
        words = body.split()
        return len(words) <= 14 and (piece.bold or (upper and len(words) >= 2))

    def _end_heading(self) -> None:
        if self._heading:
            text = " ".join(self._heading)
            self.event = self._canonical(text) or _as_printed(text)
            self._heading = []

    def _close(self) -> None:
        self._end_heading()
        if self._open is None:
            return
        self._open.cells = _cells(self._open)
        if self._open.cells is not None:
            self._done.append(self._open)
        elif self._done:  # no costs: a line like "Note: …" in the paragraph above
            self._done[-1].parts.extend(self._open.parts)
            self._done[-1].cells = _cells(self._done[-1])
        self._open = None

    def rows(self) -> list[ProseRow]:
        self._close()
        out = []
        for para in self._done:
            if para.cells is not None:
                out.append(ProseRow(para.parts[0].page, para.event, para.cells))
        return out


def _drop(piece: Piece, chars: int) -> tuple[int, ...]:
    """The piece's offsets without its first ``chars`` characters of text (a bullet)."""
    visible = len(piece.text[:chars].replace(" ", ""))
    return piece.idx[visible:]


def _as_printed(text: str) -> str:
    text = " ".join(text.split())
    if text.isupper():
        text = text[:1] + text[1:].lower()
    return text


def _cells(para: _Paragraph) -> dict[int, list[tuple[int, list[int]]]] | None:
    """The paragraph cut into service, costs in and out of network, and limitations; None
    when it is no service paragraph (no label, or no cost after it)."""
    # A piece's text has a space where its offsets jump, so the paragraph's text is its
    # pieces' joined; its characters are mapped only once it is a service paragraph.
    text = " ".join(piece.text for piece in para.parts)
    colon = _LABEL.match(text)
    if colon is None:
        return None
    rest_start = colon.end()
    end = _SENTENCE_END.search(text, rest_start)
    costs_end = end.start() if end else len(text)
    if not _COST.search(text, rest_start, costs_end):
        return None
    where: list[tuple[int, int] | None] = []
    for piece in para.parts:
        if where:
            where.append(None)
        for k, i in enumerate(piece.idx):
            if k and i > piece.idx[k - 1] + 1:
                where.append(None)
            where.append((piece.page, i))
    spans = {1: (0, colon.end() - 1)}
    costs = text[rest_start:costs_end]
    out_label = _OUT_LABEL.search(costs)
    if out_label and costs[out_label.end():].strip(_TRIM):
        # "network $40 copay; out of network 40% coinsurance": labels lead their values.
        inside = costs[:out_label.start()]
        lead = _IN_LABEL.match(inside.lstrip(_TRIM))
        skip = len(inside) - len(inside.lstrip(_TRIM)) + (lead.end() if lead else 0)
        spans[2] = (rest_start + skip, rest_start + out_label.start())
        spans[3] = (rest_start + out_label.end(), rest_start + len(costs))
    else:
        # "$40 copay in network; 40% coinsurance out of network": labels follow them.
        head = costs[:out_label.start()] if out_label else costs
        labels = list(_IN_LABEL.finditer(head))
        if labels and out_label:
            spans[2] = (rest_start, rest_start + labels[-1].start())
            spans[3] = (rest_start + labels[-1].end(), rest_start + out_label.start())
        else:
            spans[2] = (rest_start, rest_start + len(head))
    if end is not None:
        spans[4] = (end.end(), len(text))
    cells: dict[int, list[tuple[int, list[int]]]] = {}
    for col, (a, b) in spans.items():
        while a < b and text[a] in _TRIM:
            a += 1
        while b > a and text[b - 1] in _TRIM.replace(".", ""):
            b -= 1
        if col != 4:
            while b > a and text[b - 1] in _TRIM:
                b -= 1
        # In reading order: a new piece where the page changes or the text goes back (a
        # paragraph going on at the top of the next column comes earlier in the page's
        # text when the columns share text lines).
        parts: list[tuple[int, list[int]]] = []
        for w in where[a:b]:
            if w is None:
                continue
            if parts and parts[-1][0] == w[0] and w[1] > parts[-1][1][-1]:
                parts[-1][1].append(w[1])
            else:
                parts.append((w[0], [w[1]]))
        if parts:
            cells[col] = parts
    return cells

